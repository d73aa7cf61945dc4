"""Print-true templates: what the compiler adds so a form prints whole on A4 in Excel, WPS and
LibreOffice (issue 11 item 1).

* **Row heights.** No client re-fits rows on load (LibreOffice never; locked rows are never typed
  in), so every row stores a height that fits its wrapped text at its (merged) width: static
  texts as written, input cells at their capacity (``max_len`` characters, the longest choice),
  echoes at the capacity of the field they show. The estimate is deliberately pessimistic:
  every East-Asian wide character is a full em, anything else 0.55 em, a 10 % width margin,
  1.4 line spacing.
* **附页.** A long text cannot fit its form cell (Excel's row limit is 409 pt). The form cell keeps
  what the clerk typed and shows the beginning; when a text needs more lines than the cell holds
  (counting its line breaks), its label says "（全文见附页）" and the text is printed in full on
  the 附页 sheet: a hidden cell joins every such text with its heading, and print rows show it in
  consecutive slices by MID, with rows enough for every field's maximal length. Classic
  functions only, so Excel, WPS and LibreOffice render it; no macro.
* **Aids not printed.** Each sheet's print area covers the official content only: counters
  (字数), the 自检辅助 block and anything styled as an aid stay outside it; a spec that puts an aid
  inside the official block fails to compile.

Everything is derived from the spec's fields, texts and formulas; no cell address is written here.
"""
import io
import math
import re
import unicodedata
import zipfile

from openpyxl.styles import Alignment, Border
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.utils.cell import range_boundaries
from openpyxl.workbook.defined_name import DefinedName

from .. import limits, ooxml
from ..errors import SpecError
from . import styles

TEXT_TYPES = ("text", "longtext", "product_name")
AID_STYLES = ("aid", "aid_section")
APPENDIX = "appendix"
MARK = "（全文见附页）"

WIDE_EM, NARROW_EM = 1.0, 0.55      # character widths in em of the cell's font size
LINE_SPACING = 1.4                  # line height / font size (宋体 is about 1.15-1.3 in Excel, WQY in LibreOffice)
V_PAD_PT = 4.0                      # cell top + bottom padding
H_PAD_PX = 7                        # left + right padding inside a cell
WIDTH_MARGIN = 0.90                 # use 90 % of the width: kinsoku, word wrap, font substitution
DEFAULT_WIDTH = 8.43                # Excel's default column width (characters)
FORM_LINES_LONG = 12                # lines a long text shows in its form cell before 附页
APPENDIX_LINES = 20                 # lines per 附页 slice row (one row <= 409 pt)
PARA_SEP = "　"                      # a line break becomes an ideographic space on the 附页


def char_em(ch):
    if ch in "\r\n":
        return 0.0
    return WIDE_EM if unicodedata.east_asian_width(ch) in ("W", "F") else NARROW_EM


def col_px(width):
    """Excel's pixel width of a column of `width` characters (Calibri 11: 7 px per digit + 5)."""
    return int(width * 7 + 5) if width > 0 else 0


def usable_pt(widths):
    """Printable text width of a cell spanning columns of these widths (points)."""
    px = sum(col_px(w) for w in widths)
    return max(0.0, (px - H_PAD_PX) * 0.75 * WIDTH_MARGIN)


def chars_per_line(widths, size):
    """Wide characters that surely fit one line."""
    return max(1, int(usable_pt(widths) / (size * WIDE_EM)))


def wrapped_lines(text, widths, size, wrap=True):
    """Lines `text` takes: greedy wrap per paragraph, a run of narrow non-space characters (a Latin
    word) moves whole to the next line unless it is longer than a line."""
    paragraphs = str(text).replace("\r\n", "\n").split("\n")
    if not wrap:
        return len(paragraphs)
    line_em = usable_pt(widths) / size
    if line_em <= 0:
        return len(paragraphs)
    total = 0
    for para in paragraphs:
        lines, used = 1, 0.0
        for token in re.findall(r"[!-~\u00a0-\u024f]+|.", para):
            w = sum(char_em(ch) for ch in token)
            if used + w <= line_em:
                used += w
                continue
            if w <= line_em:          # the word starts a new line
                lines, used = lines + 1, w
                continue
            for ch in token:          # longer than a line: broken anywhere
                cw = char_em(ch)
                if used + cw > line_em:
                    lines, used = lines + 1, 0.0
                used += cw
        total += lines
    return total


