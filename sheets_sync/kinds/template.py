"""Canonical template definitions, loaded from YAML data in ``templates/``.

The template is ministry data: labels, owners, number formats, scoring options
and status rules change between years, so none of them are hard-coded here.
"""
from __future__ import annotations

import copy
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from ..core.errors import TemplateError
from ..core.options import CRITERIA, ScoringOptions  # noqa: F401 - part of a template



def templates_dir() -> Path:
    """Where template YAML lives: $SHEETS_SYNC_TEMPLATES, the wheel copy, or the checkout."""
    env = os.environ.get("SHEETS_SYNC_TEMPLATES")
    if env:
        return Path(env)
    packaged = Path(__file__).resolve().parent.parent / "templates"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "templates"


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    owner: str  # template | unit | computed
    type: str = "text"
    format: str = "General"
    width: float = 12
    group: str | None = None
    aliases: tuple[str, ...] = ()
    prefix: bool = False
    hidden: bool = False          # a column kept as data, not shown or printed

    @property
    def labels(self) -> tuple[str, ...]:
        return (self.label, *self.aliases)


@dataclass(frozen=True)
class StatusLevel:
    key: str
    label: str
    color: str


@dataclass(frozen=True)
class Template:
    name: str
    kind: str
    version: int
    title: str
    sheet_name: str
    font_name: str
    font_size: float
    fields: tuple[Field, ...]
    dimensions: tuple[str, ...]
    section_marker: str          # marks section rows (scorecard: มิติ); empty: none
    totals: dict
    scoring: ScoringOptions
    status_levels: dict
    status_dot: str
    style: dict
    raw: dict = field(repr=False, compare=False, default_factory=dict)

    @property
    def reference(self) -> str:
        """How a workbook names this template: its name when it is one of ours, else its path."""
        ours = templates_dir() / f"{self.name}.yaml"
        return self.name if ours.is_file() and str(ours.resolve()) == self.raw.get("path") else self.raw.get("path", self.name)

    @property
    def required(self) -> tuple[str, ...]:
        """Columns a sheet must have to be read as this template's table."""
        return tuple(self.raw.get("required", ("code",)))

    @property
    def summary_sheet(self) -> str | None:
        """A tab of the unit's workbook computed whole from the table (ITA, plans)."""
        return self.raw.get("summary_sheet")

    def field(self, key: str) -> Field:
        for f in self.fields:
            if f.key == key:
                return f
        raise KeyError(key)

    def keys(self, owner: str) -> list[str]:
        return [f.key for f in self.fields if f.owner == owner]

    def status_label(self, key: str) -> str:
        return self.status_levels[key].label


def _merge(base: dict, over: dict) -> dict:
    out = copy.deepcopy(base)
    for k, v in over.items():
        out[k] = _merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def _load_raw(name_or_path: str | Path, seen: tuple = ()) -> dict:
    p = Path(name_or_path)
    if not p.suffix:
        p = templates_dir() / f"{name_or_path}.yaml"
    if not p.is_file():
        raise TemplateError(f"ไม่พบแม่แบบ {name_or_path}", f"template not found: {name_or_path} (looked at {p})")
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as e:
        raise TemplateError(f"แม่แบบ {p} อ่านไม่ได้: {e}", f"template {p} is not valid YAML: {e}") from e
    parent = data.pop("extends", None)
    if parent:
        if parent in seen:
            raise TemplateError(f"แม่แบบอ้างถึงกันเป็นวง: {parent}", f"template extends itself: {parent}")
        data = _merge(_load_raw(parent, seen + (parent,)), data)
    data.setdefault("name", p.stem)
    data["path"] = str(p.resolve())
    return data


@lru_cache(maxsize=32)
def _load_cached(key: str) -> Template:
    raw = _load_raw(key)
    try:
        fields = tuple(
            Field(key=f["key"], label=str(f["label"]), owner=f["owner"], type=f.get("type", "text"),
                  format=f.get("format", "General"), width=f.get("width", 12), group=f.get("group"),
                  aliases=tuple(f.get("aliases", ())), prefix=bool(f.get("prefix", False)),
                  hidden=bool(f.get("hidden", False)))
            for f in raw["fields"]
        )
        sc = raw.get("scoring", {})
        st = raw.get("status", {})
        scoring = ScoringOptions(
            method=sc.get("method", "step"),
            below_level_1=float(sc.get("below_level_1", 1)),
            max_score=float(sc.get("max_score", 5)),
            weight_total=float(sc.get("weight_total", 100)),
            decimals=dict(sc.get("decimals", {"score": 3, "percentage": 2, "weighted_score": 3})),
            yellow_min_score=float(st.get("yellow_min_score", 3)),
        )
        levels = {k: StatusLevel(k, v["label"], v["color"]) for k, v in st.get("levels", {}).items()}
        font = raw.get("font", {})
        tpl = Template(
            name=raw["name"], kind=raw["kind"], version=int(raw["version"]), title=raw.get("title", ""),
            sheet_name=raw.get("sheet_name", raw["kind"]), font_name=font.get("name", "TH SarabunPSK"),
            font_size=float(font.get("size", 16)), fields=fields, dimensions=tuple(raw.get("dimensions", ())),
            section_marker=raw.get("section_marker", ""), totals=raw.get("totals", {}), scoring=scoring,
            status_levels=levels, status_dot=st.get("dot", "●"), style=raw.get("style", {}), raw=raw,
        )
    except (KeyError, TypeError, ValueError) as e:
        raise TemplateError(f"แม่แบบ {key} ไม่ครบหรือผิดรูปแบบ: {e}", f"template {key} is incomplete or malformed: {e}") from e
    if tpl.scoring.method not in ("step", "interpolation"):
        raise TemplateError(f"วิธีให้คะแนน {tpl.scoring.method} ไม่รู้จัก", f"unknown scoring method {tpl.scoring.method}")
    return tpl


def load_template(name: str | Path = "scorecard") -> Template:
    """Load a template by name (``templates/NAME.yaml``) or by path."""
    return _load_cached(str(name))
