"""The emulator's state model: spreadsheets, Drive files, accounts, tokens, quotas.

No HTTP here (as in moto): every operation is a method that returns the JSON body
Google would answer, or raises ApiError with Google's error shape. The HTTP layer
in server.py only routes requests to these methods.
"""
from __future__ import annotations

import base64
import copy
import json
import re
import secrets
import threading
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

from .a1 import format_range, parse_cells, split_range
from .fields import filter_fields, mentions_grid_data, trim_grid

DEFAULTS = json.loads((Path(__file__).parent / "google_defaults.json").read_text())["properties"]
SPREADSHEET_MIME = "application/vnd.google-apps.spreadsheet"
JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"


class ApiError(Exception):
    """An error answer in Google's shape: {"error": {"code", "message", "status"}}."""

    def __init__(self, code: int, message: str, status: str, details: list | None = None):
        super().__init__(message)
        self.code, self.message, self.status, self.details = code, message, status, details

    def body(self) -> dict:
        err = {"code": self.code, "message": self.message, "status": self.status}
        if self.details:
            err["details"] = self.details
        return {"error": err}


def not_found():
    return ApiError(404, "Requested entity was not found.", "NOT_FOUND")


def denied():
    return ApiError(403, "The caller does not have permission", "PERMISSION_DENIED")


def invalid(message: str):
    return ApiError(400, message, "INVALID_ARGUMENT")


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + f"{datetime.now(timezone.utc).microsecond // 1000:03d}Z"


def _new_id() -> str:
    return "1" + secrets.token_urlsafe(32)[:43]


@dataclass
class Sheet:
    sheet_id: int
    title: str
    index: int
    rows: int = 1000
    cols: int = 26
    hidden: bool = False
    frozen_rows: int = 0
    frozen_cols: int = 0
    grid_extra: dict = field(default_factory=dict)       # hideGridlines and friends
    cells: dict = field(default_factory=dict)            # (row, col) 0-based -> CellData dict
    merges: list = field(default_factory=list)
    protected: list = field(default_factory=list)
    conditional: list = field(default_factory=list)
    charts: list = field(default_factory=list)
    col_meta: dict = field(default_factory=dict)         # col -> {"pixelSize": n}
    tab_color: dict | None = None

    def properties(self) -> dict:
        grid = {"rowCount": self.rows, "columnCount": self.cols}
        if self.frozen_rows:
            grid["frozenRowCount"] = self.frozen_rows
        if self.frozen_cols:
            grid["frozenColumnCount"] = self.frozen_cols
        grid.update({k: v for k, v in self.grid_extra.items() if v})
        p = {"sheetId": self.sheet_id, "title": self.title, "index": self.index, "sheetType": "GRID",
             "gridProperties": grid}
        if self.hidden:
            p["hidden"] = True
        if self.tab_color:
            p["tabColorStyle"] = self.tab_color
        return p


@dataclass
class Spreadsheet:
    id: str
    title: str
    owner: str
    sheets: list[Sheet]
    permissions: dict = field(default_factory=dict)      # email -> role (owner, writer, reader)
    created: str = field(default_factory=_now)
    modified: str = field(default_factory=_now)
    locale: str = "en_US"
    time_zone: str = "Etc/GMT"
    developer_metadata: list = field(default_factory=list)
    named_ranges: list = field(default_factory=list)
    next_ids: int = 1

    def role(self, email: str | None) -> str | None:
        if email == self.owner:
            return "owner"
        return self.permissions.get(email) or self.permissions.get("anyone")

    def sheet_by_title(self, title: str) -> Sheet:
        for s in self.sheets:
            if s.title == title:
                return s
        raise invalid(f"Unable to parse range: {title}")

    def sheet_by_id(self, sheet_id: int) -> Sheet:
        for s in self.sheets:
            if s.sheet_id == sheet_id:
                return s
        raise invalid(f"No grid with id: {sheet_id}")


# --- values -----------------------------------------------------------------------

_ASCII_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$", re.ASCII)


