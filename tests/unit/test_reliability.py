"""MTTA, MTTR, reopen rate, MTRS and MTBF: hand-worked (customer ``c``, October 2026).

Calendars: ``office`` Mon–Fri 09:00–17:00 UTC, closed on Monday 12 October (a closure date);
``always`` 24x7 UTC. Agreement ``sla`` (UTC) over email and crm, pause state On Hold, reopen
rule ``all`` (the clock is paused while an incident sits resolved). Weekdays: 2 Oct is a Friday,
5 Oct a Monday, 9 Oct a Friday, 12 Oct the closed Monday, 14 Oct a Wednesday.

Incidents (service email unless said; first response where the export gives one):

- S1 P3  Mon 7 Sep 09:00 → 14:00                         response: resolution (5 h);  office 5 h
- F  P2  Wed 30 Sep 16:00, responded 16:10 → Thu 1 Oct 10:00
                                         response 10 min (September); office 16–17 + 09–10 = 2 h
- A  P1  Fri 2 Oct 16:00, responded 16:20 → Mon 5 Oct 10:00
                                         response 20 min; office 16–17 + 09–10 = 2 h; wall 66 h
- B  P2  Fri 9 Oct 15:00, responded 15:30 → Tue 13 Oct 11:00
                                         response 30 min; office Fri 15–17 + Tue 09–11 = 4 h
                                         (Monday 12 October is closed)
- C  P3  Wed 14 Oct 09:00, no first response; history New 09–10, In Progress 10–12, On Hold
         12–14, In Progress 14–16, Resolved 16:00 → Thu 09:00, In Progress 09–11, Resolved 11:00
                                         response: first move 10:00 = 1 h; office open time
                                         Wed 09–17 + Thu 09–11 = 10 h, less On Hold 2 h and the
                                         resolved stretch's Wed 16–17 = 7 h; reopened (history)
- D  P1  crm, Mon 19 Oct 08:00, responded 08:05 → 12:00, reopen_count 1 (no history)
                                         response 5 min; office 09–12 = 3 h; wall 4 h; reopened
- E  P3  Thu 29 Oct 10:00, responded 10:30, still In Progress  response 30 min; resolution open
- G  P3  Tue 20 Oct 09:00, Canceled, closed 10:00              cancelled: in no measure

Outages (email; both services monitored from 1 January): 30 Sep 23:00 → 1 Oct 01:00 full (1 h
in each month), 10 Oct 10:00 → 12:00 full, 20 Oct 00:00 → 03:00 partial (× 0.5 = 1.5 h).
The data is complete to 2 November 12:00 UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime

import duckdb
import pandas as pd
import pytest

from slm_analysis import measures, reliability
from slm_analysis.catalogue import (
    TicketDurationTarget,
    parse_catalogue,
    target_sentence,
    target_title,
)
from slm_analysis.errors import CatalogueError

CATALOGUE = """
calendars:
  office: {timezone: UTC, hours: {mon-fri: "09:00-17:00"}, closures: [2026-10-12]}
  always: {timezone: UTC, hours: 24x7}
customers: [{id: c, name: C, timezone: UTC}]
services:
  - {id: email, name: Email, monitored_since: 2026-01-01}
  - {id: crm, name: CRM, monitored_since: 2026-01-01}
agreements:
  - id: sla
    customer: c
    services: [email, crm]
    clock: {pause_states: [On Hold]}
    targets:
      - {id: mtta, metric: mtta, calendar: always, objective: 30m, warning: 20m}
      - {id: mttr, metric: mttr, calendar: office, objective: 8h}
      - {id: mttr-p90, metric: mttr, statistic: p90, calendar: office, objective: 6h}
      - {id: p1-mttr, metric: mttr, statistic: p50, priority: 1, calendar: always,
         objective: 4h}
      - {id: reopen, metric: reopen_rate, objective: 20}
      - {id: mtbf, metric: mtbf, services: [email], calendar: always, objective: 100h}
      - {id: mtrs, metric: mtrs, services: [email], calendar: always, objective: 2h}
      - {id: crm-mtbf, metric: mtbf, services: [crm], calendar: always, objective: 100h}
      - {id: crm-mtbf-long, metric: mtbf, services: [crm], calendar: always,
         objective: 1000h}
      - {id: crm-mtrs, metric: mtrs, services: [crm], calendar: always, objective: 2h}
