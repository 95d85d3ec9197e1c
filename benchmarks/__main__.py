"""``python -m benchmarks run [--quick] [--out FILE] [--only NAME ...]`` runs every path and
writes results.json; ``python -m benchmarks table [FILE]`` prints the README's table from it."""
from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import sys
import tempfile
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
MODULES = ["scoring_core", "score_notes", "recalc_xlsx", "consolidate_xlsx", "cli_startup",
           "excel_recalculate", "google_recalc", "google_consolidate"]
# every path that results.json names (recalc_xlsx measures two)
PATHS = ["scoring_core", "score_notes", "recalc_xlsx", "recalc_xlsx_nochange", "consolidate_xlsx",
         "cli_startup", "excel_recalculate", "google_recalc", "google_consolidate"]


def _run_module(name: str, quick: bool, tmp: Path) -> list[dict]:
    mod = importlib.import_module(f"benchmarks.{name}")
    t0 = time.perf_counter()
    try:
        out = mod.run(quick, tmp)
    except Exception as exc:  # noqa: BLE001 - one broken path must not hide the others
        out = {"error": f"{type(exc).__name__}: {exc}", "traceback": traceback.format_exc(limit=6),
               "target": getattr(mod, "TARGET", None), "met": None}
    elapsed = time.perf_counter() - t0
    items = out if isinstance(out, list) else [dict(out, name=name)]
    if isinstance(out, dict) and "error" in out and name == "recalc_xlsx":
        items = [dict(out, name="recalc_xlsx"), dict(out, name="recalc_xlsx_nochange")]
    for it in items:
        it.setdefault("status", "error" if "error" in it else "skipped" if "skipped" in it else "ok")
        it["bench_seconds"] = round(elapsed, 3)
    return items


def _fmt(v, unit="s") -> str:
    if v is None:
        return "-"
    if unit == "s":
        return f"{v * 1e3:.1f} ms" if v < 1 else f"{v:.2f} s"
    return f"{v:.1f}x"


def table(results: dict) -> str:
    lines = ["| path | size | ours | floor | naive | naive / ours | ours / floor | target | met |",
             "|---|---|---|---|---|---|---|---|---|"]
    for name in PATHS:
        r = results["paths"].get(name, {})
        s, q = r.get("seconds", {}), r.get("ratios", {})
        size = ", ".join(f"{k} {v}" for k, v in r.get("size", {}).items()
                         if not isinstance(v, (list, dict)) and k not in ("bytes", "payload_bytes"))
        if r.get("status") != "ok":
            why = r.get("skipped") or r.get("error") or "missing"
            lines.append(f"| {name} | {size} | {r.get('status', 'missing')}: {why[:90]} | | | | | | |")
            continue
        tgt = (r.get("target") or {}).get("text", "")
        met = {True: "yes", False: "no", None: "-"}[r.get("met")]
        lines.append(f"| {name} | {size} | {_fmt(s.get('ours'))} | {_fmt(s.get('floor'))} | {_fmt(s.get('naive'))} | "
                     f"{_fmt(q.get('naive/ours'), 'x')} | {_fmt(q.get('ours/floor'), 'x')} | {tgt[:70]} | {met} |")
    return "\n".join(lines)


def run(args) -> int:
    out = Path(args.out) if args.out else HERE / "results.json"
    names = args.only or MODULES
    t0 = time.perf_counter()
    results = {"quick": bool(args.quick), "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
               "machine": {"python": platform.python_version(), "platform": platform.platform(),
                           "cpus": os.cpu_count()},
               "paths": {}}
    with tempfile.TemporaryDirectory(prefix="sheets-sync-bench-") as tmp:
        for name in names:
            d = Path(tmp) / name
            d.mkdir()
            print(f"... {name}", file=sys.stderr, flush=True)
            for item in _run_module(name, args.quick, d):
                results["paths"][item.pop("name")] = item
    results["seconds"] = round(time.perf_counter() - t0, 3)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, ensure_ascii=False, indent=1, default=float), encoding="utf-8")
    print(table(results))
    print(f"\n{'quick' if args.quick else 'full'} run, {results['seconds']:.1f} s; wrote {out}")
    return 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks")
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run", help="measure every path, print the ratios, write results.json")
    r.add_argument("--quick", action="store_true", help="small sizes (under a minute); what CI runs")
    r.add_argument("--out", help="results file (default benchmarks/results.json)")
    r.add_argument("--only", nargs="+", choices=MODULES, help="just these paths")
    t = sub.add_parser("table", help="print the README's performance table from results.json")
    t.add_argument("file", nargs="?", default=str(HERE / "results.json"))
    args = ap.parse_args(argv)
    if args.cmd == "table":
        print(table(json.loads(Path(args.file).read_text(encoding="utf-8"))))
        return 0
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
