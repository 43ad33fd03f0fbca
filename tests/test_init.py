"""mkdocs-sms init: a starter SMS repository that shows the whole baseline as draft and builds at once."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import run_build, run_cli


def test_init_creates_a_baseline_that_builds(tmp_path: Path) -> None:
    root = tmp_path / "acme-sms"
    result = run_cli("init", str(root), "--name", "Acme", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (root / "sms_templates/policy.md.j2").is_file() and (root / "ci/github-actions.yml").is_file()
    assert "mkdocs-sms new" in (root / "README.md").read_text()
    check = run_cli("check", "--format", "json", cwd=root)
    data = json.loads(check.stdout)
    assert check.returncode == 0  # drafts and no git history are warnings, not errors
    assert data["coverage"] and {row["status"] for row in data["coverage"]} == {"draft"}
    assert {f["code"] for f in data["findings"]} == {"SMS102", "SMS202"}
    assert len(data["documents"]) == len(data["coverage"])
    build = run_build(root / "mkdocs.yml", site_dir=str(tmp_path / "site"))
    assert build.ok, build.error
    coverage = (tmp_path / "site/sms/coverage/index.html").read_text()
    assert "0 of 62 requirements covered" in coverage and "sms-badge--draft" in coverage


def test_init_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    (tmp_path / "existing").mkdir()
    (tmp_path / "existing/notes.txt").write_text("keep me")
    result = run_cli("init", str(tmp_path / "existing"), cwd=tmp_path)
    assert result.returncode == 2 and "is not an empty folder" in result.stderr
    assert [p.name for p in (tmp_path / "existing").iterdir()] == ["notes.txt"]
