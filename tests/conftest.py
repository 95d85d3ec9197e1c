from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from sheets_sync.cli import app
from sheets_sync.template import templates_dir

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEED000_CSV = templates_dir() / "examples" / "scorecard_seed000.csv"
SHEET = "ตัวชี้วัด"
# Seed 000 (../shared/seeds/000_*.txt): results as printed in the report.
SEED000_RESULTS = {"ศปท.1": 2, "ศปท.2": 4, "ศปท.3": 2, "ศปท.4": 0, "ศปท.5": 10, "ศปท.6": 5, "ศปท.7": 70}
# Golden figures, copied from ../shared/domain.md (score, percentage, weighted).
SEED000_GOLDEN = {
    "ศปท.1": (2.000, 40.00, 0.300), "ศปท.2": (4.000, 80.00, 1.000), "ศปท.3": (1.000, 20.00, 0.100),
    "ศปท.4": (1.000, 20.00, 0.150), "ศปท.5": (4.000, 80.00, 0.600), "ศปท.6": (5.000, 100.00, 0.750),
    "ศปท.7": (3.000, 60.00, 0.150),
}


def header_columns(ws, header_row: int = 3) -> dict[str, int]:
    """Column of each header label as a person reads the sheet (leaf row, else the row above)."""
    out = {}
    for c in range(1, ws.max_column + 1):
        v = ws.cell(header_row, c).value
        if v is None:
            v = ws.cell(header_row - 1, c).value
        if v is not None:
            out.setdefault(str(v), c)
    return out


def code_rows(ws, code_col: int) -> dict[str, int]:
    return {ws.cell(r, code_col).value: r for r in range(1, ws.max_row + 1)
            if isinstance(ws.cell(r, code_col).value, str) and "." in ws.cell(r, code_col).value}


def type_results(path: Path, results: dict, sheet: str = SHEET) -> None:
    """Type results into the result cells with openpyxl, as a person would."""
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    cols = header_columns(ws)
    rows = code_rows(ws, cols["รหัส"])
    for code, value in results.items():
        ws.cell(rows[code], cols["ผลการดำเนินงาน"]).value = value
    wb.save(path)


def read_cells(path: Path, sheet: str = SHEET) -> dict:
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    return {(c.row, c.column): c.value for row in ws.iter_rows() for c in row if c.value is not None}


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def cli(runner):
    def run(*args, code: int | None = 0):
        res = runner.invoke(app, [str(a) for a in args])
        if code is not None:
            assert res.exit_code == code, (res.exit_code, res.output, res.exception)
        return res
    return run


@pytest.fixture
def seed_book(tmp_path, cli) -> Path:
    """Seed 000's indicators through `init --indicators`, results typed in."""
    path = tmp_path / "unit.xlsx"
    cli("init", "--kind", "scorecard", "--out", path, "--indicators", SEED000_CSV,
        "--unit", "ศูนย์ปฏิบัติการต่อต้านการทุจริต", "--period", "2/2567")
    type_results(path, SEED000_RESULTS)
    return path


def recalc_json(cli, path) -> dict:
    return json.loads(cli("recalc", path, "--json").stdout)
