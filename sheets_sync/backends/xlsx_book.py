"""The Book interface over a local .xlsx file (lossless patching, atomic save).

``XlsxBook(path, force=False)`` reads the file once and remembers its fingerprint
(size, mtime, SHA-256). ``write`` refuses a workbook that is open in Excel/LibreOffice
(its lock file is present) unless ``force``, and raises
:class:`~sheets_sync.backends.files.WorkbookChanged` when the file on disk is no longer
the one read (a person saved it meanwhile): nothing is written, and the caller opens a
new XlsxBook and plans again (``files.retry_on_change``). One XlsxBook serves one write.
"""
from __future__ import annotations

from pathlib import Path

from ..core.grid import Cell, Grid
from .files import Fingerprint, WorkbookChanged, refuse_if_open  # noqa: F401 - re-exported
from .xlsx import XlsxWorkbook


class XlsxBook:
    keeps_notes = True
    every_part = True   # see XlsxWorkbook: every part checked at open (a write may follow)

    def __init__(self, path: str | Path, force: bool = False):
        self.path = Path(path)
        self.name = self.path.name
        self.force = force
        self.workbook = XlsxWorkbook(self.path, force=force, every_part=self.every_part)

    @property
    def fingerprint(self) -> Fingerprint:
        """The file as it was read (size, mtime_ns, sha256)."""
        return self.workbook.fingerprint

    def grids(self) -> dict[str, Grid]:
        """Every worksheet's Grid; each also carries ``merges`` and ``dates`` (see
        XlsxWorkbook.grid)."""
        return {s.name: self.workbook.grid(s.name) for s in self.workbook.sheets}

    def lazy_grids(self) -> dict[str, Grid]:
        """:meth:`grids`, each read when its cells are first looked at (a recalc only
        glances at most tabs: see XlsxWorkbook.lazy_grid)."""
        return {s.name: self.workbook.lazy_grid(s.name) for s in self.workbook.sheets}

    def notes(self) -> dict[str, dict[Cell, str]]:
        return {s.name: n for s in self.workbook.sheets if (n := self.workbook.notes(s.name))}

    def write(self, cells: dict[str, dict[Cell, object]], notes: dict[str, dict[Cell, str]],
              ops: list[tuple] = (), heights: dict[str, dict[int, float]] | None = None) -> None:
        from .xlsx_rows import move_rows
        refuse_if_open(self.path, self.force)  # before any work, and again at the save
        for kind, sheet, row, n, style_from in ops:
            move_rows(self.workbook, sheet, row, n if kind == "insert" else -n, style_from)
        dropped = 0
        for sheet, updates in cells.items():
            if updates:
                dropped += self.workbook.set_cells(sheet, updates)
        for sheet, sheet_notes in notes.items():
            self.workbook.set_notes(sheet, sheet_notes)
        for sheet, rows in (heights or {}).items():
            self.workbook.set_heights(sheet, rows)
        self.workbook.save(drop_calc_chain=dropped > 0)


class XlsxUnitRead(XlsxBook):
    """A unit's workbook as the ministry reads it: every tab but sheets-sync's own hidden
    archive and edit history (records of what changed, never a table: their reading was a
    fifth of a 7-row unit's). Only the parts read are inflated and checked: the ministry
    never writes a unit's workbook through this read (publishing opens it anew), and a
    theme or archive tab it never looks at cannot change a figure it sums."""
    every_part = False

    def grids(self) -> dict[str, Grid]:
        from ..kinds.meta import ARCHIVE_SHEET, AUDIT_SHEET
        return {s.name: self.workbook.grid(s.name) for s in self.workbook.sheets
                if not (s.hidden and s.name in (ARCHIVE_SHEET, AUDIT_SHEET))}
