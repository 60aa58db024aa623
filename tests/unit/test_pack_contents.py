"""The pack's contents: one entry per ``##`` section, linking to the id the heading really has;
placed after the cover, before the first section; a printed page break before the second."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from slm_analysis.packs import DEFAULT_TEMPLATE, TocPreprocessor, _to_html, heading_id


def notebook() -> nbformat.NotebookNode:
    cover = new_code_cell(
        "cover()",
        outputs=[new_output("display_data", {"text/html": '<section class="cover">C</section>'})],
    )
    return new_notebook(
        cells=[
            cover,
            new_markdown_cell("## Executive summary"),
            new_markdown_cell("## Service level targets\n\nEach target.\n\n### Error budgets"),
            new_markdown_cell("## R&D: did it work?"),
        ]
    )


def test_heading_ids_are_the_ones_nbconvert_gives() -> None:
    assert heading_id("Service level targets") == "Service-level-targets"
    assert heading_id("R&D: did it work?") == "R&D:-did-it-work?"
    assert heading_id("Ünïcode <b>") == "%C3%9Cn%C3%AFcode-%3Cb%3E"


def test_the_contents_lists_the_sections_and_marks_where_they_go() -> None:
    nb, resources = TocPreprocessor().preprocess(notebook(), {})
    assert resources["toc"] == [
        {"title": "Executive summary", "anchor": "Executive-summary"},
        {"title": "Service level targets", "anchor": "Service-level-targets"},
        {"title": "R&D: did it work?", "anchor": "R&D:-did-it-work?"},
    ]
    assert [c.metadata.get("slm_starts") for c in nb.cells] == [None, "contents", "page", None]


def test_the_exported_pack_has_the_contents_after_the_cover_linking_to_the_headings() -> None:
    html, charts = _to_html(notebook(), DEFAULT_TEMPLATE, datetime(2026, 11, 3, tzinfo=UTC))
    body = html[html.index("<main>") :]
    order = re.findall(
        r'<section class="cover">|<nav[^>]*>|<h2 id="[^"]*"|class="page-break"', body
    )
    assert order == [
        '<section class="cover">',
        '<nav aria-label="Contents" class="toc">',
        '<h2 id="Executive-summary"',
        'class="page-break"',
        '<h2 id="Service-level-targets"',
        '<h2 id="R&amp;D:-did-it-work?"',
    ]
    assert re.findall(r'<li><a href="([^"]*)">([^<]*)</a></li>', body) == [
        ("#Executive-summary", "Executive summary"),
        ("#Service-level-targets", "Service level targets"),
        ("#R&amp;D:-did-it-work?", "R&amp;D: did it work?"),
    ]
    assert charts == 0
