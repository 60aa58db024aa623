"""slm-workbench: exact service level attainment, availability and offline review packs.

import slm_analysis as slm
cat = slm.load_catalogue("catalogue.yaml")
review = slm.open_review("acme", "2026-10")
cal = cat.calendar("uk-office"); cal.elapsed(start, end, pauses=[...])
"""

from __future__ import annotations

__version__ = "0.1.0"

from . import charts, present
from .calendars import Calendar
from .catalogue import Catalogue, load_catalogue, parse_catalogue, target_sentence
from .errors import (
    CatalogueError,
    InputError,
    RenderError,
    SlmError,
    UnknownNameError,
    WarehouseError,
)
from .importers import LoadResult, load_file, load_files
from .measures import attainment, availability, stop_findings, ticket_clocks, wilson_interval
from .packs import render_pack
from .periods import Period
from .review import Review, open_review
from .warehouse import connect, session

__all__ = [
    "Calendar",
    "Catalogue",
    "CatalogueError",
    "InputError",
    "LoadResult",
    "Period",
    "RenderError",
    "Review",
    "SlmError",
    "UnknownNameError",
    "WarehouseError",
    "attainment",
    "availability",
    "charts",
    "connect",
    "load_catalogue",
    "load_file",
    "load_files",
    "open_review",
    "parse_catalogue",
    "present",
    "render_pack",
    "session",
    "stop_findings",
    "target_sentence",
    "ticket_clocks",
    "wilson_interval",
]
