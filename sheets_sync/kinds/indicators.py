"""Indicator definitions as a ministry hands them over: CSV or YAML, English or Thai column names."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..core.errors import TemplateError
from ..core.text import norm
from ..core.numbers import parse_number
from .template import CRITERIA, Template

COLUMNS = ("dimension", "strategy", "goal", "code", "indicator", "weight", "target",
           *CRITERIA, "method", "direction")
REQUIRED = ("code", "indicator", "weight", *CRITERIA)
NUMERIC = ("weight", "target", *CRITERIA)
# Optional template-owned text of the details tab (issue 13): kept only when the list has
# the column, so a list without them never empties what the tab holds.
DETAIL_TEXT = ("description", "step1", "step2", "step3", "step4", "step5", "supervisor_role", "collector_role")
_DETAIL_THAI = {"คำอธิบาย": "description", "ขั้นตอนที่ 1": "step1", "ขั้นตอนที่ 2": "step2", "ขั้นตอนที่ 3": "step3",
                "ขั้นตอนที่ 4": "step4", "ขั้นตอนที่ 5": "step5", "บทบาทผู้กำกับดูแล": "supervisor_role",
                "บทบาทผู้จัดเก็บข้อมูล": "collector_role"}
_EXTRA_THAI = {"มิติ": "dimension", "ระดับ 1": "c1", "ระดับ 2": "c2", "ระดับ 3": "c3", "ระดับ 4": "c4",
               "ระดับ 5": "c5", "เกณฑ์ 1": "c1", "เกณฑ์ 2": "c2", "เกณฑ์ 3": "c3", "เกณฑ์ 4": "c4", "เกณฑ์ 5": "c5"}


def _column_names(template: Template) -> dict[str, str]:
    names = {k: k for k in COLUMNS}
    for f in template.fields:
        if f.key in COLUMNS and not f.label.isdigit():
            for lab in f.labels:
                names[norm(lab).replace(" ", "")] = f.key
    names.update({k.replace(" ", ""): v for k, v in {**_EXTRA_THAI, **_DETAIL_THAI}.items()})
    names.update({k: k for k in DETAIL_TEXT})
    return names


def load_indicators(path: str | Path, template: Template) -> pd.DataFrame:
    """Read and check an indicator list; raise TemplateError naming the row and column."""
    from .canonical import read_list
    path = Path(path)
    return normalise_indicators(read_list(path, "ไฟล์รายการตัวชี้วัด", "indicator list"), template, source=path.name)


def normalise_indicators(frame: pd.DataFrame, template: Template, source: str = "indicators") -> pd.DataFrame:
    names = _column_names(template)
    renamed = {}
    for col in frame.columns:
        key = names.get(norm(col).replace(" ", ""), names.get(str(col).strip().lower()))
        if key is None and norm(col).startswith("เป้าหมาย"):
            key = "target"
        if key:
            renamed[col] = key
    frame = frame.rename(columns=renamed)
    missing = [k for k in REQUIRED if k not in frame.columns]
    if missing:
        raise TemplateError(f"{source}: ขาดคอลัมน์ {', '.join(missing)}", f"{source}: missing columns {', '.join(missing)}")
    for k in COLUMNS:
        if k not in frame.columns:
            frame[k] = None
    texts = [k for k in DETAIL_TEXT if k in frame.columns]
    frame = frame[[*COLUMNS, *texts]].astype(object)
    problems = []
    for i, row in frame.iterrows():
        line = i + 2  # header is line 1 in a CSV
        for k in REQUIRED:
            if norm(row[k]) == "":
                problems.append(f"{source} แถว/row {line}: {k} ว่าง / is empty")
        for k in NUMERIC:
            v, ok = parse_number(row[k])
            if not ok:
                problems.append(f"{source} แถว/row {line}: {k} = {row[k]!r} ไม่ใช่ตัวเลข / is not a number")
            frame.at[i, k] = v
    codes = frame["code"].map(norm)
    for code in codes[codes.duplicated() & (codes != "")].unique():
        problems.append(f"{source}: รหัส {code} ซ้ำ / code {code} appears twice")
    if problems:
        raise TemplateError("\n".join(problems), "\n".join(problems))
    frame["code"] = codes
    for k in ("dimension", "strategy", "goal", "indicator", "method", "direction"):
        # a YAML or inline list leaves a key some items lack as NaN: no value, not "nan"
        frame[k] = frame[k].map(lambda v: None if isinstance(v, float) and pd.isna(v) else (norm(v) or None))
    for k in texts:   # as written, line breaks kept: only the ends trimmed
        frame[k] = frame[k].map(lambda v: None if v is None or (isinstance(v, float) and pd.isna(v))
                                or not str(v).strip() else str(v).strip())
    return frame.reset_index(drop=True)


def example_indicators(template: Template) -> pd.DataFrame:
    """One example row per dimension, for an empty template."""
    rows = []
    for i, dim in enumerate(template.dimensions, 1):
        rows.append({"dimension": dim, "code": f"KPI.{i}", "indicator": f"(ตัวอย่าง) ตัวชี้วัดที่ {i}",
                     "weight": 100 / len(template.dimensions), "target": 5,
                     **{c: float(n) for n, c in enumerate(CRITERIA, 1)}, "method": template.scoring.method})
    return normalise_indicators(pd.DataFrame(rows, dtype=object), template)
