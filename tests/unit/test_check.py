"""`slm check` judges each customer by what its targets need, and says how to fix each gap."""

from __future__ import annotations

from pathlib import Path

from slm_analysis import warehouse
from slm_analysis.importers import load_file
from slm_analysis.workflows import run_check

FIX = Path(__file__).parent.parent / "fixtures"
CATALOGUE = """
calendars:
  always: {timezone: UTC, hours: 24x7}
customers:
  - {id: uptime, name: Availability only}
  - {id: desk, name: Tickets only}
  - {id: survey, name: Satisfaction only}
services:
  - {id: web, name: Web}
  - {id: mail, name: Mail}
  - {id: portal, name: Portal}
agreements:
  - id: uptime-sla
    customer: uptime
    services: [web, mail]
    targets:
      - {id: web-av, metric: availability, calendar: always, objective: 99.9, services: [web]}
  - id: desk-sla
    customer: desk
    services: [mail]
    targets:
      - {id: p1-res, metric: resolution_time, priority: 1, within: 4h, calendar: always,
         objective: 90}
      - {id: p2-count, metric: incident_count, priority: 2, objective: 10}
  - id: survey-sla
    customer: survey
    services: [portal]
    targets:
      - {id: csat, metric: satisfaction, objective: 4.2}
"""
LOAD = (
    "a known export is recognised from its header (or name it with --format F); any other file "
    "loads with a mapping (--mapping M.yaml)"
)


def test_each_customer_is_judged_by_its_own_targets(tmp_path: Path) -> None:
    catalogue = tmp_path / "catalogue.yaml"
    catalogue.write_text(CATALOGUE)
    db = tmp_path / "w.duckdb"
    with warehouse.session(db) as con:  # three quarantined rows, one unmapped incident
        load_file(con, "incidents", FIX / "servicenow_incidents.csv", timezone="UTC")
    assert run_check(db, catalogue) == [
        (
            "warning",
            "3 incidents match no mapping rule and count for no customer; add mapping rules to "
            "the catalogue (most common values: assignment_group 'Web' (2), category 'Software' "
            "(2), company 'Acme Retail Ltd' (2), assignment_group 'Messaging' (1), "
            "business_service 'Email' (1))",
        ),
        ("warning", "3 rows are quarantined; `slm quarantine` lists them with their reasons"),
        # availability only: no "no incidents" error, and no outage warning for mail, which has
        # no availability target
        (
            "warning",
            "service 'web' of 'uptime' has no outage records: its availability shows as no data "
            "(load its outages or status-page history with `slm load outages FILE`)",
        ),
        (
            "error",
            "customer 'desk' has no incidents loaded; its ticket targets (p1-res, p2-count) "
            f"cannot be measured. Load them with `slm load incidents FILE` ({LOAD}); a catalogue "
            "mapping rule or --customer assigns them",
        ),
        (
            "warning",
            "customer 'survey' has no survey responses loaded: its satisfaction targets (csat) "
            "show as no data (load them with `slm load surveys FILE`)",
        ),
    ]
    with warehouse.session(db) as con:
        load_file(
            con,
            "incidents",
            FIX / "servicenow_incidents_labels.csv",
            customer="desk",
            timezone="UTC",
        )
        load_file(
            con,
            "outages",
            FIX / "github_status_downtime_slice.csv",
            customer="uptime",
            service="web",
        )
    # desk's incidents have no service (--customer alone), so its service 'mail' has none;
    # no customer has a review file
    assert run_check(db, catalogue) == [
        (
            "warning",
            "3 incidents match no mapping rule and count for no customer; add mapping rules to "
            "the catalogue (most common values: assignment_group 'Web' (2), category 'Software' "
            "(2), company 'Acme Retail Ltd' (2), assignment_group 'Messaging' (1), "
            "business_service 'Email' (1))",
        ),
        (
            "warning",
            "2 incidents have a customer but no service, so no target counts them; give the "
            "mapping rule that matches them a service (or load the file with --service)",
        ),
        ("warning", "3 rows are quarantined; `slm quarantine` lists them with their reasons"),
        ("warning", no_commentary("uptime")),
        (
            "warning",
            "service 'mail' of 'desk' has no incidents: its ticket targets (p1-res, p2-count) "
            "count none. If its incidents are loaded, a mapping rule must give them service "
            "'mail'",
        ),
        ("warning", no_commentary("desk")),
        (
            "warning",
            "customer 'survey' has no survey responses loaded: its satisfaction targets (csat) "
            "show as no data (load them with `slm load surveys FILE`)",
        ),
    ]


