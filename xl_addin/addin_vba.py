"""The VBA and the ribbon the Excel add-in (``xl_addin.xlam``) carries.

Its project is what ``xlwings quickstart --addin --ribbon --server`` makes, without Excel:
xlwings' ribbon template's modules (``xlwings`` with PROJECT_NAME set to "xlwings", so it
reads ``xlwings.conf`` exactly as xlwings' own add-in does; ``Dictionary``; the workbook
and sheet documents) plus xlwings' remote modules (``Remote`` with ``RunServerPython``,
VBA-Web's ``WebClient``/``WebRequest``/``WebResponse``/``WebHelpers``/``IWebAuthenticator``)
and our ``RibbonSheetsSync``, all taken from the installed xlwings at build time.
"""
from __future__ import annotations

import re
from pathlib import Path

from xl_addin.vba_project import Module, stored_source

RIBBON_MODULE = "RibbonSheetsSync"
PROJECT_NAME = "SheetsSync"       # the VBA project's name, not the config name
CONFIG_NAME = "xlwings"           # xlwings.conf: sheet, file beside the workbook, user file
URL_KEY = "SHEETS_SYNC_URL"       # our one key; the rest are xlwings' own
REMOTE_MODULES = [("Remote.bas", "module"), ("IWebAuthenticator.cls", "class"),
                  ("WebClient.cls", "class"), ("WebRequest.cls", "class"),
                  ("WebResponse.cls", "class"), ("WebHelpers.bas", "module")]
# what a click does: (ribbon callback, server route, Python function of xl_addin)
BUTTONS = [("RunMain", "recalculate", "main"), ("RunValidate", "validate", "main_validate")]

RIBBON_VBA = """Attribute VB_Name = "{module}"
Option Explicit
' sheets-sync ribbon buttons. With {url_key} in xlwings.conf (the workbook's or the
' add-in's xlwings.conf sheet, xlwings.conf beside the workbook, or the user's
' %USERPROFILE%\\.xlwings\\xlwings.conf) a click posts the workbook to that
' `sheets-sync serve` server with xlwings' RunServerPython: no Python on this PC, the
' token comes from the AUTH key. Without it, the PC's own Python runs xl_addin
' (RunPython, interpreter from INTERPRETER_WIN / INTERPRETER_MAC).

Function SheetsSyncServerUrl() As String
    Dim url As String
    url = GetConfig("{url_key}", "")
    Do While Right(url, 1) = "/"
        url = Left(url, Len(url) - 1)
    Loop
    SheetsSyncServerUrl = url
End Function

Sub SheetsSyncRun(route As String, pythonFunction As String)
    Dim url As String
    url = SheetsSyncServerUrl()
    If url <> "" Then
        RunServerPython url & "/xlwings/" & route
    Else
        RunPython "import xl_addin; xl_addin." & pythonFunction & "()"
    End If
End Sub
{subs}"""

BUTTON_SUB = """
Sub {callback}(control As IRibbonControl)
    SheetsSyncRun "{route}", "{function}"
End Sub
"""

CUSTOM_UI = """<customUI xmlns="http://schemas.microsoft.com/office/2006/01/customui">
    <ribbon>
        <tabs>
            <tab id="sheetsSyncTab" label="sheets-sync">
                <group id="sheetsSyncGroup" label="ตัวชี้วัด / KPI">
                    <button id="sheetsSyncRecalculate" label="คำนวณใหม่ / Recalculate" size="large"
                            onAction="{module}.RunMain" imageMso="CalculateNow"
                            screentip="คำนวณคะแนน ร้อยละ คะแนนถ่วงน้ำหนัก สถานะ และยอดรวม / compute scores and totals"/>
                    <button id="sheetsSyncValidate" label="ตรวจสอบ / Validate" size="large"
                            onAction="{module}.RunValidate" imageMso="DataValidation"
                            screentip="แสดงปัญหาทุกข้อโดยไม่เขียนคะแนน / list every problem, write no scores"/>
                </group>
            </tab>
        </tabs>
    </ribbon>
</customUI>
""".format(module=RIBBON_MODULE)


def ribbon_source() -> str:
    subs = "".join(BUTTON_SUB.format(callback=c, route=r, function=f) for c, r, f in BUTTONS)
    return RIBBON_VBA.format(module=RIBBON_MODULE, url_key=URL_KEY, subs=subs)


def xlwings_module(template_source: str) -> str:
    """The template's ``xlwings`` module reading ``xlwings.conf`` instead of ``myaddin.conf``."""
    text, n = re.subn(r'^(Public Const PROJECT_NAME As String = )"[^"]*"',
                      rf'\1"{CONFIG_NAME}"', template_source, flags=re.M)
    if n != 1:
        raise ValueError("the xlwings template module has no PROJECT_NAME constant")
    return text


def modules(template: dict[str, tuple[str, str]], addin_dir: Path) -> list[Module]:
    """The add-in's modules: ``template`` maps the template's module names to (kind, stored
    source); ``addin_dir`` is xlwings' ``addin/`` folder of exported remote modules."""
    out = []
    for name, (kind, source) in template.items():
        if name == "RibbonMyAddin":
            continue  # replaced by ours
        out.append(Module(name, kind, xlwings_module(source) if name == "xlwings" else source))
    for file, kind in REMOTE_MODULES:
        text = (addin_dir / file).read_text(encoding="cp1252")
        out.append(Module(Path(file).stem, kind, stored_source(text, kind)))
    out.append(Module(RIBBON_MODULE, "module", ribbon_source()))
    return out


def config_sheet_xml(settings: dict[str, str]) -> str:
    """The add-in's own config sheet: one key and value per row, as xlwings reads it
    (column A down to the first blank, column B the value)."""
    from xml.sax.saxutils import escape

    def cell(ref: str, text: str) -> str:
        return f'<c r="{ref}" t="inlineStr"><is><t>{escape(text)}</t></is></c>'
    rows = "".join(f'<row r="{i}">{cell(f"A{i}", k)}{cell(f"B{i}", v)}</row>'
                   for i, (k, v) in enumerate(settings.items(), start=1))
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            '<sheetPr codeName="Sheet2"/><cols><col min="1" max="2" width="24" customWidth="1"/></cols>'
            f"<sheetData>{rows}</sheetData></worksheet>")
