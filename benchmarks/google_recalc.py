"""Google: ``sheets_sync.recalc(key)`` of a spreadsheet of N indicator rows (1,000; --quick 30)
on the project's emulator (in process, over sockets, no added latency, quotas off), after
a person typed every result; then again with nothing to change. The full run also times a
10,000-row spreadsheet (ours only).

Bytes are the API request and response bodies the emulator counted (``bytes.in/out``).

naive: what a person would write with gspread-dataframe, its requests made with gspread
(its own client, as ``recalc`` makes one): ``open_by_key``, ``get_as_dataframe`` (``get_all_values``), compute, ``set_with_dataframe``
(``worksheet.range`` of the frame, then one ``update_cells`` of every cell of it). It keeps
no notes, no audit, no hand-edit check and no guard against rows moved meanwhile.
floor: one ``get_all_values`` and one ``values_batch_update`` of the computed cells.
"""
from __future__ import annotations

import time
from pathlib import Path

import pandas as pd

from ._util import best, indicator_csv, ratio, results_for

NAME = "google_recalc"
TARGET = {"text": "Google recalc of 1,000 rows: <= 3 requests, time and bytes within 1.5x of gspread-dataframe's",
          "factor": 1.5, "requests": 3}
LARGE = 10_000   # rows of the full run's large spreadsheet (0: none)


def _stats(emu) -> dict:
    s = emu.state.stats()
    return {"requests": s.get("sheets.total", 0), "sent": s.get("bytes.in.sheets", 0),
            "received": s.get("bytes.out.sheets", 0)}


def _measured(emu, fn) -> dict:
    emu.state.reset_stats()
    t0 = time.perf_counter()
    out = fn()
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, **_stats(emu), "result": out}


def _spreadsheet(emu, tmp: Path, n: int, opts: dict):
    """A spreadsheet made by ``init`` with every result typed (one values write, as a person would)."""
    import sheets_sync
    from gspread.utils import rowcol_to_a1
    from sheets_sync.backends.google.client import make_client
    from sheets_sync.backends.google.ratelimit import Quotas
    url = sheets_sync.init(f"bench {n}", google=True, indicators=indicator_csv(tmp / f"g{n}.csv", n),
                           unit="หน่วย", period="2/2567", **opts)
    key = url.split("/d/")[1].split("/")[0] if "/d/" in str(url) else str(url)
    client = make_client(opts["credentials"], endpoint=emu.base_url, quotas=Quotas(10**6, 10**6, 10**6))
    ws = client.open_by_key(key).sheet1
    values = ws.get_all_values()
    labels: dict[str, int] = {}
    for hr in (2, 1):
        for j, v in enumerate(values[hr] if len(values) > hr else []):
            if v:
                labels.setdefault(v, j + 1)
    code = labels["รหัส"]
    rows = [i + 1 for i, row in enumerate(values) if len(row) >= code and str(row[code - 1]).startswith("K.")]
    ws.batch_update([{"range": rowcol_to_a1(r, labels["ผลการดำเนินงาน"]), "values": [[v]]}
                     for r, v in zip(rows, results_for(n))], value_input_option="RAW")
    return key, client, ws, labels


