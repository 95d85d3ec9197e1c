"""batchUpdate requests on protection and developer metadata."""
from __future__ import annotations

import copy

from .batch_common import check_fields, set_path, split_fields
from .datafilter import find_metadata
from .errors import invalid, protected_cell
from .model import add_metadata, drop_metadata, metadata_index, metadata_json, new_int_id, proto
from .protection import enforced, may_edit


def add_protected_range(state, ss, args, i, caller):
    given = copy.deepcopy(args["protectedRange"])
    sheet = ss.sheet_by_id(given.get("range", {}).get("sheetId", 0))
    if given.get("warningOnly") and (given.get("editors") or {}).get("users"):
        raise invalid(f"Invalid requests[{i}].addProtectedRange: ProtectedRange is warningOnly. Editors cannot be "
                      "set on it.")
    # Google's reply order and defaults; the requester may always edit, without being listed.
    pr = {"protectedRangeId": new_int_id(), "range": given.get("range", {"sheetId": sheet.sheet_id})}
    for k in ("namedRangeId", "description", "warningOnly", "unprotectedRanges"):
        if given.get(k):
            pr[k] = given[k]
    pr["requestingUserCanEdit"] = True
    if not given.get("warningOnly"):
        pr["editors"] = given.get("editors", {})
    reply = proto(pr)
    # Stored, the requester is listed among the editors (the reply does not show it).
    stored = copy.deepcopy(pr)
    if "editors" in stored:
        users = stored["editors"].setdefault("users", [])
        if caller and caller not in users:
            users.insert(0, caller)
    sheet.protected.append(stored)
    return {"addProtectedRange": {"protectedRange": reply}}


def _find_protected(ss, pid, i, kind):
    for s in ss.sheets:
        for p in s.protected:
            if p["protectedRangeId"] == pid:
                return s, p
    raise invalid(f"Invalid requests[{i}].{kind}: No protected range with id: {pid}")


def delete_protected_range(state, ss, args, i, caller):
    sheet, pr = _find_protected(ss, args["protectedRangeId"], i, "deleteProtectedRange")
    if enforced() and not may_edit(ss, pr, caller):
        raise protected_cell()
    sheet.protected = [p for p in sheet.protected if p is not pr]
    return {}


def update_protected_range(state, ss, args, i, caller):
    fields = check_fields(args, i, "updateProtectedRange")
    new = args["protectedRange"]
    sheet, pr = _find_protected(ss, new["protectedRangeId"], i, "updateProtectedRange")
    if enforced() and not may_edit(ss, pr, caller):
        raise protected_cell()
    for f in split_fields(fields):
        set_path(pr, new, f)
    if pr.get("warningOnly"):
        pr.pop("editors", None)
    return {}


_LOCATION_TYPES = {"ROWS": "ROW", "COLUMNS": "COLUMN"}


def _location(ss, loc: dict, i: int) -> dict:
    if loc.get("dimensionRange"):
        dr = dict(loc["dimensionRange"])
        sheet = ss.sheet_by_id(dr.get("sheetId", 0))
        if dr.get("dimension") not in _LOCATION_TYPES:
            raise invalid(f"Invalid requests[{i}].createDeveloperMetadata: dimensionRange.dimension must be ROWS or COLUMNS")
        lo = dr.get("startIndex", 0)
        hi = dr.get("endIndex")
        limit = sheet.rows if dr["dimension"] == "ROWS" else sheet.cols
        if hi is None or hi <= lo or hi > limit:
            raise invalid(f"Invalid requests[{i}].createDeveloperMetadata: Invalid dimension range: {lo} to {hi}")
        if hi - lo != 1:   # Google: "must represent a single row or column" (DeveloperMetadataLocation)
            raise invalid(f"Invalid requests[{i}].createDeveloperMetadata: the dimensionRange of developer "
                          f"metadata must represent a single row or column ({lo} to {hi})")
        dr["startIndex"] = lo
        return {"locationType": _LOCATION_TYPES[dr["dimension"]], "dimensionRange": dr}
    if "sheetId" in loc:
        ss.sheet_by_id(loc["sheetId"])
        return {"locationType": "SHEET", "sheetId": loc["sheetId"]}
    return {"locationType": "SPREADSHEET", "spreadsheet": True}


def create_developer_metadata(state, ss, args, i, caller):
    given = args["developerMetadata"]   # read only: every field is copied into md below
    if not given.get("metadataKey"):
        raise invalid(f"Invalid requests[{i}].createDeveloperMetadata: metadataKey is required")
    md = {"metadataId": given.get("metadataId") or new_int_id(), "metadataKey": given["metadataKey"]}
    if md["metadataId"] in metadata_index(ss):
        raise invalid(f"Invalid requests[{i}].createDeveloperMetadata: Developer metadata with ID "
                      f"{md['metadataId']} already exists.")
    if "metadataValue" in given:
        md["metadataValue"] = given["metadataValue"]
    md["location"] = _location(ss, given.get("location", {}), i)
    md["visibility"] = given.get("visibility", "DOCUMENT")
    if md["visibility"] not in ("DOCUMENT", "PROJECT"):
        raise invalid(f"Invalid requests[{i}].createDeveloperMetadata: visibility must be DOCUMENT or PROJECT")
    add_metadata(ss, md)
    return {"createDeveloperMetadata": {"developerMetadata": metadata_json(md)}}


def update_developer_metadata(state, ss, args, i, caller):
    fields = check_fields(args, i, "updateDeveloperMetadata")
    hits = []
    for f in args.get("dataFilters") or []:
        for md in find_metadata(ss, f.get("developerMetadataLookup", {})):
            if md not in hits:
                hits.append(md)
    new = args["developerMetadata"]
    for md in hits:
        for f in split_fields(fields):
            if f == "location":
                md["location"] = _location(ss, new.get("location", {}), i)
            else:
                set_path(md, new, f)
    return {"updateDeveloperMetadata": {"developerMetadata": [metadata_json(m) for m in hits]}}


def delete_developer_metadata(state, ss, args, i, caller):
    flt = args.get("dataFilter") or {}
    hits = find_metadata(ss, flt.get("developerMetadataLookup", {})) if flt else []
    drop_metadata(ss, hits)
    return {"deleteDeveloperMetadata": {"deletedDeveloperMetadata": [metadata_json(m) for m in hits]}}


HANDLERS = {
    "addProtectedRange": add_protected_range, "deleteProtectedRange": delete_protected_range,
    "updateProtectedRange": update_protected_range,
    "createDeveloperMetadata": create_developer_metadata, "updateDeveloperMetadata": update_developer_metadata,
    "deleteDeveloperMetadata": delete_developer_metadata,
}
