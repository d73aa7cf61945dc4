"""`sjtx-xl check`: read filled workbooks and re-validate them; every problem is data.

    check_file(path, official=None) -> FileReport      never raises for bad input
    check_paths(paths, official=None, recursive=True) -> report.Report
    discover(paths, recursive=True) -> [(Path, skip reason or None)]

The command line (cli.py) and the workbook (xl.py) reach these through app.py.

Values are read by defined names (read/reader.py), or by labels for foreign layouts and .xls
(read/bylabel.py), normalised with a warning per change (read/normalise.py), then checked with the
rules the template's own validation and 自检 formulas are built from (rules.py): `check_field` for
each field and each condition's `value()` for 三、申报条件. A formula is read as the result its
program cached, with a warning at the cell; a formula without one is an error.
"""
import datetime as _dt
import hashlib
import io
import os
import re
from dataclasses import dataclass, field as dc_field
from pathlib import Path
from typing import Optional

from . import duplicates, ooxml, pool, reference, spec
from .errors import UsageError
from .fsutil import BACKUP_RE
from .problems import ERROR, WARNING, problem
from .read import bylabel
from .read.normalise import fmt, normalise, trim
from .report import Report
from .read.reader import MAX_FILE_BYTES, FileProblem, Xlsx, cfb_kind, describe_other, sniff
from .rules import (FIELD_INVALID, FIELD_MISSING, FIELD_NORMALISED, FIELD_OK, NOT_MET, PENDING, UNDETERMINED,
                    check_field, is_blank, missing_problem, overall, required_now)

EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xltx", ".xltm", ".xls", ".et", ".ett",
                  ".ods"}        # a spreadsheet in the wrong format is a submission to reject by name, not a stray file
FILE_LEVEL = {"not-a-workbook", "encrypted", "corrupt", "unknown-template", "old-template-version",
              "legacy-xls", "too-large", "empty"}
# Hooks for workbooks other tools write. A _meta kind listed in SKIP_KINDS is not a candidate
# (status 'skipped'); any other kind that is not a form is an unknown-template, described here.
SKIP_KINDS = {"feedback": "本系统生成的反馈表，不是申报表",
              "package": "上报材料（sjtx-xl submit 生成，供打印盖章），不是申报表；省级汇总请使用市（州）的汇总表"}
OTHER_KINDS = {"summary": "这是汇总表（sjtx-xl merge 的输出），不是企业或平台填写的申报表"}
SUMMARY_REASON = "汇总表（sjtx-xl merge 的输出），不是申报表，不校验"
BACKUP_REASON = "以前汇总结果的备份（重新汇总时保留），不是申报表，不校验"


@dataclass
class FileReport:
    path: str
    kind: Optional[str] = None
    template_version: Optional[int] = None
    status: str = "ok"                  # ok / invalid / rejected / skipped
    reason: str = ""
    problems: list = dc_field(default_factory=list)
    values: dict = dc_field(default_factory=dict)
    raw: dict = dc_field(default_factory=dict)
    where: dict = dc_field(default_factory=dict)      # field id -> (sheet, A1) the value was read from
    conditions: dict = dc_field(default_factory=dict)
    overall: Optional[float] = None
    read_by: Optional[str] = None       # 'name' (defined names) or 'label' (fallback)
    formulas: set = dc_field(default_factory=set)     # field ids whose cell holds a formula
    states: dict = dc_field(default_factory=dict)     # field id -> rules.FIELD_* (the 自检's S_<id>)
    sha256: Optional[str] = None
    mtime: Optional[float] = None
    saved: Optional[float] = None       # the workbook's own last-saved time (docProps), survives copying
    size: Optional[int] = None

    @property
    def errors(self):
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self):
        return [p for p in self.problems if p.severity == WARNING]

    @property
    def name(self):
        return os.path.basename(self.path)

    @property
    def assessment(self):
        """符合/待更正/不符合 with the facts behind it (verdicts.assess); None when nothing was read."""
        if self.kind not in spec.KINDS or not self.conditions:
            return None
        from .verdicts import assess  # late: verdicts loads the rules of every condition (start-up time)
        return assess(self.kind, self.values, self.conditions, self.problems)

    def to_dict(self, values=False):
        d = {
            "path": self.path, "kind": self.kind, "template_version": self.template_version,
            "status": self.status, "reason": self.reason,
            "errors": [p.to_dict() for p in self.problems],
            "read_by": self.read_by, "conditions": dict(self.conditions), "overall": self.overall,
            "error_count": len(self.errors), "warning_count": len(self.warnings),
            "sha256": self.sha256, "size": self.size,
            "mtime": _dt.datetime.fromtimestamp(self.mtime).isoformat(timespec="seconds") if self.mtime else None,
            "saved": _dt.datetime.fromtimestamp(self.saved).isoformat(timespec="seconds") if self.saved else None,
        }
        a = self.assessment
        d["verdict"] = a.to_dict() if a else None
        if values:
            d["values"] = {k: json_value(v) for k, v in self.values.items()}
            d["raw"] = {k: json_value(v) for k, v in self.raw.items()}
        return d


