"""The hidden sheets that make a summary readable by a later merge: _meta and _data.

_meta holds key/value rows like a template's (kind = "summary"), so read.meta recognises it.
_data holds one record per merged row: every field value, the recomputed conditions, the problems
and the provenance (source file relative to the merged folder, SHA-256, mtime, template version,
the summaries it came through, also relative). No absolute path is stored: the summary is sent on.
A record is JSON, deflated and base64-encoded ("z:" first; long texts made it most of the
workbook, in a hidden sheet so that a summary re-saved by Excel or WPS keeps it), split over
consecutive cells of 16,000 characters. Plain JSON records (summary version 1) are still read.
"""
import base64
import codecs
import datetime as _dt
import json
import math
import os
import zipfile

from .. import __version__, deflate, jsonwrite, ooxml, spec, verdicts
from ..read.meta import META_SHEET, meta_from_calamine
from . import parked, spill
from .common import rendered
from .model import Entry
from .rows import checked as checked_sheet
from .stream import Body, cell, lead_kind

DATA_SHEET = "_data"
SUMMARY_KIND = "summary"
SUMMARY_VERSION = 2
PACKED = "z:"
CHUNK = 16000                     # characters per cell; well under Excel's 32,767 UTF-16 units
MAX_UNCOMPRESSED = 2 << 30        # a summary of 15,000 rows is about 0.2 GB inflated
ENTRY_KEYS = ("sha256", "mtime", "size", "template_version", "read_by", "city", "city_source", "rel", "saved")


def meta_rows(model):
    c = model.counts()
    return (
        ("kind", SUMMARY_KIND),
        ("summary_version", SUMMARY_VERSION),
        ("template_version_enterprise", spec.template_version("enterprise")),
        ("template_version_platform", spec.template_version("platform")),
        ("spec_hash_enterprise", spec.spec_hash("enterprise")),
        ("spec_hash_platform", spec.spec_hash("platform")),
        ("generator", "sjtx-xl %s" % __version__),
        ("notice", spec.common.NOTICE),
        ("enterprises", c["enterprises"]),
        ("platforms", c["platforms"]),
        ("keep", model.keep),
        ("folder", os.path.basename(model.root.rstrip("/\\")) if model.root else ""),   # a name, never a path
    )


_PLAIN_TYPES = (str, int, bool, type(None))


def _enc(v):
    if type(v) in _PLAIN_TYPES:                           # most values: as they are
        return v
    if isinstance(v, _dt.datetime):
        return {"$datetime": v.isoformat()}
    if isinstance(v, _dt.date):
        return {"$date": v.isoformat()}
    if isinstance(v, float) and not math.isfinite(v):
        return str(v)
    if v is None or isinstance(v, (str, int, float, bool)):
        return v
    return str(v)


def _dec(v):
    if isinstance(v, dict):
        if "$date" in v:
            return _dt.date.fromisoformat(v["$date"])
        if "$datetime" in v:
            return _dt.datetime.fromisoformat(v["$datetime"])
        raise ValueError("unexpected object")
    if v is None or isinstance(v, (str, int, float, bool)):
        return v
    raise ValueError("unexpected value")


def record(e):
    """The entry's record, packed (pool workers make it in parallel; see summary.prerender). Who the
    row is comes first (kind, provenance, then the values with LIGHT_KEYS leading), problems last:
    a re-merge's light read inflates and parses only that head (_light)."""
    rec = {"kind": e.kind, "path": e.rel or os.path.basename(e.path), "via": list(e.via)}
    for k in ENTRY_KEYS:
        rec[k] = _enc(getattr(e, k))
    values = e.values
    rec["values"] = {k: _enc(values[k]) for k in LIGHT_KEYS if k in values}
    rec["values"].update((k, _enc(v)) for k, v in values.items() if k not in LIGHT_KEYS)
    rec["overall"], rec["conditions"] = e.overall, e.conditions
    rec["problems"] = []
    text = _dumps(rec)                                       # json.dumps(rec), problems last:
    text = text[:-3] + _problems_json(e.problems) + "}"      # ..., "problems": []} -> [...]}
    return PACKED + base64.b64encode(deflate.compress(text.encode("utf-8"))).decode("ascii")


