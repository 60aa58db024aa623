"""The rendered pack in real headless Chromium with every network request blocked."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from offline import block_network
from playwright.sync_api import Browser, Page

from slm_analysis import warehouse
from slm_analysis.packs import render_pack

pytestmark = pytest.mark.browser
HOSTILE = '<img src=x onerror="window.__pwned=1">Mail <b>down</b> & "quoted"'


def open_offline(browser: Browser, html: Path) -> tuple[Page, list[str], list[str]]:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    requests = block_network(page)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(html.resolve().as_uri())
    page.wait_for_function(
        "document.querySelectorAll('.js-plotly-plot .main-svg').length >= 10", timeout=30000
    )
    return page, requests, errors


def test_pack_draws_every_chart_offline(browser: Browser, demo_pack: Path) -> None:
    page, requests, errors = open_offline(browser, demo_pack)
    charts = page.eval_on_selector_all(
        ".js-plotly-plot",
        "els => els.map(e => e.querySelectorAll('svg.main-svg .scatterlayer path, "
        "svg.main-svg .barlayer path').length)",
    )
    assert len(charts) >= 5 and all(n > 0 for n in charts), charts
    assert requests == [] and errors == []
    rows = page.locator("table.targets tbody tr")
    assert rows.count() == 8
    assert (
        page.locator("table.targets .rag").first.evaluate(
            "e => getComputedStyle(e).backgroundColor"
        )
        != "rgba(0, 0, 0, 0)"
    )
    assert page.locator("h1").first.inner_text() == "Acme Retail Ltd"
    page.close()


def test_hostile_text_from_the_data_is_shown_not_run(
    browser: Browser, demo_env: dict[str, Path], tmp_path: Path
) -> None:
    db = tmp_path / "w.duckdb"
    shutil.copy(demo_env["db"], db)
    with warehouse.session(db) as con:
        con.execute(
            "insert into incidents (source, number, customer, service, short_description, "
            "priority, state, opened_at, resolved_at, load_id) values ('servicenow', "
            "'INC9999999', 'acme', 'email', $t, 1, 'Resolved', $o, $r, 1)",
            {
                "t": HOSTILE,
                "o": datetime(2026, 10, 14, 9, tzinfo=UTC),
                "r": datetime(2026, 10, 14, 19, tzinfo=UTC),
            },
        )
    result = render_pack(
        "acme",
        "2026-10",
        warehouse=db,
        catalogue=demo_env["catalogue"],
        reports=tmp_path / "reports",
    )
    page, requests, errors = open_offline(browser, Path(result.html or ""))
    assert page.evaluate("window.__pwned") is None
    assert HOSTILE in page.locator("table.breaches").inner_text()
    assert page.locator("table.breaches img").count() == 0
    # plotly draws the same text in the breach timeline axis, as text
    assert page.locator(".js-plotly-plot img").count() == 0
    assert requests == [] and errors == []
    page.close()
