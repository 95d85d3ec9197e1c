from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from sheets_sync.cli import app
from sheets_sync.kinds.template import templates_dir

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


# --- Google: the emulator on loopback, reached through real gspread + google-auth ---------

STAFF = "staff@unit.go.th"


@pytest.fixture
def emulator(tmp_path):
    from sheets_sync.emulator import Emulator
    with Emulator() as emu:
        emu.creds = tmp_path / "sa.json"
        emu.account = emu.service_account(emu.creds)["client_email"]
        yield emu


@pytest.fixture
def fast_retry():
    from sheets_sync.backends.google.client import RetryPolicy
    return RetryPolicy(attempts=4, base=0.01, cap=0.05)


@pytest.fixture
def google_opts(emulator, fast_retry):
    return {"credentials": emulator.creds, "endpoint": emulator.base_url, "retry": fast_retry}


def sheet_key(url: str) -> str:
    return url.split("/d/")[1].split("/")[0]


def type_google_results(emu, key: str, results: dict, who: str = STAFF) -> None:
    """Staff type results in the Google Sheets UI (USER_ENTERED, as typing does)."""
    ss = emu.state.spreadsheets[key]
    sheet = ss.sheets[0]
    codes = {cell["effectiveValue"]["stringValue"]: r for (r, c), cell in sheet.cells.items()
             if c == 2 and "stringValue" in cell.get("effectiveValue", {})}
    for code, value in results.items():
        emu.state.values_update(key, who, f"'{sheet.title}'!L{codes[code] + 1}",
                                [["" if value is None else str(value)]], "USER_ENTERED")


@pytest.fixture
def google_seed(emulator, cli, google_opts):
    """Seed 000 through `init --google`, shared with staff, results typed in Google."""
    res = cli("init", "--google", "--kind", "scorecard", "--indicators", SEED000_CSV, "--unit", "ศปท",
              "--period", "2/2567", "--share", STAFF, "--credentials", emulator.creds,
              "--endpoint", emulator.base_url)
    url = res.stdout.split("created:")[1].strip()
    key = sheet_key(url)
    type_google_results(emulator, key, SEED000_RESULTS)
    emulator.state.reset_stats()
    emulator.state.write_log.clear()
    return url
