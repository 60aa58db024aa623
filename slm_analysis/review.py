"""The data of one service review: a customer, a period, and everything the pack shows.

``open_review`` reads the warehouse once (short-lived connection) and returns a ``Review`` of
plain DataFrames. Presentation lives in ``present`` (HTML) and ``charts`` (plotly).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from . import measures
from .catalogue import (
    Catalogue,
    Customer,
    load_catalogue,
)
from .errors import UnknownNameError
from .paths import catalogue_path, db_path
from .periods import Period
from .warehouse import query, session

HISTORY = 12


@dataclass
class Review:
    """Everything a service review pack presents, for one customer and period."""

    catalogue: Catalogue
    customer: Customer
    period: Period
    periods: list[Period]
    as_of: datetime
    attainment: pd.DataFrame  # every target × the last HISTORY periods
    clocks: pd.DataFrame  # per incident × ticket target, all periods
    availability: pd.DataFrame  # per availability target × service × period
    volumes: pd.DataFrame  # per period × priority
    satisfaction: pd.DataFrame  # per satisfaction target × period
    actions: pd.DataFrame
    majors: pd.DataFrame
    quality: pd.DataFrame
    loads: pd.DataFrame
    catalogue_sha256: str
    generated_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    # ------------------------------------------------------------------ derived views
    @property
    def current(self) -> pd.DataFrame:
        """Attainment of the review period, with the change vs the previous period."""
        cur = self.attainment[self.attainment["period"] == str(self.period)].copy()
        prev = self.attainment[self.attainment["period"] == str(self.period.previous())]
        prev_map = dict(zip(prev["id"], prev["achieved"], strict=True))
        cur["previous"] = cur["id"].map(prev_map)
        cur["change"] = cur["achieved"] - cur["previous"]
        return cur.reset_index(drop=True)

    @property
    def breaches(self) -> pd.DataFrame:
        """Incidents that breached a ticket target and count in the review period."""
        if self.clocks.empty:
            return self.clocks
        months = [str(m) for m in self.period.months_in()]
        b = self.clocks[self.clocks["period"].isin(months) & (~self.clocks["met"])]
        names = self.attainment.drop_duplicates("id").set_index("id")["name"]
        b = b.assign(target=b["target_key"].str.split("@").str[0])
        b = b.assign(target_name=b["target"].map(names))
        return b.sort_values(["priority", "pct_used"], ascending=[True, False]).reset_index(
            drop=True
        )

    @property
    def overall_rag(self) -> str:
        rags = set(self.current["rag"])
        for level in ("red", "amber", "green"):
            if level in rags:
                return level
        return "no data"

    @property
    def credits(self) -> pd.DataFrame:
        cur = self.current
        return cur[cur["credit_percent"] > 0][["id", "name", "achieved", "credit_percent"]]

    def headlines(self) -> list[str]:
        """Up to four plain-language messages generated from the numbers."""
        cur = self.current
        measured = cur[cur["rag"] != "no data"]
        met = int((measured["met"] == True).sum())  # noqa: E712 - object column
        out = [f"{met} of {len(measured)} measured targets met in {self.period.label()}."]
        missed = measured[measured["met"] == False]  # noqa: E712
        for _, r in missed.sort_values("rag", ascending=False).head(2).iterrows():
            out.append(
                f"{r['name']} missed: {format_value(r['achieved'], r['unit'])} against "
                f"{format_value(r['objective'], r['unit'])} (n = {r['n']})."
            )
        improved = cur.dropna(subset=["change"])
        improved = improved[improved["higher_is_better"] & (improved["change"] > 0)]
        if not improved.empty:
            best = improved.sort_values("change", ascending=False).iloc[0]
            out.append(
                f"Largest improvement: {best['name']} up {best['change']:.1f} points "
                f"on {self.period.previous().label()}."
            )
        credits = self.credits
        if not credits.empty:
            out.append(
                "Service credits due: "
                + "; ".join(f"{r['name']} {r['credit_percent']:g} %" for _, r in credits.iterrows())
                + "."
            )
        else:
            out.append("No service credits are due.")
        return out

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
                "the export's first-response field, else the first state change away from New, "
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
            ("all", "interval", "Wilson 95 % score interval on the share of tickets met"),
            ("all", "data as of", f"{self.as_of:%Y-%m-%d %H:%M} UTC"),
        ]
        return pd.DataFrame(rows, columns=["agreement", "setting", "value"])


def open_review(
    customer: str,
    period: str | Period,
    *,
    warehouse: str | Path | None = None,
    catalogue: str | Path | Catalogue | None = None,
    as_of: datetime | None = None,
    history: int = HISTORY,
) -> Review:
    """Read everything the pack needs for ``customer`` and ``period`` from the warehouse."""
    cat = (
        catalogue
        if isinstance(catalogue, Catalogue)
        else load_catalogue(catalogue_path(catalogue or None))
    )
    cust = cat.customer(customer)
    p = Period.parse(period)
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
    with session(db_path(warehouse or None), read_only=True) as con:
        as_of = as_of or measures.as_of_time(con, customer)
        clocks = measures.ticket_clocks(con, cat, customer, as_of=as_of)
        avail = measures.availability_history(con, cat, customer, periods)
        att = measures.attainment(
            con,
            cat,
            customer,
            p,
            history=history,
            as_of=as_of,
            clocks_ready=True,
            availability=avail,
        )
        vols = measures.volumes(con, customer, periods, services=services, zone=zone)
        sat = att[att["metric"] == "satisfaction"][
            ["id", "name", "period", "achieved", "n", "objective", "unit"]
        ]
        s, e = p.bounds(zone)
        actions = query(con, "review_actions", {"customer": customer, "as_of": as_of})
        majors = query(con, "review_majors", {"customer": customer, "ps": s, "pe": e})
        quality = query(con, "review_quality", {"customer": customer})
        findings = measures.stop_findings(con, cat, customer, as_of=as_of, clocks_ready=True)
        if not findings.empty:
            quality = pd.concat([quality, stop_notes(findings)], ignore_index=True)
        loads = query(con, "review_loads", {"customer": customer})
    return Review(
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
        catalogue_sha256=sha,
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


def format_value(value: float | None, unit: str) -> str:
    """An achieved or objective value as text: ``99.95 %``, ``87.3 %``, ``4.20 / 5``, ``12``."""
    if value is None or value != value:  # None or NaN
        return "–"
    if unit == "%":
        return f"{value:.2f} %" if value >= 99 else f"{value:.1f} %"
    if unit == "incidents":
        return f"{value:.0f}"
    return f"{value:.2f} {unit}"
