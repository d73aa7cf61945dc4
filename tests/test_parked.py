"""What merge's parent keeps per file (summary/parked.py, issue 13): problems, values and verdict facts
parked in the spill give the same summary, text report, --json and DataFrames as kept in memory."""
import json
import pickle
import re
import shutil
import zipfile

import pytest

from sjtx_xl import cli, demo, render, template
from sjtx_xl.fill import fill_bytes
from sjtx_xl.frames import tables
from sjtx_xl.merge import merge
from sjtx_xl.summary import parked, spill
from sjtx_xl.uscc import uscc_generate
from sjtx_xl.summary.parked import ProblemList, park_problems, problem_counts


@pytest.fixture
def store():
    s = spill.Store()
    spill.use(s.folder)
    try:
        yield s
    finally:
        spill.use(None)


def test_a_parked_problem_list_reads_as_the_list_it_stands_for(store):
    plain = [{"type": "t%d" % (i % 3), "severity": "error" if i % 2 else "warning", "message": "问题%d" % i}
             for i in range(7)]
    pl = park_problems([dict(p) for p in plain])
    assert isinstance(pl, ProblemList) and list.__len__(pl) == 0          # nothing in memory but counts
    assert len(pl) == 7 and pl and pl == plain and list(pl) == plain and pl[2] == plain[2] and pl[-1] == plain[-1]
    assert pl[1:3] == plain[1:3] and plain[3] in pl and pl.index(plain[4]) == 4 and pl + [] == plain
    assert problem_counts(pl) == problem_counts(plain) and pl.count_severity("error") == 3
    extra = {"type": "duplicate-uscc", "severity": "warning", "message": "重复"}
    pl.append(extra)                                                       # the parent adds a duplicate
    assert len(pl) == 8 and pl[7] == extra and list(pl) == plain + [extra] and list.__len__(pl) == 1
    assert dict((t, n) for t, _, n in pl.counts)["duplicate-uscc"] == 1
    back = pickle.loads(pickle.dumps(pl))                                  # worker -> parent
    assert isinstance(back, ProblemList) and back == plain + [extra]
    assert render.write_json({"errors": pl}, _Sink()) is None
    assert _Sink.text == render.json_text({"errors": plain + [extra]})     # the streamed JSON iterates it
    pl.sort(key=lambda p: p["message"])                                    # anything else: read back first
    assert len(pl) == 8 and list.__len__(pl) == 8
    assert park_problems([]) == [] and not isinstance(park_problems([]), ProblemList)


class _Sink:
    text = ""

    def write(self, s):
        _Sink.text += s


def test_without_a_spill_nothing_is_parked():
    rows = [{"type": "x", "severity": "error"}]
    assert park_problems(rows) is rows
    assert parked.park_values({"name": "甲", "profile": "长" * 500})["profile"] == "长" * 500


def test_parked_values_keep_only_what_the_parent_reads(store):
    values = {"name": "甲公司", "revenue": 12.5, "profile": "长文本" * 200, "uscc": "91220101MA0000000X",
              "founded": __import__("datetime").date(2015, 6, 30)}
    pv = parked.park_values(spill.park_values(dict(values)))               # as prerender, then for_parent
    assert isinstance(pv, parked.ParkedValues)
    assert set(dict.keys(pv)) == {"name", "uscc"}
    assert pv == values and pv["revenue"] == 12.5 and pv.get("founded") == values["founded"]
    assert pv.get("nothing", 3) == 3 and "profile" in pv and len(pv) == 5
    assert pickle.loads(pickle.dumps(pv)) == values and dict(pv) == values
    plain = parked.park_values(dict((k, v) for k, v in values.items() if k != "profile"))
    assert list(plain) == [k for k in values if k != "profile"]            # the order kept


def test_reading_parked_values_does_not_keep_their_spill_alive():
    """The blob last read is kept for the next field, not the values or their spill folder: once
    the rows are gone, so is the folder (a workbook's Python process lives on between commands)."""
    import gc
    import os
    store = spill.Store()
    folder = store.folder
    spill.use(folder)
    try:
        pv = parked.park_values({"name": "甲公司", "revenue": 12.5, "batch": "第一批"})
    finally:
        spill.use(None)
    del store
    assert pv.get("revenue") == 12.5 and pv["batch"] == "第一批" and os.path.isdir(folder)
    del pv
    gc.collect()
    assert not os.path.exists(folder)


