"""Formats and small helpers shared by the sheet writers.

XlsxWriter writes the skeleton of every sheet (columns, titles, headers, print setup); the data
rows of the big sheets are rendered as cell XML (stream.py) with the formats' style indexes
(`Styles.x`). User text is always stored as a string (write_string, or inline strings), never as
a formula, whatever its first character.
"""
import functools
import types

from . import spill
from .xwinternals import xf_index

FONT = "宋体"
MAX_LINKS = 65000          # Excel keeps at most 65,530 hyperlinks per worksheet
MAX_URL = 2000             # Excel rejects longer link targets


class Styles:
    """The formats of one workbook, created once, first thing after the workbook.

    Their style indexes are fixed at once, in this order, so that a pool worker holding Styles of
    a scratch workbook (detached_styles) renders cells with the same indexes; `signature` tells.
    """

    def __init__(self, wb):
        made = []

        def fmt(**kw):
            base = {"font_name": FONT, "font_size": 11, "valign": "vcenter"}
            base.update(kw)
            made.append(wb.add_format(base))
            return made[-1]

        self.annex_label = fmt(font_name="黑体", font_size=14)
        self.title = fmt(bold=True, font_size=18, align="center")
        self.subtitle = fmt(font_size=12, align="left")
        self.header = fmt(bold=True, border=1, align="center", text_wrap=True, bg_color="#F2F2F2")
        self.header_plain = fmt(bold=True, bg_color="#F2F2F2", align="center", text_wrap=True)
        self.cell = fmt(border=1, text_wrap=True)
        self.cell_center = fmt(border=1, align="center", text_wrap=True)
        self.text = fmt(border=1)
        self.number = fmt(border=1, num_format="General")
        self.integer = fmt(border=1, num_format="0")
        self.date = fmt(border=1, num_format="yyyy-mm-dd")
        self.note = fmt(font_size=10, text_wrap=True, align="left", valign="top")
        self.warning = fmt(bold=True, font_color="#C00000", text_wrap=True)
        self.link = fmt(border=1, font_color="#0563C1", underline=1)
        self.ok = fmt(border=1, align="center", font_color="#006100", bg_color="#C6EFCE")
        self.bad = fmt(border=1, align="center", font_color="#9C0006", bg_color="#FFC7CE")
        self.pending = fmt(border=1, align="center", font_color="#9C5700", bg_color="#FFEB9C")
        self.error = fmt(border=1, font_color="#9C0006")
        self.table_title = fmt(bold=True, font_size=12)
        self.wrap_text = fmt(border=1, text_wrap=True, valign="top")
        names = [k for k, v in vars(self).items() if v in made]
        # style indexes, fixed now in creation order, for cells rendered as XML
        self.x = types.SimpleNamespace(**{k: xf_index(getattr(self, k)) for k in names})
        self.signature = tuple(xf_index(f) for f in made)


@functools.lru_cache(maxsize=None)
def detached_styles():
    """Styles of a scratch workbook, for rendering cells away from the real one (pool workers)."""
    import io  # late: a scratch workbook only for detached styles

    import xlsxwriter
    wb = xlsxwriter.Workbook(io.BytesIO(), {"in_memory": True})
    st = Styles(wb)
    wb.close()
    return st


def rendered(obj, key, st, resolve=True):
    """The pre-rendered cells of obj (an Entry or FileRecord) for `key`, if made with the same style
    indexes and while obj still looks as it did then (see summary.prerender); else None. Without
    `resolve`, cells parked on disk stay references."""
    r = obj.rendered
    if r and r.get("sig") == st.signature and r.get("key") == obj.render_key():
        return spill.resolve(r.get(key)) if resolve else r.get(key)
    return None


# A4 landscape with 0.4" side margins: 10.89" = 1045 px at 96 dpi; a column of width w takes 7w+5 px.
PAGE_PX = 1045


def first_page_columns(widths):
    """How many columns, from the left, print on the first page (at 100 %)."""
    px = 0
    for i, w in enumerate(widths):
        px += int(w * 7 + 5)
        if px > PAGE_PX:
            return max(i, 1)
    return len(widths)


def title_rows(ws, st, title, ncols, note=None, widths=None):
    """Row 0: the sheet's title; row 1: an optional note. Returns the next free row.

    With `widths`, the title and note span only the columns of the first printed page, so a wide
    sheet never prints them cut across two pages."""
    last = max(ncols - 1, 1)
    if widths:
        last = max(min(last, first_page_columns(widths) - 1), 1)
    ws.set_row(0, 30)
    ws.merge_range(0, 0, 0, last, title, st.title)
    if note is None:
        return 1
    ws.set_row(1, row_height([(note, sum(widths[:last + 1]) if widths else 100)]))
    ws.merge_range(1, 0, 1, last, note, st.note)
    return 2


def finish_table(ws, header_row_index, last_row, ncols, freeze_cols=0):
    """Frozen header, autofilter over the table."""
    ws.freeze_panes(header_row_index + 1, freeze_cols)
    ws.autofilter(header_row_index, 0, max(last_row, header_row_index), ncols - 1)


FOOTER = "&L&A&C第 &P 页"


def page_setup(ws, landscape=True, repeat_rows=None, fit_width=True, repeat_cols=None):
    """A4, header rows (and identifying columns) on every page, pages numbered from 1 on each sheet
    with the sheet's name (a workbook-wide "共 N 页" counts every sheet's pages)."""
    ws.set_paper(9)                         # A4
    if landscape:
        ws.set_landscape()
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    if repeat_rows is not None:
        ws.repeat_rows(*repeat_rows)
    if repeat_cols is not None:
        ws.repeat_columns(*repeat_cols)
    if fit_width:
        ws.fit_to_pages(1, 0)
    ws.set_start_page(1)
    ws.set_footer(FOOTER)


def field_header(f):
    """Column header for a field: its label with the unit."""
    label = f.label
    if f.unit and "（%s）" % f.unit not in label and "(%s)" % f.unit not in label:
        label += "（%s）" % f.unit
    return label


def field_width(f):
    if f.type == "longtext":
        return 40
    if f.type in ("text", "product_name"):
        return 24 if (f.max_len or 0) > 50 else 14
    if f.type == "uscc":
        return 21
    if f.type == "choice":
        return 14
    if f.type == "multichoice":
        return 24
    if f.type == "date":
        return 12
    return 11


def display_width(text):
    """Width in Excel character units: ASCII counts one, CJK (three UTF-8 bytes) two."""
    return (len(text) + len(text.encode("utf-8"))) // 2


def row_height(cells, line_pt=15.0, max_pt=409.0):
    """Height that shows wrapped text in full: cells are (text, column width) pairs.

    XlsxWriter cannot autofit rows and LibreOffice does not re-fit them on load, so the print-ready
    sheets set heights from the text (Excel's limit is 409 pt; longer text continues on an attached page).
    """
    most = max_pt // line_pt                # lines beyond the highest row: a long text is not measured to its end
    lines = 1
    for text, width in cells:
        if not text:
            continue
        usable = max(width - 1, 1)
        n = 0
        for part in str(text).split("\n"):
            if len(part) > most * usable:   # more lines than that at one unit a character, without encoding it
                n = most + 1
                break
            n += max(1, -(-display_width(part) // usable))
            if n > most:
                break
        lines = max(lines, n)
        if lines > most:
            break
    return min(max_pt, lines * line_pt + 3)
