"""Every rule once: its Excel formula and its Python check side by side.

Two families:

* Field rules, one per field type: the native Excel data validation, a formula that is TRUE
  for an acceptable non-blank value (drives the red highlight), and the Python check used at
  merge time, when pasted values have bypassed Excel's validation.
* Condition expressions for 三、申报条件 in three-valued (Kleene) logic: 1 = met, 0 = not met,
  0.5 = cannot tell yet (inputs blank or not numbers). AND is MIN and OR is MAX, in Excel and in
  Python alike, so the 自检 sheet and `sjtx-xl check` cannot drift apart. A fourth value, 2,
  means "not determinable from the form" (size class of a division the 2011 standard splits
  below two digits); it counts as met in the overall verdict.

tests/test_rules_lo.py evaluates both sides in LibreOffice and compares them.
"""
import datetime as _dt
import math
import re

from .problems import problem
from .uscc import WEIGHTS as USCC_WEIGHTS

MET, NOT_MET, PENDING, UNDETERMINED = 1, 0, 0.5, 2

EXCEL_EPOCH = _dt.date(1899, 12, 30)
# anything but 、 between products (六(一)2); not the half-width space, which joins the words of a
# name that may contain Latin letters ("LED 驱动电源"; "Servo Motor" is refused as English, not as two products)
PRODUCT_SEPARATORS = ",，;；/／　"


def serial(d):
    """Excel serial number of a date (1900 date system)."""
    if isinstance(d, _dt.datetime):
        d = d.date()
    return (d - EXCEL_EPOCH).days


def is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool) and not (
        isinstance(v, float) and math.isnan(v))


def is_blank(v):
    return v is None or (isinstance(v, str) and v == "")


def _xl_str(s):
    return '"' + s.replace('"', '""') + '"'


def _xl_array(items):
    return "{" + ",".join(_xl_str(i) if isinstance(i, str) else str(i) for i in items) + "}"


def _tpl_array(items):
    """An array constant inside a helper template, whose {name} placeholders use str.format."""
    return _xl_array(items).replace("{", "{{").replace("}", "}}")


def _fmt_num(x):
    return str(int(x)) if float(x).is_integer() else repr(float(x))


# ---------------------------------------------------------------------------------------------
# Field rules
# ---------------------------------------------------------------------------------------------

class FieldRule:
    """Base: subclasses give `validation`, `valid_formula` and `check` for one field type."""

    kind_text = ""

    def validation(self, f, ref, names):
        """Keyword arguments for openpyxl's DataValidation (without texts)."""
        raise NotImplementedError

    def valid_formula(self, f, ref, names):
        """Excel formula, TRUE when the non-blank content of `ref` is acceptable; error-safe."""
        raise NotImplementedError

    def check(self, f, v, lists):
        """Problems for a non-blank value `v` (already normalised)."""
        raise NotImplementedError

    def describe(self, f):
        """Short Chinese statement of what is accepted (used in prompts and the dictionary)."""
        return self.kind_text

    def normal_formula(self, f, ref, names):
        """Excel twin of read/normalise.py for this type: the value `check` would read, "" when blank.
        Only the normalisations the 自检 models (tests/test_check_lo.py proves them equal)."""
        return 'IF(LEN(TRIM(ASC(%s)))=0,"",%s)' % (ref, self.normal_body(f, ref, names))

    def normal_body(self, f, ref, names):
        return ref


class TextRule(FieldRule):
    def validation(self, f, ref, names):
        if f.total_with:
            refs = [ref] + [names[i] for i in f.total_with]
            return dict(type="custom", formula1="+".join("LEN(%s)" % r for r in refs) + "<=%d" % f.max_len)
        return dict(type="textLength", operator="lessThanOrEqual", formula1=str(f.max_len))

    def valid_formula(self, f, ref, names):
        return self.validation(f, ref, names)["formula1"] if f.total_with else "LEN(%s)<=%d" % (ref, f.max_len)

    def check(self, f, v, lists, values=None):
        text, values = _num_text(v), values or {}
        n = len(text)
        if f.total_with:   # one budget for several parts, as the Excel rule LEN(a)+LEN(b)+... does
            n += sum(len(_num_text(values[o])) for o in f.total_with if not is_blank(values.get(o)))
            if n > f.max_len:
                return [problem("text-too-long", value=text, detail="各部分合计%d字，限%d字" % (n, f.max_len))]
            return []
        if n > f.max_len:
            return [problem("text-too-long", value=text, detail="%d字，限%d字" % (n, f.max_len))]
        return []

    def describe(self, f):
        if f.total_with:
            return "与其余两部分合计不超过%d字" % f.max_len
        return "不超过%d字" % f.max_len


def _num_text(v):
    if is_number(v):
        return _fmt_num(v)
    if isinstance(v, (_dt.date, _dt.datetime)):
        return v.isoformat()
    return str(v)


