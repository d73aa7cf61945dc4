"""Fallback reader: find the fields of a form by their printed labels.

For a workbook that is not from our template (no `_meta`) but has the official 附件5/附件6 layout
typed by hand, and for `.xls`/`.et` files, where defined names are not available to us. The labels
come from the spec (the text left of each input cell, and the field's own label), so this reader
also reads our own template correctly, which the tests use to check it.

* A label-value field: the value is the cell right after the label (after the label's merged
  range, if it is merged); a value in a merged range is its top-left cell.
* A 附件6 indicator field: the row whose label matches the indicator, in the column whose header
  matches the period (实施期初始值 / 实施期满一年目标 / 实施期满两年目标).

Labels compare loosely: full/half width, whitespace, ★, a trailing colon and (optionally)
parenthesised notes such as （万元） are ignored. A match on the field's own sheet (by its title in
the spec) wins, then the first in workbook order. Sheets the spec marks as derived (自检, `_lists`,
`_meta`, the guide) are never searched: 自检 repeats labels next to computed text.
"""
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from .. import ooxml, spec
from ..spec.model import PERIOD_LABELS

MIN_FOUND = 5          # fewer located fields than this: not this form


@spec.cached
def skip_sheets():
    """Titles of the sheets that hold nothing typed, in any form of the spec."""
    return frozenset(s.title for k in spec.KINDS for s in spec.form(k).sheets if s.derived)


@dataclass
class Located:
    sheet: str
    ref: str
    value: Any


def key(s):
    s = unicodedata.normalize("NFKC", str(s))
    s = re.sub(r"\s+", "", s).lstrip("★*").rstrip(":")
    return s


def key2(s):
    """key() without parenthesised notes: 从业人数（人） -> 从业人数."""
    k = key(s)
    prev = None
    while prev != k:
        prev, k = k, re.sub(r"\([^()]*\)", "", k)
    return k.rstrip(":")


def _split(a1):
    col, row = ooxml.col_row(a1)
    return row, col


@spec.cached
def plan(kind):
    """{field id: ('pair', (label texts...), sheet title) | ('grid', indicator label, period label,
    sheet title)}."""
    form = spec.form(kind)
    titles = spec.layout(kind).sheet_title
    texts = {(t.sheet, _split(t.cell)): t.text for t in form.texts}
    out = {}
    for f in form.fields:
        r, c = _split(f.cell)
        if f.indicator:
            out[f.id] = ("grid", texts.get((f.sheet, (r, 1)), f.label.split("·")[0]), PERIOD_LABELS[f.period],
                         titles[f.sheet])
            continue
        labels = []
        left = texts.get((f.sheet, (r, c - 1)))
        if left:
            labels.append(left)
        if f.label not in labels:
            labels.append(f.label)
        out[f.id] = ("pair", tuple(labels), titles[f.sheet])
    return out


class Grid:
    """All non-empty cells of a calamine workbook with their merged ranges."""

    def __init__(self, wb):
        self.sheets = []          # (title, rows, merges {(r, c): (r1, c1)}, covered {(r, c): (r0, c0)})
        self.by_key, self.by_key2 = {}, {}
        for i, title in enumerate(wb.sheet_names):
            if title in skip_sheets():
                self.sheets.append((title, [], {}, {}))
                continue
            sh = wb.get_sheet_by_name(title)
            rows = sh.to_python(skip_empty_area=False)
            merges, covered = {}, {}
            for (r0, c0), (r1, c1) in (sh.merged_cell_ranges or ()):
                merges[(r0, c0)] = (r1, c1)
                if (r1 - r0 + 1) * (c1 - c0 + 1) <= 10_000:
                    for r in range(r0, r1 + 1):
                        for c in range(c0, c1 + 1):
                            covered[(r, c)] = (r0, c0)
            self.sheets.append((title, rows, merges, covered))
            for r, row in enumerate(rows):
                for c, v in enumerate(row):
                    if isinstance(v, str) and v.strip():
                        self.by_key.setdefault(key(v), []).append((i, r, c))
                        self.by_key2.setdefault(key2(v), []).append((i, r, c))

    def value(self, i, r, c):
        title, rows, _, covered = self.sheets[i]
        r, c = covered.get((r, c), (r, c))
        v = rows[r][c] if r < len(rows) and c < len(rows[r]) else ""
        return Located(title, ooxml.a1(c, r), None if v == "" else v)

    def right_of(self, i, r, c):
        _, _, merges, _ = self.sheets[i]
        c_end = merges.get((r, c), (r, c))[1]
        return self.value(i, r, c_end + 1)

    def find(self, labels, own=None):
        """(sheet index, row, col) of the first cell whose text is one of `labels`, on the sheet
        titled `own` if it has one; exact keys before loose ones."""
        for mine in ((True, False) if own else (False,)):
            for index, k in ((self.by_key, key), (self.by_key2, key2)):
                for text in labels:
                    for hit in index.get(k(text), ()):
                        if not mine or self.sheets[hit[0]][0] == own:
                            return hit
        return None

    def period_columns(self):
        """{sheet index: {period label: column}} for header rows naming all three periods."""
        out = {}
        wanted = {key2(p): p for p in PERIOD_LABELS.values()}
        for i, (title, rows, _, _) in enumerate(self.sheets):
            for r, row in enumerate(rows):
                cols = {}
                for c, v in enumerate(row):
                    if isinstance(v, str) and v.strip():
                        k = key2(v)
                        for wk, p in wanted.items():
                            if k.startswith(wk) and p not in cols:
                                cols[p] = c
                if len(cols) == len(wanted):
                    out.setdefault(i, (r, cols))
                    break
        return out


def read_by_label(wb, kinds=None):
    """(kind, {field id: Located}) for the form whose labels are found best; (None, {}) if none is.

    `wb` is a python-calamine workbook; `kinds` restricts the forms tried (e.g. from _meta).
    """
    grid = Grid(wb)
    periods = grid.period_columns()
    best = (None, {})
    for kind in kinds or spec.KINDS:
        found = {}
        for fid, how in plan(kind).items():
            if how[0] == "pair":
                hit = grid.find(how[1], how[2])
                if hit is not None:
                    found[fid] = grid.right_of(*hit)
            else:
                _, indicator, period, own = how
                order = sorted(periods.items(), key=lambda item: grid.sheets[item[0]][0] != own)
                for i, (header_row, cols) in order:
                    hits = [h for h in (grid.by_key.get(key(indicator)) or grid.by_key2.get(key2(indicator)) or ())
                            if h[0] == i and h[1] > header_row]
                    if hits:
                        found[fid] = grid.value(i, hits[0][1], cols[period])
                        break
        if len(found) >= MIN_FOUND and len(found) > len(best[1]):
            best = (kind, found)
    return best
