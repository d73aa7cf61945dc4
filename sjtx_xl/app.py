"""The use cases of sjtx-xl, each returning a result object; the one layer both front ends call.

    check(paths, official_list=None, feedback=None)        -> CheckResult
    merge(folder, output=None, ..., enterprise_list=None)  -> merge.MergeResult (.missing, .frames())
    submit(summary, output=None, pdf=True)                  -> submit.SubmitResult  (the package to send)
    templates(folder, enterprise_list=None)                -> TemplatesResult   (blank + pre-filled)
    missing(enterprise_list, sources)                      -> MissingResult     (未报送)
    summary_frames(path)                                   -> {table: DataFrame} of a summary workbook
    fields()                                               -> the data dictionary (dict)
    lint(paths) -> LintResult; fill(template, values, output) -> Path
    build_workbook(output) -> Path; install_workbook(dest) -> Path; demo(dir) -> DemoResult

`cli.py` parses arguments and `xl.py` reads the officials' workbook; both call these and show the
result through `render.py`. Errors a user can fix are raised as errors.UsageError (exit code 2);
problems in the files are data inside the results. The modules that compile the spec or load a
spreadsheet library (check, merge, template, workbook: 0.05–0.25 s each) are imported inside the
use case that needs them, so `sjtx-xl --help` and `sjtx-xl fields` start quickly; each such
import says so.
"""
import datetime as _dt
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import List, Optional

from . import ooxml, render, roster
from .errors import UsageError
from .vocab import EXIT_INVALID, EXIT_OK, EXIT_USAGE

DEFAULT_TEMPLATE_DIR = Path("~") / "sjtx-xl" / "模板"


# --------------------------------------------------------------------------- check

@dataclass
class CheckResult:
    report: object                          # report.Report over check.FileReport
    targets: list
    feedback: list = field(default_factory=list)     # feedback workbooks written
    feedback_dir: Optional[Path] = None

    @property
    def valid(self):
        return self.report.valid

    @property
    def exit_code(self):
        return EXIT_OK if self.valid else EXIT_INVALID

    @property
    def single(self):
        """The one file checked when the target was a single file, else None."""
        t = self.targets[0] if len(self.targets) == 1 else None
        return Path(t) if t is not None and Path(t).is_file() else None

    def to_dict(self, lazy=False):
        return self.report.to_dict(lazy=lazy)

    def frames(self):
        """{"问题": one row per problem (and per file without problems)} as pandas DataFrames."""
        problems, counts = render.check_tables(self)
        return {"问题": problems.to_frame(), "统计": counts.to_frame()}


def check(paths, official_list=None, feedback=None, recursive=True, require_files=False):
    """Check files and folders; with `feedback`, one feedback workbook per file into that folder.
    `require_files`: a folder without any candidate workbook is a usage error (the workbook's button)."""
    from .check import check_paths, discover          # late: the reader and the spec (start-up time)
    official = roster.load_official_list(official_list) if official_list else None
    fd = Path(feedback) if feedback else None
    if fd is not None and fd.exists() and not fd.is_dir():
        raise UsageError("--feedback 需要一个文件夹：%s" % feedback)
    if require_files:
        for p in paths:
            if Path(p).is_dir() and not [f for f, why in discover([p], recursive) if not why]:
                raise UsageError("文件夹中没有找到Excel申报表（.xlsx）：%s" % p)
    result = CheckResult(check_paths(paths, official=official, recursive=recursive), list(paths), feedback_dir=fd)
    if fd is not None:
        from .feedback import write_feedback_dir      # late: XlsxWriter (start-up time)
        try:
            result.feedback = write_feedback_dir(result.report, fd)
        except OSError as e:
            raise UsageError("无法写入反馈表文件夹 %s：%s" % (feedback, e.strerror or e))
    return result


# --------------------------------------------------------------------------- who has not submitted

