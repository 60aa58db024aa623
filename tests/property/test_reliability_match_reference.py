"""MTTA, MTTR and reopen rate from the SQL (reliability_clocks.sql over the ticket clocks)
against the plain-Python reference (reference_reliability), on the random ticket walks of the
stop-rule property test, under every reopen rule and both resolution stops; and the
nearest-rank percentile against numpy's ``inverted_cdf`` (the same definition)."""

from __future__ import annotations

from datetime import UTC, datetime

import hypothesis.strategies as st
import numpy as np
from hypothesis import HealthCheck, given, settings

from slm_analysis import measures, reliability, warehouse
from slm_analysis.catalogue import parse_catalogue
from slm_analysis.periods import Period

from .reference_reliability import months
from .reference_stops import Rules, Ticket
from .test_clock_stops_match_reference import AS_OF, agreements, insert, tickets


def catalogue(a: dict[str, object]) -> str:
    return f"""
calendars: {{always: {{timezone: UTC, hours: 24x7}}}}
customers: [{{id: c, name: C}}]
services: [{{id: s, name: S}}]
agreements:
  - id: a
    customer: c
    services: [s]
    clock: {{pause_states: [On Hold], reopen: {a["reopen"]},
             resolution_stop: {a["resolution_stop"]},
             exclude_cancelled: {str(a["exclude_cancelled"]).lower()}}}
    targets:
      - {{id: mtta, metric: mtta, calendar: always, objective: 1h}}
      - {{id: mttr, metric: mttr, statistic: p90, calendar: always, objective: 8h}}
      - {{id: reopen, metric: reopen_rate, objective: 10}}
"""


MONTHS = [Period.parse(m) for m in ("2026-03", "2026-04", "2026-05", "2026-06")]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    a=agreements(),
    ts_=st.lists(
        st.tuples(tickets(), st.sampled_from([None, None, 0, 1, 2])), min_size=1, max_size=6
    ),
)
def test_reliability_sql_equals_the_reference(
    a: dict[str, object], ts_: list[tuple[Ticket, int | None]]
) -> None:
    cat = parse_catalogue(catalogue(a))
    as_of = datetime.fromtimestamp(AS_OF, UTC)
    con = warehouse.connect(":memory:")
    try:
        for i, (t, reopens) in enumerate(ts_):
            insert(con, f"I{i}", t)
            con.execute("update incidents set reopen_count = $r where number = $n",
                        {"r": reopens, "n": f"I{i}"})  # fmt: skip
        assert measures.run_clocks(con, cat, "c", as_of=as_of)
        found = reliability.clock_observations(con, MONTHS, as_of)
    finally:
        con.close()
    common = {
        "reopen": str(a["reopen"]),
        "resolution_stop": str(a["resolution_stop"]),
        "exclude_cancelled": bool(a["exclude_cancelled"]),
        "within": measures.NO_THRESHOLD,
    }
    for key, metric, reopens in (
        ("a/mtta@0", "response_time", False),
        ("a/mttr@1", "resolution_time", False),
        ("a/reopen@2", "resolution_time", True),
    ):
        ref = months(ts_, Rules(metric=metric, **common), AS_OF, reopens)  # type: ignore[arg-type]
        for m in MONTHS:
            got = reliability.clock_observation(found, key, m)
            want = ref.get(str(m))
            elapsed = sorted(want.elapsed) if want else []
            assert got["n"] == len(elapsed), (key, m, ts_)
            assert got["open"] == (want.open if want else 0), (key, m, ts_)
            if reopens:  # a reopen rate counts; its clock runs on no calendar
                assert got["reopened"] == (want.reopened if want else 0), (key, m, ts_)
            else:
                assert got["elapsed"] == elapsed, (key, m, ts_)
                assert got["total_s"] == sum(elapsed), (key, m)
        pooled = reliability.add_up(reliability.clock_observation(found, key, m) for m in MONTHS)
        values = [x for m in ref.values() for x in m.elapsed]
        target = cat.agreements[0].targets[1]
        result = reliability.achieved(target, pooled)
        if values and metric == "resolution_time" and not reopens:
            assert result["achieved"] == np.percentile(values, 90, method="inverted_cdf")


@given(values=st.lists(st.integers(0, 10**6), min_size=1, max_size=50), p=st.integers(1, 100))
def test_nearest_rank_is_the_inverted_cdf(values: list[int], p: int) -> None:
    assert reliability.nearest_rank(values, p) == np.percentile(values, p, method="inverted_cdf")
