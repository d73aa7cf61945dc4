"""Our officials' workbook against workbooks saved by real Excel (`../shared/excel-saved/`).

The VBA project (compound file, streams, _VBA_PROJECT, dir records, PROJECT and PROJECTwm
streams) is compared with Excel's ``macro*.xlsm``, the buttons (VML shapes, their rels,
content types and the sheet's legacyDrawing) with ``button*.xlsx``/``.xlsm``.  What may
differ is only what [MS-OVBA] says a writer without Excel's performance cache must write
differently (Version 0xFFFF, no __SRP_ streams, no module p-code) or what is Excel-version
specific (cookies, library paths); each such difference is named below.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from sjtx_xl import workbook as wbmod
from sjtx_xl.vba.compression import decompress

olefile = pytest.importorskip("olefile")

ROOT = Path(__file__).resolve().parents[1]
EXCEL_SAVED = ROOT.parent / "shared" / "excel-saved"  # CI clones the repository next to shared/

pytestmark = pytest.mark.skipif(
    not EXCEL_SAVED.is_dir(),
    reason=f"Excel-saved oracle files not found at {EXCEL_SAVED} (../shared/excel-saved next to the repository)")

V = "{urn:schemas-microsoft-com:vml}"
O = "{urn:schemas-microsoft-com:office:office}"
X = "{urn:schemas-microsoft-com:office:excel}"
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


@pytest.fixture(scope="module")
def ours(tmp_path_factory) -> Path:
    return wbmod.build_workbook(tmp_path_factory.mktemp("oracle") / "sjtx_xl.xlsm")


def excel_files(pattern):
    files = sorted(EXCEL_SAVED.glob(pattern))
    assert files, f"no {pattern} in {EXCEL_SAVED}"
    return files


# --------------------------------------------------------------------------
# the VBA project


class Project:
    """One vbaProject.bin, read with olefile and our decompressor."""

    def __init__(self, package: Path):
        with zipfile.ZipFile(package) as z:
            self.raw = z.read("xl/vbaProject.bin")
        self.ole = olefile.OleFileIO(io.BytesIO(self.raw))
        self.streams = {"/".join(p) for p in self.ole.listdir(streams=True, storages=False)}
        self.storages = {"/".join(p) for p in self.ole.listdir(streams=False, storages=True)}
        self.vba_project = self.read("VBA/_VBA_PROJECT")
        self.records = _dir_records(decompress(self.read("VBA/dir")))
        self.project_text = self.read("PROJECT").decode("cp1252").split("\r\n")

    def read(self, name):
        return self.ole.openstream(name).read()

    def header(self):
        # minor, major version, byte order, sector shift, mini sector shift, mini stream cutoff
        minor, major, order, shift, mini = struct.unpack_from("<HHHHH", self.raw, 24)
        return minor, major, order, shift, mini, struct.unpack_from("<I", self.raw, 56)[0]

    def modules(self):
        """(name, stream name, type record id, offset) per module, from the dir stream."""
        out, cur = [], {}
        for rid, payload in self.records:
            if rid == 0x0019:
                cur = {"name": payload.decode("cp1252")}
            elif rid == 0x001A:
                cur["stream"] = payload.decode("cp1252")
            elif rid == 0x0031:
                cur["offset"] = struct.unpack("<I", payload)[0]
            elif rid in (0x0021, 0x0022):
                cur["type"] = rid
            elif rid == 0x002B:
                out.append(cur)
        return out

    def sections(self):
        """The dir stream's record ids: project information, references, then each module's."""
        ids = [rid for rid, _ in self.records]
        refs, mods = ids.index(0x0016), ids.index(0x000F)
        per_module, cur = [], []
        for rid in ids[mods + 2:-1]:
            cur.append(rid)
            if rid == 0x002B:
                per_module.append(tuple(cur))
                cur = []
        return ids[:refs], ids[refs:mods], ids[mods:mods + 2], per_module, ids[-1]


def _dir_records(data):
    pos, out = 0, []
    while pos < len(data):
        rid, size = struct.unpack_from("<HI", data, pos)
        if rid == 0x0009:  # PROJECTVERSION: Reserved (4) sits in the size slot, then 6 bytes
            size = 6
        out.append((rid, data[pos + 6:pos + 6 + size]))
        pos += 6 + size
    assert pos == len(data), "dir stream does not end on a record boundary"
    return out


@pytest.fixture(scope="module")
def excel_projects():
    return [(p.name, Project(p)) for p in excel_files("macro*.xlsm") + excel_files("button*.xlsm")]


@pytest.fixture(scope="module")
def our_project(ours):
    return Project(ours)


def test_compound_file_layout_as_excel(our_project, excel_projects):
    for name, excel in excel_projects:
        assert our_project.header() == excel.header(), name  # v3, 512-byte sectors, 64-byte mini, 4096 cutoff
        assert our_project.storages == excel.storages == {"VBA"}, name
        # Excel's extra streams are only its performance cache (__SRP_n), which a writer without
        # p-code must leave out ([MS-OVBA] 2.2.6: optional, MUST be ignored)
        extra = excel.streams - our_project.streams
        assert all(re.fullmatch(r"VBA/(__SRP_\d+|\w+)", s) for s in extra), (name, extra)
        fixed = {"PROJECT", "PROJECTwm", "VBA/_VBA_PROJECT", "VBA/dir"}
        for proj in (excel, our_project):
            modules = {"VBA/" + m["stream"] for m in proj.modules()}
            assert proj.streams - {s for s in proj.streams if "__SRP_" in s} == fixed | modules, name


def test_vba_project_stream_as_excel(our_project, excel_projects):
    ours = our_project.vba_project
    assert len(ours) == 7, "no performance cache: MUST NOT be present on write (2.3.4.1)"
    reserved1, version, reserved2, reserved3 = struct.unpack("<HHBH", ours)
    assert version == 0xFFFF  # MUST be 0xFFFF on write: Excel then compiles from source
    for name, excel in excel_projects:
        e1, _excel_version, e2, e3 = struct.unpack_from("<HHBH", excel.vba_project)
        assert (reserved1, reserved2, reserved3) == (e1, e2, e3) == (0x61CC, 0x00, 0x0001), name


def test_dir_stream_records_as_excel(our_project, excel_projects):
    info, refs, count, per_module, end = our_project.sections()
    kinds = {m["type"] for m in our_project.modules()}
    assert kinds == {0x0021, 0x0022}  # standard modules, and document/class modules
    for name, excel in excel_projects:
        e_info, e_refs, e_count, e_modules, e_end = excel.sections()
        assert info == e_info, name  # PROJECTINFORMATION: same records, same order
        assert refs == e_refs, name  # stdole and Office, each REFERENCENAME + REFERENCEREGISTERED
        assert count == e_count and end == e_end == 0x0010, name
        # every module's records in Excel's order, for each module type Excel wrote
        by_type = {m[-2]: m for m in e_modules}
        for module in per_module:
            if module[-2] in by_type:
                assert module == by_type[module[-2]], name
        e_refs_payload = [p for rid, p in excel.records if rid == 0x000D]
        our_refs_payload = [p for rid, p in our_project.records if rid == 0x000D]
        for ours_ref, excel_ref in zip(our_refs_payload, e_refs_payload):
            # LIBID differs only in Windows/Office paths; the GUID#version#lcid prefix is Excel's
            assert _libid(ours_ref).split(b"#")[:3] == _libid(excel_ref).split(b"#")[:3], name
            assert ours_ref[-6:] == excel_ref[-6:] == b"\0" * 6, name
    # source only: every module starts its source at offset 0 (Excel's cache sits before it)
    assert {m["offset"] for m in our_project.modules()} == {0}


def _libid(payload):
    """The LIBID of a REFERENCEREGISTERED payload (SizeOfLibid, Libid, Reserved1, Reserved2)."""
    (size,) = struct.unpack_from("<I", payload)
    assert len(payload) == 4 + size + 6
    return payload[4:4 + size]


def _project_shape(lines):
    """The PROJECT stream as Excel lays it out: the keys in order (module lines folded into one
    ``<modules>`` entry, Excel lists them in creation order), then the sections."""
    shape, in_workspace = [], False
    for line in lines:
        if line == "[Workspace]":
            in_workspace = True
            shape.append(line)
            continue
        if in_workspace:
            continue
        key = line.split("=", 1)[0]
        if key in ("Module", "Document", "Class", "BaseClass", "Package"):
            key = "<modules>"
        if not shape or shape[-1] != key:
            shape.append(key)
    return shape


def test_project_stream_as_excel(our_project, excel_projects):
    ours = our_project.project_text
    workspace = ours[ours.index("[Workspace]") + 1:]
    names = {m["name"] for m in our_project.modules()}
    assert {line.split("=")[0] for line in workspace if line} == names
    for name, excel in excel_projects:
        assert _project_shape(ours) == _project_shape(excel.project_text), name
        host = [line for line in excel.project_text if line.startswith("&H00000001=")]
        assert host and host[0] in ours, name
        for key in ("HelpContextID", "VersionCompatible32"):
            line = next(x for x in excel.project_text if x.startswith(key + "="))
            assert line in ours, (name, line)


def _projectwm(data):
    names, pos = [], 0
    while data[pos:pos + 2] != b"\0\0":
        end = data.index(b"\0", pos)
        mbcs = data[pos:end].decode("cp1252")
        uend = end + 1
        while data[uend:uend + 2] != b"\0\0":
            uend += 2
        assert data[end + 1:uend].decode("utf-16-le") == mbcs
        names.append(mbcs)
        pos = uend + 2
    assert pos + 2 == len(data)
    return names


def test_projectwm_as_excel(our_project, excel_projects):
    assert sorted(_projectwm(our_project.read("PROJECTwm"))) == sorted(m["name"] for m in our_project.modules())
    for name, excel in excel_projects:  # the same encoding parses Excel's
        assert sorted(_projectwm(excel.read("PROJECTwm"))) == sorted(m["name"] for m in excel.modules()), name


# --------------------------------------------------------------------------
# buttons


def _buttons(package: Path):
    """(vml part, shape element) of every form-control button, and the package's members."""
    with zipfile.ZipFile(package) as z:
        members = {n: z.read(n) for n in z.namelist()}
    shapes = []
    for part, data in members.items():
        if re.fullmatch(r"xl/drawings/vmlDrawing\d+\.vml", part):
            for shape in ET.fromstring(data).iter(V + "shape"):
                data_el = shape.find(X + "ClientData")
                if data_el is not None and data_el.get("ObjectType") == "Button":
                    shapes.append((part, shape))
    return shapes, members


