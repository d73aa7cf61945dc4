"""The 自检 and the cells as a clerk meets them (issue 11), typed through Calc's own input path
(`Book.enter`, `.uno:EnterString`) in en-US and zh-CN.

Headless Calc does not show the stop alert, so a refused entry is asserted by asking Calc's
validation (`is_valid`), exactly what decides whether the alert appears.
"""
import datetime as dt
import re

import pytest

from sjtx_xl import samples, spec, template
from sjtx_xl.check import check_file
from sjtx_xl.fill import fill_bytes
from sjtx_xl.rules import serial

from lo import pdftotext

KIND = "enterprise"


@pytest.fixture
def filled(calc_in, tmp_path):
    values = samples.complete(KIND, 21)
    path = tmp_path / "form.xlsx"
    path.write_bytes(fill_bytes(template.build(KIND), values))
    with calc_in.open(path) as book:
        yield book, values, tmp_path


def _where(fid):
    f = spec.form(KIND).field(fid)
    return spec.layout(KIND).sheet_title[f.sheet], f.cell


def _listed(book):
    """The visible list of fields to fix on the 自检: [(label, 'sheet!cell', state text)]."""
    lay = spec.layout(KIND)
    title = lay.sheet_title["self"]
    rows = book.read(title, "%s%d:%s%d" % (lay.LABEL_COL, lay.field_first_row, lay.VERDICT_COL, lay.field_last_row))
    return [tuple(r) for r in rows if r[0]]


def _verdict(book):
    book.recalc()
    lay = spec.layout(KIND)
    return book.string(lay.sheet_title["self"], "%s%d" % (lay.VERDICT_COL, lay.overall_row))


def _eighty_fives(text):
    """How many times 85 is printed as a number of its own (not 8500%, 85.5 or 185)."""
    return len(re.findall(r"(?<![\d.])85(?![\d.%])", text))


def test_percent_typed_is_refused_and_a_retyped_85_is_85(filled):
    """Headless Calc shows no stop alert, so 85% is kept as typed, with the percent format Calc gives
    it: the worst case, a cell the protection keeps in percent. Calc has no automatic percent entry,
    so the retyped 85 is stored as 85; the template shows it plainly (a conditional number format,
    styles.CF_PLAIN_SHARE), and the 自检 and `check` read the 85 shown."""
    book, values, tmp = filled
    sheet, cell = _where("main_ratio_base")
    eighty_fives = _eighty_fives(pdftotext(book.export_pdf(tmp / "before.pdf")))
    book.enter(sheet, cell, "85%")
    assert book.value(sheet, cell) == pytest.approx(0.85)
    assert not book.is_valid(sheet, cell)                       # the stop alert refuses it ...
    error = book.validation(sheet, cell)["error_message"]
    assert "85" in error and "%" in error                        # ... and says what to type
    book.enter(sheet, cell, "85")
    assert book.value(sheet, cell) == 85 and book.is_valid(sheet, cell)
    assert book.number_format(sheet, cell).endswith("%")         # the percent format stuck ...
    book.recalc()
    assert book.value("N_main_ratio_base") == 85 and book.value("S_main_ratio_base") == 0
    assert _verdict(book).startswith("✔")
    text = pdftotext(book.export_pdf(tmp / "typed.pdf"))         # ... yet it prints as 85
    assert "8500%" not in text and "8500.00%" not in text
    assert _eighty_fives(text) == eighty_fives + 1
    saved = book.save_as_xlsx(tmp / "typed.xlsx")
    rep = check_file(saved)
    assert rep.values["main_ratio_base"] == 85 and rep.status == "ok"
    assert not [p for p in rep.problems if p.field == "main_ratio_base"]


def test_100_percent_typed_is_100(filled):
    """Typing 100% in a share is accepted (1 is no fraction) and means 100, shown as 100%."""
    book, values, tmp = filled
    sheet, cell = _where("main_ratio_base")
    book.enter(sheet, cell, "100%")
    assert book.is_valid(sheet, cell) and book.string(sheet, cell).startswith("100")
    book.recalc()
    assert book.value("N_main_ratio_base") == 100 and book.value("S_main_ratio_base") == 3
    rep = check_file(book.save_as_xlsx(tmp / "hundred.xlsx"))
    assert rep.values["main_ratio_base"] == 100 and rep.conditions["specialisation"] == 1


