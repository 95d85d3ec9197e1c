"""A worksheet part read straight from its bytes, without building an lxml tree.

Building (and later freeing) the tree of a 10,000-row sheet costs several times what
reading its cells does, and a recalc that finds nothing to change never needs the tree.
:func:`scan_grid` reads the cells with regular expressions over the part's text; the part
is still checked to be well-formed XML by lxml (a parse that builds nothing). Only parts
in the plain shape Excel, LibreOffice and openpyxl write are read this way: anything
else (a namespace prefix on the main namespace, comments, CDATA, single-quoted
attributes, cells or rows without ``r``, out-of-order cells) returns None and the caller
reads the tree (:func:`~.xlsx_grid.read_grid`), which says what is wrong with a bad file.
The two readers give the same Grid (tests/test_xlsx_scan.py holds them to it).
"""
from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

from ..core.grid import Cell, Grid, parse_a1
from .xlsx_grid import MAX_COL, MAX_ROW, _int, _number, shared_formula_at
from .xlsx_package import NS, parse_xml
from .xlsx_text import attrs, content_until, decode_refs, element_text, region

_MAIN = f'xmlns="{NS}"'.encode()
_ROOT = re.compile(rb'^\s*(?:<\?xml[^>]*\?>)?\s*<worksheet\b[^>]*>')
# comments, CDATA, single-quoted attributes, DTDs, processing instructions, another
# default namespace or the main one bound to a prefix: left to the tree reader ("<!" starts
# each of a comment, CDATA and a DTD: one search finds them all)
_ODD = (b"<!", b"='", b"<?", b'xmlns="', NS.encode())
_SHEET_DATA = re.compile(rb"<sheetData\b[^>]*?(/?)>")
# a row's start tag, or a whole cell (self-closed, or with its content)
# (a cell whose only content is a plain <v> has that value as its own group: most cells)
_ITEM = re.compile(rb'<c r="([A-Z]{1,3})([0-9]+)"(?: s="([0-9]+)")?(?: t="([a-zA-Z]+)")?'
                   rb'(?:/>|><v>([^<&]*)</v></c>|>' + content_until(b"c") + rb')'
                   rb'|<row\b([^>]*?)(/?)>|<c\b([^>]*?)(?:/>|>' + content_until(b"c") + rb')')
_V_ONLY = re.compile(rb"<v>([^<&]*)</v>")
_ROW_R = re.compile(rb'(?:^|\s)r="([^"]*)"')
_ROW_HT = re.compile(rb'(?:^|\s)ht="([^"]*)"')
_IS_ONLY = re.compile(rb'<is><t(?: xml:space="preserve")?>([^<]*)</t></is>')
_COLUMNS: dict[bytes, int] = {}
_V = re.compile(rb"<v\b[^>]*?(?:/>|>(.*?)</v>)", re.S)
_F = re.compile(rb"<f\b([^>]*?)(?:/>|>(.*?)</f>)", re.S)
_IS = re.compile(rb"<is\b[^>]*?(?:/>|>(.*?)</is>)", re.S)
_RPH = re.compile(rb"<rPh\b.*?</rPh>", re.S)
_T = re.compile(rb"<t\b[^>]*?(?:/>|>(.*?)</t>)", re.S)
_MERGE = re.compile(rb"<mergeCell\b([^>]*?)/?>")
_COL = re.compile(rb"<col\b([^>]*?)/?>")


def column_number(letters: bytes) -> int:
    """A column's number from its letters (b"AB" -> 28), remembered: a sheet names few columns."""
    col = _COLUMNS.get(letters)
    if col is None:
        col = _COLUMNS[letters] = parse_a1(letters.decode() + "1")[1]
    return col


class _Plain(Exception):
    """The part is not in the plain shape: read its tree instead."""


