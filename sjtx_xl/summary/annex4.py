"""附件4 吉林省第二批支持国家（或省级）中小企业公共服务示范平台名单汇总表, with the 三(二) warning."""
from .. import spec
from .common import page_setup, row_height
from .fastrows import FastWorksheet

SHEET = "附件4 平台名单汇总表"
ANNEX = "附件4"
# Wording of 四(三); the annex page prints "吉林省份…" (see annex3.TITLE).
TITLE = "吉林省第二批支持国家（或省级）中小企业公共服务示范平台名单汇总表"
STAMP = "省级中小企业主管部门：（盖章）"
MAX_PLATFORMS = 3                               # 三(二)：全省精选不超过3家
COLUMNS = (
    ("序号", None, 6),
    ("国家（或省级）中小企业公共服务示范平台机构名称\n（具有独立法人资格，须与正式名单中公布名称一致）", "platform_name", 36),
    ("★服务机构简介及服务内容、绩效说明\n（不超过3000字，可另附页）", "intro", 70),
    ("工业和信息化部（或省级中小企业主管部门）\n认定文号", "cert_doc_no", 26),
)
HEADER_ROW = 3


def check_columns():
    form = spec.form("platform")
    for _, fid, _ in COLUMNS:
        if fid:
            form.field(fid)


def warning_text(n):
    if n <= MAX_PLATFORMS:
        return None
    return ("⚠ 本表列出平台 %d 个，超过通知三(二)“全省精选不超过3家”的规定，请择优保留不超过3个后再盖章报送。"
            % n)


def write(wb, st, model):
    check_columns()
    ws = wb.add_worksheet(SHEET, worksheet_class=FastWorksheet)
    n = len(COLUMNS)
    for col, (_, _, w) in enumerate(COLUMNS):
        ws.set_column(col, col, w)
    ws.write_string(0, 0, ANNEX, st.annex_label)
    ws.set_row(1, 48)
    ws.merge_range(1, 0, 1, n - 1, TITLE, st.title)
    ws.merge_range(2, 0, 2, n - 1, STAMP, st.subtitle)
    ws.set_row(HEADER_ROW, 62)
    for col, (h, _, _) in enumerate(COLUMNS):
        ws.write_string(HEADER_ROW, col, h, st.header)
    row = HEADER_ROW
    for i, e in enumerate(model.platforms, 1):
        row += 1
        texts = [_text(e.values.get(fid)) for _, fid, _ in COLUMNS[1:]]
        ws.set_row(row, row_height(zip(texts, [w for _, _, w in COLUMNS[1:]])))
        ws.write_cells(row, [(i, st.cell_center)] + [(t, st.cell) for t in texts])
    last = row
    ws.freeze_panes(HEADER_ROW + 1, 0)
    ws.autofilter(HEADER_ROW, 0, last, n - 1)
    page_setup(ws, landscape=True, repeat_rows=(HEADER_ROW, HEADER_ROW))
    ws.print_area(0, 0, last, n - 1)          # the warning below is for the official, not for print
    ws.center_horizontally()
    warn = warning_text(len(model.platforms))
    if warn:
        ws.set_row(last + 2, 36)
        ws.merge_range(last + 2, 0, last + 2, n - 1, warn, st.warning)
    return ws


def _text(v):
    return "" if v is None else str(v)
