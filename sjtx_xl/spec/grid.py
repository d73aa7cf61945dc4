"""A layout cursor: a form sheet is a list of rows in print order, and the cursor numbers them.

No row number is written by hand, so inserting a field is inserting one entry in a list; every
address after it (fields, counters, notes, totals) moves with it.

Row entries (plain data; `Grid.place` lays out a tuple of them):
  Pair((caption, field kwargs), (caption, field kwargs) or None)   label|value|label|value
  Wide(caption, field kwargs)                                      label|value spanning to the last column
  Row(caption, field kwargs)                                       label|value (one-column forms)
  Note(text) / Section(text) / Footnotes(texts) / Gap(n)
  Total(caption, formula)                                          label|formula ({field id} placeholders);
                                                                   with a counter column: no row, "合计…" in
                                                                   that column beside the last section
"""
from typing import NamedTuple, Optional, Tuple

from .model import Field, Formula, Text


class Pair(NamedTuple):
    left: tuple
    right: Optional[tuple] = None


class Wide(NamedTuple):
    caption: str
    field: dict


class Row(NamedTuple):
    caption: str
    field: dict


class Note(NamedTuple):
    text: str


class Section(NamedTuple):
    text: str
    style: str = "section"


class Footnotes(NamedTuple):
    texts: Tuple[str, ...]


class Gap(NamedTuple):
    n: int = 1


class Total(NamedTuple):
    caption: str
    formula: str
    style: str = "counter"


class Grid:
    """Cursor over one sheet. `cols` = (label, value, right label, right value) columns for pairs;
    `last` is the last column of wide cells and sections; `counter_col` holds long-text counters;
    `span` (Row, Total) is the end column of the value's merged range, or None."""

    def __init__(self, sheet, first_row, form_part="", cols="ABCD", last="D", counter_col=None, span=None):
        self.sheet, self.row, self.form_part = sheet, first_row, form_part
        self.cols, self.last, self.counter_col, self.span = cols, last, counter_col, span
        self.fields, self.texts, self.formulas = [], [], []
        self._section_row = None

    def take(self):
        r = self.row
        self.row += 1
        return r

    def _field(self, r, col, kw, span=None):
        kw = dict(kw)
        kw.setdefault("form_part", self.form_part)
        if kw.get("type") == "longtext" and self.counter_col and "counter" not in kw:
            kw["counter"] = "%s%d" % (self.counter_col, r)
        f = Field(sheet=self.sheet, cell="%s%d" % (col, r), span=span, **kw)
        self.fields.append(f)
        return f

    def text(self, cell, text, style="label", span=None):
        self.texts.append(Text(self.sheet, cell, text, style, span))

    def place(self, rows):
        for item in rows:
            getattr(self, "_" + type(item).__name__.lower())(item)
        return self

    def _pair(self, p):
        r = self.take()
        for col_label, col_value, item in ((self.cols[0], self.cols[1], p.left), (self.cols[2], self.cols[3], p.right)):
            if item is not None:
                caption, kw = item
                self.text("%s%d" % (col_label, r), caption)
                self._field(r, col_value, kw)

    def _wide(self, w):
        r = self.take()
        self.text("%s%d" % (self.cols[0], r), w.caption)
        self._field(r, self.cols[1], w.field, span="%s%d:%s%d" % (self.cols[1], r, self.last, r))

    def _row(self, w):
        r = self.take()
        kw = dict(w.field)
        self.text("%s%d" % (self.cols[0], r), w.caption, "aid" if kw.get("aid") else "label")
        span = "%s%d:%s%d" % (self.cols[1], r, self.span, r) if self.span else None
        self._field(r, self.cols[1], kw, span=span)

    def _note(self, n):
        r = self.take()
        self.text("%s%d" % (self.cols[1], r), n.text, "note", "%s%d:%s%d" % (self.cols[1], r, self.last, r))

    def _section(self, s):
        r = self.take()
        self._section_row = r
        self.text("%s%d" % (self.cols[0], r), s.text, s.style, "%s%d:%s%d" % (self.cols[0], r, self.last, r))

    def _footnotes(self, n):
        for t in n.texts:
            r = self.take()
            self.text("%s%d" % (self.cols[0], r), t, "note", "%s%d:%s%d" % (self.cols[0], r, self.last, r))

    def _gap(self, g):
        self.row += g.n

    def _total(self, t):
        if t.style == "counter" and self.counter_col and self._section_row:
            # an aid like the counters: in their column beside the section heading, so it stays
            # outside the printed form (template.printing)
            self.formulas.append(Formula(self.sheet, "%s%d" % (self.counter_col, self._section_row),
                                         '="合计"&' + t.formula.lstrip("="), t.style))
            return
        r = self.take()
        self.text("%s%d" % (self.cols[0], r), t.caption)
        span = "%s%d:%s%d" % (self.cols[1], r, self.span, r) if self.span else None
        self.formulas.append(Formula(self.sheet, "%s%d" % (self.cols[1], r), t.formula, t.style, span))