@pytest.fixture(scope="module")
def province(tmp_path_factory):
    """The demo tree (flawed forms, duplicates, odd files), error-heavy forms (name and code only,
    ~90 problems each) and a city's summary of one of its folders."""
    root = tmp_path_factory.mktemp("province")
    tree = root / "tree"
    demo.generate(tree, seed=5)
    tpl = template.build("enterprise")
    heavy = tree / "白城市"
    heavy.mkdir(exist_ok=True)
    for i in range(3):
        form = fill_bytes(tpl, {"name": "只填名称%d有限公司" % i, "uscc": uscc_generate("220802", 900 + i)}, "enterprise")
        (heavy / ("只填名称%d.xlsx" % i)).write_bytes(form)
    shutil.copy(heavy / "只填名称0.xlsx", heavy / "只填名称0（再次报送）.xlsx")    # a duplicate with problems
    city = sorted(p for p in tree.iterdir() if p.is_dir() and p.name.endswith("市") and p.name != "白城市")[0]
    merge(city, output=root / "city.xlsx", recursive=True)
    shutil.copy(root / "city.xlsx", heavy / "市汇总.xlsx")
    return root, tree


def _run(root, tree, name, capsys):
    out = root / name
    assert cli.main(["merge", str(tree), "--recursive", "-o", str(out / "a.xlsx"), "--json"]) in (0, 1)
    js = json.loads(capsys.readouterr().out)
    cli.main(["merge", str(tree), "--recursive", "-o", str(out / "b.xlsx")])
    text = capsys.readouterr().out
    result = merge(tree, output=out / "c.xlsx", recursive=True, workers=2)
    for d in (js,):
        d["timings"] = d["output"] = None
        d["decisions"]["kept_copy"] = d["decisions"]["previous"] = None
    text = re.sub(r"用时 .*", "", text).replace(str(out), "OUT")
    with zipfile.ZipFile(out / "a.xlsx") as z:
        parts = {n: z.read(n) for n in z.namelist() if n.startswith("xl/")}
    return js, text, parts, result


def test_parked_problems_give_the_same_summary_report_json_and_frames(province, capsys, monkeypatch):
    root, tree = province
    js, text, parts, result = _run(root, tree, "parked", capsys)
    files = result.model.files
    lists = [f.problems for f in files if isinstance(f.problems, ProblemList)]
    assert lists and max(len(p) for p in lists) > 50                       # the error-heavy forms were parked
    assert any(list.__len__(p) for p in lists)                              # a duplicate added in the parent
    assert any(isinstance(e.values, parked.ParkedValues) for e in result.model.enterprises)
    assert js["stats"]["errors"] > 200 and js["stats"]["by_type"]["required-missing"] > 150
    frames = tables(result.model)
    file_table, summary_table = render.merge_tables(result)

    monkeypatch.setattr(parked, "for_parent", lambda rec: rec)              # everything kept in memory
    js2, text2, parts2, plain = _run(root, tree, "plain", capsys)
    assert not any(isinstance(f.problems, ProblemList) for f in plain.model.files)
    assert js == js2 and text == text2
    assert parts.keys() == parts2.keys() and [n for n in parts if parts[n] != parts2[n]] == []
    assert tables(plain.model) == frames
    assert render.merge_tables(plain)[0].rows == file_table.rows
    assert render.merge_tables(plain)[1].rows[:-1] == summary_table.rows[:-1]


def test_a_re_merge_reads_only_who_the_previous_summary_held(province):
    """The rows deleted from 推荐决定 are found from a light read of _data: kind, name, code, city."""
    from sjtx_xl import decisions
    from sjtx_xl.summary.data import read_summary
    root, _ = province
    meta, full = read_summary(root / "city.xlsx")
    meta2, light = read_summary(root / "city.xlsx", light=True)
    assert meta == meta2 and len(full) == len(light) > 0
    assert [(decisions.entry_key(e), e.name, e.uscc, e.city, e.kind) for e in full] == \
        [(decisions.entry_key(e), e.name, e.uscc, e.city, e.kind) for e in light]
    assert any(e.problems for e in full) and not any(e.problems or e.conditions for e in light)


def test_the_light_read_streams_our_own_rows_and_falls_back_to_calamine(province, monkeypatch):
    """_data as this module writes it (inline text) is read from the package a row at a time; a summary
    re-saved by Excel or WPS (text in the shared strings) is read with calamine, to the same rows."""
    from sjtx_xl.summary import data
    root, _ = province
    seen = []
    inline = data._inline_rows
    monkeypatch.setattr(data, "_inline_rows", lambda p: seen.append(p) or inline(p))
    _, streamed = data.read_summary(root / "city.xlsx", light=True)
    assert seen

    def shared(p):
        raise data._SharedStrings()
        yield                                               # a generator, as _inline_rows

    monkeypatch.setattr(data, "_inline_rows", shared)
    _, by_calamine = data.read_summary(root / "city.xlsx", light=True)
    assert streamed and [vars(e) for e in streamed] == [vars(e) for e in by_calamine]


