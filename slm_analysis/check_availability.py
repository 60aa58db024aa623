"""Availability from check results: by events (good results / valid results) and by time slices
(good slices / measured slices), the ``events`` and ``timeslices`` methods of an availability
target.

Each is one set-based query (``sql/availability_events.sql``, ``sql/availability_timeslices.sql``,
whose headers state the maths; docs/metrics.md says it in words). This module works out the
*counted time* they are bound with — the calendar's open time in each period up to the as-of
instant, minus planned maintenance, from the service's ``monitored_since`` day — and returns
the answers as values: nothing is left on the connection.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import get_args
from zoneinfo import ZoneInfo

import duckdb
import pandas as pd

from .catalogue import (
    DAY_MINUTES,
    Agreement,
    AvailabilityTarget,
    Catalogue,
    GoodSlice,
    NoDataPolicy,
)
from .errors import InputError
from .periods import Period
from .warehouse import sql


@dataclass(frozen=True)
class Window:
    """A stretch of time measured as a period is: [``start``, ``end``), named ``label`` — a
    burn-rate window ending at an instant (``budgets``)."""

    start: datetime
    end: datetime
    label: str

    def bounds(self, zone: str) -> tuple[datetime, datetime]:
        del zone  # the window's instants are its own, in any zone
        return self.start, self.end

    def __str__(self) -> str:
        return self.label


EVENT_COLUMNS = ["period", "service", "valid", "good", "failed", "slow", "sli"]
SLICE_COLUMNS = [
    "period", "service", "measured", "no_data", "period_slices", "valid", "good", "sli",
    "mean_slice_ratio", "coverage",
]  # fmt: skip
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_US = timedelta(microseconds=1)


def _us(moment: datetime) -> int:
    """Epoch microseconds of an aware instant, exactly."""
    return (moment - _EPOCH) // _US


@dataclass(frozen=True)
class CountedTime:
    """Intervals [s, e) in epoch µs per (period, service): ``counted`` is where check results
    count (open, unmaintained, from monitored_since, before the as-of instant); ``whole`` is the
    open, unmaintained time of the whole period (the base of a coverage)."""

    counted: pd.DataFrame
    whole: pd.DataFrame
    first: int
    last: int

    def bind(self, prefix: str, which: str) -> dict[str, list[object]]:
        """Parallel lists ``{prefix}_period``, ``_service`` (numbers: a period's position in
        the list measured, a service's from 1), ``_s`` and ``_e``."""
        df = self.counted if which == "counted" else self.whole
        cols = {"period": "pid", "service": "sid", "s": "s", "e": "e"}
        return {f"{prefix}_{name}": df[col].tolist() for name, col in cols.items()}


def counted_time(
    cat: Catalogue,
    calendar: str,
    services: list[str],
    periods: Sequence[Period | Window],
    zone: str,
    as_of: datetime,
    maintenance: pd.DataFrame,
) -> CountedTime:
    """The counted time of each service in each period (see ``CountedTime``), keyed by the
    period's position in ``periods`` (pid) and the service's in ``services`` from 1 (sid);
    ``maintenance`` holds planned windows as (service, s, e) in epoch seconds."""
    cal = cat.calendar(calendar)
    counted: list[tuple[int, int, int, int]] = []
    whole: list[tuple[int, int, int, int]] = []
    for sid, svc in enumerate(services, 1):
        rows = maintenance[maintenance["service"] == svc]
        windows = [
            (datetime.fromtimestamp(int(s), UTC), datetime.fromtimestamp(int(e), UTC))
            for s, e in zip(rows["s"], rows["e"], strict=True)
        ]
        day = cat.service(svc).monitored_since
        since = datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(zone)) if day else None
        for pid, p in enumerate(periods):
            ps, pe = p.bounds(zone)
            for s, e in cal.free_intervals(ps, pe, windows):
                whole.append((pid, sid, _us(s), _us(e)))
            start, stop = max(ps, since or ps), min(pe, as_of)
            for s, e in cal.free_intervals(start, stop, windows) if stop > start else []:
                counted.append((pid, sid, _us(s), _us(e)))
    columns = ["pid", "sid", "s", "e"]
    c, w = pd.DataFrame(counted, columns=columns), pd.DataFrame(whole, columns=columns)
    first = int(c["s"].min()) if len(c) else 0
    last = int(c["e"].max()) if len(c) else 0
    return CountedTime(c, w, first, last)


