"""Text as people type it into sheets: Thai digits, stray spaces, marks that take no width."""
from __future__ import annotations

import re
import unicodedata

THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_WS = re.compile(r"\s+")


def norm(value) -> str:
    """A cell's text for matching: Thai digits as 0-9, runs of spaces as one, 2.0 as 2."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _WS.sub(" ", str(value).translate(THAI_DIGITS)).strip()


def squash(text: str) -> str:
    return text.replace(" ", "")


def visible_length(text) -> int:
    """Characters that take width: Thai vowel and tone marks sit above or below."""
    return sum(1 for ch in str(text) if unicodedata.category(ch) not in ("Mn", "Me", "Cf"))
