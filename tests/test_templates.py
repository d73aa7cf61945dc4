"""The compiled templates: golden members, structure, limits, and the data dictionary."""
import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from sjtx_xl import spec, template
from sjtx_xl.cli import data_dictionary, main as cli_main
from sjtx_xl.errors import SpecError
from sjtx_xl.lint import lint_xlsx
from sjtx_xl.spec.enterprise import INDICATORS

from golden import assert_same_members

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module", params=spec.KINDS)
def built(request):
    kind = request.param
    data = template.build(kind)
    return kind, data, load_workbook(io.BytesIO(data))


def test_committed_templates_equal_a_fresh_build():
    """Member by member, uncompressed (tests/golden.py): another zlib cannot fail it, a changed part does."""
    for kind in spec.KINDS:
        committed = ROOT / "templates" / template.filename(kind)
        assert_same_members(template.build(kind), committed, "templates/ is stale: run `sjtx-xl templates`")


def test_build_is_deterministic():
    """Two real builds (build() itself is kept per spec: spec.rebuild() drops it) give the same bytes."""
    assert template.build.__wrapped__("enterprise") == template.build.__wrapped__("enterprise") == template.build("enterprise")


def test_lint_finds_no_excel_limit_violation(tmp_path):
    for kind in spec.KINDS:
        p = tmp_path / template.filename(kind)
        p.write_bytes(template.build(kind))
        assert lint_xlsx(p) == []


def test_every_input_has_name_validation_prompt_and_stop_alert(built):
    kind, data, wb = built
    form, lay = spec.form(kind), spec.layout(kind)
    names = wb.defined_names
    for f in form.fields:
        dn = names[f.name]
        (sheet, ref), = list(dn.destinations)
        assert sheet == lay.sheet_title[f.sheet] and ref.replace("$", "") == f.cell
        ws = wb[sheet]
        dvs = [dv for dv in ws.data_validations.dataValidation if f.cell in dv.sqref]
        assert len(dvs) == 1, f.id
        dv = dvs[0]
        assert dv.showErrorMessage and dv.showInputMessage, f.id
        assert dv.errorStyle == "stop" and dv.prompt and dv.error and dv.promptTitle and dv.errorTitle
        assert ws[f.cell].protection.locked is False, f.id
        if f.type == "choice":
            assert dv.type == "list" and dv.formula1 == "L_" + f.choices
        elif f.type == "multichoice":                  # several items: no dropdown, the named rule
            assert dv.type == "custom" and dv.formula1 == "A_" + f.id


def test_lists_behind_names_on_a_hidden_sheet(built):
    kind, data, wb = built
    form = spec.form(kind)
    for key, values in form.lists.items():
        (sheet, ref), = list(wb.defined_names["L_" + key].destinations)
        assert wb[sheet].sheet_state == "hidden"
        cells = [c.value for row in wb[sheet][ref.replace("$", "")] for c in row]
        assert cells == list(values)
    assert wb["_meta"].sheet_state == "veryHidden"


def test_labels_locked_and_sheets_protected(built):
    kind, data, wb = built
    form, lay = spec.form(kind), spec.layout(kind)
    for t in form.texts:
        assert wb[lay.sheet_title[t.sheet]][t.cell].protection.locked is not False
    for s in form.sheets:
        assert wb[s.title].protection.sheet, s.title


def test_meta_identifies_kind_version_and_hash(built):
    kind, data, wb = built
    meta = {r[0].value: r[1].value for r in wb["_meta"].iter_rows()}
    assert meta["kind"] == kind
    assert meta["template_version"] == spec.template_version(kind)
    assert meta["spec_hash"] == spec.spec_hash(kind)


