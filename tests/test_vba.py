"""VBA project writer: MS-OVBA compression, the CFB writer, project streams.

External references used as oracles: oletools' own MS-OVBA decompressor
(``olevba.decompress_stream``), olefile's compound-file reader, olevba's dir
stream parser, and the Excel-written vbaProject.bin inside xlwings'
``quickstart_standalone.xlsm``.
"""

from __future__ import annotations

import io
import random
import struct
import zipfile
from pathlib import Path

import pytest

olefile = pytest.importorskip("olefile")
olevba = pytest.importorskip("oletools.olevba")

from sjtx_xl.vba import cfb, project  # noqa: E402
from sjtx_xl.vba.compression import IncompressibleChunkError, compress, decompress  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def _xlwings_dir() -> Path:
    import xlwings

    return Path(xlwings.__file__).resolve().parent


def _olevba_decompress(data: bytes) -> bytes:
    return bytes(olevba.decompress_stream(bytearray(data)))


def _real_texts() -> list[bytes]:
    texts = [
        (_xlwings_dir() / "xlwings.bas").read_bytes(),
        (_xlwings_dir() / "addin" / "Dictionary.cls").read_bytes(),
        (_xlwings_dir() / "udfs.py").read_bytes(),
    ]
    texts += [p.read_bytes() for p in sorted((ROOT / "macros").glob("*.bas"))]
    texts += [p.read_bytes() for p in sorted((ROOT / "sjtx_xl").rglob("*.py"))[:20]]
    return [t for t in texts if t]


# --------------------------------------------------------------------------
# compression


def test_spec_example_decompresses():
    # [MS-OVBA] 3.2.3 example: a compressed container and its plain text.
    packed = bytes.fromhex(
        "012FB0002361616162636465826600706167686" "96A01380861 6B6C00306D6E6F70067102700410727374757610"
        "7778797A00 3C".replace(" ", "")
    )
    plain = b"#aaabcdefaaaaghijaaaaaklaaamnopqaaaaaaaaaaaarstuvwxyzaaa"
    assert _olevba_decompress(packed) == plain  # the vector itself is right
    assert decompress(packed) == plain
    assert decompress(compress(plain)) == plain


