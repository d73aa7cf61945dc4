"""summary.edits reads the summary's visible sheets a row at a time (summary.rows): the same edits as
the comparison of whole grids it replaced, without calamine, and `submit` parks long texts on disk.
Issue 13: submit on 15,000 rows of maximal long texts held 3.9 GB."""
import datetime as _dt
import zipfile

import openpyxl
import pytest

from sjtx_xl import demo, samples, template
from sjtx_xl.fill import fill_bytes
from sjtx_xl.problems import problem
from sjtx_xl.merge import merge
from sjtx_xl.summary import annex3, annex5, annex6, data, edits, spill
from sjtx_xl.summary.rows import NoSheet, sheet_rows


def _reference(path, entries):
    """The comparison of whole calamine grids that find_edits made before it streamed (the messages
    and their order), for the same edits."""
    import copy
    import os
    import tempfile

    from python_calamine import CalamineWorkbook

    from sjtx_xl.summary import write_workbook
    from sjtx_xl.summary.model import SummaryModel

    def grids(source):
        wb = CalamineWorkbook.from_path(str(source))
        return {n: wb.get_sheet_by_name(n).to_python() for n in edits._name_columns() if n in wb.sheet_names}

    def by_name(grid, col, names):
        out = {}
        for i, r in enumerate(grid):
            if col < len(r):
                n = edits._norm(r[col])
                if n in names and n not in out:
                    out[n] = (i, r)
        return out
    names = {e.name.strip() for e in entries if e.name}
    rows = [copy.copy(e) for e in entries]
    for e in rows:
        e.rendered = None
    model = SummaryModel(enterprises=[e for e in rows if e.kind == "enterprise"],
                         platforms=[e for e in rows if e.kind == "platform"], files=[])
    with tempfile.TemporaryDirectory() as d:
        write_workbook(os.path.join(d, "x.xlsx"), model, only=edits._name_columns())
        want = grids(os.path.join(d, "x.xlsx"))
    have = grids(path)
    found = []
    for sheet, col in edits._name_columns().items():
        exp = want.get(sheet)
        if exp is None:
            continue
        first = next(i for i, r in enumerate(exp) if col < len(r) and edits._norm(r[col]) in names)
        header = exp[max(first - 1, 0)]
        act = have.get(sheet)
        if act is None:
            found.append(problem("summary-edited", detail="工作表“%s”已被删除" % sheet, sheet=sheet))
            continue
        er_, ar_ = by_name(exp, col, names), by_name(act, col, names)
        for name, (i, er) in er_.items():
            if name not in ar_:
                found.append(problem("summary-edited", value=name, sheet=sheet, label=name,
                                     detail="“%s”一行（原第%d行）已被删除或改名" % (name, i + 1)))
                continue
            j, ar = ar_[name]
            for c in range(1, max(len(er), len(ar))):
                old = er[c] if c < len(er) else None
                new = ar[c] if c < len(ar) else None
                if edits._norm(old) != edits._norm(new):
                    what = str(header[c]).replace("\n", "") if c < len(header) and header[c] else "第%d列" % (c + 1)
                    found.append(problem("summary-edited", value=edits._shown(new), sheet=sheet,
                                         cell=edits._a1(j, c), label=what,
                                         detail="%s!%s（%s·%s）原为“%s”，现为“%s”" % (
                                             sheet, edits._a1(j, c), name, what, edits._shown(old), edits._shown(new))))
    return [_said(p) for p in found]


def _said(p):
    return p.sheet, p.cell, p.label, p.value, p.message


