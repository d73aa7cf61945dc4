"""docs/notice-trace.md stays honest: every id it names exists, every condition is traced, and
every row has a proof or says why the requirement cannot be checked."""
import ast
import re
from pathlib import Path

from sjtx_xl import spec, summary
from sjtx_xl.problems import TYPES

ROOT = Path(__file__).resolve().parents[1]
TRACE = ROOT / "docs" / "notice-trace.md"
TOKEN = re.compile(r"`([FCPSTX]):([^`]+)`")


def _rows():
    lines = TRACE.read_text(encoding="utf-8").splitlines()
    table = [l for l in lines if l.startswith("|")][2:]     # skip the header and its rule
    return [[c.strip() for c in l.strip("|").split("|")] for l in table]


def _tests_in(path):
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    return {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}


def test_every_id_in_the_trace_exists():
    from test_notice import ALL_CASES
    sheets = set(summary.sheet_names())
    for row in _rows():
        for kind_, ref in TOKEN.findall(" ".join(row)):
            if kind_ == "F":
                kind, fid = ref.split(".")
                spec.form(kind).field(fid)
            elif kind_ == "C":
                kind, cid = ref.split(".")
                assert cid in {c.id for c in spec.form(kind).conditions}, ref
            elif kind_ == "P":
                assert ref in TYPES, ref
            elif kind_ == "S":
                assert ref in sheets, ref
            elif kind_ == "T":
                path, name = ref.split("::")
                assert name in _tests_in(path), ref
            elif kind_ == "X":
                assert ref in ALL_CASES, ref


def test_every_condition_and_every_notice_case_is_traced():
    from test_notice import ALL_CASES
    text = TRACE.read_text(encoding="utf-8")
    for kind in spec.KINDS:
        for c in spec.form(kind).conditions:
            assert "`C:%s.%s`" % (kind, c.id) in text, (kind, c.id)
    for cid in ALL_CASES:
        assert "`X:%s`" % cid in text, cid


def test_every_row_has_a_proof_or_says_it_cannot_be_checked():
    for row in _rows():
        proof = row[-1]
        assert TOKEN.search(proof) or proof.startswith("not checkable:") or proof.startswith("read as:"), row
