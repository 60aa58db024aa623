"""Outages inferred from checks, hand-worked: every minute below is worked out in a comment.

Conventions of these tests: a polled check runs once a minute unless said otherwise (so its
interval I, the lower median spacing, is 1 minute), `u` is a succeeding result and `f` a
failing one, and the defaults are N = down_after = 2, M = up_after = 2, k = gap_factor = 2.5,
combine = any.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from slm_analysis import measures
from slm_analysis.catalogue import Catalogue, parse_catalogue
from slm_analysis.errors import InputError
from slm_analysis.importers import load_file
from slm_analysis.monitoring import check_outages
from slm_analysis.periods import Period

T0 = datetime(2026, 3, 10, 10, tzinfo=UTC)
MIN = timedelta(minutes=1)


def _catalogue(monitoring: str = "{}", no_data: str = "exclude", zone: str = "UTC") -> Catalogue:
    return parse_catalogue(
        f"""
customers: [{{id: acme, name: Acme, timezone: {zone}}}]
services:
  - {{id: web, name: Web Shop, monitoring: {monitoring}}}
  - {{id: mail, name: Email}}
agreements:
  - {{id: sla, customer: acme, services: [web, mail], monitoring: {{no_data: {no_data}}},
      targets: []}}
"""
    )


def _polled(
    con: duckdb.DuckDBPyConnection,
    pattern: str,
    *,
    check: str = "web-https",
    start: datetime = T0,
    every: timedelta = MIN,
    stream: str = "polled",
) -> None:
    """One result per character of ``pattern`` (u/f; `.` = no result), ``every`` apart."""
    rows = [
        ("monitoring", check, "acme", "web", start + i * every, c == "u", None, 1, stream)
        for i, c in enumerate(pattern)
        if c != "."
    ]
    con.executemany("insert into checks values (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)


def _at(minute: float) -> pd.Timestamp:
    return pd.Timestamp(T0 + minute * MIN)


def _down(result_down: pd.DataFrame) -> list[tuple[float, float, float]]:
    """(start minute, end minute, minutes) of each down stretch, minutes after T0."""
    return [
        ((r.start_at - _at(0)) / MIN, (r.end_at - _at(0)) / MIN, r.minutes)
        for r in result_down.itertuples()
    ]


# minute:  0         1         2
#          012345678901234567890123456789
FLAPPING = "uuuuufuuffuffffuufufuuuuuuuuuu"


@pytest.mark.parametrize(
    ("down_after", "up_after", "expected"),
    [
        # FLAPPING: 0-4 u, 5 f, 6-7 u, 8-9 f, 10 u, 11-14 f, 15-16 u, 17 f, 18 u, 19 f, 20-29 u
        # N=1, M=1: every failure is down on its own, until the next success:
        # [5,6) 1 + [8,10) 2 + [11,15) 4 + [17,18) 1 + [19,20) 1 = 9 minutes
        (1, 1, [(5, 6, 1), (8, 10, 2), (11, 15, 4), (17, 18, 1), (19, 20, 1)]),
        # N=2, M=2: the first failing pair is 8-9 → down from 8; 10 alone (u) does not bring it
        # up; 11-14 fail; 15-16 are two successes → up at 15. 17 and 19 fail alone: blips.
        # [8, 15) = 7 minutes
        (2, 2, [(8, 15, 7)]),
        # N=3, M=1: only 11-14 is three failures in a row → down [11, 15) = 4 minutes
        (3, 1, [(11, 15, 4)]),
        # N=1, M=3: down at the first failure (5); no three successes in a row until 20-29
        # (6-7, 10, 15-16, 18 are shorter) → down [5, 20) = 15 minutes
        (1, 3, [(5, 20, 15)]),
        # N=2, M=3: down from 8 (8-9), up at 20 → [8, 20) = 12 minutes
        (2, 3, [(8, 20, 12)]),
    ],
)
def test_flapping_check_under_n_and_m(
    con: duckdb.DuckDBPyConnection,
    down_after: int,
    up_after: int,
    expected: list[tuple[float, float, float]],
) -> None:
    assert FLAPPING[5] == "f" and FLAPPING[8:10] == "ff" and FLAPPING[11:15] == "ffff"
    assert FLAPPING[15:17] == "uu" and FLAPPING[17] + FLAPPING[19] == "ff"
    cat = _catalogue(f"{{down_after: {down_after}, up_after: {up_after}}}")
    _polled(con, FLAPPING)
    # results 10:00 … 10:29, window and as-of 10:30: the last result covers [10:29, 10:30)
    got = check_outages(con, cat, "acme", T0, _at(30), as_of=_at(30), services=["web"])
    assert _down(got.down) == expected
    assert got.no_data.empty
    m = got.minutes().set_index("service").loc["web"]
    assert (m["window_minutes"], m["down_minutes"]) == (30, sum(x[2] for x in expected))
    first = got.down.iloc[0]
    # evidence: down begins at the first of the N failures, ends at the first of M successes
    assert first["first_failure_at"] == _at(expected[0][0])
    assert first["first_success_at"] == _at(expected[0][1])
    assert first["checks"] == ["web-https"]


def test_a_monitoring_gap_under_each_no_data_policy(con: duckdb.DuckDBPyConnection) -> None:
    # 10:00-10:04 u, 10:05-10:09 f, no result 10:10-10:39, 10:40-10:59 u; as of 11:00.
    # Spacings: 28 of 1 minute and one of 31 → I = 1 min; 31 > 2.5 × 1: a gap. The result of
    # 10:09 speaks for [10:09, 10:10); no data [10:10, 10:40) = 30 minutes.
    # Down from 10:05 (first of two failures) to 10:10 where data stops = 5 minutes; after the
    # gap the check is still down (state carries) until two successes: 10:40 → up at 10:40.
    _polled(con, "uuuuu" + "fffff" + "." * 30 + "u" * 20)
    cat = _catalogue()
    got = check_outages(con, cat, "acme", T0, _at(60), as_of=_at(60), services=["web"])
    assert _down(got.down) == [(5, 10, 5)]
    down = got.down.iloc[0]
    assert down["first_failure_at"] == _at(5)
    assert pd.isna(down["first_success_at"])  # it ended because the data stopped
    assert [(r.start_at, r.end_at, r.minutes) for r in got.no_data.itertuples()] == [
        (_at(10), _at(40), 30.0)
    ]
    # exclude: 60 − 30 = 30 measured minutes, 5 down (availability 25 / 30)
    # up:      60 measured, 5 down (55 / 60)
    # down:    60 measured, 5 + 30 = 35 down (25 / 60)
    for policy, measured, counted in (("exclude", 30, 5), ("up", 60, 5), ("down", 60, 35)):
        m = got.minutes(policy).set_index("service").loc["web"]  # type: ignore[arg-type]
        assert (m["measured_minutes"], m["counted_down_minutes"]) == (measured, counted)
        assert (m["no_data_minutes"], m["up_minutes"]) == (30, 25)
    with pytest.raises(InputError, match="no-data policy 'maybe'"):
        got.minutes("maybe")  # type: ignore[arg-type]


def test_the_interval_is_the_median_spacing_unless_configured(
    con: duckdb.DuckDBPyConnection,
) -> None:
    # results at 10:00, 10:01, 10:02, 10:03 and 10:10 (all up), as of 10:12.
    # Spacings 1, 1, 1, 7 → lower median I = 1; 7 > 2.5: no data [10:04, 10:10) = 6 minutes;
    # the last result: 10:12 − 10:10 = 2 ≤ 2.5 → it covers [10:10, 10:12).
    _polled(con, "uuuu......u")
    got = check_outages(con, _catalogue(), "acme", T0, _at(12), as_of=_at(12), services=["web"])
    assert [(r.start_at, r.end_at) for r in got.no_data.itertuples()] == [(_at(4), _at(10))]
    # interval: 5m → 7 ≤ 2.5 × 5: no gap at all
    cat = _catalogue("{interval: 5m}")
    got = check_outages(con, cat, "acme", T0, _at(12), as_of=_at(12), services=["web"])
    assert got.no_data.empty and got.down.empty


@pytest.mark.parametrize(
    ("combine", "expected", "checks"),
    [
        # any: down while at least one is down: [10:00, 10:45) = 45 minutes
        ("any", [(0, 45, 45)], ["a", "b", "c"]),
        # all: only 10:15-10:20 has a, b and c down = 5 minutes
        ("all", [(15, 20, 5)], ["a", "b", "c"]),
        # majority (2 of 3): 10:10-10:15 a+b, 10:15-10:20 a+b+c, 10:20-10:30 b+c; from 10:30
        # only c → [10:10, 10:30) = 20 minutes
        ("majority", [(10, 30, 20)], ["a", "b", "c"]),
    ],
)
def test_three_checks_of_one_service_under_each_combining_rule(
    con: duckdb.DuckDBPyConnection,
    combine: str,
    expected: list[tuple[float, float, float]],
    checks: list[str],
) -> None:
    # a down 10:00-10:20, b down 10:10-10:30, c down 10:15-10:45 (each: failures from the
    # first minute, two successes after), window 10:00-11:00, results to 10:59, as of 11:00
    _polled(con, "f" * 20 + "u" * 40, check="a")
    _polled(con, "u" * 10 + "f" * 20 + "u" * 30, check="b")
    _polled(con, "u" * 15 + "f" * 30 + "u" * 15, check="c")
    cat = _catalogue(f"{{combine: {combine}}}")
    got = check_outages(con, cat, "acme", T0, _at(60), as_of=_at(60), services=["web"])
    assert _down(got.down) == expected
    row = got.down.iloc[0]
    assert row["checks"] == checks  # every check down during the stretch
    assert row["first_failure_at"] == _at(0)  # a's first failure, the earliest behind it
    assert row["first_success_at"] == _at(expected[0][1])


def test_only_checks_with_data_are_counted(con: duckdb.DuckDBPyConnection) -> None:
    # combine all; a fails 10:00-10:19 then succeeds; b has results only 10:30-10:59.
    # 10:00-10:20: a is the only check with data and it is down → down 20 minutes;
    # 10:20-10:30: a up, b none → up; from 10:30 both up. No time without any data.
    _polled(con, "f" * 20 + "u" * 40, check="a")
    _polled(con, "u" * 30, check="b", start=_at(30))
    got = check_outages(
        con, _catalogue("{combine: all}"), "acme", T0, _at(60), as_of=_at(60), services=["web"]
    )
    assert _down(got.down) == [(0, 20, 20)]
    assert got.no_data.empty


def test_a_status_change_stream_is_down_through_a_month_without_rows(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    # Uptime Kuma important heartbeats: up on 1 March 00:00, down on 5 March 09:00, up again on
    # 2 May 10:00 (UTC); no row at all in April.
    export = tmp_path / "heartbeats.csv"
    export.write_text(
        "monitor_name,time,status,msg,ping,important\n"
        "shop-https,2026-03-01 00:00:00,1,OK,120,1\n"
        "shop-https,2026-03-05 09:00:00,0,timeout,,1\n"
        "shop-https,2026-05-02 10:00:00,1,OK,140,1\n"
    )
    loaded = load_file(con, "checks", export, customer="acme", service="web", timezone="UTC")
    assert loaded.format == "uptime-kuma-heartbeats"
    # N and M do not apply to a status-change stream: one row is the monitor's confirmed state
    cat = _catalogue("{down_after: 5, up_after: 5}")
    as_of = datetime(2026, 5, 31, tzinfo=UTC)
    expected = {
        # March: 5 March 09:00 → 1 April 00:00 = 26 days 15 hours = 38,340 minutes
        "2026-03": (38_340, datetime(2026, 3, 5, 9, tzinfo=UTC)),
        # April: the whole month, 30 days = 43,200 minutes, though it has no row
        "2026-04": (43_200, datetime(2026, 4, 1, tzinfo=UTC)),
        # May (to the as-of instant): 1 May 00:00 → 2 May 10:00 = 34 hours = 2,040 minutes
        "2026-05": (2_040, datetime(2026, 5, 1, tzinfo=UTC)),
    }
    for month, (minutes, start_at) in expected.items():
        start, end = Period.parse(month).bounds("UTC")
        got = check_outages(con, cat, "acme", start, end, as_of=as_of)
        assert list(got.settings) == ["web"]  # the monitored service; mail has no checks
        assert got.no_data.empty, month
        [row] = got.down.itertuples()
        assert (row.minutes, row.start_at) == (minutes, pd.Timestamp(start_at)), month
        # the evidence is the whole outage's, whichever month is asked about
        assert row.first_failure_at == pd.Timestamp(datetime(2026, 3, 5, 9, tzinfo=UTC))
        assert row.first_success_at == pd.Timestamp(datetime(2026, 5, 2, 10, tzinfo=UTC))
        assert row.checks == ["shop-https"]
    # before the stream's first row nothing is known: February is no data, 28 days
    start, end = Period.parse("2026-02").bounds("UTC")
    got = check_outages(con, cat, "acme", start, end, as_of=as_of)
    assert got.down.empty and got.no_data["minutes"].tolist() == [40_320.0]


def test_an_outage_across_a_month_boundary_in_berlin(con: duckdb.DuckDBPyConnection) -> None:
    # A check every 5 minutes; Europe/Berlin is UTC+2 (summer time since 29 March). It fails
    # from 23:40 local on 31 March (21:40 UTC) and succeeds again from 00:25 local on 1 April
    # (22:25 UTC). March ends at 1 April 00:00 local = 31 March 22:00 UTC.
    #   March: 21:40 → 22:00 UTC = 20 minutes; April: 22:00 → 22:25 UTC = 25 minutes.
    start = datetime(2026, 3, 31, 21, 0, tzinfo=UTC)
    # 21:00 … 21:35 u (8), 21:40 … 22:20 f (9), 22:25 … 22:55 u (7)
    _polled(con, "u" * 8 + "f" * 9 + "u" * 7, start=start, every=5 * MIN)
    cat = _catalogue(zone="Europe/Berlin")
    as_of = datetime(2026, 4, 1, 23, tzinfo=UTC)
    first_failure = pd.Timestamp(datetime(2026, 3, 31, 21, 40, tzinfo=UTC))
    first_success = pd.Timestamp(datetime(2026, 3, 31, 22, 25, tzinfo=UTC))
    for month, minutes in (("2026-03", 20.0), ("2026-04", 25.0)):
        p_start, p_end = Period.parse(month).bounds("Europe/Berlin")
        got = check_outages(con, cat, "acme", p_start, p_end, as_of=as_of, services=["web"])
        [row] = got.down.itertuples()
        assert row.minutes == minutes, month
        assert (row.first_failure_at, row.first_success_at) == (first_failure, first_success)
    march_end = Period.parse("2026-03").bounds("Europe/Berlin")[1]
    assert march_end == datetime(2026, 3, 31, 22, tzinfo=UTC)


def test_results_after_the_as_of_instant_are_not_known_yet(
    con: duckdb.DuckDBPyConnection,
) -> None:
    # failures 10:00-10:09, successes 10:10-10:19; as of 10:05 the outage is still running:
    # down [10:00, 10:05) = 5 minutes, no success yet; the window's end (10:20) is cut to 10:05
    _polled(con, "f" * 10 + "u" * 10)
    got = check_outages(con, _catalogue(), "acme", T0, _at(20), as_of=_at(5), services=["web"])
    assert _down(got.down) == [(0, 5, 5)]
    assert pd.isna(got.down.iloc[0]["first_success_at"])
    assert got.minutes()["window_minutes"].tolist() == [5.0]
    assert got.stop == _at(5)


def test_nothing_is_left_on_the_connection_and_bad_windows_are_refused(
    con: duckdb.DuckDBPyConnection,
) -> None:
    _polled(con, "uuff")
    before = con.execute("select count(*) from duckdb_tables() where temporary").fetchone()
    check_outages(con, _catalogue(), "acme", T0, _at(4), as_of=_at(4))
    after = con.execute("select count(*) from duckdb_tables() where temporary").fetchone()
    assert before == after == (0,)
    with pytest.raises(InputError, match="has no time zone"):
        check_outages(con, _catalogue(), "acme", T0.replace(tzinfo=None), _at(4), as_of=_at(4))
    with pytest.raises(InputError, match="is empty"):
        check_outages(con, _catalogue(), "acme", T0, T0, as_of=_at(4))


AVAILABILITY_CATALOGUE = """
calendars: {{always: {{hours: 24x7}}}}
customers: [{{id: acme, name: Acme}}]
services:
  - {{id: web, name: Web Shop, monitored_since: 2026-03-01, monitoring: {{}}}}
