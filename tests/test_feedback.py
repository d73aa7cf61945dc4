"""Feedback workbooks: one per checked file, each problem with a link to its cell and the fix."""
import hashlib

from openpyxl import load_workbook

from sjtx_xl import cli, samples, spec, template
from sjtx_xl.check import check_file, check_paths
from sjtx_xl.feedback import write_feedback, write_feedback_dir
from sjtx_xl.fill import fill_bytes

A5 = spec.layout("enterprise").sheet_title["a5"]


def make(tmp_path, fname, **changes):
    values = samples.complete("enterprise", 0)
    values.update(changes)
    p = tmp_path / fname
    p.write_bytes(fill_bytes(template.build("enterprise"), values))
    return p


def rows(ws):
    """Problem rows of sheet 问题清单: after the header row that starts with 序号."""
    out, seen = [], False
    for row in ws.iter_rows():
        if seen and row[0].value is not None:
            out.append(row)
        if row[0].value == "序号":
            seen = True
    return out


def test_one_row_per_problem_with_link_value_message_and_fix(tmp_path):
    src = make(tmp_path, "企业甲.xlsx", name="=cmd|' /C calc'!A0", employees="abc")
    rep = check_file(src)
    out = write_feedback(rep, tmp_path / "fb" / "企业甲_反馈.xlsx")
    wb = load_workbook(out)
    ws = wb["问题清单"]
    body = rows(ws)
    assert len(body) == len(rep.problems) > 0
    by_item = {r[3].value: r for r in body}
    name_row = by_item["企业名称"]
    assert name_row[2].value == "%s!B3" % A5
    assert name_row[2].hyperlink is not None
    assert name_row[2].hyperlink.target == "企业甲.xlsx"
    assert name_row[2].hyperlink.location == "'%s'!B3" % A5
    # the pasted formula stays text in the feedback workbook
    assert name_row[4].value == "=cmd|' /C calc'!A0" and name_row[4].data_type == "s"
    assert name_row[5].value.startswith("单元格内是公式") and name_row[6].value
    assert by_item["从业人数"][7].value == "不是数字"          # the problem title in Chinese, not its code
    assert "自检结果" in wb.sheetnames and wb["_meta"].sheet_state == "hidden"


def test_feedback_dir_via_cli_and_check_skips_feedback_files(tmp_path, capsys):
    a = make(tmp_path, "甲.xlsx")
    b = make(tmp_path, "乙.xlsx", main_ratio_base=10)
    (tmp_path / "~$甲.xlsx").write_bytes(b"lock")
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in (a, b)}
    fb = tmp_path / "反馈"
    assert cli.main(["check", str(tmp_path), "--feedback", str(fb)]) == 1
    capsys.readouterr()
    names = sorted(p.name for p in fb.iterdir())
    assert names == ["乙_反馈.xlsx", "甲_反馈.xlsx"]
    assert before == {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in (a, b)}
    report = check_paths([fb])
    assert {f.status for f in report.files} == {"skipped"}


def test_same_stem_in_two_folders_gets_two_files(tmp_path):
    (tmp_path / "x").mkdir()
    (tmp_path / "y").mkdir()
    make(tmp_path / "x", "企业.xlsx")
    make(tmp_path / "y", "企业.xlsx")
    out = write_feedback_dir(check_paths([tmp_path]), tmp_path / "fb")
    assert sorted(p.name for p in out) == ["企业_反馈.xlsx", "企业_反馈_2.xlsx"]


def test_feedback_into_a_file_path_is_a_usage_error(tmp_path, capsys):
    src = make(tmp_path, "甲.xlsx")
    blocker = tmp_path / "not_a_dir"
    blocker.write_text("x")
    assert cli.main(["check", str(src), "--feedback", str(blocker)]) == 2
    assert cli.main(["check", str(src), "--feedback", str(blocker / "sub")]) == 2
    assert "错误" in capsys.readouterr().err
