"""Issue 11 item 1 in LibreOffice: the templates print true, in en-US and zh-CN.

* Overlap: every cell's text, laid out by Calc itself at its merged width and font, fits the
  stored height of its rows -- in the blank templates and in forms filled with maximal texts --
  except a long text's own input cell, which shows the beginning and whose label then says
  "（全文见附页）".
* Complete printing: the PDF of a form filled with maximal texts contains every text field in
  full (whitespace normalised), through the 附页.
* Aids: counters, 字数合计 and the 自检辅助 block are not in the PDF of the official pages.
"""
from __future__ import annotations

import re

import pytest

import lo
from sjtx_xl import spec, template
from sjtx_xl.template import printing

KINDS = spec.KINDS
PRINTED = {"guide", "self", printing.APPENDIX}   # besides the form sheets


def _visible(form):
    return [s for s in form.sheets if not s.hidden]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    d = tmp_path_factory.mktemp("tpl")
    out = {}
    for kind in KINDS:
        p = d / template.filename(kind)
        p.write_bytes(template.build(kind))
        out[kind] = p
    return out


def _sample(n, seed):
    """n characters of a plausible long text: mostly CJK, some Latin and digits, paragraphs."""
    words = ("专精特新", "关键核心技术攻关", "CNC冲孔机床", "IGBT模块", "补短板", "市场占有率达到35.6%",
             "ISO9001", "产业链供应链", "协同创新", "研发投入", "Servo Motor驱动", "，", "。")
    out, i = [], seed
    while sum(map(len, out)) < n:
        out.append(words[i % len(words)])
        i = i * 7 + 3
        if i % 11 == 0:
            out.append("\n")
    return "".join(out)[:n].rstrip("\n") or "专"


def _max_value(form, fl, i):
    if fl.type in printing.TEXT_TYPES:
        n = fl.max_len // (1 + len(fl.total_with))     # parts sharing a budget share it
        return _sample(n, i)
    if fl.choices:
        return max(form.lists[fl.choices], key=len)
    return {"uscc": "91220101MA0000000X", "date": "2015-06-30"}.get(fl.type, "123456")


def _fill(book, form):
    typed = {}
    for i, fl in enumerate(form.fields):
        value = _max_value(form, fl, i)
        title = form.sheet(fl.sheet).title
        if "\n" in value:
            book.type_text(title, fl.cell, value)     # a long text comes pasted from Word
        else:
            book.enter(title, fl.cell, value)         # the rest typed through Calc's input line
        typed[fl.id] = value
    book.recalc()
    return typed


def _label_cell(form, fl):
    row = fl.cell.lstrip("ABCDEFGHIJ")
    left = [t.cell for t in form.texts if t.sheet == fl.sheet and t.cell.lstrip("ABCDEFGHIJ") == row
            and t.cell < fl.cell]
    return max(left)


def _overlaps(book, form, continued_ok=()):
    bad = []
    for s in _visible(form):
        for fit in book.needed_heights(s.title):
            if fit.fits:
                continue
            if (s.key, fit.cell) in continued_ok:
                continue
            bad.append("%s!%s needs %.1f pt, has %.1f: %r" % (s.title, fit.cell, fit.needed, fit.stored, fit.text[:30]))
    return bad


@pytest.mark.parametrize("kind", KINDS)
def test_blank_template_rows_fit_their_text(calc_in, built, kind, tmp_path):
    form = spec.form(kind)
    with calc_in.open(built[kind]) as book:
        book.recalc()
        assert _overlaps(book, form) == []
        text = lo.squash(lo.pdftotext(book.export_pdf(tmp_path / "blank.pdf")))
    official = [t for t in form.texts if t.style not in printing.AID_STYLES and t.text
                and t.sheet not in PRINTED]
    assert all(lo.squash(t.text) in text for t in official)
    assert not re.search(r"\d+/\d+字|合计\d+", text)               # no counter, no 字数合计
    aids = [t for t in form.texts if t.style in printing.AID_STYLES]
    assert all(lo.squash(t.text) not in text for t in aids)


@pytest.mark.parametrize("kind", KINDS)
def test_maximal_form_prints_whole(calc_in, built, kind, tmp_path):
    form = spec.form(kind)
    with calc_in.open(built[kind]) as book:
        typed = _fill(book, form)
        long_cells = {(fl.sheet, fl.cell): fl for fl in form.fields if fl.type in printing.TEXT_TYPES}
        fits = {}
        for s in _visible(form):
            for fit in book.needed_heights(s.title):
                fits[(s.key, fit.cell)] = fit
        # a clipped cell is only ever a long text's own input cell, and its label points to the 附页
        clipped = {k for k, f in fits.items() if not f.fits}
        assert clipped, "maximal texts should need the 附页"
        for key in clipped:
            assert key in long_cells, "%s!%s overlaps: %r" % (key[0], key[1], fits[key])
            fl = long_cells[key]
            row = key[1].lstrip("ABCDEFGHIJ")
            labels = [f.text for (sk, c), f in fits.items() if sk == fl.sheet and c.lstrip("ABCDEFGHIJ") == row
                      and c != key[1]]
            assert any(t.endswith(printing.MARK) for t in labels), (fl.id, labels)
        marked = {fl.id for fl in form.fields if fl.type in printing.TEXT_TYPES and not fl.aid
                  and book.string(form.sheet(fl.sheet).title, _label_cell(form, fl)).endswith(printing.MARK)}
        pdf = book.export_pdf(tmp_path / ("%s.pdf" % kind))
    text = lo.squash(lo.pdftotext(pdf))
    assert {"profile_products", "goal_y1_qual"} & marked or "intro" in marked
    for fl in form.fields:
        if fl.type in printing.TEXT_TYPES and not fl.aid:
            want = lo.squash(typed[fl.id])
            if fl.id in marked:
                # on the 附页, whole, right after its heading (LibreOffice's PDF also carries the
                # glyphs a clipped cell hides, so finding the text anywhere would prove nothing)
                want = lo.squash("【%s·%s】" % (form.sheet(fl.sheet).title, fl.label)) + want
            assert want in text, "%s not printed in full" % fl.id
    # aids are not printed with the official pages: no counter, no 字数合计, no 自检辅助 block
    assert not re.search(r"\d+/\d+字|合计\d+", text)
    for fl in form.fields:
        if fl.aid:
            label = [t.text for t in form.texts if t.sheet == fl.sheet and t.cell[1:] == fl.cell[1:]]
            assert label and lo.squash(label[0]) not in text, fl.id
