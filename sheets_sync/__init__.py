"""sheets-sync: canonical KPI scorecards kept in sync across Excel, Google Sheets and .xlsx.

Every CLI command is a thin shell over the function of the same name here::

    import sheets_sync
    sheets_sync.init("unit.xlsx", indicators="kpi.csv", unit="กองคลัง", period="2/2567")
    report = sheets_sync.recalc("unit.xlsx")
    report.sheets[0].totals   # {'weight': 100.0, 'weighted_score': 3.05, 'percentage': 61.0, ...}
"""
from __future__ import annotations

import importlib

from .core.errors import SheetsSyncError, TemplateError, WorkbookError

# The API's functions, imported on first use: `sheets-sync --help` needs none of pandas.
_WHERE = {
    "init": ".workbook.init", "recalc": ".workbook.recalc", "validate": ".workbook.recalc",
    "explain": ".workbook.recalc", "Report": ".workbook.recalc", "SheetReport": ".workbook.recalc",
    "demo": ".demo", "consolidate": ".ministry.consolidate", "import_file": ".ministry.importers",
    "report": ".ministry.report", "provision": ".ministry.registry", "push_template": ".ministry.registry",
    "ScoringOptions": ".kinds.template", "load_template": ".kinds.template",
}
__all__ = [*_WHERE, "SheetsSyncError", "TemplateError", "WorkbookError"]
__version__ = "0.1.0"


def __getattr__(name: str):
    if name in _WHERE:
        value = getattr(importlib.import_module(_WHERE[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'sheets_sync' has no attribute {name!r}")


def __dir__():
    return sorted([*globals(), *_WHERE])
