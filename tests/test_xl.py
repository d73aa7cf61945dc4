"""The xlwings adapter (sjtx_xl/xl.py) with a fake caller book; UDFs called directly.

The fake implements only what the adapter uses — ``names[n].refers_to_range.value``,
``sheets[t].clear_contents()`` and ``sheets[t].range("A1").options(pd.DataFrame, index=False).value =
frame`` — and assigns values
the way Excel does: a leading apostrophe keeps text as text, other text that starts with "=" is
a formula and text that looks like a number becomes one. So a test fails if the adapter lets a
credit code turn into a number or a pasted "=cmd|…" into a formula.
"""
import ast
import inspect
import json
import os
import random
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import xlsxwriter
import xlwings as xw

from sjtx_xl import samples, spec, template, xl
from sjtx_xl.fill import fill_bytes
from sjtx_xl.rules import SizeMatches, size_rows
from sjtx_xl.uscc import uscc_generate
from sjtx_xl.workbook import FILE_REPORT_HEADERS, NAMED_CELLS, SHEETS

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = "=cmd|' /C calc'!A0"


# ------------------------------------------------------------------------------------------------
# the fake caller book

class FakeRange:
    def __init__(self, sheet, row, col):
        self.sheet, self.row, self.col = sheet, row, col

    def options(self, convert=None, index=True, header=True, **kw):
        """xlwings' converters: only pandas.DataFrame, as the adapter uses it (no index)."""
        import pandas as pd
        assert convert is pd.DataFrame and not kw, "the adapter writes tables as DataFrames only"
        return FakeFrameRange(self, index, header)

    @property
    def value(self):
        return self.sheet.cells.get((self.row, self.col))

    @value.setter
    def value(self, v):
        if isinstance(v, (list, tuple)):
            rows = v if v and isinstance(v[0], (list, tuple)) else [v]
            for i, r in enumerate(rows):
                for j, x in enumerate(r):
                    self.sheet.put(self.row + i, self.col + j, x)
        else:
            self.sheet.put(self.row, self.col, v)


class FakeFrameRange:
    """`range.options(pd.DataFrame, index=False)`: assigning a DataFrame writes what xlwings' own
    pandas converter makes of it (header row, then the values; missing values -> empty cells)."""

    def __init__(self, rng, index, header):
        self.rng, self.index, self.header = rng, index, header

    @property
    def value(self):
        raise AssertionError("the adapter only writes through the DataFrame converter")

    @value.setter
    def value(self, df):
        import pandas as pd
        from xlwings.conversion.pandas_conv import PandasDataFrameConverter
        assert isinstance(df, pd.DataFrame)
        rows = PandasDataFrameConverter.write_value(df, {"index": self.index, "header": self.header})
        rows = [[None if (not isinstance(v, str) and pd.isna(v)) else v for v in r] for r in rows]
        if rows:
            self.rng.value = rows


class FakeSheet:
    def __init__(self, title):
        self.title, self.cells, self.formulas = title, {}, []

    def put(self, row, col, v):
        """Excel's parsing of an assigned value."""
        if isinstance(v, str):
            if v.startswith("'"):
                v = v[1:]
            elif v.startswith("="):
                self.formulas.append(v)
            elif re.fullmatch(r"[+-]?\d+(\.\d*)?([eE][+-]?\d+)?", v.strip()):
                v = float(v)
            v = v if v != "" else None
        if v is None:
            self.cells.pop((row, col), None)
        else:
            self.cells[(row, col)] = v

    def clear_contents(self):
        self.cells.clear()

    def range(self, address):
        m = re.fullmatch(r"\$?([A-Z]+)\$?(\d+)", address)
        assert m, "the adapter only anchors tables at single cells"
        col = 0
        for ch in m.group(1):
            col = col * 26 + ord(ch) - 64
        return FakeRange(self, int(m.group(2)), col)

    def table(self):
        if not self.cells:
            return []
        nrows = max(r for r, _ in self.cells)
        ncols = max(c for _, c in self.cells)
        return [[self.cells.get((r, c)) for c in range(1, ncols + 1)] for r in range(1, nrows + 1)]


class FakeName:
    def __init__(self, rng):
        self.refers_to_range = rng


class FakeBook:
    def __init__(self, **params):
        self.sheets = {t: FakeSheet(t) for t in SHEETS}
        control = self.sheets[SHEETS[0]]
        self.names = {}
        for name, (row, _label, initial) in NAMED_CELLS.items():
            self.names[name] = FakeName(control.range("B%d" % (row + 1)))
            control.put(row + 1, 2, params.get(name, initial))
        for sheet in self.sheets.values():
            sheet.put(1, 1, "旧内容")

    def param(self, name):
        return self.names[name].refers_to_range.value

    @property
    def status(self):
        return self.param("status")

    def rows(self, title):
        return self.sheets[title].table()

    def formulas(self):
        return [f for s in self.sheets.values() for f in s.formulas]


