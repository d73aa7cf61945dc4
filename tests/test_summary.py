"""The summary writers, fed directly with rows (no reader involved): layout, values, links, read-back."""
import datetime as _dt
import random
import zipfile

import openpyxl
import pytest

from sjtx_xl import demo, reference, spec
from sjtx_xl.rules import MET, NOT_MET, VERDICT_TEXT, overall
from sjtx_xl.summary import Entry, FileRecord, SummaryModel, annex3, annex4, annex5, annex6, data, eligibility, \
    sheet_names, sources, stats, validation, write_summary
from sjtx_xl.summary.common import display_width, row_height
from sjtx_xl.summary.model import assign_city, city_from_parts, sort_key


def make_entry(kind, values, path, problems=(), rel="", mtime=1626656400.0):
    form = spec.form(kind)
    conds = {c.id: c.rule.value(values) for c in form.conditions}
    e = Entry(kind=kind, values=dict(values), conditions=conds, overall=overall(list(conds.values())),
              problems=list(problems), path=path, sha256="%064x" % abs(hash(path)), mtime=mtime, size=1234,
              template_version=spec.template_version(kind), read_by="name", rel=rel)
    return assign_city(e, rel.split("/")[:-1])


def make_model(tmp_path, n=12, n_platforms=2, seed=1, problems=None):
    rng = random.Random(seed)
    areas = demo._areas_by_city()
    cities = reference.cities()
    taken, ents, plats, files = set(), [], [], []
    for i in range(n):
        city = cities[i % len(cities)]
        area, area_name = rng.choice(areas[city])
        v = demo.enterprise_values(rng, i + 1, city, area, area_name, taken)
        v = {k: x for k, x in v.items() if x is not None}
        v["reg_date"] = _dt.date.fromisoformat(v["reg_date"])
        rel = "%s/%s.xlsx" % (city, v["name"])
        probs = (problems or {}).get(i, [])
        e = make_entry("enterprise", v, str(tmp_path / "in" / rel), probs, rel)
        ents.append(e)
        files.append(FileRecord(path=e.path, rel=rel, status="merged", kind="enterprise", entries=[e], problems=probs))
    for i, p in enumerate(reference.platforms()[:n_platforms]):
        v = demo.platform_values(rng, p, i + 1, taken)
        rel = "%s/平台%d.xlsx" % (v["city"], i)
        e = make_entry("platform", v, str(tmp_path / "in" / rel), rel=rel)
        plats.append(e)
        files.append(FileRecord(path=e.path, rel=rel, status="merged", kind="platform", entries=[e]))
    files.append(FileRecord(path=str(tmp_path / "in" / "x.pdf"), rel="x.pdf", status="skipped", reason="不是Excel文件"))
    files.append(FileRecord(path=str(tmp_path / "in" / "bad.xlsx"), rel="bad.xlsx", status="rejected",
                            reason="文件已损坏", problems=[{"type": "corrupt", "severity": "error", "message": "文件已损坏",
                                                            "hint": "另存", "sheet": None, "cell": None, "field": None,
                                                            "label": None, "value": None}]))
    return SummaryModel(enterprises=sorted(ents, key=sort_key), platforms=sorted(plats, key=sort_key), files=files)


@pytest.fixture
def written(tmp_path):
    model = make_model(tmp_path)
    out = write_summary(tmp_path / "汇总.xlsx", model)
    return model, out


def rows_of(ws, first):
    return [list(r) for r in ws.iter_rows(min_row=first, values_only=True)]


def test_sheets_in_order_and_hidden_data(written):
    model, out = written
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == sheet_names()
    assert wb["_data"].sheet_state == "hidden" and wb["_meta"].sheet_state == "hidden"
    assert wb.active.title == annex3.SHEET


