"""Where ticket clocks stop: resolved_at, closed_at, the state history, or a finding.

Hand-worked on a 24x7 UTC calendar so that every elapsed time is plain wall-clock arithmetic.
A resolution target of 4 h and a response target of 1 h; the data ends on 2 November 12:00.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from slm_analysis import measures, warehouse
from slm_analysis.catalogue import Catalogue, parse_catalogue
from slm_analysis.errors import CatalogueError
from slm_analysis.importers import load_file
from slm_analysis.importers.mapping import load_mapping
from slm_analysis.periods import Period
from slm_analysis.review import open_review

FIX = Path(__file__).parent.parent / "fixtures"
AS_OF = datetime(2026, 11, 2, 12, tzinfo=UTC)
STOPS = """
calendars: {{always: {{timezone: UTC, hours: 24x7}}}}
customers: [{{id: c, name: C}}]
services: [{{id: email, name: Email}}]
agreements:
  - id: a
    customer: c
    services: [email]
    clock: {clock}
    targets:
      - {{id: res, metric: resolution_time, within: 4h, calendar: always, objective: 90}}
      - {{id: resp, metric: response_time, within: 1h, calendar: always, objective: 90}}
"""
RESPONSE_WHY = "no first response time, no state change in the state history and no resolution time"
RESOLVED_WHY = (
    "no resolved_at, no final resolution in the state history, no closed_at and no closure in "
    "the state history"
)
CLOSED_WHY = "no closed_at, and no entry into a closed state in the state history"


def utc(*a: int) -> datetime:
    return datetime(*a, tzinfo=UTC)


def catalogue(clock: str = "{}") -> Catalogue:
    return parse_catalogue(STOPS.format(clock=clock))


def incident(
    con: duckdb.DuckDBPyConnection,
    number: str,
    state: str,
    opened: datetime,
    *,
    resolved: datetime | None = None,
    closed: datetime | None = None,
    history: Sequence[tuple[str, datetime, datetime | None]] = (),
) -> None:
    con.execute(
        "insert into incidents (source, number, customer, service, priority, state, opened_at, "
        "resolved_at, closed_at, load_id) values ('t', $n, 'c', 'email', 3, $s, $o, $r, $c, 0)",
        {"n": number, "s": state, "o": opened, "r": resolved, "c": closed},
    )
    for st, s, e in history:
        con.execute(
            "insert into incident_states values ('t', $n, $st, $s, $e, 0)",
            {"n": number, "st": st, "s": s, "e": e},
        )


@pytest.fixture
def stops(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    # A: closed, closed_at only (before this rule: running for a month, an October breach)
    incident(con, "A", "Closed", utc(2026, 9, 30, 20), closed=utc(2026, 9, 30, 23))
    # B: closed, no times; the history says resolved at 10:00 and closed three days later
    incident(
        con,
        "B",
        "Closed",
        utc(2026, 10, 5, 8),
        history=[
            ("New", utc(2026, 10, 5, 8), utc(2026, 10, 5, 8, 30)),
            ("In Progress", utc(2026, 10, 5, 8, 30), utc(2026, 10, 5, 10)),
            ("Resolved", utc(2026, 10, 5, 10), utc(2026, 10, 8, 10)),
            ("Closed", utc(2026, 10, 8, 10), None),
        ],
    )
    # G: closed straight from In Progress at 13:00, no resolved state in its history
    incident(
        con,
        "G",
        "Closed",
        utc(2026, 10, 6, 8),
        history=[
            ("New", utc(2026, 10, 6, 8), utc(2026, 10, 6, 9)),
            ("In Progress", utc(2026, 10, 6, 9), utc(2026, 10, 6, 13)),
            ("Closed", utc(2026, 10, 6, 13), None),
        ],
    )
    incident(con, "C", "Closed", utc(2026, 10, 7, 8))  # closed, nothing known: a finding
    incident(con, "D", "Canceled", utc(2026, 10, 8, 8), closed=utc(2026, 10, 8, 14))
    incident(con, "D2", "Canceled", utc(2026, 10, 8, 9))  # cancelled, nothing known
    incident(con, "E", "In Progress", utc(2026, 11, 2, 10))  # open: running
    incident(con, "F", "Resolved", utc(2026, 10, 9, 8))  # resolved, no time: a finding
    # H: resolved_at wins over closed_at
    incident(
        con, "H", "Closed", utc(2026, 10, 10, 8), resolved=utc(2026, 10, 10, 9),
        closed=utc(2026, 10, 13, 9),
    )  # fmt: skip
    return con


def clocks(con: duckdb.DuckDBPyConnection, clock: str = "{}") -> pd.DataFrame:
    df = measures.ticket_clocks(con, catalogue(clock), "c", as_of=AS_OF)
    df = df.assign(target=df["target_key"].str.extract(r"/(.*)@", expand=False))
    return df.set_index(["target", "number"]).sort_index()


def h(seconds: float) -> float:
    return seconds / 3600


def test_resolution_stop_falls_back_in_the_documented_order(
    stops: duckdb.DuckDBPyConnection,
) -> None:
    res = clocks(stops).loc["res"]
    assert sorted(res.index) == ["A", "B", "E", "G", "H"]  # C, F: findings; D, D2 cancelled
    expected = {  # stop, business hours, met, counted at
        "A": (utc(2026, 9, 30, 23), 3, True, utc(2026, 9, 30, 23)),  # closed_at
        "B": (utc(2026, 10, 5, 10), 2, True, utc(2026, 10, 5, 10)),  # history: Resolved
        "G": (utc(2026, 10, 6, 13), 5, False, utc(2026, 10, 6, 13)),  # history: Closed
        "H": (utc(2026, 10, 10, 9), 1, True, utc(2026, 10, 10, 9)),  # resolved_at
    }
    for number, (stop, hours, met, counted) in expected.items():
        row = res.loc[number]
        got = (row["stop_at"], h(row["business_elapsed"]), row["met"], row["counted_at"])
        assert got == (stop, hours, met, counted), number
        assert not row["running"]
    assert res.loc["A", "period"] == "2026-09"  # counted when it closed, not as an October breach
    e = res.loc["E"]
    assert e["running"] and pd.isna(e["stop_at"]) and h(e["business_elapsed"]) == 2
    assert pd.isna(e["counted_at"]) and pd.isna(e["period"])  # running, not breached yet


def test_response_stop_falls_back_to_history_then_resolution(
    stops: duckdb.DuckDBPyConnection,
) -> None:
    resp = clocks(stops).loc["resp"]
    assert sorted(resp.index) == ["A", "B", "E", "G", "H"]
    expected = {  # stop, business hours, met
        "A": (utc(2026, 9, 30, 23), 3, False),  # no history: the resolution stop (closed_at)
        "B": (utc(2026, 10, 5, 8, 30), 0.5, True),  # first change away from New
        "G": (utc(2026, 10, 6, 9), 1, True),  # exactly the threshold: met
        "H": (utc(2026, 10, 10, 9), 1, True),  # resolved_at
    }
    for number, (stop, hours, met) in expected.items():
        row = resp.loc[number]
        assert (row["stop_at"], h(row["business_elapsed"]), row["met"]) == (stop, hours, met)
    e = resp.loc["E"]  # open, no response after 2 h: running and breached at 11:00
    assert e["running"] and not e["met"]
    assert (e["counted_at"], e["period"]) == (utc(2026, 11, 2, 11), "2026-11")


def test_attainment_counts_derived_stops_and_skips_findings(
    stops: duckdb.DuckDBPyConnection,
) -> None:
    cat = catalogue()
    counts = {}
    for period in ("2026-09", "2026-10", "2026-11"):
        att = measures.attainment(stops, cat, "c", period, as_of=AS_OF).set_index("id")
        counts[period] = {t: (att.loc[t, "n"], att.loc[t, "n_met"]) for t in ("res", "resp")}
    assert counts == {
        "2026-09": {"res": (1, 1), "resp": (1, 0)},  # A
        "2026-10": {"res": (3, 2), "resp": (3, 3)},  # B, G, H (G missed the resolution)
        "2026-11": {"res": (0, 0), "resp": (1, 0)},  # E's response breached while running
    }


def test_closed_ticket_with_no_stop_is_a_finding(stops: duckdb.DuckDBPyConnection) -> None:
    found = measures.stop_findings(stops, catalogue(), "c", as_of=AS_OF)
    assert list(found.columns) == measures.STOP_FINDING_COLUMNS
    assert found[["number", "state", "why"]].values.tolist() == [
        ["C", "Closed", f"{RESPONSE_WHY}; {RESOLVED_WHY}"],
        ["F", "Resolved", f"{RESPONSE_WHY}; {RESOLVED_WHY}"],
    ]
    assert list(found.loc[0, "targets"]) == ["a/res@0", "a/resp@1"]
    assert found.loc[0, "opened_at"] == utc(2026, 10, 7, 8)
    # the same connection after the clocks ran: the findings reuse their inputs
    run = measures.run_clocks(stops, catalogue(), "c", as_of=AS_OF)
    again = measures.stop_findings(stops, catalogue(), "c", as_of=AS_OF, clocks=run)
    pd.testing.assert_frame_equal(again, found)


def test_the_history_s_resolution_comes_before_closed_at_and_a_closing_is_no_reopen(
    con: duckdb.DuckDBPyConnection,
) -> None:
    """The shape of the UCI log's closed tickets without resolved_at: logged already Resolved
    at 10:00, auto-closed (closed_at) five days later. The ticket was resolved at 10:00, not
    when it closed: the history's resolution comes before closed_at. Going from Resolved to
    Closed is not a reopen."""
    closed = utc(2026, 10, 16, 9)
    incident(
        con,
        "U",
        "Closed",
        utc(2026, 10, 11, 8),
        closed=closed,
        history=[("Resolved", utc(2026, 10, 11, 10), closed), ("Closed", closed, None)],
    )
    for reopen in ("all", "last", "first", "largest_span"):
        row = clocks(con, f"{{reopen: {reopen}}}").loc[("res", "U")]
        assert (row["start_at"], row["stop_at"]) == (utc(2026, 10, 11, 8), utc(2026, 10, 11, 10))
        assert (h(row["business_elapsed"]), row["met"]) == (2, True)
    closing = clocks(con, "{resolution_stop: closed}").loc[("res", "U")]
    assert (closing["stop_at"], h(closing["business_elapsed"])) == (closed, 121)
    resp = clocks(con).loc[("resp", "U")]  # the first state change: Resolved at 10:00
    assert (resp["stop_at"], h(resp["business_elapsed"])) == (utc(2026, 10, 11, 10), 2)


def test_cancelled_tickets_are_excluded_unless_the_switch_is_off(
    stops: duckdb.DuckDBPyConnection,
) -> None:
    res = clocks(stops, "{exclude_cancelled: false}").loc["res"]
    assert sorted(res.index) == ["A", "B", "D", "E", "G", "H"]
    d = res.loc["D"]  # counted at closed_at: 6 h against 4 h
    assert (d["stop_at"], h(d["business_elapsed"]), d["met"]) == (utc(2026, 10, 8, 14), 6, False)
    att = measures.attainment(
        stops, catalogue("{exclude_cancelled: false}"), "c", "2026-10", as_of=AS_OF
    ).set_index("id")
    assert (att.loc["res", "n"], att.loc["res", "n_met"]) == (4, 2)
    found = measures.stop_findings(stops, catalogue("{exclude_cancelled: false}"), "c", as_of=AS_OF)
    assert list(found["number"]) == ["C", "D2", "F"]  # a cancelled ticket with no time at all
    assert found.set_index("number").loc["D2", "state"] == "Canceled"


def test_cancelled_states_are_configurable(stops: duckdb.DuckDBPyConnection) -> None:
    # 'Canceled' is no longer a cancelled state: D is an open ticket with a closed_at
    res = clocks(stops, "{cancelled_states: [Withdrawn]}").loc["res"]
    assert res.loc["D", "stop_at"] == utc(2026, 10, 8, 14)
    assert "D2" in res.index and res.loc["D2", "running"]  # not terminal: it runs


def test_resolution_stop_closed_uses_closed_times_only(stops: duckdb.DuckDBPyConnection) -> None:
    res = clocks(stops, "{resolution_stop: closed}").loc["res"]
    expected = {
        "A": (utc(2026, 9, 30, 23), 3),  # closed_at
        "B": (utc(2026, 10, 8, 10), 74),  # the history's Closed entry, not its resolution
        "G": (utc(2026, 10, 6, 13), 5),
        "H": (utc(2026, 10, 13, 9), 73),  # closed_at, not resolved_at
    }
    for number, (stop, hours) in expected.items():
        assert (res.loc[number, "stop_at"], h(res.loc[number, "business_elapsed"])) == (
            stop,
            hours,
        ), number
    f = res.loc["F"]  # resolved but not closed: runs until it closes, breached on 9 Oct 12:00
    assert f["running"] and (f["counted_at"], f["period"]) == (utc(2026, 10, 9, 12), "2026-10")
    found = measures.stop_findings(stops, catalogue("{resolution_stop: closed}"), "c", as_of=AS_OF)
    assert found[["number", "why"]].values.tolist() == [
        ["C", f"{CLOSED_WHY}; {RESPONSE_WHY}"],
        ["F", RESPONSE_WHY],  # its response is unknown; its resolution clock still runs
    ]


def test_resolution_from_a_state_history_only(con: duckdb.DuckDBPyConnection) -> None:
    """No times at all, the ticket still resolved (not closed): the history's Resolved entry."""
    incident(
        con,
        "R",
        "Resolved",
        utc(2026, 10, 5, 8),
        history=[
            ("New", utc(2026, 10, 5, 8), utc(2026, 10, 5, 9)),
            ("On Hold", utc(2026, 10, 5, 9), utc(2026, 10, 5, 10)),
            ("In Progress", utc(2026, 10, 5, 10), utc(2026, 10, 5, 11, 30)),
            ("Resolved", utc(2026, 10, 5, 11, 30), None),
        ],
    )
    cl = clocks(con, "{pause_states: [On Hold]}")
    res, resp = cl.loc[("res", "R")], cl.loc[("resp", "R")]
    # 08:00-11:30 less the hour on hold; the response is the move to On Hold at 09:00
    assert (res["stop_at"], h(res["business_elapsed"]), res["met"]) == (
        utc(2026, 10, 5, 11, 30),
        2.5,
        True,
    )
    assert (resp["stop_at"], h(resp["business_elapsed"])) == (utc(2026, 10, 5, 9), 1)


