"""VBA project writer: [MS-OVBA] compression, a [MS-CFB] writer and the
source-only vbaProject.bin builder used for the host workbook."""

from .cfb import build_compound_file
from .compression import IncompressibleChunkError, compress, decompress
from .project import (
    VBAModule,
    build_vba_project,
    class_module_from_cls,
    decrypt_data,
    document_module,
    encrypt_data,
    project_streams,
    standard_module,
)

__all__ = [
    "build_compound_file",
    "compress",
    "decompress",
    "IncompressibleChunkError",
    "VBAModule",
    "build_vba_project",
    "class_module_from_cls",
    "decrypt_data",
    "document_module",
    "encrypt_data",
    "project_streams",
    "standard_module",
]
