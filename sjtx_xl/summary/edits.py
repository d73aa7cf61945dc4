"""What a city changed by hand in the visible sheets of its summary, cell by cell.

    find_edits(path, entries) -> [Problem]   one `summary-edited` warning per edited cell or deleted row

A later merge reads a summary's hidden _data, which the visible 附件3-6 were written from. An edit
to a visible sheet (a corrected 0.924 -> 92.4, a deleted row) is therefore not data the merge can
trust, but it must never vanish silently: the sheets the rows would give are written again
from _data and compared with what the file holds now, row by row (rows are matched by name).
Both are read a row at a time (summary.rows): a province's 附件5 明细 can be a GB of XML.
"""
import copy
import datetime as _dt
import hashlib
import os
import tempfile
import zipfile

from .. import ooxml, pool, spec
from ..problems import problem
from . import annex3, annex4, annex5, annex6, write_workbook
from .common import field_header
from .model import SummaryModel
from .rows import NoSheet, sheet_rows

MAX_REPORTED = 500                         # per file; the rest are counted in one more problem
POOLED_XML = 4 << 20                       # a summary with more XML (~250 forms) is compared on the process pool


def _name_columns():
    """Sheet -> index of the column that names the row's enterprise or platform."""
    a5 = annex5.headers().index(field_header(spec.form("enterprise").field("name")))
    return {annex3.SHEET: 1, annex4.SHEET: 1, annex5.SHEET: a5, annex6.SHEET: 1}


def _a1(row, col):
    s, c = "", col + 1
    while c:
        c, r = divmod(c - 1, 26)
        s = chr(65 + r) + s
    return "%s%d" % (s, row + 1)


def _norm(v):
    if v is None:
        return ""
    if isinstance(v, bool):
        return v
    if isinstance(v, (int, float)):
        return round(float(v), 9)
    if isinstance(v, (_dt.date, _dt.datetime)):
        return v.isoformat()[:10]
    return str(v).strip()


def _shown(v):
    v = _norm(v)
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return "（空）" if v == "" else str(v)


def _expected(entries, out):
    """Write to `out` the data sheets as the summary's own writer makes them from these rows."""
    rows = [copy.copy(e) for e in entries]
    for e in rows:
        e.rendered = None
    model = SummaryModel(enterprises=[e for e in rows if e.kind == "enterprise"],
                         platforms=[e for e in rows if e.kind == "platform"], files=[])
    write_workbook(out, model, only=_name_columns())


def _name(r, col):
    return _norm(r[col]) if col < len(r) else ""


def _digest(r):
    """What a row holds after 序号 (column A may be renumbered), in a few bytes: equal rows give
    equal digests (the cells of rows whose digests differ are then compared as before). Each
    normalised value is fed with its kind and length, so no two rows share a stream."""
    cells = [_norm(v) for v in r[1:]]
    while cells and cells[-1] == "":
        cells.pop()
    h = hashlib.blake2b(digest_size=16)
    for v in cells:
        b = v.encode("utf-8", "surrogatepass") if type(v) is str else repr(v).encode("ascii")
        h.update(b"%s%d:" % (b"s" if type(v) is str else b"o", len(b)))
        h.update(b)
    return h.digest()


def _index(path, sheet, col, names):
    """(the header row above the first named row, {name: (row index, digest)}) of the first row of
    each name, the sheet read a row at a time; None when there is no such sheet."""
    header, out, prev = [], {}, (None, [])
    try:
        for i, r in sheet_rows(path, sheet):
            n = _name(r, col)
            if n in names:
                if not out and prev[0] == i - 1:
                    header = prev[1]
                if n not in out:
                    out[n] = (i, _digest(r))
            prev = (i, r)
    except NoSheet:
        return None
    return header, out


def _rows_named(path, sheet, col, wanted):
    """{name: (row index, row)} of the first row of each name in `wanted`."""
    out = {}
    for i, r in sheet_rows(path, sheet):
        n = _name(r, col)
        if n in wanted and n not in out:
            out[n] = (i, r)
    return out


def find_edits(path, entries, workers=1):
    """Every visible cell of 附件3-6 whose value differs from what the summary's _data gives.

    Each sheet, as written again and as the file holds it, is read a row at a time (summary.rows)
    into digests of its rows, eight independent reads on `workers` processes (None: the process
    pool for a summary of more than POOLED_XML bytes of XML, else this process); the rows whose
    digests differ are read again for their cells. Memory stays that of a row whatever the sheet's
    size, plus at most MAX_REPORTED edited rows."""
    names = {e.name.strip() for e in entries if e.name}
    if not names:
        return []
    if workers is None:
        with zipfile.ZipFile(path) as z:
            big = ooxml.inflated_size(z) > POOLED_XML
        workers = pool.default_workers() if big else 1
    found, more_rows = [], 0
    columns = _name_columns()
    with tempfile.TemporaryDirectory(prefix="sjtx-edits-") as d:
        expected = os.path.join(d, "expected.xlsx")
        _expected(entries, expected)
        tasks = [(p, sheet, col, names) for sheet, col in columns.items() for p in (expected, str(path))]
        indexes = pool.run(_index_task, tasks, workers)
        for k, (sheet, col) in enumerate(columns.items()):
            exp, act = indexes[2 * k], indexes[2 * k + 1]
            if exp is None:
                continue
            if act is None:
                found.append(problem("summary-edited", detail="工作表“%s”已被删除" % sheet, sheet=sheet))
                continue
            header, exp_rows = exp
            act_rows = act[1]
            differ = [n for n, (_, digest) in exp_rows.items() if n in act_rows and act_rows[n][1] != digest]
            more_rows += max(len(differ) - MAX_REPORTED, 0)
            differ = set(differ[:MAX_REPORTED])            # each has at least one edited cell
            old_rows = _rows_named(expected, sheet, col, differ) if differ else {}
            new_rows = _rows_named(str(path), sheet, col, differ) if differ else {}
            for name, (i, _) in exp_rows.items():
                if name not in act_rows:
                    found.append(problem("summary-edited", value=name, sheet=sheet, label=name,
                                         detail="“%s”一行（原第%d行）已被删除或改名" % (name, i + 1)))
                elif name in differ:
                    found.extend(_cells_edited(sheet, name, header, old_rows[name][1], *new_rows[name]))
    if len(found) > MAX_REPORTED or more_rows:
        rest = max(len(found) - MAX_REPORTED, 0)
        found = found[:MAX_REPORTED] + [problem("summary-edited", detail="另有%s未逐一列出" % "，另有".join(
            x for x in ("%d处改动" % rest if rest else "", "%d行有改动" % more_rows if more_rows else "") if x))]
    for p in found:
        p.file = str(path)
    return found


def _index_task(task):
    """_index of one (file, sheet, name column, names): a pool worker's part of find_edits."""
    return _index(*task)


def _cells_edited(sheet, name, header, er, j, ar):
    out = []
    for c in range(1, max(len(er), len(ar))):       # 序号 (column A) may be renumbered
        old = er[c] if c < len(er) else None
        new = ar[c] if c < len(ar) else None
        if _norm(old) != _norm(new):
            what = str(header[c]).replace("\n", "") if c < len(header) and header[c] else "第%d列" % (c + 1)
            out.append(problem("summary-edited", value=_shown(new), sheet=sheet, cell=_a1(j, c), label=what,
                               detail="%s!%s（%s·%s）原为“%s”，现为“%s”" % (sheet, _a1(j, c), name, what,
                                                                     _shown(old), _shown(new))))
    return out


