"""Error budgets and burn rates for every target (docs/metrics.md, *Error budgets and burn
rates*).

A target's error budget is what its objective allows to go wrong in its period: downtime for
an availability target, missed tickets for a response or resolution target, unsatisfied
responses for a percent-satisfied target, incidents for an incident count.

- ``error_budgets``: the allowance, the part consumed and the part remaining of every record
  of a ``measures.attainment`` frame (pure arithmetic, exact: no database);
- ``burn_rates``: how fast the budget burns over windows ending at an instant (availability
  by the availability measure itself over each window, tickets in
  ``sql/budget_ticket_windows.sql``);
- ``burn_alerts``: the multiwindow multi-burn-rate alert rule;
- ``exhaustion`` / ``exhausted_at``: when the budget runs out at the current burn, or when
  it ran out;
- ``report`` (or ``measure``, which also runs the attainment) does all of it for one
  customer.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from fractions import Fraction
from typing import Any
from zoneinfo import ZoneInfo

import duckdb
import pandas as pd

from . import measures
from .catalogue import Agreement, AvailabilityTarget, Catalogue, TicketTimeTarget
from .check_availability import Window, check_availability
from .errors import InputError
from .measures import TargetVersion
from .monitoring import check_outages
from .periods import Period, today_in
from .warehouse import query

# burn-rate windows by name, in seconds: the four long windows and the short ones that pair
# with them in the alert rule
WINDOWS: dict[str, int] = {
    "5m": 300, "30m": 1_800, "1h": 3_600, "2h": 7_200, "6h": 21_600, "1d": 86_400,
    "3d": 259_200,
}  # fmt: skip
LONG_WINDOWS = ("1h", "6h", "1d", "3d")
# the window whose burn is "current" for the exhaustion date: the first that has a burn rate
CURRENT_WINDOWS = ("1d", "3d")
TICKET_METRICS = ("response_time", "resolution_time")
# what an availability target measured from check results allows to go wrong, by method
CHECK_UNITS = {"events": "bad check results", "timeslices": "bad slices"}
Row = Mapping[Any, Any]  # a record of a frame
Amounts = dict[str, Any]  # the budget columns of one record


@dataclass(frozen=True)
class AlertRule:
    """Alert when both windows burn faster than ``budget_fraction`` of the period's budget
    spent over the long window would."""

    severity: str
    budget_fraction: Fraction
    long_window: str
    short_window: str


# the SRE workbook's pairs (as Sloth encodes them for 30 days)
ALERT_RULES = (
    AlertRule("page", Fraction(2, 100), "1h", "5m"),
    AlertRule("page", Fraction(5, 100), "6h", "30m"),
    AlertRule("ticket", Fraction(10, 100), "1d", "2h"),
    AlertRule("ticket", Fraction(10, 100), "3d", "6h"),
)

BUDGET_COLUMNS = [
    "agreement", "id", "name", "metric", "period", "objective", "in_progress", "unit",
    "basis", "projected", "basis_amount", "error_budget_target", "allowed", "consumed",
    "remaining", "consumed_percent", "state",
]  # fmt: skip
BURN_COLUMNS = [
    "agreement", "id", "metric", "objective", "window", "start", "end", "valid", "bad",
    "burn_rate",
]  # fmt: skip
ALERT_COLUMNS = [
    "agreement", "id", "severity", "long_window", "short_window", "budget_fraction",
    "threshold", "long_burn_rate", "short_burn_rate", "fires",
]  # fmt: skip
EXHAUSTION_COLUMNS = [
    "agreement", "id", "period", "current_window", "current_burn_rate", "exhaustion_at",
    "current_valid",
]  # fmt: skip


# ---------------------------------------------------------------------------- exact arithmetic
def error_budget_target(objective: float) -> Fraction:
    """1 − objective, the share that may go wrong, exactly: an objective as written (99.9 %
    is 999/1000 of it, not the float nearest 99.9)."""
    return (100 - Fraction(str(objective))) / 100


def allowed_misses(objective: float, n: Fraction | int) -> int:
    """⌊(1 − objective) × n⌋: the misses a percent target allows among n. Whole misses: 0.9
    allowed misses means that none may be missed, and met/n ≥ objective holds exactly when
    the misses are at most this many."""
    return math.floor(error_budget_target(objective) * Fraction(n))


def projected_count(n: int, start: datetime, end: datetime, as_of: datetime) -> Fraction:
    """n counted in [start, as_of) extrapolated to the period [start, end) by wall-clock time:
    n × (end − start) / (as_of − start)."""
    us = timedelta(microseconds=1)
    return Fraction(n) * ((end - start) // us) / ((as_of - start) // us)


def budget_state(remaining: float, allowed: float) -> str:
    """``within budget`` (some left), ``none allowed`` (the objective allows nothing at this
    volume and nothing went wrong: met, with no room), ``exhausted`` (none left: one more
    miss, one more second down, misses the target) or ``overspent`` (the target is missed)."""
    if remaining > 0:
        return "within budget"
    if remaining == 0:
        return "none allowed" if allowed == 0 else "exhausted"
    return "overspent"


# ---------------------------------------------------------------------------- budgets
def error_budgets(cat: Catalogue, attainment: pd.DataFrame, *, as_of: datetime) -> pd.DataFrame:
    """The error budget of every record of ``attainment`` (``measures.attainment``).

    ``unit`` says what the amounts count (``seconds`` of downtime, ``misses``, ``unsatisfied
    responses``, ``incidents``); ``basis`` and ``basis_amount`` what the allowance is a share
    of, ``projected`` whether that is extrapolated from the traffic so far. ``allowed`` =
    (1 − objective) × basis (whole misses: rounded down), ``consumed`` what went wrong,
    ``remaining`` = allowed − consumed — negative when overspent, never clamped —,
    ``consumed_percent`` = consumed / allowed × 100 (None when nothing is allowed), ``state``
    as ``budget_state``, or ``no data`` when nothing was measured. A mean satisfaction score
    has no error budget (every amount None)."""
    rows = []
    for r in attainment.to_dict(orient="records"):
        start, end = _bounds(cat, r)
        row = {k: r[k] for k in BUDGET_COLUMNS[:7]}
        row.update(_amounts(r, start, end, as_of))
        rows.append(row)
    return pd.DataFrame(rows, columns=BUDGET_COLUMNS)


def _amounts(r: Row, start: datetime, end: datetime, as_of: datetime) -> Amounts:
    """The budget columns of one attainment record, by metric."""
    metric, objective, running = r["metric"], float(r["objective"]), bool(r["in_progress"])
    if metric == "availability" and _number(r.get("scheduled_s")) is not None:
        return downtime_budget(
            objective, r["scheduled_s"], r["period_scheduled_s"], r["downtime_s"], running
        )
    by_checks = metric == "availability" and r.get("method") in CHECK_UNITS
    if by_checks or metric in TICKET_METRICS or (metric == "satisfaction" and r["unit"] == "%"):
        unit = (
            CHECK_UNITS[str(r["method"])]
            if by_checks
            else "misses"
            if metric in TICKET_METRICS
            else "unsatisfied responses"
        )
        n, met = int(r["n"]), int(_number(r.get("n_met")) or 0)
        projected = projected_count(n, start, end, as_of) if running and n else None
        return miss_budget(objective, n, met, unit, projected)
    if metric == "incident_count":
        return count_budget(objective, int(r["n"]), _number(r["achieved"]) is not None)
    return {"unit": None, "basis": None, "projected": False}


def downtime_budget(
    objective: float, scheduled_s: float, period_scheduled_s: float, downtime_s: float,
    in_progress: bool,
) -> Amounts:  # fmt: skip
    """Allowed downtime = (1 − objective) × scheduled time: for a period in progress the
    whole period's schedule (the budget of the month, not of its days so far), else the
    scheduled time covered by the outage feed (what the availability is measured over)."""
    basis = period_scheduled_s if in_progress else scheduled_s
    out = {
        "unit": "seconds",
        "basis": "scheduled time of the whole period" if in_progress else "scheduled time",
        "projected": False,
        "error_budget_target": float(error_budget_target(objective)),
    }
    if scheduled_s <= 0:  # nothing measured yet: no budget to speak of
        return {**out, "state": "no data"}
    allowed = float(error_budget_target(objective) * Fraction(basis))
    return {**out, **_spent(basis, allowed, downtime_s)}


def miss_budget(
    objective: float, n: int, met: int, unit: str, projected: Fraction | None = None
) -> Amounts:
    """Allowed misses = ⌊(1 − objective) × n⌋ among the n counted, or among the ``projected``
    n of a period in progress; consumed = n − met."""
    out = {
        "unit": unit,
        "basis": _counted(unit) + (" projected for the period" if projected is not None else ""),
        "projected": projected is not None,
        "error_budget_target": float(error_budget_target(objective)),
    }
    if n == 0:
        return {**out, "state": "no data"}
    basis = projected if projected is not None else Fraction(n)
    allowed = allowed_misses(objective, basis)
    return {**out, **_spent(float(basis), allowed, n - met)}


def count_budget(objective: float, n: int, measured: bool) -> Amounts:
    """An incident count allows ⌊objective⌋ incidents in the period (the objective of the
    record, already scaled to the period); consumed = the incidents counted."""
    out = {"unit": "incidents", "basis": "objective", "projected": False}
    if not measured:
        return {**out, "state": "no data"}
    return {**out, **_spent(float(objective), math.floor(objective), n)}


def _spent(basis: float, allowed: float, consumed: float) -> Amounts:
    remaining = allowed - consumed
    return {
        "basis_amount": basis,
        "allowed": allowed,
        "consumed": consumed,
        "remaining": remaining,
        "consumed_percent": 100 * consumed / allowed if allowed > 0 else None,
        "state": budget_state(remaining, allowed),
    }


def _counted(unit: str) -> str:
    """What a miss budget's n counts, by what it allows to go wrong."""
    return {"misses": "tickets", "bad check results": "check results", "bad slices": "slices"}.get(
        unit, "responses"
    )


