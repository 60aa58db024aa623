"""Importers: one declared format per export family, all loaded by the same set-based path."""

from ..defaults import MAX_QUARANTINED
from .formats import FORMATS, KINDS, Format
from .load import LoadResult, detect_format, load_file, load_files
from .status import Quarantine, QuarantinedRow, quarantined, status

__all__ = [
    "FORMATS",
    "KINDS",
    "MAX_QUARANTINED",
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
