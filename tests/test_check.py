"""Validation of filled workbooks, the report, discovery, the official list and the CLI."""
import json
import os
from pathlib import Path

import pytest
from openpyxl import Workbook

from sjtx_xl import check as check_mod
from sjtx_xl import cli, reference, samples, spec, template
from sjtx_xl.check import check_file, check_paths, discover
from sjtx_xl.roster import load_official_list
from sjtx_xl.errors import UsageError
from sjtx_xl.fill import fill_bytes
from sjtx_xl.uscc import CHARSET

TEMPLATES = {k: template.build(k) for k in spec.KINDS}
A5 = spec.layout("enterprise").sheet_title["a5"]
A6 = spec.layout("enterprise").sheet_title["a6"]
EXTRA = spec.layout("enterprise").sheet_title["extra"]
P4 = spec.layout("platform").sheet_title["a4"]


def make(tmp_path, name, kind="enterprise", seed=0, **changes):
    values = samples.complete(kind, seed)
    for k, v in changes.items():
        if v is None:
            values.pop(k, None)
        else:
            values[k] = v
    p = tmp_path / name
    p.write_bytes(fill_bytes(TEMPLATES[kind], values))
    return p


def problems(rep, ptype):
    return [p for p in rep.problems if p.type == ptype]


def one(rep, ptype, field=None):
    hits = [p for p in problems(rep, ptype) if field is None or p.field == field]
    assert len(hits) == 1, (ptype, field, [(p.type, p.field) for p in rep.problems])
    return hits[0]


@pytest.mark.parametrize("kind", spec.KINDS)
@pytest.mark.parametrize("seed", range(4))
def test_complete_samples_pass(tmp_path, kind, seed):
    rep = check_file(make(tmp_path, "a.xlsx", kind, seed))
    assert rep.status == "ok" and rep.errors == [] and rep.overall == 1
    assert set(rep.conditions) == {c.id for c in spec.form(kind).conditions}
    assert all(v in (1, 2) for v in rep.conditions.values())


def test_wrong_check_character(tmp_path):
    code = samples.complete("enterprise", 0)["uscc"]
    wrong = code[:-1] + CHARSET[(CHARSET.index(code[-1]) + 1) % 31]
    rep = check_file(make(tmp_path, "a.xlsx", uscc=wrong))
    p = one(rep, "uscc-check-char")
    assert (p.sheet, p.cell, p.field, p.label, p.value) == (A5, "B4", "uscc", "统一社会信用代码", wrong)
    assert code[-1] in p.message
    assert rep.conditions["uscc"] == 0 and rep.status == "invalid"


def test_condition_failures_are_errors_located_on_the_selfcheck_sheet(tmp_path):
    rep = check_file(make(tmp_path, "a.xlsx", main_ratio_base=69.9, growth_last_base=0, listing_plan_base="无"))
    assert rep.conditions["specialisation"] == 0 and rep.conditions["growth"] == 0 and rep.overall == 0
    failed = {p.label: p for p in problems(rep, "condition-failed")}
    assert set(failed) == {"专业化程度", "成长性"}
    out = {o["id"]: o for o in spec.layout("enterprise").outputs()}
    assert (failed["专业化程度"].sheet, failed["专业化程度"].cell) == (out["specialisation"]["sheet"],
                                                                  out["specialisation"]["cell"])


def test_pending_condition_is_a_warning(tmp_path):
    rep = check_file(make(tmp_path, "a.xlsx", rd_ratio_2019=None))
    assert rep.conditions["rd"] == 0.5 and rep.overall == 0.5
    assert one(rep, "condition-pending").label == "创新能力·研发投入"
    p = one(rep, "required-missing", "rd_ratio_2019")
    assert (p.sheet, p.cell) == (EXTRA, "B17")


def test_size_class_against_the_2011_standard(tmp_path):
    values = samples.complete("enterprise", 2)
    declared = values["size"]
    other = next(s for s in ("中型", "小型", "微型") if s != declared)
    rep = check_file(make(tmp_path, "a.xlsx", seed=2, size=other))
    p = one(rep, "size-mismatch")
    assert (p.cell, p.value) == ("B6", other) and declared in p.message
    assert rep.conditions["size"] == 0


