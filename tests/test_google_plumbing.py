"""The Google plumbing on its own: emulator state model, limiter, request splitting,
OAuth user credentials, token lifetime, and the `emulator` command."""
import json
import socket
import subprocess
import sys
import time

import pytest
import requests

import sheets_sync as ss
from sheets_sync.emulator import ApiError, EmulatorState
from sheets_sync.backends.google.book import MAX_BODY, chunk_requests
from sheets_sync.backends.google.ratelimit import SlidingWindow


def test_state_model_without_http_sharing_and_atomic_batch_update():
    state = EmulatorState()
    book = state.create_spreadsheet("กองคลัง", "owner@x.go.th", share={"staff@x.go.th": "writer"})
    with pytest.raises(ApiError) as e:
        state.get(book.id, "stranger@x.go.th")
    assert (e.value.code, e.value.status) == (403, "PERMISSION_DENIED")
    with pytest.raises(ApiError) as e:
        state.get("nope", "owner@x.go.th")
    assert e.value.code == 404
    state.values_update(book.id, "staff@x.go.th", "Sheet1!A1", [["ผล", 70]], "RAW")
    bad = {"requests": [
        {"updateCells": {"start": {"sheetId": 0, "rowIndex": 0, "columnIndex": 1}, "fields": "userEnteredValue",
                         "rows": [{"values": [{"userEnteredValue": {"numberValue": 99}}]}]}},
        {"noSuchRequest": {}}]}
    with pytest.raises(ApiError) as e:
        state.batch_update(book.id, "staff@x.go.th", bad)
    assert e.value.code == 400 and "noSuchRequest" in e.value.message
    # nothing of the failed batch was applied
    assert state.values_get(book.id, "owner@x.go.th", "Sheet1!A1:B1", "UNFORMATTED_VALUE")["values"] == [["ผล", 70]]
    with pytest.raises(ApiError):
        state.values_update(book.id, "reader@x.go.th", "Sheet1!A1", [["x"]], "RAW")


def test_jwt_with_a_tampered_signature_is_refused():
    from sheets_sync.emulator import Emulator
    from google.auth import crypt, jwt
    with Emulator() as emu:
        info = emu.service_account()
        signer = crypt.RSASigner.from_service_account_info(info)
        now = int(time.time())
        claims = {"iss": info["client_email"], "aud": info["token_uri"], "iat": now, "exp": now + 600,
                  "scope": "https://www.googleapis.com/auth/spreadsheets"}
        good = jwt.encode(signer, claims).decode()
        grant = "urn:ietf:params:oauth:grant-type:jwt-bearer"
        ok = requests.post(info["token_uri"], data={"grant_type": grant, "assertion": good})
        assert ok.status_code == 200 and ok.json()["token_type"] == "Bearer"
        head, body, sig = good.split(".")
        tampered = f"{head}.{body}.{sig[:-4]}AAAA"
        no = requests.post(info["token_uri"], data={"grant_type": grant, "assertion": tampered})
        assert no.status_code == 400 and no.json()["error"] == "invalid_grant"
        anon = requests.get(f"{emu.base_url}/v4/spreadsheets/x")
        assert anon.status_code == 401 and anon.json()["error"]["status"] == "UNAUTHENTICATED"


def test_scopes_are_spreadsheets_and_drive_file_only(google_seed, emulator, google_opts):
    emulator.state.scopes_seen.clear()
    ss.validate(google_seed, **google_opts)
    assert set(emulator.state.scopes_seen) == {"https://www.googleapis.com/auth/spreadsheets",
                                               "https://www.googleapis.com/auth/drive.file"}


