"""Score trace: the working behind every computed score, in Thai and English."""
from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .numbers import format_fixed, format_fixed_array
from .scoring import (INTERPOLATION, _method_code, _method_word, descending, descending_array,
                      levels_reached, method_codes, normalise_method)
from .options import CRITERIA, ScoringOptions


def _n(v: float) -> str:
    """A threshold or result as people write it: 71, 72.5."""
    return format_fixed(v, 4).rstrip("0").rstrip(".") if v is not None else ""


@dataclass
class Trace:
    code: str
    th: str
    en: str
    next_level: int | None = None
    needed: float | None = None
    weighted: str = ""

    def note(self, limit: int = 255) -> str:
        """Cell-note text: both languages when they fit Excel's input-message limit, else Thai."""
        both = f"{self.th}\n{self.en}"
        if len(both) <= limit:
            return both
        return self.th if len(self.th) <= limit else self.th[: limit - 1] + "…"

    def text(self) -> str:
        w = f"\n  คะแนนถ่วงน้ำหนัก / weighted score: {self.weighted}" if self.weighted else ""
        return f"{self.th}\n{self.en}{w}"


def trace(code: str, row: pd.Series, options: ScoringOptions) -> Trace:
    """Explain one indicator row (numeric weight, c1..c5, result, method, direction)."""
    d = options.decimals["score"]
    frame = row.to_frame().T
    for k in ("weight", "target", "result", *CRITERIA):
        frame[k] = pd.to_numeric(frame[k], errors="coerce")
    c = frame[list(CRITERIA)].to_numpy(dtype="float64")[0]
    r = float(frame["result"].iloc[0])
    if math.isnan(r):
        return Trace(code, f"{code}: ยังไม่รายงานผล จึงยังไม่มีคะแนน", f"{code}: no result reported, so no score")
    if np.isnan(c).any():
        return Trace(code, f"{code}: เกณฑ์การให้คะแนนไม่ครบ จึงคำนวณไม่ได้", f"{code}: thresholds incomplete, no score")
    desc = bool(descending(frame).iloc[0])
    method = normalise_method(frame.get("method", pd.Series([""])), options.method).iloc[0]
    k = int(levels_reached(np.array([r]), c[None, :], np.array([desc]))[0])
    cmp_th, cmp_en = ("ไม่เกิน", "at most") if desc else ("อย่างน้อย", "at least")
    lower = " (ยิ่งน้อยยิ่งดี)" if desc else ""
    lower_en = " (lower is better)" if desc else ""
    nxt = (k + 1) if k < 5 else None
    need = float(c[k]) if nxt else None
    need_th = f" ต้องได้{cmp_th} {_n(need)} จึงถึงระดับ {nxt}" if nxt else " (คะแนนสูงสุดแล้ว)"
    need_en = f" {_n(need)} or {'less' if desc else 'more'} reaches level {nxt}" if nxt else " (top score)"
    if k == 0:
        s = options.below_level_1
        th = f"{code}: ผล {_n(r)} ยังไม่ถึงระดับ 1 = {_n(c[0])}{lower} ได้คะแนน {format_fixed(s, d)} ตามกติกาต่ำกว่าระดับ 1;{need_th}"
        en = f"{code}: {_n(r)} is below level 1 = {_n(c[0])}{lower_en}: score {format_fixed(s, d)} by the below-level-1 rule;{need_en}"
    elif k == 5:
        th = f"{code}: ผล {_n(r)} ถึงระดับ 5 = {_n(c[4])}{lower} ได้คะแนน {format_fixed(options.max_score, d)};{need_th}"
        en = f"{code}: {_n(r)} reaches level 5 = {_n(c[4])}{lower_en}: score {format_fixed(options.max_score, d)};{need_en}"
    elif method == "interpolation":
        lo, hi = c[k - 1], c[k]
        part, span = abs(r - lo), abs(hi - lo)
        s = k + part / span
        th = (f"{code}: ผล {_n(r)} อยู่ระหว่างระดับ {k} = {_n(lo)} กับระดับ {k + 1} = {_n(hi)}{lower}: "
              f"{k} + {_n(part)}/{_n(span)} = {format_fixed(s, d)};{need_th}")
        en = (f"{code}: {_n(r)} lies between level {k} = {_n(lo)} and level {k + 1} = {_n(hi)}{lower_en}: "
              f"{k} + {_n(part)}/{_n(span)} = {format_fixed(s, d)};{need_en}")
    else:
        th = (f"{code}: ผล {_n(r)} ถึงระดับ {k} = {_n(c[k - 1])} แต่ยังไม่ถึงระดับ {k + 1} = {_n(c[k])}{lower} "
              f"(ขั้นบันได) ได้คะแนน {format_fixed(k, d)};{need_th}")
        en = (f"{code}: {_n(r)} reaches level {k} = {_n(c[k - 1])} but not level {k + 1} = {_n(c[k])}{lower_en} "
              f"(step): score {format_fixed(k, d)};{need_en}")
    score = {0: options.below_level_1, 5: options.max_score}.get(k, k)
    if method == "interpolation" and 0 < k < 5:
        score = k + abs(r - c[k - 1]) / abs(c[k] - c[k - 1])
    w = float(frame["weight"].iloc[0])
    calc = ""
    if not math.isnan(w):
        dw = options.decimals["weighted_score"]
        calc = (f"{format_fixed(w, 2)} × {format_fixed(score, d)} / {_n(options.weight_total)} = "
                f"{format_fixed(w * score / options.weight_total, dw)}")
    return Trace(code, th, en, nxt, need, calc)


