"""推荐决定: the sheet where the official decides, per enterprise and platform.

    write(wb, st, model)     one row per entry: verdict and its facts (read-only in spirit), then
                             推荐决定 (dropdown 推荐/不推荐/待定), 推荐排序 (whole number),
                             推荐意见 (≤200字), and the city's own rank and opinion when the row
                             came from a city summary. Unprotected: it is meant to be edited.
    read(path)               {key: Decision} typed on a summary's sheet, read with calamine (the
                             file is never opened for writing, so nothing else in it can change).

Decisions of rows that have left the summary are kept below the table, so a later merge that
sees them again carries them back.
"""
from .. import vocab
from ..decisions import KIND_OF_TEXT, KIND_TEXT, MAX_OPINION, Decision, key, of
from ..verdicts import deciding_facts
from .common import page_setup, title_rows
from .stream import Body, cell
from .xwinternals import xf_index

SHEET = "推荐决定"
TITLE = "推荐决定（请在黄色列中选择或填写；重新汇总时按统一社会信用代码保留）"
NOTE = ("推荐决定：推荐 / 不推荐 / 待定（默认随资格审查结论：符合→推荐，待更正→待定，不符合→不推荐）；"
        "推荐排序：整数，1为最优先；推荐意见：不超过%d字。生成上报材料：sjtx-xl submit 本文件 -o 文件夹。" % MAX_OPINION)
COLUMNS = (("类别", 6), ("序号", 6), ("所在市（州）", 12), ("名称", 30), ("统一社会信用代码", 21),
           ("资格审查", 9), ("判定依据", 50), ("推荐决定", 10), ("推荐排序", 9), ("推荐意见", 40),
           ("市（州）推荐排序", 10), ("市（州）推荐意见", 30))
HEAD = {h: i for i, (h, _) in enumerate(COLUMNS)}
EDITABLE = ("推荐决定", "推荐排序", "推荐意见")
LOST_TITLE = "以下为以前汇总中作过决定、本次汇总中没有的企业或平台（保留备查；再次出现时自动带回）"


def rows(model):
    """(entry or None, Decision, verdict text, facts) for the table, then the lost decisions."""
    out = []
    for e in model.enterprises + model.platforms:
        a = e.assess()                    # made in the pool worker (verdicts.assess)
        out.append((e, of(e), a.label, deciding_facts(e.kind, e.conditions, a)))
    return out


def write(wb, st, model):
    """The sheet's skeleton (XlsxWriter) and its table rows as a streamed Body (stream.py)."""
    ws = wb.add_worksheet(SHEET)
    edit = wb.add_format({"font_name": st.cell.font_name, "border": 1, "bg_color": "#FFF2CC", "text_wrap": True,
                          "valign": "vcenter", "locked": False})
    edit_ix = xf_index(edit)                               # fixed now, for the streamed rows
    for col, (_, w) in enumerate(COLUMNS):
        ws.set_column(col, col, w)
    head = title_rows(ws, st, TITLE, len(COLUMNS), NOTE)
    ws.set_row(head, 30)
    for col, (h, _) in enumerate(COLUMNS):
        ws.write_string(head, col, h, st.header)
    table = rows(model)
    last = row = head + len(table)
    if model.lost_decisions:
        row += 2
        ws.merge_range(row, 0, row, len(COLUMNS) - 1, LOST_TITLE, st.warning)
        for i, d in enumerate(model.lost_decisions, 1):
            row += 1
            _row(ws, st, edit, row, d, i, vocab.VERDICT_LABEL.get(d.verdict, ""), "本次汇总中没有")
    first = head + 1
    end = max(row, last, first) + 200                      # room for rows the official may add by hand
    c = HEAD["推荐决定"]
    ws.data_validation(first, c, end, c, {
        "validate": "list", "source": list(vocab.DECISIONS), "error_title": "推荐决定",
        "error_message": "请选择：%s" % "、".join(vocab.DECISIONS)})
    c = HEAD["推荐排序"]
    ws.data_validation(first, c, end, c, {
        "validate": "integer", "criteria": ">=", "value": 1, "ignore_blank": True, "error_title": "推荐排序",
        "error_message": "请填写正整数，1为最优先"})
    c = HEAD["推荐意见"]
    ws.data_validation(first, c, end, c, {
        "validate": "length", "criteria": "<=", "value": MAX_OPINION, "ignore_blank": True,
        "error_title": "推荐意见", "error_message": "推荐意见不超过%d字" % MAX_OPINION})
    ws.freeze_panes(head + 1, 4)
    ws.autofilter(head, 0, max(last, head), len(COLUMNS) - 1)
    page_setup(ws, landscape=True, repeat_rows=(head, head))

    def streamed():
        counters = {}
        for e, d, verdict, facts in table:
            counters[e.kind] = counters.get(e.kind, 0) + 1
            yield _cells(st.x, edit_ix, d, counters[e.kind], verdict, facts).encode("utf-8"), None, None

    return ws, Body(SHEET, first, len(COLUMNS), len(table), streamed())


