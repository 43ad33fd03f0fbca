"""The handbook on paper: pages printed to PDF (A4) by Chromium, as the browser's Print does, and read back
with poppler's pdftotext and pdfinfo. What an auditor holds must show every register column and document,
a coverage matrix of a few sheets, and on every sheet of a document its id, version, status and the
controlled-copy line with the day it was printed.

Skipped where poppler-utils is missing, except under CI (CI set), where that is a failure.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from browsing import SCREENSHOTS, Browser, Handbook, open_browser, serve, serve_folder, visit
from conftest import ROOT, Site, approved, complete_mini, run_build, write_config
from test_history import commit_all, git

pytestmark = pytest.mark.slow  # a real browser printing the example handbook

# The example asks staff to acknowledge its policies, so its register has the Acknowledged column.
REGISTER_COLUMNS = [
    "Id",
    "Title",
    "Type",
    "Version",
    "Status",
    "Owner",
    "Approved on",
    "Acknowledged",
    "Next review",
    "Classification",
]
REVIEW_COLUMNS = ["Id", "Title", "Owner", "Approved on", "Next review"]
HISTORY_COLUMNS = ["Date", "Version", "Status", "Author", "Change", "Commit"]
# A policy of the example that prints over several sheets.
LONG_POLICY = "POL-SMS-01"
# The bound asserted for the printed coverage matrix: it prints on 5 A4 sheets (64 before print styles).
COVERAGE_SHEETS = 7


def need_poppler() -> None:
    """Skip the test where pdftotext/pdfinfo/pdftoppm are missing; under CI (CI set) fail it instead."""
    missing = [tool for tool in ("pdftotext", "pdfinfo", "pdftoppm") if shutil.which(tool) is None]
    if missing:
        reason = f"{', '.join(missing)} not installed (apt-get install poppler-utils); the print tests need it"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)


@pytest.fixture(scope="module")
def handbook(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Handbook]:
    """The intranet edition of the example."""
    need_poppler()
    yield from serve(ROOT / "mkdocs.yml", tmp_path_factory)


@pytest.fixture(scope="module")
def browser(handbook: Handbook, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    yield from open_browser(tmp_path_factory)


def print_page(browser: Browser, handbook: Handbook, path: str, pdf: Path, picture: str | None = None) -> list[str]:
    """Print a page of the site to an A4 PDF and return the text of each sheet (pdftotext -layout).

    ``picture`` names a PNG of the first sheet saved in test-artifacts/screenshots/.
    """
    page = visit(browser, handbook, path)
    page.pdf(path=str(pdf), format="A4")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE)
    assert pages, info
    count = int(pages.group(1))
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    sheets = text.split("\f")[:count]
    assert len(sheets) == count
    if picture:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(SCREENSHOTS / picture)],
            check=True,
        )
    return sheets


def header_line(names: list[str]) -> re.Pattern[str]:
    """A printed line holding the column headers ``names`` in order."""
    return re.compile(r"\s+".join(re.escape(name) for name in names))


def row_line(sheets: list[str], doc_id: str) -> str:
    """The printed line on which a table row starting with ``doc_id`` begins."""
    lines = [line for sheet in sheets for line in sheet.splitlines() if line.split()[:1] == [doc_id]]
    assert lines, f"{doc_id} is not printed at the start of a row"
    return lines[0]


def test_the_coverage_matrix_prints_on_a_few_sheets_without_its_guidance(
    browser: Browser, handbook: Handbook, tmp_path: Path
) -> None:
    sheets = print_page(browser, handbook, "sms/coverage.html", tmp_path / "coverage.pdf", "print-coverage")
    assert len(sheets) <= COVERAGE_SHEETS
    text = "\n".join(sheets)
    # Material opens every <details> before printing; the guidance stays off the paper all the same.
    assert "What is needed" not in text
    assert "what the organisation does" not in text
    for row in handbook.data["coverage"]:
        assert re.search(rf"^\s*{re.escape(row['clause'])}\s", text, re.MULTILINE), row["clause"]
        for doc_id in row["documents"]:
            assert doc_id in text, (row["clause"], doc_id)


def test_the_register_prints_every_column_of_every_document(
    browser: Browser, handbook: Handbook, tmp_path: Path
) -> None:
    sheets = print_page(browser, handbook, "sms/register.html", tmp_path / "register.pdf", "print-register")
    headers = header_line(REGISTER_COLUMNS)
    # The column headers repeat at the top of every sheet the table runs over.
    assert all(headers.search(sheet) for sheet in sheets), "a sheet of the register has no column headers"
    assert "↕" not in "".join(sheets)  # no sort arrows on paper
    documents = handbook.data["documents"]
    assert len(documents) > 40
    for doc in documents:
        line = row_line(sheets, doc["id"])
        cells = [doc["version"] or "—", doc["status"], doc["approved_on"] or "—", doc["next_review"] or "—"]
        assert all(cell in line for cell in cells), (doc["id"], cells, line)
        assert line.rstrip().endswith(doc["classification"]), (doc["id"], line)


def test_the_review_schedule_prints_every_column(browser: Browser, handbook: Handbook, tmp_path: Path) -> None:
    sheets = print_page(browser, handbook, "sms/reviews.html", tmp_path / "reviews.pdf")
    text = "\n".join(sheets)
    page = browser.page
    rows: list[list[str]] = page.locator(".sms-reviews tbody tr").evaluate_all(
        "rows => rows.map(row => Array.from(row.cells, cell => cell.textContent.trim()))"
    )
    assert rows, "the example has reviews overdue or due"
    for label in ("Overdue by", "Due in"):
        if page.locator(".sms-reviews th", has_text=label).count():
            assert header_line([*REVIEW_COLUMNS, label]).search(text), label
    for doc_id, _title, _owner, approved_on, next_review, days in rows:
        line = row_line(sheets, doc_id)
        assert approved_on in line and next_review in line and line.rstrip().endswith(days), line


# The changes page of the example has no table: it is built without an earlier edition to compare with.
@pytest.mark.parametrize("path", ["sms/implementation.html", "sms/audit.html", "sms/nonconformities.html"])
def test_the_other_generated_pages_print_every_column(
    browser: Browser, handbook: Handbook, tmp_path: Path, path: str
) -> None:
    sheets = print_page(browser, handbook, path, tmp_path / "page.pdf")
    text = re.sub(r"\s+", " ", "\n".join(sheets))
    headers: list[str] = browser.page.locator(".sms-table thead th").evaluate_all(
        "cells => cells.map(cell => cell.textContent.trim())"
    )
    assert headers
    for name in headers:
        # A header wraps onto two lines at most; each of its words is on the sheet.
        assert all(word in text for word in name.split()), (path, name)


def test_every_sheet_of_a_printed_policy_names_it_and_says_uncontrolled_with_the_print_date(
    browser: Browser, handbook: Handbook, tmp_path: Path
) -> None:
    doc = handbook.document(LONG_POLICY)
    sheets = print_page(browser, handbook, doc_path(handbook, LONG_POLICY), tmp_path / "policy.pdf", "print-policy")
    assert len(sheets) >= 2
    today = dt.date.today().isoformat()
    mark = f"{doc['id']} · version {doc['version']} · {doc['status']}"
    for number, sheet in enumerate(sheets, start=1):
        first = sheet.strip().splitlines()[0]
        assert mark in first, (number, first)
        assert f"Uncontrolled when printed. Printed on {today}." in first, (number, first)
        assert f"Page {number} of {len(sheets)}" in sheet


def test_without_the_plugins_script_every_sheet_still_says_uncontrolled_when_printed(
    browser: Browser, handbook: Handbook, tmp_path: Path
) -> None:
    page = browser.page
    page.route("**/assets/mkdocs-sms/sms.js", lambda route: route.fulfill(status=200, body=""))
    try:
        sheets = print_page(browser, handbook, doc_path(handbook, LONG_POLICY), tmp_path / "policy.pdf")
    finally:
        page.unroute("**/assets/mkdocs-sms/sms.js")
    assert len(sheets) >= 2
    for sheet in sheets:
        first = sheet.strip().splitlines()[0]
        assert "Uncontrolled when printed." in first and "Printed on" not in first, first


def test_a_generated_page_carries_no_controlled_copy_line(browser: Browser, handbook: Handbook, tmp_path: Path) -> None:
    sheets = print_page(browser, handbook, "sms/reviews.html", tmp_path / "reviews.pdf")
    assert "Uncontrolled when printed" not in "".join(sheets)


def doc_path(handbook: Handbook, doc_id: str) -> str:
    """The site path of a document's page: the example is built for reading from disk (no directory
    URLs, as Material's offline plugin sets), the small handbooks with directory URLs."""
    source = handbook.document(doc_id)["path"].removesuffix(".md")
    return f"{source}.html" if (handbook.site_dir / f"{source}.html").exists() else f"{source}/"


