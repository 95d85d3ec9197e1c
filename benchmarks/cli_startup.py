"""CLI start-up: ``sheets-sync --help`` as a subprocess.

floor: ``python -c pass`` (the interpreter alone). naive: ``python -c "import openpyxl"``
(one of the libraries every command needs), as the issue compares it.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from ._util import best, ratio

NAME = "cli_startup"
TARGET = {"text": "sheets-sync --help start-up under 0.35 s (heavy modules imported where they are used)",
          "seconds": 0.35}


def _cmd() -> list[str]:
    exe = Path(sys.executable).with_name("sheets-sync")
    return [str(exe)] if exe.exists() else ([shutil.which("sheets-sync")] if shutil.which("sheets-sync")
                                            else [sys.executable, "-m", "sheets_sync"])


def _run(cmd):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def run(quick: bool, tmp) -> dict:
    n = 3 if quick else 7
    ours = best(lambda: _run([*_cmd(), "--help"]), n)
    fl = best(lambda: _run([sys.executable, "-c", "pass"]), n)
    naive = best(lambda: _run([sys.executable, "-c", "import openpyxl"]), n)
    return {"size": {"runs": n},
            "seconds": {"ours": ours, "floor": fl, "naive": naive},
            "ratios": {"naive/ours": ratio(ours, naive), "ours/floor": ratio(fl, ours)},
            "target": TARGET, "met": ours < TARGET["seconds"]}
