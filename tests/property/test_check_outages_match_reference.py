"""The set-based check → outage inference agrees with the plain-Python reference exactly.

Hypothesis generates services with one to three checks each (polled and status-change streams,
two sources, a shared check name), every combining rule, N/M from 1 to 3, gap factors, median or
configured intervals, results that flap, gaps, jitter and sub-second instants, and windows that
start before, inside or after the data with as-of instants before or after the window's end.
Every reported stretch — state, clipped start and end, first failure and first success with
the checks they are of, checks — must be equal to the microsecond. The no-data policies are checked on the minutes.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import hypothesis.strategies as st
import pandas as pd
from hypothesis import HealthCheck, event, given, settings

from slm_analysis import warehouse
from slm_analysis.catalogue import parse_catalogue
from slm_analysis.monitoring import check_outages

from .reference_checks import Result, Settings, Stretch, infer

BASE = datetime(2026, 3, 28, 22, tzinfo=UTC)
SECOND = 1_000_000
BASE_US = int(BASE.timestamp()) * SECOND


def _at(us: int) -> datetime:
    return BASE + timedelta(microseconds=us - BASE_US)


@st.composite
def monitoring(draw: st.DrawFn) -> Settings:
    return Settings(
        down_after=draw(st.integers(1, 3)),
        up_after=draw(st.integers(1, 3)),
        gap_factor=draw(st.sampled_from([1.0, 1.5, 2.0, 2.5, 3.0])),
        interval=draw(st.sampled_from([None, None, 30 * SECOND, 60 * SECOND, 90 * SECOND])),
        combine=draw(st.sampled_from(["any", "all", "majority"])),
    )


@st.composite
def check_stream(draw: st.DrawFn, service: str, name: str, source: str) -> list[Result]:
    stream = draw(st.sampled_from(["polled", "polled", "status-change"]))
    t = BASE_US + draw(st.integers(-600, 600)) * SECOND
    out = []
    fail_rate = draw(st.sampled_from([0.0, 0.2, 0.5, 0.8]))
    for _ in range(draw(st.integers(0, 30))):
        ok = draw(st.floats(0, 1)) >= fail_rate
        out.append(Result(service, source, name, stream, t, ok))
        step = draw(
            st.one_of(
                st.just(60 * SECOND),
                st.just(60 * SECOND),
                st.integers(55 * SECOND, 65 * SECOND),  # jitter
                st.integers(1, 15 * 60 * SECOND),  # gaps, sub-second
                st.sampled_from([120 * SECOND, 150 * SECOND, 180 * SECOND]),  # at k × I
            )
        )
        t += step
    return out


@st.composite
def scenarios(
    draw: st.DrawFn,
) -> tuple[dict[str, Settings], list[Result], int, int, int]:
    services = {f"s{i}": draw(monitoring()) for i in range(draw(st.integers(1, 3)))}
    results: list[Result] = []
    for service in services:
        for k in range(draw(st.integers(0, 3))):
            name = draw(st.sampled_from([f"{service}-c{k}", "shared"]))
            source = draw(st.sampled_from(["mon", "kuma"]))
            taken = {(r.source, r.check_name) for r in results if r.service == service}
            if (source, name) in taken:
                continue
            results += draw(check_stream(service, name, source))
    # a check name is one check per source, whatever its service: keys are (source, name, t)
    seen: set[tuple[str, str, int]] = set()
    unique = []
    for r in results:
        if (r.source, r.check_name, r.t) not in seen:
            seen.add((r.source, r.check_name, r.t))
            unique.append(r)
    start = BASE_US + draw(st.integers(-1800, 3600)) * SECOND
    end = start + draw(st.integers(1, 4 * 3600)) * SECOND + draw(st.integers(0, SECOND - 1))
    as_of = BASE_US + draw(st.integers(-600, 5 * 3600)) * SECOND
    return services, unique, start, end, as_of


def _catalogue(services: dict[str, Settings]) -> str:
    lines = []
    for name, s in services.items():
        interval = "" if s.interval is None else f", interval: {s.interval // SECOND}s"
        lines.append(
            f"  - {{id: {name}, name: {name}, monitoring: {{down_after: {s.down_after}, "
            f"up_after: {s.up_after}, gap_factor: {s.gap_factor}, combine: {s.combine}"
            f"{interval}}}}}"
        )
    return (
        "customers: [{id: c, name: C}]\nservices:\n"
        + "\n".join(lines)
        + f"\nagreements: [{{id: a, customer: c, services: [{', '.join(services)}], "
        "targets: []}]\n"
    )


def _us(value: object) -> int | None:
    return None if pd.isna(value) else int(pd.Timestamp(value).value // 1000)  # type: ignore[arg-type]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario=scenarios())
def test_sql_inference_equals_reference(
    scenario: tuple[dict[str, Settings], list[Result], int, int, int],
) -> None:
    services, results, start, end, as_of = scenario
    cat = parse_catalogue(_catalogue(services))
    con = warehouse.connect(":memory:")
    try:
        if results:
            con.executemany(
                "insert into checks (source, check_name, customer, service, checked_at, ok, "
                "load_id, stream) values (?, ?, 'c', ?, ?, ?, 1, ?)",
                [(r.source, r.check_name, r.service, _at(r.t), r.ok, r.stream) for r in results],
            )
        got = check_outages(
            con, cat, "c", _at(start), _at(end), as_of=_at(as_of), services=list(services)
        )
        assert con.execute("select count(*) from duckdb_tables() where temporary").fetchone() == (
            0,
        )
    finally:
        con.close()
    stop = max(start, min(end, as_of))
    expected = infer(results, services, start, stop, as_of)
    actual = [
        Stretch(r.service, "down", _us(r.start_at), _us(r.end_at), _us(r.first_failure_at),
                _us(r.first_success_at), tuple(r.checks), r.first_failure_check,
                r.first_success_check)  # type: ignore[arg-type]
        for r in got.down.itertuples()
    ] + [
        Stretch(r.service, "no_data", _us(r.start_at), _us(r.end_at))  # type: ignore[arg-type]
        for r in got.no_data.itertuples()
    ]  # fmt: skip
    actual.sort(key=lambda x: (x.service, x.start))
    assert actual == expected
    firsts: dict[str, int] = {}
    for r in results:
        if r.t < as_of:
            firsts[r.service] = min(firsts.get(r.service, r.t), r.t)
    assert {s: _us(t) for s, t in got.first_results.items()} == firsts
    for x in expected:
        event(f"{x.state} stretch")
        if x.state == "down":
            event("down, ended by a success" if x.first_success else "down, no success")
            event(f"down, {len(x.checks)} check(s)")
    # the minutes add up under each no-data policy
    window = (stop - start) / 60e6
    for policy in ("exclude", "up", "down"):
        m = got.minutes(policy).set_index("service")  # type: ignore[arg-type]
        for service in services:
            down = sum(
                (x.end - x.start) for x in expected if x.service == service and x.state == "down"
            )
            gaps = sum(
                (x.end - x.start) for x in expected if x.service == service and x.state == "no_data"
            )
            row = m.loc[service]
            assert abs(row["down_minutes"] - down / 60e6) < 1e-9
            assert abs(row["no_data_minutes"] - gaps / 60e6) < 1e-9
            assert abs(row["window_minutes"] - window) < 1e-9
            measured = window - gaps / 60e6 if policy == "exclude" else window
            counted = (down + (gaps if policy == "down" else 0)) / 60e6
            assert abs(row["measured_minutes"] - measured) < 1e-9
            assert abs(row["counted_down_minutes"] - counted) < 1e-9
