"""A gspread client for sheets-sync: scopes, credentials, quota-aware retrying HTTP."""
from __future__ import annotations

import json
import random
import time
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import gspread
import requests
from google.auth.exceptions import GoogleAuthError, RefreshError, TransportError
from google.auth.transport.requests import AuthorizedSession, Request
from gspread.exceptions import APIError
from gspread.http_client import HTTPClient

from ...core.errors import SheetsSyncError
from .endpoint import mount, resolve_endpoint
from .ratelimit import Quotas, RateLimiter

# No wider than needed: the spreadsheets themselves, and Drive files this app created or opened.
SCOPES = ("https://www.googleapis.com/auth/spreadsheets", "https://www.googleapis.com/auth/drive.file")
RETRY_CODES = {408, 429, 500, 502, 503, 504}
# POSTs that Google counts as reads
READ_POSTS = (":getByDataFilter", "values:batchGetByDataFilter", "developerMetadata:search")
RATE_REASONS = {"rateLimitExceeded", "userRateLimitExceeded", "dailyLimitExceeded", "quotaExceeded"}
SCOPE_WORDS = ("insufficient authentication scopes", "ACCESS_TOKEN_SCOPE_INSUFFICIENT", "insufficientPermissions")


def reasons(e: APIError) -> set[str]:
    """Google's machine-readable reasons: Drive's errors[].reason, Sheets' ErrorInfo details."""
    err = e.error if isinstance(e.error, dict) else {}
    out = {x.get("reason", "") for x in err.get("errors", []) if isinstance(x, dict)}
    out |= {d.get("reason", "") for d in err.get("details", []) if isinstance(d, dict)}
    return out - {""}


def is_rate_limit(e: APIError) -> bool:
    return e.code == 429 or (e.code == 403 and bool(reasons(e) & RATE_REASONS))


def is_scope_error(e: APIError) -> bool:
    text = f"{e.error.get('message', '') if isinstance(e.error, dict) else ''} {' '.join(reasons(e))}"
    return e.code == 403 and any(w in text for w in SCOPE_WORDS)


def retryable(e: APIError) -> bool:
    return e.code in RETRY_CODES or is_rate_limit(e)


class GoogleError(SheetsSyncError):
    """A Google API error, carrying the API's own message."""

    def __init__(self, th: str, en: str, code: int | None = None, api_message: str = ""):
        super().__init__(th, en)
        self.code, self.api_message = code, api_message


class CredentialsError(GoogleError):
    pass


@dataclass
class RetryPolicy:
    """Exponential backoff with full jitter (AWS architecture blog's recommendation):
    sleep uniform(0, min(cap, base * 2**attempt))."""
    attempts: int = 6
    base: float = 1.0
    cap: float = 32.0

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        d = random.uniform(0, min(self.cap, self.base * 2 ** attempt))
        return max(d, retry_after or 0.0)


class QuotaAwareHTTPClient(HTTPClient):
    """gspread's HTTPClient with a client-side rate limiter and jittered retries on
    429, 5xx and dropped connections (gspread's BackOffHTTPClient has no jitter)."""

    def __init__(self, auth, session=None, *, limiter: RateLimiter | None = None,
                 retry: RetryPolicy | None = None, sleep=time.sleep):
        super().__init__(auth, session)
        self.limiter = limiter or RateLimiter()
        self.retry = retry or RetryPolicy()
        self.sleep = sleep
        self.requests_made = 0

    def request(self, method, endpoint, *args, **kwargs):
        service = "sheets" if "sheets.googleapis.com" in endpoint else "drive"
        reading = method.lower() == "get" or endpoint.endswith(READ_POSTS)
        kind = service + (".read" if reading else ".write")
        for attempt in range(self.retry.attempts):
            slots = self.limiter.acquire(kind)     # Drive too: its own per-user window
            self.requests_made += 1
            try:
                return super().request(method, endpoint, *args, **kwargs)
            except APIError as e:
                if not retryable(e) or attempt == self.retry.attempts - 1:
                    raise
                ra = e.response.headers.get("Retry-After")
                self.sleep(self.retry.delay(attempt, float(ra) if ra and ra.isdigit() else None))
            except (requests.ConnectionError, requests.Timeout, TransportError):
                if attempt == self.retry.attempts - 1:
                    raise
                self.sleep(self.retry.delay(attempt))
            finally:
                self.limiter.release(slots)  # the response is in: the slot counts from now
        raise AssertionError("unreachable")


