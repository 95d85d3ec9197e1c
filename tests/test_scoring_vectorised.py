"""The vectorised scoring core, rounding and score notes against slow references.

The references below are the previous, per-element implementations (Decimal per value,
Python lambdas per row, one pandas trace per row), kept here and not in the package:
every result of the fast code must be identical to them, float for float and character
for character.
"""
import math
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, InvalidOperation

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sheets_sync.core.numbers import format_fixed, format_fixed_array, round_half_up_array, round_series
from sheets_sync.core.scoring import compute, descending, normalise_method, rounded, score
from sheets_sync.core.trace import _decimal_strings, _n, _n_strings, notes, trace
from sheets_sync.kinds.template import CRITERIA, ScoringOptions

# --- references: the previous implementation, verbatim in substance ---------------------

_LOWER = {"lower", "down", "desc", "descending", "ต่ำดี", "น้อยดี", "น้อยกว่าดี", "ยิ่งน้อยยิ่งดี"}
_HIGHER = {"higher", "up", "asc", "ascending", "สูงดี", "มากดี", "มากกว่าดี", "ยิ่งมากยิ่งดี"}
_INTERP = {"interpolation", "linear", "เชิงเส้น", "opdc"}
_STEP = {"step", "milestone", "ขั้น", "ขั้นบันได", "ระดับความสำเร็จ"}


def ref_round_half_up(x, decimals):
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return None
    try:
        d = Decimal(repr(float(x))).quantize(Decimal("1e-9"), rounding=ROUND_HALF_EVEN)
        return float(d.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))
    except InvalidOperation:
        return float(x)


def ref_round_series(s, decimals):
    return s.map(lambda v: np.nan if pd.isna(v) else ref_round_half_up(v, decimals)).astype("float64")


def ref_normalise_method(values, default):
    def one(v):
        if v is None or (isinstance(v, float) and np.isnan(v)) or str(v).strip() == "":
            return default
        t = str(v).strip().lower()
        return "interpolation" if t in _INTERP else "step" if t in _STEP else np.nan
    return values.map(one) if len(values) else values.astype(object)


def ref_descending(frame):
    c = frame[list(CRITERIA)].to_numpy(dtype="float64")
    falling = pd.Series(c[:, 0] > c[:, -1], index=frame.index)
    if "direction" not in frame:
        return falling
    d = frame["direction"].map(lambda v: str(v).strip().lower() if isinstance(v, str) else "")
    return falling.where(~d.isin(_LOWER | _HIGHER), d.isin(_LOWER))


def ref_levels_reached(result, thresholds, desc):
    r = result[:, None]
    return np.where(desc[:, None], r <= thresholds, r >= thresholds).sum(axis=1)


def ref_score(frame, options):
    c = frame[list(CRITERIA)].to_numpy(dtype="float64")
    r = frame["result"].to_numpy(dtype="float64")
    desc = ref_descending(frame).to_numpy()
    method = ref_normalise_method(frame.get("method", pd.Series("", index=frame.index)), options.method)
    k = ref_levels_reached(r, c, desc)
    stepped = np.where(k == 0, options.below_level_1, k).astype("float64")
    lo_i = np.clip(k - 1, 0, 3)
    lo = np.take_along_axis(c, lo_i[:, None], axis=1)[:, 0]
    hi = np.take_along_axis(c, (lo_i + 1)[:, None], axis=1)[:, 0]
    span = hi - lo
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        frac = np.where(span != 0, (r - lo) / span, 0.0)
    interp = np.where(k >= 5, options.max_score,
                      np.where(k == 0, options.below_level_1, k + np.clip(frac, 0, 1)))
    out = np.where(method.to_numpy() == "interpolation", interp, stepped)
    out = np.where(np.isnan(r) | np.isnan(c).any(axis=1) | method.isna().to_numpy(), np.nan, out)
    return pd.Series(np.clip(out, 0, options.max_score), index=frame.index, name="score")


def ref_compute(frame, options):
    s = ref_score(frame, options)
    desc = ref_descending(frame)
    r, t = frame["result"], frame["target"]
    meets = ((desc & (r <= t)) | (~desc & (r >= t))) & t.notna() & r.notna()
    green = meets | (frame["target"].isna() & (s >= options.max_score))
    st_ = np.select([s.isna(), green, s >= options.yellow_min_score], ["grey", "green", "yellow"], default="red")
    w = frame["weight"] * s / options.weight_total
    rows = pd.DataFrame({"score": s, "percentage": s / options.max_score * 100,
                         "weighted_score": w.rename("weighted_score"),
                         "status": pd.Series(st_, index=frame.index, name="status")}, index=frame.index)
    reported = int(s.notna().sum())
    total = float(rows["weighted_score"].sum(min_count=0))
    return rows, {"weight": float(frame["weight"].sum()), "weighted_score": total,
                  "percentage": total / options.max_score * 100, "reported": reported,
                  "indicators": len(frame), "complete": reported == len(frame)}