def test_annex3_official_layout(written):
    model, out = written
    ws = openpyxl.load_workbook(out)[annex3.SHEET]
    assert ws["A1"].value == "附件3"
    assert ws["A2"].value == "吉林省第二批重点“小巨人”企业名单汇总表"
    assert ws["A3"].value == "省级中小企业主管部门：（盖章）"
    header = [c.value for c in ws[4]]
    assert [h.replace("\n", "") for h in header] == [
        "序号", "企业名称（须与工业和信息化部公布的名称一致）", "国家级专精特新“小巨人”企业批次",
        "所属行业（2位码及名称）", "该企业产品、技术先进性的说明（不超过100字）"]
    body = rows_of(ws, 5)
    data_rows = body[:len(model.enterprises)]
    assert [r[0] for r in data_rows] == list(range(1, len(model.enterprises) + 1))
    assert [r[1:] for r in data_rows] == [[e.values["name"], e.values["batch"], e.values["industry"],
                                           e.values["advanced_desc"]] for e in model.enterprises]
    notes = [r[0] for r in body[len(model.enterprises):] if r[0]]
    assert notes[0].startswith("注：按照《国民经济行业分类（GB/T4754-2017）》的大类行业")
    assert "http://www.stats.gov.cn/tjsj/tjbz/201709/t20170929_1539288.html" in notes[1]
    # print-ready: A4 landscape, header row repeated, frozen and filterable
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
    assert ws.print_title_rows == "$4:$4"
    assert ws.freeze_panes == "A5"
    assert ws.auto_filter.ref == "A4:E%d" % (4 + len(model.enterprises))
    assert "A2:E2" in {str(r) for r in ws.merged_cells.ranges}


def test_annex3_columns_cover_every_annex3_field():
    ids = {fid for _, fid, _ in annex3.COLUMNS}
    assert {f.id for f in spec.form("enterprise").fields if f.form_part == "附件3"} <= ids


def test_annex4_layout_and_platform_warning(tmp_path):
    for n, warned in ((3, False), (4, True)):
        model = make_model(tmp_path, n=2, n_platforms=n)
        out = write_summary(tmp_path / ("p%d.xlsx" % n), model)
        ws = openpyxl.load_workbook(out)[annex4.SHEET]
        assert ws["A2"].value == "吉林省第二批支持国家（或省级）中小企业公共服务示范平台名单汇总表"
        header = [c.value.replace("\n", "") for c in ws[4]]
        assert header[0] == "序号" and header[1].startswith("国家（或省级）中小企业公共服务示范平台机构名称")
        assert header[2].startswith("★服务机构简介及服务内容、绩效说明") and header[3].endswith("认定文号")
        body = [r for r in rows_of(ws, 5) if any(r)]
        names = [r[1] for r in body[:n]]
        assert names == [e.values["platform_name"] for e in model.platforms]
        texts = " ".join(str(c) for r in body[n:] for c in r if c)
        assert ("超过通知三(二)" in texts) is warned


def test_annex5_values_equal_entries(written):
    model, out = written
    ws = openpyxl.load_workbook(out)[annex5.SHEET]
    fields = [f for f in spec.form("enterprise").fields if f.form_part == "附件5"]
    header = [c.value for c in ws[3]]
    col = {f.id: header.index(annex5.field_header(f)) for f in fields}
    assert len(col) == len(fields)
    body = rows_of(ws, 4)
    assert len(body) == len(model.enterprises)
    for e, row in zip(model.enterprises, body):
        for f in fields:
            got, want = row[col[f.id]], e.values.get(f.id)
            if isinstance(want, _dt.date):
                got = got.date()
            assert got == want, (f.id, got, want)


def test_annex6_every_indicator_three_periods(written):
    model, out = written
    ws = openpyxl.load_workbook(out)[annex6.SHEET]
    groups, labels, periods = ([c.value for c in ws[r]] for r in (3, 4, 5))
    nid = len(annex6.ID_COLUMNS)
    ind_fields = [f for f in spec.form("enterprise").fields if f.form_part == "附件6"]
    assert len(periods) - nid == len(ind_fields)
    # each indicator of INDICATORS appears, in order, with its periods
    seen = [x for x in labels[nid:] if x]
    assert seen == [label for _, _, label, _, _ in spec.enterprise.indicators()]
    assert groups[nid] == "专业化程度"
    assert periods[nid:nid + 3] == [spec.PERIOD_LABELS[p] for p in spec.PERIODS]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert any(r.startswith("E4:") for r in merged)          # 二级指标 spans its three periods
    by_label = {}
    for f in ind_fields:
        label = next(lab for iid, _, lab, _, _ in spec.enterprise.indicators() if iid == f.indicator)
        by_label[(label, f.period)] = f
    cols = {}
    current = None
    for i in range(nid, len(periods)):
        current = labels[i] or current
        period = next(p for p, t in spec.PERIOD_LABELS.items() if t == periods[i])
        cols[by_label[(current, period)].id] = i
    body = rows_of(ws, 6)
    for e, row in zip(model.enterprises, body):
        assert row[1] == e.values["name"]
        for fid, i in cols.items():
            assert row[i] == e.values.get(fid), fid


