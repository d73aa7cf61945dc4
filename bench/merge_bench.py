"""Wall time and peak memory of `sjtx-xl merge` on four workloads, against naive pandas and the floors.

    python bench/merge_bench.py [--n 1000] [--workloads bench,client,errors,long] [--naive-sample K]
    python bench/merge_bench.py --n 15000 --merge-only [--with-submit]

Workloads (N enterprise workbooks each, in city sub-folders, kept in DIR and reused when N matches):
  bench    the bench's own forms (sjtx_xl.demo.generate_bulk: written by `fill`, a fifth with one mistake)
  client   client-saved forms: a few bench forms saved by LibreOffice (shared strings, its own styles and
           window settings, as Excel and WPS write them), then copied with new names and credit codes
  errors   error-heavy forms: only 企业名称 and 统一社会信用代码 filled (~93 problems each)
  long     every long text (longtext fields) at its length limit

For each workload, each variant runs in its own process and prints what follows. Merge, the floors and
naive pandas run --rounds times (3 by default), interleaved (merge, the floors, naive pandas; then again),
each variant's round of median time kept with the peak memory of all rounds; a ratio is the median of
the rounds' ratios, each between runs of one round (minutes apart at most: this machine's speed drifts
by a third within an hour, and a ratio of medians taken ten minutes apart carried that drift):
  merge          `sjtx-xl merge DIR --recursive -o OUT` end to end (interpreter start included), its read
                 phase (discovery + read + validate on the process pool) and write phase, from its output
  naive-pandas   pandas.read_excel(p, sheet_name=None, header=None, engine="openpyxl") per file, nothing
                 else; on the first K files, extrapolated to N (marked "~")
  floor          only open each zip and inflate the parts a reader needs (workbook, its rels, the sheets
                 holding inputs, styles, shared strings if any), serially and on a pool of the same size
                 and kind as merge's
                 (zlib, through zipfile: the issue's floor; and "floor-pool-isal", the same with ISA-L,
                 the inflater sjtx_xl.deflate uses when isal is installed, as it is by setup.cfg)
  zlib floor     deflating (level 1, as the writer does) the summary's uncompressed parts once: the least
                 any writer of that workbook must spend; "write / zlib floor" is the writer's overhead
                 (and the ISA-L floor, the library the writer uses when isal is installed)
  re-merge       the same merge again onto its own summary, as an official re-merges after deciding: the
                 previous summary's 推荐决定 (its default decisions stand for typed ones) is carried over,
                 who its rows were is read from _data, and it is kept as a dated copy
  submit         `sjtx-xl submit OUT --no-pdf`: the package of what 推荐决定 recommends (by default every
                 eligible row: one 附件5/附件6 workbook each); with --merge-only only if --with-submit
  check          `sjtx-xl check DIR --json` (the report of every form, written to the log); not with
                 --merge-only

Start-up: sjtx_xl is byte-compiled first (as pip compiles an installed package, pandas included), so
no figure pays for compiling our sources where PYTHONDONTWRITEBYTECODE is set.

Memory: the process tree of each variant is sampled every 20 ms from /proc (sum of RSS, and sum of
PSS, which counts pages shared after fork once). "max RSS" is the largest high-water mark (VmHWM)
of one process of the tree, sampled the same way: wait4's ru_maxrss is not used, as Linux counts in
it this process's own pages when the child is spawned (2.5 GB after the floor of a 2 GB summary).
Goals (issue 13) are printed beside the figures; they are not asserted anywhere.
"""
import argparse
import io
import json
import os
import re
import shutil
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


def _proc_kb(pid, part, key):
    """Bytes of the "key: N kB" line of /proc/PID/part, 0 when the process is gone."""
    try:
        with open("/proc/%d/%s" % (pid, part)) as fh:
            for line in fh:
                if line.startswith(key):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _hwm(pid):
    return _proc_kb(pid, "status", "VmHWM:")


def _pss(pid):
    return _proc_kb(pid, "smaps_rollup", "Pss:")


