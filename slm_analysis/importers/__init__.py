"""Importers: one declared format per export family, all loaded by the same set-based path."""

from .formats import FORMATS, KINDS, Format
from .load import DEFAULT_MAX_QUARANTINED, LoadResult, detect_format, load_file, load_files
from .status import Quarantine, QuarantinedRow, quarantined, status

__all__ = [
    "DEFAULT_MAX_QUARANTINED",
    "FORMATS",
    "KINDS",
    "Format",
    "LoadResult",
    "Quarantine",
    "QuarantinedRow",
    "detect_format",
    "load_file",
    "load_files",
    "quarantined",
    "status",
]