def _number(v: Any) -> float | None:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    return float(v)


def _agreement(cat: Catalogue, agreement: str) -> Agreement:
    return next(a for a in cat.agreements if a.id == agreement)


def _bounds(cat: Catalogue, r: Row) -> tuple[datetime, datetime]:
    """A record's period [start, end) in its agreement's zone."""
    return Period.parse(str(r["period"])).bounds(cat.zone_of(_agreement(cat, r["agreement"])))


def version_in(
    cat: Catalogue, customer: str, agreement: str, target: str, unit: Period
) -> TargetVersion | None:
    """The version of target ``agreement``/``target`` in force in ``unit`` (a later version
    in force in the same unit replaces an earlier one, as in ``measures.attainment``)."""
    found = None
    for v in measures.versions(cat, customer):
        if (v.agreement.id, v.target.id) == (agreement, target) and (
            v.target.in_force(unit) and v.agreement.in_force(unit)
        ):
            found = v
    return found


def version_at(
    cat: Catalogue, customer: str, agreement: str, target: str, at: datetime
) -> TargetVersion | None:
    """The version in force in the month holding the instant ``at`` (agreement's zone)."""
    zone = cat.zone_of(_agreement(cat, agreement))
    month = Period.containing(today_in(zone, at - timedelta(microseconds=1)), "month")
    return version_in(cat, customer, agreement, target, month)


