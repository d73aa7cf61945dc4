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
# what normalise.trim strips (and a blank cell may hold): read/normalise.py imports it from here
SPACES = " \t\r\n\u3000\xa0\u2002\u2003\u2009\u200b\ufeff"
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

    def steps(self, f):
        """The normalisation as named sub-formulas (Excel has no LET): [(key, fn)], fn(n) -> the formula,
        where n maps "r" to the field's cell name and each earlier key to its defined name. The template
        defines each as X<key>_<field id> (step_name); the last, "V", is the value `check` reads."""
        return [("W", lambda n: spaces_as_blank(n["r"])), ("V", lambda n: self.normal_body(f, n["r"], n))]

    def normal_formula(self, f, ref, names):
        """Excel twin of read/normalise.py for this type: the value `check` would read, "" when blank
        (only SPACES). tests/test_check_lo.py types both sides' inputs and proves them equal."""
        return 'IF(LEN(TRIM(%s))=0,"",%s)' % (step_name(f.id, "W"), step_name(f.id, "V"))

    def normal_body(self, f, ref, n):
        return ref

    def accept_formula(self, f, ref, names):
        """TRUE when the value typed in `ref` meets the rule as `check` reads it (normalised)."""
        return _valid_on(self, f, self.normal_formula(f, ref, names), names)


def is_boolean(ref):
    """Excel: the cell holds TRUE or FALSE, as `check` reads it. LibreOffice has no boolean type: a
    number with a boolean format is one, and is saved as a boolean only while it is 0 or 1."""
    return "AND(ISLOGICAL({r}),OR(N({r})=0,N({r})=1))".format(r=ref)


def step_name(fid, key):
    return "X%s_%s" % (key, fid)


def field_steps(f):
    """[(defined name, formula)] of a field's normalisation steps, in order (each may use the earlier)."""
    n, out = {"r": f.name}, []
    for key, fn in FIELD_RULES[f.type].steps(f):
        out.append((step_name(f.id, key), fn(n)))
        n[key] = step_name(f.id, key)
    return out


def _xl_char(c):
    return {"\t": "CHAR(9)", "\r": "CHAR(13)", "\n": "CHAR(10)"}.get(c, _xl_str(c))


def spaces_as_blank(x):
    """Every SPACES character of the text of x as a half-width space (TRIM and ASC know only some)."""
    for c in SPACES[1:]:
        x = 'SUBSTITUTE(%s,%s," ")' % (x, _xl_char(c))
    return x


def _count(x, s):
    """How often the text s occurs in x."""
    return '(LEN(%s)-LEN(SUBSTITUTE(%s,%s,"")))/%d' % (x, x, _xl_str(s), len(s))


def _digits(x):
    """How many ASCII digits x holds."""
    return 'SUMPRODUCT(LEN(%s)-LEN(SUBSTITUTE(%s,%s,"")))' % (x, x, _xl_array([str(i) for i in range(10)]))


def _trim_steps():
    """Steps A (first) and Z (last position of a character that is not a SPACE) of the text: the twin of
    normalise.trim, which strips only the ends (TRIM also squeezes inner spaces). The first such
    character's first occurrence is A; the last one's last occurrence is Z."""
    return [("A", lambda n: "FIND(LEFT(TRIM({w}),1),{w})".format(w=n["W"])),
            ("Z", lambda n: 'FIND(CHAR(1),SUBSTITUTE({w},{c},CHAR(1),LEN({w})-LEN(SUBSTITUTE({w},{c},""))))'
             .format(w=n["W"], c="RIGHT(TRIM(%s),1)" % n["W"]))]


def _trimmed(n):
    return "MID(%s,%s,%s-%s+1)" % (n["r"], n["A"], n["Z"], n["A"])


