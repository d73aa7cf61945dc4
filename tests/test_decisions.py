"""Decisions typed in the summary (issue 10 items 1, 3, 5): defaults, validation, carried over by a
re-merge, lost ones reported, the previous summary kept; a province carries only what cities recommended."""
import json
from pathlib import Path
import zipfile

import openpyxl

from sjtx_xl import cli, demo, vocab
from sjtx_xl.merge import merge
from sjtx_xl.summary import annex3, annex6
from sjtx_xl.summary import decisions as sheet

from decide import table, type_decisions


def tree(root, seed=3, n=6, n_platforms=2, mistakes=0.5):
    return demo.generate(root, seed=seed, n_enterprises=n, n_platforms=n_platforms, mistake_share=mistakes,
                         extras=False)


def test_every_row_has_a_default_decision_following_its_verdict(tmp_path):
    tree(tmp_path / "in", n=len(demo.ENTERPRISE_MISTAKES))   # every mistake, the two ineligible ones too
    r = merge(tmp_path / "in", output=tmp_path / "汇总.xlsx", recursive=True)
    rows = table(tmp_path / "汇总.xlsx")
    assert len(rows) == r.counts["enterprises"] + r.counts["platforms"]
    verdicts = {v: k for k, v in vocab.VERDICT_LABEL.items()}
    assert {row["资格审查"] for row in rows} >= {"符合", "不符合"}
    for row in rows:
        assert row["推荐决定"] == vocab.DEFAULT_DECISION[verdicts[row["资格审查"]]]
        assert (row["推荐排序"] is not None) == (row["推荐决定"] == vocab.RECOMMEND)
    ranks = [row["推荐排序"] for row in rows if row["类别"] == "企业" and row["推荐排序"]]
    assert sorted(ranks) == list(range(1, len(ranks) + 1))


def test_the_sheet_is_editable_with_validation(tmp_path):
    tree(tmp_path / "in", n=3, n_platforms=1)
    merge(tmp_path / "in", output=tmp_path / "s.xlsx", recursive=True)
    wb = openpyxl.load_workbook(tmp_path / "s.xlsx")
    ws = wb[sheet.SHEET]
    assert not ws.protection.sheet
    dv = {d.type: d for d in ws.data_validations.dataValidation}
    assert dv["list"].formula1 == '"%s"' % ",".join(vocab.DECISIONS)
    assert dv["whole"].operator == "greaterThanOrEqual" and dv["whole"].formula1 == "1"
    assert dv["textLength"].operator == "lessThanOrEqual" and dv["textLength"].formula1 == "200"
    col = {d.type: str(d.sqref).split(":")[0].rstrip("0123456789") for d in dv.values()}
    head = [c.value for c in ws[3]]
    assert [head[openpyxl.utils.column_index_from_string(col[t]) - 1] for t in ("list", "whole", "textLength")] \
        == ["推荐决定", "推荐排序", "推荐意见"]


