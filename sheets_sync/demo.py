"""The main job out of the box: a few unit workbooks, results typed in, recalculated."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .workbook.recalc import Report, recalc
from .workbook.entry import type_values
from .kinds.template import load_template, templates_dir

# Seed 000's results, and two other units' (one has not reported ศปท.4 yet).
UNITS = (
    ("ศปท", "ศูนย์ปฏิบัติการต่อต้านการทุจริต", {"ศปท.1": 2, "ศปท.2": 4, "ศปท.3": 2, "ศปท.4": 0, "ศปท.5": 10, "ศปท.6": 5, "ศปท.7": 70}),
    ("กค", "กองคลัง", {"ศปท.1": 3, "ศปท.2": 5, "ศปท.3": "๘๒.๕", "ศปท.4": "78 %", "ศปท.5": 12, "ศปท.6": 4, "ศปท.7": 85}),
    ("กบค", "กองบริหารทรัพยากรบุคคล", {"ศปท.1": 1, "ศปท.2": 3, "ศปท.3": 91, "ศปท.4": None, "ศปท.5": 6, "ศปท.6": 5, "ศปท.7": 55}),
)


@dataclass
class DemoUnit:
    code: str
    name: str
    path: Path
    report: Report


def type_results(path: Path, results: dict[str, object]) -> None:
    """Type results into the result cells, found by indicator code, as a person would."""
    type_values(path, {code: {"result": v} for code, v in results.items()})


def demo(out: str | Path = "sheets-sync-demo", period: str = "2/2567"):
    """The whole flow on local files: registry, provision, results typed, recalc, consolidate.
    Returns (units, consolidation result)."""
    from .ministry.consolidate import consolidate
    from .ministry.registry import provision
    out = Path(out)
    (out / "units").mkdir(parents=True, exist_ok=True)
    indicators = templates_dir() / "examples" / "scorecard_seed000.csv"
    canonical = out / "ministry.yaml"
    canonical.write_text(f"template: scorecard\nversion: 1\nindicators: {indicators.resolve()}\n", encoding="utf-8")
    registry = out / "units.yaml"
    registry.write_text("units:\n" + "".join(f"  - {{code: {c}, name: {n}, sheet: units/{c}.xlsx}}\n"
                                               for c, n, _ in UNITS), encoding="utf-8")
    for code, _, _ in UNITS:
        (out / "units" / f"{code}.xlsx").unlink(missing_ok=True)
    provision(registry, canonical, period=period)
    units = []
    for code, name, results in UNITS:
        path = out / "units" / f"{code}.xlsx"
        type_results(path, results)
        units.append(DemoUnit(code, name, path, recalc(path)))
    summary = consolidate(registry, str(out / "summary.xlsx"), period=period)
    return units, summary
