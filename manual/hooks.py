"""The manual's reference pages, written from the code at build time so that they cannot drift from it.

An MkDocs hook of ``mkdocs.manual.yml``: ``on_config`` makes the pages and adds them to the navigation,
``on_files`` adds them to the site. The pages come from the finding registry (``rules.RULES``), the
table of options (``options.OPTIONS``), the front-matter schema (``model.schema.FIELDS``), the bundled
catalogues (``catalogue.BUILTIN``) and the command line's argument parser (``cli.build_parser``).
A rule without an example or a fix stops the build: every finding code has its page.
"""

from __future__ import annotations

import argparse
import inspect
import json
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

from mkdocs_sms.catalogue import BUILTIN, Catalogue, Clause, Requirement, accepted_refs, load_catalogue
from mkdocs_sms.cli import build_parser
from mkdocs_sms.model.schema import FIELDS, Field, json_schema
from mkdocs_sms.options import DEFAULT_TYPES, OPTIONS, configuration_block
from mkdocs_sms.rules import RULES, Rule, Severity
from mkdocs_sms.settings import Settings
from mkdocs_sms.text import md_cell, md_text, slug

# Where the generated pages go, inside the manual's docs_dir.
REFERENCE = "reference"
SCHEMA_FILE = f"{REFERENCE}/front-matter.schema.json"
SEVERITY_WORDS = {
    Severity.ERROR: "an error: `mkdocs build --strict` and `mkdocs-sms check` fail on it",
    Severity.WARNING: "a warning: `mkdocs build --strict` and `mkdocs-sms check --strict` fail on it",
    Severity.INFO: "information: logged, never a failure",
    Severity.IGNORE: "ignored",
}
FAMILIES = {
    "0": "one page",
    "1": "coverage and the implementation path",
    "2": "git-based document control",
    "3": "publishing and audiences",
}


class ManualError(Exception):
    """The code lacks something a reference page needs."""


@dataclass(frozen=True)
class Page:
    """One generated page: its path in docs_dir, its title in the navigation and its Markdown."""

    path: str
    title: str
    markdown: str


# Finding codes ----------------------------------------------------------------------------------------


def undocumented(rules: Collection[Rule]) -> list[str]:
    """What each rule lacks for its page (an example, a fix), as 'SMS123: no example'."""
    problems = []
    for rule in rules:
        lacking = [name for name in ("example", "fix") if not getattr(rule, name).strip()]
        if lacking:
            problems.append(f"{rule.code}: no {' and no '.join(lacking)}")
    return problems


def rule_path(code: str) -> str:
    """The page of one finding code."""
    return f"{REFERENCE}/rules/{code}.md"


def rule_page(rule: Rule) -> Page:
    """A finding code's page, in the manner of Ruff's rule pages."""
    summary = rule.summary[0].upper() + rule.summary[1:]
    override = Severity.WARNING if rule.severity is Severity.ERROR else Severity.ERROR
    family = FAMILIES.get(rule.code[3], "other checks")
    lines = [
        f"# {rule.code}: {md_text(rule.summary)}",
        "",
        f"Default severity: **{rule.severity.value}** ({SEVERITY_WORDS[rule.severity]}). "
        f"Family: SMS{rule.code[3]}xx, {family}.",
        "",
        "## What it means",
        "",
        f"{summary}." + (f" {rule.details}" if rule.details else ""),
        "",
        "## Why it matters",
        "",
        rule.rationale,
        "",
        "## Example",
        "",
        inspect.cleandoc(rule.example),
        "",
        "## How to fix it",
        "",
        rule.fix,
        "",
        "## Changing its severity",
        "",
        f"Set the severity of {rule.code} with the plugin's [`severity`](../options.md#severity) option; "
        "`ignore` drops the finding. `mkdocs build` and `mkdocs-sms check` both read it:",
        "",
        "```yaml",
        "plugins:",
        "  - sms:",
        "      severity:",
        f"        {rule.code}: {override.value}",
        "```",
        "",
    ]
    return Page(rule_path(rule.code), rule.code, "\n".join(lines))


