"""Open a Book from what a user passes on the command line."""
from __future__ import annotations

import re
from pathlib import Path

from .base import Book
from ..core.errors import WorkbookError

_VALID_KEY = re.compile(r"^[A-Za-z0-9_-]{25,}$")   # what Google's spreadsheet keys look like (44 today)


def open_book(target: str | Path, force: bool = False, **options) -> Book:
    """An .xlsx path (``force`` writes it even while its lock file says it is open), or a
    Google spreadsheet URL/key (``options``: credentials, endpoint, ...)."""
    if hasattr(target, "grids") and hasattr(target, "write"):
        return target  # already a Book (e.g. an open Excel workbook)
    text = str(target)
    if text.lower().endswith((".xlsx", ".xlsm")) or Path(text).exists():
        from .xlsx_book import XlsxBook
        return XlsxBook(text, force=force)
    from .google.book import GoogleBook, spreadsheet_key
    key = spreadsheet_key(text)
    if key and _VALID_KEY.match(key):
        return GoogleBook(text, **options)
    if key or "docs.google.com" in text:
        raise WorkbookError(f"{text} ดูเหมือน URL ของสเปรดชีต Google แต่รหัสสเปรดชีตไม่ถูกต้อง "
                            "(คัดลอก URL ทั้งหมดจากแถบที่อยู่)",
                            f"{text} looks like a Google spreadsheet URL but its key looks invalid "
                            "(copy the whole address from the browser)")
    raise WorkbookError(f"ไม่รู้จักปลายทาง {text} (ต้องเป็นไฟล์ .xlsx หรือ URL/รหัสสเปรดชีต Google)",
                        f"unknown workbook {text}: expected an .xlsx path or a Google spreadsheet URL/key")


def is_google_target(target) -> bool:
    """A Google spreadsheet URL/key rather than a local file (what open_book would open)."""
    from .google.book import spreadsheet_key
    text = str(target)
    return not text.lower().endswith((".xlsx", ".xlsm")) and bool(spreadsheet_key(text)) and not Path(text).exists()


def _fingerprint(path: Path) -> tuple | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ino)


def _snapshot(path: Path) -> dict[Path, tuple]:
    if path.is_dir():
        return {f: _fingerprint(f) for f in path.rglob("*") if f.is_file()}
    fp = _fingerprint(path)
    return {path: fp} if fp else {}


class TargetWatch:
    """The local files (or folders) a command may write, as they were before it ran, so that a
    message after an unexpected error says truthfully what was written and what was not.
    Google spreadsheets are named as not checked (this process cannot tell)."""

    def __init__(self):
        self.before: dict[Path, dict[Path, tuple]] = {}
        self.unchecked: list[str] = []

    def clear(self) -> None:
        self.before.clear()
        self.unchecked.clear()

    def watch(self, *targets) -> None:
        for t in targets:
            if t is None:
                continue
            if isinstance(t, str) and is_google_target(t):
                self.unchecked.append(t)
            else:
                self.before.setdefault(Path(t), _snapshot(Path(t)))

    def written(self) -> list[Path]:
        changed = []
        for root, before in self.before.items():
            now = _snapshot(root)
            changed += [f for f in sorted(set(before) | set(now)) if before.get(f) != now.get(f)]
        return changed

    def what_was_written(self) -> str:
        """One honest sentence (Thai / English) on what the failed command wrote."""
        unknown = ("ไม่ทราบว่ามีการเขียนสเปรดชีต Google หรือไม่ โปรดตรวจสอบก่อนรันซ้ำ / whether a Google "
                   f"spreadsheet was changed is not known here ({', '.join(self.unchecked)}): check it before "
                   "running again.")
        if not self.before:
            return unknown if self.unchecked else (
                "ไม่ทราบว่ามีการเขียนปลายทางหรือไม่ โปรดตรวจสอบก่อนรันซ้ำ / "
                "whether the target was changed is not known here: check it before running again.")
        written = self.written()
        if not written:
            said = f"ไม่มีไฟล์ใดถูกเขียน / no file was written (checked: {', '.join(map(str, self.before))})."
        else:
            said = (f"เขียนไฟล์แล้วก่อนเกิดข้อผิดพลาด / written before the error: {', '.join(map(str, written))} "
                    "(.xlsx files are replaced whole, never half-written).")
        return f"{said} {unknown}" if self.unchecked else said
