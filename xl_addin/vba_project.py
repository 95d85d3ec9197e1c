"""A source-only VBA project (MS-OVBA 2.3): the streams of ``vbaProject.bin`` for modules we
author. Pure: module sources in, the compound file's bytes out.

- ``VBA/<module>``: the module's source, compressed (MS-OVBA 2.4.1), with no p-code before
  it, so every MODULEOFFSET in ``dir`` is 0;
- ``VBA/dir``: PROJECTINFORMATION, the references (kept verbatim from the template Excel
  wrote, which holds the Office library that declares ``IRibbonControl``) and PROJECTMODULES;
- ``VBA/_VBA_PROJECT``: only the 7-byte header with version 0xFFFF, which tells Office the
  cached p-code is absent so it compiles every module from its source on open;
- ``PROJECT`` (the Module=/Class=/Document= lines) and ``PROJECTwm`` (module names).
"""
from __future__ import annotations

import re
import struct
from dataclasses import dataclass

from xl_addin.cfb_write import write_cfb
from xl_addin.vba_compress import compress

CODEPAGE = 1252      # the template's PROJECTCODEPAGE: module text must encode in it
LCID = 0x0409
SOURCE_ONLY_VBA_PROJECT = b"\xcc\x61\xff\xff\x00\x00\x00"
MODULE_PROCEDURAL, MODULE_OTHER = 0x0021, 0x0022   # MODULETYPE: .bas / class and document
CLASS_BASE = "0{FCFB3D2A-A0FA-1068-A738-08002B3371B5}"  # what Excel stores for a class module
KINDS = ("document", "class", "module")


@dataclass(frozen=True)
class Module:
    name: str
    kind: str      # "document" (ThisWorkbook, a sheet), "class" or "module"
    source: str    # as VBA stores it: the Attribute lines first, then the code

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"{self.name}: kind must be one of {KINDS}")
        if f'Attribute VB_Name = "{self.name}"' not in self.source.split("\n", 1)[0]:
            raise ValueError(f"{self.name}: the source must start with its VB_Name attribute")

    def stored(self) -> bytes:
        text = re.sub(r"\r?\n", "\r\n", self.source)
        return text.encode("cp1252")  # raises on text the project's code page cannot hold


def stored_source(exported: str, kind: str) -> str:
    """A module as VBA stores it, from the text the VBA editor exports (``.bas``/``.cls``):
    a class loses its ``VERSION 1.0 CLASS``/``BEGIN``..``END`` header and gains the
    attributes Excel keeps on a class (VB_Base, VB_TemplateDerived, VB_Customizable)."""
    text = exported.replace("\r\n", "\n").lstrip("\ufeff")
    if kind != "class":
        return text
    text = re.sub(r"\AVERSION 1\.0 CLASS\nBEGIN\n.*?\nEND\n", "", text, flags=re.S)
    lines = text.split("\n")
    attrs = [ln for ln in lines if ln.startswith("Attribute VB_")]
    body = lines[len(attrs):]
    found = {re.match(r"Attribute (VB_\w+)", a).group(1): a for a in attrs}
    order = ["VB_Name", "VB_Base", "VB_GlobalNameSpace", "VB_Creatable", "VB_PredeclaredId",
             "VB_Exposed", "VB_TemplateDerived", "VB_Customizable"]
    found.setdefault("VB_Base", f'Attribute VB_Base = "{CLASS_BASE}"')
    found.setdefault("VB_TemplateDerived", "Attribute VB_TemplateDerived = False")
    found.setdefault("VB_Customizable", "Attribute VB_Customizable = False")
    head = [found.pop(k) for k in order if k in found] + list(found.values())
    return "\n".join(head + body)


def _rec(rid: int, data: bytes = b"") -> bytes:
    return struct.pack("<HI", rid, len(data)) + data


def _mbcs(text: str) -> bytes:
    return text.encode("cp1252")


def _utf16(text: str) -> bytes:
    return text.encode("utf-16-le")


def _module_records(m: Module) -> bytes:
    return b"".join([
        _rec(0x0019, _mbcs(m.name)), _rec(0x0047, _utf16(m.name)),          # MODULENAME(+UNICODE)
        _rec(0x001A, _mbcs(m.name)), _rec(0x0032, _utf16(m.name)),          # MODULESTREAMNAME
        _rec(0x001C), _rec(0x0048),                                          # MODULEDOCSTRING
        _rec(0x0031, struct.pack("<I", 0)),                                  # MODULEOFFSET: source only
        _rec(0x001E, struct.pack("<I", 0)),                                  # MODULEHELPCONTEXT
        _rec(0x002C, struct.pack("<H", 0xFFFF)),                             # MODULECOOKIE
        _rec(MODULE_PROCEDURAL if m.kind == "module" else MODULE_OTHER),     # MODULETYPE
        _rec(0x002B),                                                        # terminator
    ])


