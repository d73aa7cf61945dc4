"""`sjtx-xl demo [DIR]`: realistic filled workbooks for 吉林 enterprises and 附件2 platforms, then a merge.

Everything is deterministic in the seed: names, figures, which files carry which mistake, and the
files' modification times. The same generator feeds the tests and bench/merge_bench.py.

    DIR/模板/                    the two templates (sjtx-xl templates)
    DIR/申报材料/<市州>/*.xlsx     one workbook per enterprise or platform, by city, with a realistic
                                 share of mistakes, a duplicate, hostile files, a ~$ lock file, a
                                 hidden file and files that are not workbooks
    DIR/吉林省汇总.xlsx            the summary (sjtx-xl merge DIR/申报材料 --recursive)
"""
import datetime as _dt
import io
import os
import random
import re
import shutil
import zipfile
from pathlib import Path

from . import ooxml, reference, samples, spec, template
from .errors import UsageError
from .fill import fill_bytes
from .size import classify
from .uscc import CHARSET, check_char

SEED = 20210723
MARKER = ".sjtx-demo"
INPUT_DIR = "申报材料"
TEMPLATE_DIR = "模板"
SUMMARY_NAME = "吉林省汇总.xlsx"
BASE_TIME = _dt.datetime(2021, 7, 19, 9, 0)
SAVED = BASE_TIME.replace(tzinfo=_dt.timezone.utc)         # save time of files whose time plays no part

# --------------------------------------------------------------------------- vocabulary

