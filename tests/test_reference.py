import pytest

from sjtx_xl import reference as ref


def test_divisions():
    d = ref.divisions()
    assert len(d) == 97
    assert [c for c, _ in d] == [f"{i:02d}" for i in range(1, 98)]
    names = dict(d)
    assert names["01"] == "农业"
    assert names["35"] == "专用设备制造业"
    assert names["79"] == "土地管理业"  # new in 2017; 2011 codes from 79 up shifted
    assert names["83"] == "教育"
    assert names["97"] == "国际组织"
    assert len(set(names.values())) == 97


def test_division_label_and_choices():
    assert ref.division_label("35") == "35 专用设备制造业"
    with pytest.raises(KeyError):
        ref.division_label("98")
    choices = ref.industry_choices()
    assert len(choices) == 97
    assert choices[0] == "01 农业"
    assert choices[34] == "35 专用设备制造业"
    assert choices[-1] == "97 国际组织"


def test_loaders_return_copies():
    ref.divisions().clear()
    ref.platforms()[0]["name"] = "x"
    ref.jilin_areas().clear()
    assert len(ref.divisions()) == 97
    assert ref.platforms()[0]["name"] != "x"
    assert ref.jilin_areas()


@pytest.mark.parametrize(
    "text, code, how",
    [
        ("35 专用设备制造业", "35", "exact"),
        ("35专用设备制造业", "35", "exact"),
        ("  35   专用设备制造业 ", "35", "exact"),
        ("３５　专用设备制造业", "35", "exact"),
        ("35-专用设备制造业", "35", "exact"),
        ("05 农、林、牧、渔专业及辅助性活动", "05", "exact"),
        ("35", "35", "code-only"),
        ("３５", "35", "code-only"),
        (" 35 ", "35", "code-only"),
        ("01", "01", "code-only"),
        ("5", "05", "code-only"),
        (35, "35", "code-only"),
        (35.0, "35", "code-only"),
        (5, "05", "code-only"),
        ("专用设备制造业", "35", "name-only"),
        (" 专用设备 制造业", "35", "name-only"),
        ("国际组织", "97", "name-only"),
        ("装卸搬运和仓储业", "59", "name-only"),
    ],
)
def test_parse_industry_accepts(text, code, how):
    assert ref.parse_industry(text) == (code, how)
    m = ref.parse_industry(text)
    assert m.code == code and m.how == how


@pytest.mark.parametrize(
    "text",
    [
        None, "", "   ", "00", "98", "0", "351", "3511", "3511 专用设备制造业",
        "35 通用设备制造业",  # code and name disagree
        "35 专用设备",  # truncated name
        "专用设备",
        "仓储业",  # 2011 name of 59: not a 2017 name
        "制造业",  # a 门类, not a 大类
        35.5, -5, True, 135,
    ],
)
def test_parse_industry_rejects(text):
    assert ref.parse_industry(text) is None


def test_sections():
    s = ref.sections()
    assert len(s) == 20
    assert [x.letter for x in s] == list("ABCDEFGHIJKLMNOPQRST")
    assert s[2].name == "制造业" and (s[2].first, s[2].last) == ("13", "43")
    assert (s[10].letter, s[10].first, s[10].last) == ("K", "70", "70")


@pytest.mark.parametrize(
    "code, letter",
    [("01", "A"), ("05", "A"), ("06", "B"), ("13", "C"), ("35", "C"), ("43", "C"), ("44", "D"),
     ("47", "E"), ("59", "G"), ("65", "I"), ("70", "K"), ("79", "N"), ("83", "P"), ("84", "Q"),
     ("97", "T"), ("98", None), ("3", None)],
)
def test_section_of(code, letter):
    assert ref.section_of(code) == letter


def test_section_ranges_agree_with_divisions():
    for sec in ref.sections():
        inside = [c for c, _ in ref.divisions() if sec.first <= c <= sec.last]
        assert inside and all(ref.section_of(c) == sec.letter for c in inside), sec


