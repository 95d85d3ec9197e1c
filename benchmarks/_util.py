"""Timing and fixture helpers shared by the benchmark modules."""
from __future__ import annotations

import csv
import gc
import time
from pathlib import Path
from typing import Callable

import numpy as np


def best(fn: Callable[[], object], repeat: int = 3) -> float:
    """Best wall time of ``repeat`` runs, in seconds (the least disturbed by a busy machine)."""
    times = []
    for _ in range(max(1, repeat)):
        gc.collect()
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def paired(a: Callable[[], object], b: Callable[[], object], repeat: int = 7) -> tuple[float, float, float]:
    """``a`` and ``b`` run in turns ``repeat`` times: (best of a, best of b, the median of
    the per-turn ratios a / b). A machine shared with other work slows both of a turn
    alike, so the ratio of one turn says more than two bests taken at different times."""
    ta, tb, rs = [], [], []
    for _ in range(max(1, repeat)):
        x, y = once(a)[0], once(b)[0]
        ta.append(x)
        tb.append(y)
        rs.append(x / y if y else float("inf"))
    return min(ta), min(tb), sorted(rs)[len(rs) // 2]


def once(fn: Callable[[], object]) -> tuple[float, object]:
    gc.collect()
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def ratio(a: float | None, b: float | None) -> float | None:
    return None if not a or b is None else round(b / a, 3)


def indicator_csv(path: Path, n: int, seed: int = 0) -> Path:
    """An indicator list of ``n`` rows in the seed 000 shape (four dimensions, weights to 100)."""
    rng = np.random.default_rng(seed)
    dims = ["มิติด้านประสิทธิผลตามยุทธศาสตร์", "มิติด้านคุณภาพการให้บริการ",
            "มิติด้านประสิทธิภาพของการปฏิบัติราชการ", "มิติด้านการพัฒนาองค์กร"]
    weights = np.full(n, round(100 / n, 6))
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["dimension", "code", "indicator", "weight", "target", "c1", "c2", "c3", "c4", "c5"])
        for i in range(n):
            lo = int(rng.integers(1, 80))
            step = int(rng.integers(1, 6))
            c = [lo + step * j for j in range(5)]
            w.writerow([dims[i * 4 // n], f"K.{i + 1}", f"ตัวชี้วัดที่ {i + 1}", weights[i], c[-1], *c])
    return path


def results_for(n: int, seed: int = 1) -> list[float]:
    rng = np.random.default_rng(seed)
    return [float(v) for v in np.round(rng.uniform(0, 110, n), 1)]