@dataclass
class MissingResult:
    """The enterprises of a list that have no submission among `sources` (未报送)."""
    listing: Path
    listed: list                            # roster.Listed
    missing: list                           # roster.Listed, in list order
    sources: list = field(default_factory=list)

    @property
    def exit_code(self):
        return EXIT_INVALID if self.missing else EXIT_OK

    def to_dict(self):
        return {"listing": str(self.listing), "sources": [str(s) for s in self.sources], "listed": len(self.listed),
                "submitted": len(self.listed) - len(self.missing), "missing": [e.to_dict() for e in self.missing]}

    def frames(self):
        rows, counts = render.missing_tables(self)
        return {"未报送": rows.to_frame(), "统计": counts.to_frame()}


def _missing(listing, listed, rows, sources):
    submitted = [(e.name, e.uscc) for e in rows if e.kind == "enterprise"]
    return MissingResult(Path(listing), listed, roster.not_submitted(listed, submitted), list(sources))


def missing(enterprise_list, sources, recursive=True):
    """未报送: who is on the list but has no enterprise form among `sources` (folders, filled forms or
    summary workbooks, read as `merge` reads them: a city summary counts with all its rows)."""
    from .check import discover                       # late: the reader and the spec (start-up time)
    from .merge import MERGED, read_all               # late: the summary writers (start-up time)
    listed = roster.read_enterprise_list(enterprise_list)
    rows = []
    for src in sources:
        src = Path(src)
        found = [p for p, why in discover([src], recursive) if not why]
        root = (src if src.is_dir() else src.parent).absolute()
        for rec in read_all(found, root):
            if rec.status == MERGED:
                rows.extend(rec.entries)
    return _missing(enterprise_list, listed, rows, sources)


# --------------------------------------------------------------------------- merge

def merge(folder, output=None, recursive=False, official_list=None, keep="newest", enterprise_list=None,
          require_files=False, workers=None, progress=None, previous=None):
    """Merge a folder into a summary workbook (merge.merge); with `enterprise_list`, also find who
    on the list has not submitted (result.missing). The list is read first, so a bad list fails
    before the long part."""
    from . import merge as merging                    # late: the summary writers (start-up time)
    from .check import discover                       # late: the reader and the spec (start-up time)
    if require_files and Path(folder).is_dir() and not [p for p, why in discover([folder], True) if not why]:
        raise UsageError("文件夹中没有找到Excel申报表（.xlsx）：%s" % folder)
    listed = roster.read_enterprise_list(enterprise_list) if enterprise_list else None
    result = merging.merge(folder, output=output, recursive=recursive, official_list=official_list, keep=keep,
                           workers=workers, progress=progress, previous=previous)
    if listed is not None:
        result.missing = _missing(enterprise_list, listed, result.model.enterprises, [folder])
    return result


def submit(summary, output=None, pdf=True):
    """The submission package of a decided summary (submit.build): 附件3/4 of the recommended rows in
    rank order, each enterprise's 附件5/6, PDFs where LibreOffice is installed, the 推荐请示 draft
    and the list of those not recommended. Default folder: 上报材料 beside the summary."""
    from .submit import build                          # late: XlsxWriter, python-docx (start-up time)
    summary = Path(summary)
    return build(summary, Path(output) if output else summary.with_name("上报材料"), pdf=pdf)


def summary_frames(path):
    """{table: DataFrame} of a summary workbook written by `merge` (read back from its _data sheet)."""
    from .frames import summary_frames as frames      # late: the summary writers and pandas (start-up time)
    from . import decisions                           # late, with the summary modules below
    from .summary import decisions as decision_sheet  # late: the summary writers (start-up time)
    from .summary.data import read_summary
    from .summary.model import SummaryModel, sort_key
    _, entries = read_summary(path)
    rows = sorted(entries, key=sort_key)
    typed = decision_sheet.read(path)                  # what the official typed on 推荐决定
    decisions.deleted_rows(typed, rows)                # a deleted row is 不推荐, as merge and submit read it
    decisions.apply(rows, typed)
    model = SummaryModel(enterprises=[e for e in rows if e.kind == "enterprise"],
                         platforms=[e for e in rows if e.kind == "platform"], files=[])
    return frames(model)


