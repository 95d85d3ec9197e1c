"""What Google enforces and the project relies on: protected ranges, OAuth scopes, rate limits,
the 10,000,000-cell limit and the drive.file visibility model, with Google's own bodies."""
import pytest

from sheets_sync.emulator import Emulator
from sheets_sync.emulator.clients import session

AUTH = "https://www.googleapis.com/auth/"
PROTECTED = ("You are trying to edit a protected cell or object. Please contact the spreadsheet owner to remove "
             "protection if you need to edit.")


@pytest.fixture
def emu():
    with Emulator() as e:
        yield e


def _account(emu, scopes=("spreadsheets", "drive"), email=None):
    info = emu.service_account(email=email)
    return info["client_email"], session(emu, info, [AUTH + s for s in scopes])


def _cell(row, col, value):
    return {"updateCells": {"start": {"sheetId": 0, "rowIndex": row, "columnIndex": col}, "fields": "userEnteredValue",
                            "rows": [{"values": [{"userEnteredValue": {"numberValue": value}}]}]}}


# --- protected ranges ---------------------------------------------------------------------

@pytest.fixture
def protected(emu):
    owner, osess = _account(emu)
    staff, ssess = _account(emu, email="staff@unit.go.th")
    ss = emu.state.create_spreadsheet("kpi", owner, share={staff: "writer"})
    url = f"{emu.base_url}/v4/spreadsheets/{ss.id}"
    r = osess.post(url + ":batchUpdate", json={"requests": [
        {"addProtectedRange": {"protectedRange": {
            "range": {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 2, "startColumnIndex": 0, "endColumnIndex": 2},
            "warningOnly": False, "editors": {"users": [], "groups": []}}}},
        {"addProtectedRange": {"protectedRange": {
            "range": {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 2, "startColumnIndex": 2, "endColumnIndex": 3},
            "warningOnly": True}}}]})
    assert r.status_code == 200
    first = r.json()["replies"][0]["addProtectedRange"]["protectedRange"]
    # Google's echo (recorded): no sheetId 0, requestingUserCanEdit, empty editors object
    assert first["range"] == {"startRowIndex": 0, "endRowIndex": 2, "startColumnIndex": 0, "endColumnIndex": 2}
    assert first["requestingUserCanEdit"] is True and first["editors"] == {}
    second = r.json()["replies"][1]["addProtectedRange"]["protectedRange"]
    assert second["warningOnly"] is True and "editors" not in second
    return emu, ss, url, osess, ssess, staff


