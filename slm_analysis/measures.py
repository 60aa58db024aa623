"""Measures: ticket clocks, attainment, availability, satisfaction and volumes per period.

Set-based: calendars are expanded once into ``cal_open`` (epoch seconds with cumulative open
seconds) and every clock is answered by as-of look-ups in DuckDB; no per-incident Python.
Results are DataFrames; notebooks and the CLI only present them.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

import duckdb
import pandas as pd

from . import reliability
from .catalogue import (
    Agreement,
    AvailabilityTarget,
    Catalogue,
    ClockSettings,
    IncidentCountTarget,
    NoDataPolicy,
    OutageDurationTarget,
    ReopenRateTarget,
    SatisfactionTarget,
    TargetModel,
    TicketDurationTarget,
    TicketTimeTarget,
    target_sentence,
    target_title,
)
from .check_availability import check_availability
from .errors import InputError
from .monitoring import CheckOutages, check_outages
from .periods import Period, parse_instant, today_in
from .status import RAG, Status, judge
from .warehouse import inputs, query, row, scalar, sql, temp_table

Z95 = 1.959963984540054


@dataclass(frozen=True)
class TargetVersion:
    """One version of a target (targets change over time) under its agreement."""

    agreement: Agreement
    target: TargetModel
    index: int

    @property
    def key(self) -> str:
        """Unique per customer: two agreements may both have a target ``p3-res``."""
        return f"{self.agreement.id}/{self.target.id}@{self.index}"


def wilson_interval(met: int, n: int, z: float = Z95) -> tuple[float, float] | tuple[None, None]:
    """Wilson score interval for a proportion, in percent; (None, None) when n = 0."""
    if n <= 0:
        return None, None
    p = met / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    lo = 0.0 if met == 0 else max(0.0, 100 * (centre - half))
    hi = 100.0 if met == n else min(100.0, 100 * (centre + half))
    return lo, hi


def versions(cat: Catalogue, customer: str) -> list[TargetVersion]:
    """Every target version of the customer's agreements (all effective dates)."""
    out = []
    for a in cat.agreements_for(customer):
        for i, t in enumerate(a.targets):
            out.append(TargetVersion(a, t, i))
    return out


def as_of_time(
    con: duckdb.DuckDBPyConnection, customer: str, now: datetime | None = None
) -> datetime:
    """When the customer's data ends: the latest instant in its incidents, outages, surveys and
    checks that is not in the future (``now``, default the current instant); ``now`` when it
    has no data. Later timestamps are data-quality findings, not "data as of"."""
    now = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    value = scalar(con, sql("data_end"), {"customer": customer, "now": now})
    return now if value is None else min(value.astimezone(UTC), now)


def resolve_period(
    cat: Catalogue, customer: str, period: Period | str, now: datetime | None = None
) -> Period:
    """``period`` as a Period; relative names (``last-month``) against today in the zone of the
    customer's agreements (the first one's, when they differ)."""
    return Period.parse(period, today_in(customer_zone(cat, customer), now))


def customer_zone(cat: Catalogue, customer: str) -> str:
    """The zone of the customer's period boundaries: its first agreement's, else its own."""
    agreements = cat.agreements_for(customer)
    return cat.zone_of(agreements[0]) if agreements else cat.customer(customer).timezone


def period_window(
    con: duckdb.DuckDBPyConnection,
    cat: Catalogue,
    customer: str,
    period: Period | str,
    now: datetime | None = None,
    as_of: datetime | str | None = None,
) -> tuple[Period, datetime, bool]:
    """The customer's ``period`` resolved, the as-of instant (``as_of`` when given — the
    instant the exports are known to be complete to — else the data's latest timestamp), and
    whether the period is still running then; an ``InputError`` for a period after it."""
    p = resolve_period(cat, customer, period, now)
    agreements = cat.agreements_for(customer, p)
    zone = cat.zone_of(agreements[0]) if agreements else customer_zone(cat, customer)
    moment = given_as_of(as_of, now) or as_of_time(con, customer, now)
    return p, moment, check_period(p, zone, moment)


def given_as_of(as_of: datetime | str | None, now: datetime | None = None) -> datetime | None:
    """A user's as-of instant, checked: not in the future."""
    moment = parse_instant(as_of)
    current = now or datetime.now(UTC)
    if moment is not None and moment > current:
        raise InputError(
            f"as-of {moment:%Y-%m-%d %H:%M} UTC is in the future; the data cannot be complete "
            "to an instant that has not happened"
        )
    return moment


def check_period(period: Period, zone: str, as_of: datetime) -> bool:
    """True when ``period`` is still running at ``as_of`` (its values are to date); an
    ``InputError`` when it starts at or after ``as_of``: nothing of it has happened yet."""
    start, end = period.bounds(zone)
    if start >= as_of:
        kind = period.unit if period.kind == "range" else period.kind
        last = Period.containing(today_in(zone, as_of), kind)
        raise InputError(
            f"period {period} ({period.label()}) starts after the data ends "
            f"({as_of:%Y-%m-%d %H:%M} UTC); choose a period up to {last}, or load "
            "newer exports first"
        )
    return as_of < end


# ---------------------------------------------------------------------------- calendars
def register_calendars(
    con: duckdb.DuckDBPyConnection,
    cat: Catalogue,
    names: set[str],
    start: datetime,
    end: datetime,
    holidays: bool = False,
) -> dict[str, int]:
    """(Re)create the ticket clocks' temp table ``cal_open`` (and with ``holidays``
    ``cal_holiday``) for the named calendars (``calendar_intervals``); the name → id map."""
    ids, tables = calendar_intervals(cat, names, start, end, holidays)
    for table, df in tables.items():
        temp_table(con, table, df)
    return ids


def calendar_intervals(
    cat: Catalogue,
    names: set[str],
    start: datetime,
    end: datetime,
    holidays: bool = False,
) -> tuple[dict[str, int], dict[str, pd.DataFrame]]:
    """The open intervals of the named calendars over [start, end) as epoch seconds with the
    open seconds before each (``cal_open``), and with ``holidays`` the time that would be open
    but for a holiday (``cal_holiday``). Calendars are keyed by a small integer (the name → id
    map returned): as-of joins sort on the key, and integers sort much faster than names."""
    ids = {name: i for i, name in enumerate(sorted(names))}
    tables = {}
    for table, closed in (("cal_open", False), ("cal_holiday", True))[: 2 if holidays else 1]:
        frames = [pd.DataFrame({"calendar": [], "s": [], "e": [], "cum": []})]
        for name, i in ids.items():
            s, e, c = cat.calendar(name).cumulative(start, end, holidays=closed)
            frames.append(pd.DataFrame({"calendar": i, "s": s, "e": e, "cum": c}))
        df = pd.concat(frames, ignore_index=True).astype(
            {"calendar": "int32", "s": "int64", "e": "int64", "cum": "int64"}
        )
        tables[table] = df.sort_values(["calendar", "s"])
    return ids, tables