def test_the_light_read_parses_only_a_records_head_and_falls_back_to_the_whole(province, monkeypatch):
    """Our records say who they are first: the light read inflates and parses that head from the first
    chunk. A record in the order written before (provenance after the problems and values), or one
    whose head is cut, is parsed whole, to the same entries."""
    import base64
    import zlib
    from sjtx_xl.summary import data
    root, _ = province
    _, full = data.read_summary(root / "city.xlsx")
    whole = json.loads
    parsed = []
    monkeypatch.setattr(data.json, "loads", lambda s: parsed.append(s) or whole(s))
    _, light = data.read_summary(root / "city.xlsx", light=True)
    assert parsed == [] and len(light) == len(full) > 0                 # no record was parsed whole
    who = lambda es: [(e.kind, e.name, e.uscc, e.city, e.city_source, e.rel, e.sha256, e.via) for e in es]
    assert who(light) == who(full)

    old_order = []
    for e in full:
        rec = whole(data.unpack(data.record(e)))
        rec = {k: rec[k] for k in ("kind", "path", "via", "overall", "conditions", "problems", "values")
               + data.ENTRY_KEYS}
        packed = data.PACKED + base64.b64encode(zlib.compress(json.dumps(rec, ensure_ascii=False).encode())).decode()
        assert data._light(packed) is None                            # provenance comes after the values
        old_order.append((1, [e.kind, 1, packed]))
    assert who(data._entries(iter(old_order), light=True)) == who(full)

    monkeypatch.setattr(data, "HEAD_BYTES", 40)                       # the head ends inside the provenance
    parsed.clear()
    _, cut = data.read_summary(root / "city.xlsx", light=True)
    assert len(parsed) == len(full) and who(cut) == who(full)


def test_a_slim_read_with_a_spill_holds_only_what_every_row_needs(province, tmp_path, monkeypatch):
    """submit's read (a spill in use): each row holds in memory only PARENT_KEYS, and one copy of the
    form's keys serves every row; every value still reads as in the whole read, field by field with
    the rows alternating, and whole. The rows are streamed from the package; a summary re-saved with
    shared strings is read through calamine, to the same rows."""
    from sjtx_xl.summary import data
    _, tree = province
    merge(tree / "白城市", output=tmp_path / "s.xlsx")
    _, full = data.read_summary(tmp_path / "s.xlsx")
    seen = []
    inline = data._inline_rows
    monkeypatch.setattr(data, "_inline_rows", lambda p: seen.append(p) or inline(p))
    store = spill.Store()
    spill.use(store.folder)
    try:
        _, slim = data.read_summary(tmp_path / "s.xlsx", slim=True)
    finally:
        spill.use(None)
    assert seen and len(slim) == len(full) > 2
    assert all(isinstance(e.values, parked.ParkedValues) and set(dict.keys(e.values)) <= parked.PARENT_KEYS
               for e in slim)
    for k in full[0].values:                          # alternating rows: each reads its own values
        for a, b in ((full[0], slim[0]), (full[1], slim[1]), (full[0], slim[0])):
            assert b.values.get(k) == a.values[k] and b.values[k] == a.values[k]
    assert all(a.values == b.values and a.conditions == b.conditions for a, b in zip(full, slim))
    orders = [e.values._order for e in slim]
    assert len({id(o) for o in orders}) == len(set(orders))          # equal key orders: one tuple
    first = {}
    assert all(first.setdefault(k, k) is k for e in slim for k in list(e.conditions) + list(dict.keys(e.values)))

    def shared(p):
        raise data._SharedStrings()
        yield                                               # a generator, as _inline_rows

    monkeypatch.setattr(data, "_inline_rows", shared)
    _, by_calamine = data.read_summary(tmp_path / "s.xlsx", slim=True)
    assert [(e.values, e.conditions, e.problems, e.rel) for e in by_calamine] == \
        [(e.values, e.conditions, e.problems, e.rel) for e in slim]


def test_a_slim_read_keeps_every_verdict_and_shares_its_problems(province, tmp_path):
    """submit reads a summary with only what a verdict reads of each problem, equal ones shared: the
    verdicts, facts and values are those of the whole read."""
    from sjtx_xl.summary.data import read_summary
    _, tree = province
    merge(tree / "白城市", output=tmp_path / "s.xlsx")                   # error-heavy forms and a city's rows
    _, full = read_summary(tmp_path / "s.xlsx")
    _, slim = read_summary(tmp_path / "s.xlsx", slim=True)
    assert len(full) == len(slim) > 0 and any(e.problems for e in full)
    for a, b in zip(full, slim):
        assert (a.values, a.conditions, a.overall, a.rel, len(a.problems)) == (b.values, b.conditions, b.overall, b.rel,
                                                                            len(b.problems))
        assert vars(a.assess()) == vars(b.assess())
        assert all(set(p) == {"severity", "type", "field", "value"} for p in b.problems)
    shared = [p for e in slim for p in e.problems]
    assert len({id(p) for p in shared}) == len({tuple(p.values()) for p in shared}) < len(shared)
