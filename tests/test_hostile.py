"""A hostile-input corpus, generated here: each file yields its typed problem at the right cell,
nothing raises, no traceback reaches the user, and no input file changes."""
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import zipfile

import pytest
from openpyxl import Workbook

from sjtx_xl import samples, spec, template
from sjtx_xl.check import check_file, check_paths
from sjtx_xl.fill import fill_bytes
from sjtx_xl.read import reader
from sjtx_xl.read.reader import Xlsx

from test_read import rewrite, set_cell_xml

ENT = template.build("enterprise")
A5 = spec.layout("enterprise").sheet_title["a5"]
A6 = spec.layout("enterprise").sheet_title["a6"]


def filled(seed=0, **changes):
    values = samples.complete("enterprise", seed)
    values.update(changes)
    return fill_bytes(ENT, values)


def with_meta(data, key, new_value_xml):
    part = Xlsx(data).parts["_meta"]
    row = spec.META_KEYS.index(key) + 1

    def fn(name, body):
        text = body.decode("utf-8")
        pat = re.compile(r'<c r="B%d"[^>]*?(?:/>|>.*?</c>)' % row, re.S)
        assert pat.search(text)
        return pat.sub(new_value_xml.replace("{ref}", "B%d" % row), text, count=1).encode("utf-8")
    return rewrite(data, fn, {part})