def test_remerge_keeps_every_typed_decision_adds_new_ones_and_keeps_the_previous_summary(tmp_path, capsys):
    src = tmp_path / "in"
    manifest = tree(src, n=6, n_platforms=2)
    out = tmp_path / "汇总.xlsx"
    merge(src, output=out, recursive=True)
    typed = {}

    def decide(row):
        i = len(typed)
        new = {"推荐决定": (vocab.NOT_RECOMMEND, vocab.RECOMMEND, vocab.UNDECIDED)[i % 3], "推荐排序": 10 + i,
               "推荐意见": "第%d条意见：材料齐全，建议%s" % (i, "优先" if i % 2 else "考虑")}
        typed[(row["类别"], row["名称"])] = new
        return new
    type_decisions(out, decide)
    before = out.read_bytes()
    # two new forms, one form gone
    gone = next(m for m in manifest.by_role("enterprise") if m.get("values", {}).get("uscc"))
    (src / gone["rel"]).unlink()
    tree(tmp_path / "more", seed=11, n=2, n_platforms=0, mistakes=0)
    for p in (tmp_path / "more").rglob("*.xlsx"):
        (src / "新增" / p.name).parent.mkdir(exist_ok=True)
        (src / "新增" / p.name).write_bytes(p.read_bytes())
    assert cli.main(["merge", str(src), "--recursive", "-o", str(out), "--json"]) == 0
    d = json.loads(capsys.readouterr().out)["decisions"]
    rows = {(r["类别"], r["名称"]): r for r in table(out)}
    kept = {k: v for k, v in typed.items() if k[1] != gone["values"]["name"]}
    for k, v in kept.items():
        assert {h: rows[k][h] for h in v} == v, k
    new = [r for k, r in rows.items() if k not in typed]
    assert len(new) == 2 and all(r["推荐决定"] == vocab.RECOMMEND for r in new)       # clean forms: 符合 -> 推荐
    top = max(v["推荐排序"] for k, v in kept.items() if k[0] == "企业")
    assert sorted(r["推荐排序"] for r in new) == [top + 1, top + 2]                  # after the typed ranks
    assert d["carried"] == len(kept) and d["defaults"] == 2
    assert [x["name"] for x in d["lost"]] == [gone["values"]["name"]]
    assert d["lost"][0]["opinion"] == typed[("企业", gone["values"]["name"])]["推荐意见"]
    backups = list(tmp_path.glob("汇总.previous-*.xlsx"))
    assert len(backups) == 1 and backups[0].read_bytes() == before
    # the lost decision stays on the sheet, and comes back when the form does
    wb = openpyxl.load_workbook(out, read_only=True)
    assert any(gone["values"]["name"] in [c for c in r if c] for r in wb[sheet.SHEET].iter_rows(values_only=True))
    wb.close()
    (src / gone["rel"]).write_bytes(open(gone["path"], "rb").read() if False else _regenerate(tmp_path, gone))
    merge(src, output=out, recursive=True)
    rows = {(r["类别"], r["名称"]): r for r in table(out)}
    assert rows[("企业", gone["values"]["name"])]["推荐意见"] == typed[("企业", gone["values"]["name"])]["推荐意见"]
    assert len(list(tmp_path.glob("汇总.previous-*.xlsx"))) == 2


def _regenerate(tmp_path, m):
    """The bytes of a demo file again (the same seed writes the same tree)."""
    again = tmp_path / "again"
    if not again.exists():
        tree(again, n=6, n_platforms=2)
    return (again / m["rel"]).read_bytes()


def test_previous_option_names_the_summary_to_carry_from(tmp_path):
    tree(tmp_path / "in", n=3, n_platforms=0, mistakes=0)
    first = tmp_path / "第一次.xlsx"
    merge(tmp_path / "in", output=first, recursive=True)
    type_decisions(first, lambda row: {"推荐意见": "意见" + row["名称"][:4]})
    r = merge(tmp_path / "in", output=tmp_path / "第二次.xlsx", recursive=True, previous=first)
    assert r.decisions["carried"] == 3 and r.decisions["kept_copy"] is None
    assert all(row["推荐意见"] == "意见" + row["名称"][:4] for row in table(tmp_path / "第二次.xlsx"))


