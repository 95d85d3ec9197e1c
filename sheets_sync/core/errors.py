"""Typed errors. Each carries a Thai and an English sentence for the person reading it."""
from __future__ import annotations


class SheetsSyncError(Exception):
    """An error a user can act on; the CLI prints it without a traceback."""

    exit_code = 2

    def __init__(self, th: str, en: str | None = None):
        self.th = th
        self.en = en or th
        super().__init__(f"{self.th} / {self.en}" if en else th)

    @property
    def said(self) -> str:
        """Both sentences as a person reads them in a table cell or a note (one when they are the same)."""
        return self.en if self.en == self.th else f"{self.th} / {self.en}"


class TemplateError(SheetsSyncError):
    """A template definition or an indicator list is malformed."""


class WorkbookError(SheetsSyncError):
    """A workbook cannot be read or written."""
