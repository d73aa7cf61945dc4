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
