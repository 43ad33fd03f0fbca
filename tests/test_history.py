"""Git-based document control on real repositories: revision history, SMS201-SMS203, the HEAD cache."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import stat
import subprocess
from pathlib import Path
from typing import Any

import pytest

from conftest import Site, approved, complete_mini, front, run_cli, write_config
from mkdocs_sms.read.git import read_history

GIT = shutil.which("git") or "git"


def git(repo: Path, *args: str, date: str | None = None, author: str = "Ann Author") -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": author, "GIT_AUTHOR_EMAIL": "ann@example.org",
           "GIT_COMMITTER_NAME": "CI", "GIT_COMMITTER_EMAIL": "ci@example.org"}  # fmt: skip
    if date:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = f"{date}T12:00:00+00:00"
    result = subprocess.run([GIT, *args], cwd=repo, env=env, capture_output=True, text=True, check=True)
    return result.stdout.strip()


def commit_all(repo: Path, message: str, date: str, author: str = "Ann Author") -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message, date=date, author=author)
    return git(repo, "rev-parse", "HEAD")


def change_policy(version: str, status: str = "approved", body: str = "Changes are approved by the CAB.") -> str:
    extra: dict[str, Any] = {"version": version, "status": status}
    if status != "approved":
        extra.update(approved_by=None, approved_on=None)
    page = approved("POL-CHG-01", "policy", ["8.5.1.1"], **extra)
    return page.replace("Body.\n", body + "\n").replace("approved_by: null\n", "").replace("approved_on: null\n", "")


def without_change_policy(root: Path) -> Site:
    """A new git repository at ``root`` with the miniature handbook but its change policy, not committed."""
    site = Site(root)
    site.root.mkdir()
    git(site.root, "init", "-q", "-b", "main")
    write_config(site.root, {"history": True}, repo_url="https://github.com/example/handbook")
    for path, content in complete_mini().items():
        if path != "policies/change.md":
            site.write(path, content)
    return site


@pytest.fixture
def repo(tmp_path: Path) -> Site:
    """A handbook in a git repository with four back-dated commits, one of them a rename."""
    site = without_change_policy(tmp_path / "repo")
    site.write("policies/change.md", change_policy("0.1", "draft"))
    commit_all(site.root, "Draft the change policy", "2026-01-10", author="Carl Change")
    site.write("policies/change.md", change_policy("1.0"))
    commit_all(site.root, "Approve change policy 1.0", "2026-02-01")
    git(site.root, "mv", "docs/policies/change.md", "docs/policies/change-management.md")
    commit_all(site.root, "Move the change policy", "2026-03-01")
    site.write(
        "policies/change-management.md", change_policy("1.1", body="Changes are approved by the CAB or the ECAB.")
    )
    commit_all(site.root, "Change policy 1.1: emergency CAB", "2026-04-15")
    return site


def test_revision_history_follows_renames_in_sms_json_and_on_the_page(repo: Site) -> None:
    data = repo.check_json()
    doc = next(d for d in data["documents"] if d["id"] == "POL-CHG-01")
    assert [(h["date"], h["version"], h["status"], h["author"], h["subject"]) for h in doc["history"]] == [
        ("2026-04-15", "1.1", "approved", "Ann Author", "Change policy 1.1: emergency CAB"),
        ("2026-03-01", "1.0", "approved", "Ann Author", "Move the change policy"),
        ("2026-02-01", "1.0", "approved", "Ann Author", "Approve change policy 1.0"),
        ("2026-01-10", "0.1", "draft", "Carl Change", "Draft the change policy"),
    ]
    assert doc["last_changed"] == "2026-04-15"
    assert all(len(h["commit"]) == 40 for h in doc["history"])
    assert data["findings"] == []

    result = repo.build(strict=True)
    assert result.ok, result.messages
    html = repo.site_file("policies/change-management/index.html")
    assert '<h2 id="revision-history">Revision history</h2>' in html
    first = doc["history"][0]["commit"]
    assert f'<a href="https://github.com/example/handbook/commit/{first}"><code>{first[:7]}</code></a>' in html
    assert "<td>Carl Change</td>" in html and "<td>Draft the change policy</td>" in html
    assert "2026-04-15" in html.split('class="md-source-file"')[1][:600]  # Material's "Last update"


def test_commit_links_follow_the_configured_pattern(repo: Site) -> None:
    write_config(repo.root, {"history": True, "commit_url": "https://git.example/sms/-/commit/{commit}"})
    assert repo.build().ok
    assert 'href="https://git.example/sms/-/commit/' in repo.site_file("policies/change-management/index.html")


def test_changed_after_approval_is_reported_until_the_version_is_raised(repo: Site) -> None:
    path = "policies/change-management.md"
    edited = change_policy("1.1", body="Changes are approved by whoever is around.")
    repo.write(path, edited)
    (finding,) = repo.check_json()["findings"]
    assert finding["code"] == "SMS201" and finding["path"] == path and finding["line"] == 9
    assert "content changed since version 1.1 was approved (" in finding["message"]
    commit_all(repo.root, "Quietly loosen the rule", "2026-05-01")
    assert [f["code"] for f in repo.check_json()["findings"]] == ["SMS201"]
    build = repo.build(strict=True)
    assert not build.ok and any("SMS201 policies/change-management.md:9" in m for m in build.plugin_warnings())
    repo.write(path, change_policy("1.2", body="Changes are approved by whoever is around."))
    assert repo.check_json()["findings"] == []
    # Metadata-only edits (a new owner) are not content changes.
    committed = change_policy("1.1", body="Changes are approved by the CAB or the ECAB.")
    repo.write(path, committed.replace("owner: Owner", "owner: Change Manager"))
    assert repo.check_json()["findings"] == []


def test_future_approval_is_reported(make_site: Any) -> None:
    page = approved("POL-FUT-01", "policy", ["5.2"], approved_on="2027-01-05")
    (finding,) = make_site({**complete_mini(), "f.md": page}).check_json()["findings"]
    assert finding["code"] == "SMS203" and finding["line"] == 11
    assert "approved_on 2027-01-05 is later than today (2026-11-29)" in finding["message"]


def test_no_repository_is_a_warning_and_the_build_goes_on(make_site: Any) -> None:
    site = make_site(complete_mini(), {"history": True})
    (finding,) = site.check_json()["findings"]
    assert finding["code"] == "SMS202" and "is not in a git repository" in finding["message"]
    assert site.check().returncode == 0 and site.check("--strict").returncode == 1
    result = site.build()
    assert result.ok and any("SMS202" in m for m in result.plugin_warnings())
    assert "Revision history" not in site.site_file("policies/change/index.html")


def test_shallow_clone_says_how_to_fix_it_in_ci(repo: Site, tmp_path: Path) -> None:
    clone = tmp_path / "shallow"
    subprocess.run([GIT, "clone", "-q", "--depth", "1", f"file://{repo.root}", str(clone)], check=True)
    result = run_cli("check", "--format", "json", cwd=clone)
    (finding,) = json.loads(result.stdout)["findings"]
    assert finding["code"] == "SMS202"
    assert "shallow clone" in finding["message"] and "fetch-depth: 0" in finding["message"]


def _git_shim(tmp_path: Path, log: Path | None) -> Path:
    """A folder whose 'git' logs the subcommand of each call (after '-c core.quotepath=off') and runs git."""
    folder = tmp_path / "shim"
    folder.mkdir(exist_ok=True)
    if log is not None:
        shim = folder / "git"
        shim.write_text(f'#!/bin/sh\necho "$3" >> "{log}"\nexec "{GIT}" "$@"\n')
        shim.chmod(shim.stat().st_mode | stat.S_IEXEC)
    return folder


def test_git_missing_is_a_warning(repo: Site, tmp_path: Path) -> None:
    python_dir = Path(os.sys.executable).parent
    env = {"PATH": f"{python_dir}"}
    result = repo.check("--format", "json", env=env)
    (finding,) = json.loads(result.stdout)["findings"]
    assert finding["code"] == "SMS202" and "git is not installed" in finding["message"]


@pytest.mark.parametrize("documents", [3, 60])
def test_history_costs_five_git_processes_whatever_the_size(repo: Site, tmp_path: Path, documents: int) -> None:
    for n in range(documents):
        repo.write(f"records/r{n:03d}.md", approved(f"REC-T-{n:03d}", "record", ["9.2"], date="2026-01-01"))
    commit_all(repo.root, "Add records", "2026-05-01")
    for n in range(0, documents, 2):
        repo.write(
            f"records/r{n:03d}.md", approved(f"REC-T-{n:03d}", "record", ["9.2"], date="2026-01-01", version="1.1")
        )
    commit_all(repo.root, "Revise records", "2026-05-02")
    log = tmp_path / "calls.log"
    shim = _git_shim(tmp_path, log)
    result = repo.check("--format", "json", env={"PATH": f"{shim}{os.pathsep}{os.environ['PATH']}"})
    assert result.returncode == 0, result.stderr
    # diff-tree: whether the commit that added the records moved them in from outside docs_dir. The
    # second cat-file reads the text of each approval commit (SMS201 compares it with the page's text).
    assert log.read_text().split() == ["rev-parse", "log", "diff-tree", "cat-file", "cat-file"]
    data = json.loads(result.stdout)
    assert len(next(d for d in data["documents"] if d["id"] == "REC-T-000")["history"]) == 2


def test_history_is_cached_by_head(repo: Site) -> None:
    paths = ["policies/change-management.md", "policies/sms.md"]
    first = read_history(repo.docs, paths)
    assert read_history(repo.docs, paths, first) is first
    # A new commit
    repo.write("policies/sms.md", repo.docs.joinpath("policies/sms.md").read_text().replace('"1.0"', '"1.1"'))
    commit_all(repo.root, "SMS policy 1.1", "2026-06-01")
    second = read_history(repo.docs, paths, first)
    assert second is not first and second.of("policies/sms.md")[0].version == "1.1"
    # A checkout of another branch
    git(repo.root, "checkout", "-q", "-b", "old", "HEAD~1")
    third = read_history(repo.docs, paths, second)
    assert third.of("policies/sms.md")[0].version == "1.0"
    # A rebase that rewrites the newest commit
    git(repo.root, "checkout", "-q", "main")
    git(repo.root, "commit", "-q", "--amend", "-m", "SMS policy 1.1 (reworded)", date="2026-06-02")
    fourth = read_history(repo.docs, paths, second)
    assert fourth is not second and fourth.of("policies/sms.md")[0].subject == "SMS policy 1.1 (reworded)"
    # A new page is history read again, not served from the cache
    assert read_history(repo.docs, [*paths, "new.md"], fourth) is not fourth


def test_uncommitted_document_says_it_has_no_revision_yet(repo: Site) -> None:
    repo.write("policies/new.md", front(id="POL-NEW-01", title="New", type="policy", owner="o", version="0.1"))
    assert repo.build().ok
    assert "Not committed yet" in repo.site_file("policies/new/index.html")
    doc = next(d for d in repo.check_json()["documents"] if d["id"] == "POL-NEW-01")
    assert doc["history"] == [] and doc["last_changed"] is None


QUICK_CASES = [
    'version: "2.1"\nstatus: approved',
    "version: '1.0'  # reviewed\nstatus: draft",
    "version: 2.10\nstatus: approved",
    "version: 3\nstatus: yes",
    "version: [1, 2]\nstatus: >\n  approved",
    "title: only a title",
    "status: approved\nversion: v2-beta",
    'version: "say \\"hi\\""\nstatus: review',
    "version: '2'\nversion: '3'",
    "nested:\n  version: '9'\nversion: '4'",
]


@pytest.mark.parametrize("block", QUICK_CASES)
def test_fast_reading_of_old_revisions_agrees_with_yaml(block: str) -> None:
    from mkdocs_sms.model.frontmatter import parse, quick_values

    text = f"---\n{block}\n---\nBody\n"
    data = parse(text).data
    # Scalars are read as text; a list or mapping is no version or status (and str() of an alias bomb
    # would never finish), so both readers give None for it.
    scalar = (str, int, float, dt.date)
    expected = tuple(str(data[k]) if isinstance(data.get(k), scalar) else None for k in ("version", "status"))
    assert quick_values(text, ("version", "status")) == expected


def test_commit_addresses_for_common_forges() -> None:
    from mkdocs_sms.read.git import commit_url

    sha = "0123456789abcdef"
    assert commit_url(None, "https://github.com/acme/sms/", sha) == f"https://github.com/acme/sms/commit/{sha}"
    assert commit_url(None, "https://gitlab.example/it/sms.git", sha) == f"https://gitlab.example/it/sms/-/commit/{sha}"
    assert commit_url(None, "https://bitbucket.org/acme/sms", sha) == f"https://bitbucket.org/acme/sms/commits/{sha}"
    assert commit_url("{repo_url}/+/{commit}", "https://git.example/sms", sha) == f"https://git.example/sms/+/{sha}"
    assert commit_url(None, None, sha) is None


def test_docs_in_a_git_submodule_says_whose_history_it_reads(tmp_path: Path) -> None:
    # The handbook is its own repository, added to an outer one as a submodule (issue 14, case 11).
    inner = Site(tmp_path / "inner")
    inner.root.mkdir()
    git(inner.root, "init", "-q", "-b", "main")
    write_config(inner.root, {"history": True})
    for path, content in complete_mini().items():
        inner.write(path, content)
    commit_all(inner.root, "The handbook", "2026-03-01")
    outer = tmp_path / "outer"
    outer.mkdir()
    git(outer, "init", "-q", "-b", "main")
    git(outer, "-c", "protocol.file.allow=always", "submodule", "add", "-q", str(inner.root), "handbook")
    commit_all(outer, "Add the handbook", "2026-03-02")
    site = Site(outer / "handbook")
    findings = [f for f in site.check_json()["findings"] if f["code"] == "SMS202"]
    assert [(f["severity"], f["path"]) for f in findings] == [("info", None)]
    assert f"docs_dir is in a git submodule of {outer.resolve()}" in findings[0]["message"]
    # The histories are the submodule's own: its commit, not the outer one's.
    doc = next(d for d in site.check_json()["documents"] if d["id"] == "POL-CHG-01")
    assert [h["subject"] for h in doc["history"]] == ["The handbook"]
    assert site.build(strict=True).ok
