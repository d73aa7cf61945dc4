"""Host workbook build: VBA modules, buttons, xlwings.conf, determinism,
and LibreOffice as an independent VBA reader (and executor).

Source convention checked here (see sjtx_xl/vba/project.py): a module's
stored source is its .bas file byte for byte after LF -> CRLF
normalisation, including the leading ``Attribute VB_Name`` line that VBA
needs; xlwings.bas is embedded exactly as shipped by the installed xlwings.
"""

from __future__ import annotations

import ast
import datetime as dt
import inspect
import io
import re
import shutil
import sys
import types
import typing
import zipfile
from pathlib import Path

import pytest

olefile = pytest.importorskip("olefile")
olevba = pytest.importorskip("oletools.olevba")
openpyxl = pytest.importorskip("openpyxl")

from sjtx_xl import workbook as wbmod  # noqa: E402
from sjtx_xl.vba.compression import decompress  # noqa: E402

from golden import assert_same_members, members  # noqa: E402  (tests/golden.py)

ROOT = Path(__file__).resolve().parent.parent
MACROS = ROOT / "macros"
COMMITTED = ROOT / "workbook" / "sjtx_xl.xlsm"
XLWINGS_DIR = Path(__import__("xlwings").__file__).resolve().parent

EXPECTED_MODULES = {
    "ThisWorkbook": "document",
    "Sheet1": "document",
    "Sheet2": "document",
    "Sheet3": "document",
    "Sheet4": "document",
    "xlwings": "standard",
    "Dictionary": "class",
    "sjtx_buttons": "standard",
    "xlwings_udfs": "standard",
}
EXPECTED_BUTTONS = {
    "选择文件夹": "SJTX_PickFolder",
    "合并汇总": "SJTX_MergeFolder",
    "生成模板": "SJTX_BuildTemplates",
    "校验文件": "SJTX_CheckFile",
    "生成上报材料": "SJTX_SubmitPackage",
}
EXPECTED_RUNPYTHON = {
    "SJTX_MergeFolder": "import sjtx_xl.xl as x; x.merge_folder()",
    "SJTX_BuildTemplates": "import sjtx_xl.xl as x; x.build_templates()",
    "SJTX_SubmitPackage": "import sjtx_xl.xl as x; x.submit_package()",
    "SJTX_CheckFile": "import sjtx_xl.xl as x; x.check_file()",
}


def crlf(b: bytes) -> bytes:
    return b.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    return wbmod.build_workbook(tmp_path_factory.mktemp("wb") / "sjtx_xl.xlsm")


def _vba_bin(path: Path) -> bytes:
    with zipfile.ZipFile(path) as z:
        return z.read("xl/vbaProject.bin")


# --------------------------------------------------------------------------
# VBA project as seen by olevba / olefile


def test_olevba_lists_all_modules(built):
    parser = olevba.VBA_Parser(str(built))
    assert parser.detect_vba_macros()
    found = {name: code for (_f, _s, name, code) in parser.extract_macros()}
    ext = {"standard": ".bas", "class": ".cls", "document": ".cls"}
    assert set(found) == {n + ext[k] for n, k in EXPECTED_MODULES.items()}
    parser.close()


def _olevba_sources(path: Path) -> dict[str, bytes]:
    parser = olevba.VBA_Parser(str(path))
    out = {}
    for (_f, stream, name, code) in parser.extract_macros():
        out[stream.split("/")[-1]] = code.encode("latin-1")
    parser.close()
    return out


def test_module_sources_equal_bas_files(built):
    olevba_src = _olevba_sources(built)
    ole = olefile.OleFileIO(io.BytesIO(_vba_bin(built)))
    for bas in sorted(MACROS.glob("*.bas")):
        name = re.match(rb'Attribute VB_Name = "(\w+)"', bas.read_bytes()).group(1).decode()
        expected = crlf(bas.read_bytes())
        stored = decompress(ole.openstream(f"VBA/{name}").read())
        assert stored == expected, name
        assert crlf(olevba_src[name]) == expected, name
    xl = decompress(ole.openstream("VBA/xlwings").read())
    assert xl == (XLWINGS_DIR / "xlwings.bas").read_bytes()
    assert b"xlwings is distributed under a BSD 3-clause license." in xl
    assert b"Copyright (C) 2014-present, Zoomer Analytics LLC." in xl
    dic = decompress(ole.openstream("VBA/Dictionary").read())
    assert dic.startswith(b'Attribute VB_Name = "Dictionary"\r\nAttribute VB_Base = "0{FCFB3D2A-')
    for doc in ("ThisWorkbook", "Sheet1", "Sheet4"):
        src = decompress(ole.openstream(f"VBA/{doc}").read())
        assert src.startswith(f'Attribute VB_Name = "{doc}"\r\n'.encode())
        assert b"VB_PredeclaredId = True" in src


