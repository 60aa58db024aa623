"""Measures against hand-worked examples with exact expected values."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from slm_analysis import measures, present, warehouse
from slm_analysis.catalogue import Catalogue, load_catalogue, parse_catalogue
from slm_analysis.errors import InputError
from slm_analysis.periods import Period
from slm_analysis.review import open_review
from slm_analysis.workflows import run_check

CATALOGUE = """
calendars:
  office: {timezone: Europe/Paris, hours: {mon-fri: "09:00-17:00"}}
  always: {timezone: UTC, hours: 24x7}
customers: [{id: c, name: Customer, timezone: Europe/Paris}]
services: [{id: email, name: Email}]
agreements:
  - id: sla
    customer: c
    services: [email]
    clock: {pause_states: [On Hold]}
    targets:
      - {id: p1, metric: resolution_time, priority: 1, within: 4h, calendar: office,
         objective: 50, warning: 60}
      - {id: av, metric: availability, calendar: always, objective: 99.9, warning: 99.95,
         credits: [{below: 99.9, credit_percent: 5}, {below: 99.5, credit_percent: 10}]}
maintenance:
  - {id: once, services: [email], timezone: UTC, start: 2026-10-05T12:00:00,
     end: 2026-10-05T13:00:00}
"""
# the same agreement over two services, "crm" added
TWO_SERVICES = CATALOGUE.replace(
    "services: [{id: email, name: Email}]",
    "services: [{id: email, name: Email}, {id: crm, name: CRM}]",
).replace("    services: [email]\n", "    services: [email, crm]\n")
AS_OF = datetime(2026, 11, 2, 12, tzinfo=UTC)


def utc(*a: int) -> datetime:
    return datetime(*a, tzinfo=UTC)


def add_incident(
    con: duckdb.DuckDBPyConnection,
    number: str,
    opened: datetime,
    resolved: datetime | None,
    priority: int = 1,
) -> None:
    con.execute(
        "insert into incidents (source, number, customer, service, priority, state, opened_at, "
        "resolved_at, load_id) values ('t', $n, 'c', 'email', $p, 'x', $o, $r, 0)",
        {"n": number, "p": priority, "o": opened, "r": resolved},
    )


@pytest.fixture
def worked(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    add_incident(con, "A", utc(2026, 10, 5, 7), utc(2026, 10, 5, 10))  # 3 h: met
    add_incident(con, "B", utc(2026, 10, 9, 13), utc(2026, 10, 12, 9, 30))  # Fri 2 h + Mon 2.5 h
    add_incident(con, "C", utc(2026, 10, 30, 14), utc(2026, 10, 31, 23, 30))  # local 1 Nov
    add_incident(con, "D", utc(2026, 10, 29, 8), None)  # running, breached Thu 14:00 UTC
    add_incident(con, "E", utc(2026, 11, 2, 8), None)  # running, exactly 4 h at as_of
    add_incident(con, "P2", utc(2026, 10, 5, 7), utc(2026, 10, 30, 7), priority=2)  # no target
    con.execute(
        "insert into incident_states values ('t', 'D', 'On Hold', $s, $e, 0)",
        {"s": utc(2026, 10, 29, 10), "e": utc(2026, 10, 29, 12)},
    )
    return con


def test_clock_per_incident(worked: duckdb.DuckDBPyConnection) -> None:
    cat = parse_catalogue(CATALOGUE)
    clocks = measures.ticket_clocks(worked, cat, "c", as_of=AS_OF).set_index("number")
    assert sorted(clocks.index) == ["A", "B", "C", "D", "E"]
    assert clocks.loc["A", "business_elapsed"] == 3 * 3600 and clocks.loc["A", "met"]
    b = clocks.loc["B"]
    assert b["business_elapsed"] == 4.5 * 3600 and not b["met"]
    assert b["due_at"] == utc(2026, 10, 12, 9)  # Fri 15:00–17:00 local, Mon 09:00–11:00
    assert b["closed_elapsed"] == (b["stop_at"] - b["start_at"]).total_seconds() - 4.5 * 3600
    assert clocks.loc["C", "period"] == "2026-11"  # 23:30 UTC 31 Oct is November in Paris
    d = clocks.loc["D"]
    assert d["running"] and not d["met"]
    assert d["paused_business"] == 2 * 3600 and d["paused_wall"] == 2 * 3600
    assert d["due_at"] == utc(2026, 10, 29, 14)  # the 2 h pause pushes the due time
    assert d["breached_at"] == utc(2026, 10, 29, 14) and d["period"] == "2026-10"
    e = clocks.loc["E"]
    assert e["business_elapsed"] == 4 * 3600 and e["met"] and pd.isna(e["period"])


def test_attainment_counts_each_ticket_once_in_the_right_period(
    worked: duckdb.DuckDBPyConnection,
) -> None:
    cat = parse_catalogue(CATALOGUE)
    oct_ = measures.attainment(worked, cat, "c", "2026-10", as_of=AS_OF).set_index("id")
    p1 = oct_.loc["p1"]
    assert (p1["n"], p1["n_met"]) == (3, 1)  # A met; B breached; D running but breached
    assert p1["achieved"] == pytest.approx(100 / 3)
    assert p1["interval_low"] == pytest.approx(6.149, abs=1e-3)
    assert p1["interval_high"] == pytest.approx(79.234, abs=1e-3)
    assert (p1["rag"], p1["met"]) == ("red", False)
    nov = measures.attainment(worked, cat, "c", "2026-11", as_of=AS_OF).set_index("id")
    assert (nov.loc["p1", "n"], nov.loc["p1", "achieved"]) == (1, 100.0)  # only C


def october_email(con: duckdb.DuckDBPyConnection, cat: Catalogue) -> pd.DataFrame:
    """Customer c's email availability over October 2026 in Paris, 24x7, partial at 50 %."""
    return measures.service_availability(
        con,
        cat,
        "c",
        Period.parse("2026-10"),
        services=["email"],
        calendar="always",
        partial_weight=0.5,
        zone="Europe/Paris",
        as_of=AS_OF,
    )


def test_availability_merges_weights_and_excludes_maintenance(
    con: duckdb.DuckDBPyConnection,
) -> None:
    cat = parse_catalogue(CATALOGUE)
    for oid, s, e, impact, planned in [
        ("full", utc(2026, 10, 5, 10), utc(2026, 10, 5, 11), "full", False),
        ("partial", utc(2026, 10, 5, 10, 30), utc(2026, 10, 5, 12, 30), "partial", False),
        ("planned", utc(2026, 10, 20, 1), utc(2026, 10, 20, 2), "full", True),
        ("elsewhere", utc(2026, 9, 30, 21), utc(2026, 9, 30, 22, 30), "full", False),
    ]:
        con.execute(
            "insert into outages (source, outage_id, customer, service, start_at, end_at, impact, planned, title, cmdb_ci, load_id) values ('t', $i, 'c', 'email', $s, $e, $impact, $planned, "
            "null, null, 0)",
            {"i": oid, "s": s, "e": e, "impact": impact, "planned": planned},
        )
    av = october_email(con, cat)
    row = av.iloc[0]
    # October in Paris: 2026-09-30 22:00Z .. 2026-10-31 23:00Z = 745 h. Maintenance: the
    # catalogue window (1 h) and the planned outage (1 h). Down: 1 h full, then the partial
    # outage from 11:00 to 12:00 at 50 % (12:00-12:30 is inside maintenance); the outage
    # before the period counts 30 minutes.
    assert row["maintenance_s"] == 7200
    assert row["scheduled_s"] == 745 * 3600 - 7200
    assert row["downtime_s"] == 3600 + 1800 + 1800
    assert row["outages"] == 3
    att = measures.attainment(con, cat, "c", "2026-10", as_of=AS_OF).set_index("id")
    expected = 100 * (745 * 3600 - 7200 - 7200) / (745 * 3600 - 7200)
    assert att.loc["av", "achieved"] == pytest.approx(expected, rel=1e-12)
    # 99.73 %: missed (below 99.9), so the first credit tier applies (not below 99.5)
    assert (att.loc["av", "status"], att.loc["av", "rag"]) == ("Missed", "red")
    assert att.loc["av", "credit_percent"] == 5.0