def _shape_signature(shape):
    """Element paths and attribute names; ``alt`` (optional alt text) and the text are left out."""
    out = []
    for el in shape.iter():
        if el.tag in ("font", "div") or el.tag.endswith("}font"):
            continue
        out.append((el.tag, tuple(sorted(a for a in el.attrib if a != "alt"))))
    return out


@pytest.fixture(scope="module")
def excel_buttons():
    files = excel_files("button*.xls*")
    out = [(p.name, *_buttons(p)) for p in files]
    assert sum(len(shapes) for _, shapes, _ in out) >= len(files)
    return out


def test_button_shapes_as_excel(ours, excel_buttons):
    shapes, _ = _buttons(ours)
    assert len(shapes) == len(wbmod.BUTTONS)
    for _, shape in shapes:
        sig = _shape_signature(shape)
        for name, excel_shapes, _members in excel_buttons:
            for _part, excel_shape in excel_shapes:
                assert sig == _shape_signature(excel_shape), name
                assert shape.get("type") == excel_shape.get("type") == "#_x0000_t201"
                for attr in ("fillcolor", "strokecolor", O + "button", O + "insetmode"):
                    assert shape.get(attr) == excel_shape.get(attr), (name, attr)
                children = [c.tag for c in shape.find(X + "ClientData")]
                assert children == [c.tag for c in excel_shape.find(X + "ClientData")], name
        anchor = [int(v) for v in shape.find(X + "ClientData").find(X + "Anchor").text.split(",")]
        assert len(anchor) == 8 and all(v >= 0 for v in anchor)
        macro = shape.find(X + "ClientData").find(X + "FmlaMacro").text
        assert re.fullmatch(r"\[0\]!SJTX_\w+", macro)  # as Excel binds a macro of this workbook
    for name, excel_shapes, _ in excel_buttons:
        for _, excel_shape in excel_shapes:
            macro = excel_shape.find(X + "ClientData").find(X + "FmlaMacro")
            assert macro is None or macro.text.startswith("[0]!"), name


