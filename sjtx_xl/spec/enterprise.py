"""The enterprise form: 附件5 基本情况表, 附件6 目标表, the 附件3 fields, 四(二)7 goals and the
self-check aids that 三、申报条件 needs beyond the official forms.

Wording of labels and notes follows the notice; help texts quote its filling rules (六).
"""
import datetime as _dt

from .. import reference
from ..rules import All, Any, AtLeast, NothingMissing, OneOf, SizeMatches, SumAtLeast, ValidUscc
from . import common, thresholds
from .grid import Footnotes, Gap, Grid, Note, Pair, Row, Section, Total, Wide
from .model import PERIOD_LABELS, PERIODS, Condition, Field, Form, Formula, SheetSpec, Text

TH = thresholds.ENTERPRISE

A5, A6, EXTRA = "a5", "a6", "extra"

ZERO_RULE = "如某项指标没有，填“0”（附件6注4）。"
PCT_RULE = "只填数字，不要填“%”，如30%填“30”（六(二)1）。"
NUM_RULE = "直接填写数字，无需附上文字（六(二)2）。"
PERIOD_RULE = {
    "base": "实施期初始值：年度数据按2020年末填写，非年度数据按2021年5月31日填写（六(二)4）。",
    "y1": "实施期满一年目标：按2022年末目标数据填写（六(二)4）。",
    "y2": "实施期满两年目标：按2023年末目标数据填写（六(二)4）。",
}

PRODUCT_CATALOGUE, PRODUCT_CUSTOM = "统计用产品分类目录", "按行业惯例分类"     # 附件5 主导产品类别说明
LISTS = {
    "yesno": common.YESNO,
    "size_class": ("中型", "小型", "微型"),
    "ownership": ("国有", "民营", "合资", "外资"),
    "industry": tuple(reference.industry_choices()),
    "product_basis": (PRODUCT_CATALOGUE, PRODUCT_CUSTOM),
    "four_base": ("核心基础零部件（元器件）", "关键基础材料", "先进基础工艺", "产业技术基础"),
    "gap": ("否", "填补国内空白", "填补国际空白"),
    "rd_institution": ("国家级", "省部级", "其他", "无研发机构"),
    "listing_plan": ("递交申请书", "已进入辅导期", "无"),
    "batch": common.BATCHES,
    "city": common.CITIES,
    "listing_status": common.LISTING_OK + common.LISTING_EXCLUDED,
    "ten_sectors": tuple(reference.ten_sectors()) + (common.NOT_TEN_SECTORS,),
}


PROFILE = ("profile_management", "profile_products", "profile_innovation")
PROFILE_MAX = 5000
PROFILE_PARTS = (
    (PROFILE[0], "一、企业经营管理概况",
     "企业主营业务，所从事细分领域及从业时间，企业在细分领域的地位，企业经营战略等。"),
    (PROFILE[1], "二、企业主导产品情况",
     "主导产品关键领域补短板、关键核心技术攻关等情况；属于产业链、供应链的哪些关键环节；为行业龙头或大企业配套、协同创新情况；参与制定产品国际、国内及行业标准情况；近3年主导产品销售及市场占有率，主要客户群及销售地；企业主要竞争对手对比情况，与国际国内领先水平对比情况等。"),
    (PROFILE[2], "三、企业创新基本情况",
     "企业拥有核心自主知识产权情况，研发机构建设情况，研发经费的保障情况，创新团队情况等。"),
)

