"""附件5 明细: one row per enterprise with every field of 附件5 基本情况表 (columns from the spec)."""
from .. import spec
from .common import field_header, field_width, finish_table, page_setup, title_rows
from .fastrows import FastWorksheet

SHEET = "附件5 明细"
TITLE = "吉林省第二批重点“小巨人”企业基本情况表（明细）"
ID_COLUMNS = (("序号", 6), ("所在市（州）", 12))
TAIL_COLUMNS = (("来源文件", 40),)


def fields():
    """The 附件5 fields, in form order."""
    return [f for f in spec.form("enterprise").fields if f.form_part == "附件5"]


def headers():
    return [h for h, _ in ID_COLUMNS] + [field_header(f) for f in fields()] + [h for h, _ in TAIL_COLUMNS]


def write(wb, st, model):
    ws = wb.add_worksheet(SHEET, worksheet_class=FastWorksheet)
    fs = fields()
    widths = [w for _, w in ID_COLUMNS] + [field_width(f) for f in fs] + [w for _, w in TAIL_COLUMNS]
    for col, w in enumerate(widths):
        ws.set_column(col, col, w)
    hdr = headers()
    head = title_rows(ws, st, TITLE, len(hdr), "每行一家企业，各列与附件5《基本情况表》各项一致；共 %d 家。" % len(model.enterprises))
    ws.set_row(head, 32)
    for col, h in enumerate(hdr):
        ws.write_string(head, col, h, st.header)
    cols = [(f.id, st.date if f.type == "date" else st.text) for f in fs]
    row = head
    for i, e in enumerate(model.enterprises, 1):
        row += 1
        vals = e.values
        ws.write_cells(row, [(i, st.integer), (e.city, st.text)]
                       + [(vals.get(fid), fmt) for fid, fmt in cols] + [(e.rel or e.path, st.text)])
    finish_table(ws, head, row, len(hdr), freeze_cols=3)
    page_setup(ws, landscape=True, repeat_rows=(head, head), fit_width=False)
    return ws
