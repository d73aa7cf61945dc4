"""The provincial summary workbook: one small writer per sheet, all fed by a SummaryModel.

    write_summary(path, model)  -> Path       (atomic: temp file, then rename)
    data.read_summary(path)     -> (meta, [Entry])   a summary read back, with provenance

Sheets, in order: 附件3 名单汇总表, 附件4 平台名单汇总表, 附件5 明细, 附件6 目标, 资格审查,
资格审查（平台）, 校验报告, 统计, 数据来源, and the hidden _meta and _data.
"""
from pathlib import Path

from ..fsutil import atomic_path
from . import annex3, annex4, annex5, annex6, data, eligibility, sources, stats, validation
from .common import Styles
from .model import Entry, FileRecord, SummaryModel  # noqa: F401  (re-export)

OPTIONS = {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
           "strings_to_numbers": False, "use_zip64": True}


def sheet_names():
    return [annex3.SHEET, annex4.SHEET, annex5.SHEET, annex6.SHEET, eligibility.SHEETS["enterprise"],
            eligibility.SHEETS["platform"], validation.SHEET, stats.SHEET, sources.SHEET, "_meta",
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
    validation.write(wb, st, model)
    stats.write(wb, st, model)
    sources.write(wb, st, model)
    data.write(wb, st, model)
    first.activate()
    wb.close()


def write_summary(path, model):
    """Write the summary to `path` atomically; OutputLockedError when the target is open elsewhere."""
    path = Path(path)
    model.output = str(path.resolve())
    with atomic_path(path) as tmp:
        write_workbook(tmp, model)
    return path
