"""Accounts, the OAuth2 token endpoint and scopes: who a bearer token is, and what it may call.

A token carries the scopes of its grant: the JWT's ``scope`` claim for a service account, the
refresh request's ``scope`` (else the consent's) for an authorized user. Each API method names
the scopes Google accepts for it (Sheets v4 / Drive v3 reference pages, "Authorization scopes").
"""
from __future__ import annotations

import base64
import json
import secrets
import time
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

from .errors import insufficient_scopes, oauth_error, unauthenticated

JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
AUTH = "https://www.googleapis.com/auth/"
SPREADSHEETS, SPREADSHEETS_RO = AUTH + "spreadsheets", AUTH + "spreadsheets.readonly"
DRIVE, DRIVE_FILE, DRIVE_RO = AUTH + "drive", AUTH + "drive.file", AUTH + "drive.readonly"
DRIVE_META, DRIVE_META_RO = AUTH + "drive.metadata", AUTH + "drive.metadata.readonly"
DEFAULT_USER_SCOPES = frozenset({SPREADSHEETS, DRIVE})

# Scopes Google accepts, per kind of call.
SHEETS_READ = frozenset({SPREADSHEETS, SPREADSHEETS_RO, DRIVE, DRIVE_FILE, DRIVE_RO})
SHEETS_WRITE = frozenset({SPREADSHEETS, DRIVE, DRIVE_FILE})
DRIVE_READ = frozenset({DRIVE, DRIVE_FILE, DRIVE_RO, DRIVE_META, DRIVE_META_RO, AUTH + "drive.appdata",
                        AUTH + "drive.photos.readonly"})
DRIVE_WRITE = frozenset({DRIVE, DRIVE_FILE, AUTH + "drive.appdata"})


@dataclass(frozen=True)
class Grant:
    email: str
    expiry: float
    scopes: frozenset

    # old code unpacked (email, expiry)
    def __iter__(self):
        return iter((self.email, self.expiry))


def _b64(s: str) -> bytes:
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


class AuthMixin:
    """Service accounts (public keys), installed-app users (refresh tokens) and access tokens."""

    def _init_auth(self, token_lifetime: int) -> None:
        self.accounts: dict[str, object] = {}          # service-account email -> public key
        self.oauth_clients: dict[str, dict] = {}       # client_id -> {"secret", "refresh": {token: email}}
        self.tokens: dict[str, Grant] = {}             # access token -> Grant
        self.token_lifetime = token_lifetime
        self.scopes_seen: list[str] = []

    def add_service_account(self, email: str, public_key_pem: bytes) -> None:
        with self.lock:
            self.accounts[email] = serialization.load_pem_public_key(public_key_pem)

    def add_oauth_user(self, client_id: str, client_secret: str, refresh_token: str, email: str,
                       scopes=None) -> None:
        """An installed-app user's consent; ``scopes`` granted (default spreadsheets + drive)."""
        with self.lock:
            c = self.oauth_clients.setdefault(client_id, {"secret": client_secret, "refresh": {}, "scopes": {}})
            c["refresh"][refresh_token] = email
            c.setdefault("scopes", {})[refresh_token] = frozenset(scopes) if scopes else DEFAULT_USER_SCOPES

    def issue_token(self, email: str, scopes=DEFAULT_USER_SCOPES) -> str:
        """An access token for ``email`` straight from the state (tests acting as a person)."""
        with self.lock:
            return self._issue(email, frozenset(scopes))["access_token"]

    def _issue(self, email: str, scopes: frozenset) -> dict:
        token = "ya29.emu-" + secrets.token_urlsafe(24)
        self.tokens[token] = Grant(email, time.time() + self.token_lifetime, scopes)
        return {"access_token": token, "expires_in": self.token_lifetime, "token_type": "Bearer"}

    def token(self, form: dict, token_uri: str) -> dict:
        """OAuth2 token endpoint: a signed JWT assertion (service account) or a refresh token."""
        with self.lock:
            grant = form.get("grant_type")
            if grant == JWT_GRANT:
                email, scopes = self._check_jwt(form.get("assertion", ""), token_uri)
                return self._issue(email, scopes)
            if grant == "refresh_token":
                c = self.oauth_clients.get(form.get("client_id", ""))
                if not c or c["secret"] != form.get("client_secret"):
                    raise oauth_error("invalid_client", "The OAuth client was not found.", 401)
                rt = form.get("refresh_token", "")
                email = c["refresh"].get(rt)
                if not email:
                    raise oauth_error("invalid_grant", "Token has been expired or revoked.")
                granted = c.get("scopes", {}).get(rt, DEFAULT_USER_SCOPES)
                asked = frozenset(form.get("scope", "").split()) or granted
                if not asked <= granted:
                    raise oauth_error("invalid_scope", "Bad Request")
                self.scopes_seen.extend(sorted(asked))
                out = self._issue(email, asked)
                out["scope"] = " ".join(sorted(asked))
                return out
            raise oauth_error("unsupported_grant_type", f"Invalid grant_type: {grant}")

    def _check_jwt(self, assertion: str, token_uri: str) -> tuple[str, frozenset]:
        try:
            head_b64, body_b64, sig_b64 = assertion.split(".")
            header = json.loads(_b64(head_b64))
            claims = json.loads(_b64(body_b64))
            signature = _b64(sig_b64)
        except (ValueError, json.JSONDecodeError):
            raise oauth_error("invalid_grant", "Invalid JWT: malformed assertion") from None
        key = self.accounts.get(claims.get("iss"))
        if key is None:
            raise oauth_error("invalid_grant", "Invalid JWT Signature.")
        if header.get("alg") != "RS256":
            raise oauth_error("invalid_grant", "Invalid JWT: unsupported algorithm")
        try:
            key.verify(signature, f"{head_b64}.{body_b64}".encode(), padding.PKCS1v15(), hashes.SHA256())
        except InvalidSignature:
            raise oauth_error("invalid_grant", "Invalid JWT Signature.") from None
        now = time.time()
        if claims.get("aud") not in (token_uri, "https://oauth2.googleapis.com/token"):
            raise oauth_error("invalid_grant", f"Invalid JWT: audience must be {token_uri}")
        if not (claims.get("iat", 0) - 300 <= now <= claims.get("exp", 0) + 300):
            raise oauth_error("invalid_grant", "Invalid JWT: Token must be a short-lived token (60 minutes) and in "
                              "a reasonable timeframe.")
        scopes = claims.get("scope", "").split()
        if not scopes:
            raise oauth_error("invalid_scope", "Invalid OAuth scope or ID token audience provided.")
        self.scopes_seen.extend(scopes)
        return claims["iss"], frozenset(scopes)

    def grant_for(self, authorization: str | None) -> Grant:
        with self.lock:
            token = (authorization or "").removeprefix("Bearer ").strip()
            g = self.tokens.get(token)
            if not g or g.expiry < time.time():
                raise unauthenticated()
            return g

    def authenticate(self, authorization: str | None, need: frozenset | None = None, service: str = "",
                     method: str = "") -> str:
        """The caller's e-mail; 401 for a bad token, 403 when its scopes do not cover ``need``."""
        g = self.grant_for(authorization)
        if need is not None and not (g.scopes & need):
            raise insufficient_scopes(service, method)
        return g.email

    def expire_tokens(self) -> int:
        """Make every issued token expire now (tests of refresh on 401)."""
        with self.lock:
            n = len(self.tokens)
            self.tokens = {t: Grant(g.email, 0.0, g.scopes) for t, g in self.tokens.items()}
            return n