def json_value(v):
    if isinstance(v, (_dt.date, _dt.datetime)):
        return v.isoformat()
    return v


# --- one file -------------------------------------------------------------------------------

def skip_reason(path, explicit=False):
    """Why a file is not a candidate, or None. Explicitly named files are checked whatever
    their extension (the content decides), except Office lock files."""
    name = os.path.basename(str(path))
    if name.startswith("~$"):
        return "Office/WPS 打开文件时生成的临时锁文件（~$开头），不是申报表"
    if explicit:
        return None
    if name.startswith("."):
        return "隐藏文件"
    suffix = os.path.splitext(name)[1].lower()
    if suffix not in EXCEL_SUFFIXES:
        return "不是Excel文件（扩展名“%s”）" % (suffix or "无")
    return None


def check_file(path, official=None):
    """Read and validate one file. Never raises for anything wrong with the file."""
    p = Path(path).absolute()
    rep = FileReport(path=str(p))
    why = skip_reason(p, explicit=True)
    if why:
        rep.status, rep.reason = "skipped", why
        return rep
    try:
        if p.is_symlink() and not p.exists():
            raise FileProblem("not-a-workbook", "：这是一个链接，它指向的文件不存在")
        st = p.stat()
        rep.size, rep.mtime = st.st_size, st.st_mtime
        if not p.is_file():
            raise FileProblem("not-a-workbook", "：不是普通文件")
        if st.st_size > MAX_FILE_BYTES:
            raise FileProblem("too-large", "文件%.0fMB，超过上限%.0fMB" % (st.st_size / 2**20, MAX_FILE_BYTES / 2**20))
        data = p.read_bytes()
        rep.sha256 = hashlib.sha256(data).hexdigest()
        _check_bytes(rep, data, official)
    except FileProblem as e:
        rep.problems.append(problem(e.type, value=e.value, detail=e.detail))
    except OSError as e:
        rep.problems.append(problem("corrupt", detail="无法读取文件（%s）" % (e.strerror or e)))
    except Exception as e:       # errors are data: an unexpected failure is reported, not raised
        rep.problems.append(problem("corrupt", detail="读取时发生意外错误（%s: %s）" % (type(e).__name__, e)))
        rep.values, rep.raw, rep.where, rep.conditions, rep.overall = {}, {}, {}, {}, None   # half-read
    for pr in rep.problems:
        pr.file = rep.path
    _set_status(rep)
    return rep


def _set_status(rep):
    if rep.status == "skipped":
        return
    errors = rep.errors
    if any(p.type in FILE_LEVEL for p in errors) and not rep.where:
        rep.status = "rejected"
        first = next(p for p in errors if p.type in FILE_LEVEL)
        rep.reason = first.message
    elif errors:
        rep.status = "invalid"
    else:
        rep.status = "ok"


