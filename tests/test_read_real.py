"""What real clients save: the 1904 date system, percent formats, formulas with cached results."""
import datetime as _dt

import pytest

from sjtx_xl import ooxml, samples, spec
from sjtx_xl.check import check_file
from sjtx_xl.read.reader import Xlsx
from sjtx_xl.rules import MET, NOT_MET

from test_read import filled, rewrite, set_cell_xml, write


def _styles_with(data, code):
    """(package with a cellXfs entry appended whose number format is `code`, its index)."""
    found = {}

    def fn(name, body):
        text = body.decode("utf-8")
        head, rest = text.split("<cellXfs", 1)
        count = rest[:rest.index(">")]
        n = rest.count("<xf ")
        found["i"] = n
        xf = '<xf numFmtId="200" fontId="0" fillId="0" borderId="0" applyNumberFormat="1"/>'
        rest = rest.replace("</cellXfs>", xf + "</cellXfs>", 1)
        import re
        rest = re.sub(r'count="\d+"', 'count="%d"' % (n + 1), rest, count=1) if 'count="' in count else rest
        nf = '<numFmt numFmtId="200" formatCode="%s"/>' % code
        if "<numFmts" in head:
            head = re.sub(r"</numFmts>", nf + "</numFmts>", head, count=1)
        else:
            head = head.replace("<fonts", "<numFmts count=\"1\">%s</numFmts><fonts" % nf, 1)
        return (head + "<cellXfs" + rest).encode("utf-8")
    out = rewrite(data, fn, {"xl/styles.xml"})
    return out, found["i"]


def _date1904(data):
    def fn(name, body):
        text = body.decode("utf-8")
        if "<workbookPr" in text:
            import re
            return re.sub(r"<workbookPr\b", '<workbookPr date1904="1"', text, count=1).encode("utf-8")
        return text.replace("<sheets>", '<workbookPr date1904="1"/><sheets>', 1).encode("utf-8")
    return rewrite(data, fn, {"xl/workbook.xml"})


def _cell(kind, fid):
    f = spec.form(kind).field(fid)
    return f, spec.layout(kind).sheet_title[f.sheet]


def test_a_1904_workbook_reads_its_registration_date_exactly(tmp_path):
    values = samples.complete("enterprise", 3)
    data = filled("enterprise", values)
    f, title = _cell("enterprise", "reg_date")
    style = Xlsx(data).cell(title, f.cell).style
    day = _dt.date(2008, 10, 6)
    data = set_cell_xml(data, "enterprise", "reg_date",
                        '<c r="%s" s="%d"><v>%d</v></c>' % (f.cell, style, ooxml.serial(day, date1904=True)))
    data = _date1904(data)
    assert Xlsx(data).date1904
    r = check_file(write(tmp_path, "mac.xlsx", data))
    assert r.values["reg_date"] == day
    assert r.status == "ok", r.problems
    # the same serial in a 1900 workbook is four years and a day earlier
    plain = set_cell_xml(filled("enterprise", values), "enterprise", "reg_date",
                         '<c r="%s" s="%d"><v>%d</v></c>' % (f.cell, style, ooxml.serial(day, date1904=True)))
    assert check_file(write(tmp_path, "pc.xlsx", plain)).values["reg_date"] == _dt.date(2004, 10, 5)


@pytest.mark.parametrize("stored, shown", [(1, 100), (0.855, 85.5), (0.5, 50)])
def test_a_percent_format_is_read_as_the_percentage_shown(tmp_path, stored, shown):
    values = samples.complete("enterprise", 4)
    values["main_ratio_base"] = 90
    data, style = _styles_with(filled("enterprise", values), "0%")
    f, title = _cell("enterprise", "main_ratio_base")
    data = set_cell_xml(data, "enterprise", "main_ratio_base", '<c r="%s" s="%d"><v>%r</v></c>' % (f.cell, style, stored))
    r = check_file(write(tmp_path, "pct.xlsx", data))
    assert r.values["main_ratio_base"] == shown
    notes = [p for p in r.problems if p.field == "main_ratio_base"]
    assert [(p.type, p.sheet, p.cell) for p in notes] == [("normalised", title, "C7")]
    assert "%" in notes[0].message
    assert r.conditions["specialisation"] == (MET if shown >= 70 else NOT_MET)    # 专业化 judged on what was shown


