"""The emulator's HTTP layer: routes Sheets v4, Drive v3 and OAuth token requests on
loopback to the state model, with latency, quotas, scopes, hooks and injected faults on top.
Nothing here changes state except through EmulatorState's methods."""
from __future__ import annotations

import json
import re
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from .auth import DRIVE_READ, DRIVE_WRITE, SHEETS_READ, SHEETS_WRITE
from .credentials import new_service_account, write_credentials
from .errors import ApiError, insufficient_scopes, not_found
from .fields import filter_fields
from .hooks import HookedRequest
from .model import quiet_gc
from .protection import enforcing
from .state import EmulatorState

_SS = re.compile(r"^/v4/spreadsheets/([^/:]+)(.*)$")
_FILE = re.compile(r"^/drive/v3/files/([^/]+)(/permissions)?$")
_SHEETS_SVC = "google.apps.sheets.v4.SpreadsheetsService."
_DRIVE_SVC = "com.google.apps.drive.v3."
# (method, rest of the path after the spreadsheet id) -> (RPC name, is a read)
_SHEETS_OPS = {("GET", ""): ("GetSpreadsheet", True), ("POST", ":batchUpdate"): ("BatchUpdateSpreadsheet", False),
               ("POST", ":getByDataFilter"): ("GetSpreadsheetByDataFilter", True),
               ("GET", "/values:batchGet"): ("BatchGetValues", True),
               ("POST", "/values:batchGetByDataFilter"): ("BatchGetValuesByDataFilter", True),
               ("POST", "/values:batchClear"): ("BatchClearValues", False),
               ("POST", "/values:batchUpdate"): ("BatchUpdateValues", False),
               ("POST", "/values:batchUpdateByDataFilter"): ("BatchUpdateValuesByDataFilter", False),
               ("POST", "/developerMetadata:search"): ("SearchDeveloperMetadata", True)}


def _sheets_op(method: str, path: str) -> tuple[str, bool]:
    if path == "/v4/spreadsheets":
        return "CreateSpreadsheet", False
    m = _SS.match(path)
    rest = m.group(2) if m else ""
    if (method, rest) in _SHEETS_OPS:
        return _SHEETS_OPS[(method, rest)]
    if rest.startswith("/developerMetadata/"):
        return "GetDeveloperMetadata", True
    if rest.startswith("/values/"):
        if method == "GET":
            return "GetValues", True
        return ("ClearValues" if rest.endswith(":clear") else "UpdateValues"), False
    return "Unknown", method == "GET"


def _drive_op(method: str, path: str) -> str:
    if path.startswith("/drive/v3/changes"):
        return "DriveChanges." + ("GetStartPageToken" if path.endswith("startPageToken") else "List")
    if path.endswith("/permissions"):
        return "DrivePermissions." + ("List" if method == "GET" else "Create")
    if path == "/drive/v3/files":
        return "DriveFiles." + ("List" if method == "GET" else "Create")
    return "DriveFiles." + {"GET": "Get", "DELETE": "Delete", "PATCH": "Update"}.get(method, method.title())