class NumberRule(FieldRule):
    """Numbers with optional bounds; `whole` adds the integer test."""

    def __init__(self, lo=None, hi=None, whole=False, kind_text=""):
        self.lo, self.hi, self.whole, self.kind_text = lo, hi, whole, kind_text

    def bounds(self, f):
        lo = self.lo if f.min is None else f.min
        hi = self.hi if f.max is None else f.max
        return lo, hi

    def normal_body(self, f, ref, names):
        return _number_normal(f, ref, number_unit(f))

    def validation(self, f, ref, names):
        lo, hi = self.bounds(f)
        t = "whole" if self.whole else "decimal"
        if hi is None:
            return dict(type=t, operator="greaterThanOrEqual", formula1=_fmt_num(lo))
        return dict(type=t, operator="between", formula1=_fmt_num(lo), formula2=_fmt_num(hi))

    def valid_formula(self, f, ref, names):
        lo, hi = self.bounds(f)
        parts = ["%s>=%s" % (ref, _fmt_num(lo))]
        if hi is not None:
            parts.append("%s<=%s" % (ref, _fmt_num(hi)))
        if self.whole:
            parts.append("%s=INT(%s)" % (ref, ref))
        return "IF(ISNUMBER(%s),AND(%s),FALSE)" % (ref, ",".join(parts))

    def check(self, f, v, lists):
        if not is_number(v):
            return [problem("not-a-number", value=v, hint=self.describe(f))]
        lo, hi = self.bounds(f)
        if self.whole and v != int(v):
            return [problem("not-an-integer", value=_fmt_num(v))]
        if v < lo or (hi is not None and v > hi):
            rng = "%s～%s" % (_fmt_num(lo), _fmt_num(hi)) if hi is not None else "≥%s" % _fmt_num(lo)
            return [problem("out-of-range", value=_fmt_num(v), detail=rng, hint=self.describe(f))]
        return []

    def describe(self, f):
        lo, hi = self.bounds(f)
        if hi is None:
            return "%s，不小于%s" % (self.kind_text, _fmt_num(lo))
        return "%s，%s～%s" % (self.kind_text, _fmt_num(lo), _fmt_num(hi))


def _strip_suffix(t, unit):
    return 'IF(RIGHT(%s,%d)="%s",LEFT(%s,LEN(%s)-%d),%s)' % (t, len(unit), unit, t, t, len(unit), t) if unit else t


NUMBER_CHARS = "0123456789.+-"


def _plain_number(t):
    """Excel: the number a cleaned text spells, or an error unless it is digits, sign and point only."""
    return 'IF(SUMPRODUCT(--ISERROR(FIND(MID(%s&"%s",%s,1),"%s")))=0,VALUE(%s),NA())' % (
        t, "0" * 20, _xl_array(range(1, 21)), NUMBER_CHARS, t)


def _number_normal(f, ref, unit):
    """Text spelling a number (full-width digits, spaces, a unit or % suffix) -> the number; a share or
    rate shown with a % format is the percentage shown (0.85 shown as 85% is 85), as the reader."""
    t = 'SUBSTITUTE(ASC(%s)," ","")' % ref
    number = ref
    if unit == "%":
        shown = 'LEFT(CELL("format",%s),1)="P"' % ref
        if f.type == "share":                          # above 1 the template shows a share plainly
            shown = "AND(%s,NOT(%s))" % (shown, ShareRule.shown_plain_formula(ref))
        number = 'IF(%s,ROUND(%s*100,9),%s)' % (shown, ref, ref)
    return "IF(ISNUMBER(%s),%s,IFERROR(%s,%s))" % (ref, number, _plain_number(_strip_suffix(t, unit)), ref)


def number_unit(f):
    """The suffix read/normalise.py strips from a number typed with it."""
    return "%" if f.type in ("share", "rate") else (f.unit or "")


class ShareRule(NumberRule):
    """A percentage share typed as a bare number; 0 < v < 1 is most likely "30%" typed as 0.3."""

    def check(self, f, v, lists):
        out = super().check(f, v, lists)
        if not out and 0 < v < 1:
            out.append(problem("percent-fraction", value=_fmt_num(v)))
        return out

    @staticmethod
    def fraction_formula(ref):
        return "AND(ISNUMBER(%s),%s>0,%s<1)" % (ref, ref, ref)

    # A share cell may keep a percent format after "100%" was typed (Calc and Excel give the cell
    # the format an entry implies). Calc has no automatic percent entry, so an 85 typed there later
    # would show as 8500%: the template shows a share above 1 plainly (a conditional number format)
    # and the reader and 自检 read it as shown. At or below 1 a percent cell shows (and is read as) %.
    @staticmethod
    def shown_plain(v):
        return v > 1

    @staticmethod
    def shown_plain_formula(ref):
        return "AND(ISNUMBER(%s),%s>1)" % (ref, ref)


