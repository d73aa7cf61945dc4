"""Build a source-only VBA project (vbaProject.bin) per [MS-OVBA].

Streams written (2.2):

* ``PROJECT``          project properties as text (2.3.1)
* ``PROJECTwm``        module name map, uncompressed (2.3.3)
* ``VBA/_VBA_PROJECT`` version 0xFFFF, Reserved3 0x0001 (as Excel writes it),
                       no performance cache (2.3.4.1): the host must compile
                       from source, which is what we want
* ``VBA/dir``          compressed project information, references and module
                       records (2.3.4.2); every MODULEOFFSET is 0
* ``VBA/<module>``     compressed module source (2.3.4.3), no p-code

Module source convention: the stored text is exactly what the VBA editor
exports to a .bas file, i.e. it starts with ``Attribute VB_Name = "Name"``
(VBA needs that line in the stored source) and uses CRLF line ends.  Our .bas
files carry that line themselves, so a module's decompressed source equals
its .bas file byte for byte after LF -> CRLF normalisation.  A .bas without
the line gets it inserted.  Class modules exported as .cls lose the
``VERSION 1.0 CLASS / BEGIN ... END`` header and gain the ``VB_Base`` and
other attributes the editor stores, exactly as Excel stores them.
All source must be ASCII (PROJECTCODEPAGE is 1252; Chinese text belongs in
the worksheet, not in VBA).
"""

from __future__ import annotations

import hashlib
import re
import struct
import uuid
from dataclasses import dataclass
from typing import Iterable, Sequence

from .cfb import build_compound_file
from .compression import compress

__all__ = [
    "VBAModule",
    "standard_module",
    "class_module_from_cls",
    "document_module",
    "build_vba_project",
    "project_streams",
    "encrypt_data",
    "decrypt_data",
    "DEFAULT_PROJECT_ID",
    "VBA_PROJECT_STREAM",
]

# Deterministic project GUID for sjtx-xl (any GUID works; a fixed one keeps
# builds reproducible).
DEFAULT_PROJECT_ID = "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, "sjtx-xl/VBAProject")).upper() + "}"

# _VBA_PROJECT ([MS-OVBA] 2.3.4.1): Reserved1 0x61CC, Version 0xFFFF (= "no
# cache, compile from source"), Reserved2 0x00, Reserved3 0x0001 (undefined,
# but what Excel writes: the spec's example 3.1.1 and every Excel-saved
# macro*.xlsm), PerformanceCache empty.
VBA_PROJECT_STREAM = struct.pack("<HHBH", 0x61CC, 0xFFFF, 0x00, 0x0001)

CODE_PAGE = 1252
LCID = 0x0409

_DOC_BASES = {
    "workbook": "0{00020819-0000-0000-C000-000000000046}",
    "worksheet": "0{00020820-0000-0000-C000-000000000046}",
}
_CLASS_BASE = "0{FCFB3D2A-A0FA-1068-A738-08002B3371B5}"

# Registered type libraries every new Excel project references.  The host's
# own libraries (VBA, Excel) are implicit and never listed in the dir stream.
_REFERENCES = (
    ("stdole",
     "*\\G{00020430-0000-0000-C000-000000000046}#2.0#0#"
     "C:\\Windows\\System32\\stdole2.tlb#OLE Automation"),
    ("Office",
     "*\\G{2DF8D04C-5BFA-101B-BDE5-00AA0044DE52}#2.0#0#"
     "C:\\Program Files\\Common Files\\Microsoft Shared\\OFFICE16\\MSO.DLL#"
     "Microsoft Office 16.0 Object Library"),
)

_NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,30}$")
_VB_NAME_RE = re.compile(r'^Attribute VB_Name = "([^"]+)"\r?$')


@dataclass(frozen=True)
class VBAModule:
    """One module: ``kind`` is "standard", "class" or "document"."""

    name: str
    kind: str
    code: str  # stored source text, CRLF line ends, starts with VB_Name

    def __post_init__(self) -> None:
        if self.kind not in ("standard", "class", "document"):
            raise ValueError(f"unknown module kind {self.kind!r}")
        if not _NAME_RE.match(self.name):
            raise ValueError(f"invalid VBA module name {self.name!r}")
        _ascii(self.code, self.name)
        first = self.code.split("\r\n", 1)[0]
        m = _VB_NAME_RE.match(first)
        if not m or m.group(1) != self.name:
            raise ValueError(f"module {self.name}: source must start with Attribute VB_Name")

    @property
    def source_bytes(self) -> bytes:
        return self.code.encode("ascii")


