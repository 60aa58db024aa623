"""What every browser test shares: one real headless Chromium (the distribution's) per module
(pages that cannot reach the network: ``offline.block_network``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, sync_playwright

from slm_analysis.packs import CHROMIUM_FLAGS, find_chromium


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    exe = find_chromium()
    assert exe, "Chromium is required for the browser tests: `make chromium` installs it"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=list(CHROMIUM_FLAGS))
        yield b
        b.close()
