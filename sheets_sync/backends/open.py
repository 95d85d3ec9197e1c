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
