"""`make demo`: the example handbook with two years of back-dated history, built and published with mike."""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from conftest import ROOT, run_build
from test_history import git

pytestmark = pytest.mark.slow  # about 350 commits, three builds (two of them through mike)


def _make_demo() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_demo", ROOT / "examples" / "demo" / "make_demo.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("demo") / "repo"
    assert _make_demo().main(["--output", str(output), "--deploy"]) == 0
    return output


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_demo_ends_exactly_at_the_example(demo: Path) -> None:
    ours = {p.relative_to(ROOT / "docs"): p.read_bytes() for p in (ROOT / "docs").rglob("*") if p.is_file()}
    theirs = {p.relative_to(demo / "docs"): p.read_bytes() for p in (demo / "docs").rglob("*") if p.is_file()}
    assert ours == theirs
    assert git(demo, "status", "--porcelain") == ""
    dates = git(demo, "log", "--format=%ad", "--date=short").splitlines()
    assert len(dates) > 300 and dates[0] == "2026-11-29" and dates[-1] == "2024-12-02"
    assert len(set(git(demo, "log", "--format=%an").splitlines())) >= 5  # several people wrote it
    # The same history on every run: the commits are back-dated and their authors fixed.
    again = demo.parent / "again"
    assert _make_demo().main(["--output", str(again)]) == 0
    assert git(again, "rev-parse", "HEAD") == git(demo, "rev-parse", "HEAD")


def test_a_policy_shows_its_revisions(demo: Path) -> None:
    page = (demo / "site" / "policies" / "change-management.html").read_text("utf-8")
    history = page.split('id="revision-history"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr>\s*<td>(\d{4}-\d\d-\d\d)</td>\s*<td>([^<]*)</td>\s*<td>([^<]*)</td>", history)
    assert [(version, status) for _, version, status in rows] == [
        ("2.1", "approved"), ("2.0", "approved"), ("1.0", "approved"), ("0.1", "draft"), ("0.1", "draft"),
    ]  # fmt: skip
    assert [date for date, _, _ in rows] == sorted((date for date, _, _ in rows), reverse=True)


def test_the_changes_page_shows_a_lived_edition(demo: Path) -> None:
    changes = (demo / "site" / "sms" / "changes.html").read_text("utf-8")
    text = _text(changes)
    summary = re.search(r"Compared with 2026\.06 \(\w+\): (\d+) added, (\d+) changed, 1 renamed, 1 retired", text)
    assert summary is not None and int(summary.group(1)) > 0 and int(summary.group(2)) > 0, text[:400]

    def rows(section: str) -> dict[str, str]:
        part = changes.split(f'<h2 id="{section}">', 1)[1].split("</table>", 1)[0]
        return {doc_id: _text(row) for doc_id, row in re.findall(r'<tr data-sms-id="([^"]+)">(.*?)</tr>', part, re.S)}

    changed = rows("changed")
    edited = [row for row in changed.values() if re.search(r"\d\.\d → \d\.\d .*\+\d+ −\d+ lines", row)]
    assert edited, changed  # text edited and the version raised
    assert re.search(r"request-fulfilment\.md .*service-request-management\.md", rows("renamed")["PRC-SRQ-01"])
    assert "AGR-SLA-03" in rows("retired")
    # The plan still in review had its text edited after the edition.
    data = json.loads((demo / "site" / "sms.json").read_text("utf-8"))
    (in_review,) = [d["id"] for d in data["documents"] if d["status"] == "review"]
    assert re.search(r"\+\d+ −\d+ lines", changed[in_review])


def test_two_editions_are_published_with_mike(demo: Path) -> None:
    versions = json.loads(git(demo, "show", "gh-pages:versions.json"))
    assert [(v["version"], v["aliases"]) for v in versions] == [("2026.06", ["latest"]), ("2025.12", [])]
    older = json.loads(git(demo, "show", "gh-pages:2025.12/sms.json"))
    newer = json.loads(git(demo, "show", "gh-pages:2026.06/sms.json"))
    assert older["edition"] == "2025.12" and newer["edition"] == "2026.06"
    assert len(older["documents"]) < len(newer["documents"])  # the handbook grew between them
    page = git(demo, "show", "gh-pages:2026.06/index.html")
    assert '"provider": "mike"' in page or '"provider":"mike"' in page  # Material's version selector


def test_the_newest_state_builds_strict(demo: Path) -> None:
    result = run_build(demo / "mkdocs.yml", strict=True, site_dir=str(demo / "strict-site"))
    assert result.ok, result.messages
    log = subprocess.run(
        ["git", "log", "--format=%s", "-1", "2026.06"], cwd=demo, capture_output=True, text=True, check=True
    )
    assert log.stdout.strip()


def test_every_approval_of_the_demo_is_evidenced_by_a_trailer(demo: Path) -> None:
    data = json.loads((demo / "site" / "sms.json").read_text("utf-8"))
    approved = [d for d in data["documents"] if d["status"] == "approved"]
    assert len(approved) > 80
    assert [d["id"] for d in approved if not (d["approval_evidence"] or "").startswith("trailer in commit")] == []
    assert [f for f in data["findings"] if f["code"] in ("SMS206", "SMS207", "SMS208")] == []
    # The approver is never the author of the change (segregation of duties, SMS208).
    author = git(demo, "log", "-1", "--format=%an", "--grep", "Approve revised POL-CHG-01 2.1")
    assert author and f"by {author} " not in next(d for d in approved if d["id"] == "POL-CHG-01")["approval_evidence"]
