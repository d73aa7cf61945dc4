"""The templates in a real client: LibreOffice opens them, we type, recalculate and read.

Each rule is judged twice, by Calc (its own validation verdict, or the 自检 formulas) and by the
Python twin in sjtx_xl.rules, and the two must agree.
"""
import datetime as dt
import random

import pytest

from sjtx_xl import samples, spec, template
from sjtx_xl.fill import fill_bytes
from sjtx_xl.check import check_values
from sjtx_xl.rules import FIELD_RULES, VERDICT_VALUE, SizeMatches, check_field, data_validation
from sjtx_xl.verdicts import assess
from sjtx_xl.uscc import CHARSET



def _wrong_check_char(code):
    return code[:-1] + CHARSET[(CHARSET.index(code[-1]) + 1) % len(CHARSET)]


def good_and_bad(f, form):
    """(accepted, rejected) values for a field, at the edge of what its rule allows."""
    t = f.type
    if t == "text":
        return "好" * f.max_len, "好" * (f.max_len + 1)
    if t == "longtext":
        return ("好" * 100, "好" * (f.max_len + 1)) if f.total_with else ("好" * f.max_len, "好" * (f.max_len + 1))
    if t == "int":
        lo = f.min if f.min is not None else 0
        return float(lo), lo + 0.5
    if t == "decimal":
        return 0.0, -0.01
    if t == "share":
        return 100.0, 100.01
    if t == "rate":
        return -100.0, -100.5
    if t == "choice":
        return form.lists[f.choices][-1], "不在列表中"
    if t == "multichoice":
        items = form.lists[f.choices]
        return "、".join(items), items[0] + "，" + items[1]
    if t == "uscc":
        code = samples.complete(form.kind, 1)["uscc"]
        return code, _wrong_check_char(code)
    if t == "date":
        return f.max, f.max + dt.timedelta(days=1)
    if t == "product_code":
        return "35070600", "350706000A"
    if t == "product_name":
        return "冲孔机床、数控折弯机", "冲孔机床,CNC折弯机"
    raise AssertionError(t)


def _python_value(v):
    return v.date() if isinstance(v, dt.datetime) else v


@pytest.fixture(scope="module", params=spec.KINDS)
def blank_book(request, calc, tmp_path_factory):
    kind = request.param
    path = tmp_path_factory.mktemp("tpl") / template.filename(kind)
    path.write_bytes(template.build(kind))
    book = calc.open(path)
    yield kind, book
    book.close()


def test_template_opens_with_the_spec_sheets(blank_book):
    kind, book = blank_book
    assert book.sheet_names() == [s.title for s in spec.form(kind).sheets]
    for s in spec.form(kind).sheets:
        assert book.sheet_visible(s.title) == (not s.hidden)


def test_every_input_carries_the_validation_of_its_spec(blank_book):
    kind, book = blank_book
    form, lay = spec.form(kind), spec.layout(kind)
    for f in form.fields:
        v = book.validation(f.name)
        want = data_validation(f, f.cell, lay.names)
        assert v["type"] == want["type"], f.id
        if want.get("operator"):
            assert v["operator"] == want["operator"], f.id
        assert v["show_error"] and v["show_input"] and v["error_style"] == "stop", f.id
        assert v["input_message"] and v["error_message"], f.id
        if f.type == "choice":
            assert v["list_values"] == list(form.lists[f.choices]), f.id
        elif want["type"] != "custom":
            assert float(v["formula1"]) == float(want["formula1"]), f.id
        assert book.cell_locked(f.name) is False, f.id
    for s in form.sheets:
        assert book.protected(s.title), s.title


def _type_all(book, form, which):
    values = {}
    for f in form.fields:
        v = good_and_bad(f, form)[which]
        values[f.id] = v
        book.type(f.name, v)
    return values


@pytest.mark.parametrize("which", [0, 1], ids=["accepted", "rejected"])
def test_each_field_accepts_its_good_value_and_rejects_its_bad_one(blank_book, which):
    """Calc's own 'Mark Invalid Data' and the Python check agree, field by field."""
    kind, book = blank_book
    form, lay = spec.form(kind), spec.layout(kind)
    values = _type_all(book, form, which)
    try:
        for key in {f.sheet for f in form.fields}:
            invalid = book.invalid_cells(lay.sheet_title[key], blanks=False)
            for f in (x for x in form.fields if x.sheet == key):
                calc_ok = f.cell not in invalid
                py = [p for p in check_field(f, _python_value(values[f.id]), form.lists, values) if p.severity == "error"]
                assert calc_ok == (which == 0), (f.id, values[f.id])
                assert (not py) == calc_ok, (f.id, values[f.id], py)
    finally:
        for f in form.fields:
            book.clear(f.name)


