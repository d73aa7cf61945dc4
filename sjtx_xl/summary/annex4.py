"""附件4 吉林省第二批支持国家（或省级）中小企业公共服务示范平台名单汇总表, with the 三(二) warning."""
from . import official

SHEET = "附件4 平台名单汇总表"
ANNEX = "附件4"
# Wording of 四(三); the annex page prints "吉林省份…" (see annex3.TITLE).
TITLE = "吉林省第二批支持国家（或省级）中小企业公共服务示范平台名单汇总表"
MAX_PLATFORMS = 3                               # 三(二)：全省精选不超过3家
COLUMNS = (
    ("序号", None, 6),
    ("国家（或省级）中小企业公共服务示范平台机构名称\n（具有独立法人资格，须与正式名单中公布名称一致）", "platform_name", 36),
    ("★服务机构简介及服务内容、绩效说明\n（不超过3000字，可另附页）", "intro", 70),
    ("工业和信息化部（或省级中小企业主管部门）\n认定文号", "cert_doc_no", 26),
)


def check_columns():
    official.check_columns("platform", ANNEX, COLUMNS, every_field=False)


def warning_text(n):
    if n <= MAX_PLATFORMS:
        return None
    return ("⚠ 本表列出平台 %d 个，超过通知三(二)“全省精选不超过3家”的规定，请择优保留不超过3个后再盖章报送。"
            % n)


def render(e, st):
    return official.render(e, st, COLUMNS)


def write(wb, st, model):
    check_columns()
    ws, last, body = official.write_list(wb, st, SHEET, ANNEX, TITLE, COLUMNS, model.platforms, (48, 62), SHEET)
    warn = warning_text(len(model.platforms))
    if warn:                                   # for the official, outside the print area
        n = len(COLUMNS)
        ws.set_row(last + 2, 36)
        ws.merge_range(last + 2, 0, last + 2, n - 1, warn, st.warning)
    return ws, body
