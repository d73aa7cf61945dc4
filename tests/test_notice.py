"""Fidelity to the notice: for each clause, the failing case is flagged three times over —
by the template's 自检 in LibreOffice, by `check`, and in the merged summary's 资格审查 /
校验报告 sheets — and a workbook that meets every condition is eligible in all three.

docs/notice-trace.md names these cases by their ids; test_notice_trace.py keeps it honest.
"""
import re

import pytest
from openpyxl import load_workbook

from sjtx_xl import samples, spec, template
from sjtx_xl.check import check_file
from sjtx_xl.fill import fill_bytes
from sjtx_xl.merge import merge

# (case id, clause, kind, changes to a passing value set, condition that must fail)
CONDITION_CASES = [
    ("listed-on-chinext", "一、三(一)1", "enterprise", {"listing_status": "深交所创业板"}, "basic"),
    ("listed-abroad", "一、三(一)1", "enterprise", {"listing_status": "境外公开发行股票"}, "basic"),
    ("first-batch-funded", "一", "enterprise", {"first_batch_funded": "是"}, "basic"),
    ("not-a-little-giant", "一、三(一)1", "enterprise", {"batch": "省级专精特新"}, "basic"),
    ("no-orientation", "三(一)2", "enterprise",
     {"four_base": "否", "four_base_item": None, "ten_sector": "不属于十大重点产业领域", "gap_fill": "否",
      "shortboard": "否", "key_tech": "否", "leader_collab": "否"}, "orientation"),
    ("specialisation-below-70", "三(一)3", "enterprise", {"main_ratio_base": 69.99}, "specialisation"),
    ("rd-2020-below-4", "三(一)4、六(二)5", "enterprise", {"rd_ratio_base": 3.99}, "rd"),
    ("rd-2019-below-4", "三(一)4、六(二)5", "enterprise", {"rd_ratio_2019": 3.99}, "rd"),
    ("no-innovation", "三(一)4", "enterprise",
     {"patents_base": 1, "rd_institution_base": "无研发机构", "std_lead_intl_national_base": 0,
      "std_lead_industry_base": 0, "std_participate_base": 0}, "innovation"),
    ("no-quality-cert", "三(一)4", "enterprise", {"quality_certs_base": 0}, "management"),
    ("no-growth", "三(一)4", "enterprise", {"growth_last_base": 0, "listing_plan_base": "无"}, "growth"),
    ("neeq-plan-is-not-a-listing-plan", "六(二)5", "enterprise",
     {"growth_last_base": -3, "listing_plan_base": "新三板挂牌"}, "growth"),
    ("wrong-check-character", "附件5", "enterprise", {"uscc": "91220101MA0000005G"}, "uscc"),
    ("size-not-as-declared", "附件5", "enterprise", {"size": "微型", "industry": "34 通用设备制造业",
                                                   "employees": 150, "revenue_2020": 8000}, "size"),
    ("platform-not-in-annex2", "一、附件4", "platform", {"platform_name": "长春某某科技服务有限公司"}, "listed"),
    ("platform-first-batch-funded", "一", "platform", {"first_batch_funded": "是"}, "not_funded"),
    ("platform-not-a-legal-person", "附件4", "platform", {"legal_person": "否"}, "legal_person"),
    ("platform-no-listed-service", "三(二)、四(二)4", "platform",
     {fid: "否" for fid in ("svc_tech", "svc_finance", "svc_transfer", "svc_digital", "svc_ip", "svc_cloud",
                           "svc_design")}, "services"),
    ("platform-no-evidence", "四(二)4", "platform",
     {"evidence_contracts": 0, "evidence_invoices": 0, "evidence_receipts": 0}, "evidence"),
]

