"""The add-in's VBA project, written here, read back by independent parsers: oletools'
MS-OVBA decompressor and olevba, olefile for the compound file, LibreOffice's VBA import."""
import html
import io
import os
import random
import re
import shutil
import struct
import subprocess
import zipfile
from pathlib import Path

import olefile
import pytest
from oletools.olevba import VBA_Project, decompress_stream

import xl_addin  # noqa: F401 - first, as the server does: the licence key before xlwings
from sheets_sync.excel_addin import _template, _xlwings_dir, build, extract_vba
from xl_addin import addin_vba
from xl_addin.cfb_write import write_cfb
from xl_addin.vba_compress import compress, copy_token_split
from xl_addin.vba_project import read_template

ADDIN = _xlwings_dir() / "addin"
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("addin"))


@pytest.fixture(scope="module")
def written_modules():
    """The modules exactly as the build hands them to the writer."""
    *_, sources = read_template(zipfile.ZipFile(_template()).read("xl/vbaProject.bin"))
    return addin_vba.modules(sources, ADDIN)


def as_xlsm(addin: Path, xlsm: Path) -> Path:
    """The add-in's parts as a macro workbook: openpyxl and LibreOffice open workbooks, not
    add-ins, and only the workbook part's content type differs."""
    with zipfile.ZipFile(addin) as src, zipfile.ZipFile(xlsm, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"ms-excel.addin.macroEnabled.main", b"ms-excel.sheet.macroEnabled.main")
            dst.writestr(info.filename, data)
    return xlsm


def vba_bin(path: Path) -> bytes:
    with zipfile.ZipFile(path) as z:
        return z.read("xl/vbaProject.bin")


# --- MS-OVBA compression, through oletools' decompressor ---------------------------------

def test_copy_token_bit_split_follows_the_spec_table():
    # MS-OVBA 2.4.1.3.19.1: offset bits by position in the chunk; max length 0xFFFF >> bits + 3
    table = [(1, 4), (16, 4), (17, 5), (32, 5), (33, 6), (64, 6), (65, 7), (128, 7), (129, 8),
             (256, 8), (257, 9), (512, 9), (513, 10), (1024, 10), (1025, 11), (2048, 11),
             (2049, 12), (4096, 12)]
    for difference, bits in table:
        assert copy_token_split(difference) == (bits, (0xFFFF >> bits) + 3)
    assert copy_token_split(1)[1] == 4098 and copy_token_split(4096)[1] == 18


def test_compression_gives_the_specs_no_compression_example_byte_for_byte():
    # MS-OVBA 3.2.1: no byte repeats, so eight literals per flag byte 0x00
    expected = bytes.fromhex("01 19 B0 00 61 62 63 64 65 66 67 68 00 69 6A 6B 6C 6D 6E 6F 70"
                             " 00 71 72 73 74 75 76 2E")
    assert compress(b"abcdefghijklmnopqrstuv.") == expected
    # 3.2.2's input: the spec's own example output picks other (equally valid) copy tokens
    # than its pseudo-code does, so only the round trip is compared
    normal = b"#aaabcdefaaaaghijaaaaaklaaamnopqaaaaaaaaaaaarstuvwxyzaaa"
    assert decompress_stream(compress(normal)) == normal and len(compress(normal)) < len(normal)


def _text(rng: random.Random, n: int) -> bytes:
    words = [b"Dim ", b"As String", b"End Sub\r\n", b"If ", b" Then", b"x", b"(", b")", b"'",
             b"\r\n", b"    ", b"ab", b"Range", b"=", b"1"]
    out = bytearray()
    while len(out) < n:
        out += rng.choice(words)
    return bytes(out[:n])


