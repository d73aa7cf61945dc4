"""The spec: both forms, the layout of their generated sheets, and the compile-time checks.

`form(kind)` is the single source of truth; everything that needs an address asks `layout(form)`.
"""
import functools
import hashlib
import json


from .. import limits, vocab
from ..rules import SIZE_COLUMNS, NamedRule, size_rows
from ..uscc import CHARSET
from . import enterprise, platform
from .model import PERIOD_LABELS, PERIODS, Condition, Field, Form  # noqa: F401  (re-export)

KINDS = ("enterprise", "platform")
# Per kind: bump when that form's fields, rules or layout change, so that readers can tell its old
# templates apart without turning away workbooks of the other form (see CHANGELOG.md).
TEMPLATE_VERSIONS = {"enterprise": 2, "platform": 3}


def template_version(kind):
    return TEMPLATE_VERSIONS[kind]
META_KEYS = ("kind", "template_version", "spec_hash", "generator", "notice")


_CACHES = []


def cached(fn):
    """functools.lru_cache for anything derived from the spec; `rebuild()` clears them all."""
    c = functools.lru_cache(maxsize=None)(fn)
    _CACHES.append(c)
    return c


def rebuild():
    """Forget every derived form, layout and lookup, so the next call sees a changed spec
    (a threshold in spec/thresholds.py, a row added to A5_ROWS or INDICATORS)."""
    for c in _CACHES:
        c.cache_clear()


@cached
def form(kind):
    if kind == "enterprise":
        return enterprise.build()
    if kind == "platform":
        return platform.build()
    raise KeyError(kind)


def forms():
    return [form(k) for k in KINDS]


