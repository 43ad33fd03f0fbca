"""The front-matter schema: one declaration that drives validation and documentation.

Each :class:`Field` says what one key holds; :func:`validate` applies all of them to a front-matter
mapping and reports every problem with its code and line. The README's front-matter table and the
JSON Schema export are written from the same declarations.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mkdocs_sms.catalogue import LEVELS
from mkdocs_sms.model.assessment import (
    JUDGEMENTS_FILE_PATTERN,
    RESULTS,
    Judgement,
    JudgementsFile,
    judgements_file,
    read_judgement,
)
from mkdocs_sms.model.dates import INTERVAL_PATTERN, Interval, parse_date
from mkdocs_sms.model.frontmatter import FrontMatter
from mkdocs_sms.model.target import TARGET_TYPE, parse_target
from mkdocs_sms.model.vocabulary import Vocabulary
from mkdocs_sms.rules import Code
from mkdocs_sms.text import shown


@dataclass(frozen=True)
class Field:
    """One front-matter key.

    ``kind`` names the converter in :data:`CONVERTERS`; ``choices`` names the :class:`Settings`
    attribute listing allowed values; ``required_if`` is ``(other key, value)`` for keys required only
    in some documents, reported with ``missing_code``. A missing key is reported on the line of the
    ``missing_at`` key when there is one (the approval belongs with ``status: approved``), else on
    the closing ``---``, where it would be added. ``only_if`` is ``(other key, value)`` for keys read
    only in some documents (SMS003 elsewhere).
    """

    key: str
    kind: str
    description: str
    required: bool = False
    required_if: tuple[str, str] | None = None
    choices: str | None = None
    missing_code: Code = "SMS002"
    missing_at: str | None = None
    only_if: tuple[str, str] | None = None


FIELDS: tuple[Field, ...] = (
    Field("id", "id", "Unique identifier of the document, e.g. POL-CHG-01.", required=True),
    Field("title", "text", "Title of the document.", required=True),
    Field("type", "choice", "Kind of documented information.", required=True, choices="types"),
    Field("clauses", "clauses", "Catalogue clauses the document meets, e.g. [\"8.5.1.1\"]."),
    Field("owner", "text", "The accountable role.", required=True),
    Field("status", "choice", "Lifecycle status (default draft).", choices="statuses"),
    Field("version", "version", "Version as a quoted string, e.g. \"2.1\".", required=True),
    Field(
        "approved_by", "text", "Role or person who approved it.",
        required_if=("status", "approved"), missing_code="SMS006", missing_at="status",
    ),
    Field(
        "approved_on", "date", "Date of approval, YYYY-MM-DD.",
        required_if=("status", "approved"), missing_code="SMS006", missing_at="status",
    ),
    Field("review_interval", "interval", "How often it is reviewed, e.g. '12 months'."),
    Field("next_review", "date", "Date of the next review; default approved_on + review_interval."),
    Field("classification", "choice", "Who may read it.", choices="classifications"),
    Field("date", "date", "Date of the event a record evidences.", required_if=("type", "record")),
    Field("related", "ids", "Ids of related documents."),
    Field("level", "level", "Maturity level (1, 2 or 3) the document is written to, for a phased implementation."),
    Field("state", "choice", "State of a nonconformity record: open, action planned, closed or verified.",
          choices="states"),
    Field("grade", "choice", "Grade of a nonconformity record: major, minor, observation or opportunity.",
          choices="grades"),
    Field("source", "choice", "Where a nonconformity was raised: internal audit, certification audit, ...",
          choices="sources"),
    Field("due", "date", "Date by which a nonconformity's corrective action is to be finished."),
    Field("assessor", "text", "Who carried out a gap assessment (type assessment)."),
    Field("judgements", "judgements", "A gap assessment's judgement of each clause activity: "
          "activity (\"8.6.1/2\"), result (conforms, partial, not, n/a with a reason), level, evidence, note; "
          "or the path of a YAML file in docs_dir that holds them under 'judgements'."),
    Field("effectiveness", "text", "How the corrective action was shown to work: what was checked, by whom, when."),
    Field("effectiveness_checked", "date", "Date the corrective action of a nonconformity was checked to work."),
    Field("not_met", "clauses", "Nonconformity record: the requirements not met, as clauses, e.g. [\"8.2.6\"]."),
    Field("correction", "text", "What was done at once to contain a nonconformity."),
    Field("root_cause", "text", "The cause of a nonconformity, as found."),
    Field("corrective_action", "text", "What is done so that a nonconformity does not recur."),
    Field("target", "target", "Target state of a plan: scope (text), levels per clause with a default "
          "(e.g. {\"8.5\": 3, default: 2}) and the date.", only_if=("type", TARGET_TYPE)),
    Field("audited", "clauses", "Internal audit record: the clauses the audit covered, e.g. [\"4\", \"8.5.1\"]."),
    Field("inputs", "inputs", "Management review record: the review inputs it covered, a list of keys or "
          "{key: true|false}."),
)  # fmt: skip


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one key: the finding code, the line and what is wrong."""

    code: Code
    key: str
    line: int
    text: str