@pytest.mark.parametrize("n", [0, 1, 2, 3, 4, 8, 9, 4095, 4096, 4097, 8191, 8192, 8193, 20000])
def test_compression_round_trips_text_and_runs_across_chunk_boundaries(n):
    rng = random.Random(n)
    for data in (_text(rng, n), b"a" * n, bytes(range(256)) * (n // 256) + bytes(n % 256)):
        packed = compress(data)
        assert decompress_stream(packed) == data
        if n >= 64:
            assert len(packed) < len(data)  # it really compresses, copy tokens and all


@pytest.mark.parametrize("n", [1, 100, 3640, 4096, 4096 + 3640, 3 * 4096, 2 * 4096 + 17])
def test_incompressible_data_round_trips(n):
    data = random.Random(n).randbytes(n)
    assert decompress_stream(compress(data)) == data


def test_an_incompressible_short_last_chunk_is_a_raw_chunk_padded_as_the_spec_says():
    # MS-OVBA 2.4.1.3.10/12: tokens for 3641+ random bytes exceed 4096, so the chunk goes raw,
    # and a raw chunk always holds 4096 bytes: the tail is padded with zeros
    data = random.Random(7).randbytes(4096 + 3800)
    packed = compress(data)
    assert decompress_stream(packed) == data + b"\x00" * (4096 - 3800)
    header = struct.unpack_from("<H", packed, 1 + 2 + 4096)[0]   # the second chunk: raw
    assert header >> 15 == 0 and (header >> 12) & 7 == 0b011 and (header & 0xFFF) + 3 == 4098


def test_compression_round_trips_random_mixtures():
    rng = random.Random(2026)
    for _ in range(150):
        n = rng.randrange(0, 9000)
        alphabet = rng.choice([b"ab", b"abc \r\n", b"xyz0123456789"])
        data = bytes(rng.choice(alphabet) for _ in range(n))
        assert decompress_stream(compress(data)) == data


def test_compression_round_trips_real_vba_and_the_template_streams_excel_wrote():
    files = sorted(ADDIN.glob("*.bas")) + sorted(ADDIN.glob("*.cls"))
    assert len(files) >= 10
    for f in files:
        data = f.read_bytes()
        assert decompress_stream(compress(data)) == data, f.name
    ole = olefile.OleFileIO(io.BytesIO(vba_bin(_template())))
    for path in ole.listdir():
        raw = ole.openstream(path).read()
        if path[0] == "VBA" and path[1] not in ("_VBA_PROJECT",) and raw[:1] == b"\x01":
            try:
                real = decompress_stream(raw)
            except ValueError:
                continue  # a module stream with p-code before its source
            assert decompress_stream(compress(real)) == real, path


# --- MS-CFB, through olefile -------------------------------------------------------------

def test_olefile_opens_the_compound_file_and_lists_every_stream_exactly():
    rng = random.Random(3)
    streams = {"PROJECT": b"ID=x\r\n", "PROJECTwm": b"", "VBA/_VBA_PROJECT": b"\xcc\x61\xff\xff\0\0\0",
               "VBA/dir": rng.randbytes(4095), "VBA/Module1": rng.randbytes(4096),
               "VBA/Big": rng.randbytes(300_000),          # more than one FAT sector
               "Deep/Er/Stream": b"nested storages"}
    streams.update({f"VBA/M{i:02d}": rng.randbytes(i * 61) for i in range(60)})  # many directory sectors
    data = write_cfb(streams)
    assert len(data) % 512 == 0
    ole = olefile.OleFileIO(io.BytesIO(data), raise_defects=olefile.DEFECT_INCORRECT)
    listed = {"/".join(p): ole.openstream("/".join(p)).read() for p in ole.listdir()}
    assert listed == streams
    assert ole.get_type("VBA") == olefile.STGTY_STORAGE and ole.get_type("Deep/Er") == olefile.STGTY_STORAGE
    # small streams sit in the mini stream, others in regular sectors (the 4096 cut-off)
    assert ole.get_size("VBA/dir") == 4095 and ole.get_size("VBA/Module1") == 4096


def test_each_storage_children_are_a_search_tree_in_cfb_order():
    streams = {f"VBA/{name}": b"x" for name in ["dir", "Remote", "WebHelpers", "a", "B", "xlwings", "Sheet2",
                                                 "ThisWorkbook", "_VBA_PROJECT", "WebClient"]}
    ole = olefile.OleFileIO(io.BytesIO(write_cfb(streams)))
    entries = ole.direntries

    def in_order(sid):
        if sid == olefile.NOSTREAM:
            return []
        e = entries[sid]
        return in_order(e.sid_left) + [e.name] + in_order(e.sid_right)
    names = in_order(entries[entries[0].sid_child].sid_child)   # the VBA storage's children
    assert sorted(names) == sorted(n.split("/")[1] for n in streams)
    assert names == sorted(names, key=lambda n: (len(n), n.upper()))  # MS-CFB 2.6.4 order


# --- the VBA project, through olevba and olefile -----------------------------------------

def test_olevba_extracts_every_module_exactly_as_written(built, written_modules):
    got = extract_vba(built)
    assert set(got) == {m.name for m in written_modules}
    for m in written_modules:
        assert got[m.name] == m.stored().decode("cp1252"), m.name


def test_project_is_source_only_and_parses_strictly(built, written_modules):
    ole = olefile.OleFileIO(io.BytesIO(vba_bin(built)), raise_defects=olefile.DEFECT_INCORRECT)
    assert ole.openstream("VBA/_VBA_PROJECT").read() == b"\xcc\x61\xff\xff\x00\x00\x00"  # version 0xFFFF
    project = VBA_Project(ole, "", "PROJECT", "VBA/dir", relaxed=False)   # raises on bad values
    project.parse_project_stream()
    assert len(list(project.parse_modules())) == len(written_modules)
    kinds = {m.name: m.kind for m in written_modules}
    for module in project.modules:
        assert module.textoffset == 0   # no p-code before the source
        assert module.type == (0x21 if kinds[module.name] == "module" else 0x22)
    text = ole.openstream("PROJECT").read().decode("cp1252")
    assert "Document=ThisWorkbook/&H00000000" in text and "Class=WebClient" in text
    assert "Module=Remote" in text and "Module=RibbonSheetsSync" in text and 'Name="SheetsSync"' in text
    # the template's project ID and the protection lines encrypted with it stay together
    template = olefile.OleFileIO(io.BytesIO(vba_bin(_template()))).openstream("PROJECT").read().decode("cp1252")
    for key in ("ID", "CMG", "DPB", "GC"):
        line = re.search(rf"^{key}=[^\r\n]*", template, re.M).group(0)
        assert line in text.splitlines()


def test_every_ribbon_action_names_a_sub_in_the_extracted_source(built):
    with zipfile.ZipFile(built) as z:
        ui = z.read("customUI/customUI.xml").decode()
    actions = re.findall(r'onAction="(\w+)\.(\w+)"', ui)
    labels = re.findall(r'label="([^"]+)"', ui)
    assert len(actions) == 2 and "คำนวณใหม่ / Recalculate" in labels and "ตรวจสอบ / Validate" in labels
    sources = extract_vba(built)
    for module, sub in actions:
        assert re.search(rf"^Sub {sub}\(control As IRibbonControl\)\r?$", sources[module], re.M), (module, sub)


def _remote_signature() -> list[tuple[str, bool]]:
    text = (ADDIN / "Remote.bas").read_text(encoding="cp1252").replace(" _\r\n", " ").replace(" _\n", " ")
    params = re.search(r"^Function RunServerPython\((.*?)\)\s*$", text, re.M).group(1)
    return [(m.group(2), bool(m.group(1))) for m in
            re.finditer(r"(Optional\s+)?(\w+)\s+As\s+\w+", params)]


def _split_args(text: str) -> list[str]:
    out, depth, quoted, cur = [], 0, False, ""
    for ch in text:
        quoted ^= ch == '"'
        depth += (ch == "(") - (ch == ")") if not quoted else 0
        if ch == "," and not quoted and depth == 0:
            out.append(cur.strip())
            cur = ""
        else:
            cur += ch
    return out + ([cur.strip()] if cur.strip() else [])


def test_run_server_python_call_matches_remote_bas_signature(built):
    from xl_addin.server import app
    signature = _remote_signature()
    shipped = extract_vba(built)["Remote"].replace("\r\n", "\n")
    assert shipped == (ADDIN / "Remote.bas").read_text(encoding="cp1252").replace("\r\n", "\n")
    assert signature[0] == ("url", False) and len(signature) == 14   # xlwings 0.37.8's
    names = [n for n, _ in signature]
    required = sum(not optional for _, optional in signature)
    calls = re.findall(r"^\s*RunServerPython\s+(.+)$", extract_vba(built)["RibbonSheetsSync"], re.M)
    assert calls
    for call in calls:
        args = _split_args(call)
        positional = [a for a in args if ":=" not in a]
        named = [a.split(":=")[0].strip() for a in args if ":=" in a]
        assert required <= len(positional) <= len(names) and set(named) <= set(names[len(positional):])
    # the URL it builds is the server's: SHEETS_SYNC_URL & "/xlwings/" & route
    routes = {getattr(r, "path", "") for r in app.routes}
    for _, route, function in addin_vba.BUTTONS:
        assert f"/xlwings/{route}" in routes
        assert callable(getattr(xl_addin, function))   # the RunPython path's function


def _function(text: str, name: str) -> str:
    return re.search(rf"^Function {name}\b.*?^End Function", text.replace("\r\n", "\n"), re.M | re.S).group(0)


def test_the_addin_reads_xlwings_conf_exactly_as_xlwings_own_addin(built):
    ours = extract_vba(built)["xlwings"]
    own = (ADDIN / "Config.bas").read_text(encoding="cp1252")
    own_name = re.search(r'PROJECT_NAME As String = "(\w+)"', (ADDIN / "Main.bas").read_text()).group(1)
    assert own_name == "xlwings"
    assert re.search(r'^Public Const PROJECT_NAME As String = "(\w+)"', ours, re.M).group(1) == own_name
    for fn in ("GetConfig", "GetConfigFilePath", "GetConfigFromSheet", "GetConfigFromFile",
               "GetDirectoryConfigFilePath"):
        assert _function(ours, fn) == _function(own, fn), fn
    ribbon = extract_vba(built)["RibbonSheetsSync"]
    assert f'GetConfig("{addin_vba.URL_KEY}", "")' in ribbon
    assert 'GetConfig("AUTH", "")' in extract_vba(built)["Remote"]   # the token, read by RunServerPython


def test_settings_go_into_the_addins_own_xlwings_conf_sheet(tmp_path):
    import openpyxl
    path = build(tmp_path, settings={"SHEETS_SYNC_URL": "https://kpi.example.go.th/sheets-sync",
                                     "INTERPRETER_WIN": r"C:\Python311\python.exe"})
    wb = openpyxl.load_workbook(as_xlsm(path, tmp_path / "as.xlsm"))
    assert wb.sheetnames == ["xlwings.conf"]
    rows = [tuple(c.value for c in row) for row in wb["xlwings.conf"].iter_rows()]
    assert rows == [("SHEETS_SYNC_URL", "https://kpi.example.go.th/sheets-sync"),
                    ("INTERPRETER_WIN", r"C:\Python311\python.exe")]


# --- LibreOffice: a third-party VBA importer reading our bytes ----------------------------

@pytest.mark.skipif(not SOFFICE, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_imports_every_module_into_a_basic_library(built, written_modules, tmp_path):
    xlsm = as_xlsm(built, tmp_path / "addin.xlsm")
    profile = (tmp_path / "profile").as_uri()   # a private profile: other soffice runs don't clash
    subprocess.run([SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--norestore",
                    "--convert-to", "ods", "--outdir", str(tmp_path), str(xlsm)],
                   check=True, capture_output=True, timeout=300, env={**os.environ, "HOME": str(tmp_path)})
    with zipfile.ZipFile(tmp_path / "addin.ods") as ods:
        basic = {n: ods.read(n).decode("utf-8") for n in ods.namelist() if n.startswith("Basic/SheetsSync/")}
    lo_kind = {"module": "normal", "class": "class", "document": "document"}
    assert {f"Basic/SheetsSync/{m.name}.xml" for m in written_modules} <= set(basic)
    for m in written_modules:
        found = re.search(r'script:moduleType="(\w+)"[^>]*>(.*)</script:module>',
                          basic[f"Basic/SheetsSync/{m.name}.xml"], re.S)
        assert found.group(1) == lo_kind[m.kind], m.name
        # LibreOffice drops the Attribute lines and prefixes its own; the code is ours, whole
        code = "\n".join(ln for ln in m.source.replace("\r\n", "\n").split("\n") if not ln.startswith("Attribute "))
        assert code.strip() in html.unescape(found.group(2)), m.name


def test_check_vba_refuses_a_ribbon_action_with_no_sub(built, tmp_path):
    from sheets_sync import SheetsSyncError
    from sheets_sync.excel_addin import check_vba
    broken = tmp_path / "broken.xlam"
    with zipfile.ZipFile(built) as src, zipfile.ZipFile(broken, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "customUI/customUI.xml":
                data = data.replace(b"RibbonSheetsSync.RunValidate", b"RibbonSheetsSync.RunCheck")
            dst.writestr(info, data)
    with pytest.raises(SheetsSyncError) as e:
        check_vba(broken)
    assert "RibbonSheetsSync.RunCheck" in e.value.en and "RibbonSheetsSync.RunCheck" in e.value.th


def test_cli_build_puts_url_and_settings_into_the_addin(tmp_path):
    """`excel-addin build --url --setting`: the same xlwings.conf sheet as the API's settings."""
    import openpyxl
    from typer.testing import CliRunner
    from sheets_sync.cli import app
    res = CliRunner().invoke(app, ["excel-addin", "build", "--out", str(tmp_path),
                                   "--url", "https://kpi.example.go.th/sheets-sync/", "--setting", "AUTH=tok en"])
    assert res.exit_code == 0, res.output
    wb = openpyxl.load_workbook(as_xlsm(tmp_path / "xl_addin.xlam", tmp_path / "as.xlsm"))
    rows = [tuple(c.value for c in row) for row in wb["xlwings.conf"].iter_rows()]
    assert rows == [("AUTH", "tok en"), ("SHEETS_SYNC_URL", "https://kpi.example.go.th/sheets-sync")]
    bad = CliRunner().invoke(app, ["excel-addin", "build", "--out", str(tmp_path / "b"), "--setting", "AUTH"])
    assert bad.exit_code != 0 and "KEY=VALUE" in bad.output and "Traceback" not in bad.output
    no_scheme = CliRunner().invoke(app, ["excel-addin", "build", "--out", str(tmp_path / "b"), "--url", "kpi.mof.go.th"])
    assert no_scheme.exit_code != 0 and "https://" in no_scheme.output
    assert not (tmp_path / "b" / "xl_addin.xlam").exists()
