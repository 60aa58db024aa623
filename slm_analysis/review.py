"""The data of one service review: a customer, a period, and everything the pack shows.

``open_review`` reads the warehouse once (short-lived connection) and returns a ``Review`` of
plain DataFrames. Presentation lives in ``present`` (HTML) and ``charts`` (plotly).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeGuard

import pandas as pd

from . import improvement as improve
from . import measures
from .budgets import BudgetReport
from .budgets import report as budget_report
from .catalogue import (
    AvailabilityTarget,
    Catalogue,
    Customer,
    OutageDurationTarget,
    load_catalogue,
)
from .check_availability import daily_counts, local_days
from .commentary import (
    UNEXPLAINED,
    Commentary,
    load_commentary,
    unexplained,
    unexplained_note,
)
from .errors import UnknownNameError
from .forecast_sampled import Days
from .improvement import Improvement
from .outages import outage_list
from .paths import catalogue_path, db_path
from .periods import MAX_RANGE, Period
from .redact import Redactor, customer_key, person_names, workspace_secret
from .satisfaction import (
    SatisfactionDetail,
    satisfaction_by_service_level,
    satisfaction_detail,
    satisfaction_responses,
    satisfied_from,
)
from .status import Status, format_objective, format_value, overall
from .warehouse import query, session

HISTORY = 12  # periods the pack's charts and sparklines show
SERIES = 24  # periods of the series behind trends, control charts and forecasts
DAY_PERIODS = 6  # whole periods whose days a check-based availability forecast resamples


@dataclass
class Review:
    """Everything a service review pack presents, for one customer and period."""

    catalogue: Catalogue
    customer: Customer
    period: Period
    periods: list[Period]
    as_of: datetime
    attainment: pd.DataFrame  # every target × the last SERIES periods, each with its rolling year
    clocks: pd.DataFrame  # per incident × ticket target, all periods
    availability: pd.DataFrame  # per availability target × service × period
    volumes: pd.DataFrame  # per period × priority
    satisfaction: pd.DataFrame  # per satisfaction target × period
    actions: pd.DataFrame
    majors: pd.DataFrame
    quality: pd.DataFrame
    loads: pd.DataFrame
    feeds: pd.DataFrame  # per service: outage records, their sources, checks (review_feeds.sql)
    maintenance: pd.DataFrame  # planned work overlapping the period (measures.planned_work)
    outages: pd.DataFrame  # recorded and inferred outages in the period (outages.outage_list)
    catalogue_sha256: str
    in_progress: bool = False  # the period has not ended at ``as_of``: values are to date
    budgets: BudgetReport | None = None  # error budgets of the review period (budgets.report)
    improvement: Improvement | None = None  # trends, special causes, forecasts, action effects
    satisfaction_levels: pd.DataFrame | None = None  # scores of met vs missed tickets (period)
    satisfaction_detail: SatisfactionDetail | None = None  # responses of the period in detail
    redacted: bool = False  # person names replaced by pseudonyms (redact_people)
    commentary: Commentary | None = None  # the review file of the customer and period
    generated_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    # ------------------------------------------------------------------ derived views
    @property
    def zone(self) -> str:
        """The zone of the review's period boundaries (its first agreement's)."""
        return self.catalogue.zone_of(
            self.catalogue.agreements_for(self.customer.id, self.period)[0]
        )

    @property
    def period_text(self) -> str:
        """``October 2026``, or ``November 2026, to date (as of 2026-11-02 09:00 UTC)``."""
        if not self.in_progress:
            return self.period.label()
        return f"{self.period.label()}, to date (as of {self.as_of:%Y-%m-%d %H:%M} UTC)"

    @property
    def current(self) -> pd.DataFrame:
        """Attainment of the review period, with the change vs the previous period."""
        att = self.attainment
        cur = att[att["period"] == str(self.period)].copy()
        prev = att[att["period"] == str(self.period.previous())]
        prev_map = dict(zip(_keys(prev), prev["achieved"], strict=True))
        cur["previous"] = _keys(cur).map(prev_map)
        cur["change"] = pd.to_numeric(cur["achieved"]) - pd.to_numeric(cur["previous"])
        return cur.reset_index(drop=True)

    @property
    def breaches(self) -> pd.DataFrame:
        """Incidents that breached a ticket target and count in the review period."""
        att = self.attainment.drop_duplicates(["agreement", "id"])
        names = dict(zip(_keys(att), att["name"], strict=True))
        return breaches_between(self.clocks, names, *self.period.bounds(self.zone))

    @property
    def unplanned_outages(self) -> pd.DataFrame:
        """The outages availability counts: unplanned, with an impact."""
        o = self.outages
        if o.empty:
            return o
        return o[~o["planned"].astype(bool) & (o["impact"] != "none")].reset_index(drop=True)

    @property
    def overall(self) -> Status:
        """Missed when any target is missed, else At risk, In progress, Met, No data."""
        return overall(self.current["status"])

    @property
    def credits(self) -> pd.DataFrame:
        cur = self.current
        return cur[cur["credit_percent"] > 0][["id", "name", "achieved", "credit_percent"]]

    @property
    def headlines(self) -> list[str]:
        """Plain-language messages from the numbers: the count met, every missed target, the
        largest improvement, the improvement verdicts (significant trends, forecasts below
        even odds, actions that made a difference) and every service credit due."""
        cur = self.current
        decided = cur[cur["status"].isin([Status.MET, Status.AT_RISK, Status.MISSED])]
        if self.in_progress:
            out = [
                f"{self.period.label()} is in progress: the values are to date "
                f"(as of {self.as_of:%Y-%m-%d %H:%M} UTC) and no target is decided yet."
            ]
        else:
            met = int(decided["status"].isin([Status.MET, Status.AT_RISK]).sum())
            out = [f"{met} of {len(decided)} measured targets met in {self.period.label()}."]
        for _, r in decided[decided["status"] == Status.MISSED].iterrows():
            out.append(
                f"{r['name']} missed: {describe(r)} against "
                f"{format_objective(r['objective'], r['unit'])} (n = {r['n']})."
            )
        no_data = cur[cur["status"] == Status.NO_DATA]
        if not no_data.empty:
            out.append("No data: " + ", ".join(no_data["name"]) + ".")
        improved = cur.dropna(subset=["change"])
        improved = improved[improved["higher_is_better"] & (improved["change"] > 0)]
        if not improved.empty and not self.in_progress:
            best = improved.sort_values("change", ascending=False).iloc[0]
            out.append(
                f"Largest improvement: {best['name']} up {best['change']:.1f} points "
                f"on {self.period.previous().label()}."
            )
        if self.improvement is not None:
            out += improve.headlines(self.improvement, self.period)
        credits = self.credits
        if not credits.empty:
            out.append(
                "Service credits due: "
                + "; ".join(f"{r['name']} {r['credit_percent']:g} %" for _, r in credits.iterrows())
                + "."
            )
        elif not self.in_progress:
            out.append("No service credits are due.")
        return out

    @property
    def settings(self) -> pd.DataFrame:
        """The calculation settings used, for the appendix."""
        rows = []
        for a in self.catalogue.agreements_for(self.customer.id, self.period):
            rows += [
                (a.id, "period boundaries", f"{a.review_period}, {self.catalogue.zone_of(a)}"),
                (a.id, "clock pauses in states", ", ".join(a.clock.pause_states) or "none"),
                (
                    a.id,
                    "a day ('1d') in a target",
                    "one working day of the target's calendar"
                    if a.clock.day == "working_day"
                    else "24 hours of the target's calendar time",
                ),
                (a.id, "reopened incidents", f"reopen: {a.clock.reopen}"),
                (a.id, "resolution clock stops at", a.clock.resolution_stop_text()),
                (
                    a.id,
                    "cancelled tickets",
                    f"{'not counted' if a.clock.exclude_cancelled else 'counted'} "
                    f"(states: {', '.join(a.clock.cancelled_states) or 'none'})",
                ),
                (
                    a.id,
                    "maintenance stops ticket clocks",
                    "yes" if a.clock.exclude_maintenance else "no",
                ),
            ]
        rows += [
            (
                "all",
                "ticket counted in",
                "the period its clock stopped; a running ticket that "
                "has already breached counts once, in the period it breached",
            ),
            ("all", "met when", "business elapsed ≤ threshold (to the second)"),
            (
                "all",
                "first response",
                "the export's first-response field, else the first change to a state that is not "
                "an initial state (New, Open, Draft, … — clock.initial_states), "
                "else the resolution time",
            ),
            (
                "all",
                "stop time unknown",
                "a closed or cancelled ticket (or a resolved one, for a clock a resolution "
                "stops) with no stop time in its fields or state history is not counted and is "
                "listed in the data-quality notes, never left running",
            ),
            (
                "all",
                "availability",
                "(scheduled − unplanned downtime) / scheduled over the "
                "target calendar's open time; planned maintenance excluded from both; overlapping "
                "outages merged, the heaviest impact wins",
            ),
            (
                "all",
                "availability measured over",
                "the time the service's outage feed covers: from its monitored_since date (or "
                "its first outage record, or first check result) until the data ends; other "
                "time is no data, not up",
            ),
            (
                "all",
                "outages inferred from checks",
                "for a service with a monitoring block: down after its down_after failed "
                "results in a row, up after up_after successful ones; a gap over gap_factor × "
                "the check interval is no data, counted by the agreement's monitoring.no_data "
                "(see 'Where availability is measured from')",
            ),
            (
                "all",
                "rolling twelve months",
                "the twelve months (52 weeks) up to the period's end added up, each month "
                "measured under the target version in force then",
            ),
            ("all", "interval", "Wilson 95 % score interval on the share of tickets met"),
            *(("all", what, how) for what, how in self._methods()),
            ("all", "data as of", f"{self.as_of:%Y-%m-%d %H:%M} UTC"),
        ]
        return pd.DataFrame(rows, columns=["agreement", "setting", "value"])

    def _methods(self) -> list[tuple[str, str]]:
        return [] if self.improvement is None else improve.methods(self.improvement)


def open_review(
    customer: str,
    period: str | Period,
    *,
    warehouse: str | Path | None = None,
    catalogue: str | Path | Catalogue | None = None,
    as_of: datetime | str | None = None,
    now: datetime | None = None,
    history: int = HISTORY,
    series: int = SERIES,
    redact_people: bool = False,
) -> Review:
    """Read everything the pack needs for ``customer`` and ``period`` (any form
    ``Period.parse`` reads; relative ones against today in the customer's zone).

    A period that starts after the customer's data ends is an ``InputError``; a running one
    is reviewed to date (``Review.in_progress``). ``as_of`` (a datetime or ISO 8601 text, ""
    for none) says the exports are complete up to that instant, when that is later than their
    latest timestamp (a quiet month); by default it is the latest timestamp. ``history``
    periods are charted; the ``series`` periods up to ``period`` feed the improvement view.
    ``redact_people``: every person name of the customer's data replaced by its pseudonym
    (``redact``), wherever the review holds it.
    """
    cat = (
        catalogue
        if isinstance(catalogue, Catalogue)
        else load_catalogue(catalogue_path(catalogue or None))
    )
    cust = cat.customer(customer)
    p = measures.resolve_period(cat, customer, period, now)
    agreements = cat.agreements_for(customer, p)
    if not agreements:
        raise UnknownNameError(
            f"customer {customer!r} has no agreement in force in {p}; check effective dates "
            f"in {cat.source}"
        )
    periods = p.history(history)
    zone = cat.zone_of(agreements[0])
    services = cat.services_of(customer)
    src = Path(cat.source)
    sha = hashlib.sha256(src.read_bytes()).hexdigest() if src.is_file() else ""
    commentary = load_commentary(cat, customer, p)  # a broken review file fails before the work
    with session(db_path(warehouse or None), read_only=True) as con:
        as_of = measures.given_as_of(as_of, now) or measures.as_of_time(con, customer, now)
        in_progress = measures.check_period(p, zone, as_of)
        run = measures.run_clocks(con, cat, customer, as_of=as_of, explain=True)
        clocks = measures.ticket_clocks(con, cat, customer, as_of=as_of, clocks=run)
        avail = measures.availability_history(con, cat, customer, periods, as_of)
        att = measures.attainment(
            con, cat, customer, p, history=max(history, series), as_of=as_of, clocks=run,
            availability=avail, rolling="each",
        )  # fmt: skip
        vols = measures.volumes(
            con, customer, periods, services=services, zone=zone,
            ended_states=measures.ended_states(cat, customer),
        )  # fmt: skip
        sat = att[att["metric"] == "satisfaction"][
            [
                "agreement",
                "id",
                "name",
                "period",
                "achieved",
                "n",
                "objective",
                "unit",
                "higher_is_better",
            ]
        ]
        s, e = p.bounds(zone)
        actions = query(con, "review_actions", {"customer": customer, "as_of": as_of})
        majors = query(con, "review_majors", {"customer": customer, "ps": s, "pe": e})
        quality = query(
            con, "review_quality", {"customer": customer, "now": now or datetime.now(UTC)}
        )
        findings = measures.stop_findings(con, cat, customer, as_of=as_of, clocks=run)
        if not findings.empty:
            quality = pd.concat([quality, stop_notes(findings)], ignore_index=True)
        loads = query(con, "review_loads", {"customer": customer})
        feeds = query(con, "review_feeds", {"customer": customer, "services": services})
        current = att[att["period"] == str(p)].reset_index(drop=True)
        if not (notes := commentary_notes(current, commentary)).empty:
            quality = pd.concat([quality, notes], ignore_index=True)
        budget = budget_report(con, cat, customer, current, as_of=as_of, clocks=clocks)
        planned = measures.planned_work(con, cat, customer, services, s, e)
        outage_rows = outage_list(con, cat, customer, p, as_of=as_of)
        levels = satisfaction_by_service_level(con, cat, customer, p, as_of=as_of, clocks=run)
        detail = satisfaction_detail(
            satisfaction_responses(con, customer, p, services=services, zone=zone),
            resolved=int(vols.loc[vols["period"] == str(p), "resolved"].sum()),
            satisfied_from=satisfied_from(cat, customer, p),
            comments=cust.satisfaction.comments,
        )
        people = person_names(con, customer) if redact_people else []
        improved = improve.improvement(
            att, period=p, in_progress=in_progress, elapsed=_elapsed(s, e, as_of),
            actions=actions, zone=zone,
            outages=_outage_history(con, cat, customer, p.history(series), in_progress, as_of),
            current_outages=_unplanned(outage_rows) if in_progress else None,
            next_scheduled_s=None if in_progress else _next_scheduled(cat, customer, p.shift(1)),
            next_objectives=_objectives(cat, customer, p.shift(1)),
            check_days=_check_days(con, cat, customer, p, in_progress, as_of),
        )  # fmt: skip
    review = Review(
        catalogue=cat,
        customer=cust,
        period=p,
        periods=periods,
        as_of=as_of,
        attainment=att,
        clocks=clocks,
        availability=avail,
        volumes=vols,
        satisfaction=sat,
        actions=actions,
        majors=majors,
        quality=quality,
        loads=loads,
        feeds=feeds,
        maintenance=_taken(planned, s, e),
        outages=outage_rows,
        catalogue_sha256=sha,
        in_progress=in_progress,
        budgets=budget,
        improvement=improved,
        satisfaction_levels=levels,
        satisfaction_detail=detail,
        commentary=commentary,
    )
    return redacted(review, people) if redact_people else review


def redacted(review: Review, people: list[str]) -> Review:
    """``review`` with every name of ``people`` replaced by its pseudonym under the key of the
    workspace (the catalogue's folder) and the customer, wherever its data holds it."""
    src = Path(review.catalogue.source)
    secret = workspace_secret(src if src.is_dir() else src.parent)
    redactor = Redactor.build(people, customer_key(secret, review.customer.id))
    commentary = review.commentary and review.commentary.map_text(redactor.text)
    return replace(redactor.fields(review), commentary=commentary, redacted=True)


def commentary_notes(current: pd.DataFrame, commentary: Commentary) -> pd.DataFrame:
    """The data-quality note of the period's missed targets that the review file does not
    explain (none when every miss has a comment)."""
    missed = unexplained(current, commentary)
    rows = [(UNEXPLAINED, unexplained_note(missed, commentary), len(missed))] if len(missed) else []
    return pd.DataFrame(rows, columns=["issue", "detail", "rows"])


def _elapsed(start: datetime, end: datetime, as_of: datetime) -> float:
    """The share of [start, end) gone at ``as_of``, 0–1."""
    whole = (end - start).total_seconds()
    return min(max((as_of - start).total_seconds() / whole, 0.0), 1.0)


def _outage_history(
    con: Any,
    cat: Catalogue,
    customer: str,
    periods: list[Period],
    in_progress: bool,
    as_of: datetime,
) -> pd.DataFrame | None:
    """The unplanned outages of the whole ``periods`` (the last one left out while it runs),
    per service with their unplanned ``scheduled_s`` inside service hours: what an
    availability, MTBF or MTRS forecast bootstraps. None when the customer has no target
    measured in outage time."""
    timed = any(_outage_timed(t) for p in periods for _, t in cat.targets_for(customer, p))
    whole = periods[:-1] if in_progress else periods
    if not timed or not whole:
        return None
    return _unplanned(outage_list(con, cat, customer, _whole_span(whole), as_of=as_of))


def _whole_span(periods: list[Period]) -> Period:
    """The months (weeks) from the first of ``periods`` to the end of the last, as one
    period: at most the longest range there is (ten years), the latest ones."""
    last = periods[-1].last_unit()
    longest = last.shift(1 - MAX_RANGE[last.unit])
    return Period.span(max(periods[0].first_unit(), longest), last)


def _outage_timed(t: object) -> TypeGuard[AvailabilityTarget | OutageDurationTarget]:
    """Measured in outage time: availability by the time method, MTBF, MTRS."""
    return isinstance(t, OutageDurationTarget) or (
        isinstance(t, AvailabilityTarget) and t.method == "time"
    )


def _check_days(
    con: Any, cat: Catalogue, customer: str, p: Period, in_progress: bool, as_of: datetime
) -> dict[tuple[str, str], Days]:
    """Per availability target measured from checks in force in the period forecast — ``p``
    while it runs (its whole days so far, the rest of it left), else the next one (all of it
    left) — its (good, valid) per whole day over the ``DAY_PERIODS`` whole periods before."""
    ahead = p if in_progress else p.shift(1)
    out = {}
    for a, t in cat.targets_for(customer, ahead):
        if not isinstance(t, AvailabilityTarget) or t.method == "time":
            continue
        zone = cat.zone_of(a)
        first = ahead.shift(-DAY_PERIODS).bounds(zone)[0]
        start, end = ahead.bounds(zone)
        # one query over the history and the days of ``ahead`` gone (all ended by as_of)
        days = daily_counts(con, cat, customer, a, t, first, end if in_progress else start, as_of)
        before = round(local_days(first, start, zone))  # whole days: first is a midnight
        left = local_days(max(as_of, start) if in_progress else start, end, zone)
        out[(a.id, t.id)] = Days(days[:before], days[before:], left, DAY_PERIODS)
    return out


def _unplanned(o: pd.DataFrame) -> pd.DataFrame:
    """The unplanned outages of an ``outage_list`` with an impact, as (service, scheduled_s):
    their time inside service hours and outside maintenance."""
    o = o[~o["planned"].astype(bool) & (o["impact"] != "none")]
    seconds = 60.0 * (o["service_minutes"].fillna(0) - o["maintenance_minutes"].fillna(0))
    return pd.DataFrame({"service": o["service"], "scheduled_s": seconds})[seconds > 0]


def _objectives(cat: Catalogue, customer: str, p: Period) -> dict[tuple[str, str], float]:
    """The objective of every target of the customer in force in ``p``."""
    return {(a.id, t.id): t.objective for a, t in cat.targets_for(customer, p)}


def _next_scheduled(cat: Catalogue, customer: str, p: Period) -> dict[tuple[str, str], float]:
    """The service hours (seconds, before maintenance) of the next period per target measured
    in outage time in force then: the whole of what its forecast is about."""
    out = {}
    for a, t in cat.targets_for(customer, p):
        if _outage_timed(t):
            start, end = p.bounds(cat.zone_of(a))
            out[(a.id, t.id)] = cat.calendar(t.calendar).elapsed(start, end).total_seconds()
    return out


def _taken(planned: pd.DataFrame, start: datetime, end: datetime) -> pd.DataFrame:
    """The planned work of ``measures.planned_work`` that overlaps [start, end), in time order,
    with UTC ``start_at``/``end_at`` and its whole ``duration_s``. The same window of a service
    recorded twice (in the catalogue and as a change or planned outage) is one row naming
    both records."""
    ps, pe = int(start.timestamp()), int(end.timestamp())
    out = planned[(planned["s"] < pe) & (planned["e"] > ps)].fillna({"title": ""})
    out = (
        out.groupby(["service", "s", "e"], as_index=False, sort=True)
        .agg(
            ref=("ref", ", ".join),
            title=("title", lambda t: "; ".join(dict.fromkeys(x for x in t if x))),
            origin=("origin", lambda o: ", ".join(dict.fromkeys(o))),
        )
        .sort_values(["s", "service"])
    )
    return pd.DataFrame(
        {
            "service": out["service"],
            "start_at": pd.to_datetime(out["s"], unit="s", utc=True),
            "end_at": pd.to_datetime(out["e"], unit="s", utc=True),
            "duration_s": (out["e"] - out["s"]).astype(float),
            "ref": out["ref"],
            "title": out["title"],
            "origin": out["origin"],
        }
    ).reset_index(drop=True)


def breaches_between(
    clocks: pd.DataFrame, names: Mapping[str, str], start: datetime, end: datetime
) -> pd.DataFrame:
    """The ``ticket_clocks`` rows that breached their target and count in [start, end), with
    the target's id (``target``) and name (``target_name``, from ``names``: ``agreement/id``
    → name), by priority and then the share of the allowed time used, largest first."""
    if clocks.empty:
        return clocks
    b = counted_between(clocks, start, end)
    b = b[~b["met"]]
    agreement, target = target_of(b["target_key"])
    b = b.assign(target=target, target_name=(agreement + "/" + target).map(names))
    return b.sort_values(["priority", "pct_used"], ascending=[True, False]).reset_index(drop=True)


def counted_between(clocks: pd.DataFrame, start: datetime, end: datetime) -> pd.DataFrame:
    """The ``ticket_clocks`` rows counted in [start, end) (a running clock that has not
    breached counts nowhere)."""
    if clocks.empty:
        return clocks
    return clocks[(clocks["counted_at"] >= start) & (clocks["counted_at"] < end)]


def target_of(keys: pd.Series) -> tuple[pd.Series, pd.Series]:
    """The agreement and target id of each ``target_key`` (``agreement/id@version``)."""
    parts = keys.str.split("@").str[0].str.split("/", n=1)
    return parts.str[0], parts.str[1]


def _keys(att: pd.DataFrame) -> pd.Series:
    """``agreement/id`` of attainment rows: a target id is unique only within its agreement."""
    return att["agreement"] + "/" + att["id"]


def describe(row: Mapping[Any, Any] | pd.Series, column: str = "achieved") -> str:
    """An attainment record's achieved value (or ``rolling_achieved``), with the decimals that
    keep it on its side of the objective. A rolling incident count is a twelve-month total,
    not comparable with the period's objective."""
    comparable = column == "achieved" or row["metric"] != "incident_count"
    return format_value(
        row[column],
        str(row["unit"]),
        row["objective"] if comparable else None,
        bool(row["higher_is_better"]),
    )


def stop_notes(findings: pd.DataFrame, shown: int = 10) -> pd.DataFrame:
    """Data-quality notes for ``measures.stop_findings``: one per reason, with the count and
    the first ``shown`` incident numbers (the customer's own)."""
    rows = []
    for why, group in findings.groupby("why", sort=True):
        numbers = list(group["number"])
        more = f" and {len(numbers) - shown} more" if len(numbers) > shown else ""
        rows.append(
            (
                "incidents whose clock stop is unknown (not counted)",
                f"{why}: {', '.join(numbers[:shown])}{more}",
                len(numbers),
            )
        )
    return pd.DataFrame(rows, columns=["issue", "detail", "rows"])