def test_province_carries_only_what_cities_recommended_and_reports_edited_cells(tmp_path):
    src = tmp_path / "src"
    tree(src, seed=5, n=12, n_platforms=1, mistakes=0)
    prov = tmp_path / "province"
    cities = sorted(p for p in src.iterdir() if p.is_dir())
    for city in cities:
        merge(city, output=prov / (city.name + "汇总.xlsx"), recursive=True)
    city_file = max(prov.glob("*.xlsx"), key=lambda p: sum(row["类别"] == "企业" for row in table(p)))
    rows = [row for row in table(city_file) if row["类别"] == "企业"]
    assert len(rows) >= 2
    dropped, ranked = rows[0]["名称"], rows[1]["名称"]
    type_decisions(city_file, lambda row: {"推荐决定": vocab.NOT_RECOMMEND} if row["名称"] == dropped else
                   ({"推荐排序": 1, "推荐意见": "本市首推"} if row["名称"] == ranked else None))
    # the city corrects a value by hand in its 附件6
    wb = openpyxl.load_workbook(city_file)
    ws = wb[annex6.SHEET]
    hit = next(r for r in ws.iter_rows(min_row=1) if r[1].value == ranked)
    old = hit[5].value
    hit[5].value = 12345.5
    cell = hit[5].coordinate
    wb.save(city_file)
    r = merge(prov, output=tmp_path / "省汇总.xlsx")
    names = {e.name for e in r.model.enterprises + r.model.platforms}
    assert dropped not in names and ranked in names
    assert len(names) == sum(len(table(p)) for p in prov.glob("*.xlsx")) - 1
    rec = next(f for f in r.model.files if f.path == str(city_file))
    edits = [p for p in rec.problems if p["type"] == "summary-edited"]
    assert len(edits) == 1 and edits[0]["cell"] == cell and edits[0]["sheet"] == annex6.SHEET
    assert str(old).rstrip("0").rstrip(".") in edits[0]["message"] and "12345.5" in edits[0]["message"]
    assert any(p["type"] == "city-not-recommended" and p["value"] == dropped for p in rec.problems)
    from sjtx_xl.render import merge_text                      # the console says so too (QA F10)
    text = merge_text(r)
    assert "被改动 1 处" in text and "未带入本次汇总的" in text
    prow = next(x for x in table(tmp_path / "省汇总.xlsx") if x["名称"] == ranked)
    assert prow["市（州）推荐排序"] == 1 and prow["市（州）推荐意见"] == "本市首推"
    assert dropped not in [row[1] for row in openpyxl.load_workbook(tmp_path / "省汇总.xlsx")[annex3.SHEET].iter_rows(values_only=True)]
    # the province's package: its letter goes on to the ministries, with the cities' rows
    from docx import Document

    from sjtx_xl.submit import LETTER_FILE, build
    pkg = build(tmp_path / "省汇总.xlsx", tmp_path / "省上报材料", pdf=False)
    assert ranked in [e.name for e in pkg.enterprises] and dropped not in [e.name for e in pkg.enterprises]
    text = "\n".join(p.text for p in Document(str(pkg.output / LETTER_FILE)).paragraphs)
    assert "工业和信息化部、财政部：" in text and "各市（州）审核推荐" in text


def test_backups_of_earlier_summaries_are_not_read_as_input(tmp_path):
    tree(tmp_path / "in", n=3, n_platforms=0, mistakes=0)
    merge(tmp_path / "in", recursive=True)
    merge(tmp_path / "in", recursive=True)
    r = merge(tmp_path / "in", recursive=True)
    backups = [f for f in r.model.files if ".previous-" in f.path]
    assert len(backups) == 1 and all(f.status == "skipped" and "备份" in f.reason for f in backups)
    assert len(list((tmp_path / "in").glob("汇总.previous-*.xlsx"))) == 2
    assert r.counts["enterprises"] == 3
    with zipfile.ZipFile(r.output) as z:
        assert any("worksheets" in n for n in z.namelist())


def test_a_row_deleted_from_the_decisions_sheet_stays_excluded_and_is_reported(tmp_path, capsys):
    """Deleting a row is how an official drops an applicant: a re-merge must not bring it back as a
    new row with the default 推荐 (QA F22); it is carried as 不推荐 and named on the console."""
    from decide import header_row
    tree(tmp_path / "in", n=3, n_platforms=0, mistakes=0)
    out = tmp_path / "汇总.xlsx"
    merge(tmp_path / "in", output=out, recursive=True)
    rows = table(out)
    victim = next(r for r in rows if r["推荐决定"] == vocab.RECOMMEND)
    wb = openpyxl.load_workbook(out)
    ws = wb[sheet.SHEET]
    first, cols = header_row(ws)
    at = next(c.row for c in ws.iter_cols(min_col=cols["名称"] + 1, max_col=cols["名称"] + 1,
                                          min_row=first + 1).__next__() if c.value == victim["名称"])
    ws.delete_rows(at)
    wb.save(out)
    assert cli.main(["merge", str(tmp_path / "in"), "--recursive", "-o", str(out), "--json"]) == 0
    notices = json.loads(capsys.readouterr().out)
    again = {r["名称"]: r for r in table(out)}
    assert again[victim["名称"]]["推荐决定"] == vocab.NOT_RECOMMEND
    assert "删除" in again[victim["名称"]]["推荐意见"]
    assert "decision-row-deleted" in json.dumps(notices, ensure_ascii=False)
    others = [r for r in rows if r["名称"] != victim["名称"]]
    assert all(again[r["名称"]]["推荐决定"] == r["推荐决定"] for r in others)


