"""The fast path of the sheet reader: the cells of a plain `<sheetData>` found by byte scans.

Every writer our files come from (our filler/openpyxl, XlsxWriter, Excel, WPS, LibreOffice) stores
cells in one plain form: rows of `<c r="A1" ...>` elements whose only children are `<f>`, `<v>`
and `<is><t>`, with double-quoted attributes, no comments, CDATA, processing instructions or
namespace prefixes. `index(fragment)` recognises that form with one regular expression over the
whole fragment (so a cell outside a row, a rich-text run or an odd attribute is *not* the plain
form) and returns the cells without building a tree; for anything else it returns None and the
reader parses the fragment with ElementTree as before. The reader still runs the same expat parser
over the same bytes, so a fragment is accepted or rejected exactly as before: this module only
decides how the values are found, never whether the XML is good.

The sharedStrings part is read lazily: its envelope is checked once, and each string is checked
(the grammar, and the bytes expat would refuse) and converted only when a cell asks for it; an
item that is not plain sends the reader to the tree for the whole part.

    index(fragment) -> (number of cells, {"A1": piece}) or None
    parts(piece) -> (t, s, formula, v, inline), as reader.Xlsx._cell takes them
    shared_strings(data, convert) -> (SharedStrings (a lazy list), root tag) or None
"""
import itertools
import re
from xml.parsers import expat

_S = rb"[ \t\r\n]*"
_TEXT = rb"[^<]*"
_REF = rb"[A-Z]{1,3}[1-9][0-9]{0,6}"


def _attrs(names, capture=()):
    """Attributes from a fixed list, each at most once and in this (the schema's) order, as the
    writers above write them: one space before each and a double-quoted value without reference,
    tab or line break (which XML would normalise). So no name is unknown, repeated, prefixed but
    unbound (x14ac is checked in wellformed()) or an xmlns declaration. Names in `capture` are
    groups."""
    out = b""
    for n in names:
        value = rb'"([^"<&\t\r\n]*)"' if n in capture else rb'"[^"<&\t\r\n]*"'
        out += rb"(?: " + re.escape(n) + b"=" + value + rb")?"
    return out + rb" ?"


_ROW_ATTRS = (b"r", b"spans", b"s", b"customFormat", b"ht", b"hidden", b"customHeight", b"outlineLevel",
              b"collapsed", b"thickTop", b"thickBot", b"ph", b"x14ac:dyDescent")
_CELL_ATTRS = (b"s", b"t")                # a cell with cm, vm or ph (rare) is read by the tree reader
_F_ATTRS = (b"t", b"aca", b"ref", b"dt2D", b"dtr", b"del1", b"del2", b"r1", b"r2", b"ca", b"si", b"bx")


def _content(g):
    """A cell after its attributes: `/>`, or `>` then <f>, <v>, <is><t> (each optional, in that
    order) and `</c>`; g(x) wraps the parts parts() reads."""
    return (rb"(?:/>|>" + _S
            + rb"(?:<f" + g(_attrs(_F_ATTRS)) + rb"(?:/>|>" + g(_TEXT) + rb"</f>)" + _S + rb")?"
            + rb"(?:<v ?(?:/>|>" + g(_TEXT) + rb"</v>)" + _S + rb")?"
            + rb"(?:" + g(rb"<is") + rb" ?(?:/>|>" + _S + rb"(?:<t" + _attrs((b"xml:space",)) + rb"(?:/>|>"
            + g(_TEXT) + rb"</t>)" + _S + rb")?</is>)" + _S + rb")?"
            + rb"</c>)")


def _atomic(x):
    """x matched atomically, as (?>x) would in Python >= 3.11: the lookahead's backtracking state
    is dropped once it has matched, so memory stays that of one row (or one string). It must be
    the pattern's only capturing group (\\1)."""
    return rb"(?=(" + x + rb"))\1"


# Every part of the grammar starts with a different literal or ends before one, so a text has at
# most one parse and a failed match cannot backtrack far.
_ROW = (rb"<row" + _attrs(_ROW_ATTRS) + rb"(?:/>|>" + _S + rb'(?:<c r="' + _REF + rb'"' + _attrs(_CELL_ATTRS)
        + _content(lambda x: b"(?:" + x + b")") + _S + rb")*</row>)")