class ChoiceRule(FieldRule):
    kind_text = "从下拉列表中选择"

    def describe(self, f):
        if f.choices == "industry":     # typing the code alone is refused by the dropdown: say what to pick
            return "从下拉列表中选择“2位码 名称”，如只输入了35，请改选“35 专用设备制造业”"
        return self.kind_text

    def normal_body(self, f, ref, names):
        lst = list_name(f.choices)
        exact = "ISNUMBER(MATCH(%s,%s,0))" % (ref, lst)
        if f.choices == "industry":     # a bare 2-digit code -> "35 专用设备制造业"
            return 'IF(%s,%s,IFERROR(INDEX(%s,MATCH(TEXT(VALUE(TRIM(ASC(%s))),"00")&" *",%s,0)),%s))' % (
                exact, ref, lst, ref, lst, ref)
        if f.choices == "platforms":    # a name picked with 附件2's （国家） mark: the name, the level apart
            cut = 'LEFT(TRIM(%s),LEN(TRIM(%s))-4)' % (ref, ref)
            return ('IF(%s,%s,IF(ISNUMBER(MATCH(TRIM(%s),%s,0)),TRIM(%s),IF(AND(RIGHT(TRIM(%s),4)="（国家）",'
                    'ISNUMBER(MATCH(%s,%s,0))),%s,%s)))' % (exact, ref, ref, lst, ref, ref, cut, lst, cut, ref))
        trimmed = "IF(ISNUMBER(MATCH(TRIM(%s),%s,0)),TRIM(%s),%s)" % (ref, lst, ref, ref)
        if f.choices == "yesno":        # √, Y, 有 ... -> 是; ×, N, 无 ... -> 否 (read/normalise.py YES/NO)
            from .read.normalise import NO, YES   # late: the reader imports rules
            key = "LOWER(ASC(TRIM(%s)))" % ref
            return 'IF(%s,%s,IF(ISNUMBER(MATCH(%s,%s,0)),"是",IF(ISNUMBER(MATCH(%s,%s,0)),"否",%s)))' % (
                exact, ref, key, _xl_array(sorted(YES)), key, _xl_array(sorted(NO)), trimmed)
        return "IF(%s,%s,%s)" % (exact, ref, trimmed)

    def validation(self, f, ref, names):
        return dict(type="list", formula1=list_name(f.choices))

    def valid_formula(self, f, ref, names):
        return "ISNUMBER(MATCH(%s,%s,0))" % (ref, list_name(f.choices))

    def check(self, f, v, lists):
        choices = lists[f.choices]
        if _num_text(v) not in choices:
            shown = "、".join(choices) if len(choices) <= 8 else "、".join(choices[:6]) + "等%d项" % len(choices)
            return [problem("not-in-list", value=v, detail=shown)]
        return []


USCC_PAIRS = ("11", "12", "13", "19", "51", "52", "53", "59", "91", "92", "93", "Y1")


def uscc_authority_excel(ref, array=_xl_array):
    """GB 32100-2015 登记管理部门码 and 机构类别码: 1,5 -> 1,2,3,9; 9 -> 1,2,3; Y -> 1; others any 1-9
    (uscc.check_uscc is the Python twin). `array=_tpl_array` for a helper template."""
    return ('OR(ISNUMBER(MATCH(LEFT(%s,2),%s,0)),AND(ISNUMBER(FIND(LEFT(%s,1),"234678AN")),'
            'ISNUMBER(FIND(MID(%s,2,1),"123456789"))))' % (ref, array(USCC_PAIRS), ref, ref))


MULTI_SEPARATOR = "、"


class MultiChoiceRule(FieldRule):
    """Several items of a list (the official form's checkboxes), separated by 、, each once."""

    def describe(self, f):
        return "从以下选择一项或多项，多项之间用“、”分隔"

    def validation(self, f, ref, names):
        return dict(type="custom", formula1=self.valid_formula(f, ref, names))

    def normal_body(self, f, ref, names):
        return "TRIM(%s)" % ref

    def valid_formula(self, f, ref, names):
        # the items found, with one separator each, cover the text exactly and the separators are
        # between them: then every part is one item, each once (items hold no 、, none is inside another)
        lst, sep = list_name(f.choices), MULTI_SEPARATOR
        found = "ISNUMBER(FIND(%s,%s))" % (lst, ref)
        return ('AND(LEFT({r},1)<>"{s}",RIGHT({r},1)<>"{s}",ISERROR(FIND("{s}{s}",{r})),'
                'SUMPRODUCT({found}*(LEN({lst})+1))=LEN({r})+1,'
                'LEN({r})-LEN(SUBSTITUTE({r},"{s}",""))=SUMPRODUCT(--{found})-1)'
                .format(r=ref, s=sep, found=found, lst=lst))

    def check(self, f, v, lists):
        choices = lists[f.choices]
        parts = _num_text(v).split(MULTI_SEPARATOR)
        if all(p in choices for p in parts) and len(set(parts)) == len(parts):
            return []
        return [problem("not-in-list", value=v, detail="、".join(choices) + "（多项用“、”分隔）")]


