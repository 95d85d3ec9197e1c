"""Which parts of a package need no well-formedness check: the ones sheets-sync wrote.

Before the byte scanner reads a sheet part, lxml parses it once to be sure it is
well-formed XML (:func:`~.xlsx_scan.well_formed`): 0.4 s of a 10,000-row sheet, the
largest single cost of a recalc that finds nothing to change. A part sheets-sync wrote
itself was checked (or built) then. So a save records, in the zip's comment, the CRC-32
and size of each part it knows well-formed; the next read skips the check of every part
whose entry in the zip's directory still has that CRC and size (its CRC is verified when
it is inflated). Excel, LibreOffice and openpyxl rewrite the whole zip: a part they
changed no longer matches and is checked as before, and a file with no record (or a
record spoiled) is checked whole. Somebody else's zip comment is kept, and no record is
made then.

The record vouches for bytes, not for intent: a file crafted to carry a record for a
malformed part is read by the byte scanner, which reads values and never resolves
entities (a part holding a DTD is never in the plain shape it reads).
"""
from __future__ import annotations

import json
import zipfile

PREFIX = b"sheets-sync well-formed "
_MAX = 60_000       # a zip comment holds at most 65,535 bytes


def vouched(comment: bytes, infos: list[zipfile.ZipInfo]) -> set[str]:
    """The parts whose bytes the record in ``comment`` vouches for (their CRC and size
    in the zip's directory are the recorded ones)."""
    if not comment.startswith(PREFIX):
        return set()
    try:
        record = json.loads(comment[len(PREFIX):])
    except ValueError:
        return set()
    if not isinstance(record, dict):
        return set()
    return {i.filename for i in infos if record.get(i.filename) == [i.CRC, i.file_size]}


def record(comment: bytes, written: list[zipfile.ZipInfo], good: set[str]) -> bytes:
    """The zip comment to write: the record of the ``good`` parts among those
    ``written`` (their CRC and size as just written), or a foreign comment as it was."""
    if comment and not comment.startswith(PREFIX):
        return comment      # not ours to replace
    entries = {i.filename: [i.CRC, i.file_size] for i in written if i.filename in good}
    if not entries:
        return b""
    out = PREFIX + json.dumps(entries, separators=(",", ":")).encode("ascii")
    return out if len(out) <= _MAX else b""
