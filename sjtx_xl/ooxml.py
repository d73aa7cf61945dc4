"""The one place that knows SpreadsheetML: package parts, relationships, defined names, A1
references, dates, cell XML and its escaping.

The reader, `fill`, `lint`, the demo generator and the summary writers all work on the zip
directly (fast, and a user's file is never re-saved through openpyxl); they share this module so
that a part, a name or a cell means the same thing to all of them. Parsing XML that may be hostile
is the caller's business: functions here that take an element never parse bytes themselves.
"""
import datetime as _dt
import functools
import io
import math
import numbers
import posixpath
import re
import xml.etree.ElementTree as ET
import zipfile

NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}
MAIN_NAMESPACES = ("http://schemas.openxmlformats.org/spreadsheetml/2006/main",
                   "http://purl.oclc.org/ooxml/spreadsheetml/main")          # transitional, strict
REL_NAMESPACES = ("http://schemas.openxmlformats.org/officeDocument/2006/relationships",
                  "http://purl.oclc.org/ooxml/officeDocument/relationships")
_NAME_REF = re.compile(r"^(?:'((?:[^']|'')+)'|([^!'\s]+))!\$?([A-Za-z]{1,3})\$?(\d{1,7})$")
_A1 = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d{1,7})$")

# --- package parts and relationships --------------------------------------------------------


def local(tag):
    """Tag without its namespace: '{ns}sheet' -> 'sheet'."""
    return tag.rsplit("}", 1)[-1]


def rels_part(part):
    """The relationships part of `part` ('' for the package): xl/workbook.xml -> xl/_rels/workbook.xml.rels."""
    d, b = posixpath.split(part)
    return posixpath.join(d, "_rels", b + ".rels")


def resolve(source_part, target):
    """A relationship target as a part name, relative to the part that holds the relationship."""
    if target.startswith("/"):
        return posixpath.normpath(target).lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(source_part), target))


def relationships(root, source_part):
    """{id: (type, part)} of a parsed relationships part; external targets are left out."""
    out = {}
    for rel in root:
        if local(rel.tag) != "Relationship" or rel.get("TargetMode") == "External":
            continue
        out[rel.get("Id")] = (rel.get("Type", ""), resolve(source_part, rel.get("Target", "")))
    return out


def office_document(root):
    """The workbook part named by parsed package relationships (_rels/.rels), or None."""
    for rtype, part in relationships(root, "").values():
        if rtype.endswith("/officeDocument"):
            return part
    return None


def r_id(elem):
    """The r:id attribute of an element, in either relationships namespace."""
    for ns in REL_NAMESPACES:
        v = elem.get("{%s}id" % ns)
        if v is not None:
            return v
    return None


@functools.lru_cache(maxsize=4096)
def single_cell(text):
    """(sheet title, A1) of a defined name's formula that is one cell, else None."""
    m = _NAME_REF.match(text.strip())
    if m is None:
        return None
    return (m.group(1) or "").replace("''", "'") or m.group(2), m.group(3).upper() + m.group(4)


def workbook_info(root):
    """([(sheet title, relationship id, state)], {global single-cell name: (sheet, A1)}, date1904)
    of a parsed workbook part."""
    sheets, names, date1904 = [], {}, False
    for el in root:
        name = local(el.tag)
        if name == "sheets":
            for sh in el:
                sheets.append((sh.get("name"), r_id(sh), sh.get("state", "visible")))
        elif name == "definedNames":
            for dn in el:
                if dn.get("localSheetId") is None:
                    ref = single_cell(dn.text or "")
                    if ref:
                        names[dn.get("name")] = ref
        elif name == "workbookPr":
            date1904 = el.get("date1904", "").strip().lower() in ("1", "true")
    return sheets, names, date1904


def inflated_size(zf):
    """Bytes the package's members inflate to, as its central directory declares them (a zipfile.ZipFile):
    what a summary's size limits and the choice of a pool are judged by, before anything is inflated."""
    return sum(i.file_size for i in zf.infolist())