class UsccRule(FieldRule):
    kind_text = "18位统一社会信用代码（数字和大写字母）"

    def normal_body(self, f, ref, names):
        return 'IF(ISNUMBER(%s),TEXT(%s,"0"),UPPER(SUBSTITUTE(SUBSTITUTE(ASC(%s)," ",""),"-","")))' % (ref, ref, ref)

    def validation(self, f, ref, names):
        return dict(type="custom", formula1=self.valid_formula(f, ref, names))

    def valid_formula(self, f, ref, names):
        # length, then the GB 32100-2015 check character; FIND is case-sensitive, so lower-case
        # letters and I/O/Z/S/V make FIND fail and the whole formula FALSE via IFERROR.
        cs = names["charset"]
        total = "SUMPRODUCT((FIND(MID(%s,%s,1),%s)-1)*%s)" % (
            ref, _xl_array(range(1, 18)), cs, _xl_array(USCC_WEIGHTS))
        return "IFERROR(AND(LEN(%s)=18,%s,EXACT(RIGHT(%s,1),MID(%s,MOD(31-MOD(%s,31),31)+1,1))),FALSE)" % (
            ref, uscc_authority_excel(ref), ref, cs, total)

    def check(self, f, v, lists):
        from .uscc import check_uscc  # late: uscc loads its area codes on first use
        code = _num_text(v)
        r = check_uscc(code)
        if r.ok:
            return []
        detail = {"uscc-length": str(len(code)), "uscc-check-char": r.expected_char or ""}.get(r.reason_type, "")
        return [problem(r.reason_type, value=code, detail=detail)]


class DateRule(FieldRule):
    kind_text = "日期"

    def normal_body(self, f, ref, names):
        # "2010/05/01", "2010.5.1", "2010-05-01", "2010年5月1日" -> the date; anything else stays
        t = 'SUBSTITUTE(ASC(%s)," ","")' % ref
        for sep in ("/", ".", "年", "月"):
            t = 'SUBSTITUTE(%s,"%s","-")' % (t, sep)
        t = 'SUBSTITUTE(%s,"日","")' % t
        p2 = 'FIND("-",%s,6)' % t
        y, m, d = "VALUE(LEFT(%s,4))" % t, "VALUE(MID(%s,6,%s-6))" % (t, p2), "VALUE(MID(%s,%s+1,3))" % (t, p2)
        date = "DATE(%s,%s,%s)" % (y, m, d)
        ok = 'AND(MID(%s,5,1)="-",LEN(%s)<=10,MONTH(%s)=%s,DAY(%s)=%s,%s>=1000)' % (t, t, date, m, date, d, y)
        return "IF(ISNUMBER(%s),%s,IFERROR(IF(%s,%s,%s),%s))" % (ref, ref, ok, date, ref, ref)

    def validation(self, f, ref, names):
        return dict(type="date", operator="between",
                    formula1=str(serial(f.min)), formula2=str(serial(f.max)))

    def valid_formula(self, f, ref, names):
        return "IF(ISNUMBER(%s),AND(%s>=%d,%s<=%d),FALSE)" % (ref, ref, serial(f.min), ref, serial(f.max))

    def check(self, f, v, lists):
        if isinstance(v, _dt.datetime):
            v = v.date()
        if not isinstance(v, _dt.date):
            return [problem("bad-date", value=v)]
        if not f.min <= v <= f.max:
            return [problem("bad-date", value=v.isoformat(),
                            detail="，应在%s至%s之间" % (f.min.isoformat(), f.max.isoformat()))]
        return []

    def describe(self, f):
        return "日期，%s至%s，如2015-06-30" % (f.min.isoformat(), f.max.isoformat())


class ProductCodeRule(FieldRule):
    kind_text = "8位或10位数字代码"

    def normal_body(self, f, ref, names):
        return 'IF(ISNUMBER(%s),TEXT(%s,"0"),SUBSTITUTE(ASC(%s)," ",""))' % (ref, ref, ref)

    def validation(self, f, ref, names):
        return dict(type="custom", formula1=self.valid_formula(f, ref, names))

    def valid_formula(self, f, ref, names):
        # Padding with zeros keeps MID from returning "": FIND("", ...) is 1 in Excel but an
        # error in LibreOffice, so an unpadded 8-digit code would differ between them.
        return 'AND(OR(LEN(%s)=8,LEN(%s)=10),SUMPRODUCT(--ISERROR(FIND(MID(%s&"0000000000",%s,1),"0123456789")))=0)' % (
            ref, ref, ref, _xl_array(range(1, 11)))

    def check(self, f, v, lists):
        code = _num_text(v)
        if len(code) not in (8, 10) or not all(c in "0123456789" for c in code):
            return [problem("product-code-format", value=code)]
        return []


ASCII = "".join(chr(i) for i in range(32, 127))


def is_english(text):
    """An English name has no character outside printable ASCII: "Servo Motor" is English,
    "CNC冲孔机床", "LED驱动电源" and "5G模组" are not (notice 六(一)2: 请勿使用英文名称)."""
    return bool(text) and all(c in ASCII for c in text)


