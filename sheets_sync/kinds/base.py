"""What a kind of sheet is: one small protocol, one result type, one registry.

A kind (scorecard, ITA, action plan, or one a ministry adds) is a module that
subclasses ``Kind`` and calls ``register``. Everything above this layer asks the
registry for the kind of a template and calls these methods; nothing above tests
a kind's name.
"""
from __future__ import annotations

import importlib
from abc import ABC, abstractmethod
from dataclasses import dataclass, field

import pandas as pd

from ..core.errors import TemplateError
from ..core.grid import Cell, Grid
from ..core.numbers import format_fixed
from ..core.problems import ERROR, Problem
from .layout import Layout
from .template import Template


@dataclass
class SheetResult:
    """One evaluated table: what it holds, what its computed cells must hold, what is wrong."""
    kind: str
    sheet: str
    layout: Layout
    inputs: pd.DataFrame                     # the table as typed, by field key; index = sheet row
    rows: pd.DataFrame                       # computed values (rounded), by key; index = sheet row
    totals: dict                             # plain values: for reports, the CLI and the summary
    desired: dict[Cell, object]              # every computed cell -> the value it must hold
    problems: list[Problem] = field(default_factory=list)
    changes: dict[Cell, object] = field(default_factory=dict)          # computed cells that differ
    other_cells: dict[str, dict[Cell, object]] = field(default_factory=dict)   # e.g. a summary tab
    notes: dict[Cell, str] = field(default_factory=dict)              # the working, shown on cells
    report_rows: list[dict] = field(default_factory=list)            # per row, for --json
    names: dict[Cell, str] = field(default_factory=dict)             # computed cell -> stable name
    heights: dict[int, float] = field(default_factory=dict)          # rows to grow for their text
    decimals: dict[str, int] = field(default_factory=dict)           # field key -> places it is shown with

    def recorded_blob(self) -> str:
        """What this result writes, as the metadata keeps it (to tell hand edits later)."""
        from .meta import blob
        return blob(self.desired, self.names)
    detail: object = None                    # the kind's own working (e.g. parsed numbers)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def changed_cells(self) -> int:
        return len(self.changes) + sum(len(v) for v in self.other_cells.values())


@dataclass
class UnitRead:
    """One unit's sheet as the ministry read it (or why it could not)."""
    code: str
    name: str
    result: SheetResult | None = None
    version: object = None
    modified: str = ""
    error: str = ""
    sheet_ids: dict = field(default_factory=dict)   # Google: titles -> ids, from the one read
    template: Template | None = None
    meta: dict = field(default_factory=dict)         # the workbook's metadata (period, round states)


@dataclass
class SummaryPart:
    """A kind's contribution to the ministry summary: an overview row per unit and a
    matrix of items x units, with how to show them."""
    overview: pd.DataFrame
    matrix: pd.DataFrame
    formats: dict[str, str] = field(default_factory=dict)       # column -> number format
    chart_value: str = ""                                         # overview column charted per unit
    chart_range: tuple = (0, 100)
    matrix_levels: tuple = ()                                     # reference lines on the matrix chart
    # more sheets of the kind's own (name, frame), after the matrix: long text wraps, filterable
    tables: list[tuple[str, pd.DataFrame]] = field(default_factory=list)
    text_columns: tuple[str, ...] = ()                            # columns of long text: wide, wrapped


@dataclass(frozen=True)
class Total:
    """A total a kind reports, as the CLI prints it."""
    key: str
    label: str
    decimals: int | None = None      # None: shown as it is
    decimals_from: str = ""          # a key of the template's scoring decimals that wins (OPDC: 4)


