"""New tabs, laid out from a BookPlan, added to an existing .xlsx without re-saving it
through openpyxl (which would drop a unit's images, charts and shapes): the plan is
rendered into a fresh package and its sheet parts are moved across, their styles merged
into the workbook's styles part and their strings written inline. Every other part of
the workbook stays byte for byte.
"""
from __future__ import annotations

import copy

from lxml import etree

from ..kinds.sheet_plan import BookPlan
from .xlsx_grid import cell_text
from .xlsx_package import Q, R_NS, parse_xml, rels_of, unzip

_LISTS = ("numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "cellStyles", "dxfs")
# elements that point into the source package's other parts (drawings, comments ...): a
# laid-out round tab has none; should a plan ever make one, it is left out, not dangling
_WITH_PARTS = ("drawing", "legacyDrawing", "legacyDrawingHF", "picture", "oleObjects", "controls", "tableParts")


def add_plan_sheets(wb, book: BookPlan) -> list[str]:
    """Add every sheet of ``book`` (no metadata sheet) to the XlsxWorkbook ``wb`` (the
    caller saves); the names must be new. Returns the names added, the first one made the
    tab the workbook opens on."""
    from .xlsx_plan import workbook_bytes
    for plan in book.sheets:
        if wb.has_sheet(plan.name):
            from ..core.errors import WorkbookError
            raise WorkbookError(f"มีแผ่นงานชื่อ {plan.name} อยู่แล้ว", f"the workbook already has a tab named {plan.name}")
    source = BookPlan(book.template, list(book.sheets))
    _, parts, _ = unzip(workbook_bytes(source), "new tabs")
    src_wb = parse_xml(parts["xl/workbook.xml"], "xl/workbook.xml", "new tabs")
    _, rels = rels_of(parts, "xl/workbook.xml", "new tabs")
    shared = [cell_text(si) for si in parse_xml(parts["xl/sharedStrings.xml"], "sharedStrings", "new tabs")
              .iter(f"{Q}si")] if "xl/sharedStrings.xml" in parts else []
    xf_map, dxf_map = _merge_styles(wb, parse_xml(parts["xl/styles.xml"], "xl/styles.xml", "new tabs"))
    first_new = len(wb._xml("xl/workbook.xml").find(f"{Q}sheets"))
    added = []
    for i, s in enumerate(src_wb.iter(f"{Q}sheet")):
        name = s.get("name")
        root = parse_xml(parts[rels[s.get(f"{{{R_NS}}}id")][0]], name, "new tabs")
        _restyle(root, xf_map, dxf_map, shared)
        wb._add_sheet_part(name)
        part = wb.sheet(name).part
        wb._trees[part] = root
        wb._dirty.add(part)
        _copy_defined_names(wb, src_wb, i, first_new + i)
        added.append(name)
    _open_on(wb, first_new)
    return added


def _merge_styles(wb, src) -> tuple[dict[int, int], dict[int, int]]:
    """Append the source's fonts, fills, borders, number formats, cell formats and
    differential formats to the workbook's styles; return the old -> new indexes."""
    dst = wb._xml("xl/styles.xml")
    wb._dirty.add("xl/styles.xml")
    lists = {}
    for tag in _LISTS:
        el = dst.find(f"{Q}{tag}")
        if el is None:                      # keep the schema's order of the children
            el = etree.Element(f"{Q}{tag}")
            later = [dst.find(f"{Q}{t}") for t in _LISTS[_LISTS.index(tag) + 1:]]
            nxt = next((x for x in later if x is not None), None)
            nxt.addprevious(el) if nxt is not None else dst.append(el)
        lists[tag] = el
    offsets = {tag: len(lists[tag]) for tag in ("fonts", "fills", "borders")}
    for tag in offsets:
        for child in _kids(src, tag):
            lists[tag].append(copy.deepcopy(child))
    formats = {f.get("formatCode"): int(f.get("numFmtId")) for f in lists["numFmts"]}
    fmt_map = {}
    for f in _kids(src, "numFmts"):
        code = f.get("formatCode")
        if code not in formats:
            formats[code] = max([163, *formats.values()]) + 1
            etree.SubElement(lists["numFmts"], f"{Q}numFmt", numFmtId=str(formats[code]), formatCode=code)
        fmt_map[int(f.get("numFmtId"))] = formats[code]
    # named styles: the workbook's own of the same name (init made both), else Normal
    names_dst = {s.get("name"): s.get("xfId") for s in lists["cellStyles"]}
    names_src = {s.get("xfId"): s.get("name") for s in _kids(src, "cellStyles")}
    xf_map = {}
    for i, xf in enumerate(_kids(src, "cellXfs")):
        new = copy.deepcopy(xf)
        for attr, tag in (("fontId", "fonts"), ("fillId", "fills"), ("borderId", "borders")):
            if new.get(attr) is not None:
                new.set(attr, str(int(new.get(attr)) + offsets[tag]))
        if new.get("numFmtId") is not None:
            n = int(new.get("numFmtId"))
            new.set("numFmtId", str(fmt_map.get(n, n)))
        new.set("xfId", names_dst.get(names_src.get(xf.get("xfId", "0")), "0") or "0")
        lists["cellXfs"].append(new)
        xf_map[i] = len(lists["cellXfs"]) - 1
    dxf_map = {}
    for i, dxf in enumerate(_kids(src, "dxfs")):
        lists["dxfs"].append(copy.deepcopy(dxf))
        dxf_map[i] = len(lists["dxfs"]) - 1
    for el in lists.values():
        if len(el) or el.get("count") is not None:
            el.set("count", str(len(el)))
    wb._date_styles = None        # new number formats: what counts as a date is read again
    return xf_map, dxf_map


def _kids(root, tag: str) -> list:
    el = root.find(f"{Q}{tag}")
    return list(el) if el is not None else []


def _restyle(root, xf_map: dict[int, int], dxf_map: dict[int, int], shared: list[str]) -> None:
    for el, attr in ([(c, "s") for c in root.iter(f"{Q}c")] + [(r, "s") for r in root.iter(f"{Q}row")]
                     + [(c, "style") for c in root.iter(f"{Q}col")]):
        if el.get(attr, "").isdigit():
            el.set(attr, str(xf_map.get(int(el.get(attr)), 0)))
    for rule in root.iter(f"{Q}cfRule"):
        if rule.get("dxfId", "").isdigit():
            rule.set("dxfId", str(dxf_map.get(int(rule.get("dxfId")), 0)))
    for c in root.iter(f"{Q}c"):           # the workbook's shared strings are not the source's
        if c.get("t") == "s" and (v := c.find(f"{Q}v")) is not None:
            text = shared[int(v.text)]
            c.remove(v)
            c.set("t", "inlineStr")
            t = etree.SubElement(etree.SubElement(c, f"{Q}is"), f"{Q}t")
            t.text = text
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    for tag in _WITH_PARTS:
        for el in root.findall(f"{Q}{tag}"):
            root.remove(el)
    for view in root.iter(f"{Q}sheetView"):
        view.attrib.pop("tabSelected", None)


def _copy_defined_names(wb, src_wb, src_index: int, index: int) -> None:
    """The sheet's own defined names (print titles) with the workbook's index of it."""
    names = [d for d in src_wb.iter(f"{Q}definedName") if d.get("localSheetId") == str(src_index)]
    if not names:
        return
    root = wb._xml("xl/workbook.xml")
    wb._dirty.add("xl/workbook.xml")
    dst = root.find(f"{Q}definedNames")
    if dst is None:
        dst = etree.Element(f"{Q}definedNames")
        root.find(f"{Q}sheets").addnext(dst)
    for d in names:
        new = copy.deepcopy(d)
        new.set("localSheetId", str(index))
        dst.append(new)


def _open_on(wb, index: int) -> None:
    """The workbook opens on the new round's tab."""
    root = wb._xml("xl/workbook.xml")
    view = root.find(f"{Q}bookViews/{Q}workbookView")
    if view is not None:
        view.set("activeTab", str(index))
        wb._dirty.add("xl/workbook.xml")
    part = wb.sheet(wb.sheets[index].name).part if index < len(wb.sheets) else None
    if part:
        for v in wb._xml(part).iter(f"{Q}sheetView"):
            v.set("tabSelected", "1")
    for s in wb.sheets:
        if s.part != part and s.part in wb._trees:
            for v in wb._trees[s.part].iter(f"{Q}sheetView"):
                if v.attrib.pop("tabSelected", None) is not None:
                    wb._dirty.add(s.part)
