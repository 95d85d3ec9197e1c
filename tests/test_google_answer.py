"""The write's answer leaves out the computed cells it writes (the batch is atomic: they hold
what was written whatever a person did) and still catches every edit made meanwhile.

A first recalc (every result typed, nothing computed yet) writes the computed columns of every
indicator row, the case where the answer is cut around them; a person's edit lands just before
the write, and the spreadsheet must end as a clone that got the edit before the recalc.
"""
import copy
import json
import random

import pytest

import sheets_sync as ss
from conftest import sheet_key
from test_google_race import EDITS, TITLE, code_rows, meta, race, values

RUNS = 5


def _ranges(emu):
    seen = []
    emu.state.before("POST", r":batchUpdate$", lambda req: seen.append(json.loads(req.body)), once=False)
    return seen


def _a1_box(rng):
    from gspread.utils import a1_to_rowcol
    cells = rng.split("!")[1].split(":")
    (r0, c0), (r1, c1) = a1_to_rowcol(cells[0]), a1_to_rowcol(cells[-1])
    return r0, r1, c0, c1


def test_answer_leaves_out_the_computed_cells_written(google_seed, emulator, google_opts):
    key = sheet_key(google_seed)
    bodies = _ranges(emulator)
    ss.recalc(key, **google_opts)
    shown = [r for b in bodies for r in b.get("responseRanges", []) if r.startswith(f"'{TITLE}'")]
    assert shown and f"'{TITLE}'" not in shown          # the tab is not asked for whole
    boxes = [_a1_box(r) for r in shown]
    rows = sorted(code_rows(emulator, key).values())
    score, result = 13, 12                                # M: the score written; L: the result typed
    for r in rows:
        assert not any(r0 <= r <= r1 and c0 <= score <= c1 for r0, r1, c0, c1 in boxes), r
        assert any(r0 <= r <= r1 and c0 <= result <= c1 for r0, r1, c0, c1 in boxes), r


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_first_recalc_race(google_seed, emulator, google_opts, edit):
    key = sheet_key(google_seed)
    rng = random.Random(f"first-{edit}")
    base = copy.deepcopy(emulator.state.spreadsheets[key])
    for _ in range(RUNS):
        emulator.state.spreadsheets[key] = copy.deepcopy(base)
        twin, hook = race(emulator, key, EDITS[edit], rng)
        report = ss.recalc(key, **google_opts)
        assert hook.calls == 1 and not hook.errors
        ss.recalc(twin, **google_opts)
        assert values(emulator, key) == values(emulator, twin)          # cell by cell
        assert meta(emulator, key) == meta(emulator, twin)
        again = ss.recalc(key, dry_run=True, **google_opts)
        assert again.changed_cells == 0 and not [p for p in again.problems if "computed" in p.kind]
        assert report.sheets[0].totals == again.sheets[0].totals
        emulator.state.spreadsheets.pop(twin)