def _cells(x, edit, d, n, verdict, facts):
    """A table row as cell XML: the same cells _row writes through XlsxWriter."""
    out = [cell(0, KIND_TEXT[d.kind], x.text), cell(1, n, x.integer)]
    out += [cell(c, v, x.cell) for c, v in ((2, d.city), (3, d.name), (4, d.uscc), (5, verdict), (6, facts))]
    out += [cell(HEAD["推荐决定"], d.decision, edit), cell(HEAD["推荐排序"], d.rank, edit),
            cell(HEAD["推荐意见"], d.opinion, edit), cell(HEAD["市（州）推荐排序"], d.city_rank, x.cell),
            cell(HEAD["市（州）推荐意见"], d.city_opinion, x.cell)]
    return "".join(out)


def _row(ws, st, edit, row, d, n, verdict, facts):
    ws.write_string(row, 0, KIND_TEXT[d.kind], st.text)
    ws.write_number(row, 1, n, st.integer)
    for col, v in ((2, d.city), (3, d.name), (4, d.uscc), (5, verdict), (6, facts)):
        _write_value(ws, row, col, v, st.cell)
    _write_value(ws, row, HEAD["推荐决定"], d.decision, edit)
    _write_value(ws, row, HEAD["推荐排序"], d.rank, edit)
    _write_value(ws, row, HEAD["推荐意见"], d.opinion, edit)
    _write_value(ws, row, HEAD["市（州）推荐排序"], d.city_rank, st.cell)
    _write_value(ws, row, HEAD["市（州）推荐意见"], d.city_opinion, st.cell)


def _write_value(ws, row, col, v, fmt):
    """Numbers as numbers, text always as text (never a formula), blanks as formatted blank cells."""
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        ws.write_number(row, col, v, fmt)
    elif v is None or v == "":
        ws.write_blank(row, col, None, fmt)
    else:
        ws.write_string(row, col, str(v), fmt)


# --------------------------------------------------------------------------- reading back

def _text(v):
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v).strip()


def _rank(v):
    """A whole number stays a number; anything else the official typed is kept as text."""
    if isinstance(v, bool):
        return None
    if isinstance(v, (int, float)):
        return int(v) if float(v).is_integer() else v
    t = _text(v)
    if not t:
        return None
    try:
        return int(t)
    except ValueError:
        return t


def read_rows(rows):
    """{key: Decision} from the sheet's rows (lists of cell values, as calamine gives them)."""
    out = {}
    cols = None
    for r in rows:
        cells = [_text(c) for c in r]
        if cols is None:
            if "推荐决定" in cells and "名称" in cells:
                cols = {h: cells.index(h) for h, _ in COLUMNS if h in cells}
            continue
        get = (lambda h: r[cols[h]] if h in cols and cols[h] < len(r) else None)
        kind = KIND_OF_TEXT.get(_text(get("类别")))
        name, uscc = _text(get("名称")), _text(get("统一社会信用代码")).upper()
        if kind is None or not (name or uscc):
            continue
        k = key(kind, uscc, name)
        if k in out:                       # the table comes before the kept lost rows: it wins
            continue
        out[k] = Decision(kind=kind, key=k, name=name, uscc=uscc, city=_text(get("所在市（州）")),
                          decision=_text(get("推荐决定")), rank=_rank(get("推荐排序")), opinion=_text(get("推荐意见")),
                          verdict={v: c for c, v in vocab.VERDICT_LABEL.items()}.get(_text(get("资格审查")), ""),
                          city_rank=_rank(get("市（州）推荐排序")), city_opinion=_text(get("市（州）推荐意见")),
                          carried=True)
    return out


def read(path):
    """{key: Decision} typed on the 推荐决定 sheet of a summary; {} when it has none (older summaries)."""
    from python_calamine import CalamineWorkbook  # late: calamine only when decisions are read back
    wb = CalamineWorkbook.from_path(str(path))
    if SHEET not in wb.sheet_names:
        return {}
    return read_rows(wb.get_sheet_by_name(SHEET).to_python())
