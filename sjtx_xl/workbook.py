"""Build the macro-enabled host workbook ``sjtx_xl.xlsm`` from source.

No Excel is needed: the VBA project is written by :mod:`sjtx_xl.vba` (source
only; Excel compiles it on first open) and the workbook by XlsxWriter.

Sheets (VBA code names in brackets):

* 控制台 (Sheet1)      control sheet: named cells ``src_folder``, ``out_path``,
                        ``enterprise_list``, ``status``, four buttons, usage text
* 结果_文件 (Sheet2)   per-file report, filled by Python
* 结果_汇总 (Sheet3)   counts, filled by Python
* xlwings.conf (Sheet4) hidden; xlwings settings, keys from A1 down, values in B
                        (rows with an empty value are left out)

VBA modules: the document modules, ``xlwings`` (xlwings.bas read from the
installed xlwings package, licence header intact), ``Dictionary`` (the class
xlwings.bas needs on macOS, from the same package) and every ``*.bas`` file in
``bas_dir`` (default: the repository's ``macros/``), which must provide the
button Subs.

The build is deterministic: fixed document dates, XlsxWriter's fixed zip
timestamps and a fixed VBA project GUID, so building twice gives identical
bytes.
"""

from __future__ import annotations

import datetime as _dt
import io
import os
import site
import sys
from pathlib import Path
from typing import Optional, Sequence, Union

import xlsxwriter

from .fsutil import atomic_write_bytes
from .render import FILE_REPORT_HEADERS, SUMMARY_HEADERS  # noqa: F401  (the result sheets' headers)
from .vba.project import (
    VBAModule,
    build_vba_project,
    class_module_from_cls,
    document_module,
    standard_module,
)

__all__ = [
    "build_workbook",
    "workbook_bytes",
    "install_workbook",
    "vba_modules",
    "xlwings_modules",
    "default_bas_dir",
    "BUTTONS",
    "SHEETS",
    "CONF_SHEET",
    "DEFAULT_WORKBOOK_NAME",
]

PathLike = Union[str, "os.PathLike[str]"]

DEFAULT_WORKBOOK_NAME = "sjtx_xl.xlsm"
UDF_MODULE = "sjtx_xl.xl"
CREATED = _dt.datetime(2024, 1, 1, 0, 0, 0)

SHEET_CONTROL = "控制台"
SHEET_FILES = "结果_文件"
SHEET_SUMMARY = "结果_汇总"
CONF_SHEET = "xlwings.conf"
SHEETS = (SHEET_CONTROL, SHEET_FILES, SHEET_SUMMARY, CONF_SHEET)

# (caption, macro) for each control-sheet button, left to right.
BUTTONS = (
    ("选择文件夹", "SJTX_PickFolder"),
    ("合并汇总", "SJTX_MergeFolder"),
    ("生成模板", "SJTX_BuildTemplates"),
    ("校验文件", "SJTX_CheckFile"),
    ("生成上报材料", "SJTX_SubmitPackage"),
)

# Named cells on the control sheet: name -> (row, label, initial value).
NAMED_CELLS = {
    "src_folder": (3, "源文件夹", ""),
    "out_path": (4, "输出文件", ""),
    "enterprise_list": (5, "企业名单（可选）", ""),
    "status": (6, "状态", "就绪"),
}


USAGE = (
    "使用说明",
    "1. 点击“选择文件夹”，选择存放各企业填报表的文件夹，路径写入“源文件夹”。",
    "2. 点击“合并汇总”，校验并合并该文件夹中的全部填报表；逐个文件的结果见“结果_文件”，统计见“结果_汇总”。",
    "3. “输出文件”为汇总表保存位置，留空时使用默认位置；“企业名单”可填写名单文件路径，用于核对是否漏报。",
    "4. 点击“生成模板”生成空白填报模板；点击“校验文件”校验单个填报表。",
    "5. 在汇总表“推荐决定”中选择推荐/不推荐/待定并填写推荐排序和意见、保存后，点击“生成上报材料”：在汇总表旁生成“上报材料”文件夹（附件3、附件4及PDF，每家企业的附件5和附件6，推荐请示草稿，未推荐名单）。再次“合并汇总”时已填写的决定会保留。",
    "6. 首次使用前，请在命令行运行 sjtx-xl install-workbook，生成指向本机 Python 的工作簿副本并使用该副本。",
    "7. 打开工作簿时请选择“启用宏”/“启用内容”，否则按钮无效。",
)


