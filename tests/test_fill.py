import io
import json
import zipfile

from openpyxl import load_workbook

from sjtx_xl import spec, template
from sjtx_xl.cli import main as cli_main
from sjtx_xl.fill import fill_bytes


def _cell_xml(data, sheet_title, cell):
    from sjtx_xl import ooxml
    z = zipfile.ZipFile(io.BytesIO(data))
    part = {t: p for t, p, _ in ooxml.sheets(z)}[sheet_title]
    xml = z.read(part).decode()
    import re
    return re.search(r'<c r="%s"[^>]*?(?:/>|>.*?</c>)' % cell, xml, re.S).group(0)


def test_fill_writes_values_by_id_and_text_never_as_formula():
    data = fill_bytes(template.build("enterprise"), {
        "name": "=cmd|' /C calc'!A0", "employees": 150, "reg_date": "2015-06-30", "main_ratio_base": 70.5})
    form, lay = spec.form("enterprise"), spec.layout("enterprise")
    f = form.field("name")
    xml = _cell_xml(data, lay.sheet_title[f.sheet], f.cell)
    assert "<f>" not in xml and 't="inlineStr"' in xml
    wb = load_workbook(io.BytesIO(data))
    ws = wb[lay.sheet_title[f.sheet]]
    assert ws[f.cell].value == "=cmd|' /C calc'!A0" and ws[f.cell].data_type == "s"
    assert ws[form.field("employees").cell].value == 150
    assert ws[form.field("reg_date").cell].value.date().isoformat() == "2015-06-30"
    assert wb[lay.sheet_title["a6"]][form.field("main_ratio_base").cell].value == 70.5
    # validation and protection survive
    assert len(ws.data_validations.dataValidation) == len([x for x in form.fields if x.sheet == f.sheet])
    assert ws.protection.sheet


def test_fill_rejects_unknown_field_ids(tmp_path, capsys):
    tpl = tmp_path / "t.xlsx"
    tpl.write_bytes(template.build("platform"))
    values = tmp_path / "v.json"
    values.write_text(json.dumps({"no_such_field": 1}), encoding="utf-8")
    assert cli_main(["fill", str(tpl), str(values), "-o", str(tmp_path / "o.xlsx")]) == 2
    assert "no_such_field" in capsys.readouterr().err
    assert not (tmp_path / "o.xlsx").exists()


def test_fill_cli_refuses_a_workbook_that_is_not_a_template(tmp_path, capsys):
    from openpyxl import Workbook
    other = tmp_path / "other.xlsx"
    Workbook().save(other)
    values = tmp_path / "v.json"
    values.write_text("{}", encoding="utf-8")
    assert cli_main(["fill", str(other), str(values), "-o", str(tmp_path / "o.xlsx")]) == 2


def test_fill_warns_on_each_value_that_breaks_its_rule_and_refuses_with_strict(tmp_path, capsys):
    import json
    from sjtx_xl.cli import main
    from sjtx_xl import template as tpl
    t = tmp_path / "t.xlsx"
    t.write_bytes(tpl.build("enterprise"))
    values = {"name": "长" * 101, "main_ratio_base": "85%", "industry": "35", "uscc": "91220101MA0000001X",
              "reg_date": "2015-06-30", "legal_rep": "张三"}
    vf = tmp_path / "v.json"
    vf.write_text(json.dumps(values, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "out.xlsx"
    assert main(["fill", str(t), str(vf), "-o", str(out)]) == 0 and out.exists()
    err = capsys.readouterr().err
    flagged = {line.split("（")[0].replace("警告：", "") for line in err.splitlines() if line.startswith("警告：")}
    assert flagged == {"企业名称", "主营业务收入占营业收入比重", "所属行业", "统一社会信用代码"}, err
    assert "text-too-long" in err and "normalised" in err
    strict = tmp_path / "strict.xlsx"
    assert main(["fill", str(t), str(vf), "-o", str(strict), "--strict"]) == 1 and not strict.exists()
    capsys.readouterr()
    ok = {"name": "吉林省某某科技有限公司", "reg_date": "2015-06-30"}
    vf.write_text(json.dumps(ok, ensure_ascii=False), encoding="utf-8")
    assert main(["fill", str(t), str(vf), "-o", str(strict), "--strict"]) == 0 and strict.exists()
    assert "警告" not in capsys.readouterr().err


def test_a_fill_is_stamped_with_its_save_time_so_a_copy_of_an_older_one_loses(tmp_path):
    """Excel stamps docProps/core.xml on every save; fill does too, so a `cp` of an older fill (a new
    mtime) still loses to a later fill by the duplicate rule (issue 10 item 6)."""
    import datetime as dt
    import shutil
    from sjtx_xl import ooxml, samples
    from sjtx_xl.merge import merge
    tpl = template.build("enterprise")
    early = dt.datetime(2021, 7, 18, 9, 0, tzinfo=dt.timezone.utc)
    v = samples.complete("enterprise")
    old = fill_bytes(tpl, dict(v, niche="初稿"), "enterprise", early)
    new = fill_bytes(tpl, dict(v, niche="定稿"), "enterprise")
    assert ooxml.last_saved(old) == early.replace(tzinfo=None)
    assert ooxml.last_saved(new) > early.replace(tzinfo=None)
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "定稿.xlsx").write_bytes(new)
    (tmp_path / "old.xlsx").write_bytes(old)
    shutil.copy(tmp_path / "old.xlsx", tmp_path / "in" / "初稿副本.xlsx")    # copied last: the newest mtime
    r = merge(tmp_path / "in", output=tmp_path / "out.xlsx")
    kept = r.model.enterprises
    assert [e.values["niche"] for e in kept] == ["定稿"]
