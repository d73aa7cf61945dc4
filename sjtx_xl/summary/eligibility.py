"""资格审查: each enterprise's (and platform's) conditions of 三、申报条件, ✔/✘, with the reasons.

Verdicts are those the validator recomputed from the values (never the workbook's cached 自检).
"""
from .. import spec, vocab
from ..verdicts import all_facts
from ..rules import MET, NOT_MET, PENDING, VERDICT_TEXT
from .common import finish_table, page_setup, rendered, title_rows
from .stream import Body, cell, lead

SHEETS = {"enterprise": "资格审查", "platform": "资格审查（平台）"}
TITLES = {"enterprise": "重点“小巨人”企业资格审查（通知三(一)）",
          "platform": "公共服务示范平台资格审查（通知三(二)）"}
LEGEND = ("审查结论：✔ 符合　△ 待更正（企业可改正的填写问题）　✘ 不符合（数据无误但不满足条件）。"
          "各条件：✔ 符合　✘ 不符合　… 待填写（相关数据未填）　— 无法判定。依据各文件填报的数据重新计算，仅供审核参考。")
ID_COLUMNS = (("序号", 6), ("所在市（州）", 12), ("名称", 30), ("统一社会信用代码", 21),
              ("审查结论\n（符合/待更正/不符合）", 16))
FACTS_COLUMN = "判定依据（所填数据）"


def verdict(v):
    return VERDICT_TEXT.get(v, VERDICT_TEXT[2] if v is not None else "")



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


def render(e, st):
    """The cells after 序号: city, name, credit code, overall, each condition, the reasons."""
    x = st.x
    uscc = e.uscc or e.values.get("uscc")
    cells = [cell(1, e.city, x.text), cell(2, e.name, x.text),
             cell(3, "" if uscc is None else str(uscc), x.text)]
    a = e.assess()              # one verdict per row: the three-valued one, never the bare conditions
    cells.append(cell(4, a.text, {vocab.ELIGIBLE: x.ok, vocab.INELIGIBLE: x.bad}.get(a.verdict, x.pending)))
    c = 5
    for cond in spec.form(e.kind).conditions:
        v = e.conditions.get(cond.id)
        cells.append(cell(c, verdict(v), _fmt(x, v)))
        c += 1
    cells.append(cell(c, reasons(e.kind, e.conditions), x.cell))
    cells.append(cell(c + 1, all_facts(e.kind, a), x.cell))
    return "".join(cells)


def _fmt(x, v):
    return {MET: x.ok, NOT_MET: x.bad}.get(v, x.pending)


def write(wb, st, model, kind):
    sheet = SHEETS[kind]
    ws = wb.add_worksheet(sheet)
    conds = spec.form(kind).conditions
    entries = model.enterprises if kind == "enterprise" else model.platforms
    hdr = [h for h, _ in ID_COLUMNS] + ["%s\n（%s）" % (c.label, c.clause) for c in conds] + ["不符合或待补充的原因", FACTS_COLUMN]
    widths = [w for _, w in ID_COLUMNS] + [12] * len(conds) + [70, 90]
    for col, w in enumerate(widths):
        ws.set_column(col, col, w)
    head = title_rows(ws, st, TITLES[kind], len(hdr), LEGEND)
    ws.set_row(head, 48)
    for col, h in enumerate(hdr):
        ws.write_string(head, col, h, st.header)

    def rows():
        integer = st.x.integer
        for i, e in enumerate(entries, 1):
            yield lead(i, integer, rendered(e, sheet, st) or render(e, st)), None, None

    finish_table(ws, head, head + len(entries), len(hdr), freeze_cols=3)
    page_setup(ws, landscape=True, repeat_rows=(head, head), repeat_cols=(0, 2))
    return ws, Body(sheet, head + 1, len(hdr), len(entries), rows())
