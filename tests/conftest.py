from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from sheets_sync.cli import app
from sheets_sync.kinds.template import templates_dir

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
# ../shared (the seeds and Google's recorded API traffic) sits beside the repository in CI,
# not in a clone of the repository alone. Tests that read it carry ``@pytest.mark.needs_shared``
# (or call ``shared_file``) and skip with this reason when it is absent.
SHARED_MISSING = f"needs ../shared beside the repository (CI has it): {SHARED} not found"
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


def pytest_configure(config):
    config.addinivalue_line("markers", "needs_shared: reads ../shared (seeds, Google API recordings); "
                                       "skipped when the repository is cloned alone")


def pytest_collection_modifyitems(config, items):
    if SHARED.is_dir():
        return
    skip = pytest.mark.skip(reason=SHARED_MISSING)
    for item in items:
        if item.get_closest_marker("needs_shared"):
            item.add_marker(skip)


def _under_shared(exc: BaseException) -> bool:
    name = getattr(exc, "filename", None)
    try:
        return bool(name) and Path(name).resolve().is_relative_to(SHARED.resolve())
    except (OSError, ValueError):
        return False


def _shared_missing_is_a_skip():
    """Safety net for tests not (yet) marked ``needs_shared``: without ../shared, a file
    missing under it is a skip with the one-line reason, not a red suite."""
    try:
        return (yield)
    except FileNotFoundError as e:
        if SHARED.is_dir() or not _under_shared(e):
            raise
        pytest.skip(SHARED_MISSING)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item):
    return (yield from _shared_missing_is_a_skip())


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    return (yield from _shared_missing_is_a_skip())


def pytest_terminal_summary(terminalreporter):
    """Say, in the default (-q) output, how many tests skipped for want of ../shared and where."""
    skipped = [r for r in terminalreporter.stats.get("skipped", [])
               if isinstance(r.longrepr, tuple) and "../shared" in str(r.longrepr[2])]
    if skipped:
        files = sorted({r.nodeid.split("::")[0] for r in skipped})
        terminalreporter.write_line(f"{len(skipped)} skipped: they need ../shared beside the repository "
                                    f"(CI has it; {SHARED} not found): {', '.join(files)}")


def shared_file(*parts: str, pattern: str | None = None) -> Path:
    """A file under ../shared, or a skip with the one-line reason when ../shared is absent."""
    if not SHARED.is_dir():
        pytest.skip(SHARED_MISSING)
    base = SHARED.joinpath(*parts)
    if pattern is None:
        return base
    found = sorted(base.glob(pattern))
    if not found:
        raise FileNotFoundError(f"no {pattern} in {base}")
    return found[0]


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


def make_seed000_typed(folder: Path) -> Path:
    """Seed 000's indicators through init, its results typed in, nothing computed yet."""
    import sheets_sync
    path = folder / "unit.xlsx"
    sheets_sync.init(path, indicators=SEED000_CSV, unit="ศูนย์ปฏิบัติการต่อต้านการทุจริต", period="2/2567")
    type_results(path, SEED000_RESULTS)
    return path


@pytest.fixture(scope="session")
def seed000_typed(tmp_path_factory) -> Path:
    """One such workbook for the whole session: tests copy it before changing it."""
    return make_seed000_typed(tmp_path_factory.mktemp("seed000"))


@pytest.fixture
def seed000_recalculated(seed000_typed, tmp_path):
    """A copy of that workbook after one recalc, opened as parts (the shapes recalc writes)."""
    import sheets_sync
    from sheets_sync.backends.xlsx import XlsxWorkbook
    path = tmp_path / "unit.xlsx"
    shutil.copyfile(seed000_typed, path)
    sheets_sync.recalc(path)
    return XlsxWorkbook(path)


@pytest.fixture
def seed_book(tmp_path, cli) -> Path:
    """Seed 000's indicators through `init --indicators`, results typed in."""
    path = tmp_path / "unit.xlsx"
    cli("init", "--kind", "scorecard", "--out", path, "--indicators", SEED000_CSV,
        "--unit", "ศูนย์ปฏิบัติการต่อต้านการทุจริต", "--period", "2/2567")
    type_results(path, SEED000_RESULTS)
    return path


def recalc_json(cli, path, code: int | None = 0) -> dict:
    """recalc --json; it exits 1 when the sheet still has errors to fix."""
    return json.loads(cli("recalc", path, "--json", code=code).stdout)


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


