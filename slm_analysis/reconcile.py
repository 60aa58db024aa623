"""Reconciliation with the source tool's verdict (docs/metrics.md, *Reconciliation with the
source tool*).

Exports carry the tool's own per-incident verdict — ServiceNow's ``made_sla``, the sign of
Jira's SLA column — stored as ``incidents.vendor_made_sla``. ``reconcile`` compares it with
our verdict for every response and resolution target: the agreement rate per target and
period (with its Wilson interval), and the tickets where the two differ with the reason
where one can be found. A reason is found by measuring the ticket again with one clock
setting changed; the first setting (in ``REASONS`` order) whose verdict is the vendor's is
the reason:

1. ``reopen`` — another reopen rule (first / last / all cycles / largest span): it can only
   change the verdict of a ticket whose state history shows a reopen;
2. ``pause states`` — no pauses (when ours pauses), or pausing in the usual hold states
   (``On Hold``, ``Awaiting User Info``, ``Awaiting Caller``; when ours does not);
3. ``calendar`` — 24×7 time instead of the target's business calendar (only when ours is
   not 24×7: the vendor's business calendar is not in the export);
4. ``different stop time`` — the resolution clock stopped at closure instead of resolution
   (or the reverse). Last, because it is the weakest evidence: where tickets close
   automatically days after resolution, stopping at closure misses almost any ticket;

else ``target definition unknown``: the export names no SLA definition (``made_sla`` is a
flag of *some* SLA), so nothing more can be said.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

import duckdb
import pandas as pd

from . import measures
from .catalogue import STATE_DEFAULTS, CalendarSpec, Catalogue, TicketTimeTarget, target_title
from .durations import format_duration
from .measures import Clocks, TargetVersion
from .periods import Period
from .warehouse import inputs, query

REASONS = ("reopen", "pause states", "calendar", "different stop time")
UNKNOWN = "target definition unknown"
# the summary's column of each reason's count
REASON_COLUMNS = {
    "reopen": "n_reopen",
    "pause states": "n_pauses",
    "calendar": "n_calendar",
    "different stop time": "n_stop",
    UNKNOWN: "n_unknown",
}
SUMMARY_COLUMNS = [
    "agreement", "id", "name", "metric", "period", "n", "agree", "agreement_rate",
    "interval_low", "interval_high", "ours_met_vendor_missed", "ours_missed_vendor_met",
    "no_vendor_verdict", *REASON_COLUMNS.values(),
]  # fmt: skip
TICKET_COLUMNS = [
    "agreement", "id", "name", "period", "source", "number", "priority", "reopen_count",
    "start_at", "stop_at", "elapsed_s", "threshold_s", "ours", "vendor", "reason",
    "explanation", "other_reasons",
]  # fmt: skip
FIT_COLUMNS = [  # reconcile_reasons.sql
    "target_key", "source", "number", "reason", "rank", "variant_key", "stop_at",
    "business_elapsed", "threshold_s",
]  # fmt: skip
NOTHING_FITS = "no reopen, pause, calendar or stop change gives the source tool's verdict"
ALWAYS_OPEN = "reconcile-24x7"  # the 24x7 calendar added when the catalogue has none


@dataclass(frozen=True)
class Reconciliation:
    """Our verdict against the source tool's, for one customer and period.

    ``summary``: one row per response/resolution target (``SUMMARY_COLUMNS``): tickets
    compared (``n``: counted in the period, with a vendor verdict), agreeing, the agreement
    rate in percent with its 95 % Wilson interval, the two kinds of disagreement, the tickets
    without a vendor verdict, and the disagreements per reason. ``tickets``: the disagreeing
    tickets (``TICKET_COLUMNS``), our business elapsed time against the threshold, both
    verdicts (*Met* / *Missed*), the reason, a sentence that shows it, and the other reasons
    that fit too."""

    summary: pd.DataFrame
    tickets: pd.DataFrame


@dataclass(frozen=True)
class _Variant:
    """A target version measured with one clock setting changed."""

    version: TargetVersion
    of: str  # the key of the version it varies
    reason: str
    how: str  # the change, in words: "with the clock stopped at closure"


def reconcile(
    con: duckdb.DuckDBPyConnection,
    cat: Catalogue,
    customer: str,
    period: Period | str,
    *,
    as_of: datetime | str | None = None,
    clocks: Clocks | None = None,
) -> Reconciliation:
    """Our verdict against the export's own (``vendor_made_sla``) for every response and
    resolution target of ``customer`` over the tickets counted in ``period`` (as
    ``measures.attainment`` counts them). ``clocks``: a ``measures.run_clocks`` of the same
    customer and as-of to reuse (checked); without it they are run on ``con``. The variant
    clocks that find reasons run on a cursor of their own: ``con``'s clocks are left as
    they were."""
    as_of = as_of or (clocks.as_of if clocks is not None else None)
    p, moment, _ = measures.period_window(con, cat, customer, period, as_of=as_of)
    vs = [v for v in measures.versions(cat, customer) if isinstance(v.target, TicketTimeTarget)]
    units = counted_units(cat, vs, p)
    if units.empty:
        return Reconciliation(
            pd.DataFrame(columns=SUMMARY_COLUMNS), pd.DataFrame(columns=TICKET_COLUMNS)
        )
    use_clocks(con, cat, customer, moment, vs, clocks)
    with inputs(con, {"rec_units": units}):
        compared = query(con, "reconcile_tickets")
    disagree = compared[compared["agrees"].eq(False)]
    fits = _fits(con, cat, customer, moment, vs, disagree)
    tickets = _tickets(cat, p, vs, disagree, fits)
    return Reconciliation(_summary(cat, p, vs, units, compared, tickets), tickets)


def counted_units(cat: Catalogue, vs: list[TargetVersion], p: Period) -> pd.DataFrame:
    """The months (weeks) of ``p`` as UTC bounds in each target's agreement zone, with the
    version of each target in force then (a later version in force in the same month replaces
    an earlier one, as in ``measures.attainment``): target_key, s, e."""
    rows: dict[tuple[str, str], tuple[str, datetime, datetime]] = {}
    for u in p.units():
        for v in vs:
            if v.target.in_force(u) and v.agreement.in_force(u):
                s, e = u.bounds(cat.zone_of(v.agreement))
                rows[(str(u), _target_of(v))] = (v.key, s, e)
    df = pd.DataFrame(list(rows.values()), columns=["target_key", "s", "e"])
    return df.astype({"target_key": "string"})


def use_clocks(
    con: duckdb.DuckDBPyConnection,
    cat: Catalogue,
    customer: str,
    as_of: datetime,
    vs: list[TargetVersion],
    clocks: Clocks | None,
) -> None:
    """Make sure temp table ``clock_results`` holds ``customer``'s clocks as of ``as_of``:
    ``clocks`` checked, else run."""
    if clocks is None:
        measures.run_clocks(con, cat, customer, as_of=as_of, targets=vs)
    else:
        clocks.check(con, customer, as_of, vs)


# ---------------------------------------------------------------------------- reasons
def _fits(
    con: duckdb.DuckDBPyConnection,
    cat: Catalogue,
    customer: str,
    as_of: datetime,
    vs: list[TargetVersion],
    disagree: pd.DataFrame,
) -> pd.DataFrame:
    """Every (disagreeing ticket, variant) whose verdict is the vendor's
    (``reconcile_reasons.sql``), with the variant's change in words (``how``)."""
    keys = set(disagree["target_key"])
    wider, always = _with_always_open(cat)
    variants = [x for v in vs if v.key in keys for x in _variants(wider, v, always)]
    frames = [pd.DataFrame(columns=[*FIT_COLUMNS, "how"])]
    cur = con.cursor()  # its own temp tables: con's clock_results stay as they are
    try:
        cur.execute("set TimeZone = 'UTC'")
        for batch in _batches(variants, 256):  # run_clocks takes at most 256 targets
            measures.run_clocks(
                cur, wider, customer, as_of=as_of, targets=[x.version for x in batch]
            )
            listed = pd.DataFrame(
                [(x.version.key, x.of, x.reason, REASONS.index(x.reason)) for x in batch],
                columns=["variant_key", "target_key", "reason", "rank"],
            )
            wanted = disagree[["target_key", "source", "number", "vendor_met"]]
            with inputs(cur, {"rec_disagree": wanted, "rec_variants": listed}):
                found = query(cur, "reconcile_reasons")
            how = {x.version.key: x.how for x in batch}
            frames.append(found.assign(how=found["variant_key"].map(how)))
    finally:
        cur.close()
    out = pd.concat(frames, ignore_index=True)
    return out.sort_values(["target_key", "number", "source", "rank"], kind="stable")