def ref_rounded(rows, totals, options):
    d = options.decimals
    out = rows.copy()
    for col in ("score", "percentage", "weighted_score"):
        out[col] = ref_round_series(rows[col], d[col])
    t = dict(totals)
    t["weight"] = ref_round_half_up(totals["weight"], 2)
    t["weighted_score"] = ref_round_half_up(totals["weighted_score"], d["weighted_score"])
    t["percentage"] = ref_round_half_up(totals["percentage"], d["percentage"])
    return out, t


def same_floats(a, b) -> bool:
    a, b = np.asarray(a, dtype="float64"), np.asarray(b, dtype="float64")
    both_nan = np.isnan(a) & np.isnan(b)
    return bool(np.all(both_nan | ((a == b) & (np.signbit(a) == np.signbit(b)))))


def same_totals(a, b) -> bool:
    return a.keys() == b.keys() and all(
        (x is None and y is None) or (isinstance(x, float) and isinstance(y, float) and math.isnan(x) and math.isnan(y))
        or (x == y and type(x) is type(y)) for x, y in ((a[k], b[k]) for k in a))


# --- rounding ------------------------------------------------------------------------------

any_float = st.floats(allow_nan=True, allow_infinity=True)
decimals_0_6 = st.integers(min_value=0, max_value=6)


def near_ties(d):
    """Values a person writes with d+1 decimals ending in 5, and their float neighbours."""
    return st.tuples(st.integers(-10**12, 10**12), st.integers(-3, 3)).map(
        lambda t: float(np.nextafter(np.float64((t[0] * 10 + 5) / 10 ** (d + 1)), np.inf * np.sign(t[1]))
                        if t[1] else (t[0] * 10 + 5) / 10 ** (d + 1)))


@settings(max_examples=3000, deadline=None)
@given(st.lists(any_float, min_size=1, max_size=50), decimals_0_6)
def test_vectorised_half_up_equals_decimal_on_the_whole_float_range(xs, d):
    got = round_half_up_array(xs, d)
    want = [np.nan if ref_round_half_up(x, d) is None else ref_round_half_up(x, d) for x in xs]
    assert same_floats(got, want), [(repr(x), g, w) for x, g, w in zip(xs, got, want) if not same_floats([g], [w])]


@settings(max_examples=800, deadline=None)
@given(st.data(), decimals_0_6)
def test_vectorised_half_up_on_written_ties_and_their_neighbours(data, d):
    xs = data.draw(st.lists(near_ties(d), min_size=1, max_size=30))
    got = round_half_up_array(xs, d)
    assert same_floats(got, [ref_round_half_up(x, d) for x in xs])


@settings(max_examples=2000, deadline=None)
@given(st.decimals(min_value=-10**6, max_value=10**6, places=9, allow_nan=False, allow_infinity=False),
       decimals_0_6)
def test_half_up_is_how_a_person_rounds_the_decimal_they_see(dec, d):
    """For numbers written with at most 9 decimals, the result is the written decimal
    quantized half-up, e.g. 2.0005 -> 2.001: Decimal(repr(x)).quantize(ROUND_HALF_UP)."""
    x = float(dec)
    want = float(Decimal(repr(x)).quantize(Decimal(1).scaleb(-d), rounding=ROUND_HALF_UP))
    assert same_floats(round_half_up_array([x], d), [want])


@pytest.mark.parametrize("x,d,want", [(2.0005, 3, 2.001), (-2.0005, 3, -2.001), (0.125, 2, 0.13),
                                      (1.005, 2, 1.01), (2.675, 2, 2.68), (72.5, 0, 73.0),
                                      (0.30000000000000004, 1, 0.3), (2.0004999999, 3, 2.001)])
def test_hand_rounding_examples(x, d, want):
    assert round_half_up_array([x], d)[0] == want


def test_round_series_keeps_index_and_nan():
    s = pd.Series([2.0005, np.nan, None, 1.0], index=[5, 7, 9, 11], dtype="float64")
    out = round_series(s, 3)
    assert out.index.tolist() == [5, 7, 9, 11] and same_floats(out, ref_round_series(s, 3))


