"""Google consolidation against the emulator in its own process (consolidate_bench.py):
K units (50 with 1 and 3 accounts; --quick 5 units, 1 account), quota clock time-scaled.

floor: the quota-bound ideal (Sheets reads needed / binding quota). naive: the gspread
script of consolidate_bench (get_all_values per worksheet, update_cell per summary cell,
quotas off). Times are in real-quota minutes (measured x scale), as in the README table.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

from . import consolidate_bench as cb
from ._util import ratio

NAME = "google_consolidate"
TARGET = {"text": "consolidation of Google units: one Sheets read + one Drive read per unit, no 429, "
                  "within 15-20% of the quota-bound ideal with one account; target owned by the "
                  "consolidation path"}


def run(quick: bool, tmp: Path) -> dict:
    units = 5 if quick else 50
    accounts = [1] if quick else [1, 3]
    scale = 60.0 if quick else 20.0
    rows = []
    with tempfile.TemporaryDirectory(dir=tmp) as d:
        emu = cb.RemoteEmulator(Path(d))
        try:
            emu.control("latency", {"seconds": 0})
            emu.control("quota", {})
            keys = cb.seed_units(emu, units)
            emu.control("latency", {"seconds": 0.05})
            for k in accounts:
                emu.control("quota", {"reads_per_user": cb.READS_PER_USER, "writes_per_user": 60,
                                      "per_project": cb.PROJECT, "time_scale": scale})
                r = cb.run_ours(emu, keys, k, scale, d)
                ideal = r["reads"] / min(cb.READS_PER_USER * k, cb.PROJECT)
                rows.append({"accounts": k, "requests": r["reads"] + r["writes"] + r["drive"], **r,
                             "real_quota_minutes": r["wall"] * scale / 60, "ideal_minutes": ideal})
            b = cb.run_naive(emu, keys)
        finally:
            emu.stop()
    one = rows[0]
    naive_ideal = b["reads"] / cb.READS_PER_USER + b["writes"] / 60
    return {"size": {"units": units, "accounts": accounts, "time_scale": scale},
            "seconds": {"ours": one["real_quota_minutes"] * 60, "floor": one["ideal_minutes"] * 60,
                        "naive": naive_ideal * 60, "naive_unthrottled_wall": b["wall"]},
            "ratios": {"naive/ours": ratio(one["real_quota_minutes"], naive_ideal),
                       "ours/floor": ratio(one["ideal_minutes"], one["real_quota_minutes"])},
            "runs": rows, "naive": b, "target": TARGET,
            "met": bool(one["errors429"] == 0 and one["reads"] <= units + 1
                        and one["real_quota_minutes"] <= 1.2 * one["ideal_minutes"]) if not quick else None}
