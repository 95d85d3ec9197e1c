"""Indicator details (issue 13, seed 003): what a unit says about each indicator
besides its result — who supervises and collects it, the explanation of work,
supporting factors, obstacles and the evidence list — and the ministry's own text
for it (description, the criterion of each of the five levels).

This module holds the data shapes shared by the details tab (``รายละเอียดตัวชี้วัด``)
and the per-indicator report; the tab's reading and writing build on them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from ..core.grid import Grid
from ..core.text import norm
from .template import Field, Template

DETAILS_SHEET = "รายละเอียดตัวชี้วัด"
SUPERVISOR_ROLE = "ผู้กำกับดูแลตัวชี้วัด"
COLLECTOR_ROLE = "ผู้จัดเก็บข้อมูล"


@dataclass(frozen=True)
class Evidence:
    """One item of the evidence list (หลักฐานอ้างอิง), with a link where the unit gave one."""
    text: str
    link: str = ""


@dataclass
class IndicatorDetails:
    """One indicator's details: template-owned text first, then what the unit typed."""
    code: str
    # template (ministry) owned
    description: str = ""                                   # คำอธิบาย
    criteria: tuple[str, ...] = ("", "", "", "", "")        # the text of level 1..5 (seed 003's steps)
    supervisor_role: str = SUPERVISOR_ROLE
    collector_role: str = COLLECTOR_ROLE
    # unit owned
    supervisor: str = ""                                    # ผู้กำกับดูแลตัวชี้วัด
    supervisor_phone: str = ""
    collector: str = ""                                     # ผู้จัดเก็บข้อมูล
    collector_phone: str = ""
    explanation: str = ""                                   # คำชี้แจงการปฏิบัติงาน/มาตรการที่ได้ดำเนินการ
    supporting_factors: str = ""                            # ปัจจัยสนับสนุนต่อการดำเนินงาน
    obstacles: str = ""                                     # อุปสรรคต่อการดำเนินงาน
    evidence: list[Evidence] = field(default_factory=list)  # หลักฐานอ้างอิง, in order


STEPS = ("step1", "step2", "step3", "step4", "step5")
# the details tab's columns that are IndicatorDetails fields as they are (steps and evidence aside)
TEXT_KEYS = ("description", "supervisor_role", "collector_role", "supervisor", "supervisor_phone",
             "collector", "collector_phone", "explanation", "supporting_factors", "obstacles")
NARRATIVE_KEYS = ("explanation", "supporting_factors", "obstacles", "evidence")   # what a round carries as drafts

DRAFT_MARK = "(ร่าง)"     # seed 000's mark of a text not yet final; new-round puts it on carried narratives
_ITEM = re.compile(r"^\s*(\d{1,3})\s*[.)]\s*(.*)$")
_URL = re.compile(r"(?:https?://|www\.)[^\s()<>\"'“”]+", re.IGNORECASE)
_NONE = ("", "-", "–", "ไม่มี")


def details_template(template: Template) -> Template | None:
    """The details tab as a table template of its own (columns found by header label,
    rows by code, like every table), from the scorecard template's ``details:``
    section; None when the template has none."""
    spec = template.raw.get("details")
    if not spec:
        return None
    fields = tuple(Field(key=f["key"], label=str(f["label"]), owner=f["owner"], type=f.get("type", "text"),
                         format=f.get("format", "General"), width=f.get("width", 12), group=f.get("group"),
                         aliases=tuple(f.get("aliases", ())), prefix=bool(f.get("prefix", False)),
                         hidden=bool(f.get("hidden", False)))
                   for f in spec["fields"])
    raw = {"name": f"{template.name}:details", "path": template.raw.get("path", ""),
           "required": list(spec.get("required", ("code",)))}
    return replace(template, name=raw["name"], sheet_name=spec.get("sheet_name", DETAILS_SHEET), fields=fields,
                   section_marker="", totals={}, title=spec.get("title", ""), raw=raw)


def parse_evidence(text) -> list[Evidence]:
    """The evidence cell as items: each numbered line starts one ("1. ...", "2) ..."), a line
    without a number continues the one before (joined by a space), blank lines and a lone
    "-" are nothing, and so is new-round's draft mark on a line of its own. The first URL in an item is its link (``www.`` given ``http://``)."""
    if text is None:
        return []
    items: list[list[str]] = []
    for line in str(text).splitlines():
        part = " ".join(line.split())
        if not part or part == DRAFT_MARK:      # a carried list's draft mark is not an item
            continue
        m = _ITEM.match(part)
        if m:
            items.append([m.group(2).strip()])
        elif items:
            items[-1].append(part)
        else:                       # text before any number is an item of its own
            items.append([part])
    out = []
    for lines in items:
        body = " ".join(x for x in lines if x)
        if body in _NONE:
            continue
        out.append(Evidence(body, _link_in(body)))
    return out


def _link_in(text: str) -> str:
    m = _URL.search(text)
    if not m:
        return ""
    url = m.group(0).rstrip(".,;:")
    return url if url.lower().startswith("http") else f"http://{url}"


def evidence_text(items) -> str:
    """The evidence items as the cell holds them: "1. text" per line; a link the text
    does not already show is written after it."""
    lines = []
    for n, item in enumerate(items, 1):
        text = " ".join(item.text.split())
        if item.link and item.link not in text and item.link.split("://", 1)[-1] not in text:
            text = f"{text} {item.link}".strip()
        lines.append(f"{n}. {text}")
    return "\n".join(lines)


def _text(v) -> str:
    """A cell's text as typed (numbers as people wrote them: a phone 22193600, not 22193600.0)."""
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def find_details(grids: dict[str, Grid], template: Template):
    """(details template, the tab's layout) of the workbook, or None when it has no details
    tab: the tab named by the template first, else any tab with the details header."""
    from .layout import discover
    dtpl = details_template(template)
    if dtpl is None:
        return None
    names = [dtpl.sheet_name] if dtpl.sheet_name in grids else []
    from .meta import ARCHIVE_SHEET, AUDIT_SHEET, META_SHEET
    # the archive holds retired details rows under the same header: never the tab
    others = (dtpl.sheet_name, template.sheet_name, META_SHEET, ARCHIVE_SHEET, AUDIT_SHEET)
    names += [n for n in grids if n not in others]
    for name in names:
        layout = discover(grids[name], dtpl, norm)
        if layout is not None and layout.complete:
            return dtpl, layout
    return None


def details_of_row(grid: Grid, layout, row: int) -> IndicatorDetails:
    cols = layout.columns
    get = lambda key: _text(grid.get(row, cols[key])) if key in cols else ""   # noqa: E731
    d = IndicatorDetails(norm(grid.get(row, cols["code"])))
    for key in TEXT_KEYS:
        value = get(key)
        if value or key not in ("supervisor_role", "collector_role"):   # an empty role keeps its default
            setattr(d, key, value)
    d.criteria = tuple(get(k) for k in STEPS)
    d.evidence = parse_evidence(get("evidence"))
    return d


def details_by_code(grids: dict[str, Grid], template: Template) -> dict[str, IndicatorDetails]:
    """The workbook's details tab read into IndicatorDetails by code (the scorecard's
    ``code_key``: spacing tidied, Thai digits as 0-9); empty when it has no such tab.
    A code given twice keeps its first row (validate names the second)."""
    found = find_details(grids, template)
    if found is None:
        return {}
    _, layout = found
    grid = grids[layout.sheet]
    out: dict[str, IndicatorDetails] = {}
    for r in layout.indicator_rows:
        d = details_of_row(grid, layout, r)
        out.setdefault(d.code, d)
    return out
