"""The per-indicator report (seed 003, issue 13): its figures from the evaluated
scorecard with the template's decimals, and the .docx read back with python-docx."""
from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

import sheets_sync as ss
from conftest import SEED000_GOLDEN, type_results
from seed003 import CODE, NAME, seed003_details
from sheets_sync.backends.open import open_book
from sheets_sync.kinds.indicator_details import Evidence, IndicatorDetails
from sheets_sync.ministry.indicator_report import find_report, indicator_reports
from sheets_sync.ministry.report_cover import cover_writer
from sheets_sync.ministry.report_docx import render
from sheets_sync.ministry.units import Unit
from sheets_sync.workbook.recalc import evaluate_book

FONT = "TH Sarabun New"
UNIT = "สำนักงานป้องกันและปราบปรามการฟอกเงิน"
HEADING = "รายงานผลการปฏิบัติราชการตามคำรับรองการปฏิบัติราชการ (รายตัวชี้วัด) รอบ 12 เดือน"


def opdc_unit(folder: Path, result=5, unit: str = UNIT, codes=(CODE, "7.2.2")) -> Path:
    """Seed 003's indicator (weight 2, levels 1..5) beside one more, under the OPDC
    template, round 12m/2550, ``result`` typed for 7.2.1."""
    kpi = folder / "kpi.csv"
    with kpi.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["dimension", "code", "indicator", "weight", "target", "c1", "c2", "c3", "c4", "c5"])
        w.writerow(["มิติด้านการพัฒนาองค์กร", codes[0], NAME, 2, 5, 1, 2, 3, 4, 5])
        w.writerow(["มิติด้านการพัฒนาองค์กร", codes[1], "ระดับความสำเร็จของการพัฒนาระบบบริหารจัดการ", 98, 5, 1, 2, 3, 4, 5])
    path = folder / "unit.xlsx"
    ss.init(path, indicators=kpi, template="scorecard_opdc", unit=unit, period="12m/2550")
    if result is not None:
        type_results(path, {codes[0]: result})
    return path


def reports_of(path: Path, details: dict) -> list:
    ev = evaluate_book(open_book(path))
    return indicator_reports(ev.results[0], details, ev.template, ev.meta["unit"], ev.meta["period"])


@pytest.fixture(scope="module")
def seed_report(tmp_path_factory):
    path = opdc_unit(tmp_path_factory.mktemp("opdc"))
    return find_report(reports_of(path, {CODE: seed003_details()}), CODE)


@pytest.fixture(scope="module")
def seed_docx(seed_report):
    return docx.Document(io.BytesIO(render([seed_report])))


def table_starting(doc, first: str):
    return next(t for t in doc.tables if t.cell(0, 0).text.strip() == first)


def squash(text: str) -> str:
    return " ".join(text.split())


# --- the model ----------------------------------------------------------------------

def test_seed003_figures_under_the_opdc_template(seed_report):
    r = seed_report
    assert (r.code, r.indicator, r.unit) == (CODE, NAME, UNIT)
    assert (r.weight_text, r.result_text, r.score_text, r.weighted_text) == ("2", "5", "5.0000", "0.1000")
    assert r.level == 5 and r.decimals["weighted_score"] == 4
    assert (r.period_label, r.fiscal_year, r.heading) == ("รอบ 12 เดือน", 2550, HEADING)


def test_the_default_template_keeps_its_three_decimals(seed000_typed):
    ev = evaluate_book(open_book(seed000_typed))
    reps = indicator_reports(ev.results[0], {}, ev.template, ev.meta["unit"], ev.meta["period"])
    assert [r.code for r in reps] == list(SEED000_GOLDEN)
    for r in reps:
        score, _, weighted = SEED000_GOLDEN[r.code]
        assert (r.score_text, r.weighted_text) == (f"{score:.3f}", f"{weighted:.3f}")
    one = find_report(reps, "ศปท. 1")        # spacing as seed 000 prints codes
    assert (one.weighted_text, one.level, one.period_label) == ("0.300", 2, "ไตรมาสที่ 2/2567")
    assert find_report(reps, "ศปท.4").level == 0        # 0 reaches no level (scored 1 below level 1)
    assert one.details == IndicatorDetails("ศปท.1")     # no details typed: empty, figures still there


def test_an_unreported_indicator_has_no_level_and_no_score(tmp_path):
    rep = find_report(reports_of(opdc_unit(tmp_path, result=None), {}), CODE)
    assert (rep.level, rep.score_text, rep.weighted_text, rep.result_text) == (None, "", "", "")


# --- the document -------------------------------------------------------------------