def test_project_is_source_only(built):
    ole = olefile.OleFileIO(io.BytesIO(_vba_bin(built)))
    assert ole.openstream("VBA/_VBA_PROJECT").read() == b"\xcc\x61\xff\xff\x00\x01\x00"
    text = ole.openstream("PROJECT").read().decode("ascii")
    for name, kind in EXPECTED_MODULES.items():
        line = {"document": f"Document={name}/&H00000000", "standard": f"Module={name}", "class": f"Class={name}"}[kind]
        assert line in text.split("\r\n")


def test_all_vba_is_ascii_and_imports_are_fixed():
    for bas in MACROS.glob("*.bas"):
        bas.read_bytes().decode("ascii")  # raises on any non-ASCII byte
    buttons = (MACROS / "sjtx_buttons.bas").read_text("ascii")
    for macro in EXPECTED_BUTTONS.values():
        assert re.search(rf"^Public Sub {macro}\(\)", buttons, re.M), macro
    for macro, command in EXPECTED_RUNPYTHON.items():
        body = buttons.split(f"Sub {macro}()", 1)[1].split("End Sub", 1)[0]
        assert f'RunPython "{command}"' in body
    # never derived from the workbook name (xlwings issue 2004)
    assert not re.search(r"(ThisWorkbook|ActiveWorkbook)\.(Name|FullName)\b", buttons)
    # folder picker: Application.FileDialog(msoFileDialogFolderPicker = 4)
    # writing the named cell src_folder, no Python needed
    assert re.search(r"FOLDER_PICKER As Long = 4\b", buttons)
    assert "Application.FileDialog(FOLDER_PICKER)" in buttons
    assert 'SRC_FOLDER_NAME As String = "src_folder"' in buttons


class _ComError(Exception):
    """Stands in for pywintypes.com_error."""


class _FakeExcel:
    """The few COM members xlwings.udfs.import_udfs touches: it removes and imports the
    xlwings_udfs module and sets each function's help (MacroOptions); we keep what it writes."""

    Name = "sjtx_xl.xlsm"

    def __init__(self):
        self.imported = None
        self.options = {}
        self.VBProject = types.SimpleNamespace(VBComponents=self)
        self.Application = types.SimpleNamespace(Version="16.0", MacroOptions=self._macro_options,
                                                 Run=self._run)

    def __call__(self, name):  # VBComponents("xlwings_udfs"): absent in a fresh workbook
        raise _ComError(name)

    def Remove(self, component):  # noqa: N802 (COM name)
        raise AssertionError("nothing to remove")

    def Import(self, path):  # noqa: N802 (COM name)
        with open(path, encoding="utf-8") as fh:  # VBAWriter writes text in the platform encoding
            self.imported = fh.read()

    def _run(self, macro, path):
        raise AssertionError(f"fallback {macro} not expected")

    def _macro_options(self, macro, **kwargs):
        self.options[macro] = kwargs


@pytest.fixture
def real_udf_registration(monkeypatch):
    """xlwings' own udfs.py (xlfunc/xlarg decorators, import_udfs), importable on Linux: its
    module-level pywin32 imports get stand-ins, nothing of its code is copied or lifted."""
    import importlib.util

    import xlwings

    win32 = types.ModuleType("win32com")
    client = types.ModuleType("win32com.client")
    client.Dispatch = lambda obj: pytest.fail("Dispatch must not be needed")
    win32.client = client
    for name, mod in {"pythoncom": types.SimpleNamespace(CoInitialize=lambda: None),
                      "pywintypes": types.SimpleNamespace(com_error=_ComError),
                      "win32com": win32, "win32com.client": client}.items():
        monkeypatch.setitem(sys.modules, name, mod)
    spec = importlib.util.spec_from_file_location("xlwings.udfs", XLWINGS_DIR / "udfs.py")
    udfs = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "xlwings.udfs", udfs)
    spec.loader.exec_module(udfs)
    # what xlwings/__init__.py binds on Windows with pywin32
    for public, real in (("func", udfs.xlfunc), ("arg", udfs.xlarg), ("ret", udfs.xlret), ("sub", udfs.xlsub)):
        monkeypatch.setattr(xlwings, public, real)
    # a fresh sjtx_xl.xl, decorated by the real decorators (a broken @xw.arg raises here)
    import sjtx_xl

    spec = importlib.util.spec_from_file_location("sjtx_xl.xl", Path(sjtx_xl.__file__).parent / "xl.py")
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "sjtx_xl.xl", module)
    spec.loader.exec_module(module)
    monkeypatch.setitem(udfs.udf_modules, "sjtx_xl.xl", {"module": module, "filetime": None, "filename": spec.origin})
    return udfs, module