def workbook_part(zf):
    """Path of the workbook part, from the package relationships (usually xl/workbook.xml)."""
    try:
        return office_document(ET.fromstring(zf.read("_rels/.rels"))) or "xl/workbook.xml"
    except KeyError:
        return "xl/workbook.xml"


def sheets(zf):
    """[(title, part path, state)] in workbook order, of a trusted package (our own templates)."""
    wb_part = workbook_part(zf)
    rels = relationships(ET.fromstring(zf.read(rels_part(wb_part))), wb_part)
    listed, _, _ = workbook_info(ET.fromstring(zf.read(wb_part)))
    return [(title, rels.get(rid, ("", None))[1], state) for title, rid, state in listed]


def defined_names(zf):
    """{name: (sheet title, A1 cell)} for global names that refer to a single cell."""
    return workbook_info(ET.fromstring(zf.read(workbook_part(zf))))[1]


_MODIFIED = re.compile(rb"<dcterms:modified\b[^>]*>([^<]{1,64})</dcterms:modified>")
_MODIFIED_PARTS = re.compile(rb"(<dcterms:modified\b[^>]*>)[^<]{1,64}(</dcterms:modified>)")


def stamp_modified(core_xml, when):
    """docProps/core.xml bytes with dcterms:modified set to `when` (an aware or UTC datetime), as
    Excel and WPS do on every save: the duplicate rule trusts this time over a copy's mtime."""
    if when.tzinfo:
        when = when.astimezone(_dt.timezone.utc)
    text = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode("ascii")
    return _MODIFIED_PARTS.sub(lambda m: m.group(1) + text + m.group(2), core_xml, count=1)


def last_saved(source, read=None):
    """When the package says it was last saved (docProps/core.xml dcterms:modified), as a naive UTC
    datetime, or None. `source` is a path, bytes or an open zipfile.ZipFile; `read(name)` reads the
    part (default: zipfile's read; the reader passes its own). Never raises."""
    try:
        if isinstance(source, zipfile.ZipFile):
            zf = source
        else:
            zf = zipfile.ZipFile(io.BytesIO(source) if isinstance(source, (bytes, bytearray)) else source)
        info = zf.getinfo("docProps/core.xml")
        if info.file_size > 1024 * 1024:
            return None
        m = _MODIFIED.search(read(info.filename) if read else zf.read(info))
        if not m:
            return None
        text = m.group(1).decode("ascii").strip()
        t = _dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        return t.astimezone(_dt.timezone.utc).replace(tzinfo=None) if t.tzinfo else t
    except Exception:          # a missing, damaged or foreign part just means "not known"
        return None


# --- A1 references ----------------------------------------------------------------------------

def col_index(letters):
    """'A' -> 0, 'AA' -> 26."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n - 1


def col_row(a1):
    """"B3" (or "$B$3") -> 0-based (col, row)."""
    m = _A1.match(a1)
    if m is None:
        raise ValueError("not an A1 reference: %r" % a1)
    return col_index(m.group(1)), int(m.group(2)) - 1


def a1(col, row):
    """0-based (col, row) -> "B3"."""
    letters = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return "%s%d" % (letters, row + 1)


# --- dates ------------------------------------------------------------------------------------
EPOCH_1900 = _dt.datetime(1899, 12, 30)     # serial 0, counting Excel's phantom 1900-02-29 from serial 61
EPOCH_1904 = _dt.datetime(1904, 1, 1)
DAYS_1904 = 1462                            # a 1904-system serial + 1462 = the same day's 1900 serial


def serial(v, date1904=False):
    """Serial number of a date or naive datetime in the workbook's date system."""
    if not isinstance(v, _dt.datetime):
        v = _dt.datetime(v.year, v.month, v.day)
    d = v.replace(tzinfo=None) - (EPOCH_1904 if date1904 else EPOCH_1900)
    x = d.days + (d.seconds + d.microseconds / 1e6) / 86400
    if not date1904 and x < 61:
        x -= 1                                 # before Excel's 1900-02-29 the serials are one less
    return int(x) if x == int(x) else x


