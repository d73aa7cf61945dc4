"""The provincial summary workbook: one small writer per sheet, all fed by a SummaryModel.

    write_summary(path, model)  -> Path       (atomic: temp file, then rename)
    data.read_summary(path)     -> (meta, [Entry])   a summary read back, with provenance

Sheets, in order: 附件3 名单汇总表, 附件4 平台名单汇总表, 附件5 明细, 附件6 目标, 资格审查,
资格审查（平台）, 推荐决定 (the official's decisions, editable), 校验报告, 统计, 数据来源, and the hidden _meta and _data.
"""
import contextlib
import functools
from pathlib import Path

from ..fsutil import atomic_path
from . import annex3, annex4, annex5, annex6, data, decisions, eligibility, sources, stats, validation
from .common import Styles, detached_styles
from .model import Entry, FileRecord, SummaryModel  # noqa: F401  (re-export)

OPTIONS = {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
           "strings_to_numbers": False, "use_zip64": True}


def sheet_names():
    return [annex3.SHEET, annex4.SHEET, annex5.SHEET, annex6.SHEET, eligibility.SHEETS["enterprise"],
            eligibility.SHEETS["platform"], decisions.SHEET, validation.SHEET, stats.SHEET, sources.SHEET, "_meta",
            data.DATA_SHEET]


def write_workbook(path, model):
    import xlsxwriter
    wb = xlsxwriter.Workbook(str(path), OPTIONS)
    wb.set_properties({"title": annex3.TITLE, "author": "sjtx-xl", "comments": "sjtx-xl merge"})
    st = Styles(wb)
    first = annex3.write(wb, st, model)
    annex4.write(wb, st, model)
    annex5.write(wb, st, model)
    annex6.write(wb, st, model)
    eligibility.write(wb, st, model, "enterprise")
    eligibility.write(wb, st, model, "platform")
    decisions.write(wb, st, model)
    validation.write(wb, st, model)
    stats.write(wb, st, model)
    sources.write(wb, st, model)
    data.write(wb, st, model)
    first.activate()
    with _fast_deflate():
        wb.close()


@contextlib.contextmanager
def _fast_deflate(level=1):
    """Deflate the package at level 1 instead of 6: several times faster on this XML, ~25% larger."""
    import zipfile

    import xlsxwriter.workbook as xw
    original = getattr(xw, "ZipFile", None)
    if original is not zipfile.ZipFile:                # not the XlsxWriter this was written for
        yield
        return
    xw.ZipFile = functools.partial(zipfile.ZipFile, compresslevel=level)
    try:
        yield
    finally:
        xw.ZipFile = original


def prerender(e):
    """Render the entry's cells that depend on nothing but itself (run in pool workers, in parallel)."""
    from .fastrows import prerender as cells_xml
    st = detached_styles()
    out = {"sig": st.signature}
    if e.kind == "enterprise":
        out[annex6.SHEET] = cells_xml(annex6.tail_cells(e, st), len(annex6.ID_COLUMNS))
    out[eligibility.SHEETS[e.kind]] = cells_xml(eligibility.tail_cells(e, st), eligibility.TAIL_START)
    e.record = data.record(e)
    e.rendered = out
    return e


def write_summary(path, model):
    """Write the summary to `path` atomically; OutputLockedError when the target is open elsewhere."""
    path = Path(path)
    model.output = str(path.resolve())
    with atomic_path(path) as tmp:
        write_workbook(tmp, model)
    return path
