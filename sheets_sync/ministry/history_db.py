"""The history database: every consolidation, kept (issue 12).

SQLAlchemy Core, so a ministry can point ``--history-db`` at PostgreSQL
(``postgresql+psycopg://user@host/kpi``); by default an SQLite file next to the summary
(``sheets-sync-history.sqlite`` in the summary's folder, shared by every summary written
there: summary_q2.xlsx and then summary_q3.xlsx compare round over round).

Tables:

- ``rounds``: one row per consolidation (a round consolidated twice has two rows; the
  latest is the one read back): period code, fiscal year, kind of period and its fiscal
  months, template kind and version, when (UTC), the summary it wrote, units read/total.
- ``unit_totals``: per consolidation and unit: total weighted score, percentage,
  reported/indicators, submission state, template version, source modified time, or the
  reason the unit could not be read.
- ``unit_results``: per consolidation, unit and indicator: result as typed and as a
  number, score, weighted score, status, narrative, submission state, template version,
  source modified time.

``record`` stores a Summary; ``previous`` / ``comparison`` / ``trend`` read it back for
the round-over-round sheets and the trend chart.
"""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
from sqlalchemy import (Column, DateTime, Float, ForeignKey, Integer, MetaData, String, Table, Text, and_,
                        create_engine, func, select)

from ..core.errors import SheetsSyncError
from ..core.numbers import parse_number
from ..core.period import Period
from .rounds import DRAFT, state_in

metadata = MetaData()

rounds = Table(
    "rounds", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("period", String(32), nullable=False, index=True),
    Column("fiscal_year", Integer, nullable=False, index=True),
    Column("period_kind", String(16), nullable=False),
    Column("first_month", Integer, nullable=False),
    Column("last_month", Integer, nullable=False),
    Column("template_kind", String(64)),
    Column("template_version", String(64)),
    Column("consolidated_at", DateTime(timezone=True), nullable=False),
    Column("summary", Text),
    Column("units_total", Integer),
    Column("units_read", Integer),
)

