"""Lint the raw OOXML of an .xlsx for things Excel rejects or "repairs" but LibreOffice lets pass.

Reads the package with zipfile + xml.etree only (no openpyxl), so it judges exactly the bytes a
client will see. Sheet names come from the workbook part and its relationships, never from the
member names. Counts are in UTF-16 code units, as Excel counts (equal to len() for BMP text).

Not checked: a <f> holding what was meant as user text (indistinguishable from a real formula);
a cell string starting with '=' is text and fine.
"""
import re
import sys
import zipfile
from dataclasses import dataclass
from xml.etree import ElementTree as ET

from . import ooxml
from .errors import UsageError
from .limits import (
    MAX_ERROR_CHARS,
    MAX_ERROR_TITLE_CHARS,
    MAX_FORMULA_CHARS,
    MAX_LIST_CHARS,
    MAX_PROMPT_CHARS,
    MAX_PROMPT_TITLE_CHARS,
    name_problem,
    sheet_name_problem,
)

# Excel limits not (yet) in limits.py.
MAX_CELL_FORMULA_CHARS = 8192    # "length of formula contents"
MAX_CF_FORMULA_CHARS = 255       # a conditional-formatting rule's <formula>
MAX_FUNCTION_NESTING = 64        # nested levels of functions

ERROR_STYLES = ("stop", "warning", "information")

_MAIN_NS = ooxml.MAIN_NAMESPACES
_SHEET_REL_SUFFIXES = ("/worksheet", "/chartsheet", "/dialogsheet")
_NCR_RE = re.compile(rb"&#(?:[xX]([0-9A-Fa-f]+)|([0-9]+));")
_PLAIN_SHEET_RE = re.compile(r"^[^\W\d]\w*$")


@dataclass(frozen=True)
class LintProblem:
    type: str                 # stable kebab-case id, e.g. "validation-text-too-long"
    part: str                 # zip member, e.g. "xl/worksheets/sheet1.xml"
    where: str                # "Sheet!A1:B2", "Sheet", a defined name, or "" for the whole part
    message: str
    severity: str = "error"   # "error": Excel rejects/repairs or misbehaves; "warning": works, but avoid

    def __str__(self):
        loc = " %s" % self.where if self.where else ""
        return "[%s] %s %s%s: %s" % (self.severity, self.type, self.part, loc, self.message)


