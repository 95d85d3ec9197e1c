"""Sheets/Drive features a sync client needs next: partial spreadsheets.get, the Drive changes
feed, developer metadata anchored to rows, race hooks and a second account."""
import pytest

from sheets_sync.emulator import Emulator
from sheets_sync.emulator.clients import gspread_client, session

PERSON = "person@unit.go.th"


@pytest.fixture
def emu():
    with Emulator() as e:
        yield e


@pytest.fixture
def me(emu):
    info = emu.service_account()
    return info["client_email"], session(emu, info)


def _book(emu, owner, share=None):
    ss = emu.state.create_spreadsheet("kpi", owner, share=share or {PERSON: "writer"}, sheets=["Sheet1", "My Tab"])
    emu.state.values_update(ss.id, owner, "Sheet1!A1:B2", [[1, 2], [3, 4]], "RAW")
    emu.state.values_update(ss.id, owner, "'My Tab'!A1:C3", [["a", "b", "c"], ["d", "e", "f"], ["g", "h", "i"]], "RAW")
    return ss


# --- spreadsheets.get with ranges -------------------------------------------------------------

def test_get_with_ranges_reads_only_some_tabs(emu, me):
    email, s = me
    ss = _book(emu, email)
    url = f"{emu.base_url}/v4/spreadsheets/{ss.id}"
    r = s.get(url, params={"ranges": ["'My Tab'!B2:C3"], "includeGridData": "true",
                           "fields": "sheets(properties(title),data(startRow,startColumn,rowData(values(formattedValue))))"})
    assert r.status_code == 200
    assert r.json() == {"sheets": [{"properties": {"title": "My Tab"}, "data": [
        {"startRow": 1, "startColumn": 1, "rowData": [{"values": [{"formattedValue": "e"}, {"formattedValue": "f"}]},
                                                      {"values": [{"formattedValue": "h"}, {"formattedValue": "i"}]}]}]}]}
    # repeatable, one data block per range; without grid data only the sheets named come back
    r = s.get(url, params={"ranges": ["Sheet1!A1", "Sheet1!B2", "My Tab"], "includeGridData": "true",
                           "fields": "sheets(properties.title,data.rowData.values.effectiveValue)"}).json()
    assert [x["properties"]["title"] for x in r["sheets"]] == ["Sheet1", "My Tab"]
    assert r["sheets"][0]["data"] == [{"rowData": [{"values": [{"effectiveValue": {"numberValue": 1}}]}]},
                                      {"rowData": [{"values": [{"effectiveValue": {"numberValue": 4}}]}]}]
    assert len(r["sheets"][1]["data"][0]["rowData"]) == 3
    r = s.get(url, params={"ranges": "Sheet1!A1:A2"}).json()
    assert [x["properties"]["title"] for x in r["sheets"]] == ["Sheet1"] and "data" not in r["sheets"][0]
    bad = s.get(url, params={"ranges": "Nope!A1"})
    assert bad.status_code == 400 and bad.json()["error"]["message"] == "Unable to parse range: Nope"
    f = s.post(url + ":getByDataFilter", json={"dataFilters": [{"a1Range": "'My Tab'!A1:A1"}], "includeGridData": True},
               params={"fields": "sheets.data.rowData.values.formattedValue"}).json()
    assert f == {"sheets": [{"data": [{"rowData": [{"values": [{"formattedValue": "a"}]}]}]}]}


# --- Drive changes feed ---------------------------------------------------------------------

FEED = "nextPageToken,newStartPageToken,changes(fileId,removed,file(id,name,mimeType,modifiedTime,lastModifyingUser(emailAddress)))"


