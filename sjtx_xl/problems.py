"""Problems in user files, as typed data (modelled on frictionless-py errors).

A problem type is a stable kebab-case string with a severity, a Chinese message template and a
fix hint. Code creates problems only through `problem(type, **context)`, so the wording of
every message lives here once.
"""
import operator
from dataclasses import dataclass, fields
from typing import Optional

from .vocab import ERROR, WARNING

# The one serialised form of a problem: `check --json`, `merge --json`, the summary's _data records.
PROBLEM_KEYS = ("type", "severity", "sheet", "cell", "field", "label", "value", "message", "hint")

# A problem's value is cut to this many characters: the whole text is in the form, at the cell the
# problem names, and in the merged values; a 5,000-字 profile over its limit is not copied into every
# report row, _data record and --json line that mentions it.
VALUE_MAX = 200
SHOWN_MAX = 60                      # ... and to this many in its message

# type: (severity, message template, hint template)
TYPES = {
    # file level
    "not-a-workbook": (ERROR, "不是Excel工作簿（.xlsx）{detail}", "请用本系统下发的模板填写后另存为 .xlsx 格式"),
    "encrypted": (ERROR, "文件设置了打开密码，无法读取", "请取消密码（文件→信息→保护工作簿）后重新报送"),
    "corrupt": (ERROR, "文件已损坏，无法读取：{detail}", "请在Excel或WPS中打开并另存为 .xlsx 后重新报送"),
    "unknown-template": (ERROR, "不是本系统的申报模板：{detail}", "请使用本系统下发的《企业申报表》或《平台申报表》模板填写"),
    "previous-template-version": (WARNING, "使用的是上一版模板（{value}，当前为 {detail}），已按上一版读取", "下次请使用最新模板（新模板的自检更完整）"),
    "old-template-version": (ERROR, "模板版本过旧（{value}，当前为 {detail}）", "请下载最新模板并重新填写（可复制粘贴原有内容）"),
    "legacy-xls": (ERROR, "旧版 .xls/.et 格式，{detail}", "请在Excel或WPS中另存为 .xlsx（Excel工作簿）后重新报送"),
    "too-large": (ERROR, "文件过大或内容异常（{detail}），为安全起见不予读取", "请删除多余的工作表、图片和空行后重新保存"),
    "empty": (ERROR, "文件为空（0字节或没有任何填写内容）", "请确认报送的是已填写的文件"),
    "template-changed": (WARNING, "模板与当前规范不一致（{value}，当前为 {detail}），可能被改动过", "请使用本系统下发的模板，不要改动表格结构"),
    "read-by-label": (WARNING, "非本系统模板，按表格标签识别读取", "请核对识别出的数据；建议改用本系统模板"),
    "duplicate-uscc": (WARNING, "统一社会信用代码 {value} 在多个文件中出现：{detail}", "请确认保留哪一份；默认保留修改时间最新的文件"),
    "name-not-in-official-list": (ERROR, "企业名称与工业和信息化部公布名单不一致：{value}", "企业名称须与工信部公布名称一致{detail}"),
    "uscc-not-in-official-list": (ERROR, "统一社会信用代码不在工信部公布的“小巨人”名单中：{value}", "请核对信用代码，或确认该企业是否为国家级专精特新“小巨人”企业"),
    "decision-row-deleted": (WARNING, "汇总表的“推荐决定”中删除了“{value}”一行，按“不推荐”处理", "如需推荐，请在“推荐决定”表中把该行改为“推荐”并填写排序"),
    "decision-orphaned": (WARNING, "上次汇总对“{value}”作出的推荐决定（{detail}）本次没有对应的企业或平台", "已保留在“推荐决定”表下方备查；如该企业或平台再次报送，重新汇总时自动带回"),
    "city-not-recommended": (WARNING, "市（州）汇总表未推荐“{value}”（推荐决定：{detail}），未带入省级汇总", "如需纳入，请市（州）在其汇总表“推荐决定”中改为“推荐”后重新报送"),
    "summary-edited": (WARNING, "汇总表的可见表格被改动：{detail}", "汇总按该表隐藏的原始数据（_data）进行，未采用改动后的值；如需更正，请企业改正申报表后由市（州）重新汇总"),
    "recommended-correctable": (WARNING, "“{value}”被推荐，但资格审查为待更正：{detail}", "请企业更正后重新汇总；确认无碍的，请在推荐意见中说明后再盖章上报"),
    "decision-invalid": (WARNING, "“{value}”的推荐决定“{detail}”不是推荐、不推荐或待定，按未推荐处理", "请在“推荐决定”中从下拉列表选择"),
    "decisions-pending": (WARNING, "尚有 {value} 家（个）推荐决定为“待定”，未列入上报材料：{detail}", "请在“推荐决定”中作出决定后重新生成上报材料"),
    "opinion-too-long": (WARNING, "“{value}”的推荐意见超过200字（{detail}字）", "请精简到200字以内"),
    "recommended-ineligible": (WARNING, "“{value}”被推荐，但资格审查为不符合：{detail}", "请核实后在“推荐决定”中改为“不推荐”，或在推荐意见中说明理由"),
    "rank-invalid": (WARNING, "推荐的“{value}”没有有效的推荐排序（{detail}），排在有排序的之后", "请在“推荐决定”的推荐排序中填写正整数"),
    "rank-duplicate": (WARNING, "推荐排序 {value} 重复：{detail}，按汇总表中的顺序排列", "请在“推荐决定”中调整排序，使之不重复"),
    "pdf-failed": (WARNING, "“{value}”未能生成PDF：{detail}", "请在Excel或WPS中打开该 .xlsx 文件另存为PDF"),
    "too-many-platforms": (WARNING, "推荐平台 {value} 家，超过通知规定的不超过3家", "全省推荐不超过3个平台（三(二)），请择优保留"),
    # field level
    "field-not-found": (ERROR, "表中未找到“{detail}”一项", "请使用本系统下发的模板，或在表中补充该项"),
    "required-missing": (ERROR, "必填项未填写", "{hint}"),
    "formula-in-cell": (ERROR, "单元格内是公式而不是数据：{value}", "请删除公式，直接填写数值或文字"),
    "formula-cached": (WARNING, "单元格内是公式 {value}，已按保存时的计算结果“{detail}”读取", "请核对结果；建议删除公式，直接填写数值或文字"),
    "not-a-number": (ERROR, "应为数字，实际为：{value}", "请只填写数字，不要带单位或文字{hint_suffix}"),
    "not-an-integer": (ERROR, "应为整数，实际为：{value}", "请填写整数（个数、项数、人数）"),
    "out-of-range": (ERROR, "数值 {value} 超出允许范围 {detail}", "{hint}"),
    "percent-fraction": (WARNING, "比重填写为 {value}，疑似把百分数写成了小数（如30%写成0.3）", "百分比请直接填写数字，如30%填“30”"),
    "not-in-list": (ERROR, "“{value}”不是可选项", "请从下拉列表中选择：{detail}"),
    "text-too-long": (ERROR, "文字超长：{detail}", "请精简到规定字数以内"),
    "bad-date": (ERROR, "日期无效：{value}", "请按“2015-06-30”格式填写日期{detail}"),
    "product-code-format": (ERROR, "产品类别代码应为8位或10位数字，实际为：{value}", "对照《统计用产品分类目录》填写8位或10位数字代码，如“3507060000”"),
    "product-name-english": (ERROR, "主导产品名称是英文名称（不含任何汉字）：{value}", "请勿使用英文名称（通知六(一)2），请改用中文名称；CNC冲孔机床等含字母的中文名称可以"),
    "product-name-separator": (ERROR, "多个主导产品应以“、”分隔：{value}", "请把逗号、分号、空格等改为顿号“、”"),
    "uscc-length": (ERROR, "统一社会信用代码应为18位，实际为{detail}位：{value}", "请核对营业执照上的18位统一社会信用代码"),
    "uscc-charset": (ERROR, "统一社会信用代码含非法字符：{value}", "代码只含数字和大写字母（不含I、O、Z、S、V）"),
    "uscc-authority": (ERROR, "统一社会信用代码前两位（登记管理部门码、机构类别码）无效：{value}", "请核对营业执照上的代码"),
    "uscc-check-char": (ERROR, "统一社会信用代码校验位错误：{value}（按GB 32100-2015第18位应为{detail}）", "请核对营业执照，通常是某一位抄错"),
    "platform-not-in-list": (ERROR, "平台名称不在附件2名单中：{value}", "名称须与附件2公布名称完全一致{detail}"),
    "size-mismatch": (ERROR, "企业规模填“{value}”，按划型标准测算为“{detail}”", "依据《中小企业划型标准规定》（工信部联企业〔2011〕300号）核对从业人数、营业收入和资产总额"),
    "inconsistent": (WARNING, "{detail}", "{hint}"),
    # normalisation (always a warning that names the original value)
    "normalised": (WARNING, "已自动规范：“{value}” → “{detail}”", "请在原表中改正，以免再次出错"),
    # eligibility (三、申报条件)
    "condition-failed": (ERROR, "不符合申报条件：{detail}", "{hint}"),
    "condition-pending": (WARNING, "无法判定申报条件：{detail}（相关数据未填或无效）", "请补全相关数据"),
    "condition-undetermined": (WARNING, "无法按表中数据判定：{detail}", "按2位行业代码无法确定适用的划型标准，请人工核对"),
}

