"""Test helper: type decisions into a summary's 推荐决定 sheet, as an official would (openpyxl, on
files the tests made themselves; the LibreOffice test types them through a real client)."""
import openpyxl

from sjtx_xl.summary import decisions as sheet


def header_row(ws):
    for row in ws.iter_rows(min_row=1, max_row=10):
        values = [c.value for c in row]
        if "推荐决定" in values and "名称" in values:
            return row[0].row, {v: i for i, v in enumerate(values) if v}
    raise AssertionError("no 推荐决定 header")


def table(path):
    """[{header: value}] of the decisions table (rows before the first blank 类别)."""
    wb = openpyxl.load_workbook(path, read_only=True)
    ws = wb[sheet.SHEET]
    first, cols = header_row(ws)
    out = []
    for r in ws.iter_rows(min_row=first + 1, values_only=True):
        if not r or r[0] in (None, ""):
            break
        out.append({h: r[i] for h, i in cols.items()})
    wb.close()
    return out


def type_decisions(path, change):
    """change(row dict) -> {header: new value} or None, for each table row; saved in place."""
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet.SHEET]
    first, cols = header_row(ws)
    for cells in ws.iter_rows(min_row=first + 1):
        if cells[0].value in (None, ""):
            break
        new = change({h: cells[i].value for h, i in cols.items()})
        for h, v in (new or {}).items():
            cells[cols[h]].value = v
    wb.save(path)
