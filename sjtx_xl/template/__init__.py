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

from .. import __version__, limits, spec, vocab
from ..fsutil import atomic_write_bytes
from ..rules import (FIELD_INVALID, FIELD_MISSING, FIELD_NORMALISED, FIELD_RULES, FIELD_STATE_TEXT,
                     NATIVE_VALIDATION, ShareRule, acceptable_excel, acceptance_name, data_validation,
                     field_state_excel, field_steps, overall_excel, overall_verdict_excel, NothingMissing,
                     SizeMatches, size_rows, verdict_excel)
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
        self.name("R_verdict", self.lay.ref("self", "%s%d" % (self.lay.VERDICT_VALUE_COL, self.lay.overall_row)))
        for fl in self.form.fields:
            r = self.lay.field_rows[fl.id]
            self.name(spec.norm_name(fl.id), self.lay.ref("self", "%s%d" % (self.lay.NORM_COL, r)))
            self.name(spec.state_name(fl.id), self.lay.ref("self", "%s%d" % (self.lay.STATE_COL, r)))
            for name, formula in field_steps(fl):       # the normalisation, step by step (rules.FieldRule.steps)
                self.name(name, formula)
            if fl.type not in NATIVE_VALIDATION:
                self.name(acceptance_name(fl.id), acceptable_excel(fl, fl.name, self.lay.names))

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
        if fl.type in ("uscc", "product_code", "text", "longtext", "product_name", "multichoice"):
            cell.number_format = "@"
        elif fl.type == "date":
            cell.number_format = "yyyy-mm-dd"
        elif fl.type in ("int", "decimal"):
            cell.number_format = styles.PLAIN_NUMBER
        if fl.span:
            self._merge(ws, fl.span, role)
        row = _split(fl.cell)[1]
        if fl.type == "longtext" and fl.max_len > 100:
            ws.row_dimensions[row].height = 120
        elif fl.type == "longtext" or fl.type == "product_name":
            ws.row_dimensions[row].height = 45
        ref = fl.cell
        dv_args = data_validation(fl, ref, self.lay.names)
        texts = spec.prompt_texts(fl)
        dv = DataValidation(showErrorMessage=True, showInputMessage=True, errorStyle="stop", allow_blank=True,
                            **texts, **dv_args)
        dv.add(fl.cell)
        ws.add_data_validation(dv)
        # highlights read the field's state on the 自检 sheet (rules.field_state_excel), so the cell,
        # the 自检 and `check` agree on what breaks a rule, what is missing and what will be normalised
        target, state = fl.span or fl.cell, spec.state_name(fl.id)

        def highlight(formula, dxf):
            ws.conditional_formatting.add(target, Rule(type="expression", dxf=dxf, formula=[formula], stopIfTrue=True))

        highlight("%s=%d" % (state, FIELD_INVALID), styles.CF_INVALID)
        if fl.type == "share":
            highlight(ShareRule.fraction_formula(spec.norm_name(fl.id)), styles.CF_FRACTION)
        highlight("%s=%d" % (state, FIELD_NORMALISED), styles.CF_NORMALISED)
        if fl.required or fl.required_if:
            highlight("%s=%d" % (state, FIELD_MISSING), styles.CF_MISSING)
        if fl.type == "share":    # last: a highlight that applies stops it (Excel) or wins (Calc) alike
            highlight(ShareRule.shown_plain_formula(fl.name), styles.CF_PLAIN_SHARE)
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
        ws, lay = self.ws["self"], self.lay
        names = lay.cond_names
        first, last = lay.NO_COL, lay.LAST_COL

        def put(col, row, value, role=None):
            ws["%s%d" % (col, row)] = value
            if role:
                styles.apply(ws["%s%d" % (col, row)], role)

        put(first, 1, "申报条件自检（%s，实时计算，仅供参考）" % self.form.title, "title")
        ws.merge_cells("%s1:%s1" % (first, last))
        put(first, 2, "依据吉工信办联〔2021〕34号 三、申报条件。✔符合 / ✘不符合 / …待填写（相关数据未填或不是数字）；"
                      "总体结论：符合 / 待更正（有未填、填写有误或可更正的项）/ 不符合。最终以主管部门审核为准。", "note")
        ws.merge_cells("%s2:%s2" % (first, last))
        shown = (lay.NO_COL, lay.LABEL_COL, lay.CLAUSE_COL, lay.VERDICT_COL, lay.FACTS_COL, lay.DETAIL_COL)
        for col, head in zip(shown, ("序号", "条件", "依据", "结果", "填报数值", "说明")):
            put(col, lay.HEADER_ROW, head, "header")
        info = {fid: (_short(fl.label), fl.unit if fl.type in ("int", "decimal", "share", "rate") else "")
                for fid, fl in ((f.id, f) for f in self.form.fields)}
        for i, c in enumerate(self.form.conditions):
            r = lay.condition_rows[c.id]
            value = "%s%d" % (lay.VALUE_COL, r)
            for col, text in ((lay.NO_COL, i + 1), (lay.LABEL_COL, c.label), (lay.CLAUSE_COL, c.clause),
                              (lay.DETAIL_COL, c.detail)):
                put(col, r, text, "label")
            ws[value] = "=" + c.rule.excel(names)
            put(lay.VERDICT_COL, r, "=" + verdict_excel(value), "verdict")
            put(lay.FACTS_COL, r, "=" + c.rule.facts_excel(names, info), "label")
            ws.row_dimensions[r].height = self.facts_height(c, info)
        states = lay.field_range(lay.STATE_COL)
        r = lay.valid_row                           # 填写规范: every filled value meets its rule
        value = "%s%d" % (lay.VALUE_COL, r)
        ws[value] = "=IF(COUNTIF(%s,%d)=0,1,0)" % (states, FIELD_INVALID)
        for col, text in ((lay.NO_COL, len(self.form.conditions) + 1), (lay.LABEL_COL, "填写规范"),
                          (lay.CLAUSE_COL, "六、填报要求"), (lay.DETAIL_COL, "所填内容均符合单元格的填写要求（含粘贴的内容）")):
            put(col, r, text, "label")
        put(lay.VERDICT_COL, r, "=" + verdict_excel(value), "verdict")
        put(lay.FACTS_COL, r, '=IF(%s=1,"无填写有误的项",COUNTIF(%s,%d)&"项不符合填写要求，见下方清单")'
            % (value, states, FIELD_INVALID), "label")
        ws.row_dimensions[r].height = 32
        r = lay.overall_row
        put(lay.LABEL_COL, r, "总体结论", "header")
        ws["%s%d" % (lay.VALUE_COL, r)] = "=" + overall_excel([c.name for c in self.form.conditions])
        verdict_value = "%s%d" % (lay.VERDICT_VALUE_COL, r)
        ws[verdict_value] = "=" + overall_verdict_excel(
            [(c.name, c.correctable, [spec.state_name(fid) for fid in sorted(c.rule.fields())],
              [ShareRule.fraction_formula(spec.norm_name(fid)) for fid in sorted(c.rule.fields())
               if self.form.field(fid).type == "share"])                # verdicts.SUSPECT_VALUE's twin
             for c in self.form.conditions], states)
        text = {1: vocab.VERDICT_TEXT[vocab.ELIGIBLE], 0.5: vocab.VERDICT_TEXT[vocab.CORRECTABLE],
                0: vocab.VERDICT_TEXT[vocab.INELIGIBLE]}
        put(lay.VERDICT_COL, r, '=IF(%s=1,"%s",IF(%s=0,"%s","%s"))' % (verdict_value, text[1], verdict_value, text[0],
                                                                      text[0.5]), "verdict")
        put(lay.FACTS_COL, r, '=IF(%s=1,"各项申报条件均符合",IF(%s=0,"有不符合的申报条件（见上表✘）",'
                              '"请补全或更正下方清单中的项，或核对上表中✘/…的条件"))' % (verdict_value, verdict_value), "label")
        ws.merge_cells("%s%d:%s%d" % (lay.FACTS_COL, r, lay.DETAIL_COL, r))
        ws.row_dimensions[r].height = 30
        top = "%s%d" % (lay.VERDICT_COL, lay.SELF_FIRST_ROW)
        verdicts = "%s:%s%d" % (top, lay.VERDICT_COL, r)
        for mark, dxf in (("✔", styles.CF_PASS), ("✘", styles.CF_FAIL), ("…", styles.CF_PENDING), ("△", styles.CF_PENDING)):
            ws.conditional_formatting.add(verdicts, Rule(type="expression", dxf=dxf,
                                                         formula=['LEFT(%s,1)="%s"' % (top, mark)]))
        for i, (label, formula) in enumerate(self.info_rows(states)):
            rr = lay.info_first_row + i
            put(lay.LABEL_COL, rr, label, "label")
            put(lay.VERDICT_COL, rr, formula, "echo")
            ws.merge_cells("%s%d:%s%d" % (lay.VERDICT_COL, rr, lay.DETAIL_COL, rr))
        for i, (h, tpl) in enumerate(lay.helpers):
            cell = lay.helper_cell(i)
            ws["%s%d" % (lay.HELPER_COLS[0], _split(cell)[1])] = h
            ws[cell] = "=" + _formula(tpl, names)
        self.field_table(ws, put)
        for col in lay.HIDDEN_COLS:
            ws.column_dimensions[col].hidden = True
        # an aid, not an official page: only the verdicts print (values and the list are on screen)
        ws.print_area = "%s1:%s%d" % (lay.NO_COL, lay.VERDICT_COL, lay.overall_row)
        ws.protection.sheet = True

    def facts_height(self, c, info):
        """A row height that fits the longest text the 填报数值 formula can show (printing measures
        static text only): every field at its widest value, with a comparison."""
        widest = []
        for fid in sorted(c.rule.fields()):
            fl = self.form.field(fid)
            value = max(self.form.lists[fl.choices], key=len) if fl.choices else "X" * min(fl.max_len or 18, 24)
            widest.append("%s %s%s ≥ 100%s，之和 99999 ≥ 9" % (info[fid][0], value, info[fid][1], info[fid][1]))
        text = "；".join(widest)
        if isinstance(c.rule, SizeMatches):
            text = "按划型标准测算为（无法按2位行业代码判定），填报为（未填）"
        elif isinstance(c.rule, NothingMissing):
            text = "未填999项，见下方清单"
        widths = [w for col, w in self.form.sheet("self").widths if col == self.lay.FACTS_COL]
        return min(limits.MAX_ROW_HEIGHT_PT, max(32, printing.height_pt(printing.wrapped_lines(text, widths, 10.5), 10.5)))

    def field_table(self, ws, put):
        """One hidden row per field (normalised value, state, running count, label, place, link) and,
        on the same rows, the visible list of the fields to fix, picked by MATCH on the running count."""
        lay = self.lay
        put(lay.NO_COL, lay.list_head_row, "需要补全或更正的项（点击位置可跳转到该单元格）", "section")
        ws.merge_cells("%s%d:%s%d" % (lay.NO_COL, lay.list_head_row, lay.LAST_COL, lay.list_head_row))
        for col, head in zip((lay.NO_COL, lay.LABEL_COL, lay.CLAUSE_COL, lay.VERDICT_COL, lay.FACTS_COL),
                             ("序号", "项目", "位置", "状态", "填写要求")):
            put(col, lay.list_head_row + 1, head, "header")
        ws.merge_cells("%s%d:%s%d" % (lay.FACTS_COL, lay.list_head_row + 1, lay.DETAIL_COL, lay.list_head_row + 1))
        col = lambda c: lay.field_range(c)                              # noqa: E731
        for i, fl in enumerate(self.form.fields):
            r = lay.field_rows[fl.id]
            sheet = lay.sheet_title[fl.sheet]
            put(lay.NORM_COL, r, "=" + FIELD_RULES[fl.type].normal_formula(fl, fl.name, lay.names))
            put(lay.STATE_COL, r, "=" + field_state_excel(fl, fl.name, spec.norm_name(fl.id), lay.cond_names))
            prev = "%s%d" % (lay.COUNT_COL, r - 1) if i else "0"
            put(lay.COUNT_COL, r, "=IF(%s%d>0,1,0)+%s" % (lay.STATE_COL, r, prev))
            put(lay.PICK_COL, r, "=IFERROR(MATCH(%d,%s,0),0)" % (i + 1, col(lay.COUNT_COL)))
            put(lay.NAME_COL, r, _short(fl.label))
            put(lay.WHERE_COL, r, "%s!%s" % (sheet, fl.cell))
            put(lay.LINK_COL, r, "#%s" % lay.ref(fl.sheet, fl.cell).replace("$", ""))
            put(lay.HINT_COL, r, spec.prompt_texts(fl)["error"][:200])
            pick = "%s%d" % (lay.PICK_COL, r)
            put(lay.NO_COL, r, '=IF(%s>0,%d,"")' % (pick, i + 1), "listitem")
            put(lay.LABEL_COL, r, '=IF(%s>0,INDEX(%s,%s),"")' % (pick, col(lay.NAME_COL), pick), "listitem")
            put(lay.CLAUSE_COL, r, '=IF(%s>0,HYPERLINK(INDEX(%s,%s),INDEX(%s,%s)),"")'
                % (pick, col(lay.LINK_COL), pick, col(lay.WHERE_COL), pick), "listitem")
            put(lay.VERDICT_COL, r, '=IF(%s>0,CHOOSE(INDEX(%s,%s),"%s","%s","%s"),"")'
                % (pick, col(lay.STATE_COL), pick, FIELD_STATE_TEXT[FIELD_INVALID], FIELD_STATE_TEXT[FIELD_MISSING],
                   FIELD_STATE_TEXT[FIELD_NORMALISED]), "listitem")
            put(lay.FACTS_COL, r, '=IF(%s>0,INDEX(%s,%s),"")' % (pick, col(lay.HINT_COL), pick), "listitem")
            ws.merge_cells("%s%d:%s%d" % (lay.FACTS_COL, r, lay.DETAIL_COL, r))

    def info_rows(self, states):
        lay, form = self.lay, self.form
        names = lay.cond_names
        rows = []
        if "H_size_class" in names:
            rows.append(("按划型标准测算的企业规模",
                         '=IF(H_size_class="na","无法按2位行业代码判定，请人工核对",IF(H_size_class="pending","待填写",H_size_class))'))
        sheet_col = lay.field_range(lay.WHERE_COL)
        per_sheet = "&".join(
            'IF(COUNTIFS(%s,%d,%s,"%s!*")>0,"%s "&COUNTIFS(%s,%d,%s,"%s!*")&"项  ","")'
            % (states, FIELD_MISSING, sheet_col, lay.sheet_title[k], lay.sheet_title[k], states, FIELD_MISSING,
               sheet_col, lay.sheet_title[k])
            for k in dict.fromkeys(f.sheet for f in form.fields))
        rows.append(("未填写的必填项", '=COUNTIF(%s,%d)&"项"&IF(COUNTIF(%s,%d)>0,"：其中 "&%s,"")'
                     % (states, FIELD_MISSING, states, FIELD_MISSING, per_sheet)))
        rows.append(("不符合填写要求的项", '=COUNTIF(%s,%d)&"项"' % (states, FIELD_INVALID)))
        rows.append(("将自动规范的项（如“420人”“３０”、小写信用代码，汇总时按规范值读取）",
                     '=COUNTIF(%s,%d)&"项"' % (states, FIELD_NORMALISED)))
        shares = [f for f in form.fields if f.type == "share"]
        if shares:
            rows.append(("疑似把百分数填成小数的比重项数",
                         "=" + "+".join("(%s)" % ShareRule.fraction_formula(spec.norm_name(f.id)) for f in shares)))
        assert len(rows) <= lay.info_count
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


def _short(label):
    """A field label without its parenthesised notes, for the 填报数值 column."""
    return re.sub(r"（[^（）]*）|\([^()]*\)", "", label).strip() or label


@spec.cached
def build(kind):
    """The template of `kind` as deterministic .xlsx bytes.

    Derived from the spec alone, so kept like the spec's other derivations (spec.rebuild() drops
    it): the demo, pre-filling and the tests ask for the same bytes many times (0.15 s a build)."""
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