def planned_work(
    con: duckdb.DuckDBPyConnection,
    cat: Catalogue,
    customer: str,
    services: list[str],
    start: datetime,
    end: datetime,
) -> pd.DataFrame:
    """Planned windows per service: the catalogue's windows occurring in [start, end), and the
    change windows and planned outages loaded for ``customer`` (or for no customer) — never
    another customer's. Columns: service, s, e (epoch seconds), ref (window or record id),
    title, origin (``catalogue``, ``change`` or ``planned outage``)."""
    rows = [
        (svc, int(s.timestamp()), int(e.timestamp()), w.id, w.description, "catalogue")
        for w in cat.maintenance
        for svc in w.services
        if svc in services
        for s, e in w.occurrences(start, end)
    ]
    loaded = query(con, "maintenance_intervals", {"services": services, "customer": customer})
    df = pd.DataFrame(rows, columns=list(loaded.columns))
    out = pd.concat([df, loaded], ignore_index=True)
    return out.astype(
        {"service": "string", "s": "int64", "e": "int64", "ref": "string", "title": "string"}
    )


def _maintenance_intervals(
    con: duckdb.DuckDBPyConnection,
    cat: Catalogue,
    customer: str,
    services: list[str],
    start: datetime,
    end: datetime,
) -> pd.DataFrame:
    """``planned_work``'s intervals: service, s, e."""
    return planned_work(con, cat, customer, services, start, end)[["service", "s", "e"]]


# ---------------------------------------------------------------------------- ticket clocks
@dataclass(frozen=True)
class Clocks:
    """The ticket clocks ``run_clocks`` computed on a connection: whose, as of when, for which
    target versions, and the token its tables carry. A measure given them (instead of running
    them again) checks that they are still the connection's and match what it measures."""

    customer: str
    as_of: datetime
    keys: frozenset[str]  # TargetVersion.key of every version clocked
    explained: bool  # the holiday intervals of the per-incident explanation are prepared
    token: str

    def check(
        self,
        con: duckdb.DuckDBPyConnection,
        customer: str,
        as_of: datetime,
        versions: list[TargetVersion],
    ) -> None:
        """An ``InputError`` unless these clocks answer for ``customer``, ``as_of`` and the
        clocked ``versions`` and are still the ones on ``con``."""
        missing = {v.key for v in versions if isinstance(v.target, CLOCKED)} - self.keys
        current = scalar(con, "select token from clock_run") if _has_run(con) else None
        if (customer, as_of) != (self.customer, self.as_of) or missing or current != self.token:
            raise InputError(
                f"the ticket clocks given are {self.customer!r}'s as of {self.as_of}"
                + ("" if current == self.token else ", since replaced on this connection")
                + f"; {customer!r} as of {as_of} needs its own: pass run_clocks of those, or none"
                + (f" (not clocked: {', '.join(sorted(missing))})" if missing else "")
            )


def _has_run(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(scalar(con, "select count(*) from duckdb_tables() where table_name = 'clock_run'"))


def ticket_clocks(
    con: duckdb.DuckDBPyConnection,
    cat: Catalogue,
    customer: str,
    *,
    as_of: datetime | None = None,
    targets: list[TargetVersion] | None = None,
    clocks: Clocks | None = None,
) -> pd.DataFrame:
    """One row per (response/resolution target version, incident): the clock, explained.
    ``clocks``: a ``run_clocks(..., explain=True)`` of the same customer and as-of to reuse."""
    as_of = as_of or as_of_time(con, customer)
    if clocks is None:
        clocks = run_clocks(con, cat, customer, as_of=as_of, targets=targets, explain=True)
    elif not clocks.explained:
        raise InputError("the ticket clocks given were run without explain=True; rerun them")
    else:
        clocks.check(con, customer, as_of, targets or versions(cat, customer))
    return pd.DataFrame() if clocks is None else query(con, "clock_details")


def run_clocks(
    con: duckdb.DuckDBPyConnection,
    cat: Catalogue,
    customer: str,
    *,
    as_of: datetime | None = None,
    targets: list[TargetVersion] | None = None,
    explain: bool = False,
) -> Clocks | None:
    """Compute every ticket clock of the customer into temp table ``clock_results``, and
    return the handle that measures reusing them take (``Clocks``).

    ``explain`` also prepares the holiday intervals the per-incident explanation needs.
    Returns None (and creates nothing) when the customer has no ticket targets.
    """
    as_of = as_of or as_of_time(con, customer)
    chosen = _prepare_clocks(con, cat, customer, as_of, targets, explain)
    if not chosen:
        return None
    # DuckDB turns an as-of join whose probe side it estimates at < 64 rows into a nested
    # loop; its estimates for the filtered view are far too low (a million rows read as one),
    # and the loop then costs minutes. The look-ups are always as-of joins here.
    before = scalar(con, "select current_setting('asof_loop_join_threshold')")
    con.execute("set asof_loop_join_threshold = 0")
    try:
        con.execute(
            f"create or replace temp table clock_results as {sql('ticket_clock')}",
            {"as_of": int(as_of.timestamp())},
        )
    finally:
        con.execute(f"set asof_loop_join_threshold = {int(before)}")
    token = uuid.uuid4().hex
    con.execute(
        "create or replace temp table clock_run as select $token as token", {"token": token}
    )
    return Clocks(customer, as_of, frozenset(v.key for v in chosen), explain, token)


def _prepare_clocks(
    con: duckdb.DuckDBPyConnection,
    cat: Catalogue,
    customer: str,
    as_of: datetime,
    targets: list[TargetVersion] | None,
    explain: bool,
) -> list[TargetVersion]:
    """The clocks' inputs: calendars, targets, maintenance and the view ``clock_stops``; the
    clocked target versions (none: nothing prepared)."""
    chosen = [
        v
        for v in (targets if targets is not None else versions(cat, customer))
        if isinstance(v.target, CLOCKED)
    ]
    if not chosen:
        return chosen
    earliest = scalar(
        con, "select min(opened_at) from incidents where customer = $c", {"c": customer}
    )
    first = earliest.astimezone(UTC) if earliest else as_of
    horizon = max(
        (v.target.within for v in chosen if isinstance(v.target, TicketTimeTarget)),
        default=timedelta(0),
    )
    services = sorted({s for v in chosen for s in (v.target.services or v.agreement.services)})
    _register_inputs(
        con,
        cat,
        customer,
        chosen,
        first - timedelta(days=7),
        as_of + timedelta(days=60) + horizon * 30,
        services,
        explain,
    )
    return chosen


def _register_inputs(
    con: duckdb.DuckDBPyConnection,
    cat: Catalogue,
    customer: str,
    chosen: list[TargetVersion],
    start: datetime,
    end: datetime,
    services: list[str],
    explain: bool,
) -> None:
    names: set[str] = set()
    for v in chosen:
        if isinstance(v.target, TicketTimeTarget | TicketDurationTarget):
            names.add(v.target.calendar)
        if isinstance(v.target, TicketTimeTarget) and v.target.calendar_by:
            names.update(v.target.calendar_by.map.values())
    ids = register_calendars(con, cat, names, start, end, holidays=explain)
    if len(chosen) > 256:
        raise InputError(
            f"customer {customer!r} has more than 256 ticket, MTTA, MTTR and reopen-rate targets"
        )
    profiles = _state_profiles(chosen)
    rows = [
        _target_row(cat, customer, no, v, ids, profiles[_profile_key(v.agreement.clock)])
        for no, v in enumerate(chosen)
    ]
    df = pd.DataFrame(rows).astype(
        {"target_no": "int64", "calendar": "int32", "calendar_field": "string", "measure": "string"}
    )
    temp_table(con, "clock_targets", df)
    temp_table(con, "clock_state_roles", _state_roles(profiles))
    maintenance = _maintenance_intervals(con, cat, customer, services, start, end)
    temp_table(con, "clock_maintenance", maintenance)
    con.execute(f"create or replace temp view clock_stops as {sql('clock_stops')}")


def _target_row(
    cat: Catalogue,
    customer: str,
    no: int,
    v: TargetVersion,
    ids: dict[str, int],
    profile: int,
) -> dict[str, object]:
    """One row of ``clock_targets``: a ticket target version with its agreement's clock. An
    MTTA (MTTR, reopen-rate) target is a response (resolution) clock with no threshold, marked
    by ``measure``; a reopen rate uses only its stops, on no calendar (-1)."""
    t = v.target
    assert isinstance(t, CLOCKED)
    clock = v.agreement.clock
    by = t.calendar_by if isinstance(t, TicketTimeTarget) else None
    metric = "response_time" if t.metric in ("response_time", "mtta") else "resolution_time"
    stop_bit = 1 if metric == "response_time" else STOP_BITS[clock.resolution_stop]
    threshold = (
        clock.threshold_seconds(t.within, cat.calendar(t.calendar))
        if isinstance(t, TicketTimeTarget)
        else NO_THRESHOLD
    )
    return {
        "target_key": v.key,
        "target_no": no,
        "customer": customer,
        "metric": metric,
        "measure": None if isinstance(t, TicketTimeTarget) else t.metric,
        "calendar": -1 if isinstance(t, ReopenRateTarget) else ids[t.calendar],
        "calendar_field": by.field if by else None,
        "map_values": list(by.map) if by else [],
        "map_calendars": [ids[n] for n in by.map.values()] if by else [],
        "map_thresholds": [
            clock.threshold_seconds(t.within, cat.calendar(n)) for n in by.map.values()
        ]
        if by and isinstance(t, TicketTimeTarget)
        else [],
        "threshold_s": threshold,
        "services": list(t.services or v.agreement.services),
        "priorities": list(t.priority) if t.priority else None,
        "pause_states": list(clock.pause_states),
        "resolved_states": list(clock.resolved_states),
        # closed/cancelled states, the resolution stop and exclude_cancelled reach the SQL as
        # the state profile (clock_state_roles) and the flags the target tests (clock_stops)
        "profile": profile,
        "stop_bit": stop_bit,
        "drop_mask": stop_bit | (8 if clock.exclude_cancelled else 0),
        "reopen": clock.reopen,
        "resolution_start": clock.resolution_start,
        "exclude_maintenance": clock.exclude_maintenance,
        "zone": cat.zone_of(v.agreement),
    }


STOP_BITS = {"resolved": 2, "closed": 4}
# targets measured by ticket clocks: response/resolution targets, and MTTA, MTTR, reopen rate
CLOCKED = (TicketTimeTarget, TicketDurationTarget, ReopenRateTarget)
NO_THRESHOLD = 2**40  # seconds: the clock of an MTTA/MTTR/reopen-rate target never breaches
StateProfile = tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...]]
ROLES = ("resolved", "closed", "cancelled", "initial")


