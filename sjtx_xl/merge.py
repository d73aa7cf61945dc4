"""`sjtx-xl merge FOLDER`: every filled workbook in a folder -> one provincial summary workbook.

    merge(folder, output=None, recursive=False, official_list=None, keep="newest", workers=None,
          progress=None) -> MergeResult

The command line (cli.py) and the workbook (xl.py) reach it through app.py.

Steps: discover the files (check.discover); read and validate every candidate on a process pool
sized to the machine (check.check_file in the workers, which also turn each report into compact
summary rows); recognise summaries written by this command and carry their rows with provenance;
drop duplicate credit codes by the stated rule (duplicates.py); write the summary atomically (summary/).

Every file found ends as merged, rejected or skipped, with a reason for the last two.
"""
import datetime as _dt
import os
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from . import decisions, duplicates, pool, spec
from .check import check_file, discover
from .errors import OutputLockedError, UsageError
from .fsutil import BACKUP_RE
from .pool import default_workers
from .problems import problem
from .roster import load_official_list
from .summary import Entry, FileRecord, SummaryModel, prerender, prerender_file, write_summary
from .summary import data as summary_data
from .summary import parked
from .summary import spill as summary_spill
from .summary import decisions as decision_sheet
from .summary.edits import find_edits
from .summary.annex4 import MAX_PLATFORMS, warning_text
from .summary.model import (DUPLICATE_PREFIX, KEEP_RULES, MERGED, REJECTED, SKIPPED, assign_city, mtime_text,
                            share_strings, sort_key)

from .vocab import READ_STATUSES

DEFAULT_NAME = "汇总.xlsx"



# --------------------------------------------------------------------------- reading (in workers)

_ROOT = None
_OFFICIAL = None


def _init_worker(root, official, spill_folder=None):
    global _ROOT, _OFFICIAL
    _ROOT, _OFFICIAL = root, official
    summary_spill.use(spill_folder)


def _folder_parts(path, root):
    """(sub-folders of `root` down to the file, the file's path relative to `root` with "/"); the
    folder's part is worked out once per folder (pathlib is slow, and a pool worker reads thousands)."""
    folder, name = os.path.split(str(path))
    key = (folder, str(root))
    hit = _FOLDERS.get(key)
    if hit is None:
        try:
            rel = Path(folder).relative_to(root)
            hit = (rel.parts, rel.as_posix())
        except ValueError:
            hit = None
        if len(_FOLDERS) > 10000:
            _FOLDERS.clear()
        _FOLDERS[key] = hit
    if hit is None or not name:
        return _folder_parts_slow(path, root)
    parts, rel = hit
    return parts, name if rel == "." else rel + "/" + name


_FOLDERS = {}


def _folder_parts_slow(path, root):
    try:
        rel = Path(path).relative_to(root)
    except ValueError:
        return (), str(path)
    return rel.parts[:-1], rel.as_posix()


def read_file(path, root, official=None):
    """One candidate file -> FileRecord with its summary rows. Never raises for bad input."""
    rep = check_file(path, official)
    parts, rel = _folder_parts(rep.path, root)
    rec = FileRecord(path=rep.path, rel=rel, status=SKIPPED, reason=rep.reason or "", kind=rep.kind,
                     template_version=rep.template_version, problems=[p.to_dict() for p in rep.problems],
                     sha256=rep.sha256 or "", mtime=rep.mtime or 0.0, saved=rep.saved or 0.0, size=rep.size or 0,
                     read_by=rep.read_by or "")
    if rep.status in READ_STATUSES and rep.kind in spec.KINDS:
        rec.status, rec.reason = MERGED, ""
        e = Entry(kind=rep.kind, values=rep.values, conditions=dict(rep.conditions), overall=rep.overall,
                  problems=rec.problems, path=rec.path, sha256=rec.sha256, mtime=rec.mtime, saved=rec.saved, size=rec.size,
                  template_version=rec.template_version, read_by=rec.read_by, rel=rel)
        rec.entries = [prerender(assign_city(e, parts))]
    elif rep.status == "skipped":
        rec.status = SKIPPED
    elif rep.status in READ_STATUSES:                        # read, but not an enterprise or platform form
        rec.status, rec.reason = REJECTED, rep.reason or "无法识别为企业或平台申报表"
    else:
        rec.status = REJECTED
        if summary_data.is_summary(rep.path):
            _read_summary_file(rec, parts)
        if rec.status == REJECTED and not rec.reason:
            rec.reason = rec.problems[0]["message"] if rec.problems else "无法读取"
    rec = parked.for_parent(prerender_file(rec))      # what the parent does not read of every file waits on disk
    summary_spill.flush()                             # the record leaves the worker: its blobs are written
    return rec


