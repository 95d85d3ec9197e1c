"""The Google backend end to end: real gspread + google-auth + requests over sockets
to the loopback emulator."""
import json

import pytest

import sheets_sync as ss
from conftest import SEED000_GOLDEN, STAFF, SEED000_CSV, sheet_key, type_google_results

TITLE = "ตัวชี้วัด"


def golden(report):
    return {r["code"]: (r["score"], r["percentage"], r["weighted_score"]) for r in report["sheets"][0]["rows"]}


def cells(emu, key, rng, render="UNFORMATTED_VALUE"):
    return emu.state.values_get(key, STAFF, f"'{TITLE}'!{rng}", render).get("values", [])


def test_seed000_golden_on_google_with_at_most_three_requests(google_seed, emulator, cli):
    out = json.loads(cli("recalc", google_seed, "--json", "--credentials", emulator.creds,
                         "--endpoint", emulator.base_url).stdout)
    assert golden(out) == SEED000_GOLDEN
    assert out["sheets"][0]["totals"] == {"weight": 100.0, "weighted_score": 3.05, "percentage": 61.0,
                                          "complete": True, "reported": 7, "indicators": 7}
    stats = emulator.state.stats()
    assert stats["sheets.read"] == 1 and stats["sheets.write"] == 1 and stats["sheets.total"] <= 3
    key = sheet_key(google_seed)
    assert cells(emulator, key, "M5:O5") == [[2, 40, 0.3]]
    assert cells(emulator, key, "M5:O5", "FORMATTED_VALUE") == [["2.000", "40.00", "0.300"]]
    assert cells(emulator, key, "O15:O16") == [[3.05], [61]]
    # the score cell carries its trace as a note
    note = emulator.state.spreadsheets[key].sheets[0].cells[(10, 12)]["note"]
    assert "ศปท.5" in note and "12 or more reaches level 5" in note

    emulator.state.reset_stats()
    second = json.loads(cli("recalc", google_seed, "--json", "--credentials", emulator.creds,
                            "--endpoint", emulator.base_url).stdout)
    assert second["sheets"][0]["changed_cells"] == 0
    assert emulator.state.stats().get("sheets.write", 0) == 0
    assert emulator.state.stats()["sheets.read"] == 1


def test_recalc_writes_only_computed_cells_and_keeps_a_user_edit(google_seed, emulator, google_opts):
    key = sheet_key(google_seed)
    ss.recalc(google_seed, **google_opts)
    type_google_results(emulator, key, {"ศปท.3": "๘๒"})  # typed between two recalcs
    ss.recalc(google_seed, **google_opts)
    assert cells(emulator, key, "L7:M7", "FORMULA") == [["๘๒", 3]]
    computed_cols = {12, 13, 14, 16}  # M N O Q (0-based)
    totals = {(14, 14), (14, 15), (15, 14)}
    for _, _, body in emulator.state.write_log:
        for req in body["requests"]:
            if "repeatCell" in req:   # a column run of one value
                rng = req["repeatCell"]["range"]
                assert rng.get("sheetId", 0) != 0 or all(
                    (r, c) in totals or c in computed_cols for r in range(rng["startRowIndex"], rng["endRowIndex"])
                    for c in range(rng["startColumnIndex"], rng["endColumnIndex"])), rng
                continue
            if "updateCells" not in req:
                continue  # the row guard's anchor requests come first (see backends/google/guard.py)
            start = req["updateCells"]["start"]
            for i, row in enumerate(req["updateCells"]["rows"]):
                for j, _ in enumerate(row["values"]):
                    cell = (start["rowIndex"] + i, start["columnIndex"] + j)
                    assert cell[1] in computed_cols or cell in totals or start["sheetId"] != 0, cell


def test_formula_like_text_is_read_as_text_and_written_raw(google_seed, emulator, google_opts):
    key = sheet_key(google_seed)
    formula = '=IMPORTXML("http://x","//a")'
    emulator.state.values_update(key, STAFF, f"'{TITLE}'!R5", [[formula]], "RAW")
    report = ss.recalc(google_seed, **google_opts)
    bad = [p for p in report.problems if p.kind == "method_unknown"]
    assert [(p.cell, dict(p.args)["value"]) for p in bad] == [("R5", formula)]
    from sheets_sync.backends.google.book import cell_requests
    req = cell_requests(0, {(1, 1): formula, (1, 2): 2.5})[0]["updateCells"]
    assert req["rows"][0]["values"] == [{"userEnteredValue": {"stringValue": formula}},
                                        {"userEnteredValue": {"numberValue": 2.5}}]
    assert emulator.state.write_log
    for _, _, body in emulator.state.write_log:
        for req in body["requests"]:
            for row in req.get("updateCells", {}).get("rows", []):
                for v in row["values"]:
                    assert "formulaValue" not in v.get("userEnteredValue", {})