def test_every_run_is_th_sarabun_new_16pt_for_thai_too(seed_docx):
    parts = [seed_docx.element.body] + [h._element for s in seed_docx.sections
                                        for h in (s.header, s.first_page_header) if not h.is_linked_to_previous]
    runs = [r for part in parts for r in part.iter(qn("w:r")) if r.find(qn("w:t")) is not None]
    assert len(runs) > 100
    for r in runs:
        fonts = r.find(qn("w:rPr")).find(qn("w:rFonts"))
        assert {a: fonts.get(qn(f"w:{a}")) for a in ("ascii", "hAnsi", "eastAsia", "cs")} == dict.fromkeys(
            ("ascii", "hAnsi", "eastAsia", "cs"), FONT)
        assert not any(k.endswith("Theme") or k.endswith("theme") for k in fonts.attrib)
        rpr = r.find(qn("w:rPr"))
        assert rpr.find(qn("w:sz")).get(qn("w:val")) == rpr.find(qn("w:szCs")).get(qn("w:val")) == "32"
    normal = seed_docx.styles["Normal"].element.rPr
    assert normal.find(qn("w:rFonts")).get(qn("w:cs")) == FONT and normal.find(qn("w:szCs")).get(qn("w:val")) == "32"
    defaults = seed_docx.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert defaults.find(qn("w:rFonts")).get(qn("w:cs")) == FONT


def test_a4_with_official_margins_and_the_heading_as_page_header(seed_docx):
    s = seed_docx.sections[0]
    assert (round(s.page_width.cm, 1), round(s.page_height.cm, 1)) == (21.0, 29.7)
    assert [round(m.cm, 1) for m in (s.top_margin, s.bottom_margin, s.left_margin, s.right_margin)] == [2.5, 2.0, 3.0, 2.0]
    assert " ".join(p.text for p in s.header.paragraphs) == HEADING
    assert s.different_first_page_header_footer       # page 1 carries the heading in its body
    body = [p.text for p in seed_docx.paragraphs]
    assert " ".join(body[:2]) == HEADING and body[2] == UNIT
    assert f"ตัวชี้วัดที่ {CODE} : {NAME}" in body


def test_the_people_with_their_phones(seed_docx):
    body = [p.text for p in seed_docx.paragraphs]
    i = body.index("ผู้กำกับดูแลตัวชี้วัด : พ.ต.ท.หญิงเอมอร ไชยบัวแดง")
    assert body[i:i + 4] == ["ผู้กำกับดูแลตัวชี้วัด : พ.ต.ท.หญิงเอมอร ไชยบัวแดง", "โทรศัพท์ : 0-2219-3600 ต่อ 4000",
                             "ผู้จัดเก็บข้อมูล : นางอัจฉรา  ปรียาจิตต์", "โทรศัพท์ : 0-2219-3600 ต่อ 4005"]


def test_the_step_table_marks_level_5(seed_docx):
    t = table_starting(seed_docx, "ระดับคะแนน")
    assert squash(t.cell(0, 1).text) == "การดำเนินงานในแต่ละขั้นตอน ปีงบประมาณ พ.ศ. 2550"
    assert [t.cell(i, 0).text for i in range(1, 6)] == ["1", "2", "3", "4", "✓ 5"]
    fills = [{c._tc.tcPr.find(qn("w:shd")).get(qn("w:fill")) if c._tc.tcPr.find(qn("w:shd")) is not None else None
              for c in t.rows[i].cells} for i in range(1, 6)]
    assert fills == [{None}] * 4 + [{"E2EFDA"}]
    steps = seed003_details().criteria
    assert [squash(t.cell(i, 1).text) for i in range(1, 6)] == [squash(s) for s in steps]


def test_another_level_is_marked_where_it_is_reached(tmp_path):
    rep = find_report(reports_of(opdc_unit(tmp_path, result=3), {CODE: seed003_details()}), CODE)
    t = table_starting(docx.Document(io.BytesIO(render([rep]))), "ระดับคะแนน")
    assert [t.cell(i, 0).text for i in range(1, 6)] == ["1", "2", "✓ 3", "4", "5"]
    assert rep.score_text == "3.0000" and rep.weighted_text == "0.0600"


def test_the_score_block_reads_0_1000_under_opdc(seed_docx):
    t = table_starting(seed_docx, "ตัวชี้วัด")
    assert [squash(c.text) for c in t.rows[0].cells] == ["ตัวชี้วัด", "น้ำหนัก (ร้อยละ)", "ผลการ ดำเนินงาน",
                                                       "ค่าคะแนน ที่ได้", "ค่าคะแนน ถ่วงน้ำหนัก"]
    assert [c.text for c in t.rows[1].cells] == [NAME, "2", "5", "5.0000", "0.1000"]
    criteria = table_starting(seed_docx, "ระดับ 1")
    assert [c.text for c in criteria.rows[1].cells] == ["1", "2", "3", "4", "5"]


def _section(doc, label: str, next_label: str | None) -> list[str]:
    texts = [p.text for p in doc.paragraphs]
    i = next(n for n, t in enumerate(texts) if t.startswith(f"{label} :"))
    j = next((n for n, t in enumerate(texts) if next_label and t.startswith(f"{next_label} :")), len(texts))
    return texts[i + 1:j]