def test_xlwings_real_udf_registration_over_sjtx_xl(real_udf_registration):
    """xlwings.udfs.import_udfs, as Excel's "Import Python UDFs" runs it, over sjtx_xl.xl: it
    writes exactly our macros/xlwings_udfs.bas (bar its comment lines) and registers each
    function's Chinese help, every text within Excel's 255 characters."""
    udfs, module = real_udf_registration
    funcs = {name: getattr(module, name) for name in dir(module) if hasattr(getattr(module, name), "__xlfunc__")}
    assert sorted(funcs) == ["SJTX_CHECK", "SJTX_INDUSTRY", "SJTX_SIZE", "SJTX_USCC"]
    excel = _FakeExcel()
    udfs.import_udfs("sjtx_xl.xl", excel)

    imported = excel.imported.replace("\r\n", "\n")
    assert "Function SJTX_SIZE(industry, employees, revenue, Optional assets)" in imported
    bas = (MACROS / "xlwings_udfs.bas").read_text("ascii").replace("\r\n", "\n")
    head = bas.split("\n")[:3]
    body = [line for line in bas.split("\n")[3:] if not line.startswith("'")]
    while body and body[0] == "":
        body.pop(0)
    assert head + body == imported.split("\n"), "macros/xlwings_udfs.bas differs from what xlwings imports"

    assert sorted(excel.options) == sorted(f"'sjtx_xl.xlsm'!{name}" for name in funcs)
    for name, f in funcs.items():
        opts = excel.options[f"'sjtx_xl.xlsm'!{name}"]
        params = list(inspect.signature(f).parameters)
        assert opts["Description"] == f.__doc__[:255]
        assert len(f.__doc__) <= 255, f"{name}: Excel cuts the description at 255 characters"
        docs = opts["ArgumentDescriptions"]
        assert len(docs) == len(params)
        for param, doc in zip(params, docs):
            assert not doc.startswith("Positional argument"), f"{name}({param}) has no @xw.arg doc"
            assert 0 < len(doc) <= 255 and re.search(r"[\u4e00-\u9fff]", doc), (name, param, doc)


def test_a_broken_decorator_fails_registration(real_udf_registration):
    """The registration above would catch a decorator naming a parameter that does not exist."""
    udfs, _ = real_udf_registration
    import xlwings as xw

    with pytest.raises(Exception, match="Invalid argument name 'cod'"):
        @xw.func
        @xw.arg("cod", doc="typo")
        def SJTX_X(code):  # noqa: N802
            return code


# --------------------------------------------------------------------------
# workbook XML


def test_content_type_and_codenames(built):
    m = members(built)
    ct = m["[Content_Types].xml"].decode()
    assert '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.ms-excel.sheet.macroEnabled.main+xml"/>' in ct
    assert 'ContentType="application/vnd.ms-office.vbaProject"' in ct
    rels = m["xl/_rels/workbook.xml.rels"].decode()
    assert 'Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" Target="vbaProject.bin"' in rels
    wbxml = m["xl/workbook.xml"].decode()
    assert '<workbookPr codeName="ThisWorkbook"' in wbxml
    names = re.findall(r'<sheet name="([^"]+)" sheetId="\d+"( state="hidden")?', wbxml)
    assert names == [("控制台", ""), ("结果_文件", ""), ("结果_汇总", ""), ("xlwings.conf", ' state="hidden"')]
    for i in range(1, 5):
        assert f'<sheetPr codeName="Sheet{i}"' in m[f"xl/worksheets/sheet{i}.xml"].decode()
    for name in ("src_folder", "out_path", "status", "enterprise_list"):
        assert re.search(rf"<definedName name=\"{name}\">'控制台'!\$B\$\d+</definedName>", wbxml), name