def rules_index(rules: Collection[Rule]) -> Page:
    """The table of every finding code, each linking to its page."""
    lines = [
        "# Finding codes",
        "",
        "Every problem mkdocs-sms reports is a finding with a stable code, a severity and a message naming "
        "the file, the line and the document (coverage findings name the catalogue, the clause and the kind "
        "of documented information). `mkdocs build` logs each `error` and `warning` finding as a WARNING (so "
        "`--strict` fails on it) and each `info` finding at INFO. A message is always one line: values quoted "
        "from a page are shortened and control characters are written as escapes, so no page can forge a "
        "log line or a CI annotation.",
        "",
        "Codes SMS0xx are about one page, SMS1xx about coverage and the implementation path, SMS2xx about "
        "git-based document control, SMS3xx about publishing and audiences.",
        "",
        "| code | default severity | meaning |",
        "| --- | --- | --- |",
    ]
    for rule in sorted(rules, key=lambda rule: rule.code):
        lines.append(f"| [{rule.code}]({rule.code}.md) | {rule.severity.value} | {md_cell(rule.summary)} |")
    return Page(f"{REFERENCE}/rules/index.md", "Finding codes", "\n".join(lines) + "\n")


# Options ----------------------------------------------------------------------------------------------


def _type_names(types: tuple[type, ...]) -> str:
    names = {list: "list", dict: "mapping", str: "text", int: "number", float: "number", bool: "true or false"}
    return " or ".join(dict.fromkeys(names.get(kind, kind.__name__) for kind in types))


def options_page() -> Page:
    """Every option of the ``sms`` plugin, from the one table of options."""
    lines = [
        "# Options",
        "",
        "Every option of the `sms` plugin, with its default. All of them may be left out.",
        "",
        "```yaml",
        configuration_block().rstrip("\n"),
        "```",
        "",
        "`mkdocs build` stops with a message naming the option, and `mkdocs-sms check` exits with status 2, "
        "on a configuration it cannot use: an unknown option, an interval it cannot read, an unknown finding "
        "code in `severity`, a broken catalogue.",
        "",
    ]
    for option in OPTIONS:
        default = "not set" if option.default is None else f"`{json.dumps(option.default, default=str)}`"
        lines += [
            f"## `{option.name}` {{#{option.name}}}",
            "",
            f"{option.doc[0].upper()}{option.doc[1:]}.",
            "",
            f"Type: {_type_names(option.types)}. Default: {default}.",
            "",
        ]
    return Page(f"{REFERENCE}/options.md", "Options", "\n".join(lines))


# Front-matter and its JSON Schema ---------------------------------------------------------------------


def _default_settings() -> Settings:
    return Settings.from_options({}, base_dir=Path.cwd())


def _required(field: Field) -> str:
    if field.required:
        return "yes"
    if field.required_if:
        return f"when `{field.required_if[0]}: {field.required_if[1]}`"
    if field.only_if:
        return f"no; read only when `{field.only_if[0]}: {field.only_if[1]}`"
    return "no"


def front_matter_page() -> Page:
    """Every front-matter key a controlled document may have, from the schema declaration."""
    vocabulary = _default_settings().vocabulary
    lines = [
        "# Front-matter",
        "",
        "A Markdown page is a controlled document when its YAML front-matter has an `id`. These are the keys "
        "mkdocs-sms reads; other keys (`tags`, `hide`, `template`, your own) are left alone. A key that is "
        "missing is [SMS002](rules/SMS002.md) (or [SMS006](rules/SMS006.md) for an approval), a value of "
        "the wrong kind [SMS003](rules/SMS003.md). Allowed values are those of the default configuration "
        "(see the options `types` and `classifications`).",
        "",
        "| key | required | value | allowed values |",
        "| --- | --- | --- | --- |",
    ]
    for field in FIELDS:
        allowed = ", ".join(f"`{value}`" for value in getattr(vocabulary, field.choices)) if field.choices else ""
        lines.append(f"| `{field.key}` | {_required(field)} | {md_cell(field.description)} | {allowed} |")
    lines += [
        "",
        "Editors can check front-matter while it is written: see the [JSON Schema](json-schema.md).",
        "",
    ]
    return Page(f"{REFERENCE}/front-matter.md", "Front-matter", "\n".join(lines))


def default_schema() -> dict[str, Any]:
    """The JSON Schema ``mkdocs-sms schema`` prints for a configuration that sets no option."""
    settings = _default_settings()
    return json_schema(settings.vocabulary, accepted_refs(settings.load_catalogues()))


def schema_text() -> str:
    """The default JSON Schema as ``mkdocs-sms schema`` writes it."""
    return json.dumps(default_schema(), indent=2, ensure_ascii=False) + "\n"