def test_tokens_are_refreshed_before_they_expire(google_seed, emulator, google_opts):
    # Tokens living 3 minutes are inside google-auth's 3m45s refresh margin: each call refreshes
    # first, so a long run never meets a 401.
    emulator.state.token_lifetime = 180
    from sheets_sync.backends.google.book import GoogleBook
    from sheets_sync.backends.google.client import make_client
    client = make_client(**google_opts)
    for _ in range(3):
        GoogleBook(google_seed, client=client).grids()
    stats = emulator.state.stats()
    assert stats["token"] == 3 and "error.401" not in stats


def test_installed_app_oauth_user_credentials(google_seed, emulator, tmp_path):
    # What gspread's installed-app flow leaves behind: an authorized_user file with a refresh token.
    emulator.state.add_oauth_user("client-1.apps.googleusercontent.com", "secret", "refresh-1", "staff@unit.go.th")
    secret = tmp_path / "client_secret.json"
    secret.write_text(json.dumps({"installed": {"client_id": "client-1.apps.googleusercontent.com",
                                                "client_secret": "secret", "token_uri": f"{emulator.base_url}/token",
                                                "auth_uri": f"{emulator.base_url}/o/oauth2/auth",
                                                "redirect_uris": ["http://localhost"]}}))
    stored = tmp_path / "authorized_user.json"
    stored.write_text(json.dumps({"type": "authorized_user", "client_id": "client-1.apps.googleusercontent.com",
                                  "client_secret": "secret", "refresh_token": "refresh-1",
                                  "token_uri": f"{emulator.base_url}/token"}))
    report = ss.validate(google_seed, credentials=secret, endpoint=emulator.base_url)
    assert report.sheets[0].totals["weight"] == 100.0


def test_sliding_window_counts_a_request_until_its_response_is_in():
    now = [0.0]
    waits = []

    def sleep(s):
        waits.append(s)
        now[0] += s
    w = SlidingWindow(3, 60.0, clock=lambda: now[0], sleep=sleep)
    slots = [w.acquire() for _ in range(3)]
    now[0] = 5.0                       # the three responses arrive at t=5
    for s in slots:
        w.release(s)
    w.acquire()                        # the 4th waits a window after the first completion
    assert now[0] == pytest.approx(65.0) and sum(waits) == pytest.approx(60.0)


def test_batch_update_bodies_split_only_past_two_megabytes():
    small = [{"updateCells": {"rows": [{"values": [{"note": "x" * 100}]}]}} for _ in range(10)]
    assert len(chunk_requests(small)) == 1
    big = [{"updateCells": {"rows": [{"values": [{"note": "ก" * 200_000}]}]}} for _ in range(8)]
    chunks = chunk_requests(big)
    assert len(chunks) > 1 and sum(len(c) for c in chunks) == 8
    for c in chunks:
        assert len(json.dumps({"requests": c}, ensure_ascii=False).encode()) <= MAX_BODY


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_emulator_command_serves_and_writes_credentials(tmp_path):
    port = _free_port()
    creds = tmp_path / "emu.json"
    proc = subprocess.Popen([sys.executable, "-m", "sheets_sync", "emulator", "--port", str(port),
                             "--credentials-out", str(creds)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        for _ in range(100):
            if creds.exists():
                try:
                    if requests.get(f"http://127.0.0.1:{port}/__emulator/stats", timeout=1).ok:
                        break
                except requests.ConnectionError:
                    pass
            time.sleep(0.1)
        info = json.loads(creds.read_text())
        assert info["type"] == "service_account" and info["token_uri"] == f"http://127.0.0.1:{port}/token"
        assert "BEGIN PRIVATE KEY" in info["private_key"]
        url = ss.init(indicators=None, google=True, credentials=creds, endpoint=f"http://127.0.0.1:{port}")
        assert ss.validate(url, credentials=creds, endpoint=f"http://127.0.0.1:{port}").sheets
        stats = requests.get(f"http://127.0.0.1:{port}/__emulator/stats", timeout=2).json()
        assert stats["sheets.write"] == 1 and stats["sheets.read"] == 1 and stats["drive"] == 1
    finally:
        proc.terminate()
        proc.wait(10)
