"""The example handbook in a real browser: what a reader sees and can do on the register, a document page,
the coverage matrix and Material's search.

The machinery (the built site served on 127.0.0.1, Debian's Chromium through Playwright) is in browsing.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from browsing import (
    Browser,
    Handbook,
    column,
    header,
    header_names,
    natural,
    open_browser,
    screenshot,
    serve,
    visit,
)
from conftest import ROOT
from mkdocs_sms.catalogue import load_catalogue
from mkdocs_sms.options import DEFAULT_TYPES
from mkdocs_sms.render import basis_label

pytestmark = pytest.mark.slow  # a real browser on both built editions of the example handbook

# A policy and a word of its title that few other pages share, for the search test.
SEARCHED_POLICY, SEARCH_WORD = "POL-REL-01", "deployment"
PANEL_LABELS = {
    "Document": "id",
    "Version": "version",
    "Type": "type",
    "Owner": "owner",
    "Approved by": "approved_by",
    "Approved on": "approved_on",
    "Next review": "next_review",
    "Classification": "classification",
}


@pytest.fixture(scope="module")
def handbook(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Handbook]:
    """The intranet edition of the example."""
    yield from serve(ROOT / "mkdocs.yml", tmp_path_factory)


@pytest.fixture(scope="module")
def customers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Handbook]:
    """The customer edition of the example (audience public)."""
    yield from serve(ROOT / "mkdocs.customers.yml", tmp_path_factory)


@pytest.fixture(scope="module")
def browser(handbook: Handbook, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    """A fresh Chromium profile with one tab."""
    yield from open_browser(tmp_path_factory)


def test_register_lists_every_document(browser: Browser, handbook: Handbook) -> None:
    page = visit(browser, handbook, "sms/register.html")
    rows = page.locator(".sms-register tbody tr")
    documents = handbook.data["documents"]
    assert rows.count() == len(documents) > 40
    assert column(page, "Id") == [d["id"] for d in documents]
    assert page.locator(".sms-register").is_visible()
    assert page.locator(".sms-summary").inner_text().startswith(f"{len(documents)} controlled documents")
    screenshot(page, "register")


def test_register_sorts_by_next_review_when_its_header_is_clicked(browser: Browser, handbook: Handbook) -> None:
    page = visit(browser, handbook, "sms/register.html")
    before = column(page, "Next review")
    by_id = column(page, "Id")
    next_review = header(page, "Next review")
    assert next_review.get_attribute("aria-sort") is None

    next_review.click()
    ascending = column(page, "Next review")
    dated = [d for d in ascending if d != "—"]
    assert ascending != before  # the rows really moved
    assert dated == sorted(dated) and ascending[: len(dated)] == dated  # earliest first, undated last
    assert sorted(ascending) == sorted(before)  # the same rows, reordered
    assert next_review.get_attribute("aria-sort") == "ascending"
    # Each row moves as a whole: the id beside each date is still that document's.
    dates = {d["id"]: d["next_review"] or "—" for d in handbook.data["documents"]}
    assert [dates[i] for i in column(page, "Id")] == ascending
    assert sorted(column(page, "Id")) == sorted(by_id)

    next_review.click()
    descending = column(page, "Next review")
    assert [d for d in descending if d != "—"] == sorted(dated, reverse=True)
    assert next_review.get_attribute("aria-sort") == "descending"
    assert header(page, "Id").get_attribute("aria-sort") is None


def test_register_sorts_from_the_keyboard(browser: Browser, handbook: Handbook) -> None:
    page = visit(browser, handbook, "sms/register.html")
    version = header(page, "Version")
    version.get_by_role("button").focus()  # each header's words are a button
    assert page.evaluate("document.activeElement.closest('th').cellIndex") == header_names(page).index("Version")
    page.keyboard.press("Enter")
    versions = column(page, "Version")
    assert versions == sorted(versions, key=natural)
    assert version.get_attribute("aria-sort") == "ascending"

    doc_id = header(page, "Id")
    doc_id.get_by_role("button").focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    ids = column(page, "Id")
    assert ids == sorted(ids, key=natural, reverse=True)
    assert doc_id.get_attribute("aria-sort") == "descending"
    assert version.get_attribute("aria-sort") is None


def test_an_id_in_the_register_opens_its_document_with_its_metadata_panel(browser: Browser, handbook: Handbook) -> None:
    page = visit(browser, handbook, "sms/register.html")
    document = handbook.document("POL-CHG-01")
    page.locator("#doc-POL-CHG-01 td").first.get_by_role("link", name="POL-CHG-01").click()
    page.wait_for_url(handbook.url + "policies/change-management.html")
    assert page.locator("article h1").first.inner_text() == document["title"]

    panel = page.locator(".sms-panel")
    assert panel.is_visible()
    assert panel.get_attribute("data-sms-id") == "POL-CHG-01"
    shown = dict(
        zip(
            panel.locator("dt").all_inner_texts(),
            [t.strip() for t in panel.locator("dd").all_inner_texts()],
            strict=True,
        )
    )
    for label, key in PANEL_LABELS.items():
        assert shown[label] == (document[key] or "—"), label
    assert panel.locator(".sms-badge").first.inner_text() == document["status"] == "approved"
    assert panel.locator("a.sms-clause").all_inner_texts() == document["clauses"]
    screenshot(page, "document")


def test_search_finds_a_policy_by_a_word_of_its_title(browser: Browser, handbook: Handbook) -> None:
    title = handbook.document(SEARCHED_POLICY)["title"]
    assert SEARCH_WORD in title.lower()
    page = visit(browser, handbook, "")
    search = page.locator("input.md-search__input")
    search.click()
    search.press_sequentially(SEARCH_WORD, delay=50)
    results = page.locator(".md-search-result__list .md-search-result__item")
    results.first.wait_for()
    page.locator(".md-search-result__article h1", has_text=title).first.wait_for()
    assert title in page.locator(".md-search-result__list").inner_text()
    assert "No matching documents" not in page.locator(".md-search-result__meta").inner_text()


def test_coverage_shows_status_badges_and_panel_clause_links_land_on_their_row(
    browser: Browser, handbook: Handbook
) -> None:
    page = visit(browser, handbook, "sms/coverage.html")
    coverage = handbook.data["coverage"]
    badges_by_row: list[list[str]] = page.locator(".sms-coverage tbody tr").evaluate_all(
        "rows => rows.map(row => [...row.querySelectorAll('.sms-badge')].map(badge => badge.textContent.trim()))"
    )
    assert len(badges_by_row) == len(coverage)
    for badges, row in zip(badges_by_row, coverage, strict=True):
        assert row["status"] in badges, (row["clause"], row["requirement"], badges)
    assert page.locator(".sms-coverage .sms-badge--covered").first.is_visible()
    screenshot(page, "coverage")

    page = visit(browser, handbook, "processes/incident-management.html")
    link = page.locator(".sms-panel a.sms-clause", has_text="8.6.1")
    href = link.get_attribute("href") or ""
    assert href.endswith("sms/coverage.html#clause-8-6-1")
    link.click()
    page.wait_for_url(handbook.url + "sms/coverage.html#clause-8-6-1")
    target: dict[str, Any] = page.evaluate(
        """() => {
            const target = document.querySelector(':target');
            const row = target && target.closest('tr');
            const box = row && row.getBoundingClientRect();
            return {
                id: target && target.id,
                clause: row && row.cells[0].textContent.trim(),
                text: row && row.textContent,
                top: box && box.top, bottom: box && box.bottom, height: window.innerHeight,
            };
        }"""
    )
    assert target["id"] == "clause-8-6-1"
    assert target["clause"] == "8.6.1"
    assert "PRC-INC-01" in target["text"]  # the document whose panel linked here meets the row
    assert 0 <= target["top"] < target["height"] and target["bottom"] > 0, target  # the row is in view


def test_coverage_rows_say_why_they_exist_and_clause_guidance_opens_on_demand(
    browser: Browser, handbook: Handbook
) -> None:
    """Each row shows its basis as a reader would say it; each clause's ISO/IEC 20000-2-style guidance is
    collapsed until opened, and the document-control statement stands in the clause 7 group."""
    catalogue = load_catalogue("iso20000-1:2018", ROOT, DEFAULT_TYPES)
    expected = [basis_label(requirement) for requirement in catalogue.requirements]
    page = visit(browser, handbook, "sms/coverage.html")
    labels: list[str] = page.locator(".sms-coverage tbody tr").evaluate_all(
        "rows => rows.map(row => { const b = row.querySelector('.sms-basis');"
        " return b && b.checkVisibility() ? b.textContent.trim() : null; })"
    )
    assert labels == expected
    assert "required by 8.6.1" in labels and any(label.startswith("recommended") for label in labels)

    incident = next(c for c in catalogue.clauses if c.number == "8.6.1")
    details = page.locator("#guidance-8-6-1")
    first_activity = details.locator(".sms-activities li").first
    assert not first_activity.is_visible()  # collapsed by default
    details.locator("summary").click()
    text = f"{incident.activities[0].text} Level {incident.activities[0].level}"  # its maturity level after it
    assert first_activity.is_visible() and first_activity.text_content() == text
    assert details.get_by_text(incident.explanation[:40]).is_visible()
    details.scroll_into_view_if_needed()
    screenshot(page, "coverage-clause-guidance")
    control = page.locator("#document-control")
    assert control.is_visible() and "7.5.2, 7.5.3" in (control.text_content() or "")


def test_the_implementation_path_pages_as_a_reader_sees_them(browser: Browser, handbook: Handbook) -> None:
    """The nonconformities page (open ones oldest first, the ageing chart), the gap assessment on the
    implementation page (the activity heat map opens on demand) and the audit page, with screenshots."""
    page = visit(browser, handbook, "sms/nonconformities.html")
    ids = page.locator(".sms-ncs").first.locator("tbody tr td:first-child").all_inner_texts()
    open_ncs = [d for d in handbook.data["documents"] if d["path"].startswith("records/nonconformities/")]
    assert len(ids) == 4 and set(ids) <= {d["id"] for d in open_ncs}
    chart = page.locator("svg.sms-svg")
    assert chart.is_visible() and chart.bounding_box()["width"] > 300  # type: ignore[index]
    screenshot(page, "nonconformities")

    page = visit(browser, handbook, "sms/implementation.html")
    section = page.locator("#gap-assessment")
    section.scroll_into_view_if_needed()
    heat = page.locator(".sms-heat")
    assert not heat.is_visible()
    page.locator(".sms-fold summary", has_text="Every activity").click()
    assert heat.is_visible()
    partial = heat.locator(".sms-judged--partial")
    assert partial.count() == handbook.data["assessments"][-1]["counts"]["partial"]
    assert "8.2.6/4" in (partial.first.get_attribute("title") or "")
    screenshot(page, "implementation-assessment")

    page = visit(browser, handbook, "sms/audit.html")
    headline = {
        "ready": "Ready for the certification audit",
        "not ready": "Not ready for the certification audit",
        "cannot be assessed": "Readiness for the certification audit cannot be assessed",
    }
    title = page.locator(".sms-verdict__title")
    assert title.is_visible() and title.inner_text() == headline[handbook.data["audit"]["verdict"]]
    failed = handbook.data["audit"]["failed"]
    assert all(page.get_by_text(name).first.is_visible() for name in failed)
    screenshot(page, "audit")
    assert browser.errors == []


def test_no_console_errors_and_nothing_fetched_from_outside(browser: Browser, handbook: Handbook) -> None:
    for path in (
        "",
        "sms/register.html",
        "sms/coverage.html",
        "sms/reviews.html",
        "sms/changes.html",
        "policies/change-management.html",
    ):
        visit(browser, handbook, path)
    assert browser.errors == []
    # Nothing comes from outside, web fonts included (theme.font: false): an intranet may have no internet.
    assert browser.outside == []
    assert browser.page.evaluate("[...document.scripts].some(s => s.src.endsWith('assets/mkdocs-sms/sms.js'))")


def test_the_customer_edition_shows_no_trace_of_internal_documents(browser: Browser, customers: Handbook) -> None:
    page = browser.page
    page.goto(customers.url + "sms/register.html")
    rows = page.locator(".sms-register tbody tr")
    assert rows.count() == len(customers.data["documents"]) == 2
    assert "90 further documents of the SMS are classified above public" in page.inner_text("article")
    screenshot(page, "customer-register")
    # A word found only in internal documents (the failover procedure and test report) finds nothing.
    search = page.locator("input.md-search__input")
    search.click()
    search.press_sequentially("failover", delay=50)
    page.locator(".md-search-result__meta", has_text="No matching documents").wait_for()
    search.fill("")
    search.press_sequentially("policy", delay=50)
    page.locator(".md-search-result__article h1", has_text="Service management policy").first.wait_for()
    results = page.locator(".md-search-result__list").inner_text()
    assert "Release and deployment policy" not in results and "Change management policy" not in results
    # The internal policy's address is not there at all.
    response = page.goto(customers.url + "policies/release-and-deployment.html")
    assert response is not None and response.status == 404