class TextRule(FieldRule):
    def __init__(self, trim=True):
        self.trim = trim               # a long text is kept exactly (normalise._longtext)

    def steps(self, f):
        if not self.trim:
            return super().steps(f)
        return [("W", lambda n: spaces_as_blank(n["r"]))] + _trim_steps() + [
            ("V", lambda n: "IF(ISNUMBER(%s),%s,%s)" % (n["r"], n["r"], _trimmed(n)))]

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

    def steps(self, f):
        return _number_steps(f, number_unit(f))

    def accept_formula(self, f, ref, names):
        # the steps once each (valid_formula would repeat the whole normalisation for every test)
        def ok(x, *stored):
            # a share typed as a fraction is refused, stored so (85% enters 0.85, shown as 85%) or read
            # so ("0.85" as text): the alert says to type 85
            if f.type != "share":
                return self.in_bounds(f, x)
            return "AND(%s,%s)" % (self.in_bounds(f, x), ",".join("NOT(AND(%s>0,%s<1))" % (y, y) for y in (x,) + stored))
        x = {k: step_name(f.id, k) for k in ("W", "Q", "N")}
        return "IF(LEN(TRIM({w}))=0,FALSE,IF({b},FALSE,IF(ISNUMBER({r}),{shown},IF({q},{typed},FALSE))))".format(
            w=x["W"], b=is_boolean(ref), r=ref, q=x["Q"], shown=ok(_shown_number(ref, f), ref), typed=ok(x["N"]))

    def validation(self, f, ref, names):
        lo, hi = self.bounds(f)
        t = "whole" if self.whole else "decimal"
        if hi is None:
            return dict(type=t, operator="greaterThanOrEqual", formula1=_fmt_num(lo))
        return dict(type=t, operator="between", formula1=_fmt_num(lo), formula2=_fmt_num(hi))

    def valid_formula(self, f, ref, names):
        return "IF(ISNUMBER(%s),%s,FALSE)" % (ref, self.in_bounds(f, ref))

    def in_bounds(self, f, ref):
        """Excel: the number in `ref` is within the bounds (and whole)."""
        lo, hi = self.bounds(f)
        parts = ["%s>=%s" % (ref, _fmt_num(lo))]
        if hi is not None:
            parts.append("%s<=%s" % (ref, _fmt_num(hi)))
        if self.whole:
            parts.append("%s=INT(%s)" % (ref, ref))
        return "AND(%s)" % ",".join(parts)

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


def _number_steps(f, unit):
    """Twin of normalise._number: a text spelling a number -> the number. ASC (full-width to half-width),
    every SPACES character dropped (T), one unit (or %) at the end dropped (U), then one sign at the
    start, digits with at most one point, or digits grouped by thousands ("1,200.5"); anything else
    (a date such as "1-2", which VALUE would read) stays text. The shape H (signs dropped, every digit
    a 9) is tested, I and R are its parts before and after the point; Q says it is a number.
    LibreOffice expands a defined name wherever it is used, so each step is used as few times as
    possible (a formula has at most 8192 tokens). A share or rate shown with a % format is the
    percentage shown (0.85 shown as 85% is 85), as the reader reads it. A boolean (TRUE typed in a
    number cell) is no number for `check`: it stays, as text, and breaks the rule."""
    grouped = "999" + ",999" * THOUSANDS_GROUPS

    def shape(u):
        x = 'SUBSTITUTE(SUBSTITUTE(%s,"+",""),"-","")' % u
        for d in "012345678":
            x = 'SUBSTITUTE(%s,"%s","9")' % (x, d)
        return x

    steps = [
        ("W", lambda n: spaces_as_blank(n["r"])),
        ("T", lambda n: 'SUBSTITUTE(ASC(%s)," ","")' % n["W"]),
        ("U", lambda n: ('SUBSTITUTE(SUBSTITUTE({t}&CHAR(1),{u}&CHAR(1),""),CHAR(1),"")'
                         .format(t=n["T"], u=_xl_str(unit))) if unit else n["T"]),
        ("H", lambda n: shape(n["U"])),
        ("I", lambda n: 'LEFT({h},FIND(".",{h}&".")-1)'.format(h=n["H"])),
        ("R", lambda n: 'MID({h},FIND(".",{h}&".")+1,LEN({h}))'.format(h=n["H"])),
        ("Q", lambda n: (
            'AND(OR(LEN({u})=LEN({h}),AND(LEN({u})-LEN({h})=1,OR(LEFT({u},1)="+",LEFT({u},1)="-"))),'
            'ISNUMBER(FIND("9",{h})),SUBSTITUTE({r},"9","")="",'
            'OR(SUBSTITUTE({i},"9","")="",AND({i}=RIGHT("{g}",LEN({i})),LEFT({i},1)<>",",RIGHT({h},1)<>".")))'
            .format(u=n["U"], h=n["H"], i=n["I"], r=n["R"], g=grouped))),
        ("N", lambda n: 'VALUE(SUBSTITUTE(%s,",",""))' % n["U"]),
        ("V", lambda n: 'IF({b},IF({r},"TRUE","FALSE"),IF(ISNUMBER({r}),{shown},IF({q},{v},{r})))'
         .format(b=is_boolean(n["r"]), r=n["r"], q=n["Q"], v=n["N"], shown=_shown_number(n["r"], f))),
    ]
    return steps


