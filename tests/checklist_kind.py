"""A toy kind added by a ministry, to show that a kind is one module and a template:
a checklist of items (code, item, done ✓) with each item's state computed and the
percentage done in a summary tab. Nothing else in sheets-sync knows it exists."""
from __future__ import annotations

import numpy as np
import pandas as pd

from sheets_sync.core.numbers import round_half_up
from sheets_sync.kinds.base import SummaryPart, Total, register
from sheets_sync.kinds.table import TableKind

DONE, OPEN = "เสร็จแล้ว", "ยังไม่เสร็จ"


def ticked(values: pd.Series) -> pd.Series:
    return values.map(lambda v: str(v if v is not None else "").strip() not in ("", "-", "0"))


class Checklist(TableKind):
    name = "checklist"
    totals = (Total("items", "รายการ / items"), Total("percent_done", "ร้อยละที่เสร็จ", 2))

    def compute(self, raw, layout, template, problems):
        return pd.DataFrame({"state": np.where(ticked(raw["done"]), DONE, OPEN)}, index=raw.index)

    def _percent(self, computed) -> float | None:
        return round_half_up(100 * float((computed["state"] == DONE).mean()), 2) if len(computed) else None

    def summary_rows(self, template, raw, computed):
        return [["ร้อยละที่เสร็จ / percent done", self._percent(computed)],
                ["เสร็จแล้ว / done", int((computed["state"] == DONE).sum())], ["ทั้งหมด / items", len(computed)]]

    def table_totals(self, raw, computed, summary):
        return {"items": len(raw), "percent_done": self._percent(computed)}

    def examples(self, template):
        return pd.DataFrame([{"code": "C1", "item": "(ตัวอย่าง) รายการแรก"}])

    def summarise(self, reads, template):
        overview = pd.DataFrame([{"รหัสหน่วยงาน": u.code, "หน่วยงาน": u.name, "ร้อยละที่เสร็จ": u.result.totals["percent_done"],
                                  "รุ่นแม่แบบ": u.version} for u in reads],
                                columns=["รหัสหน่วยงาน", "หน่วยงาน", "ร้อยละที่เสร็จ", "รุ่นแม่แบบ"])
        items = list(dict.fromkeys(c for u in reads for c in u.result.inputs["code"]))
        matrix = pd.DataFrame([{"มิติ": "", "รหัส": code, "ตัวชี้วัด": "เสร็จ / done",
                                **{u.code: int(u.result.rows["state"][u.result.inputs["code"] == code].eq(DONE).any())
                                   for u in reads}} for code in items])
        return SummaryPart(overview, matrix, {"ร้อยละที่เสร็จ": "0.00"}, chart_value="ร้อยละที่เสร็จ")


register(Checklist())
