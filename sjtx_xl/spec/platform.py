"""The platform form: one 附件4 row, the service categories of 三(二), the 小巨人 served with their
evidence (四(二)4), and the goals after one and two years (四(二)8)."""
from .. import reference
from ..rules import All, Any, AtLeast, NothingMissing, OneOf, SumAtLeast, ValidUscc
from . import common
from .model import Condition, Field, Form, Formula, SheetSpec, Text

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
    "platforms": tuple(reference.platform_names()),
    "platform_levels": tuple("国家级" if p["level"] == "国家" else "省级" for p in reference.platforms()),
    "city": common.CITIES,
}


def _a4():
    F, T = [], []

    def row(r, caption, **kw):
        T.append(Text(A4, "A%d" % r, caption))
        kw.setdefault("form_part", "附件4")
        F.append(Field(sheet=A4, cell="B%d" % r, span="B%d:C%d" % (r, r), **kw))

    T.append(Text(A4, "A1", "吉林省第二批支持国家（或省级）中小企业公共服务示范平台申报信息", "title", "A1:D1"))
    T.append(Text(A4, "A2", "（附件4名单汇总表一行，由平台填报）", "subtitle", "A2:D2"))
    row(3, "国家（或省级）中小企业公共服务示范平台机构名称（具有独立法人资格，须与正式名单中公布名称一致）",
        id="platform_name", label="平台机构名称", type="choice", choices="platforms", clause="一、附件4",
        help="从附件2《国家级或省级中小企业公共服务示范平台名单》中选择，名称须与正式名单中公布名称一致（附件4）。")
    T.append(Text(A4, "A4", "平台级别（按附件2自动显示）"))
    row(5, "统一社会信用代码", id="uscc", label="统一社会信用代码", type="uscc",
        help="营业执照或法人证书上的18位代码，字母大写。", clause="四(二)4")
    row(6, "是否具有独立法人资格", id="legal_person", label="是否具有独立法人资格", type="choice", choices="yesno",
        clause="附件4", help="附件4要求机构具有独立法人资格。")
    row(7, "★服务机构简介及服务内容、绩效说明（不超过3000字，可另附页）", id="intro", label="服务机构简介及服务内容、绩效说明",
        type="longtext", max_len=3000, clause="附件4", counter="D7",
        help="用于附件4名单汇总表，不超过3000字，可另附页。平台简介另行报送的不超过5000字（四(二)4）。")
    row(8, "工业和信息化部（或省级中小企业主管部门）认定文号", id="cert_doc_no", label="认定文号", type="text",
        max_len=100, clause="附件4", help="认定为示范平台的文件文号，如“工信部企业函〔20XX〕XXX号”。")
    row(9, "是否已获得国家第一批资金支持", id="first_batch_funded", label="是否已获国家第一批资金支持",
        type="choice", choices="yesno", clause="一", help="已获得国家第一批资金支持的平台不能再次申请（一）。")
    row(10, "所在市（州）", id="city", label="所在市（州）", type="choice", choices="city", form_part="报送信息")
    row(11, "联系人", id="contact_name", label="联系人", type="text", max_len=50, required=False, form_part="报送信息")
    row(12, "联系电话", id="contact_phone", label="联系电话", type="text", max_len=30, required=False, form_part="报送信息")
    T.append(Text(A4, "A14", "注：全省推荐不超过3个平台；已获得国家第一批资金支持的平台不能再次申请（一、三(二)）。",
                  "note", "A14:D14"))
    formulas = [Formula(A4, "B4", '=IFERROR(INDEX({L_platform_levels},MATCH({platform_name},{L_platforms},0)),"")',
                        "echo", "B4:C4")]
    return F, T, formulas


def _service():
    F, T = [], []

    def row(r, caption, **kw):
        T.append(Text(SERVICE, "A%d" % r, caption))
        F.append(Field(sheet=SERVICE, cell="B%d" % r, **kw))

    T.append(Text(SERVICE, "A1", "服务内容、服务“小巨人”情况和分年度预期目标", "title", "A1:C1"))
    T.append(Text(SERVICE, "A2", "一、提供的服务（三(二)：技术创新、上市辅导等融资、创新成果转化与应用、数字化智能化改造、知识产权应用、上云用云及工业设计；其他服务不予纳入评分，四(二)4）",
                  "section", "A2:C2"))
    for i, (fid, label) in enumerate(SERVICES):
        row(3 + i, "是否提供" + label, id=fid, label="是否提供" + label, type="choice", choices="yesno",
            form_part="三(二)", clause="三(二)、四(二)4", help="提供该类服务选“是”，否则选“否”。")
    T.append(Text(SERVICE, "A10", "二、已服务国家级专精特新“小巨人”企业情况（须提供合同、发票、收款证明等佐证资料，没有证明资料的服务不予纳入评分，四(二)4）",
                  "section", "A10:C10"))
    count = dict(type="int", form_part="四(二)4", clause="四(二)4")
    row(11, "已服务国家级专精特新“小巨人”企业户数（户）", id="served_firms", label="服务“小巨人”企业户数", unit="户",
        help="只计有佐证资料的服务；直接填写数字，没有填0。", **count)
    row(12, "已服务国家级专精特新“小巨人”企业次数（次）", id="served_times", label="服务“小巨人”企业次数", unit="次",
        help="只计有佐证资料的服务；直接填写数字，没有填0。", **count)
    row(13, "佐证资料：合同（份）", id="evidence_contracts", label="佐证合同份数", unit="份",
        help="与国家“专精特新”企业签订的合同份数，原件核实后退回；没有填0。", **count)
    row(14, "佐证资料：发票（份）", id="evidence_invoices", label="佐证发票份数", unit="份", help="没有填0。", **count)
    row(15, "佐证资料：收款证明（份）", id="evidence_receipts", label="佐证收款证明份数", unit="份", help="没有填0。", **count)
    T.append(Text(SERVICE, "A16", "三、分年度预期目标和成效（四(二)8：含定性和定量描述，后续绩效考核将按此核准）", "section", "A16:C16"))
    goal_help = "重点围绕集聚创新资源，点对点服务重点“小巨人”企业，以及服务本省国家级专精特新“小巨人”企业的预期目标及成效（四(二)8）。"
    common.add_goals(row, 17, "四(二)8", goal_help)
    T.append(Text(SERVICE, "A21", "四、平台简介（四(二)4：推荐材料中的平台简介，不超过5000字）", "section", "A21:C21"))
    row(22, "平台简介（不超过5000字）", id="profile", label="平台简介", type="longtext", max_len=5000,
        form_part="四(二)4", clause="四(二)4", counter="C22",
        help="平台基本情况、集聚的技术、资金和人才等创新资源、服务国家级“小巨人”企业的主要做法和成效，不超过5000字（四(二)4）。")
    return F, T, []


def _conditions(fields):
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
                  All(AtLeast("served_firms", 1), AtLeast("served_times", 1),
                      SumAtLeast(("evidence_contracts", "evidence_invoices", "evidence_receipts"), 1)),
                  "已服务国家级“小巨人”企业≥1户、≥1次，且有合同、发票或收款证明", "没有证明资料的服务不予纳入评分"),
        Condition("uscc", "统一社会信用代码", "四(二)4", ValidUscc("uscc"),
                  "18位，字符集、登记管理部门码和第18位校验码符合GB 32100-2015", "请核对营业执照或法人证书",
                  correctable=True),
        Condition("complete", "必填项", "附件4", NothingMissing(tuple(f for f in fields if f.required or f.required_if)),
                  "所有必填项均已填写", "请补全浅黄色单元格", correctable=True),
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
