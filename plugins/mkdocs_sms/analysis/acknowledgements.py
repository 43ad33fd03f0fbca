"""Acknowledgements: staff confirming they have read the current version of a policy.

Communication of the service management policy (5.2.2) and awareness (7.3) need evidence that the people
concerned know the documents. With ``acknowledge: {types: [policy], people: [...], file: acks.csv}``
configured, each approved document of those types is compared with the acknowledgement file (exported
from a form, or kept in the repository): who of the group acknowledged its current version, and who has
not. Acknowledgements of an earlier version do not count for the current one. SMS209 says that some of
the group have not acknowledged the current version once the grace period after its approval is over.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from mkdocs_sms.model.document import Document
from mkdocs_sms.read.acknowledgements import AcknowledgementFile
from mkdocs_sms.read.evidence import email_of
from mkdocs_sms.rules import RULES, Finding

_KEYS = {"types", "people", "people_file", "file", "grace_days"}
DEFAULT_GRACE_DAYS = 30
# The states of one document's acknowledgement: every person acknowledged; some have not, within the grace
# period; some have not, past it (SMS209); no approval date, or no readable file: it cannot be assessed.
COMPLETE, PENDING, OVERDUE, UNDATED, UNREAD = "complete", "pending", "overdue", "undated", "unread"


@dataclass(frozen=True)
class AcknowledgeRules:
    """The ``acknowledge`` option: the document types that need acknowledgement, the people who must
    acknowledge them, the file the acknowledgements are in (relative to mkdocs.yml), the grace period
    after approval and ``location``, the file as findings name it (relative to docs_dir)."""

    types: tuple[str, ...] = ()
    people: tuple[str, ...] = ()
    file: str = ""
    grace_days: int = DEFAULT_GRACE_DAYS
    location: str = ""
    people_file: str | None = None

    @property
    def enabled(self) -> bool:
        return bool(self.types)

    @property
    def files(self) -> tuple[str, ...]:
        """The files the option reads (relative to mkdocs.yml)."""
        if not self.enabled:
            return ()
        return (self.file,) if self.people_file is None else (self.file, self.people_file)

    def applies(self, document: Document) -> bool:
        """Whether ``document`` needs acknowledgement: approved, and of a type the option names."""
        return self.enabled and document.status == "approved" and document.type in self.types


def person_key(person: str) -> str:
    """What identifies a person: the email of ``Name <email>`` or of an address, else the name without
    regard to case or spacing, so that a form's export matches the group as the option writes it."""
    if "@" in person:
        return email_of(person)
    return " ".join(person.split()).casefold()


def display_name(person: str) -> str:
    """How a page names a person: the name of ``Name <email>``, else the text as written."""
    name = person.split("<", 1)[0].strip()
    return name or person.strip()


def parse_rules(value: Any, types: Sequence[str], people_file: str | None = None) -> AcknowledgeRules:
    """Read the ``acknowledge`` option against the configured document ``types`` (``people_file``: the text
    of the file ``people_file`` names, when it names one); raise ValueError with a readable message."""
    if value is None:
        return AcknowledgeRules()
    if not isinstance(value, Mapping):
        raise ValueError("must be a mapping, e.g. {types: [policy], people_file: staff.txt, file: acks.csv}")
    unknown = sorted(str(key) for key in set(value) - _KEYS)
    if unknown:
        raise ValueError(f"unknown key(s) {', '.join(unknown)} (allowed: {', '.join(sorted(_KEYS))})")
    named = value.get("types")
    if isinstance(named, str):
        named = [named]
    if not isinstance(named, list) or not named or not all(isinstance(item, str) for item in named):
        raise ValueError("'types' must list the document types that need acknowledgement, e.g. [policy]")
    for item in named:
        if item not in types:
            raise ValueError(f"'types': '{item}' is not one of the document types ({', '.join(types)})")
    if ("people" in value) == ("people_file" in value):
        raise ValueError("give the group as either 'people' (a list) or 'people_file' (a file), not both or neither")
    if people_file is not None:
        people = parse_people(people_file)
    else:
        listed = value.get("people")
        if not isinstance(listed, list) or not all(isinstance(item, str) and item.strip() for item in listed):
            raise ValueError("'people' must list the people who must acknowledge, e.g. [ann@example.org, Bob Boss]")
        people = tuple(item.strip() for item in listed)
    if not people:
        raise ValueError("the group of people who must acknowledge is empty")
    seen: dict[str, str] = {}
    for person in people:
        if person_key(person) in seen:
            raise ValueError(f"'{person}' is in the group twice (as '{seen[person_key(person)]}')")
        seen[person_key(person)] = person
    file = value.get("file")
    if not isinstance(file, str) or not file.strip():
        raise ValueError("'file' must name the acknowledgement file (.csv, .yml or .yaml), relative to mkdocs.yml")
    if not file.lower().endswith((".csv", ".yml", ".yaml")):
        raise ValueError(f"'file': {file} is neither .csv nor .yml/.yaml")
    grace = value.get("grace_days", DEFAULT_GRACE_DAYS)
    if not isinstance(grace, int) or isinstance(grace, bool) or grace < 0:
        raise ValueError("'grace_days' must be a whole number of days, e.g. 30")
    listed_in = value.get("people_file") if people_file is not None else None
    return AcknowledgeRules(tuple(named), people, file.strip(), grace, people_file=listed_in)


