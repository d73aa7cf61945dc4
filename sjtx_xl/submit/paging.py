"""Printing every character: how many lines a text takes in a column, where to cut it, and the
attached pages (附页) that carry what does not fit in one row.

Excel and LibreOffice cannot print a row taller than 409 pt, and neither re-fits row heights of a
file on load; so the writer sets heights from the text, and a text too long for one row is cut at a
line boundary: the cell keeps its beginning and says “见附页N”, and 附页N prints the text in full.
The width model is deliberately generous (CJK counted as 2.2 character units, lines 10% taller)
so that a cell never shows fewer lines than the text needs.
"""
import functools
import unicodedata

MAX_ROW_PT = 409.0            # Excel's row height limit
LINE_PT = 16.0                # one line of 10.5-11 pt 宋体, with leading
PAGE_ROW_PT = 380.0           # a row of an attached page: well under a page, well under the limit
HEAD_LINES = 12               # lines of a long text kept in its cell before “见附页”
SEE = "……（全文见附页%d）"


@functools.lru_cache(maxsize=8192)           # per character: a package measures a few thousand distinct ones
def char_units(ch):
    if ch == "\t":
        return 4.0
    return 2.2 if unicodedata.east_asian_width(ch) in ("W", "F", "A") else 1.1


def wrap_lines(text, width):
    """The lines `text` takes in a wrapped cell `width` character units wide."""
    usable = max(width - 1.5, 1.0)
    out = []
    for para in str(text).split("\n"):
        line, used = "", 0.0
        for ch in para:
            u = char_units(ch)
            if used + u > usable and line:
                out.append(line)
                line, used = "", 0.0
            line += ch
            used += u
        out.append(line)
    return out


def height(texts_and_widths, font_pt=11.0):
    """Row height (pt) that shows every line of every cell: [(text, width)]."""
    n = max([len(wrap_lines(t, w)) for t, w in texts_and_widths if t not in (None, "")] or [1])
    return min(MAX_ROW_PT, n * LINE_PT * font_pt / 11.0 * 1.1 + 4)


def fits(text, width):
    return text in (None, "") or len(wrap_lines(text, width)) * LINE_PT * 1.1 + 4 <= MAX_ROW_PT


def head(text, width, lines=HEAD_LINES):
    """The first `lines` lines of `text` in a column `width` wide."""
    return "".join(wrap_lines(text, width)[:lines])


def chunks(text, width, row_pt=PAGE_ROW_PT):
    """`text` in pieces that each fit one row of `width`: whole lines, paragraph breaks kept."""
    per = max(int(row_pt / (LINE_PT * 1.1)), 1)
    lines = []                                   # (line, ends a paragraph)
    for para in str(text).split("\n"):
        wrapped = wrap_lines(para, width)
        lines.extend((l, i == len(wrapped) - 1) for i, l in enumerate(wrapped))
    out = []
    for i in range(0, len(lines), per):
        group = lines[i:i + per]
        out.append("".join(l + ("\n" if end and j < len(group) - 1 else "") for j, (l, end) in enumerate(group)))
    return out or [""]


class Attachments:
    """The 附页 of one workbook: numbered texts, written on a sheet of their own at the end."""

    SHEET = "附页"
    WIDTH = 64                          # fits A4 portrait in LibreOffice, which does not shrink a single wide column

    def __init__(self):
        self.items = []                 # (number, title, text)

    def cell_text(self, text, width, title):
        """What a cell shows: the text itself when it fits, else its beginning and “见附页N”."""
        if fits(text, width):
            return text
        n = len(self.items) + 1
        self.items.append((n, title, str(text)))
        return head(text, width) + SEE % n

    def write(self, wb, fmt, title_fmt, footer):
        if not self.items:
            return None
        ws = wb.add_worksheet(self.SHEET)
        ws.set_column(0, 0, self.WIDTH)
        row = 0
        for n, title, text in self.items:
            ws.set_row(row, height([(title, self.WIDTH)], 12))
            ws.write_string(row, 0, "附页%d　%s" % (n, title), title_fmt)
            row += 1
            for piece in chunks(text, self.WIDTH):
                ws.set_row(row, height([(piece, self.WIDTH)]))
                ws.write_string(row, 0, piece, fmt)
                row += 1
            row += 1
        a4(ws, landscape=False, footer=footer)
        ws.print_area(0, 0, max(row - 1, 0), 0)
        return ws


def a4(ws, landscape, footer, repeat=None):
    """A4, one page wide, page numbers of this sheet alone (from 1; the footer names the sheet,
    e.g. “附件6 第 2 页”), header rows repeated."""
    ws.set_paper(9)
    if landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.7)
    ws.fit_to_pages(1, 0)
    ws.set_start_page(1)
    ws.set_footer("&C%s第 &P 页" % footer)       # no &N: LibreOffice counts it over the whole file
    if repeat is not None:
        ws.repeat_rows(*repeat)