def utf16_len(text):
    """Length as Excel counts it: UTF-16 code units."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


# --- helpers -----------------------------------------------------------------------------

_local = ooxml.local


def _is_main(elem, local):
    return any(elem.tag == "{%s}%s" % (ns, local) for ns in _MAIN_NS)


def _main_children(elem, local):
    return [c for c in elem if _is_main(c, local)]


_r_id = ooxml.r_id


def _on(value):
    return value in ("1", "true")


def _sheet_ref(sheet, ref=None):
    """Display 'Sheet'!A1 the way Excel writes a reference."""
    if sheet is None:
        shown = ""
    elif _PLAIN_SHEET_RE.match(sheet):
        shown = sheet
    else:
        shown = "'%s'" % sheet.replace("'", "''")
    if not ref:
        return shown
    return "%s!%s" % (shown, ref) if shown else ref


def _code_only(formula):
    """The formula with string literals and quoted sheet names emptied ('"' and "'" kept)."""
    out = []
    i, n = 0, len(formula)
    while i < n:
        ch = formula[i]
        if ch in "\"'":
            out.append(ch + ch)
            i += 1
            while i < n:
                if formula[i] == ch:
                    if i + 1 < n and formula[i + 1] == ch:   # doubled quote: escaped
                        i += 2
                        continue
                    break
                i += 1
            i += 1
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def function_nesting(formula):
    """Deepest nesting of function calls in `formula` (grouping parentheses don't count)."""
    code = _code_only(formula)
    stack, depth, deepest = [], 0, 0
    for i, ch in enumerate(code):
        if ch == "(":
            prev = code[i - 1] if i else ""
            is_call = bool(prev) and (prev.isalnum() or prev in "_.")
            stack.append(is_call)
            if is_call:
                depth += 1
                deepest = max(deepest, depth)
        elif ch == ")" and stack:
            if stack.pop():
                depth -= 1
    return deepest


class _Linter:
    def __init__(self, zf):
        self.zf = zf
        self.names = set(zf.namelist())
        self.problems = []

    def add(self, type_, part, where, message, severity="error"):
        self.problems.append(LintProblem(type_, part, where, message, severity))

    def parse(self, part):
        """Root element of `part`, or None (problem recorded) if missing or malformed."""
        if part not in self.names:
            self.add("missing-part", part, "", "the package has no member %s" % part)
            return None
        try:
            return ET.fromstring(self.zf.read(part))
        except ET.ParseError as e:
            self.add("malformed-xml", part, "", "not well-formed XML: %s" % e)
            return None

    def rels(self, part):
        """{rId: (type, resolved target)} of `part`; {} if it has no rels part."""
        rp = ooxml.rels_part(part)
        if rp not in self.names:
            return {}
        root = self.parse(rp)
        if root is None:
            return {}
        return ooxml.relationships(root, part)

    # --- formulas shared by every source ---

    def formula(self, text, part, where, source, max_chars=None, long_type="formula-too-long"):
        if not text:
            return
        if max_chars is not None and utf16_len(text) > max_chars:
            self.add(long_type, part, where, "%s has %d characters, Excel allows %d"
                     % (source, utf16_len(text), max_chars))
        code = _code_only(text)
        if "_xlfn." in code.lower():
            fn = re.search(r"_xlfn\.([\w.]+)", code, re.I)
            self.add("future-function", part, where, "%s uses a post-2007 function (_xlfn.%s): "
                     "older Excel, WPS and LibreOffice may show #NAME?"
                     % (source, fn.group(1) if fn else "?"))
        depth = function_nesting(text)
        if depth > MAX_FUNCTION_NESTING:
            self.add("formula-too-deep", part, where, "%s nests functions %d deep, Excel allows %d"
                     % (source, depth, MAX_FUNCTION_NESTING))

    # --- workbook ---

    def run(self):
        wb_part = "xl/workbook.xml"
        for rtype, target in self.rels("").values():
            if rtype.endswith("/officeDocument"):
                wb_part = target
                break
        wb = self.parse(wb_part)
        if wb is None:
            return self.problems
        wb_rels = self.rels(wb_part)

        sheets = []          # (name, part or None)
        for sheets_el in _main_children(wb, "sheets"):
            for sh in _main_children(sheets_el, "sheet"):
                rel = wb_rels.get(_r_id(sh))
                part = rel[1] if rel and rel[0].endswith(_SHEET_REL_SUFFIXES) else None
                sheets.append((sh.get("name", ""), part, rel[0] if rel else ""))
        self.sheet_names(wb_part, [s[0] for s in sheets])
        self.defined_names(wb_part, wb, [s[0] for s in sheets])

        for name, part, rtype in sheets:
            if part is None or not rtype.endswith("/worksheet"):
                continue
            if part not in self.names:
                self.add("missing-part", part, _sheet_ref(name), "sheet %r points at a missing part" % name)
                continue
            self.worksheet(part, name)
            self.ncr(part, _sheet_ref(name))
        for rtype, target in wb_rels.values():
            if rtype.endswith("/sharedStrings") and target in self.names:
                self.ncr(target, "")
        return self.problems

    def sheet_names(self, part, names):
        seen = {}
        for name in names:
            why = sheet_name_problem(name)
            if why:
                self.add("bad-sheet-name", part, _sheet_ref(name), "sheet name %r: %s" % (name, why))
            key = name.casefold()
            if key in seen:
                self.add("duplicate-sheet-name", part, _sheet_ref(name),
                         "sheet name %r repeats %r (Excel compares case-insensitively)" % (name, seen[key]))
            else:
                seen[key] = name

    def defined_names(self, part, wb, sheet_names):
        seen = {}
        for dns in _main_children(wb, "definedNames"):
            for dn in _main_children(dns, "definedName"):
                name = dn.get("name", "")
                scope = dn.get("localSheetId")
                where = name
                if scope is not None:
                    try:
                        if int(scope) < 0:
                            raise IndexError(scope)
                        where = _sheet_ref(sheet_names[int(scope)], name)
                    except (ValueError, IndexError):
                        where = "#%s!%s" % (scope, name)
                        self.add("broken-name", part, where,
                                 "localSheetId=%s is not a sheet of this workbook" % scope)
                why = name_problem(name)
                if why:
                    self.add("bad-defined-name", part, where, "defined name %r: %s" % (name, why))
                key = (scope, name.casefold())
                if key in seen:
                    self.add("duplicate-defined-name", part, where,
                             "defined name %r repeats %r in the same scope" % (name, seen[key]))
                else:
                    seen[key] = name
                text = (dn.text or "").strip()
                if "#REF!" in _code_only(text).upper():
                    self.add("broken-name", part, where, "defined name %r refers to %s" % (name, text))
                self.formula(text, part, where, "defined name %r" % name)

    # --- worksheet ---

    def worksheet(self, part, sheet):
        try:
            with self.zf.open(part) as fh:
                for _event, elem in ET.iterparse(fh, events=("end",)):
                    if _is_main(elem, "row"):
                        for c in _main_children(elem, "c"):
                            for f in _main_children(c, "f"):
                                where = _sheet_ref(sheet, c.get("r"))
                                self.formula(f.text, part, where, "cell formula", MAX_CELL_FORMULA_CHARS)
                        elem.clear()
                    elif _is_main(elem, "dataValidations"):
                        for dv in _main_children(elem, "dataValidation"):
                            self.validation(part, sheet, dv)
                    elif _is_main(elem, "conditionalFormatting"):
                        where = _sheet_ref(sheet, elem.get("sqref"))
                        for rule in _main_children(elem, "cfRule"):
                            for f in _main_children(rule, "formula"):
                                self.formula(f.text, part, where, "conditional-format formula",
                                             MAX_CF_FORMULA_CHARS, "cf-formula-too-long")
                    elif _local(elem.tag) == "extLst":
                        for ext in elem:
                            if _local(ext.tag) != "ext":
                                continue
                            inner = ", ".join(_local(x.tag) for x in ext) or "nothing"
                            self.add("x14-extension", part, _sheet_ref(sheet),
                                     "extension uri=%s (%s): Excel 2007, WPS and LibreOffice may drop "
                                     "or misread it" % (ext.get("uri", "?"), inner))
        except ET.ParseError as e:
            self.add("malformed-xml", part, _sheet_ref(sheet), "not well-formed XML: %s" % e)

    def validation(self, part, sheet, dv):
        sqref = (dv.get("sqref") or "").strip()
        where = _sheet_ref(sheet, sqref)
        if not sqref:
            self.add("validation-no-sqref", part, where, "a dataValidation without sqref applies to no cell")
        vtype = dv.get("type", "none")
        for key in ("formula1", "formula2"):
            for f in _main_children(dv, key):
                text = f.text or ""
                inline = key == "formula1" and vtype == "list" and len(text) >= 2 \
                    and text.startswith('"') and text.endswith('"')
                if inline:
                    n = utf16_len(text[1:-1])
                    if n > MAX_LIST_CHARS:
                        self.add("validation-list-too-long", part, where,
                                 "inline list has %d characters, Excel allows %d" % (n, MAX_LIST_CHARS))
                    self.formula(text, part, where, key)
                else:
                    self.formula(text, part, where, key, MAX_FORMULA_CHARS, "validation-formula-too-long")
        for attr, limit in (("promptTitle", MAX_PROMPT_TITLE_CHARS), ("prompt", MAX_PROMPT_CHARS),
                            ("errorTitle", MAX_ERROR_TITLE_CHARS), ("error", MAX_ERROR_CHARS)):
            text = dv.get(attr)
            if text is not None and utf16_len(text) > limit:
                self.add("validation-text-too-long", part, where, "%s has %d characters, Excel allows %d"
                         % (attr, utf16_len(text), limit))
        if (dv.get("prompt") or dv.get("promptTitle")) and not _on(dv.get("showInputMessage")):
            self.add("validation-message-off", part, where,
                     "has a prompt but showInputMessage is not 1: the prompt never shows")
        if (dv.get("error") or dv.get("errorTitle")) and not _on(dv.get("showErrorMessage")):
            self.add("validation-message-off", part, where,
                     "has an error message but showErrorMessage is not 1: bad input is accepted silently")
        style = dv.get("errorStyle")
        if style is not None and style not in ERROR_STYLES:
            self.add("validation-bad-error-style", part, where,
                     "errorStyle=%r, expected one of %s" % (style, "/".join(ERROR_STYLES)))

    def ncr(self, part, where):
        """Non-ASCII text written as &#NNNN; (what openpyxl does with lxml): valid, but bloats and
        trips some readers; we write with OPENPYXL_LXML=False."""
        count, first = 0, None
        for m in _NCR_RE.finditer(self.zf.read(part)):
            hexa, dec = m.groups()
            try:
                cp = int(hexa, 16) if hexa else int(dec)
            except ValueError:
                continue
            if cp >= 0x80:
                count += 1
                if first is None:
                    first = (m.group(0).decode("ascii"), cp)
        if count:
            shown = chr(first[1]) if first[1] <= 0x10FFFF else "?"
            self.add("ncr-escaped-text", part, where,
                     "%d non-ASCII characters stored as numeric character references (e.g. %s = %s); "
                     "write with OPENPYXL_LXML=False" % (count, first[0], shown), severity="warning")


# --- API ---------------------------------------------------------------------------------

def lint_xlsx(path):
    """All problems found in the .xlsx at `path` (empty list if clean).

    Raises UsageError if the file can't be opened at all; a file that opens but isn't a
    readable package gives problems ("not-a-zip", "missing-part", "malformed-xml").
    """
    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        return [LintProblem("not-a-zip", "", "", "%s is not a zip package (.xlsx)" % path)]
    except OSError as e:
        raise UsageError("cannot open %s: %s" % (path, e)) from e
    with zf:
        return _Linter(zf).run()


def lint_problems_as_text(problems):
    """One line per problem; "" if there are none."""
    return "\n".join(str(p) for p in problems)


def main(argv=None):
    """`python -m sjtx_xl.lint FILE...`: the same as `sjtx-xl lint FILE...` (exit codes of vocab.py)."""
    from .cli import main as cli_main  # late: the command line reaches this module through app.py
    from .vocab import EXIT_USAGE
    paths = list(sys.argv[1:] if argv is None else argv)
    if not paths:
        print("usage: sjtx-xl lint FILE.xlsx...", file=sys.stderr)
        return EXIT_USAGE
    return cli_main(["lint"] + paths)
