"""Deflate and inflate for the package layer: ISA-L's (the `isal` package) when it is installed,
else zlib's, behind one small API.

Measured on this project's data (bench/merge_bench.py, 2 cores): the summary of 1,000 error-heavy
forms is ~130 MB of XML, which zlib deflates at level 1 in ~0.45 s a 115 MB sheet and ISA-L in
~0.11 s at the same size; ISA-L inflates a form's parts in about half zlib's time. The streams are
plain deflate (and zlib-wrapped) either way: Excel, WPS, LibreOffice and zlib read what ISA-L
wrote. isal is pinned in setup.cfg; without it (a hand-made environment) everything still works
through zlib, only slower. Both release the GIL while they work, so a writer thread overlaps.
"""
import zlib

try:
    from isal import isal_zlib as _fast
except ImportError:                       # optional at run time: zlib gives the same data back
    _fast = None

_lib = _fast or zlib
ERRORS = (zlib.error,) + ((_fast.error,) if _fast is not None else ())     # what a bad stream raises
LEVEL = 1                                 # ISA-L's levels are 0-3; 1 is about zlib 1's size, 4x faster
BACKEND = "isal" if _fast is not None else "zlib"


def inflate_raw(stored, max_length):
    """At most `max_length` bytes of a raw deflate stream (a zip member's data); raises one of ERRORS."""
    return _lib.decompressobj(-15).decompress(stored, max_length)


def crc32(data):
    """CRC-32 of `data`, as zip stores it."""
    return _lib.crc32(data)


def compress(data, level=LEVEL):
    """A zlib-format stream of `data` (header and Adler-32: zlib.decompress reads it)."""
    return _lib.compress(data, level)


def decompress(data):
    """The data of a zlib-format stream; raises one of ERRORS."""
    return _lib.decompress(data)


def decompressobj():
    """A zlib-format decompressor (its decompress(data, max_length) reads a stream's head)."""
    return _lib.decompressobj()


def open_member(zf, name, force_zip64=False):
    """zf.open(name, "w") for a big member of a ZipFile opened with ZIP_DEFLATED, deflating with the
    fast library. zipfile has no public hook for its compressor: this is the one place that sets its
    writer's private `_compressor` (present from Python 3.6 to 3.13); where it is missing, or the
    member is not deflated, zipfile's own zlib compressor is kept, which writes the same data."""
    out = zf.open(name, "w", force_zip64=force_zip64)
    if _fast is not None and zf.compression == 8 and hasattr(out, "_compressor"):      # ZIP_DEFLATED
        out._compressor = _fast.compressobj(LEVEL, _fast.DEFLATED, -15)
    return out
