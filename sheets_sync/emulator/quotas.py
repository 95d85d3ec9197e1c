"""Google's per-minute request quotas, counted on arrival as Google counts them.

Sheets: 'Read requests' / 'Write requests' per minute per user and per project -> 429.
Drive: queries per minute per user (and per project) -> 403 userRateLimitExceeded.
"""
from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass, field

from .errors import drive_rate_limited, sheets_quota


@dataclass
class Quota:
    """``time_scale`` > 1 makes a minute pass faster (benchmarks of 1000 units), nothing else."""
    reads_per_user: int | None = None
    writes_per_user: int | None = None
    per_project: int | None = None
    drive_per_user: int | None = None
    drive_per_project: int | None = None
    time_scale: float = 1.0
    _events: dict = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def window(self) -> float:
        return 60.0 / self.time_scale

    def take(self, user: str, kind: str, now: float | None = None) -> None:
        """Count a request ('read', 'write' or 'drive') that arrived at ``now``, or raise Google's error."""
        now = time.monotonic() if now is None else now
        with self._lock:
            checks = self._checks(user, kind)
            for key, limit, error in checks:
                q = self._events.setdefault(key, deque())
                while q and q[0] <= now - self.window:
                    q.popleft()
                if len(q) >= limit:
                    raise error()
            for key, *_ in checks:
                self._events[key].append(now)

    def _checks(self, user: str, kind: str) -> list:
        checks = []
        if kind == "drive":
            if self.drive_per_user:
                checks.append((("drive", "user", user), self.drive_per_user, drive_rate_limited))
            if self.drive_per_project:
                checks.append((("drive", "project"), self.drive_per_project, drive_rate_limited))
            return checks
        name = "Read requests" if kind == "read" else "Write requests"
        per_user = self.reads_per_user if kind == "read" else self.writes_per_user
        ident = name.split()[0]
        if per_user:
            checks.append((("user", user, kind), per_user,
                           lambda: sheets_quota(name, f"{name} per minute per user",
                                                f"{ident}RequestsPerMinutePerUser", per_user)))
        if self.per_project:
            limit = self.per_project
            checks.append((("project", kind), limit,
                           lambda: sheets_quota(name, f"{name} per minute",
                                                f"{ident}RequestsPerMinutePerProject", limit)))
        return checks
