"""Google's errors as Google means them, over real sockets to the emulator."""
import copy
import json

import pytest

import sheets_sync as ss
from conftest import SEED000_CSV, SEED000_RESULTS, STAFF, sheet_key, type_google_results

TITLE = "ตัวชี้วัด"
UNIT_OWNER = "kpi@unit.go.th"


def test_drive_rate_limit_during_consolidate_is_retried_and_the_unit_kept(tmp_path, emulator):
    from sheets_sync.backends.google.client import RetryPolicy
    keys = [sheet_key(ss.init(indicators=SEED000_CSV, unit=c, google=True, share=[STAFF], credentials=emulator.creds,
                              endpoint=emulator.base_url)) for c in ("GA", "GB", "GC")]
    for k in keys:
        type_google_results(emulator, k, SEED000_RESULTS)
    units = tmp_path / "units.yaml"
    units.write_text("units:\n" + "".join(f"  - {{code: U{i}, name: หน่วย {i}, sheet: {k}}}\n"
                                          for i, k in enumerate(keys)), encoding="utf-8")
    emulator.state.quota.drive_per_user = 1          # one Drive read per (scaled) minute
    emulator.state.quota.time_scale = 300            # a 0.2 s minute
    emulator.state.reset_stats()
    result = ss.consolidate(units, str(tmp_path / "summary.xlsx"), credentials=emulator.creds,
                            endpoint=emulator.base_url, retry=RetryPolicy(attempts=10, base=0.1, cap=0.4))
    assert result.exit_code == 0
    assert [u.code for u in result.summary.units if u.result is not None] == ["U0", "U1", "U2"]
    assert all(u.modified and "unknown" not in u.modified for u in result.summary.units)
    assert emulator.state.stats().get("error.403", 0) >= 1          # Google did say userRateLimitExceeded


def test_a_drive_file_the_app_never_opened_keeps_the_unit_with_unknown_time(tmp_path, emulator, google_seed):
    key = sheet_key(google_seed)
    unit = copy.deepcopy(emulator.state.spreadsheets[key])          # a unit's own spreadsheet, shared with us
    unit.id, unit.owner, unit.opened_by = key[:-4] + "own1", UNIT_OWNER, set()
    unit.permissions = {emulator.account: "writer"}
    emulator.state.spreadsheets[unit.id] = unit
    emulator.state.drive_file_model = True
    units = tmp_path / "units.yaml"
    units.write_text(f"units:\n  - {{code: U, name: หน่วย, sheet: {unit.id}}}\n", encoding="utf-8")
    result = ss.consolidate(units, str(tmp_path / "summary.xlsx"), credentials=emulator.creds,
                            endpoint=emulator.base_url)
    read = result.summary.units[0]
    assert read.result is not None and read.result.totals["weighted_score"] == 3.05
    assert "unknown" in read.modified and "drive.file" in read.modified


def test_a_token_without_the_scope_gets_the_scope_message(tmp_path, emulator, google_seed):
    emulator.state.add_oauth_user("client-1.apps.googleusercontent.com", "secret", "refresh-1", STAFF,
                                  scopes=["https://www.googleapis.com/auth/userinfo.email"])
    stored = tmp_path / "authorized_user.json"
    stored.write_text(json.dumps({"type": "authorized_user", "client_id": "client-1.apps.googleusercontent.com",
                                  "client_secret": "secret", "refresh_token": "refresh-1",
                                  "token_uri": f"{emulator.base_url}/token"}))
    with pytest.raises(ss.SheetsSyncError) as e:
        ss.recalc(google_seed, credentials=stored, endpoint=emulator.base_url)
    assert "scope" in e.value.en and "share it" not in e.value.en
    assert "สิทธิ์ (scope)" in e.value.th
    # a token that was issued without the scope: Google's 403, the same advice
    from gspread.exceptions import APIError
    from sheets_sync.backends.google.client import translate
    from sheets_sync.emulator.clients import session
    info = json.loads(emulator.creds.read_text())
    r = session(emulator, info, scopes=["https://www.googleapis.com/auth/drive.metadata.readonly"]).get(
        f"https://sheets.googleapis.com/v4/spreadsheets/{sheet_key(google_seed)}")
    msg = translate(APIError(r), sheet_key(google_seed), emulator.account)
    assert r.status_code == 403 and "insufficient authentication scopes" in msg.en and "share it" not in msg.en


def test_a_protected_column_owned_by_someone_else_names_range_and_owner(emulator, google_seed, google_opts):
    key = sheet_key(google_seed)
    sheet = emulator.state.spreadsheets[key]
    sheet.owner, sheet.permissions[emulator.account] = UNIT_OWNER, "writer"
    main = sheet.sheet_by_title(TITLE)
    main.protected.append({"protectedRangeId": 4242, "description": "คะแนนของกอง",
                           "range": {"sheetId": main.sheet_id, "startColumnIndex": 12, "endColumnIndex": 13},
                           "editors": {"users": [UNIT_OWNER]}})
    before = emulator.state.values_get(key, STAFF, f"'{TITLE}'!A1:R20", "UNFORMATTED_VALUE")
    with pytest.raises(ss.SheetsSyncError) as e:
        ss.recalc(google_seed, **google_opts)
    assert f"{TITLE}!M1" in e.value.en and UNIT_OWNER in e.value.en and "คะแนนของกอง" in e.value.en
    assert "nothing was written" in e.value.en and "Google answered 400" not in e.value.en
    assert emulator.state.values_get(key, STAFF, f"'{TITLE}'!A1:R20", "UNFORMATTED_VALUE") == before


def test_recalc_beside_a_100000_row_tab_reads_under_1_mb(emulator, google_seed, google_opts):
    from sheets_sync.backends.google.client import make_client
    key = sheet_key(google_seed)
    rows = [{"values": [{"userEnteredValue": {"stringValue": f"บันทึก {i}"}}, {"userEnteredValue": {"numberValue": i}}]}
            for i in range(100_000)]
    emulator.state.batch_update(key, emulator.account, {"requests": [
        {"addSheet": {"properties": {"sheetId": 777, "title": "ข้อมูลดิบ",
                                     "gridProperties": {"rowCount": 100_000, "columnCount": 4}}}},
        {"updateCells": {"start": {"sheetId": 777, "rowIndex": 0, "columnIndex": 0}, "rows": rows,
                         "fields": "userEnteredValue"}}]})
    client = make_client(**google_opts)
    received = []
    client.http_client.session.hooks["response"].append(lambda r, *a, **k: received.append(len(r.content)))
    emulator.state.reset_stats()
    report = ss.recalc(google_seed, client=client)
    assert report.sheets[0].totals["weighted_score"] == 3.05
    assert sum(received) < 1_000_000, received
    assert emulator.state.stats()["sheets.read"] == 1 and emulator.state.stats()["sheets.write"] == 1