def test_another_customers_planned_work_never_excuses_downtime(
    con: duckdb.DuckDBPyConnection,
) -> None:
    """Customer c's email is down 10:00-11:00 on 5 October; another customer's planned outage
    and change window on the same (shared) service cover those hours. c's downtime stays 1 h,
    its maintenance the catalogue's own 1 h window. The feed covers from c's first outage
    record (5 October 10:00 UTC, 108 h after October begins in Paris): 745 - 108 - 1 h."""
    cat = parse_catalogue(CATALOGUE)
    con.execute(
        "insert into outages (source, outage_id, customer, service, start_at, end_at, impact, planned, title, cmdb_ci, load_id) values ('t', 'down', 'c', 'email', $s, $e, 'full', false, "
        "null, null, 0), ('t', 'theirs', 'other', 'email', $s, $e, 'full', true, null, null, 0)",
        {"s": utc(2026, 10, 5, 10), "e": utc(2026, 10, 5, 11)},
    )
    con.execute(
        "insert into maintenance_windows values ('t', 'w', 'other', 'email', $s, $e, null, 0)",
        {"s": utc(2026, 10, 5, 9), "e": utc(2026, 10, 5, 12)},
    )
    row = october_email(con, cat).iloc[0]
    assert (row["maintenance_s"], row["downtime_s"]) == (3600, 3600)
    assert row["scheduled_s"] == (745 - 108 - 1) * 3600


def test_wilson_interval() -> None:
    assert measures.wilson_interval(0, 0) == (None, None)
    lo, hi = measures.wilson_interval(10, 10)
    assert (round(lo, 3), hi) == (72.247, 100.0)


def test_reference_worked_example_through_the_warehouse(con: duckdb.DuckDBPyConnection) -> None:
    # reference/sla-domain.md §B1, computed by the set-based SQL clock rather than the calendar
    cat = parse_catalogue("""
calendars:
  london: {timezone: Europe/London, hours: {mon-fri: "09:00-17:00"},
           holidays: {country: GB, subdivision: ENG}}
customers: [{id: c, name: C, timezone: Europe/London}]
services: [{id: email, name: Email}]
agreements:
  - {id: a, customer: c, services: [email], clock: {pause_states: [On Hold]},
     targets: [{id: t, metric: resolution_time, within: 4h, calendar: london, objective: 95}]}
""")
    add_incident(con, "EASTER", utc(2024, 3, 28, 16, 30), utc(2024, 4, 2, 14))
    con.execute(
        "insert into incident_states values ('t', 'EASTER', 'On Hold', $s, $e, 0)",
        {"s": utc(2024, 4, 2, 9), "e": utc(2024, 4, 2, 12)},
    )
    row = measures.ticket_clocks(con, cat, "c", as_of=utc(2024, 5, 1)).iloc[0]
    assert row["business_elapsed"] == 3.5 * 3600
    assert row["actual_elapsed"] == (4 * 24 + 18.5) * 3600
    assert row["due_at"] == utc(2024, 4, 2, 14, 30)
    assert row["met"] and row["period"] == "2024-04"
    # the explanation: 6 h 30 m open (3 h of it paused), Good Friday and Easter Monday 8 h each
    assert (row["open_elapsed"], row["paused_business"]) == (6.5 * 3600, 3 * 3600)
    assert row["holiday_elapsed"] == 16 * 3600
    assert row["out_of_hours"] == (4 * 24 + 21.5 - 6.5 - 16) * 3600


REOPEN_CATALOGUE = """
calendars: {{always: {{timezone: UTC, hours: 24x7}}}}
customers: [{{id: c, name: C}}]
services: [{{id: email, name: Email}}]
agreements:
  - id: a
    customer: c
    services: [email]
    clock: {clock}
    targets: [{{id: t, metric: resolution_time, within: 3h, calendar: always, objective: 90}}]
"""


@pytest.mark.parametrize(
    ("clock", "elapsed_h", "met"),
    [
        ("{}", 5.5, False),  # default reopen: all — paused while resolved
        ("{reopen: all}", 5.5, False),
        ("{reopen: first}", 2.0, True),  # stops at the first resolution
        ("{reopen: last}", 3.5, False),  # starts at the reopen
        ("{reopen: largest_span}", 3.5, False),  # cycles of 2 h and 3.5 h: the larger
        ("{resolution_start: first_response}", 5.0, False),  # from 08:30
        ("{resolution_stop: closed}", 5.5 + 24.0, False),  # until closed a day later
        ("{resolved_states: [Solved]}", 7.5, False),  # 'Resolved' is not a resolution here
    ],
)
def test_clock_switches_on_a_reopened_incident(
    con: duckdb.DuckDBPyConnection, clock: str, elapsed_h: float, met: bool
) -> None:
    cat = parse_catalogue(REOPEN_CATALOGUE.format(clock=clock))
    add_incident(con, "R", utc(2026, 10, 5, 8), utc(2026, 10, 5, 15, 30))
    con.execute(
        "update incidents set closed_at = $c where number = 'R'", {"c": utc(2026, 10, 6, 15, 30)}
    )
    for state, s, e in [
        ("New", utc(2026, 10, 5, 8), utc(2026, 10, 5, 8, 30)),
        ("In Progress", utc(2026, 10, 5, 8, 30), utc(2026, 10, 5, 10)),
        ("Resolved", utc(2026, 10, 5, 10), utc(2026, 10, 5, 12)),  # reopened at 12:00
        ("In Progress", utc(2026, 10, 5, 12), utc(2026, 10, 5, 15, 30)),
        ("Resolved", utc(2026, 10, 5, 15, 30), utc(2026, 10, 6, 15, 30)),
    ]:
        con.execute(
            "insert into incident_states values ('t', 'R', $st, $s, $e, 0)",
            {"st": state, "s": s, "e": e},
        )
    row = measures.ticket_clocks(con, cat, "c", as_of=AS_OF).iloc[0]
    assert row["business_elapsed"] == elapsed_h * 3600
    assert row["met"] == met


