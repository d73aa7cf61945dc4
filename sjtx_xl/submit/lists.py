"""附件3 and 附件4 of the submission, and the list of those not recommended, as .xlsx files.

附件3/附件4 hold only the recommended rows, in rank order, numbered from 1, in the notice's layout
(summary.official) and nothing else: A4 landscape, the header row repeated, the pages of each file
numbered on their own, every character printed (a long 附件4 text continues on an attached 附页).
"""
import copy

from ..summary import annex3, annex4
from ..summary.common import Styles
from ..summary.official import write_list
from . import paging

WORKBOOK_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
PROPERTIES = {"author": "", "company": "", "comments": ""}     # nothing about the machine that wrote it


def new_workbook(path, title):
    import xlsxwriter
    wb = xlsxwriter.Workbook(str(path), WORKBOOK_OPTIONS)
    wb.set_properties(dict(PROPERTIES, title=title))
    return wb


def _shown(rows, module, att):
    """Copies of the rows whose long texts are cut for the cell (the full text goes to 附页)."""
    out = []
    for e in rows:
        e2 = copy.copy(e)
        e2.values = dict(e.values)
        for _, fid, width in module.COLUMNS[1:]:
            v = e.values.get(fid)
            if isinstance(v, str) and v:
                e2.values[fid] = att.cell_text(v, width, "%s——%s" % (e.name, _header(module, fid)))
        out.append(e2)
    return out


def _header(module, fid):
    return next(h for h, f, _ in module.COLUMNS if f == fid).split("\n")[0].lstrip("★")


def write_annex(path, module, kind_rows, notes=()):
    """附件3 (module=annex3) or 附件4 (annex4) of `kind_rows`, already in rank order."""
    wb = new_workbook(path, module.TITLE)
    st = Styles(wb)
    att = paging.Attachments()
    rows = _shown(kind_rows, module, att)
    heights = (36, 48) if module is annex3 else (48, 62)
    ws, _ = write_list(wb, st, module.SHEET, module.ANNEX, module.TITLE, module.COLUMNS, rows, heights, notes)
    paging.a4(ws, landscape=True, footer=module.ANNEX + "　", repeat=(3, 3))
    for i, e in enumerate(rows):                  # heights from the generous width model of paging
        texts = [("" if e.values.get(fid) is None else str(e.values.get(fid)), w) for _, fid, w in module.COLUMNS[1:]]
        ws.set_row(4 + i, paging.height(texts))
    att.write(wb, st.note, st.table_title, module.ANNEX + "附页　")
    wb.close()
    return att.items


NOT_RECOMMENDED_COLUMNS = (("序号", 6), ("类别", 6), ("所在市（州）", 12), ("名称", 34), ("统一社会信用代码", 21),
                           ("资格审查", 9), ("推荐决定", 9), ("原因", 80))


def write_not_recommended(path, items):
    """items: [(Entry, Decision, verdict label, reason)]."""
    wb = new_workbook(path, "未推荐名单")
    st = Styles(wb)
    ws = wb.add_worksheet("未推荐名单")
    for col, (_, w) in enumerate(NOT_RECOMMENDED_COLUMNS):
        ws.set_column(col, col, w)
    ws.merge_range(0, 0, 0, len(NOT_RECOMMENDED_COLUMNS) - 1, "未推荐的企业和平台（共%d个）" % len(items), st.title)
    for col, (h, _) in enumerate(NOT_RECOMMENDED_COLUMNS):
        ws.write_string(1, col, h, st.header)
    for i, (e, d, verdict, reason) in enumerate(items, 1):
        cells = [str(i), "企业" if e.kind == "enterprise" else "平台", e.city, e.name, e.uscc or "", verdict,
                 d.decision or "未作决定", reason]
        ws.set_row(1 + i, paging.height([(c, w) for c, (_, w) in zip(cells, NOT_RECOMMENDED_COLUMNS)]))
        for col, c in enumerate(cells):
            ws.write_string(1 + i, col, c, st.cell)
    paging.a4(ws, landscape=True, footer="未推荐名单　", repeat=(1, 1))
    wb.close()
