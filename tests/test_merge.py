"""`sjtx-xl merge` end to end: accounting, contents read back, duplicates, summaries of summaries, CLI."""
import datetime as _dt
import hashlib
import io
import json
import os
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest

from sjtx_xl import cli, demo, merge as merge_mod, spec
from sjtx_xl.check import check_file
from sjtx_xl.merge import Progress, merge, read_all
from sjtx_xl.summary import annex3, annex5, annex6, eligibility, sources, validation
from sjtx_xl.summary.data import read_summary

from decide import type_decisions
from test_hostile import corpus  # noqa: F401  (the hostile corpus of the check issue, as a fixture)

A5 = spec.layout("enterprise").sheet_title["a5"]
A6 = spec.layout("enterprise").sheet_title["a6"]


def snapshot(root):
    """{path: (sha256, mtime)} of every file under root."""
    out = {}
    for dirpath, _, files in os.walk(root):
        for name in files:
            p = os.path.join(dirpath, name)
            with open(p, "rb") as fh:
                out[os.path.abspath(p)] = (hashlib.sha256(fh.read()).hexdigest(), os.stat(p).st_mtime_ns)
    return out


def sheets_rows(path, firsts):
    """{sheet: rows from its first row on} for {sheet: first}; one read-only load (values only)."""
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return {sheet: [list(r) for r in wb[sheet].iter_rows(min_row=first, values_only=True)]
                for sheet, first in firsts.items()}
    finally:
        wb.close()


def sheet_rows(path, sheet, first):
    return sheets_rows(path, {sheet: first})[sheet]


@pytest.fixture(scope="module")
def mixed(tmp_path_factory, corpus):  # noqa: F811
    """The demo tree (good, flawed, duplicate, hostile, lock, hidden, non-Excel) plus the check corpus."""
    root = tmp_path_factory.mktemp("mixed")
    tree = root / "tree"
    manifest = demo.generate(tree, seed=7)
    shutil.copytree(corpus, tree / "白山市" / "检查样本")
    before = snapshot(tree)
    out = root / "out" / "汇总.xlsx"
    result = merge(tree, output=out, recursive=True)
    return tree, manifest, before, result, out


def test_accounting_every_file_found_has_a_status_and_reason(mixed):
    tree, manifest, before, result, out = mixed
    files = result.model.files
    assert {f.path for f in files} == set(before)             # every file found, nothing else
    c = result.counts
    assert c["merged"] + c["rejected"] + c["skipped"] == c["found"] == len(before)
    assert {f.status for f in files} <= {"merged", "rejected", "skipped"}
    for f in files:
        if f.status != "merged":
            assert f.reason.strip(), f.path
    status = {f.path: f for f in files}
    for m in manifest:
        f = status[m["path"]]
        if m["role"] in ("enterprise", "platform"):
            assert f.status == "merged", (m["rel"], f.reason)
        elif m["role"] == "duplicate":
            assert f.status == "skipped" and f.reason.startswith("重复") and "（初稿）" not in f.reason
        elif m["mistake"] == "old-template-version":
            assert f.status == "merged" and "old-template-version" in {p["type"] for p in f.problems}
        else:
            assert f.status == m["expect"], (m["rel"], f.status, f.reason)
    for name in ("~$锁文件.xlsx", ".隐藏.xlsx", "说明.txt"):
        assert status[str(tree / "白山市" / "检查样本" / name)].status == "skipped"
    for name in ("截断.xlsx", "加密.xlsx", "炸弹.xlsx", "文本改名.xlsx", "汇总表.xlsx", "Word文档.xlsx"):
        assert status[str(tree / "白山市" / "检查样本" / name)].status == "rejected"


def test_no_input_file_is_modified(mixed):
    tree, manifest, before, result, out = mixed
    assert snapshot(tree) == before


def test_annex3_has_exactly_the_merged_enterprises(mixed):
    tree, manifest, before, result, out = mixed
    # the oracle: check_file on each file, then the newest file per credit code
    newest = {}
    for path in before:
        rep = check_file(path)
        if rep.status in ("ok", "invalid") and rep.kind == "enterprise":
            code = str(rep.values.get("uscc") or "").upper() or path
            key = (-rep.mtime, path)
            if code not in newest or key < newest[code][0]:
                newest[code] = (key, rep.values.get("name"))
    rows = sheet_rows(out, annex3.SHEET, 5)[:result.counts["enterprises"]]
    assert sorted(str(r[1]) for r in rows) == sorted(str(n) for _, n in newest.values())
    assert len(rows) == len(newest)
    after = sheet_rows(out, annex3.SHEET, 5 + len(rows))
    assert after[0][0].startswith("注：")                      # no further enterprise rows