"""
AS_OF = datetime(2026, 11, 2, 12, tzinfo=UTC)
H = 3600


def utc(*a: int) -> datetime:
    return datetime(*a, tzinfo=UTC)


INCIDENTS = [  # number, service, priority, state, opened, responded, resolved, closed, reopens
    ("S1", "email", 3, "Resolved", utc(2026, 9, 7, 9), None, utc(2026, 9, 7, 14), None, None),
    ("F", "email", 2, "Resolved", utc(2026, 9, 30, 16), utc(2026, 9, 30, 16, 10),
     utc(2026, 10, 1, 10), None, None),
    ("A", "email", 1, "Resolved", utc(2026, 10, 2, 16), utc(2026, 10, 2, 16, 20),
     utc(2026, 10, 5, 10), None, None),
    ("B", "email", 2, "Resolved", utc(2026, 10, 9, 15), utc(2026, 10, 9, 15, 30),
     utc(2026, 10, 13, 11), None, None),
    ("C", "email", 3, "Resolved", utc(2026, 10, 14, 9), None, utc(2026, 10, 15, 11), None,
     None),
    ("D", "crm", 1, "Resolved", utc(2026, 10, 19, 8), utc(2026, 10, 19, 8, 5),
     utc(2026, 10, 19, 12), None, 1),
    ("E", "email", 3, "In Progress", utc(2026, 10, 29, 10), utc(2026, 10, 29, 10, 30), None,
     None, None),
    ("G", "email", 3, "Canceled", utc(2026, 10, 20, 9), None, None, utc(2026, 10, 20, 10),
     None),
]  # fmt: skip
C_HISTORY = [  # C's state history
    ("New", utc(2026, 10, 14, 9), utc(2026, 10, 14, 10)),
    ("In Progress", utc(2026, 10, 14, 10), utc(2026, 10, 14, 12)),
    ("On Hold", utc(2026, 10, 14, 12), utc(2026, 10, 14, 14)),
    ("In Progress", utc(2026, 10, 14, 14), utc(2026, 10, 14, 16)),
    ("Resolved", utc(2026, 10, 14, 16), utc(2026, 10, 15, 9)),
    ("In Progress", utc(2026, 10, 15, 9), utc(2026, 10, 15, 11)),
    ("Resolved", utc(2026, 10, 15, 11), None),
]
OUTAGES = [  # id, start, end, impact
    ("O1", utc(2026, 9, 30, 23), utc(2026, 10, 1, 1), "full"),
    ("O2", utc(2026, 10, 10, 10), utc(2026, 10, 10, 12), "full"),
    ("O3", utc(2026, 10, 20, 0), utc(2026, 10, 20, 3), "partial"),
]


@pytest.fixture
def worked(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    fill(con)
    return con


def fill(con: duckdb.DuckDBPyConnection) -> None:
    """The rows above, written straight into the warehouse tables."""
    for number, service, prio, state, opened, responded, resolved, closed, reopens in INCIDENTS:
        con.execute(
            "insert into incidents (source, number, customer, service, priority, state, "
            "opened_at, first_response_at, resolved_at, closed_at, reopen_count, load_id) "
            "values ('t', $n, 'c', $s, $p, $st, $o, $f, $r, $cl, $ro, 0)",
            {
                "n": number,
                "s": service,
                "p": prio,
                "st": state,
                "o": opened,
                "f": responded,
                "r": resolved,
                "cl": closed,
                "ro": reopens,
            },
        )
    for state, s, e in C_HISTORY:
        con.execute(
            "insert into incident_states values ('t', 'C', $st, $s, $e, 0)",
            {"st": state, "s": s, "e": e},
        )
    for oid, s, e, impact in OUTAGES:
        con.execute(
            "insert into outages (source, outage_id, customer, service, start_at, end_at, impact, planned, title, cmdb_ci, load_id) values ('t', $i, 'c', 'email', $s, $e, $impact, false, "
            "null, null, 0)",
            {"i": oid, "s": s, "e": e, "impact": impact},
        )


def october(con: duckdb.DuckDBPyConnection, period: str = "2026-10") -> pd.DataFrame:
    cat = parse_catalogue(CATALOGUE)
    return measures.attainment(con, cat, "c", period, as_of=AS_OF).set_index("id")


def test_mtta_and_mttr_are_statistics_of_the_ticket_clocks(
    worked: duckdb.DuckDBPyConnection,
) -> None:
    att = october(worked)
    # MTTA, 24x7: A 20 min, B 30 min, C 1 h (first move), D 5 min, E 30 min (E's response
    # stopped though its resolution runs); F responded in September; G cancelled.
    # 145 min / 5 = 29 min: met (≤ 30 min) but over the 20 min warning: At risk.
    mtta = att.loc["mtta"]
    assert (mtta["n"], mtta["achieved"], mtta["status"], mtta["unit"]) == (
        5,
        29 * 60,
        "At risk",
        "s",
    )
    assert mtta["open"] == 0
    # MTTR, office hours: F 2 h, A 2 h, B 4 h, C 7 h, D 3 h = 18 h / 5 = 3 h 36 min; E is
    # still open at the as-of instant: in no mean, counted as open.
    mttr = att.loc["mttr"]
    assert (mttr["n"], mttr["achieved"], mttr["open"], mttr["status"]) == (5, 3.6 * H, 1, "Met")
    # p90 by nearest rank: ascending 2, 2, 3, 4, 7 h, rank ⌈0.9 × 5⌉ = 5 → 7 h > 6 h: Missed
    # (linear interpolation would give 4 + 0.6 × 3 = 5.8 h: met — the method matters).
    assert (att.loc["mttr-p90", "achieved"], att.loc["mttr-p90", "status"]) == (7 * H, "Missed")
    # P1 only, 24x7: A 66 h, D 4 h; p50 = rank ⌈0.5 × 2⌉ = 1 → 4 h = the objective: Met.
    p1 = att.loc["p1-mttr"]
    assert (p1["n"], p1["achieved"], p1["status"]) == (2, 4 * H, "Met")


def test_percentiles_pool_every_month_of_the_period(worked: duckdb.DuckDBPyConnection) -> None:
    """September adds S1 (5 h in office hours): 2, 2, 3, 4, 5, 7 h. The p90 of the two months is
    rank ⌈5.4⌉ = 6 → 7 h, the mean 23 h / 6; MTTA adds S1's 5 h (its response stops at its
    resolution) and F's 10 min: 455 min / 7 = 65 min."""
    att = october(worked, "2026-09..2026-10")
    assert (att.loc["mttr-p90", "n"], att.loc["mttr-p90", "achieved"]) == (6, 7 * H)
    assert att.loc["mttr", "achieved"] == pytest.approx(23 * H / 6, rel=1e-12)
    assert (att.loc["mtta", "achieved"], att.loc["mtta", "status"]) == (65 * 60, "Missed")