_PLAIN = re.compile(rb"<sheetData>" + _S + rb"(?:" + _atomic(_ROW) + _S + rb")*</sheetData>")
# A row cut at each `<c r="` (text and attribute values hold no "<", so the cuts are its cells):
# the head, then each cell's piece, the last with `</row>`. Each is checked on its own, and a piece
# seen before (a template's label or formula beside a value a user typed) is looked up: the same
# verdict as _ROW (and the blanks after it) over the row.
_ROW_HEAD = re.compile(rb"<row" + _attrs(_ROW_ATTRS) + rb">" + _S)
_EMPTY_ROW = re.compile(rb"<row" + _attrs(_ROW_ATTRS) + rb"(?:/>|>" + _S + rb"</row>)" + _S)
_CELL = _REF + rb'"' + _attrs(_CELL_ATTRS) + _content(lambda x: b"(?:" + x + b")") + _S
_MID_PIECE = re.compile(_CELL)
_LAST_PIECE = re.compile(_CELL + rb"</row>" + _S)
_HEAD = re.compile(rb"<sheetData>" + _S)
MAX_CELLS = 5000          # more cells (never in our forms): the tree reader, as before
BIG_FRAGMENT = 1 << 20    # a larger <sheetData> is counted whole first (a form's, long texts and all, is ~0.2 MB)
_PIECE = re.compile(_REF + rb'"' + _attrs(_CELL_ATTRS, capture=_CELL_ATTRS) + _content(lambda x: b"(" + x + b")"))
_ENTITY = re.compile(r"&(#x[0-9A-Fa-f]+|#[0-9]+|amp|lt|gt|quot|apos);")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}

# Rows seen before, by their bytes: (their cells, what wellformed() says of them). The rows of a
# template's labels, formulas and empty inputs repeat in every form filled from it (and the rows of
# a client's shared-string indexes nearly all do), so a form's sheet costs one split and a look-up
# per row, and the grammar and the bytes are checked only in the rows a user filled. A pure cache,
# bounded in rows, row size and bytes, a few MB a worker (the rows users filled fill it in a few
# thousand forms, and it starts again: the template's rows are checked once more). Cells' parts
# are kept the same way, by their bytes, in fewer and shorter entries (MAX_PIECES, MAX_PIECE_BYTES).
_ROWS = {}
MAX_ROWS, MAX_ROW_BYTES, MAX_ROWS_BYTES = 20000, 16384, 4 * 2**20
MAX_PIECES, MAX_PIECE_BYTES = 10000, 1024
_rows_bytes = 0
OK, X14AC, ASK = 0, 1, 2          # a fragment's verdict: well-formed; so if x14ac is bound; ask expat


def index(fragment):
    """(cells, {"A1": piece}, verdict) for a plain-form `<sheetData>...</sheetData>`, else None.

    A piece is the bytes after `<c r="`; a later cell with the same reference wins, as in the
    tree reader. The fragment is cut at each `<row` (in the plain form a row's bytes hold no other
    `<row`, so the cuts are its rows and the blanks after them) and each row is checked, or looked
    up, on its own: the same verdict as _PLAIN over the whole. The verdict is what wellformed()
    says of the fragment without the root tag (see parser_needed)."""
    global _rows_bytes
    if not fragment.endswith(b"</sheetData>"):
        return None
    if len(fragment) > BIG_FRAGMENT and fragment.count(b'<c r="') > MAX_CELLS:
        return None                          # a sheet too big for this path is not cut into its rows first
    rows = fragment[:-12].split(b"<row")
    if not _HEAD.fullmatch(rows[0]):
        return None
    cells, verdict, memo, n = {}, OK, _ROWS, 0
    for i in range(1, len(rows)):
        row = rows[i]
        hit = memo.get(row)
        if hit is None:
            hit = _new_row(row)
            if hit is None:
                return None
            if len(row) <= MAX_ROW_BYTES:
                if len(memo) >= MAX_ROWS or _rows_bytes > MAX_ROWS_BYTES:
                    memo.clear()
                    _rows_bytes = 0
                memo[row] = hit
                _rows_bytes += len(row)
        n += hit[3]                          # the row's `<c r="`s: in the plain form, every one of the fragment's
        if n > MAX_CELLS:                    # (a count over the whole fragment costs as much as the rows do)
            return None
        cells.update(hit[0])
        if hit[1] or hit[2]:
            verdict = max(verdict, hit[1], X14AC if hit[2] else OK)
    return n, cells, verdict


