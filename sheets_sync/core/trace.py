"""Score trace: the working behind every computed score, in Thai and English."""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .numbers import format_fixed, format_fixed_array, round_half_up_array
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


def note_inputs(frame: pd.DataFrame, options: ScoringOptions, words=None):
    """What a note is made from, as arrays: result, c1..c5 (n x 5), lower-is-better,
    interpolated (the code aside). ``words``: core/scoring.word_arrays of ``frame``, when
    the score already looked them up."""
    n = len(frame)
    num = {k: frame[k].to_numpy() if frame[k].dtype == np.float64 else
           pd.to_numeric(frame[k], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
           for k in ("result", *CRITERIA)}
    c = [num[k] for k in CRITERIA]
    if words is not None:
        return num["result"], np.stack(c, axis=1), words[0], words[1] == INTERPOLATION
    desc = descending_array(c[0], c[-1], frame["direction"] if "direction" in frame else None)
    interp = (method_codes(frame["method"], options.method) == INTERPOLATION) if "method" in frame \
        else np.full(n, _method_code(_method_word("", options.method)) == INTERPOLATION)
    return num["result"], np.stack(c, axis=1), desc, interp


def _decimal_strings(columns, decimals: int, strip: bool) -> list[np.ndarray]:
    """``format_fixed(v, decimals)`` of every value of each column (``strip``: trailing
    zeros and point dropped, as :func:`_n`), as object arrays, no float formatted per value.

    Under 10**(15 - decimals) the half-up rounded float is the double nearest N / 10**d
    for an integer N < 10**15, so rint(|x| * 10**d) is N exactly and ``f"{x:.{d}f}"``
    shows N's digits: the text is the sign, N // 10**d and N's last d digits, written once
    per distinct value from the few distinct whole parts and tails.
    """
    if sum(len(c) for c in columns) <= 64:                # a few rows' notes: no tables to build
        texts = [format_fixed_array(c, decimals) for c in columns]
        return [np.array([t.rstrip("0").rstrip(".") if strip else t for t in c] + [None], dtype=object)[:-1]
                for c in texts]
    # each column rounded on its own (small temporaries), the distinct values of all at once
    rr = np.concatenate([round_half_up_array(np.asarray(c, dtype="float64"), decimals) for c in columns])
    with np.errstate(invalid="ignore"):
        ok = np.abs(rr) < 10.0 ** (15 - decimals)
    codes, bits = pd.factorize(rr[ok].view(np.int64))     # by bits: -0.0 ("-0") apart from 0.0
    distinct = bits.view(np.float64)
    whole, tail = np.divmod(np.rint(np.abs(distinct) * 10.0 ** decimals).astype(np.int64), 10 ** decimals)
    wcodes, wholes = pd.factorize(whole)
    tcodes, tails = pd.factorize(tail)
    tail_texts = [f".{t:0{decimals}d}" for t in tails.tolist()] if decimals else [""] * len(tails)
    if strip:
        tail_texts = [t.rstrip("0").rstrip(".") for t in tail_texts]
    shown = np.array([str(w) for w in wholes.tolist()] + [""], dtype=object)[wcodes] + \
        np.array(tail_texts + [""], dtype=object)[tcodes]
    minus = np.signbit(distinct)
    if minus.any():
        shown[minus] = "-" + shown[minus]
    out = np.empty(len(rr), dtype=object)
    out[ok] = shown[codes] if len(shown) else shown
    if not ok.all():
        x = np.concatenate([np.asarray(c, dtype="float64") for c in columns])
        out[~ok] = [_n(v) if strip else format_fixed(v, decimals) for v in x[~ok].tolist()]
    return np.split(out, np.cumsum([len(c) for c in columns])[:-1])


def _n_strings(*columns: np.ndarray) -> list[np.ndarray]:
    """:func:`_n` of every value of each column."""
    return _decimal_strings(columns, 4, strip=True)


def _pick(table, at: np.ndarray) -> np.ndarray:
    """``table[at]`` with ``table`` a short list of texts."""
    return np.array(table, dtype=object)[at]


def notes_of(r, cc, desc, interp, codes, options: ScoringOptions, limit: int = 255) -> list[str]:
    """:func:`notes` from :func:`note_inputs` (of the rows wanted only): the numbers worked
    out on whole columns, each kind of note then written by one comprehension."""
    n = len(r)
    k = levels_reached(r, cc, desc)
    rows = np.arange(n)
    lo = cc[rows, np.clip(k - 1, 0, 4)]        # threshold of the level reached (k >= 1)
    hi = cc[rows, np.clip(k, 0, 4)]            # threshold of the next level (k <= 4)
    with np.errstate(invalid="ignore", divide="ignore"):
        part, span = np.abs(r - lo), np.abs(hi - lo)
        s_interp = k + part / span
    no_result = np.isnan(r)
    no_criteria = ~no_result & np.isnan(cc).any(axis=1)
    scored = ~no_result & ~no_criteria
    below, top = scored & (k == 0), scored & (k == 5)
    between = scored & (k > 0) & (k < 5)
    interpolated, stepped = between & interp, between & ~interp
    climbing = scored & (k < 5)
    # every number a note shows, formatted in one go, then handed back to its column
    parts = [(r, scored), (cc[:, 0], below), (cc[:, -1], top), (lo, between), (hi, climbing),
             (part, interpolated), (span, interpolated)]
    cols = []
    for (_, m), shown in zip(parts, _n_strings(*(v[m] for v, m in parts))):
        cols.append(np.empty(n, dtype=object))
        cols[-1][m] = shown
    n_r, n_c1, n_c5, n_lo, n_hi, n_part, n_span = cols
    d = options.decimals["score"]
    f_interp = np.empty(n, dtype=object)
    f_interp[interpolated] = _decimal_strings([s_interp[interpolated]], d, strip=False)[0] if 0 <= d <= 9 else \
        format_fixed_array(s_interp[interpolated], d)
    f_below, f_max = format_fixed(options.below_level_1, d), format_fixed(options.max_score, d)
    f_step = _pick([""] + [format_fixed(j, d) for j in range(1, 5)] + [""], k)
    code = np.empty(n, dtype=object)
    code[:] = list(codes)
    level, nxt = _pick([str(j) for j in range(6)], k), _pick([str(j) for j in range(1, 7)], k)
    lower = _pick(["", " (ยิ่งน้อยยิ่งดี)"], desc.astype(np.intp))
    lower_en = _pick(["", " (lower is better)"], desc.astype(np.intp))
    cmp_th = _pick(["อย่างน้อย", "ไม่เกิน"], desc.astype(np.intp))
    cmp_en = _pick(["more", "less"], desc.astype(np.intp))
    out = np.empty(n, dtype=object)

    def put(mask, *columns):
        return (mask, *(c[mask].tolist() for c in columns))

    def write(mask, th, en):
        out[mask] = [b if len(b := f"{a}\n{e}") <= limit else a if len(a) <= limit else a[: limit - 1] + "…"
                     for a, e in zip(th, en)] if mask.any() else []

    m, these = put(no_result, code)
    write(m, [f"{c}: ยังไม่รายงานผล จึงยังไม่มีคะแนน" for c in these], [f"{c}: no result reported, so no score" for c in these])
    m, these = put(no_criteria, code)
    write(m, [f"{c}: เกณฑ์การให้คะแนนไม่ครบ จึงคำนวณไม่ได้" for c in these],
          [f"{c}: thresholds incomplete, no score" for c in these])
    m, *v = put(below, code, n_r, n_c1, lower, lower_en, cmp_th, cmp_en, n_hi)
    write(m, [f"{c}: ผล {r} ยังไม่ถึงระดับ 1 = {c1}{lw} ได้คะแนน {f_below} ตามกติกาต่ำกว่าระดับ 1; "
              f"ต้องได้{ct} {h} จึงถึงระดับ 1" for c, r, c1, lw, _, ct, _, h in zip(*v)],
          [f"{c}: {r} is below level 1 = {c1}{le}: score {f_below} by the below-level-1 rule; "
           f"{h} or {ce} reaches level 1" for c, r, c1, _, le, _, ce, h in zip(*v)])
    m, *v = put(top, code, n_r, n_c5, lower, lower_en)
    write(m, [f"{c}: ผล {r} ถึงระดับ 5 = {c5}{lw} ได้คะแนน {f_max}; (คะแนนสูงสุดแล้ว)" for c, r, c5, lw, _ in zip(*v)],
          [f"{c}: {r} reaches level 5 = {c5}{le}: score {f_max}; (top score)" for c, r, c5, _, le in zip(*v)])
    m, *v = put(interpolated, code, n_r, level, nxt, n_lo, n_hi, lower, lower_en, cmp_th, cmp_en, n_part, n_span,
                f_interp)
    write(m, [f"{c}: ผล {r} อยู่ระหว่างระดับ {k} = {lo} กับระดับ {k1} = {h}{lw}: {k} + {p}/{s} = {fi}; "
              f"ต้องได้{ct} {h} จึงถึงระดับ {k1}" for c, r, k, k1, lo, h, lw, _, ct, _, p, s, fi in zip(*v)],
          [f"{c}: {r} lies between level {k} = {lo} and level {k1} = {h}{le}: {k} + {p}/{s} = {fi}; "
           f"{h} or {ce} reaches level {k1}" for c, r, k, k1, lo, h, _, le, _, ce, p, s, fi in zip(*v)])
    m, *v = put(stepped, code, n_r, level, nxt, n_lo, n_hi, lower, lower_en, cmp_th, cmp_en, f_step)
    write(m, [f"{c}: ผล {r} ถึงระดับ {k} = {lo} แต่ยังไม่ถึงระดับ {k1} = {h}{lw} (ขั้นบันได) ได้คะแนน {fs}; "
              f"ต้องได้{ct} {h} จึงถึงระดับ {k1}" for c, r, k, k1, lo, h, lw, _, ct, _, fs in zip(*v)],
          [f"{c}: {r} reaches level {k} = {lo} but not level {k1} = {h}{le} (step): score {fs}; "
           f"{h} or {ce} reaches level {k1}" for c, r, k, k1, lo, h, _, le, _, ce, fs in zip(*v)])
    return out.tolist()


_KEYS_VERSION = 3     # in the salt: keys of another version never match (those notes are rebuilt)
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
    # UTF-8: codes are mostly ASCII, a quarter of the bytes UTF-32 hashed (NUL still ends each)
    digest = hashlib.blake2b(head + b"\0" + joined.encode("utf-8", "surrogatepass"), digest_size=8).digest()
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
