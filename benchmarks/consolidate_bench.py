"""Consolidation of 50 / 200 / 1000 units against the emulator (50 ms latency, Google's
quotas: 60 reads/min per user, 300/min per project), next to a naive gspread baseline.

Run: .venv/bin/python benchmarks/consolidate_bench.py [--units 50 200 1000] [--scale 20]

The emulator runs in its own process (as Google does: otherwise its JSON work and ours
share one GIL). Its quota clock is time-scaled (--scale 20: a quota minute lasts 3 s) so
1000 units take about a minute instead of 17; the client's limiter uses the same scaled
minute. Latency is not scaled. Times are reported in real-quota minutes (measured x scale)
next to the quota-bound ideal: Sheets reads needed / binding quota.
"""
from __future__ import annotations

import argparse
import json
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

from sheets_sync.ministry.consolidate import consolidate
from sheets_sync.backends.google.client import make_client
from sheets_sync.backends.google.ratelimit import Quotas
from sheets_sync.backends.google.plan import plan_requests
from sheets_sync.kinds.base import kind_of
from sheets_sync.kinds.canonical import load_items
from sheets_sync.kinds.template import load_template, templates_dir
from sheets_sync.workbook.init import laid_out

READS_PER_USER, PROJECT = 60, 300


class RemoteEmulator:
    def __init__(self, tmp: Path):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        self.base = f"http://127.0.0.1:{port}"
        self.creds = [tmp / "sa0.json"]
        self.proc = subprocess.Popen([sys.executable, "-m", "sheets_sync", "emulator", "--port", str(port),
                                      "--credentials-out", str(self.creds[0])],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(200):
            try:
                if self.creds[0].exists() and requests.get(f"{self.base}/__emulator/stats", timeout=1).ok:
                    break
            except requests.ConnectionError:
                pass
            time.sleep(0.05)
        for i in range(1, 5):
            info = requests.post(f"{self.base}/__emulator/service-accounts", timeout=10).json()
            path = tmp / f"sa{i}.json"
            path.write_text(json.dumps(info))
            self.creds.append(path)

    def control(self, what: str, body: dict | None = None) -> dict:
        return requests.post(f"{self.base}/__emulator/{what}", json=body or {}, timeout=10).json()

    def stats(self) -> dict:
        return requests.get(f"{self.base}/__emulator/stats", timeout=10).json()

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


def seed_units(emu: RemoteEmulator, n: int) -> list[str]:
    """n unit spreadsheets in the template layout with results, shared with every account."""
    tpl = load_template()
    frame = load_items(templates_dir() / "examples" / "scorecard_seed000.csv", tpl)
    book = laid_out(kind_of(tpl), tpl, frame, unit="หน่วย", period="2/2567")
    sheet = book.main.name
    rows = kind_of(tpl).evaluate(book.grids(), tpl)[0].layout.indicator_rows
    client = make_client(emu.creds[0], endpoint=emu.base, quotas=Quotas(10**6, 10**6, 10**6))
    owner = client.account

    def one(i):
        key = client.http_client.request("post", "https://www.googleapis.com/drive/v3/files",
                                         json={"name": f"unit {i}", "mimeType": "application/vnd.google-apps.spreadsheet"}).json()["id"]
        client.http_client.batch_update(key, {"requests": plan_requests(book, editors=[owner], first_sheet_id=0)[0]})
        client.http_client.values_batch_update(key, {"valueInputOption": "RAW", "data": [
            {"range": f"'{sheet}'!L{r}", "values": [[(i + j) % 5 + 1]]} for j, r in enumerate(rows)]})
        client.http_client.insert_permission(key, None, perm_type="anyone", role="writer")
        return key
    with ThreadPoolExecutor(8) as pool:
        return list(pool.map(one, range(n)))


def run_ours(emu, keys, k, scale, tmp) -> dict:
    units = Path(tmp) / f"units-{len(keys)}.yaml"
    units.write_text("units:\n" + "".join(f"  - {{code: U{i}, name: หน่วย {i}, sheet: {key}}}\n"
                                         for i, key in enumerate(keys)), encoding="utf-8")
    summary = make_client(emu.creds[0], endpoint=emu.base, quotas=Quotas(10**6, 10**6, 10**6)).http_client.request(
        "post", "https://www.googleapis.com/drive/v3/files",
        json={"name": "summary", "mimeType": "application/vnd.google-apps.spreadsheet"}).json()["id"]
    emu.control("stats")
    t0 = time.perf_counter()
    # The quota minute is scaled, the safety margin is not: network and queueing jitter
    # do not shrink with the quota clock (a scaled margin gave 429s in the first run).
    res = consolidate(units, summary, credentials=emu.creds[:k], endpoint=emu.base, workers=16,
                      quotas=Quotas(minute=60.0 / scale, margin=0.25))
    wall = time.perf_counter() - t0
    s = emu.stats()
    assert res.summary.complete, res.summary.missing
    return {"wall": wall, "reads": s.get("sheets.read", 0), "writes": s.get("sheets.write", 0),
            "drive": s.get("drive", 0), "errors429": s.get("error.429", 0)}


def run_naive(emu, keys) -> dict:
    """The usual gspread script: open each spreadsheet, get_all_values per worksheet, then
    update_cell per summary cell. Run with quotas off: under them it only collects 429s."""
    emu.control("quota", {})
    client = make_client(emu.creds[0], endpoint=emu.base, quotas=Quotas(10**6, 10**6, 10**6))
    summary = client.create("naive summary").sheet1
    emu.control("stats")
    t0 = time.perf_counter()
    rows = []
    for k in keys:
        sh = client.open_by_key(k)
        total = ""
        for ws in sh.worksheets():
            values = ws.get_all_values()
            if ws.title == "ตัวชี้วัด" and values:
                total = values[-2][14]
        rows.append((sh.title, total))
    for i, (title, total) in enumerate(rows, 1):
        summary.update_cell(i, 1, title)
        summary.update_cell(i, 2, total)
    wall = time.perf_counter() - t0
    s = emu.stats()
    return {"wall": wall, "reads": s.get("sheets.read", 0), "writes": s.get("sheets.write", 0)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--units", type=int, nargs="+", default=[50, 200, 1000])
    ap.add_argument("--scale", type=float, default=20.0)
    ap.add_argument("--naive-max", type=int, default=200)
    ap.add_argument("--accounts", type=int, nargs="+", default=[1, 3, 5])
    args = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        emu = RemoteEmulator(Path(tmp))
        try:
            for n in args.units:
                emu.control("latency", {"seconds": 0})
                emu.control("quota", {})
                keys = seed_units(emu, n)
                emu.control("latency", {"seconds": 0.05})
                for k in args.accounts:
                    emu.control("quota", {"reads_per_user": READS_PER_USER, "writes_per_user": 60,
                                          "per_project": PROJECT, "time_scale": args.scale})
                    r = run_ours(emu, keys, k, args.scale, tmp)
                    ideal = r["reads"] / min(READS_PER_USER * k, PROJECT)
                    rows.append((n, f"sheets-sync, {k} account{'s' if k > 1 else ''}", r["reads"] + r["writes"] + r["drive"],
                                 r["reads"], r["writes"], f"{r['wall'] * args.scale / 60:.2f}", f"{ideal:.2f}", r["errors429"]))
                if n <= args.naive_max:
                    b = run_naive(emu, keys)
                    ideal = b["reads"] / READS_PER_USER + b["writes"] / 60
                    rows.append((n, "naive gspread (quota off)", b["reads"] + b["writes"], b["reads"], b["writes"],
                                 f"({b['wall'] * 1:.1f} s unthrottled)", f"{ideal:.2f}", "-"))
        finally:
            emu.stop()
    print("| units | client | requests | Sheets reads | Sheets writes | wall (real-quota min) | quota-bound ideal (min) | 429s |")
    print("|---|---|---|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(str(x) for x in row) + " |")


if __name__ == "__main__":
    main()
