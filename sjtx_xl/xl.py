"""The xlwings adapter: button macros and worksheet functions (UDFs) of workbook/sjtx_xl.xlsm.

Only this module knows about xlwings. Every button runs the same use case of app.py as the
matching command (`sjtx-xl merge --enterprise-list`, `templates`/`prefill`, `check`) and shows
its result through render.py, as the command line does; this module only reads parameters from
named cells, writes the result tables back (xlwings' pandas converter) and turns every error
into a Chinese sentence.

Macros (called by the buttons through ``RunPython "import sjtx_xl.xl as x; x.<macro>()"``):

    merge_folder()     merge the folder in ``src_folder`` into the summary (``out_path`` or the
                       merge default), fill 结果_文件 / 结果_汇总, open the summary
    build_templates()  blank templates into the folder ``out_path``; with ``enterprise_list``
                       also one pre-filled enterprise template per listed enterprise
    check_file()       check the file (or every file of the folder) named in ``src_folder``
    submit_package()   the submission package of the summary (``out_path``, else the merge default
                       in ``src_folder``): ``sjtx-xl submit``; where LibreOffice is missing and
                       Excel runs here, the PDFs are made by Excel (``Book.to_pdf``)
    find_missing()     the enterprises of ``enterprise_list`` with no form in ``src_folder`` (未报送;
                       no button yet: 合并汇总 with a list reports them too; run it from VBA with
                       ``RunPython "import sjtx_xl.xl as x; x.find_missing()"``)

Each macro writes a one-line status into ``status`` and never lets an exception reach xlwings
(which would show a traceback box): errors become a message starting with "✘".

The part of the xlwings API used is deliberately small, so the fake book in tests/test_xl.py
stays honest: ``xw.Book.caller()``, ``book.names[name].refers_to_range.value`` (get and set),
``book.sheets[title].clear_contents()``,
``book.sheets[title].range("A1").options(pd.DataFrame, index=False).value = frame`` and, on
Windows/macOS only, ``xw.Book(path)`` to open the summary.

UDFs (``@xw.func``; plain functions on Linux, where the decorators do nothing):
SJTX_USCC, SJTX_SIZE, SJTX_INDUSTRY, SJTX_CHECK. They never raise: bad input gives a readable
string.
"""
import datetime as _dt
import functools
import math
import numbers
import os
import sys
import tempfile
import traceback
import zipfile
from pathlib import Path

import xlwings as xw

from . import app, render
from .errors import SjtxError, UsageError
from .render import CHECK_HEADERS, TEMPLATE_HEADERS, verdict  # noqa: F401  (the workbook's tables; tests)
from .workbook import SHEET_FILES, SHEET_SUMMARY

# named cells of the control sheet (sjtx_xl.workbook.NAMED_CELLS)
SRC_FOLDER, OUT_PATH, ENTERPRISE_LIST, STATUS = "src_folder", "out_path", "enterprise_list", "status"

ERROR_LOG = "sjtx-xl-错误日志.txt"
MAX_CELL_TEXT = 32000          # Excel holds at most 32767 characters in a cell
MAX_STATUS = 1000


# ---------------------------------------------------------------------------------------------
# errors -> Chinese
# ---------------------------------------------------------------------------------------------

def describe_error(exc):
    """One Chinese sentence for an exception raised while a macro ran."""
    if isinstance(exc, SjtxError):
        return str(exc)
    name = getattr(exc, "filename", None)
    if isinstance(exc, FileNotFoundError):
        return "找不到文件或文件夹：%s" % (name or exc)
    if isinstance(exc, PermissionError):
        return ("无法读写 %s：没有权限，或文件正在Excel/WPS中打开。请关闭该文件或换一个位置后重试"
                % (name or "文件"))
    if isinstance(exc, IsADirectoryError):
        return "%s 是文件夹，这里需要一个文件" % (name or "该路径")
    if isinstance(exc, NotADirectoryError):
        return "%s 不是文件夹" % (name or "该路径")
    if isinstance(exc, OSError):
        if getattr(exc, "errno", None) == 28:
            return "磁盘空间不足，无法写入 %s" % (name or "文件")
        return "读写文件出错：%s（%s）" % (name or "", exc.strerror or exc)
    if isinstance(exc, zipfile.BadZipFile):
        return "文件不是有效的Excel工作簿（.xlsx），可能已损坏"
    if isinstance(exc, MemoryError):
        return "内存不足，请关闭其他程序，或把文件夹分成几批处理"
    log = _log_traceback(exc)
    where = "，详细信息已记录在 %s" % log if log else ""
    return "程序内部错误（%s：%s）%s。请把此提示截图发给技术支持" % (type(exc).__name__, exc, where)