@pytest.fixture
def caller(monkeypatch):
    """caller(**named cells) -> the FakeBook that xw.Book.caller() returns."""
    def make(**params):
        book = FakeBook(**{k: str(v) for k, v in params.items()})
        monkeypatch.setattr(xw.Book, "caller", staticmethod(lambda: book))
        return book
    return make


# ------------------------------------------------------------------------------------------------
# generated filled workbooks

@pytest.fixture(scope="module")
def blanks():
    return {kind: template.build(kind) for kind in spec.KINDS}


def _write(path, blanks, kind, values):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(fill_bytes(blanks[kind], values, kind=kind))
    return path


@pytest.fixture
def folder(tmp_path, blanks):
    """City sub-folders with three good enterprises, one with a bad credit code, a platform, a
    lock file and a note."""
    root = tmp_path / "报送"
    for i, city in enumerate(("长春市", "长春市", "吉林市")):
        _write(root / city / ("企业%d.xlsx" % i), blanks, "enterprise", samples.complete("enterprise", i))
    bad = samples.complete("enterprise", 7)
    bad["uscc"] = bad["uscc"][:-1] + ("0" if bad["uscc"][-1] != "0" else "1")
    bad["name"] = HOSTILE
    _write(root / "吉林市" / "有错.xlsx", blanks, "enterprise", bad)
    _write(root / "平台" / "平台.xlsx", blanks, "platform", samples.complete("platform", 1))
    (root / "长春市" / "~$企业0.xlsx").write_bytes(b"lock")
    (root / "说明.txt").write_text("readme", encoding="utf-8")
    return root


# ------------------------------------------------------------------------------------------------
# 合并汇总

def test_merge_reads_folder_from_named_cell_and_writes_results(caller, folder, tmp_path):
    out = tmp_path / "out" / "省汇总.xlsx"
    book = caller(src_folder=folder, out_path=out)
    message = xl.merge_folder()
    assert message == book.status
    assert book.status.startswith("✔ 合并完成"), book.status
    assert "有错误的文件1个；请在“结果_文件”中查看" in book.status
    assert "已汇总5" in book.status and "跳过2" in book.status and str(out) in book.status
    assert out.is_file()

    files = book.rows("结果_文件")
    assert files[0] == list(FILE_REPORT_HEADERS)
    body = files[1:]
    assert [r[0] for r in body] == list(range(1, 8))
    by_file = {r[1]: r for r in body}
    assert set(by_file) == {"长春市/企业0.xlsx", "长春市/企业1.xlsx", "吉林市/企业2.xlsx", "吉林市/有错.xlsx",
                            "平台/平台.xlsx", "长春市/~$企业0.xlsx", "说明.txt"}
    good = samples.complete("enterprise", 0)
    assert by_file["长春市/企业0.xlsx"][2:5] == [good["name"], good["uscc"], "已汇总"]
    assert isinstance(by_file["长春市/企业0.xlsx"][3], str)               # credit code stays text
    flawed = by_file["吉林市/有错.xlsx"]
    assert flawed[2] == HOSTILE and flawed[4] == "已汇总" and flawed[6].startswith("2个错误")
    assert by_file["长春市/~$企业0.xlsx"][4] == "跳过" and "锁文件" in by_file["长春市/~$企业0.xlsx"][6]
    assert by_file["说明.txt"][4] == "跳过"
    assert book.formulas() == []                                          # "=cmd|…" written as text

    summary = dict((r[0], r[1]) for r in book.rows("结果_汇总")[1:])
    assert summary["发现文件"] == 7 and summary["已汇总"] == 5 and summary["拒收"] == 0
    assert summary["汇总企业（家）"] == 4 and summary["汇总平台（个）"] == 1
    assert summary["有错误的文件"] == 1 and summary["汇总表"] == str(out)


