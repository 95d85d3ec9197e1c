"""Writing a person's files safely: atomically, keeping their owner and mode, never over
a newer save, never with a temp file left behind.

Everything sheets-sync writes to disk goes through :func:`write_atomic`::

    write_atomic(path, data)                  # bytes
    write_atomic(path, lambda fh: wb.save(fh))  # or a callable writing into a binary file

The new content goes to a temp file in the same folder (named
``.<name>.sheets-sync-<host>-<pid>-<random>.tmp`` so a person, and the next run, can tell
what it is), is fsynced, given the target's mode and owner, and replaces the target in
one rename; the folder is fsynced after. Any failure (a full disk, a read-only folder,
Ctrl-C) removes the temp file and leaves the target as it was. A temp file left by a
process killed with ``kill -9`` is removed by :func:`clean_stale_temps` on the next run.

Concurrent saves: :class:`Fingerprint` records size, mtime and SHA-256 of the bytes a
reader parsed; pass ``expect=`` to :func:`write_atomic` and the file is checked again at
the very moment of the replace (on Linux the new file is swapped in with
``renameat2(RENAME_EXCHANGE)`` and the displaced file compared: a person's save that
landed a microsecond earlier is put back and :class:`WorkbookChanged` raised, so the
caller re-reads and re-plans instead of overwriting it).

Fingerprints and stable reads live in :mod:`.files_fingerprint`, lock files of an open
workbook in :mod:`.files_locks`, temp-file names and their clean-up in
:mod:`.files_temps`; the names callers use are re-exported here.
"""
from __future__ import annotations

import ctypes
import errno
import os
import stat
import sys
import time
from pathlib import Path
from typing import BinaryIO, Callable, TypeVar, Union

from ..core.errors import WorkbookError
from .files_fingerprint import Fingerprint, read_stable  # noqa: F401 - read_stable re-exported
from .files_locks import WorkbookOpen, lock_file_of, lock_files_of, refuse_if_open  # noqa: F401 - re-exported
# _HOST and _temp_name are looked up here (tests name them files._HOST and replace files._temp_name)
from .files_temps import HOST as _HOST, clean_stale_temps, temp_name as _temp_name  # noqa: F401

Data = Union[bytes, bytearray, memoryview, Callable[[BinaryIO], object]]
T = TypeVar("T")


class WorkbookChanged(WorkbookError):
    """The file changed on disk between our read and our replace (a person saved it):
    nothing was written; read it again and re-plan."""


# -- the atomic write ------------------------------------------------------------------
def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


_RENAME_EXCHANGE = 2
_renameat2 = None
if sys.platform.startswith("linux"):
    try:
        _libc = ctypes.CDLL(None, use_errno=True)
        _renameat2 = getattr(_libc, "renameat2", None)
        if _renameat2 is not None:
            _renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
            _renameat2.restype = ctypes.c_int
    except OSError:
        _renameat2 = None
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two names (Linux); False where the system cannot."""
    if _renameat2 is None:
        return False
    if _renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EPERM):
        return False
    raise OSError(err, os.strerror(err), str(b))


def _messages(path: Path, e: OSError) -> WorkbookError:
    if e.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1), errno.EFBIG):
        return WorkbookError(f"ดิสก์เต็ม: เขียน {path} ไม่ได้ ไฟล์เดิมยังอยู่ครบ ไม่ได้เขียนอะไร",
                             f"disk full: could not write {path}; the existing file is unchanged, "
                             f"nothing was written")
    if e.errno == errno.EROFS:
        return WorkbookError(f"เขียน {path} ไม่ได้: ดิสก์/โฟลเดอร์ {path.parent} เป็นแบบอ่านอย่างเดียว ไม่ได้เขียนอะไร",
                             f"cannot write {path}: its folder {path.parent} is on a read-only disk; "
                             f"nothing was written")
    if e.errno in (errno.EACCES, errno.EPERM):
        return WorkbookError(f"เขียน {path} ไม่ได้: ไม่มีสิทธิ์เขียนในโฟลเดอร์ {path.parent} "
                             f"หรือไฟล์เปิดอยู่ในโปรแกรมอื่น ไม่ได้เขียนอะไร",
                             f"cannot write {path}: you may not write in its folder {path.parent}, or the "
                             f"file is open in another program; nothing was written")
    return WorkbookError(f"เขียน {path} ไม่ได้: {e.strerror or e} ไม่ได้เขียนอะไร",
                         f"could not write {path}: {e.strerror or e}; nothing was written")


def check_writable(path: str | Path) -> None:
    """Refuse a target that is read-only (its mode has no write bit, or we may not write
    it): replacing it would silently defeat the person's protection."""
    path = Path(path)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return
    if stat.S_ISDIR(st.st_mode):
        raise WorkbookError(f"{path} เป็นโฟลเดอร์ ไม่ใช่ไฟล์", f"{path} is a folder, not a file")
    if not st.st_mode & 0o222 or not os.access(path, os.W_OK):
        raise WorkbookError(f"ไฟล์ {path} เป็นแบบอ่านอย่างเดียว sheets-sync ไม่เขียนทับ "
                            f"(เปิดสิทธิ์เขียนก่อนถ้าต้องการ) ไม่ได้เขียนอะไร",
                            f"{path} is read-only; sheets-sync will not replace it (make it writable "
                            f"first if it should change); nothing was written")