def _ascii(text: str, where: str) -> None:
    try:
        text.encode("ascii")
    except UnicodeEncodeError as exc:
        line = text[: exc.start].count("\n") + 1
        raise ValueError(f"{where}: non-ASCII character on line {line}; keep VBA ASCII-only") from None


def _crlf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n")


def standard_module(source: str, name: str | None = None) -> VBAModule:
    """A standard (procedural) module from .bas text."""
    code = _crlf(source)
    first = code.split("\r\n", 1)[0]
    m = _VB_NAME_RE.match(first)
    if m:
        if name is not None and name != m.group(1):
            raise ValueError(f"module name {name!r} differs from VB_Name {m.group(1)!r}")
        name = m.group(1)
    else:
        if name is None:
            raise ValueError("module has no Attribute VB_Name line and no name was given")
        code = f'Attribute VB_Name = "{name}"\r\n' + code
    return VBAModule(name, "standard", code)


def class_module_from_cls(source: str) -> VBAModule:
    """A class module from an exported .cls file (header stripped)."""
    lines = _crlf(source).split("\r\n")
    if lines and lines[0].startswith("VERSION "):
        try:
            end = lines.index("END")
        except ValueError:
            raise ValueError(".cls header has no END line") from None
        lines = lines[end + 1:]
    attrs: dict[str, str] = {}
    body_start = 0
    for i, line in enumerate(lines):
        m = re.match(r"^Attribute (VB_\w+) = (.*)$", line)
        if not m:
            body_start = i
            break
        attrs[m.group(1)] = m.group(2)
    else:
        body_start = len(lines)
    if "VB_Name" not in attrs:
        raise ValueError(".cls has no Attribute VB_Name")
    name = attrs["VB_Name"].strip('"')
    # Order and defaults as the VBA editor stores a class module.
    ordered = [
        ("VB_Name", attrs["VB_Name"]),
        ("VB_Base", attrs.get("VB_Base", f'"{_CLASS_BASE}"')),
        ("VB_GlobalNameSpace", attrs.get("VB_GlobalNameSpace", "False")),
        ("VB_Creatable", attrs.get("VB_Creatable", "False")),
        ("VB_PredeclaredId", attrs.get("VB_PredeclaredId", "False")),
        ("VB_Exposed", attrs.get("VB_Exposed", "False")),
        ("VB_TemplateDerived", attrs.get("VB_TemplateDerived", "False")),
        ("VB_Customizable", attrs.get("VB_Customizable", "False")),
    ]
    known = {k for k, _ in ordered}
    ordered += [(k, v) for k, v in attrs.items() if k not in known]
    head = [f"Attribute {k} = {v}" for k, v in ordered]
    return VBAModule(name, "class", "\r\n".join(head + lines[body_start:]))


def document_module(name: str, base: str, body: str = "") -> VBAModule:
    """A document module (ThisWorkbook: base="workbook"; a sheet: "worksheet")."""
    if base not in _DOC_BASES:
        raise ValueError(f"unknown document base {base!r}")
    head = [
        f'Attribute VB_Name = "{name}"',
        f'Attribute VB_Base = "{_DOC_BASES[base]}"',
        "Attribute VB_GlobalNameSpace = False",
        "Attribute VB_Creatable = False",
        "Attribute VB_PredeclaredId = True",
        "Attribute VB_Exposed = True",
        "Attribute VB_TemplateDerived = False",
        "Attribute VB_Customizable = True",
    ]
    code = "\r\n".join(head) + "\r\n"
    if body:
        code += _crlf(body)
    return VBAModule(name, "document", code)


# --- PROJECT stream data encryption, [MS-OVBA] 2.4.3 -----------------------