def test_vml_shapetype_as_excel(ours, excel_buttons):
    def shapetypes(members):
        out = []
        for part, data in members.items():
            if part.endswith(".vml"):
                for st in ET.fromstring(data).iter(V + "shapetype"):
                    if st.get("id") == "_x0000_t201":  # elements and attributes, whitespace aside
                        out.append([(el.tag, sorted(el.attrib.items())) for el in st.iter()])
        return out

    _, members = _buttons(ours)
    mine = shapetypes(members)
    assert len(mine) == 1
    for name, _shapes, excel_members in excel_buttons:
        assert mine[0] in shapetypes(excel_members), name


def test_button_package_parts_as_excel(ours, excel_buttons):
    """Content type of .vml, the sheet's relationship to its VML drawing, and <legacyDrawing>."""
    def facts(members):
        ct = ET.fromstring(members["[Content_Types].xml"])
        vml_type = {d.get("Extension"): d.get("ContentType") for d in ct.iter(CT + "Default")}.get("vml")
        rel_types = set()
        for part, data in members.items():
            m = re.fullmatch(r"xl/worksheets/_rels/(sheet\d+\.xml)\.rels", part)
            if not m:
                continue
            for rel in ET.fromstring(data).iter(RELS + "Relationship"):
                if rel.get("Target", "").endswith(".vml"):
                    rel_types.add(rel.get("Type"))
                    sheet = ET.fromstring(members["xl/worksheets/" + m.group(1)])
                    legacy = sheet.find(MAIN + "legacyDrawing")
                    assert legacy is not None and legacy.get(R + "id") == rel.get("Id"), part
        return vml_type, rel_types

    _, members = _buttons(ours)
    mine = facts(members)
    assert mine[0] and mine[1]
    # legacy form-control buttons live in VML alone, as in every Excel-saved button file: no
    # xl/ctrlProps/ parts and no <controls> element (Excel 2010+ adds those; it reads these as they are)
    assert not any(n.startswith("xl/ctrlProps/") for n in members)
    assert all(not any(n.startswith("xl/ctrlProps/") for n in m) for _, _, m in excel_buttons)
    for name, _shapes, excel_members in excel_buttons:
        theirs = facts(excel_members)
        assert mine[0] == theirs[0] and mine[1] == theirs[1], name


def test_macro_package_parts_as_excel(ours):
    """The workbook's content type and the vbaProject part, as in Excel's macro*.xlsm."""
    def facts(path):
        with zipfile.ZipFile(path) as z:
            ct = ET.fromstring(z.read("[Content_Types].xml"))
            rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
            wb = ET.fromstring(z.read("xl/workbook.xml"))
        defaults = {d.get("Extension"): d.get("ContentType") for d in ct.iter(CT + "Default")}
        overrides = {o.get("PartName"): o.get("ContentType") for o in ct.iter(CT + "Override")}
        vba_rels = {(r.get("Type"), r.get("Target")) for r in rels.iter(RELS + "Relationship")
                    if r.get("Target", "").endswith(".bin")}
        code_name = wb.find(MAIN + "workbookPr").get("codeName")
        return defaults.get("bin"), overrides["/xl/workbook.xml"], vba_rels, code_name

    mine = facts(ours)
    assert mine[3] == "ThisWorkbook"
    for path in excel_files("macro*.xlsm"):
        theirs = facts(path)
        assert mine[:3] == theirs[:3], path.name
        assert theirs[3], path.name  # Excel names the workbook's code module; so do we
