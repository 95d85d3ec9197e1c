"""The main job out of the box: a few unit workbooks, results typed in, recalculated."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .core.errors import SheetsSyncError
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


MARKER = ".sheets-sync-demo"   # written into the folder: the next demo may start it over


def _registry_text() -> str:
    return "units:\n" + "".join(f"  - {{code: {c}, name: {n}, sheet: units/{c}.xlsx}}\n" for c, n, _ in UNITS)


def is_previous_demo(folder: Path) -> bool:
    """A folder an earlier demo wrote (its marker, or, before the marker, its exact registry)."""
    if (folder / MARKER).is_file():
        return True
    registry = folder / "units.yaml"
    try:
        return registry.read_text(encoding="utf-8") == _registry_text()
    except (OSError, UnicodeDecodeError):
        return False


def check_demo_folder(out: Path, force: bool = False) -> None:
    """The demo rewrites units.yaml, ministry.yaml, summary.xlsx and units/<code>.xlsx (กค is a
    real unit's code): it refuses a non-empty folder that is not a previous demo, unless forced."""
    if force or not out.exists():
        return
    if not out.is_dir():
        raise SheetsSyncError(f"{out} เป็นไฟล์ ไม่ใช่โฟลเดอร์", f"{out} is a file, not a folder")
    if any(out.iterdir()) and not is_previous_demo(out):
        raise SheetsSyncError(
            f"โฟลเดอร์ {out} มีไฟล์อยู่แล้วและไม่ใช่ผลของ demo ครั้งก่อน: demo จะเขียนทับ units.yaml, ministry.yaml, "
            f"summary.xlsx และ units/*.xlsx จึงไม่ทำ ให้ใช้ --out โฟลเดอร์ใหม่ หรือ --force ถ้าต้องการเขียนทับจริง",
            f"{out} is not empty and is not a previous demo: the demo would overwrite units.yaml, ministry.yaml, "
            f"summary.xlsx and units/{{{','.join(c for c, _, _ in UNITS)}}}.xlsx there, so it stops. "
            f"Use --out with a new folder, or --force to overwrite anyway.")


def demo(out: str | Path = "sheets-sync-demo", period: str = "2/2567", *, force: bool = False):
    """The whole flow on local files: registry, provision, results typed, recalc, consolidate.
    Returns (units, consolidation result). A non-empty ``out`` that is not a previous demo is
    refused (SheetsSyncError) unless ``force``."""
    from .ministry.consolidate import consolidate
    from .ministry.registry import provision
    out = Path(out)
    check_demo_folder(out, force)
    (out / "units").mkdir(parents=True, exist_ok=True)
    (out / MARKER).write_text("written by `sheets-sync demo`; the next demo may overwrite this folder\n",
                              encoding="utf-8")
    indicators = templates_dir() / "examples" / "scorecard_seed000.csv"
    canonical = out / "ministry.yaml"
    canonical.write_text(f"template: scorecard\nversion: 1\nindicators: {indicators.resolve()}\n", encoding="utf-8")
    registry = out / "units.yaml"
    registry.write_text(_registry_text(), encoding="utf-8")
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


def show_demo(units: list[DemoUnit], summary, out: Path, console) -> None:
    """What `sheets-sync demo` prints: the totals (80 columns, long Thai names whole: Thai has
    no spaces to wrap at, so narrower terminals fold, never cut), each problem, where things are."""
    from rich.table import Table
    t = Table(title="ผลรวมรายหน่วยงาน / unit totals (2/2567)",
              caption="ปัญหา = จำนวนปัญหาที่พบ (รายการอยู่ด้านล่าง) / problems found, listed below")
    t.add_column("รหัส\ncode", overflow="fold")
    t.add_column("หน่วยงาน\nunit", overflow="fold", min_width=10)
    for col in ("คะแนนถ่วง\nน้ำหนักรวม", "ร้อยละ\n%", "รายงาน\nแล้ว", "ปัญหา\nproblems"):
        t.add_column(col, justify="right", overflow="fold")
    for u in units:
        totals = u.report.sheets[0].totals
        t.add_row(u.code, u.name, f"{totals['weighted_score']:.3f}", f"{totals['percentage']:.2f}",
                  f"{totals['reported']}/{totals['indicators']}", str(len(u.report.problems)))
    console.print(t)
    for u in units:
        if u.report.problems:
            console.print(f"[bold]{u.code} {u.name}[/] ({u.path.name}): {len(u.report.problems)} ปัญหา / problems "
                          f"- ดูด้วย / see them with: sheets-sync validate {u.path.resolve()}", highlight=False)
            for p in u.report.problems:
                console.print(f"  {p.where}: {p.message_th} / {p.message_en}", highlight=False)
    console.print(f"ไฟล์หน่วยงานอยู่ที่ / unit workbooks in: [bold]{(Path(out) / 'units').resolve()}[/]", highlight=False)
    console.print(f"สรุปของกระทรวง / ministry summary: [bold]{Path(summary.out).resolve()}[/]", highlight=False)


# --- The tables the shell prints (the CLI's commands and the demo) -------------------------
from rich.table import Table  # noqa: E402

from .core.problems import ERROR  # noqa: E402


def problems_table(problems) -> Table:
    t = Table(title="ปัญหา / problems", show_lines=False)
    for col in ("ระดับ", "ตำแหน่ง / where", "รายละเอียด", "detail"):
        t.add_column(col, overflow="fold")
    for p in problems:
        sev = "[red]error[/]" if p.severity == ERROR else "[yellow]warning[/]"
        t.add_row(sev, p.where, p.message_th, p.message_en)
    return t


def totals_table(report) -> Table:
    """The totals each sheet's kind reports, as that kind names them."""
    t = Table(title=report.book)
    totals = report.kind.totals if report.kind else ()
    for col in ("แผ่นงาน / sheet", *(x.label for x in totals), "เปลี่ยน / changed"):
        t.add_column(col, justify="right")
    for s in report.sheets:
        shown = []
        for x in totals:
            v = s.totals.get(x.key)
            if x.key == "reported" and "indicators" in s.totals:
                shown.append(f"{v}/{s.totals['indicators']}")
            elif v is None:
                shown.append("-")
            elif x.decimals is not None and isinstance(v, (int, float)):
                shown.append(f"{v:.{x.decimals}f}")
            else:
                shown.append(str(v))
        t.add_row(s.sheet, *shown, str(s.changed_cells))
    return t


def outcome_table(outcomes, title: str) -> Table:
    t = Table(title=title)
    for col in ("หน่วยงาน / unit", "ผล / outcome", "ที่อยู่ / where", "หมายเหตุ / note"):
        t.add_column(col, overflow="fold")
    for o in outcomes:
        note = o.error or o.details.get("note", "")
        if o.plan is not None and not o.error:
            note = f"{len(o.plan.changes)} changes, version {o.plan.version_from} -> {o.plan.version_to}"
        t.add_row(f"{o.unit.code} {o.unit.name}", o.status, o.target, note)
    return t


def push_diff_tables(outcomes) -> list[Table]:
    """push-template's per-unit diff: one table per unit with changes."""
    tables = []
    for o in outcomes:
        if o.plan is not None and o.plan.changes:
            t = Table(title=f"{o.unit.code}: {o.plan.sheet}")
            for col in ("kind", "code", "field", "cell", "old", "new"):
                t.add_column(col, overflow="fold")
            for c in o.plan.changes:
                t.add_row(c.kind, c.code, c.field, c.cell, str(c.old), str(c.new))
            tables.append(t)
    return tables


def summary_table(s, period: str) -> Table:
    """consolidate's overview, one row per unit."""
    t = Table(title=f"สรุปภาพรวม / summary {period}")
    for col in ("ลำดับ", "หน่วยงาน", "คะแนนถ่วงน้ำหนักรวม", "ร้อยละ", "รายงานแล้ว", "ปัญหา"):
        t.add_column(col)
    for rec in s.overview.itertuples(index=False):
        t.add_row(str(rec[0]), f"{rec[1]} {rec[2]}", f"{rec[3]:.3f}", f"{rec[4]:.2f}", f"{rec[5]}/{rec[6]}", str(rec[13]))
    return t
