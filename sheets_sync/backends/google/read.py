"""Reading a spreadsheet economically: the tabs sheets-sync made, ranged, with a fields mask.

sheets-sync marks every tab it creates (the scorecard, its metadata, archive and audit tabs)
with sheet developer metadata ``sheets_sync.tab`` and every row of them with row developer
metadata ``sheets_sync.row`` (the row's anchor: it moves with inserted and deleted rows).
One ``spreadsheets.getByDataFilter`` selecting the marked tabs returns their grid data
(values, formulas, notes), their anchors and protected ranges: extra tabs a person added cost
nothing. A spreadsheet without marks (made by hand, or before marks existed) is read whole
with one more ``spreadsheets.get``, and marked at its next write.
"""
from __future__ import annotations

from ...core.grid import Cell, Grid

TAB_KEY = "sheets_sync.tab"
ROW_KEY = "sheets_sync.row"
# of each anchor only what locates it (its tab is the one it is listed under; no value is kept)
_MD = "developerMetadata(metadataId,metadataKey,location(locationType,dimensionRange(dimension,startIndex,endIndex)))"
# userEnteredValue only for its formula: the typed value is effectiveValue (half the bytes)
_CELLS = "rowData(values(userEnteredValue/formulaValue,effectiveValue,note))"
GRID_FIELDS = (f"properties.title,sheets(properties(sheetId,title,index,hidden,gridProperties(rowCount,columnCount)),"
               f"protectedRanges(protectedRangeId,range,description,warningOnly,editors,unprotectedRanges),{_MD},"
               f"data(startRow,startColumn,{_CELLS},rowMetadata({_MD})))")
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
            if md.get("metadataKey") == TAB_KEY and loc.get("locationType") == "SHEET":
                self.marked = True
            dr = loc.get("dimensionRange")
            if md.get("metadataKey") == ROW_KEY and dr and dr.get("dimension") == "ROWS":
                if dr.get("endIndex", dr.get("startIndex", 0) + 1) - dr.get("startIndex", 0) == 1:
                    self.anchors.setdefault(dr.get("startIndex", 0) + 1, md["metadataId"])


def parse(meta: dict) -> dict[str, SheetRead]:
    return {s.title: s for s in (SheetRead(sheet) for sheet in meta.get("sheets", []))}


def values_of(sheet: dict) -> dict[Cell, object]:
    """The typed values of one tab of a batchUpdate's ``updatedSpreadsheet``."""
    return SheetRead(sheet).grid.values