def test_follow_the_sun_calendar_chosen_per_incident(con: duckdb.DuckDBPyConnection) -> None:
    cat = parse_catalogue("""
calendars:
  london: {timezone: Europe/London, hours: {mon-fri: "09:00-17:00"}}
  new-york: {timezone: America/New_York, hours: {mon-fri: "09:00-17:00"}}
customers: [{id: c, name: C}]
services: [{id: email, name: Email}]
agreements:
  - id: a
    customer: c
    services: [email]
    targets:
      - id: t
        metric: resolution_time
        within: 4h
        calendar: london
        calendar_by: {field: assignment_group, map: {US Desk: new-york}}
        objective: 90
""")
    # Monday 2026-06-01 15:00 UTC to 19:00 UTC: London closes at 16:00 UTC (17:00 BST), New York
    # is open 13:00-21:00 UTC (EDT)
    for number, group in (("EU", "EMEA Desk"), ("US", "US Desk")):
        add_incident(con, number, utc(2026, 6, 1, 15), utc(2026, 6, 1, 19))
        con.execute(
            "update incidents set assignment_group = $g where number = $n",
            {"g": group, "n": number},
        )
    clocks = measures.ticket_clocks(con, cat, "c", as_of=AS_OF).set_index("number")
    assert clocks.loc["EU", "business_elapsed"] == 1 * 3600  # the default calendar
    assert clocks.loc["US", "business_elapsed"] == 4 * 3600
    assert measures.target_sentence(cat, cat.agreements[0].targets[0]).endswith(
        "; for incidents whose assignment group is 'US Desk': Mon–Fri 09:00–17:00 America/New_York"
    )


def test_a_day_can_mean_a_working_day(con: duckdb.DuckDBPyConnection) -> None:
    text = """
calendars: {{office: {{timezone: UTC, hours: {{mon-fri: ["08:00-12:00", "13:00-17:00"], sat: "09:00-12:00"}}}}}}
customers: [{{id: c, name: C}}]
services: [{{id: email, name: Email}}]
agreements:
  - {{id: a, customer: c, services: [email], clock: {clock},
     targets: [{{id: t, metric: resolution_time, within: 1d 2h, calendar: office, objective: 90}}]}}
"""
    # Monday 08:00 to Wednesday 12:00: 8 h + 8 h + 4 h = 20 business hours
    add_incident(con, "W", utc(2026, 6, 1, 8), utc(2026, 6, 3, 12))
    for clock, threshold_h, met in (("{}", 26, True), ("{day: working_day}", 10, False)):
        cat = parse_catalogue(text.format(clock=clock))
        row = measures.ticket_clocks(con, cat, "c", as_of=AS_OF).iloc[0]
        assert row["business_elapsed"] == 20 * 3600
        assert (row["threshold_s"], row["met"]) == (threshold_h * 3600, met)
    cat = parse_catalogue(text.format(clock="{day: working_day}"))
    assert measures.target_sentence(cat, cat.agreements[0].targets[0], cat.agreements[0]) == (
        "90 % of all incidents resolved within 1 working day 2 hours (10 hours of service time), "
        "Mon–Fri 08:00–12:00, 13:00–17:00; Sat 09:00–12:00 UTC"
    )
    # a working day is the most common daily total: 8 h on weekdays, not Saturday's 3 h
    assert cat.calendar("office").working_day_seconds() == 8 * 3600


def test_maintenance_windows_pause_the_clock_only_when_the_agreement_says_so(
    con: duckdb.DuckDBPyConnection,
) -> None:
    text = """
calendars: {{always: {{timezone: UTC, hours: 24x7}}}}
customers: [{{id: c, name: C}}]
services: [{{id: email, name: Email}}]
agreements:
  - {{id: a, customer: c, services: [email], clock: {clock},
     targets: [{{id: t, metric: resolution_time, within: 4h, calendar: always, objective: 90}}]}}
maintenance:
  - {{id: m, services: [email], start: 2026-10-05T10:00:00, end: 2026-10-05T12:00:00}}
"""
    add_incident(con, "M", utc(2026, 10, 5, 9), utc(2026, 10, 5, 14))  # 5 h, 2 h in maintenance
    for clock, elapsed_h, met in (("{}", 5, False), ("{exclude_maintenance: true}", 3, True)):
        row = measures.ticket_clocks(
            con, parse_catalogue(text.format(clock=clock)), "c", as_of=AS_OF
        ).iloc[0]
        assert (row["business_elapsed"], row["met"]) == (elapsed_h * 3600, met)


def test_largest_span_keeps_the_longest_cycle_and_counts_at_the_final_resolution(
    con: duckdb.DuckDBPyConnection,
) -> None:
    cat = parse_catalogue(REOPEN_CATALOGUE.format(clock="{reopen: largest_span}"))
    # cycle 1: 30 Sep 20:00 → 1 Oct 01:00 (5 h), resolved until 3 Oct, cycle 2: 1 h
    add_incident(con, "L", utc(2026, 9, 30, 20), utc(2026, 10, 3, 1))
    for state, s, e in [
        ("In Progress", utc(2026, 9, 30, 20), utc(2026, 10, 1, 1)),
        ("Resolved", utc(2026, 10, 1, 1), utc(2026, 10, 3)),
        ("In Progress", utc(2026, 10, 3), utc(2026, 10, 3, 1)),
        ("Resolved", utc(2026, 10, 3, 1), None),
    ]:
        con.execute(
            "insert into incident_states values ('t', 'L', $st, $s, $e, 0)",
            {"st": state, "s": s, "e": e},
        )
    row = measures.ticket_clocks(con, cat, "c", as_of=AS_OF).iloc[0]
    assert (row["business_elapsed"], row["met"]) == (5 * 3600, False)
    assert row["due_at"] == utc(2026, 9, 30, 23)
    assert row["period"] == "2026-10"  # the final resolution, not the first cycle's end


def test_quarters_aggregate_the_months_in_the_agreement_zone(
    worked: duckdb.DuckDBPyConnection,
) -> None:
    cat = parse_catalogue(CATALOGUE)
    q4 = measures.attainment(worked, cat, "c", "2026-Q4", as_of=AS_OF).set_index("id")
    # October (A met, B and D breached) and November (C met) of the Paris agreement
    assert (q4.loc["p1", "n"], q4.loc["p1", "n_met"], q4.loc["p1", "period"]) == (4, 2, "2026-Q4")
    q3 = measures.attainment(worked, cat, "c", "2026-Q3", as_of=AS_OF).set_index("id")
    assert q3.loc["p1", "n"] == 0 and q3.loc["p1", "status"] == "No data"


def add_outage(con: duckdb.DuckDBPyConnection, oid: str, service: str, start: datetime) -> None:
    con.execute(
        "insert into outages (source, outage_id, customer, service, start_at, end_at, impact, planned, title, cmdb_ci, load_id) values ('t', $i, 'c', $svc, $s, $s + interval 1 hour, 'full', "
        "false, null, null, 0)",
        {"i": oid, "svc": service, "s": start},
    )


def test_a_service_without_outage_records_has_no_availability_data(
    con: duckdb.DuckDBPyConnection,
) -> None:
    """Missing monitoring is its own state: no outage records at all reads "no data", not
    100 %; once the service has records (here only in August), a month without any is up."""
    cat = parse_catalogue(CATALOGUE)
    att = measures.attainment(con, cat, "c", "2026-10", as_of=AS_OF).set_index("id")
    assert pd.isna(att.loc["av", "achieved"])
    assert (att.loc["av", "status"], att.loc["av", "met"], att.loc["av", "n"]) == (
        "No data",
        None,
        0,
    )
    add_outage(con, "aug", "email", utc(2026, 8, 3, 10))
    att = measures.attainment(con, cat, "c", "2026-10", as_of=AS_OF).set_index("id")
    assert (att.loc["av", "achieved"], att.loc["av", "status"]) == (100.0, "Met")


