"""Pages that auditors and staff read speak their language: catalogue titles rather than ids, no option or
front-matter key names, documents named by their titles where there is room."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT, run_build
from mkdocs_sms import render
from mkdocs_sms.load import load_project_handbook

# Words of the configuration and of catalogue files that once reached the generated pages.
CONFIGURATION_WORDS = (
    "max_age", "row(s)", "state: open", "state: action planned", "history: false", "trend_limit", "changes_since",
    "<code>audit:", "<code>level</code>", "<code>state</code>", "<code>grade</code>", "<code>target:",
    "front-matter key", "'inputs'", "implementation: phases", "<code>approved_on</code>",
)  # fmt: skip
NUMBERS = {"three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site_dir = tmp_path_factory.mktemp("words-example")
    result = run_build(ROOT / "mkdocs.yml", strict=True, site_dir=str(site_dir))
    assert result.ok, result.error
    return site_dir


def test_the_home_page_names_every_generated_page_and_counts_them() -> None:
    _, handbook = load_project_handbook(ROOT / "mkdocs.yml", with_history=False)
    generated = set(render.page_sources(handbook))
    home = (ROOT / "docs" / "index.md").read_text("utf-8")
    match = re.search(r"^(\w+) pages are generated automatically", home, re.M)
    assert match, "the home page says how many pages are generated"
    assert NUMBERS[match.group(1).lower()] == len(generated)
    # The list under that sentence links each of them once.
    listed = home[match.end() : home.index("\n\n", home.index("\n- ", match.end()))]
    assert sorted(re.findall(r"\]\(sms/([a-z-]+\.md)\)", listed)) == sorted(generated)


@pytest.mark.slow  # builds the whole example handbook
def test_generated_pages_name_catalogues_by_title_and_use_no_configuration_words(example: Path) -> None:
    pages = sorted(example.glob("sms/*.html"))
    assert len(pages) == 8  # the example asks for acknowledgements of its policies: their page is the eighth
    for page in pages:
        text = page.read_text("utf-8")
        content = text[text.index('<article class="md-content__inner') :]
        assert "iso20000-1:2018" not in content, page
        for word in CONFIGURATION_WORDS:
            assert word not in html.unescape(content), (page, word)
    coverage = (example / "sms/coverage.html").read_text("utf-8")
    assert "<strong>ISO/IEC 20000-1:2018 service management system requirements</strong>: 71 of 71" in coverage
    implementation = (example / "sms/implementation.html").read_text("utf-8")
    assert "Progress per phase of ISO/IEC 20000-1:2018 service management system requirements" in implementation


def _documents_cells(coverage: str) -> list[str]:
    rows = re.findall(r'<tr id="req-[^"]+".*?</tr>', coverage, re.S)
    return [re.findall(r"<td>(.*?)</td>", row, re.S)[-1] for row in rows]


def _named(cell: str) -> list[tuple[str, str]]:
    """(id, title shown beside it) of every linked document in a cell."""
    pairs = re.findall(r'<a href="[^"]+" title="[^"]*">([^<]+)</a> <span class="sms-doc-title">([^<]*)</span>', cell)
    return [(doc_id, html.unescape(title)) for doc_id, title in pairs]


@pytest.mark.slow  # builds the whole example handbook
def test_documents_are_shown_with_their_titles(example: Path) -> None:
    data: dict[str, Any] = json.loads((example / "sms.json").read_text("utf-8"))
    titles = {d["id"]: d["title"] for d in data["documents"]}
    coverage = (example / "sms/coverage.html").read_text("utf-8")
    cells = _documents_cells(coverage)
    assert len(cells) == len(data["coverage"])
    for cell, row in zip(cells, data["coverage"], strict=True):
        assert _named(cell) == [(doc_id, titles[doc_id]) for doc_id in row["documents"]], row["clause"]
    # The panel of the change management policy: what it relates to and what refers to it, by title too.
    panel = (example / "policies/change-management.html").read_text("utf-8")
    related = panel[panel.index("<dt>Related</dt>") : panel.index("<dt>Referenced by</dt>")]
    assert ("PRC-CHG-01", "Change management process") in _named(related)
    referenced = panel[panel.index("<dt>Referenced by</dt>") : panel.index("</dl>")]
    assert ("PRO-CHG-01", "Emergency change procedure") in _named(referenced)
    assert all(titles[doc_id] == title for doc_id, title in _named(related) + _named(referenced))