# GB/T 4754-2017 大类 typical of 吉林's 小巨人, with name words, niches and products
# (统计用产品分类目录-style codes, category, product names).
INDUSTRIES = {
    "36": dict(weight=16, words=("汽车零部件", "汽车部件", "汽车电子", "车身技术"), sector="节能与新能源汽车",
               niches=("汽车车身冲压模具", "汽车电子控制单元", "新能源汽车电驱动系统", "汽车内饰件"),
               products=(("3660020100", "汽车车身零件", ("车身冲压件", "白车身焊接总成", "车门总成")),
                         ("3670010200", "汽车电子装置", ("车身控制器", "电子驻车制动控制器", "车载网关")))),
    "35": dict(weight=10, words=("专用装备", "智能装备", "机电设备"), sector="高档数控机床和机器人",
               niches=("农业机械智能控制", "冶金专用设备", "医疗器械精密加工"),
               products=(("3507060000", "冲孔机床", ("数控冲孔机床", "伺服转塔冲床")),
                         ("3512030100", "收获机械", ("玉米收获机", "青贮饲料收获机", "秸秆打捆机")))),
    "34": dict(weight=8, words=("精密机械", "轴承", "液压科技"), sector="高档数控机床和机器人",
               niches=("精密轴承", "液压传动部件", "工业机器人减速器"),
               products=(("3431010100", "滚动轴承", ("圆锥滚子轴承", "精密角接触球轴承")),
                         ("3442020000", "液压元件", ("液压油缸", "电液伺服阀", "液压泵")))),
    "27": dict(weight=12, words=("药业", "生物制药", "中药"), sector="生物医药及高性能医疗器械",
               niches=("人参皂苷提取", "中药配方颗粒", "生物疫苗"),
               products=(("2740010100", "中成药", ("参芪颗粒", "人参皂苷胶囊", "五味子糖浆")),
                         ("2761010000", "生物药品", ("重组蛋白原液", "诊断试剂盒")))),
    "39": dict(weight=10, words=("光电", "电子科技", "半导体"), sector="新一代信息技术产业",
               niches=("光电编码器", "红外探测器", "功率半导体器件"),
               products=(("3981010100", "光电子器件", ("光电编码器", "红外探测器", "激光器模组")),
                         ("3972020000", "半导体分立器件", ("功率二极管", "绝缘栅双极晶体管模块")))),
    "40": dict(weight=8, words=("光学仪器", "精密仪器", "测控技术"), sector="新一代信息技术产业",
               niches=("光谱分析仪器", "精密测量仪器", "光栅尺"),
               products=(("4040010100", "光学仪器", ("光栅光谱仪", "光学测角仪")),
                         ("4011030000", "测量仪器", ("三坐标测量机", "激光干涉仪", "光栅尺")))),
    "38": dict(weight=6, words=("电气", "电机", "电力科技"), sector="电力装备",
               niches=("特种电机", "智能配电设备"),
               products=(("3811020000", "交流电动机", ("永磁同步电机", "伺服电机", "伺服驱动器")),
                         ("3823010000", "配电开关控制设备", ("智能环网柜", "箱式变电站")))),
    "26": dict(weight=6, words=("化工", "新材料", "精细化工"), sector="新材料",
               niches=("碳纤维原丝", "精细化学品", "高性能树脂"),
               products=(("2614010000", "有机化学原料", ("乙醇胺", "丙烯酸酯")),
                         ("2651020000", "合成树脂", ("聚醚醚酮树脂", "环氧树脂")))),
    "30": dict(weight=5, words=("碳纤维", "玄武岩纤维", "新型材料"), sector="新材料",
               niches=("玄武岩连续纤维", "碳纤维复合材料"),
               products=(("3061010000", "玻璃纤维及制品", ("玄武岩连续纤维", "纤维增强复合材料板材")),)),
    "33": dict(weight=5, words=("金属制品", "钢结构", "精密铸造"), sector="先进轨道交通装备",
               niches=("轨道客车结构件", "精密铸件"),
               products=(("3311010000", "金属结构", ("轨道客车车体结构件", "钢结构桁架")),)),
    "13": dict(weight=6, words=("食品", "生物科技", "粮油"), sector=None,
               niches=("玉米深加工", "人参食品"),
               products=(("1393010000", "淀粉及淀粉制品", ("玉米淀粉", "变性淀粉")),
                         ("1391020000", "食用植物油", ("玉米胚芽油", "大豆油")))),
    "14": dict(weight=4, words=("食品", "人参制品", "保健食品"), sector=None,
               niches=("人参功能食品", "林蛙油制品"),
               products=(("1491010000", "保健食品", ("人参含片", "人参肽口服液")),)),
    "37": dict(weight=4, words=("轨道交通装备", "交通装备"), sector="先进轨道交通装备",
               niches=("轨道客车内装", "转向架部件"),
               products=(("3711030000", "铁路客车配件", ("轨道客车内装件", "转向架构架")),)),
}
BRANDS = tuple("华瑞鑫盛泰恒宏达通远博创凯晟新中科正光源禹衡嘉昊润丰奥瀚航迪睿锐弘凌")
SUFFIXES = ("有限公司", "股份有限公司", "有限责任公司", "科技有限公司", "科技股份有限公司")
SURNAMES = tuple("王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁宋谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段")
GIVEN = tuple("国建立志明海伟军平东文辉力永刚俊峰强磊洋勇艳娟丽红霞敏静秀英华玉兰春梅桂凤")
CUSTOMERS = ("中国一汽", "中车长春轨道客车", "吉林石化", "吉林化纤", "长光卫星", "修正药业", "国家电网",
             "一汽解放", "中粮集团", "华为技术")

# --------------------------------------------------------------------------- helpers


def _person(rng):
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _phone(rng):
    return "1%d%09d" % (rng.choice((3, 5, 8)), rng.randrange(10 ** 9))


def uscc_for(area, seq, prefix="91"):
    """A valid credit code with registration authority prefix (91 企业, 12 事业单位) and area code."""
    digits = []
    n = seq
    for _ in range(7):
        n, r = divmod(n, 31)
        digits.append(CHARSET[r])
    body = prefix + area + "MA" + "".join(reversed(digits))
    return body + check_char(body)


def _areas_by_city():
    out = {}
    for code, (name, city) in reference.jilin_areas().items():
        if city and code != "220000":
            out.setdefault(city, []).append((code, name))
    return out


def _place(city, area_name):
    """The place word of a company name: a county-level city's name, else the city's short name."""
    for suffix in ("市", "县"):
        if area_name.endswith(suffix) and area_name != city and "区" not in area_name:
            return area_name[: -len(suffix)] if suffix == "市" else area_name[:2]
    return re.sub(r"(朝鲜族自治州|市)$", "", city)


def _pick_weighted(rng, table):
    keys = list(table)
    return rng.choices(keys, weights=[table[k]["weight"] for k in keys])[0]


def _r(x, nd=2):
    return round(x, nd)


