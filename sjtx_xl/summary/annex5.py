"""附件5 明细: one row per enterprise with every field of 附件5 基本情况表 (columns from the spec)."""
import os

from .. import spec
from .common import field_header, field_width, finish_table, page_setup, rendered, row_height, title_rows
from .stream import Body, cell, lead

SHEET = "附件5 明细"
TITLE = "吉林省第二批重点“小巨人”企业基本情况表（明细）"
ID_COLUMNS = (("序号", 6), ("所在市（州）", 12))
TAIL_COLUMNS = (("来源文件", 40),)


def fields():
    """The 附件5 fields, in form order."""
    return [f for f in spec.form("enterprise").fields if f.form_part == "附件5"]


def headers():
    return [h for h, _ in ID_COLUMNS] + [field_header(f) for f in fields()] + [h for h, _ in TAIL_COLUMNS]


@spec.cached
def _columns():
    """[(field id, style name, width)] of the field columns; long texts wrap."""
    out = []
    for f in fields():
        style = "date" if f.type == "date" else "wrap_text" if f.type == "longtext" else "text"
        out.append((f.id, style, field_width(f)))
    return tuple(out)


def name_column():
    """Column of 企业名称 (repeated on every printed page with 序号)."""
    return len(ID_COLUMNS) + [f.id for f in fields()].index("name")


def render(e, st):
    """(cells after 序号, row height): 所在市（州）, every field, the source file."""
    vals = e.values
    x = st.x
    cols = _columns()
    cells = [cell(1, e.city, x.text)]
    cells += [cell(c, vals.get(fid), getattr(x, style)) for c, (fid, style, _) in enumerate(cols, 2)]
    cells.append(cell(2 + len(cols), source_text(e), x.text))
    wrapped = [(str(vals.get(fid)), w) for fid, style, w in cols if style == "wrap_text" and vals.get(fid)]
    return "".join(cells), (row_height(wrapped) if wrapped else None)


def source_text(e):
    """The source file as shown: relative to the merged folder, never an absolute path."""
    return e.rel or os.path.basename(e.path)


def write(wb, st, model):
    ws = wb.add_worksheet(SHEET)
    widths = [w for _, w in ID_COLUMNS] + [w for _, _, w in _columns()] + [w for _, w in TAIL_COLUMNS]
    for col, w in enumerate(widths):
        ws.set_column(col, col, w)
    hdr = headers()
    head = title_rows(ws, st, TITLE, len(hdr), "每行一家企业，各列与附件5《基本情况表》各项一致；共 %d 家。"
                      % len(model.enterprises), widths)
    ws.set_row(head, 32)
    for col, h in enumerate(hdr):
        ws.write_string(head, col, h, st.header)

    def rows():
        integer = st.x.integer
        for i, e in enumerate(model.enterprises, 1):
            cells, height = rendered(e, SHEET, st) or render(e, st)
            yield lead(i, integer, cells), height, None

    n = len(model.enterprises)
    finish_table(ws, head, head + n, len(hdr), freeze_cols=3)
    name = name_column()
    page_setup(ws, landscape=True, repeat_rows=(head, head), fit_width=False, repeat_cols=(0, max(name, 1)))
    return ws, Body(SHEET, head + 1, len(hdr), n, rows())
