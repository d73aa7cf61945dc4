"""The big sheets streamed into the package; XlsxWriter (public API) writes everything else.

XlsxWriter writes a small skeleton workbook in memory: styles, charts, the small sheets, and for
each big sheet its columns, title and header rows, merges, panes, filter, print setup and any rows
after the data (notes). Then `write_package` copies the skeleton into the real zip and splices
each big sheet's data rows into its <sheetData>, as XML made by ooxml's cell writers, straight into
the deflate stream. Rows arrive as cell XML with ROW standing for the row number (pool workers
render them without knowing where they will land); the parent only numbers and joins them.

Hyperlinks are written here too (one external relationship each, in the sheet's rels part).
"""
import io
import queue
import re
import threading
import zipfile

from .. import deflate, ooxml
from ..limits import MAX_CELL_CHARS
from ..ooxml import a1, cell_xml, col_row, escape_text

ROW = "\x00"          # stands for the row number in rendered cells (a raw NUL never survives escaping)
LEVEL = 1             # deflate level: several times faster than 6 on this XML, ~25% larger
FLUSH = 1 << 20       # bytes buffered before a write into the zip

def column_letters(i):
    return a1(i, 0)[:-1]


_COLS = [column_letters(i) for i in range(1024)]
_ROW_TAG = re.compile(r'<row r="(\d+)"')
_DIMENSION = re.compile(r'<dimension ref="[^"]*"/>')
_DIMENSION_REF = re.compile(r'<dimension ref="([A-Z]+\d+)(?::([A-Z]+\d+))?"/>')
REL_HYPERLINK = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"


def col(i):
    return _COLS[i] if i < len(_COLS) else column_letters(i)


def cell(c, v, style=None):
    """Column c of the row being rendered, holding v (ooxml.cell_xml; text cut at Excel's 32,767
    characters, as Excel would refuse it). Text and plain numbers take a cached fast path."""
    t = type(v)
    if t is str:
        return text(c, v, style)
    if t is int or (t is float and v - v == 0):             # finite
        head = _NUMBER_HEAD.get((c, style))
        if head is None:
            head = _NUMBER_HEAD[(c, style)] = '<c r="%s%s"%s><v>' % (col(c), ROW, ' s="%d"' % style if style else "")
        return head + (repr(v) if t is float else str(v)) + "</v></c>"
    return cell_xml(col(c) + ROW, v, style)


_NUMBER_HEAD = {}


_TEXT_HEAD = {}


def text(c, s, style=None):
    """cell() for text (or None), faster: the 校验报告 writes ~15 text cells per problem."""
    key = (c, style)
    head = _TEXT_HEAD.get(key)
    if head is None:
        head = _TEXT_HEAD[key] = ('<c r="%s%s"%s' % (col(c), ROW, ' s="%d"' % style if style else ""),
                                  '<c r="%s%s"%s t="inlineStr"><is><t>' % (col(c), ROW, ' s="%d"' % style if style else ""))
    if not s:
        return head[0] + "/>" if style else ""
    if len(s) > MAX_CELL_CHARS or s[0] in " \t\n" or s[-1] in " \t\n":
        return cell_xml(col(c) + ROW, s[:MAX_CELL_CHARS], style)
    return head[1] + escape_text(s) + "</t></is></c>"


def lead(i, style, cells):
    """The row's bytes: its number i in column A, then the rendered cells (str or bytes)."""
    return (b'<c r="A\x00" s="%d"><v>%d</v></c>' % (style, i)
            + (cells if isinstance(cells, bytes) else cells.encode("utf-8")))


def lead_kind(kind, cells):
    """lead() for the _data sheet: the record's kind in column A."""
    return (text(0, kind)).encode("utf-8") + (cells if isinstance(cells, bytes) else cells.encode("utf-8"))


def attr(s):
    """Text for an attribute in double quotes."""
    return escape_text(s).replace('"', "&quot;")


class Body:
    """The data rows of one streamed sheet.

    sheet: its name; first: 0-based index of the first data row (the skeleton's rows before it are
    kept above, those after it below); ncols: columns used; count: how many rows `rows` yields
    (the sheet's filter and print ranges were set from it); rows: an iterable of
    (cells, height, link), where cells is the row's cell XML (UTF-8 bytes) with ROW for the row
    number, height a row height in points or None, and link None or (column, target, location,
    tooltip).
    """

    def __init__(self, sheet, first, ncols, count, rows):
        self.sheet, self.first, self.ncols, self.count, self.rows = sheet, first, ncols, count, rows
        self.links = []           # (A1 ref, target, location, tooltip), gathered while streaming
        self.last = first - 1     # 0-based index of the last data row written


class _Deflater(threading.Thread):
    """Writes chunks into a zip member on its own thread: deflate and crc32 release the GIL, so
    deflating overlaps with making the next rows."""

    def __init__(self, out):
        super().__init__(daemon=True)
        self.out, self.q, self.error = out, queue.Queue(maxsize=4), None

    def run(self):
        while True:
            chunk = self.q.get()
            if chunk is None:
                return
            if self.error is None:
                try:
                    self.out.write(chunk)
                except BaseException as e:          # re-raised by close(), in the writing thread
                    self.error = e

    def write(self, chunk):
        if self.error is not None:
            raise self.error
        self.q.put(chunk)

    def close(self):
        self.q.put(None)
        self.join()
        if self.error is not None:
            raise self.error