class Sampler(threading.Thread):
    def __init__(self, pid, every=0.02):
        super().__init__(daemon=True)
        self.pid, self.every = pid, every
        self.peak_rss = self.peak_pss = self.peak_one = 0
        self.stop = threading.Event()

    def run(self):
        n = 0
        while not self.stop.is_set():
            pids = _tree(self.pid)
            self.peak_rss = max(self.peak_rss, sum(_rss(p) for p in pids))
            self.peak_one = max([self.peak_one] + [_hwm(p) for p in pids])
            if n % 5 == 0:
                self.peak_pss = max(self.peak_pss, sum(_pss(p) for p in pids))
            n += 1
            self.stop.wait(self.every)


def measure(cmd, log, ok=(0,)):
    """Run cmd; (wall s, peak tree RSS, peak tree PSS, max single-process RSS, stdout). An exit code
    not in `ok` stops the bench."""
    t0 = time.perf_counter()
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
        s = Sampler(proc.pid)
        s.start()
        _, status, _ = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        s.stop.set()
        s.join()
    text = Path(log).read_text(encoding="utf-8", errors="replace")
    if proc.returncode not in ok:
        raise SystemExit("%s failed (%d):\n%s" % (" ".join(map(str, cmd)), proc.returncode, text[-3000:]))
    return wall, s.peak_rss, s.peak_pss, s.peak_one, text


# --------------------------------------------------------------------------- the variants (run as children)

def _paths(list_file):
    return Path(list_file).read_text(encoding="utf-8").split("\n")


def naive_pandas(list_file):
    """The baseline of issue 13: read every sheet of every file with pandas, nothing else."""
    import pandas as pd
    for p in _paths(list_file):
        pd.read_excel(p, sheet_name=None, header=None, engine="openpyxl")


_SHEET = re.compile(rb'<sheet\b[^>]*>')
_REL = re.compile(rb'<Relationship\b[^>]*>')
_ATTR = re.compile(rb'([\w:]+)="([^"]*)"')


def _titles():
    from sjtx_xl import spec
    titles = {spec.layout(k).sheet_title[f.sheet] for k in spec.KINDS for f in spec.form(k).fields}
    return {t.encode("utf-8") for t in titles | {"_meta"}}


def _inflate(path, titles=None, fast=False):
    """Inflate what a reader needs: workbook and its rels (found with a regex, no XML parser), the
    sheets holding inputs and _meta, styles and shared strings. Returns the bytes inflated. With
    `fast`, the members are inflated (and their CRC checked) by sjtx_xl.deflate, the library the
    reader uses (ISA-L when installed), from their stored bytes; else by zipfile (zlib)."""
    titles = titles or _TITLES
    with zipfile.ZipFile(path) as zf:
        read = _fast_reader(zf, path) if fast else zf.read
        wb, rels = read("xl/workbook.xml"), read("xl/_rels/workbook.xml.rels")
        target = {}
        for el in _REL.findall(rels):
            a = dict(_ATTR.findall(el))
            t = a.get(b"Target", b"").decode()
            target[a.get(b"Id")] = t.lstrip("/") if t.startswith("/") else "xl/" + t
        n = len(wb) + len(rels)
        for el in _SHEET.findall(wb):
            a = dict(_ATTR.findall(el))
            if a.get(b"name") in titles:
                n += len(read(target[a.get(b"r:id")]))
        for extra in ("xl/styles.xml", "xl/sharedStrings.xml"):
            try:
                n += len(read(extra))
            except KeyError:
                pass
    return n


def _fast_reader(zf, path):
    from sjtx_xl import deflate
    data = Path(path).read_bytes()

    def read(name):
        info = zf.getinfo(name)
        at = info.header_offset
        start = at + 30 + int.from_bytes(data[at + 26:at + 28], "little") + int.from_bytes(data[at + 28:at + 30], "little")
        stored = data[start:start + info.compress_size]
        out = stored if info.compress_type == zipfile.ZIP_STORED else deflate.inflate_raw(stored, info.file_size)
        if deflate.crc32(out) != info.CRC:
            raise zipfile.BadZipFile("Bad CRC-32 for %s" % name)
        return out
    return read


_TITLES = None


def _inflate_fast(path):
    return _inflate(path, fast=True)


