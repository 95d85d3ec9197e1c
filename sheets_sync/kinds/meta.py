"""The sheets sheets-sync keeps beside a unit's table: the hidden metadata sheet
(template identity, the values it last wrote), the archive and the audit trail.

The metadata sheet is key/value rows (key in A, value in B); what sheets-sync last
wrote to computed and template cells is kept there as JSON, so a later run can tell
a person's edit from its own.
"""
from __future__ import annotations

import json

from ..core.grid import Cell, Grid, a1, same_value

META_SHEET = "_sheets_sync"
ARCHIVE_SHEET = "เก็บถาวร"
AUDIT_SHEET = "ประวัติการแก้ไข"
AUDIT_HEADER = ["เวลา / time", "แผ่นงาน / sheet", "ช่อง / cell", "รหัส / code", "ข้อมูล / field",
                "ค่าที่หน่วยงานพิมพ์ / unit's value", "ค่าเดิมหรือค่ามาตรฐาน / previous or canonical value",
                "เรื่อง / what"]


# Excel keeps at most 32,767 characters in a cell (openpyxl cuts longer text silently),
# so a long value is kept in parts: KEY, KEY#part2, KEY#part3 ...
CELL_LIMIT = 30_000
PART = "#part"


def read_meta(grid: Grid | None) -> dict[str, object]:
    if grid is None:
        return {}
    meta, parts = {}, {}
    for r in range(1, grid.max_row + 1):
        k, v = grid.get(r, 1), grid.get(r, 2)
        if isinstance(k, str) and k:
            base, _, n = k.rpartition(PART)
            if base and n.isdigit():
                parts.setdefault(base, {})[int(n)] = v
            else:
                meta[k] = v
    for base, more in parts.items():
        if isinstance(meta.get(base), str):
            meta[base] += "".join(str(more[n] or "") for n in sorted(more))
    return meta


def in_parts(values: dict[str, object]) -> dict[str, object]:
    """The values with every long text split over as many cells as it needs."""
    out = {}
    for key, v in values.items():
        if isinstance(v, str) and len(v) > CELL_LIMIT:
            chunks = [v[i:i + CELL_LIMIT] for i in range(0, len(v), CELL_LIMIT)]
            out[key] = chunks[0]
            out.update({f"{key}{PART}{n}": c for n, c in enumerate(chunks[1:], 2)})
        else:
            out[key] = v
    return out


def recorded_values(meta: dict, sheet: str, sheets: tuple[str, ...] = ()) -> dict[str, object] | None:
    """What sheets-sync last wrote to the computed cells of ``sheet`` (``sheets``: every
    tab the workbook has now); None when the workbook has no metadata at all (not made
    by init: hand edits cannot be told)."""
    blob = meta.get(f"computed:{sheet}")
    if not isinstance(blob, str):
        # a renamed tab: the one record left whose sheet is gone is this sheet's
        orphans = [k for k in meta if k.startswith("computed:") and k[len("computed:"):] not in sheets]
        blob = meta.get(orphans[0]) if len(orphans) == 1 else None
    if not isinstance(blob, str):
        return {} if meta else None
    try:
        data = json.loads(blob)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def recorded_template(meta: dict, sheet: str) -> dict[str, object]:
    try:
        data = json.loads(meta.get(f"template:{sheet}") or "{}")
    except (TypeError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def blob(cells: dict[Cell, object], names: dict[Cell, str] | None = None) -> str:
    """The values as JSON, each under its cell's stable name (``ศปท.1|score``: the same
    after a person inserts or moves rows) or, without one, its A1 reference."""
    names = names or {}
    return json.dumps({names.get(c) or a1(*c): v for c, v in sorted(cells.items())}, ensure_ascii=False,
                      separators=(",", ":"))


def meta_cells(meta: Grid, values: dict[str, object]) -> dict[Cell, object]:
    """Cells of the metadata sheet (key in A, value in B) to write so it holds ``values``
    (a long value in parts; parts a shorter value no longer needs are emptied)."""
    rows = {meta.get(r, 1): r for r in range(1, meta.max_row + 1)}
    nxt = meta.max_row + 1
    out: dict[Cell, object] = {}
    values = in_parts(values)
    for key in list(rows):
        base, _, n = str(key).rpartition(PART)
        if base in values and n.isdigit() and key not in values and meta.get(rows[key], 2) not in (None, ""):
            values[key] = ""
    for key, v in values.items():
        r = rows.get(key)
        if r is None:
            r, nxt = nxt, nxt + 1
            out[(r, 1)] = key
        if not same_value(meta.get(r, 2), v):
            out[(r, 2)] = v
    return out


NOTES = "notes:"     # + sheet: the keys of the score notes last written there, and their text's checksum


def notes_record(keys, texts) -> str:
    """What the metadata keeps of the score notes written: one key per note
    (``core.trace.note_keys``) and a checksum of all their text."""
    import base64
    import numpy as np
    raw = np.asarray(keys, dtype="<u8").tobytes()
    return f"{_checksum(list(texts)):08x}:{base64.b64encode(raw).decode()}"


def _checksum(texts: list[str]) -> int:
    """CRC-32 of the texts: each group of 256 joined by U+001F and ended by U+001E, as
    UTF-16-LE. Four groups go to zlib at a time: fewer calls, and still no copy so large
    that the allocator maps fresh pages for it (that made one copy of all slower)."""
    import zlib
    crc, step, sep, end = 0, 256, chr(31), chr(30)
    for i in range(0, len(texts), 4 * step):
        crc = zlib.crc32("".join(sep.join(texts[j:j + step]) + end
                                 for j in range(i, min(i + 4 * step, len(texts)), step)).encode("utf-16-le"), crc)
    return crc


def recorded_notes(meta: dict, sheet: str, held_texts) -> "np.ndarray":
    """The keys of the notes last written to ``sheet`` when ``held_texts`` (the notes the
    sheet holds now at the same cells, in the same order) are still exactly those notes;
    else none (a note edited by hand or cells moved: every note is built again)."""
    import base64
    import binascii
    import numpy as np
    none = np.empty(0, dtype=np.uint64)
    rec = meta.get(NOTES + sheet)
    if not isinstance(rec, str) or ":" not in rec:
        return none
    crc, _, b64 = rec.partition(":")
    try:
        raw = base64.b64decode(b64, validate=True)
    except (binascii.Error, ValueError):
        return none
    if len(raw) % 8 or crc != f"{_checksum(held_texts):08x}":
        return none
    return np.frombuffer(raw, dtype="<u8").astype(np.uint64)


def reuse_recorded_notes(notes, held: dict, meta: dict, sheet: str) -> None:
    """Hand ``notes`` (a ``core.trace.ScoreNotes``) the notes ``held`` (the sheet's, by
    cell) when the metadata's checksum says they are still those written for the keys it
    kept: the rows whose key did not change keep them, the others are built."""
    texts = notes.held_texts(held)
    known = recorded_notes(meta, sheet, texts)
    if len(known):
        notes.reuse(held, texts, known)