def _read_summary_file(rec, parts):
    """A summary written by this command: carry its rows, each with its own provenance."""
    try:
        meta, entries = summary_data.read_summary(rec.path)
    except summary_data.SummaryError as e:
        rec.kind = "summary"
        rec.problems = [problem("corrupt", detail="汇总表的数据无法读取（%s）" % e, file=rec.path).to_dict()]
        rec.reason = rec.problems[0]["message"]
        return
    rec.status, rec.reason, rec.kind, rec.read_by = MERGED, "", "summary", "summary"
    rec.template_version = meta.get("template_version")
    rec.merged_folder = str(meta.get("folder") or "")
    rec.problems = []
    for kind in spec.KINDS:
        theirs = meta.get("spec_hash_" + kind)
        if theirs and theirs != spec.spec_hash(kind):
            rec.problems.append(problem(
                "inconsistent", detail="汇总表由另一版本的 sjtx-xl 生成（%s 规格 %s，本程序为 %s），各行按原样带入"
                % (kind, theirs, spec.spec_hash(kind)), hint="如需按本版本规则重新校验，请改为汇总原始申报表").to_dict())
    try:
        typed = decision_sheet.read(rec.path)
    except Exception as e:                                    # calamine raises many types
        typed = {}
        rec.problems.append(problem("inconsistent", detail="汇总表的“推荐决定”无法读取（%s），各行全部带入" % e,
                                    hint="请市（州）检查其汇总表的“推荐决定”工作表").to_dict())
    try:
        rec.problems.extend(p.to_dict() for p in find_edits(rec.path, entries))
    except Exception as e:
        rec.problems.append(problem("summary-edited", detail="无法与隐藏数据比对（%s）" % e).to_dict())
    if typed:
        _city_decisions(rec, entries, typed)
    for e in entries:
        e.via = tuple(e.via) + (rec.rel,)          # relative, as every path in a summary
        city = assign_city(Entry(kind=e.kind, values={}, conditions={}, overall=None, problems=[], path=""), parts)
        if city.city_source == "folder":                      # the province's sub-folder says whose it is
            e.city, e.city_source = city.city, "folder"
        prerender(e)
    rec.entries = entries


def _city_decisions(rec, entries, typed):
    """A city summary carries only the rows its 推荐决定 says 推荐, with the city's rank and opinion."""
    for e in entries:
        d = typed.get(decisions.entry_key(e))
        if d is not None and d.recommended:
            e.city_rank, e.city_opinion = d.rank, d.opinion
            continue
        shown = d.decision if d is not None and d.decision else "未作决定"
        e.dropped = "市（州）未推荐（推荐决定：%s）" % shown
        rec.problems.append(problem("city-not-recommended", value=e.name, detail=shown, file=rec.path).to_dict())


def _work(path):
    return read_file(path, _ROOT, _OFFICIAL)


class Progress:
    """A one-line progress bar on stderr, only when stderr is a terminal."""

    def __init__(self, total, stream=None, enabled=None):
        self.stream = stream or sys.stderr
        self.total, self.done, self.t0, self.last = total, 0, time.monotonic(), 0.0
        self.enabled = self.stream.isatty() if enabled is None else enabled

    def update(self, n=1):
        self.done += n
        now = time.monotonic()
        if self.enabled and (now - self.last > 0.1 or self.done == self.total):
            self.last = now
            width = 30
            filled = int(width * self.done / max(self.total, 1))
            self.stream.write("\r读取 [%s%s] %d/%d %3d%% %.1fs" % ("#" * filled, "." * (width - filled), self.done,
                                                             self.total, 100 * self.done // max(self.total, 1),
                                                             now - self.t0))
            self.stream.flush()

    def close(self):
        if self.enabled and self.total:
            self.stream.write("\n")
            self.stream.flush()