def _paragraph(rng, sentences, lo, hi):
    """Sentences in a random order, repeated until the text has at least lo characters; at most hi."""
    pool = list(sentences)
    rng.shuffle(pool)
    out, i = "", 0
    while len(out) < lo:
        out += pool[i % len(pool)]
        i += 1
    return out[:hi]


# --------------------------------------------------------------------------- enterprises


def enterprise_values(rng, seq, city, area, area_name, taken_names):
    """A plausible, valid and eligible enterprise: {field id: value}."""
    div = _pick_weighted(rng, INDUSTRIES)
    ind = INDUSTRIES[div]
    place = _place(city, area_name)
    for _ in range(100):
        word = rng.choice(ind["words"])
        suffixes = [x for x in SUFFIXES if not (x.startswith("科技") and word.endswith(("科技", "技术")))]
        name = place + "".join(rng.sample(BRANDS, 2)) + word + rng.choice(suffixes)
        if name not in taken_names:
            break
    else:
        name = "%s%s%d号%s" % (place, rng.choice(ind["words"]), seq, rng.choice(SUFFIXES))
    taken_names.add(name)
    code, category, names = rng.choice(ind["products"])
    products = rng.sample(names, k=min(len(names), rng.choice((1, 2, 2, 3))))
    size_target = rng.choices(("中型", "小型", "微型"), weights=(45, 48, 7))[0]
    for _ in range(50):
        if size_target == "中型":
            employees, revenue = rng.randint(300, 950), _r(rng.uniform(2500, 38000))
        elif size_target == "小型":
            employees, revenue = rng.randint(30, 290), _r(rng.uniform(400, 1990))
        else:
            employees, revenue = rng.randint(8, 19), _r(rng.uniform(120, 290))
        size = classify(div, employees, revenue)
        if size in ("中型", "小型", "微型"):
            break
    main_ratio = _r(rng.uniform(82, 99.5), 1)
    main_rev = _r(revenue * main_ratio / 100)
    g1, g2 = rng.uniform(0.08, 0.3), rng.uniform(0.08, 0.3)
    rd = _r(rng.uniform(4.3, 12), 1)
    patents = rng.randint(2, 24)
    customer = rng.choice(CUSTOMERS)
    product = products[0]
    v = {
        "name": name, "legal_rep": _person(rng), "uscc": uscc_for(area, seq), "employees": employees,
        "reg_date": _dt.date(rng.randint(1996, 2016), rng.randint(1, 12), rng.randint(1, 28)).isoformat(),
        "reg_capital": float(rng.choice((500, 800, 1000, 1200, 2000, 3000, 5000, 8000, 10000))),
        "size": size, "ownership": rng.choices(("民营", "国有", "合资", "外资"), weights=(82, 6, 8, 4))[0],
        "industry": reference.division_label(div), "niche": rng.choice(ind["niches"]),
        "product_basis": spec.enterprise.PRODUCT_CATALOGUE if seq % 10 else spec.enterprise.PRODUCT_CUSTOM,
        "product_code": code if seq % 10 else None, "product_category": category,
        "product_names": "、".join(products),
        "product_new": rng.choice(("是", "否", "否")),
        "four_base": rng.choice(("是", "否")), "gap_fill": rng.choices(("否", "填补国内空白", "填补国际空白"), (5, 4, 1))[0],
        "shortboard": rng.choice(("是", "否")),
        "profile_management": _paragraph(rng, (
            "公司成立以来专注于%s领域，" % ind["niches"][0],
            "主营业务为%s的研发、生产和销售，" % product,
            "在细分领域从业超过%d年，产品市场占有率位居国内前列。" % rng.randint(8, 25),
            "公司坚持专业化发展战略，建立了完善的质量管理体系和现代企业制度。",
            "公司实行扁平化管理，核心团队稳定，人才梯队完整。",
        ), 120, 600),
        "profile_products": _paragraph(rng, (
            "主导产品%s属于产业链关键环节，" % "、".join(products),
            "长期为%s等龙头企业配套，" % customer,
            "近3年主导产品销售收入年均增长%d%%，" % rng.randint(8, 30),
            "主要客户分布在东北、华北和长三角地区，",
            "与国际领先企业相比，关键性能指标达到同等水平，价格具有明显优势。",
        ), 150, 800),
        "profile_innovation": _paragraph(rng, (
            "公司拥有有效发明专利%d项，" % patents,
            "建有省级企业技术中心，与吉林大学、长春理工大学等高校开展产学研合作，",
            "研发经费投入占营业收入比重连续多年超过%d%%，" % int(rd),
            "专职研发人员占比超过%d%%。" % rng.randint(12, 35),
        ), 100, 500),
        "batch": rng.choices(spec.common.BATCHES, (2, 5, 3))[0],
        "advanced_desc": ("自主研发的%s打破国外技术垄断，关键指标达到国际先进水平，已为%s等企业批量配套，"
                          "拥有发明专利%d项。" % (product, customer, patents))[:100],
        "city": city,
        "goal_y1_qual": "围绕%s开展关键核心技术攻关，完成新一代%s研制并实现小批量生产。" % (ind["niches"][0], product),
        "goal_y1_quant": "2022年主营业务收入达到%.0f万元，新增发明专利%d项，研发投入占比不低于%.1f%%。"
                         % (main_rev * (1 + g1), rng.randint(1, 4), rd),
        "goal_y2_qual": "实现%s进口替代，进入%s供应链体系，提升国际竞争力。" % (product, customer),
        "goal_y2_quant": "2023年主营业务收入达到%.0f万元，出口额占比提高2个百分点，主导产品市场占有率提高3个百分点。"
                         % (main_rev * (1 + g1) * (1 + g2)),
        "contact_name": _person(rng), "contact_phone": _phone(rng),
        "revenue_2020": revenue, "assets_2020": _r(revenue * rng.uniform(0.8, 1.6)),
        "rd_ratio_2019": _r(rng.uniform(4.1, 11), 1),
        "listing_status": rng.choices(spec.common.LISTING_OK, (9, 1))[0], "first_batch_funded": "否",
        "ten_sector": ind["sector"] or spec.common.NOT_TEN_SECTORS,
        "key_tech": rng.choice(("是", "否")), "leader_collab": rng.choice(("是", "是", "否")),
    }
    if v["four_base"] == "是":
        v["four_base_item"] = rng.choice(spec.form("enterprise").lists["four_base"])
    if v["gap_fill"] != "否":
        v["gap_desc"] = "%s的%s项关键性能指标达到国际同类产品水平，%s。" % (product, rng.randint(2, 5), v["gap_fill"])
    if v["shortboard"] == "是":
        v["shortboard_desc"] = "属于%s产业链的关键环节，解决了%s依赖进口的问题。" % (ind["sector"] or "农产品加工", product)
    targets = {
        "main_revenue": (main_rev, _r(main_rev * (1 + g1)), _r(main_rev * (1 + g1) * (1 + g2))),
        "main_ratio": (main_ratio, min(99.9, _r(main_ratio + 0.5, 1)), min(99.9, _r(main_ratio + 1, 1))),
        "export_ratio": (lambda x: (x, _r(x + 1, 1), _r(x + 2, 1)))(_r(rng.uniform(0, 20), 1)),
        "foreign_certs": (lambda n: (n, n + rng.randint(0, 1), n + rng.randint(1, 2)))(rng.randint(0, 5)),
        "rd_ratio": (rd, _r(rd + 0.3, 1), _r(rd + 0.6, 1)),
        "rd_staff_ratio": (lambda x: (x, _r(x + 1, 1), _r(x + 2, 1)))(_r(rng.uniform(10, 35), 1)),
        "patents": (patents, patents + rng.randint(1, 3), patents + rng.randint(3, 6)),
        "rd_institution": (lambda x: (x, x, x))(rng.choices(("国家级", "省部级", "其他"), (1, 5, 4))[0]),
        "std_lead_intl_national": (lambda n: (n, n, n + 1))(rng.randint(0, 2)),
        "std_lead_industry": (lambda n: (n, n + 1, n + 1))(rng.randint(0, 3)),
        "std_participate": (lambda n: (n, n + 1, n + 2))(rng.randint(0, 4)),
        "awards": (lambda n: (n, n, n + 1))(rng.randint(0, 4)),
        "quality_certs": (lambda n: (n, n, n + 1))(rng.randint(1, 5)),
        "intl_standard": (lambda x: (x, x, "是"))(rng.choice(("是", "否"))),
        "info_systems": ("是", "是", "是"),
        "listing_plan": (lambda x: (x, x, x))(rng.choices(("无", "递交申请书", "已进入辅导期"), (8, 1, 1))[0]),
        "growth_last": (_r(rng.uniform(5, 45), 1), _r(g1 * 100, 1), _r(g2 * 100, 1)),
        "growth_3y_revenue": (_r(rng.uniform(6, 35), 1),),
        "growth_3y_profit": (_r(rng.uniform(-5, 40), 1),),
    }
    for iid, vals in targets.items():
        for period, x in zip(spec.PERIODS, vals):
            v["%s_%s" % (iid, period)] = x
    return samples.fill_required(spec.form("enterprise"), v, seq)