def test_merge_default_output_and_enterprise_list(caller, folder, tmp_path):
    listing = tmp_path / "名单.xlsx"
    good = [samples.complete("enterprise", i) for i in range(3)]
    _list_workbook(listing, [("企业名称", "统一社会信用代码", "批次")]
                   + [(v["name"], v["uscc"], v["batch"]) for v in good]
                   + [("漏报的公司", uscc_generate("220102", 999), "第二批")])
    book = caller(src_folder=folder, enterprise_list=listing)
    xl.merge_folder()
    assert (folder / "汇总.xlsx").is_file(), book.status
    assert "名单中4家企业，未报送1家" in book.status
    summary = dict((r[0], r[1]) for r in book.rows("结果_汇总")[1:])
    assert summary["名单中未报送"] == 1 and summary["未报送：漏报的公司"] == uscc_generate("220102", 999)
    # a second run does not take its own summary as input
    xl.merge_folder()
    assert "已汇总5" in book.status, book.status


def test_merge_opens_summary_in_excel_on_windows(caller, folder, monkeypatch):
    book = caller(src_folder=folder)
    opened = []

    class Book:
        def __init__(self, path):
            opened.append(path)

        caller = staticmethod(lambda: book)

    monkeypatch.setattr(xl, "_desktop_excel", lambda: True)     # not sys.platform: multiprocessing reads it
    monkeypatch.setattr(xw, "Book", Book)
    xl.merge_folder()
    assert opened == [str(folder / "汇总.xlsx")] and "（已打开）" in book.status, book.status


@pytest.mark.parametrize("case, expected", [
    ("blank", "“源文件夹”为空"),
    ("missing", "找不到“源文件夹”中的路径"),
    ("empty", "文件夹中没有找到Excel申报表"),
    ("only-junk", "文件夹中没有找到Excel申报表"),
    ("a-file", "“源文件夹”应为文件夹"),
    ("bad-output", "“输出文件”应为 .xlsx 文件或文件夹"),
])
def test_merge_bad_folder_gives_clear_status(caller, tmp_path, case, expected):
    empty = tmp_path / "空文件夹"
    empty.mkdir()
    src = {"blank": "", "missing": tmp_path / "不存在", "empty": empty, "only-junk": empty,
           "a-file": tmp_path / "a.xlsx", "bad-output": empty}[case]
    if case == "only-junk":
        (empty / "~$x.xlsx").write_bytes(b"x")
        (empty / "readme.txt").write_text("x")
    if case == "a-file":
        src.write_bytes(b"x")
    if case == "bad-output":
        (empty / "a.xlsx").write_bytes(b"x")
    book = caller(src_folder=src, out_path=tmp_path / "汇总.csv" if case == "bad-output" else "")
    xl.merge_folder()
    assert book.status.startswith("✘ 合并汇总失败：") and expected in book.status, book.status
    assert book.rows("结果_文件") == [["旧内容"]]                          # nothing half-written


def test_path_in_quotes_and_with_spaces(caller, folder):
    book = caller(src_folder='  "%s"  ' % folder)
    xl.merge_folder()
    assert "合并完成" in book.status, book.status


# ------------------------------------------------------------------------------------------------
# errors never escape

def test_unexpected_error_becomes_status_and_is_logged(caller, folder, monkeypatch, tmp_path):
    import sjtx_xl.merge

    def boom(*a, **k):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(sjtx_xl.merge, "merge", boom)
    monkeypatch.setattr(xl.tempfile, "tempdir", str(tmp_path))
    book = caller(src_folder=folder)
    assert xl.merge_folder() == book.status
    assert book.status.startswith("✘ 合并汇总失败：程序内部错误（RuntimeError：disk on fire）")
    log = tmp_path / xl.ERROR_LOG
    assert str(log) in book.status and "disk on fire" in log.read_text(encoding="utf-8")


@pytest.mark.parametrize("exc, text", [
    (PermissionError(13, "denied", "x.xlsx"), "无法读写 x.xlsx"),
    (FileNotFoundError(2, "nope", "y"), "找不到文件或文件夹：y"),
    (OSError(28, "full", "z"), "磁盘空间不足"),
    (MemoryError(), "内存不足"),
    (zipfile.BadZipFile("bad"), "不是有效的Excel工作簿"),
    (SystemExit(2), "程序内部错误"),
])
def test_describe_error(exc, text, monkeypatch, tmp_path):
    monkeypatch.setattr(xl.tempfile, "tempdir", str(tmp_path))
    assert text in xl.describe_error(exc)


def test_no_caller_or_missing_name_is_a_chinese_error(monkeypatch):
    def nobody():
        raise RuntimeError("not called from Excel")

    monkeypatch.setattr(xw.Book, "caller", staticmethod(nobody))
    with pytest.raises(xl.UsageError, match="请在 sjtx_xl.xlsm 中点击按钮"):
        xl.check_file()
    book = FakeBook()
    del book.names["status"]
    monkeypatch.setattr(xw.Book, "caller", staticmethod(lambda: book))
    with pytest.raises(xl.UsageError, match="缺少名称“status”"):
        xl.check_file()


