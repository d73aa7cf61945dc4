"""Lists of enterprises an official keeps in Excel (or CSV): read once, for every job that uses one.

Two lists are read through here:
  * the MIIT list of national 小巨人 (`--official-list`): every row needs a credit code and a name;
  * the province's list of enterprises it expects (`--enterprise-list`, the workbook's 企业名单):
    used to pre-fill templates and to find who has not submitted (未报送).

One reader finds the header row (企业名称 / 统一社会信用代码 / 批次, in any order, spaces and
full-width letters ignored) on each sheet. Three text rules, each used everywhere:
  key(v)   NFKC, no whitespace: headers and names compared loosely;
  text(v)  a cell as text, trimmed (names are kept as typed: （） stays full-width);
  code(v)  a credit code: NFKC, no whitespace, upper case.
"""
import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import List

from .errors import UsageError
from .uscc import check_uscc

NAME_HEADERS = ("企业名称", "企业全称", "名称", "单位名称")
HEADER_ROWS = 20              # the header must be within the first rows of a sheet


def key(v):
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(v))) if v is not None else ""


def text(v):
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return "" if v is None else str(v).strip()


def code(v):
    return key(text(v)).upper()


@dataclass
class Listed:
    """One enterprise of a list; `notes` says what in its row needs checking."""
    name: str
    uscc: str = ""
    batch: str = ""
    sheet: str = ""
    row: int = 0                           # 1-based row in its sheet
    notes: List[str] = field(default_factory=list)

    def to_dict(self):
        return {"name": self.name, "uscc": self.uscc, "batch": self.batch, "sheet": self.sheet, "row": self.row,
                "notes": list(self.notes)}


def _sheets(p, title):
    """[(sheet name, rows)] of an .xlsx/.xls/.et/.ods workbook or a CSV file (UTF-8 or GB18030)."""
    if not p.is_file():
        raise UsageError("找不到%s文件：%s" % (title, p))
    try:
        if p.suffix.lower() in (".csv", ".txt"):
            data = p.read_bytes()
            for enc in ("utf-8-sig", "gb18030"):
                try:
                    return [(p.stem, list(csv.reader(io.StringIO(data.decode(enc)))))]
                except UnicodeDecodeError:
                    continue
            raise ValueError("无法识别的文字编码")
        from python_calamine import CalamineWorkbook          # lazy: the CLI starts without it
        wb = CalamineWorkbook.from_path(str(p))
        return [(n, wb.get_sheet_by_name(n).to_python()) for n in wb.sheet_names]
    except Exception as e:
        raise UsageError("无法读取%s %s：%s（应为含表头的 .xlsx 文件）" % (title, p, e)) from e


def _columns(row):
    """(name, code, batch) column indexes of a header row, or None when it has no name column."""
    keys = [key(c) for c in row]
    name = next((j for j, k in enumerate(keys) if k in NAME_HEADERS), None)
    if name is None:
        return None
    code_col = next((j for j, k in enumerate(keys) if "信用代码" in k), None)
    batch = next((j for j, k in enumerate(keys) if "批次" in k), None)
    return name, code_col, batch


def read_list(path, title="“企业名单”", need_code=False):
    """[Listed] of every sheet with a header row (企业名称, and 统一社会信用代码 when `need_code`).

    A header may repeat further down a sheet (lists pasted together); rows before the first
    header are titles. Rows without a name (or, with `need_code`, without a code) are left out."""
    p = Path(path)
    out, found = [], False
    for sheet, rows in _sheets(p, title):
        cols = None
        for i, row in enumerate(rows):
            if cols is None and i >= HEADER_ROWS:
                break
            c = _columns(row)
            if c is not None and (c[1] is not None or not need_code):
                cols, found = c, True
                continue
            if cols is None:
                continue

            def cell(j):
                return text(row[j]) if j is not None and j < len(row) else ""
            item = Listed(name=cell(cols[0]), uscc=code(cell(cols[1])), batch=cell(cols[2]), sheet=sheet, row=i + 1)
            if item.name and (item.uscc or not need_code):
                out.append(item)
    if not found:
        raise UsageError("%s %s 中找不到表头“企业名称”%s" % (
            title, p, "和“统一社会信用代码”两列" if need_code else "（可选列：统一社会信用代码、批次）"))
    return out


def load_official_list(path):
    """{统一社会信用代码: 企业名称} from the MIIT list of 小巨人 (xlsx/xls/csv with a header row)."""
    return {e.uscc: e.name for e in read_list(path, "“小巨人”名单", need_code=True)}


def read_enterprise_list(path):
    """[Listed] of the province's list, each checked: a credit code must pass GB 32100 and a batch
    must be one of the template's choices (1/2/3 and unique prefixes are accepted), else it is noted
    and the batch left blank. Nothing is dropped silently."""
    from . import spec                                # late: compiling the spec (start-up time)
    out = read_list(path, "“企业名单”")
    if not out:
        raise UsageError("“企业名单” %s 中没有企业（“企业名称”列为空）" % path)
    batches = spec.common.BATCHES
    for e in out:
        if e.uscc:
            r = check_uscc(e.uscc)
            if not r.ok:
                e.notes.append("信用代码需核对：%s" % r.message)
        b = key(e.batch)                              # "第三批（正在公示）" typed with ASCII ( ) still matches
        exact = [x for x in batches if key(x) == b]
        hit = [x for x in batches if key(x).startswith(b) or b.startswith(key(x))]
        if not b or exact:
            e.batch = exact[0] if exact else ""
        elif b in ("1", "2", "3"):
            e.batch = batches[int(b) - 1]
        elif len(hit) == 1:
            e.batch = hit[0]
        else:
            e.notes.append("批次“%s”不是可选项（%s），未预填" % (e.batch, "、".join(batches)))
            e.batch = ""
    return out


def not_submitted(listed, submitted):
    """The listed enterprises without a submission: matched by credit code, else (no code listed) by name.

    `submitted`: (name, credit code) pairs of what was received."""
    codes = {c for _, c in submitted if c}
    names = {key(n) for n, _ in submitted if n}
    return [e for e in listed if not ((e.uscc and e.uscc in codes) or (not e.uscc and key(e.name) in names))]