class Layout:
    """Addresses of everything the compiler generates beyond the fields themselves.

    Names (defined names) are the contract: formulas, readers and other tools use them, never
    raw addresses. `names` maps placeholder -> defined name for formula templates.
    """

    SELF_FIRST_ROW = 4
    HEADER_ROW = 3
    # shown: 序号, 条件/项目, 依据/位置, 结果/状态, 填报数值/说明, 说明
    NO_COL, LABEL_COL, CLAUSE_COL, VERDICT_COL, FACTS_COL, DETAIL_COL = "A", "B", "C", "D", "E", "F"
    LAST_COL = DETAIL_COL
    VALUE_COL = "G"                     # condition value 1/0/0.5/2 (hidden)
    VERDICT_VALUE_COL = "H"             # overall verdict 1/0.5/0 (hidden, overall row)
    HELPER_COLS = ("J", "K")            # helper name, helper formula (hidden)
    # the field table, one row per field from field_first_row (hidden): normalised value, state,
    # running count of states > 0, row picked for the visible list, label, "sheet!cell", link, what to type
    NORM_COL, STATE_COL, COUNT_COL, PICK_COL, NAME_COL, WHERE_COL, LINK_COL, HINT_COL = "LMNOPQRS"
    HIDDEN_COLS = tuple("GHIJKLMNOPQRS")

    def __init__(self, f):
        self.form = f
        self.sheet_title = {s.key: s.title for s in f.sheets}
        self.names = {fl.id: fl.name for fl in f.fields}
        # lists, each in its own column of _lists from row 2 (row 1 holds the key)
        self.lists = {}
        col = 1
        for key, values in f.lists.items():
            self.lists[key] = (get_column_letter(col), len(values))
            self.names["L_" + key] = "L_" + key
            col += 1
        self.charset_cell = "%s2" % get_column_letter(col)
        self.names["charset"] = "L_uscc_charset"
        col += 1
        self.size_cols = {}
        if any(_uses_size(c) for c in f.conditions):
            for key in ("code",) + SIZE_COLUMNS:
                self.size_cols[key] = get_column_letter(col)
                self.names["L_size_" + key] = "L_size_" + key
                col += 1
        self.size_len = len(size_rows())
        # 自检 rows
        self.condition_rows = {}
        row = self.SELF_FIRST_ROW
        for c in f.conditions:
            self.condition_rows[c.id] = row
            row += 1
        self.valid_row = row                  # 填写规范: no field breaks its rule (not a condition)
        self.overall_row = row + 2
        self.info_first_row = self.overall_row + 2
        self.info_count = 6
        self.helpers = []               # (name, formula template) in order
        for c in f.conditions:
            if isinstance(c.rule, NamedRule):
                for h, tpl in c.rule.helpers:
                    self.helpers.append((h, tpl))
                    self.names[h] = h
        for c in f.conditions:
            self.names[c.name] = c.name
        self.names["R_overall"] = "R_overall"
        self.names["R_verdict"] = "R_verdict"
        # the field table and the visible list of fields to fix share rows
        self.list_head_row = max(self.info_first_row + self.info_count + 1, self.SELF_FIRST_ROW + len(self.helpers) + 1)
        self.field_first_row = self.list_head_row + 2
        self.field_rows = {fl.id: self.field_first_row + i for i, fl in enumerate(f.fields)}
        self.field_last_row = self.field_first_row + len(f.fields) - 1
        # conditions, helpers and states read what `check` reads: the normalised values N_<id>
        self.cond_names = dict(self.names)
        for fl in f.fields:
            self.cond_names[fl.id] = norm_name(fl.id)
            self.names[norm_name(fl.id)] = norm_name(fl.id)
            self.names[state_name(fl.id)] = state_name(fl.id)

    def field_range(self, col):
        """Absolute reference to one column of the field table on the 自检 sheet."""
        return self.ref("self", "%s%d:%s%d" % (col, self.field_first_row, col, self.field_last_row))

    def ref(self, sheet_key, cells):
        """Absolute reference to a cell or range ("B3" or "A2:A9") on a sheet of this form."""
        parts = []
        for cell in cells.split(":"):
            col = "".join(ch for ch in cell if ch.isalpha())
            parts.append("$%s$%s" % (col, cell[len(col):]))
        return "'%s'!%s" % (self.sheet_title[sheet_key].replace("'", "''"), ":".join(parts))

    def column_ref(self, col, n):
        """Rows 2..n+1 of a column of the hidden lists sheet."""
        return self.ref("lists", "%s2:%s%d" % (col, col, n + 1))

    def list_ref(self, key):
        return self.column_ref(*self.lists[key])

    def helper_cell(self, i):
        return "%s%d" % (self.HELPER_COLS[1], self.SELF_FIRST_ROW + i)

    def outputs(self):
        """The 自检 output cells: one per condition plus the overall verdict."""
        from ..rules import VERDICT_TEXT  # late: rules imports spec
        out = []
        for c in self.form.conditions:
            r = self.condition_rows[c.id]
            out.append(dict(id=c.id, label=c.label, clause=c.clause, sheet=self.sheet_title["self"],
                            cell="%s%d" % (self.VERDICT_COL, r), value_cell="%s%d" % (self.VALUE_COL, r),
                            name=c.name, texts={"pass": VERDICT_TEXT[1], "fail": VERDICT_TEXT[0],
                                                "pending": VERDICT_TEXT[0.5], "undetermined": VERDICT_TEXT[2]}))
        out.append(dict(id="overall", label="总体结论", clause="三", sheet=self.sheet_title["self"],
                        cell="%s%d" % (self.VERDICT_COL, self.overall_row),
                        value_cell="%s%d" % (self.VERDICT_VALUE_COL, self.overall_row), name="R_verdict",
                        texts={"pass": vocab.VERDICT_TEXT[vocab.ELIGIBLE], "fail": vocab.VERDICT_TEXT[vocab.INELIGIBLE],
                               "pending": vocab.VERDICT_TEXT[vocab.CORRECTABLE]}))
        return out


def norm_name(fid):
    """Defined name of a field's normalised value on the 自检 sheet (what `check` reads)."""
    return "N_" + fid


