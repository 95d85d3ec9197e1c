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
        sheets = "sheets.googleapis.com" in endpoint
        kind = "read" if method.lower() == "get" else "write"
        for attempt in range(self.retry.attempts):
            slots = self.limiter.acquire(kind) if sheets else ()
            self.requests_made += 1
            try:
                return super().request(method, endpoint, *args, **kwargs)
            except APIError as e:
                if e.code not in RETRY_CODES or attempt == self.retry.attempts - 1:
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


def translate(e: Exception, spreadsheet: str, account: str) -> SheetsSyncError:
    """A Google failure as a message a person can act on, with the API's own words."""
    if isinstance(e, RefreshError):
        return CredentialsError(f"ขอสิทธิ์เข้าถึง Google ไม่สำเร็จ ({account}): ตรวจไฟล์สิทธิ์เข้าถึง",
                                f"Google refused the credentials of {account}: {e}")
    if isinstance(e, (requests.ConnectionError, requests.Timeout, TransportError)):
        return GoogleError("ติดต่อ Google ไม่ได้ ลองใหม่ภายหลัง", f"cannot reach Google: {e}")
    if not isinstance(e, APIError):
        raise e
    code, msg = e.code, e.error.get("message", str(e))
    if code == 403:
        return GoogleError(
            f"ไม่มีสิทธิ์เข้าถึงสเปรดชีต {spreadsheet}: ให้เจ้าของแชร์ (ผู้แก้ไข) กับ {account}",
            f"no permission on spreadsheet {spreadsheet}: share it (Editor) with {account}. Google said: {msg}",
            code, msg)
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