def test_product_names(tmp_path):
    rep = check_file(make(tmp_path, "a.xlsx", product_names="CNC机床，精密轴承"))
    assert not problems(rep, "product-name-english")            # a Chinese name may contain letters
    assert one(rep, "product-name-separator").cell == "B12"
    rep = check_file(make(tmp_path, "b.xlsx", product_names="Servo Motor"))
    assert one(rep, "product-name-english").cell == "B12"
    assert not problems(rep, "product-name-separator")         # one English name, not two products
    rep = check_file(make(tmp_path, "d.xlsx", product_names="LED 驱动电源、数控机床　折弯机"))
    assert not problems(rep, "product-name-english")
    assert one(rep, "product-name-separator").value == "LED 驱动电源、数控机床　折弯机"   # the full-width space
    for name in ("CNC冲孔机床", "LED驱动电源", "5G模组", "IGBT模块", "220kV变压器"):
        rep = check_file(make(tmp_path, "c.xlsx", product_names=name))
        assert not [p for p in rep.problems if p.field == "product_names"], name


def test_product_outside_the_catalogue_needs_no_code(tmp_path):
    rep = check_file(make(tmp_path, "a.xlsx", product_basis="按行业惯例分类", product_code=None))
    assert rep.status == "ok" and rep.values["product_basis"] == "按行业惯例分类"
    rep = check_file(make(tmp_path, "b.xlsx", product_basis="统计用产品分类目录", product_code=None))
    assert [p.field for p in problems(rep, "required-missing")] == ["product_code"]


def test_every_target_must_be_filled(tmp_path):
    rep = check_file(make(tmp_path, "a.xlsx", export_ratio_y2=None, awards_y1=None))
    missing = {p.field: p.cell for p in problems(rep, "required-missing")}
    assert missing == {"export_ratio_y2": "E8", "awards_y1": "D17"}
    assert rep.conditions["complete"] == 0.5


def test_required_if(tmp_path):
    rep = check_file(make(tmp_path, "a.xlsx", four_base="是", four_base_item=None))
    assert one(rep, "required-missing", "four_base_item").cell == "D14"
    rep = check_file(make(tmp_path, "b.xlsx", four_base="否", four_base_item=None))
    assert not problems(rep, "required-missing")


def test_platform_name_exact_with_suggestion(tmp_path):
    real = reference.platform_names()[3]
    typo = real[:-2] + real[-1] if len(real) > 4 else real + "有限公司"
    rep = check_file(make(tmp_path, "p.xlsx", "platform", platform_name=typo))
    p = one(rep, "platform-not-in-list")
    assert (p.sheet, p.cell, p.value) == (P4, "B3", typo)
    assert real in p.hint
    assert rep.conditions["listed"] == 0


def test_official_list(tmp_path):
    a = samples.complete("enterprise", 0)
    b = samples.complete("enterprise", 1)
    wb = Workbook()
    ws = wb.active
    ws.append(["第二批专精特新“小巨人”企业名单"])
    ws.append(["序号", "省份", "企业名称", "统一社会信用代码"])
    ws.append([1, "吉林", a["name"], a["uscc"].lower()])
    ws.append([2, "吉林", "吉林省另一家公司", b["uscc"]])
    lst = tmp_path / "名单.xlsx"
    wb.save(lst)
    official = load_official_list(lst)
    assert official == {a["uscc"]: a["name"], b["uscc"]: "吉林省另一家公司"}
    assert check_file(make(tmp_path, "a.xlsx", seed=0), official).errors == []
    rep = check_file(make(tmp_path, "b.xlsx", seed=1), official)
    p = one(rep, "name-not-in-official-list")
    assert (p.cell, p.value) == ("B3", b["name"]) and "吉林省另一家公司" in p.hint
    rep = check_file(make(tmp_path, "c.xlsx", seed=2), official)
    assert one(rep, "uscc-not-in-official-list").cell == "B4"
    with pytest.raises(UsageError):
        load_official_list(tmp_path / "nope.xlsx")


