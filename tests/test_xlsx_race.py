"""Writing a unit's .xlsx safely: racing a person's save, kill -9 mid-write, lock files,
read-only files and folders, owners and modes, a full disk, stale temp files."""
from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from conftest import SEED000_CSV, SHEET

ROOT = Path(__file__).resolve().parent.parent
RESULT_CELL, NOTE_CELL = (7, 12), (7, 16)   # ศปท.2's result and its narrative
PERSON_VALUE, PERSON_NOTE = 3, "ตรวจแล้ว / checked by the unit"


@pytest.fixture(scope="session")
def typed(seed000_typed) -> Path:
    """Seed 000 with results typed and nothing computed yet (so recalc has to write)."""
    return seed000_typed


def temps(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def person_copy(src: Path, folder: Path) -> bytes:
    """What a person's Excel writes: the workbook as they opened it, with their result and
    their note typed in."""
    from sheets_sync.backends.xlsx import XlsxWorkbook
    wb = XlsxWorkbook(src)
    wb.set_cells(SHEET, {RESULT_CELL: PERSON_VALUE, NOTE_CELL: PERSON_NOTE})
    out = folder / "person-save.xlsx"
    wb.save(out)
    return out.read_bytes()


PERSON = textwrap.dedent("""
    import os, sys, time
    target, content, mode, delay = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
    data = open(content, "rb").read()
    print("ready", flush=True)
    sys.stdin.readline()
    time.sleep(delay)
    if mode == "in-place":          # Excel on some shares, many tools: truncate and write
        with open(target, "r+b") as fh:
            fh.truncate(0)
            fh.write(data)
    else:                           # LibreOffice, Excel locally: a temp file renamed over
        tmp = os.path.join(os.path.dirname(target), "~person.tmp.xlsx")
        with open(tmp, "wb") as fh:
            fh.write(data)
        os.replace(tmp, target)
""")


def test_recalc_racing_a_persons_save_keeps_the_person(typed, tmp_path):
    """50 rounds, random timing, both ways a person's program saves: the person's result
    and note are in the workbook afterwards every time."""
    import sheets_sync
    from sheets_sync.backends.files import WorkbookChanged, retry_on_change
    from sheets_sync.backends.xlsx_book import XlsxBook
    from sheets_sync.core.errors import WorkbookError
    script = tmp_path / "person.py"
    script.write_text(PERSON)
    content = tmp_path / "person.xlsx"
    content.write_bytes(person_copy(typed, tmp_path))
    # how long one recalc takes here, so the person's save lands anywhere inside it
    probe = tmp_path / "probe" / "unit.xlsx"
    probe.parent.mkdir()
    shutil.copy(typed, probe)
    t0 = time.perf_counter()
    sheets_sync.recalc(probe)
    span = max(time.perf_counter() - t0, 0.02)
    rng = random.Random(17)
    kept, replanned, refused = 0, 0, 0
    for i in range(50):
        folder = tmp_path / f"r{i}"
        folder.mkdir()
        target = folder / "unit.xlsx"
        shutil.copy(typed, target)
        mode = "in-place" if i % 2 else "rename"
        person = subprocess.Popen([sys.executable, str(script), str(target), str(content), mode,
                                   str(rng.uniform(0, 1.3 * span))],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert person.stdout.readline().strip() == "ready"
        person.stdin.write("go\n")
        person.stdin.flush()
        tries = []

        def once():
            tries.append(1)
            return sheets_sync.recalc(target)
        try:
            retry_on_change(once, attempts=5, wait=0.05)
        except WorkbookChanged:
            refused += 1
        except WorkbookError:   # read the person's half-written file: refused clearly, wrote nothing
            refused += 1
        assert person.wait(10) == 0
        replanned += len(tries) > 1
        grid = XlsxBook(target).grids()[SHEET]
        if grid.get(*RESULT_CELL) == PERSON_VALUE and grid.get(*NOTE_CELL) == PERSON_NOTE:
            kept += 1
        assert temps(folder) == [] or all(t.startswith("~person") for t in temps(folder))
    print(f"\nrace: person's value kept in {kept} of 50 rounds; recalc re-planned in {replanned}, "
          f"gave up clearly in {refused}; one recalc takes {span * 1000:.0f} ms")
    assert kept == 50


KILLED = textwrap.dedent("""
    import os, random, sys, time
    sys.path.insert(0, sys.argv[2])
    from sheets_sync.backends import files
    # widen the window inside the write (after the temp file is complete, before the
    # replace) so that kills land there often, not only by luck
    real_fsync = os.fsync
    def slow_fsync(fd):
        real_fsync(fd)
        time.sleep(random.uniform(0, 0.05))
    files.os.fsync = slow_fsync
    real_temp_name = files._temp_name
    def announce(path):
        print("writing", flush=True)
        return real_temp_name(path)
    files._temp_name = announce
    import sheets_sync
    print("ready", flush=True)
    sheets_sync.recalc(sys.argv[1])
    print("done", flush=True)
""")


def test_kill_9_mid_write_leaves_old_or_new_and_no_temp_after_next_run(typed, tmp_path):
    import openpyxl
    import sheets_sync
    from sheets_sync.backends.xlsx_book import XlsxBook
    done = tmp_path / "done" / "unit.xlsx"
    done.parent.mkdir()
    shutil.copy(typed, done)
    sheets_sync.recalc(done)
    old_bytes, new_cells = typed.read_bytes(), XlsxBook(done).grids()[SHEET].values
    script = tmp_path / "killed.py"
    script.write_text(KILLED)
    rng = random.Random(9)
    stats = {"old": 0, "new": 0, "temp_left_by_kill": 0}
    for i in range(30):
        folder = tmp_path / f"k{i}"
        folder.mkdir()
        target = folder / "unit.xlsx"
        shutil.copy(typed, target)
        child = subprocess.Popen([sys.executable, str(script), str(target), str(ROOT)], stdout=subprocess.PIPE,
                                 text=True, cwd=ROOT)
        assert child.stdout.readline().strip() == "ready"
        assert child.stdout.readline().strip() == "writing"
        time.sleep(rng.uniform(0.0, 0.12))   # anywhere from the temp file's creation to after the replace
        child.send_signal(signal.SIGKILL)
        child.wait(10)
        stats["temp_left_by_kill"] += bool(temps(folder))
        # the workbook opens and holds either the old or the new content
        openpyxl.load_workbook(target)
        if target.read_bytes() == old_bytes:
            stats["old"] += 1
        else:
            assert XlsxBook(target).grids()[SHEET].values == new_cells
            stats["new"] += 1
        # the next run cleans up what the kill left
        sheets_sync.recalc(target)
        assert temps(folder) == []
    print(f"\nkill -9: {stats}")
    assert stats["old"] + stats["new"] == 30
    assert stats["temp_left_by_kill"] > 0, "no kill landed inside the write: widen the window"


# -- faults ------------------------------------------------------------------------------
def _copy(typed: Path, tmp_path: Path) -> Path:
    target = tmp_path / "unit.xlsx"
    shutil.copy(typed, target)
    return target


def _recalc_cli(*args):
    from typer.testing import CliRunner
    from sheets_sync.cli import app
    res = CliRunner().invoke(app, ["recalc", *map(str, args)])
    assert "unexpected error" not in res.output and "Traceback" not in res.output, res.output
    return res


def test_excel_lock_names_a_thai_holder(typed, tmp_path):
    # Excel's owner file keeps the name twice: in the ANSI code page ("?" for Thai) and in UTF-16
    target = _copy(typed, tmp_path)
    name = "สมชาย"
    (tmp_path / "~$unit.xlsx").write_bytes(bytes([len(name)]) + b"?" * len(name) + b" " * (53 - len(name))
                                           + bytes([len(name), 0]) + name.encode("utf-16-le") + b" " * 40)
    res = _recalc_cli(target)
    assert res.exit_code == 2 and "โดย สมชาย" in res.output and "by สมชาย" in res.output.replace("\n", " ")


@pytest.mark.parametrize("lock", ["~$unit.xlsx", ".~lock.unit.xlsx#"])
def test_open_in_excel_is_refused_unless_forced(typed, tmp_path, lock):
    from sheets_sync.backends.files import WorkbookOpen
    from sheets_sync.backends.xlsx_book import XlsxBook
    target = _copy(typed, tmp_path)
    (tmp_path / lock).write_bytes((b"\x07somchai" + b" " * 46 + b"\x07\x00" + "somchai".encode("utf-16-le")) if lock.startswith("~$") else b",somchai,pc1,01.01.2024 10:00,")
    before = target.read_bytes()
    res = _recalc_cli(target)
    app = "Excel" if lock.startswith("~$") else "LibreOffice"     # the program whose lock file it is
    assert res.exit_code == 2 and "unit.xlsx" in res.output and f"open in {app}" in res.output.replace("\n", " ") \
        and "--force" in res.output
    assert "somchai" in res.output.replace("\n", "")
    assert target.read_bytes() == before
    book = XlsxBook(target)
    with pytest.raises(WorkbookOpen):
        book.write({SHEET: {(5, 13): 1}}, {})
    XlsxBook(target, force=True).write({SHEET: {(5, 13): 1}}, {})
    assert XlsxBook(target).grids()[SHEET].get(5, 13) == 1


def test_read_only_file_is_refused(typed, tmp_path):
    target = _copy(typed, tmp_path)
    target.chmod(0o444)
    before = target.read_bytes()
    res = _recalc_cli(target)
    assert res.exit_code == 2 and "read-only" in res.output and "unit.xlsx" in res.output
    assert target.read_bytes() == before and (target.stat().st_mode & 0o777) == 0o444
    assert temps(tmp_path) == []


def _read_only_folder(folder: Path):
    """Make ``folder`` read-only for real (a read-only mount when root, else chmod)."""
    if os.geteuid() == 0:
        if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(folder)],
                          capture_output=True).returncode != 0:
            pytest.skip("root without mount: a 0555 folder does not stop root")
        return lambda: subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True), \
            lambda: subprocess.run(["umount", "-l", str(folder)])
    return lambda: folder.chmod(0o555), lambda: folder.chmod(0o755)


