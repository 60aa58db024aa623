"""Ids of catalogue objects: safe slugs, because they become file and folder names.

A customer id names the folder its packs are published in (``reports/<customer>/<period>/``);
an id like ``../globex`` would write into another customer's folder. One rule for every id —
customers, services, agreements, targets, calendars, maintenance windows — and for CLI
arguments that name them: a letter or digit, then letters, digits, ``-`` or ``_``, at most 64
characters, and not a name Windows reserves for devices.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, WithJsonSchema

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$"
_ID = re.compile(ID_PATTERN)
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)),
             *(f"lpt{i}" for i in range(1, 10))}  # fmt: skip
ID_HELP = "letters, digits, '-' and '_', starting with a letter or digit, at most 64 characters"


def check_id(value: str) -> str:
    """``value`` when it is a safe id; a ``ValueError`` saying what is wrong otherwise."""
    if not isinstance(value, str) or not _ID.fullmatch(value):
        raise ValueError(f"not a valid id; use {ID_HELP} (e.g. acme-retail)")
    if value.lower() in _RESERVED:
        raise ValueError("a name Windows reserves for a device, not a valid id; choose another")
    return value


# the id type of pydantic models (catalogue, import mappings)
Id = Annotated[
    str,
    AfterValidator(check_id),
    WithJsonSchema({"type": "string", "pattern": ID_PATTERN, "description": ID_HELP}),
]
