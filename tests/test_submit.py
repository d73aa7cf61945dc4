"""`sjtx-xl submit` (issue 10 item 4): the package holds exactly what was decided, in rank order,
numbered from 1; long texts printed in full; the letter's counts; no local paths in any file."""
import io
import json
import re
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest

from sjtx_xl import cli, demo, samples, spec, template, vocab
from sjtx_xl.fill import fill_bytes
from sjtx_xl.merge import merge
from sjtx_xl.submit import ANNEX3_FILE, ANNEX4_FILE, FORMS_DIR, LETTER_FILE, OTHERS_FILE, build, pdf

from decide import table, type_decisions

LONG_INTRO = "".join("第%d句：平台为“小巨人”企业提供技术创新、知识产权和数字化改造服务，累计服务%d户次。" % (i, i * 7)
                     for i in range(1, 200))[:2950]


def decided(tmp_path, n=10, n_platforms=2):
    """A merged demo folder (plus a platform with a 2,950-character 简介) and typed decisions:
    every other 符合 enterprise recommended with ranks in reverse order, one typed 不推荐."""
    src = tmp_path / "申报材料"
    demo.generate(src, seed=4, n_enterprises=n, n_platforms=n_platforms, mistake_share=0, extras=False)
    values = dict(samples.complete("platform", 1), intro=LONG_INTRO)
    (src / "长春市" / "平台-长文字.xlsx").write_bytes(fill_bytes(template.build("platform"), values))
    out = tmp_path / "汇总.xlsx"
    merge(src, output=out, recursive=True)
    rows = table(out)
    ok = [r for r in rows if r["类别"] == "企业" and r["资格审查"] == "符合"]
    assert len(ok) >= 4
    pick = ok[::2]
    rank = {r["名称"]: len(pick) - i for i, r in enumerate(pick)}          # reverse of summary order
    refused = ok[1]["名称"]
    platforms = [r["名称"] for r in rows if r["类别"] == "平台" and r["资格审查"] == "符合"]
    assert values["platform_name"] in platforms

    def decide(row):
        if row["类别"] == "企业":
            if row["名称"] in rank:
                return {"推荐决定": vocab.RECOMMEND, "推荐排序": rank[row["名称"]], "推荐意见": "建议推荐"}
            if row["名称"] == refused:
                return {"推荐决定": vocab.NOT_RECOMMEND, "推荐意见": "本年度研发投入下降，暂不推荐"}
            return {"推荐决定": vocab.UNDECIDED, "推荐排序": None}
        if row["名称"] == values["platform_name"]:
            return {"推荐决定": vocab.RECOMMEND, "推荐排序": 1}
        return {"推荐决定": vocab.NOT_RECOMMEND, "推荐排序": None}
    type_decisions(out, decide)
    expected = sorted(rank, key=rank.get)
    return src, out, expected, refused, values


def data_rows(path, sheet=None):
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet] if sheet else wb.worksheets[0]
    rows = [r for r in ws.iter_rows(min_row=5, values_only=True) if isinstance(r[0], int)]
    return wb, rows


