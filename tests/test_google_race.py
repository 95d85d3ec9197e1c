"""A person's edit lands between sheets-sync's read and its write (the emulator's race hook,
over real sockets): nothing lands on a wrong row, nothing typed is lost.

Oracle: a clone of the spreadsheet gets the same edit *before* the same command runs on it;
after the race, the raced spreadsheet must hold exactly what the clone holds, cell by cell.
Each scenario runs 20 times with a random row, edit and position (the hook fixes the timing).
"""
import copy
import json
import random

import pytest

import sheets_sync as ss
from conftest import STAFF, sheet_key
from test_google_backend import unzipped
from test_push_template import write_canonical

TITLE = "ตัวชี้วัด"
RUNS = 20


def sheet_of(emu, key):
    return emu.state.spreadsheets[key].sheet_by_title(TITLE)


def values(emu, key, title=TITLE):
    got = emu.state.values_get(key, STAFF, f"'{title}'!A1:Z200", "UNFORMATTED_VALUE").get("values", [])
    return {(r + 1, c + 1): v for r, row in enumerate(got) for c, v in enumerate(row) if v not in ("", None)}


def meta(emu, key):
    """The metadata tab, its JSON records compared as data (key order aside)."""
    out = {}
    for cell, v in values(emu, key, "_sheets_sync").items():
        v = unzipped(v)
        try:
            out[cell] = json.loads(v) if isinstance(v, str) and v[:1] in "{[" else v
        except ValueError:
            out[cell] = v
    return out


def clone(emu, key):
    new = copy.deepcopy(emu.state.spreadsheets[key])
    new.id = key[:-6] + "clone" + str(random.randint(0, 9))
    emu.state.spreadsheets[new.id] = new
    return new.id


def code_rows(emu, key):
    return {v: r for (r, c), v in values(emu, key).items() if c == 3 and isinstance(v, str) and v.startswith("ศปท.")}


# -- the person's edits (plain state calls: the person may edit as an owner would) ------------
def insert_row(emu, key, rng):
    sheet = sheet_of(emu, key)
    at = rng.randint(3, max(code_rows(emu, key).values()) + 1)        # above, between or below the rows
    emu.state.batch_update(key, STAFF, {"requests": [{"insertDimension": {"range": {
        "sheetId": sheet.sheet_id, "dimension": "ROWS", "startIndex": at, "endIndex": at + 1}}}]})
    if rng.random() < 0.5:    # and types a note of their own in it
        emu.state.values_update(key, STAFF, f"'{TITLE}'!P{at + 1}", [["บันทึกของหน่วยงาน"]], "USER_ENTERED")


def delete_row(emu, key, rng):
    sheet = sheet_of(emu, key)
    rows = sorted(code_rows(emu, key).values())
    sections = [r - 1 for r in rows if r - 1 not in rows and r - 1 > 3]
    at = rng.choice(sections + rows[:1])                              # a dimension row, or an indicator
    emu.state.batch_update(key, STAFF, {"requests": [{"deleteDimension": {"range": {
        "sheetId": sheet.sheet_id, "dimension": "ROWS", "startIndex": at - 1, "endIndex": at}}}]})


def sort_rows(emu, key, rng):
    rows = sorted(code_rows(emu, key).values())
    run = [r for r in rows if r + 1 in rows or r - 1 in rows]
    first = rng.choice([r for r in run if r + 1 in rows])
    block = [first]
    while block[-1] + 1 in rows:
        block.append(block[-1] + 1)
    got = values(emu, key)
    contents = [[got.get((r, c), "") for c in range(1, 19)] for r in block]
    rng.shuffle(contents)
    if [row[2] for row in contents] == [got.get((r, 3)) for r in block]:
        contents.reverse()
    emu.state.values_update(key, STAFF, f"'{TITLE}'!A{block[0]}:R{block[-1]}", contents, "RAW")


def type_result(emu, key, rng, code=None):
    codes = code_rows(emu, key)
    code = code or rng.choice(sorted(codes))
    emu.state.values_update(key, STAFF, f"'{TITLE}'!L{codes[code]}", [[str(rng.choice([0, 3, 7, 55, 90, 93]))]],
                            "USER_ENTERED")


def shift_rows(emu, key, rng):
    """A row inserted above the indicators and one deleted inside a run of them, in one edit:
    the rows between move down one, the run's first and last indices hold indicator rows
    still. A guard checking each run only as a whole (its anchors still within its range)
    lets this through; each row's anchor at its own index does not."""
    sheet = sheet_of(emu, key)
    rows = sorted(code_rows(emu, key).values())
    inner = [r for r in rows if r - 1 in rows and r + 1 in rows]
    gone = rng.choice(inner)
    first = max(r for r in rows if r <= gone and r - 1 not in rows)   # the run's first row
    emu.state.batch_update(key, STAFF, {"requests": [
        {"deleteDimension": {"range": {"sheetId": sheet.sheet_id, "dimension": "ROWS",
                                       "startIndex": gone - 1, "endIndex": gone}}},
        {"insertDimension": {"range": {"sheetId": sheet.sheet_id, "dimension": "ROWS",
                                       "startIndex": first - 1, "endIndex": first}}}]})


EDITS = {"insert": insert_row, "delete": delete_row, "sort": sort_rows, "typed": type_result, "shift": shift_rows}