def test_platforms():
    p = ref.platforms()
    assert len(p) == 39
    national = [x for x in p if x["level"] == "国家"]
    provincial = [x for x in p if x["level"] == "省级"]
    assert len(national) == 10 and len(provincial) == 29
    assert [x["seq"] for x in national] == list(range(1, 11))
    assert [x["seq"] for x in provincial] == list(range(1, 30))
    assert set(p[0]) == {"level", "seq", "region", "name"}
    assert national[5]["name"] == "吉林省中小企业公共服务平台"
    names = ref.platform_names()
    assert len(names) == 39 and names[0] == "长春市中小企业人才创业指导中心"


@pytest.mark.parametrize(
    "given, expected",
    [
        ("吉林省中小企业公共服务平台", "吉林省中小企业公共服务平台"),
        (" 吉林省中小企业公共服务平台 ", "吉林省中小企业公共服务平台"),
        ("北京盈科（长春）律师事务所", "北京盈科（长春）律所事务所"),  # notice's own typo
        ("北京盈科(长春)律所事务所", "北京盈科（长春）律所事务所"),  # half-width brackets
        ("吉林市中小企业服务中", "吉林市中小企业服务中心"),
        ("四平市热交换产品质量检验中心", "四平市热交换产品质量检验中心"),
    ],
)
def test_suggest_platform(given, expected):
    assert ref.suggest_platform(given) == expected


@pytest.mark.parametrize("given", ["", "   ", None, "腾讯科技（深圳）有限公司", "abc"])
def test_suggest_platform_none(given):
    assert ref.suggest_platform(given) is None


def test_four_foundations_and_ten_sectors():
    ff = ref.four_foundations()
    assert len(ff) == 4
    assert set(ff) == {"核心基础零部件（元器件）", "先进基础工艺", "关键基础材料", "产业技术基础"}
    # 附件5 of the notice prints them in this order
    assert ref.four_foundations(as_in_notice=True) == [
        "核心基础零部件（元器件）", "关键基础材料", "先进基础工艺", "产业技术基础"]
    ts = ref.ten_sectors()
    assert len(ts) == 10 and len(set(ts)) == 10
    assert ts[0] == "新一代信息技术产业"
    assert "生物医药及高性能医疗器械" in ts and "农机装备" in ts


def test_cities():
    assert ref.cities() == ["长春市", "吉林市", "四平市", "辽源市", "通化市", "白山市", "松原市",
                            "白城市", "延边朝鲜族自治州"]


def test_jilin_areas():
    a = ref.jilin_areas()
    assert a["220000"] == ("吉林省", None)
    assert a["220100"] == ("长春市", "长春市")
    assert a["220102"] == ("南关区", "长春市")
    assert a["222401"] == ("延吉市", "延边朝鲜族自治州")
    assert a["220184"] == ("公主岭市", "长春市")
    assert all(code.startswith("22") and len(code) == 6 for code in a)
    assert {city for _, city in a.values() if city} == set(ref.cities())


@pytest.mark.parametrize(
    "code, city",
    [
        ("220102", "长春市"),
        ("220100", "长春市"),
        ("220173", "长春市"),
        ("220202", "吉林市"),
        ("220382", "四平市"),
        ("220681", "白山市"),
        ("222401", "延边朝鲜族自治州"),
        ("222426", "延边朝鲜族自治州"),
        ("２２０１０２", "长春市"),
        ("220199", "长春市"),  # unlisted county code: by 22XX prefix
        ("220000", None),  # province level
        ("220900", None),  # no such city
        ("222500", None),
        ("229901", None),
        ("110101", None),  # 北京
        ("22010", None),
        ("2201020", None),
        ("", None),
        (None, None),
        (220102, None),
    ],
)
def test_city_of_area(code, city):
    assert ref.city_of_area(code) == city


def test_data_dir_is_inside_the_package():
    assert ref.DATA_DIR.parent.name == "reference"
    assert ref.DATA_DIR.parent.parent.name == "sjtx_xl"
    assert (ref.DATA_DIR / "SOURCES.md").is_file()