def _n_array(values) -> list[str]:
    """:func:`_n` of every value."""
    return [s.rstrip("0").rstrip(".") for s in format_fixed_array(values, 4)]


def _only(fn, values: np.ndarray, mask: np.ndarray) -> list[str]:
    """``fn`` (an array formatter) on the rows that show the value, '' on the others."""
    out = [""] * len(values)
    idx = np.flatnonzero(mask)
    for i, text in zip(idx.tolist(), fn(values[idx])):
        out[i] = text
    return out


def notes(frame: pd.DataFrame, options: ScoringOptions, codes=None, limit: int = 255) -> list[str]:
    """The score note of every row at once: ``trace(code, row, options).note(limit)`` for
    each row of ``frame``, same text, with the numbers worked out on whole columns.

    ``frame`` holds the numeric inputs as :func:`trace` reads them (``weight``, ``target``,
    ``result``, ``c1``..``c5``, optional ``method`` and ``direction``); ``codes`` gives the
    indicator code of each row (a sequence in row order), else the ``code`` column.
    """
    n = len(frame)
    if n == 0:
        return []
    codes = list(frame["code"] if codes is None else codes)
    if len(codes) != n:
        raise ValueError(f"{len(codes)} codes for {n} rows")
    return notes_of(*note_inputs(frame, options), codes, options, limit)