def test_eligibility_verdicts_and_reasons(tmp_path):
    model = make_model(tmp_path, n=6)
    bad = model.enterprises[2]
    bad.values["rd_ratio_2019"] = 3.0
    bad.conditions = {c.id: c.rule.value(bad.values) for c in spec.form("enterprise").conditions}
    bad.overall = overall(list(bad.conditions.values()))
    out = write_summary(tmp_path / "e.xlsx", model)
    ws = openpyxl.load_workbook(out)[eligibility.SHEETS["enterprise"]]
    conds = spec.form("enterprise").conditions
    header = [c.value for c in ws[3]]
    assert header[5:5 + len(conds)] == ["%s\n（%s）" % (c.label, c.clause) for c in conds]
    body = rows_of(ws, 4)
    for e, row in zip(model.enterprises, body):
        assert row[2] == e.values["name"]
        assert row[5:5 + len(conds)] == [VERDICT_TEXT[e.conditions[c.id]] for c in conds]
    row = body[2]
    assert bad.conditions["rd"] == NOT_MET and row[4].startswith("✘")
    why, facts = (header.index(h) for h in ("不符合或待补充的原因", eligibility.FACTS_COLUMN))
    verdict = 4                                   # one verdict per row, beside the name (QA F2)
    assert header[verdict].startswith("审查结论") and "总体结论" not in header
    assert "创新能力·研发投入" in row[why]
    assert all(r[why] in ("", None) for e, r in zip(model.enterprises, body) if e.overall == MET)
    # the three verdicts, with the values that decided them (issue 10 item 2)
    assert row[verdict] == "✘ 不符合" and "2019年研发经费支出占营业收入比重 3%" in row[facts]
    assert all(r[verdict] == "✔ 符合" for e, r in zip(model.enterprises, body) if e.overall == MET)


def test_validation_report_links_point_at_sheet_and_cell(tmp_path):
    f = spec.form("enterprise").field("employees")
    sheet = spec.layout("enterprise").sheet_title[f.sheet]
    prob = {"type": "not-a-number", "severity": "error", "message": "应为数字", "hint": "只填数字", "sheet": sheet,
            "cell": f.cell, "field": f.id, "label": f.label, "value": "约300人"}
    model = make_model(tmp_path, n=3, problems={1: [prob]})
    out = write_summary(tmp_path / "v.xlsx", model)
    ws = openpyxl.load_workbook(out)[validation.SHEET]
    header = [c.value for c in ws[4]]
    col = {h: i for i, h in enumerate(header)}
    rows = list(ws.iter_rows(min_row=5))
    # every file is listed, with its status
    listed = {r[col["文件（点击打开）"]].value for r in rows}
    assert listed == {rec.rel for rec in model.files}
    hit = [r for r in rows if r[col["问题代码"]].value == "not-a-number"]
    assert len(hit) == 1
    r = hit[0]
    assert r[col["问题类型"]].value == "不是数字"                      # codes are shown in Chinese
    hidden = {ws.cell(4, i + 1).column_letter for h, i in col.items() if h in ("问题代码", "字段")}
    assert all(ws.column_dimensions[c].hidden for c in hidden)
    assert (r[col["工作表"]].value, r[col["单元格"]].value) == (sheet, f.cell)
    link = r[col["文件（点击打开）"]].hyperlink
    target = link.target.replace("\\", "/").replace("%20", " ")
    assert (tmp_path / target).resolve() == __import__("pathlib").Path(model.files[1].path).resolve()
    assert link.location == "'%s'!%s" % (sheet, f.cell)
    statuses = {r[col["文件（点击打开）"]].value: r[col["状态"]].value for r in rows}
    assert statuses["x.pdf"] == "跳过" and statuses["bad.xlsx"] == "拒收"


