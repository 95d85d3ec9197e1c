"""Score notes are rebuilt only where their inputs changed, and still change when they do."""
import io
import zipfile

import numpy as np
import openpyxl
import pandas as pd

import sheets_sync
from conftest import SHEET, code_rows, header_columns, type_results
from sheets_sync.core.scoring import compute, word_arrays
from sheets_sync.core.score_notes import ScoreNotes
from sheets_sync.core.trace import note_inputs, note_keys, notes, trace
from sheets_sync.kinds.meta import NOTES, notes_record, recorded_notes, reuse_recorded_notes
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


def _previous_keys(r, cc, desc, interp, codes, cells, options, limit=255):
    """note_keys as the previous version wrote them into the metadata (verbatim in substance)."""
    import zlib
    n = len(r)
    num = np.column_stack([r, cc])
    num = np.where(np.isnan(num), np.nan, num + 0.0)
    units = np.asarray(codes, dtype=str)
    width = units.dtype.itemsize // 4
    salt = np.uint64(zlib.crc32(repr((options, limit)).encode()))
    parts = np.empty((n, 10 + width), dtype=np.uint64)
    parts[:, :6] = num.view(np.uint64)
    parts[:, 6], parts[:, 7], parts[:, 9] = desc, interp, width
    parts[:, 8] = np.asarray(cells, dtype=np.int64)
    if width:
        parts[:, 10:] = units.view(np.uint32).reshape(n, width)
    j = np.arange(parts.shape[1], dtype=np.uint64)
    with np.errstate(over="ignore"):
        parts *= j * np.uint64(0x9E3779B97F4A7C16) + np.uint64(0xBF58476D1CE4E5B9)
        parts ^= parts >> np.uint64(32)
        h = parts.sum(axis=1, dtype=np.uint64) ^ salt
        h = (h ^ (h >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        h = (h ^ (h >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return h ^ (h >> np.uint64(31))


def _written(frame, codes, options=None) -> tuple[ScoreNotes, dict, str]:
    """What a first recalc leaves: its notes, the notes the sheet then holds, the record."""
    fresh = ScoreNotes(frame, options or ScoringOptions(), codes, 13)
    held = dict(fresh)
    return fresh, held, notes_record(fresh.keys_of_rows(), held.values())


def _reused(frame, codes, held, record, options=None):
    o = options or ScoringOptions()
    again = ScoreNotes(frame, o, codes, 13)
    reuse_recorded_notes(again, held, {NOTES + "s": record}, "s")
    return again, dict(again)


def test_notes_recorded_by_the_previous_version_are_built_again():
    """A record of the previous format (its keys) is never taken for this one's: even where
    the old keys say 'unchanged', every note is built again, so a stale note cannot stay."""
    o = ScoringOptions()
    f = _frame(8)
    codes = [f"K.{i}" for i in range(8)]
    cells = np.asarray(f.index, dtype=np.int64) * 65_536 + 13
    stale = {cell: f"written by an older version {cell}" for cell in ScoreNotes(f, o, codes, 13).cells}
    record = notes_record(_previous_keys(*note_inputs(f, o), codes, cells, o), stale.values())
    assert len(recorded_notes({NOTES + "s": record}, "s", list(stale.values()))) == 8   # the record itself reads
    again, got = _reused(f, codes, stale, record)
    assert again.built == 8
    assert list(got.values()) == notes(f, o, codes)


def test_minus_zero_is_not_taken_for_zero():
    """-0.0 and 0.0 are equal numbers but their notes differ ('-0' / '0'): keyed apart."""
    o = ScoringOptions()
    f = _frame(4)
    f.loc[11, "result"] = 0.0
    codes = [f"K.{i}" for i in range(4)]
    _, held, record = _written(f, codes, o)
    g = f.copy()
    g.loc[11, "result"] = -0.0
    again, got = _reused(g, codes, held, record)
    assert again.built == 1
    assert got[(11, 13)] == trace("K.1", g.loc[11], o).note() != held[(11, 13)]
    assert "ผล -0 " in got[(11, 13)]


def test_a_retyped_code_is_in_its_note():
    o = ScoringOptions()
    f = _frame(5)
    codes = [f"K.{i}" for i in range(5)]
    _, held, record = _written(f, codes, o)
    renamed = ["K.0", "K.1", "K.2b", "K.3", "K.4"]
    _, got = _reused(f, renamed, held, record)
    assert list(got.values()) == notes(f, o, renamed)
    assert got[(12, 13)].startswith("K.2b: ")


def test_codes_of_any_kind_key_their_notes():
    """Codes holding NUL or that are not text still key their notes (the codes hash has no
    separator to trip on)."""
    o = ScoringOptions()
    f = _frame(3)
    base = _keys(f, o, ["a", "b\0c", "d"], f.index)
    assert (_keys(f, o, ["a\0b", "c", "d"], f.index) != base).all()
    assert (_keys(f, o, ["a", "b\0c", "d"], f.index) == base).all()
    assert (_keys(f, o, [1, 2.5, None], f.index) != _keys(f, o, [1, 2.5, "x"], f.index))[2]
    assert notes(f, o, [1, 2.5, None])[0].startswith("1: ")


def test_held_notes_in_another_order_or_elsewhere_are_looked_up_by_cell():
    o = ScoringOptions()
    f = _frame(4)
    codes = [f"K.{i}" for i in range(4)]
    fresh, written, record = _written(f, codes, o)
    shuffled = {c: written[c] for c in reversed(fresh.cells)}
    again, got = _reused(f, codes, shuffled, record)
    assert again.built == 0 and got == written and list(got) == fresh.cells
    extra = {**written, (99, 2): "a person's own note"}
    again, got = _reused(f, codes, extra, record)
    assert again.built == 0 and got == written
    # the same rows in the same order, one column over: not the notes of these cells
    beside = {(r, c + 1): t for (r, c), t in written.items()}
    again, got = _reused(f, codes, beside, record)
    assert again.built == 4 and got == written and list(got) == fresh.cells
    # and one row off: neither
    below = {(r + 1, c): t for (r, c), t in written.items()}
    again, got = _reused(f, codes, below, record)
    assert again.built == 4 and got == written


def test_notes_given_the_scores_word_arrays_are_the_notes_that_look_them_up():
    # kinds/scorecard hands ScoreNotes the direction and method arrays compute used
    o = ScoringOptions()
    f = _frame(40)
    rng = np.random.default_rng(8)
    f["direction"] = rng.choice(["ยิ่งน้อยยิ่งดี", "higher", "", None, "sideways"], len(f)).tolist()
    f["method"] = rng.choice(["ขั้นบันได", "linear", "", None, "guess"], len(f)).tolist()
    codes = [f"K.{i}" for i in range(len(f))]
    words = word_arrays(f, o)
    alone, given = ScoreNotes(f, o, codes, 13), ScoreNotes(f, o, codes, 13, words=words)
    assert dict(given) == dict(alone) == dict(zip(alone.cells, notes(f, o, codes)))
    assert (given.keys_of_rows() == alone.keys_of_rows()).all()
    assert compute(f, o, words)[0].equals(compute(f, o)[0])