def load_credentials(path: str | Path | None, authorized_user: str | Path | None = None):
    """Service-account JSON, or an installed-app client secret (OAuth flow via gspread's helpers)."""
    from google.oauth2 import service_account

    if path is None:
        raise CredentialsError("ต้องระบุไฟล์สิทธิ์เข้าถึง Google (--credentials)",
                               "a Google credentials file is needed (--credentials FILE)")
    p = Path(path)
    try:
        info = json.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CredentialsError(f"ไม่พบไฟล์สิทธิ์เข้าถึง {p}", f"credentials file not found: {p}") from None
    except (ValueError, UnicodeDecodeError):
        raise CredentialsError(f"ไฟล์สิทธิ์เข้าถึง {p} ไม่ใช่ JSON", f"credentials file {p} is not valid JSON") from None
    try:
        if info.get("type") == "service_account":
            return service_account.Credentials.from_service_account_info(info, scopes=list(SCOPES))
        if "installed" in info or "web" in info:
            stored = Path(authorized_user or p.with_name("authorized_user.json"))
            creds = gspread.auth.load_credentials(stored)
            if creds is None:
                creds = gspread.auth.local_server_flow(info, list(SCOPES))
                gspread.auth.store_credentials(creds, stored)
            return creds
        if info.get("type") == "authorized_user":
            from google.oauth2.credentials import Credentials
            return Credentials.from_authorized_user_info(info, list(SCOPES))
    except (ValueError, KeyError, GoogleAuthError) as e:
        raise CredentialsError(f"ไฟล์สิทธิ์เข้าถึง {p} ไม่ถูกต้อง: {e}", f"credentials file {p} is not usable: {e}") from None
    raise CredentialsError(f"ไฟล์ {p} ไม่ใช่ service account หรือ OAuth client",
                           f"{p} is neither a service-account key nor an OAuth client secret")


def account_email(creds) -> str:
    return getattr(creds, "service_account_email", None) or getattr(creds, "account", "") or "(OAuth user)"


def make_client(credentials: str | Path | None, *, endpoint: str | None = None, allow_remote_endpoint: bool = False,
                quotas: Quotas | None = None, limiter: RateLimiter | None = None, retry: RetryPolicy | None = None,
                authorized_user: str | Path | None = None) -> gspread.Client:
    creds = load_credentials(credentials, authorized_user)
    base = resolve_endpoint(endpoint, allow_remote_endpoint)
    token_session = requests.Session()
    session = AuthorizedSession(creds, auth_request=Request(token_session))
    if base:
        mount(session, base)
        mount(token_session, base)
    http = partial(QuotaAwareHTTPClient, limiter=limiter or RateLimiter(quotas), retry=retry)
    client = gspread.Client(creds, session=session, http_client=http)
    client.http_client.auth = creds
    client.account = account_email(creds)
    return client


