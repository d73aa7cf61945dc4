"""The three verdicts (符合 / 待更正 / 不符合) of one enterprise or platform, with the facts behind them.

    assess(kind, values, conditions, problems) -> Assessment

An official acts on a verdict only when the values that decided it are shown beside it: the R&D
shares, 上市情况, the size measures against the thresholds, the names of the missing fields. The
facts are generated from the spec (the fields each condition's rule uses, `rule.fields()`), so a
new condition or field shows its facts without code here.
"""
import functools
import re
from dataclasses import dataclass, field as dc_field

from . import spec, vocab
from .rules import MET, NOT_MET, PENDING, NothingMissing, SizeMatches, is_blank, size_row

# Problem types that say nothing about the values themselves (the duplicate is settled by the merge).
NOT_ABOUT_VALUES = {"duplicate-uscc"}
# Warnings that say the value is probably mistyped: a condition reading it is not failed on valid data.
SUSPECT_VALUE = {"percent-fraction"}
# A missing field is named in the 必填项 fact; listing it again among the fields in error says nothing new.
NAMED_AS_MISSING = {"required-missing"}
MAX_NAMED = 12                                     # names listed in one fact before "等N项"
SIZE_MEASURES = (("employees", "x", "从业人员"), ("revenue", "y", "营业收入"), ("assets", "z", "资产总额"))
SIZE_CLASSES = (("l", "大型"), ("m", "中型"), ("s", "小型"))


@dataclass
class Assessment:
    verdict: str                                   # vocab.ELIGIBLE / CORRECTABLE / INELIGIBLE
    facts: dict = dc_field(default_factory=dict)   # condition id -> "label value；…"
    missing: list = dc_field(default_factory=list)  # labels of required fields left blank
    error_fields: list = dc_field(default_factory=list)  # labels of fields whose values break a rule

    @property
    def label(self):
        return vocab.VERDICT_LABEL[self.verdict]

    @property
    def text(self):
        return vocab.VERDICT_TEXT[self.verdict]

    def to_dict(self):
        return {"verdict": self.verdict, "label": self.label, "facts": dict(self.facts),
                "missing": list(self.missing), "error_fields": list(self.error_fields)}


def _get(p, key):
    return p.get(key) if isinstance(p, dict) else getattr(p, key, None)


def short_label(f):
    """A field's label without its parenthesised notes: '主营业务收入占营业收入比重·实施期初始值'."""
    return _short(f.label)


@functools.lru_cache(maxsize=None)
def _short(label):
    return re.sub(r"（[^（）]*）|\([^()]*\)", "", label).strip() or label


def value_text(f, v):
    if is_blank(v):
        return "未填"
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    unit = f.unit if f.unit and f.type not in ("choice", "text", "longtext") else ""
    return "%s%s" % (v, unit)


def _size_fact(rule, values, form):
    """Size measures against the thresholds of the declared division (工信部联企业〔2011〕300号)."""
    parts = ["%s %s" % (short_label(form.field(fid)), value_text(form.field(fid), values.get(fid)))
             for fid in (rule.declared, rule.industry, rule.employees, rule.revenue, rule.assets)]
    computed = rule.computed(values)
    row = size_row(str(values.get(rule.industry))[:2]) if not is_blank(values.get(rule.industry)) else None
    if row:
        bounds = []
        for code, cls in SIZE_CLASSES:
            lims = ["%s≥%s" % (name, _num(row[axis + code])) for _, axis, name in SIZE_MEASURES if row[axis + code]]
            if lims:
                bounds.append("%s：%s" % (cls, "、".join(lims)))
        if bounds:
            parts.append("划型标准（%s）" % "；".join(bounds))
    shown = {"pending": "数据不全，无法测算", "na": "按2位行业代码无法确定标准"}.get(computed, computed)
    parts.append("测算为%s" % shown)
    return "，".join(parts)


def _num(x):
    return int(x) if isinstance(x, float) and x.is_integer() else x


@spec.cached
def _plan(kind):
    """What assess() takes from the spec, once per kind: each condition with its fields (ordered as
    the form, each with its short label) and how its fact is told; the correctable ones; field order."""
    form = spec.form(kind)
    order = {f.id: i for i, f in enumerate(form.fields)}
    conds = []
    for c in form.conditions:
        fields = frozenset(c.rule.fields())
        how = "missing" if isinstance(c.rule, NothingMissing) else "size" if isinstance(c.rule, SizeMatches) else ""
        shown = tuple((fid, short_label(form.field(fid)), form.field(fid))
                      for fid in sorted(fields, key=lambda fid: order.get(fid, len(order))))
        conds.append((c, fields, how, shown))
    return form, order, tuple(conds), frozenset(c.id for c in form.conditions if c.correctable)


