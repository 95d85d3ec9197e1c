"""Reporting periods as people write them: quarter/Buddhist-Era year, e.g. 2/2567."""
from __future__ import annotations

import re

from .errors import SheetsSyncError

_QUARTER = re.compile(r"[1-4]/25\d\d")


def check_period(period: str) -> str:
    text = period.strip()
    if not _QUARTER.fullmatch(text):
        raise SheetsSyncError(f"รอบรายงาน {period!r} ต้องเป็น ไตรมาส/ปี พ.ศ. เช่น 2/2567",
                              f"period {period!r} must be quarter/Buddhist-Era year, e.g. 2/2567")
    return text