def _dumps(obj):
    return json.dumps(obj, ensure_ascii=False, allow_nan=False, default=str)


_PROBLEM_JSON = {}        # a problem dict's JSON by its items: an error-heavy form's ~90 repeat in every form
MAX_PROBLEM_JSON = 20000


def _problems_json(problems):
    """json.dumps(list(problems)), each problem's text made once per process (a pure cache, bounded;
    list(): a parked list is read back)."""
    memo, out = _PROBLEM_JSON, []
    for p in list(problems):
        key = text = None
        if type(p) is dict and jsonwrite.flat(p):
            key = tuple(p.items())         # texts and nulls only: equal items, same JSON
            text = memo.get(key)
        if text is None:
            text = _dumps(p)
            if key is not None:
                if len(memo) >= MAX_PROBLEM_JSON:
                    memo.clear()
                memo[key] = text
        out.append(text)
    return "[" + ", ".join(out) + "]"


def unpack(text):
    """The JSON text of a record (packed or plain)."""
    if text.startswith(PACKED):
        return deflate.decompress(base64.b64decode(text[len(PACKED):], validate=True)).decode("utf-8")
    return text


def render(e, st=None):
    """The record's cells after column A (kind): the number of chunks, then the chunks."""
    text = record(e)
    chunks = [text[i:i + CHUNK] for i in range(0, len(text), CHUNK)] or [""]
    return cell(1, len(chunks)) + "".join(
        cell(c, chunk) for c, chunk in enumerate(chunks, 2))


def write(wb, st, model):
    meta = wb.add_worksheet(META_SHEET)
    for r, (k, v) in enumerate(meta_rows(model)):
        meta.write_string(r, 0, k)
        if isinstance(v, (int, float)):
            meta.write_number(r, 1, v)
        else:
            meta.write_string(r, 1, str(v))
    meta.hide()
    ws = wb.add_worksheet(DATA_SHEET)
    ws.write_string(0, 0, "kind")
    ws.write_string(0, 1, "chunks")
    ws.write_string(0, 2, "record (deflated JSON in base64 after z:, continued in the next cells)")
    ws.hide()
    entries = model.enterprises + model.platforms

    def rows():
        for e in entries:
            yield lead_kind(e.kind, rendered(e, DATA_SHEET, st) or render(e)), None, None

    return ws, Body(DATA_SHEET, 1, 3, len(entries), rows())


class SummaryError(Exception):
    """The workbook says it is a summary but its data cannot be read."""


def is_summary(path):
    """True when the workbook's _meta says kind = summary (cheap: the zip directory first)."""
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            if "xl/workbook.xml" not in names:
                return False
            wbxml = z.read("xl/workbook.xml")
        if b'name="%s"' % DATA_SHEET.encode() not in wbxml or b'name="%s"' % META_SHEET.encode() not in wbxml:
            return False
        return read_meta(path).get("kind") == SUMMARY_KIND
    except Exception:
        return False


def read_meta(path):
    from python_calamine import CalamineWorkbook  # late: calamine only when a summary is read back
    return meta_from_calamine(CalamineWorkbook.from_path(str(path)))


