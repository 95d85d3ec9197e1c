"""Contract with the real clients' code: every action the server answers exists in the
installed xlwings' Remote.bas (parsed), in the vendored Office.js client and in the Apps
Script client, with arguments of the types they accept; the vendored client is intact and
served locally; the manifest names the host it is served from."""
from __future__ import annotations

import hashlib
import json
import re
import struct
from pathlib import Path

import pytest

import xl_addin  # noqa: F401 - licence key before xlwings
import xlwings as xw

from conftest import type_results
from xlwings_payload import (VENDOR, Client, ClientError, apps_script_funcs, officejs_funcs, payload_from_xlsx,
                             vba_arg_types, vba_subs)

TOKEN = "contract-token"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def client(monkeypatch):
    from fastapi.testclient import TestClient
    from xl_addin.server import app
    monkeypatch.setenv("SHEETS_SYNC_EXCEL_TOKEN", TOKEN)
    monkeypatch.delenv("SHEETS_SYNC_PUBLIC_URL", raising=False)
    with TestClient(app) as c:
        yield c


def test_remote_bas_is_parsed_into_its_action_subs_and_argument_types():
    subs = vba_subs()
    assert {"setValues", "setRangeColor", "alert", "rangeClearFormats"} <= set(subs)
    assert vba_arg_types(subs["alert"]) == {0: "String", 1: "String", 2: "String", 3: "String", 4: "String"}
    assert vba_arg_types(subs["setRangeColor"]) == {0: "String"}  # HexToRgb(ByVal hexColor As String)
    assert {"setValues", "setRangeColor", "alert"} <= set(officejs_funcs())
    assert {"setValues", "setRangeColor", "alert"} <= set(apps_script_funcs())
    with pytest.raises(ClientError):  # what issue 11 saw: the un-paint as setRangeColor(null)
        Client("VBA").check({"func": "setRangeColor", "args": [None], "values": None})
    with pytest.raises(ClientError):
        Client("Office.js").check({"func": "setRangeColor", "args": [None], "values": None})


def answers(client, seed_book) -> list[dict]:
    """Every kind of answer the server gives: golden, N/A, after the fix, validate, errors."""
    out = []
    post = lambda route, body: client.post(route, content=body if isinstance(body, bytes)  # noqa: E731
                                           else json.dumps(body).encode(), headers={"Authorization": TOKEN}).json()
    good = payload_from_xlsx(seed_book, "VBA")
    out.append(post("/xlwings/recalculate", good))
    out.append(post("/xlwings/validate", good))
    type_results(seed_book, {"ศปท.4": "N/A", "ศปท.6": ""})
    bad = payload_from_xlsx(seed_book, "VBA")
    first = post("/xlwings/recalculate", bad)
    out.append(first)
    fixed = Client("VBA").apply(bad, first)
    fixed["sheets"][0]["values"][8][11] = 0
    out.append(post("/xlwings/recalculate", fixed))
    out.append(post("/xlwings/recalculate", b"{broken"))
    out.append(post("/xlwings/recalculate", {"client": "VBA", "version": xw.__version__, "sheets": []}))
    other = {"client": "VBA", "version": xw.__version__, "book": {"name": "x.xlsx"},
             "sheets": [{"name": "Sheet1", "values": [["hello"]]}]}
    out.append(post("/xlwings/recalculate", other))
    return out


@pytest.mark.parametrize("kind", ["VBA", "Office.js", "Google Apps Script"])
def test_every_answer_runs_in_every_client(client, seed_book, kind):
    funcs = set()
    for answer in answers(client, seed_book):
        for action in answer["actions"]:
            Client(kind).check(action)
            assert all(a is not None for a in action["args"]), action
            funcs.add(action["func"])
    assert {"setValues", "setRangeColor", "alert"} <= funcs


