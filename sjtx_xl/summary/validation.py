"""校验报告: every file found, its status and every error and warning, with a link to the source file.

One hyperlink per file (on its first row, to the cell of its first located problem), not one per
problem. Beyond Excel's row limit the report continues on 校验报告 (2), (3) ...: no row is dropped.
"""
import os

from .. import limits
from ..problems import title as problem_title
from .common import MAX_LINKS, MAX_URL, finish_table, first_page_columns, page_setup, rendered, title_rows
from .model import KIND_TEXT, MERGED, SEVERITY_TEXT, STATUS_TEXT
from .stream import Body, lead, text

SHEET = "校验报告"
COLUMNS = (
    ("文件序号", 8), ("文件（点击打开）", 44), ("状态", 10), ("原因", 30), ("类型", 8), ("名称", 28),
    ("严重程度", 8), ("问题类型", 18), ("工作表", 18), ("单元格", 8), ("字段", 18), ("项目", 24),
    ("填写值", 24), ("问题说明", 50), ("修改建议", 50), ("问题代码", 22),
)
COL = {h: i for i, (h, _) in enumerate(COLUMNS)}
HIDDEN = ("字段", "问题代码")             # internal codes: kept for machines, not shown or printed
PROBLEM_COLUMNS = ("sheet", "cell", "field", "label", "value", "message", "hint")   # after 问题类型
WRAPPED = ("message", "hint")             # long: wrapped, so they print in full
HEAD = 3                                  # the header row
MAX_ROWS = limits.MAX_ROWS                # a test injects a small one


def _text(v):
    return "" if v is None else str(v)


def counts_text(c):
    return ("共发现文件 %d 个：已汇总 %d 个，拒收 %d 个，跳过 %d 个（其中重复 %d 个）；汇总企业 %d 家、平台 %d 个；"
            "有错误的文件 %d 个。" % (c["found"], c["merged"], c["rejected"], c["skipped"], c["duplicates"],
                              c["enterprises"], c["platforms"], c["files_with_errors"]))


def file_rows(f):
    """(shown file, status text, reason, kind, name, problem or None) for every line of one file."""
    name = f.entries[0].name if len(f.entries) == 1 else ""
    kind = KIND_TEXT.get(f.kind, "")
    status = STATUS_TEXT[f.status]
    shown = f.rel or os.path.basename(f.path)
    if not f.problems:
        yield (shown, status, f.reason, kind, name, None)
    for p in f.problems:
        yield (shown, status, f.reason, kind, name, p)
    if f.kind == "summary" and f.status == MERGED:
        carrier = os.path.basename(f.path)
        for e in f.entries:
            st = "已汇总（经%s）" % carrier if not e.dropped else STATUS_TEXT["skipped"]
            why = e.dropped or ("原文件：%s" % e.rel if e.rel else "")
            shown = e.rel or os.path.basename(e.path)
            if not e.problems:
                yield (shown, st, why, KIND_TEXT[e.kind], e.name, None)
            for p in e.problems:
                yield (shown, st, why, KIND_TEXT[e.kind], e.name, p)


def count_rows(f):
    n = max(1, len(f.problems))
    if f.kind == "summary" and f.status == MERGED:
        n += sum(max(1, len(e.problems)) for e in f.entries)
    return n


def render(f, st):
    """(rows, link location): each row's cells after 文件序号 (UTF-8), and where the file's link points."""
    x = st.x
    out = []
    location = None
    same = {}                  # the cells a file's rows share, made once
    ptext = x.text
    for shown, status, reason, kind, name, p in file_rows(f):
        p = p or {}
        if location is None and p.get("sheet") and p.get("cell"):
            location = "'%s'!%s" % (p["sheet"].replace("'", "''"), p["cell"])
        key = (shown, status, reason, kind, name, not out)
        common = same.get(key)
        if common is None:                   # the file's cell (a link on its first row) and the shared ones
            common = same[key] = "".join((text(1, shown, x.link if not out else ptext), text(2, status, ptext),
                                          text(3, reason, ptext), text(4, kind, ptext),
                                          text(5, name, ptext))).encode("utf-8")
        out.append(common + _problem_cells(p, x))
    return out, location


_PROBLEM_CELLS = {}            # the same problem in thousands of files renders the same cells
_PROBLEM_KEYS = ("severity", "type") + PROBLEM_COLUMNS


def _problem_cells(p, x):
    """Columns 严重程度 to 问题代码 of a problem's row, as UTF-8."""
    key = tuple(map(p.get, _PROBLEM_KEYS)) + (x.text,)
    try:
        hit = _PROBLEM_CELLS.get(key)
    except TypeError:                         # an unhashable value (from a foreign summary): not cached
        key, hit = None, None
    if hit is not None:
        return hit
    ptext, wrap = x.text, x.cell
    sev, ptype = p.get("severity"), p.get("type")
    cells = [text(6, SEVERITY_TEXT.get(sev, sev or ""), x.error if sev == "error" else ptext),
             text(7, problem_title(ptype), ptext)]
    cells += [text(c, _text(p.get(k)), wrap if k in WRAPPED else ptext) for c, k in enumerate(PROBLEM_COLUMNS, 8)]
    cells.append(text(8 + len(PROBLEM_COLUMNS), _text(ptype), ptext))
    out = "".join(cells).encode("utf-8")
    if key is not None:
        if len(_PROBLEM_CELLS) > 50000:
            _PROBLEM_CELLS.clear()
        _PROBLEM_CELLS[key] = out
    return out


