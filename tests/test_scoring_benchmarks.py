"""The benchmark suite runs (``--quick``) and writes a well-formed results.json with every
path. No timing assertions: speed targets live in benchmarks/ as ratios, not in timed tests."""
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_quick_benchmarks_complete_and_write_every_path(tmp_path):
    out = tmp_path / "results.json"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    proc = subprocess.run([sys.executable, "-m", "benchmarks", "run", "--quick", "--out", str(out)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    from benchmarks.__main__ import PATHS
    results = json.loads(out.read_text(encoding="utf-8"))
    assert results["quick"] is True
    assert set(PATHS) <= set(results["paths"])
    for name in PATHS:
        r = results["paths"][name]
        assert r["status"] in ("ok", "skipped", "error"), name
        assert "target" in r and "met" in r, name
        if r["status"] == "ok":
            assert {"ours", "floor", "naive"} <= set(r["seconds"]), name
            assert {"naive/ours", "ours/floor"} <= set(r["ratios"]), name
            assert all(isinstance(v, (int, float)) and v >= 0 for v in r["seconds"].values()), name
        elif r["status"] == "skipped":
            assert r["skipped"], name
    # the scoring core's own paths must run and agree with their naive versions
    for name in ("scoring_core", "score_notes"):
        assert results["paths"][name]["status"] == "ok", results["paths"][name].get("error")
        assert results["paths"][name]["identical_to_naive"] is True
    assert "| scoring_core |" in proc.stdout
