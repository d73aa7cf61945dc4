"""The notice's two name lists (附件3, 附件4) share one layout: annex label, title, the stamp line,
a header row as printed, one row per entry, footnotes; A4 landscape with the header repeated."""
from .. import spec
from .common import page_setup, rendered, row_height
from .stream import Body, cell, lead

STAMP = "省级中小企业主管部门：（盖章）"
HEADER_ROW = 3


def check_columns(kind, annex, columns, every_field=True):
    """Every column names a spec field; with every_field, every field of the annex has a column
    (附件3's fields are exactly its columns; the platform form holds more than 附件4 prints)."""
    form = spec.form(kind)
    ids = {fid for _, fid, _ in columns if fid}
    for fid in ids:
        form.field(fid)                         # KeyError if the spec lost a field
    missing = [f.id for f in form.fields if every_field and f.form_part == annex and f.id not in ids]
    if missing:
        raise AssertionError("%s columns miss spec fields %s" % (annex, missing))


def render(e, st, columns):
    """(cells after 序号, row height) of an entry's row."""
    texts = ["" if e.values.get(fid) is None else str(e.values.get(fid)) for _, fid, _ in columns[1:]]
    cells = "".join(cell(c, t, st.x.cell) for c, t in enumerate(texts, 1))
    return cells, row_height(zip(texts, [w for _, _, w in columns[1:]]))


def write_list(wb, st, sheet, annex, title, columns, entries, heights, key, notes=()):
    """Write the list's skeleton; returns (worksheet, last entry row, Body). `heights` = (title row,
    header row); `key`: the entries' pre-rendered rows (summary.prerender)."""
    ws = wb.add_worksheet(sheet)
    n = len(columns)
    for col, (_, _, w) in enumerate(columns):
        ws.set_column(col, col, w)
    ws.write_string(0, 0, annex, st.annex_label)
    ws.set_row(1, heights[0])
    ws.merge_range(1, 0, 1, n - 1, title, st.title)
    ws.merge_range(2, 0, 2, n - 1, STAMP, st.subtitle)
    ws.set_row(HEADER_ROW, heights[1])
    for col, (h, _, _) in enumerate(columns):
        ws.write_string(HEADER_ROW, col, h, st.header)
    last = HEADER_ROW + len(entries)
    row = last
    for note in notes:
        row += 1
        ws.merge_range(row, 0, row, n - 1, note, st.note)

    def rows():
        center = st.x.cell_center
        for i, e in enumerate(entries, 1):
            cells, height = rendered(e, key, st) or render(e, st, columns)
            yield lead(i, center, cells), height, None

    ws.freeze_panes(HEADER_ROW + 1, 0)
    ws.autofilter(HEADER_ROW, 0, last, n - 1)
    page_setup(ws, landscape=True, repeat_rows=(HEADER_ROW, HEADER_ROW))
    ws.print_area(0, 0, row, n - 1)
    ws.center_horizontally()
    return ws, last, Body(sheet, HEADER_ROW + 1, n, len(entries), rows())