def test_availability_counts_only_services_with_records(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    """A target over two services, one without outage records: the number is the other's,
    and the pack's availability table says "no data" for the first. (Email's feed is declared
    to cover the whole month; see the coverage tests for a feed known only from its records.)"""
    text = TWO_SERVICES.replace(
        "{id: email, name: Email}", "{id: email, name: Email, monitored_since: 2026-01-01}"
    )
    cat = parse_catalogue(text)
    add_outage(con, "one", "email", utc(2026, 10, 14, 10))
    att = measures.attainment(con, cat, "c", "2026-10", as_of=AS_OF).set_index("id")
    # October in Paris is 745 h; the catalogue's 1 h maintenance is out of scheduled time
    scheduled = 745 * 3600 - 3600
    assert att.loc["av", "achieved"] == pytest.approx(100 * (scheduled - 3600) / scheduled)
    db = tmp_path / "w.duckdb"
    catalogue = tmp_path / "catalogue.yaml"
    catalogue.write_text(text)
    with warehouse.session(db) as file_con:
        add_outage(file_con, "one", "email", utc(2026, 10, 14, 10))
    review = open_review("c", "2026-10", warehouse=db, catalogue=catalogue, as_of=AS_OF)
    rows = {
        r["service"]: (r["monitored"], r["availability"])
        for _, r in review.availability.iterrows()
        if r["period"] == "2026-10"
    }
    assert not rows["crm"][0] and pd.isna(rows["crm"][1])
    assert rows["email"] == (True, pytest.approx(100 * (scheduled - 3600) / scheduled))
    html = str(present.availability_table(review))
    crm_row = html[html.index("CRM") : html.index("</tr>", html.index("CRM"))]
    assert "no data" in crm_row and "%" in crm_row  # the objective is still shown
    assert "99.87 %" in html  # email: (744 h - 1 h) / 744 h = 99.866 %


# what `slm check` also says of TWO_SERVICES with incidents of email only and no review file
CRM_NO_INCIDENTS = (
    "warning",
    "service 'crm' of 'c' has no incidents: its ticket targets (p1) count none. If its incidents "
    "are loaded, a mapping rule must give them service 'crm'",
)
C_NO_COMMENTARY = (
    "warning",
    "customer 'c' has no review commentary: its packs give no reason for a missed target; write "
    "them in reviews/c/PERIOD.md beside the catalogue (`slm check --period P` names the misses a "
    "period's file must explain)",
)


def test_check_warns_about_services_without_outage_records(tmp_path: Path) -> None:
    catalogue = tmp_path / "catalogue.yaml"
    catalogue.write_text(TWO_SERVICES)
    db = tmp_path / "w.duckdb"
    with warehouse.session(db) as con:
        add_incident(con, "A", utc(2026, 10, 5, 7), utc(2026, 10, 5, 10))
        add_outage(con, "one", "email", utc(2026, 10, 14, 10))
    assert run_check(db, catalogue) == [
        CRM_NO_INCIDENTS,
        (
            "warning",
            "service 'crm' of 'c' has no outage records: its availability shows as no data "
            "(load its outages or status-page history with `slm load outages FILE`)",
        ),
        C_NO_COMMENTARY,
    ]


def test_check_counts_check_results_for_services_whose_outages_are_inferred(
    tmp_path: Path,
) -> None:
    """crm's outages are inferred from checks (`monitoring:`): its check results are its feed,
    so it is warned about only while it has neither checks nor outage records."""
    catalogue = tmp_path / "catalogue.yaml"
    catalogue.write_text(
        TWO_SERVICES.replace("{id: crm, name: CRM}", "{id: crm, name: CRM, monitoring: {}}")
    )
    db = tmp_path / "w.duckdb"
    with warehouse.session(db) as con:
        add_incident(con, "A", utc(2026, 10, 5, 7), utc(2026, 10, 5, 10))
        add_outage(con, "one", "email", utc(2026, 10, 14, 10))
    assert run_check(db, catalogue) == [
        CRM_NO_INCIDENTS,
        (
            "warning",
            "service 'crm' of 'c' has neither outage records nor check results: its "
            "availability shows as no data (load its checks with `slm load checks FILE` and map "
            "them to it, or its outages with `slm load outages FILE`)",
        ),
        C_NO_COMMENTARY,
    ]
    with warehouse.session(db) as con:
        con.execute(
            "insert into checks values ('monitoring', 'crm-https', 'c', 'crm', "
            "'2026-10-01 00:00:00+00', true, null, 1, 'polled')"
        )
    assert run_check(db, catalogue) == [CRM_NO_INCIDENTS, C_NO_COMMENTARY]


def test_two_agreements_with_the_same_target_id_never_mix(con: duckdb.DuckDBPyConnection) -> None:
    """Each agreement's `p3-res` counts its own incidents: 1/1 for email, 1/2 for crm (they
    were both reported 2/3 when versions were keyed by target id alone)."""
    cat = parse_catalogue("""
calendars: {always: {timezone: UTC, hours: 24x7}}
customers: [{id: c, name: C}]
services: [{id: email, name: Email}, {id: crm, name: CRM}]
agreements:
  - {id: mail-sla, customer: c, services: [email], targets: [
      {id: p3-res, metric: resolution_time, priority: 3, within: 4h, calendar: always, objective: 90}]}
  - {id: crm-sla, customer: c, services: [crm], targets: [
      {id: p3-res, metric: resolution_time, priority: 3, within: 4h, calendar: always, objective: 90}]}
""")
    add_incident(con, "M1", utc(2026, 10, 5, 8), utc(2026, 10, 5, 9), priority=3)
    for number, hours in (("C1", 1), ("C2", 5)):
        add_incident(con, number, utc(2026, 10, 6, 8), utc(2026, 10, 6, 8 + hours), priority=3)
        con.execute("update incidents set service = 'crm' where number = $n", {"n": number})
    att = measures.attainment(con, cat, "c", "2026-10", as_of=AS_OF).set_index("agreement")
    assert (att.loc["mail-sla", "n"], att.loc["mail-sla", "n_met"]) == (1, 1)
    assert (att.loc["crm-sla", "n"], att.loc["crm-sla", "n_met"]) == (2, 1)
    assert att.loc["crm-sla", "achieved"] == 50.0


def test_a_running_period_is_in_progress_and_a_later_one_is_refused(
    worked: duckdb.DuckDBPyConnection,
) -> None:
    """AS_OF is 2 November 12:00 UTC: November is measured to date (C resolved in it, met) and
    shows In progress, not Met; December has not started and is refused with the data's end."""
    cat = parse_catalogue(CATALOGUE)
    nov = measures.attainment(worked, cat, "c", "2026-11", as_of=AS_OF).set_index("id")
    assert (nov.loc["p1", "n"], nov.loc["p1", "achieved"]) == (1, 100.0)
    assert (nov.loc["p1", "status"], nov.loc["p1", "met"], nov.loc["p1", "rag"]) == (
        "In progress", None, "grey")  # fmt: skip
    assert bool(nov.loc["p1", "in_progress"]) and nov.loc["p1", "credit_percent"] == 0.0
    with pytest.raises(InputError) as err:
        measures.attainment(worked, cat, "c", "2026-12", as_of=AS_OF)
    assert str(err.value) == (
        "period 2026-12 (December 2026) starts after the data ends (2026-11-02 12:00 UTC); "
        "choose a period up to 2026-11, or load newer exports first"
    )
    # relative periods resolve against today in the customer's zone (Paris)
    now = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)  # 1 December 00:30 in Paris
    last = measures.attainment(worked, cat, "c", "last-month", as_of=AS_OF, now=now)
    assert set(last["period"]) == {"2026-11"}


