"""Read + validate time per filled workbook: the reading engines `sjtx-xl check` could use, and
our reader on the forms clients really send.

    python bench/read_bench.py [-n 1000] [--lo 200] [--rounds 5] [--seed 1] [--no-openpyxl] [--no-engines]

Generates N filled workbooks (enterprise and platform, some with spoiled values) written by
`fill`, then two client-saved variants of them:

  LibreOffice   the first --lo of them opened and saved by LibreOffice (soffice --convert-to xlsx),
                each file its own save (shared strings, LibreOffice's styles and sheet XML)
  Excel-like    every one rebuilt as Excel and WPS write: text in a sharedStrings part, some of it
                as rich-text runs, a styles part and window settings that differ per file

Part 1 times sjtx_xl.check.check_file (the zip-level reader by defined names) on each set, in
rounds that interleave the sets (the best round counts: this machine is shared), and prints
ms per workbook and the ratio to the fill-written forms (the goal: within 1.5x).
Part 2 times, on the fill-written and LibreOffice-saved forms, with the same validation:

  chosen   sjtx_xl.check.check_file
  calamine python-calamine values, cells looked up through the defined names; no probe of
           formulas or number formats yet, so a lower bound of a calamine-based reader
  openpyxl plain openpyxl.load_workbook, cells looked up through the defined names

and the speed-up over openpyxl. The engines must agree on every verdict.
"""
import argparse
import io
import os
import random
import re
import shutil
import subprocess
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