def _unreachable(e: Exception) -> tuple[str, str, str]:
    """('host:port' or '', the reason in Thai, in English) of a failed connection: urllib3's
    own text ("HTTPConnectionPool(host=..., port=...): Max retries exceeded with url: ...
    (Caused by NewConnectionError(...))") buries both."""
    import re
    text = str(e)
    host = re.search(r"host='([^']+)', port=(\d+)", text)
    where = f"{host[1]}:{host[2]}" if host else ""
    for pattern, th, en in (("refused", "ปลายทางปฏิเสธการเชื่อมต่อ", "connection refused"),
                            ("timed out|Timeout", "หมดเวลารอ", "timed out"),
                            ("Name or service not known|getaddrinfo|resolve", "หาชื่อเครื่องไม่พบ", "name not found"),
                            ("SSL|certificate", "TLS ไม่ผ่าน", "TLS failed"),
                            ("reset", "การเชื่อมต่อถูกตัด", "connection reset")):
        if re.search(pattern, text):
            return where, th, en
    return where, text[:160], text[:160]


def translate(e: Exception, spreadsheet: str, account: str) -> SheetsSyncError:
    """A Google failure as a message a person can act on, with the API's own words."""
    if isinstance(e, RefreshError) and "invalid_scope" in str(e):
        return CredentialsError(
            f"สิทธิ์ (scope) ที่ {account} ยินยอมไว้ไม่พอ: ต้องอนุญาต spreadsheets และ drive.file "
            "(ลบ authorized_user.json แล้วยืนยันสิทธิ์ใหม่) การแชร์ไฟล์ไม่ช่วย",
            f"the grant of {account} lacks a needed OAuth scope ({' and '.join(SCOPES)} are needed): delete "
            f"authorized_user.json and sign in again; sharing the file will not help. Google said: {e}")
    if isinstance(e, RefreshError):
        return CredentialsError(f"ขอสิทธิ์เข้าถึง Google ไม่สำเร็จ ({account}): ตรวจไฟล์สิทธิ์เข้าถึง",
                                f"Google refused the credentials of {account}: {e}")
    if isinstance(e, (requests.ConnectionError, requests.Timeout, TransportError)):
        where, th, en = _unreachable(e)
        return GoogleError(f"ติดต่อ Google ไม่ได้{' ที่ ' + where if where else ''} ({th}) "
                           "ตรวจการเชื่อมต่อแล้วลองใหม่ภายหลัง",
                           f"cannot reach Google{' at ' + where if where else ''} ({en}): "
                           "check the connection and try again later")
    if not isinstance(e, APIError):
        raise e
    code, msg = e.code, e.error.get("message", str(e))
    if is_rate_limit(e):
        service = "Google Drive" if code == 403 else "Google Sheets"
        return GoogleError(f"เกินโควตาการใช้งาน {service} แม้ลองใหม่หลายครั้ง ลองใหม่ในอีกสักครู่ "
                           "(หรือลด --rpm / เพิ่มบัญชีบริการ)",
                           f"{service} quota exceeded even after retries with backoff; try again in a minute "
                           f"(or lower --rpm, or spread units over more --credentials). Google said: {msg}", code, msg)
    if is_scope_error(e):
        return CredentialsError(
            f"สิทธิ์ (scope) ของโทเค็น {account} ไม่พอสำหรับ {spreadsheet}: ต้องอนุญาต spreadsheets และ drive.file "
            "(ลบ authorized_user.json แล้วยืนยันสิทธิ์ใหม่ หรือเพิ่ม scope ให้บัญชีบริการ) การแชร์ไฟล์ไม่ช่วย",
            f"the token of {account} lacks a needed OAuth scope for {spreadsheet}: grant "
            f"{' and '.join(SCOPES)} (delete authorized_user.json and sign in again, or fix the scopes of the "
            f"domain-wide delegation); sharing the file will not help. Google said: {msg}", code, msg)
    if code == 403:
        return GoogleError(
            f"ไม่มีสิทธิ์เข้าถึงสเปรดชีต {spreadsheet}: ให้เจ้าของแชร์ (ผู้แก้ไข) กับ {account}",
            f"no permission on spreadsheet {spreadsheet}: share it (Editor) with {account}. Google said: {msg}",
            code, msg)
    if code == 404 and "File not found" in msg:
        return GoogleError(
            f"Google Drive มองไม่เห็นไฟล์ {spreadsheet} ภายใต้สิทธิ์ drive.file (ไฟล์ที่หน่วยงานสร้างเองแล้วแชร์ให้ "
            f"{account}): อ่านผ่าน Sheets ได้ แต่ข้อมูล Drive (เวลาแก้ไข) ไม่ทราบ ให้เปิดไฟล์ด้วยแอปครั้งหนึ่ง",
            f"Google Drive does not show {spreadsheet} to {account} under the drive.file scope (a file the unit "
            "created itself and shared): the Sheets API reads it, its Drive data (modified time) is unknown; "
            f"open it once with the app (Drive picker) to grant access. Google said: {msg}", code, msg)
    if code == 404:
        return GoogleError(f"ไม่พบสเปรดชีต {spreadsheet} (หรือยังไม่ได้แชร์กับ {account})",
                           f"spreadsheet {spreadsheet} not found (or not shared with {account}). Google said: {msg}",
                           code, msg)
    if code == 401:
        return CredentialsError(f"สิทธิ์เข้าถึง Google ไม่ถูกต้องหรือหมดอายุ ({account})",
                                f"Google rejected the credentials of {account}: {msg}", code, msg)
    if code == 429:
        return GoogleError("เกินโควตาการใช้งาน Google Sheets แม้ลองใหม่หลายครั้ง ลองใหม่ในอีกสักครู่",
                           f"Google Sheets quota exceeded even after retries; try again in a minute. Google said: {msg}",
                           code, msg)
    if code >= 500:
        return GoogleError("Google Sheets ขัดข้องชั่วคราว แม้ลองใหม่หลายครั้ง ไม่มีการเขียนใด ๆ",
                           f"Google Sheets kept failing ({code}) after retries; nothing was written. Google said: {msg}",
                           code, msg)
    return GoogleError(f"Google ตอบข้อผิดพลาด {code}: {msg}", f"Google answered {code}: {msg}", code, msg)


