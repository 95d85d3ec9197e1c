"""The Book interface over a local .xlsx file (lossless patching, atomic save)."""
from __future__ import annotations

from pathlib import Path

from ..core.grid import Cell, Grid
from .xlsx import XlsxWorkbook


class XlsxBook:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.name = self.path.name
        self.workbook = XlsxWorkbook(self.path)

    def grids(self) -> dict[str, Grid]:
        return {s.name: self.workbook.grid(s.name) for s in self.workbook.sheets}

    def notes(self) -> dict[str, dict[Cell, str]]:
        return {s.name: n for s in self.workbook.sheets if (n := self.workbook.notes(s.name))}

    def write(self, cells: dict[str, dict[Cell, object]], notes: dict[str, dict[Cell, str]],
              ops: list[tuple] = ()) -> None:
        from .xlsx_rows import move_rows
        for kind, sheet, row, n, style_from in ops:
            move_rows(self.workbook, sheet, row, n if kind == "insert" else -n, style_from)
        dropped = 0
        for sheet, updates in cells.items():
            if updates:
                dropped += self.workbook.set_cells(sheet, updates)
        for sheet, sheet_notes in notes.items():
            self.workbook.set_notes(sheet, sheet_notes)
        self.workbook.save(drop_calc_chain=dropped > 0)
