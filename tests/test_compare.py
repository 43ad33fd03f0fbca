"""One comparison: `mkdocs-sms diff` and the "what changed" page list the same documents.

Both read the earlier side from git the same way (every Markdown suffix, exclude_docs, .meta.yml
defaults) and compare it with the later side through one function; a build at ref B with
`changes_since: A` and `diff --base A --head B` must agree, category by category.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import Site, approved, complete_mini, run_cli, write_config
from test_history import commit_all, git

CATEGORIES = ("added", "changed", "renamed", "retired", "removed")


def _page(doc_id: str, doc_type: str, clauses: list[str], body: str = "Body.", **extra: object) -> str:
    return approved(doc_id, doc_type, clauses, **extra).replace("Body.", body)


@pytest.fixture
def history(tmp_path: Path) -> tuple[Site, str]:
    """A handbook at tag A and, after two commits, at HEAD (B), with every kind of change between them."""
    site = Site(tmp_path / "repo")
    site.root.mkdir()
    git(site.root, "init", "-q", "-b", "main")
    write_config(site.root, {"history": True, "changes_since": "A"}, exclude_docs="drafts/\n")
    for path, content in complete_mini().items():
        site.write(path, content)
    site.write("policies/text-only.md", _page("POL-TXT-01", "policy", ["5.2"], "First text."))
    site.write("policies/moved.md", _page("POL-MOV-01", "policy", ["5.2"]))
    site.write("procedures/to-retire.md", _page("PRC-RET-01", "procedure", ["8.5.1.1"]))
    site.write("procedures/to-remove.md", _page("PRC-REM-01", "procedure", ["8.5.1.1"]))
    # Folder defaults give the owner; a change of the defaults changes the documents under them.
    site.write("records/.meta.yml", "owner: Service desk\n")
    site.write(
        "records/incident.md",
        _page("REC-INC-01", "record", ["8.5.1.1"], date="2026-02-01").replace("owner: Owner\n", ""),
    )
    site.write("plans/extra.markdown", _page("PLN-MKD-01", "plan", ["9.2"]))
    site.write("drafts/ignored.md", _page("POL-IGN-01", "policy", ["5.2"]))
    commit_all(site.root, "Edition A", "2026-03-01")
    git(site.root, "tag", "A")

    site.write("policies/text-only.md", _page("POL-TXT-01", "policy", ["5.2"], "Second text, same version."))
    git(site.root, "mv", "docs/policies/moved.md", "docs/policies/moved-here.md")
    site.write(
        "procedures/to-retire.md",
        _page("PRC-RET-01", "procedure", ["8.5.1.1"], status="retired"),
    )
    git(site.root, "rm", "-q", "docs/procedures/to-remove.md")
    site.write("records/.meta.yml", "owner: Problem manager\n")
    site.write("plans/new.markdown", _page("PLN-NEW-01", "plan", ["9.2"]))
    site.write("drafts/ignored.md", _page("POL-IGN-01", "policy", ["5.2"], "Changed but excluded."))
    site.write("drafts/also-ignored.md", _page("POL-IGN-02", "policy", ["5.2"]))
    commit_all(site.root, "Edition B, part 1", "2026-04-01")
    site.write("policies/new.md", _page("POL-NEW-01", "policy", ["5.2"]))
    commit_all(site.root, "Edition B, part 2", "2026-04-02")
    return site, git(site.root, "rev-parse", "HEAD")


def _diff_ids(site: Site, base: str, head: str | None) -> dict[str, list[str]]:
    args = ["diff", "-f", str(site.config_file), "--base", base, "--format", "json"]
    if head:
        args += ["--head", head]
    result = run_cli(*args, cwd=site.root)
    assert result.returncode in (0, 1), result.stderr
    documents = json.loads(result.stdout)["documents"]
    return {kind: sorted(entry["id"] for entry in documents[kind]) for kind in CATEGORIES}


def _page_ids(site: Site) -> dict[str, list[str]]:
    build = site.build()
    assert build.ok, build.messages
    html = site.site_file("sms/changes/index.html")
    found: dict[str, list[str]] = {kind: [] for kind in CATEGORIES}
    for section in re.split(r'(?=<h2 id="(?:added|changed|renamed|retired|removed)">)', html)[1:]:
        kind = section.split('"', 2)[1]
        found[kind] = sorted(re.findall(r'<tr data-sms-id="([^"]+)"', section))
    return found


def test_diff_and_the_changes_page_list_the_same_documents(history: tuple[Site, str]) -> None:
    site, head = history
    expected = {
        "added": ["PLN-NEW-01", "POL-NEW-01"],
        "changed": ["POL-TXT-01", "PRC-RET-01", "REC-INC-01"],
        "renamed": ["POL-MOV-01"],
        "retired": ["PRC-RET-01"],
        "removed": ["PRC-REM-01"],
    }
    assert _diff_ids(site, "A", head) == expected
    assert _diff_ids(site, "A", None) == expected  # the working tree, which is B
    assert _page_ids(site) == expected


def test_the_changes_page_marks_a_text_edit_without_a_new_version(history: tuple[Site, str]) -> None:
    site, _ = history
    assert site.build().ok
    html = site.site_file("sms/changes/index.html")
    row = re.search(r'<tr data-sms-id="POL-TXT-01">(.*?)</tr>', html, re.DOTALL)
    assert row is not None
    assert "+1 −1 lines" in row.group(1) and "version not raised" in row.group(1)
    moved = re.search(r'<h2 id="renamed">.*?<tr data-sms-id="POL-MOV-01">(.*?)</tr>', html, re.DOTALL)
    assert moved is not None and "policies/moved.md" in moved.group(1) and "policies/moved-here.md" in moved.group(1)
    retired = re.search(r'<tr data-sms-id="PRC-RET-01">(.*?)</tr>', html.split('<h2 id="changed">')[1], re.DOTALL)
    assert retired is not None and "front-matter only" in retired.group(1)


def test_the_markdown_report_has_a_row_for_each_renamed_document(history: tuple[Site, str]) -> None:
    site, head = history
    result = run_cli("diff", "-f", str(site.config_file), "--base", "A", "--head", head, cwd=site.root)
    report = result.stdout
    assert "1 renamed" in report
    renamed = report.split("**Renamed** (1)")[1].split("**Retired**")[0]
    assert "| POL-MOV-01 | Document POL-MOV-01 | policies/moved.md | policies/moved-here.md |" in renamed
    assert "version not raised" in report
