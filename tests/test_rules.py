"""Python side of the rules; the Excel side is compared in LibreOffice (test_template_lo.py)."""
import datetime as dt

import pytest

from sjtx_xl import spec
from sjtx_xl.rules import (MET, NOT_MET, PENDING, UNDETERMINED, All, Any, AtLeast, OneOf, SumAtLeast,
                           check_field, overall)


def test_kleene_logic():
    v = {"a": 70, "b": 69.99, "t": "是", "blank": None, "text": "70"}
    assert AtLeast("a", 70).value(v) == MET
    assert AtLeast("b", 70).value(v) == NOT_MET
    assert AtLeast("text", 70).value(v) == PENDING       # text is not a number, as ISNUMBER
    assert AtLeast("a", 70, strict=True).value(v) == NOT_MET
    assert All(AtLeast("a", 70), AtLeast("blank", 1)).value(v) == PENDING
    assert All(AtLeast("b", 70), AtLeast("blank", 1)).value(v) == NOT_MET
    assert Any(AtLeast("b", 70), AtLeast("blank", 1)).value(v) == PENDING
    assert Any(OneOf("t", ("是",)), AtLeast("blank", 1)).value(v) == MET
    assert SumAtLeast(("a", "blank"), 1).value(v) == PENDING
    assert overall([MET, UNDETERMINED]) == MET and overall([MET, PENDING, NOT_MET]) == NOT_MET


def _f(kind, fid):
    return spec.form(kind).field(fid)


@pytest.mark.parametrize("fid,good,bad", [
    ("employees", 150, 1.5),
    ("main_ratio_base", 70, 101),
    ("growth_last_base", -20, -101),
    ("uscc", "91220101MA0000005F", "91220101MA0000005G"),
    ("product_code", "3507060000", "350706000"),
    ("product_names", "冲孔机床、数控折弯机", "冲孔机床,CNC"),
    ("reg_date", dt.date(2015, 6, 30), dt.date(2022, 1, 1)),
    ("industry", "35 专用设备制造业", "35"),
    ("advanced_desc", "好" * 100, "好" * 101),
])
def test_field_rules_accept_and_reject(fid, good, bad):
    f, lists = _f("enterprise", fid), spec.form("enterprise").lists
    assert check_field(f, good, lists) == []
    assert check_field(f, bad, lists)


def test_share_fraction_is_a_warning():
    f = _f("enterprise", "main_ratio_base")
    (p,) = check_field(f, 0.3, spec.form("enterprise").lists)
    assert p.type == "percent-fraction" and p.severity == "warning"


def test_profile_parts_share_one_5000_character_budget():
    f = _f("enterprise", "profile_management")
    assert f.max_len == 5000 and set(f.total_with) == {"profile_products", "profile_innovation"}


def test_required_if():
    f, lists = _f("enterprise", "gap_desc"), spec.form("enterprise").lists
    assert check_field(f, None, lists, {"gap_fill": "否"}) == []
    assert check_field(f, None, lists, {"gap_fill": "填补国内空白"})[0].type == "required-missing"
