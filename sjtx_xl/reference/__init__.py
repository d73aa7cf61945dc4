"""Reference facts shipped with the package (pure stdlib, read once, cached).

Every loader reads a file in ``sjtx_xl/reference/data/`` (sources: ``data/SOURCES.md``)
and caches the result with :func:`functools.lru_cache`.  Loaders return fresh
lists/dicts built from cached tuples, so callers may mutate what they get back.

Industry (GB/T 4754-2017 大类):
    divisions(), division_label(code), industry_choices(), parse_industry(value),
    sections(), section_of(code)
附件2 platforms:
    platforms(), platform_names(), suggest_platform(name)
Policy lists:
    four_foundations(as_in_notice=False), ten_sectors()
吉林 administrative divisions (positions 3–8 of a credit code):
    jilin_areas(), city_of_area(code6), cities()
"""

from __future__ import annotations

import csv
import difflib
import functools
import io
import json
import re
import unicodedata
from pathlib import Path
from typing import Dict, List, NamedTuple, Optional, Tuple

DATA_DIR = Path(__file__).resolve().parent / "data"


def _read_text(name: str) -> str:
    # utf-8-sig: tolerate a BOM if someone re-saves a CSV from Excel.
    return (DATA_DIR / name).read_text(encoding="utf-8-sig")


def _read_csv(name: str) -> List[List[str]]:
    rows = list(csv.reader(io.StringIO(_read_text(name))))
    return [r for r in rows[1:] if r and any(c.strip() for c in r)]  # drop header and blank lines


def _nfkc(text: str) -> str:
    """Full-width digits/letters/space/parentheses -> ASCII; then strip."""
    return unicodedata.normalize("NFKC", text).strip()


def _squeeze(text: str) -> str:
    """NFKC and remove all whitespace (used to compare names loosely)."""
    return re.sub(r"\s+", "", _nfkc(text))


# --------------------------------------------------------------------------- industry


@functools.lru_cache(maxsize=None)
def _divisions() -> Tuple[Tuple[str, str, str], ...]:
    """(section letter, code, name) for the 97 大类, in file order."""
    out = []
    for row in _read_csv("gbt4754_2017_divisions.csv"):
        section, code, name = (c.strip() for c in row[:3])
        out.append((section, code, name))
    return tuple(out)


@functools.lru_cache(maxsize=None)
def _division_map() -> Dict[str, str]:
    return {code: name for _, code, name in _divisions()}


def divisions() -> List[Tuple[str, str]]:
    """The 97 GB/T 4754-2017 大类 as ``[(code, name), ...]``, codes '01'..'97'."""
    return [(code, name) for _, code, name in _divisions()]


def division_label(code: str) -> str:
    """'35' -> '35 专用设备制造业'.  Raises KeyError for an unknown code."""
    return f"{code} {_division_map()[code]}"


def industry_choices() -> List[str]:
    """Labels for a drop-down, in code order: ['01 农业', ..., '97 国际组织']."""
    return [division_label(code) for _, code, _ in _divisions()]


class IndustryMatch(NamedTuple):
    """Result of :func:`parse_industry`.

    how:
      'exact'     – code and name both given and consistent ('35 专用设备制造业',
                    '35专用设备制造业', '３５　专用设备制造业');
      'code-only' – only a code ('35', '３５', 35, 35.0, or '5' padded to '05');
      'name-only' – only the 2017 name ('专用设备制造业').
    'exact' does not mean the text is byte-identical to the canonical label; a
    normaliser that wants to warn about spacing/width compares with
    ``division_label(code)`` itself.
    """

    code: str
    how: str


# code, then an optional separator, then the rest (possibly empty)
_LEADING_CODE = re.compile(r"^(\d{1,2})(?!\d)\s*[-–—:.、_|]?\s*(.*)$")


@functools.lru_cache(maxsize=None)
def _name_index() -> Dict[str, str]:
    return {_squeeze(name): code for _, code, name in _divisions()}