# A history-only reopened incident: New 08:00, In Progress 08:30, Resolved 10:00, reopened
# 12:00, Resolved 15:30, Closed the next day 15:30; no resolved_at or closed_at.
REOPENED = [
    ("New", utc(2026, 10, 5, 8), utc(2026, 10, 5, 8, 30)),
    ("In Progress", utc(2026, 10, 5, 8, 30), utc(2026, 10, 5, 10)),
    ("Resolved", utc(2026, 10, 5, 10), utc(2026, 10, 5, 12)),
    ("In Progress", utc(2026, 10, 5, 12), utc(2026, 10, 5, 15, 30)),
    ("Resolved", utc(2026, 10, 5, 15, 30), utc(2026, 10, 6, 15, 30)),
    ("Closed", utc(2026, 10, 6, 15, 30), None),
]


@pytest.mark.parametrize(
    ("clock", "start", "stop", "elapsed_h"),
    [
        # all: 08:00-15:30 with the two resolved hours paused
        ("{reopen: all}", utc(2026, 10, 5, 8), utc(2026, 10, 5, 15, 30), 5.5),
        ("{reopen: first}", utc(2026, 10, 5, 8), utc(2026, 10, 5, 10), 2.0),
        ("{reopen: last}", utc(2026, 10, 5, 12), utc(2026, 10, 5, 15, 30), 3.5),
        # cycles of 2 h and 3.5 h: the larger one
        ("{reopen: largest_span}", utc(2026, 10, 5, 12), utc(2026, 10, 5, 15, 30), 3.5),
        # closed: the history's Closed entry; the resolved hours before the reopen are paused
        ("{resolution_stop: closed}", utc(2026, 10, 5, 8), utc(2026, 10, 6, 15, 30), 29.5),
    ],
)
def test_reopen_rule_on_times_derived_from_the_history(
    con: duckdb.DuckDBPyConnection, clock: str, start: datetime, stop: datetime, elapsed_h: float
) -> None:
    incident(con, "R", "Closed", utc(2026, 10, 5, 8), history=REOPENED)
    row = clocks(con, clock).loc[("res", "R")]
    assert (row["start_at"], row["stop_at"], h(row["business_elapsed"])) == (
        start,
        stop,
        elapsed_h,
    )
    assert row["met"] == (elapsed_h <= 4) and row["period"] == "2026-10"


