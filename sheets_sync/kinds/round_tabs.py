"""Which tabs of a unit's workbook belong to which reporting round (issue 12). Pure.

A workbook may hold several rounds: new-round adds the next round's tabs beside the last
ones (``ตัวชี้วัด`` for 2/2567, ``ตัวชี้วัด 3-2567`` for 3/2567). The metadata records
each round's tabs under ``round:<code>:tab`` (one name, or a JSON list when the kind lays
out more than one tab per round) and the workbook's current round under ``period``.
A tab no round claims belongs to the current round (a workbook made by init).
"""
from __future__ import annotations

import json

from ..core.errors import SheetsSyncError
from ..core.period import Period

class RoundLocked(SheetsSyncError):
    """Every tab of the kind is locked (submitted, approved or an earlier round)."""


LOCKED_STATES = ("ส่งแล้ว", "อนุมัติ")     # submitted, approved: the unit may no longer type
SHEET_NAME_LIMIT = 31                     # Excel's and Google's limit on a tab name
FORBIDDEN = '[]:*?/\\'


def tabs_value(tabs: list[str]) -> str:
    """How ``round:<code>:tab`` holds the tabs: the name itself for one, a JSON list for more."""
    return tabs[0] if len(tabs) == 1 else json.dumps(list(tabs), ensure_ascii=False)


def _tabs(value) -> list[str]:
    text = str(value or "").strip()
    if not text:
        return []
    if text.startswith("["):
        try:
            return [str(t) for t in json.loads(text)]
        except ValueError:
            return [text]
    return [text]


def _code(period) -> str | None:
    try:
        return Period.parse(period).code
    except SheetsSyncError:
        return None


def round_tabs(meta: dict, sheets) -> dict[str, list[str]]:
    """Period code -> the tabs the metadata gives that round (only tabs that exist)."""
    names = set(sheets)
    out: dict[str, list[str]] = {}
    for k, v in meta.items():
        if isinstance(k, str) and k.startswith("round:") and k.endswith(":tab"):
            code = _code(k[len("round:"):-len(":tab")])
            tabs = [t for t in _tabs(v) if t in names]
            if code and tabs:
                out[code] = tabs
    return out


def current_period(meta: dict) -> str | None:
    return _code(meta.get("period")) if meta.get("period") else None


def tabs_of(meta: dict, sheets, period=None) -> set[str] | None:
    """The tabs of ``period`` (default: the current round): its recorded tabs, else every
    tab no round claims. None when the workbook holds no such round."""
    rounds = round_tabs(meta, sheets)
    want = _code(period) if period else current_period(meta)
    if want in rounds:
        return set(rounds[want])
    if period and want != current_period(meta) and rounds:
        return None
    claimed = {t for tabs in rounds.values() for t in tabs}
    return {s for s in sheets if s not in claimed}


def period_held(meta: dict, sheets, period) -> str | None:
    """The round a workbook's tabs give for ``period``: that round's code when it has
    tabs of its own, else the workbook's current round (None when unknown)."""
    want = _code(period)
    if want and want in round_tabs(meta, sheets):
        return want
    return current_period(meta)


def select(results: list, meta: dict, sheets, period=None) -> list:
    """The results of one round (default: the current one); every result when the
    workbook records no rounds at all (what init makes)."""
    if not round_tabs(meta, sheets):
        return results
    # a round the workbook does not hold: its current round, which consolidate lists as
    # the wrong period
    keep = tabs_of(meta, sheets, period) or tabs_of(meta, sheets) or set()
    return [r for r in results if r.sheet in keep]


def locked_tabs(meta: dict, sheets) -> dict[str, str]:
    """Tab -> why no one but the ministry writes there: its round was submitted or
    approved, or it is an earlier round than the current one (read-only)."""
    current = current_period(meta)
    out: dict[str, str] = {}
    for code, tabs in round_tabs(meta, sheets).items():
        state = str(meta.get(f"round:{code}:state") or "")
        why = (f"round {code} {'submitted' if state == LOCKED_STATES[0] else 'approved'}" if state in LOCKED_STATES
               else f"round {code} is an earlier round (read-only)" if code != current
               else f"round {code} goes on in {meta[f'round:{code}:next']} (read-only)"
               if meta.get(f"round:{code}:next") else "")
        if why:
            out.update({t: why for t in tabs})
    state = str(meta.get(f"round:{current}:state") or "")
    if current and current not in round_tabs(meta, sheets) and state in LOCKED_STATES:
        claimed = {t for tabs in round_tabs(meta, sheets).values() for t in tabs}
        said = "submitted" if state == LOCKED_STATES[0] else "approved"
        out.update({s: f"round {current} {said}" for s in sheets if s not in claimed})
    return out


def tab_name(base: str, period) -> str:
    """The tab of ``base`` for a round a person recognises: ``ตัวชี้วัด 3-2567`` ('/' is
    not allowed in a tab name), the base shortened to fit the 31-character limit."""
    suffix = Period.parse(period).code.replace("/", "-")
    room = SHEET_NAME_LIMIT - len(suffix) - 1
    clean = "".join("-" if ch in FORBIDDEN else ch for ch in base_name(base))
    return f"{clean[:room].rstrip()} {suffix}"


def base_name(tab: str) -> str:
    """``ตัวชี้วัด 3-2567`` -> ``ตัวชี้วัด``: the tab's name without a round suffix."""
    head, _, tail = tab.rpartition(" ")
    i = tail.rfind("-")
    if head and _code(tail[:i] + "/" + tail[i + 1:] if i > 0 else tail):
        return head
    return tab


def period_of_tab(meta: dict, tab: str) -> str | None:
    """The round ``tab`` holds: the round that claims it, else the workbook's current one."""
    claims = round_tabs(meta, [tab])
    return next(iter(claims)) if claims else current_period(meta)


def same_round(grids: dict, sheet: str) -> dict:
    """The grids without the tabs of other rounds than ``sheet``'s (a round's details tab
    goes with its own scorecard); all of them in a workbook of one round."""
    from .meta import META_SHEET, read_meta
    meta = read_meta(grids.get(META_SHEET))
    rounds = round_tabs(meta, tuple(grids))
    mine = period_of_tab(meta, sheet)
    others = {t for code, tabs in rounds.items() if code != mine for t in tabs}
    return {k: g for k, g in grids.items() if k not in others}


def first_per_round(results: list, grids: dict) -> list:
    """The first complete table of each round the workbook holds (of one round: the first)."""
    from .meta import META_SHEET, read_meta
    meta = read_meta(grids.get(META_SHEET))
    seen, out = set(), []
    for res in results:
        code = period_of_tab(meta, res.sheet) if round_tabs(meta, tuple(grids)) else None
        if code not in seen:
            seen.add(code)
            if res.layout.complete:
                out.append(res)
    return out
