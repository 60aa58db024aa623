"""Customer branding and satisfaction keys: validated at load, naming the field; the logo is
embedded as a data: URI on the cover; colours become the pack's CSS."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from slm_analysis.catalogue import LOGO_BYTES, Branding, parse_catalogue
from slm_analysis.errors import CatalogueError
from slm_analysis.present import branding_style

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 24
SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
    'width="120" height="40"><defs><linearGradient id="g"/></defs>'
    '<rect fill="url(#g)" width="120" height="40"/><use xlink:href="#g"/>'
    "<style>.a { fill: #123456 }</style></svg>"
)
CATALOGUE = """customers:
  - id: acme
    name: Acme
    branding: BRANDING
services:
  - {id: email, name: Email}
"""


def load(tmp_path: Path, branding: str) -> Branding:
    text = CATALOGUE.replace("BRANDING", branding)
    return parse_catalogue(text, "c.yaml", base_dir=tmp_path).customers[0].branding


def problems(tmp_path: Path, branding: str) -> list[str]:
    with pytest.raises(CatalogueError) as info:
        load(tmp_path, branding)
    return [str(p) for p in info.value.problems]


def test_colours_and_a_png_logo(tmp_path: Path) -> None:
    (tmp_path / "logos").mkdir()
    (tmp_path / "logos" / "acme.png").write_bytes(PNG)
    b = load(tmp_path, '{primary: "#1F4E79", accent: "#abcdef", logo: logos/acme.png}')
    assert (b.primary, b.accent) == ("#1f4e79", "#abcdef")
    assert b.logo_uri() == "data:image/png;base64," + base64.b64encode(PNG).decode()
    assert branding_style(b) == (
        '<style class="slm-branding">body.slm-pack h1, body.slm-pack h2 { color: #1f4e79; } '
        "body.slm-pack h2 { border-bottom-color: #1f4e79; } "
        "body.slm-pack .cover { border-bottom-color: #abcdef; }</style>"
    )


def test_no_branding_changes_nothing(tmp_path: Path) -> None:
    b = load(tmp_path, "{}")
    assert (b.primary, b.accent, b.logo, b.logo_uri(), branding_style(b)) == (
        None, None, None, None, ""
    )  # fmt: skip


def test_a_plain_svg_logo_is_embedded(tmp_path: Path) -> None:
    (tmp_path / "acme.svg").write_text(SVG)
    uri = load(tmp_path, "{logo: acme.svg}").logo_uri()
    assert uri == "data:image/svg+xml;base64," + base64.b64encode(SVG.encode()).decode()


@pytest.mark.parametrize(
    ("branding", "message"),
    [
        (
            '{primary: "#12345g"}',
            "c.yaml:4: customers[0].branding.primary: found '#12345g'; '#12345g' is not a "
            "colour; write six hex digits, e.g. '#1f4e79'",
        ),
        (
            "{accent: red}",
            "c.yaml:4: customers[0].branding.accent: found 'red'; 'red' is not a colour; write "
            "six hex digits, e.g. '#1f4e79'",
        ),
        (
            "{logo: logo.gif}",
            "c.yaml:4: customers[0].branding.logo: found 'logo.gif'; logo.gif is not a .png or "
            ".svg file; give a PNG or SVG logo",
        ),
        (
            "{logo: fake.png}",
            "c.yaml:4: customers[0].branding.logo: found 'fake.png'; fake.png is not a PNG "
            "image (wrong signature); export it as PNG",
        ),
        (
            "{colour: '#123456'}",
            "c.yaml:4: customers[0].branding.colour: unknown field 'colour'",
        ),
    ],
)
def test_mistakes_name_the_field(tmp_path: Path, branding: str, message: str) -> None:
    (tmp_path / "fake.png").write_bytes(b"GIF89a")
    assert problems(tmp_path, branding)[0].startswith(message)


def test_a_missing_logo_or_one_outside_the_workspace_is_refused(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    workspace.mkdir()
    (tmp_path / "outside.png").write_bytes(PNG)
    [missing] = problems(workspace, "{logo: nope.png}")
    assert missing == (
        f"c.yaml:4: customers[0].branding.logo: found 'nope.png'; logo file "
        f"{workspace / 'nope.png'} not found; give a path relative to the catalogue"
    )
    [outside] = problems(workspace, "{logo: ../outside.png}")
    assert "outside the catalogue's folder" in outside


def test_a_logo_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    (tmp_path / "big.png").write_bytes(PNG + b"\0" * LOGO_BYTES)
    [message] = problems(tmp_path, "{logo: big.png}")
    assert message == (
        "c.yaml:4: customers[0].branding.logo: found 'big.png'; logo big.png is 200,032 "
        "bytes, over the 200,000 allowed; export it smaller (a pack header needs about "
        "400 × 120 pixels)"
    )


@pytest.mark.parametrize(
    ("svg", "found"),
    [
        ("<svg><script>alert(1)</script></svg>", "'<script'"),
        ('<svg><rect onload="alert(1)"/></svg>', "'onload='"),
        ('<svg><image href="https://example.com/a.png"/></svg>', "'href='"),
        ('<svg><a xlink:href="javascript:alert(1)"><rect/></a></svg>', "'<a'"),
        ("<svg><rect style=\"fill: url('https://example.com/x')\"/></svg>", "'url('"),
        ("<svg><style>@import 'https://example.com/x.css';</style></svg>", "'@import'"),
        ("<svg><foreignObject><p>x</p></foreignObject></svg>", "'<foreignObject'"),
        ('<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg>&x;</svg>', "'<!ENTITY'"),
    ],
)
def test_an_svg_that_could_run_or_fetch_anything_is_refused(
    tmp_path: Path, svg: str, found: str
) -> None:
    (tmp_path / "logo.svg").write_text(svg)
    [message] = problems(tmp_path, "{logo: logo.svg}")
    assert message == (
        f"c.yaml:4: customers[0].branding.logo: found 'logo.svg'; SVG logo logo.svg holds "
        f"{found}: scripts, event handlers, links and references out of the file are "
        "refused; export a plain SVG (shapes and paths only) or a PNG"
    )


def test_satisfaction_comments_are_opt_in_and_bounded(tmp_path: Path) -> None:
    text = CATALOGUE.replace("    branding: BRANDING\n", "")
    assert parse_catalogue(text, "c.yaml").customers[0].satisfaction.comments == 0
    five = text.replace("    name: Acme\n", "    name: Acme\n    satisfaction: {comments: 5}\n")
    assert parse_catalogue(five, "c.yaml").customers[0].satisfaction.comments == 5
    with pytest.raises(CatalogueError) as info:
        parse_catalogue(five.replace("5}", "50}"), "c.yaml")
    assert str(info.value.problems[0]) == (
        "c.yaml:4: customers[0].satisfaction.comments: found 50; a pack shows 0 to 20 "
        "comments; write a number in that range (0 shows none)"
    )