def _new_row(row):
    """(cells, verdict, x14ac seen, number of cells) of a row not seen before (its bytes after
    `<row`), or None when it is not in the plain form: its head and each cell's piece checked on
    their own."""
    pieces = row.split(b'<c r="')
    head = b"<row" + pieces[0]
    if len(pieces) == 1:
        if not _EMPTY_ROW.fullmatch(head):
            return None
        return {}, OK if _clean(head) else ASK, b" x14ac:" in head, 0
    if not _ROW_HEAD.fullmatch(head):
        return None
    cells, verdict, known, last = {}, OK if _clean(head) else ASK, _PIECES, len(pieces) - 1
    for i in range(1, last + 1):
        p = pieces[i]
        hit = known.get(p)
        if hit is None:
            if not (_LAST_PIECE if i == last else _MID_PIECE).fullmatch(p):
                return None
            hit = (p[:p.index(b'"')].decode("ascii"), _clean(p), i == last)
            if len(p) <= MAX_PIECE_BYTES:
                if len(known) >= MAX_PIECES:
                    known.clear()
                known[p] = hit
        elif hit[2] != (i == last):              # a piece matches one of the two grammars, never both
            return None
        cells[hit[0]] = p
        if not hit[1]:
            verdict = ASK
    return cells, verdict, b" x14ac:" in row, last


# Cells' pieces checked before, by their bytes: (reference, clean, was the row's last).
_PIECES = {}


def parser_needed(fast, root_tag):
    """Whether expat must be asked about `root_tag + fragment + </worksheet>`, for a fragment
    index() read (`fast`) and a root tag expat accepts on its own: the verdict of wellformed()."""
    verdict = fast[2]
    return verdict == ASK or (verdict == X14AC and b' xmlns:x14ac="' not in root_tag)


_C0 = bytes(range(9)) + b"\x0b\x0c" + bytes(range(14, 32))       # control characters XML forbids
_OTHER_REFERENCE = re.compile(rb"&(?!(?:amp|lt|gt|quot|apos);)")


def _clean(fragment):
    """wellformed() without the x14ac test: nothing in the bytes a parser would refuse."""
    if b"&" in fragment and _OTHER_REFERENCE.search(fragment):
        return False
    if b"]]>" in fragment or b"\xef\xbf" in fragment and (b"\xef\xbf\xbe" in fragment or b"\xef\xbf\xbf" in fragment):
        return False
    if len(fragment.translate(None, _C0)) != len(fragment):
        return False
    if not fragment.isascii():
        try:
            fragment.decode("utf-8")
        except UnicodeDecodeError:
            return False
    return True


def wellformed(fragment, root_tag):
    """True when expat must accept `root_tag + fragment + </worksheet>`, for a plain fragment
    (index() returned its cells) and a root tag expat accepts on its own; False when expat has to
    be asked. The plain form fixes the elements, their nesting and their attributes; what is left
    for a parser to reject is in the bytes: a reference other than the five predefined entities,
    `]]>` in text, a character XML forbids, bytes that are not UTF-8, or x14ac unbound."""
    if b" x14ac:" in fragment and b' xmlns:x14ac="' not in root_tag:
        return False
    return _clean(fragment)


def _entity(m):
    name = m.group(1)
    if name[0] == "#":
        return chr(int(name[2:], 16) if name[1] == "x" else int(name[1:]))
    return _NAMED[name]