class _F_:
    """What :func:`~.xlsx_grid._formula` reads of an ``<f>`` element."""
    __slots__ = ("attrs", "text")

    def __init__(self, attrs: dict, text):
        self.attrs, self.text = attrs, text

    def get(self, key):
        return self.attrs.get(key)


def plain_part(data: bytes) -> bool:
    """Whether a sheet part has the plain shape :func:`scan_grid` reads."""
    head = _ROOT.match(data[:4096])
    if head is None or _MAIN not in head.group(0):
        return False
    decl = head.group(0).split(b"?>")[0].lower()
    if b"encoding=" in decl and b"utf-8" not in decl:
        return False     # the text is decoded as UTF-8 here
    # after the root's start tag (the declaration may quote with '); bytes.find is far
    # quicker than one regular expression with alternatives
    end = head.end()
    return all(data.find(odd, end) == -1 for odd in _ODD)


class _Nothing:
    """A parser target that keeps nothing: lxml checks well-formedness, builds no tree."""

    def close(self):
        return None


_CHECK = dict(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True)


def well_formed(data: bytes, part: str, book: str | Path) -> None:
    """Raise what :func:`~.xlsx_package.parse_xml` raises for a part that is not
    well-formed XML; nothing is built."""
    try:
        etree.fromstring(data, etree.XMLParser(target=_Nothing(), **_CHECK))
    except (etree.XMLSyntaxError, ValueError):
        parse_xml(data, part, book)    # raises the message a person reads
        raise


def scan_grid(data: bytes, name: str, part: str, shared: list[str], date_styles: set[int],
              book: str | Path, plain: bool | None = None, checked: bool = False) -> Grid | None:
    """The Grid :func:`~.xlsx_grid.read_grid` reads from this part, or None when the part
    is not in the plain shape (read its tree then). ``plain``: :func:`plain_part` of it,
    when the caller knows."""
    if not (plain_part(data) if plain is None else plain):
        return None
    if not checked:     # ``checked``: the caller just checked these bytes well-formed
        well_formed(data, part, book)
    try:
        return _scan(data, name, shared, date_styles)
    except _Plain:
        return None