def _profile_key(clock: ClockSettings) -> StateProfile:
    """The state lists that decide how a state history stops a clock (in ``ROLES`` order)."""
    return (
        tuple(clock.resolved_states),
        tuple(clock.closed_states),
        tuple(clock.cancelled_states),
        tuple(clock.initial_states),
    )


def _state_profiles(chosen: list[TargetVersion]) -> dict[StateProfile, int]:
    """A small number for each distinct set of state lists (usually one per customer)."""
    keys = sorted({_profile_key(v.agreement.clock) for v in chosen})
    return {k: i for i, k in enumerate(keys)}


def _state_roles(profiles: dict[StateProfile, int]) -> pd.DataFrame:
    """Temp table ``clock_state_roles``: (profile, state, role) for every ending or initial
    state."""
    rows = [
        (no, state, role)
        for key, no in profiles.items()
        for role, states in zip(ROLES, key, strict=True)
        for state in states
    ]
    df = pd.DataFrame(rows, columns=["profile", "state", "role"])
    return df.astype({"profile": "int64", "state": "string", "role": "string"})


STOP_FINDING_COLUMNS = ["source", "number", "state", "opened_at", "why", "targets"]


def stop_findings(
    con: duckdb.DuckDBPyConnection,
    cat: Catalogue,
    customer: str,
    *,
    as_of: datetime | None = None,
    clocks: Clocks | None = None,
) -> pd.DataFrame:
    """The customer's incidents whose clock stop cannot be known (a data-quality finding).

    A ticket in a closed or cancelled state (or resolved, where resolution stops the clock)
    with no stop time in its fields or state history is not counted and not running; it is
    listed here with its state, why, and the target versions that leave it out.
    ``clocks``: a ``run_clocks`` of the same customer and as-of whose inputs to reuse.
    """
    as_of = as_of or as_of_time(con, customer)
    vs = versions(cat, customer)
    if not any(isinstance(v.target, CLOCKED) for v in vs):
        return pd.DataFrame(columns=STOP_FINDING_COLUMNS)
    if clocks is None:
        _prepare_clocks(con, cat, customer, as_of, None, False)
    else:
        clocks.check(con, customer, as_of, vs)
    return query(con, "stop_findings", {"as_of": int(as_of.timestamp())})


# ---------------------------------------------------------------------------- attainment
ATTAINMENT_COLUMNS = [
    "id", "agreement", "name", "service", "metric", "method", "period", "objective", "warning",
    "achieved", "status", "met", "rag", "in_progress", "n", "n_met", "interval_low",
    "interval_high", "unit", "higher_is_better", "credit_percent", "scheduled_s",
    "period_scheduled_s", "downtime_s", "no_data_s", "coverage", "rolling_period",
    "rolling_achieved", "rolling_n", "sentence", "open", "note", "percentile",
    "values",
]  # fmt: skip
# what is observed of a target in one month (or ISO week): amounts that add up over months, and
# lists that are joined (the elapsed times behind a percentile)
Observation = dict[str, float | list[float]]


