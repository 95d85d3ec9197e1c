"""core/thai_time.iso_day: a day typed as YYYY-MM-DD, its year ค.ศ. or พ.ศ."""
from datetime import date

import pytest

from sheets_sync.core.thai_time import ThaiDateError, iso_day


@pytest.mark.parametrize("text,want", [
    ("2024-04-11", date(2024, 4, 11)),
    ("2567-04-11", date(2024, 4, 11)),            # พ.ศ. 2567 = ค.ศ. 2024
    ("2567-02-29", date(2024, 2, 29)),            # a leap day of 2024, though 2567 % 4 != 0
    ("๒๕๖๗-๐๔-๐๑", date(2024, 4, 1)),              # Thai digits
    (" 2024-4-1 ", date(2024, 4, 1)),
    ("2399-01-01", date(2399, 1, 1)),             # below 2400: Gregorian
])
def test_iso_day_reads_either_era(text, want):
    assert iso_day(text) == want


@pytest.mark.parametrize("text", ["11/4/2567", "2566-02-29", "2024-13-01", "", "พรุ่งนี้"])
def test_iso_day_refuses_what_is_not_a_day_in_both_languages(text):
    with pytest.raises(ThaiDateError) as e:
        iso_day(text)
    assert "YYYY-MM-DD" in e.value.th and "YYYY-MM-DD" in e.value.en and "พ.ศ." in e.value.th


def test_recorded_stamps_are_shown_in_bangkok_time_and_the_buddhist_era():
    from sheets_sync.core.thai_time import shown_time
    assert shown_time("2026-12-02 11:27 UTC") == "2 ธ.ค. 2569 18:27"       # a local unit's file time
    assert shown_time("2026-12-02T17:30:00.000Z") == "3 ธ.ค. 2569 00:30"   # Drive's modifiedTime
    assert shown_time("เมื่อวาน") == "เมื่อวาน" and shown_time(None) is None and shown_time("") == ""
