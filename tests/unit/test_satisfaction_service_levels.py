"""Satisfaction versus service levels, hand-worked on the tickets of tests/reconcile_case.py
(October 2026, resolution within 4 business hours, Mon–Fri 09:00–17:00 UTC) plus two:

- EX  Mon 19 Oct 09:00 → 13:00: exactly 4 h, met, band 4–8 h (bands are [lo, hi))
- LG  Tue 20 Oct 09:00 → Mon 26 Oct 09:00: 4 × 8 h = 32 h, missed, band 24–72 h

Survey responses (score 1–5; the satisfaction target counts 4 or more as satisfied):

| ticket | verdict | business time | band    | scores |
|--------|---------|---------------|---------|--------|
| AG     | Met     | 2 h           | < 4 h   | 5      |
| PA     | Met     | 3 h           | < 4 h   | 4      |
| CA     | Met     | 3 h           | < 4 h   | 4      |
| ST     | Met     | 3 h           | < 4 h   | 3      |
| NV     | Met     | 1 h           | < 4 h   | 5      |
| EX     | Met     | 4 h           | 4–8 h   | 4      |
| RO     | Missed  | 5 h           | 4–8 h   | 2      |
| UN     | Missed  | 6 h           | 4–8 h   | 1, 3   |
| LG     | Missed  | 32 h          | 24–72 h | 2      |

Left out: a response about NO (counted in November), one about no incident, one about an
incident no target counts (ZZ).

Met: 5, 4, 4, 3, 5, 4 — n 6, mean 25/6 = 4.1667, s² = (0.8333² × 2 + 0.1667² × 3 + 1.1667²)/5
= 2.8333/5 = 0.56667, s = 0.75277; t(0.975, 5) = 2.570582: half-width 2.570582 × 0.75277 / √6
= 0.78998 → 3.37669–4.95665. Satisfied 5 of 6.
Missed: 2, 1, 3, 2 — n 4, mean 2, s² = (0 + 1 + 1 + 0)/3 = 0.66667, s = 0.81650; t(0.975, 3) =
3.182446: half-width 3.182446 × 0.81650 / 2 = 1.29923 → 0.70077–3.29923. Satisfied 0 of 4.
< 4 h: 5, 4, 4, 3, 5 — n 5, mean 4.2, s² = 2.8/4 = 0.7, s = 0.83666; t(0.975, 4) = 2.776445:
half-width 1.03885 → 3.16115–5.23885. Satisfied 4 of 5.
4–8 h: 4, 2, 1, 3 — n 4, mean 2.5, s² = (2.25 + 0.25 + 2.25 + 0.25)/3 = 1.66667, s = 1.29099;
half-width 3.182446 × 1.29099 / 2 = 2.05426 → 0.44574–4.55426. Satisfied 1 of 4.
24–72 h: 2 — n 1, mean 2, no interval. Satisfied 0 of 1.
"""

from __future__ import annotations

import math

import duckdb
import pandas as pd
import pytest
from reconcile_case import AS_OF, CATALOGUE, fill, utc

from slm_analysis import measures
from slm_analysis.catalogue import parse_catalogue
from slm_analysis.satisfaction import COLUMNS, satisfaction_by_service_level

WITH_CSAT = CATALOGUE.replace(
    "objective: 90}\n",
    "objective: 90}\n      - {id: csat, metric: satisfaction, measure: percent_satisfied, "
    "satisfied_from: 4, objective: 80}\n",
)
RESPONSES = [  # incident, score
    ("AG", 5), ("PA", 4), ("CA", 4), ("ST", 3), ("NV", 5), ("EX", 4), ("RO", 2), ("UN", 1),
    ("UN", 3), ("LG", 2), ("NO", 1), (None, 1), ("ZZ", 1),
]  # fmt: skip


def wilson(k: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, 100 * (centre - half)), min(100.0, 100 * (centre + half))


@pytest.fixture
def rated(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    fill(con)
    for number, opened, resolved in (
        ("EX", utc(2026, 10, 19, 9), utc(2026, 10, 19, 13)),
        ("LG", utc(2026, 10, 20, 9), utc(2026, 10, 26, 9)),
    ):
        con.execute(
            "insert into incidents (source, number, customer, service, priority, state, "
            "opened_at, resolved_at, load_id) values ('t', $n, 'c', 'email', 3, 'Resolved', "
            "$o, $r, 0)",
            {"n": number, "o": opened, "r": resolved},
        )
    for i, (number, score) in enumerate(RESPONSES):
        con.execute(
            "insert into surveys values ('s', $r, 'c', 'email', $n, $t, $score, 5, null, 0)",
            {"r": f"R{i}", "n": number, "t": utc(2026, 10, 30, 12), "score": score},
        )
    return con


def test_satisfaction_by_verdict_and_band(rated: duckdb.DuckDBPyConnection) -> None:
    df = satisfaction_by_service_level(
        rated, parse_catalogue(WITH_CSAT), "c", "2026-10", as_of=AS_OF
    )
    assert list(df.columns) == COLUMNS
    assert set(df["id"]) == {"res"} and set(df["satisfied_from"]) == {4}
    got = {
        r["group"]: (r["by"], r["n"], r["mean_score"], r["mean_low"], r["mean_high"],
                     r["satisfied"], r["satisfied_share"], r["share_low"], r["share_high"])
        for r in df.to_dict(orient="records")
    }  # fmt: skip
    assert list(got) == ["Met", "Missed", "< 4 h", "4–8 h", "8–24 h", "24–72 h", "≥ 72 h"]
    expected = {
        "Met": ("verdict", 6, 25 / 6, 3.37669, 4.95665, 5, 5, 6),
        "Missed": ("verdict", 4, 2.0, 0.70077, 3.29923, 0, 0, 4),
        "< 4 h": ("resolution time", 5, 4.2, 3.16115, 5.23885, 4, 4, 5),
        "4–8 h": ("resolution time", 4, 2.5, 0.44574, 4.55426, 1, 1, 4),
        "24–72 h": ("resolution time", 1, 2.0, None, None, 0, 0, 1),
    }
    for group, (by, n, mean, lo, hi, sat, k, of) in expected.items():
        g = got[group]
        assert g[:3] == (by, n, pytest.approx(mean))
        if lo is None:  # one response: no spread, no interval
            assert pd.isna(g[3]) and pd.isna(g[4])
        else:
            assert g[3:5] == (pytest.approx(lo, abs=1e-5), pytest.approx(hi, abs=1e-5))
        assert g[5:7] == (sat, pytest.approx(100 * k / of))
        assert g[7:] == pytest.approx(wilson(k, of))
    for empty in ("8–24 h", "≥ 72 h"):
        assert got[empty][1] == 0 and got[empty][5] == 0
        assert pd.isna(got[empty][2]) and pd.isna(got[empty][6])


def test_without_a_satisfaction_target_no_share_is_claimed(
    rated: duckdb.DuckDBPyConnection,
) -> None:
    cat = parse_catalogue(CATALOGUE)
    run = measures.run_clocks(rated, cat, "c", as_of=AS_OF)
    df = satisfaction_by_service_level(rated, cat, "c", "2026-10", clocks=run)
    assert df["satisfied"].isna().all() and df["satisfied_share"].isna().all()
    assert df["n"].tolist() == [6, 4, 5, 4, 0, 1, 0]
