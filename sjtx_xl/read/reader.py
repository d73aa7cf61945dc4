"""Open a user's file safely and read raw cells from it; nothing here judges a value.

* `sniff(data)` tells a zip package, an OLE compound file (encrypted OOXML or .xls/.et), an empty
  file and anything else apart by magic bytes, never by the file name.
* `Xlsx(data)` opens an .xlsx/.xlsm package after the zip-bomb guard has looked at the central
  directory (declared sizes and compression ratios, before anything is inflated). It reads
  `<sheetData>` of the sheets it is asked for straight from the XML (the engine was chosen by
  measurement: bench/read_bench.py; python-calamine would still need this XML for formulas and
  number formats), so it sees what a spreadsheet library hides or mangles: whether a cell holds a
  formula (and the result its program cached), whether a number was typed as text, what its
  number format shows (a date, in the workbook's date system, or a percentage). It ignores
  `<dimension>`, which WPS often writes wrong, and tolerates cells and rows without `r` attributes
  and namespace prefixes (Strict OOXML too). Word, PowerPoint and OpenDocument packages are named.
  tests/test_excel_oracle.py reads 300 workbooks Excel saved, cell by cell, as openpyxl does.
* Speed (bench/read_bench.py, bench/merge_bench.py): a sheet in the plain form every known writer
  uses is not parsed into a tree: its cells are found by byte scans (read/scan.py), and expat, the
  parser ElementTree uses, checks it unless its bytes show it must be well-formed; any other form
  is parsed into a tree as before. Both give the same cells and the same problems
  (tests/test_read_fast.py). A sheet's rows are checked once per process (scan.index keeps them by
  their bytes: most rows of a form are its template's). Shared strings are checked and converted
  one by one, when a cell asks for them. Parts are inflated straight from the file's bytes (zipfile
  for anything unusual), with zipfile's size and CRC checks. A part stored byte for byte as one
  read before (same deflated bytes, size and CRC) is neither inflated nor parsed again; the
  workbook part (cut to its sheets, names and date system), relationships and number formats
  (numFmts and cellXfs) are parsed once per process for all files that share them (_memo), whoever
  saved them.

Errors in the file are raised as `FileProblem(type, detail)`; check.py turns them into typed
problems. The file is only ever read.
"""
import io
import mmap
import re
import struct
import zipfile
import xml.etree.ElementTree as ET
from xml.parsers import expat
from dataclasses import dataclass
from typing import Any, Optional

from .. import deflate, ooxml
from . import scan

# --- limits (the zip-bomb guard) ------------------------------------------------------------
MAX_FILE_BYTES = 50 * 1024 * 1024          # on disk; a filled template is ~50 KB
MAX_MEMBERS = 5000
MAX_TOTAL_UNCOMPRESSED = 200 * 1024 * 1024  # sum of declared sizes of all members
MAX_PART_BYTES = 25 * 1024 * 1024           # any one XML part we inflate
MAX_RATIO = 100                             # declared/compressed, for members above RATIO_FLOOR
RATIO_FLOOR = 1024 * 1024
MAX_CELLS = 200_000                         # cells in one sheet we parse
MAX_SHARED_STRINGS = 500_000

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

MAIN_NAMESPACES = ooxml.MAIN_NAMESPACES
REL_SUFFIX = {"sharedStrings": "/sharedStrings", "styles": "/styles"}
OTHER_PACKAGES = {                        # main part of an Office package that is not a workbook
    "word/document.xml": "这是Word文档（.docx），不是Excel工作簿",
    "ppt/presentation.xml": "这是PowerPoint演示文稿（.pptx），不是Excel工作簿",
    "xl/workbook.bin": "二进制工作簿（.xlsb）不受支持",
}


class FileProblem(Exception):
    """A file-level problem found while opening or reading; `type` is a problems.TYPES key."""

    def __init__(self, type, detail="", value=None):
        super().__init__("%s: %s" % (type, detail))
        self.type, self.detail, self.value = type, detail, value


@dataclass
class Cell:
    """One cell as stored. kind: n (number), s (text), b (boolean), e (error), formula, blank.

    A formula cell has `formula` and, as `value`, the result its program cached when it saved
    the file (None when there is none), whose kind is `cached`."""

    sheet: str
    ref: str
    kind: str = "blank"
    value: Any = None
    formula: Optional[str] = None     # "=..." when the cell holds a formula
    style: int = 0
    cached: Optional[str] = None      # kind of a formula cell's cached result: n, s, b, e or None

    @property
    def blank(self):
        return self.kind == "blank" and self.formula is None


