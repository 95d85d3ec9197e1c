"""Properties of the scoring core over generated thresholds and results."""
import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from sheets_sync.core.scoring import compute, score
from sheets_sync.kinds.template import ScoringOptions

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
thresholds = st.lists(st.floats(min_value=-1e5, max_value=1e5, allow_nan=False, allow_infinity=False),
                      min_size=5, max_size=5, unique=True).map(sorted)
options = st.builds(ScoringOptions, method=st.sampled_from(["step", "interpolation"]),
                    below_level_1=st.sampled_from([0.0, 1.0]))


def one(c, result, weight=10.0):
    return pd.DataFrame([{"weight": weight, "target": c[-1], "c1": c[0], "c2": c[1], "c3": c[2],
                          "c4": c[3], "c5": c[4], "result": result}])


@settings(max_examples=300, deadline=None)
@given(thresholds, finite, options, st.booleans())
def test_score_is_within_zero_and_five(c, result, opts, desc):
    c = c[::-1] if desc else c
    s = score(one(c, result), opts).iloc[0]
    assert 0.0 <= s <= 5.0


@settings(max_examples=300, deadline=None)
@given(thresholds, finite, finite, options)
def test_score_is_monotone_in_the_result(c, a, b, opts):
    lo, hi = sorted((a, b))
    up = score(pd.concat([one(c, lo), one(c, hi)], ignore_index=True), opts)
    assert up.iloc[0] <= up.iloc[1]
    down = score(pd.concat([one(c[::-1], lo), one(c[::-1], hi)], ignore_index=True), opts)
    assert down.iloc[0] >= down.iloc[1]


@settings(max_examples=200, deadline=None)
@given(thresholds, finite, options, st.floats(min_value=0, max_value=100))
def test_percentage_is_score_over_five_times_hundred(c, result, opts, weight):
    rows, _ = compute(one(c, result, weight), opts)
    s = rows["score"].iloc[0]
    assert np.isclose(rows["percentage"].iloc[0], s / 5 * 100)
    assert np.isclose(rows["weighted_score"].iloc[0], weight * s / 100)