def test_a_writer_not_among_the_editors_is_refused_whole_request(protected):
    emu, ss, url, owner, staff, _ = protected
    r = staff.put(url + "/values/Sheet1!A1", params={"valueInputOption": "RAW"}, json={"values": [[1]]})
    assert r.status_code == 400
    assert r.json() == {"error": {"code": 400, "message": PROTECTED, "status": "INVALID_ARGUMENT"}}
    # a batch touching one protected cell applies nothing, not even its free cells
    r = staff.post(url + ":batchUpdate", json={"requests": [_cell(5, 5, 7), _cell(1, 1, 8)]})
    assert r.status_code == 400 and r.json()["error"]["message"] == PROTECTED
    r = staff.post(url + "/values:batchUpdate", json={"valueInputOption": "RAW", "data": [
        {"range": "Sheet1!F6", "values": [[7]]}, {"range": "Sheet1!A2:B2", "values": [[None, 9]]}]})
    assert r.status_code == 400 and r.json()["error"]["message"] == PROTECTED
    r = staff.post(url + ":batchUpdate", json={"requests": [{"repeatCell": {
        "range": {"sheetId": 0, "startRowIndex": 1, "endRowIndex": 3}, "cell": {"note": "x"}, "fields": "note"}}]})
    assert r.status_code == 400
    assert ss.sheets[0].cells == {}
    for req in ({"deleteDimension": {"range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 1, "endIndex": 3}}},
                {"insertDimension": {"range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 1, "endIndex": 2}}},
                {"deleteDimension": {"range": {"sheetId": 0, "dimension": "COLUMNS", "startIndex": 0, "endIndex": 1}}}):
        r = staff.post(url + ":batchUpdate", json={"requests": [req]})
        assert (r.status_code, r.json()["error"]["message"]) == (400, PROTECTED), req
    assert ss.sheets[0].rows == 1000 and ss.sheets[0].cols == 26
    pid = ss.sheets[0].protected[0]["protectedRangeId"]
    r = staff.post(url + ":batchUpdate", json={"requests": [{"deleteProtectedRange": {"protectedRangeId": pid}}]})
    assert r.status_code == 400 and len(ss.sheets[0].protected) == 2


def test_warning_only_free_cells_and_the_owner_are_not_blocked(protected):
    emu, ss, url, owner, staff, staff_email = protected
    ok = staff.post(url + "/values:batchUpdate", json={"valueInputOption": "RAW", "data": [
        {"range": "Sheet1!C1", "values": [["warned"]]}, {"range": "Sheet1!A3:B3", "values": [[1, 2]]}]})
    assert ok.status_code == 200 and ok.json()["totalUpdatedCells"] == 3
    # rows inserted below the protected span, and the owner anywhere
    r = staff.post(url + ":batchUpdate", json={"requests": [
        {"insertDimension": {"range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 2, "endIndex": 3}}}]})
    assert r.status_code == 200
    assert owner.put(url + "/values/Sheet1!A1", params={"valueInputOption": "RAW"},
                     json={"values": [["boss"]]}).status_code == 200
    # an editor named on the range may edit it
    r = owner.post(url + ":batchUpdate", json={"requests": [{"addProtectedRange": {"protectedRange": {
        "range": {"sheetId": 0, "startRowIndex": 10, "endRowIndex": 11}, "editors": {"users": [staff_email]}}}}]})
    assert r.status_code == 200
    assert staff.put(url + "/values/Sheet1!D11", params={"valueInputOption": "RAW"},
                     json={"values": [[1]]}).status_code == 200
    # people are refused too (state.as_user); plain state calls seed freely
    from sheets_sync.emulator import ApiError
    with pytest.raises(ApiError) as e:
        emu.state.as_user(staff_email).values_update(ss.id, "Sheet1!B2", [[1]], "RAW")
    assert e.value.message == PROTECTED
    emu.state.values_update(ss.id, staff_email, "Sheet1!B2", [[1]], "RAW")


# --- scopes ------------------------------------------------------------------------------

def _scope_error(service, method):
    err = {"code": 403, "message": "Request had insufficient authentication scopes.", "status": "PERMISSION_DENIED",
           "details": [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "ACCESS_TOKEN_SCOPE_INSUFFICIENT",
                        "domain": "googleapis.com", "metadata": {"method": method, "service": service}}]}
    if service == "drive.googleapis.com":
        err["errors"] = [{"message": "Insufficient Permission", "domain": "global", "reason": "insufficientPermissions"}]
    return {"error": err}


def test_tokens_carry_their_scopes(emu):
    me, ro = _account(emu, ("spreadsheets.readonly",))
    ss = emu.state.create_spreadsheet("s", me)
    url = f"{emu.base_url}/v4/spreadsheets/{ss.id}"
    assert ro.get(url).status_code == 200
    r = ro.put(url + "/values/Sheet1!A1", params={"valueInputOption": "RAW"}, json={"values": [[1]]})
    assert r.status_code == 403
    assert r.json() == _scope_error("sheets.googleapis.com", "google.apps.sheets.v4.SpreadsheetsService.UpdateValues")
    r = ro.get(f"{emu.base_url}/drive/v3/files/{ss.id}")
    assert r.status_code == 403 and r.json() == _scope_error("drive.googleapis.com", "com.google.apps.drive.v3.DriveFiles.Get")
    # drive.file covers Sheets reads and writes; the project's pair covers its Drive calls
    _, df = _account(emu, ("drive.file",))
    assert df.get(f"{emu.base_url}/v4/spreadsheets/nope").status_code == 404
    _, both = _account(emu, ("spreadsheets", "drive.file"))
    assert both.post(f"{emu.base_url}/drive/v3/files", json={
        "name": "x", "mimeType": "application/vnd.google-apps.spreadsheet"}).status_code == 200
    _, sheets_only = _account(emu, ("spreadsheets",))
    r = sheets_only.post(f"{emu.base_url}/drive/v3/files", json={"name": "x"})
    assert r.status_code == 403 and r.json()["error"]["details"][0]["reason"] == "ACCESS_TOKEN_SCOPE_INSUFFICIENT"


def test_an_authorized_user_refresh_keeps_the_scopes_it_asks_for(emu):
    import requests
    emu.state.add_oauth_user("c1", "s1", "rt", "person@unit.go.th", scopes=[AUTH + "spreadsheets.readonly"])
    tok = requests.post(f"{emu.base_url}/token", data={"grant_type": "refresh_token", "client_id": "c1",
                                                       "client_secret": "s1", "refresh_token": "rt"})
    assert tok.status_code == 200 and tok.json()["scope"] == AUTH + "spreadsheets.readonly"
    wider = requests.post(f"{emu.base_url}/token", data={"grant_type": "refresh_token", "client_id": "c1",
                                                         "client_secret": "s1", "refresh_token": "rt",
                                                         "scope": AUTH + "spreadsheets"})
    assert wider.status_code == 400 and wider.json()["error"] == "invalid_scope"
    ss = emu.state.create_spreadsheet("s", "person@unit.go.th")
    h = {"Authorization": "Bearer " + tok.json()["access_token"]}
    assert requests.get(f"{emu.base_url}/v4/spreadsheets/{ss.id}", headers=h).status_code == 200
    assert requests.post(f"{emu.base_url}/v4/spreadsheets/{ss.id}:batchUpdate", headers=h,
                         json={"requests": []}).status_code == 403


# --- rate limits --------------------------------------------------------------------------

def test_sheets_quotas_answer_429_and_drive_403_user_rate_limit(emu):
    me, s = _account(emu)
    ss = emu.state.create_spreadsheet("q", me)
    url = f"{emu.base_url}/v4/spreadsheets/{ss.id}"
    emu.state.quota.reads_per_user = 2
    emu.state.quota.writes_per_user = 1
    assert [s.get(url).status_code for _ in range(3)] == [200, 200, 429]
    err = s.get(url).json()["error"]
    assert err["status"] == "RESOURCE_EXHAUSTED" and err["message"] == (
        "Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute per user' of service "
        "'sheets.googleapis.com' for consumer 'project_number:000000000000'.")
    assert err["details"][0]["reason"] == "RATE_LIMIT_EXCEEDED"
    w = [s.post(url + ":batchUpdate", json={"requests": []}) for _ in range(2)]
    assert [r.status_code for r in w] == [200, 429]
    assert "'Write requests' and limit 'Write requests per minute per user'" in w[1].json()["error"]["message"]
    emu.state.quota.drive_per_user = 1
    d = [s.get(f"{emu.base_url}/drive/v3/files/{ss.id}") for _ in range(2)]
    assert [r.status_code for r in d] == [200, 403]
    body = d[1].json()["error"]
    assert body["code"] == 403 and body["errors"][0]["domain"] == "usageLimits"
    assert body["errors"][0]["reason"] == "userRateLimitExceeded" and body["message"].startswith("User Rate Limit Exceeded")
    assert emu.state.stats()["drive"] == 2


# --- 10,000,000 cells -----------------------------------------------------------------------

def test_the_ten_million_cell_limit(emu):
    me, s = _account(emu)
    ss = emu.state.create_spreadsheet("cells", me)   # Sheet1: 1000 x 26 = 26,000 cells
    url = f"{emu.base_url}/v4/spreadsheets/{ss.id}:batchUpdate"
    limit = "This action would increase the number of cells in the workbook above the limit of 10000000 cells."
    r = s.post(url, json={"requests": [{"addSheet": {"properties": {
        "title": "big", "gridProperties": {"rowCount": 400_000, "columnCount": 25}}}}]})
    assert r.status_code == 400 and r.json()["error"]["message"] == "Invalid requests[0].addSheet: " + limit
    r = s.post(url, json={"requests": [{"addSheet": {"properties": {
        "title": "big", "gridProperties": {"rowCount": 9_974_000, "columnCount": 1}}}}]})
    assert r.status_code == 200 and ss.cell_count() == 10_000_000      # exactly the limit is allowed
    for i, req in enumerate([
            {"insertDimension": {"range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 0, "endIndex": 1}}},
            {"appendDimension": {"sheetId": 0, "dimension": "COLUMNS", "length": 1}},
            {"updateSheetProperties": {"properties": {"sheetId": 0, "gridProperties": {"rowCount": 1001}},
                                       "fields": "gridProperties.rowCount"}}]):
        kind = next(iter(req))
        r = s.post(url, json={"requests": [_cell(0, 0, 1), req]})
        assert r.status_code == 400 and r.json()["error"]["message"] == f"Invalid requests[1].{kind}: " + limit
    assert ss.cell_count() == 10_000_000 and ss.sheets[0].cells == {}


# --- drive.file ------------------------------------------------------------------------------

def test_drive_file_sees_only_what_the_app_created_or_opened(emu):
    me, s = _account(emu, ("spreadsheets", "drive.file"))
    theirs = emu.state.create_spreadsheet("shared with me", "someone@ministry.go.th", share={me: "writer"})
    mine = s.post(f"{emu.base_url}/drive/v3/files", json={
        "name": "mine", "mimeType": "application/vnd.google-apps.spreadsheet"}).json()["id"]
    files = f"{emu.base_url}/drive/v3/files"
    assert s.get(f"{files}/{theirs.id}").status_code == 200      # switch off: Drive sees all shared files
    emu.state.drive_file_model = True
    assert s.get(f"{emu.base_url}/v4/spreadsheets/{theirs.id}").status_code == 200   # Sheets still reads it
    r = s.get(f"{files}/{theirs.id}", params={"fields": "id,name"})
    assert r.status_code == 404
    assert r.json() == {"error": {"code": 404, "message": f"File not found: {theirs.id}.", "errors": [
        {"message": f"File not found: {theirs.id}.", "domain": "global", "reason": "notFound",
         "location": "fileId", "locationType": "parameter"}]}}
    assert [f["id"] for f in s.get(files).json()["files"]] == [mine]
    assert s.get(f"{files}/{mine}", params={"fields": "id"}).json() == {"id": mine}
    emu.state.open_with_app(theirs.id, me)
    assert s.get(f"{files}/{theirs.id}").status_code == 200
    _, full = _account(emu, ("drive",), email="admin@x.iam.gserviceaccount.com")
    other = emu.state.create_spreadsheet("o", "someone@ministry.go.th", share={"admin@x.iam.gserviceaccount.com": "reader"})
    assert full.get(f"{files}/{other.id}").status_code == 200      # the drive scope sees every shared file