def default_bas_dir() -> Path:
    """Folder of the project's .bas files.

    The repository's ``macros/`` next to the package (source checkout or
    editable install); otherwise ``sjtx_xl/vba/`` inside the installed package.
    """
    here = Path(__file__).resolve().parent
    repo_macros = here.parent / "macros"
    if repo_macros.is_dir():
        return repo_macros
    return here / "vba"


def _xlwings_dir() -> Path:
    import xlwings  # late: only this function needs the installed xlwings

    return Path(xlwings.__file__).resolve().parent


def xlwings_modules() -> list[VBAModule]:
    """``xlwings`` and ``Dictionary`` from the installed xlwings package.

    Read at build time, never copied by hand: the embedded xlwings.bas must
    match the installed xlwings (it names xlwings64-<version>.dll), and its
    BSD-3 licence header is kept as it is in the file.
    """
    base = _xlwings_dir()
    bas = (base / "xlwings.bas").read_bytes().decode("ascii")
    if "BSD 3-clause" not in bas:
        raise RuntimeError("xlwings.bas lost its licence header; refusing to embed it")
    cls = (base / "addin" / "Dictionary.cls").read_bytes().decode("ascii")
    return [standard_module(bas), class_module_from_cls(cls)]


def _bas_modules(bas_dir: Path) -> list[VBAModule]:
    """Standard modules from every *.bas in ``bas_dir`` (sorted by file name).

    The module name is the file's ``Attribute VB_Name``, else its stem.
    """
    modules = []
    for f in sorted(bas_dir.glob("*.bas")):
        text = f.read_bytes().decode("latin-1")  # VBAModule rejects non-ASCII with a line number
        has_name = text.startswith("Attribute VB_Name")
        modules.append(standard_module(text, name=None if has_name else f.stem))
    return modules


def vba_modules(bas_dir: Optional[PathLike] = None) -> list[VBAModule]:
    """All modules of the host workbook's VBA project, in project order."""
    bas_path = Path(bas_dir) if bas_dir is not None else default_bas_dir()
    if not bas_path.is_dir():
        raise FileNotFoundError(f"macro folder not found: {bas_path}")
    own = _bas_modules(bas_path)
    if not own:
        raise FileNotFoundError(
            f"no .bas files in {bas_path}; pass bas_dir= (the repository's macros/ folder)"
        )
    names = {m.name.lower() for m in own}
    if "xlwings" in names or "dictionary" in names:
        raise ValueError("xlwings/Dictionary come from the xlwings package, not from bas_dir")
    code = "\n".join(m.code for m in own)
    missing = [macro for _, macro in BUTTONS if f"Sub {macro}(" not in code]
    if missing:
        raise ValueError(f"button macros not defined in {bas_path}: {', '.join(missing)}")
    docs = [document_module("ThisWorkbook", "workbook")]
    docs += [document_module(f"Sheet{i + 1}", "worksheet") for i in range(len(SHEETS))]
    return docs + xlwings_modules() + own


def _conf_rows(interpreter: Optional[str], pythonpath: Optional[str]):
    """The xlwings.conf rows, without those whose value is empty.

    xlwings takes any key present on the sheet, even with a blank value, over the user's
    own xlwings.conf and the ribbon; a row we leave out lets it fall back to those.
    """
    rows = (
        ("Interpreter_Win", interpreter),
        ("Interpreter_Mac", interpreter),
        ("PYTHONPATH", pythonpath),
        ("UDF Modules", UDF_MODULE),
        ("Use UDF Server", False),
        ("Show Console", False),
    )
    return tuple((key, value) for key, value in rows if value is not None and value != "")