def state_name(fid):
    """Defined name of a field's state (rules.FIELD_OK/INVALID/MISSING/NORMALISED)."""
    return "S_" + fid


def get_column_letter(n):
    """1 -> 'A', 27 -> 'AA' (as openpyxl.utils; importing openpyxl here costs every command ~0.1 s)."""
    out = ""
    while n > 0:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def _uses_size(c):
    return type(c.rule).__name__ == "SizeMatches"


@cached
def layout(kind):
    return Layout(form(kind))


def charset():
    return CHARSET


def spec_hash(kind):
    """A digest of everything a template is generated from; readers compare it with _meta."""
    f, lay = form(kind), layout(kind)
    payload = {
        "version": template_version(kind),
        "fields": [vars(x) for x in f.fields],
        "lists": f.lists,
        "conditions": [(c.id, c.rule.excel(lay.cond_names)) for c in f.conditions],
        "helpers": lay.helpers,
    }
    blob = json.dumps(payload, ensure_ascii=False, sort_keys=True, default=str).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()[:16]


def compile_checks(kind):
    """Every Excel limit and internal reference, checked before anything is written."""
    from ..rules import data_validation  # late: rules imports spec, and compiling is needed only here
    f, lay = form(kind), layout(kind)
    problems = []
    for s in f.sheets:
        why = limits.sheet_name_problem(s.title)
        if why:
            problems.append("sheet %r: %s" % (s.title, why))
    ids = set()
    for fl in f.fields:
        if fl.id in ids:
            problems.append("duplicate field id %s" % fl.id)
        ids.add(fl.id)
        if fl.choices and fl.choices not in f.lists:
            problems.append("%s: unknown list %s" % (fl.id, fl.choices))
        for other in fl.total_with + ((fl.required_if[0],) if fl.required_if else ()):
            if other not in ids and other not in {x.id for x in f.fields}:
                problems.append("%s: unknown field %s" % (fl.id, other))
    for name in lay.names.values():
        why = limits.name_problem(name)
        if why:
            problems.append("defined name %r: %s" % (name, why))
    for key, values in f.lists.items():
        if len(set(values)) != len(values) and key != "platform_levels":
            problems.append("list %s has duplicates" % key)
    for fl in f.fields:
        dv = data_validation(fl, fl.cell, lay.names)
        texts = prompt_texts(fl)
        problems += limits.validation_problems(
            "%s!%s (%s)" % (fl.sheet, fl.cell, fl.id), formula1=dv.get("formula1"), formula2=dv.get("formula2"),
            prompt_title=texts["promptTitle"], prompt=texts["prompt"], error_title=texts["errorTitle"],
            error=texts["error"])
    for c in f.conditions:
        missing = c.rule.fields() - ids
        if missing:
            problems.append("condition %s uses unknown fields %s" % (c.id, sorted(missing)))
    limits.require(problems)
    return True


def _cut(text, n):
    return text if limits.excel_len(text) <= n else text[: n - 1] + "…"


def prompt_texts(fl):
    """Input prompt and stop-alert texts of a field; limits are checked in compile_checks."""
    from ..rules import FIELD_RULES  # late: rules imports spec, and compiling is needed only here
    rule = FIELD_RULES[fl.type]
    what = rule.describe(fl)
    required = "必填" if fl.required else ("条件必填" if fl.required_if else "选填")
    prompt = "【%s】%s" % (required, fl.help or what)
    if fl.help and what and what not in fl.help:
        prompt += "格式：" + what + "。"
    title = fl.label.split("·")[0]
    return {
        "promptTitle": _cut(title, limits.MAX_PROMPT_TITLE_CHARS),
        "prompt": prompt,
        "errorTitle": _cut("填写有误：" + title, limits.MAX_ERROR_TITLE_CHARS),
        "error": "“%s”应为：%s。请按单元格提示重新填写。" % (fl.label, what),
    }
