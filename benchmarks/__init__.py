"""The benchmark suite (issue 16): ``python -m benchmarks run [--quick] [--out results.json]``.

Each path is measured against its floor (the least work the job needs: unzip + parse,
a bare interpreter start, ...) and its naive alternative (the plain loop, openpyxl load +
save, a gspread-style script) in the same process run, so the ratios are comparable
across machines. Speed targets live here as ratios, not in timed tests; CI runs
``--quick`` only so the suite never rots, and does not pass or fail on the figures.
"""
