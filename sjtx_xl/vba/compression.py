"""[MS-OVBA] 2.4.1 compression and decompression ("CompressedContainer").

The container is a signature byte 0x01 followed by chunks.  Each chunk holds
up to 4096 decompressed bytes, is introduced by a 2-byte header

    bits 0-11  CompressedChunkSize = (bytes in the chunk incl. header) - 3
    bits 12-14 signature, always 0b011
    bit  15    1 = token-compressed, 0 = raw (exactly 4096 bytes of data)

and, when compressed, is a series of TokenSequences: a flag byte followed by
up to eight tokens, flag bit i set meaning token i is a 2-byte CopyToken
(offset/length back-reference inside the same chunk) and clear meaning a
1-byte literal.  How many of the 16 token bits are offset depends on how far
into the decompressed chunk the token is (2.4.1.3.19.1 CopyToken Help).

Our own implementation: a greedy longest-match LZ77 with a 3-byte hash index
per chunk.  Excel is reported to silently drop modules containing raw chunks,
so :func:`compress` can be told never to emit one (``allow_raw=False``); VBA
source text always compresses, so this never bites real modules.
"""

from __future__ import annotations

import struct

__all__ = ["compress", "decompress", "IncompressibleChunkError", "CHUNK_SIZE"]

CHUNK_SIZE = 4096
_SIGNATURE = 0x01
_CHUNK_SIG_BITS = 0x3000
_COMPRESSED_FLAG = 0x8000
# A compressed chunk may hold at most 4098 bytes incl. its 2-byte header.
_MAX_COMPRESSED_BODY = 4096
# How many earlier positions with the same 3-byte prefix to try per step.
_MAX_CANDIDATES = 48


class IncompressibleChunkError(ValueError):
    """A chunk cannot be written as a compressed chunk and raw is not allowed."""


def _bit_count(decompressed_so_far: int) -> int:
    """Offset bit count for a CopyToken at this position within its chunk.

    [MS-OVBA] 2.4.1.3.19.1: max(ceil(log2(difference)), 4), where difference
    is the number of bytes already decompressed in the current chunk.
    """
    return max((decompressed_so_far - 1).bit_length(), 4)


def _compress_chunk(chunk: bytes) -> bytes:
    n = len(chunk)
    body = bytearray()
    index: dict[bytes, list[int]] = {}
    pos = 0

    def remember(p: int) -> None:
        if p + 3 <= n:
            index.setdefault(chunk[p:p + 3], []).append(p)

    while pos < n:
        flag_at = len(body)
        body.append(0)
        flags = 0
        for bit in range(8):
            if pos >= n:
                break
            best_len = 0
            best_off = 0
            bit_count = 4
            if pos > 0 and pos + 3 <= n:
                candidates = index.get(chunk[pos:pos + 3])
                if candidates:
                    bit_count = _bit_count(pos)
                    limit = min((0xFFFF >> bit_count) + 3, n - pos)
                    tried = 0
                    for cand in reversed(candidates):
                        length = 3
                        while length < limit and chunk[cand + length] == chunk[pos + length]:
                            length += 1
                        if length > best_len:
                            best_len = length
                            best_off = pos - cand
                            if length == limit:
                                break
                        tried += 1
                        if tried >= _MAX_CANDIDATES:
                            break
            if best_len >= 3:
                token = ((best_off - 1) << (16 - bit_count)) | (best_len - 3)
                body += struct.pack("<H", token)
                flags |= 1 << bit
                for p in range(pos, pos + best_len):
                    remember(p)
                pos += best_len
            else:
                body.append(chunk[pos])
                remember(pos)
                pos += 1
        body[flag_at] = flags
    return bytes(body)


def compress(data: bytes, *, allow_raw: bool = True) -> bytes:
    """Compress ``data`` into an [MS-OVBA] CompressedContainer.

    A 4096-byte chunk that does not shrink to <= 4096 bytes is stored raw when
    ``allow_raw`` is true (spec-legal; olevba and LibreOffice read it).  A final
    chunk shorter than 4096 bytes that does not fit cannot be stored raw
    without the zero padding the spec prescribes, which would change the data,
    so it raises :class:`IncompressibleChunkError`, as does any chunk that does
    not fit when ``allow_raw`` is false.
    """
    data = bytes(data)
    out = bytearray([_SIGNATURE])
    for start in range(0, len(data), CHUNK_SIZE):
        chunk = data[start:start + CHUNK_SIZE]
        body = _compress_chunk(chunk)
        if len(body) <= _MAX_COMPRESSED_BODY:
            header = _COMPRESSED_FLAG | _CHUNK_SIG_BITS | (len(body) + 2 - 3)
            out += struct.pack("<H", header)
            out += body
        elif allow_raw and len(chunk) == CHUNK_SIZE:
            out += struct.pack("<H", _CHUNK_SIG_BITS | 0x0FFF)
            out += chunk
        else:
            raise IncompressibleChunkError(
                f"chunk at offset {start} ({len(chunk)} bytes) does not compress"
            )
    return bytes(out)


def decompress(container: bytes) -> bytes:
    """Decompress an [MS-OVBA] CompressedContainer (2.4.1.3.1)."""
    data = bytes(container)
    if not data or data[0] != _SIGNATURE:
        raise ValueError("not an MS-OVBA compressed container (signature byte != 0x01)")
    out = bytearray()
    pos = 1
    total = len(data)
    while pos < total:
        if pos + 2 > total:
            raise ValueError(f"truncated chunk header at {pos}")
        (header,) = struct.unpack_from("<H", data, pos)
        if (header >> 12) & 0x7 != 0b011:
            raise ValueError(f"bad chunk signature at {pos}")
        chunk_end = min(pos + (header & 0x0FFF) + 3, total)
        pos += 2
        if not header & _COMPRESSED_FLAG:
            out += data[pos:pos + CHUNK_SIZE]
            pos += CHUNK_SIZE
            continue
        chunk_start = len(out)
        while pos < chunk_end:
            flags = data[pos]
            pos += 1
            for bit in range(8):
                if pos >= chunk_end:
                    break
                if not (flags >> bit) & 1:
                    out.append(data[pos])
                    pos += 1
                    continue
                if pos + 2 > chunk_end:
                    raise ValueError(f"truncated copy token at {pos}")
                (token,) = struct.unpack_from("<H", data, pos)
                pos += 2
                done = len(out) - chunk_start
                bit_count = _bit_count(done)
                length = (token & (0xFFFF >> bit_count)) + 3
                offset = (token >> (16 - bit_count)) + 1
                if offset > done:
                    raise ValueError(f"copy token reaches before its chunk at {pos - 2}")
                src = len(out) - offset
                if offset >= length:
                    out += out[src:src + length]
                else:
                    for k in range(length):
                        out.append(out[src + k])
    return bytes(out)
