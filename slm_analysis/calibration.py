"""Target calibration: evidence for negotiating a Service Level Requirement.

A *proposal* is a target written as the catalogue writes one (metric, selector, threshold,
objective, calendar …), validated by the catalogue's own models and placed in one of the
customer's agreements, optionally under other clock switches. Its history is measured by
``measures.attainment`` on that changed catalogue — the same code path as ``slm attainment``,
so an existing target calibrated with its own spec gives exactly the numbers it reports.

On that history (docs/metrics.md, *Target calibration*):

- ``objective_for_share``: the strictest objective met in at least a share of the periods,
  never rounded past what was achieved;
- ``threshold_for``: the shortest threshold (in whole steps) with which ``objective`` % of a
  ticket target's incidents were within it in at least a share of the periods, from the
  incidents' business elapsed times, verified by measuring it again;
- ``compare``: the same history under several variants (calendars, clock switches) side by side.

Nothing here changes the loaded catalogue or the warehouse: every function returns new values.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
from pydantic import BaseModel, ConfigDict

from . import measures
from .catalogue import (
    Agreement,
    Catalogue,
    ClockSettings,
    Target,
    TargetModel,
    TicketTimeTarget,
    cross_problems,
    listing,
    load_catalogue,
    target_sentence,
    target_title,
)
from .durations import Span, parse_duration
from .errors import CatalogueError, InputError, UnknownNameError
from .paths import catalogue_path, db_path
from .periods import Period, today_in
from .status import meets
from .warehouse import connect
from .yamlcheck import Lines, validate

PROPOSED_ID = "proposed"  # the id of a proposal whose spec gives none
CALIBRATION_COLUMNS = [
    "period", "objective", "warning", "achieved", "n", "n_met", "interval_low",
    "interval_high", "status", "met", "in_progress", "unit", "higher_is_better", "note",
]  # fmt: skip
# the precision an objective is proposed at, by the unit of its values: a tenth of a percentage
# point (or of a score), a whole minute of a duration, a whole incident
PRECISION = {"%": 0.1, "s": 60.0, "incidents": 1.0}
DEFAULT_PRECISION = 0.1
PER_PERIOD_COLUMNS = ["period", "n", "needed", "threshold_s", "threshold"]
TICKET_METRICS = ("response_time", "resolution_time")
MAX_STEPS = 20  # threshold_for: steps tried beyond the candidate before giving up verifying


# ---------------------------------------------------------------------------- the proposal
@dataclass(frozen=True)
class Proposal:
    """A proposed target in an agreement of ``customer``: ``catalogue`` is a new catalogue
    holding it (the loaded one is unchanged); ``agreement`` the agreement as changed."""

    catalogue: Catalogue
    customer: str
    agreement: Agreement
    target: TargetModel

    @property
    def sentence(self) -> str:
        """The plain-language sentence of the proposal, as the pack would print it."""
        return target_sentence(self.catalogue, self.target, self.agreement)

    @property
    def title(self) -> str:
        return target_title(self.catalogue, self.target, list(self.agreement.services))


class _Written(BaseModel):
    """What a proposal is validated as: a target and a clock, by the catalogue's own models."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    target: Target
    clock: ClockSettings


Spec = Mapping[str, Any] | Proposal


def proposed_target(
    cat: Catalogue,
    customer: str,
    spec: Mapping[str, Any],
    *,
    agreement: str | None = None,
    clock: Mapping[str, Any] | None = None,
) -> Proposal:
    """``spec`` (a target as the catalogue writes it: ``{"metric": "resolution_time",
    "priority": 1, "within": "4h", "calendar": "uk-office", "objective": 95}``) added to the
    customer's agreement named ``agreement`` (default: its first), with the switches of
    ``clock`` (``{"pause_states": []}``) replacing the agreement's. Without an ``id`` the
    target is ``proposed``; with the id of a target of the agreement it replaces every version
    of it. A mistake is a ``CatalogueError`` naming the field (``target.within``), as loading
    the catalogue reports it."""
    a = _agreement(cat, customer, agreement)
    written = {"id": PROPOSED_ID, **dict(spec)}
    data = {
        "target": written,
        "clock": a.clock if clock is None else {**a.clock.model_dump(), **dict(clock)},
    }
    source = f"proposed target for {customer} (agreement {a.id})"
    names = {
        "calendars": set(cat.calendars),
        "customers": set(cat.customers_by_id),
        "services": set(cat.services_by_id),
    }
    context = {**names, "listed": {k: listing(v) for k, v in names.items()}}
    valid = validate(_Written, data, Lines(""), source, CatalogueError, context)
    t = valid.target
    changed = a.model_copy(
        update={
            "targets": [*(x for x in a.targets if x.id != t.id), t],
            "clock": valid.clock,
        }
    )
    new = _replace_agreements(cat, [changed if x is a else x for x in cat.agreements])
    if problems := cross_problems(new, source):
        raise CatalogueError(problems)
    return Proposal(new, customer, changed, t)


