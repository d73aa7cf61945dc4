"""Excel's hard limits, as named constants, and the checks the spec compiler and the OOXML lint share.

Sources: Excel specifications and limits; [MS-OI29500] 2.1.613 (error message ≤224 characters,
superseding older texts that say 225); [MS-OE376]/ECMA-376 18.2.5 (defined names).
"""
import re

from .errors import SpecError

MAX_FORMULA_CHARS = 255          # a validation formula or an inline list (formula1/formula2)
MAX_LIST_CHARS = 255             # inline "a,b,c" list, quotes excluded
MAX_PROMPT_TITLE_CHARS = 32
MAX_ERROR_TITLE_CHARS = 32
MAX_PROMPT_CHARS = 255
MAX_ERROR_CHARS = 224
MAX_SHEET_NAME_CHARS = 31
MAX_DEFINED_NAME_CHARS = 255
MAX_CELL_CHARS = 32767
MAX_FORMULA_TEXT_CHARS = 8192    # a cell formula
MAX_FORMULA_STRING_CHARS = 255   # one "string" constant inside a formula
MAX_ROW_HEIGHT_PT = 409          # a row's height in points
MAX_ROWS = 1048576
MAX_COLS = 16384

SHEET_NAME_FORBIDDEN = set('[]:*?/\\')
# A defined name: letter, _ or \ first; then letters, digits, _ and .; not a cell reference
# (A1 or R1C1 style) and not the bare letters R or C.
_NAME_RE = re.compile(r"^[A-Za-z_\\][A-Za-z0-9_.]*$")
_A1_RE = re.compile(r"^\$?[A-Za-z]{1,3}\$?[0-9]+$")
_R1C1_RE = re.compile(r"^[Rr]([0-9]*)?[Cc]([0-9]*)?$|^[RrCc][0-9]*$")


def name_problem(name):
    """Why `name` is not a valid defined name, or None."""
    if not name or len(name) > MAX_DEFINED_NAME_CHARS:
        return "length"
    if not _NAME_RE.match(name):
        return "characters"
    if _A1_RE.match(name) or _R1C1_RE.match(name):
        return "looks like a cell reference"
    return None


def sheet_name_problem(name):
    if not name or len(name) > MAX_SHEET_NAME_CHARS:
        return "length %d > %d" % (len(name or ""), MAX_SHEET_NAME_CHARS)
    if SHEET_NAME_FORBIDDEN & set(name):
        return "forbidden character"
    if name.startswith("'") or name.endswith("'"):
        return "apostrophe at an end"
    return None


_TEXT_LIMITS = {
    "prompt_title": MAX_PROMPT_TITLE_CHARS,
    "prompt": MAX_PROMPT_CHARS,
    "error_title": MAX_ERROR_TITLE_CHARS,
    "error": MAX_ERROR_CHARS,
    "formula1": MAX_FORMULA_CHARS,
    "formula2": MAX_FORMULA_CHARS,
}


def excel_len(text):
    """Length as Excel counts it: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def validation_problems(where, **texts):
    """List of problems with one data validation's texts; keys as in _TEXT_LIMITS."""
    out = []
    for key, text in texts.items():
        if text is None:
            continue
        limit = _TEXT_LIMITS[key]
        if excel_len(text) > limit:
            out.append("%s: %s has %d characters, Excel allows %d" % (where, key, excel_len(text), limit))
        if key.startswith("formula") and "_xlfn." in text:
            out.append("%s: %s uses a post-2007 function (_xlfn.)" % (where, key))
    return out


def require(problems):
    """Raise SpecError listing every problem, if any: the spec must not compile past a limit."""
    if problems:
        raise SpecError("Excel limits broken:\n  " + "\n  ".join(problems))
