"""Normalisation: each case changes the value as the notice's filling rules intend, and each
change is reported as a `normalised` warning that names the original; anything ambiguous is kept
exactly as found (the field rule then rejects it)."""
import datetime as dt

import pytest

from sjtx_xl import spec
from sjtx_xl.read.normalise import normalise

E, P = spec.form("enterprise"), spec.form("platform")


def run(form, fid, raw, date_formatted=None):
    return normalise(form.field(fid), raw, form.lists, date_formatted)


CHANGED = [
    # (form, field, as found, expected value)
    (E, "name", "  吉林省某某科技有限公司 ", "吉林省某某科技有限公司"),
    (E, "name", "\u3000吉林省某某科技有限公司", "吉林省某某科技有限公司"),
    (E, "employees", "３００", 300),
    (E, "employees", "300人", 300),
    (E, "employees", " 1,200 人", 1200),
    (E, "reg_capital", "1,234.5", 1234.5),
    (E, "reg_capital", "5000万元", 5000),
    (E, "reg_capital", "１，０００万元", 1000),
    (E, "main_ratio_base", "30%", 30),
    (E, "main_ratio_base", "30％", 30),
    (E, "main_ratio_base", "85.5 %", 85.5),
    (E, "growth_last_base", "-12%", -12),
    (E, "patents_base", "3个", 3),
    (E, "quality_certs_base", "2项", 2),
    (E, "main_ratio_base", "85", 85),                      # a number typed as text
    (P, "served_firms", "12户", 12),
    (E, "uscc", "91110000600037341l", "91110000600037341L"),
    (E, "uscc", " 9111 0000 6000 3734 1L", "91110000600037341L"),
    (E, "uscc", "９１１１００００６０００３７３４１Ｌ", "91110000600037341L"),
    (E, "product_code", "３５０７０６００００", "3507060000"),
    (E, "product_code", 3507060000, "3507060000"),
    (E, "four_base", "√", "是"),
    (E, "four_base", "☑", "是"),
    (E, "four_base", "Y", "是"),
    (E, "four_base", "y", "是"),
    (E, "four_base", "N", "否"),
    (E, "four_base", "有", "是"),
    (E, "four_base", "无", "否"),
    (E, "four_base", "×", "否"),
    (E, "four_base", True, "是"),
    (E, "four_base", " 是 ", "是"),
    (P, "legal_person", "有", "是"),
    (E, "industry", "35", "35 专用设备制造业"),
    (E, "industry", 35, "35 专用设备制造业"),
    (E, "industry", "专用设备制造业", "35 专用设备制造业"),
    (E, "industry", "３５专用设备制造业", "35 专用设备制造业"),
    (E, "industry", "5", "05 农、林、牧、渔专业及辅助性活动"),
    (E, "reg_date", 42185, dt.date(2015, 6, 30)),          # a serial number shown as a number
    (E, "reg_date", "2015/6/30", dt.date(2015, 6, 30)),
    (E, "reg_date", "2015-06-30", dt.date(2015, 6, 30)),
    (E, "reg_date", "2015.6.30", dt.date(2015, 6, 30)),
    (E, "reg_date", "2015年6月30日", dt.date(2015, 6, 30)),
    (E, "reg_date", "20150630", dt.date(2015, 6, 30)),
    (E, "rd_institution_base", "国家级 ", "国家级"),
    (E, "batch", "第三批(正在公示)", "第三批（正在公示）"),
    (E, "product_names", "ＰＬＣ控制器", "PLC控制器"),
    (P, "platform_name", " " + spec.form("platform").lists["platforms"][0], spec.form("platform").lists["platforms"][0]),
    # issue 11: every one of these the 自检 normalises the same way (rules.FieldRule.steps)
    (E, "reg_capital", "1,200.5万元", 1200.5),
    (E, "reg_capital", "-1,234,567.25", -1234567.25),
    (E, "employees", "1,200人", 1200),
    (E, "employees", "\xa0300\u3000", 300),
    (E, "employees", "3\u200b00人", 300),
    (E, "employees", "1\t200", 1200),           # every SPACES character dropped, as " " in "1 200"
    (E, "employees", "+300", 300),
    (E, "employees", "300.", 300),
    (E, "main_ratio_base", ".5", 0.5),
    (E, "reg_date", 20100501, dt.date(2010, 5, 1)),            # typed in the date cell: a number
    (E, "reg_date", 42185.5, dt.date(2015, 6, 30)),            # a date and time
    (E, "reg_date", "2015-06-30 00:00", dt.date(2015, 6, 30)),
    (E, "reg_date", "2015-06-30T00:00:00.000", dt.date(2015, 6, 30)),
    (E, "reg_date", "2015 - 06 - 30", dt.date(2015, 6, 30)),
    (E, "reg_date", "2015 年 6 月 30 日", dt.date(2015, 6, 30)),
    (E, "reg_date", "\xa02015/6/30\u3000", dt.date(2015, 6, 30)),
    (E, "ownership", "民 营", "民营"),
    (E, "ownership", "\xa0民营", "民营"),
    (E, "four_base", "y es", "是"),
    (E, "four_base", "YES", "是"),
    (E, "four_base_item", "关键基础材料 、 先进基础工艺", "关键基础材料、先进基础工艺"),
    (E, "four_base_item", "关键基础材料\u3000", "关键基础材料"),
    (E, "industry", "35-专用设备制造业", "35 专用设备制造业"),
    (E, "industry", "35 专用设备制造业 ", "35 专用设备制造业"),
    (E, "industry", "专用 设备制造业", "35 专用设备制造业"),
    (E, "uscc", "9111\xa00000600037341L", "91110000600037341L"),
    (E, "uscc", "91110000－600037341L", "91110000600037341L"),
    (E, "product_code", "3507\xa0060000", "3507060000"),
    (E, "name", "某某科技有限公司\xa0", "某某科技有限公司"),
    (E, "product_names", "\u3000ＣＮＣ冲孔机床 ", "CNC冲孔机床"),
    (P, "platform_name", spec.form("platform").lists["platforms"][0][:3] + " " + spec.form("platform").lists["platforms"][0][3:],
     spec.form("platform").lists["platforms"][0]),
]


