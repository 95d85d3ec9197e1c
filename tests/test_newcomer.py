"""Issue 15, "What a newcomer meets": each test reproduces what was seen, now fixed."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import click
import openpyxl
import pytest
import typer.main

import sheets_sync as ss
from conftest import ROOT, SEED000_CSV, SEED000_RESULTS, SHARED_MISSING, STAFF, seed000_export, shared_file, \
    type_results
from sheets_sync import cli as cli_module
from sheets_sync.cli import unit_commands
from sheets_sync.core.errors import SheetsSyncError


def md5(path: Path) -> str:
    return hashlib.md5(path.read_bytes()).hexdigest()


# --- 1. a clone without ../shared ------------------------------------------------------------

def test_a_copy_of_the_repository_alone_skips_what_needs_shared_and_says_why(tmp_path):
    """A copy of the repository with no ../shared beside it: the seed tests skip with the
    one-line reason (they failed with StopIteration in seed()), the seed 000 golden still runs."""
    repo = tmp_path / "solo" / "repo"
    ignore = shutil.ignore_patterns(".git", ".venv", "__pycache__", "*.egg-info", ".pytest_cache", "sheets-sync-demo")
    for part in ("sheets_sync", "templates", "tests", "xl_addin"):
        shutil.copytree(ROOT / part, repo / part, ignore=ignore)
    shutil.copy(ROOT / "pyproject.toml", repo / "pyproject.toml")
    assert not (repo.parent / "shared").exists()
    env = dict(os.environ, PYTHONPATH=str(repo))
    proc = subprocess.run([sys.executable, "-m", "pytest", "-o", "addopts=", "-q", "-rs", "-p", "no:cacheprovider",
                           "tests/test_ita_plan_import.py"], cwd=repo, env=env, capture_output=True, text=True,
                          timeout=600)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-4000:]
    assert "failed" not in out and "StopIteration" not in out and "error" not in out.lower().split("skipped")[0]
    assert "needs ../shared beside the repository (CI has it)" in out and str(repo.parent / "shared") in out
    # the seed 000 golden ran from the export conftest builds, the real-document variant skipped
    assert "10 passed, 6 skipped" in out          # 6: seed 000 x2, seeds 001 x2, 002 and 004 (issue 14)
    assert "they need ../shared beside the repository" in out   # the -q summary line says why


def test_seed000_export_built_in_tests_imports_like_the_real_document(tmp_path):
    """The export conftest builds carries the same facts as ../shared/seeds/000_*.txt."""
    from sheets_sync.ministry.importers import import_scorecard
    real = import_scorecard(shared_file("seeds", pattern="000_*.txt"))
    built = import_scorecard(seed000_export(tmp_path / "000.txt"))
    cols = ["dimension", "strategy", "code", "weight", "target", "c1", "c2", "c3", "c4", "c5"]
    assert built.rows[cols].to_dict("records") == real.rows[cols].to_dict("records")
    # the document states no scoring method: the import writes none (issue 14: nothing in a cell
    # that is not in the source), the template's (step, seed 000's) scores it, as its golden test shows
    assert "method" not in real.rows and "method" not in built.rows
    assert {c: r["result"] for c, r in built.results.items()} == {c: r["result"] for c, r in real.results.items()}
    # issue 14: the report lists every line left out with its reason (titles, headers, printed
    # figures the sheet computes); the one line nothing recognises is the stray "7 5 2 0 4"
    assert [(s.line, s.reason) for s in built.skipped] == [(s.line, s.reason) for s in real.skipped]
    unplaced = [[s.text for s in x.skipped if s.reason.startswith("not placed")] for x in (built, real)]
    assert unplaced == [["7 5 2 0 4"], ["7 5 2 0 4"]]


def test_shared_file_skips_with_the_reason_when_shared_is_absent(monkeypatch, tmp_path):
    import conftest
    monkeypatch.setattr(conftest, "SHARED", tmp_path / "no-shared")
    with pytest.raises(pytest.skip.Exception, match="needs ../shared"):
        conftest.shared_file("seeds", pattern="001_*.txt")
    assert "\n" not in SHARED_MISSING


# --- 2. recalc on ITA and action-plan workbooks through the CLI ---------------------------

def _ita_book(path: Path, cli, *template) -> Path:
    cli("init", "--kind", "ita", "--out", path, "--unit", "กองคลัง", "--period", "2/2567", *template)
    wb = openpyxl.load_workbook(path)
    ws = wb["ITA"]
    for r, score in zip(range(3, ws.max_row + 1), (90, 80, 86.19, 70, 95, 60, 88, 91, 100, 75)):
        ws.cell(r, 4).value = score
    wb.save(path)
    return path


def test_recalc_ita_through_the_cli_prints_its_totals(tmp_path, cli):
    book = _ita_book(tmp_path / "ita.xlsx", cli)
    before = md5(book)
    res = cli("recalc", book)                     # exit 0 (was 3: KeyError: 'weight')
    assert md5(book) != before and "wrote" in res.stdout
    assert "คะแนนรวมถ่วงน้ำหนัก" in res.stdout and "items" in res.stdout
    report = ss.recalc(book, dry_run=True)
    totals = report.sheets[0].totals
    assert [x.key for x in report.kind.totals] == ["items", "weighted_total"]
    assert totals["items"] == 10 and " 10 " in res.stdout
    # the template ships no official per-indicator weights (issue 14): no overall score is invented
    assert totals["weighted_total"] is None
    assert "KeyError" not in res.output and "nothing" not in res.output.split("wrote")[0]


def test_recalc_ita_prints_the_overall_from_official_weights_given_as_template_data(tmp_path, cli):
    text = (ROOT / "templates" / "ita.yaml").read_text(encoding="utf-8")
    assert "\nindicator_weights: {}\n" in text
    weights = ", ".join(f"{i}: 10" for i in range(1, 11))
    tpl = tmp_path / "ita_2599.yaml"
    tpl.write_text(text.replace("\nindicator_weights: {}\n",
                                f"\nindicator_weights: {{year: 2599, source: test, weights: {{{weights}}}}}\n"),
                   encoding="utf-8")
    book = _ita_book(tmp_path / "ita.xlsx", cli, "--template", tpl)
    res = cli("recalc", book)
    report = ss.recalc(book, dry_run=True)
    for x in report.kind.totals:
        v = report.sheets[0].totals.get(x.key)
        assert v is not None, x.key
        if x.decimals is not None and isinstance(v, float):
            assert f"{v:.{x.decimals}f}" in res.stdout, (x.key, v)
    # hand-checked: one item per indicator, weights equal: (90+80+86.19+70+95+60+88+91+100+75) / 10 = 83.519
    assert report.sheets[0].totals["weighted_total"] == pytest.approx(83.52) and "83.52" in res.stdout


def test_recalc_action_plan_through_the_cli_prints_its_totals(tmp_path, cli):
    book = tmp_path / "plan.xlsx"
    cli("init", "--kind", "action-plan", "--out", book)
    wb = openpyxl.load_workbook(book)
    for c in range(21, 24):                       # done ต.ค., พ.ย., ธ.ค.
        wb["แผนปฏิบัติการ"].cell(4, c).value = "✓"
    wb.save(book)
    res = cli("recalc", book)
    assert "กิจกรรม / activities" in res.stdout and "wrote" in res.stdout
    assert "Error" not in res.output


def test_an_unexpected_error_after_the_write_says_the_file_was_written(seed_book, cli, monkeypatch):
    """The KeyError came from the totals printer, after recalc had replaced the file: the
    message said 'nothing is written unless complete'. Now it names what was written."""
    def broken(report):
        raise KeyError("weight")
    monkeypatch.setattr(unit_commands, "_totals_table", broken)
    before = md5(seed_book)
    res = cli("recalc", seed_book, code=3)
    assert md5(seed_book) != before
    assert "KeyError" in res.output and "nothing" not in res.output.lower()
    assert "written before the error" in res.output and str(seed_book) in res.output


def test_an_unexpected_error_before_any_write_says_nothing_was_written(seed_book, cli, monkeypatch):
    def broken(*a, **k):
        raise RuntimeError("boom")
    monkeypatch.setattr(ss, "recalc", broken)
    before = md5(seed_book)
    res = cli("recalc", seed_book, code=3)
    assert md5(seed_book) == before
    assert "no file was written" in res.output and str(seed_book) in res.output


def test_an_unexpected_error_on_google_does_not_claim_anything(cli, monkeypatch):
    def broken(*a, **k):
        raise RuntimeError("boom")
    monkeypatch.setattr(ss, "recalc", broken)
    res = cli("recalc", "1" * 44, code=3)
    assert "nothing" not in res.output.lower() and "not known here" in res.output


# --- 4. demo --out over a real ministry folder ---------------------------------------------

def _real_ministry(folder: Path) -> dict[Path, str]:
    (folder / "units").mkdir(parents=True)
    (folder / "units.yaml").write_text("# the ministry's real registry\nunits:\n"
                                       "  - {code: กค, name: กองคลัง, sheet: units/กค.xlsx}\n", encoding="utf-8")
    (folder / "ministry.yaml").write_text("template: scorecard\nversion: 3\nindicators: kpi.csv\n", encoding="utf-8")
    ss.init(folder / "units" / "กค.xlsx", indicators=SEED000_CSV, unit="กองคลัง", period="2/2567")
    type_results(folder / "units" / "กค.xlsx", SEED000_RESULTS)
    return {p: md5(p) for p in folder.rglob("*") if p.is_file()}


def test_demo_refuses_a_real_ministry_folder(tmp_path, cli):
    real = tmp_path / "ministry"
    before = _real_ministry(real)
    res = cli("demo", "--out", real, code=2)
    assert "not empty and is not a previous demo" in res.output and "--force" in res.output
    assert {p: md5(p) for p in real.rglob("*") if p.is_file()} == before   # nothing replaced or added
    with pytest.raises(SheetsSyncError):
        ss.demo(real)
    # --force is the way to overwrite on purpose
    assert "3.050" in cli("demo", "--out", real, "--force").stdout
    assert md5(real / "units.yaml") != before[real / "units.yaml"]


def test_demo_starts_over_a_previous_demo_and_an_empty_folder(tmp_path, cli):
    (tmp_path / "empty").mkdir()
    assert "3.050" in cli("demo", "--out", tmp_path / "empty").stdout
    assert "3.050" in cli("demo", "--out", tmp_path / "empty").stdout          # its own marker
    old = tmp_path / "old-demo"                                                 # a demo from before the marker
    cli("demo", "--out", old)
    (old / ".sheets-sync-demo").unlink()
    assert "3.050" in cli("demo", "--out", old).stdout


def test_demo_again_keeps_results_typed_into_the_last_demo(tmp_path, cli):
    """Trying the product means typing into the demo's workbooks: the next demo must not
    silently replace them."""
    out = tmp_path / "demo"
    cli("demo", "--out", out)
    unit = out / "units" / "กค.xlsx"
    type_results(unit, {"ศปท.7": 99})
    edited = md5(unit)
    res = cli("demo", "--out", out, code=2)
    assert "units/กค.xlsx" in res.output and "edited" in res.output and "ถูกแก้ไข" in res.output
    assert md5(unit) == edited
    assert "3.050" in cli("demo", "--out", out, "--force").stdout                   # on purpose
    assert md5(unit) != edited
    assert "3.050" in cli("demo", "--out", out).stdout                              # untouched: starts over


# --- 5. provision with sheet: new ------------------------------------------------------------

def test_provision_new_records_the_key_and_a_second_run_is_a_no_op(tmp_path, cli, emulator):
    (tmp_path / "kpi.csv").write_bytes(SEED000_CSV.read_bytes())
    (tmp_path / "ministry.yaml").write_text("template: scorecard\nversion: 1\nindicators: kpi.csv\n", encoding="utf-8")
    units = tmp_path / "units.yaml"
    units.write_text("# ทะเบียนหน่วยงาน (the ministry's comments stay)\n"
                     "units:\n"
                     f"  - {{code: กจ, name: กองการเจ้าหน้าที่, sheet: new, owners: [{STAFF}]}}     # provision creates it\n"
                     "  # a block-style entry keeps its layout too\n"
                     "  - code: กบ\n"
                     "    name: \"กองบัญชี\"\n"
                     "    sheet: new   # later\n", encoding="utf-8")
    google = ["--credentials", emulator.creds, "--endpoint", emulator.base_url]
    cli("provision", "--units", units, "--template", tmp_path / "ministry.yaml", "--period", "2/2567", *google)
    assert len(emulator.state.spreadsheets) == 2
    text = units.read_text(encoding="utf-8")
    keys = list(emulator.state.spreadsheets)
    lines = text.splitlines()
    assert lines[0] == "# ทะเบียนหน่วยงาน (the ministry's comments stay)" and lines[1] == "units:"
    assert lines[2].startswith(f"  - {{code: กจ, name: กองการเจ้าหน้าที่, sheet: {keys[0]}, owners: [{STAFF}]}}")
    assert lines[2].endswith("# provision creates it")
    assert lines[3] == "  # a block-style entry keeps its layout too"
    assert lines[4:7] == ["  - code: กบ", '    name: "กองบัญชี"', f"    sheet: {keys[1]} # later"]
    # the second run finds both and creates nothing
    res = cli("provision", "--units", units, "--template", tmp_path / "ministry.yaml", *google)
    assert len(emulator.state.spreadsheets) == 2 and units.read_text(encoding="utf-8") == text
    assert res.stdout.count("exists") == 2
    # and consolidate reads them (was: "new is not a Google spreadsheet URL or key")
    res = cli("consolidate", "--units", units, "--out", tmp_path / "summary.xlsx", *google, code=None)
    assert "is not a Google spreadsheet" not in res.output and res.exit_code in (0, 2), res.output
    overview = openpyxl.load_workbook(tmp_path / "summary.xlsx")["ภาพรวม"]
    assert {r[1] for r in overview.iter_rows(min_row=3, values_only=True)} >= {"กจ", "กบ"}


# --- 7. the README's units.yaml example and import failures ---------------------------------

def test_the_readme_units_example_is_called_an_invalid_key(tmp_path, cli):
    units = tmp_path / "units.yaml"
    (tmp_path / "units").mkdir()
    units.write_text("units:\n"
                     "  - {code: กค, name: กองคลัง, sheet: units/กค.xlsx, owners: [kpi@unit.go.th]}\n"
                     "  - {code: กบ, name: กองบัญชี, sheet: https://docs.google.com/spreadsheets/d/KEY/edit}\n"
                     "  - {code: กจ, name: กองการเจ้าหน้าที่, sheet: new}\n", encoding="utf-8")
    res = cli("consolidate", "--units", units, "--out", tmp_path / "s.xlsx", code=2)
    assert "is a Google spreadsheet URL but its key 'KEY' looks invalid" in res.output
    assert "neither an .xlsx path" not in res.output
    res = cli("validate", "https://docs.google.com/spreadsheets/d/KEY/edit", code=2)
    assert "key looks invalid" in res.output


def test_import_failure_says_why_after_the_colon(tmp_path, cli):
    src = tmp_path / "report.txt"
    src.write_text("hello\nworld | x\n", encoding="utf-8")
    res = cli("import", src, "--kind", "scorecard", "--out", tmp_path / "x.xlsx", code=2)
    tail = res.output.split("no importable rows in report.txt")[1].strip()
    assert tail.startswith(":") and "line 1" in tail and not tail.endswith(";")
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    res = cli("import", empty, "--kind", "ita", "--out", tmp_path / "y.xlsx", code=2)
    assert "no importable rows in empty.txt: no line looked like a row" in res.output
    assert not (tmp_path / "x.xlsx").exists() and not (tmp_path / "y.xlsx").exists()


# --- 8. the CLI itself ------------------------------------------------------------------------

def _commands(group: click.Group, prefix=()):
    for name, cmd in group.commands.items():
        if isinstance(cmd, click.Group):
            yield from _commands(cmd, (*prefix, name))
        else:
            yield (*prefix, name), cmd


def test_every_option_has_help_and_flags_print_no_type(cli):
    root = typer.main.get_command(cli_module.app)
    missing = [f"{' '.join(path)} {p.opts[0]}" for path, cmd in _commands(root) for p in cmd.params
               if isinstance(p, click.Option) and not (p.help or "").strip()]
    assert missing == []
    for path, _ in _commands(root):
        out = cli(*path, "--help").stdout
        assert "<bool>" not in out, path
    assert "<bool>" not in cli("--help").stdout
    assert "--json " in cli("validate", "--help").stdout and "print the problems as JSON" in cli(
        "validate", "--help").stdout


def test_version(cli):
    assert cli("--version").stdout.strip() == f"sheets-sync {ss.__version__}"
    res = subprocess.run([sys.executable, "-m", "sheets_sync", "--version"], capture_output=True, text=True)
    assert res.returncode == 0 and ss.__version__ in res.stdout


@pytest.mark.parametrize("args, thai, english", [
    (["push-template", "--units", "u.yaml"], "ขาดตัวเลือกที่ต้องใส่", "Missing option '--template'"),
    (["recalc"], "ขาดค่าที่ต้องใส่", "Missing argument 'target'"),
    (["recalc", "--bogus", "x.xlsx"], "ไม่มีตัวเลือกนี้", "No such option: --bogus"),
    (["push-templat"], "ไม่มีคำสั่งนี้", "No such command 'push-templat'"),
    (["consolidate", "--units", "u.yaml", "--out", "s.xlsx", "--rpm", "abc"], "ค่าไม่ถูกต้อง", "Invalid value for '--rpm'"),
    (["recalc", "a.xlsx", "b.xlsx"], "มีค่าเกินมา", "Got unexpected extra argument"),
])
def test_a_mistyped_command_is_said_in_thai_and_english(tmp_path, args, thai, english):
    """The installed command, as staff type it: click's usage errors read in Thai first."""
    env = {**os.environ, "COLUMNS": "240"}
    res = subprocess.run([sys.executable, "-m", "sheets_sync", *args], capture_output=True, text=True,
                         cwd=tmp_path, env=env)
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert f"{thai} (ดู --help) / {english}" in res.stderr, res.stderr
    assert res.stderr.count("Invalid value") <= 1


