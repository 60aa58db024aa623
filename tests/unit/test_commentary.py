"""Review files: sections per target and per topic, exact mistakes, Markdown rendered safely."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from markupsafe import Markup

from slm_analysis.catalogue import load_catalogue
from slm_analysis.commentary import (
    Comment,
    Commentary,
    CommentaryError,
    load_commentary,
    parse_review,
    render_markdown,
    unexplained,
    unexplained_note,
)
from slm_analysis.periods import Period
from slm_analysis.redact import Redactor, pseudonym

TARGETS = {
    "sla/p1-resolution": "P1 resolution",
    "sla/csat": "Satisfaction",
    "ola/p1-resolution": "P1 fix by the network team",
}

REVIEW = """\
# Acme — October 2026

## Summary

A quiet month.

## sla/p1-resolution
Two of the six P1 incidents waited for supplier parts.

### Detail
More text.

## satisfaction
Scores dipped after the *migration*.

## Next steps

## P1 FIX BY  the network team
"""


def test_sections_by_key_id_or_name_case_and_spacing_aside() -> None:
    c = parse_review(REVIEW, "r.md", TARGETS)
    assert {k: (v.heading, v.line, v.text) for k, v in c.targets.items()} == {
        "sla/p1-resolution": (
            "sla/p1-resolution",
            7,
            "Two of the six P1 incidents waited for supplier parts.\n\n### Detail\nMore text.",
        ),
        "sla/csat": ("satisfaction", 13, "Scores dipped after the *migration*."),
    }
    # an empty section explains nothing: "Next steps" and the OLA target are left out
    assert {k: v.text for k, v in c.sections.items()} == {"summary": "A quiet month."}
    assert c.targets["sla/csat"].html == Markup(
        "<p>Scores dipped after the <em>migration</em>.</p>\n"
    )


def test_every_mistake_is_listed_with_its_line() -> None:
    text = (
        "Intro before any section\n"
        "## Availability\n"
        "x\n"
        "# A second title\n"
        "## P1 resolution\n"
        "a\n"
        "## p1-resolution\n"
        "b\n"
        "## Summary\n"
        "c\n"
        "## Executive summary\n"
        "d\n"
    )
    with pytest.raises(CommentaryError) as err:
        parse_review(text, "reviews/acme/2026-10.md", TARGETS)
    assert str(err.value) == (
        "the review file has 5 mistakes:\n"
        "  - reviews/acme/2026-10.md:1: layout: text before the first '##' section; move it "
        "under a section such as '## Summary'\n"
        "  - reviews/acme/2026-10.md:2: section '## Availability': is neither a target in force "
        "in the period nor a section; use one of: p1-resolution (P1 resolution), csat "
        "(Satisfaction), p1-resolution (P1 fix by the network team), Summary, Major incidents, "
        "Next steps\n"
        "  - reviews/acme/2026-10.md:4: layout: a '#' heading; use '##' for a section and '###' "
        "inside one\n"
        "  - reviews/acme/2026-10.md:7: section '## p1-resolution': names several targets "
        "(ola/p1-resolution, sla/p1-resolution); write the target as agreement/id\n"
        "  - reviews/acme/2026-10.md:11: section '## Executive summary': is the same section as "
        "'## Summary' on line 9; write each target or section once"
    )


def test_a_file_of_no_sections_explains_nothing_and_loose_text_is_a_mistake() -> None:
    for text in ("", "# Only a title\n", "\n\n"):
        c = parse_review(text, "r.md", TARGETS)
        assert (c.targets, c.sections) == ({}, {})
    with pytest.raises(CommentaryError) as err:
        parse_review("# Title\n\nWhy P1 was missed\n", "r.md", TARGETS)
    assert str(err.value) == (
        "the review file has 1 mistake:\n  - r.md:3: layout: text before the first '##' "
        "section; move it under a section such as '## Summary'"
    )


def test_a_heading_inside_a_code_block_opens_no_section() -> None:
    c = parse_review("## Summary\n```\n## not a heading\n```\n", "r.md", TARGETS)
    assert c.sections["summary"].html == Markup("<pre><code>## not a heading\n</code></pre>\n")


HOSTILE = [
    ("<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n"),
    (
        '<img src=x onerror="alert(1)">',
        "<p>&lt;img src=x onerror=&quot;alert(1)&quot;&gt;</p>\n",
    ),
    ("[click](javascript:alert(1))", "<p>[click](javascript:alert(1))</p>\n"),
    ("[click](JaVaScRiPt:alert(1))", "<p>[click](JaVaScRiPt:alert(1))</p>\n"),
    ("[click](java&#115;cript:alert(1))", "<p>[click](javascript:alert(1))</p>\n"),
    ("[click](%20javascript:alert(1))", "<p>[click](%20javascript:alert(1))</p>\n"),
    ("<javascript:alert(1)>", "<p>&lt;javascript:alert(1)&gt;</p>\n"),
    ("[d](data:text/html;base64,PHNjcmlwdD4=)", "<p>[d](data:text/html;base64,PHNjcmlwdD4=)</p>\n"),
    ("[r](notes.html)", "<p>[r](notes.html)</p>\n"),
    # inside link text and image alt text
    (
        "[<img src=x onerror=alert(1)>](https://ok.example/a)",
        '<p><a href="https://ok.example/a">&lt;img src=x onerror=alert(1)&gt;</a></p>\n',
    ),
    (
        "![<script>alert(1)</script>](javascript:alert(1))",
        "<p>![&lt;script&gt;alert(1)&lt;/script&gt;](javascript:alert(1))</p>\n",
    ),
    # an image is never loaded: its text becomes a link to it
    (
        "![chart](https://cdn.example/x.png)",
        '<p>!<a href="https://cdn.example/x.png">chart</a></p>\n',
    ),
    (
        '[t](https://a.example "<b>")',
        '<p><a href="https://a.example" title="&lt;b&gt;">t</a></p>\n',
    ),
    ("[m](mailto:desk@acme.example)", '<p><a href="mailto:desk@acme.example">m</a></p>\n'),
    (
        "<https://status.example>",
        '<p><a href="https://status.example">https://status.example</a></p>\n',
    ),
]


@pytest.mark.parametrize(("markdown", "html"), HOSTILE)
def test_markdown_renders_raw_html_as_text_and_links_only_to_http_or_mail(
    markdown: str, html: str
) -> None:
    out = render_markdown(markdown)
    assert isinstance(out, Markup)
    assert str(out) == html


def test_unexplained_misses_are_the_missed_targets_without_a_comment() -> None:
    c = parse_review("## P1 resolution\nParts.\n", "r.md", TARGETS)
    current = pd.DataFrame(
        {
            "agreement": ["sla", "sla", "ola", "sla"],
            "id": ["p1-resolution", "csat", "p1-resolution", "p2"],
            "name": ["P1 resolution", "Satisfaction", "P1 fix by the network team", "P2"],
            "status": ["Missed", "Missed", "Missed", "At risk"],
        }
    )
    missed = unexplained(current, c)
    assert list(missed["agreement"] + "/" + missed["id"]) == ["sla/csat", "ola/p1-resolution"]


CATALOGUE = """\
calendars: {always: {timezone: UTC, hours: 24x7}}
customers: [{id: acme, name: Acme}]
services: [{id: mail, name: Mail}]
agreements:
  - id: sla
    kind: SLA
    customer: acme
    services: [mail]
    targets:
      - {id: p1, metric: resolution_time, priority: 1, within: 4h, calendar: always,
         objective: 90}