def attainment(
    con: duckdb.DuckDBPyConnection,
    cat: Catalogue,
    customer: str,
    period: Period | str,
    *,
    history: int = 1,
    as_of: datetime | None = None,
    now: datetime | None = None,
    clocks: Clocks | None = None,
    availability: pd.DataFrame | None = None,
    rolling: Literal["last", "each"] = "last",
) -> pd.DataFrame:
    """One record per target (agreement and id) and period — the last ``history`` periods up
    to ``period`` — with its status word; the records of ``period`` (of every period, with
    ``rolling="each"``) also carry the rolling twelve-month figure up to its end.

    Every period is measured month by month (week by week for week periods), each month under
    the target version in force then, and the months are added up: a half year over which a
    target changed counts its first months under the old version. ``period`` may be any form
    ``Period.parse`` reads; one that starts after the data ends (``as_of``) is an
    ``InputError``, one still running is measured to date and its targets are *In progress*.
    ``clocks`` reuses a ``run_clocks`` of the same customer and ``as_of`` (checked);
    ``availability`` reuses an ``availability_history`` of the same months.
    """
    end = resolve_period(cat, customer, period, now)
    as_of = as_of or as_of_time(con, customer, now)
    vs = versions(cat, customer)
    for v in vs:
        if _in_force(v, end):
            check_period(end, cat.zone_of(v.agreement), as_of)
    periods = end.history(history)
    years = {p: p.rolling_year() for p in periods if rolling == "each" or p == end}
    units = list(dict.fromkeys(u for p in [*periods, *years.values()] for u in p.units()))
    counts: dict[tuple[str, str], tuple[int, int]] = {}
    clocked: dict[tuple[str, str, str], Observation] = {}
    if clocks is not None:
        clocks.check(con, customer, as_of, vs)
    elif any(isinstance(v.target, CLOCKED) for v in vs):
        clocks = run_clocks(con, cat, customer, as_of=as_of, targets=vs)
    if clocks is not None:
        counts = ticket_counts(con, units)
        if any(isinstance(v.target, TicketDurationTarget | ReopenRateTarget) for v in vs):
            clocked = reliability.clock_observations(con, units, as_of)
    first, last = row(con, sql("incident_feed"), {"customer": customer}) or (None, None)
    inferred = _InferredOutages(con, cat, customer, units, as_of)
    seen = _Sources(
        con,
        cat,
        customer,
        as_of,
        counts,
        _known(availability),
        (first, last),
        inferred,
        clocked,
    )
    seen.measure_availability(vs, units)
    observed: dict[tuple[Period, str], tuple[TargetVersion, Observation]] = {}
    for u in units:
        for v in vs:  # a later version in force in the same month replaces an earlier one
            if _in_force(v, u):
                observed[(u, _name_key(v))] = (v, seen.observe(v, u))
    records = []
    for p in periods:
        for key in dict.fromkeys(_name_key(v) for v in vs if _in_force(v, p)):
            rec = _record(
                cat, [observed[(u, key)] for u in p.units() if (u, key) in observed], p, as_of
            )
            why = next(
                (seen.notes[(key, str(u))] for u in p.units() if (key, str(u)) in seen.notes),
                None,
            )
            if why is not None:  # the data cannot measure it: that says more than any note
                rec["note"] = why
            if p in years:
                year = years[p]
                roll = _record(
                    cat,
                    [observed[(u, key)] for u in year.units() if (u, key) in observed],
                    year,
                    as_of,
                )
                rec.update(
                    rolling_period=str(year),
                    rolling_achieved=roll["achieved"],
                    rolling_n=roll["n"],
                )
            records.append(rec)
    return _distinct_names(cat, pd.DataFrame(records, columns=ATTAINMENT_COLUMNS))


def ticket_counts(
    con: duckdb.DuckDBPyConnection, periods: list[Period]
) -> dict[tuple[str, str], tuple[int, int]]:
    """(target version key, period) → (tickets counted, met), from temp table ``clock_results``:
    a ticket counts in the period holding its ``counted_at`` in its agreement's zone. Counted
    per month (or ISO week) once, then summed over each period's months (weeks)."""
    out: dict[tuple[str, str], tuple[int, int]] = {}
    for unit in sorted({p.unit for p in periods}):
        per_unit: dict[str, dict[str, tuple[int, int]]] = {}
        for key, label, n, met in con.execute(sql("ticket_attainment"), {"unit": unit}).fetchall():
            per_unit.setdefault(label, {})[key] = (n, met)
        for p in (p for p in periods if p.unit == unit):
            for u in p.units():
                for key, (n, met) in per_unit.get(str(u), {}).items():
                    n0, met0 = out.get((key, str(p)), (0, 0))
                    out[(key, str(p))] = (n0 + n, met0 + met)
    return out


def _name_key(v: TargetVersion) -> str:
    """A target across its versions: unique per customer."""
    return f"{v.agreement.id}/{v.target.id}"


def _in_force(v: TargetVersion, p: Period) -> bool:
    return v.target.in_force(p) and v.agreement.in_force(p)


@dataclass
class _Sources:
    """Where a target's observations come from, for one customer and as-of instant."""

    con: duckdb.DuckDBPyConnection
    cat: Catalogue
    customer: str
    as_of: datetime
    counts: dict[tuple[str, str], tuple[int, int]]
    known_availability: dict[tuple[str, str, str], pd.DataFrame]  # from ``_known``
    feed: tuple[datetime | None, datetime | None]  # first and last incident opening
    inferred: _InferredOutages
    # (version key, month or week, service) → MTTA, MTTR, reopen-rate amounts
    clocked: dict[tuple[str, str, str], Observation]
    # (target across versions, month) → why its data cannot measure it (availability's `why`)
    notes: dict[tuple[str, str], str] = field(default_factory=dict)
    by_checks: dict[str, pd.DataFrame] = field(default_factory=dict)  # version key → counts
    # (how it is measured, month or week) → availability_windows rows of that month
    measured: dict[tuple[_Measure, str], pd.DataFrame] = field(default_factory=dict)

    def observe(self, v: TargetVersion, u: Period) -> Observation:
        """The amounts of target version ``v`` in month (week) ``u``, by its metric's
        observer (``_METRICS``)."""
        return _METRICS[_metric_kind(v.target)][0](self, v, u)

    def note(self, v: TargetVersion, u: Period, av: pd.DataFrame) -> None:
        """Keep why the data cannot measure a service of ``v`` in ``u`` (availability's
        ``why``), for the record's note."""
        for why in av["why"].dropna():
            self.notes.setdefault((_name_key(v), str(u)), str(why))

    def availability(
        self, v: TargetVersion, t: AvailabilityTarget | OutageDurationTarget, u: Period
    ) -> pd.DataFrame:
        """``availability`` of the target's services and service hours in month (week) ``u``:
        from the batch ``measure_availability`` gave, else measured now."""
        m = _Measure.of(self.cat, v.agreement, t)
        if (m, str(u)) not in self.measured:
            self.measured.update(
                availability_by_period(
                    self.con, self.cat, self.customer, [(m, u)], self.as_of, self.inferred
                )
            )
        return self.measured[(m, str(u))]

    def measure_availability(self, vs: list[TargetVersion], units: list[Period]) -> None:
        """Measure at once the availability of every month (week) in ``units`` that a version
        in ``vs`` measured from outages needs and the known history does not hold."""
        wanted = []
        for u in units:
            for v in vs:
                t = v.target
                by_outages = isinstance(t, OutageDurationTarget) or (
                    isinstance(t, AvailabilityTarget) and t.method == "time"
                    and (v.agreement.id, t.id, str(u)) not in self.known_availability
                )  # fmt: skip
                if by_outages and _in_force(v, u):
                    assert isinstance(t, AvailabilityTarget | OutageDurationTarget)
                    wanted.append((_Measure.of(self.cat, v.agreement, t), u))
        self.measured.update(
            availability_by_period(
                self.con, self.cat, self.customer, wanted, self.as_of, self.inferred
            )
        )


# ---------------------------------------------------------------------------- per metric
# Each metric: how one month (week) of a target version is observed from its sources, and how
# the observations of a period, added up (``total``: the amounts; ``added``: also the lists a
# percentile needs), give the record's achieved value, unit and what goes with them.
Observer = Callable[[_Sources, TargetVersion, Period], Observation]
Achiever = Callable[[Any, dict[str, float], Observation], dict[str, object]]