def run(quick: bool, tmp: Path) -> dict:
    import sheets_sync
    from gspread.utils import rowcol_to_a1
    from sheets_sync.backends.google.client import make_client
    from sheets_sync.backends.google.ratelimit import Quotas
    from sheets_sync.core.scoring import compute, rounded
    from sheets_sync.emulator import Emulator
    from sheets_sync.kinds.template import CRITERIA, load_template

    n = 30 if quick else 1_000
    tpl = load_template()
    with Emulator() as emu:
        creds = tmp / "sa.json"
        emu.service_account(creds)
        opts = {"credentials": creds, "endpoint": emu.base_url}
        key, client, ws, labels = _spreadsheet(emu, tmp, n, opts)
        res_col = labels["ผลการดำเนินงาน"]
        levels = [c for label, c in sorted(labels.items(), key=lambda kv: kv[1]) if label in ("1", "2", "3", "4", "5")]

        first = _measured(emu, lambda: sheets_sync.recalc(key, **opts))
        again = _measured(emu, lambda: sheets_sync.recalc(key, **opts))

        def read_compute(values):
            rows = [i for i, row in enumerate(values) if row and len(row) >= labels["รหัส"]
                    and str(row[labels["รหัส"] - 1]).startswith("K.")]
            num = lambda v: float(v) if str(v).replace(".", "", 1).isdigit() else float("nan")  # noqa: E731
            f = pd.DataFrame({"weight": [num(values[i][labels["น้ำหนัก (ร้อยละ)"] - 1]) for i in rows],
                              "target": float("nan"),
                              **{k: [num(values[i][c - 1]) for i in rows] for k, c in zip(CRITERIA, levels)},
                              "result": [num(values[i][res_col - 1]) for i in rows]}, index=rows)
            return rounded(*compute(f, tpl.scoring), tpl.scoring)[0]

        def computed(out, i, k):
            v = out.at[i, k]
            return "" if pd.isna(v) else float(v)

        def floor():
            out = read_compute(ws.get_all_values())
            ws.batch_update([{"range": f"{rowcol_to_a1(i + 1, res_col + 1)}:{rowcol_to_a1(i + 1, res_col + 3)}",
                              "values": [[computed(out, i, k) for k in ("score", "percentage", "weighted_score")]]}
                             for i in out.index], value_input_option="RAW")

        def gspread_dataframe():
            # its own client, as a script run has (credentials loaded, a token fetched), like ours
            own = make_client(opts["credentials"], endpoint=emu.base_url, quotas=Quotas(10**6, 10**6, 10**6))
            sheet = own.open_by_key(key).sheet1
            values = sheet.get_all_values()                      # get_as_dataframe
            out = read_compute(values)
            width = max(len(r) for r in values)
            frame = [row + [""] * (width - len(row)) for row in values]
            for i in out.index:
                for j, k in enumerate(("score", "percentage", "weighted_score")):
                    frame[i][res_col + j] = computed(out, i, k)
            cells = sheet.range(1, 1, len(frame), width)          # set_with_dataframe
            for cell in cells:
                cell.value = frame[cell.row - 1][cell.col - 1]
            sheet.update_cells(cells, value_input_option="USER_ENTERED")
        fl = best(floor, 2)
        naive = _measured(emu, gspread_dataframe)

    large = None
    if not quick and LARGE:
        with Emulator() as emu:
            creds = tmp / "sa10k.json"
            emu.service_account(creds)
            opts = {"credentials": creds, "endpoint": emu.base_url}
            key, *_ = _spreadsheet(emu, tmp, LARGE, opts)
            big = _measured(emu, lambda: sheets_sync.recalc(key, **opts))
            big_again = _measured(emu, lambda: sheets_sync.recalc(key, **opts))
            large = {"rows": LARGE, "seconds": big["seconds"], "nochange_seconds": big_again["seconds"],
                     **{k: big[k] for k in ("requests", "sent", "received")}}

    wire = {k: {"ours": first[k], "ours_nochange": again[k], "naive": naive[k]} for k in ("requests", "sent", "received")}
    ratios = {"naive/ours": ratio(first["seconds"], naive["seconds"]), "ours/floor": ratio(fl, first["seconds"]),
              "ours/naive": ratio(naive["seconds"], first["seconds"]),
              "sent ours/naive": ratio(naive["sent"], first["sent"]),
              "received ours/naive": ratio(naive["received"], first["received"])}
    f = TARGET["factor"]
    met = None if quick else bool(first["requests"] <= TARGET["requests"]
                                  and first["seconds"] <= f * naive["seconds"]
                                  and first["sent"] <= f * naive["sent"] and first["received"] <= f * naive["received"])
    return {"size": {"rows": n},
            "seconds": {"ours": first["seconds"], "ours_nochange": again["seconds"], "floor": fl,
                        "naive": naive["seconds"]},
            "wire": wire, "ratios": ratios, "large": large,
            "written": bool(first["result"].written), "target": TARGET, "met": met}
