"""Each chart of the pack holds exactly the hand-worked points, and an empty one says why.

The review is ``tests/hand_worked.py`` (see its docstring) for October 2026 over three periods
(August, September, October). Worked out by hand:

- availability: August 744 h and September 720 h without an outage: 100 %; October 738 / 744
  = 99.1935… % (shown 99.19 %); objective 99.9 %.
- P1 response: August no ticket; September S1 0 of 1 = 0 %; October O1, O2: 2 of 2 = 100 %.
- All resolution: August none; September S1 met, S2 not: 1 of 2 = 50 %; October 3 of 4 = 75 %
  (At risk: amber).
- volumes (opened per priority; resolved; open at the period's end): September P1 1 (S1), P2 1
  (S2), both resolved; October P1 2 (O1, O2), P2 1 (O3), P3 2 (O4, O5); 4 resolved, O5 open.
- breaches in October: O4 only (P3): 7 h wall clock = 6 h of clock + 1 h On Hold, no holiday,
  no closed hours on a 24x7 calendar; 4 h allowed.
- satisfaction: September (5 + 4) / 2 = 4.5; no responses in August nor October.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
import pytest
from hand_worked import AS_OF, build

from slm_analysis import charts, warehouse
from slm_analysis.review import Review, open_review

PERIODS = ["2026-08", "2026-09", "2026-10"]
GREEN, AMBER = "#2e7d32", "#ef8f00"


def values(seq: Sequence[Any] | None) -> list[Any]:
    """A trace's x or y as plain Python: NaN and None both become None, numbers floats."""
    out: list[Any] = []
    for v in seq if seq is not None else []:
        if v is None or (isinstance(v, float) and math.isnan(v)):
            out.append(None)
        elif isinstance(v, str):
            out.append(v)
        else:
            out.append(float(v))
    return out


def traces(fig: go.Figure) -> list[tuple[str, str, list[Any], list[Any]]]:
    return [(t.type, t.name, values(t.x), values(t.y)) for t in fig.data]


@pytest.fixture(scope="module")
def october(tmp_path_factory: pytest.TempPathFactory) -> Review:
    catalogue, db = build(tmp_path_factory.mktemp("hand_worked"))
    return open_review("c", "2026-10", warehouse=db, catalogue=catalogue, as_of=AS_OF, history=3)


def test_availability_trend(october: Review) -> None:
    fig = charts.availability_trend(october)
    assert traces(fig) == [
        ("scatter", "Email", PERIODS, [100.0, 100.0, pytest.approx(100 * 738 / 744)]),
        ("scatter", "Email objective", PERIODS, [99.9, 99.9, 99.9]),
    ]
    assert fig.data[0].text == ("100.00 %", "100.00 %", "99.19 %")
    # the axis starts 0.1 under the lower of 99 and the lowest value (99.19): 98.9
    assert fig.layout.yaxis.range == (pytest.approx(98.9), 100.02)
    assert fig.layout.title.text == "Availability against objective"
    assert not fig.layout.annotations


def test_ticket_attainment(october: Review) -> None:
    fig = charts.ticket_attainment(october)
    assert traces(fig) == [
        ("bar", "Achieved", ["P1 response", "All resolution"], [100.0, 75.0]),
        ("scatter", "Objective", ["P1 response", "All resolution"], [90.0, 75.0]),
    ]
    assert fig.data[0].marker.color == (GREEN, AMBER)  # Met, At risk
    assert fig.data[0].text == ("100.00 % (n=2)", "75.0 % (n=4)")
    assert fig.layout.title.text == "Response and resolution by priority, October 2026"


