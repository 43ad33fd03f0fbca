"""The README stays short and leads into the manual; what it no longer says lives in the manual.

The reference itself (options, front-matter keys, finding codes, commands, catalogues) is written from the
code when the manual is built and is checked in tests/test_manual.py.
"""

from __future__ import annotations

import re

from conftest import ROOT

README = (ROOT / "README.md").read_text("utf-8")
MANUAL = ROOT / "manual"
# The sections the README had before it was cut to a short introduction; each is a page or a section of
# the manual now.
MOVED = (
    "Using mkdocs-sms in your own handbook",
    "What you get",
    "Printing",
    "Configuration",
    "Front-matter",
    "Coverage",
    "Catalogues",
    "Findings",
    "Command line",
    "`sms.json`",
    "Audiences",
    "The implementation path (ISO/IEC 20000-5)",
    "Starting an SMS from nothing",
    "Adopting an existing handbook",
    "Writing a new document",
    "Editor validation",
    "In CI and before each commit",
    "Limitations (planned)",
    "Development",
    "Git history",
    "Editions",
)


def test_the_readme_is_short() -> None:
    assert len(README.splitlines()) <= 200


def test_quick_start_names_the_two_commands() -> None:
    quick = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    assert "make site" in quick and "make test" in quick


def test_every_link_of_the_readme_leads_to_a_file_of_the_repository() -> None:
    links = re.findall(r"\]\(([^)#]+)\)", README)
    local = [link for link in links if not re.match(r"[a-z]+:", link)]
    assert len(local) > 20
    assert [link for link in local if not (ROOT / link).is_file()] == []


def test_every_section_the_readme_gave_up_lives_in_the_manual() -> None:
    headings = {
        line.lstrip("#").strip()
        for page in MANUAL.rglob("*.md")
        for line in page.read_text("utf-8").splitlines()
        if re.match(r"#{1,3} ", line)
    }
    assert [section for section in MOVED if section not in headings] == []
    assert (ROOT / "benchmarks" / "README.md").read_text("utf-8").startswith("# Performance\n")
    assert '--8<-- "benchmarks/README.md"' in (MANUAL / "details" / "performance.md").read_text("utf-8")


def test_the_manual_keeps_no_hand_written_copy_of_the_generated_reference() -> None:
    """The tables of codes, keys and options are written from the code; a copy by hand would drift."""
    for page in MANUAL.rglob("*.md"):
        text = page.read_text("utf-8")
        assert not re.search(r"^\| SMS\d{3} \| (error|warning|info) \|", text, re.MULTILINE), page
        assert not re.search(r"^\| `id` \| yes \|", text, re.MULTILINE), page
        assert "      review_interval: 12 months" not in text, page