# 附件5 基本情况表 in print order, from row 3: a four-column grid like the printed form (label,
# value, label, value). Insert an entry to add a field; the layout cursor numbers the rows.
A5_ROWS = (
    Pair(("企业名称", dict(id="name", label="企业名称", type="text", max_len=100,
                         help="须与工业和信息化部公布的名称一致（附件5注1）。", clause="附件5注1")),
         ("法定代表人", dict(id="legal_rep", label="法定代表人", type="text", max_len=50))),
    Pair(("统一社会信用代码", dict(id="uscc", label="统一社会信用代码", type="uscc",
                               help="营业执照上的18位代码，字母大写。", clause="附件5")),
         ("从业人数（人）", dict(id="employees", label="从业人数", type="int", unit="人", min=1,
                          help="非年度数据，按2021年5月31日填写；只填数字。", clause="附件5"))),
    Pair(("注册时间", dict(id="reg_date", label="注册时间", type="date",
                       min=_dt.date(1949, 10, 1), max=common.NOTICE_DATE,
                       help="营业执照上的成立日期，如2015-06-30。")),
         ("注册资本（万元）", dict(id="reg_capital", label="注册资本", type="decimal", unit="万元",
                           help="单位为万元，只填数字。"))),
    Pair(("企业规模", dict(id="size", label="企业规模", type="choice", choices="size_class",
                       help="依据《中小企业划型标准规定》（工信部联企业〔2011〕300号），如出台新的划型标准，按最新标准执行。",
                       clause="附件5")),
         ("企业类型", dict(id="ownership", label="企业类型", type="choice", choices="ownership"))),
    Note("企业规模依据《中小企业划型标准规定》（工信部联企业〔2011〕300号），如出台新的划型标准，按最新标准执行。"),
    Pair(("所属行业（2位码及名称）", dict(id="industry", label="所属行业", type="choice", choices="industry",
                                   help="按《国民经济行业分类(GB/T 4754-2017)》大类填写2位码及名称，如“35 专用设备制造业”（六(一)1）。",
                                   clause="六(一)1")),
         ("具体细分领域", dict(id="niche", label="具体细分领域", type="text", max_len=100))),
    Note("按照《国民经济行业分类(GB/T 4754-2017)》的大类行业填写所属行业，2位码及名称，如“35 专用设备制造业”。"),
    Pair(("主导产品类别 编码", dict(id="product_code", label="主导产品类别编码", type="product_code",
                                required=False, required_if=("product_basis", (PRODUCT_CATALOGUE,)),
                                help="对照《统计用产品分类目录》填写第四级或第五级产品类别的8位或10位数字代码，如“3507060000”（六(一)1）；"
                                     "按行业惯例分类的不填。",
                                clause="六(一)1")),
         ("主导产品类别 名称", dict(id="product_category", label="主导产品类别名称", type="text", max_len=100,
                             help="与代码对应的产品类别名称，如“冲孔机床”。无法按目录分类的，可按行业惯例分类。"))),
    Note("对照《统计用产品分类目录》，填写产品对应的第四级或第五级产品类别名称，并填写对应的8位或10位数字代码。无法按该目录分类的，可按行业惯例分类。如是新产品请标明。"),
    Wide("主导产品名称", dict(id="product_names", label="主导产品名称", type="product_name", max_len=200,
                          help="请勿使用英文名称，多个主导产品之间请用“、”分割（六(一)2）。", clause="六(一)2")),
    Pair(("是否新产品", dict(id="product_new", label="主导产品是否新产品", type="choice", choices="yesno",
                         help="“如是新产品请标明”（附件5主导产品类别说明）。")),
         ("主导产品类别分类依据", dict(id="product_basis", label="主导产品类别分类依据", type="choice",
                               choices="product_basis", clause="六(一)1", since=2, legacy=PRODUCT_CATALOGUE,
                               help="能对照《统计用产品分类目录》分类的选“%s”并填写代码；无法按该目录分类的选“%s”，"
                                    "只填类别名称，不填代码（附件5）。" % (PRODUCT_CATALOGUE, PRODUCT_CUSTOM)))),
    Pair(("是否属于《工业“四基”发展目录》所列重点领域",
          dict(id="four_base", label="是否属于工业“四基”重点领域", type="choice", choices="yesno", clause="三(一)2")),
         ("如是，具体属于", dict(id="four_base_item", label="“四基”具体领域", type="multichoice", choices="four_base",
                          required=False, required_if=("four_base", ("是",)),
                          help="核心基础零部件（元器件）、关键基础材料、先进基础工艺、产业技术基础，可选多项，"
                               "多项之间用“、”分隔，如“关键基础材料、先进基础工艺”。"))),
    Pair(("★是否填补国内或国际空白", dict(id="gap_fill", label="是否填补国内或国际空白", type="choice",
                                    choices="gap", clause="三(一)2"))),
    Wide("具体领域及技术先进性说明", dict(id="gap_desc", label="填补空白的具体领域及技术先进性说明",
                                  type="longtext", max_len=3000, required=False,
                                  required_if=("gap_fill", ("填补国内空白", "填补国际空白")),
                                  help="请详细说明，可另附页。填补空白时必填。")),
    Pair(("★是否关键领域补短板", dict(id="shortboard", label="是否关键领域补短板", type="choice",
                                  choices="yesno", clause="三(一)2"))),
    Wide("具体领域和环节", dict(id="shortboard_desc", label="补短板的具体领域和环节", type="longtext",
                           max_len=3000, required=False, required_if=("shortboard", ("是",)),
                           help="请详细说明，可另附页。选“是”时必填。")),
    Section("★企业简介（不超过%d字，可另附页）：包括但不限于以下内容" % PROFILE_MAX),
) + tuple(
    Wide(caption, dict(id=fid, label="企业简介·" + caption[2:], type="longtext", max_len=PROFILE_MAX,
                       total_with=tuple(p for p in PROFILE if p != fid),
                       help=text + "三部分合计不超过%d字（四(二)3）。" % PROFILE_MAX, clause="四(二)3"))
    for fid, caption, text in PROFILE_PARTS
) + (
    Total("企业简介字数合计", "=" + "+".join("LEN({%s})" % p for p in PROFILE) + '&"/%d字"' % PROFILE_MAX),
    Gap(),
    Footnotes(("注：1.“企业名称”须与工业和信息化部公布名称一致。",
               "2.请省级中小企业主管部门核实企业填报信息，所有填报信息佐证材料留存备查。",
               "3.打★部分请组织企业详细填写。",
               "4.每家企业的材料单独装订成册报送。")),
)