def test_emulator_prints_an_absolute_credentials_path(tmp_path, cli, monkeypatch):
    from sheets_sync.emulator import Emulator

    def stop(self):
        raise KeyboardInterrupt
    monkeypatch.setattr(Emulator, "serve_forever", stop)
    monkeypatch.chdir(tmp_path)
    out = cli("emulator", "--port", "0", "--credentials-out", "creds.json").stdout
    assert f"SHEETS_SYNC_CREDENTIALS={tmp_path / 'creds.json'}" in out
    assert (tmp_path / "creds.json").is_file()


def test_recalc_on_google_says_spreadsheet_not_file(google_seed, cli, emulator):
    google = ["--credentials", emulator.creds, "--endpoint", emulator.base_url]
    cli("recalc", google_seed, *google)
    out = cli("recalc", google_seed, *google).stdout
    assert "spreadsheet not written" in out and "file" not in out.split("nothing changed")[1]


def test_demo_table_keeps_long_thai_names_whole_and_explains_problems(tmp_path, cli):
    out = cli("demo", "--out", tmp_path / "demo").stdout      # CliRunner: 80 columns, as in the report
    from rich.cells import cell_len   # Thai vowel and tone marks take no column of their own
    assert max(cell_len(line) for line in out.splitlines() if line.startswith(("┃", "│", "┏", "└"))) <= 80
    for name in ("ศูนย์ปฏิบัติการต่อต้านการทุจริต", "กองคลัง", "กองบริหารทรัพยากรบุคคล"):
        assert name in out
    assert "…" not in out
    assert "problems found, listed below" in out
    assert f"sheets-sync validate {(tmp_path / 'demo' / 'units' / 'กบค.xlsx').resolve()}" in out
    assert "ศปท.4 has no result yet" in out


