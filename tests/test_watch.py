"""watch: Drive's changes feed drives recalculation of the unit sheets a person edited.

Real gspread + google-auth over sockets against the loopback emulator; a person types with
plain gspread (a second account shared as writer) or ``state.user_edit``."""
import json

import pytest

import sheets_sync as ss
from conftest import SEED000_CSV, SEED000_GOLDEN, SEED000_RESULTS, SHEET, STAFF, sheet_key
from sheets_sync.ministry.watch import STATE_NAME, thai_time, watch

# 1 ธ.ค. 2569 20:41 in Bangkok (13:41 UTC)
START = 1796132460.0
INTERVAL = 30.0


class FakeTime:
    """clock/sleep for watch: sleeping advances the clock; ``during_sleep`` acts meanwhile
    (a person typing), and every sleep closes the poll's request record."""

    def __init__(self, recorder=None, during_sleep=None):
        self.now, self.slept, self.recorder, self.during_sleep = START, [], recorder, during_sleep

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.slept.append(seconds)
        if self.recorder:
            self.recorder.close_poll()
        self.now += seconds
        if self.during_sleep:
            self.during_sleep(len(self.slept))


class Requests:
    """Every Sheets/Drive request the emulator handles, grouped by poll (a hook on all calls)."""

    def __init__(self, emu):
        self.emu, self.polls, self.current = emu, [], []
        self.hook = emu.state.before("*", r".*", lambda req: self.current.append((req.method, req.path)), once=False)

    def close_poll(self):
        self.polls.append(self.current)
        self.current = []

    def close(self):
        self.close_poll()
        self.hook.cancel()
        return self.polls


@pytest.fixture
def units(tmp_path, emulator):
    """Two Google units (seed 000's indicators), shared with staff, in units.yaml."""
    person = emulator.service_account(email=STAFF)       # a second account: plain gspread as staff
    keys = {}
    for code in ("GA", "GB"):
        url = ss.init(indicators=SEED000_CSV, unit=code, google=True, share=[STAFF],
                      credentials=emulator.creds, endpoint=emulator.base_url)
        keys[code] = sheet_key(url)
    path = tmp_path / "units.yaml"
    path.write_text("units:\n" + "".join(f"  - {{code: {c}, name: หน่วย {c}, sheet: {k}}}\n"
                                         for c, k in keys.items()), encoding="utf-8")
    return path, keys, person


def opts(emulator, fast_retry, **kw):
    return {"credentials": emulator.creds, "endpoint": emulator.base_url, "retry": fast_retry, **kw}


def code_rows(emu, key) -> dict[str, int]:
    sheet = emu.state.spreadsheets[key].sheets[0]
    return {cell["effectiveValue"]["stringValue"]: r + 1 for (r, c), cell in sheet.cells.items()
            if c == 2 and "stringValue" in cell.get("effectiveValue", {}) and "." in cell["effectiveValue"]["stringValue"]}


def scores(emu, key) -> dict:
    """(score, percentage, weighted score) of each code, as the sheet holds them (M:O)."""
    out = {}
    for code, row in code_rows(emu, key).items():
        vals = emu.state.values_get(key, STAFF, f"'{SHEET}'!M{row}:O{row}", "UNFORMATTED_VALUE").get("values", [[]])
        out[code] = tuple(vals[0]) if vals and vals[0] else ()
    return out


def gspread_type(emu, person, key, results: dict) -> None:
    """Staff type results with plain gspread (one update per cell, as typing does)."""
    from sheets_sync.emulator.clients import gspread_client
    ws = gspread_client(emu, person).open_by_key(key).worksheet(SHEET)
    rows = code_rows(emu, key)
    for code, value in results.items():
        ws.update([[value]], f"L{rows[code]}", value_input_option="USER_ENTERED")


def person_types(emu, key, code, value) -> None:
    emu.state.user_edit(key, STAFF, f"'{SHEET}'!L{code_rows(emu, key)[code]}", [[str(value)]])


