"""The emulator's HTTP layer: routes Sheets v4, Drive v3 and OAuth token requests on
loopback to the state model, with latency, quotas and injected faults on top."""
from __future__ import annotations

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from .credentials import new_service_account, write_credentials
from .state import ApiError, EmulatorState

_SS = re.compile(r"^/v4/spreadsheets/([^/:]+)(.*)$")
_FILE = re.compile(r"^/drive/v3/files/([^/]+)(/permissions)?$")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: "_Server"

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
        data = b"" if body is None else (body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False, indent=2).encode())
        self.send_response(code)
        self.send_header("Content-Type", content_type if code != 204 else "text/html")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _handle(self, method: str):
        arrived = time.monotonic()  # quotas count on arrival, not when a lock frees up
        state: EmulatorState = self.server.state
        url = urlsplit(self.path)
        path, query = url.path, {k: v for k, v in parse_qs(url.query, keep_blank_values=True).items()}
        raw = self._body()
        area = "control" if path.startswith("/__emulator") else "token" if path == "/token" else \
            "drive" if path.startswith("/drive/") else "sheets"
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
            caller = state.authenticate(self.headers.get("Authorization"))
            if area == "sheets":
                kind = "read" if method == "GET" else "write"
                state.count(f"sheets.{kind}")
                state.quota.take(caller, kind, arrived)
                return self._send(*self._sheets(method, path, query, raw, caller))
            state.count("drive")
            return self._send(*self._drive(method, path, query, raw, caller))
        except ApiError as e:
            state.count(f"error.{e.code}")
            body = getattr(e, "oauth", None) or e.body()
            return self._send(e.code, body)
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
        if path == "/v4/spreadsheets" and method == "POST":
            body = json.loads(raw or b"{}")
            ss = state.create_spreadsheet(body.get("properties", {}).get("title", "Untitled spreadsheet"), caller)
            return 200, state.get(ss.id, caller)
        m = _SS.match(path)
        if not m:
            raise ApiError(404, "Requested entity was not found.", "NOT_FOUND")
        sid, rest = m.group(1), m.group(2)
        render = self._q(query, "valueRenderOption", "FORMATTED_VALUE")
        major = self._q(query, "majorDimension", "ROWS")
        if rest == "" and method == "GET":
            return 200, state.get(sid, caller, self._q(query, "includeGridData", "false").lower() == "true",
                                  query.get("ranges"), self._q(query, "fields"))
        if rest == ":batchUpdate" and method == "POST":
            return 200, state.batch_update(sid, caller, json.loads(raw or b"{}"))
        if rest == "/values:batchGet" and method == "GET":
            return 200, state.values_batch_get(sid, caller, query.get("ranges", []), render, major)
        if rest == "/values:batchClear" and method == "POST":
            return 200, state.values_batch_clear(sid, caller, json.loads(raw or b"{}").get("ranges", []))
        if rest == "/values:batchUpdate" and method == "POST":
            body = json.loads(raw or b"{}")
            return 200, state.values_batch_update(sid, caller, body.get("data", []), body.get("valueInputOption", ""))
        if rest.startswith("/values/"):
            rng = unquote(rest[len("/values/"):])
            if method == "GET":
                return 200, state.values_get(sid, caller, rng, render, major)
            if method == "PUT":
                body = json.loads(raw or b"{}")
                return 200, state.values_update(sid, caller, rng, body.get("values", []),
                                                self._q(query, "valueInputOption", ""))
            if method == "POST" and rng.endswith(":clear"):
                return 200, state.values_clear(sid, caller, rng[:-len(":clear")])
        raise ApiError(404, "Requested entity was not found.", "NOT_FOUND")

    def _drive(self, method, path, query, raw, caller):
        state = self.server.state
        if path == "/drive/v3/files":
            if method == "POST":
                return 200, state.drive_create(caller, json.loads(raw or b"{}"))
            if method == "GET":
                return 200, state.drive_list(caller, self._q(query, "q", ""))
        m = _FILE.match(path)
        if m:
            fid, perms = m.group(1), m.group(2)
            if perms and method == "POST":
                return 200, state.drive_share(caller, fid, json.loads(raw or b"{}"))
            if not perms and method == "GET":
                return 200, state.drive_get(caller, fid)
            if not perms and method == "DELETE":
                state.drive_delete(caller, fid)
                return 204, None
        raise ApiError(404, "Requested entity was not found.", "NOT_FOUND")

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