# --- container ------------------------------------------------------------------------------

def sniff(data):
    """'empty', 'zip', 'cfb' or 'other' from the first bytes."""
    if not data:
        return "empty"
    if data[:4] in ZIP_MAGIC:
        return "zip"
    if data[:8] == CFB_MAGIC:
        return "cfb"
    return "other"


def describe_other(data):
    """A short Chinese description of a non-Office file, for the not-a-workbook message."""
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"%pdf"):
        return "PDF文件"
    if head.startswith((b"<html", b"<!doctype html", b"<table")) or b"<html" in head:
        return "网页（HTML）文件，可能是由其他系统导出的“伪xls”"
    if head.startswith(b"<?xml"):
        return "XML文件（可能是Excel 2003 XML格式）"
    if head.startswith((b"\x89png", b"\xff\xd8\xff", b"gif8")):
        return "图片文件"
    if head.startswith(b"rar!") or head.startswith(b"7z\xbc\xaf"):
        return "压缩包"
    try:
        data[:4096].decode("utf-8")
        return "文本文件"
    except UnicodeDecodeError:
        return "无法识别的文件"


def cfb_kind(data):
    """'encrypted' (password-protected OOXML), 'xls' (BIFF workbook), 'doc', 'ppt' or 'other' for an
    OLE file."""
    import olefile  # late: only OLE files (encrypted .xlsx, .xls) need olefile
    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except Exception as e:   # olefile raises OSError and others on damaged files
        raise FileProblem("corrupt", "OLE复合文档结构损坏（%s）" % e)
    try:
        streams = {"/".join(s) for s in ole.listdir(streams=True, storages=True)}
    finally:
        ole.close()
    if "EncryptionInfo" in streams or "EncryptedPackage" in streams:
        return "encrypted"
    if "Workbook" in streams or "Book" in streams:
        return "xls"
    if "WordDocument" in streams:
        return "doc"
    if "PowerPoint Document" in streams:
        return "ppt"
    return "other"


def guard_zip(zf):
    """Refuse a package whose central directory promises too much, before inflating anything."""
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        raise FileProblem("too-large", "压缩包内有%d个部件" % len(infos))
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise FileProblem("too-large", "部件 %s 压缩比异常（%d字节压缩为%d字节）"
                              % (info.filename, info.file_size, info.compress_size))
        if info.flag_bits & 0x1:
            raise FileProblem("encrypted", "压缩包部件已加密")
    if total > MAX_TOTAL_UNCOMPRESSED:
        raise FileProblem("too-large", "解压后共%.0fMB，超过上限%.0fMB" % (total / 2**20, MAX_TOTAL_UNCOMPRESSED / 2**20))


# --- the xlsx reader ------------------------------------------------------------------------

_A1 = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d{1,7})$")
_A1_PLAIN = re.compile(r"^[A-Z]{1,3}[1-9]\d{0,6}$")
_ATTR = re.compile(rb'([\w:]+)\s*=\s*"([^"]*)"')


def _BLOCK(name):
    return re.compile(rb"<(?:[\w.-]+:)?%s\b.*?</(?:[\w.-]+:)?%s>" % (name.encode(), name.encode()), re.S)


def _TAG(name):
    return re.compile(rb"<(?:[\w.-]+:)?%s\b[^>]*>" % name.encode())


_NUMFMTS, _CELLXFS = _BLOCK("numFmts"), _BLOCK("cellXfs")
_NUMFMT, _XF = _TAG("numFmt"), _TAG("xf")


def _unescape_attr(s):
    """xml.sax.saxutils.unescape(s, {"&quot;": '"', "&apos;": "'"}) without importing saxutils,
    which imports urllib.request and http.client: 20 ms before the first date could be read."""
    s = s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'")
    return s.replace("&amp;", "&")


_ROOT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?worksheet\b[^>]*>")
_SHEETDATA = re.compile(rb"<((?:[A-Za-z_][\w.-]*:)?)sheetData\b[^>]*?(/?)>")
_CELL_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s>/]")


_col_index, _local = ooxml.col_index, ooxml.local