def read_summary(path, light=False, slim=False):
    """(meta, [Entry]) of a summary workbook written by this module. Raises SummaryError.

    `light`: entries that say only who they are (kind, name, credit code, city and provenance;
    no problems, conditions or other values), for a re-merge that needs only the rows a summary
    held: 15,000 error-heavy rows hold 1.4 M problems. The sheet's rows are read one at a time.
    `slim`: every value and condition, but of each problem only what a verdict reads (verdicts.slim),
    for submit, which writes no problem out; read a row at a time too, and with a spill in use
    only the values every row needs stay in memory (the others are read back when asked for)."""
    from python_calamine import CalamineWorkbook  # late: calamine only when a summary is read back
    try:
        with zipfile.ZipFile(path) as z:
            if ooxml.inflated_size(z) > MAX_UNCOMPRESSED:
                raise SummaryError("汇总表解压后超过 %d MB" % (MAX_UNCOMPRESSED >> 20))
        wb = CalamineWorkbook.from_path(str(path))
        meta = meta_from_calamine(wb)
        if meta.get("kind") != SUMMARY_KIND:
            raise SummaryError("不是本系统生成的汇总表")
        if DATA_SHEET not in wb.sheet_names:
            raise SummaryError("缺少 %s 工作表" % DATA_SHEET)
        if light or slim:
            try:
                return meta, _entries(_inline_rows(path), light, slim)
            except _SharedStrings:               # re-saved by Excel or WPS: calamine resolves them
                pass
        rows = enumerate(wb.get_sheet_by_name(DATA_SHEET).iter_rows(), 1)   # a row at a time, not a list
        next(rows, None)                                       # the header
    except SummaryError:
        raise
    except Exception as e:                      # calamine and zipfile raise many types
        raise SummaryError("无法读取：%s" % e) from e
    return meta, _entries(rows, light, slim)


class _SharedStrings(Exception):
    """The _data sheet keeps its text in the shared strings part."""


_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def _inline_rows(path):
    """(row number, [cell values]) of the _data sheet straight from the package, one row at a time
    (calamine holds the whole sheet: 15,000 error-heavy records are 125 MB of XML). Raises
    _SharedStrings at a record whose text is in the shared strings (never, as this module writes them)."""
    import xml.etree.ElementTree as ET  # late: only a re-merge reads a summary's rows this way

    from ..ooxml import col_row, sheets
    try:
        with zipfile.ZipFile(path) as z:
            part = {title: part for title, part, _ in sheets(z)}[DATA_SHEET]
            with z.open(part) as fh:
                row, number, shared = [], 0, False
                for _, el in ET.iterparse(checked_sheet(fh, DATA_SHEET), ("end",)):
                    tag = el.tag
                    if tag == _NS + "c":
                        t = el.get("t")
                        if t == "s":                           # XlsxWriter's header row: ignored
                            shared, v = True, None
                        elif t == "inlineStr":
                            v = "".join(x.text or "" for x in el.iter(_NS + "t"))
                        else:
                            x = el.find(_NS + "v")
                            v = None if x is None else x.text
                        c = col_row(el.get("r"))[0] if el.get("r") else len(row)
                        row.extend([""] * (c - len(row) + 1))
                        row[c] = v
                        el.clear()
                    elif tag == _NS + "row":
                        number = int(el.get("r") or number + 1)
                        if row and number > 1:                 # row 1: the header
                            if shared:
                                raise _SharedStrings()
                            yield number, row
                        row, shared = [], False
                        el.clear()
    except (_SharedStrings, SummaryError):
        raise
    except Exception as e:                      # zipfile and expat raise many types
        raise SummaryError("无法读取：%s" % e) from e


def _entries(rows, light, slim=False):
    """Entries of the _data rows: (row number, cells), after the header."""
    entries, shared = [], {}
    for n, row in rows:
        if not row or row[0] in ("", None):
            continue
        try:
            chunks = int(row[1])
            rec = _light(str(row[2])) if light and chunks >= 1 else None
            if rec is None:
                rec = json.loads(unpack("".join(str(c) for c in row[2:2 + chunks])))
            if light:
                rec["values"] = {k: v for k, v in rec["values"].items() if k in LIGHT_KEYS}
                rec["problems"], rec["conditions"] = [], {}
            elif slim:
                rec["problems"] = [verdicts.slim(p, shared) for p in rec["problems"] if isinstance(p, dict)]
            e = entry_from_record(rec)
            # with a spill in use, long texts wait on disk; a slim read (submit: thousands of rows)
            # keeps in memory only what every row needs (parked.PARENT_KEYS), as merge's parent does
            e.values = (parked.park_values if slim else spill.park_values)(e.values)
            entries.append(e)
        except _BAD_RECORD as e:
            raise SummaryError("%s 第%d行数据无效（%s）" % (DATA_SHEET, n, e)) from e
    return entries