def no_commentary(customer: str) -> str:
    return (
        f"customer {customer!r} has no review commentary: its packs give no reason for a missed "
        f"target; write them in reviews/{customer}/PERIOD.md beside the catalogue (`slm check "
        "--period P` names the misses a period's file must explain)"
    )


def test_without_a_warehouse_the_advice_names_format_and_mapping(tmp_path: Path) -> None:
    catalogue = tmp_path / "catalogue.yaml"
    catalogue.write_text(CATALOGUE)
    db = tmp_path / "none.duckdb"
    assert run_check(db, catalogue) == [
        (
            "error",
            f"warehouse {db} does not exist; load exports with `slm load KIND FILE` ({LOAD})",
        )
    ]


def test_check_names_the_findings_the_pack_will_list(tmp_path: Path) -> None:
    """A resolution a year in the future (an export read in the wrong zone or a typo) and a
    closed ticket with no stop time anywhere: both are warnings, with what to do."""
    from datetime import UTC, datetime

    catalogue = tmp_path / "catalogue.yaml"
    catalogue.write_text(CATALOGUE)
    db = tmp_path / "w.duckdb"
    with warehouse.session(db) as con:
        for number, state, resolved in (
            ("INC1", "Resolved", datetime(2099, 1, 1, tzinfo=UTC)),
            ("INC2", "Closed", None),
        ):
            con.execute(
                "insert into incidents (source, number, customer, service, priority, state, "
                "opened_at, resolved_at, load_id) values ('t', $n, 'desk', 'mail', 1, $s, "
                "$o, $r, 0)",
                {"n": number, "s": state, "o": datetime(2026, 10, 5, tzinfo=UTC), "r": resolved},
            )
    found = [text for level, text in run_check(db, catalogue) if "desk" in text]
    assert found[0].startswith("records with timestamps in the future for 'desk': 1 (after ")
    assert found[0].endswith('not used for "data as of" (check the export\'s time zone))')
    assert found[1] == (
        "incidents of 'desk' closed or cancelled with no stop time in their fields or state "
        "history: 1 (INC2); its ticket targets do not count them — load the state history or an "
        "export with resolved_at/closed_at"
    )


NEW_WORKSPACE = """
calendars: {always: {timezone: UTC, hours: 24x7}}
customers: [{id: c, name: C}]
services:
  - {id: web, name: Web}
  - {id: spare, name: Spare}
agreements:
  - id: sla
    customer: c
    services: [web]
    targets:
      - {id: web-av, metric: availability, calendar: always, objective: 99.9}
"""


def test_check_says_what_a_new_workspace_lacks(tmp_path: Path) -> None:
    """A service no target measures is said before any data is loaded; then check results
    no rule maps, checks of a service whose availability cannot read them, and the missing
    review commentary, each with what to do."""
    catalogue = tmp_path / "catalogue.yaml"
    catalogue.write_text(NEW_WORKSPACE)
    db = tmp_path / "w.duckdb"
    spare = (
        "warning",
        "service 'spare' has no target: no pack measures it; add it to an agreement's services "
        "(and give the agreement a target for it), or remove it from the catalogue",
    )
    assert run_check(db, catalogue) == [
        spare,
        (
            "error",
            f"warehouse {db} does not exist; load exports with `slm load KIND FILE` ({LOAD})",
        ),
    ]
    with warehouse.session(db) as con:
        load_file(con, "checks", FIX / "uptime_checks.jsonl", customer="c", service="web")
        con.execute(  # a check no rule maps
            "insert into checks values ('monitoring', 'dns', null, null, "
            "'2026-03-10 08:00:00+00', true, null, 1, 'polled')"
        )
    assert run_check(db, catalogue) == [
        spare,
        (
            "warning",
            "1 check result matches no mapping rule and counts for no customer; add mapping "
            "rules for them to the catalogue (or load the file with --customer and --service)",
        ),
        (
            "warning",
            "service 'web' of 'c' has check results but no outage records, and without a "
            "`monitoring` block its availability ignores checks: it shows as no data (add "
            "`monitoring: {}` to service 'web' in the catalogue to infer its outages from its "
            "checks)",
        ),
        ("warning", no_commentary("c")),
    ]
    (tmp_path / "reviews" / "c").mkdir(parents=True)
    (tmp_path / "reviews" / "c" / "2026-03.md").write_text("## Summary\nA quiet month.\n")
    catalogue.write_text(
        NEW_WORKSPACE.replace("{id: web, name: Web}", "{id: web, name: Web, monitoring: {}}")
    )
    assert run_check(db, catalogue)[1:] == [
        (
            "warning",
            "1 check result matches no mapping rule and counts for no customer; add mapping "
            "rules for them to the catalogue (or load the file with --customer and --service)",
        )
    ]
