"""What a newcomer found when trying rounds: a figure typed over after the lock is an error
the ministry sees (recalc, validate, consolidate), submit and approve twice are no failure,
status speaks Thai and tells the deadline, new-round never makes a round twice, and the
consolidate table shows each unit's problem count."""
import json

import openpyxl

import sheets_sync as ss

SHEET = "ตัวชี้วัด"


def _demo(tmp_path):
    ss.demo(tmp_path / "demo")
    d = tmp_path / "demo"
    return d / "units.yaml", d / "ministry.yaml", d / "units" / "กค.xlsx"


def _result_cell(path, code):
    ws = openpyxl.load_workbook(path)[SHEET]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 3).value == code)
    return row, ws.cell(row, 12).value


def test_a_result_typed_over_after_approval_is_an_error_everywhere(tmp_path, cli):
    units, _, book = _demo(tmp_path)
    row, was = _result_cell(book, "ศปท.1")
    cli("submit", book, "--period", "2/2567", "--by", "kpi@unit.go.th", "--password", "pw")
    cli("approve", book, "--period", "2/2567", "--by", "director")
    wb = openpyxl.load_workbook(book)          # openpyxl ignores the sheet protection, as other tools do
    wb[SHEET].cell(row, 12).value = 1
    wb.save(book)
    found = [p for p in ss.validate(book).problems if p.kind == "changed_after_lock"]
    assert [(p.sheet, p.cell) for p in found] == [(SHEET, f"L{row}")]
    assert f"was {was!r}, now 1" in found[0].message_en and "round 2/2567 approved" in found[0].message_en
    assert "รอบ 2/2567 อนุมัติแล้ว" in found[0].message_th and "round" not in found[0].message_th
    out = cli("recalc", book, code=1).output
    assert f"L{row}" in out and "หลังล็อกรอบ" in out
    ss.consolidate(units, out=tmp_path / "s.xlsx", period="2/2567")   # the ministry sees it
    problems = openpyxl.load_workbook(tmp_path / "s.xlsx")["ปัญหา"]
    texts = [" ".join(str(c.value) for c in r if c.value) for r in problems.iter_rows()]
    assert any(f"L{row}" in t and "หลังล็อกรอบ" in t for t in texts), texts


def test_no_false_alarm_for_results_typed_before_submit(tmp_path, cli):
    """A result changed before submit without a recalc is the submitted figure (submit
    computes and records first): nothing is told after the lock."""
    units, _, book = _demo(tmp_path)
    row, _ = _result_cell(book, "ศปท.1")
    wb = openpyxl.load_workbook(book)
    wb[SHEET].cell(row, 12).value = 3
    wb.save(book)
    cli("submit", book, "--period", "2/2567", "--by", "kpi", "--password", "pw")
    assert not [p for p in ss.validate(book).problems if p.kind == "changed_after_lock"]


def test_submit_and_approve_twice_say_so_and_succeed(tmp_path, cli):
    _, _, book = _demo(tmp_path)
    cli("submit", book, "--period", "2/2567", "--by", "kpi", "--password", "pw")
    again = cli("submit", book, "--period", "2/2567", "--by", "kpi", "--password", "pw")
    assert "already submitted (by kpi" in again.output and "ส่งแล้วแล้ว" not in again.output
    # both languages say the same clock: Bangkok time, not Thai local beside English UTC
    import re
    th_time = re.search(r"เมื่อ \d+ \S+ \d{4} (\d\d:\d\d)", again.output)[1]
    assert re.search(r"by kpi, \d{4}-\d\d-\d\d (\d\d:\d\d) Bangkok time\)", again.output)[1] == th_time
    cli("approve", book, "--period", "2/2567", "--by", "director")
    twice = cli("approve", book, "--period", "2/2567", "--by", "director").output
    assert "already approved (by director" in twice and "nothing written" in twice
    cli("approve", tmp_path / "demo" / "units" / "ศปท.xlsx", "--period", "2/2567", "--by", "d", code=2)  # not submitted


def test_status_in_thai_with_the_deadline_a_chosen_today_and_a_missing_file(tmp_path, cli):
    units, _, book = _demo(tmp_path)
    text = units.read_text(encoding="utf-8") + "  - {code: กษ, name: กองเกษตร, sheet: units/กษ.xlsx}\n"
    units.write_text(text, encoding="utf-8")
    early = cli("status", "--units", units, "--period", "2/2567", "--today", "2024-04-01").output
    assert "กค กองคลัง: ร่าง / draft, กำหนดส่ง / due 10 เม.ย. 2567" in early
    assert "กษ กองเกษตร: ยังไม่เริ่ม / not started" in early and "ไม่พบไฟล์ / no workbook yet" in early
    late = cli("status", "--units", units, "--period", "2/2567", "--today", "2024-04-11").output
    assert "กค กองคลัง: ร่าง ล่าช้า / draft, late" in late
    data = json.loads(cli("status", "--units", units, "--period", "2/2567", "--json").stdout)
    assert [s["missing"] for s in data] == [False, False, False, True]
    # the year as Thai people write it (พ.ศ.), Thai digits too: the same day
    assert cli("status", "--units", units, "--period", "2/2567", "--today", "2567-04-11").output == late
    assert cli("status", "--units", units, "--period", "2/2567", "--today", "๒๕๖๗-๐๔-๐๑").output == early
    bad = cli("status", "--units", units, "--period", "2/2567", "--today", "11/4/2567", code=2).output
    assert "YYYY-MM-DD" in bad and "พ.ศ." in bad and "Traceback" not in bad