def test_unshared_spreadsheet_names_the_account_to_share_with(emulator, cli):
    other = emulator.state.create_spreadsheet("กองคลัง", "owner@ministry.go.th")
    res = cli("recalc", other.id, "--credentials", emulator.creds, "--endpoint", emulator.base_url, code=2)
    assert other.id in res.output and emulator.account in res.output
    assert "share it (Editor)" in res.output and "Traceback" not in res.output
    # once shared, the same call reads it (an empty spreadsheet: no scorecard in it)
    emulator.state.spreadsheets[other.id].permissions[emulator.account] = "writer"
    with pytest.raises(ss.SheetsSyncError) as e:
        ss.recalc(other.id, credentials=emulator.creds, endpoint=emulator.base_url)
    assert "no scorecard" in e.value.en


def test_viewer_only_share_is_refused_at_write_with_advice(google_seed, emulator, google_opts):
    key = sheet_key(google_seed)
    sheet = emulator.state.spreadsheets[key]
    sheet.owner = "owner@ministry.go.th"
    sheet.permissions[emulator.account] = "reader"
    with pytest.raises(ss.SheetsSyncError) as e:
        ss.recalc(google_seed, **google_opts)
    assert emulator.account in e.value.en and "share it (Editor)" in e.value.en
    assert cells(emulator, key, "M5") == []  # nothing written


def test_missing_and_wrong_credentials(tmp_path, emulator, cli, google_seed):
    res = cli("recalc", google_seed, "--credentials", tmp_path / "none.json", "--endpoint", emulator.base_url, code=2)
    assert "credentials file not found" in res.output
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    res = cli("recalc", google_seed, "--credentials", bad, "--endpoint", emulator.base_url, code=2)
    assert "not valid JSON" in res.output
    # a real key the emulator (Google) does not know: the JWT signature is refused
    from sheets_sync.emulator.credentials import new_service_account, write_credentials
    stranger, _ = new_service_account(emulator.base_url)
    write_credentials(tmp_path / "stranger.json", stranger)
    res = cli("recalc", google_seed, "--credentials", tmp_path / "stranger.json", "--endpoint", emulator.base_url,
              code=2)
    assert "refused the credentials" in res.output and "Invalid JWT Signature" in res.output
    assert "Traceback" not in res.output


def test_expired_token_is_refreshed(google_seed, emulator, google_opts):
    from sheets_sync.backends.google.book import GoogleBook
    from sheets_sync.backends.google.client import make_client
    client = make_client(**{k: v for k, v in google_opts.items()})
    GoogleBook(google_seed, client=client).grids()
    assert emulator.state.stats()["token"] == 1
    emulator.state.expire_tokens()  # Google says 401 to the old token
    book = GoogleBook(google_seed, client=client)
    assert TITLE in book.grids()
    assert emulator.state.stats()["token"] == 2
    assert emulator.state.stats()["error.401"] == 1


def test_quota_429_is_retried_with_backoff_then_reported(google_seed, emulator, tmp_path):
    from sheets_sync.backends.google.client import RetryPolicy
    from sheets_sync.backends.google.ratelimit import Quotas
    emulator.state.quota.reads_per_user = 1
    opts = {"credentials": emulator.creds, "endpoint": emulator.base_url,
            "quotas": Quotas(reads_per_minute=1000, writes_per_minute=1000, project_per_minute=1000),
            "retry": RetryPolicy(attempts=3, base=0.01, cap=0.02)}
    ss.validate(google_seed, **opts)  # uses the one read of this minute
    with pytest.raises(ss.SheetsSyncError) as e:
        ss.validate(google_seed, **opts)
    assert "quota exceeded" in e.value.en and "Read requests per minute per user" in e.value.en
    assert emulator.state.stats()["error.429"] == 3  # three attempts, then a clear message


def test_client_side_limiter_keeps_under_the_quota(google_seed, emulator):
    from sheets_sync.backends.google.ratelimit import Quotas
    emulator.state.quota.reads_per_user = 3
    emulator.state.quota.time_scale = 60  # a 1-second minute
    opts = {"credentials": emulator.creds, "endpoint": emulator.base_url,
            # the first send waits for a token and an RSA signature: leave it room on a busy CI machine
            "quotas": Quotas(reads_per_minute=3, minute=1.0, margin=0.3, headroom=0)}
    from sheets_sync.backends.google.client import make_client
    from sheets_sync.backends.google.book import GoogleBook
    client = make_client(**opts)
    for _ in range(7):
        GoogleBook(google_seed, client=client).grids()
    assert emulator.state.stats()["sheets.read"] == 7
    assert "error.429" not in emulator.state.stats()


