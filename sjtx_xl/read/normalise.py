"""Normalise one raw value for one field, and say so: every change yields a `normalised` warning
that names the original value. Nothing is changed silently, and nothing is guessed: a value that
cannot be normalised unambiguously is returned exactly as found, for the field rule to reject.

`normalise(field, value, lists, date_formatted=None) -> (value, [Problem])`; date_formatted is
True/False for a number in a date field (shown as a date or not), "percent" for a number shown
with a % format.
"""
import datetime as _dt
import re
import unicodedata

from .. import reference
from ..problems import problem
from ..rules import EXCEL_EPOCH, ShareRule, is_number
from ..spec.model import NUMBER_TYPES

SPACES = " \t\r\n\u3000\xa0\u2002\u2003\u2009\u200b\ufeff"
NUMERIC = NUMBER_TYPES
UNITS = ("万元", "人", "个", "项", "户", "次", "份")
YES = {"是", "√", "☑", "✓", "✔", "y", "yes", "有", "是的", "对"}
NO = {"否", "×", "✗", "✘", "☐", "☒", "□", "n", "no", "无", "没有", "不是"}
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_DATE_TEXT = (
    re.compile(r"^(\d{4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})(?:[ T]0{1,2}:0{2}(?::0{2}(?:\.0+)?)?)?$"),
    re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
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


def _half(s):
    """Full-width ASCII (digits, letters, signs) and ideographic space to half-width (NFKC)."""
    return unicodedata.normalize("NFKC", s)


def _half_alnum(s):
    """Only full-width digits and Latin letters to half-width; Chinese punctuation is kept."""
    return "".join(chr(ord(c) - 0xFEE0) if "\uff10" <= c <= "\uff19" or "\uff21" <= c <= "\uff3a"
                   or "\uff41" <= c <= "\uff5a" else c for c in s)


def _squeeze(s):
    return re.sub(r"\s+", "", _half(s)).lower()


def _note(orig, new, how=""):
    return problem("normalised", value=fmt(orig), detail=fmt(new) + how)


def from_serial(x):
    """Excel serial (1900 system) -> date, or None when it cannot be a calendar date here."""
    if not is_number(x) or x < 1 or x >= 2958466 or x != int(x):
        return None
    return EXCEL_EPOCH + _dt.timedelta(days=int(x))


def parse_date_text(s):
    s = _half(trim(s))
    for pat in _DATE_TEXT:
        m = pat.match(s)
        if m:
            try:
                return _dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                return None
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
    s = _half(trim(v)).replace(" ", "")
    if _THOUSANDS.match(s):
        s = s.replace(",", "")
    units = ("%",) if f.type in ("share", "rate") else tuple(u for u in UNITS if u == f.unit)
    for u in units:
        if s.endswith(u) and len(s) > len(u):
            s = s[: -len(u)].strip()
            if _THOUSANDS.match(s):
                s = s.replace(",", "")
            break
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
    new = re.sub(r"[\s\-]", "", _half(v)).upper()
    return (new, [_note(v, new)]) if new != v else (v, [])


def _product_code(f, v, lists, date_formatted):
    if is_number(v):
        new = fmt(v)
        return new, [_note(v, new, "（数字按文本读取，开头的0可能已丢失）")]
    if not isinstance(v, str):
        return v, []
    new = re.sub(r"\s", "", _half(v))
    return (new, [_note(v, new)]) if new != v else (v, [])


def _date(f, v, lists, date_formatted):
    if isinstance(v, _dt.datetime):
        if v.time() == _dt.time(0):
            return v.date(), []
        return v.date(), [_note(v, v.date())]
    if isinstance(v, _dt.date):
        return v, []
    if is_number(v):
        d = from_serial(v)
        if d is None:
            return v, []
        return d, ([] if date_formatted else [_note(v, d, "（日期序列号）")])
    if isinstance(v, str):
        d = parse_date_text(v)
        if d is not None:
            return d, [_note(v, d, "（文本日期）")]
    return v, []


def _choice(f, v, lists, date_formatted):
    choices = lists[f.choices]
    if f.choices == "industry" and (is_number(v) or isinstance(v, str)):
        if isinstance(v, str) and v in choices:
            return v, []
        m = reference.parse_industry(v)
        if m is not None:
            new = reference.division_label(m.code)
            return new, [_note(v, new)]
        return v, []
    if isinstance(v, bool) and set(choices) == {"是", "否"}:
        new = "是" if v else "否"
        return new, [_note(v, new)]
    if not isinstance(v, str):
        return v, []
    if v in choices:
        return v, []
    s = trim(v)
    if s in choices:
        return s, [_note(v, s)]
    if f.choices == "platforms":          # 附件2: the exact published name (its （国家） mark is the level)
        mark = reference.NATIONAL_MARK
        if s.endswith(mark) and s[: -len(mark)] in choices:
            return s[: -len(mark)], [_note(v, s[: -len(mark)], "（级别另列）")]
        return v, []
    if set(choices) == {"是", "否"}:
        key = _half(s).lower()
        if key in YES:
            return "是", [_note(v, "是")]
        if key in NO:
            return "否", [_note(v, "否")]
        return v, []
    key = _squeeze(s)
    hits = [c for c in choices if _squeeze(c) == key]
    if len(hits) == 1:
        return hits[0], [_note(v, hits[0])]
    return v, []


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
    "uscc": _uscc, "product_code": _product_code, "date": _date, "choice": _choice, "multichoice": _text,
    "text": _text, "longtext": _longtext, "product_name": _product_name,
}
