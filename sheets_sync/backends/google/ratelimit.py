"""Client-side quota keeping: stay under Google's per-minute quotas instead of
collecting 429s. Shared by every thread of a run.

A request holds its slot from the moment it is allowed until its response arrives
(then for one window after). Google counts a request when it arrives, which lies
between those two instants, so whatever the network, queueing or GIL delays, two
requests that Google sees within one window were both in flight, or finished
within that window, when the later one was allowed: Google never counts more than
the limit. (A plain sliding window over send times still met 429s in the benchmark.)
"""
from __future__ import annotations

import itertools
import threading
import time
from dataclasses import dataclass


class SlidingWindow:
    def __init__(self, limit: int, window: float = 60.0, clock=time.monotonic, sleep=None):
        self.limit, self.window = limit, window
        self.clock = clock
        self.done: list[float] = []          # completion times within the window
        self.in_flight: set[int] = set()
        self.ids = itertools.count()
        self.cond = threading.Condition()
        self._sleep = sleep                  # tests pass a fake clock and sleep

    def _wait(self, seconds: float) -> None:
        if self._sleep is not None:
            self.cond.release()
            try:
                self._sleep(seconds)
            finally:
                self.cond.acquire()
        else:
            self.cond.wait(seconds)

    def acquire(self) -> int:
        """Block until a request may go; returns the slot to release when its response is in."""
        with self.cond:
            while True:
                now = self.clock()
                self.done = [t for t in self.done if t > now - self.window]
                if len(self.done) + len(self.in_flight) < self.limit:
                    slot = next(self.ids)
                    self.in_flight.add(slot)
                    return slot
                # wait for the oldest completion to leave the window, or for a release
                self._wait(self.done[0] + self.window - now if self.done else 0.05)

    def release(self, slot: int) -> None:
        with self.cond:
            if slot in self.in_flight:
                self.in_flight.discard(slot)
                self.done.append(self.clock())
                self.done.sort()
                self.cond.notify_all()


@dataclass
class Quotas:
    """Google's limits (2024): 60 reads and 60 writes per minute per user, 300 per project.
    ``margin`` seconds are added to the window (clocks of two machines run at slightly
    different rates); ``headroom`` requests are left unused."""
    reads_per_minute: int = 60
    writes_per_minute: int = 60
    project_per_minute: int = 300
    drive_per_minute: int = 600          # Drive: 12,000 per minute per user; we stay far below
    minute: float = 60.0
    margin: float = 0.25
    headroom: int = 1


class RateLimiter:
    def __init__(self, quotas: Quotas | None = None, project: SlidingWindow | None = None):
        q = quotas or Quotas()
        w = q.minute + q.margin
        self.read = SlidingWindow(max(1, q.reads_per_minute - q.headroom), w)
        self.write = SlidingWindow(max(1, q.writes_per_minute - q.headroom), w)
        # several service accounts of one project share this one
        self.project = project or SlidingWindow(max(1, q.project_per_minute - q.headroom), w)
        self.drive = SlidingWindow(max(1, q.drive_per_minute - q.headroom), w)

    def acquire(self, kind: str) -> tuple:
        """``kind``: "read"/"write" (Sheets), "sheets.read", "sheets.write", "drive.read", "drive.write"."""
        if kind.startswith("drive"):
            return ((self.drive, self.drive.acquire()),)
        user = self.read if kind.endswith("read") else self.write
        return (user, user.acquire()), (self.project, self.project.acquire())

    @staticmethod
    def release(slots: tuple) -> None:
        for window, slot in slots:
            window.release(slot)
