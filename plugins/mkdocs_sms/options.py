"""The options of the ``sms`` plugin: one table, from which everything else is made.

Each :class:`Option` says its name, the YAML types MkDocs accepts for it, its default and what it does.
The MkDocs config schema (:mod:`mkdocs_sms.config`), the defaults :class:`mkdocs_sms.settings.Settings`
validates against, the check for unknown options and the README's configuration block (held to it by
a test) all come from :data:`OPTIONS`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

DEFAULT_TYPES = (
    "policy", "plan", "process", "procedure", "agreement",
    "catalogue", "register", "record", "report", "assessment", "other",
)  # fmt: skip
DEFAULT_CLASSIFICATIONS = ("public", "internal", "confidential", "restricted")
# What installs the optional PDF pack (WeasyPrint), as help and errors say it.
PDF_INSTALL_HINT = "pip install 'mkdocs-sms[pdf]'"
DEFAULT_ID_PATTERN = r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$"


@dataclass(frozen=True)
class Option:
    """One option: the YAML value types it accepts (``list`` means a list of text), its default (None:
    unset, and the option may be left empty) and a one-line description."""

    name: str
    types: tuple[type, ...]
    default: Any
    doc: str

    @property
    def optional(self) -> bool:
        return self.default is None


OPTIONS: tuple[Option, ...] = (
    Option("catalogues", (list,), ["iso20000-1:2018"],
           "built-in names or paths (relative to mkdocs.yml) of catalogue files"),
    Option("default_catalogue", (str,), None,
           "catalogue that unqualified clause numbers name when several catalogues have them"),
    Option("pages_dir", (str,), "sms", "folder (inside the site) of the generated pages"),
    Option("review_interval", (str,), "12 months", "default review interval: N days|weeks|months|years"),
    Option("default_classification", (str,), "internal", "classification of a document that names none"),
    Option("audience", (str,), "internal", 'highest classification published in this build (see "Audiences")'),
    Option("today", (str, dt.date), None, "fixed date (YYYY-MM-DD) for reproducible builds"),
    Option("severity", (dict,), {}, "per-code override, e.g. {SMS007: error, SMS102: ignore}"),
    Option("types", (list,), list(DEFAULT_TYPES), "the document types"),
    Option("classifications", (list,), list(DEFAULT_CLASSIFICATIONS), "lowest to highest"),
    Option("id_pattern", (str,), DEFAULT_ID_PATTERN, "regular expression every document id must match"),
    Option("due_soon_days", (int,), 90, 'window of the "due soon" list on the review schedule'),
    Option("show_findings", (bool,), None,
           "findings at the top of each page: null = under `mkdocs serve` only; true = in builds too"),
    Option("history", (bool,), True, "read the git history: revision tables and SMS201/SMS202"),
    Option("cache", (bool,), True,
           "keep what the history pass reads from git, the pages read and the catalogues' YAML in .cache/mkdocs-sms/"),
    Option("history_details", (str,), "dates",
           "full | dates: what an audience build shows of a commit that also changed a withheld page"),
    Option("commit_url", (str,), None, "address of a commit, with {commit}; default from repo_url"),
    Option("edition", (str, int, float), None, "edition shown on every page; default $MIKE_DOCS_VERSION"),
    Option("changes_since", (str,), None, 'git ref for "what changed"; default the newest tag before HEAD'),
    Option("trend_tags", (str,), "*", 'tags (shell pattern, e.g. "v*") drawn in the trend of the implementation page'),
    Option("trend_limit", (int,), 20, "how many of the newest matching tags the trend shows; 0 turns it off"),
    Option("language", (str,), None,
           "language of the generated pages, panels and banners: en, de or fr; default theme.language"),
    Option("templates_dir", (str,), "sms_templates",
           "your templates for `mkdocs-sms new` (the shipped ones fill gaps)"),
    Option("implementation", (dict,), None,
           "the ISO/IEC 20000-5 plan: phases, level names, baseline file (below)"),
    Option("audit_preparation", (dict,), None,
           "audit date, evidence window and audit cycle of the audit page (below)"),
    Option("approvals", (dict,), None,
           'approval evidence in git: evidence, required, approvers, types (see "Approval evidence")'),
    Option("acknowledge", (dict,), None,
           'acknowledgements of documents: types, people or people_file, file, grace_days (see "Acknowledgements")'),
)  # fmt: skip

# Option name -> default, in the order the README documents them.
DEFAULTS: dict[str, Any] = {option.name: option.default for option in OPTIONS}


def _yaml_value(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(str(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{}" if not value else str(value)
    if isinstance(value, str) and any(ch in value for ch in "^[]{}:#*&"):
        return f"'{value}'"
    return str(value)


def configuration_block() -> str:
    """The README's block of every option with its default and description (a test holds them equal)."""
    lines = ["plugins:", "  - sms:"]
    for option in OPTIONS:
        setting = f"      {option.name}: {_yaml_value(option.default)}"
        lines.append(f"{setting:<38}# {option.doc}" if len(setting) < 37 else f"{setting}   # {option.doc}")
    lines.append("      enabled: true")
    return "\n".join(lines) + "\n"
