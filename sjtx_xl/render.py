"""Rendering of use-case results (app.py) for people, shared by both front ends.

The command line prints `*_text` and `json_text`; the officials' workbook (xl.py) writes the
`Table`s of `*_tables` into its 结果_文件 / 结果_汇总 sheets and a one-line status. Both show the same
facts in the same words because both come from here. Nothing here reads or writes a file.
"""
import datetime as _dt
from dataclasses import dataclass
from pathlib import Path

from . import jsonwrite
from .problems import title as problem_title
from .vocab import (CHECK_STATUS_TEXT, ERROR, FORM_TEXT, KIND_TEXT, MERGE_STATUS_TEXT, MERGED, REJECTED,
                    SEVERITY_TEXT, SKIPPED)

LIST_LIMIT = 20                 # files listed per group in the merge's text report

# The result sheets of the officials' workbook (sjtx_xl.workbook builds them with these headers).
FILE_REPORT_HEADERS = ("序号", "文件", "企业名称", "统一社会信用代码", "结果", "问题数", "说明")
SUMMARY_HEADERS = ("项目", "数量")
CHECK_HEADERS = ("序号", "文件", "结果", "严重程度", "工作表", "单元格", "项目", "填写值", "问题", "修改建议")
TEMPLATE_HEADERS = ("序号", "文件", "企业名称", "统一社会信用代码", "批次", "说明")
SUBMIT_HEADERS = ("序号", "类别", "名称", "所在市（州）", "推荐决定", "推荐排序", "说明")
MISSING_HEADERS = ("序号", "企业名称", "统一社会信用代码", "批次", "名单位置", "说明")


@dataclass
class Table:
    """A header and rows: one result sheet of the workbook, one DataFrame for an analyst."""
    header: tuple
    rows: list

    def to_frame(self):
        import pandas as pd                # lazy: pandas is an optional extra
        return pd.DataFrame([list(r) + [None] * (len(self.header) - len(r)) for r in self.rows],
                            columns=list(self.header))


def json_text(obj):
    return jsonwrite.dumps(obj) + "\n"


def write_json(obj, out):
    """json_text(obj), written to `out` as it is made: the same text, never whole in memory. Lists
    in obj may be lazy (summary.parked.ProblemList: read back from disk as they are iterated)."""
    jsonwrite.write(obj, out)


def now():
    return _dt.datetime.now().strftime("%H:%M:%S")


def where(p):
    return "%s!%s" % (p.sheet, p.cell) if p.sheet and p.cell else (p.sheet or "")


# --------------------------------------------------------------------------- check

def check_text(report):
    """The text report of `sjtx-xl check`."""
    return "\n".join(check_lines(report))


def check_lines(report):
    """check_text's lines, made one file at a time (the command line writes them as they come)."""
    for r in report.files:
        head = "%s  %s" % (CHECK_STATUS_TEXT.get(r.status, r.status), r.path)
        if r.kind in FORM_TEXT:
            head += "  [%s%s%s]" % (FORM_TEXT[r.kind], "，模板v%s" % r.template_version if r.template_version else "",
                                    "，按标签读取" if r.read_by == "label" else "")
        yield head
        if r.status in ("skipped",) or (r.status == "rejected" and len(r.problems) <= 1):
            if r.reason:
                yield "    原因：%s" % r.reason
            for p in r.problems:
                yield "    提示：%s" % p.hint
            continue
        a = r.assessment
        if a:
            from .verdicts import deciding_facts      # lazy: verdicts loads the spec's rules
            why = deciding_facts(r.kind, r.conditions, a)
            yield "    资格审查：%s%s" % (a.text, "（%s）" % why if why else "")
        for p in sorted(r.problems, key=lambda p: (p.severity != ERROR,)):
            yield "    %s  %-24s %s  %s  [%s]" % (SEVERITY_TEXT[p.severity], where(p), p.label or "", p.message,
                                                    problem_title(p.type))          # the code is in --json
            if p.hint:
                yield "          → %s" % p.hint
    s = report.stats
    yield ""
    yield ("共 %d 个文件：通过 %d，有错误 %d，无法读取 %d，跳过 %d；错误 %d 条，警告 %d 条。"
           % (s["files"], s["ok"], s["invalid"], s["rejected"], s["skipped"], s["errors"], s["warnings"]))


