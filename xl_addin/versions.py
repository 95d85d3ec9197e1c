"""The one xlwings version the add-in, the server and the tests are built for.

xlwings' remote engine refuses a VBA or Apps Script payload whose client version differs
from the server's, and the ``.xlam`` carries the VBA of the xlwings that built it, so all
three must be the same release. ``pyproject.toml`` pins ``xlwings==XLWINGS_VERSION``.
"""
from __future__ import annotations

XLWINGS_VERSION = "0.37.8"


def installed_xlwings() -> str | None:
    from importlib.metadata import PackageNotFoundError, version
    try:
        return version("xlwings")
    except PackageNotFoundError:
        return None


def check_xlwings() -> None:
    """Raise a SheetsSyncError naming both versions when the installed xlwings is not the pin."""
    from sheets_sync import SheetsSyncError
    have = installed_xlwings()
    if have != XLWINGS_VERSION:
        raise SheetsSyncError(
            f"sheets-sync ต้องใช้ xlwings {XLWINGS_VERSION} (รุ่นเดียวกับ add-in และ client) "
            f"แต่ติดตั้ง {have or 'ไม่มี'} อยู่: pip install xlwings=={XLWINGS_VERSION}",
            f"sheets-sync needs xlwings {XLWINGS_VERSION} (the version of its Excel add-in and clients) "
            f"but xlwings {have or 'is not installed'}{' is installed' if have else ''}: "
            f"pip install xlwings=={XLWINGS_VERSION}")