@pytest.mark.parametrize("form,fid,raw,expected", CHANGED, ids=["%s=%r" % (c[1], c[2]) for c in CHANGED])
def test_normalised_with_a_warning_naming_the_original(form, fid, raw, expected):
    value, notes = run(form, fid, raw)
    assert value == expected and type(value) is type(expected)
    assert len(notes) == 1
    n = notes[0]
    assert n.type == "normalised" and n.severity == "warning"
    shown = "TRUE" if raw is True else str(raw)
    assert n.value == shown and shown in n.message


KEPT = [
    # ambiguous or wrong: returned unchanged, no warning (the rule reports it)
    (E, "reg_capital", "100元"),               # another unit: not ours to convert
    (E, "employees", "约300"),
    (E, "employees", "3万"),
    (E, "main_ratio_base", "三十"),
    (E, "main_ratio_base", 0.3),               # a fraction: the share rule warns percent-fraction
    (E, "main_ratio_base", 101),
    (E, "listing_plan_base", "无"),            # 无 is a choice there, not 否
    (E, "rd_institution_base", "无"),          # not unambiguous (无研发机构?)
    (E, "four_base", "也许"),
    (E, "gap_fill", "无"),
    (E, "industry", "35 通用设备制造业"),      # code and name disagree
    (E, "industry", "仓储业"),                  # a 2011 name
    (E, "reg_date", "2015/13/01"),
    (E, "reg_date", "去年"),
    (E, "profile_management", "  开头有空格的简介  "),   # long texts are kept exactly
    (E, "name", "吉林省（长春）某某有限公司"),   # full-width brackets in names are kept
    (E, "uscc", "91110000600037341L"),
    (P, "platform_name", "吉林省中小企业公共服务平台（错误名称）"),
    (E, "product_names", "数控机床，精密轴承"),   # wrong separator is an error, not fixed
    # issue 11: what the 自检 keeps too
    (E, "reg_capital", "1-2"),                 # VALUE reads a date here (zh-CN): no number
    (E, "reg_capital", "1,2345"),              # not grouped by thousands
    (E, "reg_capital", "12,345."),
    (E, "reg_capital", ",123"),
    (E, "reg_capital", "+-5"),
    (E, "reg_capital", "10²"),                 # NFKC would read 102; ASC does not
    (E, "reg_capital", "万元"),
    (E, "employees", True),                    # TRUE typed in a number cell: no number
    (E, "reg_date", "2015年6-30"),             # 年月日 and -/. not mixed
    (E, "reg_date", "2015/6/30日"),
    (E, "reg_date", "20 15-06-30"),            # a space inside a number
    (E, "reg_date", "2015-06-30 00:01"),       # a time that is not midnight
    (E, "reg_date", "1800-01-01"),             # before Excel's dates
    (E, "reg_date", 20150632),
    (E, "ownership", "*"),                      # no wildcard
    (E, "ownership", "民?"),
    (E, "four_base_item", "关键基础材料，先进基础工艺"),
    (E, "industry", "35 专用设备制造业 x"),
]


@pytest.mark.parametrize("form,fid,raw", KEPT, ids=["%s=%r" % (c[1], c[2]) for c in KEPT])
def test_ambiguous_values_are_kept_exactly(form, fid, raw):
    value, notes = run(form, fid, raw)
    assert value == raw and type(value) is type(raw) and notes == []


def test_date_shown_as_date_needs_no_warning():
    value, notes = run(E, "reg_date", 42185, date_formatted=True)
    assert value == dt.date(2015, 6, 30) and notes == []


def test_whitespace_only_becomes_blank_with_a_warning():
    value, notes = run(E, "name", "   ")
    assert value is None and len(notes) == 1 and notes[0].type == "normalised"


def test_credit_code_stored_as_a_number_is_flagged():
    value, notes = run(E, "uscc", 911522010783710635)
    assert value == "911522010783710635" and notes[0].type == "normalised"


@pytest.mark.parametrize("fid,stored,read,noted", [
    ("main_ratio_base", 0.85, 85, True),     # a share shown as 85%
    ("main_ratio_base", 1, 100, True),       # "100%" typed: shown as 100%
    ("main_ratio_base", 85, 85, False),      # 85 typed later into the cell that kept the % format: shown as 85
    ("growth_last_base", 1.5, 150, True),    # a rate keeps the percent as shown: "150%" is 150
])
def test_a_number_in_a_percent_cell_is_read_as_the_template_shows_it(fid, stored, read, noted):
    got, notes = run(E, fid, stored, "percent")
    assert got == read and bool(notes) == noted


def test_the_lists_hold_what_the_selfcheck_twin_assumes():
    """rules.ChoiceRule and MultiChoiceRule compare keys (ASC, no SPACES, lower case): no list item holds
    a SPACES character but the one that separates 所属行业's code and name, and no two items share a key."""
    from sjtx_xl.read.normalise import SPACES, _key
    for form in (E, P):
        for name, items in form.lists.items():
            if name == "platform_levels":
                continue
            assert len({_key(i) for i in items}) == len(items), name
            for i in items:
                assert not set(SPACES) & set(i[3:] if name == "industry" else i), (name, i)
