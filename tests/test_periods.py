"""Periods as data (core/period.py) and dates as Thai people read them (core/thai_time.py).

Expected values come from the calendar rules in shared/domain.md: fiscal year พ.ศ. Y runs
1 October CE Y-544 .. 30 September CE Y-543; Q1 = Oct-Dec ... Q4 = Jul-Sep; reports are
due by day 10 of the following month (seed 002).
"""
from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sheets_sync.core.errors import SheetsSyncError
from sheets_sync.core.period import Period, PeriodError, check_period, same_period
from sheets_sync.core.thai_time import (ThaiDateError, month_number, parse_thai_date, parse_thai_datetime,
                                        thai_date, thai_datetime)

years = st.integers(2450, 2700)


def periods():
    return st.one_of(
        st.builds(Period.quarter, st.integers(1, 4), years),
        st.builds(Period.round, st.sampled_from([3, 6, 9, 12]), years),
        st.builds(Period.year, years),
        st.tuples(years, st.integers(1, 12), st.integers(0, 11)).filter(lambda t: t[1] + t[2] <= 12)
          .map(lambda t: Period.month_range(t[0], t[1], t[1] + t[2])))


# -- parsing what people write ---------------------------------------------------------
@pytest.mark.parametrize("text, code", [
    ("2/2567", "2/2567"), ("ไตรมาส 2/2567", "2/2567"), ("ไตรมาสที่ 2/2567", "2/2567"),
    ("ไตรมาสที่ ๒ ปีงบประมาณ ๒๕๖๗", "2/2567"), ("Q2/2567", "2/2567"),
    ("2-2567", "2/2567"), ("6m-2567", "6m/2567"),              # as a round's tab is named
    ("6m/2567", "6m/2567"), ("รอบ 6 เดือน 2567", "6m/2567"), ("รอบ ๖ เดือน ปีงบประมาณ พ.ศ. ๒๕๖๗", "6m/2567"),
    ("9m/2567", "9m/2567"), ("12m/2567", "12m/2567"), ("รอบ 12 เดือน ปีงบประมาณ 2567", "12m/2567"),
    ("2567", "2567"), ("ปีงบประมาณ 2567", "2567"), ("ปีงบประมาณ พ.ศ. ๒๕๖๗", "2567"),
    ("ต.ค. 2563 - ก.พ. 2564", "m1-5/2564"),
    ("รอบ ๕ เดือนแรก (ตุลาคม ๒๕๖๓ – กุมภาพันธ์ ๒๕๖๔)", "m1-5/2564"),
    ("มีนาคม 2564 - กรกฎาคม 2564", "m6-10/2564"),
    ("มี.ค. 2564", "m6/2564"),
    # a range that is a quarter or a cumulative round is that period
    ("ต.ค. - ธ.ค. 2566", "1/2567"), ("ตุลาคม 2566 – มีนาคม 2567", "6m/2567"),
])
def test_parse_forms(text, code):
    assert Period.parse(text).code == code


def test_seed_002_first_five_months():
    p = Period.parse("รอบ ๕ เดือนแรก (ตุลาคม ๒๕๖๓ – กุมภาพันธ์ ๒๕๖๔)")
    assert p.fiscal_year == 2564
    assert p.months == (1, 2, 3, 4, 5)
    assert (p.start, p.end) == (date(2020, 10, 1), date(2021, 2, 28))
    assert p.deadline == date(2021, 3, 10)       # "ภายในวันที่ ๑๐ ของเดือนถัดไป"
    assert "5 เดือนแรก" in p.label_th and "ต.ค. 2563" in p.label_th and "ก.พ. 2564" in p.label_th


def test_quarter_2_2567():
    p = Period.parse("2/2567")
    assert p.months == (4, 5, 6)
    assert (p.start, p.end) == (date(2024, 1, 1), date(2024, 3, 31))
    assert p.label_th == "ไตรมาสที่ 2/2567"
    assert p.deadline == date(2024, 4, 10)
    assert p.previous().code == "1/2567" and p.next().code == "3/2567"
    assert Period.parse("1/2567").previous().code == "4/2566"
    assert Period.parse("4/2567").next().code == "1/2568"
    assert p.contains(date(2024, 2, 29)) and not p.contains(date(2023, 12, 31)) and not p.contains(date(2024, 4, 1))


def test_fiscal_year_2567():
    p = Period.parse("2567")
    assert (p.start, p.end) == (date(2023, 10, 1), date(2024, 9, 30))
    assert p.months == tuple(range(1, 13))
    assert p.deadline == date(2024, 10, 10)
    assert p.label_th == "ปีงบประมาณ 2567"


