"""Ids cannot escape: catalogue ids are safe slugs and every output path stays in its root."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from slm_analysis.catalogue import parse_catalogue
from slm_analysis.errors import CatalogueError, InputError
from slm_analysis.importers import load_file
from slm_analysis.packs import FAILED, external_references
from slm_analysis.paths import inside

FIX = Path(__file__).parent.parent / "fixtures"
# random ids: any text (mostly refused), slugs (mostly accepted: long ones and reserved names
# are not) and texts of path characters
IDS = st.one_of(
    st.text(max_size=80),
    st.from_regex(r"[A-Za-z0-9_-]{1,70}", fullmatch=True),
    st.text(alphabet="aZ0-_./\\~: ", max_size=70),
)


def catalogue_with_customer(cid: str) -> str:
    quoted = cid.replace("\\", "\\\\").replace('"', '\\"')
    return f"""
customers: [{{id: "{quoted}", name: C}}]
services: [{{id: s, name: S}}]
agreements: [{{id: a, customer: "{quoted}", services: [s], targets: []}}]
"""


@pytest.mark.parametrize(
    "cid",
    ["../../evil1", "x/../../../evil2", "acme/../globex", ".", "..", "_failed", ".staging-x",
     "a" * 65, "con", "NUL", "lpt1", "a b", "ümlaut", "x\\y", "", "acme\n"],
)  # fmt: skip
def test_unsafe_customer_ids_are_refused_by_the_catalogue(cid: str) -> None:
    with pytest.raises(CatalogueError, match=r"customers\[0\]\.id.*(not a valid id|reserves)"):
        parse_catalogue(catalogue_with_customer(cid), "c.yaml")


@given(IDS)
@settings(max_examples=400, deadline=None)
def test_every_id_the_catalogue_accepts_builds_a_path_inside_reports(cid: str) -> None:
    """Random ids (separators, dots, unicode, long): refused by the catalogue, or safe — the
    pack folder built from them lies inside reports/."""
    try:
        cat = parse_catalogue(catalogue_with_customer(cid), "c.yaml")
    except CatalogueError:
        return
    root = Path("/tmp/slm-reports-root")
    accepted = cat.customers[0].id
    for parts in ((accepted, "2026-10"), (FAILED, f"{accepted}-2026-10.ipynb")):
        path = inside(root, *parts)
        assert path.is_relative_to(root.resolve()) and path.parent != root.resolve().parent


@pytest.mark.parametrize(
    "parts", [("..", "x"), ("a/../..",), (".",), ("x\\y",), ("",), ("a", "../../etc")]
)
def test_an_output_path_cannot_leave_its_root(parts: tuple[str, ...], tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot name a file or folder under"):
        inside(tmp_path, *parts)
    assert list(tmp_path.iterdir()) == []


def test_load_refuses_an_unsafe_customer_or_service(con: object, tmp_path: Path) -> None:
    """With no catalogue to check against, `load --customer ../zz` once relabelled every
    record; now the id is checked like a catalogue's."""
    with pytest.raises(InputError) as err:
        load_file(con, "incidents", FIX / "servicenow_incidents.csv", customer="../zz")  # type: ignore[arg-type]
    assert str(err.value) == (
        "--customer '../zz': not a valid id; use letters, digits, '-' and '_', starting with a "
        "letter or digit, at most 64 characters (e.g. acme-retail)"
    )
    with pytest.raises(InputError, match="--service 'a/b': not a valid id"):
        load_file(con, "incidents", FIX / "servicenow_incidents.csv", service="a/b")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("html", "found"),
    [
        ('<img src="https://x/a.png">', ["https://x/a.png"]),
        ('<img src="logo.png">', ["logo.png"]),  # relative: not in the pack either
        ('<img srcset="a.png 1x, https://x/b.png 2x">', ["a.png", "https://x/b.png"]),
        ('<link rel="preload" imagesrcset="//cdn/x.png 2x" href="data:,">', ["//cdn/x.png"]),
        ('<video poster="http://x/p.jpg"></video>', ["http://x/p.jpg"]),
        ('<div style="background: url(https://x/b.png)"></div>', ["https://x/b.png"]),
        ("<style>@import 'https://x/f.css'; p {color: red}</style>", ["https://x/f.css"]),
        ('<style>.a { background: url("https://x/c.png") }</style>', ["https://x/c.png"]),
        ('<link rel="stylesheet" href="https://x/s.css">', ["https://x/s.css"]),
        ('<img src="data:image/png;base64,AAAA"><a href="https://example.com">doc</a>', []),
        ('<a href="#availability">Availability</a><svg><use href="#dot"/></svg>', []),
        ("<script>var u = 'https://x/tiles'; var s = 'url(https://x)';</script>", []),
        ('<iframe srcdoc="<img src=https://x/i.png>"></iframe>', ["https://x/i.png"]),
        ('<svg><feImage href="https://x/f.png"/></svg>', ["https://x/f.png"]),
        (r"<style>p { background: \75 rl(https://x/e.png) }</style>", ["https://x/e.png"]),
        ("<style>p { background: image-set('https://x/1.png' 1x) }</style>", ["https://x/1.png"]),
        ('<meta http-equiv="refresh" content="0; url=https://x/next">', ["https://x/next"]),
        ('<img srcset="data:image/png;base64,AA,BB 1x, data:,x 2x">', []),
        ('<area href="https://example.com/map">', []),
    ],
)
def test_external_references_are_found_outside_scripts(html: str, found: list[str]) -> None:
    assert external_references(html) == found