def _a5():
    """附件5 基本情况表: title rows, then A5_ROWS laid out by the cursor."""
    g = Grid(A5, 3, form_part="附件5", counter_col="E")
    g.text("A1", "吉林省第二批重点“小巨人”企业基本情况表", "title", "A1:D1")
    g.text("A2", "企业名称（盖章）：                    （组织具体企业填报）                    省级中小企业主管部门（盖章）",
           "subtitle", "A2:D2")
    g.place(A5_ROWS)
    return g.fields, g.texts, g.formulas


# 附件6 indicators: (id, 一级指标, 二级指标 as printed, type, extra)
INDICATORS = (
    ("main_revenue", "专业化程度", "上年度主营业务收入（万元）", "decimal", {"unit": "万元"}),
    ("main_ratio", "专业化程度", "主营业务收入占营业收入比重（%）（{main_ratio}%以上）", "share", {"clause": "三(一)3"}),
    ("export_ratio", "专业化程度", "主导产品出口额占营业收入比重（%）", "share", {}),
    ("foreign_certs", "专业化程度", "获得发达国家或地区认证数量（个）（如UL,CSA,ETL,GS）", "int", {"unit": "个"}),
    ("rd_ratio", "创新能力", "研发经费支出占营业收入比重（%）（近2年连续{rd_ratio}%以上）", "share", {"clause": "三(一)4"}),
    ("rd_staff_ratio", "创新能力", "专职研发人员占企业总人数比重（%）", "share", {}),
    ("patents", "创新能力", "有效发明专利并实际应用数量（个）", "int", {"unit": "个", "clause": "三(一)4"}),
    ("rd_institution", "创新能力", "企业自建或与高校、科研机构联合建立研发机构级别（请填写国家级、省部级、其他、无研发机构）",
     "choice", {"choices": "rd_institution", "clause": "三(一)4"}),
    ("std_lead_intl_national", "创新能力", "主持制（修）订国际国家标准（项）", "int", {"unit": "项", "clause": "三(一)4"}),
    ("std_lead_industry", "创新能力", "主持制（修）订行业标准（项）", "int", {"unit": "项", "clause": "三(一)4"}),
    ("std_participate", "创新能力", "参与制（修）订国际国际、行业标准（项）", "int", {"unit": "项", "clause": "三(一)4"}),
    ("awards", "创新能力", "获得主营业务相关的省部级及以上奖项数量（项）", "int", {"unit": "项"}),
    ("quality_certs", "经营管理", "取得相关质量管理体系认证数量（项）（如ISO9000质量管理体系、ISO14000环境管理体系等）",
     "int", {"unit": "项", "clause": "三(一)4"}),
    ("intl_standard", "经营管理", "企业产品生产执行标准达到国际标准（或国家标准）", "choice", {"choices": "yesno"}),
    ("info_systems", "经营管理", "运用ERP、MES、CRM等信息化系统", "choice", {"choices": "yesno"}),
    ("listing_plan", "成长性", "有上市计划（请写明：递交申请书，或已进入辅导期）", "choice",
     {"choices": "listing_plan", "clause": "三(一)4、六(二)3"}),
    ("growth_last", "成长性", "上年主营业务收入增长率（%）", "rate", {"clause": "三(一)4"}),
    ("growth_3y_revenue", "成长性", "近三年主营业务收入平均增长率（%）", "rate", {"base_only": True}),
    ("growth_3y_profit", "成长性", "近三年利润平均增长率（%）", "rate", {"base_only": True}),
)
A6_FIRST_ROW = 6