def _scan(data: bytes, name: str, shared: list[str], date_styles: set[int], stop_row: int = 0) -> Grid:
    g = Grid(name)
    values, formulas, heights = g.values, g.formulas, g.heights
    dates: set[Cell] = set()
    shared_formulas: dict[str, tuple[str, str]] = {}
    sd = _SHEET_DATA.search(data)
    if sd is not None and not sd.group(1):
        end = data.find(b"</sheetData>", sd.end())
        if end == -1:
            raise _Plain
        r, last_col, row_digits = 0, 0, b""
        is_date: dict[bytes, bool] = {}     # a style's digits -> whether it shows a date
        refs: list[tuple[Cell, bytes]] = []   # inline texts holding character references
        # findall: one tuple per item, no match objects (unmatched groups are b"")
        for letters, digits, style, tb, v, inner, row_attrs, _, gattrs, ginner in _ITEM.findall(data, sd.end(), end):
            if letters:     # <c r=.. s=.. t=..>, the shape every writer uses
                if digits != row_digits and int(digits) != r:
                    raise _Plain
                col = _COLUMNS.get(letters)
                if col is None:
                    col = _COLUMNS[letters] = parse_a1(letters.decode() + "1")[1]
                if not last_col < col <= MAX_COL:
                    raise _Plain
                last_col = col
                if v and v.isascii():
                    # a plain <v>: a number, or a shared string's index, read from the bytes
                    if not tb or tb == b"n":
                        # _number, inline (110,000 calls a sheet): most are whole numbers, read
                        # as such (15 digits or fewer: what float would give exactly)
                        if len(v) < 16 and v.isdigit():
                            value = int(v)
                        else:
                            try:
                                value = float(v)    # float reads the bytes as the text
                            except ValueError:
                                value = None
                            if value is not None and value - value == 0:      # finite
                                if value.is_integer() and b"." not in v and b"E" not in v and b"e" not in v:
                                    value = int(value)
                            else:
                                value = None
                        if value is not None:
                            values[(r, col)] = value
                            if date_styles:
                                d = is_date.get(style)
                                if d is None:
                                    d = is_date[style] = _int(style or None) in date_styles
                                if d:
                                    dates.add((r, col))
                            continue
                    elif tb == b"s":
                        i = _int(v)
                        if i is None or not 0 <= i < len(shared):
                            raise _Plain    # the tree reader says which string is missing
                        if shared[i]:
                            values[(r, col)] = shared[i]
                        continue
                if v:
                    inner = b"<v>" + v + b"</v>"
                elif not inner:
                    continue
                t = tb.decode() if tb else None
                if t is None or t == "n":
                    v = _V_ONLY.fullmatch(inner)
                    value = _number(v.group(1).decode()) if v is not None else None
                elif t == "inlineStr":
                    v = _IS_ONLY.fullmatch(inner)
                    if v is not None and b"&#" in v.group(1):
                        values[(r, col)] = None     # held in place; its text is decoded below
                        refs.append(((r, col), v.group(1)))
                        continue
                    value = (element_text(v.group(1)) or "") if v is not None else None
                else:
                    v = None
                if v is None:
                    ref = (letters + digits).decode()
                    value = _value(inner, t, shared, ref)
                    f = _F.search(inner)
                    if f is not None:
                        formulas[(r, col)] = _formula_of(f, ref, shared_formulas)
                if value is not None and value != "":
                    values[(r, col)] = value
                    if t == "d" or (date_styles and isinstance(value, (int, float)) and not isinstance(value, bool)
                                    and _int(style or None) in date_styles):
                        dates.add((r, col))
                continue
            if not gattrs:      # a row (a <c> with no attributes at all has no r either)
                if b"&" in row_attrs:
                    a = attrs(row_attrs)
                    raw_r, raw_ht = a.get("r"), a.get("ht")
                else:   # its r and ht as attrs reads them (no reference to resolve)
                    m = _ROW_R.search(row_attrs)
                    raw_r = m.group(1) if m is not None else None
                    m = _ROW_HT.search(row_attrs)
                    raw_ht = m.group(1) if m is not None else None
                if raw_r is None:
                    raise _Plain
                nr = _int(raw_r)
                if nr is None or not r < nr <= MAX_ROW:
                    raise _Plain    # the tree reader names what is wrong
                if stop_row and nr > stop_row:
                    break
                r, last_col, row_digits = nr, 0, str(nr).encode()
                if raw_ht is not None:
                    try:
                        heights[r] = float(raw_ht)
                    except ValueError:
                        pass
                continue
            a = attrs(gattrs)
            ref = a.get("r")
            if ref is None or r == 0:
                raise _Plain
            try:
                rr, col = parse_a1(ref)
            except ValueError:
                raise _Plain from None
            if rr != r or not last_col < col <= MAX_COL:
                raise _Plain
            last_col = col
            if not ginner:
                continue
            t = a.get("t")
            value = _value(ginner, t, shared, ref)
            f = _F.search(ginner)
            if f is not None:
                formulas[(r, col)] = _formula_of(f, ref, shared_formulas)
            if value is not None and value != "":
                values[(r, col)] = value
                if t == "d" or (date_styles and isinstance(value, (int, float)) and not isinstance(value, bool)
                                and _int(a.get("s")) in date_styles):
                    dates.add((r, col))
        decode_refs(refs, values)
    g.merges = _merges(data)
    g.dates = dates
    _columns(data, g)
    return g


def _sheet_data(data: bytes) -> tuple[int, int] | None:
    """Where a plain ``<sheetData>``'s rows start and end, or None (none, or self-closed)."""
    sd = _SHEET_DATA.search(data)
    if sd is None or sd.group(1):
        return None
    end = data.find(b"</sheetData>", sd.end())
    return None if end == -1 else (sd.end(), end)


