"""sjtx_xl.deflate: ISA-L where installed, zlib otherwise; the same data back either way, and
streams that plain zlib (so every older sjtx-xl, Excel, WPS and LibreOffice) reads."""
import configparser
import io
import os
import zipfile
import zlib

import pytest

from sjtx_xl import deflate, ooxml

TEXT = ("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>必填项未填写 %d</t></is></c></row>" * 20000 % tuple(range(20000))).encode()


@pytest.fixture(params=["fast", "zlib"])
def backend(request, monkeypatch):
    """Each test runs on the library installed and on zlib alone (an environment without isal)."""
    if request.param == "zlib":
        monkeypatch.setattr(deflate, "_fast", None)
        monkeypatch.setattr(deflate, "_lib", zlib)
    elif deflate._fast is None:
        pytest.skip("isal is not installed (setup.cfg pins it): only zlib here")
    return request.param


def test_isal_is_pinned_and_installed():
    """open_member reaches into zipfile's writer: the pinned isal is the one checked here."""
    cfg = configparser.ConfigParser()
    cfg.read(os.path.join(os.path.dirname(__file__), "..", "setup.cfg"), encoding="utf-8")
    pins = [x.split(";")[0].strip() for x in cfg["options"]["install_requires"].split("\n") if x.strip().startswith("isal")]
    assert pins == ["isal==1.9.1"]
    import isal
    assert isal.__version__ == "1.9.1" and deflate.BACKEND == "isal"


def test_a_member_written_fast_is_read_back_by_zipfile_and_zlib(backend, tmp_path):
    path = tmp_path / "p.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, allowZip64=True, compresslevel=1) as zf:
        with deflate.open_member(zf, "xl/worksheets/sheet1.xml", force_zip64=True) as out:
            if backend == "fast":
                assert type(out._compressor).__module__ != "zlib"        # really the fast library
            for i in range(0, len(TEXT), 65536):
                out.write(TEXT[i:i + 65536])
        zf.writestr("small.xml", b"<a/>")
    with zipfile.ZipFile(path) as zf:
        assert zf.testzip() is None
        assert zf.read("xl/worksheets/sheet1.xml") == TEXT and zf.read("small.xml") == b"<a/>"
        info = zf.getinfo("xl/worksheets/sheet1.xml")
    raw = path.read_bytes()
    start = info.header_offset + 30 + int.from_bytes(raw[info.header_offset + 26:info.header_offset + 28], "little") \
        + int.from_bytes(raw[info.header_offset + 28:info.header_offset + 30], "little")
    assert zlib.decompress(raw[start:start + info.compress_size], -15) == TEXT
    assert info.compress_size < len(TEXT) / 10


def test_a_stored_member_is_left_to_zipfile(backend):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        with deflate.open_member(zf, "a.xml") as out:
            assert out._compressor is None
            out.write(b"<a/>")
    assert zipfile.ZipFile(buf).read("a.xml") == b"<a/>"


def test_streams_are_zlibs_both_ways(backend):
    packed = deflate.compress(TEXT)
    assert zlib.decompress(packed) == TEXT == deflate.decompress(zlib.compress(TEXT, 1))
    assert deflate.decompressobj().decompress(packed, 100) == TEXT[:100]
    raw = zlib.compressobj(1, zlib.DEFLATED, -15)
    raw = raw.compress(TEXT) + raw.flush()
    assert deflate.inflate_raw(raw, 1000) == TEXT[:1000]
    assert deflate.inflate_raw(raw, len(TEXT)) == TEXT
    assert deflate.inflate_raw(raw[:200], len(TEXT)) == TEXT[:len(deflate.inflate_raw(raw[:200], len(TEXT)))]
    assert deflate.crc32(TEXT) == zlib.crc32(TEXT)


def test_a_bad_stream_raises_one_of_errors(backend):
    with pytest.raises(deflate.ERRORS):
        deflate.inflate_raw(b"\xff\xff\xff not deflate", 100)
    with pytest.raises(deflate.ERRORS):
        deflate.decompress(b"x\x01 not zlib")


def test_a_damaged_part_is_a_corrupt_file_on_either_backend(backend, tmp_path):
    """The reader's inflation: a member whose deflate stream is damaged is reported, never raised."""
    from sjtx_xl.check import check_file
    from sjtx_xl.fill import fill_bytes
    from sjtx_xl.template import build
    data = bytearray(fill_bytes(build("enterprise"), {"name": "某某公司"}, "enterprise"))
    zf = zipfile.ZipFile(io.BytesIO(bytes(data)))
    info = zf.getinfo(ooxml.sheets(zf)[1][1])          # 附件5, which every read inflates
    at = info.header_offset + 30 + len(info.filename.encode()) + 40
    data[at:at + 16] = b"\xff" * 16
    path = tmp_path / "坏.xlsx"
    path.write_bytes(bytes(data))
    rep = check_file(path)
    assert rep.status == "rejected" and rep.problems[0].type == "corrupt", [p.message for p in rep.problems]
    assert "无法解压" in rep.problems[0].message and "意外" not in rep.problems[0].message   # caught as a bad stream
