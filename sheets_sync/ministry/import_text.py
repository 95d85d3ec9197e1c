"""What every importer shares: decoding a report whatever its encoding, splitting it into
lines of cells, cleaning cells, reading unit and period from the document's title, and the
ledger that makes an import conserve its source.

Conservation is the import's contract: every word of every non-blank line ends up in a
cell of the output workbook or in the import report's not-placed list, with its line
number. Importers ``place`` the fragments they put in cells (with the source text when
they rewrite it, e.g. the damaged code ``11`` read as ``I1``) and ``note`` what they leave
out on purpose (a repeated page header, a computed figure); whatever is left of a line
is listed as not placed.
"""
from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pandas as pd

from ..core.errors import SheetsSyncError

THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")
_NUMBER = re.compile(r"^[-+]?\d{1,3}(,\d{3})*(\.\d+)?$|^[-+]?\d+(\.\d+)?$")

PAGE_HEADER = "page header repeated by the export (removed)"


def clean(text) -> str:
    """Cell text without HTML fragments, entities or runs of spaces."""
    if text is None:
        return ""
    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", str(text)))).strip()


def thai_digits(text: str) -> str:
    return str(text).translate(THAI_DIGITS)


def word_key(token: str) -> str:
    """One word as conservation compares it: Thai digits as Arabic, a number by its value."""
    t = thai_digits(token)
    if _NUMBER.match(t):
        try:
            d = Decimal(t.replace(",", ""))
            return format(d.normalize(), "f") if d else "0"
        except InvalidOperation:
            return t
    return t


def words(text) -> list[str]:
    """The words of a cell or line: HTML tags stripped, entities decoded, whitespace split."""
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return []
    if isinstance(text, bool):
        text = str(text)
    if isinstance(text, (int, float)):
        return [word_key(repr(float(text)) if isinstance(text, float) else str(text))]
    return [word_key(w) for w in clean(text).split()]


# --- decoding ------------------------------------------------------------------------------

_THAI_LEGACY = ("cp874", "tis_620", "iso8859_11")


def _plausible(text: str) -> bool:
    if not text:
        return True
    control = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\r\n\f")
    odd = sum(1 for ch in text if 0x7F <= ord(ch) < 0xA0 or ch == "\ufffd")
    return control + odd <= len(text) * 0.01


def _utf16_high(high: bytes, data: bytes) -> bool:
    """Do these bytes look like the high halves of UTF-16 code units of Thai text: ASCII
    (0x00) and the Thai block (0x0E) for most of them? (UTF-16 without a BOM.)"""
    if len(data) < 4 or len(data) % 2:
        return False
    return high.count(0) + high.count(0x0E) > len(high) * 0.9 and high.count(0) < len(high)


def decode(data: bytes, name: str = "file") -> tuple[str, str]:
    """(text, encoding) of a text export: UTF-8 (with or without BOM), UTF-16 (BOM or not),
    TIS-620 / cp874 / ISO 8859-11. Binary input is a clear error, never a traceback."""
    if data.startswith(b"\xef\xbb\xbf"):
        candidates = ["utf-8-sig"]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ["utf-16"]
    elif _utf16_high(data[1::2], data):
        candidates = ["utf-16-le"]
    elif _utf16_high(data[0::2], data):
        candidates = ["utf-16-be"]
    else:
        candidates = ["utf-8", *_THAI_LEGACY]
    for enc in candidates:
        try:
            text = data.decode(enc)
        except (UnicodeDecodeError, ValueError):
            continue
        if _plausible(text):
            return text, enc
    raise SheetsSyncError(
        f"{name} ไม่ใช่ไฟล์ข้อความที่อ่านได้ (ไม่ใช่ UTF-8, UTF-16 หรือ TIS-620) และไม่ใช่ .xlsx",
        f"{name} is not readable text (not UTF-8, UTF-16 or TIS-620/cp874) nor an .xlsx workbook: "
        "export the report as text or .xlsx and import that")


def read_lines(path: Path) -> list[tuple[int, list[str]]]:
    """(line number, raw cells) of a text export, or the rows of an .xlsx's sheets."""
    data = path.read_bytes()
    if data[:2] == b"PK" or path.suffix.lower() in (".xlsx", ".xlsm"):
        from ..backends.xlsx_book import XlsxBook
        out, n = [], 0
        for grid in XlsxBook(path).grids().values():
            for r in range(1, grid.max_row + 1):
                n += 1
                row = [grid.get(r, c) for c in range(1, grid.max_col + 1)]
                out.append((n, [_cell_text(v) for v in row]))
        return out
    text, _ = decode(data, path.name)
    lines = text.splitlines()
    sep = "|" if text.count("|") > text.count("\t") else "\t"
    return [(i, line.split(sep)) for i, line in enumerate(lines, 1)]


