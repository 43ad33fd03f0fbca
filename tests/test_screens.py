"""The generated pages on a laptop and on a phone: no table cut, legible charts, the coverage page's
filters, clause numbers found by search, and the example opened from disk.

The machinery (the built site served on 127.0.0.1, Debian's Chromium through Playwright) is in browsing.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

from browsing import Browser, Handbook, open_browser, screenshot, serve, serve_folder
from conftest import ROOT, approved, front, run_build, write_config

pytestmark = pytest.mark.slow  # a real browser on built handbooks

WIDTHS = {1400: 1000, 390: 844}  # a laptop and a phone, width: height
GAPS = {"missing", "draft", "stale"}

# Every element of the page's content: none may be wider than its box unless that box scrolls; every
# header cell of the plugin's tables can be brought into view; the page itself never scrolls sideways.
FITS = """() => {
    document.querySelectorAll('.md-content details').forEach(d => { d.open = true; });
    const cut = [];
    for (const el of document.querySelectorAll('.md-content *')) {
        const overflow = getComputedStyle(el).overflowX;
        if (el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1 && !['auto', 'scroll'].includes(overflow)) {
            cut.push(`${el.tagName}.${el.className} ${el.scrollWidth} > ${el.clientWidth} (${overflow})`);
        }
    }
    const root = document.documentElement;
    if (root.scrollWidth > root.clientWidth + 1) cut.push(`the page: ${root.scrollWidth} > ${root.clientWidth}`);
    const hidden = [];
    const heads = [...document.querySelectorAll('.md-content .sms-table thead th')];
    for (const th of heads) {
        th.scrollIntoViewIfNeeded();
        const box = th.getBoundingClientRect();
        if (box.width === 0 || box.left < -1 || box.right > innerWidth + 1 || box.top < -1 || box.bottom > innerHeight + 1) {
            hidden.push(`${th.textContent.trim()} at ${Math.round(box.left)}..${Math.round(box.right)}`);
        }
    }
    return {cut, hidden, heads: heads.length};
}"""
# The rendered size of each text of the plugin's charts, in CSS pixels of the screen.
CHART_TEXT = """() => [...document.querySelectorAll('svg.sms-svg text')].map(text => {
    const m = text.getScreenCTM();
    return parseFloat(getComputedStyle(text).fontSize) * Math.hypot(m.a, m.b);
})"""


def generated_pages(site_dir: Path) -> list[str]:
    """The generated pages of a built site (pages_dir sms), by name."""
    return sorted(path.stem for path in (site_dir / "sms").glob("*.html"))


@pytest.fixture(scope="module")
def handbook(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Handbook]:
    """The intranet edition of the example."""
    yield from serve(ROOT / "mkdocs.yml", tmp_path_factory)


@pytest.fixture(scope="module")
def gaps(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Handbook]:
    """A handbook early in its implementation, on the bundled catalogue: rows covered, stale, in draft and
    missing in its first phase, deferred in its second. Its coverage findings are expected, so the build is not strict."""
    root = tmp_path_factory.mktemp("gaps")
    pages = {
        "index.md": "# Home\n",
        "policies/sms.md": approved("POL-SMS-01", "policy", ["5.2.1"]),
        "plans/scope.md": approved("PLN-SCO-01", "plan", ["4.3"]),
        "plans/sm-plan.md": approved("PLN-SMP-01", "plan", ["6.3"], next_review="2026-06-30"),  # stale
        "registers/risks.md": front(
            id="REG-RSK-01", title="Risk register", type="register", clauses=["6.1"], owner="Risk Manager",
            status="draft", version="0.3",
        ),
    }  # fmt: skip
    for path, text in pages.items():
        (root / "docs" / path).parent.mkdir(parents=True, exist_ok=True)
        (root / "docs" / path).write_text(text, "utf-8")
    phases = [
        {"name": "Foundation", "target": "2027-03-31", "clauses": ["4", "5", "6", "7"]},
        {"name": "Operation", "target": "2027-09-30", "clauses": ["8"]},
    ]
    options = {"catalogues": ["iso20000-1:2018"], "implementation": {"phases": phases}}
    config = write_config(root, options)
    site_dir = root / "site"
    result = run_build(config, site_dir=str(site_dir))
    assert result.ok, result.error
    yield from serve_folder(site_dir)


# One Playwright runs at a time in a process: each test opens its own tab and closes it.
@pytest.fixture(params=sorted(WIDTHS, reverse=True), ids=lambda width: f"{width}px")
def screen(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    """A tab as wide as a laptop's window, then as a phone's."""
    yield from open_browser(tmp_path_factory, request.param, WIDTHS[request.param])


@pytest.fixture
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    """A tab of the usual size."""
    yield from open_browser(tmp_path_factory)


def width_of(page: Page) -> int:
    size = page.viewport_size
    assert size is not None
    return size["width"]


def test_every_generated_page_fits_the_screen(screen: Browser, handbook: Handbook) -> None:
    """At 1400 and at 390 px, no part of a generated page is cut: what is wider than the page scrolls in
    its own box, and every column header of every table can be brought into view."""
    names = generated_pages(handbook.site_dir)
    assert {"register", "coverage", "reviews", "implementation", "audit", "nonconformities", "changes"} <= set(names)
    page = screen.page
    width = width_of(page)
    for name in names:
        page.goto(f"{handbook.url}sms/{name}.html", wait_until="load")
        screenshot(page, f"{name}-{width}")
        result: dict[str, Any] = page.evaluate(FITS)
        assert result["cut"] == [], name
        assert result["hidden"] == [], name
        assert result["heads"] > 0 or name == "changes", name  # the changes page of a first edition has no table
    assert screen.errors == []


def test_the_register_keeps_its_ids_in_view_while_it_scrolls_on_a_phone(screen: Browser, handbook: Handbook) -> None:
    page = screen.page
    page.goto(f"{handbook.url}sms/register.html", wait_until="load")
    box = page.locator(".sms-register")
    classification = page.locator(".sms-register thead th").last
    assert (classification.text_content() or "").startswith("Classification")
    if width_of(page) >= 1400:
        # On a laptop the whole register fits: no scrolling needed to see its last column.
        assert box.evaluate("box => box.scrollWidth <= box.clientWidth")
        assert classification.is_visible() and classification.bounding_box()["x"] + 10 < 1400  # type: ignore[index]
        return
    assert box.evaluate("box => box.scrollWidth > box.clientWidth")  # the phone scrolls the table's box
    first = page.locator("#doc-POL-CHG-01 td").first
    first.scroll_into_view_if_needed()
    before = first.bounding_box()
    box.evaluate("box => { box.scrollLeft = box.scrollWidth; }")
    after = first.bounding_box()
    assert before is not None and after is not None
    assert after["x"] == pytest.approx(before["x"], abs=1)  # the id column stays where it was
    assert page.locator("#doc-POL-CHG-01 td").last.bounding_box()["x"] < 390  # type: ignore[index]
    screenshot(page, "register-390-scrolled")


def test_chart_text_stays_legible(screen: Browser, handbook: Handbook) -> None:
    page = screen.page
    sizes: list[float] = []
    for name in ("implementation", "nonconformities"):
        page.goto(f"{handbook.url}sms/{name}.html", wait_until="load")
        sizes += page.evaluate(CHART_TEXT)
    assert len(sizes) > 20
    assert min(sizes) >= 10, sorted(sizes)[:5]


def wait_for_every_row(page: Page) -> None:
    """After "Show all": the form's values are back to their defaults only after the reset event, so
    sms.js filters in a task queued from it and the rows show a moment later; wait up to a few seconds."""
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('.sms-coverage tbody tr')).every(row => row.checkVisibility())",
        timeout=5000,
    )


def coverage_rows(page: Page) -> list[tuple[str, bool]]:
    """Each coverage row's status and whether it shows."""
    rows: list[tuple[str, bool]] = [
        tuple(row)
        for row in page.locator(".sms-coverage tbody tr").evaluate_all(
            "rows => rows.map(row => [row.dataset.status, row.checkVisibility()])"
        )
    ]
    return rows


