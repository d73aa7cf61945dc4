"""One vocabulary for verdicts and decisions, shared by check, the 自检 sheet, the summary and
the submission package (issue 10/11). Codes are stable kebab-case ASCII; texts are what people see.

The overall verdict has three values:
  * eligible     符合    every condition met on valid data;
  * correctable  待更正  something the applicant can fix: a field that breaks its rule (wrong check
                         character, share typed as a fraction, number typed with words, text too
                         long ...), a missing required field, a condition that cannot be decided
                         yet, or a failed condition marked `correctable` in the spec (size class,
                         credit code) or whose input fields themselves have errors;
  * ineligible   不符合  a condition that is not met on valid data (listed company, R&D 3.2% ...).
`overall_verdict` is the Python twin; the 自检 sheet computes the same in Excel.
"""
ELIGIBLE, CORRECTABLE, INELIGIBLE = "eligible", "correctable", "ineligible"
VERDICTS = (ELIGIBLE, CORRECTABLE, INELIGIBLE)
VERDICT_LABEL = {ELIGIBLE: "符合", CORRECTABLE: "待更正", INELIGIBLE: "不符合"}
VERDICT_TEXT = {ELIGIBLE: "✔ 符合", CORRECTABLE: "△ 待更正", INELIGIBLE: "✘ 不符合"}

# The official's decision per enterprise / platform (summary sheet 推荐决定).
RECOMMEND, NOT_RECOMMEND, UNDECIDED = "推荐", "不推荐", "待定"
DECISIONS = (RECOMMEND, NOT_RECOMMEND, UNDECIDED)
DEFAULT_DECISION = {ELIGIBLE: RECOMMEND, CORRECTABLE: UNDECIDED, INELIGIBLE: NOT_RECOMMEND}

# condition values (three-valued logic of sjtx_xl.rules, plus "not determinable from the form")
MET, NOT_MET, PENDING, UNDETERMINED = 1, 0, 0.5, 2


def overall_verdict(conditions, correctable=(), tainted=(), field_errors=False):
    """conditions: {condition id: value}; correctable: ids whose failure the applicant can fix;
    tainted: ids whose input fields have errors; field_errors: any error-severity field problem."""
    fixable = False
    for cid, v in conditions.items():
        if v == NOT_MET:
            if cid in correctable or cid in tainted:
                fixable = True
            else:
                return INELIGIBLE
        elif v == PENDING:
            fixable = True
    return CORRECTABLE if (fixable or field_errors) else ELIGIBLE

# --- exit codes of the command line (and of the use cases behind it) --------------------------
EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2

# --- problem severities (sjtx_xl.problems) ------------------------------------------------------
ERROR = "error"      # must be fixed before the enterprise or platform can be recommended
WARNING = "warning"  # must be looked at by an official
SEVERITY_TEXT = {ERROR: "错误", WARNING: "警告"}
SEVERITY_ADVICE = {ERROR: "错误（须修改）", WARNING: "警告（请核对）"}      # the feedback workbook

# --- what became of a file ------------------------------------------------------------------------
# `check` gives each file ok / invalid / rejected / skipped; `merge` gives merged / rejected / skipped.
OK, INVALID, REJECTED, SKIPPED, MERGED = "ok", "invalid", "rejected", "skipped", "merged"
READ_STATUSES = (OK, INVALID)            # check statuses that mean "read" (merged by `merge`)
CHECK_STATUSES = (OK, INVALID, REJECTED, SKIPPED)
CHECK_STATUS_TEXT = {OK: "✔ 通过", INVALID: "✘ 有错误", REJECTED: "✘ 无法读取", SKIPPED: "— 跳过"}
CHECK_STATUS_ADVICE = {OK: "通过（无错误）", INVALID: "有错误，请修改后重新报送",       # the feedback workbook
                       REJECTED: "文件无法读取，请按提示处理后重新报送"}
MERGE_STATUS_TEXT = {MERGED: "已汇总", REJECTED: "拒收", SKIPPED: "跳过"}

# --- kinds of workbook ------------------------------------------------------------------------------
KIND_TEXT = {"enterprise": "企业", "platform": "平台", "summary": "汇总表"}
FORM_TEXT = {"enterprise": "企业申报表", "platform": "平台申报表"}

# how a file's values were read (check.FileReport.read_by), as shown in the summary's 数据来源
READ_BY_TEXT = {"name": "按模板名称", "label": "按表格标签", "summary": "经汇总表"}