def check_tables(result):
    """(结果_文件, 结果_汇总) of a check: one row per problem (Report.flatten), then the counts."""
    rows = []
    for i, r in enumerate(result.report.flatten(), 1):
        rows.append((i, r["path"], CHECK_STATUS_TEXT.get(r["status"], r["status"]),
                     SEVERITY_TEXT.get(r["severity"], r["severity"] or ""), r["sheet"], r["cell"], r["label"],
                     r["value"], r["message"], r["hint"]))
    s = result.report.stats
    summary = [("文件数", s["files"]), ("通过", s["ok"]), ("有错误", s["invalid"]), ("无法读取", s["rejected"]),
               ("跳过", s["skipped"]), ("错误（条）", s["errors"]), ("警告（条）", s["warnings"]),
               ("校验对象", "、".join(str(t) for t in result.targets))]
    return Table(CHECK_HEADERS, rows), Table(SUMMARY_HEADERS, summary)


def verdict(rep):
    """One line for a check.FileReport: "✔ 符合", "△ 待更正", "✘ 不符合", "✘ 3项错误：…", "✘ 无法读取：…"."""
    if rep.status == "skipped":
        return "— 未校验：%s" % rep.reason
    if rep.status == "rejected":
        return "✘ 无法读取：%s" % (rep.reason or "；".join(p.message for p in rep.errors))
    errors, warnings = rep.errors, rep.warnings
    tail = "（另有%d项警告）" % len(warnings) if warnings else ""
    if errors:
        shown = "；".join(("%s：%s" % (p.label, p.message)) if p.label and p.label not in p.message
                         else p.message for p in errors[:3])
        return "✘ %d项错误：%s%s%s" % (len(errors), shown, "等" if len(errors) > 3 else "", tail)
    a = rep.assessment
    if a is None:
        return "✔ 未发现错误" + tail
    return a.text + tail


def check_status(result):
    """The workbook's one-line status after a check."""
    report = result.report
    if result.single:
        return "%s：%s（问题清单见“结果_文件”）" % (result.single.name, verdict(report.files[0]))
    s = report.stats
    return ("%s 校验完成（%s）：共%d个文件，通过%d，有错误%d，无法读取%d，跳过%d；错误%d条，警告%d条"
            "（问题清单见“结果_文件”）" % ("✔" if report.valid else "✘", now(), s["files"], s["ok"],
                                      s["invalid"], s["rejected"], s["skipped"], s["errors"], s["warnings"]))


# --------------------------------------------------------------------------- merge

def decisions_lines(d):
    """What a merge did with the officials' decisions (推荐决定)."""
    if not d:
        return []
    lines = ["推荐决定：带回上次填写的 %d 条，新增（默认）%d 条，当前推荐 %d 个%s。"
             % (d["carried"], d["defaults"], d["recommended"],
                "；上次的汇总表已另存为 %s" % Path(d["kept_copy"]).name if d.get("kept_copy") else "")]
    for x in d["lost"][:LIST_LIMIT]:
        lines.append("  上次作过决定、本次没有的：%s（%s）" % (x["name"] or x["uscc"], x["decision"] or "未作决定"))
    return lines


def submit_lines(r):
    """What the submission package holds, and what the official should look at before stamping."""
    lines = ["上报材料：%s" % r.output,
             "推荐企业 %d 家、平台 %d 个（按推荐排序，序号从1起）；未推荐 %d 个，见“未推荐名单”。"
             % (len(r.enterprises), len(r.platforms), len(r.not_recommended)),
             "各市（州）：%s" % ("；".join("%s 企业%d家、平台%d个" % c for c in r.counts) or "无")]
    if r.pdf_note:
        lines.append("PDF：%s" % r.pdf_note)
    else:
        made = sum(1 for v in r.pdfs.values() if not str(v).endswith(".xlsx") and "未能" not in str(v))
        lines.append("PDF：已生成 %d 个（LibreOffice）" % made)
    if r.attachments:
        lines.append("超出单元格的长文字 %d 处，已续印在附页（单元格中注明“见附页”）" % r.attachments)
    for p in r.warnings:
        lines.append("⚠ %s（%s）" % (p["message"], p["hint"]) if p.get("hint") else "⚠ %s" % p["message"])
    if r.kept:
        lines.append("原有的上报材料已另存为 %s" % Path(r.kept).name)
    return lines


