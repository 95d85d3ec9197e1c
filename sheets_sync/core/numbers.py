"""Reading numbers the way Thai staff type them, and rounding the way they round.

Results arrive as ``"๗๐"``, ``"1,234.5"``, ``"85 %"``, ``"ร้อยละ ๙๗.๑๑"`` or real
numbers. Anything else (``N/A``, ``-``, prose) is reported, never guessed.
"""
from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, InvalidOperation

import numpy as np
import pandas as pd

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
# Spaces people paste in: NBSP, thin space, zero-width space, BOM.
_SPACES = re.compile(r"[\s\u00a0\u2009\u200b\ufeff]+")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")


def parse_number(value) -> tuple[float | None, bool]:
    """Return ``(number, ok)``. Empty gives ``(None, True)``: not reported is not an error."""
    if value is None:
        return None, True
    if isinstance(value, bool):
        return None, False
    if isinstance(value, (int, float, np.integer, np.floating)):
        v = float(value)
        return (None, True) if math.isnan(v) else (v, True)
    text = _SPACES.sub("", str(value).translate(_THAI_DIGITS))
    if text == "":
        return None, True
    if text.startswith("ร้อยละ"):
        text = text[len("ร้อยละ"):]
    if text.endswith("%"):
        text = text[:-1]
    if _GROUPED.match(text):
        text = text.replace(",", "")
    if _NUMBER.match(text):
        return float(text), True
    return None, False


def parse_numbers(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Vector form of :func:`parse_number`: (float Series with NaN for empty/bad, bad mask)."""
    parsed = [parse_number(v) for v in values.tolist()]
    nums = pd.Series([np.nan if n is None else n for n, _ in parsed], index=values.index, dtype="float64")
    bad = pd.Series([not ok for _, ok in parsed], index=values.index, dtype=bool)
    return nums, bad


def round_half_up(x: float | None, decimals: int) -> float | None:
    """Half-up rounding as done by hand (2.0005 -> 2.001), on the decimal value people see.

    The float is first snapped to 9 decimals so binary noise (2.00049999...) does not
    turn a written 5 into a round-down.
    """
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return None
    try:
        d = Decimal(repr(float(x))).quantize(Decimal("1e-9"), rounding=ROUND_HALF_EVEN)
        return float(d.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))
    except InvalidOperation:
        return float(x)


def round_series(s: pd.Series, decimals: int) -> pd.Series:
    return s.map(lambda v: np.nan if pd.isna(v) else round_half_up(v, decimals)).astype("float64")


def format_fixed(x: float | None, decimals: int) -> str:
    """Display form with exactly ``decimals`` places, half-up ('' when empty)."""
    r = round_half_up(x, decimals)
    return "" if r is None else f"{Decimal(repr(r)):.{decimals}f}"
