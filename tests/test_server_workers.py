"""The server is stateless: the README's deployment command (uvicorn with several worker
processes) answers concurrent clients exactly like one process does."""
from __future__ import annotations

import re
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from conftest import SEED000_GOLDEN
from test_excel_server import ROUTE, Server, golden_rows, totals
from xlwings_payload import Client, payload_from_xlsx, xlam_version

ROOT = Path(__file__).resolve().parent.parent


def readme_uvicorn_argv() -> list[str]:
    """The uvicorn command line the README gives, as argv (without host, port and the token)."""
    line = next(ln for ln in (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
                if "uvicorn xl_addin.server:app" in ln and "--workers" in ln)
    words = line.split("uvicorn", 1)[1].split()
    out, skip = [], False
    for w in words:
        if skip:
            skip = False
            continue
        if w in ("--host", "--port"):
            skip = True
            continue
        out.append(w)
    return [sys.executable, "-m", "uvicorn", *out]


def test_readme_command_with_workers_answers_concurrent_clients(seed_book, tmp_path, cli):
    argv = readme_uvicorn_argv()
    assert "--workers" in argv
    argv[argv.index("--workers") + 1] = "2"      # two cores here; the README says 4
    s = Server(argv, tmp_path)
    try:
        out = tmp_path / "addin"
        cli("excel-addin", "build", "--out", out)
        payload = payload_from_xlsx(seed_book, "VBA", version=xlam_version(out / "xl_addin.xlam"))

        def click(_):
            r = s.post(ROUTE["VBA"], payload)
            assert r.status_code == 200, r.text
            return Client("VBA").apply(payload, r.json())

        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(click, range(16)))
        for done in answers:
            assert golden_rows(done) == SEED000_GOLDEN
            assert totals(done) == (3.05, 61.0)
    finally:
        log = s.stop()
    assert "Traceback" not in log
    # both worker processes really started (uvicorn logs one "Started server process" each)
    assert len(set(re.findall(r"Started server process \[(\d+)\]", log))) == 2, log
