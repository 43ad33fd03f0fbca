"""The manual builds --strict, and its reference pages say what the code does: every finding code, option,
front-matter key, command, option of a command and clause of a bundled catalogue has its place, and a rule
registered without an example or a fix stops the build."""

from __future__ import annotations

import argparse
import html
import importlib.util
import inspect
import json
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

from conftest import ROOT, run_build, run_cli
from mkdocs_sms.catalogue import BUILTIN, load_catalogue
from mkdocs_sms.cli import build_parser
from mkdocs_sms.model.schema import FIELDS
from mkdocs_sms.options import DEFAULT_TYPES, OPTIONS
from mkdocs_sms.rules import RULES, Rule, Severity
from mkdocs_sms.text import slug

CONFIG = ROOT / "mkdocs.manual.yml"


def _hooks() -> ModuleType:
    """manual/hooks.py, imported as the module a test can call."""
    spec = importlib.util.spec_from_file_location("manual_hooks", ROOT / "manual" / "hooks.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site_dir = tmp_path_factory.mktemp("manual") / "site"
    result = run_build(CONFIG, strict=True, site_dir=str(site_dir))
    assert result.ok, result.error
    assert not [record.getMessage() for record in result.records if record.levelname == "WARNING"]
    return site_dir


def _text(page: Path) -> str:
    """The words of a built page's article, as a reader sees them."""
    body = page.read_text("utf-8")
    article = body[body.index("<article") : body.index("</article>")]
    return html.unescape(re.sub(r"<[^>]+>", "", article))


def _section(page: Path, anchor: str) -> str:
    """The text of the section of a built page from the heading ``anchor`` to the next heading of its level."""
    body = page.read_text("utf-8")
    start = body.index(f'id="{anchor}"')
    end = body.find("<h2", start)
    return html.unescape(re.sub(r"<[^>]+>", "", body[start : end if end > 0 else None]))


def _words(markdown: str) -> str:
    """Markdown text as the words it shows: without its backticks, quotes and emphasis."""
    return re.sub(r"\s+", " ", re.sub(r"[`*]", "", markdown)).strip()


def test_every_finding_code_has_its_page(site: Path) -> None:
    for code, rule in RULES.items():
        text = re.sub(r"\s+", " ", _text(site / "reference" / "rules" / code / "index.html"))
        assert f"{code}: {rule.summary}" in text
        assert f"Default severity: {rule.severity.value}" in text
        for part in ("What it means", "Why it matters", "Example", "How to fix it", "Changing its severity"):
            assert part in text, (code, part)
        assert _words(rule.fix) in _words(text), code
        assert _words(rule.rationale) in _words(text), code
        # The example as written in the registry, line by line (code blocks keep their spacing).
        for line in inspect.cleandoc(rule.example).splitlines():
            if line.strip() and not line.startswith("```"):
                assert _words(line) in _words(text), (code, line)
        assert f"severity: {code}:" in text
    index = _text(site / "reference" / "rules" / "index.html")
    for code, rule in RULES.items():
        assert re.search(rf"{code}\s+{rule.severity.value}\s+", index), code


def test_a_rule_without_example_or_fix_is_named() -> None:
    hooks = _hooks()
    bare = Rule("SMS999", Severity.WARNING, "a new check", "It matters.", "")
    assert hooks.undocumented([*RULES.values(), bare]) == ["SMS999: no example and no fix"]
    assert hooks.undocumented(RULES.values()) == []
    with pytest.raises(hooks.ManualError, match="SMS999: no example and no fix"):
        hooks.reference_pages([*RULES.values(), bare])


def test_a_rule_registered_without_its_example_fails_the_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The registry is a real dict; the hook reads it when the build starts.
    monkeypatch.setitem(RULES, "SMS998", Rule("SMS998", Severity.INFO, "a new check", "It matters.", "Do this."))
    result = run_build(CONFIG, strict=True, site_dir=str(tmp_path / "site"))
    assert not result.ok
    assert any("SMS998: no example" in record.getMessage() for record in result.records)
    assert not (tmp_path / "site" / "index.html").exists()


def test_every_option_is_on_the_options_page(site: Path) -> None:
    page = site / "reference" / "options" / "index.html"
    for option in OPTIONS:
        section = _section(page, option.name)
        assert _words(option.doc).lower() in _words(section).lower(), option.name


def test_every_front_matter_key_is_on_its_page(site: Path) -> None:
    text = _text(site / "reference" / "front-matter" / "index.html")
    for field in FIELDS:
        assert re.search(rf"\n{field.key}\n", text), field.key
        assert _words(field.description) in _words(text), field.key


def _commands(parser: argparse.ArgumentParser, name: str) -> list[tuple[str, argparse.ArgumentParser]]:
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub_name, sub in action.choices.items():
                found.append((f"{name} {sub_name}", sub))
                found += _commands(sub, f"{name} {sub_name}")
    return found


def test_every_command_and_its_options_are_on_the_cli_page(site: Path) -> None:
    page = site / "reference" / "cli" / "index.html"
    commands = _commands(build_parser(), "mkdocs-sms")
    assert {"mkdocs-sms check", "mkdocs-sms diff", "mkdocs-sms catalogue check", "mkdocs-sms export"} <= dict(
        commands
    ).keys()
    for name, parser in commands:
        section = _section(page, slug(name))
        assert f"usage: {name}" in section, name
        for action in parser._actions:
            if isinstance(action, (argparse._HelpAction, argparse._SubParsersAction)):
                continue
            for option in action.option_strings or [action.metavar or action.dest]:
                assert option in section, (name, option)
            if action.help:
                assert _words(action.help) in _words(section), (name, action.help)


def test_every_clause_of_each_bundled_catalogue_is_on_its_page(site: Path) -> None:
    for name in BUILTIN:
        catalogue = load_catalogue(name, ROOT, DEFAULT_TYPES)
        page = site / "reference" / "catalogues" / slug(name) / "index.html"
        for clause in catalogue.clauses:
            section = _section(page, f"clause-{slug(clause.number)}")
            assert f"{clause.number} {clause.title}" in section
            for activity in clause.activities:
                assert f"{activity.text} (level {activity.level})" in section, (clause.number, activity.text)
            for row in (row for row in catalogue.requirements if row.clause == clause.number):
                assert row.name in section and row.basis in section, (clause.number, row.name)
                assert _words(row.guidance) in _words(section), (clause.number, row.name)


def test_the_json_schema_page_is_what_mkdocs_sms_schema_prints(site: Path, tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "mkdocs.yml").write_text(yaml.safe_dump({"site_name": "Handbook", "plugins": ["sms"]}), "utf-8")
    printed = run_cli("schema", cwd=tmp_path)
    assert printed.returncode == 0, printed.stderr
    body = (site / "reference" / "json-schema" / "index.html").read_text("utf-8")
    block = re.search(r'<div class="[^"]*highlight"><pre>.*?<code>(.*?)</code>', body, re.DOTALL)
    assert block is not None
    shown: Any = json.loads(html.unescape(re.sub(r"<[^>]+>", "", block.group(1))))
    assert shown == json.loads(printed.stdout)
    assert (site / "reference" / "front-matter.schema.json").read_text("utf-8") == printed.stdout


def test_the_navigation_leads_to_every_page(site: Path) -> None:
    home = (site / "index.html").read_text("utf-8")
    nav = home[home.index('<nav class="md-nav md-nav--primary"') :]
    linked = {href.split("#")[0] for href in re.findall(r'href="([^"]*)"', nav)}
    pages = {page.parent.relative_to(site).as_posix() + "/" for page in site.rglob("index.html")} - {"./"}
    assert pages <= linked, sorted(pages - linked)
    # The CI recipes show the shipped pipelines as they are.
    recipes = _text(site / "guides" / "ci" / "index.html")
    assert "fetch-depth: 0" in recipes and "GIT_DEPTH" in recipes
