"""slm-workbench: exact service level attainment, availability and offline review packs.

import slm_analysis as slm
cat = slm.load_catalogue("catalogue.yaml")
review = slm.open_review("acme", "2026-10")
wb = slm.open("acme", period="2026-10"); wb.breaches(); wb.sql("select ...")  # docs/api.md
cal = cat.calendar("uk-office"); cal.elapsed(start, end, pauses=[...])

Names are imported on first use (PEP 562), so ``import slm_analysis`` — and every ``slm``
command — does not pay for DuckDB, pandas, plotly or the notebook machinery until it needs them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# public name → module that defines it
_EXPORTS = {
    "Calendar": "calendars",
    "Catalogue": "catalogue",
    "load_catalogue": "catalogue",
    "parse_catalogue": "catalogue",
    "target_sentence": "catalogue",
    "CatalogueError": "errors",
    "InputError": "errors",
    "QuarantineLimitError": "errors",
    "RenderError": "errors",
    "SlmError": "errors",
    "UnknownNameError": "errors",
    "WarehouseError": "errors",
    "WorkspaceError": "errors",
    "LoadResult": "importers",
    "load_file": "importers",
    "load_files": "importers",
    "attainment": "measures",
    "availability": "measures",
    "availability_events": "check_availability",
    "availability_timeslices": "check_availability",
    "stop_findings": "measures",
    "ticket_clocks": "measures",
    "wilson_interval": "measures",
    "CheckOutages": "monitoring",
    "check_outages": "monitoring",
    "outage_list": "outages",
    "render_pack": "packs",
    "Workspace": "paths",
    "workspace": "paths",
    "Period": "periods",
    "Reconciliation": "reconcile",
    "Review": "review",
    "open_review": "review",
    "satisfaction_by_service_level": "satisfaction",
    "satisfaction_detail": "satisfaction",
    "satisfaction_responses": "satisfaction",
    "Status": "status",
    "connect": "warehouse",
    "session": "warehouse",
    "Workbench": "workbench",
    "open": "workbench",  # not in __all__: `from slm_analysis import *` keeps the builtin open
}
_MODULES = (
    "budgets", "calibration", "charts", "forecast", "improvement", "present", "reconcile",
    "reliability", "status", "trends",
)  # fmt: skip

__all__ = [
    "Calendar",
    "Catalogue",
    "CatalogueError",
    "CheckOutages",
    "InputError",
    "LoadResult",
    "Period",
    "QuarantineLimitError",
    "Reconciliation",
    "RenderError",
    "Review",
    "SlmError",
    "Status",
    "UnknownNameError",
    "WarehouseError",
    "Workbench",
    "Workspace",
    "WorkspaceError",
    "attainment",
    "availability",
    "availability_events",
    "availability_timeslices",
    "budgets",
    "calibration",
    "charts",
    "check_outages",
    "connect",
    "forecast",
    "improvement",
    "load_catalogue",
    "load_file",
    "load_files",
    "open_review",
    "outage_list",
    "parse_catalogue",
    "present",
    "reconcile",
    "reliability",
    "render_pack",
    "satisfaction_by_service_level",
    "satisfaction_detail",
    "satisfaction_responses",
    "session",
    "status",
    "stop_findings",
    "target_sentence",
    "ticket_clocks",
    "trends",
    "wilson_interval",
    "workspace",
]


def __getattr__(name: str) -> Any:
    if name in _MODULES:
        return importlib.import_module(f".{name}", __name__)
    if name in _EXPORTS:
        value = getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__, *_EXPORTS})


if TYPE_CHECKING:  # the names as the type checker and editors see them
    from . import (
        budgets,
        calibration,
        charts,
        forecast,
        improvement,
        present,
        reconcile,
        reliability,
        status,
        trends,
    )
    from .calendars import Calendar
    from .catalogue import Catalogue, load_catalogue, parse_catalogue, target_sentence
    from .check_availability import availability_events, availability_timeslices
    from .errors import (
        CatalogueError,
        InputError,
        QuarantineLimitError,
        RenderError,
        SlmError,
        UnknownNameError,
        WarehouseError,
    )
    from .importers import LoadResult, load_file, load_files
    from .measures import (
        attainment,
        availability,
        stop_findings,
        ticket_clocks,
        wilson_interval,
    )
    from .monitoring import CheckOutages, check_outages
    from .outages import outage_list
    from .packs import render_pack
    from .periods import Period
    from .reconcile import Reconciliation
    from .review import Review, open_review
    from .satisfaction import (
        satisfaction_by_service_level,
        satisfaction_detail,
        satisfaction_responses,
    )
    from .status import Status
    from .warehouse import connect, session
    from .workbench import Workbench
    from .workbench import open as open
