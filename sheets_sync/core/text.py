"""Text as people type it into sheets: Thai digits, stray spaces, marks that take no width."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_WS = re.compile(r"\s+")


def norm(value) -> str:
    """A cell's text for matching: Thai digits as 0-9, runs of spaces as one, 2.0 as 2."""
    if type(value) is str:
        return _norm_text(value)
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _norm_text(str(value))


@lru_cache(maxsize=1 << 16)
def _norm_text(text: str) -> str:
    # cached: a consolidation normalises the same headers and codes in every unit's sheet
    return _WS.sub(" ", text.translate(THAI_DIGITS)).strip()


def squash(text: str) -> str:
    return text.replace(" ", "")


_NO_WIDTH = ("Mn", "Me", "Cf")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_MARKS: list = []     # one pattern of every mark of the BMP, made at the first non-ASCII text


def _marks() -> re.Pattern:
    if not _MARKS:
        spans: list[list[int]] = []
        for i in range(0x80, 0x10000):
            if unicodedata.category(chr(i)) in _NO_WIDTH:
                if spans and spans[-1][1] == i - 1:
                    spans[-1][1] = i
                else:
                    spans.append([i, i])
        _MARKS.append(re.compile("[" + "".join(re.escape(chr(a)) + (f"-{re.escape(chr(b))}" if b > a else "")
                                               for a, b in spans) + "]"))
    return _MARKS[0]


def visible_length(text) -> int:
    """Characters that take width: Thai vowel and tone marks sit above or below."""
    text = str(text)
    if text.isascii():    # no ASCII character is a mark or a format character
        return len(text)
    if not _ASTRAL.search(text):    # the marks counted by one pattern (a summary measures 100,000 texts)
        return len(text) - len(_marks().findall(text))
    return sum(1 for ch in text if unicodedata.category(ch) not in _NO_WIDTH)
