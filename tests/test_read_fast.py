"""The reader's fast path (read/scan.py) against the ElementTree path it short-cuts.

For every sheet of varied real files (templates filled by fill_bytes, demo workbooks, files saved by
LibreOffice) and of odd hand-written sheet XML, both paths must give the same cells (kind, value,
formula, style) or the same file problem; the fast path must be the one taken for what real
writers produce, and must decline every form it does not handle.
"""
import contextlib
import io
import random
import re
import zipfile

import pytest

from sjtx_xl import demo, samples, spec, template
from sjtx_xl.check import check_file
from sjtx_xl.fill import fill_bytes
from sjtx_xl.read import reader, scan
from sjtx_xl.read.reader import FileProblem, Xlsx

TEMPLATES = {k: template.build(k) for k in spec.KINDS}
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


@contextlib.contextmanager
def tree_only():
    """Force the ElementTree paths (as before the fast paths existed)."""
    saved = scan.index, scan.shared_strings
    scan.index = lambda fragment: None
    scan.shared_strings = lambda data, convert: None
    try:
        yield
    finally:
        scan.index, scan.shared_strings = saved


def read_all(data):
    """({title: {A1: Cell} or ("problem", type, detail)}, {titles read by the fast path})."""
    out, fast = {}, set()
    book = Xlsx(data)
    real = scan.index
    for title in book.parts:
        hits = []
        scan.index = lambda fragment: hits.append(real(fragment)) or hits[-1]
        try:
            out[title] = book.cells(title)
        except FileProblem as e:
            out[title] = ("problem", e.type, e.detail)
        finally:
            scan.index = real
        if any(h is not None for h in hits):
            fast.add(title)
    return out, fast


def assert_same(data):
    """Both paths give the same result for every sheet; (that result, titles read fast)."""
    fast, titles = read_all(data)
    with tree_only():
        slow, none = read_all(data)
    assert not none
    assert fast == slow
    return fast, titles