def json_schema_page() -> Page:
    """The JSON Schema of the front-matter, for the default configuration."""
    lines = [
        "# JSON Schema",
        "",
        "`mkdocs-sms schema [-f mkdocs.yml] > sms-schema.json` prints a JSON Schema (draft 2020-12) of a "
        "controlled document's front-matter, generated from the same declaration the checker uses and "
        "reflecting your configuration: the document types, statuses and classifications, the id pattern, "
        "the clauses of the loaded catalogues, and the keys required for approved documents and records. "
        "It cannot know what needs the whole handbook, such as duplicate ids or references to other "
        "documents; `mkdocs-sms check` does.",
        "",
        "This is the schema of the default configuration ([download](front-matter.schema.json)):",
        "",
        "```json",
        schema_text().rstrip("\n"),
        "```",
        "",
    ]
    return Page(f"{REFERENCE}/json-schema.md", "JSON Schema", "\n".join(lines))


# Catalogues -------------------------------------------------------------------------------------------


def catalogue_path(name: str) -> str:
    """The page of a bundled catalogue."""
    return f"{REFERENCE}/catalogues/{slug(name)}.md"


def _row(requirement: Requirement) -> str:
    cells = [
        requirement.kind,
        requirement.name,
        ", ".join(requirement.types),
        requirement.basis,
        "yes" if requirement.required else "no",
        str(requirement.level),
        str(requirement.max_age) if requirement.max_age else "",
        requirement.requirement,
        requirement.guidance,
    ]
    return "| " + " | ".join(md_cell(cell) for cell in cells) + " |"


def _clause(clause: Clause, rows: list[Requirement]) -> Iterator[str]:
    yield f"## {md_cell(clause.number)} {md_text(clause.title)} {{#clause-{slug(clause.number)}}}"
    yield ""
    if clause.explanation:
        yield md_cell(clause.explanation)
        yield ""
    if clause.activities:
        yield "Activities (with the maturity level from which each is expected):"
        yield ""
        for number, activity in enumerate(clause.activities, start=1):
            yield f"{number}. {md_cell(activity.text)} (level {activity.level})"
        yield ""
    if clause.references:
        yield "Related standards: " + "; ".join(md_cell(reference) for reference in clause.references) + "."
        yield ""
    if clause.interfaces:
        links = ", ".join(f"[{md_cell(number)}](#clause-{slug(number)})" for number in clause.interfaces)
        yield f"Interfaces: {links}."
        yield ""
    if rows:
        yield "| kind | documented information | types | basis | required | level | max age | requirement | guidance |"
        yield "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
        yield from (_row(row) for row in rows)
        yield ""


def catalogue_page(catalogue: Catalogue) -> Page:
    """A bundled catalogue, clause by clause: activities, guidance and its requirement rows."""
    lines = [
        f"# {md_text(catalogue.title)}",
        "",
        f"Name in `catalogues:` and in findings: `{catalogue.name}`. Source: {md_cell(catalogue.source)}.",
        "",
        md_cell(catalogue.description),
        "",
        f"{len(catalogue.clauses)} clauses, {len(catalogue.requirements)} requirement rows. A row's *basis* "
        "says why it exists: `explicit` (the clause asks for it), `derived` (expected through the control "
        "of documented information) or `recommended` (good practice: shown, never a finding).",
        "",
    ]
    if catalogue.audit:
        audit = ", ".join(f"{key} {md_cell(number)}" for key, number in catalogue.audit.items())
        lines += [f"Clauses the audit page reads (`audit:`): {audit}.", ""]
    for clause in catalogue.clauses:
        rows = [row for row in catalogue.requirements if row.clause == clause.number]
        lines += list(_clause(clause, rows))
    return Page(catalogue_path(catalogue.name), catalogue.name, "\n".join(lines))


def catalogue_pages() -> list[Page]:
    """One page per bundled catalogue."""
    base = Path.cwd()
    return [catalogue_page(load_catalogue(name, base, DEFAULT_TYPES)) for name in BUILTIN]


# Command line -----------------------------------------------------------------------------------------


