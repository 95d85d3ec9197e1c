"""What the CLI prints: the tables of every command, the demo's report, and an honest
account of which files a command wrote before an unexpected error. The shell only:
nothing here computes or writes a workbook."""
from __future__ import annotations

from pathlib import Path

from rich.table import Table

from .backends.open import is_google_target
from .core.problems import ERROR


def show_demo(units, summary, out: Path, console) -> None:
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



def problems_table(problems) -> Table:
    from .core.problems import folded_stale
    t = Table(title="ปัญหา / problems", show_lines=False)
    for col in ("ระดับ / level", "ตำแหน่ง / where", "รายละเอียด (ไทย)", "detail (English)"):
        t.add_column(col, overflow="fold")
    for p in folded_stale(list(problems)):
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
                places = report.decimals.get(x.decimals_from, x.decimals) if x.decimals_from else x.decimals
                shown.append(f"{v:.{places}f}")
            else:
                shown.append(str(v))
        t.add_row(s.sheet, *shown, str(s.changed_cells))
    return t


# what provision and push-template did to a unit, as staff read it
OUTCOME_TH = {"created": "สร้างแล้ว", "exists": "มีอยู่แล้ว", "updated": "ปรับแล้ว", "version": "ปรับรุ่นแล้ว",
              "unchanged": "ไม่เปลี่ยน", "would-update": "จะปรับ", "locked": "ล็อกอยู่", "failed": "ไม่สำเร็จ"}


def _outcome(status: str) -> str:
    th = OUTCOME_TH.get(status)
    return f"{th} / {status}" if th else status


def outcome_table(outcomes, title: str) -> Table:
    t = Table(title=title)
    for col in ("หน่วยงาน / unit", "ผล / outcome", "ที่อยู่ / where", "หมายเหตุ / note"):
        t.add_column(col, overflow="fold")
    for o in outcomes:
        note = o.error or o.details.get("note", "")
        if o.plan is not None and not o.error:
            p = o.plan
            note = (f"{len(p.changes)} จุด, รุ่น {p.version_from} -> {p.version_to} / "
                    f"{len(p.changes)} changes, version {p.version_from} -> {p.version_to}")
            note += "".join(f"; ล็อกไว้ ไม่แตะ / locked, left alone: {t} ({why})" for t, why in p.locked.items())
        t.add_row(f"{o.unit.code} {o.unit.name}", _outcome(o.status), o.target, note)
    return t


def _shown(v) -> str:
    return "(ว่าง / empty)" if v is None or v == "" else str(v)


def push_diff_tables(outcomes) -> list[Table]:
    """push-template's per-unit diff: one table per unit with changes."""
    tables = []
    for o in outcomes:
        if o.plan is not None and o.plan.changes:
            t = Table(title=f"{o.unit.code}: {o.plan.sheet}")
            for col in ("ชนิด / kind", "รหัส / code", "ช่อง / field", "เซลล์ / cell", "เดิม / old", "ใหม่ / new"):
                t.add_column(col, overflow="fold")
            for c in o.plan.changes:
                t.add_row(c.kind, c.code, c.field, c.cell, _shown(c.old), _shown(c.new))
            tables.append(t)
    return tables


def summary_table(s, period: str) -> Table:
    """consolidate's overview, one row per unit."""
    from .kinds.sheet_plan import round_label
    t = Table(title=f"สรุปภาพรวม {round_label(period)} / summary {period}" if period else "สรุปภาพรวม / summary")
    ov = s.overview
    state = "สถานะการส่ง" in ov      # with --period: each unit's submission state
    for col in ("ลำดับ", "หน่วยงาน", "คะแนนถ่วงน้ำหนักรวม", "ร้อยละ", "รายงานแล้ว", "ปัญหา",
                *(("สถานะการส่ง",) if state else ())):
        t.add_column(col)
    # by column name: the overview gains columns (state, tab) and must not shift these
    for rec in ov.to_dict("records"):
        t.add_row(str(rec["ลำดับ"]), f"{rec['รหัสหน่วยงาน']} {rec['หน่วยงาน']}", _fixed(rec["คะแนนถ่วงน้ำหนักรวม"], 3),
                  _fixed(rec["ร้อยละ"], 2), f"{rec['รายงานแล้ว']}/{rec['ตัวชี้วัดทั้งหมด']}", str(rec["จำนวนปัญหา"]),
                  *((str(rec["สถานะการส่ง"] or ""),) if state else ()))
    return t


def _fixed(v, places: int) -> str:
    return f"{v:.{places}f}" if isinstance(v, (int, float)) and v == v else "-"


# -- what a command wrote, for messages after an unexpected error -------------------

def _fingerprint(path: Path) -> tuple | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ino)


def _snapshot(path: Path) -> dict[Path, tuple]:
    if path.is_dir():
        return {f: _fingerprint(f) for f in path.rglob("*") if f.is_file()}
    fp = _fingerprint(path)
    return {path: fp} if fp else {}


class TargetWatch:
    """The local files (or folders) a command may write, as they were before it ran, so that a
    message after an unexpected error says truthfully what was written and what was not.
    Google spreadsheets are named as not checked (this process cannot tell)."""

    def __init__(self):
        self.before: dict[Path, dict[Path, tuple]] = {}
        self.unchecked: list[str] = []

    def clear(self) -> None:
        self.before.clear()
        self.unchecked.clear()

    def watch(self, *targets) -> None:
        for t in targets:
            if t is None:
                continue
            if isinstance(t, str) and is_google_target(t):
                self.unchecked.append(t)
            else:
                self.before.setdefault(Path(t), _snapshot(Path(t)))

    def written(self) -> list[Path]:
        changed = []
        for root, before in self.before.items():
            now = _snapshot(root)
            changed += [f for f in sorted(set(before) | set(now)) if before.get(f) != now.get(f)]
        return changed

    def what_was_written(self) -> str:
        """One honest sentence (Thai / English) on what the failed command wrote."""
        unknown = ("ไม่ทราบว่ามีการเขียนสเปรดชีต Google หรือไม่ โปรดตรวจสอบก่อนรันซ้ำ / whether a Google "
                   f"spreadsheet was changed is not known here ({', '.join(self.unchecked)}): check it before "
                   "running again.")
        if not self.before:
            return unknown if self.unchecked else (
                "ไม่ทราบว่ามีการเขียนปลายทางหรือไม่ โปรดตรวจสอบก่อนรันซ้ำ / "
                "whether the target was changed is not known here: check it before running again.")
        written = self.written()
        if not written:
            said = f"ไม่มีไฟล์ใดถูกเขียน / no file was written (checked: {', '.join(map(str, self.before))})."
        else:
            said = (f"เขียนไฟล์แล้วก่อนเกิดข้อผิดพลาด / written before the error: {', '.join(map(str, written))} "
                    "(.xlsx files are replaced whole, never half-written).")
        return f"{said} {unknown}" if self.unchecked else said