def height_pt(lines, size):
    return round(lines * size * LINE_SPACING + V_PAD_PT, 1)


def _font_size(cell):
    return float(cell.font.sz or 11) if cell.font is not None else 11.0


class _Sheet:
    """Geometry of one worksheet: widths, merges."""

    def __init__(self, ws):
        self.ws = ws
        self.merges = {}
        for rng in ws.merged_cells.ranges:
            self.merges[(rng.min_row, rng.min_col)] = (rng.max_row, rng.max_col)

    def width(self, col):
        dim = self.ws.column_dimensions.get(get_column_letter(col))
        if dim is not None and dim.hidden:
            return 0.0
        return dim.width if dim is not None and dim.width else DEFAULT_WIDTH

    def span(self, row, col):
        return self.merges.get((row, col), (row, col))

    def widths(self, row, col):
        _, c2 = self.span(row, col)
        return [self.width(c) for c in range(col, c2 + 1)]


class Printing:
    """Applies the three print rules to a compiled workbook (see the module docstring)."""

    def __init__(self, form, ws_by_key):
        self.form = form
        self.ws = ws_by_key
        self.fields_at = {(f.sheet, f.cell): f for f in form.fields}
        self.cached = {}       # sheet title -> {cell: value a blank form shows}: see with_cached_values
        self.by_name = {f.name: f for f in form.fields}

    # -- capacity of an input cell -------------------------------------------------------
    def capacity_text(self, fl):
        """The widest content a field can legally hold, as a string to measure."""
        if fl.type in TEXT_TYPES and fl.max_len:
            return "国" * fl.max_len
        if fl.type == "multichoice":
            return "、".join(self.form.lists.get(fl.choices, ("",)))
        if fl.choices:
            return max(self.form.lists.get(fl.choices, ("",)), key=lambda v: sum(char_em(c) for c in str(v)))
        if fl.type == "uscc":
            return "W" * 18
        if fl.type == "date":
            return "2021-05-31"
        return "9" * 15

    def form_lines(self, fl, geo, row, col):
        """Lines the form cell of `fl` holds: all of its capacity, or FORM_LINES_LONG for a text
        longer than that (the rest is printed on the 附页)."""
        size = _font_size(geo.ws.cell(row, col))
        need = wrapped_lines(self.capacity_text(fl), geo.widths(row, col), size)
        return min(need, FORM_LINES_LONG) if fl.type in TEXT_TYPES else need

    # -- 附页 ------------------------------------------------------------------------------
    def continued(self, fl):
        """Text fields whose form cell may not show everything: any text type (a line break
        costs a line even in a short name)."""
        return fl.type in TEXT_TYPES and not fl.aid and fl.sheet != APPENDIX

    def overflow_formula(self, fl):
        """TRUE when the typed text needs more lines than its form cell holds: each character
        counted wide, each line break as a whole line."""
        geo = _Sheet(self.ws[fl.sheet])
        row, col = _rc(fl.cell)
        cpl = chars_per_line(geo.widths(row, col), _font_size(geo.ws.cell(row, col)))
        lines = self.form_lines(fl, geo, row, col)
        x = fl.name
        return '(LEN({x})+{cpl}*(LEN({x})-LEN(SUBSTITUTE({x},CHAR(10),""))))>{cap}'.format(
            x=x, cpl=cpl, cap=cpl * lines)

    def mark_labels(self):
        """The label left of a continued field says "（全文见附页）" when the text goes there."""
        texts = {(t.sheet, t.cell): t for t in self.form.texts}
        for fl in self.form.fields:
            if not self.continued(fl):
                continue
            row, col = _rc(fl.cell)
            label = None
            for c in range(col - 1, 0, -1):
                label = texts.get((fl.sheet, "%s%d" % (get_column_letter(c), row)))
                if label:
                    break
            if label is None:
                raise SpecError("%s: a continued text field needs a label to its left to say %s" % (fl.id, MARK))
            if len(label.text) > limits.MAX_FORMULA_STRING_CHARS:
                raise SpecError("%s!%s: a label of more than %d characters cannot be a formula's text"
                                % (fl.sheet, label.cell, limits.MAX_FORMULA_STRING_CHARS))
            text = label.text.replace('"', '""')
            ws = self.ws[fl.sheet]
            ws[label.cell] = '="%s"&IF(%s,"%s","")' % (text, self.overflow_formula(fl), MARK)
            self.cached.setdefault(ws.title, {})[label.cell] = label.text

    def appendix(self):
        """The 附页 sheet: one hidden cell joins every continued text with its heading, in form
        order; print rows show it in consecutive MID slices. A second hidden cell counts the rows
        in use, and the sheet's print area is a formula over it, so Excel and WPS print only
        those (LibreOffice ignores a formula print area and prints every slice row)."""
        if APPENDIX not in self.ws:
            return
        ws = self.ws[APPENDIX]
        sheet_title = {s.key: s.title for s in self.form.sheets}
        ws["A1"] = "附页"
        styles.apply(ws["A1"], "title")
        ws.row_dimensions[1].height = 36
        ws["A2"] = ("表中标有“%s”的项目，因篇幅较长在表内无法完整打印，其全文按填写顺序依次列于本页（自动生成，请勿在此填写）。"
                    "Excel和WPS只打印有内容的部分；LibreOffice会连同后面的空白页一起打印，可在打印对话框中只选有内容的页。"
                    % MARK)
        styles.apply(ws["A2"], "note")
        size = float(styles.ROLES["longinput"]["font"].sz)
        slice_len = chars_per_line([_Sheet(ws).width(1)], size) * APPENDIX_LINES
        hidden = get_column_letter(2)
        ws.column_dimensions[hidden].hidden = True
        pieces, capacity = [], 0
        for key in [s.key for s in self.form.sheets]:
            for fl in self.form.fields:
                if fl.sheet != key or not self.continued(fl):
                    continue
                head = "【%s·%s】" % (sheet_title[key], fl.label)
                body = 'SUBSTITUTE(SUBSTITUTE(%s,CHAR(13),""),CHAR(10),"%s")' % (fl.name, PARA_SEP)
                pieces.append('IF(%s,"%s"&%s&"%s","")' % (self.overflow_formula(fl), head, body, PARA_SEP))
                share = fl.max_len / (1 + len(fl.total_with))   # parts sharing one budget
                capacity += len(head) + math.ceil(share) + 1
        if not pieces:
            return
        joined = "=" + "&".join(pieces)
        if len(joined) > limits.MAX_FORMULA_TEXT_CHARS or capacity > limits.MAX_CELL_CHARS:
            raise SpecError("附页: the long texts do not fit one cell (%d formula characters, %d text)"
                            % (len(joined), capacity))
        first, n = 3, math.ceil(capacity / slice_len)
        stream, used = "$%s$1" % hidden, "$%s$2" % hidden
        ws["%s1" % hidden] = joined
        for i in range(n):
            cell = ws.cell(first + i, 1, "=MID(%s,%d,%d)" % (stream, i * slice_len + 1, slice_len))
            styles.apply(cell, "longinput")
            cell.border = Border()
            ws.row_dimensions[first + i].height = height_pt(APPENDIX_LINES + 1, size)
        cut = ws.cell(first + n, 1, '=IF(LEN(%s)>%d,"（以上内容超出附页容量，超出部分未打印，请按字数上限删减）","")'
                      % (stream, n * slice_len))
        styles.apply(cut, "note")
        ws["%s2" % hidden] = "=IF(LEN(%s)>%d,%d,%d+INT((LEN(%s)+%d)/%d))" % (
            stream, n * slice_len, first + n, first - 1, stream, slice_len - 1, slice_len)
        title = "'%s'" % ws.title.replace("'", "''")
        ws.defined_names["_xlnm.Print_Area"] = DefinedName(
            "_xlnm.Print_Area", attr_text="OFFSET(%s!$A$1,0,0,%s!%s,1)" % (title, title, used))

    # -- row heights ---------------------------------------------------------------------
    def fit_rows(self):
        for s in self.form.sheets:
            if s.hidden or s.key not in self.ws:
                continue
            self.fit_sheet(s.key)

    def needed(self, key, geo, cell):
        """(lines, font size) the content of `cell` needs, or None when there is nothing to fit."""
        row, col = cell.row, cell.column
        size = _font_size(cell)
        wrap = bool(cell.alignment is not None and cell.alignment.wrap_text)
        fl = self.fields_at.get((key, cell.coordinate))
        if fl is not None:
            return self.form_lines(fl, geo, row, col), size
        value = cell.value
        if value is None or value == "":
            return None
        if isinstance(value, str) and value.startswith("="):
            text = self.formula_content(value)
            if text is None:
                return 1, size       # unknown result (counter, verdict, warning): one line at least
        else:
            text = str(value)
        widths = geo.widths(row, col)
        lines = wrapped_lines(text, widths, size, wrap)
        if not wrap and wrapped_lines(text, widths, size) > lines:   # would be clipped: wrap it
            cell.alignment = _with_wrap(cell.alignment)
            lines = wrapped_lines(text, widths, size)
        return lines, size

    def formula_content(self, formula):
        """What a formula cell can show, to measure: a label with its 附页 mark, an echo of one
        field at that field's capacity; None for anything else (counters, verdicts)."""
        m = re.match(r'^="((?:[^"]|"")*)"&IF\(.*,"%s",""\)$' % re.escape(MARK), formula)
        if m:
            return m.group(1).replace('""', '"') + MARK
        if "LEN(" in formula:
            return None
        names = set(re.findall(r"\bF_\w+", formula)) & set(self.by_name)
        if len(names) == 1:
            return self.capacity_text(self.by_name[names.pop()])
        return None

    def fit_sheet(self, key):
        ws = self.ws[key]
        geo = _Sheet(ws)
        tall = []
        for row in ws.iter_rows():
            for cell in row:
                if cell.__class__.__name__ == "MergedCell" or not geo.width(cell.column):
                    continue
                need = self.needed(key, geo, cell)
                if need is None:
                    continue
                r2, _ = geo.span(cell.row, cell.column)
                h = height_pt(*need)
                if r2 > cell.row:
                    tall.append((cell.row, r2, h))
                    continue
                self.raise_row(ws, cell.row, h)
        for r1, r2, h in tall:     # a vertical merge: the last row takes what is missing
            have = sum(self.row_height(ws, r) for r in range(r1, r2 + 1))
            if have < h:
                self.raise_row(ws, r2, self.row_height(ws, r2) + h - have)

    @staticmethod
    def row_height(ws, r):
        dim = ws.row_dimensions.get(r)
        return dim.height if dim is not None and dim.height else 15.0

    @staticmethod
    def raise_row(ws, r, h):
        dim = ws.row_dimensions.get(r)
        have = dim.height if dim is not None and dim.height else 0
        if h > limits.MAX_ROW_HEIGHT_PT:
            raise SpecError("row %d of %s needs %.0f pt, more than Excel's %d" % (r, ws.title, h,
                                                                                 limits.MAX_ROW_HEIGHT_PT))
        if h > have:
            ws.row_dimensions[r].height = h

    # -- print areas -----------------------------------------------------------------------
    def print_areas(self):
        for s in self.form.sheets:
            if s.hidden or s.key in (APPENDIX, "guide", "self") or s.key not in self.ws:
                continue
            self.print_area(s.key)

    def print_area(self, key):
        official, aids = [], []
        for t in self.form.texts:
            if t.sheet == key:
                (aids if t.style in AID_STYLES else official).append((t.cell, None))
        for fl in self.form.fields:
            if fl.sheet == key:
                (aids if fl.aid else official).append((fl.cell, fl.span))
                if fl.counter:
                    aids.append((fl.counter, None))
        for x in self.form.formulas:
            if x.sheet == key:
                (aids if x.style == "counter" else official).append((x.cell, x.span))
        if not official:
            return
        last_row = max(_rc(c)[0] for c, _ in official)
        last_col = max(_rc((span or c).split(":")[-1])[1] for c, span in official)
        for c, _ in aids:
            r, col = _rc(c)
            if r <= last_row and col <= last_col:
                raise SpecError("%s!%s: an aid (counter or 自检辅助) inside the printed official block "
                                "A1:%s%d; move it below or to the right" % (key, c, get_column_letter(last_col), last_row))
        ws = self.ws[key]
        for rng in list(ws.merged_cells.ranges):   # a title or section spanning the counter column
            c1, r1, c2, r2 = range_boundaries(rng.coord)
            if c1 <= last_col < c2:
                ws.unmerge_cells(rng.coord)
                for r in range(r1, r2 + 1):
                    for c in range(last_col + 1, c2 + 1):
                        ws.cell(r, c).border = Border()
                ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=last_col)
        ws.print_area = "A1:%s%d" % (get_column_letter(last_col), last_row)

    def apply(self):
        self.mark_labels()
        self.print_areas()        # merges shrink first: heights are measured at printed widths
        self.appendix()
        self.fit_rows()
        return self.cached