def test_data_as_of_is_never_in_the_future(con: duckdb.DuckDBPyConnection) -> None:
    now = utc(2026, 11, 20, 12)
    add_incident(con, "OLD", utc(2026, 11, 2, 8), utc(2026, 11, 3, 9))
    assert measures.as_of_time(con, "c", now) == utc(2026, 11, 3, 9)
    add_incident(con, "TYPO", utc(2026, 11, 4, 8), utc(2027, 11, 4, 9))  # a year too late
    assert measures.as_of_time(con, "c", now) == utc(2026, 11, 4, 8)
    assert measures.as_of_time(con, "nobody", now) == now


def test_availability_is_no_data_before_the_feed_starts_and_states_partial_coverage(
    con: duckdb.DuckDBPyConnection,
) -> None:
    """The outage feed starts with its first record (10 August 10:00 UTC, 1 h outage): July is
    no data (not 100 %); August is measured from then on and says how much of it that is."""
    cat = parse_catalogue(CATALOGUE)
    add_outage(con, "first", "email", utc(2026, 8, 10, 10))
    jul = measures.attainment(con, cat, "c", "2026-07", as_of=AS_OF).set_index("id")
    assert pd.isna(jul.loc["av", "achieved"]) and jul.loc["av", "status"] == "No data"
    aug = measures.attainment(con, cat, "c", "2026-08", as_of=AS_OF).set_index("id")
    # Paris August ends 31 Aug 22:00 UTC: covered from 10 Aug 10:00 UTC = 21 d 12 h = 516 h of
    # the month's 744 h (24x7); 1 h down
    assert aug.loc["av", "scheduled_s"] == 516 * 3600
    assert aug.loc["av", "coverage"] == pytest.approx(516 / 744)
    assert aug.loc["av", "achieved"] == pytest.approx(100 * 515 / 516)
    assert aug.loc["av", "status"] == "Missed"  # 99.806 % < 99.9 %
    # a declared monitored_since moves the start of the feed
    since = parse_catalogue(
        CATALOGUE.replace(
            "{id: email, name: Email}", "{id: email, name: Email, monitored_since: 2026-07-01}"
        )
    )
    jul = measures.attainment(con, since, "c", "2026-07", as_of=AS_OF).set_index("id")
    assert (jul.loc["av", "achieved"], jul.loc["av", "coverage"]) == (100.0, 1.0)


def test_availability_of_a_running_period_stops_at_the_end_of_the_data(
    con: duckdb.DuckDBPyConnection,
) -> None:
    """AS_OF 2 Nov 12:00 UTC: November (Paris, from 31 Oct 23:00 UTC) is measured over its
    first 37 h; an outage still open at AS_OF is down until AS_OF, not until the month's end."""
    cat = parse_catalogue(CATALOGUE)
    add_outage(con, "aug", "email", utc(2026, 8, 3, 10))
    con.execute(
        "insert into outages (source, outage_id, customer, service, start_at, end_at, impact, planned, title, cmdb_ci, load_id) values ('t', 'open', 'c', 'email', $s, null, 'full', false, "
        "null, null, 0)",
        {"s": utc(2026, 11, 2, 11)},
    )
    nov = measures.attainment(con, cat, "c", "2026-11", as_of=AS_OF).set_index("id")
    assert nov.loc["av", "scheduled_s"] == 37 * 3600
    assert nov.loc["av", "downtime_s"] == 3600
    assert nov.loc["av", "status"] == "In progress"


def test_rolling_twelve_months_adds_up_the_months(
    worked: duckdb.DuckDBPyConnection,
) -> None:
    """The rolling figure of October 2026 counts every ticket from November 2025 to October
    2026: A met, B and D breached (C counts in November 2026, outside it)."""
    cat = parse_catalogue(CATALOGUE)
    add_incident(worked, "Y", utc(2025, 11, 10, 8), utc(2025, 11, 10, 9))  # met, in the window
    add_incident(worked, "Z", utc(2025, 10, 31, 8), utc(2025, 10, 31, 9))  # met, one month before
    oct_ = measures.attainment(worked, cat, "c", "2026-10", history=2, as_of=AS_OF)
    row = oct_[(oct_["id"] == "p1") & (oct_["period"] == "2026-10")].iloc[0]
    assert (row["rolling_period"], row["rolling_n"]) == ("2025-11..2026-10", 4)
    assert row["rolling_achieved"] == 50.0
    sep = oct_[(oct_["id"] == "p1") & (oct_["period"] == "2026-09")].iloc[0]
    assert pd.isna(sep["rolling_achieved"])  # only the review period carries it


def test_rolling_each_gives_every_period_its_own_twelve_months(
    worked: duckdb.DuckDBPyConnection,
) -> None:
    """With rolling="each" September 2026's rolling year is 2025-10..2026-09: Z (31 Oct 2025,
    met) and Y (Nov 2025, met) only — and each period's figure is the one attainment gives
    when that period is the review period."""
    cat = parse_catalogue(CATALOGUE)
    add_incident(worked, "Y", utc(2025, 11, 10, 8), utc(2025, 11, 10, 9))
    add_incident(worked, "Z", utc(2025, 10, 31, 8), utc(2025, 10, 31, 9))
    each = measures.attainment(worked, cat, "c", "2026-10", history=3, as_of=AS_OF, rolling="each")
    p1 = each[each["id"] == "p1"].set_index("period")
    assert (p1.loc["2026-09", "rolling_period"], p1.loc["2026-09", "rolling_n"]) == (
        "2025-10..2026-09", 2)  # fmt: skip
    assert p1.loc["2026-09", "rolling_achieved"] == 100.0
    assert (p1.loc["2026-10", "rolling_n"], p1.loc["2026-10", "rolling_achieved"]) == (4, 50.0)
    for period in ["2026-08", "2026-09", "2026-10"]:
        alone = measures.attainment(worked, cat, "c", period, as_of=AS_OF).set_index("id")
        for target in ["p1", "av"]:
            got = each[(each["id"] == target) & (each["period"] == period)].iloc[0]
            assert (got["rolling_period"], got["rolling_n"]) == (
                alone.loc[target, "rolling_period"], alone.loc[target, "rolling_n"])  # fmt: skip
            assert got["rolling_achieved"] == alone.loc[target, "rolling_achieved"] or (
                pd.isna(got["rolling_achieved"]) and pd.isna(alone.loc[target, "rolling_achieved"])
            )


