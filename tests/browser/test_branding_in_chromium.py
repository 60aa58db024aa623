"""Branding, satisfaction comments and redaction, seen in real headless Chromium with every
network request blocked: the customer's colours and embedded logo on the cover, a hostile
survey comment shown as text, and an assignee named in it replaced by its pseudonym."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import Browser
from test_pack_in_chromium import open_offline

from slm_analysis import warehouse
from slm_analysis.packs import render_pack
from slm_analysis.redact import customer_key, pseudonym, workspace_secret

pytestmark = pytest.mark.browser
LOGO = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="160" height="48" viewBox="0 0 160 48">'
    '<rect width="160" height="48" rx="6" fill="#7b1fa2"/>'
    '<circle cx="24" cy="24" r="14" fill="#f9a825"/></svg>'
)
COMMENT = 'Web Agent 3 fixed it <img src=x onerror="window.__pwned=1"> & <b>fast</b>'


def test_a_branded_redacted_pack_with_comments(
    browser: Browser,
    demo_env: dict[str, Path],
    tmp_path: Path,
) -> None:
    cat = tmp_path / "catalogue.yaml"
    text = demo_env["catalogue"].read_text(encoding="utf-8")
    branded = text.replace('accent: "#f9a825"}', 'accent: "#f9a825", logo: logo.svg}')
    assert branded != text
    cat.write_text(branded, encoding="utf-8")
    (tmp_path / "logo.svg").write_text(LOGO, encoding="utf-8")
    db = tmp_path / "w.duckdb"
    shutil.copy(demo_env["db"], db)
    with warehouse.session(db) as con:
        assert con.execute(
            "select count(*) from incidents where assigned_to = 'Web Agent 3'"
        ).fetchone() != (0,)
        con.execute(
            "insert into surveys (source, response_id, customer, service, incident_number, "
            "submitted_at, score, scale, comment, load_id) values ('survey', 'SRV-HOSTILE', "
            "'acme', 'webshop', null, $t, 5, 5, $c, 1)",
            {"t": datetime(2026, 10, 31, 12, tzinfo=UTC), "c": COMMENT},
        )
    result = render_pack(
        "acme", "2026-10", warehouse=db, catalogue=cat, reports=tmp_path / "reports",
        redact_people=True,
    )  # fmt: skip
    page, requests, errors = open_offline(browser, Path(result.html or ""))
    assert page.evaluate("window.__pwned") is None
    assert requests == [] and errors == []
    logo = page.locator(".cover img.brand-logo")
    assert logo.evaluate("e => [e.complete, e.naturalWidth, e.src.slice(0, 26)]") == [
        True, 160, "data:image/svg+xml;base64,"
    ]  # fmt: skip
    assert logo.get_attribute("alt") == "Acme Retail Ltd logo"
    colour = "e => getComputedStyle(e).color"
    assert page.locator("h2").first.evaluate(colour) == "rgb(123, 31, 162)"
    assert page.locator(".cover").evaluate("e => getComputedStyle(e).borderBottomColor") == (
        "rgb(249, 168, 37)"
    )
    first = page.locator("ul.comments li q").first.inner_text()
    ann = pseudonym("Web Agent 3", customer_key(workspace_secret(tmp_path), "acme"))
    assert first == COMMENT.replace("Web Agent 3", ann)
    assert page.locator("ul.comments img, ul.comments b").count() == 0
    assert "Web Agent 3" not in page.content()
    page.close()
