"""数据来源: file, SHA-256, template version and modification time of every merged file.

Files are named relative to the merged folder (never by an absolute path); a row carried from a
city summary names its original file relative to that city's folder, and the summaries it came
through in 经由汇总表.
"""
import os

from ..vocab import READ_BY_TEXT
from .common import finish_table, page_setup, rendered, title_rows
from .model import KIND_TEXT, MERGED, mtime_text
from .stream import Body, cell, lead

SHEET = "数据来源"
COLUMNS = (("序号", 6), ("类型", 8), ("名称", 30), ("统一社会信用代码", 21), ("所在市（州）", 12), ("文件", 44),
           ("SHA-256", 66), ("模板版本", 9), ("修改时间", 20), ("大小（字节）", 12), ("读取方式", 10),
           ("经由汇总表", 30))


def records(model):
    """(file record, entry or None) for every merged file; a city summary is followed by the rows it carried."""
    for f in model.files:
        if f.status != MERGED:
            continue
        if f.kind == "summary":
            yield f, None
        for e in f.entries:
            if not e.dropped:
                yield f, e


def _cells(x, kind, name, uscc, city, shown, sha, version, mtime, size, read_by, via):
    number_ok = isinstance(version, (int, float)) and not isinstance(version, bool)
    cells = [cell(1, KIND_TEXT.get(kind, kind), x.text), cell(2, name, x.text),
             cell(3, uscc, x.text), cell(4, city, x.text),
             cell(5, shown, x.link), cell(6, sha, x.text),
             cell(7, version if number_ok else ("" if version is None else str(version)),
                        x.integer if number_ok else x.text),
             cell(8, mtime_text(mtime), x.text), cell(9, size or 0, x.integer),
             cell(10, READ_BY_TEXT.get(read_by, read_by), x.text),
             cell(11, " → ".join(via), x.text)]
    return "".join(cells)


def render(e, st):
    """The cells after 序号 of a merged row."""
    return _cells(st.x, e.kind, e.name, e.uscc or "", e.city, e.rel or os.path.basename(e.path), e.sha256,
                  e.template_version, e.mtime, e.size, e.read_by, e.via)


def write(wb, st, model, linker):
    ws = wb.add_worksheet(SHEET)
    for col, (_, w) in enumerate(COLUMNS):
        ws.set_column(col, col, w)
    n = len(COLUMNS)
    head = title_rows(ws, st, "数据来源", n, "每个已汇总文件的路径（相对于汇总的文件夹）、SHA-256 校验值、模板版本和修改时间，"
                      "可据此核对报送文件是否被改动。", [w for _, w in COLUMNS])
    for col, (h, _) in enumerate(COLUMNS):
        ws.write_string(head, col, h, st.header)
    chosen = list(records(model))

    def rows():
        x = st.x
        for i, (f, e) in enumerate(chosen, 1):
            if e is None:                                    # a city summary itself
                cells = _cells(x, "summary", "", "", "", f.rel or os.path.basename(f.path), f.sha256,
                               f.template_version, f.mtime, f.size, "summary", ())
            else:
                cells = rendered(e, SHEET, st) or render(e, st)
            target = linker.target(f) if (e is None or not e.via) else None
            yield lead(i, x.integer, cells), None, ((5, target, None, "打开源文件") if target else None)

    finish_table(ws, head, head + len(chosen), n, freeze_cols=3)
    page_setup(ws, landscape=True, repeat_rows=(head, head), fit_width=False, repeat_cols=(0, 2))
    return ws, Body(SHEET, head + 1, n, len(chosen), rows())
