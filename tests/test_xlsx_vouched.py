"""A save records, in the zip's comment, the CRC and size of each part sheets-sync knows
well-formed (backends/xlsx_vouched); the next read skips the lxml check of those parts
only while their bytes are still the recorded ones. Everything else is checked as before
(the hostile corpus runs again with a record: tests/test_xlsx_hostile.py)."""
from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest

import sheets_sync
from hostile import SHEET_PART, entries_of, part, raw_zip
from sheets_sync.core.errors import WorkbookError

PREFIX = b"sheets-sync well-formed "


@pytest.fixture
def recalculated(seed000_typed, tmp_path) -> Path:
    path = tmp_path / "unit.xlsx"
    shutil.copyfile(seed000_typed, path)
    sheets_sync.recalc(path)
    return path


def record(path: Path) -> dict:
    with zipfile.ZipFile(path) as z:
        assert z.comment.startswith(PREFIX), z.comment[:80]
        return json.loads(z.comment[len(PREFIX):])


def directory(path: Path) -> dict:
    with zipfile.ZipFile(path) as z:
        return {i.filename: [i.CRC, i.file_size] for i in z.infolist()}


def test_a_save_records_the_parts_it_knows_well_formed(recalculated):
    rec, have = record(recalculated), directory(recalculated)
    sheets = [n for n in have if n.startswith("xl/worksheets/sheet")]
    assert len(sheets) == 4     # the scorecard, archive, edit history and metadata tabs
    assert set(sheets) <= set(rec)
    assert {n: have[n] for n in rec} == rec     # each as the zip's directory has it


def broken_rows(text: str) -> str:
    """One row's end tag misspelt: lxml refuses it, the byte scanner alone would not see it
    (it reads start tags and cells)."""
    assert "</row>" in text
    return text.replace("</row>", "</rox>", 1)


def rewritten(path: Path, out: Path, comment: bytes) -> Path:
    """``path`` as another program saves it: the scorecard part broken, a zip comment given."""
    es = entries_of(path)
    e = part(es, SHEET_PART)
    e.data = broken_rows(e.data.decode("utf-8")).encode("utf-8")
    out.write_bytes(raw_zip(es, comment=comment))
    return out


def test_a_part_changed_since_the_record_is_checked_again(recalculated, tmp_path):
    """The record kept but the part changed (its CRC no longer the recorded one): refused,
    naming the part, the file left byte for byte."""
    with zipfile.ZipFile(recalculated) as z:
        kept = z.comment
    path = rewritten(recalculated, tmp_path / "edited.xlsx", kept)
    before = path.read_bytes()
    with pytest.raises(WorkbookError) as e:
        sheets_sync.recalc(path)
    assert SHEET_PART in e.value.en and "not well-formed" in e.value.en, e.value.en
    assert SHEET_PART in e.value.th
    assert path.read_bytes() == before


def test_bytes_the_record_vouches_for_are_not_parsed_again(recalculated, tmp_path):
    """The counterpart: a record naming those very bytes is trusted (that is the saving),
    and the byte scanner reads the values: seed 000's figures, no lxml refusal."""
    broken = rewritten(recalculated, tmp_path / "x.xlsx", b"")
    rec = {n: v for n, v in directory(broken).items()}
    path = rewritten(recalculated, tmp_path / "vouched.xlsx", PREFIX + json.dumps(rec).encode())
    totals = sheets_sync.validate(path).sheets[0].totals
    assert (totals["weighted_score"], totals["percentage"]) == (3.05, 61.0)
    with pytest.raises(WorkbookError):      # and without the record the same bytes are refused
        sheets_sync.validate(broken)


@pytest.mark.parametrize("comment", [PREFIX + b"{not json", PREFIX + b"[1, 2]", PREFIX + b'{"xl/worksheets/sheet1.xml": 7}'],
                         ids=["not-json", "not-a-table", "odd-entry"])
def test_a_spoiled_record_vouches_for_nothing_and_is_written_anew(seed000_typed, recalculated, tmp_path, comment):
    broken = rewritten(recalculated, tmp_path / "broken.xlsx", comment)
    with pytest.raises(WorkbookError):
        sheets_sync.recalc(broken)
    path = tmp_path / "typed.xlsx"      # results typed, nothing computed: the recalc writes
    path.write_bytes(raw_zip(entries_of(seed000_typed), comment=comment))
    assert sheets_sync.recalc(path).written
    rec = record(path)
    assert SHEET_PART in rec and {n: directory(path)[n] for n in rec} == rec
