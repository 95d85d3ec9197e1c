"""Client-side quota keeping: stay under Google's per-minute quotas instead of
collecting 429s. Sliding windows, shared by every thread of a run."""
from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass


class SlidingWindow:
    def __init__(self, limit: int, window: float = 60.0, clock=time.monotonic, sleep=time.sleep):
        self.limit, self.window = limit, window
        self.clock, self.sleep = clock, sleep
        self.events: deque[float] = deque()
        self.lock = threading.Lock()

    def wait_time(self, now: float) -> float:
        while self.events and self.events[0] <= now - self.window:
            self.events.popleft()
        return 0.0 if len(self.events) < self.limit else self.events[0] + self.window - now

    def acquire(self) -> float:
        """Block until a request may go; returns the seconds waited."""
        waited = 0.0
        while True:
            with self.lock:
                now = self.clock()
                delay = self.wait_time(now)
                if delay <= 0:
                    self.events.append(now)
                    return waited
            self.sleep(delay)
            waited += delay


@dataclass
class Quotas:
    """Google's limits (2024): 60 reads and 60 writes per minute per user, 300 per project.
    ``margin`` seconds are added to each window and ``headroom`` requests kept unused, so
    clock skew and network/queueing jitter between our send and Google's count never tip
    us over (the benchmark showed a time margin alone is not enough)."""
    reads_per_minute: int = 60
    writes_per_minute: int = 60
    project_per_minute: int = 300
    minute: float = 60.0
    margin: float = 0.25
    headroom: int = 2


class RateLimiter:
    def __init__(self, quotas: Quotas | None = None, project: SlidingWindow | None = None):
        q = quotas or Quotas()
        w = q.minute + q.margin
        self.read = SlidingWindow(max(1, q.reads_per_minute - q.headroom), w)
        self.write = SlidingWindow(max(1, q.writes_per_minute - q.headroom), w)
        # several service accounts of one project share this one
        self.project = project or SlidingWindow(max(1, q.project_per_minute - q.headroom), w)

    def acquire(self, kind: str) -> float:
        return (self.read if kind == "read" else self.write).acquire() + self.project.acquire()