class ProductNameRule(FieldRule):
    kind_text = "中文名称（可含CNC、LED等字母），多个产品以“、”分隔"

    def validation(self, f, ref, names):
        return dict(type="custom", formula1=self.valid_formula(f, ref, names))

    def valid_formula(self, f, ref, names):
        english = 'SUMPRODUCT(--ISERROR(FIND(MID(%s&REPT("a",%d),%s,1),%s)))=0' % (
            ref, f.max_len, _xl_array(range(1, f.max_len + 1)), _xl_str(ASCII))
        return "AND(LEN(%s)<=%d,SUMPRODUCT(--ISNUMBER(FIND(%s,%s)))=0,NOT(%s))" % (
            ref, f.max_len, _xl_array(list(PRODUCT_SEPARATORS)), ref, english)

    def check(self, f, v, lists):
        text = _num_text(v)
        out = []
        if is_english(text):
            out.append(problem("product-name-english", value=text))
        if any(c in PRODUCT_SEPARATORS for c in text):
            out.append(problem("product-name-separator", value=text))
        if len(text) > f.max_len:
            out.append(problem("text-too-long", value=text, detail="%d字，限%d字" % (len(text), f.max_len)))
        return out

    def describe(self, f):
        return "请勿使用英文名称（CNC冲孔机床、LED驱动电源等中文名称可含字母），多个主导产品之间用“、”分隔"


FIELD_RULES = {
    "text": TextRule(),
    "longtext": TextRule(),
    "int": NumberRule(lo=0, whole=True, kind_text="整数"),
    "decimal": NumberRule(lo=0, kind_text="数字"),
    "share": ShareRule(lo=0, hi=100, kind_text="百分数只填数字：如85%请输入85（不要输入“%”，也不要填0.85）"),
    "rate": NumberRule(lo=-100, kind_text="百分数，只填数字，可为负数"),
    "choice": ChoiceRule(),
    "multichoice": MultiChoiceRule(),
    "uscc": UsccRule(),
    "date": DateRule(),
    "product_code": ProductCodeRule(),
    "product_name": ProductNameRule(),
}


def list_name(key):
    return "L_" + key


def check_field(f, v, lists, values=None):
    """Python twin of a field's Excel validation: problems for one (normalised) value."""
    if is_blank(v):
        if required_now(f, values or {}):
            return [problem("required-missing", hint=f.help or "请填写" + f.label)]
        return []
    rule = FIELD_RULES[f.type]
    if isinstance(rule, TextRule):
        return rule.check(f, v, lists, values)
    return rule.check(f, v, lists)


# ---------------------------------------------------------------------------------------------
# Condition expressions (三、申报条件): Kleene logic, compiled to Excel and evaluated in Python
# ---------------------------------------------------------------------------------------------

class Expr:
    def excel(self, names):
        raise NotImplementedError

    def value(self, values):
        raise NotImplementedError

    def fields(self):
        raise NotImplementedError

    def outcome(self, values):
        """What the rule found, for a failure reported at a field (Condition.fail_field)."""
        return ""

    def facts_excel(self, names, info):
        """Excel text of the values that decide the rule ("2019年研发… 3.2% < 4%"); `info` maps a
        field id to (short label, unit)."""
        return "&\"；\"&".join(_shown(names, info, fid) for fid in sorted(self.fields()))


def _shown(names, info, fid):
    n, (label, unit) = names[fid], info[fid]
    return '"%s "&IF(%s="","未填",%s&"%s")' % (label, n, n, unit)


class AtLeast(Expr):
    """values[fid] >= threshold (strict=True: >). Pending unless the cell holds a number."""

    def __init__(self, fid, threshold, strict=False):
        self.fid, self.threshold, self.strict = fid, threshold, strict

    @property
    def op(self):
        return ">" if self.strict else ">="

    def excel(self, names):
        n = names[self.fid]
        return "IF(ISNUMBER(%s),IF(%s%s%s,1,0),0.5)" % (n, n, self.op, _fmt_num(self.threshold))

    def value(self, values):
        v = values.get(self.fid)
        if not is_number(v):
            return PENDING
        ok = v > self.threshold if self.strict else v >= self.threshold
        return MET if ok else NOT_MET

    def fields(self):
        return {self.fid}

    def facts_excel(self, names, info):
        n, (label, unit), t = names[self.fid], info[self.fid], _fmt_num(self.threshold)
        ok, no = (" > ", " ≤ ") if self.strict else (" ≥ ", " < ")
        return ('IF(ISNUMBER({n}),"{l} "&{n}&"{u}"&IF({n}{op}{t},"{ok}","{no}")&"{t}{u}",{shown})'
                .format(n=n, l=label, u=unit, op=self.op, t=t, ok=ok, no=no, shown=_shown(names, info, self.fid)))


class SumAtLeast(Expr):
    """Sum of several counts >= threshold; pending until every one is a number."""

    def __init__(self, fids, threshold):
        self.fids, self.threshold = tuple(fids), threshold

    def excel(self, names):
        ns = [names[f] for f in self.fids]
        return "IF(COUNT(%s)=%d,IF(%s>=%s,1,0),0.5)" % (
            ",".join(ns), len(ns), "+".join(ns), _fmt_num(self.threshold))

    def value(self, values):
        vs = [values.get(f) for f in self.fids]
        if not all(is_number(v) for v in vs):
            return PENDING
        return MET if sum(vs) >= self.threshold else NOT_MET

    def fields(self):
        return set(self.fids)

    def facts_excel(self, names, info):
        ns = [names[f] for f in self.fids]
        parts = "&\"、\"&".join(_shown(names, info, f) for f in self.fids)
        return '%s&IF(COUNT(%s)=%d,"，之和 "&(%s)&IF(%s>=%s," ≥ "," < ")&"%s","")' % (
            parts, ",".join(ns), len(ns), "+".join(ns), "+".join(ns), _fmt_num(self.threshold), _fmt_num(self.threshold))


