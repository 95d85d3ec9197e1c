"""A unit's ITA target comes from units.yaml (issue 14.4), not one figure for everyone."""
import openpyxl

import sheets_sync as ss


def test_a_units_target_from_the_registry_reaches_its_summary_tab(tmp_path):
    (tmp_path / "units").mkdir()
    (tmp_path / "units.yaml").write_text(
        "units:\n  - {code: A, name: กองคลัง, sheet: units/A.xlsx, target: 90}\n"
        "  - {code: B, name: กองบัญชี, sheet: units/B.xlsx}\n", encoding="utf-8")
    (tmp_path / "items.csv").write_text("code,indicator,question\nI1,1,ข้อหนึ่ง\n", encoding="utf-8")
    (tmp_path / "ministry.yaml").write_text("template: ita\nversion: 1\nindicators: items.csv\n", encoding="utf-8")
    assert [o.status for o in ss.provision(tmp_path / "units.yaml", tmp_path / "ministry.yaml")] == ["created"] * 2
    for code in ("A", "B"):
        wb = openpyxl.load_workbook(tmp_path / "units" / f"{code}.xlsx")
        ws = wb["ITA"]
        row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "I1")
        ws.cell(row, 4).value = 80
        wb.save(tmp_path / "units" / f"{code}.xlsx")
        ss.recalc(tmp_path / "units" / f"{code}.xlsx")
    def gap(code):
        rows = list(openpyxl.load_workbook(tmp_path / "units" / f"{code}.xlsx")["สรุป ITA"].iter_rows(values_only=True))
        head = next(r for r in rows if r and "ส่วนต่าง" in [str(v) for v in r])
        line = next(r for r in rows[rows.index(head) + 1:] if r and r[1] == 1)
        return line[head.index("ส่วนต่าง")], line[head.index("เป้าหมาย")]
    assert gap("A") == (-10.0, 90.0)                                   # its own target
    assert gap("B") == (None, "ไม่มีเป้าหมาย / no target")              # none set: no gap invented
    (tmp_path / "units.yaml").write_text((tmp_path / "units.yaml").read_text(encoding="utf-8")
                                         .replace("target: 90", "target: 85"), encoding="utf-8")
    ss.push_template(tmp_path / "units.yaml", tmp_path / "ministry.yaml")   # the registry changed
    ss.recalc(tmp_path / "units" / "A.xlsx")
    assert gap("A") == (-5.0, 85.0)
