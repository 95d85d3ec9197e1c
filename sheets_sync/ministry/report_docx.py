"""Seed 003's per-indicator report as a Word document (python-docx).

TH Sarabun New 16 pt everywhere. Thai is a complex script: Word draws it with the
``w:cs`` font at ``w:szCs``, so both are set beside ascii/hAnsi/eastAsia and ``w:sz``,
on every run and in the styles (python-docx's ``font.name`` sets neither, and the
default template's theme fonts would win over them). A4 with the margins of Thai
official documents; tables with borders; the level reached shaded and ticked.
"""
from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from .indicator_report import REPORT_TITLE, IndicatorReport

FONT = "TH Sarabun New"
SIZE = 16                       # points; w:sz counts half-points
MARK = "✓"
MARK_FILL = "E2EFDA"            # the level reached (the green of computed cells in the sheet)
HEADER_FILL = "D9E1F2"          # table headers (as the scorecard's header rows)
# ระเบียบสำนักนายกรัฐมนตรีว่าด้วยงานสารบรรณ: top 2.5, bottom 2, left 3, right 2 cm
MARGINS = {"top_margin": 2.5, "bottom_margin": 2.0, "left_margin": 3.0, "right_margin": 2.0}
TEXT_WIDTH = 21.0 - 3.0 - 2.0   # cm between the margins of A4
_THEME = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