def target_spec(
    cat: Catalogue, customer: str, target_id: str, *, agreement: str | None = None
) -> dict[str, Any]:
    """The spec of the customer's target ``target_id`` (its latest version) as the catalogue
    writes it: the starting point of a proposal (``{**spec, "within": "2h"}``)."""
    found = [
        t
        for a in cat.agreements_for(customer)
        if agreement is None or a.id == agreement
        for t in a.targets
        if t.id == target_id
    ]
    if not found:
        known = {t.id for a in cat.agreements_for(customer) for t in a.targets}
        raise UnknownNameError(
            f"customer {customer!r} has no target {target_id!r}"
            + (f" in agreement {agreement!r}" if agreement else "")
            + f"; its targets: {listing(known)}"
        )
    return version_spec(found[-1])


def version_spec(t: TargetModel) -> dict[str, Any]:
    """One target version as the catalogue writes it (durations as text such as ``4h``)."""
    spec = t.model_dump(exclude_unset=True)
    for key, value in spec.items():
        if isinstance(value, Span):
            spec[key] = duration_text(value.total_seconds(), value.written_days)
    if t.metric in ("mtta", "mttr", "mtbf", "mtrs"):  # objective levels are durations
        spec.update({k: t.level(spec[k]) for k in ("objective", "warning") if k in spec})
    return spec


def duration_text(seconds: float, days: float = 0) -> str:
    """A duration as the catalogue accepts it: ``4h 30m``, ``45m``, ``2d 4h`` (``days``: the
    days it was written with, which ``clock.day: working_day`` reads as working days)."""
    rest = round(seconds - days * 86400)
    parts = [f"{days:g}d"] if days else []
    for unit, size in (("h", 3600), ("m", 60), ("s", 1)):
        amount, rest = divmod(rest, size)
        if amount:
            parts.append(f"{amount}{unit}")
    return " ".join(parts) or "0s"


def _agreement(cat: Catalogue, customer: str, name: str | None) -> Agreement:
    mine = cat.agreements_for(customer)
    if not mine:
        raise UnknownNameError(
            f"customer {customer!r} has no agreement in {cat.source}; a proposal goes into "
            "one of its agreements: add one to the catalogue"
        )
    if name is None:
        return mine[0]
    for a in mine:
        if a.id == name:
            return a
    raise UnknownNameError(
        f"customer {customer!r} has no agreement {name!r}; its agreements: "
        f"{listing(a.id for a in mine)}"
    )


def _replace_agreements(cat: Catalogue, agreements: list[Agreement]) -> Catalogue:
    """A new catalogue with other agreements. Validated afresh, not ``model_copy``: a copy
    would keep the look-ups the old one built (``agreements_by_customer``). Its parts are
    validated instances and pass through as they are."""
    fields = {name: getattr(cat, name) for name in Catalogue.model_fields}
    return Catalogue.model_validate({**fields, "agreements": agreements})


def _proposal(
    cat: Catalogue,
    customer: str,
    spec: Spec,
    agreement: str | None,
    clock: Mapping[str, Any] | None,
) -> Proposal:
    if not isinstance(spec, Proposal):
        return proposed_target(cat, customer, spec, agreement=agreement, clock=clock)
    if agreement is not None or clock is not None:
        raise InputError(
            "a Proposal already has its agreement and clock; pass agreement= and clock= to "
            "proposed_target, or pass the spec here instead of the Proposal"
        )
    if spec.customer != customer:
        raise InputError(f"the proposal is {spec.customer!r}'s, not {customer!r}'s")
    return spec


def _alone(p: Proposal) -> Catalogue:
    """The proposal's catalogue with its agreement holding only the proposal, and the
    customer's other agreements left out: what calibration measures, and nothing else."""
    only = p.agreement.model_copy(update={"targets": [p.target]})
    kept = [a for a in p.catalogue.agreements if a.customer != p.customer]
    return _replace_agreements(p.catalogue, [only, *kept])


