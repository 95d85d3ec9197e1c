"""Submission workflow per round (ministry/rounds.py): ร่าง -> ส่งแล้ว -> อนุมัติ with who
and when, the submitted .xlsx tab locked with the ministry's password, and status
(submitted / late / not started) against the round's deadline, today injected."""
from datetime import date, datetime, timezone

import openpyxl
import pytest
from openpyxl.workbook.protection import hash_password

import sheets_sync as ss
from conftest import SEED000_CSV, SHEET, type_results
from sheets_sync.backends.xlsx import XlsxWorkbook
from sheets_sync.kinds.meta import META_SHEET, read_meta
from sheets_sync.ministry import rounds
from sheets_sync.ministry.rounds import (APPROVED, DRAFT, NOT_STARTED, SUBMITTED, RoundError, approve,
                                         excel_password_hash, status, submit)

PW = "ministry-kpi"


def meta_of(path):
    return read_meta(XlsxWorkbook(path).grid(META_SHEET))


@pytest.fixture
def unit_book(tmp_path):
    path = tmp_path / "กค.xlsx"
    ss.init(path, indicators=SEED000_CSV, unit="กองคลัง", period="2/2567")
    return path


@pytest.fixture
def registry(tmp_path):
    (tmp_path / "units").mkdir()
    for code, period in (("ก", "2/2567"), ("ข", "2/2567"), ("ค", "1/2567")):
        ss.init(tmp_path / "units" / f"{code}.xlsx", indicators=SEED000_CSV, unit=f"หน่วย {code}", period=period)
    # ง's workbook does not exist yet
    units = tmp_path / "units.yaml"
    units.write_text("units:\n" + "".join(f"  - {{code: {c}, name: หน่วย {c}, sheet: units/{c}.xlsx}}\n"
                                          for c in "กขคง"), encoding="utf-8")
    return tmp_path, units


def test_excel_legacy_password_hash():
    assert excel_password_hash("password") == "83AF"      # the published ECMA-376 example value
    for pw in ("secret", "abc", "ministry-kpi", "x" * 15):
        assert excel_password_hash(pw) == hash_password(pw)
    for bad in ("", "x" * 16, "รหัสผ่าน"):
        with pytest.raises(RoundError):
            excel_password_hash(bad)


def test_a_new_workbook_of_the_period_is_a_draft(unit_book):
    meta = meta_of(unit_book)
    assert rounds.state_in(meta, "2/2567") == DRAFT
    assert rounds.state_in(meta, "ไตรมาสที่ 2/2567") == DRAFT
    assert rounds.state_in(meta, "3/2567") == NOT_STARTED


def test_submit_records_who_and_when_and_locks_the_tab(unit_book):
    wb = openpyxl.load_workbook(unit_book)
    result_col = next(c.column for c in wb[SHEET][2] if c.value == "ผลการดำเนินงาน")
    assert wb[SHEET].cell(5, result_col).protection.locked is False     # the unit types here while a draft
    assert wb[SHEET].protection.formatCells is False and wb[SHEET].protection.insertRows is False
    when = datetime(2024, 4, 5, 3, 0, tzinfo=timezone.utc)
    submit(unit_book, "2/2567", "kpi@unit.go.th", password=PW, now=when)
    meta = meta_of(unit_book)
    assert meta["round:2/2567:state"] == SUBMITTED
    assert meta["round:2/2567:by"] == meta["round:2/2567:submitted_by"] == "kpi@unit.go.th"
    assert meta["round:2/2567:at"] == "2024-04-05 03:00:00 UTC"
    ws = openpyxl.load_workbook(unit_book)[SHEET]
    assert ws.protection.sheet and ws.protection.password == hash_password(PW)
    # init allowed formatting and inserting rows; a submitted round allows nothing
    assert ws.protection.formatCells is True and ws.protection.insertRows is True
    assert ws.cell(5, result_col).protection.locked is True           # input cells locked too
    # the other tabs share the styles and stay as they were
    other = openpyxl.load_workbook(unit_book)["ประวัติการแก้ไข"]
    assert not other.protection.password


