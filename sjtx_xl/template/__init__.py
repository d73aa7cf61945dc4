"""Compile a spec form into a macro-free .xlsx template (openpyxl).

One public entry, `build(kind) -> bytes`; `write_templates(dir)` writes both. The bytes are
deterministic (fixed zip timestamps and document dates), so the committed templates can be
compared with a fresh build.
"""
import datetime as _dt
import io
import re
import zipfile
from pathlib import Path

from .. import __version__, spec
from ..fsutil import atomic_write_bytes
from ..rules import (FIELD_RULES, OVERALL_TEXT, VERDICT_TEXT, ShareRule, _required_if_excel,
                     overall_excel, size_rows, verdict_excel)
from . import printing, styles

FIXED_TIME = _dt.datetime(2021, 7, 23, 0, 0, 0)
GUIDE_TITLE_ROWS = 2


def _split(cell):
    col = "".join(c for c in cell if c.isalpha())
    return col, int(cell[len(col):])


def _formula(tpl, names):
    return tpl.format_map(names)


class _Compiler:
    def __init__(self, kind):
        from openpyxl import Workbook  # late: openpyxl only when a template is built (start-up time)
        spec.compile_checks(kind)
        self.form = spec.form(kind)
        self.lay = spec.layout(kind)
        self.wb = Workbook()
        self.wb.remove(self.wb.active)
        self.ws = {}
        for s in self.form.sheets:
            ws = self.wb.create_sheet(s.title)
            self.ws[s.key] = ws
            for col, width in s.widths:
                ws.column_dimensions[col].width = width
            if s.hidden:
                ws.sheet_state = "veryHidden" if s.key == "meta" else "hidden"

    # -- assemble -------------------------------------------------------------------------
    def run(self):
        self.defined_names()
        self.lists_sheet()
        self.meta_sheet()
        self.guide_sheet()
        for t in self.form.texts:
            self.text(t)
        for fl in self.form.fields:
            self.field(fl)
        for x in self.form.formulas:
            self.formula_cell(x)
        self.selfcheck_sheet()
        self.page_setup()
        self.cached = printing.apply(self.form, self.ws)
        self.wb.active = 1
        return self.wb

    def name(self, name, ref):
        from openpyxl.workbook.defined_name import DefinedName  # late: openpyxl (start-up time)
        self.wb.defined_names[name] = DefinedName(name, attr_text=ref)

    def defined_names(self):
        for fl in self.form.fields:
            self.name(fl.name, self.lay.ref(fl.sheet, fl.cell))
        for key in self.form.lists:
            self.name("L_" + key, self.lay.list_ref(key))
        self.name("L_uscc_charset", self.lay.ref("lists", self.lay.charset_cell))
        for key, col in self.lay.size_cols.items():
            self.name("L_size_" + key, self.lay.column_ref(col, len(size_rows())))
        for i, (h, _) in enumerate(self.lay.helpers):
            self.name(h, self.lay.ref("self", self.lay.helper_cell(i)))
        for c in self.form.conditions:
            self.name(c.name, self.lay.ref("self", "%s%d" % (self.lay.VALUE_COL, self.lay.condition_rows[c.id])))
        self.name("R_overall", self.lay.ref("self", "%s%d" % (self.lay.VALUE_COL, self.lay.overall_row)))

    def lists_sheet(self):
        ws = self.ws["lists"]
        for key, values in self.form.lists.items():
            col, _ = self.lay.lists[key]
            ws["%s1" % col] = key
            for i, v in enumerate(values):
                ws["%s%d" % (col, i + 2)] = v
        col, _ = _split(self.lay.charset_cell)
        ws["%s1" % col] = "uscc_charset"
        ws[self.lay.charset_cell] = spec.charset()
        if self.lay.size_cols:
            rows = size_rows()
            for key, col in self.lay.size_cols.items():
                ws["%s1" % col] = "size_" + key
                for i, (code, limits) in enumerate(sorted(rows.items())):
                    ws["%s%d" % (col, i + 2)] = code if key == "code" else limits[key]
        ws.protection.sheet = True

    def meta_sheet(self):
        ws = self.ws["meta"]
        values = {"kind": self.form.kind, "template_version": spec.template_version(self.form.kind),
                  "spec_hash": spec.spec_hash(self.form.kind), "generator": "sjtx-xl " + __version__,
                  "notice": "吉工信办联〔2021〕34号"}
        for i, key in enumerate(spec.META_KEYS):
            ws.cell(i + 1, 1, key)
            ws.cell(i + 1, 2, values[key])
        ws.protection.sheet = True

    def guide_sheet(self):
        ws = self.ws["guide"]
        ws["A1"] = self.form.title + "·填报说明"
        styles.apply(ws["A1"], "title")
        ws.merge_cells("A1:B1")
        ws.row_dimensions[1].height = 30
        for i, line in enumerate(self.form.instructions):
            r = GUIDE_TITLE_ROWS + 1 + i
            ws.cell(r, 1, "%d." % (i + 1))
            ws.cell(r, 2, line)
            styles.apply(ws.cell(r, 1), "guide")
            styles.apply(ws.cell(r, 2), "guide")
            ws.row_dimensions[r].height = 15 * (1 + len(line) // 55)
        ws.protection.sheet = True

    def text(self, t):
        ws = self.ws[t.sheet]
        ws[t.cell] = t.text
        styles.apply(ws[t.cell], t.style)
        if t.span:
            self._merge(ws, t.span, t.style)
        if t.style == "title":
            ws.row_dimensions[_split(t.cell)[1]].height = 36

    def _merge(self, ws, span, role):
        ws.merge_cells(span)
        first, last = span.split(":")
        (c1, r1), (c2, r2) = _split(first), _split(last)
        from openpyxl.utils import column_index_from_string as ci  # late: openpyxl (start-up time)
        for r in range(r1, r2 + 1):
            for c in range(ci(c1), ci(c2) + 1):
                if "border" in styles.ROLES[role]:
                    ws.cell(r, c).border = styles.ROLES[role]["border"]

    def field(self, fl):
        from openpyxl.formatting.rule import Rule  # late: openpyxl (start-up time)
        from openpyxl.worksheet.datavalidation import DataValidation
        ws = self.ws[fl.sheet]
        cell = ws[fl.cell]
        role = "longinput" if fl.type == "longtext" else "input"
        styles.apply(cell, role)
        cell.protection = styles.UNLOCKED
        if fl.type in ("uscc", "product_code", "text", "longtext", "product_name"):
            cell.number_format = "@"
        elif fl.type == "date":
            cell.number_format = "yyyy-mm-dd"
        if fl.span:
            self._merge(ws, fl.span, role)
        row = _split(fl.cell)[1]
        if fl.type == "longtext" and fl.max_len > 100:
            ws.row_dimensions[row].height = 120
        elif fl.type == "longtext" or fl.type == "product_name":
            ws.row_dimensions[row].height = 45
        rule = FIELD_RULES[fl.type]
        ref = fl.cell
        dv_args = rule.validation(fl, ref, self.lay.names)
        texts = spec.prompt_texts(fl)
        dv = DataValidation(showErrorMessage=True, showInputMessage=True, errorStyle="stop", allow_blank=True,
                            **texts, **dv_args)
        dv.add(fl.cell)
        ws.add_data_validation(dv)
        target = fl.span or fl.cell
        invalid = "AND(LEN(%s)>0,NOT(%s))" % (ref, rule.valid_formula(fl, ref, self.lay.names))
        ws.conditional_formatting.add(target, Rule(type="expression", dxf=styles.CF_INVALID, formula=[invalid],
                                                   stopIfTrue=True))
        if fl.type == "share":
            ws.conditional_formatting.add(target, Rule(type="expression", dxf=styles.CF_FRACTION,
                                                       formula=[ShareRule.fraction_formula(ref)], stopIfTrue=True))
        if fl.required or fl.required_if:
            missing = "LEN(%s)=0" % ref
            if fl.required_if:
                missing = "AND(%s,%s)" % (missing, _formula(_required_if_excel(fl), self.lay.names))
            ws.conditional_formatting.add(target, Rule(type="expression", dxf=styles.CF_MISSING, formula=[missing]))
        if fl.counter:   # parts sharing a budget show their own length; the total has its own cell
            own = "LEN(%s)" % fl.cell
            ws[fl.counter] = '=%s&"/%d字"' % (own, fl.max_len) if not fl.total_with else '=%s&"字"' % own
            styles.apply(ws[fl.counter], "counter")

    def formula_cell(self, x):
        ws = self.ws[x.sheet]
        ws[x.cell] = _formula(x.formula, self.lay.names)
        styles.apply(ws[x.cell], x.style)
        if x.span and ":" in x.span:
            self._merge(ws, x.span, x.style)

    def selfcheck_sheet(self):
        from openpyxl.formatting.rule import Rule  # late: openpyxl (start-up time)
        ws, lay, names = self.ws["self"], self.lay, self.lay.names
        first, last = lay.NO_COL, lay.LAST_COL
        ws[first + "1"] = "申报条件自检（%s，实时计算，仅供参考）" % self.form.title
        styles.apply(ws[first + "1"], "title")
        ws.merge_cells("%s1:%s1" % (first, last))
        ws[first + "2"] = "依据吉工信办联〔2021〕34号 三、申报条件。✔符合 / ✘不符合 / …待填写（相关数据未填或不是数字）。最终以主管部门审核为准。"
        styles.apply(ws[first + "2"], "note")
        ws.merge_cells("%s2:%s2" % (first, last))
        shown = (lay.NO_COL, lay.LABEL_COL, lay.CLAUSE_COL, lay.VERDICT_COL, lay.DETAIL_COL)
        for col, head in zip(shown, ("序号", "条件", "依据", "结果", "说明")):
            cell = "%s%d" % (col, lay.HEADER_ROW)
            ws[cell] = head
            styles.apply(ws[cell], "header")
        for i, c in enumerate(self.form.conditions):
            r = lay.condition_rows[c.id]
            value, verdict = "%s%d" % (lay.VALUE_COL, r), "%s%d" % (lay.VERDICT_COL, r)
            for col, text in ((lay.NO_COL, i + 1), (lay.LABEL_COL, c.label), (lay.CLAUSE_COL, c.clause),
                              (lay.DETAIL_COL, c.detail)):
                ws["%s%d" % (col, r)] = text
            for col in (lay.NO_COL, lay.LABEL_COL, lay.CLAUSE_COL, lay.DETAIL_COL):
                styles.apply(ws["%s%d" % (col, r)], "label")
            ws[value] = "=" + c.rule.excel(names)
            ws[verdict] = "=" + verdict_excel(value)
            styles.apply(ws[verdict], "verdict")
            ws.row_dimensions[r].height = 32
        r = lay.overall_row
        ws["%s%d" % (lay.LABEL_COL, r)] = "总体结论"
        styles.apply(ws["%s%d" % (lay.LABEL_COL, r)], "header")
        value, verdict = "%s%d" % (lay.VALUE_COL, r), "%s%d" % (lay.VERDICT_COL, r)
        ws[value] = "=" + overall_excel([c.name for c in self.form.conditions])
        ws[verdict] = "=" + verdict_excel(value, OVERALL_TEXT)
        ws.merge_cells("%s:%s%d" % (verdict, lay.DETAIL_COL, r))
        styles.apply(ws[verdict], "verdict")
        ws.row_dimensions[r].height = 30
        top = "%s%d" % (lay.VERDICT_COL, lay.SELF_FIRST_ROW)
        verdicts = "%s:%s" % (top, verdict)
        for text, dxf in ((VERDICT_TEXT[1][0], styles.CF_PASS), (VERDICT_TEXT[0][0], styles.CF_FAIL),
                          (VERDICT_TEXT[0.5][0], styles.CF_PENDING)):
            ws.conditional_formatting.add(verdicts, Rule(type="expression", dxf=dxf,
                                                         formula=['LEFT(%s,1)="%s"' % (top, text)]))
        info = self.info_rows()
        for i, (label, formula) in enumerate(info):
            rr = lay.info_first_row + i
            ws["%s%d" % (lay.LABEL_COL, rr)] = label
            styles.apply(ws["%s%d" % (lay.LABEL_COL, rr)], "label")
            ws["%s%d" % (lay.VERDICT_COL, rr)] = formula
            styles.apply(ws["%s%d" % (lay.VERDICT_COL, rr)], "echo")
        for i, (h, tpl) in enumerate(lay.helpers):
            cell = lay.helper_cell(i)
            ws["%s%d" % (lay.HELPER_COLS[0], _split(cell)[1])] = h
            ws[cell] = "=" + _formula(tpl, names)
        for col in lay.HIDDEN_COLS:
            ws.column_dimensions[col].hidden = True
        ws.protection.sheet = True

    def info_rows(self):
        names = self.lay.names
        rows = []
        if "H_size_class" in names:
            rows.append(("按划型标准测算的企业规模",
                         '=IF(H_size_class="na","无法按2位行业代码判定，请人工核对",IF(H_size_class="pending","待填写",H_size_class))'))
        rows.append(("未填写的必填项数", "=H_missing"))
        shares = [f for f in self.form.fields if f.type == "share"]
        if shares:
            rows.append(("疑似把百分数填成小数的比重项数",
                         "=" + "+".join("(%s)" % ShareRule.fraction_formula(f.name) for f in shares)))
        return rows

    def page_setup(self):
        from openpyxl.worksheet.properties import PageSetupProperties  # late: openpyxl (start-up time)
        for s in self.form.sheets:
            ws = self.ws[s.key]
            if s.hidden:
                continue
            ws.page_setup.paperSize = ws.PAPERSIZE_A4
            ws.page_setup.orientation = "landscape" if s.landscape else "portrait"
            ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
            ws.page_setup.fitToWidth = 1
            ws.page_setup.fitToHeight = 0
            ws.print_options.horizontalCentered = True
            ws.page_margins.left = ws.page_margins.right = 0.5
            if s.print_title_rows:
                ws.print_title_rows = s.print_title_rows
            if s.protect:
                ws.protection.sheet = True
                ws.protection.formatRows = False       # let users make rows taller for long text
                ws.protection.selectLockedCells = False
            ws.sheet_view.showGridLines = False


def build(kind):
    """The template of `kind` as deterministic .xlsx bytes."""
    compiler = _Compiler(kind)
    wb = compiler.run()
    wb.properties.creator = "sjtx-xl"
    wb.properties.title = spec.form(kind).title
    wb.properties.created = FIXED_TIME
    buf = io.BytesIO()
    wb.save(buf)
    return _deterministic(printing.with_cached_values(buf.getvalue(), compiler.cached))


def _deterministic(data):
    """Rewrite the zip with fixed member times and a fixed modified date in docProps/core.xml."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                              rb"\g<1>" + stamp.encode() + rb"\g<2>", body)
            zi = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, body)
    return out.getvalue()


def filename(kind):
    return spec.form(kind).filename


def write_templates(out_dir="templates"):
    out = []
    for kind in spec.KINDS:
        out.append(atomic_write_bytes(Path(out_dir) / filename(kind), build(kind)))
    return out
