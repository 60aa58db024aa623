"""Importers: one declared format per export family, all loaded by the same set-based path.

The loader's names are imported on first use (PEP 562): ``slm status`` and ``slm quarantine``
read the load log without paying for the loader's catalogue, pydantic and pandas imports.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ..defaults import MAX_QUARANTINED
from .formats import FORMATS, KINDS, Format
from .status import Quarantine, QuarantinedRow, quarantined, status

_LOADER = ("LoadResult", "detect_format", "load_file", "load_files")  # from .load, on first use

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


def __getattr__(name: str) -> Any:
    if name in _LOADER:
        value = getattr(importlib.import_module(".load", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])


if TYPE_CHECKING:  # the names as the type checker and editors see them
    from .load import LoadResult, detect_format, load_file, load_files
