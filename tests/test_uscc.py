import pytest

from sjtx_xl import uscc
from sjtx_xl.uscc import CHARSET, WEIGHTS, area_code, check_char, check_uscc, uscc_generate

# Real, published codes.  Source: python-stdnum, tests/test_cn_uscc.doctest
# (github.com/arthurdejong/python-stdnum, list "found online and should all be
# valid numbers").  Chosen to cover authority 1 (121…), 9/1 and 9/2, check chars
# that are digits, letters and '0', 'X' inside the organisation code, MA… codes
# and an 'L' inside the organisation code.
REAL_CODES = [
    "121200004013590816",
    "91110000600037341L",
    "91110000710926094P",
    "91120224064012553U",
    "911522010783710635",
    "911522010783762860",
    "9115220107837757XE",
    "91310115MA1K3BTP2B",
    "9131012056010553X5",
    "91340600MA2PBM9HXD",
    "913505007821784439",
    "91420684MA4927PJ7B",
    "9144030071526726XG",
    "91620105L015101280",
    "92340602MA2PBMEM24",
    "92340603MA2PBQ16XJ",
    "92340621MA2UJWYPX8",
    "92340604MA2PENA300",
]


def _independent_check_char(code17):
    # Written from the README's description, not from the module:
    # weights 3^(i-1) mod 31 listed literally; value 31 - (sum mod 31), 31 -> 0.
    weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    s = sum(alphabet.index(c) * w for c, w in zip(code17, weights))
    v = 31 - s % 31
    return alphabet[0 if v == 31 else v]


def test_constants():
    assert CHARSET == "0123456789ABCDEFGHJKLMNPQRTUWXY"
    assert len(CHARSET) == 31
    assert not set("IOZSV") & set(CHARSET)
    assert list(WEIGHTS) == [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_codes_pass(code):
    r = check_uscc(code)
    assert r.ok, r
    assert r.reason_type is None and r.message is None
    assert check_char(code[:17]) == code[17]
    assert _independent_check_char(code[:17]) == code[17]


@pytest.mark.parametrize("code", REAL_CODES)
def test_every_wrong_check_char_fails(code):
    for c in CHARSET:
        if c == code[17]:
            continue
        r = check_uscc(code[:17] + c)
        assert not r.ok
        assert r.reason_type == "uscc-check-char"
        assert r.expected_char == code[17]
        assert code[17] in r.message


def test_a_body_typo_is_caught():
    code = "91110000600037341L"
    r = check_uscc("91110000600037841L")  # 3 -> 8 in the organisation code
    assert not r.ok and r.reason_type == "uscc-check-char"
    assert r.expected_char != code[17]


@pytest.mark.parametrize(
    "code",
    ["", "12345", "91110000600037341", "91110000600037341LL", "91 110000 600037341L"],
)
def test_length(code):
    r = check_uscc(code)
    assert not r.ok and r.reason_type == "uscc-length"
    assert "18" in r.message


@pytest.mark.parametrize("value", [None, 911100006000373410, b"91110000600037341L"])
def test_non_string_is_length(value):
    assert check_uscc(value).reason_type == "uscc-length"


@pytest.mark.parametrize(
    "code, bad",
    [
        ("91110000600037341l", "l"),  # lowercase is not normalised here
        ("9111000060003IOZSV", "I"),
        ("91110000600037341O", "O"),
        ("9111000060003734Z1", "Z"),
        ("91110000S00037341L", "S"),
        ("91110000V00037341L", "V"),
        ("911100006000-7341L", "-"),
        ("９1110000600037341L", "９"),  # full-width digit
    ],
)
def test_charset(code, bad):
    assert len(code) == 18
    r = check_uscc(code)
    assert not r.ok and r.reason_type == "uscc-charset"
    assert bad in r.message


def test_length_is_reported_before_charset():
    assert check_uscc("abc").reason_type == "uscc-length"


def test_charset_is_reported_before_authority_and_check():
    assert check_uscc("0i110000600037341L").reason_type == "uscc-charset"


def _with_prefix(prefix):
    body = prefix + "220102MA0000001"
    return body + _independent_check_char(body)


@pytest.mark.parametrize(
    "prefix",
    ["11", "12", "13", "19", "51", "52", "53", "59", "91", "92", "93", "Y1"]
    + [a + t for a in "234678AN" for t in "123456789"],
)
def test_authority_accepted(prefix):
    r = check_uscc(_with_prefix(prefix))
    assert r.ok, (prefix, r)


@pytest.mark.parametrize(
    "prefix",
    ["14", "18", "10", "54", "50", "58", "94", "99", "90", "9A", "Y2", "Y9", "Y0",
     "01", "B1", "X1", "C9", "20", "A0", "NA", "2Y", "8X"],
)
def test_authority_rejected(prefix):
    r = check_uscc(_with_prefix(prefix))
    assert not r.ok and r.reason_type == "uscc-authority", (prefix, r)
    assert prefix in r.message


def test_authority_is_reported_before_check_char():
    code = "94220102MA00000010"  # wrong check char AND wrong type
    assert check_uscc(code).reason_type == "uscc-authority"


def test_area_code():
    assert area_code("91220102MA0000001X") == "220102"
    assert area_code("91110000600037341L") == "110000"


def test_check_char_rejects_bad_input():
    with pytest.raises(ValueError):
        check_char("9111000060003734")
    with pytest.raises(ValueError):
        check_char("9111000060003734I")


def test_generate_is_valid_deterministic_and_distinct():
    seen = set()
    for area in ("220102", "222401", "220000"):
        for seq in (0, 1, 2, 30, 31, 12345, 31 ** 7 - 1):
            code = uscc_generate(area, seq)
            assert code == uscc_generate(area, seq)
            assert len(code) == 18 and code.startswith("91" + area)
            assert _independent_check_char(code[:17]) == code[17]
            assert check_uscc(code).ok
            assert area_code(code) == area
            seen.add(code)
    assert len(seen) == 3 * 7


def test_generate_default_area():
    assert uscc_generate(seq=7)[2:8] == "220102"


@pytest.mark.parametrize("area, seq", [("2201", 1), ("22010a", 1), ("220102", -1),
                                       ("220102", 31 ** 7), ("220102", "1"), ("220102", True)])
def test_generate_rejects_bad_input(area, seq):
    with pytest.raises(ValueError):
        uscc_generate(area, seq)


def test_module_exports():
    for name in ("CHARSET", "WEIGHTS", "check_char", "check_uscc", "area_code", "uscc_generate", "USCCResult"):
        assert hasattr(uscc, name)