def test_serve_and_its_alias_call_xl_addin_serve(cli, monkeypatch, tmp_path):
    import xl_addin
    calls = []
    monkeypatch.setattr(xl_addin, "serve", lambda host, port, certfile=None, keyfile=None: calls.append(
        (host, port, certfile, keyfile, os.environ.get("SHEETS_SYNC_EXCEL_TOKEN"))))
    monkeypatch.delenv("SHEETS_SYNC_EXCEL_TOKEN", raising=False)
    cli("serve", "--port", "8123", "--token", "t0k")
    cli("serve-excel", "--host", "127.0.0.1", "--port", "8124", "--certfile", tmp_path / "c.pem",
        "--keyfile", tmp_path / "k.pem")
    assert calls[0] == ("127.0.0.1", 8123, None, None, "t0k")
    assert calls[1][:4] == ("127.0.0.1", 8124, tmp_path / "c.pem", tmp_path / "k.pem")
    for name in ("serve", "serve-excel"):
        out = cli(name, "--help").stdout
        assert "--certfile" in out and "--keyfile" in out and "--port" in out


def test_serve_without_a_token_is_a_message(cli, monkeypatch):
    monkeypatch.delenv("SHEETS_SYNC_EXCEL_TOKEN", raising=False)
    res = cli("serve", "--port", "8125", code=None)
    assert res.exit_code != 0 and "Traceback" not in res.output and "token" in res.output.lower()