def _shown_number(ref, f):
    """The number a numeric cell shows: a share or rate with a % format shows 100 times its value
    (a share above 1 the template shows plainly: ShareRule.shown_plain)."""
    if number_unit(f) == "%":
        shown = 'LEFT(CELL("format",%s),1)="P"' % ref
        if f.type == "share":                          # above 1 the template shows a share plainly
            shown = "AND(%s,NOT(%s))" % (shown, ShareRule.shown_plain_formula(ref))
        return 'IF(%s,ROUND(%s*100,9),%s)' % (shown, ref, ref)
    return ref


THOUSANDS_GROUPS = 8     # "1,234,...": up to 8 groups of three after the first (normalise._THOUSANDS)


NUMBER_UNITS = ("万元", "人", "个", "项", "户", "次", "份")


def number_unit(f):
    """The suffix read/normalise.py strips from a number typed with it."""
    return "%" if f.type in ("share", "rate") else (f.unit if f.unit in NUMBER_UNITS else "")


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

    def steps(self, f):
        """Twin of normalise._choice: the item itself; TRUE/FALSE, √, Y, 有 ... in a 是/否 field; else the one
        item whose key (ASC, no SPACES, lower case) equals the value's; for 附件2 also with its （国家）
        mark cut off; for 所属行业 a code, a code and name, or a name (the division's label). Compared
        with EXACT over the list, never MATCH, whose wildcards and case-blindness `check` does not have."""
        lst = list_name(f.choices)
        steps = [("W", lambda n: spaces_as_blank(n["r"])),
                 ("K", lambda n: 'LOWER(SUBSTITUTE(ASC(%s)," ",""))' % n["W"])]
        if f.choices == "industry":
            steps.append(("P", lambda n: _industry_pos(n["K"], lst)))
        else:
            steps += [("H", lambda n: "SUMPRODUCT(--EXACT(%s,%s))" % (n["K"], _list_key(lst))),
                      ("P", lambda n: _list_pos("EXACT(%s,%s)" % (n["K"], _list_key(lst)), lst))]
        if f.choices == "platforms":
            mark = 'LOWER(ASC("%s"))' % NATIONAL_MARK
            cut = "LEFT({k},LEN({k})-LEN({m}))"
            steps += [("G", lambda n: "IF(RIGHT({k},LEN({m}))={m},SUMPRODUCT(--EXACT({c},{lk})),0)".format(
                          k=n["K"], m=mark, c=cut.format(k=n["K"], m=mark), lk=_list_key(lst))),
                      ("J", lambda n: _list_pos("EXACT(%s,%s)" % (cut.format(k=n["K"], m=mark), _list_key(lst)), lst))]
        steps.append(("V", lambda n: self._value(f, n, lst)))
        return steps

    @staticmethod
    def _value(f, n, lst):
        r = n["r"]
        exact = "SUMPRODUCT(--EXACT(%s,%s))>0" % (r, lst)
        if f.choices == "industry":
            found = "IF(%s>0,INDEX(%s,%s),%s)" % (n["P"], lst, n["P"], r)
        else:
            found = "IF(%s=1,INDEX(%s,%s),%s)" % (n["H"], lst, n["P"], r)
        if f.choices == "platforms":
            found = "IF(%s=1,INDEX(%s,%s),IF(%s=1,INDEX(%s,%s),%s))" % (n["H"], lst, n["P"], n["G"], lst, n["J"], r)
        if f.choices == "yesno":        # √, Y, 有 ... -> 是; ×, N, 无 ... -> 否 (read/normalise.py YES/NO)
            from .read.normalise import NO, YES   # late: the reader imports rules
            found = 'IF(SUMPRODUCT(--EXACT(%s,%s))>0,"是",IF(SUMPRODUCT(--EXACT(%s,%s))>0,"否",%s))' % (
                n["K"], _xl_array(sorted(YES)), n["K"], _xl_array(sorted(NO)), r)
            return 'IF(%s,IF(%s,"是","否"),IF(%s,%s,%s))' % (is_boolean(r), r, exact, r, found)
        return "IF(%s,%s,IF(%s,%s,%s))" % (is_boolean(r), r, exact, r, found)

    def validation(self, f, ref, names):
        return dict(type="list", formula1=list_name(f.choices))

    def valid_formula(self, f, ref, names):
        # EXACT, as `check`'s "in": MATCH is blind to case and reads * and ? as wildcards
        return "SUMPRODUCT(--EXACT(%s,%s))>0" % (ref, list_name(f.choices))

    def check(self, f, v, lists):
        choices = lists[f.choices]
        if _num_text(v) not in choices:
            shown = "、".join(choices) if len(choices) <= 8 else "、".join(choices[:6]) + "等%d项" % len(choices)
            return [problem("not-in-list", value=v, detail=shown)]
        return []


