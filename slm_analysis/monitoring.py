"""Outages inferred from checks: when each monitored service was down, or had no data.

The inference is one set-based query (``sql/check_outages.sql``, whose header states the
maths; docs/metrics.md says it in words). This module only binds its parameters — the
customer, the window, the as-of instant and each service's ``monitoring`` settings — and
returns the answer as values: nothing is left on the connection.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import get_args

import duckdb
import pandas as pd

from .catalogue import Catalogue, NoDataPolicy, ServiceMonitoring
from .errors import InputError
from .warehouse import sql

DOWN_COLUMNS = [
    "service", "start_at", "end_at", "minutes", "first_failure_at", "first_failure_check",
    "first_success_at", "first_success_check", "checks",
]  # fmt: skip
NO_DATA_COLUMNS = ["service", "start_at", "end_at", "minutes"]
MINUTES_COLUMNS = [
    "service", "window_minutes", "down_minutes", "no_data_minutes", "up_minutes",
    "measured_minutes", "counted_down_minutes",
]  # fmt: skip
_US_PER_MINUTE = 60_000_000


@dataclass(frozen=True)
class CheckOutages:
    """What the checks say about each service in [``start``, ``stop``).

    ``stop`` is the window's end or the as-of instant, whichever is earlier: nothing after
    the as-of instant is known yet.

    ``down``: one row per stretch in which the service was down — ``start_at``/``end_at``
    clipped to the window, ``minutes``, and the evidence: ``first_failure_at`` (the earliest
    failing check result behind it, possibly before the window), ``first_success_at`` (the
    check result that ended it — the first of the successes that brought a check up — or NaT
    when data stopped or it still ran at the as-of instant), ``first_failure_check`` and
    ``first_success_check`` (the names of the checks those results are of; of several at the
    same instant the first by name; None where the instant is NaT) and ``checks`` (the names
    of the checks that were down).

    ``no_data``: one row per stretch in which no check of the service had data, with its
    minutes. ``settings``: the monitoring settings each service was read with.
    ``first_results``: each service's earliest check result before the as-of instant (where
    its monitoring feed begins; services without results are absent).
    """

    customer: str
    start: datetime
    stop: datetime
    as_of: datetime
    settings: dict[str, ServiceMonitoring]
    down: pd.DataFrame
    no_data: pd.DataFrame
    first_results: dict[str, datetime]

    def minutes(self, no_data: NoDataPolicy = "exclude") -> pd.DataFrame:
        """Per service: the window's minutes, and how many were down, without data and up;
        then under the no-data policy (an agreement's ``monitoring.no_data``) the minutes
        measured and counted as down. ``exclude``: no-data time is left out of the measured
        time; ``up``: it is measured and counted as up; ``down``: measured and counted as down.
        """
        if no_data not in get_args(NoDataPolicy):
            raise InputError(
                f"no-data policy {no_data!r} is not one of {', '.join(get_args(NoDataPolicy))}"
            )
        window = (self.stop - self.start).total_seconds() / 60
        services = list(self.settings)
        down = self.down.groupby("service")["minutes"].sum().reindex(services, fill_value=0.0)
        gaps = self.no_data.groupby("service")["minutes"].sum().reindex(services, fill_value=0.0)
        out = pd.DataFrame(
            {
                "service": services,
                "window_minutes": window,
                "down_minutes": down.to_numpy(dtype=float),
                "no_data_minutes": gaps.to_numpy(dtype=float),
            }
        )
        out["up_minutes"] = out["window_minutes"] - out["down_minutes"] - out["no_data_minutes"]
        out["measured_minutes"] = out["window_minutes"] - (
            out["no_data_minutes"] if no_data == "exclude" else 0.0
        )
        out["counted_down_minutes"] = out["down_minutes"] + (
            out["no_data_minutes"] if no_data == "down" else 0.0
        )
        return out[MINUTES_COLUMNS]


def monitored_services(con: duckdb.DuckDBPyConnection, cat: Catalogue, customer: str) -> list[str]:
    """The customer's services (of its agreements) that have a ``monitoring`` block or check
    results mapped to them, in the catalogue's order."""
    mine = cat.services_of(customer)
    checked = {
        r[0]
        for r in con.execute(
            "select distinct service from checks where customer = $customer and "
            "list_contains($services, service)",
            {"customer": customer, "services": mine},
        ).fetchall()
    }
    return [s for s in mine if cat.service(s).monitoring is not None or s in checked]


def check_outages(
    con: duckdb.DuckDBPyConnection,
    cat: Catalogue,
    customer: str,
    start: datetime,
    end: datetime,
    *,
    as_of: datetime,
    services: list[str] | None = None,
) -> CheckOutages:
    """Outages and no-data stretches of the customer's services in [``start``, ``end``),
    inferred from the check results loaded before ``as_of`` (see ``CheckOutages``).

    ``services`` default: ``monitored_services``. Each is read with its catalogue
    ``monitoring`` settings (the defaults when it has none). Results before ``start`` count:
    they decide the state at ``start`` and where an outage running into the window began.
    """
    for name, moment in (("start", start), ("end", end), ("as_of", as_of)):
        if moment.tzinfo is None:
            raise InputError(f"{name} {moment} has no time zone; give an aware datetime")
    if end <= start:
        raise InputError(f"the window [{start}, {end}) is empty; give an end after the start")
    cat.customer(customer)
    chosen = monitored_services(con, cat, customer) if services is None else list(services)
    settings = {s: cat.service(s).monitoring or ServiceMonitoring() for s in chosen}
    stop = max(start, min(end, as_of))
    params = {
        "customer": customer,
        "services": list(settings),
        "down_after": [m.down_after for m in settings.values()],
        "up_after": [m.up_after for m in settings.values()],
        "gap_factor": [float(m.gap_factor) for m in settings.values()],
        "interval_us": [
            None if m.interval is None else round(m.interval.total_seconds() * 1_000_000)
            for m in settings.values()
        ],
        "combine": [m.combine for m in settings.values()],
        "start": start,
        "stop": stop,
        "as_of": as_of,
    }
    everything = con.execute(sql("check_outages"), params).df()
    first = everything["state"] == "first_result"
    first_results = {
        str(service): pd.Timestamp(int(us), unit="us", tz="UTC").to_pydatetime()
        for service, us in zip(
            everything.loc[first, "service"], everything.loc[first, "start_us"], strict=True
        )
    }
    raw = everything[~first].reset_index(drop=True)
    minutes = (raw["end_us"] - raw["start_us"]) / _US_PER_MINUTE
    frame = pd.DataFrame(
        {
            "service": raw["service"].astype(object),
            "state": raw["state"],
            "start_at": _instants(raw["start_us"]),
            "end_at": _instants(raw["end_us"]),
            "minutes": minutes.astype(float),
            "first_failure_at": _instants(raw["first_failure_us"]),
            "first_success_at": _instants(raw["first_success_us"]),
            "first_failure_check": _names(raw["first_failure_check"]),
            "first_success_check": _names(raw["first_success_check"]),
            "checks": [[] if _missing(c) else list(c) for c in raw["checks"]],
        }
    )
    down = frame[frame["state"] == "down"][DOWN_COLUMNS].reset_index(drop=True)
    gaps = frame[frame["state"] == "no_data"][NO_DATA_COLUMNS].reset_index(drop=True)
    return CheckOutages(customer, start, stop, as_of, settings, down, gaps, first_results)


def _names(values: pd.Series) -> pd.Series:
    """Check names as objects, None where there is none (not a string column's NaN)."""
    return pd.Series([None if _missing(v) else str(v) for v in values], dtype=object)


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and value != value)


def _instants(us: pd.Series) -> pd.Series:
    """Epoch microseconds (nullable) as UTC timestamps (NaT for null)."""
    return pd.to_datetime(us.astype("Int64"), unit="us", utc=True)
