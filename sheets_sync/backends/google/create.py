"""Create a unit spreadsheet in Google from a BookPlan: 1 Drive create, 1 batchUpdate,
one Drive permission per person shared with."""
from __future__ import annotations

from gspread.urls import DRIVE_FILES_API_V3_URL

from ...kinds.sheet_plan import BookPlan
from .book import call, chunk_requests
from .client import make_client
from .plan import plan_requests

SPREADSHEET_MIME = "application/vnd.google-apps.spreadsheet"


def create_spreadsheet(book: BookPlan, title: str, *, credentials=None, client=None, share: list[str] = (),
                       owners: list[str] = (), **client_options) -> str:
    client = client or make_client(credentials, **client_options)
    http = client.http_client
    r = call(client, title, http.request, "post", DRIVE_FILES_API_V3_URL,
             json={"name": title, "mimeType": SPREADSHEET_MIME}, params={"supportsAllDrives": True})
    key = r.json()["id"]
    reqs, _ = plan_requests(book, editors=[client.account, *owners], first_sheet_id=0)
    for chunk in chunk_requests(reqs):
        call(client, key, http.batch_update, key, {"requests": chunk})
    for email in [*owners, *share]:
        call(client, key, http.insert_permission, key, email, perm_type="user", role="writer", notify=False)
    return f"https://docs.google.com/spreadsheets/d/{key}/edit"