# type: a short Chinese name, for reports that list problems by type (校验报告's 问题类型 column)
TITLES = {
    "not-a-workbook": "不是工作簿", "encrypted": "设置了密码", "corrupt": "文件损坏",
    "unknown-template": "非本系统模板", "old-template-version": "模板版本过旧", "previous-template-version": "上一版模板", "legacy-xls": "旧版文件格式",
    "too-large": "文件过大", "empty": "空文件", "template-changed": "模板被改动", "read-by-label": "按标签读取",
    "duplicate-uscc": "信用代码重复", "decision-orphaned": "推荐决定无对应企业", "decision-row-deleted": "推荐决定行被删除",
    "city-not-recommended": "市（州）未推荐", "summary-edited": "汇总表被改动", "recommended-ineligible": "推荐了不符合条件的",
    "recommended-correctable": "推荐了待更正的", "decision-invalid": "推荐决定无效", "decisions-pending": "尚有待定",
    "opinion-too-long": "推荐意见超长",
    "rank-invalid": "推荐排序无效", "rank-duplicate": "推荐排序重复", "pdf-failed": "未能生成PDF", "formula-cached": "公式按计算结果读取", "name-not-in-official-list": "名称与名单不符",
    "uscc-not-in-official-list": "信用代码不在名单中", "too-many-platforms": "平台超过3家",
    "field-not-found": "缺少填报项", "required-missing": "必填项未填", "formula-in-cell": "单元格内是公式",
    "not-a-number": "不是数字", "not-an-integer": "不是整数", "out-of-range": "超出范围",
    "percent-fraction": "百分数写成小数", "not-in-list": "不是可选项", "text-too-long": "文字超长",
    "bad-date": "日期无效", "product-code-format": "产品代码格式错误", "product-name-english": "产品名称为英文",
    "product-name-separator": "产品分隔符错误", "uscc-length": "信用代码位数错误", "uscc-charset": "信用代码含非法字符",
    "uscc-authority": "信用代码前两位无效", "uscc-check-char": "信用代码校验位错误", "platform-not-in-list": "平台不在名单中",
    "size-mismatch": "企业规模与测算不符", "inconsistent": "数据不一致", "normalised": "已自动规范",
    "condition-failed": "不符合申报条件", "condition-pending": "申报条件待判定", "condition-undetermined": "申报条件无法判定",
}


