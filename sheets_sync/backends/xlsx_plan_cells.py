"""A BookPlan's cells written straight into the sheet XML, everything else by openpyxl.

The ministry summary of 1,000 units is 100,000 cells: an openpyxl Cell per value, its
style set and its serialisation were four fifths of the summary's writing. Here openpyxl
still writes the package (styles, merges, column widths, charts, protection, print
setup) and each sheet's XML around its rows; the rows themselves are written from the
plan as openpyxl writes them, byte for byte (same style ids, same cell XML:
tests/test_xlsx_plan_cells.py compares both writers part by part).

Only plans whose cells openpyxl would write plainly take this way (:func:`streamable`):
text, numbers, booleans, no cell hidden under a merge. Any other plan is rendered with a
Cell per value as before.
"""
from __future__ import annotations

import datetime
import re
from zipfile import ZIP_DEFLATED, ZipFile

from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.writer.excel import ExcelWriter

from ..kinds.sheet_plan import SheetPlan

_MARK = "sheets-sync:rows"                        # where a sheet's rows go in openpyxl's XML
# openpyxl refuses control characters, lxml these others: a plan holding one fails as before
_REFUSED = re.compile(ILLEGAL_CHARACTERS_RE.pattern + "|[\ud800-\udfff\ufffe\uffff]")
_ESCAPE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_ERRORS = frozenset(ERROR_CODES)
_INF = float("inf")
_SPACE = frozenset(" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
                   "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")   # what str.strip strips
MAX_TEXT = 32767                                  # openpyxl keeps this much of a text


def streamable(plan: SheetPlan) -> bool:
    """Whether openpyxl would write every cell of ``plan`` as plain text, number or boolean
    (no date, no formula, no text it refuses), with no cell hidden under a merged range."""
    for (r, c), v in plan.values.items():
        t = type(v)
        if t is str:
            if _REFUSED.search(v):
                return False
            if (r, c) not in plan.roles and len(v) > 1 and v[0] == "=":
                return False          # a formula there: openpyxl writes it as one
        elif t is not int and t is not float and t is not bool:
            return False
    for r1, c1, r2, c2 in plan.merges:
        if plan.roles.get((r1, c1)) != "title":   # the only merged cell without a border
            return False
        if any((r, c) in plan.roles or (r, c) in plan.values
               for r in range(r1, r2 + 1) for c in range(c1, c2 + 1) if (r, c) != (r1, c1)):
            return False
    return True


class PlanCells:
    """One sheet's cells, kept on its worksheet until the writer asks for its rows."""

    def __init__(self, ws, plan: SheetPlan, style_name, font):
        self.plan, self.wb = plan, ws.parent
        # the same named styles, registered in the same order as a Cell per value would
        # register them; each cell keeps the number of its style
        top = plan.text_top
        fmt_of = plan.formats.get
        by_role: dict[str, dict] = {}
        names: list[str] = []
        style_of: dict = {}
        for cell, role in plan.roles.items():
            fmts = by_role.get(role)
            if fmts is None:
                fmts = by_role[role] = {}
            fmt = fmt_of(cell)
            i = fmts.get(fmt)
            if i is None:
                i = fmts[fmt] = len(names)
                names.append(style_name((role, fmt, top and role not in ("title", "header"))))
            style_of[cell] = i
        self.style_of = style_of
        self.arrays = []
        for name in names:
            probe = Cell(ws)
            probe.style = name
            self.arrays.append(probe._style)
        probe = Cell(ws)
        if any(cell not in style_of for cell in plan.values):
            probe.font = font        # a value without a role: the font only (registered only then)
        self.arrays.append(probe._style)

    def rows(self, ws) -> tuple[str, str]:
        """(the sheet's dimension ref, its rows' XML), cells in row then column order and
        style ids given in that order, as openpyxl gives them."""
        plan = self.plan
        values, style_of, heights = plan.values, self.style_of, plan.heights
        cells = style_of.keys() | values.keys()
        own = cells | ws._cells.keys()
        if not own:
            dim = "A1:A1"
        else:
            rows_, cols_ = {r for r, _ in own}, {c for _, c in own}
            dim = f"{get_column_letter(min(cols_))}{min(rows_)}:{get_column_letter(max(cols_))}{max(rows_)}"
        # rows without a cell of the plan still get their <row> (column 0 marks them)
        filled = {r for r, _ in cells}
        order = sorted([*cells, *((r, 0) for r in ({r for r, _ in ws._cells} | heights.keys()) - filled)])
        add = self.wb._cell_styles.add
        plain = len(self.arrays) - 1
        sids: list[str | None] = [None] * len(self.arrays)
        letters: dict[int, str] = {}
        out = []
        put = out.append
        row = None
        for r, c in order:
            if r != row:
                if row is not None:
                    put("</row>")
                row = r
                h = heights.get(r)
                put(f'<row r="{r}" ht="{"%.16g" % h}" customHeight="1">' if h else f'<row r="{r}">')
                tail = str(r)
            if not c:
                continue
            letter = letters.get(c)
            if letter is None:
                letter = letters[c] = get_column_letter(c)
            i = style_of.get((r, c), plain)
            sid = sids[i]
            if sid is None:
                array = self.arrays[i]
                sid = sids[i] = f' s="{add(array)}"' if any(array) else ""
            put(_cell(letter + tail, sid, values.get((r, c))))
        if row is not None:
            put("</row>")
        return dim, "".join(out)