def _log_traceback(exc):
    """Append the traceback of an unexpected error to a log file in the temp folder; its path."""
    try:
        path = Path(tempfile.gettempdir()) / ERROR_LOG
        with open(path, "a", encoding="utf-8") as fh:
            fh.write("==== %s\n" % _dt.datetime.now().isoformat(timespec="seconds"))
            fh.write("".join(traceback.format_exception(type(exc), exc, exc.__traceback__)))
        return str(path)
    except Exception:
        return None


# ---------------------------------------------------------------------------------------------
# the host workbook
# ---------------------------------------------------------------------------------------------

def _caller():
    try:
        return xw.Book.caller()
    except Exception as e:
        raise UsageError("请在 sjtx_xl.xlsm 中点击按钮运行本功能（未找到调用它的工作簿：%s）" % e) from e


def _range(book, name):
    try:
        return book.names[name].refers_to_range
    except Exception as e:
        raise UsageError("工作簿中缺少名称“%s”。请用 sjtx-xl install-workbook 重新生成工作簿" % name) from e


def _excel_value(v):
    """A value as it must be assigned to a cell so that Excel keeps it as it is.

    Excel parses assigned text as if typed: "=…" becomes a formula, "0431…" or an 18-digit
    credit code a number, "2021-07" a date. A leading apostrophe makes any text stay text
    (the apostrophe itself is not part of the value)."""
    if v is None or isinstance(v, (bool, _dt.date, _dt.datetime)):
        return v
    if isinstance(v, numbers.Real):
        return None if isinstance(v, float) and (math.isnan(v) or math.isinf(v)) else v
    s = str(v)
    if len(s) > MAX_CELL_TEXT:
        s = s[:MAX_CELL_TEXT - 1] + "…"
    return "'" + s if s else None


def _text_param(book, name):
    """Text of a named cell, trimmed; numbers as text; quotes of a pasted "path" removed."""
    v = _range(book, name).value
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    s = str(v).strip()
    if len(s) >= 2 and s[0] == s[-1] and s[0] in "\"'":
        s = s[1:-1].strip()
    return s


def _path_param(book, name):
    s = _text_param(book, name)
    return Path(os.path.expanduser(s)) if s else None


def _set_status(book, text):
    text = " ".join(str(text).split())
    if len(text) > MAX_STATUS:
        text = text[:MAX_STATUS - 1] + "…"
    _range(book, STATUS).value = _excel_value(text)


def _write_table(book, sheet, table):
    """Replace the content of a result sheet by a render.Table (formatting stays), through
    xlwings' pandas converter: header row, then the rows, no index."""
    try:
        import pandas as pd        # late: the UDFs (SJTX_USCC ...) must start without pandas
    except ImportError as e:
        raise UsageError("缺少 pandas，无法写出结果表：请在命令行运行 pip install \"sjtx-xl[pandas]\"（或 pip install pandas）") from e
    sh = book.sheets[sheet]
    sh.clear_contents()
    width = len(table.header)
    rows = [[_excel_value(v) for v in list(r)[:width]] + [None] * (width - len(r)) for r in table.rows]
    frame = pd.DataFrame(rows, columns=list(table.header), dtype=object)
    sh.range("A1").options(pd.DataFrame, index=False).value = frame


def _write_tables(book, tables):
    files, summary = tables
    _write_table(book, SHEET_FILES, files)
    _write_table(book, SHEET_SUMMARY, summary)


def _desktop_excel():
    """Whether Excel runs on this machine (Windows, macOS), so a workbook can be opened in it."""
    return sys.platform in ("win32", "darwin")


def _open_in_excel(path):
    """Open a workbook in Excel next to the host workbook (Windows and macOS only)."""
    if not _desktop_excel():
        return False
    try:
        xw.Book(str(path))
        return True
    except Exception:
        return False


def _macro(title):
    """Run a macro body with the caller book: status first, then the result or the error."""
    def wrap(body):
        @functools.wraps(body)
        def run():
            book = _caller()
            _set_status(book, "正在%s，请稍候……" % title)
            try:
                message = body(book)
            except (Exception, SystemExit) as e:
                message = "✘ %s失败：%s" % (title, describe_error(e))
            _set_status(book, message)
            return message
        return run
    return wrap


def _source(book, what):
    """The path in src_folder, which must exist."""
    p = _path_param(book, SRC_FOLDER)
    if p is None:
        raise UsageError("“源文件夹”为空：请先点击“选择文件夹”，选择存放%s的文件夹" % what)
    if not p.exists():
        raise UsageError("找不到“源文件夹”中的路径：%s。请重新点击“选择文件夹”" % p)
    return p


# ---------------------------------------------------------------------------------------------
# macros
# ---------------------------------------------------------------------------------------------