def _text(value: Any, field: Field, vocabulary: Vocabulary) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"must be text, not {_shown(value)}")
    return value.strip()


def _version(value: Any, field: Field, vocabulary: Vocabulary) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise ValueError(
            f'must be a quoted string such as "{value}": unquoted, YAML reads it as a number (2.10 would become 2.1)'
        )
    return _text(value, field, vocabulary)


def _id(value: Any, field: Field, vocabulary: Vocabulary) -> str:
    text = _text(value, field, vocabulary)
    if not vocabulary.id_pattern.match(text):
        raise ValueError(f"{_shown(text)} does not match the id pattern {vocabulary.id_pattern.pattern}")
    return text


def _choice(value: Any, field: Field, vocabulary: Vocabulary) -> str:
    allowed: tuple[str, ...] = getattr(vocabulary, field.choices or "")
    if not isinstance(value, str) or value not in allowed:
        raise ValueError(f"{_shown(value)} is not one of {', '.join(allowed)}")
    return value


def _date(value: Any, field: Field, vocabulary: Vocabulary) -> Any:
    return parse_date(value)


def _interval(value: Any, field: Field, vocabulary: Vocabulary) -> Interval:
    if not isinstance(value, str):
        raise ValueError(f"{_shown(value)} is not an interval such as '12 months'")
    return Interval.parse(value)


def _level(value: Any, field: Field, vocabulary: Vocabulary) -> int:
    if isinstance(value, bool) or value not in LEVELS:
        raise ValueError(f"{_shown(value)} is not one of {', '.join(map(str, LEVELS))}")
    return int(value)