def test_new_round_in_files_then_in_tabs_makes_the_round_once(tmp_path, cli):
    units, ministry, book = _demo(tmp_path)
    cli("new-round", "--units", units, "--template", ministry, "--period", "3/2567", "--into", "files",
        "--out-dir", tmp_path / "next")
    out = cli("new-round", "--units", units, "--template", ministry, "--period", "3/2567").output
    assert out.count("ข้าม / skipped") == 3 and "already goes on in" in out and "ทำต่อในไฟล์" in out
    assert openpyxl.load_workbook(book).sheetnames.count("ตัวชี้วัด 3-2567") == 0


def test_consolidate_table_shows_each_units_problem_count(tmp_path, cli):
    units, _, _ = _demo(tmp_path)
    out = cli("consolidate", "--units", units, "--out", tmp_path / "s.xlsx").output
    row = next(line for line in out.splitlines() if "กบค" in line)
    assert row.rstrip("│ ").split("│")[-1].strip() == "1"        # กบค has one problem (ศปท.4 unreported)
    assert "UTC" not in out.split("สรุปอยู่ที่")[0]


def _overview(summary, unit):
    row = summary.overview.set_index("รหัสหน่วยงาน").loc[unit]
    return row.to_dict()


def test_the_summary_counts_the_approved_figure_not_an_edit_after_the_lock(tmp_path, cli):
    """A newcomer typed over an approved result and consolidated: the summary and the
    history database took the edit. The approved figure is what counts; the edit is listed."""
    units, _, book = _demo(tmp_path)
    row, was = _result_cell(book, "ศปท.1")
    cli("submit", book, "--period", "2/2567", "--by", "kpi", "--password", "pw")
    cli("approve", book, "--period", "2/2567", "--by", "director")
    approved = ss.consolidate(units, out=tmp_path / "a.xlsx", period="2/2567")
    at_approval = _overview(approved.summary, "กค")
    wb = openpyxl.load_workbook(book)
    wb[SHEET].cell(row, 12).value = was + 2          # a higher result, after the lock
    wb.save(book)
    edited = ss.consolidate(units, out=tmp_path / "s.xlsx", period="2/2567")
    after = _overview(edited.summary, "กค")
    score_columns = [k for k in at_approval if "คะแนน" in k or "ร้อยละ" in k]
    assert score_columns and {k: after[k] for k in score_columns} == {k: at_approval[k] for k in score_columns}
    kinds = [p.kind for u in edited.summary.units if u.code == "กค" for p in u.result.problems]
    assert kinds.count("changed_after_lock") == 1
    from sheets_sync.ministry import history_db
    stored = history_db.results(history_db.history_url(tmp_path / "s.xlsx"), "2/2567", unit="กค")
    assert stored.set_index("indicator").loc["ศปท.1", "result"] == str(was)   # stored as typed text
    # the workbook itself still holds what the person typed: nothing of theirs is undone
    assert _result_cell(book, "ศปท.1") == (row, was + 2)


def test_a_unit_edited_but_not_recalculated_is_a_problem_in_the_summary(tmp_path):
    """A newcomer changed a result and consolidated without recalculating: the summary
    listed no problem while the unit's own sheet still showed the old figures."""
    units, _, book = _demo(tmp_path)
    clean = ss.consolidate(units, out=tmp_path / "a.xlsx")
    assert not [p for u in clean.summary.units for p in u.result.problems if "stale" in p.kind]
    row, was = _result_cell(book, "ศปท.1")
    wb = openpyxl.load_workbook(book)
    wb[SHEET].cell(row, 12).value = was + 1
    wb.save(book)
    edited = ss.consolidate(units, out=tmp_path / "s.xlsx")
    found = [p for u in edited.summary.units if u.code == "กค" for p in u.result.problems if "stale" in p.kind]
    assert len(found) == 1 and found[0].kind == "computed_stale_cells" and found[0].cell == f"M{row}"
    assert "sheet shows out-of-date figures" in found[0].message_en
    sheet = openpyxl.load_workbook(tmp_path / "s.xlsx")["ปัญหา"]
    assert any("ค่าคำนวณไม่เป็นปัจจุบัน" in str(r[5]) and r[0] == "กค" for r in sheet.iter_rows(values_only=True))