# ------------------------------------------------------------------------------------------------
# 生成模板

def _list_workbook(path, rows, title=None):
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("名单")
    r = 0
    if title:
        ws.write_string(0, 0, title)
        r = 2
    for row in rows:
        for c, v in enumerate(row):
            if v is not None:
                ws.write(r, c, v)
        r += 1
    wb.close()


def _values(path):
    from sjtx_xl.check import check_file
    rep = check_file(path)
    assert rep.kind == "enterprise", rep.problems
    return rep.values


def test_build_templates_blank(caller, tmp_path):
    out = tmp_path / "模板"
    book = caller(out_path=out)
    xl.build_templates()
    assert book.status.startswith("✔ 模板已生成") and str(out) in book.status
    assert sorted(p.name for p in out.iterdir()) == sorted(template.filename(k) for k in spec.KINDS)
    for kind in spec.KINDS:
        assert (out / template.filename(kind)).read_bytes() == template.build(kind)
    rows = book.rows("结果_文件")
    assert rows[0] == list(xl.TEMPLATE_HEADERS) and len(rows) == 3


def test_build_templates_default_folder_and_xlsx_out_path(caller, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("USERPROFILE", str(tmp_path))
    book = caller()
    xl.build_templates()
    assert (tmp_path / "sjtx-xl" / "模板" / "企业申报表.xlsx").is_file(), book.status
    book = caller(out_path=tmp_path / "x" / "汇总.xlsx")              # the merge's output file: use its folder
    xl.build_templates()
    assert (tmp_path / "x" / "平台申报表.xlsx").is_file(), book.status


def test_build_templates_prefilled_from_enterprise_list(caller, tmp_path):
    good = uscc_generate("220102", 11)
    listing = tmp_path / "名单.xlsx"
    _list_workbook(listing, [
        ("批次", " 企业 名称 ", "备注", "统一社会信用代码"),          # any order, spaces in headers
        ("第一批", "吉林省甲公司", "x", good.lower()),                   # lower case: upper-cased
        (2, "吉林省乙/公司", None, "91220102MA00000010"),               # bad check char: noted; "/" in a name
        (None, None, None, None),                                        # blank row
        ("第九批", "吉林省甲公司", None, None),                          # same name again; unknown batch
    ], title="2021年推荐企业名单")
    out = tmp_path / "模板"
    book = caller(out_path=out, enterprise_list=listing)
    xl.build_templates()
    assert "预填企业模板3份" in book.status and "其中2份名单数据有误" in book.status, book.status
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(["企业申报表.xlsx", "平台申报表.xlsx", "企业申报表_吉林省甲公司.xlsx",
                            "企业申报表_吉林省乙_公司.xlsx", "企业申报表_吉林省甲公司_2.xlsx"])
    a = _values(out / "企业申报表_吉林省甲公司.xlsx")
    assert (a["name"], a["uscc"], a["batch"]) == ("吉林省甲公司", good, "第一批")
    b = _values(out / "企业申报表_吉林省乙_公司.xlsx")
    assert (b["name"], b["uscc"], b["batch"]) == ("吉林省乙/公司", "91220102MA00000010", "第二批")
    c = _values(out / "企业申报表_吉林省甲公司_2.xlsx")
    assert c["name"] == "吉林省甲公司" and c.get("batch") in (None, "")
    rows = {r[1]: r for r in book.rows("结果_文件")[1:]}
    assert "校验位" in rows[str(out / "企业申报表_吉林省乙_公司.xlsx")][5]
    assert "批次“第九批”不是可选项" in rows[str(out / "企业申报表_吉林省甲公司_2.xlsx")][5]
    assert isinstance(rows[str(out / "企业申报表_吉林省甲公司.xlsx")][3], str)


@pytest.mark.parametrize("case, expected", [
    ("missing", "找不到“企业名单”文件"),
    ("no-header", "找不到表头“企业名称”"),
    ("no-rows", "没有企业"),
    ("not-excel", "无法读取“企业名单”"),
])
def test_build_templates_bad_enterprise_list(caller, tmp_path, case, expected):
    listing = tmp_path / "名单.xlsx"
    if case == "no-header":
        _list_workbook(listing, [("公司", "代码"), ("甲", "1")])
    elif case == "no-rows":
        _list_workbook(listing, [("企业名称",)])
    elif case == "not-excel":
        listing.write_text("企业名称\n甲\n", encoding="utf-8")
    book = caller(out_path=tmp_path / "模板", enterprise_list=listing)
    xl.build_templates()
    assert book.status.startswith("✘ 生成模板失败：") and expected in book.status, book.status


def test_build_templates_out_path_is_a_file(caller, tmp_path):
    (tmp_path / "占用").write_text("x")
    book = caller(out_path=tmp_path / "占用")
    xl.build_templates()
    assert "“输出文件”应为文件夹" in book.status, book.status


# ------------------------------------------------------------------------------------------------
# 校验文件

def test_check_file_good(caller, folder):
    book = caller(src_folder=folder / "长春市" / "企业0.xlsx")
    xl.check_file()
    assert book.status == "企业0.xlsx：✔ 符合（问题清单见“结果_文件”）"
    rows = book.rows("结果_文件")
    assert rows[0] == list(xl.CHECK_HEADERS) and rows[1][2] == "✔ 通过" and len(rows) == 2


def test_check_file_with_problems(caller, folder):
    book = caller(src_folder=folder / "吉林市" / "有错.xlsx")
    xl.check_file()
    assert book.status.startswith("有错.xlsx：✘ 2项错误：") and "校验位" in book.status, book.status
    assert "企业名称：单元格内是公式而不是数据：=cmd|" in book.status
    rows = [dict(zip(xl.CHECK_HEADERS, r)) for r in book.rows("结果_文件")[1:]]
    uscc = next(r for r in rows if r["问题"] and "校验位" in r["问题"])
    assert uscc["严重程度"] == "错误" and uscc["项目"] == "统一社会信用代码"
    assert uscc["单元格"] == spec.form("enterprise").field("uscc").cell
    assert book.formulas() == []
    summary = dict((r[0], r[1]) for r in book.rows("结果_汇总")[1:])
    assert summary["有错误"] == 1 and summary["错误（条）"] == 2


def test_check_file_folder_and_junk(caller, folder, tmp_path):
    book = caller(src_folder=folder)
    xl.check_file()
    assert book.status.startswith("✘ 校验完成") and "共7个文件，通过4，有错误1" in book.status, book.status
    junk = tmp_path / "坏.xlsx"
    junk.write_bytes(b"PK\x03\x04 truncated")
    book = caller(src_folder=junk)
    xl.check_file()
    assert book.status.startswith("坏.xlsx：✘ 无法读取："), book.status
    book = caller(src_folder="")
    xl.check_file()
    assert book.status.startswith("✘ 校验失败：“源文件夹”为空"), book.status


# ------------------------------------------------------------------------------------------------
# UDFs

def test_udf_uscc():
    good = uscc_generate("220102", 5)
    assert xl.SJTX_USCC(good) == "有效"
    assert "校验位错误" in xl.SJTX_USCC(good[:-1] + ("0" if good[-1] != "0" else "1"))
    assert "应为18位" in xl.SJTX_USCC(good[:-1])
    assert "字母须大写" in xl.SJTX_USCC(good.lower())
    assert "多余空格" in xl.SJTX_USCC(good + " ")
    assert xl.SJTX_USCC(None) == xl.SJTX_USCC("  ") == "请输入统一社会信用代码"
    assert "应为文本" in xl.SJTX_USCC(912201021234567890.0)
    for junk in (True, [1, 2], object()):
        assert isinstance(xl.SJTX_USCC(junk), str)


def test_udf_industry():
    for v in (35, 35.0, "35", " 35 ", "３５", "专用设备制造业", "35 专用设备制造业"):
        assert xl.SJTX_INDUSTRY(v) == "35 专用设备制造业", v
    assert xl.SJTX_INDUSTRY(5.0) == "05 农、林、牧、渔专业及辅助性活动"
    assert xl.SJTX_INDUSTRY(None) == "请输入行业代码"
    for bad in (35.5, "3511", "99", "abc", True, -1.0, float("nan")):
        assert xl.SJTX_INDUSTRY(bad).startswith("无法识别的行业代码"), bad


def test_udf_size_agrees_with_the_template_rule():
    """SJTX_SIZE (size.classify) against SizeMatches.computed, the Python twin of the template's
    H_size_class formula, on every division with thresholds, at and around every threshold."""
    rule = next(c.rule for c in spec.form("enterprise").conditions if isinstance(c.rule, SizeMatches))
    rng = random.Random(5)
    n = 0
    for code, row in size_rows().items():
        limits = {m: sorted({row[m + c] for c in "lms"} - {0}) for m in "xyz"}
        for _ in range(12):
            vals = {}
            for m in "xyz":
                pool = [v + d for v in limits[m] for d in (-1, 0, 1)] or [0]
                vals[m] = float(rng.choice(pool + [rng.uniform(0, 2 * max(pool) + 1)]))
            values = {rule.industry: "%s x" % code, rule.employees: vals["x"], rule.revenue: vals["y"],
                      rule.assets: vals["z"]}
            twin = rule.computed(values)
            got = xl.SJTX_SIZE(float(code), vals["x"], vals["y"], vals["z"] if limits["z"] else None)
            assert got == twin, (code, vals, got, twin)
            n += 1
    assert n > 900


def test_udf_size_bad_input():
    assert xl.SJTX_SIZE("35 专用设备制造业", 120.0, 5000.0) == "小型"
    assert xl.SJTX_SIZE(35, 1000, 40000) == "大型"
    assert xl.SJTX_SIZE(None, 1, 1) == "请填写所属行业（2位大类代码）"
    assert xl.SJTX_SIZE("xx", 1, 1).startswith("无法识别的行业")
    assert xl.SJTX_SIZE("53", 10, 10).startswith("无法判定：53 铁路运输业")
    assert xl.SJTX_SIZE(70.0, 10, 10, 10).startswith("无法判定：70 房地产业")
    assert xl.SJTX_SIZE(47, 10, 100) == "缺少资产总额（万元）：建筑业按营业收入、资产总额划型"
    assert xl.SJTX_SIZE(35, None, 100).startswith("缺少从业人员（人）")
    assert xl.SJTX_SIZE(35, "120", 100) == "从业人员（人）应为数字，实际为“120”"
    assert xl.SJTX_SIZE(35, 120, True).startswith("营业收入（万元）应为数字")
    assert xl.SJTX_SIZE(35, -1.0, 100) == "从业人员（人）不能为负数：-1"
    assert xl.SJTX_SIZE(35, 120, 5000, "x") == "小型"                       # assets unused for 工业
    assert isinstance(xl.SJTX_SIZE([1], {}, object()), str)


def test_udf_check(folder, tmp_path):
    assert xl.SJTX_CHECK(str(folder / "长春市" / "企业0.xlsx")) == "✔ 符合"
    bad = xl.SJTX_CHECK(str(folder / "吉林市" / "有错.xlsx"))
    assert bad.startswith("✘ 2项错误：") and "统一社会信用代码校验位错误" in bad, bad
    assert xl.SJTX_CHECK('"%s"' % (folder / "平台" / "平台.xlsx")).startswith("✔")
    half = dict(samples.complete("enterprise", 3))
    for k in ("rd_ratio_2019", "employees"):
        half.pop(k)
    assert xl.SJTX_CHECK(str(_write(tmp_path / "半.xlsx", {"enterprise": template.build("enterprise")},
                                    "enterprise", half))).startswith("✘")
    assert xl.SJTX_CHECK(str(tmp_path / "nope.xlsx")).startswith("✘ 找不到文件")
    assert xl.SJTX_CHECK(str(tmp_path)).startswith("✘ 这是文件夹")
    (tmp_path / "x.txt").write_text("hello")
    assert xl.SJTX_CHECK(str(tmp_path / "x.txt")).startswith("✘ 无法读取：")
    assert xl.SJTX_CHECK(None) == "请输入申报表文件的路径"
    assert xl.SJTX_CHECK(3.0) == "路径应为文本，实际为“3”"


def test_udfs_never_raise(monkeypatch):
    import sjtx_xl.uscc

    def boom(code):
        raise RuntimeError("bug")

    monkeypatch.setattr(sjtx_xl.uscc, "check_uscc", boom)
    assert xl.SJTX_USCC("x").startswith("出错：程序内部错误（RuntimeError：bug）")


def test_udf_signatures_and_help_fit_the_vba_wrappers():
    """The wrappers in macros/xlwings_udfs.bas call these names with these arguments; on Windows
    @xw.arg names must be parameters and xlwings truncates help texts to 255 characters."""
    expected = {"SJTX_USCC": "(code)", "SJTX_SIZE": "(industry, employees, revenue, assets=None)",
                "SJTX_INDUSTRY": "(code)", "SJTX_CHECK": "(path)"}
    bas = (ROOT / "macros" / "xlwings_udfs.bas").read_text("ascii")
    tree = ast.parse((ROOT / "sjtx_xl" / "xl.py").read_text("utf-8"))
    funcs = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name in expected}
    assert set(funcs) == set(expected)
    for name, sig in expected.items():
        f = getattr(xl, name)
        assert str(inspect.signature(f)) == sig
        assert 'CallUDF("sjtx_xl.xl", "%s"' % name in bas
        assert f.__doc__ and len(f.__doc__) <= 255 and re.search(r"[\u4e00-\u9fff]", f.__doc__)
        decorators = [ast.unparse(d) for d in funcs[name].decorator_list]
        assert decorators[0] == "xw.func"
        params = set(inspect.signature(f).parameters)
        args = [d for d in funcs[name].decorator_list if ast.unparse(d).startswith("xw.arg(")]
        assert {a.args[0].value for a in args} == params
        for a in args:
            doc = next(k.value.value for k in a.keywords if k.arg == "doc")
            assert 0 < len(doc) <= 255 and re.search(r"[\u4e00-\u9fff]", doc)