def _list(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise ValueError(f'must be a list such as ["8.5.1.1"], not {_shown(value)}')
    return value


class ItemErrors(ValueError):
    """Some items of a list are wrong: ``value`` is what the good ones give, ``errors`` says what is
    wrong with the others, as (index of the item, text)."""

    def __init__(self, value: Any, errors: list[tuple[int, str]]) -> None:
        super().__init__(errors[0][1])
        self.value = value
        self.errors = errors


def _clauses(value: Any, field: Field, vocabulary: Vocabulary) -> tuple[str, ...]:
    items = _list(value)
    clauses, errors = [], []
    for index, item in enumerate(items):
        if isinstance(item, str):
            clauses.append(item.strip())
        elif isinstance(item, int) and not isinstance(item, bool):
            clauses.append(str(item))  # 8 or 10 is the same clause written unquoted
        elif isinstance(item, float):
            # YAML has already read 10.10 as the number 10.1: the clause the author meant is lost.
            errors.append(
                (index, f"has {item!r} written as a number, which loses digits (YAML reads 10.10 as 10.1): "
                 "write clause numbers as strings, in quotes")
            )  # fmt: skip
        else:
            raise ValueError(f"{_shown(item)} is not a clause number")
    if errors:
        raise ItemErrors(tuple(clauses), errors)
    return tuple(clauses)


def _judgements(value: Any, field: Field, vocabulary: Vocabulary) -> tuple[Judgement, ...] | JudgementsFile:
    if isinstance(value, str):
        return JudgementsFile(judgements_file(value))
    return read_judgements(_list(value))


def read_judgements(items: list[Any]) -> tuple[Judgement, ...]:
    """The judgements of a list of items (front-matter or a judgements file); :class:`ItemErrors` with
    the judgements that could be read when some items are wrong."""
    judgements, errors = [], []
    for index, item in enumerate(items):
        try:
            judgements.append(read_judgement(item, LEVELS))
        except ValueError as exc:
            errors.append((index, f"item {index + 1} {exc}"))
    if errors:
        raise ItemErrors(tuple(judgements), errors)
    return tuple(judgements)


def _ids(value: Any, field: Field, vocabulary: Vocabulary) -> tuple[str, ...]:
    items = _list(value)
    for item in items:
        if not isinstance(item, str):
            raise ValueError(f"{_shown(item)} is not a document id")
    return tuple(item.strip() for item in items)


def _inputs(value: Any, field: Field, vocabulary: Vocabulary) -> tuple[tuple[str, bool], ...]:
    """A checklist as (key, covered) pairs: a list of the keys covered, or a mapping of keys to true/false."""
    if isinstance(value, list):
        if not all(isinstance(item, str) and item.strip() for item in value):
            raise ValueError(f"must list input keys as text, e.g. [actions, audits], not {_shown(value)}")
        return tuple((item.strip(), True) for item in value)
    if isinstance(value, dict):
        for key, covered in value.items():
            if not isinstance(key, str) or not isinstance(covered, bool):
                raise ValueError(f"must map input keys to true or false, e.g. {{actions: true}}, not {_shown(value)}")
        return tuple(value.items())
    raise ValueError(f"must be a list of input keys or a mapping of keys to true/false, not {_shown(value)}")


Converter = Callable[[Any, Field, Vocabulary], Any]
CONVERTERS: dict[str, Converter] = {
    "text": _text,
    "version": _version,
    "id": _id,
    "choice": _choice,
    "date": _date,
    "interval": _interval,
    "clauses": _clauses,
    "ids": _ids,
    "level": _level,
    "judgements": _judgements,
    "target": lambda value, field, vocabulary: parse_target(value),
    "inputs": _inputs,
}


def _shown(value: Any) -> str:
    """A short, safe rendering of a bad value for a message (never walks the whole value)."""
    return shown(value)


def validate(front: FrontMatter, vocabulary: Vocabulary) -> tuple[dict[str, Any], list[Problem]]:
    """Convert every declared key of ``front`` and collect the problems.

    Keys with problems are left out of the returned values; undeclared keys are passed through
    untouched (authors and other plugins add their own).
    """
    values: dict[str, Any] = {}
    problems: list[Problem] = []
    data = front.data
    for field in FIELDS:
        raw = data.get(field.key)
        line = front.lines.get(field.key, 1)
        if raw is None:
            continue
        try:
            values[field.key] = CONVERTERS[field.kind](raw, field, vocabulary)
        except ItemErrors as exc:
            # The good items still count; each bad one is reported on its own line.
            values[field.key] = exc.value
            item_lines = front.item_lines.get(field.key, [])
            for index, text in exc.errors:
                at = item_lines[index] if index < len(item_lines) else line
                problems.append(Problem("SMS003", field.key, at, f"'{field.key}' {text}"))
            # The lines of the items kept, so that a finding about one of them (SMS005) finds its line.
            bad = {index for index, _ in exc.errors}
            front.item_lines[field.key] = [at for index, at in enumerate(item_lines) if index not in bad]
        except ValueError as exc:
            problems.append(Problem("SMS003", field.key, line, f"'{field.key}' {exc}"))
            continue
        if field.only_if and data.get(field.only_if[0]) != field.only_if[1]:
            del values[field.key]
            other, value = field.only_if
            problems.append(Problem("SMS003", field.key, line, f"'{field.key}' is read only when {other} is {value}"))
    for field in FIELDS:
        if data.get(field.key) is not None:
            continue
        condition = field.required_if
        if field.required or (condition and data.get(condition[0]) == condition[1]):
            why = f" (required when {condition[0]} is {condition[1]})" if condition else ""
            line = front.lines.get(field.missing_at or "", front.end_line)
            problems.append(Problem(field.missing_code, field.key, line, f"required key '{field.key}' is missing{why}"))
    return values, problems


# JSON Schema ----------------------------------------------------------------------------------------

_DATE = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
_INTERVAL = {"type": "string", "pattern": INTERVAL_PATTERN}
_TARGET = {
    "type": "object",
    "required": ["scope", "levels", "date"],
    "additionalProperties": False,
    "properties": {
        "scope": {"type": "string", "pattern": r"\S"},
        "levels": {
            "type": "object",
            "required": ["default"],
            "additionalProperties": {"enum": list(LEVELS)},
        },
        "date": _DATE,
    },
}


# The judgements of an assessment, written in its front-matter.
_JUDGEMENT_LIST: dict[str, Any] = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["activity"],
        "additionalProperties": False,
        "properties": {
            "activity": {"type": "string", "pattern": r"^\S+/[1-9][0-9]{0,2}$"},
            "result": {"enum": [*RESULTS, None]},
            "level": {"enum": list(LEVELS)},
            "evidence": {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]},
            "note": {"type": "string"},
            "reason": {"type": "string"},
        },
        "if": {"properties": {"result": {"const": "n/a"}}, "required": ["result"]},
        "then": {"required": ["reason"]},
    },
}


