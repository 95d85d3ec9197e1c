"""The ministry's canonical definition: which template (and so which kind), which
items, which version.

    template: scorecard        # templates/scorecard.yaml (layout, scoring options)
    version: 2                 # bump when indicators, weights or criteria change
    indicators: kpi_2567.csv   # CSV/YAML path (relative to this file) or an inline list
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..core.errors import TemplateError
from .base import Kind, kind_of
from .template import Template, load_template
from .yaml_file import read_yaml


@dataclass
class Canonical:
    template: Template
    version: int
    indicators: pd.DataFrame
    source: str

    @property
    def kind(self) -> Kind:
        return kind_of(self.template)


def version_number(value) -> int | None:
    """A sheet's recorded template version as a number (None: missing or not a whole one):
    held as 2, 2.0 or '2' depending on who saved the sheet last."""
    try:
        number = float(str(value).strip())
    except (TypeError, ValueError):
        return None
    return int(number) if number.is_integer() else None


def read_list(path: Path, what_th: str = "ไฟล์รายการ", what_en: str = "list") -> pd.DataFrame:
    """A CSV or YAML list of items as text, columns as the file names them."""
    if not path.is_file():
        raise TemplateError(f"ไม่พบ{what_th} {path}", f"{what_en} not found: {path}")
    if path.suffix.lower() in (".yaml", ".yml"):
        data = read_yaml(path, TemplateError, what_th, what_en)
        data = data.get("indicators", data.get("items", [])) if isinstance(data, dict) else data
        if not isinstance(data, list) or not all(isinstance(x, dict) for x in data):
            raise TemplateError(f"{path}: ต้องเป็นรายการ", f"{path}: expected a list of items")
        return pd.DataFrame(data, dtype=object)
    if path.suffix.lower() == ".csv":
        try:
            return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        except (pd.errors.ParserError, UnicodeDecodeError) as e:
            raise TemplateError(f"อ่านไฟล์ {path} ไม่ได้: {e}", f"cannot read {path}: {e}") from e
    raise TemplateError(f"{path}: รองรับเฉพาะ .csv .yaml", f"{path}: only .csv and .yaml lists are supported")


def load_items(source, template: Template, name: str = "items") -> pd.DataFrame:
    """A kind's item list from a frame, a CSV/YAML path or an inline list, checked."""
    if isinstance(source, pd.DataFrame):
        frame = source
    elif isinstance(source, (list, tuple)):
        frame = pd.DataFrame(list(source), dtype=object)
    else:
        path = Path(source)
        frame, name = read_list(path), path.name
    return kind_of(template).definition(frame, template, name)


def load_canonical(path: str | Path) -> Canonical:
    path = Path(path)
    if path.suffix.lower() == ".csv":
        tpl = load_template()
        return Canonical(tpl, tpl.version, load_items(path, tpl), path.name)
    data = read_yaml(path, TemplateError, "แม่แบบกลาง", "canonical template")
    if not isinstance(data, dict) or "indicators" not in data:
        raise TemplateError(f"{path}: ต้องมี indicators", f"{path}: needs 'indicators' (a file or a list)")
    name = data.get("template", "scorecard")
    tpl = load_template(name if Path(str(name)).suffix == "" else path.parent / name)
    try:
        version = int(data.get("version", 1))
    except (TypeError, ValueError):
        raise TemplateError(f"{path}: version ต้องเป็นตัวเลข", f"{path}: version must be a whole number") from None
    items = data["indicators"]
    source = path.parent / items if isinstance(items, str) else items
    return Canonical(tpl, version, load_items(source, tpl, path.name), path.name)
