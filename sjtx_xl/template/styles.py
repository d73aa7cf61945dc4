"""Cell styles of the templates, named by role so the compiler never mixes formatting into logic."""
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.styles.differential import DifferentialStyle
from openpyxl.styles.numbers import NumberFormat

BODY_FONT = "宋体"
TITLE_FONT = "黑体"
_thin = Side(style="thin", color="808080")
BOX = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
WRAP = Alignment(wrap_text=True, vertical="center")
CENTER = Alignment(wrap_text=True, vertical="center", horizontal="center")
TOP = Alignment(wrap_text=True, vertical="top")


def _fill(rgb):
    return PatternFill("solid", start_color=rgb, end_color=rgb)


ROLES = {
    "title": dict(font=Font(name=TITLE_FONT, size=16, bold=True), alignment=CENTER),
    "subtitle": dict(font=Font(name=BODY_FONT, size=10), alignment=Alignment(horizontal="center")),
    "label": dict(font=Font(name=BODY_FONT, size=10.5), alignment=WRAP, border=BOX, fill=_fill("F2F2F2")),
    "header": dict(font=Font(name=BODY_FONT, size=10.5, bold=True), alignment=CENTER, border=BOX, fill=_fill("D9E1F2")),
    "subheader": dict(font=Font(name=BODY_FONT, size=9, color="595959"), alignment=CENTER, border=BOX,
                      fill=_fill("D9E1F2")),
    "section": dict(font=Font(name=BODY_FONT, size=11, bold=True), alignment=WRAP, border=BOX, fill=_fill("E2EFDA")),
    "aid_section": dict(font=Font(name=BODY_FONT, size=11, bold=True, color="1F4E79"), alignment=WRAP, border=BOX,
                        fill=_fill("DDEBF7")),
    "aid": dict(font=Font(name=BODY_FONT, size=10.5, color="1F4E79"), alignment=WRAP, border=BOX, fill=_fill("DDEBF7")),
    "note": dict(font=Font(name=BODY_FONT, size=9, color="595959"), alignment=TOP),
    "na": dict(font=Font(name=BODY_FONT, size=10, color="808080"), alignment=CENTER, border=BOX, fill=_fill("EDEDED")),
    "input": dict(font=Font(name=BODY_FONT, size=10.5), alignment=WRAP, border=BOX),
    "longinput": dict(font=Font(name=BODY_FONT, size=10.5), alignment=TOP, border=BOX),
    "counter": dict(font=Font(name=BODY_FONT, size=9, color="595959"), alignment=CENTER),
    "listitem": dict(font=Font(name=BODY_FONT, size=10.5), alignment=Alignment(vertical="center"), border=BOX),
    "echo": dict(font=Font(name=BODY_FONT, size=10.5), alignment=WRAP, border=BOX),
    "verdict": dict(font=Font(name=BODY_FONT, size=11, bold=True), alignment=CENTER, border=BOX),
    "guide": dict(font=Font(name=BODY_FONT, size=10.5), alignment=TOP),
    "meta": dict(font=Font(name="Arial", size=9)),
}

UNLOCKED = Protection(locked=False)

# The number format of a count or amount cell: General in all but name. Calc (and Excel) give a cell
# in the built-in General format the format an entry implies (a date, a percentage, thousands), which
# the sheet protection then keeps; a cell with a format of its own keeps it. Shares and rates stay
# General: "100%" must keep meaning 100 (see CF_PLAIN_SHARE).
PLAIN_NUMBER = "General;-General"

# Conditional formats, in priority order: invalid beats a suspected fraction beats missing.
CF_INVALID = DifferentialStyle(fill=_fill("FFC7CE"), font=Font(color="9C0006"))
CF_FRACTION = DifferentialStyle(fill=_fill("FFD966"))
CF_MISSING = DifferentialStyle(fill=_fill("FFF2CC"))
CF_NORMALISED = DifferentialStyle(fill=_fill("DDEBF7"), font=Font(color="1F4E79"))   # accepted, read normalised
# a share above 1 in a cell that took a percent format shows plainly (rules.ShareRule.shown_plain)
CF_PLAIN_SHARE = DifferentialStyle(numFmt=NumberFormat(numFmtId=0, formatCode="General"))
CF_PASS = DifferentialStyle(font=Font(color="006100", bold=True), fill=_fill("C6EFCE"))
CF_FAIL = DifferentialStyle(font=Font(color="9C0006", bold=True), fill=_fill("FFC7CE"))
CF_PENDING = DifferentialStyle(font=Font(color="7F6000", bold=True), fill=_fill("FFEB9C"))


def apply(cell, role):
    for attr, value in ROLES[role].items():
        setattr(cell, attr, value)
