"""What the summary writers consume: merged rows (Entry) and the account of every file (FileRecord).

Both are plain data so that the writers do not depend on how the files were read: an Entry comes
either from a filled workbook (via check.check_file) or from a city summary read back by
summary.data.read_summary, with its provenance carried along.
"""
import functools
import unicodedata
from dataclasses import dataclass, field
from typing import Optional, Tuple

from .. import reference, spec
from ..duplicates import time_text as mtime_text  # noqa: F401  (re-export)
from ..uscc import area_code
from ..verdicts import assess
from .parked import ProblemList, errors_of, share
from ..vocab import KIND_TEXT, MERGED, REJECTED, SEVERITY_TEXT, SKIPPED  # noqa: F401  (re-export)
from ..vocab import MERGE_STATUS_TEXT as STATUS_TEXT  # noqa: F401

_INVALID_CODES = "统一社会信用代码本身无效的（如“暂无”或校验位错误）不作为重复，各自汇总"
KEEP_RULES = {
    "newest": "同一统一社会信用代码有多份文件时，保留最新的一份：先比较工作簿自身记录的最后保存时间（文档属性，复制文件不会改变它），"
              "没有该时间或时间相同时保留修改时间最新的一份（再相同时保留路径排序最先的一份），其余列为“跳过”；" + _INVALID_CODES,
    "first": "同一统一社会信用代码有多份文件时，保留路径排序最先的一份（--keep first），其余列为“跳过”；" + _INVALID_CODES,
}
CITY_SOURCES = {"folder": "子文件夹", "form": "填报的所在市（州）", "uscc": "信用代码登记地", "": "未知"}
UNKNOWN_CITY = "未知"


@dataclass
class Entry:
    """One enterprise or platform row of the summary."""

    kind: str                              # enterprise / platform
    values: dict                           # field id -> normalised value
    conditions: dict                       # condition id -> 1 / 0 / 0.5 / 2
    overall: Optional[float]
    problems: list                         # Problem.to_dict() of the source file
    path: str                              # absolute path of the filled workbook (relative when carried)
    sha256: str = ""
    mtime: float = 0.0
    size: int = 0
    template_version: object = None
    read_by: str = ""
    saved: float = 0.0                     # the workbook's own last-saved time (docProps), 0 when none
    city: str = UNKNOWN_CITY
    city_source: str = ""
    via: Tuple[str, ...] = ()              # summary workbooks that carried this row, innermost first
    rel: str = ""                          # path shown to people (relative to the merged folder)
    dropped: str = ""                      # why this row is not in the summary (a duplicate), else ""
    rendered: Optional[dict] = None        # sheet -> pre-rendered cells (summary.prerender), made in the worker;
                                           # stale, and made again, when render_key() changes
    decision: object = None                # decisions.Decision carried or defaulted by the merge (推荐决定)
    city_rank: Optional[int] = None        # a city summary's 推荐排序 and 推荐意见 for this row (province merge)
    city_opinion: str = ""

    _assessed: Optional[tuple] = field(default=None, repr=False, compare=False)

    def render_key(self):
        """What pre-rendered cells depend on besides the values: when it changes, they are stale."""
        return (len(self.problems), self.city, self.city_source, self.via, self.rel, self.overall, self.dropped,
                tuple(sorted(self.conditions.items())))

    def assess(self):
        """verdicts.assess of this row, made once (in the pool worker that read it) while the row is unchanged."""
        key = self.render_key()
        if self._assessed is None or self._assessed[0] != key:
            self._assessed = (key, assess(self.kind, self.values, self.conditions, self.problems))
        return self._assessed[1]

    @property
    def uscc(self):
        v = self.values.get("uscc")
        return v.strip().upper() if isinstance(v, str) and v.strip() else None

    @property
    def name(self):
        key = "name" if self.kind == "enterprise" else "platform_name"
        v = self.values.get(key)
        return "" if v is None else str(v)

    @property
    def errors(self):
        """The error-severity problems (counted without reading them back when they are parked)."""
        return errors_of(self.problems)

    @property
    def mtime_text(self):
        return mtime_text(self.mtime)