def test_attainment_trend(october: Review) -> None:
    fig = charts.attainment_trend(october)
    assert traces(fig) == [
        ("scatter", "P1 response", PERIODS, [None, 0.0, 100.0]),
        ("scatter", "All resolution", PERIODS, [None, 50.0, 75.0]),
    ]
    assert [t.text for t in fig.data] == [("–", "0.0 %", "100.00 %"), ("–", "50.0 %", "75.0 %")]
    assert [values(t.customdata) for t in fig.data] == [[0.0, 1.0, 2.0], [0.0, 2.0, 4.0]]  # n


def test_volume_trend(october: Review) -> None:
    fig = charts.volume_trend(october)
    assert traces(fig) == [
        ("bar", "P1 opened", PERIODS, [0.0, 1.0, 2.0]),
        ("bar", "P2 opened", PERIODS, [0.0, 1.0, 1.0]),
        ("bar", "P3 opened", PERIODS, [0.0, 0.0, 2.0]),
        ("scatter", "Resolved", PERIODS, [0.0, 2.0, 4.0]),
        ("scatter", "Backlog at period end", PERIODS, [0.0, 0.0, 1.0]),
    ]
    assert fig.layout.barmode == "stack"


def test_breach_timeline(october: Review) -> None:
    fig = charts.breach_timeline(october)
    # horizontal: the hours are x, the incident is y
    assert [(t.name, values(t.y), values(t.x)) for t in fig.data] == [
        ("Business time (clock running)", ["O4 P3"], [6.0]),
        ("Paused (awaiting customer)", ["O4 P3"], [1.0]),
        ("Public holidays and closures", ["O4 P3"], [0.0]),
        ("Outside service hours", ["O4 P3"], [0.0]),
        ("Allowed business time", ["O4 P3"], [4.0]),
    ]
    assert fig.layout.height == 260  # max(260, 60 + 28 × 1 breach)


def test_satisfaction_trend(october: Review) -> None:
    fig = charts.satisfaction_trend(october)
    assert traces(fig) == [
        ("scatter", "Satisfaction", PERIODS, [None, 4.5, None]),
        ("scatter", "Satisfaction objective", PERIODS, [4.0, 4.0, 4.0]),
    ]
    assert fig.data[0].text == ("–", "4.50 / 5", "–")
    assert values(fig.data[0].customdata) == [0.0, 2.0, 0.0]


def utc(*a: int) -> datetime:
    return datetime(*a, tzinfo=UTC)


def one_target_review(
    tmp_path: Path,
    target: str,
    incidents: Sequence[tuple[str, int, datetime, datetime | None]],
    period: str,
    as_of: datetime,
    calendar: str = "always: {timezone: UTC, hours: 24x7}",
    states: Sequence[tuple[str, str, datetime, datetime]] = (),
) -> Review:
    catalogue = tmp_path / "catalogue.yaml"
    catalogue.write_text(
        f"calendars: {{{calendar}}}\n"
        "customers: [{id: c, name: C, timezone: UTC}]\n"
        "services: [{id: email, name: Email}]\n"
        f"agreements: [{{id: a, customer: c, services: [email], targets: [{target}]}}]\n",
        encoding="utf-8",
    )
    db = tmp_path / "w.duckdb"
    with warehouse.session(db) as con:
        for number, priority, opened, resolved in incidents:
            con.execute(
                "insert into incidents (source, number, customer, service, priority, state, "
                "opened_at, resolved_at, load_id) values ('t', $n, 'c', 'email', $p, 'Resolved', "
                "$o, $r, 0)",
                {"n": number, "p": priority, "o": opened, "r": resolved},
            )
        for number, state, s, e in states:
            con.execute(
                "insert into incident_states values ('t', $n, $st, $s, $e, 0)",
                {"n": number, "st": state, "s": s, "e": e},
            )
    return open_review("c", period, warehouse=db, catalogue=catalogue, as_of=as_of, history=2)