def test_every_step_of_a_million_randoms_matches_decimal():
    rng = np.random.default_rng(16)
    xs = np.concatenate([rng.uniform(-200, 200, 100_000), np.round(rng.uniform(-1e5, 1e5, 100_000), 4),
                         rng.uniform(-1e9, 1e9, 5_000), np.exp(rng.uniform(-50, 50, 5_000))])
    for d in (0, 2, 3, 4, 6):
        assert same_floats(round_half_up_array(xs, d), [ref_round_half_up(x, d) for x in xs.tolist()])


@settings(max_examples=500, deadline=None)
@given(st.lists(any_float, min_size=1, max_size=20), st.integers(0, 6))
def test_format_fixed_array_equals_format_fixed(xs, d):
    assert format_fixed_array(xs, d) == [format_fixed(x, d) for x in xs]


# --- the scoring core ----------------------------------------------------------------------

METHOD_WORDS = ["", " ", None, np.nan, "step", "Step ", "interpolation", "linear", "OPDC", "เชิงเส้น",
                "ขั้นบันได", "ระดับความสำเร็จ", "milestone", "weird", 3, 2.5]
DIRECTION_WORDS = ["", None, np.nan, "lower", " Lower", "higher", "ต่ำดี", "ยิ่งมากยิ่งดี", "up", "sideways", 1]
num = st.one_of(st.integers(-20, 120).map(float), st.floats(-1e3, 1e3, allow_nan=False),
                st.decimals(-200, 200, places=3, allow_nan=False).map(float), st.just(np.nan))


@st.composite
def frames(draw, n_max=25):
    n = draw(st.integers(0, n_max))
    rows = []
    for _ in range(n):
        c = sorted(draw(st.lists(st.integers(-50, 150).map(float) | st.floats(-1e3, 1e3, allow_nan=False),
                                 min_size=5, max_size=5)))
        if draw(st.booleans()):
            c = c[::-1]
        if draw(st.integers(0, 15)) == 0:
            c[draw(st.integers(0, 4))] = np.nan
        if draw(st.integers(0, 10)) == 0:
            c = draw(st.lists(num, min_size=5, max_size=5))            # non-monotonic, anything
        result = draw(st.one_of(num, st.sampled_from(c), st.just(np.nan)))
        rows.append({"weight": draw(num), "target": draw(num), **dict(zip(CRITERIA, c)), "result": result})
    f = pd.DataFrame(rows, columns=["weight", "target", *CRITERIA, "result"], dtype="float64")
    f.index = pd.Index(draw(st.lists(st.integers(0, 10**6), min_size=n, max_size=n, unique=True)), name="row")
    if draw(st.booleans()):
        f["method"] = pd.Series(draw(st.lists(st.sampled_from(METHOD_WORDS), min_size=n, max_size=n)),
                                index=f.index, dtype=object)
    if draw(st.booleans()):
        f["direction"] = pd.Series(draw(st.lists(st.sampled_from(DIRECTION_WORDS), min_size=n, max_size=n)),
                                   index=f.index, dtype=object)
    return f


scoring_options = st.builds(
    ScoringOptions, method=st.sampled_from(["step", "interpolation"]), below_level_1=st.sampled_from([0.0, 1.0]),
    decimals=st.sampled_from([{"score": 3, "percentage": 2, "weighted_score": 3},
                              {"score": 4, "percentage": 2, "weighted_score": 4},
                              {"score": 0, "percentage": 6, "weighted_score": 1}]))


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frames(), scoring_options)
def test_compute_and_rounded_identical_to_the_previous_implementation(f, opts):
    rows, totals = compute(f, opts)
    want_rows, want_totals = ref_compute(f, opts)
    pd.testing.assert_frame_equal(rows, want_rows, check_exact=True)
    assert same_totals(totals, want_totals)
    r_rows, r_totals = rounded(rows, totals, opts)
    w_rows, w_totals = ref_rounded(want_rows, want_totals, opts)
    pd.testing.assert_frame_equal(r_rows, w_rows, check_exact=True)
    assert same_totals(r_totals, w_totals)
    pd.testing.assert_series_equal(score(f, opts), ref_score(f, opts), check_exact=True)


@settings(max_examples=120, deadline=None)
@given(frames(), st.sampled_from(["step", "interpolation"]))
def test_normalise_method_and_descending_identical(f, default):
    if "method" in f:
        pd.testing.assert_series_equal(normalise_method(f["method"], default),
                                       ref_normalise_method(f["method"], default))
    pd.testing.assert_series_equal(descending(f), ref_descending(f))