def _batches(items: list[_Variant], size: int) -> Iterator[list[_Variant]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _with_always_open(cat: Catalogue) -> tuple[Catalogue, str]:
    """``cat`` and the name of a 24×7 calendar in it: its own, or one added to a copy."""
    for name in cat.calendars:
        if cat.calendar(name).always_open:
            return cat, name
    wider = cat.model_copy(
        update={"calendars": {**cat.calendars, ALWAYS_OPEN: CalendarSpec(ical=None)}}
    )
    vars(wider).pop("built_calendars", None)  # the copy's calendars are built anew
    return wider, ALWAYS_OPEN


def _variants(cat: Catalogue, v: TargetVersion, always: str) -> list[_Variant]:
    """The target version ``v`` with one clock setting changed, one variant per change."""
    t, a = v.target, v.agreement
    assert isinstance(t, TicketTimeTarget)
    clock = a.clock
    changes: list[tuple[str, str, dict[str, object], dict[str, object]]] = []
    if t.metric == "resolution_time":
        for rule in ("first", "last", "all", "largest_span"):
            if rule != clock.reopen:
                changes.append(("reopen", f"with reopen rule {rule}", {"reopen": rule}, {}))
        stop = "closed" if clock.resolution_stop == "resolved" else "resolved"
        words = "closure" if stop == "closed" else "resolution"
        changes.append(
            ("different stop time", f"stopped at {words}", {"resolution_stop": stop}, {})
        )
    if clock.pause_states:
        changes.append(("pause states", "without pauses", {"pause_states": []}, {}))
    else:
        usual = list(STATE_DEFAULTS["pause_states"])
        changes.append(
            ("pause states", f"paused in {', '.join(usual)}", {"pause_states": usual}, {})
        )
    if not cat.calendar(t.calendar).always_open or t.calendar_by is not None:
        changes.append(("calendar", "on 24x7 time", {}, {"calendar": always, "calendar_by": None}))
    out = []
    for j, (reason, how, on_clock, on_target) in enumerate(changes):
        agreement = a.model_copy(update={"clock": clock.model_copy(update=on_clock)})
        target = t.model_copy(update={"id": f"{t.id}~{j}", **on_target})
        out.append(_Variant(TargetVersion(agreement, target, v.index), v.key, reason, how))
    return out


# ---------------------------------------------------------------------------- results
def _verdict(met: object) -> str | None:
    """*Met* or *Missed*; None for no verdict (null or NA)."""
    if met is None or met is pd.NA:
        return None
    return "Met" if met else "Missed"


def _tickets(
    cat: Catalogue,
    p: Period,
    vs: list[TargetVersion],
    disagree: pd.DataFrame,
    fits: pd.DataFrame,
) -> pd.DataFrame:
    """The disagreeing tickets, each with the first fitting reason (else ``UNKNOWN``)."""
    by_key = {v.key: v for v in vs}
    found = {k: g for k, g in fits.groupby(["target_key", "source", "number"], sort=False)}
    rows = []
    for r in disagree.itertuples(index=False):
        v = by_key[str(r.target_key)]
        g = found.get((r.target_key, r.source, r.number))
        vendor = _verdict(r.vendor_met)
        if g is None:
            reason, why, others = UNKNOWN, NOTHING_FITS, []
        else:
            first = g.iloc[0]
            reason = str(first["reason"])
            why = (
                f"{first['how']}: {format_duration(first['business_elapsed'])} against "
                f"{format_duration(first['threshold_s'])}, {str(vendor).lower()} as the "
                "source tool says"
            )
            others = [x for x in dict.fromkeys(g["reason"]) if x != reason]
        rows.append(
            {
                "agreement": v.agreement.id,
                "id": v.target.id,
                "name": target_title(cat, v.target, v.target.services or v.agreement.services),
                "period": str(p),
                "source": r.source,
                "number": r.number,
                "priority": r.priority,
                "reopen_count": r.reopen_count,
                "start_at": r.start_at,
                "stop_at": r.stop_at,
                "elapsed_s": r.business_elapsed,
                "threshold_s": r.threshold_s,
                "ours": _verdict(r.ours_met),
                "vendor": vendor,
                "reason": reason,
                "explanation": why,
                "other_reasons": others,
            }
        )
    return pd.DataFrame(rows, columns=TICKET_COLUMNS)


def by_target(
    vs: list[TargetVersion], units: pd.DataFrame
) -> dict[str, tuple[TargetVersion, list[str]]]:
    """Per target (``agreement/id``) counted in ``units`` (``counted_units``): the version in
    force last, which names it, and the keys of all its versions counted."""
    by_key = {v.key: v for v in vs}
    out: dict[str, tuple[TargetVersion, list[str]]] = {}
    for key in dict.fromkeys(str(k) for k in units["target_key"]):
        v = by_key[key]
        name = _target_of(v)
        out[name] = (v, [*out.get(name, (v, []))[1], key])
    return out


def _target_of(v: TargetVersion) -> str:
    """A target across its versions, unique per customer: ``agreement/id``."""
    return f"{v.agreement.id}/{v.target.id}"


def _summary(
    cat: Catalogue,
    p: Period,
    vs: list[TargetVersion],
    units: pd.DataFrame,
    compared: pd.DataFrame,
    tickets: pd.DataFrame,
) -> pd.DataFrame:
    """One row per target counted in ``p``."""
    rows = []
    for v, keys in by_target(vs, units).values():
        c = compared[compared["target_key"].isin(keys)]
        judged = c[c["vendor_met"].notna()]
        n, agree = len(judged), int(judged["agrees"].astype(bool).sum())
        lo, hi = measures.wilson_interval(agree, n)
        mine = tickets[(tickets["agreement"] == v.agreement.id) & (tickets["id"] == v.target.id)]
        ours, vendor = judged["ours_met"].astype(bool), judged["vendor_met"].astype(bool)
        rec: dict[str, object] = {
            "agreement": v.agreement.id,
            "id": v.target.id,
            "name": target_title(cat, v.target, v.target.services or v.agreement.services),
            "metric": v.target.metric,
            "period": str(p),
            "n": n,
            "agree": agree,
            "agreement_rate": 100 * agree / n if n else None,
            "interval_low": lo,
            "interval_high": hi,
            "ours_met_vendor_missed": int((ours & ~vendor).sum()),
            "ours_missed_vendor_met": int((~ours & vendor).sum()),
            "no_vendor_verdict": len(c) - n,
        }
        counts = mine["reason"].value_counts()
        rec.update({col: int(counts.get(reason, 0)) for reason, col in REASON_COLUMNS.items()})
        rows.append(rec)
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)
