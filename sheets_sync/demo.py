"""The main job out of the box: a few unit workbooks, results typed in, recalculated."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from .backends.files import write_atomic
from .core.errors import SheetsSyncError
from .workbook.recalc import Report, recalc
from .workbook.entry import type_values
from .kinds.template import templates_dir

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


def _written(out: Path) -> list[Path]:
    """The files a demo writes, and so would write again."""
    return [out / "units.yaml", out / "ministry.yaml", out / "summary.xlsx",
            *(out / "units" / f"{c}.xlsx" for c, _, _ in UNITS)]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _write_marker(out: Path, digests: bool = True) -> None:
    """The marker lists what the demo wrote with each file's digest, so the next demo can
    tell a file someone has since edited (results typed to try it out) from its own."""
    lines = [f"{_digest(p)}  {p.relative_to(out).as_posix()}" for p in _written(out) if digests and p.is_file()]
    write_atomic(out / MARKER, ("written by `sheets-sync demo`; the next demo may overwrite this folder\n"
                                + "".join(f"{line}\n" for line in lines)).encode())


def edited_since_demo(folder: Path) -> list[str]:
    """Files of a previous demo that are no longer as the demo left them (a marker without
    digests, from before they were kept, names none)."""
    try:
        text = (folder / MARKER).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return []
    edited = []
    for line in text.splitlines()[1:]:
        digest, _, name = line.partition("  ")
        path = folder / name
        if name and path.is_file() and _digest(path) != digest:
            edited.append(name)
    return edited


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
    edited = edited_since_demo(out)
    if edited:
        names = ", ".join(edited)
        raise SheetsSyncError(
            f"ไฟล์ของ demo ครั้งก่อนใน {out} ถูกแก้ไขแล้ว ({names}): demo จะเขียนทับสิ่งที่พิมพ์ไว้ จึงไม่ทำ "
            f"ให้ใช้ --out โฟลเดอร์ใหม่ หรือ --force ถ้าต้องการเริ่มใหม่จริง",
            f"files of the previous demo in {out} were edited since ({names}): the demo would overwrite "
            f"what was typed there, so it stops. Use --out with a new folder, or --force to start over anyway.")
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
    _write_marker(out, digests=False)     # a demo stopped half-way is still a demo
    indicators = templates_dir() / "examples" / "scorecard_seed000.csv"
    canonical = out / "ministry.yaml"
    write_atomic(canonical, f"template: scorecard\nversion: 1\nindicators: {indicators.resolve()}\n".encode())
    registry = out / "units.yaml"
    write_atomic(registry, _registry_text().encode())
    for code, _, _ in UNITS:
        (out / "units" / f"{code}.xlsx").unlink(missing_ok=True)
    provision(registry, canonical, period=period)
    units = []
    for code, name, results in UNITS:
        path = out / "units" / f"{code}.xlsx"
        type_results(path, results)
        units.append(DemoUnit(code, name, path, recalc(path)))
    summary = consolidate(registry, str(out / "summary.xlsx"), period=period)
    _write_marker(out)
    return units, summary
