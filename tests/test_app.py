"""The application layer (sjtx_xl.app) and what it decides once: duplicates, enterprise lists,
who has not submitted, and summaries as pandas DataFrames."""
import io
import json
import os
import shutil
import zipfile

import pytest
import xlsxwriter

import sjtx_xl
from sjtx_xl import app, cli, duplicates, roster, samples, spec, template
from sjtx_xl.errors import UsageError
from sjtx_xl.fill import fill_bytes
from sjtx_xl.summary.common import field_header
from sjtx_xl.summary.model import DUPLICATE_PREFIX
from sjtx_xl.uscc import uscc_generate


@pytest.fixture(scope="module")
def blank():
    return template.build("enterprise")


def saved_as(data, when):
    """The workbook `data` as if an application had last saved it at `when` (docProps/core.xml)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                text = body.decode("utf-8")
                start = text.index("<dcterms:modified")
                end = text.index("</dcterms:modified>") + len("</dcterms:modified>")
                body = (text[:start] + '<dcterms:modified xsi:type="dcterms:W3CDTF">%s</dcterms:modified>' % when
                        + text[end:]).encode("utf-8")
            dst.writestr(info, body)
    return out.getvalue()


def enterprise(blank, seed, **changes):
    values = dict(samples.complete("enterprise", seed), **changes)
    return fill_bytes(blank, values, kind="enterprise")


def put(path, data, mtime=None):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    if mtime is not None:
        os.utime(path, (mtime, mtime))
    return path


# ------------------------------------------------------------------------------------------------
# duplicates (issue 10 item 6)

def test_a_copy_of_an_older_submission_does_not_beat_a_newer_save(tmp_path, blank):
    base = enterprise(blank, 0)
    folder = tmp_path / "报送"
    older = put(folder / "初稿.xlsx", saved_as(base, "2021-08-01T09:00:00Z"), mtime=1_600_000_000)
    put(folder / "更正稿.xlsx", saved_as(enterprise(blank, 0, employees=321), "2021-08-05T09:00:00Z"),
        mtime=1_600_000_100)
    shutil.copy(older, folder / "初稿 - 副本.xlsx")              # cp: a fresh mtime, the same saved time
    assert os.stat(folder / "初稿 - 副本.xlsx").st_mtime > os.stat(folder / "更正稿.xlsx").st_mtime
    r = app.merge(folder, output=tmp_path / "汇总.xlsx")
    by = {os.path.basename(f.path): f for f in r.model.files}
    assert by["更正稿.xlsx"].status == "merged"
    for name in ("初稿.xlsx", "初稿 - 副本.xlsx"):
        f = by[name]
        assert f.status == "skipped" and f.reason.startswith(DUPLICATE_PREFIX), f.reason
        assert "工作簿保存时间（文档属性）" in f.reason and "更正稿.xlsx" in f.reason, f.reason
    assert [e.values["employees"] for e in r.model.enterprises if e.uscc == samples.complete("enterprise", 0)["uscc"]] \
        == [321]
    d = r.to_dict()
    assert {f["path"].rsplit(os.sep, 1)[-1]: f["saved"] for f in d["files"]}["更正稿.xlsx"].startswith("2021-08-05")
    assert "复制文件不会改变" in d["keep_rule"]


def test_equal_saved_times_fall_back_to_the_modification_time_and_say_so(tmp_path, blank):
    data = enterprise(blank, 1)                                       # both keep the template's saved time
    folder = tmp_path / "in"
    put(folder / "a.xlsx", data, mtime=1_600_000_000)
    put(folder / "b.xlsx", data, mtime=1_600_000_500)
    r = app.merge(folder, output=tmp_path / "s.xlsx")
    by = {os.path.basename(f.path): f for f in r.model.files}
    assert by["b.xlsx"].status == "merged" and by["a.xlsx"].status == "skipped"
    assert "文件修改时间" in by["a.xlsx"].reason and "工作簿保存时间" not in by["a.xlsx"].reason


def test_invalid_credit_codes_are_never_grouped_as_duplicates(tmp_path, blank):
    folder = tmp_path / "in"
    put(folder / "甲.xlsx", enterprise(blank, 2, uscc="暂无"), mtime=1_600_000_000)
    put(folder / "乙.xlsx", enterprise(blank, 3, uscc="暂无"), mtime=1_600_000_100)
    good = samples.complete("enterprise", 4)["uscc"]
    wrong = good[:-1] + ("0" if good[-1] != "0" else "1")             # a wrong check character
    put(folder / "丙.xlsx", enterprise(blank, 4, uscc=wrong))
    put(folder / "丁.xlsx", enterprise(blank, 5, uscc=wrong))
    r = app.merge(folder, output=tmp_path / "s.xlsx")
    assert {f.status for f in r.model.files} == {"merged"} and r.counts["duplicates"] == 0
    assert len(r.model.enterprises) == 4
    for e in r.model.enterprises:
        types = {p["type"] for p in e.problems}
        assert "duplicate-uscc" not in types and types & {"uscc-length", "uscc-charset", "uscc-check-char",
                                                           "uscc-authority"}, types
    report = app.check([folder]).report                               # `check` applies the same rule
    assert not any(p.type == "duplicate-uscc" for f in report.files for p in f.problems)


def test_check_flags_every_file_of_a_valid_duplicate(tmp_path, blank):
    data = enterprise(blank, 6)
    put(tmp_path / "a.xlsx", data)
    put(tmp_path / "b.xlsx", data)
    report = app.check([tmp_path]).report
    assert [sum(p.type == "duplicate-uscc" for p in f.problems) for f in report.files] == [1, 1]


def test_newest_rule_and_its_basis():
    rows = [("a", 100.0, 5.0), ("b", 0.0, 900.0), ("c", 100.0, 7.0)]     # (path, saved, mtime)
    pick = lambda g: duplicates.newest(g, lambda r: r[1], lambda r: r[2], lambda r: r[0])   # noqa: E731
    assert pick(rows) == (("b", 0.0, 900.0), duplicates.MTIME)          # no saved time: its mtime 900 > 100
    assert pick(rows[:1] + rows[2:]) == (("c", 100.0, 7.0), duplicates.MTIME)   # same saved time: mtime decides
    assert pick([("a", 200.0, 1.0), ("b", 100.0, 50.0)]) == (("a", 200.0, 1.0), duplicates.SAVED)
    good = uscc_generate("220102", 7)
    grouped = duplicates.groups([("enterprise", good), ("enterprise", good), ("platform", good),
                                 ("enterprise", "暂无"), ("enterprise", "暂无")], lambda x: x[0], lambda x: x[1])
    assert list(grouped) == [("enterprise", good)] and len(grouped[("enterprise", good)]) == 2


# ------------------------------------------------------------------------------------------------
# enterprise lists (roster): one reader

def _list(path, rows, sheet="名单"):
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet(sheet)
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            if v is not None:
                ws.write_string(r, c, v) if isinstance(v, str) else ws.write(r, c, v)
    wb.close()
    return path


def test_one_list_reader_for_both_lists(tmp_path):
    a, b = uscc_generate("220102", 1), uscc_generate("220102", 2)
    path = _list(tmp_path / "名单.xlsx", [("2021年名单",), ("序号", "企业 名称", "统一社会信用代码", "批次"),
                                         (1, " 吉林（长春）甲公司 ", " %s " % a.lower(), "２"),
                                         (2, "乙公司", b, "第一批"), (3, None, None, None)])
    listed = roster.read_enterprise_list(path)
    assert [(e.name, e.uscc, e.batch, e.row) for e in listed] == [
        ("吉林（长春）甲公司", a, "第二批", 3), ("乙公司", b, "第一批", 4)]     # names kept as typed, full-width （）
    assert roster.load_official_list(path) == {a: "吉林（长春）甲公司", b: "乙公司"}
    csv_path = tmp_path / "名单.csv"
    csv_path.write_bytes(("企业名称,统一社会信用代码\n丙公司,%s\n" % a).encode("gb18030"))
    assert roster.load_official_list(csv_path) == {a: "丙公司"}
    no_code = _list(tmp_path / "无代码.xlsx", [("企业名称",), ("丁公司",)])
    assert [e.name for e in roster.read_enterprise_list(no_code)] == ["丁公司"]
    with pytest.raises(UsageError, match="找不到表头"):
        roster.load_official_list(no_code)                              # the MIIT list needs the codes


def test_not_submitted_matches_by_code_else_by_name():
    listed = [roster.Listed("甲公司", "C1"), roster.Listed("乙 公司"), roster.Listed("丙公司", "C3"),
              roster.Listed("丁公司")]
    missing = roster.not_submitted(listed, [("甲公司（改名）", "C1"), ("乙公司", None), ("丙公司", "C9")])
    assert [e.name for e in missing] == ["丙公司", "丁公司"]


# ------------------------------------------------------------------------------------------------
# the commands behind the workbook's jobs

def test_cli_prefill_and_missing(tmp_path, blank, capsys):
    v = [samples.complete("enterprise", i) for i in range(3)]
    listing = _list(tmp_path / "名单.xlsx", [("企业名称", "统一社会信用代码", "批次")]
                    + [(x["name"], x["uscc"], x["batch"]) for x in v])
    out = tmp_path / "模板"
    assert cli.main(["prefill", str(listing), "-o", str(out), "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    prefilled = [f for f in d["files"] if f["prefilled"]]
    assert [f["prefilled"]["name"] for f in prefilled] == [x["name"] for x in v]
    assert len(d["files"]) == 2 + 3 and all(os.path.isfile(f["path"]) for f in d["files"])
    filled = app.check([prefilled[1]["path"]]).report.files[0]
    assert (filled.values["name"], filled.values["uscc"], filled.values["batch"]) == (v[1]["name"], v[1]["uscc"],
                                                                                       v[1]["batch"])
    folder = tmp_path / "报送"
    put(folder / "a.xlsx", enterprise(blank, 0))
    assert cli.main(["missing", str(listing), str(folder), "--json"]) == 1    # 1: someone has not submitted
    d = json.loads(capsys.readouterr().out)
    assert (d["listed"], d["submitted"]) == (3, 1) and [e["name"] for e in d["missing"]] == [v[1]["name"], v[2]["name"]]
    summary = tmp_path / "汇总.xlsx"
    put(folder / "b.xlsx", enterprise(blank, 1))
    put(folder / "c.xlsx", enterprise(blank, 2))
    assert cli.main(["merge", str(folder), "-o", str(summary), "--enterprise-list", str(listing)]) == 0
    assert "未报送 0 家" in capsys.readouterr().out
    assert cli.main(["missing", str(listing), str(summary)]) == 0              # a summary counts with its rows
    assert "已报送 3 家，未报送 0 家" in capsys.readouterr().out
    assert cli.main(["missing", str(tmp_path / "无.xlsx"), str(folder)]) == 2
    capsys.readouterr()


# ------------------------------------------------------------------------------------------------
# pandas

def test_merge_results_and_summaries_as_data_frames(tmp_path, blank):
    pd = pytest.importorskip("pandas")
    folder = tmp_path / "报送"
    for i in range(3):
        put(folder / ("%d.xlsx" % i), enterprise(blank, i, **({"rd_ratio_2019": "abc"} if i == 2 else {})))
    put(folder / "平台.xlsx", fill_bytes(template.build("platform"), samples.complete("platform", 1), kind="platform"))
    out = tmp_path / "汇总.xlsx"
    frames = sjtx_xl.merge_folder(folder, output=out).frames()
    assert set(frames) >= {"附件3", "附件4", "附件5", "附件6", "资格审查", "问题", "文件"}
    a3 = frames["附件3"]
    assert isinstance(a3, pd.DataFrame) and len(a3) == 3
    assert sorted(a3["企业名称"]) == sorted(samples.complete("enterprise", i)["name"] for i in range(3))
    assert len(frames["附件4"]) == 1 and len(frames["文件"]) == 4
    a6 = frames["附件6"]
    assert len(a6.columns) == 3 + len([f for f in spec.form("enterprise").fields if f.form_part == "附件6"])
    bad = frames["问题"][frames["问题"]["问题类型"] == "not-a-number"]
    assert list(bad["项目"]) == [spec.form("enterprise").field("rd_ratio_2019").label] and list(bad["填写值"]) == ["abc"]
    again = sjtx_xl.summary_frames(out)                                 # the same tables read back from the file
    for name in ("附件3", "附件4", "附件5", "附件6", "资格审查", "推荐决定"):
        pd.testing.assert_frame_equal(again[name], frames[name], check_dtype=False)
    for name, f in frames.items():                                      # unique columns, a pandas must
        assert f.columns.is_unique, name
    review, decided = frames["资格审查"], frames["推荐决定"]
    assert {"审查结论", "判定依据"} <= set(review.columns)
    assert set(review["审查结论"]) <= {"符合", "待更正", "不符合"} and "待更正" in set(review["审查结论"])
    assert set(decided["推荐决定"]) <= {"推荐", "不推荐", "待定"} and len(decided) == 4
    num = frames["附件5"][frames["附件5"]["企业名称"] == samples.complete("enterprise", 0)["name"]]
    emp = field_header(spec.form("enterprise").field("employees"))
    assert num[emp].iloc[0] == samples.complete("enterprise", 0)["employees"]       # numbers stay numbers


def test_check_result_frames(tmp_path, blank):
    pytest.importorskip("pandas")
    put(tmp_path / "a.xlsx", enterprise(blank, 0, employees="三百"))
    f = app.check([tmp_path]).frames()["问题"]
    assert list(f.columns[:3]) == ["序号", "文件", "结果"] and "not" not in "".join(map(str, f["严重程度"]))
    assert (f["填写值"] == "三百").any()


def test_rows_carried_by_a_city_summary_keep_their_saved_time(tmp_path, blank):
    """The province merges a city's summary and a later file of the same enterprise: the row that
    came through the summary keeps its saved time, so the newer save wins although the older file
    was touched last."""
    city = tmp_path / "长春市报送"
    put(city / "初稿.xlsx", saved_as(enterprise(blank, 0), "2021-08-01T09:00:00Z"), mtime=1_700_000_000)
    put(city / "其他.xlsx", enterprise(blank, 1))
    province = tmp_path / "省"
    app.merge(city, output=province / "长春市" / "长春市汇总.xlsx")
    put(province / "吉林市" / "更正稿.xlsx", saved_as(enterprise(blank, 0, employees=321), "2021-08-05T09:00:00Z"),
        mtime=1_600_000_000)
    r = app.merge(province, output=tmp_path / "省汇总.xlsx", recursive=True)
    code = samples.complete("enterprise", 0)["uscc"]
    kept = [e for e in r.model.enterprises if e.uscc == code]
    assert [e.values["employees"] for e in kept] == [321]
    carried = next(e for f in r.model.files if f.kind == "summary" for e in f.entries if e.uscc == code)
    assert carried.dropped and "工作簿保存时间（文档属性）" in carried.dropped, carried.dropped
    assert carried.saved == pytest.approx(1627808400.0)                   # 2021-08-01T09:00:00Z


def test_an_unwritable_output_is_a_message_not_a_traceback(tmp_path, capsys):
    """/proc takes no new files: every writing command says so in Chinese and exits 2 (QA F21)."""
    from sjtx_xl import cli, template
    tpl = tmp_path / "t.xlsx"
    tpl.write_bytes(template.build("enterprise"))
    values = tmp_path / "v.json"
    values.write_text(json.dumps({"name": "甲"}, ensure_ascii=False), encoding="utf-8")
    for argv in (["templates", "-o", "/proc/sjtx-tt"], ["fill", str(tpl), str(values), "-o", "/proc/x.xlsx"]):
        assert cli.main(argv) == 2, argv
        err = capsys.readouterr().err
        assert err.startswith("错误：") and "Traceback" not in err


@pytest.mark.parametrize("argv,said", [
    (["merge"], "缺少必需的参数：folder"),
    (["merge", "x", "--keep", "bad"], "参数 --keep 的值 'bad' 无效（可选："),
    (["fill", "a", "b", "-o"], "参数 -o/--output 需要一个值"),
    (["fields", "extra"], "无法识别的参数：extra"),
    (["nosuch"], "参数 COMMAND 的值 'nosuch' 无效"),
])
def test_usage_errors_are_in_chinese_and_exit_2(capsys, argv, said):
    with pytest.raises(SystemExit) as ex:
        cli.main(argv)
    err = capsys.readouterr().err
    assert ex.value.code == cli.EXIT_USAGE
    assert err.startswith("用法：sjtx-xl") and ("错误：" + said) in err and "-h 查看用法" in err


def test_help_frame_is_in_chinese(capsys):
    with pytest.raises(SystemExit) as ex:
        cli.main(["merge", "-h"])
    out = capsys.readouterr().out
    assert ex.value.code == 0
    assert out.startswith("用法：sjtx-xl merge") and "位置参数" in out and "选项" in out and "显示本帮助并退出" in out
    assert "usage:" not in out and "show this help" not in out and "options:" not in out
