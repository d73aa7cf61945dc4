"""Golden packages (templates/, workbook/) compared member by member.

A committed .xlsx/.xlsm must equal a fresh build in its member names, their
order and each member's uncompressed bytes (XML parts, vbaProject.bin, ...),
never as the deflated archive: another zlib compresses differently, which must
not fail the test, while any change of content must.
"""

from __future__ import annotations

import io
import os
import zipfile
from typing import Dict, Union

Package = Union[bytes, "os.PathLike[str]", str]


def members(package: Package) -> Dict[str, bytes]:
    """Member name -> uncompressed bytes, in archive order."""
    src = io.BytesIO(package) if isinstance(package, bytes) else package
    with zipfile.ZipFile(src) as z:
        return {n: z.read(n) for n in z.namelist()}


def _first_difference(a: bytes, b: bytes) -> str:
    i = next((k for k, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    return f"first difference at byte {i}: fresh {a[max(0, i - 40):i + 40]!r} vs committed {b[max(0, i - 40):i + 40]!r}"


def assert_same_members(fresh: Package, committed: Package, hint: str) -> None:
    """Fail with the first differing member (and where) unless both packages hold the same parts."""
    new, old = members(fresh), members(committed)
    assert list(new) == list(old), f"members differ ({hint}): fresh {list(new)} vs committed {list(old)}"
    for name in new:
        assert new[name] == old[name], f"{name} differs ({hint}); {_first_difference(new[name], old[name])}"
