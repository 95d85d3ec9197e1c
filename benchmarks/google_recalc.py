"""Google: ``sheets_sync.recalc(key)`` of a spreadsheet of N indicator rows (500; --quick 30)
on the project's emulator (in process, no added latency, quotas off).

floor: one ``get_all_values`` read and one ``values_batch_update`` of the computed columns
(the least the API allows). naive: the gspread-style script: read every worksheet, compute,
then ``update_cell`` per computed cell.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ._util import best, indicator_csv, once, ratio, results_for

NAME = "google_recalc"
TARGET = {"text": "Google recalc on the emulator against a gspread-style read-compute-write; "
                  "target owned by the Google path"}


def run(quick: bool, tmp: Path) -> dict:
    import sheets_sync
    from sheets_sync.backends.google.client import make_client
    from sheets_sync.backends.google.ratelimit import Quotas
    from sheets_sync.core.scoring import compute, rounded
    from sheets_sync.emulator import Emulator
    from sheets_sync.kinds.template import CRITERIA, load_template

    n = 30 if quick else 500
    with Emulator() as emu:
        creds = tmp / "sa.json"
        emu.service_account(creds)
        opts = {"credentials": creds, "endpoint": emu.base_url}
        url = sheets_sync.init(f"bench {n}", google=True, indicators=indicator_csv(tmp / f"g{n}.csv", n),
                               unit="หน่วย", period="2/2567", **opts)
        key = url.split("/d/")[1].split("/")[0] if "/d/" in str(url) else str(url)
        ss = emu.state.spreadsheets[key]
        sheet = ss.sheets[0]
        codes = {cell["effectiveValue"]["stringValue"]: r for (r, c), cell in sheet.cells.items()
                 if "stringValue" in cell.get("effectiveValue", {})
                 and cell["effectiveValue"]["stringValue"].startswith("K.")}
        owner = emu.service_account(tmp / "owner.json")["client_email"]
        del owner
        client = make_client(creds, endpoint=emu.base_url, quotas=Quotas(10**6, 10**6, 10**6))
        ws = client.open_by_key(key).sheet1
        header = ws.get_all_values()
        labels = {}
        for hr in (2, 1):
            for j, v in enumerate(header[hr] if len(header) > hr else []):
                if v:
                    labels.setdefault(v, j + 1)
        res_col = labels["ผลการดำเนินงาน"]
        from gspread.utils import rowcol_to_a1
        ws.batch_update([{"range": rowcol_to_a1(r + 1, res_col), "values": [[v]]}
                         for (code, r), v in zip(sorted(codes.items(), key=lambda kv: kv[1]), results_for(n))],
                        value_input_option="RAW")

        t_first, report = once(lambda: sheets_sync.recalc(key, **opts))
        t_again, _ = once(lambda: sheets_sync.recalc(key, **opts))

        levels = [c for label, c in sorted(labels.items(), key=lambda kv: kv[1]) if label in ("1", "2", "3", "4", "5")]
        tpl = load_template()

        def read_compute(values):
            rows = [i for i, row in enumerate(values) if row and len(row) >= labels["รหัส"]
                    and str(row[labels["รหัส"] - 1]).startswith("K.")]
            num = lambda v: float(v) if str(v).replace(".", "", 1).isdigit() else float("nan")  # noqa: E731
            f = pd.DataFrame({"weight": [num(values[i][labels["น้ำหนัก (ร้อยละ)"] - 1]) for i in rows],
                              "target": float("nan"),
                              **{k: [num(values[i][c - 1]) for i in rows] for k, c in zip(CRITERIA, levels)},
                              "result": [num(values[i][res_col - 1]) for i in rows]}, index=rows)
            return rounded(*compute(f, tpl.scoring), tpl.scoring)[0]

        def floor():
            out = read_compute(ws.get_all_values())
            ws.batch_update([{"range": f"{rowcol_to_a1(i + 1, res_col + 1)}:{rowcol_to_a1(i + 1, res_col + 3)}",
                              "values": [[None if pd.isna(out.at[i, k]) else float(out.at[i, k])
                                          for k in ("score", "percentage", "weighted_score")]]}
                             for i in out.index], value_input_option="RAW")

        def naive():
            sh = client.open_by_key(key)
            values = None
            for w in sh.worksheets():
                v = w.get_all_values()
                if w.id == ws.id:
                    values = v
            out = read_compute(values)
            for i in out.index:
                for j, k in enumerate(("score", "percentage", "weighted_score")):
                    v = out.at[i, k]
                    ws.update_cell(i + 1, res_col + 1 + j, None if pd.isna(v) else float(v))
        fl = best(floor, 2)
        t_naive, _ = once(naive)
    return {"size": {"rows": n},
            "seconds": {"ours": t_first, "ours_nochange": t_again, "floor": fl, "naive": t_naive},
            "ratios": {"naive/ours": ratio(t_first, t_naive), "ours/floor": ratio(fl, t_first)},
            "written": bool(report.written), "target": TARGET, "met": None}