def test_writable_file_in_read_only_folder_names_the_workbook(typed, tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    make_ro, undo = _read_only_folder(folder)
    try:
        target = _copy(typed, folder)
        make_ro()
        before = target.read_bytes()
        res = _recalc_cli(target)
        assert res.exit_code == 2, res.output
        assert "unit.xlsx" in res.output and ".tmp" not in res.output and "sheets-sync-" not in res.output
        assert target.read_bytes() == before
    finally:
        undo()


def test_owner_and_mode_are_kept(typed, tmp_path):
    target = _copy(typed, tmp_path)
    target.chmod(0o640)
    if os.geteuid() == 0:
        os.chown(target, 1234, 4321)
    st = target.stat()
    res = _recalc_cli(target)
    assert res.exit_code == 0, res.output
    after = target.stat()
    assert (after.st_mode & 0o7777, after.st_uid, after.st_gid) == (st.st_mode & 0o7777, st.st_uid, st.st_gid)
    assert after.st_ino != st.st_ino  # replaced atomically, not rewritten in place


def _python_for_another_user() -> tuple[str, dict]:
    """An interpreter user 2001 can run, and the env that lets it import sheets_sync."""
    import site
    paths = [str(ROOT), *site.getsitepackages()]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}
    for exe in (sys.executable, f"/usr/bin/python{sys.version_info.major}.{sys.version_info.minor}"):
        if not os.path.exists(exe):
            continue
        try:
            ok = subprocess.run([exe, "-c", "import lxml, openpyxl, pandas, sheets_sync"], user=2001, group=2001,
                                env=env, capture_output=True, cwd="/")
        except PermissionError:
            continue
        if ok.returncode == 0:
            return exe, env
    pytest.skip("no interpreter another user can run here")


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to act as two users")
def test_another_users_file_keeps_its_owner(typed):
    """Written by user 2001 into user 2000's group-writable file in a shared folder: the
    owner cannot be given away, so the content is copied into the file itself."""
    import tempfile
    from sheets_sync.backends.xlsx_book import XlsxBook
    exe, env = _python_for_another_user()
    folder = Path(tempfile.mkdtemp(prefix="shared-"))
    try:
        folder.chmod(0o777)
        target = _copy(typed, folder)
        target.chmod(0o666)
        os.chown(target, 2000, 2000)
        res = subprocess.run([exe, "-c", f"import sheets_sync; sheets_sync.recalc({str(target)!r})"], cwd=folder,
                             capture_output=True, text=True, user=2001, group=2001, env=env)
        assert res.returncode == 0, res.stderr
        st = target.stat()
        assert (st.st_uid, st.st_gid, st.st_mode & 0o777) == (2000, 2000, 0o666)
        assert XlsxBook(target).grids()[SHEET].get(5, 15) is not None  # written
        assert temps(folder) == []
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_a_symlink_is_followed(typed, tmp_path):
    real = _copy(typed, tmp_path)
    link = tmp_path / "link.xlsx"
    link.symlink_to(real)
    assert _recalc_cli(link).exit_code == 0
    assert link.is_symlink()
    from sheets_sync.backends.xlsx_book import XlsxBook
    assert XlsxBook(real).grids()[SHEET].get(5, 15) is not None


