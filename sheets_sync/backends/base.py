"""What every backend offers: one batched read, one batched write."""
from __future__ import annotations

from typing import Protocol

from ..core.grid import Cell, Grid


class Book(Protocol):
    """A workbook somewhere (local file, Google spreadsheet, open Excel book)."""

    name: str
    keeps_notes: bool       # whether write() can keep our score notes (xlwings' remote engine cannot)

    def grids(self) -> dict[str, Grid]:
        """Every sheet's cells, read in as few calls as the backend allows."""

    def notes(self) -> dict[str, dict[Cell, str]]:
        """The score-trace notes sheets-sync left last time."""

    def write(self, cells: dict[str, dict[Cell, object]], notes: dict[str, dict[Cell, str]],
              ops: list[tuple] = (), heights: dict[str, dict[int, float]] | None = None) -> None:
        """Apply row operations (("insert"|"delete", sheet, row, n, style_row), in order),
        then write values (RAW, never as formulas), replace our notes and grow the rows in
        ``heights`` (points) to show their wrapped text, all at once."""
