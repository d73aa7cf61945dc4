"""sjtx_xl.jsonwrite writes exactly what json.dumps(obj, ensure_ascii=False, indent=2, default=str)
writes: on random structures, on the odd values json treats specially, and on a real check report."""
import datetime as _dt
import enum
import io
import json
import random

import pytest

from sjtx_xl import jsonwrite


def _reference(obj):
    return json.dumps(obj, ensure_ascii=False, indent=2, default=str)


class Level(enum.IntEnum):
    LOW = 1


class Text(str):
    pass


_SCALARS = ["", "a", "中文", "引号\"和\\反斜杠", "\n\t\x00\x1f\u2028", "😀", None, True, False, 0, 1, -7, 2**70,
            1.0, 0.1, -0.0, 1e300, float("nan"), float("inf"), float("-inf"), Level.LOW, Text("子类"),
            _dt.date(2026, 12, 1), _dt.datetime(2026, 12, 1, 8, 30)]
_KEYS = ["type", "severity", "值", "", "a\"b", 1, 2.5, True, False, None]


def _random(rng, depth):
    r = rng.random()
    if depth > 3 or r < 0.45:
        return rng.choice(_SCALARS)
    if r < 0.6:
        return [_random(rng, depth + 1) for _ in range(rng.randrange(0, 4))]
    if r < 0.65:
        return tuple(_random(rng, depth + 1) for _ in range(rng.randrange(0, 3)))
    if r < 0.8:                                       # flat: texts and nulls under text keys (the memo's case)
        return {k: rng.choice(["必填项未填写", None, "E7", ""]) for k in rng.sample(_KEYS[:5], rng.randrange(0, 5))}
    return {k: _random(rng, depth + 1) for k in rng.sample(_KEYS, rng.randrange(0, 6))}


def test_random_structures_give_jsons_text():
    rng = random.Random(13)
    for _ in range(3000):
        obj = _random(rng, 0)
        assert jsonwrite.dumps(obj) == _reference(obj), repr(obj)


def test_equal_but_different_values_are_not_taken_for_each_other():
    """1 == True == 1.0 and "a" == Text("a"): the flat-dict memo must not give one the other's text."""
    objs = [{"k": "1"}, {"k": 1}, {"k": True}, {"k": 1.0}, {1: "x"}, {True: "x"}, {"1": "x"}, {"k": Text("1")},
            [{"k": None}, {"k": "null"}], {"k": [1]}, {"k": (1,)}]
    assert jsonwrite.dumps(objs) == _reference(objs)
    assert jsonwrite.dumps(list(reversed(objs))) == _reference(list(reversed(objs)))


def test_a_lazy_list_is_iterated_once_and_written_in_pieces():
    class Lazy(list):                                 # as summary.parked.ProblemList: read back when iterated
        reads = 0

        def __iter__(self):
            Lazy.reads += 1
            return iter([{"type": "required-missing", "n": i} for i in range(3)])

        def __len__(self):
            return 3
    obj = {"files": [{"problems": Lazy()} for _ in range(50)]}
    plain = {"files": [{"problems": [{"type": "required-missing", "n": i} for i in range(3)]} for _ in range(50)]}
    chunks = []

    class Out:
        def write(self, s):
            chunks.append(s)
    jsonwrite.write(obj, Out(), flush=40)
    assert "".join(chunks) == _reference(plain) + "\n"
    assert Lazy.reads == 50 and len(chunks) > 10


def test_keys_json_refuses_are_refused():
    with pytest.raises(TypeError):
        jsonwrite.dumps({(1, 2): "x"})


def test_a_real_check_report_gives_jsons_text(tmp_path):
    from sjtx_xl import app, samples
    from sjtx_xl.fill import fill_bytes
    from sjtx_xl.template import build
    tpl = build("enterprise")
    (tmp_path / "全.xlsx").write_bytes(fill_bytes(tpl, samples.complete("enterprise", 1)))
    (tmp_path / "空.xlsx").write_bytes(fill_bytes(tpl, {"name": "某某公司", "uscc": "91110000600037341L"}))
    (tmp_path / "坏.xlsx").write_bytes(b"PK\x03\x04 not a zip")
    result = app.check([str(tmp_path)])
    out = io.StringIO()
    jsonwrite.write(result.to_dict(lazy=True), out)
    assert out.getvalue() == _reference(result.to_dict()) + "\n"
    assert '"required-missing"' in out.getvalue()