@pytest.fixture(scope="module")
def package(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("submit")
    src, out, expected, refused, platform = decided(tmp)
    result = build(out, tmp / "上报材料", pdf=False)
    return tmp, src, out, expected, refused, platform, result


def test_annex3_holds_exactly_the_recommended_rows_in_rank_order_numbered_from_1(package):
    tmp, src, out, expected, refused, platform, r = package
    _, rows = data_rows(r.output / ANNEX3_FILE)
    assert [row[1] for row in rows] == expected
    assert [row[0] for row in rows] == list(range(1, len(expected) + 1))
    by_name = {e.name: e for e in r.enterprises}
    for row in rows:
        e = by_name[row[1]]
        assert row[2:] == tuple(str(e.values[f]) for f in ("batch", "industry", "advanced_desc"))


def test_annex4_prints_a_long_text_in_full_on_an_attached_page(package):
    tmp, src, out, expected, refused, platform, r = package
    wb, rows = data_rows(r.output / ANNEX4_FILE)
    assert [row[1] for row in rows] == [platform["platform_name"]] and rows[0][0] == 1
    cell = rows[0][2]
    assert cell.endswith("（全文见附页1）") and LONG_INTRO.startswith(cell[:-len("……（全文见附页1）")])
    pages = [c for row in wb["附页"].iter_rows(values_only=True) for c in row if c]
    assert pages[0].startswith("附页1") and "".join(pages[1:]).replace("\n", "") == LONG_INTRO


def test_one_file_per_recommended_enterprise_in_the_official_layout(package):
    tmp, src, out, expected, refused, platform, r = package
    files = sorted((r.output / FORMS_DIR).glob("*.xlsx"))
    assert [f.name for f in files] == ["%02d %s.xlsx" % (i, n) for i, n in enumerate(expected, 1)]
    lay = spec.layout("enterprise")
    form = spec.form("enterprise")
    wb = openpyxl.load_workbook(files[0])
    assert wb.sheetnames[:2] == [lay.sheet_title["a5"], lay.sheet_title["a6"]]
    e = r.enterprises[0]
    for f in form.fields:
        if f.sheet in ("a5", "a6") and not f.aid and isinstance(e.values.get(f.id), (str, int, float)):
            got = wb[lay.sheet_title[f.sheet]][f.cell].value
            assert got == e.values[f.id] or str(got).startswith(str(e.values[f.id])[:20]), f.id
    # nothing the forms did not ask for: no aid or 报送信息 fields, no 自检
    shown = " ".join(str(c) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row if c)
    for f in form.fields:
        if f.sheet not in ("a5", "a6") and isinstance(e.values.get(f.id), str) and len(e.values[f.id]) > 6:
            assert e.values[f.id] not in shown, f.id
    assert "自检" not in wb.sheetnames


def test_letter_counts_equal_the_recommended_rows(package):
    from docx import Document
    tmp, src, out, expected, refused, platform, r = package
    doc = Document(str(r.output / LETTER_FILE))
    counts, ents, plats = doc.tables
    total = [c.text for c in counts.rows[-1].cells]
    assert total == ["合计", str(len(expected)), "1"]
    assert sum(int(row.cells[1].text) for row in counts.rows[1:-1]) == len(expected)
    assert [row.cells[1].text for row in ents.rows[1:]] == expected
    assert [row.cells[1].text for row in plats.rows[1:]] == [platform["platform_name"]]
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "〔    〕" in text and "年    月    日" in text
    assert "吉林省工业和信息化厅、吉林省财政厅：" in text                 # a city's letter goes to the province


def test_a_city_letter_names_its_sender_when_every_row_is_that_city(tmp_path):
    from types import SimpleNamespace

    from docx import Document

    from sjtx_xl.submit.letter import write_letter

    def signed(rows, level="city"):
        write_letter(tmp_path / "l.docx", rows, [], level=level)
        return Document(str(tmp_path / "l.docx")).paragraphs[-2].text

    row = lambda city: SimpleNamespace(name="甲公司", city=city, values={"batch": "第一批"})
    assert signed([row("长春市"), row("长春市")]) == "长春市（工信部门）　　　　长春市（财政部门）（盖章）"
    assert signed([row("长春市"), row("吉林市")]) == "（工信部门）　　　　（财政部门）（盖章）"   # not one city's
    assert signed([row("未识别")]) == "（工信部门）　　　　（财政部门）（盖章）"
    assert signed([row("长春市")], "province").startswith("吉林省工业和信息化厅")


def test_not_recommended_each_with_a_reason(package):
    tmp, src, out, expected, refused, platform, r = package
    rows = list(openpyxl.load_workbook(r.output / OTHERS_FILE).worksheets[0].iter_rows(min_row=3, values_only=True))
    everyone = {row["名称"] for row in table(out)}
    assert {row[3] for row in rows} == everyone - set(expected) - {platform["platform_name"]}
    assert all(row[7] for row in rows)
    assert next(row for row in rows if row[3] == refused)[7].startswith("本年度研发投入下降")


def _members(path):
    """The bytes of a file and, for a zip package (xlsx, docx), of every member inflated."""
    data = path.read_bytes()
    out = [data]
    if data[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            out += [z.read(n) for n in z.namelist()]
    return out


def _no_local_paths(root, *paths):
    needles = set()
    for p in paths:
        s = str(Path(p).resolve())
        needles |= {s.encode("utf-8"), s.encode("utf-16-le"), Path(s).as_uri().encode()}
    needles.add(b"/tmp/")
    for f in root.rglob("*"):
        if f.is_file():
            for blob in _members(f):
                for n in needles:
                    assert n not in blob, (f, n)


def test_privacy_no_local_path_in_any_file(package):
    tmp, src, out, expected, refused, platform, r = package
    _no_local_paths(r.output, src, tmp, r.output)


def test_cli_json_and_a_kept_earlier_package(package, capsys):
    tmp, src, out, expected, refused, platform, r = package
    assert cli.main(["submit", str(out), "-o", str(r.output), "--no-pdf", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert [x["name"] for x in d["enterprises"]] == expected
    assert d["kept"] and Path(d["kept"]).is_dir() and (Path(d["kept"]) / ANNEX3_FILE).is_file()
    assert cli.main(["submit", str(tmp / "无此文件.xlsx"), "-o", str(tmp / "x")]) == 2


def test_an_edited_visible_cell_is_reported(tmp_path):
    src = tmp_path / "in"
    demo.generate(src, seed=2, n_enterprises=3, n_platforms=0, mistake_share=0, extras=False)
    out = tmp_path / "s.xlsx"
    merge(src, output=out, recursive=True)
    wb = openpyxl.load_workbook(out)
    ws = wb["附件3 名单汇总表"]
    ws["E5"] = "改过的说明"
    wb.save(out)
    r = build(out, tmp_path / "pkg", pdf=False)
    hits = [p for p in r.warnings if p["type"] == "summary-edited"]
    assert len(hits) == 1 and hits[0]["cell"] == "E5" and "改过的说明" in hits[0]["message"]


def _pdf_text(path):
    return subprocess.run(["pdftotext", str(path), "-"], stdout=subprocess.PIPE, check=True).stdout.decode()


def _squash(text):
    text = re.sub(r"附件\d(附页)?\s*第\s*\d+\s*页", "", text)              # the page footers
    return re.sub(r"\s+", "", text)


@pytest.mark.lo
def test_pdfs_print_every_character(tmp_path, monkeypatch):
    """In LibreOffice, from paths relative to where the official is (`-o 上报材料`, as README's demo
    has it): every PDF is made and prints every character."""
    if pdf.unavailable():
        pytest.skip(pdf.unavailable())
    src, out, expected, refused, platform = decided(tmp_path, n=6, n_platforms=1)
    monkeypatch.chdir(tmp_path)
    r = build(Path(out.name), Path("pkg"))
    assert r.pdf_note is None and not any(w["type"] == "pdf-failed" for w in r.warnings)
    a4 = r.output / ANNEX4_FILE.replace(".xlsx", ".pdf")
    a3 = r.output / ANNEX3_FILE.replace(".xlsx", ".pdf")
    assert a3.is_file() and a4.is_file()
    assert _squash(LONG_INTRO) in _squash(_pdf_text(a4))
    text3 = _squash(_pdf_text(a3))
    for e in r.enterprises:
        assert _squash(e.values["advanced_desc"]) in text3 and _squash(e.name) in text3
    pdfs = sorted((r.output / FORMS_DIR).glob("*.pdf"))
    assert len(pdfs) == len(expected)
    footers = re.findall(r"(附件\d)\s*第\s*(\d+)\s*页", _pdf_text(pdfs[0]))
    assert ("附件5", "1") in footers and ("附件6", "1") in footers          # page numbers per sheet
    assert re.search(r"附件4附页\s*第\s*1\s*页", _pdf_text(a4))
    first = _squash(_pdf_text(pdfs[0]))
    e = r.enterprises[0]
    for fid in ("profile_management", "profile_products", "profile_innovation", "uscc"):
        assert _squash(str(e.values[fid])) in first, fid
    _no_local_paths(r.output, src, tmp_path, r.output)


def test_workbook_button_builds_the_package_and_uses_excel_for_pdfs_without_libreoffice(tmp_path, monkeypatch):
    """The button runs the same use case; without LibreOffice, Excel (Book.to_pdf) makes the PDFs."""
    import xlwings as xw

    from sjtx_xl import render, xl
    from sjtx_xl.submit import pdf as pdf_mod
    from test_xl import FakeBook
    src = tmp_path / "报送"
    demo.generate(src, seed=2, n_enterprises=3, n_platforms=1, mistake_share=0, extras=False)
    merge(src, output=src / "汇总.xlsx", recursive=True)
    book = FakeBook(src_folder=str(src))
    made = []

    class ExcelBook:
        def __init__(self, path):
            self.path = path

        caller = staticmethod(lambda: book)

        def to_pdf(self, path):
            made.append(Path(path).name)
            Path(path).write_bytes(b"%PDF-1.4 fake")

        def close(self):
            pass
    monkeypatch.setattr(xw, "Book", ExcelBook)
    monkeypatch.setattr(xl, "_desktop_excel", lambda: True)
    monkeypatch.setattr(pdf_mod, "soffice", lambda: None)
    message = xl.submit_package()
    assert message.startswith("✔ 上报材料已生成") and "已生成PDF" in message, message
    out = src / "上报材料"
    assert (out / ANNEX3_FILE).is_file() and (out / ANNEX3_FILE.replace(".xlsx", ".pdf")).is_file()
    assert len(made) == 2 + len(list((out / FORMS_DIR).glob("*.xlsx")))
    rows = book.rows("结果_文件")
    assert tuple(rows[0]) == render.SUBMIT_HEADERS
    cli_result = json.loads(_cli_json(src / "汇总.xlsx", tmp_path / "cli"))
    names = [r[2] for r in rows[1:] if r[5] is not None]
    assert names == [x["name"] for x in cli_result["enterprises"] + cli_result["platforms"]]


def _cli_json(summary, out):
    import contextlib
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        assert cli.main(["submit", str(summary), "-o", str(out), "--no-pdf", "--json"]) == 0
    return buf.getvalue()


def test_without_libreoffice_it_says_so_and_still_writes_the_xlsx(tmp_path, monkeypatch):
    src = tmp_path / "in"
    demo.generate(src, seed=2, n_enterprises=2, n_platforms=0, mistake_share=0, extras=False)
    merge(src, output=tmp_path / "s.xlsx", recursive=True)
    monkeypatch.setattr(pdf, "soffice", lambda: None)
    r = build(tmp_path / "s.xlsx", tmp_path / "pkg")
    assert "LibreOffice" in r.pdf_note and not r.pdfs
    assert (r.output / ANNEX3_FILE).is_file() and not list(r.output.rglob("*.pdf"))


def test_a_long_annex5_text_continues_on_an_attached_page(tmp_path):
    """附件5's 企业简介 may hold 5,000 characters: more than one printed row holds, so it goes to 附页."""
    from sjtx_xl.submit import forms
    from sjtx_xl.summary.model import Entry
    values = samples.complete("enterprise", 3)
    long_text = "".join("第%d段：企业深耕细分领域，主导产品市场占有率持续提升。" % i for i in range(1, 200))[:4000]
    values["profile_products"] = long_text
    e = Entry(kind="enterprise", values=values, conditions={}, overall=None, problems=[], path="")
    items = forms.write_enterprise(tmp_path / "e.xlsx", e)
    assert [n for n, _, _ in items] == [1]
    wb = openpyxl.load_workbook(tmp_path / "e.xlsx")
    cell = spec.form("enterprise").field("profile_products").cell
    shown = wb[spec.layout("enterprise").sheet_title["a5"]][cell].value
    assert shown.endswith("（全文见附页1）") and long_text.startswith(shown.split("……")[0])
    pages = [c for row in wb["附页"].iter_rows(values_only=True) for c in row if c]
    assert "".join(pages[1:]).replace("\n", "") == long_text


def test_a_package_in_the_provinces_folder_is_skipped_by_name(tmp_path):
    """The printed package is not a set of forms: a province that finds it beside city summaries
    skips every file with a reason, instead of reading 附件5/6 by label with errors (QA F33)."""
    from sjtx_xl.merge import merge
    from sjtx_xl.submit import build
    summary = tmp_path / "汇总.xlsx"
    demo.generate(tmp_path / "in", seed=3, n_enterprises=4, n_platforms=1, mistake_share=0, extras=False)
    merge(tmp_path / "in", output=summary, recursive=True)
    pkg = build(summary, tmp_path / "省" / "长春市上报材料", pdf=False)
    r = merge(tmp_path / "省", output=tmp_path / "省汇总.xlsx", recursive=True)
    xlsx = [f for f in r.model.files if f.path.endswith(".xlsx")]
    assert len(xlsx) == len(list(Path(pkg.output).rglob("*.xlsx"))) > 3
    assert all(f.status == "skipped" and "上报材料" in f.reason for f in xlsx), [(f.rel, f.reason) for f in xlsx]


def test_submit_warns_before_stamping_what_is_still_open(tmp_path):
    """待定 rows, a 推荐 row that is 待更正, a decision typed outside the list and an opinion over 200字
    each give a warning (QA F7, F23); the package is still written."""
    summary = tmp_path / "汇总.xlsx"
    demo.generate(tmp_path / "in", seed=3, n_enterprises=len(demo.ENTERPRISE_MISTAKES), n_platforms=0,
                  mistake_share=1, extras=False)
    merge(tmp_path / "in", output=summary, recursive=True)
    rows = table(summary)
    fixable = next(r for r in rows if r["资格审查"] == "待更正")
    others = [r["名称"] for r in rows if r is not fixable]
    plan = {fixable["名称"]: {"推荐决定": vocab.RECOMMEND, "推荐排序": 1},
            others[0]: {"推荐决定": vocab.UNDECIDED}, others[1]: {"推荐决定": "同意"},
            others[2]: {"推荐决定": vocab.NOT_RECOMMEND, "推荐意见": "长" * 250}}
    type_decisions(summary, lambda row: plan.get(row["名称"]))
    r = build(summary, tmp_path / "pkg", pdf=False)
    types = {w["type"]: w for w in r.warnings}
    assert {"recommended-correctable", "decision-invalid", "decisions-pending", "opinion-too-long"} <= set(types)
    assert fixable["名称"] in types["recommended-correctable"]["message"]
    assert others[0] in types["decisions-pending"]["message"] and "同意" in types["decision-invalid"]["message"]
    assert "待定（尚未决定）" not in json.dumps(r.warnings, ensure_ascii=False)


def test_a_row_deleted_from_the_decisions_sheet_is_not_packaged(tmp_path):
    """Deleting a row on 推荐决定 drops the applicant from the package too, not only from a re-merge
    (the rule lives in decisions.deleted_rows, which both use)."""
    from decide import header_row
    summary = tmp_path / "汇总.xlsx"
    demo.generate(tmp_path / "in", seed=3, n_enterprises=3, n_platforms=0, mistake_share=0, extras=False)
    merge(tmp_path / "in", output=summary, recursive=True)
    victim = next(r["名称"] for r in table(summary) if r["推荐决定"] == vocab.RECOMMEND)
    wb = openpyxl.load_workbook(summary)
    ws = wb["推荐决定"]
    first, cols = header_row(ws)
    ws.delete_rows(next(r[0].row for r in ws.iter_rows(min_row=first + 1) if r[cols["名称"]].value == victim))
    wb.save(summary)
    r = build(summary, tmp_path / "pkg", pdf=False)
    assert victim not in [e.name for e in r.enterprises]
    assert any(w["type"] == "decision-row-deleted" and victim in w["message"] for w in r.warnings)
    assert any(e.name == victim for e, *_ in r.not_recommended)


FAKE_SOFFICE = r'''#!%s
import json, os, sys, time
args = sys.argv[1:]
outdir = args[args.index("--outdir") + 1]
files = args[args.index("--outdir") + 2:]
with open(os.environ["FAKE_LOG"], "a", encoding="utf-8") as log:
    log.write(json.dumps([[a for a in args if a.startswith("-env:")], [os.path.basename(f) for f in files]]) + "\n")
for f in files:
    stem = os.path.splitext(os.path.basename(f))[0]
    if not os.path.isfile(f):                    # as LibreOffice: a path is taken from its own folder
        sys.stderr.write("Error: source file could not be loaded\n")
        continue
    if "慢" in stem:
        time.sleep(20)
    if "坏" not in stem:
        open(os.path.join(outdir, stem + ".pdf"), "w").write("%%PDF")
'''


def test_pdfs_are_made_from_relative_paths(tmp_path, monkeypatch):
    """`sjtx-xl submit 汇总.xlsx -o 上报材料` names the package relative to where the official is:
    LibreOffice, which runs in the package's folder, gets absolute paths; the result keeps the
    paths as given."""
    import sys
    fake = tmp_path / "fake-soffice"
    fake.write_text(FAKE_SOFFICE % sys.executable, encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setenv("SJTX_SOFFICE", str(fake))
    monkeypatch.setenv("FAKE_LOG", str(tmp_path / "log"))
    (tmp_path / "包" / "附件").mkdir(parents=True)
    monkeypatch.chdir(tmp_path)
    files = [Path("包") / "附件3.xlsx", Path("包") / "附件" / "01 企业.xlsx"]
    for f in files:
        f.write_bytes(b"x")
    out = {**pdf.convert(files[:1], Path("包")), **pdf.convert(files[1:], Path("包") / "附件")}
    assert out == {files[0]: Path("包") / "附件3.pdf", files[1]: Path("包") / "附件" / "01 企业.pdf"}
    assert all(p.is_file() for p in out.values())


def test_pdfs_are_made_in_batches_each_its_own_libreoffice_and_a_failed_batch_fails_only_its_files(tmp_path, monkeypatch):
    """A province's package is converted BATCH files per LibreOffice (own profile), batches in parallel;
    a file LibreOffice cannot convert, or a batch past its timeout, is named; the rest are PDFs."""
    import json
    import sys
    fake = tmp_path / "fake-soffice"
    fake.write_text(FAKE_SOFFICE % sys.executable, encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setenv("SJTX_SOFFICE", str(fake))
    monkeypatch.setenv("FAKE_LOG", str(tmp_path / "log"))
    monkeypatch.setattr(pdf, "BATCH", 3)
    monkeypatch.setattr(pdf, "TIMEOUT", 2)
    names = ["%02d 企业%s" % (i, {4: "坏", 7: "慢"}.get(i, "")) for i in range(10)]
    files = []
    for n in names:
        files.append(tmp_path / (n + ".xlsx"))
        files[-1].write_bytes(b"x")
    out = pdf.convert(files, tmp_path)                            # as many batches at once as CPUs (at most 4)
    assert list(out) == files
    made = {f.stem for f, r in out.items() if isinstance(r, Path)}
    assert made == {n for i, n in enumerate(names) if i not in (4, 7, 8)}     # 6 was made before 7 hung
    assert "原因不明" in out[files[4]] and all("超过2秒未完成" in out[files[i]] for i in (7, 8))
    calls = [json.loads(line) for line in (tmp_path / "log").read_text(encoding="utf-8").splitlines()]
    assert sorted(c[1] for c in calls) == [[n + ".xlsx" for n in names[i:i + 3]] for i in range(0, 10, 3)]
    profiles = [c[0][0] for c in calls]
    assert len(set(profiles)) == 4 and all(p.startswith("-env:UserInstallation=file://") for p in profiles)
