"""A fast path for whole data rows in XlsxWriter's constant-memory mode.

XlsxWriter spends ~8 µs per cell (a cell object, dimension checks, an XML writer call). The
summary of 15,000 workbooks has millions of cells, so data rows are written here as one string
per row, with the same XML XlsxWriter would write: inline strings with its _xHHHH_ escapes, its
number format and date serials, the formats' own style indexes. Cells already stored for the row
by the public API (write_url puts its text cell there) are written in column order with them.

It leans on a few XlsxWriter internals (table, previous_row, row_info, fh, _write_single_row,
_write_row, _write_cell, _check_dimensions, Format._get_xf_index); XlsxWriter is pinned to 3.x, and when any of
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
ROW = "\x00"      # stands for the row number in pre-rendered cells (a raw NUL never survives _escape)


def _escape(s):
    if not _NEEDS_ESCAPE.search(s):
        return s
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    s = _CONTROL_1.sub(r"_x005F\1", s)
    s = _CONTROL_2.sub(lambda m: "_x%04X_" % ord(m.group(1)), s)
    return s.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")


_EPOCH = _dt.datetime(1899, 12, 31)


def excel_serial(v):
    """Excel's serial number of a date or naive datetime (1900 system, with its phantom 1900-02-29)."""
    if not isinstance(v, _dt.datetime):
        v = _dt.datetime(v.year, v.month, v.day)
    d = v.replace(tzinfo=None) - _EPOCH
    x = d.days + (d.seconds + d.microseconds / 1e6) / 86400
    return x + 1 if x > 59 else x


def cell_xml(ref, v, fmt):
    """One <c> element as XlsxWriter writes it in constant-memory mode ('' for an unformatted blank)."""
    s = ' s="%d"' % fmt._get_xf_index() if fmt is not None else ""
    if v is None or v == "":
        return '<c r="%s"%s/>' % (ref, s) if s else ""
    if isinstance(v, str):
        text = _escape(v[:MAX_STRING])
        space = ' xml:space="preserve"' if (text[0] in " \t\n" or text[-1] in " \t\n") else ""
        return '<c r="%s"%s t="inlineStr"><is><t%s>%s</t></is></c>' % (ref, s, space, text)
    if isinstance(v, bool):
        return '<c r="%s"%s t="inlineStr"><is><t>%s</t></is></c>' % (ref, s, "是" if v else "否")
    if isinstance(v, numbers.Real) and math.isfinite(v):
        return '<c r="%s"%s><v>%.16G</v></c>' % (ref, s, v)
    if isinstance(v, (_dt.date, _dt.datetime)):
        return '<c r="%s"%s><v>%.16G</v></c>' % (ref, s, excel_serial(v))
    return '<c r="%s"%s t="inlineStr"><is><t>%s</t></is></c>' % (ref, s, _escape(str(v)[:MAX_STRING]))


def prerender(cells, start):
    """Cells from column `start` as XML with ROW for the row number: made in pool workers, placed later."""
    return "".join(cell_xml(_COLS[col] + ROW, v, fmt) for col, (v, fmt) in enumerate(cells, start)), len(cells)


class FastWorksheet(Worksheet):
    """Worksheet with write_cells(row, cells[, tail]): cells is a list of (value, format) from column 0;
    tail, from prerender(), continues the row after them."""

    def _fast_ok(self):
        return getattr(self, "constant_memory", False) and all(
            hasattr(self, a) for a in ("table", "previous_row", "row_info", "fh", "_write_single_row",
                                       "_write_row", "_write_cell", "_check_dimensions"))

    def write_cells(self, row, cells, tail=None):
        if not cells:
            return 0
        if not self._fast_ok():
            if tail is not None:
                raise ValueError("pre-rendered cells need XlsxWriter's constant-memory mode")
            return self._slow_cells(row, cells)
        last = len(cells) - 1 + (tail[1] if tail else 0)
        if row < self.previous_row or self._check_dimensions(row, last) != 0:
            return -2
        if row > self.previous_row:
            self._write_single_row(row)            # flush the previous row; table is now empty
        self._check_dimensions(row, 0)
        pending = self.table.get(row) or {}
        self._write_row(row, None, self.row_info.pop(row, None))     # XlsxWriter's own <row ...> tag
        parts = []
        r = str(row + 1)
        for col, (v, fmt) in enumerate(cells):
            if col in pending:
                self.fh.write("".join(parts))
                parts = []
                self._write_cell(row, col, pending[col])
            else:
                parts.append(cell_xml(_COLS[col] + r, v, fmt))
        if tail:
            parts.append(tail[0].replace(ROW, r))
        for col in sorted(c for c in pending if c > last):
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
