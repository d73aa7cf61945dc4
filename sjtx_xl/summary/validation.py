"""校验报告: every file found, its status and every error and warning, with a link to the source cell."""
import os

from .common import Links, finish_table, page_setup, title_rows
from .fastrows import FastWorksheet
from .model import KIND_TEXT, MERGED, SEVERITY_TEXT, STATUS_TEXT

SHEET = "校验报告"
COLUMNS = (
    ("文件序号", 8), ("文件（点击打开）", 44), ("状态", 10), ("原因", 30), ("类型", 8), ("名称", 28),
    ("严重程度", 8), ("问题类型", 22), ("工作表", 18), ("单元格", 8), ("字段", 18), ("项目", 24),
    ("填写值", 24), ("问题说明", 50), ("修改建议", 50),
)
COL = {h: i for i, (h, _) in enumerate(COLUMNS)}
PROBLEM_COLUMNS = ("type", "sheet", "cell", "field", "label", "value", "message", "hint")   # after 严重程度


def _text(v):
    return "" if v is None else str(v)


def counts_text(c):
    return ("共发现文件 %d 个：已汇总 %d 个，拒收 %d 个，跳过 %d 个（其中重复 %d 个）；汇总企业 %d 家、平台 %d 个；"
            "有错误的文件 %d 个。" % (c["found"], c["merged"], c["rejected"], c["skipped"], c["duplicates"],
                              c["enterprises"], c["platforms"], c["files_with_errors"]))


def rows(model):
    """(file no, path, rel, status text, reason, kind, name, problem or None) for every line."""
    for i, f in enumerate(model.files, 1):
        name = f.entries[0].name if len(f.entries) == 1 else ""
        kind = KIND_TEXT.get(f.kind, "")
        status = STATUS_TEXT[f.status]
        if not f.problems:
            yield (i, f.path, f.rel, status, f.reason, kind, name, None)
        for p in f.problems:
            yield (i, f.path, f.rel, status, f.reason, kind, name, p)
        if f.kind == "summary" and f.status == MERGED:
            carrier = os.path.basename(f.path)
            for e in f.entries:
                st = "已汇总（经%s）" % carrier if not e.dropped else STATUS_TEXT["skipped"]
                why = e.dropped or ("原文件：%s" % e.rel if e.rel else "")
                shown = e.path
                if not e.problems:
                    yield (i, e.path, shown, st, why, KIND_TEXT[e.kind], e.name, None)
                for p in e.problems:
                    yield (i, e.path, shown, st, why, KIND_TEXT[e.kind], e.name, p)


def write(wb, st, model):
    ws = wb.add_worksheet(SHEET, worksheet_class=FastWorksheet)
    for col, (_, w) in enumerate(COLUMNS):
        ws.set_column(col, col, w)
    n = len(COLUMNS)
    title_rows(ws, st, "校验报告", n)
    ws.merge_range(1, 0, 1, n - 1, counts_text(model.counts()), st.note)
    ws.merge_range(2, 0, 2, n - 1, "　".join(["重复处理规则：" + model.keep_rule + "。"] + model.notices),
                   st.warning if model.notices else st.note)
    head = 3
    ws.set_row(head, 20)
    for col, (h, _) in enumerate(COLUMNS):
        ws.write_string(head, col, h, st.header)
    links = Links(ws, st, os.path.dirname(model.output) or ".")
    row = head
    for i, path, rel, status, reason, kind, name, p in rows(model):
        row += 1
        p = p or {}
        sev = p.get("severity")
        links.write(row, COL["文件（点击打开）"], path, rel or path, p.get("sheet"), p.get("cell"))
        cells = [(i, st.integer), (None, None), (status, st.text), (reason, st.text), (kind, st.text),
                 (name, st.text), (SEVERITY_TEXT.get(sev, sev or ""), st.error if sev == "error" else st.text)]
        cells += [(_text(p.get(key)), st.text) for key in PROBLEM_COLUMNS]
        ws.write_cells(row, cells)
    finish_table(ws, head, row, n, freeze_cols=2)
    page_setup(ws, landscape=True, repeat_rows=(head, head), fit_width=False)
    return ws
