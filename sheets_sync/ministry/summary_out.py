"""Putting the summary where people read it: an .xlsx (the previous one kept in
``<name>-history/``) or a Google spreadsheet (the previous sheets renamed
"ก่อนหน้า <time> ..." and hidden in the same atomic batchUpdate that adds the new
ones), and the read-only overview copy published into each unit."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from ..backends.xlsx_plan import workbook_bytes
from ..backends.files import write_atomic
from .summary import HISTORY_PREFIX, Summary, summary_plan, tables


def write_summary_xlsx(summary: Summary, path: Path) -> str:
    """Build in memory, keep the previous summary in <name>-history/, then replace atomically."""
    data = workbook_bytes(summary_plan(summary), plan_cells=True)   # 100,000 cells: no Cell each
    history = ""
    if path.exists():
        hist_dir = path.parent / f"{path.stem}-history"
        made_dir = not hist_dir.exists()
        hist_dir.mkdir(exist_ok=True)
        stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S-%f")
        history = str(hist_dir / f"{path.stem}-{stamp}{path.suffix}")
        write_atomic(history, path.read_bytes())   # a full disk leaves no truncated copy
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        write_atomic(path, data)
    except BaseException:
        if history:   # the summary stays as it was: so does its history folder
            Path(history).unlink(missing_ok=True)
            if made_dir:
                try:
                    Path(history).parent.rmdir()
                except OSError:
                    pass
        raise
    return history


# The Google parts (gspread, google-auth: over a second to import) are imported only where
# a Google summary is written: a local consolidation never needs them.


def write_summary_google(summary: Summary, out: str, client) -> str:
    from ..backends.google.book import call, chunk_requests, spreadsheet_key
    from ..backends.google.plan import plan_requests
    key = spreadsheet_key(out)
    meta = call(client, key, client.http_client.fetch_sheet_metadata, key,
                params={"fields": "sheets.properties(sheetId,title)"})
    existing = {s["properties"]["title"]: s["properties"]["sheetId"] for s in meta.get("sheets", [])}
    names = [name for name, _ in tables(summary)]
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M")
    reqs = [{"updateSheetProperties": {"properties": {
        "sheetId": sid, "title": f"{HISTORY_PREFIX}{stamp} {title}"[:100], "hidden": True}, "fields": "title,hidden"}}
        for title, sid in existing.items() if title in names]
    added, _ = plan_requests(summary_plan(summary))
    reqs += added
    # the overview first: a reader opens on it, not on an empty tab
    reqs.append({"updateSheetProperties": {"properties": {"sheetId": next(
        r["addSheet"]["properties"]["sheetId"] for r in added if "addSheet" in r), "index": 0}, "fields": "index"}})
    for chunk in chunk_requests(reqs):
        call(client, key, client.http_client.batch_update, key, {"requests": chunk})
    return "hidden sheets 'ก่อนหน้า ...'" if any(t in existing for t in names) else ""


def publish_google(client, key: str, name: str, rows: list[list], sheet_ids: dict[str, int] | None = None) -> None:
    """Overwrite (or add, protected) the read-only overview copy in a unit's spreadsheet."""
    from ..backends.google.book import GoogleBook, call
    from ..backends.google.plan import new_sheet_id, typed
    if sheet_ids is None:
        book = GoogleBook(key, client=client)
        book.grids()
        sheet_ids = book.sheet_ids
    reqs = []
    sid = sheet_ids.get(name)
    if sid is None:
        sid = new_sheet_id()
        reqs.append({"addSheet": {"properties": {"sheetId": sid, "title": name, "gridProperties": {
            "rowCount": max(len(rows) + 10, 50), "columnCount": 20}}}})
        reqs.append({"addProtectedRange": {"protectedRange": {
            "range": {"sheetId": sid}, "description": "sheets-sync: read-only summary",
            "warningOnly": False, "editors": {"users": [client.account]}}}})
    else:
        reqs.append({"updateCells": {"range": {"sheetId": sid}, "fields": "userEnteredValue"}})
    reqs.append({"updateCells": {"start": {"sheetId": sid, "rowIndex": 0, "columnIndex": 0},
                                 "rows": [{"values": [{"userEnteredValue": typed(v)} if v is not None else {}
                                                      for v in row]} for row in rows],
                                 "fields": "userEnteredValue"}})
    call(client, key, client.http_client.batch_update, key, {"requests": reqs})
