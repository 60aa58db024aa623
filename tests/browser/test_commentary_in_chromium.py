"""A hostile review file in a real pack, in headless Chromium with the network blocked: the
Markdown's raw HTML, event handlers and ``javascript:`` links show as text or are dropped, and
nothing runs."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from offline import block_network
from playwright.sync_api import Browser

from slm_analysis.packs import render_pack

SCRIPT = "<script>window.__pwned = 1; alert('summary')</script>"
IMG = '<img src=x onerror="window.__pwned = 2; alert(2)">'
pytestmark = pytest.mark.browser
REVIEW = f"""\
# Hostile review

## Summary

{SCRIPT} Quiet month.

## P1 resolution

{IMG} Supplier parts. [click me](javascript:window.__pwned=3) and
[<img src=y onerror="window.__pwned=4">](https://example.com/pir) and
![<script>window.__pwned=5</script>](javascript:window.__pwned=6)

## Next steps

<a href="javascript:window.__pwned=7">open</a> [data](data:text/html,<script>alert(8)</script>)
"""


def test_hostile_review_markdown_is_shown_as_text_and_nothing_runs(
    browser: Browser,
    demo_env: dict[str, Path],
    tmp_path: Path,
) -> None:
    catalogue = tmp_path / "catalogue.yaml"
    shutil.copy(demo_env["catalogue"], catalogue)
    review = tmp_path / "reviews" / "acme" / "2026-10.md"
    review.parent.mkdir(parents=True)
    review.write_text(REVIEW, encoding="utf-8")
    result = render_pack(
        "acme", "2026-10", warehouse=demo_env["db"], catalogue=catalogue,
        reports=tmp_path / "reports",
    )  # fmt: skip
    assert result.ok, result.error
    manifest = json.loads(Path(result.manifest or "").read_text(encoding="utf-8"))
    assert manifest["inputs"]["review"] == {
        "file": "reviews/acme/2026-10.md",
        "sha256": hashlib.sha256(review.read_bytes()).hexdigest(),
    }
    page = browser.new_page()
    requests = block_network(page)
    dialogs: list[str] = []
    errors: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(Path(result.html or "").resolve().as_uri())
    page.wait_for_selector(".commentary.target-comments")
    # the one link made is the https one (shown in the summary and under the target table);
    # the javascript: and data: ones stay text
    hrefs = page.eval_on_selector_all(".commentary a", "els => els.map(e => e.href)")
    assert hrefs == ["https://example.com/pir"] * 2
    assert page.evaluate("window.__pwned") is None
    assert dialogs == [] and requests == [] and errors == []
    assert page.locator(".commentary img, .commentary script").count() == 0
    summary = page.locator(".commentary.review-summary").inner_text()
    assert f"{SCRIPT} Quiet month." in summary
    assert '<a href="javascript:window.__pwned=7">open</a>' in summary
    assert "[data](data:text/html,<script>alert(8)</script>)" in summary
    comment = page.locator(".target-comment").inner_text()
    assert f"{IMG} Supplier parts. [click me](javascript:window.__pwned=3) and" in comment
    assert "![<script>window.__pwned=5</script>](javascript:window.__pwned=6)" in comment
    link = page.locator(".target-comment a")
    assert link.count() == 1
    assert link.inner_text() == '<img src=y onerror="window.__pwned=4">'
    page.close()