def _text(raw):
    """Character data as an XML parser reports it: line ends normalised, references resolved."""
    if not raw:
        return raw
    s = raw.decode("utf-8")
    if "\r" in s:
        s = s.replace("\r\n", "\n").replace("\r", "\n")
    if "&" in s:
        s = _ENTITY.sub(_entity, s)
    return s


def parts(piece):
    """(t, s, formula, v, inline) of one cell: `t` and `s` attribute text (None when absent),
    formula text ("" for an empty <f>, None without one), <v> text (None when empty or absent)
    and the inline string (None without <is>). Kept for pieces seen before (most are a template's
    labels, in rows index() kept), bounded."""
    hit = _PARTS.get(piece)
    if hit is None:
        s, t, f_attrs, f, v, is_, text = _PIECE.match(piece).groups()
        hit = (None if t is None else t.decode("utf-8"), None if s is None else s.decode("utf-8"),
               None if f_attrs is None else _text(f) or "", _text(v) or None,
               None if is_ is None else _text(text) or "")
        if len(piece) <= MAX_PIECE_BYTES:
            if len(_PARTS) >= MAX_PIECES:
                _PARTS.clear()
            _PARTS[piece] = hit
    return hit


_PARTS = {}


# --- shared strings ---------------------------------------------------------------------------
# The plain sharedStrings part: <si> items of a <t>, rich-text runs <r> (with <rPr> of empty
# formatting elements) and phonetic hints <rPh>/<phoneticPr>, in that order, after an optional
# UTF-8 XML declaration. Attribute values here are never read, so any double-quoted value will do.
# Only the envelope is checked for the whole part (a root tag expat accepts, then <si>...</si>
# items with nothing between them, then </sst>); an item is checked against the grammar, and for
# what expat would refuse, when a cell first asks for it. A Chinese form's part holds every label
# of the template (~100 KB) and a form needs a few of its strings.
_ANY_ATTRS = rb'(?: [\w.:-]+="[^"<]*")* ?'
_T = rb"<t" + _ANY_ATTRS + rb"(?:/>|>" + _TEXT + rb"</t>)" + _S
_SI_BODY = re.compile(
    _S + rb"(?:" + _T + rb")?"
    + rb"(?:<r>" + _S + rb"(?:<rPr>" + _S + rb"(?:<[A-Za-z]+" + _ANY_ATTRS + rb"/>" + _S + rb")*</rPr>"
    + _S + rb")?" + _T + rb"</r>" + _S + rb")*"
    + rb"(?:<rPh" + _ANY_ATTRS + rb">" + _S + _T + rb"</rPh>" + _S + rb")*"
    + rb"(?:<phoneticPr" + _ANY_ATTRS + rb"/>" + _S + rb")?</si>" + _S + rb"(?:</sst>" + _S + rb")?")
_SST_HEAD = re.compile(rb'(?:\xef\xbb\xbf)?(?:<\?xml version="1\.[0-9]"(?: encoding="(?:UTF|utf)-8")?'
                       rb'(?: standalone="(?:yes|no)")? ?\?>)?' + _S + rb"(<sst" + _ANY_ATTRS + rb">)" + _S)
_SST_EMPTY = re.compile(_SST_HEAD.pattern[:-len(rb"(<sst" + _ANY_ATTRS + rb">)" + _S)]
                        + rb"<sst" + _ANY_ATTRS + rb"/>" + _S)
_XMLNS = re.compile(rb' xmlns(?::[\w.-]+)?="[^"<]*"')
_BETWEEN = re.compile(rb"</si>(?!" + _S + rb"(?:<si>|</sst>))")
MAX_STRINGS = 500000
_SI_TEXT = re.compile(rb'<t(?: [\w.:-]+="[^"]*")* ?(?:/>|>([^<]*)</t>)')


class NotPlain(Exception):
    """An item of a sharedStrings part is not in the plain form: read the part as a tree."""