def clean_tree(root, seed=3, n=14, n_platforms=3):
    return demo.generate(root, seed=seed, n_enterprises=n, n_platforms=n_platforms, mistake_share=0, extras=False)


def test_annex5_annex6_values_equal_the_filled_values(tmp_path):
    manifest = clean_tree(tmp_path / "in")
    out = tmp_path / "s.xlsx"
    merge(tmp_path / "in", output=out, recursive=True)
    filled = {m["values"]["name"]: m["values"] for m in manifest.by_role("enterprise")}
    fields5 = [f for f in spec.form("enterprise").fields if f.form_part == "附件5"]
    wb = openpyxl.load_workbook(out)
    ws = wb[annex5.SHEET]
    header = [c.value for c in ws[3]]
    rows = [list(r) for r in ws.iter_rows(min_row=4, values_only=True)]
    assert len(rows) == len(filled)
    for row in rows:
        v = filled[row[header.index("企业名称")]]
        for f in fields5:
            got = row[header.index(annex5.field_header(f))]
            want = v.get(f.id)
            if f.type == "date":
                got = got.date().isoformat()
            assert got == want or (got is None and want in (None, "")), (f.id, got, want)
    ws = wb[annex6.SHEET]
    labels, periods = [c.value for c in ws[4]], [c.value for c in ws[5]]
    current, col = None, {}
    for i in range(len(annex6.ID_COLUMNS), len(periods)):
        current = labels[i] or current
        iid = next(x[0] for x in spec.enterprise.indicators() if x[2] == current)
        period = next(p for p, t in spec.PERIOD_LABELS.items() if t == periods[i])
        col["%s_%s" % (iid, period)] = i
    assert set(col) == {f.id for f in spec.form("enterprise").fields if f.form_part == "附件6"}
    for row in ws.iter_rows(min_row=6, values_only=True):
        v = filled[row[1]]
        for fid, i in col.items():
            assert row[i] == v[fid], (row[1], fid, row[i], v[fid])


def test_validation_report_points_at_the_cells_in_error(tmp_path):
    manifest = demo.generate(tmp_path / "in", seed=11, n_enterprises=16, n_platforms=0, mistake_share=1.0,
                             extras=False)
    out = tmp_path / "s.xlsx"
    merge(tmp_path / "in", output=out, recursive=True)
    ws = openpyxl.load_workbook(out)[validation.SHEET]
    header = [c.value for c in ws[4]]
    col = {h: i for i, h in enumerate(header)}
    expected = {"text_in_number": "employees", "over_100": "export_ratio_base", "english_product": "product_names",
                "uscc_check_char": "uscc", "formula_text": "niche", "percent_as_fraction": "main_ratio_base"}
    by_file = {m["rel"]: m for m in manifest}
    checked = set()
    rows = list(ws.iter_rows(min_row=5))
    first_row = {}                                 # one link per file, on its first row
    for r in rows:
        first_row.setdefault(r[col["文件（点击打开）"]].value, r)
    for r in rows:
        rel = r[col["文件（点击打开）"]].value
        m = by_file.get(rel)
        if not m or m["mistake"] not in expected or r[col["字段"]].value != expected[m["mistake"]]:
            continue
        f = spec.form("enterprise").field(expected[m["mistake"]])
        sheet, cell = r[col["工作表"]].value, r[col["单元格"]].value
        assert (sheet, cell) == (spec.layout("enterprise").sheet_title[f.sheet], f.cell)
        # the cell named in the report holds the faulty value in the source workbook
        src = openpyxl.load_workbook(m["path"])[sheet][cell].value
        assert str(src) == str(m["values"][f.id])
        first = first_row[rel]
        link = first[col["文件（点击打开）"]].hyperlink
        assert (r is first) == (r[col["文件（点击打开）"]].hyperlink is not None)
        located = next(x for x in rows if x[col["文件（点击打开）"]].value == rel and x[col["单元格"]].value)
        assert link.location == "'%s'!%s" % (located[col["工作表"]].value, located[col["单元格"]].value)
        assert (out.parent / link.target.replace("\\", "/").replace("%20", " ")).resolve() == Path(m["path"])
        checked.add(m["mistake"])
    assert checked == set(expected)