def _inputs(
    con: duckdb.DuckDBPyConnection,
    cat: Catalogue,
    customer: str,
    periods: Sequence[Period | Window],
    services: list[str],
    calendar: str,
    zone: str,
    as_of: datetime,
) -> tuple[CountedTime, dict[str, object]]:
    """The counted time and the parameters both queries bind."""
    from .measures import _maintenance_intervals  # measures imports this module

    if as_of.tzinfo is None:
        raise InputError(f"as_of {as_of} has no time zone; give an aware datetime")
    cat.customer(customer)
    services = list(dict.fromkeys(services))  # each once
    for s in services:
        cat.service(s)
    bounds = [p.bounds(zone) for p in periods]
    lo = min((b[0] for b in bounds), default=as_of)
    hi = max((b[1] for b in bounds), default=as_of)
    maintenance = _maintenance_intervals(con, cat, customer, services, lo, hi)
    ct = counted_time(cat, calendar, services, periods, zone, as_of, maintenance)
    grid = [(pid, sid) for pid in range(len(periods)) for sid in range(1, len(services) + 1)]
    params: dict[str, object] = {
        "customer": customer,
        "services": services,
        "sids": list(range(1, len(services) + 1)),
        "as_of": as_of,
        "g_pid": [g[0] for g in grid],
        "g_sid": [g[1] for g in grid],
        "g_period": [str(periods[g[0]]) for g in grid],
        "g_service": [services[g[1] - 1] for g in grid],
        **ct.bind("c", "counted"),
    }
    return ct, params


def availability_events(
    con: duckdb.DuckDBPyConnection,
    cat: Catalogue,
    customer: str,
    periods: Sequence[Period | Window],
    *,
    services: list[str],
    calendar: str,
    zone: str,
    as_of: datetime,
    latency_ms: float | None = None,
) -> pd.DataFrame:
    """Per period and service: ``valid`` check results in counted time, ``good`` ones
    (succeeded, and within ``latency_ms`` when given), ``failed`` and ``slow`` (succeeded but
    not within ``latency_ms``, or without a latency) and ``sli`` = 100 × good / valid (NaN
    without valid results: no data). See sql/availability_events.sql."""
    ct, params = _inputs(con, cat, customer, periods, services, calendar, zone, as_of)
    params.update(
        first=datetime.fromtimestamp(ct.first / 1e6, UTC),
        last=datetime.fromtimestamp(ct.last / 1e6, UTC),
        latency_ms=latency_ms,
    )
    df = con.execute(sql("availability_events"), params).df()
    df["sli"] = 100 * df["good"] / df["valid"].where(df["valid"] > 0)
    return df[EVENT_COLUMNS]


def availability_timeslices(
    con: duckdb.DuckDBPyConnection,
    cat: Catalogue,
    customer: str,
    periods: Sequence[Period | Window],
    *,
    services: list[str],
    calendar: str,
    zone: str,
    as_of: datetime,
    good_when: GoodSlice,
    slice_minutes: int = 5,
    no_data: NoDataPolicy = "exclude",
) -> pd.DataFrame:
    """Per period and service: slices ``measured`` (with check results), ``no_data`` slices
    (none, from where the feed starts), ``period_slices`` (of the whole period), ``valid`` and
    ``good`` slices under the ``no_data`` policy, ``sli`` = 100 × good / valid (NaN: no data),
    ``mean_slice_ratio`` (RatioTimeslices: the mean success ratio of measured slices, %) and
    ``coverage`` = valid / period_slices. See sql/availability_timeslices.sql."""
    if slice_minutes < 1 or DAY_MINUTES % slice_minutes:
        raise InputError(f"a slice of {slice_minutes} minutes does not divide a day")
    if no_data not in get_args(NoDataPolicy):
        raise InputError(f"no-data policy {no_data!r} is not one of exclude, up, down")
    ct, params = _inputs(con, cat, customer, periods, services, calendar, zone, as_of)
    latency = good_when.latency
    params.update(
        first=ct.first,
        last=ct.last,
        slice_us=slice_minutes * 60_000_000,
        ratio=good_when.success_ratio,
        percentile=latency[0] if latency else None,
        latency_ms=latency[1] if latency else None,
        no_data=no_data,
        declared=[
            sid for sid, s in enumerate(services, 1) if cat.service(s).monitored_since is not None
        ],
        **ct.bind("p", "whole"),
    )
    df = con.execute(sql("availability_timeslices"), params).df()
    df["sli"] = 100 * df["good"] / df["valid"].where(df["valid"] > 0)
    df["mean_slice_ratio"] = 100 * df["ratio_sum"] / df["measured"].where(df["measured"] > 0)
    df["coverage"] = df["valid"] / df["period_slices"].where(df["period_slices"] > 0)
    return df[SLICE_COLUMNS]


