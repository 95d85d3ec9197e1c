"""The scoring core on its own: pure functions over pandas frames."""
import math

import numpy as np
import pandas as pd
import pytest

from sheets_sync.core.numbers import format_fixed, parse_number, round_half_up
from sheets_sync.core.scoring import compute, rounded, score
from sheets_sync.kinds.template import ScoringOptions, load_template

STEP = load_template().scoring
OPDC = load_template("scorecard_opdc").scoring


def frame(*rows, **extra):
    cols = ["weight", "target", "c1", "c2", "c3", "c4", "c5", "result"]
    f = pd.DataFrame([dict(zip(cols, r)) for r in rows]).astype("float64")
    for k, v in extra.items():
        f[k] = v
    return f


def test_step_scores_the_highest_level_reached():
    f = frame((15, 12, 4, 6, 8, 10, 12, 10), (15, 12, 4, 6, 8, 10, 12, 12), (15, 12, 4, 6, 8, 10, 12, 11.99))
    assert score(f, STEP).tolist() == [4.0, 5.0, 4.0]


def test_below_level_one_scores_one_by_default_and_zero_when_the_template_says_so():
    f = frame((10, 90, 70, 75, 80, 85, 90, 2), (15, 80, 68, 71, 74, 77, 80, 0))
    assert score(f, STEP).tolist() == [1.0, 1.0]
    zero = ScoringOptions(below_level_1=0)
    assert score(f, zero).tolist() == [0.0, 0.0]


def test_interpolation_between_thresholds_capped_at_five():
    f = frame((5, 80, 68, 71, 74, 77, 80, 72.5), (5, 80, 68, 71, 74, 77, 80, 95), (5, 80, 68, 71, 74, 77, 80, 68))
    s = score(f, OPDC)
    assert s.tolist() == [2.5, 5.0, 1.0]
    assert format_fixed(s.iloc[0], OPDC.decimals["score"]) == "2.5000"


def test_method_column_overrides_the_template_default_per_indicator():
    f = frame((5, 80, 68, 71, 74, 77, 80, 72.5), (5, 80, 68, 71, 74, 77, 80, 72.5),
              method=["interpolation", "step"])
    assert score(f, STEP).tolist() == [2.5, 2.0]


def test_lower_is_better_with_descending_thresholds():
    # complaints: level 1 = 10 ... level 5 = 2; reaching means <=
    f = frame(*[(10, 2, 10, 8, 6, 4, 2, r) for r in (1, 2, 3, 6, 10, 11)])
    assert score(f, STEP).tolist() == [5.0, 5.0, 4.0, 3.0, 1.0, 1.0]
    # interpolation: 7 lies halfway between level 2 = 8 and level 3 = 6
    assert score(frame((10, 2, 10, 8, 6, 4, 2, 7)), OPDC).tolist() == [2.5]


def test_direction_column_lower_is_honoured():
    f = frame((10, 2, 10, 8, 6, 4, 2, 3), direction=["lower"])
    assert score(f, STEP).tolist() == [4.0]


def test_empty_result_is_not_zero():
    f = frame((50, 5, 1, 2, 3, 4, 5, np.nan), (50, 5, 1, 2, 3, 4, 5, 0))
    rows, totals = compute(f, STEP)
    assert math.isnan(rows["score"].iloc[0]) and rows["status"].iloc[0] == "grey"
    assert rows["score"].iloc[1] == 1.0
    assert totals["complete"] is False and totals["reported"] == 1
    assert totals["weighted_score"] == pytest.approx(0.5)


def test_seed003_milestone_weight_two_with_four_decimals():
    f = frame((2, 5, 1, 2, 3, 4, 5, 5))
    rows, totals = rounded(*compute(f, OPDC), OPDC)
    assert rows["score"].iloc[0] == 5.0
    assert format_fixed(rows["weighted_score"].iloc[0], 4) == "0.1000"
    four = STEP.with_decimals(4)
    rows, _ = rounded(*compute(f, four), four)
    assert format_fixed(rows["weighted_score"].iloc[0], 4) == "0.1000"


def test_status_rule():
    f = frame((20, 5, 1, 2, 3, 4, 5, 5), (20, 90, 70, 75, 80, 85, 90, 80), (20, 90, 70, 75, 80, 85, 90, 72),
              (20, 90, 70, 75, 80, 85, 90, np.nan), (20, np.nan, 1, 2, 3, 4, 5, 5))
    rows, _ = compute(f, STEP)
    assert rows["status"].tolist() == ["green", "yellow", "red", "grey", "green"]


@pytest.mark.parametrize("value,expected", [
    (2.0005, 2.001), (2.0004999, 2.0), (0.0005, 0.001), (1.2345, 1.235), (2.675, 2.68), (-1.5, -2.0),
])
def test_half_up_rounding_never_bankers(value, expected):
    decimals = 3 if value not in (2.675, -1.5) else (2 if value == 2.675 else 0)
    assert round_half_up(value, decimals) == expected


def test_totals_round_from_unrounded_values():
    # three weights of 1/3 each scoring 1.0005 -> weighted 0.3335 each; the total is rounded once
    opts = STEP
    f = frame((100 / 3, 5, 1, 2, 3, 4, 5, 1), (100 / 3, 5, 1, 2, 3, 4, 5, 1), (100 / 3, 5, 1, 2, 3, 4, 5, 1))
    rows, totals = rounded(*compute(f, opts), opts)
    assert rows["weighted_score"].tolist() == [0.333, 0.333, 0.333]
    assert totals["weighted_score"] == 1.0


@pytest.mark.parametrize("text,expected", [
    ("๗๐", 70.0), ("1,234.5", 1234.5), ("85 %", 85.0), ("  12 ", 12.0), ("ร้อยละ ๙๗.๑๑", 97.11),
    ("\u00a072.5\u200b", 72.5), (70, 70.0), (2.5, 2.5), ("-3", -3.0),
])
def test_numbers_as_staff_type_them(text, expected):
    assert parse_number(text) == (expected, True)


@pytest.mark.parametrize("text", ["N/A", "-", "ไม่มี", "1,23", "12 ครั้ง", True])
def test_text_is_reported_not_guessed(text):
    assert parse_number(text) == (None, False)


@pytest.mark.parametrize("empty", [None, "", "   ", float("nan")])
def test_empty_is_not_reported_not_an_error(empty):
    assert parse_number(empty) == (None, True)
