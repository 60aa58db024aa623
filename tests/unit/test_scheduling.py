"""Production runs: shards partition `--all` exactly, the per-period index is built from what is
published (escaped, self-contained, rebuilt when another run publishes meanwhile), and the
per-pack progress lines."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from rich.console import Console

from slm_analysis import scheduling
from slm_analysis.catalogue import parse_catalogue
from slm_analysis.cli import _pack_reporter, pack_line
from slm_analysis.errors import InputError
from slm_analysis.packs import PackResult, external_references
from slm_analysis.scheduling import Shard, customers_to_render, published, write_index

IDS = ["kilo", "alpha", "juliet", "bravo", "india", "charlie", "hotel", "delta", "golf", "echo"]
FIX = (
    "give I/N with 0 <= I < N, shards numbered from 0 like Kubernetes' JOB_COMPLETION_INDEX "
    "(e.g. --shard 0/4 … --shard 3/4)"
)


def catalogue(ids: list[str], ended: tuple[str, ...] = ()) -> object:
    """Customers with one agreement each; those in ``ended`` ended in 2025."""
    lines = ["customers:"] + [f"  - {{id: {c}, name: {c.title()}}}" for c in ids]
    lines += ["services: [{id: s, name: S}]", "agreements:"]
    for c in ids:
        end = ", effective_to: 2025-12-31" if c in ended else ""
        lines.append(f"  - {{id: {c}-sla, customer: {c}, services: [s], targets: []{end}}}")
    return parse_catalogue("\n".join(lines) + "\n", "c.yaml")


def test_shard_parse_is_zero_based_and_explains_mistakes() -> None:
    assert Shard.parse("0/4") == Shard(0, 4) and Shard.parse(" 3/4 ") == Shard(3, 4)
    assert str(Shard.parse("2/3")) == "2/3"
    for text, why in [
        ("4/4", "has no shard 4 of 4"),
        ("0/0", "has no shard 0 of 0"),
        ("1", "is not of the form I/N"),
        ("/4", "is not of the form I/N"),
        ("-1/4", "is not of the form I/N"),
        ("a/b", "is not of the form I/N"),
    ]:
        with pytest.raises(InputError) as info:
            Shard.parse(text)
        assert str(info.value) == f"--shard {text!r} {why}; {FIX}"


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_shards_partition_all_exactly_and_evenly(n: int) -> None:
    shards = [Shard(i, n).pick(IDS, IDS) for i in range(n)]
    flat = [c for s in shards for c in s]
    assert sorted(flat) == sorted(IDS) and len(flat) == len(set(flat))  # each exactly once
    assert max(map(len, shards)) - min(map(len, shards)) <= 1
    assert all(s == [c for c in IDS if c in s] for s in shards)  # catalogue order kept


def test_shards_are_round_robin_over_sorted_ids() -> None:
    # sorted: alpha bravo charlie delta echo golf hotel india juliet kilo
    assert Shard(0, 3).pick(IDS, IDS) == ["kilo", "alpha", "hotel", "delta"]
    assert Shard(1, 3).pick(IDS, IDS) == ["bravo", "india", "echo"]
    assert Shard(2, 3).pick(IDS, IDS) == ["juliet", "charlie", "golf"]


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_customers_to_render_shards_partition_all(n: int) -> None:
    cat = catalogue(IDS, ended=("bravo", "golf"))
    everyone = customers_to_render(cat, "2026-10")  # type: ignore[arg-type]
    assert everyone == [c for c in IDS if c not in ("bravo", "golf")]
    shards = [customers_to_render(cat, "2026-10", Shard(i, n)) for i in range(n)]  # type: ignore[arg-type]
    flat = [c for s in shards for c in s]
    assert sorted(flat) == sorted(everyone) and len(flat) == len(everyone)
    # a customer's shard depends on the catalogue's ids, not on which are in force
    assert shards == [[c for c in Shard(i, n).pick(IDS, IDS) if c in everyone] for i in range(n)]


def publish(root: Path, customer: str, period: str, summary: object, pdf: bool = False) -> None:
    """A published pack as render_pack leaves it (contents abridged)."""
    pack = root / customer / period
    pack.mkdir(parents=True)
    (pack / "service_review.html").write_text("<html></html>")
    if pdf:
        (pack / "service_review.pdf").write_bytes(b"%PDF")
    manifest = {"finished_at": "2026-11-04T06:01:02+00:00"}
    if summary is not None:
        manifest["summary"] = summary  # type: ignore[assignment]
    (pack / "manifest.json").write_text(json.dumps(manifest))


def rows(html: str) -> list[list[str]]:
    body = html[html.index("<tbody>") : html.index("</tbody>")]
    return [
        re.findall(r"<td[^>]*>(.*?)</td>", r, re.DOTALL)
        for r in re.findall(r"<tr>(.*?)</tr>", body, re.DOTALL)
    ]


def test_index_lists_published_packs_escaped_and_self_contained(tmp_path: Path) -> None:
    publish(tmp_path, "acme", "2026-10", {"customer_name": "Acme & Co", "overall": "Missed"}, True)
    publish(
        tmp_path, "evil", "2026-10",
        {"customer_name": '<script>alert(1)</script><img src="https://x/y.png">',
         "overall": "Met"},
    )  # fmt: skip
    publish(tmp_path, "old", "2026-10", None)  # a pack rendered before manifests had a summary
    publish(tmp_path, "acme", "2026-09", {"customer_name": "Acme & Co", "overall": "Met"})
    (tmp_path / "acme" / ".staging-2026-10-1-ab").mkdir()  # a render in flight
    (tmp_path / "_failed").mkdir()
    (tmp_path / "broken" / "2026-10").mkdir(parents=True)  # a folder with no pack in it
    path = write_index(tmp_path, "2026-10")
    assert path == tmp_path.resolve() / "index-2026-10.html"
    html = path.read_text(encoding="utf-8")
    assert rows(html) == [
        ['<a href="acme/2026-10/service_review.html">Acme &amp; Co</a>',
         '<span class="rag rag-red">Missed</span>', "2026-11-04 06:01",
         '<a href="acme/2026-10/service_review.pdf">PDF</a>'],
        ['<a href="evil/2026-10/service_review.html">&lt;script&gt;alert(1)&lt;/script&gt;'
         "&lt;img src=&#34;https://x/y.png&#34;&gt;</a>",
         '<span class="rag rag-green">Met</span>', "2026-11-04 06:01", "–"],
        ['<a href="old/2026-10/service_review.html">old</a>', "–", "2026-11-04 06:01", "–"],
    ]  # fmt: skip
    assert "<title>Service review packs · October 2026</title>" in html
    assert re.sub(r"\s+", " ", html[html.index('<p class="counts">') :].split("</p>")[0]) == (
        '<p class="counts">3 packs published: <span class="rag rag-green">Met</span> 1, '
        '<span class="rag rag-red">Missed</span> 1'
    )
    assert external_references(html) == [] and "<script" not in html
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".index-")] == []


def test_index_of_a_period_with_no_pack_says_so(tmp_path: Path) -> None:
    html = write_index(tmp_path / "reports", "2026-Q3").read_text(encoding="utf-8")
    assert rows(html) == [["No pack of Q3 2026 is published."]]
    assert '<p class="counts">0 packs published</p>' in html


def test_index_is_rebuilt_when_another_run_publishes_while_it_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Shard B publishes after shard A listed the packs but before A's page is in place: A's
    first page lacks B's pack, so A lists again and writes a page that has it."""
    publish(tmp_path, "acme", "2026-10", {"customer_name": "Acme", "overall": "Met"})
    written: list[str] = []
    real = scheduling._write_atomically

    def racing(target: Path, text: str) -> None:
        real(target, text)
        written.append(text)
        if len(written) == 1:
            publish(tmp_path, "globex", "2026-10", {"customer_name": "Globex", "overall": "Met"})

    monkeypatch.setattr(scheduling, "_write_atomically", racing)
    html = write_index(tmp_path, "2026-10").read_text(encoding="utf-8")
    assert len(written) == 2 and "Globex" not in written[0]
    assert [r[0] for r in rows(html)] == [
        '<a href="acme/2026-10/service_review.html">Acme</a>',
        '<a href="globex/2026-10/service_review.html">Globex</a>',
    ]
    assert [p.customer for p in published(tmp_path, "2026-10")] == ["acme", "globex"]