def test_reopen_rate_from_the_export_count_or_the_history(
    worked: duckdb.DuckDBPyConnection,
) -> None:
    """Resolved in October: F, A, B, C, D. C was reopened (its history goes from Resolved back
    to In Progress), D says reopen_count 1: 2 of 5 = 40 % > 20 %: Missed, with the Wilson
    interval of 2 of 5."""
    r = october(worked).loc["reopen"]
    assert (r["n"], r["n_met"], r["achieved"], r["status"], r["unit"]) == (
        5,
        3,
        40.0,
        "Missed",
        "%",
    )
    assert (r["interval_low"], r["interval_high"]) == pytest.approx((11.762, 76.928), abs=1e-3)


def test_mtbf_and_mtrs_divide_availabilitys_numbers(worked: duckdb.DuckDBPyConnection) -> None:
    """Email, 24x7 October = 744 h; down 1 h (O1's October hour) + 2 h + 1.5 h (O3 partial at
    0.5) = 4.5 h over 3 outages: MTRS 1.5 h, MTBF (744 − 4.5) / 3 = 246.5 h."""
    att = october(worked)
    assert (att.loc["mtrs", "n"], att.loc["mtrs", "achieved"]) == (3, 1.5 * H)
    assert (att.loc["mtbf", "achieved"], att.loc["mtbf", "status"]) == (246.5 * H, "Met")
    assert att.loc["mtbf", "scheduled_s"] == 744 * H and att.loc["mtbf", "downtime_s"] == 4.5 * H


def test_an_outage_across_a_month_boundary_counts_once(worked: duckdb.DuckDBPyConnection) -> None:
    """September and October: O1 (30 Sep 23:00 → 1 Oct 01:00) is in both months' outage counts
    (1 + 3) but is one outage: 3. Down 5.5 h of 1464 h: MTRS 5.5 / 3 h = 1 h 50 min, MTBF
    (1464 − 5.5) / 3 h. The twelve months (from 1 January, 304 days) likewise: 3 outages."""
    att = october(worked, "2026-09..2026-10")
    assert (att.loc["mtrs", "n"], att.loc["mtrs", "achieved"]) == (3, 5.5 * H / 3)
    assert att.loc["mtbf", "achieved"] == pytest.approx((1464 - 5.5) * H / 3, rel=1e-12)
    oct_ = october(worked).loc["mtbf"]
    assert oct_["rolling_n"] == 3
    assert oct_["rolling_achieved"] == pytest.approx((7296 - 5.5) * H / 3, rel=1e-12)