def submit_tables(r):
    """(结果_文件, 结果_汇总) of a submission package: the recommended rows in rank order, then the others."""
    rows = []
    for kind_rows in (r.enterprises, r.platforms):
        for i, e in enumerate(kind_rows, 1):
            rows.append((len(rows) + 1, KIND_TEXT[e.kind], e.name, e.city, e.decision.decision, i,
                         e.decision.opinion or ""))
    for e, d, verdict, reason in r.not_recommended:
        rows.append((len(rows) + 1, KIND_TEXT[e.kind], e.name, e.city, d.decision or "未作决定", None, reason))
    return Table(SUBMIT_HEADERS, rows), Table(SUMMARY_HEADERS, [("", line) for line in submit_lines(r)]
                                                + [("文件", f) for f in r.files])


def submit_status(r):
    """The workbook's one-line status after building the package."""
    pdf = "PDF：%s" % r.pdf_note if r.pdf_note else "已生成PDF"
    warn = "；有%d条提示，请在“结果_汇总”中查看" % len(r.warnings) if r.warnings else ""
    return "✔ 上报材料已生成（%s）：推荐企业%d家、平台%d个；%s%s" % (
        now(), len(r.enterprises), len(r.platforms), pdf, warn) + "。文件夹：%s" % r.output


def submit_text(r):
    return "\n".join(submit_lines(r) + ["文件：%s" % f for f in r.files])


def merge_counts(c):
    return ("共发现文件%d个：已汇总%d，拒收%d，跳过%d（其中重复%d）；企业%d家、平台%d个；有错误的文件%d个；"
            % (c["found"], c["merged"], c["rejected"], c["skipped"], c["duplicates"], c["enterprises"],
               c["platforms"], c["files_with_errors"]))


def merge_text(r):
    """The text report of `sjtx-xl merge`."""
    c = r.counts
    lines = ["汇总表：%s" % r.output,
             "共发现文件 %d 个：已汇总 %d 个，拒收 %d 个，跳过 %d 个（其中重复 %d 个）；汇总企业 %d 家、平台 %d 个；有错误的文件 %d 个。"
             % (c["found"], c["merged"], c["rejected"], c["skipped"], c["duplicates"], c["enterprises"],
                c["platforms"], c["files_with_errors"]),
             "重复处理规则：%s。" % r.model.keep_rule]
    for title, pick in (("拒收", lambda f: f.status == REJECTED), ("跳过", lambda f: f.status == SKIPPED),
                        ("有错误（已汇总，详见“校验报告”）", lambda f: f.status == MERGED and f.errors)):
        chosen = [f for f in r.model.files if pick(f)]
        if not chosen:
            continue
        lines.append("%s：" % title)
        for f in chosen[:LIST_LIMIT]:
            why = f.reason if f.status != MERGED else "%d 个错误，如：%s" % (len(f.errors), f.errors[0]["message"])
            lines.append("  %s — %s" % (f.rel or f.path, why))
        if len(chosen) > LIST_LIMIT:
            lines.append("  …… 另有 %d 个，见汇总表“校验报告”" % (len(chosen) - LIST_LIMIT))
    lines.extend(city_lines(r.model.files))
    for n in r.model.notices:
        lines.append(n)
    lines.extend(decisions_lines(r.decisions))
    if r.missing is not None:
        lines.append(missing_text(r.missing))
    if r.timings:
        t = r.timings
        lines.append("用时 %.2f 秒（查找 %.2f，读取和校验 %.2f（%d 个进程），写汇总表 %.2f）"
                     % (t["total"], t["discover"], t["read"], t["workers"], t["prepare"] + t["write"]))
    return "\n".join(lines)