def encrypt_data(data: bytes, project_id: str, seed: int, ignored: bytes = b"") -> bytes:
    """Encrypt ``data`` (2.4.3.2).  ``seed`` and ``ignored`` fix the output.

    ``ignored`` supplies the (seed & 6) // 2 obfuscation bytes; zeros if short.
    """
    seed &= 0xFF
    version = 2
    proj_key = sum(project_id.encode("ascii")) & 0xFF
    version_enc = seed ^ version
    proj_key_enc = seed ^ proj_key
    out = bytearray([seed, version_enc, proj_key_enc])
    unenc1, enc1, enc2 = proj_key, proj_key_enc, version_enc
    n_ignored = (seed & 6) // 2
    plain = bytes(ignored[:n_ignored]).ljust(n_ignored, b"\0")
    plain += struct.pack("<I", len(data)) + bytes(data)
    for byte in plain:
        byte_enc = byte ^ ((enc2 + unenc1) & 0xFF)
        out.append(byte_enc)
        enc2, enc1, unenc1 = enc1, byte_enc, byte
    return bytes(out)


def decrypt_data(blob: bytes, project_id: str | None = None) -> bytes:
    """Decrypt 2.4.3.3; checks Version and, if given, the project key."""
    if len(blob) < 7:
        raise ValueError("encrypted data too short")
    seed, version_enc, proj_key_enc = blob[0], blob[1], blob[2]
    if seed ^ version_enc != 2:
        raise ValueError("encrypted data: version is not 2")
    proj_key = seed ^ proj_key_enc
    if project_id is not None and proj_key != sum(project_id.encode("ascii")) & 0xFF:
        raise ValueError("encrypted data: project key does not match the project ID")
    unenc1, enc1, enc2 = proj_key, proj_key_enc, version_enc
    plain = bytearray()
    for byte_enc in blob[3:]:
        byte = byte_enc ^ ((enc2 + unenc1) & 0xFF)
        plain.append(byte)
        enc2, enc1, unenc1 = enc1, byte_enc, byte
    plain = plain[(seed & 6) // 2:]
    (length,) = struct.unpack_from("<I", plain, 0)
    if len(plain) != 4 + length:
        raise ValueError("encrypted data: length field does not match")
    return bytes(plain[4:])


def _det_bytes(*parts: str, n: int) -> bytes:
    return hashlib.sha256("|".join(parts).encode()).digest()[:n]


# --- streams ---------------------------------------------------------------

def _project_text(modules: Sequence[VBAModule], project_id: str, project_name: str) -> bytes:
    lines = [f'ID="{project_id}"']
    for mod in modules:
        if mod.kind == "document":
            lines.append(f"Document={mod.name}/&H00000000")
        elif mod.kind == "class":
            lines.append(f"Class={mod.name}")
        else:
            lines.append(f"Module={mod.name}")
    lines += [
        f'Name="{project_name}"',
        'HelpContextID="0"',
        'VersionCompatible32="393222000"',
    ]
    for key, data in (("CMG", b"\0\0\0\0"), ("DPB", b"\0"), ("GC", b"\xff")):
        seed_and_ignored = _det_bytes(project_id, key, n=4)
        blob = encrypt_data(data, project_id, seed_and_ignored[0], seed_and_ignored[1:])
        lines.append(f'{key}="{blob.hex().upper()}"')
    lines += [
        "",
        "[Host Extender Info]",
        "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000",
        "",
        "[Workspace]",
    ]
    lines += [f"{mod.name}=0, 0, 0, 0, C" for mod in modules]
    return ("\r\n".join(lines) + "\r\n").encode("ascii")


def _projectwm(modules: Sequence[VBAModule]) -> bytes:
    out = bytearray()
    for mod in modules:
        out += mod.name.encode("ascii") + b"\0"
        out += mod.name.encode("utf-16-le") + b"\0\0"
    out += b"\0\0"
    return bytes(out)


def _rec(rid: int, payload: bytes) -> bytes:
    return struct.pack("<HI", rid, len(payload)) + payload


def _dir_stream(modules: Sequence[VBAModule], project_name: str) -> bytes:
    d = bytearray()
    # PROJECTINFORMATION (2.3.4.2.1)
    d += _rec(0x0001, struct.pack("<I", 0x00000001))          # SYSKIND: Win32
    d += _rec(0x0002, struct.pack("<I", LCID))                # LCID
    d += _rec(0x0014, struct.pack("<I", LCID))                # LCIDINVOKE
    d += _rec(0x0003, struct.pack("<H", CODE_PAGE))           # CODEPAGE
    d += _rec(0x0004, project_name.encode("ascii"))           # NAME
    d += _rec(0x0005, b"") + _rec(0x0040, b"")                # DOCSTRING (+unicode)
    d += _rec(0x0006, b"") + _rec(0x003D, b"")                # HELPFILEPATH 1, 2
    d += _rec(0x0007, struct.pack("<I", 0))                   # HELPCONTEXT
    d += _rec(0x0008, struct.pack("<I", 0))                   # LIBFLAGS
    # VERSION: Reserved (in the size slot) = 4, VersionMajor, VersionMinor
    d += struct.pack("<HIIH", 0x0009, 0x00000004, 1, 0)
    d += _rec(0x000C, b"") + _rec(0x003C, b"")                # CONSTANTS (+unicode)
    # PROJECTREFERENCES (2.3.4.2.2): REFERENCENAME + REFERENCEREGISTERED
    for name, libid in _REFERENCES:
        d += _rec(0x0016, name.encode("ascii")) + _rec(0x003E, name.encode("utf-16-le"))
        lib = libid.encode("ascii")
        d += _rec(0x000D, struct.pack("<I", len(lib)) + lib + struct.pack("<IH", 0, 0))
    # PROJECTMODULES (2.3.4.2.3)
    d += _rec(0x000F, struct.pack("<H", len(modules)))
    d += _rec(0x0013, struct.pack("<H", 0xFFFF))              # PROJECTCOOKIE
    for mod in modules:
        name = mod.name.encode("ascii")
        uname = mod.name.encode("utf-16-le")
        d += _rec(0x0019, name) + _rec(0x0047, uname)          # NAME, NAMEUNICODE
        d += _rec(0x001A, name) + _rec(0x0032, uname)          # STREAMNAME
        d += _rec(0x001C, b"") + _rec(0x0048, b"")             # DOCSTRING
        d += _rec(0x0031, struct.pack("<I", 0))                # OFFSET: source only
        d += _rec(0x001E, struct.pack("<I", 0))                # HELPCONTEXT
        d += _rec(0x002C, struct.pack("<H", 0xFFFF))           # COOKIE
        d += _rec(0x0021 if mod.kind == "standard" else 0x0022, b"")  # TYPE
        d += _rec(0x002B, b"")                                 # Terminator
    d += _rec(0x0010, b"")                                     # dir Terminator
    return bytes(d)


def project_streams(
    modules: Iterable[VBAModule],
    *,
    project_id: str = DEFAULT_PROJECT_ID,
    project_name: str = "VBAProject",
) -> dict[str, bytes]:
    """All streams of the project, keyed by compound-file path."""
    modules = list(modules)
    if not re.fullmatch(r"\{[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\}", project_id):
        raise ValueError(f"project_id must be an upper-case braced GUID, got {project_id!r}")
    if not _NAME_RE.match(project_name):
        raise ValueError(f"invalid project name {project_name!r}")
    seen: set[str] = set()
    for mod in modules:
        key = mod.name.upper()
        if key in seen or key in ("DIR", "_VBA_PROJECT"):
            raise ValueError(f"duplicate or reserved module name {mod.name!r}")
        seen.add(key)
    streams = {
        "PROJECT": _project_text(modules, project_id, project_name),
        "PROJECTwm": _projectwm(modules),
        "VBA/_VBA_PROJECT": VBA_PROJECT_STREAM,
        "VBA/dir": compress(_dir_stream(modules, project_name), allow_raw=False),
    }
    for mod in modules:
        streams[f"VBA/{mod.name}"] = compress(mod.source_bytes, allow_raw=False)
    return streams


def build_vba_project(
    modules: Iterable[VBAModule],
    *,
    project_id: str = DEFAULT_PROJECT_ID,
    project_name: str = "VBAProject",
) -> bytes:
    """Return the bytes of a source-only vbaProject.bin holding ``modules``."""
    return build_compound_file(
        project_streams(modules, project_id=project_id, project_name=project_name)
    )