def test_the_narrative_sections_hold_the_seeds_words(seed_docx):
    seed = seed003_details()
    got = _section(seed_docx, "คำชี้แจงการปฏิบัติงาน/มาตรการที่ได้ดำเนินการ", "ปัจจัยสนับสนุนต่อการดำเนินงาน")
    assert squash(" ".join(got)) == squash(seed.explanation) and len(squash(seed.explanation)) > 3000
    assert _section(seed_docx, "ปัจจัยสนับสนุนต่อการดำเนินงาน", "อุปสรรคต่อการดำเนินงาน") == ["-"]   # left blank
    assert _section(seed_docx, "อุปสรรคต่อการดำเนินงาน", "หลักฐานอ้างอิง") == ["-"]
    assert squash(" ".join(_section(seed_docx, "คำอธิบาย", "ข้อมูลผลการดำเนินงาน"))) == squash(seed.description)


def test_fourteen_evidence_items_numbered(seed_docx):
    items = _section(seed_docx, "หลักฐานอ้างอิง", None)
    seed = seed003_details().evidence
    assert len(seed) == 14
    assert [re.match(r"(\d+)\. ", t).group(1) for t in items] == [str(i) for i in range(1, 15)]
    assert [squash(t.split(". ", 1)[1]) for t in items] == [squash(e.text) for e in seed]


def test_an_evidence_link_is_printed_after_its_item(tmp_path):
    d = IndicatorDetails(CODE, evidence=[Evidence("เว็บไซต์ศูนย์", "https://www.amlo.go.th"), Evidence("แผ่นพับ"),
                                         Evidence("เว็บไซต์ (www.amlo.go.th)", "http://www.amlo.go.th")])
    doc = docx.Document(io.BytesIO(render(reports_of(opdc_unit(tmp_path), {CODE: d})[:1])))
    assert _section(doc, "หลักฐานอ้างอิง", None) == ["1. เว็บไซต์ศูนย์ (https://www.amlo.go.th)", "2. แผ่นพับ",
                                                      "3. เว็บไซต์ (www.amlo.go.th)"]   # shown once


# --- the ministry document ------------------------------------------------------------

def test_ministry_document_every_unit_in_order_each_on_its_own_page(tmp_path):
    names = ["สำนักงาน ปปง.", "กรมคุมประพฤติ", "กรมบังคับคดี"]
    units, rows = [], []
    for i, name in enumerate(names):
        folder = tmp_path / f"u{i}"
        folder.mkdir()
        path = opdc_unit(folder, result=5 - i, unit=name, codes=(CODE, "7.2.2") if i != 1 else ("7.2.9", "7.2.2"))
        units.append(Unit(f"U{i}", name, str(path), path=path))
        rep = find_report(reports_of(path, {CODE: seed003_details()}), CODE)
        rows.append((units[-1], rep, "" if rep else f"ไม่มีตัวชี้วัด {CODE} / no indicator {CODE}"))
    doc = docx.Document(io.BytesIO(render([r for _, r, _ in rows if r], cover=cover_writer(CODE, rows))))
    cover = table_starting(doc, "ลำดับ")
    assert [[c.text for c in row.cells] for row in cover.rows[1:]] == [
        ["1", names[0], "5.0000", "0.1000", ""],
        ["2", names[1], "-", "-", f"ไม่มีตัวชี้วัด {CODE} / no indicator {CODE}"],
        ["3", names[2], "3.0000", "0.0600", ""]]
    # the cover, then one section per reported unit, each starting a new page, in units.yaml order
    assert len(doc.sections) == 3
    assert all(s.start_type == docx.enum.section.WD_SECTION.NEW_PAGE for s in doc.sections[1:])
    units_in_body = [p.text for p in doc.paragraphs if p.text in names]
    assert units_in_body == [names[0], names[2]]
    assert [t.rows[1].cells[4].text for t in doc.tables if t.cell(0, 0).text == "ตัวชี้วัด"] == ["0.1000", "0.0600"]


def test_without_a_details_tab_the_scorecards_narrative_is_the_explanation(seed000_typed, tmp_path, cli):
    """A newcomer typed the narrative in the scorecard (column รายละเอียดการดำเนินงาน, as
    seed 000 does): consolidate's details showed it, report printed "-"."""
    import openpyxl
    book = tmp_path / "unit.xlsx"
    shutil.copy(seed000_typed, book)
    wb = openpyxl.load_workbook(book)
    ws = wb["ตัวชี้วัด"]
    header = next(c for c in range(1, ws.max_column + 1) if ws.cell(2, c).value == "รายละเอียดการดำเนินงาน")
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 3).value == "ศปท.1")
    ws.cell(row, header).value = "  (ร่าง) การประเมินความเสี่ยงการทุจริต ประจำปีงบประมาณ พ.ศ. 2567 "
    wb.save(book)
    cli("report", book, "--code", "ศปท.1", "--out", tmp_path / "out")
    doc = docx.Document(next((tmp_path / "out").glob("*.docx")))
    texts = [p.text for p in doc.paragraphs]
    at = next(i for i, t in enumerate(texts) if t.startswith("คำชี้แจงการปฏิบัติงาน"))
    assert texts[at + 1] == "(ร่าง) การประเมินความเสี่ยงการทุจริต ประจำปีงบประมาณ พ.ศ. 2567"
    reps = reports_of(book, {})
    assert find_report(reps, "ศปท.2").details == IndicatorDetails("ศปท.2")    # nothing typed: still empty