def city_lines(files):
    """What a province must not miss about the city summaries it merged: hand edits not taken over
    and rows a city did not recommend (each listed in the summary's 校验报告)."""
    kinds = {"summary-edited": "市（州）汇总表的可见表格被改动 %d 处，未采用改动后的值（逐处列在“校验报告”）",
             "city-not-recommended": "市（州）未推荐、未带入本次汇总的 %d 家（列在“校验报告”）"}
    from .summary.parked import problem_counts     # late: the summary package (start-up time)
    counts = {k: 0 for k in kinds}
    for f in files:
        for ptype, _, n in problem_counts(f.problems):   # counted without reading parked problems back
            if ptype in counts:
                counts[ptype] += n
    return [kinds[k] % n for k, n in counts.items() if n]


def merge_tables(r):
    """(结果_文件, 结果_汇总) of a merge: one row per file found, then the counts."""
    files = []
    for i, f in enumerate(r.model.files, 1):
        entries = list(f.entries)
        if f.kind == "summary":
            name, code = "%s（%d行）" % (KIND_TEXT["summary"], len(entries)), ""
        else:
            name = "、".join(e.name for e in entries if e.name)
            code = "、".join(e.uscc for e in entries if e.uscc)
        errors = f.errors
        if f.status != MERGED:
            note = f.reason
        elif errors:
            note = "%d个错误，如：%s（详见汇总表“校验报告”）" % (len(errors), errors[0].get("message", ""))
        elif f.problems:
            note = "%d个警告，如：%s" % (len(f.problems), f.problems[0].get("message", ""))
        else:
            note = ""
        files.append((i, f.rel or f.path, name, code, MERGE_STATUS_TEXT.get(f.status, f.status), len(f.problems),
                      note))
    c = r.counts
    summary = [("发现文件", c["found"]), ("已汇总", c["merged"]), ("拒收", c["rejected"]), ("跳过", c["skipped"]),
               ("其中重复", c["duplicates"]), ("汇总企业（家）", c["enterprises"]), ("汇总平台（个）", c["platforms"]),
               ("有错误的文件", c["files_with_errors"]), ("重复处理规则", r.model.keep_rule)]
    summary += [("提示", n) for n in city_lines(r.model.files) + r.model.notices]
    summary += [("推荐决定", line.strip()) for line in decisions_lines(r.decisions)]
    if r.missing is not None:
        summary += missing_summary(r.missing)
    summary.append(("汇总表", r.output))
    return Table(FILE_REPORT_HEADERS, files), Table(SUMMARY_HEADERS, summary)


def merge_status(r, opened=False):
    """The workbook's one-line status after a merge."""
    c = r.counts
    sentence = merge_counts(c)
    if r.missing is not None:
        sentence += "名单中%d家企业，未报送%d家；" % (len(r.missing.listed), len(r.missing.missing))
    look = "请在“结果_文件”中查看拒收和有错误的文件；" if c["rejected"] or c["files_with_errors"] else ""
    return "✔ 合并完成（%s）：%s%s汇总表：%s%s" % (now(), sentence, look, r.output, "（已打开）" if opened else "")


# --------------------------------------------------------------------------- who has not submitted (未报送)

def missing_summary(m):
    out = [("企业名单", str(m.listing)), ("名单中的企业", len(m.listed)), ("名单中未报送", len(m.missing))]
    return out + [("未报送：%s" % e.name, e.uscc or "") for e in m.missing]


def missing_text(m):
    lines = ["企业名单：%s；名单中的企业 %d 家，已报送 %d 家，未报送 %d 家。"
             % (m.listing, len(m.listed), len(m.listed) - len(m.missing), len(m.missing))]
    for e in m.missing:
        lines.append("  未报送：%s  %s" % (e.name, e.uscc or "（名单中无信用代码）"))
    return "\n".join(lines)


def missing_tables(m):
    rows = [(i, e.name, e.uscc, e.batch, "%s 第%d行" % (e.sheet, e.row), "；".join(e.notes) or "未报送")
            for i, e in enumerate(m.missing, 1)]
    summary = missing_summary(m) + [("对照", "、".join(str(s) for s in m.sources))]
    return Table(MISSING_HEADERS, rows), Table(SUMMARY_HEADERS, summary)


