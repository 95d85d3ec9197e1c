"""Our score-trace notes in a worksheet part: data-validation input messages (shown when
the cell is selected) titled :data:`NOTE_TITLE`. They live in the sheet part itself, so
no comments or VML parts are touched."""
from __future__ import annotations

import re

from lxml import etree

from ..core.grid import Cell, a1, parse_a1
from .xlsx_package import Q
from .xlsx_scan import column_number, plain_part
from .xlsx_text import attrs, region, unescape

NOTE_TITLE = "ที่มาของคะแนน (sheets-sync)"
NOTE_LIMIT = 255  # Excel's limit for an input message
_NOTE_OR_DV = re.compile(rb'<dataValidation allowBlank="1" showInputMessage="1" promptTitle="'
                         + re.escape(NOTE_TITLE.encode()) + rb'" prompt="([^"]*)" sqref="([A-Z]{1,3})([0-9]+)"/>'
                         rb'|<dataValidation\b((?:[^>"]|"[^"]*")*?)/?>')   # a quoted value may hold ">"
# CT_Worksheet child order after dataValidations (where a new one must go before).
_AFTER_DV = ("hyperlinks", "printOptions", "pageMargins", "pageSetup", "headerFooter", "rowBreaks",
             "colBreaks", "customProperties", "cellWatches", "ignoredErrors", "smartTags", "drawing",
             "legacyDrawing", "legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls",
             "webPublishItems", "tableParts", "extLst")


def write_notes(root, notes: dict[Cell, str]) -> None:
    """Replace our notes in the sheet part ``root`` with ``notes``; other data
    validations stay as they are."""
    dvs = root.find(f"{Q}dataValidations")
    if dvs is not None:
        for dv in dvs.findall(f"{Q}dataValidation"):
            if dv.get("promptTitle") == NOTE_TITLE:
                dvs.remove(dv)
    if notes:
        if dvs is None:
            dvs = etree.Element(f"{Q}dataValidations")
            anchor = next((root.find(f"{Q}{t}") for t in _AFTER_DV if root.find(f"{Q}{t}") is not None), None)
            if anchor is not None:
                anchor.addprevious(dvs)
            else:
                root.append(dvs)
        for cell, text in sorted(notes.items()):
            etree.SubElement(dvs, f"{Q}dataValidation", allowBlank="1", showInputMessage="1",
                             promptTitle=NOTE_TITLE, prompt=text[:NOTE_LIMIT], sqref=a1(*cell))
    if dvs is not None:
        if len(dvs):
            dvs.set("count", str(len(dvs)))
        else:
            root.remove(dvs)


def read_notes(root) -> dict[Cell, str]:
    """Our notes in the sheet part ``root``, by cell."""
    out = {}
    for dv in root.iter(f"{Q}dataValidation"):
        if dv.get("promptTitle") == NOTE_TITLE:
            try:
                out[parse_a1((dv.get("sqref") or "").split()[0].split(":")[0])] = dv.get("prompt", "")
            except (ValueError, IndexError):
                continue  # a note of ours someone mangled: rewritten on the next recalc
    return out


def scan_notes(data: bytes, plain: bool | None = None) -> dict[Cell, str] | None:
    """Our notes in a plain sheet part (see :func:`~.xlsx_notes.read_notes`), or None."""
    if not (plain_part(data) if plain is None else plain):
        return None
    out = {}
    # the shape sheets-sync writes its notes in is read from its groups; any other
    # validation through its attributes
    start, end = region(data, b"<dataValidations", b"</dataValidations>")
    # a literal tab or line end in a value reads as a space: looked for in each note only
    # when the validations hold one at all (sheets-sync writes them as references)
    spaced = any(data.find(ch, start, end) != -1 for ch in (b"\t", b"\n", b"\r"))
    for prompt, letters, digits, other in _NOTE_OR_DV.findall(data, start, end):
        if letters:
            s = prompt.decode("utf-8")
            if spaced and ("\t" in s or "\n" in s or "\r" in s):
                s = s.replace("\r\n", " ").replace("\r", " ").replace("\n", " ").replace("\t", " ")
            out[(int(digits), column_number(letters))] = unescape(s) if "&" in s else s
            continue
        a = attrs(other)
        if a.get("promptTitle") == NOTE_TITLE:
            try:
                out[parse_a1((a.get("sqref") or "").split()[0].split(":")[0])] = a.get("prompt", "")
            except (ValueError, IndexError):
                continue
    return out