def test_a_result_typed_with_gspread_is_recalculated_within_one_interval(units, emulator, fast_retry, tmp_path):
    path, keys, person = units
    lines = []
    # first start: the feed's position is recorded (one request), nothing recalculated
    first = watch(path, polls=0, on_event=lines.append, **opts(emulator, fast_retry))
    state = json.loads((tmp_path / STATE_NAME).read_text(encoding="utf-8"))
    assert state["pageToken"] == first.token and state["pending"] == {} and not first.recalculated
    assert state["account"] == emulator.account

    gspread_type(emulator, person, keys["GA"], SEED000_RESULTS)   # 7 requests as staff
    emulator.state.write_log.clear()
    emulator.state.reset_stats()
    rec, fake, lines = Requests(emulator), None, []
    fake = FakeTime(rec)
    report = watch(path, polls=2, interval=INTERVAL, clock=fake.clock, sleep=fake.sleep, on_event=lines.append,
                   **opts(emulator, fast_retry))
    poll1, poll2 = rec.close()
    # the restart catches up at once; the next poll comes one interval later
    assert fake.slept == [INTERVAL]
    # poll 1: one changes.list for both units, then the edited unit's own recalc requests
    drive1 = [r for r in poll1 if r[1].startswith("/drive/")]
    assert drive1 == [("GET", "/drive/v3/changes")]
    sheets1 = [r for r in poll1 if not r[1].startswith("/drive/")]
    assert sheets1 and all(keys["GA"] in p for _, p in sheets1)
    assert not any(keys["GB"] in p for _, p in poll1)
    stats = emulator.state.stats()
    assert stats["drive"] == 2                                   # one per poll, two polls
    assert stats["sheets.total"] == len(sheets1)
    # poll 2: our own write is not a change to react to: one request, nothing recalculated
    assert poll2 == [("GET", "/drive/v3/changes")]
    assert [p.requests for p in report.polls] == [1, 1]
    assert report.polls[0].edited == ["GA"] and report.polls[0].recalculated == ["GA"]
    assert report.polls[1].own == 1 and report.polls[1].edited == [] and report.polls[1].recalculated == []
    # GA's scores now per seed 000; GB untouched
    assert scores(emulator, keys["GA"]) == {c: pytest.approx(v) for c, v in SEED000_GOLDEN.items()}
    assert {k for k, _, _ in emulator.state.write_log} == {keys["GA"]}
    assert [r.code for r in report.recalculated] == ["GA"]
    # one line per recalculation: Bangkok time, Buddhist Era year, unit, cells written, totals
    assert lines == [l for l in lines if "GA" in l] and len(lines) == 1
    assert lines[0].startswith("1 ธ.ค. 2569 20:41  GA หน่วย GA")
    assert f"{report.recalculated[0].cells} cells written" in lines[0] and report.recalculated[0].cells > 0
    assert "3.050" in lines[0] and "61.00" in lines[0] and "7/7" in lines[0]


def test_ten_results_typed_in_a_row_cost_one_recalculation(units, emulator, fast_retry, tmp_path):
    path, keys, _ = units
    watch(path, polls=0, on_event=lambda _: None, **opts(emulator, fast_retry))
    ten = [*SEED000_RESULTS.items(), ("ศปท.1", 3), ("ศปท.3", 88), ("ศปท.1", 2)]
    assert len(ten) == 10

    def typing(n_sleeps):
        if n_sleeps == 1:          # between poll 1 and poll 2, a person types ten results
            for code, value in ten:
                person_types(emulator, keys["GA"], code, value)
    fake = FakeTime(during_sleep=typing)
    lines = []
    report = watch(path, polls=3, interval=INTERVAL, clock=fake.clock, sleep=fake.sleep, on_event=lines.append,
                   **opts(emulator, fast_retry))
    assert [p.recalculated for p in report.polls] == [[], ["GA"], []]
    assert len(report.recalculated) == 1 and len(lines) == 1
    golden = {**SEED000_GOLDEN, "ศปท.3": (4.0, 80.0, 0.4)}       # 88 reaches level 4 of 70/75/80/85/90
    assert scores(emulator, keys["GA"]) == {c: pytest.approx(v) for c, v in golden.items()}


def test_stopped_and_restarted_misses_no_edit_and_recalculates_nothing_twice(units, emulator, fast_retry, tmp_path):
    path, keys, person = units
    state_file = tmp_path / "watch-state.json"
    kw = opts(emulator, fast_retry, state_file=state_file, interval=INTERVAL)
    watch(path, polls=0, on_event=lambda _: None, **kw)
    gspread_type(emulator, person, keys["GA"], SEED000_RESULTS)
    fake = FakeTime()
    run1 = watch(path, polls=1, clock=fake.clock, sleep=fake.sleep, on_event=lambda _: None, **kw)
    assert [r.code for r in run1.recalculated] == ["GA"]
    # stopped: staff type into GB meanwhile
    gspread_type(emulator, person, keys["GB"], {"ศปท.5": 12})
    emulator.state.write_log.clear()
    lines = []
    run2 = watch(path, polls=2, clock=fake.clock, sleep=fake.sleep, on_event=lines.append, **kw)
    assert [r.code for r in run2.recalculated] == ["GB"]              # GA's was done before the stop
    assert [p.recalculated for p in run2.polls] == [["GB"], []]
    assert {k for k, _, _ in emulator.state.write_log} == {keys["GB"]}
    assert scores(emulator, keys["GB"])["ศปท.5"] == pytest.approx((5.0, 100.0, 0.75))
    assert len(lines) == 1 and "GB" in lines[0]
    assert json.loads(state_file.read_text(encoding="utf-8"))["pageToken"] == run2.token
    assert not (tmp_path / STATE_NAME).exists()


