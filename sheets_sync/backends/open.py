"""Open a Book from what a user passes on the command line."""
from __future__ import annotations

from pathlib import Path

from .base import Book
from ..core.errors import WorkbookError


def open_book(target: str | Path, **options) -> Book:
    if hasattr(target, "grids") and hasattr(target, "write"):
        return target  # already a Book (e.g. an open Excel workbook)
    text = str(target)
    if text.lower().endswith((".xlsx", ".xlsm")) or Path(text).exists():
        from .xlsx_book import XlsxBook
        return XlsxBook(text)
    from .google.book import GoogleBook, spreadsheet_key
    if spreadsheet_key(text):
        return GoogleBook(text, **options)
    raise WorkbookError(f"ไม่รู้จักปลายทาง {text} (ต้องเป็นไฟล์ .xlsx หรือ URL/รหัสสเปรดชีต Google)",
                        f"unknown workbook {text}: expected an .xlsx path or a Google spreadsheet URL/key")
