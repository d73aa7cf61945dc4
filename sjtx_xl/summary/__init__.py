"""The provincial summary workbook: one small writer per sheet, all fed by a SummaryModel.

    write_summary(path, model)  -> Path       (atomic: temp file, then rename)
    data.read_summary(path)     -> (meta, [Entry])   a summary read back, with provenance

Sheets, in order: 附件3 名单汇总表, 附件4 平台名单汇总表, 附件5 明细, 附件6 目标, 资格审查,
资格审查（平台）, 推荐决定 (the official's decisions, editable), 校验报告 (continued on 校验报告 (2) ... beyond Excel's row limit), 统计, 数据来源,
and the hidden _meta and _data.

XlsxWriter writes a small skeleton in memory (styles, charts, the small sheets, the big sheets'
headers and print setup); stream.write_package copies it into the output and streams the big
sheets' rows into it. Rows are rendered per entry and per file by prerender / prerender_file in
the pool workers that read the files; the parent numbers and joins them.
"""
import io
from pathlib import Path

from ..fsutil import atomic_path
from . import annex3, annex4, annex5, annex6, data, decisions, eligibility, sources, spill, stats, stream, validation
from .common import Styles, detached_styles
from .model import Entry, FileRecord, SummaryModel  # noqa: F401  (re-export)

OPTIONS = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
           "strings_to_numbers": False, "use_zip64": True}


def sheet_names(model=None):
    report = validation.sheet_names(model) if model is not None else [validation.SHEET]
    return [annex3.SHEET, annex4.SHEET, annex5.SHEET, annex6.SHEET, eligibility.SHEETS["enterprise"],
            eligibility.SHEETS["platform"], decisions.SHEET] + report + [stats.SHEET, sources.SHEET, "_meta",
                                                                         data.DATA_SHEET]


def write_workbook(path, model, only=None):
    """The summary workbook at `path` (not atomic: see write_summary). `only`: the titles of the sheets
    to write, the rest left out (summary.edits compares 附件3-6 only); every sheet by default."""
    import xlsxwriter  # late: XlsxWriter only when a summary is written (start-up time)
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, OPTIONS)
    wb.set_properties({"title": annex3.TITLE, "author": "sjtx-xl", "comments": "sjtx-xl merge"})
    st = Styles(wb)
    linker = validation.Linker(model)
    writers = (                                  # title, write -> [Body]; in the workbook's order
        (annex3.SHEET, lambda: [annex3.write(wb, st, model)[1]]),
        (annex4.SHEET, lambda: [annex4.write(wb, st, model)[1]]),
        (annex5.SHEET, lambda: [annex5.write(wb, st, model)[1]]),
        (annex6.SHEET, lambda: [annex6.write(wb, st, model)[1]]),
        (eligibility.SHEETS["enterprise"], lambda: [eligibility.write(wb, st, model, "enterprise")[1]]),
        (eligibility.SHEETS["platform"], lambda: [eligibility.write(wb, st, model, "platform")[1]]),
        (decisions.SHEET, lambda: [decisions.write(wb, st, model)[1]]),
        (validation.SHEET, lambda: [b for _, b in validation.write(wb, st, model)]),
        (stats.SHEET, lambda: (stats.write(wb, st, model), [])[1]),
        (sources.SHEET, lambda: [sources.write(wb, st, model, linker)[1]]),
        (data.DATA_SHEET, lambda: [data.write(wb, st, model)[1]]),
    )
    bodies = []
    for title, write in writers:
        if only is None or title in only:
            bodies += write()
    wb.worksheets()[0].activate()
    wb.close()
    stream.write_package(buf.getvalue(), path, bodies)


# the sheets rendered per entry, in pool workers: key -> render(entry, styles)
_ENTRY_SHEETS = {
    "enterprise": ((annex3.SHEET, annex3.render), (annex5.SHEET, annex5.render), (annex6.SHEET, annex6.render),
                   (eligibility.SHEETS["enterprise"], eligibility.render), (sources.SHEET, sources.render),
                   (data.DATA_SHEET, data.render)),
    "platform": ((annex4.SHEET, annex4.render), (eligibility.SHEETS["platform"], eligibility.render),
                 (sources.SHEET, sources.render), (data.DATA_SHEET, data.render)),
}


def prerender(e):
    """Render the entry's rows of every per-entry sheet (run in pool workers, in parallel)."""
    st = detached_styles()
    out = {"sig": st.signature, "key": e.render_key()}
    sheets, blobs, heights = [], [], []
    for sheet, render in _ENTRY_SHEETS[e.kind]:
        r = render(e, st)
        cells, height = r if isinstance(r, tuple) else (r, False)
        sheets.append(sheet)
        blobs.append(cells.encode("utf-8"))
        heights.append(height)
    e.assess()                                           # made here, used by 推荐决定 in the parent
    for sheet, blob, height in zip(sheets, spill.put_many(blobs), heights):
        out[sheet] = blob if height is False else (blob, height)
    e.rendered = out
    e.values = spill.park_values(e.values)              # long texts wait on disk, not in the parent
    return e


def prerender_file(rec):
    """Render the file's 校验报告 rows (after its entries were pre-rendered)."""
    st = detached_styles()
    rows, location = validation.render(rec, st)
    rec.rendered = {"sig": st.signature, "key": rec.render_key(), validation.SHEET: (spill.park_rows(rows), location)}
    return rec                                          # its blobs are written when it leaves (merge.read_file)


def write_summary(path, model):
    """Write the summary to `path` atomically; OutputLockedError when the target is open elsewhere."""
    path = Path(path)
    model.output = str(path.resolve())
    with atomic_path(path) as tmp:
        write_workbook(tmp, model)
    return path