def test_a_ticket_reopened_and_not_resolved_again_is_running(
    con: duckdb.DuckDBPyConnection,
) -> None:
    incident(con, "R", "In Progress", utc(2026, 10, 5, 8), history=REOPENED[:4])
    cl = clocks(con)
    row = cl.loc[("res", "R")]
    # running since 08:00, the resolved 10:00-12:00 paused: breached at 14:00
    assert row["running"] and row["breached_at"] == utc(2026, 10, 5, 14)
    first = clocks(con, "{reopen: first}").loc[("res", "R")]
    assert not first["running"] and first["stop_at"] == utc(2026, 10, 5, 10)


def test_a_state_written_in_one_list_leaves_the_other_defaults() -> None:
    clock = catalogue("{resolved_states: [Resolved, Closed]}").agreements[0].clock
    assert (clock.resolved_states, clock.closed_states) == (["Resolved", "Closed"], [])
    assert clock.cancelled_states == ["Canceled", "Cancelled"]
    default = catalogue().agreements[0].clock
    assert (default.closed_states, default.pause_states) == (
        ["Closed"],
        ["On Hold", "Awaiting User Info", "Awaiting Caller"],
    )


def test_state_lists_must_not_contradict_each_other() -> None:
    with pytest.raises(CatalogueError) as info:
        catalogue("{pause_states: [On Hold, Resolved], resolved_states: [Resolved]}")
    assert "Resolved is in both pause_states and resolved_states" in str(info.value)
    with pytest.raises(CatalogueError) as info:
        catalogue("{closed_states: [Closed, Canceled], cancelled_states: [Canceled]}")
    assert "Canceled is in both closed_states and cancelled_states" in str(info.value)


