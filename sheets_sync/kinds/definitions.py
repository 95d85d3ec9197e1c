"""A ministry's item list for a table kind (ITA items, plan activities, ...), as it
hands it over: keys or Thai labels as column names, checked before anything is written."""
from __future__ import annotations

import pandas as pd

from ..core.errors import TemplateError
from ..core.numbers import parse_number
from .template import Template


def table_rows(raw: pd.DataFrame, tpl: Template, source: str) -> pd.DataFrame:
    names = {}
    for f in tpl.fields:
        for label in (f.key, *f.labels):
            names[str(label).replace(" ", "")] = f.key
    frame = raw.rename(columns={c: names.get(str(c).replace(" ", ""), c) for c in raw.columns}).astype(object)
    if "code" not in frame.columns:
        raise TemplateError(f"{source}: ไม่มีคอลัมน์ code", f"{source}: needs a code column")
    frame["code"] = frame["code"].map(lambda v: " ".join(str(v).split()))
    dup = frame["code"][frame["code"].duplicated()]
    if len(dup):
        raise TemplateError(f"{source}: รหัสซ้ำ {', '.join(dup)}", f"{source}: codes repeat: {', '.join(dup)}")
    keys = [f.key for f in tpl.fields if f.owner == "template" and f.key in frame.columns]
    out = frame[keys].where(frame[keys].notna() & (frame[keys] != ""), None).reset_index(drop=True)
    for f in tpl.fields:
        if f.key in out.columns and f.type == "number":
            # numbers stay numbers; words like "ไม่ใช้งบประมาณ" stay as written
            out[f.key] = out[f.key].map(lambda v: parse_number(v)[0] if parse_number(v)[0] is not None else v)
    return out