def floor(list_file, workers, inflater="zlib"):
    global _TITLES
    _TITLES = _titles()
    paths = _paths(list_file)
    workers = int(workers)
    inflate = _inflate if inflater == "zlib" else _inflate_fast
    t = time.perf_counter()
    if workers <= 1:
        total = sum(inflate(p) for p in paths)
    else:                                      # the same pool and chunks as merge (merge.read_all)
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor
        with ProcessPoolExecutor(workers, multiprocessing.get_context()) as pool:
            total = sum(pool.map(inflate, paths, chunksize=max(1, min(16, len(paths) // (workers * 8)))))
    print("inflated %d bytes in %.4f s" % (total, time.perf_counter() - t))


# --------------------------------------------------------------------------- workloads

def _bench_forms(folder, n, seed):
    from sjtx_xl import demo
    return demo.generate_bulk(folder, n, seed)


def _named(folder, i, name):
    from sjtx_xl import reference
    city = reference.cities()[i % 9]
    (folder / city).mkdir(parents=True, exist_ok=True)
    return folder / city / ("%05d-%s.xlsx" % (i, re.sub(r'[\\/:*?"<>|]', "_", name)))


def _values(i, seed):
    import random

    from sjtx_xl import demo, reference
    rng = random.Random(seed * 1000003 + i)
    city = reference.cities()[i % 9]
    area, area_name = rng.choice(demo._areas_by_city()[city])
    return demo.enterprise_values(rng, i + 1, city, area, area_name, set())


def _one_error_heavy(args):
    folder, i, seed, tpl = args
    from sjtx_xl.fill import fill_bytes
    v = _values(i, seed)
    path = _named(Path(folder), i, v["name"])
    path.write_bytes(fill_bytes(tpl, {"name": v["name"], "uscc": v["uscc"]}, "enterprise"))
    return str(path)


def _one_long(args):
    folder, i, seed, tpl = args
    from sjtx_xl import demo, spec
    from sjtx_xl.fill import fill_bytes
    v = _values(i, seed)
    for f in spec.form("enterprise").fields:
        if f.type == "longtext" and f.max_len:
            v[f.id] = demo._long_text(None, f.max_len)
    path = _named(Path(folder), i, v["name"])
    path.write_bytes(fill_bytes(tpl, v, "enterprise"))
    return str(path)


def _pooled(fn, folder, n, seed):
    from concurrent.futures import ProcessPoolExecutor

    from sjtx_xl import template
    tpl = template.build("enterprise")
    with ProcessPoolExecutor() as ex:
        return list(ex.map(fn, [(str(folder), i, seed, tpl) for i in range(n)], chunksize=64))


CLIENT_ORIGINALS = 12
ORIGINALS = 1000          # beyond this many, forms are copies of these with new names and credit codes


def _sources(paths):
    """(bytes, name, credit code) of each form, for copies."""
    out = []
    for p in map(Path, paths):
        with zipfile.ZipFile(p) as z:
            blob = b"".join(z.read(m) for m in z.namelist() if m.endswith(".xml"))
        name = re.search(rb"^\d{5}-(.*)\.xlsx$", p.name.encode()).group(1)
        code = re.search(rb"9[0-9A-Z]{17}", blob)
        out.append((p.read_bytes(), name, code.group(0)))
    return out


def _copies(folder, n, sources, first=0):
    """n forms copied round-robin from `sources`, each with a new name and credit code in every part."""
    from sjtx_xl import demo
    out = []
    for i in range(first, n):
        data, name, code = sources[i % len(sources)]
        new_name = name + ("%d" % i).encode()
        new_code = demo.uscc_for(code[2:8].decode(), 200000 + i).encode()
        path = _named(folder, i, new_name.decode())
        with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
            for info in src.infolist():
                body = src.read(info.filename)
                if info.filename.endswith(".xml"):
                    body = body.replace(name, new_name).replace(code, new_code)
                dst.writestr(info, body)
        out.append(str(path))
    return out


def _client_forms(folder, n, seed):
    """A few bench forms saved by LibreOffice, copied with new names and credit codes in every part."""
    import shutil

    from sjtx_xl import demo
    work = folder.parent / "client-originals"
    shutil.rmtree(work, ignore_errors=True)
    originals = [Path(p) for p in demo.generate_bulk(work / "in", CLIENT_ORIGINALS, seed)]
    saved = work / "saved"
    saved.mkdir(parents=True)
    profile = (work / "profile").as_uri()
    subprocess.run(["soffice", "-env:UserInstallation=" + profile, "--headless", "--norestore",
                    "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(saved)]
                   + [str(p) for p in originals], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    missing = [p.name for p in originals if not (saved / p.name).exists()]
    if missing:
        raise SystemExit("LibreOffice did not save %s" % ", ".join(missing))
    return _copies(folder, n, _sources([saved / p.name for p in originals]))


def _generated(fn):
    """A workload made by fn per form; beyond ORIGINALS forms, the rest are copies (new names and codes)."""
    def make(folder, n, seed):
        paths = _pooled(fn, folder, min(n, ORIGINALS), seed)
        if n > ORIGINALS:
            paths += _copies(folder, n, _sources(paths), first=ORIGINALS)
        return paths
    return make


WORKLOADS = {
    "bench": _bench_forms,
    "client": _client_forms,
    "errors": _generated(_one_error_heavy),
    "long": _generated(_one_long),
}


def zlib_floor(summary, lib=None):
    """Seconds to deflate the summary's parts at level 1, once (the writer's floor), and their size;
    with zlib, or `lib` (a module with zlib's compressobj, e.g. isal's isal_zlib)."""
    import zlib
    lib = lib or zlib
    spent = size = 0
    with zipfile.ZipFile(summary) as z:
        for m in z.namelist():                     # one part at a time: this process stays small
            body = z.read(m)
            t = time.perf_counter()
            c = lib.compressobj(1, zlib.DEFLATED, -15)
            c.compress(body)
            c.flush()
            spent += time.perf_counter() - t
            size += len(body)
            del body
    return spent, size


def report_rows(summary):
    """Data rows of the summary's 校验报告 sheets."""
    sys.path.insert(0, str(HERE.parent))
    from sjtx_xl import ooxml
    n = 0
    with zipfile.ZipFile(summary) as z:
        for title, part, _ in ooxml.sheets(z):
            if title.startswith("校验报告"):
                n += len(re.findall(rb"<row ", z.read(part))) - 4
    return n


# --------------------------------------------------------------------------- driver
# --------------------------------------------------------------------------- driver

def generate(workload, folder, n, seed):
    marker = folder / ".bench"
    want = "workload=%s n=%d seed=%d" % (workload, n, seed)
    if marker.exists() and marker.read_text() == want:
        return sorted(str(p) for p in folder.rglob("*.xlsx"))
    if folder.exists():
        import shutil
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    t = time.perf_counter()
    paths = WORKLOADS[workload](folder, n, seed)
    marker.write_text(want)
    print("generated %d %s workbooks in %.1f s" % (n, workload, time.perf_counter() - t), flush=True)
    return sorted(paths)


def mb(x):
    return x / 2**20


def run_workload(workload, a, base, workers):
    folder = base / workload / "in"
    paths = generate(workload, folder, a.n, a.seed)
    size = sum(os.path.getsize(p) for p in paths)
    lists = {}
    for name, chosen in (("all", paths), ("sample", paths[: min(a.naive_sample, len(paths))])):
        lists[name] = base / workload / ("%s.txt" % name)
        lists[name].write_text("\n".join(chosen), encoding="utf-8")
    py = sys.executable
    me = str(Path(__file__).resolve())
    print("\n== %s: %d workbooks, %.0f MB; load average %s"
          % (workload, len(paths), mb(size), " ".join("%.2f" % x for x in os.getloadavg())), flush=True)
    results = {}

    def once(key, cmd, files, ok=(0,), before=None):
        if before:
            before()
        wall, rss, pss, maxrss, text = measure(cmd, base / workload / ("%s.log" % key), ok)
        return dict(wall=wall, rss=rss, pss=pss, maxrss=maxrss, files=files, text=text)

    def keep(key, got, internal=None):
        """The round of median time (wall, or internal(text) when given) is kept, with the peak memory
        of all rounds, and each round's time (for ratios taken round by round)."""
        time_of = (lambda r: internal(r["text"])) if internal else (lambda r: r["wall"])
        r = dict(sorted(got, key=time_of)[len(got) // 2])
        for k in ("rss", "pss", "maxrss"):
            r[k] = max(g[k] for g in got)
        if internal:
            r["internal"] = time_of(r)
        r["rounds"] = [time_of(g) for g in got]
        results[key] = r
        spread = "" if len(got) == 1 else "  (median of %d: %s s)" % (len(got), " ".join(
            "%.2f" % t for t in sorted(r["rounds"])))
        print("  %-14s %8.2f s  %7.2f ms/file  tree RSS %6.0f MB  PSS %6.0f MB  max RSS %6.0f MB%s"
              % (key, r["wall"], 1000 * r["wall"] / r["files"], mb(r["rss"]), mb(r["pss"]), mb(r["maxrss"]), spread),
              flush=True)

    def run(key, cmd, files, ok=(0,)):
        keep(key, [once(key, cmd, files, ok)])

    out = base / workload / "汇总.xlsx"

    def first_merge():                            # each round a first merge, not a re-merge
        for old in [out] + list(out.parent.glob("%s.previous-*.xlsx" % out.stem)):
            old.unlink(missing_ok=True)
    phases = re.compile(r"用时 ([\d.]+) 秒（查找 ([\d.]+)，读取和校验 ([\d.]+)（(\d+) 个进程），写汇总表 ([\d.]+)）")
    inflated = lambda text: float(re.search(r"in ([\d.]+) s", text).group(1))
    # merge, the floors and naive pandas, round by round: a ratio is taken between runs minutes apart at
    # most, as this machine's speed drifts by a third within an hour (each variant's median is kept too)
    paired = [("merge", [py, "-m", "sjtx_xl.cli", "merge", str(folder), "--recursive", "-o", str(out)], len(paths),
               first_merge, None)]
    if not a.merge_only:
        paired += [(key, [py, me, "--_child", "floor", str(lists["all"]), str(w)] + extra, len(paths), None, inflated)
                   for key, w, extra in (("floor-serial", 1, []), ("floor-pool", workers, []),
                                         ("floor-pool-isal", workers, ["fast"]))
                   if key != "floor-pool-isal" or _fast_lib()]
    if not (a.skip_naive or a.merge_only):
        k = min(a.naive_sample, len(paths))
        paired.append(("naive-pandas", [py, me, "--_child", "naive-pandas", str(lists["sample"])], k, None, None))
    got = {key: [] for key, *_ in paired}
    for _ in range(a.rounds):
        for key, cmd, files, before, _internal in paired:
            got[key].append(once(key, cmd, files, before=before))
    read_phase = lambda text: sum(float(x) for x in phases.search(text).group(2, 3))
    keep("merge", got["merge"])
    total, disc, read, nproc, write = (float(x) for x in phases.search(results["merge"]["text"]).groups())
    mg = results["merge"]
    mg.update(read_phase=disc + read, write=write, internal=total,
              read_rounds=[read_phase(g["text"]) for g in got["merge"]])
    print("    inside merge: discover %.2f s, read+validate %.2f s on %d processes, write %.2f s; start-up and "
          "exit %.2f s" % (disc, read, nproc, write, mg["wall"] - total))
    zf, raw = zlib_floor(out)
    fast = _fast_lib()
    fzf = zlib_floor(out, fast)[0] if fast else None
    rows = report_rows(out)
    print("    summary: %.0f MB on disk, %.0f MB of XML; zlib level-1 floor %.2f s%s; 校验报告 %d rows"
          % (mb(os.path.getsize(out)), mb(raw), zf, ", ISA-L level-1 floor %.2f s" % fzf if fast else "", rows))
    run("re-merge", [py, "-m", "sjtx_xl.cli", "merge", str(folder), "--recursive", "-o", str(out)], len(paths))
    for kept in out.parent.glob("%s.previous-*.xlsx" % out.stem):
        kept.unlink()
    if not a.merge_only or a.with_submit:
        package = base / workload / "上报材料"
        for old in [package] + list(package.parent.glob("%s.previous-*" % package.name)):
            shutil.rmtree(old, ignore_errors=True)
        run("submit", [py, "-m", "sjtx_xl.cli", "submit", str(out), "-o", str(package), "--no-pdf"], len(paths))
        made = sum(1 for _ in package.rglob("*.xlsx"))
        shutil.rmtree(package, ignore_errors=True)
        print("    submit: %d workbooks in the package (附件3, 附件4, 未推荐名单, one 附件5/附件6 per recommended "
              "enterprise)" % made)
    if not a.merge_only:
        run("check", [py, "-m", "sjtx_xl.cli", "check", str(folder), "--json"], len(paths), ok=(0, 1))
    for key, cmd, files, before, internal in paired[1:]:
        keep(key, got[key], internal)
    if "naive-pandas" in results:
        r = results["naive-pandas"]
        r["extrapolated"] = r["wall"] * len(paths) / r["files"]
        r["extrapolated_rounds"] = [t * len(paths) / r["files"] for t in r["rounds"]]
        if r["files"] < len(paths):
            print("    naive-pandas: ~%.0f s extrapolated to %d files from %d" % (r["extrapolated"], len(paths), r["files"]))
    mg["ratios"] = ratios = _paired_ratios(results)
    lines = []
    for key, label, goal, met in (("naive", "naive pandas / merge end to end", ">= 25x at 1,000", lambda x: x >= 25),
                                  ("pool", "merge read phase / floor on the same pool", "<= 2x", lambda x: x <= 2),
                                  ("serial", "merge read phase / floor serial", "", None),
                                  ("isal", "merge read phase / ISA-L floor on the pool", "", None)):
        if key in ratios:
            value, each = ratios[key]
            lines.append((label, "%.1fx" % value, goal + ("" if len(each) == 1 else "  (rounds: %s)" % " ".join(
                "%.1f" % x for x in each)), met(value) if met else None))
    lines.append(("merge write / zlib floor", "%.1fx" % (write / zf), "", None))
    if fzf:
        lines.append(("merge write / ISA-L floor", "%.1fx" % (write / fzf), "", None))
    if workload == "errors":
        lines.append(("校验报告 rows written", "%d in %.2f s" % (rows, write), "93,000 in <= 2 s",
                      write <= 2 * max(rows, 1) / 93000))
    if workload == "bench" and len(paths) >= 15000:
        lines.append(("end to end at %d" % len(paths), "%.1f s" % mg["wall"], "<= 15 s", mg["wall"] <= 15))
    peak = max(mg["rss"], mg["pss"])
    lines.append(("peak tree memory (max of RSS, PSS sums)", "%.0f MB" % mb(peak), "<= 500 MB at 15,000",
                  mb(peak) <= 500))
    for label, value, goal, ok in lines:
        print("  %-42s %14s   %s%s" % (label, value, goal, "" if ok is None else ("  met" if ok else "  NOT met")))
    return {k: {kk: vv for kk, vv in v.items() if kk != "text"} for k, v in results.items()} | {
        "zlib_floor": zf, "isal_floor": fzf, "xml_bytes": raw, "report_rows": rows, "peak": peak}


def _paired_ratios(results):
    """{what: (median of the rounds' ratios, [each round's])}: merge against naive pandas end to end, and
    merge's read phase against each floor, each ratio between the runs of one round."""
    mg, out = results["merge"], {}
    pairs = (("naive", "naive-pandas", "extrapolated_rounds", mg["rounds"], True),
             ("pool", "floor-pool", "rounds", mg["read_rounds"], False),
             ("serial", "floor-serial", "rounds", mg["read_rounds"], False),
             ("isal", "floor-pool-isal", "rounds", mg["read_rounds"], False))
    for name, key, field, merge_times, over_merge in pairs:
        if key in results:
            each = [(t / m if over_merge else m / t) for m, t in zip(merge_times, results[key][field])]
            out[name] = (sorted(each)[len(each) // 2], each)
    return out


def _fast_lib():
    """isal's zlib API when the reader and writer use it (sjtx_xl.deflate), else None."""
    from sjtx_xl import deflate
    if deflate.BACKEND != "isal":
        return None
    from isal import isal_zlib
    return isal_zlib


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workloads", default="bench,client,errors,long")
    ap.add_argument("--dir", default=None, help="where the workbooks are kept (default: a temp folder per N)")
    ap.add_argument("--naive-sample", type=int, default=100, help="files naive pandas reads (extrapolated to N)")
    ap.add_argument("--skip-naive", action="store_true")
    ap.add_argument("--merge-only", action="store_true", help="only merge (no floors, no naive pandas): the 15,000 runs")
    ap.add_argument("--with-submit", action="store_true", help="with --merge-only: submit the summary too")
    ap.add_argument("--rounds", type=int, default=None,
                    help="rounds of merge, the floors and naive pandas, the median kept (default 3; 1 with --merge-only)")
    ap.add_argument("--_child", nargs="+", help=argparse.SUPPRESS)
    a = ap.parse_args()
    a.rounds = a.rounds or (1 if a.merge_only else 3)
    if a._child:
        what, *rest = a._child
        {"naive-pandas": naive_pandas, "floor": floor}[what](*rest)
        return 0

    from sjtx_xl.merge import default_workers
    workers = default_workers()                # merge sizes its pool the same way
    _compile_package()
    base = Path(a.dir or os.path.join(tempfile.gettempdir(), "sjtx-merge-bench-%d" % a.n))
    base.mkdir(parents=True, exist_ok=True)
    print("%s; N = %d; %d CPUs, pool of %d; Python %s; %d round(s), the median kept; load average %s"
          % (time.strftime("%Y-%m-%d %H:%M"), a.n, os.cpu_count(), workers, sys.version.split()[0], a.rounds,
             " ".join("%.2f" % x for x in os.getloadavg())), flush=True)
    summary = {}
    for w in a.workloads.split(","):
        summary[w] = run_workload(w.strip(), a, base, workers)
    (base / "results.json").write_text(json.dumps(dict(n=a.n, workers=workers, results=summary), indent=2,
                                                  default=str), encoding="utf-8")
    print("\n" + markdown(a.n, summary))
    return 0


def _compile_package():
    """Byte-compile sjtx_xl, as pip does when it installs a package (pandas' is): with
    PYTHONDONTWRITEBYTECODE set (as in some containers) an editable checkout would otherwise be
    compiled again at every start, ~0.1 s of each merge's figure that no installed copy pays."""
    import compileall
    compileall.compile_dir(str(HERE.parent / "sjtx_xl"), quiet=1)


def markdown(n, summary):
    """The README's table, from one run."""
    out = ["| Workload, %s files | merge (read / write) | naive pandas | ratio | read ÷ floor (pool) "
           "| read ÷ ISA-L floor (pool) | write ÷ zlib floor | peak tree memory | re-merge | submit | check --json |"
           % format(n, ","),
           "|---|---|---|---|---|---|---|---|---|---|---|"]
    for w, r in summary.items():
        mg = r["merge"]
        naive = r.get("naive-pandas")
        pool = r.get("floor-pool")
        fast = r.get("floor-pool-isal")
        out.append("| %s | %.2f s (%.2f / %.2f) | %s | %s | %s | %s | %.1f× | %.0f MB | %s | %s | %s |" % (
            w, mg["wall"], mg["read_phase"], mg["write"],
            "~%.0f s" % naive["extrapolated"] if naive else "—",
            "%.1f×" % mg["ratios"]["naive"][0] if naive else "—",
            "%.1f×" % mg["ratios"]["pool"][0] if pool else "—",
            "%.1f×" % mg["ratios"]["isal"][0] if fast else "—",
            mg["write"] / r["zlib_floor"], r["peak"] / 2**20,
            *("%.2f s, %.0f MB" % (r[k]["wall"], max(r[k]["rss"], r[k]["pss"]) / 2**20) if k in r else "—"
              for k in ("re-merge", "submit", "check"))))
    return "\n".join(out)


if __name__ == "__main__":
    sys.exit(main())
