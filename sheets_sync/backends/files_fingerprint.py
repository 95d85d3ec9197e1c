"""What a file was when we read it (:class:`Fingerprint`: size, mtime, SHA-256), and
reading its bytes while nobody is writing it (:func:`read_stable`)."""
from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import WorkbookError


@dataclass(frozen=True)
class Fingerprint:
    """What a file was when we read it: size, modification time (ns) and SHA-256."""

    size: int
    mtime_ns: int
    sha256: str

    @classmethod
    def of_bytes(cls, data: bytes, st: os.stat_result) -> "Fingerprint":
        return cls(len(data), st.st_mtime_ns, hashlib.sha256(data).hexdigest())

    @classmethod
    def of_file(cls, path: str | Path) -> "Fingerprint | None":
        """The fingerprint of ``path`` now; None if it does not exist."""
        try:
            with open(path, "rb") as fh:
                st = os.fstat(fh.fileno())
                h = hashlib.sha256()
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    h.update(chunk)
        except FileNotFoundError:
            return None
        return cls(st.st_size, st.st_mtime_ns, h.hexdigest())

    def changed_since(self, other: "Fingerprint | None") -> bool:
        """True when ``self`` (now) differs from ``other`` (then) in size or content.
        Same content with a new mtime (a save with no edit) is not a change."""
        return other is None or self.size != other.size or self.sha256 != other.sha256


def fingerprint(path: str | Path) -> Fingerprint | None:
    return Fingerprint.of_file(path)


def read_stable(path: str | Path, limit: int | None = None, tries: int = 40) -> tuple[bytes, Fingerprint]:
    """The bytes of ``path`` and their fingerprint, read while nobody is writing it (a
    read racing a person's in-place save is retried for up to ~2 s). ``limit``: refuse
    a file larger than this many bytes, before reading it."""
    path = Path(path)
    data, st = b"", None
    for _ in range(max(1, tries)):
        with open(path, "rb") as fh:
            st = os.fstat(fh.fileno())
            if limit is not None and st.st_size > limit:
                raise WorkbookError(
                    f"ไฟล์ {path} ใหญ่เกินไป ({st.st_size / 2**20:.0f} MiB, รับได้ไม่เกิน {limit / 2**20:.0f} MiB)",
                    f"{path} is too large ({st.st_size / 2**20:.0f} MiB; the limit is {limit / 2**20:.0f} MiB)")
            data = fh.read()
        after = os.stat(path)
        if len(data) == st.st_size == after.st_size and st.st_mtime_ns == after.st_mtime_ns \
                and st.st_ino == after.st_ino:
            break
        time.sleep(0.05)
    return data, Fingerprint.of_bytes(data, st)