def indicators():
    """INDICATORS as printed: labels with their thresholds filled in (read at call time, so a
    changed threshold or an added indicator is seen)."""
    return tuple((iid, group, thresholds.fill(label, TH), itype, extra)
                 for iid, group, label, itype, extra in INDICATORS)
PERIOD_COLS = dict(zip(PERIODS, "CDE"))


def _indicator_help(itype, period, extra):
    rule = {"share": PCT_RULE, "rate": PCT_RULE + "下降时填负数。", "int": NUM_RULE, "decimal": NUM_RULE,
            "choice": ""}[itype]
    if extra.get("choices") == "listing_plan":
        rule = "已递交申请书或已进入辅导期的企业填写该阶段，其他阶段填“无”；在新三板挂牌的计划不算（六(二)3、5）。"
    if extra.get("choices") == "rd_institution":
        rule = "填写国家级、省部级、其他或无研发机构。"
    return rule + PERIOD_RULE[period] + (ZERO_RULE if itype != "choice" else "所有指标均需填报（附件6注1）。")


def _a6():
    F, T = [], []
    T.append(Text(A6, "A1", "吉林省第二批重点“小巨人”企业目标表", "title", "A1:E1"))
    T.append(Text(A6, "A2", "（组织具体企业填报）", "subtitle", "A2:E2"))
    T.append(Text(A6, "A3", "企业名称（盖章）：", "label"))
    T.append(Text(A6, "D3", "省级中小企业主管部门（盖章）", "label", "D3:E3"))
    for col, text in zip("ABCDE", ("一级指标", "二级指标") + tuple(PERIOD_LABELS[p] for p in PERIODS)):
        T.append(Text(A6, "%s4" % col, text, "header"))
    for col, text in zip("CDE", ("2020年末（非年度数据为2021年5月31日）", "2022年末", "2023年末")):
        T.append(Text(A6, "%s5" % col, text, "subheader"))
    T.append(Text(A6, "A5", "", "subheader", "A5:B5"))
    groups = {}
    for i, (iid, group, label, itype, extra) in enumerate(indicators()):
        row = A6_FIRST_ROW + i
        groups.setdefault(group, []).append(row)
        T.append(Text(A6, "B%d" % row, label))
        for period in PERIODS:
            cell = "%s%d" % (PERIOD_COLS[period], row)
            if extra.get("base_only") and period != "base":
                T.append(Text(A6, cell, "无需填写", "na"))
                continue
            F.append(Field(
                id="%s_%s" % (iid, period), label="%s·%s" % (label, PERIOD_LABELS[period]), type=itype,
                sheet=A6, cell=cell, unit=extra.get("unit", "%" if itype in ("share", "rate") else ""),
                choices=extra.get("choices"), help=_indicator_help(itype, period, extra),
                form_part="附件6", indicator=iid, period=period, clause=extra.get("clause", "附件6")))
    for group, rows in groups.items():
        T.append(Text(A6, "A%d" % rows[0], group, "header", "A%d:A%d" % (rows[0], rows[-1])))
    last = A6_FIRST_ROW + len(INDICATORS)
    notes = ("注：1.所有指标均需填报。",
             "2.请省级中小企业主管部门核实企业填报信息，所有填报信息佐证材料留存备查。",
             "3.第二批第一年的实施期为2022年全年。本次申报材料中的“实施期初始值”年度数据（如主营业务收入、营业收入、产品出口额、研发经费支出等）按2020年末数据填写，非年度数据按2021年5月31日数据填写。“实施期满一年目标”按2022年末目标数据填写，“实施期满两年目标”按2023年末目标数据填写。",
             "4.如某项指标没有，填“0”。")
    for i, n in enumerate(notes):
        T.append(Text(A6, "A%d" % (last + 1 + i), n, "note", "A%d:E%d" % (last + 1 + i, last + 1 + i)))
    # the name is echoed across B:C, wide enough for a 100-character name in four lines
    formulas = [Formula(A6, "B3", '=IF({name}="","",{name})', "echo", "B3:C3")]
    return F, T, formulas


