"""附件3 吉林省第二批重点“小巨人”企业名单汇总表, in the notice's layout, ready to print and stamp."""
from . import official

SHEET = "附件3 名单汇总表"
ANNEX = "附件3"
# The heading of 附件3 as listed in the notice (附件清单 and 四(三)); the annex page itself prints
# "吉林省份…", an evident slip of the notice's template.
TITLE = "吉林省第二批重点“小巨人”企业名单汇总表"
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


def check_columns():
    official.check_columns("enterprise", ANNEX, COLUMNS)


def render(e, st):
    return official.render(e, st, COLUMNS)


def write(wb, st, model):
    check_columns()
    ws, _, body = official.write_list(wb, st, SHEET, ANNEX, TITLE, COLUMNS, model.enterprises, (36, 48), SHEET,
                                      NOTES)
    return ws, body
