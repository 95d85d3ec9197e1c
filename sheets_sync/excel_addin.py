"""Build and install the Excel ribbon add-in: xlwings' ribbon add-in template with our ribbon
and a VBA project written here (``xl_addin.vba_project``)."""
from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from .backends.files import write_atomic
from .core.errors import SheetsSyncError

ADDIN_NAME = "xl_addin"  # the ribbon's RunPython runs "import xl_addin; xl_addin.main()"
CONF_SHEET = "xlwings.conf"


def _xlwings_dir() -> Path:
    import xlwings
    return Path(xlwings.__file__).parent


def _template() -> Path:
    path = _xlwings_dir() / "quickstart_addin_ribbon.xlam"
    if not path.is_file():
        raise SheetsSyncError("ไม่พบแม่แบบ add-in ของ xlwings", f"xlwings' ribbon add-in template is missing: {path}")
    return path


def extract_vba(path: str | Path) -> dict[str, str]:
    """Each module's source in a built add-in, as oletools (olevba) reads it back."""
    from oletools.olevba import VBA_Parser
    path = Path(path)
    parser = VBA_Parser(path.name, data=path.read_bytes())
    try:
        return {Path(name).stem: src for _, _, name, src in parser.extract_macros()}
    finally:
        parser.close()


def check_vba(path: str | Path) -> dict[str, str]:
    """Read the built add-in's VBA with oletools and check what the ribbon relies on: a Sub
    for every button's onAction, the RunServerPython and RunPython it calls, the xlwings
    version it will send, and the config it reads (``<PROJECT_NAME>.conf``: that sheet, the
    file beside the workbook, or ``%USERPROFILE%\\.<name>\\<name>.conf``)."""
    import re

    from xl_addin.versions import XLWINGS_VERSION
    path = Path(path)
    sources = extract_vba(path)
    with zipfile.ZipFile(path) as z:
        ui = "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.lower().startswith("customui/"))
    code = "\n".join(sources.values())
    found = {key: (m.group(1) if (m := re.search(rf'Const {key} As String = "([^"]*)"', code)) else "")
             for key in ("XLWINGS_VERSION", "PROJECT_NAME")}
    for module, sub in re.findall(r'onAction="(\w+)\.(\w+)"', ui):
        if not re.search(rf"^Sub {sub}\(control As IRibbonControl\)", sources.get(module, ""), re.M):
            raise SheetsSyncError(f"add-in ที่สร้างไม่มีแมโคร {module}.{sub} ของปุ่ม",
                                  f"{path.name}: the VBA has no ribbon macro {module}.{sub}")
    for fn in ("RunServerPython", "RunPython"):
        if not re.search(rf"^(Public )?Function {fn}\(", code, re.M):
            raise SheetsSyncError(f"add-in ที่สร้างไม่มี {fn}", f"{path.name}: the VBA has no {fn}")
    if not found["PROJECT_NAME"]:
        raise SheetsSyncError("add-in ที่สร้างไม่มี PROJECT_NAME", f"{path.name}: the VBA has no PROJECT_NAME")
    if found["XLWINGS_VERSION"] != XLWINGS_VERSION:
        raise SheetsSyncError(
            f"add-in ใช้ xlwings {found['XLWINGS_VERSION']} แต่ sheets-sync ต้องใช้ {XLWINGS_VERSION}",
            f"{path.name} carries xlwings {found['XLWINGS_VERSION'] or '?'} VBA but sheets-sync needs "
            f"{XLWINGS_VERSION}: pip install xlwings=={XLWINGS_VERSION} and build again")
    found["CONFIG"] = f"{found['PROJECT_NAME']}.conf"
    return found


def vba_project(template_bin: bytes) -> bytes:
    """The add-in's ``vbaProject.bin``, written whole: the template's references and
    project ID kept, every module's source ours or xlwings' (``xl_addin.addin_vba``)."""
    from xl_addin import addin_vba
    from xl_addin.vba_project import read_template, vba_project_bin
    references, project_id, protection, sources = read_template(template_bin)
    modules = addin_vba.modules(sources, _xlwings_dir() / "addin")
    return vba_project_bin(addin_vba.PROJECT_NAME, modules, references, project_id, protection)


def settings_from(url: str | None, pairs: list[str]) -> dict[str, str] | None:
    """The add-in's xlwings.conf entries from the command line (``--url``, ``--setting K=V``)."""
    settings: dict[str, str] = {}
    for pair in pairs:
        k, sep, v = pair.partition("=")
        if not sep or not k.strip():
            raise SheetsSyncError(f"--setting ต้องเป็น KEY=VALUE ไม่ใช่ {pair!r}",
                                  f"--setting must be KEY=VALUE, not {pair!r}")
        settings[k.strip()] = v
    if url:
        if not url.lower().startswith(("https://", "http://")):
            raise SheetsSyncError(f"--url ต้องขึ้นต้นด้วย https:// ไม่ใช่ {url!r}",
                                  f"--url must start with https:// (Office requires it), not {url!r}")
        settings["SHEETS_SYNC_URL"] = url.rstrip("/")
    return settings or None


def build(out_dir: str | Path, settings: dict[str, str] | None = None) -> Path:
    """Write ``xl_addin.xlam``: xlwings' ribbon template with our tab (Recalculate and
    Validate) and a VBA project we write (``vba_project``). ``settings`` (for example
    ``{"SHEETS_SYNC_URL": "https://kpi.example.go.th", "AUTH": "..."}``) go into the add-in's
    own ``xlwings.conf`` sheet; without them that sheet stays the template's disabled
    ``_xlwings.conf`` and the PC's xlwings.conf files decide. Checked with oletools after."""
    from xl_addin.addin_vba import CUSTOM_UI, config_sheet_xml
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{ADDIN_NAME}.xlam"
    with zipfile.ZipFile(_template()) as src:
        names = src.namelist()
        ui = next((n for n in names if n.lower().startswith("customui/") and n.lower().endswith(".xml")), None)
        if ui is None or "xl/vbaProject.bin" not in names:
            raise SheetsSyncError("แม่แบบ add-in ไม่มี ribbon หรือ VBA", "the xlwings template has no customUI or VBA part")
        conf_name = CONF_SHEET if settings else f"_{CONF_SHEET}"
        parts = {ui: CUSTOM_UI.encode("utf-8"),
                 "xl/vbaProject.bin": vba_project(src.read("xl/vbaProject.bin")),
                 "xl/workbook.xml": src.read("xl/workbook.xml").replace(
                     b'name="_myaddin.conf"', f'name="{conf_name}"'.encode())}
        if settings:
            parts["xl/worksheets/sheet1.xml"] = config_sheet_xml(settings).encode("utf-8")

        def copy(fh) -> None:
            with zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED) as dst:
                for info in src.infolist():
                    dst.writestr(info, parts.get(info.filename) or src.read(info.filename))
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