def slim(p, table):
    """What assess() reads of a problem dict (severity, type, field, a suspect one's value), one shared
    dict for equal ones through `table`: submit reads 15,000 error-heavy rows' 1.4 M problems so."""
    ptype = p.get("type")
    key = (p.get("severity"), ptype, p.get("field"), p.get("value") if ptype in SUSPECT_VALUE else None)
    hit = table.get(key)
    if hit is None:
        hit = table[key] = dict(zip(("severity", "type", "field", "value"), key))
    return hit


def assess(kind, values, conditions, problems=()):
    """The verdict of one form's values: conditions as recomputed by check, problems as found."""
    form, order, conds, correctable = _plan(kind)
    errors, error_fields, suspect, named_missing = False, set(), {}, set()
    for p in problems:                                  # one pass, dicts (merge's rows) or Problems
        if isinstance(p, dict):
            severity, ptype, field = p.get("severity"), p.get("type"), p.get("field")
        else:
            severity, ptype, field = getattr(p, "severity", None), getattr(p, "type", None), getattr(p, "field", None)
        if severity == "error" and ptype not in NOT_ABOUT_VALUES:
            errors = True
            if field:
                error_fields.add(field)
                if ptype in NAMED_AS_MISSING:
                    named_missing.add(field)
        if ptype in SUSPECT_VALUE and field:
            suspect[field] = _get(p, "value")
    bad = error_fields | set(suspect)
    tainted = {c.id for c, fields, _, _ in conds if fields & bad} if bad else set()
    # any error, a file-level one (old template version) included, is something the applicant must fix
    verdict = vocab.overall_verdict(conditions, correctable, tainted, field_errors=errors)
    facts, missing = {}, []
    for c, _, how, shown in conds:
        if how == "missing":
            gone = c.rule.missing(values)
            missing = [form.field(fid).label for fid in gone]
            facts[c.id] = "缺%d项：%s" % (len(gone), _named(form, gone)) if gone else "已填齐"
        elif how == "size":
            facts[c.id] = _size_fact(c.rule, values, form)
        else:
            met = conditions.get(c.id) == MET
            facts[c.id] = "，".join("%s %s" % (label, _shown(f, values.get(fid), suspect))
                                   for fid, label, f in shown if not (met and is_blank(values.get(fid))))
    labels = [form.field(fid).label for fid in sorted((error_fields - named_missing) & order.keys(), key=order.get)]
    return Assessment(verdict, facts, missing, labels)


def _shown(f, v, suspect):
    """A value as the official should read it; a share typed as a fraction says what it probably meant."""
    text = value_text(f, v)
    if f.id in suspect and isinstance(v, (int, float)) and not isinstance(v, bool):
        return "%s（疑似%s%%，请企业更正）" % (_num(v), _num(round(v * 100, 6)))
    return text


def _named(form, fids):
    """Missing fields, at most MAX_NAMED by name, counted by sheet when they span several, so a blank
    form's line stays readable."""
    titles = {s.key: s.title for s in form.sheets}
    per_sheet = {}
    for fid in fids:
        t = titles.get(form.field(fid).sheet, "")
        per_sheet[t] = per_sheet.get(t, 0) + 1
    shown = "、".join(form.field(fid).label for fid in fids[:MAX_NAMED])
    more = "等" if len(fids) > MAX_NAMED else ""
    if len(per_sheet) == 1 and not more:
        return shown
    return "%s%s（%s）" % (shown, more, "、".join("%s %d项" % kv for kv in per_sheet.items()))


def deciding_facts(kind, conditions, a):
    """The facts of the conditions that are not met or not yet decidable: what the official must read."""
    out = []
    for c in spec.form(kind).conditions:
        v = conditions.get(c.id)
        if v in (NOT_MET, PENDING) and a.facts.get(c.id):
            out.append("%s：%s" % (c.label, a.facts[c.id]))
    if a.error_fields:
        more = "等%d项" % len(a.error_fields) if len(a.error_fields) > MAX_NAMED else ""
        out.append("有误的项：%s%s" % ("、".join(a.error_fields[:MAX_NAMED]), more))
    return "；".join(out)


def all_facts(kind, a):
    return "；".join("%s：%s" % (c.label, a.facts[c.id]) for c in spec.form(kind).conditions if a.facts.get(c.id))
