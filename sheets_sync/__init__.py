"""sheets-sync: canonical KPI scorecards kept in sync across Excel, Google Sheets and .xlsx.

Every CLI command is a thin shell over the function of the same name here::

    import sheets_sync
    sheets_sync.init("unit.xlsx", indicators="kpi.csv", unit="กองคลัง", period="2/2567")
    report = sheets_sync.recalc("unit.xlsx")
    report.sheets[0].totals   # {'weight': 100.0, 'weighted_score': 3.05, 'percentage': 61.0, ...}
"""
from .workbook.init import init
from .workbook.recalc import Report, SheetReport, explain, recalc, validate
from .demo import demo
from .core.errors import SheetsSyncError, TemplateError, WorkbookError
from .ministry.consolidate import consolidate
from .ministry.importers import import_file
from .ministry.registry import provision, push_template
from .kinds.template import ScoringOptions, load_template

__all__ = ["init", "recalc", "validate", "explain", "demo", "provision", "push_template", "consolidate", "import_file", "Report", "SheetReport",
           "SheetsSyncError", "TemplateError", "WorkbookError", "ScoringOptions", "load_template"]
__version__ = "0.1.0"