@pytest.fixture(scope="module")
def summary(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("edits")
    src = tmp / "in"
    demo.generate(src, seed=3, n_enterprises=4, n_platforms=1, mistake_share=0, extras=False)
    long = dict(samples.complete("enterprise", 9), profile_products="产品" * 400)         # a text > spill.LONG
    (src / "长春市" / "长文字.xlsx").write_bytes(fill_bytes(template.build("enterprise"), long))
    out = tmp / "汇总.xlsx"
    merge(src, output=out, recursive=True)
    return out, long


def _edited(summary, tmp_path, edit):
    path = tmp_path / "改过.xlsx"
    wb = openpyxl.load_workbook(summary)
    edit(wb)
    wb.save(path)                                  # openpyxl keeps text in the shared strings, as Excel does
    _, entries = data.read_summary(path)
    return path, entries


def _cell_of(ws, name):
    return next(r for r in ws.iter_rows() if any(c.value == name for c in r))


EDITS = {
    "none": lambda wb: None,
    "a number, a text and a date": lambda wb: (
        _cell_of(wb[annex6.SHEET], wb[annex6.SHEET]["B6"].value)[5].__setattr__("value", 12345.5),
        wb[annex3.SHEET].__setitem__("E5", "改过的说明"),
        _date_edit(wb)),
    "a row deleted, rows sorted": lambda wb: (wb[annex6.SHEET].delete_rows(6), _swap_rows(wb[annex3.SHEET], 5, 6)),
    "a name changed and a sheet deleted": lambda wb: (wb[annex3.SHEET].__setitem__("B5", "改名公司"),
                                                      wb.remove(wb[annex5.SHEET])),
    "the long text shortened": lambda wb: _long_edit(wb),
}


def _date_edit(wb):
    ws = wb[annex5.SHEET]
    for row in ws.iter_rows():
        for c in row:
            if isinstance(c.value, _dt.datetime):
                c.value = _dt.datetime(1999, 9, 9)
                return


def _swap_rows(ws, a, b):
    for ca, cb in zip(ws[a], ws[b]):
        ca.value, cb.value = cb.value, ca.value


def _long_edit(wb):
    ws = wb[annex5.SHEET]
    for row in ws.iter_rows():
        for c in row:
            if isinstance(c.value, str) and c.value.startswith("产品产品"):
                c.value = "产品"
                return
    raise AssertionError("no long text in 附件5 明细")


@pytest.mark.parametrize("what", list(EDITS))
def test_streamed_edits_are_the_whole_grids_edits(summary, tmp_path, what, monkeypatch):
    out, _ = summary
    path, entries = _edited(out, tmp_path, EDITS[what])
    want = _reference(path, entries)
    import python_calamine

    def no_calamine(*a, **k):
        raise AssertionError("find_edits must not load a sheet whole")
    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_path", no_calamine)
    got = edits.find_edits(path, entries)
    assert [_said(p) for p in got] == want
    assert (what == "none") == (not got)
    assert all(p.type == "summary-edited" and p.file == str(path) for p in got)


def test_more_edited_rows_than_are_listed_are_counted(summary, tmp_path, monkeypatch):
    out, _ = summary

    def edit(wb):
        ws = wb[annex6.SHEET]
        for r in range(6, 12):
            if ws.cell(r, 6).value is not None:
                ws.cell(r, 6).value = 7777.0
    path, entries = _edited(out, tmp_path, edit)
    every = edits.find_edits(path, entries)
    assert len(every) >= 4
    monkeypatch.setattr(edits, "MAX_REPORTED", 2)
    got = edits.find_edits(path, entries)
    assert [p.message for p in got[:2]] == [p.message for p in every[:2]] and len(got) == 3
    assert "未逐一列出" in got[2].message and "行有改动" in got[2].message


def test_sheet_rows_reads_values_as_calamine_does(tmp_path):
    """Text (shared, escaped), numbers, booleans, dates and gaps, as calamine gives them (a date as
    a datetime of the same day: edits compare days)."""
    from python_calamine import CalamineWorkbook
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "表"
    ws["A1"], ws["C1"], ws["E1"] = "文字", 3.5, "a_x0041_b"
    ws["B3"], ws["D3"], ws["F3"] = True, _dt.datetime(2020, 1, 2), 7
    ws["A6"] = "第六行"
    path = tmp_path / "a.xlsx"
    wb.save(path)
    got = list(sheet_rows(path, "表"))
    grid = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("表").to_python(skip_empty_area=False)
    want = [(i, list(r)) for i, r in enumerate(grid) if any(v != "" for v in r)]
    assert [i for i, _ in got] == [i for i, _ in want] == [0, 2, 5]
    for (_, g), (_, w) in zip(got, want):
        w = [None if v == "" else v for v in w]
        while w and w[-1] is None:
            w.pop()
        assert [edits._norm(v) for v in g] == [edits._norm(v) for v in w]      # a date as a datetime, the same day
        assert [type(v) for v in g if not isinstance(v, _dt.date)] == [type(v) for v in w if not isinstance(v, _dt.date)]
    with pytest.raises(NoSheet):
        list(sheet_rows(path, "无此表"))


def test_the_spill_writes_what_waits_beyond_its_bound(tmp_path, monkeypatch):
    monkeypatch.setattr(spill, "MAX_PENDING", 1000)
    store = spill.Store()
    spill.use(store.folder)
    try:
        refs = [spill.put(bytes([i % 256]) * 300) for i in range(20)]
        assert sum(map(len, spill._writer.pending)) <= 1000
        assert [r.read() for r in refs] == [bytes([i % 256]) * 300 for i in range(20)]
    finally:
        spill.use(None)


def test_submit_parks_long_texts_and_writes_them_whole(summary, tmp_path):
    """submit's parent keeps of each row only what every row needs; the rest, long texts included,
    waits on disk and reaches the workbook whole."""
    from sjtx_xl.submit import FORMS_DIR, build, decide
    from sjtx_xl.summary import parked
    out, long = summary
    entries, _ = decide(out)
    e = next(x for x in entries if x.name == long["name"])
    assert isinstance(e.values, parked.ParkedValues) and set(dict.keys(e.values)) <= parked.PARENT_KEYS
    assert e.values["profile_products"] == long["profile_products"]
    r = build(out, tmp_path / "pkg", pdf=False)
    assert long["name"] in [x.name for x in r.enterprises]        # eligible: recommended by default
    form = next(p for p in (r.output / FORMS_DIR).glob("*.xlsx") if long["name"] in p.name)
    with zipfile.ZipFile(form) as z:
        text = "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml"))
    assert long["profile_products"] in text