def test_breaches_highest_priority_first_then_the_most_over(tmp_path: Path) -> None:
    """Resolution within 4 h: B1 P2 6 h (150 % of the allowance), B2 P1 5 h (125 %), B3 P1
    8 h (200 %), M P1 1 h (met, not a breach). Order: P1 before P2, and within P1 the larger
    share first: B3, B2, B1. The chart draws the first at the top (plotly's y runs upwards, so
    the list is reversed), and ``limit`` keeps the first ones."""
    r = one_target_review(
        tmp_path,
        "{id: res, metric: resolution_time, within: 4h, calendar: always, objective: 90}",
        [("B1", 2, utc(2026, 10, 5, 8), utc(2026, 10, 5, 14)),
         ("B2", 1, utc(2026, 10, 6, 8), utc(2026, 10, 6, 13)),
         ("B3", 1, utc(2026, 10, 7, 8), utc(2026, 10, 7, 16)),
         ("M", 1, utc(2026, 10, 8, 8), utc(2026, 10, 8, 9))],
        "2026-10",
        AS_OF,
    )  # fmt: skip
    fig = charts.breach_timeline(r)
    assert values(fig.data[0].y) == ["B1 P2", "B2 P1", "B3 P1"]
    assert values(fig.data[0].x) == [6.0, 5.0, 8.0]
    assert values(fig.data[4].x) == [4.0, 4.0, 4.0]
    assert fig.layout.height == 260  # max(260, 60 + 28 × 3 = 144)
    top_two = charts.breach_timeline(r, limit=2)
    assert values(top_two.data[0].y) == ["B2 P1", "B3 P1"]
    assert values(top_two.data[0].x) == [5.0, 8.0]


def test_breach_time_split_into_clock_pause_holidays_and_closed_hours(tmp_path: Path) -> None:
    """London office hours with English holidays, resolution within 2 h. Opened Thursday 28
    March 2024 16:30 (GMT), On Hold 2 April 10:00–13:00 local (BST), resolved 2 April 15:00
    local (14:00 UTC). Open time: 30 min on Thursday, 6 h on Tuesday (09:00–15:00) = 6.5 h, of
    which 3 h paused: 3.5 h of clock (breached). Good Friday and Easter Monday would each have
    been 8 h: 16 h. The wall clock is 4 days 21.5 h = 117.5 h; 117.5 − 6.5 − 16 = 95 h closed."""
    r = one_target_review(
        tmp_path,
        "{id: res, metric: resolution_time, within: 2h, calendar: london, objective: 90}",
        [("EASTER", 3, utc(2024, 3, 28, 16, 30), utc(2024, 4, 2, 14))],
        "2024-04",
        utc(2024, 5, 1),
        calendar='london: {timezone: Europe/London, hours: {mon-fri: "09:00-17:00"}, '
        "holidays: {country: GB, subdivision: ENG}}",
        states=[("EASTER", "On Hold", utc(2024, 4, 2, 9), utc(2024, 4, 2, 12))],
    )
    fig = charts.breach_timeline(r)
    assert [(t.name, values(t.x)) for t in fig.data] == [
        ("Business time (clock running)", [3.5]),
        ("Paused (awaiting customer)", [3.0]),
        ("Public holidays and closures", [16.0]),
        ("Outside service hours", [95.0]),
        ("Allowed business time", [2.0]),
    ]


# ---------------------------------------------------------------------------- empty charts
NOTHING_MEASURED = (
    "{id: av, metric: availability, calendar: always, objective: 99.9}, "
    "{id: res, metric: resolution_time, within: 4h, calendar: always, objective: 90}, "
    "{id: csat, metric: satisfaction, objective: 4}"
)


@pytest.fixture(scope="module")
def nothing_measured(tmp_path_factory: pytest.TempPathFactory) -> Review:
    """An availability, a resolution and a satisfaction target, and no data at all: no outage
    feed, no incident, no survey response."""
    return one_target_review(
        tmp_path_factory.mktemp("nothing"), NOTHING_MEASURED, [], "2026-10", AS_OF
    )


