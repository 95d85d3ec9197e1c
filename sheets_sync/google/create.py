"""Create a unit spreadsheet in Google from a SheetPlan: 1 Drive create, 1 batchUpdate,
one Drive permission per person shared with."""
from __future__ import annotations

from gspread.urls import DRIVE_FILES_API_V3_URL

from ..plan import SheetPlan
from .book import GoogleBook
from .client import make_client
from .template import plan_requests

SPREADSHEET_MIME = "application/vnd.google-apps.spreadsheet"


def create_spreadsheet(plan: SheetPlan, title: str, *, credentials=None, client=None, share: list[str] = (),
                       owners: list[str] = (), **client_options) -> str:
    client = client or make_client(credentials, **client_options)
    book = GoogleBook("x" * 25, client=client)  # for its error translation only
    r = book._call(client.http_client.request, "post", DRIVE_FILES_API_V3_URL,
                   json={"name": title, "mimeType": SPREADSHEET_MIME}, params={"supportsAllDrives": True})
    key = r.json()["id"]
    book.key = key
    book._call(client.http_client.batch_update, key, {"requests": plan_requests(plan, client.account, list(owners))})
    for email in [*owners, *share]:
        book._call(client.http_client.insert_permission, key, email, perm_type="user", role="writer", notify=False)
    return f"https://docs.google.com/spreadsheets/d/{key}/edit"