PROCESS = STOPS.replace("customers: [{{id: c, name: C}}]", "customers: [{{id: acme, name: A}}]")
PROCESS = PROCESS.replace("customer: c\n", "customer: acme\n")


def test_process_log_gives_exact_attainment_without_extra_configuration(
    con: duckdb.DuckDBPyConnection,
) -> None:
    """Number, state and update time only: the history stops the clocks. C1: New 08:00,
    In Progress 08:20, Awaiting User Info 09:00-11:00, Resolved 12:00; C2: New 10:00,
    Resolved 10:45."""
    load_file(
        con,
        "incidents",
        FIX / "process_log.csv",
        mapping=load_mapping(FIX / "process_log.mapping.yaml"),
        customer="acme",
        service="email",
    )
    cat = parse_catalogue(PROCESS.format(clock="{pause_states: [Awaiting User Info]}"))
    cl = measures.ticket_clocks(con, cat, "acme").set_index(["target_key", "number"])
    assert not cl["running"].any()
    assert h(cl.loc[("a/res@0", "C1"), "business_elapsed"]) == 2  # 4 h less 2 h awaiting the user
    assert h(cl.loc[("a/res@0", "C2"), "business_elapsed"]) == 0.75
    assert cl.loc[("a/resp@1", "C1"), "business_elapsed"] == 20 * 60
    assert cl.loc[("a/resp@1", "C2"), "business_elapsed"] == 45 * 60  # straight to Resolved
    att = measures.attainment(con, cat, "acme", "2026-03").set_index("id")
    assert (att.loc["res", "n"], att.loc["res", "achieved"]) == (2, 100.0)
    assert (att.loc["resp", "n"], att.loc["resp", "achieved"]) == (2, 100.0)
    # volumes read the same history: both resolved in March, none left in the backlog
    vol = measures.volumes(
        con, "acme", [Period.parse("2026-03")], zone="UTC",
        ended_states=measures.ended_states(cat, "acme"),
    )  # fmt: skip
    assert vol[["opened", "resolved", "backlog"]].sum().tolist() == [2, 2, 0]
    vol = measures.volumes(con, "acme", [Period.parse("2026-03")], zone="UTC")
    assert vol[["resolved", "backlog"]].sum().tolist() == [0, 2]  # without: never resolved