def test_5xx_burst_and_dropped_connection_are_retried(google_seed, emulator, google_opts):
    emulator.state.add_fault("status", 503, count=2)
    emulator.state.add_fault("drop", count=1)
    report = ss.recalc(google_seed, **google_opts)
    assert report.sheets[0].totals["weighted_score"] == 3.05
    stats = emulator.state.stats()
    assert stats["fault.503.sheets"] == 2 and stats["fault.drop.sheets"] == 1
    emulator.state.add_fault("status", 500, count=10)
    with pytest.raises(ss.SheetsSyncError) as e:
        ss.recalc(google_seed, **google_opts)
    assert "kept failing (500)" in e.value.en


def test_endpoint_override_accepts_loopback_only(google_seed, emulator, cli):
    res = cli("recalc", google_seed, "--credentials", emulator.creds, "--endpoint", "http://10.1.2.3:8080", code=2)
    assert "not a loopback address" in res.output and "--allow-remote-endpoint" in res.output
    from sheets_sync.backends.google.endpoint import resolve_endpoint
    assert resolve_endpoint("http://localhost:1") == "http://localhost:1"
    assert resolve_endpoint("http://[::1]:1") == "http://[::1]:1"
    assert resolve_endpoint("https://sheets.example.org", allow_remote=True) == "https://sheets.example.org"


def test_init_google_builds_the_template_layout(emulator, google_opts):
    url = ss.init(indicators=SEED000_CSV, unit="กองคลัง", period="2/2567", google=True, share=[STAFF],
                  owners=["kpi@ministry.go.th"], **{k: v for k, v in google_opts.items() if k != "retry"})
    sheet = emulator.state.spreadsheets[sheet_key(url)]
    main, meta = sheet.sheets[0], sheet.sheet_by_title("_sheets_sync")
    assert main.title == TITLE and meta.hidden
    assert [s.title for s in sheet.sheets] == [TITLE, "_sheets_sync", "เก็บถาวร", "ประวัติการแก้ไข"]
    assert sheet.permissions == {STAFF: "writer", "kpi@ministry.go.th": "writer"}
    merges = {(m["startRowIndex"], m["startColumnIndex"], m["endRowIndex"], m["endColumnIndex"]) for m in main.merges}
    assert (1, 6, 2, 11) in merges and (1, 11, 2, 15) in merges  # เกณฑ์การให้คะแนน G2:K2, ผลการดำเนินงาน L2:O2
    score = main.cells[(4, 12)]["userEnteredFormat"]
    assert score["textFormat"]["fontFamily"] == "TH Sarabun New" and score["textFormat"]["fontSize"] == 16
    assert score["numberFormat"]["pattern"] == "0.000" and "backgroundColor" in score
    assert main.cells[(4, 11)]["dataValidation"]["condition"]["type"] == "NUMBER_BETWEEN"
    assert len(main.conditional) == 5  # one colour rule per status level, "invalid" included
    protected_cols = {(p["range"]["startColumnIndex"], p["range"].get("endColumnIndex")) for p in main.protected}
    assert (12, 15) in protected_cols and (0, 11) in protected_cols  # computed M..O, template A..K
    for p in main.protected:
        assert not p.get("warningOnly") and emulator.account in p["editors"]["users"]
        assert "kpi@ministry.go.th" in p["editors"]["users"]
        rng = p["range"]
        unit_cols = {11, 15}  # L result, P details
        if rng.get("endRowIndex", 0) > 3:
            assert not unit_cols & set(range(rng["startColumnIndex"], rng["endColumnIndex"]))


def test_a_write_past_a_tabs_last_row_and_column_grows_the_tab_first(google_seed, emulator, google_opts):
    """The audit tab fills its 100 rows after 100 results typed: Google refuses updateCells
    beyond the grid ("beyond the last requested row"), so the write appends rows first."""
    from sheets_sync.backends.google.book import GoogleBook
    key, audit = sheet_key(google_seed), "ประวัติการแก้ไข"
    book = GoogleBook(google_seed, **google_opts)
    book.grids()
    rows, cols = book.reads[audit].rows, book.reads[audit].cols
    book.write({audit: {(rows + 5, 1): "แถวที่เกิน", (rows + 5, cols + 2): 7}}, {})
    sheet = emulator.state.spreadsheets[key].sheet_by_title(audit)
    assert (sheet.rows, sheet.cols) == (rows + 5, cols + 2)
    got = emulator.state.values_get(key, STAFF, f"'{audit}'!A{rows + 5}:ZZ{rows + 5}", "UNFORMATTED_VALUE")
    assert got["values"] == [["แถวที่เกิน"] + [""] * cols + [7]]


