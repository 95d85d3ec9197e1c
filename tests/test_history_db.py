"""The history database (ministry/history_db.py): every consolidation kept, read back
round over round and as a trend across the fiscal year. Expected figures are seed 000's
golden values (conftest.SEED000_GOLDEN, from shared/domain.md). Summaries come
from consolidate without a period; record() says which round each one is."""
from datetime import datetime, timezone

import pytest
from sqlalchemy import create_engine, func, select

import sheets_sync as ss
from conftest import SEED000_CSV, SEED000_GOLDEN, SEED000_RESULTS, type_results
from sheets_sync.ministry import history_db as hdb
from sheets_sync.ministry.consolidate import consolidate
from sheets_sync.ministry.rounds import DRAFT, SUBMITTED, submit

SECOND = dict(SEED000_RESULTS, **{"ศปท.1": 4, "ศปท.5": 12})   # ศปท.1 level 2 -> 4, ศปท.5 level 4 -> 5


@pytest.fixture
def units(tmp_path):
    (tmp_path / "units").mkdir()
    for code in ("ศปท", "กค"):
        path = tmp_path / "units" / f"{code}.xlsx"
        ss.init(path, indicators=SEED000_CSV, unit=f"หน่วย {code}", period="2/2567")
        type_results(path, SEED000_RESULTS)
        ss.recalc(path)
    reg = tmp_path / "units.yaml"
    reg.write_text("units:\n  - {code: ศปท, name: หน่วย ศปท, sheet: units/ศปท.xlsx}\n"
                   "  - {code: กค, name: หน่วย กค, sheet: units/กค.xlsx}\n"
                   "  - {code: ขาด, name: หน่วยที่ไม่มีไฟล์, sheet: units/ขาด.xlsx}\n", encoding="utf-8")
    return tmp_path, reg


def count(url, table):
    engine = create_engine(url)
    with engine.connect() as c:
        n = c.execute(select(func.count()).select_from(table)).scalar_one()
    engine.dispose()
    return n


def test_history_url_defaults_next_to_the_summary(tmp_path):
    shared = f"sqlite:///{tmp_path.resolve() / 'sheets-sync-history.sqlite'}"
    assert hdb.history_url(tmp_path / "summary.xlsx") == shared
    assert hdb.history_url(tmp_path / "summary_q3.xlsx") == shared      # one database per folder
    (tmp_path / "old.history.sqlite").write_bytes(b"")                   # a database made before that
    assert hdb.history_url(tmp_path / "old.xlsx") == f"sqlite:///{tmp_path.resolve() / 'old.history.sqlite'}"
    assert hdb.history_url("x.xlsx", "postgresql+psycopg://kpi@db/kpi") == "postgresql+psycopg://kpi@db/kpi"
    assert hdb.history_url(None, str(tmp_path / "h.db")) == f"sqlite:///{tmp_path.resolve() / 'h.db'}"


def test_two_consolidations_round_trip(units):
    tmp_path, reg = units
    url = hdb.history_url(tmp_path / "summary.xlsx")
    first = consolidate(reg, str(tmp_path / "summary.xlsx")).summary
    hdb.record(url, first, "2/2567", at=datetime(2024, 4, 11, tzinfo=timezone.utc))
    assert (count(url, hdb.rounds), count(url, hdb.unit_totals), count(url, hdb.unit_results)) == (1, 3, 14)

    got = hdb.results(url, "2/2567", "ศปท").set_index("indicator")
    for code, (score, _pct, weighted) in SEED000_GOLDEN.items():
        assert got.loc[code, "score"] == pytest.approx(score)
        assert got.loc[code, "weighted_score"] == pytest.approx(weighted)
        assert got.loc[code, "result_value"] == pytest.approx(SEED000_RESULTS[code])
        assert got.loc[code, "submission_state"] == DRAFT and got.loc[code, "template_version"] == "1"
    assert got.loc["ศปท.5", "status"] and got["source_modified"].str.contains("UTC").all()

    # the next round: ศปท types new results and submits; consolidated again
    path = tmp_path / "units" / "ศปท.xlsx"
    type_results(path, SECOND)
    ss.recalc(path)
    submit(path, "2/2567", "kpi", password="pw")
    second = consolidate(reg, str(tmp_path / "summary.xlsx")).summary
    hdb.record(url, second, "3/2567", states={"ศปท": SUBMITTED}, at=datetime(2024, 7, 11, tzinfo=timezone.utc))
    assert (count(url, hdb.rounds), count(url, hdb.unit_totals), count(url, hdb.unit_results)) == (2, 6, 28)

    before = hdb.previous(url, "3/2567", "ศปท").set_index("indicator")
    assert set(before["period"]) == {"2/2567"}
    assert before.loc["ศปท.1", "result_value"] == 2 and before.loc["ศปท.5", "score"] == pytest.approx(4.0)

    cmp = hdb.comparison(url, "3/2567")
    row = cmp[(cmp.unit == "ศปท") & (cmp.indicator == "ศปท.1")].iloc[0]
    assert (row.result_value_previous, row.result_value, row.change) == (2, 4, 2)
    assert row.previous_period == "2/2567"
    same = cmp[(cmp.unit == "กค") & (cmp.indicator == "ศปท.1")].iloc[0]
    assert same.change == 0
    # ศปท.5 went from level 4 (0.600 weighted) to level 5: weight 15% x 5 / 100 x 100 -> 0.750
    five = cmp[(cmp.unit == "ศปท") & (cmp.indicator == "ศปท.5")].iloc[0]
    assert five.weighted_score_previous == pytest.approx(0.6) and five.weighted_change == pytest.approx(0.15)


