"""The demo's monitoring story: Fleet Tracking's availability is inferred from its checks,
which saw an outage no record has (the 10th, 03:00–04:30 UTC) and missed three hours of
results (the 17th, 10:00–13:00 UTC); the review says so, in numbers and in words."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from slm_analysis import present
from slm_analysis.review import open_review
from tests.conftest import DEMO_PERIOD


def review(demo_env: dict[str, Path]):  # type: ignore[no-untyped-def]
    return open_review(
        "globex", DEMO_PERIOD, warehouse=demo_env["db"], catalogue=demo_env["catalogue"]
    )


def test_the_probe_only_outage_and_the_gap_are_measured(demo_env: dict[str, Path]) -> None:
    r = review(demo_env)
    av = r.availability
    row = av[(av["service"] == "tracking") & (av["period"] == DEMO_PERIOD)].iloc[0]
    assert row["no_data_s"] == 3 * 3600
    # October in Berlin is 745 hours (the clocks go back on the 25th), three of them no data
    assert row["scheduled_s"] == (745 - 3) * 3600
    assert row["downtime_s"] == 90 * 60  # no outage record for tracking this month
    assert row["outages"] == 1
    assert abs(row["availability"] - 100 * (1 - 90 / (742 * 60))) < 1e-9  # 99.7978 %


def test_the_review_names_where_availability_comes_from(demo_env: dict[str, Path]) -> None:
    r = review(demo_env)
    html = present.measured_from(r)
    assert (
        "<td>Fleet Tracking</td><td>checks tracking-api: down after 2 failed results in a row, "
        "up after 2 successful ones, no data after a gap over 2.5 × the check interval; and "
    ) in html
    assert "<td>left out of the measured time</td>" in html
    assert "<td>ERP Platform</td><td>outage records from servicenow (" in html
    # ERP's erp-gui results are loaded, but ERP has no monitoring block: said, not hidden
    assert (
        "; checks erp-gui are loaded but not used (the service has no monitoring block)</td>"
    ) in html
    assert "; 3h 00m no data</td>" in present.availability_table(r)


def test_planned_work_recorded_twice_is_listed_once(demo_env: dict[str, Path]) -> None:
    """The demo's ERP patching is in the catalogue and exported as a planned outage too."""
    m = review(demo_env).maintenance
    erp = m[m["service"] == "erp"]
    assert len(erp) == 1
    first = erp.iloc[0]
    # the third Saturday of October 2026 is the 17th, 22:00 Berlin summer time (20:00 UTC)
    assert first["start_at"] == pd.Timestamp(datetime(2026, 10, 17, 20, tzinfo=UTC))
    assert first["duration_s"] == 4 * 3600
    assert first["origin"] == "catalogue, planned outage"
    assert first["ref"].startswith("erp-patching, OUT-erp-patching-")


def test_the_outage_list_shows_the_probe_only_outage_with_its_evidence(
    demo_env: dict[str, Path],
) -> None:
    r = review(demo_env)
    html = present.outage_table(r)
    assert (
        "<tr><td>Fleet Tracking</td><td>inferred from checks</td><td>full</td>"
        "<td>2026-10-10 05:00</td><td>2026-10-10 06:30</td><td>1h 30m</td>"
        "<td>checks: tracking-api; first failed check tracking-api at 2026-10-10 05:00, first "
        "succeeding tracking-api at 2026-10-10 06:30</td></tr>"
    ) in html  # Berlin summer time: 03:00-04:30 UTC


def test_the_credit_names_the_outage_that_caused_it(demo_env: dict[str, Path]) -> None:
    """90 minutes down in 742 measured hours is 99.798 %, under the 99.8 % objective: the 5 %
    credit of tracking-availability is due, and the pack says which outage caused it."""
    r = review(demo_env)
    assert present.credits_table(r) == (
        '<table class="slm credits"><thead><tr><th>Target</th><th>Achieved</th>'
        "<th>Objective</th><th>Credit</th><th>Caused by</th></tr></thead><tbody><tr>"
        "<td>Fleet Tracking availability</td><td>99.798 %</td><td>99.8 %</td><td>5 %</td>"
        "<td>checks tracking-api, 2026-10-10 05:00, 1h 30m</td></tr></tbody></table>"
    )
    assert "Service credits due: Fleet Tracking availability 5 %." in r.headlines


def test_the_budget_table_says_when_the_tracking_budget_ran_out(
    demo_env: dict[str, Path],
) -> None:
    """0.2 % of 742 measured hours allows 5,342.4 s (1h 29m 02.4s); downtime from 03:00 UTC
    reaches it at 04:29:02.4, so the budget ran out in the second after: 06:29 in Berlin."""
    html = present.budget_table(review(demo_env))
    assert (
        "<tr><td>Fleet Tracking availability</td><td>downtime</td><td>1h 29m</td><td>1h 30m</td>"
        "<td>-57s</td><td>101 %</td><td>overspent, ran out 2026-10-10 06:29</td></tr>"
    ) in html
    assert "<th>Outlook (Europe/Berlin)</th>" in html


def test_attainment_json_is_strict_and_reports_the_no_data_time(
    demo_env: dict[str, Path],
) -> None:
    """Before: `"method": NaN` for every target that is not an availability one — a token no
    JSON parser but Python's accepts. And the three hours without check results are reported
    with the availability record, whatever the no-data policy counts them as."""
    from click.testing import CliRunner

    from slm_analysis.cli import main

    r = CliRunner().invoke(main, [
        "--db", str(demo_env["db"]), "--catalogue", str(demo_env["catalogue"]), "attainment",
        "--customer", "globex", "--period", DEMO_PERIOD, "--json",
    ])  # fmt: skip
    assert r.exit_code == 0, r.output

    def refuse(token: str) -> None:
        raise AssertionError(f"{token} is not JSON")

    records = {x["id"]: x for x in json.loads(r.stdout, parse_constant=refuse)}
    assert records["tracking-availability"]["method"] == "time"
    assert records["tracking-availability"]["no_data_s"] == 3 * 3600
    assert records["globex-p1-response"]["method"] is None
    assert records["globex-p1-response"]["no_data_s"] is None
