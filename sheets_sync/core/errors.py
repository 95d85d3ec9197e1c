"""Typed errors. Each carries a Thai and an English sentence for the person reading it."""
from __future__ import annotations


class SheetsSyncError(Exception):
    """An error a user can act on; the CLI prints it without a traceback."""

    exit_code = 2

    def __init__(self, th: str, en: str | None = None):
        self.th = th
        self.en = en or th
        super().__init__(f"{self.th} / {self.en}" if en else th)


class TemplateError(SheetsSyncError):
    """A template definition or an indicator list is malformed."""


class WorkbookError(SheetsSyncError):
    """A workbook cannot be read or written."""


def read_yaml(path, error: type[SheetsSyncError], what_th: str, what_en: str):
    """A YAML file's data, or ``error`` naming the file: missing or not YAML."""
    import yaml
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise error(f"ไม่พบ{what_th} {path}", f"{what_en} not found: {path}") from None
    except (yaml.YAMLError, UnicodeDecodeError) as e:
        raise error(f"{path} ไม่ใช่ YAML ที่ถูกต้อง: {e}", f"{path} is not valid YAML: {e}") from None