# --------------------------------------------------------------------------- templates

@dataclass
class TemplateFile:
    path: Path
    kind: str
    listed: object = None                   # roster.Listed for a pre-filled template, else None


@dataclass
class TemplatesResult:
    folder: Path
    files: List[TemplateFile]
    listing: Optional[Path] = None

    @property
    def blank_count(self):
        return sum(1 for t in self.files if t.listed is None)

    @property
    def prefilled_count(self):
        return sum(1 for t in self.files if t.listed is not None)

    @property
    def flagged(self):
        return sum(1 for t in self.files if t.listed is not None and t.listed.notes)

    def to_dict(self):
        return {"folder": str(self.folder), "listing": str(self.listing) if self.listing else None,
                "files": [{"path": str(t.path), "kind": t.kind, "prefilled": t.listed.to_dict() if t.listed else None}
                          for t in self.files]}

    def frames(self):
        files, counts = render.templates_tables(self)
        return {"文件": files.to_frame(), "统计": counts.to_frame()}


def template_folder(out):
    """The folder templates go to: blank -> ~/sjtx-xl/模板; a workbook path -> its folder."""
    out = Path(os.path.expanduser(str(out if out else DEFAULT_TEMPLATE_DIR)))
    if out.suffix.lower() in (".xlsx", ".xlsm", ".xls", ".et") and not out.is_dir():
        out = out.parent
    if out.exists() and not out.is_dir():
        raise UsageError("“输出文件”应为文件夹（用于保存模板），实际是文件：%s" % out)
    out.mkdir(parents=True, exist_ok=True)
    return out


def templates(folder, enterprise_list=None, blank=True):
    """Blank templates into `folder`, and with `enterprise_list` one pre-filled enterprise template
    per listed enterprise (名称, 信用代码, 批次), named after it."""
    from . import spec                                # late: compiling the spec (start-up time)
    from .fill import fill_bytes
    from .fsutil import atomic_write_bytes
    from .template import build, filename             # late: openpyxl (start-up time)
    listed = roster.read_enterprise_list(enterprise_list) if enterprise_list else []
    folder = template_folder(folder)
    files = []
    if blank:
        for kind in spec.KINDS:
            files.append(TemplateFile(atomic_write_bytes(folder / filename(kind), build(kind)), kind))
    if listed:
        empty = build("enterprise")
        # a pre-filled template is not a submission: it keeps the template's own save time (and
        # bytes that do not depend on the clock); the enterprise's save stamps its own
        made = ooxml.last_saved(empty).replace(tzinfo=_dt.timezone.utc)
        stem = Path(filename("enterprise")).stem
        used = set()
        for e in listed:
            values = {k: v for k, v in (("name", e.name), ("uscc", e.uscc), ("batch", e.batch)) if v}
            data = fill_bytes(empty, values, kind="enterprise", saved=made)
            files.append(TemplateFile(atomic_write_bytes(folder / _unique_name(stem, e, used), data), "enterprise", e))
    return TemplatesResult(folder, files, Path(enterprise_list) if enterprise_list else None)


def _unique_name(stem, e, used):
    bad = re.compile(r'[\\/:*?"<>|\x00-\x1f]')
    base = bad.sub("_", e.name).strip(" .")[:80] or "企业"
    name = "%s_%s.xlsx" % (stem, base)
    if name.lower() in used and e.uscc:
        name = "%s_%s_%s.xlsx" % (stem, base, bad.sub("_", e.uscc))
    k = 2
    while name.lower() in used:
        name = "%s_%s_%d.xlsx" % (stem, base, k)
        k += 1
    used.add(name.lower())
    return name


# --------------------------------------------------------------------------- small jobs

