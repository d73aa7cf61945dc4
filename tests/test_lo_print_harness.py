"""Self-tests of the harness pieces issue 11 needs: typing through Calc's input path
(``Book.enter``), the zh-CN session, PDF export with pdftotext, and the row-height probe.

Every workbook is made here with openpyxl, so expectations come from what the test wrote.
"""
from __future__ import annotations

import openpyxl
import pytest
from openpyxl.styles import Alignment, Font, Protection

import lo


def test_profile_locale_is_configurable(tmp_path):
    lo._write_profile(tmp_path, "zh-CN")
    xcu = (tmp_path / "user" / "registrymodifications.xcu").read_text(encoding="utf-8")
    assert '<prop oor:name="ooSetupSystemLocale" oor:op="fuse"><value>zh-CN</value>' in xcu
    assert "en-US" not in xcu
    with pytest.raises(ValueError):
        lo._profile_settings("zh_CN; rm -rf")


def test_squash_drops_every_kind_of_whitespace():
    assert lo.squash("企业\n简介　第一段 \t2021") == "企业简介第一段2021"


def _general_book(tmp_path, name="g.xlsx"):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "S"
    ws["B1"].number_format = "0.00%"
    ws["C1"].number_format = "@"
    wb.save(tmp_path / name)
    return tmp_path / name


def test_enter_parses_like_a_person_typing(calc_in, tmp_path):
    with calc_in.open(_general_book(tmp_path)) as book:
        book.enter("S", "A1", "85%")          # General cell: 0.85, and Calc gives it a percent format
        assert book.value("S", "A1") == pytest.approx(0.85)
        assert "%" in book.number_format("S", "A1")
        assert book.string("S", "A1") in ("85%", "85.00%")
        book.enter("S", "B1", "85")           # a percent cell: Calc keeps 85, shown as 8500% (issue 11)
        assert book.value("S", "B1") == 85
        assert book.string("S", "B1") == "8500.00%"
        book.enter("S", "C1", "0085")         # a Text cell keeps what was typed
        assert book.kind("S", "C1") == "text" and book.string("S", "C1") == "0085"
        book.enter("S", "A2", "=1+2")         # the input line makes formulas too
        assert book.value("S", "A2") == 3


def test_enter_clears_detective_circles_first(calc, tmp_path):
    from openpyxl.worksheet.datavalidation import DataValidation
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "S"
    dv = DataValidation(type="whole", operator="between", formula1="0", formula2="100", errorStyle="stop")
    dv.add("A1:A3")
    ws.add_data_validation(dv)
    ws["A1"] = 500
    wb.save(tmp_path / "v.xlsx")
    with calc.open(tmp_path / "v.xlsx") as book:
        book.sheet("S").showInvalid()         # a circle on A1
        book.enter("S", "A2", "150")          # headless, the stop alert does not refuse it
        assert book.value("S", "A2") == 150
        assert not book.is_valid("S", "A2")
        assert calc.alive()


def test_enter_is_refused_on_a_locked_cell(calc, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "S"
    ws["B1"].protection = Protection(locked=False)
    ws.protection.sheet = True
    wb.save(tmp_path / "p.xlsx")
    with calc.open(tmp_path / "p.xlsx") as book:
        with pytest.raises(lo.CellProtectedError):
            book.enter("S", "A1", "x")
        book.enter("S", "B1", "x")
        assert book.string("S", "B1") == "x"


def test_zh_cn_session_is_really_chinese(calc_zh, calc, tmp_path):
    assert calc_zh.config_locale() == "zh-CN"
    assert calc.config_locale() == "en-US"
    path = _general_book(tmp_path)
    with calc_zh.open(path) as zh, calc.open(path) as en:
        for book in (zh, en):
            book.enter("S", "A1", "2021/5/31")
            book.enter("S", "A2", "5/31/2021")
        # the same keystrokes: zh-CN reads Y/M/D as a date and M/D/Y as text; en-US the reverse
        assert zh.kind("S", "A1") == "value" and zh.kind("S", "A2") == "text"
        assert en.kind("S", "A2") == "value"
        assert zh.value("S", "A1") == en.value("S", "A2") == 44347   # 2021-05-31
        assert "年" in zh.string("S", "A1")                           # zh-CN's own date format


def test_export_pdf_and_pdftotext(calc, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "S"
    ws["A1"] = "企业简介 Company profile 2021"
    hidden = wb.create_sheet("H")
    hidden["A1"] = "不应打印"
    hidden.sheet_state = "hidden"
    wb.save(tmp_path / "t.xlsx")
    with calc.open(tmp_path / "t.xlsx") as book:
        pdf = book.export_pdf(tmp_path / "t.pdf")
    assert pdf.read_bytes()[:5] == b"%PDF-"
    text = lo.pdftotext(pdf)
    assert "企业简介" in text and "Company profile 2021" in text   # CJK glyphs come out as text
    assert "不应打印" not in text


def test_needed_heights_see_merged_wrapped_text(calc, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "S"
    for col in "ABC":
        ws.column_dimensions[col].width = 20
    long = "专精特新" * 40
    for row, height in ((1, 15), (2, 200)):
        ws.merge_cells("A%d:C%d" % (row, row))
        ws["A%d" % row] = long
        ws["A%d" % row].alignment = Alignment(wrap_text=True)
        ws["A%d" % row].font = Font(name="宋体", size=10.5)
        ws.row_dimensions[row].height = height
    ws["A3"] = "短"
    wb.save(tmp_path / "h.xlsx")
    with calc.open(tmp_path / "h.xlsx") as book:
        fits = {f.cell: f for f in book.needed_heights("S")}
    assert set(fits) == {"A1", "A2", "A3"}
    # 160 CJK characters over three 20-wide columns take several lines: more than 15 pt, less than 200
    assert not fits["A1"].fits and fits["A1"].needed > 40
    assert fits["A2"].fits and fits["A2"].needed == pytest.approx(fits["A1"].needed)
    assert fits["A3"].fits and fits["A3"].needed < 20


def test_enter_reaches_any_sheet_and_merged_cells_and_soffice_survives(calc, tmp_path):
    import time
    wb = openpyxl.Workbook()
    first = wb.active
    first.title = "附件5 基本情况表"
    odd = wb.create_sheet("O'Brien")
    odd.merge_cells("B2:D2")
    wb.save(tmp_path / "m.xlsx")
    with calc.open(tmp_path / "m.xlsx") as book:
        book.enter("O'Brien", "B2", "合并单元格")
        for r in range(1, 61):                      # dozens of entries, switching sheets
            book.enter("附件5 基本情况表", "A%d" % r, str(r))
        book.enter("O'Brien", "A1", "1/2")
        assert book.string("O'Brien", "B2") == "合并单元格"
        assert [book.value("附件5 基本情况表", "A%d" % r) for r in (1, 60)] == [1, 60]
        assert book.kind("O'Brien", "A1") == "value"   # 1/2 is a date in en-US, typed like a person
        # any dispatch on a hidden frame once left a timer that aborted soffice seconds later
        time.sleep(3)
        assert calc.alive()
        assert book.value("附件5 基本情况表", "A60") == 60
