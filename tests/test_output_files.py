"""Every file a command writes (--output, --file, new, init) is written whole or not at all: a path that
cannot be written ends with one line on stderr and exit 2, and whatever was there stays as it was."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import Site, approved, complete_mini, run_cli
from test_history import commit_all, git, repo  # noqa: F401  (the fixture)

# The commands that write a file the user names, as argument lists ending in the target path.
WRITERS: dict[str, Callable[[Path], list[str]]] = {
    "diff --output": lambda target: ["diff", "--base", "HEAD~1", "--format", "json", "--output", str(target)],
    "export csv --output": lambda target: ["export", "--format", "csv", "--output", str(target)],
    "export xlsx --output": lambda target: ["export", "--format", "xlsx", "--output", str(target)],
    "baseline save --file": lambda target: ["baseline", "save", "--file", str(target)],
}
ROOT_IGNORES_PERMISSIONS = hasattr(os, "geteuid") and os.geteuid() == 0


def _run(site: Site, args: list[str]) -> subprocess.CompletedProcess[str]:
    return run_cli(*args, "-f", str(site.config_file), cwd=site.root)


def _one_line_exit_2(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert result.stderr.startswith("mkdocs-sms: error: ") and all(w in result.stderr for w in words), result.stderr


@pytest.mark.parametrize("command", list(WRITERS))
def test_a_missing_folder_is_exit_2(command: str, repo: Site) -> None:  # noqa: F811
    target = repo.root / "no-such-folder" / "out.file"
    _one_line_exit_2(_run(repo, WRITERS[command](target)), str(target.parent), "does not exist")
    assert not target.parent.exists()


@pytest.mark.parametrize("command", list(WRITERS))
def test_a_folder_as_target_is_exit_2(command: str, repo: Site) -> None:  # noqa: F811
    target = repo.root / "reports"
    target.mkdir()
    _one_line_exit_2(_run(repo, WRITERS[command](target)), str(target), "is a folder")
    assert list(target.iterdir()) == []


@pytest.mark.skipif(ROOT_IGNORES_PERMISSIONS, reason="root writes into read-only folders")
@pytest.mark.parametrize("command", list(WRITERS))
def test_a_read_only_folder_is_exit_2(command: str, repo: Site) -> None:  # noqa: F811
    folder = repo.root / "locked"
    folder.mkdir()
    (folder / "out.file").write_text("the old content\n")
    folder.chmod(0o555)
    try:
        _one_line_exit_2(_run(repo, WRITERS[command](folder / "out.file")), "Permission denied")
        assert [p.name for p in folder.iterdir()] == ["out.file"]
        assert (folder / "out.file").read_text() == "the old content\n"
    finally:
        folder.chmod(0o755)


def _limit_file_size(limit: int) -> Callable[[], None]:
    return lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


@pytest.mark.parametrize("command", ["baseline save --file", "export csv --output"])
def test_a_file_size_limit_leaves_the_old_file_intact(command: str, make_site: Any) -> None:
    # As a full disk would: the new content does not fit, and the old file must survive whole.
    site = make_site(complete_mini())
    target = site.root / "sms-baseline.json"
    assert _run(site, ["baseline", "save", "--file", str(target)]).returncode == 0
    old = target.read_bytes()
    for n in range(1, 40):  # a bigger handbook: every output grows past the limit
        site.write(f"records/r{n}.md", approved(f"REC-R-{n:03}", "record", ["9.2"], date="2026-05-01"))
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs_sms", *WRITERS[command](target), "-f", str(site.config_file)],
        cwd=site.root, capture_output=True, text=True, check=False, preexec_fn=_limit_file_size(len(old)),
        env={**os.environ, "NO_COLOR": "1"},
    )  # fmt: skip
    _one_line_exit_2(result, str(target), "too large")
    assert target.read_bytes() == old and json.loads(old)["kind"] == "mkdocs-sms baseline"
    assert [p.name for p in site.root.iterdir()] == [p.name for p in site.root.iterdir() if not p.name.startswith(".")]


def test_outputs_keep_the_permissions_of_the_file_they_replace(repo: Site) -> None:  # noqa: F811
    target = repo.root / "sms-baseline.json"
    target.write_text("{}")
    target.chmod(0o640)
    assert _run(repo, WRITERS["baseline save --file"](target)).returncode == 0
    assert target.stat().st_mode & 0o777 == 0o640 and json.loads(target.read_text())["kind"] == "mkdocs-sms baseline"


def test_new_into_a_file_in_the_way_of_its_folder_is_exit_2(repo: Site) -> None:  # noqa: F811
    (repo.docs / "records").write_text("not a folder")
    result = _run(repo, ["new", "record", "--id", "REC-NEW-01", "--title", "Minutes"])
    _one_line_exit_2(result, "cannot create the folder", "records")
    assert (repo.docs / "records").read_text() == "not a folder"


def test_init_where_a_folder_cannot_be_made_is_exit_2(tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("a file, not a folder")
    result = run_cli("init", str(tmp_path / "taken" / "sms"), cwd=tmp_path)
    _one_line_exit_2(result, str(tmp_path / "taken"))
    assert (tmp_path / "taken").read_text() == "a file, not a folder"


def test_a_diff_report_to_a_folder_written_before_is_replaced_whole(repo: Site) -> None:  # noqa: F811
    target = repo.root / "report.md"
    target.write_text("x" * 100_000)
    assert _run(repo, ["diff", "--base", "HEAD~1", "--output", str(target)]).returncode in (0, 1)
    report = target.read_text()
    assert "x" not in report[:10] and len(report) < 100_000 and "HEAD~1" in report
    assert [p.name for p in repo.root.iterdir() if p.name.endswith(".tmp")] == []
    git(repo.root, "status", "--porcelain")


def test_a_linked_output_writes_the_file_the_link_names(repo: Site) -> None:  # noqa: F811
    shared = repo.root / "shared"
    shared.mkdir()
    (shared / "baseline.json").write_text("{}")
    (repo.root / "sms-baseline.json").symlink_to(shared / "baseline.json")
    assert _run(repo, WRITERS["baseline save --file"](repo.root / "sms-baseline.json")).returncode == 0
    assert (repo.root / "sms-baseline.json").is_symlink()
    assert json.loads((shared / "baseline.json").read_text())["kind"] == "mkdocs-sms baseline"