class OneOf(Expr):
    """values[fid] is one of `choices`; pending while blank. Text compare as Excel's '='."""

    def __init__(self, fid, choices):
        self.fid, self.choices = fid, tuple(choices)

    def excel(self, names):
        n = names[self.fid]
        tests = ",".join("%s=%s" % (n, _xl_str(c)) for c in self.choices)
        return 'IF(%s="",0.5,IF(OR(%s),1,0))' % (n, tests)

    def value(self, values):
        v = values.get(self.fid)
        if is_blank(v):
            return PENDING
        return MET if isinstance(v, str) and v.lower() in {c.lower() for c in self.choices} else NOT_MET

    def fields(self):
        return {self.fid}


class _Combine(Expr):
    fn = None

    def __init__(self, *parts):
        self.parts = parts

    def excel(self, names):
        return "%s(%s)" % (self.fn, ",".join(p.excel(names) for p in self.parts))

    def facts_excel(self, names, info):
        return '&"；"&'.join(p.facts_excel(names, info) for p in self.parts)

    def fields(self):
        return set().union(*(p.fields() for p in self.parts))


class All(_Combine):
    fn = "MIN"

    def value(self, values):
        return min(p.value(values) for p in self.parts)


class Any(_Combine):
    fn = "MAX"

    def value(self, values):
        return max(p.value(values) for p in self.parts)


class NamedRule(Expr):
    """A rule too big for one formula: hidden helper cells (name, formula) plus a final formula.

    Helper formulas may use {field_id} and {H_x} placeholders, resolved to defined names.
    """

    helpers = ()

    def helper_cells(self, names):
        return [(h, f.format_map(names)) for h, f in self.helpers]


class ValidUscc(NamedRule):
    """GB 32100-2015 in full: length, charset, authority/type codes and check character."""

    def __init__(self, fid):
        self.fid = fid

    @property
    def helpers(self):
        return (
            ("H_uscc_chars", 'IF(LEN({%s})<>18,0,SUMPRODUCT(--ISNUMBER(FIND(MID({%s},%s,1),{charset}))))'
             % (self.fid, self.fid, _tpl_array(range(1, 19)))),
            ("H_uscc_sum", 'IF({H_uscc_chars}<18,-1,SUMPRODUCT((FIND(MID({%s},%s,1),{charset})-1)*%s))'
             % (self.fid, _tpl_array(range(1, 18)), _tpl_array(USCC_WEIGHTS))),
            ("H_uscc_auth", uscc_authority_excel("{%s}" % self.fid, _tpl_array)),
        )

    def excel(self, names):
        n = names[self.fid]
        return ('IF({n}="",0.5,IF({s}<0,0,IF(AND({a},EXACT(RIGHT({n},1),MID({cs},MOD(31-MOD({s},31),31)+1,1))),1,0)))'
                .format(n=n, s=names["H_uscc_sum"], a=names["H_uscc_auth"], cs=names["charset"]))

    def value(self, values):
        from .uscc import check_uscc  # late: uscc loads its area codes on first use
        v = values.get(self.fid)
        if is_blank(v):
            return PENDING
        return MET if isinstance(v, str) and check_uscc(v).ok else NOT_MET

    def fields(self):
        return {self.fid}


