"""The notice's two name lists (附件3, 附件4) share one layout: annex label, title, the stamp line,
a header row as printed, one row per entry, footnotes; A4 landscape with the header repeated."""
from .. import spec
from .common import page_setup, rendered, row_height
from .spill import ROWS as _ROWS
from .stream import Body, cell, lead, text

ROWS = _ROWS.decode()                       # between an entry's rows (never in escaped cell XML)

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


MAX_ROW_PT = 409.0                          # Excel's row height limit
MAX_LINES = int((MAX_ROW_PT - 3) // 15) - 1  # lines of wrapped text a row holds, with a line to spare


def pieces(text, width, max_lines=MAX_LINES):
    """`text` cut where a row of a column `width` wide would be full (CJK counts two, as Excel
    shows it), so that no part is hidden by the 409-point row limit."""
    usable = max(int(width) - 1, 1)
    out, start, lines, col = [], 0, 1, 0
    for i, ch in enumerate(text):
        if ch == "\n":
            lines, col = lines + 1, 0
        else:
            w = 2 if ord(ch) > 0x7F else 1
            if col + w > usable:
                lines, col = lines + 1, 0
            col += w
        if lines > max_lines:
            out.append(text[start:i])
            start, lines, col = i, 1, (0 if ch == "\n" else col)
    out.append(text[start:])
    return out


def render(e, st, columns):
    """(cells after 序号, row heights) of an entry: one row, or more when a text would not fit in
    409 points; the rows after the first continue the long texts (their cells joined by ROWS)."""
    texts = ["" if e.values.get(fid) is None else str(e.values.get(fid)) for _, fid, _ in columns[1:]]
    widths = [w for _, _, w in columns[1:]]
    height = row_height(zip(texts, widths))
    if height < MAX_ROW_PT:
        return "".join(cell(c, t, st.x.cell) for c, t in enumerate(texts, 1)), (height,)
    parts = [pieces(t, w) for t, w in zip(texts, widths)]
    rows, heights = [], []
    for k in range(max(map(len, parts))):
        row = [p[k] if k < len(p) else "" for p in parts]
        rows.append("".join(cell(c, t, st.x.cell) for c, t in enumerate(row, 1)))
        heights.append(row_height(zip(row, widths)))
    return ROWS.join(rows), tuple(heights)


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
    made = []                             # (rendered cells or None, heights) of each entry
    for e in entries:
        r = rendered(e, key, st, resolve=False)
        made.append((None, r[1]) if r else render(e, st, columns))
    count = sum(len(h) for _, h in made)
    last = HEADER_ROW + count
    row = last
    for note in notes:
        row += 1
        ws.merge_range(row, 0, row, n - 1, note, st.note)

    def rows():
        center = st.x.cell_center
        blank = text(0, None, center).encode("utf-8")
        for i, (e, (cells, heights)) in enumerate(zip(entries, made), 1):
            if cells is None:
                cells = rendered(e, key, st)[0]
            if isinstance(cells, str):
                cells = cells.encode("utf-8")
            for k, (part, height) in enumerate(zip(cells.split(ROWS.encode()), heights)):
                yield (lead(i, center, part) if k == 0 else blank + part), height, None

    ws.freeze_panes(HEADER_ROW + 1, 0)
    ws.autofilter(HEADER_ROW, 0, last, n - 1)
    page_setup(ws, landscape=True, repeat_rows=(HEADER_ROW, HEADER_ROW))
    ws.print_area(0, 0, row, n - 1)
    ws.center_horizontally()
    return ws, last, Body(sheet, HEADER_ROW + 1, n, count, rows())