def test_stale_temps_are_cleaned_on_the_next_run_and_live_ones_kept(typed, tmp_path):
    from sheets_sync.backends import files
    target = _copy(typed, tmp_path)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / f".unit.xlsx.sheets-sync-{files._HOST}-{dead.pid}-abcd1234.tmp"
    legacy = tmp_path / ".unit.xlsx.k2j4_x9a.tmp"       # what tempfile.mkstemp used to leave
    live = tmp_path / f".unit.xlsx.sheets-sync-{files._HOST}-{os.getppid()}-abcd1234.tmp"
    other = tmp_path / ".other.xlsx.sheets-sync-h-1-abcd1234.tmp"
    for p in (stale, legacy, live, other):
        p.write_bytes(b"partial")
    old = time.time() - 3600
    os.utime(legacy, (old, old))
    from sheets_sync.backends.xlsx_book import XlsxBook
    XlsxBook(target)  # a run that reads only still cleans up
    assert not stale.exists() and not legacy.exists()
    assert live.exists() and other.exists()


def _tmpfs(folder: Path, size: str):
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                                           capture_output=True).returncode != 0:
        pytest.skip("cannot mount a small tmpfs here")
    return lambda: subprocess.run(["umount", "-l", str(folder)])


def test_full_disk_real(typed, tmp_path):
    folder = tmp_path / "small"
    folder.mkdir()
    undo = _tmpfs(folder, "256k")
    try:
        target = _copy(typed, folder)
        fd = os.open(folder / "filler", os.O_WRONLY | os.O_CREAT)
        try:
            while True:
                os.write(fd, b"\0" * 4096)
        except OSError:
            pass
        finally:
            os.close(fd)
        before = target.read_bytes()
        res = _recalc_cli(target)
        assert res.exit_code == 2, res.output
        assert "disk full" in res.output and "ดิสก์เต็ม" in res.output and "unit.xlsx" in res.output
        assert target.read_bytes() == before
        assert temps(folder) == []
        # what init/provision/import/consolidate do through write_atomic: openpyxl into it
        import openpyxl
        from sheets_sync.backends.files import write_atomic
        from sheets_sync.core.errors import WorkbookError
        wb = openpyxl.Workbook()
        wb.active["A1"] = "x" * 200_000
        with pytest.raises(WorkbookError) as e:
            write_atomic(folder / "summary.xlsx", lambda fh: wb.save(fh))
        assert "disk full" in e.value.en and "summary.xlsx" in e.value.en
        assert not (folder / "summary.xlsx").exists() and temps(folder) == []
    finally:
        undo()


