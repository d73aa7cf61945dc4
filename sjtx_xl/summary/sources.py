"""数据来源: path, SHA-256, template version and modification time of every merged file."""
import os

from .common import Links, finish_table, page_setup, title_rows
from .fastrows import FastWorksheet
from .model import KIND_TEXT, MERGED, mtime_text

SHEET = "数据来源"
COLUMNS = (("序号", 6), ("类型", 8), ("名称", 30), ("统一社会信用代码", 21), ("所在市（州）", 12), ("文件", 44),
           ("SHA-256", 66), ("模板版本", 9), ("修改时间", 20), ("大小（字节）", 12), ("读取方式", 10),
           ("经由汇总表", 30))


def records(model):
    """Every merged file; a city summary is listed with the rows it carried, each with its own source."""
    for f in model.files:
        if f.status != MERGED:
            continue
        if f.kind == "summary":
            yield ("summary", "", "", "", f.path, f.rel, f.sha256, f.template_version, f.mtime, f.size, "汇总表", ())
            for e in f.entries:
                if not e.dropped:                       # carried rows show the original file's full path
                    yield (e.kind, e.name, e.uscc or "", e.city, e.path, e.path, e.sha256, e.template_version,
                           e.mtime, e.size, e.read_by, e.via)
        else:
            for e in f.entries:
                if not e.dropped:
                    yield (e.kind, e.name, e.uscc or "", e.city, e.path, e.rel, e.sha256, e.template_version,
                           e.mtime, e.size, e.read_by, e.via)


def write(wb, st, model):
    ws = wb.add_worksheet(SHEET, worksheet_class=FastWorksheet)
    for col, (_, w) in enumerate(COLUMNS):
        ws.set_column(col, col, w)
    n = len(COLUMNS)
    head = title_rows(ws, st, "数据来源", n, "每个已汇总文件的路径、SHA-256 校验值、模板版本和修改时间，可据此核对报送文件是否被改动。")
    for col, (h, _) in enumerate(COLUMNS):
        ws.write_string(head, col, h, st.header)
    links = Links(ws, st, os.path.dirname(model.output) or ".")
    row = head
    for i, (kind, name, uscc, city, path, rel, sha, version, mtime, size, read_by, via) in enumerate(records(model), 1):
        row += 1
        links.write(row, 5, path, rel or path)
        number = isinstance(version, (int, float)) and not isinstance(version, bool)
        ws.write_cells(row, [(i, st.integer), (KIND_TEXT.get(kind, kind), st.text), (name, st.text), (uscc, st.text),
                             (city, st.text), (None, None), (sha, st.text),
                             (version if number else ("" if version is None else str(version)),
                              st.integer if number else st.text),
                             (mtime_text(mtime), st.text), (size or 0, st.integer), (read_by, st.text),
                             (" → ".join(via), st.text)])
    finish_table(ws, head, row, n, freeze_cols=3)
    page_setup(ws, landscape=True, repeat_rows=(head, head), fit_width=False)
    return ws
