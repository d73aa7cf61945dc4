"""Complete, plausible value sets for each form, for tests, the demo and the benchmarks.

`complete(kind, seed)` returns {field id: value} that passes every field rule and every
condition of 三、申报条件; callers then spoil the fields they want to test.
"""
import datetime as _dt
import random

from . import reference, spec
from .rules import size_rows
from .uscc import uscc_generate

PRODUCTS = ("数控冲孔机床", "精密轴承", "汽车线束", "光学镜头", "中药提取设备", "玉米深加工装备", "碳纤维复合材料",
            "轨道客车座椅", "高压变频器", "医用敷料", "工业机器人减速器", "智能电表")
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何林罗高"
TOWNS = ("长春", "吉林", "四平", "辽源", "通化", "白山", "松原", "白城", "延边")


def _industrial_division(rng):
    rows = size_rows()
    return rng.choice([c for c in rows if "13" <= c <= "43"])


def typical(f, lists, seed=0):
    """A valid value of field `f` from its type alone: what any field gets unless a sample or the
    demo overrides it for realism. Each field draws from its own generator, so adding a field
    changes no other field's value."""
    rng = random.Random("%s-%s" % (f.id, seed))
    lo = f.min if f.min is not None else 0
    if f.type == "text":
        return (f.label + "示例")[: f.max_len]
    if f.type == "longtext":
        return ("%s：按通知要求如实填写的说明。" % f.label)[: f.max_len]
    if f.type == "int":
        return rng.randint(int(lo), int(lo) + 20)
    if f.type == "decimal":
        return round(rng.uniform(lo, lo + 5000), 1)
    if f.type == "share":
        return round(rng.uniform(5, 95), 1)
    if f.type == "rate":
        return round(rng.uniform(1, 30), 1)
    if f.type == "choice":
        return rng.choice(lists[f.choices])
    if f.type == "multichoice":
        return "、".join(rng.sample(lists[f.choices], 2))
    if f.type == "uscc":
        return uscc_generate("220102", rng.randrange(31 ** 6))
    if f.type == "date":
        return f.min + _dt.timedelta(days=rng.randrange((f.max - f.min).days + 1))
    if f.type == "product_code":
        return "".join(rng.choice("0123456789") for _ in range(10))
    if f.type == "product_name":
        return "、".join(rng.sample(PRODUCTS, 2))
    raise KeyError(f.type)


def fill_required(form, v, seed=0):
    """Give every field that is required now (required, or required_if met) and still blank its
    `typical` value: a field added to the spec is filled without any change here."""
    from .rules import required_now  # late: rules compiles the spec's formulas (start-up time)
    for f in form.fields:
        if v.get(f.id) is None and required_now(f, v):
            v[f.id] = typical(f, form.lists, seed)
    return v


def complete(kind, seed=0):
    """A full value set for `kind` that meets every condition (deterministic for a seed)."""
    rng = random.Random("%s-%s" % (kind, seed))
    if kind == "enterprise":
        return _enterprise(rng, seed)
    if kind == "platform":
        return _platform(rng, seed)
    raise KeyError(kind)


