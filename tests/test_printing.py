"""template.printing without LibreOffice: the width model, print areas, the 附页 wiring.

The LibreOffice proof (Calc's own layout, PDF text) is tests/test_print_lo.py.
"""
import dataclasses
import io
import re

import openpyxl
import pytest

from sjtx_xl import spec, template
from sjtx_xl.errors import SpecError
from sjtx_xl.spec.model import Text
from sjtx_xl.template import printing


@pytest.fixture(scope="module", params=spec.KINDS)
def built(request):
    kind = request.param
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # openpyxl does not read a formula print area
        wb = openpyxl.load_workbook(io.BytesIO(template.build(kind)))
    return kind, spec.form(kind), wb


def test_wrapped_lines_counts_wide_and_narrow_characters():
    width = [20]                       # (20*7+5-7) px * 0.75 * 0.9 = 93 pt: 8 wide characters at 10.5 pt
    assert printing.chars_per_line(width, 10.5) == 8
    assert printing.wrapped_lines("国" * 8, width, 10.5) == 1
    assert printing.wrapped_lines("国" * 9, width, 10.5) == 2
    assert printing.wrapped_lines("a" * 16, width, 10.5) == 1          # narrow: 0.55 em
    assert printing.wrapped_lines("国\n国\n\n国", width, 10.5) == 4     # a line break is a line
    assert printing.wrapped_lines("国" * 6 + " Servo", width, 10.5) == 2  # a word moves whole
    assert printing.wrapped_lines("国" * 30, width, 10.5, wrap=False) == 1


def _rows_with_content(ws):
    hidden = {k for k, d in ws.column_dimensions.items() if d.hidden}
    return {c.row for row in ws.iter_rows() for c in row
            if c.value not in (None, "") and getattr(c, "column_letter", None) not in hidden}


def test_every_printed_row_stores_a_height_within_excel_limits(built):
    kind, form, wb = built
    for s in form.sheets:
        if s.hidden:
            continue
        ws = wb[s.title]
        for r in _rows_with_content(ws):
            h = ws.row_dimensions[r].height
            assert h and 0 < h <= 409, (s.title, r, h)


def test_input_rows_are_tall_enough_for_their_capacity(built):
    kind, form, wb = built
    p = printing.Printing(form, {s.key: wb[s.title] for s in form.sheets})
    for fl in form.fields:
        ws = wb[form.sheet(fl.sheet).title]
        geo = printing._Sheet(ws)
        r, c = printing._rc(fl.cell)
        lines = p.form_lines(fl, geo, r, c)
        assert ws.row_dimensions[r].height >= printing.height_pt(lines, 10.5), fl.id
        if fl.type in printing.TEXT_TYPES and fl.max_len <= 200:
            # short texts show their whole capacity in the form
            assert lines == printing.wrapped_lines("国" * fl.max_len, geo.widths(r, c), 10.5), fl.id


def test_print_areas_leave_out_counters_and_aids(built):
    kind, form, wb = built
    for s in form.sheets:
        if s.hidden or s.key in ("guide", "self", printing.APPENDIX):
            continue
        area = wb[s.title].print_area
        assert area, s.title
        m = re.search(r"\$A\$1:\$([A-Z]+)\$(\d+)$", area)
        last_col, last_row = openpyxl.utils.column_index_from_string(m.group(1)), int(m.group(2))
        aids = [fl.counter for fl in form.fields if fl.sheet == s.key and fl.counter]
        aids += [fl.cell for fl in form.fields if fl.sheet == s.key and fl.aid]
        aids += [x.cell for x in form.formulas if x.sheet == s.key and x.style == "counter"]
        for a1 in aids:
            r, c = printing._rc(a1)
            assert r > last_row or c > last_col, (s.title, a1, area)
        official = [fl for fl in form.fields if fl.sheet == s.key and not fl.aid]
        for fl in official:
            r, c = printing._rc((fl.span or fl.cell).split(":")[-1])
            assert r <= last_row and c <= last_col, (s.title, fl.id, area)


def test_an_aid_inside_the_official_block_does_not_compile(built):
    kind, form, wb = built
    key = form.fields[0].sheet
    r, c = printing._rc(form.fields[0].cell)
    bad = dataclasses.replace(form, texts=form.texts + (Text(key, "A%d" % r, "字数", "aid"),))
    with pytest.raises(SpecError, match="aid"):
        printing.Printing(bad, {s.key: wb[s.title] for s in form.sheets}).print_area(key)


def test_long_texts_reach_the_appendix_by_classic_formulas(built):
    kind, form, wb = built
    ws = wb["附页"]
    joined = ws["B1"].value
    assert ws.column_dimensions["B"].hidden
    assert len(joined) <= 8192 and "_xlfn" not in joined
    continued = [fl for fl in form.fields if fl.type in printing.TEXT_TYPES and not fl.aid]
    for fl in continued:
        assert "%s," % fl.name in joined, fl.id
    # the label beside each continued field says where the rest is, by formula
    labels = [c.value for row in wb.worksheets for r in row.iter_rows() for c in r
              if isinstance(c.value, str) and printing.MARK in c.value and c.value.startswith("=")]
    assert len(labels) == len(continued)
    slices = [c.value for c in ws["A"] if isinstance(c.value, str) and c.value.startswith("=MID(")]
    starts = [int(re.search(r",(\d+),", v).group(1)) for v in slices]
    step = starts[1] - starts[0]
    assert starts == list(range(1, 1 + step * len(starts), step))            # consecutive slices
    capacity = sum(fl.max_len / (1 + len(fl.total_with)) for fl in continued)
    assert step * len(starts) >= capacity                                     # every maximal text fits


def test_a_label_too_long_for_a_formula_string_does_not_compile(built):
    kind, form, wb = built
    fl = next(f for f in form.fields if f.type in printing.TEXT_TYPES and not f.aid)
    r, c = printing._rc(fl.cell)
    texts = tuple(dataclasses.replace(t, text="长" * 256) if t.sheet == fl.sheet and printing._rc(t.cell) == (r, c - 1)
                  else t for t in form.texts)
    bad = dataclasses.replace(form, texts=texts)
    with pytest.raises(SpecError, match="255"):
        printing.Printing(bad, {s.key: wb[s.title] for s in form.sheets}).mark_labels()