def test_google_script_writes_the_project_and_says_how_to_attach_it(tmp_path, cli):
    out = tmp_path / "gs"
    res = cli("google-script", "--out", out, "--server", "https://kpi.example.go.th", "--token", "s3cret",
              "--delay", "7")
    assert sorted(p.name for p in out.iterdir()) == ["appsscript.json", "setup.js", "sheets_sync.js", "xlwings.js"]
    setup = (out / "setup.js").read_text(encoding="utf-8")
    assert '"https://kpi.example.go.th"' in setup and '"s3cret"' in setup and "7" in setup
    assert json.loads((out / "appsscript.json").read_text())["runtimeVersion"] == "V8"
    for words in ("Extensions > Apps Script", "clasp push", "sheetsSyncSetup", "sheets-sync menu"):
        assert words in res.stdout, words
    res = cli("google-script", "--out", tmp_path / "bad", "--server", "kpi.example.go.th", code=2)
    assert "http(s) URL" in res.output and "Traceback" not in res.output


def _locked(path: Path) -> Path:
    lock = path.with_name("~$" + path.name)
    lock.write_bytes(b"\x05somebody" + b" " * 40)
    return lock


def test_recalc_force_writes_a_workbook_whose_lock_file_is_present(seed_book, cli):
    _locked(seed_book)
    before = md5(seed_book)
    res = cli("recalc", seed_book, code=None)
    assert res.exit_code != 0 and "--force" in res.output and md5(seed_book) == before
    assert "nothing was written" in res.output
    res = cli("recalc", seed_book, "--force")
    assert "wrote" in res.stdout and md5(seed_book) != before