def _metric_kind(t: TargetModel) -> tuple[type, str | None]:
    """The key of ``_METRICS``: the target's class, and for availability whether it is
    measured from outages (``time``) or from check results (``checks``)."""
    if isinstance(t, AvailabilityTarget):
        return (AvailabilityTarget, "time" if t.method == "time" else "checks")
    return (type(t), None)


def _observe_ticket_times(s: _Sources, v: TargetVersion, u: Period) -> Observation:
    n, met = s.counts.get((v.key, str(u)), (0, 0))
    return {"n": float(n), "n_met": float(met)}


def _observe_clocked(s: _Sources, v: TargetVersion, u: Period) -> Observation:
    return reliability.clock_observation(s.clocked, v.key, u)


def _observe_outage_durations(s: _Sources, v: TargetVersion, u: Period) -> Observation:
    assert isinstance(v.target, OutageDurationTarget)
    av = s.availability(v, v.target, u)
    s.note(v, u, av)
    return reliability.outage_observation(av, u)


def _observe_by_checks(s: _Sources, v: TargetVersion, u: Period) -> Observation:
    """Events or time slices: every month of the run measured at once (one scan), then read."""
    t = v.target
    assert isinstance(t, AvailabilityTarget)
    if v.key not in s.by_checks:
        s.by_checks[v.key] = check_availability(
            s.con, s.cat, s.customer, s.inferred.periods, v.agreement, t, s.as_of
        )
    got = s.by_checks[v.key]
    got = got[got["period"] == str(u)]
    whole = got["period_slices"].sum() if t.method == "timeslices" else 0
    return {"n": float(got["valid"].sum()), "n_met": float(got["good"].sum()),
            "period_slices": float(whole)}  # fmt: skip


def _observe_by_outages(s: _Sources, v: TargetVersion, u: Period) -> Observation:
    t = v.target
    assert isinstance(t, AvailabilityTarget)
    known = s.known_availability.get((v.agreement.id, t.id, str(u)))
    av = s.availability(v, t, u) if known is None else known
    s.note(v, u, av)
    return {
        "n": float(av["outages"].sum()),
        "scheduled_s": float(av["scheduled_s"].sum()),
        "downtime_s": float(av["downtime_s"].sum()),
        "period_scheduled_s": float(av["period_scheduled_s"].sum()),
        "no_data_s": float(av["no_data_s"].fillna(0).sum()),
    }


def _observe_satisfaction(s: _Sources, v: TargetVersion, u: Period) -> Observation:
    t = v.target
    assert isinstance(t, SatisfactionTarget)
    sat = satisfaction(
        s.con, s.customer, [u], services=t.services or v.agreement.services,
        zone=s.cat.zone_of(v.agreement), satisfied_from=t.satisfied_from,
    )  # fmt: skip
    responses = float(sat["responses"].sum())
    return {
        "n": responses,
        "n_met": float(sat["satisfied"].sum()),
        "score": float(sat["mean_score"].fillna(0).iloc[0]) * responses,
        "scores": [float(x) for x in sat["scores"].iloc[0]],
    }


def _observe_incident_count(s: _Sources, v: TargetVersion, u: Period) -> Observation:
    t = v.target
    assert isinstance(t, IncidentCountTarget)
    zone = s.cat.zone_of(v.agreement)
    start, end = u.bounds(zone)
    first, last = s.feed
    if first is None or last is None or first >= end or last < start:  # outside the feed
        return {"n": 0, "covered": 0, "units": 1}
    services = t.services or v.agreement.services
    vol = volumes(s.con, s.customer, [u], services=services, zone=zone)
    rows = vol[vol["priority"].isin(t.priority)] if t.priority else vol
    return {"n": float(rows["opened"].sum()), "covered": 1, "units": 1}


def _share_met(t: Any, total: dict[str, float], added: Observation) -> dict[str, object]:
    """Tickets within their target, or satisfied responses: met / n with its interval."""
    n, met = int(total.get("n", 0)), int(total.get("n_met", 0))
    lo, hi = wilson_interval(met, n)
    return {
        "unit": "%",
        "n_met": met,
        "achieved": 100.0 * met / n if n else None,
        "interval_low": lo,
        "interval_high": hi,
    }


def _achieved_by_checks(t: Any, total: dict[str, float], added: Observation) -> dict[str, object]:
    """Good / valid check results or slices, summed over the months."""
    n, whole = int(total.get("n", 0)), total.get("period_slices", 0.0)
    return {
        "unit": "%",
        "n_met": int(total.get("n_met", 0)),
        "achieved": 100.0 * total["n_met"] / n if n else None,
        "coverage": n / whole if whole > 0 else None,
    }


def _achieved_by_outages(t: Any, total: dict[str, float], added: Observation) -> dict[str, object]:
    sched, whole = total["scheduled_s"], total["period_scheduled_s"]
    return {
        "unit": "%",
        "scheduled_s": sched,
        "period_scheduled_s": whole,
        "downtime_s": total["downtime_s"],
        "no_data_s": total.get("no_data_s", 0.0),
        "achieved": 100.0 * (sched - total["downtime_s"]) / sched if sched > 0 else None,
        "coverage": sched / whole if whole > 0 else None,
    }


def _achieved_count(t: Any, total: dict[str, float], added: Observation) -> dict[str, object]:
    covered = total["covered"]
    return {
        "unit": "incidents",
        "achieved": float(int(total.get("n", 0))) if covered else None,
        "coverage": covered / total["units"],
    }


def _achieved_satisfaction(
    t: Any, total: dict[str, float], added: Observation
) -> dict[str, object]:
    if t.measure != "mean":
        return _share_met(t, total, added)
    n = int(total.get("n", 0))
    scores = added.get("scores", [])
    assert isinstance(scores, list)
    return {"unit": f"/ {t.scale}", "achieved": total["score"] / n if n else None, "values": scores}


def _achieved_reliability(t: Any, total: dict[str, float], added: Observation) -> dict[str, object]:
    return reliability.achieved(t, added)


_METRICS: dict[tuple[type, str | None], tuple[Observer, Achiever]] = {
    (TicketTimeTarget, None): (_observe_ticket_times, _share_met),
    (TicketDurationTarget, None): (_observe_clocked, _achieved_reliability),
    (ReopenRateTarget, None): (_observe_clocked, _achieved_reliability),
    (OutageDurationTarget, None): (_observe_outage_durations, _achieved_reliability),
    (AvailabilityTarget, "time"): (_observe_by_outages, _achieved_by_outages),
    (AvailabilityTarget, "checks"): (_observe_by_checks, _achieved_by_checks),
    (SatisfactionTarget, None): (_observe_satisfaction, _achieved_satisfaction),
    (IncidentCountTarget, None): (_observe_incident_count, _achieved_count),
}