AID = dict(aid=True, form_part="自检辅助")

# 补充信息及自检辅助, in print order from row 2 (title in row 1).
EXTRA_ROWS = (
    Section("一、附件3《重点“小巨人”企业名单汇总表》所需信息"),
    Row("国家级专精特新“小巨人”企业批次", dict(
        id="batch", label="国家级专精特新“小巨人”企业批次", type="choice", choices="batch", form_part="附件3",
        clause="一、三(一)1", help="工业和信息化部认定的批次。可申报：第一批、第二批和正在公示的第三批“小巨人”企业（一）。")),
    Row("该企业产品、技术先进性的说明（不超过100字）", dict(
        id="advanced_desc", label="产品、技术先进性说明", type="longtext", max_len=100, form_part="附件3",
        clause="附件3", help="用于附件3名单汇总表，不超过100字。")),
    Row("所在市（州）", dict(id="city", label="所在市（州）", type="choice", choices="city", form_part="报送信息",
                        help="企业注册地所在的市（州）或长白山管委会，用于地区汇总。")),
    Section("二、分年度预期目标和成效（四(二)7：含定性和定量描述，后续绩效考核将按此核准）"),
) + common.goal_rows("四(二)7", "重点围绕在哪些领域、哪些项目开展关键核心技术攻关、填补国内外空白、产业链“补短板”、提升国际竞争力等（四(二)7）。") + (
    Section("三、联系人"),
    Row("联系人", dict(id="contact_name", label="联系人", type="text", max_len=50, required=False, form_part="报送信息")),
    Row("联系电话", dict(id="contact_phone", label="联系电话", type="text", max_len=30, required=False, form_part="报送信息")),
    Section("四、自检辅助信息（不属于附件5、附件6正式表格内容，仅用于申报条件自检和审核）", "aid_section"),
    Row("2020年营业收入（万元）", dict(
        id="revenue_2020", label="2020年营业收入", type="decimal", unit="万元",
        help="用于按《中小企业划型标准规定》核对企业规模。只填数字。", clause="附件5企业规模", **AID)),
    Row("2020年末资产总额（万元）", dict(
        id="assets_2020", label="2020年末资产总额", type="decimal", unit="万元", required=False,
        help="建筑业、房地产开发经营、租赁和商务服务业划型需要；其他行业可不填。", clause="附件5企业规模", **AID)),
    Row("2019年研发经费支出占营业收入比重（%）", dict(
        id="rd_ratio_2019", label="2019年研发经费支出占营业收入比重", type="share", unit="%", clause="三(一)4、六(二)5",
        help="“近2年研发经费支出占营业收入比重{rd_ratio}%以上”指2019、2020年每年均不低于{rd_ratio}%（六(二)5）；"
             "2020年数据见附件6实施期初始值。" + PCT_RULE, **AID)),
    Row("上市情况（截至工业和信息化部公示结束前）", dict(
        id="listing_status", label="上市情况", type="choice", choices="listing_status", clause="一、三(一)1、六(二)5",
        help="已在上交所主板、科创板和深交所主板、中小板、创业板或境外公开发行股票的企业不在支持范围（一、三(一)1）；判断时间截至工信部公示结束前（六(二)5）。",
        **AID)),
    Row("是否已获得国家第一批“专精特新”资金支持", dict(
        id="first_batch_funded", label="是否已获国家第一批资金支持", type="choice", choices="yesno", clause="一",
        help="已获得国家第一批资金支持的企业不在支持范围（一）。", **AID)),
    Row("所属制造强国战略十大重点产业领域", dict(
        id="ten_sector", label="所属十大重点产业领域", type="choice", choices="ten_sectors", clause="三(一)2",
        help="如不属于，请选“%s”。" % common.NOT_TEN_SECTORS, **AID)),
    Row("主导产品是否属于关键核心技术攻关", dict(
        id="key_tech", label="主导产品是否属于关键核心技术攻关", type="choice", choices="yesno", clause="三(一)2",
        help="产业导向条件之一（三(一)2）。", **AID)),
    Row("是否与重点行业龙头企业协同创新", dict(
        id="leader_collab", label="是否与重点行业龙头企业协同创新", type="choice", choices="yesno", clause="三(一)2",
        help="产业导向条件之一（三(一)2）。", **AID)),
)


