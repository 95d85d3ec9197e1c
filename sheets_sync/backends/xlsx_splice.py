"""Cells, notes and row heights written straight into a plain worksheet part's bytes.

Parsing a 10,000-row sheet into an lxml tree to change four cells a row, serialising it
and freeing it again was most of a recalc's write and most of its memory. For a part the
byte scanner read (:mod:`.xlsx_scan`: the plain shape, every row and cell with its ``r``,
in order), the rows that change are cut out of the bytes and written anew, as the tree
writer (:mod:`.xlsx_cell_writes`, :mod:`.xlsx_notes`) would write them; every other byte
of the part stays as it was. Anything this module is not sure of (a shared formula to
unshare, text between a cell's elements, rich text, a row that is not there, a value the
tree writer refuses) returns None, and the caller writes through the tree, which knows
every case. tests/test_xlsx_splice.py holds the two writers to the same XML.
"""
from __future__ import annotations

import bisect
import re
from pathlib import Path

from ..core.errors import WorkbookError
from ..core.grid import Cell, a1, column_letter, parse_a1
from .xlsx_cell_writes import _ILLEGAL_XML, _cell_body, dimension_ref
from .xlsx_grid import MAX_COL, MAX_ROW
from .xlsx_notes import NOTE_LIMIT, NOTE_TITLE
from .xlsx_scan import _COL
from .xlsx_text import attrs as _attrs, content_until as _until, region as _region

# a start tag's attributes: each  name="value"  (no single quotes, no spaces around =)
_A = rb'((?:\s+[\w:]+="[^"]*")*)\s*'
_ROW = re.compile(rb"<row\b" + _A + rb"(/?)>")
_ROW_R = re.compile(rb'\s+r="([0-9]+)"')
_CELL = re.compile(rb"<c\b" + _A + rb"(?:/>|>" + _until(b"c") + rb")")
_RST = re.compile(rb' r="[A-Z]{1,3}[0-9]+"(?: s="[0-9]+")?( t="[a-zA-Z]+")?')
_TOK = re.compile(rb'(\s+)([\w:]+)="([^"]*)"')
# the cell contents whose rewrite by put_value is known exactly (its fast in-place path
# gives the same XML for these): a value, an inline string, a formula and its value
_SIMPLE = re.compile(rb'(?:<v>[^<]*</v>|<v/>|<is><t(?: xml:space="preserve")?>[^<]*</t></is>|<is><t/></is>'
                     rb'|(<f\b[^>]*?(?:/>|>[^<]*</f>))(?:<v>[^<]*</v>|<v/>)?)')
_F_ATTRS = re.compile(rb"<f\b([^>]*?)/?>")
_DIMENSION = re.compile(rb"<dimension\b" + _A + rb"(/>|></dimension>)")
_SHEET_DATA = re.compile(rb"<sheetData\b" + _A + rb">")
_DVS = re.compile(rb"<dataValidations\b" + _A + rb"(/?)>")
_DV = re.compile(rb"<dataValidation\b" + _A + rb"(?:/>|>" + _until(b"dataValidation") + rb")")


class _Decline(Exception):
    """Not a case this writer knows exactly: the tree writes it."""


def _esc_attr(text: str) -> str:
    """An attribute value as lxml writes it (what it reads back is the same text)."""
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
            .replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;"))


def _set_attrs(attrs: bytes, drop: tuple[bytes, ...] = (), put: dict[bytes, str] | None = None) -> bytes:
    """A start tag's attributes with ``drop`` removed and ``put`` set (an attribute set
    anew keeps its place, a new one goes last, as lxml does)."""
    put = dict(put or {})
    out = []
    for space, key, value in _TOK.findall(attrs):
        if key in drop:
            continue
        if key in put:
            value = _esc_attr(put.pop(key)).encode()
        out.append(b"%s%s=\"%s\"" % (space, key, value))
    out += [b' %s="%s"' % (k, _esc_attr(v).encode()) for k, v in put.items()]
    return b"".join(out)


