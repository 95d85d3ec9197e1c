"""The unit registry (units.yaml): which units report, and where each one's sheet lives.

Schema::

    units:
      - code: กค                       # unique, short
        name: กองคลัง                   # Thai name, shown in summaries
        sheet: units/กค.xlsx           # .xlsx path (relative to this file), Google URL or key,
                                       # or "new": provision creates a Google spreadsheet and
                                       # writes its key back here (comments and order kept)
        owners: [kpi@unit.go.th]       # optional: shared with (Google) / recorded
        target: 90                     # optional: this unit's ITA target for the round
                                       # (else the template's table of targets by round)
"""
from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass, field
from difflib import get_close_matches
from pathlib import Path

from ..core.errors import SheetsSyncError
from ..kinds.yaml_file import read_yaml

_GOOGLE_URL = re.compile(r"^https://docs\.google\.com/spreadsheets/d/([A-Za-z0-9_-]{25,})(/.*)?$")
_GOOGLE_KEY = re.compile(r"^[A-Za-z0-9_-]{25,}$")
_GOOGLE_ANY_URL = re.compile(r"^https?://docs\.google\.com/spreadsheets/(?:u/\d+/)?d/([^/?#]*)")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


UNIT_KEYS = ("code", "name", "sheet", "owners", "target")


class UnitsError(SheetsSyncError):
    pass


@dataclass
class Unit:
    code: str
    name: str
    sheet: str
    owners: list[str] = field(default_factory=list)
    path: Path | None = None      # for .xlsx units
    source: Path | None = None    # the units.yaml it came from
    index: int | None = None      # its position in that file's units: list (0-based)
    score_target: float | None = None  # units.yaml `target:` (the ITA target of this unit's round)

    @property
    def meta(self) -> dict[str, object]:
        """What the registry says of this unit that its workbook's metadata keeps."""
        return {"ita_target": self.score_target} if self.score_target is not None else {}

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
        for k in e:
            if k not in UNIT_KEYS:     # a typo (nmae:) is named as such, not only as a missing name
                near = get_close_matches(str(k), UNIT_KEYS, n=1)
                hint_th, hint_en = (f" (หมายถึง {near[0]}?)", f" (did you mean {near[0]}?)") if near else ("", "")
                problems.append((f"{where}: ไม่รู้จักคีย์ {k!r}{hint_th}",
                                 f"{where}: unknown key {k!r}{hint_en}; known: {', '.join(UNIT_KEYS)}"))
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
        unit = Unit(code, name, sheet, list(owners), source=path, index=i - 1)
        if e.get("target") not in (None, ""):
            try:
                unit.score_target = float(str(e["target"]).translate(str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")))
            except ValueError:
                problems.append((f"{where}: target {e['target']!r} ไม่ใช่ตัวเลข", f"{where}: target {e['target']!r} is not a number"))
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
            elif _GOOGLE_ANY_URL.match(sheet):
                key = _GOOGLE_ANY_URL.match(sheet).group(1)
                problems.append((f"{where}: sheet {sheet!r} เป็น URL ของสเปรดชีต Google แต่รหัส {key!r} ดูไม่ถูกต้อง "
                                 "(รหัสยาวอย่างน้อย 25 ตัวอักษร คัดลอก URL ทั้งหมดจากแถบที่อยู่)",
                                 f"{where}: sheet {sheet!r} is a Google spreadsheet URL but its key {key!r} looks "
                                 "invalid (a key is 25 or more letters, digits, - or _: copy the whole address "
                                 "from the browser)"))
            else:
                problems.append((f"{where}: sheet {sheet!r} ไม่ใช่ไฟล์ .xlsx หรือ URL/รหัสสเปรดชีต Google",
                                 f"{where}: sheet {sheet!r} is neither an .xlsx path nor a Google spreadsheet URL/key"))
        units.append(unit)
    if problems:
        raise UnitsError("\n".join(p[0] for p in problems), "\n".join(p[1] for p in problems))
    return units


def record_sheet(path: str | Path, index: int, sheet: str) -> None:
    """Write ``sheet`` as entry ``index``'s sheet in units.yaml, keeping the file's comments,
    order and layout (ruamel.yaml round trip), atomically (a temporary file, then a rename)."""
    from ruamel.yaml import YAML
    from ruamel.yaml.util import load_yaml_guess_indent
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    _, indent, dash_offset = load_yaml_guess_indent(text)
    yaml = YAML()  # round trip: comments, key order, flow style and quotes survive
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap a person's long lines
    yaml.indent(mapping=2, sequence=indent or 2, offset=dash_offset or 0)  # the file's own "  - " style
    data = yaml.load(text)
    entries = data.get("units") if hasattr(data, "get") else None
    if not isinstance(entries, list) or not 0 <= index < len(entries) or not hasattr(entries[index], "get"):
        raise UnitsError(f"{path}: ไม่พบรายการที่ {index + 1}", f"{path}: entry #{index + 1} not found")
    entries[index]["sheet"] = sheet
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            yaml.dump(data, f)
        try:
            os.chmod(tmp, path.stat().st_mode & 0o7777)
        except OSError:
            pass
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