def test_trend_across_the_fiscal_year_uses_the_latest_consolidation(units):
    tmp_path, reg = units
    url = hdb.history_url(None, str(tmp_path / "h.sqlite"))
    s = consolidate(reg, str(tmp_path / "summary.xlsx")).summary
    hdb.record(url, s, "1/2567")
    hdb.record(url, s, "2/2567")
    hdb.record(url, s, "1/2568")                                   # another fiscal year
    type_results(tmp_path / "units" / "ศปท.xlsx", SECOND)
    ss.recalc(tmp_path / "units" / "ศปท.xlsx")
    s2 = consolidate(reg, str(tmp_path / "summary.xlsx")).summary
    hdb.record(url, s2, "ไตรมาสที่ 2/2567")                         # 2/2567 consolidated again
    t = hdb.trend(url, 2567, "ศปท")
    assert list(t["period"]) == ["1/2567", "2/2567"]
    assert list(t["label"]) == ["ไตรมาสที่ 1/2567", "ไตรมาสที่ 2/2567"]
    assert t["weighted_score"].iloc[0] == pytest.approx(3.05)     # seed 000's total
    assert t["weighted_score"].iloc[1] > 3.05                     # the second consolidation, not the first
    all_units = hdb.trend(url, 2567)
    assert set(all_units["unit"]) == {"ศปท", "กค", "ขาด"}
    assert all_units[all_units.unit == "ขาด"]["weighted_score"].isna().all()
    assert hdb.trend(url, 2566).empty
    hist = hdb.result_history(url, "ศปท", "ศปท.1")
    assert list(hist["result"]) == ["2", "2", "2", "4"]            # every consolidation kept


def test_previous_falls_back_to_the_latest_earlier_round(units):
    tmp_path, reg = units
    url = hdb.history_url(None, str(tmp_path / "h.sqlite"))
    s = consolidate(reg, str(tmp_path / "summary.xlsx")).summary
    assert hdb.previous(url, "3/2567").empty                        # nothing recorded yet
    hdb.record(url, s, "1/2567")
    assert hdb.previous_period(url, "3/2567").code == "1/2567"     # 2/2567 was never consolidated
    assert hdb.previous_period(url, "1/2567") is None


def test_states_come_from_the_unit_metadata_when_consolidate_keeps_it(units):
    tmp_path, reg = units
    url = hdb.history_url(None, str(tmp_path / "h.sqlite"))
    s = consolidate(reg, str(tmp_path / "summary.xlsx")).summary
    s.units[0].meta = {"period": "2/2567", "round:2/2567:state": SUBMITTED}
    hdb.record(url, s, "2/2567")
    got = hdb.results(url, "2/2567")
    assert set(got[got.unit == s.units[0].code]["submission_state"]) == {SUBMITTED}
    assert set(got[got.unit != s.units[0].code]["submission_state"]) == {DRAFT}


def test_a_bad_database_url_is_a_clear_error(tmp_path):
    with pytest.raises(hdb.HistoryDbError):
        hdb.trend("nosuchdialect://x", 2567)