def test_identical_on_a_large_mixed_frame():
    f = big_frame(20_000, seed=3)
    for opts in (ScoringOptions(), ScoringOptions(method="interpolation", below_level_1=0.0).with_decimals(4)):
        rows, totals = rounded(*compute(f, opts), opts)
        want_rows, want_totals = ref_rounded(*ref_compute(f, opts), opts)
        pd.testing.assert_frame_equal(rows, want_rows, check_exact=True)
        assert same_totals(totals, want_totals)


def big_frame(n, seed=0):
    rng = np.random.default_rng(seed)
    c = np.sort(np.round(rng.uniform(0, 100, (n, 5)), rng.integers(0, 4)), axis=1)
    flip = rng.random(n) < 0.25
    c[flip] = c[flip, ::-1]
    f = pd.DataFrame({"weight": np.round(rng.uniform(1, 20, n), 2), "target": c[:, 4],
                      **{k: c[:, i] for i, k in enumerate(CRITERIA)},
                      "result": np.where(rng.random(n) < 0.05, np.nan, np.round(rng.uniform(-10, 110, n), 2))})
    f.loc[rng.random(n) < 0.02, "c3"] = np.nan
    f["method"] = pd.Series(rng.choice(np.array(METHOD_WORDS, dtype=object), n), dtype=object)
    f["direction"] = pd.Series(rng.choice(np.array(DIRECTION_WORDS, dtype=object), n), dtype=object)
    return f


# --- score notes ---------------------------------------------------------------------------

@pytest.mark.filterwarnings("ignore:divide by zero:RuntimeWarning")  # trace() on a zero span
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frames(n_max=12), scoring_options, st.sampled_from([255, 120, 60]))
def test_notes_identical_to_one_trace_per_row(f, opts, limit):
    codes = [f"ศปท.{i}" for i in range(len(f))]
    want = [trace(code, f.loc[r], opts).note(limit) for code, r in zip(codes, f.index)]
    assert notes(f, opts, codes, limit) == want


@pytest.mark.filterwarnings("ignore:divide by zero:RuntimeWarning")
def test_notes_identical_on_many_generated_rows():
    f = big_frame(1500, seed=7)
    f["code"] = [f"Q.{i}" for i in range(len(f))]
    for opts in (ScoringOptions(), ScoringOptions(method="interpolation").with_decimals(4)):
        want = [trace(f.at[r, "code"], f.loc[r], opts).note() for r in f.index]
        assert notes(f, opts) == want


EDGE_NUMBERS = [0.0, -0.0, 5e-5, 4.9999e-5, -5e-5, -4.9e-5, 0.00015, 0.00025, 1.00005, 2.00045, 1e-300, -1e-300,
                2.0 ** 17, 2.0 ** 17 + 5e-5, 131071.99995, 99999999999.99995, 1e11 - 1e-4, 1e11, 1e16, -1e20,
                123456789.12345, float("inf"), float("-inf"), float("nan")]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(allow_nan=True, allow_infinity=True) | st.floats(-1e6, 1e6)
                | st.decimals(-1e4, 1e4, places=5, allow_nan=False).map(float), max_size=40))
def test_note_numbers_identical_to_the_scalar_form(values):
    for some in (values[:8], (values + EDGE_NUMBERS) * 3):      # a few rows' values; enough for the tables
        half = len(some) // 2
        got = [t for part in _n_strings(np.array(some[:half]), np.array(some[half:]), np.array([])) for t in part]
        assert got == [_n(v) for v in some]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.floats(allow_nan=True, allow_infinity=True) | st.floats(-10, 10)
                | st.decimals(-10, 10, places=4, allow_nan=False).map(float), max_size=30), st.integers(0, 9))
def test_fixed_note_numbers_identical_to_format_fixed(values, decimals):
    for some in (values[:8], (values + EDGE_NUMBERS) * 3):
        got = [t for part in _decimal_strings([np.array(some[:3]), np.array(some[3:])], decimals, strip=False)
               for t in part]
        assert got == [format_fixed(v, decimals) for v in some]


def test_notes_read_the_code_column_and_check_lengths():
    f = big_frame(3)
    with pytest.raises(KeyError):
        notes(f, ScoringOptions())
    with pytest.raises(ValueError):
        notes(f, ScoringOptions(), ["a"])
    assert notes(f.iloc[:0], ScoringOptions(), []) == []