def test_duplicates_newest_wins_unless_keep_first(tmp_path):
    manifest = clean_tree(tmp_path / "in", n=3, n_platforms=0)
    first = manifest[0]
    older = Path(first["path"]).with_name("旧版本.xlsx")
    newer = Path(first["path"]).with_name("更正后.xlsx")
    data = Path(first["path"]).read_bytes()
    older.write_bytes(data)
    newer.write_bytes(data)
    t = first["mtime"]
    os.utime(older, (t - 3600, t - 3600))
    os.utime(newer, (t + 3600, t + 3600))
    r = merge(tmp_path / "in", output=tmp_path / "a.xlsx", recursive=True)
    by = {Path(f.path).name: f for f in r.model.files}
    assert by["更正后.xlsx"].status == "merged"
    assert by["旧版本.xlsx"].status == by[Path(first["path"]).name].status == "skipped"
    assert "duplicate-uscc" in {p["type"] for p in by["更正后.xlsx"].problems}
    kept = [e for e in read_summary(tmp_path / "a.xlsx")[1] if e.path.endswith("更正后.xlsx")]
    assert len(kept) == 1 and "duplicate-uscc" in {p["type"] for p in kept[0].problems}
    assert r.counts["enterprises"] == 3 and r.counts["duplicates"] == 2
    assert "修改时间最新" in r.to_dict()["keep_rule"]
    note = openpyxl.load_workbook(tmp_path / "a.xlsx")[validation.SHEET]["A3"].value
    assert "修改时间最新" in note
    r = merge(tmp_path / "in", output=tmp_path / "b.xlsx", recursive=True, keep="first")
    found = [Path(f.path).name for f in r.model.files if f.status == "merged"]
    dropped = [Path(f.path).name for f in r.model.files if f.reason.startswith("重复")]
    names = sorted([Path(first["path"]).name, "旧版本.xlsx", "更正后.xlsx"])
    order = [Path(f.path).name for f in r.model.files if Path(f.path).name in names]
    assert order[0] in found and set(order[1:]) == set(dropped)
    assert "最先" in r.to_dict()["keep_rule"]


def comparable(path):
    """The rows of the summary's sheets, minus the columns that name where the file was found."""
    out = sheets_rows(path, {annex3.SHEET: 5, annex5.SHEET: 4, annex6.SHEET: 6,
                             eligibility.SHEETS["enterprise"]: 4, eligibility.SHEETS["platform"]: 4})
    out[annex5.SHEET] = [r[:-1] for r in out[annex5.SHEET]]     # 来源文件: relative to each merge's folder
    meta, entries = read_summary(path)
    # files are named relative to the folder each merge read (never absolutely): compare by file name
    out["provenance"] = sorted((Path(e.path).name, e.sha256, e.mtime, e.template_version) for e in entries)
    return out


def test_merge_of_merges_equals_merging_all_at_once(tmp_path):
    tree = tmp_path / "tree"
    demo.generate(tree, seed=5)
    at_once = tmp_path / "all.xlsx"
    merge(tree, output=at_once, recursive=True)
    province = tmp_path / "province"
    cities = sorted(p for p in tree.iterdir() if p.is_dir())
    assert len(cities) > 3
    for city in cities:
        merge(city, output=province / (city.name + "汇总.xlsx"), recursive=True)
        # a province carries what a city recommended (issue 10 item 5): here every row
        type_decisions(province / (city.name + "汇总.xlsx"), lambda row: {"推荐决定": "推荐"})
    r = merge(province, output=tmp_path / "merged.xlsx")
    assert {f.kind for f in r.model.files} == {"summary"}
    assert all(f.status == "merged" for f in r.model.files)
    assert comparable(tmp_path / "merged.xlsx") == comparable(at_once)
    # the carried rows keep their provenance: original file, hash, and the city summary they came through
    src = sheet_rows(tmp_path / "merged.xlsx", sources.SHEET, 4)
    carried = [row for row in src if row[1] != "汇总表"]
    assert len(carried) == r.counts["enterprises"] + r.counts["platforms"]
    for row in carried:                             # relative: the city summary in the province's folder,
        assert row[11].endswith("汇总.xlsx") and not os.path.isabs(row[11])   # the file in the city's
        city = row[11][:-len("汇总.xlsx")]
        assert not os.path.isabs(row[5])
        assert hashlib.sha256((tree / city / row[5]).read_bytes()).hexdigest() == row[6]