unit_totals = Table(
    "unit_totals", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("round_id", Integer, ForeignKey("rounds.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("unit", String(64), nullable=False, index=True),
    Column("unit_name", Text),
    Column("weighted_score", Float),
    Column("percentage", Float),
    Column("reported", Integer),
    Column("indicators", Integer),
    Column("submission_state", String(32)),
    Column("template_version", String(64)),
    Column("source_modified", String(64)),
    Column("error", Text),
)

unit_results = Table(
    "unit_results", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("round_id", Integer, ForeignKey("rounds.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("unit", String(64), nullable=False, index=True),
    Column("indicator", String(64), nullable=False),
    Column("indicator_name", Text),
    Column("result", Text),            # as typed ("๙๗.๑๑", "N/A")
    Column("result_value", Float),     # as a number, when it is one
    Column("score", Float),
    Column("weighted_score", Float),
    Column("status", String(32)),
    Column("narrative", Text),
    Column("submission_state", String(32)),
    Column("template_version", String(64)),
    Column("source_modified", String(64)),
)

NARRATIVE_KEYS = ("details", "narrative", "note", "notes", "evidence")


class HistoryDbError(SheetsSyncError):
    pass


HISTORY_FILE = "sheets-sync-history.sqlite"


def history_url(out: str | Path | None = None, db: str | None = None) -> str:
    """The database to use: ``db`` as given (a SQLAlchemy URL, or a file path for SQLite),
    else the SQLite file of the .xlsx summary's folder (``sheets-sync-history.sqlite``;
    an older ``X.history.sqlite`` beside ``X.xlsx``, where there is one, goes on being
    used), else that file in the current folder (a Google summary)."""
    if db:
        return db if "://" in db else f"sqlite:///{Path(db).resolve()}"
    if out and str(out).lower().endswith(".xlsx"):
        p = Path(out).resolve()
        older = p.with_name(p.stem + ".history.sqlite")
        return f"sqlite:///{older if older.exists() else p.with_name(HISTORY_FILE)}"
    return f"sqlite:///{Path(HISTORY_FILE).resolve()}"


def _sqlite_file(db_url: str) -> Path | None:
    """The file an SQLite URL names (None: another database)."""
    return Path(db_url[len("sqlite:///"):]) if db_url.startswith("sqlite:///") else None


def _engine(db_url: str):
    file = _sqlite_file(db_url)
    if file:
        file.parent.mkdir(parents=True, exist_ok=True)
    try:
        engine = create_engine(db_url)
        metadata.create_all(engine)
    except Exception as e:  # noqa: BLE001 - a bad URL or an unreachable server, told plainly
        raise HistoryDbError(f"เปิดฐานข้อมูลประวัติ {db_url} ไม่ได้: {e}", f"cannot open history database {db_url}: {e}") from e
    return engine


def _plain(v):
    if v is None:
        return None
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    return v.item() if hasattr(v, "item") else v


def _float(v):
    v = _plain(v)
    if v is None or isinstance(v, bool):
        return None
    if isinstance(v, (int, float)):
        return float(v)
    number, ok = parse_number(v)
    return number if ok else None


def _text(v):
    v = _plain(v)
    if v is None or v == "":
        return None
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _states(summary, period: Period, states: dict | None) -> dict[str, str]:
    """A unit read without its metadata kept (consolidate before issue 12) counts as ร่าง;
    a unit that could not be read has no state."""
    out = {}
    for u in summary.units:
        meta = getattr(u, "meta", None)
        out[u.code] = state_in(meta, period) if meta else (DRAFT if u.result is not None else None)
    out.update(states or {})
    return out


def record(db_url: str, summary, period: Period | str, *, states: dict[str, str] | None = None,
           summary_ref: str = "", at: datetime | None = None) -> int:
    """Store one consolidation; returns its ``rounds.id``. ``states``: unit code ->
    submission state (default: read from each UnitRead's ``meta``, when consolidate kept
    it, else ร่าง)."""
    period = Period.parse(period)
    at = at or datetime.now(timezone.utc)
    states = _states(summary, period, states)
    ok = [u for u in summary.units if u.result is not None]
    engine = _engine(db_url)
    try:
        with engine.begin() as conn:
            rid = conn.execute(rounds.insert().values(
                period=period.code, fiscal_year=period.fiscal_year, period_kind=period.kind,
                first_month=period.first, last_month=period.last,
                template_kind=getattr(summary.template, "kind", None),
                template_version=_text(getattr(summary.template, "version", None)),
                consolidated_at=at, summary=str(summary_ref), units_total=len(summary.units),
                units_read=len(ok))).inserted_primary_key[0]
            totals, results = [], []
            for u in summary.units:
                t = u.result.totals if u.result is not None else {}
                base = {"round_id": rid, "unit": u.code, "submission_state": states.get(u.code),
                        "template_version": _text(u.version), "source_modified": _text(u.modified)}
                totals.append({**base, "unit_name": u.name, "weighted_score": _float(t.get("weighted_score")),
                               "percentage": _float(t.get("percentage")), "reported": _plain(t.get("reported")),
                               "indicators": _plain(t.get("indicators")), "error": u.error or None})
                if u.result is not None:
                    results.extend(_result_rows(u.result, base))
            conn.execute(unit_totals.insert(), totals)
            if results:
                conn.execute(unit_results.insert(), results)
    finally:
        engine.dispose()
    return rid


def forget(db_url: str, round_id: int, *, created: bool = False) -> None:
    """Take back the round :func:`record` stored (the summary it was for could not be
    written): its unit rows and itself. ``created``: the database file was made for it, and
    goes too (SQLite), so a consolidation that failed leaves nothing behind."""
    engine = _engine(db_url)
    try:
        with engine.begin() as conn:
            for table in (unit_results, unit_totals):
                conn.execute(table.delete().where(table.c.round_id == round_id))
            conn.execute(rounds.delete().where(rounds.c.id == round_id))
            left = conn.execute(select(func.count()).select_from(rounds)).scalar()
    finally:
        engine.dispose()
    file = _sqlite_file(db_url)
    if created and not left and file:
        file.unlink(missing_ok=True)


def sqlite_file_missing(db_url: str) -> bool:
    """Whether ``db_url`` names an SQLite file that does not exist yet (record makes it)."""
    file = _sqlite_file(db_url)
    return file is not None and not file.exists()


def _result_rows(result, base: dict) -> list[dict]:
    inputs, rows = result.inputs, result.rows
    out = []
    for r in inputs.index:
        rec = inputs.loc[r]
        code = _text(rec.get("code"))
        if not code:
            continue
        comp = rows.loc[r] if r in rows.index else {}
        narrative = next((_text(rec.get(k)) for k in NARRATIVE_KEYS if _text(rec.get(k))), None)
        typed = rec.get("result")
        out.append({**base, "indicator": code, "indicator_name": _text(rec.get("indicator") or rec.get("item")),
                    "result": _text(typed), "result_value": _float(typed),
                    "score": _float(comp.get("score")), "weighted_score": _float(comp.get("weighted_score")),
                    "status": _text(comp.get("status")), "narrative": narrative})
    return out


# -- reading back ---------------------------------------------------------------------
def _latest_round_ids(conn, where) -> dict[str, int]:
    """period code -> id of its latest consolidation, among rounds matching ``where``."""
    q = select(rounds.c.period, func.max(rounds.c.id)).where(where).group_by(rounds.c.period)
    return {p: i for p, i in conn.execute(q)}


def recorded_periods(db_url: str) -> list[Period]:
    engine = _engine(db_url)
    try:
        with engine.connect() as conn:
            codes = [p for (p,) in conn.execute(select(rounds.c.period).distinct())]
    finally:
        engine.dispose()
    return sorted((Period.parse(c) for c in codes), key=Period.sort_key)


def previous_period(db_url: str, period: Period | str) -> Period | None:
    """The round before ``period`` that the database holds: ``period.previous()`` when it
    was consolidated, else the latest recorded round that closes earlier."""
    period = Period.parse(period)
    known = recorded_periods(db_url)
    try:
        before = period.previous()
    except SheetsSyncError:
        before = None
    if before in known:
        return before
    earlier = [p for p in known if p.sort_key() < period.sort_key() and p.kind == period.kind] \
        or [p for p in known if p.end < period.end]
    return earlier[-1] if earlier else None


def results(db_url: str, period: Period | str, unit: str | None = None) -> pd.DataFrame:
    """The latest consolidation of ``period``: one row per unit and indicator."""
    period = Period.parse(period)
    engine = _engine(db_url)
    try:
        with engine.connect() as conn:
            ids = _latest_round_ids(conn, rounds.c.period == period.code)
            if not ids:
                return pd.DataFrame(columns=[c.name for c in unit_results.columns])
            q = select(unit_results).where(unit_results.c.round_id == ids[period.code])
            if unit is not None:
                q = q.where(unit_results.c.unit == unit)
            return pd.DataFrame(conn.execute(q.order_by(unit_results.c.id)).mappings().all(),
                                columns=[c.name for c in unit_results.columns])
    finally:
        engine.dispose()


def previous(db_url: str, period: Period | str, unit: str | None = None) -> pd.DataFrame:
    """The results of the round before ``period`` (see previous_period); empty when none
    was recorded. Its ``period`` column names which round it is."""
    before = previous_period(db_url, period)
    frame = results(db_url, before, unit) if before else pd.DataFrame(columns=[c.name for c in unit_results.columns])
    frame["period"] = before.code if before else None
    return frame


def comparison(db_url: str, period: Period | str) -> pd.DataFrame:
    """Round over round, per unit and indicator: previous and current result, weighted
    score and status, and the change (for the summary's comparison sheet)."""
    now, before = results(db_url, period), previous(db_url, period)
    keep = ["unit", "indicator", "indicator_name", "result", "result_value", "weighted_score", "status"]
    merged = now[keep].merge(before[keep[:2] + keep[3:]], on=["unit", "indicator"], how="outer",
                             suffixes=("", "_previous"))
    merged["change"] = pd.to_numeric(merged["result_value"]) - pd.to_numeric(merged["result_value_previous"])
    # both sides are 3-decimal figures; their difference is too (0.250 - 0.150 is 0.1, not
    # 0.09999999999999998 in the sheet)
    merged["weighted_change"] = (pd.to_numeric(merged["weighted_score"])
                                 - pd.to_numeric(merged["weighted_score_previous"])).round(6)
    merged.insert(0, "previous_period", before["period"].iloc[0] if len(before) else None)
    return merged.sort_values(["unit", "indicator"]).reset_index(drop=True)


def trend(db_url: str, fiscal_year: int, unit: str | None = None) -> pd.DataFrame:
    """Every round of the fiscal year (latest consolidation of each), per unit, in the
    order rounds close: period, label, unit, weighted score, percentage, state."""
    engine = _engine(db_url)
    cols = ["period", "label", "unit", "unit_name", "weighted_score", "percentage", "submission_state",
            "consolidated_at"]
    try:
        with engine.connect() as conn:
            ids = _latest_round_ids(conn, rounds.c.fiscal_year == int(fiscal_year))
            if not ids:
                return pd.DataFrame(columns=cols)
            q = (select(rounds.c.period, unit_totals.c.unit, unit_totals.c.unit_name, unit_totals.c.weighted_score,
                        unit_totals.c.percentage, unit_totals.c.submission_state, rounds.c.consolidated_at)
                 .select_from(unit_totals.join(rounds, and_(unit_totals.c.round_id == rounds.c.id)))
                 .where(rounds.c.id.in_(list(ids.values()))))
            if unit is not None:
                q = q.where(unit_totals.c.unit == unit)
            rows = [dict(r) for r in conn.execute(q).mappings()]
    finally:
        engine.dispose()
    for r in rows:
        r["label"] = Period.parse(r["period"]).label_th
    frame = pd.DataFrame(rows, columns=cols)
    order = {p: Period.parse(p).sort_key() for p in frame["period"].unique()}
    frame["_k"] = frame["period"].map(order)
    return frame.sort_values(["_k", "unit"]).drop(columns="_k").reset_index(drop=True)


def result_history(db_url: str, unit: str, indicator: str) -> pd.DataFrame:
    """Every consolidation's value of one unit's indicator, oldest first."""
    engine = _engine(db_url)
    try:
        with engine.connect() as conn:
            q = (select(rounds.c.period, rounds.c.consolidated_at, unit_results.c.result, unit_results.c.score,
                        unit_results.c.weighted_score, unit_results.c.submission_state)
                 .select_from(unit_results.join(rounds, unit_results.c.round_id == rounds.c.id))
                 .where(unit_results.c.unit == unit, unit_results.c.indicator == indicator)
                 .order_by(rounds.c.id))
            return pd.DataFrame(conn.execute(q).mappings().all())
    finally:
        engine.dispose()