def read_all(paths, root, official=None, workers=None, progress=None, spill_folder=None):
    """FileRecords for `paths`, in order, read on a process pool of `workers` (default: all CPUs).
    With `spill_folder` (a summary.spill.Store's), rendered rows and long texts wait there."""
    summary_spill.use(spill_folder)
    try:
        return _read_all(paths, root, official, workers, progress, spill_folder)
    finally:
        summary_spill.use(None)


def _read_all(paths, root, official, workers, progress, spill_folder):
    global _ROOT, _OFFICIAL
    progress = progress or Progress(len(paths), enabled=False)
    texts = {}

    def each(i, rec):
        progress.update()
        return share_strings(rec, texts)
    try:
        return pool.run(_work, map(str, paths), workers, _init_worker, (str(root), official, spill_folder), each)
    finally:
        _ROOT = _OFFICIAL = None                          # this process's: the roster is not kept


# --------------------------------------------------------------------------- merging


def defer_to_cities(records):
    """A form of an enterprise or platform that a city summary also holds, beside it in the province's
    folder: the city checked and chose (择优), so a form the city did not recommend, or the very file
    the city merged, gives way to the city's row; a different (corrected) form goes to the duplicate
    rule and, if newer, replaces the values but keeps the city's rank and opinion."""
    held = {}
    for rec in records:
        if rec.status == MERGED and rec.kind == "summary":
            for e in rec.entries:
                if duplicates.identifies(e.uscc):
                    held.setdefault((e.kind, e.uscc), (rec, e))
    for rec in records:
        if rec.status != MERGED or rec.kind == "summary":
            continue
        for e in rec.entries:
            hit = held.get((e.kind, e.uscc))
            if hit is None:
                continue
            srec, se = hit
            if se.dropped or (e.sha256 and e.sha256 == se.sha256):
                e.dropped = "%s统一社会信用代码 %s 已在市（州）汇总表“%s”中（%s），以市（州）的审核和推荐决定为准" % (
                    DUPLICATE_PREFIX, e.uscc, srec.rel or srec.path, "未推荐" if se.dropped else "同一文件")
                rec.status, rec.reason = SKIPPED, e.dropped
            else:
                e.city_rank, e.city_opinion = getattr(se, "city_rank", None), getattr(se, "city_opinion", "")


def dedupe(records, keep="newest"):
    """Keep one row per (kind, valid credit code) by duplicates.newest (or the first found with
    keep='first'); the others are marked dropped and their files skipped."""
    if keep not in KEEP_RULES:
        raise UsageError("--keep 只能是 newest 或 first")
    rows = [((fi, ei), rec, e) for fi, rec in enumerate(records) if rec.status == MERGED
            for ei, e in enumerate(rec.entries) if not e.dropped]
    for (kind, code), group in duplicates.groups(rows, lambda g: g[2].kind, lambda g: g[2].uscc).items():
        if keep == "newest":
            winner, basis = duplicates.newest(group, lambda g: g[2].saved, lambda g: g[2].mtime,
                                              lambda g: (g[2].path, g[0]))
        else:
            winner, basis = group[0], duplicates.ORDER
        _, wrec, w = winner
        for _, rec, e in group:
            if e is w:
                continue
            e.dropped = "%s统一社会信用代码 %s 与“%s”相同，按规则保留后者（%s）" % (
                DUPLICATE_PREFIX, code, w.rel or w.path, duplicates.reason(basis, w.saved, w.mtime))
            if rec.kind != "summary":
                rec.status, rec.reason = SKIPPED, e.dropped
        others = "、".join(os.path.basename(e.path) for _, _, e in group if e is not w)
        field = spec.form(kind).field("uscc")
        sheet = spec.layout(kind).sheet_title[field.sheet]
        w.problems.append(problem("duplicate-uscc", value=code, detail=others, sheet=sheet,
                                                cell=field.cell, field=field.id, label=field.label).to_dict())


