"""`sheets-sync report`: the CLI over sheets_sync.report, from a unit workbook made by
init with its details typed, to the .docx read back."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import docx
import openpyxl
import pandas as pd
import pytest

import sheets_sync as ss
from conftest import header_columns, type_results
from seed003 import CODE, NAME, seed003_details
from sheets_sync.kinds.indicator_details import DETAILS_SHEET, evidence_text


@pytest.mark.parametrize("args, says", [
    ((), "give a unit workbook, or --units"),
    (("unit.xlsx",), "give --code CODE or --all"),
    (("unit.xlsx", "--code", "7.2.1", "--all"), "give --code CODE or --all"),
    (("unit.xlsx", "--units", "units.yaml", "--code", "7.2.1"), "not both"),
    (("--units", "units.yaml"), "the ministry report needs --code"),
])
def test_what_to_report_is_said_clearly_before_anything_is_read(cli, tmp_path, args, says):
    res = cli("report", *args, "--out", tmp_path / "out", code=2)
    assert says in res.output and "Traceback" not in res.output
    assert not (tmp_path / "out").exists()


# --- end to end: init (OPDC) -> the details typed by a person -> report -> .docx --------

UNIT = "สำนักงาน ปปง."


def seed003_unit(folder: Path, *, name: str = UNIT, result=5, codes=(CODE, "7.2.2")) -> Path:
    """Seed 003's indicator (its description and step texts in the ministry's list) under
    the OPDC template, round 12m/2550; the unit's people, narrative and evidence typed into
    the details tab with openpyxl as a person would, the result into the scorecard."""
    d = seed003_details()
    kpi = pd.DataFrame([
        {"dimension": "มิติด้านการพัฒนาองค์กร", "code": codes[0], "indicator": NAME, "weight": 2,
         "c1": 1, "c2": 2, "c3": 3, "c4": 4, "c5": 5, "description": d.description,
         **{f"step{i}": t for i, t in enumerate(d.criteria, 1)}},
        {"dimension": "มิติด้านการพัฒนาองค์กร", "code": codes[1], "indicator": "ตัวชี้วัดที่สอง", "weight": 98,
         "c1": 60, "c2": 70, "c3": 80, "c4": 90, "c5": 100}])
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "unit.xlsx"
    ss.init(path, indicators=kpi, template="scorecard_opdc", unit=name, period="12m/2550")
    type_results(path, {codes[0]: result})
    wb = openpyxl.load_workbook(path)
    ws = wb[DETAILS_SHEET]
    cols = header_columns(ws)
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, cols["รหัส"]).value == codes[0])
    typed = {"ผู้กำกับดูแลตัวชี้วัด": d.supervisor, "โทรศัพท์ผู้กำกับดูแล": d.supervisor_phone,
             "ผู้จัดเก็บข้อมูล": d.collector, "โทรศัพท์ผู้จัดเก็บข้อมูล": d.collector_phone,
             "คำชี้แจงการปฏิบัติงาน/มาตรการที่ได้ดำเนินการ": d.explanation, "อุปสรรคต่อการดำเนินงาน": d.obstacles,
             "หลักฐานอ้างอิง": evidence_text(d.evidence)}
    for label, value in typed.items():
        ws.cell(row, cols[label]).value = value
    wb.save(path)
    return path


def squash(text: str) -> str:
    return " ".join(text.split())


def score_row(doc) -> list[str]:
    t = next(t for t in doc.tables if t.cell(0, 0).text == "ตัวชี้วัด")
    return [c.text for c in t.rows[1].cells]


def score_row_of(t) -> str:
    return t.rows[1].cells[-1].text


def paragraphs_after(doc, label: str, until: str | None = None) -> list[str]:
    texts = [p.text for p in doc.paragraphs]
    i = texts.index(f"{label} : ")
    j = texts.index(f"{until} : ") if until else len(texts)
    return texts[i + 1:j]


def test_init_details_typed_report_docx(cli, tmp_path):
    path = seed003_unit(tmp_path / "units")
    before = path.read_bytes()
    res = cli("report", path, "--code", CODE, "--out", tmp_path / "out", "--no-pdf")
    made = tmp_path / "out" / f"unit_{CODE}.docx"
    assert f"written: {made}" in res.stdout and sorted(os.listdir(tmp_path / "out")) == [made.name]
    assert path.read_bytes() == before                      # the workbook is only read
    doc = docx.Document(made)
    seed = seed003_details()
    assert score_row(doc) == [NAME, "2", "5", "5.0000", "0.1000"]
    steps = next(t for t in doc.tables if t.cell(0, 0).text == "ระดับคะแนน")
    assert [steps.cell(i, 0).text for i in range(1, 6)] == ["1", "2", "3", "4", "✓ 5"]
    assert [squash(steps.cell(i, 1).text) for i in range(1, 6)] == [squash(s) for s in seed.criteria]
    expl = paragraphs_after(doc, "คำชี้แจงการปฏิบัติงาน/มาตรการที่ได้ดำเนินการ", "ปัจจัยสนับสนุนต่อการดำเนินงาน")
    assert squash(" ".join(expl)) == squash(seed.explanation)
    items = paragraphs_after(doc, "หลักฐานอ้างอิง")
    assert [t.split(". ", 1)[0] for t in items] == [str(i) for i in range(1, 15)]
    assert [squash(t.split(". ", 1)[1]) for t in items] == [squash(e.text) for e in seed.evidence]
    texts = [p.text for p in doc.paragraphs]
    assert UNIT in texts and "ผู้กำกับดูแลตัวชี้วัด : พ.ต.ท.หญิงเอมอร ไชยบัวแดง" in texts


def test_an_existing_report_is_kept_unless_overwrite(cli, tmp_path):
    path = seed003_unit(tmp_path / "units")
    cli("report", path, "--code", CODE, "--out", tmp_path, "--no-pdf")
    made = tmp_path / f"unit_{CODE}.docx"
    made.write_bytes(b"a person's edited copy")
    res = cli("report", path, "--code", CODE, "--out", tmp_path, "--no-pdf", code=2)
    assert "already there, not overwritten" in res.output and made.read_bytes() == b"a person's edited copy"
    cli("report", path, "--code", CODE, "--out", tmp_path, "--no-pdf", "--overwrite")
    assert score_row(docx.Document(made))[-1] == "0.1000"


def test_all_writes_one_document_per_indicator(cli, tmp_path):
    path = seed003_unit(tmp_path / "units")
    cli("report", path, "--all", "--out", tmp_path / "out", "--no-pdf")
    assert sorted(os.listdir(tmp_path / "out")) == ["unit_7.2.1.docx", "unit_7.2.2.docx"]
    second = docx.Document(tmp_path / "out" / "unit_7.2.2.docx")
    assert score_row(second) == ["ตัวชี้วัดที่สอง", "98", "", "", ""]      # not reported yet
    assert paragraphs_after(second, "หลักฐานอ้างอิง") == ["-"]


def test_an_unknown_code_names_the_codes_there_are(cli, tmp_path):
    res = cli("report", seed003_unit(tmp_path / "units"), "--code", "9.9", "--out", tmp_path / "out", code=2)
    assert "indicator 9.9 not found" in res.output and "7.2.1, 7.2.2" in res.output
    assert not (tmp_path / "out").exists()


def test_without_libreoffice_the_docx_is_written_and_the_pdf_skip_said(tmp_path):
    path = seed003_unit(tmp_path / "units")
    env = {**os.environ, "PATH": str(Path(sys.executable).parent)}      # no soffice on this PATH
    done = subprocess.run([sys.executable, "-c", "from sheets_sync.cli import main; main()", "report", str(path),
                           "--code", CODE, "--out", str(tmp_path / "out")], capture_output=True, text=True, env=env,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out" / f"unit_{CODE}.docx").exists() and not (tmp_path / "out" / f"unit_{CODE}.pdf").exists()
    err = " ".join(done.stderr.split())
    assert "ไม่ได้ทำไฟล์ PDF" in err and "PDF skipped: LibreOffice (soffice) is not installed here" in err


def test_ministry_document_lists_every_unit_in_order(cli, tmp_path):
    units = tmp_path / "units"
    seed003_unit(units / "a", name="สำนักงาน ปปง.")
    seed003_unit(units / "b", name="กรมคุมประพฤติ", codes=("7.2.9", "7.2.2"))
    seed003_unit(units / "c", name="กรมบังคับคดี", result=3)
    (tmp_path / "units.yaml").write_text(
        "units:\n"
        "  - {code: ปปง, name: สำนักงาน ปปง., sheet: units/a/unit.xlsx}\n"
        "  - {code: คป, name: กรมคุมประพฤติ, sheet: units/b/unit.xlsx}\n"
        "  - {code: รท, name: กรมราชทัณฑ์, sheet: units/missing.xlsx}\n"
        "  - {code: บค, name: กรมบังคับคดี, sheet: units/c/unit.xlsx}\n", encoding="utf-8")
    res = cli("report", "--units", tmp_path / "units.yaml", "--code", CODE, "--out", tmp_path / "out", "--no-pdf",
              code=2)                                    # a unit could not be read: as consolidate, exit 2
    made = tmp_path / "out" / f"units_{CODE}.docx"
    assert f"written: {made}" in res.stdout
    assert "กรมคุมประพฤติ" in res.output and "กรมราชทัณฑ์" in res.output
    doc = docx.Document(made)
    cover = next(t for t in doc.tables if t.cell(0, 0).text == "ลำดับ")
    rows = [[c.text for c in r.cells] for r in cover.rows[1:]]
    assert [r[:4] for r in rows] == [["1", "สำนักงาน ปปง.", "5.0000", "0.1000"], ["2", "กรมคุมประพฤติ", "-", "-"],
                                     ["3", "กรมราชทัณฑ์", "-", "-"], ["4", "กรมบังคับคดี", "3.0000", "0.0600"]]
    assert f"no indicator {CODE}" in rows[1][4] and "unreadable" in rows[2][4]
    assert [score_row_of(t) for t in doc.tables if t.cell(0, 0).text == "ตัวชี้วัด"] == ["0.1000", "0.0600"]
    assert [p.text for p in doc.paragraphs if p.text in ("สำนักงาน ปปง.", "กรมบังคับคดี")] == ["สำนักงาน ปปง.", "กรมบังคับคดี"]
    assert len(doc.sections) == 3                         # the list, then each unit from a new page


def test_a_google_unit_is_reported_too_with_the_default_templates_decimals(cli, tmp_path, google_seed, emulator):
    """Seed 000 on Google (the emulator, real gspread): no details tab, so the narrative
    sections say "-", and the figures are seed 000's golden ones with three decimals."""
    cli("report", google_seed, "--code", "ศปท.1", "--out", tmp_path, "--no-pdf",
        "--credentials", emulator.creds, "--endpoint", emulator.base_url)
    made = tmp_path / "ศปท_ศปท.1.docx"                  # named after the unit its title records
    doc = docx.Document(made)
    assert score_row(doc)[1:] == ["15", "2", "2.000", "0.300"]
    assert paragraphs_after(doc, "หลักฐานอ้างอิง") == ["-"]
    assert not emulator.state.write_log                  # the spreadsheet is only read
