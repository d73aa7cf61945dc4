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

    index(fragment) -> (number of cells, {"A1": piece}) or None
    parts(piece) -> (t, s, formula, v, inline), as reader.Xlsx._cell takes them
"""
import re

_S = rb"[ \t\r\n]*+"
# Attributes as every writer above writes them: one space before each, `name="value"` with no
# entity, tab or line break in the value (XML would have normalised those), and no xmlns
# declaration (which could move an element to another namespace). Anything else: not plain.
_ATTRS = rb'(?: (?!xmlns)[\w.:-]++="[^"<&\t\r\n]*+")*+ ?+'
_TEXT = rb"[^<]*+"
_REF = rb"[A-Z]{1,3}[1-9][0-9]{0,6}"


def _cell_rest(g):
    """What follows `<c r="A1"` in a plain cell; g(x) wraps the parts parts() reads."""
    return (g(rb'(?: s="' + g(rb'[^"<&\t\r\n]*+') + rb'")?+(?: t="' + g(rb'[^"<&\t\r\n]*+') + rb'")?+'
              + g(_ATTRS)) + rb"(?:/>|>" + _S
            + rb"(?:<f" + g(_ATTRS) + rb"(?:/>|>" + g(_TEXT) + rb"</f>)" + _S + rb")?+"
            + rb"(?:<v ?+(?:/>|>" + g(_TEXT) + rb"</v>)" + _S + rb")?+"
            + rb"(?:" + g(rb"<is") + rb" ?+(?:/>|>" + _S + rb"(?:<t" + _ATTRS + rb"(?:/>|>" + g(_TEXT)
            + rb"</t>)" + _S + rb")?+</is>)" + _S + rb")?+"
            + rb"</c>)")


_ROW = (rb"<row" + _ATTRS + rb"(?:/>|>" + _S + rb'(?:<c r="' + _REF + rb'"'
        + _cell_rest(lambda x: b"(?:" + x + b")") + _S + rb")*+</row>)")
_PLAIN = re.compile(rb"<sheetData" + _ATTRS + rb">" + _S + rb"(?:" + _ROW + _S + rb")*+</sheetData>")
_PIECE = re.compile(_REF + rb'"' + _cell_rest(lambda x: b"(" + x + b")"))
_ATTR = re.compile(rb' ([\w.:-]+)="([^"]*)"')
_ENTITY = re.compile(r"&(#x[0-9A-Fa-f]+|#[0-9]+|amp|lt|gt|quot|apos);")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}


def index(fragment):
    """(cells, {"A1": piece}) for a plain-form `<sheetData>...</sheetData>`, else None.

    A piece is the bytes after `<c r="`; a later cell with the same reference wins, as in the
    tree reader."""
    if not _PLAIN.fullmatch(fragment):
        return None
    pieces = fragment.split(b'<c r="')
    del pieces[0]
    return len(pieces), {p[:p.index(b'"')].decode("ascii"): p for p in pieces}


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
    and the inline string (None without <is>)."""
    attrs, s, t, others, f_attrs, f, v, is_, text = _PIECE.match(piece).groups()
    if others:                                  # other attributes, or s and t in another order
        found = dict(_ATTR.findall(attrs))
        s, t = found.get(b"s"), found.get(b"t")
    return (None if t is None else t.decode("utf-8"), None if s is None else s.decode("utf-8"),
            None if f_attrs is None else _text(f) or "", _text(v) or None,
            None if is_ is None else _text(text) or "")
