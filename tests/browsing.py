"""What the browser tests share: the example built and served on 127.0.0.1, and Debian's Chromium driven by
Playwright, with a tab that records console errors and anything fetched from outside the site.

Skipped where there is no Chromium, except under CI (CI set), where a missing browser is a failure.
Screenshots land in test-artifacts/screenshots/ for people to look at.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, ConsoleMessage, Error, Locator, Page, Request, Route, sync_playwright

from conftest import ROOT, run_build

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Both editions are served on this machine; anything else is outside.
LOCAL = "http://127.0.0.1:"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"


@dataclass
class Handbook:
    """The example handbook, built and served, with what its sms.json says."""

    url: str
    data: dict[str, Any]
    site_dir: Path

    def document(self, doc_id: str) -> dict[str, Any]:
        """The sms.json entry of one document."""
        return next(d for d in self.data["documents"] if d["id"] == doc_id)


@dataclass
class Browser:
    """One browser tab, and everything that went wrong in it or that it fetched from outside the site."""

    page: Page
    errors: list[str] = field(default_factory=list)
    outside: list[tuple[str, str]] = field(default_factory=list)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Keep the test output free of one line per request."""


def need_chromium() -> None:
    """Skip the test where there is no Chromium; under CI (CI set) fail it instead."""
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is not installed (apt-get install chromium); the browser tests need it"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)


def serve(config: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Handbook]:
    """``mkdocs build --strict`` of ``config`` into a temporary folder, served over HTTP on a free local port."""
    need_chromium()
    site_dir = tmp_path_factory.mktemp("browser-site")
    result = run_build(config, strict=True, site_dir=str(site_dir))
    assert result.ok, result.error
    yield from serve_folder(site_dir)


def serve_folder(site_dir: Path) -> Iterator[Handbook]:
    """A built site served over HTTP on a free local port, with what its sms.json says."""
    handler = functools.partial(_QuietHandler, directory=str(site_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        data = json.loads((site_dir / "sms.json").read_text("utf-8"))
        yield Handbook(f"http://127.0.0.1:{server.server_address[1]}/", data, site_dir)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def open_browser(
    tmp_path_factory: pytest.TempPathFactory, width: int = 1280, height: int = 900, javascript: bool = True
) -> Iterator[Browser]:
    """A fresh Chromium profile with one tab (``width`` x ``height``, JavaScript on or off) that records
    console errors and requests leaving the site (served on 127.0.0.1, or opened from disk)."""
    need_chromium()
    with sync_playwright() as playwright:
        context: BrowserContext = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": width, "height": height},
            java_script_enabled=javascript,
        )
        context.set_default_timeout(15_000)
        tab = Browser(context.pages[0] if context.pages else context.new_page())

        def only_the_site(route: Route, request: Request) -> None:
            # The machine has no internet: answer anything else with nothing, and note it.
            if request.url.startswith((LOCAL, "file://")):
                route.continue_()
            else:
                tab.outside.append((request.resource_type, request.url))
                route.fulfill(status=200, body="")

        context.route("**/*", only_the_site)

        def on_console(message: ConsoleMessage) -> None:
            if message.type == "error":
                tab.errors.append(f"{tab.page.url}: console: {message.text}")

        def on_page_error(error: Error) -> None:
            tab.errors.append(f"{tab.page.url}: uncaught: {error.message}")

        tab.page.on("console", on_console)
        tab.page.on("pageerror", on_page_error)
        try:
            yield tab
        finally:
            context.close()


def visit(browser: Browser, handbook: Handbook, path: str) -> Page:
    """Open a page of the site and wait until it and its scripts have loaded."""
    browser.page.goto(handbook.url + path, wait_until="load")
    return browser.page


def column(page: Page, name: str) -> list[str]:
    """The texts of one column of the register, top to bottom, as shown."""
    index = header_names(page).index(name)
    texts: list[str] = page.locator(".sms-register tbody tr").evaluate_all(
        "(rows, i) => rows.map(row => row.cells[i].textContent.trim())", index
    )
    return texts


def header_names(page: Page) -> list[str]:
    """The register's column headers, without the sort arrows."""
    names: list[str] = page.locator(".sms-register thead th").evaluate_all(
        "cells => cells.map(cell => cell.firstChild.textContent.trim())"
    )
    return names


def header(page: Page, name: str) -> Locator:
    """The register's header cell of a column."""
    return page.locator(".sms-register thead th").nth(header_names(page).index(name))


def natural(text: str) -> list[Any]:
    """Sort key: digits as numbers, letters without case, the way a person orders ids and versions."""
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", text)]


def screenshot(page: Page, name: str) -> None:
    """Save what the window shows as test-artifacts/screenshots/NAME.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))