def _summary_target(book):
    """out_path as the summary file: blank -> merge default; a folder -> 汇总.xlsx in it."""
    out = _path_param(book, OUT_PATH)
    if out is None:
        return None
    if out.is_dir() or not out.suffix:
        from .merge import DEFAULT_NAME               # late: the summary writers; a UDF call must start fast
        return out / DEFAULT_NAME
    if out.suffix.lower() != ".xlsx":
        raise UsageError("“输出文件”应为 .xlsx 文件或文件夹，实际为：%s" % out)
    return out


@_macro("合并汇总")
def merge_folder(book):
    """`sjtx-xl merge FOLDER --recursive [-o OUT] [--enterprise-list LIST]`."""
    folder = _source(book, "各企业、平台填报表")
    if not folder.is_dir():
        raise UsageError("“源文件夹”应为文件夹，实际是文件：%s（校验单个文件请点击“校验文件”）" % folder)
    result = app.merge(folder, output=_summary_target(book), recursive=True,
                       enterprise_list=_path_param(book, ENTERPRISE_LIST), require_files=True)
    _write_tables(book, render.merge_tables(result))
    return render.merge_status(result, opened=_open_in_excel(result.output))


@_macro("生成上报材料")
def submit_package(book):
    """`sjtx-xl submit SUMMARY`: the summary is 输出文件, or 汇总.xlsx in 源文件夹 (merge's default)."""
    summary = _summary_target(book)
    if summary is None:
        from .merge import DEFAULT_NAME               # late: the summary writers; a UDF call must start fast
        summary = _source(book, "各企业、平台填报表") / DEFAULT_NAME
    if not summary.is_file():
        raise UsageError("找不到汇总表 %s：请先点击“合并汇总”，并在汇总表“推荐决定”中作出决定" % summary)
    result = app.submit(summary)
    if result.pdf_note and _desktop_excel():
        _excel_pdfs(result)
    _write_tables(book, render.submit_tables(result))
    return render.submit_status(result)


def _excel_pdfs(result):
    """PDFs of the package's sheets through Excel (xlwings Book.to_pdf), where LibreOffice is missing."""
    made = 0
    for rel in result.files:
        if not rel.endswith(".xlsx") or rel.endswith("未推荐名单.xlsx"):
            continue
        src = result.output / rel
        try:
            book = xw.Book(str(src))
            try:
                book.to_pdf(str(src.with_suffix(".pdf")))
            finally:
                book.close()
            result.pdfs[rel] = rel[:-5] + ".pdf"
            made += 1
        except Exception as e:                  # Excel or its PDF add-in missing: the .xlsx stay
            result.pdfs[rel] = "Excel 未能生成PDF（%s）" % describe_error(e)
    if made:
        result.pdf_note = None
        result.files = sorted(set(result.files) | {v for v in result.pdfs.values() if v.endswith(".pdf")})


@_macro("生成模板")
def build_templates(book):
    """`sjtx-xl templates -o FOLDER` (blank), with a list `sjtx-xl prefill LIST -o FOLDER`."""
    result = app.templates(_path_param(book, OUT_PATH), enterprise_list=_path_param(book, ENTERPRISE_LIST))
    _write_tables(book, render.templates_tables(result))
    return render.templates_status(result)


@_macro("校验")
def check_file(book):
    """`sjtx-xl check FILE_OR_FOLDER`."""
    result = app.check([_source(book, "要校验的申报表")], recursive=True, require_files=True)
    _write_tables(book, render.check_tables(result))
    return render.check_status(result)


@_macro("核对名单")
def find_missing(book):
    """`sjtx-xl missing LIST FOLDER`: who on the enterprise list has not submitted (未报送)."""
    listing = _path_param(book, ENTERPRISE_LIST)
    if listing is None:
        raise UsageError("“企业名单”为空：请填写企业名单文件的路径")
    result = app.missing(listing, [_source(book, "各企业填报表或汇总表")])
    _write_tables(book, render.missing_tables(result))
    return render.missing_status(result)


# ---------------------------------------------------------------------------------------------
# worksheet functions (UDFs)
# ---------------------------------------------------------------------------------------------

def _never_raises(f):
    @functools.wraps(f)
    def safe(*args, **kwargs):
        try:
            return f(*args, **kwargs)
        except Exception as e:                       # a UDF shows text, never #VALUE! with a trace
            return "出错：%s" % describe_error(e)
    return safe


def _blank(v):
    return v is None or (isinstance(v, str) and not v.strip())


def _shown(v):
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    s = str(v)
    return s if len(s) <= 40 else s[:39] + "…"


