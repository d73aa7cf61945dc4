"""`sjtx-xl check` against a real spreadsheet: LibreOffice computes the 自检 in the same files.

* Agreement: on 240 random forms with invalid and normalisable inputs typed into one document
  per kind, the 自检's verdict (符合/待更正/不符合), every condition and every field's state equal
  what `check` computes from the same values.
* Files saved by LibreOffice (shared strings, its own styles and names) read back exactly,
  including values typed into an empty template the way a user types them.
* .xls saved by LibreOffice is read by label and reported as legacy-xls.
* Credit codes: for real published codes, the checker, the GB 32100-2015 algorithm and the
  template's native formula agree.

Random values stay within what needs no normalisation (numbers as numbers, strings that are not
numbers, choices verbatim): normalisation is meant to make `check` more lenient than the 自检, with
a warning, and the test asserts that no value here was normalised.
"""
import datetime as dt
import random

import pytest

from sjtx_xl import samples, spec, template
from sjtx_xl.check import check_file, check_values
from sjtx_xl.fill import fill_bytes
from sjtx_xl.uscc import CHARSET, check_char

from test_uscc import REAL_CODES, _independent_check_char

TEMPLATES = {k: template.build(k) for k in spec.KINDS}
EDGES = {"main_ratio_base": 70, "rd_ratio_base": 4, "rd_ratio_2019": 4, "patents_base": 2,
         "quality_certs_base": 1, "growth_last_base": 0, "served_firms": 1, "served_times": 1}


def wrong_check_char(code):
    return code[:-1] + CHARSET[(CHARSET.index(code[-1]) + 1) % len(CHARSET)]


def random_value(rng, f, form, base):
    r = rng.random()
    if r < 0.07:
        return None
    if f.type == "choice":
        if r < 0.12:
            return "不在列表中的值"
        return rng.choice(form.lists[f.choices])
    if f.type in ("share", "rate", "int", "decimal"):
        if r < 0.11:
            return "七十"                              # text in a numeric cell: pending on both sides
        edge = EDGES.get(f.id)
        if edge is not None and r < 0.6:
            return rng.choice((edge, edge - 0.01, edge + 0.01, edge - 1, edge + 1))
        if f.type == "int":
            return rng.randint(0, 3 if edge is not None else 2000)
        if f.type == "decimal":
            return round(rng.uniform(0, 60000), 1)
        return round(rng.uniform(-5 if f.type == "rate" else 0, 100), 2)
    if f.type == "uscc":
        return base[f.id] if r < 0.7 else wrong_check_char(base[f.id])
    return base.get(f.id)


def random_workbook(rng, kind, seed):
    form = spec.form(kind)
    base = samples.complete(kind, seed)
    values = dict(base)
    relevant = set().union(*(c.rule.fields() for c in form.conditions if c.id != "complete"))
    for f in form.fields:
        if f.id in relevant:
            values[f.id] = random_value(rng, f, form, base)
        elif rng.random() < 0.03:
            values[f.id] = None                          # the 必填项 condition sees it
    if kind == "enterprise" and rng.random() < 0.2:      # no 产业导向 alternative at all
        for fid in ("four_base", "shortboard", "key_tech", "leader_collab", "gap_fill"):
            values[fid] = "否"
        values["ten_sector"] = spec.common.NOT_TEN_SECTORS
    if kind == "platform" and rng.random() < 0.2:        # none of the 三(二) service categories
        for fid, _ in spec.platform.SERVICES:
            values[fid] = "否"
    return {k: v for k, v in values.items() if v is not None}


