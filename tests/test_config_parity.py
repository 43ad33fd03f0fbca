"""The command line reads mkdocs.yml as MkDocs does: INHERIT deep-merged and followed, !ENV, plugins as a
list or a mapping. For each configuration of a matrix, the options `check`, `export`, `diff` and
`baseline` resolve (all through one loader) equal those the plugin resolves in a real MkDocs config load."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from mkdocs.config import load_config

from conftest import FIXTURES, TODAY, approved, complete_mini, run_build, run_cli
from mkdocs_sms.load import load_configuration

CATALOGUE = str(FIXTURES / "mini-catalogue.yml")
PARENT_OPTIONS = (
    f"      catalogues: ['{CATALOGUE}']\n"
    "      classifications: [public, internal, secret]\n"
    "      default_classification: internal\n"
    f"      today: {TODAY}\n"
    "      history: false\n"
    "      review_interval: 6 months\n"
)

# name -> {file name: text}; the configuration read is always "child.yml".
MATRIX: dict[str, dict[str, str]] = {
    "mapping, child sets the audience only": {
        "mkdocs.yml": f"site_name: Parent\ntheme: {{name: material}}\nplugins:\n  search: {{}}\n  sms:\n{PARENT_OPTIONS}",
        "child.yml": "INHERIT: mkdocs.yml\nsite_name: Child\nplugins:\n  sms:\n    audience: public\n",
    },
    "inherited twice, each level one option": {
        "mkdocs.yml": f"site_name: Parent\ntheme: {{name: material}}\nplugins:\n  search: {{}}\n  sms:\n{PARENT_OPTIONS}",
        "middle.yml": "INHERIT: mkdocs.yml\nplugins:\n  sms:\n    review_interval: 2 years\n",
        "child.yml": "INHERIT: middle.yml\nplugins:\n  sms:\n    audience: public\n",
    },
    "plugins as a list: the child's list replaces the parent's": {
        "mkdocs.yml": f"site_name: Parent\ntheme: {{name: material}}\nplugins:\n  - search\n  - sms:\n{PARENT_OPTIONS}",
        "child.yml": (
            "INHERIT: mkdocs.yml\nplugins:\n  - search\n  - sms:\n"
            f"      catalogues: ['{CATALOGUE}']\n      today: {TODAY}\n      history: false\n"
        ),
    },
    "!ENV with a variable set and a default": {
        "mkdocs.yml": f"site_name: Parent\ntheme: {{name: material}}\nplugins:\n  search: {{}}\n  sms:\n{PARENT_OPTIONS}",
        "child.yml": (
            "INHERIT: mkdocs.yml\nplugins:\n  sms:\n    audience: !ENV [SMS_PARITY_AUDIENCE, internal]\n"
            "    edition: !ENV [SMS_PARITY_UNSET, '2026.1']\n"
        ),
    },
    "no INHERIT, plugin options as a mapping inside a list": {
        "child.yml": f"site_name: Alone\ntheme: {{name: material}}\nplugins:\n  - search\n  - sms:\n{PARENT_OPTIONS}",
    },
}


@pytest.fixture
def parity_env() -> Iterator[None]:
    os.environ["SMS_PARITY_AUDIENCE"] = "public"
    yield
    del os.environ["SMS_PARITY_AUDIENCE"]


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).write_text(text, "utf-8")
    docs = root / "docs"
    docs.mkdir()
    for path, content in complete_mini().items():
        (docs / path).parent.mkdir(parents=True, exist_ok=True)
        (docs / path).write_text(content, "utf-8")
    (docs / "policies" / "public.md").write_text(approved("POL-PUB-01", "policy", [], classification="public"))
    return root / "child.yml"


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_the_cli_resolves_the_options_the_plugin_resolves(name: str, tmp_path: Path, parity_env: None) -> None:
    config_file = _write(tmp_path, MATRIX[name])
    mkdocs_config = load_config(str(config_file))
    mkdocs_config = mkdocs_config.plugins.on_config(mkdocs_config)
    plugin_settings = mkdocs_config.plugins["sms"].settings  # type: ignore[attr-defined]
    _, cli_settings, _ = load_configuration(config_file)
    assert cli_settings == plugin_settings


def test_export_lists_what_the_build_of_an_inheriting_edition_publishes(tmp_path: Path) -> None:
    # Measured before: the parent's classifications were lost, so export listed a withheld document.
    config_file = _write(tmp_path, MATRIX["mapping, child sets the audience only"])
    build = run_build(config_file)
    assert build.ok, build.messages
    built = json.loads((tmp_path / "site" / "sms.json").read_text())
    published = sorted(d["id"] for d in built["documents"])
    assert published == ["POL-PUB-01"]
    result = run_cli("export", "-f", str(config_file), "--format", "csv", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    exported = sorted(line.split(",")[0] for line in result.stdout.splitlines()[1:] if line)
    assert exported == published
    check = run_cli("check", "-f", str(config_file), "--format", "json", cwd=tmp_path)
    assert json.loads(check.stdout)["today"] == built["today"]


def test_an_inherit_loop_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "a.yml").write_text("INHERIT: b.yml\nsite_name: A\n")
    (tmp_path / "b.yml").write_text("INHERIT: a.yml\nsite_name: B\n")
    result = run_cli("check", "-f", str(tmp_path / "a.yml"), cwd=tmp_path)
    assert result.returncode == 2
    assert "INHERIT goes round in a circle: a.yml -> b.yml -> a.yml" in result.stderr
    assert "Traceback" not in result.stderr