def test_a_summary_is_read_under_its_own_size_limit_not_a_forms(summary, monkeypatch):
    """A province's summary is far above a form's 200 MB (reader.MAX_TOTAL_UNCOMPRESSED): its sheets
    are streamed under the summary's limit (data.MAX_UNCOMPRESSED), which read_summary applies too."""
    from sjtx_xl.read import reader
    from sjtx_xl.read.reader import FileProblem
    out, _ = summary
    monkeypatch.setattr(reader, "MAX_TOTAL_UNCOMPRESSED", 1000)
    assert any(True for _ in sheet_rows(out, annex3.SHEET))
    monkeypatch.setattr(data, "MAX_UNCOMPRESSED", 1000)
    with pytest.raises(FileProblem):
        next(sheet_rows(out, annex3.SHEET))


def test_the_reads_on_the_pool_find_the_same_edits(summary, tmp_path, monkeypatch):
    out, _ = summary
    path, entries = _edited(out, tmp_path, EDITS["a row deleted, rows sorted"])
    alone = [_said(p) for p in edits.find_edits(path, entries, workers=1)]
    assert alone and [_said(p) for p in edits.find_edits(path, entries, workers=2)] == alone
    monkeypatch.setattr(edits, "POOLED_XML", 0)                 # workers=None: a big summary goes to the pool
    calls = []
    real = edits.pool.run
    monkeypatch.setattr(edits.pool, "run", lambda fn, items, workers=None, *a, **k: calls.append(workers) or
                        real(fn, items, workers, *a, **k))
    assert [_said(p) for p in edits.find_edits(path, entries, workers=None)] == alone
    assert calls == [edits.pool.default_workers()]


def _with_dtd(out, sheet, bad):
    """A copy of summary `out` at `bad` whose sheet `sheet` declares an entity before its root."""
    from sjtx_xl import ooxml
    with zipfile.ZipFile(out) as src, zipfile.ZipFile(bad, "w", zipfile.ZIP_DEFLATED) as dst:
        part = {t: p for t, p, _ in ooxml.sheets(src)}[sheet]
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == part:
                body = body.replace(b"<worksheet", b'<!DOCTYPE w [<!ENTITY a "aaaa">]><worksheet', 1)
            dst.writestr(info, body)
    return bad


def test_a_sheet_with_a_dtd_is_refused_before_it_is_parsed(summary, tmp_path):
    """An entity-expansion bomb in a summary's sheet: refused, as the form reader refuses it."""
    from sjtx_xl.read.reader import FileProblem
    bad = _with_dtd(summary[0], annex3.SHEET, tmp_path / "dtd.xlsx")
    with pytest.raises(FileProblem):
        list(sheet_rows(bad, annex3.SHEET))
    assert any(True for _ in sheet_rows(bad, annex6.SHEET))


def test_a_data_sheet_with_a_dtd_is_refused_by_the_light_read(summary, tmp_path):
    """Re-merge's light read streams _data the same way: a DTD there is refused, never expanded."""
    assert data.read_summary(summary[0], light=True)[1]
    bad = _with_dtd(summary[0], data.DATA_SHEET, tmp_path / "dtd.xlsx")
    with pytest.raises(data.SummaryError, match="DTD"):
        data.read_summary(bad, light=True)
