"""附件3 and 附件4 of the submission, and the list of those not recommended, as .xlsx files.

附件3/附件4 hold only the recommended rows, in rank order, numbered from 1, in the notice's layout
(summary.official) and nothing else: A4 landscape, the header row repeated, the pages of each file
numbered on their own, every character printed (a long 附件4 text continues on an attached 附页).
"""
import copy

import xlsxwriter

from ..summary import official
from ..summary.common import Styles
from . import paging

WORKBOOK_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
                    "in_memory": True}        # small workbooks: no temp file per part (a third of a form's time)
PROPERTIES = {"author": "", "company": "", "comments": ""}     # nothing about the machine that wrote it


PACKAGE_KIND = "package"                # _meta kind: check and merge skip these files by name


def new_workbook(path, title):
    wb = xlsxwriter.Workbook(str(path), WORKBOOK_OPTIONS)
    wb.set_properties(dict(PROPERTIES, title=title))
    return wb


def close(wb):
    """Close a package workbook with a hidden _meta (kind = package), so that a province that finds
    these printed files in a folder skips them with a reason instead of reading them as forms."""
    meta = wb.add_worksheet("_meta")
    meta.write_string(0, 0, "kind")
    meta.write_string(0, 1, PACKAGE_KIND)
    meta.hide()
    wb.close()


def _shown(rows, module, att):
    """Copies of the rows with the values of the list's columns only (a province's rows are
    thousands), their long texts cut for the cell (the full text goes to 附页)."""
    out = []
    for e in rows:
        e2 = copy.copy(e)
        e2.values = {}
        for _, fid, width in module.COLUMNS[1:]:
            v = e.values.get(fid)
            if isinstance(v, str) and v:
                v = att.cell_text(v, width, "%s——%s" % (e.name, _header(module, fid)))
            e2.values[fid] = v
        out.append(e2)
    return out


def _header(module, fid):
    return next(h for h, f, _ in module.COLUMNS if f == fid).split("\n")[0].lstrip("★")


def write_annex(path, module, kind_rows, notes=()):
    """附件3 (module=annex3) or 附件4 (annex4) of `kind_rows`, already in rank order: the notice's
    layout (annex label, title, stamp line, header as printed, one row per entry, footnotes)."""
    wb = new_workbook(path, module.TITLE)
    st = Styles(wb)
    att = paging.Attachments()
    rows = _shown(kind_rows, module, att)
    cols = module.COLUMNS
    n, head = len(cols), official.HEADER_ROW
    ws = wb.add_worksheet(module.SHEET)
    for col, (_, _, w) in enumerate(cols):
        ws.set_column(col, col, w)
    ws.write_string(0, 0, module.ANNEX, st.annex_label)
    ws.set_row(1, 48)
    ws.merge_range(1, 0, 1, n - 1, module.TITLE, st.title)
    ws.merge_range(2, 0, 2, n - 1, official.STAMP, st.subtitle)
    ws.set_row(head, paging.height([(h, w) for h, _, w in cols]))
    for col, (h, _, _) in enumerate(cols):
        ws.write_string(head, col, h, st.header)
    row = head
    for i, e in enumerate(rows, 1):
        row += 1
        texts = [("" if e.values.get(fid) is None else str(e.values.get(fid)), w) for _, fid, w in cols[1:]]
        ws.set_row(row, paging.height(texts))
        ws.write_number(row, 0, i, st.cell_center)
        for col, (t, _) in enumerate(texts, 1):
            ws.write_string(row, col, t, st.cell)
    for note in notes:
        row += 1
        ws.merge_range(row, 0, row, n - 1, note, st.note)
    paging.a4(ws, landscape=True, footer=module.ANNEX + "　", repeat=(head, head))
    ws.print_area(0, 0, row, n - 1)
    ws.center_horizontally()
    att.write(wb, st.note, st.table_title, module.ANNEX + "附页　")
    close(wb)
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
    close(wb)
