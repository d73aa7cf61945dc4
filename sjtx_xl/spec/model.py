"""The vocabulary of the spec: fields, static layout pieces, self-check conditions, forms.

Everything here is plain data. The template compiler, the reader, the validator and the
summary writers all walk these objects; no other module knows a cell address.
"""
from dataclasses import dataclass, field as dc_field
from typing import Optional, Tuple

# Field types. Each has exactly one rule in sjtx_xl.rules (Excel validation, highlight formula
# and Python check).
TYPES = (
    "text",          # short free text, max_len
    "longtext",      # long free text with a live counter, max_len (100 / 3000 / 5000 字)
    "int",           # whole number >= min (counts: 个, 项, 人)
    "decimal",       # number >= 0 (万元)
    "share",         # percentage 0-100 typed as a bare number ("30", not "30%" or 0.3)
    "rate",          # growth rate in %, >= -100, may be negative
    "choice",        # one of a list on the hidden lists sheet
    "multichoice",   # one or more items of a list, separated by 、 (the form's checkboxes)
    "uscc",          # 统一社会信用代码, GB 32100-2015
    "date",          # a calendar date
    "product_code",  # 统计用产品分类目录 code, 8 or 10 digits, kept as text
    "product_name",  # 主导产品名称: no English, several products separated by 、
)

PERIODS = ("base", "y1", "y2")
PERIOD_LABELS = {
    "base": "实施期初始值",
    "y1": "实施期满一年目标",
    "y2": "实施期满两年目标",
}


@dataclass(frozen=True)
class Field:
    """One input cell. `id` is stable ASCII; it names the defined name, JSON keys and columns."""

    id: str
    label: str
    type: str
    sheet: str
    cell: str
    required: bool = True
    unit: str = ""
    choices: Optional[str] = None      # key of a list in spec.lists
    max_len: Optional[int] = None
    min: Optional[float] = None
    max: Optional[float] = None
    help: str = ""                     # input prompt: the notice's filling rule, in Chinese
    span: Optional[str] = None         # merged range whose top-left is `cell`
    aid: bool = False                  # self-check aid, not part of the official form
    form_part: str = ""                # 附件3 / 附件4 / 附件5 / 附件6 / 四(二)7 / 自检辅助 ...
    indicator: Optional[str] = None    # 附件6 indicator id (fields of one row share it)
    period: Optional[str] = None       # base / y1 / y2 for 附件6
    clause: str = ""                   # where the notice asks for it
    counter: Optional[str] = None      # cell showing the live character count
    total_with: Tuple[str, ...] = ()   # ids whose lengths count with this one against max_len
    required_if: Optional[Tuple[str, Tuple[str, ...]]] = None  # (field id, values) making it required
    since: int = 1                     # template version that added the field (TEMPLATE_VERSIONS)
    legacy: Optional[str] = None       # its value for forms of an older template, which lack it

    @property
    def name(self):
        """The workbook's defined name for this input."""
        return "F_" + self.id


@dataclass(frozen=True)
class Text:
    """Static text on a sheet (title, label, note). Locked, never read back."""

    sheet: str
    cell: str
    text: str
    style: str = "label"               # title / subtitle / label / header / note / section / aid
    span: Optional[str] = None


@dataclass(frozen=True)
class Formula:
    """A computed cell that is not a self-check condition (counters, echoes)."""

    sheet: str
    cell: str
    formula: str                       # may use {field_id} placeholders -> defined names
    style: str = "counter"
    span: Optional[str] = None


@dataclass(frozen=True)
class Condition:
    """One row of the 自检 sheet. `rule` is a rules.Expr or a rules.NamedRule."""

    id: str
    label: str
    clause: str
    rule: object
    detail: str = ""                   # what is checked, shown next to the verdict
    fail_hint: str = ""
    correctable: bool = False          # a failure is a typing mistake the applicant can fix (vocab.CORRECTABLE)
    fail_type: str = "condition-failed"  # problem type a failure produces (problems.TYPES)
    fail_field: Optional[str] = None   # field a failure is reported at (else the 自检 cell); its value is
                                       # the problem's value and the rule's `outcome(values)` its detail
    quiet_on_field_error: bool = False  # a failure whose input field has its own error is not repeated
    pending_reported: bool = True      # False: pending is reported by the fields themselves (必填项)

    @property
    def name(self):
        return "R_" + self.id


@dataclass(frozen=True)
class SheetSpec:
    key: str                           # stable key used by fields
    title: str                         # the sheet's name in the workbook (<= 31 chars)
    widths: Tuple[Tuple[str, float], ...] = ()
    landscape: bool = False
    print_title_rows: Optional[str] = None
    hidden: bool = False
    protect: bool = True
    derived: bool = False              # holds nothing typed (自检, lists, _meta, the guide): never read as input


@dataclass(frozen=True)
class Form:
    kind: str                          # enterprise / platform
    title: str
    filename: str
    sheets: Tuple[SheetSpec, ...]
    fields: Tuple[Field, ...]
    texts: Tuple[Text, ...]
    formulas: Tuple[Formula, ...]
    conditions: Tuple[Condition, ...]
    lists: dict = dc_field(default_factory=dict)   # key -> tuple of choices
    instructions: Tuple[str, ...] = ()

    def field(self, fid):
        by_id = self.__dict__.get("_by_id")
        if by_id is None:                      # an index, made once: the verdicts look fields up per row
            by_id = {f.id: f for f in self.fields}
            object.__setattr__(self, "_by_id", by_id)
        try:
            return by_id[fid]
        except KeyError:
            raise KeyError(fid) from None

    def sheet(self, key):
        for s in self.sheets:
            if s.key == key:
                return s
        raise KeyError(key)

    @property
    def required_fields(self):
        """Fields that are always required or required on a condition."""
        return tuple(f for f in self.fields if f.required or f.required_if)
