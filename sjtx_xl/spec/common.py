"""Pieces both forms share: choice lists, the guide sheet, lists/meta sheets, shared conditions."""
import datetime as _dt

from .. import reference
from .model import SheetSpec

NOTICE = "吉工信办联〔2021〕34号"
NOTICE_DATE = _dt.date(2021, 7, 23)

YESNO = ("是", "否")
BATCHES = ("第一批", "第二批", "第三批（正在公示）")
CITIES = tuple(reference.cities()) + ("长白山管委会",)
LISTING_OK = ("未上市", "新三板挂牌（含精选层）")
LISTING_EXCLUDED = ("上交所主板", "上交所科创板", "深交所主板", "深交所中小板", "深交所创业板", "境外公开发行股票")
NOT_TEN_SECTORS = "不属于十大重点产业领域"


def guide_sheet():
    return SheetSpec("guide", "填报说明", widths=(("A", 6), ("B", 110)), protect=True, derived=True)


def appendix_sheet():
    """附页: long texts printed in full (filled by template.printing, formulas only)."""
    # 72 characters fit A4 portrait unscaled in Excel and LibreOffice (which does not shrink one
    # column wider than the page, and clips it)
    return SheetSpec("appendix", "附页", widths=(("A", 72),), protect=True)


def hidden_sheets():
    return (
        SheetSpec("self", "自检", widths=(("A", 6), ("B", 44), ("C", 30), ("D", 20), ("E", 48), ("F", 40)),
                  landscape=True, derived=True),
        SheetSpec("lists", "_lists", hidden=True, derived=True),
        SheetSpec("meta", "_meta", hidden=True, derived=True),
    )


COMMON_GUIDE = (
    "本工作簿依据{notice}《关于推荐申报第二批国家支持“专精特新”和公共服务示范平台项目的通知》制作，无宏，可在Microsoft Excel、WPS和LibreOffice中填写。".format(notice=NOTICE),
    "白色单元格为填写项（其余单元格已锁定）；选中单元格会显示填写说明；带下拉箭头的单元格请从列表中选择。",
    "未填写的必填项显示为浅黄色；填写内容不符合要求时显示为红色；比重填成0到1之间的小数时显示为橙色（疑似把30%写成0.3）。",
    "请勿复制粘贴整行整列或改动表格结构；粘贴会绕过数据校验，汇总时将逐项重新核验。",
    "“自检”工作表实时显示申报条件的自检结果（✔符合 / ✘不符合 / …待填写），仅供参考，以主管部门审核为准。",
    "填写完成后请保存为 .xlsx 格式（不要另存为 .xls 或 .et），文件名建议为“单位名称.xlsx”，不要设置打开密码。",
)


GOALS = (
    ("goal_y1_qual", "实施期满1年（2022年末）预期目标和成效·定性描述"),
    ("goal_y1_quant", "实施期满1年（2022年末）预期目标和成效·定量描述"),
    ("goal_y2_qual", "实施期满2年（2023年末）预期目标和成效·定性描述"),
    ("goal_y2_quant", "实施期满2年（2023年末）预期目标和成效·定量描述"),
)


def goal_rows(clause, help_text):
    """四(二)7 and 8: goals after one and two years, qualitative and quantitative, as layout rows
    (spec.grid.Row) each form places where its layout wants them."""
    from .grid import Row  # late: the grid only when goal rows are laid out
    return tuple(Row(label, dict(id=fid, label=label, type="longtext", max_len=5000, form_part=clause, clause=clause,
                                 help=help_text + ("定量描述请给出可考核的数字指标。" if fid.endswith("quant") else "")))
                 for fid, label in GOALS)