def test_all_field_types_are_covered():
    seen = {f.type for k in spec.KINDS for f in spec.form(k).fields}
    assert seen == set(FIELD_RULES)


# -- the 自检 sheet ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def books(calc, tmp_path_factory):
    """One filled, passing workbook per kind, open in Calc for the whole module."""
    out = {}
    for kind in spec.KINDS:
        values = samples.complete(kind, 7)
        path = tmp_path_factory.mktemp("filled") / ("%s.xlsx" % kind)
        path.write_bytes(fill_bytes(template.build(kind), values))
        out[kind] = (calc.open(path), values)
    yield out
    for book, _ in out.values():
        book.close()


def _verdicts(book, kind):
    book.recalc()
    return {o["id"]: book.string(o["sheet"], o["cell"]) for o in spec.layout(kind).outputs()}


def _apply(book, base, changes):
    for fid, v in changes.items():
        book.type("F_" + fid, v) if v is not None else book.clear("F_" + fid)
    return dict(base, **changes)


def _restore(book, base, changes):
    for fid in changes:
        v = base.get(fid)
        book.type("F_" + fid, v) if v is not None else book.clear("F_" + fid)


@pytest.mark.parametrize("kind", spec.KINDS)
def test_a_complete_passing_set_is_eligible(books, kind):
    book, values = books[kind]
    shown = _verdicts(book, kind)
    assert shown["overall"].startswith("✔"), shown
    for c in spec.form(kind).conditions:
        assert shown[c.id][0] in "✔—", (c.id, shown[c.id])


NO_ORIENTATION = {"four_base": "否", "four_base_item": None, "ten_sector": "不属于十大重点产业领域", "gap_fill": "否",
                  "shortboard": "否", "key_tech": "否", "leader_collab": "否"}
NO_INNOVATION = {"patents_base": 1.0, "rd_institution_base": "无研发机构", "std_lead_intl_national_base": 0.0,
                 "std_lead_industry_base": 0.0, "std_participate_base": 0.0}

CASES = {
    "enterprise": [
        ("specialisation", {"main_ratio_base": 70.0}, "✔"),
        ("specialisation", {"main_ratio_base": 69.99}, "✘"),
        ("rd", {"rd_ratio_base": 4.0, "rd_ratio_2019": 4.0}, "✔"),
        ("rd", {"rd_ratio_base": 3.99}, "✘"),
        ("rd", {"rd_ratio_2019": 3.99}, "✘"),
        ("innovation", NO_INNOVATION, "✘"),
        ("innovation", dict(NO_INNOVATION, patents_base=2.0), "✔"),
        ("innovation", dict(NO_INNOVATION, rd_institution_base="其他"), "✔"),
        ("innovation", dict(NO_INNOVATION, std_participate_base=1.0), "✔"),
        ("management", {"quality_certs_base": 1.0}, "✔"),
        ("management", {"quality_certs_base": 0.0}, "✘"),
        ("growth", {"growth_last_base": 0.01, "listing_plan_base": "无"}, "✔"),
        ("growth", {"growth_last_base": 0.0, "listing_plan_base": "无"}, "✘"),
        ("growth", {"growth_last_base": -5.0, "listing_plan_base": "递交申请书"}, "✔"),
        ("growth", {"growth_last_base": -5.0, "listing_plan_base": "已进入辅导期"}, "✔"),
        ("basic", {"first_batch_funded": "是"}, "✘"),
        ("basic", {"listing_status": "深交所创业板"}, "✘"),
        ("basic", {"listing_status": "境外公开发行股票"}, "✘"),
        ("basic", {"listing_status": "新三板挂牌（含精选层）"}, "✔"),
        ("orientation", NO_ORIENTATION, "✘"),
        ("orientation", dict(NO_ORIENTATION, leader_collab="是"), "✔"),
        ("orientation", dict(NO_ORIENTATION, ten_sector="新材料"), "✔"),
        ("complete", {"legal_rep": None}, "…"),
        ("overall", {"legal_rep": None}, "△"),
        ("overall", {"main_ratio_base": 69.99, "legal_rep": None}, "✘"),
    ],
    "platform": [
        ("listed", {"platform_name": "长春某某服务中心"}, "✘"),
        ("not_funded", {"first_batch_funded": "是"}, "✘"),
        ("legal_person", {"legal_person": "否"}, "✘"),
        ("services", {fid: "否" for fid in ("svc_tech", "svc_finance", "svc_transfer", "svc_digital", "svc_ip",
                                            "svc_cloud", "svc_design")}, "✘"),
        ("evidence", {"evidence_contracts": 0.0, "evidence_invoices": 0.0, "evidence_receipts": 0.0}, "✘"),
        ("evidence", {"evidence_contracts": 0.0, "evidence_invoices": 0.0, "evidence_receipts": 1.0}, "✔"),
        ("evidence", {"served_firms": 0.0}, "✘"),
        ("overall", {"legal_person": "否"}, "✘"),
    ],
}