def package(sheet_xml, shared=None, styles=None, title="S"):
    """A minimal .xlsx whose only sheet part is `sheet_xml` (bytes)."""
    out = io.BytesIO()
    rels = ['<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'worksheet" Target="worksheets/sheet1.xml"/>']
    if shared is not None:
        rels.append('<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                    'relationships/sharedStrings" Target="sharedStrings.xml"/>')
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("_rels/.rels", '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                   'officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", '<workbook xmlns="%s" xmlns:r="http://schemas.openxmlformats.org/'
                   'officeDocument/2006/relationships"><sheets><sheet name="%s" sheetId="1" r:id="rId1"/></sheets>'
                   '</workbook>' % (MAIN, title))
        z.writestr("xl/_rels/workbook.xml.rels", '<Relationships xmlns="http://schemas.openxmlformats.org/package/'
                   '2006/relationships">%s</Relationships>' % "".join(rels))
        z.writestr("xl/worksheets/sheet1.xml", sheet_xml)
        if shared is not None:
            z.writestr("xl/sharedStrings.xml", shared)
    return out.getvalue()


def sheet(cells_xml, root=None, head=b""):
    root = root or b'<worksheet xmlns="%s" xmlns:x14ac="urn:x14ac">' % MAIN.encode()
    return root + head + b"<sheetData>" + cells_xml + b"</sheetData></worksheet>"


# --------------------------------------------------------------------------- real files

@pytest.mark.parametrize("kind", spec.KINDS)
@pytest.mark.parametrize("seed", [0, 3, 8])
def test_filled_templates_are_read_fast_and_the_same(kind, seed):
    data = fill_bytes(TEMPLATES[kind], samples.complete(kind, seed))
    _, titles = assert_same(data)
    lay = spec.layout(kind)
    inputs = {lay.sheet_title[f.sheet] for f in spec.form(kind).fields}
    assert inputs | {"_meta"} <= titles


def test_awkward_values_written_by_the_filler():
    values = samples.complete("enterprise", 5)
    values.update(name=' A&B <有限> "公司" \'甲\' ', legal_rep="\t张三\u3000", niche="第一行\r\n第二行\n第三行\r",
                  profile_management="控制符 _x0009_ 与 ]]> 及 &amp; 原样", employees="１２０人",
                  main_ratio_base="=1+1", patents_base=True, product_names="甲、乙\x7f")
    data = fill_bytes(TEMPLATES["enterprise"], values)
    _, titles = assert_same(data)
    assert spec.layout("enterprise").sheet_title["a5"] in titles
    with tree_only():
        slow = check_file_bytes(data)
    assert check_file_bytes(data) == slow


def check_file_bytes(data):
    import tempfile
    with tempfile.TemporaryDirectory() as d:
        p = "%s/a.xlsx" % d
        with open(p, "wb") as fh:
            fh.write(data)
        r = check_file(p)
        r.path = ""
        return (r.kind, r.status, r.values, r.raw, r.where, sorted(r.formulas), r.conditions, r.overall,
                [(p.type, p.sheet, p.cell, p.value, p.message) for p in r.problems])


def test_demo_workbooks(tmp_path):
    paths = demo.generate_bulk(tmp_path, 12, seed=4, processes=1)
    for p in paths:
        data = open(p, "rb").read()
        _, titles = assert_same(data)
        assert len(titles) == len(Xlsx(data).parts)


@pytest.mark.parametrize("kind", spec.KINDS)
def test_saved_by_libreoffice(calc, tmp_path, kind):
    values = samples.complete(kind, 9)
    src = tmp_path / "src.xlsx"
    src.write_bytes(fill_bytes(TEMPLATES[kind], values))
    with calc.open(src) as book:
        if kind == "enterprise":
            book.type("F_main_ratio_base", "85")
            book.type("F_reg_date", "2016-03-15")
        saved = book.save_as_xlsx(tmp_path / "lo.xlsx")
    data = saved.read_bytes()
    _, titles = assert_same(data)
    lay = spec.layout(kind)
    assert {lay.sheet_title[f.sheet] for f in spec.form(kind).fields} | {"_meta"} <= titles
    with tree_only():
        slow = check_file_bytes(data)
    assert check_file_bytes(data) == slow


# --------------------------------------------------------------------------- odd sheet XML

PLAIN = [
    b'<row r="1"><c r="A1" s="3" t="s"><v>0</v></c><c r="B1"><v>1.5</v></c></row>',
    b'<row r="1" spans="1:3" x14ac:dyDescent="0.25"><c r="A1" s="2" t="s"><v>0</v></c></row>',
    b'<row r="1"><c r="A1" s="1" t="str"><f>A2&amp;"x"&amp;&quot;&lt;&gt;&apos;</f><v>cached</v></c></row>',
    b'<row r="2"><c r="B2" s="13" t="n" /><c r="C2" s="14"><f>IF(F_name="","",F_name)</f><v /></c></row>',
    b'<row r="3"><c r="A3"><f t="shared" ref="A3:A4" si="0">B3*2</f><v>4</v></c></row>'
    b'<row r="4"><c r="A4"><f t="shared" si="0"/><v>6</v></c></row>',
    b'<row r="1"><c r="A1" t="inlineStr"><is><t xml:space="preserve"> a &lt;b&gt; &#x41;&#66; \r\nc\rd </t></is></c></row>',
    b'<row r="1"><c r="A1" t="inlineStr"><is/></c><c r="B1" t="inlineStr"><is><t/></is></c>'
    b'<c r="C1" t="inlineStr"><is></is></c><c r="D1" t="inlineStr"></c></row>',
    b'<row r="1"><c r="A1" t="b"><v>1</v></c><c r="B1" t="e"><v>#N/A</v></c><c r="C1" t="d"><v>2016-03-15</v></c>'
    b'<c r="D1" t="b"><v>true</v></c><c r="E1"><v></v></c><c r="F1" t="str"><v>x_x000D_y</v></c></row>',
    b'<row r="1"><c r="A1" s=""><v>1</v></c><c r="B1" s="x"><v>2</v></c><c r="C1" t=""><v>3</v></c></row>',
    b'<row r="1"><c r="A1"><v>1</v></c><c r="A1"><v>2</v></c></row>',                     # duplicate: last wins
    b'<row r="1"/><row r="2"></row><row r="3" ht="20"><c r="XFD3"><v>9</v></c></row>',
    b'<row r="1">\n  <c r="A1">\n    <v>1</v>\n  </c>\n</row>\n',                        # pretty-printed
    b'<row r="1"><c r="A1" t="inlineStr"><is><t>\xe4\xb8\xad\xe6\x96\x87 \xf0\x9f\x98\x80</t></is></c></row>',
    b'<row r="1"><c r="A1" s="3" t="n"><v> 7 </v></c></row>',
    b'',
]

ODD = [
    b'<row r="1"><c r="A1" t="s" s="2"><v>0</v></c></row>',                             # t before s
    b'<row r="1"><c r="A1" s="1" t="str" cm="1"><f>A2</f><v>cached</v></c></row>',     # attributes we
    b'<row r="1"><c r="A1" ph="1" s="4" vm="1"><v>5</v></c></row>',                    # do not list
    b'<row r="1" foo="1"><c r="A1"><v>5</v></c></row>',
    b'<row r="1"><c r="A1"><f ref="A1" t="shared">B1</f></c></row>',
    b'<row r="1"><c r="A1" t="inlineStr"><is><t foo="1">x</t></is></c></row>',
    b'<row r="1"><c r="b1"><v>1</v></c></row>',                                        # lower-case ref
    b'<row r="1"><c r="$B$1"><v>1</v></c></row>',
    b'<row r="1"><c><v>1</v></c><c s="1"><v>2</v></c></row><row><c><v>3</v></c></row>',   # no r
    b'<row r="1"><c r="A1"><v>1</v></c><c><v>2</v></c></row>',
    b'<row r="1"><c s="1" r="A1"><v>1</v></c></row>',                                   # r not first
    b"<row r='1'><c r='A1'><v>1</v></c></row>",                                         # single quotes
    b'<row r="1"><c  r="A1"><v>1</v></c></row>',
    b'<row r="1"><c r="A1" s = "1"><v>1</v></c></row>',
    b'<row r="1"><c r="A1" s="1"\n t="s"><v>0</v></c></row>',
    b'<row r="1"><c r="A1" t="inlineStr"><is><r><t>\xe5\xbc\xa0</t></r><r><rPr><b/></rPr><t>\xe4\xb8\x89</t></r>'
    b'<rPh sb="0" eb="1"><t>ZHANG</t></rPh></is></c></row>',                            # rich text
    b'<row r="1"><!-- <c r="A1"><v>9</v></c> --><c r="B1"><v>1</v></c></row>',          # comment
    b'<row r="1"><c r="A1"><v><![CDATA[12]]></v></c></row>',
    b'<row r="1"><?pi x?><c r="A1"><v>1</v></c></row>',
    b'<row r="1" xmlns="urn:other"><c r="A1"><v>1</v></c></row>',                        # another namespace
    b'<row r="1"><c r="A1" xmlns:y="urn:y" y:t="s"><v>1</v></c></row>',
    b'<c r="A1"><v>1</v></c><row r="1"><c r="B1"><v>2</v></c></row>',                    # cell outside a row
    b'<row r="1"><c r="A1"><f><c r="B1"><v>5</v></c></f></c></row>',                     # cell inside a formula
    b'<row r="1"><c r="A1"><v>1</v><extLst><ext uri="x"/></extLst></c></row>',
    b'<row r="1"><c r="A1"><v>1</v><f>A2</f></c></row>',                                 # v before f
    b'<row r="1"><c r="A1" t="inlineStr"><is><t>a</t><t>b</t></is></c></row>',
    b'<row r="1"><c r="A1"><x14ac:v>1</x14ac:v></c></row>',
    b'<row r="1"><c r="A1" s="&#49;"><v>1</v></c></row>',                                # reference in a value
    b'<row r="1"><c r="A1" s="1\t"><v>1</v></c></row>',
    b'<row r="1"><c r="A1" t="s&amp;"><v>1</v></c></row>',
]

BROKEN = [
    b'<row r="1"><c r="A1"><v>1&foo;</v></c></row>',
    b'<row r="1"><c r="A1" s="1" s="2"><v>1</v></c></row>',
    b'<row r="1"><c r="A1"><v>\x01</v></c></row>',
    b'<row r="1"><c r="A1"><v>\xff\xfe</v></c></row>',
    b'<row r="1"><c r="A1"><v>&#0;</v></c></row>',
    b'<row r="1"><c r="A1"><v>]]></v></c></row>',
    b'<row r="1"><c r="A1"><v>a & b</v></c></row>',
    b'<row r="1"><c r="A1" zz:s="1"><v>1</v></c></row>',
    b'<row r="1"><c r="A1"><v>1</c></row>',
    b'<row r="1"><c r="A1"><v>abc</v></c></row>',                                       # not a number
    b'<row r="1"><c r="A1" t="s"><v>7</v></c></row>',                                   # no shared string 7
    b'<row r="1"><c r="A1" t="s"><v>x</v></c></row>',
]

SHARED = (b'<sst xmlns="%s" count="3" uniqueCount="3"><si><t>\xe7\x94\xb2</t></si><si><r><t>a</t></r><r><t>b</t></r>'
          b'</si><si><t xml:space="preserve"> c </t><rPh sb="0" eb="1"><t>C</t></rPh></si></sst>' % MAIN.encode())


@pytest.mark.parametrize("cells", PLAIN, ids=range(len(PLAIN)))
def test_plain_forms_are_read_fast(cells):
    got, titles = assert_same(package(sheet(cells), shared=SHARED))
    assert titles == {"S"} and isinstance(got["S"], dict)


def test_plain_form_values():
    got, titles = assert_same(package(sheet(PLAIN[5] + PLAIN[4]), shared=SHARED))
    assert titles == {"S"}
    cells = got["S"]
    assert cells["A1"].value == " a <b> AB \nc\nd "
    assert cells["A4"].formula == "=（共享公式）" and cells["A3"].formula == "=B3*2"


@pytest.mark.parametrize("cells", ODD, ids=range(len(ODD)))
def test_odd_forms_fall_back_to_the_tree(cells):
    _, titles = assert_same(package(sheet(cells), shared=SHARED))
    assert titles == set()


@pytest.mark.parametrize("cells", BROKEN, ids=range(len(BROKEN)))
def test_broken_xml_gives_the_same_problem(cells):
    fast, _ = assert_same(package(sheet(cells), shared=SHARED))
    assert isinstance(fast["S"], tuple) and fast["S"][1] == "corrupt", fast


@pytest.mark.parametrize("root", [
    b'<x:worksheet xmlns:x="%s">' % MAIN.encode(),                  # prefixed root, unprefixed cells
    b'<worksheet>',                                                  # no namespace at all
    b'<worksheet xmlns="urn:not-spreadsheetml">',
    b'<worksheet xmlns="%s"/>' % MAIN.encode(),
])
def test_root_namespaces(root):
    _, titles = assert_same(package(sheet(PLAIN[0], root=root), shared=SHARED))
    assert titles == (set() if root.startswith(b"<x:") else {"S"})


def test_prefixed_sheet_is_read_by_the_tree():
    xml = (b'<x:worksheet xmlns:x="%s"><x:sheetData><x:row r="1"><x:c r="A1"><x:v>1</x:v></x:c></x:row>'
           b'</x:sheetData></x:worksheet>' % MAIN.encode())
    got, titles = assert_same(package(xml))
    assert got["S"]["A1"].value == 1 and titles == set()


def test_dtd_and_size_guards_unchanged():
    dtd = b'<!DOCTYPE worksheet [<!ENTITY a "1">]>' + sheet(PLAIN[0])
    got, _ = assert_same(package(dtd))
    assert got["S"][1] == "corrupt"
    many = b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (i, i) for i in range(1, reader.MAX_CELLS + 2))
    got, _ = assert_same(package(sheet(many)))
    assert got["S"][1] == "too-large"
    truncated = sheet(PLAIN[0])[:-8]
    got, _ = assert_same(package(truncated))
    assert got["S"][1] == "corrupt"


# --------------------------------------------------------------------------- random sheets

def _random_text(rng):
    alphabet = ["a", "Z", "0", " ", "中", "文", "😀", "&amp;", "&lt;", "&gt;", "&quot;", "&apos;", "&#x4E2D;", "&#20013;",
                "\r\n", "\n", "\r", "\t", ">", "'", '"', "_x0009_", "]]", "=", "％"]
    return "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 8))).encode("utf-8")


def _random_cell(rng, ref):
    attrs = [b' r="%s"' % ref]
    if rng.random() < 0.6:
        attrs.append(b' s="%d"' % rng.randrange(0, 40))
    t = rng.choice([None, b"s", b"n", b"str", b"inlineStr", b"b", b"e", b"d"])
    if t:
        attrs.append(b' t="%s"' % t)
    if rng.random() < 0.1:
        attrs.append(b' cm="1"')
    if rng.random() < 0.2:
        attrs[1:] = attrs[1:][::-1]
    head = b"<c" + b"".join(attrs)
    body = b""
    if rng.random() < 0.2:
        body += rng.choice([b"<f>" + _random_text(rng).replace(b"\r", b"") + b"</f>", b'<f t="shared" si="0"/>', b"<f></f>"])
    if t == b"inlineStr" and rng.random() < 0.8:
        body += rng.choice([b"<is><t>" + _random_text(rng) + b"</t></is>", b"<is/>",
                            b'<is><t xml:space="preserve">' + _random_text(rng) + b"</t></is>"])
    elif t == b"s":
        body += b"<v>%d</v>" % rng.randrange(0, 3)
    elif t in (b"str", b"e", b"d"):
        body += b"<v>" + _random_text(rng) + b"</v>"
    elif t == b"b":
        body += rng.choice([b"<v>1</v>", b"<v>0</v>", b"<v>true</v>"])
    elif rng.random() < 0.9:
        body += rng.choice([b"<v>%d</v>" % rng.randrange(-5, 10**6), b"<v>%r</v>" % (rng.random() * 1e4), b"<v/>",
                            b"<v></v>", b"<v>1E-3</v>"])
    if not body and rng.random() < 0.5:
        return head + rng.choice([b"/>", b" />"])
    return head + b">" + body + b"</c>"


@pytest.mark.parametrize("seed", range(40))
def test_random_plain_sheets(seed):
    rng = random.Random(seed)
    rows = []
    for r in range(1, rng.randrange(2, 12)):
        cols = sorted(rng.sample(range(26), rng.randrange(0, 6)))
        cells = b"".join(_random_cell(rng, b"%s%d" % (bytes([65 + c]), r)) for c in cols)
        rows.append(b'<row r="%d" spans="1:5">' % r + cells + b"</row>" if cells else b'<row r="%d"/>' % r)
    data = package(sheet(b"".join(rows)), shared=SHARED)
    got, _ = assert_same(data)
    assert isinstance(got["S"], dict) or got["S"][1] == "corrupt"


# --------------------------------------------------------------------------- parts parsed once

def test_parts_shared_across_files_are_keyed_by_their_bytes():
    """The workbook of one template is parsed once per process; a changed name is a new part."""
    good = fill_bytes(TEMPLATES["enterprise"], samples.complete("enterprise", 1))
    moved = rewrite_part(good, "xl/workbook.xml", lambda b: b.replace(b"!$B$3<", b"!$D$3<", 1))
    broken = rewrite_part(good, "xl/workbook.xml", lambda b: b[:-20])
    a5 = spec.layout("enterprise").sheet_title["a5"]
    for _ in range(2):
        assert Xlsx(good).name_ref("F_name") == (a5, "B3")
        assert Xlsx(moved).name_ref("F_name") == (a5, "D3")
        with pytest.raises(FileProblem) as e:
            Xlsx(broken)
        assert e.value.type == "corrupt"
    assert Xlsx(good).names is Xlsx(good).names


def test_empty_office_document_target_is_not_a_workbook():
    data = rewrite_part(package(sheet(PLAIN[0])), "_rels/.rels", lambda b: b.replace(b'Target="xl/workbook.xml"',
                                                                                   b'Target=""'))
    with pytest.raises(FileProblem) as e:
        Xlsx(data)
    assert e.value.type == "not-a-workbook"


def rewrite_part(data, name, fn):
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            dst.writestr(info.filename, fn(body) if info.filename == name else body)
    return out.getvalue()


# --------------------------------------------------------------------------- shared strings

def sst(items, head=b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'):
    return head + b'<sst xmlns="%s" count="9" uniqueCount="9">' % MAIN.encode() + b"".join(items) + b"</sst>"


SST_PLAIN = [
    b"<si><t>\xe7\x94\xb2</t></si>",
    b'<si><t xml:space="preserve"> a &amp; b\r\n </t></si>',
    b"<si><t/></si>",
    b'<si><r><rPr><b val="true"/><sz val="16"/><rFont val="\xe9\xbb\x91\xe4\xbd\x93"/><family val="2"/></rPr>'
    b'<t xml:space="preserve">\xe5\x90\x89</t></r><r><t>\xc2\xb7</t></r></si>',
    b'<si><t>x</t><r><t>y</t></r><rPh sb="0" eb="1"><t>PH</t></rPh><phoneticPr fontId="1" type="noConversion"/></si>',
    b"<si>\n  <t>_x000D_z</t>\n</si>",
    b"<si><r><rPr></rPr><t></t></r></si>",
]
SST_ODD = ODD[:6] + [
    b"<si><t>a</t></si><extLst/>",                                      # a child that is not <si>
    b'<si><t xml:space=\'preserve\'>a</t></si>',
    b"<si/>",
    b"<si><!-- c --><t>a</t></si>",
    b"<si><r><rPr><color><x/></color></rPr><t>a</t></r></si>",
    b"<x:si xmlns:x=\"%s\"><x:t>a</x:t></x:si>" % MAIN.encode(),
    b'<si><t>a</t><rPh sb="0" eb="1"><t>PH</t></rPh><t>b</t></si>',   # <t> after a hint
]
SST_BROKEN = [b"<si><t>a&nbsp;</t></si>", b"<si><t>a</si>", b"<si><t>\x02</t></si>", b"<si><t>]]></t></si>"]


def sst_book(items, head=None, n=None):
    """A sheet whose A1..An are shared strings 0..n-1 (and -1), with the given sharedStrings part."""
    n = len(items) if n is None else n
    cells = b"".join(b'<c r="%s1" t="s"><v>%d</v></c>' % (bytes([65 + i]), i) for i in range(n))
    cells += b'<c r="Z1" t="s"><v>-1</v></c>'
    part = sst(items) if head is None else sst(items, head)
    return package(sheet(b'<row r="1">' + cells + b"</row>"), shared=part)


def test_plain_shared_strings_are_lazy_and_the_same():
    got, _ = assert_same(sst_book(SST_PLAIN))
    values = {k: c.value for k, c in got["S"].items()}
    assert values["A1"] == "甲" and values["B1"] == " a & b\n " and values["C1"] == ""
    assert values["D1"] == "吉·" and values["E1"] == "xy" and values["F1"] == "\rz" and values["Z1"] == ""
    book = Xlsx(sst_book(SST_PLAIN))
    book.cells("S")
    assert isinstance(book.shared_strings(), scan.SharedStrings)


@pytest.mark.parametrize("head", [b"", b"\xef\xbb\xbf", b'<?xml version="1.0"?>', b'<?xml version="1.0" encoding="GBK"?>',
                                  b"<?xml version='1.0'?>", b"<!-- c --><?xml version='1.0'?>"])
def test_shared_strings_prolog(head):
    assert_same(sst_book(SST_PLAIN[:2], head=head))


@pytest.mark.parametrize("item", SST_ODD, ids=range(len(SST_ODD)))
def test_odd_shared_strings_are_read_by_the_tree(item):
    data = sst_book([SST_PLAIN[0], item, SST_PLAIN[1]], n=3)
    assert_same(data)
    book = Xlsx(data)
    book.cells("S")                        # the odd item is found when a cell asks for it
    assert isinstance(book.shared_strings(), list)


@pytest.mark.parametrize("item", SST_BROKEN, ids=range(len(SST_BROKEN)))
def test_broken_shared_strings_give_the_same_problem(item):
    got, _ = assert_same(sst_book([SST_PLAIN[0], item], n=2))
    assert got["S"][1] == "corrupt"


def test_missing_shared_string_index():
    got, _ = assert_same(sst_book(SST_PLAIN[:2], n=3))
    assert got["S"][1] == "corrupt"


@pytest.mark.parametrize("seed", range(30))
def test_strings_asked_for_in_any_order_are_the_items(seed):
    """Any order of indexes (negative ones as a list takes them, one past the end refused) gives each
    item's own text, the items abutting or with blanks between."""
    rng = random.Random(seed)
    texts = ["".join(rng.choice("ab甲 &<") for _ in range(rng.randrange(0, 6))) for _ in range(rng.randrange(1, 40))]
    blanks = rng.random() < 0.3
    items = [b"<si><t>%s</t></si>" % t.replace("&", "&amp;").replace("<", "&lt;").encode() + (b"\n " if blanks else b"")
             for t in texts]
    got = scan.shared_strings(sst(items), reader._ooxml_unescape)[0]
    n = len(texts)
    assert len(got) == n
    for i in rng.sample(range(-n, n), n) + [rng.randrange(-n, n) for _ in range(5)]:
        assert got[i] == texts[i]
    for i in (n, -n - 1):
        with pytest.raises(IndexError):
            got[i]


def test_big_sheets_go_to_the_tree():
    rows = b"".join(b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (i, i, i) for i in range(1, scan.MAX_CELLS + 2))
    got, titles = assert_same(package(sheet(rows)))
    assert titles == set() and len(got["S"]) == scan.MAX_CELLS + 1


def test_a_big_sheet_with_too_many_cells_is_not_cut_into_rows(monkeypatch):
    """Over BIG_FRAGMENT bytes, the cells are counted whole first: a sheet of too many is refused
    before a row is looked at (its rows are not made into objects); a smaller one is refused at the
    first row past MAX_CELLS (test_big_sheets_go_to_the_tree)."""
    pad = b"x" * (scan.BIG_FRAGMENT // scan.MAX_CELLS + 1)
    big = b"<sheetData>" + b"".join(b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>%s</t></is></c></row>' % (i, i, pad)
                                    for i in range(1, scan.MAX_CELLS + 2)) + b"</sheetData>"
    assert len(big) > scan.BIG_FRAGMENT
    seen = []
    monkeypatch.setattr(scan, "_new_row", lambda row: seen.append(row))
    assert scan.index(big) is None and seen == []


@pytest.mark.parametrize("tail", [b"<x/></row></sheetData>", b"</row></sheetDat>", b'<c r="A2"><v>1</v></c></row>'])
def test_a_failed_match_does_not_backtrack_far(tail):
    """Long runs of spaces and rows before a mismatch: declined (catastrophic backtracking would
    hang here; the time it takes is printed by bench/guards_bench.py, not asserted)."""
    cell = b'<c r="A1" s="1" t="s"><v>1</v></c>' + b" " * 200
    fragment = b"<sheetData>" + b'<row r="1">' + cell * 4000 + b" " * 10 ** 6 + tail
    assert scan.index(fragment) is None


def test_attribute_unescape_matches_saxutils():
    from xml.sax.saxutils import unescape
    rng = random.Random(2)
    bits = ["&lt;", "&gt;", "&quot;", "&apos;", "&amp;", "&", "a", ";", "lt", "amp;", "&#34;", '"', "&amp;lt;"]
    for _ in range(5000):
        s = "".join(rng.choice(bits) for _ in range(rng.randrange(8)))
        assert reader._unescape_attr(s) == unescape(s, {"&quot;": '"', "&apos;": "'"}), s


# --------------------------------------------------------------------------- when expat can be skipped

ROOT = b'<worksheet xmlns="%s" xmlns:x14ac="urn:x14ac">' % MAIN.encode()


expat_accepts = scan._expat_accepts          # expat, created as ElementTree creates it


def fragments(data):
    """(root tag, <sheetData> fragment) of every sheet part of a package."""
    z = zipfile.ZipFile(io.BytesIO(data))
    for name in z.namelist():
        if name.startswith("xl/worksheets/"):
            s = z.read(name)
            root = reader._ROOT.search(s).group(0)
            i, j = s.find(b"<sheetData"), s.find(b"</sheetData>")
            if i >= 0 and j >= 0:
                yield root, s[i:j + len(b"</sheetData>")]


def test_our_filled_sheets_need_no_second_parse():
    data = fill_bytes(TEMPLATES["enterprise"], samples.complete("enterprise", 2))
    for root, fragment in fragments(data):
        assert scan.index(fragment) and scan.wellformed(fragment, root) and reader._accepted(root)


def test_skipping_expat_never_accepts_what_expat_rejects():
    """Random damage to real fragments: whenever the reader would skip expat, expat accepts."""
    data = fill_bytes(TEMPLATES["enterprise"], samples.complete("enterprise", 3))
    frags = [f for _, f in fragments(data)]
    bits = [b"&", b"&amp;", b"&#65;", b"&#0;", b"&bogus;", b"<", b">", b'"', b"'", b":", b" x14ac:dyDescent=\"1\"",
            b" y:a=\"1\"", b"\x01", b"\x7f", b"\xff", b"\xc0\x80", b"\xed\xa0\x80", b"\xef\xbf\xbe", b"\xef\xbf\xbd", b"]]>",
            b"]]", b' r="1"', b' s="1"', b' t="s"', b" xmlns=\"urn:y\"", b" ", b"\t", b"\r\n", b"a", b"1", b"-", b"=",
            b"/", b"</c>", b"<v>", b"</row>", b'<row r="9">', b' xml:space="preserve"', b"\xe4\xb8\xad", b"\xe4\xb8"]
    rng = random.Random(5)
    skipped = 0
    for _ in range(3000):
        f = bytearray(rng.choice(frags))
        for _ in range(rng.randrange(1, 4)):
            pos, bit = rng.randrange(len(f)), rng.choice(bits)
            if rng.random() < 0.6:
                f[pos:pos] = bit
            else:
                f[pos:pos + len(bit)] = bit
        f = bytes(f)
        for root in (ROOT, b'<worksheet xmlns="%s">' % MAIN.encode()):
            if scan.index(f) and scan.wellformed(f, root):
                skipped += 1
                assert expat_accepts(root + f + b"</worksheet>"), f
    assert skipped > 100


@pytest.mark.parametrize("root, cells", [
    (b'<worksheet xmlns="%s">' % MAIN.encode(), b'<row r="1" x14ac:dyDescent="1"><c r="A1"><v>1</v></c></row>'),
    (b'<worksheet xmlns="%s" a="1" a="2">' % MAIN.encode(), b'<row r="1"><c r="A1"><v>1</v></c></row>'),
    (b'<worksheet xmlns="%s" xmlns:x14ac="">' % MAIN.encode(), b'<row r="1"><c r="A1"><v>1</v></c></row>'),
    (ROOT, b'<row r="1"><c r="A1"><v>&#0;</v></c></row>'),
    (ROOT, b'<row r="1"><c r="A1" t="str"><v>\xef\xbf\xbf</v></c></row>'),
])
def test_what_only_a_parser_rejects_is_still_rejected(root, cells):
    got, _ = assert_same(package(sheet(cells, root=root)))
    assert got["S"][1] == "corrupt"


def test_strings_no_cell_asks_for_are_not_checked():
    """Lazy: a damaged string that no cell uses costs nothing and rejects nothing; one a cell uses does."""
    unused = package(sheet(b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>'), shared=sst([SST_PLAIN[0], SST_BROKEN[1]]))
    book = Xlsx(unused)
    assert book.cells("S")["A1"].value == "甲" and isinstance(book.shared_strings(), scan.SharedStrings)
    used = package(sheet(b'<row r="1"><c r="A1" t="s"><v>1</v></c></row>'), shared=sst([SST_PLAIN[0], SST_BROKEN[1]]))
    with pytest.raises(FileProblem) as e:
        Xlsx(used).cells("S")
    assert e.value.type == "corrupt"


@pytest.mark.parametrize("hidden", [b"<![CDATA[<si>]]>", b"<!-- <si> -->", b"<?pi <si> ?>"])
def test_an_item_hidden_in_markup_does_not_shift_the_strings(hidden):
    items = [SST_PLAIN[0], b"<si><t>a" + hidden + b"</t></si>" if not hidden.startswith(b"<!--") and not hidden.startswith(b"<?")
             else b"<si><t>a</t>" + hidden + b"</si>", b"<si><t>z</t></si>"]
    got, _ = assert_same(sst_book(items, n=3))
    assert got["S"]["C1"].value == "z"


def test_a_meta_seen_before_is_not_read_again_unless_it_needs_shared_strings():
    """Forms of one template store the same _meta: the second gives the first's keys without its
    part being inflated. A _meta whose cells are shared strings depends on that part too: the same
    _meta bytes beside other strings give other keys."""
    inline = sheet(b'<row r="1"><c r="A1" t="inlineStr"><is><t>kind</t></is></c>'
                   b'<c r="B1" t="inlineStr"><is><t>enterprise</t></is></c></row>'
                   b'<row r="2"><c r="A2" t="inlineStr"><is><t>template_version</t></is></c><c r="B2"><v>7</v></c></row>')
    first = Xlsx(package(inline, title="_meta")).meta()
    assert first == {"kind": "enterprise", "template_version": 7}
    again = Xlsx(package(inline, title="_meta"))
    inflated = []
    again._inflate = lambda info, stored: inflated.append(info.filename)
    assert again.meta() == first and inflated == []
    again.meta()["kind"] = "changed"                            # a copy: the kept keys stay as read
    assert Xlsx(package(inline, title="_meta")).meta() == {"kind": "enterprise", "template_version": 7}
    shared = sheet(b'<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>')
    for kind in (b"enterprise", b"platform", b"enterprise"):
        book = Xlsx(package(shared, shared=sst([b"<si><t>kind</t></si>", b"<si><t>%s</t></si>" % kind]), title="_meta"))
        assert book.meta() == {"kind": kind.decode()}


def test_window_settings_do_not_defeat_the_workbook_cache():
    """Two saves that differ only in window settings and calculation properties share one parse."""
    good = fill_bytes(TEMPLATES["enterprise"], samples.complete("enterprise", 1))

    def viewed(tab):
        return rewrite_part(good, "xl/workbook.xml", lambda b: re.sub(
            rb"(<sheets>)", b'<bookViews><workbookView activeTab="%d" windowWidth="%d"/></bookViews>\\1' % (tab, 9000 + tab),
            re.sub(rb"<bookViews>.*?</bookViews>", b"", b, flags=re.S), count=1))
    a, b = Xlsx(viewed(1)), Xlsx(viewed(2))
    assert a.names is b.names and a.names == Xlsx(good).names
    assert a.sheet_list == Xlsx(good).sheet_list


# --------------------------------------------------------------------------- rows checked once per process

def _whole_fragment_reading(fragment, root):
    """What index() and the reader made of a fragment before rows were kept: the grammar over the
    whole fragment, every piece, and wellformed() over the whole."""
    if fragment.count(b'<c r="') > scan.MAX_CELLS or not scan._PLAIN.fullmatch(fragment):
        return None
    pieces = fragment.split(b'<c r="')[1:]
    return len(pieces), {p[:p.index(b'"')].decode("ascii"): p for p in pieces}, scan.wellformed(fragment, root)


def test_rows_kept_across_files_read_as_the_whole_fragment():
    """Random damage to real fragments, each read three times (checked; its rows looked up; its rows
    forgotten, so each row is checked again from the cells' pieces kept): the same verdict, cells and
    need for a parser as the grammar and the byte checks over the whole."""
    data = fill_bytes(TEMPLATES["enterprise"], samples.complete("enterprise", 4))
    frags = [f for _, f in fragments(data)]
    bits = [b"&", b"&#0;", b"&bogus;", b"<", b">", b'"', b" x14ac:dyDescent=\"1\"", b"\x01", b"\xff", b"]]>",
            b'<row r="9">', b"</row>", b"<row", b'<c r="B2">', b"</c>", b"<v>1</v>", b" ", b"\r\n", b"\xe4\xb8\xad"]
    rng = random.Random(11)
    fast = 0
    for _ in range(1500):
        f = bytearray(rng.choice(frags))
        for _ in range(rng.randrange(0, 3)):
            pos, bit = rng.randrange(len(f)), rng.choice(bits)
            f[pos:pos + (0 if rng.random() < 0.6 else len(bit))] = bit
        f = bytes(f)
        for root in (ROOT, b'<worksheet xmlns="%s">' % MAIN.encode()):
            want = _whole_fragment_reading(f, root)
            for reading in range(3):
                if reading == 2:
                    scan._ROWS.clear()
                got = scan.index(f)
                assert (got is None) == (want is None), f
                if got is not None:
                    fast += 1
                    assert got[0] == want[0] and got[1].keys() == want[1].keys()
                    assert scan.parser_needed(got, root) == (not want[2])
                    if want[2]:                             # what the reader then converts
                        assert {a1: scan.parts(p) for a1, p in got[1].items()} == \
                            {a1: scan.parts(p) for a1, p in want[1].items()}
    assert fast > 500


def test_a_row_seen_before_does_not_vouch_for_its_neighbours():
    good = b'<row r="1"><c r="A1"><v>1</v></c></row>'
    assert scan.index(b"<sheetData>" + good + b"</sheetData>")[1].keys() == {"A1"}
    assert scan.index(b"<sheetData>" + good + b'<row r="2"><c r="A2"><x/></c></row></sheetData>') is None
    assert scan.index(b"<sheetData>" + good + b"<!-- x --></sheetData>") is None
    bad = scan.index(b"<sheetData>" + good + b'<row r="2"><c r="A2"><v>\x01</v></c></row></sheetData>')
    assert scan.parser_needed(bad, ROOT) and not scan.parser_needed(scan.index(b"<sheetData>" + good + b"</sheetData>"), ROOT)
    later = scan.index(b"<sheetData>" + good + b'<row r="1"><c r="A1"><v>2</v></c></row></sheetData>')
    assert scan.parts(later[1]["A1"])[3] == "2"                     # a later cell of the same reference wins
    assert later[0] == 2                                             # and both count towards the sheet's cells
    twice = scan.index(b'<sheetData><row r="1"><c r="A1"><v>1</v></c><c r="A1"><v>2</v></c></row></sheetData>')
    assert twice[0] == 2 and scan.parts(twice[1]["A1"])[3] == "2"


# --------------------------------------------------------------------------- parts read from the file's bytes

def _zip(members, compression=zipfile.ZIP_DEFLATED, stream=False, zip64=False, prefix=b""):
    out = io.BytesIO()
    out.write(prefix)
    with zipfile.ZipFile(out, "a" if prefix else "w", compression) as z:
        for name, body in members.items():
            with z.open(name, "w", force_zip64=zip64) as fh:
                fh.write(body)
    data = out.getvalue()
    if stream:                               # written as to a pipe: sizes and CRC in data descriptors
        raw = io.BytesIO()

        class Pipe:
            def write(self, b):
                return raw.write(b)

            def flush(self):
                pass
        with zipfile.ZipFile(Pipe(), "w", compression) as z:
            for name, body in members.items():
                with z.open(name, "w") as fh:
                    fh.write(body)
        data = raw.getvalue()
    return data


@pytest.mark.parametrize("how", ["deflated", "stored", "stream", "zip64", "prefix"])
def test_parts_are_read_as_zipfile_reads_them(how):
    good = fill_bytes(TEMPLATES["enterprise"], samples.complete("enterprise", 1))
    src = zipfile.ZipFile(io.BytesIO(good))
    members = {n: src.read(n) for n in src.namelist()}
    data = _zip(members, compression=zipfile.ZIP_STORED if how == "stored" else zipfile.ZIP_DEFLATED,
                stream=how == "stream", zip64=how == "zip64", prefix=b"MZ" * 500 if how == "prefix" else b"")
    book = Xlsx(data)
    z = zipfile.ZipFile(io.BytesIO(data))
    for name in z.namelist():
        assert book.part(name) == z.read(name)
    if how != "prefix":                          # a file that does not start as a zip is not opened (sniff)
        assert check_file_bytes(data) == check_file_bytes(good)


def _with_crc(data, name, delta):
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(name)
    old = info.CRC.to_bytes(4, "little")
    assert data.count(old) == 2                     # the local header and the central directory
    return data.replace(old, (info.CRC ^ delta).to_bytes(4, "little"))


@pytest.mark.parametrize("name", ["xl/workbook.xml", "xl/styles.xml", "xl/worksheets/sheet2.xml"])
def test_a_part_whose_crc_fails_is_refused_even_when_its_bytes_were_read_before(name):
    good = fill_bytes(TEMPLATES["enterprise"], samples.complete("enterprise", 1))
    bad = _with_crc(good, name, 1)
    for _ in range(2):
        assert check_file_bytes(good)[1] == "ok"
        kind, status, *_, problems = check_file_bytes(bad)
        assert status != "ok" and any(p[0] == "corrupt" and "CRC" in p[4] for p in problems), problems


def test_a_damaged_deflate_stream_is_corrupt():
    good = fill_bytes(TEMPLATES["enterprise"], samples.complete("enterprise", 1))
    info = zipfile.ZipFile(io.BytesIO(good)).getinfo("xl/workbook.xml")
    at = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra) + 40
    for damaged in (good[:at] + bytes([good[at] ^ 0xFF]) + good[at + 1:],):
        with pytest.raises(FileProblem) as e:
            Xlsx(damaged)
        assert e.value.type == "corrupt"


def test_number_formats_are_shared_by_styles_that_differ_elsewhere_and_told_apart_by_their_codes():
    good = fill_bytes(TEMPLATES["enterprise"], samples.complete("enterprise", 1))
    a5 = spec.layout("enterprise").sheet_title["a5"]
    styles = zipfile.ZipFile(io.BytesIO(good)).read("xl/styles.xml")
    fonts = rewrite_part(good, "xl/styles.xml", lambda b: b.replace(b"<fonts", b'<fonts x="1"', 1))
    assert fonts != good
    date_style = Xlsx(good).cell(a5, "B5").style
    assert Xlsx(good).shows(date_style) == "date"
    assert Xlsx(fonts).number_formats() is Xlsx(good).number_formats()
    codes = re.findall(rb'formatCode="([^"]*)"', styles)
    assert codes
    percent = rewrite_part(good, "xl/styles.xml", lambda b: re.sub(rb'formatCode="[^"]*"', b'formatCode="0%"', b))
    book = Xlsx(percent)
    assert book.number_formats() is not Xlsx(good).number_formats()
    fid = re.search(rb'numFmtId="(\d+)"', re.findall(rb"<xf\b[^>]*>", re.search(rb"<cellXfs.*?</cellXfs>", styles, re.S)
                                                                 .group(0))[date_style]).group(1)
    assert int(fid) >= 164                       # a custom date format, now a percentage
    assert book.shows(date_style) == "percent"


def test_workbooks_that_differ_in_a_defined_name_are_not_confused():
    good = fill_bytes(TEMPLATES["enterprise"], samples.complete("enterprise", 1))
    renamed = rewrite_part(good, "xl/workbook.xml", lambda b: b.replace(b'name="F_name"', b'name="F_nameX"', 1))
    viewed = rewrite_part(renamed, "xl/workbook.xml", lambda b: b.replace(b"<bookViews>", b"<bookViews> ", 1))
    for _ in range(2):
        assert "F_name" in Xlsx(good).names and "F_name" not in Xlsx(renamed).names
        assert Xlsx(viewed).names is Xlsx(renamed).names


def _old_envelope(data):
    """scan.shared_strings' envelope checks as first written (whole-part substring scans)."""
    if scan._SST_EMPTY.fullmatch(data):
        return 0
    head = scan._SST_HEAD.match(data)
    if head is None or not data.rstrip(b" \t\r\n").endswith(b"</sst>"):
        return None
    body = data[head.end():]
    if b"<!" in body or b"<?" in body:
        return None
    pieces = body.split(b"<si>")
    if pieces[0] or len(pieces) > scan.MAX_STRINGS + 1:
        return None
    del pieces[0]
    n = len(pieces)
    if not pieces[-1].rstrip(b" \t\r\n")[:-6].rstrip(b" \t\r\n").endswith(b"</si>"):
        return None
    if body.count(b"</si><si>") != n - 1 and (body.count(b"</si>") != n or scan._BETWEEN.search(body)):
        return None
    return n


def test_shared_strings_envelope_as_first_written():
    items = SST_PLAIN + [b"<si><t>!?</t></si>", b"<si><t>a</t></si>"]
    bits = [b"<!", b"<?", b"!", b"?", b"<si>", b"</si>", b" ", b"\n", b"</sst>", b"<!-- <si> -->", b"<?pi?>", b"<"]
    rng = random.Random(8)
    for _ in range(3000):
        data = bytearray(sst([rng.choice(items) for _ in range(rng.randrange(0, 6))],
                             head=rng.choice([b"", b'<?xml version="1.0"?>\n'])) + rng.choice([b"", b"\n", b" " * 70]))
        for _ in range(rng.randrange(0, 3)):
            pos, bit = rng.randrange(len(data)), rng.choice(bits)
            data[pos:pos + (0 if rng.random() < 0.6 else len(bit))] = bit
        data = bytes(data)
        got = scan.shared_strings(data, str)
        assert (None if got is None else len(got[0])) == _old_envelope(data), data
    many = [b"<si><t>" + b"!" * 300 + b"</t></si>"]
    for tail in (b"", b"<!-- c -->"):
        data = sst(many + [b"<si><t>a</t>" + tail + b"</si>"])
        got = scan.shared_strings(data, str)
        assert (None if got is None else len(got[0])) == _old_envelope(data) == (None if tail else 2)