_BAD_RECORD = (ValueError, TypeError, KeyError, IndexError, AttributeError) + deflate.ERRORS
LIGHT_KEYS = ("name", "platform_name", "uscc")            # what says who a row is (decisions.key)
_HEAD_KEYS = ("kind", "path", "via") + ENTRY_KEYS          # what a record says before its values
HEAD_BYTES = 16384                                         # a record's head, inflated for a light read
_DECODER = json.JSONDecoder()


def _light(first_chunk):
    """The head of a packed record up to the values that say who it is, from its first chunk alone,
    parsing the JSON key by key; None when the head is not there (a plain record, one written before
    the keys were ordered so, a value longer than the head): then the whole record is read."""
    if not first_chunk.startswith(PACKED):
        return None
    b64 = first_chunk[len(PACKED):]
    raw = base64.b64decode(b64[:len(b64) // 4 * 4], validate=True)
    head = deflate.decompressobj().decompress(raw, HEAD_BYTES)
    text = codecs.getincrementaldecoder("utf-8")().decode(head)     # a character cut at the end waits
    try:
        rec, i = {}, _after(text, 0, "{")
        while True:
            key, i = _DECODER.raw_decode(text, i)
            i = _after(text, i, ":")
            if key not in _HEAD_KEYS and key != "values" or key == "values" and len(rec) < len(_HEAD_KEYS):
                return None                                      # an older order: provenance after the values
            if key != "values":
                rec[key], i = _DECODER.raw_decode(text, i)
                i = _after(text, i, ",")
                continue
            values, i = {}, _after(text, i, "{")
            while text[i] != "}":
                k, i = _DECODER.raw_decode(text, i)
                if k not in LIGHT_KEYS:                          # they lead: the rest is not needed
                    break
                values[k], i = _DECODER.raw_decode(text, _after(text, i, ":"))
                if text[i] != "}":
                    i = _after(text, i, ",")
            rec["values"] = values
            return rec
    except (ValueError, IndexError, KeyError):      # the head ends first: the whole record, parsed once
        return None


def _after(text, i, char):
    """The index after `char` (and the spaces around it) at `i`; ValueError when it is not there."""
    while text[i] == " ":
        i += 1
    if text[i] != char:
        raise ValueError(char)
    i += 1
    while i < len(text) and text[i] == " ":
        i += 1
    return i


@spec.cached
def _canonical(kind):
    """({id: id} of the kind's fields, of its conditions): a record's keys replaced by these are one
    string each for every row (each JSON record has fresh copies: 15,000 rows held 85 MB of them)."""
    form = spec.form(kind)
    return {f.id: f.id for f in form.fields}, {c.id: c.id for c in form.conditions}


def entry_from_record(rec):
    kind = rec["kind"]
    if kind not in spec.KINDS:
        raise ValueError("kind %r" % kind)
    known, conds = _canonical(kind)
    values = {known[k]: _dec(v) for k, v in rec["values"].items() if k in known}
    conditions = {conds[k]: v for k, v in rec["conditions"].items() if k in conds}
    problems = [p for p in rec["problems"] if isinstance(p, dict)]
    e = Entry(kind=kind, values=values, conditions=conditions, overall=rec.get("overall"), problems=problems,
              path=str(rec["path"]), via=tuple(str(v) for v in rec.get("via", ())))
    for k in ENTRY_KEYS:
        if k in rec:
            setattr(e, k, _dec(rec[k]))
    e.rel = e.rel or e.path
    return e
