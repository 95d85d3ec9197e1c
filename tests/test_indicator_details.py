"""The details tab's data (issue 13): the evidence list in one cell, and the tab read
into IndicatorDetails by indicator code."""
from __future__ import annotations

from sheets_sync.core.grid import Grid
from sheets_sync.kinds.indicator_details import (
    COLLECTOR_ROLE, DETAILS_SHEET, Evidence, details_by_code, evidence_text, parse_evidence)
from sheets_sync.kinds.template import load_template

# seed 003's items 1-3 as printed: item 2 and 3 run over two lines
SEED_ITEMS = """
1. หนังสือเชิญประชุมคณะทำงานของศูนย์ราชการใสสะอาด สำนักงาน ปปง. ครั้งที่ 1/2550    
2. รายงานการประชุมคณะทำงานของศูนย์ราชการใสสะอาด สำนักงาน ปปง. ครั้งที่ 1/2550 
    เมื่อวันที่ 30 มีนาคม 2550
3. การวิเคราะห์ความเสี่ยงต่างๆที่อาจจะก่อให้เกิดการทุจริตการปฏิบัติและ/หรือการละเว้นการปฏิบัติหน้าที่โดย           
    มิชอบในการปฏิบัติราชการ
6. เว็บไซต์ของศูนย์ประสานราชการใสสะอาดของสำนักงาน ปปง. (www.amlo.go.th)  ที่เผยแพร่ประชาสัมพันธ์ 
"""


def test_numbered_lines_are_items_and_unnumbered_lines_continue_them():
    items = parse_evidence(SEED_ITEMS)
    assert [i.text for i in items] == [
        "หนังสือเชิญประชุมคณะทำงานของศูนย์ราชการใสสะอาด สำนักงาน ปปง. ครั้งที่ 1/2550",
        "รายงานการประชุมคณะทำงานของศูนย์ราชการใสสะอาด สำนักงาน ปปง. ครั้งที่ 1/2550 เมื่อวันที่ 30 มีนาคม 2550",
        "การวิเคราะห์ความเสี่ยงต่างๆที่อาจจะก่อให้เกิดการทุจริตการปฏิบัติและ/หรือการละเว้นการปฏิบัติหน้าที่โดย "
        "มิชอบในการปฏิบัติราชการ",
        "เว็บไซต์ของศูนย์ประสานราชการใสสะอาดของสำนักงาน ปปง. (www.amlo.go.th) ที่เผยแพร่ประชาสัมพันธ์",
    ]
    assert [i.link for i in items] == ["", "", "", "http://www.amlo.go.th"]


def test_a_url_is_the_items_link_and_other_numbering_styles_are_read():
    items = parse_evidence("1) คำสั่งแต่งตั้ง https://example.go.th/doc?id=7.\n๒. ภาพกิจกรรม\n  ต่อบรรทัด")
    assert items[0] == Evidence("คำสั่งแต่งตั้ง https://example.go.th/doc?id=7.", "https://example.go.th/doc?id=7")
    assert items[1] == Evidence("ภาพกิจกรรม ต่อบรรทัด")        # Thai digits number items too
    assert parse_evidence("-") == [] and parse_evidence(None) == [] and parse_evidence("  \n ") == []


def test_evidence_text_numbers_items_one_a_line_and_reads_back_the_same():
    items = [Evidence("หนังสือเชิญประชุม"), Evidence("เว็บไซต์ (www.amlo.go.th)", "http://www.amlo.go.th"),
             Evidence("รายงานผล", "https://example.go.th/r.pdf")]
    text = evidence_text(items)
    assert text == ("1. หนังสือเชิญประชุม\n2. เว็บไซต์ (www.amlo.go.th)\n"
                    "3. รายงานผล https://example.go.th/r.pdf")
    back = parse_evidence(text)
    assert [i.text for i in back][:2] == ["หนังสือเชิญประชุม", "เว็บไซต์ (www.amlo.go.th)"]
    assert [i.link for i in back] == ["", "http://www.amlo.go.th", "https://example.go.th/r.pdf"]
    assert parse_evidence(evidence_text(back)) == back
    assert evidence_text([]) == ""


def _details_grid() -> Grid:
    """A details tab as a person might have it: header on rows 2-3, a column inserted,
    columns in another order, Thai digits in a code."""
    head = {"A": "รหัส", "B": "ตัวชี้วัด", "C": "หมายเหตุของหน่วยงาน", "D": "คำชี้แจงการปฏิบัติงาน/มาตรการที่ได้ดำเนินการ",
            "E": "หลักฐานอ้างอิง", "F": "อุปสรรคต่อการดำเนินงาน", "G": "ผู้กำกับดูแลตัวชี้วัด",
            "H": "โทรศัพท์ผู้กำกับดูแล", "I": "คำอธิบาย", "J": "บทบาทผู้จัดเก็บข้อมูล"}
    values = {(1, 1): "รายละเอียดตัวชี้วัด"}
    cols = {k: i for i, k in enumerate("ABCDEFGHIJKL", 1)}
    for k, label in head.items():
        values[(2, cols[k])] = label
    values[(2, 12)] = "เกณฑ์การให้คะแนน (การดำเนินงานในแต่ละขั้นตอน)"
    values[(3, 12)] = "ระดับ 5"
    rows = [("๗.๒.๑", "ระดับความสำเร็จ", "โน้ต", "1. ประชุม\n2. ประกาศใช้", "1. หนังสือเชิญ\n2. รายงาน\n   ต่อ",
             "-", "พ.ต.ท.หญิงเอมอร ไชยบัวแดง", 22193600.0, "พิจารณาจากระดับขั้น", None),
            ("7.2.2", "ตัวที่สอง", None, None, None, None, None, None, None, "เจ้าหน้าที่")]
    for r, row in enumerate(rows, 4):
        for c, v in enumerate(row, 1):
            if v is not None:
                values[(r, c)] = v
    values[(4, 12)] = "สรุปผลการดำเนินการ"
    return Grid(DETAILS_SHEET, values)


def test_details_by_code_reads_the_tab_by_header_label_and_code():
    grids = {"ตัวชี้วัด": Grid("ตัวชี้วัด", {(1, 1): "x"}), DETAILS_SHEET: _details_grid()}
    got = details_by_code(grids, load_template("scorecard_opdc"))
    assert list(got) == ["7.2.1", "7.2.2"]
    d = got["7.2.1"]
    assert d.explanation == "1. ประชุม\n2. ประกาศใช้"
    assert [e.text for e in d.evidence] == ["หนังสือเชิญ", "รายงาน ต่อ"]
    assert d.obstacles == "-" and d.supporting_factors == ""
    assert d.supervisor == "พ.ต.ท.หญิงเอมอร ไชยบัวแดง" and d.supervisor_phone == "22193600"
    assert d.description == "พิจารณาจากระดับขั้น"
    assert d.criteria == ("", "", "", "", "สรุปผลการดำเนินการ")
    assert d.collector_role == COLLECTOR_ROLE                  # empty: the default role
    assert got["7.2.2"].collector_role == "เจ้าหน้าที่" and got["7.2.2"].evidence == []


def test_no_details_tab_is_an_empty_dict():
    grids = {"ตัวชี้วัด": Grid("ตัวชี้วัด", {(1, 1): "รหัส", (1, 2): "ตัวชี้วัด"})}
    assert details_by_code(grids, load_template("scorecard")) == {}
    assert details_by_code({}, load_template("ita")) == {}
