"""The ready-made pipelines and the pre-commit hook, run for real on a pull request of a handbook."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, Site, approved, complete_mini, write_config
from test_history import commit_all, git

BIN = Path(sys.executable).parent
GITHUB = yaml.safe_load((ROOT / "examples/ci/github-actions.yml").read_text())
GITLAB = yaml.safe_load((ROOT / "examples/ci/gitlab-ci.yml").read_text())


@pytest.fixture
def pull_request(tmp_path: Path) -> Site:
    """A clone of a handbook repository, on a branch that removes a required document."""
    origin = Site(tmp_path / "origin")
    origin.root.mkdir()
    git(origin.root, "init", "-q", "-b", "main")
    write_config(origin.root, {"history": True})
    for path, content in complete_mini().items():
        origin.write(path, content)
    commit_all(origin.root, "Handbook", "2026-03-01")
    clone = Site(tmp_path / "clone")
    subprocess.run(["git", "clone", "-q", str(origin.root), str(clone.root)], check=True)
    git(clone.root, "checkout", "-q", "-b", "feature")
    git(clone.root, "rm", "-q", "docs/plans/audit.md")
    clone.write("records/audit.md", approved("REC-AUD-01", "record", ["9.2"], date="2026-06-01"))
    commit_all(clone.root, "Replace the audit programme by a record", "2026-06-01")
    return clone


def _run(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", **env}
    return subprocess.run(["bash", "-e", "-c", script], cwd=cwd, env=full, capture_output=True, text=True, check=False)


def _step(name: str) -> dict[str, str]:
    return next(s for s in GITHUB["jobs"]["handbook"]["steps"] if s.get("name") == name)


def test_github_workflow_checks_out_full_history_and_runs_the_tools() -> None:
    steps = GITHUB["jobs"]["handbook"]["steps"]
    assert steps[0]["uses"].startswith("actions/checkout@") and steps[0]["with"]["fetch-depth"] == 0
    scripts = "\n".join(s.get("run", "") for s in steps)
    assert "mkdocs-sms check --format github" in scripts
    assert 'mkdocs-sms diff --base "origin/${{ github.base_ref }}" --format markdown' in scripts
    assert "gh pr comment" in scripts and "mkdocs build --strict" in scripts
    assert GITHUB["permissions"]["pull-requests"] == "write"


@pytest.mark.slow  # the workflow's shell steps, each starting the console scripts and git
def test_github_workflow_steps_work_on_a_pull_request(pull_request: Site, tmp_path: Path) -> None:
    output = tmp_path / "github-output"
    env = {"GITHUB_OUTPUT": str(output)}

    def run(name: str) -> subprocess.CompletedProcess[str]:
        script = _step(name)["run"].replace("${{ github.base_ref }}", "main")
        return _run(script, pull_request.root, env)

    diff = run("What this change does to the SMS")
    assert diff.returncode == 0  # the step itself never fails; the status goes to the output
    assert output.read_text().strip() == "status=1"
    report = (pull_request.root / "sms-review.md").read_text()
    assert report.startswith("❌ **Do not merge yet**")
    assert "| mini 9.2 | Internal audit programme | document | covered | **missing** |" in report
    assert "::error title=SMS205::" in diff.stdout
    check = run("Check the handbook (annotations on the files)")
    assert check.returncode == 1 and "::error title=SMS101::" in check.stdout
    gate = _run(_step("Fail when the change introduces an error or lowers coverage")["run"], pull_request.root, env)
    assert gate.returncode == 1
    build = run("Build the handbook")
    assert build.returncode == 1 and "SMS101" in build.stderr


@pytest.mark.slow  # the pipeline's shell script, starting the console scripts and git
def test_gitlab_pipeline_writes_a_code_quality_report(pull_request: Site) -> None:
    job = GITLAB["handbook"]
    assert job["variables"]["GIT_DEPTH"] == "0"
    assert job["artifacts"]["reports"]["codequality"] == "gl-code-quality-report.json"
    # The package is already installed here; every other line runs as GitLab would run it.
    script = "\n".join(line for line in job["script"] if not line.startswith("pip install"))
    result = _run(script, pull_request.root, {"CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main"})
    assert result.returncode == 1  # the merge request removes the only audit programme
    assert "SMS101" in result.stdout  # from the check, which runs after the reports are written
    issues = json.loads((pull_request.root / "gl-code-quality-report.json").read_text())
    assert {i["check_name"] for i in issues} >= {"SMS101", "SMS205"}
    assert (pull_request.root / "sms-review.md").read_text().startswith("❌")


@pytest.mark.slow  # pre-commit installs the hook into an environment of its own
def test_pre_commit_hook_runs_the_check(pull_request: Site) -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert hooks[0]["id"] == "mkdocs-sms-check" and hooks[0]["entry"] == "mkdocs-sms check"
    env = {"PRE_COMMIT_HOME": str(pull_request.root.parent / "pre-commit-cache")}
    failing = _run(f"pre-commit try-repo {ROOT} mkdocs-sms-check --all-files", pull_request.root, env)
    assert failing.returncode == 1, failing.stdout + failing.stderr
    assert "SMS101" in failing.stdout
    git(pull_request.root, "checkout", "-q", "main")
    passing = _run(f"pre-commit try-repo {ROOT} mkdocs-sms-check --all-files", pull_request.root, env)
    assert passing.returncode == 0, passing.stdout + passing.stderr
