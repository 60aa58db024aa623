"""The pack's satisfaction detail, hand-worked on nine survey responses of October 2026 (UTC):

| response | customer | submitted (UTC)  | service | incident (priority) | score | comment          |
|----------|----------|------------------|---------|---------------------|-------|------------------|
| R1       | acme     | 10-02 09:00      | email   | I1 (P1)             | 5     | Quick, thanks …  |
| R2       | acme     | 10-05 09:00      | webshop | I2 (P3)             | 2     | blank            |
| R3       | acme     | 10-20 09:00      | email   | none                | 4     | <script>…        |
| R4       | acme     | 10-31 23:30      | webshop | I2 (P3)             | 4     |                  |
| R9       | acme     | 10-10 09:00      | none    | I1 (P1)             | 3     |                  |
| R5       | acme     | 11-01 00:00      | email   | I1                  | 1     | (November: out)  |
| R6       | acme     | 09-30 23:59      | email   | I1                  | 1     | (September: out) |
| R7       | globex   | 10-10 09:00      | erp     | I1 (globex's: P4)   | 1     | (other customer) |
| R8       | acme     | 10-10 09:00      | erp     | I1                  | 1     | (not its service)|

In: R1, R2, R3, R4, R9 — n 5; scores 2, 3, 4, 4, 5 → 20 %, 20 %, 40 %, 20 % (and 1: 0 %). With 20 tickets
resolved, the response rate is 5 / 20 = 25 %. Satisfied from 4:
email 5, 4 → mean 4.5, 100 %; webshop 2, 4 → 3, 50 %; no service 3 → 3, 0 %.
P1 5, 3 → 4, 50 %; P3 2, 4 → 3, 50 %; no incident 4 → 4, 100 %.
Comments, newest first: R3, R1 (R2's blank is none).
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, cast

import duckdb
import pandas as pd

from slm_analysis.catalogue import parse_catalogue
from slm_analysis.charts import satisfaction_axis, satisfaction_scores
from slm_analysis.periods import Period
from slm_analysis.present import (
    satisfaction_breakdown,
    satisfaction_comments,
    satisfaction_summary,
)
from slm_analysis.review import Review
from slm_analysis.satisfaction import satisfaction_detail, satisfaction_responses

INCIDENTS = [("I1", "acme", 1), ("I2", "acme", 3), ("I1", "globex", 4)]
SURVEYS = [  # id, customer, submitted, service, incident, score, comment
    ("R1", "acme", "2026-10-02 09:00", "email", "I1", 5, "Quick, thanks Ann Lee"),
    ("R2", "acme", "2026-10-05 09:00", "webshop", "I2", 2, "  "),
    ("R3", "acme", "2026-10-20 09:00", "email", None, 4, "<script>alert(1)</script> & co"),
    ("R4", "acme", "2026-10-31 23:30", "webshop", "I2", 4, None),
    ("R9", "acme", "2026-10-10 09:00", None, "I1", 3, None),
    ("R5", "acme", "2026-11-01 00:00", "email", "I1", 1, "late"),
    ("R6", "acme", "2026-09-30 23:59", "email", "I1", 1, "early"),
    ("R7", "globex", "2026-10-10 09:00", "erp", "I1", 1, "theirs"),
    ("R8", "acme", "2026-10-10 09:00", "erp", "I1", 1, "not its service"),
]
CATALOGUE = """customers:
  - {id: acme, name: Acme, timezone: Europe/London, satisfaction: {comments: 2}}
services:
  - {id: email, name: Email & Collaboration}
  - {id: webshop, name: Web Shop}