def _check_bytes(rep, data, official):
    what = sniff(data)
    if what == "empty":
        raise FileProblem("empty")
    if what == "other":
        raise FileProblem("not-a-workbook", "：" + describe_other(data))
    if what == "cfb":
        kind = cfb_kind(data)
        if kind == "encrypted":
            raise FileProblem("encrypted")
        if kind == "xls":
            return _check_legacy(rep, data, official)
        if kind == "doc":
            raise FileProblem("not-a-workbook", "：这是Word文档（.doc），不是Excel工作簿")
        if kind == "ppt":
            raise FileProblem("not-a-workbook", "：这是PowerPoint演示文稿（.ppt），不是Excel工作簿")
        raise FileProblem("not-a-workbook", "：不是Excel工作簿的OLE文件")
    book = Xlsx(data)
    saved = book.last_saved()
    rep.saved = saved.replace(tzinfo=_dt.timezone.utc).timestamp() if saved else None
    meta = book.meta()
    kind = meta.get("kind")
    if kind in SKIP_KINDS:
        rep.status, rep.reason, rep.kind = "skipped", SKIP_KINDS[kind], kind
        return
    if kind is not None and kind not in spec.KINDS:
        rep.kind = kind if kind in OTHER_KINDS else None
        raise FileProblem("unknown-template", OTHER_KINDS.get(kind, "_meta 中的模板类型“%s”无法识别" % kind))
    if kind is None:
        return _check_by_label(rep, data, official, book)
    rep.kind = kind
    version = meta.get("template_version")
    rep.template_version = version if isinstance(version, int) else None
    current = spec.template_version(kind)
    if isinstance(version, int) and version == current - 1:   # the previous template: read, with a warning
        rep.problems.append(problem("previous-template-version", value=str(version), detail=str(current)))
    elif not isinstance(version, int) or version < current:
        rep.problems.append(problem("old-template-version", value=fmt(version) or "无版本号",
                                    detail=str(current)))
    elif version > current:
        raise FileProblem("unknown-template", "模板版本%d比本程序支持的版本%d新，请升级 sjtx-xl"
                          % (version, current))
    elif meta.get("spec_hash") and meta.get("spec_hash") != _spec_hash(kind):
        rep.problems.append(problem("template-changed", value=meta.get("spec_hash"), detail=_spec_hash(kind)))
    _read_by_names(rep, book, kind, version if isinstance(version, int) else current)
    _validate(rep, kind, official)


@spec.cached
def _fields(kind):
    return {f.id: f for f in spec.form(kind).fields}


@spec.cached
def _spec_hash(kind):
    return spec.spec_hash(kind)


@spec.cached
def _name_plan(kind):
    """(field, its defined name, the template's own place for it) of every field, once per kind."""
    lay = spec.layout(kind)
    return tuple((f, f.name, (lay.sheet_title[f.sheet], f.cell)) for f in spec.form(kind).fields)


def _read_by_names(rep, book, kind, version):
    missing = []
    cells = {}
    top, names, parts, cell = max(version, 1), book.names, book.parts, book.cell
    for f, name, place in _name_plan(kind):
        if f.since > top:              # not on that template: the value its forms meant (spec Field.legacy)
            rep.raw[f.id] = f.legacy
            continue
        where = names.get(name)        # book.name_ref, book.has_sheet
        if where is None or where[0] not in parts:
            missing.append(f.label)
            where = place
            if where[0] not in parts:
                continue
        cells[f.id] = cell(*where)
    if missing:
        rep.problems.append(problem("inconsistent", detail="模板的定义名称缺失%d个（%s等），已按模板位置读取"
                                    % (len(missing), "、".join(missing[:3])),
                                    hint="请使用本系统下发的最新模板，不要改动表格结构"))
    rep.read_by = "name"
    _take_cells(rep, book, kind, cells)


PERCENT_TYPES = ("share", "rate")        # field types compared with percentage thresholds


def _take_cells(rep, book, kind, cells):
    """Raw values of xlsx cells, as the user saw them: a formula with a cached result is read as
    that result (with a formula-cached warning at the cell), one without stays a formula; a date
    field's serial is taken to the 1900 date system; a share under a % format is marked so that
    normalise reads 1 as 100."""
    fields = _fields(kind)
    for fid, c in cells.items():
        f = fields[fid]
        rep.where[fid] = (c.sheet, c.ref)
        kind_ = c.kind
        if c.formula is not None:
            if c.cached in (None, "e"):
                rep.raw[fid] = c.formula
                rep.formulas.add(fid)
                continue
            kind_ = c.cached
            rep.problems.append(_locate(problem("formula-cached", value=c.formula, detail=fmt(c.value)), rep, f))
        rep.raw[fid] = c.value
        if kind_ != "n":
            continue
        if f.type == "date":
            value = c.value + ooxml.DAYS_1904 if book.date1904 else c.value
            rep.raw[fid] = (value, book.shows(c.style) == "date")
        elif f.type in PERCENT_TYPES and book.shows(c.style) == "percent":
            rep.raw[fid] = (c.value, "percent")


