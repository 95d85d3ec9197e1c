"""The score notes of a table, built only where their inputs changed since they were
written (:func:`~.trace.note_keys`): rebuilding 10,000 notes costs several times the scores."""
from __future__ import annotations

import itertools
import operator
from collections.abc import Mapping

import numpy as np
import pandas as pd

from .options import ScoringOptions
from .trace import note_inputs, note_keys, notes_of

_first, _second = operator.itemgetter(0), operator.itemgetter(1)


class ScoreNotes(Mapping):
    """The score notes of a table, cell -> text, built when first read. :meth:`reuse`
    first hands in the notes the sheet holds and the keys (:func:`note_keys`) they were
    written for; a row whose key is among them keeps the sheet's note, the others are
    built (a note is text: rebuilding 10,000 of them costs several times the scores)."""

    def __init__(self, frame: pd.DataFrame, options: ScoringOptions, codes, col: int, limit: int = 255,
                 words=None):
        # words: core/scoring.word_arrays of frame, when the score looked them up already
        self.frame, self.options, self.codes, self.limit, self.col = frame, options, list(codes), limit, col
        self.words = words
        self._cells = None                                # (row, col) per row, made when first needed
        self._keys = self._texts = self._inputs = None
        self._held: dict = {}
        self._held_texts: list = []
        self._in_order = None                             # a held dict found to be exactly :attr:`cells`
        self._known = np.empty(0, dtype=np.uint64)
        self.built = 0                                    # how many notes were built (not reused)

    @property
    def cells(self) -> list:
        if self._cells is None:
            self._cells = list(zip(self.frame.index.tolist(), itertools.repeat(self.col)))
        return self._cells

    def inputs(self):
        if self._inputs is None:
            self._inputs = note_inputs(self.frame, self.options, self.words)
        return self._inputs

    def keys_of_rows(self) -> np.ndarray:
        if self._keys is None:
            # the cell, not only the row: a note moved to another column is not the one held there
            where = np.asarray(self.frame.index, dtype=np.int64) * 65_536 + self.col
            self._keys = note_keys(*self.inputs(), self.codes, where, self.options, self.limit)
        return self._keys

    def held_texts(self, held: dict) -> list:
        """The texts ``held`` (the sheet's notes, by cell) has at :attr:`cells`, in order,
        '' where none."""
        if len(held) == len(self.frame):
            # the usual: the notes written last time, at these cells in this order. Checked
            # a component at a time, and held's own key tuples become the cells (10,000 new
            # tuples cost as much as the rest of a one-change recalc's notes)
            keys = list(held)
            if (list(map(_first, keys)) == self.frame.index.tolist()
                    and all(map(operator.eq, map(_second, keys), itertools.repeat(self.col)))):
                if self._cells is None:
                    self._cells = keys
                self._in_order = held
                return list(held.values())
        return list(map(held.get, self.cells, itertools.repeat("")))

    def reuse(self, held: dict, held_texts: list, known: np.ndarray) -> None:
        """``held``: the notes the sheet holds, by cell; ``held_texts``: those at
        :attr:`cells`, in order ('' where none, :meth:`held_texts`); ``known``: the keys
        they were written for."""
        self._held, self._held_texts, self._known, self._texts = held, held_texts, known, None

    def _build(self, rows: np.ndarray) -> list[str]:
        """The notes of ``rows`` (positions), built."""
        if len(rows) == len(self.frame):
            return notes_of(*self.inputs(), self.codes, self.options, self.limit)
        codes = self.codes
        return notes_of(*(a[rows] for a in self.inputs()), [codes[i] for i in rows.tolist()],
                        self.options, self.limit)

    def _built(self) -> dict:
        if self._texts is None:
            n, cells = len(self.cells), self.cells
            if len(self._known):
                keys = self.keys_of_rows()
                # the same rows as last time: compare in place, else look each key up
                same = (keys == self._known) if len(self._known) == n else np.isin(keys, self._known)
                todo = np.flatnonzero(~same)
            else:
                todo = np.arange(n)
            built = self._build(todo) if len(todo) else []
            self.built = len(todo)
            if not len(self._known):
                self._texts = dict(zip(cells, built))
            elif self._held is self._in_order:
                # the sheet holds exactly these cells: its notes, the rebuilt ones put in
                self._texts = dict(self._held) if len(todo) else self._held
                for i, text in zip(todo.tolist(), built):
                    self._texts[cells[i]] = text
            else:
                texts = list(self._held_texts)
                for i, text in zip(todo.tolist(), built):
                    texts[i] = text
                self._texts = dict(zip(cells, texts))
        return self._texts

    def texts(self) -> dict:
        """Every note, cell -> text (the mapping itself, built)."""
        return self._built()

    def __getitem__(self, cell):
        return self._built()[cell]

    def __iter__(self):
        return iter(self._built())

    def __len__(self) -> int:
        return len(self.frame)
