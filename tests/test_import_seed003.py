"""import of seed 003, one indicator's report (issue 13): the scorecard row and the
details tab filled, every section's text as the seed has it, 0.1000 shown under OPDC."""
from __future__ import annotations

import re
import shutil
import subprocess

import openpyxl
import pytest

import sheets_sync as ss
from conftest import header_columns, shared_file
from details_helpers import DETAILS, code_rows
from sheets_sync.backends.xlsx_book import XlsxBook
from sheets_sync.kinds.indicator_details import details_by_code
from sheets_sync.kinds.template import load_template

pytestmark = pytest.mark.needs_shared
PAGE = "รายงานผลการปฏิบัติราชการตามคำรับรองการปฏิบัติราชการ"


def flat(text) -> str:
    return " ".join(str(text or "").split())


def seed_between(start: str, end: str | None) -> str:
    """The seed's text after the label ``start`` up to the label ``end``, page headers out
    (read here from the seed itself, not through the importer)."""
    text = shared_file("seeds", pattern="003_*.txt").read_text(encoding="utf-8")
    body = text.split(start, 1)[1]
    body = body.split(end, 1)[0] if end else body
    lines = [ln for ln in body.splitlines() if PAGE not in ln]
    return flat(" ".join(lines).lstrip(" :\t"))


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    out = tmp_path_factory.mktemp("s3") / "s3.xlsx"
    report = ss.import_file(shared_file("seeds", pattern="003_*.txt"), "scorecard", out, unit="สำนักงาน ปปง.")
    return out, report


def test_the_scorecard_row_scores_5_and_weighs_0_1000_under_opdc(imported):
    out, _ = imported
    ws = openpyxl.load_workbook(out)["ตัวชี้วัด"]
    cols = header_columns(ws)
    r = code_rows(ws, cols["รหัส"])["7.2.1"]
    assert ws.cell(r, cols["ตัวชี้วัด"]).value == "ระดับความสำเร็จของการดำเนินการตามมาตรการ/แผนปฏิบัติการป้องกันการทุจริต"
    assert ws.cell(r, cols["น้ำหนัก (ร้อยละ)"]).value == 2
    assert ws.cell(r, cols["ผลการดำเนินงาน"]).value == 5
    assert [ws.cell(r, cols[str(i)]).value for i in range(1, 6)] == [1, 2, 3, 4, 5]
    score, weighted = ws.cell(r, cols["ค่าคะแนนที่ได้"]), ws.cell(r, cols["คะแนนถ่วงน้ำหนัก"])
    assert score.value == 5 and score.number_format == "0.0000"
    assert abs(weighted.value - 0.1) < 1e-12 and weighted.number_format == "0.0000"
    meta = openpyxl.load_workbook(out)["_sheets_sync"]
    assert {meta.cell(i, 1).value: meta.cell(i, 2).value for i in range(1, 12)}["template"] == "scorecard_opdc"


@pytest.mark.skipif(not (shutil.which("soffice") or shutil.which("libreoffice")), reason="LibreOffice is not installed")
def test_the_sheet_as_libreoffice_shows_it_says_5_0000_and_0_1000(imported, tmp_path):
    out, _ = imported
    copy = tmp_path / "s3.xlsx"
    copy.write_bytes(out.read_bytes())
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    subprocess.run([soffice, "--headless", "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true",
                    "--outdir", str(tmp_path), str(copy)], check=True, capture_output=True, timeout=180,
                   env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})
    shown = (tmp_path / "s3.csv").read_text(encoding="utf-8")
    row = next(line for line in shown.splitlines() if "7.2.1" in line)
    assert ",5.0000," in row and ",0.1000," in row and ",100.00," in row