# (case id, clause, kind, changes, problem type that check reports, field it points at)
FIELD_CASES = [
    ("industry-code-and-name", "六(一)1", "enterprise", {"industry": "35 通用设备制造业"}, "not-in-list", "industry"),
    ("product-code-digits", "六(一)1", "enterprise", {"product_code": "350706000"}, "product-code-format", "product_code"),
    ("product-name-english", "六(一)2", "enterprise", {"product_names": "Servo Motor"}, "product-name-english",
     "product_names"),
    ("product-name-separator", "六(一)2", "enterprise", {"product_names": "冲孔机床，折弯机"},
     "product-name-separator", "product_names"),
    ("share-as-fraction", "六(二)1", "enterprise", {"export_ratio_base": 0.3}, "percent-fraction", "export_ratio_base"),
    ("indicator-blank", "附件6注1、注4", "enterprise", {"awards_y2": None}, "required-missing", "awards_y2"),
    ("profile-over-5000", "四(二)3", "enterprise", {"profile_products": "好" * 4990}, "text-too-long",
     "profile_products"),
    ("advanced-desc-over-100", "附件3", "enterprise", {"advanced_desc": "好" * 101}, "text-too-long", "advanced_desc"),
    ("goal-missing", "四(二)7", "enterprise", {"goal_y2_quant": None}, "required-missing", "goal_y2_quant"),
    ("platform-intro-over-3000", "附件4", "platform", {"intro": "好" * 3001}, "text-too-long", "intro"),
    ("platform-profile-over-5000", "四(二)4", "platform", {"profile": "好" * 5001}, "text-too-long", "profile"),
    ("platform-doc-no-missing", "附件4", "platform", {"cert_doc_no": None}, "required-missing", "cert_doc_no"),
    ("platform-goal-missing", "四(二)8", "platform", {"goal_y1_qual": None}, "required-missing", "goal_y1_qual"),
]

ALL_CASES = {c[0]: c for c in CONDITION_CASES + FIELD_CASES}


def _values(kind, changes, seed):
    v = dict(samples.complete(kind, seed))
    v.update(changes)
    return {k: x for k, x in v.items() if x is not None}


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """One file per case plus one fully passing file per kind; merged once."""
    root = tmp_path_factory.mktemp("notice")
    tpl = {k: template.build(k) for k in spec.KINDS}
    for i, (cid, _, kind, changes, *_) in enumerate(CONDITION_CASES + FIELD_CASES):
        (root / ("%s.xlsx" % cid)).write_bytes(fill_bytes(tpl[kind], _values(kind, changes, 100 + i)))
    for kind in spec.KINDS:
        (root / ("eligible-%s.xlsx" % kind)).write_bytes(fill_bytes(tpl[kind], _values(kind, {}, 99)))
    out = root / "out" / "汇总.xlsx"
    merge(root, out, workers=1)
    return root, load_workbook(out, read_only=True)


def _table(wb, sheet, key_header):
    """Rows of a summary sheet as dicts, from the header row that holds `key_header`."""
    rows = list(wb[sheet].iter_rows(values_only=True))
    head = next(i for i, r in enumerate(rows) if key_header in [str(c or "").split("\n")[0] for c in r])
    hdr = [str(c or "").split("\n")[0] for c in rows[head]]
    return [dict(zip(hdr, r)) for r in rows[head + 1:] if any(c not in (None, "") for c in r)]


def _eligibility_row(wb, kind, name):
    from sjtx_xl.summary.eligibility import SHEETS
    rows = [r for r in _table(wb, SHEETS[kind], "审查结论") if r.get("名称") == name]
    assert len(rows) == 1, name
    return rows[0]


@pytest.mark.parametrize("case", CONDITION_CASES, ids=[c[0] for c in CONDITION_CASES])
def test_failing_condition_flagged_by_check_and_in_the_summary(folder, case):
    cid, clause, kind, changes, cond = case
    root, wb = folder
    rep = check_file(root / ("%s.xlsx" % cid))
    assert rep.conditions[cond] == 0, (cid, rep.conditions)
    label = spec.form(kind).conditions[[c.id for c in spec.form(kind).conditions].index(cond)].label
    # reported once: as condition-failed, or by the field error that already says it
    said = {"uscc": lambda p: p.type.startswith("uscc-"), "size": lambda p: p.type == "size-mismatch"}
    assert any(p.severity == "error" and (p.type == "condition-failed" and p.label == label
                                          or said.get(cond, lambda p: False)(p)) for p in rep.problems)
    assert rep.overall == 0
    row = _eligibility_row(wb, kind, rep.values.get("name") or rep.values.get("platform_name"))
    assert str(row[label]).startswith("✘"), row
    # one verdict per row: 不符合 on valid data, 待更正 where the failure is a fixable typing mistake
    cond_spec = next(c for c in spec.form(kind).conditions if c.id == cond)
    typo = any(p.severity == "error" and p.field in cond_spec.rule.fields() for p in rep.problems)
    expected = "△ 待更正" if cond_spec.correctable or typo else "✘ 不符合"
    assert row["审查结论"] == expected, (cid, row["审查结论"])