# ---------------------------------------------------------------------------- history
def calibrate(
    con: duckdb.DuckDBPyConnection,
    cat: Catalogue,
    customer: str,
    spec: Spec,
    *,
    periods: int = 24,
    end: Period | str | None = None,
    as_of: datetime | str | None = None,
    agreement: str | None = None,
    clock: Mapping[str, Any] | None = None,
    now: datetime | None = None,
) -> pd.DataFrame:
    """What the proposed target (a spec for ``proposed_target``, or a ``Proposal``) would have
    achieved in each of the ``periods`` review periods of its agreement up to ``end`` (default:
    the last one complete at ``as_of``, the data's end unless given): one row per period in
    force (``CALIBRATION_COLUMNS``), measured by ``measures.attainment``."""
    p = _proposal(cat, customer, spec, agreement, clock)
    alone = _alone(p)
    moment = measures.given_as_of(as_of, now) or measures.as_of_time(con, customer, now)
    last = _last_period(alone, p, end, moment, now)
    df = measures.attainment(con, alone, customer, last, history=periods, as_of=moment, now=now)
    return df[CALIBRATION_COLUMNS].reset_index(drop=True)


def _last_period(
    cat: Catalogue,
    p: Proposal,
    end: Period | str | None,
    as_of: datetime,
    now: datetime | None,
) -> Period:
    """``end`` resolved, else the last review period of the agreement complete at ``as_of``."""
    if end is not None and end != "":
        return measures.resolve_period(cat, p.customer, end, now)
    day = today_in(cat.zone_of(p.agreement), as_of)
    return Period.containing(day, p.agreement.review_period).previous()


def compare(
    con: duckdb.DuckDBPyConnection,
    cat: Catalogue,
    customer: str,
    specs: Mapping[str, Spec],
    *,
    value: str = "achieved",
    periods: int = 24,
    end: Period | str | None = None,
    as_of: datetime | str | None = None,
    agreement: str | None = None,
    clock: Mapping[str, Any] | None = None,
    now: datetime | None = None,
) -> pd.DataFrame:
    """The variants of a proposal side by side: one row per period, one column per variant
    (``specs``: name → spec or ``Proposal``) holding its ``value`` (a ``calibrate`` column:
    achieved, n, status …). ``agreement`` and ``clock`` apply to the variants given as specs."""
    if value not in CALIBRATION_COLUMNS or value == "period":
        raise InputError(f"value {value!r} is not a calibration column; choose one of "
                         f"{', '.join(CALIBRATION_COLUMNS[1:])}")  # fmt: skip
    moment = measures.given_as_of(as_of, now) or measures.as_of_time(con, customer, now)
    columns = {}
    for name, spec in specs.items():
        p = spec if isinstance(spec, Proposal) else proposed_target(
            cat, customer, spec, agreement=agreement, clock=clock
        )  # fmt: skip
        df = calibrate(con, cat, customer, p, periods=periods, end=end, as_of=moment, now=now)
        columns[name] = df.set_index("period")[value]
    wide = pd.DataFrame(columns)
    wide.index.name = "period"
    return wide.sort_index()


# ---------------------------------------------------------------------------- objectives
def objective_for_share(
    series: pd.DataFrame | pd.Series,
    share: float,
    *,
    precision: float | None = None,
    higher_is_better: bool | None = None,
) -> float | None:
    """The strictest objective met in at least ``share`` (0–1) of the periods with a value:
    the highest (lowest, for a lower-is-better target) at the ``precision`` a customer writes
    (default by unit: 0.1 for % and scores, 60 s for durations, 1 incident). It is rounded
    toward the met side — down for higher-is-better, up for lower-is-better — never past what
    was achieved. ``series``: a ``calibrate`` frame (periods in progress or without data are
    left out) or plain achieved values (then ``higher_is_better`` defaults to True). None
    when no period has a value."""
    values, better, unit = _judged(series, higher_is_better)
    k = periods_needed(len(values), share)
    if not values:
        return None
    ordered = sorted(values, reverse=better)
    if precision is None:
        precision = PRECISION.get(unit, DEFAULT_PRECISION)
    step = Decimal(repr(precision))
    if step <= 0:
        raise InputError(f"precision {step} must be greater than zero, e.g. 0.1")
    rounding = ROUND_FLOOR if better else ROUND_CEILING
    level = (Decimal(repr(ordered[k - 1])) / step).to_integral_value(rounding) * step
    return float(level)