def test_required_fields_are_highlighted_when_missing(built):
    """Highlights read the field's state on the 自检 sheet (invalid, normalised, missing)."""
    kind, data, wb = built
    form, lay = spec.form(kind), spec.layout(kind)
    for f in form.fields:
        ws = wb[lay.sheet_title[f.sheet]]
        formulas = [r.formula[0] for cf in ws.conditional_formatting for r in cf.rules
                    if f.cell in str(cf.sqref).split(":")[0].split()]
        state = spec.state_name(f.id)
        assert "%s=1" % state in formulas and "%s=3" % state in formulas, f.id
        if f.required or f.required_if:
            assert "%s=2" % state in formulas, f.id
        dn = wb.defined_names[state]
        (sheet, ref), = list(dn.destinations)
        assert sheet == lay.sheet_title["self"] and ref.replace("$", "") == "%s%d" % (lay.STATE_COL, lay.field_rows[f.id])


def test_no_future_functions_or_extensions(built):
    kind, data, wb = built
    z = zipfile.ZipFile(io.BytesIO(data))
    for name in z.namelist():
        body = z.read(name)
        assert b"_xlfn." not in body and b"x14:" not in body, name
        assert not re.search(rb"&#\d{4,};", body), name   # Chinese written as text, not NCRs


def test_counters_for_long_texts(built):
    kind, data, wb = built
    form, lay = spec.form(kind), spec.layout(kind)
    for f in form.fields:
        if f.type == "longtext":
            assert f.counter, f.id
            assert wb[lay.sheet_title[f.sheet]][f.counter].value.startswith("=LEN(%s)" % f.cell)


def test_spec_refuses_to_compile_past_an_excel_limit(monkeypatch):
    import dataclasses
    form = spec.form("platform")
    long_help = "很" * 300
    bad = dataclasses.replace(form.fields[0], help=long_help)
    monkeypatch.setattr(spec, "form", lambda kind: dataclasses.replace(form, fields=(bad,) + form.fields[1:]))
    with pytest.raises(SpecError, match="prompt has"):
        spec.compile_checks("platform")


# -- the data dictionary --------------------------------------------------------------------

ANNEX5_LABELS = ("企业名称", "法定代表人", "统一社会信用代码", "从业人数", "注册时间", "注册资本", "企业规模", "企业类型",
                 "所属行业", "具体细分领域", "主导产品类别编码", "主导产品类别名称", "主导产品名称",
                 "是否属于工业“四基”重点领域", "“四基”具体领域", "是否填补国内或国际空白",
                 "填补空白的具体领域及技术先进性说明", "是否关键领域补短板", "补短板的具体领域和环节")


