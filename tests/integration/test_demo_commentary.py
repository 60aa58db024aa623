"""The demo's review commentary: acme's October review explains two of its four misses (P1
resolution and Satisfaction) and not the P3 and P4 resolution misses, which the pack's
data-quality notes and `slm check --period` flag."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from slm_analysis import present
from slm_analysis.cli import main
from slm_analysis.commentary import CommentaryError
from slm_analysis.packs import render_pack
from slm_analysis.review import open_review
from tests.conftest import DEMO_PERIOD

P1_REASON = (
    "<p>One of the P1 incidents, a checkout failure on the <strong>Web Shop</strong>, waited "
    "for the payment\nprovider's fix well beyond the 4-hour target. The provider has confirmed "
    "the root cause; the\npost-incident review is "
    '<a href="https://portal.example.com/acme/pir">in the customer portal</a>.</p>\n'
)
CSAT_REASON = (
    "<p>Survey scores followed the slower resolution of web shop tickets: most low scores "
    "mention the\ntime to resolve, not the quality of the fix.</p>\n"
)
NOTE = (
    "P3 resolution (acme-p3-resolution), P4 resolution (acme-p4-resolution): write the reason "
    "for each miss under a '## <target id or name>' heading in reviews/acme/2026-10.md beside "
    "the catalogue"
)


def acme_october_review(demo_env: dict[str, Path], folder: Path, text: str) -> tuple[Path, Path]:
    """A copy of the demo catalogue in ``folder`` with acme's October review file ``text``
    beside it: (catalogue, review file)."""
    catalogue = folder / "catalogue.yaml"
    shutil.copy(demo_env["catalogue"], catalogue)
    review = folder / "reviews" / "acme" / "2026-10.md"
    review.parent.mkdir(parents=True)
    review.write_text(text, encoding="utf-8")
    return catalogue, review


def test_a_commented_miss_shows_beside_its_target_and_in_the_summary(
    demo_env: dict[str, Path],
) -> None:
    r = open_review("acme", DEMO_PERIOD, warehouse=demo_env["db"], catalogue=demo_env["catalogue"])
    missed = r.current[r.current["status"] == "Missed"]
    assert list(missed["id"]) == [
        "acme-p1-resolution",
        "acme-p3-resolution",
        "acme-p4-resolution",
        "acme-csat",
    ]
    assert present.target_comments(r) == (
        '<div class="commentary target-comments">'
        '<div class="comment target-comment" data-target="acme-sla/acme-p1-resolution">'
        '<p class="comment-title"><span class="target-name">P1 resolution</span> '
        f'<span class="rag rag-red">Missed</span></p>{P1_REASON}</div>'
        '<div class="comment target-comment" data-target="acme-sla/acme-csat">'
        '<p class="comment-title"><span class="target-name">Satisfaction</span> '
        f'<span class="rag rag-red">Missed</span></p>{CSAT_REASON}</div></div>'
    )
    summary = present.review_summary(r)
    assert (
        '<p class="comment-title">Why targets were missed</p><dl class="reasons">'
        f"<dt>P1 resolution</dt><dd>{P1_REASON}</dd>"
        '<dt>P3 resolution</dt><dd class="unexplained">No reason recorded in the review.</dd>'
        '<dt>P4 resolution</dt><dd class="unexplained">No reason recorded in the review.</dd>'
        f"<dt>Satisfaction</dt><dd>{CSAT_REASON}</dd></dl>"
    ) in summary
    assert summary.startswith(
        '<div class="commentary review-summary"><div class="comment">'
        '<p class="comment-title">Summary</p><p>Both services were available throughout the '
        "month."
    )
    assert (
        '<p class="comment-title">Agreed next steps</p><ul>\n<li>Web Team adds a second '
        "on-call engineer for checkout incidents (owner: Web Team lead).</li>\n"
    ) in summary


def test_a_miss_without_a_comment_is_a_data_quality_note(demo_env: dict[str, Path]) -> None:
    r = open_review("acme", DEMO_PERIOD, warehouse=demo_env["db"], catalogue=demo_env["catalogue"])
    notes = r.quality[r.quality["issue"] == "missed targets without a review comment"]
    assert notes[["detail", "rows"]].values.tolist() == [[NOTE, 2]]
    assert (
        "<tr><td>missed targets without a review comment</td><td>"
        "P3 resolution (acme-p3-resolution), P4 resolution (acme-p4-resolution): write the "
        "reason for each miss under a &#x27;## &lt;target id or name&gt;&#x27; heading in "
        "reviews/acme/2026-10.md beside the catalogue</td><td>2</td></tr>"
    ) in present.quality_table(r)


def test_slm_check_flags_the_misses_the_review_does_not_explain(
    demo_env: dict[str, Path],
) -> None:
    common = ["--db", str(demo_env["db"]), "--catalogue", str(demo_env["catalogue"]), "check"]
    r = CliRunner().invoke(main, [*common, "--period", DEMO_PERIOD])
    assert (r.exit_code, r.output) == (
        0,
        f"warning: acme 2026-10: missed targets without a review comment: {NOTE}\n"
        "warning: globex 2026-10: missed targets without a review comment: P1 resolution "
        "(globex-p1-resolution), P2 resolution (globex-p2-resolution), P3/4 resolution "
        "(globex-p34-resolution), Fleet Tracking availability (tracking-availability): write "
        "the reason for each miss under a '## <target id or name>' heading in a new file "
        "reviews/globex/2026-10.md beside the catalogue\n"
        "0 error(s), 2 warning(s)\n",
    )
    r = CliRunner().invoke(main, [*common, "--customer", "globex"])
    assert (r.exit_code, r.output.splitlines()[-1]) == (
        2,
        "Error: --customer needs --period: the review file of which period?",
    )


def test_slm_check_lists_the_mistakes_of_a_review_file(
    demo_env: dict[str, Path], tmp_path: Path
) -> None:
    catalogue, review = acme_october_review(
        demo_env, tmp_path, "## P1 resolution\nParts.\n\n## Web shop\nSlow.\n"
    )
    args = ["--db", str(demo_env["db"]), "--catalogue", str(catalogue), "check"]
    r = CliRunner().invoke(main, [*args, "--period", "2026-10", "--customer", "acme"])
    assert (r.exit_code, r.output) == (
        1,
        f"error: {review}:4: section '## Web shop': is neither a target in force in the period "
        "nor a section; use one of: acme-p1-response (P1 response), acme-p1-resolution (P1 "
        "resolution), acme-p2-resolution (P2 resolution), acme-p3-resolution (P3 resolution), "
        "acme-p4-resolution (P4 resolution), webshop-availability (Web Shop availability), "
        "email-availability (Email & Collaboration availability), acme-csat (Satisfaction), "
        "Summary, Major incidents, Next steps\n"
        "1 error(s), 0 warning(s)\n",
    )


def test_a_broken_review_file_stops_the_render_before_the_notebook_runs(
    demo_env: dict[str, Path], tmp_path: Path
) -> None:
    catalogue, review = acme_october_review(demo_env, tmp_path, "Why P1 was missed\n")
    with pytest.raises(CommentaryError) as err:
        render_pack(
            "acme", "2026-10", warehouse=demo_env["db"], catalogue=catalogue,
            reports=tmp_path / "reports",
        )  # fmt: skip
    assert str(err.value) == (
        "the review file has 1 mistake:\n"
        f"  - {review}:1: layout: text before the first '##' section; move it under a section "
        "such as '## Summary'"
    )
    assert not (tmp_path / "reports").exists()


def test_plain_slm_check_reads_every_review_file_beside_the_catalogue(
    demo_env: dict[str, Path], tmp_path: Path
) -> None:
    catalogue = tmp_path / "catalogue.yaml"
    shutil.copy(demo_env["catalogue"], catalogue)
    files = {
        "acme/2026-10.md": "## P1 resolution\nParts.\n",  # fine
        "acme/2026-q3.md": "## Summary\nx\n",
        "acme/notes.md": "anything",
        "initech/2026-10.md": "## Summary\nx\n",
        "globex/2026-Q3.md": "## Summary\nx\n\n## summary\ny\n",
    }
    for name, text in files.items():
        (tmp_path / "reviews" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "reviews" / name).write_text(text, encoding="utf-8")
    args = ["--db", str(demo_env["db"]), "--catalogue", str(catalogue), "check"]
    r = CliRunner().invoke(main, args)
    reviews = tmp_path / "reviews"
    assert (r.exit_code, r.output) == (
        1,
        f"warning: {reviews}/acme/2026-q3.md: file name: '2026-q3.md' is not a period as slm "
        "prints it, so no pack reads it; rename it to 2026-Q3.md\n"
        f"warning: {reviews}/acme/notes.md: file name: 'notes.md' is not a period as slm prints "
        "it, so no pack reads it; name it e.g. 2026-10.md, 2026-Q3.md\n"
        f"error: {reviews}/globex/2026-Q3.md:4: section '## summary': is the same section as "
        "'## Summary' on line 1; write each target or section once\n"
        f"warning: {reviews}/initech/2026-10.md: folder: 'initech' is not a customer, so no "
        "pack reads it; name the folder after a customer id: acme, globex\n"
        "1 error(s), 3 warning(s)\n",
    )


def test_the_review_file_is_in_the_packs_provenance(demo_env: dict[str, Path]) -> None:
    """The review file is an input of the pack like the catalogue: named and hashed."""
    r = open_review("acme", DEMO_PERIOD, warehouse=demo_env["db"], catalogue=demo_env["catalogue"])
    review = demo_env["catalogue"].parent / "reviews" / "acme" / f"{DEMO_PERIOD}.md"
    sha = hashlib.sha256(review.read_bytes()).hexdigest()
    table = present.provenance_table(r)
    assert (
        f"<tr><td>reviews/acme/{DEMO_PERIOD}.md</td><td>Markdown</td><td>–</td><td>–</td>"
        f"<td><code>{sha[:16]}…</code></td></tr>"
    ) in table