def _rows(data: bytes, start: int, end: int) -> tuple[list[int], list[tuple]]:
    """Every row in sheetData [start, end): its number and (start, start tag end, end,
    attributes, self-closed); only whitespace may lie between rows."""
    numbers, spans = [], []
    prev = start
    for m in _ROW.finditer(data, start, end):
        s = m.start()
        if s != prev and data[prev:s].strip():
            raise _Decline
        rm = _ROW_R.match(m.group(1))
        if rm is None:
            raise _Decline
        closed = bool(m.group(2))
        if closed:
            e = m.end()
        else:
            e = data.find(b"</row>", m.end(), end)
            if e == -1:
                raise _Decline
            e += 6
        r = int(rm.group(1))
        if numbers and r <= numbers[-1]:
            raise _Decline      # out of order or repeated: the tree reader says so
        numbers.append(r)
        spans.append((s, m.end(), e, m.group(1), closed))
        prev = e
    if data[prev:end].strip() or data.count(b"<row", start, end) != len(spans):
        raise _Decline
    return numbers, spans


def _col_styles(data: bytes) -> list[tuple[int, int, str]]:
    out = []
    for m in _COL.finditer(data, *_region(data, b"<cols", b"</cols>")):
        a = _attrs(m.group(1))
        if a.get("style"):
            try:
                out.append((int(a.get("min")), int(a.get("max")), a["style"]))
            except (TypeError, ValueError):
                raise _Decline from None    # the tree writer says what is wrong
    return out


def _style(row_attrs: dict | None, c: int, col_styles) -> str | None:
    style = row_attrs.get("s") if row_attrs and row_attrs.get("customFormat") in ("1", "true") else None
    for lo, hi, s in col_styles:
        if lo <= c <= hi:
            style = s
    return style


def _new_cell(r: int, c: int, value, style: str | None, name: str, book) -> str:
    ref = f"{column_letter(c)}{r}"
    head = f'<c r="{ref}"' + _style_attr(style)
    return head + _body(value, ref, name, book)


def _style_attr(style: str | None) -> str:
    return f' s="{_esc_attr(style)}"' if style else ""


def _new_row(r: int, cells: list, heads: dict[int, tuple[str, str]], col_styles, name: str, book) -> str:
    """The cells of a row the part does not have (history rows: 70,000 cells in a first
    recalc), each column's letters and style worked out once per write."""
    out = []
    for (_, c), v in cells:
        head = heads.get(c)
        if head is None:
            head = heads[c] = (column_letter(c), _style_attr(_style(None, c, col_styles)))
        ref = f"{head[0]}{r}"
        out.append(f'<c r="{ref}"{head[1]}' + _body(v, ref, name, book))
    return "".join(out)


def _body(value, ref: str, name: str, book) -> str:
    """_cell_body, with the common case (a finite float) first."""
    if type(value) is float and value - value == 0.0:
        return f"><v>{repr(value).removesuffix('.0') if value.is_integer() else repr(value)}</v></c>"
    return _cell_body(value, ref, name, book)


def _rewrite(m, r: int, c: int, value, name: str, book) -> tuple[bytes, int]:
    """An existing cell holding ``value``, its other attributes kept; (bytes, formulas dropped)."""
    inner = m.group(2)
    dropped = 0
    if inner:
        s = _SIMPLE.fullmatch(inner)
        if s is None:
            raise _Decline
        if s.group(1):
            fa = _attrs(_F_ATTRS.match(s.group(1)).group(1))
            if fa.get("t") == "shared" and fa.get("si") is not None:
                raise _Decline      # its group is unshared first: the tree writer does that
            dropped = 1
    attrs = m.group(1)
    plain = _RST.fullmatch(attrs)     # the usual  r s t : its t cut out without reading each attribute
    if plain is not None:
        if plain.group(1):
            attrs = attrs[:plain.start(1)] + attrs[plain.end(1):]
    else:
        attrs = _set_attrs(attrs, drop=(b"t",))
    return b"<c" + attrs + _body(value, f"{column_letter(c)}{r}", name, book).encode("utf-8"), dropped