@pytest.fixture(scope="module")
def no_ticket_target(tmp_path_factory: pytest.TempPathFactory) -> Review:
    """An agreement with an availability target only."""
    return one_target_review(
        tmp_path_factory.mktemp("no_ticket"), "{id: av, metric: availability, calendar: always, objective: 99.9}", [],
        "2026-10", AS_OF,
    )  # fmt: skip


def says_why(fig: go.Figure) -> list[str]:
    return [a.text for a in fig.layout.annotations]


def test_a_breach_chart_without_breaches_says_why(nothing_measured: Review) -> None:
    assert says_why(charts.breach_timeline(nothing_measured)) == [
        "No ticket breached its target in October 2026"
    ]
    assert not charts.breach_timeline(nothing_measured).data


EMPTY_CHARTS: dict[str, Callable[[Review], go.Figure]] = {
    "availability_trend": charts.availability_trend,
    "attainment_trend": charts.attainment_trend,
    "volume_trend": charts.volume_trend,
    "satisfaction_trend": charts.satisfaction_trend,
}
EMPTY_CHARTS_SAY = {
    "availability_trend": "No outage data covers these periods: availability is not measured",
    "attainment_trend": "No ticket counted towards a target in these periods",
    "volume_trend": "No incident was opened, resolved or open in these periods",
    "satisfaction_trend": "No survey response in these periods",
}


@pytest.mark.parametrize("name", list(EMPTY_CHARTS))
def test_a_chart_with_nothing_measured_says_why(nothing_measured: Review, name: str) -> None:
    fig = EMPTY_CHARTS[name](nothing_measured)
    assert not fig.data  # no bare axes, no objective line alone
    assert says_why(fig) == [EMPTY_CHARTS_SAY[name]]


@pytest.mark.parametrize("name", ["ticket_attainment", "attainment_trend"])
def test_a_ticket_chart_without_ticket_targets_says_why(
    no_ticket_target: Review, name: str
) -> None:
    fig = getattr(charts, name)(no_ticket_target)
    assert not fig.data
    assert says_why(fig) == ["No response or resolution target in the agreements of this period"]


def test_the_period_bar_chart_without_tickets_says_why(nothing_measured: Review) -> None:
    fig = charts.ticket_attainment(nothing_measured)
    assert not fig.data
    assert says_why(fig) == ["No ticket counted towards a target in October 2026"]


SHOWN_IN_IPYTHON = """
import json, sys
from IPython.core.interactiveshell import InteractiveShell
shell = InteractiveShell.instance()
from IPython.core.displaypub import CapturingDisplayPublisher
shell.display_pub = CapturingDisplayPublisher()
import plotly.graph_objects as go
import slm_analysis.charts
fig = go.Figure(go.Bar(x=["a", "b"], y=[1, 2], name="<b>x</b>"))
fig.update_layout(title="t")
shell.display_formatter.format(fig)
heavy = sorted(m for m in ("nbformat", "jsonschema", "plotly.io._renderers") if m in sys.modules)
import plotly.io as pio
plotly_own = pio.renderers["plotly_mimetype"].to_mimebundle(fig.to_dict())
print(json.dumps({"shown": [o["data"] for o in shell.display_pub.outputs], "heavy": heavy,
                  "plotly": plotly_own}))
"""


def test_a_figure_shows_as_plotlys_mime_type_without_loading_its_renderers() -> None:
    """In a kernel, a figure is shown exactly as plotly's own mime-type renderer shows it,
    without plotly's renderer module (which imports nbformat and jsonschema: seconds of CPU
    in each pack's kernel)."""
    done = subprocess.run(
        [sys.executable, "-c", SHOWN_IN_IPYTHON], capture_output=True, text=True, check=True
    )
    got = json.loads(done.stdout.splitlines()[-1])
    assert got["heavy"] == []
    assert got["shown"] == [got["plotly"]]
    assert list(got["plotly"]) == ["application/vnd.plotly.v1+json"]
