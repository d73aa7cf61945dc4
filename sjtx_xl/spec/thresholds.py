"""The numbers of 三、申报条件, each named once.

Change a threshold HERE and nothing else: the 自检 formula (rules.AtLeast/SumAtLeast compile it),
the Python check (the same rule objects evaluate it), the 自检 and summary texts and the form's
own labels (spec texts are written with {name} placeholders filled from these dicts when the spec
is built) all follow. tests/test_spec_change.py changes `main_ratio` and checks all four.
"""

ENTERPRISE = {
    "main_ratio": 70,        # 三(一)3 主营业务收入占营业收入比重 ≥ 70%
    "rd_ratio": 4,           # 三(一)4 研发经费支出占营业收入比重 2019、2020年每年 ≥ 4%
    "patents": 2,            # 三(一)4 有效发明专利 ≥ 2项
    "standards": 1,          # 三(一)4 主持/参与制（修）订标准 ≥ 1项
    "quality_certs": 1,      # 三(一)4 质量管理体系认证 ≥ 1项
    "growth": 0,             # 三(一)4 上年主营业务收入增长率 > 0
}

PLATFORM = {
    "served_firms": 1,       # 四(二)4 已服务国家级“小巨人”企业 ≥ 1户
    "served_times": 1,       # ≥ 1次
    "evidence": 1,           # 合同、发票、收款证明合计 ≥ 1份
}


def fill(text, values):
    """`text` with its {name} placeholders replaced by threshold values (no other braces allowed)."""
    return text.format_map(values)