def test_changes_feed_names_who_wrote_last(emu, me):
    email, s = me
    a, b = _book(emu, email), _book(emu, email)
    start = s.get(f"{emu.base_url}/drive/v3/changes/startPageToken").json()
    assert start["kind"] == "drive#startPageToken"
    token = start["startPageToken"]
    s.put(f"{emu.base_url}/v4/spreadsheets/{a.id}/values/Sheet1!A1", params={"valueInputOption": "RAW"},
          json={"values": [[10]]})
    s.post(f"{emu.base_url}/v4/spreadsheets/{b.id}:batchUpdate", json={"requests": [{"updateCells": {
        "start": {"sheetId": 0}, "fields": "note", "rows": [{"values": [{"note": "n"}]}]}}]})
    emu.state.as_user(PERSON).values_update(a.id, "Sheet1!C3", [["typed"]], "USER_ENTERED")  # a person, later
    feed = s.get(f"{emu.base_url}/drive/v3/changes", params={"pageToken": token, "fields": FEED}).json()
    assert [c["fileId"] for c in feed["changes"]] == [b.id, a.id]      # one per file, latest state, in order
    assert feed["changes"][1]["file"]["lastModifyingUser"] == {"emailAddress": PERSON}
    assert feed["changes"][0]["file"]["lastModifyingUser"] == {"emailAddress": email}
    assert feed["changes"][1]["file"]["modifiedTime"] == a.modified and feed["changes"][1]["removed"] is False
    assert feed["changes"][0]["file"]["mimeType"] == "application/vnd.google-apps.spreadsheet"
    assert "nextPageToken" not in feed
    again = s.get(f"{emu.base_url}/drive/v3/changes", params={"pageToken": feed["newStartPageToken"]}).json()
    assert again["changes"] == [] and again["newStartPageToken"] == feed["newStartPageToken"]
    # paging
    p1 = s.get(f"{emu.base_url}/drive/v3/changes", params={"pageToken": token, "pageSize": 1, "fields": FEED}).json()
    assert [c["fileId"] for c in p1["changes"]] == [b.id] and "newStartPageToken" not in p1
    p2 = s.get(f"{emu.base_url}/drive/v3/changes", params={"pageToken": p1["nextPageToken"], "fields": FEED}).json()
    assert [c["fileId"] for c in p2["changes"]] == [a.id] and p2["newStartPageToken"] == feed["newStartPageToken"]
    # a deleted file is a removed change; bad tokens are Drive's 400
    assert s.delete(f"{emu.base_url}/drive/v3/files/{b.id}").status_code == 204
    gone = s.get(f"{emu.base_url}/drive/v3/changes", params={"pageToken": feed["newStartPageToken"]}).json()
    assert [(c["fileId"], c["removed"]) for c in gone["changes"]] == [(b.id, True)]
    bad = s.get(f"{emu.base_url}/drive/v3/changes", params={"pageToken": "x"})
    assert bad.status_code == 400 and bad.json()["error"]["errors"][0]["location"] == "pageToken"
    assert s.get(f"{emu.base_url}/drive/v3/files/{a.id}", params={"fields": "lastModifyingUser(emailAddress)"}).json() \
        == {"lastModifyingUser": {"emailAddress": PERSON}}


# --- developer metadata on rows ----------------------------------------------------------

def _anchor(s, url, row, key="kpi", value="K-1"):
    r = s.post(url + ":batchUpdate", json={"requests": [{"createDeveloperMetadata": {"developerMetadata": {
        "metadataKey": key, "metadataValue": value, "visibility": "DOCUMENT",
        "location": {"dimensionRange": {"sheetId": 0, "dimension": "ROWS", "startIndex": row, "endIndex": row + 1}}}}}]})
    assert r.status_code == 200, r.text
    return r.json()["replies"][0]["createDeveloperMetadata"]["developerMetadata"]