def check_availability(
    con: duckdb.DuckDBPyConnection,
    cat: Catalogue,
    customer: str,
    periods: Sequence[Period | Window],
    agreement: Agreement,
    target: AvailabilityTarget,
    as_of: datetime,
) -> pd.DataFrame:
    """``availability_events`` or ``availability_timeslices`` of an availability target whose
    method is ``events`` or ``timeslices``, under its agreement."""
    services = list(target.services or agreement.services)
    zone = cat.zone_of(agreement)
    if target.method == "events":
        return availability_events(
            con, cat, customer, periods, services=services, calendar=target.calendar,
            zone=zone, as_of=as_of, latency_ms=target.latency_ms,
        )  # fmt: skip
    if target.method != "timeslices" or target.good_when is None:
        raise InputError(f"target {target.id!r} is measured by {target.method}, not by checks")
    return availability_timeslices(
        con, cat, customer, periods, services=services, calendar=target.calendar, zone=zone,
        as_of=as_of, good_when=target.good_when, slice_minutes=target.slice_minutes,
        no_data=agreement.monitoring.no_data,
    )  # fmt: skip


def daily_counts(
    con: duckdb.DuckDBPyConnection,
    cat: Catalogue,
    customer: str,
    agreement: Agreement,
    target: AvailabilityTarget,
    start: datetime,
    end: datetime,
    as_of: datetime,
) -> list[tuple[int, int]]:
    """(good, valid) results or slices of a check-based availability target on each whole
    local day (the agreement's zone) from ``start`` to ``end`` that has ended by ``as_of``: the
    day blocks a forecast resamples (``forecast_sampled.check_forecast``). One query."""
    zone = ZoneInfo(cat.zone_of(agreement))
    day = start.astimezone(zone).date()
    windows = []
    while True:
        s = datetime.combine(day, datetime.min.time(), zone)
        e = datetime.combine(day + timedelta(days=1), datetime.min.time(), zone)
        if s >= end or e > min(end, as_of):
            break
        windows.append(Window(s, e, day.isoformat()))
        day += timedelta(days=1)
    if not windows:
        return []
    got = check_availability(con, cat, customer, windows, agreement, target, as_of)
    per_day = got.groupby("period", sort=False)[["good", "valid"]].sum()
    counts = {str(k): (int(g), int(v)) for k, g, v in per_day.itertuples()}
    return [counts.get(w.label, (0, 0)) for w in windows]


def local_days(start: datetime, end: datetime, zone: str) -> float:
    """The local days from ``start`` to ``end`` (a midnight): the whole days, plus the share of
    ``start``'s own day still to come — days of 23 or 25 hours counted as one day each."""
    tz = ZoneInfo(zone)
    here = start.astimezone(tz)
    midnight = datetime.combine(here.date(), datetime.min.time(), tz)
    following = datetime.combine(here.date() + timedelta(days=1), datetime.min.time(), tz)
    rest = (following - here) / (following - midnight)
    whole = (end.astimezone(tz).date() - following.date()).days
    return max(whole + rest, 0.0) if here < end else 0.0
