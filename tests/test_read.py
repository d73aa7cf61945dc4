"""The reader: values by defined names, cell kinds as stored, WPS quirks, label fallback."""
import io
import re
import zipfile

import pytest
from openpyxl import Workbook
from python_calamine import CalamineWorkbook

from sjtx_xl import samples, spec, template
from sjtx_xl.check import check_file
from sjtx_xl.fill import fill_bytes
from sjtx_xl.read import bylabel
from sjtx_xl.read.reader import Xlsx

TEMPLATES = {k: template.build(k) for k in spec.KINDS}


def filled(kind, values):
    return fill_bytes(TEMPLATES[kind], values)


def rewrite(data, fn, parts=None):
    """Copy of a package with fn(name, bytes) -> bytes applied to members (all, or `parts`)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if parts is None or info.filename in parts:
                body = fn(info.filename, body)
            dst.writestr(info.filename, body)
    return out.getvalue()


def sheet_part(data, kind, sheet_key):
    title = spec.layout(kind).sheet_title[sheet_key]
    book = Xlsx(data)
    return book.parts[title]


def set_cell_xml(data, kind, fid, cell_xml):
    """Replace the stored XML of a field's cell (zip level) with `cell_xml` (which has r=...)."""
    f = spec.form(kind).field(fid)
    part = sheet_part(data, kind, f.sheet)

    def fn(name, body):
        text = body.decode("utf-8")
        pat = re.compile(r'<c r="%s"[^>]*?(?:/>|>.*?</c>)' % f.cell, re.S)
        assert pat.search(text), fid
        return pat.sub(lambda m: cell_xml, text, count=1).encode("utf-8")
    return rewrite(data, fn, {part})


def write(tmp_path, name, data):
    p = tmp_path / name
    p.write_bytes(data)
    return p


def same(a, b):
    if isinstance(a, float) or isinstance(b, float):
        return a == pytest.approx(b)
    return a == b


@pytest.mark.parametrize("kind", spec.KINDS)
@pytest.mark.parametrize("seed", [0, 7])
def test_complete_sample_reads_back_exactly_by_name(tmp_path, kind, seed):
    values = samples.complete(kind, seed)
    r = check_file(write(tmp_path, "a.xlsx", filled(kind, values)))
    assert r.kind == kind and r.read_by == "name" and r.template_version == spec.template_version(kind)
    for f in spec.form(kind).fields:
        assert same(r.values.get(f.id), values.get(f.id)), f.id
        if f.id in values:
            assert r.where[f.id] == (spec.layout(kind).sheet_title[f.sheet], f.cell)
    assert [p.type for p in r.problems] == [] and r.status == "ok"


def test_values_typed_as_text_still_count_with_a_warning(tmp_path):
    values = samples.complete("enterprise", 1)
    values["main_ratio_base"] = "85"
    values["patents_base"] = "3"
    r = check_file(write(tmp_path, "a.xlsx", filled("enterprise", values)))
    assert r.raw["main_ratio_base"] == "85" and r.values["main_ratio_base"] == 85
    assert r.values["patents_base"] == 3
    notes = {p.field: p for p in r.problems if p.type == "normalised"}
    assert set(notes) == {"main_ratio_base", "patents_base"}
    assert notes["main_ratio_base"].value == "85" and notes["main_ratio_base"].cell == "C7"
    assert r.conditions["specialisation"] == 1


def test_wps_wrong_dimension_is_ignored(tmp_path):
    values = samples.complete("enterprise", 2)
    data = filled("enterprise", values)
    wps = rewrite(data, lambda n, b: re.sub(rb'<dimension ref="[^"]*"\s*/>', b'<dimension ref="A1"/>', b)
                  if n.startswith("xl/worksheets/") else b)
    assert wps != data and b'<dimension ref="A1"/>' in zipfile.ZipFile(io.BytesIO(wps)).read("xl/worksheets/sheet3.xml")
    a = check_file(write(tmp_path, "a.xlsx", data))
    b = check_file(write(tmp_path, "b.xlsx", wps))
    assert b.values == a.values and b.status == "ok"


def test_cells_without_dimension_and_with_namespace_prefix(tmp_path):
    """Some writers use a prefixed SpreadsheetML namespace and no <dimension> at all."""
    values = samples.complete("platform", 3)
    data = filled("platform", values)
    ns = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'

    def prefix(name, body):
        if not name.startswith("xl/worksheets/") or ns not in body:
            return body
        body = re.sub(rb"<dimension[^>]*/>", b"", body)
        body = re.sub(rb"<(/?)([A-Za-z])", rb"<\1x:\2", body).replace(ns, ns.replace(b"xmlns=", b"xmlns:x="))
        return body
    r = check_file(write(tmp_path, "p.xlsx", rewrite(data, prefix)))
    assert r.values["platform_name"] == values["platform_name"]
    assert r.values["served_firms"] == values["served_firms"]
    assert r.status == "ok", [p.message for p in r.problems]


