"""Static images offline: kaleido (the `images` extra) drives the distribution's Chromium —
the one `slm render --pdf` prints with — and writes a real PNG; nothing is downloaded."""

from __future__ import annotations

import struct
from pathlib import Path

import plotly.graph_objects as go
import pytest

from slm_analysis import charts
from slm_analysis.packs import find_chromium

pytestmark = pytest.mark.browser


def test_write_image_makes_a_png_with_the_installed_chromium(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    exe = find_chromium()
    assert exe, "Chromium is required for the browser tests: `make chromium` installs it"
    monkeypatch.setenv("BROWSER_PATH", exe)  # kaleido's choreographer: this browser, no other
    fig = go.Figure(go.Bar(x=["P1", "P2"], y=[96.5, 99.1], marker_color=charts.SERIES[0]))
    out = tmp_path / "attainment.png"
    fig.write_image(out, width=640, height=360, scale=1)
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])  # the IHDR chunk
    assert (width, height) == (640, 360)
    assert len(data) > 5_000  # drawn, not blank