def _rc(a1):
    """'B16' or '$B$16' -> (16, 2)."""
    a1 = a1.replace("$", "")
    col = "".join(ch for ch in a1 if ch.isalpha())
    return int(a1[len(col):]), column_index_from_string(col)


def _with_wrap(al):
    al = al or Alignment()
    return Alignment(horizontal=al.horizontal, vertical=al.vertical or "center", wrap_text=True,
                     indent=al.indent, text_rotation=al.text_rotation)


def apply(form, ws_by_key):
    """Make the compiled sheets of `form` print true (called by the template compiler last).
    Returns the cached values the saved package needs (with_cached_values)."""
    return Printing(form, ws_by_key).apply()


def with_cached_values(data, cached):
    """The .xlsx bytes `data` with a cached result stored for each label formula: a reader of
    values (the label fallback, any tool that does not calculate) sees the label as a blank form
    shows it, as it did when the label was plain text. openpyxl cannot write cached values."""
    if not cached:
        return data
    src = zipfile.ZipFile(io.BytesIO(data))
    parts = {title: part for title, part, _ in ooxml.sheets(src)}
    edits = {}
    for title, cells in cached.items():
        xml = src.read(parts[title]).decode("utf-8")
        for ref, value in cells.items():
            pattern = re.compile(r'<c r="%s"([^>]*)><f>(.*?)</f>(?:<v\s*/>|<v></v>)(</c>)' % re.escape(ref), re.S)
            xml, n = pattern.subn(lambda m: '<c r="%s"%s t="str"><f>%s</f><v>%s</v></c>' % (
                ref, m.group(1), m.group(2), ooxml.escape_text(value)), xml, count=1)
            if n != 1:
                raise SpecError("%s!%s: no formula cell to cache a value in" % (title, ref))
        edits[parts[title]] = xml.encode("utf-8")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = edits.get(info.filename) or src.read(info.filename)
            if info.filename.endswith((".xml", ".rels")) and not info.filename.startswith("xl/theme/"):
                body = plain_characters(body)          # the theme is openpyxl's constant text, as it is
            dst.writestr(info, body)
    return out.getvalue()


_CHAR_REF = re.compile(rb"&#(x[0-9A-Fa-f]+|[0-9]+);")


def _char(m):
    ref = m.group(1)
    n = int(ref[1:], 16) if ref[:1] == b"x" else int(ref)
    return chr(n).encode("utf-8") if n >= 0x80 else m.group(0)     # below 0x80: <, &, controls stay escaped


def plain_characters(xml):
    """XML with every non-ASCII character reference (&#20225;) written as the character itself: what
    openpyxl writes when lxml drives it (openpyxl imported before sjtx_xl, which sets
    OPENPYXL_LXML=False), made the same as its plain writer's UTF-8 text."""
    return _CHAR_REF.sub(_char, xml) if b"&#" in xml else xml