def test_discover_reports_every_file(tmp_path):
    make(tmp_path, "a.xlsx")
    sub = tmp_path / "长春市"
    sub.mkdir()
    make(sub, "b.xlsx", seed=1)
    (sub / "~$b.xlsx").write_bytes(b"lock")
    (sub / "说明.docx").write_bytes(b"x")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.xlsx").write_bytes(b"x")
    found = {p.name: why for p, why in discover([tmp_path])}
    assert found["a.xlsx"] is None and found["b.xlsx"] is None
    assert "锁文件" in found["~$b.xlsx"] and "不是Excel" in found["说明.docx"] and "隐藏" in found[".git"]
    assert "x.xlsx" not in found
    flat = {p.name: why for p, why in discover([tmp_path], recursive=False)}
    assert "b.xlsx" not in flat and flat["长春市"]
    with pytest.raises(UsageError):
        discover([tmp_path / "missing"])


def test_explicit_file_is_judged_by_content_not_extension(tmp_path):
    p = make(tmp_path, "企业.txt")
    assert check_file(p).status == "ok"
    assert dict(discover([p]))[p.absolute()] is None


def test_duplicate_credit_codes_across_files(tmp_path):
    make(tmp_path, "a.xlsx", seed=0)
    make(tmp_path, "a_修改版.xlsx", seed=0)
    report = check_paths([tmp_path])
    for f in report.files:
        p = one(f, "duplicate-uscc")
        assert p.severity == "warning" and p.cell == "B4"
    assert report.valid


def test_unexpected_exception_becomes_corrupt(tmp_path, monkeypatch):
    def boom(*a, **k):
        raise RuntimeError("kaboom")
    monkeypatch.setattr(check_mod, "normalise", boom)
    rep = check_file(make(tmp_path, "a.xlsx"))
    p = one(rep, "corrupt")
    assert "kaboom" in p.message and rep.status == "rejected"


def test_report_stats_and_flatten(tmp_path):
    make(tmp_path, "ok.xlsx", seed=0)
    make(tmp_path, "bad.xlsx", seed=1, main_ratio_base=10)
    (tmp_path / "empty.xlsx").write_bytes(b"")
    (tmp_path / "readme.md").write_text("x")
    report = check_paths([tmp_path])
    s = report.stats
    assert (s["files"], s["ok"], s["invalid"], s["rejected"], s["skipped"]) == (4, 1, 1, 1, 1)
    assert s["by_type"]["condition-failed"] == 1 and s["by_type"]["empty"] == 1
    assert s["errors"] == sum(len(f.errors) for f in report.files)
    rows = report.flatten()
    assert {r["file"] for r in rows} == {"ok.xlsx", "bad.xlsx", "empty.xlsx", "readme.md"}
    bad = [r for r in rows if r["file"] == "bad.xlsx" and r["type"] == "condition-failed"]
    assert bad and bad[0]["severity"] == "error" and bad[0]["path"] == str(tmp_path / "bad.xlsx")
    d = report.to_dict()
    assert set(d) == {"valid", "files", "stats"} and d["valid"] is False


def test_cli_exit_codes_and_json(tmp_path, capsys):
    ok = make(tmp_path, "ok.xlsx")
    assert cli.main(["check", str(ok)]) == 0
    out = capsys.readouterr().out
    assert "ok.xlsx" in out and "通过" in out
    bad = make(tmp_path, "bad.xlsx", seed=1, main_ratio_base="abc")
    assert cli.main(["check", str(bad), "--json"]) == 1
    d = json.loads(capsys.readouterr().out)
    assert d["valid"] is False and d["stats"]["files"] == 1
    f = d["files"][0]
    assert f["path"] == str(bad.absolute()) and os.path.isabs(f["path"])
    assert (f["kind"], f["template_version"], f["status"]) == ("enterprise", spec.template_version("enterprise"), "invalid")
    e = next(e for e in f["errors"] if e["type"] == "not-a-number")
    assert set(e) == {"type", "severity", "sheet", "cell", "field", "label", "value", "message", "hint"}
    assert (e["sheet"], e["cell"], e["field"], e["value"]) == (A6, "C7", "main_ratio_base", "abc")
    assert cli.main(["check", str(tmp_path / "missing.xlsx")]) == 2
    assert cli.main(["check", str(ok), "--official-list", str(tmp_path / "none.xlsx")]) == 2
    capsys.readouterr()


