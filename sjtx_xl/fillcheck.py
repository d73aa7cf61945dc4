"""What `sjtx-xl fill` says about the values it writes: each value that breaks its field's rule, or
that the form will only accept as "将自动规范" (check normalises it with a warning), as a problem
located at its cell. `fill --strict` refuses to write when there is any."""
import re

from . import spec
from .check import check_values
from .problems import ERROR
from .read.reader import FileProblem

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")        # fill writes these as dates, not as text
QUIET = {"required-missing"}                          # a pre-filled form is partial by design


def value_problems(kind, values):
    """[Problem] for the values (field id -> value) as the filled form's 自检 and `check` will see them."""
    form = spec.form(kind)
    lay = spec.layout(kind)
    where = {f.id: (lay.sheet_title[f.sheet], f.cell) for f in form.fields}
    given = {k: v for k, v in values.items() if v is not None and v != ""}
    if not given:
        return []
    try:
        rep = check_values(kind, given, where=where)
    except FileProblem:                                  # only formulas or blanks: nothing to say
        return []
    out = []
    for p in rep.problems:
        if not p.field or p.field not in given or p.type in QUIET:
            continue
        if p.type == "normalised" and form.field(p.field).type == "date" and _ISO_DATE.match(str(given[p.field])):
            continue
        if p.severity == ERROR or p.type in ("normalised", "percent-fraction"):
            out.append(p)
    return out
