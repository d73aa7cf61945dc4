import csv
import math
from decimal import Decimal
from fractions import Fraction

import pytest

from sjtx_xl.reference import DATA_DIR
from sjtx_xl.size import classify, size_table, undetermined_divisions

# Thresholds typed from the text of 工信部联企业〔2011〕300号 第四条 (not read from the
# package data): (x_large, x_mid, x_small, y_large, y_mid, y_small, z_large, z_mid, z_small)
N = None
EXPECTED = {
    "农、林、牧、渔业": (N, N, N, 20000, 500, 50, N, N, N),
    "工业": (1000, 300, 20, 40000, 2000, 300, N, N, N),
    "建筑业": (N, N, N, 80000, 6000, 300, 80000, 5000, 300),
    "批发业": (200, 20, 5, 40000, 5000, 1000, N, N, N),
    "零售业": (300, 50, 10, 20000, 500, 100, N, N, N),
    "交通运输业": (1000, 300, 20, 30000, 3000, 200, N, N, N),
    "邮政业": (1000, 300, 20, 30000, 2000, 100, N, N, N),
    "住宿业": (300, 100, 10, 10000, 2000, 100, N, N, N),
    "餐饮业": (300, 100, 10, 10000, 2000, 100, N, N, N),
    "信息传输业": (2000, 100, 10, 100000, 1000, 100, N, N, N),
    "软件和信息技术服务业": (300, 100, 10, 10000, 1000, 50, N, N, N),
    "租赁和商务服务业": (300, 100, 10, N, N, N, 120000, 8000, 100),
    "其他未列明行业": (300, 100, 10, N, N, N, N, N, N),
}


def _codes(a, b):
    return [f"{i:02d}" for i in range(a, b + 1)]


# GB/T 4754-2017 大类 -> industry of the 2011 rule (as mapped by 国统字〔2017〕213号)
EXPECTED_GROUP = {}
for _c in _codes(1, 5):
    EXPECTED_GROUP[_c] = "农、林、牧、渔业"
for _c in _codes(6, 46):
    EXPECTED_GROUP[_c] = "工业"
for _c in _codes(47, 50):
    EXPECTED_GROUP[_c] = "建筑业"
EXPECTED_GROUP.update({"51": "批发业", "52": "零售业", "60": "邮政业", "61": "住宿业", "62": "餐饮业",
                       "63": "信息传输业", "64": "信息传输业", "65": "软件和信息技术服务业",
                       "71": "租赁和商务服务业", "72": "租赁和商务服务业"})
for _c in _codes(54, 58):
    EXPECTED_GROUP[_c] = "交通运输业"
for _c in _codes(73, 82) + _codes(85, 90):
    EXPECTED_GROUP[_c] = "其他未列明行业"

# 53 railway (excluded), 59 and 70 (split below 2 digits), 66-69 finance (own rule),
# 83/84 and 91-97 (not listed).
EXPECTED_UNDETERMINED = {"53", "59", "66", "67", "68", "69", "70", "83", "84"} | set(_codes(91, 97))


def test_table_shape():
    rows = size_table()
    assert [r.code for r in rows] == _codes(1, 97)
    assert all(len(r) == 11 for r in rows)
    assert set(EXPECTED_GROUP) | EXPECTED_UNDETERMINED == set(_codes(1, 97))
    assert not set(EXPECTED_GROUP) & EXPECTED_UNDETERMINED


def test_table_values_match_the_rule_text():
    for r in size_table():
        if r.code in EXPECTED_UNDETERMINED:
            assert r.group_name is None
            assert list(r[2:]) == [None] * 9, r
        else:
            assert r.group_name == EXPECTED_GROUP[r.code], r
            assert tuple(r[2:]) == EXPECTED[r.group_name], r


def test_undetermined_divisions_have_reasons():
    und = undetermined_divisions()
    assert set(und) == EXPECTED_UNDETERMINED
    assert "591" in und["59"] and "592" in und["59"]
    assert "7010" in und["70"] and "7020" in und["70"]
    assert all(isinstance(v, str) and v.startswith(k) for k, v in und.items())