def test_warnings_alone_exit_zero(tmp_path, capsys):
    p = make(tmp_path, "w.xlsx", employees="300人")
    assert cli.main(["check", str(p), "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["valid"] is True and [e["type"] for e in d["files"][0]["errors"]] == ["normalised"]


# with --lo the bench has LibreOffice re-save forms (soffice --convert-to): that case is in the lo tier
@pytest.mark.parametrize("lo_forms", [0, pytest.param(3, marks=pytest.mark.lo)])
def test_bench_runs_all_engines_and_they_agree(capsys, lo_forms):
    import importlib.util
    path = os.path.join(os.path.dirname(__file__), "..", "bench", "read_bench.py")
    spec_ = importlib.util.spec_from_file_location("read_bench", path)
    mod = importlib.util.module_from_spec(spec_)
    spec_.loader.exec_module(mod)
    assert mod.main(["-n", "6", "--lo", str(lo_forms), "--rounds", "1"]) == 0   # rounds only refine the timing
    out = capsys.readouterr().out
    assert "every set reads the same values (to 9 digits: LibreOffice saves 15) and verdicts: yes" in out
    assert "chosen" in out and "openpyxl load_workbook" in out and "verdicts agree across engines: yes" in out
    assert ("LibreOffice re-saved %d of them" % lo_forms in out) is (lo_forms > 0)


PREVIOUS = {"enterprise": "企业申报表_v1.xlsx", "platform": "平台申报表_v2.xlsx"}   # templates as released before


@pytest.mark.parametrize("kind", spec.KINDS)
def test_a_form_of_the_previous_template_version_is_read_with_a_warning(tmp_path, kind):
    old = (Path(__file__).parent / "data" / PREVIOUS[kind]).read_bytes()
    values = samples.complete(kind, 4)
    newer = {f.id: f.legacy for f in spec.form(kind).fields if f.since > spec.template_version(kind) - 1}
    p = tmp_path / "old.xlsx"
    p.write_bytes(fill_bytes(old, {k: v for k, v in values.items() if k not in newer}))
    rep = check_file(p)
    assert rep.template_version == spec.template_version(kind) - 1
    warn = problems(rep, "previous-template-version")
    assert len(warn) == 1 and warn[0].severity == "warning"
    assert rep.status == "ok", [(x.type, x.field, x.message) for x in rep.problems]
    assert all(rep.values[k] == v for k, v in newer.items())


def test_a_platform_is_picked_by_its_exact_name_with_its_level_apart(tmp_path):
    lists = spec.form("platform").lists
    names, levels = lists["platforms"], dict(zip(lists["platforms"], lists["platform_levels"]))
    assert len(set(names)) == len(names) and not any(n.endswith("（国家）") for n in names)
    assert levels["吉林省中改双创科技园管理有限公司"] == "国家级、省级"        # national, and provincial with （国家）
    assert levels["长春市中小企业人才创业指导中心"] == "国家级"
    rep = check_file(make(tmp_path, "p.xlsx", kind="platform", platform_name="吉林省中改双创科技园管理有限公司（国家）"))
    assert rep.values["platform_name"] == "吉林省中改双创科技园管理有限公司" and rep.conditions["listed"] == 1
    assert [p.type for p in rep.problems if p.field == "platform_name"] == ["normalised"]


def test_four_base_takes_several_items(tmp_path):
    items = spec.form("enterprise").lists["four_base"]
    rep = check_file(make(tmp_path, "a.xlsx", four_base="是", four_base_item="、".join(items[1:3])))
    assert rep.status == "ok" and rep.values["four_base_item"] == "、".join(items[1:3])
    for bad in (items[0] + "，" + items[1], items[0] + "、" + items[0], "、" + items[1], "其他"):
        rep = check_file(make(tmp_path, "b.xlsx", four_base="是", four_base_item=bad))
        assert [p.type for p in rep.problems if p.field == "four_base_item"] == ["not-in-list"], bad


def test_a_text_over_its_limit_is_named_not_copied_into_its_problem(tmp_path):
    """The problem says where, how long and how it begins; the whole text stays in the values."""
    from sjtx_xl.problems import VALUE_MAX
    text = "本公司专注于精密伺服电机研发。" * 400                     # 6,000 字, limit 5,000
    rep = check_file(make(tmp_path, "a.xlsx", profile_products=text))
    p = one(rep, "text-too-long", "profile_products")
    assert rep.values["profile_products"] == text
    assert len(p.value) == VALUE_MAX and p.value.endswith("…") and text.startswith(p.value[:-1])
    assert "限5000字" in p.message and p.cell


def test_a_report_of_many_files_is_written_as_it_is_made_and_says_the_same(tmp_path, capsys):
    """check --json and the text report are streamed from reports that keep less of each file; what
    they say is what the whole report says, the duplicate's credit-code cell included."""
    from sjtx_xl import app, render
    code = samples.complete("enterprise", 0)["uscc"]
    make(tmp_path, "a.xlsx", seed=0)
    make(tmp_path, "b.xlsx", seed=1, uscc=code, employees="很多")      # a duplicate, with an error
    make(tmp_path, "c.xlsx", kind="platform", seed=2)
    result = app.check([str(tmp_path)])
    assert cli.main(["check", str(tmp_path), "--json"]) == 1
    assert capsys.readouterr().out == render.json_text(result.to_dict())
    assert cli.main(["check", str(tmp_path)]) == 1
    assert capsys.readouterr().out == render.check_text(result.report) + "\n"
    dup = [p for r in result.report for p in r.problems if p.type == "duplicate-uscc"]
    assert len(dup) == 2 and all(p.cell == "B4" for p in dup)
    assert all(r.raw == {} and set(r.where) <= {"uscc"} for r in result.report)


def test_a_folder_is_checked_on_a_pool_to_the_same_report(tmp_path):
    """check reads the files on worker processes, as merge does: the same reports, in the same order,
    the duplicate found across workers, the skipped and backup files kept in place."""
    code = samples.complete("enterprise", 0)["uscc"]
    for i in range(6):
        make(tmp_path, "%d.xlsx" % i, seed=i, **({"uscc": code} if i in (1, 4) else {}))
    (tmp_path / "说明.txt").write_text("x", encoding="utf-8")
    (tmp_path / "汇总.previous-20260101-000000.xlsx").write_bytes(b"x")
    pooled, serial = check_paths([tmp_path], workers=2), check_paths([tmp_path], workers=1)
    assert [r.to_dict() for r in pooled] == [r.to_dict() for r in serial]
    assert [r.status for r in pooled].count("skipped") == 2 and len(pooled) == 8
    assert sum(p.type == "duplicate-uscc" for r in pooled for p in r.problems) == 3


def test_a_problem_crosses_a_process_whole():
    """Problems travel from check's workers as tuples of their fields (Problem.__reduce__): every field,
    the file set after it was made included, comes back."""
    import pickle
    from sjtx_xl.problems import problem
    p = problem("not-a-number", value="很多", hint="人数", sheet="附件5", cell="D4", field="employees", label="从业人员")
    p.file = "a.xlsx"
    q = pickle.loads(pickle.dumps(p))
    assert q == p and vars(q) == vars(p) and q.file == "a.xlsx"


def test_a_long_text_normalised_is_quoted_not_copied_into_its_message(tmp_path):
    """A 名称-like text field with spaces around a pasted page of text: the warning quotes both sides
    as far as a message quotes (problems.SHOWN_MAX); the trimmed text is the value read."""
    from sjtx_xl.problems import SHOWN_MAX
    text = "精密" * 300
    rep = check_file(make(tmp_path, "a.xlsx", niche="  " + text + "  "))
    p = one(rep, "normalised", "niche")
    assert rep.values["niche"] == text
    assert len(p.message) < 3 * SHOWN_MAX and p.message.count("…") == 2
