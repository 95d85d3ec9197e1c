"""Seed 000's golden figures, end to end through the CLI."""
import openpyxl

from conftest import SEED000_GOLDEN, SHEET, code_rows, header_columns, recalc_json


def test_seed000_golden_figures_in_cells_and_json(seed_book, cli):
    report = recalc_json(cli, seed_book)
    sheet = report["sheets"][0]
    assert sheet["sheet"] == SHEET
    got = {r["code"]: (r["score"], r["percentage"], r["weighted_score"]) for r in sheet["rows"]}
    assert got == SEED000_GOLDEN
    assert sheet["totals"] == {"weight": 100.0, "weighted_score": 3.05, "percentage": 61.0, "complete": True,
                               "reported": 7, "indicators": 7}
    assert sheet["problems"] == []

    ws = openpyxl.load_workbook(seed_book)[SHEET]
    cols = header_columns(ws)
    rows = code_rows(ws, cols["รหัส"])
    for code, (score, pct, weighted) in SEED000_GOLDEN.items():
        r = rows[code]
        assert ws.cell(r, cols["ค่าคะแนนที่ได้"]).value == score
        assert ws.cell(r, cols["ร้อยละที่ได้"]).value == pct
        assert ws.cell(r, cols["คะแนนถ่วงน้ำหนัก"]).value == weighted
        assert ws.cell(r, cols["ค่าคะแนนที่ได้"]).number_format == "0.000"
        assert ws.cell(r, cols["ร้อยละที่ได้"]).number_format == "0.00"
        assert ws.cell(r, cols["คะแนนถ่วงน้ำหนัก"]).number_format == "0.000"
    totals = {ws.cell(r, c).value: (r, c) for r in range(1, ws.max_row + 1) for c in range(1, ws.max_column + 1)
              if ws.cell(r, c).value in ("น้ำหนักรวม", "คะแนนถ่วงน้ำหนักรวม", "ร้อยละ")}
    r, _ = totals["น้ำหนักรวม"]
    assert ws.cell(r, cols["น้ำหนัก (ร้อยละ)"]).value == 100
    r, c = totals["คะแนนถ่วงน้ำหนักรวม"]
    assert ws.cell(r, c + 1).value == 3.05
    r, c = totals["ร้อยละ"]
    assert ws.cell(r, c + 1).value == 61.0
    assert ws.cell(r, c + 1).number_format == "0.00"


def test_status_follows_the_default_rule(seed_book, cli):
    rows = {r["code"]: r["status"] for r in recalc_json(cli, seed_book)["sheets"][0]["rows"]}
    # ศปท.6 meets its target 5; ศปท.2/5/7 score >= 3; the rest below 3.
    assert rows == {"ศปท.1": "red", "ศปท.2": "yellow", "ศปท.3": "red", "ศปท.4": "red",
                    "ศปท.5": "yellow", "ศปท.6": "green", "ศปท.7": "yellow"}
    ws = openpyxl.load_workbook(seed_book)[SHEET]
    cols = header_columns(ws)
    r = code_rows(ws, cols["รหัส"])["ศปท.6"]
    status = ws.cell(r, cols["สถานะ"])
    assert status.value == "บรรลุเป้าหมาย"
    assert "●" in status.number_format


def test_second_recalc_changes_nothing_and_says_so(seed_book, cli):
    first = cli("recalc", seed_book).stdout
    assert "wrote 31 cells" in first
    before = seed_book.read_bytes()
    second = cli("recalc", seed_book)
    assert "nothing changed" in second.stdout
    assert seed_book.read_bytes() == before
    assert recalc_json(cli, seed_book)["sheets"][0]["changed_cells"] == 0
