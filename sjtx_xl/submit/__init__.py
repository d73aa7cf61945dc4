"""The submission package: from a summary the official has decided on to the folder that is sent.

    build(summary, output, pdf=True) -> SubmitResult

The rows come from the summary's _data (what the forms said) and the decisions from its 推荐决定
sheet (what the official typed). The folder holds:
    附件3 … .xlsx/.pdf      the recommended enterprises, in rank order, numbered from 1
    附件4 … .xlsx/.pdf      the recommended platforms, likewise
    附件5、附件6（…）/      one file per recommended enterprise, official layout (and its PDF)
    推荐请示（草稿）.docx    counts per city, the lists, blanks for 文号 and date
    未推荐名单.xlsx          everyone else, with the reason
No file names a local path or carries data the forms did not ask for. The folder is written
beside its final place and swapped in at the end; an earlier package is kept as a copy.
"""
import datetime as _dt
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import List, Optional

from .. import decisions, pool, vocab
from ..errors import UsageError
from ..problems import problem
from ..summary import annex3, annex4
from ..summary import data as summary_data
from ..summary import spill
from ..summary import decisions as sheet
from ..summary.edits import find_edits
from ..summary.model import Entry, sort_key
from ..verdicts import deciding_facts
from . import forms, letter, lists
from . import pdf as pdfs

ANNEX3_FILE = "附件3 重点“小巨人”企业名单汇总表.xlsx"
ANNEX4_FILE = "附件4 公共服务示范平台名单汇总表.xlsx"
FORMS_DIR = "附件5、附件6（每家企业单独装订）"
LETTER_FILE = "推荐请示（草稿）.docx"
OTHERS_FILE = "未推荐名单.xlsx"
MAX_PLATFORMS = 3                                   # 三(二)：全省精选不超过3家
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


@dataclass
class SubmitResult:
    output: Path
    enterprises: list                               # recommended Entry rows, in rank order
    platforms: list
    not_recommended: list                           # (Entry, Decision, verdict label, reason)
    files: List[str] = field(default_factory=list)  # written, relative to output (posix)
    pdfs: dict = field(default_factory=dict)        # xlsx (relative) -> pdf (relative) or why not
    pdf_note: Optional[str] = None                  # why there are no PDFs at all
    warnings: list = field(default_factory=list)    # Problem dicts the official should read
    counts: list = field(default_factory=list)      # [(city, enterprises, platforms)]
    attachments: int = 0                            # 附页 written for texts too long for their row
    kept: Optional[Path] = None                     # the earlier package, kept

    @property
    def exit_code(self):
        return vocab.EXIT_OK

    def to_dict(self):
        def row(e):
            d = e.decision
            return {"kind": e.kind, "name": e.name, "uscc": e.uscc, "city": e.city, "rank": d.rank,
                    "opinion": d.opinion}
        return {"output": str(self.output), "files": self.files, "pdfs": {k: str(v) for k, v in self.pdfs.items()},
                "pdf_note": self.pdf_note, "enterprises": [row(e) for e in self.enterprises],
                "platforms": [row(e) for e in self.platforms],
                "not_recommended": [{"kind": e.kind, "name": e.name, "uscc": e.uscc, "city": e.city,
                                     "decision": d.decision, "verdict": v, "reason": why}
                                    for e, d, v, why in self.not_recommended],
                "counts": [{"city": c, "enterprises": ne, "platforms": np_} for c, ne, np_ in self.counts],
                "warnings": self.warnings, "attachments": self.attachments,
                "kept": str(self.kept) if self.kept else None}


def safe_name(text, limit=60):
    return _UNSAFE.sub("_", text).strip(" .")[:limit] or "未命名"


def _rank_key(item):
    i, e = item
    r = e.decision.rank
    return (0, r, i) if isinstance(r, int) else (1, 0, i)


def _reason(e, d, a):
    parts = []
    if d.opinion:
        parts.append(d.opinion)
    if d.decision not in vocab.DECISIONS:
        parts.append("推荐决定为“%s”，不是“推荐”" % d.decision if d.decision else "未作推荐决定")
    elif d.decision == vocab.UNDECIDED:
        parts.append("待定（尚未决定）")
    facts = deciding_facts(e.kind, e.conditions, a)
    if facts:
        parts.append("资格审查%s：%s" % (a.label, facts))
    elif not d.opinion:
        parts.append("资格审查%s，未推荐" % a.label)
    return "；".join(parts)


def decide(summary):
    """(entries with .decision set, warnings) of a summary: typed decisions, else the defaults."""
    store = spill.Store()                     # long texts wait on disk (kept while a value refers to them)
    spill.use(store.folder)
    try:
        _, entries = summary_data.read_summary(summary, slim=True)     # no problem is written out
    except summary_data.SummaryError as e:
        raise UsageError("无法读取汇总表 %s：%s" % (summary, e))
    finally:
        spill.use(None)
    try:
        typed = sheet.read(summary)
    except Exception as e:                                    # calamine raises many types
        raise UsageError("无法读取汇总表的“推荐决定”工作表：%s" % e)
    try:
        warnings = [p.to_dict() for p in find_edits(summary, entries, workers=None)]   # a big one on the pool
    except Exception as e:                                    # a broken sheet: said, not raised
        warnings = [problem("summary-edited", detail="无法与隐藏数据比对（%s）" % e).to_dict()]
    for p in warnings:
        p["file"] = Path(summary).name
    if not typed:
        warnings.append(problem("inconsistent", detail="汇总表没有“推荐决定”工作表，按资格审查结论的默认决定生成",
                                hint="请用本版本 sjtx-xl 重新汇总，在“推荐决定”中作出决定后再生成").to_dict())
    warnings += [problem("decision-row-deleted", value=e.name or e.uscc).to_dict()
                 for e in decisions.deleted_rows(typed, entries)]
    entries.sort(key=sort_key)
    for e in entries:
        d = typed.get(decisions.entry_key(e))
        e.decision = d if d is not None else decisions.default(e)
    return entries, warnings