def test_cumulative_rounds():
    six, nine, twelve = (Period.parse(t) for t in ("6m/2567", "9m/2567", "12m/2567"))
    assert six.cumulative and not Period.parse("2/2567").cumulative
    assert six.label_th == "รอบ 6 เดือน ปีงบประมาณ 2567"
    assert (six.start, six.end) == (date(2023, 10, 1), date(2024, 3, 31))
    assert (nine.end, twelve.end) == (date(2024, 6, 30), date(2024, 9, 30))
    assert [q.code for q in nine.quarters] == ["1/2567", "2/2567", "3/2567"]
    assert six.previous().code == "3m/2567" and twelve.previous() == nine
    assert twelve.next().code == "3m/2568"


@pytest.mark.parametrize("text", ["5/2567", "0/2567", "13m/2567", "7m/2567", "hello", "", "2/67x",
                                  "ต.ค. 2563 - พ.ย. 2564",    # spans two fiscal years
                                  "รอบ 4 เดือนแรก (ต.ค. 2563 - ก.พ. 2564)",   # says 4, has 5
                                  "1999"])
def test_bad_periods_are_clear_bilingual_errors(text):
    with pytest.raises(PeriodError) as e:
        Period.parse(text)
    assert isinstance(e.value, SheetsSyncError)
    assert e.value.th != e.value.en and text in e.value.en


def test_none_is_an_error():
    with pytest.raises(PeriodError):
        Period.parse(None)


def test_month_range_has_no_neighbour_outside_its_year():
    with pytest.raises(PeriodError):
        Period.parse("m1-5/2564").previous()
    assert Period.parse("m1-5/2564").next().code == "m6-10/2564"


def test_check_period_keeps_old_codes():
    assert check_period(" 2/2567 ") == "2/2567" and check_period("2567") == "2567"
    assert check_period("ไตรมาส 2/2567") == "2/2567"
    with pytest.raises(SheetsSyncError):
        check_period("2/67")


def test_same_period_refuses_a_mix():
    assert same_period({"กค": "2/2567", "กบ": "ไตรมาสที่ 2/2567", "กจ": ""}).code == "2/2567"
    assert same_period({"กค": "", "กบ": None}) is None
    with pytest.raises(PeriodError) as e:
        same_period({"กค": "2/2567", "กบ": "6m/2567"})
    assert "กค: 2/2567" in e.value.en and "กบ: 6m/2567" in e.value.en


# -- properties -------------------------------------------------------------------------
@settings(max_examples=300, deadline=None)
@given(periods())
def test_code_and_label_round_trip(p):
    assert Period.parse(p.code) == p
    assert Period.parse(p.label_th) == p


@settings(max_examples=200, deadline=None)
@given(years)
def test_quarters_tile_the_fiscal_year(fy):
    year = Period.year(fy)
    quarters = [Period.quarter(q, fy) for q in range(1, 5)]
    assert sum((q.months for q in quarters), ()) == year.months
    assert quarters[0].start == year.start == date(fy - 544, 10, 1)
    assert quarters[-1].end == year.end == date(fy - 543, 9, 30)
    for a, b in zip(quarters, quarters[1:]):
        assert b.start - a.end == timedelta(days=1)
    assert sum((q.end - q.start).days + 1 for q in quarters) == (year.end - year.start).days + 1
    assert Period.round(12, fy).months == year.months


@settings(max_examples=200, deadline=None)
@given(periods())
def test_dates_and_deadline(p):
    assert p.contains(p.start) and p.contains(p.end)
    assert not p.contains(p.start - timedelta(days=1)) and not p.contains(p.end + timedelta(days=1))
    assert p.deadline.day == 10 and p.deadline > p.end and (p.deadline - p.end).days <= 10
    assert Period.quarter_of(p.end).contains(p.end) and Period.quarter_of(p.start).fiscal_year == p.fiscal_year


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.builds(Period.quarter, st.integers(1, 4), years),
                 st.builds(Period.round, st.sampled_from([3, 6, 9, 12]), years), st.builds(Period.year, years)))
def test_previous_and_next_are_inverse(p):
    assert p.next().previous() == p and p.previous().next() == p
    assert p.previous().sort_key() < p.sort_key() < p.next().sort_key()