def _row_cells(data: bytes, s: int, e: int) -> list[tuple[int, object]]:
    """(column, match) of every cell in a row's content [s, e); only whitespace between."""
    out, prev = [], s
    for m in _CELL.finditer(data, s, e):
        if m.start() != prev and data[prev:m.start()].strip():
            raise _Decline
        a = _attrs(m.group(1))
        try:
            col = parse_a1(a["r"])[1]
        except (KeyError, ValueError):
            raise _Decline from None
        if out and col <= out[-1][0]:
            raise _Decline
        out.append((col, m))
        prev = m.end()
    if data[prev:e].strip():
        raise _Decline
    return out


def splice_cells(data: bytes, updates: dict[Cell, object], name: str, book: str | Path) -> tuple[bytes, int] | None:
    """(the part's bytes with ``updates`` written, formulas dropped), or None: write it
    through the tree (see :func:`~.xlsx_cell_writes.write_cells`)."""
    try:
        return _splice_cells(data, updates, name, book)
    except (_Decline, UnicodeError, ValueError, WorkbookError):
        return None     # the tree writer raises its own message for what is refused


def _splice_cells(data: bytes, updates: dict, name: str, book) -> tuple[bytes, int]:
    sd = _SHEET_DATA.search(data)
    if sd is None:
        raise _Decline
    end = data.find(b"</sheetData>", sd.end())
    if end == -1:
        raise _Decline
    ordered = sorted(updates.items())
    for (r, c), _ in ordered:
        if not (1 <= r <= MAX_ROW and 1 <= c <= MAX_COL):
            raise _Decline      # the tree writer names the cell
    numbers, spans = _rows(data, sd.end(), end)
    col_styles = _col_styles(data)
    heads: dict[int, tuple[str, str]] = {}      # column -> its letters and style, for new rows
    pieces, pos, dropped = [], 0, 0
    i, n = 0, len(ordered)
    while i < n:
        r = ordered[i][0][0]
        j = i
        while j < n and ordered[j][0][0] == r:
            j += 1
        cells = ordered[i:j]
        k = bisect.bisect_left(numbers, r)
        if k < len(numbers) and numbers[k] == r:
            s, tag_end, e, attrs, closed = spans[k]
            new, d = _edit_row(data, r, s, tag_end, e, attrs, closed, cells, col_styles, name, book)
            dropped += d
            pieces += [data[pos:s], new]
            pos = e
        else:       # a new row, before the next one there is (or last in sheetData)
            at = spans[k][0] if k < len(numbers) else end
            row = _new_row(r, cells, heads, col_styles, name, book)
            pieces += [data[pos:at], f'<row r="{r}">{row}</row>'.encode("utf-8")]
            pos = at
        i = j
    pieces.append(data[pos:])
    out = b"".join(pieces)
    return _dimension(out, sd.start(), updates), dropped


def _edit_row(data, r, s, tag_end, e, attrs, closed, cells, col_styles, name, book) -> tuple[bytes, int]:
    dropped = 0
    found = {}
    content_end = tag_end if closed else e - 6
    for (_, c), _v in cells:        # where each cell sits, found by its reference
        p = data.find(f'<c r="{column_letter(c)}{r}"'.encode(), tag_end, content_end)
        if p == -1:
            break
        m = _CELL.match(data, p, content_end)
        if m is None:
            raise _Decline
        found[c] = m
    else:
        out, pos = [], tag_end
        for (_, c), v in cells:
            m = found[c]
            new, d = _rewrite(m, r, c, v, name, book)
            dropped += d
            out += [data[pos:m.start()], new]
            pos = m.end()
        out.append(data[pos:e])
        return data[s:tag_end] + b"".join(out), dropped
    # a cell the row does not have: the row's cells read, the new one put in column order
    have = _row_cells(data, tag_end, content_end)
    cols = [c for c, _ in have]
    row_attrs = _attrs(attrs)
    out, pos, added = [], tag_end, False
    inserts: dict[int, list[bytes]] = {}
    edits = {}
    for (_, c), v in cells:
        k = bisect.bisect_left(cols, c)
        if k < len(cols) and cols[k] == c:
            edits[k] = _rewrite(have[k][1], r, c, v, name, book)
        else:
            inserts.setdefault(k, []).append(
                _new_cell(r, c, v, _style(row_attrs, c, col_styles), name, book).encode("utf-8"))
            added = True
    for k, (c, m) in enumerate(have):
        if k in inserts:
            out += [data[pos:m.start()], *inserts[k]]
            pos = m.start()
        if k in edits:
            new, d = edits[k]
            dropped += d
            out += [data[pos:m.start()], new]
            pos = m.end()
    out.append(data[pos:content_end])
    out += inserts.get(len(have), [])
    start = b"<row" + (_set_attrs(attrs, drop=(b"spans",)) if added else attrs) + b">"
    return start + b"".join(out) + b"</row>", dropped


