"""The documented endpoint override: send Google API traffic to another base URL.

Set ``SHEETS_SYNC_GOOGLE_ENDPOINT=http://127.0.0.1:PORT`` (or ``--endpoint``) to talk
to the local emulator. Only loopback addresses are accepted unless the caller
explicitly allows a remote endpoint (``--allow-remote-endpoint``), so a typo can
never send credentials or unit data to an unknown host.
"""
from __future__ import annotations

import ipaddress
import os
from urllib.parse import urlsplit

from requests.adapters import HTTPAdapter

from ...core.errors import SheetsSyncError

ENV = "SHEETS_SYNC_GOOGLE_ENDPOINT"
GOOGLE_HOSTS = ("https://sheets.googleapis.com/", "https://www.googleapis.com/", "https://oauth2.googleapis.com/")


class EndpointError(SheetsSyncError):
    pass


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def resolve_endpoint(endpoint: str | None = None, allow_remote: bool = False) -> str | None:
    url = endpoint or os.environ.get(ENV) or None
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise EndpointError(f"ปลายทาง {url!r} ไม่ใช่ URL", f"endpoint {url!r} is not an http(s) URL")
    if not is_loopback(parts.hostname) and not allow_remote:
        raise EndpointError(
            f"ปลายทาง {url} ไม่ใช่เครื่องนี้ (loopback) ต้องระบุ --allow-remote-endpoint จึงจะใช้ได้",
            f"endpoint {url} is not a loopback address; pass --allow-remote-endpoint to use it")
    return url.rstrip("/")


class EndpointAdapter(HTTPAdapter):
    """Rewrites Google API URLs to the override base, keeping path and query."""

    def __init__(self, base: str, **kwargs):
        super().__init__(**kwargs)
        self.base = base.rstrip("/")

    def send(self, request, **kwargs):
        parts = urlsplit(request.url)
        request.url = self.base + parts.path + (f"?{parts.query}" if parts.query else "")
        return super().send(request, **kwargs)


def mount(session, base: str) -> None:
    adapter = EndpointAdapter(base)
    for prefix in GOOGLE_HOSTS:
        session.mount(prefix, adapter)