@pytest.mark.parametrize("size", [0, 1, 2, 3, 15, 16, 17, 33, 257, 1000, 1024, 4095, 4096, 4097, 8191, 8192, 12289, 65536, 100_000])
def test_round_trip_random_text(size):
    rng = random.Random(size)
    words = [bytes(rng.choice(b"abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(1, 9))) for _ in range(300)]
    data = b""
    while len(data) < size:
        data += rng.choice(words) + rng.choice([b" ", b"\r\n", b", ", b"("])
    data = data[:size]
    packed = compress(data, allow_raw=False)
    assert decompress(packed) == data
    assert _olevba_decompress(packed) == data
    if size >= 4096:
        assert len(packed) < len(data)


@pytest.mark.parametrize("size", [100, 3000, 3640, 4096, 2 * 4096 + 1000, 25 * 4096 + 100])
def test_round_trip_random_bytes(size):
    # Incompressible input: full chunks go raw (spec-legal), short tails of
    # <= 3640 bytes still fit as literal-only compressed chunks.
    data = random.Random(size).randbytes(size)
    packed = compress(data)
    assert decompress(packed) == data
    assert _olevba_decompress(packed) == data


def test_round_trip_real_text_up_to_100k():
    """Every real text as it is (up to 46 KB, a dozen chunks), and three of them, short, middling
    and long, repeated to 100 KB (25 chunks); repeating all of them only re-ran the same paths."""
    texts = _real_texts()
    by_size = sorted(texts, key=len)
    repeated = [(t * (100_000 // len(t) + 1))[:100_000] for t in (by_size[1], by_size[len(by_size) // 2], by_size[-1])]
    for data in texts + repeated:
        packed = compress(data, allow_raw=False)
        assert decompress(packed) == data
        assert _olevba_decompress(packed) == data
    assert len(texts) >= 10 and max(map(len, texts)) > 8 * 4096


def test_long_runs_and_overlapping_copies():
    for data in (b"a" * 100_000, b"ab" * 50_000, (b"x" * 4095 + b"y") * 10, bytes(range(256)) * 400):
        packed = compress(data, allow_raw=False)
        assert decompress(packed) == data == _olevba_decompress(packed)
    assert len(compress(b"a" * 100_000)) < 200


def test_chunk_headers_are_well_formed():
    data = (_xlwings_dir() / "xlwings.bas").read_bytes()
    packed = compress(data, allow_raw=False)
    assert packed[0] == 1
    pos, chunks = 1, 0
    while pos < len(packed):
        (header,) = struct.unpack_from("<H", packed, pos)
        assert (header >> 12) & 7 == 0b011
        assert header & 0x8000, "allow_raw=False must never write a raw chunk"
        pos += (header & 0x0FFF) + 3
        chunks += 1
    assert pos == len(packed)
    assert chunks == -(-len(data) // 4096)


def test_incompressible_refused_when_raw_not_allowed():
    data = random.Random(7).randbytes(4096)
    with pytest.raises(IncompressibleChunkError):
        compress(data, allow_raw=False)
    tail = random.Random(8).randbytes(4000)  # a short final chunk cannot be raw
    with pytest.raises(IncompressibleChunkError):
        compress(tail)


def test_decompress_rejects_garbage():
    with pytest.raises(ValueError):
        decompress(b"")
    with pytest.raises(ValueError):
        decompress(b"\x02\x00\xb0")
    with pytest.raises(ValueError):
        decompress(b"\x01\x00\x00\x41")  # chunk signature 0b000
    with pytest.raises(ValueError):
        decompress(b"\x01\x02\xb0\x01\x00\x00")  # copy token before any literal


def _standalone_vba_bin() -> bytes:
    with zipfile.ZipFile(_xlwings_dir() / "quickstart_standalone.xlsm") as z:
        return z.read("xl/vbaProject.bin")


def test_decompresses_excel_written_streams_like_olevba():
    ole = olefile.OleFileIO(io.BytesIO(_standalone_vba_bin()))
    dir_raw = ole.openstream("VBA/dir").read()
    assert decompress(dir_raw) == _olevba_decompress(dir_raw)
    # the xlwings module there is stored source-only (MODULEOFFSET 0), with
    # LF line ends (written by xlwings' tooling, which Excel accepts)
    xl_raw = ole.openstream("VBA/xlwings").read()
    assert decompress(xl_raw) == _olevba_decompress(xl_raw)
    expected = (_xlwings_dir() / "xlwings.bas").read_bytes().replace(b"\r\n", b"\n")
    assert decompress(xl_raw).replace(b"\r\n", b"\n") == expected


# --------------------------------------------------------------------------
# compound file


def _ole(data: bytes):
    return olefile.OleFileIO(io.BytesIO(data), raise_defects=olefile.DEFECT_INCORRECT)


def test_cfb_streams_read_back_with_olefile():
    rng = random.Random(11)
    streams = {
        "PROJECT": b"ID=...\r\n",
        "PROJECTwm": b"\0\0",
        "VBA/_VBA_PROJECT": project.VBA_PROJECT_STREAM,
        "VBA/dir": rng.randbytes(1273),
        "VBA/empty": b"",
        "VBA/exactly4096": rng.randbytes(4096),
        "VBA/just_under": rng.randbytes(4095),
        "VBA/big": rng.randbytes(300_000),
    }
    for i in range(60):
        streams[f"VBA/Module{i}"] = rng.randbytes(rng.randint(1, 9000))
    data = cfb.build_compound_file(streams)
    assert len(data) % 512 == 0
    ole = _ole(data)
    listed = {"/".join(e) for e in ole.listdir(streams=True, storages=False)}
    assert listed == set(streams)
    for path, content in streams.items():
        assert ole.openstream(path).read() == content, path
    assert ole.get_type("VBA") == olefile.STGTY_STORAGE


def test_cfb_sibling_trees_are_ordered_binary_search_trees():
    names = ["ThisWorkbook", "Sheet1", "Sheet10", "Sheet2", "xlwings", "Dictionary", "a", "B", "dir", "_VBA_PROJECT"]
    data = cfb.build_compound_file({f"VBA/{n}": n.encode() for n in names})
    ole = _ole(data)
    entries = ole.direntries
    vba = next(e for e in entries if e is not None and e.name == "VBA")

    def key(e):
        return (len(e.name), e.name.upper())

    def walk(sid, lo, hi, out):
        if sid == cfb.NOSTREAM:
            return
        e = entries[sid]
        assert e.color == 1  # all black
        k = key(e)
        assert (lo is None or lo < k) and (hi is None or k < hi)
        walk(e.sid_left, lo, k, out)
        out.append(e.name)
        walk(e.sid_right, k, hi, out)

    seen: list[str] = []
    walk(vba.sid_child, None, None, seen)
    assert sorted(seen) == sorted(names)


def test_cfb_rejects_bad_names():
    with pytest.raises(cfb.CfbError):
        cfb.build_compound_file({"a/b!c": b"x"})
    with pytest.raises(cfb.CfbError):
        cfb.build_compound_file({"x" * 32: b"x"})
    with pytest.raises(cfb.CfbError):
        cfb.build_compound_file({"A": b"1", "a": b"2"})


def test_cfb_is_deterministic():
    s = {"PROJECT": b"abc", "VBA/dir": b"x" * 5000}
    assert cfb.build_compound_file(s) == cfb.build_compound_file(dict(reversed(list(s.items()))))


# --------------------------------------------------------------------------
# project streams


def test_encryption_matches_excel_written_project():
    # Decrypt the CMG/DPB/GC values Excel wrote into xlwings' standalone file.
    text = _olefile_stream(_standalone_vba_bin(), "PROJECT").decode("latin-1")
    values = dict(line.split("=", 1) for line in text.split("\r\n") if "=" in line and not line.startswith("&H"))
    pid = values["ID"].strip('"')
    assert project.decrypt_data(bytes.fromhex(values["CMG"].strip('"')), pid) == b"\0\0\0\0"
    assert project.decrypt_data(bytes.fromhex(values["DPB"].strip('"')), pid) == b"\0"
    assert project.decrypt_data(bytes.fromhex(values["GC"].strip('"')), pid) == b"\xff"


@pytest.mark.parametrize("seed", range(0, 256, 7))
def test_encrypt_decrypt_round_trip(seed):
    pid = project.DEFAULT_PROJECT_ID
    for data in (b"\0", b"\xff", b"\0\0\0\0", bytes(range(29))):
        blob = project.encrypt_data(data, pid, seed, b"\x12\x34\x56")
        assert len(blob) == 3 + (seed & 6) // 2 + 4 + len(data)
        assert project.decrypt_data(blob, pid) == data
    with pytest.raises(ValueError):
        project.decrypt_data(project.encrypt_data(b"\0", pid, seed), "{00000000-0000-0000-0000-000000000001}")


def _olefile_stream(data: bytes, path: str) -> bytes:
    return _ole(data).openstream(path).read()


def _modules():
    return [
        project.document_module("ThisWorkbook", "workbook"),
        project.document_module("Sheet1", "worksheet"),
        project.standard_module('Attribute VB_Name = "Module1"\nSub Hello()\n    MsgBox "hi"\nEnd Sub\n'),
        project.standard_module("Sub Two()\nEnd Sub\n", name="Module2"),
        project.class_module_from_cls((_xlwings_dir() / "addin" / "Dictionary.cls").read_text("ascii")),
    ]


def test_project_is_source_only_and_parsed_by_olevba():
    mods = _modules()
    data = project.build_vba_project(mods)
    ole = _ole(data)
    assert ole.openstream("VBA/_VBA_PROJECT").read() == bytes([0xCC, 0x61, 0xFF, 0xFF, 0x00, 0x01, 0x00])
    for m in mods:
        assert decompress(ole.openstream(f"VBA/{m.name}").read()) == m.source_bytes
    parser = olevba.VBA_Parser("vbaProject.bin", data=data)
    found = {name: code for (_f, _s, name, code) in parser.extract_macros()}
    ext = {"standard": ".bas", "class": ".cls", "document": ".cls"}
    assert set(found) == {m.name + ext[m.kind] for m in mods}
    for m in mods:
        assert found[m.name + ext[m.kind]].replace("\r\n", "\n") == m.code.replace("\r\n", "\n")


def test_dir_stream_records():
    mods = _modules()
    streams = project.project_streams(mods)
    d = decompress(streams["VBA/dir"])
    pos, seen = 0, []
    offsets, types = [], []
    while pos < len(d):
        rid, size = struct.unpack_from("<HI", d, pos)
        if rid == 0x0009:  # PROJECTVERSION: Reserved=4 in the size slot, then 6 bytes
            size = 6
        payload = d[pos + 6:pos + 6 + size]
        seen.append(rid)
        if rid == 0x0031:
            offsets.append(struct.unpack("<I", payload)[0])
        if rid in (0x0021, 0x0022):
            types.append(rid)
        pos += 6 + size
    assert pos == len(d)
    assert seen[0] == 0x0001 and seen[-1] == 0x0010
    assert offsets == [0] * len(mods)  # source only: no performance cache
    assert types == [0x0022, 0x0022, 0x0021, 0x0021, 0x0022]
    assert seen.count(0x0019) == len(mods)
    # PROJECTMODULES count
    i = d.index(struct.pack("<HI", 0x000F, 2))
    assert struct.unpack_from("<H", d, i + 6)[0] == len(mods)


def test_project_stream_text():
    mods = _modules()
    streams = project.project_streams(mods)
    text = streams["PROJECT"].decode("ascii")
    lines = text.split("\r\n")
    assert lines[0] == f'ID="{project.DEFAULT_PROJECT_ID}"'
    assert "Document=ThisWorkbook/&H00000000" in lines
    assert "Document=Sheet1/&H00000000" in lines
    assert "Module=Module1" in lines and "Module=Module2" in lines
    assert "Class=Dictionary" in lines
    assert 'Name="VBAProject"' in lines
    assert "[Host Extender Info]" in lines
    values = dict(line.split("=", 1) for line in lines if line[:3] in ("CMG", "DPB", "GC="))
    pid = project.DEFAULT_PROJECT_ID
    assert project.decrypt_data(bytes.fromhex(values["CMG"].strip('"')), pid) == b"\0\0\0\0"
    assert project.decrypt_data(bytes.fromhex(values["DPB"].strip('"')), pid) == b"\0"
    assert project.decrypt_data(bytes.fromhex(values["GC"].strip('"')), pid) == b"\xff"
    wm = streams["PROJECTwm"]
    expect = b"".join(m.name.encode() + b"\0" + m.name.encode("utf-16-le") + b"\0\0" for m in mods) + b"\0\0"
    assert wm == expect


def test_class_module_matches_excel_stored_form():
    # The .cls -> stored-source transformation reproduces what Excel stored
    # for the same class in quickstart_standalone.xlsm (VBE only re-cases
    # identifiers such as err -> Err, hence the case-insensitive compare).
    ole = olefile.OleFileIO(io.BytesIO(_standalone_vba_bin()))
    raw = ole.openstream("VBA/Dictionary").read()
    d = decompress(ole.openstream("VBA/dir").read())
    name = b"Dictionary"
    i = d.index(struct.pack("<HI", 0x0019, len(name)) + name)
    j = d.index(struct.pack("<HI", 0x0031, 4), i)
    offset = struct.unpack_from("<I", d, j + 6)[0]
    stored = decompress(raw[offset:]).decode("ascii")
    mod = project.class_module_from_cls((_xlwings_dir() / "addin" / "Dictionary.cls").read_text("ascii"))
    assert mod.kind == "class"
    assert mod.code.lower() == stored.lower()


def test_module_validation():
    with pytest.raises(ValueError):
        project.standard_module("Sub X()\nEnd Sub\n")  # no VB_Name and no name
    with pytest.raises(ValueError):
        project.standard_module('Attribute VB_Name = "A"\nSub X()\nEnd Sub\n', name="B")
    with pytest.raises(ValueError, match="non-ASCII"):
        project.standard_module('Attribute VB_Name = "A"\n\' \u4e2d\u6587\n')
    with pytest.raises(ValueError):
        project.standard_module("Sub X()\nEnd Sub\n", name="1bad")
    with pytest.raises(ValueError):
        project.project_streams([_modules()[2], _modules()[2]])
    m = project.standard_module("Sub X()\nEnd Sub", name="Mod")
    assert m.code == 'Attribute VB_Name = "Mod"\r\nSub X()\r\nEnd Sub'


def test_build_is_deterministic():
    assert project.build_vba_project(_modules()) == project.build_vba_project(_modules())
