"""Sheets v4 operations on the state: spreadsheets.get / create / batchUpdate and the values API.

Every method returns the JSON body Google answers, or raises ApiError with Google's body.
Writes are atomic: a batch runs under a model.Journal and is rolled back whole on any error.
"""
from __future__ import annotations

import copy
import json

from .a1 import format_range, split_range
from .cells import fresh_cell, make_cell, typed, user_entered
from .datafilter import find_metadata, resolve
from .errors import ApiError, denied, invalid, not_found
from .fields import filter_fields, mentions_grid_data, trim_grid
from .model import (DEFAULTS, Journal, quiet_gc, Sheet, Spreadsheet, grid_data, metadata, metadata_json, new_id,
                    proto, read_values)
from .protection import check_cells
from .requests_ import apply_request


class SheetsMixin:
    def create_spreadsheet(self, title: str, owner: str, share: dict | None = None, sheets: list[str] | None = None,
                           spreadsheet_id: str | None = None) -> Spreadsheet:
        with self.lock:
            sid = spreadsheet_id or new_id()
            ss = Spreadsheet(sid, title, owner, [Sheet(0, t, i) for i, t in enumerate(sheets or ["Sheet1"])],
                             permissions=dict(share or {}))
            for i, s in enumerate(ss.sheets):
                s.sheet_id = 0 if i == 0 else 1000 + i
            ss.opened_by.add(owner)
            ss.last_modifier = owner
            self.spreadsheets[sid] = ss
            self._record_change(ss)
            return ss

    def _get(self, sid: str, caller: str | None, write: bool = False) -> Spreadsheet:
        ss = self.spreadsheets.get(sid)
        if ss is None:
            raise not_found()
        role = ss.role(caller)
        if role is None or (write and role not in ("owner", "writer")):
            raise denied()
        return ss

    # -- spreadsheets.get -------------------------------------------------------------
    def get(self, sid: str, caller: str | None, include_grid: bool = False, ranges: list[str] | None = None,
            fields: str | None = None, copy_cells: bool = True) -> dict:
        """spreadsheets.get; ``ranges`` (A1, repeatable) picks the sheets and the grid data returned."""
        with self.lock, quiet_gc():
            ss = self._get(sid, caller)
            boxes = [ss.range(r) for r in ranges] if ranges else None
            return self._render(ss, include_grid, boxes, fields, copy_cells)

    def get_by_data_filter(self, sid: str, caller: str, body: dict, fields: str | None = None,
                           copy_cells: bool = True) -> dict:
        with self.lock:
            ss = self._get(sid, caller)
            boxes = [hit for f in body.get("dataFilters") or [] for hit in resolve(ss, f)]
            return self._render(ss, bool(body.get("includeGridData")), boxes, fields, copy_cells)

    def _render(self, ss: Spreadsheet, include_grid: bool, boxes, fields: str | None, copy_cells: bool = True) -> dict:
        include_grid = include_grid or mentions_grid_data(fields)
        wanted: dict | None = None
        if boxes is not None:
            wanted = {}
            for sheet, box in boxes:
                wanted.setdefault(sheet.sheet_id, []).append(box)
        sheets = []
        for s in ss.sheets:
            if wanted is not None and s.sheet_id not in wanted:
                continue
            entry: dict = {"properties": s.properties()}
            if s.merges:
                entry["merges"] = [proto(m) for m in s.merges]
            if s.protected:
                entry["protectedRanges"] = [proto(p) for p in s.protected]
            if s.conditional:
                entry["conditionalFormats"] = copy.deepcopy(s.conditional)
            if s.charts:
                entry["charts"] = copy.deepcopy(s.charts)
            sheet_md = [metadata_json(m) for m in metadata(ss)
                        if m["location"].get("locationType") != "SPREADSHEET" and
                        m["location"].get("sheetId", m["location"].get("dimensionRange", {}).get("sheetId", 0)) == s.sheet_id]
            if sheet_md:
                entry["developerMetadata"] = sheet_md
            if include_grid:
                entry["data"] = [grid_data(s, b, copy_cells) for b in (wanted[s.sheet_id] if wanted else [None])]
            sheets.append(entry)
        body = {"spreadsheetId": ss.id,
                "properties": {"title": ss.title, "locale": ss.locale, "autoRecalc": DEFAULTS["autoRecalc"],
                               "timeZone": ss.time_zone, "defaultFormat": DEFAULTS["defaultFormat"],
                               "spreadsheetTheme": DEFAULTS["spreadsheetTheme"]},
                "sheets": sheets}
        if ss.named_ranges:
            body["namedRanges"] = copy.deepcopy(ss.named_ranges)
        top_md = [metadata_json(m) for m in metadata(ss)
                  if m["location"].get("locationType") == "SPREADSHEET"]
        if top_md:
            body["developerMetadata"] = top_md
        body["spreadsheetUrl"] = f"https://docs.google.com/spreadsheets/d/{ss.id}/edit"
        out = filter_fields(body, fields)
        return trim_grid(out) if fields else out

    # -- values ---------------------------------------------------------------------------
    def values_get(self, sid: str, caller: str, rng: str, render: str = "FORMATTED_VALUE",
                   major: str = "ROWS") -> dict:
        with self.lock:
            ss = self._get(sid, caller)
            return self._values(ss, *ss.range(rng), render, major)

    def _values(self, ss, sheet, box, render, major) -> dict:
        r0, c0, r1, c1 = box
        r1, c1 = min(r1, sheet.rows), min(c1, sheet.cols)
        grid = read_values(sheet, (r0, c0, r1, c1), render, major)
        out = {"range": format_range(sheet.title, r0, c0, r1, c1), "majorDimension": major}
        if grid:
            out["values"] = grid
        return out

    def values_batch_get(self, sid: str, caller: str, ranges: list[str], render: str = "FORMATTED_VALUE",
                         major: str = "ROWS") -> dict:
        with self.lock:
            ss = self._get(sid, caller)
            return {"spreadsheetId": ss.id,
                    "valueRanges": [self._values(ss, *ss.range(r), render, major) for r in ranges]}

    def values_batch_get_by_data_filter(self, sid: str, caller: str, body: dict) -> dict:
        with self.lock:
            ss = self._get(sid, caller)
            render = body.get("valueRenderOption", "FORMATTED_VALUE")
            major = body.get("majorDimension", "ROWS")
            out = []
            for flt in body.get("dataFilters") or []:
                for sheet, box in resolve(ss, flt):
                    out.append({"valueRange": self._values(ss, sheet, box, render, major), "dataFilters": [flt]})
            result: dict = {"spreadsheetId": ss.id}
            if out:
                result["valueRanges"] = out
            return result

    def values_update(self, sid: str, caller: str, rng: str, values: list[list], option: str) -> dict:
        with self.lock, quiet_gc():
            ss = self._get(sid, caller, write=True)
            out = self._write_values(ss, rng, values, option, caller)
            self._modified(ss, caller)
            return {"spreadsheetId": ss.id, **out}

    def _write_values(self, ss, target, values, option, caller, major="ROWS") -> dict:
        """Write ``values`` at ``target`` (an A1 range, or (sheet, box) a data filter resolved to)."""
        if option not in ("RAW", "USER_ENTERED"):
            raise invalid("Invalid valueInputOption: INPUT_VALUE_OPTION_UNSPECIFIED")
        if not isinstance(values, list) or not all(isinstance(r, list) for r in values):
            msg = f"Invalid value at 'data.values' (type.googleapis.com/google.protobuf.ListValue), {json.dumps(values, ensure_ascii=False)}"
            raise ApiError(400, msg, "INVALID_ARGUMENT", [{"@type": "type.googleapis.com/google.rpc.BadRequest",
                                                           "fieldViolations": [{"field": "data.values", "description": msg}]}])
        if isinstance(target, str):
            rng, (sheet, box) = target, ss.range(target)
        else:
            sheet, box = target
            rng = format_range(sheet.title, *box)
        if major == "COLUMNS":
            width = max((len(r) for r in values), default=0)
            values = [[col[i] if i < len(col) else None for col in values] for i in range(width)]
        r0, c0 = box[0], box[1]
        raw = option == "RAW"
        parse = typed if raw else user_entered
        n_rows = len(values)
        n_cols = max((len(r) for r in values), default=0)
        if r0 + n_rows > sheet.rows or c0 + n_cols > sheet.cols:
            raise invalid(f"Range ('{sheet.title}'!{split_range(rng)[1] or rng}) exceeds grid limits. Max rows: {sheet.rows}, max columns: {sheet.cols}")
        check_cells(ss, sheet, ((r0 + i, c0 + j) for i, row in enumerate(values) for j, v in enumerate(row)
                                if v is not None), caller)
        cells = sheet.cells
        put = sheet.put if sheet._journal is not None else None
        cols_written: set = set()
        rows_written = n_cells = 0
        for i, row in enumerate(values):
            r = r0 + i
            wrote = 0
            for j, v in enumerate(row):
                if v is None:
                    continue
                key = (r, c0 + j)
                old = cells.get(key)
                if v == "":
                    cell = {k: old[k] for k in ("userEnteredFormat", "note", "dataValidation") if k in old} \
                        if old else None
                elif old:
                    cell = make_cell(parse(v), old.get("userEnteredFormat"), old.get("note"))
                    if "dataValidation" in old:
                        cell["dataValidation"] = old["dataValidation"]
                else:
                    cell = fresh_cell(v, raw)
                if put is not None:
                    put(key, cell)
                elif cell:
                    cells[key] = cell
                else:
                    cells.pop(key, None)
                wrote += 1
                if j not in cols_written:
                    cols_written.add(j)
            if wrote:
                rows_written += 1
                n_cells += wrote
        return {"updatedRange": format_range(sheet.title, r0, c0, r0 + max(n_rows, 1), c0 + max(n_cols, 1)),
                "updatedRows": rows_written, "updatedColumns": len(cols_written), "updatedCells": n_cells}

    def values_batch_update(self, sid: str, caller: str, data: list[dict], option: str) -> dict:
        with self.lock, quiet_gc():
            ss = self._get(sid, caller, write=True)
            responses = self._atomic(ss, lambda: [
                {"spreadsheetId": ss.id, **self._write_values(ss, d["range"], d.get("values", []), option,
                                                              caller, d.get("majorDimension", "ROWS"))}
                for d in data])
            self._modified(ss, caller)
            return self._totals(ss, responses)

    def values_batch_update_by_data_filter(self, sid: str, caller: str, body: dict) -> dict:
        with self.lock:
            ss = self._get(sid, caller, write=True)
            option = body.get("valueInputOption", "")

            def run():
                out = []
                for d in body.get("data", []):
                    for sheet, box in resolve(ss, d.get("dataFilter") or {}):
                        r = self._write_values(ss, (sheet, box), d.get("values", []), option, caller,
                                               d.get("majorDimension", "ROWS"))
                        out.append({**r, "dataFilter": d["dataFilter"]})
                return out
            responses = self._atomic(ss, run)
            self._modified(ss, caller)
            return self._totals(ss, responses)

    @staticmethod
    def _totals(ss, responses) -> dict:
        return {"spreadsheetId": ss.id, "totalUpdatedRows": sum(r["updatedRows"] for r in responses),
                "totalUpdatedColumns": max((r["updatedColumns"] for r in responses), default=0),
                "totalUpdatedCells": sum(r["updatedCells"] for r in responses),
                "totalUpdatedSheets": len({r["updatedRange"].rpartition("!")[0] for r in responses}),
                "responses": responses}

    def values_batch_clear(self, sid: str, caller: str, ranges: list[str]) -> dict:
        with self.lock:
            ss = self._get(sid, caller, write=True)
            cleared = self._atomic(ss, lambda: [self._clear(ss, r, caller) for r in ranges])
            self._modified(ss, caller)
            return {"spreadsheetId": sid, "clearedRanges": cleared}

    def values_clear(self, sid: str, caller: str, rng: str) -> dict:
        with self.lock:
            ss = self._get(sid, caller, write=True)
            cleared = self._atomic(ss, lambda: self._clear(ss, rng, caller))
            self._modified(ss, caller)
            return {"spreadsheetId": ss.id, "clearedRange": cleared}

    def _clear(self, ss, rng, caller) -> str:
        sheet, (r0, c0, r1, c1) = ss.range(rng)
        keys = [k for k in sheet.cells if r0 <= k[0] < r1 and c0 <= k[1] < c1
                and "userEnteredValue" in sheet.cells[k]]
        check_cells(ss, sheet, keys, caller)
        for key in keys:
            cell = {k: v for k, v in sheet.cells[key].items()
                    if k not in ("userEnteredValue", "effectiveValue", "formattedValue")}
            sheet.put(key, cell)
        return format_range(sheet.title, r0, c0, min(r1, sheet.rows), min(c1, sheet.cols))

    # -- batchUpdate: every request applies, or none does -------------------------------------
    def _atomic(self, ss, fn):
        journal = Journal(ss)
        try:
            result = fn()
        except BaseException:
            journal.rollback()
            raise
        journal.close()
        return result

    def batch_update(self, sid: str, caller: str, body: dict, fields: str | None = None) -> dict:
        """spreadsheets.batchUpdate; ``fields`` masks the answer as Google does (the HTTP layer
        passes it; without it the updated spreadsheet comes back whole)."""
        with self.lock, quiet_gc():
            ss = self._get(sid, caller, write=True)
            self.write_log.append((sid, caller, body))

            def run():
                replies = []
                for i, req in enumerate(body.get("requests", [])):
                    if not isinstance(req, dict) or len(req) != 1:
                        raise invalid(f"Invalid requests[{i}]: exactly one kind of request is required")
                    (kind, args), = req.items()
                    replies.append(apply_request(self, ss, kind, args, i, caller))
                return replies
            replies = self._atomic(ss, run)
            metadata(ss)   # the batch's deleted metadata out of the list (deferred while it ran)
            self._modified(ss, caller)
            out = {"spreadsheetId": sid, "replies": replies}
            if body.get("includeSpreadsheetInResponse"):
                ranges = body.get("responseRanges") or None
                # with a mask the cells are not copied: filter_fields builds the answer anew
                out["updatedSpreadsheet"] = self._render(ss, bool(body.get("responseIncludeGridData")),
                                                         [ss.range(r) for r in ranges] if ranges else None,
                                                         None, copy_cells=not fields)
            if fields:
                out = filter_fields(out, fields)
                if "updatedSpreadsheet" in out:
                    trim_grid(out["updatedSpreadsheet"])
            return out

    # -- developer metadata --------------------------------------------------------------------
    def developer_metadata_search(self, sid: str, caller: str, body: dict) -> dict:
        with self.lock:
            ss = self._get(sid, caller)
            matched, seen = [], {}
            for flt in body.get("dataFilters") or []:
                if "developerMetadataLookup" in flt:
                    hits = find_metadata(ss, flt["developerMetadataLookup"])
                else:  # a range filter: metadata located in rows/columns it intersects
                    hits = []
                    for sheet, (r0, c0, r1, c1) in resolve(ss, flt):
                        for md in metadata(ss):
                            dr = md["location"].get("dimensionRange")
                            if dr and dr.get("sheetId", 0) == sheet.sheet_id:
                                lo, hi = (r0, r1) if dr["dimension"] == "ROWS" else (c0, c1)
                                if dr["startIndex"] < hi and lo < dr["endIndex"]:
                                    hits.append(md)
                for md in hits:
                    if md["metadataId"] in seen:
                        seen[md["metadataId"]]["dataFilters"].append(flt)
                        continue
                    entry = {"developerMetadata": metadata_json(md), "dataFilters": [flt]}
                    seen[md["metadataId"]] = entry
                    matched.append(entry)
            return {"matchedDeveloperMetadata": matched} if matched else {}

    def developer_metadata_get(self, sid: str, caller: str, metadata_id: int) -> dict:
        with self.lock:
            ss = self._get(sid, caller)
            for md in metadata(ss):
                if md["metadataId"] == metadata_id:
                    return metadata_json(md)
            raise ApiError(404, f"No developer metadata with ID: {metadata_id}", "NOT_FOUND")
