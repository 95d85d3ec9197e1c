"""Replay gspread's recordings of the real Google API against the emulator.

Each recorded request is sent over HTTP to the emulator (ids the recording's
Google generated are mapped to the ones the emulator generated), and the
emulator's status code and JSON body are compared with Google's, ids and
timestamps normalised.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import requests

RECORDINGS = Path(__file__).resolve().parents[2] / "shared" / "google-api-recordings"
_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z")
_IDS = ("id", "spreadsheetId", "sheetId", "protectedRangeId", "metadataId")


def _collect(obj, out: list):
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k in _IDS and isinstance(v, (str, int)):
                out.append(v)
            _collect(v, out)
    elif isinstance(obj, list):
        for v in obj:
            _collect(v, out)


def _normalise(obj, names: dict):
    if isinstance(obj, dict):
        return {k: _normalise(v, names) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_normalise(v, names) for v in obj]
    if isinstance(obj, str):
        for real, name in names.items():
            if isinstance(real, str):
                obj = obj.replace(real, name)
        return _TIME.sub("<TIME>", obj)
    if isinstance(obj, int) and not isinstance(obj, bool) and obj in names:
        return names[obj]
    return obj


class Replayer:
    RECORDED_ACCOUNT = "telegram-budgeter@telegram-budgeter.iam.gserviceaccount.com"

    def __init__(self, base_url: str, token: str, account: str = ""):
        self.base, self.token = base_url, token
        self.rec_names: dict = {self.RECORDED_ACCOUNT: "<ACCOUNT>"}   # recorded id -> placeholder
        self.emu_names: dict = {account: "<ACCOUNT>"} if account else {}  # emulator id -> placeholder
        self.to_emu: dict = {}      # recorded id -> emulator id

    def _learn(self, recorded, actual) -> None:
        rec_ids, emu_ids = [], []
        _collect(recorded, rec_ids)
        _collect(actual, emu_ids)
        for r, e in zip(rec_ids, emu_ids):
            if r not in self.rec_names and r not in (0,):
                name = f"<ID{len(self.rec_names)}>"
                self.rec_names[r], self.emu_names[e], self.to_emu[r] = name, name, e

    def _map(self, text: str) -> str:
        for r, e in self.to_emu.items():
            if isinstance(r, str):
                text = text.replace(r, e)
            else:
                text = re.sub(rf'(?<![\d])({r})(?![\d])', str(e), text)
        return text

    def run(self, interaction: dict) -> tuple[tuple, tuple]:
        rq, rs = interaction["request"], interaction["response"]
        url = urlsplit(self._map(rq["uri"]))
        body = self._map(rq["body"]) if rq.get("body") else None
        if isinstance(body, str):
            body = body.encode()
        resp = requests.request(rq["method"], self.base + url.path + (f"?{url.query}" if url.query else ""),
                                data=body, headers={"Authorization": f"Bearer {self.token}",
                                                    "Content-Type": "application/json"}, timeout=10)
        expected_text = rs["body"]["string"]
        expected = json.loads(expected_text) if expected_text.strip().startswith("{") else expected_text
        actual = resp.json() if resp.content.strip().startswith(b"{") else resp.text
        self._learn(expected, actual)
        return ((rs["status"]["code"], _normalise(expected, self.rec_names)),
                (resp.status_code, _normalise(actual, self.emu_names)))


def interactions(name: str) -> list[dict]:
    return json.loads((RECORDINGS / f"{name}.json").read_text(encoding="utf-8"))["interactions"]


def token_for(emu) -> tuple[str, str]:
    """An access token of a fresh service account, obtained from the emulator's token endpoint."""
    from google.auth.transport.requests import Request
    from google.oauth2 import service_account
    info = emu.service_account()
    creds = service_account.Credentials.from_service_account_info(
        info, scopes=["https://www.googleapis.com/auth/spreadsheets", "https://www.googleapis.com/auth/drive"])
    creds.refresh(Request())
    return creds.token, info["client_email"]