def dir_stream(project_name: str, modules: list[Module], references: bytes) -> bytes:
    """The decompressed ``dir`` stream (MS-OVBA 2.3.4.2)."""
    info = b"".join([
        _rec(0x0001, struct.pack("<I", 1)),            # PROJECTSYSKIND: 32-bit Windows, as Excel writes
        _rec(0x0002, struct.pack("<I", LCID)),         # PROJECTLCID
        _rec(0x0014, struct.pack("<I", LCID)),         # PROJECTLCIDINVOKE
        _rec(0x0003, struct.pack("<H", CODEPAGE)),     # PROJECTCODEPAGE
        _rec(0x0004, _mbcs(project_name)),             # PROJECTNAME
        _rec(0x0005), _rec(0x0040),                    # PROJECTDOCSTRING (+unicode)
        _rec(0x0006), _rec(0x003D),                    # PROJECTHELPFILEPATH (1 and 2)
        _rec(0x0007, struct.pack("<I", 0)),            # PROJECTHELPCONTEXT
        _rec(0x0008, struct.pack("<I", 0)),            # PROJECTLIBFLAGS
        struct.pack("<HIIH", 0x0009, 4, 1, 0),         # PROJECTVERSION: Reserved=4, major, minor
        _rec(0x000C), _rec(0x003C),                    # PROJECTCONSTANTS (+unicode)
    ])
    mods = (_rec(0x000F, struct.pack("<H", len(modules)))   # PROJECTMODULES count
            + _rec(0x0013, struct.pack("<H", 0xFFFF))       # PROJECTCOOKIE
            + b"".join(_module_records(m) for m in modules))
    return info + references + mods + _rec(0x0010)   # terminator: Reserved 0


def project_stream(project_name: str, modules: list[Module], project_id: str,
                   protection: list[str]) -> bytes:
    """The ``PROJECT`` stream (MS-OVBA 2.3.1): which module is which kind, the name, and the
    protection lines (CMG/DPB/GC) as the template has them: they are encrypted with a key
    from the project ID, so both are kept together."""
    kind_line = {"document": "Document={}/&H00000000", "class": "Class={}", "module": "Module={}"}
    lines = [f'ID="{project_id}"'] + [kind_line[m.kind].format(m.name) for m in modules]
    lines += [f'Name="{project_name}"', 'HelpContextID="0"', 'VersionCompatible32="393222000"']
    lines += protection + ["", "[Host Extender Info]",
                           "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000",
                           "", "[Workspace]"]
    lines += [f"{m.name}=0, 0, 0, 0, C" for m in modules]
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def project_wm(modules: list[Module]) -> bytes:
    """``PROJECTwm`` (MS-OVBA 2.3.3): each module name in the code page and in UTF-16."""
    return b"".join(_mbcs(m.name) + b"\0" + _utf16(m.name) + b"\0\0" for m in modules) + b"\0\0"


def vba_project_bin(project_name: str, modules: list[Module], references: bytes,
                    project_id: str, protection: list[str]) -> bytes:
    names = [m.name.upper() for m in modules]
    if len(set(names)) != len(names):
        raise ValueError("module names must be unique (VBA ignores case)")
    streams = {"PROJECT": project_stream(project_name, modules, project_id, protection),
               "PROJECTwm": project_wm(modules),
               "VBA/_VBA_PROJECT": SOURCE_ONLY_VBA_PROJECT,
               "VBA/dir": compress(dir_stream(project_name, modules, references))}
    for m in modules:
        streams[f"VBA/{m.name}"] = compress(m.stored())
    return write_cfb(streams)


# --- what is kept from a project Excel wrote (the template) ------------------------------

def _records(data: bytes):
    """(id, raw bytes) of each record of a decompressed ``dir`` stream."""
    i = 0
    while i < len(data):
        rid, size = struct.unpack_from("<HI", data, i)
        if rid == 0x0009:
            size = 6  # PROJECTVERSION's "size" is a reserved 4, then 6 bytes follow
        yield rid, data[i:i + 6 + size]
        i += 6 + size


REFERENCE_IDS = {0x0016, 0x003E, 0x000D, 0x000E, 0x002F, 0x0030, 0x0033}


def read_template(vba_bin: bytes) -> tuple[bytes, str, list[str], dict[str, tuple[str, str]]]:
    """What a build keeps from a ``vbaProject.bin`` Excel wrote: its references, project ID
    and protection lines (``template_parts``), and each module's kind and stored source."""
    import io

    import olefile
    from oletools.olevba import decompress_stream
    ole = olefile.OleFileIO(io.BytesIO(vba_bin))
    try:
        dir_data = decompress_stream(ole.openstream("VBA/dir").read())
        project_text = ole.openstream("PROJECT").read().decode("cp1252")
        kinds = {m.group(2): {"Document": "document", "Class": "class", "Module": "module"}[m.group(1)]
                 for m in re.finditer(r"^(Document|Class|Module)=([^/\r\n]+)", project_text, re.M)}
        sources: dict[str, tuple[str, str]] = {}
        stream = None
        for rid, raw in _records(dir_data):
            if rid == 0x001A:
                stream = raw[6:].decode("cp1252")
            elif rid == 0x0031 and stream is not None:
                offset = struct.unpack_from("<I", raw, 6)[0]
                code = decompress_stream(ole.openstream(f"VBA/{stream}").read()[offset:])
                sources[stream] = (kinds[stream], code.decode("cp1252").replace("\r\n", "\n"))
                stream = None
    finally:
        ole.close()
    return (*template_parts(dir_data, project_text), sources)


def template_parts(dir_data: bytes, project_text: str) -> tuple[bytes, str, list[str]]:
    """From a template's decompressed ``dir`` and its ``PROJECT`` text: the references
    section verbatim, the project ID, and the protection lines that go with that ID."""
    refs = bytearray()
    started = False
    for rid, raw in _records(dir_data):
        if rid == 0x000F:
            break
        if rid in REFERENCE_IDS:
            started = True
        if started:
            refs += raw
    project_id = re.search(r'^ID="(\{[0-9A-F-]+\})"', project_text, re.M | re.I).group(1)
    protection = [ln for ln in project_text.splitlines() if re.match(r"(CMG|DPB|GC)=", ln)]
    return bytes(refs), project_id, protection