def test_full_disk_simulated_and_ctrl_c_leave_nothing(typed, tmp_path, monkeypatch):
    import errno
    from sheets_sync.backends import files
    from sheets_sync.core.errors import WorkbookError
    target = _copy(typed, tmp_path)
    before = target.read_bytes()
    real = files.os.fsync

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(files.os, "fsync", full)
    with pytest.raises(WorkbookError) as e:
        files.write_atomic(target, b"new content")
    assert "disk full" in e.value.en and str(target) in e.value.en and "nothing was written" in e.value.en
    monkeypatch.setattr(files.os, "fsync", real)

    def interrupted(fh):
        fh.write(b"half")
        raise KeyboardInterrupt
    with pytest.raises(KeyboardInterrupt):
        files.write_atomic(target, interrupted)
    assert target.read_bytes() == before and temps(tmp_path) == []


def test_write_atomic_api(tmp_path):
    from sheets_sync.backends import files
    p = tmp_path / "summary.xlsx"
    files.write_atomic(p, b"one")
    fp = files.Fingerprint.of_file(p)
    files.write_atomic(p, lambda fh: fh.write(b"two"), expect=fp)
    assert p.read_bytes() == b"two"
    with pytest.raises(files.WorkbookChanged):
        files.write_atomic(p, b"three", expect=fp)        # p changed since fp
    assert p.read_bytes() == b"two"
    with pytest.raises(files.WorkbookChanged):
        files.write_atomic(p, b"four", check_unchanged=True)  # must not exist yet
    new = tmp_path / "new.xlsx"
    files.write_atomic(new, b"five", check_unchanged=True)
    assert new.read_bytes() == b"five" and temps(tmp_path) == []
    with pytest.raises(Exception) as e:
        files.write_atomic(tmp_path / "missing" / "x.xlsx", b"")
    assert "missing" in str(e.value)