def parse_industry(value) -> Optional[IndustryMatch]:
    """Recognise a 大类 given as code, label or name.  None if not recognised.

    Accepted: '35', '35 专用设备制造业', '35专用设备制造业', '专用设备制造业',
    full-width '３５', and numbers from a spreadsheet cell (35, 35.0).  A one-digit
    code ('5' or 5, a spreadsheet having dropped the leading zero) is padded to
    '05' and reported as 'code-only'.

    Rejected (None): unknown codes ('00', '98'), 3/4-digit codes ('351', '3511':
    the form asks for the 2-digit 大类), names that are not 2017 大类 names
    (2011 names like '仓储业' are NOT mapped – their codes shifted), and a code
    whose name contradicts it ('35 通用设备制造业').
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        if value != value or int(value) != value:  # NaN or non-integer
            return None
        text = str(int(value))
    elif isinstance(value, str):
        text = value
    else:
        return None
    text = _nfkc(text)
    if not text:
        return None
    known = _division_map()
    m = _LEADING_CODE.match(text)
    if m:
        code, rest = m.group(1).zfill(2), _squeeze(m.group(2))
        if code not in known:
            return None
        if not rest:
            return IndustryMatch(code, "code-only")
        if rest == _squeeze(known[code]):
            return IndustryMatch(code, "exact")
        return None  # code and name disagree, or trailing junk
    if text[:1].isdigit():
        return None  # e.g. '3511 ...' – not a 2-digit code
    code = _name_index().get(_squeeze(text))
    if code is None:
        return None
    return IndustryMatch(code, "name-only")


class Section(NamedTuple):
    letter: str  # 'A'..'T'
    name: str  # '制造业'
    first: str  # first division code, '13'
    last: str  # last division code, '43'


@functools.lru_cache(maxsize=None)
def _sections() -> Tuple[Section, ...]:
    out = []
    for row in _read_csv("gbt4754_2017_sections.csv"):
        letter, name, rng = (c.strip() for c in row[:3])
        first, _, last = rng.partition("-")
        out.append(Section(letter, name, first, last or first))
    return tuple(out)


def sections() -> List[Section]:
    """The 20 门类 A–T: ``[Section(letter, name, first, last), ...]``."""
    return list(_sections())


def section_of(code: str) -> Optional[str]:
    """Section letter of a 2-digit division code ('35' -> 'C'); None if unknown."""
    for section, c, _ in _divisions():
        if c == code:
            return section
    return None


# --------------------------------------------------------------------------- platforms (附件2)


@functools.lru_cache(maxsize=None)
def _platforms() -> Tuple[Tuple[str, int, str, str], ...]:
    out = []
    for row in _read_csv("platforms_annex2.csv"):
        level, seq, region, name = (c.strip() for c in row[:4])
        out.append((level, int(seq), region, name))
    return tuple(out)


def platforms() -> List[dict]:
    """附件2 as printed: dicts with keys level ('国家'/'省级'), seq, region, name.

    Printed as-is, including the notice's own typos and the provincial entries
    that repeat a national one with a '（国家）' suffix.
    """
    return [dict(level=l, seq=s, region=r, name=n) for l, s, r, n in _platforms()]


def platform_names() -> List[str]:
    """All names in 附件2 order (national first), duplicates across levels kept."""
    return [n for _, _, _, n in _platforms()]


NATIONAL_MARK = "（国家）"


def platform_choices() -> List[Tuple[str, str]]:
    """[(name, level)] to pick from: each 附件2 name once, exactly as published but without the
    '（国家）' mark of a provincial entry that is also national; level '国家级', '省级' or '国家级、省级'."""
    levels: Dict[str, set] = {}
    for level, _, _, name in _platforms():
        if name.endswith(NATIONAL_MARK):
            name = name[: -len(NATIONAL_MARK)]
            levels.setdefault(name, set()).update(("国家", "省级"))
        else:
            levels.setdefault(name, set()).add(level)
    text = {frozenset(("国家",)): "国家级", frozenset(("省级",)): "省级", frozenset(("国家", "省级")): "国家级、省级"}
    return [(name, text[frozenset(lv)]) for name, lv in levels.items()]


def suggest_platform(name: str, cutoff: float = 0.6) -> Optional[str]:
    """Best close match among :func:`platform_names` (difflib), or None.

    Comparison ignores whitespace and full/half-width differences; the canonical
    printed name is returned.
    """
    if not isinstance(name, str) or not name.strip():
        return None
    keys: Dict[str, str] = {}
    for n in platform_names():
        keys.setdefault(_squeeze(n), n)
    hit = difflib.get_close_matches(_squeeze(name), list(keys), n=1, cutoff=cutoff)
    return keys[hit[0]] if hit else None


# --------------------------------------------------------------------------- policy lists


@functools.lru_cache(maxsize=None)
def _policy_json() -> dict:
    return json.loads(_read_text("four_foundations_and_ten_sectors.json"))


def _policy_items(prefix: str) -> List[str]:
    for key, value in _policy_json().items():
        if key.startswith(prefix):
            return list(value["items"])
    raise KeyError(prefix)


# 附件5 of the notice prints the checkboxes in this order (same four items).
_FOUR_FOUNDATIONS_NOTICE_ORDER = (
    "核心基础零部件（元器件）",
    "关键基础材料",
    "先进基础工艺",
    "产业技术基础",
)


def four_foundations(as_in_notice: bool = False) -> List[str]:
    """工业"四基" (2021 wording).

    Default order is the 《中国制造2025》 one stored in the data file; with
    ``as_in_notice=True`` the order of the 附件5 checkboxes (核心基础零部件（元器件）,
    关键基础材料, 先进基础工艺, 产业技术基础).  The items are the same either way.
    """
    items = _policy_items("industrial_four_foundations")
    if as_in_notice:
        if sorted(items) != sorted(_FOUR_FOUNDATIONS_NOTICE_ORDER):
            raise ValueError("four_foundations data no longer matches the notice's 附件5 items")
        return list(_FOUR_FOUNDATIONS_NOTICE_ORDER)
    return items


def ten_sectors() -> List[str]:
    """制造强国战略十大重点产业领域, in the 《中国制造2025》 order."""
    return _policy_items("manufacturing_power_ten_key_sectors")


# --------------------------------------------------------------------------- 吉林 areas


@functools.lru_cache(maxsize=None)
def _areas() -> Tuple[Tuple[str, str, Optional[str]], ...]:
    """(code, name, city name or None) in file order."""
    rows = [tuple(c.strip() for c in r[:3]) for r in _read_csv("jilin_admin_codes.csv")]
    city_by_prefix = {code[:4]: name for code, name, kind in rows if kind == "city"}
    out = []
    for code, name, kind in rows:
        if kind == "province":
            city = None
        elif kind == "city":
            city = name
        else:  # a 4-digit parent-city prefix such as '2201'
            city = city_by_prefix[kind]
        out.append((code, name, city))
    return tuple(out)


@functools.lru_cache(maxsize=None)
def _city_by_prefix() -> Dict[str, str]:
    return {code[:4]: name for code, name, city in _areas() if city == name}


def jilin_areas() -> Dict[str, Tuple[str, Optional[str]]]:
    """code -> (name, city name); cities map to themselves, 220000 吉林省 to None."""
    return {code: (name, city) for code, name, city in _areas()}


def cities() -> List[str]:
    """The 9 市州 of 吉林省 in code order (长春市 … 延边朝鲜族自治州)."""
    return [name for code, name, city in _areas() if city == name]


def city_of_area(code6: str) -> Optional[str]:
    """市州 name for a 6-digit 吉林 area code, else None.

    '220102' -> '长春市'; '222401' -> '延边朝鲜族自治州'; '220000' -> None
    (province level: no city); non-吉林 or malformed -> None.

    A 22XXYY code that is not in the list but whose 22XX prefix is a 市州 still
    maps to that 市州: a credit code keeps the area code of its first
    registration, so retired county codes live on in valid codes.  Caveat: that
    prefix rule follows today's city of the *prefix*; a county that changed city
    (e.g. 公主岭, formerly under 四平 with a 2203xx code) resolves to the old city.
    """
    if not isinstance(code6, str):
        return None
    code6 = _nfkc(code6)
    if not re.fullmatch(r"22\d{4}", code6):
        return None
    hit = jilin_areas().get(code6)
    if hit is not None:
        return hit[1]
    return _city_by_prefix().get(code6[:4])