def test_a_summary_of_the_same_folder_is_not_merged_again_as_a_city_summary(tmp_path, capsys):
    """merge FOLDER writes FOLDER/汇总.xlsx; a later merge of FOLDER to another place must not read it
    as a city's summary (every form twice, its 待定 rows reported as a city's choice; QA F11)."""
    tree(tmp_path / "in", n=4, n_platforms=1, mistakes=0)
    first = merge(tmp_path / "in", recursive=True)                      # default output: in/汇总.xlsx
    assert first.output.endswith("汇总.xlsx") and (tmp_path / "in" / "汇总.xlsx").is_file()
    r = merge(tmp_path / "in", output=tmp_path / "elsewhere.xlsx", recursive=True)
    own = [f for f in r.model.files if f.path.endswith("汇总.xlsx")]
    assert len(own) == 1 and own[0].status == "skipped" and "以前的汇总结果" in own[0].reason
    assert r.counts["enterprises"] == first.counts["enterprises"]
    assert not any(p["type"] == "city-not-recommended" for f in r.model.files for p in f.problems)


def test_check_of_a_merged_folder_skips_the_summary_and_its_backups(tmp_path, capsys):
    """merge writes 汇总.xlsx (and, re-merged, a .previous copy) into the folder; `check DIR` lists
    them as skipped, not as unreadable forms, and still exits 0 on clean forms (QA F25)."""
    tree(tmp_path / "in", n=2, n_platforms=0, mistakes=0)
    merge(tmp_path / "in", recursive=True)
    merge(tmp_path / "in", recursive=True)                              # keeps 汇总.previous-….xlsx
    assert list((tmp_path / "in").glob("汇总.previous-*.xlsx"))
    assert cli.main(["check", str(tmp_path / "in"), "--json"]) == 0
    files = {f["path"].split("/")[-1]: f for f in json.loads(capsys.readouterr().out)["files"]}
    assert files["汇总.xlsx"]["status"] == "skipped"
    assert all(f["status"] == "skipped" for n, f in files.items() if ".previous-" in n)


def test_a_loose_form_beside_a_city_summary_gives_way_to_the_city(tmp_path, capsys):
    """A form copied next to a city summary must not bring back what the city did not recommend, nor
    take a recommended row away with its rank (QA F29): the city's decision stands, the form is skipped."""
    import shutil
    src = tmp_path / "src"
    tree(src, seed=5, n=8, n_platforms=0, mistakes=0)
    city = max((p for p in src.iterdir() if p.is_dir()), key=lambda p: len(list(p.rglob("*.xlsx"))))
    prov = tmp_path / "province"
    summary = prov / (city.name + "汇总.xlsx")
    merge(city, output=summary, recursive=True)
    rows = [row for row in table(summary) if row["类别"] == "企业"]
    dropped, ranked = rows[0]["名称"], rows[1]["名称"]
    type_decisions(summary, lambda row: {"推荐决定": vocab.NOT_RECOMMEND} if row["名称"] == dropped else
                   ({"推荐排序": 1, "推荐意见": "本市首推"} if row["名称"] == ranked else None))
    for name in (dropped, ranked):
        form = next(p for p in city.rglob("*.xlsx") if p.stem == name)
        shutil.copy(form, prov / form.name)                                 # a newer mtime than the summary
    r = merge(prov, output=tmp_path / "省汇总.xlsx")
    names = [e.name for e in r.model.enterprises]
    assert dropped not in names and names.count(ranked) == 1
    row = next(x for x in table(tmp_path / "省汇总.xlsx") if x["名称"] == ranked)
    assert row["市（州）推荐排序"] == 1 and row["市（州）推荐意见"] == "本市首推"
    loose = [f for f in r.model.files if f.path.endswith(".xlsx") and Path(f.path).parent == prov
             and Path(f.path).stem in (dropped, ranked)]
    assert len(loose) == 2 and all(f.status == "skipped" and "市（州）汇总表" in f.reason for f in loose)
    assert r.counts["duplicates"] == 2