def parse_people(text: str) -> tuple[str, ...]:
    """A people file: one person a line (a name, an email or ``Name <email>``), ``#`` comments."""
    found = (" ".join(line.split("#", 1)[0].split()) for line in text.splitlines())
    return tuple(person for person in found if person)


@dataclass(frozen=True)
class Missing:
    """Someone of the group who has not acknowledged the current version, with the newest earlier
    version they did acknowledge (None: none)."""

    person: str
    earlier: str | None = None


@dataclass(frozen=True)
class Acknowledgement:
    """The acknowledgement of one approved document's current ``version``: how many of the group must
    acknowledge it and how many have, who has (with the date) and who is missing, its ``state`` and the
    date the grace period ends (None without an approval date). A view for an audience below
    ``internal`` keeps the counts and leaves out the names (``named`` false)."""

    version: str
    required: int
    count: int
    state: str
    due: dt.date | None
    acknowledged: tuple[tuple[str, dt.date], ...] = ()
    missing: tuple[Missing, ...] = ()
    named: bool = True

    @property
    def assessed(self) -> bool:
        return self.state not in (UNDATED, UNREAD)

    def anonymous(self) -> Acknowledgement:
        """The same counts without the people's names."""
        return replace(self, acknowledged=(), missing=(), named=False)

    def to_json(self) -> dict[str, object]:
        return {
            "version": self.version,
            "state": self.state,
            "required": self.required,
            "acknowledged": self.count if self.assessed else None,
            "due": self.due.isoformat() if self.due else None,
            "missing": [item.person for item in self.missing] if self.named and self.assessed else None,
        }


def assess(
    documents: Iterable[Document], file: AcknowledgementFile, rules: AcknowledgeRules, today: dt.date
) -> tuple[dict[str, Acknowledgement], list[Finding]]:
    """The acknowledgement of every approved document that needs one, by id, and the findings: the
    rows that name no document (SMS008), someone outside the group or a day after ``today`` (SMS003),
    and SMS209. A row found wrong is not counted."""
    by_id = {document.id: document for document in documents}
    group = {person_key(person): person for person in rules.people}
    findings = list(file.findings)
    # person key -> (version -> earliest date), per document id
    given: dict[str, dict[str, dict[str, dt.date]]] = {}
    for row in file.rows:
        where, line = rules.location, row.line
        if row.document not in by_id:
            text = f"the acknowledgement of {row.person} names the document '{row.document}', which does not exist"
            findings.append(RULES["SMS008"].finding(text, path=where, line=line))
            continue
        key = person_key(row.person)
        if key not in group:
            text = (
                f"'{row.person}' acknowledged {row.document} but is not in the group that must acknowledge "
                "(acknowledge: people / people_file): the row is not counted"
            )
            findings.append(RULES["SMS003"].finding(text, path=where, line=line, document=row.document))
            continue
        if row.date > today:
            text = (
                f"the acknowledgement of {row.document} by {row.person} is dated {row.date.isoformat()}, after "
                f"today ({today.isoformat()}): a mistyped date, or a clock that was wrong; the row is not counted"
            )
            findings.append(RULES["SMS003"].finding(text, path=where, line=line, document=row.document))
            continue
        versions = given.setdefault(row.document, {}).setdefault(key, {})
        versions[row.version] = min(row.date, versions.get(row.version, row.date))
    result: dict[str, Acknowledgement] = {}
    for document in by_id.values():
        if not rules.applies(document):
            continue
        item = _acknowledgement(document, given.get(document.id, {}), group, file.readable, rules, today)
        result[document.id] = item
        if item.state == OVERDUE:
            findings.append(_overdue(document, item, rules, today))
    return result, findings


def _acknowledgement(
    document: Document,
    given: Mapping[str, Mapping[str, dt.date]],
    group: Mapping[str, str],
    readable: bool,
    rules: AcknowledgeRules,
    today: dt.date,
) -> Acknowledgement:
    version = document.version or ""
    acknowledged, missing = [], []
    for key, person in group.items():
        versions = given.get(key, {})
        if version in versions:
            acknowledged.append((person, versions[version]))
        else:
            earlier = max(versions, key=lambda v: versions[v]) if versions else None
            missing.append(Missing(person, earlier))
    due = document.approved_on + dt.timedelta(days=rules.grace_days) if document.approved_on else None
    if not readable:
        state = UNREAD
    elif due is None:
        state = UNDATED
    elif not missing:
        state = COMPLETE
    else:
        state = OVERDUE if today > due else PENDING
    return Acknowledgement(version, len(group), len(acknowledged), state, due, tuple(acknowledged), tuple(missing))


def _overdue(document: Document, item: Acknowledgement, rules: AcknowledgeRules, today: dt.date) -> Finding:
    # No names: findings are published with the document, to audiences that may not see who is missing.
    assert document.approved_on is not None and item.due is not None
    days = (today - document.approved_on).days
    text = (
        f"version {item.version} is acknowledged by {item.count} of {item.required} people {days} days after its "
        f"approval on {document.approved_on.isoformat()} (grace period {rules.grace_days} days, over on "
        f"{item.due.isoformat()}): {item.required - item.count} have not acknowledged it"
    )
    return RULES["SMS209"].finding(text, path=document.path, line=document.line_of("approved_on"), document=document.id)
