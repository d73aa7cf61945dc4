"""企业规模 (大型/中型/小型/微型) per 中小企业划型标准规定 (工信部联企业〔2011〕300号).

Thresholds come from ``sjtx_xl/reference/data/sme_size_standard_2011.json`` (codes
mapped to GB/T 4754-2017 per 国统字〔2017〕213号).  Measures:

    x = 从业人员 (人)     y = 营业收入 (万元)     z = 资产总额 (万元)

The table has one row per GB/T 4754-2017 大类 '01'..'97', because the form
(附件5 所属行业) asks for the 2-digit 大类 only.

Divisions that get NO thresholds (group_name None, classification 'undetermined'):

  not covered by the 2011 rule at all
    53        铁路运输业 – explicitly excluded from 交通运输业 ("不含铁路运输业") and
              not listed under 其他未列明行业 either.
    66–69     金融业 – has its own rule (银发〔2015〕309号), different measures.
    83, 84    教育, 卫生 – not listed; 300号第五条 says other industries are sized
              "参照本规定" (commonly read as 其他未列明行业), but that wording was not
              verified and the choice is the applicant's/authority's, so we don't guess.
    91–97     公共管理、社会保障和社会组织, 国际组织 – not enterprises; not listed.
  split below the 2-digit level, so '59'/'70' alone cannot decide
    59        装卸搬运和仓储业: group 591 装卸搬运 is 交通运输业, groups 592–599 are 仓储业
              (different thresholds).
    70        房地产业: class 7010 房地产开发经营 (Y, Z), 7020 物业管理 (X, Y),
              7030/7090 其他未列明行业 (X), and 7040 自有房地产经营活动 excluded.

Everything else maps to exactly one industry of the JSON (01–05 农林牧渔, 06–46 工业,
47–50 建筑业, 51 批发, 52 零售, 54–58 交通运输, 60 邮政, 61 住宿, 62 餐饮, 63–64
信息传输, 65 软件和信息技术服务, 71–72 租赁和商务服务, 73–82 and 85–90 其他未列明行业).
The table is derived from the JSON (divisions / groups / classes / excluded
entries) rather than typed in, and the list above is asserted by the tests.
"""

from __future__ import annotations

import functools
import json
import math
import numbers
from decimal import Decimal
from typing import Dict, List, NamedTuple, Optional

from sjtx_xl.reference import DATA_DIR, divisions

LARGE, MEDIUM, SMALL, MICRO = "大型", "中型", "小型", "微型"

_MEASURES = (("x", "employees"), ("y", "revenue_wan"), ("z", "assets_wan"))


class SizeRow(NamedTuple):
    code: str
    group_name: Optional[str]
    x_large: Optional[int]
    x_mid: Optional[int]
    x_small: Optional[int]
    y_large: Optional[int]
    y_mid: Optional[int]
    y_small: Optional[int]
    z_large: Optional[int]
    z_mid: Optional[int]
    z_small: Optional[int]


@functools.lru_cache(maxsize=None)
def _standard() -> dict:
    return json.loads((DATA_DIR / "sme_size_standard_2011.json").read_text(encoding="utf-8"))