# ---------------------------------------------------------------------------- burn rates
def burn_rate(bad: float, valid: float, objective: float) -> float | None:
    """(bad / valid) / (1 − objective): 1 spends the budget exactly over the period, 14.4
    spends a 30-day budget in 50 hours. None when the window holds nothing to measure (no
    scheduled time, no ticket) or the objective allows nothing (100 %)."""
    target = error_budget_target(objective)
    if valid <= 0 or target <= 0:
        return None
    return float(Fraction(bad) / Fraction(valid) / target)


def burn_rates(
    con: duckdb.DuckDBPyConnection,
    cat: Catalogue,
    customer: str,
    targets: pd.DataFrame,
    *,
    at: datetime,
    as_of: datetime | None = None,
    clocks: pd.DataFrame | None = None,
    windows: Mapping[str, int] = WINDOWS,
) -> pd.DataFrame:
    """One row per availability or ticket target of ``targets`` (rows with ``agreement`` and
    ``id``: an attainment or budgets frame) and window (name → seconds) ending at ``at``,
    under the target version in force then.

    ``valid`` and ``bad``: for availability the scheduled and the down seconds in [at − w,
    at) by the availability measure itself (``measures.availability_between``: maintenance,
    partial weights, no-data policy and feed coverage as for the period), or for a target by
    events or time slices the valid and bad results or slices (``check_windows``); for tickets the
    tickets counted in (at − w, at] and the missed ones among them, from ``clocks``
    (``measures.ticket_clocks``, computed when not given). ``burn_rate`` as ``burn_rate``.
    ``as_of``: the instant the data is complete to (default ``at``)."""
    as_of = as_of or at
    if at > as_of:
        raise InputError(f"burn rates at {at} need data after the as-of instant {as_of}")
    chosen = [
        v
        for a, t in dict.fromkeys(zip(targets["agreement"], targets["id"], strict=True))
        if (v := version_at(cat, customer, a, t, at)) is not None
    ]
    rows: list[tuple[TargetVersion, str, float, float]] = []
    tickets = [v for v in chosen if isinstance(v.target, TicketTimeTarget)]
    if tickets:
        if clocks is None:
            clocks = measures.ticket_clocks(con, cat, customer, as_of=as_of)
        found = ticket_windows(con, clocks, [v.key for v in tickets], at, windows)
        by_key = {v.key: v for v in tickets}
        rows += [(by_key[k], w, n, bad) for k, w, n, bad in found.itertuples(index=False)]
    for v in chosen:
        if isinstance(v.target, AvailabilityTarget):
            by = availability_windows if v.target.method == "time" else check_windows
            rows += [(v, *x) for x in by(con, cat, customer, v, at, as_of, windows)]
    return _burn_frame(rows, at, windows)


