"""The lock files Excel and LibreOffice leave beside a workbook a person has open, and
refusing to write such a workbook (:class:`WorkbookOpen`)."""
from __future__ import annotations

from pathlib import Path

from ..core.errors import WorkbookError


class WorkbookOpen(WorkbookError):
    """The workbook is open in Excel or LibreOffice (its lock file is present)."""


def lock_files_of(path: str | Path) -> list[Path]:
    """Where Excel (``~$name``) and LibreOffice (``.~lock.name#``) put the lock file
    that says a person has ``path`` open."""
    path = Path(path)
    return [path.with_name("~$" + path.name), path.with_name(f".~lock.{path.name}#")]


def lock_file_of(path: str | Path) -> Path | None:
    """The lock file present beside ``path``, if any."""
    return next((p for p in lock_files_of(path) if p.exists()), None)


def _lock_owner(lock: Path) -> str:
    try:
        raw = lock.read_bytes()[:512]
    except OSError:
        return ""
    if lock.name.startswith(".~lock."):  # LibreOffice: "X,user name,host,date,..."
        fields = raw.decode("utf-8", "replace").split(",")
        return fields[1].strip() if len(fields) > 1 else ""
    if raw and 0 < raw[0] < 64:  # Excel: a length byte, then the user name in the ANSI code page
        n = raw[0]
        # ... padded to 54 bytes; then the length again as two bytes and the name in UTF-16:
        # the only place a Thai name survives (the ANSI copy holds "?" for it)
        for at in (54, 55):
            if len(raw) >= at + 2 + 2 * n and raw[at] == n and raw[at + 1] == 0:
                wide = raw[at + 2:at + 2 + 2 * n].decode("utf-16-le", "replace").strip()
                if wide:
                    return wide
        return raw[1:1 + n].decode("latin-1", "replace").strip()
    return ""


def refuse_if_open(path: str | Path, force: bool = False) -> None:
    """Raise :class:`WorkbookOpen` if ``path`` is open in Excel/LibreOffice (its lock
    file is present), unless ``force``."""
    if force:
        return
    lock = lock_file_of(path)
    if lock is None:
        return
    who = _lock_owner(lock)
    by_th, by_en = (f" โดย {who}", f" by {who}") if who else ("", "")
    app = "LibreOffice" if lock.name.startswith(".~lock.") else "Excel"
    raise WorkbookOpen(
        f"สมุดงาน {path} เปิดอยู่ใน {app}{by_th} (มีไฟล์ล็อก {lock.name}): ปิดไฟล์แล้วลองใหม่ "
        f"หรือใช้ --force ถ้าแน่ใจว่าไม่มีใครเปิดอยู่ ยังไม่ได้เขียนอะไร",
        f"workbook {path} is open in {app}{by_en} (lock file {lock.name} is present): close it and try "
        f"again, or pass --force if you are sure nobody has it open; nothing was written")