# A long revision history: rows stay whole, the headers repeat --------------------------------------


@pytest.fixture(scope="module")
def long_history(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Handbook]:
    """A tiny handbook in git whose change policy has sixty revisions, each with a subject of several lines."""
    need_poppler()
    site = Site(tmp_path_factory.mktemp("long-history"))
    write_config(site.root, {"history": True})
    git(site.root, "init", "-q", "-b", "main")
    for path, content in complete_mini().items():
        site.write(path, content)
    for number in range(1, 61):
        version = f"1.{number}"
        site.write("policies/change.md", approved("POL-CHG-01", "policy", ["8.5.1.1"], version=version))
        day = dt.date(2025, 1, 1) + dt.timedelta(days=number)
        subject = f"Revision {number}: " + "the CAB meets weekly and records its decisions " * 3 + f"end {number}"
        commit_all(site.root, subject, day.isoformat())
    result = run_build(site.config_file, strict=True, site_dir=str(site.root / "site"))
    assert result.ok, result.error
    yield from serve_folder(site.root / "site")


def test_revision_history_rows_never_split_across_sheets_and_its_headers_repeat(
    browser: Browser, long_history: Handbook, tmp_path: Path
) -> None:
    history = long_history.document("POL-CHG-01")["history"]
    assert len(history) == 60
    sheets = print_page(browser, long_history, doc_path(long_history, "POL-CHG-01"), tmp_path / "history.pdf")
    with_rows = [sheet for sheet in sheets if re.search(r"Revision \d+:", sheet)]
    assert len(with_rows) >= 3
    headers = header_line(HISTORY_COLUMNS)
    assert all(headers.search(sheet) for sheet in with_rows), "a sheet of the history has no column headers"
    for revision in history:
        number = revision["subject"].split(":")[0].removeprefix("Revision ")
        # A row's first line (date, version, subject, commit) and its last (the subject's end) on one sheet.
        start = re.compile(rf"{revision['date']}\s+{re.escape(revision['version'])}\s.*Revision {number}:")
        holding = [index for index, sheet in enumerate(sheets) if start.search(sheet)]
        assert len(holding) == 1, (number, holding)
        sheet = sheets[holding[0]]
        assert revision["commit"][:7] in sheet and re.search(rf"\bend {number}\b", sheet), number