def _dimension(data: bytes, before: int, updates) -> bytes:
    m = _DIMENSION.search(data, 0, before)
    if m is None:
        return data
    ref = dimension_ref(_attrs(m.group(1)).get("ref", "A1"), updates)
    if ref is None:
        return data
    tag = b"<dimension" + _set_attrs(m.group(1), put={b"ref": ref}) + m.group(2)
    return data[:m.start()] + tag + data[m.end():]


def splice_notes(data: bytes, notes: dict[Cell, str]) -> bytes | None:
    """The part's bytes with our notes replaced by ``notes`` (see
    :func:`~.xlsx_notes.write_notes`), or None: write it through the tree."""
    try:
        return _splice_notes(data, notes)
    except (_Decline, UnicodeError, ValueError):
        return None


def _splice_notes(data: bytes, notes: dict[Cell, str]) -> bytes:
    m = _DVS.search(data)
    if m is None or m.group(2):
        raise _Decline      # no dataValidations yet (or an empty one): where it goes is the tree's
    close = data.find(b"</dataValidations>", m.end())
    if close == -1 or data.find(b"<dataValidations", m.end()) != -1:
        raise _Decline
    found = list(_DV.finditer(data, m.end(), close))
    if data.count(b"<dataValidation", m.end(), close) != len(found):
        raise _Decline
    ends = [dv.start() for dv in found[1:]] + [close]
    text = data[m.end():found[0].start()] if found else data[m.end():close]
    kept = []
    for dv, tail_end in zip(found, ends):
        if data[dv.end():tail_end].strip():
            raise _Decline
        if _attrs(dv.group(1)).get("promptTitle") != NOTE_TITLE:
            kept.append(data[dv.start():tail_end])     # with its tail: lxml removes a child with it
    if text.strip():
        raise _Decline
    new = []
    for cell, note in sorted(notes.items()):
        note = note[:NOTE_LIMIT]
        if _ILLEGAL_XML.search(note):
            raise _Decline      # lxml refuses it: the tree writer says so
        new.append(f'<dataValidation allowBlank="1" showInputMessage="1" promptTitle="{_esc_attr(NOTE_TITLE)}" '
                   f'prompt="{_esc_attr(note)}" sqref="{a1(*cell)}"/>')
    count = len(kept) + len(new)
    after = close + len(b"</dataValidations>")
    if not count:       # the container goes, with its tail
        nxt = data.find(b"<", after)
        return data[:m.start()] + data[nxt if nxt != -1 else len(data):]
    start = b"<dataValidations" + _set_attrs(m.group(1), put={b"count": str(count)}) + b">"
    return b"".join([data[:m.start()], start, text, *kept, "".join(new).encode("utf-8"), data[close:]])


def splice_heights(data: bytes, heights: dict[int, float]) -> bytes | None:
    """The part's bytes with these rows' heights set (see
    :func:`~.xlsx_cell_writes.grow_rows`), or None: write it through the tree."""
    try:
        sd = _SHEET_DATA.search(data)
        if sd is None:
            raise _Decline
        end = data.find(b"</sheetData>", sd.end())
        numbers, spans = _rows(data, sd.end(), end)
        pieces, pos = [], 0
        for r, h in sorted(heights.items()):
            k = bisect.bisect_left(numbers, r)
            if k == len(numbers) or numbers[k] != r:
                raise _Decline
            s, tag_end, _, attrs, closed = spans[k]
            tag = b"<row" + _set_attrs(attrs, put={b"ht": f"{h:g}", b"customHeight": "1"}) + \
                (b"/>" if closed else b">")
            pieces += [data[pos:s], tag]
            pos = tag_end
        pieces.append(data[pos:])
        return b"".join(pieces)
    except (_Decline, ValueError):
        return None