def test_vendored_officejs_client_is_intact_licensed_and_served_locally(client):
    vendor = VENDOR.parent
    assert "PolyForm Noncommercial" in (vendor / "LICENSE.md").read_text(encoding="utf-8")
    for line in (vendor / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split()
        data = (vendor / name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == digest, name
        served = client.get(f"/xlwings-static/{name}")
        assert served.status_code == 200 and served.content == data
        assert "javascript" in served.headers["content-type"]
    page = client.get("/taskpane.html").text
    scripts = re.findall(r'<script[^>]*src="([^"]+)"', page)
    assert scripts == ["https://appsforoffice.microsoft.com/lib/1/hosted/office.js",
                       "/xlwings-static/js/custom-scripts/index.js"]
    assert not re.search(r"\bprompt\s*\(", page) and "cdn" not in page.lower()
    config = json.loads(page.split('id="config">')[1].split("</script>")[0])
    assert config["xlwingsVersion"] == xw.__version__ and config["onWasm"] is False
    assert 'xw-click="recalculate"' in page and 'xw-click="validate"' in page and 'id="token-form"' in page
    meta = client.get("/xlwings/custom-scripts-meta.json").json()
    assert {m["function_name"] for m in meta} == {"recalculate", "validate"}


def test_alert_route_shows_the_dialog_the_officejs_client_opens(client):
    r = client.get("/xlwings/alert", params={"prompt": "[ตัวชี้วัด!L9] <b>ผล</b>\nline 2", "title": "sheets-sync",
                                              "buttons": "ok", "mode": "critical", "callback": ""})
    assert r.status_code == 200 and "&lt;b&gt;" in r.text and "<br>" in r.text and 'id="ok"' in r.text
    assert "/xlwings-static/js/alerts/dialog.js" in r.text and 'data-callback=""' in r.text
    assert client.get("/xlwings/alert").status_code == 200  # a bare call still renders


def test_manifest_is_generated_for_its_host_with_icons_and_a_ribbon_button(client, monkeypatch):
    from lxml import etree
    doc = etree.fromstring(client.get("/manifest.xml").content)
    ns = {"o": "http://schemas.microsoft.com/office/appforoffice/1.1",
          "v": "http://schemas.microsoft.com/office/taskpaneappversionoverrides",
          "bt": "http://schemas.microsoft.com/office/officeappbasictypes/1.0"}
    assert doc.find("o:DefaultSettings/o:SourceLocation", ns).get("DefaultValue") == "http://testserver/taskpane.html"
    assert doc.find("o:IconUrl", ns).get("DefaultValue") == "http://testserver/icons/icon-32.png"
    button = doc.find(".//v:Control[@id='SheetsSync.Taskpane']", ns)
    assert button.find("v:Action", ns).get("{http://www.w3.org/2001/XMLSchema-instance}type") == "ShowTaskpane"
    for image in doc.findall(".//bt:Images/bt:Image", ns):
        url = image.get("DefaultValue").replace("http://testserver", "")
        png = client.get(url).content
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        assert struct.unpack(">II", png[16:24]) == (int(url.split("-")[1].split(".")[0]),) * 2
    monkeypatch.setenv("SHEETS_SYNC_PUBLIC_URL", "https://kpi.mof.go.th/sheets-sync/")
    text = client.get("/manifest.xml").text
    assert 'DefaultValue="https://kpi.mof.go.th/sheets-sync/taskpane.html"' in text
    assert "127.0.0.1:8443" not in text


def test_start_up_check_names_both_versions(monkeypatch):
    from sheets_sync import SheetsSyncError
    from xl_addin import versions
    versions.check_xlwings()  # the installed xlwings is the pin
    monkeypatch.setattr(versions, "XLWINGS_VERSION", "0.99.0")
    with pytest.raises(SheetsSyncError) as e:
        versions.check_xlwings()
    assert "0.99.0" in e.value.en and xw.__version__ in e.value.en and "pip install xlwings==0.99.0" in e.value.en


def test_pyproject_pins_the_same_xlwings():
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    spec = re.search(r'"xlwings([^"]*)"', text).group(1).strip()
    assert spec == f"=={xl_addin.XLWINGS_VERSION}"
