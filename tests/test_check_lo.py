"""`sjtx-xl check` against a real spreadsheet: LibreOffice computes the 自检 in the same files.

* Agreement: on 200 random forms (100 in en-US, 100 in zh-CN) with invalid and normalisable inputs
  typed into one document per kind and locale, the 自检's verdict (符合/待更正/不符合), every
  condition and every field's state equal what `check` computes from what Calc holds.
* Files saved by LibreOffice (shared strings, its own styles and names) read back exactly,
  including values typed into an empty template the way a user types them.
* .xls saved by LibreOffice is read by label and reported as legacy-xls.
* Credit codes: for real published codes, the checker, the GB 32100-2015 algorithm and the
  template's native formula agree.

The spoiled inputs are of every kind read/normalise.py changes (the 自检 computes the same value:
rules.FieldRule.steps) and the near misses it keeps; they are typed through Calc's input path in
both locales, and `check` reads what Calc holds.
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
    """An input a clerk types or pastes that `check` normalises (with a warning) or rejects: of every
    kind read/normalise.py knows, and the near misses it must keep (issue 11)."""
    v = base.get(f.id)
    t = f.type
    if t in ("share", "rate", "int", "decimal"):
        x = v if isinstance(v, (int, float)) else 30
        n = int(x) if float(x).is_integer() else x
        big = "{:,}".format(n * 1000 if t in ("int", "decimal") else n)          # 1,200 or 30
        options = [str(n), str(n).translate(FULLWIDTH), "七十", "约%s" % n, big, "\xa0%s\u3000" % n, "%s\t" % n,
                   "+%s" % n, "%s." % n, "1-2", "+-%s" % n, "10²", "1,2345", "12,345.", ",123", "TRUE"]
        if f.unit and t in ("int", "decimal"):
            options += ["%s%s" % (n, f.unit), "%s %s" % (big, f.unit), "%s\u200b%s" % (n, f.unit), f.unit]
        if t in ("share", "rate"):
            options += ["%s%%" % n, "%s％" % n, "%s %%" % n, "%%%s" % n]
        if t == "share":
            options += [100.5, 0.3]
        if t == "int":
            options += [2.5, -1, "1,200.5"]
        if t == "decimal":
            options += ["1,200.5万元", "1，200.5"]
        return rng.choice(options)
    if t == "uscc":
        return rng.choice((v.lower(), v[:6] + " " + v[6:], v[:6] + "\xa0" + v[6:], v[:8] + "－" + v[8:],
                           v.translate(FULLWIDTH_ALNUM), wrong_check_char(v), AUTHORITY_BAD))
    if t == "choice":
        if f.choices == "industry":
            return rng.choice((v[:2], int(v[:2]), "制造业", v + " ", v[:2] + "-" + v[3:], v[3:], v[:2] + v[3:],
                               v[:2] + " 通用设备制造业" if v[:2] != "34" else "35 通用设备制造业", "3 5", v[:2] + ":",
                               "5", "TRUE", "3*", "1?"))
        if f.choices == "platforms":
            return rng.choice((v + "（国家）", v + "分中心", " " + v, v[:3] + " " + v[3:], v + "\u3000"))
        if f.choices == "yesno":
            return rng.choice(("√", "Y", "有", "×", "无", "no", "不详", "YES", " 是", "否\xa0", "y es", "TRUE", "FALSE", "1"))
        item = rng.choice(form.lists[f.choices])
        return rng.choice(("不在列表中的值", "已" + item, " %s " % item, "\u3000" + item, item[:1] + " " + item[1:],
                           "\xa0" + item, "*", "?", item[:-1] + "*", item.translate(FULLWIDTH_ALNUM).replace("（", "(")))
    if t == "multichoice":
        items = form.lists[f.choices]
        return rng.choice(("、".join(items[:2]), "、".join(items), items[0] + "，" + items[1], items[0] + "、" + items[0],
                           "、" + items[1], items[2] + items[3], items[0] + " 、 " + items[1], " " + items[0],
                           items[0] + "\u3000、" + items[1] + "\xa0", items[0] + "、 、" + items[1]))
    if t == "date":
        d = v if isinstance(v, dt.date) else dt.date(2015, 6, 30)
        return rng.choice((d.strftime("%Y/%m/%d"), "%d年%d月%d日" % (d.year, d.month, d.day), dt.date(2021, 8, 1), "去年",
                           d.strftime("%Y%m%d"), "%d.%d.%d" % (d.year, d.month, d.day), d.strftime("%Y-%m-%d 00:00"),
                           d.strftime("%Y-%m-%dT00:00:00.000"), d.strftime("%Y-%m-%d 12:00"), d.strftime("%Y - %m - %d"),
                           "%d 年 %d 月 %d 日" % (d.year, d.month, d.day), "%d年%d-%d" % (d.year, d.month, d.day),
                           d.strftime("%Y/%m/%d日"), d.strftime("%Y%m%d").translate(FULLWIDTH), "%d.02.30" % d.year,
                           "%d %02d-%02d-%02d" % (d.year // 100, d.year % 100, d.month, d.day), "1800-01-01",
                           int(d.strftime("%Y%m%d")), int(d.strftime("%Y%m32")), d.strftime("%Y-%m-%d 00:01")))
    if t in ("text", "longtext"):
        return rng.choice(("好" * (f.max_len + 1), "=1+1", "\u3000=1+1", " 某某 ", "\u3000某 某\u3000", "\xa0", "\t", "某某\xa0"))
    if t == "product_code":
        return rng.choice(("350706000", 3507060000, "3507 0600 00", "3507\xa006000", 35070600.5, "３５０７０６０００"))
    if t == "product_name":
        return rng.choice(("Servo Motor", "CNC冲孔机床", "LED驱动电源、5G模组", "冲孔机床，折弯机", " ＣＮＣ冲孔机床 ",
                           "ＳｅｒｖｏＭｏｔｏｒ", "\u3000冲孔机床", "冲孔机床\u3000折弯机"))
    return v


FULLWIDTH = str.maketrans("0123456789.-", "０１２３４５６７８９．－")
FULLWIDTH_ALNUM = str.maketrans({chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)})
AUTHORITY_BAD = "94220101MA00000056"          # check character right, registration authority 9/4 is not
CONTROL = set("\t\r\n")


def spoiled_form(rng, kind, seed):
    """A random form as clerks fill it: condition inputs around their thresholds, and some fields
    typed or pasted wrongly (invalid) or loosely (normalised by `check`)."""
    form = spec.form(kind)
    base = samples.complete(kind, seed)
    values = dict(base) if rng.random() < 0.3 else random_workbook(rng, kind, seed)   # some start eligible
    by_type = {}
    for f in form.fields:
        by_type.setdefault(f.type, []).append(f)
    types = sorted(by_type)                 # each kind of field as often, however few fields it has
    spoiled = {rng.choice(by_type[rng.choice(types)]).id: None for _ in range(rng.choice((0, 1, 2, 3, 4, 5)))}
    spoiled = [form.field(fid) for fid in spoiled]
    for f in spoiled:
        values[f.id] = _spoil(rng, f, form, base)
    return values, {f.id for f in spoiled}


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


DATE_OR_TIME, PERCENT, LOGICAL = 2 | 4, 128, 1024     # com.sun.star.util.NumberFormat


def _as_check_reads(book, cell, f):
    """The raw value `check` reads from the cell once Calc saves it (check._read_by_name): text, a
    number (with "shown as a date" for a date field, "percent" for a share shown as one), a boolean."""
    kind = cell.getType().value
    if kind == "EMPTY":
        return None
    if kind == "TEXT":
        return cell.getString()
    x = cell.getValue()
    shows = book.doc.NumberFormats.getByKey(cell.NumberFormat).Type
    if shows & LOGICAL and x in (0, 1):      # Calc saves a boolean-formatted 0 or 1 as a boolean
        return bool(x)
    if f.type == "date":
        return (x, bool(shows & DATE_OR_TIME))
    if f.type in ("share", "rate") and shows & PERCENT:
        return (x, "percent")
    return x


def _typable(v):
    return isinstance(v, str) and not v.lstrip(" \u3000\xa0").startswith(("=", "＝")) and not CONTROL & set(v)


FORMS_PER_LOCALE = (("enterprise", 75), ("platform", 25))


def test_selfcheck_equals_check_on_random_forms_typed_through_calc(calc_in, tmp_path):
    """200 random forms in all (each locale 100): each field's state on the 自检 (S_<id>: fine / breaks
    its rule / missing / will be normalised), every condition (R_<id>) and the verdict (R_verdict), as
    Calc computes them, equal what `check` computes from what Calc holds. The spoiled inputs are
    typed through Calc's own input path (.uno:EnterString: its parser, in this locale) or pasted as
    text; every kind of input read/normalise.py changes is among them, and the near misses it keeps.
    A typed value is accepted by the cell's validation exactly when `check` takes it (as it is, or
    normalised), except a share typed as a fraction (85% stores 0.85), which the alert refuses. Every fourth form is
    saved by Calc and read by check_file, to prove the raw values read back here are what `check` reads."""
    from sjtx_xl.rules import NATIVE_VALIDATION, VERDICT_VALUE
    from sjtx_xl.verdicts import assess
    locale = calc_in.config_locale()
    rng = random.Random("2021-%s" % locale)
    checked, kinds_seen, disagreements, acceptance = 0, {}, [], []
    seen = {}                                  # (field type, state) -> how often, for spoiled fields
    for kind, n in FORMS_PER_LOCALE:
        form, lay = spec.form(kind), spec.layout(kind)
        path = tmp_path / ("%s.xlsx" % kind)
        path.write_bytes(TEMPLATES[kind])
        with calc_in.open(path) as book:
            where = {f.id: (lay.sheet_title[f.sheet], f.cell) for f in form.fields}
            cells = {f.id: book.cell(*where[f.id]) for f in form.fields}
            formats = {fid: c.NumberFormat for fid, c in cells.items()}
            self_sheet = lay.sheet_title["self"]
            states_range = "%s%d:%s%d" % (lay.STATE_COL, lay.field_first_row, lay.STATE_COL, lay.field_last_row)
            for i in range(n):
                values, spoiled = spoiled_form(rng, kind, i)
                typed = set()
                for f in form.fields:
                    v = values.get(f.id)
                    if cells[f.id].NumberFormat != formats[f.id]:   # each form a clerk's fresh template:
                        cells[f.id].NumberFormat = formats[f.id]    # no format left by the form before
                    if f.id in spoiled and _typable(v) and rng.random() < 0.6:
                        book.enter(*where[f.id], v)
                        typed.add(f.id)
                    else:
                        _lo_write(cells, f, v)
                book.recalc()
                lo_states = {f.id: int(row[0]) for f, row in zip(form.fields, book.read(self_sheet, states_range))}
                lo_conditions = {c.id: book.value(c.name) for c in form.conditions}
                lo_verdict = book.value("R_verdict")
                raw = {f.id: _as_check_reads(book, cells[f.id], f) for f in form.fields}
                rep = check_values(kind, {k: v for k, v in raw.items() if v is not None})
                if i % 4 == 0:                  # what Calc saves is what was read back
                    saved = check_file(book.save_as_xlsx(tmp_path / ("%s-%d.xlsx" % (kind, i))))
                    assert (saved.states, saved.conditions) == (rep.states, rep.conditions), (
                        kind, i, {k: (raw[k], saved.raw.get(k), saved.states[k], rep.states[k]) for k in rep.states
                                  if saved.states[k] != rep.states[k]},
                        {k: (saved.conditions[k], v) for k, v in rep.conditions.items() if saved.conditions[k] != v})
                    assert saved.values == {k: pytest.approx(v, rel=1e-12) if isinstance(v, float) else v
                                            for k, v in rep.values.items()}, (kind, i)
                verdict = assess(kind, rep.values, rep.conditions, rep.problems).verdict
                mine = (float(VERDICT_VALUE[verdict]), {k: float(v) for k, v in rep.conditions.items()}, rep.states)
                theirs = (lo_verdict, lo_conditions, lo_states)
                if mine != theirs:
                    disagreements.append((locale, kind, i, {k: (raw.get(k), rep.states[k], lo_states[k]) for k in lo_states
                                                            if rep.states[k] != lo_states[k]},
                                          {k: (mine[1][k], lo_conditions[k]) for k in lo_conditions
                                           if mine[1][k] != lo_conditions[k]}, mine[0], lo_verdict))
                for fid in typed:
                    f = form.field(fid)
                    state, value = rep.states[fid], rep.values.get(fid)
                    if f.type in NATIVE_VALIDATION:   # the dropdown / length rule sees the value as typed
                        continue
                    stored = raw[fid][0] if isinstance(raw[fid], tuple) else raw[fid]   # 85% typed: 0.85 shown as 85%
                    fraction = f.type == "share" and any(isinstance(x, (int, float)) and not isinstance(x, bool)
                                                         and 0 < x < 1 for x in (value, stored))
                    takes = state in (0, 3) and value is not None and not fraction
                    if book.is_valid(*where[fid]) != takes:
                        acceptance.append((locale, kind, i, fid, values[fid], raw[fid], state))
                for fid in spoiled:
                    key = (form.field(fid).type, rep.states[fid])
                    seen[key] = seen.get(key, 0) + 1
                kinds_seen.setdefault(kind, set()).add(verdict)
                kinds_seen.setdefault("states", set()).update(rep.states.values())
                checked += 1
    assert disagreements == []
    assert acceptance == []
    assert checked >= 100                      # 200 with both locales
    assert kinds_seen["enterprise"] == {"eligible", "correctable", "ineligible"}
    assert kinds_seen["states"] == {0, 1, 2, 3}
    for t in ("share", "rate", "int", "decimal", "uscc", "choice", "multichoice", "date", "text", "product_code",
              "product_name"):
        assert seen.get((t, 3)) and seen.get((t, 1)), (t, sorted((k, v) for k, v in seen.items() if k[0] == t))


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
