"""Worker-side fast paths against the plain definitions they replace: same output, always."""
import random
import re

from sjtx_xl import ooxml

_NEEDS_ESCAPE = re.compile(r"[&<>\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_")


def _escape_reference(s):
    if not _NEEDS_ESCAPE.search(s):
        return s
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    s = re.sub("(_x[0-9a-fA-F]{4}_)", r"_x005F\1", s)
    return re.sub("([\x00-\x08\x0b-\x1f\ufffe\uffff])", lambda m: "_x%04X_" % ord(m.group(1)), s)


def test_escape_text_as_the_regex_defines_it():
    rng = random.Random(3)
    bits = ["a", "中", " ", "\n", "\t", "\r", "\x01", "\x1f", "\x7f", "\u3000", "\ufffe", "\uffff", "&", "<", ">",
            "_x", "_x0041_", "_x00", "_X0041_", "0041_", "_", "x", "😀", "\u2028", "\xa0"]
    for _ in range(20000):
        s = "".join(rng.choice(bits) for _ in range(rng.randrange(0, 9)))
        assert ooxml.escape_text(s) == _escape_reference(s), repr(s)


def test_spilled_texts_come_back_exactly_even_before_they_are_written(tmp_path):
    from sjtx_xl.summary import spill
    texts = {"a": "长" * 300, "b": "x\n\r\t\x00_x0041_\ud800 😀" * 40, "c": "\n" * 257}
    store = spill.Store()
    spill.use(store.folder)
    try:
        values = spill.park_values(dict(texts, short="s"))
        assert spill._writer.pending                        # not written yet: read back all the same
        assert values.full() == dict(texts, short="s")
        ref = spill.put(b"rows")
        assert ref.read() == b"rows"
        spill.flush()
        assert not spill._writer.pending
    finally:
        spill.use(None)
    assert spill._unpack_texts(spill._pack_texts(texts)) == texts


def test_a_forked_worker_leaves_its_parents_pending_blobs_alone(tmp_path):
    import os
    from sjtx_xl.summary import spill
    store = spill.Store()
    spill.use(store.folder)
    try:
        spill.put(b"parent's")
        pid = os.fork()
        if pid == 0:                                         # the child: a worker of its own
            try:
                spill.use(store.folder)
                spill.put(b"child's")
                spill.flush()
            finally:
                os._exit(0)
        os.waitpid(pid, 0)
        spill.flush()
        files = {n: (tmp_path / "x").parent.joinpath(store.folder, n).read_bytes() for n in os.listdir(store.folder)}
        assert files == {"%d.bin" % os.getpid(): b"parent's", "%d.bin" % pid: b"child's"}
    finally:
        spill.use(None)


def test_folder_parts_as_pathlib_gives_them():
    from pathlib import Path

    from sjtx_xl import merge
    rng = random.Random(5)
    names = ["a", "b", "吉林市", "x y", "b.c", "..x"]
    for _ in range(2000):
        root = "/" + "/".join(rng.choice(names) for _ in range(rng.randrange(0, 3)))
        path = "/" + "/".join(rng.choice(names) for _ in range(rng.randrange(1, 5))) + "/f.xlsx"
        for r in (root, Path(root), root + "/" if root != "/" else root):
            assert merge._folder_parts(path, r) == merge._folder_parts_slow(path, r), (path, r)


def test_the_readers_caches_stay_bounded(monkeypatch):
    from sjtx_xl.read import scan
    monkeypatch.setattr(scan, "MAX_ROWS", 50)
    monkeypatch.setattr(scan, "MAX_ROWS_BYTES", 4000)
    monkeypatch.setattr(scan, "MAX_PIECES", 30)
    for i in range(500):
        fast = scan.index(b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>%s</t></is></c></row></sheetData>'
                          % (b"x" * (i % 97) + b"%d" % i))
        assert fast[0] == 1
        scan.parts(fast[1]["A1"])
        assert len(scan._ROWS) <= 50 and scan._rows_bytes <= 4000 + scan.MAX_ROW_BYTES
        assert len(scan._PARTS) <= 30 and len(scan._PIECES) <= 30