def encode(body, pretty: bool = True) -> bytes:
    """Google's indented JSON for ordinary answers; compact past 64 KB (grids of 100k rows) or
    when asked with ``prettyPrint=false``. UTF-8 either way, as Google sends it."""
    data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    if pretty and len(data) < 65536:
        data = json.dumps(body, ensure_ascii=False, indent=2).encode()
    return data


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: "_Server"
    _area = ""
    _pretty = True

    def setup(self):
        super().setup()
        # Headers and body go out in one write anyway; no Nagle wait for a delayed ACK either.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, *args):  # quiet: tests read counters, not logs
        pass

    def do_GET(self):
        self._handle("GET")

    def do_POST(self):
        self._handle("POST")

    def do_PUT(self):
        self._handle("PUT")

    def do_DELETE(self):
        self._handle("DELETE")

    def do_PATCH(self):
        self._handle("PATCH")

    # -- plumbing -----------------------------------------------------------------------
    def _body(self) -> bytes:
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def _send(self, code: int, body=None, content_type="application/json; charset=UTF-8"):
        data = b"" if body is None else (body if isinstance(body, bytes) else encode(body, self._pretty))
        if self._area in ("sheets", "drive"):   # API body bytes each way (benchmarks read them)
            self.server.state.count(f"bytes.out.{self._area}", len(data))
        self.send_response(code)
        self.send_header("Content-Type", content_type if code != 204 else "text/html")
        self.send_header("Content-Length", str(len(data)))
        # status line, headers and body in one segment: a separate body write would wait
        # on the client's delayed ACK (~40 ms) under Nagle.
        self._headers_buffer.append(b"\r\n")
        self._headers_buffer.append(data)
        self.flush_headers()

    def _handle(self, method: str):
        with quiet_gc():
            self._handle_quietly(method)

    def _handle_quietly(self, method: str):
        arrived = time.monotonic()  # quotas count on arrival, not when a lock frees up
        state: EmulatorState = self.server.state
        url = urlsplit(self.path)
        path, query = url.path, {k: v for k, v in parse_qs(url.query, keep_blank_values=True).items()}
        raw = self._body()
        self._pretty = query.get("prettyPrint", ["true"])[0].lower() != "false"
        area = self._area = "control" if path.startswith("/__emulator") else "token" if path == "/token" else \
            "drive" if path.startswith("/drive/") else "sheets"
        if area in ("sheets", "drive"):
            state.count(f"bytes.in.{area}", len(raw))
        try:
            if area == "control":
                return self._send(200, self._control(method, path, raw))
            fault = state.next_fault(area)
            if fault and fault["kind"] == "drop":
                state.count(f"fault.drop.{area}")
                self.close_connection = True
                self.connection.shutdown(2)
                return
            if state.latency:
                time.sleep(state.latency)
            if fault:
                state.count(f"fault.{fault['status']}.{area}")
                raise ApiError(fault["status"], "The service is currently unavailable." if fault["status"] >= 500
                               else "Injected fault", "UNAVAILABLE" if fault["status"] >= 500 else "ABORTED")
            if area == "token":
                state.count("token")
                form = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
                return self._send(200, state.token(form, self.server.base_url + "/token"))
            grant = state.grant_for(self.headers.get("Authorization"))
            caller = grant.email
            if area == "sheets":
                op, is_read = _sheets_op(method, path)
                kind = "read" if is_read else "write"
                state.count(f"sheets.{kind}")
                if not grant.scopes & (SHEETS_READ if is_read else SHEETS_WRITE):
                    raise insufficient_scopes("sheets.googleapis.com", _SHEETS_SVC + op)
                state.quota.take(caller, kind, arrived)
                state.run_hooks(HookedRequest(method, unquote(path), query, caller, raw))
                with enforcing():
                    answer = self._sheets(method, path, query, raw, caller)
                return self._send(*answer)
            state.count("drive")
            if not grant.scopes & (DRIVE_READ if method == "GET" else DRIVE_WRITE):
                raise insufficient_scopes("drive.googleapis.com", _DRIVE_SVC + _drive_op(method, path))
            state.quota.take(caller, "drive", arrived)
            state.run_hooks(HookedRequest(method, unquote(path), query, caller, raw))
            return self._send(*self._drive(method, path, query, raw, caller, grant.scopes))
        except ApiError as e:
            state.count(f"error.{e.code}")
            return self._send(e.code, e.oauth or e.body())
        except (ValueError, KeyError, json.JSONDecodeError) as e:
            state.count("error.400")
            return self._send(400, ApiError(400, f"Invalid JSON payload received. {e}", "INVALID_ARGUMENT").body())
        except (BrokenPipeError, ConnectionResetError):
            return None
        except Exception as e:  # an emulator bug must surface as Google's 500, not kill the thread
            state.count("error.500")
            return self._send(500, ApiError(500, f"Internal error encountered. ({type(e).__name__}: {e})",
                                            "INTERNAL").body())

    @staticmethod
    def _q(query, name, default=None):
        v = query.get(name)
        return v[0] if v else default

    def _sheets(self, method, path, query, raw, caller):
        state = self.server.state
        body = json.loads(raw or b"{}") if method in ("POST", "PUT") else {}
        if path == "/v4/spreadsheets" and method == "POST":
            ss = state.create_spreadsheet(body.get("properties", {}).get("title", "Untitled spreadsheet"), caller)
            return 200, state.get(ss.id, caller)
        m = _SS.match(path)
        if not m:
            raise not_found()
        sid, rest = m.group(1), m.group(2)
        render = self._q(query, "valueRenderOption", "FORMATTED_VALUE")
        major = self._q(query, "majorDimension", "ROWS")
        fields = self._q(query, "fields")
        if rest == "" and method == "GET":
            return 200, state.get(sid, caller, self._q(query, "includeGridData", "false").lower() == "true",
                                  query.get("ranges"), fields, copy_cells=False)
        if method == "POST":
            if rest == ":batchUpdate":
                return 200, state.batch_update(sid, caller, body, fields)
            if rest == ":getByDataFilter":
                return 200, state.get_by_data_filter(sid, caller, body, fields, copy_cells=False)
            if rest == "/values:batchClear":
                return 200, state.values_batch_clear(sid, caller, body.get("ranges", []))
            if rest == "/values:batchUpdate":
                return 200, state.values_batch_update(sid, caller, body.get("data", []),
                                                      body.get("valueInputOption", ""))
            if rest == "/values:batchGetByDataFilter":
                return 200, state.values_batch_get_by_data_filter(sid, caller, body)
            if rest == "/values:batchUpdateByDataFilter":
                return 200, state.values_batch_update_by_data_filter(sid, caller, body)
            if rest == "/developerMetadata:search":
                return 200, state.developer_metadata_search(sid, caller, body)
        if rest == "/values:batchGet" and method == "GET":
            return 200, state.values_batch_get(sid, caller, query.get("ranges", []), render, major)
        if rest.startswith("/developerMetadata/") and method == "GET":
            return 200, state.developer_metadata_get(sid, caller, int(rest.rsplit("/", 1)[1]))
        if rest.startswith("/values/"):
            rng = unquote(rest[len("/values/"):])
            if method == "GET":
                return 200, state.values_get(sid, caller, rng, render, major)
            if method == "PUT":
                return 200, state.values_update(sid, caller, rng, body.get("values", []),
                                                self._q(query, "valueInputOption", ""))
            if method == "POST" and rng.endswith(":clear"):
                return 200, state.values_clear(sid, caller, rng[:-len(":clear")])
        raise not_found()

    def _drive(self, method, path, query, raw, caller, scopes):
        state = self.server.state
        fields = self._q(query, "fields")
        if path == "/drive/v3/changes/startPageToken" and method == "GET":
            return 200, filter_fields(state.changes_start_page_token(caller), fields)
        if path == "/drive/v3/changes" and method == "GET":
            return 200, state.changes_list(caller, self._q(query, "pageToken"), int(self._q(query, "pageSize", 100)),
                                           fields, self._q(query, "includeRemoved", "true").lower() == "true", scopes)
        if path == "/drive/v3/files":
            if method == "POST":
                return 200, state.drive_create(caller, json.loads(raw or b"{}"), fields)
            if method == "GET":
                return 200, state.drive_list(caller, self._q(query, "q", ""), fields, scopes,
                                             int(self._q(query, "pageSize", 100)), self._q(query, "pageToken"))
        m = _FILE.match(path)
        if m:
            fid, perms = m.group(1), m.group(2)
            if perms and method == "POST":
                return 200, state.drive_share(caller, fid, json.loads(raw or b"{}"), scopes)
            if not perms and method == "GET":
                return 200, state.drive_get(caller, fid, fields, scopes)
            if not perms and method == "DELETE":
                state.drive_delete(caller, fid, scopes)
                return 204, None
        raise not_found()

    def _control(self, method, path, raw):
        """Test and benchmark hooks (not Google's): counters, faults, latency, quotas, seeding."""
        state = self.server.state
        body = json.loads(raw or b"{}")
        if path == "/__emulator/stats":
            if method == "POST":
                state.reset_stats()
            return state.stats()
        if path == "/__emulator/faults" and method == "POST":
            state.add_fault(body.get("kind", "status"), body.get("status", 503), body.get("count", 1),
                            body.get("match", "api"))
            return {"ok": True}
        if path == "/__emulator/latency" and method == "POST":
            state.latency = float(body.get("seconds", 0))
            return {"latency": state.latency}
        if path == "/__emulator/quota" and method == "POST":
            q = state.quota
            q.reads_per_user = body.get("reads_per_user")
            q.writes_per_user = body.get("writes_per_user")
            q.per_project = body.get("per_project")
            q.drive_per_user = body.get("drive_per_user")
            q.drive_per_project = body.get("drive_per_project")
            q.time_scale = float(body.get("time_scale", 1.0))
            return {"ok": True}
        if path == "/__emulator/expire-tokens" and method == "POST":
            return {"expired": state.expire_tokens()}
        if path == "/__emulator/service-accounts" and method == "POST":
            # another service account of the same project (benchmarks spread quota over several)
            info, public_pem = new_service_account(self.server.base_url)
            state.add_service_account(info["client_email"], public_pem)
            return info
        if path == "/__emulator/spreadsheets" and method == "POST":
            ss = state.create_spreadsheet(body.get("title", "Untitled"), body["owner"], body.get("share"))
            return {"id": ss.id}
        if path == "/__emulator/drive-file-model" and method == "POST":
            state.drive_file_model = bool(body.get("enabled", True))
            return {"drive_file_model": state.drive_file_model}
        raise ApiError(404, "unknown emulator control path", "NOT_FOUND")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, addr, state: EmulatorState):
        super().__init__(addr, _Handler)
        self.state = state
        self.base_url = f"http://{addr[0]}:{self.server_address[1]}"


class Emulator:
    """A running emulator: ``with Emulator() as emu: emu.base_url, emu.state``."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, state: EmulatorState | None = None):
        if host not in ("127.0.0.1", "localhost", "::1"):
            raise ValueError("the emulator listens on loopback only")
        self.state = state or EmulatorState()
        self._server = _Server((host, port), self.state)
        self.base_url = self._server.base_url
        self.port = self._server.server_address[1]
        self._thread: threading.Thread | None = None

    def start(self) -> "Emulator":
        # a short poll keeps stop() quick: tests start and stop many emulators
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02},
                                        name="sheets-emulator", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread:
            self._thread.join(5)

    def __enter__(self) -> "Emulator":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def service_account(self, path: str | Path | None = None, email: str | None = None) -> dict:
        """A fresh service account known to this emulator; written to ``path`` if given."""
        info, public_pem = new_service_account(self.base_url, email)
        self.state.add_service_account(info["client_email"], public_pem)
        if path:
            write_credentials(path, info)
        return info

    def serve_forever(self) -> None:
        self._server.serve_forever()
