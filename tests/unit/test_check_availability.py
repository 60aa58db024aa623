"""Availability from checks by events and by time slices, hand-worked: every count below is
worked out in a comment.

One morning of checks of the Web Shop on Monday 2 March 2026 (UTC agreement). Service hours
are Mon–Fri 09:05–12:00 UTC, so the first 10-minute slice [09:00, 09:10) crosses their start;
planned maintenance 10:30–10:45 takes all of the 10:30 slice and half of the 10:40 one.
Results (time, ok, latency ms; `u` succeeded, `f` failed):

  slice 09:00  08:59 f, 09:02 f, 09:03 f (before 09:05: outside service hours), 09:06 u 100,
               09:08 u 100                       → 2 results: 2 ok          ratio 1
  slice 09:10  09:10 … 09:19 once a minute, 09:15 f, all 100 ms
                                                  → 10 results: 9 ok        ratio 0.9 (at it)
  slice 09:20  09:20:00 … 09:29:30 every 30 s, all ok, 19 × 100 ms and 09:29:30 900 ms
                                                  → 20 results: 20 ok, 19 within 800 ms
  slice 09:30  09:30 … 09:39, all ok, 8 × 100 ms, 09:38 and 09:39 1000 ms
                                                  → 10 results: 10 ok, 8 within 800 ms
  slice 09:40  09:40 … 09:49, 09:48 and 09:49 f, all 100 ms
                                                  → 10 results: 8 ok
  slice 09:50  09:55 f                            → 1 result: 0 ok
  slices 10:00, 10:10, 10:20: no results          → no data
  slice 10:30  10:33 f inside maintenance         → not a slice at all
  slice 10:40  10:41 f inside maintenance (not counted), 10:47 u 100
                                                  → 1 result: 1 ok
  slices 10:50 … 11:40: no results                → no data (6)
  slice 11:50  11:58 u 100                        → 1 result: 1 ok
  also: 09:25 f from a status-change stream (not a check run: not counted), 12:30 f (after
  service hours), 12:30 after the as-of instant when as of 12:00.

On Monday 2 February one more result: 09:30 u 100 (slice 09:30, good under every rule).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pandas as pd
import pytest

from slm_analysis import warehouse
from slm_analysis.catalogue import Catalogue, GoodSlice, parse_catalogue
from slm_analysis.check_availability import (
    availability_events,
    availability_timeslices,
    daily_counts,
    local_days,
)
from slm_analysis.measures import attainment
from slm_analysis.periods import Period
from slm_analysis.review import _check_days
from slm_analysis.workflows import run_check

DAY = datetime(2026, 3, 2, tzinfo=UTC)
NOON = DAY + timedelta(hours=12)
AFTER_MARCH = datetime(2026, 4, 1, 6, tzinfo=UTC)

CATALOGUE = """
calendars: {{morning: {{timezone: UTC, hours: {{mon-fri: "09:05-12:00"}}}}}}
customers: [{{id: acme, name: Acme, timezone: UTC}}]
services: [{{id: web, name: Web Shop}}, {{id: mail, name: Email}}]
agreements:
  - id: sla
    customer: acme
    services: [web]
    monitoring: {{no_data: {no_data}}}
    targets:
      - {{id: slices, metric: availability, method: timeslices, calendar: morning,
          objective: 99.5, slice: 10m, good_when: {{success_ratio: 0.9}}}}
      - {{id: p95, metric: availability, method: timeslices, calendar: morning,
          objective: 50, slice: 10m, good_when: {{latency_p95_ms: 800}}}}
      - {{id: events, metric: availability, method: events, calendar: morning, objective: 90}}
      - {{id: fast, metric: availability, method: events, calendar: morning, objective: 90,
          latency_ms: 800}}
maintenance:
  - {{id: patch, services: [web], start: 2026-03-02T10:30:00, end: 2026-03-02T10:45:00}}
