"""Wall time and peak memory of `sjtx-xl merge` against a naive loop and the unzip floor.

    python bench/merge_bench.py [--n 1000] [--dir DIR] [--workers W] [--naive-sample K]
    python bench/merge_bench.py --n 15000

Generates N filled enterprise workbooks in city sub-folders (sjtx_xl.demo.generate_bulk: realistic
values, a fifth with one mistake each; kept in DIR and reused when N and the seed match), then runs
each variant in its own process and prints, in one run:

  merge          `sjtx-xl merge DIR/in --recursive -o OUT` end to end (interpreter start included),
                 and its read phase (discovery + read + validate on the process pool), from its output
  naive-openpyxl a plain loop: openpyxl.load_workbook(data_only=True) per file, every field read by
                 its sheet and cell, then pandas.DataFrame(rows).to_excel(OUT)
  naive-pandas   a plain loop: pandas.read_excel(sheet_name=None) per file, every field picked by
                 position, then DataFrame.to_excel(OUT)
  floor          only open each zip and inflate the parts a reader needs (workbook, its rels, the
                 sheets holding inputs, styles, shared strings if any), serially and on a pool of the
                 same size and kind as merge's (concurrent.futures, same chunks); compared with
                 merge's read phase, both timed inside the process

Memory: the process tree of each variant is sampled every 20 ms from /proc (sum of RSS, and sum of
PSS, which counts pages shared after fork once); "max RSS" is the largest single process
(wait4 rusage). With --naive-sample K < N the naive loops read the first K files and their times
are extrapolated to N (marked "~"). Goals (issue 4) are printed with the measured figures; they
are not asserted anywhere.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


# --------------------------------------------------------------------------- process-tree memory

def _children_map():
    kids = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d, "rb") as fh:
                stat = fh.read()
            ppid = int(stat[stat.rindex(b")") + 2:].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        kids.setdefault(ppid, []).append(int(d))
    return kids


def _tree(pid):
    kids = _children_map()
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(kids.get(p, ()))
    return out


def _rss(pid):
    try:
        with open("/proc/%d/statm" % pid) as fh:
            return int(fh.read().split()[1]) * PAGE
    except (OSError, ValueError, IndexError):
        return 0


def _pss(pid):
    try:
        with open("/proc/%d/smaps_rollup" % pid) as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


class Sampler(threading.Thread):
    def __init__(self, pid, every=0.02):
        super().__init__(daemon=True)
        self.pid, self.every = pid, every
        self.peak_rss = self.peak_pss = 0
        self.stop = threading.Event()

    def run(self):
        n = 0
        while not self.stop.is_set():
            pids = _tree(self.pid)
            self.peak_rss = max(self.peak_rss, sum(_rss(p) for p in pids))
            if n % 5 == 0:
                self.peak_pss = max(self.peak_pss, sum(_pss(p) for p in pids))
            n += 1
            self.stop.wait(self.every)


def measure(cmd, log):
    """Run cmd; (wall s, peak tree RSS, peak tree PSS, max single-process RSS, stdout)."""
    t0 = time.perf_counter()
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
        s = Sampler(proc.pid)
        s.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        s.stop.set()
        s.join()
    text = Path(log).read_text(encoding="utf-8", errors="replace")
    if proc.returncode != 0:
        raise SystemExit("%s failed (%d):\n%s" % (" ".join(map(str, cmd)), proc.returncode, text[-3000:]))
    return wall, s.peak_rss, s.peak_pss, usage.ru_maxrss * 1024, text


# --------------------------------------------------------------------------- the variants (run as children)

def _paths(list_file):
    return Path(list_file).read_text(encoding="utf-8").split("\n")


def _fields():
    from sjtx_xl import spec
    lay = spec.layout("enterprise")
    return [(f.id, lay.sheet_title[f.sheet], f.cell) for f in spec.form("enterprise").fields]


def naive_openpyxl(list_file, out):
    import openpyxl
    import pandas as pd
    fields = _fields()
    rows = []
    for p in _paths(list_file):
        wb = openpyxl.load_workbook(p, data_only=True)
        rows.append({fid: wb[sheet][cell].value for fid, sheet, cell in fields})
        wb.close()
    pd.DataFrame(rows).to_excel(out, index=False)


def naive_pandas(list_file, out):
    import pandas as pd
    from openpyxl.utils.cell import coordinate_from_string, column_index_from_string
    fields = []
    for fid, sheet, cell in _fields():
        col, row = coordinate_from_string(cell)
        fields.append((fid, sheet, row - 1, column_index_from_string(col) - 1))
    rows = []
    for p in _paths(list_file):
        frames = pd.read_excel(p, sheet_name=None, header=None, engine="openpyxl")
        rec = {}
        for fid, sheet, r, c in fields:
            df = frames[sheet]
            rec[fid] = df.iat[r, c] if r < df.shape[0] and c < df.shape[1] else None
        rows.append(rec)
    pd.DataFrame(rows).to_excel(out, index=False)


_SHEET = re.compile(rb'<sheet\b[^>]*>')
_REL = re.compile(rb'<Relationship\b[^>]*>')
_ATTR = re.compile(rb'([\w:]+)="([^"]*)"')


def _titles():
    from sjtx_xl import spec
    titles = {spec.layout(k).sheet_title[f.sheet] for k in spec.KINDS for f in spec.form(k).fields}
    return {t.encode("utf-8") for t in titles | {"_meta"}}


def _inflate(path, titles=None):
    """Inflate what a reader needs: workbook and its rels (found with a regex, no XML parser), the
    sheets holding inputs and _meta, styles and shared strings. Returns the bytes inflated."""
    titles = titles or _TITLES
    with zipfile.ZipFile(path) as zf:
        wb, rels = zf.read("xl/workbook.xml"), zf.read("xl/_rels/workbook.xml.rels")
        target = {}
        for el in _REL.findall(rels):
            a = dict(_ATTR.findall(el))
            t = a.get(b"Target", b"").decode()
            target[a.get(b"Id")] = t.lstrip("/") if t.startswith("/") else "xl/" + t
        n = len(wb) + len(rels)
        for el in _SHEET.findall(wb):
            a = dict(_ATTR.findall(el))
            if a.get(b"name") in titles:
                n += len(zf.read(target[a.get(b"r:id")]))
        for extra in ("xl/styles.xml", "xl/sharedStrings.xml"):
            try:
                n += len(zf.read(extra))
            except KeyError:
                pass
    return n


_TITLES = None


def floor(list_file, workers):
    global _TITLES
    _TITLES = _titles()
    paths = _paths(list_file)
    workers = int(workers)
    t = time.perf_counter()
    if workers <= 1:
        total = sum(_inflate(p) for p in paths)
    else:                                      # the same pool and chunks as merge (merge.read_all)
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor
        with ProcessPoolExecutor(workers, multiprocessing.get_context()) as pool:
            total = sum(pool.map(_inflate, paths, chunksize=max(1, min(16, len(paths) // (workers * 8)))))
    print("inflated %d bytes in %.4f s" % (total, time.perf_counter() - t))


# --------------------------------------------------------------------------- driver

def generate(folder, n, seed):
    from sjtx_xl import demo
    marker = folder / ".bench"
    want = "n=%d seed=%d" % (n, seed)
    if marker.exists() and marker.read_text() == want:
        return sorted(str(p) for p in folder.rglob("*.xlsx"))
    if folder.exists():
        import shutil
        shutil.rmtree(folder)
    t = time.perf_counter()
    paths = demo.generate_bulk(folder, n, seed)
    marker.write_text(want)
    print("generated %d workbooks in %.1f s" % (n, time.perf_counter() - t), flush=True)
    return sorted(paths)


def mb(x):
    return x / 2**20


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--dir", default=None, help="where the workbooks are kept (default: a temp folder per N)")
    ap.add_argument("--naive-sample", type=int, default=1000, help="files the naive loops read (extrapolated to N)")
    ap.add_argument("--skip-naive", action="store_true")
    ap.add_argument("--_child", nargs="+", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a._child:
        what, *rest = a._child
        {"naive-openpyxl": naive_openpyxl, "naive-pandas": naive_pandas, "floor": floor}[what](*rest)
        return 0

    from sjtx_xl.merge import default_workers
    workers = default_workers()                # merge sizes its pool the same way
    base = Path(a.dir or os.path.join(tempfile.gettempdir(), "sjtx-merge-bench-%d" % a.n))
    base.mkdir(parents=True, exist_ok=True)
    folder = base / "in"
    paths = generate(folder, a.n, a.seed)
    size = sum(os.path.getsize(p) for p in paths)
    lists = {}
    for name, chosen in (("all", paths), ("sample", paths[: min(a.naive_sample, len(paths))])):
        lists[name] = base / ("%s.txt" % name)
        lists[name].write_text("\n".join(chosen), encoding="utf-8")
    py = sys.executable
    me = str(Path(__file__).resolve())
    env_note = "load average before: %s" % " ".join("%.2f" % x for x in os.getloadavg())
    print("%d workbooks, %.0f MB, in %s; %d CPUs, pool of %d; Python %s; %s"
          % (len(paths), mb(size), folder, os.cpu_count(), workers, sys.version.split()[0], env_note), flush=True)

    results = {}

    def run(key, cmd, files):
        wall, rss, pss, maxrss, text = measure(cmd, base / ("%s.log" % key))
        results[key] = dict(wall=wall, rss=rss, pss=pss, maxrss=maxrss, files=files, text=text)
        print("  %-16s %8.2f s  %7.2f ms/file  tree RSS %6.0f MB  PSS %6.0f MB  max RSS %6.0f MB"
              % (key, wall, 1000 * wall / files, mb(rss), mb(pss), mb(maxrss)), flush=True)

    out = base / "汇总.xlsx"
    run("merge", [py, "-m", "sjtx_xl.cli", "merge", str(folder), "--recursive", "-o", str(out)], len(paths))
    m = re.search(r"用时 ([\d.]+) 秒（查找 ([\d.]+)，读取和校验 ([\d.]+)（(\d+) 个进程），写汇总表 ([\d.]+)）",
                  results["merge"]["text"])
    total, disc, read, nproc, write = (float(x) for x in m.groups())
    results["merge"].update(read_phase=disc + read, write=write, internal=total)
    print("    inside merge: discover %.2f s, read+validate %.2f s on %d processes, write %.2f s; "
          "start-up and exit %.2f s" % (disc, read, nproc, write, results["merge"]["wall"] - total))
    run("floor-serial", [py, me, "--_child", "floor", str(lists["all"]), "1"], len(paths))
    run("floor-pool", [py, me, "--_child", "floor", str(lists["all"]), str(workers)], len(paths))
    if not a.skip_naive:
        k = min(a.naive_sample, len(paths))
        for key in ("naive-openpyxl", "naive-pandas"):
            run(key, [py, me, "--_child", key, str(lists["sample"]), str(base / ("%s.xlsx" % key))], k)
            r = results[key]
            r["extrapolated"] = r["wall"] * len(paths) / k
            if k < len(paths):
                print("    %s: ~%.0f s extrapolated to %d files from %d" % (key, r["extrapolated"], len(paths), k))

    for key in ("floor-serial", "floor-pool"):
        r = results[key]
        r["internal"] = float(re.search(r"in ([\d.]+) s", r["text"]).group(1))
        print("    %s: inflate loop %.2f s (the rest is interpreter start-up)" % (key, r["internal"]))
    mg = results["merge"]
    print("\nratios (N = %d)" % len(paths))
    lines = []
    for key in ("naive-openpyxl", "naive-pandas"):
        if key in results:
            ratio = results[key]["extrapolated"] / mg["wall"]
            lines.append(("%s / merge end to end" % key, ratio, ">= 20", ratio >= 20))
    for key in ("floor-pool", "floor-serial"):
        ratio = mg["read_phase"] / results[key]["internal"]
        lines.append(("merge read phase / %s loop" % key, ratio, "<= 3", ratio <= 3))
    for label, ratio, goal, ok in lines:
        print("  %-40s %6.1fx   goal %s  %s" % (label, ratio, goal, "met" if ok else "NOT met"))
    peak = max(mg["rss"], mg["pss"])
    print("  merge end to end: %.1f s (goal < 60 s at 15,000), peak tree RSS %.0f MB / PSS %.0f MB "
          "(goal < 1536 MB)" % (mg["wall"], mb(mg["rss"]), mb(mg["pss"])))
    print("load average after: %s" % " ".join("%.2f" % x for x in os.getloadavg()))
    summary = {k: {kk: vv for kk, vv in v.items() if kk != "text"} for k, v in results.items()}
    (base / "results.json").write_text(json.dumps(dict(n=len(paths), workers=workers, results=summary,
                                                       peak=peak), indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
