"""The spec changes in one place (issue 9 item 3).

* Changing a threshold in spec/thresholds.py changes the template formula, the Python check, the
  自检 text and the summary's reason text together.
* Adding an indicator to 附件6 (INDICATORS) and a field to 附件5 (A5_ROWS) through the spec alone:
  templates build, fill, check and merge with no other change.
"""
import io
import zipfile

import openpyxl
import pytest

from sjtx_xl import samples, spec, template
from sjtx_xl.check import check_file, check_values
from sjtx_xl.fill import fill_bytes
from sjtx_xl.merge import merge
from sjtx_xl.spec import enterprise, grid, thresholds
from sjtx_xl.summary import annex5, annex6, eligibility


@pytest.fixture
def respec(monkeypatch):
    """Change the spec through monkeypatch; every derived cache is dropped before and after."""
    spec.rebuild()
    yield monkeypatch
    monkeypatch.undo()
    spec.rebuild()


def selfcheck(data, cond_id):
    """(value formula, 说明 text) of a condition's 自检 row in built template bytes."""
    lay = spec.layout("enterprise")
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb[lay.sheet_title["self"]]
    r = lay.condition_rows[cond_id]
    return ws["%s%d" % (lay.VALUE_COL, r)].value, ws["%s%d" % (lay.DETAIL_COL, r)].value


def facts(data):
    """Everything the threshold shows up in: template formula and texts, check, summary reason."""
    formula, detail = selfcheck(data, "specialisation")
    values = samples.complete("enterprise", 0)
    at_65 = check_values("enterprise", dict(values, main_ratio_base=65)).conditions["specialisation"]
    reason = eligibility.reasons("enterprise", {"specialisation": 0})
    label = next(lab for iid, _, lab, _, _ in enterprise.indicators() if iid == "main_ratio")
    return formula, detail, at_65, reason, label


def test_changing_one_threshold_changes_formula_check_selfcheck_text_and_summary_reason(respec):
    formula, detail, at_65, reason, label = facts(template.build("enterprise"))
    assert ">=70," in formula and "≥70%" in detail and at_65 == 0 and "不足70%" in reason and "70%以上" in label

    respec.setitem(thresholds.ENTERPRISE, "main_ratio", 60)     # the one place
    spec.rebuild()
    data = template.build("enterprise")
    formula, detail, at_65, reason, label = facts(data)
    assert ">=60," in formula and ">=70" not in formula           # template formula
    assert at_65 == 1                                              # Python check
    assert "≥60%" in detail and "70" not in detail                 # 自检 text
    assert "不足60%" in reason and "70" not in reason               # summary reason
    assert "60%以上" in label                                       # 附件6 label
    sheets = b"".join(zipfile.ZipFile(io.BytesIO(data)).read(n) for n in zipfile.ZipFile(io.BytesIO(data)).namelist()
                      if n.startswith("xl/worksheets/"))
    assert "（70%以上）".encode() not in sheets


NEW_INDICATOR = ("digital_invest", "经营管理", "数字化改造投入（万元）", "decimal", {"unit": "万元"})
NEW_A5 = grid.Pair(("企业网站", dict(id="website", label="企业网站", type="text", max_len=100,
                                  help="企业官方网站地址。")))


def _added_spec(respec):
    at = next(i for i, x in enumerate(enterprise.INDICATORS) if x[0] == "info_systems") + 1
    respec.setattr(enterprise, "INDICATORS", enterprise.INDICATORS[:at] + (NEW_INDICATOR,) + enterprise.INDICATORS[at:])
    at = next(i for i, x in enumerate(enterprise.A5_ROWS) if isinstance(x, grid.Section))
    respec.setattr(enterprise, "A5_ROWS", enterprise.A5_ROWS[:at] + (NEW_A5,) + enterprise.A5_ROWS[at:])
    spec.rebuild()


def test_a_field_added_through_the_spec_alone_builds_fills_checks_and_merges(respec, tmp_path):
    before = {f.id: f.cell for f in spec.form("enterprise").fields}
    _added_spec(respec)
    form = spec.form("enterprise")
    new_ids = {"digital_invest_base", "digital_invest_y1", "digital_invest_y2", "website"}
    assert new_ids <= {f.id for f in form.fields}
    # rows moved with the insertion: nothing after it kept a hand-written number
    assert form.field("profile_management").cell != before["profile_management"] and form.field("growth_last_base").cell != before["growth_last_base"]
    assert len({(f.sheet, f.cell) for f in form.fields}) == len(form.fields)

    data = template.build("enterprise")                          # compile checks run inside
    folder = tmp_path / "in"
    folder.mkdir()
    filled = {}
    for seed in range(3):
        values = samples.complete("enterprise", seed)
        assert new_ids <= set(values)
        path = folder / ("企业%d.xlsx" % seed)
        path.write_bytes(fill_bytes(data, values))
        filled[values["name"]] = values
        rep = check_file(path)
        assert rep.status == "ok", [(p.type, p.field, p.message) for p in rep.problems]
        assert all(rep.values[i] == values[i] for i in new_ids)
        assert rep.conditions["complete"] == 1
    # a blank new field is a missing required field, at its own cell
    path = folder / "漏填.xlsx"
    values = dict(samples.complete("enterprise", 9), website=None, digital_invest_y2=None)
    path.write_bytes(fill_bytes(data, {k: v for k, v in values.items() if v is not None}))
    rep = check_file(path)
    missing = {p.field: p.cell for p in rep.problems if p.type == "required-missing"}
    assert missing == {"website": form.field("website").cell, "digital_invest_y2": form.field("digital_invest_y2").cell}

    out = tmp_path / "汇总.xlsx"
    merge(folder, output=out, workers=1)
    wb = openpyxl.load_workbook(out)
    ws = wb[annex5.SHEET]
    header = [c.value for c in ws[3]]
    col = header.index(annex5.field_header(form.field("website")))
    got = {r[header.index("企业名称")]: r[col] for r in ws.iter_rows(min_row=4, values_only=True) if r[col]}
    assert got == {name: v["website"] for name, v in filled.items()}
    ws = wb[annex6.SHEET]
    assert "数字化改造投入（万元）" in [c.value for c in ws[4]]