class SizeMatches(NamedRule):
    """The declared 企业规模 equals the class the 2011 standard gives for the division's measures."""

    def __init__(self, declared, industry, employees, revenue, assets):
        self.declared, self.industry = declared, industry
        self.employees, self.revenue, self.assets = employees, revenue, assets

    @property
    def helpers(self):
        out = [("H_size_row", 'IF({%s}="",0,IFERROR(MATCH(LEFT({%s},2),{L_size_code},0),0))'
                % (self.industry, self.industry))]
        for col in ("xl", "xm", "xs", "yl", "ym", "ys", "zl", "zm", "zs"):
            out.append(("H_size_" + col, "IF({H_size_row}=0,0,INDEX({L_size_%s},{H_size_row}))" % col))
        x, y, z = "N({%s})" % self.employees, "N({%s})" % self.revenue, "N({%s})" % self.assets

        def reach(c):
            return "AND(%s>={H_size_x%s},%s>={H_size_y%s},%s>={H_size_z%s})" % (x, c, y, c, z, c)

        missing = ("OR(AND({H_size_xl}>0,NOT(ISNUMBER({%s}))),AND({H_size_yl}>0,NOT(ISNUMBER({%s}))),"
                   "AND({H_size_zl}>0,NOT(ISNUMBER({%s}))))" % (self.employees, self.revenue, self.assets))
        out.append(("H_size_class",
                    'IF({H_size_row}=0,IF({%s}="","pending","na"),IF(%s,"pending",'
                    'IF(%s,"大型",IF(%s,"中型",IF(%s,"小型","微型")))))'
                    % (self.industry, missing, reach("l"), reach("m"), reach("s"))))
        return tuple(out)

    def excel(self, names):
        c, d = names["H_size_class"], names[self.declared]
        return 'IF({c}="na",2,IF(OR({c}="pending",{d}=""),0.5,IF({c}={d},1,0)))'.format(c=c, d=d)

    def computed(self, values):
        """'大型'/'中型'/'小型'/'微型', 'pending' or 'na' — the twin of H_size_class."""
        ind = values.get(self.industry)
        if is_blank(ind):
            return "pending"
        row = size_row(str(ind)[:2])
        if row is None:
            return "na"
        measures = ((values.get(self.employees), row["xl"], row["xm"], row["xs"]),
                    (values.get(self.revenue), row["yl"], row["ym"], row["ys"]),
                    (values.get(self.assets), row["zl"], row["zm"], row["zs"]))
        if any(lim > 0 and not is_number(v) for v, lim, _, _ in measures):
            return "pending"
        nums = [(v if is_number(v) else 0, l, m, s) for v, l, m, s in measures]
        if all(v >= l for v, l, _, _ in nums):
            return "大型"
        if all(v >= m for v, _, m, _ in nums):
            return "中型"
        if all(v >= s for v, _, _, s in nums):
            return "小型"
        return "微型"

    def outcome(self, values):
        return self.computed(values)

    def facts_excel(self, names, info):
        c = names["H_size_class"]
        return ('"按划型标准测算为"&IF({c}="pending","（数据不全）",IF({c}="na","（无法按2位行业代码判定）",{c}))&"，填报为"&'
                'IF({d}="","（未填）",{d})'.format(c=c, d=names[self.declared]))

    def value(self, values):
        c = self.computed(values)
        if c == "na":
            return UNDETERMINED
        d = values.get(self.declared)
        if c == "pending" or is_blank(d):
            return PENDING
        return MET if c == d else NOT_MET

    def fields(self):
        return {self.declared, self.industry, self.employees, self.revenue, self.assets}


SIZE_COLUMNS = ("xl", "xm", "xs", "yl", "ym", "ys", "zl", "zm", "zs")


def size_rows():
    """The 2011 size table as Excel's lookup sees it: {division: {column: limit}}, 0 = unused.

    Divisions the standard cannot decide from two digits are left out (MATCH fails -> "na").
    """
    global _SIZE_ROWS
    if _SIZE_ROWS is None:
        from .size import size_table  # late: the size tables load on first use
        _SIZE_ROWS = {r.code: dict(zip(SIZE_COLUMNS, (v or 0 for v in r[2:])))
                      for r in size_table() if r.group_name}
    return _SIZE_ROWS


_SIZE_ROWS = None


def size_row(code):
    return size_rows().get(code)


def required_now(f, values):
    """Is field `f` required, given the other values (required_if)?"""
    if f.required:
        return True
    if f.required_if:
        other, triggers = f.required_if
        v = values.get(other)
        return isinstance(v, str) and v in triggers
    return False


def _required_if_excel(f):
    other, triggers = f.required_if
    return "OR(%s)" % ",".join("{%s}=%s" % (other, _xl_str(t)) for t in triggers)


class NothingMissing(NamedRule):
    """Every required field is filled; pending (not failed) while some are blank."""

    def __init__(self, fields):
        self.req = tuple(fields)

    @property
    def helpers(self):
        terms = []
        for f in self.req:
            t = '({%s}="")' % f.id
            terms.append(t if f.required else "%s*%s" % (t, _required_if_excel(f)))
        return (("H_missing", "+".join(terms)),)

    def excel(self, names):
        return "IF(%s=0,1,0.5)" % names["H_missing"]

    def facts_excel(self, names, info):
        return 'IF(%s=0,"已填齐","未填"&%s&"项，见下方清单")' % (names["H_missing"], names["H_missing"])

    def missing(self, values):
        get = values.get                # is_blank inlined: this runs over every field of every form, twice
        return [f.id for f in self.req if ((v := get(f.id)) is None or v == "") and required_now(f, values)]

    def value(self, values):
        return PENDING if self.missing(values) else MET

    def fields(self):
        return {f.id for f in self.req}


# Per-field state on the 自检 sheet (S_<id>) and in `check` (FileReport.states): the same four values.
FIELD_OK, FIELD_INVALID, FIELD_MISSING, FIELD_NORMALISED = 0, 1, 2, 3
FIELD_STATE_TEXT = {FIELD_INVALID: "✘ 不符合填写要求", FIELD_MISSING: "… 必填未填", FIELD_NORMALISED: "△ 将自动规范"}


def formula_like_excel(ref):
    """Twin of check._looks_like_formula: text starting with = or ＝ (a pasted formula)."""
    return 'AND(ISTEXT({r}),LEN(TRIM({r}))>1,OR(LEFT(TRIM({r}),1)="=",LEFT(TRIM({r}),1)="＝"))'.format(r=ref)


