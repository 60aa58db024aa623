"""Shared fixtures: tiny in-memory warehouses and one demo warehouse per test session."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from slm_analysis import warehouse
from slm_analysis.workflows import run_demo

# A terminal inside `slm lab` has SLM_LAB_HOME set (and a user may have SLM_HOME); the tests
# choose their workspaces themselves.
for _name in ("SLM_HOME", "SLM_LAB_HOME"):
    os.environ.pop(_name, None)

FIXTURES = Path(__file__).parent / "fixtures"
DEMO_PERIOD = "2026-10"


@pytest.fixture
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    c = warehouse.connect(":memory:")
    yield c
    c.close()


@pytest.fixture(scope="session")
def demo_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Demo exports loaded into a warehouse file (no packs rendered)."""
    root = tmp_path_factory.mktemp("demo")
    db = root / "warehouse.duckdb"
    catalogue = root / "catalogue.yaml"
    result = run_demo(
        db, catalogue, root / "raw", end=DEMO_PERIOD, render=False, echo=lambda _: None
    )
    assert not result.failed
    return {"root": root, "db": db, "catalogue": catalogue, "reports": root / "reports"}


@pytest.fixture(scope="session")
def demo_pack(demo_env: dict[str, Path]) -> Path:
    """The acme demo pack, rendered once per session."""
    from slm_analysis.packs import render_pack

    result = render_pack(
        "acme",
        DEMO_PERIOD,
        warehouse=demo_env["db"],
        catalogue=demo_env["catalogue"],
        reports=demo_env["reports"],
    )
    assert result.html is not None
    return Path(result.html)
