"""Real clients pointed at a running Emulator: google-auth sessions and gspread, as a second
(third...) account would use them. For tests; nothing else in the emulator imports this.

    info = emu.service_account(email="person@unit.go.th")
    gc = gspread_client(emu, info)                       # plain gspread, Google's URLs rewritten
    s = session(emu, info, scopes=[SPREADSHEETS_RO])     # requests.Session with a bearer token
"""
from __future__ import annotations

from urllib.parse import urlsplit

from requests.adapters import HTTPAdapter

DEFAULT_SCOPES = ("https://www.googleapis.com/auth/spreadsheets", "https://www.googleapis.com/auth/drive")


class _ToEmulator(HTTPAdapter):
    def __init__(self, base: str, **kw):
        super().__init__(**kw)
        self.base = base.rstrip("/")

    def send(self, request, **kw):
        p = urlsplit(request.url)
        request.url = self.base + p.path + (f"?{p.query}" if p.query else "")
        return super().send(request, **kw)


def credentials(emu, info: dict, scopes=DEFAULT_SCOPES):
    from google.oauth2 import service_account
    return service_account.Credentials.from_service_account_info(info, scopes=list(scopes))


def session(emu, info: dict, scopes=DEFAULT_SCOPES):
    """An AuthorizedSession for the account; https:// Google URLs go to the emulator."""
    from google.auth.transport.requests import AuthorizedSession
    s = AuthorizedSession(credentials(emu, info, scopes))
    s.mount("https://", _ToEmulator(emu.base_url))
    return s


def gspread_client(emu, info: dict, scopes=DEFAULT_SCOPES):
    import gspread
    creds = credentials(emu, info, scopes)
    return gspread.Client(creds, session=session(emu, info, scopes))