def test_table_agrees_with_the_csv_copy():
    """The .csv and .json copies of the standard must say the same thing."""
    measure_col = {"从业人员X": 0, "营业收入Y": 3, "资产总额Z": 6}
    by_division = {}
    with open(DATA_DIR / "sme_size_standard_2011.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            scope = dict(part.split(":", 1) for part in row["GB/T4754-2017范围"].split(";"))
            for d in scope.get("divisions", "").split(","):
                if not d:
                    continue
                vals = by_division.setdefault(d, [None] * 9)
                i = measure_col[row["指标"]]
                vals[i:i + 3] = [int(row["中小微上限(低于即中小微)"]), int(row["中型下限(≥,且)"]),
                                 int(row["小型下限(≥,且)"])]
    table = {r.code: r for r in size_table()}
    for d, vals in by_division.items():
        assert tuple(table[d][2:]) == tuple(vals), d


# ----------------------------------------------------------------- 工业, boundaries


@pytest.mark.parametrize(
    "x, y, expected",
    [
        (1000, 40000, "大型"),
        (1000, 39999, "中型"),
        (999, 40000, "中型"),
        (999, 39999, "中型"),
        (300, 2000, "中型"),
        (299, 2000, "小型"),
        (300, 1999, "小型"),
        (5000, 1999, "小型"),  # any measure below the mid limit drops a class
        (20, 300, "小型"),
        (19, 300, "微型"),
        (20, 299, "微型"),
        (19, 10 ** 6, "微型"),  # any measure below the small limit -> 微型
        (10 ** 5, 299, "微型"),
        (0, 0, "微型"),
        (300.0, 2000.0, "中型"),
        (299.5, 2000, "小型"),
        (Decimal("1000"), Fraction(40000), "大型"),
    ],
)
@pytest.mark.parametrize("code", ["06", "35", "46"])
def test_industry_boundaries(code, x, y, expected):
    assert classify(code, x, y) == expected
    # assets are not used by 工业, so their value must not matter
    assert classify(code, x, y, 0) == expected
    assert classify(code, x, y, "n/a") == expected


# ----------------------------------------------------------------- a 2-measure service industry (65)


@pytest.mark.parametrize(
    "x, y, expected",
    [
        (300, 10000, "大型"),
        (299, 10000, "中型"),
        (300, 9999, "中型"),
        (100, 1000, "中型"),
        (99, 1000, "小型"),
        (100, 999, "小型"),
        (10, 50, "小型"),
        (9, 50, "微型"),
        (10, 49, "微型"),
    ],
)
def test_software_boundaries(x, y, expected):
    assert classify("65", x, y) == expected


def test_wholesale_differs_from_retail():
    # 25 people, 6000 万元: 批发 needs X>=20 & Y>=5000 for 中型; 零售 needs X>=50 for 中型
    assert classify("51", 25, 6000) == "中型"
    assert classify("52", 25, 6000) == "小型"


# ----------------------------------------------------------------- Z-using industries


@pytest.mark.parametrize(
    "y, z, expected",
    [
        (80000, 80000, "大型"),
        (80000, 79999, "中型"),
        (79999, 80000, "中型"),
        (6000, 5000, "中型"),
        (5999, 5000, "小型"),
        (6000, 4999, "小型"),
        (300, 300, "小型"),
        (299, 300, "微型"),
        (300, 299, "微型"),
    ],
)
@pytest.mark.parametrize("code", ["47", "50"])
def test_construction_boundaries(code, y, z, expected):
    # 建筑业 uses Y and Z; employees are ignored, even when missing
    assert classify(code, None, y, z) == expected
    assert classify(code, 10 ** 6, y, z) == expected


def test_construction_needs_assets():
    assert classify("48", 100, 6000, None) is None


@pytest.mark.parametrize(
    "x, z, expected",
    [
        (300, 120000, "大型"),
        (299, 120000, "中型"),
        (300, 119999, "中型"),
        (100, 8000, "中型"),
        (99, 8000, "小型"),
        (100, 7999, "小型"),
        (10, 100, "小型"),
        (9, 100, "微型"),
        (10, 99, "微型"),
    ],
)
def test_leasing_business_boundaries(x, z, expected):
    # 租赁和商务服务业 uses X and Z; revenue is ignored
    assert classify("72", x, None, z) == expected
    assert classify("71", x, 10 ** 9, z) == expected


# ----------------------------------------------------------------- single-measure industries


def test_agriculture_uses_revenue_only():
    assert classify("01", None, 20000) == "大型"
    assert classify("01", None, 19999) == "中型"
    assert classify("03", 10 ** 6, 500) == "中型"
    assert classify("05", 0, 499) == "小型"
    assert classify("02", None, 50) == "小型"
    assert classify("04", None, 49) == "微型"


def test_other_industries_use_employees_only():
    assert classify("73", 300, None) == "大型"
    assert classify("79", 299, None) == "中型"
    assert classify("85", 100, 0) == "中型"
    assert classify("90", 99, 10 ** 9) == "小型"
    assert classify("82", 10, None) == "小型"
    assert classify("76", 9, None) == "微型"


# ----------------------------------------------------------------- undetermined / invalid


@pytest.mark.parametrize("code", sorted(EXPECTED_UNDETERMINED))
def test_undetermined_divisions_give_none(code):
    assert classify(code, 10, 10, 10) is None
    assert classify(code, 10 ** 6, 10 ** 9, 10 ** 9) is None


@pytest.mark.parametrize("code", ["00", "98", "3", "351", "C", "", None, 35.0, True])
def test_unknown_division_gives_none(code):
    assert classify(code, 300, 2000, 5000) is None


def test_int_division_code():
    assert classify(35, 300, 2000) == "中型"
    assert classify(1, None, 500) == "中型"


@pytest.mark.parametrize("bad", [None, "300", "", True, math.nan, math.inf, [300]])
def test_missing_or_non_numeric_measure_gives_none(bad):
    assert classify("35", bad, 2000) is None
    assert classify("35", 300, bad) is None
    assert classify("72", bad, 0, 8000) is None


def test_formula_shape_matches_every_row():
    """classify == IF(AND(v>=L...),'大型',IF(AND(v>=M...),'中型',IF(AND(v>=S...),'小型','微型')))
    written out here directly over the table rows, for a grid of values around each limit."""
    for r in size_table():
        if r.group_name is None:
            continue
        limits = {m: (getattr(r, m + "_large"), getattr(r, m + "_mid"), getattr(r, m + "_small"))
                  for m in "xyz"}
        used = [m for m in "xyz" if limits[m][0] is not None]
        probes = sorted({v + d for m in used for v in limits[m] for d in (-1, 0)} | {0})
        for v in probes:
            vals = {m: v for m in "xyz"}
            for pick in range(3):  # vary one measure at a time around the other's limits
                if pick < len(used):
                    vals = {m: v for m in "xyz"}
                    for other in used:
                        if other != used[pick]:
                            vals[other] = limits[other][pick]
                big = all(vals[m] >= limits[m][0] for m in used)
                mid = all(vals[m] >= limits[m][1] for m in used)
                small = all(vals[m] >= limits[m][2] for m in used)
                want = "大型" if big else "中型" if mid else "小型" if small else "微型"
                assert classify(r.code, vals["x"], vals["y"], vals["z"]) == want, (r.code, vals)
