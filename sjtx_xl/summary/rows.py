"""The rows of one sheet of a summary, streamed from its package, for comparing sheets that do not
fit in memory.

    sheet_rows(path, title) -> iterator of (0-based row index, [value, ...])

附件5 明细 of 15,000 forms whose texts reach their limits is ~0.9 GB of XML; calamine holds a sheet
whole (and Python its grid again), ~4 GB for `submit` (issue 13). Here the sheet's part is inflated
and parsed a row at a time, in a few MB. A summary re-saved by Excel, WPS or openpyxl keeps its text
in the shared strings part, read as the form reader reads it (sjtx_xl.read.reader).

Values: text as str (inline or shared, _xHHHH_ escapes resolved), numbers as float, booleans as
bool, errors as their text, a number whose cell's format shows a date as a datetime (as calamine
gives them); a formula cell holds its cached result; None for an empty cell.
"""
import io
import xml.etree.ElementTree as ET

from .. import ooxml

_NS = "{%s}" % ooxml.NS["m"]
_C, _ROW, _V, _T, _IS, _RPH = _NS + "c", _NS + "row", _NS + "v", _NS + "t", _NS + "is", _NS + "rPh"


class NoSheet(KeyError):
    """The workbook has no sheet of that name."""


def sheet_rows(path, title):
    """(0-based row index, [values from column A]) of sheet `title`, one row at a time, in order;
    rows without a value are left out. Raises NoSheet, or what a broken package raises (the
    caller's business: zipfile, expat and the reader raise many types)."""
    from ..read.reader import Xlsx                # late: the form reader parses workbook and styles
    with open(path, "rb") as fh:
        book = Xlsx(fh.read())
    part = book.parts.get(title)
    if part is None:
        raise NoSheet(title)
    with book.zf.open(part) as fh:
        yield from _rows(io.BufferedReader(fh, 1 << 20), book)


def _rows(stream, book):
    row, number = [], -1
    for _, el in ET.iterparse(stream, ("end",)):
        tag = el.tag
        if tag == _C:
            ref = el.get("r")
            col = ooxml.col_row(ref)[0] if ref else len(row)
            value = _value(el, book)
            if value is not None:
                row.extend([None] * (col + 1 - len(row)))
                row[col] = value
            el.clear()
        elif tag == _ROW:
            r = el.get("r")
            number = int(r) - 1 if r and r.isdigit() else number + 1
            if row:
                yield number, row
                row = []
            el.clear()


def _value(c, book):
    t = c.get("t") or "n"
    if t == "inlineStr":
        box = c.find(_IS)
        if box is None:
            return None
        skip = _phonetic(box)
        return ooxml.unescape_text("".join(x.text or "" for x in box.iter(_T) if x not in skip))
    v = c.find(_V)
    if v is None or v.text is None:
        return None
    text = v.text
    if t == "s":
        return book.shared_string(int(text))
    if t in ("str", "e", "d"):
        return ooxml.unescape_text(text)
    if t == "b":
        return text.strip() in ("1", "true")
    x = float(text)
    s = c.get("s")
    if s and book.shows(int(s)) == "date":
        d = ooxml.from_serial(x, book.date1904)
        if d is not None:
            return d
    return x


def _phonetic(box):
    """The <t> of phonetic runs (<rPh>), which are not the cell's text."""
    return {t for ph in box.iter(_RPH) for t in ph.iter(_T)} if box.find(_RPH) is not None else ()