def scan_head(data: bytes, name: str, shared: list[str], date_styles: set[int], rows: int) -> Grid | None:
    """The values of the first ``rows`` rows of a plain part already checked well-formed
    (the rest is not read), or None: read the whole part."""
    span = _sheet_data(data)
    if span is None:
        return None
    sd_end, end = span
    # rows are numbered in order from 1: rows 1..n are among the first n row elements
    cut = sd_end
    for _ in range(rows + 1):
        cut = data.find(b"<row", cut + 1, end)
        if cut == -1:
            cut = end
            break
    try:
        return _scan(b"<sheetData>" + data[sd_end:cut] + b"</sheetData>", name, shared, date_styles,
                     stop_row=rows)
    except _Plain:
        return None


def scan_last_row(data: bytes, name: str, shared: list[str], date_styles: set[int]) -> int | None:
    """The last row holding a value (Grid.max_row) of a plain part already checked
    well-formed, read from its last rows only (more of them while they are empty), or None:
    read the whole part."""
    span = _sheet_data(data)
    if span is None:
        return None
    sd_end, end = span
    window = 1 << 16
    while True:
        start = data.find(b"<row", max(sd_end, end - window), end)
        start = end if start == -1 else start
        if end - window <= sd_end:
            start = sd_end
        try:
            g = _scan(b"<sheetData>" + data[start:end] + b"</sheetData>", name, shared, date_styles)
        except _Plain:
            return None
        if g.values:
            return g.max_row
        if start == sd_end:
            return 0
        window *= 4


def _value(inner: bytes, t: str | None, shared: list[str], ref: str):
    if t == "inlineStr":
        m = _IS.search(inner)
        if m is None:
            return None
        body = _RPH.sub(b"", m.group(1) or b"")
        return "".join(element_text(x) or "" for x in _T.findall(body))
    m = _V.search(inner)
    text = element_text(m.group(1)) if m is not None else None
    if text is None:
        return None
    if t is None or t == "n":
        return _number(text)
    if t == "s":
        i = _int(text)
        if i is None or not 0 <= i < len(shared):
            raise _Plain    # the tree reader says which string is missing
        return shared[i]
    if t in ("str", "e", "d"):
        return text
    if t == "b":
        return text.strip() in ("1", "true")
    raise _Plain


def _formula_of(m, ref: str, shared: dict) -> str:
    f = _F_(attrs(m.group(1)), element_text(m.group(2)))
    text = f.text or ""
    if f.get("t") == "shared" and f.get("si") is not None:
        if text:
            shared[f.get("si")] = (text, ref)
        elif f.get("si") in shared:
            return shared_formula_at(*shared[f.get("si")], ref)
    return "=" + text


def _merges(data: bytes) -> list[tuple[int, int, int, int]]:
    out = []
    for m in _MERGE.finditer(data, *region(data, b"<mergeCells", b"</mergeCells>")):
        ref = attrs(m.group(1)).get("ref") or ""
        try:
            ends = [parse_a1(p) for p in ref.split(":")]
        except ValueError:
            raise _Plain from None
        (r0, c0), (r1, c1) = ends[0], ends[-1]
        out.append((min(r0, r1), min(c0, c1), max(r0, r1), max(c0, c1)))
    return out


def _columns(data: bytes, g: Grid) -> None:
    for m in _COL.finditer(data, *region(data, b"<cols", b"</cols>")):
        a = attrs(m.group(1))
        try:
            lo, hi = int(a.get("min")), int(a.get("max"))
            width = float(a["width"]) if a.get("width") is not None else None
        except (TypeError, ValueError):
            continue
        for c in range(lo, min(hi, lo + 300) + 1):
            if width is not None:
                g.widths[c] = width
            if a.get("hidden") in ("1", "true"):
                g.hidden_columns.add(c)