def test_a_fraction_without_a_percent_format_is_not_scaled(tmp_path):
    values = samples.complete("enterprise", 4)
    values["main_ratio_base"] = 0.9
    r = check_file(write(tmp_path, "frac.xlsx", filled("enterprise", values)))
    assert r.values["main_ratio_base"] == 0.9
    assert "percent-fraction" in {p.type for p in r.problems if p.field == "main_ratio_base"}


def test_a_formula_with_a_cached_result_is_read_as_that_result(tmp_path):
    values = samples.complete("enterprise", 5)
    data = filled("enterprise", values)
    f, title = _cell("enterprise", "main_ratio_base")
    data = set_cell_xml(data, "enterprise", "main_ratio_base", '<c r="%s" t="n"><f>C6*1.1</f><v>88</v></c>' % f.cell)
    r = check_file(write(tmp_path, "f.xlsx", data))
    assert r.values["main_ratio_base"] == 88 and "main_ratio_base" not in r.formulas
    hits = [p for p in r.problems if p.field == "main_ratio_base"]
    assert [(p.type, p.severity, p.sheet, p.cell) for p in hits] == [("formula-cached", "warning", title, f.cell)]
    assert "=C6*1.1" in hits[0].message and "88" in hits[0].message
    assert r.status == "ok"


@pytest.mark.parametrize("xml", ['<c r="{ref}"><f>C6*1.1</f></c>', '<c r="{ref}" t="e"><f>1/0</f><v>#DIV/0!</v></c>'])
def test_a_formula_without_a_usable_result_is_an_error(tmp_path, xml):
    data = filled("enterprise", samples.complete("enterprise", 5))
    f, _ = _cell("enterprise", "main_ratio_base")
    r = check_file(write(tmp_path, "f.xlsx", set_cell_xml(data, "enterprise", "main_ratio_base", xml.format(ref=f.cell))))
    assert [p.type for p in r.problems if p.field == "main_ratio_base"] == ["formula-in-cell"]
    assert r.status == "invalid"


def test_label_fallback_never_reads_the_self_check_sheet(tmp_path):
    """A form pasted as values into a new workbook, 自检 first: credit code and size from 附件5."""
    import io

    from openpyxl import Workbook
    from python_calamine import CalamineWorkbook
    values = samples.complete("enterprise", 6)
    src = CalamineWorkbook.from_filelike(io.BytesIO(filled("enterprise", values)))
    lay = spec.layout("enterprise")
    order = ["自检"] + [t for t in src.sheet_names if t not in ("自检", "_meta", "_lists")]
    wb = Workbook()
    wb.remove(wb.active)
    for title in order:
        ws = wb.create_sheet(title)
        for r, row in enumerate(src.get_sheet_by_name(title).to_python(), start=1):
            for c, v in enumerate(row, start=1):
                if v != "":
                    ws.cell(row=r, column=c, value=v)
    p = tmp_path / "粘贴为数值.xlsx"
    wb.save(p)
    r = check_file(p)
    assert r.read_by == "label"
    for fid in ("uscc", "size", "name"):
        assert r.values[fid] == values[fid], fid
        assert r.where[fid][0] == lay.sheet_title["a5"], fid


def test_fill_and_the_reader_agree_on_every_character():
    """One cell writer (ooxml.cell_xml): control characters and a literal _xHHHH_ survive fill -> read."""
    text = "甲\x01乙_x0041_丙\t丁\r\n=SUM(1)"
    values = samples.complete("enterprise", 7)
    values["niche"] = text
    data = filled("enterprise", values)
    f, title = _cell("enterprise", "niche")
    c = Xlsx(data).cell(title, f.cell)
    assert c.kind == "s" and c.value == text and c.formula is None
