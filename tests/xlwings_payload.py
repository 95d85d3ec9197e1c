"""Build the JSON that xlwings' clients (VBA RunRemotePython, Office.js) post for a
workbook, and apply the actions the server answers, as the client would."""
from __future__ import annotations

import openpyxl
import xlwings as xw


def payload_from_xlsx(path, client: str = "Microsoft Office") -> dict:
    wb = openpyxl.load_workbook(path, data_only=True)
    sheets = []
    for ws in wb.worksheets:
        values = [[c.value for c in row] for row in ws.iter_rows(min_row=1, min_col=1,
                                                                 max_row=ws.max_row, max_col=ws.max_column)]
        sheets.append({"name": ws.title, "values": values or [[]], "pictures": [], "tables": [],
                       "shapes": [], "charts": [], "notes": [], "print_area": None,
                       "visibility": "Visible" if ws.sheet_state == "visible" else "Hidden"})
    return {"client": client, "version": xw.__version__,
            "book": {"name": path.name, "active_sheet_index": 0, "selection": "A1"},
            "names": [], "sheets": sheets}


def apply_actions(payload: dict, actions: list[dict]) -> dict:
    """What the client does with the answer: setValues into the sheet's values, colours
    and alerts recorded."""
    payload.setdefault("_colors", {})
    payload.setdefault("_alerts", [])
    for act in actions:
        if act["func"] == "setValues":
            sheet = payload["sheets"][act["sheet_position"]]["values"]
            r0, c0 = act["start_row"], act["start_column"]
            for i, row in enumerate(act["values"]):
                for j, v in enumerate(row):
                    while len(sheet) <= r0 + i:
                        sheet.append([None] * len(sheet[0]))
                    line = sheet[r0 + i]
                    while len(line) <= c0 + j:
                        line.append(None)
                    line[c0 + j] = None if v == "" else v
        elif act["func"] == "setRangeColor":
            payload["_colors"][(act["sheet_position"], act["start_row"], act["start_column"])] = act["args"][0]
        elif act["func"] == "alert":
            payload["_alerts"].append(act["args"])
    return payload
