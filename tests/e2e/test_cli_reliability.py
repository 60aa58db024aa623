"""`slm attainment` with a reliability target: the table and the JSON record, compared whole.

Customer ``c``, service ``email``, 24x7 UTC; one target: the 90th percentile of resolution
times at most 4 h. October 2026 (data complete to 2 November):

- I1  1 Oct 08:00 → 10:00   2 h
- I2  5 Oct 08:00 → 13:00   5 h
- I3  7 Oct 08:00 → 09:30   1 h 30 min
- I4 30 Oct 09:00 → still open: in no percentile, counted as open

Ascending 1.5, 2, 5 h; nearest rank ⌈0.9 × 3⌉ = 3 → 5 h > 4 h: Missed. The twelve months hold
the same three incidents. Durations are shown to the minute, the JSON gives seconds.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from slm_analysis import warehouse
from slm_analysis.cli import main

CATALOGUE = """
calendars: {always: {timezone: UTC, hours: 24x7}}
customers: [{id: c, name: Customer, timezone: UTC}]
services: [{id: email, name: Email}]
agreements:
  - id: sla
    customer: c
    services: [email]
    targets:
      - {id: p90-res, metric: mttr, statistic: p90, calendar: always, objective: 4h}
"""


def utc(*a: int) -> datetime:
    return datetime(*a, tzinfo=UTC)


@pytest.fixture
def files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    for name in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "SLM_DB", "SLM_CATALOGUE"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / "catalogue.yaml").write_text(CATALOGUE, encoding="utf-8")
    with warehouse.session(tmp_path / "w.duckdb") as con:
        for number, opened, resolved in [
            ("I1", utc(2026, 10, 1, 8), utc(2026, 10, 1, 10)),
            ("I2", utc(2026, 10, 5, 8), utc(2026, 10, 5, 13)),
            ("I3", utc(2026, 10, 7, 8), utc(2026, 10, 7, 9, 30)),
            ("I4", utc(2026, 10, 30, 9), None),
        ]:
            con.execute(
                "insert into incidents (source, number, customer, service, priority, state, "
                "opened_at, resolved_at, load_id) values ('t', $n, 'c', 'email', 3, $s, $o, $r, 0)",
                {
                    "n": number,
                    "s": "Resolved" if resolved else "In Progress",
                    "o": opened,
                    "r": resolved,
                },
            )
    return ["--db", str(tmp_path / "w.duckdb"), "--catalogue", str(tmp_path / "catalogue.yaml"),
            "attainment", "--customer", "c", "--period", "2026-10",
            "--as-of", "2026-11-02T12:00:00Z"]  # fmt: skip


# Widths: target 7, service 7, objective 9 (header), achieved 15 ("5h 00m (1 open)"), n 1,
# 95 % interval 13, 12 months 9, status 6 → 92 wide; "c 2026-10" (9) centred: 41 | 42.
TABLE = (
    "                                         c 2026-10                                          \n"
    "┏━━━━━━━━━┳━━━━━━━━━┳━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━┳━━━┳━━━━━━━━━━━━━━━┳━━━━━━━━━━━┳━━━━━━━━┓\n"
    "┃ target  ┃ service ┃ objective ┃ achieved        ┃ n ┃ 95 % interval ┃ 12 months ┃ status ┃\n"
    "┡━━━━━━━━━╇━━━━━━━━━╇━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━╇━━━╇━━━━━━━━━━━━━━━╇━━━━━━━━━━━╇━━━━━━━━┩\n"
    "│ p90-res │ email   │ 4h 00m    │ 5h 00m (1 open) │ 3 │ –             │ 5h 00m    │ Missed │\n"
    "└─────────┴─────────┴───────────┴─────────────────┴───┴───────────────┴───────────┴────────┘\n"
)


def test_attainment_table_of_a_percentile_target(files: list[str]) -> None:
    r = CliRunner().invoke(main, files)
    assert (r.exit_code, r.stderr) == (0, "")
    assert r.stdout == TABLE


def test_attainment_json_of_a_percentile_target(files: list[str]) -> None:
    r = CliRunner().invoke(main, [*files, "--json"])
    assert (r.exit_code, r.stderr) == (0, "")
    assert json.loads(r.stdout) == [
        {
            "id": "p90-res",
            "agreement": "sla",
            "service": "email",
            "metric": "mttr",
            "method": None,  # availability targets only
            "period": "2026-10",
            "objective": 14400.0,
            "warning": None,
            "achieved": 18000.0,
            "status": "Missed",
            "met": False,
            "rag": "red",
            "in_progress": False,
            "as_of": "2026-11-02T12:00:00+00:00",
            "n": 3,
            "interval": [None, None],
            "unit": "s",
            "coverage": None,
            "no_data_s": None,
            "open": 1,
            "note": None,
            "rolling_12_months": {"period": "2025-11..2026-10", "achieved": 18000.0, "n": 3},
            "error_budget": None,  # a duration statistic allows no count of misses
        }
    ]
