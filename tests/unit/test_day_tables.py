"""Status-page day tables (format statuspage-days → downtime_days), hand-worked.

A day table gives, per component and local day, the minutes in partial and in major outage. It
measures 24x7 availability exactly (whole days) and cannot measure service hours: the day's
total does not say when in the day the downtime was. Every number below is worked in a comment.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from slm_analysis import measures
from slm_analysis.catalogue import Catalogue, parse_catalogue
from slm_analysis.importers import load_file
from slm_analysis.periods import Period

FIX = Path(__file__).parent.parent / "fixtures"
MARCH_END = datetime(2026, 4, 1, tzinfo=UTC)


def _catalogue(weight: float = 0.3, zone: str = "UTC", extra: str = "") -> Catalogue:
    return parse_catalogue(
        f"""
calendars:
  always: {{hours: 24x7}}
  office: {{timezone: Europe/London, hours: {{mon-fri: "09:00-17:00"}}}}
customers: [{{id: acme, name: Acme, timezone: {zone}}}]
services: [{{id: api, name: API}}]
mapping:
  - {{match: {{business_service: API Requests}}, customer: acme, service: api,
      sources: [outages]}}
agreements:
  - id: sla
    customer: acme
    services: [api]
    targets:
      - {{id: av, metric: availability, calendar: always, objective: 99.9,
          partial_weight: {weight}}}
      - {{id: office, metric: availability, calendar: office, objective: 99.9}}
{extra}
"""
    )


def _march(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, cat: Catalogue, skip: tuple[int, ...] = ()
) -> None:
    """A day row for every day of March 2026 but those in ``skip``: no downtime except on
    2 March (120 partial minutes), 3 March (45 major) and 4 March (30 partial, 15 major)."""
    downtime = {2: (120, 0), 3: (0, 45), 4: (30, 15)}
    lines = ["date,component,partial_minutes,major_minutes"]
    for day in range(1, 32):
        if day not in skip:
            partial, major = downtime.get(day, (0, 0))
            lines.append(f"2026-03-{day:02d},API Requests,{partial},{major}")
    export = tmp_path / "days.csv"
    export.write_text("\n".join(lines) + "\n")
    r = load_file(con, "outages", export, catalogue=cat, timezone="UTC")
    assert (r.format, r.rows_loaded, r.rows_quarantined) == ("statuspage-days", 31 - len(skip), 0)


def _row(con: duckdb.DuckDBPyConnection, cat: Catalogue, **kw: object) -> dict[str, object]:
    args: dict[str, object] = dict(
        services=["api"], calendar="always", partial_weight=0.3, zone="UTC", as_of=MARCH_END
    )
    args.update(kw)
    av = measures.service_availability(con, cat, "acme", Period.parse("2026-03"), **args)  # type: ignore[arg-type]
    assert len(av) == 1
    return av.iloc[0].to_dict()  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("weight", "down_min", "achieved"),
    [
        # 0.3 (a status page's own rule): 0.3 × 120 + 45 + (0.3 × 30 + 15) = 36 + 45 + 24 = 105
        # minutes of 31 × 1440 = 44,640: 100 × 44,535 / 44,640 = 99.76478… %, which the status
        # page publishes as 99.76 %
        (0.3, 105.0, 99.76),
        # 0.5: 60 + 45 + (15 + 15) = 135 minutes: 100 × 44,505 / 44,640 = 99.69758… %
        (0.5, 135.0, 99.70),
    ],
)
def test_a_day_table_gives_24x7_availability_exactly(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, weight: float, down_min: float, achieved: float
) -> None:
    cat = _catalogue(weight)
    _march(con, tmp_path, cat)
    row = _row(con, cat, partial_weight=weight)
    assert row["period_scheduled_s"] == row["scheduled_s"] == 44_640 * 60
    assert row["downtime_s"] == pytest.approx(down_min * 60, abs=1e-9)
    assert row["outages"] == 3  # the days with downtime
    assert row["no_data_s"] == 0 and row["why"] is None
    att = measures.attainment(con, cat, "acme", "2026-03", as_of=MARCH_END).set_index("id")
    assert att.loc["av", "achieved"] == pytest.approx(100 * (44_640 - down_min) / 44_640)
    assert round(att.loc["av", "achieved"], 2) == achieved  # the published table, to 0.01 pp
    assert pd.isna(att.loc["av", "note"])


def test_a_missing_day_is_no_data_and_maintenance_is_not_scheduled(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    # 31 March has no row: 1,440 minutes of no data. A planned window 3 March 02:00-04:00
    # (120 minutes) is not scheduled time; the day's 45 major minutes stay downtime (a status
    # page counts maintenance apart).
    extra = (
        "maintenance:\n  - {id: w, services: [api], start: 2026-03-03T02:00:00, "
        "end: 2026-03-03T04:00:00}\n"
    )
    cat = _catalogue(extra=extra)
    _march(con, tmp_path, cat, skip=(31,))
    # exclude (default): scheduled 44,640 − 120 − 1,440 = 43,080 minutes; down 105
    row = _row(con, cat)
    assert (row["scheduled_s"], row["maintenance_s"], row["no_data_s"]) == (
        43_080 * 60,
        120 * 60,
        1_440 * 60,
    )
    assert row["period_scheduled_s"] == (44_640 - 120) * 60
    assert row["downtime_s"] == pytest.approx(105 * 60)
    # down: the missing day is scheduled and down: 44,520 scheduled, 105 + 1,440 down
    row = _row(con, cat, no_data="down")
    assert row["scheduled_s"] == 44_520 * 60
    assert row["downtime_s"] == pytest.approx(1_545 * 60)


def test_service_hours_cannot_be_measured_from_a_day_table(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    cat = _catalogue()
    _march(con, tmp_path, cat)
    row = _row(con, cat, calendar="office")
    assert row["scheduled_s"] == row["downtime_s"] == 0  # no data, never a number
    assert row["period_scheduled_s"] == 22 * 8 * 3600  # 22 weekdays of 8 hours in March 2026
    assert str(row["why"]).startswith(
        "api: its only outage feed is a status-page day table, which gives the minutes of "
        "downtime per day but not when in the day they were, so it cannot measure service hours"
    )
    att = measures.attainment(con, cat, "acme", "2026-03", as_of=MARCH_END).set_index("id")
    assert att.loc["office", "status"] == "No data"
    assert pd.isna(att.loc["office", "achieved"])
    assert att.loc["office", "note"] == row["why"]
    assert att.loc["av", "status"] in ("Met", "Missed", "At risk")


def test_days_of_another_zone_are_not_split(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    # The table's days are UTC days; the agreement's March in Europe/Berlin runs from
    # 28 February 23:00 UTC to 31 March 22:00 UTC, so its first and last days are split.
    cat = _catalogue(zone="Europe/Berlin")
    _march(con, tmp_path, cat)
    row = _row(con, cat, zone="Europe/Berlin")
    assert row["scheduled_s"] == 0
    assert str(row["why"]) == (
        "api: the days of its status-page day table do not start at the period's midnights in "
        "Europe/Berlin; load the table again with --timezone Europe/Berlin"
    )


def test_the_fixture_loads_and_its_impossible_day_is_quarantined(
    con: duckdb.DuckDBPyConnection,
) -> None:
    r = load_file(con, "outages", FIX / "statuspage_days.csv", customer="acme", service="api",
                  timezone="America/New_York")  # fmt: skip
    assert (r.format, r.rows_loaded, r.rows_quarantined) == ("statuspage-days", 4, 1)
    # a day is its local midnights: 2 March in New York is 05:00 UTC to 05:00 UTC
    assert con.execute(
        "select day::varchar, start_at, end_at, partial_minutes, major_minutes "
        "from downtime_days where day = '2026-03-02'"
    ).fetchall() == [
        (
            "2026-03-02",
            datetime(2026, 3, 2, 5, tzinfo=UTC),
            datetime(2026, 3, 3, 5, tzinfo=UTC),
            120.0,
            0.0,
        )
    ]
    assert con.execute("select column_name, value, reason from quarantine").fetchall() == [
        (
            "major_minutes",
            "500",
            "partial and major minutes add up to 1500.0, more than the day's 1440",
        )
    ]
