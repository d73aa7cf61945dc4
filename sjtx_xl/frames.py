"""A summary as pandas DataFrames, for an analyst in a notebook:

    import sjtx_xl
    frames = sjtx_xl.merge_folder("报送").frames()      # or sjtx_xl.summary_frames("汇总.xlsx")
    frames["附件3"], frames["附件5"], frames["问题"]

One DataFrame per table of the summary workbook, with the same columns as its sheet (a header's
first line; 附件6 as "指标｜期间"), holding the values as merged (numbers stay numbers), plus
"问题" (one row per problem of every merged row) and "文件" (what became of every file found).
pandas is imported here only, when frames are asked for (`pip install sjtx-xl[pandas]`).
"""
from . import decisions, spec
from .duplicates import time_text
from .summary import annex3, annex4, annex5, annex6, eligibility
from .summary.common import field_header
from .verdicts import all_facts
from .vocab import KIND_TEXT, MERGE_STATUS_TEXT, SEVERITY_TEXT

PROBLEM_COLUMNS = ("类型", "名称", "统一社会信用代码", "所在市（州）", "来源文件", "严重程度", "工作表", "单元格", "项目",
                   "填写值", "问题", "修改建议", "问题类型")
FILE_COLUMNS = ("文件", "类型", "结果", "原因", "问题数", "SHA-256", "修改时间", "保存时间")


def _head(h):
    return h.split("\n")[0]


def _list(columns, entries):
    own = [(h, fid) for h, fid, _ in columns if fid and fid != "uscc"]      # the code once, beside the city
    cols = ["所在市（州）", "统一社会信用代码"] + [_head(h) for h, _ in own]
    rows = [[e.city, e.uscc] + [e.values.get(fid) for _, fid in own] for e in entries]
    return cols, rows


def _annex5(model):
    fs = annex5.fields()
    cols = ["所在市（州）"] + [field_header(f) for f in fs] + ["来源文件"]
    return cols, [[e.city] + [e.values.get(f.id) for f in fs] + [e.rel or e.path] for e in model.enterprises]


def _annex6(model):
    cs = annex6.columns()
    cols = ["企业名称", "统一社会信用代码", "所在市（州）"] + ["%s｜%s" % (label, period) for _, label, period, _ in cs]
    return cols, [[e.name, e.uscc, e.city] + [e.values.get(f.id) for _, _, _, f in cs] for e in model.enterprises]


def _eligibility(kind, entries):
    conds = spec.form(kind).conditions
    base = ["所在市（州）", "名称", "统一社会信用代码", "审查结论"]
    cols = (base + [c.label + "（条件）" if c.label in base else c.label for c in conds]   # unique names
            + ["不符合或待补充的原因", "判定依据"])
    rows = []
    for e in entries:
        a = e.assess()
        rows.append([e.city, e.name, e.uscc, a.label] + [eligibility.verdict(e.conditions.get(c.id)) for c in conds]
                    + [eligibility.reasons(kind, e.conditions), all_facts(kind, a)])
    return cols, rows


def _decisions(model):
    """推荐决定 as the official typed it (carried over) or as defaulted from the verdict."""
    cols = ["类别", "所在市（州）", "名称", "统一社会信用代码", "审查结论", "推荐决定", "推荐排序", "推荐意见",
            "市（州）推荐排序", "市（州）推荐意见"]
    rows = []
    for e in model.enterprises + model.platforms:
        d = decisions.of(e)
        rows.append([KIND_TEXT.get(e.kind, e.kind), e.city, e.name, e.uscc, e.assess().label, d.decision, d.rank,
                     d.opinion, d.city_rank, d.city_opinion])
    return cols, rows


def _problems(model):
    rows = []
    for e in model.enterprises + model.platforms:
        for p in e.problems:
            rows.append([KIND_TEXT.get(e.kind, e.kind), e.name, e.uscc, e.city, e.rel or e.path,
                         SEVERITY_TEXT.get(p.get("severity"), p.get("severity")), p.get("sheet"), p.get("cell"),
                         p.get("label"), p.get("value"), p.get("message"), p.get("hint"), p.get("type")])
    return list(PROBLEM_COLUMNS), rows


def _files(model):
    rows = [[f.rel or f.path, KIND_TEXT.get(f.kind, f.kind or ""), MERGE_STATUS_TEXT.get(f.status, f.status), f.reason,
             len(f.problems), f.sha256, time_text(f.mtime), time_text(f.saved)] for f in model.files]
    return list(FILE_COLUMNS), rows


def tables(model):
    """{table: (columns, rows)} of a summary.SummaryModel; no pandas needed."""
    return {
        "附件3": _list(annex3.COLUMNS, model.enterprises),
        "附件4": _list(annex4.COLUMNS, model.platforms),
        "附件5": _annex5(model),
        "附件6": _annex6(model),
        "资格审查": _eligibility("enterprise", model.enterprises),
        "资格审查（平台）": _eligibility("platform", model.platforms),
        "推荐决定": _decisions(model),
        "问题": _problems(model),
        "文件": _files(model),
    }


def summary_frames(model):
    """{table: pandas.DataFrame} of a summary.SummaryModel (see `tables`)."""
    import pandas as pd              # lazy: pandas is an optional extra, and slow to import
    return {name: pd.DataFrame(rows, columns=cols) for name, (cols, rows) in tables(model).items()}