@pytest.fixture(scope="module")
def monkeypatch_module() -> Iterator[pytest.MonkeyPatch]:
    with pytest.MonkeyPatch.context() as mp:
        yield mp


@pytest.fixture(scope="module")
def render_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace whose warehouse exists (empty): renders below pass ``as_of``."""
    from slm_analysis.warehouse import session

    root = tmp_path_factory.mktemp("render-ids")
    with session(root / "w.duckdb"):
        pass
    return root


@given(cid=IDS, fails=st.booleans())
@settings(max_examples=150, deadline=None)
def test_random_ids_render_only_inside_reports(
    render_root: Path, cid: str, fails: bool, monkeypatch_module: pytest.MonkeyPatch
) -> None:
    """Random ids through catalogue → render_pack (notebook execution and HTML conversion
    stubbed, everything else real: staging, the failure folder, publish, manifest): every file
    written lies inside reports/, and nothing else appears in the workspace."""
    import nbformat

    from slm_analysis import packs

    cat = render_root / "c.yaml"
    text = catalogue_with_customer(cid)
    cat.write_text(text, encoding="utf-8")
    try:
        accepted = parse_catalogue(text, "c.yaml").customers[0].id
    except CatalogueError:
        return

    def execute(
        tpl: Path, out: Path, params: object, timeout: int, root: Path, customer: str, p: object
    ) -> None:
        nbformat.write(nbformat.v4.new_notebook(), out)
        if fails:  # as a failing cell does: the executed notebook is kept, nothing published
            packs._keep_failed(out, root, customer, p)  # type: ignore[arg-type]
            raise packs.RenderError("stubbed failure")

    monkeypatch_module.setattr(packs, "_execute", execute)
    monkeypatch_module.setattr(packs, "_to_html", lambda nb, tpl, started: ("<p>pack</p>", 0))
    reports = render_root / "reports"
    try:
        packs.render_pack(
            accepted,
            "2026-03",
            warehouse=render_root / "w.duckdb",
            catalogue=cat,
            reports=reports,
            as_of="2026-04-01T00:00:00Z",
        )
    except packs.RenderError:
        assert fails
    assert sorted(p.name for p in render_root.iterdir()) == ["c.yaml", "reports", "w.duckdb"]
    written = [p for p in reports.rglob("*") if p.is_file()]
    assert written and all(p.resolve().is_relative_to(reports.resolve()) for p in written)
    expected = reports / ("_failed" if fails else accepted)
    assert any(p.is_relative_to(expected) for p in written)


def test_customer_ids_differing_only_in_case_are_one_id() -> None:
    """Acme's and ACME's packs would share one folder where file names ignore case."""
    text = catalogue_with_customer("acme").replace(
        'customers: [{id: "acme", name: C}]',
        "customers: [{id: acme, name: C}, {id: ACME, name: D}]",
    )
    with pytest.raises(CatalogueError) as err:
        parse_catalogue(text, "c.yaml")
    assert (
        "customers[1].id: duplicate id 'ACME' (as 'acme', which differs only in case); ids "
        "must be unique, whatever their case" in str(err.value)
    )