@pytest.mark.parametrize("case", FIELD_CASES, ids=[c[0] for c in FIELD_CASES])
def test_field_rule_flagged_by_check_and_in_the_validation_report(folder, case):
    cid, clause, kind, changes, ptype, fid = case
    root, wb = folder
    rep = check_file(root / ("%s.xlsx" % cid))
    f = spec.form(kind).field(fid)
    hits = [p for p in rep.problems if p.type == ptype and p.field == fid]
    assert hits and hits[0].cell == f.cell and hits[0].sheet == spec.layout(kind).sheet_title[f.sheet]
    report = [r for r in _table(wb, "校验报告", "问题类型") if str(r.get("文件（点击打开）", "")).endswith(cid + ".xlsx")
              or cid + ".xlsx" in str(r.get("文件（点击打开）", ""))]
    assert any(r["问题代码"] == ptype and r["单元格"] == f.cell for r in report), report


@pytest.mark.parametrize("kind", spec.KINDS)
def test_a_workbook_meeting_every_condition_is_eligible_in_check_and_summary(folder, kind):
    root, wb = folder
    rep = check_file(root / ("eligible-%s.xlsx" % kind))
    assert rep.overall == 1, [p.message for p in rep.problems]
    assert not [p for p in rep.problems if p.severity == "error"]
    row = _eligibility_row(wb, kind, rep.values.get("name") or rep.values.get("platform_name"))
    assert row["审查结论"] == "✔ 符合"


def test_more_than_three_platforms_are_flagged(tmp_path):
    """三(二): the province recommends at most 3 platforms."""
    tpl = template.build("platform")
    for i in range(4):
        (tmp_path / ("p%d.xlsx" % i)).write_bytes(fill_bytes(tpl, samples.complete("platform", i)))
    r = merge(tmp_path, tmp_path / "out.xlsx", workers=1)
    wb = load_workbook(tmp_path / "out.xlsx", read_only=True)
    text = " ".join(str(c) for row in wb["附件4 平台名单汇总表"].iter_rows(values_only=True) for c in row if c)
    assert re.search("超过.*3", text)
    assert "too-many-platforms" in str(r.to_dict() if hasattr(r, "to_dict") else r)


# -- the same cases in the template's own 自检, computed by LibreOffice ------------------------

@pytest.mark.parametrize("case", CONDITION_CASES, ids=[c[0] for c in CONDITION_CASES])
def test_failing_condition_flagged_in_the_selfcheck_sheet(calc, folder, case):
    cid, clause, kind, changes, cond = case
    root, _ = folder
    with calc.open(root / ("%s.xlsx" % cid)) as book:
        book.recalc()
        assert book.value("R_" + cond) == 0, cid
        assert book.value("R_overall") == 0, cid
        out = {o["id"]: o for o in spec.layout(kind).outputs()}[cond]
        assert book.string(out["sheet"], out["cell"]).startswith("✘")


@pytest.mark.parametrize("case", FIELD_CASES, ids=[c[0] for c in FIELD_CASES])
def test_field_rule_flagged_in_the_template(calc, folder, case):
    """Where a field rule is native (validation, or the missing-field count), Calc flags it too."""
    cid, clause, kind, changes, ptype, fid = case
    root, _ = folder
    with calc.open(root / ("%s.xlsx" % cid)) as book:
        book.recalc()
        if ptype == "required-missing":
            assert book.value("H_missing") >= 1 and book.value("R_complete") == 0.5
        elif ptype == "percent-fraction":
            assert book.cell_background("F_" + fid) == "#FFD966"
        else:
            assert not book.is_valid("F_" + fid), cid


@pytest.mark.parametrize("kind", spec.KINDS)
def test_eligible_workbook_passes_the_selfcheck(calc, folder, kind):
    root, _ = folder
    with calc.open(root / ("eligible-%s.xlsx" % kind)) as book:
        book.recalc()
        assert book.value("R_overall") == 1
