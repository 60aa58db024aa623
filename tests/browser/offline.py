"""Pages that cannot reach the network: a pack must fetch nothing."""

from __future__ import annotations

from playwright.sync_api import Page

LOCAL = ("file:", "data:", "blob:", "about:")


def block_network(page: Page) -> list[str]:
    """Abort every request of ``page`` that would leave the machine; the list the aborted
    URLs are collected in (a pack must fetch nothing)."""
    requests: list[str] = []

    def guard(route, request) -> None:  # type: ignore[no-untyped-def]
        if request.url.startswith(LOCAL):
            route.continue_()
        else:
            requests.append(request.url)
            route.abort()

    page.route("**/*", guard)
    return requests