def test_the_table_still_reads_and_recalculates_after_locking(unit_book):
    type_results(unit_book, {"ศปท.1": 2, "ศปท.5": 10})
    submit(unit_book, "2/2567", "kpi", password=PW)
    report = ss.recalc(unit_book, dry_run=True)
    assert report.sheets[0].totals["weight"] == 100.0


def test_approve_only_after_submit(unit_book):
    with pytest.raises(RoundError) as e:
        approve(unit_book, "2/2567", "director")
    assert "draft" in e.value.en
    submit(unit_book, "2/2567", "kpi", password=PW)
    with pytest.raises(RoundError):
        submit(unit_book, "2/2567", "kpi", password=PW)                 # already submitted
    approve(unit_book, "2/2567", "director", now=datetime(2024, 4, 20, tzinfo=timezone.utc))
    meta = meta_of(unit_book)
    assert meta["round:2/2567:state"] == APPROVED
    assert meta["round:2/2567:approved_by"] == "director" and meta["round:2/2567:submitted_by"] == "kpi"
    with pytest.raises(RoundError):
        submit(unit_book, "3/2567", "kpi", password=PW)                 # no such round in this workbook


def test_submit_needs_a_password_and_a_person(unit_book, monkeypatch):
    monkeypatch.delenv(rounds.PASSWORD_ENV, raising=False)
    with pytest.raises(RoundError):
        submit(unit_book, "2/2567", "kpi")
    with pytest.raises(RoundError):
        submit(unit_book, "2/2567", " ", password=PW)
    assert meta_of(unit_book).get("round:2/2567:state") is None       # nothing written
    monkeypatch.setenv(rounds.PASSWORD_ENV, PW)
    submit(unit_book, "2/2567", "kpi")
    assert openpyxl.load_workbook(unit_book)[SHEET].protection.password == hash_password(PW)


def test_status_submitted_late_not_started(registry):
    tmp_path, units = registry
    # ก submits on 8 April 2024 (Bangkok), before the deadline of 2/2567: 10 April 2024
    submit(tmp_path / "units" / "ก.xlsx", "2/2567", "a", password=PW,
           now=datetime(2024, 4, 8, 2, 0, tzinfo=timezone.utc))
    before = {s.code: s for s in status(units, "2/2567", today=date(2024, 4, 10))}
    assert all(s.deadline == date(2024, 4, 10) for s in before.values())
    assert before["ก"].state == SUBMITTED and before["ก"].label == "submitted" and not before["ก"].late
    assert before["ก"].at_th == "8 เม.ย. 2567 09:00"
    assert before["ข"].state == DRAFT and before["ข"].label == "draft"
    assert before["ค"].state == NOT_STARTED and before["ง"].state == NOT_STARTED   # other round / no file
    after = {s.code: s for s in status(units, "2/2567", today=date(2024, 4, 11))}
    assert after["ก"].label == "submitted"
    assert after["ข"].late and after["ข"].label == "draft, late"
    assert after["ง"].late and after["ง"].label == "not started, late"


def test_a_submission_after_the_deadline_is_late(registry):
    tmp_path, units = registry
    # 10 April 2024 23:30 Bangkok is 16:30 UTC: still on time; 11 April 00:30 Bangkok is late
    submit(tmp_path / "units" / "ก.xlsx", "2/2567", "a", password=PW,
           now=datetime(2024, 4, 10, 16, 30, tzinfo=timezone.utc))
    submit(tmp_path / "units" / "ข.xlsx", "2/2567", "b", password=PW,
           now=datetime(2024, 4, 10, 17, 30, tzinfo=timezone.utc))
    got = {s.code: s.label for s in status(units, "2/2567", today=date(2024, 5, 1))}
    assert got["ก"] == "submitted" and got["ข"] == "submitted late"