# --- Seed 000 as its text export, built here so a clone without ../shared has it ---------
# The facts of seed 000's report (../shared/seeds/000_*.txt and ../shared/domain.md): per
# indicator strategy, goal, "code name" (with the seed's stray space in "ศปท. 2"), weight,
# target, the five thresholds, the result as printed, then the report's own score,
# percentage and weighted score and the narrative; totals 100.00 / 3.050 / 61.00.
SEED000_ROWS = (
    ("มิติด้านประสิทธิผลตามยุทธศาสตร์", "การเพิ่มประสิทธิภาพการดำเนินงาน", "RB3 หน่วยงานมีมาตรการบริหารความเสี่ยงการทุจริต",
     "ศปท.1 ระดับความสำเร็จของการประเมินความเสี่ยงการทุจริตกระทรวงการคลัง", "15.00", "5", "1 2 3 4 5", "2",
     "(ร่าง) การประเมินความเสี่ยงการทุจริต ประจำปีงบประมาณ พ.ศ. 2567"),
    (None, "การพัฒนาเสริมสร้างคุณภาพบุคลากร", "RB1 บุคลากรได้รับการพัฒนายกระดับจิตสำนึก",
     "ศปท. 2 ระดับความสำเร็จของการจัดทำโครงการการคัดเลือกผู้ประพฤติปฏิบัติตนชอบ", "25.00", "5", "1 2 3 4 5", "4",
     "(ร่าง) ตรวจสอบคุณสมบัติของผู้รับเครื่องหมายเชิดชูเกียรติ"),
    (None, "การเพิ่มประสิทธิภาพการดำเนินงาน", "RB2 รับทราบระดับคุณธรรมและความโปร่งใส",
     "ศปท.3 ร้อยละคะแนนผลการประเมินคุณธรรมและความโปร่งใส (ITA)", "10.00", "90", "70 75 80 85 90", "2",
     "(ร่าง) ประชุมคณะทำงาน ITA ครั้งที่ 1/2567"),
    ("มิติด้านคุณภาพการให้บริการ", "การเพิ่มประสิทธิภาพการดำเนินงาน", "SC1 บริหารจัดการมีคุณภาพและเป็นที่ยอมรับ",
     "ศปท.4 ร้อยละความพึงพอใจของผู้รับบริการและผู้มีส่วนได้ส่วนเสีย", "15.00", "80", "68 71 74 77 80", "0",
     "(ร่าง) N/A"),
    ("มิติด้านประสิทธิภาพของการปฏิบัติราชการ", "การพัฒนาเสริมสร้างคุณภาพบุคลากร", "MR1 แหล่งข้อมูลการป้องกันการทุจริต",
     "ศปท.5 จำนวนเรื่องที่ได้มีการเผยแพร่ผ่านเว็ปไซต์ของศูนย์", "15.00", "12", "4 6 8 10 12", "10",
     "(ร่าง) ไตรมาสที่ 1 จำนวน 5 เรื่อง ไตรมาสที่ 2 จำนวน 5 เรื่อง รวม 10 เรื่อง"),
    (None, "การเพิ่มประสิทธิภาพการดำเนินงาน", "MR2 ติดตามการรายงานเรื่องร้องเรียน",
     "ศปท.6 ระดับความสำเร็จในการรายงานข้อมูลเรื่องกล่าวหาร้องเรียน", "15.00", "5", "1 2 3 4 5", "5",
     "(ร่าง) ศปท. จัดส่งข้อมูลไปยังสำนักงาน ป.ป.ท."),
    ("มิติด้านการพัฒนาองค์กร", "การเพิ่มประสิทธิภาพการดำเนินงาน", "CB1 บุคลากรมีความรู้เพิ่มขึ้น",
     "ศปท.7 ร้อยละของข้าราชการที่เข้าร่วมการฝึกอบรม/สัมมนา อย่างน้อย 1 ครั้ง", "5.00", "100", "50 60 70 80 90", "70",
     "(ร่าง) เข้าร่วม 12 ราย คิดเป็น 92.31%"),
)


def seed000_export(path: Path) -> Path:
    """Write seed 000's pipe-separated export (title, split header lines, dimension rows,
    indicator rows, totals and the stray trailing line the seed ends with)."""
    pad = " | " + "|" * 15
    lines = ["รายงานผลการดำเนินงานตามตัวชี้วัดและเป้าหมายตามแผนยุทธศาสตร์ของศูนย์ปฏิบัติการต่อต้านการทุจริต"
             " ประจำไตรมาสที่ 2/2567" + pad,
             "แผนปฏิบัติราชการของ สำนักงานปลัดกระทรวงการคลังเรื่อง |", "เป้าประสงค์ของ หน่วยงาน |",
             "ตัวชี้วัด | น้ำหนัก (ร้อยละ) |", "เป้าหมาย ปี 2567 |",
             "เกณฑ์การให้คะแนน | ผลการดำเนินงาน | รายละเอียดการดำเนินงาน | สถานะ | " + "|" * 8,
             "1 | 2 | 3 | 4 | 5 | ผลการดำเนินงาน | ค่าคะแนนที่ได้ | ร้อยละที่ได้ | คะแนนถ่วงน้ำหนัก | " + "|" * 8]
    for dimension, strategy, goal, indicator, weight, target, criteria, result, details in SEED000_ROWS:
        if dimension:
            lines.append(dimension + pad)
        code = indicator.split(" ")[0] if "ศปท. " not in indicator else "ศปท." + indicator.split(" ")[1]
        score, pct, weighted = SEED000_GOLDEN[code]
        lines.append(" | ".join([strategy, goal, indicator, weight, target, *criteria.split(), result,
                                 f"{score:.3f}", f"{pct:.2f}", f"{weighted:.3f}", details, "●", "", ""]))
    lines += ["น้ำหนักรวม | 100.00 | คะแนนถ่วงน้ำหนักรวม | 3.050 | " + "|" * 12, "ร้อยละ | 61.00 | " + "|" * 14,
              "7 5 2 0 4"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def seed000_txt(tmp_path) -> Path:
    return seed000_export(tmp_path / "000_seed.txt")
