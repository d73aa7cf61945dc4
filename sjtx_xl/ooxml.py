"""Just enough SpreadsheetML to find sheets and defined names without a spreadsheet library.

Used by `fill` (writes values into a copy of a template) and by the reader; both work on the
zip directly, which is fast and never re-saves anything through openpyxl.
"""
import posixpath
import re
import xml.etree.ElementTree as ET

NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}
_R_ID = "{%s}id" % NS["r"]
_REF_RE = re.compile(r"^(?:'((?:[^']|'')+)'|([^!]+))!\$?([A-Z]{1,3})\$?(\d+)$")


def workbook_part(zf):
    """Path of the workbook part, from the package relationships (usually xl/workbook.xml)."""
    try:
        rels = ET.fromstring(zf.read("_rels/.rels"))
        for rel in rels.findall("rel:Relationship", NS):
            if rel.get("Type", "").endswith("/officeDocument"):
                return rel.get("Target").lstrip("/")
    except KeyError:
        pass
    return "xl/workbook.xml"


def sheets(zf):
    """[(title, part path, state)] in workbook order."""
    wb_part = workbook_part(zf)
    base = posixpath.dirname(wb_part)
    rels_part = posixpath.join(base, "_rels", posixpath.basename(wb_part) + ".rels")
    targets = {}
    for rel in ET.fromstring(zf.read(rels_part)).findall("rel:Relationship", NS):
        t = rel.get("Target")
        targets[rel.get("Id")] = t.lstrip("/") if t.startswith("/") else posixpath.normpath(posixpath.join(base, t))
    wb = ET.fromstring(zf.read(wb_part))
    out = []
    for s in wb.findall("m:sheets/m:sheet", NS):
        out.append((s.get("name"), targets.get(s.get(_R_ID)), s.get("state", "visible")))
    return out


def defined_names(zf):
    """{name: (sheet title, A1 cell)} for global names that refer to a single cell."""
    wb = ET.fromstring(zf.read(workbook_part(zf)))
    out = {}
    for dn in wb.findall("m:definedNames/m:definedName", NS):
        if dn.get("localSheetId") is not None:
            continue
        m = _REF_RE.match((dn.text or "").strip())
        if m:
            sheet = (m.group(1) or "").replace("''", "'") or m.group(2)
            out[dn.get("name")] = (sheet, m.group(3) + m.group(4))
    return out


def col_row(a1):
    m = re.match(r"^([A-Z]{1,3})(\d+)$", a1)
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    return col - 1, int(m.group(2)) - 1


def a1(col, row):
    """0-based (col, row) -> "B3"."""
    letters = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return "%s%d" % (letters, row + 1)


# --------------------------------------------------------------------------- cell XML (writing)
# Cells as Excel and XlsxWriter write them: inline strings (user text is never a formula), numbers
# with 17 significant digits, dates as serials of the 1900 system. Text is XML-escaped, and the
# characters XML 1.0 cannot hold become _xHHHH_ (a literal _xHHHH_ is protected as _x005F_xHHHH_).

MAX_CELL_TEXT = 32767
_NEEDS_ESCAPE = re.compile(r"[&<>\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_")
_LITERAL_ESCAPE = re.compile("(_x[0-9a-fA-F]{4}_)")
_CONTROL = re.compile(r"([\x00-\x08\x0b-\x1f])")


def escape_text(s):
    """Text for a <t> element or an attribute value in double quotes."""
    if not _NEEDS_ESCAPE.search(s):
        return s.replace('"', "&quot;") if '"' in s else s
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    s = _LITERAL_ESCAPE.sub(r"_x005F\1", s)
    s = _CONTROL.sub(lambda m: "_x%04X_" % ord(m.group(1)), s)
    return s.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")


def column_letters(col):
    """0-based column -> "A", "AB"."""
    return a1(col, 0)[:-1]


_EPOCH = None


def excel_serial(v):
    """Excel's serial number of a date or naive datetime (1900 system, with its phantom 1900-02-29)."""
    import datetime as dt
    global _EPOCH
    if _EPOCH is None:
        _EPOCH = dt.datetime(1899, 12, 31)
    if not isinstance(v, dt.datetime):
        v = dt.datetime(v.year, v.month, v.day)
    d = v.replace(tzinfo=None) - _EPOCH
    x = d.days + (d.seconds + d.microseconds / 1e6) / 86400
    return x + 1 if x > 59 else x


def text_cell(ref, text, style=None):
    """An inline-string cell; '' for empty text without a style."""
    s = ' s="%d"' % style if style else ""
    if not text:
        return '<c r="%s"%s/>' % (ref, s) if s else ""
    text = escape_text(text[:MAX_CELL_TEXT])
    space = ' xml:space="preserve"' if (text[0] in " \t\n" or text[-1] in " \t\n") else ""
    return '<c r="%s"%s t="inlineStr"><is><t%s>%s</t></is></c>' % (ref, s, space, text)


def number_cell(ref, x, style=None):
    s = ' s="%d"' % style if style else ""
    return '<c r="%s"%s><v>%.16G</v></c>' % (ref, s, x)


def value_cell(ref, v, style=None):
    """A cell for a Python value: str, bool (是/否), finite number, date/datetime; anything else as text."""
    import datetime as dt
    import math
    if v is None or isinstance(v, str):
        return text_cell(ref, v, style)
    if isinstance(v, bool):
        return text_cell(ref, "是" if v else "否", style)
    if isinstance(v, (int, float)) and math.isfinite(v):
        return number_cell(ref, v, style)
    if isinstance(v, (dt.date, dt.datetime)):
        return number_cell(ref, excel_serial(v), style)
    return text_cell(ref, str(v), style)
