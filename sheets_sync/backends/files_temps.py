"""The temp files :func:`~sheets_sync.backends.files.write_atomic` writes beside a
target (``.<name>.sheets-sync-<host>-<pid>-<random>.tmp``), and removing those a killed
run left behind (:func:`clean_stale_temps`)."""
from __future__ import annotations

import os
import re
import secrets
import socket
import time
from pathlib import Path

TEMP_TAG = "sheets-sync"
STALE_FOREIGN_SECONDS = 15 * 60  # a temp file of another host counts as stale after this
HOST = re.sub(r"[^A-Za-z0-9]", "", socket.gethostname())[:16] or "host"


def temp_name(path: Path) -> Path:
    """A fresh temp file name beside ``path``, naming this host and process."""
    return path.with_name(f".{path.name}.{TEMP_TAG}-{HOST}-{os.getpid()}-{secrets.token_hex(4)}.tmp")


def _temp_pattern(path: Path) -> re.Pattern:
    name = re.escape(path.name)
    # ours, and the tempfile.mkstemp names older versions used (".name.XXXXXXXX.tmp")
    return re.compile(rf"^\.{name}\.(?:{TEMP_TAG}-(?P<host>[A-Za-z0-9]+)-(?P<pid>\d+)-[0-9a-f]+|[a-z0-9_]{{8}})\.tmp$")


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
    pattern = _temp_pattern(path)
    removed = []
    try:
        entries = list(os.scandir(path.parent if str(path.parent) else "."))
    except OSError:
        return removed
    now = time.time()
    for entry in entries:
        m = pattern.match(entry.name)
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
