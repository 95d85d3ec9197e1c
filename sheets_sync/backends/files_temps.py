"""The temp files :func:`~sheets_sync.backends.files.write_atomic` writes beside a
target (``.<name>.sheets-sync-<host>-<pid>-<random>.tmp``), and removing those a killed
run left behind (:func:`clean_stale_temps`).

A consolidation opens a thousand units that often share one folder: inside
:func:`one_scan_per_folder` each folder is listed once, not once per unit (N units in a
folder were N x N directory entries matched)."""
from __future__ import annotations

import os
import re
import secrets
import socket
import time
from contextlib import contextmanager
from pathlib import Path

TEMP_TAG = "sheets-sync"
STALE_FOREIGN_SECONDS = 15 * 60  # a temp file of another host counts as stale after this
HOST = re.sub(r"[^A-Za-z0-9]", "", socket.gethostname())[:16] or "host"


def temp_name(path: Path) -> Path:
    """A fresh temp file name beside ``path``, naming this host and process."""
    return path.with_name(f".{path.name}.{TEMP_TAG}-{HOST}-{os.getpid()}-{secrets.token_hex(4)}.tmp")


# after ".<name>.": ours, and the tempfile.mkstemp names older versions used (".name.XXXXXXXX.tmp")
_SUFFIX = re.compile(rf"(?:{TEMP_TAG}-(?P<host>[A-Za-z0-9]+)-(?P<pid>\d+)-[0-9a-f]+|[a-z0-9_]{{8}})\.tmp$")


def _temp_match(name: str, entry: str) -> re.Match | None:
    """Whether ``entry`` is a temp file of the target ``name`` (one pattern for every name:
    compiling one per target cost more than the folder's listing)."""
    head = f".{name}."
    return _SUFFIX.match(entry, len(head)) if entry.startswith(head) else None


_FOLDERS: list[dict[str, list[os.DirEntry]]] = []    # while one_scan_per_folder: folder -> its dot files


@contextmanager
def one_scan_per_folder():
    """Within it, :func:`clean_stale_temps` lists each folder once (a temp file that appears
    later waits for the next run); forked workers inherit the listings made before."""
    _FOLDERS.append({})
    try:
        yield
    finally:
        _FOLDERS.pop()


def _entries(folder: str) -> list[os.DirEntry]:
    if not _FOLDERS:
        return list(os.scandir(folder))
    seen = _FOLDERS[-1]
    if folder not in seen:
        seen[folder] = [e for e in os.scandir(folder) if e.name.startswith(".")]
    return seen[folder]


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return True
    return True


def clean_stale_temps(path: str | Path) -> list[Path]:
    """Remove temp files a killed sheets-sync left beside ``path`` (its own process's
    and those of live processes on this host are kept). Returns what was removed;
    never raises (a read-only folder just keeps them)."""
    path = Path(path)
    removed = []
    try:
        entries = _entries(str(path.parent) if str(path.parent) else ".")
    except OSError:
        return removed
    now = time.time()
    for entry in entries:
        m = _temp_match(path.name, entry.name)
        if not m:
            continue
        try:
            if m.group("pid") is not None:
                if m.group("host") == HOST and _alive(int(m.group("pid"))):
                    continue
                if m.group("host") != HOST and now - entry.stat().st_mtime < STALE_FOREIGN_SECONDS:
                    continue
            elif now - entry.stat().st_mtime < 60:
                continue
            os.unlink(entry.path)
            removed.append(Path(entry.path))
        except OSError:
            continue
    return removed