NATIONAL_MARK = "（国家）"         # reference.NATIONAL_MARK (the reference data loads late)
INDUSTRY_SEPARATORS = "-–—:.、､_|"   # between code and name (reference._LEADING_CODE; ASC makes 、 ､)


def _list_key(lst):
    return 'LOWER(SUBSTITUTE(ASC(%s)," ",""))' % lst


def _list_pos(hits, lst):
    """The (last) position in the list where the array `hits` is TRUE, 0 if none."""
    return "SUMPRODUCT((%s)*(ROW(%s)-ROW(INDEX(%s,1))+1))" % (hits, lst, lst)


def _industry_pos(k, lst):
    """Twin of reference.parse_industry on the key k: "35", "5", "35专用设备制造业", "35-专用设备制造业",
    "35-" or "专用设备制造业" -> the position of its division in the list. Per item: a prefix (its code,
    or the code's last digit when it starts with 0), at most one separator, then nothing or the name."""
    name = 'LOWER(SUBSTITUTE(ASC(MID(%s,4,99))," ",""))' % lst
    code = "LEFT(%s,2)" % lst
    short = '%s' % 'MID({l},1+(LEFT({l},1)="0"),2-(LEFT({l},1)="0"))'.format(l=lst)

    def after_prefix(p):
        rest = "MID(%s,LEN(%s)+1,99)" % (k, p)
        drop = "ISNUMBER(FIND(LEFT(%s,1),%s))*(LEN(%s)>0)" % (rest, _xl_str(INDUSTRY_SEPARATORS), rest)
        tail = "MID(%s,1+%s,99)" % (rest, drop)
        return '(LEFT({k},LEN({p}))={p})*((({t})="")+(({t})={nm})>0)'.format(k=k, p=p, t=tail, nm=name)

    hits = "((%s)+(%s)+(%s=%s)>0)" % (after_prefix(code), after_prefix(short), k, name)
    return _list_pos(hits, lst)


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

    def normal_body(self, f, ref, n):
        # twin of normalise._multichoice: every SPACES character dropped ("A 、 B" is "A、B"; items hold none)
        return 'IF(ISNUMBER(%s),%s,SUBSTITUTE(%s," ",""))' % (ref, ref, n["W"])

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

    def normal_body(self, f, ref, n):
        # twin of normalise._uscc: ASC, no SPACES and no -, upper case; a number as its digits
        return 'IF(ISNUMBER(%s),%s,UPPER(SUBSTITUTE(SUBSTITUTE(ASC(%s)," ",""),"-","")))' % (
            ref, _number_text(ref), n["W"])

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


def _number_text(ref):
    """A number as normalise.fmt writes it: a whole number's digits, otherwise as the cell shows it."""
    return 'IF(%s=INT(%s),TEXT(%s,"0"),%s&"")' % (ref, ref, ref, ref)


DATE_SEPARATORS = "-/."
DATE_TIMES = tuple(sep + hour + tail for sep in (" ", "T") for hour in ("00", "0")
                   for tail in (":00:00.000", ":00:00.00", ":00:00.0", ":00:00", ":00"))   # normalise._DATE_TEXT
YYYYMMDD = (19000101, 99991231)   # a whole number typed as 20100501: far beyond the last serial, 2958465
DATE_SHAPES = ("9999-9-9", "9999-99-9", "9999-9-99", "9999-99-99", "99999999")


