"""A Google unit's next round: its tabs laid out from the template's plan (the same
requests as a new spreadsheet, backends/google/plan.py) and the previous round's tabs
protected for the ministry only, in one batchUpdate."""
from __future__ import annotations

from .rounds_lock import RoundError, google_lock_requests


def add_round_tabs(target: str, plan, old_tabs: list[str], ministry: list[str], why: str, options: dict) -> dict:
    """Add ``plan``'s tabs (a BookPlan without metadata) to the spreadsheet ``target`` and
    lock ``old_tabs``; returns the new tabs' ids. Nothing is added when any part fails
    (one atomic batchUpdate)."""
    from ..backends.google.book import GoogleBook
    from ..backends.google.plan import plan_requests
    book = GoogleBook(target, **options)
    editors = [book.client.account, *ministry]
    reqs, ids = plan_requests(plan, editors=editors)
    props = book._call(book.client.http_client.fetch_sheet_metadata, book.key,
                       params={"fields": "sheets.properties(sheetId,title)"})     # ids only, no grid read
    ids_now = {p["properties"]["title"]: p["properties"]["sheetId"] for p in props.get("sheets", [])}
    clash = [s.name for s in plan.sheets if s.name in ids_now]
    if clash:
        raise RoundError(f"มีแผ่นงานชื่อ {', '.join(clash)} อยู่แล้ว", f"the spreadsheet already has a tab named {', '.join(clash)}")
    reqs += google_lock_requests(ids_now, old_tabs, editors, why)
    book._post(":batchUpdate", {"requests": reqs})
    return ids
