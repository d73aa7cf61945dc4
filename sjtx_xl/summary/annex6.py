"""附件6 目标: every indicator of 附件6, three periods, one row per enterprise.

Header rows: 一级指标 / 二级指标 / period, as in the form; columns come from the spec's indicator
fields (spec.enterprise.indicators() gives the order and the printed labels).
"""
from .. import spec
from .common import finish_table, page_setup, rendered, title_rows
from .stream import Body, cell, lead

SHEET = "附件6 目标"
TITLE = "吉林省第二批重点“小巨人”企业目标表（汇总）"
ID_COLUMNS = (("序号", 6), ("企业名称", 30), ("统一社会信用代码", 21), ("所在市（州）", 12))


def columns():
    """[(group, indicator label, period, field)] in the order of the form."""
    by_indicator = {}
    for f in spec.form("enterprise").fields:
        if f.form_part == "附件6" and f.indicator:
            by_indicator.setdefault(f.indicator, []).append(f)
    out = []
    for iid, group, label, _, _ in spec.enterprise.indicators():
        fs = sorted(by_indicator.pop(iid, ()), key=lambda f: spec.PERIODS.index(f.period))
        for f in fs:
            out.append((group, label, f.period, f))
    if by_indicator:
        raise AssertionError("附件6 indicators missing from INDICATORS: %s" % sorted(by_indicator))
    return out


def write(wb, st, model):
    ws = wb.add_worksheet(SHEET)
    cols = columns()
    nid = len(ID_COLUMNS)
    ncols = nid + len(cols)
    widths = [w for _, w in ID_COLUMNS] + [13] * len(cols)
    for col, (_, w) in enumerate(ID_COLUMNS):
        ws.set_column(col, col, w)
    ws.set_column(nid, ncols - 1, 13)
    top = title_rows(ws, st, TITLE, ncols, "实施期初始值：年度数据为2020年末，非年度数据为2021年5月31日；"
                     "实施期满一年目标为2022年末，满两年目标为2023年末（附件6注3）。共 %d 家。" % len(model.enterprises),
                     widths)
    # three header rows; merges stay within a row
    for level in range(3):
        r = top + level
        ws.set_row(r, 20 if level != 1 else 60)
        for col, (h, _) in enumerate(ID_COLUMNS):
            ws.write_string(r, col, h if level == 2 else "", st.header)
        start = nid
        while start < ncols:
            key = cols[start - nid][:level + 1] if level < 2 else None
            end = start
            if key is not None:
                while end + 1 < ncols and cols[end + 1 - nid][:level + 1] == key:
                    end += 1
            g, label, period, _ = cols[start - nid]
            text = (g, label, spec.PERIOD_LABELS[period])[level]
            if end > start:
                ws.merge_range(r, start, r, end, text, st.header)
            else:
                ws.write_string(r, start, text, st.header)
            start = end + 1
    head = top + 2

    def rows():
        integer = st.x.integer
        for i, e in enumerate(model.enterprises, 1):
            yield lead(i, integer, rendered(e, SHEET, st) or render(e, st)), None, None

    n = len(model.enterprises)
    finish_table(ws, head, head + n, ncols, freeze_cols=2)
    page_setup(ws, landscape=True, repeat_rows=(top, head), fit_width=False, repeat_cols=(0, 1))
    return ws, Body(SHEET, head + 1, ncols, n, rows())


def render(e, st):
    """The cells after 序号: name, credit code, city, every indicator."""
    x = st.x
    vals = e.values
    uscc = e.uscc or vals.get("uscc")
    cells = [cell(1, e.name, x.text), cell(2, "" if uscc is None else str(uscc), x.text),
             cell(3, e.city, x.text)]
    cells += [cell(c, vals.get(fid), x.number) for c, fid in enumerate(_ids(), len(ID_COLUMNS))]
    return "".join(cells)


@spec.cached
def _ids():
    return tuple(c[3].id for c in columns())