def from_serial(x, date1904=False):
    """The datetime a serial shows, exactly as openpyxl reads it (so 1900-02-29, which never was,
    shows as 1900-02-28), or None when it is no date Excel shows."""
    if isinstance(x, bool) or not isinstance(x, numbers.Real) or not math.isfinite(x):
        return None
    if not 0 <= x < (2957004 if date1904 else 2958466):
        return None
    day, fraction = divmod(x, 1)
    if not date1904 and x < 60:
        day += 1
    return ((EPOCH_1904 if date1904 else EPOCH_1900) + _dt.timedelta(days=day)
            + _dt.timedelta(milliseconds=round(fraction * 86400000)))


# --- cell XML ---------------------------------------------------------------------------------
# Characters XML 1.0 cannot hold are stored as _xHHHH_, as Excel and XlsxWriter store them; a
# literal "_xHHHH_" in the text is itself escaped (_x005F_xHHHH_), so every character survives.
_NEEDS_ESCAPE = re.compile(r"[&<>\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_")
_LITERAL = re.compile("(_x[0-9a-fA-F]{4}_)")
_CONTROL = re.compile("([\x00-\x08\x0b-\x1f\ufffe\uffff])")
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")


def escape_text(s):
    """Text for a <t> element: XML escaped, control characters as _xHHHH_ (tab and line feed kept)."""
    if "_x" not in s and "&" not in s and "<" not in s and ">" not in s and (s.isprintable() or not _CONTROL.search(s)):
        return s                            # the usual case, by substring scans (a regex per character is slower)
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    s = _LITERAL.sub(r"_x005F\1", s)
    return _CONTROL.sub(lambda m: "_x%04X_" % ord(m.group(1)), s)


def unescape_text(s):
    """The text a <t> element's character data stands for: _xHHHH_ -> the character."""
    if "_x" not in s:
        return s
    return _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), s)


def cell_xml(ref, value, style=None):
    """One <c> element holding `value`: a number as a number, a date or datetime as its serial
    (1900 system), True/False as 是/否, anything else as an inline string, never as a formula
    (text starting with "=" stays text). `style` is a cellXfs index or None; None or "" as the
    value gives an empty styled cell, or "" without a style. Text is not truncated here."""
    s = ' s="%s"' % style if style else ""
    if value is None or value == "":
        return '<c r="%s"%s/>' % (ref, s) if s else ""
    if isinstance(value, bool):
        value = "是" if value else "否"
    elif isinstance(value, numbers.Real) and math.isfinite(value):
        return '<c r="%s"%s><v>%s</v></c>' % (ref, s, repr(float(value)) if isinstance(value, float) else int(value))
    elif isinstance(value, (_dt.date, _dt.datetime)):
        return '<c r="%s"%s><v>%s</v></c>' % (ref, s, serial(value))
    text = escape_text(str(value))
    space = ' xml:space="preserve"' if text[:1] in (" ", "\t", "\n") or text[-1:] in (" ", "\t", "\n") else ""
    return '<c r="%s"%s t="inlineStr"><is><t%s>%s</t></is></c>' % (ref, s, space, text)


def _cell_pattern(ref):
    return re.compile(r'<c r="%s"(?=[\s/>])([^>]*?)(?:/>|>.*?</c>)' % re.escape(ref), re.S)


_STYLE_ATTR = re.compile(r'\ss="(\d+)"')


def cell_style(sheet_xml, ref):
    """The style index of the cell `ref` in a sheet's XML text (0 when unstyled), or None when the
    sheet stores no such cell."""
    m = _cell_pattern(ref).search(sheet_xml)
    if m is None:
        return None
    s = _STYLE_ATTR.search(m.group(1))
    return int(s.group(1)) if s else 0


def replace_cell(sheet_xml, ref, value, style=None):
    """A sheet's XML text with the stored cell `ref` replaced by one holding `value` (cell_xml), in
    the cell's own style unless `style` is given; None when the sheet stores no such cell (our
    templates store every input cell, empty and styled)."""
    m = _cell_pattern(ref).search(sheet_xml)
    if m is None:
        return None
    if style is None:
        s = _STYLE_ATTR.search(m.group(1))
        style = s.group(1) if s else None
    return sheet_xml[:m.start()] + cell_xml(ref, value, style) + sheet_xml[m.end():]
