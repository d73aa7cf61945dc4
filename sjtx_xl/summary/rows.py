"""The rows of one sheet of a summary, streamed from its package, for comparing sheets that do not
fit in memory.

    sheet_rows(path, title) -> iterator of (0-based row index, [value, ...])

附件5 明细 of 15,000 forms whose texts reach their limits is ~0.9 GB of XML; calamine holds a sheet
whole (and Python its grid again), ~4 GB for `submit` (issue 13). Here the sheet's part is inflated
and parsed a row at a time, in a few MB. A summary re-saved by Excel, WPS or openpyxl keeps its text
in the shared strings part, read as the form reader reads it (sjtx_xl.read.reader).

Values are the form reader's (Xlsx.element_value: what a spreadsheet shows; a formula cell holds its
cached result), numbers as float, as calamine gives them; None for an empty cell.
"""
import io
import mmap
import xml.etree.ElementTree as ET

from .. import ooxml
from ..read.reader import FileProblem, Xlsx, has_dtd

_NS = "{%s}" % ooxml.NS["m"]
_C, _ROW = _NS + "c", _NS + "row"


HEAD = 4096               # the bytes a DTD would be in, before the root element (refused, as the reader does)


class NoSheet(KeyError):
    """The workbook has no sheet of that name."""


def sheet_rows(path, title):
    """(0-based row index, [values from column A]) of sheet `title`, one row at a time, in order;
    rows without a value are left out. Raises NoSheet; FileProblem beyond a summary's size limit
    (data.MAX_UNCOMPRESSED, read_summary's), or what a broken package raises (the caller's
    business: zipfile, expat and the reader raise many types)."""
    from .data import MAX_UNCOMPRESSED            # late: data imports this module
    with open(path, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
        book = Xlsx(data, guard=False)            # mapped, not read: a summary can be 300 MB on disk
        total = ooxml.inflated_size(book.zf)
        if total > MAX_UNCOMPRESSED:
            raise FileProblem("too-large", "汇总表解压后共%.0fMB，超过上限%.0fMB" % (total / 2**20, MAX_UNCOMPRESSED / 2**20))
        part = book.parts.get(title)
        if part is None:
            raise NoSheet(title)
        with book.zf.open(part) as member:
            yield from _rows(checked(member, title), book, title)
        book.zf.close()


def checked(member, title):
    """A buffered stream of a sheet's part, its head checked first: a DTD or entity declaration before
    the root element (an entity-expansion bomb) raises FileProblem, as the form reader refuses it."""
    stream = io.BufferedReader(member, 1 << 20)
    if has_dtd(stream.peek(HEAD)[:HEAD]):             # markup there: never in a cell's (escaped) text
        raise FileProblem("corrupt", "工作表“%s”含有DTD/实体声明（不是正常的Excel文件）" % title)
    return stream


def _rows(stream, book, title):
    row, number = [], -1
    for _, el in ET.iterparse(stream, ("end",)):
        if el.tag != _ROW:
            continue
        r = el.get("r")
        number = int(r) - 1 if r and r.isdigit() else number + 1
        for c in el:
            if c.tag != _C:
                continue
            value = book.element_value(title, c)
            if value is None:
                continue
            if type(value) is int:                       # a number as calamine gives it (the reader's int)
                value = float(value)
            ref = c.get("r")
            col = _column(ref) if ref else len(row)
            if col >= len(row):
                row.extend([None] * (col + 1 - len(row)))
            row[col] = value
        if row:
            yield number, row
            row = []
        el.clear()


_COLUMNS = {}


def _column(ref):
    """The 0-based column of an A1 reference, kept by its letters."""
    letters = ref.rstrip("0123456789")
    col = _COLUMNS.get(letters)
    if col is None:
        col = _COLUMNS[letters] = ooxml.col_row(ref)[0]
    return col