def test_status_with_a_deadline_of_its_own_and_an_unreadable_book(registry):
    tmp_path, units = registry
    (tmp_path / "units" / "ข.xlsx").write_bytes(b"not a zip")
    got = {s.code: s for s in status(units, "2/2567", today=date(2024, 4, 12), deadline=date(2024, 4, 15))}
    assert not got["ก"].late and got["ก"].deadline == date(2024, 4, 15)
    assert got["ข"].label == "unreadable" and got["ข"].error
    assert got["ก"].to_dict()["state_en"] == "draft"


def test_new_round_carries_narratives_as_drafts_and_cumulative_results(tmp_path):
    import csv
    from conftest import SEED000_RESULTS
    from sheets_sync.ministry.rounds_new import new_round, round_file
    rows = list(csv.DictReader(SEED000_CSV.open(encoding="utf-8")))
    for r in rows:   # seed 000's ศปท.5 sums its quarters: cumulative
        r["cumulative"] = "yes" if r["code"] == "ศปท.5" else ""
    kpi = tmp_path / "kpi.csv"
    with kpi.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    (tmp_path / "ministry.yaml").write_text("template: scorecard\nversion: 1\nindicators: kpi.csv\n", encoding="utf-8")
    (tmp_path / "units").mkdir()
    old = tmp_path / "units" / "กค.xlsx"
    ss.init(old, indicators=SEED000_CSV, unit="กองคลัง", period="2/2567")
    type_results(old, SEED000_RESULTS)
    wb = openpyxl.load_workbook(old)
    ws = wb[SHEET]
    head = {c.value: c.column for c in ws[2] if c.value}
    code_row = {ws.cell(r, head["รหัส"]).value: r for r in range(3, ws.max_row + 1)}
    ws.cell(code_row["ศปท.1"], head["รายละเอียดการดำเนินงาน"]).value = "จัดประชุมแล้ว 2 ครั้ง"
    wb.save(old)
    (tmp_path / "units.yaml").write_text("units:\n  - {code: กค, name: กองคลัง, sheet: units/กค.xlsx}\n"
                                         "  - {code: ขาด, name: ไม่มี, sheet: units/ขาด.xlsx}\n", encoding="utf-8")
    got = {o.code: o for o in new_round(tmp_path / "units.yaml", tmp_path / "ministry.yaml", "3/2567", into="files", password=PW)}
    assert got["ขาด"].outcome == "skipped"
    assert got["กค"].outcome == "created", got["กค"].detail
    new = round_file(old, rounds.Period.parse("3/2567"))
    assert new.name == "กค_3-2567.xlsx" and new.exists()
    ws2 = openpyxl.load_workbook(new)[SHEET]
    rows2 = {ws2.cell(r, head["รหัส"]).value: r for r in range(3, ws2.max_row + 1)}
    assert ws2.cell(rows2["ศปท.1"], head["รายละเอียดการดำเนินงาน"]).value == "(ร่าง) จัดประชุมแล้ว 2 ครั้ง"
    assert ws2.cell(rows2["ศปท.5"], head["ผลการดำเนินงาน"]).value == 10          # cumulative: carried
    assert ws2.cell(rows2["ศปท.1"], head["ผลการดำเนินงาน"]).value is None        # not cumulative: empty
    meta = meta_of(new)
    assert meta["period"] == "3/2567" and rounds.state_in(meta, "3/2567") == DRAFT
    # the previous round is read-only now, and still says what the unit typed
    old_ws = openpyxl.load_workbook(old)[SHEET]
    assert old_ws.protection.sheet and old_ws.protection.password == hash_password(PW)
    assert old_ws.cell(code_row["ศปท.1"], head["ผลการดำเนินงาน"]).value == 2
    # and push-template leaves the old file alone from now on
    from sheets_sync.ministry.units import load_units
    pushed = ss.push_template([u for u in load_units(tmp_path / "units.yaml") if u.code == "กค"],
                              tmp_path / "ministry.yaml")
    assert pushed[0].status == "locked" and "goes on in กค_3-2567.xlsx" in pushed[0].details["note"]
    with pytest.raises(RoundError):
        new_round(tmp_path / "units.yaml", tmp_path / "ministry.yaml", "4/2567", carry="everything")