def _spoil(rng, f, form, base):
    """An input a clerk types or pastes that `check` normalises (with a warning) or rejects."""
    v = base.get(f.id)
    t = f.type
    if t in ("share", "rate", "int", "decimal"):
        x = v if isinstance(v, (int, float)) else 30
        n = int(x) if float(x).is_integer() else x
        options = [str(n), str(n).translate(FULLWIDTH), "七十", "约%s" % n]
        if f.unit and t in ("int", "decimal"):
            options.append("%s%s" % (n, f.unit))
        if t in ("share", "rate"):
            options += ["%s%%" % n, "%s％" % n]
        if t == "share":
            options += [100.5, 0.3]
        if t == "int":
            options += [2.5, -1]
        return rng.choice(options)
    if t == "uscc":
        return rng.choice((v.lower(), v[:6] + " " + v[6:], wrong_check_char(v), AUTHORITY_BAD))
    if t == "choice":
        if f.choices == "industry":
            return rng.choice((v[:2], int(v[:2]), "制造业"))
        if f.choices == "platforms":
            return rng.choice((v + "（国家）", v + "分中心"))
        if f.choices == "yesno":
            return rng.choice(("√", "Y", "有", "×", "无", "no", "不详"))
        return rng.choice(("不在列表中的值", "已" + v if isinstance(v, str) else "已"))
    if t == "multichoice":
        items = form.lists[f.choices]
        return rng.choice(("、".join(items[:2]), "、".join(items), items[0] + "，" + items[1], items[0] + "、" + items[0],
                           "、" + items[1], items[2] + items[3]))
    if t == "date":
        d = v if isinstance(v, dt.date) else dt.date(2015, 6, 30)
        return rng.choice((d.strftime("%Y/%m/%d"), "%d年%d月%d日" % (d.year, d.month, d.day), dt.date(2021, 8, 1), "去年"))
    if t in ("text", "longtext"):
        return rng.choice(("好" * (f.max_len + 1), "=1+1"))
    if t == "product_code":
        return rng.choice(("350706000", 3507060000, "3507 0600 00"))
    if t == "product_name":
        return rng.choice(("Servo Motor", "CNC冲孔机床", "LED驱动电源、5G模组", "冲孔机床，折弯机"))
    return v


FULLWIDTH = str.maketrans("0123456789.-", "０１２３４５６７８９．－")
AUTHORITY_BAD = "94220101MA00000056"          # check character right, registration authority 9/4 is not


def spoiled_form(rng, kind, seed):
    """A random form as clerks fill it: condition inputs around their thresholds, and some fields
    typed or pasted wrongly (invalid) or loosely (normalised by `check`)."""
    form = spec.form(kind)
    base = samples.complete(kind, seed)
    values = dict(base) if rng.random() < 0.3 else random_workbook(rng, kind, seed)   # some start eligible
    for f in rng.sample(form.fields, rng.choice((0, 1, 1, 2, 3))):
        values[f.id] = _spoil(rng, f, form, base)
    return values


def _lo_write(cells, f, v):
    c = cells[f.id]
    if v is None:
        c.setFormula("")
    elif isinstance(v, dt.date):
        c.setValue(float((v - dt.date(1899, 12, 30)).days))
    elif isinstance(v, (int, float)):
        c.setValue(float(v))
    else:
        c.setString(v)


def test_selfcheck_equals_check_on_240_random_forms_with_invalid_and_normalisable_inputs(calc, tmp_path):
    """For each form: the 自检's verdict (R_verdict), every condition (R_<id>) and every field's state
    (S_<id>: fine / breaks its rule / missing / will be normalised) computed by Calc equal what
    `check` computes from the same raw values. One document per kind, the cases typed in turn."""
    from sjtx_xl.verdicts import assess
    rng = random.Random(2021)
    checked, kinds_seen, disagreements = 0, {}, []
    for kind, n in (("enterprise", 180), ("platform", 60)):
        form, lay = spec.form(kind), spec.layout(kind)
        path = tmp_path / ("%s.xlsx" % kind)
        path.write_bytes(TEMPLATES[kind])
        with calc.open(path) as book:
            cells = {f.id: book.cell(lay.sheet_title[f.sheet], f.cell) for f in form.fields}
            self_sheet = lay.sheet_title["self"]
            states_range = "%s%d:%s%d" % (lay.STATE_COL, lay.field_first_row, lay.STATE_COL, lay.field_last_row)
            for i in range(n):
                values = spoiled_form(rng, kind, i)
                for f in form.fields:
                    _lo_write(cells, f, values.get(f.id))
                book.recalc()
                lo_states = {f.id: int(row[0]) for f, row in zip(form.fields, book.read(self_sheet, states_range))}
                lo_conditions = {c.id: book.value(c.name) for c in form.conditions}
                lo_verdict = book.value("R_verdict")
                rep = check_values(kind, {k: v for k, v in values.items() if v is not None})
                verdict = assess(kind, rep.values, rep.conditions, rep.problems).verdict
                mine = (rule_value(verdict), {k: float(v) for k, v in rep.conditions.items()}, rep.states)
                theirs = (lo_verdict, lo_conditions, lo_states)
                if mine != theirs:
                    disagreements.append((kind, i, {k: values.get(k) for k in lo_states if rep.states[k] != lo_states[k]},
                                          {k: (mine[1][k], lo_conditions[k]) for k in lo_conditions
                                           if mine[1][k] != lo_conditions[k]}, mine[0], lo_verdict))
                kinds_seen.setdefault(kind, set()).add(verdict)
                kinds_seen.setdefault("states", set()).update(rep.states.values())
                checked += 1
    assert disagreements == []
    assert checked >= 200
    assert kinds_seen["enterprise"] == {"eligible", "correctable", "ineligible"}
    assert kinds_seen["states"] == {0, 1, 2, 3}


