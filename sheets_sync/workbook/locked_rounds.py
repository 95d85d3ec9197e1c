"""A submitted or approved round is the ministry's: a typed cell that changed after the
lock (someone unprotected the tab, or wrote it with a tool that ignores protection) is an
error naming the cell, its value at the lock and now — never silently counted.

What the cells held at the lock is the record ``submit`` makes (``results:<tab>``: the
same record recalc keeps for the history sheet, refreshed by a recalc just before the
lock)."""
from __future__ import annotations

import json
import re

from ..core.grid import a1, plain, same_value
from ..core.problems import Problem, problem
from ..kinds.round_tabs import locked_tabs

_THAI = ((r"^round (\S+) submitted$", r"รอบ \1 ส่งแล้ว"), (r"^round (\S+) approved$", r"รอบ \1 อนุมัติแล้ว"),
         (r"^round (\S+) is an earlier round \(read-only\)$", r"รอบ \1 เป็นรอบก่อน (อ่านอย่างเดียว)"),
         (r"^round (\S+) goes on in (.+) \(read-only\)$", r"รอบ \1 ทำต่อใน \2 (อ่านอย่างเดียว)"))


def why_thai(why: str) -> str:
    """The reason a tab is locked, in Thai (``locked_tabs`` says it in English)."""
    for pattern, thai in _THAI:
        if re.match(pattern, why):
            return re.sub(pattern, thai, why)
    return why


def changed_after_lock(ev) -> list[Problem]:
    """Typed number cells of locked tabs that differ from what the lock recorded."""
    locked = locked_tabs(ev.meta, tuple(ev.grids))
    keys = [f.key for f in ev.template.fields if f.owner == "unit" and f.type == "number"]
    out: list[Problem] = []
    for res in ev.results:
        why = locked.get(res.sheet)
        blob = ev.meta.get(f"results:{res.sheet}")
        if not why or not isinstance(blob, str):
            continue
        try:
            before = json.loads(blob)
        except ValueError:
            continue
        cols = res.layout.columns
        for k in (k for k in keys if k in cols):
            for r, code, value in zip(res.inputs.index, res.inputs["code"], res.inputs[k].tolist()):
                name = f"{code}|{k}"
                if name in before and not same_value(before[name], plain(value)):
                    out.append(problem("changed_after_lock", res.sheet, a1(r, cols[k]), code, why=why,
                                       why_th=why_thai(why), old=before[name], new=plain(value)))
    return out


class LockedFigures:
    """A unit's workbook as it stood at the lock: every typed number changed after the lock
    holds its locked value again (the ministry sums what was submitted and approved, and
    lists the change as an error). ``grids()`` is all an evaluation reads."""

    def __init__(self, name: str, grids: dict, changed: list[Problem]):
        import copy
        from ..core.grid import LazyGrid, parse_a1
        self.name = name
        self._grids = dict(grids)
        for sheet in {p.sheet for p in changed}:
            g = self._grids[sheet]
            g = copy.copy(g.loaded() if isinstance(g, LazyGrid) else g)
            g.values = dict(g.values)       # the read workbook's own grid stays as it was read
            self._grids[sheet] = g
        for p in changed:
            self._grids[p.sheet].values[parse_a1(p.cell)] = dict(p.args)["old"]

    def grids(self) -> dict:
        return self._grids