def _meta_column(emu, key):
    got = emu.state.values_get(key, STAFF, "'_sheets_sync'!A1:B200", "UNFORMATTED_VALUE").get("values", [])
    return {row[0]: row[1] for row in got if len(row) > 1 and row[0]}


def unzipped(v):
    """A record the Google backend keeps compressed, as written (zlib, URL-safe base64 unpadded)."""
    import base64
    import zlib
    if not (isinstance(v, str) and v.startswith("sheets-sync:zlib:")):
        return v
    data = v[len("sheets-sync:zlib:"):]
    return zlib.decompress(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))).decode()


def test_metadata_records_are_kept_compressed_and_read_as_written(google_seed, emulator, google_opts):
    """The metadata tab's long JSON records (what sheets-sync last wrote) are stored zlib-packed:
    a tenth of the bytes read and written at every recalc; sheets-sync reads them back as JSON."""
    from sheets_sync.backends.google.book import GoogleBook
    key = sheet_key(google_seed)
    ss.recalc(google_seed, **google_opts)
    stored = _meta_column(emulator, key)
    long = {k: v for k, v in stored.items() if isinstance(v, str) and v.startswith("sheets-sync:zlib:")}
    assert any(k.startswith("computed:") for k in long) and any(k.startswith("template:") for k in long)
    read = GoogleBook(google_seed, **google_opts).grids()["_sheets_sync"]
    by_key = {read.get(r, 1): read.get(r, 2) for r in range(1, read.max_row + 1)}
    for k, v in long.items():
        assert by_key[k] == unzipped(v) and len(v) < len(by_key[k])
        json.loads(by_key[k])                                   # a whole JSON record again
    assert ss.recalc(google_seed, dry_run=True, **google_opts).changed_cells == 0


def test_plain_metadata_records_of_an_older_spreadsheet_still_read(google_seed, emulator, google_opts):
    key = sheet_key(google_seed)
    report = ss.recalc(google_seed, **google_opts)
    got = emulator.state.values_get(key, STAFF, "'_sheets_sync'!A1:B200", "UNFORMATTED_VALUE")["values"]
    rows = [(r, row[1]) for r, row in enumerate(got, 1) if len(row) > 1 and str(row[1]).startswith("sheets-sync:zlib:")]
    assert rows
    for r, v in rows:        # as an earlier version kept them: plain JSON
        emulator.state.values_update(key, STAFF, f"'_sheets_sync'!B{r}", [[unzipped(v)]], "RAW")
    assert not any(str(v).startswith("sheets-sync:") for v in _meta_column(emulator, key).values())
    again = ss.recalc(google_seed, dry_run=True, **google_opts)
    assert again.changed_cells == 0 and not [p for p in again.problems if "computed" in p.kind]
    assert again.sheets[0].totals == report.sheets[0].totals


def test_a_value_typed_over_a_computed_cell_is_kept_in_the_history_tab(google_seed, emulator, google_opts):
    """A newcomer typed 5 over a score: recalc put the score back and only the terminal
    kept the 5. The history tab keeps it, beside the computed value; a typed formula
    is kept as text (a formula would compute to 2 in the history tab)."""
    key, audit = sheet_key(google_seed), "ประวัติการแก้ไข"
    ss.recalc(google_seed, **google_opts)
    emulator.state.values_update(key, STAFF, f"'{TITLE}'!M5", [["5"]], "USER_ENTERED")
    emulator.state.values_update(key, STAFF, f"'{TITLE}'!O6", [["=1+1"]], "USER_ENTERED")
    ss.recalc(google_seed, **google_opts)
    got = emulator.state.values_get(key, STAFF, f"'{audit}'!A2:H200", "UNFORMATTED_VALUE")["values"]
    kept = {row[2]: row[1:7] for row in got if len(row) > 7 and "typed over a computed cell" in row[7]}
    assert kept == {"M5": [TITLE, "M5", "ศปท.1", "ค่าคะแนนที่ได้", 5, "2.000"],
                    "O6": [TITLE, "O6", "ศปท.2", "คะแนนถ่วงน้ำหนัก", "=1+1", "1.000"]}, got
    main = emulator.state.values_get(key, STAFF, f"'{TITLE}'!M5:O6", "UNFORMATTED_VALUE")["values"]
    assert main[0][0] == 2 and main[1][2] == 1