def protected_error(spreadsheet: str, account: str, reads: dict | None, cells: dict, msg: str) -> GoogleError:
    """Google refused the whole batch because a cell lies in someone else's protected range:
    name the range, its description and who may edit it."""
    from ...core.grid import a1
    found = []
    for title, rd in (reads or {}).items():
        wanted = cells.get(title, {})
        for p in rd.protected:
            users = (p.get("editors") or {}).get("users", [])
            if p.get("warningOnly") or account in users:
                continue
            rng = p.get("range", {})
            r0, r1 = rng.get("startRowIndex", 0), rng.get("endRowIndex", 10**9)
            c0, c1 = rng.get("startColumnIndex", 0), rng.get("endColumnIndex", 10**9)
            hit = [cell for cell in wanted if r0 < cell[0] <= r1 and c0 < cell[1] <= c1]
            if wanted and not hit:
                continue
            end = f":{a1(min(r1, rd.rows or r1), c1)}" if c1 < 10**9 else ""
            where = f"{title}!{a1(r0 + 1, c0 + 1)}{end}" if c1 < 10**9 else f"{title} (whole tab)"
            found.append((where, p.get("description", ""), ", ".join(users) or "the spreadsheet owner"))
    names = "; ".join(f"{w} ({d}) editable by {u}" if d else f"{w} editable by {u}" for w, d, u in found) \
        or "a protected range"
    return GoogleError(
        f"Google ปฏิเสธการเขียนทั้งหมดของ {spreadsheet}: ช่วงที่ป้องกัน {names} ไม่อนุญาตให้ {account} แก้ไข "
        f"ไม่มีการเขียนใด ๆ ให้เจ้าของช่วงเพิ่ม {account} เป็นผู้แก้ไขช่วงนั้น หรือยกเลิกการป้องกัน",
        f"Google refused the whole write to {spreadsheet}: protected range {names} does not let {account} "
        f"edit; nothing was written. Ask its owner to add {account} to the range's editors or remove the "
        f"protection. Google said: {msg}", 400, msg)