def title(type):
    """The Chinese name of a problem type (the code itself for a type this version does not know)."""
    return TITLES.get(type, type or "")


@dataclass
class Problem:
    type: str
    severity: str
    message: str
    hint: str
    file: Optional[str] = None
    sheet: Optional[str] = None
    cell: Optional[str] = None
    field: Optional[str] = None
    label: Optional[str] = None
    value: Optional[str] = None

    def to_dict(self):
        return dict(zip(PROBLEM_KEYS, _PROBLEM_FIELDS(self)))

    def __reduce__(self):
        # its fields as a tuple, not a dict of them, through pickle: check's pool sends ~100 a file
        return Problem, _ALL_FIELDS(self)

    def copy(self):
        """A copy of this problem, to be located (what copy.copy gives, several times faster: a
        cached problem is copied ~90 times for an error-heavy form)."""
        return Problem(*_ALL_FIELDS(self))


_PROBLEM_FIELDS = operator.attrgetter(*PROBLEM_KEYS)
_ALL_FIELDS = operator.attrgetter(*[f.name for f in fields(Problem)])


class _Blank(dict):
    def __missing__(self, key):
        return ""


def problem(type, value=None, detail="", hint="", severity=None, **where):
    """Build a Problem of a registered type; unknown types are a programming error."""
    sev, message, hint_tpl = TYPES[type]
    value = None if value is None else _cut(str(value), VALUE_MAX)
    ctx = _Blank(value=shown(value or ""), detail=detail, hint=hint,
                 hint_suffix=("；" + hint) if hint else "")
    return Problem(
        type=type,
        severity=severity or sev,
        message=message.format_map(ctx),
        hint=hint_tpl.format_map(ctx) or hint,
        value=value,
        **where,
    )


def _cut(text, n):
    return text if len(text) <= n else text[:n - 1] + "…"


def shown(text):
    """A text as a message quotes it: at most SHOWN_MAX characters, as the value in it."""
    return _cut(text, SHOWN_MAX)