def thai_font(rpr, size: float = SIZE) -> None:
    """TH Sarabun New at ``size`` for Latin, East Asian and complex-script (Thai) text."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in _THEME:          # a theme font overrides the explicit one: drop them
        fonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)
    for tag in ("w:sz", "w:szCs"):
        el = rpr.find(qn(tag))
        if el is None:
            el = OxmlElement(tag)
            rpr.append(el)
        el.set(qn("w:val"), str(int(round(size * 2))))
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:bidi"), "th-TH")   # Thai as the complex-script language (line breaking)


def _style_fonts(doc) -> None:
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    thai_font(defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")))
    for name in ("Normal", "Header", "Footer", "Table Grid"):
        try:
            style = doc.styles[name]
        except KeyError:
            continue
        thai_font(style.element.get_or_add_rPr())
    normal = doc.styles["Normal"].paragraph_format
    normal.space_after, normal.space_before, normal.line_spacing = Pt(0), Pt(0), 1.0


def _page(section) -> None:
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    for attr, cm in MARGINS.items():
        setattr(section, attr, Cm(cm))
    section.header_distance = section.footer_distance = Cm(1.25)


def new_document():
    doc = Document()
    _style_fonts(doc)
    _page(doc.sections[0])
    return doc


def run(paragraph, text: str, *, bold: bool = False, size: float = SIZE):
    r = paragraph.add_run(text)
    r.bold = bold or None
    if bold:  # complex-script bold is its own property
        r._element.get_or_add_rPr().append(OxmlElement("w:bCs"))
    thai_font(r._element.get_or_add_rPr(), size)
    return r


def para(container, text: str = "", *, bold: bool = False, align=None, indent_cm: float = 0,
         hanging_cm: float = 0, before: float = 0):
    p = container.add_paragraph()
    if text:
        run(p, text, bold=bold)
    if align is not None:
        p.alignment = align
    if indent_cm or hanging_cm:
        p.paragraph_format.left_indent = Cm(indent_cm + hanging_cm)
        p.paragraph_format.first_line_indent = Cm(-hanging_cm) if hanging_cm else None
    if before:
        p.paragraph_format.space_before = Pt(before)
    return p


def labelled(container, label: str, text: str, *, before: float = 6):
    """``label :`` in bold then the text on the same line (seed 003's "คำอธิบาย : ...")."""
    p = para(container, before=before)
    p.paragraph_format.keep_with_next = True    # a label never ends a page alone
    run(p, f"{label} : ", bold=True)
    if text:
        run(p, text)
    return p


def lines_of(text: str) -> list[str]:
    """A typed text's lines, trailing spaces gone, blank lines between kept once."""
    out = []
    for line in str(text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = line.rstrip()
        if line or (out and out[-1]):
            out.append(line)
    while out and not out[-1]:
        out.pop()
    return out


def block(container, text: str, *, indent_cm: float = 1.0, empty: str = "-") -> None:
    """A narrative section: one paragraph per typed line, "-" when nothing was typed."""
    lines = lines_of(text) or [empty]
    for line in lines:
        para(container, line.strip(), indent_cm=indent_cm + min(len(line) - len(line.lstrip()), 12) * 0.1)


def _borders(table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "single")
        el.set(qn("w:sz"), "6")        # eighths of a point: 3/4 pt
        el.set(qn("w:space"), "0")
        el.set(qn("w:color"), "000000")
        borders.append(el)
    tbl_pr.append(borders)


def shade(cell, fill: str) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tc_pr.append(shd)


def cell_text(cell, text: str, *, bold: bool = False, align=None) -> None:
    """A cell holding ``text``, one paragraph per line (the cell's own first one reused)."""
    lines = lines_of(text) or [""]
    first = cell.paragraphs[0]
    for i, line in enumerate(lines):
        p = first if i == 0 else cell.add_paragraph()
        if line:
            run(p, line.strip(), bold=bold)
        if align is not None:
            p.alignment = align


def _row_flag(row, tag: str) -> None:
    row._tr.get_or_add_trPr().append(OxmlElement(tag))


def table(container, header: list[str], rows: list[list[str]], widths_cm: list[float], *,
          centered=None, together: bool = True):
    """A bordered table with a shaded header row (centred, repeated on each page it runs
    over); body columns in ``centered`` centred (default: all but the first). A table
    ``together`` never breaks across pages (the score block); any other keeps each row whole
    only where it is short."""
    centered = set(range(1, len(header))) if centered is None else set(centered)
    t = container.add_table(rows=1 + len(rows), cols=len(header))
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False
    _borders(t)
    for j, w in enumerate(widths_cm):   # LibreOffice lays out by the grid, Word by the cells
        t.columns[j].width = Cm(w)
    for i, values in enumerate([header, *rows]):
        for j, value in enumerate(values):
            c = t.cell(i, j)
            c.width = Cm(widths_cm[j])
            align = WD_ALIGN_PARAGRAPH.CENTER if i == 0 or j in centered else None
            cell_text(c, value, bold=i == 0, align=align)
            if i == 0:
                shade(c, HEADER_FILL)
    _row_flag(t.rows[0], "w:tblHeader")
    for i, row in enumerate(t.rows):
        if together or i == 0 or max(len(lines_of(v)) for v in ([header, *rows][i])) <= 3:
            _row_flag(row, "w:cantSplit")
        if together and i < len(t.rows) - 1 or i == 0:   # keep-with-next holds rows to the next
            for c in row.cells:
                for p in c.paragraphs:
                    p.paragraph_format.keep_with_next = True
    return t


def title_lines(rep: IndicatorReport) -> list[str]:
    """Seed 003's heading in two lines (one would wrap at 16 pt): the title, then
    "(รายตัวชี้วัด)" with the round; joined by a space they are ``rep.heading``."""
    head, _, tail = REPORT_TITLE.rpartition(" ")
    return [head, f"{tail} {rep.period_label}".strip()]


def _header(section, rep: IndicatorReport) -> None:
    """The report heading as the page header of every page after the section's first
    (the first shows it in the body, as seed 003 does)."""
    section.different_first_page_header_footer = True
    for h in (section.header, section.first_page_header):
        h.is_linked_to_previous = False
    first = section.header.paragraphs[0]
    for i, line in enumerate(title_lines(rep)):
        p = first if i == 0 else section.header.add_paragraph()
        run(p, line)
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _field(paragraph, instr: str, shown: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word and LibreOffice fill in when they lay out."""
    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), instr)
    r = OxmlElement("w:r")
    thai_font(r.get_or_add_rPr(), 14)
    t = OxmlElement("w:t")
    t.text = shown
    r.append(t)
    fld.append(r)
    paragraph._p.append(fld)


def _page_numbers(section) -> None:
    """"หน้า n / N" at the foot of every page, first pages included: a printed, stapled
    set of reports is read and referred to by page."""
    for f in (section.footer, section.first_page_footer):
        f.is_linked_to_previous = False
        p = f.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run(p, "หน้า ", size=14)
        _field(p, "PAGE", "1")
        run(p, " / ", size=14)
        _field(p, "NUMPAGES", "1")


def add_report(doc, rep: IndicatorReport, *, new_page: bool) -> None:
    """One unit's report for one indicator, in seed 003's order, as its own section."""
    section = doc.add_section(WD_SECTION.NEW_PAGE) if new_page else doc.sections[-1]
    _page(section)
    _header(section, rep)
    _page_numbers(section)
    d = rep.details
    for line in title_lines(rep):
        para(doc, line, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    if rep.unit:
        para(doc, rep.unit, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    p = para(doc, before=12)
    run(p, f"ตัวชี้วัดที่ {rep.code} : ", bold=True)
    run(p, rep.indicator, bold=True)
    for role, name, phone in ((d.supervisor_role, d.supervisor, d.supervisor_phone),
                              (d.collector_role, d.collector, d.collector_phone)):
        labelled(doc, role, name or "-", before=3)
        if phone:   # a line of its own: a phone number never breaks at its hyphens
            p = para(doc, indent_cm=1.0)
            run(p, "โทรศัพท์ : ", bold=True)
            run(p, phone)
    labelled(doc, "คำอธิบาย", "")
    block(doc, d.description)
    labelled(doc, "ข้อมูลผลการดำเนินงาน", "")
    _steps(doc, rep)
    labelled(doc, "เกณฑ์การให้คะแนน", "")
    table(doc, [f"ระดับ {i}" for i in range(1, 6)], [list(rep.criteria)], [TEXT_WIDTH / 5] * 5, centered=range(5))
    labelled(doc, "การคำนวณคะแนนจากผลการดำเนินงาน", "")
    table(doc, ["ตัวชี้วัด", "น้ำหนัก\n(ร้อยละ)", "ผลการ\nดำเนินงาน", "ค่าคะแนน\nที่ได้", "ค่าคะแนน\nถ่วงน้ำหนัก"],
          [[rep.indicator, rep.weight_text, rep.result_text, rep.score_text, rep.weighted_text]],
          [4.2, 2.4, 3.2, 3.0, 3.2])
    for label, text in (("คำชี้แจงการปฏิบัติงาน/มาตรการที่ได้ดำเนินการ", d.explanation),
                        ("ปัจจัยสนับสนุนต่อการดำเนินงาน", d.supporting_factors),
                        ("อุปสรรคต่อการดำเนินงาน", d.obstacles)):
        labelled(doc, label, "", before=12)
        block(doc, text)
    labelled(doc, "หลักฐานอ้างอิง", "", before=12)
    if not d.evidence:
        block(doc, "")
    for i, item in enumerate(d.evidence, 1):
        p = para(doc, indent_cm=0.5, hanging_cm=0.8)
        text = " ".join(" ".join(lines_of(item.text)).split())
        run(p, f"{i}. {text}")
        if item.link and item.link not in text and item.link.split("://", 1)[-1] not in text:
            run(p, f" ({item.link})")   # a link the item's words do not already show


def _steps(doc, rep: IndicatorReport) -> None:
    """ระดับคะแนน | การดำเนินงานในแต่ละขั้นตอน, the row of the level reached ticked and shaded."""
    year = f"\nปีงบประมาณ พ.ศ. {rep.fiscal_year}" if rep.fiscal_year else ""
    texts = list(rep.details.criteria) + [""] * (5 - len(rep.details.criteria))
    rows = [[f"{MARK} {i}" if rep.level == i else str(i), texts[i - 1] or "-"] for i in range(1, 6)]
    t = table(doc, ["ระดับคะแนน", f"การดำเนินงานในแต่ละขั้นตอน{year}"], rows, [3.0, TEXT_WIDTH - 3.0],
              centered={0}, together=False)
    for i in range(1, 6):
        if rep.level == i:
            for c in t.rows[i].cells:
                shade(c, MARK_FILL)
    if rep.level is not None:
        para(doc, f"ผลการดำเนินงาน: ถึงระดับ {rep.level}" if rep.level else
             "ผลการดำเนินงาน: ยังไม่ถึงระดับ 1", indent_cm=0.5)


def render(reports: list[IndicatorReport], *, cover=None) -> bytes:
    """The .docx bytes of ``reports``, each starting on a new page; ``cover(doc)`` writes
    a first page before them (the ministry document's list of units)."""
    doc = new_document()
    started = False
    if cover is not None:
        cover(doc)
        started = True
    for rep in reports:
        add_report(doc, rep, new_page=started)
        started = True
    if not started:
        para(doc, "-")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