def _record(
    cat: Catalogue,
    parts: list[tuple[TargetVersion, Observation]],
    p: Period,
    as_of: datetime,
) -> dict[str, object]:
    """The record of a target over period ``p`` from its months' observations, described and
    judged by the version in force at the last of them."""
    v = parts[-1][0]
    t = v.target
    added = reliability.add_up(obs for _, obs in parts)
    total = {k: x for k, x in added.items() if not isinstance(x, list)}
    services = t.services or v.agreement.services
    objective, warning = _objectives(t, v.agreement, p, int(total.get("covered", 0)))
    in_progress = as_of < p.bounds(cat.zone_of(v.agreement))[1]
    rec: dict[str, object] = {
        "id": t.id,
        "agreement": v.agreement.id,
        "name": target_title(cat, t, services),
        "service": ", ".join(services),
        "metric": t.metric,
        "method": t.method if isinstance(t, AvailabilityTarget) else None,
        "period": str(p),
        "objective": objective,
        "warning": warning,
        "higher_is_better": t.higher_is_better,
        "sentence": target_sentence(cat, t, v.agreement),
        "credit_percent": 0.0,
        "in_progress": in_progress,
        "n": int(total.get("n", 0)),
    }
    rec.update(_METRICS[_metric_kind(t)][1](t, total, added))
    achieved = rec["achieved"]
    assert achieved is None or isinstance(achieved, float)
    # an MTBF without failures has no value; it is judged on its failure-free time, never Missed
    judged = rec.pop("judged", achieved)
    assert judged is None or isinstance(judged, float)
    status = judge(judged, objective, warning, t.higher_is_better, in_progress=in_progress)
    if status is Status.MISSED and rec.get("note") == reliability.NO_FAILURES:
        status = Status.NO_DATA
    rec.update(
        status=str(status),
        rag=RAG[status],
        met={Status.MET: True, Status.AT_RISK: True, Status.MISSED: False}.get(status),
    )
    if status in (Status.MET, Status.AT_RISK, Status.MISSED) and t.credits:
        assert judged is not None
        rec["credit_percent"] = max(
            (c.credit_percent for c in t.credits if c.applies(judged)), default=0.0
        )
    return rec


def _objectives(
    t: TargetModel, a: Agreement, p: Period, covered: int = 0
) -> tuple[float, float | None]:
    """The objective and warning level for period ``p``. An incident count's are per review
    period of the agreement (a month or a quarter), so they scale with the months (weeks) the
    incident feed ``covered`` (all of ``p`` when none): a quarter has three times a month's
    allowance, a week 12/52 of it, a quarter whose first month precedes the feed two months'."""
    if not isinstance(t, IncidentCountTarget):
        return t.objective, t.warning
    per_month = 1 / (3 if a.review_period == "quarter" else 1)
    scale = per_month * (covered or p.count) * (12 / 52 if p.unit == "week" else 1)
    return t.objective * scale, None if t.warning is None else t.warning * scale


def target_names(cat: Catalogue, customer: str, period: Period) -> dict[str, str]:
    """``agreement/id`` → the name ``attainment`` gives each of the customer's targets in
    force in ``period`` (the last version's title, made distinct across agreements), without
    measuring anything."""
    rows = {
        (a.id, t.id): target_title(cat, t, t.services or a.services)
        for a, t in cat.targets_for(customer, period)
    }  # a later version replaces an earlier one, as in attainment's records
    df = pd.DataFrame(
        [(a, t, n) for (a, t), n in rows.items()], columns=["agreement", "id", "name"]
    )
    df = _distinct_names(cat, df)
    return dict(zip(df["agreement"] + "/" + df["id"], df["name"], strict=True))


def _distinct_names(cat: Catalogue, df: pd.DataFrame) -> pd.DataFrame:
    """Targets of different agreements with the same name get the agreement's in brackets."""
    clash = df.groupby("name")["agreement"].transform("nunique") > 1
    if clash.any():
        names = {a.id: a.name or a.id for a in cat.agreements}
        df.loc[clash, "name"] = (
            df.loc[clash, "name"] + " (" + df.loc[clash, "agreement"].map(names) + ")"
        )
    return df


# ---------------------------------------------------------------------------- availability
def availability(
    con: duckdb.DuckDBPyConnection,
    cat: Catalogue,
    customer: str,
    period: Period | str,
    *,
    target: str | None = None,
    as_of: datetime | str | None = None,
    now: datetime | None = None,
) -> pd.DataFrame:
    """The customer's time-based availability targets in force in ``period`` (any form
    ``Period.parse`` reads; default as-of: when its data ends), per target and service: the
    ``availability_history`` rows of that one period (``AVAILABILITY_HISTORY_COLUMNS``), or of
    one ``target`` id."""
    p, moment, _ = period_window(con, cat, customer, period, as_of=as_of, now=now)
    out = availability_history(con, cat, customer, [p], moment)
    return out if target is None else out[out["id"] == target].reset_index(drop=True)


def service_availability(
    con: duckdb.DuckDBPyConnection,
    cat: Catalogue,
    customer: str,
    period: Period,
    *,
    services: list[str],
    calendar: str,
    partial_weight: float,
    zone: str,
    as_of: datetime,
    no_data: NoDataPolicy = "exclude",
    inferred: CheckOutages | None = None,
) -> pd.DataFrame:
    """Per service: scheduled and unplanned-down seconds of ``calendar`` time in the period,
    over the time its outage feed covers (``availability_between`` the period's bounds).
    """
    start, end = period.bounds(zone)
    return availability_between(
        con, cat, customer, start, end, services=services, calendar=calendar,
        partial_weight=partial_weight, zone=zone, as_of=as_of, no_data=no_data,
        inferred=inferred,
    )  # fmt: skip


def availability_between(
    con: duckdb.DuckDBPyConnection,
    cat: Catalogue,
    customer: str,
    start: datetime,
    end: datetime,
    *,
    services: list[str],
    calendar: str,
    partial_weight: float,
    zone: str,
    as_of: datetime,
    no_data: NoDataPolicy = "exclude",
    inferred: CheckOutages | None = None,
) -> pd.DataFrame:
    """Per service: scheduled and unplanned-down seconds of ``calendar`` time in [``start``,
    ``end``) — a period, or any window such as a burn-rate window (``budgets``) —, over the
    time its outage feed covers: ``availability_windows`` of that one window."""
    return availability_windows(
        con, cat, customer, [(start, end)], services=services, calendar=calendar,
        partial_weight=partial_weight, zone=zone, as_of=as_of, no_data=no_data,
        inferred=inferred,
    ).drop(columns="window")  # fmt: skip