def test_coverage_filters_show_the_gaps_only(browser: Browser, gaps: Handbook) -> None:
    page = browser.page
    page.goto(gaps.url + "sms/coverage/", wait_until="load")
    statuses = [row["status"] for row in gaps.data["coverage"]]
    assert {"covered", "stale", "draft", "missing", "deferred"} <= set(statuses)
    assert [status for status, _ in coverage_rows(page)] == statuses
    assert all(shown for _, shown in coverage_rows(page))

    # The gaps, worst first, before the matrix.
    listed = page.locator(".sms-gaps__list li .sms-badge").all_inner_texts()
    assert listed == sorted((s for s in statuses if s in GAPS), key=["missing", "draft", "stale"].index)

    page.get_by_label("Gaps only").click()
    rows = coverage_rows(page)
    assert sorted(status for status, shown in rows if shown) == sorted(s for s in statuses if s in GAPS)
    assert not any(shown for status, shown in rows if status not in GAPS)
    count = sum(s in GAPS for s in statuses)
    assert page.locator(".sms-filters__count").inner_text() == f"Showing {count} of {len(statuses)} requirements"
    screenshot(page, "coverage-gaps-only")

    page.get_by_label("Status").select_option("draft")
    assert [status for status, shown in coverage_rows(page) if shown] == ["draft"] * statuses.count("draft")
    page.get_by_role("button", name="Show all").click()
    wait_for_every_row(page)
    assert all(shown for _, shown in coverage_rows(page))

    phase = gaps.data["coverage"][0]["phase"]
    page.get_by_label("Phase").select_option(label=f"1. {phase}")
    shown = [shown for _, shown in coverage_rows(page)]
    assert shown == [row["phase"] == phase for row in gaps.data["coverage"]] and any(shown) and not all(shown)


