"""Revision history across moves: Markdown moved into docs_dir from elsewhere in the repository (issue 21,
case 5), moved twice, out and back, copied, onto a name used before, and moved on a merged branch."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import Site
from mkdocs_sms.read.git import read_history
from test_history import _git_shim, change_policy, commit_all, git, without_change_policy


def write(root: Path, path: str, text: str) -> None:
    """A file at ``path`` relative to the repository root (not to docs_dir)."""
    target = root / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, "utf-8")


@pytest.fixture
def adopted(tmp_path: Path) -> Site:
    """A handbook whose change policy had three revisions at policies/change.md, outside docs_dir, before a
    rename-only commit moved it to docs/policies/change.md; the other pages were always in docs_dir."""
    site = without_change_policy(tmp_path / "repo")
    write(site.root, "policies/change.md", change_policy("0.1", "draft"))
    commit_all(site.root, "Draft the change policy", "2025-01-10", author="Carl Change")
    write(site.root, "policies/change.md", change_policy("1.0"))
    commit_all(site.root, "Approve change policy 1.0", "2025-02-01")
    write(site.root, "policies/change.md", change_policy("1.1", body="Changes are approved by the CAB or the ECAB."))
    commit_all(site.root, "Change policy 1.1: emergency CAB", "2025-06-01")
    return site


def move_into_docs(site: Site, date: str = "2026-01-05") -> None:
    (site.docs / "policies").mkdir(parents=True, exist_ok=True)
    git(site.root, "mv", "policies/change.md", "docs/policies/change.md")
    commit_all(site.root, "Move the handbook into docs/", date)


def history_of(data: dict[str, object], doc_id: str) -> list[tuple[str, str, str, str, str]]:
    documents = data["documents"]
    assert isinstance(documents, list)
    doc = next(d for d in documents if d["id"] == doc_id)
    return [(h["date"], h["version"], h["status"], h["author"], h["subject"]) for h in doc["history"]]


def test_history_follows_a_move_into_docs_dir_in_sms_json_and_on_the_page(adopted: Site) -> None:
    move_into_docs(adopted)
    adopted.write("policies/change.md", change_policy("1.2", body="Changes are approved by the CAB, or the ECAB."))
    commit_all(adopted.root, "Change policy 1.2: wording", "2026-02-01")
    data = adopted.check_json()
    assert history_of(data, "POL-CHG-01") == [
        ("2026-02-01", "1.2", "approved", "Ann Author", "Change policy 1.2: wording"),
        ("2026-01-05", "1.1", "approved", "Ann Author", "Move the handbook into docs/"),
        ("2025-06-01", "1.1", "approved", "Ann Author", "Change policy 1.1: emergency CAB"),
        ("2025-02-01", "1.0", "approved", "Ann Author", "Approve change policy 1.0"),
        ("2025-01-10", "0.1", "draft", "Carl Change", "Draft the change policy"),
    ]
    assert data["findings"] == []

    result = adopted.build(strict=True)
    assert result.ok, result.messages
    table = adopted.site_file("policies/change/index.html").split('id="revision-history"')[1]
    assert table.count("<tr>") == 6  # the heading row and five revisions
    assert "<td>Carl Change</td>" in table and "<td>Draft the change policy</td>" in table


def test_a_move_costs_one_more_log_and_diff_tree_whatever_the_number_of_pages(adopted: Site, tmp_path: Path) -> None:
    for n in range(40):
        write(adopted.root, f"records/r{n:02d}.md", change_policy(f"1.{n}").replace("POL-CHG-01", f"REC-{n:02d}"))
    commit_all(adopted.root, "Records", "2025-07-01")
    git(adopted.root, "mv", "records", "docs/records")
    move_into_docs(adopted)
    log = tmp_path / "calls.log"
    shim = _git_shim(tmp_path, log)
    result = adopted.check("--format", "json", env={"PATH": f"{shim}{os.pathsep}{os.environ['PATH']}"})
    assert result.returncode in (0, 1), result.stderr
    # The second diff-tree looks at the commit that added the records outside docs_dir.
    assert log.read_text().split() == ["rev-parse", "log", "diff-tree", "log", "diff-tree", "cat-file", "cat-file"]
    history = read_history(adopted.docs, ["records/r07.md", "policies/change.md"])
    assert [r.subject for r in history.of("records/r07.md")] == ["Move the handbook into docs/", "Records"]
    assert len(history.of("policies/change.md")) == 4


def test_a_move_with_an_edit_in_the_same_commit_is_followed(adopted: Site) -> None:
    adopted.write("policies/change.md", change_policy("1.2", body="Changes are approved by the CAB or the ECAB!"))
    (adopted.root / "policies/change.md").unlink()
    commit_all(adopted.root, "Move the change policy into docs/ as 1.2", "2026-01-05")
    assert [(h[1], h[4]) for h in history_of(adopted.check_json(), "POL-CHG-01")] == [
        ("1.2", "Move the change policy into docs/ as 1.2"),
        ("1.1", "Change policy 1.1: emergency CAB"),
        ("1.0", "Approve change policy 1.0"),
        ("0.1", "Draft the change policy"),
    ]


def test_a_change_after_approval_before_the_move_is_still_reported(adopted: Site) -> None:
    approved_at = git(adopted.root, "rev-parse", "HEAD")
    write(adopted.root, "policies/change.md", change_policy("1.1", body="Changes are approved by whoever is around."))
    commit_all(adopted.root, "Quietly loosen the rule", "2025-08-01")
    move_into_docs(adopted)
    (finding,) = adopted.check_json()["findings"]
    assert finding["code"] == "SMS201" and finding["path"] == "policies/change.md"
    assert finding["message"].endswith(
        f"content changed since version 1.1 was approved ({approved_at[:7]}, 2025-06-01) but the version was not raised"
    )


# The history pass alone, on repositories with the moves the log must see through -----------------------


def page(version: str, *lines: str) -> str:
    body = "\n".join(lines or [f"Line {n} of a document long enough for git to see it moved." for n in range(8)])
    return f"---\nversion: '{version}'\n---\n\n{body}\n"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    folder = tmp_path / "repo"
    (folder / "docs").mkdir(parents=True)
    git(folder, "init", "-q", "-b", "main")
    write(folder, "docs/index.md", "# Home\n")
    commit_all(folder, "Start", "2025-01-01")
    return folder


def revisions(root: Path, path: str) -> list[tuple[str, str, str | None]]:
    """(subject, repository path, version) of each revision of the page at ``path`` in docs_dir."""
    history = read_history(root / "docs", [path, "index.md"])
    assert history.unavailable is None
    return [(r.subject, r.path, r.version) for r in history.of(path)]


def test_a_page_moved_twice_outside_docs_dir_and_then_within_it(root: Path) -> None:
    write(root, "Policies/Change.md", page("1"))
    commit_all(root, "Write", "2025-02-01")
    git(root, "mv", "Policies", "policies")
    commit_all(root, "Lower-case folders", "2025-03-01")
    (root / "docs/handbook").mkdir()
    git(root, "mv", "policies/Change.md", "docs/handbook/change.md")
    commit_all(root, "Into docs", "2025-04-01")
    write(root, "docs/handbook/change.md", page("2"))
    git(root, "mv", "docs/handbook", "docs/policies")
    commit_all(root, "Rename the folder, version 2", "2025-05-01")
    assert revisions(root, "policies/change.md") == [
        ("Rename the folder, version 2", "docs/policies/change.md", "2"),
        ("Into docs", "docs/handbook/change.md", "1"),
        ("Lower-case folders", "policies/Change.md", "1"),
        ("Write", "Policies/Change.md", "1"),
    ]


def test_a_page_moved_out_of_docs_dir_and_back(root: Path) -> None:
    write(root, "docs/change.md", page("1"))
    commit_all(root, "Write", "2025-02-01")
    write(root, "docs/change.md", page("2"))
    commit_all(root, "Version 2", "2025-02-15")
    (root / "archive").mkdir()
    git(root, "mv", "docs/change.md", "archive/change.md")
    commit_all(root, "Archive", "2025-03-01")
    git(root, "mv", "archive/change.md", "docs/change.md")
    commit_all(root, "Bring back", "2025-04-01")
    assert revisions(root, "change.md") == [
        ("Bring back", "docs/change.md", "2"),
        ("Archive", "archive/change.md", "2"),
        ("Version 2", "docs/change.md", "2"),
        ("Write", "docs/change.md", "1"),
    ]


def test_a_copy_starts_its_own_history_and_the_moved_original_keeps_its_own(root: Path) -> None:
    write(root, "old/a.md", page("1"))
    write(root, "old/b.md", page("1", *[f"Another text, line {n}." for n in range(8)]))
    commit_all(root, "Write", "2025-02-01")
    write(root, "old/a.md", page("2"))
    commit_all(root, "Version 2", "2025-03-01")
    git(root, "mv", "old/a.md", "docs/a.md")
    write(root, "docs/b-copy.md", (root / "old/b.md").read_text())
    commit_all(root, "Move a, copy b", "2025-04-01")
    history = read_history(root / "docs", ["a.md", "b-copy.md"])
    assert [r.subject for r in history.of("a.md")] == ["Move a, copy b", "Version 2", "Write"]
    assert [r.subject for r in history.of("b-copy.md")] == ["Move a, copy b"]


def test_a_page_moved_onto_a_name_another_page_had_before(root: Path) -> None:
    write(root, "docs/change.md", page("7", *[f"An older document, line {n}." for n in range(8)]))
    commit_all(root, "The old change page", "2025-02-01")
    git(root, "rm", "-q", "docs/change.md")
    commit_all(root, "Remove the old change page", "2025-03-01")
    write(root, "drafts/change.md", page("1"))
    commit_all(root, "Draft", "2025-04-01")
    git(root, "mv", "drafts/change.md", "docs/change.md")
    commit_all(root, "Publish", "2025-05-01")
    assert revisions(root, "change.md") == [("Publish", "docs/change.md", "1"), ("Draft", "drafts/change.md", "1")]


def test_a_move_on_a_branch_merged_into_main(root: Path) -> None:
    write(root, "notes/change.md", page("1"))
    commit_all(root, "Write", "2025-02-01")
    git(root, "checkout", "-q", "-b", "adopt")
    (root / "docs/policies").mkdir()
    git(root, "mv", "notes/change.md", "docs/policies/change.md")
    commit_all(root, "Adopt", "2025-03-01")
    git(root, "checkout", "-q", "main")
    write(root, "docs/index.md", "# Home page\n")
    commit_all(root, "Edit home", "2025-03-02")
    git(root, "merge", "-q", "--no-ff", "-m", "Merge adopt", "adopt", date="2025-03-03")
    write(root, "docs/policies/change.md", page("2"))
    commit_all(root, "Version 2", "2025-04-01")
    assert revisions(root, "policies/change.md") == [
        ("Version 2", "docs/policies/change.md", "2"),
        ("Adopt", "docs/policies/change.md", "1"),
        ("Write", "notes/change.md", "1"),
    ]
