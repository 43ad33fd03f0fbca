"""The README documents every finding code, front-matter key and option the code knows."""

from __future__ import annotations

import re

from conftest import ROOT
from mkdocs_sms.model.schema import FIELDS
from mkdocs_sms.options import OPTIONS, configuration_block
from mkdocs_sms.rules import RULES

README = (ROOT / "README.md").read_text("utf-8")


def test_every_finding_code_is_documented_with_its_default_severity() -> None:
    for rule in RULES.values():
        assert re.search(rf"^\| {rule.code} \| {rule.severity.value} \|", README, re.MULTILINE), rule.code


def test_every_front_matter_key_is_documented() -> None:
    for field in FIELDS:
        assert re.search(rf"^\| `{field.key}` \|", README, re.MULTILINE), field.key


def test_every_option_is_documented() -> None:
    # The README's block is the options table as written by options.configuration_block().
    assert "```yaml\n" + configuration_block() + "```" in README
    for option in OPTIONS:
        assert re.search(rf"^      {option.name}: .*# {re.escape(option.doc)}$", README, re.MULTILINE), option.name


def test_quick_start_names_the_two_commands() -> None:
    assert "make site" in README and "make test" in README