agreements:
  - id: sla
    customer: acme
    services: [web]
    monitoring: {{no_data: {no_data}}}
    targets:
      - {{id: av, metric: availability, calendar: always, objective: 99.9, partial_weight: 0.5}}
maintenance:
  - {{id: patch, services: [web], start: 2026-03-01T02:45:00, end: 2026-03-01T03:15:00}}
"""


@pytest.mark.parametrize(
    ("no_data", "scheduled_min", "down_min"),
    [
        # exclude: 720 − 30 maintenance − 50 no data = 640 measured; 62.5 down
        ("exclude", 640, 62.5),
        # up: the 50 no-data minutes are measured and up: 690; 62.5 down
        ("up", 690, 62.5),
        # down: measured and down: 690; 62.5 + 50 = 112.5 down
        ("down", 690, 112.5),
    ],
)
def test_availability_merges_inferred_and_recorded_outages_and_maintenance(
    con: duckdb.DuckDBPyConnection, no_data: str, scheduled_min: float, down_min: float
) -> None:
    # 1 March (UTC, 24x7), as of 12:00: the service is monitored from 00:00 (monitored_since),
    # so 720 minutes are covered. A check every minute 00:00-11:59, failing 02:00-02:59 and
    # silent 05:00-05:59 → inferred down [02:00, 03:00), no data [05:00, 06:00).
    # Recorded: a partial outage 02:30-03:30 and a full one 05:30-05:40. Maintenance
    # 02:45-03:15. Segment by segment (partial weight 0.5, the heaviest impact wins):
    #   02:00-02:30 inferred (full)            30 min down
    #   02:30-02:45 inferred + partial → full  15 min down
    #   02:45-03:15 maintenance                neither scheduled nor down (30 min)
    #   03:15-03:30 partial                    15 × 0.5 = 7.5 min down
    #   05:00-05:30 no data                    30 min no data
    #   05:30-05:40 recorded full (a record is data, not a gap)   10 min down
    #   05:40-06:00 no data                    20 min no data
    # down 30 + 15 + 7.5 + 10 = 62.5 minutes; no data 50 minutes. Outages: the two records;
    # the inferred one overlaps the partial record (the same event), so it is not counted again.
    cat = parse_catalogue(AVAILABILITY_CATALOGUE.format(no_data=no_data))
    start = datetime(2026, 3, 1, tzinfo=UTC)
    pattern = "u" * 120 + "f" * 60 + "u" * 120 + "." * 60 + "u" * 360
    assert len(pattern) == 720
    rows = [
        ("monitoring", "web-https", "acme", "web", start + i * MIN, c == "u", None, 1, "polled")
        for i, c in enumerate(pattern)
        if c != "."
    ]
    con.executemany("insert into checks values (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    for oid, s, e, impact in (
        ("OUT1", "02:30", "03:30", "partial"),
        ("OUT2", "05:30", "05:40", "full"),
    ):
        con.execute(
            "insert into outages (source, outage_id, customer, service, start_at, end_at, impact, planned, title, cmdb_ci, load_id) values ('servicenow', $i, 'acme', 'web', $s, $e, $impact, false, "
            "null, null, 1)",
            {
                "i": oid,
                "s": f"2026-03-01 {s}:00+00",
                "e": f"2026-03-01 {e}:00+00",
                "impact": impact,
            },
        )
    as_of = datetime(2026, 3, 1, 12, tzinfo=UTC)
    av = measures.service_availability(
        con, cat, "acme", Period.parse("2026-03"), services=["web"], calendar="always",
        partial_weight=0.5, zone="UTC", as_of=as_of, no_data=no_data,  # type: ignore[arg-type]
    )  # fmt: skip
    row = av.iloc[0]
    assert row["maintenance_s"] == 30 * 60
    assert row["no_data_s"] == 50 * 60
    assert row["scheduled_s"] == scheduled_min * 60
    assert row["downtime_s"] == down_min * 60
    assert row["outages"] == 2
    att = measures.attainment(con, cat, "acme", "2026-03", as_of=as_of).set_index("id")
    assert att.loc["av", "achieved"] == pytest.approx(
        100 * (scheduled_min - down_min) / scheduled_min, rel=1e-12
    )
    # months measured together share one inference over all of them: the same numbers
    months = [Period.parse("2026-02"), Period.parse("2026-03")]
    history = measures.availability_history(con, cat, "acme", months, as_of)
    march = history[history["period"] == "2026-03"].iloc[0]
    assert (march["scheduled_s"], march["downtime_s"], march["no_data_s"]) == (
        scheduled_min * 60,
        down_min * 60,
        50 * 60,
    )
    other = check_outages(con, cat, "acme", start, as_of, as_of=as_of - MIN)
    with pytest.raises(InputError, match="pass check_outages of those, or none"):
        measures.service_availability(
            con, cat, "acme", Period.parse("2026-03"), services=["web"], calendar="always",
            partial_weight=0.5, zone="UTC", as_of=as_of, inferred=other,
        )  # fmt: skip
