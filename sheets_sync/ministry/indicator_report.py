"""The per-indicator report (seed 003) as data: what one unit says of one indicator at
the end of a round, its figures taken from the evaluated scorecard and formatted with
the template's decimals, its words from the details tab. Pure: no files, no documents.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..core.errors import SheetsSyncError
from ..core.numbers import format_fixed, parse_number
from ..core.options import CRITERIA
from ..core.period import ROUND, Period, PeriodError
from ..core.scoring import descending_array, levels_reached
from ..kinds.base import SheetResult
from ..kinds.indicator_details import IndicatorDetails
from ..kinds.template import Template

REPORT_TITLE = "รายงานผลการปฏิบัติราชการตามคำรับรองการปฏิบัติราชการ (รายตัวชี้วัด)"


def round_label(period) -> str:
    """How seed 003 names the round: "รอบ 12 เดือน" for a cumulative round, the period's
    own Thai label otherwise ("ไตรมาสที่ 2/2567"); '' when the workbook does not say."""
    if period in (None, ""):
        return ""
    try:
        p = Period.parse(period)
    except PeriodError:      # a title typed by hand: shown as written
        return str(period).strip()
    return f"รอบ {p.last} เดือน" if p.kind == ROUND else p.label_th


def plain_number(value) -> str:
    """A typed figure as people wrote it: 2 not 2.00, 72.5 as 72.5; text kept as typed."""
    n, ok = parse_number(value)
    if n is None:
        return "" if ok else str(value).strip()
    return str(int(n)) if float(n).is_integer() else f"{n:.10g}"


@dataclass
class IndicatorReport:
    unit: str
    period_label: str                  # "รอบ 12 เดือน", "ไตรมาสที่ 2/2567", or ''
    fiscal_year: int | None
    code: str
    indicator: str
    weight: float | None
    result: float | None
    score: float | None
    weighted_score: float | None
    level: int | None                  # the highest level reached (0..5), None when not reported
    decimals: dict                     # the template's scoring.decimals
    details: IndicatorDetails
    criteria: tuple[str, ...] = ("", "", "", "", "")   # thresholds of levels 1..5, as typed
    typed: dict = field(default_factory=dict)           # weight / result as the unit typed them

    @property
    def heading(self) -> str:
        return f"{REPORT_TITLE} {self.period_label}".strip()

    @property
    def weight_text(self) -> str:
        return self.typed.get("weight") or plain_number(self.weight)

    @property
    def result_text(self) -> str:
        return self.typed.get("result") or plain_number(self.result)

    @property
    def score_text(self) -> str:
        return format_fixed(self.score, self.decimals.get("score", 3))

    @property
    def weighted_text(self) -> str:
        return format_fixed(self.weighted_score, self.decimals.get("weighted_score", 3))


def _fiscal_year(period) -> int | None:
    try:
        return Period.parse(period).fiscal_year if period not in (None, "") else None
    except PeriodError:
        return None


def _number(value) -> float | None:
    n, _ = parse_number(value)
    return n


def _float(value) -> float | None:
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return None if np.isnan(f) else f


def _level(result: float | None, thresholds: list[float | None], direction) -> int | None:
    if result is None or any(t is None for t in thresholds):
        return None
    c = np.array([thresholds], dtype="float64")
    desc = descending_array(c[:, 0], c[:, -1], None if direction in (None, "") else [direction])
    return int(levels_reached(np.array([result]), c, desc)[0])


def indicator_reports(result: SheetResult, details: dict[str, IndicatorDetails], template: Template,
                      unit: str = "", period=None) -> list[IndicatorReport]:
    """One report per indicator row of an evaluated scorecard, in sheet order. An indicator
    the details tab does not mention gets empty details (its figures are still reported)."""
    inputs, rows = result.inputs, result.rows
    missing = [k for k in ("code", "weight", "result") if k not in inputs.columns]
    if missing or "score" not in rows.columns:
        raise SheetsSyncError(
            f"{result.sheet}: ไม่ใช่ตารางตัวชี้วัดที่มีน้ำหนักและผลการดำเนินงาน จึงทำรายงานรายตัวชี้วัดไม่ได้",
            f"{result.sheet}: not a scorecard with weights and results; a per-indicator report needs one "
            f"(missing {', '.join(missing or ['score'])})")
    label = round_label(period)
    fy = _fiscal_year(period)
    decimals = dict(template.scoring.decimals)
    out = []
    for r in inputs.index:
        code = str(inputs.at[r, "code"] or "")
        if not code:
            continue
        thresholds = [_number(inputs.at[r, c]) if c in inputs.columns else None for c in CRITERIA]
        res = _number(inputs.at[r, "result"])
        direction = inputs.at[r, "direction"] if "direction" in inputs.columns else None
        out.append(IndicatorReport(
            unit=unit, period_label=label, fiscal_year=fy, code=code,
            indicator=str(inputs.at[r, "indicator"] or "") if "indicator" in inputs.columns else "",
            weight=_number(inputs.at[r, "weight"]), result=res,
            score=_float(rows.at[r, "score"]),
            weighted_score=_float(rows.at[r, "weighted_score"]) if "weighted_score" in rows.columns else None,
            level=_level(res, thresholds, direction), decimals=decimals,
            details=_with_narrative(details.get(code) or IndicatorDetails(code), inputs, r),
            criteria=tuple(plain_number(inputs.at[r, c]) if c in inputs.columns else "" for c in CRITERIA),
            typed={k: plain_number(inputs.at[r, k]) for k in ("weight", "result")}))
    return out


def _with_narrative(d: IndicatorDetails, inputs, r) -> IndicatorDetails:
    """The details tab's explanation, or else the scorecard's รายละเอียดการดำเนินงาน
    (seed 000 has no details tab: its narratives are there), as the summary does."""
    from dataclasses import replace
    typed = inputs.at[r, "details"] if "details" in inputs.columns else None
    if d.explanation or typed is None or not str(typed).strip():
        return d
    return replace(d, explanation=str(typed).strip())


def find_report(reports: list[IndicatorReport], code: str) -> IndicatorReport | None:
    """The report of ``code``, spacing and case tidied (ศปท. 2 is ศปท.2)."""
    want = "".join(str(code).split()).lower()
    return next((r for r in reports if "".join(r.code.split()).lower() == want), None)
