"""Satisfaction versus service levels (docs/metrics.md, *Satisfaction versus service levels*).

Survey responses are joined to the incident they rate and to that incident's verdict under
each resolution target: the mean score (95 % t interval) and, when the customer has a
satisfaction target, the share satisfied by its definition (95 % Wilson interval) of the
tickets that met the target against those that missed it, and by resolution-time band.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

import duckdb
import pandas as pd

from . import measures
from .catalogue import Catalogue, SatisfactionTarget, TicketTimeTarget, target_title
from .distributions import t_ppf
from .measures import Clocks, TargetVersion
from .periods import Period
from .reconcile import by_target, counted_units, use_clocks
from .warehouse import inputs, query

HOUR = 3600
# resolution-time bands in business hours of the target's calendar: [lo, hi)
BANDS = [
    ("< 4 h", 0, 4 * HOUR),
    ("4–8 h", 4 * HOUR, 8 * HOUR),
    ("8–24 h", 8 * HOUR, 24 * HOUR),
    ("24–72 h", 24 * HOUR, 72 * HOUR),
    ("≥ 72 h", 72 * HOUR, None),
]
COLUMNS = [
    "agreement", "id", "name", "period", "by", "group", "n", "mean_score", "mean_low",
    "mean_high", "satisfied", "satisfied_share", "share_low", "share_high", "satisfied_from",
]  # fmt: skip


def satisfaction_by_service_level(
    con: duckdb.DuckDBPyConnection,
    cat: Catalogue,
    customer: str,
    period: Period | str,
    *,
    as_of: datetime | str | None = None,
    clocks: Clocks | None = None,
) -> pd.DataFrame:
    """Per resolution target of ``customer`` counted in ``period``: the survey responses about
    its tickets grouped by verdict (``by`` = ``verdict``: *Met*, *Missed*) and by business
    resolution time (``by`` = ``resolution time``: ``BANDS``), each group with its number of
    responses ``n``, mean score with its 95 % t interval (none below two responses), and —
    when the customer has a satisfaction target in force — the responses scoring its
    ``satisfied_from`` or more, their share in percent and its 95 % Wilson interval. Every
    group is listed, empty ones with n = 0. ``clocks``: a ``measures.run_clocks`` of the same
    customer and as-of to reuse (checked); without it they are run on ``con``."""
    as_of = as_of or (clocks.as_of if clocks is not None else None)
    p, moment, _ = measures.period_window(con, cat, customer, period, as_of=as_of)
    every = measures.versions(cat, customer)
    vs = [v for v in every if isinstance(v.target, TicketTimeTarget)]
    units = counted_units(cat, [v for v in vs if v.target.metric == "resolution_time"], p)
    if units.empty:
        return pd.DataFrame(columns=COLUMNS)
    use_clocks(con, cat, customer, moment, vs, clocks)
    bands = pd.DataFrame(BANDS, columns=["band", "lo", "hi"]).astype({"hi": "Int64"})
    with inputs(con, {"rec_units": units, "sat_bands": bands}):
        rated = query(con, "satisfaction_service_levels", {"customer": customer})
    satisfied_from = _satisfied_from(every, p)
    rows = []
    for v, keys in by_target(vs, units).values():
        mine = rated[rated["target_key"].isin(keys)]
        head = {
            "agreement": v.agreement.id,
            "id": v.target.id,
            "name": target_title(cat, v.target, v.target.services or v.agreement.services),
            "period": str(p),
        }
        groups = [
            ("verdict", word, mine[mine["met"] == met])
            for word, met in (("Met", True), ("Missed", False))
        ]
        groups += [("resolution time", band, mine[mine["band"] == band]) for band, _, _ in BANDS]
        for by, group, g in groups:
            rows.append({**head, "by": by, "group": group, **_scores(g["score"], satisfied_from)})
    return pd.DataFrame(rows, columns=COLUMNS)


def _satisfied_from(vs: list[TargetVersion], p: Period) -> int | None:
    """The customer's definition of satisfied: the lowest satisfied score of its first
    satisfaction target in force in ``p`` (at its last month); None without one."""
    found = None
    for u in p.units():
        for v in vs:
            t = v.target
            if isinstance(t, SatisfactionTarget) and t.in_force(u) and v.agreement.in_force(u):
                found = t.satisfied_from
                break
    return found


def _scores(scores: pd.Series, satisfied_from: int | None) -> dict[str, object]:
    """n, mean with its 95 % t interval, and the satisfied count and share (Wilson)."""
    n = len(scores)
    mean = float(scores.mean()) if n else None
    lo = hi = None
    if n >= 2 and mean is not None:
        half = t_ppf(0.975, n - 1) * float(scores.std(ddof=1)) / math.sqrt(n)
        lo, hi = mean - half, mean + half
    out: dict[str, object] = {"n": n, "mean_score": mean, "mean_low": lo, "mean_high": hi}
    if satisfied_from is None:
        return {**out, "satisfied": None, "satisfied_share": None, "share_low": None,
                "share_high": None, "satisfied_from": None}  # fmt: skip
    k = int((scores >= satisfied_from).sum())
    s_lo, s_hi = measures.wilson_interval(k, n)
    return {**out, "satisfied": k, "satisfied_share": 100 * k / n if n else None,
            "share_low": s_lo, "share_high": s_hi, "satisfied_from": satisfied_from}  # fmt: skip


# ---------------------------------------------------------------------------- detail
@dataclass(frozen=True)
class SatisfactionDetail:
    """The survey responses of one review period, as the pack's satisfaction detail shows them
    (docs/metrics.md, *Response rate* and *Satisfaction detail*)."""

    responses: int  # survey responses submitted in the period
    resolved: int  # tickets resolved in the period (the volumes' ``resolved``)
    response_rate: float | None  # responses / resolved, percent; None with nothing resolved
    satisfied_from: int | None  # the customer's satisfaction target's definition, if any
    distribution: pd.DataFrame  # scale, score, responses, share (percent of the period's)
    by_service: pd.DataFrame  # service, responses, mean_score, satisfied_share
    by_priority: pd.DataFrame  # priority (None: rates no known incident), the same columns
    comments: pd.DataFrame  # the latest ``comments``: submitted_at, service, score, scale, comment


GROUP_COLUMNS = ["responses", "mean_score", "satisfied_share"]


def satisfaction_responses(
    con: duckdb.DuckDBPyConnection,
    customer: str,
    period: Period,
    *,
    services: list[str],
    zone: str,
) -> pd.DataFrame:
    """The customer's survey responses submitted in ``period`` (boundaries in ``zone``) about
    ``services`` or no service, with the priority of the incident each rates
    (``sql/satisfaction_responses.sql``)."""
    start, end = period.bounds(zone)
    params = {"customer": customer, "services": services, "ps": start, "pe": end}
    return query(con, "satisfaction_responses", params)


def satisfaction_detail(
    responses: pd.DataFrame,
    *,
    resolved: int,
    satisfied_from: int | None = None,
    comments: int = 0,
) -> SatisfactionDetail:
    """Aggregate ``satisfaction_responses``: the response rate against the ``resolved``
    tickets of the period, the distribution of scores (per scale), the mean score and share
    satisfied (score ≥ ``satisfied_from``; None without it) by service and by priority, and
    the latest ``comments`` non-empty comments (0: none, the default)."""
    n = len(responses)
    dist = _distribution(responses)
    said = responses.dropna(subset=["comment"]).sort_values(
        ["submitted_at", "response_id"], ascending=False
    )
    return SatisfactionDetail(
        responses=n,
        resolved=resolved,
        response_rate=100 * n / resolved if resolved else None,
        satisfied_from=satisfied_from,
        distribution=dist.reset_index(drop=True),
        by_service=_groups(responses, "service", satisfied_from),
        by_priority=_groups(responses, "priority", satisfied_from),
        comments=said.head(comments)[
            ["submitted_at", "service", "score", "scale", "comment"]
        ].reset_index(drop=True),
    )


def _distribution(responses: pd.DataFrame) -> pd.DataFrame:
    """Responses and their share (percent) per score, every whole score 1..scale of each
    scale in the responses listed (zero when nobody gave it)."""
    counts = responses.groupby(["scale", "score"]).size()
    scores = {(int(k), float(v)) for k in responses["scale"].unique() for v in range(1, k + 1)}
    index = sorted(scores | {(int(a), float(b)) for a, b in counts.index})
    dist = pd.DataFrame(index, columns=["scale", "score"])
    dist["responses"] = [int(counts.get(i, 0)) for i in index]
    dist["share"] = 100 * dist["responses"] / len(responses) if len(responses) else []
    return dist


def _groups(responses: pd.DataFrame, by: str, satisfied_from: int | None) -> pd.DataFrame:
    """Responses, mean score and share satisfied (percent) per value of ``by`` (missing
    values as one group, last)."""
    rows = []
    for key, g in responses.groupby(by, dropna=False, sort=True):
        share = None
        if satisfied_from is not None:
            share = 100 * float((g["score"] >= satisfied_from).sum()) / len(g)
        value = None if pd.isna(key) else (int(str(key)) if by == "priority" else key)
        rows.append({by: value, "responses": len(g), "mean_score": float(g["score"].mean()),
                     "satisfied_share": share})  # fmt: skip
    return pd.DataFrame(rows, columns=[by, *GROUP_COLUMNS])


def satisfied_from(cat: Catalogue, customer: str, p: Period) -> int | None:
    """The customer's definition of satisfied in ``p`` (see ``_satisfied_from``)."""
    return _satisfied_from(measures.versions(cat, customer), p)
