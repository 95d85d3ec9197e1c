"""The ministry's canonical definition: which sheet template, which indicators, which version.

    template: scorecard        # templates/scorecard.yaml (layout, scoring options)
    version: 2                 # bump when indicators, weights or criteria change
    indicators: kpi_2567.csv   # CSV/YAML path (relative to this file) or an inline list
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from ..core.errors import TemplateError, read_yaml
from ..kinds.indicators import load_indicators, normalise_indicators
from ..kinds.template import Template, load_template


@dataclass
class Canonical:
    template: Template
    version: int
    indicators: pd.DataFrame
    source: str


def load_canonical(path: str | Path) -> Canonical:
    path = Path(path)
    if path.suffix.lower() == ".csv":
        tpl = load_template()
        return Canonical(tpl, tpl.version, load_indicators(path, tpl), path.name)
    data = read_yaml(path, TemplateError, "แม่แบบกลาง", "canonical template")
    if not isinstance(data, dict) or "indicators" not in data:
        raise TemplateError(f"{path}: ต้องมี indicators", f"{path}: needs 'indicators' (a file or a list)")
    tpl = load_template(data.get("template", "scorecard"))
    try:
        version = int(data.get("version", 1))
    except (TypeError, ValueError):
        raise TemplateError(f"{path}: version ต้องเป็นตัวเลข", f"{path}: version must be a whole number") from None
    ind = data["indicators"]
    if tpl.kind != "scorecard":
        raw = pd.read_csv(path.parent / ind, dtype=str, keep_default_na=False) if isinstance(ind, str) \
            else pd.DataFrame(ind, dtype=object)
        return Canonical(tpl, version, table_rows(raw, tpl, path.name), path.name)
    if isinstance(ind, str):
        frame = load_indicators(path.parent / ind, tpl)
    else:
        frame = normalise_indicators(pd.DataFrame(ind, dtype=object), tpl, source=path.name)
    return Canonical(tpl, version, frame, path.name)


def table_rows(raw: pd.DataFrame, tpl: Template, source: str) -> pd.DataFrame:
    """An ITA item list or action-plan activity list: keys or Thai labels as column names."""
    names = {}
    for f in tpl.fields:
        for label in (f.key, *f.labels):
            names[str(label).replace(" ", "")] = f.key
    frame = raw.rename(columns={c: names.get(str(c).replace(" ", ""), c) for c in raw.columns}).astype(object)
    if tpl.kind == "action-plan" and "planned" in frame.columns:
        from ..core.plan_months import marks_from_text
        marks = frame["planned"].map(lambda t: marks_from_text(t, tpl.raw["months"], "plan"))
        for i in range(1, 13):
            frame[f"plan_{i}"] = marks.map(lambda m: m.get(f"plan_{i}"))
    if "code" not in frame.columns:
        raise TemplateError(f"{source}: ไม่มีคอลัมน์ code", f"{source}: needs a code column")
    frame["code"] = frame["code"].map(lambda v: " ".join(str(v).split()))
    dup = frame["code"][frame["code"].duplicated()]
    if len(dup):
        raise TemplateError(f"{source}: รหัสซ้ำ {', '.join(dup)}", f"{source}: codes repeat: {', '.join(dup)}")
    keys = [f.key for f in tpl.fields if f.owner == "template" and f.key in frame.columns]
    out = frame[keys].where(frame[keys].notna() & (frame[keys] != ""), None).reset_index(drop=True)
    from ..core.numbers import parse_number
    for f in tpl.fields:
        if f.key in out.columns and f.type == "number":
            # numbers stay numbers; words like "ไม่ใช้งบประมาณ" stay as written
            out[f.key] = out[f.key].map(lambda v: parse_number(v)[0] if parse_number(v)[0] is not None else v)
    return out