@functools.lru_cache(maxsize=None)
def _build():
    """-> (tuple of SizeRow, {code: reason} for the undetermined divisions)."""
    whole: Dict[str, List[dict]] = {}  # division -> industries listing the whole division
    partial: Dict[str, Dict[str, List[str]]] = {}  # division -> {industry: [sub-codes]}
    excluded: Dict[str, str] = {}  # 2-digit division explicitly excluded -> entry text
    for ind in _standard()["industries"]:
        scope = ind["gbt4754_2017"]
        for d in scope.get("divisions", []):
            whole.setdefault(d, []).append(ind)
        for sub in scope.get("groups", []) + scope.get("classes", []):
            partial.setdefault(sub[:2], {}).setdefault(ind["name"], []).append(sub)
        for ex in scope.get("excluded", []):
            # entries look like '53 铁路运输业' (a whole division left out) or
            # '7040 房地产租赁经营…' (a class left out, which splits its division)
            head = ex.split()[0]
            if len(head) == 2:
                excluded[head] = f"{ind['name']}明确不含该行业"
            else:
                partial.setdefault(head[:2], {}).setdefault("不适用", []).append(head)

    rows, undetermined = [], {}
    for code, name in divisions():
        inds = whole.get(code, [])
        if code in partial:
            parts = "；".join(f"{'、'.join(subs)} {who}" for who, subs in partial[code].items())
            undetermined[code] = f"{code} {name}：标准按更细的行业划分（{parts}），2位大类无法确定规模"
            inds = []
        elif len(inds) > 1:  # listed by two industries: data error, refuse to pick
            undetermined[code] = f"{code} {name}：划型标准数据中重复出现"
            inds = []
        elif not inds:
            why = excluded.get(code, "未列明该行业")
            undetermined[code] = f"{code} {name}：《中小企业划型标准规定》{why}"
        if not inds:
            rows.append(SizeRow(code, None, *([None] * 9)))
            continue
        ind = inds[0]
        values = []
        for _, key in _MEASURES:
            used = key in ind["indicators"]
            for level in ("large_min", "medium_min", "small_min"):
                values.append(ind[level][key] if used else None)
        rows.append(SizeRow(code, ind["name"], *values))
    return tuple(rows), undetermined


def size_table() -> List[SizeRow]:
    """One row per 大类 '01'..'97':
    (code, group_name, x_large, x_mid, x_small, y_large, y_mid, y_small,
    z_large, z_mid, z_small); limits are lower bounds (≥), None = measure unused.
    group_name None (all limits None) = undetermined division, see module doc.
    """
    return list(_build()[0])


def undetermined_divisions() -> Dict[str, str]:
    """{code: Chinese reason} for divisions whose size class cannot be decided."""
    return dict(_build()[1])


@functools.lru_cache(maxsize=None)
def _row_index() -> Dict[str, SizeRow]:
    return {row.code: row for row in _build()[0]}


def _number(v) -> Optional[float]:
    if isinstance(v, bool) or not isinstance(v, (numbers.Real, Decimal)):
        return None
    v = float(v)
    return None if math.isnan(v) or math.isinf(v) else v


def classify(division_code, employees, revenue_wan, assets_wan=None) -> Optional[str]:
    """'大型' / '中型' / '小型' / '微型', or None.

    None when the division is unknown or undetermined (see module doc), or a
    measure the industry uses is missing or not a number (strings are not
    converted: a text cell is not a number in Excel either).  Measures the
    industry does not use are ignored whatever their value.

    The logic is deliberately the shape of the Excel formula over the same
    size_table (one hidden lookup row per division; an unused measure's limits
    are blank, and a blank limit counts as TRUE)::

        large = AND(x >= XL, y >= YL, z >= ZL)    -- over the used measures only
        mid   = AND(x >= XM, y >= YM, z >= ZM)
        small = AND(x >= XS, y >= YS, z >= ZS)
        result = IF(large, "大型", IF(mid, "中型", IF(small, "小型", "微型")))

    which is the README's rule: 中小微 if ANY measure is below its large limit;
    中型/小型 only if EVERY measure reaches that class's lower limit; 微型 if any
    measure is below the 小型 limit.
    """
    if isinstance(division_code, int) and not isinstance(division_code, bool):
        division_code = f"{division_code:02d}"
    if not isinstance(division_code, str):
        return None
    row = _row_index().get(division_code.strip())
    if row is None or row.group_name is None:
        return None
    given = {"x": employees, "y": revenue_wan, "z": assets_wan}
    checks = []  # (value, large, mid, small) per used measure
    for m, _ in _MEASURES:
        large = getattr(row, f"{m}_large")
        if large is None:
            continue
        v = _number(given[m])
        if v is None:
            return None
        checks.append((v, large, getattr(row, f"{m}_mid"), getattr(row, f"{m}_small")))
    is_large = all(v >= l for v, l, _, _ in checks)
    is_mid = all(v >= m for v, _, m, _ in checks)
    is_small = all(v >= s for v, _, _, s in checks)
    return LARGE if is_large else MEDIUM if is_mid else SMALL if is_small else MICRO
