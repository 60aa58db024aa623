"""The outage list of a customer's services in a period: recorded and inferred, one list.

Recorded outages (the ``outages`` table) are listed as they are — planned or not, any impact.
Outages inferred from checks (``monitoring.check_outages``, for services with a ``monitoring``
block) merge with them by availability's rule: an inferred outage that overlaps an unplanned
recorded one of the same service is that record's evidence (its checks, first failure and first
success), not another outage; one that overlaps none is listed with source ``checks: a, b``.
Each row's minutes are counted inside the period (and before the as-of instant): wall-clock,
inside the service hours of its calendar, and of those the ones inside planned maintenance.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import duckdb
import pandas as pd

from .calendars import Calendar
from .catalogue import AvailabilityTarget, Catalogue
from .measures import customer_zone, period_window, planned_work
from .monitoring import check_outages
from .periods import Period
from .warehouse import plausible, query

OUTAGE_LIST_COLUMNS = [
    "service", "outage_id", "title", "task", "impact", "planned", "source", "start_at", "end_at",
    "minutes", "calendar", "service_minutes", "maintenance_minutes", "first_failure_at",
    "first_failure_check", "first_success_at", "first_success_check", "checks",
]  # fmt: skip
Row = dict[str, Any]  # one outage as the list builds it
_TEXTS = ["outage_id", "title", "task", "first_failure_check", "first_success_check"]
_EVIDENCE = ["first_failure_at", "first_failure_check", "first_success_at", "first_success_check"]


def outage_list(
    con: duckdb.DuckDBPyConnection,
    cat: Catalogue,
    customer: str,
    period: Period | str,
    *,
    services: list[str] | None = None,
    as_of: datetime | str | None = None,
    calendar: str | None = None,
) -> pd.DataFrame:
    """One row per outage of the customer's ``services`` (default: all of its agreements')
    overlapping ``period`` before ``as_of`` (default: when its data ends), ordered by service
    and start (``OUTAGE_LIST_COLUMNS``; instants in UTC). ``start_at``/``end_at`` are the
    outage's own, not clipped to the period (``end_at`` is null for a record still open; an
    inferred outage still running ends at the as-of instant with no first success);
    ``minutes``, ``service_minutes`` and ``maintenance_minutes`` count its time inside the
    period up to the as-of instant. ``calendar``: the service hours (default per service: the
    calendar of its first availability target in force in the period, else 24x7 in the
    customer's zone)."""
    p, moment, _ = period_window(con, cat, customer, period, as_of=as_of)
    zone = customer_zone(cat, customer)
    start, end = p.bounds(zone)
    stop = max(start, min(end, moment))
    chosen = list(services) if services is not None else cat.services_of(customer)
    records = query(
        con,
        "outage_records",
        {"customer": customer, "services": chosen, "start": start, "stop": stop},
    )
    rows = _merge(records, _inferred(con, cat, customer, chosen, start, stop, moment))
    maint = planned_work(con, cat, customer, chosen, start, end)
    out = [
        _timed(r, _calendar(cat, customer, p, r["service"], calendar, zone), maint, start, stop)
        for r in rows
    ]
    frame = pd.DataFrame(out, columns=OUTAGE_LIST_COLUMNS)
    for c in _TEXTS:  # None where there is none, not a string column's NaN
        frame[c] = pd.Series([None if pd.isna(v) else v for v in frame[c]], dtype=object)
    return frame.sort_values(["service", "start_at"], ignore_index=True, kind="stable")


def _inferred(
    con: duckdb.DuckDBPyConnection,
    cat: Catalogue,
    customer: str,
    services: list[str],
    start: datetime,
    stop: datetime,
    as_of: datetime,
) -> pd.DataFrame:
    """The down stretches inferred from checks that overlap [start, stop), whole: inferred
    from the first plausible instant to the as-of instant, so a stretch running into the
    period keeps its real start and one running out of it its real end."""
    monitored = [s for s in services if cat.service(s).monitoring is not None]
    if not monitored or stop <= start:
        return pd.DataFrame(columns=["service", "start_at", "end_at", *_EVIDENCE, "checks"])
    found = check_outages(
        con, cat, customer, plausible()["first"], as_of, as_of=as_of, services=monitored
    ).down
    keep = (found["start_at"] < pd.Timestamp(stop)) & (found["end_at"] > pd.Timestamp(start))
    return found[keep].reset_index(drop=True)


def _merge(records: pd.DataFrame, inferred: pd.DataFrame) -> list[Row]:
    """Records as rows, with the evidence of the inferred outages overlapping each unplanned
    one (its source then names their checks too); the inferred outages overlapping none as
    rows of their own."""
    rows = [{**r, **dict.fromkeys(_EVIDENCE), "checks": []} for r in records.to_dict("records")]
    alone = []
    for x in (dict(zip(inferred.columns.astype(str), v, strict=True)) for v in inferred.to_numpy()):
        hit = [r for r in rows if _overlaps(r, x)]
        for r in hit:
            _attach(r, x)
        if not hit:
            alone.append(
                {**x, "outage_id": None, "title": None, "task": None, "impact": "full",
                 "planned": False,
                 "source": "checks: " + ", ".join(x["checks"])}
            )  # fmt: skip
    for r in rows:
        if r["checks"]:
            r["source"] = f"{r['source']}; checks: " + ", ".join(r["checks"])
    return rows + alone


def _overlaps(record: Row, x: Row) -> bool:
    """Whether inferred outage ``x`` is the same event as unplanned ``record``."""
    return (
        record["service"] == x["service"]
        and not record["planned"]
        and record["impact"] != "none"
        and record["start_at"] < x["end_at"]
        and (pd.isna(record["end_at"]) or record["end_at"] > x["start_at"])
    )


def _attach(record: Row, x: Row) -> None:
    """Give ``record`` the evidence of inferred outage ``x``: its checks, and the earliest
    first failure and the latest first success of the inferred outages it is given."""
    record["checks"] = sorted({*record["checks"], *x["checks"]})
    failure, success = x["first_failure_at"], x["first_success_at"]
    known = record["first_failure_at"]
    if not pd.isna(failure) and (known is None or failure < known):
        record["first_failure_at"] = failure
        record["first_failure_check"] = x["first_failure_check"]
    known = record["first_success_at"]
    if not pd.isna(success) and (known is None or success > known):
        record["first_success_at"] = success
        record["first_success_check"] = x["first_success_check"]


def _calendar(
    cat: Catalogue, customer: str, p: Period, service: str, name: str | None, zone: str
) -> Calendar:
    if name is not None:
        return cat.calendar(name)
    for a, t in cat.targets_for(customer, p):
        if isinstance(t, AvailabilityTarget) and service in (t.services or a.services):
            return cat.calendar(t.calendar)
    return Calendar.twenty_four_seven(zone=zone)


def _timed(
    row: Row,
    cal: Calendar,
    maint: pd.DataFrame,
    start: datetime,
    stop: datetime,
) -> Row:
    """``row`` with its minutes inside [start, stop): wall-clock, in service hours, and of
    those inside the service's planned maintenance."""
    s = max(pd.Timestamp(row["start_at"]).to_pydatetime(), start)
    end_at = row["end_at"]
    e = min(stop if pd.isna(end_at) else pd.Timestamp(end_at).to_pydatetime(), stop)
    mine = maint[maint["service"] == row["service"]]
    pauses = [
        (pd.Timestamp(a, unit="s", tz="UTC").to_pydatetime(),
         pd.Timestamp(b, unit="s", tz="UTC").to_pydatetime())
        for a, b in zip(mine["s"], mine["e"], strict=True)
    ]  # fmt: skip
    open_s = cal.elapsed(s, e).total_seconds() if e > s else 0.0
    outside = cal.elapsed(s, e, pauses).total_seconds() if e > s else 0.0
    return {
        **row,
        "end_at": None if pd.isna(end_at) else end_at,
        "minutes": max((e - s).total_seconds(), 0.0) / 60,
        "calendar": cal.name,
        "service_minutes": open_s / 60,
        "maintenance_minutes": (open_s - outside) / 60,
    }