def build(summary, output, pdf=True):
    """Write the submission package of `summary` into the folder `output`."""
    summary, output = Path(summary), Path(output)
    if not summary.is_file():
        raise UsageError("找不到汇总表：%s" % summary)
    if output.exists() and not output.is_dir():
        raise UsageError("%s 已存在且不是文件夹" % output)
    entries, warnings = decide(summary)
    chosen = {"enterprise": [], "platform": []}
    others = []
    for i, e in enumerate(entries):
        a = e.assess()                       # the summary row's own verdict, made once
        d = e.decision
        if len(d.opinion or "") > decisions.MAX_OPINION:
            warnings.append(problem("opinion-too-long", value=e.name, detail=len(d.opinion)).to_dict())
        if d.decision and d.decision not in vocab.DECISIONS:
            warnings.append(problem("decision-invalid", value=e.name, detail=d.decision).to_dict())
        if d.recommended:
            chosen[e.kind].append((i, e))
            if a.verdict in (vocab.INELIGIBLE, vocab.CORRECTABLE):
                warnings.append(problem("recommended-ineligible" if a.verdict == vocab.INELIGIBLE
                                        else "recommended-correctable", value=e.name,
                                        detail=deciding_facts(e.kind, e.conditions, a) or a.label).to_dict())
            if not isinstance(d.rank, int) or d.rank < 1:
                warnings.append(problem("rank-invalid", value=e.name, detail=d.rank if d.rank is not None else "空").to_dict())
        else:
            others.append((e, d, a.label, _reason(e, d, a)))
    for kind, rows in chosen.items():
        seen = {}
        for _, e in rows:
            r = e.decision.rank
            if isinstance(r, int) and r in seen:
                warnings.append(problem("rank-duplicate", value=r, detail="%s、%s" % (seen[r], e.name)).to_dict())
            seen.setdefault(r, e.name)
    pending = [e.name for e, d, _, _ in others if d.decision == vocab.UNDECIDED]
    if pending:
        warnings.append(problem("decisions-pending", value=len(pending), detail="、".join(pending[:20])
                                + ("等" if len(pending) > 20 else "")).to_dict())
    ent = [e for _, e in sorted(chosen["enterprise"], key=_rank_key)]
    plat = [e for _, e in sorted(chosen["platform"], key=_rank_key)]
    if len(plat) > MAX_PLATFORMS:
        warnings.append(problem("too-many-platforms", value=len(plat)).to_dict())
    result = SubmitResult(output=output, enterprises=ent, platforms=plat, not_recommended=others, warnings=warnings)
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".%s.tmp-" % safe_name(output.name, 20), dir=str(output.parent)))
    try:
        n = len(lists.write_annex(tmp / ANNEX3_FILE, annex3, ent, annex3.NOTES))
        n += len(lists.write_annex(tmp / ANNEX4_FILE, annex4, plat))
        forms_dir = tmp / FORMS_DIR
        forms_dir.mkdir()
        enterprise_files = [forms_dir / ("%02d %s.xlsx" % (i, safe_name(e.name))) for i, e in enumerate(ent, 1)]
        n += sum(pool.run(_write_form, zip(map(str, enterprise_files), (_form_entry(e) for e in ent))))
        level = "province" if any(e.via for e in entries) else "city"      # rows carried from city summaries
        result.counts = letter.write_letter(tmp / LETTER_FILE, ent, plat, level)
        lists.write_not_recommended(tmp / OTHERS_FILE, others)
        result.attachments = n
        if pdf:
            result.pdf_note = pdfs.unavailable()
            if result.pdf_note is None:
                for group, folder in (([tmp / ANNEX3_FILE, tmp / ANNEX4_FILE], tmp), (enterprise_files, forms_dir)):
                    for src, made in pdfs.convert(group, folder).items():
                        rel = src.relative_to(tmp).as_posix()
                        result.pdfs[rel] = made.relative_to(tmp).as_posix() if isinstance(made, Path) else made
                        if not isinstance(made, Path):
                            warnings.append(problem("pdf-failed", value=rel, detail=made).to_dict())
        else:
            result.pdf_note = "按要求未生成PDF"
        result.files = sorted(p.relative_to(tmp).as_posix() for p in tmp.rglob("*") if p.is_file())
        result.kept = _swap(tmp, output)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return result


def _form_entry(e):
    """What an enterprise's 附件5/附件6 workbook is written from (name and values), for a worker; parked
    values (parked.ParkedValues, spill.SpilledValues) cross as references and are read back there."""
    values = e.values if isinstance(e.values, spill.PartlyHeld) else dict(e.values)
    return Entry(kind=e.kind, values=values, conditions={}, overall=None, problems=[], path="")


def _write_form(item):
    """One enterprise's workbook (in a pool worker: hundreds of them are a province's package);
    the number of its attached pages."""
    path, e = item
    return len(forms.write_enterprise(path, e))


def _swap(tmp, output):
    """Put the new package in place; an earlier one is kept as OUTPUT.previous-<time>."""
    kept = None
    if output.exists():
        if not any(output.iterdir()):
            output.rmdir()
        else:
            stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
            kept = output.with_name("%s.previous-%s" % (output.name, stamp))
            n = 1
            while kept.exists():
                n += 1
                kept = output.with_name("%s.previous-%s-%d" % (output.name, stamp, n))
            output.rename(kept)
    tmp.rename(output)
    return kept