@dataclass
class MergeResult:
    output: str
    model: SummaryModel
    counts: dict
    notices: list
    timings: dict = None                    # seconds per phase: discover, read, prepare, write, total
    missing: object = None                  # app.MissingResult when an enterprise list was given
    decisions: dict = None                  # previous summary, its kept copy, carried/default counts, lost

    def frames(self):
        """{table: pandas DataFrame}: 附件3–6, 资格审查, the problem list and the file accounting."""
        from .frames import summary_frames               # late: frames import pandas
        return summary_frames(self.model)

    @property
    def rejected_or_errors(self):
        m = self.model
        return (any(f.status == REJECTED or (f.status == MERGED and f.errors) for f in m.files)
                or any(e.errors for e in m.enterprises + m.platforms))

    def to_dict(self, lazy=False):
        """The JSON of `sjtx-xl merge --json`: the shape of `sjtx-xl check --json` plus output and counts.

        With `lazy`, problems parked on disk (summary.parked) stay parked lists, read back only as
        they are iterated: for render.write_json, which streams them (json's C encoder, used by
        json.dumps without indent, would not see them: it reads a list's own storage)."""
        listed = (lambda ps: ps) if lazy else list
        files = []
        n_err = n_warn = 0
        by_type = {}
        for f in self.model.files:
            d = {"path": f.path, "kind": f.kind, "template_version": f.template_version, "status": f.status,
                 "reason": f.reason, "errors": listed(f.problems), "read_by": f.read_by or None,
                 "sha256": f.sha256 or None, "size": f.size, "mtime": mtime_text(f.mtime) or None,
                 "saved": mtime_text(f.saved) or None, "error_count": len(f.errors),
                 "warning_count": len(f.problems) - len(f.errors)}
            if f.kind in spec.KINDS and f.entries:                 # as in `sjtx-xl check --json`
                d["conditions"], d["overall"] = f.entries[0].conditions, f.entries[0].overall
            rows = f.entries if f.kind == "summary" else []
            if rows:
                d["rows"] = [{"path": e.path, "kind": e.kind, "name": e.name, "uscc": e.uscc, "city": e.city,
                              "status": SKIPPED if e.dropped else MERGED, "reason": e.dropped,
                              "errors": listed(e.problems), "sha256": e.sha256, "via": list(e.via)} for e in rows]
            files.append(d)
            for problems in [f.problems] + [e.problems for e in rows]:
                for ptype, severity, n in parked.problem_counts(problems):   # counted without reading them back
                    n_err += n if severity == "error" else 0
                    n_warn += n if severity == "warning" else 0
                    by_type[ptype] = by_type.get(ptype, 0) + n
        stats = dict(self.counts, files=self.counts["found"], errors=n_err, warnings=n_warn,
                     by_type=dict(sorted(by_type.items())))
        return {"valid": not self.rejected_or_errors, "output": self.output, "keep": self.model.keep,
                "keep_rule": self.model.keep_rule, "counts": self.counts, "notices": self.notices,
                "timings": self.timings, "decisions": self.decisions, "files": files, "stats": stats,
                "missing": self.missing.to_dict() if self.missing is not None else None}


def _same_file(a, b):
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.abspath(a) == os.path.abspath(b)