def test_no_outage_shows_no_number_and_mtbf_is_judged_on_its_failure_free_time(
    worked: duckdb.DuckDBPyConnection,
) -> None:
    """CRM had no outage in its 744 monitored hours. MTBF has no value ("no failures"): Met
    against 100 h (a first failure at the month's end would still leave 744 h), No data
    against 1000 h (too little time to tell — never Missed); over September and October
    (1464 h) it reaches 1000 h: Met. MTRS with nothing to restore: No data."""
    att = october(worked)
    for target, status in (("crm-mtbf", "Met"), ("crm-mtbf-long", "No data")):
        row = att.loc[target]
        assert pd.isna(row["achieved"])
        assert (row["n"], row["note"], row["status"]) == (0, "no failures", status)
    assert (att.loc["crm-mtrs", "status"], att.loc["crm-mtrs", "note"]) == ("No data", "no outages")
    assert october(worked, "2026-09..2026-10").loc["crm-mtbf-long", "status"] == "Met"


def test_no_incidents_is_no_data_and_a_running_period_in_progress(
    worked: duckdb.DuckDBPyConnection,
) -> None:
    """November to date: no clock stopped (E is still open, opened in October) — No data,
    never Met; MTBF of email (36 h without an outage) — In progress."""
    cat = parse_catalogue(CATALOGUE)
    nov = measures.attainment(worked, cat, "c", "2026-11", as_of=AS_OF).set_index("id")
    for target in ("mtta", "mttr", "mttr-p90", "reopen"):
        assert (nov.loc[target, "n"], nov.loc[target, "status"]) == (0, "No data")
    assert nov.loc["mttr", "open"] == 0
    assert nov.loc["mtbf", "status"] == "In progress"


def test_the_reliability_measure_per_service(worked: duckdb.DuckDBPyConnection) -> None:
    """The library measure, 24x7, October: email responses A 20, B 30, C 60, E 30 min (mean
    35 min, p50 rank 2 = 30 min, p90 rank 4 = 1 h); resolutions A 66 h, B 92 h, C 7 h (26 h
    less 2 h On Hold and 17 h resolved), F 18 h: mean 45.75 h; E open. CRM: D 5 min / 4 h,
    reopened (1 of 1). Outages as in the MTBF test; CRM has none: NaT, not a number."""
    cat = parse_catalogue(CATALOGUE)
    df = reliability.reliability(worked, cat, "c", "2026-10", calendar="always", as_of=AS_OF)
    email, crm = df.set_index("service").loc["email"], df.set_index("service").loc["crm"]
    td = pd.Timedelta
    assert (email["responded"], email["mtta"]) == (4, td(minutes=35))
    assert (email["mtta_p50"], email["mtta_p90"]) == (td(minutes=30), td(hours=1))
    assert (email["resolved"], email["mttr"], email["open"]) == (4, td(hours=45.75), 1)
    assert (email["mttr_p50"], email["mttr_p90"]) == (td(hours=18), td(hours=92))
    assert (email["reopened"], email["reopen_rate"]) == (1, 25.0)
    assert (email["outages"], email["mtrs"], email["mtbf"]) == (3, td(hours=1.5), td(hours=246.5))
    assert (crm["mtta"], crm["mttr"], crm["reopen_rate"]) == (td(minutes=5), td(hours=4), 100.0)
    assert crm["outages"] == 0 and pd.isna(crm["mtbf"]) and pd.isna(crm["mtrs"])


def test_the_measure_in_business_hours_over_two_months(worked: duckdb.DuckDBPyConnection) -> None:
    """Office hours, September–October, email: MTTR S1 5, F 2, A 2, B 4, C 7 h = 4 h, p90 7 h.
    Service hours 176 h + 168 h (22 and 21 working days) = 344 h; every outage fell outside
    them (nights, a Saturday): down 0 over 3 outages, MTRS 0, MTBF 344 / 3 h."""
    cat = parse_catalogue(CATALOGUE)
    df = reliability.reliability(
        worked, cat, "c", "2026-09..2026-10", calendar="office", as_of=AS_OF, percentiles=(90,)
    ).set_index("service")
    email = df.loc["email"]
    assert (email["resolved"], email["mttr"], email["mttr_p90"]) == (
        5,
        pd.Timedelta(hours=4),
        pd.Timedelta(hours=7),
    )
    assert email["scheduled"] == pd.Timedelta(hours=344) and email["mtrs"] == pd.Timedelta(0)
    assert email["mtbf"] == pd.Timedelta(hours=344) / 3
    assert "mttr_p50" not in df.columns


