"""Build and install the Excel ribbon add-in from xlwings' own ribbon add-in template."""
from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from .backends.files import write_atomic
from .core.errors import SheetsSyncError

ADDIN_NAME = "xl_addin"  # the template's VBA runs "import <file name>; <file name>.main()"
CUSTOM_UI = """<customUI xmlns="http://schemas.microsoft.com/office/2006/01/customui">
    <ribbon>
        <tabs>
            <tab id="sheetsSyncTab" label="sheets-sync">
                <group id="sheetsSyncGroup" label="ตัวชี้วัด / KPI">
                    <button id="sheetsSyncRecalculate" label="คำนวณใหม่ / Recalculate" size="large"
                            onAction="RibbonMyAddin.RunMain" imageMso="CalculateNow"
                            screentip="คำนวณคะแนน ร้อยละ คะแนนถ่วงน้ำหนัก สถานะ และยอดรวม / compute scores and totals"/>
                </group>
            </tab>
        </tabs>
    </ribbon>
</customUI>
"""


def _template() -> Path:
    import xlwings
    path = Path(xlwings.__file__).parent / "quickstart_addin_ribbon.xlam"
    if not path.is_file():
        raise SheetsSyncError("ไม่พบแม่แบบ add-in ของ xlwings", f"xlwings' ribbon add-in template is missing: {path}")
    return path


def check_vba(path: str | Path) -> dict[str, str]:
    """Read the built add-in's VBA with oletools and check what the ribbon relies on: the
    RunMain macro, the xlwings version it will send, and the config it reads
    (``<PROJECT_NAME>.conf``: that sheet, or ``%USERPROFILE%\\.<name>\\<name>.conf``)."""
    import re

    from oletools.olevba import VBA_Parser
    from xl_addin.versions import XLWINGS_VERSION
    path = Path(path)
    parser = VBA_Parser(path.name, data=path.read_bytes())
    try:
        code = "\n".join(src for *_, src in parser.extract_macros())
    finally:
        parser.close()
    found = {key: (m.group(1) if (m := re.search(rf'Const {key} As String = "([^"]*)"', code)) else "")
             for key in ("XLWINGS_VERSION", "PROJECT_NAME")}
    if "Sub RunMain(control As IRibbonControl)" not in code or not found["PROJECT_NAME"]:
        raise SheetsSyncError("add-in ที่สร้างไม่มีแมโคร RunMain", f"{path.name}: the VBA has no RunMain ribbon macro")
    if found["XLWINGS_VERSION"] != XLWINGS_VERSION:
        raise SheetsSyncError(
            f"add-in ใช้ xlwings {found['XLWINGS_VERSION']} แต่ sheets-sync ต้องใช้ {XLWINGS_VERSION}",
            f"{path.name} carries xlwings {found['XLWINGS_VERSION'] or '?'} VBA but sheets-sync needs "
            f"{XLWINGS_VERSION}: pip install xlwings=={XLWINGS_VERSION} and build again")
    found["CONFIG"] = f"{found['PROJECT_NAME']}.conf"
    return found


def build(out_dir: str | Path) -> Path:
    """Write ``xl_addin.xlam``: xlwings' ribbon template with our tab; every other part as it
    was. Its VBA is then checked with oletools (``check_vba``)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{ADDIN_NAME}.xlam"
    with zipfile.ZipFile(_template()) as src:
        names = src.namelist()
        ui = next((n for n in names if n.lower().startswith("customui/") and n.lower().endswith(".xml")), None)
        if ui is None:
            raise SheetsSyncError("แม่แบบ add-in ไม่มี ribbon", "the xlwings template has no customUI part")

        def copy(fh) -> None:
            with zipfile.ZipFile(fh, "w") as dst:
                for info in src.infolist():
                    dst.writestr(info, CUSTOM_UI.encode("utf-8") if info.filename == ui else src.read(info.filename))
        write_atomic(target, copy)   # a failed build never leaves half an add-in
    check_vba(target)
    return target


def install(path: str | Path) -> str:
    """Install with xlwings' own `addin install` (Windows and macOS, where Excel runs)."""
    path = Path(path)
    if not path.is_file():
        raise SheetsSyncError(f"ไม่พบไฟล์ {path} (สร้างด้วย excel-addin build ก่อน)",
                              f"{path} not found (run `sheets-sync excel-addin build` first)")
    if sys.platform not in ("win32", "darwin"):
        raise SheetsSyncError(
            "ติดตั้ง add-in ได้บนเครื่อง Windows หรือ macOS ที่มี Excel เท่านั้น",
            "Excel add-ins install on Windows or macOS, where Excel runs: copy the .xlam there and run "
            f"`xlwings addin install --file {path.name}` (or `sheets-sync excel-addin install`)")
    cmd = [sys.executable, "-m", "xlwings", "addin", "install", "--file", str(path)]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode:
        raise SheetsSyncError("ติดตั้ง add-in ไม่สำเร็จ", f"xlwings addin install failed: {done.stderr.strip()}")
    return done.stdout.strip()
