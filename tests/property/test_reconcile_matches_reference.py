"""The set-based reconciliation (reconcile_tickets.sql, reconcile_reasons.sql over the ticket
clocks) agrees with the plain-Python one of reference_reconcile.py on generated tickets: the
summary's counts and every disagreeing ticket's reason."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import hypothesis.strategies as st
from hypothesis import HealthCheck, given, settings

from slm_analysis import warehouse
from slm_analysis.catalogue import parse_catalogue
from slm_analysis.reconcile import REASON_COLUMNS, reconcile

from .reference_reconcile import Ticket, reason, verdict

CATALOGUE = """
calendars:
  office: {timezone: UTC, hours: {mon-fri: "09:00-17:00"}}
customers: [{id: c, name: C, timezone: UTC}]
services: [{id: s, name: S}]
agreements:
  - id: a
    customer: c
    services: [s]
    clock: {pause_states: [On Hold]}
    targets:
      - {id: res, metric: resolution_time, within: 4h, calendar: office, objective: 90}
"""
START = datetime(2026, 10, 1, tzinfo=UTC)
AS_OF = datetime(2026, 11, 3, tzinfo=UTC)


@st.composite
def tickets(draw: st.DrawFn) -> list[Ticket]:
    out = []
    for i in range(draw(st.integers(1, 8))):
        opened = START + timedelta(minutes=15 * draw(st.integers(0, 24 * 4 * 26)))
        resolved = opened + timedelta(minutes=15 * draw(st.integers(1, 4 * 60)))
        closed = draw(st.none() | st.integers(0, 4 * 72))
        hold = None
        if draw(st.booleans()):
            a = draw(st.integers(0, (resolved - opened) // timedelta(minutes=15) - 1))
            b = draw(st.integers(a + 1, (resolved - opened) // timedelta(minutes=15)))
            hold = (opened + timedelta(minutes=15 * a), opened + timedelta(minutes=15 * b))
        out.append(
            Ticket(
                f"I{i}",
                opened,
                resolved,
                None if closed is None else resolved + timedelta(minutes=15 * closed),
                hold,
                draw(st.none() | st.booleans()),
            )
        )
    return out


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tickets())
def test_reconcile_matches_the_reference(generated: list[Ticket]) -> None:
    con = warehouse.connect(":memory:")
    for t in generated:
        con.execute(
            "insert into incidents (source, number, customer, service, priority, state, "
            "opened_at, resolved_at, closed_at, vendor_made_sla, load_id) values "
            "('t', $n, 'c', 's', 3, $st, $o, $r, $c, $v, 0)",
            {"n": t.number, "st": "Closed" if t.closed else "Resolved", "o": t.opened,
             "r": t.resolved, "c": t.closed, "v": t.vendor},
        )  # fmt: skip
        if t.hold:
            con.execute(
                "insert into incident_states values ('t', $n, 'On Hold', $s, $e, 0)",
                {"n": t.number, "s": t.hold[0], "e": t.hold[1]},
            )
    r = reconcile(con, parse_catalogue(CATALOGUE), "c", "2026-10", as_of=AS_OF)
    counted = [t for t in generated if t.resolved < datetime(2026, 11, 1, tzinfo=UTC)]
    judged = [t for t in counted if t.vendor is not None]
    ours = {t.number: verdict(t, t.resolved, True, True, AS_OF) for t in counted}
    reasons = {t.number: why for t in counted if (why := reason(t, AS_OF)) is not None}
    [s] = r.summary.to_dict(orient="records")
    assert (s["n"], s["no_vendor_verdict"]) == (len(judged), len(counted) - len(judged))
    assert s["agree"] == sum(ours[t.number] == t.vendor for t in judged)
    assert s["ours_met_vendor_missed"] == sum(ours[t.number] and not t.vendor for t in judged)
    assert dict(zip(r.tickets["number"], r.tickets["reason"], strict=True)) == reasons
    by_reason = Counter(reasons.values())
    assert {c: s[c] for c in REASON_COLUMNS.values()} == {
        c: by_reason[why] for why, c in REASON_COLUMNS.items()
    }
    con.close()
