"""A local consolidation never loads the Google stack (gspread, google-auth: over a second
to import) and still reports every unit's figures."""
import json
import subprocess
import sys
from pathlib import Path

import sheets_sync as ss
from conftest import SEED000_CSV, SEED000_RESULTS, type_results

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = """
import json, sys
import sheets_sync
res = sheets_sync.consolidate(sys.argv[1], sys.argv[2])
ov = res.summary.overview
print(json.dumps({"google": sorted(m for m in sys.modules if m.startswith(("gspread", "google.auth", "google.oauth2"))),
                  "complete": res.summary.complete,
                  "units": dict(zip(ov["รหัสหน่วยงาน"], ov["คะแนนถ่วงน้ำหนักรวม"].astype(float)))}))
"""


def test_local_consolidate_imports_no_google_and_sums_every_unit(tmp_path):
    lines = []
    for code in ("A", "B"):
        path = tmp_path / f"{code}.xlsx"
        ss.init(path, indicators=SEED000_CSV, unit=f"หน่วย {code}")
        type_results(path, SEED000_RESULTS if code == "A" else {**SEED000_RESULTS, "ศปท.1": 4})
        ss.recalc(path)
        lines.append(f"  - {{code: {code}, name: หน่วย {code}, sheet: {path}}}\n")
    units = tmp_path / "units.yaml"
    units.write_text("units:\n" + "".join(lines), encoding="utf-8")
    out = subprocess.run([sys.executable, "-c", SCRIPT, str(units), str(tmp_path / "summary.xlsx")],
                         capture_output=True, text=True, cwd=ROOT, timeout=300, check=True)
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["google"] == []
    assert got["complete"] is True
    assert got["units"]["A"] == 3.05           # seed 000's golden figure
    assert got["units"]["B"] != got["units"]["A"]
