"""The platform form: one 附件4 row, the service categories of 三(二), the 小巨人 served with their
evidence (四(二)4), and the goals after one and two years (四(二)8)."""
from .. import reference
from ..rules import All, Any, AtLeast, NothingMissing, OneOf, SumAtLeast, ValidUscc
from . import common, thresholds
from .grid import Footnotes, Gap, Grid, Row, Section, Total
from .model import Condition, Form, SheetSpec

TH = thresholds.PLATFORM

A4, SERVICE = "a4", "service"

SERVICES = (
    ("svc_tech", "技术创新服务"),
    ("svc_finance", "上市辅导等融资服务"),
    ("svc_transfer", "创新成果转化与应用服务"),
    ("svc_digital", "数字化智能化改造服务"),
    ("svc_ip", "知识产权应用服务"),
    ("svc_cloud", "上云用云服务"),
    ("svc_design", "工业设计服务"),
)

LISTS = {
    "yesno": common.YESNO,
    "platforms": tuple(name for name, _ in reference.platform_choices()),
    "platform_levels": tuple(level for _, level in reference.platform_choices()),
    "city": common.CITIES,
}


A4_ROWS = (
    Row("国家（或省级）中小企业公共服务示范平台机构名称（具有独立法人资格，须与正式名单中公布名称一致）", dict(
        id="platform_name", label="平台机构名称", type="choice", choices="platforms", clause="一、附件4",
        help="从附件2《国家级或省级中小企业公共服务示范平台名单》中选择，名称须与正式名单中公布名称一致（附件4）。")),
    Total("平台级别（按附件2自动显示；名单中标“（国家）”的省级平台显示为国家级、省级）", '=IFERROR(INDEX({L_platform_levels},MATCH({platform_name},{L_platforms},0)),"")',
          "echo"),
    Row("统一社会信用代码", dict(id="uscc", label="统一社会信用代码", type="uscc",
                           help="营业执照或法人证书上的18位代码，字母大写。", clause="四(二)4")),
    Row("是否具有独立法人资格", dict(id="legal_person", label="是否具有独立法人资格", type="choice", choices="yesno",
                             clause="附件4", help="附件4要求机构具有独立法人资格。")),
    Row("★服务机构简介及服务内容、绩效说明（不超过3000字，可另附页）", dict(
        id="intro", label="服务机构简介及服务内容、绩效说明", type="longtext", max_len=3000, clause="附件4",
        help="用于附件4名单汇总表，不超过3000字，可另附页。平台简介另行报送的不超过5000字（四(二)4）。")),
    Row("工业和信息化部（或省级中小企业主管部门）认定文号", dict(
        id="cert_doc_no", label="认定文号", type="text", max_len=100, clause="附件4",
        help="认定为示范平台的文件文号，如“工信部企业函〔20XX〕XXX号”。")),
    Row("是否已获得国家第一批资金支持", dict(
        id="first_batch_funded", label="是否已获国家第一批资金支持", type="choice", choices="yesno", clause="一",
        help="已获得国家第一批资金支持的平台不能再次申请（一）。")),
    Row("所在市（州）", dict(id="city", label="所在市（州）", type="choice", choices="city", form_part="报送信息")),
    Row("联系人", dict(id="contact_name", label="联系人", type="text", max_len=50, required=False, form_part="报送信息")),
    Row("联系电话", dict(id="contact_phone", label="联系电话", type="text", max_len=30, required=False, form_part="报送信息")),
    Gap(),
    Footnotes(("注：全省推荐不超过3个平台；已获得国家第一批资金支持的平台不能再次申请（一、三(二)）。",)),
)


def _a4():
    g = Grid(A4, 3, form_part="附件4", cols="AB", last="D", counter_col="D", span="C")
    g.text("A1", "吉林省第二批支持国家（或省级）中小企业公共服务示范平台申报信息", "title", "A1:D1")
    g.text("A2", "（附件4名单汇总表一行，由平台填报）", "subtitle", "A2:D2")
    g.place(A4_ROWS)
    return g.fields, g.texts, g.formulas