@settings(max_examples=200, deadline=None)
@given(st.dates(date(1950, 1, 1), date(2200, 12, 31)))
def test_every_day_is_in_exactly_one_quarter(d):
    fy = d.year + 543 + (1 if d.month >= 10 else 0)
    hits = [q for q in range(1, 5) if Period.quarter(q, fy).contains(d)]
    assert len(hits) == 1 and Period.quarter_of(d) == Period.quarter(hits[0], fy)


# -- Thai dates -------------------------------------------------------------------------
def test_thai_datetime_bangkok_buddhist_era():
    utc = datetime(2026, 11, 22, 6, 24, tzinfo=timezone.utc)          # 13:24 in Bangkok (UTC+7)
    assert thai_datetime(utc) == "22 พ.ย. 2569 13:24"
    assert thai_datetime("2026-11-22 06:24:00 UTC") == "22 พ.ย. 2569 13:24"
    assert thai_datetime(datetime(2026, 11, 22, 6, 24)) == "22 พ.ย. 2569 13:24"   # naive = UTC
    # late evening UTC is already tomorrow in Bangkok
    assert thai_datetime(datetime(2023, 12, 31, 20, 0, tzinfo=timezone.utc)) == "1 ม.ค. 2567 03:00"
    assert thai_datetime(utc, full=True) == "22 พฤศจิกายน 2569 13:24"


def test_thai_date():
    assert thai_date(date(2024, 3, 10)) == "10 มี.ค. 2567"
    assert thai_date(date(2021, 2, 28), full=True) == "28 กุมภาพันธ์ 2564"


@pytest.mark.parametrize("text, expected", [
    ("๑๐ มีนาคม ๒๕๖๔", date(2021, 3, 10)), ("10 มี.ค. 2564", date(2021, 3, 10)),
    ("วันที่ ๑ ตุลาคม ๒๕๖๓", date(2020, 10, 1)), ("10/03/2564", date(2021, 3, 10)),
    ("29 ก.พ. 2567", date(2024, 2, 29)), ("1 มค 2567", date(2024, 1, 1)),
])
def test_parse_thai_dates(text, expected):
    assert parse_thai_date(text) == expected


def test_parse_thai_datetime_is_bangkok():
    dt = parse_thai_datetime("22 พ.ย. 2569 13:24")
    assert dt.astimezone(timezone.utc) == datetime(2026, 11, 22, 6, 24, tzinfo=timezone.utc)


@pytest.mark.parametrize("text", ["30 ก.พ. 2567", "10 Foo 2564", "", "2564"])
def test_bad_thai_dates(text):
    with pytest.raises(ThaiDateError):
        parse_thai_date(text)


def test_month_names():
    assert month_number("ตุลาคม") == month_number("ต.ค.") == month_number("ตค") == 10
    assert month_number("มิ.ย.") == 6 and month_number("มี.ค.") == 3 and month_number("ม.ค.") == 1
    assert month_number("วันจันทร์") is None


@settings(max_examples=200, deadline=None)
@given(st.datetimes(datetime(1950, 1, 1), datetime(2200, 1, 1)))
def test_thai_datetime_reads_back(dt):
    aware = dt.replace(second=0, microsecond=0, tzinfo=timezone.utc)
    assert parse_thai_datetime(thai_datetime(aware)) == aware


def test_titles_say_the_round_in_words(tmp_path):
    """A 12-month round's title reads "รอบ 12 เดือน ปีงบประมาณ 2550", never the code "12m/2550";
    a quarter's title is seed 000's wording."""
    import openpyxl
    import sheets_sync as ss
    opdc, q = tmp_path / "opdc.xlsx", tmp_path / "q.xlsx"
    ss.init(opdc, template="scorecard_opdc", unit="สำนักงาน ปปง.", period="12m/2550")
    ss.init(q, unit="กองคลัง", period="2/2567")
    wb = openpyxl.load_workbook(opdc)
    assert wb["ตัวชี้วัด"]["A1"].value == \
        "รายงานผลการปฏิบัติราชการตามคำรับรองการปฏิบัติราชการ สำนักงาน ปปง. รอบ 12 เดือน ปีงบประมาณ 2550"
    assert wb["รายละเอียดตัวชี้วัด"]["A1"].value == "รายละเอียดตัวชี้วัด สำนักงาน ปปง. รอบ 12 เดือน ปีงบประมาณ 2550"
    assert openpyxl.load_workbook(q)["ตัวชี้วัด"]["A1"].value == \
        "รายงานผลการดำเนินงานตามตัวชี้วัด กองคลัง ประจำไตรมาสที่ 2/2567"
