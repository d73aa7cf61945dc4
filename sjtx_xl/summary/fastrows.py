"""A fast path for whole data rows in XlsxWriter's constant-memory mode.

XlsxWriter spends ~8 µs per cell (a cell object, dimension checks, an XML writer call). The
summary of 15,000 workbooks has millions of cells, so data rows are written here as one string
per row, with the same XML XlsxWriter would write: inline strings with its _xHHHH_ escapes, its
number format and date serials, the formats' own style indexes. Cells already stored for the row
by the public API (write_url puts its text cell there) are written in column order with them.

It leans on a few XlsxWriter internals (table, previous_row, row_info, fh, _write_single_row,
_write_cell, _check_dimensions, Format._get_xf_index); XlsxWriter is pinned to 3.x, and when any of
them is missing, or the workbook is not in constant-memory mode, rows go through the public API.
"""
import datetime as _dt
import math
import numbers
import re

from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

MAX_STRING = 32767
_CONTROL_1 = re.compile("(_x[0-9a-fA-F]{4}_)")
_CONTROL_2 = re.compile(r"([\x00-\x08\x0b-\x1f])")
_NEEDS_ESCAPE = re.compile(r"[&<>\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_")
_COLS = [xl_col_to_name(i) for i in range(16384)]


def _escape(s):
    if not _NEEDS_ESCAPE.search(s):
        return s
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    s = _CONTROL_1.sub(r"_x005F\1", s)
    s = _CONTROL_2.sub(lambda m: "_x%04X_" % ord(m.group(1)), s)
    return s.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")


class FastWorksheet(Worksheet):
    """Worksheet with write_cells(row, cells): cells is a list of (value, format) from column 0."""

    def _fast_ok(self):
        return getattr(self, "constant_memory", False) and all(
            hasattr(self, a) for a in ("table", "previous_row", "row_info", "fh", "_write_single_row",
                                       "_write_cell", "_check_dimensions"))

    def write_cells(self, row, cells):
        if not cells:
            return 0
        if not self._fast_ok():
            return self._slow_cells(row, cells)
        if row < self.previous_row or self._check_dimensions(row, len(cells) - 1) != 0:
            return -2
        if row > self.previous_row:
            self._write_single_row(row)            # flush the previous row; table is now empty
        self._check_dimensions(row, 0)
        pending = self.table.get(row) or {}
        info = self.row_info.pop(row, None)
        head = '<row r="%d"' % (row + 1)
        if info is not None and info.height is not None:
            head += ' ht="%s" customHeight="1"' % info.height
        parts = [head + ">"]
        r = str(row + 1)
        for col, (v, fmt) in enumerate(cells):
            if col in pending:
                self.fh.write("".join(parts))
                parts = []
                self._write_cell(row, col, pending[col])
                continue
            s = ' s="%d"' % fmt._get_xf_index() if fmt is not None else ""
            ref = _COLS[col] + r
            if v is None or v == "":
                if s:
                    parts.append('<c r="%s"%s/>' % (ref, s))
            elif isinstance(v, str):
                if len(v) > MAX_STRING:
                    v = v[:MAX_STRING]
                text = _escape(v)
                space = ' xml:space="preserve"' if (text[0] in " \t\n" or text[-1] in " \t\n") else ""
                parts.append('<c r="%s"%s t="inlineStr"><is><t%s>%s</t></is></c>' % (ref, s, space, text))
            elif isinstance(v, bool):
                parts.append('<c r="%s"%s t="inlineStr"><is><t>%s</t></is></c>' % (ref, s, "是" if v else "否"))
            elif isinstance(v, numbers.Real) and math.isfinite(v):
                parts.append('<c r="%s"%s><v>%.16G</v></c>' % (ref, s, v))
            elif isinstance(v, (_dt.date, _dt.datetime)):
                parts.append('<c r="%s"%s><v>%.16G</v></c>' % (ref, s, self._convert_date_time(v)))
            else:
                text = _escape(str(v)[:MAX_STRING])
                parts.append('<c r="%s"%s t="inlineStr"><is><t>%s</t></is></c>' % (ref, s, text))
        for col in sorted(c for c in pending if c >= len(cells)):
            self.fh.write("".join(parts))
            parts = []
            self._write_cell(row, col, pending[col])
        parts.append("</row>")
        self.fh.write("".join(parts))
        self.table.clear()
        return 0

    def _slow_cells(self, row, cells):
        for col, (v, fmt) in enumerate(cells):
            if v is None or v == "":
                self.write_blank(row, col, None, fmt)
            elif isinstance(v, str):
                self.write_string(row, col, v, fmt)
            elif isinstance(v, bool):
                self.write_string(row, col, "是" if v else "否", fmt)
            elif isinstance(v, numbers.Real) and math.isfinite(v):
                self.write_number(row, col, v, fmt)
            elif isinstance(v, (_dt.date, _dt.datetime)):
                self.write_datetime(row, col, v if isinstance(v, _dt.datetime)
                                    else _dt.datetime(v.year, v.month, v.day), fmt)
            else:
                self.write_string(row, col, str(v), fmt)
        return 0