def test_buttons_bound_to_macros(built):
    m = members(built)
    vml_parts = [n for n in m if re.fullmatch(r"xl/drawings/vmlDrawing\d+\.vml", n)]
    assert len(vml_parts) == 1
    vml = m[vml_parts[0]].decode()
    shapes = re.findall(r"<v:shape .*?</v:shape>", vml, re.S)
    bound = {}
    for shape in shapes:
        assert '<x:ClientData ObjectType="Button">' in shape
        caption = re.search(r"<font[^>]*>([^<]+)</font>", shape).group(1)
        macro = re.search(r"<x:FmlaMacro>\[0\]!(\w+)</x:FmlaMacro>", shape).group(1)
        bound[caption] = macro
    assert bound == EXPECTED_BUTTONS
    sheet1_rels = m["xl/worksheets/_rels/sheet1.xml.rels"].decode()
    assert vml_parts[0].split("/")[-1] in sheet1_rels


def test_xlwings_conf_sheet(built):
    book = openpyxl.load_workbook(built)
    ws = book["xlwings.conf"]
    assert ws.sheet_state == "hidden"
    rows = {}
    for r in range(1, ws.max_row + 1):
        key = ws.cell(r, 1).value
        assert key, "xlwings reads keys from A1 down to the first blank cell"
        rows[key] = ws.cell(r, 2).value
    # no interpreter or PYTHONPATH given: those rows are left out (a blank value would override
    # the user's own xlwings configuration), the rest keep their order
    assert list(rows) == ["UDF Modules", "Use UDF Server", "Show Console"]
    assert rows["UDF Modules"] == "sjtx_xl.xl"
    assert rows["Use UDF Server"] is False and rows["Show Console"] is False
    ctl = book["控制台"]
    assert book.active.title == "控制台"
    assert ctl[book.defined_names["status"].attr_text.split("!")[1].replace("$", "")].value == "就绪"


def test_install_workbook_sets_interpreter(tmp_path):
    out = wbmod.install_workbook(tmp_path / "inst")
    assert out == tmp_path / "inst" / "sjtx_xl.xlsm"
    ws = openpyxl.load_workbook(out)["xlwings.conf"]
    conf = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(1, ws.max_row + 1)}
    assert conf["Interpreter_Win"] == sys.executable
    assert conf["Interpreter_Mac"] == sys.executable
    assert conf["UDF Modules"] == "sjtx_xl.xl"
    assert ("PYTHONPATH" in conf) is (wbmod._package_root_if_needed() is not None)
    assert None not in conf.values() and "" not in conf.values()
    # rebuilt, not re-saved: the VBA project is still there, identical
    assert _vba_bin(out) == _vba_bin(COMMITTED if COMMITTED.exists() else wbmod.build_workbook(tmp_path / "c.xlsm"))
    assert sorted(p.name for p in out.parent.iterdir()) == ["sjtx_xl.xlsm"]  # no temp files left


def test_build_parameters_and_errors(tmp_path):
    p = wbmod.build_workbook(tmp_path / "x.xlsm", interpreter=r"C:\Py\python.exe", pythonpath=r"C:\src")
    ws = openpyxl.load_workbook(p)["xlwings.conf"]
    assert [(c.value, d.value) for c, d in ws.iter_rows(max_col=2)][:3] == [
        ("Interpreter_Win", r"C:\Py\python.exe"), ("Interpreter_Mac", r"C:\Py\python.exe"), ("PYTHONPATH", r"C:\src")]
    p = wbmod.build_workbook(tmp_path / "x.xlsm", interpreter=r"C:\Py\python.exe")
    ws = openpyxl.load_workbook(p)["xlwings.conf"]
    assert [c.value for c in ws["A"]] == ["Interpreter_Win", "Interpreter_Mac", "UDF Modules", "Use UDF Server",
                                          "Show Console"]
    with pytest.raises(ValueError):
        wbmod.build_workbook(tmp_path / "x.xlsx")
    bad = tmp_path / "bas"
    bad.mkdir()
    (bad / "sjtx_buttons.bas").write_text('Attribute VB_Name = "sjtx_buttons"\nSub SJTX_PickFolder()\nEnd Sub\n')
    with pytest.raises(ValueError, match="SJTX_MergeFolder"):
        wbmod.build_workbook(tmp_path / "y.xlsm", bas_dir=bad)
    (bad / "zh.bas").write_text('Attribute VB_Name = "zh"\n\' 中文\n', encoding="utf-8")
    with pytest.raises(ValueError, match="non-ASCII"):
        wbmod.build_workbook(tmp_path / "y.xlsm", bas_dir=bad)
    assert not (tmp_path / "y.xlsm").exists()
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["x.xlsm"]


# --------------------------------------------------------------------------
# determinism and the committed workbook


def test_build_is_byte_for_byte_deterministic(tmp_path, built):
    again = wbmod.build_workbook(tmp_path / "again.xlsm")
    assert again.read_bytes() == built.read_bytes()