def test_a_missed_by_a_hair_target_shows_the_digits_that_miss(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    """99.897 % against 99.9 % is Missed and displays as 99.897 %, never as 99.90 %."""
    text = CATALOGUE.replace(
        "{id: email, name: Email}", "{id: email, name: Email, monitored_since: 2026-01-01}"
    )
    catalogue = tmp_path / "catalogue.yaml"
    catalogue.write_text(text)
    db = tmp_path / "w.duckdb"
    with warehouse.session(db) as file_con:
        # October (Paris) 745 h less the 1 h maintenance = 744 h = 2 678 400 s; 99.897 % of it
        # up means 2 758.752 s down: an outage of 2 759 s gives 99.89699… %
        file_con.execute(
            "insert into outages (source, outage_id, customer, service, start_at, end_at, impact, planned, title, cmdb_ci, load_id) values ('t', 'o', 'c', 'email', $s, $s + interval 2759 second, "
            "'full', false, null, null, 0)",
            {"s": utc(2026, 10, 14, 10)},
        )
    review = open_review("c", "2026-10", warehouse=db, catalogue=catalogue, as_of=AS_OF)
    row = review.current.set_index("id").loc["av"]
    assert row["achieved"] == pytest.approx(100 * (2678400 - 2759) / 2678400)
    assert row["status"] == "Missed"
    html = str(present.target_table(review))
    assert "99.897 %" in html and "99.90 %" not in html
    assert "Web" not in html and ">Email<" in html  # display names, not ids
    summary = str(present.executive_summary(review))
    assert "Email availability missed: 99.897 % against 99.9 % (n = 1)." in summary
    assert 'Overall <span class="rag rag-red">Missed</span>' in summary
    assert "Service credits due: Email availability 5 %." in summary


def test_charts_without_anything_to_draw_say_why(tmp_path: Path) -> None:
    from slm_analysis import charts

    text = CATALOGUE.replace(
        """      - {id: av, metric: availability, calendar: always, objective: 99.9, warning: 99.95,
         credits: [{below: 99.9, credit_percent: 5}, {below: 99.5, credit_percent: 10}]}
""",
        "",
    )
    catalogue = tmp_path / "catalogue.yaml"
    catalogue.write_text(text)
    db = tmp_path / "w.duckdb"
    with warehouse.session(db) as con:
        add_incident(con, "A", utc(2026, 10, 5, 7), utc(2026, 10, 5, 10))  # met: no breach
    review = open_review("c", "2026-10", warehouse=db, catalogue=catalogue, as_of=AS_OF)
    for fig, text in [
        (
            charts.availability_trend(review),
            "No availability target in the agreements of this period",
        ),
        (charts.breach_timeline(review), "No ticket breached its target in October 2026"),
        (
            charts.satisfaction_trend(review),
            "No satisfaction target in the agreements of this period",
        ),
    ]:
        assert [a.text for a in fig.layout.annotations] == [text]
        assert fig.layout.xaxis.visible is False


def test_weeks_and_ranges_count_in_the_agreement_zone(worked: duckdb.DuckDBPyConnection) -> None:
    """ISO weeks in Paris: A (Mon 5 Oct) is in W41, B (Mon 12 Oct) in W42; D breached on Thu
    29 Oct and C resolved at 00:30 on Sunday 1 November local time: both in W44 (26 Oct–1 Nov),
    though C's UTC stop is still in October."""
    cat = parse_catalogue(CATALOGUE)

    def p1(period: str) -> tuple[int, int]:
        att = measures.attainment(worked, cat, "c", period, as_of=AS_OF).set_index("id")
        return int(att.loc["p1", "n"]), int(att.loc["p1", "n_met"])

    assert p1("2026-W41") == (1, 1)
    assert p1("2026-W42") == (1, 0)
    assert p1("2026-W44") == (2, 1)
    assert p1("2026-W41..2026-W42") == (2, 1)
    assert p1("2026-10..2026-11") == (4, 2)
    assert p1("2026-H2") == (4, 2)


VERSIONED = """
calendars: {always: {timezone: UTC, hours: 24x7}}
customers: [{id: c, name: C}]
services: [{id: email, name: Email}]
agreements:
  - id: a
    customer: c
    services: [email]
    targets:
      - {id: p1, metric: resolution_time, priority: 1, within: 4h, calendar: always,
         objective: 90, effective_to: 2026-03-31}
      - {id: p1, metric: resolution_time, priority: 1, within: 2h, calendar: always,
         objective: 90, effective_from: 2026-04-01}
"""


def test_a_period_over_a_target_change_measures_each_month_under_its_version(
    con: duckdb.DuckDBPyConnection,
) -> None:
    """P1 within 4 h until March, within 2 h from April. February's 3 h incident met the 4 h
    version in force then; May's 3 h incident missed the 2 h one. The half year is 1 of 2 (the
    2 h version applied to February too would give 0 of 2); the rolling year the same."""
    cat = parse_catalogue(VERSIONED)
    add_incident(con, "FEB", utc(2026, 2, 10, 8), utc(2026, 2, 10, 11))
    add_incident(con, "MAY", utc(2026, 5, 12, 8), utc(2026, 5, 12, 11))
    as_of = utc(2026, 7, 2)
    for period, n, met in [("2026-02", 1, 1), ("2026-05", 1, 0), ("2026-H1", 2, 1),
                           ("2026-01..2026-05", 2, 1), ("2026-Q1", 1, 1)]:  # fmt: skip
        att = measures.attainment(con, cat, "c", period, as_of=as_of)
        assert len(att) == 1, period  # one record per target, whatever its versions
        assert (att.loc[0, "n"], att.loc[0, "n_met"]) == (n, met), period
    h1 = measures.attainment(con, cat, "c", "2026-H1", as_of=as_of).iloc[0]
    assert "within 2 business hours" in h1["sentence"] or "within 2 hours" in h1["sentence"]
    june = measures.attainment(con, cat, "c", "2026-06", as_of=as_of).iloc[0]
    assert (june["rolling_n"], june["rolling_achieved"]) == (2, 50.0)


COUNTED = """
customers: [{id: c, name: C, timezone: UTC}]
services: [{id: email, name: Email}]
agreements:
  - {id: a, customer: c, services: [email], review_period: month,
     targets: [{id: n, metric: incident_count, objective: 2, warning: 1}]}
"""


def test_an_incident_count_is_judged_per_period_length_and_only_where_the_feed_runs(
    con: duckdb.DuckDBPyConnection,
) -> None:
    """At most 2 incidents a month, warning at 1: October has 3 (Missed), November 2 (At risk:
    met, but above the warning level), September none though the feed ran (Met). December comes
    after the last incident: no data, not 0 — so the quarter is judged over the two months the
    feed covers: 5 against an allowance of 2 × 2 = 4 (warning 1 × 2 = 2), Missed, over 2/3 of
    the quarter. A week's allowance is 2 × 12/52."""
    cat = parse_catalogue(COUNTED)
    for number, day in [("S0", utc(2026, 8, 20, 9)), ("O1", utc(2026, 10, 5, 9)),
                        ("O2", utc(2026, 10, 6, 9)), ("O3", utc(2026, 10, 20, 9)),
                        ("N1", utc(2026, 11, 3, 9)), ("N2", utc(2026, 11, 4, 9))]:  # fmt: skip
        add_incident(con, number, day, day + (utc(2026, 1, 1, 1) - utc(2026, 1, 1)))
    as_of = utc(2027, 1, 10)

    def count(period: str) -> pd.Series:
        return measures.attainment(con, cat, "c", period, as_of=as_of).iloc[0]

    assert (count("2026-10")["achieved"], count("2026-10")["status"]) == (3.0, "Missed")
    assert (count("2026-11")["achieved"], count("2026-11")["status"]) == (2.0, "At risk")
    assert (count("2026-09")["achieved"], count("2026-09")["status"]) == (0.0, "Met")
    q4 = count("2026-Q4")
    assert (q4["achieved"], q4["objective"], q4["warning"], q4["status"]) == (
        5.0,
        4.0,
        2.0,
        "Missed",
    )
    assert q4["coverage"] == pytest.approx(2 / 3)
    week = count("2026-W41")  # 5–11 October: O1, O2
    assert week["objective"] == pytest.approx(2 * 12 / 52) and week["status"] == "Missed"
    dec = count("2026-12")
    assert pd.isna(dec["achieved"]) and dec["status"] == "No data"
    assert pd.isna(count("2026-07")["achieved"])  # before the first incident
    assert count("2026-11")["rolling_achieved"] == 6.0  # the twelve months' total
    assert count("2026-11")["sentence"] == "No more than 2 incidents per month"


def test_same_target_names_in_two_agreements_are_told_apart(tmp_path: Path) -> None:
    """Two agreements, each with a satisfaction target named alike: both are listed, named with
    their agreement, and the pack's charts draw both (they once failed on duplicate labels)."""
    from slm_analysis import charts

    text = """
calendars: {always: {timezone: UTC, hours: 24x7}}
customers: [{id: c, name: C}]
services: [{id: email, name: Email}, {id: crm, name: CRM}]
agreements:
  - {id: mail, name: Mail SLA, customer: c, services: [email], targets: [
      {id: csat, metric: satisfaction, objective: 4}]}
  - {id: crm, name: CRM SLA, customer: c, services: [crm], targets: [
      {id: csat, metric: satisfaction, objective: 4}]}
"""
    catalogue = tmp_path / "catalogue.yaml"
    catalogue.write_text(text)
    db = tmp_path / "w.duckdb"
    with warehouse.session(db) as con:
        for rid, svc, score in (("r1", "email", 5), ("r2", "crm", 3)):
            con.execute(
                "insert into surveys values ('t', $r, 'c', $s, null, $t, $score, 5, null, 0)",
                {"r": rid, "s": svc, "t": utc(2026, 10, 5), "score": score},
            )
    review = open_review("c", "2026-10", warehouse=db, catalogue=catalogue, as_of=AS_OF)
    cur = review.current.set_index("agreement")
    assert cur.loc["mail", "name"] == "Satisfaction (Mail SLA)"
    assert cur.loc["crm", "name"] == "Satisfaction (CRM SLA)"
    assert (cur.loc["mail", "status"], cur.loc["crm", "status"]) == ("Met", "Missed")
    fig = charts.satisfaction_trend(review)
    assert sorted(t.name for t in fig.data if "objective" not in t.name) == [
        "Satisfaction (CRM SLA)", "Satisfaction (Mail SLA)"]  # fmt: skip
    assert [a.text for a in charts.breach_timeline(review).layout.annotations] == [
        "No ticket breached its target in October 2026"
    ]
    summary = str(present.executive_summary(review))
    assert "Satisfaction (CRM SLA) missed: 3.00 / 5 against 4 / 5 (n = 1)." in summary


def test_relative_periods_follow_the_agreement_zone() -> None:
    """A customer in UTC with an agreement in Auckland: at 12:00 UTC on 30 November it is
    already 1 December in Auckland, so last-month is November."""
    cat = parse_catalogue("""
customers: [{id: c, name: C, timezone: UTC}]
services: [{id: email, name: Email}]
agreements: [{id: a, customer: c, services: [email], timezone: Pacific/Auckland, targets: []}]
""")
    now = utc(2026, 11, 30, 12)
    assert str(measures.resolve_period(cat, "c", "last-month", now)) == "2026-11"
    assert str(measures.resolve_period(cat, "c", "this-week", now)) == "2026-W49"


def test_an_as_of_instant_closes_a_quiet_period(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    """The data's last timestamp is 2 November 08:00 (E opened): November would stay In
    progress for good. Saying the exports are complete to 1 December 00:00 Paris time decides
    it; an as-of in the future is refused."""
    catalogue = tmp_path / "catalogue.yaml"
    catalogue.write_text(CATALOGUE)
    db = tmp_path / "w.duckdb"
    with warehouse.session(db) as file_con:
        add_incident(file_con, "C", utc(2026, 10, 30, 14), utc(2026, 10, 31, 23, 30))
        add_incident(file_con, "E", utc(2026, 11, 2, 8), None)
    running = open_review("c", "2026-11", warehouse=db, catalogue=catalogue)
    assert running.in_progress and running.as_of == utc(2026, 11, 2, 8)
    done = open_review(
        "c", "2026-11", warehouse=db, catalogue=catalogue, as_of="2026-12-01T00:00+01:00"
    )
    assert not done.in_progress and done.as_of == utc(2026, 11, 30, 23)
    p1 = done.current.set_index("id").loc["p1"]
    # C met (2 h); E opened Monday 2 Nov 09:00 Paris, open for the whole month: breached at 13:00
    assert (p1["n"], p1["n_met"], p1["status"]) == (2, 1, "At risk")  # 50 %: met, warning 60
    with pytest.raises(InputError, match="is in the future"):
        open_review("c", "2026-11", warehouse=db, catalogue=catalogue, as_of="2099-01-01")
    with pytest.raises(InputError, match="is not an instant; write ISO 8601"):
        open_review("c", "2026-11", warehouse=db, catalogue=catalogue, as_of="yesterday")


def test_volumes_read_a_reopened_history_as_the_clocks_do(con: duckdb.DuckDBPyConnection) -> None:
    """No resolved_at; resolved 5 October, reopened 2 November, resolved again 10 November: it
    ended on 10 November, so it is October's backlog and November's resolution."""
    add_incident(con, "R", utc(2026, 10, 1, 8), None)
    for state, s, e in [
        ("Resolved", utc(2026, 10, 5), utc(2026, 11, 2)),
        ("In Progress", utc(2026, 11, 2), utc(2026, 11, 10)),
        ("Resolved", utc(2026, 11, 10), None),
    ]:
        con.execute(
            "insert into incident_states values ('t', 'R', $st, $s, $e, 0)",
            {"st": state, "s": s, "e": e},
        )
    vol = measures.volumes(
        con, "c", [Period.parse("2026-10"), Period.parse("2026-11")], zone="UTC",
        ended_states=["Resolved", "Closed"],
    ).set_index("period")  # fmt: skip
    assert vol.loc["2026-10", ["opened", "resolved", "backlog"]].tolist() == [1, 0, 1]
    assert vol.loc["2026-11", ["opened", "resolved", "backlog"]].tolist() == [0, 1, 0]


ISOLATION = """
calendars: {always: {timezone: UTC, hours: 24x7}}
customers: [{id: acme, name: Acme}, {id: initech, name: Initech}]
services: [{id: email, name: Email}, {id: webshop, name: Web Shop}, {id: payroll, name: Payroll}]
mapping:
  - {match: {company: Acme Retail Ltd, business_service: Email}, customer: acme, service: email}
  - {match: {company: Acme Retail Ltd, business_service: Web Shop}, customer: acme, service: webshop}
  - {match: {company: Initech}, customer: initech, service: payroll}
agreements:
  - {id: acme-sla, customer: acme, services: [email, webshop], targets: [
      {id: res, metric: resolution_time, within: 4h, calendar: always, objective: 90}]}
  - {id: initech-sla, customer: initech, services: [payroll], targets: [
      {id: res, metric: resolution_time, within: 4h, calendar: always, objective: 90}]}
"""


def test_a_customers_pack_counts_only_its_own_rows(tmp_path: Path) -> None:
    """One export holds both customers' incidents: Acme's two good rows and three bad ones,
    Initech's one. Each pack's provenance and data-quality notes count that customer's rows
    only (Initech's used to show the file's 3 quarantined rows and 5 loaded)."""
    from slm_analysis.importers import load_file

    catalogue = tmp_path / "catalogue.yaml"
    catalogue.write_text(ISOLATION)
    cat = parse_catalogue(ISOLATION)
    db = tmp_path / "w.duckdb"
    with warehouse.session(db) as con:
        fixture = Path(__file__).parent.parent / "fixtures" / "servicenow_incidents.csv"
        load_file(con, "incidents", fixture, catalogue=cat, timezone="UTC")
    as_of = utc(2026, 4, 1)
    initech = open_review("initech", "2026-03", warehouse=db, catalogue=catalogue, as_of=as_of)
    assert initech.loads[["rows_loaded", "rows_quarantined"]].values.tolist() == [[1, 0]]
    assert "rows quarantined" not in set(initech.quality["issue"])
    acme = open_review("acme", "2026-03", warehouse=db, catalogue=catalogue, as_of=as_of)
    assert acme.loads[["rows_loaded", "rows_quarantined"]].values.tolist() == [[2, 3]]
    notes = acme.quality[acme.quality["issue"] == "rows quarantined"]
    assert sorted(notes["detail"]) == [
        "opened_at: not a valid date-time",
        "priority: priority is not 1-5 or a ServiceNow priority name",
        "resolved_at: resolved before opened",
    ]
    assert notes["rows"].tolist() == [1, 1, 1]


def test_satisfaction_mean_and_share_satisfied(con: duckdb.DuckDBPyConnection) -> None:
    """Scores 5, 4 and 2 in October (and a 1 in November): mean 11/3 = 3.67 against 4.2,
    missed; 2 of 3 scoring 4 or more = 66.7 % (Wilson 20.8–93.9 %) against 60 %, met."""
    cat = parse_catalogue("""
customers: [{id: c, name: C}]
services: [{id: email, name: Email}]
agreements:
  - {id: a, customer: c, services: [email], targets: [
      {id: mean, metric: satisfaction, measure: mean, objective: 4.2},
      {id: share, metric: satisfaction, measure: percent_satisfied, satisfied_from: 4,
       objective: 60}]}
""")
    for rid, when, score in (
        ("r1", utc(2026, 10, 5), 5),
        ("r2", utc(2026, 10, 6), 4),
        ("r3", utc(2026, 10, 7), 2),
        ("r4", utc(2026, 11, 1), 1),
    ):
        con.execute(
            "insert into surveys values ('t', $r, 'c', 'email', null, $t, $s, 5, null, 0)",
            {"r": rid, "t": when, "s": score},
        )
    att = measures.attainment(con, cat, "c", "2026-10", as_of=AS_OF).set_index("id")
    mean, share = att.loc["mean"], att.loc["share"]
    assert (mean["n"], mean["achieved"], mean["status"], mean["unit"]) == (
        3,
        11 / 3,
        "Missed",
        "/ 5",
    )
    assert (share["n"], share["n_met"], share["status"]) == (3, 2, "Met")
    assert share["achieved"] == pytest.approx(200 / 3)
    assert (round(share["interval_low"], 1), round(share["interval_high"], 1)) == (20.8, 93.9)


def test_availability_leaves_the_ticket_clocks_alone(worked: duckdb.DuckDBPyConnection) -> None:
    """Before, availability() re-created the clocks' `cal_open` with its own calendar, so an
    explanation read after it used the wrong service hours. Now its inputs are its own and
    are gone when it returns."""
    cat = parse_catalogue(CATALOGUE)
    run = measures.run_clocks(worked, cat, "c", as_of=AS_OF, explain=True)
    before = worked.execute("select * from cal_open order by all").fetchall()
    explained = measures.ticket_clocks(worked, cat, "c", as_of=AS_OF, clocks=run)
    october_email(worked, cat)
    assert worked.execute("select * from cal_open order by all").fetchall() == before
    tables = {r[0] for r in worked.execute("select table_name from duckdb_tables()").fetchall()}
    assert not {"avail_calendar", "avail_maintenance"} & tables
    again = measures.ticket_clocks(worked, cat, "c", as_of=AS_OF, clocks=run)
    pd.testing.assert_frame_equal(again, explained)


def test_clocks_reused_must_be_the_customer_s_as_of_and_still_current(
    worked: duckdb.DuckDBPyConnection,
) -> None:
    """`attainment(clocks_ready=True)` trusted whatever clock tables the connection held. The
    Clocks handle says whose they are, and a measure refuses clocks of another as-of instant
    or ones a later run replaced."""
    cat = parse_catalogue(CATALOGUE)
    run = measures.run_clocks(worked, cat, "c", as_of=AS_OF)
    assert run is not None
    reused = measures.attainment(worked, cat, "c", "2026-10", as_of=AS_OF, clocks=run)
    fresh = measures.attainment(worked, cat, "c", "2026-10", as_of=AS_OF)
    pd.testing.assert_frame_equal(reused, fresh)
    earlier = utc(2026, 11, 1)
    with pytest.raises(InputError, match=r"the ticket clocks given are 'c''s as of 2026-11-02"):
        measures.attainment(worked, cat, "c", "2026-10", as_of=earlier, clocks=run)
    measures.run_clocks(worked, cat, "c", as_of=earlier)  # replaces the tables run read
    with pytest.raises(InputError, match="since replaced on this connection"):
        measures.stop_findings(worked, cat, "c", as_of=AS_OF, clocks=run)
    with pytest.raises(InputError, match="run without explain=True"):
        measures.ticket_clocks(worked, cat, "c", as_of=AS_OF, clocks=run)


def test_availability_is_asked_for_like_its_siblings(tmp_path: Path) -> None:
    """measures.availability(con, cat, customer, period, target=…, as_of=…) — the shape of
    attainment and ticket_clocks — on the hand-worked case: OUT1 takes 6 h of October's 744,
    99.19 %; the fourth quarter to 2 November adds 36 h of November, none down."""
    from hand_worked import build

    catalogue, db = build(tmp_path)
    cat = load_catalogue(catalogue)
    with warehouse.session(db, read_only=True) as con:
        october = measures.availability(
            con, cat, "c", "2026-10", target="av", as_of="2026-11-02T12:00:00Z"
        )
        quarter = measures.availability(con, cat, "c", "2026-Q4", as_of=utc(2026, 11, 2, 12))
    assert october[["id", "period", "service", "scheduled_s", "downtime_s", "outages"]].to_dict(
        "records"
    ) == [
        {"id": "av", "period": "2026-10", "service": "email", "scheduled_s": 744 * 3600,
         "downtime_s": 6 * 3600, "outages": 1}
    ]  # fmt: skip
    assert october.loc[0, "availability"] == pytest.approx(100 * 738 / 744)
    assert list(quarter.columns) == measures.AVAILABILITY_HISTORY_COLUMNS
    assert (quarter.loc[0, "period"], quarter.loc[0, "scheduled_s"]) == ("2026-Q4", 780 * 3600)


def test_target_names_are_attainments_without_measuring(con: duckdb.DuckDBPyConnection) -> None:
    """Two agreements with a target of the same title: each name gets its agreement's, as in
    the attainment records, and the names need no query."""
    text = TWO_SERVICES.replace(
        "agreements:\n",
        "agreements:\n  - {id: ola, name: Support OLA, customer: c, services: [email], "
        "targets: [{id: p1, metric: resolution_time, priority: 1, within: 8h, calendar: office, "
        "objective: 50}]}\n",
    )
    cat = parse_catalogue(text)
    p = Period.parse("2026-10")
    att = measures.attainment(con, cat, "c", p, as_of=AS_OF)
    expected = dict(zip(att["agreement"] + "/" + att["id"], att["name"], strict=True))
    assert measures.target_names(cat, "c", p) == expected
    assert expected["ola/p1"] == "P1 resolution (Support OLA)"
