"""Dates as Thai people read them: Asia/Bangkok time, Buddhist Era years, Thai month
names (``22 พ.ย. 2569 13:24``), and reading such dates back (Thai digits too).

A naive datetime is taken as UTC: sheets-sync stamps what it records in UTC
("2024-05-01 06:24:00 UTC"), and those stamps are accepted here as text as well.
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from .errors import SheetsSyncError
from .text import THAI_DIGITS

BANGKOK = ZoneInfo("Asia/Bangkok")
BE_OFFSET = 543   # พ.ศ. = ค.ศ. + 543

# calendar order: index 0 = January
MONTHS_FULL = ("มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
               "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม")
MONTHS_SHORT = ("ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
                "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.")


class ThaiDateError(SheetsSyncError):
    """A text that is not a date people write."""


_ISO_DAY = re.compile(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*")


def iso_day(text: str) -> date:
    """A day typed as YYYY-MM-DD, its year Gregorian (2024) or Buddhist Era (2567: a year of
    2400 or more is พ.ศ., as Thai people write it; 29 Feb 2567 is 29 Feb 2024)."""
    m = _ISO_DAY.fullmatch(str(text).translate(THAI_DIGITS))
    if m:
        year, month, day = (int(g) for g in m.groups())
        try:
            return date(_year_ce(year), month, day)
        except ValueError:
            pass
    raise ThaiDateError(f"ต้องเป็นวันที่แบบ YYYY-MM-DD (ปี ค.ศ. หรือ พ.ศ.) ไม่ใช่ {text!r}",
                        f"must be a date as YYYY-MM-DD (a Gregorian or Buddhist Era year), not {text!r}")


def _short_pattern(short: str) -> str:
    # "ม.ค." also written "ม.ค", "มค." or "มค": each dot optional, spaces allowed after one
    return r"\.?\s?".join(re.escape(p) for p in short.rstrip(".").split(".")) + r"\.?"


# longest first so that "มีนาคม" wins over "มี.ค." and "ม.ค." never eats part of "มิ.ย."
_NAMES = sorted([(re.escape(f), i) for i, f in enumerate(MONTHS_FULL, 1)]
                + [(_short_pattern(s), i) for i, s in enumerate(MONTHS_SHORT, 1)], key=lambda p: -len(p[0]))
MONTH_PATTERN = "(?:" + "|".join(p for p, _ in _NAMES) + ")"
_NAME_RES = [(re.compile(p + "$"), i) for p, i in _NAMES]


def month_number(name: str) -> int | None:
    """'ตุลาคม' / 'ต.ค.' / 'ตค' -> 10 (calendar month); None if not a Thai month name."""
    text = name.strip()
    for rx, i in _NAME_RES:
        if rx.match(text):
            return i
    return None


def from_serial(value) -> date | datetime:
    """A spreadsheet's day count (45366, in the 1900 date system both Excel and Google use)
    as the date its cell shows; a date is returned as it is. Raises ValueError/TypeError/
    OverflowError for what is no day count."""
    if isinstance(value, (date, datetime)):
        return value
    return datetime(1899, 12, 30) + timedelta(days=float(value))


def to_bangkok(dt: datetime) -> datetime:
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.astimezone(BANGKOK)


def thai_date(d: date | datetime, full: bool = False) -> str:
    """date(2026, 11, 22) -> '22 พ.ย. 2569' ('22 พฤศจิกายน 2569' with ``full``). A datetime
    is first put in Bangkok time."""
    if isinstance(d, datetime):
        d = to_bangkok(d)
    names = MONTHS_FULL if full else MONTHS_SHORT
    return f"{d.day} {names[d.month - 1]} {d.year + BE_OFFSET}"


def thai_datetime(dt: datetime | str, full: bool = False) -> str:
    """datetime(2026, 11, 22, 6, 24, tzinfo=UTC) -> '22 พ.ย. 2569 13:24' (Asia/Bangkok).
    Also takes the UTC stamps sheets-sync writes ('2026-11-22 06:24:00 UTC')."""
    if isinstance(dt, str):
        dt = parse_stamp(dt)
    local = to_bangkok(dt)
    return f"{thai_date(local.date(), full)} {local:%H:%M}"


def shown_time(value):
    """A time stamp sheets-sync recorded ('2026-12-02 11:27 UTC', Drive's ISO 8601) as people
    read it, '2 ธ.ค. 2569 18:27' (Bangkok, Buddhist Era); anything else as it is."""
    if isinstance(value, str) and value:
        try:
            return thai_datetime(value)
        except ThaiDateError:
            return value
    return value


_STAMP = re.compile(r"(\d{4})-(\d\d)-(\d\d)[ T](\d\d):(\d\d)(?::(\d\d)(?:\.\d+)?)?\s*(UTC|Z|[+-]\d\d:?\d\d)?")


def parse_stamp(text: str) -> datetime:
    """'2026-11-22 06:24:00 UTC' / ISO 8601 -> an aware datetime (no zone: UTC)."""
    m = _STAMP.fullmatch(text.strip())
    if not m:
        raise ThaiDateError(f"อ่านเวลา {text!r} ไม่ได้", f"cannot read time {text!r}")
    y, mo, d, h, mi, s, zone = m.groups()
    tz = timezone.utc
    if zone and zone not in ("UTC", "Z"):
        sign = -1 if zone[0] == "-" else 1
        digits = zone[1:].replace(":", "")
        tz = timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
    return datetime(int(y), int(mo), int(d), int(h), int(mi), int(s or 0), tzinfo=tz)


_THAI_DATE = re.compile(r"(?:วันที่\s*)?(\d{1,2})\s*(" + MONTH_PATTERN + r")\s*(?:พ\.\s?ศ\.\s*)?(\d{4})"
                        r"(?:\s*(?:เวลา\s*)?(\d{1,2})[:.](\d\d)(?:\s*น\.)?)?")
_NUMERIC_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


def _year_ce(year: int) -> int:
    """A four-digit year as people write it: 2400 and above are Buddhist Era."""
    return year - BE_OFFSET if year >= 2400 else year


def parse_thai_date(text: str) -> date:
    """'๑๐ มีนาคม ๒๕๖๔' / '10 มี.ค. 2564' / '10/03/2564' -> date(2021, 3, 10)."""
    value = parse_thai_datetime(text)
    return value.date() if isinstance(value, datetime) else value


def parse_thai_datetime(text: str) -> date | datetime:
    """A Thai date, with its time when it has one ('22 พ.ย. 2569 13:24' -> an aware
    datetime in Asia/Bangkok); without a time, a date."""
    s = re.sub(r"\s+", " ", str(text).translate(THAI_DIGITS)).strip()
    try:
        if m := _THAI_DATE.fullmatch(s):
            d, name, y, hh, mm = m.groups()
            day = date(_year_ce(int(y)), month_number(name), int(d))
            if hh is None:
                return day
            return datetime(day.year, day.month, day.day, int(hh), int(mm), tzinfo=BANGKOK)
        if m := _NUMERIC_DATE.fullmatch(s):
            d, mo, y = m.groups()
            return date(_year_ce(int(y)), int(mo), int(d))
    except ValueError:
        raise ThaiDateError(f"วันที่ {text!r} ไม่มีอยู่จริง", f"{text!r} is not a real date") from None
    raise ThaiDateError(f"อ่านวันที่ {text!r} ไม่ได้ (เช่น 10 มี.ค. 2564 หรือ ๑๐ มีนาคม ๒๕๖๔)",
                        f"cannot read date {text!r} (e.g. 10 มี.ค. 2564 or ๑๐ มีนาคม ๒๕๖๔)")
