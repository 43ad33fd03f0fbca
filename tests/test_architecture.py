"""The package's shape: the core never imports MkDocs, and a mistyped finding code fails the type check."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "plugins" / "mkdocs_sms"
# The MkDocs adapter: its events and its option types. Nothing else may depend on MkDocs.
ADAPTER = {"plugin.py", "config.py"}


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def test_only_the_adapter_imports_mkdocs() -> None:
    offenders = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        if relative in ADAPTER:
            continue
        mkdocs = sorted(m for m in _imported_modules(path) if m == "mkdocs" or m.startswith("mkdocs."))
        if mkdocs:
            offenders[relative] = mkdocs
    assert offenders == {}


def test_the_adapter_is_where_the_walk_looks() -> None:
    # The test above would pass on nothing if the adapter moved: it must still import MkDocs.
    assert any(m.startswith("mkdocs.") for m in _imported_modules(PACKAGE / "plugin.py"))


@pytest.mark.slow
def test_a_mistyped_finding_code_fails_the_type_check(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from mkdocs_sms.rules import RULES\n\nRULES['SMS001'].finding('fine')\nRULES['SMS9999'].finding('typo')\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--ignore-missing-imports", str(sample)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "MYPYPATH": str(PACKAGE.parent)},
    )
    assert result.returncode == 1, result.stdout
    assert "sample.py:4:" in result.stdout and "Invalid index type" in result.stdout
    assert "sample.py:3:" not in result.stdout


def test_the_model_reads_pages_with_a_vocabulary_and_never_the_configuration_or_the_disk() -> None:
    for path in sorted((PACKAGE / "model").glob("*.py")):
        imported = _imported_modules(path)
        leaks = sorted(
            m for m in imported if m in ("mkdocs_sms.settings", "os", "pathlib") or m.startswith("mkdocs_sms.read")
        )
        assert leaks == [], path.name


def test_data_flows_one_way_read_before_analysis_before_output() -> None:
    # read/ and model/ never import what is made from them; analysis/ never imports a face or an output.
    later = {
        "read": (
            "mkdocs_sms.analysis",
            "mkdocs_sms.report",
            "mkdocs_sms.render",
            "mkdocs_sms.cli",
            "mkdocs_sms.plugin",
        ),
        "model": ("mkdocs_sms.analysis", "mkdocs_sms.report", "mkdocs_sms.render", "mkdocs_sms.read"),
        "analysis": ("mkdocs_sms.report", "mkdocs_sms.render", "mkdocs_sms.cli", "mkdocs_sms.plugin"),
    }
    for stage, forbidden in later.items():
        for path in sorted((PACKAGE / stage).glob("*.py")):
            wrong = sorted(m for m in _runtime_imports(path) if m.startswith(forbidden))
            assert wrong == [], f"{stage}/{path.name} imports {wrong}"


def _runtime_imports(path: Path) -> set[str]:
    """Imports outside ``if TYPE_CHECKING:`` blocks (those are for annotations only)."""
    tree = ast.parse(path.read_text("utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING":
            node.body = []
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_check_loads_neither_the_page_renderer_nor_the_pdf_pack() -> None:
    """``mkdocs-sms check`` runs in pre-commit hooks, where its start-up is most of its time: it does not
    load Jinja, the page renderer, Python-Markdown (the PDF pack) or the adopt command."""
    root = PACKAGE.parents[1]
    script = (
        "import sys, io\n"
        "from mkdocs_sms import cli\n"
        "cli.main(['check', '-f', 'mkdocs.yml'], out=io.StringIO(), err=io.StringIO())\n"
        "print(' '.join(sorted(sys.modules)))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=root, capture_output=True, text=True, check=True)
    loaded = set(result.stdout.split())
    assert "mkdocs_sms.analysis.handbook" in loaded  # the check did run
    unwanted = {"jinja2", "markdown", "mkdocs_sms.render", "mkdocs_sms.report.pack", "mkdocs_sms.adopt"}
    assert loaded & unwanted == set()
