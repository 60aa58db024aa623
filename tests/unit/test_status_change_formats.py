"""Status-change stream formats, hand-worked: Upptime's git history and Prometheus `up` change
points load as status-change checks, and the outages they imply have exact minutes."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from slm_analysis.catalogue import Catalogue, parse_catalogue
from slm_analysis.importers import load_file
from slm_analysis.monitoring import check_outages

FIX = Path(__file__).parent.parent / "fixtures"


def _catalogue(checks: dict[str, str]) -> Catalogue:
    rules = "\n".join(
        f"  - {{match: {{check_name: '{name}'}}, customer: acme, service: {service}, "
        "sources: [checks]}"
        for name, service in checks.items()
    )
    return parse_catalogue(
        f"""
customers: [{{id: acme, name: Acme}}]
services:
  - {{id: web, name: Web Shop, monitoring: {{down_after: 3, up_after: 3}}}}
  - {{id: api, name: API, monitoring: {{}}}}
  - {{id: mail, name: Email, monitoring: {{}}}}
mapping:
{rules}
agreements: [{{id: sla, customer: acme, services: [web, api, mail], targets: []}}]
"""
    )


def _utc(hhmmss: str) -> pd.Timestamp:
    return pd.Timestamp(f"2026-03-10 {hhmmss}+00:00")


def test_upptime_history_is_a_status_change_stream(con: duckdb.DuckDBPyConnection) -> None:
    # The export (newest first, +01:00): Web Shop up 08:00, down 10:02:31, up 10:31:04; API up
    # 08:00, degraded 09:25, up 09:40; a graphs and a summary commit (skipped); one commit
    # with an unreadable date (quarantined). In UTC, one hour earlier.
    cat = _catalogue({"Web Shop": "web", "API": "api"})
    r = load_file(con, "checks", FIX / "upptime_history.tsv", catalogue=cat)
    assert (r.format, r.rows_read, r.rows_loaded, r.rows_quarantined) == (
        "upptime-history", 9, 6, 1
    )  # fmt: skip
    assert con.execute("select distinct source, stream from checks").fetchall() == [
        ("upptime", "status-change")
    ]
    assert con.execute(
        "select checked_at, ok, latency_ms from checks where check_name = 'API' order by 1"
    ).fetchall() == [
        (datetime(2026, 3, 10, 7, tzinfo=UTC), True, 75.0),
        (datetime(2026, 3, 10, 8, 25, tzinfo=UTC), False, 7301.0),  # degraded is down
        (datetime(2026, 3, 10, 8, 40, tzinfo=UTC), True, 80.0),
    ]
    got = check_outages(
        con, cat, "acme", _utc("07:00:00"), _utc("10:00:00"), as_of=_utc("10:00:00"),
        services=["web", "api"],
    )  # fmt: skip
    # Web Shop: 09:02:31 → 09:31:04 = 28 min 33 s = 28.55 minutes (N = M = 3 do not apply:
    # each commit is a confirmed change); API: degraded 08:25 → 08:40 = 15 minutes
    rows = got.down.set_index("service")
    assert rows.loc["web", "minutes"] == pytest.approx(28.55, abs=1e-12)
    assert rows.loc["api", "minutes"] == 15.0
    web = rows.loc["web"]
    assert (web["first_failure_at"], web["first_failure_check"]) == (_utc("09:02:31"), "Web Shop")
    assert (web["first_success_at"], web["first_success_check"]) == (_utc("09:31:04"), "Web Shop")
    assert got.no_data.empty  # both sites' histories begin at 07:00


def test_prometheus_change_points_from_csv(con: duckdb.DuckDBPyConnection) -> None:
    # mail-1:25 up 08:00, down 09:14, up 09:51 (UTC); `shop` (no instance: named by its job)
    # up from 08:00; a row whose value is not 1/0 is quarantined.
    cat = _catalogue({"mail-1:25": "mail", "shop": "web"})
    r = load_file(con, "checks", FIX / "prometheus_up_changes.csv", catalogue=cat)
    assert (r.format, r.rows_loaded, r.rows_quarantined) == ("prometheus-changes", 4, 1)
    got = check_outages(
        con, cat, "acme", _utc("08:00:00"), _utc("12:00:00"), as_of=_utc("12:00:00"),
        services=["mail", "web"],
    )  # fmt: skip
    # mail: down 09:14 → 09:51 = 37 minutes; web (shop) up from 08:00 to the as-of instant
    assert got.down[["service", "minutes"]].values.tolist() == [["mail", 37.0]]
    assert got.no_data.empty


def test_a_query_range_answer_is_polled_unless_named_as_change_points(
    con: duckdb.DuckDBPyConnection,
) -> None:
    # mail-1:25 every 15 s from 08:00:00 UTC: 1, 1, 0, 1. Polled (the default, uptime-checks),
    # one failure is a blip under N = 2. Named prometheus-changes, each sample is a change
    # that holds until the next: down 08:00:30 → 08:00:45 = 15 s = 0.25 minutes.
    cat = _catalogue({"mail-1:25": "mail"})
    window = (_utc("08:00:00"), _utc("08:05:00"))
    polled = load_file(con, "checks", FIX / "prometheus_up_query_range.json", catalogue=cat)
    assert polled.format == "uptime-checks"
    got = check_outages(con, cat, "acme", *window, as_of=window[1], services=["mail"])
    assert got.down.empty
    con.execute("delete from checks")
    changes = load_file(
        con, "checks", FIX / "prometheus_up_query_range.json", catalogue=cat,
        format="prometheus-changes",
    )  # fmt: skip
    assert (changes.format, changes.rows_loaded) == ("prometheus-changes", 6)
    got = check_outages(con, cat, "acme", *window, as_of=window[1], services=["mail"])
    assert got.down[["start_at", "minutes"]].values.tolist() == [[_utc("08:00:30"), 0.25]]
