"""Normalise one raw value for one field, and say so: every change yields a `normalised` warning
that names the original value. Nothing is changed silently, and nothing is guessed: a value that
cannot be normalised unambiguously is returned exactly as found, for the field rule to reject.

`normalise(field, value, lists, date_formatted=None) -> (value, [Problem])`; date_formatted is
True/False for a number in a date field (shown as a date or not), "percent" for a number shown
with a % format.

Each normalisation has an Excel twin in rules.py (FieldRule.steps), which the 自检 and the cells'
validation compute, so a value is "accepted and will be normalised" in the template exactly when it is
here; tests/test_check_lo.py types both sides' inputs through Calc and compares. Hence the rules are
those Excel's classic functions can follow: full-width to half-width is ASC's (_asc), not NFKC (which
also reads "10²" as 102); spaces are the characters of SPACES.
"""
import datetime as _dt
import math
import re

from .. import reference
from ..problems import problem, shown
from ..rules import EXCEL_EPOCH, SPACES, THOUSANDS_GROUPS, YYYYMMDD, ShareRule, is_number, number_unit

YES = {"是", "√", "☑", "✓", "✔", "y", "yes", "有", "是的", "对"}
NO = {"否", "×", "✗", "✘", "☐", "☒", "□", "n", "no", "无", "没有", "不是"}
_NUMBER = re.compile(r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$")
_THOUSANDS = re.compile(r"^[+-]?[0-9]{1,3}(,[0-9]{3}){1,%d}(\.[0-9]+)?$" % THOUSANDS_GROUPS)
# on the text as _collapse leaves it (so " ?" is any run of spaces)
_DATE_TEXT = (
    re.compile(r"^([0-9]{4}) ?[-/.] ?([0-9]{1,2}) ?[-/.] ?([0-9]{1,2})(?:[ T]0{1,2}:00(?::00(?:\.0{1,3})?)?)?$"),
    re.compile(r"^([0-9]{4}) ?年 ?([0-9]{1,2}) ?月 ?([0-9]{1,2}) ?日?$"),
    re.compile(r"^([0-9]{4})([0-9]{2})([0-9]{2})$"),
)
_NO_SPACES = {ord(c): None for c in SPACES}
# built-in number formats that show dates (ECMA-376 18.8.30 and the CJK ids Excel uses)
DATE_FORMAT_IDS = set(range(14, 23)) | set(range(27, 37)) | set(range(45, 48)) | set(range(50, 59)) | set(range(71, 82))
_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')


def is_date_format(fmt_id, code=None):
    if code is None:
        return fmt_id in DATE_FORMAT_IDS
    bare = _QUOTED.sub("", code).lower()
    if not bare or bare == "general":
        return False
    return any(ch in bare for ch in "ymdhs")


def is_percent_format(fmt_id, code=None):
    """Does the number format show a percentage (so the stored 1 shows as 100%)?"""
    if code is None:
        return fmt_id in (9, 10)
    return "%" in _QUOTED.sub("", code)


def trim(s):
    return s.strip(SPACES)


def fmt(v):
    """A value as shown in messages."""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if is_number(v):
        return str(int(v)) if float(v).is_integer() else repr(float(v))
    if isinstance(v, (_dt.date, _dt.datetime)):
        return v.isoformat()
    return "" if v is None else str(v)


def _asc(s):
    """Excel's ASC as far as this form needs it: full-width ASCII (U+FF01-FF5E) and the ideographic space."""
    return "".join(chr(ord(c) - 0xFEE0) if "\uff01" <= c <= "\uff5e" else " " if c == "\u3000" else c for c in s)


def _nospace(s):
    """Every SPACES character dropped."""
    return s.translate(_NO_SPACES)


def _collapse(s):
    """TRIM(ASC()) of the text with every SPACES character a space: the ends trimmed, runs one space."""
    return re.sub(" +", " ", "".join(" " if c in SPACES else c for c in _asc(s))).strip(" ")


def _key(s):
    """A list item's key: ASC, no SPACES, lower case (the 自检 compares LOWER(SUBSTITUTE(ASC())))."""
    return _nospace(_asc(s)).lower()


def _half_alnum(s):
    """Only full-width digits and Latin letters to half-width; Chinese punctuation is kept."""
    return "".join(chr(ord(c) - 0xFEE0) if "\uff10" <= c <= "\uff19" or "\uff21" <= c <= "\uff3a"
                   or "\uff41" <= c <= "\uff5a" else c for c in s)


def _note(orig, new, how=""):
    return problem("normalised", value=fmt(orig), detail=shown(fmt(new)) + how)   # quoted as the value is


def from_serial(x):
    """Excel serial (1900 system, whole days) -> date, or None when it cannot be a calendar date here."""
    if not is_number(x) or x < 1 or x >= 2958466 or x != int(x):
        return None
    return EXCEL_EPOCH + _dt.timedelta(days=int(x))


def parse_date_text(s):
    s = _collapse(s)
    for pat in _DATE_TEXT:
        m = pat.match(s)
        if m:
            try:
                d = _dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                return None
            return d if d.year >= 1900 else None        # before Excel's dates: the 自检 cannot read it
    return None


def normalise(f, value, lists, date_formatted=None):
    """(normalised value, [normalised warnings]) for field `f` (a spec Field)."""
    if value is None:
        return None, []
    if isinstance(value, _dt.datetime) and f.type != "date":
        value = value.date() if value.time() == _dt.time(0) else value
    if isinstance(value, str) and value != "" and trim(value) == "":
        return None, [_note(value, "", "（空白）")]
    fn = _BY_TYPE.get(f.type, _text)
    return fn(f, value, lists, date_formatted)


def _number(f, v, lists, date_formatted):
    if date_formatted == "percent" and is_number(v) and not (f.type == "share" and ShareRule.shown_plain(v)):
        # 1 shown as 100%: the user saw 100 (a share above 1 the template shows plainly)
        x = round(float(v) * 100, 9)
        x = int(x) if x.is_integer() and abs(x) < 2**53 else x
        return x, [_note(v, x, "（单元格为百分比格式，显示为%s%%）" % fmt(x))]
    if isinstance(v, bool) or is_number(v) or not isinstance(v, str):
        return v, []
    s = _nospace(_asc(v))
    u = number_unit(f)                                   # the suffix the 自检 strips too
    if u and s.endswith(u) and len(s) > len(u):
        s = s[: -len(u)]
    if _THOUSANDS.match(s):
        s = s.replace(",", "")
    if not _NUMBER.match(s):
        return v, []
    x = float(s)
    x = int(x) if x.is_integer() and abs(x) < 2**53 else x
    how = "（文本按数字读取）" if s == trim(v) else ""
    return x, [_note(v, x, how)]


def _uscc(f, v, lists, date_formatted):
    if is_number(v):
        new = fmt(v)
        return new, [_note(v, new, "（数字按文本读取，长数字可能已丢失精度）")]
    if not isinstance(v, str):
        return v, []
    new = _nospace(_asc(v)).replace("-", "").upper()
    return (new, [_note(v, new)]) if new != v else (v, [])


def _product_code(f, v, lists, date_formatted):
    if is_number(v):
        new = fmt(v)
        return new, [_note(v, new, "（数字按文本读取，开头的0可能已丢失）")]
    if not isinstance(v, str):
        return v, []
    new = _nospace(_asc(v))
    return (new, [_note(v, new)]) if new != v else (v, [])


def _date(f, v, lists, date_formatted):
    if isinstance(v, _dt.datetime):
        if v.time() == _dt.time(0):
            return v.date(), []
        return v.date(), [_note(v, v.date())]
    if isinstance(v, _dt.date):
        return v, []
    if is_number(v) and v == int(v) and YYYYMMDD[0] <= v <= YYYYMMDD[1]:   # 20100501 typed: no serial is so big
        d = parse_date_text(str(int(v)))
        return (d, [_note(v, d, "（按年月日读取）")]) if d else (v, [])
    if is_number(v):
        d = from_serial(math.floor(v))
        if d is None:
            return v, []
        if d != from_serial(v):                 # a date and time: the date (the 自检 takes INT)
            return d, [_note(v, d, "（只取日期）")]
        return d, ([] if date_formatted else [_note(v, d, "（日期序列号）")])
    if isinstance(v, str):
        d = parse_date_text(v)
        if d is not None:
            return d, [_note(v, d, "（文本日期）")]
    return v, []


def _choice(f, v, lists, date_formatted):
    """The item itself; for 所属行业 a code and/or name (reference.parse_industry); TRUE/FALSE, √, Y ...
    in a 是/否 field; otherwise the one item whose _key equals the value's (for 附件2 also with its
    （国家） mark cut off: the level is apart). rules.ChoiceRule.steps is the 自检's twin."""
    choices = lists[f.choices]
    if f.choices == "industry" and (is_number(v) or isinstance(v, str)):
        if isinstance(v, str) and v in choices:
            return v, []
        m = reference.parse_industry(_nospace(_asc(v)) if isinstance(v, str) else v)
        if m is not None:
            new = reference.division_label(m.code)
            return new, [_note(v, new)]
        return v, []
    if isinstance(v, bool) and set(choices) == {"是", "否"}:
        new = "是" if v else "否"
        return new, [_note(v, new)]
    if not isinstance(v, str) or v in choices:
        return v, []
    key = _key(v)
    if set(choices) == {"是", "否"}:
        if key in YES:
            return "是", [_note(v, "是")]
        if key in NO:
            return "否", [_note(v, "否")]
        return v, []
    hits = [c for c in choices if _key(c) == key]
    if len(hits) == 1:
        return hits[0], [_note(v, hits[0])]
    mark = _key(reference.NATIONAL_MARK)
    if f.choices == "platforms" and key.endswith(mark):     # 附件2: the exact published name, the level apart
        hits = [c for c in choices if _key(c) == key[: -len(mark)]]
        if len(hits) == 1:
            return hits[0], [_note(v, hits[0], "（级别另列）")]
    return v, []


def _multichoice(f, v, lists, date_formatted):
    """Items separated by 、: every SPACES character dropped ("A 、 B" is "A、B"; no item holds one)."""
    if not isinstance(v, str):
        return v, []
    s = _nospace(v)
    return (s, [_note(v, s)]) if s != v else (v, [])


def _text(f, v, lists, date_formatted):
    if not isinstance(v, str):
        return v, []
    s = trim(v)
    return (s, [_note(v, s)]) if s != v else (v, [])


def _longtext(f, v, lists, date_formatted):
    return v, []                        # long texts are kept exactly (whitespace-only handled above)


def _product_name(f, v, lists, date_formatted):
    if not isinstance(v, str):
        return v, []
    s = _half_alnum(trim(v))
    return (s, [_note(v, s)]) if s != v else (v, [])


_BY_TYPE = {
    "int": _number, "decimal": _number, "share": _number, "rate": _number,
    "uscc": _uscc, "product_code": _product_code, "date": _date, "choice": _choice, "multichoice": _multichoice,
    "text": _text, "longtext": _longtext, "product_name": _product_name,
}