def bomb(data, part, mb):
    """Replace a sheet part by `mb` MB of highly compressible, well-formed sheet XML."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename != part:
                dst.writestr(info.filename, src.read(info.filename))
                continue
            with dst.open(part, "w", force_zip64=True) as fh:
                fh.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
                chunk = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>' * 20000
                for _ in range(mb * 2**20 // len(chunk) + 1):
                    fh.write(chunk)
                fh.write(b"</sheetData></worksheet>")
    return out.getvalue()


def many_cells(data, part, n):
    """A sheet part with n distinct little cells: compresses normally, but too many cells."""
    rows = b"".join(b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (i, i, i) for i in range(1, n + 1))
    xml = (b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
           + rows + b"</sheetData></worksheet>")
    return rewrite(data, lambda n_, b: xml, {part})


def encrypted(data):
    msoffcrypto = pytest.importorskip("msoffcrypto")
    from msoffcrypto.format.ooxml import OOXMLFile
    out = io.BytesIO()
    OOXMLFile(io.BytesIO(data)).encrypt("secret", out)
    return out.getvalue()


def another_template():
    wb = Workbook()
    ws = wb.active
    ws.title = "销售台账"
    for r in range(1, 30):
        ws.append(["客户%d" % r, r * 3.5, "备注"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    d = tmp_path_factory.mktemp("hostile")
    good = filled(1)
    part_a5 = Xlsx(good).parts[A5]
    files = {
        "截断.xlsx": good[: len(good) // 2],
        "加密.xlsx": encrypted(good),
        "空文件.xlsx": b"",
        "~$锁文件.xlsx": b"\x05zhang san" + b"\x00" * 40,
        "文本改名.xlsx": "企业名称,统一社会信用代码\n某某公司,91110000600037341L\n".encode("utf-8"),
        "网页伪装.xls": b"<html><body><table><tr><td>1</td></tr></table></body></html>",
        "炸弹.xlsx": bomb(good, part_a5, 60),
        "单元格过多.xlsx": many_cells(good, part_a5, reader.MAX_CELLS + 1000),
        "其他模板.xlsx": another_template(),
        "旧版模板.xlsx": with_meta(good, "template_version", '<c r="{ref}"><v>0</v></c>'),
        "汇总表.xlsx": with_meta(good, "kind", '<c r="{ref}" t="inlineStr"><is><t>summary</t></is></c>'),
        "损坏的工作表.xlsx": rewrite(good, lambda n, b: b[: len(b) // 2], {part_a5}),
        "空白模板.xlsx": ENT,
        "Word文档.xlsx": rewrite(good, lambda n, b: b, None).replace(b"xl/workbook.xml", b"xl/workbook.xmX"),
        "绕过校验.xlsx": set_cell_xml(
            filled(2, name="=cmd|' /C calc'!A0", employees="abc", patents_base="十二", main_ratio_y1=101,
                   profile_management="简" * 5001),
            "enterprise", "main_ratio_base", "<c r=\"C7\"><f>cmd|' /C calc'!A0</f><v>75</v></c>"),
        "规范化.xlsx": filled(3, name=" 吉林省规范化测试有限公司 ", uscc=samples.complete("enterprise", 3)["uscc"].lower(),
                            employees="１２０人", main_ratio_base="85%", rd_ratio_base="5.5％", reg_capital="1,000万元",
                            patents_base="3个", four_base="√", shortboard="N", key_tech="Y", leader_collab="☑",
                            industry="35", reg_date="2015/6/30", product_code="３５０７０６００００"),
        "百分数小数.xlsx": filled(4, main_ratio_base=0.85),
        "实体炸弹.xlsx": rewrite(good, lambda n, b: b.replace(
            b"<workbook", b'<!DOCTYPE workbook [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><workbook', 1),
            {"xl/workbook.xml"}),
        "日期序列号.xlsx": set_cell_xml(filled(5), "enterprise", "reg_date", '<c r="B5"><v>42185</v></c>'),
    }
    for name, data in files.items():
        (d / name).write_bytes(data)
    ok = d / "正常.xlsx"
    ok.write_bytes(good)
    (d / "说明.txt").write_text("not a workbook")
    (d / ".隐藏.xlsx").write_bytes(good)
    return d


def by_type(rep):
    out = {}
    for p in rep.problems:
        out.setdefault(p.type, []).append(p)
    return out


FILE_LEVEL = [
    ("截断.xlsx", "corrupt", "rejected"),
    ("加密.xlsx", "encrypted", "rejected"),
    ("空文件.xlsx", "empty", "rejected"),
    ("文本改名.xlsx", "not-a-workbook", "rejected"),
    ("网页伪装.xls", "not-a-workbook", "rejected"),
    ("炸弹.xlsx", "too-large", "rejected"),
    ("单元格过多.xlsx", "too-large", "rejected"),
    ("其他模板.xlsx", "unknown-template", "rejected"),
    ("汇总表.xlsx", "unknown-template", "rejected"),
    ("损坏的工作表.xlsx", "corrupt", "rejected"),
    ("实体炸弹.xlsx", "corrupt", "rejected"),
    ("空白模板.xlsx", "empty", "rejected"),
    ("Word文档.xlsx", "not-a-workbook", "rejected"),
    ("旧版模板.xlsx", "old-template-version", "invalid"),
]


@pytest.mark.parametrize("name,ptype,status", FILE_LEVEL)
def test_file_level_problems(corpus, name, ptype, status):
    rep = check_file(corpus / name)
    assert rep.status == status, [p.message for p in rep.problems]
    types = by_type(rep)
    assert ptype in types
    p = types[ptype][0]
    assert p.severity == "error" and p.file == str(corpus / name) and p.message and p.hint
    if status == "rejected":
        assert rep.reason and rep.values == {} or all(v is None for v in rep.values.values())


def test_old_template_version_still_reads_values(corpus):
    rep = check_file(corpus / "旧版模板.xlsx")
    assert rep.template_version == 0 and rep.values["uscc"] == samples.complete("enterprise", 1)["uscc"]
    assert by_type(rep)["old-template-version"][0].value == "0"


def test_zip_bomb_is_refused_before_inflating(corpus, monkeypatch):
    """The bomb's member is never opened (how long the refusal takes: bench/guards_bench.py)."""
    info = max(zipfile.ZipFile(corpus / "炸弹.xlsx").infolist(), key=lambda i: i.file_size)
    assert info.file_size > reader.MAX_PART_BYTES
    opened = []
    real_open = zipfile.ZipFile.open

    def spy(self, name, *args, **kwargs):
        opened.append(getattr(name, "filename", name))
        return real_open(self, name, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", spy)
    real_inflate = reader.Xlsx._inflate             # parts are inflated from the file's bytes too

    def spy_inflate(self, info, stored):
        opened.append(info.filename)
        return real_inflate(self, info, stored)

    monkeypatch.setattr(reader.Xlsx, "_inflate", spy_inflate)
    rep = check_file(corpus / "炸弹.xlsx")
    assert "压缩比" in by_type(rep)["too-large"][0].message
    assert info.filename not in opened


def test_lock_file_is_skipped(corpus):
    rep = check_file(corpus / "~$锁文件.xlsx")
    assert rep.status == "skipped" and "锁文件" in rep.reason and rep.problems == []


def test_validation_bypassed(corpus):
    rep = check_file(corpus / "绕过校验.xlsx")
    t = by_type(rep)
    cells = {(p.type, p.field): (p.sheet, p.cell) for p in rep.problems}
    assert cells[("formula-in-cell", "name")] == (A5, "B3")
    assert cells[("formula-cached", "main_ratio_base")] == (A6, "C7")        # read as its cached 75, said at C7
    assert {p.value for p in t["formula-in-cell"]} == {"=cmd|' /C calc'!A0"}
    assert cells[("not-a-number", "employees")] == (A5, "D4")
    assert cells[("not-a-number", "patents_base")] == (A6, "C12")
    assert cells[("out-of-range", "main_ratio_y1")] == (A6, "D7")
    long = [p for p in t["text-too-long"] if p.field == "profile_management"]
    assert long and (long[0].sheet, long[0].cell) == (A5, "B20") and "限5000字" in long[0].message
    # the pasted formula's cached 75 is what Excel showed: read, with a warning that names the formula
    assert rep.values["main_ratio_base"] == 75 and t["formula-cached"][0].severity == "warning"
    assert rep.status == "invalid"


def test_normalisation_cases(corpus):
    rep = check_file(corpus / "规范化.xlsx")
    notes = {p.field: p for p in by_type(rep)["normalised"]}
    expect = {
        "name": ("B3", "吉林省规范化测试有限公司"), "uscc": ("B4", samples.complete("enterprise", 3)["uscc"]),
        "employees": ("D4", 120), "main_ratio_base": ("C7", 85), "rd_ratio_base": ("C10", 5.5),
        "reg_capital": ("D5", 1000), "patents_base": ("C12", 3), "four_base": ("B14", "是"),
        "shortboard": ("B17", "否"), "industry": ("B8", "35 专用设备制造业"), "reg_date": ("B5", None),
        "product_code": ("B10", "3507060000"),
    }
    for fid, (cell, value) in expect.items():
        assert fid in notes, fid
        assert notes[fid].cell == cell and notes[fid].value == str(rep.raw[fid]), fid
        if value is not None:
            assert rep.values[fid] == value, fid
    assert rep.values["reg_date"].isoformat() == "2015-06-30"
    assert notes["key_tech"].sheet == spec.layout("enterprise").sheet_title["extra"]
    assert "uscc-charset" not in by_type(rep)


def test_fraction_in_a_share_field_is_flagged_by_the_rule(corpus):
    rep = check_file(corpus / "百分数小数.xlsx")
    p = by_type(rep)["percent-fraction"][0]
    assert (p.sheet, p.cell, p.field, p.severity) == (A6, "C7", "main_ratio_base", "warning")
    assert rep.conditions["specialisation"] == 0


def test_every_found_file_is_reported_and_nothing_changes(corpus):
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in corpus.iterdir()}
    mtimes = {p: p.stat().st_mtime_ns for p in corpus.iterdir()}
    report = check_paths([corpus])
    after = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in corpus.iterdir()}
    assert before == after and mtimes == {p: p.stat().st_mtime_ns for p in corpus.iterdir()}
    assert {os.path.basename(f.path) for f in report.files} == {p.name for p in corpus.iterdir()}
    status = {os.path.basename(f.path): f.status for f in report.files}
    assert status["说明.txt"] == status[".隐藏.xlsx"] == status["~$锁文件.xlsx"] == "skipped"
    assert status["正常.xlsx"] == "ok"
    assert not report.valid


def test_cli_gives_data_not_tracebacks(corpus):
    run = subprocess.run([sys.executable, "-m", "sjtx_xl.cli", "check", str(corpus), "--json"],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 1
    assert "Traceback" not in run.stderr and "Traceback" not in run.stdout
    out = json.loads(run.stdout)
    assert out["valid"] is False and len(out["files"]) == len(list(corpus.iterdir()))
    for f in out["files"]:
        assert os.path.isabs(f["path"])
        for e in f["errors"]:
            assert set(e) == {"type", "severity", "sheet", "cell", "field", "label", "value", "message", "hint"}


def test_date_serial_shown_as_a_number(corpus):
    rep = check_file(corpus / "日期序列号.xlsx")
    p = by_type(rep)["normalised"][0]
    assert (p.sheet, p.cell, p.field, p.value) == (A5, "B5", "reg_date", "42185")
    assert rep.values["reg_date"].isoformat() == "2015-06-30" and "2015-06-30" in p.message