def fields():
    """The data dictionary of both forms: every field and every 自检 output cell."""
    from . import spec                                # late: compiling the spec (start-up time)
    from .rules import FIELD_RULES, data_validation
    out = {"template_versions": dict(spec.TEMPLATE_VERSIONS), "fields": [], "selfcheck": []}
    for kind in spec.KINDS:
        f, lay = spec.form(kind), spec.layout(kind)
        for fl in f.fields:
            rule = FIELD_RULES[fl.type]
            dv = data_validation(fl, fl.cell, lay.names)
            out["fields"].append({
                "id": fl.id, "label": fl.label, "kind": kind, "sheet": lay.sheet_title[fl.sheet],
                "cell": fl.cell, "name": fl.name, "type": fl.type, "unit": fl.unit,
                "required": fl.required, "required_if": list(fl.required_if) if fl.required_if else None,
                "form_part": fl.form_part, "aid": fl.aid, "indicator": fl.indicator, "period": fl.period,
                "clause": fl.clause, "choices": list(f.lists[fl.choices]) if fl.choices else None,
                "rules": {"validation": dv, "accepts": rule.describe(fl),
                          "valid_formula": rule.valid_formula(fl, fl.cell, lay.names)},
                "help": fl.help,
            })
        for o in lay.outputs():
            out["selfcheck"].append(dict(o, kind=kind))
    return out


@dataclass
class LintResult:
    files: list                 # (path, [lint.LintProblem]) or (path, UsageError)

    @property
    def exit_code(self):
        if any(isinstance(x, Exception) for _, x in self.files):
            return EXIT_USAGE
        return EXIT_INVALID if any(x for _, x in self.files) else EXIT_OK


def lint(paths):
    from .lint import lint_xlsx                       # late: only `lint` needs it
    out = []
    for p in paths:
        try:
            out.append((p, lint_xlsx(p)))
        except UsageError as e:
            out.append((p, e))
    return LintResult(out)


@dataclass
class FillResult:
    path: Optional[Path]        # None when --strict refused to write
    problems: list              # values that break their rule or will be normalised (fillcheck)


def fill(template, values, output, strict=False):
    """A filled copy of `template`; `values` is {field id: value} or the path of such a JSON file.
    Returns FillResult; with `strict`, nothing is written when a value breaks its rule."""
    from .fill import fill as fill_file, template_kind   # late: the spec (start-up time)
    from .fillcheck import value_problems             # late: check and the spec (start-up time)
    if not isinstance(values, dict):
        try:
            with open(values, encoding="utf-8") as fh:
                values = json.load(fh)
        except (OSError, ValueError) as e:
            raise UsageError("无法读取 %s：%s" % (values, e))
    try:
        kind, _ = template_kind(Path(template).read_bytes())
    except OSError as e:
        raise UsageError("无法读取模板 %s：%s" % (template, e.strerror or e))
    found = value_problems(kind, values)
    if strict and found:
        return FillResult(None, found)
    return FillResult(fill_file(template, values, output), found)


def build_workbook(output):
    from .workbook import build_workbook as build     # late: XlsxWriter and the VBA writer (start-up time)
    return build(output)


def install_workbook(dest=None):
    from .workbook import install_workbook as install  # late: XlsxWriter and the VBA writer (start-up time)
    return install(dest)


@dataclass
class DemoResult:
    folder: Path
    merged: object              # merge.MergeResult
    manifest: object            # demo.Manifest: every file generated, with its role and mistake

    @property
    def templates(self):
        from .demo import TEMPLATE_DIR                # late: the demo generator (start-up time)
        return self.folder / TEMPLATE_DIR

    @property
    def inputs(self):
        from .demo import INPUT_DIR                   # late: the demo generator (start-up time)
        return self.folder / INPUT_DIR

    @property
    def summary(self):
        from .demo import SUMMARY_NAME                # late: the demo generator (start-up time)
        return self.folder / SUMMARY_NAME


def demo(folder, seed=None):
    """Sample templates, filled forms (with the usual mistakes and odd files) and their summary."""
    from .demo import SEED, run_demo                  # late: the demo generator and merge (start-up time)
    d, merged, manifest = run_demo(folder, seed=SEED if seed is None else seed)
    return DemoResult(Path(d), merged, manifest)