def test_committed_workbook_is_current(built):
    """workbook/sjtx_xl.xlsm must equal a fresh build (regenerate with
    ``python -c "from sjtx_xl.workbook import build_workbook as b; b('workbook/sjtx_xl.xlsm')"``).

    Zip members are compared uncompressed, all of them including
    docProps/core.xml (its dates are fixed), so a different zlib cannot
    fail the test but any content change does.
    """
    assert COMMITTED.is_file(), "workbook/sjtx_xl.xlsm is missing"
    assert_same_members(built, COMMITTED, "rebuild workbook/sjtx_xl.xlsm with `sjtx-xl build-workbook`")


# --------------------------------------------------------------------------
# LibreOffice: an independent VBA container reader and Basic engine


def _lo_body(text: str) -> list[str]:
    lines = text.rstrip("\n").split("\n")
    assert lines[0].startswith("Rem Attribute VBA_ModuleType=") and lines[1] == "Option VBASupport 1"
    return lines[2:]


def _bas_body(data: bytes) -> list[str]:
    lines = data.decode("ascii").replace("\r\n", "\n").rstrip("\n").split("\n")
    return [line for line in lines if not line.startswith("Attribute ")]


def test_libreoffice_reads_modules_and_buttons(calc, built):
    with calc.open(built, macros=True) as book:
        libs = book.doc.BasicLibraries
        assert libs.hasByName("VBAProject")
        libs.loadLibrary("VBAProject")
        lib = libs.getByName("VBAProject")
        assert set(lib.getElementNames()) == set(EXPECTED_MODULES)
        # LibreOffice decompressed exactly our source (it drops Attribute lines)
        for bas in MACROS.glob("*.bas"):
            name = re.match(rb'Attribute VB_Name = "(\w+)"', bas.read_bytes()).group(1).decode()
            assert _lo_body(lib.getByName(name)) == _bas_body(bas.read_bytes()), name
        assert _lo_body(lib.getByName("xlwings")) == _bas_body((XLWINGS_DIR / "xlwings.bas").read_bytes())
        assert lib.getByName("Dictionary").startswith("Rem Attribute VBA_ModuleType=VBAClassModule")
        assert lib.getByName("ThisWorkbook").startswith("Rem Attribute VBA_ModuleType=VBADocumentModule")

        forms = book.sheet("控制台").DrawPage.Forms
        bound = {}
        for fi in range(forms.Count):
            form = forms.getByIndex(fi)
            for ci in range(form.Count):
                events = form.getScriptEvents(ci)
                assert len(events) == 1
                bound[form.getByIndex(ci).Label] = events[0].ScriptCode
        assert bound == {
            caption: f"vnd.sun.star.script:VBAProject.sjtx_buttons.{macro}?language=Basic&location=document"
            for caption, macro in EXPECTED_BUTTONS.items()
        }
        assert book.string("控制台", "B7") == "就绪"
        assert book.named_cell("src_folder") == ("控制台", "B4")


def test_libreoffice_executes_macro_from_our_container(calc, tmp_path):
    """LibreOffice runs a Sub from a project written by our writer.

    The variant is built with the same module list and workbook writer,
    plus Module1.WriteCell, minus xlwings and Dictionary: LibreOffice
    compiles a whole library before running any Sub, and its Basic cannot
    compile those two (Windows/Mac Declare statements, #Const blocks), so
    with them present nothing at all would run.  sjtx_buttons and
    xlwings_udfs stay in, so LibreOffice compiles those too.
    """
    bas = tmp_path / "bas"
    shutil.copytree(MACROS, bas)
    (bas / "Module1.bas").write_text(
        'Attribute VB_Name = "Module1"\n'
        'Sub WriteCell(): ThisWorkbook.Sheets(1).Range("A1").Value = 42: End Sub\n',
        encoding="ascii",
    )
    modules = [m for m in wbmod.vba_modules(bas) if m.name not in ("xlwings", "Dictionary")]
    assert {m.name for m in modules} >= {"sjtx_buttons", "xlwings_udfs", "Module1", "ThisWorkbook"}
    path = tmp_path / "exec.xlsm"
    path.write_bytes(wbmod.workbook_bytes(modules))
    with calc.open(path, macros=True) as book:
        assert book.value("控制台", "A1") == 0  # the title text is there before
        book.run_macro("vnd.sun.star.script:VBAProject.Module1.WriteCell?language=Basic&location=document")
        assert book.value("控制台", "A1") == 42