def workbook_bytes(
    modules: Sequence[VBAModule],
    *,
    interpreter: Optional[str] = None,
    pythonpath: Optional[str] = None,
) -> bytes:
    """The .xlsm bytes for a given module list (see :func:`vba_modules`)."""
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    wb.set_properties({
        "title": "专精特新企业申报数据汇总",
        "subject": "sjtx-xl host workbook",
        "author": "sjtx-xl",
        "company": "",
        "comments": "Built by sjtx_xl.workbook.build_workbook; VBA compiled by Excel on first open.",
        "created": CREATED,
    })
    wb.set_vba_name("ThisWorkbook")
    wb.add_vba_project(io.BytesIO(build_vba_project(modules)), is_stream=True)

    title = wb.add_format({"bold": True, "font_size": 16})
    label = wb.add_format({"bold": True, "align": "right", "valign": "vcenter"})
    field = wb.add_format({"border": 1, "valign": "vcenter", "bg_color": "#F2F2F2"})
    head = wb.add_format({"bold": True, "border": 1, "bg_color": "#DDEBF7", "align": "center"})
    note_head = wb.add_format({"bold": True})
    note = wb.add_format({"text_wrap": False})

    ws = wb.add_worksheet(SHEET_CONTROL)
    ws.set_vba_name("Sheet1")
    ws.set_column(0, 0, 18)
    ws.set_column(1, 1, 70)
    ws.set_column(2, 6, 12)
    ws.write_string(0, 0, "专精特新中小企业申报数据汇总工具", title)
    ws.write_string(1, 0, "依据：吉工信办联〔2021〕34号")
    for name, (row, text, value) in NAMED_CELLS.items():
        ws.set_row(row, 20)
        ws.write_string(row, 0, text, label)
        ws.write_string(row, 1, value, field)
        wb.define_name(name, f"='{SHEET_CONTROL}'!$B${row + 1}")
    ws.set_row(8, 36)
    for i, (caption, macro) in enumerate(BUTTONS):
        ws.insert_button(8, 0, {
            "macro": macro,
            "caption": caption,
            "width": 112,
            "height": 30,
            "x_offset": 4 + i * 124,
            "y_offset": 3,
        })
    for i, line in enumerate(USAGE):
        ws.write_string(10 + i, 0, line, note_head if i == 0 else note)
    ws.activate()

    ws = wb.add_worksheet(SHEET_FILES)
    ws.set_vba_name("Sheet2")
    ws.write_row(0, 0, FILE_REPORT_HEADERS, head)
    ws.set_column(0, 0, 6)
    ws.set_column(1, 1, 40)
    ws.set_column(2, 3, 24)
    ws.set_column(4, 5, 10)
    ws.set_column(6, 6, 60)
    ws.freeze_panes(1, 0)

    ws = wb.add_worksheet(SHEET_SUMMARY)
    ws.set_vba_name("Sheet3")
    ws.write_row(0, 0, SUMMARY_HEADERS, head)
    ws.set_column(0, 0, 30)
    ws.set_column(1, 1, 12)

    ws = wb.add_worksheet(CONF_SHEET)
    ws.set_vba_name("Sheet4")
    ws.set_column(0, 0, 18)
    ws.set_column(1, 1, 60)
    for row, (key, value) in enumerate(_conf_rows(interpreter, pythonpath)):
        ws.write_string(row, 0, key)  # keys from A1 down, no gap: xlwings stops at the first blank
        if isinstance(value, bool):
            ws.write_boolean(row, 1, value)
        else:
            ws.write_string(row, 1, value)
    ws.hide()

    wb.close()
    return buf.getvalue()


def build_workbook(
    path: PathLike,
    bas_dir: Optional[PathLike] = None,
    *,
    interpreter: Optional[str] = None,
    pythonpath: Optional[str] = None,
) -> Path:
    """Build the host workbook at ``path`` (written atomically) and return it.

    ``interpreter`` fills Interpreter_Win and Interpreter_Mac on the
    xlwings.conf sheet, ``pythonpath`` fills PYTHONPATH; when not given, the
    row is left out, so xlwings falls back to the user's own configuration
    (the ribbon or ~/.xlwings/xlwings.conf, else python on PATH).
    """
    target = Path(path)
    if target.suffix.lower() != ".xlsm":
        raise ValueError(f"host workbook must be a .xlsm file, got {target.name}")
    data = workbook_bytes(vba_modules(bas_dir), interpreter=interpreter, pythonpath=pythonpath)
    atomic_write_bytes(target, data)  # one atomic writer: a workbook open in Excel gets the Chinese message
    return target


def _package_root_if_needed() -> Optional[str]:
    """The folder holding the sjtx_xl package, unless it is a site-packages."""
    root = Path(__file__).resolve().parent.parent
    try:
        site_dirs = {Path(p).resolve() for p in site.getsitepackages() + [site.getusersitepackages()]}
    except AttributeError:  # some embedded interpreters lack these
        site_dirs = set()
    return None if root in site_dirs else str(root)


def install_workbook(dest_dir: Optional[PathLike] = None) -> Path:
    """Build a per-user copy of the workbook bound to this Python.

    Default folder ``~/sjtx-xl/``.  The copy is rebuilt from source (never
    loaded and re-saved, which would drop the VBA project) with
    Interpreter_Win/Interpreter_Mac set to ``sys.executable`` and PYTHONPATH
    set to the source tree when sjtx_xl is not installed in site-packages.
    """
    folder = Path(dest_dir).expanduser() if dest_dir is not None else Path.home() / "sjtx-xl"
    return build_workbook(
        folder / DEFAULT_WORKBOOK_NAME,
        interpreter=sys.executable,
        pythonpath=_package_root_if_needed(),
    )