def test_summary_in_the_folder_is_recognised_and_carried(tmp_path):
    clean_tree(tmp_path / "city", n=4, n_platforms=1)
    merge(tmp_path / "city", output=tmp_path / "prov" / "长春市.xlsx", recursive=True)
    clean_tree(tmp_path / "prov" / "吉林市", seed=9, n=2, n_platforms=0)
    r = merge(tmp_path / "prov", output=tmp_path / "p.xlsx", recursive=True)
    s = next(f for f in r.model.files if f.kind == "summary")
    assert s.status == "merged" and len(s.entries) == 5
    assert all(e.via == (s.rel,) for e in s.entries) and s.rel == "长春市.xlsx"
    assert r.counts["enterprises"] == 6 and r.counts["platforms"] == 1


def test_a_damaged_summary_is_rejected_with_a_reason(tmp_path):
    clean_tree(tmp_path / "city", n=2, n_platforms=0)
    good = tmp_path / "s.xlsx"
    merge(tmp_path / "city", output=good, recursive=True)
    bad = tmp_path / "prov" / "坏汇总.xlsx"
    bad.parent.mkdir()
    src = zipfile.ZipFile(good)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if b"<t>z:" in body:                   # a _data record, deflated: damage its base64
                body = body.replace(b"<t>z:", b"<t>z:!!", 1)
            dst.writestr(info, body)
    bad.write_bytes(buf.getvalue())
    r = merge(bad.parent, output=tmp_path / "p.xlsx")
    f = r.model.files[0]
    assert f.status == "rejected" and "汇总表" in f.reason and f.kind == "summary"


def test_output_inside_the_folder_is_not_read_back(tmp_path):
    clean_tree(tmp_path / "in", n=3, n_platforms=0)
    r1 = merge(tmp_path / "in", recursive=True)
    assert Path(r1.output) == (tmp_path / "in" / merge_mod.DEFAULT_NAME).resolve()
    r2 = merge(tmp_path / "in", recursive=True)
    own = next(f for f in r2.model.files if Path(f.path).name == merge_mod.DEFAULT_NAME)
    assert own.status == "skipped" and own.reason
    assert r2.counts["enterprises"] == r1.counts["enterprises"] == 3


def test_parallel_and_serial_reads_agree(tmp_path):
    clean_tree(tmp_path / "in", n=8, n_platforms=2)
    paths = sorted(p for p in (tmp_path / "in").rglob("*.xlsx"))
    a = read_all(paths, tmp_path / "in", workers=2)
    b = read_all(paths, tmp_path / "in", workers=1)
    assert [(x.path, x.status, x.entries[0].values, x.entries[0].conditions) for x in a] == \
           [(x.path, x.status, x.entries[0].values, x.entries[0].conditions) for x in b]


def test_progress_bar_only_on_a_terminal():
    class Tty(io.StringIO):
        def isatty(self):
            return True
    s = io.StringIO()
    p = Progress(5, stream=s)
    p.update(5)
    p.close()
    assert s.getvalue() == ""
    t = Tty()
    p = Progress(5, stream=t)
    p.update(5)
    p.close()
    assert "5/5" in t.getvalue() and "100%" in t.getvalue()