def _python_verdicts(kind, values):
    """Each condition as `check` computes it, and the overall verdict (符合/待更正/不符合) as its twin."""
    rep = check_values(kind, {k: v for k, v in values.items() if v is not None})
    conds = dict(rep.conditions)
    conds["overall"] = assess(kind, rep.values, rep.conditions, rep.problems).verdict
    return conds


SYMBOL = {1: "✔", 0: "✘", 0.5: "…", 2: "—", "eligible": "✔", "correctable": "△", "ineligible": "✘"}


@pytest.mark.parametrize("kind,cid,changes,want", [(k,) + c for k in spec.KINDS for c in CASES[k]],
                         ids=["%s-%s-%d" % (k, c[0], i) for k in spec.KINDS for i, c in enumerate(CASES[k])])
def test_conditions_at_their_boundaries(books, kind, cid, changes, want):
    book, base = books[kind]
    values = _apply(book, base, changes)
    try:
        shown = _verdicts(book, kind)
        assert shown[cid].startswith(want), (cid, changes, shown[cid])
        py = _python_verdicts(kind, values)
        assert {k: SYMBOL[v] for k, v in py.items()} == {k: s[0] for k, s in shown.items()}
    finally:
        _restore(book, base, changes)


@pytest.mark.parametrize("kind", spec.KINDS)
def test_credit_code_check_flags_a_wrong_check_character(books, kind):
    book, base = books[kind]
    bad = _wrong_check_char(base["uscc"])
    _apply(book, base, {"uscc": bad})
    try:
        assert _verdicts(book, kind)["uscc"].startswith("✘")
        assert not book.is_valid("F_uscc")
    finally:
        _restore(book, base, {"uscc": bad})
    assert _verdicts(book, kind)["uscc"].startswith("✔")


# 2011 standard, typed from 工信部联企业〔2011〕300号 (not from our data files)
SIZE_CASES = [
    ("34 通用设备制造业", 300, 2000, None, "中型"), ("34 通用设备制造业", 299, 2000, None, "小型"),
    ("34 通用设备制造业", 300, 1999, None, "小型"), ("34 通用设备制造业", 20, 300, None, "小型"),
    ("34 通用设备制造业", 19, 300, None, "微型"), ("34 通用设备制造业", 20, 299, None, "微型"),
    ("34 通用设备制造业", 1000, 40000, None, "大型"), ("34 通用设备制造业", 999, 40000, None, "中型"),
    ("34 通用设备制造业", 1000, 39999, None, "中型"),
    ("51 批发业", 20, 5000, None, "中型"), ("51 批发业", 19, 5000, None, "小型"), ("51 批发业", 5, 1000, None, "小型"),
    ("51 批发业", 4, 1000, None, "微型"), ("51 批发业", 200, 40000, None, "大型"),
    ("47 房屋建筑业", 10, 6000, 5000, "中型"), ("47 房屋建筑业", 10, 6000, 4999, "小型"),
    ("47 房屋建筑业", 10, 300, 300, "小型"), ("47 房屋建筑业", 10, 300, 299, "微型"),
    ("47 房屋建筑业", 10, 6000, None, "pending"), ("59 装卸搬运和仓储业", 50, 500, None, "na"),
    ("65 软件和信息技术服务业", 100, 1000, None, "中型"), ("65 软件和信息技术服务业", 10, 49, None, "微型"),
]


