"""Importers: one declared format per export family, all loaded by the same set-based path."""

from .formats import FORMATS, KINDS, Format
from .load import LoadResult, detect_format, load_file, load_files, status

__all__ = [
    "FORMATS",
    "KINDS",
    "Format",
    "LoadResult",
    "detect_format",
    "load_file",
    "load_files",
    "status",
]
