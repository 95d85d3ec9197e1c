"""The emulator's state model: spreadsheets, Drive files, accounts, tokens, quotas.

No HTTP here (as in moto): every operation is a method that returns the JSON body
Google would answer, or raises ApiError with Google's error shape. The HTTP layer
in server.py only routes requests to these methods. EmulatorState is assembled from
one mixin per area (auth.py, sheets_api.py, drive.py, hooks.py); imports go one way:

    errors, cells, a1, fields  <-  model  <-  protection, datafilter  <-  batch_*  <-  requests_
    <-  sheets_api, drive, auth, quotas, hooks  <-  state  <-  server
"""
from __future__ import annotations

import threading
from collections import Counter

from .auth import AuthMixin
from .drive import DriveMixin
from .errors import ApiError, denied, invalid, not_found  # noqa: F401  (re-exported)
from .hooks import HooksMixin
from .model import Sheet, Spreadsheet  # noqa: F401  (re-exported)
from .protection import enforcing
from .quotas import Quota  # noqa: F401  (re-exported)
from .sheets_api import SheetsMixin


class EmulatorState(AuthMixin, SheetsMixin, DriveMixin, HooksMixin):
    """Everything the emulated Google holds. Thread-safe: one lock around each operation."""

    def __init__(self, token_lifetime: int = 3600):
        self.lock = threading.RLock()
        self.spreadsheets: dict[str, Spreadsheet] = {}
        self._init_auth(token_lifetime)
        self._init_drive()
        self._init_hooks()
        self.quota = Quota()
        self.counters: Counter = Counter()
        self.faults: list[dict] = []
        self.latency = 0.0
        self.write_log: list[tuple[str, str, dict]] = []   # (spreadsheet id, caller, batchUpdate body)

    # -- acting as a person ----------------------------------------------------------------
    def as_user(self, email: str) -> "UserView":
        """The state seen as ``email``: ``state.as_user(p).values_update(sid, rng, values)`` and every
        other caller-taking method without the caller argument (a person's edit in the UI)."""
        return UserView(self, email)

    def user_edit(self, sid: str, email: str, rng: str, values: list[list], option: str = "USER_ENTERED") -> dict:
        """A person typing ``values`` into ``rng`` as ``email`` (protection, sharing and change feed apply)."""
        with enforcing():
            return self.values_update(sid, email, rng, values, option)

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

    def count(self, key: str, n: int = 1) -> None:
        with self.lock:
            self.counters[key] += n

    def stats(self) -> dict:
        with self.lock:
            c = dict(self.counters)
            c["sheets.total"] = c.get("sheets.read", 0) + c.get("sheets.write", 0)
            return c

    def reset_stats(self) -> None:
        with self.lock:
            self.counters.clear()


class UserView:
    """Binds a caller to the state's methods: view.get(sid) == state.get(sid, email)."""

    _SID_FIRST = {"get", "get_by_data_filter", "values_get", "values_batch_get", "values_update",
                  "values_batch_update", "values_batch_clear", "values_clear", "batch_update",
                  "values_batch_get_by_data_filter", "values_batch_update_by_data_filter",
                  "developer_metadata_search", "developer_metadata_get"}
    _CALLER_FIRST = {"drive_create", "drive_get", "drive_list", "drive_delete", "drive_share",
                     "changes_start_page_token", "changes_list"}

    def __init__(self, state: EmulatorState, email: str):
        self.state, self.email = state, email

    def create_spreadsheet(self, title: str, **kw) -> Spreadsheet:
        return self.state.create_spreadsheet(title, self.email, **kw)

    def __getattr__(self, name):
        fn = getattr(self.state, name)
        if name in self._SID_FIRST:
            def bound(sid, *a, **kw):
                with enforcing():
                    return fn(sid, self.email, *a, **kw)
        elif name in self._CALLER_FIRST:
            def bound(*a, **kw):
                with enforcing():
                    return fn(self.email, *a, **kw)
        else:
            raise AttributeError(f"{name} does not take a caller")
        return bound
