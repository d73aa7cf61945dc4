"""Read + validate time per filled workbook, for the reading engines `sjtx-xl check` could use.

    python bench/read_bench.py [-n 1000] [--seed 1]

Generates N filled workbooks (enterprise and platform, some with spoiled values) in a temporary
folder, then times, over the same files and with the same validation (sjtx_xl.check):

  chosen   sjtx_xl.check.check_file: the zip-level reader by defined names (read/reader.py)
  calamine python-calamine, cells looked up through the defined names
  openpyxl plain openpyxl.load_workbook, cells looked up through the defined names

and prints ms per workbook and the speed-up over openpyxl. The three must agree on every verdict.
"""
import argparse
import os
import random
import shutil
import sys
import tempfile
import time
import zipfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from sjtx_xl import ooxml, samples, spec, template  # noqa: E402
from sjtx_xl.check import check_file, check_values  # noqa: E402
from sjtx_xl.fill import fill_bytes  # noqa: E402
from sjtx_xl.read.reader import FileProblem  # noqa: E402

SPOILS = {"main_ratio_base": ("65", 0.8, "80%", None), "employees": ("300人", -1), "uscc": ("91220101MA0000000X",),
          "rd_ratio_2019": (3.5, None), "served_firms": ("十", 0), "industry": ("35",)}


def generate(folder, n, seed):
    rng = random.Random(seed)
    tpl = {k: template.build(k) for k in spec.KINDS}
    paths = []
    for i in range(n):
        kind = "platform" if i % 5 == 4 else "enterprise"
        values = samples.complete(kind, i)
        for fid, choices in SPOILS.items():
            if fid in values and rng.random() < 0.15:
                v = rng.choice(choices)
                if v is None:
                    values.pop(fid)
                else:
                    values[fid] = v
        p = os.path.join(folder, "%s_%04d.xlsx" % (kind, i))
        with open(p, "wb") as fh:
            fh.write(fill_bytes(tpl[kind], values))
        paths.append(p)
    return paths


def _kind_and_names(path):
    with zipfile.ZipFile(path) as zf:
        return ooxml.defined_names(zf)


def by_calamine(path):
    from python_calamine import CalamineWorkbook
    from sjtx_xl.read.meta import meta_from_calamine
    wb = CalamineWorkbook.from_path(path)
    kind = meta_from_calamine(wb)["kind"]
    names = _kind_and_names(path)
    grids, raw, where = {}, {}, {}
    for f in spec.form(kind).fields:
        sheet, a1 = names[f.name]
        if sheet not in grids:
            grids[sheet] = wb.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        col, row = ooxml.col_row(a1)
        grid = grids[sheet]
        v = grid[row][col] if row < len(grid) and col < len(grid[row]) else ""
        raw[f.id] = None if v == "" else (int(v) if isinstance(v, float) and v.is_integer() else v)
        where[f.id] = (sheet, a1)
    return _validate(path, kind, raw, where)


def by_openpyxl(path):
    from openpyxl import load_workbook
    wb = load_workbook(path)
    meta = {r[0].value: r[1].value for r in wb["_meta"].iter_rows(max_col=2)}
    kind = meta["kind"]
    raw, where, formulas = {}, {}, set()
    for f in spec.form(kind).fields:
        sheet, ref = next(iter(wb.defined_names[f.name].destinations))
        a1 = ref.replace("$", "")
        v = wb[sheet][a1].value
        if isinstance(v, str) and v.startswith("=") and wb[sheet][a1].data_type == "f":
            formulas.add(f.id)
        if hasattr(v, "date") and f.type == "date":
            v = v.date()
        raw[f.id] = int(v) if isinstance(v, float) and v.is_integer() else v
        where[f.id] = (sheet, a1)
    return _validate(path, kind, raw, where, formulas)


def _validate(path, kind, raw, where, formulas=()):
    try:
        return check_values(kind, raw, where, path=path, formulas=formulas)
    except FileProblem:
        return None


def timed(fn, paths):
    out = []
    t = time.perf_counter()
    for p in paths:
        out.append(fn(p))
    return (time.perf_counter() - t) / len(paths) * 1000, out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    folder = tempfile.mkdtemp(prefix="sjtx-bench-")
    try:
        t = time.perf_counter()
        paths = generate(folder, args.n, args.seed)
        print("generated %d filled workbooks in %.1f s (%s)" % (len(paths), time.perf_counter() - t, folder))
        check_file(paths[0])                                     # warm caches (spec, reference data)
        results = {}
        for name, fn in (("chosen (zip-level reader, check_file)", check_file),
                         ("python-calamine + defined names", by_calamine),
                         ("openpyxl load_workbook + defined names", by_openpyxl)):
            ms, reps = timed(fn, paths)
            results[name] = (ms, reps)
        base = results["openpyxl load_workbook + defined names"][0]
        print("%-42s %12s %10s" % ("engine (read + validate)", "ms/workbook", "vs openpyxl"))
        for name, (ms, _) in results.items():
            print("%-42s %12.2f %9.1fx" % (name, ms, base / ms))
        verdicts = [[(r.conditions, r.overall) if r else None for r in reps] for _, reps in results.values()]
        agree = all(v == verdicts[0] for v in verdicts[1:])
        print("verdicts agree across engines: %s" % ("yes" if agree else "NO"))
        return 0 if agree else 1
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