def share_met(
    series: pd.DataFrame | pd.Series,
    objective: float,
    *,
    higher_is_better: bool | None = None,
) -> float | None:
    """The share (0–1) of the periods with a value in which ``objective`` is met (as a status
    judges it); None when no period has a value. ``series`` as for ``objective_for_share``."""
    values, better, _ = _judged(series, higher_is_better)
    if not values:
        return None
    return sum(meets(v, objective, better) for v in values) / len(values)


def periods_needed(measured: int, share: float) -> int:
    """Periods out of ``measured`` that make at least ``share`` of them: ⌈share × measured⌉,
    computed exactly (0.7 × 10 is 7, not 8); at least 1."""
    if not 0 < share <= 1:
        hint = f"; for {share:g} % write {share / 100:g}" if 1 < share <= 100 else ""
        raise InputError(f"share {share:g} is not a fraction from 0 (exclusive) to 1{hint}")
    return max(1, math.ceil(Decimal(repr(share)) * measured))


def _judged(
    series: pd.DataFrame | pd.Series, higher_is_better: bool | None
) -> tuple[list[float], bool, str]:
    """The values a share is taken of, the direction and the unit."""
    if isinstance(series, pd.Series):
        better = True if higher_is_better is None else higher_is_better
        return [float(v) for v in series.dropna()], better, ""
    done = series[series["achieved"].notna() & ~series["in_progress"].astype(bool)]
    if higher_is_better is not None:
        better = higher_is_better
    else:
        better = bool(series["higher_is_better"].iloc[0]) if len(series) else True
    unit = str(series["unit"].iloc[0]) if len(series) else ""
    return [float(v) for v in done["achieved"]], better, unit


# ---------------------------------------------------------------------------- thresholds
@dataclass(frozen=True)
class ThresholdFit:
    """The threshold a ticket target needs (``threshold_for``) and the evidence for it."""

    within: str  # as the catalogue accepts it: "4h 30m"
    seconds: int
    objective: float
    share: float
    step: str
    needed_periods: int  # periods (of those measured) it had to be met in
    met_periods: int  # periods it is met in, measured again with ``within``
    measured_periods: int  # periods with a value, measured again
    verified: bool  # met_periods ≥ needed_periods
    per_period: pd.DataFrame  # PER_PERIOD_COLUMNS: n, tickets needed within, least threshold
    calibration: pd.DataFrame  # calibrate() of the target with ``within``


def needed_within(n: int, objective: float) -> int:
    """The fewest of ``n`` tickets that must be within the threshold for ``objective`` %: the
    smallest k with k / n meeting it as a status judges it (``status.meets``)."""
    k = max(0, math.ceil(objective * n / 100) - 1)
    while k < n and not meets(100.0 * k / n, objective, True):
        k += 1
    return k


def period_threshold(elapsed: Sequence[float], objective: float) -> float | None:
    """The least threshold (seconds) with which ``objective`` % of tickets of these business
    elapsed times are within it (elapsed ≤ threshold): the k-th smallest time, k from
    ``needed_within`` (0 when no ticket need be); None for no tickets."""
    if not elapsed:
        return None
    k = needed_within(len(elapsed), objective)
    return 0.0 if k == 0 else float(sorted(elapsed)[k - 1])