def write_atomic(path: str | Path, data: Data, *, expect: Fingerprint | None = None,
                 check_unchanged: bool = False) -> Path:
    """Replace ``path`` with ``data`` atomically and return the path written.

    ``data``: bytes, or a callable that writes the content into the binary file object
    it is given (``lambda fh: workbook.save(fh)``).

    - The temp file lives in the target's folder (a rename never crosses a disk) and is
      fsynced before the rename; the folder is fsynced after.
    - An existing target keeps its permission bits and its owner/group (when the owner
      cannot be kept, the content is copied into the existing file instead, after the
      complete new content is safely on disk). A symlink is followed: its target changes.
    - A read-only target is refused (:class:`WorkbookError`); nothing is written.
    - ``expect``: the target's fingerprint when it was read; if the file on disk is
      different at the moment of the replace, :class:`WorkbookChanged` is raised and the
      person's file is left as they saved it. ``check_unchanged`` with ``expect=None``
      means "the file must not exist yet" (it is created, never replaced).
    - Any failure, including KeyboardInterrupt, removes the temp file; OSErrors become a
      :class:`WorkbookError` naming ``path`` (a full disk: "disk full ... nothing was
      written").
    """
    path = Path(os.path.realpath(path))
    folder = path.parent
    check_writable(path)
    clean_stale_temps(path)
    try:
        old = os.stat(path)
    except FileNotFoundError:
        old = None
    tmp = _temp_name(path)
    try:
        try:
            # 0o666 less the umask, as any program's new file: a summary on a shared folder
            # must be readable by colleagues (an existing target's own mode is set below)
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
        except FileNotFoundError:
            raise WorkbookError(f"ไม่พบโฟลเดอร์ {folder} ของ {path.name}",
                                f"cannot write {path}: folder {folder} does not exist") from None
        with os.fdopen(fd, "wb") as fh:
            if callable(data):
                data(fh)
            else:
                fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        in_place = False
        if old is not None:
            os.chmod(tmp, stat.S_IMODE(old.st_mode))
            in_place = not _keep_owner(tmp, old)
        if in_place:
            _verify(path, expect, check_unchanged)
            _copy_into(tmp, path)
            os.unlink(tmp)
        else:
            _replace(tmp, path, expect, check_unchanged)
        _fsync_dir(folder)
    except BaseException as e:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(e, OSError) and not isinstance(e, WorkbookError):
            raise _messages(path, e) from e
        raise
    return path


def _keep_owner(tmp: Path, old: os.stat_result) -> bool:
    """Give ``tmp`` the old file's owner and group; False if the owner cannot be kept."""
    if not hasattr(os, "chown"):
        return True
    st = os.stat(tmp)
    if (st.st_uid, st.st_gid) == (old.st_uid, old.st_gid):
        return True
    try:
        os.chown(tmp, old.st_uid, old.st_gid)
        return True
    except OSError:
        pass
    if st.st_uid == old.st_uid:
        try:
            os.chown(tmp, -1, old.st_gid)
        except OSError:
            pass
        return True
    return False


def _verify(path: Path, expect: Fingerprint | None, check_unchanged: bool) -> None:
    if expect is None and not check_unchanged:
        return
    now = Fingerprint.of_file(path)
    if expect is None:
        if now is not None:
            raise _changed(path)
    elif now is None or now.changed_since(expect):
        raise _changed(path)


def _changed(path: Path) -> WorkbookChanged:
    return WorkbookChanged(f"มีคนบันทึก {path} ระหว่างที่ sheets-sync ทำงาน ไม่ได้เขียนทับ "
                           f"ให้อ่านใหม่แล้วคำนวณอีกครั้ง",
                           f"{path} was saved by someone else while sheets-sync was working; it was "
                           f"not overwritten (read it again and re-plan)")


def _replace(tmp: Path, path: Path, expect: Fingerprint | None, check_unchanged: bool) -> None:
    if expect is None and not check_unchanged:
        os.replace(tmp, path)
        return
    if expect is None:  # must not exist yet: a hard link never replaces
        try:
            os.link(tmp, path)
        except FileExistsError:
            raise _changed(path) from None
        except OSError:
            _verify(path, None, True)
            os.replace(tmp, path)
            return
        os.unlink(tmp)
        return
    _verify(path, expect, True)          # cheap refusal before touching anything
    if not _exchange(tmp, path):
        _verify(path, expect, True)      # best effort where names cannot be swapped
        os.replace(tmp, path)
        return
    # ``tmp`` now names exactly the file we displaced: was it still the one we read?
    ours = os.stat(path)
    displaced = Fingerprint.of_file(tmp)
    if displaced is not None and not displaced.changed_since(expect):
        os.unlink(tmp)
        return
    # A person saved in the last instant: put their file back.
    if os.stat(path).st_ino == ours.st_ino:
        _exchange(tmp, path)
    raise _changed(path)


def _copy_into(src: Path, dst: Path) -> None:
    with open(src, "rb") as a, open(dst, "r+b") as b:
        while chunk := a.read(1 << 20):
            b.write(chunk)
        b.truncate()
        b.flush()
        os.fsync(b.fileno())


def retry_on_change(fn: Callable[[], T], attempts: int = 3, wait: float = 0.2) -> T:
    """Call ``fn`` (which reads, plans and writes); when it raises
    :class:`WorkbookChanged`, wait a little and call it again, up to ``attempts`` times
    in all; the last WorkbookChanged propagates."""
    for i in range(attempts):
        try:
            return fn()
        except WorkbookChanged:
            if i == attempts - 1:
                raise
            time.sleep(wait * (i + 1))
    raise AssertionError("unreachable")