def test_cell_kinds_as_stored(tmp_path):
    """Formula (its cached result, with a warning), cached string, boolean, error, rich text, _xHHHH_ escapes."""
    data = filled("enterprise", samples.complete("enterprise", 4))
    data = set_cell_xml(data, "enterprise", "main_ratio_base", '<c r="C7"><f>80+5</f><v>85</v></c>')
    data = set_cell_xml(data, "enterprise", "legal_rep",
                        '<c r="D3" t="inlineStr"><is><r><t>张</t></r><r><t>三</t></r>'
                        '<rPh sb="0" eb="1"><t>ZHANG</t></rPh></is></c>')
    data = set_cell_xml(data, "enterprise", "niche", '<c r="D8" t="inlineStr"><is><t>A_x0009_B</t></is></c>')
    data = set_cell_xml(data, "enterprise", "patents_base", '<c r="C12" t="e"><v>#N/A</v></c>')
    data = set_cell_xml(data, "enterprise", "product_new", '<c r="B13" t="b"><v>1</v></c>')
    book = Xlsx(data)
    a5 = spec.layout("enterprise").sheet_title["a5"]
    assert book.cell(a5, "D3").value == "张三"
    assert book.cell(a5, "D8").value == "A\tB"
    r = check_file(write(tmp_path, "k.xlsx", data))
    types = {(p.field, p.type) for p in r.problems}
    assert ("main_ratio_base", "formula-cached") in types                              # read as its cached 85
    assert r.values["main_ratio_base"] == 85 and "main_ratio_base" not in r.formulas
    assert ("patents_base", "not-a-number") in types
    assert r.values["product_new"] == "是" and ("product_new", "normalised") in types


@pytest.mark.parametrize("kind", spec.KINDS)
def test_label_reader_finds_every_field_of_our_own_layout(kind):
    """The fallback, run on our template, must locate each field where the defined name points."""
    values = samples.complete(kind, 5)
    data = filled(kind, values)
    found_kind, found = bylabel.read_by_label(CalamineWorkbook.from_filelike(io.BytesIO(data)))
    assert found_kind == kind
    lay = spec.layout(kind)
    for f in spec.form(kind).fields:
        assert f.id in found, f.id
        assert (found[f.id].sheet, found[f.id].ref) == (lay.sheet_title[f.sheet], f.cell), f.id


def hand_typed_annex(path, values):
    """附件5/附件6 typed by hand in a fresh workbook: other positions, merged labels, variants."""
    wb = Workbook()
    ws = wb.active
    ws.title = "基本情况表"
    ws["B2"] = "吉林省第二批重点“小巨人”企业基本情况表"
    rows = [("企业名称：", values["name"], "法定代表人", values["legal_rep"]),
            ("统一社会信用代码", values["uscc"], "从业人数(人)", values["employees"]),
            ("注册时间", values["reg_date"], "注册资本（万元）", values["reg_capital"]),
            ("企业规模", values["size"], "企业类型", values["ownership"]),
            ("所属行业", values["industry"], "具体细分领域", values["niche"])]
    for i, (l1, v1, l2, v2) in enumerate(rows):
        r = 4 + i
        ws.cell(r, 2, l1)
        ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=3)   # label over B:C
        ws.cell(r, 4, v1)
        ws.cell(r, 5, l2)
        ws.cell(r, 6, v2)
    ws6 = wb.create_sheet("目标表")
    ws6["A3"], ws6["B3"], ws6["C3"], ws6["D3"], ws6["E3"] = "一级指标", "二级指标", "实施期初始值", "实施期满一年目标", "实施期满两年目标"
    ws6["B5"] = "主营业务收入占营业收入比重（%）（70%以上）"
    ws6["C5"], ws6["D5"], ws6["E5"] = values["main_ratio_base"], values["main_ratio_y1"], values["main_ratio_y2"]
    ws6["B6"] = "有效发明专利并实际应用数量（个）"
    ws6["C6"], ws6["D6"], ws6["E6"] = values["patents_base"], values["patents_y1"], values["patents_y2"]
    wb.save(path)


def test_hand_typed_official_layout_is_read_by_label(tmp_path):
    values = samples.complete("enterprise", 6)
    p = tmp_path / "手工表.xlsx"
    hand_typed_annex(p, values)
    r = check_file(p)
    assert r.kind == "enterprise" and r.read_by == "label"
    assert "read-by-label" in [x.type for x in r.problems]
    expect = {"name": ("基本情况表", "D4"), "legal_rep": ("基本情况表", "F4"), "uscc": ("基本情况表", "D5"),
              "employees": ("基本情况表", "F5"), "industry": ("基本情况表", "D8"),
              "main_ratio_base": ("目标表", "C5"), "main_ratio_y2": ("目标表", "E5"), "patents_y1": ("目标表", "D6")}
    for fid, where in expect.items():
        assert r.where[fid] == where, fid
        assert same(r.values[fid], values[fid]), fid
    assert r.values["reg_date"] == values["reg_date"]
    missing = {p.field for p in r.problems if p.type == "field-not-found"}
    assert "batch" in missing and "name" not in missing
    assert r.status == "invalid"


def test_reader_does_not_need_a_spreadsheet_library_to_see_formulas():
    """Xlsx exposes formula text, and its cached result with the result's kind."""
    data = filled("platform", samples.complete("platform", 1))
    data = set_cell_xml(data, "platform", "served_firms", '<c r="B11"><f>SUM(1,2)</f><v>3</v></c>')
    title = spec.layout("platform").sheet_title["service"]
    c = Xlsx(data).cell(title, "B11")
    assert c.formula == "=SUM(1,2)" and c.kind == "formula" and c.value == 3 and c.cached == "n"
