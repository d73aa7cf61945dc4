"""Every file found ends in the report as merged, rejected or skipped: symlinked folders, link
loops, OpenDocument spreadsheets and Word/PowerPoint files renamed .xlsx included."""
import io
import os
import zipfile

import pytest

from sjtx_xl import samples, template
from sjtx_xl.check import check_paths
from sjtx_xl.fill import fill_bytes
from sjtx_xl.merge import merge

CT = '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' \
     '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' \
     '<Default Extension="xml" ContentType="application/xml"/></Types>'


def office_package(main_part, body):
    """A Word or PowerPoint package as those programs lay it out: the officeDocument relationship
    names `main_part`."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CT)
        z.writestr("_rels/.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
                   'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
                   'openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="%s"/></Relationships>'
                   % main_part)
        z.writestr(main_part, body)
    return buf.getvalue()


def ods():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", compress_type=zipfile.ZIP_STORED)
        z.writestr("content.xml", '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:'
                   'office:1.0"><office:body><office:spreadsheet/></office:body></office:document-content>')
        z.writestr("META-INF/manifest.xml", "<manifest/>")
    return buf.getvalue()


@pytest.fixture
def tree(tmp_path):
    if not hasattr(os, "symlink"):
        pytest.skip("no symbolic links on this system")
    root, outside = tmp_path / "报送", tmp_path / "别处"
    tpl = template.build("enterprise")
    (root / "长春").mkdir(parents=True)
    (outside / "吉林").mkdir(parents=True)
    (root / "长春" / "a.xlsx").write_bytes(fill_bytes(tpl, samples.complete("enterprise", 1)))
    (outside / "吉林" / "b.xlsx").write_bytes(fill_bytes(tpl, samples.complete("enterprise", 2)))
    os.symlink(outside / "吉林", root / "吉林")                     # a symlinked folder
    os.symlink(root, root / "长春" / "回到上级")                     # a link loop
    (root / "表格.ods").write_bytes(ods())
    (root / "改名文档.xlsx").write_bytes(office_package("word/document.xml", "<w:document/>"))
    (root / "改名演示.xlsx").write_bytes(office_package("ppt/presentation.xml", "<p:presentation/>"))
    (root / "说明.txt").write_text("请于7月26日前报送", encoding="utf-8")
    os.symlink(tmp_path / "已删除.xlsx", root / "断开的链接.xlsx")       # a link to nothing
    expected = {
        "长春/a.xlsx": ("ok", None), "吉林/b.xlsx": ("ok", None),
        "长春/回到上级": ("skipped", "循环"), "说明.txt": ("skipped", None),
        "表格.ods": ("rejected", "OpenDocument电子表格（.ods）"),
        "改名文档.xlsx": ("rejected", "Word文档"), "改名演示.xlsx": ("rejected", "PowerPoint演示文稿"),
        "断开的链接.xlsx": ("rejected", "指向的文件不存在"),
    }
    return root, expected


def _rel(path, root):
    return os.path.relpath(path, root).replace(os.sep, "/")


def test_check_accounts_for_every_file(tree):
    root, expected = tree
    report = check_paths([root])
    got = {_rel(r.path, root): r for r in report.files}
    assert set(got) == set(expected)
    for rel, (status, text) in expected.items():
        assert got[rel].status == status, (rel, got[rel].problems)
        if text:
            assert text in got[rel].reason, (rel, got[rel].reason)
    s = report.stats
    assert s["ok"] + s["invalid"] + s["rejected"] + s["skipped"] == s["files"] == len(expected)


def test_merge_accounts_for_every_file(tree, tmp_path):
    root, expected = tree
    result = merge(root, output=tmp_path / "汇总.xlsx", recursive=True, workers=1)
    got = {_rel(f.path, root): f for f in result.model.files}
    assert set(got) == set(expected)
    status = {"ok": "merged", "rejected": "rejected", "skipped": "skipped"}
    for rel, (st, text) in expected.items():
        assert got[rel].status == status[st], (rel, got[rel].reason)
        if text:
            assert text in got[rel].reason, (rel, got[rel].reason)
    assert {e.values["uscc"] for e in result.model.enterprises} == {
        samples.complete("enterprise", i)["uscc"] for i in (1, 2)}