def _cell_text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    return str(v)


# --- the ledger ---------------------------------------------------------------------------

@dataclass
class Skipped:
    line: int
    text: str
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}: {self.text[:80]!r}"


@dataclass
class Rewrite:
    line: int
    source: str
    placed: str
    reason: str


@dataclass
class Imported:
    kind: str
    rows: pd.DataFrame
    results: dict = field(default_factory=dict)       # row key -> {unit-owned field: value}
    skipped: list[Skipped] = field(default_factory=list)
    rewrites: list[Rewrite] = field(default_factory=list)
    unit: str | None = None
    period: str | None = None
    period_label: str | None = None                    # the round as the document words it
    page_headers: int = 0
    meta: dict = field(default_factory=dict)           # workbook metadata to record (e.g. ita_target)
    encoding: str | None = None
    template: str | None = None                        # the template the document follows (None: the kind's)
    details: dict = field(default_factory=dict)        # row key -> {details tab field: text} (seed 003)

    @property
    def not_placed(self) -> list[Skipped]:
        return self.skipped


class Ledger:
    """Per source line: the words placed in cells, the fragments noted with a reason."""

    def __init__(self, lines: list[tuple[int, list[str]]]):
        self.lines = lines
        self.text = {n: " ".join(clean(c) for c in cells if clean(c)) for n, cells in lines}
        self.placed: dict[int, Counter] = {}
        self.notes: list[Skipped] = []
        self.rewrites: list[Rewrite] = []
        self.page_headers = 0

    def place(self, line: int, text, *, source: str | None = None, reason: str = "") -> None:
        """``text`` goes into a cell; ``source`` is what the line said when it differs. A
        word glued to punctuation in the line ("๙๗.๑๑)") is recorded as rewritten."""
        if source is not None and words(source) != words(text):
            self.rewrites.append(Rewrite(line, clean(source), clean(text), reason))
            self._take(line, words(source))
            return
        self._take(line, words(text), reason or "number or word read out of its surrounding text")

    def _take(self, line: int, ws: list[str], reason: str = "") -> None:
        used = self.placed.setdefault(line, Counter())
        have = Counter(words(self.text.get(line, "")))
        for w in ws:
            if have[w] - used[w] > 0 or not reason:
                used[w] += 1
                continue
            glued = next((t for t in have if w in t and have[t] - used[t] > 0 and t != w), None)
            if glued is None:
                used[w] += 1          # not in the line: the conservation test will say so
                continue
            self.rewrites.append(Rewrite(line, glued, w, reason))
            used[glued] += 1

    def note(self, line: int, text, reason: str) -> None:
        if words(text):
            self.notes.append(Skipped(line, clean(text), reason))
            self.placed.setdefault(line, Counter()).update(words(text))
        if reason == PAGE_HEADER:
            self.page_headers += 1

    def note_line(self, line: int, reason: str) -> None:
        self.note(line, self.text.get(line, ""), reason)

    def finish(self, out: Imported, reasons: dict[int, str] | None = None) -> Imported:
        """Everything of a line neither placed nor noted is listed as not placed (with the
        line's own reason when the importer knows it, e.g. a title)."""
        reasons = reasons or {}
        for n, _ in self.lines:
            left = Counter(words(self.text[n])) - self.placed.get(n, Counter())
            if left:
                order = [w for w in words(self.text[n])]
                rest, shown = Counter(left), []
                for w in order:
                    if rest[w] > 0:
                        shown.append(w)
                        rest[w] -= 1
                self.notes.append(Skipped(n, " ".join(shown),
                                         reasons.get(n, "not placed: no column of this kind takes it")))
        out.skipped = sorted(self.notes, key=lambda s: s.line)
        out.rewrites = self.rewrites
        out.page_headers = self.page_headers
        return out


def repeated_headers(lines: list[tuple[int, list[str]]], looks_like_header) -> set[int]:
    """Line numbers of header lines the export repeated: every copy after the first."""
    seen: set[str] = set()
    out: set[int] = set()
    for n, cells in lines:
        key = " ".join(clean(c) for c in cells if clean(c))
        if key and looks_like_header(key, cells):
            if key in seen:
                out.add(n)
            seen.add(key)
    return out


def normalise_label(text: str) -> str:
    """A dimension or section label as grouping compares it: digits Arabic->Thai kept as
    written but spaces inside Thai words removed ("๑. การสร้าง วัฒนธรรม สุจริต")."""
    t = clean(text)
    t = re.sub(r"(?<=[\u0E00-\u0E7F]) (?=[\u0E00-\u0E7F])", "", t)
    t = re.sub(r"^([๐-๙\d]+)\.(?=\S)", r"\1. ", t)
    return t