def _long_text(rng, n):
    unit = "公司持续加大研发投入，建立了覆盖设计、工艺、检测的完整技术体系。"
    return (unit * (n // len(unit) + 1))[:n]


# Each mistake: (description, function(values, rng) -> None). A realistic share of files carries one.
ENTERPRISE_MISTAKES = {
    "percent_as_fraction": ("比重填成小数（0.92）", lambda v, rng: v.update(main_ratio_base=_r(v["main_ratio_base"] / 100, 3))),
    "percent_sign": ("比重带“%”", lambda v, rng: v.update(rd_ratio_base="%s%%" % v["rd_ratio_base"])),
    "text_in_number": ("数字栏填了文字", lambda v, rng: v.update(employees="约%d人" % v["employees"])),
    "over_100": ("比重超过100", lambda v, rng: v.update(export_ratio_base=101)),
    "english_product": ("主导产品名称用英文", lambda v, rng: v.update(product_names="Servo Motor")),
    "bad_separator": ("主导产品用逗号分隔", lambda v, rng: v.update(product_names=v["product_names"].replace("、", "，") + "，配套件")),
    "uscc_check_char": ("信用代码校验位抄错", lambda v, rng: v.update(
        uscc=v["uscc"][:17] + next(c for c in "0123456789" if c != v["uscc"][17]))),
    "uscc_lowercase": ("信用代码小写", lambda v, rng: v.update(uscc=v["uscc"].lower())),
    "size_mismatch": ("企业规模与划型标准不符", lambda v, rng: v.update(size="中型" if v["size"] != "中型" else "微型")),
    "missing_required": ("漏填必填项", lambda v, rng: v.update(legal_rep=None, growth_last_y2=None, quality_certs_y1=None)),
    "profile_too_long": ("企业简介超过5000字", lambda v, rng: v.update(profile_products=_long_text(rng, 5001))),
    "formula_text": ("粘贴了公式样的文字", lambda v, rng: v.update(niche="=cmd|' /C calc'!A0")),
    "rd_below_4": ("2019年研发投入低于4%（不符合条件）", lambda v, rng: v.update(rd_ratio_2019=3.2)),
    "listed": ("已在创业板上市（不符合条件）", lambda v, rng: v.update(listing_status="深交所创业板")),
    "fullwidth_digits": ("全角数字", lambda v, rng: v.update(reg_capital="１２００")),
}

# --------------------------------------------------------------------------- platforms


def platform_values(rng, p, seq, taken):
    """A plausible platform of 附件2: {field id: value}."""
    city = {"长春": "长春市", "吉林": "吉林市"}.get(p["region"], p["region"])
    if city not in spec.common.CITIES:
        city = next((c for c in spec.common.CITIES if c.startswith(p["region"][:2])), "长春市")
    area = next(code for code, (name, c) in reference.jilin_areas().items() if name == city)
    public = re.search(r"(中心|所|大学|院|平台)", p["name"]) and "有限" not in p["name"]
    services = {fid: rng.choices(("是", "否"), (4, 1))[0] for fid, _ in spec.platform.SERVICES}
    services["svc_tech"] = "是"
    firms = rng.randint(4, 40)
    level = "工信部企业函〔2019〕%d号" % rng.randint(100, 400) if p["level"] == "国家" else \
        "吉工信中小〔2020〕%d号" % rng.randint(50, 300)
    v = {
        "platform_name": p["name"], "uscc": uscc_for(area, 500000 + seq, "12" if public else "91"),
        "legal_person": "是",
        "intro": ("%s是%s认定的中小企业公共服务示范平台，面向全省专精特新“小巨人”企业提供技术创新、上市辅导、"
                  "知识产权和数字化改造等服务。近三年累计服务中小企业%d户次，其中国家级“小巨人”企业%d户。"
                  % (p["name"], "工业和信息化部" if p["level"] == "国家" else "吉林省工业和信息化厅", firms * 12, firms)),
        "profile": ("%s位于%s，集聚技术、资金和人才等创新资源，建有专家库和服务机构联盟。平台围绕“小巨人”企业的创新堵点，"
                    "提供点对点的技术创新、融资对接和知识产权服务，近三年服务国家级“小巨人”企业%d户。" % (p["name"], city, firms)),
        "cert_doc_no": level, "first_batch_funded": "否", "city": city,
        "contact_name": _person(rng), "contact_phone": _phone(rng),
        "served_firms": firms, "served_times": firms * rng.randint(2, 5),
        "evidence_contracts": firms, "evidence_invoices": firms * 2, "evidence_receipts": firms,
        "goal_y1_qual": "点对点服务重点“小巨人”企业，建立一企一策服务清单。",
        "goal_y1_quant": "2022年服务国家级“小巨人”企业%d户，开展服务%d次。" % (firms + 5, firms * 4),
        "goal_y2_qual": "集聚省内外创新资源，形成可复制的服务模式。",
        "goal_y2_quant": "2023年服务国家级“小巨人”企业%d户，帮助企业解决创新堵点%d个。" % (firms + 10, firms),
    }
    v.update(services)
    return samples.fill_required(spec.form("platform"), v, seq)


PLATFORM_MISTAKES = {
    "name_typo": ("平台名称与附件2不一致", lambda v, rng: v.update(platform_name=v["platform_name"].replace("有限", "", 1)
                                                              if "有限" in v["platform_name"] else v["platform_name"] + "分中心")),
    "funded": ("已获国家第一批资金支持", lambda v, rng: v.update(first_batch_funded="是")),
    "no_evidence": ("服务没有佐证资料", lambda v, rng: v.update(evidence_contracts=0, evidence_invoices=0, evidence_receipts=0)),
}

# --------------------------------------------------------------------------- hostile and stray files


def other_template_bytes():
    """A hand-made workbook that is not from our template (an 'unknown-template')."""
    import xlsxwriter  # late: only the extra sample files need XlsxWriter
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    wb.set_properties({"created": BASE_TIME})          # deterministic bytes
    ws = wb.add_worksheet("Sheet1")
    for r, row in enumerate((("企业名称", "长春某某科技有限公司"), ("联系人", "张三"), ("备注", "自制表格"))):
        ws.write_row(r, 0, row)
    wb.close()
    return buf.getvalue()


def old_version_bytes(data):
    """A filled workbook whose _meta says template_version 0 (an 'old-template-version')."""
    src = zipfile.ZipFile(io.BytesIO(data))
    meta_part = next(part for title, part, _ in ooxml.sheets(src) if title == "_meta")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == meta_part:
                body = ooxml.replace_cell(body.decode("utf-8"), "B2", 0).encode("utf-8")
            dst.writestr(info, body)
    return out.getvalue()


def lock_file_bytes(owner="zhangsan"):
    """What Excel leaves as ~$name.xlsx while a workbook is open: the owner's name, padded."""
    name = owner.encode("ascii")[:53]
    return bytes([len(name)]) + name.ljust(53, b" ") + b"\x00" * 111


STRAY_FILES = (   # (relative path, bytes, expected: skipped or rejected, what it is)
    ("推荐请示.docx", b"PK\x03\x04" + b"\x00" * 26 + b"word/document.xml", "skipped", "non-excel"),
    ("营业执照扫描件.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n", "skipped", "non-excel"),
    ("说明.txt", "请各地于7月26日前报送。\n".encode("utf-8"), "skipped", "non-excel"),
    ("Thumbs.db", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504, "skipped", "non-excel"),
)

# --------------------------------------------------------------------------- the tree


class Manifest(list):
    """Every file generated, as dicts: path, role, kind, values, mistake, expect, city."""

    def by_role(self, role):
        return [m for m in self if m["role"] == role]


def generate(root, seed=SEED, n_enterprises=36, n_platforms=5, mistake_share=0.35, extras=True):
    """Write the demo tree of filled workbooks under `root` (the folder to merge). Returns a Manifest."""
    rng = random.Random(seed)
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    templates = {k: template.build(k) for k in spec.KINDS}
    areas = _areas_by_city()
    cities = list(reference.cities())
    city_weights = [30, 14, 6, 4, 8, 5, 6, 4, 7]
    manifest = Manifest()
    taken = set()
    tick = [0]

    def when():
        """The next file's save time, 7 minutes after the one before."""
        tick[0] += 1
        return (BASE_TIME + _dt.timedelta(minutes=7 * (tick[0] - 1))).replace(tzinfo=_dt.timezone.utc)

    def put(rel, data, saved=None, **info):
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        t = (saved or when()).timestamp()
        os.utime(path, (t, t))
        info.update(path=str(path.resolve()), rel=str(rel), mtime=t)
        manifest.append(info)
        return info

    mistakes = list(ENTERPRISE_MISTAKES)
    # every class of mistake appears at least once when there are enough enterprises
    n_bad = round(n_enterprises * mistake_share)
    if mistake_share > 0:
        n_bad = max(n_bad, min(n_enterprises, len(mistakes)))
    bad_slots = set(rng.sample(range(n_enterprises), n_bad)) if n_enterprises else set()
    m_i = 0
    for i in range(n_enterprises):
        city = rng.choices(cities, city_weights)[0]
        area, area_name = rng.choice(areas[city])
        v = enterprise_values(rng, i + 1, city, area, area_name, taken)
        mistake = None
        if i in bad_slots:
            mistake = mistakes[m_i % len(mistakes)]
            m_i += 1
            ENTERPRISE_MISTAKES[mistake][1](v, rng)
        safe = re.sub(r'[\\/:*?"<>|]', "_", v["name"])
        saved = when()
        put(Path(city) / (safe + ".xlsx"), fill_bytes(templates["enterprise"], v, "enterprise", saved), saved,
            role="enterprise", kind="enterprise", values=v, mistake=mistake, expect="merged", city=city)
    pool = [p for p in reference.platforms()]
    rng.shuffle(pool)
    seen_names = set()
    chosen = []
    for p in pool:
        if len(chosen) >= n_platforms:
            break
        if p["name"] not in seen_names and not p["name"].endswith(reference.NATIONAL_MARK):
            seen_names.add(p["name"])
            chosen.append(p)
    pm = list(PLATFORM_MISTAKES)
    for i, p in enumerate(chosen):
        v = platform_values(rng, p, i + 1, taken)
        mistake = pm[i // 2 % len(pm)] if i % 2 == 1 else None
        if mistake:
            PLATFORM_MISTAKES[mistake][1](v, rng)
        safe = re.sub(r'[\\/:*?"<>|]', "_", p["name"])
        saved = when()
        put(Path(v["city"]) / ("平台-" + safe + ".xlsx"), fill_bytes(templates["platform"], v, "platform", saved),
            saved, role="platform", kind="platform", values=v, mistake=mistake, expect="merged", city=v["city"])
    if not extras or not n_enterprises:
        return manifest
    # a duplicate: an earlier draft of an enterprise, sent again later corrected (newest wins)
    first = manifest.by_role("enterprise")[0]
    draft = dict(first["values"], growth_last_base=-3.0, listing_plan_base="无")
    # the draft was saved a day before the corrected file, and its own saved time says so
    saved = _dt.datetime.fromtimestamp(first["mtime"] - 86400, _dt.timezone.utc)
    put(Path(first["city"]) / "初稿" / (Path(first["rel"]).stem + "（初稿）.xlsx"),
        fill_bytes(templates["enterprise"], draft, "enterprise", saved), saved,
        role="duplicate", kind="enterprise", values=draft, mistake="duplicate", expect="skipped", city=first["city"])
    # hostile files
    sample = manifest.by_role("enterprise")[-1]
    good = Path(sample["path"]).read_bytes()
    city = sample["city"]
    area, area_name = rng.choice(areas[city])
    old = fill_bytes(templates["enterprise"], enterprise_values(rng, n_enterprises + 1, city, area, area_name, taken),
                     "enterprise", SAVED)
    hostile = (
        ("损坏的申报表.xlsx", good[: len(good) * 3 // 5], "corrupt"),
        ("营业执照.xlsx", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 4, "not-a-workbook"),
        ("空白文件.xlsx", b"", "empty"),
        ("自制表格.xlsx", other_template_bytes(), "unknown-template"),
        ("旧版模板申报表.xlsx", old_version_bytes(old), "old-template-version"),
        ("另存为旧格式.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1016, "legacy-xls"),
    )
    for name, data, what in hostile:
        put(Path(city) / name, data, role="hostile", kind=None, values=None, mistake=what, expect="rejected", city=city)
    stem = Path(sample["rel"]).name
    put(Path(city) / ("~$" + stem), lock_file_bytes(), role="lock", kind=None, values=None, mistake="lock",
        expect="skipped", city=city)
    put(Path(city) / ("._" + stem), b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X        ", role="hidden", kind=None,
        values=None, mistake="hidden", expect="skipped", city=city)
    for rel, data, expect, what in STRAY_FILES:
        put(Path(city) / rel, data, role="other", kind=None, values=None, mistake=what, expect=expect, city=city)
    return manifest


# --------------------------------------------------------------------------- bulk (benchmark)


def _bulk_one(args):
    root, i, seed, tpl = args
    rng = random.Random(seed * 1000003 + i)
    areas = _areas_by_city()
    city = reference.cities()[i % 9]
    area, area_name = rng.choice(areas[city])
    v = enterprise_values(rng, i + 1, city, area, area_name, set())
    if rng.random() < 0.2:
        mistake = rng.choice(list(ENTERPRISE_MISTAKES))
        ENTERPRISE_MISTAKES[mistake][1](v, rng)
    path = Path(root) / city / ("%05d-%s.xlsx" % (i, re.sub(r'[\\/:*?"<>|]', "_", v["name"])))
    path.write_bytes(fill_bytes(tpl, v, "enterprise", SAVED))
    return str(path)


def generate_bulk(root, n, seed=SEED, processes=None):
    """n enterprise workbooks in city sub-folders (a fifth with one mistake each), in parallel."""
    from concurrent.futures import ProcessPoolExecutor  # late: only bulk generation uses a pool
    root = Path(root)
    for c in reference.cities():
        (root / c).mkdir(parents=True, exist_ok=True)
    tpl = template.build("enterprise")
    jobs = [(str(root), i, seed, tpl) for i in range(n)]
    with ProcessPoolExecutor(processes) as ex:
        return list(ex.map(_bulk_one, jobs, chunksize=64))


# --------------------------------------------------------------------------- the command


def prepare_dir(d):
    """Create DIR, or reuse one made by an earlier demo (its forms and templates are made anew, its
    summary re-merged); refuse a folder holding other things."""
    d = Path(d)
    if d.exists() and not d.is_dir():
        raise UsageError("%s 不是文件夹" % d)
    if d.exists() and any(d.iterdir()):
        if not (d / MARKER).exists():
            raise UsageError("文件夹 %s 已存在且不是演示文件夹；请指定一个新的或空的文件夹" % d)
        for sub in (INPUT_DIR, TEMPLATE_DIR):
            shutil.rmtree(d / sub, ignore_errors=True)
        # the summary stays: it may hold decisions typed into it, which the merge carries over
        # and whose file it keeps as a dated copy before replacing it
    d.mkdir(parents=True, exist_ok=True)
    (d / MARKER).write_text("sjtx-xl demo\n", encoding="utf-8")
    return d


def run_demo(d, seed=SEED):
    """Templates, generated filled forms and their summary in the folder `d` (emptied first);
    (folder, merge.MergeResult, Manifest). The command line shows it through render.demo_text."""
    from .merge import merge  # late: merge loads the summary writers (start-up time)
    from .template import write_templates
    d = prepare_dir(d)
    write_templates(d / TEMPLATE_DIR)
    manifest = generate(d / INPUT_DIR, seed=seed)
    result = merge(d / INPUT_DIR, output=d / SUMMARY_NAME, recursive=True)
    return d, result, manifest
