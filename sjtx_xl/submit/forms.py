"""Each recommended enterprise's 附件5 基本情况表 and 附件6 目标表, in the official layout, one file each.

The layout is the spec's own (the sheets 附件5/附件6 of the enterprise template, which reproduce the
notice's forms): its static texts and its fields at their cells, column widths and merged ranges,
with the enterprise's values in place of the inputs. Only what the forms ask for is written: no aid
fields, no 自检, no hidden sheets. Rows are as tall as their text needs; a text too long for one
row continues on 附页.
"""
import datetime as _dt
import re

from .. import spec
from . import paging
from .lists import close, new_workbook

SHEETS = ("a5", "a6")
_ECHO = re.compile(r'^=IF\(\{(\w+)\}="","",\{\1\}\)$')      # an echo of another field (附件6's 企业名称)
STYLE = {
    "title": dict(font_name="黑体", font_size=16, bold=True, align="center", valign="vcenter", text_wrap=True),
    "subtitle": dict(font_size=10, align="center", valign="vcenter", text_wrap=True),
    "label": dict(font_size=10.5, valign="vcenter", text_wrap=True, border=1),
    "header": dict(font_size=10.5, bold=True, align="center", valign="vcenter", text_wrap=True, border=1),
    "subheader": dict(font_size=9, align="center", valign="vcenter", text_wrap=True, border=1),
    "section": dict(font_size=11, bold=True, valign="vcenter", text_wrap=True, border=1),
    "note": dict(font_size=9, valign="top", text_wrap=True),
    "na": dict(font_size=10, align="center", valign="vcenter", text_wrap=True, border=1),
    "value": dict(font_size=10.5, valign="vcenter", text_wrap=True, border=1),
    "long": dict(font_size=10.5, valign="top", text_wrap=True, border=1),
    "date": dict(font_size=10.5, valign="vcenter", border=1, num_format="yyyy-mm-dd", align="left"),
}


def _rc(a1):
    m = re.match(r"([A-Z]+)(\d+)$", a1)
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)) - 1, col - 1


def _span(cell, span):
    r0, c0 = _rc(cell)
    if not span or ":" not in span:
        return r0, c0, r0, c0
    a, b = span.split(":")
    (r0, c0), (r1, c1) = _rc(a), _rc(b)
    return r0, c0, r1, c1


def _text(v):
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v)


def _put(ws, box, v, fmt):
    r0, c0, r1, c1 = box
    if (r0, c0) != (r1, c1):
        ws.merge_range(r0, c0, r1, c1, "", fmt)
    if isinstance(v, _dt.date):
        ws.write_datetime(r0, c0, _dt.datetime(v.year, v.month, v.day), fmt)
    elif isinstance(v, (int, float)) and not isinstance(v, bool):
        ws.write_number(r0, c0, v, fmt)
    elif v not in (None, ""):
        ws.write_string(r0, c0, str(v), fmt)
    elif (r0, c0) == (r1, c1):
        ws.write_blank(r0, c0, None, fmt)


def write_sheet(wb, fmts, sheet, values, att, who):
    form, lay = spec.form("enterprise"), spec.layout("enterprise")
    s = form.sheet(sheet)
    ws = wb.add_worksheet(lay.sheet_title[sheet])
    widths = {}
    for col, w in s.widths:
        c = _rc(col + "1")[1]
        widths[c] = w
        ws.set_column(c, c, w)
    need = {}                                               # row -> [(text, width)]

    def width(box):
        return sum(widths.get(c, 8.43) for c in range(box[1], box[3] + 1))

    def note(box, text):
        need.setdefault(box[0], []).append((text, width(box)))

    for t in form.texts:
        if t.sheet != sheet:
            continue
        box = _span(t.cell, t.span)
        _put(ws, box, t.text, fmts.get(t.style, fmts["label"]))
        if t.style != "title":
            note(box, t.text)
    for f in form.fields:
        if f.sheet != sheet or f.aid:
            continue
        box = _span(f.cell, f.span)
        v = values.get(f.id)
        if isinstance(v, str):
            v = att.cell_text(v, width(box), "%s——%s" % (who, f.label))
        fmt = fmts["date"] if f.type == "date" else fmts["long" if f.type == "longtext" else "value"]
        _put(ws, box, v, fmt)
        note(box, _text(v))
    for x in form.formulas:
        m = _ECHO.match(x.formula)
        if x.sheet == sheet and m:
            box = _span(x.cell, x.span)
            _put(ws, box, values.get(m.group(1)), fmts["value"])
            note(box, _text(values.get(m.group(1))))
    for row, cells in need.items():
        ws.set_row(row, max(paging.height(cells), 20))
    ws.set_row(0, 32)
    repeat = None
    if s.print_title_rows:
        a, b = s.print_title_rows.split(":")
        repeat = (int(a) - 1, int(b) - 1)
    paging.a4(ws, landscape=s.landscape, footer=lay.sheet_title[sheet].split(" ")[0] + "　", repeat=repeat)
    return ws


def write_enterprise(path, e):
    """附件5 and 附件6 of one enterprise (and 附页 when a text needs it)."""
    wb = new_workbook(path, "%s 附件5、附件6" % e.name)
    base = {"font_name": "宋体"}
    fmts = {k: wb.add_format(dict(base, **v)) for k, v in STYLE.items()}
    att = paging.Attachments()
    for sheet in SHEETS:
        write_sheet(wb, fmts, sheet, e.values, att, e.name)
    att.write(wb, fmts["long"], fmts["section"], "附页　")
    close(wb)
    return att.items