def _stream_rows(out, body):
    parts = []
    size = 0
    links = body.links
    n = body.first
    nul = ROW.encode()
    for cells, height, link in body.rows:
        n += 1
        r = b"%d" % n
        if height:
            parts.append(b'<row r="%s" ht="%g" customHeight="1">' % (r, height))
        else:
            parts.append(b'<row r="%s">' % r)
        parts.append(cells.replace(nul, r))
        parts.append(b"</row>")
        size += len(cells) + 30
        if link is not None:
            c, target, location, tip = link
            links.append((col(c) + r.decode(), target, location, tip))
        if size >= FLUSH:
            out.write(b"".join(parts))
            parts = []
            size = 0
    body.last = n - 1
    out.write(b"".join(parts))
    if n - body.first != body.count:
        raise AssertionError("%s: %d rows announced, %d written" % (body.sheet, body.count, n - body.first))


def _split_sheet(xml, first):
    """(head, rows before the data, rows after the data, tail) of a skeleton sheet's XML."""
    start = xml.index("<sheetData")
    if xml.startswith("<sheetData/>", start):
        return xml[:start] + "<sheetData>", "", "", "</sheetData>" + xml[start + len("<sheetData/>"):]
    open_end = xml.index(">", start) + 1
    close = xml.index("</sheetData>", open_end)
    data = xml[open_end:close]
    cut = len(data)
    for m in _ROW_TAG.finditer(data):
        if int(m.group(1)) > first + 1:          # 1-based row number past the first data row
            cut = m.start()
            break
    return xml[:open_end], data[:cut], data[cut:], xml[close:]


def _hyperlinks_xml(links, first_rid):
    out, rels = ["<hyperlinks>"], []
    for i, (a1, target, location, tip) in enumerate(links, first_rid):
        attrs = ' r:id="rId%d"' % i
        if location:
            attrs += ' location="%s"' % attr(location)
        if tip:
            attrs += ' tooltip="%s"' % attr(tip)
        out.append('<hyperlink ref="%s"%s/>' % (a1, attrs))
        rels.append('<Relationship Id="rId%d" Type="%s" Target="%s" TargetMode="External"/>'
                    % (i, REL_HYPERLINK, attr(target)))
    out.append("</hyperlinks>")
    return "".join(out), "".join(rels)


def _insert_hyperlinks(tail, xml):
    """Put <hyperlinks> where the schema wants it: before printOptions / pageMargins / pageSetup."""
    for tag in ("<printOptions", "<pageMargins", "<pageSetup", "<headerFooter", "</worksheet>"):
        i = tail.find(tag)
        if i >= 0:
            return tail[:i] + xml + tail[i:]
    raise ValueError("no place for hyperlinks")


def _rels_path(part):
    d, _, name = part.rpartition("/")
    return "%s/_rels/%s.rels" % (d, name)


_RELS_HEAD = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">')


def write_package(skeleton, path, bodies):
    """Copy the skeleton workbook (bytes) to `path`, splicing in each Body's rows."""
    src = zipfile.ZipFile(io.BytesIO(skeleton))
    parts = {title: part for title, part, _ in ooxml.sheets(src)}
    by_part = {parts[b.sheet]: b for b in bodies}
    names = src.namelist()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, allowZip64=True, compresslevel=LEVEL) as dst:
        for name in names:
            body = by_part.get(name)
            if body is None:
                if name in {_rels_path(p) for p in by_part}:
                    continue                           # rewritten with its sheet
                dst.writestr(src.getinfo(name).filename, src.read(name))
                continue
            xml = src.read(name).decode("utf-8")
            head, before, after, tail = _split_sheet(xml, body.first)
            with deflate.open_member(dst, name, force_zip64=True) as out:     # the big sheets: the fast deflater
                out.write(_dimension(head, body).encode("utf-8"))
                out.write(before.encode("utf-8"))
                deflater = _Deflater(out)
                deflater.start()
                try:
                    _stream_rows(deflater, body)
                finally:
                    deflater.close()
                out.write(after.encode("utf-8"))
                rels_name = _rels_path(name)
                old = src.read(rels_name).decode("utf-8") if rels_name in names else ""
                if body.links:
                    rid = 1 + max([int(x) for x in re.findall(r'Id="rId(\d+)"', old)] + [0])
                    links_xml, rels_xml = _hyperlinks_xml(body.links, rid)
                    tail = _insert_hyperlinks(tail, links_xml)
                    if old:
                        old = old.replace("</Relationships>", rels_xml + "</Relationships>")
                    else:
                        old = _RELS_HEAD + rels_xml + "</Relationships>"
                out.write(tail.encode("utf-8"))
            if old:
                dst.writestr(rels_name, old.encode("utf-8"))
    return path


def _dimension(head, body):
    """The skeleton's <dimension> widened to the data rows."""
    m = _DIMENSION_REF.search(head)
    ncols, nrows = body.ncols, body.first + body.count
    if m:
        c, r = col_row(m.group(2) or m.group(1))
        ncols, nrows = max(ncols, c + 1), max(nrows, r + 1)
    return _DIMENSION.sub('<dimension ref="A1:%s%d"/>' % (col(max(ncols - 1, 0)), max(nrows, 1)), head, count=1)
