"""Race hooks: run a test's callback inside the emulator just before it handles a request.

    hook = emu.state.before("POST", r":batchUpdate$", lambda req: ..., once=True)

The callback runs synchronously on the server thread, after the request is authenticated and
counted and before it is dispatched, so whatever it changes (say, a person's edit made with
``state.as_user(email)``) is what that request meets. ``req`` is a HookedRequest.
"""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from typing import Callable


@dataclass(frozen=True)
class HookedRequest:
    method: str
    path: str            # URL path, unquoted as sent (e.g. /v4/spreadsheets/ID:batchUpdate)
    query: dict          # name -> list of values
    caller: str | None   # the authenticated e-mail
    body: bytes


@dataclass
class Hook:
    method: str | None
    pattern: re.Pattern
    fn: Callable[[HookedRequest], object]
    once: bool = True
    calls: int = 0
    active: bool = True
    errors: list = field(default_factory=list)

    def cancel(self) -> None:
        self.active = False

    def matches(self, method: str, path: str) -> bool:
        return self.active and (self.method in (None, "*", method)) and bool(self.pattern.search(path))


class HooksMixin:
    def _init_hooks(self) -> None:
        self.hooks: list[Hook] = []
        self._hooks_lock = threading.Lock()

    def before(self, method: str | None, pattern: str, fn: Callable[[HookedRequest], object],
               once: bool = True) -> Hook:
        """Run ``fn(request)`` before the next request whose method is ``method`` (None/'*' = any)
        and whose path matches the regex ``pattern`` (re.search); every match if once=False."""
        hook = Hook(method.upper() if method else None, re.compile(pattern), fn, once)
        with self._hooks_lock:
            self.hooks.append(hook)
        return hook

    def run_hooks(self, request: HookedRequest) -> None:
        with self._hooks_lock:
            due = [h for h in self.hooks if h.matches(request.method, request.path)]
            for h in due:
                if h.once:
                    h.active = False
            self.hooks = [h for h in self.hooks if h.active]
        for h in due:
            h.calls += 1
            try:
                h.fn(request)
            except Exception as e:  # a hook's failure is the test's, recorded, never the request's
                h.errors.append(e)
