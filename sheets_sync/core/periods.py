"""Reporting periods as people write them: quarter/Buddhist-Era fiscal year (2/2567),
or the fiscal year alone (2567, for yearly reports such as ITA and plans)."""
from __future__ import annotations

import re

from .errors import SheetsSyncError

_PERIOD = re.compile(r"([1-4]/)?25\d\d")   # quarter/fiscal year, or a fiscal year


def check_period(period: str) -> str:
    text = period.strip()
    if not _PERIOD.fullmatch(text):
        raise SheetsSyncError(f"รอบรายงาน {period!r} ต้องเป็น ไตรมาส/ปี พ.ศ. เช่น 2/2567 หรือปีงบประมาณ เช่น 2567",
                              f"period {period!r} must be quarter/Buddhist-Era year, e.g. 2/2567, or a fiscal year, e.g. 2567")
    return text
