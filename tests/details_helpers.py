"""Shared by the details-tab tests: an OPDC unit workbook with seed 003's indicator
and one more, and typing into the details tab as a person would (openpyxl)."""
from __future__ import annotations

from pathlib import Path

import openpyxl

import sheets_sync as ss
from conftest import header_columns


def code_rows(ws, code_col: int) -> dict[str, int]:
    """Rows below the two header rows whose code cell holds a code."""
    return {ws.cell(r, code_col).value: r for r in range(4, ws.max_row + 1) if ws.cell(r, code_col).value}

DETAILS = "รายละเอียดตัวชี้วัด"
STEP5 = "สรุปผลการดำเนินการตามมาตรการ/แผนปฏิบัติการป้องกันการทุจริตของเจ้าหน้าที่ของรัฐ"
KPI = [
    {"dimension": "มิติด้านการพัฒนาองค์กร", "code": "7.2.1",
     "indicator": "ระดับความสำเร็จของการดำเนินการตามมาตรการ/แผนปฏิบัติการป้องกันการทุจริต", "weight": 2,
     "c1": 1, "c2": 2, "c3": 3, "c4": 4, "c5": 5, "method": "step",
     "description": "พิจารณาจากระดับขั้นของความสำเร็จในการดำเนินการ", "step1": "ทบทวนผลการดำเนินงาน",
     "step2": "นำข้อมูลที่ได้จากขั้นตอนที่ 1 มาใช้", "step3": "ดำเนินการตามมาตรการ",
     "step4": "ตอบสนองต่อข้อร้องเรียน", "step5": STEP5},
    {"dimension": "มิติด้านการพัฒนาองค์กร", "code": "7.2.2", "indicator": "ตัวชี้วัดที่สอง", "weight": 98,
     "c1": 60, "c2": 70, "c3": 80, "c4": 90, "c5": 100},
]


def opdc_unit(path: Path, kpi=None) -> Path:
    ss.init(path, indicators=kpi or KPI, template="scorecard_opdc", unit="สำนักงาน ปปง.", period="4/2550")
    return path


def type_details(path: Path, rows: dict[str, dict[str, object]]) -> None:
    """label -> value per code, typed into the details tab (a new code gets a new row)."""
    wb = openpyxl.load_workbook(path)
    ws = wb[DETAILS]
    cols = header_columns(ws)
    found = code_rows(ws, cols["รหัส"])
    for code, values in rows.items():
        r = found.get(code) or ws.max_row + 1
        ws.cell(r, cols["รหัส"]).value = code
        for label, v in values.items():
            ws.cell(r, cols[label]).value = v
    wb.save(path)


def details_cells(path: Path) -> dict[str, dict[str, object]]:
    """code -> label -> value, as the details tab holds them."""
    wb = openpyxl.load_workbook(path)
    ws = wb[DETAILS]
    cols = header_columns(ws)
    return {code: {label: ws.cell(r, c).value for label, c in cols.items()}
            for code, r in code_rows(ws, cols["รหัส"]).items()}