def _date_steps():
    """Twin of normalise._date / parse_date_text: a date serial (a time in it dropped), or a text
    "2010-05-01", "2010/5/1", "2010.5.1" (a space around a separator allowed, an all-zero time after
    it too), "2010年5月1日" (日 optional) or "20100501" -> the date; anything else stays.
    A number is a serial (S: its date, a time dropped), or 20100501 typed in the cell (S: that date).
    D is the text as TRIM(ASC()) leaves it (parse_date_text's _collapse); Z the same with a CHAR(1) at
    its end and an all-zero time before it dropped; K its separators (digits and spaces dropped, "T"
    added when a time was dropped), which must be one of the patterns'; E the date with - between its
    numbers, whose shape (every digit a 9) must be one of DATE_SHAPES; G all these tests; T the date
    (VALUE reads y-m-d in every locale and refuses 2010-2-30). Each step is used as few times as
    possible: LibreOffice expands a defined name wherever it is used."""
    def zeros_dropped(d):
        x = "%s&CHAR(1)" % d
        for t in DATE_TIMES:
            x = "SUBSTITUTE(%s,%s&CHAR(1),CHAR(1))" % (x, _xl_str(t))
        return x

    def separators(z):
        x = 'SUBSTITUTE(SUBSTITUTE(%s,CHAR(1),"")," ","")' % z
        for dgt in "0123456789":
            x = 'SUBSTITUTE(%s,"%s","")' % (x, dgt)
        return x

    def dashed(z):
        x = 'SUBSTITUTE(%s,CHAR(1),"")' % z
        for sep in ("年", "月", "/", "."):
            x = 'SUBSTITUTE(%s,"%s","-")' % (x, sep)
        return 'TRIM(SUBSTITUTE(SUBSTITUTE(SUBSTITUTE(%s,"日","")," -","-"),"- ","-"))' % x

    def shape(e):
        x = e
        for dgt in "012345678":
            x = 'SUBSTITUTE(%s,"%s","9")' % (x, dgt)
        return x

    kinds = [a + b for a in DATE_SEPARATORS for b in DATE_SEPARATORS]
    allowed = kinds + [k + "T" for k in kinds] + ["年月", "年月日", ""]
    return [
        ("W", lambda n: spaces_as_blank(n["r"])),
        ("D", lambda n: "TRIM(ASC(%s))" % n["W"]),
        ("Z", lambda n: zeros_dropped(n["D"])),
        ("K", lambda n: 'SUBSTITUTE(%s&REPT("T",LEN(%s)<=LEN(%s)),CHAR(1),"")' % (separators(n["Z"]), n["Z"], n["D"])),
        ("E", lambda n: dashed(n["Z"])),
        ("G", lambda n: ('AND(SUMPRODUCT(--EXACT({k},{kinds}))>0,OR(ISERROR(FIND("日",{d})),RIGHT({d},1)="日"),'
                         'SUMPRODUCT(--EXACT({shape},{shapes}))>0,LEFT({e},4)>="1900")').format(
            k=n["K"], kinds=_xl_array(allowed), d=n["D"], shape=shape(n["E"]), shapes=_xl_array(DATE_SHAPES), e=n["E"])),
        ("T", lambda n: 'VALUE(IF(ISERROR(FIND("-",{e})),TEXT(VALUE({e}),"0000-00-00"),{e}))'.format(e=n["E"])),
        ("S", lambda n: ('IF(AND({r}>={lo},{r}<={hi},{r}=INT({r})),IFERROR(VALUE(TEXT({r},"0000-00-00")),{r}),INT({r}))'
                         .format(r=n["r"], lo=YYYYMMDD[0], hi=YYYYMMDD[1]))),
        ("V", lambda n: "IF(ISNUMBER({r}),{s},IFERROR(IF({g},{t},{r}),{r}))".format(r=n["r"], s=n["S"], g=n["G"], t=n["T"])),
    ]