NORMALISED = [
    ("employees", "420人", 420), ("reg_capital", "１２００", 1200), ("export_ratio_base", "30％", 30),
    ("uscc", "lower", None), ("industry", "35", "35 专用设备制造业"),
    # the QA pass's gaps: thousands separators, text dates, spaces around list items
    ("reg_capital", "1,200.5万元", 1200.5), ("employees", "1,200人", 1200), ("reg_capital", "\xa01,200\u3000", 1200),
    ("reg_date", "20100501", dt.date(2010, 5, 1)), ("reg_date", "2010/05/01", dt.date(2010, 5, 1)),
    ("reg_date", "2010.5.1", dt.date(2010, 5, 1)), ("reg_date", "2010年5月1日", dt.date(2010, 5, 1)),
    ("reg_date", "2010 - 05 - 01", dt.date(2010, 5, 1)),
    ("four_base_item", "关键基础材料 、 先进基础工艺", "关键基础材料、先进基础工艺"),
    ("ownership", "\u3000民营 ", "民营"), ("listing_plan_base", "无\xa0", "无"), ("name", " 某某机床有限公司\u3000", "某某机床有限公司"),
]


@pytest.mark.parametrize("fid,typed,stored", NORMALISED, ids=["%s=%r" % (c[0], c[1]) for c in NORMALISED])
def test_what_check_normalises_is_accepted_and_shown_as_will_be_normalised(filled, fid, typed, stored):
    """Typed through Calc's input path: the cell accepts what `check` would normalise (a choice's
    dropdown cannot: its alert names the form to pick, and pasted it is read like `check` reads it),
    the 自检 marks it △ 将自动规范 and `check` reads the same value, with one `normalised` warning.
    Where Calc itself reads the entry as the value (zh-CN: 2010/05/01 is a date), nothing is left
    to normalise on either side."""
    book, values, tmp = filled
    sheet, cell = _where(fid)
    if typed == "lower":
        typed, stored = values["uscc"].lower(), values["uscc"]
    f = spec.form(KIND).field(fid)
    book.enter(sheet, cell, typed)
    if f.type == "choice":              # the dropdown keeps the list: its alert says what to pick ...
        assert not book.is_valid(sheet, cell)
        alert = book.validation(sheet, cell)["error_message"]
        assert ("35 专用设备制造业" if fid == "industry" else "下拉列表") in alert
        book.type_text(sheet, cell, typed)                        # ... and pasted, it is read as check reads it
    else:
        assert book.is_valid(sheet, cell), (fid, typed)
    book.recalc()
    by_calc = book.kind(sheet, cell) == "value" and book.value(sheet, cell) == (
        serial(stored) if isinstance(stored, dt.date) else stored)           # Calc read it as the value
    state = book.value("S_" + fid)
    assert state == (0 if by_calc else 3)
    assert by_calc or "△ 将自动规范" in [st for _, _, st in _listed(book)]
    rep = check_file(book.save_as_xlsx(tmp / "normalised.xlsx"))
    assert rep.values[fid] == stored and rep.states[fid] == state
    assert [p.type for p in rep.problems if p.field == fid] == ([] if by_calc else ["normalised"])


def test_credit_code_cell_and_check_agree_on_the_authority_code(filled):
    book, values, tmp = filled
    sheet, cell = _where("uscc")
    book.enter(sheet, cell, "94220101MA00000056")                 # check character right, authority wrong
    assert not book.is_valid(sheet, cell)
    book.recalc()
    assert book.value("S_uscc") == 1 and book.value("R_uscc") == 0
    rep = check_file(book.save_as_xlsx(tmp / "uscc.xlsx"))
    assert rep.states["uscc"] == 1 and rep.conditions["uscc"] == 0


