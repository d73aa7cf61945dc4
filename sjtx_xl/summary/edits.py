"""What a city changed by hand in the visible sheets of its summary, cell by cell.

    find_edits(path, entries) -> [Problem]   one `summary-edited` warning per edited cell or deleted row

A later merge reads a summary's hidden _data, which the visible 附件3-6 were written from. An edit
to a visible sheet (a corrected 0.924 -> 92.4, a deleted row) is therefore not data the merge can
trust, but it must never vanish silently: the sheets the rows would give are written again in
memory from _data and compared with what the file holds now, row by row (rows are matched by name).
"""
import copy
import datetime as _dt
import os
import tempfile

from .. import spec
from ..problems import problem
from . import annex3, annex4, annex5, annex6, write_workbook
from .common import field_header
from .model import SummaryModel

MAX_REPORTED = 500                         # per file; the rest are counted in one more problem


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


def _grids(source):
    from python_calamine import CalamineWorkbook  # late: calamine only when edits are compared
    wb = CalamineWorkbook.from_path(str(source))
    return {name: wb.get_sheet_by_name(name).to_python() for name in _name_columns() if name in wb.sheet_names}


def _expected(entries):
    """The data sheets as the summary's own writer makes them from these rows."""
    rows = [copy.copy(e) for e in entries]
    for e in rows:
        e.rendered = None
    model = SummaryModel(enterprises=[e for e in rows if e.kind == "enterprise"],
                         platforms=[e for e in rows if e.kind == "platform"], files=[])
    with tempfile.TemporaryDirectory(prefix="sjtx-edits-") as d:
        out = os.path.join(d, "expected.xlsx")
        write_workbook(out, model, only=_name_columns())
        return _grids(out)


def _rows_by_name(grid, col, names):
    out = {}
    for i, r in enumerate(grid):
        if col < len(r):
            n = _norm(r[col])
            if n in names and n not in out:
                out[n] = (i, r)
    return out


def find_edits(path, entries):
    """Every visible cell of 附件3-6 whose value differs from what the summary's _data gives."""
    names = {e.name.strip() for e in entries if e.name}
    if not names:
        return []
    want, have = _expected(entries), _grids(path)
    found = []
    for sheet, col in _name_columns().items():
        exp = want.get(sheet)
        if exp is None:
            continue
        header = exp[_header_row(exp, col, names)] if exp else []
        act = have.get(sheet)
        if act is None:
            found.append(problem("summary-edited", detail="工作表“%s”已被删除" % sheet, sheet=sheet))
            continue
        exp_rows, act_rows = _rows_by_name(exp, col, names), _rows_by_name(act, col, names)
        for name, (i, er) in exp_rows.items():
            if name not in act_rows:
                found.append(problem("summary-edited", value=name, sheet=sheet, label=name,
                                     detail="“%s”一行（原第%d行）已被删除或改名" % (name, i + 1)))
                continue
            j, ar = act_rows[name]
            for c in range(1, max(len(er), len(ar))):       # 序号 (column A) may be renumbered
                old = er[c] if c < len(er) else None
                new = ar[c] if c < len(ar) else None
                if _norm(old) != _norm(new):
                    what = str(header[c]).replace("\n", "") if c < len(header) and header[c] else "第%d列" % (c + 1)
                    found.append(problem("summary-edited", value=_shown(new), sheet=sheet, cell=_a1(j, c), label=what,
                                         detail="%s!%s（%s·%s）原为“%s”，现为“%s”" % (sheet, _a1(j, c), name, what,
                                                                               _shown(old), _shown(new))))
    if len(found) > MAX_REPORTED:
        rest = len(found) - MAX_REPORTED
        found = found[:MAX_REPORTED] + [problem("summary-edited", detail="另有%d处改动未逐一列出" % rest)]
    for p in found:
        p.file = str(path)
    return found


def _header_row(grid, col, names):
    """The row just above the first data row (the bottom header row)."""
    for i, r in enumerate(grid):
        if col < len(r) and _norm(r[col]) in names:
            return max(i - 1, 0)
    return 0