def test_every_section_of_the_seed_is_in_its_cell(imported):
    out, _ = imported
    d = details_by_code(XlsxBook(out).grids(), load_template("scorecard_opdc"))["7.2.1"]
    assert d.supervisor == "พ.ต.ท.หญิงเอมอร ไชยบัวแดง" and d.supervisor_phone == "0-2219-3600 ต่อ 4000"
    assert d.collector == "นางอัจฉรา ปรียาจิตต์" and d.collector_phone == "0-2219-3600 ต่อ 4005"
    assert d.supervisor_role == "ผู้กำกับดูแลตัวชี้วัด" and d.collector_role == "ผู้จัดเก็บข้อมูล"
    assert d.description == ("พิจารณาจากระดับขั้นของความสำเร็จในการดำเนินการตามมาตรการ/แผนปฏิบัติการป้องกันการทุจริต"
                             "ปีงบประมาณ พ.ศ. 2550")
    assert flat(d.explanation) == seed_between("คำชี้แจงการปฏิบัติงาน/มาตรการที่ได้ดำเนินการ :", "ปัจจัยสนับสนุนต่อการดำเนินงาน")
    assert d.supporting_factors == "" and d.obstacles == "-"
    text = shared_file("seeds", pattern="003_*.txt").read_text(encoding="utf-8")
    block = text.split("การดำเนินงานในแต่ละขั้นตอน ปีงบประมาณ พ.ศ.2550", 1)[1].split("เกณฑ์การให้คะแนน:", 1)[0]
    steps, level = {}, None
    for line in block.splitlines():     # a level's number stands alone on its line
        if line.strip() in ("1", "2", "3", "4", "5"):
            level = int(line.strip())
        elif level and PAGE not in line:
            steps[level] = f"{steps.get(level, '')} {line}"
    assert sorted(steps) == [1, 2, 3, 4, 5]
    assert [flat(c) for c in d.criteria] == [flat(steps[i]) for i in range(1, 6)]
    assert d.criteria[3].endswith("( ไม่พบการร้องเรียน )")


def test_the_14_evidence_items_with_item_2_over_two_lines(imported):
    out, _ = imported
    d = details_by_code(XlsxBook(out).grids(), load_template("scorecard_opdc"))["7.2.1"]
    assert len(d.evidence) == 14
    assert d.evidence[1].text == ("รายงานการประชุมคณะทำงานของศูนย์ราชการใสสะอาด สำนักงาน ปปง. ครั้งที่ 1/2550 "
                                  "เมื่อวันที่ 30 มีนาคม 2550")
    assert d.evidence[13].text.endswith("ลงวันที่ 19 ตุลาคม 2550")
    assert d.evidence[5].link == "http://www.amlo.go.th"
    whole = seed_between("หลักฐานอ้างอิง :", None)
    assert flat(" ".join(f"{i}. {e.text}" for i, e in enumerate(d.evidence, 1))) == whole


def test_what_could_not_be_placed_is_listed_and_validate_finds_no_evidence_warning(imported):
    out, report = imported
    reasons = {s.reason for s in report.skipped}
    assert "score and weighted score as printed (the sheet computes them)" in reasons
    assert any("page header" in r for r in reasons)
    assert not [s for s in report.skipped if s.reason.startswith("not placed")]
    assert report.period == "12m/2550" and report.period_label == "รอบ 12 เดือน"
    problems = ss.validate(out).problems
    assert not [p for p in problems if p.sheet == DETAILS]
    # one indicator of the unit's list: its weight alone does not make 100, and validate says so
    assert [p.kind for p in problems if p.severity == "error"] == ["weight_sum"]


def test_cli_says_recognised_lines_apart_from_unplaced_ones(tmp_path, cli):
    """Seed 003 imports whole: its labels and page headers are "recognised", never listed
    as "not placed" (which would read as a failed import)."""
    seed = shared_file("seeds", pattern="003_*.txt")
    res = cli("import", seed, "--kind", "scorecard", "--out", tmp_path / "s.xlsx")
    assert "not placed" not in res.output
    assert "recognised, not imported: 42 lines" in res.output