def availability_windows(
    con: duckdb.DuckDBPyConnection,
    cat: Catalogue,
    customer: str,
    windows: list[tuple[datetime, datetime]],
    *,
    services: list[str],
    calendar: str,
    partial_weight: float,
    zone: str,
    as_of: datetime,
    no_data: NoDataPolicy = "exclude",
    inferred: CheckOutages | None = None,
) -> pd.DataFrame:
    """Per window [start, end) (column ``window``: its place in ``windows``) and service:
    scheduled and unplanned-down seconds of ``calendar`` time, over the time its outage feed
    covers (see sql/availability.sql); ``zone`` places monitored_since. Every window is
    measured on its own, all in one query — months of a history, or burn-rate windows.

    Overlapping outages are merged (the heaviest impact wins), planned maintenance is excluded
    from both scheduled time and downtime. ``monitored`` is false for a service with no feed at
    all; ``scheduled_s`` is 0 when the feed covers none of the window (before it starts, or
    after ``as_of``): its availability is unknown, not 100 %.

    A service with a catalogue ``monitoring`` block also has the outages inferred from its
    checks (``monitoring.check_outages``), as full outages merged with the recorded ones; the
    time its checks do not cover (and no record does) is ``no_data_s``, counted by the
    agreement's ``no_data`` policy: ``exclude`` (neither scheduled nor down), ``up`` or
    ``down``. Instants are whole seconds here (inferred stretches are rounded to the second).
    ``inferred``: a ``check_outages`` answer to reuse — of this customer and ``as_of``, over a
    span holding every window, for every monitored service (an ``InputError`` otherwise) —
    so that months measured in a row do not each read every check result again.

    A service whose only feed is a status-page day table (``downtime_days``; no unplanned
    outage record, no ``monitoring``) is measured from its days (sql/day_availability.sql) —
    over a 24x7 calendar only, and only a window of whole days of the table: otherwise its row
    says ``why`` (a sentence; null on every other row) and has no scheduled time (no data),
    never a number the days cannot support.
    """
    first, last = min(w[0] for w in windows), max(w[1] for w in windows)
    maint = _maintenance_intervals(con, cat, customer, services, first, last)
    monitored = [s for s in services if cat.service(s).monitoring is not None]
    if monitored and inferred is not None:
        _check_inferred(inferred, customer, as_of, first, last, monitored)
    elif monitored:
        inferred = check_outages(con, cat, customer, first, last, as_of=as_of, services=monitored)
    found = query(con, "day_table_services", {"customer": customer, "services": services})
    by_days = [s for s in found["service"] if s not in monitored]
    exact = cat.calendar(calendar).always_open
    bounds = {
        "customer": customer,
        "win_ps": [int(s.timestamp()) for s, _ in windows],
        "win_pe": [int(e.timestamp()) for _, e in windows],
        "as_of": int(as_of.timestamp()),
        "partial_weight": partial_weight,
        "no_data": no_data,
    }
    frames = []
    if exact and by_days:
        frames.append(_by_days(con, bounds, by_days, maint))
    rest = [s for s in services if not (exact and s in by_days)]
    frames.append(_by_outages(con, cat, bounds, rest, calendar, zone, maint, inferred))
    out = pd.concat([f for f in frames if len(f)] or frames[-1:], ignore_index=True)
    return _day_table_limits(cat, out, by_days, calendar, zone)


def _by_days(
    con: duckdb.DuckDBPyConnection,
    window: dict[str, Any],
    services: list[str],
    maint: pd.DataFrame,
) -> pd.DataFrame:
    """Availability of ``services`` from their status-page day tables (day_availability.sql)."""
    return query(
        con,
        "day_availability",
        {
            **window,
            "services": services,
            "m_service": maint["service"].astype(str).tolist(),
            "m_s": maint["s"].tolist(),
            "m_e": maint["e"].tolist(),
        },
    )


def _by_outages(
    con: duckdb.DuckDBPyConnection,
    cat: Catalogue,
    window: dict[str, Any],
    services: list[str],
    calendar: str,
    zone: str,
    maint: pd.DataFrame,
    inferred: CheckOutages | None,
) -> pd.DataFrame:
    """Availability of ``services`` from outage records and the outages ``inferred`` from
    checks (availability.sql), over the calendar's open time: its intervals and the planned
    windows are the query's inputs, gone when it is done."""
    day = 86_400
    ids, cal = calendar_intervals(
        cat,
        {calendar},
        datetime.fromtimestamp(min(window["win_ps"]) - day, UTC),
        datetime.fromtimestamp(max(window["win_pe"]) + day, UTC),
    )
    since = {
        s: int(_local_midnight(cat.service(s).monitored_since, zone))
        for s in services
        if cat.service(s).monitored_since is not None
    }
    down = gaps = pd.DataFrame(columns=["service", "start_at", "end_at"])
    first_checks: dict[str, datetime] = {}
    if inferred is not None:
        down, gaps = inferred.down, inferred.no_data
        first_checks = {s: t for s, t in inferred.first_results.items() if s in services}
    params = {
        **window,
        "services": services,
        "calendar": ids[calendar],
        "since_services": list(since),
        "since": list(since.values()),
        "check_services": list(first_checks),
        "first_check": [round(t.timestamp()) for t in first_checks.values()],
        **_stretches("inf", down),
        **_stretches("gap", gaps),
    }
    with inputs(con, {"avail_calendar": cal["cal_open"], "avail_maintenance": maint}):
        return query(con, "availability", params)


def _day_table_limits(
    cat: Catalogue, av: pd.DataFrame, by_days: list[str], calendar: str, zone: str
) -> pd.DataFrame:
    """``av`` sorted by window and service with column ``why``: for each service measured by a
    day table alone that the days cannot measure — a calendar that is not 24x7, or days that
    straddle the window's bounds — the reason, and no scheduled time or downtime (no data)."""
    cal = cat.calendar(calendar)
    misaligned = av["misaligned"].fillna(False) if "misaligned" in av else False
    av = av.assign(misaligned=misaligned).sort_values(["window", "service"], ignore_index=True)
    why: list[str | None] = []
    for service, misplaced in zip(av["service"].astype(str), av["misaligned"], strict=True):
        if service in by_days and not cal.always_open:
            why.append(
                f"{service}: its only outage feed is a status-page day table, which gives "
                "the minutes of downtime per day but not when in the day they were, so it "
                f"cannot measure service hours ({calendar}: {cal.describe()}); measure it over "
                "a 24x7 calendar, or load its outage windows (statuspage-downtime) or checks"
            )
        elif service in by_days and misplaced:
            why.append(
                f"{service}: the days of its status-page day table do not start at the "
                f"period's midnights in {zone}; load the table again with --timezone {zone}"
            )
        else:
            why.append(None)
    av["why"] = pd.Series(why, dtype=object)
    refused = av["why"].notna()
    av.loc[refused, ["scheduled_s", "downtime_s", "no_data_s", "maintenance_s", "outages"]] = 0
    av.loc[refused, "monitored"] = True
    return av.drop(columns="misaligned")


def _check_inferred(
    inferred: CheckOutages,
    customer: str,
    as_of: datetime,
    start: datetime,
    end: datetime,
    services: list[str],
) -> None:
    """An ``InputError`` unless ``inferred`` answers for this customer, as-of instant, window
    and services."""
    stop = max(start, min(end, as_of))
    missing = [s for s in services if s not in inferred.settings]
    if (
        inferred.customer != customer
        or inferred.as_of != as_of
        or inferred.start > start
        or inferred.stop < stop
        or missing
    ):
        raise InputError(
            f"the inferred outages given are {inferred.customer!r}'s as of {inferred.as_of} over "
            f"[{inferred.start}, {inferred.stop}) for {', '.join(inferred.settings) or 'none'}; "
            f"this availability needs {customer!r}'s as of {as_of} over [{start}, {stop}) for "
            f"{', '.join(services)}: pass check_outages of those, or none"
        )


