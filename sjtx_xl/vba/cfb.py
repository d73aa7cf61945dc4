"""Minimal [MS-CFB] version 3 compound-file writer.

Enough for a vbaProject.bin: a root storage holding streams and one level (or
more) of sub-storages, written in one pass into bytes.  Deterministic: no
timestamps, no CLSIDs unless given, fixed sector layout.

Layout: [FAT sectors][directory][mini FAT][mini stream][large streams].
Streams under 4096 bytes live in the mini stream (64-byte mini sectors).
Sibling trees are balanced binary search trees with every node black, which
[MS-CFB] 2.6.4 explicitly allows ("the simplest implementation ... mark every
node as black").  No DIFAT sectors: the writer refuses files needing more
than the 109 FAT sectors the header can list (about 6.8 MB), far above a
VBA project's size.

Why not a PyPI package: ``cfb`` is read-only and ``cfbwrite`` is AGPL-3.0,
which cannot be shipped inside this MIT project.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from typing import Mapping, Optional

__all__ = ["build_compound_file", "CfbError"]

SECTOR = 512
MINI_SECTOR = 64
MINI_CUTOFF = 4096
MAXREGSECT = 0xFFFFFFFA
DIFSECT = 0xFFFFFFFC
FATSECT = 0xFFFFFFFD
ENDOFCHAIN = 0xFFFFFFFE
FREESECT = 0xFFFFFFFF
NOSTREAM = 0xFFFFFFFF
_HEADER_DIFAT = 109
_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")

_TYPE_STORAGE = 1
_TYPE_STREAM = 2
_TYPE_ROOT = 5
_BLACK = 1


class CfbError(ValueError):
    pass


@dataclass
class _Node:
    name: str
    kind: int
    data: bytes = b""
    clsid: bytes = b"\0" * 16
    children: dict = field(default_factory=dict)
    sid: int = -1
    left: int = NOSTREAM
    right: int = NOSTREAM
    child: int = NOSTREAM
    start: int = ENDOFCHAIN
    size: int = 0


def _sort_key(name: str):
    # [MS-CFB] 2.6.4: shorter names first, then upper-cased comparison.
    return (len(name.encode("utf-16-le")) // 2, name.upper())


def _check_name(name: str) -> None:
    if not name or len(name) > 31 or any(c in name for c in "/\\:!"):
        raise CfbError(f"invalid compound-file entry name {name!r}")


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def build_compound_file(
    streams: Mapping[str, bytes],
    clsids: Optional[Mapping[str, bytes]] = None,
) -> bytes:
    """Return the bytes of a compound file holding ``streams``.

    ``streams`` maps slash-separated paths ("PROJECT", "VBA/dir") to data;
    storages are created as needed.  ``clsids`` optionally maps a storage path
    ("" for the root) to a 16-byte CLSID.
    """
    root = _Node("Root Entry", _TYPE_ROOT)
    for path, data in streams.items():
        parts = path.split("/")
        node = root
        for part in parts[:-1]:
            _check_name(part)
            nxt = node.children.get(part.upper())
            if nxt is None:
                nxt = node.children[part.upper()] = _Node(part, _TYPE_STORAGE)
            elif nxt.kind != _TYPE_STORAGE:
                raise CfbError(f"{part!r} is both a stream and a storage")
            node = nxt
        leaf = parts[-1]
        _check_name(leaf)
        if leaf.upper() in node.children:
            raise CfbError(f"duplicate entry {path!r}")
        node.children[leaf.upper()] = _Node(leaf, _TYPE_STREAM, data=bytes(data))
    for path, clsid in (clsids or {}).items():
        node = root
        for part in [p for p in path.split("/") if p]:
            node = node.children[part.upper()]
        if len(clsid) != 16:
            raise CfbError("CLSID must be 16 bytes")
        node.clsid = bytes(clsid)

    # Number the entries (root first, then depth-first) and link the trees.
    order: list[_Node] = []

    def number(node: _Node) -> None:
        node.sid = len(order)
        order.append(node)
        kids = sorted(node.children.values(), key=lambda n: _sort_key(n.name))
        for kid in kids:
            number(kid)
        node.child = _link(kids)

    def _link(kids: list) -> int:
        if not kids:
            return NOSTREAM
        mid = len(kids) // 2
        top = kids[mid]
        top.left = _link(kids[:mid])
        top.right = _link(kids[mid + 1:])
        return top.sid

    number(root)
    stream_nodes = [n for n in order if n.kind == _TYPE_STREAM]

    # Mini stream.
    mini = bytearray()
    minifat: list[int] = []
    for node in stream_nodes:
        node.size = len(node.data)
        if 0 < node.size < MINI_CUTOFF:
            first = len(minifat)
            count = _ceil_div(node.size, MINI_SECTOR)
            minifat.extend(range(first + 1, first + count))
            minifat.append(ENDOFCHAIN)
            node.start = first
            mini += node.data + b"\0" * (count * MINI_SECTOR - node.size)
    big = [n for n in stream_nodes if n.size >= MINI_CUTOFF]

    n_dir = _ceil_div(len(order), SECTOR // 128)
    n_minifat = _ceil_div(len(minifat) * 4, SECTOR)
    n_mini = _ceil_div(len(mini), SECTOR)
    n_big = sum(_ceil_div(n.size, SECTOR) for n in big)
    payload = n_dir + n_minifat + n_mini + n_big
    n_fat = 1
    while n_fat * (SECTOR // 4) < n_fat + payload:
        n_fat += 1
    if n_fat > _HEADER_DIFAT:
        raise CfbError("compound file too large for a header-only DIFAT")

    fat: list[int] = [FATSECT] * n_fat
    sectors: list[bytes] = []

    def place(data: bytes) -> int:
        """Append ``data`` as a chain of whole sectors; return first sector."""
        count = _ceil_div(len(data), SECTOR)
        first = n_fat + len(sectors)
        for i in range(count):
            sectors.append(data[i * SECTOR:(i + 1) * SECTOR].ljust(SECTOR, b"\0"))
            fat.append(first + i + 1 if i < count - 1 else ENDOFCHAIN)
        return first

    # Directory goes first but needs start sectors of the rest: reserve it.
    dir_first = n_fat
    for i in range(n_dir):
        sectors.append(b"")
        fat.append(dir_first + i + 1 if i < n_dir - 1 else ENDOFCHAIN)
    minifat_first = ENDOFCHAIN
    if minifat:
        raw = b"".join(struct.pack("<I", v) for v in minifat)
        raw += struct.pack("<I", FREESECT) * ((-len(minifat)) % (SECTOR // 4))
        minifat_first = place(raw)
    if mini:
        root.start = place(bytes(mini))
        root.size = len(mini)
    for node in big:
        node.start = place(node.data)

    directory = bytearray()
    for node in order:
        directory += _dir_entry(node)
    while len(directory) < n_dir * SECTOR:
        directory += _empty_dir_entry()
    for i in range(n_dir):
        sectors[i] = bytes(directory[i * SECTOR:(i + 1) * SECTOR])

    total_fat_slots = n_fat * (SECTOR // 4)
    fat.extend([FREESECT] * (total_fat_slots - len(fat)))
    fat_bytes = b"".join(struct.pack("<I", v) for v in fat)

    difat = list(range(n_fat)) + [FREESECT] * (_HEADER_DIFAT - n_fat)
    header = b"".join([
        _SIGNATURE,
        b"\0" * 16,                                  # header CLSID
        struct.pack("<HHHHH", 0x003E, 0x0003, 0xFFFE, 9, 6),
        b"\0" * 6,                                   # reserved
        struct.pack("<I", 0),                        # directory sectors (v3: 0)
        struct.pack("<I", n_fat),
        struct.pack("<I", dir_first),
        struct.pack("<I", 0),                        # transaction signature
        struct.pack("<I", MINI_CUTOFF),
        struct.pack("<I", minifat_first),
        struct.pack("<I", n_minifat),
        struct.pack("<I", ENDOFCHAIN),               # first DIFAT sector
        struct.pack("<I", 0),                        # DIFAT sectors
        b"".join(struct.pack("<I", v) for v in difat),
    ])
    assert len(header) == SECTOR
    return header + fat_bytes + b"".join(sectors)


def _dir_entry(node: _Node) -> bytes:
    name = node.name.encode("utf-16-le") + b"\0\0"
    size = node.size if node.kind != _TYPE_STORAGE else 0
    start = node.start if node.kind != _TYPE_STORAGE else 0
    if node.kind == _TYPE_STREAM and node.size == 0:
        start = ENDOFCHAIN
    return struct.pack(
        "<64sHBBIII16sIQQIQ",
        name, len(name), node.kind, _BLACK,
        node.left, node.right, node.child,
        node.clsid, 0, 0, 0, start, size,
    )


def _empty_dir_entry() -> bytes:
    return struct.pack(
        "<64sHBBIII16sIQQIQ",
        b"", 0, 0, 0, NOSTREAM, NOSTREAM, NOSTREAM, b"\0" * 16, 0, 0, 0, 0, 0,
    )
