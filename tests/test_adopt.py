"""mkdocs-sms adopt: existing Markdown moved into docs_dir with its history, front-matter read from the
metadata people wrote, every uncertain value and conflict reported with its file and line."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import FIXTURES, run_build, run_cli
from mkdocs_sms.adopt import read_date
from test_history import git

IDENTITY = {"GIT_AUTHOR_NAME": "Ann", "GIT_AUTHOR_EMAIL": "ann@example.org", "GIT_COMMITTER_NAME": "Ann",
            "GIT_COMMITTER_EMAIL": "ann@example.org"}  # fmt: skip
# 15 January 2026: some next_review dates of the fixture are before it, most after.
TODAY = {"SOURCE_DATE_EPOCH": str(int(dt.datetime(2026, 1, 15, tzinfo=dt.timezone.utc).timestamp()))}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """The fixture ISMS (twenty documents in isms/, three metadata styles) in a git repository."""
    root = tmp_path / "nordlicht"
    shutil.copytree(FIXTURES / "adopt", root)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "The ISMS as it was", date="2025-10-01")
    return root


def adopt(root: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return run_cli("adopt", *args, cwd=root, env={**IDENTITY, **(env or {})})


def tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file() and ".git" not in p.parts
    }


def test_a_dry_run_writes_nothing_and_names_the_line_of_every_uncertain_value_and_conflict(repo: Path) -> None:
    before, head = tree(repo), git(repo, "rev-parse", "HEAD")
    result = adopt(repo, "isms", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert tree(repo) == before and git(repo, "rev-parse", "HEAD") == head
    assert git(repo, "status", "--porcelain", "--untracked-files=all") == ""
    report = result.stdout
    for line in (
        # The header says one next review, the document-control footer another: both lines, the earlier kept.
        "isms/policies/information-security-policy.md:7: next_review: line 7 says '2026-09-01', line 27 says "
        "'2026-12-01'; written '2026-09-01' (the earlier)",
        "isms/policies/acceptable-use-policy.md:7: label 'Distribution' is not in the mapping: ignored",
        "isms/policies/access-control-policy.md:8: label 'Retention' is not in the mapping: ignored",
        "isms/procedures/backup-procedure.md:5: Next Review 'Q3 2026' is not a date adopt can read: not written",
        "isms/procedures/vulnerability-management.md:17: Next Review '03/04/2026' could be read day-first or "
        "month-first: not written",
        "isms/registers/supplier-register.md:12: classification 'Company Private' is not in the mapping: written as "
        "restricted until someone decides",
        "isms/risk-treatment-plan.md: type 'plan' guessed from the file name",
        "isms/statement-of-applicability.md: no owner found: written as 'TO BE ASSIGNED'",
        "isms/statement-of-applicability.md: no folder or name rule gives a type: type 'other' written",
        "isms/policies/cryptography-policy.md:20: approved by 'Chief Information Security Officer' on 2025-10-01: "
        "not carried",
        "isms/isms-scope.md:13: link '../README.md' points to a file that is not moved with it",
        "isms/procedures/change-management-procedure.md: clauses suggested for review (not counted): "
        "iso20000-1:2018:8.5.1",
        "Internal Use Only -> internal (4)",
        "Company Private -> not in the mapping (1)",
        "Proposed default_classification: internal; audience: internal",
    ):
        assert line in report
    # Values read without doubt are not in the notes: the three metadata styles all read.
    assert "isms/policies/supplier-security-policy.md ->" in report and "owner Procurement Lead" in report
    assert "owner Jürgen Müller, Leiter Compliance" in report  # non-ASCII text kept
    data = json.loads(adopt(repo, "isms", "--dry-run", "--format", "json").stdout)
    conflicts = [n for n in data["notes"] if n["kind"] == "conflict"]
    assert [(n["path"], n["lines"]) for n in conflicts] == [("isms/policies/information-security-policy.md", [7, 27])]
    assert len(data["documents"]) == 20 and data["dry_run"] is True and data["commits"] == []


def test_adopting_makes_a_rename_only_commit_then_a_front_matter_commit(repo: Path) -> None:
    originals = {p: (repo / "isms" / p).read_text("utf-8") for p in ("policies/classification-policy.md",
                                                                     "statement-of-applicability.md")}  # fmt: skip
    result = adopt(repo, "isms")
    assert result.returncode == 0, result.stderr
    assert len(git(repo, "log", "--oneline").splitlines()) == 3
    renames = git(repo, "diff", "--find-renames", "--name-status", "HEAD~2", "HEAD~1").splitlines()
    assert len(renames) == 20 and all(line.startswith("R100\tisms/") for line in renames)
    assert "R100\tisms/policies/information-security-policy.md\tdocs/policies/information-security-policy.md" in renames
    changed = git(repo, "diff", "--name-status", "HEAD~1", "HEAD").splitlines()
    assert sorted(line.split("\t")[0] for line in changed) == ["A"] * 3 + ["M"] * 20
    assert {"A\tmkdocs.yml", "A\t.gitignore", "A\tdocs/index.md"} <= set(changed)
    # The second commit only puts front-matter before the text as it was.
    for path, text in originals.items():
        adopted = (repo / "docs" / path).read_text("utf-8")
        assert adopted.startswith("---\nid: ") and adopted.endswith("---\n\n" + text)
    assert 'owner: "Jürgen Müller, Leiter Compliance"' in (repo / "docs/policies/classification-policy.md").read_text()
    # History follows the move: the original commit is still in the document's log.
    follow = git(repo, "log", "--follow", "--format=%s", "--", "docs/policies/information-security-policy.md")
    assert follow.splitlines()[-1] == "The ISMS as it was" and len(follow.splitlines()) == 3
    assert git(repo, "status", "--porcelain") == ""
    assert "2 commits" in result.stdout


def test_the_adopted_handbook_checks_builds_and_keeps_its_links(repo: Path, tmp_path: Path) -> None:
    assert adopt(repo, "isms").returncode == 0
    check = run_cli("check", "--format", "json", cwd=repo, env=TODAY)
    assert check.returncode == 0, check.stdout[-2000:]
    data = json.loads(check.stdout)
    # Missing rows are warnings until the suggested clauses are reviewed; the withheld documents of the
    # proposed audience are info; nothing else.
    assert {(f["code"], f["severity"]) for f in data["findings"]} == {
        ("SMS101", "warning"),
        ("SMS302", "info"),
        ("SMS303", "info"),
    }
    documents = {d["id"]: d for d in data["documents"]}
    assert len(documents) == 20 and {d["status"] for d in documents.values()} == {"draft"}
    assert documents["POL-ISMS-001"]["next_review"] == "2026-09-01"
    assert documents["PRO-INCIDENT-RESPONSE-01"]["review_interval"] == "3 months"
    assert documents["REG-SUPPLIER-01"]["classification"] == "restricted"
    # A suggested clause is a comment for the reviewer, never coverage.
    text = (repo / "docs/procedures/change-management-procedure.md").read_text()
    assert '# suggested, review: clauses: ["iso20000-1:2018:8.5.1"]' in text
    assert documents["PRO-CHANGE-MANAGEMENT-01"]["clauses"] == []
    rows = [r for r in data["coverage"] if r["clause"].startswith("8.5.1") or r["clause"] == "8.7.3.1"]
    assert rows and {r["status"] for r in rows} == {"missing"}
    build = run_build(repo / "mkdocs.yml", site_dir=str(tmp_path / "site"))
    assert build.ok, build.error
    page = (tmp_path / "site/procedures/access-control-procedure/index.html").read_text()
    referenced = page.split("Referenced by", 1)[1].split("</dd>", 1)[0]
    assert ">POL-ISMS-001</a>" in referenced  # an ordinary relative link of the adopted policy
    home = (tmp_path / "site/index.html").read_text()
    assert 'href="sms/register/"' in home


def test_approvals_found_are_carried_only_when_asked(repo: Path) -> None:
    result = adopt(repo, "isms", "--keep-approvals")
    assert result.returncode == 0, result.stderr
    assert "carried (--keep-approvals)" in result.stdout
    data = json.loads(run_cli("check", "--format", "json", cwd=repo, env=TODAY).stdout)
    crypto = next(d for d in data["documents"] if d["id"] == "POL-CRYPTOGRAPHY-01")
    assert (crypto["status"], crypto["approved_by"], crypto["approved_on"]) == (
        "approved",
        "Chief Information Security Officer",
        "2025-10-01",
    )
    # An approval without both who and when stays a draft.
    assert next(d for d in data["documents"] if d["id"] == "PRO-BACKUP-01")["status"] == "draft"


def test_a_mapping_file_decides_labels_and_vocabularies(repo: Path, tmp_path: Path) -> None:
    mapping = tmp_path / "mapping.yml"
    mapping.write_text(
        "labels:\n  owner: [Owner]\n  classification: [Classification]\n"
        "classifications:\n  Company Private: confidential\n  Confidential: confidential\n"
        "types:\n  - {folder: [registers], type: register}\n"
        "id_template: 'NL-{NAME}'\n"
    )
    data = json.loads(adopt(repo, "isms", "--dry-run", "--format", "json", "--mapping", str(mapping)).stdout)
    supplier = next(d for d in data["documents"] if d["source"] == "isms/registers/supplier-register.md")
    assert supplier["front_matter"]["classification"] == "confidential"
    assert supplier["front_matter"]["id"] == "NL-SUPPLIER"
    assert any(n["message"].startswith("label 'Version' is not in the mapping") for n in data["notes"])
    mapping.write_text("classifications:\n  Public: everyone\n")
    result = adopt(repo, "isms", "--dry-run", "--mapping", str(mapping))
    assert result.returncode == 2
    assert "classifications: 'Public' maps to 'everyone', not one of public, internal" in result.stderr
    assert "Traceback" not in result.stderr
    for broken, message in (
        ("types: 5\n", "'types' must be a list of rules"),
        ("labels: [\n", "not valid YAML"),
        ("labels: {author: [Author]}\n", "'author' is not a key adopt writes"),
    ):
        mapping.write_text(broken)
        result = adopt(repo, "isms", "--dry-run", "--mapping", str(mapping))
        assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr


def _unchanged(repo: Path, head: str, before: dict[str, bytes]) -> None:
    assert git(repo, "rev-parse", "HEAD") == head and tree(repo) == before


def test_adopt_refuses_a_dirty_tree_existing_targets_and_sources_outside(repo: Path, tmp_path: Path) -> None:
    (repo / "isms/policies/cryptography-policy.md").write_text("# Cryptography Policy\n\nEdited.\n")
    head, before = git(repo, "rev-parse", "HEAD"), tree(repo)
    result = adopt(repo, "isms")
    assert result.returncode == 2
    assert "the working tree has uncommitted changes (isms/policies/cryptography-policy.md" in result.stderr
    _unchanged(repo, head, before)
    git(repo, "checkout", "--", ".")
    (repo / "docs/policies").mkdir(parents=True)
    (repo / "docs/policies/acceptable-use-policy.md").write_text("# Already here\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "A page in docs")
    head, before = git(repo, "rev-parse", "HEAD"), tree(repo)
    result = adopt(repo, "isms")
    assert result.returncode == 2
    assert "docs/policies/acceptable-use-policy.md already exist; adopt never overwrites" in result.stderr
    _unchanged(repo, head, before)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    result = adopt(repo, str(outside))
    assert result.returncode == 2 and "is not inside the git repository" in result.stderr
    _unchanged(repo, head, before)


def test_adopt_without_git_says_so(repo: Path, tmp_path: Path) -> None:
    empty = tmp_path / "no-git"
    empty.mkdir()
    result = adopt(repo, "isms", env={"PATH": str(empty)})
    assert result.returncode == 2
    assert result.stderr.startswith("mkdocs-sms: error: git cannot be run") and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("written", "date"),
    [("2026-09-01", "2026-09-01"), ("1 September 2026", "2026-09-01"), ("September 1, 2026", "2026-09-01"),
     ("01.09.2026", "2026-09-01"), ("2026/09/01", "2026-09-01"), ("13/04/2026", "2026-04-13"),
     ("04/13/2026", "2026-04-13")],
)  # fmt: skip
def test_dates_as_people_write_them(written: str, date: str) -> None:
    assert read_date(written).isoformat() == date


@pytest.mark.parametrize("written", ["03/04/2026", "Q3 2026", "31 February 2026", "soon"])
def test_dates_that_cannot_be_read_without_a_guess(written: str) -> None:
    with pytest.raises(ValueError):
        read_date(written)