def test_user_text_is_never_a_formula(tmp_path):
    model = make_model(tmp_path, n=2)
    model.enterprises[0].values["name"] = "=HYPERLINK(\"http://x\",\"y\")"
    model.enterprises[0].values["niche"] = "=cmd|' /C calc'!A0"
    model.enterprises[1].values["advanced_desc"] = "+1+2"
    out = write_summary(tmp_path / "f.xlsx", model)
    with zipfile.ZipFile(out) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/sheet"):
                assert "<f>" not in z.read(name).decode("utf-8"), name
    ws = openpyxl.load_workbook(out)[annex3.SHEET]
    values = [c.value for row in ws.iter_rows(min_row=5, max_row=6) for c in row]
    assert "=HYPERLINK(\"http://x\",\"y\")" in values and "+1+2" in values


def test_stats_counts_and_native_chart(written):
    model, out = written
    ws = openpyxl.load_workbook(out)[stats.SHEET]
    cells = [[c for c in r] for r in ws.iter_rows(values_only=True)]
    by_city = {r[0]: r[1] for r in cells if r[0] in spec.common.CITIES}
    expected = {c: sum(1 for e in model.enterprises if e.city == c) for c in spec.common.CITIES}
    assert by_city == expected
    sizes = {r[0]: r[1] for r in cells if r[0] in ("中型", "小型", "微型")}
    assert sum(sizes.values()) == sum(1 for e in model.enterprises if e.values.get("size") in sizes)
    with zipfile.ZipFile(out) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
        assert charts
        assert b"<c:barChart>" in z.read(charts[0])


def test_summary_reads_back_with_provenance(tmp_path):
    model = make_model(tmp_path, n=4)
    huge = model.enterprises[0]
    huge.values["profile_products"] = "长" * 40000           # longer than one cell
    huge.via = ("/x/长春市汇总.xlsx",)
    out = write_summary(tmp_path / "r.xlsx", model)
    meta, entries = data.read_summary(out)
    assert meta["kind"] == "summary" and meta["summary_version"] == data.SUMMARY_VERSION
    assert (meta["template_version_enterprise"], meta["template_version_platform"]) == \
        (spec.template_version("enterprise"), spec.template_version("platform"))
    assert data.is_summary(out)
    want = model.enterprises + model.platforms
    assert len(entries) == len(want)
    for a, b in zip(entries, want):
        assert a.values == b.values
        # the source is named relative to the merged folder: no absolute path travels with the summary
        assert (a.kind, a.path, a.rel, a.sha256, a.mtime, a.template_version, a.city, a.via, a.conditions,
                a.overall) == (b.kind, b.rel, b.rel, b.sha256, b.mtime, b.template_version, b.city, b.via,
                               b.conditions, b.overall)
    assert isinstance(entries[1].values["reg_date"], _dt.date)


def test_no_absolute_path_in_the_summary(tmp_path):
    model = make_model(tmp_path, n=4)
    model.root = str(tmp_path / "in")
    out = write_summary(tmp_path / "out" / "汇总.xlsx", model)
    with zipfile.ZipFile(out) as z:
        for name in z.namelist():
            body = z.read(name)
            assert str(tmp_path).encode() not in body, name
    _, entries = data.read_summary(out)
    assert all(not e.path.startswith("/") for e in entries)
    ws = openpyxl.load_workbook(out)[validation.SHEET]
    links = [c.hyperlink.target for r in ws.iter_rows(min_row=5) for c in r if c.hyperlink]
    assert links and all(t.startswith("../in/") for t in links)


def test_templates_are_not_summaries(tmp_path):
    from sjtx_xl import template
    p = tmp_path / "t.xlsx"
    p.write_bytes(template.build("enterprise"))
    assert not data.is_summary(p)
    q = tmp_path / "junk.xlsx"
    q.write_bytes(b"not a zip")
    assert not data.is_summary(q)


def test_city_from_folder_names():
    assert city_from_parts(["长春市"]) == "长春市"
    assert city_from_parts(["延边州"]) == "延边朝鲜族自治州"
    assert city_from_parts(["梅河口市"]) == "通化市"
    assert city_from_parts(["长白山"]) == "长白山管委会"
    assert city_from_parts(["吉林省"]) is None
    assert city_from_parts(["材料", "白城"]) == "白城市"


def test_city_falls_back_to_form_then_credit_code():
    e = Entry(kind="enterprise", values={"city": "四平市", "uscc": demo.uscc_for("220102", 3)}, conditions={},
              overall=None, problems=[], path="/a.xlsx")
    assert assign_city(e, ()).city == "四平市" and e.city_source == "form"
    e.values.pop("city")
    assert assign_city(e, ()).city == "长春市" and e.city_source == "uscc"
    assert assign_city(e, ("白山市",)).city == "白山市" and e.city_source == "folder"