def _extra():
    """附件3 fields, 四(二)7 goals, contact, and the self-check aids (marked as such)."""
    g = Grid(EXTRA, 2, cols="AB", last="C", counter_col="C")
    g.text("A1", "补充信息（附件3名单汇总表所需信息、分年度预期目标和自检辅助信息）", "title", "A1:C1")
    g.place(_filled(EXTRA_ROWS))
    return g.fields, g.texts, g.formulas


def _filled(rows):
    """Rows with threshold placeholders in their field help texts filled in."""
    out = []
    for r in rows:
        if isinstance(r, (Row, Wide)) and "{" in r.field.get("help", ""):
            r = r._replace(field=dict(r.field, help=thresholds.fill(r.field["help"], TH)))
        out.append(r)
    return tuple(out)


def _conditions(fields):
    innovation_inst = tuple(c for c in LISTS["rd_institution"] if c != "无研发机构")
    t = thresholds.fill
    return (
        Condition("basic", "基础条件", "一、三(一)1、六(二)5",
                  All(OneOf("batch", common.BATCHES), OneOf("first_batch_funded", ("否",)),
                      OneOf("listing_status", common.LISTING_OK)),
                  "工信部认定的“小巨人”企业（第一、二批或正在公示的第三批）；未获国家第一批资金支持；未在沪深主板、科创板、中小板、创业板或境外上市",
                  "不符合支持对象的企业不能推荐"),
        Condition("orientation", "产业导向", "三(一)2",
                  Any(OneOf("four_base", ("是",)), OneOf("ten_sector", reference.ten_sectors()),
                      OneOf("gap_fill", ("填补国内空白", "填补国际空白")), OneOf("shortboard", ("是",)),
                      OneOf("key_tech", ("是",)), OneOf("leader_collab", ("是",))),
                  "属于“四基”重点领域或十大重点产业领域；或补短板、关键核心技术攻关、填补空白；或与龙头企业协同创新",
                  "至少满足一项"),
        Condition("specialisation", "专业化程度", "三(一)3", AtLeast("main_ratio_base", TH["main_ratio"]),
                  t("主营业务收入占营业收入比重≥{main_ratio}%（附件6实施期初始值）", TH), t("主营业务收入占比不足{main_ratio}%", TH)),
        Condition("rd", "创新能力·研发投入", "三(一)4、六(二)5",
                  All(AtLeast("rd_ratio_base", TH["rd_ratio"]), AtLeast("rd_ratio_2019", TH["rd_ratio"])),
                  t("2019年和2020年研发经费支出占营业收入比重每年均≥{rd_ratio}%", TH), t("近2年每年均不低于{rd_ratio}%", TH)),
        Condition("innovation", "创新能力·创新成果", "三(一)4",
                  Any(AtLeast("patents_base", TH["patents"]), OneOf("rd_institution_base", innovation_inst),
                      SumAtLeast(("std_lead_intl_national_base", "std_lead_industry_base", "std_participate_base"),
                                 TH["standards"])),
                  t("有效发明专利≥{patents}项，或自建/联合建立研发机构，或主持/参与制（修）订标准≥{standards}个", TH),
                  "三项满足其一"),
        Condition("management", "经营管理", "三(一)4", AtLeast("quality_certs_base", TH["quality_certs"]),
                  t("取得相关质量管理体系认证≥{quality_certs}项", TH), "需取得质量管理体系认证"),
        Condition("growth", "成长性", "三(一)4、六(二)5",
                  Any(AtLeast("growth_last_base", TH["growth"], strict=True),
                      OneOf("listing_plan_base", ("递交申请书", "已进入辅导期"))),
                  t("上年主营业务收入增长率>{growth}，或已递交上市申请书/已进入辅导期（新三板挂牌计划不算）", TH),
                  "收入未增长且无符合条件的上市计划"),
        Condition("uscc", "统一社会信用代码", "附件5", ValidUscc("uscc"),
                  "18位，字符集、登记管理部门码和第18位校验码符合GB 32100-2015", "请核对营业执照", correctable=True,
                  quiet_on_field_error=True),
        Condition("size", "企业规模", "附件5", SizeMatches("size", "industry", "employees", "revenue_2020", "assets_2020"),
                  "所填企业规模与按工信部联企业〔2011〕300号测算的规模一致（大型企业不属于中小企业）",
                  "请核对从业人数、营业收入、资产总额和所属行业", correctable=True,
                  fail_type="size-mismatch", fail_field="size"),
        Condition("complete", "必填项", "附件6注1", NothingMissing(tuple(f for f in fields if f.required or f.required_if)),
                  "所有必填项均已填写（指标没有的填0）", "请补全浅黄色单元格", correctable=True, pending_reported=False),
    )