def _text_of(el):
    """Text of a <si>/<is> element: <t> plus rich-text runs, without phonetic (<rPh>) hints."""
    parts = []
    for child in el:
        name = _local(child.tag)
        if name == "t":
            parts.append(child.text or "")
        elif name == "r":
            for t in child:
                if _local(t.tag) == "t":
                    parts.append(t.text or "")
    return "".join(parts)


def _element_parts(c):
    """(t, s, formula, v, inline) of a <c> element, as scan.parts gives them for the fast path."""
    formula = v = inline = None
    for child in c:
        name = _local(child.tag)
        if name == "f":
            formula = child.text or ""
        elif name == "v":
            v = child.text
        elif name == "is":
            inline = _text_of(child)
    return c.get("t"), c.get("s"), formula, v, inline


_ooxml_unescape = ooxml.unescape_text    # Excel writes control characters in strings as _xHHHH_


_MEMO = {}
MEMO_ENTRIES, MEMO_PART_BYTES = 64, 512 * 1024


def _memo(fn, data, *args):
    """fn(data, *args) for a part, or a cut of one, that repeats byte for byte across files (the
    workbook, its relationships and styles of one template, as filled or saved by the same
    program): computed once per process. A pure cache: the key is the whole text, failures are not
    kept, the results are shared and never changed. Bounded in entries and part size."""
    if len(data) > MEMO_PART_BYTES:
        return fn(data, *args)
    key = (fn, data, args)
    hit = _MEMO.get(key, _MEMO)
    return _kept(key, fn(data, *args)) if hit is _MEMO else hit


def _kept(key, value):
    """`value`, kept in _MEMO under `key` (bounded: when full, it starts again)."""
    if len(_MEMO) >= MEMO_ENTRIES:
        _MEMO.clear()
    _MEMO[key] = value
    return value


def has_dtd(data):
    """A DTD or entity declaration (never in OOXML; entity-expansion bombs). Looking for one byte
    is a memchr, a fraction of the cost of a substring scan: `!` decides most parts, `<!` the
    rest (sheet references in formulas have `!`)."""
    return b"!" in data and b"<!" in data and (b"<!DOCTYPE" in data or b"<!ENTITY" in data)


def _stripped_end(data):
    """len(data.rstrip()), without copying the part."""
    end = len(data)
    while end:
        chunk = data[max(0, end - 4096):end]
        kept = len(chunk.rstrip())
        if kept:
            return end - len(chunk) + kept
        end -= len(chunk)
    return 0


def _parse(data, what):
    if has_dtd(data):
        raise FileProblem("corrupt", "%s含有DTD/实体声明（不是正常的Excel文件）" % what)
    try:
        return ET.fromstring(data)
    except ET.ParseError as e:
        raise FileProblem("corrupt", "%s的XML无法解析（%s）" % (what, e))


def _wellformed(data, what):
    """Raise as _parse would for XML that is not well-formed (DTDs already refused), without
    building a tree: the same expat parser, created as ElementTree.XMLParser creates it."""
    try:
        expat.ParserCreate(None, "}").Parse(data, True)
    except expat.ExpatError as e:
        raise FileProblem("corrupt", "%s的XML无法解析（%s）" % (what, e))


def _accepted(root_tag, name=b"worksheet"):
    """Does expat accept a root tag (unprefixed) with nothing inside?"""
    try:
        expat.ParserCreate(None, "}").Parse(root_tag + b"</" + name + b">", True)
    except expat.ExpatError:
        return False
    return True


def _office_document(data):
    """The workbook part named by the package relationships (_rels/.rels), or None."""
    return ooxml.office_document(_parse(data, "包关系"))


def _workbook_rels(data, wb_part):
    """({relationship id: part}, {"sharedStrings"/"styles": part}) of the workbook."""
    targets, rels = {}, {}
    for rid, (rtype, part) in ooxml.relationships(_parse(data, "工作簿关系"), wb_part).items():
        targets[rid] = part
        for key, suffix in REL_SUFFIX.items():
            if rtype.endswith(suffix):
                rels[key] = part
    return targets, rels


_WB_ROOT = re.compile(rb"<((?:[A-Za-z_][\w.-]*:)?)workbook\b[^>]*>")
_WB_OPEN = re.compile(rb"<((?:[A-Za-z_][\w.-]*:)?)(sheets|definedNames|workbookPr)\b[^>]*>")