class Kind(ABC):
    """A kind of sheet. Subclasses implement the four abstract methods; the rest has
    defaults that suit a table keyed by a code column."""

    name: str = ""                  # the template's ``kind``
    template: str = ""              # the default template's name (templates/NAME.yaml)
    totals: tuple[Total, ...] = ()

    @abstractmethod
    def evaluate(self, grids: dict[str, Grid], template: Template, *, options=None,
                 recorded: dict[str, dict] | None = None) -> list[SheetResult]:
        """Every table of this kind in the workbook, evaluated. Pure. ``recorded`` maps a
        sheet to what sheets-sync last wrote to its computed cells (None: unknown)."""

    @abstractmethod
    def lay_out(self, template: Template, rows: pd.DataFrame, *, unit: str | None, period: str | None):
        """A new sheet of this kind as a backend-neutral ``BookPlan`` (computed cells
        may be left empty: init fills them by evaluating the plan)."""

    @abstractmethod
    def summarise(self, reads: list[UnitRead], template: Template) -> SummaryPart:
        """The overview and matrix of the ministry summary, from readable units."""

    @abstractmethod
    def examples(self, template: Template) -> pd.DataFrame:
        """Example rows for a new sheet when no list is given."""

    def definition(self, frame: pd.DataFrame, template: Template, source: str) -> pd.DataFrame:
        """The ministry's item list (keys or Thai labels as column names), checked."""
        from .definitions import table_rows
        return table_rows(frame, template, source)

    def unfit_to_send(self, items: pd.DataFrame, template: Template) -> list[tuple[str, str]]:
        """Why a checked item list must not go out to every unit (Thai, English): each
        row can be right and the whole still wrong, such as weights that do not add up."""
        return []

    def linked_tables(self, grids: dict[str, Grid], template: Template) -> list[tuple[Template, Layout]]:
        """Other tables of the workbook keyed by the same codes (a scorecard's details tab),
        as (their template, their layout): push-template keeps them in line too."""
        return []

    def code_key(self, value) -> str:
        """How codes are compared: spacing tidied, digits as written (๑.๑.๑ (๑))."""
        return " ".join(str(value).split()) if value is not None else ""

    def explain(self, result: SheetResult, code: str) -> list:
        """The working behind the computed cells of one item (kinds without any: none)."""
        return []


_KINDS: dict[str, Kind] = {}
_BUILTIN = {"scorecard": "scorecard", "ita": "ita", "action-plan": "action_plan"}


def register(kind: Kind) -> Kind:
    _KINDS[kind.name] = kind
    return kind


def kind_named(name: str, module: str | None = None) -> Kind:
    """The kind called ``name``: a built-in, or one whose module a template names."""
    if name not in _KINDS:
        target = module or (f"{__package__}.{_BUILTIN[name]}" if name in _BUILTIN else None)
        if target is None:
            raise TemplateError(f"ไม่รู้จักชนิดแผ่นงาน {name!r}",
                                f"unknown kind of sheet {name!r} (built in: {', '.join(_BUILTIN)}; "
                                "a template may name its own with `module:`)")
        try:
            importlib.import_module(target)
        except ImportError as e:
            raise TemplateError(f"โหลดโมดูล {target} ของชนิด {name} ไม่ได้: {e}",
                                f"cannot import module {target} of kind {name}: {e}") from e
        if name not in _KINDS:
            raise TemplateError(f"โมดูล {target} ไม่ได้ลงทะเบียนชนิด {name}",
                                f"module {target} does not register a kind named {name}")
    return _KINDS[name]


def kind_of(template: Template) -> Kind:
    return kind_named(template.kind, template.raw.get("module"))


def template_named(kind: str | None, template: str | Template | None) -> Template:
    """The template to use: given, or the kind's default."""
    from .template import load_template
    if isinstance(template, Template):
        return template
    if template:
        return load_template(template)
    k = kind_named(kind or "scorecard")
    return load_template(k.template)


def show(v, decimals: int = 3) -> str:
    """A value in a message: numbers with the places they are shown with (three unless the
    template says otherwise), empty said as such."""
    if v is None:
        return "(ว่าง / empty)"
    return format_fixed(v, decimals) if isinstance(v, float) else str(v)


def places(result: SheetResult, cell: Cell) -> int:
    """How many decimals the computed ``cell`` of ``result`` is shown with."""
    return result.decimals.get(result.names.get(cell, "").rpartition("|")[2], 3)