def _burn_frame(
    rows: list[tuple[TargetVersion, str, float, float]], at: datetime, windows: Mapping[str, int]
) -> pd.DataFrame:
    order = {name: i for i, name in enumerate(windows)}
    rows.sort(key=lambda x: (x[0].agreement.id, x[0].target.id, order[x[1]]))
    out = [
        (
            v.agreement.id, v.target.id, v.target.metric, v.target.objective, w,
            at - timedelta(seconds=windows[w]), at, float(valid), float(bad),
            burn_rate(bad, valid, v.target.objective),
        )
        for v, w, valid, bad in rows
    ]  # fmt: skip
    return pd.DataFrame(out, columns=BURN_COLUMNS).astype({"burn_rate": "float64"})


def ticket_windows(
    con: duckdb.DuckDBPyConnection,
    clocks: pd.DataFrame,
    keys: list[str],
    at: datetime,
    windows: Mapping[str, int],
) -> pd.DataFrame:
    """Per target version key of ``keys`` and window: the tickets of ``clocks`` (rows with
    ``target_key``, ``counted_at`` and ``met``) counted in (at − w, at] and the missed ones
    among them (sql/budget_ticket_windows.sql; only bound values, nothing read from ``con``)."""
    counted = clocks[clocks["counted_at"].notna()] if len(clocks) else clocks
    epoch = pd.Timestamp("1970-01-01", tz="UTC")
    us = timedelta(microseconds=1)
    instants = (
        [int(x) for x in (pd.to_datetime(counted["counted_at"], utc=True) - epoch) // us]
        if len(counted)
        else []
    )
    return query(
        con,
        "budget_ticket_windows",
        {
            "keys": [str(k) for k in counted["target_key"]] if len(counted) else [],
            "counted": instants,
            "met": [bool(m) for m in counted["met"]] if len(counted) else [],
            "targets": keys,
            "names": list(windows),
            "lengths": [s * 1_000_000 for s in windows.values()],
            "at": (at - epoch.to_pydatetime()) // us,
        },
    )


def availability_windows(
    con: duckdb.DuckDBPyConnection,
    cat: Catalogue,
    customer: str,
    v: TargetVersion,
    at: datetime,
    as_of: datetime,
    windows: Mapping[str, int],
) -> list[tuple[str, float, float]]:
    """(window, scheduled seconds, down seconds) of availability target version ``v`` over
    each window [at − w, at), summed over its services; the checks of monitored services are
    read once for the longest window."""
    t, a = v.target, v.agreement
    assert isinstance(t, AvailabilityTarget)
    services = list(t.services or a.services)
    monitored = [s for s in services if cat.service(s).monitoring is not None]
    longest = at - timedelta(seconds=max(windows.values()))
    inferred = (
        check_outages(con, cat, customer, longest, at, as_of=as_of, services=monitored)
        if monitored
        else None
    )
    df = measures.availability_windows(
        con, cat, customer, [(at - timedelta(seconds=w), at) for w in windows.values()],
        services=services, calendar=t.calendar, partial_weight=t.partial_weight,
        zone=cat.zone_of(a), as_of=as_of, no_data=a.monitoring.no_data, inferred=inferred,
    )  # fmt: skip
    sums = df.groupby("window")[["scheduled_s", "downtime_s"]].sum()
    return [
        (name, float(scheduled), float(down))
        for name, (scheduled, down) in zip(windows, sums.itertuples(index=False), strict=True)
    ]


def check_windows(
    con: duckdb.DuckDBPyConnection,
    cat: Catalogue,
    customer: str,
    v: TargetVersion,
    at: datetime,
    as_of: datetime,
    windows: Mapping[str, int],
) -> list[tuple[str, float, float]]:
    """(window, valid, bad) of an availability target version ``v`` measured from check
    results (events or time slices) over each window [at − w, at), summed over its services:
    the target's own measure, over windows instead of months."""
    assert isinstance(v.target, AvailabilityTarget)
    spans = [Window(at - timedelta(seconds=s), at, name) for name, s in windows.items()]
    df = check_availability(con, cat, customer, spans, v.agreement, v.target, as_of)
    valid = df.groupby("period")["valid"].sum().to_dict()
    good = df.groupby("period")["good"].sum().to_dict()
    return [(w, float(valid[w]), float(valid[w] - good[w])) for w in windows]


# ---------------------------------------------------------------------------- alerts
def alert_threshold(budget_fraction: Fraction, period_s: int, long_s: int) -> float:
    """k = budget_fraction × period / long window: the burn rate that spends that fraction of
    the period's budget within the long window (2 % of 30 days in 1 h: 14.4)."""
    return float(budget_fraction * period_s / long_s)


def review_period_seconds(cat: Catalogue, agreement: str, at: datetime) -> int:
    """The length of the agreement's review period (month or quarter) that holds ``at``."""
    a = _agreement(cat, agreement)
    zone = cat.zone_of(a)
    p = Period.containing(today_in(zone, at - timedelta(microseconds=1)), a.review_period)
    start, end = p.bounds(zone)
    return int((end - start).total_seconds())


def burn_alerts(
    cat: Catalogue, burns: pd.DataFrame, *, rules: tuple[AlertRule, ...] = ALERT_RULES
) -> pd.DataFrame:
    """Per target of ``burns`` (``burn_rates``) and rule: the threshold k for the review
    period holding the windows' end, both burn rates, and whether the alert ``fires``: iff
    BR(long) > k and BR(short) > k. A window without a burn rate (nothing scheduled, no
    ticket) is not over k: it cannot fire an alert."""
    rows = []
    for (agreement, target), g in burns.groupby(["agreement", "id"], sort=False):
        rates = dict(zip(g["window"], g["burn_rate"], strict=True))
        period_s = review_period_seconds(cat, str(agreement), g["end"].iloc[0])
        for rule in rules:
            k = alert_threshold(rule.budget_fraction, period_s, WINDOWS[rule.long_window])
            long, short = rates.get(rule.long_window), rates.get(rule.short_window)
            fires = bool(pd.notna(long) and pd.notna(short) and long > k and short > k)
            rows.append((agreement, target, rule.severity, rule.long_window, rule.short_window,
                         float(rule.budget_fraction), k, long, short, fires))  # fmt: skip
    return pd.DataFrame(rows, columns=ALERT_COLUMNS)


# ---------------------------------------------------------------------------- exhaustion
def exhaustion(budgets: pd.DataFrame, burns: pd.DataFrame, *, at: datetime) -> pd.DataFrame:
    """When each budget within budget runs out at the current burn: at + remaining × w /
    bad(w), the rate at which the current window w consumed budget (downtime seconds or
    misses per second of wall clock). The current window is the first of ``CURRENT_WINDOWS``
    (1 d, else 3 d) with a burn rate. None when no window has one, when the burn is 0, and
    for a budget already exhausted or overspent (see ``exhausted_at``). The date may lie after
    the period's end: the budget then lasts the period at this burn. ``current_valid``: what
    the current window measured (scheduled seconds covered, tickets, results or slices)."""
    rows: list[tuple[Any, ...]] = []
    for b in budgets.to_dict(orient="records"):
        g = burns[(burns["agreement"] == b["agreement"]) & (burns["id"] == b["id"])]
        rated = g[g["window"].isin(CURRENT_WINDOWS) & g["burn_rate"].notna()]
        rated = rated.sort_values("window", key=lambda w: w.map(CURRENT_WINDOWS.index))
        if rated.empty:
            rows.append((b["agreement"], b["id"], b["period"], None, None, None, None))
            continue
        window, rate, bad, valid = rated.iloc[0][["window", "burn_rate", "bad", "valid"]]
        when = None
        if rate > 0 and b["state"] == "within budget":
            rest = Fraction(b["remaining"]) * WINDOWS[window] / Fraction(bad)
            when = at + timedelta(seconds=float(rest))
        rows.append((b["agreement"], b["id"], b["period"], window, rate, when, valid))
    return pd.DataFrame(rows, columns=EXHAUSTION_COLUMNS).astype(
        {
            "current_burn_rate": "float64",
            "exhaustion_at": "datetime64[us, UTC]",
            "current_valid": "float64",
        }
    )


def exhausted_at(
    con: duckdb.DuckDBPyConnection,
    cat: Catalogue,
    customer: str,
    budgets: pd.DataFrame,
    *,
    as_of: datetime,
    clocks: pd.DataFrame | None = None,
) -> list[datetime | None]:
    """For each row of ``budgets``: when an exhausted or overspent budget ran out — the first
    instant the consumption reached the allowance — else None.

    Ticket targets: the counted_at of the allowed-th miss of the period (``clocks``, computed
    when not given); availability: the first second at which the downtime since the period's
    start reaches the allowed downtime (found by bisection over the availability measure,
    month by month under the version in force). A budget that allows nothing and is overspent
    ran out at the period's start. Other targets: None (not determined)."""
    out: list[datetime | None] = []
    for b in budgets.to_dict(orient="records"):
        start = _bounds(cat, b)[0]
        if b["state"] not in ("exhausted", "overspent"):
            out.append(None)
        elif b["allowed"] <= 0:
            out.append(start)
        elif b["metric"] in TICKET_METRICS:
            if clocks is None:
                clocks = measures.ticket_clocks(con, cat, customer, as_of=as_of)
            out.append(_nth_miss(cat, customer, b, int(b["allowed"]), clocks, as_of))
        elif b["metric"] == "availability":
            out.append(_downtime_reaches(con, cat, customer, b, float(b["allowed"]), as_of))
        else:
            out.append(None)
    return out


def _units(cat: Catalogue, customer: str, b: Row) -> list[tuple[TargetVersion, datetime, datetime]]:
    """The months (weeks) of a budget's period with the target version in force in each."""
    zone = cat.zone_of(_agreement(cat, b["agreement"]))
    out = []
    for u in Period.parse(str(b["period"])).units():
        v = version_in(cat, customer, b["agreement"], b["id"], u)
        if v is not None:
            out.append((v, *u.bounds(zone)))
    return out


def _nth_miss(
    cat: Catalogue, customer: str, b: Row, n: int, clocks: pd.DataFrame,
    as_of: datetime,
) -> datetime | None:  # fmt: skip
    times: list[datetime] = []
    for v, start, end in _units(cat, customer, b):
        c = clocks[(clocks["target_key"] == v.key) & ~clocks["met"].astype(bool)]
        at = pd.to_datetime(c["counted_at"], utc=True)
        times += [t.to_pydatetime() for t in at[(at >= start) & (at < end) & (at <= as_of)]]
    times.sort()
    return times[n - 1] if len(times) >= n else None


def _downtime_reaches(
    con: duckdb.DuckDBPyConnection, cat: Catalogue, customer: str, b: Row, allowed: float,
    as_of: datetime,
) -> datetime | None:  # fmt: skip
    """The first second at which the downtime since the period's start reaches ``allowed``:
    the month (week) in which it does, then the second inside it."""
    need = allowed
    for v, start, end in _units(cat, customer, b):
        stop = min(end, as_of)
        if stop <= start:
            break
        down = _downtime_since(con, cat, customer, v, start, stop, as_of)
        whole = down(stop)
        if whole >= need:
            services = v.target.services or v.agreement.services
            return _first_second(down, need, start, stop, whole, len(services))
        need -= whole
    return None


def _downtime_since(
    con: duckdb.DuckDBPyConnection, cat: Catalogue, customer: str, v: TargetVersion,
    start: datetime, stop: datetime, as_of: datetime,
) -> Callable[[datetime], float]:  # fmt: skip
    """t → the down seconds of availability target version ``v`` in [start, t), t ≤ stop."""
    t, a = v.target, v.agreement
    assert isinstance(t, AvailabilityTarget)
    services = list(t.services or a.services)
    monitored = [s for s in services if cat.service(s).monitoring is not None]
    inferred = (
        check_outages(con, cat, customer, start, stop, as_of=as_of, services=monitored)
        if monitored
        else None
    )

    def down(end: datetime) -> float:
        df = measures.availability_between(
            con, cat, customer, start, end, services=services, calendar=t.calendar,
            partial_weight=t.partial_weight, zone=cat.zone_of(a), as_of=as_of,
            no_data=a.monitoring.no_data, inferred=inferred,
        )  # fmt: skip
        return float(df["downtime_s"].sum())

    return down


def _first_second(
    down: Callable[[datetime], float], need: float, start: datetime, stop: datetime,
    at_stop: float, slope: int,
) -> datetime:  # fmt: skip
    """The first whole second t in (start, stop] with down(t) ≥ need, given down(start) = 0
    < need ≤ down(stop) = ``at_stop`` and a ``down`` that never decreases and grows at most
    ``slope`` seconds a second (one per service). Bisection, with the interval narrowed by
    the slope bound after every look: no t < lo + (need − down(lo)) / slope reaches need,
    every t ≥ hi − (down(hi) − need) / slope does — inside an outage that counts in full the
    bound lands on the answer."""
    lo, hi = 0, math.ceil((stop - start).total_seconds())  # looked at: below, at or past
    d_lo, d_hi = 0.0, at_stop
    while True:
        below = max(lo, math.ceil(lo + (need - d_lo) / slope) - 1)
        past = min(hi, math.ceil(hi - (d_hi - need) / slope))
        if past - below <= 1:
            return min(start + timedelta(seconds=past), stop)
        mid = (below + past) // 2
        d = down(start + timedelta(seconds=mid))
        if d >= need:
            hi, d_hi = mid, d
        else:
            lo, d_lo = mid, d


# ---------------------------------------------------------------------------- report
@dataclass(frozen=True)
class BudgetReport:
    """The error budgets of one customer's targets.

    ``budgets``: ``error_budgets`` with, for a period in progress, the ``exhaustion``
    columns (``current_window``, ``current_burn_rate``, ``exhaustion_at``), and
    ``exhausted_at`` for a budget already spent. ``burn_rates`` and ``alerts``: the windows
    ending at the as-of instant, for the targets whose period is in progress (the burn of a
    period that has ended describes another period's days)."""

    as_of: datetime
    attainment: pd.DataFrame
    budgets: pd.DataFrame
    burn_rates: pd.DataFrame
    alerts: pd.DataFrame


def report(
    con: duckdb.DuckDBPyConnection,
    cat: Catalogue,
    customer: str,
    attainment: pd.DataFrame,
    *,
    as_of: datetime,
    clocks: pd.DataFrame | None = None,
) -> BudgetReport:
    """Budgets, burn rates, alerts and exhaustion of the records of ``attainment`` (of
    ``customer``, measured as of ``as_of``); ``clocks``: its ``measures.ticket_clocks``."""
    budgets = error_budgets(cat, attainment, as_of=as_of)
    running = budgets[budgets["in_progress"].astype(bool)]
    burns = burn_rates(con, cat, customer, running, at=as_of, clocks=clocks)
    ends = exhaustion(running, burns, at=as_of)
    merged = budgets.merge(ends, on=["agreement", "id", "period"], how="left")
    spent = exhausted_at(con, cat, customer, budgets, as_of=as_of, clocks=clocks)
    merged["exhausted_at"] = pd.Series(spent, dtype="datetime64[us, UTC]")
    return BudgetReport(as_of, attainment, merged, burns, burn_alerts(cat, burns))


def measure(
    con: duckdb.DuckDBPyConnection,
    cat: Catalogue,
    customer: str,
    period: Period | str,
    *,
    as_of: datetime,
    history: int = 1,
) -> BudgetReport:
    """``measures.attainment`` of ``period`` (and the ``history`` - 1 periods before it) with
    its error budgets (``report``)."""
    run = measures.run_clocks(con, cat, customer, as_of=as_of, explain=True)
    clocks = measures.ticket_clocks(con, cat, customer, as_of=as_of, clocks=run)
    att = measures.attainment(con, cat, customer, period, history=history, as_of=as_of, clocks=run)
    return report(con, cat, customer, att, as_of=as_of, clocks=clocks)


def budget_record(
    r: BudgetReport, agreement: str, target: str, period: str
) -> dict[str, Any] | None:
    """One target's error budget in ``period`` as plain values (None, ints, floats,
    datetimes): the ``error_budget`` of ``slm attainment --json``; None for a target without
    one (a mean score). ``burn_rates`` (window → rate) and ``alerts`` are None for a period
    that has ended."""
    b = r.budgets
    row = b[(b["agreement"] == agreement) & (b["id"] == target) & (b["period"] == period)]
    if row.empty or pd.isna(row["unit"].iloc[0]):
        return None
    rec = {str(k): _plain(v) for k, v in row.iloc[0].items() if k not in BUDGET_COLUMNS[:7]}
    if rec["unit"] != "seconds":  # whole misses, responses, incidents
        rec.update(
            {k: int(rec[k]) for k in ("allowed", "consumed", "remaining") if rec[k] is not None}
        )
    burns, alerts = r.burn_rates, r.alerts
    mine = burns[(burns["agreement"] == agreement) & (burns["id"] == target)]
    rec["burn_rates"] = None
    rec["alerts"] = None
    if bool(row["in_progress"].iloc[0]) and not mine.empty:
        rec["burn_rates"] = {
            w: _plain(x) for w, x in zip(mine["window"], mine["burn_rate"], strict=True)
        }
        fired = alerts[(alerts["agreement"] == agreement) & (alerts["id"] == target)]
        rec["alerts"] = [
            {k: _plain(v) for k, v in a.items() if k not in ("agreement", "id")}
            for a in fired.to_dict(orient="records")
        ]
    return rec


def outlook(b: Mapping[str, Any], zone: str = "UTC") -> str:
    """Where a ``budget_record`` stands, in words: no data, exhausted or overspent (since
    when), or when it runs out at the current burn — times in ``zone``."""
    state: str = b["state"]
    spent, ends = (
        None if t is None else t.astimezone(ZoneInfo(zone))
        for t in (b["exhausted_at"], b["exhaustion_at"])
    )
    if state == "no data":
        return state
    if state == "none allowed":  # met, but a single miss would miss it
        return "none allowed at this volume, none used"
    if state in ("exhausted", "overspent") and b["allowed"] == 0:
        return f"{state}: none allowed"
    if state in ("exhausted", "overspent"):
        return state + (f", ran out {spent:%Y-%m-%d %H:%M}" if spent else "")
    if ends is not None:
        return f"runs out {ends:%Y-%m-%d %H:%M} at the {b['current_window']} burn"
    if b["burn_rates"] is not None and b["current_burn_rate"] == 0:
        return f"within budget, no burn over {b['current_window']}{_window_basis(b)}"
    return state


def _window_basis(b: Mapping[str, Any]) -> str:
    """What the current window's burn was measured over: `` (2h 15m measured)`` of service
    time, `` (12 tickets)`` — a window the data hardly covers burns little."""
    valid = b.get("current_valid")
    if valid is None or (isinstance(valid, float) and math.isnan(valid)):
        return ""
    if b["unit"] == "seconds":
        return f" ({format_amount(valid, 'seconds')} measured)"
    noun = _counted(str(b["unit"]))
    return f" ({valid:.0f} {noun[:-1] if round(valid) == 1 else noun})"


def format_amount(value: float | None, unit: str) -> str:
    """A budget amount as text: whole misses, responses or incidents as they are, seconds as
    ``44m 38s`` (under an hour; ``45s`` under a minute) or ``-5h 15m``, in whole seconds."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if unit != "seconds":
        return f"{value:.0f}"
    sign, s = "-" if value < 0 else "", int(abs(value))
    h, m = s // 3600, s % 3600 // 60
    if h:
        return f"{sign}{h}h {m:02d}m"
    return f"{sign}{m}m {s % 60:02d}s" if m else f"{sign}{s}s"


def _plain(v: Any) -> Any:
    """A frame's value as plain Python: NaN and NaT → None, numpy numbers → int or float,
    timestamps → datetime."""
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return None
    if isinstance(v, pd.Timestamp):
        return v.to_pydatetime()
    return v.item() if hasattr(v, "item") else v