def test_fields_json_lists_every_field(capsys):
    assert cli_main(["fields", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    ent = {f["label"]: f for f in d["fields"] if f["kind"] == "enterprise"}
    for label in ANNEX5_LABELS:
        assert label in ent, label
    assert sum(1 for f in ent if f.startswith("企业简介·")) == 3
    ids = {f["id"] for f in d["fields"] if f["kind"] == "enterprise"}
    for iid, _, _, _, extra in INDICATORS:
        periods = ("base",) if extra.get("base_only") else ("base", "y1", "y2")
        for p in periods:
            assert "%s_%s" % (iid, p) in ids
    indicator_fields = [f for f in d["fields"] if f["kind"] == "enterprise" and f["indicator"]]
    expected = sum(1 if extra.get("base_only") else len(spec.PERIODS) for *_, extra in INDICATORS)
    assert len(indicator_fields) == expected and all(f["form_part"] == "附件6" for f in indicator_fields)
    assert {"batch", "advanced_desc"} <= ids          # 附件3
    plat = {f["id"] for f in d["fields"] if f["kind"] == "platform"}
    assert {"platform_name", "intro", "cert_doc_no", "served_firms", "served_times",
            "goal_y1_qual", "goal_y2_quant", "svc_cloud"} <= plat
    for f in d["fields"]:
        assert f["name"] == "F_" + f["id"] and f["sheet"] and f["cell"] and f["rules"]["validation"]["type"]
    for kind in spec.KINDS:
        outs = [o for o in d["selfcheck"] if o["kind"] == kind]
        assert [o["id"] for o in outs] == [c.id for c in spec.form(kind).conditions] + ["overall"]
        for o in outs:
            assert o["texts"]["pass"].startswith("✔") and o["texts"]["fail"].startswith("✘")


def test_fields_text_output_has_a_row_per_field(capsys):
    assert cli_main(["fields"]) == 0
    fields_part, selfcheck_part = capsys.readouterr().out.split("\n\n")
    d = data_dictionary()
    assert len(fields_part.splitlines()) == len(d["fields"])
    assert len(selfcheck_part.splitlines()) == len(d["selfcheck"])


def test_templates_command_writes_both(tmp_path):
    assert cli_main(["templates", "-o", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(template.filename(k) for k in spec.KINDS)


def _cells(data):
    wb = load_workbook(io.BytesIO(data))
    return ({ws.title: {c.coordinate: c.value for row in ws.iter_rows() for c in row if c.value is not None}
             for ws in wb.worksheets}, sorted((n, d.attr_text) for n, d in wb.defined_names.items()))


@pytest.mark.parametrize("kind", spec.KINDS)
def test_build_does_not_depend_on_openpyxl_being_imported_first(kind, tmp_path):
    """openpyxl imported before sjtx_xl (a notebook that read an .xlsx with pandas first) writes
    through lxml: empty <v></v> and Chinese as character references. The template is the same."""
    import os
    import subprocess
    import sys
    out = tmp_path / "t.xlsx"
    env = {k: v for k, v in os.environ.items() if k != "OPENPYXL_LXML"}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[1])
    code = ("import sys, openpyxl; assert openpyxl.LXML, 'lxml writer expected'; from sjtx_xl import template; "
            "open(sys.argv[1], 'wb').write(template.build(%r))" % kind)
    subprocess.run([sys.executable, "-c", code, str(out)], check=True, env=env, timeout=120)
    data = out.read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        refs = [r for n in z.namelist() if n.endswith(".xml") and not n.startswith("xl/theme/")  # openpyxl's constant
                for r in re.findall(rb"&#(x[0-9a-fA-F]+|\d+);", z.read(n))]
    assert all((int(r[1:], 16) if r[:1] == b"x" else int(r)) < 128 for r in refs)   # UTF-8 text, no &#20225;
    assert _cells(data) == _cells(template.build(kind))
    path = tmp_path / "lint.xlsx"
    path.write_bytes(data)
    assert not lint_xlsx(path)


# LibreOffice expands a defined name into each formula that uses it; a formula whose expansion
# passes its token limit (FORMULA_MAXTOKENS) fails with Err:512 in Calc only.
LO_MAX_FORMULA_TOKENS = 8192


@pytest.mark.parametrize("kind", spec.KINDS)
def test_no_formula_passes_libreoffices_token_limit_once_names_are_expanded(kind):
    """Counted with openpyxl's tokenizer, which overcounts (each item of an array constant is a
    token here, one token in Calc): every named formula and cell formula stays under the limit."""
    import functools

    from openpyxl.formula import Tokenizer

    wb = load_workbook(io.BytesIO(template.build(kind)))
    names = {n: d.attr_text for n, d in wb.defined_names.items() if not n.startswith("_xlnm")}

    @functools.lru_cache(None)
    def expanded(name):
        return tokens(names[name])

    def tokens(text):
        return sum(expanded(t.value) if t.type == "OPERAND" and t.subtype == "RANGE" and t.value in names else 1
                   for t in Tokenizer("=" + text).items)

    counts = {n: expanded(n) for n in names}
    counts.update(("%s!%s" % (ws.title, c.coordinate), tokens(c.value[1:])) for ws in wb.worksheets
                  for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith("="))
    worst = max(counts, key=counts.get)
    assert counts[worst] < LO_MAX_FORMULA_TOKENS, (worst, counts[worst])
    assert counts[worst] > 1000                      # the count does see the names' expansion