def test_cli_json_exit_codes_and_usage_errors(tmp_path, capsys):
    clean_tree(tmp_path / "ok", n=3, n_platforms=1)
    assert cli.main(["merge", str(tmp_path / "ok"), "--recursive", "-o", str(tmp_path / "a.xlsx"), "--json",
                     "--strict"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["valid"] is True and d["output"] == str((tmp_path / "a.xlsx").resolve())
    assert d["counts"]["merged"] == 4 == len(d["files"])
    assert all(os.path.isabs(f["path"]) and f["status"] == "merged" for f in d["files"])
    assert set(d["stats"]) >= {"files", "merged", "rejected", "skipped", "errors", "warnings"}
    (tmp_path / "ok" / "长春市" / "坏.xlsx").write_bytes(b"PK\x03\x04broken")
    assert cli.main(["merge", str(tmp_path / "ok"), "--recursive", "-o", str(tmp_path / "b.xlsx")]) == 0
    text = capsys.readouterr().out
    assert "拒收" in text and "坏.xlsx" in text and str((tmp_path / "b.xlsx").resolve()) in text
    assert cli.main(["merge", str(tmp_path / "ok"), "--recursive", "-o", str(tmp_path / "b.xlsx"), "--strict",
                     "--json"]) == 1
    d = json.loads(capsys.readouterr().out)
    bad = next(f for f in d["files"] if f["path"].endswith("坏.xlsx"))
    assert bad["status"] == "rejected" and bad["reason"] and bad["errors"][0]["type"] == "corrupt"
    assert d["valid"] is False
    capsys.readouterr()
    assert cli.main(["merge", str(tmp_path / "missing")]) == 2
    assert cli.main(["merge", str(tmp_path / "ok"), "-o", str(tmp_path / "x.csv")]) == 2
    assert "错误" in capsys.readouterr().err


def test_official_list_is_applied(tmp_path, capsys):
    manifest = clean_tree(tmp_path / "in", n=3, n_platforms=0)
    ents = manifest.by_role("enterprise")
    listed = tmp_path / "名单.csv"
    rows = ["企业名称,统一社会信用代码"] + ["%s,%s" % (m["values"]["name"], m["values"]["uscc"]) for m in ents[:2]]
    listed.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert cli.main(["merge", str(tmp_path / "in"), "--recursive", "-o", str(tmp_path / "s.xlsx"), "--json",
                     "--official-list", str(listed), "--strict"]) == 1
    d = json.loads(capsys.readouterr().out)
    missing = [f for f in d["files"] if any(e["type"] == "uscc-not-in-official-list" for e in f["errors"])]
    assert [f["path"] for f in missing] == [ents[2]["path"]]
    assert all(set(f["conditions"]) == {c.id for c in spec.form("enterprise").conditions} for f in d["files"])


def test_non_recursive_lists_sub_folders_as_skipped(tmp_path):
    clean_tree(tmp_path / "in", n=3, n_platforms=0)
    r = merge(tmp_path / "in", output=tmp_path / "s.xlsx")
    assert r.counts["merged"] == 0 and r.counts["skipped"] >= 1
    assert all(f.reason for f in r.model.files)


def test_locked_output_says_so_and_suggests_another_name(tmp_path, monkeypatch, capsys):
    clean_tree(tmp_path / "in", n=2, n_platforms=0)
    target = tmp_path / "汇总.xlsx"
    target.write_bytes(b"old")

    def denied(src, dst):
        raise PermissionError(13, "Permission denied")
    monkeypatch.setattr(os, "replace", denied)
    assert cli.main(["merge", str(tmp_path / "in"), "--recursive", "-o", str(target)]) == 1
    err = capsys.readouterr().err
    assert "正在Excel或WPS中打开" in err and "汇总_新.xlsx" in err
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "汇总.xlsx"]     # no temp file left behind


def test_more_than_three_platforms_are_flagged(tmp_path):
    clean_tree(tmp_path / "in", n=2, n_platforms=4)
    r = merge(tmp_path / "in", output=tmp_path / "s.xlsx", recursive=True)
    assert [n["type"] for n in r.to_dict()["notices"]] == ["too-many-platforms"]
    clean_tree(tmp_path / "in3", n=2, n_platforms=3)
    assert merge(tmp_path / "in3", output=tmp_path / "t.xlsx", recursive=True).notices == []


def test_dates_survive(tmp_path):
    manifest = clean_tree(tmp_path / "in", n=2, n_platforms=0)
    r = merge(tmp_path / "in", output=tmp_path / "s.xlsx", recursive=True)
    got = sorted(e.values["reg_date"] for e in r.model.enterprises)
    assert got == sorted(_dt.date.fromisoformat(m["values"]["reg_date"]) for m in manifest)