def _workbook_key(data):
    """The workbook part cut to what the reader takes from it (sheets, defined names, the date
    system) in its root element, so that files which differ only in window settings, calculation
    properties or file versions share one parse (_memo); the rest of the part is not read. A
    truncated part, or anything that could hide markup from these byte scans (a comment, CDATA, a
    DTD, a processing instruction after the prolog), keeps the whole part. Each kept element runs
    from its start tag to the first end tag of its name (or is empty, `/>`); a start tag without an
    end tag is not kept."""
    if b"<!" in data or data.count(b"<?") > 1:
        return data
    root = _WB_ROOT.search(data)
    if root is None or root.group(0).endswith(b"/>"):
        return data
    end = b"</" + root.group(1) + b"workbook>"
    if not data.rstrip(b" \t\r\n").endswith(end):           # truncated: the whole part, to be refused
        return data
    kept, at, search = [root.group(0)], root.end(), _WB_OPEN.search
    while True:
        m = search(data, at)
        if m is None:
            break
        if m.group(0).endswith(b"/>"):
            kept.append(m.group(0))
            at = m.end()
            continue
        close = b"</" + m.group(1) + m.group(2) + b">"
        stop = data.find(close, m.end())
        if stop < 0:
            at = m.start() + 1
            continue
        at = stop + len(close)
        kept.append(data[m.start():at])
    kept.append(end)
    return b"".join(kept)


def _workbook_parsed(data):
    """_workbook_xml of a workbook part, parsed once for all parts with the same _workbook_key."""
    return _memo(_workbook_xml, _workbook_key(data))


def _workbook_xml(data):
    """([(sheet title, relationship id, state)], {defined name: (sheet title, A1)}, date1904) of
    workbook.xml; only global single-cell names."""
    return ooxml.workbook_info(_parse(data, "工作簿"))


def _number_formats(data):
    """NumberFormats of a styles part, made once per process for all parts whose numFmts and
    cellXfs are the same (fonts, fills and borders differ from save to save, these hardly do)."""
    m, x = _NUMFMTS.search(data), _CELLXFS.search(data)
    blocks = (m.group(0) if m else None, x.group(0) if x else None)
    if sum(len(b) for b in blocks if b) > MEMO_PART_BYTES:
        return NumberFormats(*blocks)
    return _memo(_formats_of, blocks)


def _formats_of(blocks):
    return NumberFormats(*blocks)


class NumberFormats:
    """What the number format of each cellXfs entry of styles.xml shows: "date", "percent" or None.
    Made from the numFmts and cellXfs elements of the styles part (None for one it lacks); an entry
    is looked at when a cell of that style is."""

    def __init__(self, numfmts=None, cellxfs=None):
        self._custom = {}
        if numfmts:
            for nf in _NUMFMT.finditer(numfmts):
                attrs = dict(_ATTR.findall(nf.group(0)))
                try:
                    code = attrs.get(b"formatCode", b"").decode("utf-8")
                    self._custom[int(attrs.get(b"numFmtId", b"-1"))] = _unescape_attr(code)
                except ValueError:
                    pass
        self._xfs = _XF.findall(cellxfs) if cellxfs else []
        self._kinds = {}

    def kind(self, style):
        hit = self._kinds.get(style, self)
        if hit is self:
            hit = self._kinds[style] = self._kind(style)
        return hit

    def _kind(self, style):
        from .normalise import is_date_format, is_percent_format  # late: normalise imports reference data (start-up time)
        if not 0 <= style < len(self._xfs):
            return None
        m = _NUMFMT_ID.search(self._xfs[style])
        try:
            fid = int(m.group(1)) if m else 0
        except ValueError:
            return None
        if is_date_format(fid, self._custom.get(fid)):
            return "date"
        if is_percent_format(fid, self._custom.get(fid)):
            return "percent"
        return None


_NUMFMT_ID = re.compile(rb'\snumFmtId\s*=\s*"([^"]*)"')
_CELLS = {}                 # piece -> Cell fields (kind, value, formula, style, cached), for t != "s"
_NO_FORMATS = NumberFormats()
_LOCAL_LENGTHS = struct.Struct("<HH")     # a local file header's name and extra field lengths