"""


def test_the_review_file_beside_the_catalogue(tmp_path: Path) -> None:
    (tmp_path / "catalogue.yaml").write_text(CATALOGUE, encoding="utf-8")
    cat = load_catalogue(tmp_path / "catalogue.yaml")
    none = load_commentary(cat, "acme", Period.parse("2026-10"))
    assert (none.exists, none.name, none.targets) == (False, "reviews/acme/2026-10.md", {})
    missed = pd.DataFrame(
        {"agreement": ["sla"], "id": ["p1"], "name": ["P1 resolution"], "status": ["Missed"]}
    )
    assert unexplained_note(missed, none) == (
        "P1 resolution (p1): write the reason for each miss under a '## <target id or name>' "
        "heading in a new file reviews/acme/2026-10.md beside the catalogue"
    )
    folder = tmp_path / "reviews" / "acme"
    folder.mkdir(parents=True)
    (folder / "2026-Q4.md").write_text("\ufeff## P1 resolution\nParts.\n", encoding="utf-8")
    found = load_commentary(cat, "acme", Period.parse("2026-Q4"))
    assert (found.exists, found.name, found.targets["sla/p1"].text) == (
        True,
        "reviews/acme/2026-Q4.md",
        "Parts.",
    )
    (folder / "2026-11.md").write_bytes(b"## P1\n\xff\n")
    with pytest.raises(CommentaryError) as err:
        load_commentary(cat, "acme", Period.parse("2026-11"))
    assert str(err.value) == (
        "the review file has 1 mistake:\n"
        f"  - {folder / '2026-11.md'}: file: not UTF-8 text (invalid start byte); save it as UTF-8"
    )


def test_redaction_reaches_every_comment() -> None:
    """`--redact-people` passes every comment's Markdown through the redactor (review.redacted
    does so with the customer's names): target comments and sections alike."""
    key = b"k" * 32
    c = Commentary(
        "reviews/acme/2026-10.md",
        targets={"sla/p1": Comment("P1 resolution", 4, "Ann Lee waited on parts")},
        sections={"summary": Comment("Summary", 2, "Thanks to **ann lee**.")},
    )
    out = c.map_text(Redactor.build(["Ann Lee"], key).text)
    ann = pseudonym("Ann Lee", key)
    assert out.targets["sla/p1"].text == f"{ann} waited on parts"
    assert out.sections["summary"].text == f"Thanks to **{ann}**."
    assert (out.source, out.targets["sla/p1"].line) == (c.source, 4)
