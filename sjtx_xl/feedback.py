"""A small feedback workbook per checked file, for a city official to send back to the enterprise.

Sheet 问题清单 lists every problem: severity, a hyperlink-style reference to the cell in the
original file (it opens the original when both files sit in one folder), the item, the value as
found, the message and the fix. Sheet 自检结果 gives each 三、申报条件 verdict as `check` computed
it. A hidden `_meta` sheet (kind = feedback) lets `sjtx-xl check` skip these files.

Written with XlsxWriter; user text is always written as text (strings_to_formulas is off), so a
value such as =cmd|' /C calc'!A0 cannot turn into a formula here.
"""
import datetime as _dt
import os
from pathlib import Path

from . import spec
from .fsutil import atomic_path
from .problems import title as problem_title
from .rules import VERDICT_TEXT
from .vocab import CHECK_STATUS_ADVICE as STATUS
from .vocab import ERROR
from .vocab import FORM_TEXT as KIND
from .vocab import SEVERITY_ADVICE as SEVERITY
OPTIONS = {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False}


def _verdict(r):
    """符合/待更正/不符合, as check and the summary say it, with the facts that decided it."""
    from .verdicts import deciding_facts  # late: verdicts loads the rules of every condition (start-up time)
    a = r.assessment
    if a is None:
        return "—"
    why = deciding_facts(r.kind, r.conditions, a)
    return a.text + ("（%s）" % why if why else "")


def feedback_name(file_report):
    stem = os.path.splitext(os.path.basename(file_report.path))[0]
    return "%s_反馈.xlsx" % stem


def write_feedback(file_report, out_path):
    """Write the feedback workbook of one FileReport to `out_path` (atomically)."""
    import xlsxwriter  # late: XlsxWriter only when feedback is asked for (start-up time)
    r = file_report
    with atomic_path(out_path) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), OPTIONS)
        wb.set_properties({"title": "申报表检查反馈", "creator": "sjtx-xl"})
        title = wb.add_format({"bold": True, "font_size": 14})
        head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"})
        cell = wb.add_format({"border": 1, "text_wrap": True, "valign": "top"})
        err = wb.add_format({"border": 1, "text_wrap": True, "valign": "top", "font_color": "#C00000", "bold": True})
        link = wb.add_format({"border": 1, "valign": "top", "font_color": "#0563C1", "underline": 1})
        label = wb.add_format({"bold": True})

        ws = wb.add_worksheet("问题清单")
        ws.set_column(0, 0, 6)
        ws.set_column(1, 1, 14)
        ws.set_column(2, 2, 26)
        ws.set_column(3, 3, 28)
        ws.set_column(4, 4, 28)
        ws.set_column(5, 5, 46)
        ws.set_column(6, 6, 46)
        ws.set_column(7, 7, 22)
        ws.write(0, 0, "申报表检查反馈：%s" % os.path.basename(r.path), title)
        info = (
            ("文件", os.path.basename(r.path)),
            ("表格类型", KIND.get(r.kind, "无法识别")),
            ("检查结论", STATUS.get(r.status, r.status) + ("：" + r.reason if r.reason and r.status == "rejected" else "")),
            ("资格审查", _verdict(r)),
            ("问题数", "错误 %d 条，警告 %d 条" % (len(r.errors), len(r.warnings))),
            ("检查时间", _dt.datetime.now().strftime("%Y-%m-%d %H:%M")),
        )
        for i, (k, v) in enumerate(info):
            ws.write(1 + i, 0, k, label)
            ws.write_string(1 + i, 2, v)
        top = 2 + len(info)
        headers = ("序号", "严重程度", "位置（点击打开原文件）", "项目", "填写内容", "问题", "修改建议", "问题类型")
        for c, h in enumerate(headers):
            ws.write(top, c, h, head)
        problems = sorted(r.problems, key=lambda p: p.severity != ERROR)
        for i, p in enumerate(problems):
            row = top + 1 + i
            ws.write_number(row, 0, i + 1, cell)
            ws.write_string(row, 1, SEVERITY.get(p.severity, p.severity), err if p.severity == ERROR else cell)
            where = "%s!%s" % (p.sheet, p.cell) if p.sheet and p.cell else (p.sheet or "")
            if p.sheet and p.cell:
                target = "external:%s#'%s'!%s" % (os.path.basename(r.path), p.sheet.replace("'", "''"), p.cell)
                ws.write_url(row, 2, target, link, string=where, tip="打开原文件并定位到该单元格")
            else:
                ws.write_string(row, 2, where, cell)
            ws.write_string(row, 3, p.label or "", cell)
            ws.write_string(row, 4, p.value or "", cell)
            ws.write_string(row, 5, p.message or "", cell)
            ws.write_string(row, 6, p.hint or "", cell)
            ws.write_string(row, 7, problem_title(p.type), cell)
        if not problems:
            ws.write_string(top + 1, 1, "未发现问题。", cell)
        ws.freeze_panes(top + 1, 0)
        ws.autofilter(top, 0, top + max(len(problems), 1), len(headers) - 1)

        if r.kind in spec.KINDS and r.conditions:
            sc = wb.add_worksheet("自检结果")
            sc.set_column(0, 0, 28)
            sc.set_column(1, 1, 18)
            sc.set_column(2, 2, 14)
            sc.set_column(3, 3, 70)
            for c, h in enumerate(("条件", "依据", "结果", "说明")):
                sc.write(0, c, h, head)
            for i, c in enumerate(spec.form(r.kind).conditions):
                v = r.conditions.get(c.id)
                sc.write_string(1 + i, 0, c.label, cell)
                sc.write_string(1 + i, 1, c.clause, cell)
                sc.write_string(1 + i, 2, VERDICT_TEXT.get(v, ""), err if v == 0 else cell)
                sc.write_string(1 + i, 3, c.detail, cell)

        meta = wb.add_worksheet("_meta")
        for i, (k, v) in enumerate((("kind", "feedback"), ("source", os.path.basename(r.path)),
                                    ("source_sha256", r.sha256 or ""), ("status", r.status))):
            meta.write_string(i, 0, k)
            meta.write_string(i, 1, v)
        meta.hide()
        ws.activate()
        wb.close()
    return Path(out_path)


def write_feedback_dir(report, out_dir):
    """One feedback workbook per checked (not skipped) file in `out_dir`; returns the paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    used, out = set(), []
    for r in report.files:
        if r.status == "skipped":
            continue
        name = feedback_name(r)
        n = 2
        while name in used:
            name = "%s_%d.xlsx" % (feedback_name(r)[:-5], n)
            n += 1
        used.add(name)
        out.append(write_feedback(r, out_dir / name))
    return out
