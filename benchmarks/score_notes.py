"""Score notes: the note text of every indicator row, N rows (1e4; --quick 2e3).

As recalc meets them: the first recalc builds every note (``ScoreNotes``, all rows at
once through ``trace.notes``); a recalc after one result changed ("ours") keys every row's
note inputs (``trace.note_keys``), checks the notes the sheet holds against the checksum
the metadata kept, keeps the unchanged ones and builds the one changed note. naive: one
``trace(code, row, options).note()`` per row through pandas (what recalc once did; timed
on a sample and scaled to N). floor: ``compute`` + ``rounded`` of the same rows (the
score itself: the issue's target is that a note must not cost more than the score). ours
and the floor run in turns; the ratio is the median of the turns' ratios.
"""
from __future__ import annotations

from sheets_sync.core.scoring import compute, rounded, word_arrays
from sheets_sync.core.score_notes import ScoreNotes
from sheets_sync.core.trace import notes, trace
from sheets_sync.kinds.meta import NOTES, notes_record, reuse_recorded_notes
from sheets_sync.kinds.template import ScoringOptions

from ._util import best, once, paired, ratio
from .scoring_core import make_frame

NAME = "score_notes"
TARGET = {"text": "score notes only rebuilt where their inputs changed: a recalc after one result changed "
                  "costs no more in notes than the score (notes/compute <= 1); every note identical to the "
                  "per-row trace", "max_ratio_notes_over_score": 1.0}
SCORE_COL = 13


def _after_one_change(frame, o, codes, meta, held, words=None) -> dict:
    """What recalc does for the notes of a sheet whose notes were written before (``words``:
    the direction and method arrays its score looked up, handed to the notes as
    kinds/scorecard.evaluate_sheet does)."""
    sn = ScoreNotes(frame, o, codes, SCORE_COL, words=words)
    reuse_recorded_notes(sn, held, meta, "s")           # recalc's own step (workbook/recalc._reuse_notes)
    return sn.texts()


def run(quick: bool, tmp) -> dict:
    n = 2_000 if quick else 10_000
    sample = 100 if quick else 400
    o = ScoringOptions()
    f = make_frame(n, seed=5)
    f.index = range(5, 5 + n)
    codes = [f"K.{i}" for i in range(n)]
    first = ScoreNotes(f, o, codes, SCORE_COL)
    t_first = best(lambda: ScoreNotes(f, o, codes, SCORE_COL).texts(), 3)
    held = dict(first.texts())
    meta = {NOTES + "s": notes_record(first.keys_of_rows(), held.values())}
    changed = f.copy()
    row = changed.index[n // 2]
    changed.loc[row, "result"] = 0.0 if changed.loc[row, "result"] != 0.0 else 1.0
    words = word_arrays(changed, o)       # looked up by the score (the floor), as in recalc
    ours, score_t, r = paired(lambda: _after_one_change(changed, o, codes, meta, held, words),
                              lambda: rounded(*compute(f, o), o), 5 if quick else 15)
    got = _after_one_change(changed, o, codes, meta, held, words)
    t_sample, want = once(lambda: [trace(codes[i], f.iloc[i], o).note() for i in range(sample)])
    naive = t_sample * n / sample
    all_built = notes(changed, o, codes)
    identical = list(held.values())[:sample] == want and list(got.values()) == all_built
    r = round(r, 3)
    return {
        "size": {"rows": n, "naive_sampled_rows": sample, "changed_rows": 1},
        "seconds": {"ours": ours, "first_recalc_all_notes": t_first, "floor": score_t, "naive": naive,
                    "per_row_first_us": t_first / n * 1e6, "per_row_naive_ms": t_sample / sample * 1e3},
        "ratios": {"naive/ours": ratio(ours, naive), "ours/floor": r, "first/floor": ratio(score_t, t_first)},
        "identical_to_naive": bool(identical),
        "target": TARGET,
        "met": bool(identical and r is not None and r <= TARGET["max_ratio_notes_over_score"]),
    }
