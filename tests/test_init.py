"""mkdocs-sms init: a starter SMS repository that shows the whole baseline and whose own CI is green
on day one (drafts of the phase under way are work in progress, later phases deferred)."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shlex
import subprocess
import sys
import time
from pathlib import Path

from conftest import run_build, run_cli
from test_history import git

ENV = {"GIT_AUTHOR_NAME": "Ann", "GIT_AUTHOR_EMAIL": "ann@example.org", "GIT_COMMITTER_NAME": "Ann",
       "GIT_COMMITTER_EMAIL": "ann@example.org"}  # fmt: skip


def _init(tmp_path: Path) -> tuple[Path, str]:
    root = tmp_path / "acme-sms"
    result = run_cli("init", str(root), "--name", "Acme", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    return root, result.stdout


def _first_commit(root: Path, hint: str) -> None:
    """Run the first commit exactly as init's closing hint spells it (without 'mkdocs serve')."""
    line = next(line for line in hint.splitlines() if line.startswith("Next: "))
    command = line.removeprefix("Next: ").removesuffix(" && mkdocs serve")
    assert "git init && git add -A && git commit -m" in command
    subprocess.run(["bash", "-c", command], cwd=root.parent, env={**os.environ, **ENV}, check=True, capture_output=True)


def test_init_creates_a_baseline_that_builds(tmp_path: Path) -> None:
    root, hint = _init(tmp_path)
    assert "git init && git add -A && git commit -m" in hint
    assert (root / "sms_templates/policy.md.j2").is_file() and (root / "ci/github-actions.yml").is_file()
    assert "mkdocs-sms new" in (root / "README.md").read_text()
    assert (root / ".gitignore").read_text().splitlines()[1:] == ["site/", ".venv/", ".cache/"]
    check = run_cli("check", "--format", "json", cwd=root)
    data = json.loads(check.stdout)
    assert check.returncode == 0  # drafts and no git history are not errors
    # The plan defers every row of a later phase; the foundation's rows are drafts.
    status = {row["status"] for row in data["coverage"]}
    assert status == {"draft", "deferred"}
    assert {row["clause"].split(".")[0] for row in data["coverage"] if row["status"] == "draft"} <= {"4", "5", "6", "7"}
    assert {(f["code"], f["severity"]) for f in data["findings"]} == {("SMS102", "info"), ("SMS202", "warning")}
    # One draft per row, plus the business case, the target state and the baseline gap assessment of the
    # initiation step.
    assert len(data["documents"]) == len(data["coverage"]) + 3
    build = run_build(root / "mkdocs.yml", site_dir=str(tmp_path / "site"))
    assert build.ok, build.error
    coverage = (tmp_path / "site/sms/coverage/index.html").read_text()
    assert "0 of 71 requirements covered" in coverage and "sms-badge--draft" in coverage


def test_the_starter_is_green_on_day_one_after_the_first_commit(tmp_path: Path) -> None:
    root, hint = _init(tmp_path)
    _first_commit(root, hint)
    assert git(root, "status", "--porcelain") == ""  # everything committed, nothing ignored by mistake
    build = run_build(root / "mkdocs.yml", strict=True, site_dir=str(tmp_path / "site"))
    assert build.ok, build.error
    assert [m for r, m in zip(build.records, build.messages, strict=True) if r.levelno >= 30] == []
    check = run_cli("check", "--strict", cwd=root)
    assert check.returncode == 0, check.stdout
    assert "0 errors, 0 warnings" in check.stdout
    # The record rows get a register or a report: a record needs the date of its event, unknown yet.
    data = json.loads(run_cli("check", "--format", "json", cwd=root).stdout)
    assert "record" not in {d["type"] for d in data["documents"]}


def test_the_starter_fails_once_a_phase_is_late(tmp_path: Path) -> None:
    root, hint = _init(tmp_path)
    _first_commit(root, hint)
    config = (root / "mkdocs.yml").read_text()
    target = dt.date.fromisoformat(re.findall(r"target: (\S+)", config)[0])
    later = time.mktime((target + dt.timedelta(days=1)).timetuple())
    check = run_cli("check", "--format", "json", cwd=root, env={"SOURCE_DATE_EPOCH": str(int(later))})
    assert check.returncode == 1
    late = [f for f in json.loads(check.stdout)["findings"] if f["code"] == "SMS105"]
    assert len(late) == 6 and all(f["severity"] == "error" and "phase 'SMS foundation'" in f["message"] for f in late)


