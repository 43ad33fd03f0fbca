"""Findings on the page: under ``mkdocs serve``, and in builds with ``show_findings: true``, a page with
findings shows them at its top (code, line, message, fix) and its panel's status badge counts them. Never
in a build for an audience below the highest classification."""

from __future__ import annotations

import html
import logging
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Error as PlaywrightError

from browsing import need_chromium, open_browser, screenshot
from conftest import POLICY, approved, complete_mini
from mkdocs_sms.rules import RULES

# The approved policy without its owner (SMS002); the line comes from the finding that `check` reports.
NO_OWNER = POLICY.replace("owner: Head of Service Management\n", "")
BROKEN = "---\nid: POL-BRK-01\ntitle: [unclosed\n---\n\n# Broken\n"


def _block(page: str) -> str:
    """The findings block of a built page ('' when there is none)."""
    match = re.search(r'<div class="admonition warning sms-findings".*?</div>', page, re.S)
    return match.group(0) if match else ""


def _badge(page: str) -> str:
    match = re.search(r"<dt>Status</dt><dd>(.*?)</dd>", page, re.S)
    assert match, "the page has a panel"
    return html.unescape(re.sub(r"<[^>]+>", "", match.group(1)))


# Pages show their findings only in builds of the highest classification; a page whose front-matter does
# not parse is withheld from any lower audience.
HIGHEST = {"audience": "restricted"}


def _pages() -> dict[str, str]:
    return {**complete_mini(), "policies/sms.md": NO_OWNER, "policies/broken.md": BROKEN}


def test_show_findings_true_puts_each_pages_findings_at_its_top(make_site: Any) -> None:
    site = make_site(_pages(), {**HIGHEST, "show_findings": True})
    assert site.build().ok
    page = site.site_file("policies/sms/index.html")
    block = _block(page)
    assert block, "the page with a missing owner shows its findings"
    (finding,) = [f for f in site.check_json()["findings"] if f["path"] == "policies/sms.md"]
    assert finding["message"].startswith("SMS002 ")
    text = html.unescape(re.sub(r"<[^>]+>", "", block))
    assert "1 finding on this page" in text
    assert f"SMS002 error, line {finding['line']}:" in text and "owner" in text
    assert f"Fix: {RULES['SMS002'].fix}" in text
    # Above the panel, and counted by its status badge.
    assert page.index("sms-findings") < page.index('class="sms-panel')
    assert _badge(page) == "approved · 1 finding"
    # A page whose front-matter is not YAML has no document and no panel, but shows its finding too.
    broken = _block(site.site_file("policies/broken/index.html"))
    assert "<code>SMS001</code>" in broken and "line " in broken
    # A page without findings shows neither.
    clean = site.site_file("policies/change/index.html")
    assert not _block(clean) and _badge(clean) == "approved"
    # The block is not searchable: search finds documents by what they say, not by what is wrong with them.
    assert "finding on this page" not in site.site_file("search/search_index.json")


def test_a_default_build_shows_no_findings(make_site: Any) -> None:
    site = make_site(_pages(), HIGHEST)
    assert site.build().ok
    page = site.site_file("policies/sms/index.html")
    assert not _block(page) and "sms-findings" not in page
    assert _badge(page) == "approved"
    assert "sms-findings" not in site.site_file("policies/broken/index.html")


def test_an_audience_build_below_the_highest_classification_never_shows_findings(make_site: Any) -> None:
    pages = {**_pages(), "policies/secret.md": approved("POL-SEC-01", "policy", [], classification="confidential")}
    site = make_site(pages, {"show_findings": True, "audience": "internal"})
    result = site.build()
    assert result.ok
    assert "sms-findings" not in site.site_file("policies/sms/index.html")
    assert not (site.root / "site/policies/broken").exists()  # withheld: its classification is unknown
    assert _badge(site.site_file("policies/sms/index.html")) == "approved"
    ignored = [r.getMessage() for r in result.records if "show_findings is ignored" in r.getMessage()]
    assert ignored and all(r.levelno == logging.INFO for r in result.records if r.getMessage() in ignored)
    assert "'internal'" in ignored[0]
    # The highest audience sees them.
    site.set_options({"show_findings": True, "audience": "restricted"})
    assert site.build().ok
    assert _block(site.site_file("policies/sms/index.html"))


# mkdocs serve in a browser -------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def served(make_site: Any) -> Iterator[tuple[Any, str]]:
    """A small handbook under ``mkdocs serve`` (a subprocess on a free port), and its address. Its audience
    is the default one: serve is the author's preview and shows findings whatever the audience."""
    need_chromium()
    site = make_site({**complete_mini(), "policies/sms.md": POLICY})
    port = _free_port()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    log = site.root / "serve.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "-f", str(site.config_file), "-a", f"127.0.0.1:{port}"],
        cwd=site.root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),  # a file, not a pipe: a pipe nobody reads stops the server once it is full
    )
    try:
        url = f"http://127.0.0.1:{port}/"
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                assert process.poll() is None, log.read_text("utf-8")
                assert time.monotonic() < deadline, "mkdocs serve did not start"
                time.sleep(0.3)
        yield site, url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    yield from open_browser(tmp_path_factory)


@pytest.mark.slow  # mkdocs serve and Chromium
def test_under_serve_a_removed_owner_shows_on_the_page_after_the_reload(served: tuple[Any, str], browser: Any) -> None:
    site, url = served
    page = browser.page
    page.goto(url + "policies/sms/", wait_until="load")
    assert page.locator(".sms-panel").count() == 1
    assert page.locator(".sms-findings").count() == 0
    site.write("policies/sms.md", NO_OWNER)
    deadline = time.monotonic() + 30
    while page.locator(".sms-findings").count() == 0:
        assert time.monotonic() < deadline, "the findings block did not appear after the rebuild"
        time.sleep(1)
        try:
            page.reload(wait_until="load")
        except PlaywrightError:
            # mkdocs serve reloads the page itself when its rebuild ends: when that navigation and this
            # reload cross, one is aborted. The page is loading either way; the loop looks again.
            page.wait_for_load_state("load")
    block = page.locator(".sms-findings")
    assert block.locator(".admonition-title").inner_text() == "1 finding on this page"
    (item,) = block.locator("li").all_inner_texts()
    (finding,) = [f for f in site.check_json()["findings"] if f["path"] == "policies/sms.md"]
    assert item.startswith(f"SMS002 error, line {finding['line']}:"), item
    assert "owner" in item and "Fix:" in item
    assert page.locator(".sms-panel .sms-badge").first.inner_text() == "approved · 1 finding"
    assert block.is_visible()
    screenshot(page, "findings-on-the-page")
    assert browser.errors == []