def test_nothing_but_xl_imports_xlwings():
    code = ("import pkgutil, importlib, sys, sjtx_xl\n"
            "for m in pkgutil.walk_packages(sjtx_xl.__path__, 'sjtx_xl.'):\n"
            "    if m.name != 'sjtx_xl.xl':\n"
            "        importlib.import_module(m.name)\n"
            "assert 'xlwings' not in sys.modules, 'imported xlwings'\n")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=str(ROOT))


# ------------------------------------------------------------------------------------------------
# packaging: a wheel carries macros/*.bas, so install-workbook works without the repository

def _build(src, what, dest):
    code = "import setuptools.build_meta as b; print(b.build_%s(%r))" % (what, str(dest))
    return subprocess.run([sys.executable, "-c", code], cwd=str(src), check=True, capture_output=True,
                          text=True).stdout.strip().splitlines()[-1]


@pytest.mark.skipif(not (ROOT / "setup.py").exists(), reason="needs the source tree")
def test_wheel_ships_macros_and_installed_copy_builds_the_workbook(tmp_path):
    import shutil
    import tarfile
    src = tmp_path / "src"
    src.mkdir()
    for name in ("setup.py", "setup.cfg", "pyproject.toml", "MANIFEST.in", "README.md"):
        if (ROOT / name).exists():
            shutil.copy2(ROOT / name, src / name)
    shutil.copytree(ROOT / "macros", src / "macros")
    shutil.copytree(ROOT / "sjtx_xl", src / "sjtx_xl", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    # sdist -> unpack -> wheel: the sdist must carry macros/ (MANIFEST.in) for the wheel to get it
    sdist = _build(src, "sdist", tmp_path / "sdist")
    with tarfile.open(tmp_path / "sdist" / sdist) as tf:
        members = tf.getnames()
        assert any(m.endswith("/macros/sjtx_buttons.bas") for m in members)
        tf.extractall(tmp_path / "unpacked")
    unpacked = next((tmp_path / "unpacked").iterdir())
    wheel = tmp_path / "wheel" / _build(unpacked, "wheel", tmp_path / "wheel")
    names = zipfile.ZipFile(wheel).namelist()
    bas = sorted(p.name for p in (ROOT / "macros").glob("*.bas"))
    assert sorted(n.split("/")[-1] for n in names if n.startswith("sjtx_xl/vba/") and n.endswith(".bas")) == bas
    for b in bas:
        assert zipfile.ZipFile(wheel).read("sjtx_xl/vba/" + b) == (ROOT / "macros" / b).read_bytes()
    assert "sjtx_xl/xl.py" in names and not any(n.startswith("macros/") for n in names)
    # install the wheel apart from the repository and build the workbook from it
    target = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(target)
    code = ("import sys, sjtx_xl, sjtx_xl.workbook as w\n"
            "assert sjtx_xl.__file__.startswith(%r), sjtx_xl.__file__\n"
            "print(w.default_bas_dir())\n"
            "print(w.install_workbook(%r))\n" % (str(target), str(tmp_path / "user")))
    env = dict(os.environ, PYTHONPATH=str(target))
    out = subprocess.run([sys.executable, "-c", code], cwd=str(tmp_path), env=env, check=True,
                         capture_output=True, text=True).stdout.splitlines()
    assert out[0] == str(target / "sjtx_xl" / "vba")
    built = Path(out[1])

    def vba(path):
        return zipfile.ZipFile(path).read("xl/vbaProject.bin")

    assert vba(built) == vba(ROOT / "workbook" / "sjtx_xl.xlsm")


# ------------------------------------------------------------------------------------------------
# both front ends: every job of the workbook through xl.py and through the command line

def _cli_json(capsys, *argv):
    from sjtx_xl import cli
    code = cli.main([str(a) for a in argv] + ["--json"])
    return code, json.loads(capsys.readouterr().out)


@pytest.fixture
def listing(tmp_path):
    path = tmp_path / "名单.xlsx"
    good = [samples.complete("enterprise", i) for i in range(3)]
    _list_workbook(path, [("企业名称", "统一社会信用代码", "批次")] + [(v["name"], v["uscc"], v["batch"]) for v in good]
                   + [("漏报的公司", uscc_generate("220102", 999), "第二批"), ("无代码的公司", None, "3")])
    return path


def test_merge_through_both_front_ends(caller, folder, listing, tmp_path, capsys):
    from sjtx_xl import app
    from sjtx_xl.vocab import MERGE_STATUS_TEXT
    book = caller(src_folder=folder, out_path=tmp_path / "xl" / "汇总.xlsx", enterprise_list=listing)
    xl.merge_folder()
    assert book.status.startswith("✔"), book.status
    code, d = _cli_json(capsys, "merge", folder, "--recursive", "-o", tmp_path / "cli" / "汇总.xlsx",
                        "--enterprise-list", listing)
    assert code == 0
    shown = {r[1]: (r[4], r[6] or "") for r in book.rows("结果_文件")[1:]}
    printed = {os.path.relpath(f["path"], folder).replace(os.sep, "/"): (MERGE_STATUS_TEXT[f["status"]], f["reason"])
               for f in d["files"]}
    assert {k: v[0] for k, v in shown.items()} == {k: v[0] for k, v in printed.items()}
    for k, (status, reason) in printed.items():
        if reason:
            assert shown[k][1] == reason, k
    counts = dict((r[0], r[1]) for r in book.rows("结果_汇总")[1:])
    c = d["counts"]
    assert (counts["发现文件"], counts["已汇总"], counts["拒收"], counts["跳过"], counts["汇总企业（家）"]) == (
        c["found"], c["merged"], c["rejected"], c["skipped"], c["enterprises"])
    assert [k[len("未报送："):] for k in counts if k.startswith("未报送：")] == [e["name"] for e in d["missing"]["missing"]]
    assert [e["name"] for e in d["missing"]["missing"]] == ["漏报的公司", "无代码的公司"]
    a, b = app.summary_frames(tmp_path / "xl" / "汇总.xlsx"), app.summary_frames(tmp_path / "cli" / "汇总.xlsx")
    for name in ("附件3", "附件4", "附件5", "附件6", "资格审查", "资格审查（平台）"):
        assert a[name].equals(b[name]), name


def test_templates_through_both_front_ends(caller, listing, tmp_path, capsys):
    book = caller(out_path=tmp_path / "xl", enterprise_list=listing)
    xl.build_templates()
    assert book.status.startswith("✔ 模板已生成"), book.status
    code, d = _cli_json(capsys, "prefill", listing, "-o", tmp_path / "cli")
    assert code == 0
    rows = book.rows("结果_文件")[1:]
    assert [Path(r[1]).name for r in rows] == [Path(f["path"]).name for f in d["files"]]
    for r, f in zip(rows, d["files"]):
        assert Path(r[1]).read_bytes() == Path(f["path"]).read_bytes()
        p = f["prefilled"]
        if p:
            assert (r[2], r[3] or "", r[4] or "") == (p["name"], p["uscc"], p["batch"])
            assert r[5] == ("；".join(p["notes"]) or "已预填")
    assert [f["prefilled"]["batch"] for f in d["files"] if f["prefilled"]][-1] == "第三批（正在公示）"


def test_check_through_both_front_ends(caller, folder, capsys):
    book = caller(src_folder=folder)
    xl.check_file()
    code, d = _cli_json(capsys, "check", folder)
    assert code == 1 and book.status.startswith("✘ 校验完成")
    shown = sorted((r[1], r[7] or "", r[8] or "") for r in book.rows("结果_文件")[1:] if r[3])
    printed = sorted((f["path"], e["value"] or "", e["message"]) for f in d["files"] for e in f["errors"])
    assert shown == printed and len(shown) >= 2
    counts = dict((r[0], r[1]) for r in book.rows("结果_汇总")[1:])
    s = d["stats"]
    assert (counts["文件数"], counts["通过"], counts["有错误"], counts["错误（条）"]) == (
        s["files"], s["ok"], s["invalid"], s["errors"])


def test_missing_through_both_front_ends(caller, folder, listing, capsys):
    book = caller(src_folder=folder, enterprise_list=listing)
    xl.find_missing()
    code, d = _cli_json(capsys, "missing", listing, folder)
    assert code == 1 and book.status.startswith("✘ 核对完成") and "未报送2家" in book.status, book.status
    assert [r[1] for r in book.rows("结果_文件")[1:]] == [e["name"] for e in d["missing"]] == ["漏报的公司", "无代码的公司"]
    book = caller(src_folder=folder)
    xl.find_missing()
    assert "“企业名单”为空" in book.status