def test_change_between_read_and_write_is_detected(typed, tmp_path):
    from sheets_sync.backends.files import WorkbookChanged
    from sheets_sync.backends.xlsx_book import XlsxBook
    target = _copy(typed, tmp_path)
    book = XlsxBook(target)
    book.grids()
    person = person_copy(typed, tmp_path)
    target.write_bytes(person)
    with pytest.raises(WorkbookChanged) as e:
        book.write({SHEET: {(5, 13): 1}}, {})
    assert "unit.xlsx" in e.value.en
    assert target.read_bytes() == person


def test_zip_bomb_refused_fast_and_small(tmp_path):
    """907 KiB on disk, a 900 MiB sheet part: refused before inflating."""
    from hostile import SHEET_PART, bomb_entry, raw_zip, Entry
    bomb = tmp_path / "bomb.xlsx"
    bomb.write_bytes(raw_zip([Entry("[Content_Types].xml", b"<Types/>"), Entry("xl/workbook.xml", b"<workbook/>"),
                              bomb_entry(SHEET_PART, 900)]))
    code = textwrap.dedent(f"""
        import json, resource, sys, time
        sys.path.insert(0, {str(ROOT)!r})
        from sheets_sync.backends.xlsx_book import XlsxBook
        from sheets_sync.core.errors import WorkbookError
        base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        t = time.perf_counter()
        try:
            XlsxBook({str(bomb)!r})
            msg = None
        except WorkbookError as e:
            msg = e.en
        # VmHWM is this process's own peak (ru_maxrss keeps a forking parent's across exec)
        hwm = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM"))
        print(json.dumps({{"seconds": time.perf_counter() - t, "maxrss_kib": hwm,
                           "before_kib": base, "message": msg}}))
    """)
    out = json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                                    check=True).stdout)
    print(f"\nzip bomb ({bomb.stat().st_size // 1024} KiB): refused in {out['seconds'] * 1000:.1f} ms, "
          f"peak memory {out['maxrss_kib'] / 1024:.0f} MB (process total): {out['message']}")
    assert out["message"] and SHEET_PART in out["message"] and "bomb" in out["message"]
    assert out["seconds"] < 1 and out["maxrss_kib"] < 200 * 1024