def _enterprise(rng, seed):
    form, th = spec.form("enterprise"), spec.thresholds.ENTERPRISE
    areas = [c for c in reference.jilin_areas() if not c.endswith("00")]
    area = rng.choice(areas)
    division = _industrial_division(rng)
    employees = rng.randint(20, 999)
    revenue = round(rng.uniform(300, 39000), 1)
    from .rules import SizeMatches  # late: rules compiles the spec's formulas (start-up time)
    sizer = next(c.rule for c in form.conditions if isinstance(c.rule, SizeMatches))
    product = rng.choice(PRODUCTS)
    v = {
        "name": "吉林省%s%s科技有限公司" % (rng.choice(TOWNS), product[:2] + str(seed)),
        "legal_rep": rng.choice(SURNAMES) + rng.choice("建国志强海涛丽华明辉"),
        "uscc": uscc_generate(area, seed),
        "employees": employees,
        "reg_date": _dt.date(rng.randint(1995, 2016), rng.randint(1, 12), rng.randint(1, 28)),
        "reg_capital": float(rng.choice((500, 1000, 2000, 5000))),
        "ownership": "民营",
        "industry": reference.division_label(division),
        "niche": product + "细分领域",
        "product_basis": "统计用产品分类目录",
        "product_code": "%s%s" % (division, "".join(rng.choice("0123456789") for _ in range(6))),
        "product_category": product,
        "product_names": "、".join(rng.sample(PRODUCTS, 2)),
        "product_new": "否",
        "four_base": "是",
        "four_base_item": form.lists["four_base"][0],
        "gap_fill": "填补国内空白",
        "gap_desc": "该产品填补国内空白，主要技术指标达到国际先进水平。",
        "shortboard": "否",
        "profile_management": "企业主营%s，深耕细分领域十余年，市场占有率居全国前列。" % product,
        "profile_products": "主导产品%s为行业龙头企业配套，参与制定行业标准。" % product,
        "profile_innovation": "拥有省级企业技术中心，研发投入占比持续高于5%。",
        "batch": rng.choice(spec.common.BATCHES),
        "advanced_desc": "%s关键性能指标达到国际先进水平，打破国外垄断。" % product,
        "city": rng.choice(spec.common.CITIES[:9]),
        "goal_y1_qual": "完成新一代%s研发并实现量产。" % product,
        "goal_y1_quant": "主营业务收入增长15%，新增发明专利2项。",
        "goal_y2_qual": "建成数字化车间，进入国际供应链。",
        "goal_y2_quant": "主营业务收入增长30%，出口额占比达到10%。",
        "contact_name": rng.choice(SURNAMES) + "经理",
        "contact_phone": "0431-8%07d" % rng.randint(0, 9999999),
        "revenue_2020": revenue,
        "rd_ratio_2019": round(rng.uniform(th["rd_ratio"], th["rd_ratio"] + 5), 2),
        "listing_status": "未上市",
        "first_batch_funded": "否",
        "ten_sector": form.lists["ten_sectors"][rng.randrange(10)],
        "key_tech": "是",
        "leader_collab": "否",
    }
    main_revenue = round(revenue * rng.uniform(0.75, 0.98), 1)
    # per-indicator overrides where realism or a condition of 三 needs them; others come from typical()
    base = {
        "main_revenue": main_revenue, "main_ratio": round(main_revenue / revenue * 100, 2),
        "export_ratio": round(rng.uniform(0, 20), 1), "foreign_certs": rng.randint(0, 3),
        "rd_ratio": round(rng.uniform(th["rd_ratio"], th["rd_ratio"] + 6), 2), "rd_staff_ratio": round(rng.uniform(8, 30), 1),
        "patents": rng.randint(th["patents"], th["patents"] + 10), "rd_institution": rng.choice(("国家级", "省部级", "其他")),
        "std_lead_intl_national": rng.randint(0, 2), "std_lead_industry": rng.randint(0, 3),
        "std_participate": rng.randint(1, 4), "awards": rng.randint(0, 3), "quality_certs": rng.randint(th["quality_certs"], th["quality_certs"] + 2),
        "intl_standard": "是", "info_systems": "是", "listing_plan": "无",
        "growth_last": round(rng.uniform(1, 30), 1), "growth_3y_revenue": round(rng.uniform(1, 25), 1),
        "growth_3y_profit": round(rng.uniform(-5, 30), 1),
    }
    for f in form.fields:
        if f.indicator and f.indicator in base:
            x = base[f.indicator]
            if f.period != "base" and isinstance(x, (int, float)) and f.type in ("decimal", "int"):
                x = type(x)(x * (1.1 if f.period == "y1" else 1.25)) if f.type == "decimal" else x + 1
            v[f.id] = x
    if base["main_ratio"] < th["main_ratio"]:
        base["main_ratio"] = v["main_ratio_base"] = th["main_ratio"] + 5
    v["size"] = sizer.computed(v)
    return fill_required(form, v, seed)


def _platform(rng, seed):
    names = spec.form("platform").lists["platforms"]
    v = {
        "platform_name": names[seed % len(names)],
        "uscc": uscc_generate("220104", 5000 + seed),
        "legal_person": "是",
        "intro": "平台聚集技术、资金和人才等创新资源，为“小巨人”企业提供点对点服务。",
        "profile": "平台成立于2012年，是国家级中小企业公共服务示范平台，集聚专家120人，年服务企业800余户。",
        "cert_doc_no": "吉工信中小〔2019〕%d号" % rng.randint(10, 300),
        "first_batch_funded": "否",
        "city": "长春市",
        "contact_name": rng.choice(SURNAMES) + "主任",
        "contact_phone": "0431-8%07d" % rng.randint(0, 9999999),
        "served_firms": rng.randint(5, 40),
        "evidence_contracts": rng.randint(5, 40),
        "evidence_invoices": rng.randint(5, 40),
        "evidence_receipts": rng.randint(5, 40),
        "goal_y1_qual": "为全省国家级“小巨人”企业提供点对点服务。",
        "goal_y1_quant": "服务“小巨人”企业30户、100次。",
        "goal_y2_qual": "形成可复制的服务模式。",
        "goal_y2_quant": "服务“小巨人”企业50户、200次。",
    }
    v["served_times"] = v["served_firms"] * rng.randint(1, 4)
    from .spec.platform import SERVICES  # late: only platform samples need the service list
    for fid, _ in SERVICES:
        v[fid] = rng.choice(("是", "否"))
    v[SERVICES[0][0]] = "是"
    return fill_required(spec.form("platform"), v, seed)
