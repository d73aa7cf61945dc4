"""Formats and small helpers shared by the sheet writers.

The workbook is written with XlsxWriter in constant-memory mode: every sheet is written strictly
row by row (a row is flushed as soon as a later row is touched), and merged ranges never span
rows. User text is always stored as a string (write_string, or fastrows' inline strings), never
as a formula, whatever its first character.
"""
import functools
import os

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
        self.signature = tuple(f._get_xf_index() for f in made)


@functools.lru_cache(maxsize=None)
def detached_styles():
    """Styles of a scratch workbook, for rendering cells away from the real one (pool workers)."""
    import io  # late: a scratch workbook only for detached styles

    import xlsxwriter
    wb = xlsxwriter.Workbook(io.BytesIO(), {"in_memory": True})
    st = Styles(wb)
    wb.close()
    return st


def tail(e, key, st):
    """The entry's pre-rendered cells for sheet `key` if they were made with the same style indexes."""
    r = e.rendered
    if r and r.get("sig") == st.signature:
        return r.get(key)
    return None


def title_rows(ws, st, title, ncols, note=None):
    """Row 0: the sheet's title; row 1: an optional note. Returns the next free row."""
    ws.set_row(0, 30)
    ws.merge_range(0, 0, 0, max(ncols - 1, 1), title, st.title)
    if note is None:
        return 1
    ws.merge_range(1, 0, 1, max(ncols - 1, 1), note, st.note)
    return 2


def finish_table(ws, header_row_index, last_row, ncols, freeze_cols=0):
    """Frozen header, autofilter over the table."""
    ws.freeze_panes(header_row_index + 1, freeze_cols)
    ws.autofilter(header_row_index, 0, max(last_row, header_row_index), ncols - 1)


def page_setup(ws, landscape=True, repeat_rows=None, fit_width=True):
    ws.set_paper(9)                         # A4
    if landscape:
        ws.set_landscape()
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    if repeat_rows is not None:
        ws.repeat_rows(*repeat_rows)
    if fit_width:
        ws.fit_to_pages(1, 0)
    ws.set_footer("&C第 &P 页，共 &N 页")


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
    if f.type == "date":
        return 12
    return 11


def link_target(path, base_dir):
    """Target of a hyperlink from the summary in base_dir to path: relative when possible."""
    try:
        rel = os.path.relpath(path, base_dir)
    except ValueError:                      # another drive on Windows
        rel = path
    return rel


def sheet_anchor(sheet, cell):
    return "'%s'!%s" % (sheet.replace("'", "''"), cell)


class Links:
    """Writes hyperlinks to source files, up to Excel's per-sheet limit; plain text after that."""

    def __init__(self, ws, st, base_dir):
        self.ws, self.st, self.base_dir, self.n = ws, st, base_dir, 0

    def write(self, row, col, path, shown, sheet=None, cell=None):
        target = link_target(path, self.base_dir)
        if sheet and cell:
            target += "#" + sheet_anchor(sheet, cell)
        ok = (self.n < MAX_LINKS and "#" not in path and len(target) < MAX_URL
              and not any(ord(ch) < 32 for ch in target))
        if ok:
            self.n += 1
            if self.ws.write_url(row, col, "external:" + target, self.st.link, shown, "打开源文件") == 0:
                return
            self.n -= 1
        self.ws.write_string(row, col, shown, self.st.text)


def display_width(text):
    """Width in Excel character units: ASCII counts one, CJK (three UTF-8 bytes) two."""
    return (len(text) + len(text.encode("utf-8"))) // 2


def row_height(cells, line_pt=15.0, max_pt=409.0):
    """Height that shows wrapped text in full: cells are (text, column width) pairs.

    XlsxWriter cannot autofit rows and LibreOffice does not re-fit them on load, so the print-ready
    sheets set heights from the text (Excel's limit is 409 pt; longer text continues on an attached page).
    """
    lines = 1
    for text, width in cells:
        if not text:
            continue
        usable = max(width - 1, 1)
        n = sum(max(1, -(-display_width(part) // usable)) for part in str(text).split("\n"))
        lines = max(lines, n)
    return min(max_pt, lines * line_pt + 3)
