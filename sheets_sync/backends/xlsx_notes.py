"""Our score-trace notes in a worksheet part: data-validation input messages (shown when
the cell is selected) titled :data:`NOTE_TITLE`. They live in the sheet part itself, so
no comments or VML parts are touched."""
from __future__ import annotations

from lxml import etree

from ..core.grid import Cell, a1, parse_a1
from .xlsx_package import Q

NOTE_TITLE = "ที่มาของคะแนน (sheets-sync)"
NOTE_LIMIT = 255  # Excel's limit for an input message
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