def _kind_schema(field: Field, vocabulary: Vocabulary, clauses: list[str]) -> dict[str, Any]:
    """The JSON Schema of one field, from the same declaration the checker uses."""
    text = {"type": "string", "pattern": r"\S"}
    # Whole numbers may be written unquoted; a decimal would lose digits (10.10 becomes 10.1).
    numbers = [int(clause) for clause in clauses if clause.isdigit()]
    by_kind: dict[str, Callable[[], dict[str, Any]]] = {
        "text": lambda: text,
        "version": lambda: text,
        "id": lambda: {"type": "string", "pattern": vocabulary.id_pattern.pattern},
        "choice": lambda: {"enum": list(getattr(vocabulary, field.choices or ""))},
        "date": lambda: _DATE,
        "interval": lambda: _INTERVAL,
        "clauses": lambda: {"type": "array", "items": {"enum": [*clauses, *numbers]}},
        "ids": lambda: {"type": "array", "items": {"type": "string"}},
        "level": lambda: {"enum": list(LEVELS)},
        "judgements": lambda: {
            "anyOf": [{"type": "string", "pattern": JUDGEMENTS_FILE_PATTERN}, _JUDGEMENT_LIST],
        },
        "target": lambda: _TARGET,
        "inputs": lambda: {
            "anyOf": [
                {"type": "array", "items": text},
                {"type": "object", "additionalProperties": {"type": "boolean"}},
            ]
        },
    }
    return {**by_kind[field.kind](), "description": field.description}


def json_schema(vocabulary: Vocabulary, clauses: list[str]) -> dict[str, Any]:
    """A JSON Schema (draft 2020-12) of a controlled document's front-matter under ``vocabulary``.

    Dates are strings here, as editors see them; the types, statuses, classifications, id pattern and
    the clauses of the loaded catalogues are those of the configuration.
    """
    conditions = []
    for field in FIELDS:
        if field.required_if:
            key, value = field.required_if
            conditions.append(
                {"if": {"properties": {key: {"const": value}}, "required": [key]}, "then": {"required": [field.key]}}
            )
        if field.only_if:
            key, value = field.only_if
            conditions.append({"if": {"required": [field.key]}, "then": {"properties": {key: {"const": value}}}})
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "mkdocs-sms controlled document",
        "description": "Front-matter of a controlled document of an ISO/IEC 20000-1 SMS handbook (mkdocs-sms).",
        "type": "object",
        "required": [field.key for field in FIELDS if field.required],
        "properties": {field.key: _kind_schema(field, vocabulary, clauses) for field in FIELDS},
        "allOf": conditions,
    }