def _check_by_label(rep, data, official, book=None, kinds=None, legacy=False):
    from python_calamine import CalamineWorkbook  # late: only label-read and .xls files need calamine
    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as e:
        text = str(e)
        if re.search(r"passw|encrypt", text, re.I):
            raise FileProblem("encrypted")
        if legacy:
            raise FileProblem("legacy-xls", "且无法读取（%s）" % text[:80])
        raise FileProblem("corrupt", text[:120])
    kind, found = bylabel.read_by_label(wb, kinds)
    if kind is None:
        if legacy:
            raise FileProblem("legacy-xls", "且未能识别出申报表内容")
        raise FileProblem("unknown-template", "缺少 _meta 工作表，也未找到附件5/附件6等表格的栏目标签")
    rep.kind, rep.read_by = kind, "label"
    if legacy:
        rep.problems.append(problem("legacy-xls", detail="已按表格标签尽量读取，请核对"))
    else:
        rep.problems.append(problem("read-by-label"))
    form = spec.form(kind)
    if book is not None:
        cells = {fid: book.cell(loc.sheet, loc.ref) for fid, loc in found.items()}
        _take_cells(rep, book, kind, cells)
    else:
        for fid, loc in found.items():
            rep.where[fid] = (loc.sheet, loc.ref)
            v = loc.value
            if isinstance(v, float) and v.is_integer() and abs(v) < 2**53:
                v = int(v)
            if isinstance(v, _dt.timedelta):
                v = fmt(v.total_seconds() / 86400)
            rep.raw[fid] = (v, True) if form.field(fid).type == "date" and isinstance(v, (int, float)) else v
    for f in form.fields:
        if f.id not in found and (f.required or f.required_if):
            rep.problems.append(problem("field-not-found", detail=f.label, field=f.id, label=f.label))
    _validate(rep, kind, official, located=set(found))


def _check_legacy(rep, data, official):
    from python_calamine import CalamineWorkbook  # late: only label-read and .xls files need calamine
    from .read.meta import meta_from_calamine
    kinds = None
    try:
        meta = meta_from_calamine(CalamineWorkbook.from_filelike(io.BytesIO(data)))
    except Exception:
        meta = {}
    if meta.get("kind") in spec.KINDS:
        kinds = (meta["kind"],)
        v = meta.get("template_version")
        rep.template_version = int(v) if isinstance(v, (int, float)) else None
    _check_by_label(rep, data, official, kinds=kinds, legacy=True)


# --- validation -----------------------------------------------------------------------------

def check_values(kind, raw, where=None, path="", official=None, formulas=(), read_by="name"):
    """Validate raw values ({field id: value as found}) of a form without reading a file.

    For other readers (the benchmark's openpyxl baseline, tests). A date field's raw value may be
    (number, shown as a date?), a share's (number, "percent") when shown with a % format. Raises FileProblem('empty') when nothing is filled.
    """
    rep = FileReport(path=path, kind=kind, read_by=read_by, raw=dict(raw), where=dict(where or {}),
                     formulas=set(formulas))
    _validate(rep, kind, official)
    _set_status(rep)
    return rep


def _locate(pr, rep, f):
    sheet, cell = rep.where.get(f.id, (None, None))
    pr.sheet, pr.cell, pr.field, pr.label = sheet, cell, f.id, f.label
    return pr


