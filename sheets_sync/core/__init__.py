"""The pure core: cells and grids, numbers as people type them, scoring, score traces,
problems and errors, ITA and action-plan arithmetic. No I/O, no knowledge of sheets
or backends: everything here takes values and returns values."""