def test_row_height_grows_with_text():
    assert display_width("长春ab") == 6
    assert row_height([("短", 30)]) < row_height([("长" * 100, 30)]) <= 409
    assert row_height([("长" * 100000, 30)]) == 409


@pytest.mark.parametrize("seed", range(20))
def test_row_height_stops_measuring_at_the_highest_row_with_the_same_height(seed):
    """A long text is measured only until it is past 409 pt; the height is what measuring all of it gives."""
    rng = random.Random(seed)

    def measured_whole(cells, line_pt=15.0, max_pt=409.0):
        lines = 1
        for text, width in cells:
            if text:
                usable = max(width - 1, 1)
                lines = max(lines, sum(max(1, -(-display_width(p) // usable)) for p in str(text).split("\n")))
        return min(max_pt, lines * line_pt + 3)

    for width in (2, 9, 31):                # at the edge: 27 lines fit 409 pt (408), 28 do not
        for n in (26 * (width - 1), 27 * (width - 1), 27 * (width - 1) + 1, 28 * (width - 1)):
            for text in ("a" * n, "a" * n + "\n", "长" * (n // 2)):
                assert row_height([(text, width)]) == measured_whole([(text, width)]), (n, width)
    for _ in range(50):
        alphabets = [rng.choice(["ab长\n", "ab长", "长", "ab"]) for _ in range(rng.randrange(1, 4))]
        cells = [("".join(rng.choice(a) for _ in range(rng.randrange(0, 1800))), rng.randrange(1, 60)) for a in alphabets]
        for line_pt, max_pt in ((15.0, 409.0), (12.0, 100.0)):
            assert row_height(cells, line_pt, max_pt) == measured_whole(cells, line_pt, max_pt), cells


def test_cell_xml_round_trips_every_kind_of_value(tmp_path):
    """ooxml's cell writers, as the streamed sheets use them, read back by openpyxl and calamine."""
    from python_calamine import CalamineWorkbook

    from sjtx_xl.summary import stream

    values = ["长春 & <公司> \"引号\"", " 前后空格 ", "a\x01b\x1fc", "_x0041_ 字面", "=1+1", "x" * 40000,
              0, -1.5, 1234567890123, 1e-7, 3.141592653589793, _dt.date(2021, 7, 23),
              _dt.datetime(2021, 7, 23, 9, 30), True, None, "末"]
    expect = ["长春 & <公司> \"引号\"", " 前后空格 ", "a\x01b\x1fc", "_x0041_ 字面", "=1+1", "x" * 32767,
              0, -1.5, 1234567890123, 1e-7, 3.141592653589793, _dt.datetime(2021, 7, 23),
              _dt.datetime(2021, 7, 23, 9, 30), "是", None, "末"]

    import io

    import xlsxwriter
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    from sjtx_xl.summary.xwinternals import xf_index
    ws = wb.add_worksheet("s")
    ws.write_string(0, 0, "表头")
    ws.write_string(3, 0, "表尾")
    ix = xf_index(date)                          # fixed before the skeleton is written, as Styles does
    wb.close()
    cells = "".join(stream.cell(c, v, ix if isinstance(v, _dt.date) else None)
                    for c, v in enumerate(values)).encode("utf-8")
    rows = [(cells, None, (0, "a b%.xlsx", "'s'!A1", "打开")), (cells, 30, None)]
    body = stream.Body("s", 1, len(values), 2, iter(rows))
    stream.write_package(buf.getvalue(), tmp_path / "f.xlsx", [body])
    with zipfile.ZipFile(tmp_path / "f.xlsx") as z:
        xml = z.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<f>" not in xml and "_x0001_" in xml
    assert '<dimension ref="A1:P4"/>' in xml, xml[:300]
    ws = openpyxl.load_workbook(tmp_path / "f.xlsx")["s"]
    assert [ws.cell(1, 1).value, ws.cell(4, 1).value] == ["表头", "表尾"]       # the skeleton's rows around the data
    for r in (2, 3):
        got = [ws.cell(r, c + 1).value for c in range(len(values))]
        # openpyxl does not decode _xHHHH_ (Excel does): the control characters are compared escaped
        assert got[:2] + got[4:] == expect[:2] + expect[4:] and got[2] == "a_x0001_b_x001F_c"
    assert ws.row_dimensions[3].height == 30
    link = ws.cell(2, 1).hyperlink
    assert (link.target, link.location) == ("a b%.xlsx", "'s'!A1")
    assert ws.cell(3, 1).hyperlink is None
    rows = CalamineWorkbook.from_path(str(tmp_path / "f.xlsx")).get_sheet_by_name("s").to_python()
    assert rows[1][0] == expect[0] and rows[1][4] == "=1+1" and rows[2][7] == -1.5


def test_xlsxwriter_is_the_pinned_version():
    """summary/xwinternals.py uses a private XlsxWriter member: another version must be checked first."""
    import configparser
    import os

    import xlsxwriter

    from sjtx_xl.summary.xwinternals import PINNED
    cfg = configparser.ConfigParser()
    cfg.read(os.path.join(os.path.dirname(__file__), "..", "setup.cfg"), encoding="utf-8")
    pins = [x.strip() for x in cfg["options"]["install_requires"].split("\n") if x.strip().lower().startswith("xlsxwriter")]
    assert pins == ["XlsxWriter==%s" % PINNED], "setup.cfg must pin XlsxWriter exactly to %s" % PINNED
    assert xlsxwriter.__version__ == PINNED, (
        "XlsxWriter %s is installed but the summary was checked against %s: check that "
        "Format._get_xf_index still gives the cell style index (summary/xwinternals.py), then update PINNED "
        "and setup.cfg" % (xlsxwriter.__version__, PINNED))


def test_cells_rendered_in_workers_equal_cells_rendered_in_place(tmp_path):
    from sjtx_xl.summary import prerender, prerender_file
    model = make_model(tmp_path, n=5, n_platforms=2)
    plain = write_summary(tmp_path / "plain.xlsx", model)
    for e in model.enterprises + model.platforms:
        prerender(e)
        assert e.rendered
    for f in model.files:
        prerender_file(f)
    pre = write_summary(tmp_path / "pre.xlsx", model)
    with zipfile.ZipFile(plain) as a, zipfile.ZipFile(pre) as b:
        sheets = [n for n in a.namelist() if n.startswith("xl/worksheets/sheet")]
        assert sheets
        for n in sheets:
            assert a.read(n) == b.read(n), n
    # a stale signature (other style indexes) is ignored, not trusted
    for e in model.enterprises:
        e.rendered = dict(e.rendered, sig=(0,))
        e.rendered[annex6.SHEET] = "<c/>"
    again = write_summary(tmp_path / "again.xlsx", model)
    with zipfile.ZipFile(plain) as a, zipfile.ZipFile(again) as b:
        assert all(a.read(n) == b.read(n) for n in sheets)
    # and so are cells of a row changed after it was rendered (a duplicate found, a city reassigned)
    for e in model.enterprises:
        prerender(e)
    model.enterprises[0].city = "白城市"
    model.enterprises[0].rendered[annex6.SHEET] = "<c/>"
    changed = write_summary(tmp_path / "changed.xlsx", model)
    ws = openpyxl.load_workbook(changed)[annex6.SHEET]
    assert ws.cell(6, 4).value == "白城市"


def test_report_continues_on_a_second_sheet_beyond_the_row_limit(tmp_path, monkeypatch):
    """Excel's 1,048,576 rows, injected as 12: every problem row is kept, on 校验报告 (2), (3)."""
    f = spec.form("enterprise").field("employees")
    sheet = spec.layout("enterprise").sheet_title[f.sheet]
    probs = {i: [{"type": "not-a-number", "severity": "error", "message": "应为数字 %d-%d" % (i, k), "hint": "",
                  "sheet": sheet, "cell": f.cell, "field": f.id, "label": f.label, "value": str(k)}
                 for k in range(3)] for i in range(5)}
    model = make_model(tmp_path, n=5, n_platforms=1, problems=probs)
    monkeypatch.setattr(validation, "MAX_ROWS", 12)          # 4 rows of title and header, 8 of data per sheet
    out = write_summary(tmp_path / "big.xlsx", model)
    wb = openpyxl.load_workbook(out)
    names = [n for n in wb.sheetnames if n.startswith(validation.SHEET)]
    expected_rows = sum(validation.count_rows(f) for f in model.files)        # 5 × 3 + 1 + 2 others = 18
    assert expected_rows == 18 and names == ["校验报告", "校验报告 (2)", "校验报告 (3)"]
    assert names == [n for n in sheet_names(model) if n.startswith(validation.SHEET)]
    messages = []
    for n in names:
        ws = wb[n]
        assert ws.max_row <= 12
        rows = list(ws.iter_rows(min_row=5, values_only=True))
        assert rows and all(r[0] for r in rows)
        messages += [r[validation.COL["问题说明"]] for r in rows if r[validation.COL["问题说明"]]]
        assert ws.auto_filter.ref == "A4:P%d" % (4 + len(rows))
    assert "分为 3 个工作表" in wb[names[0]]["A3"].value
    assert sorted(messages) == sorted([p["message"] for ps in probs.values() for p in ps] + ["文件已损坏"])


def test_every_problem_type_has_a_chinese_title():
    from sjtx_xl import problems
    assert set(problems.TITLES) == set(problems.TYPES)
    assert all(not any("a" <= ch <= "z" for ch in t) for t in problems.TITLES.values())


def test_every_part_is_deflated(written):
    model, out = written
    with zipfile.ZipFile(out) as z:
        assert {i.compress_type for i in z.infolist()} == {zipfile.ZIP_DEFLATED}


def test_rows_and_long_texts_parked_on_disk_write_the_same_summary(tmp_path):
    """merge's workers park rendered rows and long texts in a spill folder (the parent keeps offsets)."""
    import gc
    import os
    import pickle

    from sjtx_xl.summary import prerender, prerender_file, spill
    model = make_model(tmp_path, n=5, n_platforms=1)
    text = "长文本，" * 1000
    model.enterprises[0].values["profile_products"] = text
    plain = write_summary(tmp_path / "plain.xlsx", model)
    store = spill.Store()
    spill.use(store.folder)
    try:
        for e in model.enterprises + model.platforms:
            prerender(e)
        for f in model.files:
            prerender_file(f)
    finally:
        spill.use(None)
    values = model.enterprises[0].values
    assert isinstance(values, spill.SpilledValues) and "profile_products" not in dict.keys(values)
    assert values["profile_products"] == values.get("profile_products") == text and "profile_products" in values
    assert pickle.loads(pickle.dumps(values)) == values and dict(values)["profile_products"] == text
    assert isinstance(model.files[0].rendered[validation.SHEET][0], spill.RowsRef)
    parked = write_summary(tmp_path / "parked.xlsx", model)
    with zipfile.ZipFile(plain) as a, zipfile.ZipFile(parked) as b:
        sheets = [n for n in a.namelist() if n.startswith("xl/worksheets/")]
        assert sheets and all(a.read(n) == b.read(n) for n in sheets)
    folder = store.folder
    assert os.listdir(folder)
    del store, values, model
    gc.collect()
    assert not os.path.exists(folder)                     # gone with the last row that needed it


def test_wide_sheets_print_with_names_on_every_page(written):
    """Issue 10 item 7: 序号 and the name repeat on every printed page, pages numbered per sheet,
    long texts wrap, and titles span only the first page's columns (never cut across two)."""
    from sjtx_xl.summary.common import first_page_columns
    model, out = written
    wb = openpyxl.load_workbook(out)
    expect_cols = {annex5.SHEET: "$A:$C", annex6.SHEET: "$A:$B", eligibility.SHEETS["enterprise"]: "$A:$C",
                   validation.SHEET: "$A:$B"}
    for sheet, cols in expect_cols.items():
        ws = wb[sheet]
        assert ws.print_title_cols == cols, sheet
        assert ws.print_title_rows, sheet
        assert "第 &P 页" in ws.oddFooter.center.text and "&N" not in ws.oddFooter.center.text, sheet
        assert (ws.page_setup.firstPageNumber or 1) == 1 and ws.page_setup.useFirstPageNumber, sheet   # 1 by default
    ws = wb[annex5.SHEET]
    headers = [c.value for c in ws[3]]
    assert headers[2] == annex5.field_header(spec.form("enterprise").field("name"))
    title = next(r for r in ws.merged_cells.ranges if r.min_row == 1)
    widths = [w for _, w in annex5.ID_COLUMNS] + [w for _, _, w in annex5._columns()] + [w for _, w in annex5.TAIL_COLUMNS]
    assert title.max_col == first_page_columns(widths) < len(headers)
    longtext = [i for i, f in enumerate(annex5.fields(), 2) if f.type == "longtext"]
    assert longtext and all(ws.cell(4, i + 1).alignment.wrap_text for i in longtext)
    assert ws.row_dimensions[4].height and ws.row_dimensions[4].height > 15


def test_sources_show_how_each_file_was_read_in_chinese(written):
    from sjtx_xl.vocab import READ_BY_TEXT
    model, out = written
    ws = openpyxl.load_workbook(out)[sources.SHEET]
    col = [c.value for c in ws[3]].index("读取方式")
    shown = {r[col] for r in ws.iter_rows(min_row=4, values_only=True)}
    assert shown == {READ_BY_TEXT["name"]}


def test_a_long_annex4_text_continues_on_rows_below_never_cut(tmp_path):
    """A 3,000-character 简介 would need far more than Excel's 409-point row: it continues on the
    rows below its platform, each at most 409 points, every character kept and printed."""
    from sjtx_xl.summary import prerender
    model = make_model(tmp_path, n=2, n_platforms=2)
    intro = "".join("第%d段：平台面向中小企业提供检验检测、技术咨询和人才培训服务。\n" % i for i in range(1, 101))[:3000]
    model.platforms[0].values["intro"] = intro
    for parked in (False, True):
        if parked:
            for e in model.enterprises + model.platforms:
                prerender(e)
        out = write_summary(tmp_path / ("a4-%s.xlsx" % parked), model)
        ws = openpyxl.load_workbook(out)[annex4.SHEET]
        col = [c.value.split("\n")[0] for c in ws[4]].index("★服务机构简介及服务内容、绩效说明")
        rows = list(ws.iter_rows(min_row=5))
        first = next(i for i, r in enumerate(rows) if r[1].value == model.platforms[0].values["platform_name"])
        cont = []
        for r in rows[first + 1:]:
            if r[0].value is not None or r[1].value is not None:
                break
            cont.append(r)
        assert cont, "the text continues below"
        assert "".join(r[col].value for r in [rows[first]] + cont) == intro
        heights = [ws.row_dimensions[r[0].row].height for r in [rows[first]] + cont]
        assert all(h and h <= 409 for h in heights)
        second = rows[first + 1 + len(cont)]
        assert second[0].value == 2 and second[1].value == model.platforms[1].values["platform_name"]
        assert ws.auto_filter.ref.endswith(str(second[0].row))


def test_links_never_climb_to_the_machines_folders(tmp_path):
    """A summary written far from its folder links to nothing rather than to ../../../…/申报材料, which
    would spell out the official's folders in a file that is sent on (QA F24)."""
    model = make_model(tmp_path, n=3)
    model.root = str(tmp_path / "deep" / "er" / "in")
    out = write_summary(tmp_path / "out" / "x" / "汇总.xlsx", model)
    with zipfile.ZipFile(out) as z:
        assert not any(b"../.." in z.read(n) for n in z.namelist())
        assert not any(b"deep/er" in z.read(n) for n in z.namelist())


def test_a_records_problems_are_the_json_of_the_plain_list_whatever_they_hold(tmp_path):
    """data.record writes each problem's JSON once per process (_problems_json): the text must stay
    json.dumps of the whole record, for repeated, odd (unhashable, non-dict) and cache-cleared problems."""
    import json
    model = make_model(tmp_path, n=3, n_platforms=0)
    e = model.enterprises[0]
    same = {"type": "required-missing", "severity": "error", "sheet": "附件5 基本情况表", "cell": "B3",
            "field": "name", "label": "企业名称", "value": None, "message": "必填项未填写", "hint": "请填写"}
    e.problems = [same, dict(same), dict(same, value=["a", 1]), dict(same, cell="B4"), "odd", dict(same, value=1.5),
                  dict(same, value=1), dict(same, value=True), dict(same, value="1")]
    expect = None
    for clear in (False, True, False):
        if clear:
            data._PROBLEM_JSON.clear()
        text = data.unpack(data.record(e))
        rec = json.loads(text)
        rec["problems"] = list(e.problems)                     # the objects themselves: True stays true
        expect = expect or json.dumps(rec, ensure_ascii=False, allow_nan=False, default=str)
        assert text == expect
    e.problems = []
    assert json.loads(data.unpack(data.record(e)))["problems"] == []