def test_size_class_agrees_with_the_2011_thresholds(books):
    kind = "enterprise"
    book, base = books[kind]
    sizer = next(c.rule for c in spec.form(kind).conditions if isinstance(c.rule, SizeMatches))
    fields = ("industry", "employees", "revenue_2020", "assets_2020")
    try:
        for industry, x, y, z, want in SIZE_CASES:
            changes = dict(zip(fields, (industry, float(x), float(y), None if z is None else float(z))))
            values = _apply(book, base, changes)
            book.recalc()
            assert book.string("H_size_class") == want, (industry, x, y, z)
            assert sizer.computed(values) == want, (industry, x, y, z)
    finally:
        _restore(book, base, dict.fromkeys(fields))


def _random_value(rng, f, form):
    r = rng.random()
    if r < 0.08:
        return None
    if f.type == "choice":
        if r < 0.12:
            return "随便写的"
        return rng.choice(form.lists[f.choices])
    if f.type in ("share", "rate", "int", "decimal"):
        if r < 0.12:
            return "七十"
        edges = {"main_ratio_base": 70, "rd_ratio_base": 4, "rd_ratio_2019": 4, "patents_base": 2,
                 "quality_certs_base": 1, "growth_last_base": 0}
        edge = edges.get(f.id)
        if edge is not None and r < 0.6:
            return float(rng.choice((edge, edge - 0.01, edge + 0.01, edge - 1)))
        if f.type == "int":
            return float(rng.randint(0, 3))
        return float(round(rng.uniform(-5 if f.type == "rate" else 0, 100), 2))
    return None


def test_differential_selfcheck_equals_python_rules_on_200_random_inputs(calc, tmp_path):
    """Random inputs (boundaries, blanks, text in numeric cells, off-list choices): the 自检
    values Calc computes equal the Python rule functions, condition by condition."""
    rng = random.Random(20210723)
    cases = 0
    for kind in spec.KINDS:
        form = spec.form(kind)
        base = samples.complete(kind, 3)
        path = tmp_path / ("%s.xlsx" % kind)
        path.write_bytes(fill_bytes(template.build(kind), base))
        relevant = set().union(*(c.rule.fields() for c in form.conditions if c.id != "complete"))
        randomised = [f for f in form.fields if f.id in relevant and f.type in
                      ("choice", "share", "rate", "int", "decimal")]
        n = 150 if kind == "enterprise" else 60
        with calc.open(path) as book:
            for i in range(n):
                values = dict(base)
                code = base["uscc"] if rng.random() < 0.8 else _wrong_check_char(base["uscc"])
                values["uscc"] = code
                book.type("F_uscc", code)
                for f in randomised:
                    v = _random_value(rng, f, form)
                    values[f.id] = v
                    if v is None:
                        book.clear(f.name)
                    elif isinstance(v, str):
                        book.type_text(f.name, v)
                    else:
                        book.type(f.name, v)
                book.recalc()
                calc_values = {c.id: book.value(c.name) for c in form.conditions}
                calc_values["overall"] = book.value("R_verdict")
                py = _python_verdicts(kind, values)
                py["overall"] = VERDICT_VALUE[py["overall"]]
                assert calc_values == py, (kind, i, values)
                cases += 1
    assert cases >= 200


def _hex(dxf):
    return "#" + dxf.fill.fgColor.rgb[-6:].upper()


def test_missing_invalid_and_fraction_inputs_are_highlighted(books):
    """The conditional formats as Calc renders them: yellow when a required input is blank,
    red when a value breaks its rule, orange for a share typed as a fraction."""
    from sjtx_xl.template import styles
    kind = "enterprise"
    book, base = books[kind]
    form, lay = spec.form(kind), spec.layout(kind)
    name, ratio, legal = form.field("employees"), form.field("main_ratio_base"), form.field("legal_rep")
    changes = {"employees": 2.5, "main_ratio_base": 0.7, "legal_rep": None}
    _apply(book, base, changes)
    try:
        book.recalc()
        a5 = book.backgrounds(lay.sheet_title["a5"], [name.cell, legal.cell, form.field("uscc").cell])
        assert a5[name.cell] == _hex(styles.CF_INVALID)
        assert a5[legal.cell] == _hex(styles.CF_MISSING)
        assert a5[form.field("uscc").cell] not in {_hex(styles.CF_INVALID), _hex(styles.CF_MISSING)}
        assert book.cell_background(lay.sheet_title["a6"], ratio.cell) == _hex(styles.CF_FRACTION)
    finally:
        _restore(book, base, changes)
