"""Score notes: the note text of every indicator row (``trace.notes``), N rows (1e4; --quick 2e3).

naive: one ``trace(code, row, options).note()`` per row through pandas (what recalc did;
timed on a sample and scaled to N). floor: ``compute`` of the same rows (the score itself:
the issue's target is that a note must not cost more than the score).
"""
from __future__ import annotations

from sheets_sync.core.scoring import compute, rounded
from sheets_sync.core.trace import notes, trace
from sheets_sync.kinds.template import ScoringOptions

from ._util import best, once, ratio
from .scoring_core import make_frame

NAME = "score_notes"
TARGET = {"text": "score notes computed vectorised for all rows at once; a note must not cost more "
                  "than the score (notes/compute <= 1), identical text", "max_ratio_notes_over_score": 1.0}


def run(quick: bool, tmp) -> dict:
    n = 2_000 if quick else 10_000
    sample = 100 if quick else 400
    o = ScoringOptions()
    f = make_frame(n, seed=5)
    codes = [f"K.{i}" for i in range(n)]
    ours = best(lambda: notes(f, o, codes), 3)
    score_t = best(lambda: rounded(*compute(f, o), o), 5)
    t_sample, want = once(lambda: [trace(codes[i], f.iloc[i], o).note() for i in range(sample)])
    naive = t_sample * n / sample
    identical = notes(f.iloc[:sample], o, codes[:sample]) == want
    r = ratio(score_t, ours)
    return {
        "size": {"rows": n, "naive_sampled_rows": sample},
        "seconds": {"ours": ours, "floor": score_t, "naive": naive, "per_row_ours_us": ours / n * 1e6,
                    "per_row_naive_ms": t_sample / sample * 1e3},
        "ratios": {"naive/ours": ratio(ours, naive), "ours/floor": r},
        "identical_to_naive": bool(identical),
        "target": TARGET,
        "met": bool(identical and r is not None and r <= TARGET["max_ratio_notes_over_score"]),
    }
