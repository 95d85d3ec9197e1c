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
    nums, bad = [], []
    for v in values.tolist():
        t = type(v)
        if t is float or t is int:      # most cells: parse_number's own answer, without the call
            nums.append(float(v))       # NaN stays NaN: not reported
            bad.append(False)
        else:
            n, ok = parse_number(v)
            nums.append(np.nan if n is None else n)
            bad.append(not ok)
    return pd.Series(nums, index=values.index, dtype="float64"), pd.Series(bad, index=values.index, dtype=bool)


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
    """Half-up rounding of a whole column (vectorised; same floats as :func:`round_half_up`)."""
    values = pd.to_numeric(s, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    return pd.Series(round_half_up_array(values, decimals), index=s.index, name=s.name, dtype="float64")


def format_fixed(x: float | None, decimals: int) -> str:
    """Display form with exactly ``decimals`` places, half-up ('' when empty)."""
    r = round_half_up(x, decimals)
    return "" if r is None else f"{Decimal(repr(r)):.{decimals}f}"


# --- vectorised half-up rounding ------------------------------------------------------
#
# ``round_half_up(x, d)`` is, by definition, ``Decimal(repr(x))`` snapped half-even to
# 9 decimals and then quantized half-up to ``d``. The array form below gives the same
# float for every input without building a Decimal, by exact integer arithmetic on the
# scaled value:
#
# 1. V = |x| * 1e10 is split exactly as p + e (Dekker's two-product: p = fl(|x|*1e10),
#    e the rounding error, both floats, p + e == |x|*1e10 exactly).
# 2. M = rint(p). For |x| < 2**17, p < 2**51 so |V - p| <= ulp(p)/2 <= 0.125, and ulp(x) <=
#    2**-35, so x's rounding interval is at most 0.15 wide either side in units of 1e-10:
#    at most one 10-decimal number lies in it, and if one does it is M (|M - V| < 0.28).
#    If float(M) / 1e10 == |x| (IEEE division is correctly rounded) M * 1e-10 round-trips
#    to x, so repr(x), the shortest string that does, is exactly M * 1e-10. Otherwise
#    repr(x) has more than 10 decimals and lies on the same side of every 10-decimal
#    number as x does (one between them would round-trip too).
# 3. The 9-decimal half-even snap is then integer arithmetic on M: q, r = divmod(M, 10);
#    r > 5 rounds up, r < 5 down, r == 5 is a tie (half-even on q) when repr(x) is exactly
#    M * 1e-10, else it goes the way V lies from M: sign((p - M) + e), exact in floats.
#    (|V - M| <= 0.625, so r != 5 decides the 9-decimal rounding whichever side V is.)
# 4. Half-up from 9 to d decimals is (N9 + 10**(9-d) // 2) // 10**(9-d); the float result is
#    that integer / 10**d (IEEE division is correctly rounded, as float(Decimal) is).
#    The integers are held in floats (all below 2**53, so exact, and faster than int64).
#    Integer-valued and tiny inputs need no special case: they come out as themselves / 0.
#
# Values the argument does not cover go through the scalar function: non-integer
# magnitudes of 2**17 or more, decimals outside 0..9. Integer-valued floats round to
# themselves, NaN stays NaN, and the sign is kept (-0.0001 -> -0.0, as Decimal gives).

_FAST_LIMIT = 2.0 ** 17          # |x| * 1e10 < 2**51 and ulp(x) <= 2**-35: see step 2
_SCALE = 1e10
_SPLIT = 134217729.0             # 2**27 + 1, Veltkamp's splitter
_S_HI = (_SPLIT * _SCALE) - ((_SPLIT * _SCALE) - _SCALE)
_S_LO = _SCALE - _S_HI


def _round_fast(a: np.ndarray, decimals: int) -> np.ndarray:
    """round_half_up for finite 0 <= a < 2**17, as floats; every operation below is exact
    (integers under 2**53, a floor of a correctly rounded quotient that is never within
    half an ulp of the next integer)."""
    p = a * _SCALE
    c = _SPLIT * a
    a_hi = c - (c - a)
    a_lo = a - a_hi
    e = ((a_hi * _S_HI - p) + a_hi * _S_LO + a_lo * _S_HI) + a_lo * _S_LO
    m = np.rint(p)
    exact = (m / _SCALE) == a
    above = ((p - m) + e) > 0
    q = np.floor(m / 10.0)
    r = m - 10.0 * q
    odd = (q - 2.0 * np.floor(q / 2.0)) == 1.0
    up = (r > 5.0) | ((r == 5.0) & np.where(exact, odd, above))
    n9 = q + up
    step = float(10 ** (9 - decimals))
    nd = np.floor((n9 + float(10 ** (9 - decimals) // 2)) / step)
    return nd / float(10 ** decimals)


def _round_scaled(a: np.ndarray, decimals: int) -> np.ndarray:
    """round_half_up for finite 0 <= a < 2**17. Away from a tie, floor(a * 10**d + 0.5) is
    already right: the 9-decimal snap moves a by at most 5e-10 (5e-10 * 10**d in scaled
    units) and fl(a * 10**d) is off by at most 2**-16, so it can change the result only
    within ``eps`` of a half; those few go through the exact :func:`_round_fast`."""
    if decimals > 6:
        return _round_fast(a, decimals)
    scale = float(10 ** decimals)
    y = a * scale
    out = y + 0.5
    np.floor(out, out=out)
    # |y - floor(y + 0.5)| is 0.5 away from y's fraction: the same "within eps of a half"
    # test as |frac(y) - 0.5| < eps, both differences exact, with two fewer temporaries
    d = np.subtract(y, out, out=y)
    np.abs(d, out=d)
    near = d > (0.5 - (2e-9 * scale + 1e-4))
    out /= scale
    if near.any():
        idx = np.flatnonzero(near)
        out[idx] = _round_fast(a[idx], decimals)
    return out


def round_half_up_array(values, decimals: int) -> np.ndarray:
    """Array form of :func:`round_half_up`: float64 array, NaN where empty.

    Element for element the same float as ``round_half_up(v, decimals)`` (NaN for None).
    """
    x = np.asarray(values, dtype="float64")
    shape = x.shape
    x = x.ravel()
    if not (isinstance(decimals, (int, np.integer)) and 0 <= decimals <= 9):
        return np.array([np.nan if np.isnan(v) else round_half_up(v, decimals) for v in x.tolist()],
                        dtype="float64").reshape(shape)
    a = np.abs(x)
    with np.errstate(invalid="ignore"):
        ok = a < _FAST_LIMIT                    # False for NaN and inf too
    if ok.all():
        out = _round_scaled(a, decimals)
    else:
        out = x.copy()                          # NaN, inf and integer-valued floats stay
        out[ok] = _round_scaled(a[ok], decimals)
        with np.errstate(invalid="ignore"):
            slow = ~ok & np.isfinite(x) & (a != np.floor(a))
        if slow.any():
            idx = np.flatnonzero(slow)
            out[idx] = [round_half_up(v, decimals) for v in x[idx].tolist()]
    return np.copysign(out, x, out=out).reshape(shape)   # -0.0001 -> -0.0, like Decimal('-0.000')


def format_fixed_array(values, decimals: int) -> list[str]:
    """Array form of :func:`format_fixed`: one string per value, '' where empty."""
    x = np.asarray(values, dtype="float64").ravel()
    r = round_half_up_array(x, decimals)
    fmt = f"{{:.{decimals}f}}".format
    with np.errstate(invalid="ignore"):
        # Under 10**15 units of the last place the rounded float's own digits are the
        # decimal Decimal(repr(r)) shows (proof: the quantized value has <= 15 digits).
        ok = np.isfinite(r) & (np.abs(r) < 10.0 ** (15 - decimals)) if 0 <= decimals <= 15 else \
            np.zeros(len(r), dtype=bool)
    out = [fmt(v) for v in r.tolist()]
    if not ok.all():
        for i in np.flatnonzero(~ok).tolist():
            out[i] = "" if np.isnan(x[i]) else format_fixed(x[i], decimals)
    return out
