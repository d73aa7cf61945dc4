"""统一社会信用代码 (GB 32100-2015): structure and check character.

Layout (18 characters)::

    1      登记管理部门码 (authority)
    2      机构类别码 (organisation type)
    3–8    administrative-division code of the registering authority
    9–17   组织机构代码 (organisation code)
    18     check character

This module checks the code *as given*: it does not strip spaces or upper-case
(normalisation happens elsewhere), so a lowercase letter is reported as
'uscc-charset'.  The check digit of the embedded 组织机构代码 (GB 11714, position
17) is not verified: published validators don't, and it is not needed to catch
typing errors, which the position-18 check already does.
"""

from __future__ import annotations

from typing import NamedTuple, Optional

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # value = index, 0..30; no I, O, Z, S, V
_VALUE = {c: i for i, c in enumerate(CHARSET)}
WEIGHTS = tuple(pow(3, i - 1, 31) for i in range(1, 18))  # 1, 3, 9, 27, 19, 26, ..., 28

# 登记管理部门码 -> allowed 机构类别码.
# Pairs for 1, 5, 9 and Y are the ones recorded in the project's reference notes
# (sjtx_xl/reference/data/SOURCES.md).  For the other authorities (2 3 4 6 7 8 A N)
# the notes only say they "exist with their own type codes": we have not read the
# standard's annex for them, and public sources even disagree on what those
# authorities are, so we are deliberately lenient and accept any type digit 1–9.
# A code from one of those authorities is never an enterprise anyway (enterprises
# are 91…); the point is only not to reject a real code we cannot verify.
_STRICT_TYPES = {
    "1": "1239",  # 机构编制: 机关, 事业单位, 编办管理的群众团体, 其他
    "5": "1239",  # 民政: 社会团体, 民办非企业单位, 基金会, 其他
    "9": "123",  # 工商: 企业, 个体工商户, 农民专业合作社
    "Y": "1",  # 其他
}
_LENIENT_AUTHORITIES = "234678AN"
_LENIENT_TYPES = "123456789"


class USCCResult(NamedTuple):
    ok: bool
    reason_type: Optional[str] = None  # 'uscc-length' | 'uscc-charset' | 'uscc-authority' | 'uscc-check-char'
    message: Optional[str] = None  # Chinese, for the user
    expected_char: Optional[str] = None  # the correct check character, when it can be computed


def _check_value(code17: str) -> int:
    total = sum(_VALUE[c] * w for c, w in zip(code17, WEIGHTS))
    return (31 - total % 31) % 31  # 31 -> 0


def check_char(code17: str) -> str:
    """The check character (position 18) for the first 17 characters.

    Raises ValueError if ``code17`` is not 17 characters from CHARSET.
    """
    if not isinstance(code17, str) or len(code17) != 17:
        raise ValueError("check_char needs exactly 17 characters")
    bad = [c for c in code17 if c not in _VALUE]
    if bad:
        raise ValueError(f"characters outside the USCC character set: {''.join(bad)!r}")
    return CHARSET[_check_value(code17)]


def _authority_ok(code: str) -> bool:
    authority, kind = code[0], code[1]
    if authority in _STRICT_TYPES:
        return kind in _STRICT_TYPES[authority]
    if authority in _LENIENT_AUTHORITIES:
        return kind in _LENIENT_TYPES
    return False


def check_uscc(code) -> USCCResult:
    """Check a code; reasons are tested in this order:

    'uscc-length'     not exactly 18 characters (or not a string)
    'uscc-charset'    a character outside CHARSET (lowercase included)
    'uscc-authority'  first two characters are not a known authority/type pair
    'uscc-check-char' position 18 is wrong; ``expected_char`` holds the right one
    """
    if not isinstance(code, str) or len(code) != 18:
        got = f"，实际为{len(code)}位" if isinstance(code, str) else ""
        return USCCResult(False, "uscc-length", f"统一社会信用代码应为18位{got}")
    bad = sorted({c for c in code if c not in _VALUE}, key=code.index)
    if bad:
        shown = "、".join(bad)
        hint = "（字母须大写；不使用I、O、Z、S、V）"
        return USCCResult(False, "uscc-charset", f"统一社会信用代码含有不允许的字符：{shown}{hint}")
    if not _authority_ok(code):
        return USCCResult(
            False,
            "uscc-authority",
            f"统一社会信用代码前两位“{code[:2]}”不是有效的登记管理部门码/机构类别码组合"
            "（企业应为91）",
        )
    expected = check_char(code[:17])
    if code[17] != expected:
        return USCCResult(
            False,
            "uscc-check-char",
            f"统一社会信用代码校验位错误：第18位应为“{expected}”，实际为“{code[17]}”",
            expected,
        )
    return USCCResult(True, None, None, expected)


def area_code(code: str) -> str:
    """Positions 3–8: the administrative-division code ('91220102…' -> '220102')."""
    return code[2:8]


def uscc_generate(area: str = "220102", seq: int = 0) -> str:
    """A valid 91 (企业) code for test/demo data; deterministic in (area, seq).

    Layout: '9' + '1' + area (6 digits) + 9-character organisation code + check char.
    The organisation code is 'MA' (the prefix of organisation codes issued with
    credit codes since 2015) followed by ``seq`` written in base 31 over CHARSET,
    zero-padded to 7 characters, so distinct seq values give distinct codes.
    """
    if not (isinstance(area, str) and len(area) == 6 and area.isdigit() and area.isascii()):
        raise ValueError("area must be a 6-digit administrative-division code")
    if isinstance(seq, bool) or not isinstance(seq, int) or not 0 <= seq < 31 ** 7:
        raise ValueError("seq must be an int in 0 .. 31**7 - 1")
    digits = []
    n = seq
    for _ in range(7):
        n, r = divmod(n, 31)
        digits.append(CHARSET[r])
    body = "91" + area + "MA" + "".join(reversed(digits))
    return body + check_char(body)