def results() -> list[PackResult]:
    return [
        PackResult("acme", "2026-10", True, html="r/acme/2026-10/service_review.html",
                   seconds=12.34, status="Missed"),
        PackResult("globex", "2026-10", True, html="r/globex/2026-10/service_review.html",
                   pdf="r/globex/2026-10/service_review.pdf", seconds=9.96, status="At risk"),
        PackResult("initech", "2026-10", False, error="pack for initech 2026-10 not published: "
                   "boom", seconds=3.0, exit_code=1),
    ]  # fmt: skip


def test_one_tab_separated_line_per_pack() -> None:
    assert [pack_line(r) for r in results()] == [
        "acme\t2026-10\tMissed\t12.3 s\tr/acme/2026-10/service_review.html",
        "globex\t2026-10\tAt risk\t10.0 s\tr/globex/2026-10/service_review.html\t"
        "r/globex/2026-10/service_review.pdf",
        "initech\t2026-10\tfailed\t3.0 s\t-",
    ]


def test_on_a_terminal_a_progress_bar_counts_the_packs() -> None:
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, width=100, color_system=None)
    with _pack_reporter(3, console) as report:
        for r in results():
            report(r)
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", buffer.getvalue())
    text = re.sub(r"\d:\d\d:\d\d", "0:00:00", text)  # the time elapsed, masked
    frames = text.split("\r")
    assert frames[1] == "rendering packs" + " " * 42 + "0/3 0:00:00"
    assert (
        frames[2]
        == "acme    2026-10 Missed  12.3 s  r/acme/2026-10/service_review.html\n" + frames[1]
    )
    assert frames[4] == "initech 2026-10 failed  3.0 s   -\n" + frames[1]
    assert frames[5] == "error: pack for initech 2026-10 not published: boom\n" + frames[1]
    assert frames[-1] == "rendering packs " + "━" * 40 + " 3/3 0:00:00\n"


def test_a_republished_pack_shows_its_new_status_though_summaries_are_read_once(
    tmp_path: Path,
) -> None:
    """Manifests are read once per version of the file (the index is rebuilt after every pack);
    a pack published again (its folder replaced) is read again."""
    publish(tmp_path, "acme", "2026-10", {"customer_name": "Acme", "overall": "Missed"})
    assert [p.status for p in published(tmp_path, "2026-10")] == ["Missed"]
    old = tmp_path / "acme" / "2026-10"
    old.rename(tmp_path / "acme" / ".old-2026-10")
    publish(tmp_path, "acme", "2026-10", {"customer_name": "Acme", "overall": "Met, at last"})
    assert [p.status for p in published(tmp_path, "2026-10")] == ["Met, at last"]
