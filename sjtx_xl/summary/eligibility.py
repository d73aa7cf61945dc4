"""资格审查: each enterprise's (and platform's) conditions of 三、申报条件, ✔/✘, with the reasons.

Verdicts are those the validator recomputed from the values (never the workbook's cached 自检).
"""
from .. import spec, vocab
from ..verdicts import all_facts, assess
from ..rules import MET, NOT_MET, OVERALL_TEXT, PENDING, VERDICT_TEXT
from .common import finish_table, page_setup, tail, title_rows
from .fastrows import FastWorksheet

SHEETS = {"enterprise": "资格审查", "platform": "资格审查（平台）"}
TITLES = {"enterprise": "重点“小巨人”企业资格审查（通知三(一)）",
          "platform": "公共服务示范平台资格审查（通知三(二)）"}
LEGEND = "✔ 符合　✘ 不符合　… 待填写（相关数据未填）　— 无法判定。依据各文件填报的数据重新计算，仅供审核参考。"
ID_COLUMNS = (("序号", 6), ("所在市（州）", 12), ("名称", 30), ("统一社会信用代码", 21), ("总体结论", 16))
VERDICT_COLUMNS = ("审查结论\n（符合/待更正/不符合）", "判定依据（所填数据）")
TAIL_START = 4                     # 总体结论 onwards depends only on the entry itself


def verdict(v):
    return VERDICT_TEXT.get(v, VERDICT_TEXT[2] if v is not None else "")


def overall_text(v):
    return OVERALL_TEXT.get(v) or verdict(v)


def reasons(kind, conditions):
    """Why an entry does not (yet) meet the conditions, in the spec's words."""
    out = []
    for c in spec.form(kind).conditions:
        v = conditions.get(c.id)
        if v == MET:
            continue
        if v == NOT_MET:
            out.append("%s（%s）：%s" % (c.label, c.clause, c.fail_hint or c.detail))
        elif v == PENDING:
            out.append("%s：待填写（%s）" % (c.label, c.detail))
        else:
            out.append("%s：无法判定（%s）" % (c.label, c.detail))
    return "；".join(out)


def tail_cells(e, st):
    """The verdict cells of a row (after 统一社会信用代码): overall, each condition, the reasons."""
    cells = [(overall_text(e.overall), _fmt(st, e.overall))]
    for c in spec.form(e.kind).conditions:
        v = e.conditions.get(c.id)
        cells.append((verdict(v), _fmt(st, v)))
    cells.append((reasons(e.kind, e.conditions), st.cell))
    a = assess(e.kind, e.values, e.conditions, e.problems)
    cells.append((a.text, {vocab.ELIGIBLE: st.ok, vocab.INELIGIBLE: st.bad}.get(a.verdict, st.pending)))
    cells.append((all_facts(e.kind, a), st.cell))
    return cells


def _fmt(st, v):
    return {MET: st.ok, NOT_MET: st.bad}.get(v, st.pending)


def write(wb, st, model, kind):
    ws = wb.add_worksheet(SHEETS[kind], worksheet_class=FastWorksheet)
    conds = spec.form(kind).conditions
    entries = model.enterprises if kind == "enterprise" else model.platforms
    hdr = [h for h, _ in ID_COLUMNS] + ["%s\n（%s）" % (c.label, c.clause) for c in conds] + ["不符合或待补充的原因"] + list(VERDICT_COLUMNS)
    widths = [w for _, w in ID_COLUMNS] + [12] * len(conds) + [70, 12, 90]
    for col, w in enumerate(widths):
        ws.set_column(col, col, w)
    head = title_rows(ws, st, TITLES[kind], len(hdr), LEGEND)
    ws.set_row(head, 48)
    for col, h in enumerate(hdr):
        ws.write_string(head, col, h, st.header)
    row = head
    for i, e in enumerate(entries, 1):
        row += 1
        uscc = e.uscc or e.values.get("uscc")
        cells = [(i, st.integer), (e.city, st.text), (e.name, st.text), ("" if uscc is None else str(uscc), st.text)]
        pre = tail(e, SHEETS[kind], st)
        if pre:
            ws.write_cells(row, cells, pre)
        else:
            ws.write_cells(row, cells + tail_cells(e, st))
    finish_table(ws, head, row, len(hdr), freeze_cols=3)
    page_setup(ws, landscape=True, repeat_rows=(head, head))
    return ws
