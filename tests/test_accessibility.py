"""The handbook's own markup meets WCAG 2.1 AA: axe-core finds nothing in it on the generated pages and on
document pages, at a laptop's and a phone's width, in Material's light and dark (slate) schemes, on the
example as it is and on an aged build whose rows are stale, late and overdue. And what axe cannot judge:
sorting from the keyboard, scroll boxes the keyboard reaches, a table for every chart, the skip link, and
statuses that carry a word.

axe-core comes from the pinned axe-playwright-python package (its axe.min.js), injected into each page.
Only the plugin's markup is judged: on the generated pages (sms/*), the page's article, which the plugin
writes whole; on a document page, each outermost element of the article with an ``sms-`` class (the
panel, the findings, the revision history). Material's header, navigation and footer, and the authored
Markdown of a document, are the site owner's and are left out.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from axe_playwright_python.base import AXE_FILE_PATH

from browsing import Browser, Handbook, open_browser, screenshot, serve, serve_folder, visit
from conftest import ROOT, run_build

pytestmark = pytest.mark.slow  # a real browser running axe-core over two builds of the example

AGED_TODAY = "2027-09-01"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
GENERATED = [
    "sms/register.html",
    "sms/coverage.html",
    "sms/reviews.html",
    "sms/implementation.html",
    "sms/audit.html",
    "sms/nonconformities.html",
    "sms/changes.html",
]
# A policy (with related documents and a revision history) and a nonconformity record (overdue in the
# aged build, so it shows its findings too).
DOCUMENTS = ["policies/change-management.html", "records/nonconformities/nc-2026-001.html"]
SIZES = {"laptop": (1400, 1000), "phone": (390, 844)}

# Switch Material's colour scheme as its palette toggle does, and wait for the colours' transitions to end.
SCHEME = """async scheme => {
  document.body.setAttribute("data-md-color-scheme", scheme);
  await new Promise(done => requestAnimationFrame(done));
  await Promise.all(document.getAnimations().map(animation => animation.finished));
}"""
# axe-core over the plugin's markup only; each violation as its rule and the elements it found.
AXE = """async ([generated, tags]) => {
  const article = document.querySelector("article");
  const ours = generated ? [article] : Array.from(article.querySelectorAll('[class*="sms-"]'))
    .filter(element => !element.parentElement.closest('[class*="sms-"]'));
  if (!ours.length) return [];
  const result = await axe.run({include: ours}, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return result.violations.map(v => ({rule: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(node => node.target.join(" ") + ": " + node.failureSummary.replace(/\\s+/g, " "))}));
}"""
# The plugin's table and chart boxes that are wider than they are, outside closed disclosures.
OVERFLOWING = """() => Array.from(document.querySelectorAll(".sms-table, .sms-chart"))
  .filter(box => !box.closest("details:not([open])") && box.scrollWidth > box.clientWidth + 1)
  .map(box => box.className)"""


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Handbook]:
    """The example handbook as it is."""
    yield from serve(ROOT / "mkdocs.yml", tmp_path_factory)


@pytest.fixture(scope="module")
def aged(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Handbook]:
    """The example built as on a later day: reviews overdue, rows stale and phases late."""
    folder = tmp_path_factory.mktemp("aged")
    config = folder / "mkdocs.yml"
    config.write_text(
        f"INHERIT: {ROOT / 'mkdocs.yml'}\n"
        f"docs_dir: {ROOT / 'docs'}\n"
        "plugins:\n"
        "  sms:\n"
        f"    today: {AGED_TODAY}\n"
        "    acknowledge:\n"
        f"      people_file: {ROOT / 'acknowledgements' / 'staff.txt'}\n"
        f"      file: {ROOT / 'acknowledgements' / 'policies.csv'}\n"
        "    implementation:\n"
        f"      baseline: {ROOT / 'sms-baseline.json'}\n",
        "utf-8",
    )
    site_dir = folder / "site"
    result = run_build(config, site_dir=str(site_dir))  # not strict: the aged handbook has its warnings
    assert result.ok, result.error
    yield from serve_folder(site_dir)


@pytest.fixture(scope="module")
def tab(example: Handbook, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    """One Chromium tab for the module (Playwright's sync API drives one browser at a time)."""
    yield from open_browser(tmp_path_factory, *SIZES["laptop"])


@pytest.fixture
def laptop(tab: Browser) -> Browser:
    """The tab, 1400 x 1000."""
    width, height = SIZES["laptop"]
    tab.page.set_viewport_size({"width": width, "height": height})
    return tab


@pytest.fixture
def phone(tab: Browser) -> Browser:
    """The tab, 390 x 844."""
    width, height = SIZES["phone"]
    tab.page.set_viewport_size({"width": width, "height": height})
    return tab


def axe_violations(browser: Browser, handbook: Handbook, path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """What axe-core finds in the plugin's markup of a page, in either colour scheme."""
    page = visit(browser, handbook, path)
    page.add_script_tag(path=str(AXE_FILE_PATH))
    for scheme in ("default", "slate"):
        page.evaluate(SCHEME, scheme)
        for violation in page.evaluate(AXE, [path.startswith("sms/"), WCAG_TAGS]):
            yield scheme, violation


def report(violations: list[tuple[str, dict[str, Any]]]) -> str:
    """The violations, one rule per paragraph with the first elements it found."""
    lines = [f"{len(violations)} axe violations in the plugin's markup:"]
    for where, v in violations:
        lines.append(f"{where}: {v['rule']} ({v['impact']}) {v['help']}, {len(v['nodes'])} elements")
        lines += [f"    {node}" for node in v["nodes"][:5]]
    return "\n".join(lines)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("build", ["example", "aged"])
def test_axe_finds_no_violation_in_the_plugins_markup(build: str, size: str, request: pytest.FixtureRequest) -> None:
    handbook: Handbook = request.getfixturevalue(build)
    browser: Browser = request.getfixturevalue("laptop" if size == "laptop" else "phone")
    violations = []
    overflowing = []
    for path in GENERATED + DOCUMENTS:
        for scheme, violation in axe_violations(browser, handbook, path):
            violations.append((f"{build} {size} {scheme} {path}", violation))
        if size == "laptop":
            overflowing += [f"{path}: {box}" for box in browser.page.evaluate(OVERFLOWING)]
    assert not violations, report(violations)
    assert not overflowing, f"tables or charts wider than a 1400 px window: {overflowing}"
    assert not browser.errors


def test_the_dark_register_and_coverage_pages(laptop: Browser, aged: Handbook) -> None:
    for path, name in (("sms/register.html", "register"), ("sms/coverage.html", "coverage")):
        page = visit(laptop, aged, path)
        page.evaluate(SCHEME, "slate")
        screenshot(page, f"accessibility-{name}-dark")


def test_the_skip_link_and_the_keyboard_reach_and_sort_the_register(laptop: Browser, example: Handbook) -> None:
    page = visit(laptop, example, "sms/register.html")
    id_header = page.locator(".sms-register thead th").first
    assert id_header.get_attribute("aria-sort") == "ascending"  # as built: in order of id
    assert page.locator("article h1").first.inner_text().rstrip("¶") == "Document register"

    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.matches('a.md-skip')")
    page.keyboard.press("Enter")
    for _ in range(5):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('.sms-register th > button')"):
            break
    else:
        pytest.fail("five Tab presses after the skip link do not reach the register's first header")
    focused = page.evaluate("[document.activeElement.tagName, document.activeElement.closest('th').cellIndex]")
    assert focused == ["BUTTON", 0]
    assert page.get_by_role("button", name="Id").count() == 1

    ids = page.locator(".sms-register tbody tr td:first-child").all_inner_texts()
    page.keyboard.press("Enter")
    assert id_header.get_attribute("aria-sort") == "descending"
    assert page.locator(".sms-register tbody tr td:first-child").all_inner_texts() == list(reversed(ids))
    page.keyboard.press(" ")
    assert id_header.get_attribute("aria-sort") == "ascending"
    assert page.locator(".sms-register tbody tr td:first-child").all_inner_texts() == ids


def test_a_table_wider_than_a_phone_is_a_named_region_the_keyboard_scrolls(phone: Browser, example: Handbook) -> None:
    page = visit(phone, example, "sms/register.html")
    box = page.locator(".sms-register")
    assert box.get_attribute("tabindex") == "0"
    assert page.get_by_role("region", name="Document register").count() == 1
    box.focus()
    assert box.evaluate("box => box.scrollLeft") == 0
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    assert box.evaluate("box => box.scrollLeft") > 0


def test_a_table_that_fits_adds_no_stop_to_the_tab_order(laptop: Browser, example: Handbook) -> None:
    page = visit(laptop, example, "sms/register.html")
    assert page.locator(".sms-register").get_attribute("tabindex") is None


def test_every_chart_has_a_description_and_its_figures_as_a_table(laptop: Browser, aged: Handbook) -> None:
    charts = 0
    for path in ("sms/implementation.html", "sms/nonconformities.html"):
        page = visit(laptop, aged, path)
        for figure in page.locator("figure.sms-chart").all():
            charts += 1
            svg = figure.locator("svg")
            assert svg.get_attribute("role") == "img"
            name = page.locator("#" + (svg.get_attribute("aria-labelledby") or "")).text_content() or ""
            assert name.strip(), path
            table = figure.locator("details.sms-chart__data table")
            if not table.count():  # the trend's table follows its chart, in view
                table = figure.locator("xpath=following-sibling::div[1][contains(@class, 'sms-table')]//table")
            rows = table.locator("tbody tr")
            assert rows.count() > 0, f"{path}: {name} has no table"
            # Every figure a heat-map cell shows is in the table.
            shown = " ".join(table.locator("tbody td").evaluate_all("cells => cells.map(c => c.textContent)"))
            for cell in svg.locator("g.sms-cell").all():
                figures = cell.locator("text").nth(1).text_content() or ""
                value, total = figures.split("/")
                assert f"{value} of {total}" in shown, (path, name, figures)
    assert charts == 3  # phases, clause groups and ageing (the example has no tag to draw a trend from)


def test_overdue_reviews_carry_the_word_not_only_a_colour(laptop: Browser, aged: Handbook) -> None:
    page = visit(laptop, aged, "sms/register.html")
    overdue = {
        d["id"]
        for d in aged.data["documents"]
        if d["status"] == "approved" and d["next_review"] and d["next_review"] < AGED_TODAY
    }
    assert len(overdue) > 5
    headers = page.locator(".sms-register thead th").all_inner_texts()
    column = next(number for number, header in enumerate(headers) if header.startswith("Next review"))
    for doc_id in overdue:
        cells = page.locator(f"#doc-{doc_id} td").all_inner_texts()
        assert cells[column].endswith("overdue"), (doc_id, cells)
    marked = page.locator(".sms-register td.sms-overdue").count()
    assert marked == len(overdue)


@pytest.mark.parametrize("path", ["sms/register.html", "sms/reviews.html", "sms/changes.html"])
def test_generated_pages_start_with_a_heading_and_offer_the_skip_link(
    laptop: Browser, example: Handbook, path: str
) -> None:
    page = visit(laptop, example, path)
    first = page.locator("article > :not(a.md-content__button)").first
    assert first.evaluate("node => node.tagName") == "H1"
    assert page.locator("a.md-skip").count() == 1
