"""The round commands as a ministry types them: status, submit (locks), approve, new-round."""
import json

import openpyxl

import sheets_sync as ss


def test_status_submit_approve_and_new_round_through_the_cli(tmp_path, cli):
    ss.demo(tmp_path / "demo")
    units, ministry = tmp_path / "demo" / "units.yaml", tmp_path / "demo" / "ministry.yaml"
    before = {s["code"]: s for s in json.loads(cli("status", "--units", units, "--period", "2/2567", "--json").stdout)}
    assert {s["state"] for s in before.values()} == {"ร่าง"} and all(s["late"] for s in before.values())  # 2567 is past
    book = tmp_path / "demo" / "units" / "กค.xlsx"
    cli("submit", book, "--period", "2/2567", "--by", "kpi@unit.go.th", "--password", "secret")
    ws = openpyxl.load_workbook(book)["ตัวชี้วัด"]
    assert ws.protection.sheet and ws.protection.password                 # locked with the ministry's password
    after = {s["code"]: s for s in json.loads(cli("status", "--units", units, "--period", "2/2567", "--json").stdout)}
    assert after["กค"]["state"] == "ส่งแล้ว" and after["กค"]["by"] == "kpi@unit.go.th"
    assert after["กค"]["label"] == "submitted late" and after["ศปท"]["state"] == "ร่าง"
    cli("approve", book, "--period", "2/2567", "--by", "ministry")
    assert json.loads(cli("status", "--units", units, "--period", "2/2567", "--json").stdout)[1]["state"] == "อนุมัติ"
    res = cli("new-round", "--units", units, "--template", ministry, "--period", "3/2567", "--into", "files", "--password", "secret")
    assert res.output.count("created") == 3
    new = tmp_path / "demo" / "units" / "กค_3-2567.xlsx"
    assert "3/2567" in openpyxl.load_workbook(new)["ตัวชี้วัด"]["A1"].value
    cli("submit", book, "--period", "9/2567", "--by", "x", "--password", "p", code=2)   # not a period: a message


def test_new_round_as_tabs_and_consolidate_say_which_tab(tmp_path, cli):
    ss.demo(tmp_path / "demo")
    units, ministry = tmp_path / "demo" / "units.yaml", tmp_path / "demo" / "ministry.yaml"
    res = cli("new-round", "--units", units, "--template", ministry, "--period", "3/2567")
    assert res.output.count("created") == 3 and "ตัวชี้วัด 3-2567" in res.output
    assert "ตัวชี้วัด 3-2567" in openpyxl.load_workbook(tmp_path / "demo" / "units" / "กค.xlsx").sheetnames
    out = cli("consolidate", "--units", units, "--out", tmp_path / "s.xlsx", "--period", "2/2567").output
    assert "กค: รอบ 2/2567 อ่านจากแผ่นงาน / round 2/2567 read from tab ตัวชี้วัด" in out
    out = cli("consolidate", "--units", units, "--out", tmp_path / "s.xlsx", "--period", "3/2567").output
    assert "read from tab ตัวชี้วัด 3-2567" in out
    cli("new-round", "--units", units, "--template", ministry, "--period", "4/2567", "--into", "sideways", code=2)