def test_coverage_filters_work_from_the_keyboard(browser: Browser, gaps: Handbook) -> None:
    page = browser.page
    page.goto(gaps.url + "sms/coverage/", wait_until="load")
    statuses = [row["status"] for row in gaps.data["coverage"]]
    gaps_only = page.get_by_label("Gaps only")
    gaps_only.focus()
    page.keyboard.press("Space")
    assert gaps_only.is_checked()
    assert not any(shown for status, shown in coverage_rows(page) if status not in GAPS)
    page.keyboard.press("Tab")  # on to the status filter
    assert page.evaluate("document.activeElement.name") == "status"
    page.keyboard.type("missing")
    assert page.get_by_label("Status").input_value() == "missing"
    assert [status for status, shown in coverage_rows(page) if shown] == ["missing"] * statuses.count("missing")
    page.get_by_role("button", name="Show all").focus()
    page.keyboard.press("Enter")
    wait_for_every_row(page)
    assert all(shown for _, shown in coverage_rows(page))
    assert not gaps_only.is_checked()


def test_without_javascript_the_coverage_page_shows_every_row(
    gaps: Handbook, tmp_path_factory: pytest.TempPathFactory
) -> None:
    for tab in open_browser(tmp_path_factory, javascript=False):
        page = tab.page
        page.goto(gaps.url + "sms/coverage/", wait_until="load")
        assert not page.locator("form.sms-filters").is_visible()
        rows = coverage_rows(page)
        assert len(rows) == len(gaps.data["coverage"]) and all(shown for _, shown in rows)
        gap_rows = [row for row in gaps.data["coverage"] if row["status"] in GAPS]
        assert page.locator(".sms-gaps__list li").count() == len(gap_rows) > 0
        assert page.locator(".sms-gaps__list").is_visible()
        screenshot(page, "coverage-without-javascript")


def search(page: Page, text: str) -> str:
    """Type ``text`` into Material's search box; the results as shown."""
    box = page.locator("input.md-search__input")
    box.click()
    box.press_sequentially(text, delay=50)
    page.locator(".md-search-result__list .md-search-result__item").first.wait_for()
    return page.locator(".md-search-result__list").inner_text()


def test_searching_a_clause_number_finds_its_documents_and_its_coverage_rows(
    browser: Browser, handbook: Handbook
) -> None:
    page = browser.page
    page.goto(handbook.url + "index.html", wait_until="load")
    results = search(page, "8.6.1")
    citing = [d for d in handbook.data["documents"] if "8.6.1" in d["clauses"]]
    rows = [r for r in handbook.data["coverage"] if r["clause"] == "8.6.1"]
    assert citing and rows
    for document in citing:
        assert document["title"] in results, document["id"]
    for row in rows:
        assert f"8.6.1 {row['requirement']}" in results
    screenshot(page, "search-clause")
    page.locator(".md-search-result__list a", has_text=f"8.6.1 {rows[0]['requirement']}").first.click()
    page.wait_for_url(re.compile(r"/sms/coverage\.html(\?h=[^#]*)?#req-"))  # search.highlight adds ?h=
    target = page.locator(":target")
    assert target.evaluate("row => row.tagName") == "TR"
    assert (target.locator("td").first.text_content() or "").strip() == "8.6.1"
    assert target.is_visible()


def test_the_example_opened_from_disk_works_search_included(
    handbook: Handbook, tmp_path_factory: pytest.TempPathFactory
) -> None:
    for tab in open_browser(tmp_path_factory):
        page = tab.page
        home = (handbook.site_dir / "index.html").as_uri()
        page.goto(home, wait_until="load")
        assert page.locator("article h1").first.is_visible()
        page.locator(".md-nav a", has_text="Document register").first.click()
        page.wait_for_url("file://**/sms/register.html")
        assert page.locator(".sms-register tbody tr").count() == len(handbook.data["documents"])
        title = handbook.document("POL-REL-01")["title"]
        assert title in search(page, "deployment")
        page.locator(".md-search-result__article h1", has_text=title).first.click()
        page.wait_for_url(re.compile(r"^file://.*/policies/release-and-deployment\.html"))
        assert page.locator(".sms-panel").get_attribute("data-sms-id") == "POL-REL-01"
        screenshot(page, "from-disk")
        assert tab.errors == []
        assert tab.outside == []  # the stand-in for unpkg's iframe-worker comes with the site
