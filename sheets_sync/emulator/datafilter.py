"""DataFilters: where developer metadata, an A1 range or a GridRange points in a spreadsheet.

Used by developerMetadata:search, values:batchGetByDataFilter / batchUpdateByDataFilter,
getByDataFilter and updateDeveloperMetadata / deleteDeveloperMetadata."""
from __future__ import annotations

from .errors import invalid
from .model import Sheet, Spreadsheet, metadata, metadata_index


def _location_matches(loc: dict, want: dict, strategy: str) -> bool:
    if "spreadsheet" in want:
        return loc.get("locationType") == "SPREADSHEET" if want["spreadsheet"] else True
    if "sheetId" in want:
        if strategy == "INTERSECTING_LOCATION":
            sid = loc.get("sheetId", loc.get("dimensionRange", {}).get("sheetId", 0))
            return loc.get("locationType") != "SPREADSHEET" and sid == want["sheetId"]
        return loc.get("locationType") == "SHEET" and loc.get("sheetId", 0) == want["sheetId"]
    if "dimensionRange" in want:
        w, dr = want["dimensionRange"], loc.get("dimensionRange")
        if not dr or dr.get("sheetId", 0) != w.get("sheetId", 0) or dr.get("dimension") != w.get("dimension"):
            return False
        lo, hi = w.get("startIndex", 0), w.get("endIndex", 1 << 30)
        if strategy == "INTERSECTING_LOCATION":
            return dr.get("startIndex", 0) < hi and lo < dr.get("endIndex", 1 << 30)
        return (dr.get("startIndex", 0), dr.get("endIndex")) == (lo, w.get("endIndex"))
    return True


def metadata_matches(md: dict, lookup: dict) -> bool:
    for key in ("metadataId", "metadataKey", "metadataValue", "visibility"):
        if key in lookup and md.get(key) != lookup[key]:
            return False
    loc = md.get("location", {})
    if "locationType" in lookup and loc.get("locationType") != lookup["locationType"]:
        return False
    if "metadataLocation" in lookup:
        # Google: "If left unspecified, this field assumes a default value of INTERSECTING"
        strategy = lookup.get("locationMatchingStrategy", "INTERSECTING_LOCATION")
        if not _location_matches(loc, lookup["metadataLocation"], strategy):
            return False
    return True


def find_metadata(ss: Spreadsheet, lookup: dict) -> list[dict]:
    if "metadataId" in lookup:   # ids are unique: one look-up, not a walk
        md = metadata_index(ss).get(lookup["metadataId"])
        return [md] if md is not None and metadata_matches(md, lookup) else []
    return [md for md in metadata(ss) if metadata_matches(md, lookup)]


def metadata_box(ss: Spreadsheet, md: dict) -> tuple[Sheet, tuple[int, int, int, int]] | None:
    """The cells a metadata's location covers (a whole row or column, or a sheet)."""
    loc = md.get("location", {})
    if "dimensionRange" in loc:
        dr = loc["dimensionRange"]
        sheet = ss.sheet_by_id(dr.get("sheetId", 0))
        lo = dr.get("startIndex", 0)
        hi = dr.get("endIndex", lo + 1)
        return sheet, ((lo, 0, hi, sheet.cols) if dr.get("dimension") == "ROWS" else (0, lo, sheet.rows, hi))
    if loc.get("locationType") == "SHEET":
        sheet = ss.sheet_by_id(loc.get("sheetId", 0))
        return sheet, (0, 0, sheet.rows, sheet.cols)
    return None


def resolve(ss: Spreadsheet, flt: dict) -> list[tuple[Sheet, tuple[int, int, int, int]]]:
    """The grid ranges a DataFilter selects (several when several metadata match)."""
    if "a1Range" in flt:
        return [ss.range(flt["a1Range"])]
    if "gridRange" in flt:
        g = flt["gridRange"]
        sheet = ss.sheet_by_id(g.get("sheetId", 0))
        return [(sheet, (g.get("startRowIndex", 0), g.get("startColumnIndex", 0),
                         g.get("endRowIndex", sheet.rows), g.get("endColumnIndex", sheet.cols)))]
    if "developerMetadataLookup" in flt:
        out = []
        for md in find_metadata(ss, flt["developerMetadataLookup"]):
            hit = metadata_box(ss, md)
            if hit and hit not in out:
                out.append(hit)
        return out
    raise invalid("Invalid dataFilter: one of developerMetadataLookup, a1Range or gridRange is required")
