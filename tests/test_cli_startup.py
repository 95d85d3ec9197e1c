"""`sheets-sync --help` must start fast: the heavy libraries are imported by the commands
that use them, not by the CLI's start-up (issue 16: under 0.35 s; the time itself is
measured in benchmarks/cli_startup.py, not here)."""
from __future__ import annotations

import subprocess
import sys

HEAVY = ("pandas", "numpy", "openpyxl", "lxml", "gspread", "google.auth", "xlwings", "docx", "yaml")


def test_help_imports_no_heavy_library():
    code = ("import sys, runpy\n"
            "sys.argv = ['sheets-sync', '--help']\n"
            "try:\n"
            "    runpy.run_module('sheets_sync', run_name='__main__')\n"
            "except SystemExit:\n"
            "    pass\n"
            f"print('LOADED:' + ','.join(m for m in {HEAVY!r} if m in sys.modules))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert "Usage" in out.stdout or "sheets-sync" in out.stdout, out.stderr
    loaded = out.stdout.rsplit('LOADED:', 1)[1].strip()
    assert loaded == "", f"--help imported {loaded}"