def backup_path(output, now=None):
    """Where a re-merge keeps the summary it replaces: 汇总.previous-20261201-061500.xlsx beside it."""
    stamp = (now or _dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    p, n = output.with_name("%s.previous-%s.xlsx" % (output.stem, stamp)), 1
    while p.exists():
        n += 1
        p = output.with_name("%s.previous-%s-%d.xlsx" % (output.stem, stamp, n))
    return p


OWN_SUMMARY = "本文件夹以前的汇总结果（其中各行的申报表都在本次汇总的文件夹中），不作为输入"


def skip_own_summaries(records, folder_name):
    """A summary made from this very folder (its rows' forms are all found again here: e.g. the default
    FOLDER/汇总.xlsx when the output now goes elsewhere) is not a city's summary: merging it would
    count every form twice and report the rows it did not recommend as a city's choice."""
    forms = {r.rel for r in records if r.status == MERGED and r.kind != "summary"}
    for r in records:
        if r.status == MERGED and r.kind == "summary" and r.entries and forms and r.merged_folder == folder_name \
                and all(e.rel in forms for e in r.entries if len(e.via) <= 1):
            r.status, r.reason, r.entries = SKIPPED, OWN_SUMMARY, []


def previous_summary(output, previous=None):
    """The summary whose typed decisions a re-merge carries over (`previous`, else `output` when it
    is a summary), or None; UsageError when `previous` is not one. Cheap: only its _meta is read."""
    if previous is not None:
        path = Path(previous)
        if not path.is_file():
            raise UsageError("找不到上次的汇总表：%s" % previous)
        if not summary_data.is_summary(path):
            raise UsageError("%s 不是本系统生成的汇总表，无法从中带回推荐决定" % previous)
        return path
    if output.is_file() and summary_data.is_summary(output):
        return output
    return None


def previous_decisions(output, previous=None):
    """(path, {key: Decision}, notices) of the summary whose typed decisions a re-merge carries over."""
    path = previous_summary(output, previous)
    return (path,) + read_decisions(path)


def read_decisions(path):
    """({key: Decision}, notices) typed on the summary at `path` (None: none)."""
    if path is None:
        return {}, []
    try:
        typed = decision_sheet.read(path)
    except Exception as e:                                    # calamine raises many types
        return {}, [problem("inconsistent", detail="上次汇总表的“推荐决定”无法读取（%s），本次按默认决定" % e,
                            hint="上次的汇总表已原样保留，可从中手工核对").to_dict()]
    return typed, _deleted_rows(path, typed)


def _deleted_rows(path, typed):
    """Notices for the rows deleted from the previous summary's 推荐决定 (decisions.deleted_rows)."""
    if not typed:                                             # no sheet (older summary) or nothing typed
        return []
    try:
        _, held = summary_data.read_summary(path, light=True)      # who the rows were, nothing else
    except summary_data.SummaryError:
        return []
    return [problem("decision-row-deleted", value=e.name or e.uscc).to_dict()
            for e in decisions.deleted_rows(typed, held)]


def merge(folder, output=None, recursive=False, official_list=None, keep="newest", workers=None, progress=None,
          previous=None):
    """Merge every workbook in `folder` into the summary workbook `output` (default FOLDER/汇总.xlsx).

    When `output` already is a summary (or `previous` names one), the decisions typed on its 推荐决定
    sheet are carried over by credit code, and the file is kept as a copy before it is replaced.
    """
    t0 = time.monotonic()
    folder = Path(folder)
    if not folder.is_dir():
        raise UsageError("找不到文件夹：%s" % folder)
    output = Path(output) if output else folder / DEFAULT_NAME
    if output.suffix.lower() != ".xlsx":
        raise UsageError("汇总表的文件名应以 .xlsx 结尾：%s" % output)
    if output.is_dir():
        raise UsageError("%s 是文件夹，请给出汇总表的文件名" % output)
    if keep not in KEEP_RULES:
        raise UsageError("--keep 只能是 newest 或 first")
    official = load_official_list(official_list) if official_list else None
    prev_path = previous_summary(output, previous)      # its decisions are read after the files (below)
    root = folder.absolute()
    found = discover([folder], recursive)
    records = [None] * len(found)
    todo = []
    output_exists = output.exists()
    for i, (p, why) in enumerate(found):
        if output_exists and p.is_file() and _same_file(p, output):
            records[i] = FileRecord(path=str(p), rel=_folder_parts(p, root)[1], status=SKIPPED,
                                    reason="本命令要写入的汇总表（上次汇总的结果），不作为输入")
        elif BACKUP_RE.match(p.name) or (prev_path is not None and p.is_file() and _same_file(p, prev_path)):
            records[i] = FileRecord(path=str(p), rel=_folder_parts(p, root)[1], status=SKIPPED,
                                    reason="以前汇总结果的备份（重新汇总时保留），不作为输入")
        elif why:
            records[i] = FileRecord(path=str(p), rel=_folder_parts(p, root)[1], status=SKIPPED, reason=why)
        else:
            todo.append(i)
    t_found = time.monotonic()
    progress = progress if progress is not None else Progress(len(todo))
    store = summary_spill.Store()             # rows and long texts wait on disk until the summary is written
    try:
        for i, rec in zip(todo, read_all([found[i][0] for i in todo], root, official, workers, progress,
                                         store.folder)):
            records[i] = rec
    finally:
        progress.close()
    # read now, not before the pool forks: what reading a 15,000-row summary leaves in the heap would be
    # counted again in each worker
    prev, notices = read_decisions(prev_path)
    t_read = time.monotonic()
    skip_own_summaries(records, root.name)
    defer_to_cities(records)
    dedupe(records, keep)
    enterprises, platforms, carried = [], [], []
    for rec in records:
        if rec.status != MERGED and rec.kind != "summary":
            continue
        for e in rec.entries:
            if e.dropped or rec.status != MERGED:
                continue
            (enterprises if e.kind == "enterprise" else platforms).append(e)
            if e.via:
                carried.append(e)
    enterprises.sort(key=sort_key)
    platforms.sort(key=sort_key)
    model = SummaryModel(enterprises=enterprises, platforms=platforms, files=records, keep=keep, root=str(root),
                         carried=carried, spill=store)
    model.notices += [n["message"] for n in notices if n["type"] == "decision-row-deleted"]
    lost = decisions.apply(enterprises + platforms, prev)
    model.lost_decisions = lost
    for d in lost:
        notices.append(problem("decision-orphaned", value=d.name or d.uscc, detail=decision_text(d)).to_dict())
    if len(platforms) > MAX_PLATFORMS:                      # 三(二)：全省精选不超过3家
        notices.append(problem("too-many-platforms", value=len(platforms)).to_dict())
        model.notices.append(warning_text(len(platforms)))
    t_prepared = time.monotonic()
    kept = None
    if output.is_file():                                     # nothing the official typed is lost
        kept = backup_path(output)
        shutil.copy2(output, kept)
    try:
        try:
            write_summary(output, model)
        except OutputLockedError:
            raise
        except PermissionError as e:
            raise OutputLockedError("无法写入 %s（%s）：请换一个有写入权限的位置或文件名，例如 %s" % (
                output, e.strerror or e, Path.home() / output.name)) from e
    except BaseException:
        if kept is not None:                                 # the summary was not replaced: no copy needed
            kept.unlink()
        raise
    t_end = time.monotonic()
    timings = {"discover": t_found - t0, "read": t_read - t_found, "prepare": t_prepared - t_read,
               "write": t_end - t_prepared, "total": t_end - t0, "workers": min(workers or default_workers(), len(todo))}
    rows = enterprises + platforms
    carried = sum(1 for e in rows if e.decision.carried)
    summary_of_decisions = {
        "previous": str(prev_path) if prev_path else None, "kept_copy": str(kept) if kept else None,
        "carried": carried, "defaults": len(rows) - carried, "lost": [d.to_dict() for d in lost],
        "recommended": sum(1 for e in rows if e.decision.recommended)}
    return MergeResult(output=str(output.resolve()), model=model, counts=model.counts(), notices=notices,
                       timings=timings, decisions=summary_of_decisions)


def decision_text(d):
    parts = [d.decision or "未作决定"]
    if d.rank not in (None, ""):
        parts.append("排序%s" % d.rank)
    if d.opinion:
        parts.append("意见：%s" % d.opinion)
    return "，".join(parts)