class _InferredOutages:
    """Outages inferred from checks over all the periods measured together, once per zone:
    each month clips the same answer (a month's start state depends on every earlier result,
    so inferring month by month would read them all again each time)."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        cat: Catalogue,
        customer: str,
        periods: list[Period],
        as_of: datetime,
    ) -> None:
        self.con, self.cat, self.customer, self.periods, self.as_of = (
            con, cat, customer, periods, as_of
        )  # fmt: skip
        self.monitored = [
            s for s in cat.services_of(customer) if cat.service(s).monitoring is not None
        ]
        self._by_zone: dict[str, CheckOutages] = {}

    def get(self, zone: str) -> CheckOutages | None:
        if not self.monitored or not self.periods:
            return None
        if zone not in self._by_zone:
            bounds = [p.bounds(zone) for p in self.periods]
            self._by_zone[zone] = check_outages(
                self.con,
                self.cat,
                self.customer,
                min(b[0] for b in bounds),
                max(b[1] for b in bounds),
                as_of=self.as_of,
                services=self.monitored,
            )
        return self._by_zone[zone]


def _stretches(prefix: str, df: pd.DataFrame) -> dict[str, list[object]]:
    """Stretches as the parallel lists availability.sql binds: service, start and end in epoch
    seconds (rounded to the nearest second)."""

    def seconds(col: str) -> list[object]:
        return [round(pd.Timestamp(t).timestamp()) for t in df[col]]

    return {
        f"{prefix}_service": [str(s) for s in df["service"]],
        f"{prefix}_s": seconds("start_at"),
        f"{prefix}_e": seconds("end_at"),
    }


def _local_midnight(day: date | None, zone: str) -> float:
    assert day is not None
    return datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(zone)).timestamp()


@dataclass(frozen=True)
class _Measure:
    """How an availability (or outage-duration) target version measures: what
    ``availability_windows`` takes besides the windows."""

    services: tuple[str, ...]
    calendar: str
    partial_weight: float
    zone: str
    no_data: NoDataPolicy

    @classmethod
    def of(
        cls, cat: Catalogue, a: Agreement, t: AvailabilityTarget | OutageDurationTarget
    ) -> _Measure:
        return cls(
            tuple(t.services or a.services), t.calendar, t.partial_weight, cat.zone_of(a),
            a.monitoring.no_data,
        )  # fmt: skip


def availability_by_period(
    con: duckdb.DuckDBPyConnection,
    cat: Catalogue,
    customer: str,
    wanted: list[tuple[_Measure, Period]],
    as_of: datetime,
    inferred: _InferredOutages,
) -> dict[tuple[_Measure, str], pd.DataFrame]:
    """(how, period) → the ``availability_windows`` rows of that period, for every pair
    ``wanted``: one query per way of measuring, over all its periods."""
    by_measure: dict[_Measure, list[Period]] = {}
    for m, p in wanted:
        if p not in by_measure.setdefault(m, []):
            by_measure[m].append(p)
    out: dict[tuple[_Measure, str], pd.DataFrame] = {}
    for m, ps in by_measure.items():
        df = availability_windows(
            con, cat, customer, [p.bounds(m.zone) for p in ps], services=list(m.services),
            calendar=m.calendar, partial_weight=m.partial_weight, zone=m.zone, as_of=as_of,
            no_data=m.no_data, inferred=inferred.get(m.zone),
        )  # fmt: skip
        parts = dict(iter(df.groupby("window", sort=False)))
        for k, p in enumerate(ps):
            part = parts.get(k, df.iloc[:0])
            out[(m, str(p))] = part.drop(columns="window").reset_index(drop=True)
    return out


AVAILABILITY_HISTORY_COLUMNS = [
    "agreement", "id", "objective", "period", "service", "period_scheduled_s", "scheduled_s",
    "maintenance_s", "downtime_s", "outages", "monitored", "covered_from", "no_data_s",
    "coverage", "availability", "budget_s", "why",
]  # fmt: skip


def availability_history(
    con: duckdb.DuckDBPyConnection,
    cat: Catalogue,
    customer: str,
    periods: list[Period],
    as_of: datetime,
) -> pd.DataFrame:
    """``availability`` of every availability target in force, per service and period, with
    the availability % (NaN where the feed covers none of the period), the share of the period
    covered and the downtime budget of the covered time."""
    wanted = [
        (p, a, t, _Measure.of(cat, a, t))
        for p in periods
        for a, t in cat.targets_for(customer, p)
        if isinstance(t, AvailabilityTarget) and t.method == "time"
    ]  # events and timeslices targets are not measured in outage time
    inferred = _InferredOutages(con, cat, customer, periods, as_of)
    measured = availability_by_period(
        con, cat, customer, [(m, p) for p, _, _, m in wanted], as_of, inferred
    )
    frames = []
    for p, a, t, m in wanted:
        df = measured[(m, str(p))].copy()
        df.insert(0, "period", str(p))
        df.insert(0, "objective", t.objective)
        df.insert(0, "id", t.id)
        df.insert(0, "agreement", a.id)
        frames.append(df)
    if not frames:
        return pd.DataFrame(columns=AVAILABILITY_HISTORY_COLUMNS)
    out = pd.concat(frames, ignore_index=True)
    covered = out["scheduled_s"] > 0
    share = 100 * (out["scheduled_s"] - out["downtime_s"]) / out["scheduled_s"].where(covered)
    out["availability"] = share
    out["coverage"] = out["scheduled_s"] / out["period_scheduled_s"].where(
        out["period_scheduled_s"] > 0
    )
    out["budget_s"] = out["scheduled_s"] * (1 - out["objective"] / 100)
    return out[AVAILABILITY_HISTORY_COLUMNS]


def _known(history: pd.DataFrame | None) -> dict[tuple[str, str, str], pd.DataFrame]:
    """The rows of an ``availability_history`` by (agreement, target, period)."""
    if history is None:
        return {}
    groups = history.groupby(["agreement", "id", "period"], sort=False)
    return {(str(a), str(t), str(p)): rows for (a, t, p), rows in groups}


# ---------------------------------------------------------------------------- satisfaction
def satisfaction(
    con: duckdb.DuckDBPyConnection,
    customer: str,
    periods: list[Period],
    *,
    services: list[str],
    zone: str,
    satisfied_from: int = 4,
) -> pd.DataFrame:
    """Responses, mean score and satisfied count per period."""
    frames = []
    for p in periods:
        s, e = p.bounds(zone)
        df = query(
            con,
            "satisfaction",
            {
                "customer": customer,
                "services": services,
                "ps": s,
                "pe": e,
                "satisfied_from": satisfied_from,
            },
        )
        df.insert(0, "period", str(p))
        frames.append(df)
    return pd.concat(frames, ignore_index=True)


# ---------------------------------------------------------------------------- volumes
def volumes(
    con: duckdb.DuckDBPyConnection,
    customer: str,
    periods: list[Period],
    *,
    services: list[str] | None = None,
    zone: str,
    ended_states: list[str] | None = None,
) -> pd.DataFrame:
    """Per period and priority: opened, resolved, backlog at period end, major incidents. An
    incident without resolved_at ended at its history's first entry into one of
    ``ended_states`` (see ``ended_states``), else at closed_at."""
    frames = []
    for p in periods:
        s, e = p.bounds(zone)
        params = {"customer": customer, "services": services, "ps": s, "pe": e,
                  "ended_states": ended_states or []}  # fmt: skip
        df = query(con, "volumes", params)
        df.insert(0, "period", str(p))
        frames.append(df)
    return pd.concat(frames, ignore_index=True)


def ended_states(cat: Catalogue, customer: str) -> list[str]:
    """The states in which the customer's agreements consider a ticket ended: resolved,
    closed or cancelled."""
    states: dict[str, None] = {}
    for a in cat.agreements_for(customer):
        c = a.clock
        states.update(dict.fromkeys([*c.resolved_states, *c.closed_states, *c.cancelled_states]))
    return list(states)
