"""Ids cannot escape: catalogue ids are safe slugs and every output path stays in its root."""

from __future__ import annotations

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
     "a" * 65, "con", "NUL", "lpt1", "a b", "ümlaut", "x\\y", ""],
)  # fmt: skip
def test_unsafe_customer_ids_are_refused_by_the_catalogue(cid: str) -> None:
    with pytest.raises(CatalogueError, match=r"customers\[0\]\.id.*(not a valid id|reserves)"):
        parse_catalogue(catalogue_with_customer(cid), "c.yaml")


@given(st.text(min_size=0, max_size=80))
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
    ],
)
def test_external_references_are_found_outside_scripts(html: str, found: list[str]) -> None:
    assert external_references(html) == found
