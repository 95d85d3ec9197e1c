"""Reading a spreadsheet economically: the tabs sheets-sync made, ranged, with a fields mask.

sheets-sync marks every tab it creates (the scorecard, its metadata, archive and audit tabs)
with sheet developer metadata ``sheets_sync.tab`` and every row of them with row developer
metadata ``sheets_sync.row`` (the row's anchor: it moves with inserted and deleted rows).
One ``spreadsheets.getByDataFilter`` selecting the marked tabs returns their grid data
(values, formulas, notes), their anchors and protected ranges: extra tabs a person added cost
nothing. A spreadsheet without marks (made by hand, or before marks existed) is read whole
with one more ``spreadsheets.get``, and marked at its next write.

The metadata tab's long records (what sheets-sync last wrote to every computed and template
cell, as JSON: 400 KB at 1,000 rows, read and rewritten at every recalc) are kept there
compressed (:func:`packed`, a tenth of the size); :func:`unpacked` gives them back as written,
and a plain record (an older spreadsheet) reads as it is.
"""
from __future__ import annotations

import base64
import binascii
import dataclasses
import zlib

from ...core.grid import Cell, Grid
from ...kinds.meta import META_SHEET

TAB_KEY = "sheets_sync.tab"
ROW_KEY = "sheets_sync.row"
# of each anchor only what locates it: its tab is the one it is listed under, its key says a row
# (sheets_sync.row: only ever made on one row) or the tab (sheets_sync.tab: on the sheet)
_MD = "developerMetadata(metadataId,metadataKey,location/dimensionRange(startIndex,endIndex))"
# userEnteredValue only for its formula: the typed value is effectiveValue (half the bytes)
_CELLS = "rowData(values(userEnteredValue/formulaValue,effectiveValue,note))"
GRID_FIELDS = (f"properties.title,sheets(properties(sheetId,title,index,hidden,gridProperties(rowCount,columnCount)),"
               f"protectedRanges(protectedRangeId,range,description,warningOnly,editors,unprotectedRanges),{_MD},"
               f"data(startRow,startColumn,{_CELLS},rowMetadata({_MD})))")
PACKED = "sheets-sync:zlib:"   # then zlib of the UTF-8 text, URL-safe base64 without padding
PACK_FROM = 200                # characters: a shorter value stays readable as it is
MARKED = {"dataFilters": [{"developerMetadataLookup": {"metadataKey": TAB_KEY}}], "includeGridData": True}


def cell_value(cell: dict):
    ev = cell.get("effectiveValue")
    if not ev:
        return None
    (kind, v), = ev.items()
    if kind == "numberValue":
        return v
    return v if kind != "errorValue" else f"#{v.get('type', 'ERROR')}"


class SheetRead:
    """One tab as read: its grid, notes, id, row anchors and protected ranges."""

    def __init__(self, sheet: dict):
        props = sheet["properties"]
        self.title, self.sheet_id = props["title"], props["sheetId"]
        self.rows = props.get("gridProperties", {}).get("rowCount", 0)
        self.cols = props.get("gridProperties", {}).get("columnCount", 0)
        self.grid, self.notes = Grid(self.title), {}
        self.protected = sheet.get("protectedRanges", [])
        self.marked = False
        self.anchors: dict[int, int] = {}            # 1-based row -> metadataId
        mds = list(sheet.get("developerMetadata", []))
        for block in sheet.get("data", []):
            r0, c0 = block.get("startRow", 0), block.get("startColumn", 0)
            for i, row in enumerate(block.get("rowData", [])):
                for j, cell in enumerate(row.get("values", [])):
                    pos = (r0 + i + 1, c0 + j + 1)
                    v = cell_value(cell)
                    if v is not None and v != "":
                        self.grid.values[pos] = v
                    f = cell.get("userEnteredValue", {}).get("formulaValue")
                    if f:
                        self.grid.formulas[pos] = f
                    if cell.get("note"):
                        self.notes[pos] = cell["note"]
            for meta in block.get("rowMetadata", []):   # Google puts row metadata here
                mds += meta.get("developerMetadata", [])
        for md in mds:
            loc = md.get("location", {})
            dr = loc.get("dimensionRange")
            if md.get("metadataKey") == TAB_KEY and not dr and loc.get("locationType", "SHEET") == "SHEET":
                self.marked = True
            if md.get("metadataKey") == ROW_KEY and dr and dr.get("dimension", "ROWS") == "ROWS":
                if dr.get("endIndex", dr.get("startIndex", 0) + 1) - dr.get("startIndex", 0) == 1:
                    self.anchors.setdefault(dr.get("startIndex", 0) + 1, md["metadataId"])


def parse(meta: dict) -> dict[str, SheetRead]:
    return {s.title: s for s in (SheetRead(sheet) for sheet in meta.get("sheets", []))}


def values_of(sheet: dict) -> dict[Cell, object]:
    """The typed values of one tab of a batchUpdate's ``updatedSpreadsheet``."""
    return SheetRead(sheet).grid.values


def packed(value):
    """A long metadata value as kept in Google (compressed), or the value itself."""
    if not isinstance(value, str) or len(value) < PACK_FROM or value.startswith(PACKED):
        return value
    text = PACKED + base64.urlsafe_b64encode(zlib.compress(value.encode(), 9)).rstrip(b"=").decode("ascii")
    return text if len(text) < len(value) else value


def unpacked(value):
    """The value :func:`packed` was given (anything else as it is)."""
    if not isinstance(value, str) or not value.startswith(PACKED):
        return value
    data = value[len(PACKED):]
    try:
        return zlib.decompress(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))).decode()
    except (binascii.Error, zlib.error, UnicodeDecodeError, ValueError):
        return value     # not ours after all: shown as typed


def packed_cells(sheet: str, cells: dict[Cell, object]) -> dict[Cell, object]:
    """The cells of one tab as Google keeps them: the metadata tab's values (column B) packed."""
    if sheet != META_SHEET:
        return cells
    return {cell: packed(v) if cell[1] == 2 else v for cell, v in cells.items()}


def unpacked_grid(grid: Grid) -> Grid:
    """The metadata tab as sheets-sync wrote it (its records unpacked); other tabs as read."""
    if grid.name != META_SHEET:
        return grid
    return dataclasses.replace(grid, values={cell: unpacked(v) if cell[1] == 2 else v
                                             for cell, v in grid.values.items()})