class DateRule(FieldRule):
    kind_text = "日期"

    def steps(self, f):
        return _date_steps()

    def accept_formula(self, f, ref, names):
        x = {k: step_name(f.id, k) for k in ("W", "G", "T", "S")}
        return ("IF(LEN(TRIM({w}))=0,FALSE,IF(ISNUMBER({r}),{num},IFERROR(AND({g},{typed}),FALSE)))"
                .format(w=x["W"], r=ref, g=x["G"], num=self.in_range(f, x["S"]), typed=self.in_range(f, x["T"])))

    def in_range(self, f, x):
        return "AND(%s>=%d,%s<=%d)" % (x, serial(f.min), x, serial(f.max))

    def validation(self, f, ref, names):
        return dict(type="date", operator="between",
                    formula1=str(serial(f.min)), formula2=str(serial(f.max)))

    def valid_formula(self, f, ref, names):
        return "IF(ISNUMBER(%s),%s,FALSE)" % (ref, self.in_range(f, ref))

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

    def normal_body(self, f, ref, n):
        # twin of normalise._product_code: ASC, no SPACES; a number as its digits
        return 'IF(ISNUMBER(%s),%s,SUBSTITUTE(ASC(%s)," ",""))' % (ref, _number_text(ref), n["W"])

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
HALF_ALNUM = ("0123456789", "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def is_english(text):
    """An English name has no character outside printable ASCII: "Servo Motor" is English,
    "CNC冲孔机床", "LED驱动电源" and "5G模组" are not (notice 六(一)2: 请勿使用英文名称)."""
    return bool(text) and all(c in ASCII for c in text)


class ProductNameRule(FieldRule):
    kind_text = "中文名称（可含CNC、LED等字母），多个产品以“、”分隔"

    def steps(self, f):
        """Twin of normalise._product_name: the ends trimmed, full-width digits and Latin letters
        half-width (only those: ASC would change the Chinese punctuation too)."""
        def half(chars):
            def fn(n, chars=chars):
                x = n["M"] if chars == HALF_ALNUM[0] else n["H%d" % (HALF_ALNUM.index(chars) - 1)]
                for c in chars:
                    x = 'SUBSTITUTE(%s,"%s","%s")' % (x, chr(ord(c) + 0xFEE0), c)
                return x
            return fn
        return ([("W", lambda n: spaces_as_blank(n["r"]))] + _trim_steps() + [("M", _trimmed)]
                + [("H%d" % i, half(chars)) for i, chars in enumerate(HALF_ALNUM)]
                + [("V", lambda n: "IF(ISNUMBER(%s),%s,%s)" % (n["r"], n["r"], n["H%d" % (len(HALF_ALNUM) - 1)]))])

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
    "longtext": TextRule(trim=False),
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


def missing_problem(f):
    """The problem of a required field left blank."""
    return problem("required-missing", hint=f.help or "请填写" + f.label)


def check_field(f, v, lists, values=None):
    """Python twin of a field's Excel validation: problems for one (normalised) value."""
    if is_blank(v):
        return [missing_problem(f)] if required_now(f, values or {}) else []
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
        # digits only before MATCH, whose wildcards would find "3*" (size_row looks the two characters up)
        out = [("H_size_row", 'IF({%s}="",0,IF(ISERROR(-LEFT({%s},2)),0,IFERROR(MATCH(LEFT({%s},2),{L_size_code},0),0)))'
                % (self.industry, self.industry, self.industry))]
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


def formula_like_excel(ref, spaced=None):
    """Twin of check._looks_like_formula: text starting with = or ＝ (a pasted formula), SPACES
    trimmed; `spaced` is the text with every SPACES character a space (the field's W step)."""
    w = spaced or ref
    return 'AND(ISTEXT({r}),LEN(TRIM({w}))>1,OR(LEFT(TRIM({w}),1)="=",LEFT(TRIM({w}),1)="＝"))'.format(r=ref, w=w)


def field_state_excel(f, ref, norm, names):
    """0 fine (or optional and blank), 1 breaks its rule, 2 required and blank, 3 accepted and will be
    normalised by `check`. `norm` is the cell holding the normal_formula; `names` resolve {field}
    placeholders of required_if to normalised values."""
    rule = FIELD_RULES[f.type]
    required = "TRUE" if f.required else (_required_if_excel(f).format_map(names) if f.required_if else "FALSE")
    changed = 'OR(ISNUMBER({r})<>ISNUMBER({n}),NOT(EXACT({r}&"",{n}&"")))'.format(r=ref, n=norm)
    return 'IF({n}="",IF({req},2,0),IF(OR({fl},NOT({ok})),1,IF({ch},3,0)))'.format(
        n=norm, req=required, fl=formula_like_excel(ref, step_name(f.id, "W")), ok=_valid_on(rule, f, norm, names), ch=changed)


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
    return "AND(NOT(%s),%s)" % (formula_like_excel(ref, step_name(f.id, "W")), rule.accept_formula(f, ref, names))


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