def _cell(ref: str, sid: str, v) -> str:
    """One ``<c>`` as openpyxl's lxml writer gives it (cell/_writer.py)."""
    t = type(v)
    if t is str:
        if not v:
            return f'<c r="{ref}"{sid} t="inlineStr"></c>'
        v = v[:MAX_TEXT]
        if v in _ERRORS:
            return f'<c r="{ref}"{sid} t="e"><v>{v}</v></c>'
        space = ' xml:space="preserve"' if v[0] in _SPACE or v[-1] in _SPACE else ""
        return f'<c r="{ref}"{sid} t="inlineStr"><is><t{space}>{v.translate(_ESCAPE)}</t></is></c>'
    if v is None:
        return f'<c r="{ref}"{sid} t="n"></c>'
    if t is bool:
        return f'<c r="{ref}"{sid} t="b"><v>{1 if v else 0}</v></c>'
    if v != v or v in (_INF, -_INF):
        return f'<c r="{ref}"{sid} t="n"><v></v></c>'
    return f'<c r="{ref}"{sid} t="n"><v>{"%.16g" % v}</v></c>'


class _SheetWriter(WorksheetWriter):
    """openpyxl's sheet writer with the plan's rows (its dimension, its sheetData)."""

    def __init__(self, ws, cells: PlanCells):
        self.dim, self.xml = cells.rows(ws)
        super().__init__(ws)

    def write_dimensions(self):
        from openpyxl.worksheet.dimensions import SheetDimension
        self.xf.send(SheetDimension(self.dim).to_tree())

    def write_rows(self):
        xf = self.xf.send(True)
        with xf.element("sheetData"):
            xf.write(_MARK)
        self.xf.send(None)

    def write(self):
        super().write()
        with open(self.out, "rb") as fh:
            data = fh.read()
        mark = f"<sheetData>{_MARK}</sheetData>".encode()
        rows = f"<sheetData>{self.xml}</sheetData>"
        assert data.count(mark) == 1
        with open(self.out, "wb") as fh:
            # openpyxl's XML is ASCII, every other character a reference (&#3616;): so are these
            fh.write(data.replace(mark, rows.encode("ascii", "xmlcharrefreplace")))


class _Writer(ExcelWriter):
    def write_worksheet(self, ws):
        cells = getattr(ws, "_plan_cells", None)
        if cells is None:
            return super().write_worksheet(ws)
        from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
        ws._drawing = SpreadsheetDrawing()       # as ExcelWriter.write_worksheet does
        ws._drawing.charts = ws._charts
        ws._drawing.images = ws._images
        writer = _SheetWriter(ws, cells)
        writer.write()
        ws._rels = writer._rels
        self._archive.write(writer.out, ws.path[1:])
        self.manifest.append(ws)
        writer.cleanup()


def only_plan_cells(wb) -> bool:
    """No cell openpyxl made itself (a merge's) would be written: the plans hold them all."""
    return all(c._value is None and not c.has_style and c._comment is None
               for ws in wb.worksheets if getattr(ws, "_plan_cells", None) is not None
               for c in ws._cells.values())


def save(wb, buf) -> None:
    """openpyxl's save_workbook with the plans' rows written from the plans."""
    archive = ZipFile(buf, "w", ZIP_DEFLATED, allowZip64=True)
    wb.properties.modified = datetime.datetime.now(tz=datetime.timezone.utc).replace(tzinfo=None)
    _Writer(wb, archive).save()