class SharedStrings:
    """The strings of a plain sharedStrings part, each checked and converted when first asked
    for; indexes behave as a list's. Raises NotPlain for an item that is not plain."""

    def __init__(self, pieces, convert, root=b"<sst>"):
        self._pieces, self._convert, self._root, self._done = pieces, convert, root, {}

    def __len__(self):
        return len(self._pieces)

    def __getitem__(self, i):
        hit = self._done.get(i)
        if hit is None:
            piece = self._pieces[i]
            key = (self._root, piece, self._convert)
            hit = _ITEMS.get(key)
            if hit is None:
                if not (_SI_BODY.fullmatch(piece) and _expat_accepts(
                        self._root + b"<si>" + piece[:piece.rfind(b"</si>") + 5] + b"</sst>")):
                    raise NotPlain(i)
                hit = self._convert(_si_text(piece))
                if len(piece) <= MAX_ITEM_BYTES:
                    if len(_ITEMS) >= MAX_ITEMS:
                        _ITEMS.clear()
                    _ITEMS[key] = hit
            self._done[i] = hit
        return hit


# Items that passed, by their bytes (and root tag): labels and choices repeat in every form of a
# template, whoever saved it. A pure cache, bounded.
_ITEMS = {}
MAX_ITEMS, MAX_ITEM_BYTES = 20000, 1024


def _expat_accepts(doc):
    """The parser ElementTree uses, created as it creates it, accepts `doc` (one item in its root)."""
    try:
        expat.ParserCreate(None, "}").Parse(doc, True)
    except expat.ExpatError:
        return False
    return True


def shared_strings(data, convert):
    """(SharedStrings, root tag) of a sharedStrings part whose envelope is plain, else None; the
    caller has expat check the root tag. A client's part is ~350 KB: each pass over it costs, so
    the checks are single byte scans where they can be (memchr, a split, a count)."""
    if _SST_EMPTY.fullmatch(data):
        return SharedStrings([], convert), b"<sst>"
    head = _SST_HEAD.match(data)
    if head is None or not _ends_with(data, b"</sst>"):
        return None
    start = head.end()
    if _markup_after(data, start, b"!") or _markup_after(data, start, b"?"):
        return None                          # CDATA, a comment or a PI could hide "<si>": the tree
    pieces = data.split(b"<si>")             # the head holds no "<si>": the first piece is the head
    if len(pieces[0]) != start or len(pieces) > MAX_STRINGS + 1:
        return None
    del pieces[0]
    n = len(pieces)
    if not pieces[-1].rstrip(b" \t\r\n")[:-6].rstrip(b" \t\r\n").endswith(b"</si>"):
        return None
    # every item but the last ends where the next begins (as Excel, WPS and LibreOffice write
    # them), or, with blanks between, every </si> is followed by <si> or </sst> and there is one
    # per item: so the pieces are exactly the root's <si> children, in order
    if not all(map(bytes.endswith, itertools.islice(pieces, n - 1), itertools.repeat(b"</si>"))) and (
            data.count(b"</si>", start) != n or _BETWEEN.search(data, start)):
        return None
    root = head.group(1)
    scope = b"<sst" + b"".join(_XMLNS.findall(root)) + b">"     # what an item's well-formedness depends on
    return SharedStrings(pieces, convert, scope), root


def _ends_with(data, suffix):
    """data.rstrip(b" \t\r\n").endswith(suffix), without copying a long part."""
    tail = data[-64:].rstrip(b" \t\r\n")
    if len(tail) < len(suffix) and len(data) > 64:
        tail = data.rstrip(b" \t\r\n")
    return tail.endswith(suffix)


def _markup_after(data, start, mark):
    """Is b"<" + mark in data[start:]? One memchr for a byte that is rare in a part, then a look
    before each one found (a substring scan costs as much as several memchr passes)."""
    at, seen = data.find(mark, start), 0
    while at >= 0:
        if data[at - 1] == 0x3C and at > start:
            return True
        seen += 1
        if seen > 256:                       # many of them: one substring scan
            return data.find(b"<" + mark, start) >= 0
        at = data.find(mark, at + 1)
    return False


def _si_text(piece):
    """Text of one <si> (the bytes after it): its <t> and its runs' <t>, without phonetic hints."""
    cut = piece.find(b"<rPh")
    return "".join(_text(t) or "" for t in _SI_TEXT.findall(piece if cut < 0 else piece[:cut]))