def _validate(rep, kind, official, located=None):
    form = spec.form(kind)
    lists, formulas, values, raws, problems = form.lists, set(), rep.values, rep.raw, rep.problems
    for f in form.fields:
        fid = f.id
        raw = raws.get(fid)
        if raw is None and fid not in rep.formulas:     # blank: normalise(f, None) is (None, [])
            values[fid] = None
            continue
        date_formatted = None
        if isinstance(raw, tuple):                      # (number, shown as a date? / "percent")
            raw, date_formatted = raw
            raws[fid] = raw
        if fid in rep.formulas or (isinstance(raw, str) and _looks_like_formula(raw)):
            formulas.add(fid)
            rep.formulas.add(fid)
            values[fid] = raw
            problems.append(_locate(problem("formula-in-cell", value=raw), rep, f))
            continue
        value, notes = normalise(f, raw, lists, date_formatted)
        values[fid] = value
        if notes:
            problems.extend(_locate(n, rep, f) for n in notes)
    if not formulas and all(v is None or v == "" for v in values.values()):    # is_blank
        rep.problems = [p for p in rep.problems if p.type != "field-not-found"]
        rep.where.clear()
        raise FileProblem("empty")
    normalised = {p.field for p in problems if p.type == "normalised"}
    states = rep.states
    for f in form.fields:
        fid = f.id
        if fid in formulas or (located is not None and fid not in located):
            states[fid] = FIELD_INVALID if fid in formulas else FIELD_OK
            continue
        v = values.get(fid)
        if v is None or v == "":                       # blank: check_field and _state, short-cut
            if required_now(f, values):
                problems.append(_locate(_missing_problem(kind, fid).copy(), rep, f))
                states[fid] = FIELD_MISSING
            else:
                states[fid] = FIELD_OK
            continue
        found = check_field(f, v, lists, values)
        if not found:                                   # _state without problems
            states[fid] = FIELD_NORMALISED if fid in normalised else FIELD_OK       # v is not blank here
            continue
        for pr in found:
            if pr.type == "not-in-list" and f.choices == "platforms":
                hit = reference.suggest_platform(str(v))
                pr = problem("platform-not-in-list", value=v, detail="；您是否要填“%s”？" % hit if hit else "")
            problems.append(_locate(pr, rep, f))
        states[fid] = _state(f, rep, found, normalised)
    _conditions(rep, form, kind)
    if official is not None and kind == "enterprise":
        _official(rep, form, official)


@spec.cached
def _missing_problem(kind, fid):
    """check_field's problem for a required field left blank (copied for each form that has one)."""
    return missing_problem(spec.form(kind).field(fid))


def _state(f, rep, found, normalised):
    """Twin of rules.field_state_excel: what the 自检 shows for the field."""
    if is_blank(rep.values.get(f.id)):
        return FIELD_MISSING if any(p.type == "required-missing" for p in found) else FIELD_OK
    if any(p.severity == ERROR for p in found):
        return FIELD_INVALID
    return FIELD_NORMALISED if f.id in normalised else FIELD_OK


def _looks_like_formula(raw):
    """Text that is a formula pasted into a text-formatted cell (e.g. =cmd|' /C calc'!A0)."""
    if not isinstance(raw, str):
        return False
    t = trim(raw)                   # SPACES, as rules.formula_like_excel's TRIM of the spaced text
    return len(t) > 1 and t[0] in "=＝"


@spec.cached
def _outputs(kind):
    return {o["id"]: o for o in spec.layout(kind).outputs()}


def _conditions(rep, form, kind):
    lay_out = _outputs(kind)
    field_errors = {p.field for p in rep.problems if p.severity == ERROR and p.field}
    for c in form.conditions:
        v = c.rule.value(rep.values)
        rep.conditions[c.id] = v
        out = lay_out[c.id]
        where = dict(sheet=out["sheet"], cell=out["cell"]) if rep.read_by == "name" else {}
        if v == NOT_MET:
            if c.fail_field:                              # reported at the field, e.g. size-mismatch
                f = form.field(c.fail_field)
                rep.problems.append(_locate(problem(c.fail_type, value=rep.values.get(f.id),
                                                    detail=c.rule.outcome(rep.values)), rep, f))
            elif c.quiet_on_field_error and c.rule.fields() & field_errors:
                continue                                  # the field's own error (uscc-*) says it
            else:
                rep.problems.append(problem(c.fail_type, detail="%s（%s）" % (c.label, c.detail),
                                            hint=c.fail_hint, label=c.label, **where))
        elif v == PENDING and c.pending_reported:
            rep.problems.append(problem("condition-pending", detail=c.label, label=c.label, **where))
        elif v == UNDETERMINED:
            rep.problems.append(problem("condition-undetermined", detail=c.label, label=c.label, **where))
    rep.overall = overall(list(rep.conditions.values())) if rep.conditions else None


def _official(rep, form, official):
    code = rep.values.get("uscc")
    if not isinstance(code, str) or not code:
        return
    f_uscc, f_name = form.field("uscc"), form.field("name")
    if code not in official:
        rep.problems.append(_locate(problem("uscc-not-in-official-list", value=code), rep, f_uscc))
        return
    name = rep.values.get("name")
    if name != official[code]:
        rep.problems.append(_locate(problem("name-not-in-official-list", value=name,
                                            detail="，公布名称为“%s”" % official[code]), rep, f_name))