class _Mapped:
    """An mmap with the file API zipfile asks for (mmap has no seekable() before Python 3.13)."""

    def __init__(self, m):
        self._m = m

    def __getattr__(self, name):
        return getattr(self._m, name)

    def seekable(self):
        return True


class Xlsx:
    """An opened .xlsx/.xlsm package. Construct from bytes, or from a read-only mmap of a file (how
    summary.rows opens a summary of hundreds of MB without reading it whole, guard=False: it never
    inflates a sheet whole and checks a summary's own limit); raises FileProblem."""

    def __init__(self, data, guard=True):
        try:
            self.zf = zipfile.ZipFile(_Mapped(data) if isinstance(data, mmap.mmap) else io.BytesIO(data))
        except zipfile.BadZipFile as e:
            raise FileProblem("corrupt", "压缩包结构损坏（%s），文件可能不完整" % e)
        if guard:                      # a form's limits; summary.rows streams a summary's sheets under its own
            guard_zip(self.zf)
        self._data = data
        self._members = set(self.zf.namelist())
        try:
            self._workbook()
        except (KeyError, ET.ParseError, zipfile.BadZipFile, EOFError, ValueError, AttributeError) as e:
            raise FileProblem("corrupt", "工作簿结构损坏（%s）" % e)
        self._sst = None
        self._formats = None
        self._cache = {}
        self.cells_read = 0

    def _workbook(self):
        """Sheets, defined names and related parts, each XML parsed once (see _memo)."""
        wb_part = "xl/workbook.xml"
        if "_rels/.rels" in self._members:
            named = self._derived("_rels/.rels", _office_document)
            wb_part = wb_part if named is None else named
        if wb_part not in self._members or wb_part in OTHER_PACKAGES:
            raise FileProblem("not-a-workbook", "：" + self._other_package(wb_part))
        targets, self._rels = self._derived(ooxml.rels_part(wb_part), _workbook_rels, wb_part)
        sheets, self.names, self.date1904 = self._derived(wb_part, _workbook_parsed)
        self.sheet_list = [(title, targets.get(rid), state) for title, rid, state in sheets]
        self.parts = {title: part for title, part, _ in self.sheet_list if part in self._members}
        self.states = {title: state for title, _, state in self.sheet_list}

    def _other_package(self, wb_part):
        """What a zip package that holds no workbook is, by its main part (a Word file renamed
        .xlsx is a zip too, with word/document.xml), or by the OpenDocument mimetype member."""
        for part, what in OTHER_PACKAGES.items():
            if part == wb_part or part in self._members:
                return what
        if "mimetype" in self._members and self.zf.getinfo("mimetype").file_size < 200:
            mime = self.part("mimetype").strip()
            if mime == b"application/vnd.oasis.opendocument.spreadsheet":
                return "这是OpenDocument电子表格（.ods），本系统只读取 .xlsx，请在WPS或LibreOffice中另存为 .xlsx"
            if mime.startswith(b"application/vnd.oasis.opendocument."):
                return "这是OpenDocument文档（%s），不是电子表格" % mime.rsplit(b".", 1)[-1].decode("ascii", "replace")
        return "压缩包中没有工作簿"

    # -- raw parts --------------------------------------------------------------------------
    def _info(self, name):
        try:
            info = self.zf.getinfo(name)
        except KeyError:
            raise FileProblem("corrupt", "缺少部件 %s" % name)
        if info.file_size > MAX_PART_BYTES:
            raise FileProblem("too-large", "部件 %s 解压后%.0fMB" % (name, info.file_size / 2**20))
        return info

    def _stored(self, info):
        """The bytes member `info` is stored as (deflated or not), found through its local header,
        or None for anything unusual (another method, flags, a name that differs from the
        directory's, a short file), which zipfile then reads, or refuses, as it always did."""
        data, at = self._data, info.header_offset
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) or info.flag_bits & 0x61 \
                or data[at:at + 4] != b"PK\x03\x04" or at + 30 > len(data):
            return None
        n, m = _LOCAL_LENGTHS.unpack_from(data, at + 26)
        name = info.orig_filename.encode("utf-8" if info.flag_bits & 0x800 else "cp437", "replace")
        start = at + 30 + n + m
        if data[at + 30:at + 30 + n] != name or start + info.compress_size > len(data):
            return None
        return data[start:start + info.compress_size]

    def _inflate(self, info, stored):
        """The member's bytes from its stored bytes, checked as zipfile checks them (its declared
        size and CRC-32); never more than the declared size is inflated."""
        if info.compress_type == zipfile.ZIP_STORED:
            out = stored[:info.file_size]
        else:
            try:
                out = deflate.inflate_raw(stored, info.file_size)
            except deflate.ERRORS as e:
                raise FileProblem("corrupt", "部件 %s 无法解压（%s）" % (info.filename, e))
        if len(out) != info.file_size:
            raise FileProblem("corrupt", "部件 %s 无法解压（数据不完整）" % info.filename)
        if deflate.crc32(out) != info.CRC:
            raise FileProblem("corrupt", "部件 %s 无法解压（Bad CRC-32）" % info.filename)
        return out

    def part(self, name):
        info = self._info(name)
        stored = self._stored(info)
        if stored is not None:
            return self._inflate(info, stored)
        try:
            with self.zf.open(info) as fh:
                return fh.read(MAX_PART_BYTES + 1)
        except (zipfile.BadZipFile, EOFError, OSError, ValueError) as e:   # a zlib or ISA-L error is not an OSError
            raise FileProblem("corrupt", "部件 %s 无法解压（%s）" % (name, e))
        except Exception as e:
            raise FileProblem("corrupt", "部件 %s 无法解压（%s: %s）" % (name, type(e).__name__, e))

    def _derived(self, name, fn, *args):
        """fn(part `name`, *args), once per process for a part stored byte for byte as one seen
        before (the same deflated bytes, method, size and CRC inflate to the same verified part:
        neither inflated nor parsed again); else as _memo has it."""
        info, stored, key = self._stored_key(name)
        if stored is None:
            return _memo(fn, self.part(name), *args)
        if key is None:
            return fn(self._inflate(info, stored), *args)
        key = (fn, args) + key
        hit = _MEMO.get(key, _MEMO)
        return _kept(key, fn(self._inflate(info, stored), *args)) if hit is _MEMO else hit

    def _stored_key(self, name):
        """(info, stored bytes, key) of part `name`: the key (its deflated bytes, method, size and CRC,
        which inflate to one verified part) is None when the part is stored unusually (stored is None
        then) or is too big to keep (MEMO_PART_BYTES)."""
        info = self._info(name)
        stored = self._stored(info)
        if stored is None or len(stored) > MEMO_PART_BYTES:
            return info, stored, None
        return info, stored, (stored, info.compress_type, info.file_size, info.CRC)

    def shared_strings(self):
        """The strings of the sharedStrings part: a lazy scan.SharedStrings when its envelope is
        plain, else (or once an item proves not plain) a list read from the tree."""
        if self._sst is None:
            part = self._rels.get("sharedStrings")
            if not part or part not in self._members:
                self._sst = []
            else:
                data = self.part(part)
                fast = scan.shared_strings(data, _ooxml_unescape)    # None for a DTD (no "<!" in its bytes)
                if fast is None or not _memo(_accepted, fast[1], b"sst"):
                    self._sst = self._tree_strings(data)
                else:
                    self._sst = fast[0]                     # strings checked and converted when asked for
                if len(self._sst) > MAX_SHARED_STRINGS:
                    raise FileProblem("too-large", "共享字符串%d个" % len(self._sst))
        return self._sst

    def _tree_strings(self, data=None):
        if data is None:
            data = self.part(self._rels["sharedStrings"])
        return [_ooxml_unescape(_text_of(si)) for si in _parse(data, "共享字符串")]

    def shared_string(self, i):
        sst = self.shared_strings()
        try:
            return sst[i]
        except scan.NotPlain:                               # an odd item: the whole part as a tree
            self._sst = self._tree_strings()
            return self._sst[i]

    def number_formats(self):
        """NumberFormats of the styles part (one per process for styles that repeat byte for byte)."""
        if self._formats is None:
            part = self._rels.get("styles")
            if part and part in self._members:
                self._formats = self._derived(part, _number_formats)
            else:
                self._formats = _NO_FORMATS
        return self._formats

    def shows(self, style):
        """"date", "percent" or None: what the number format of cell style `style` shows."""
        return self.number_formats().kind(style)

    # -- cells -------------------------------------------------------------------------------
    def has_sheet(self, title):
        return title in self.parts

    def _index(self, title):
        """{A1: <c> element, or its bytes on the fast path} of sheet `title`; cells are converted
        only when asked for."""
        if title not in self._cache:
            part = self.parts.get(title)
            if part is None:
                raise FileProblem("corrupt", "找不到工作表“%s”" % title)
            self._cache[title] = self._sheet_index(title, self.part(part))
        return self._cache[title]

    def cells(self, title):
        """{A1: Cell} for every non-empty cell stored in <sheetData> of sheet `title`."""
        out = {}
        for a1, el in self._index(title).items():
            c = self._cell(title, a1, el)
            if c is not None:
                out[a1] = c
        return out

    def _sheet_index(self, title, data):
        if has_dtd(data):
            raise FileProblem("corrupt", "工作表“%s”含有DTD/实体声明（不是正常的Excel文件）" % title)
        root = _ROOT.search(data)
        sd = _SHEETDATA.search(data)
        if root is None or not (data.endswith(b"worksheet>", 0, _stripped_end(data)) or root.group(0).endswith(b"/>")):
            raise FileProblem("corrupt", "工作表“%s”的XML不完整（文件被截断？）" % title)
        if sd is None or sd.group(2) == b"/":
            return {}
        end_tag = b"</" + sd.group(1) + b"sheetData>"
        end = data.find(end_tag, sd.end())
        if end < 0:
            raise FileProblem("corrupt", "工作表“%s”的XML不完整（文件被截断？）" % title)
        fragment = data[sd.start():end + len(end_tag)]
        root_tag = root.group(0)
        if root_tag.endswith(b"/>"):
            root_tag = root_tag[:-2] + b">"
        prefix = re.match(rb"<([\w.-]*:)?", root_tag).group(1) or b""
        fast = None if prefix else scan.index(fragment)       # unprefixed cells are the root's namespace
        n_cells = fast[0] if fast else len(_CELL_TAG.findall(fragment))
        self.cells_read += n_cells
        if n_cells > MAX_CELLS:
            raise FileProblem("too-large", "工作表“%s”有%d个单元格，超过上限%d" % (title, n_cells, MAX_CELLS))
        what = "工作表“%s”" % title
        if fast:
            if scan.parser_needed(fast, root_tag) or not _memo(_accepted, root_tag):
                _wellformed(root_tag + fragment + b"</worksheet>", what)   # the parser ElementTree uses, same verdict
            return fast[1]
        tree = _parse(root_tag + fragment + b"</" + prefix + b"worksheet>", what)
        ns = tree.tag[: tree.tag.index("}") + 1] if tree.tag.startswith("{") else ""
        row_tag, c_tag = ns + "row", ns + "c"
        out = {}
        row_idx = -1
        for sheet_data in tree:
            for row in sheet_data:
                if row.tag != row_tag:
                    continue
                r = row.get("r")
                row_idx = int(r) - 1 if r and r.isdigit() else row_idx + 1
                col_idx = -1
                for c in row:
                    if c.tag != c_tag:
                        continue
                    ref = c.get("r")
                    if ref and _A1_PLAIN.match(ref):
                        out[ref] = c
                        col_idx = -2                       # position known; recomputed if needed
                        last = ref
                        continue
                    m = _A1.match(ref) if ref else None
                    if m:
                        col_idx, row_here = _col_index(m.group(1)), int(m.group(2)) - 1
                    else:
                        if col_idx == -2:
                            col_idx = _col_index(_A1.match(last).group(1))
                        col_idx += 1
                        row_here = row_idx
                    out[ooxml.a1(col_idx, row_here)] = c
        return out

    def _cell(self, title, a1, c):
        """The Cell of a stored cell (a <c> element, or the bytes of one from scan.index); None
        when it holds nothing. A piece that needs no shared string gives the same cell in every
        file: its fields are kept (bounded, like scan's rows)."""
        if type(c) is bytes:
            hit = _CELLS.get(c)
            if hit is not None:
                return Cell(title, a1, *hit) if hit[0] != "blank" else None
            t, s, formula, v, inline = scan.parts(c)
            out = self._new_cell(title, a1, t, s, formula, v, inline)
            if t != "s" and len(c) <= scan.MAX_PIECE_BYTES:
                if len(_CELLS) >= scan.MAX_PIECES:
                    _CELLS.clear()
                _CELLS[c] = ("blank",) if out is None else (out.kind, out.value, out.formula, out.style, out.cached)
            return out
        return self._new_cell(title, a1, *_element_parts(c))

    def _new_cell(self, title, a1, t, s, formula, v, inline):
        try:
            style = int(s) if s else 0
        except ValueError:
            style = 0
        if formula is not None:
            try:
                kind, value = self._value(title, a1, t or "n", v, inline)
            except FileProblem:                 # a damaged cached result is no result
                kind, value = "blank", None
            return Cell(title, a1, "formula", value, "=" + formula if formula.strip() else "=（共享公式）", style,
                        None if kind == "blank" else kind)
        kind, value = self._value(title, a1, t or "n", v, inline)
        return None if kind == "blank" else Cell(title, a1, kind, value, None, style)

    def _value(self, title, a1, t, v, inline):
        """(kind, value) of a cell without a formula, from its type attribute and stored text."""
        if t == "inlineStr":
            return ("blank", None) if inline is None else ("s", _ooxml_unescape(inline))
        if v is None:
            return "blank", None
        if t == "s":
            try:
                return "s", self.shared_string(int(v))
            except (ValueError, IndexError):
                raise FileProblem("corrupt", "单元格 %s!%s 引用了不存在的共享字符串" % (title, a1))
        if t == "str":
            return "s", _ooxml_unescape(v)
        if t == "b":
            return "b", v.strip() in ("1", "true")
        if t == "e":
            return "e", v
        if t == "d":
            return "s", v                       # ISO 8601 text; the normaliser parses dates
        try:
            x = float(v)
        except ValueError:
            raise FileProblem("corrupt", "单元格 %s!%s 的数值无效：%s" % (title, a1, v[:30]))
        return "n", int(x) if x.is_integer() and abs(x) < 2**53 else x

    def cell(self, title, a1):
        """The Cell at sheet `title`, A1 `a1` (a blank Cell when nothing is stored there)."""
        a1 = a1.replace("$", "").upper()
        el = self._index(title).get(a1)
        return (self._cell(title, a1, el) if el is not None else None) or Cell(title, a1)

    def element_value(self, title, c):
        """value() of a parsed <c> element of sheet `title` (a sheet streamed rather than indexed:
        summary.rows); None when it holds nothing."""
        cell = self._cell(title, c.get("r") or "", c)
        return None if cell is None else self.value(cell)

    def value(self, c):
        """The value a spreadsheet shows for Cell `c` as Python: a number in a date format as a
        datetime (in the workbook's date system; a time of day when under one day, as openpyxl
        reads it), a formula as its cached result, else c.value."""
        if c.kind == "n" or c.cached == "n":
            if self.shows(c.style) == "date":
                d = ooxml.from_serial(c.value, self.date1904)
                if d is not None:
                    return d.time() if c.value < 1 else d
        return c.value

    def last_saved(self):
        """ooxml.last_saved of this package (None when not known; never raises), its part read as
        every other part is."""
        return ooxml.last_saved(self.zf, self.part)

    def meta(self):
        """{key: value} from the _meta sheet (columns A and B), {} when there is none. A _meta
        stored byte for byte as one read before, and read without shared strings, gives what it
        gave then (every form filled from one template has the same): not inflated or read again."""
        from .meta import META_SHEET  # late: the _meta name only when a workbook is asked for it
        part = self.parts.get(META_SHEET)
        if part is None:
            return {}
        key = None if self._sst is not None else self._stored_key(part)[2]     # strings in hand: read, not kept
        if key is not None:
            key = (Xlsx._meta,) + key
            hit = _MEMO.get(key)
            if hit is not None:
                return dict(hit)
        out = self._meta(META_SHEET)
        if key is not None and self._sst is None:          # its cells needed no shared strings
            _kept(key, dict(out))
        return out

    def _meta(self, title):
        out = {}
        cells = self.cells(title)
        for a1, c in cells.items():
            col, row = ooxml.col_row(a1)
            if col == 0 and c.kind == "s" and c.value:
                val = cells.get(ooxml.a1(1, row))
                out[c.value] = None if val is None else val.value
        v = out.get("template_version")
        if isinstance(v, str) and v.strip().isdigit():
            out["template_version"] = int(v.strip())
        return out

    def name_ref(self, name):
        """(sheet title, A1) of a global single-cell defined name, or None."""
        hit = self.names.get(name)
        if hit is None:
            return None
        return hit