def _commands(parser: argparse.ArgumentParser, name: str) -> Iterator[tuple[str, argparse.ArgumentParser, str]]:
    """Each command and subcommand of ``parser``, with its full name and its one-line help, in order."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {choice.dest: choice.help or "" for choice in action._choices_actions}
            for sub_name, sub in action.choices.items():
                yield f"{name} {sub_name}", sub, helps.get(sub_name, "")
                yield from _commands(sub, f"{name} {sub_name}")


def _option_row(action: argparse.Action) -> str:
    names = ", ".join(f"`{name}`" for name in action.option_strings) or f"`{action.metavar or action.dest}`"
    if action.choices is not None and not isinstance(action, argparse._SubParsersAction):
        value = " \\| ".join(f"`{choice}`" for choice in action.choices)
    elif action.nargs == 0:
        value = ""
    else:
        value = f"`{action.metavar or action.dest.upper()}`"
    default = "" if action.default in (None, False, argparse.SUPPRESS) else f"`{action.default}`"
    required = "yes" if action.required else ""
    return f"| {names} | {value} | {required} | {default} | {md_cell(action.help or '')} |"


def cli_page() -> Page:
    """Every command of ``mkdocs-sms`` with its usage, description and options, from its parser."""
    parser = build_parser()
    lines = [
        "# Command line",
        "",
        md_cell(parser.description or ""),
        "",
        "```text",
        parser.format_usage().strip(),
        "```",
        "",
        "`python -m mkdocs_sms` is the same program. Every command exits with status 2 and a one-line message "
        "for a command line, configuration, ref or output path it cannot use, never with a traceback; files "
        "it writes are written whole or not at all.",
        "",
    ]
    top = [_option_row(action) for action in parser._actions if isinstance(action, argparse._VersionAction)]
    lines += ["| argument | value | required | default | help |", "| --- | --- | --- | --- | --- |", *top, ""]
    for name, sub, summary in _commands(parser, parser.prog):
        actions = [action for action in sub._actions if not isinstance(action, argparse._HelpAction)]
        lines += [f"## `{name}` {{#{slug(name)}}}", "", md_cell(summary[0].upper() + summary[1:]) + ".", ""]
        lines += ["```text", sub.format_usage().strip(), "```", ""]
        if sub.description:
            lines += [md_cell(sub.description), ""]
        rows = [_option_row(action) for action in actions if not isinstance(action, argparse._SubParsersAction)]
        if rows:
            lines += ["| argument | value | required | default | help |", "| --- | --- | --- | --- | --- |", *rows, ""]
    return Page(f"{REFERENCE}/cli.md", "Command line", "\n".join(lines))


# The reference as a whole -----------------------------------------------------------------------------


def reference_pages(rules: Collection[Rule]) -> list[Page]:
    """Every generated page; :class:`ManualError` when a rule lacks its example or fix."""
    problems = undocumented(rules)
    if problems:
        raise ManualError(
            "every finding code needs an example and a fix in mkdocs_sms/rules.py for its manual page: "
            + "; ".join(problems)
        )
    return [
        Page(f"{REFERENCE}/index.md", "Reference", _reference_index()),
        options_page(),
        front_matter_page(),
        json_schema_page(),
        rules_index(rules),
        *(rule_page(rule) for rule in sorted(rules, key=lambda rule: rule.code)),
        cli_page(),
        *catalogue_pages(),
    ]


def _reference_index() -> str:
    catalogues = "\n".join(f"- [{name}](catalogues/{slug(name)}.md)" for name in BUILTIN)
    return (
        "# Reference\n\nWritten from the code each time the manual is built:\n\n"
        "- [Options](options.md) of the `sms` plugin\n"
        "- [Front-matter](front-matter.md) of a controlled document, and its [JSON Schema](json-schema.md)\n"
        "- [Finding codes](rules/index.md), one page each\n"
        "- [Command line](cli.md)\n"
        f"- The bundled catalogues:\n\n{catalogues.replace('- ', '    - ')}\n"
    )


def navigation(pages: list[Page]) -> list[Any]:
    """The navigation of the generated pages, in the order of :func:`reference_pages`: the pages of the
    finding codes and of the catalogues in sections of their own."""
    top: list[Any] = []
    sections: dict[str, list[Any]] = {"rules": [], "catalogues": []}
    for page in pages:
        folder, _, rest = page.path.removeprefix(f"{REFERENCE}/").partition("/")
        entry = page.path if page.path.endswith("index.md") else {page.title: page.path}
        (sections[folder] if rest else top).append(entry)
    return [*top, {"Finding codes": sections["rules"]}, {"Catalogues": sections["catalogues"]}]


# MkDocs events ----------------------------------------------------------------------------------------

_pages: list[Page] = []


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    """Make the reference pages (failing the build when the code lacks what one needs) and add them to
    the navigation, before MkDocs reads docs_dir; include snippets from the repository's root, wherever
    the build is started."""
    try:
        _pages[:] = reference_pages(list(RULES.values()))
    except ManualError as exc:
        raise PluginError(str(exc)) from None
    if config.nav is not None:
        config.nav.append({"Reference": navigation(_pages)})
    snippets = config.mdx_configs.get("pymdownx.snippets")
    if snippets is not None:
        snippets["base_path"] = [str(Path(config.config_file_path).parent)]
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Add the generated pages, and the JSON Schema as a file to download."""
    for page in _pages:
        files.append(File.generated(config, page.path, content=page.markdown))
    files.append(File.generated(config, SCHEMA_FILE, content=schema_text()))
    return files