def test_ctrl_c_ends_with_one_line_and_the_edit_is_recalculated_after_restart(units, emulator, fast_retry, tmp_path):
    path, keys, _ = units
    watch(path, polls=0, on_event=lambda _: None, **opts(emulator, fast_retry))

    def interrupt(n_sleeps):
        person_types(emulator, keys["GB"], "ศปท.2", 5)
        raise KeyboardInterrupt
    fake = FakeTime(during_sleep=interrupt)
    lines = []
    stopped = watch(path, polls=None, clock=fake.clock, sleep=fake.sleep, on_event=lines.append,
                    **opts(emulator, fast_retry))
    assert stopped.interrupted and len(lines) == 1 and "Ctrl-C" in lines[0] and "หยุดติดตาม" in lines[0]
    fake2 = FakeTime()
    lines = []
    again = watch(path, polls=1, clock=fake2.clock, sleep=fake2.sleep, on_event=lines.append,
                  **opts(emulator, fast_retry))
    assert [r.code for r in again.recalculated] == ["GB"] and len(lines) == 1
    assert scores(emulator, keys["GB"])["ศปท.2"] == pytest.approx((5.0, 100.0, 1.25))


def test_a_failing_unit_never_stops_the_others(units, emulator, fast_retry, tmp_path):
    path, keys, _ = units
    # a unit whose spreadsheet is not a scorecard (staff made it and shared it with us)
    other = emulator.state.create_spreadsheet("ไม่ใช่แบบฟอร์ม", STAFF)
    other.permissions[emulator.account] = "writer"
    with path.open("a", encoding="utf-8") as fh:
        fh.write(f"  - {{code: GX, name: หน่วย GX, sheet: {other.id}}}\n")
    watch(path, polls=0, on_event=lambda _: None, **opts(emulator, fast_retry))
    emulator.state.user_edit(other.id, STAFF, "Sheet1!A1", [["สวัสดี"]])
    person_types(emulator, keys["GA"], "ศปท.6", 5)
    person_types(emulator, keys["GB"], "ศปท.6", 5)
    fake, lines = FakeTime(), []
    report = watch(path, polls=1, clock=fake.clock, sleep=fake.sleep, on_event=lines.append,
                   **opts(emulator, fast_retry))
    assert sorted(r.code for r in report.recalculated) == ["GA", "GB"]
    assert [f.code for f in report.failed] == ["GX"] and report.pending == {other.id: 1}
    bad = [l for l in lines if "GX" in l]
    assert len(bad) == 1 and "คำนวณใหม่ไม่สำเร็จ" in bad[0] and "recalculation failed" in bad[0]


def test_thai_time_is_bangkok_with_the_buddhist_era_year():
    assert thai_time(START) == "1 ธ.ค. 2569 20:41"
    assert thai_time(START - 14 * 3600) == "1 ธ.ค. 2569 06:41"
    assert thai_time(1704043800.0) == "1 ม.ค. 2567 00:30"     # 2023-12-31 17:30 UTC


def test_a_feed_of_several_pages_is_followed_and_each_page_is_a_request(units, emulator, fast_retry, monkeypatch):
    import sheets_sync.ministry.watch as w
    path, keys, _ = units
    watch(path, polls=0, on_event=lambda _: None, **opts(emulator, fast_retry))
    monkeypatch.setattr(w, "PAGE_SIZE", 1)                    # one changed file per page
    person_types(emulator, keys["GA"], "ศปท.1", 2)
    person_types(emulator, keys["GB"], "ศปท.1", 2)
    fake = FakeTime()
    report = watch(path, polls=1, clock=fake.clock, sleep=fake.sleep, on_event=lambda _: None,
                   **opts(emulator, fast_retry))
    assert report.polls[0].requests == 2                      # two pages of one change each: two requests
    assert sorted(report.polls[0].recalculated) == ["GA", "GB"]