def race(emu, key, edit, rng):
    """Apply ``edit`` to a clone now, and to ``key`` just before its first write."""
    twin = clone(emu, key)
    seed = rng.random()
    edit(emu, twin, random.Random(seed))
    hook = emu.state.before("POST", r":batchUpdate$", lambda req: edit(emu, key, random.Random(seed)))
    return twin, hook


@pytest.fixture
def seed(google_seed, emulator, google_opts):
    ss.recalc(google_seed, **google_opts)                  # a settled sheet
    return sheet_key(google_seed)


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_recalc_race(seed, emulator, google_opts, edit):
    rng = random.Random(f"recalc-{edit}")
    base = copy.deepcopy(emulator.state.spreadsheets[seed])
    for i in range(RUNS):
        emulator.state.spreadsheets[seed] = copy.deepcopy(base)
        # something for recalc to write: ศปท.1 (levels 1..5) gets a result it did not have
        emulator.state.values_update(seed, STAFF, f"'{TITLE}'!L{code_rows(emulator, seed)['ศปท.1']}",
                                     [[str(i % 4 + 3)]], "USER_ENTERED")
        twin, hook = race(emulator, seed, EDITS[edit], rng)
        report = ss.recalc(seed, **google_opts)
        assert hook.calls == 1 and not hook.errors
        ss.recalc(twin, **google_opts)
        assert values(emulator, seed) == values(emulator, twin)          # cell by cell
        assert meta(emulator, seed) == meta(emulator, twin)
        again = ss.recalc(seed, dry_run=True, **google_opts)
        assert again.changed_cells == 0 and not [p for p in again.problems if "computed" in p.kind]
        assert report.sheets[0].totals == again.sheets[0].totals        # the truth, not the stale plan
        emulator.state.spreadsheets.pop(twin)


def v_update(rows):
    for r in rows:
        if r["code"] == "ศปท.2":
            r["weight"] = "20.00"
        if r["code"] == "ศปท.7":
            r["weight"] = "10.00"
    return rows


def v_add(rows):
    # the ministry gives the new indicator weight taken from another: still 100 in all
    rows = [{**r, "weight": "20.00"} if r["code"] == "ศปท.2" else r for r in rows]
    return rows + [{**rows[0], "dimension": "มิติด้านคุณภาพการให้บริการ", "code": "ศปท.8",
                    "indicator": "ร้อยละของเรื่องร้องเรียนที่แก้ไขได้", "weight": "5.00", "target": "80",
                    "c1": "60", "c2": "65", "c3": "70", "c4": "75", "c5": "80"}]


def v_retire(rows):
    # ศปท.4's weight (15) goes to ศปท.5: still 100 in all
    return [{**r, "weight": "30.00"} if r["code"] == "ศปท.5" else r for r in rows if r["code"] != "ศปท.4"]


PUSHES = {"update": v_update, "add": v_add, "retire": v_retire}


def push_setup(tmp_path, emulator, seed, change):
    units = tmp_path / "units.yaml"
    units.write_text(f"units:\n  - {{code: G, name: กองคลัง, sheet: {seed}}}\n", encoding="utf-8")
    return units, write_canonical(tmp_path, 3, PUSHES[change])


def _push_race(tmp_path, emulator, seed, google_opts, change, edit, check):
    units, canon = push_setup(tmp_path, emulator, seed, change)
    rng = random.Random(f"push-{change}-{edit}")
    base = copy.deepcopy(emulator.state.spreadsheets[seed])
    for _ in range(RUNS):
        emulator.state.spreadsheets[seed] = copy.deepcopy(base)
        before = values(emulator, seed)
        twin, hook = race(emulator, seed, EDITS[edit], rng)
        out = ss.push_template(units, canon, **google_opts)[0]
        assert hook.calls == 1 and not hook.errors
        check(emulator, seed, twin, out, before, units, canon, google_opts)
        emulator.state.spreadsheets.pop(twin)


def _safe(emulator, seed, twin, out, before, units, canon, google_opts):
    """Whatever the outcome: either the push re-planned and the sheet is what the clone gets,
    or it wrote nothing, the person's edit alone is there, and it says why."""
    if out.status == "failed":
        assert "re-plan" in out.error
        assert values(emulator, seed) == values(emulator, twin)      # the clone: edit applied, not pushed yet
        assert not any(p["description"].startswith("sheets-sync: กำลังเขียน") for s in
                       emulator.state.spreadsheets[seed].sheets for p in s.protected)
    else:
        _replanned(emulator, seed, twin, out, before, units, canon, google_opts)


def _replanned(emulator, seed, twin, out, before, units, canon, google_opts):
    assert out.status == "updated", out.error
    twin_units = units.with_name("twin.yaml")
    twin_units.write_text(f"units:\n  - {{code: G, name: กองคลัง, sheet: {twin}}}\n", encoding="utf-8")
    ss.push_template(twin_units, canon, **google_opts)
    assert values(emulator, seed) == values(emulator, twin)
    for tab in ("เก็บถาวร", "ประวัติการแก้ไข"):     # the same entries (times aside)
        strip = lambda vs: {k: v for k, v in vs.items() if k[1] != 1}  # noqa: E731
        assert strip(values(emulator, seed, tab)) == strip(values(emulator, twin, tab))


@pytest.mark.parametrize("change", sorted(PUSHES))
@pytest.mark.parametrize("edit", sorted(EDITS))
def test_push_race(tmp_path, seed, emulator, google_opts, change, edit):
    _push_race(tmp_path, emulator, seed, google_opts, change, edit, _replanned)