MAX_CLIMB = 1                 # a link may reach a sibling folder of the summary's, never further up


class Linker:
    """Targets of links from the summary to the merged files: relative to where the summary is."""

    def __init__(self, model):
        self.out_dir = os.path.dirname(model.output) or "."
        self.prefix = self._relpath(model.root) if model.root else None
        self.n = 0

    def _relpath(self, path):
        try:
            rel = os.path.relpath(path, self.out_dir)
        except ValueError:                  # another drive on Windows: no relative way there
            return None
        if rel.split(os.sep).count(os.pardir) > MAX_CLIMB:
            return None                     # ../../../tmp/… spells out the machine's folders: no link
        return "" if rel == "." else rel

    def target(self, f):
        """The link target for the file of record f (relative to the summary), or None (no link)."""
        if self.prefix is not None and f.rel:
            t = self.prefix + "/" + f.rel if self.prefix else f.rel
        elif os.path.isabs(f.path):          # a model without its folder (root)
            t = self._relpath(f.path)
        else:
            return None
        if not t or self.n >= MAX_LINKS or "#" in t or os.path.isabs(t):
            return None
        t = t.replace(os.sep, "/")
        t = t.replace("%", "%25").replace(" ", "%20")
        if len(t) >= MAX_URL or any(ord(ch) < 32 for ch in t):
            return None
        self.n += 1
        return t


def _split(model):
    """[(sheet name, rows)]: the report cut at Excel's row limit."""
    per_sheet = MAX_ROWS - HEAD - 1
    total = sum(count_rows(f) for f in model.files)
    nsheets = max(1, -(-total // per_sheet))
    return [(SHEET if k == 0 else "%s (%d)" % (SHEET, k + 1), min(per_sheet, total - k * per_sheet))
            for k in range(nsheets)]


def sheet_names(model):
    return [name for name, _ in _split(model)]


def write(wb, st, model):
    """The report's sheets (more than one beyond Excel's row limit) and their Bodies."""
    parts = _split(model)
    nsheets = len(parts)
    rows = _rows(model, st, Linker(model))
    out = []
    for k, (name, count) in enumerate(parts):
        ws = _sheet(wb, st, model, name, count, k, nsheets)
        out.append((ws, Body(name, HEAD + 1, len(COLUMNS), count, _take(rows, count))))
    return out


def _take(it, n):
    for _ in range(n):
        yield next(it)


def _rows(model, st, linker):
    integer = st.x.integer
    for i, f in enumerate(model.files, 1):
        lines, location = rendered(f, SHEET, st) or render(f, st)
        num = lead(i, integer, b"")
        target = linker.target(f)
        for j, cells in enumerate(lines):
            link = (1, target, location, "打开源文件") if (j == 0 and target) else None
            yield num + cells, None, link


def _sheet(wb, st, model, name, count, k, nsheets):
    ws = wb.add_worksheet(name)
    for col, (h, w) in enumerate(COLUMNS):
        ws.set_column(col, col, w, None, {"hidden": h in HIDDEN})
    n = len(COLUMNS)
    shown = [w for (h, w) in COLUMNS if h not in HIDDEN]
    title = "校验报告" if nsheets == 1 else "校验报告（第 %d 部分，共 %d 部分）" % (k + 1, nsheets)
    title_rows(ws, st, title, n, widths=shown)
    last = max(first_page_columns(shown) - 1, 1)
    ws.merge_range(1, 0, 1, last, counts_text(model.counts()), st.note)
    notes = ["重复处理规则：" + model.keep_rule + "。"] + model.notices
    if nsheets > 1:
        notes.append("文件和问题超过Excel单表 %d 行的上限，校验报告分为 %d 个工作表：%s。"
                     % (MAX_ROWS, nsheets, "、".join(sheet_names(model))))
    ws.set_row(2, 15 * max(1, len(notes)) + 6)
    ws.merge_range(2, 0, 2, last, "\n".join(notes), st.warning if (model.notices or nsheets > 1) else st.note)
    ws.set_row(HEAD, 20)
    for col, (h, _) in enumerate(COLUMNS):
        ws.write_string(HEAD, col, h, st.header)
    finish_table(ws, HEAD, HEAD + count, n, freeze_cols=2)
    page_setup(ws, landscape=True, repeat_rows=(HEAD, HEAD), fit_width=False, repeat_cols=(0, 1))
    return ws