def build():
    f5, t5, x5 = _a5()
    f6, t6, x6 = _a6()
    fx, tx, xx = _extra()
    fields = tuple(f5 + f6 + fx)
    return Form(
        kind="enterprise",
        title="吉林省第二批重点“小巨人”企业申报表",
        filename="企业申报表.xlsx",
        sheets=(common.guide_sheet(),
                SheetSpec(A5, "附件5 基本情况表", widths=(("A", 24), ("B", 34), ("C", 22), ("D", 34), ("E", 12))),
                SheetSpec(A6, "附件6 目标表", widths=(("A", 10), ("B", 52), ("C", 18), ("D", 18), ("E", 18)),
                          print_title_rows="4:5"),
                SheetSpec(EXTRA, "补充信息及自检辅助", widths=(("A", 46), ("B", 60), ("C", 12))))
        + (common.appendix_sheet(),) + common.hidden_sheets(),
        fields=fields,
        texts=tuple(t5 + t6 + tx),
        formulas=tuple(x5 + x6 + xx),
        conditions=_conditions(fields),
        lists=LISTS,
        instructions=tuple(thresholds.fill(line, TH) for line in common.COMMON_GUIDE + (
            "《附件5 基本情况表》《附件6 目标表》与通知附件格式一致，可直接打印（A4）；“补充信息及自检辅助”中第一、二部分用于附件3名单汇总表和分年度预期目标（四(二)7），第四部分为自检辅助信息，不属于正式表格。",
            "“所属行业”按GB/T 4754-2017大类填写2位码及名称，如“35 专用设备制造业”；“主导产品类别”填写8位或10位代码及名称，如“3507060000 冲孔机床”（六(一)1）。",
            "“主导产品名称”请勿使用英文名称，多个主导产品之间请用“、”分割（六(一)2）。",
            "带“%”的指标无需再填写“%”，直接填写数字，如“30”；带数量单位的指标直接填写数字，无需附上文字（六(二)1、2）。",
            "“有上市计划”：已“递交申请书”或“已进入辅导期”的企业填写该阶段，其他阶段企业填写“无”（六(二)3）。",
            "“实施期初始值”年度数据按2020年末数据填写，非年度数据按2021年5月31日数据填写；“实施期满一年目标”按2022年末、“实施期满两年目标”按2023年末目标数据填写（六(二)4）。",
            "所有指标均需填报，如某项指标没有，填“0”（附件6注1、注4）。",
            "“截至上年末的近2年研发经费支出占营业收入比重{rd_ratio}%以上”指2019、2020年每年均不低于{rd_ratio}%；“上市计划”不包含在新三板挂牌的计划（六(二)5）。",
            "企业简介（四(二)3）分三部分填写，合计不超过5000字；“该企业产品、技术先进性的说明”不超过100字（附件3）。",
        )),
    )
