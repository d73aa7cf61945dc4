"""`sjtx-xl check` against a real spreadsheet: LibreOffice computes the 自检 in the same files.

* Agreement: for 210 random filled workbooks, the verdict `check` computes for every condition
  and overall equals the value cell (R_<id>, R_overall) Calc computes after opening the file.
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


def test_check_verdicts_equal_libreoffice_selfcheck_on_210_random_workbooks(calc, tmp_path):
    rng = random.Random(34)
    checked = 0
    disagreements = []
    for i in range(210):
        kind = "platform" if i % 4 == 3 else "enterprise"
        values = random_workbook(rng, kind, i)
        path = tmp_path / ("%s_%03d.xlsx" % (kind, i))
        path.write_bytes(fill_bytes(TEMPLATES[kind], values))
        rep = check_file(path)
        assert rep.kind == kind and rep.read_by == "name"
        assert not [p for p in rep.problems if p.type == "normalised"], (i, values)
        with calc.open(path) as book:
            book.recalc()
            lo = {c.id: book.value(c.name) for c in spec.form(kind).conditions}
            lo_overall = book.value("R_overall")
        mine = {cid: float(v) for cid, v in rep.conditions.items()}
        if mine != lo or float(rep.overall) != lo_overall:
            disagreements.append((path.name, {k: (mine[k], lo[k]) for k in lo if mine[k] != lo[k]},
                                  rep.overall, lo_overall))
        checked += 1
    assert checked >= 200
    assert disagreements == []


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