def _is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def format_number(value: float, pattern: str | None) -> str:
    """Just enough of Sheets' number formats for the patterns this project writes."""
    if pattern and "." in pattern and set(pattern.split(".")[-1].split(";")[0]) <= {"0", "#"}:
        decimals = len(pattern.split(".")[-1].split(";")[0])
        return f"{value:.{decimals}f}"
    if pattern and pattern.split(";")[0].strip() == "0":
        return f"{value:.0f}"
    if pattern and pattern.startswith('"'):
        return pattern.split(";")[0].strip('"')
    return str(int(value)) if float(value).is_integer() and abs(value) < 1e15 else repr(float(value))


def typed(value) -> dict:
    if isinstance(value, bool):
        return {"boolValue": value}
    if _is_number(value):
        return {"numberValue": value}
    return {"stringValue": "" if value is None else str(value)}


def user_entered(value) -> dict:
    """valueInputOption=USER_ENTERED: formulas and numbers are parsed, as a person typing."""
    if isinstance(value, str):
        if value.startswith("="):
            return {"formulaValue": value}
        # Only ASCII numerals: Python's int() would also take Thai digits, Sheets (en_US) does not.
        if _ASCII_NUMBER.match(value.strip()):
            v = value.strip()
            return {"numberValue": float(v) if any(ch in v for ch in ".eE") else int(v)}
        if value.upper() in ("TRUE", "FALSE"):
            return {"boolValue": value.upper() == "TRUE"}
    return typed(value)


def make_cell(uev: dict, fmt: dict | None = None, note: str | None = None) -> dict:
    cell: dict = {}
    if uev:
        cell["userEnteredValue"] = uev
        if "formulaValue" not in uev:
            cell["effectiveValue"] = dict(uev)
            cell["formattedValue"] = _formatted(uev, fmt)
    if fmt:
        cell["userEnteredFormat"] = fmt
    if note:
        cell["note"] = note
    return cell


def _formatted(uev: dict, fmt: dict | None) -> str:
    pattern = ((fmt or {}).get("numberFormat") or {}).get("pattern")
    if "numberValue" in uev:
        return format_number(uev["numberValue"], pattern)
    if "boolValue" in uev:
        return "TRUE" if uev["boolValue"] else "FALSE"
    s = uev.get("stringValue", "")
    if pattern and pattern.count(";") == 3:
        text = pattern.split(";")[3]
        return text.replace("@", s).strip('"') if text else s
    return s


def rendered(cell: dict | None, option: str):
    if not cell or "userEnteredValue" not in cell:
        return ""
    uev = cell["userEnteredValue"]
    if option == "FORMULA" and "formulaValue" in uev:
        return uev["formulaValue"]
    if "formulaValue" in uev:
        return "" if option != "FORMATTED_VALUE" else "#NAME?"  # no formula engine here
    if option == "FORMATTED_VALUE":
        return cell.get("formattedValue", "")
    return next(iter(cell["effectiveValue"].values()))


# --- quota -------------------------------------------------------------------------

@dataclass
class Quota:
    """Google's per-minute quotas. ``time_scale`` > 1 makes a minute pass faster
    (benchmarks of 1000 units), and is applied to nothing else."""
    reads_per_user: int | None = None
    writes_per_user: int | None = None
    per_project: int | None = None
    time_scale: float = 1.0
    _events: dict = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def window(self) -> float:
        return 60.0 / self.time_scale

    def take(self, user: str, kind: str, now: float | None = None) -> None:
        """Count a request that arrived at ``now`` (Google counts on arrival), or raise 429."""
        now = time.monotonic() if now is None else now
        with self._lock:
            self._take(user, kind, now)

    def _take(self, user: str, kind: str, now: float) -> None:
        checks = []
        if kind == "read" and self.reads_per_user:
            checks.append((("user", user, "read"), self.reads_per_user, "Read requests", "Read requests per minute per user"))
        if kind == "write" and self.writes_per_user:
            checks.append((("user", user, "write"), self.writes_per_user, "Write requests", "Write requests per minute per user"))
        if self.per_project:
            name = "Read requests" if kind == "read" else "Write requests"
            checks.append((("project", kind), self.per_project, name, f"{name} per minute"))
        for key, limit, metric, lim_name in checks:
            q = self._events.setdefault(key, deque())
            while q and q[0] <= now - self.window:
                q.popleft()
            if len(q) >= limit:
                raise ApiError(429, f"Quota exceeded for quota metric '{metric}' and limit '{lim_name}' of service "
                               "'sheets.googleapis.com' for consumer 'project_number:000000000000'.",
                               "RESOURCE_EXHAUSTED",
                               [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "RATE_LIMIT_EXCEEDED",
                                 "domain": "googleapis.com",
                                 "metadata": {"quota_metric": f"sheets.googleapis.com/{metric.lower().replace(' ', '_')}",
                                              "quota_limit": lim_name, "service": "sheets.googleapis.com"}}])
        for key, *_ in checks:
            self._events[key].append(now)