def test_the_readme_diff_command_works_whatever_the_default_branch_is_called(tmp_path: Path) -> None:
    root, hint = _init(tmp_path)
    _first_commit(root, hint)
    git(root, "branch", "-m", "trunk")
    remote = tmp_path / "remote.git"
    git(tmp_path, "clone", "-q", "--bare", str(root), str(remote))
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(remote), str(clone))
    git(clone, "checkout", "-q", "-b", "scope")
    scope = next((clone / "docs").rglob("4-3-*.md"))
    scope.write_text(scope.read_text().replace("status: draft", "status: retired"))
    git(clone, "commit", "-q", "-am", "Retire the scope draft")
    readme = (clone / "README.md").read_text()
    command = re.search(r"`(mkdocs-sms diff --base [^`]+)`", readme)
    assert command is not None and "main" not in command.group(1) and "master" not in command.group(1)
    runner = shlex.join([sys.executable, "-m", "mkdocs_sms"])
    result = subprocess.run(
        ["bash", "-c", command.group(1).replace("mkdocs-sms", runner, 1) + " --format json"],
        cwd=clone, capture_output=True, text=True, check=False, env={**os.environ, **ENV},
    )  # fmt: skip
    assert result.returncode in (0, 1), result.stderr
    changes = json.loads(result.stdout)
    assert [d["id"] for d in changes["documents"]["retired"]] == ["PLN-4-3-1"]
    assert git(clone, "rev-parse", "origin/HEAD") == git(clone, "rev-parse", "origin/trunk") == changes["base"]


def test_init_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    (tmp_path / "existing").mkdir()
    (tmp_path / "existing/notes.txt").write_text("keep me")
    result = run_cli("init", str(tmp_path / "existing"), cwd=tmp_path)
    assert result.returncode == 2 and "is not an empty folder" in result.stderr
    assert [p.name for p in (tmp_path / "existing").iterdir()] == ["notes.txt"]


def test_init_starts_with_the_initiation_step_of_iso_20000_5(tmp_path: Path) -> None:
    """A business case to approve and a baseline gap assessment listing every activity, unjudged."""
    root = tmp_path / "sms"
    result = run_cli("init", str(root), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "a business case, a target state and a baseline gap assessment" in result.stdout
    case = (root / "docs" / "plans" / "business-case.md").read_text("utf-8")
    assert "id: PLN-BUS-01" in case and "## Benefits" in case and "## Sponsor and decision" in case
    assessment = (root / "docs" / "assessments" / "baseline-gap-assessment.md").read_text("utf-8")
    assert "type: assessment" in assessment and 'activity: "8.6.1/1", result: null' in assessment
    data = json.loads(run_cli("check", "--format", "json", "-f", str(root / "mkdocs.yml"), cwd=root).stdout)
    ids = {d["id"]: d for d in data["documents"]}
    assert ids["PLN-BUS-01"]["status"] == "draft" and ids["ASM-BASE-01"]["type"] == "assessment"
    target = (root / "docs" / "plans" / "target-state.md").read_text("utf-8")
    assert "target:\n  scope:" in target and "levels: {default: 1}" in target
    assert data["target"]["status"] == "cannot be assessed" and data["target"]["unapproved"] == ["PLN-TGT-01"]
    starter = [f for f in data["findings"] if f["document"] in ("PLN-BUS-01", "ASM-BASE-01", "PLN-TGT-01")]
    assert starter == []
    # The same template by name for a later document; a name that does not exist says so.
    made = run_cli("new", "plan", "--id", "PLN-BUS-02", "--title", "Case for 27001", "--template", "business-case",
                   "-f", str(root / "mkdocs.yml"), cwd=root)  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert "## Benefits" in (root / "docs" / "plans" / "case-for-27001.md").read_text("utf-8")
    missing = run_cli("new", "plan", "--id", "PLN-BUS-03", "--title", "X", "--template", "nope",
                      "-f", str(root / "mkdocs.yml"), cwd=root)  # fmt: skip
    assert missing.returncode == 2 and "no template 'nope.md.j2'" in missing.stderr
    assert not (root / "docs" / "plans" / "x.md").exists()