@xw.func
@xw.arg("code", doc="18位统一社会信用代码（文本），如 91220101MA0000000X")
@_never_raises
def SJTX_USCC(code):
    """校验统一社会信用代码（GB 32100-2015）：有效时返回“有效”，否则返回原因（位数、非法字符、登记管理部门码、校验位）。"""
    from .uscc import check_uscc                      # late, like every UDF import: Excel waits for the first call
    if _blank(code):
        return "请输入统一社会信用代码"
    if isinstance(code, bool) or not isinstance(code, (str, numbers.Real)):
        return "无法识别的输入：%s" % _shown(code)
    if isinstance(code, numbers.Real):
        return "统一社会信用代码应为文本：单元格是数字%s，会丢失位数，请设为文本格式后重新输入" % _shown(code)
    r = check_uscc(code)
    if r.ok:
        return "有效"
    if code.strip() != code and check_uscc(code.strip()).ok:
        return "前后有多余空格（去掉空格后有效）"
    return r.message


_MEASURE_TEXT = (("x", "从业人员（人）"), ("y", "营业收入（万元）"), ("z", "资产总额（万元）"))


@xw.func
@xw.arg("industry", doc="所属行业：2位大类代码或名称，如 35 或“35 专用设备制造业”")
@xw.arg("employees", doc="从业人员（人）")
@xw.arg("revenue", doc="营业收入（万元）")
@xw.arg("assets", doc="资产总额（万元），建筑业、房地产开发经营等行业需要，可省略")
@_never_raises
def SJTX_SIZE(industry, employees, revenue, assets=None):
    """按《中小企业划型标准规定》（工信部联企业〔2011〕300号）判定企业规模：返回大型/中型/小型/微型，无法判定时返回原因。与申报表“自检”采用同一规则。"""
    from .reference import parse_industry             # late: the reference tables load on first use
    from .size import classify, size_table, undetermined_divisions
    if _blank(industry):
        return "请填写所属行业（2位大类代码）"
    m = parse_industry(industry.strip() if isinstance(industry, str) else industry)
    if m is None:
        return "无法识别的行业：“%s”（应为01–97的2位大类代码或大类名称）" % _shown(industry)
    row = next(r for r in size_table() if r.code == m.code)
    if row.group_name is None:
        return "无法判定：%s" % undetermined_divisions()[m.code]
    given = {"x": employees, "y": revenue, "z": assets}
    used = [(k, text) for k, text in _MEASURE_TEXT if getattr(row, k + "_large") is not None]
    basis = "、".join(text.split("（")[0] for _, text in used)
    for k, text in used:
        v = given[k]
        if _blank(v):
            return "缺少%s：%s按%s划型" % (text, row.group_name, basis)
        if isinstance(v, bool) or not isinstance(v, numbers.Real) or (isinstance(v, float) and math.isnan(v)):
            return "%s应为数字，实际为“%s”" % (text, _shown(v))
        if v < 0:
            return "%s不能为负数：%s" % (text, _shown(v))
    return classify(m.code, employees, revenue, assets) or "无法判定企业规模"


@xw.func
@xw.arg("code", doc="行业代码：GB/T 4754-2017 的2位大类代码，如 35")
@_never_raises
def SJTX_INDUSTRY(code):
    """返回国民经济行业分类（GB/T 4754-2017）大类的代码和名称，如 35 → “35 专用设备制造业”；也接受大类名称。"""
    from .reference import division_label, parse_industry  # late: the reference tables load on first use
    if _blank(code):
        return "请输入行业代码"
    m = parse_industry(code.strip() if isinstance(code, str) else code)
    if m is None:
        return "无法识别的行业代码：“%s”（应为01–97的2位大类代码）" % _shown(code)
    return division_label(m.code)


@xw.func
@xw.arg("path", doc="申报表文件的完整路径，如 D:\\申报\\长春\\某公司.xlsx")
@_never_raises
def SJTX_CHECK(path):
    """校验一份已填写的申报表，返回一句话结论：“✔ 符合申报条件”“✘ 3项错误：……”或无法读取的原因。"""
    from .check import check_file as check_one        # late: the reader and the spec
    if _blank(path):
        return "请输入申报表文件的路径"
    if not isinstance(path, str):
        return "路径应为文本，实际为“%s”" % _shown(path)
    s = path.strip()
    if len(s) >= 2 and s[0] == s[-1] == '"':
        s = s[1:-1].strip()
    p = Path(os.path.expanduser(s))
    if p.is_dir():
        return "✘ 这是文件夹，请填写文件路径：%s" % p
    if not p.exists():
        return "✘ 找不到文件：%s" % p
    return verdict(check_one(p))


__all__ = ["merge_folder", "build_templates", "check_file", "find_missing", "SJTX_USCC", "SJTX_SIZE",
           "SJTX_INDUSTRY", "SJTX_CHECK", "verdict", "describe_error"]