_COUNT = dict(type="int", form_part="四(二)4", clause="四(二)4")
_NONE_ZERO = "没有填0。"
SERVICE_ROWS = (
    Section("一、提供的服务（三(二)：技术创新、上市辅导等融资、创新成果转化与应用、数字化智能化改造、知识产权应用、上云用云及工业设计；其他服务不予纳入评分，四(二)4）"),
) + tuple(Row("是否提供" + label, dict(id=fid, label="是否提供" + label, type="choice", choices="yesno",
                                        form_part="三(二)", clause="三(二)、四(二)4", help="提供该类服务选“是”，否则选“否”。"))
          for fid, label in SERVICES) + (
    Section("二、已服务国家级专精特新“小巨人”企业情况（须提供合同、发票、收款证明等佐证资料，没有证明资料的服务不予纳入评分，四(二)4）"),
    Row("已服务国家级专精特新“小巨人”企业户数（户）", dict(id="served_firms", label="服务“小巨人”企业户数", unit="户",
                                             help="只计有佐证资料的服务；直接填写数字，没有填0。", **_COUNT)),
    Row("已服务国家级专精特新“小巨人”企业次数（次）", dict(id="served_times", label="服务“小巨人”企业次数", unit="次",
                                             help="只计有佐证资料的服务；直接填写数字，没有填0。", **_COUNT)),
    Row("佐证资料：合同（份）", dict(id="evidence_contracts", label="佐证合同份数", unit="份",
                             help="与国家“专精特新”企业签订的合同份数，原件核实后退回；没有填0。", **_COUNT)),
    Row("佐证资料：发票（份）", dict(id="evidence_invoices", label="佐证发票份数", unit="份", help=_NONE_ZERO, **_COUNT)),
    Row("佐证资料：收款证明（份）", dict(id="evidence_receipts", label="佐证收款证明份数", unit="份", help=_NONE_ZERO,
                               **_COUNT)),
    Section("三、分年度预期目标和成效（四(二)8：含定性和定量描述，后续绩效考核将按此核准）"),
) + common.goal_rows("四(二)8", "重点围绕集聚创新资源，点对点服务重点“小巨人”企业，以及服务本省国家级专精特新“小巨人”企业的预期目标及成效（四(二)8）。") + (
    Section("四、平台简介（四(二)4：推荐材料中的平台简介，不超过5000字）"),
    Row("平台简介（不超过5000字）", dict(
        id="profile", label="平台简介", type="longtext", max_len=5000, form_part="四(二)4", clause="四(二)4",
        help="平台基本情况、集聚的技术、资金和人才等创新资源、服务国家级“小巨人”企业的主要做法和成效，不超过5000字（四(二)4）。")),
)


def _service():
    g = Grid(SERVICE, 2, cols="AB", last="C", counter_col="C")
    g.text("A1", "服务内容、服务“小巨人”情况和分年度预期目标", "title", "A1:C1")
    g.place(SERVICE_ROWS)
    return g.fields, g.texts, g.formulas


def _conditions(fields):
    t = thresholds.fill
    return (
        Condition("listed", "附件2名单内的示范平台", "一、三(二)、附件4",
                  OneOf("platform_name", LISTS["platforms"]),
                  "机构名称与附件2名单中公布的名称完全一致", "只能从附件2名单中选定"),
        Condition("not_funded", "未获国家第一批资金支持", "一", OneOf("first_batch_funded", ("否",)),
                  "已获得国家第一批资金支持的平台不能再次申请", "不能再次申请"),
        Condition("legal_person", "具有独立法人资格", "附件4", OneOf("legal_person", ("是",)),
                  "机构具有独立法人资格", "须具有独立法人资格"),
        Condition("services", "服务类别", "三(二)、四(二)4",
                  Any(*(OneOf(fid, ("是",)) for fid, _ in SERVICES)),
                  "至少提供三(二)所列服务之一", "其他服务不予纳入评分"),
        Condition("evidence", "服务“小巨人”并有佐证", "四(二)4",
                  All(AtLeast("served_firms", TH["served_firms"]), AtLeast("served_times", TH["served_times"]),
                      SumAtLeast(("evidence_contracts", "evidence_invoices", "evidence_receipts"), TH["evidence"])),
                  t("已服务国家级“小巨人”企业≥{served_firms}户、≥{served_times}次，且有合同、发票或收款证明", TH),
                  "没有证明资料的服务不予纳入评分"),
        Condition("uscc", "统一社会信用代码", "四(二)4", ValidUscc("uscc"),
                  "18位，字符集、登记管理部门码和第18位校验码符合GB 32100-2015", "请核对营业执照或法人证书",
                  correctable=True, quiet_on_field_error=True),
        Condition("complete", "必填项", "附件4", NothingMissing(tuple(f for f in fields if f.required or f.required_if)),
                  "所有必填项均已填写", "请补全浅黄色单元格", correctable=True, pending_reported=False),
    )


def build():
    fa, ta, xa = _a4()
    fs, ts, xs = _service()
    fields = tuple(fa + fs)
    return Form(
        kind="platform",
        title="吉林省第二批支持国家（或省级）中小企业公共服务示范平台申报表",
        filename="平台申报表.xlsx",
        sheets=(common.guide_sheet(),
                SheetSpec(A4, "附件4 平台信息", widths=(("A", 40), ("B", 40), ("C", 40), ("D", 12))),
                SheetSpec(SERVICE, "服务与目标", widths=(("A", 46), ("B", 60), ("C", 12))))
        + (common.appendix_sheet(),) + common.hidden_sheets(),
        fields=fields,
        texts=tuple(ta + ts),
        formulas=tuple(xa + xs),
        conditions=_conditions(fields),
        lists=LISTS,
        instructions=common.COMMON_GUIDE + (
            "平台机构名称须从附件2名单中选择，与正式名单中公布名称完全一致；机构须具有独立法人资格，并填写认定文号（附件4）。",
            "已获得国家第一批资金支持的平台不能再次申请；全省推荐不超过3个平台（一、三(二)）。",
            "服务项目须在技术创新、上市辅导等融资、创新成果转化与应用、数字化智能化改造、知识产权应用、上云用云及工业设计等方面，其他不予纳入评分（四(二)4）。",
            "已服务国家“专精特新”企业的户数和次数须提供合同、发票、收款证明等详细佐证资料，没有证明资料的服务不予纳入评分（四(二)4）。",
            "分年度预期目标和成效分别填写实施期满1年、2年后的定性和定量描述（四(二)8）。",
        ),
    )