def rule_value(verdict):
    from sjtx_xl.rules import VERDICT_VALUE
    return float(VERDICT_VALUE[verdict])


def test_conditions_vary_in_the_random_set():
    """The agreement set is not trivial: every condition takes several values across it."""
    rng = random.Random(34)
    seen = {}
    for i in range(210):
        kind = "platform" if i % 4 == 3 else "enterprise"
        values = random_workbook(rng, kind, i)
        for c in spec.form(kind).conditions:
            seen.setdefault((kind, c.id), set()).add(c.rule.value(values))
    for key, vals in seen.items():
        assert len(vals) >= 2, key


@pytest.mark.parametrize("kind", spec.KINDS)
def test_saved_by_libreoffice_reads_back_exactly(calc, tmp_path, kind):
    values = samples.complete(kind, 11)
    src = tmp_path / "src.xlsx"
    src.write_bytes(fill_bytes(TEMPLATES[kind], values))
    with calc.open(src) as book:
        saved = book.save_as_xlsx(tmp_path / "saved_by_lo.xlsx")
    rep = check_file(saved)
    assert rep.kind == kind and rep.read_by == "name" and rep.template_version == spec.template_version(kind)
    for f in spec.form(kind).fields:
        v = values.get(f.id)
        assert rep.values.get(f.id) == (pytest.approx(v) if isinstance(v, float) else v), f.id
    assert rep.status == "ok", [(p.type, p.field, p.message) for p in rep.problems]


def test_typed_in_libreoffice_then_saved(calc, tmp_path):
    """Values typed into the template as a user would (numbers, a date, text) and saved by Calc."""
    values = samples.complete("enterprise", 12)
    base = dict(values)
    for fid in ("main_ratio_base", "employees", "reg_date", "niche", "rd_institution_base"):
        base.pop(fid)
    src = tmp_path / "partial.xlsx"
    src.write_bytes(fill_bytes(TEMPLATES["enterprise"], base))
    with calc.open(src) as book:
        book.type("F_main_ratio_base", "85")
        book.type("F_employees", "260")
        book.type("F_reg_date", "2016-03-15")
        book.type("F_niche", "数控机床细分领域")
        book.type("F_rd_institution_base", "省部级")
        saved = book.save_as_xlsx(tmp_path / "typed.xlsx")
    rep = check_file(saved)
    assert rep.values["main_ratio_base"] == 85 and rep.values["employees"] == 260
    assert rep.values["reg_date"] == dt.date(2016, 3, 15)
    assert rep.values["niche"] == "数控机床细分领域" and rep.values["rd_institution_base"] == "省部级"
    assert not [p for p in rep.problems if p.type == "normalised"]


def test_xls_saved_by_libreoffice_is_read_by_label(calc, tmp_path):
    values = samples.complete("enterprise", 13)
    src = tmp_path / "src.xlsx"
    src.write_bytes(fill_bytes(TEMPLATES["enterprise"], values))
    with calc.open(src) as book:
        xls = book.save_as(tmp_path / "旧格式.xls", "MS Excel 97")
    assert xls.read_bytes()[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    rep = check_file(xls)
    assert rep.kind == "enterprise" and rep.read_by == "label"
    legacy = [p for p in rep.problems if p.type == "legacy-xls"]
    assert len(legacy) == 1 and legacy[0].severity == "error"
    assert rep.status == "invalid"
    lay = spec.layout("enterprise")
    for f in spec.form("enterprise").fields:
        v = values.get(f.id)
        assert rep.values.get(f.id) == (pytest.approx(v) if isinstance(v, float) else v), f.id
        assert rep.where[f.id] == (lay.sheet_title[f.sheet], f.cell), f.id
    assert {p.type for p in rep.problems} == {"legacy-xls"}


def test_real_credit_codes_agree_in_checker_algorithm_and_native_formula(calc, tmp_path):
    base = samples.complete("enterprise", 14)
    path = tmp_path / "uscc.xlsx"
    path.write_bytes(fill_bytes(TEMPLATES["enterprise"], base))
    cases = []
    for code in REAL_CODES:
        assert _independent_check_char(code[:17]) == code[17] == check_char(code[:17])
        cases += [(code, 1), (wrong_check_char(code), 0)]
    with calc.open(path) as book:
        for code, expected in cases:
            book.type_text("F_uscc", code)
            book.recalc()
            native = book.value("R_uscc")
            rep = check_values("enterprise", dict(base, uscc=code))
            assert native == expected == rep.conditions["uscc"], code
            assert bool([p for p in rep.problems if p.field == "uscc"]) == (expected == 0), code
