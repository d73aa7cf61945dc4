"""Write values by field id into a copy of a template (pre-filling by officials; test data).

Works on the zip: the template's empty input cells are replaced by cells holding the values.
Nothing else in the package changes, so validation, formatting and protection survive exactly.
Cells are written by the OOXML layer (ooxml.cell_xml): text always as an inline string, never as
a formula, even when it starts with "="; characters XML cannot hold as _xHHHH_, so none is lost.
"""
import datetime as _dt
import io
import re
import zipfile
from pathlib import Path

from . import ooxml, spec
from .errors import UsageError
from .fsutil import atomic_write_bytes


def template_kind(data):
    """(kind, version) from the template's _meta sheet."""
    from .read.meta import read_meta  # late: calamine only when the kind is not given
    meta = read_meta(data)
    if meta.get("kind") not in spec.KINDS:
        raise UsageError("不是本系统的模板（缺少 _meta 工作表）")
    return meta["kind"], meta.get("template_version")


def _typed(value, ftype):
    """The value as a cell should hold it: an ISO date typed for a date field becomes a date."""
    if ftype == "date" and isinstance(value, str) and re.match(r"^\d{4}-\d{2}-\d{2}$", value):
        return _dt.date.fromisoformat(value)
    return value


def fill_bytes(template_bytes, values, kind=None, saved=None):
    """Bytes of a copy of the template with `values` ({field id: value}) written in, saved at
    `saved` (a datetime; now by default), so that two fills tell which is newer, as two saves do."""
    saved = saved or _dt.datetime.now(_dt.timezone.utc)
    src = zipfile.ZipFile(io.BytesIO(template_bytes))
    kind = kind or template_kind(template_bytes)[0]
    form = spec.form(kind)
    known = {f.id: f for f in form.fields}
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise UsageError("未知的字段：%s（用 sjtx-xl fields 查看字段）" % "、".join(unknown))
    titles = {s.key: s.title for s in form.sheets}
    parts = {title: part for title, part, _ in ooxml.sheets(src)}
    by_part = {}
    for fid, value in values.items():
        if value is None or value == "":
            continue
        f = known[fid]
        by_part.setdefault(parts[titles[f.sheet]], []).append((f, value))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename in by_part:
                xml = body.decode("utf-8")
                for f, value in by_part[info.filename]:
                    xml = _replace_cell(xml, f, value)
                body = xml.encode("utf-8")
            elif info.filename == "docProps/core.xml":
                body = ooxml.stamp_modified(body, saved)
            dst.writestr(info, body)
    return out.getvalue()


def _replace_cell(xml, f, value):
    out = ooxml.replace_cell(xml, f.cell, _typed(value, f.type))
    if out is None:
        raise UsageError("模板中找不到 %s 的单元格 %s" % (f.id, f.cell))
    return out


def fill(template, values, out):
    """Write a filled copy of the template file `template` to `out` (atomically)."""
    data = Path(template).read_bytes()
    return atomic_write_bytes(out, fill_bytes(data, values))
