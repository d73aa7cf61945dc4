"""The three verdicts with their facts (issue 10 item 2): in check (text and JSON) and in the summary."""
import json

import pytest

from sjtx_xl import cli, samples, spec, template, vocab
from sjtx_xl.check import check_file, check_values
from sjtx_xl.fill import fill_bytes
from sjtx_xl.uscc import CHARSET
from sjtx_xl.verdicts import assess, deciding_facts

TEMPLATES = {k: template.build(k) for k in spec.KINDS}


def make(tmp_path, name, kind="enterprise", seed=0, **changes):
    values = samples.complete(kind, seed)
    values.update(changes)
    for k in [k for k, v in values.items() if v is None]:
        values.pop(k)
    p = tmp_path / name
    p.write_bytes(fill_bytes(TEMPLATES[kind], values))
    return p


def typo(code):
    """The same credit code with a wrong check character."""
    return code[:-1] + next(c for c in CHARSET if c != code[-1])


@pytest.mark.parametrize("kind", spec.KINDS)
def test_complete_sample_is_eligible(tmp_path, kind):
    a = check_file(make(tmp_path, "ok.xlsx", kind)).assessment
    assert a.verdict == vocab.ELIGIBLE and a.missing == [] and a.error_fields == []


def test_credit_code_typo_alone_is_correctable(tmp_path):
    code = samples.complete("enterprise", 0)["uscc"]
    rep = check_file(make(tmp_path, "typo.xlsx", uscc=typo(code)))
    assert rep.conditions["uscc"] == 0
    a = rep.assessment
    assert a.verdict == vocab.CORRECTABLE and a.label == "待更正"
    assert a.error_fields == ["统一社会信用代码"]
    assert typo(code) in a.facts["uscc"]


def test_rd_share_below_four_percent_is_ineligible_with_the_value_shown(tmp_path, capsys):
    p = make(tmp_path, "rd.xlsx", rd_ratio_2019=3.2)
    rep = check_file(p)
    a = rep.assessment
    assert a.verdict == vocab.INELIGIBLE and a.label == "不符合"
    assert "3.2%" in a.facts["rd"] and "2019年研发经费支出占营业收入比重" in a.facts["rd"]
    assert cli.main(["check", str(p)]) == 1
    out = capsys.readouterr().out
    assert "资格审查：✘ 不符合" in out and "3.2%" in out
    assert cli.main(["check", "--json", str(p)]) == 1
    d = json.loads(capsys.readouterr().out)["files"][0]["verdict"]
    assert d["verdict"] == "ineligible" and "3.2%" in d["facts"]["rd"]


def test_listing_status_is_shown_for_a_listed_company(tmp_path):
    a = check_file(make(tmp_path, "listed.xlsx", listing_status="深交所创业板")).assessment
    assert a.verdict == vocab.INELIGIBLE and "上市情况 深交所创业板" in a.facts["basic"]


def test_missing_fields_are_named(tmp_path, capsys):
    p = make(tmp_path, "gap.xlsx", employees=None, legal_rep=None)
    a = check_file(p).assessment
    f = spec.form("enterprise")
    want = {f.field("employees").label, f.field("legal_rep").label}
    assert want <= set(a.missing) and a.verdict == vocab.CORRECTABLE
    cli.main(["check", str(p)])
    out = capsys.readouterr().out
    assert "资格审查：△ 待更正" in out and all(w in out for w in want)


def test_size_facts_show_the_measures_against_the_thresholds():
    v = samples.complete("enterprise", 0)
    rep = check_values("enterprise", v)
    fact = rep.assessment.facts["size"]
    assert "从业人数 %s人" % v["employees"] in fact and "划型标准" in fact and "测算为" in fact


def test_facts_follow_the_spec_fields_of_each_condition():
    """Every field a condition's rule uses is named in its fact (no hand-written list)."""
    from sjtx_xl.rules import NothingMissing
    from sjtx_xl.verdicts import short_label
    for kind in spec.KINDS:
        form = spec.form(kind)
        a = assess(kind, {}, {c.id: 0.5 for c in form.conditions})
        for c in form.conditions:
            if isinstance(c.rule, NothingMissing):
                n = len(c.rule.missing({}))
                assert a.facts[c.id].startswith("缺%d项：" % n)   # counted, grouped by sheet, not all named
                continue
            for fid in c.rule.fields():
                assert short_label(form.field(fid)) in a.facts[c.id], (kind, c.id, fid)


def test_share_typed_as_a_fraction_is_correctable_and_says_what_it_meant():
    """0.924 with a percent-fraction warning fails 专业化 only because of the typing: 待更正, not 不符合."""
    from sjtx_xl.problems import problem
    v = samples.complete("enterprise")
    v["main_ratio_base"] = 0.924
    rep_conditions = {c.id: c.rule.value(v) for c in spec.form("enterprise").conditions}
    assert rep_conditions["specialisation"] == 0
    warn = problem("percent-fraction", value=0.924, field="main_ratio_base")
    a = assess("enterprise", v, rep_conditions, [warn])
    assert a.verdict == vocab.CORRECTABLE
    assert "疑似92.4%" in a.facts["specialisation"]
    assert assess("enterprise", v, rep_conditions, []).verdict == vocab.INELIGIBLE


def test_a_file_level_error_is_never_eligible():
    """An old template version is an error the applicant must fix, though every condition is met."""
    from sjtx_xl.problems import problem
    v = samples.complete("enterprise")
    conds = {c.id: c.rule.value(v) for c in spec.form("enterprise").conditions}
    assert assess("enterprise", v, conds, []).verdict == vocab.ELIGIBLE
    old = problem("old-template-version", value=0, detail=1)
    assert assess("enterprise", v, conds, [old]).verdict == vocab.CORRECTABLE


def test_a_blank_form_names_its_missing_fields_once():
    from sjtx_xl.problems import problem
    form = spec.form("enterprise")
    conds = {c.id: c.rule.value({}) for c in form.conditions}
    probs = [problem("required-missing", field=f.id) for f in form.fields if f.required]
    a = assess("enterprise", {}, conds, probs)
    assert a.verdict == vocab.CORRECTABLE and a.missing and not a.error_fields
    line = deciding_facts("enterprise", conds, a)
    assert "有误的项" not in line and len(line) < 1500
