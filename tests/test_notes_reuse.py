"""Score notes are rebuilt only where their inputs changed, and still change when they do."""
import io
import zipfile

import numpy as np
import openpyxl
import pandas as pd

import sheets_sync
from conftest import SHEET, code_rows, header_columns, type_results
from sheets_sync.core.trace import ScoreNotes, note_inputs, note_keys, notes
from sheets_sync.kinds.template import ScoringOptions


def _notes(path) -> dict[str, str]:
    ws = openpyxl.load_workbook(path)[SHEET]
    return {str(dv.sqref): dv.prompt for dv in ws.data_validations.dataValidation
            if dv.promptTitle and "sheets-sync" in dv.promptTitle}


def _type(path, code: str, label: str, value) -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb[SHEET]
    cols = header_columns(ws)
    ws.cell(code_rows(ws, cols["รหัส"])[code], cols[label]).value = value
    wb.save(path)


def _edit_part(path, old: str, new: str) -> None:
    """Change text in the sheet's XML directly, as another program could."""
    with zipfile.ZipFile(path) as z:
        items = [(i, z.read(i.filename)) for i in z.infolist()]
    hit = False
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in items:
            if old.encode() in data:
                data, hit = data.replace(old.encode(), new.encode()), True
            z.writestr(info, data)
    assert hit
    path.write_bytes(buf.getvalue())


def test_changed_threshold_changes_its_note_and_only_its_note(seed_book):
    sheets_sync.recalc(str(seed_book))
    before = _notes(seed_book)
    assert "12 or more reaches level 5" in before["M11"]
    _type(seed_book, "ศปท.5", "5", 15)
    assert sheets_sync.recalc(str(seed_book)).written
    after = _notes(seed_book)
    assert "15 or more reaches level 5" in after["M11"]
    assert "12 or more" not in after["M11"]
    assert {c: t for c, t in after.items() if c != "M11"} == {c: t for c, t in before.items() if c != "M11"}


def test_changed_result_rebuilds_its_note(seed_book):
    sheets_sync.recalc(str(seed_book))
    type_results(seed_book, {"ศปท.5": 12})
    sheets_sync.recalc(str(seed_book))
    assert "ศปท.5: ผล 12 ถึงระดับ 5 = 12" in _notes(seed_book)["M11"]


def test_nothing_changed_writes_nothing(seed_book):
    sheets_sync.recalc(str(seed_book))
    type_results(seed_book, {"ศปท.5": 11})
    sheets_sync.recalc(str(seed_book))
    snapshot = seed_book.read_bytes()
    report = sheets_sync.recalc(str(seed_book))
    assert not report.written
    assert seed_book.read_bytes() == snapshot


def test_a_note_edited_elsewhere_is_put_back(seed_book):
    """The kept keys say the inputs did not change, but the sheet's note is no longer the
    one written: it is rebuilt, not trusted."""
    sheets_sync.recalc(str(seed_book))
    _edit_part(seed_book, "12 or more reaches level 5", "edited elsewhere")
    assert sheets_sync.recalc(str(seed_book)).written
    assert "12 or more reaches level 5" in _notes(seed_book)["M11"]


def _frame(n: int) -> pd.DataFrame:
    rng = np.random.default_rng(3)
    c = np.sort(rng.integers(0, 100, (n, 5)), axis=1).astype(float)
    return pd.DataFrame({"result": rng.integers(0, 100, n).astype(float), **{f"c{i + 1}": c[:, i] for i in range(5)},
                         "weight": 5.0, "target": 1.0}, index=range(10, 10 + n))


def _keys(frame, options, codes, cells):
    return note_keys(*note_inputs(frame, options), codes, cells, options)


def test_every_input_of_a_note_moves_its_key():
    o = ScoringOptions()
    f = _frame(6)
    codes = [f"K.{i}" for i in range(6)]
    base = _keys(f, o, codes, f.index)
    assert len(set(base.tolist())) == 6
    assert (_keys(f, o, codes, f.index) == base).all()
    for column in ("result", "c1", "c2", "c3", "c4", "c5"):
        g = f.copy()
        g.loc[12, column] += 0.5
        moved = _keys(g, o, codes, f.index) != base
        assert moved.tolist() == [False, False, True, False, False, False], column
    assert (_keys(f, o, ["K.0", "K.1", "K.X", *codes[3:]], f.index) != base).tolist()[2]
    assert (_keys(f, o, codes, f.index + 1) != base).all()
    assert (_keys(f, ScoringOptions(method="interpolation"), codes, f.index) != base).all()
    assert (_keys(f.assign(direction="ยิ่งน้อยยิ่งดี"), o, codes, f.index) != base).all()


def test_reused_notes_keep_the_held_text_and_build_the_rest():
    o = ScoringOptions()
    f = _frame(5)
    codes = [f"K.{i}" for i in range(5)]
    fresh = ScoreNotes(f, o, codes, 13)
    assert list(dict(fresh).values()) == notes(f, o, codes)
    held = {cell: f"held {cell}" for cell in fresh.cells}
    g = f.copy()
    g.loc[11, "result"] += 1
    again = ScoreNotes(g, o, codes, 13)
    again.reuse(held, [held[c] for c in again.cells], fresh.keys_of_rows())
    got = dict(again)
    assert again.built == 1
    assert got[(11, 13)] == notes(g, o, codes)[1] != held[(11, 13)]
    assert all(got[c] == held[c] for c in fresh.cells if c != (11, 13))