def missing_status(m):
    return "%s 核对完成（%s）：名单中%d家企业，已报送%d家，未报送%d家%s" % (
        "✔" if not m.missing else "✘", now(), len(m.listed), len(m.listed) - len(m.missing), len(m.missing),
        "（名单见“结果_文件”）" if m.missing else "")


# --------------------------------------------------------------------------- templates

def templates_tables(r):
    rows = []
    for i, t in enumerate(r.files, 1):
        if t.listed is None:
            rows.append((i, str(t.path), "", "", "", "空白%s模板" % KIND_TEXT[t.kind]))
        else:
            e = t.listed
            rows.append((i, str(t.path), e.name, e.uscc, e.batch, "；".join(e.notes) or "已预填"))
    summary = [("空白模板", r.blank_count), ("预填企业模板", r.prefilled_count), ("输出文件夹", str(r.folder))]
    if r.listing:
        summary.append(("企业名单", str(r.listing)))
        if r.flagged:
            summary.append(("名单中需核对的企业", r.flagged))
    return Table(TEMPLATE_HEADERS, rows), Table(SUMMARY_HEADERS, summary)


def templates_status(r):
    done = "✔ 模板已生成（%s）：空白模板%d份" % (now(), r.blank_count)
    if r.prefilled_count:
        done += "，预填企业模板%d份" % r.prefilled_count
        if r.flagged:
            done += "（其中%d份名单数据有误，见“结果_文件”说明）" % r.flagged
    return done + "；位置：%s" % r.folder


def templates_text(r):
    files, summary = templates_tables(r)
    lines = ["%s\t%s" % (row[1], row[5]) for row in files.rows]
    lines += ["%s：%s" % kv for kv in summary.rows]
    return "\n".join(lines)


# --------------------------------------------------------------------------- data dictionary, lint

def fields_text(d):
    rows = [(f["kind"], f["id"], f["label"], f["sheet"] + "!" + f["cell"], f["type"],
             "必填" if f["required"] else ("条件必填" if f["required_if"] else "选填")) for f in d["fields"]]
    lines = ["\t".join(r) for r in rows]
    lines.append("")
    for o in d["selfcheck"]:
        lines.append("\t".join((o["kind"], o["id"], o["label"], o["sheet"] + "!" + o["cell"], o["texts"]["pass"],
                                o["texts"]["fail"])))
    return "\n".join(lines)


def lint_text(result):
    """(stdout, stderr) of `sjtx-xl lint`: per file "ok" or its problems; files that cannot be opened."""
    out, err = [], []
    for path, found in result.files:
        if isinstance(found, Exception):
            err.append("error: %s" % found)
        elif found:
            out.append("%s: %d problem(s)" % (path, len(found)))
            out += ["  %s" % p for p in found]
        else:
            out.append("%s: ok" % path)
    return "\n".join(out), "\n".join(err)


def demo_text(r):
    """What `sjtx-xl demo` made, and the command that merges it again."""
    c = r.merged.counts
    return "\n".join((
        "模板：%s" % r.templates.resolve(),
        "示例申报材料：%s（%d 家企业、%d 个平台，分市州子文件夹，含常见填写错误和异常文件）"
        % (r.inputs.resolve(), len(r.manifest.by_role("enterprise")), len(r.manifest.by_role("platform"))),
        "汇总表：%s" % r.merged.output,
        "共发现文件 %d 个：已汇总 %d 个，拒收 %d 个，跳过 %d 个；汇总企业 %d 家、平台 %d 个；有错误的文件 %d 个。"
        % (c["found"], c["merged"], c["rejected"], c["skipped"], c["enterprises"], c["platforms"], c["files_with_errors"]),
        *(decisions_lines(r.merged.decisions) if r.merged.decisions.get("kept_copy") else ()),   # run again
        "在汇总表“推荐决定”中作出决定并保存，然后",
        "重新汇总（已填写的决定保留）：sjtx-xl merge %s --recursive -o %s" % (r.inputs, r.summary),
        "生成上报材料：sjtx-xl submit %s -o %s" % (r.summary, r.summary.with_name("上报材料"))))