def note_inputs(frame: pd.DataFrame, options: ScoringOptions):
    """What a note is made from, as arrays: result, c1..c5 (n x 5), lower-is-better,
    interpolated (the code aside)."""
    n = len(frame)
    num = {k: frame[k].to_numpy() if frame[k].dtype == np.float64 else
           pd.to_numeric(frame[k], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
           for k in ("result", *CRITERIA)}
    c = [num[k] for k in CRITERIA]
    desc = descending_array(c[0], c[-1], frame["direction"] if "direction" in frame else None)
    interp = (method_codes(frame["method"], options.method) == INTERPOLATION) if "method" in frame \
        else np.full(n, _method_code(_method_word("", options.method)) == INTERPOLATION)
    return num["result"], np.stack(c, axis=1), desc, interp


def notes_of(r, cc, desc, interp, codes, options: ScoringOptions, limit: int = 255) -> list[str]:
    """:func:`notes` from :func:`note_inputs` (of the rows wanted only)."""
    n = len(r)
    c = [cc[:, j] for j in range(cc.shape[1])]
    k = levels_reached(r, cc, desc)
    no_result = np.isnan(r)
    no_criteria = np.isnan(cc).any(axis=1)
    rows = np.arange(n)
    ki = np.clip(k, 0, 4)
    lo = cc[rows, np.clip(k - 1, 0, 4)]       # threshold of the level reached (k >= 1)
    hi = cc[rows, ki]                          # threshold of the next level (k <= 4)
    with np.errstate(invalid="ignore", divide="ignore"):
        part = np.abs(r - lo)
        span = np.abs(hi - lo)
        s_interp = k + part / span
    d = options.decimals["score"]
    scored = ~no_result & ~no_criteria
    between = scored & interp & (k > 0) & (k < 5)
    n_r = _only(_n_array, r, scored)
    n_c1 = _only(_n_array, c[0], scored & (k == 0))
    n_c5 = _only(_n_array, c[-1], scored & (k == 5))
    n_lo = _only(_n_array, lo, scored & (k > 0) & (k < 5))
    n_hi = _only(_n_array, hi, scored & (k < 5))
    n_part, n_span = _only(_n_array, part, between), _only(_n_array, span, between)
    f_interp = _only(lambda v: format_fixed_array(v, d), s_interp, between)
    f_below, f_max = format_fixed(options.below_level_1, d), format_fixed(options.max_score, d)
    f_step = {j: format_fixed(j, d) for j in range(1, 5)}
    out = []
    for i, code in enumerate(codes):
        if no_result[i]:
            th, en = f"{code}: ยังไม่รายงานผล จึงยังไม่มีคะแนน", f"{code}: no result reported, so no score"
        elif no_criteria[i]:
            th, en = f"{code}: เกณฑ์การให้คะแนนไม่ครบ จึงคำนวณไม่ได้", f"{code}: thresholds incomplete, no score"
        else:
            ks, dn = int(k[i]), bool(desc[i])
            cmp_th = "ไม่เกิน" if dn else "อย่างน้อย"
            lower, lower_en = (" (ยิ่งน้อยยิ่งดี)", " (lower is better)") if dn else ("", "")
            if ks < 5:
                nxt = ks + 1
                need_th = f" ต้องได้{cmp_th} {n_hi[i]} จึงถึงระดับ {nxt}"
                need_en = f" {n_hi[i]} or {'less' if dn else 'more'} reaches level {nxt}"
            else:
                need_th, need_en = " (คะแนนสูงสุดแล้ว)", " (top score)"
            if ks == 0:
                th = f"{code}: ผล {n_r[i]} ยังไม่ถึงระดับ 1 = {n_c1[i]}{lower} ได้คะแนน {f_below} ตามกติกาต่ำกว่าระดับ 1;{need_th}"
                en = f"{code}: {n_r[i]} is below level 1 = {n_c1[i]}{lower_en}: score {f_below} by the below-level-1 rule;{need_en}"
            elif ks == 5:
                th = f"{code}: ผล {n_r[i]} ถึงระดับ 5 = {n_c5[i]}{lower} ได้คะแนน {f_max};{need_th}"
                en = f"{code}: {n_r[i]} reaches level 5 = {n_c5[i]}{lower_en}: score {f_max};{need_en}"
            elif interp[i]:
                th = (f"{code}: ผล {n_r[i]} อยู่ระหว่างระดับ {ks} = {n_lo[i]} กับระดับ {ks + 1} = {n_hi[i]}{lower}: "
                      f"{ks} + {n_part[i]}/{n_span[i]} = {f_interp[i]};{need_th}")
                en = (f"{code}: {n_r[i]} lies between level {ks} = {n_lo[i]} and level {ks + 1} = {n_hi[i]}{lower_en}: "
                      f"{ks} + {n_part[i]}/{n_span[i]} = {f_interp[i]};{need_en}")
            else:
                th = (f"{code}: ผล {n_r[i]} ถึงระดับ {ks} = {n_lo[i]} แต่ยังไม่ถึงระดับ {ks + 1} = {n_hi[i]}{lower} "
                      f"(ขั้นบันได) ได้คะแนน {f_step[ks]};{need_th}")
                en = (f"{code}: {n_r[i]} reaches level {ks} = {n_lo[i]} but not level {ks + 1} = {n_hi[i]}{lower_en} "
                      f"(step): score {f_step[ks]};{need_en}")
        both = f"{th}\n{en}"
        out.append(both if len(both) <= limit else th if len(th) <= limit else th[: limit - 1] + "…")
    return out


_KEYS_VERSION = 2     # in the salt: keys of another version never match (those notes are rebuilt)
# an odd multiplier per part of a key (golden-ratio steps): part j's values go through a
# bijection of their own, so a value moved to another part moves the key too
_PART = [np.uint64((j * 0x9E3779B97F4A7C16 + 0xBF58476D1CE4E5B9) % 2 ** 64) for j in range(8)]


def _fold(x: np.ndarray, j: int) -> np.ndarray:
    """Part ``j``'s bijection of uint64 values: its odd multiplier, then the high half
    folded down (a change in a value always moves its term)."""
    x = x * _PART[j]
    return x ^ (x >> np.uint64(32))


def _mix(h: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: every input bit moves every output bit."""
    h = (h ^ (h >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    h = (h ^ (h >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return h ^ (h >> np.uint64(31))


def _salt(codes, options: ScoringOptions, limit: int) -> np.uint64:
    """64 bits of what every note of the table shares: the options, ``limit`` and all the
    codes (one hash of them all, not a Python step per code: a code retyped is rare, and
    then every note is built again)."""
    import hashlib
    codes = list(codes)
    try:
        joined = "\0".join(codes)
    except TypeError:                              # not all text: as the notes show them
        codes = [str(c) for c in codes]
        joined = "\0".join(codes)
    if joined.count("\0") != max(len(codes) - 1, 0):   # a code holding NUL: say where each ends
        joined = repr(codes)
    head = repr((_KEYS_VERSION, options, limit, len(codes))).encode()
    digest = hashlib.blake2b(head + b"\0" + joined.encode("utf-32-le"), digest_size=8).digest()
    return np.uint64(int.from_bytes(digest, "little"))


def note_keys(r, cc, desc, interp, codes, cells, options: ScoringOptions, limit: int = 255) -> np.ndarray:
    """A 64-bit key per row of everything its note is made from (:func:`note_inputs`,
    the codes, the options, ``limit``) and of where it is shown (``cells``: one int per
    row): two rows with the same key have the same note at the same cell, so only rows
    whose key is new need their note built. Stable across runs (no Python ``hash``)."""
    flags = np.asarray(desc, dtype=np.uint64) | (np.asarray(interp, dtype=np.uint64) << np.uint64(1))
    with np.errstate(over="ignore"):
        h = _fold(flags, 6) + _fold(np.asarray(cells, dtype=np.int64).astype(np.uint64), 7)
        for j, x in enumerate((r, *cc.T)):
            # one NaN for all; -0.0 stays apart from 0.0 (its note says "-0")
            h += _fold(np.where(np.isnan(x), np.nan, x).view(np.uint64), j)
        return _mix(h ^ _salt(codes, options, limit))


class ScoreNotes(Mapping):
    """The score notes of a table, cell -> text, built when first read. :meth:`reuse`
    first hands in the notes the sheet holds and the keys (:func:`note_keys`) they were
    written for; a row whose key is among them keeps the sheet's note, the others are
    built (a note is text: rebuilding 10,000 of them costs several times the scores)."""

    def __init__(self, frame: pd.DataFrame, options: ScoringOptions, codes, col: int, limit: int = 255):
        self.frame, self.options, self.codes, self.limit, self.col = frame, options, list(codes), limit, col
        self.cells = list(zip(frame.index.tolist(), itertools.repeat(col)))
        self._keys = self._texts = self._inputs = None
        self._held: dict = {}
        self._held_texts: list = []
        self._in_order = None                             # a held dict found to be exactly :attr:`cells`
        self._known = np.empty(0, dtype=np.uint64)
        self.built = 0                                    # how many notes were built (not reused)

    def inputs(self):
        if self._inputs is None:
            self._inputs = note_inputs(self.frame, self.options)
        return self._inputs

    def keys_of_rows(self) -> np.ndarray:
        if self._keys is None:
            # the cell, not only the row: a note moved to another column is not the one held there
            where = np.asarray(self.frame.index, dtype=np.int64) * 65_536 + self.col
            self._keys = note_keys(*self.inputs(), self.codes, where, self.options, self.limit)
        return self._keys

    def held_texts(self, held: dict) -> list:
        """The texts ``held`` (the sheet's notes, by cell) has at :attr:`cells`, in order,
        '' where none."""
        if len(held) == len(self.cells) and list(held) == self.cells:
            self._in_order = held                         # the usual: the notes written last time
            return list(held.values())
        return list(map(held.get, self.cells, itertools.repeat("")))

    def reuse(self, held: dict, held_texts: list, known: np.ndarray) -> None:
        """``held``: the notes the sheet holds, by cell; ``held_texts``: those at
        :attr:`cells`, in order ('' where none, :meth:`held_texts`); ``known``: the keys
        they were written for."""
        self._held, self._held_texts, self._known, self._texts = held, held_texts, known, None

    def _build(self, rows: np.ndarray) -> list[str]:
        """The notes of ``rows`` (positions), built."""
        if len(rows) == len(self.cells):
            return notes_of(*self.inputs(), self.codes, self.options, self.limit)
        codes = self.codes
        return notes_of(*(a[rows] for a in self.inputs()), [codes[i] for i in rows.tolist()],
                        self.options, self.limit)

    def _built(self) -> dict:
        if self._texts is None:
            n, cells = len(self.cells), self.cells
            if len(self._known):
                keys = self.keys_of_rows()
                # the same rows as last time: compare in place, else look each key up
                same = (keys == self._known) if len(self._known) == n else np.isin(keys, self._known)
                todo = np.flatnonzero(~same)
            else:
                todo = np.arange(n)
            built = self._build(todo) if len(todo) else []
            self.built = len(todo)
            if not len(self._known):
                self._texts = dict(zip(cells, built))
            elif self._held is self._in_order:
                # the sheet holds exactly these cells: its notes, the rebuilt ones put in
                self._texts = dict(self._held) if len(todo) else self._held
                for i, text in zip(todo.tolist(), built):
                    self._texts[cells[i]] = text
            else:
                texts = list(self._held_texts)
                for i, text in zip(todo.tolist(), built):
                    texts[i] = text
                self._texts = dict(zip(cells, texts))
        return self._texts

    def texts(self) -> dict:
        """Every note, cell -> text (the mapping itself, built)."""
        return self._built()

    def __getitem__(self, cell):
        return self._built()[cell]

    def __iter__(self):
        return iter(self._built())

    def __len__(self) -> int:
        return len(self.cells)