"""


def responses(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    for number, customer, priority in INCIDENTS:
        con.execute(
            "insert into incidents (source, number, customer, priority, opened_at, load_id) "
            "values ('t', ?, ?, ?, '2026-10-01 00:00+00', 1)",
            [number, customer, priority],
        )
    for rid, customer, at, service, incident, score, comment in SURVEYS:
        con.execute(
            "insert into surveys (source, response_id, customer, service, incident_number, "
            "submitted_at, score, scale, comment, load_id) values ('t', ?, ?, ?, ?, ?, ?, 5, ?, 1)",
            [rid, customer, service, incident, at + "+00", score, comment],
        )
    period = Period.parse("2026-10")
    return satisfaction_responses(con, "acme", period, services=["email", "webshop"], zone="UTC")


def records(df: pd.DataFrame) -> list[dict[str, Any]]:
    return [{k: (None if pd.isna(v) else v) for k, v in r.items()} for r in df.to_dict("records")]


def test_responses_of_the_period_the_customer_and_its_services(
    con: duckdb.DuckDBPyConnection,
) -> None:
    r = responses(con)
    assert list(r["response_id"]) == ["R1", "R2", "R9", "R3", "R4"]
    assert [None if pd.isna(p) else int(p) for p in r["priority"]] == [1, 3, 1, None, 3]
    assert [None if pd.isna(c) else c for c in r["comment"]] == [
        "Quick, thanks Ann Lee", None, None, "<script>alert(1)</script> & co", None
    ]  # fmt: skip


def test_rate_distribution_groups_and_comments(con: duckdb.DuckDBPyConnection) -> None:
    d = satisfaction_detail(responses(con), resolved=20, satisfied_from=4, comments=2)
    assert (d.responses, d.resolved, d.response_rate, d.satisfied_from) == (5, 20, 25.0, 4)
    assert records(d.distribution) == [
        {"scale": 5, "score": 1.0, "responses": 0, "share": 0.0},
        {"scale": 5, "score": 2.0, "responses": 1, "share": 20.0},
        {"scale": 5, "score": 3.0, "responses": 1, "share": 20.0},
        {"scale": 5, "score": 4.0, "responses": 2, "share": 40.0},
        {"scale": 5, "score": 5.0, "responses": 1, "share": 20.0},
    ]
    assert records(d.by_service) == [
        {"service": "email", "responses": 2, "mean_score": 4.5, "satisfied_share": 100.0},
        {"service": "webshop", "responses": 2, "mean_score": 3.0, "satisfied_share": 50.0},
        {"service": None, "responses": 1, "mean_score": 3.0, "satisfied_share": 0.0},
    ]
    assert records(d.by_priority) == [
        {"priority": 1, "responses": 2, "mean_score": 4.0, "satisfied_share": 50.0},
        {"priority": 3, "responses": 2, "mean_score": 3.0, "satisfied_share": 50.0},
        {"priority": None, "responses": 1, "mean_score": 4.0, "satisfied_share": 100.0},
    ]
    assert list(d.comments["comment"]) == [
        "<script>alert(1)</script> & co",
        "Quick, thanks Ann Lee",
    ]


def test_without_a_satisfaction_target_or_resolved_tickets(con: duckdb.DuckDBPyConnection) -> None:
    rows = responses(con)
    d = satisfaction_detail(rows, resolved=0)
    assert d.response_rate is None and d.comments.empty
    assert list(d.by_service["satisfied_share"]) == [None, None, None]
    none = satisfaction_detail(rows.iloc[:0], resolved=3)
    assert (none.responses, none.response_rate, none.distribution.empty) == (0, 0.0, True)


def review(rows: pd.DataFrame, comments: int = 2) -> Review:
    cat = parse_catalogue(CATALOGUE.replace("comments: 2", f"comments: {comments}"), "c.yaml")
    d = satisfaction_detail(rows, resolved=20, satisfied_from=4, comments=2)
    fake = SimpleNamespace(
        satisfaction_detail=d, customer=cat.customers[0], catalogue=cat, zone="Europe/London"
    )
    return cast(Review, fake)


def test_the_pack_shows_counts_rate_and_scores(con: duckdb.DuckDBPyConnection) -> None:
    assert satisfaction_summary(review(responses(con))) == (
        '<dl class="facts satisfaction-facts"><dt>Survey responses</dt><dd>5 responses</dd>'
        "<dt>Tickets resolved</dt><dd>20 tickets</dd><dt>Response rate</dt><dd>25.0 %</dd></dl>"
        '<table class="slm satisfaction-scores"><thead><tr><th>Score</th><th>Responses</th>'
        "<th>Share</th></tr></thead><tbody>"
        "<tr><td>1 / 5</td><td>0 responses</td><td>0.0 %</td></tr>"
        "<tr><td>2 / 5</td><td>1 response</td><td>20.0 %</td></tr>"
        "<tr><td>3 / 5</td><td>1 response</td><td>20.0 %</td></tr>"
        "<tr><td>4 / 5</td><td>2 responses</td><td>40.0 %</td></tr>"
        "<tr><td>5 / 5</td><td>1 response</td><td>20.0 %</td></tr></tbody></table>"
    )


def test_the_pack_names_services_and_priorities_with_n(con: duckdb.DuckDBPyConnection) -> None:
    html = satisfaction_breakdown(review(responses(con)))
    head = "<th>n (responses)</th><th>Mean score</th><th>Satisfied (score 4 or more)</th>"
    assert html == (
        f'<table class="slm satisfaction-groups"><thead><tr><th>Service</th>{head}</tr></thead>'
        "<tbody><tr><td>Email &amp; Collaboration</td><td>2</td><td>4.50 / 5</td>"
        "<td>100.0 %</td></tr><tr><td>Web Shop</td><td>2</td><td>3.00 / 5</td><td>50.0 %</td>"
        "</tr><tr><td>–</td><td>1</td><td>3.00 / 5</td><td>0.0 %</td></tr></tbody></table>"
        '<table class="slm satisfaction-groups"><thead><tr><th>Priority of the ticket</th>'
        f"{head}</tr></thead><tbody><tr><td>P1</td><td>2</td><td>4.00 / 5</td><td>50.0 %</td>"
        "</tr><tr><td>P3</td><td>2</td><td>3.00 / 5</td><td>50.0 %</td></tr><tr><td>no "
        "incident</td><td>1</td><td>4.00 / 5</td><td>100.0 %</td></tr></tbody></table>"
    )


def test_comments_are_opt_in_and_escaped(con: duckdb.DuckDBPyConnection) -> None:
    rows = responses(con)
    assert satisfaction_comments(review(rows, comments=0)) == ""
    assert satisfaction_comments(review(rows)) == (
        '<p class="comments-title"><b>Latest comments, verbatim</b></p><ul class="comments"><li><q>&lt;script&gt;alert(1)&lt;/script&gt; &amp; co</q> '
        '<span class="note">— 4 / 5, Email &amp; Collaboration, 2026-10-20</span></li>'
        "<li><q>Quick, thanks Ann Lee</q> "
        '<span class="note">— 5 / 5, Email &amp; Collaboration, 2026-10-02</span></li></ul>'
    )


def test_the_scores_chart_and_the_axis_say_what_they_plot(con: duckdb.DuckDBPyConnection) -> None:
    fig = satisfaction_scores(review(responses(con)))
    bar = fig.data[0]
    assert list(bar.x) == ["1 / 5", "2 / 5", "3 / 5", "4 / 5", "5 / 5"]
    assert list(bar.y) == [0, 1, 1, 2, 1]
    assert list(bar.text) == ["0 %", "20 %", "20 %", "40 %", "20 %"]
    assert satisfaction_axis(["%", "%"]) == "Responses satisfied (%)"
    assert satisfaction_axis(["/ 5"]) == "Mean score (/ 5)"
    assert satisfaction_axis(["/ 5", "%"]) == "Mean score or % satisfied"