def test_too_large_a_file_is_refused_before_reading(typed, tmp_path, monkeypatch):
    from sheets_sync.backends import xlsx
    from sheets_sync.backends.xlsx_book import XlsxBook
    from sheets_sync.core.errors import WorkbookError
    target = _copy(typed, tmp_path)
    monkeypatch.setattr(xlsx, "MAX_FILE_BYTES", 1000)
    with pytest.raises(WorkbookError) as e:
        XlsxBook(target)
    assert "too large" in e.value.en and "unit.xlsx" in e.value.en


def test_push_template_skips_a_unit_open_in_excel_and_updates_the_others(tmp_path):
    """push-template goes through the same XlsxBook.write: a unit whose workbook is open
    gets a clear failure naming it, and its file is left byte for byte."""
    import sheets_sync as ss
    csv_v2 = tmp_path / "kpi_v2.csv"
    text = SEED000_CSV.read_text(encoding="utf-8")
    csv_v2.write_text(text.replace("ศปท.7", "ศปท.9"), encoding="utf-8")
    (tmp_path / "kpi_v1.csv").write_text(text, encoding="utf-8")
    for v in (1, 2):
        (tmp_path / f"ministry_v{v}.yaml").write_text(f"template: scorecard\nversion: {v}\nindicators: kpi_v{v}.csv\n",
                                                      encoding="utf-8")
    (tmp_path / "units").mkdir()
    units = tmp_path / "units.yaml"
    units.write_text("units:\n  - {code: A, name: กองคลัง, sheet: units/A.xlsx}\n"
                     "  - {code: B, name: กองบัญชี, sheet: units/B.xlsx}\n", encoding="utf-8")
    ss.provision(units, tmp_path / "ministry_v1.yaml")
    a = tmp_path / "units" / "A.xlsx"
    (tmp_path / "units" / "~$A.xlsx").write_bytes(b"\x07somchai")
    before = a.read_bytes()
    out = {o.unit.code: o for o in ss.push_template(units, tmp_path / "ministry_v2.yaml")}
    assert out["A"].status == "failed" and "A.xlsx" in out["A"].error and "Excel" in out["A"].error
    assert a.read_bytes() == before
    assert out["B"].status == "updated"


def test_new_files_get_the_usual_mode_so_colleagues_can_read_them(tmp_path, cli):
    import stat
    from sheets_sync.backends.files import write_atomic
    """A new summary, unit workbook or report is 0o666 less the umask (0644 here), like any
    program's new file, not the temp file's private 0600."""
    old = os.umask(0o022)
    try:
        cli("init", "--out", tmp_path / "new.xlsx", "--unit", "กองคลัง", "--period", "2/2567")
        write_atomic(tmp_path / "plain.bin", b"x")
        os.umask(0o077)
        write_atomic(tmp_path / "private.bin", b"x")
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(tmp_path / "new.xlsx").st_mode) == 0o644
    assert stat.S_IMODE(os.stat(tmp_path / "plain.bin").st_mode) == 0o644
    assert stat.S_IMODE(os.stat(tmp_path / "private.bin").st_mode) == 0o600
