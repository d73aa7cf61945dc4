"""The xlwings adapter: button macros and worksheet functions (UDFs) of workbook/sjtx_xl.xlsm.

Only this module knows about xlwings. Everything it does is a call of the same plain functions
the command line uses (check, merge, template, fill, uscc, size, reference); this module only
reads parameters from named cells, writes results back and turns every error into a Chinese
sentence.

Macros (called by the buttons through ``RunPython "import sjtx_xl.xl as x; x.<macro>()"``):

    merge_folder()     merge the folder in ``src_folder`` into the summary (``out_path`` or the
                       merge default), fill 结果_文件 / 结果_汇总, open the summary
    build_templates()  blank templates into the folder ``out_path``; with ``enterprise_list``
                       also one pre-filled enterprise template per listed enterprise
    check_file()       check the file (or every file of the folder) named in ``src_folder``

Each macro writes a one-line status into ``status`` and never lets an exception reach xlwings
(which would show a traceback box): errors become a message starting with "✘".

The part of the xlwings API used is deliberately small, so the fake book in tests/test_xl.py
stays honest: ``xw.Book.caller()``, ``book.names[name].refers_to_range.value`` (get and set),
``book.sheets[title].clear_contents()``, ``book.sheets[title].range("A1").value = rows`` and, on
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
import re
import sys
import tempfile
import traceback
import unicodedata
import zipfile
from pathlib import Path

import xlwings as xw

from .errors import SjtxError, UsageError
from .workbook import FILE_REPORT_HEADERS, SHEET_FILES, SHEET_SUMMARY, SUMMARY_HEADERS

# named cells of the control sheet (sjtx_xl.workbook.NAMED_CELLS)
SRC_FOLDER, OUT_PATH, ENTERPRISE_LIST, STATUS = "src_folder", "out_path", "enterprise_list", "status"

CHECK_HEADERS = ("序号", "文件", "结果", "严重程度", "工作表", "单元格", "项目", "填写值", "问题", "修改建议")
TEMPLATE_HEADERS = ("序号", "文件", "企业名称", "统一社会信用代码", "批次", "说明")
DEFAULT_TEMPLATE_DIR = Path("~") / "sjtx-xl" / "模板"
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


def _write_table(book, sheet, header, rows):
    """Replace the content of a result sheet by a header row and rows (formatting stays)."""
    sh = book.sheets[sheet]
    sh.clear_contents()
    width = len(header)
    table = [[_excel_value(v) for v in header]]
    for r in rows:
        r = list(r)[:width]
        table.append([_excel_value(v) for v in r] + [None] * (width - len(r)))
    sh.range("A1").value = table


def _open_in_excel(path):
    """Open a workbook in Excel next to the host workbook (Windows and macOS only)."""
    if sys.platform not in ("win32", "darwin"):
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


def _now():
    return _dt.datetime.now().strftime("%H:%M:%S")


def _source(book, what):
    """The path in src_folder, which must exist."""
    p = _path_param(book, SRC_FOLDER)
    if p is None:
        raise UsageError("“源文件夹”为空：请先点击“选择文件夹”，选择存放%s的文件夹" % what)
    if not p.exists():
        raise UsageError("找不到“源文件夹”中的路径：%s。请重新点击“选择文件夹”" % p)
    return p


def _candidates(folder):
    from .check import discover
    return [p for p, why in discover([folder], recursive=True) if not why]


# ---------------------------------------------------------------------------------------------
# macros
# ---------------------------------------------------------------------------------------------

def _summary_target(book):
    """out_path as the summary file: blank -> merge default; a folder -> 汇总.xlsx in it."""
    out = _path_param(book, OUT_PATH)
    if out is None:
        return None
    if out.is_dir() or not out.suffix:
        from .merge import DEFAULT_NAME
        return out / DEFAULT_NAME
    if out.suffix.lower() != ".xlsx":
        raise UsageError("“输出文件”应为 .xlsx 文件或文件夹，实际为：%s" % out)
    return out


@_macro("合并汇总")
def merge_folder(book):
    folder = _source(book, "各企业、平台填报表")
    if not folder.is_dir():
        raise UsageError("“源文件夹”应为文件夹，实际是文件：%s（校验单个文件请点击“校验文件”）" % folder)
    if not _candidates(folder):
        raise UsageError("文件夹中没有找到Excel申报表（.xlsx）：%s" % folder)
    listing = _path_param(book, ENTERPRISE_LIST)
    expected = read_enterprise_list(listing) if listing else None      # before the long part
    from .merge import merge
    result = merge(folder, output=_summary_target(book), recursive=True)
    files, summary = _merge_rows(result)
    sentence = _merge_sentence(result.counts)
    if expected is not None:
        missing = _not_reported(expected, result.model.enterprises)
        summary += [("企业名单", str(listing)), ("名单中的企业", len(expected)), ("名单中未报送", len(missing))]
        summary += [("未报送：%s" % e["name"], e["uscc"] or "") for e in missing]
        sentence += "名单中%d家企业，未报送%d家；" % (len(expected), len(missing))
    _write_table(book, SHEET_FILES, FILE_REPORT_HEADERS, files)
    _write_table(book, SHEET_SUMMARY, SUMMARY_HEADERS, summary)
    opened = _open_in_excel(result.output)
    c = result.counts
    look = "请在“结果_文件”中查看拒收和有错误的文件；" if c["rejected"] or c["files_with_errors"] else ""
    return "✔ 合并完成（%s）：%s%s汇总表：%s%s" % (_now(), sentence, look, result.output,
                                             "（已打开）" if opened else "")


def _merge_sentence(c):
    return ("共发现文件%d个：已汇总%d，拒收%d，跳过%d（其中重复%d）；企业%d家、平台%d个；有错误的文件%d个；"
            % (c["found"], c["merged"], c["rejected"], c["skipped"], c["duplicates"], c["enterprises"],
               c["platforms"], c["files_with_errors"]))


def _merge_rows(result):
    """Rows of 结果_文件 (one per file found) and 结果_汇总 (counts) for a merge.MergeResult."""
    from .summary.model import KIND_TEXT, MERGED, STATUS_TEXT
    files = []
    for i, f in enumerate(result.model.files, 1):
        entries = list(f.entries)
        if f.kind == "summary":
            name, code = "%s（%d行）" % (KIND_TEXT["summary"], len(entries)), ""
        else:
            name = "、".join(e.name for e in entries if e.name)
            code = "、".join(e.uscc for e in entries if e.uscc)
        errors = f.errors
        if f.status != MERGED:
            note = f.reason
        elif errors:
            note = "%d个错误，如：%s（详见汇总表“校验报告”）" % (len(errors), errors[0].get("message", ""))
        elif f.problems:
            note = "%d个警告，如：%s" % (len(f.problems), f.problems[0].get("message", ""))
        else:
            note = ""
        files.append((i, f.rel or f.path, name, code, STATUS_TEXT.get(f.status, f.status), len(f.problems), note))
    c = result.counts
    summary = [("发现文件", c["found"]), ("已汇总", c["merged"]), ("拒收", c["rejected"]), ("跳过", c["skipped"]),
               ("其中重复", c["duplicates"]), ("汇总企业（家）", c["enterprises"]), ("汇总平台（个）", c["platforms"]),
               ("有错误的文件", c["files_with_errors"]), ("重复处理规则", result.model.keep_rule)]
    summary += [("提示", n) for n in result.model.notices]
    summary.append(("汇总表", result.output))
    return files, summary


def _not_reported(expected, merged):
    """Listed enterprises without a merged form: matched by credit code, else by name."""
    codes = {e.uscc for e in merged if e.uscc}
    names = {_header_key(e.name) for e in merged if e.name}
    return [e for e in expected
            if not ((e["uscc"] and e["uscc"] in codes) or (not e["uscc"] and _header_key(e["name"]) in names))]


@_macro("生成模板")
def build_templates(book):
    from . import spec
    from .fsutil import atomic_write_bytes
    from .template import build, filename
    folder = _template_folder(book)
    listing = _path_param(book, ENTERPRISE_LIST)
    enterprises = read_enterprise_list(listing) if listing else []
    rows, n = [], 0
    for kind in spec.KINDS:
        p = atomic_write_bytes(folder / filename(kind), build(kind))
        n += 1
        rows.append((n, str(p), "", "", "", "空白%s模板" % ("企业" if kind == "enterprise" else "平台")))
    if enterprises:
        from .fill import fill_bytes
        blank = build("enterprise")
        stem = Path(filename("enterprise")).stem
        used = set()
        for e in enterprises:
            values = {"name": e["name"], "uscc": e["uscc"], "batch": e["batch"]}
            data = fill_bytes(blank, {k: v for k, v in values.items() if v}, kind="enterprise")
            p = atomic_write_bytes(folder / _unique_name(stem, e, used), data)
            n += 1
            rows.append((n, str(p), e["name"], e["uscc"], e["batch"], "；".join(e["notes"]) or "已预填"))
    _write_table(book, SHEET_FILES, TEMPLATE_HEADERS, rows)
    summary = [("空白模板", 2), ("预填企业模板", len(enterprises)), ("输出文件夹", str(folder))]
    if listing:
        summary.append(("企业名单", str(listing)))
        flagged = sum(1 for e in enterprises if e["notes"])
        if flagged:
            summary.append(("名单中需核对的企业", flagged))
    _write_table(book, SHEET_SUMMARY, SUMMARY_HEADERS, summary)
    done = "✔ 模板已生成（%s）：空白模板2份" % _now()
    if enterprises:
        done += "，预填企业模板%d份" % len(enterprises)
        flagged = sum(1 for e in enterprises if e["notes"])
        if flagged:
            done += "（其中%d份名单数据有误，见“结果_文件”说明）" % flagged
    return done + "；位置：%s" % folder


def _template_folder(book):
    """out_path as a folder: blank -> ~/sjtx-xl/模板; a workbook path -> its folder."""
    out = _path_param(book, OUT_PATH)
    if out is None:
        out = Path(os.path.expanduser(str(DEFAULT_TEMPLATE_DIR)))
    elif out.suffix.lower() in (".xlsx", ".xlsm", ".xls", ".et") and not out.is_dir():
        out = out.parent
    if out.exists() and not out.is_dir():
        raise UsageError("“输出文件”应为文件夹（用于保存模板），实际是文件：%s" % out)
    out.mkdir(parents=True, exist_ok=True)
    return out


_BAD_FILENAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def _unique_name(stem, e, used):
    base = _BAD_FILENAME.sub("_", e["name"]).strip(" .")[:80] or "企业"
    name = "%s_%s.xlsx" % (stem, base)
    if name.lower() in used and e["uscc"]:
        name = "%s_%s_%s.xlsx" % (stem, base, _BAD_FILENAME.sub("_", e["uscc"]))
    k = 2
    while name.lower() in used:
        name = "%s_%s_%d.xlsx" % (stem, base, k)
        k += 1
    used.add(name.lower())
    return name


def _header_key(v):
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(v))) if v is not None else ""


def read_enterprise_list(path):
    """Enterprises of a list workbook: [{name, uscc, batch, notes}], columns found by header.

    The header row (within the first 20 rows of the first sheet that has one) must hold
    企业名称; 统一社会信用代码 and 批次 are optional. Values are trimmed; a credit code is
    upper-cased; a batch must be one of the template's choices (or 1/2/3), else it is left
    blank. Every doubtful value gets a note, nothing is dropped silently."""
    from python_calamine import CalamineWorkbook
    from . import spec
    from .uscc import check_uscc
    p = Path(path)
    if not p.is_file():
        raise UsageError("找不到“企业名单”文件：%s" % p)
    try:
        wb = CalamineWorkbook.from_path(str(p))
        sheets = [wb.get_sheet_by_name(n).to_python() for n in wb.sheet_names]
    except Exception as e:
        raise UsageError("无法读取“企业名单” %s：%s（应为含表头的 .xlsx 文件）" % (p, e)) from e
    found = None
    for rows in sheets:
        for i, row in enumerate(rows[:20]):
            keys = [_header_key(c) for c in row]
            name = next((j for j, k in enumerate(keys) if k in ("企业名称", "企业全称", "名称", "单位名称")), None)
            if name is not None:
                code = next((j for j, k in enumerate(keys) if "信用代码" in k), None)
                batch = next((j for j, k in enumerate(keys) if "批次" in k), None)
                found = (rows[i + 1:], name, code, batch)
                break
        if found:
            break
    if not found:
        raise UsageError("“企业名单” %s 中找不到表头“企业名称”（可选列：统一社会信用代码、批次）" % p)
    rows, c_name, c_code, c_batch = found
    batches = spec.common.BATCHES

    def cell(row, j):
        v = row[j] if j is not None and j < len(row) else None
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        return "" if v is None else unicodedata.normalize("NFKC", str(v)).strip()

    out = []
    for row in rows:
        name = cell(row, c_name)
        if not name:
            continue
        notes = []
        code = re.sub(r"\s+", "", cell(row, c_code)).upper()
        if code:
            r = check_uscc(code)
            if not r.ok:
                notes.append("信用代码需核对：%s" % r.message)
        batch = cell(row, c_batch)
        if batch and batch not in batches:
            hit = [b for b in batches if b.startswith(batch) or batch.startswith(b)]
            if batch in ("1", "2", "3"):
                batch = batches[int(batch) - 1]
            elif len(hit) == 1:
                batch = hit[0]
            else:
                notes.append("批次“%s”不是可选项（%s），未预填" % (batch, "、".join(batches)))
                batch = ""
        out.append({"name": name, "uscc": code, "batch": batch, "notes": notes})
    if not out:
        raise UsageError("“企业名单” %s 中没有企业（“企业名称”列为空）" % p)
    return out


@_macro("校验")
def check_file(book):
    from .check import check_paths
    target = _source(book, "要校验的申报表")
    if target.is_dir() and not _candidates(target):
        raise UsageError("文件夹中没有找到Excel申报表（.xlsx）：%s" % target)
    report = check_paths([target], recursive=True)
    _write_table(book, SHEET_FILES, CHECK_HEADERS, _problem_rows(report))
    s = report.stats
    _write_table(book, SHEET_SUMMARY, SUMMARY_HEADERS, [
        ("文件数", s["files"]), ("通过", s["ok"]), ("有错误", s["invalid"]), ("无法读取", s["rejected"]),
        ("跳过", s["skipped"]), ("错误（条）", s["errors"]), ("警告（条）", s["warnings"]),
        ("校验对象", str(target))])
    if target.is_file():
        return "%s：%s（问题清单见“结果_文件”）" % (target.name, verdict(report.files[0]))
    return ("%s 校验完成（%s）：共%d个文件，通过%d，有错误%d，无法读取%d，跳过%d；错误%d条，警告%d条"
            "（问题清单见“结果_文件”）" % ("✔" if report.valid else "✘", _now(), s["files"], s["ok"],
                                      s["invalid"], s["rejected"], s["skipped"], s["errors"], s["warnings"]))


def _problem_rows(report):
    """One row per problem, and one per file without problems (its status and reason)."""
    from .check import SEVERITY_TEXT, STATUS_TEXT
    rows = []
    for f in report.files:
        status = STATUS_TEXT.get(f.status, f.status)
        if not f.problems:
            rows.append((len(rows) + 1, f.path, status, "", "", "", "", "", f.reason, ""))
        for p in f.problems:
            rows.append((len(rows) + 1, f.path, status, SEVERITY_TEXT.get(p.severity, p.severity), p.sheet,
                         p.cell, p.label, p.value, p.message, p.hint))
    return rows


def verdict(rep):
    """One line for a check.FileReport: "✔ 符合申报条件", "✘ 3项错误：…", "✘ 无法读取：…"."""
    from .rules import OVERALL_TEXT
    if rep.status == "skipped":
        return "— 未校验：%s" % rep.reason
    if rep.status == "rejected":
        return "✘ 无法读取：%s" % (rep.reason or "；".join(p.message for p in rep.errors))
    errors, warnings = rep.errors, rep.warnings
    tail = "（另有%d项警告）" % len(warnings) if warnings else ""
    if errors:
        shown = "；".join(("%s：%s" % (p.label, p.message)) if p.label and p.label not in p.message
                         else p.message for p in errors[:3])
        return "✘ %d项错误：%s%s%s" % (len(errors), shown, "等" if len(errors) > 3 else "", tail)
    if rep.overall is None:
        return "✔ 未发现错误" + tail
    return OVERALL_TEXT.get(rep.overall, "✔ 未发现错误") + tail


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
    from .uscc import check_uscc
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
    from .reference import parse_industry
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
    from .reference import division_label, parse_industry
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
    from .check import check_file as check_one
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


__all__ = ["merge_folder", "build_templates", "check_file", "SJTX_USCC", "SJTX_SIZE", "SJTX_INDUSTRY",
           "SJTX_CHECK", "read_enterprise_list", "verdict", "describe_error"]