def test_process_log_lifecycles_closed_cancelled_reopened(
    con: duckdb.DuckDBPyConnection,
) -> None:
    """tests/fixtures/process_log_lifecycles.csv through the same mapping (see its README)."""
    load_file(
        con,
        "incidents",
        FIX / "process_log_lifecycles.csv",
        mapping=load_mapping(FIX / "process_log.mapping.yaml"),
        customer="acme",
        service="email",
    )
    cat = parse_catalogue(PROCESS.format(clock="{}"))
    cl = measures.ticket_clocks(con, cat, "acme").set_index(["target_key", "number"])
    res = cl.loc["a/res@0"]
    assert sorted(res.index) == ["L1", "L2", "L3", "L5"]  # L4 cancelled; L5 still open
    assert [h(res.loc[n, "business_elapsed"]) for n in ("L1", "L2", "L3")] == [3, 4.5, 5]
    assert list(res.loc[["L1", "L2", "L3"], "met"]) == [True, False, False]
    assert res.loc["L5", "running"]
    att = measures.attainment(con, cat, "acme", "2026-03").set_index("id")
    assert (att.loc["res", "n"], att.loc["res", "n_met"]) == (3, 1)
    assert measures.stop_findings(con, cat, "acme").empty


def test_review_notes_and_settings_name_the_stop_rules(tmp_path: Path) -> None:
    db, path = tmp_path / "w.duckdb", tmp_path / "catalogue.yaml"
    text = STOPS.format(clock="{}").replace(
        "customers: [{id: c, name: C}]", "customers: [{id: c, name: C}, {id: o, name: O}]"
    )
    path.write_text(text)
    with warehouse.session(db) as con:
        incident(con, "C", "Closed", utc(2026, 10, 7, 8))
        incident(con, "F", "Resolved", utc(2026, 10, 9, 8))
        incident(con, "B", "Closed", utc(2026, 10, 5, 8), closed=utc(2026, 10, 5, 9))
        incident(con, "OTHER", "Closed", utc(2026, 10, 7, 8))
        con.execute("update incidents set customer = 'o' where number = 'OTHER'")
    review = open_review("c", "2026-10", warehouse=db, catalogue=path, as_of=AS_OF)
    notes = review.quality[review.quality["issue"].str.startswith("incidents whose clock stop")]
    assert notes[["detail", "rows"]].values.tolist() == [
        [f"{RESPONSE_WHY}; {RESOLVED_WHY}: C, F", 2]  # the other customer's OTHER: not here
    ]
    settings = review.settings.set_index("setting")["value"]
    assert settings["resolution clock stops at"] == (
        "resolved_at, else the final (after the last reopen) entry into a resolved state "
        "(Resolved) in the state history, else closed_at, else the entry into a closed state "
        "(Closed/Canceled/Cancelled) there"
    )
    assert settings["cancelled tickets"] == "not counted (states: Canceled, Cancelled)"


def test_the_first_response_leaves_the_initial_states(con: duckdb.DuckDBPyConnection) -> None:
    """A process log whose tickets start Registered and Queued: the response is the move to
    In Progress (4 h and 6 h: both late against 1 h), not the first logged activity. A
    catalogue can name its own initial states."""
    for number, started in (("Q1", 4), ("Q2", 6)):
        incident(
            con,
            number,
            "In Progress",
            utc(2026, 10, 5, 8),
            history=[
                ("Registered", utc(2026, 10, 5, 8), utc(2026, 10, 5, 9)),
                ("Queued", utc(2026, 10, 5, 9), utc(2026, 10, 5, 8 + started)),
                ("In Progress", utc(2026, 10, 5, 8 + started), None),
            ],
        )
    resp = clocks(con).loc["resp"]
    assert [h(x) for x in resp["business_elapsed"]] == [4, 6]
    assert not resp["met"].any()
    own = clocks(con, "{initial_states: [Registered]}").loc["resp"]  # Queued counts as a move
    assert [h(x) for x in own["business_elapsed"]] == [1, 1] and own["met"].all()
