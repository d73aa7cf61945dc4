"""sjtx_xl.lint: one clean workbook, then one workbook per rule that breaks it exactly once."""
import re
import warnings
import zipfile

import openpyxl
import pytest
from openpyxl.formatting.rule import FormulaRule
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from sjtx_xl import lint
from sjtx_xl.errors import UsageError
from sjtx_xl.lint import LintProblem, function_nesting, lint_problems_as_text, lint_xlsx

SHEET1 = "xl/worksheets/sheet1.xml"
WORKBOOK = "xl/workbook.xml"


def _dv(**kw):
    kw.setdefault("showInputMessage", True)
    kw.setdefault("showErrorMessage", True)
    return DataValidation(**kw)


def make_workbook(path, extra=None, edits=None):
    """A clean template (sheets 数据 and Lists), changed by `extra(wb)` and then by `edits`,
    a {member: function(xml text) -> xml text} applied to the saved package."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "数据"
    lists = wb.create_sheet("Lists")
    for i, v in enumerate(["小型", "微型", "中型"], start=1):
        lists.cell(row=i, column=1, value=v)
    ws["A1"] = "企业名称"
    ws["B1"] = "=这不是公式"            # text starting with '=' stays text: fine
    ws["B1"].data_type = "s"
    ws["D2"] = "=SUM(E2:E3)"
    ws["D3"] = '=IF(ISNUMBER(E2),"_xlfn.",TEXT(E2,"0"))'   # _xlfn. inside a string literal is text

    listed = _dv(type="list", formula1='"是,否"', promptTitle="是否", prompt="请选择是或否",
                 errorTitle="输入错误", error="只能选择是或否", errorStyle="stop")
    listed.add("C2:C100")
    ranged = _dv(type="list", formula1="Lists!$A$1:$A$3")
    ranged.add("F2:F100")
    between = _dv(type="whole", operator="between", formula1="0", formula2="100000",
                  error="0 到 100000 之间的整数", errorStyle="warning")
    between.add("E2:E100")
    between.add("G2:G100")
    # boundary: exactly at each limit
    full = _dv(type="list", formula1='"%s"' % ("甲" * lint.MAX_LIST_CHARS),
               promptTitle="题" * 32, prompt="提" * 255, errorTitle="错" * 32, error="误" * 224)
    full.add("H2")
    for dv in (listed, ranged, between, full):
        ws.add_data_validation(dv)
    ws.conditional_formatting.add("A2:A100", FormulaRule(formula=['LEN($A2)>50'], stopIfTrue=False))

    wb.defined_names["ScaleList"] = DefinedName("ScaleList", attr_text="Lists!$A$1:$A$3")
    wb.defined_names["Rate"] = DefinedName("Rate", attr_text="0.5")
    ws.defined_names["Rate"] = DefinedName("Rate", attr_text="数据!$E$2")   # same name, other scope: fine
    if extra:
        extra(wb)
    wb.save(path)
    if edits:
        edit_package(path, edits)
    return path


def edit_package(path, edits):
    with zipfile.ZipFile(path) as zf:
        members = [(info, zf.read(info.filename)) for info in zf.infolist()]
    names = {info.filename for info, _ in members}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, data in members:
            fn = edits.get(info.filename)
            if fn is None:
                zf.writestr(info, data)
            elif callable(fn):
                zf.writestr(info, fn(data.decode("utf-8")).encode("utf-8"))
            # a non-callable, non-None edit (False) deletes the member
        for name, fn in edits.items():
            if name not in names and isinstance(fn, str):
                zf.writestr(name, fn.encode("utf-8"))


def sub1(pattern, repl):
    """An edit that must change exactly one place."""
    def edit(text):
        new, n = re.subn(pattern, repl, text, count=1)
        assert n == 1, pattern
        return new
    return edit


def only(problems):
    assert len(problems) == 1, lint_problems_as_text(problems)
    return problems[0]


@pytest.fixture
def xlsx(tmp_path):
    return tmp_path / "t.xlsx"


def test_clean_workbook_has_no_problem(xlsx):
    assert lint_xlsx(make_workbook(xlsx)) == []


# --- data validations ---------------------------------------------------------------------

def _add(dv, sqref="K2:K10"):
    def extra(wb):
        dv.add(sqref)
        wb["数据"].add_data_validation(dv)
    return extra


def test_validation_formula_too_long(xlsx):
    formula = "AND(" + ",".join(["ISNUMBER(K2)"] * 20) + ")"
    assert len(formula) > lint.MAX_FORMULA_CHARS
    p = only(lint_xlsx(make_workbook(xlsx, _add(_dv(type="custom", formula1=formula)))))
    assert (p.type, p.part, p.where) == ("validation-formula-too-long", SHEET1, "数据!K2:K10")


def test_validation_list_too_long(xlsx):
    items = '"%s"' % ("乙" * (lint.MAX_LIST_CHARS + 1))
    p = only(lint_xlsx(make_workbook(xlsx, _add(_dv(type="list", formula1=items)))))
    assert (p.type, p.where) == ("validation-list-too-long", "数据!K2:K10")


@pytest.mark.parametrize("attr, text", [
    ("promptTitle", "题" * 33),
    ("prompt", "提" * 256),
    ("errorTitle", "错" * 33),
    ("error", "误" * 225),
    ("promptTitle", "\U00020000" + "题" * 31),    # 32 characters, but 33 UTF-16 units
])
def test_validation_text_too_long(xlsx, attr, text):
    p = only(lint_xlsx(make_workbook(xlsx, _add(_dv(type="list", formula1='"a,b"', **{attr: text})))))
    assert (p.type, p.where) == ("validation-text-too-long", "数据!K2:K10")
    assert attr in p.message


def test_validation_text_too_long_after_openpyxl_refuses(xlsx):
    # an over-long error written straight into the XML, as another writer might
    edits = {SHEET1: sub1(r'error="只能选择是或否"', 'error="%s"' % ("长" * 300))}
    p = only(lint_xlsx(make_workbook(xlsx, edits=edits)))
    assert (p.type, p.where) == ("validation-text-too-long", "数据!C2:C100")
    assert "error has 300" in p.message


@pytest.mark.parametrize("kw", [{"prompt": "请输入"}, {"errorTitle": "错误"}])
def test_validation_message_off(xlsx, kw):
    dv = DataValidation(type="list", formula1='"a,b"', **kw)   # openpyxl's defaults: messages off
    p = only(lint_xlsx(make_workbook(xlsx, _add(dv))))
    assert (p.type, p.where) == ("validation-message-off", "数据!K2:K10")


def test_validation_bad_error_style(xlsx):
    edits = {SHEET1: sub1(r'errorStyle="stop"', 'errorStyle="fatal"')}
    p = only(lint_xlsx(make_workbook(xlsx, edits=edits)))
    assert (p.type, p.where) == ("validation-bad-error-style", "数据!C2:C100")


def test_validation_without_sqref(xlsx):
    edits = {SHEET1: sub1(r' sqref="F2:F100"', "")}
    p = only(lint_xlsx(make_workbook(xlsx, edits=edits)))
    assert (p.type, p.where) == ("validation-no-sqref", "数据")


# --- formulas -----------------------------------------------------------------------------

def test_future_function_in_cell(xlsx):
    def extra(wb):
        wb["数据"]["J5"] = "=_xlfn.XLOOKUP(A2,Lists!A:A,Lists!A:A)"
    p = only(lint_xlsx(make_workbook(xlsx, extra)))
    assert (p.type, p.part, p.where) == ("future-function", SHEET1, "数据!J5")
    assert "XLOOKUP" in p.message


def test_future_function_in_validation(xlsx):
    dv = _dv(type="custom", formula1="_xlfn.ISFORMULA(K2)")
    p = only(lint_xlsx(make_workbook(xlsx, _add(dv))))
    assert (p.type, p.where) == ("future-function", "数据!K2:K10")


def test_future_function_in_conditional_format(xlsx):
    def extra(wb):
        wb["数据"].conditional_formatting.add("L2:L9", FormulaRule(formula=["_xlfn.IFS(L2>1,TRUE)"]))
    p = only(lint_xlsx(make_workbook(xlsx, extra)))
    assert (p.type, p.where) == ("future-function", "数据!L2:L9")


def test_future_function_in_defined_name(xlsx):
    def extra(wb):
        wb.defined_names["Uniq"] = DefinedName("Uniq", attr_text="_xlfn.UNIQUE(Lists!$A$1:$A$3)")
    p = only(lint_xlsx(make_workbook(xlsx, extra)))
    assert (p.type, p.part, p.where) == ("future-function", WORKBOOK, "Uniq")


def test_cell_formula_too_long(xlsx):
    formula = "=" + "1+" * (lint.MAX_CELL_FORMULA_CHARS // 2) + "1"     # 8193 characters after '='

    def extra(wb):
        wb["数据"]["J6"] = formula
        wb["数据"]["J7"] = formula[:lint.MAX_CELL_FORMULA_CHARS + 1]      # exactly 8192: fine
    p = only(lint_xlsx(make_workbook(xlsx, extra)))
    assert (p.type, p.where) == ("formula-too-long", "数据!J6")


def test_cf_formula_too_long(xlsx):
    formula = "OR(" + ",".join(["$A2=1"] * 60) + ")"
    assert len(formula) > lint.MAX_CF_FORMULA_CHARS

    def extra(wb):
        wb["数据"].conditional_formatting.add("M2:M5", FormulaRule(formula=[formula]))
    p = only(lint_xlsx(make_workbook(xlsx, extra)))
    assert (p.type, p.where) == ("cf-formula-too-long", "数据!M2:M5")


def test_formula_too_deep(xlsx):
    def nested(n):
        return "=" + "ABS(" * n + "1" + ")" * n

    def extra(wb):
        wb["数据"]["J8"] = nested(lint.MAX_FUNCTION_NESTING + 1)
        wb["数据"]["J9"] = nested(lint.MAX_FUNCTION_NESTING)
    p = only(lint_xlsx(make_workbook(xlsx, extra)))
    assert (p.type, p.where) == ("formula-too-deep", "数据!J8")


def test_function_nesting_counts_calls_only():
    assert function_nesting("1+2") == 0
    assert function_nesting("((1+2))*3") == 0
    assert function_nesting("SUM(ABS(1),(MAX(2,3)))") == 2
    assert function_nesting('IF(A1="((((",LEN("x)"),0)') == 2
    assert function_nesting("_xlfn.XLOOKUP(1,'a(b'!A:A,LOG10(2))") == 2


# --- extensions ---------------------------------------------------------------------------

X14_EXT = (
    '<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" '
    'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
    '<x14:dataValidations xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main" count="1">'
    '<x14:dataValidation type="list" allowBlank="1" showInputMessage="1" showErrorMessage="1">'
    '<x14:formula1><xm:f>Lists!$A$1:$A$3</xm:f></x14:formula1><xm:sqref>N2:N9</xm:sqref>'
    '</x14:dataValidation></x14:dataValidations></ext></extLst></worksheet>'
)


def test_x14_extension(xlsx):
    p = only(lint_xlsx(make_workbook(xlsx, edits={SHEET1: sub1(r"</worksheet>", X14_EXT)})))
    assert (p.type, p.part, p.where) == ("x14-extension", SHEET1, "数据")
    assert "{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" in p.message and "dataValidations" in p.message


# --- sheet and defined names --------------------------------------------------------------

def test_bad_sheet_name(xlsx):
    long_name = "长" * 32

    def extra(wb):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")    # openpyxl warns, and writes it anyway
            wb.create_sheet(long_name)
    p = only(lint_xlsx(make_workbook(xlsx, extra)))
    assert (p.type, p.part, p.where) == ("bad-sheet-name", WORKBOOK, long_name)


def test_duplicate_sheet_name(xlsx):
    edits = {WORKBOOK: sub1(r'name="Lists2"', 'name="LISTS"')}
    p = only(lint_xlsx(make_workbook(xlsx, lambda wb: wb.create_sheet("Lists2"), edits)))
    assert (p.type, p.where) == ("duplicate-sheet-name", "LISTS")


def test_bad_defined_name(xlsx):
    def extra(wb):
        wb.defined_names["AB12"] = DefinedName("AB12", attr_text="Lists!$A$1")
    p = only(lint_xlsx(make_workbook(xlsx, extra)))
    assert (p.type, p.where) == ("bad-defined-name", "AB12")
    assert "cell reference" in p.message


def test_duplicate_defined_name(xlsx):
    # openpyxl keys names by their exact spelling, so "RATE" next to "Rate" is written
    def extra(wb):
        wb.defined_names["RATE"] = DefinedName("RATE", attr_text="0.6")
    p = only(lint_xlsx(make_workbook(xlsx, extra)))
    assert (p.type, p.where) == ("duplicate-defined-name", "RATE")


def test_duplicate_local_defined_name(xlsx):
    edits = {WORKBOOK: sub1(r"(<definedName name=\"Rate\" localSheetId=\"0\">[^<]*</definedName>)",
                            r'\1<definedName name="rate" localSheetId="0">数据!$E$3</definedName>')}
    p = only(lint_xlsx(make_workbook(xlsx, edits=edits)))
    assert (p.type, p.where) == ("duplicate-defined-name", "数据!rate")


@pytest.mark.parametrize("text", ["#REF!", "#REF!$A$1:$A$3"])
def test_broken_name(xlsx, text):
    def extra(wb):
        wb.defined_names["Gone"] = DefinedName("Gone", attr_text=text)
    p = only(lint_xlsx(make_workbook(xlsx, extra)))
    assert (p.type, p.where) == ("broken-name", "Gone")


def test_local_name_on_missing_sheet(xlsx):
    edits = {WORKBOOK: sub1(r'localSheetId="0"', 'localSheetId="7"')}
    p = only(lint_xlsx(make_workbook(xlsx, edits=edits)))
    assert (p.type, p.where) == ("broken-name", "#7!Rate")


# --- numeric character references ----------------------------------------------------------

def test_ncr_escaped_text_in_sheet(xlsx):
    edits = {SHEET1: sub1(r"<t>企业名称</t>", "<t>&#20225;&#19994;&#21517;&#31216;</t>")}
    p = only(lint_xlsx(make_workbook(xlsx, edits=edits)))
    assert (p.type, p.part, p.where, p.severity) == ("ncr-escaped-text", SHEET1, "数据", "warning")
    assert "4 non-ASCII" in p.message and "&#20225;" in p.message


def test_ncr_escaped_text_in_shared_strings(xlsx):
    sst = ('<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
           'uniqueCount="1"><si><t>&#x4E2D;&#x6587; &#10;ok</t></si></sst>')
    rel = ('<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
           'sharedStrings" Target="sharedStrings.xml" Id="rIdSst" /></Relationships>')
    edits = {"xl/sharedStrings.xml": sst,
             "xl/_rels/workbook.xml.rels": sub1(r"</Relationships>", rel)}
    p = only(lint_xlsx(make_workbook(xlsx, edits=edits)))
    assert (p.type, p.part, p.where) == ("ncr-escaped-text", "xl/sharedStrings.xml", "")
    assert "2 non-ASCII" in p.message       # &#10; (a line break) is ASCII: not counted


# --- broken packages ----------------------------------------------------------------------

def test_not_a_zip(tmp_path):
    path = tmp_path / "x.xlsx"
    path.write_text("hello")
    assert only(lint_xlsx(path)).type == "not-a-zip"


def test_missing_file_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError):
        lint_xlsx(tmp_path / "nope.xlsx")


def test_missing_sheet_part(xlsx):
    p = only(lint_xlsx(make_workbook(xlsx, edits={"xl/worksheets/sheet2.xml": False})))
    assert (p.type, p.part, p.where) == ("missing-part", "xl/worksheets/sheet2.xml", "Lists")


def test_malformed_sheet(xlsx):
    p = only(lint_xlsx(make_workbook(xlsx, edits={SHEET1: lambda t: t[:-20]})))
    assert (p.type, p.part) == ("malformed-xml", SHEET1)


# --- text and CLI -------------------------------------------------------------------------

def test_problems_as_text():
    assert lint_problems_as_text([]) == ""
    probs = [LintProblem("broken-name", WORKBOOK, "Gone", "refers to #REF!"),
             LintProblem("ncr-escaped-text", SHEET1, "", "2 ...", "warning")]
    assert lint_problems_as_text(probs).splitlines() == [
        "[error] broken-name xl/workbook.xml Gone: refers to #REF!",
        "[warning] ncr-escaped-text xl/worksheets/sheet1.xml: 2 ...",
    ]


def test_main(tmp_path, capsys):
    clean = make_workbook(tmp_path / "clean.xlsx")
    bad = make_workbook(tmp_path / "bad.xlsx", edits={SHEET1: sub1(r"</worksheet>", X14_EXT)})
    assert lint.main([str(clean)]) == 0
    assert lint.main([str(clean), str(bad)]) == 1
    out = capsys.readouterr().out
    assert "clean.xlsx: ok" in out and "x14-extension" in out
    assert lint.main([str(tmp_path / "missing.xlsx"), str(bad)]) == 2
    assert lint.main([]) == 2