"""


def _catalogue_text(no_data: str = "exclude") -> str:
    return CATALOGUE.format(no_data=no_data)


def _catalogue(no_data: str = "exclude") -> Catalogue:
    return parse_catalogue(_catalogue_text(no_data))


def _at(hh: int, mm: int, ss: int = 0, day: datetime = DAY) -> datetime:
    return day + timedelta(hours=hh, minutes=mm, seconds=ss)


def _fill(con: duckdb.DuckDBPyConnection) -> None:
    rows: list[tuple[datetime, bool, float, str]] = [
        (_at(8, 59), False, 100, "polled"),
        (_at(9, 2), False, 100, "polled"),
        (_at(9, 3), False, 100, "polled"),
        (_at(9, 6), True, 100, "polled"),
        (_at(9, 8), True, 100, "polled"),
    ]
    rows += [(_at(9, 10 + i), i != 5, 100, "polled") for i in range(10)]
    rows += [(_at(9, 20, 30 * i), True, 900 if i == 19 else 100, "polled") for i in range(20)]
    rows += [(_at(9, 30 + i), True, 1000 if i >= 8 else 100, "polled") for i in range(10)]
    rows += [(_at(9, 40 + i), i < 8, 100, "polled") for i in range(10)]
    rows += [
        (_at(9, 55), False, 100, "polled"),
        (_at(10, 33), False, 100, "polled"),
        (_at(10, 41), False, 100, "polled"),
        (_at(10, 47), True, 100, "polled"),
        (_at(11, 58), True, 100, "polled"),
        (_at(9, 25), False, 100, "status-change"),
        (_at(12, 30), False, 100, "polled"),
        (_at(9, 30, day=datetime(2026, 2, 2, tzinfo=UTC)), True, 100, "polled"),
    ]
    con.executemany(
        "insert into checks (source, check_name, customer, service, checked_at, ok, latency_ms, "
        "load_id, stream) values ('mon', ?, 'acme', 'web', ?, ?, ?, 1, ?)",
        [
            ("web-https" if stream == "polled" else "web-kuma", t, ok, ms, stream)
            for t, ok, ms, stream in rows
        ],
    )


MARCH = Period.parse("2026-03")


def _slices(
    con: duckdb.DuckDBPyConnection, good_when: dict[str, float], no_data: str = "exclude"
) -> pd.Series:
    got = availability_timeslices(
        con, _catalogue(), "acme", [MARCH], services=["web"], calendar="morning", zone="UTC",
        as_of=NOON, good_when=GoodSlice(**good_when), slice_minutes=10,
        no_data=no_data,  # type: ignore[arg-type]
    )  # fmt: skip
    assert len(got) == 1
    return got.iloc[0]


def test_time_slices_by_success_ratio(con: duckdb.DuckDBPyConnection) -> None:
    _fill(con)
    row = _slices(con, {"success_ratio": 0.9})
    # Measured slices: 09:00 09:10 09:20 09:30 09:40 09:50 10:40 11:50 = 8.
    # Good (ratio ≥ 0.9): 09:00 (2/2; 2/4 = 0.5 were the results before 09:05 counted),
    # 09:10 (9/10 = 0.9, just at the threshold), 09:20, 09:30, 10:40, 11:50 = 6;
    # bad: 09:40 (0.8), 09:50 (0).
    # Counted time [09:05, 10:30) + [10:45, 12:00) touches slices 09:00 … 10:20 (9) and
    # 10:40 … 11:50 (8) = 17, so 17 − 8 = 9 have no data (10:00 10:10 10:20 10:50 … 11:40).
    assert (row["measured"], row["good"], row["no_data"], row["valid"]) == (8, 6, 9, 8)
    assert row["sli"] == 75.0
    # RatioTimeslices: (1 + 0.9 + 1 + 1 + 0.8 + 0 + 1 + 1) / 8 = 6.7 / 8 = 83.75 %
    assert row["mean_slice_ratio"] == pytest.approx(83.75, abs=1e-12)
    # March's slices: 22 weekdays × 18 (09:00 … 11:50) less the 10:30 slice on 2 March = 395
    assert row["period_slices"] == 395
    assert row["coverage"] == 8 / 395


def test_time_slices_by_latency_percentile(con: duckdb.DuckDBPyConnection) -> None:
    _fill(con)
    row = _slices(con, {"latency_p95_ms": 800})
    # p95 ≤ 800 ms ⇔ at least 95 % of the slice's results succeeded within 800 ms
    # (100 · fast ≥ 95 · n; a failed result is never fast):
    # 09:00 2/2 good; 09:10 9/10 (a failure) bad; 09:20 19/20 = 95 % good, at the threshold
    # (the 19th of 20 latencies, nearest rank, is 100 ms); 09:30 8/10 bad; 09:40 8/10 bad;
    # 09:50 0/1 bad; 10:40 1/1 and 11:50 1/1 good → 4 of 8 = 50 %
    assert (row["measured"], row["good"], row["sli"]) == (8, 4, 50.0)
    both = _slices(con, {"success_ratio": 0.9, "latency_p95_ms": 800})
    assert (both["good"], both["valid"]) == (4, 8)  # every p95-good slice is also ratio-good


@pytest.mark.parametrize(
    ("no_data", "valid", "good"),
    [
        ("exclude", 8, 6),  # no-data slices left out
        ("up", 17, 15),  # 9 no-data slices counted good: 15 / 17
        ("down", 17, 6),  # counted bad: 6 / 17
    ],
)
def test_no_data_slices_under_each_policy(
    con: duckdb.DuckDBPyConnection, no_data: str, valid: int, good: int
) -> None:
    _fill(con)
    row = _slices(con, {"success_ratio": 0.9}, no_data)
    assert (row["valid"], row["good"], row["no_data"]) == (valid, good, 9)
    assert row["sli"] == 100 * good / valid


def test_events_with_and_without_a_latency_threshold(con: duckdb.DuckDBPyConnection) -> None:
    _fill(con)
    # Valid results in counted time: 2 + 10 + 20 + 10 + 10 + 1 + 1 (10:47) + 1 (11:58) = 55;
    # not counted: 08:59 09:02 09:03 (outside hours), 10:33 10:41 (maintenance), the
    # status-change row and 12:30 (after the as-of instant).
    # Failed: 09:15, 09:48, 09:49, 09:55 = 4; good = 51 → 51 / 55 = 92.727… %
    # Within 800 ms as well: 51 less 09:29:30 (900 ms), 09:38 and 09:39 (1000 ms) = 48
    #   → 48 / 55 = 87.272… %; those 3 are "slow".
    kwargs = {"services": ["web"], "calendar": "morning", "zone": "UTC", "as_of": NOON}
    plain = availability_events(con, _catalogue(), "acme", [MARCH], **kwargs).iloc[0]  # type: ignore[arg-type]
    assert (plain["valid"], plain["good"], plain["failed"], plain["slow"]) == (55, 51, 4, 0)
    assert plain["sli"] == 100 * 51 / 55
    fast = availability_events(
        con,
        _catalogue(),
        "acme",
        [MARCH],
        latency_ms=800,
        **kwargs,  # type: ignore[arg-type]
    ).iloc[0]
    assert (fast["valid"], fast["good"], fast["failed"], fast["slow"]) == (55, 48, 4, 3)
    # without the maintenance window 10:33 and 10:41 (both failed) would count: 57 valid
    assert 55 + 2 == 57


def test_a_month_without_checks_is_no_data(con: duckdb.DuckDBPyConnection) -> None:
    _fill(con)
    jan = Period.parse("2026-01")
    ev = availability_events(
        con, _catalogue(), "acme", [jan], services=["web", "mail"], calendar="morning",
        zone="UTC", as_of=NOON,
    )  # fmt: skip
    assert ev["valid"].tolist() == [0, 0] and ev["sli"].isna().all()
    sl = availability_timeslices(
        con, _catalogue(), "acme", [jan], services=["web"], calendar="morning", zone="UTC",
        as_of=NOON, good_when=GoodSlice(success_ratio=0.9), slice_minutes=10,
    )  # fmt: skip
    # January precedes the feed's first result (2 February): no slice of it is even no-data
    assert (sl.iloc[0]["measured"], sl.iloc[0]["no_data"], sl.iloc[0]["valid"]) == (0, 0, 0)
    assert pd.isna(sl.iloc[0]["sli"])


def test_attainment_sums_months_and_judges(con: duckdb.DuckDBPyConnection) -> None:
    _fill(con)
    cat = _catalogue()
    # March as of 2 March 12:00: running → In progress, with the numbers so far
    running = attainment(con, cat, "acme", "2026-03", as_of=NOON).set_index("id")
    assert running.loc["slices", "status"] == "In progress"
    assert (running.loc["slices", "n"], running.loc["slices", "n_met"]) == (8, 6)
    assert running.loc["slices", "achieved"] == 75.0
    # as of 1 April: the result at 12:30 is outside service hours, nothing changes; judged
    done = attainment(con, cat, "acme", "2026-03", as_of=AFTER_MARCH).set_index("id")
    assert done.loc["slices", ["n", "n_met", "achieved", "status"]].tolist() == [
        8, 6, 75.0, "Missed"
    ]  # fmt: skip
    assert done.loc["p95", ["n", "achieved", "status"]].tolist() == [8, 50.0, "Met"]
    assert done.loc["events", ["n", "n_met", "status"]].tolist() == [55, 51, "Met"]
    assert done.loc["fast", ["n", "n_met", "status"]].tolist() == [55, 48, "Missed"]
    assert done.loc["slices", "sentence"] == (
        "99.5 % of 10-minute slices good (≥ 90 % of checks succeed) during service hours "
        "(Mon–Fri 09:05–12:00 UTC), planned maintenance excluded; slices without check "
        "results not counted"
    )
    assert done.loc["fast", "name"] == "Web Shop availability (checks)"
    assert done.loc["slices", "name"] == "Web Shop availability (10-min slices)"
    # no check in January: No data, never Met
    jan = attainment(con, cat, "acme", "2026-01", as_of=AFTER_MARCH).set_index("id")
    assert set(jan["status"]) == {"No data"} and jan["achieved"].isna().all()
    # the first quarter adds February's one good result to March: slices 7 of 9, events
    # 52 of 56
    q1 = attainment(con, cat, "acme", "2026-Q1", as_of=AFTER_MARCH).set_index("id")
    assert q1.loc["slices", ["n", "n_met"]].tolist() == [9, 7]
    assert q1.loc["events", ["n", "n_met"]].tolist() == [56, 52]
    assert q1.loc["events", "achieved"] == 100 * 52 / 56


def test_nothing_is_left_on_the_connection(con: duckdb.DuckDBPyConnection) -> None:
    _fill(con)
    _slices(con, {"success_ratio": 0.9})
    assert con.execute("select count(*) from duckdb_tables() where temporary").fetchone() == (0,)


def test_check_warns_about_a_target_by_checks_without_check_results(tmp_path: Path) -> None:
    """A target by events or time slices needs check results, not outage records."""
    catalogue = tmp_path / "catalogue.yaml"
    catalogue.write_text(_catalogue_text())
    db = tmp_path / "w.duckdb"
    with warehouse.session(db):
        pass
    mail = (  # the catalogue's second service, which no target measures
        "warning",
        "service 'mail' has no target: no pack measures it; add it to an agreement's services "
        "(and give the agreement a target for it), or remove it from the catalogue",
    )
    assert run_check(db, catalogue) == [
        mail,
        (
            "warning",
            "service 'web' of 'acme' has no check results: its availability measured by events "
            "or time slices shows as no data (load its checks with `slm load checks FILE` and "
            "map them to it)",
        ),
    ]
    with warehouse.session(db) as con:
        _fill(con)
    (tmp_path / "reviews" / "acme").mkdir(parents=True)  # a review file: no commentary warning
    (tmp_path / "reviews" / "acme" / "2026-10.md").write_text("## Summary\nFine.\n")
    assert run_check(db, catalogue) == [mail]


def test_burn_rates_of_a_target_by_events(con: duckdb.DuckDBPyConnection) -> None:
    """Windows ending at 10:00, the target's own measure over each (objective 90 %: 10 % of
    the results may fail). 1 h [09:00, 10:00): the 53 counted results of 09:06–09:55, 4 failed
    (09:15, 09:48, 09:49, 09:55): (4/53) / 0.1 = 0.7547. 30 min: 10 + 10 + 1 = 21, 3 failed:
    1.4286. 5 min: 09:55 alone, failed: 10. 2 h, 1 d and 3 d reach back over no service hours
    with results (before 09:05, a Sunday, a Friday without results): as 1 h. Before: an events
    target had no burn rate (and a time-based one would have been computed from outages)."""
    from slm_analysis import budgets

    _fill(con)
    targets = pd.DataFrame([{"agreement": "sla", "id": "events"}])
    got = budgets.burn_rates(con, _catalogue(), "acme", targets, at=_at(10, 0), as_of=NOON)
    rates = dict(zip(got["window"], got["burn_rate"], strict=True))
    assert rates["1h"] == pytest.approx(40 / 53)
    assert rates["30m"] == pytest.approx(30 / 21)
    assert rates["5m"] == pytest.approx(10.0)
    assert rates["2h"] == rates["1d"] == rates["3d"] == rates["1h"]


def test_daily_counts_are_the_whole_days_a_forecast_resamples(
    con: duckdb.DuckDBPyConnection,
) -> None:
    """Sunday 1 March to Tuesday 3 March, as of Tuesday 06:00: Sunday has no service hours
    (0, 0), Monday is the morning worked out above by events (51 good of 55 valid, the 12:30
    result included now that the as-of instant is later: it is after service hours, so not
    counted), and Tuesday has not ended: left out."""
    _fill(con)
    cat = _catalogue()
    agreement = cat.agreements[0]
    target = next(t for t in agreement.targets if t.id == "events")
    days = daily_counts(
        con, cat, "acme", agreement, target,  # type: ignore[arg-type]
        datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 3, 4, tzinfo=UTC),
        DAY + timedelta(days=1, hours=6),
    )  # fmt: skip
    assert days == [(0, 0), (51, 55)]


def test_check_days_of_a_review_in_progress(con: duckdb.DuckDBPyConnection) -> None:
    """March in progress as of Tuesday 3 March 06:00: each check-based target gets the whole
    days of the six months before (1 September – 28 February, 181 days: only 2 February has a
    result) and March's whole days so far, with 28.75 days left."""
    _fill(con)
    days = _check_days(con, _catalogue(), "acme", MARCH, True, DAY + timedelta(days=1, hours=6))
    assert set(days) == {("sla", "slices"), ("sla", "p95"), ("sla", "events"), ("sla", "fast")}
    events = days[("sla", "events")]
    assert len(events.history) == 181 and sum(v for _, v in events.history) == 1
    assert events.history[30 + 31 + 30 + 31 + 31 + 1] == (1, 1)  # September … January, 2 Feb
    assert events.current == [(0, 0), (51, 55)] and events.days_left == 28.75
    assert events.periods == 6


def test_check_days_after_a_whole_period_are_of_the_next_one(
    con: duckdb.DuckDBPyConnection,
) -> None:
    """February reviewed on 3 March: March is forecast from its start (all 31 days left,
    nothing so far, as every next-period forecast), from the six months to February."""
    _fill(con)
    feb = Period.parse("2026-02")
    days = _check_days(con, _catalogue(), "acme", feb, False, DAY + timedelta(days=1, hours=6))
    events = days[("sla", "events")]
    assert (len(events.history), events.current, events.days_left) == (181, [], 31.0)


def test_local_days_count_whole_days_and_the_rest_of_today() -> None:
    end = datetime(2026, 4, 1, tzinfo=ZoneInfo("Europe/Berlin"))
    # 29 March 2026 has 23 hours in Berlin: still one day
    assert local_days(datetime(2026, 3, 28, 23, tzinfo=UTC), end, "Europe/Berlin") == 3.0
    assert local_days(datetime(2026, 3, 31, 10, tzinfo=UTC), end, "Europe/Berlin") == 0.5
    assert local_days(end, end, "Europe/Berlin") == 0.0
