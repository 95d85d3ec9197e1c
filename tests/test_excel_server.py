"""The server as a newcomer runs it: a real uvicorn subprocess on 127.0.0.1 started with only
the token in a clean environment, answered payloads shaped like each real client's, and the
answers applied with that client's semantics (tests/xlwings_payload.py)."""
from __future__ import annotations

import datetime as dt
import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from conftest import SEED000_GOLDEN, SHEET, type_results
from xlwings_payload import Client, apps_script_version, payload_from_xlsx, xlam_version

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "long-random-secret"
ROUTE = {"VBA": "/xlwings/recalculate", "Office.js": "/xlwings/custom-scripts-call/recalculate",
         "Google Apps Script": "/xlwings/recalculate"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, argv: list[str], tmp: Path, env: dict | None = None, https: bool = False, cert=None):
        self.port = free_port()
        self.base = f"{'https' if https else 'http'}://127.0.0.1:{self.port}"
        self.verify = str(cert) if cert else True
        # a newcomer's shell: PATH and HOME, the token, nothing else (no XLWINGS_LICENSE_KEY)
        clean = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp), "SHEETS_SYNC_EXCEL_TOKEN": TOKEN,
                 "LANG": "C.UTF-8"}
        clean.update(env or {})
        self.log = tmp / f"server-{self.port}.log"
        self.proc = subprocess.Popen(argv + ["--host", "127.0.0.1", "--port", str(self.port)], cwd=ROOT, env=clean,
                                     stdout=self.log.open("wb"), stderr=subprocess.STDOUT)
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"server exited: {self.log.read_text()}")
            try:
                if httpx.get(self.base + "/healthz", verify=self.verify, timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        self.stop()
        raise AssertionError(f"server did not start: {self.log.read_text()}")

    def post(self, route: str, payload, token: str = TOKEN) -> httpx.Response:
        body = payload if isinstance(payload, bytes) else json.dumps(payload, ensure_ascii=False).encode()
        return httpx.post(self.base + route, content=body, timeout=120, verify=self.verify,
                          headers={"Authorization": token, "Content-Type": "application/json"})

    def get(self, route: str) -> httpx.Response:
        return httpx.get(self.base + route, verify=self.verify, timeout=30)

    def stop(self) -> str:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        return self.log.read_text(errors="replace")


@pytest.fixture
def server(tmp_path):
    s = Server([sys.executable, "-m", "xl_addin"], tmp_path)
    yield s
    log = s.stop()
    assert "Traceback" not in log, log


def golden_rows(payload) -> dict:
    values = payload["sheets"][0]["values"]
    return {row[2]: (row[12], row[13], row[14]) for row in values[3:] if row[2] and "." in str(row[2])}


def totals(payload) -> tuple:
    values = payload["sheets"][0]["values"]
    return values[14][14], values[15][14]


def result_cell(payload, code: str) -> str:
    values = payload["sheets"][0]["values"]
    row = next(r for r, line in enumerate(values) if line[2] == code)
    return f"{SHEET}!L{row + 1}"


def client_version(kind: str, server: Server, tmp_path, cli) -> str:
    """The version each client really sends: the built add-in's VBA constant, the version the
    served task pane gives the Office.js client, the vendored Apps Script client's constant."""
    if kind == "VBA":
        out = tmp_path / "addin"
        cli("excel-addin", "build", "--out", out)
        return xlam_version(out / "xl_addin.xlam")
    if kind == "Office.js":
        page = server.get("/taskpane.html").text
        config = page.split('<script type="application/json" id="config">')[1].split("</script>")[0]
        return json.loads(config)["xlwingsVersion"]
    return apps_script_version()


def with_a_date(path):
    """A date somewhere in the book (as units have: the report date), sent as clients send dates."""
    import openpyxl
    wb = openpyxl.load_workbook(path)
    ws = wb.create_sheet("บันทึก")
    ws["A1"], ws["B1"] = "วันที่รายงาน", dt.datetime(2024, 3, 31)
    wb.save(path)


def newcomer_round_trip(server: Server, seed_book, tmp_path, cli, kind: str) -> None:
    with_a_date(seed_book)
    payload = payload_from_xlsx(seed_book, kind, version=client_version(kind, server, tmp_path, cli))
    assert "2024-03-31T00:00:00.000Z" in json.dumps(payload)
    if kind == "VBA":
        assert payload["sheets"][0]["values"][0][-1] is None  # empty cells are null from VBA
    client = Client(kind)
    r = server.post(ROUTE[kind], payload)
    assert r.status_code == 200, r.text
    answer = r.json()
    assert not [a for a in answer["actions"] if a["func"] == "alert"], answer  # no licence alert, no error
    done = client.apply(payload, answer)
    assert golden_rows(done) == SEED000_GOLDEN
    assert totals(done) == (3.05, 61.0)
    # the second click changes nothing
    before = json.loads(json.dumps(done))
    again = server.post(ROUTE[kind], done).json()
    assert client.apply(done, again) == before
    assert not client.alerts and not client.colors
    assert server.get("/healthz").json()["open_books"] == 0


@pytest.mark.parametrize("kind", ["VBA", "Office.js", "Google Apps Script"])
def test_newcomer_python_m_xl_addin(server, seed_book, tmp_path, cli, kind):
    newcomer_round_trip(server, seed_book, tmp_path, cli, kind)


@pytest.mark.parametrize("kind", ["VBA", "Office.js", "Google Apps Script"])
def test_newcomer_sheets_sync_serve_as_the_readme_says(seed_book, tmp_path, cli, kind):
    s = Server([sys.executable, "-m", "sheets_sync", "serve"], tmp_path)
    try:
        newcomer_round_trip(s, seed_book, tmp_path, cli, kind)
    finally:
        assert "Traceback" not in s.stop()


@pytest.mark.parametrize("kind", ["VBA", "Office.js"])
def test_na_then_fixed_paints_then_restores_with_no_null_argument(server, seed_book, kind):
    type_results(seed_book, {"ศปท.4": "N/A"})
    payload = payload_from_xlsx(seed_book, kind)
    client = Client(kind)
    raw = server.post(ROUTE[kind], payload).json()
    done = client.apply(payload, raw)
    assert len(client.alerts) == 1 and f"{SHEET}!L9" in client.alerts[0][0]
    assert client.colors == {(0, 8, 11): "#FFC7CE"}
    # the unit fixes the cell and clicks again
    done["sheets"][0]["values"][8][11] = 0
    raw2 = server.post(ROUTE[kind], done).json()
    client.alerts.clear()
    done = client.apply(done, raw2)
    assert client.colors == {(0, 8, 11): "#FFFFFF"} and not client.alerts
    for answer in (raw, raw2):
        assert all(arg is not None for a in answer["actions"] for arg in a["args"]), answer
    # and the click after that is quiet: nothing painted, nothing said
    client.colors.clear()
    client.apply(done, server.post(ROUTE[kind], done).json())
    assert not client.colors and not client.alerts
    assert golden_rows(done)["ศปท.4"] == SEED000_GOLDEN["ศปท.4"]


def test_eight_concurrent_requests_keep_their_own_alerts_and_close_their_books(server, seed_book, tmp_path):
    good = payload_from_xlsx(seed_book, "VBA")
    bad_codes = ["ศปท.1", "ศปท.3", "ศปท.5", "ศปท.7"]
    jobs = []
    for i in range(8):
        p = json.loads(json.dumps(good))
        p["book"]["name"] = f"unit-{i}.xlsx"
        code = bad_codes[i // 2] if i % 2 else None
        if code:
            row = next(r for r, line in enumerate(p["sheets"][0]["values"]) if line[2] == code)
            p["sheets"][0]["values"][row][11] = "N/A"
        jobs.append((p, code))
    answers: list = [None] * 8
    barrier = threading.Barrier(8)

    def go(i):
        barrier.wait()
        answers[i] = server.post("/xlwings/recalculate", jobs[i][0]).json()

    threads = [threading.Thread(target=go, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    for (p, code), answer in zip(jobs, answers):
        alerts = [a["args"][0] for a in answer["actions"] if a["func"] == "alert"]
        if code:
            assert len(alerts) == 1 and result_cell(p, code) in alerts[0], (code, alerts)
            others = {result_cell(p, c) for c in bad_codes if c != code}
            assert not any(o in alerts[0] for o in others)
        else:
            assert alerts == [], alerts
    assert server.get("/healthz").json()["open_books"] == 0


MALFORMED = [
    b"{not json",
    b"[]",
    b'"a string"',
    json.dumps({"client": "VBA", "version": "0.37.8", "sheets": [{"name": "x", "values": [[1]]}]}).encode(),
    json.dumps({"client": "VBA", "version": "0.37.8", "book": "x.xlsx", "sheets": []}).encode(),
    json.dumps({"client": "VBA", "version": "0.37.8", "book": {"name": "x"}, "sheets": [{"name": "x"}]}).encode(),
    json.dumps({"client": "VBA", "version": "0.37.8", "book": {"name": "x"},
                "sheets": [{"name": "x", "values": "oops"}]}).encode(),
    json.dumps({"client": "VBA", "book": {"name": "x"}, "sheets": [{"name": "x", "values": [[1]]}]}).encode(),
    json.dumps({"client": "VBA", "version": "0.37.8", "book": {"name": "x"},
                "sheets": [{"name": "x", "values": [[1, None], [None]]}]}).encode(),
]


def test_every_malformed_payload_is_an_alert_never_a_500_nor_a_traceback(server):
    for body in MALFORMED:
        for route in ("/xlwings/recalculate", "/xlwings/validate", "/xlwings/custom-scripts-call/recalculate"):
            r = server.post(route, body)
            assert r.status_code == 200, (body, r.status_code, r.text)
            actions = r.json()["actions"]
            assert [a["func"] for a in actions] == ["alert"], (body, actions)
            Client("VBA").check(actions[0])
            Client("Office.js").check(actions[0])
    r = server.post("/xlwings/custom-scripts-call/drop_tables", MALFORMED[3])
    assert r.json()["actions"][0]["func"] == "alert"
    assert server.post("/xlwings/recalculate", MALFORMED[3], token="wrong").status_code == 401


def test_a_different_add_in_version_gets_an_alert_naming_both_versions(server, seed_book):
    import xlwings as xw
    payload = payload_from_xlsx(seed_book, "VBA", version="0.33.0")
    alert = server.post("/xlwings/recalculate", payload).json()["actions"][0]
    assert alert["func"] == "alert" and "0.33.0" in alert["args"][0] and xw.__version__ in alert["args"][0]


def test_https_with_certfile_and_keyfile(seed_book, tmp_path):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID
    import ipaddress
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
            .sign(key, hashes.SHA256()))
    certfile, keyfile = tmp_path / "cert.pem", tmp_path / "key.pem"
    certfile.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    keyfile.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
    s = Server([sys.executable, "-m", "xl_addin", "--certfile", str(certfile), "--keyfile", str(keyfile)],
               tmp_path, https=True, cert=certfile)
    try:
        payload = payload_from_xlsx(seed_book, "VBA")
        assert golden_rows(Client("VBA").apply(payload, s.post("/xlwings/recalculate", payload).json())) \
            == SEED000_GOLDEN
        manifest = s.get("/manifest.xml").text
        assert f'<SourceLocation DefaultValue="https://127.0.0.1:{s.port}/taskpane.html"/>' in manifest
    finally:
        assert "Traceback" not in s.stop()


def test_start_up_refuses_without_token_or_with_half_a_certificate(tmp_path):
    base = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "xl_addin", "--port", str(free_port())], cwd=ROOT, env=base,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "SHEETS_SYNC_EXCEL_TOKEN" in done.stderr and "Traceback" not in done.stderr
    done = subprocess.run([sys.executable, "-m", "xl_addin", "--port", str(free_port()), "--certfile", "x.pem"],
                          cwd=ROOT, env={**base, "SHEETS_SYNC_EXCEL_TOKEN": TOKEN}, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 2 and "--keyfile" in done.stderr and "Traceback" not in done.stderr