def libreoffice_saved(paths, folder):
    """Each of `paths` opened and saved by LibreOffice into `folder`; [] when soffice is missing."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice or not paths:
        return []
    os.makedirs(folder, exist_ok=True)
    profile = tempfile.mkdtemp(prefix="sjtx-bench-lo-")
    try:
        for i in range(0, len(paths), 50):
            subprocess.run([soffice, "-env:UserInstallation=file://" + profile, "--headless", "--convert-to",
                            "xlsx:Calc MS Excel 2007 XML", "--outdir", folder] + paths[i:i + 50],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, timeout=1800)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    saved = [os.path.join(folder, os.path.basename(p)) for p in paths]
    return [q for q in saved if os.path.exists(q)]


_INLINE = re.compile(r'<c r="([A-Z]+[0-9]+)"((?: s="[0-9]+")?) t="inlineStr"><is><t(?: xml:space="preserve")?>([^<]*)</t></is></c>')
SST_CT = ('<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.'
          'spreadsheetml.sharedStrings+xml"/>')
SST_REL = ('<Relationship Id="rIdSst" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
           'sharedStrings" Target="sharedStrings.xml"/>')


def excel_like(data, i):
    """A fill-written form rebuilt as Excel and WPS save one: every text in a sharedStrings part
    (every fifth as two rich-text runs), an extra font and other window settings in each file."""
    strings, index = [], {}

    def to_shared(m):
        text = m.group(3)
        if text not in index:
            index[text] = len(strings)
            strings.append(text)
        return '<c r="%s"%s t="s"><v>%d</v></c>' % (m.group(1), m.group(2), index[text])
    src = zipfile.ZipFile(io.BytesIO(data))
    parts = {}
    for info in src.infolist():
        body = src.read(info.filename)
        if info.filename.startswith("xl/worksheets/sheet"):
            body = _INLINE.sub(to_shared, body.decode("utf-8")).encode("utf-8")
        elif info.filename == "xl/styles.xml":
            body = re.sub(rb'<fonts count="(\d+)">(.*?)</fonts>', lambda m: b'<fonts count="%d">%s<font><sz val="%d"/>'
                          b'<name val="Arial"/></font></fonts>' % (int(m.group(1)) + 1, m.group(2), 8 + i % 9),
                          body, count=1, flags=re.S)
        elif info.filename == "xl/workbook.xml":
            view = b'<bookViews><workbookView xWindow="%d" yWindow="%d" windowWidth="28800" windowHeight="12%03d" ' \
                   b'activeTab="%d"/></bookViews>' % (i % 97, i % 89, i % 1000, i % 3)
            body = re.sub(rb"<bookViews>.*?</bookViews>|<bookViews/>", b"", body, flags=re.S)
            body = body.replace(b"<sheets>", view + b"<sheets>", 1)
        elif info.filename == "[Content_Types].xml":
            body = body.replace(b"</Types>", SST_CT.encode() + b"</Types>")
        elif info.filename == "xl/_rels/workbook.xml.rels":
            body = body.replace(b"</Relationships>", SST_REL.encode() + b"</Relationships>")
        parts[info.filename] = body
    items = []
    for k, text in enumerate(strings):
        if k % 5 == 0 and len(text) > 1:
            half = len(text) // 2
            items.append('<si><r><rPr><b/><sz val="11"/><rFont val="宋体"/><family val="3"/><charset val="134"/></rPr>'
                         '<t>%s</t></r><r><rPr><sz val="11"/><rFont val="宋体"/></rPr><t>%s</t></r></si>'
                         % (text[:half], text[half:]))
        else:
            items.append('<si><t>%s</t></si>' % text)
    parts["xl/sharedStrings.xml"] = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://schemas.'
                                     'openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">%s</sst>'
                                     % (len(items), len(items), "".join(items))).encode("utf-8")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in parts.items():
            z.writestr(name, body)
    return out.getvalue()


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


def _rounded(values):
    return {k: float("%.9g" % v) if isinstance(v, float) else v for k, v in values.items()}


def best_of(sets, rounds):
    """{name: best ms per workbook of check_file over `rounds` rounds}, the sets interleaved."""
    best = {name: float("inf") for name in sets}
    for _ in range(rounds):
        for name, paths in sets.items():
            best[name] = min(best[name], timed(check_file, paths)[0])
    return best


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=1000)
    ap.add_argument("--lo", type=int, default=200, help="how many of the forms LibreOffice re-saves (0: none)")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-openpyxl", action="store_true", help="leave out the (slow) openpyxl baseline")
    ap.add_argument("--no-engines", action="store_true", help="part 1 only")
    args = ap.parse_args(argv)
    folder = tempfile.mkdtemp(prefix="sjtx-bench-")
    try:
        t = time.perf_counter()
        paths = generate(folder, args.n, args.seed)
        print("generated %d filled workbooks in %.1f s (%s)" % (len(paths), time.perf_counter() - t, folder))
        t = time.perf_counter()
        lo = libreoffice_saved(paths[:args.lo], os.path.join(folder, "lo"))
        print("LibreOffice re-saved %d of them in %.1f s" % (len(lo), time.perf_counter() - t)
              if lo else "LibreOffice: not available or --lo 0, no LibreOffice-saved forms")
        xl = []
        os.makedirs(os.path.join(folder, "xl"))
        for i, p in enumerate(paths):
            q = os.path.join(folder, "xl", os.path.basename(p))
            with open(p, "rb") as src, open(q, "wb") as dst:
                dst.write(excel_like(src.read(), i))
            xl.append(q)
        check_file(paths[0])                                     # warm caches (spec, reference data)
        kept = [i for i, p in enumerate(paths) if not lo or os.path.join(folder, "lo", os.path.basename(p)) in lo]
        sets = {"fill-written": [paths[i] for i in kept], "LibreOffice-saved": lo,
                "Excel-like (shared strings, rich text, styles)": [xl[i] for i in kept]}
        sets = {k: v for k, v in sets.items() if v}
        n_same = len(next(iter(sets.values())))
        print("\nPart 1: sjtx_xl.check.check_file on the same %d forms as each program saved them, best of %d rounds"
              % (n_same, args.rounds))
        best = best_of(sets, args.rounds)
        base = best["fill-written"]
        print("%-48s %12s %14s" % ("forms", "ms/workbook", "vs fill-written"))
        for name, ms in best.items():
            print("%-48s %12.2f %13.2fx" % (name, ms, ms / base))
        same = [[(_rounded(r.values), r.conditions, r.overall) for r in timed(check_file, ps)[1]] for ps in sets.values()]
        print("every set reads the same values (to 9 digits: LibreOffice saves 15) and verdicts: %s"
              % ("yes" if all(x == same[0] for x in same) else "NO"))

        if args.no_engines:
            return 0
        print("\nPart 2: reading engines, read + the same validation")
        engines = [("chosen (zip-level reader, check_file)", check_file), ("python-calamine + defined names", by_calamine)]
        if not args.no_openpyxl:
            engines.append(("openpyxl load_workbook + defined names", by_openpyxl))
        agree = True
        for label, ps in (("fill-written", paths), ("LibreOffice-saved", lo)):
            if not ps:
                continue
            results = {name: timed(fn, ps) for name, fn in engines}
            print("%s, %d forms:" % (label, len(ps)))
            base = results.get("openpyxl load_workbook + defined names", (None,))[0]
            print("  %-42s %12s %12s" % ("engine", "ms/workbook", "vs openpyxl" if base else ""))
            for name, (ms, _) in results.items():
                print("  %-42s %12.2f %11s" % (name, ms, "%.1fx" % (base / ms) if base else ""))
            verdicts = [[(r.conditions, r.overall) if r else None for r in reps] for _, reps in results.values()]
            agree = agree and all(v == verdicts[0] for v in verdicts[1:])
        print("verdicts agree across engines: %s" % ("yes" if agree else "NO"))
        return 0 if agree else 1
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