def test_push_template_force(tmp_path, cli):
    (tmp_path / "units").mkdir()
    (tmp_path / "kpi.csv").write_bytes(SEED000_CSV.read_bytes())
    v1 = SEED000_CSV.read_text(encoding="utf-8")
    assert v1.count(",5.00,100,") == 1
    (tmp_path / "kpi2.csv").write_text(v1.replace(",5.00,100,", ",5.00,95,"), encoding="utf-8")  # ศปท.7's target
    (tmp_path / "v1.yaml").write_text("template: scorecard\nversion: 1\nindicators: kpi.csv\n", encoding="utf-8")
    (tmp_path / "v2.yaml").write_text("template: scorecard\nversion: 2\nindicators: kpi2.csv\n", encoding="utf-8")
    units = tmp_path / "units.yaml"
    units.write_text("units:\n  - {code: กค, name: กองคลัง, sheet: units/กค.xlsx}\n", encoding="utf-8")
    cli("provision", "--units", units, "--template", tmp_path / "v1.yaml")
    book = tmp_path / "units" / "กค.xlsx"
    _locked(book)
    before = md5(book)
    res = cli("push-template", "--units", units, "--template", tmp_path / "v2.yaml", code=2)
    assert "--force" in res.output and md5(book) == before
    cli("push-template", "--units", units, "--template", tmp_path / "v2.yaml", "--force")
    assert md5(book) != before


def test_open_book_passes_force_to_xlsx_only(seed_book, monkeypatch):
    from sheets_sync.backends import open as open_module
    from sheets_sync.backends.google import book as google_book
    assert open_module.open_book(seed_book, force=True).force is True
    assert open_module.open_book(seed_book).force is False
    seen = {}

    class FakeGoogle:
        def __init__(self, target, **options):
            seen.update(options, target=target)
    monkeypatch.setattr(google_book, "GoogleBook", FakeGoogle)
    open_module.open_book("1" * 44, force=True, credentials="c.json")
    assert seen == {"target": "1" * 44, "credentials": "c.json"}
