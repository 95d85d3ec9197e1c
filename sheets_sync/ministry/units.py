"""The unit registry (units.yaml): which units report, and where each one's sheet lives.

Schema::

    units:
      - code: กค                       # unique, short
        name: กองคลัง                   # Thai name, shown in summaries
        sheet: units/กค.xlsx           # .xlsx path (relative to this file), Google URL or key,
                                       # or "new": provision creates a Google spreadsheet
        owners: [kpi@unit.go.th]       # optional: shared with (Google) / recorded
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..core.errors import SheetsSyncError
from ..kinds.yaml_file import read_yaml

_GOOGLE_URL = re.compile(r"^https://docs\.google\.com/spreadsheets/d/([A-Za-z0-9_-]{25,})(/.*)?$")
_GOOGLE_KEY = re.compile(r"^[A-Za-z0-9_-]{25,}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class UnitsError(SheetsSyncError):
    pass


@dataclass
class Unit:
    code: str
    name: str
    sheet: str
    owners: list[str] = field(default_factory=list)
    path: Path | None = None      # for .xlsx units

    @property
    def is_google(self) -> bool:
        return self.path is None

    @property
    def target(self) -> str:
        return str(self.path) if self.path else self.sheet


def load_units(path: str | Path) -> list[Unit]:
    """Read and check units.yaml; every problem is listed at once, with its entry."""
    path = Path(path)
    data = read_yaml(path, UnitsError, "ทะเบียนหน่วยงาน", "unit registry")
    entries = data.get("units") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not entries:
        raise UnitsError(f"{path}: ต้องมีรายการ units:", f"{path}: expected a non-empty 'units:' list")
    units, problems, seen = [], [], {}
    for i, e in enumerate(entries, 1):
        where = f"{path.name} #{i}"
        if not isinstance(e, dict):
            problems.append((f"{where}: ต้องเป็น code/name/sheet", f"{where}: expected code, name, sheet"))
            continue
        code, name, sheet = (str(e.get(k) or "").strip() for k in ("code", "name", "sheet"))
        where = f"{path.name} #{i} ({code or '?'})"
        for k, v in (("code", code), ("name", name), ("sheet", sheet)):
            if not v:
                problems.append((f"{where}: ไม่มี {k}", f"{where}: {k} is missing"))
        if code in seen:
            problems.append((f"{where}: รหัสหน่วยงาน {code} ซ้ำกับรายการ #{seen[code]}",
                             f"{where}: unit code {code} repeats entry #{seen[code]}"))
        seen.setdefault(code, i)
        owners = e.get("owners") or []
        if not isinstance(owners, list) or not all(isinstance(o, str) and _EMAIL.match(o) for o in owners):
            problems.append((f"{where}: owners ต้องเป็นรายการอีเมล", f"{where}: owners must be a list of e-mails"))
            owners = []
        unit = Unit(code, name, sheet, list(owners))
        if sheet:
            m = _GOOGLE_URL.match(sheet)
            if sheet.lower() == "new":
                unit.sheet = "new"   # provision creates a Google spreadsheet and prints its key
            elif m or _GOOGLE_KEY.match(sheet):
                unit.sheet = m.group(1) if m else sheet
            elif sheet.lower().endswith(".xlsx"):
                p = Path(sheet)
                unit.path = p if p.is_absolute() else (path.parent / p)
                if not unit.path.parent.is_dir():
                    problems.append((f"{where}: ไม่พบโฟลเดอร์ {unit.path.parent}",
                                     f"{where}: folder {unit.path.parent} does not exist (unreachable path)"))
            else:
                problems.append((f"{where}: sheet {sheet!r} ไม่ใช่ไฟล์ .xlsx หรือ URL/รหัสสเปรดชีต Google",
                                 f"{where}: sheet {sheet!r} is neither an .xlsx path nor a Google spreadsheet URL/key"))
        units.append(unit)
    if problems:
        raise UnitsError("\n".join(p[0] for p in problems), "\n".join(p[1] for p in problems))
    return units