def threshold_for(
    con: duckdb.DuckDBPyConnection,
    cat: Catalogue,
    customer: str,
    spec: Mapping[str, Any],
    objective: float,
    share: float,
    *,
    step: str = "15m",
    periods: int = 24,
    end: Period | str | None = None,
    as_of: datetime | str | None = None,
    agreement: str | None = None,
    clock: Mapping[str, Any] | None = None,
    now: datetime | None = None,
) -> ThresholdFit:
    """The shortest threshold, in whole ``step``s, with which ``objective`` % of the proposed
    ticket target's incidents would have been within it in at least ``share`` of the periods
    that had incidents. Per period: the k-th smallest business elapsed time of the incidents
    whose clock stopped in it (k = the fewest that meet ``objective``); over periods: the
    ⌈share × N⌉-th smallest of those; rounded up to the step. A clock still running breaches
    only when it passes the threshold, so the result is measured again with ``calibrate`` and
    raised a step at a time (at most ``MAX_STEPS``) until it meets ``share``."""
    size = _step_seconds(step)
    base = {**dict(spec), "objective": objective}
    if base.get("metric") in TICKET_METRICS:  # any threshold: stopped clocks ignore it
        base.setdefault("within", step)
    p = proposed_target(cat, customer, base, agreement=agreement, clock=clock)
    if not isinstance(p.target, TicketTimeTarget):
        raise InputError(
            f"a threshold is fitted for a response_time or resolution_time target; this "
            f"proposal's metric is {p.target.metric}"
        )
    moment = measures.given_as_of(as_of, now) or measures.as_of_time(con, customer, now)
    last = _last_period(_alone(p), p, end, moment, now)
    table = _per_period(con, p, last.history(periods), moment, objective)
    known = table["threshold_s"].dropna().tolist()
    if not known:
        raise InputError(
            f"no incident of the proposal ({p.sentence}) stopped its clock in the {periods} "
            f"periods up to {last}; there is nothing to fit a threshold to"
        )
    least = sorted(known)[periods_needed(len(known), share) - 1]
    seconds = max(size, math.ceil(least / size) * size)
    for _ in range(MAX_STEPS + 1):
        within = duration_text(seconds)
        again = calibrate(
            con, cat, customer, {**base, "within": within}, periods=periods, end=last,
            as_of=moment, agreement=agreement, clock=clock, now=now,
        )  # fmt: skip
        done = again[again["achieved"].notna() & ~again["in_progress"].astype(bool)]
        needed = periods_needed(len(done), share)
        met = int(done["met"].fillna(False).astype(bool).sum())
        if met >= needed:
            break
        seconds += size
    return ThresholdFit(within, seconds, objective, share, step, needed, met, len(done),
                        met >= needed, table, again)  # fmt: skip


def _step_seconds(step: str) -> int:
    try:
        size = parse_duration(step)
    except ValueError as exc:
        raise InputError(f"step {step!r}: {exc}") from None
    seconds = round(size.total_seconds())
    if seconds <= 0 or size.written_days:
        raise InputError(f"step {step!r} must be hours, minutes or seconds above zero, e.g. 15m")
    return seconds


def _per_period(
    con: duckdb.DuckDBPyConnection,
    p: Proposal,
    history: list[Period],
    as_of: datetime,
    objective: float,
) -> pd.DataFrame:
    """Per complete period: the incidents whose clock stopped in it (``n``), how many must be
    within the threshold (``needed``) and the least threshold that does it (``threshold_s``,
    and as text: ``threshold``)."""
    clocks = measures.ticket_clocks(con, _alone(p), p.customer, as_of=as_of)
    stopped = clocks[~clocks["running"].astype(bool)] if len(clocks) else clocks
    zone = p.catalogue.zone_of(p.agreement)
    rows = []
    for period in history:
        start, stop = period.bounds(zone)
        if stop > as_of:
            continue  # in progress: nothing decided yet
        if not (p.target.in_force(period) and p.agreement.in_force(period)):
            continue
        inside = (
            stopped[(stopped["counted_at"] >= start) & (stopped["counted_at"] < stop)]
            if len(stopped)
            else stopped
        )
        elapsed = [float(x) for x in inside["business_elapsed"]] if len(inside) else []
        least = period_threshold(elapsed, objective)
        rows.append(
            {
                "period": str(period),
                "n": len(elapsed),
                "needed": needed_within(len(elapsed), objective),
                "threshold_s": least,
                "threshold": None if least is None else duration_text(least),
            }
        )
    return pd.DataFrame(rows, columns=PER_PERIOD_COLUMNS)


# ---------------------------------------------------------------------------- notebooks
def open_inputs(
    warehouse: str | Path = "", catalogue: str | Path | Catalogue = ""
) -> tuple[duckdb.DuckDBPyConnection, Catalogue]:
    """A read-only connection to the warehouse and the loaded catalogue, as the notebooks
    name them (empty: ``$SLM_DB`` / ``$SLM_CATALOGUE``, else the defaults). Close the
    connection when done."""
    cat = (
        catalogue
        if isinstance(catalogue, Catalogue)
        else load_catalogue(catalogue_path(catalogue or None))
    )
    return connect(db_path(warehouse or None), read_only=True), cat
