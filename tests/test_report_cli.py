"""`sheets-sync report`: the CLI over sheets_sync.report, from a unit workbook made by
init with its details typed, to the .docx read back."""
from __future__ import annotations

import pytest


@pytest.mark.parametrize("args, says", [
    ((), "give a unit workbook, or --units"),
    (("unit.xlsx",), "give --code CODE or --all"),
    (("unit.xlsx", "--code", "7.2.1", "--all"), "give --code CODE or --all"),
    (("unit.xlsx", "--units", "units.yaml", "--code", "7.2.1"), "not both"),
    (("--units", "units.yaml"), "the ministry report needs --code"),
])
def test_what_to_report_is_said_clearly_before_anything_is_read(cli, tmp_path, args, says):
    res = cli("report", *args, "--out", tmp_path / "out", code=2)
    assert says in res.output and "Traceback" not in res.output
    assert not (tmp_path / "out").exists()