# --- many files -----------------------------------------------------------------------------

def discover(paths, recursive=True):
    """[(Path, skip reason or None)] for every file found; raises UsageError for a missing path.

    Sub-folders are walked when `recursive` (else each is listed as skipped); symbolic links to
    folders are followed, and a link to a folder already walked (a loop, or the same folder
    twice) is listed as skipped, so everything found is in the list once."""
    out, seen = [], set()

    def add(p, why):
        key = str(p.absolute())
        if key not in seen:
            seen.add(key)
            out.append((p.absolute(), why))

    for arg in paths:
        p = Path(arg)
        if not p.exists():
            raise UsageError("找不到文件或文件夹：%s" % arg)
        if p.is_file():
            add(p, skip_reason(p, explicit=True))
            continue
        walked = {os.path.realpath(p)}
        for root, dirs, files in os.walk(p, followlinks=True):
            dirs.sort()
            kept = []
            for d in dirs:
                full = Path(root) / d
                if d.startswith("."):
                    add(full, "隐藏文件夹，未检查")
                elif not recursive:
                    add(full, "子文件夹（未指定递归检查）")
                elif os.path.realpath(full) in walked:
                    loop = Path(os.path.realpath(root)).is_relative_to(os.path.realpath(full))
                    add(full, "链接指向已检查的文件夹（%s），未再检查" % ("循环链接" if loop else "重复"))
                else:
                    walked.add(os.path.realpath(full))
                    kept.append(d)
            dirs[:] = kept
            for name in sorted(files):
                fp = Path(root) / name
                add(fp, skip_reason(fp))
    return out


def check_paths(paths, official=None, recursive=True, workers=None):
    """Report over every file found under `paths`; the candidate workbooks are checked on a process
    pool of `workers` (default: every CPU), as merge reads them (pool.run)."""
    found = list(discover(paths, recursive))
    todo = [p for p, why in found if not why and not BACKUP_RE.match(p.name)]
    shared = {}
    try:
        checked = iter(pool.run(_check_one, map(str, todo), workers, _init_check, (official,),
                                lambda i, rep: _kept(rep, shared)))
    finally:
        _init_check(None)                                 # this process's: the roster is not kept
    reports = []
    for p, why in found:
        if why:
            reports.append(FileReport(path=str(p), status="skipped", reason=why))
        elif BACKUP_RE.match(p.name):
            reports.append(FileReport(path=str(p), status="skipped", reason=BACKUP_REASON))
        else:
            reports.append(next(checked))
    _duplicates(reports)
    return Report(reports)


_OFFICIAL = None


def _init_check(official):
    global _OFFICIAL
    _OFFICIAL = official


def _check_one(path):
    rep = check_file(path, _OFFICIAL)
    if rep.kind == "summary":          # merge's own output in the folder: not a form to check
        rep.status, rep.reason, rep.problems = "skipped", SUMMARY_REASON, []
    return _kept(rep)


_SHARED_TEXTS = ("type", "severity", "message", "hint", "sheet", "cell", "field", "label")


def _kept(rep, shared=None):
    """What a report of many files keeps of one: its raw cell values and the places of fields other
    than the credit code (which _duplicates names) go, and the texts of its problems (the same
    messages, hints and labels in thousands of files) are one object each, through `shared`."""
    rep.raw = {}
    rep.where = {k: v for k, v in rep.where.items() if k == "uscc"}
    for p in rep.problems if shared is not None else ():
        for k in _SHARED_TEXTS:
            v = getattr(p, k)
            if v is not None:
                setattr(p, k, shared.setdefault(v, v))
    return rep


def _duplicates(reports):
    """Every file of a group of duplicates (duplicates.groups) gets a duplicate-uscc warning."""
    live = [r for r in reports if r.kind in spec.KINDS and r.status != "skipped"]
    for (kind, code), group in duplicates.groups(live, lambda r: r.kind, lambda r: r.values.get("uscc")).items():
        for r in group:
            others = "、".join(o.name for o in group if o is not r)
            f = spec.form(kind).field("uscc")
            pr = _locate(problem("duplicate-uscc", value=code, detail=others), r, f)
            pr.file = r.path
            r.problems.append(pr)
