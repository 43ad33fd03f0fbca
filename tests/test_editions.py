"""Editions: the edition on every page and in sms.json, mike deployments, and what changed since a tag."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import Site, approved, complete_mini, write_config
from test_history import change_policy, commit_all, git, repo  # noqa: F401  (the fixture)

BIN = Path(sys.executable).parent


def test_edition_is_named_on_every_page_and_in_sms_json(make_site: Any, monkeypatch: Any) -> None:
    site = make_site(complete_mini(), {"edition": "2026.1"})
    assert site.build().ok
    for page in ("index.html", "policies/change/index.html", "sms/register/index.html"):
        assert '<p class="sms-edition">Handbook edition <strong>2026.1</strong></p>' in site.site_file(page), page
    assert json.loads(site.site_file("sms.json"))["edition"] == "2026.1"
    monkeypatch.setenv("MIKE_DOCS_VERSION", "2027.1")
    plain = make_site(complete_mini())
    assert plain.build().ok
    assert json.loads(plain.site_file("sms.json"))["edition"] == "2027.1"
    assert "Handbook edition <strong>2027.1</strong>" in plain.site_file("index.html")


def test_without_an_edition_nothing_is_shown(make_site: Any, monkeypatch: Any) -> None:
    monkeypatch.delenv("MIKE_DOCS_VERSION", raising=False)
    site = make_site(complete_mini())
    assert site.build().ok
    assert "sms-edition" not in site.site_file("index.html")
    assert json.loads(site.site_file("sms.json"))["edition"] is None


def _changes_html(site: Site) -> str:
    assert site.build().ok
    return site.site_file("sms/changes/index.html")


def test_what_changed_since_the_previous_tag(repo: Site) -> None:  # noqa: F811
    git(repo.root, "tag", "2026.1")
    # Since the tag: one added, one changed, one retired, one removed, one moved without a change.
    repo.write("policies/new.md", approved("POL-NEW-01", "policy", ["5.2"]))
    repo.write("policies/change-management.md", change_policy("2.0", body="Version two."))
    repo.write(
        "policies/sms.md",
        approved("POL-SMS-01", "policy", ["5.2"], status="retired", title="Service management policy"),
    )
    git(repo.root, "rm", "-q", "docs/plans/audit.md")
    repo.write("plans/audit-programme.md", approved("PLN-AUD-02", "plan", ["9.2"]))
    commit_all(repo.root, "Edition 2026.2 changes", "2026-06-01")
    git(repo.root, "mv", "docs/index.md", "docs/home.md")
    commit_all(repo.root, "Rename home", "2026-06-02")
    html = _changes_html(repo)
    assert "Compared with <code>2026.1</code>" in html
    # The same categories as `mkdocs-sms diff`: the retired policy changed (its status) and is retired.
    assert "2 added, 2 changed, 0 renamed, 1 retired, 1 removed" in html
    assert '<a href="../../policies/new/">POL-NEW-01</a>' in html
    assert "<td>1.1 → 2.0</td>" in html
    assert "<td>approved → retired</td>" in html
    removed = html.split('<h2 id="removed">')[1]
    assert "PLN-AUD-01" in removed and "plans/audit.md" in removed


def test_renamed_document_is_the_same_document(repo: Site) -> None:  # noqa: F811
    git(repo.root, "tag", "2026.1")
    git(repo.root, "mv", "docs/policies/change-management.md", "docs/policies/change.md")
    repo.write("policies/change.md", change_policy("1.2", body="Changes are approved by the CAB or the ECAB."))
    commit_all(repo.root, "Move and revise", "2026-06-01")
    html = _changes_html(repo)
    assert "0 added, 1 changed, 1 renamed, 0 retired, 0 removed" in html
    assert "<td>policies/change-management.md → policies/change.md</td>" in html
    renamed = html.split('<h2 id="renamed">')[1]
    assert "<td>policies/change-management.md</td><td>policies/change.md</td>" in renamed


def test_no_earlier_tag_is_said_plainly(repo: Site) -> None:  # noqa: F811
    assert "no earlier tagged edition to compare with" in _changes_html(repo)
    write_config(repo.root, {"history": True, "changes_since": "no-such-ref"})
    assert "&#39;no-such-ref&#39; is not a commit, branch or tag" in _changes_html(repo)


@pytest.mark.slow  # mike deploys two editions, each a build in a process of its own
def test_two_editions_deployed_with_mike(repo: Site) -> None:  # noqa: F811
    config = yaml.safe_load(repo.config_file.read_text())
    config["extra"] = {"version": {"provider": "mike"}}
    config["site_url"] = "https://handbook.example/"
    repo.config_file.write_text(yaml.safe_dump(config, sort_keys=False))
    commit_all(repo.root, "Publish with mike", "2026-05-01")
    git(repo.root, "tag", "2026.1")

    def mike(*args: str) -> None:
        env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
        result = subprocess.run(
            [str(BIN / "mike"), *args], cwd=repo.root, env=env, capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, result.stderr

    mike("deploy", "--update-aliases", "2026.1", "current")
    repo.write("policies/change-management.md", change_policy("2.0", body="Version two."))
    commit_all(repo.root, "Change policy 2.0", "2026-06-01")
    mike("deploy", "--update-aliases", "2026.2", "current")

    versions = json.loads(git(repo.root, "show", "gh-pages:versions.json"))
    assert [(v["version"], v["aliases"]) for v in versions] == [("2026.2", ["current"]), ("2026.1", [])]
    first = git(repo.root, "show", "gh-pages:2026.1/sms/register/index.html")
    second = git(repo.root, "show", "gh-pages:2026.2/sms/register/index.html")
    assert "Handbook edition <strong>2026.1</strong>" in first and "Handbook edition <strong>2026.2</strong>" in second
    assert '<tr id="doc-POL-CHG-01"' in first and '<tr id="doc-POL-CHG-01"' in second
    row = lambda html: html.split('<tr id="doc-POL-CHG-01"')[1].split("</tr>")[0]  # noqa: E731
    assert "<td>1.1</td>" in row(first) and "<td>2.0</td>" in row(second)
    assert json.loads(git(repo.root, "show", "gh-pages:2026.2/sms.json"))["edition"] == "2026.2"
    changes = git(repo.root, "show", "gh-pages:2026.2/sms/changes/index.html")
    assert "Compared with <code>2026.1</code>" in changes and "<td>1.1 → 2.0</td>" in changes
