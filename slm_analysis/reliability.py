"""Reliability measures: MTTA, MTTR and reopen rate from the ticket clocks; MTRS and MTBF from
the outages availability is measured from (see docs/metrics.md, "Reliability").

Nothing here defines "responded", "resolved", downtime or an outage again: MTTA and MTTR are
statistics of the agreement's response and resolution clocks (``measures.run_clocks``), MTRS and
MTBF divide the scheduled time, downtime and outage count of ``measures.availability``.

- Time to acknowledge / resolve = the clock's business elapsed time: open time of the named
  calendar between its start and stop, less the agreement's pauses (a 24x7 calendar and no pause
  states give wall-clock time). Only clocks that stopped count, in the period of their stop; one
  still running at the as-of instant is never in a mean: it is counted as ``open``.
- Percentiles are nearest-rank: the smallest elapsed time with at least p % of the values at or
  below it, x₍⌈p·n/100⌉₎ of the ascending values — always a time one incident actually took.
- MTRS = downtime / outages, MTBF = (scheduled − downtime) / outages. With no outage neither is
  defined: no number is shown (``None`` / NaT), and the outage count says why.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

import duckdb
import pandas as pd
from pandas._libs import NaTType

from . import measures
from .catalogue import (
    Agreement,
    Catalogue,
    OutageDurationTarget,
    ReopenRateTarget,
    TargetModel,
    TicketDurationTarget,
)
from .errors import InputError
from .periods import Period
from .warehouse import sql

NO_FAILURES = "no failures"
NO_OUTAGES = "no outages"


def nearest_rank(values: Sequence[float], p: float) -> float:
    """The p-th percentile (0 < p ≤ 100) of ``values`` by nearest rank: x₍⌈p·n/100⌉₎ of the
    ascending values. A ``ValueError`` for no values."""
    if not values:
        raise ValueError("no values: a percentile of nothing is undefined")
    ordered = sorted(values)
    rank = max(1, math.ceil(p * len(ordered) / 100 - 1e-9))
    return float(ordered[rank - 1])


# ---------------------------------------------------------------------------- observations
def clock_observations(
    con: duckdb.DuckDBPyConnection, units: Iterable[Period], as_of: datetime
) -> dict[tuple[str, str, str], measures.Observation]:
    """(target version key, month or week label, service) → the amounts of an MTTA, MTTR or
    reopen-rate target, from the clocks ``measures.run_clocks`` left in ``clock_results`` (see
    sql/reliability_clocks.sql): ``n`` stopped clocks, their ``elapsed`` seconds, ``total_s``,
    ``open`` clocks (opened then, running at ``as_of``) and ``reopened`` incidents."""
    out: dict[tuple[str, str, str], measures.Observation] = {}
    for unit in sorted({u.unit for u in units}):
        rows = con.execute(
            sql("reliability_clocks"), {"unit": unit, "as_of": int(as_of.timestamp())}
        ).fetchall()
        for key, label, service, n, elapsed, total, still_open, reopened in rows:
            out[(key, label, service)] = {
                "n": float(n),
                "elapsed": [float(x) for x in elapsed],
                "total_s": float(total),
                "open": float(still_open),
                "reopened": float(reopened),
            }
    return out


def clock_observation(
    observed: dict[tuple[str, str, str], measures.Observation], key: str, unit: Period
) -> measures.Observation:
    """The amounts of one target version in one month (week), its services added up."""
    parts = [obs for (k, label, _), obs in observed.items() if k == key and label == str(unit)]
    empty: measures.Observation = {
        "n": 0.0,
        "elapsed": [],
        "total_s": 0.0,
        "open": 0.0,
        "reopened": 0.0,
    }
    return add_up(parts) if parts else empty


def outage_observation(av: pd.DataFrame, unit: Period) -> measures.Observation:
    """The amounts of an MTBF or MTRS target in month (week) ``unit``, from ``availability``:
    its services added up, with the outages already running when the month's measured time
    began (``carried``, and the month's first day in ``carried_on``: one entry per month) so
    that an outage over a month boundary counts once."""
    return {
        "n": float(av["outages"].sum()),
        "carried": [float(av["outages_carried"].sum())],
        "carried_on": [float(unit.first.toordinal())],
        "scheduled_s": float(av["scheduled_s"].sum()),
        "downtime_s": float(av["downtime_s"].sum()),
        "period_scheduled_s": float(av["period_scheduled_s"].sum()),
    }


def add_up(parts: Iterable[measures.Observation]) -> measures.Observation:
    """Observations added up: amounts summed, lists joined in order."""
    total: measures.Observation = {}
    for obs in parts:
        for k, x in obs.items():
            if isinstance(x, list):
                before = total.get(k, [])
                assert isinstance(before, list)
                total[k] = [*before, *x]
            else:
                now = total.get(k, 0.0)
                assert not isinstance(now, list)
                total[k] = now + x
    return total


def _number(total: measures.Observation, key: str) -> float:
    x = total.get(key, 0.0)
    assert not isinstance(x, list)
    return x


def _values(total: measures.Observation, key: str) -> list[float]:
    x = total.get(key, [])
    assert isinstance(x, list)
    return x


def distinct_outages(total: measures.Observation) -> int:
    """Outages of consecutive months counted once: Σ outages − Σ carried + the earliest month's
    carried (an outage carried into a later month was counted in the month it began)."""
    carried = dict(zip(_values(total, "carried_on"), _values(total, "carried"), strict=True))
    first = carried[min(carried)] if carried else 0
    return int(_number(total, "n") - sum(carried.values()) + first)


# ---------------------------------------------------------------------------- achieved
def achieved(t: TargetModel, total: measures.Observation) -> dict[str, object]:
    """The achieved value of a reliability target over a period from its months' observations
    added up (None when nothing was measured), with its unit and what stands behind it."""
    if isinstance(t, TicketDurationTarget):
        n = int(_number(total, "n"))
        value = None
        if n:
            value = (
                _number(total, "total_s") / n
                if t.percentile is None
                else nearest_rank(_values(total, "elapsed"), t.percentile)
            )
        return {
            "unit": "s",
            "n": n,
            "achieved": value,
            "open": int(_number(total, "open")),
            "percentile": t.percentile,
            "values": _values(total, "elapsed"),
        }
    if isinstance(t, ReopenRateTarget):
        n, reopened = int(_number(total, "n")), int(_number(total, "reopened"))
        lo, hi = measures.wilson_interval(reopened, n)
        return {
            "unit": "%",
            "n": n,
            "n_met": n - reopened,
            "achieved": 100.0 * reopened / n if n else None,
            "interval_low": lo,
            "interval_high": hi,
            "open": int(_number(total, "open")),
        }
    assert isinstance(t, OutageDurationTarget)
    return outage_achieved(t, total)


def outage_achieved(t: OutageDurationTarget, total: measures.Observation) -> dict[str, object]:
    """MTBF or MTRS over the covered time. No outage: no value; MTBF is then judged on the
    failure-free up time (``judged``: Met when it reaches the objective — any MTBF with a first
    failure after it would too — else never Missed, see ``measures._record``)."""
    sched, down = _number(total, "scheduled_s"), _number(total, "downtime_s")
    whole = _number(total, "period_scheduled_s")
    n = distinct_outages(total)
    rec: dict[str, object] = {
        "unit": "s",
        "n": n,
        "scheduled_s": sched,
        "downtime_s": down,
        "period_scheduled_s": whole,
        "coverage": sched / whole if whole > 0 else None,
        "achieved": None,
    }
    if sched <= 0:  # the feed covers none of the period: no data
        return rec
    if n:
        rec["achieved"] = (sched - down) / n if t.metric == "mtbf" else down / n
    elif t.metric == "mtbf":
        rec.update(note=NO_FAILURES, judged=sched - down)
    else:
        rec["note"] = NO_OUTAGES
    return rec


# ---------------------------------------------------------------------------- the measure
RELIABILITY_COLUMNS = [
    "period", "service", "responded", "mtta", "resolved", "mttr", "open", "reopened",
    "reopen_rate", "scheduled", "downtime", "outages", "mtrs", "mtbf",
]  # fmt: skip


def reliability(
    con: duckdb.DuckDBPyConnection,
    cat: Catalogue,
    customer: str,
    period: Period | str,
    *,
    calendar: str,
    services: list[str] | None = None,
    agreement: str | None = None,
    priority: list[int] | None = None,
    percentiles: Sequence[int] = (50, 90),
    partial_weight: float = 0.5,
    as_of: datetime | str | None = None,
) -> pd.DataFrame:
    """Per service over ``period`` (any form): MTTA and MTTR (means and nearest-rank
    ``percentiles`` as ``mtta_p50``…, pandas Timedelta; NaT when no clock stopped), the clocks
    behind them (``responded``, ``resolved``), incidents ``open`` at the as-of instant (opened in
    the period, in no mean), ``reopened`` and ``reopen_rate`` (% of ``resolved``), and MTRS and
    MTBF (Timedelta; NaT without an outage) from ``scheduled`` time, ``downtime`` and
    ``outages``.

    Clocks run on ``calendar`` under the clock settings of ``agreement`` (default: the
    customer's first agreement in force that covers ``services``), whose zone bounds the
    period; the same calendar is the service hours of MTRS and MTBF. ``services`` defaults to
    the agreement's, ``priority`` to all. Leaves the clock tables ``measures.run_clocks``
    creates on ``con`` (with only these clocks).
    """
    p, moment, _ = measures.period_window(con, cat, customer, period, as_of=as_of)
    a = _agreement(cat, customer, p, agreement, services)
    chosen = services or a.services
    cat.calendar(calendar)
    vs = _versions(a, calendar, chosen, priority)
    measures.run_clocks(con, cat, customer, as_of=moment, targets=vs)
    observed = clock_observations(con, p.units(), moment)
    av = measures.service_availability(
        con, cat, customer, p, services=chosen, calendar=calendar,
        partial_weight=partial_weight, zone=cat.zone_of(a), as_of=moment,
        no_data=a.monitoring.no_data,
    ).set_index("service")  # fmt: skip
    rows = []
    for s in chosen:
        labels = {str(u) for u in p.units()}
        mine: dict[str, measures.Observation] = {
            str(v.target.metric): add_up(
                obs
                for (k, label, svc), obs in observed.items()
                if k == v.key and svc == s and label in labels
            )
            for v in vs
        }
        found = av.loc[s] if s in av.index else None
        assert found is None or isinstance(found, pd.Series)
        rows.append(_row(p, s, mine, found, percentiles))
    columns = [*RELIABILITY_COLUMNS]
    for name in ("mttr", "mtta"):
        at = columns.index(name) + 1
        columns[at:at] = [f"{name}_p{q}" for q in percentiles]
    return pd.DataFrame(rows, columns=columns)


def _agreement(
    cat: Catalogue,
    customer: str,
    p: Period,
    agreement: str | None,
    services: list[str] | None,
) -> Agreement:
    """The agreement whose clock settings and zone the measure uses."""
    mine = cat.agreements_for(customer, p)
    if agreement is not None:
        found = [a for a in mine if a.id == agreement]
        if not found:
            raise InputError(
                f"agreement {agreement!r} is not one of {customer!r}'s in force in {p}: "
                f"{', '.join(a.id for a in mine) or 'none'}"
            )
        return found[0]
    for a in mine:
        if not services or set(services) <= set(a.services):
            return a
    raise InputError(
        f"no agreement of {customer!r} in force in {p} covers "
        f"{', '.join(services or []) or 'any service'}; pass agreement= (its clock settings "
        "decide when a ticket is responded to and resolved)"
    )


def _versions(
    a: Agreement, calendar: str, services: list[str], priority: list[int] | None
) -> list[measures.TargetVersion]:
    """The clocks of the measure as target versions of ``a`` (keys no catalogue target has)."""
    common = {"calendar": calendar, "services": services, "priority": priority, "objective": 1}
    targets: list[TargetModel] = [
        TicketDurationTarget.model_validate({"id": "mtta", "metric": "mtta", **common}),
        TicketDurationTarget.model_validate({"id": "mttr", "metric": "mttr", **common}),
        ReopenRateTarget.model_validate(
            {
                "id": "reopen",
                "metric": "reopen_rate",
                "objective": 0,
                "priority": priority,
                "services": services,
            }
        ),
    ]
    return [measures.TargetVersion(a, t, -1 - i) for i, t in enumerate(targets)]


def _row(
    p: Period,
    service: str,
    obs: Mapping[str, measures.Observation],
    av: pd.Series | None,
    percentiles: Sequence[int],
) -> dict[str, object]:
    def span(seconds: float | None) -> pd.Timedelta | NaTType:
        return pd.NaT if seconds is None else pd.Timedelta(seconds=seconds)

    out: dict[str, object] = {"period": str(p), "service": service}
    for metric, count in (("mtta", "responded"), ("mttr", "resolved")):
        o = obs[metric]
        n, values = int(_number(o, "n")), _values(o, "elapsed")
        out[count] = n
        out[metric] = span(_number(o, "total_s") / n if n else None)
        for q in percentiles:
            out[f"{metric}_p{q}"] = span(nearest_rank(values, q) if n else None)
    reopen = obs["reopen_rate"]
    reopened, resolved = int(_number(reopen, "reopened")), int(_number(reopen, "n"))
    out["open"] = int(_number(obs["mttr"], "open"))
    out["reopened"] = reopened
    out["reopen_rate"] = 100.0 * reopened / resolved if resolved else math.nan
    if av is None or not av["scheduled_s"] > 0:
        out.update(scheduled=pd.NaT, downtime=pd.NaT, outages=0, mtrs=pd.NaT, mtbf=pd.NaT)
        return out
    sched, down, n_out = float(av["scheduled_s"]), float(av["downtime_s"]), int(av["outages"])
    out.update(
        scheduled=span(sched),
        downtime=span(down),
        outages=n_out,
        mtrs=span(down / n_out if n_out else None),
        mtbf=span((sched - down) / n_out if n_out else None),
    )
    return out
