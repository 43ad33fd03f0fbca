"""The settings of one handbook, shared by the MkDocs plugin and the command line.

Both faces read the same ``sms`` section of ``mkdocs.yml`` and turn it into :class:`Settings` through
:func:`Settings.from_options`, so they validate it the same way and reach the same findings.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from mkdocs_sms.analysis.acknowledgements import AcknowledgeRules
from mkdocs_sms.analysis.acknowledgements import parse_rules as parse_acknowledge
from mkdocs_sms.analysis.approvals import ApprovalRules, parse_rules
from mkdocs_sms.analysis.implementation import Plan, check_plan, parse_plan
from mkdocs_sms.analysis.readiness import Preparation, parse_preparation
from mkdocs_sms.catalogue import Catalogue, load_catalogues
from mkdocs_sms.model.dates import Interval, parse_date
from mkdocs_sms.model.document import STATES
from mkdocs_sms.model.vocabulary import Vocabulary
from mkdocs_sms.options import DEFAULTS
from mkdocs_sms.read.cache import FOLDER
from mkdocs_sms.rules import RULES, Severity
from mkdocs_sms.translation import shipped

STATUSES = ("draft", "review", "approved", "retired")
# What an audience build shows of a commit that also changed a withheld page (option history_details).
HISTORY_DETAILS = ("dates", "full")


class SettingsError(Exception):
    """The ``sms`` configuration cannot be used; the message says which option and why."""


@dataclass(frozen=True)
class Settings:
    """Validated settings; build with :meth:`from_options` (defaults: :data:`mkdocs_sms.options.OPTIONS`)."""

    catalogues: tuple[str, ...]
    default_catalogue: str | None
    pages_dir: str
    review_interval: Interval
    default_classification: str
    audience: str
    today: dt.date
    severity: Mapping[str, Severity]
    types: tuple[str, ...]
    classifications: tuple[str, ...]
    id_pattern: re.Pattern[str]
    due_soon_days: int
    history: bool
    history_details: str
    commit_url: str | None
    edition: str | None
    changes_since: str | None
    templates_dir: str
    implementation: Plan | None
    audit_preparation: Preparation = field(default_factory=Preparation)
    repo_url: str | None = None
    base_dir: Path = Path(".")
    trend_tags: str = "*"
    trend_limit: int = 20
    # Whether pages show their findings: None leaves it to the face (the plugin shows them under `serve`).
    show_findings: bool | None = None
    approvals: ApprovalRules = field(default_factory=ApprovalRules)
    acknowledge: AcknowledgeRules = field(default_factory=AcknowledgeRules)
    # Whether builds and checks keep what they read (the git history, the pages, the catalogues' YAML) in
    # .cache/mkdocs-sms/ beside mkdocs.yml.
    cache: bool = True
    # The language of the text written into pages (en, de, fr): the option, else the theme's language.
    language: str = "en"

    statuses: tuple[str, ...] = STATUSES
    states: tuple[str, ...] = STATES

    @classmethod
    def from_options(
        cls,
        options: Mapping[str, Any],
        base_dir: Path,
        repo_url: str | None = None,
        theme_language: object = None,
        docs_dir: Path | None = None,
    ) -> Settings:
        """Validate the plugin options from ``mkdocs.yml``; ``base_dir`` is the folder of that file,
        ``repo_url`` its top-level ``repo_url`` (for links to commits) and ``theme_language`` its
        ``theme.language``, which the pages follow unless the ``language`` option says otherwise;
        ``docs_dir`` (default ``docs`` beside it) is what findings about files outside it are relative to."""
        unknown = sorted(set(options) - set(DEFAULTS) - {"enabled"})
        if unknown:
            raise SettingsError(f"unknown option(s) {', '.join(unknown)}; known: {', '.join(DEFAULTS)}")
        values = {**DEFAULTS, **{k: v for k, v in options.items() if v is not None or k == "today"}}

        catalogues = _str_list(values, "catalogues")
        if not catalogues:
            raise SettingsError("option 'catalogues' needs at least one catalogue")
        default_catalogue = values["default_catalogue"]
        if default_catalogue is not None and (not isinstance(default_catalogue, str) or not default_catalogue):
            raise SettingsError("option 'default_catalogue' must name a loaded catalogue, e.g. iso20000-1:2018")
        types = _str_list(values, "types")
        classifications = _str_list(values, "classifications")
        try:
            interval = Interval.parse(str(values["review_interval"]))
        except ValueError as exc:
            raise SettingsError(f"option 'review_interval': {exc}") from None
        for key in ("default_classification", "audience"):
            if values[key] not in classifications:
                raise SettingsError(f"option '{key}': '{values[key]}' is not one of {', '.join(classifications)}")
        try:
            id_pattern = re.compile(str(values["id_pattern"]))
        except re.error as exc:
            raise SettingsError(f"option 'id_pattern' is not a regular expression: {exc}") from None
        due_soon = values["due_soon_days"]
        if not isinstance(due_soon, int) or isinstance(due_soon, bool) or due_soon < 0:
            raise SettingsError("option 'due_soon_days' must be a whole number of days, e.g. 90")
        if values["show_findings"] is not None and not isinstance(values["show_findings"], bool):
            raise SettingsError("option 'show_findings' must be true, false or null")
        if not isinstance(values["history"], bool):
            raise SettingsError("option 'history' must be true or false")
        if not isinstance(values["cache"], bool):
            raise SettingsError("option 'cache' must be true or false")
        if values["history_details"] not in HISTORY_DETAILS:
            raise SettingsError(
                f"option 'history_details': '{values['history_details']}' is not one of {', '.join(HISTORY_DETAILS)}"
            )
        commit_pattern = values["commit_url"]
        if commit_pattern is not None and (not isinstance(commit_pattern, str) or "{commit}" not in commit_pattern):
            raise SettingsError("option 'commit_url' must be an address containing {commit}")
        for key in ("edition", "changes_since"):
            if values[key] is not None and not isinstance(values[key], (str, int, float)):
                raise SettingsError(f"option '{key}' must be text")
        # An edition published with mike carries mike's version unless the configuration names one.
        edition = values["edition"] if values["edition"] is not None else os.environ.get("MIKE_DOCS_VERSION")
        try:
            plan = parse_plan(values["implementation"])
        except ValueError as exc:
            raise SettingsError(f"option 'implementation': {exc}") from None
        try:
            preparation = parse_preparation(values["audit_preparation"])
        except ValueError as exc:
            raise SettingsError(f"option 'audit_preparation': {exc}") from None
        approvals = _approvals(values["approvals"], base_dir)
        acknowledge = _acknowledge(values["acknowledge"], types, base_dir, docs_dir or base_dir / "docs")
        trend_limit = values["trend_limit"]
        if not isinstance(trend_limit, int) or isinstance(trend_limit, bool) or trend_limit < 0:
            raise SettingsError("option 'trend_limit' must be a whole number of tags, e.g. 20 (0: no trend)")
        if not isinstance(values["trend_tags"], str) or not values["trend_tags"]:
            raise SettingsError("option 'trend_tags' must be a tag name pattern, e.g. '*' or 'v*'")
        language = values["language"]
        if language is not None and (not isinstance(language, str) or not language):
            raise SettingsError("option 'language' must be a language code, e.g. de or fr")
        pages_dir = str(values["pages_dir"]).strip("/")
        if not pages_dir or ".." in Path(pages_dir).parts:
            raise SettingsError("option 'pages_dir' must be a folder inside docs_dir, e.g. 'sms'")
        return cls(
            catalogues=tuple(catalogues),
            default_catalogue=default_catalogue,
            pages_dir=pages_dir,
            review_interval=interval,
            default_classification=values["default_classification"],
            audience=values["audience"],
            today=resolve_today(values["today"]),
            severity=_severities(values["severity"]),
            types=tuple(types),
            classifications=tuple(classifications),
            id_pattern=id_pattern,
            due_soon_days=due_soon,
            history=values["history"],
            history_details=values["history_details"],
            commit_url=commit_pattern,
            repo_url=repo_url if isinstance(repo_url, str) and repo_url else None,
            edition=str(edition) if edition not in (None, "") else None,
            changes_since=None if values["changes_since"] is None else str(values["changes_since"]),
            templates_dir=str(values["templates_dir"]),
            implementation=plan,
            audit_preparation=preparation,
            base_dir=base_dir,
            trend_tags=values["trend_tags"],
            trend_limit=trend_limit,
            show_findings=values["show_findings"],
            approvals=approvals,
            acknowledge=acknowledge,
            cache=values["cache"],
            language=shipped(language or (theme_language if isinstance(theme_language, str) else None)),
        )

    def rank(self, classification: str | None) -> int:
        """The place of a classification in the configured order: of the default one for None (none was
        given), of the highest for a value that is not configured (audience builds fail closed)."""
        if classification is None:
            return self.classifications.index(self.default_classification)
        if classification not in self.classifications:
            return len(self.classifications) - 1
        return self.classifications.index(classification)

    @property
    def vocabulary(self) -> Vocabulary:
        """What pages are read against (see :mod:`mkdocs_sms.model.vocabulary`)."""
        return Vocabulary(
            self.types, self.statuses, self.classifications, self.states, self.id_pattern,
            self.default_classification, self.review_interval,
        )  # fmt: skip

    @property
    def highest(self) -> str:
        """The highest configured classification: what a page whose classification is unknown counts as."""
        return self.classifications[-1]

    def shows(self, classification: str | None) -> bool:
        """Whether a document of ``classification`` may be published to the configured ``audience``."""
        return self.rank(classification) <= self.rank(self.audience)

    @property
    def cache_dir(self) -> Path | None:
        """Where the history pass keeps what it read from git, the analysis the pages it read and the
        catalogues what their YAML holds (None: nowhere, the option is off)."""
        return self.base_dir / FOLDER if self.cache else None

    def load_catalogues(self) -> list[Catalogue]:
        """The configured catalogues, in order, with the implementation plan checked against them.

        Raises :class:`mkdocs_sms.catalogue.CatalogueError` or :class:`SettingsError`.
        """
        catalogues = load_catalogues(self.catalogues, self.base_dir, self.types, self.default_catalogue, self.cache_dir)
        try:
            check_plan(self.implementation, catalogues)
        except ValueError as exc:
            raise SettingsError(f"option 'implementation': {exc}") from None
        return catalogues


def resolve_today(configured: object, environ: Mapping[str, str] = os.environ) -> dt.date:
    """``today`` from the configuration, else ``SOURCE_DATE_EPOCH``, else the clock."""
    if configured not in (None, ""):
        try:
            return parse_date(configured)
        except ValueError as exc:
            raise SettingsError(f"option 'today': {exc}") from None
    epoch = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc).date()
        except (ValueError, OverflowError, OSError):
            raise SettingsError(f"SOURCE_DATE_EPOCH '{epoch}' is not a Unix timestamp") from None
    return dt.date.today()


def _approvals(value: object, base_dir: Path) -> ApprovalRules:
    """The ``approvals`` option, with the approvers file read when ``approvers`` names one."""
    text = None
    named = value.get("approvers") if isinstance(value, Mapping) else None
    if isinstance(named, str):
        try:
            text = (base_dir / named).read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise SettingsError(f"option 'approvals': the approvers file {named} cannot be read: {exc}") from None
    try:
        return parse_rules(value, text)
    except ValueError as exc:
        where = f" (approvers file {named})" if text is not None else ""
        raise SettingsError(f"option 'approvals'{where}: {exc}") from None


def _acknowledge(value: object, types: list[str], base_dir: Path, docs_dir: Path) -> AcknowledgeRules:
    """The ``acknowledge`` option, with the people file read when ``people_file`` names one; the
    acknowledgement file is read with the pages (its problems are findings, see
    :mod:`mkdocs_sms.read.acknowledgements`)."""
    text = None
    named = value.get("people_file") if isinstance(value, Mapping) else None
    if named is not None:
        if not isinstance(named, str) or not named.strip():
            raise SettingsError("option 'acknowledge': 'people_file' must name a file, one person a line")
        try:
            text = (base_dir / named).read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise SettingsError(f"option 'acknowledge': the people file {named} cannot be read: {exc}") from None
    try:
        rules = parse_acknowledge(value, types, text)
    except ValueError as exc:
        where = f" (people file {named})" if text is not None else ""
        raise SettingsError(f"option 'acknowledge'{where}: {exc}") from None
    if not rules.enabled:
        return rules
    location = Path(os.path.relpath(os.path.abspath(base_dir / rules.file), os.path.abspath(docs_dir))).as_posix()
    return replace(rules, location=location)


def _str_list(values: Mapping[str, Any], key: str) -> list[str]:
    value = values[key]
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
        raise SettingsError(f"option '{key}' must be a list of names")
    if len(set(value)) != len(value):
        raise SettingsError(f"option '{key}' lists a name twice")
    return list(value)


def _severities(value: object) -> dict[str, Severity]:
    if not isinstance(value, Mapping):
        raise SettingsError("option 'severity' must map finding codes to severities, e.g. {SMS007: error}")
    result = {}
    allowed = ", ".join(s.value for s in Severity)
    for code, level in value.items():
        if code not in RULES:
            raise SettingsError(f"option 'severity': unknown finding code '{code}'")
        try:
            result[str(code)] = Severity(str(level).lower())
        except ValueError:
            raise SettingsError(f"option 'severity': '{level}' for {code} is not one of {allowed}") from None
    return result