@pytest.mark.parametrize("name,ok", [("CNC冲孔机床", True), ("LED驱动电源", True), ("5G模组", True),
                                     ("IGBT模块、220kV变压器", True), ("Servo Motor", False), ("ServoMotor", False)])
def test_product_names_as_the_notice_says(filled, name, ok):
    book, values, tmp = filled
    sheet, cell = _where("product_names")
    book.enter(sheet, cell, name)
    assert book.is_valid(sheet, cell) is ok
    book.recalc()
    assert (book.value("S_product_names") == 0) is ok


PASTED = [   # issue 11: values pasted past the validation
    ("profile_products", "好" * 5001), ("name", "长" * 101), ("product_code", "350706000"),
    ("listing_plan_base", "已递交申请书"), ("reg_date", 44500), ("main_ratio_base", 100.5),
]


@pytest.mark.parametrize("fid,value", PASTED)
def test_a_pasted_invalid_value_makes_the_selfcheck_say_to_correct_and_names_the_cell(filled, fid, value):
    book, values, tmp = filled
    sheet, cell = _where(fid)
    assert _verdict(book).startswith("✔")
    book.write(sheet, cell, [[value]])                            # raw, as a paste
    verdict = _verdict(book)
    assert verdict == "△ 待更正", verdict
    listed = _listed(book)
    f = spec.form(KIND).field(fid)
    assert ("%s!%s" % (sheet, cell)) in [w for _, w, _ in listed]
    assert any(s.startswith("✘") for _, w, s in listed if w == "%s!%s" % (sheet, cell))
    lay = spec.layout(KIND)
    assert book.string(lay.sheet_title["self"], "%s%d" % (lay.VERDICT_COL, lay.valid_row)).startswith("✘")
    assert f.label.split("（")[0][:6] in [lbl for lbl, w, _ in listed if w == "%s!%s" % (sheet, cell)][0]


def test_a_number_typed_with_words_is_pending_not_missing(filled):
    book, values, tmp = filled
    sheet, cell = _where("employees")
    book.write(sheet, cell, [["约420人"]])
    book.recalc()
    assert book.value("S_employees") == 1 and _verdict(book) == "△ 待更正"
    lay = spec.layout(KIND)
    missing = book.string(lay.sheet_title["self"], "%s%d" % (lay.VERDICT_COL, lay.info_first_row + 1))
    assert missing.startswith("0项")


def test_blank_form_lists_missing_fields_with_their_sheets(calc_in, tmp_path):
    path = tmp_path / "blank.xlsx"
    path.write_bytes(template.build(KIND))
    with calc_in.open(path) as book:
        book.recalc()
        lay = spec.layout(KIND)
        listed = _listed(book)
        required = [f for f in spec.form(KIND).fields if f.required]
        assert len(listed) == len(required) and all(s == "… 必填未填" for _, _, s in listed)
        missing = book.string(lay.sheet_title["self"], "%s%d" % (lay.VERDICT_COL, lay.info_first_row + 1))
        extra = sum(1 for f in required if f.sheet == "extra")
        assert missing.startswith("%d项" % len(required)) and ("补充信息及自检辅助 %d项" % extra) in missing
        assert book.string(lay.sheet_title["self"], "%s%d" % (lay.VERDICT_COL, lay.overall_row)) == "△ 待更正"


def test_a_percentage_that_stuck_is_read_as_shown_by_both(filled):
    """If 85% does get in with a percent format (pasted with its format from another workbook), the
    自检 and `check` both read the 85 the clerk sees, and mark it as normalised."""
    book, values, tmp = filled
    sheet, cell = _where("main_ratio_base")
    book.set_number_format(sheet, cell, "0%")
    book.cell(sheet, cell).setValue(0.85)
    book.recalc()
    assert book.string(sheet, cell) == "85%"
    assert book.value("N_main_ratio_base") == 85 and book.value("S_main_ratio_base") == 3
    rep = check_file(book.save_as_xlsx(tmp / "percent.xlsx"))
    assert rep.values["main_ratio_base"] == 85 and rep.states["main_ratio_base"] == 3
