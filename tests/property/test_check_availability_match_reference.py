"""Availability by events and by time slices: the set-based count agrees with the plain-Python
reference exactly.

Hypothesis generates check results of two services (polled and status-change rows, another
customer's rows, results without a latency, sub-second instants, bursts and gaps) over the
evening of 31 March 2026 into 1 April, measured for March and April in UTC, Europe/London (April
starts 23:00 UTC) or Asia/Kolkata (18:30 UTC: an hour-long slice is split by the month
boundary); calendars that are 24x7 or open in odd segments; maintenance windows; a declared
monitored_since or none; slices of 1, 5, 15 or 60 minutes; success-ratio and latency-percentile
rules; every no-data policy; as-of instants before, inside and after the window.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import hypothesis.strategies as st
from hypothesis import HealthCheck, event, given, settings

from slm_analysis import warehouse
from slm_analysis.catalogue import GoodSlice, parse_catalogue
from slm_analysis.check_availability import availability_events, availability_timeslices
from slm_analysis.periods import Period

from .reference_check_availability import Row, Scope, counted, events, timeslices

BASE = datetime(2026, 3, 31, 17, tzinfo=UTC)
SECOND = 1_000_000
BASE_US = int(BASE.timestamp()) * SECOND
WINDOW_S = 9 * 3600  # 17:00 → 02:00 UTC
PERIODS = [Period.parse("2026-03"), Period.parse("2026-04")]
HOURS = [
    "24x7",
    '{mon-sun: ["00:00-03:07", "17:00-19:07", "19:30-23:10"]}',
    '{tue: "18:02-23:58", wed: ["00:00-00:31", "01:03-05:00"]}',
    '{mon-sun: ["00:10-01:00", "03:00-04:00", "18:45-22:15", "23:15-23:45"]}',
]
SERVICES = ["web", "mail"]


def _at(us: int) -> datetime:
    return BASE + timedelta(microseconds=us - BASE_US)


@st.composite
def rows(draw: st.DrawFn) -> list[Row]:
    out = []
    for _ in range(draw(st.integers(0, 60))):
        t = BASE_US + draw(
            st.one_of(
                st.integers(0, WINDOW_S * SECOND),
                st.integers(0, WINDOW_S // 60).map(lambda m: m * 60 * SECOND),  # on the minute
            )
        )
        burst = draw(st.integers(1, 4))
        for i in range(burst):  # a few results close together: slices with several
            out.append(
                Row(
                    customer=draw(st.sampled_from(["acme", "acme", "acme", "other"])),
                    service=draw(st.sampled_from(SERVICES)),
                    stream=draw(st.sampled_from(["polled"] * 5 + ["status-change"])),
                    t=t + i * draw(st.integers(1, 90)) * SECOND,
                    ok=draw(st.floats(0, 1)) > draw(st.sampled_from([0.1, 0.5, 0.9])),
                    latency_ms=draw(
                        st.one_of(st.none(), st.sampled_from([100.0, 799.0, 800.0, 801.0, 3e3]))
                    ),
                )
            )
    return out


@st.composite
def scenarios(draw: st.DrawFn) -> dict[str, object]:
    windows = []
    for _ in range(draw(st.integers(0, 2))):
        s = draw(st.integers(0, WINDOW_S // 60))
        windows.append((s, s + draw(st.integers(1, 120))))
    return {
        "rows": draw(rows()),
        "zone": draw(st.sampled_from(["UTC", "Europe/London", "Asia/Kolkata"])),
        "hours": draw(st.sampled_from(HOURS)),
        "maintenance": windows,  # minutes after BASE, UTC
        "since": draw(st.sampled_from([None, None, date(2026, 3, 31), date(2026, 4, 1)])),
        "slice": draw(st.sampled_from([1, 5, 15, 60])),
        "ratio": draw(st.sampled_from([None, 0.5, 0.75, 0.9, 1.0])),
        "latency": draw(st.sampled_from([None, (50, 800.0), (95, 800.0), (99, 100.0)])),
        "event_latency": draw(st.sampled_from([None, 800.0])),
        "no_data": draw(st.sampled_from(["exclude", "up", "down"])),
        "as_of": BASE_US
        + draw(st.one_of(st.just(WINDOW_S + 3600), st.integers(-600, WINDOW_S))) * SECOND,
    }


def _catalogue(sc: dict[str, object]) -> str:
    hours = sc["hours"]
    since = "" if sc["since"] is None else f", monitored_since: {sc['since']}"
    windows = "".join(
        f"\n  - {{id: m{i}, services: [web], timezone: UTC, "
        f"start: {(BASE + timedelta(minutes=s)).replace(tzinfo=None).isoformat()}, "
        f"end: {(BASE + timedelta(minutes=e)).replace(tzinfo=None).isoformat()}}}"
        for i, (s, e) in enumerate(sc["maintenance"])  # type: ignore[attr-defined]
    )
    return (
        f"calendars: {{cal: {{timezone: {sc['zone']}, hours: {hours}}}}}\n"
        f"customers: [{{id: acme, name: Acme, timezone: {sc['zone']}}}, {{id: other, name: O}}]\n"
        f"services: [{{id: web, name: Web{since}}}, {{id: mail, name: Mail}}]\n"
        "agreements: [{id: a, customer: acme, services: [web, mail], targets: []}]\n"
        + (f"maintenance:{windows}\n" if windows else "")
    )


def _us(moment: datetime) -> int:
    return int(moment.timestamp()) * SECOND


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sc=scenarios())
def test_sql_counts_equal_reference(sc: dict[str, object]) -> None:
    cat = parse_catalogue(_catalogue(sc))
    zone = str(sc["zone"])
    data: list[Row] = sc["rows"]  # type: ignore[assignment]
    as_of_us: int = sc["as_of"]  # type: ignore[assignment]
    as_of = _at(as_of_us)
    latency = sc["latency"]
    good_when = GoodSlice(
        success_ratio=sc["ratio"],  # type: ignore[arg-type]
        **({} if latency is None else {f"latency_p{latency[0]}_ms": latency[1]}),  # type: ignore[index]
    ) if sc["ratio"] is not None or latency is not None else GoodSlice(success_ratio=0.5)  # fmt: skip
    con = warehouse.connect(":memory:")
    try:
        if data:
            con.executemany(
                "insert into checks (source, check_name, customer, service, checked_at, ok, "
                "latency_ms, load_id, stream) values ('mon', 'c', ?, ?, ?, ?, ?, 1, ?)",
                [(r.customer, r.service, _at(r.t), r.ok, r.latency_ms, r.stream) for r in data],
            )
        common = {"services": SERVICES, "calendar": "cal", "zone": zone, "as_of": as_of}
        ev = availability_events(
            con,
            cat,
            "acme",
            PERIODS,
            latency_ms=sc["event_latency"],
            **common,  # type: ignore[arg-type]
        ).set_index(["period", "service"])
        sl = availability_timeslices(
            con, cat, "acme", PERIODS, good_when=good_when, slice_minutes=sc["slice"],  # type: ignore[arg-type]
            no_data=sc["no_data"], **common,  # type: ignore[arg-type]
        ).set_index(["period", "service"])  # fmt: skip
    finally:
        con.close()
    cal = cat.calendar("cal")
    size = int(sc["slice"]) * 60 * SECOND  # type: ignore[call-overload]
    windows = [(BASE_US + s * 60 * SECOND, BASE_US + e * 60 * SECOND) for s, e in sc["maintenance"]]  # type: ignore[attr-defined]
    day = sc["since"]
    since = (
        None if day is None else _us(datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(zone)))
    )  # type: ignore[attr-defined]
    good_latency = good_when.latency
    for p in PERIODS:
        ps, pe = p.bounds(zone)
        for service in SERVICES:
            scope = Scope(
                _us(ps), _us(pe),
                [(_us(s), _us(e)) for s, e in cal.open_intervals(ps, pe)],
                windows if service == "web" else [],
                since if service == "web" else None,
                as_of_us,
            )  # fmt: skip
            mine = counted(data, "acme", service, scope)
            valid, good, failed = events(mine, sc["event_latency"])  # type: ignore[arg-type]
            got = ev.loc[(str(p), service)]
            assert (got["valid"], got["good"], got["failed"]) == (valid, good, failed)
            assert got["slow"] == valid - good - failed
            polled = [
                r.t for r in data
                if r.customer == "acme" and r.service == service and r.stream == "polled"
                and r.t < as_of_us
            ]  # fmt: skip
            want = timeslices(
                mine, scope, min(polled, default=None), size, good_when.success_ratio,
                good_latency[0] if good_latency else None,
                good_latency[1] if good_latency else None,
            )  # fmt: skip
            row = sl.loc[(str(p), service)]
            extra = want.no_data if sc["no_data"] != "exclude" else 0
            assert (row["measured"], row["no_data"], row["period_slices"]) == (
                want.measured, want.no_data, want.period_slices
            )  # fmt: skip
            assert row["valid"] == want.measured + extra
            assert row["good"] == want.good + (want.no_data if sc["no_data"] == "up" else 0)
            if want.measured:
                assert abs(row["mean_slice_ratio"] - 100 * want.ratio_sum / want.measured) < 1e-9
                event("measured slices")
            if want.no_data:
                event("no-data slices")
            if want.measured and want.measured != want.good:
                event("bad slices")
            if valid:
                event("valid results")
