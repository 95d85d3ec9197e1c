"""The ministry summary in Google Sheets: one read, one atomic batchUpdate.

The previous summary's sheets are renamed "ก่อนหน้า <time> ..." and hidden in the same
batchUpdate that adds the new ones, so a failure leaves the old summary as it was.
"""
from __future__ import annotations

import secrets
from datetime import datetime, timezone

from .consolidate import plain
from ..backends.google.book import GoogleBook, call, chunk_requests, spreadsheet_key
from .summary import HISTORY_PREFIX, MATRIX, OVERVIEW, Summary, tables


def _cell(v, fmt=None, bold=False, font="TH Sarabun New") -> dict:
    v = plain(v)
    out: dict = {"userEnteredFormat": {"textFormat": {"fontFamily": font, "fontSize": 16, "bold": bold}}}
    if fmt:
        out["userEnteredFormat"]["numberFormat"] = {"type": "NUMBER", "pattern": fmt}
    if isinstance(v, bool):
        out["userEnteredValue"] = {"boolValue": v}
    elif isinstance(v, (int, float)):
        out["userEnteredValue"] = {"numberValue": v}
    elif v is not None:
        out["userEnteredValue"] = {"stringValue": str(v)}  # RAW: '=IMPORTXML(...)' stays text
    return out


def _grid(sheet_id, r0, c0, r1, c1):
    return {"sheetId": sheet_id, "startRowIndex": r0, "endRowIndex": r1, "startColumnIndex": c0, "endColumnIndex": c1}


def summary_requests(summary: Summary, existing: dict[str, int]) -> list[dict]:
    font = summary.template.raw.get("google_font", "TH Sarabun New")
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M")
    reqs = []
    names = [name for name, _, _ in tables(summary)]
    for title, sid in existing.items():
        if title in names:
            reqs.append({"updateSheetProperties": {"properties": {
                "sheetId": sid, "title": f"{HISTORY_PREFIX}{stamp} {title}"[:100], "hidden": True},
                "fields": "title,hidden"}})
    ids = {}
    for name, frame, formats in tables(summary):
        sid = secrets.randbelow(2**30) + 10_000
        ids[name] = sid
        levels = summary.matrix_levels if name == MATRIX and "เฉลี่ย" in frame.columns else ()
        reqs.append({"addSheet": {"properties": {"sheetId": sid, "title": name, "gridProperties": {
            "rowCount": len(frame) + 10, "columnCount": len(frame.columns) + len(levels) + 12, "frozenRowCount": 2}}}})
        rows = [{"values": [_cell(f"{name} {summary.period}".strip(), bold=True, font=font)]},
                {"values": [_cell(c, bold=True, font=font) for c in frame.columns]
                 + [_cell(label, bold=True, font=font) for label, _ in levels]}]
        for rec in frame.itertuples(index=False):
            rows.append({"values": [_cell(v, formats.get(frame.columns[i]), font=font) for i, v in enumerate(rec)]
                         + [_cell(value) for _, value in levels]})
        reqs.append({"updateCells": {"start": {"sheetId": sid, "rowIndex": 0, "columnIndex": 0}, "rows": rows,
                                     "fields": "userEnteredValue,userEnteredFormat"}})
    n, m = len(summary.overview), len(summary.matrix)
    if n and summary.chart_value in summary.overview.columns:
        cols = list(summary.overview.columns)
        sid, value = ids[OVERVIEW], summary.chart_value
        reqs.append({"addChart": {"chart": {"spec": {
            "title": f"{value} รายหน่วยงาน / per unit", "basicChart": {
                "chartType": "BAR", "legendPosition": "NO_LEGEND",
                "domains": [{"domain": {"sourceRange": {"sources": [_grid(sid, 2, cols.index("หน่วยงาน"), n + 2, cols.index("หน่วยงาน") + 1)]}}}],
                "series": [{"series": {"sourceRange": {"sources": [_grid(sid, 2, cols.index(value), n + 2, cols.index(value) + 1)]}}}]}},
            "position": {"overlayPosition": {"anchorCell": {"sheetId": sid, "rowIndex": 2, "columnIndex": len(cols) + 1}}}}}})
    if m and "เฉลี่ย" in summary.matrix.columns:
        cols = list(summary.matrix.columns)
        sid, k = ids[MATRIX], len(cols)
        lines = [{"series": {"sourceRange": {"sources": [_grid(sid, 2, k + i, m + 2, k + i + 1)]}}, "type": "LINE"}
                 for i in range(len(summary.matrix_levels))]
        reqs.append({"addChart": {"chart": {"spec": {
            "title": "คะแนนเฉลี่ยรายตัวชี้วัด / mean score by indicator", "basicChart": {
                "chartType": "COMBO", "legendPosition": "BOTTOM_LEGEND",
                "domains": [{"domain": {"sourceRange": {"sources": [_grid(sid, 2, 1, m + 2, 2)]}}}],
                "series": [{"series": {"sourceRange": {"sources": [_grid(sid, 2, cols.index("เฉลี่ย"), m + 2, cols.index("เฉลี่ย") + 1)]}}, "type": "COLUMN"},
                           *lines]}},
            "position": {"overlayPosition": {"anchorCell": {"sheetId": sid, "rowIndex": 2, "columnIndex": k + 3}}}}}})
    return reqs


def write_summary(summary: Summary, out: str, client) -> str:
    key = spreadsheet_key(out)
    meta = call(client, key, client.http_client.fetch_sheet_metadata, key,
                params={"fields": "sheets.properties(sheetId,title)"})
    existing = {s["properties"]["title"]: s["properties"]["sheetId"] for s in meta.get("sheets", [])}
    for chunk in chunk_requests(summary_requests(summary, existing)):
        call(client, key, client.http_client.batch_update, key, {"requests": chunk})
    return "hidden sheets 'ก่อนหน้า ...'" if any(t in existing for t, _, _ in tables(summary)) else ""


def publish_sheet(client, key: str, name: str, rows: list[list], sheet_ids: dict[str, int] | None = None) -> None:
    """Overwrite (or add, protected) the read-only overview copy in a unit's spreadsheet."""
    if sheet_ids is None:
        book = GoogleBook(key, client=client)
        book.grids()
        sheet_ids = book.sheet_ids
    reqs = []
    sid = sheet_ids.get(name)
    if sid is None:
        sid = secrets.randbelow(2**30) + 10_000
        reqs.append({"addSheet": {"properties": {"sheetId": sid, "title": name, "gridProperties": {
            "rowCount": max(len(rows) + 10, 50), "columnCount": 20}}}})
        reqs.append({"addProtectedRange": {"protectedRange": {
            "range": {"sheetId": sid}, "description": "sheets-sync: read-only summary",
            "warningOnly": False, "editors": {"users": [client.account]}}}})
    else:
        reqs.append({"updateCells": {"range": {"sheetId": sid}, "fields": "userEnteredValue"}})
    reqs.append({"updateCells": {"start": {"sheetId": sid, "rowIndex": 0, "columnIndex": 0},
                                 "rows": [{"values": [_cell(v) for v in row]} for row in rows],
                                 "fields": "userEnteredValue"}})
    call(client, key, client.http_client.batch_update, key, {"requests": reqs})