def test_row_metadata_moves_with_its_row_and_anchors_writes(emu, me):
    email, s = me
    ss = _book(emu, email)
    url = f"{emu.base_url}/v4/spreadsheets/{ss.id}"
    md = _anchor(s, url, 1)
    assert md["location"] == {"locationType": "ROW", "dimensionRange": {"dimension": "ROWS", "startIndex": 1,
                                                                        "endIndex": 2}}
    assert md["visibility"] == "DOCUMENT" and md["metadataKey"] == "kpi" and isinstance(md["metadataId"], int)
    lookup = {"developerMetadataLookup": {"metadataKey": "kpi", "metadataValue": "K-1"}}
    # a person inserts two rows above: the anchor moves with its row
    emu.state.as_user(PERSON).batch_update(ss.id, {"requests": [{"insertDimension": {
        "range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 0, "endIndex": 2}}}]})
    found = s.post(url + "/developerMetadata:search", json={"dataFilters": [lookup]}).json()
    assert found["matchedDeveloperMetadata"][0]["developerMetadata"]["location"]["dimensionRange"]["startIndex"] == 3
    assert found["matchedDeveloperMetadata"][0]["dataFilters"] == [lookup]
    got = s.post(url + "/values:batchGetByDataFilter", json={"dataFilters": [lookup],
                                                             "valueRenderOption": "UNFORMATTED_VALUE"}).json()
    assert got["valueRanges"] == [{"valueRange": {"range": "Sheet1!A4:Z4", "majorDimension": "ROWS",
                                                  "values": [[3, 4]]}, "dataFilters": [lookup]}]
    w = s.post(url + "/values:batchUpdateByDataFilter", json={"valueInputOption": "RAW", "data": [
        {"dataFilter": lookup, "values": [[None, None, "done"]]}]})
    assert w.status_code == 200 and w.json()["totalUpdatedCells"] == 1
    assert w.json()["responses"][0]["updatedRange"] == "Sheet1!A4:C4"
    assert emu.state.values_get(ss.id, email, "Sheet1!A4:C4", "UNFORMATTED_VALUE")["values"] == [[3, 4, "done"]]
    assert s.get(f"{url}/developerMetadata/{md['metadataId']}").json()["metadataValue"] == "K-1"
    # its row deleted, the metadata goes too
    s.post(url + ":batchUpdate", json={"requests": [{"deleteDimension": {
        "range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 3, "endIndex": 4}}}]})
    assert s.post(url + "/developerMetadata:search", json={"dataFilters": [lookup]}).json() == {}
    assert s.get(f"{url}/developerMetadata/{md['metadataId']}").status_code == 404
    none = s.post(url + "/values:batchGetByDataFilter", json={"dataFilters": [lookup]}).json()
    assert none == {"spreadsheetId": ss.id}


def test_metadata_location_must_be_one_row(emu, me):
    email, s = me
    ss = _book(emu, email)
    r = s.post(f"{emu.base_url}/v4/spreadsheets/{ss.id}:batchUpdate", json={"requests": [{"createDeveloperMetadata": {
        "developerMetadata": {"metadataKey": "k", "visibility": "DOCUMENT", "location": {"dimensionRange": {
            "sheetId": 0, "dimension": "ROWS", "startIndex": 3}}}}}]})
    assert r.status_code == 400 and ss.developer_metadata == []
    # nor span several rows (Google: "must represent a single row or column"), so no anchor per run
    r = s.post(f"{emu.base_url}/v4/spreadsheets/{ss.id}:batchUpdate", json={"requests": [{"createDeveloperMetadata": {
        "developerMetadata": {"metadataKey": "k", "visibility": "DOCUMENT", "location": {"dimensionRange": {
            "sheetId": 0, "dimension": "ROWS", "startIndex": 3, "endIndex": 5}}}}}]})
    assert r.status_code == 400 and "single row" in r.json()["error"]["message"] and ss.developer_metadata == []


def test_metadata_location_lookup_intersects_unless_told_exact(emu, me):
    email, s = me
    ss = _book(emu, email)
    url = f"{emu.base_url}/v4/spreadsheets/{ss.id}"
    _anchor(s, url, 3)
    rows = {"dimensionRange": {"sheetId": 0, "dimension": "ROWS", "startIndex": 2, "endIndex": 5}}

    def found(**strategy):
        got = s.post(url + "/developerMetadata:search", json={"dataFilters": [{"developerMetadataLookup": {
            "metadataKey": "kpi", "metadataLocation": rows, **strategy}}]}).json()
        return len(got.get("matchedDeveloperMetadata", []))
    assert found() == 1                                   # Google's default: INTERSECTING
    assert found(locationMatchingStrategy="INTERSECTING_LOCATION") == 1
    assert found(locationMatchingStrategy="EXACT_LOCATION") == 0

# --- race hooks and a second account -------------------------------------------------------

def test_a_person_edits_between_a_clients_read_and_its_batch_update(emu, me):
    email, _ = me
    info = emu.service_account(email="sync@sheets-sync-emulator.iam.gserviceaccount.com")
    ss = _book(emu, email, share={PERSON: "writer", info["client_email"]: "writer"})
    gc = gspread_client(emu, info)                      # a second account, plain gspread
    ws = gc.open_by_key(ss.id).sheet1
    seen = ws.get_all_values()
    assert seen == [["1", "2"], ["3", "4"]]

    def person_inserts_a_row(req):
        assert req.caller == info["client_email"] and req.method == "POST"
        emu.state.as_user(PERSON).batch_update(ss.id, {"requests": [{"insertDimension": {
            "range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 0, "endIndex": 1}}}]})
        emu.state.as_user(PERSON).values_update(ss.id, "Sheet1!A1", [["person"]], "RAW")
    hook = emu.state.before("POST", r":batchUpdate$", person_inserts_a_row)
    ws.update_cell(2, 3, "client")          # values PUT: no hook
    assert hook.calls == 0
    ws.spreadsheet.batch_update({"requests": [{"updateCells": {
        "start": {"sheetId": 0, "rowIndex": 1, "columnIndex": 3}, "fields": "userEnteredValue",
        "rows": [{"values": [{"userEnteredValue": {"stringValue": "stale"}}]}]}}]})
    assert hook.calls == 1 and hook.errors == []
    ws.spreadsheet.batch_update({"requests": []})   # once=True: gone
    assert hook.calls == 1
    values = emu.state.values_get(ss.id, email, "Sheet1!A1:D3")["values"]
    # the person's row went in first: the client's stale row index 1 now is the old first row,
    # and its earlier C2 write moved down with its row
    assert values == [["person"], ["1", "2", "", "stale"], ["3", "4", "client"]]
    changes = emu.state.changes_list(email, "1")["changes"]
    assert ss.last_modifier == info["client_email"] and ss.id in [c["fileId"] for c in changes]


def test_hooks_every_match_and_a_failing_hook_is_recorded(emu, me):
    email, s = me
    ss = _book(emu, email)
    calls = []
    hook = emu.state.before(None, rf"^/v4/spreadsheets/{ss.id}/values/", calls.append, once=False)
    bad = emu.state.before("GET", r"/values/", lambda req: 1 / 0)
    for _ in range(2):
        assert s.get(f"{emu.base_url}/v4/spreadsheets/{ss.id}/values/Sheet1!A1").status_code == 200
    assert [c.path for c in calls] == [f"/v4/spreadsheets/{ss.id}/values/Sheet1!A1"] * 2 and hook.calls == 2
    assert len(bad.errors) == 1 and isinstance(bad.errors[0], ZeroDivisionError)
    hook.cancel()
    s.get(f"{emu.base_url}/v4/spreadsheets/{ss.id}/values/Sheet1!A1")
    assert hook.calls == 2


# --- answers as small as asked: fields on batchUpdate, prettyPrint, bytes counted --------------

def test_batch_update_answer_honours_fields_and_pretty_print(emu, me):
    email, s = me
    ss = _book(emu, email)
    url = f"{emu.base_url}/v4/spreadsheets/{ss.id}:batchUpdate"
    body = {"requests": [{"createDeveloperMetadata": {"developerMetadata": {
                "metadataKey": "k", "location": {"sheetId": 0}, "visibility": "DOCUMENT"}}}],
            "includeSpreadsheetInResponse": True, "responseIncludeGridData": True, "responseRanges": ["Sheet1!A1:B1"]}
    fields = "replies/addProtectedRange,updatedSpreadsheet(sheets(data(rowData(values(effectiveValue)))))"
    emu.state.reset_stats()
    r = s.post(url, json=body, params={"fields": fields, "prettyPrint": "false"})
    assert r.status_code == 200
    assert r.json() == {"replies": [{}], "updatedSpreadsheet": {"sheets": [{"data": [{"rowData": [{"values": [
        {"effectiveValue": {"numberValue": 1}}, {"effectiveValue": {"numberValue": 2}}]}]}]}]}}
    assert b"\n" not in r.content and b": " not in r.content      # compact, as asked
    stats = emu.state.stats()
    assert stats["bytes.out.sheets"] == len(r.content) and stats["bytes.in.sheets"] == len(r.request.body)
    pretty = s.post(url, json={"requests": []}, params={"fields": "spreadsheetId"})
    assert pretty.content.startswith(b'{\n  "spreadsheetId"')    # Google's default: indented


def test_a_row_anchor_deleted_and_recreated_by_id_in_one_batch(emu, me):
    """The guard pattern (delete at the row read, re-create with the same id) on many anchors:
    ids stay unique, a second create of a live id is refused, a failed batch restores all."""
    email, s = me
    ss = _book(emu, email)
    url = f"{emu.base_url}/v4/spreadsheets/{ss.id}:batchUpdate"

    def anchor(row, mid):
        return {"createDeveloperMetadata": {"developerMetadata": {"metadataId": mid, "metadataKey": "row", "location": {
            "dimensionRange": {"sheetId": 0, "dimension": "ROWS", "startIndex": row, "endIndex": row + 1}},
            "visibility": "DOCUMENT"}}}

    def delete(row, mid):
        return {"deleteDeveloperMetadata": {"dataFilter": {"developerMetadataLookup": {"metadataId": mid,
                "metadataLocation": {"dimensionRange": {"sheetId": 0, "dimension": "ROWS", "startIndex": row,
                                                        "endIndex": row + 1}}, "locationMatchingStrategy": "EXACT_LOCATION"}}}}
    assert s.post(url, json={"requests": [anchor(r, 100 + r) for r in range(900)]}).status_code == 200
    guards = [req for r in range(900) for req in (delete(r, 100 + r), anchor(r, 100 + r))]
    assert s.post(url, json={"requests": guards}).status_code == 200
    ids = sorted(m["metadataId"] for m in emu.state.spreadsheets[ss.id].developer_metadata)
    assert ids == list(range(100, 1000))
    stale = [delete(5, 105), anchor(5, 105), delete(7, 106), anchor(6, 106)]   # 106 is not at row 7
    r = s.post(url, json={"requests": stale})
    assert r.status_code == 400 and "Developer metadata with ID 106 already exists" in r.json()["error"]["message"]
    found = s.post(f"{emu.base_url}/v4/spreadsheets/{ss.id}/developerMetadata:search", json={"dataFilters": [
        {"developerMetadataLookup": {"metadataId": 105}}]}).json()["matchedDeveloperMetadata"]
    assert [m["developerMetadata"]["location"]["dimensionRange"]["startIndex"] for m in found] == [5]
    assert len(emu.state.spreadsheets[ss.id].developer_metadata) == 900
