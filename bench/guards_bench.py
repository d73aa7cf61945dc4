"""How long the defensive paths take -- figures that tests check for behaviour only, never for time.

    python bench/guards_bench.py [--lo]

  zip bomb      sjtx_xl.check.check_file on a filled form whose 附件5 part inflates to 60 MB:
                refused from the central directory, before inflating (tests/test_hostile.py)
  scan decline  sjtx_xl.read.scan.index on a 1.8 MB sheet fragment that fails to match at its end:
                declined in linear time, no catastrophic backtracking (tests/test_read_fast.py)
  --lo          the LibreOffice harness cycle other tests use: type one value, recalc, read it,
                ask Calc's validation verdict (tests/lo.py, tests/test_lo_harness.py)
"""
import argparse
import os
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
sys.path.insert(1, os.path.join(HERE, "..", "tests"))  # the test suite's builders and LibreOffice harness

from sjtx_xl.check import check_file  # noqa: E402
from sjtx_xl.read import scan  # noqa: E402
from sjtx_xl.read.reader import Xlsx  # noqa: E402


def bomb(mb=60):
    """The hostile-input test's bomb: a filled enterprise form whose 附件5 part inflates to `mb` MB."""
    from test_hostile import A5, bomb as make_bomb, filled  # tests/test_hostile.py

    good = filled(1)
    return make_bomb(good, Xlsx(good).parts[A5], mb)


def timed(fn, repeat=5):
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def lo_cycle(cases=200):
    import lo  # tests/lo.py
    import openpyxl
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "V"
    dv = DataValidation(type="decimal", operator="between", formula1="0", formula2="100", allow_blank=True)
    ws.add_data_validation(dv)
    dv.add("C2:C250")
    with tempfile.TemporaryDirectory() as tmp, lo.Calc() as calc:
        path = os.path.join(tmp, "v.xlsx")
        wb.save(path)
        with calc.open(path) as book:
            values = [(i * 7.3) % 130 - 10 for i in range(cases)]
            t = time.perf_counter()
            for v in values:
                book.type("V", "C2", str(round(v, 3)))
                book.recalc()
                book.value("V", "C2")
                book.is_valid("V", "C2")
            return (time.perf_counter() - t) / cases


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lo", action="store_true", help="also time the LibreOffice harness cycle (starts soffice)")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "炸弹.xlsx")
        with open(path, "wb") as fh:
            fh.write(bomb())
        rep = check_file(path)
        print("zip bomb (60 MB part) refused: %-6s in %.1f ms" % (rep.status, timed(lambda: check_file(path)) * 1000))
    cell = b'<c r="A1" s="1" t="s"><v>1</v></c>' + b" " * 200
    for tail in (b"<x/></row></sheetData>", b"</row></sheetDat>", b'<c r="A2"><v>1</v></c></row>'):
        fragment = b"<sheetData>" + b'<row r="1">' + cell * 4000 + b" " * 10 ** 6 + tail
        print("scan decline, %.1f MB fragment ending %-32r %.1f ms"
              % (len(fragment) / 2**20, tail, timed(lambda: scan.index(fragment), 3) * 1000))
    if args.lo:
        print("LibreOffice type + recalc + read + is_valid: %.1f ms per case" % (lo_cycle() * 1000))
    return 0


if __name__ == "__main__":
    sys.exit(main())
