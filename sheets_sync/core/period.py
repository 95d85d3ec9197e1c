"""Reporting periods as data: quarters (2/2567), cumulative rounds (6m/2567 = รอบ 6
เดือน), fiscal years (2567) and free month ranges (seed 002's ``รอบ ๕ เดือนแรก
(ตุลาคม ๒๕๖๓ – กุมภาพันธ์ ๒๕๖๔)``).

Fiscal year พ.ศ. Y runs 1 October CE Y-544 to 30 September CE Y-543. Fiscal months are
numbered 1 (October) .. 12 (September). Titles, deadlines and summaries derive from a
sheet's Period, never from today's date.

``Period.parse(text)`` reads every form people write; ``.code`` is the canonical text
(``2/2567``, ``6m/2567``, ``2567``, ``m1-5/2564``), and ``Period.parse(p.code) == p``.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime

from .errors import SheetsSyncError
from .thai_time import BE_OFFSET, MONTH_PATTERN, MONTHS_SHORT, month_number
from .text import THAI_DIGITS

QUARTER, ROUND, YEAR, MONTHS = "quarter", "round", "year", "months"
ROUND_LENGTHS = (3, 6, 9, 12)   # cumulative rounds: months from October
DEADLINE_DAY = 10               # "ภายในวันที่ ๑๐ ของเดือนถัดไป" (seed 002)


class PeriodError(SheetsSyncError):
    """A period text that is none of the forms sheets-sync reads, or an impossible one."""


def _bad(text) -> PeriodError:
    return PeriodError(
        f"รอบรายงาน {text!r} อ่านไม่ได้: ใช้ ไตรมาส/ปี เช่น 2/2567, รอบสะสม เช่น 6m/2567 หรือ รอบ 6 เดือน 2567, "
        "ปีงบประมาณ เช่น 2567 หรือช่วงเดือน เช่น ต.ค. 2563 - ก.พ. 2564",
        f"cannot read period {text!r}: use quarter/year (2/2567), a cumulative round (6m/2567 or "
        "รอบ 6 เดือน 2567), a fiscal year (2567) or a month range (ต.ค. 2563 - ก.พ. 2564)")


def calendar_month(fiscal_year: int, fiscal_month: int) -> tuple[int, int]:
    """(CE year, calendar month) of fiscal month 1..12 of fiscal year พ.ศ. ``fiscal_year``."""
    month = (fiscal_month + 8) % 12 + 1
    be = fiscal_year - 1 if fiscal_month <= 3 else fiscal_year
    return be - BE_OFFSET, month


def fiscal_of(year_ce: int, month: int) -> tuple[int, int]:
    """(fiscal year พ.ศ., fiscal month) of a calendar month."""
    be = year_ce + BE_OFFSET
    return (be + 1 if month >= 10 else be), (month - 10) % 12 + 1


@dataclass(frozen=True)
class Period:
    kind: str            # quarter | round | year | months
    fiscal_year: int     # Buddhist Era
    first: int           # fiscal months, 1 = October
    last: int

    # -- making ---------------------------------------------------------------------
    def __post_init__(self):
        if self.kind not in (QUARTER, ROUND, YEAR, MONTHS) or not 2400 <= self.fiscal_year <= 2799 \
                or not 1 <= self.first <= self.last <= 12:
            raise PeriodError(f"รอบรายงานไม่ถูกต้อง ({self.kind} {self.first}-{self.last}/{self.fiscal_year})",
                              f"invalid period ({self.kind} months {self.first}-{self.last} of {self.fiscal_year})")
        if self.kind == QUARTER and (self.first % 3 != 1 or self.last != self.first + 2) \
                or self.kind == ROUND and (self.first != 1 or self.last not in ROUND_LENGTHS) \
                or self.kind == YEAR and (self.first, self.last) != (1, 12):
            raise PeriodError(f"รอบรายงาน {self.kind} ไม่ตรงกับเดือน {self.first}-{self.last}",
                              f"a {self.kind} cannot span fiscal months {self.first}-{self.last}")

    @classmethod
    def quarter(cls, q: int, fiscal_year: int) -> Period:
        if not 1 <= q <= 4:
            raise PeriodError(f"ไตรมาส {q} ไม่มี (1-4)", f"there is no quarter {q} (1-4)")
        return cls(QUARTER, fiscal_year, 3 * q - 2, 3 * q)

    @classmethod
    def round(cls, months: int, fiscal_year: int) -> Period:
        if months not in ROUND_LENGTHS:
            raise PeriodError(f"รอบสะสม {months} เดือนไม่มี (3, 6, 9 หรือ 12)",
                              f"no cumulative round of {months} months (3, 6, 9 or 12)")
        return cls(ROUND, fiscal_year, 1, months)

    @classmethod
    def year(cls, fiscal_year: int) -> Period:
        return cls(YEAR, fiscal_year, 1, 12)

    @classmethod
    def month_range(cls, fiscal_year: int, first: int, last: int) -> Period:
        """Fiscal months first..last; a range that is a quarter or a cumulative round of
        6, 9 or 12 months is that period (Oct-Dec is quarter 1)."""
        if 1 <= first <= last <= 12 and first % 3 == 1 and last == first + 2:
            return cls.quarter(last // 3, fiscal_year)
        if first == 1 and last in (6, 9, 12):
            return cls.round(last, fiscal_year)
        return cls(MONTHS, fiscal_year, first, last)

    @classmethod
    def quarter_of(cls, day: date) -> Period:
        fy, fm = fiscal_of(day.year, day.month)
        return cls.quarter((fm - 1) // 3 + 1, fy)

    @classmethod
    def parse(cls, text) -> Period:
        if isinstance(text, Period):
            return text
        if text is None:
            raise _bad(text)
        return _parse(str(text)) or _raise(text)

    # -- reading ----------------------------------------------------------------------
    @property
    def months(self) -> tuple[int, ...]:
        return tuple(range(self.first, self.last + 1))

    @property
    def cumulative(self) -> bool:
        return self.kind == ROUND

    @property
    def quarters(self) -> tuple[Period, ...]:
        """The quarters wholly inside (6m/2567 -> 1/2567, 2/2567): one input column each
        for a cumulative indicator."""
        return tuple(Period.quarter(q, self.fiscal_year) for q in range(1, 5)
                     if self.first <= 3 * q - 2 and 3 * q <= self.last)

    @property
    def start(self) -> date:
        y, m = calendar_month(self.fiscal_year, self.first)
        return date(y, m, 1)

    @property
    def end(self) -> date:
        y, m = calendar_month(self.fiscal_year, self.last)
        return date(y, m, calendar.monthrange(y, m)[1])

    @property
    def deadline(self) -> date:
        """Day 10 of the month after the period ends."""
        e = self.end
        return date(e.year + 1, 1, DEADLINE_DAY) if e.month == 12 else date(e.year, e.month + 1, DEADLINE_DAY)

    def contains(self, day: date | datetime) -> bool:
        if isinstance(day, datetime):
            day = day.date()
        return self.start <= day <= self.end

    @property
    def code(self) -> str:
        if self.kind == QUARTER:
            return f"{self.last // 3}/{self.fiscal_year}"
        if self.kind == ROUND:
            return f"{self.last}m/{self.fiscal_year}"
        if self.kind == YEAR:
            return str(self.fiscal_year)
        span = str(self.first) if self.first == self.last else f"{self.first}-{self.last}"
        return f"m{span}/{self.fiscal_year}"

    def _month_text(self, fm: int) -> str:
        y, m = calendar_month(self.fiscal_year, fm)
        return f"{MONTHS_SHORT[m - 1]} {y + BE_OFFSET}"

    @property
    def label_th(self) -> str:
        if self.kind == QUARTER:
            return f"ไตรมาสที่ {self.last // 3}/{self.fiscal_year}"
        if self.kind == ROUND:
            return f"รอบ {self.last} เดือน ปีงบประมาณ {self.fiscal_year}"
        if self.kind == YEAR:
            return f"ปีงบประมาณ {self.fiscal_year}"
        if self.first == self.last:
            return self._month_text(self.first)
        n = self.last - self.first + 1
        lead = f"รอบ {n} เดือนแรก" if self.first == 1 else f"รอบ {n} เดือน"
        return f"{lead} ({self._month_text(self.first)} - {self._month_text(self.last)})"

    @property
    def label_en(self) -> str:
        if self.kind == QUARTER:
            return f"Q{self.last // 3} FY{self.fiscal_year}"
        if self.kind == ROUND:
            return f"{self.last}-month round FY{self.fiscal_year}"
        if self.kind == YEAR:
            return f"fiscal year {self.fiscal_year}"
        s, e = self.start, self.end
        return f"{s:%b %Y} - {e:%b %Y} (FY{self.fiscal_year} months {self.first}-{self.last})"

    def sort_key(self) -> tuple[int, int, int]:
        """Rounds in the order they close (then the longer first)."""
        return self.fiscal_year, self.last, self.first

    # -- neighbours -------------------------------------------------------------------
    def _step(self, n: int) -> Period:
        if self.kind == QUARTER:
            q = self.last // 3 - 1 + n
            return Period.quarter(q % 4 + 1, self.fiscal_year + q // 4)
        if self.kind == ROUND:
            i = ROUND_LENGTHS.index(self.last) + n
            return Period.round(ROUND_LENGTHS[i % 4], self.fiscal_year + i // 4)
        if self.kind == YEAR:
            return Period.year(self.fiscal_year + n)
        width = self.last - self.first + 1
        first = self.first + n * width
        if first < 1 or first + width - 1 > 12:
            raise PeriodError(f"{self.label_th}: ไม่มีช่วงก่อนหน้า/ถัดไปที่ยาวเท่ากันในปีงบประมาณเดียวกัน",
                              f"{self.code}: no {'previous' if n < 0 else 'next'} range of the same length "
                              "within the fiscal year")
        return Period(MONTHS, self.fiscal_year, first, first + width - 1)

    def previous(self) -> Period:
        """2/2567 -> 1/2567, 1/2567 -> 4/2566; 6m/2567 -> 3m/2567, 3m/2567 -> 12m/2566."""
        return self._step(-1)

    def next(self) -> Period:
        return self._step(1)

    def __str__(self) -> str:
        return self.code


def _raise(text):
    raise _bad(text)


_Y = r"(?:พ\.\s?ศ\.\s*)?(\d{4}|\d{2})"
_FY = r"(?:ปีงบประมาณ|ปีงบ|ปี|fy)?\s*(?:พ\.\s?ศ\.\s*)?/?\s*(\d{4})"
# "2-2567" too: a round's tab is named so (a tab name cannot hold "/"), and people copy it
_QUARTER = re.compile(r"(?:ไตรมาส(?:ที่)?|q)?\s*([1-4])\s*(?:/|-|\s)\s*" + _FY)
_ROUND = re.compile(r"(3|6|9|12)\s*m\s*[/-]\s*(\d{4})")
_ROUND_TH = re.compile(r"รอบ\s*(?:ที่\s*)?(\d{1,2})\s*เดือน\s*(แรก)?\s*" + _FY)
_YEAR = re.compile(r"(?:ปีงบประมาณ|ปีงบ|fy)?\s*(?:พ\.\s?ศ\.\s*)?(\d{4})")
_MCODE = re.compile(r"m(\d{1,2})(?:-(\d{1,2}))?/(\d{4})")
_RANGE = re.compile(r"(?:รอบ\s*(\d{1,2})\s*เดือน\s*(?:แรก)?\s*)?\(?\s*(" + MONTH_PATTERN + r")\s*(?:" + _Y + r")?"
                    r"\s*(?:-|ถึง)\s*(" + MONTH_PATTERN + r")\s*" + _Y + r"\s*\)?")
_ONE_MONTH = re.compile(r"(?:เดือน\s*)?(" + MONTH_PATTERN + r")\s*" + _Y)


def _be(year: str) -> int:
    y = int(year)
    if len(year) == 2:
        return 2500 + y
    return y if y >= 2400 else y + BE_OFFSET


def _fy_only(year: str) -> int:
    y = int(year)
    if not 2400 <= y <= 2799:
        raise PeriodError(f"ปีงบประมาณ {year} ต้องเป็นปี พ.ศ. (เช่น 2567)",
                          f"fiscal year {year} must be a Buddhist-Era year (e.g. 2567)")
    return y


def _parse(raw: str) -> Period | None:
    s = raw.translate(THAI_DIGITS).strip().lower()
    s = re.sub(r"[\u2012-\u2015\u2212~]", "-", s)
    s = re.sub(r"\s+", " ", s)
    if m := _MCODE.fullmatch(s):
        a, b, fy = int(m[1]), int(m[2] or m[1]), _fy_only(m[3])
        if not 1 <= a <= b <= 12:
            raise _bad(raw)
        return Period.month_range(fy, a, b)
    if m := _ROUND.fullmatch(s):
        return Period.round(int(m[1]), _fy_only(m[2]))
    if m := _QUARTER.fullmatch(s):
        return Period.quarter(int(m[1]), _fy_only(m[2]))
    if m := _ROUND_TH.fullmatch(s):
        n, first_months, fy = int(m[1]), m[2], _fy_only(m[3])
        if not 1 <= n <= 12:
            raise _bad(raw)
        if n in ROUND_LENGTHS and not first_months:
            return Period.round(n, fy)
        return Period.month_range(fy, 1, n)
    if m := _YEAR.fullmatch(s):
        return Period.year(_fy_only(m[1]))
    if m := _RANGE.fullmatch(s):
        count, name_a, year_a, name_b, year_b = m.groups()
        ma, mb, yb = month_number(name_a), month_number(name_b), _be(year_b)
        ya = _be(year_a) if year_a else (yb if ma <= mb else yb - 1)
        fya, fa = fiscal_of(ya - BE_OFFSET, ma)
        fyb, fb = fiscal_of(yb - BE_OFFSET, mb)
        if fya != fyb or fa > fb:
            raise PeriodError(f"ช่วง {raw!r} ต้องอยู่ในปีงบประมาณเดียวกัน และเดือนแรกมาก่อนเดือนสุดท้าย",
                              f"range {raw!r} must lie within one fiscal year, first month first")
        if count and int(count) != fb - fa + 1:
            raise PeriodError(f"{raw!r}: จำนวนเดือน {count} ไม่ตรงกับช่วง ({fb - fa + 1} เดือน)",
                              f"{raw!r}: says {count} months but the range has {fb - fa + 1}")
        return Period.month_range(fya, fa, fb)
    if m := _ONE_MONTH.fullmatch(s):
        fy, fm = fiscal_of(_be(m[2]) - BE_OFFSET, month_number(m[1]))
        return Period.month_range(fy, fm, fm)
    return None


def check_period(period) -> str:
    """The canonical code of a period people wrote (raises PeriodError otherwise)."""
    return Period.parse(str(period).strip() if period is not None else period).code


def same_period(periods: dict[str, object]) -> Period | None:
    """The one period every source (unit code -> period text or Period; empty values
    ignored) reports, None when none says; a PeriodError naming who reports which when
    they differ (consolidate never mixes)."""
    parsed = {who: Period.parse(p) for who, p in periods.items() if p not in (None, "")}
    codes = {p.code for p in parsed.values()}
    if len(codes) == 1:
        return next(iter(parsed.values()))
    if not codes:
        return None
    detail = ", ".join(f"{who}: {p.code}" for who, p in sorted(parsed.items()))
    raise PeriodError(f"รวมผลต่างรอบรายงานกันไม่ได้ ({detail})", f"cannot consolidate mixed periods ({detail})")