@dataclass
class FileRecord:
    """One file found in the folder and what became of it."""

    path: str                              # absolute
    rel: str
    status: str                            # merged / rejected / skipped
    reason: str = ""
    kind: Optional[str] = None             # enterprise / platform / summary
    template_version: object = None
    problems: list = field(default_factory=list)
    sha256: str = ""
    mtime: float = 0.0
    saved: float = 0.0
    size: int = 0
    read_by: str = ""
    entries: list = field(default_factory=list)   # Entry objects this file contributed (before de-duplication)
    rendered: Optional[dict] = None        # its 校验报告 rows (summary.prerender_file), made in the worker
    merged_folder: str = ""                # a summary's: the name (only) of the folder it was merged from

    def render_key(self):
        return (self.status, self.reason, self.kind, len(self.problems), self.rel,
                tuple(e.render_key() for e in self.entries))

    @property
    def errors(self):
        """The error-severity problems (counted without reading them back when they are parked)."""
        return errors_of(self.problems)


@dataclass
class SummaryModel:
    enterprises: list                      # Entry, in summary order
    platforms: list
    files: list                            # FileRecord, in discovery order
    keep: str = "newest"
    root: str = ""
    output: str = ""
    carried: list = field(default_factory=list)   # Entry rows read from summary workbooks (after de-dup)
    notices: list = field(default_factory=list)   # warnings about the whole summary (more than 3 platforms)
    lost_decisions: list = field(default_factory=list)  # decisions.Decision of rows no longer in the summary
    spill: object = field(default=None, repr=False, compare=False)   # summary.spill.Store holding rendered rows

    @property
    def keep_rule(self):
        return KEEP_RULES[self.keep]

    def counts(self):
        c = {"found": len(self.files), MERGED: 0, REJECTED: 0, SKIPPED: 0}
        for f in self.files:
            c[f.status] += 1
        c["enterprises"] = len(self.enterprises)
        c["platforms"] = len(self.platforms)
        c["duplicates"] = sum(1 for f in self.files if f.status == SKIPPED and f.reason.startswith(DUPLICATE_PREFIX))
        c["files_with_errors"] = sum(1 for f in self.files if f.errors)
        c["rows_with_errors"] = sum(1 for e in self.enterprises + self.platforms if e.errors)
        return c


DUPLICATE_PREFIX = "重复："


def share_strings(rec, table):
    """Make the texts of a file's problems (messages, hints, labels ... repeated across thousands of
    files) one object each, through `table`: 15,000 error-heavy forms hold 1.4 M problems. Problems
    parked on disk are left there; the small tuples and names of parked things are shared too."""
    lists = [rec.problems] + [e.problems for e in rec.entries if e.problems is not rec.problems]
    for problems in lists:
        if isinstance(problems, ProblemList):            # parked on disk (parked.for_parent): nothing to share
            continue
        for p in problems:
            for k, v in p.items():
                if type(v) is str:
                    p[k] = table.setdefault(v, v)
    return share(rec, table)


CITY_ORDER = {c: i for i, c in enumerate(spec.common.CITIES)}


def city_from_parts(parts):
    """The 市（州） named by a folder: '长春市', '长春', '延边州', or a county such as '梅河口市'."""
    names = _area_names()
    for part in parts:
        p = unicodedata.normalize("NFKC", part).strip()
        if not p:
            continue
        for city in spec.common.CITIES:
            short = _short(city)
            if p.startswith(city) or p == short or (city.endswith("自治州") and p == short + "州"):
                return city
        if p in names:
            return names[p]
    return None


@functools.lru_cache(maxsize=None)
def _area_names():
    return {name: city for name, city in reference.jilin_areas().values() if city}


def _short(city):
    for suffix in ("朝鲜族自治州", "管委会", "市"):
        if city.endswith(suffix):
            return city[: -len(suffix)]
    return city


def assign_city(entry, folder_parts=()):
    """Sub-folder first (who recommended it), then the filled 所在市（州）, then the credit code's area code."""
    city = city_from_parts(folder_parts)
    if city:
        entry.city, entry.city_source = city, "folder"
        return entry
    v = entry.values.get("city")
    if isinstance(v, str) and v in CITY_ORDER:
        entry.city, entry.city_source = v, "form"
        return entry
    code = entry.uscc
    if code and len(code) == 18:
        city = reference.city_of_area(area_code(code))
        if city:
            entry.city, entry.city_source = city, "uscc"
            return entry
    if entry.city and entry.city != UNKNOWN_CITY:    # carried from a summary
        return entry
    entry.city, entry.city_source = UNKNOWN_CITY, ""
    return entry


def sort_key(entry):
    """Summary order: city in the notice's order, then name, then credit code, then path.

    It depends only on the rows themselves, so merging city summaries gives the same order as
    merging all files at once.
    """
    return (CITY_ORDER.get(entry.city, len(CITY_ORDER)), entry.name, entry.uscc or "", entry.path)
