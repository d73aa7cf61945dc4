"""附件3 吉林省第二批重点“小巨人”企业名单汇总表, in the notice's layout, ready to print and stamp."""
from .. import spec
from .common import page_setup, row_height
from .fastrows import FastWorksheet

SHEET = "附件3 名单汇总表"
ANNEX = "附件3"
# The heading of 附件3 as listed in the notice (附件清单 and 四(三)); the annex page itself prints
# "吉林省份…", an evident slip of the notice's template.
TITLE = "吉林省第二批重点“小巨人”企业名单汇总表"
STAMP = "省级中小企业主管部门：（盖章）"
# (header as printed in 附件3, field id, column width). Field ids are the spec's; every field whose
# form_part is 附件3 must appear here (checked in tests and by `check_columns`).
COLUMNS = (
    ("序号", None, 6),
    ("企业名称\n（须与工业和信息化部公布的名称一致）", "name", 32),
    ("国家级专精特新“小巨人”\n企业批次", "batch", 16),
    ("所属行业\n（2位码及名称）", "industry", 26),
    ("该企业产品、技术先进性的说明\n（不超过100字）", "advanced_desc", 62),
)
NOTES = (
    "注：按照《国民经济行业分类（GB/T4754-2017）》的大类行业，补充所推荐的重点“小巨人”企业所属行业（2位码及名称）",
    "    行业分类网址：http://www.stats.gov.cn/tjsj/tjbz/201709/t20170929_1539288.html",
)
HEADER_ROW = 3


def check_columns():
    form = spec.form("enterprise")
    ids = {fid for _, fid, _ in COLUMNS if fid}
    for fid in ids:
        form.field(fid)                         # KeyError if the spec lost a field
    missing = [f.id for f in form.fields if f.form_part == ANNEX and f.id not in ids]
    if missing:
        raise AssertionError("附件3 columns miss spec fields %s" % missing)


def write(wb, st, model):
    check_columns()
    ws = wb.add_worksheet(SHEET, worksheet_class=FastWorksheet)
    n = len(COLUMNS)
    for col, (_, _, w) in enumerate(COLUMNS):
        ws.set_column(col, col, w)
    ws.write_string(0, 0, ANNEX, st.annex_label)
    ws.set_row(1, 36)
    ws.merge_range(1, 0, 1, n - 1, TITLE, st.title)
    ws.merge_range(2, 0, 2, n - 1, STAMP, st.subtitle)
    ws.set_row(HEADER_ROW, 48)
    for col, (h, _, _) in enumerate(COLUMNS):
        ws.write_string(HEADER_ROW, col, h, st.header)
    row = HEADER_ROW
    for i, e in enumerate(model.enterprises, 1):
        row += 1
        texts = [_text(e.values.get(fid)) for _, fid, _ in COLUMNS[1:]]
        ws.set_row(row, row_height(zip(texts, [w for _, _, w in COLUMNS[1:]])))
        ws.write_cells(row, [(i, st.cell_center)] + [(t, st.cell) for t in texts])
    last = row
    for note in NOTES:
        row += 1
        ws.merge_range(row, 0, row, n - 1, note, st.note)
    ws.freeze_panes(HEADER_ROW + 1, 0)
    ws.autofilter(HEADER_ROW, 0, last, n - 1)
    page_setup(ws, landscape=True, repeat_rows=(HEADER_ROW, HEADER_ROW))
    ws.print_area(0, 0, row, n - 1)
    ws.center_horizontally()
    return ws


def _text(v):
    return "" if v is None else str(v)