@pytest.mark.parametrize(
    ("values", "p", "expected"),
    [([7, 2, 4, 2, 3], 90, 7), ([7, 2, 4, 2, 3], 50, 3), ([4, 66], 50, 4), ([1, 2, 3, 4], 25, 1),
     ([1, 2, 3, 4], 26, 2), ([5], 99, 5), (list(range(1, 101)), 95, 95)],
)  # fmt: skip
def test_nearest_rank(values: list[float], p: int, expected: float) -> None:
    assert reliability.nearest_rank(values, p) == expected


ONE_TARGET = """
calendars: {always: {timezone: UTC, hours: 24x7}}
customers: [{id: c, name: C, timezone: UTC}]
services: [{id: email, name: Email}]
agreements:
  - id: sla
    customer: c
    services: [email]
    targets:
      - %s
"""


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("{id: x, metric: mttr, calendar: always, objective: 8h, statistic: median}",
         "targets[0].statistic: found 'median'; 'median' is not a statistic; write mean, or a "
         "percentile p1 … p99 such as p50, p90, p95 (nearest rank)"),
        ("{id: x, metric: mttr, calendar: always, objective: 8h, statistic: p100}",
         "'p100' is not a statistic"),
        ("{id: x, metric: mttr, calendar: always, objective: eight hours}",
         "targets[0].objective: found 'eight hours'; 'eight hours' is not a duration such as 30m"),
        ("{id: x, metric: mtta, calendar: always, objective: 0s}",
         "targets[0].objective: found '0s'; must be a duration longer than zero, e.g. 8h"),
        ("{id: x, metric: mttr, objective: 8h}",
         "targets[0].calendar: missing; add this required field"),
        ("{id: x, metric: mttr, calendar: always, objective: 8h, warning: 10h}",
         "warning 10h is above objective 8h; for a lower-is-better target the 'At risk' band "
         "lies under the objective, so the warning must be at or below 8h"),
        ("{id: x, metric: mtbf, calendar: always, objective: 100h, warning: 50h}",
         "warning 50h is below objective 100h"),
        ("{id: x, metric: mtbf, calendar: always, objective: 100h, statistic: p90}",
         "statistic 'p90': mtbf is a mean over the period (downtime or up time divided by the "
         "number of outages), not a distribution; write `statistic: mean` or leave it out"),
        ("{id: x, metric: mttr, calendar: always, objective: 8h, "
         "credits: [{below: 12h, credit_percent: 5}]}",
         "credit tier `below: 12h`: this target is better lower, so its credits apply to values "
         "above a level; write `above:` (e.g. {above: 8h, credit_percent: 5})"),
        ("{id: x, metric: reopen_rate, objective: 120}",
         "targets[0].objective: found 120; Input should be less than or equal to 100"),
        ("{id: x, metric: mtrs, calendar: always, objective: 2h, partial_weight: 2}",
         "targets[0].partial_weight: found 2"),
    ],
)  # fmt: skip
def test_catalogue_refuses_a_reliability_target_with_a_fix(target: str, message: str) -> None:
    with pytest.raises(CatalogueError) as e:
        parse_catalogue(ONE_TARGET % target, "c.yaml")
    assert "c.yaml:10: agreements[0]." in str(e.value)
    assert message in str(e.value)


def test_catalogue_reads_reliability_targets() -> None:
    """Durations as seconds (credit levels too), the direction of each metric, the sentence."""
    read = parse_catalogue(
        ONE_TARGET
        % "{id: x, metric: mttr, statistic: p90, priority: 1, calendar: always, objective: 8h, "
        "warning: 6h, credits: [{above: 12h, credit_percent: 5}]}"
    )
    t = read.agreements[0].targets[0]
    assert isinstance(t, TicketDurationTarget)
    assert (t.objective, t.warning, t.credits[0].above, t.percentile) == (8 * H, 6 * H, 12 * H, 90)
    assert not t.higher_is_better
    assert target_sentence(read, t) == (
        "90th percentile of the time to resolve Priority 1 incidents of at most 8 hours, "
        + read.calendar("always").describe()
    )
    assert target_title(read, t, ["email"]) == "P1 MTTR p90"
    mtbf = parse_catalogue(ONE_TARGET % "{id: x, metric: mtbf, calendar: always, objective: 30d}")
    assert mtbf.agreements[0].targets[0].higher_is_better
    assert mtbf.agreements[0].targets[0].objective == 720 * H
    rate = parse_catalogue(ONE_TARGET % "{id: x, metric: reopen_rate, objective: 0}")
    assert target_sentence(rate, rate.agreements[0].targets[0]) == (
        "At most 0 % of the incidents resolved in the period reopened"
    )