# --- the state ---------------------------------------------------------------------

class EmulatorState:
    """Everything the emulated Google holds. Thread-safe: one lock around each operation."""

    def __init__(self, token_lifetime: int = 3600):
        self.lock = threading.RLock()
        self.spreadsheets: dict[str, Spreadsheet] = {}
        self.accounts: dict[str, object] = {}          # service-account email -> public key
        self.oauth_clients: dict[str, dict] = {}       # client_id -> {"secret", "refresh": {token: email}}
        self.tokens: dict[str, tuple[str, float]] = {}  # access token -> (email, expiry)
        self.token_lifetime = token_lifetime
        self.quota = Quota()
        self.counters: Counter = Counter()
        self.scopes_seen: list[str] = []
        self.faults: list[dict] = []
        self.latency = 0.0
        self.write_log: list[tuple[str, str, dict]] = []   # (spreadsheet id, caller, batchUpdate body)

    # -- accounts and tokens --------------------------------------------------------
    def add_service_account(self, email: str, public_key_pem: bytes) -> None:
        with self.lock:
            self.accounts[email] = serialization.load_pem_public_key(public_key_pem)

    def add_oauth_user(self, client_id: str, client_secret: str, refresh_token: str, email: str) -> None:
        with self.lock:
            c = self.oauth_clients.setdefault(client_id, {"secret": client_secret, "refresh": {}})
            c["refresh"][refresh_token] = email

    def _issue(self, email: str) -> dict:
        token = "ya29.emu-" + secrets.token_urlsafe(24)
        self.tokens[token] = (email, time.time() + self.token_lifetime)
        return {"access_token": token, "expires_in": self.token_lifetime, "token_type": "Bearer"}

    def token(self, form: dict, token_uri: str) -> dict:
        """OAuth2 token endpoint: a signed JWT assertion (service account) or a refresh token."""
        with self.lock:
            grant = form.get("grant_type")
            if grant == JWT_GRANT:
                return self._issue(self._check_jwt(form.get("assertion", ""), token_uri))
            if grant == "refresh_token":
                c = self.oauth_clients.get(form.get("client_id", ""))
                if not c or c["secret"] != form.get("client_secret"):
                    raise _oauth_error("invalid_client", "The OAuth client was not found.", 401)
                email = c["refresh"].get(form.get("refresh_token", ""))
                if not email:
                    raise _oauth_error("invalid_grant", "Token has been expired or revoked.")
                return self._issue(email)
            raise _oauth_error("unsupported_grant_type", f"Invalid grant_type: {grant}")

    def _check_jwt(self, assertion: str, token_uri: str) -> str:
        try:
            head_b64, body_b64, sig_b64 = assertion.split(".")
            header = json.loads(_b64(head_b64))
            claims = json.loads(_b64(body_b64))
            signature = _b64(sig_b64)
        except (ValueError, json.JSONDecodeError):
            raise _oauth_error("invalid_grant", "Invalid JWT: malformed assertion") from None
        key = self.accounts.get(claims.get("iss"))
        if key is None:
            raise _oauth_error("invalid_grant", "Invalid JWT Signature.")
        if header.get("alg") != "RS256":
            raise _oauth_error("invalid_grant", "Invalid JWT: unsupported algorithm")
        try:
            key.verify(signature, f"{head_b64}.{body_b64}".encode(), padding.PKCS1v15(), hashes.SHA256())
        except InvalidSignature:
            raise _oauth_error("invalid_grant", "Invalid JWT Signature.") from None
        now = time.time()
        if claims.get("aud") not in (token_uri, "https://oauth2.googleapis.com/token"):
            raise _oauth_error("invalid_grant", f"Invalid JWT: audience must be {token_uri}")
        if not (claims.get("iat", 0) - 300 <= now <= claims.get("exp", 0) + 300):
            raise _oauth_error("invalid_grant", "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe.")
        self.scopes_seen.extend(claims.get("scope", "").split())
        return claims["iss"]

    def authenticate(self, authorization: str | None) -> str:
        with self.lock:
            token = (authorization or "").removeprefix("Bearer ").strip()
            entry = self.tokens.get(token)
            if not entry or entry[1] < time.time():
                raise ApiError(401, "Request had invalid authentication credentials. Expected OAuth 2 access token, "
                               "login cookie or other valid authentication credential. See "
                               "https://developers.google.com/identity/sign-in/web/devconsole-project.",
                               "UNAUTHENTICATED")
            return entry[0]

    def expire_tokens(self) -> int:
        """Make every issued token expire now (tests of refresh on 401)."""
        with self.lock:
            n = len(self.tokens)
            self.tokens = {t: (e, 0.0) for t, (e, _) in self.tokens.items()}
            return n

    # -- faults, latency, counters ---------------------------------------------------
    def add_fault(self, kind: str = "status", status: int = 503, count: int = 1, match: str = "api") -> None:
        """kind 'status' answers ``status``; 'drop' closes the connection without answering."""
        with self.lock:
            self.faults.append({"kind": kind, "status": status, "remaining": count, "match": match})

    def next_fault(self, area: str) -> dict | None:
        with self.lock:
            for f in self.faults:
                if f["remaining"] > 0 and f["match"] in (area, "any", "api" if area != "token" else ""):
                    f["remaining"] -= 1
                    return dict(f)
            return None

    def count(self, key: str) -> None:
        with self.lock:
            self.counters[key] += 1

    def stats(self) -> dict:
        with self.lock:
            c = dict(self.counters)
            c["sheets.total"] = c.get("sheets.read", 0) + c.get("sheets.write", 0)
            return c

    def reset_stats(self) -> None:
        with self.lock:
            self.counters.clear()

    # -- spreadsheets -----------------------------------------------------------------
    def create_spreadsheet(self, title: str, owner: str, share: dict | None = None, sheets: list[str] | None = None,
                           spreadsheet_id: str | None = None) -> Spreadsheet:
        with self.lock:
            sid = spreadsheet_id or _new_id()
            ss = Spreadsheet(sid, title, owner, [Sheet(0, t, i) for i, t in enumerate(sheets or ["Sheet1"])],
                             permissions=dict(share or {}))
            for i, s in enumerate(ss.sheets):
                s.sheet_id = 0 if i == 0 else 1000 + i
            self.spreadsheets[sid] = ss
            return ss

    def _get(self, sid: str, caller: str | None, write: bool = False) -> Spreadsheet:
        ss = self.spreadsheets.get(sid)
        if ss is None:
            raise not_found()
        role = ss.role(caller)
        if role is None or (write and role not in ("owner", "writer")):
            raise denied()
        return ss

    def get(self, sid: str, caller: str | None, include_grid: bool = False, ranges: list[str] | None = None,
            fields: str | None = None) -> dict:
        with self.lock:
            ss = self._get(sid, caller)
            include_grid = include_grid or mentions_grid_data(fields)
            sheets = []
            wanted = None
            if ranges:
                wanted = {}
                for rng in ranges:
                    s, box = self._range(ss, rng)
                    wanted[s.sheet_id] = box
            for s in ss.sheets:
                if wanted is not None and s.sheet_id not in wanted:
                    continue
                entry: dict = {"properties": s.properties()}
                if s.merges:
                    entry["merges"] = [_proto(m) for m in s.merges]
                if s.protected:
                    entry["protectedRanges"] = [_proto(p) for p in s.protected]
                if s.conditional:
                    entry["conditionalFormats"] = copy.deepcopy(s.conditional)
                if s.charts:
                    entry["charts"] = copy.deepcopy(s.charts)
                if include_grid:
                    entry["data"] = [self._grid_data(s, wanted.get(s.sheet_id) if wanted else None)]
                sheets.append(entry)
            body = {"spreadsheetId": ss.id,
                    "properties": {"title": ss.title, "locale": ss.locale, "autoRecalc": DEFAULTS["autoRecalc"],
                                   "timeZone": ss.time_zone, "defaultFormat": DEFAULTS["defaultFormat"],
                                   "spreadsheetTheme": DEFAULTS["spreadsheetTheme"]},
                    "sheets": sheets}
            if ss.named_ranges:
                body["namedRanges"] = copy.deepcopy(ss.named_ranges)
            if ss.developer_metadata:
                body["developerMetadata"] = copy.deepcopy(ss.developer_metadata)
            body["spreadsheetUrl"] = f"https://docs.google.com/spreadsheets/d/{ss.id}/edit"
            out = filter_fields(body, fields)
            return trim_grid(out) if fields else out

    def _grid_data(self, s: Sheet, box=None) -> dict:
        r0, c0, r1, c1 = box or (0, 0, s.rows, s.cols)
        used = [(r, c) for (r, c) in s.cells if r0 <= r < r1 and c0 <= c < c1]
        last_r = max((r for r, _ in used), default=r0 - 1)
        rows = []
        for r in range(r0, last_r + 1):
            cols = [c for rr, c in used if rr == r]
            if not cols:
                rows.append({})
                continue
            rows.append({"values": [copy.deepcopy(s.cells.get((r, c), {})) for c in range(c0, max(cols) + 1)]})
        data: dict = {}
        if r0:
            data["startRow"] = r0
        if c0:
            data["startColumn"] = c0
        data["rowData"] = rows
        data["rowMetadata"] = [{"pixelSize": 21} for _ in range(r0, r1)]
        data["columnMetadata"] = [{"pixelSize": s.col_meta.get(c, {}).get("pixelSize", 100)} for c in range(c0, c1)]
        return data

    def _range(self, ss: Spreadsheet, rng: str) -> tuple[Sheet, tuple[int, int, int, int]]:
        title, cells = split_range(rng)
        if title is None:
            # A bare name is a sheet title when one matches, else A1 cells on the first sheet.
            try:
                return ss.sheet_by_title(cells), (0, 0, ss.sheet_by_title(cells).rows, ss.sheet_by_title(cells).cols)
            except ApiError:
                sheet = ss.sheets[0]
        else:
            sheet = ss.sheet_by_title(title)
        try:
            box = parse_cells(cells, sheet.rows, sheet.cols)
        except ValueError:
            raise invalid(f"Unable to parse range: {rng}") from None
        return sheet, box

    # values API
    def values_get(self, sid: str, caller: str, rng: str, render: str = "FORMATTED_VALUE",
                   major: str = "ROWS") -> dict:
        with self.lock:
            ss = self._get(sid, caller)
            return self._values(ss, rng, render, major)

    def _values(self, ss, rng, render, major) -> dict:
        sheet, (r0, c0, r1, c1) = self._range(ss, rng)
        r1, c1 = min(r1, sheet.rows), min(c1, sheet.cols)
        grid = [[rendered(sheet.cells.get((r, c)), render) for c in range(c0, c1)] for r in range(r0, r1)]
        if major == "COLUMNS":
            grid = [list(col) for col in zip(*grid)] if grid else []
        for row in grid:
            while row and row[-1] == "":
                row.pop()
        while grid and not grid[-1]:
            grid.pop()
        out = {"range": format_range(sheet.title, r0, c0, r1, c1), "majorDimension": major}
        if grid:
            out["values"] = grid
        return out

    def values_batch_get(self, sid: str, caller: str, ranges: list[str], render: str = "FORMATTED_VALUE",
                         major: str = "ROWS") -> dict:
        with self.lock:
            ss = self._get(sid, caller)
            return {"spreadsheetId": ss.id, "valueRanges": [self._values(ss, r, render, major) for r in ranges]}

    def values_update(self, sid: str, caller: str, rng: str, values: list[list], option: str) -> dict:
        with self.lock:
            ss = self._get(sid, caller, write=True)
            out = self._write_values(ss, rng, values, option)
            ss.modified = _now()
            return {"spreadsheetId": ss.id, **out}

    def _write_values(self, ss, rng, values, option) -> dict:
        if option not in ("RAW", "USER_ENTERED"):
            raise invalid("Invalid valueInputOption: INPUT_VALUE_OPTION_UNSPECIFIED")
        if not isinstance(values, list) or not all(isinstance(r, list) for r in values):
            msg = f"Invalid value at 'data.values' (type.googleapis.com/google.protobuf.ListValue), {json.dumps(values, ensure_ascii=False)}"
            raise ApiError(400, msg, "INVALID_ARGUMENT", [{"@type": "type.googleapis.com/google.rpc.BadRequest",
                                                           "fieldViolations": [{"field": "data.values", "description": msg}]}])
        sheet, (r0, c0, _, _) = self._range(ss, rng)
        parse = user_entered if option == "USER_ENTERED" else typed
        n_rows = len(values)
        n_cols = max((len(r) for r in values), default=0)
        if r0 + n_rows > sheet.rows or c0 + n_cols > sheet.cols:
            raise invalid(f"Range ('{sheet.title}'!{rng}) exceeds grid limits. Max rows: {sheet.rows}, max columns: {sheet.cols}")
        for i, row in enumerate(values):
            for j, v in enumerate(row):
                key = (r0 + i, c0 + j)
                old = sheet.cells.get(key, {})
                if v is None:
                    continue
                if v == "":
                    cell = {k: old[k] for k in ("userEnteredFormat", "note", "dataValidation") if k in old}
                else:
                    cell = make_cell(parse(v), old.get("userEnteredFormat"), old.get("note"))
                    if "dataValidation" in old:
                        cell["dataValidation"] = old["dataValidation"]
                if cell:
                    sheet.cells[key] = cell
                else:
                    sheet.cells.pop(key, None)
        written = [(i, j) for i, row in enumerate(values) for j, v in enumerate(row) if v is not None]
        return {"updatedRange": format_range(sheet.title, r0, c0, r0 + max(n_rows, 1), c0 + max(n_cols, 1)),
                "updatedRows": len({i for i, _ in written}), "updatedColumns": len({j for _, j in written}),
                "updatedCells": len(written)}

    def values_batch_update(self, sid: str, caller: str, data: list[dict], option: str) -> dict:
        with self.lock:
            ss = self._get(sid, caller, write=True)
            snapshot = copy.deepcopy(ss.sheets)
            try:
                responses = [{"spreadsheetId": ss.id, **self._write_values(ss, d["range"], d.get("values", []), option)}
                             for d in data]
            except ApiError:
                ss.sheets = snapshot
                raise
            ss.modified = _now()
            return {"spreadsheetId": ss.id, "totalUpdatedRows": sum(r["updatedRows"] for r in responses),
                    "totalUpdatedColumns": max((r["updatedColumns"] for r in responses), default=0),
                    "totalUpdatedCells": sum(r["updatedCells"] for r in responses),
                    "totalUpdatedSheets": len({r["updatedRange"].rpartition("!")[0] for r in responses}),
                    "responses": responses}

    def values_batch_clear(self, sid: str, caller: str, ranges: list[str]) -> dict:
        with self.lock:
            return {"spreadsheetId": sid,
                    "clearedRanges": [self.values_clear(sid, caller, r)["clearedRange"] for r in ranges]}

    def values_clear(self, sid: str, caller: str, rng: str) -> dict:
        with self.lock:
            ss = self._get(sid, caller, write=True)
            sheet, (r0, c0, r1, c1) = self._range(ss, rng)
            for key in [k for k in sheet.cells if r0 <= k[0] < r1 and c0 <= k[1] < c1]:
                cell = sheet.cells[key]
                for k in ("userEnteredValue", "effectiveValue", "formattedValue"):
                    cell.pop(k, None)
                if not cell:
                    del sheet.cells[key]
            ss.modified = _now()
            return {"spreadsheetId": ss.id, "clearedRange": format_range(sheet.title, r0, c0, min(r1, sheet.rows), min(c1, sheet.cols))}

    # batchUpdate: applied to a copy and committed whole, as Google applies it atomically.
    def batch_update(self, sid: str, caller: str, body: dict) -> dict:
        from .requests_ import apply_request
        with self.lock:
            ss = self._get(sid, caller, write=True)
            self.write_log.append((sid, caller, copy.deepcopy(body)))
            work = copy.deepcopy(ss)
            replies = []
            for i, req in enumerate(body.get("requests", [])):
                if not isinstance(req, dict) or len(req) != 1:
                    raise invalid(f"Invalid requests[{i}]: exactly one kind of request is required")
                (kind, args), = req.items()
                replies.append(apply_request(self, work, kind, args, i, caller))
            work.modified = _now()
            self.spreadsheets[sid] = work
            out = {"spreadsheetId": sid, "replies": replies}
            if body.get("includeSpreadsheetInResponse"):
                out["updatedSpreadsheet"] = self.get(sid, caller)
            return out

    # -- Drive ------------------------------------------------------------------------
    def drive_create(self, caller: str, body: dict) -> dict:
        with self.lock:
            if body.get("mimeType") != SPREADSHEET_MIME:
                raise invalid("Only Google Sheets files are emulated")
            ss = self.create_spreadsheet(body.get("name", "Untitled spreadsheet"), caller)
            return {"kind": "drive#file", "id": ss.id, "name": ss.title, "mimeType": SPREADSHEET_MIME}

    def drive_get(self, caller: str, fid: str) -> dict:
        with self.lock:
            ss = self._drive_file(caller, fid)
            return {"id": ss.id, "name": ss.title, "createdTime": ss.created, "modifiedTime": ss.modified}

    def _drive_file(self, caller, fid) -> Spreadsheet:
        ss = self.spreadsheets.get(fid)
        if ss is None or ss.role(caller) is None:
            raise ApiError(404, f"File not found: {fid}.", "NOT_FOUND")
        return ss

    def drive_list(self, caller: str, q: str = "") -> dict:
        with self.lock:
            files = []
            name = None
            if "name = " in q:
                name = q.split("name = ", 1)[1].strip().strip('"').replace("\\'", "'")
            for ss in self.spreadsheets.values():
                if ss.role(caller) is None or (name is not None and ss.title != name):
                    continue
                files.append({"id": ss.id, "name": ss.title, "createdTime": ss.created, "modifiedTime": ss.modified})
            return {"kind": "drive#fileList", "files": files}

    def drive_delete(self, caller: str, fid: str) -> None:
        with self.lock:
            ss = self._drive_file(caller, fid)
            if ss.role(caller) != "owner":
                raise ApiError(403, "The user does not have sufficient permissions for this file.", "PERMISSION_DENIED")
            del self.spreadsheets[fid]

    def drive_share(self, caller: str, fid: str, body: dict) -> dict:
        with self.lock:
            ss = self._drive_file(caller, fid)
            if ss.role(caller) not in ("owner", "writer"):
                raise ApiError(403, "The user does not have sufficient permissions for this file.", "PERMISSION_DENIED")
            who = body.get("emailAddress") or ("anyone" if body.get("type") == "anyone" else body.get("domain"))
            if not who or body.get("role") not in ("reader", "commenter", "writer", "owner"):
                raise invalid("Bad permission: emailAddress and role are required")
            ss.permissions[who] = "reader" if body["role"] == "commenter" else body["role"]
            return {"kind": "drive#permission", "id": secrets.token_hex(8), "type": body.get("type", "user"),
                    "role": body["role"]}


def _proto(obj: dict) -> dict:
    """Proto3 JSON leaves out default values: sheetId 0, false, empty text."""
    out = {}
    for k, v in obj.items():
        if isinstance(v, dict):
            v = _proto(v)
        if (k == "sheetId" and v == 0) or v is None or v is False or v == "" or v == []:
            continue
        out[k] = v
    return out


def _b64(s: str) -> bytes:
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def _oauth_error(error: str, description: str, code: int = 400) -> ApiError:
    e = ApiError(code, description, error)
    e.oauth = {"error": error, "error_description": description}
    return e