def field_state_excel(f, ref, norm, names):
    """0 fine (or optional and blank), 1 breaks its rule, 2 required and blank, 3 accepted and will be
    normalised by `check`. `norm` is the cell holding the normal_formula; `names` resolve {field}
    placeholders of required_if to normalised values."""
    rule = FIELD_RULES[f.type]
    required = "TRUE" if f.required else (_required_if_excel(f).format_map(names) if f.required_if else "FALSE")
    changed = 'OR(ISNUMBER({r})<>ISNUMBER({n}),NOT(EXACT({r}&"",{n}&"")))'.format(r=ref, n=norm)
    return 'IF({n}="",IF({req},2,0),IF(OR({fl},NOT({ok})),1,IF({ch},3,0)))'.format(
        n=norm, req=required, fl=formula_like_excel(ref), ok=_valid_on(rule, f, norm, names), ch=changed)


def _valid_on(rule, f, norm, names):
    if isinstance(rule, TextRule) and f.total_with:    # the parts sharing a budget, normalised too
        refs = [norm] + [names[i] for i in f.total_with]
        return "+".join("LEN(%s)" % r for r in refs) + "<=%d" % f.max_len
    return rule.valid_formula(f, norm, names)


def acceptable_excel(f, ref, names):
    """TRUE when a typed value is accepted by the cell: it meets its rule as `check` will read it
    (normalised). A share typed as a fraction is refused here (typing 85% enters 0.85 in a cell that
    is not yet a percentage): the alert says to type 85. A named formula, so the data validation
    stays under Excel's 255 characters."""
    rule = FIELD_RULES[f.type]
    norm = rule.normal_formula(f, ref, names)
    out = "AND(NOT(%s),%s)" % (formula_like_excel(ref), _valid_on(rule, f, norm, names))
    if f.type == "share":
        out = "AND(%s,NOT(%s))" % (out, ShareRule.fraction_formula(ref))
    return out


def acceptance_name(fid):
    return "A_" + fid


NATIVE_VALIDATION = ("choice", "text", "longtext")


def data_validation(f, ref, names):
    """The cell's data validation: the native list for a choice (keeps the dropdown), text length for
    texts, otherwise the named formula A_<id> (acceptable_excel), so typed values that `check` would
    normalise ("420人", "３０", a lowercase credit code) are accepted and highlighted. A share typed
    as a fraction (85% becomes 0.85 as it is entered) is refused: its alert says to type 85."""
    if f.type in NATIVE_VALIDATION:
        return FIELD_RULES[f.type].validation(f, ref, names)
    return dict(type="custom", formula1=acceptance_name(f.id))


VERDICT_VALUE = {"eligible": MET, "correctable": PENDING, "ineligible": NOT_MET}


def overall_verdict_excel(conditions, states):
    """Excel twin of vocab.overall_verdict: 1 符合, 0.5 待更正, 0 不符合.

    conditions: [(value ref, correctable, [state refs of the fields its rule reads],
                  [formulas TRUE when one of its values is suspect, e.g. a share typed as a fraction])];
    states: the range of every field's state. A failed condition is 不符合 unless it is correctable
    or one of its fields is invalid, missing or suspect (tainted); any pending condition, failed
    correctable condition or field in error makes it 待更正."""
    final, fixable = [], ["COUNTIF(%s,1)+COUNTIF(%s,2)>0" % (states, states)]
    for ref, correctable, sts, suspect in conditions:
        fixable.append("%s=0.5" % ref)
        if correctable:
            fixable.append("%s=0" % ref)
            continue
        taint = "+".join(["(%s=1)+(%s=2)" % (x, x) for x in sts] + ["%s*1" % s for s in suspect]) or "0"
        final.append("AND(%s=0,%s=0)" % (ref, taint))
        fixable.append("%s=0" % ref)
    return "IF(OR(%s),0,IF(OR(%s),0.5,1))" % (",".join(final) or "FALSE", ",".join(fixable))


def overall(values_by_condition):
    """Overall verdict value: MIN over conditions, with 'undetermined' counting as met."""
    return min(min(v, MET) for v in values_by_condition)


def overall_excel(refs):
    return "MIN(%s)" % ",".join("MIN(1,%s)" % r for r in refs)


VERDICT_TEXT = {MET: "✔ 符合", NOT_MET: "✘ 不符合", PENDING: "… 待填写", UNDETERMINED: "— 无法判定"}
OVERALL_TEXT = {MET: "✔ 符合申报条件", NOT_MET: "✘ 不符合申报条件", PENDING: "… 尚未填完，暂无法判定"}


def verdict_excel(ref, texts=VERDICT_TEXT):
    """Formula that shows the verdict text for a value cell."""
    f = _xl_str(texts[PENDING])
    for v in (UNDETERMINED, NOT_MET, MET):
        if v in texts:
            f = "IF(%s=%s,%s,%s)" % (ref, _fmt_num(v), _xl_str(texts[v]), f)
    return f


NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
