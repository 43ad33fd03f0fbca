"""Reading a catalogue file: every problem with its place (a path of keys and indexes, and the line).

:func:`read_catalogue` goes on past a bad clause or row, so that ``mkdocs-sms catalogue check`` can list
every problem at once; a build stops at the first (see :func:`mkdocs_sms.catalogue.load_catalogue`).
:func:`advice` adds the warnings of a usable catalogue: clauses without guidance, interfaces to clauses
it does not have, audit clauses it does not declare.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import yaml

from mkdocs_sms.catalogue.model import (
    AUDIT_BLOCK_KEYS,
    AUDIT_KEYS,
    BASES,
    CATALOGUE_KEYS,
    CLAUSE_KEYS,
    CLAUSE_NUMBER,
    KINDS,
    LEVELS,
    REQUIREMENT_KEYS,
    REVIEW_INPUT_KEY,
    REVIEW_INPUTS_KEY,
    Activity,
    Catalogue,
    Clause,
    Requirement,
    Titles,
)
from mkdocs_sms.model.dates import Interval
from mkdocs_sms.translation import ENGLISH, LANGUAGES

try:
    from yaml import CSafeLoader as SafeLoader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader  # type: ignore[assignment]

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a catalogue file (an error) or worth fixing (a warning).

    ``path`` leads from the top of the file to the key (``("clauses", 12, "requirements", 0, "kind")``),
    ``where`` says it for a reader (``clauses[12] (8.6.1) requirements[0]``), ``line`` is 1-based."""

    path: Path_
    where: str
    text: str
    line: int = 0
    severity: Literal["error", "warning"] = "error"

    def message(self, origin: str, severity: bool = False) -> str:
        """``origin:line: where: text``, with the severity after the line when ``severity``."""
        at = f"{origin}:{self.line}" if self.line else origin
        return f"{at}: {self.severity + ': ' if severity else ''}{self.where}: {self.text}"


class _Bad(Exception):
    """A problem that ends the reading of the clause or row it is in."""

    def __init__(self, path: Path_, where: str, text: str) -> None:
        super().__init__(text)
        self.problem = Problem(path, where, text)


def yaml_data(text: str) -> Any:
    """What the YAML of a catalogue's ``text`` holds (raises yaml.YAMLError)."""
    return yaml.load(text, Loader=SafeLoader)


def read_catalogue(text: str, types: tuple[str, ...], *loaded: Any) -> tuple[Catalogue | None, list[Problem]]:
    """The catalogue in ``text`` (None when it has errors) and every problem, with lines; ``loaded``:
    what its YAML holds, when the caller has it already (see :func:`yaml_data`).

    ``origin`` is filled in by the caller (:class:`Catalogue` ``origin`` is left empty here)."""
    try:
        data = loaded[0] if loaded else yaml_data(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark is not None else 0
        return None, [Problem((), "YAML", f"not valid YAML: {' '.join(str(exc).split())}", line)]
    problems: list[Problem] = []
    catalogue = _read(data, types, problems)
    if problems:
        lines = line_map(text)
        problems = [_placed(problem, lines) for problem in problems]
    return (None if problems else catalogue), problems


def advice(catalogue: Catalogue, text: str) -> list[Problem]:
    """Warnings about a usable catalogue: what an SMS manager or the audit page would miss."""
    lines = line_map(text)
    warnings = []
    for index, clause in enumerate(catalogue.clauses):
        path: Path_ = ("clauses", index)
        where = f"clauses[{index}] ({clause.number})"
        missing = [key for key in ("activities", "explanation") if not getattr(clause, key)]
        if missing:
            text_ = f"no {' and no '.join(missing)}: the coverage page and new drafts have no guidance for it"
            warnings.append(Problem(path, where, text_, severity="warning"))
        for item, number in enumerate(clause.interfaces):
            if not catalogue.has_clause(number):
                warnings.append(
                    Problem(
                        (*path, "interfaces", item), where,
                        f"interface '{number}' is not a clause of this catalogue", severity="warning",
                    )
                )  # fmt: skip
    if catalogue.audit is None:
        text_ = (
            "no 'audit:': the audit page cannot assess internal audits, management reviews and nonconformities "
            "of this catalogue; name their clauses, or write 'audit: {}' when it has none"
        )
        warnings.append(Problem(("audit",), "top level", text_, severity="warning"))
    return [_placed(problem, lines) for problem in warnings]


def line_map(text: str) -> dict[Path_, int]:
    """The 1-based line of every key and list item of a YAML text, by its path."""
    lines: dict[Path_, int] = {(): 1}
    try:
        root = yaml.compose(text, Loader=SafeLoader)
    except yaml.YAMLError:
        return lines

    def walk(node: yaml.Node, path: Path_) -> None:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                here = (*path, key.value)
                lines[here] = key.start_mark.line + 1
                walk(value, here)
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                here = (*path, index)
                lines[here] = item.start_mark.line + 1
                walk(item, here)

    if root is not None:
        walk(root, ())
    return lines


def _placed(problem: Problem, lines: dict[Path_, int]) -> Problem:
    """``problem`` with the line of its path, or of the nearest enclosing key that is in the file."""
    path = problem.path
    while path not in lines:
        path = path[:-1]
    return Problem(problem.path, problem.where, problem.text, problem.line or lines[path], problem.severity)


def _read(data: Any, types: tuple[str, ...], problems: list[Problem]) -> Catalogue | None:
    if not isinstance(data, dict):
        problems.append(Problem((), "top level", "must be a mapping with 'catalogue', 'title' and 'clauses'"))
        return None
    top = "top level"
    try:
        _check_keys(data, CATALOGUE_KEYS, (), top)
        name = _text(data, "catalogue", (), top)
        title, titles = _titled(data, "title", (), top)
        description = _optional_text(data, "description", (), top)
        source = _optional_text(data, "source", (), top)
    except _Bad as bad:
        problems.append(bad.problem)
        name = title = description = source = ""
        titles = ()
    raw_clauses = data.get("clauses")
    if not isinstance(raw_clauses, list) or not raw_clauses:
        problems.append(Problem(("clauses",), top, "'clauses' must be a non-empty list"))
        raw_clauses = []
    clauses: list[Clause] = []
    requirements: list[Requirement] = []
    for index, raw in enumerate(raw_clauses):
        try:
            clause = _clause(raw, index, clauses)
        except _Bad as bad:
            problems.append(bad.problem)
            continue
        clauses.append(clause)
        rows = raw.get("requirements", [])
        path: Path_ = ("clauses", index, "requirements")
        where = f"clauses[{index}] ({clause.number})"
        if not isinstance(rows, list):
            problems.append(Problem(path, where, "'requirements' must be a list"))
            continue
        for row_index, row in enumerate(rows):
            try:
                requirements.append(_requirement(row, name, clause, (*path, row_index), row_index, types))
            except _Bad as bad:
                problems.append(bad.problem)
    try:
        audit = _audit_clauses(data.get("audit"))
    except _Bad as bad:
        problems.append(bad.problem)
        audit = None
    try:
        review_inputs = _review_inputs(data.get("audit"))
    except _Bad as bad:
        problems.append(bad.problem)
        review_inputs = ()
    numbers = {clause.number for clause in clauses}
    for key, number in (audit or {}).items():
        if number not in numbers:
            text = f"'{key}' names clause {number}, which is not a clause of this catalogue"
            problems.append(Problem(("audit", key), "audit", text))
    if problems:
        return None
    return Catalogue(
        name=name,
        title=title,
        description=description,
        source=source,
        clauses=tuple(clauses),
        requirements=tuple(requirements),
        origin="",
        audit=audit,
        review_inputs=review_inputs,
        titles=titles,
    )


def _clause(raw: Any, index: int, earlier: list[Clause]) -> Clause:
    path: Path_ = ("clauses", index)
    where = f"clauses[{index}]"
    if not isinstance(raw, dict):
        raise _Bad(path, where, "must be a mapping with 'clause' and 'title'")
    _check_keys(raw, CLAUSE_KEYS, path, where)
    number = _number(raw.get("clause"), (*path, "clause"), where, "clause", "8.5.1")
    where = f"clauses[{index}] ({number})"
    if any(clause.number == number for clause in earlier):
        raise _Bad((*path, "clause"), where, f"clause {number} is listed twice")
    title, titles = _titled(raw, "title", path, where)
    return Clause(
        number,
        title,
        activities=_activities(raw, path, where),
        explanation=_optional_text(raw, "explanation", path, where),
        references=_text_list(raw, "references", path, where),
        interfaces=_text_list(raw, "interfaces", path, where),
        titles=titles,
    )


def _audit_clauses(value: Any) -> dict[str, str] | None:
    """The declared audit clauses: None without 'audit:', {} for ``audit: {}`` (the catalogue has none)."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise _Bad(
            ("audit",), "audit", f"must map {', '.join(AUDIT_KEYS)} to clause numbers (or be {{}} when it has none)"
        )
    _check_keys(value, AUDIT_BLOCK_KEYS, ("audit",), "audit")
    result: dict[str, str] = {}
    for key, number in value.items():
        if key != REVIEW_INPUTS_KEY:
            result[key] = _number(number, ("audit", key), "audit", key, "9.2")
    return result


def _review_inputs(value: Any) -> tuple[tuple[str, str], ...]:
    """'audit: review_inputs': the inputs a management review covers, each a key (what a review record's
    ``inputs`` names) and a short label (what the audit page shows)."""
    if not isinstance(value, dict) or value.get(REVIEW_INPUTS_KEY) is None:
        return ()
    inputs = value[REVIEW_INPUTS_KEY]
    path: Path_ = ("audit", REVIEW_INPUTS_KEY)
    if not isinstance(inputs, dict) or not inputs:
        raise _Bad(
            path, "audit", f"'{REVIEW_INPUTS_KEY}' must map input keys to short labels, e.g. {{actions: Open actions}}"
        )
    result = []
    for key, label in inputs.items():
        if not isinstance(key, str) or not REVIEW_INPUT_KEY.match(key):
            raise _Bad((*path, key), "audit", f"review input key {key!r} must be lower-case letters, digits and _")
        if not isinstance(label, str) or not label.strip():
            raise _Bad((*path, key), "audit", f"review input '{key}' needs a short label as text")
        result.append((key, " ".join(label.split())))
    return tuple(result)


def _requirement(
    row: Any, catalogue: str, clause: Clause, path: Path_, index: int, types: tuple[str, ...]
) -> Requirement:
    where = f"clauses[{path[1]}] ({clause.number}) requirements[{index}]"
    if not isinstance(row, dict):
        raise _Bad(path, where, "must be a mapping with 'kind', 'types' and 'name'")
    _check_keys(row, REQUIREMENT_KEYS, path, where)
    kind = row.get("kind")
    if kind not in KINDS:
        raise _Bad((*path, "kind"), where, f"'kind' must be one of {', '.join(KINDS)}, not {kind!r}")
    row_types = row.get("types")
    if not isinstance(row_types, list) or not row_types:
        raise _Bad((*path, "types"), where, "'types' must be a non-empty list of document types")
    for item, doc_type in enumerate(row_types):
        if doc_type not in types:
            raise _Bad(
                (*path, "types", item), where,
                f"type {doc_type!r} is not a configured document type ({', '.join(types)})",
            )  # fmt: skip
    basis = row.get("basis", "explicit")
    if basis not in BASES:
        raise _Bad((*path, "basis"), where, f"'basis' must be one of {', '.join(BASES)}, not {basis!r}")
    required = row.get("required", basis != "recommended")
    if not isinstance(required, bool):
        raise _Bad((*path, "required"), where, "'required' must be true or false")
    max_age = row.get("max_age")
    if max_age is not None:
        if kind != "record":
            raise _Bad(
                (*path, "max_age"), where,
                "'max_age' applies to rows of kind record (evidence), not to documents",
            )  # fmt: skip
        try:
            max_age = Interval.parse(str(max_age))
        except ValueError as exc:
            raise _Bad((*path, "max_age"), where, f"'max_age': {exc}") from None
    level = row.get("level", 1)
    if level not in LEVELS or isinstance(level, bool):
        raise _Bad((*path, "level"), where, f"'level' must be one of {', '.join(map(str, LEVELS))}, not {level!r}")
    name, names = _titled(row, "name", path, where)
    return Requirement(
        catalogue=catalogue,
        clause=clause.number,
        clause_title=clause.title,
        key=f"{clause.number}-{index + 1}",
        kind=kind,
        types=tuple(row_types),
        name=name,
        requirement=_optional_text(row, "requirement", path, where, join=False),
        guidance=_optional_text(row, "guidance", path, where, join=False),
        required=required,
        max_age=max_age,
        level=level,
        basis=basis,
        names=names,
        clause_titles=clause.titles,
    )


def _number(value: Any, path: Path_, where: str, key: str, example: str) -> str:
    """A clause number: text, or a whole number written unquoted (8); a decimal is refused, because
    YAML has already lost its digits (8.10 is read as 8.1)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        raise _Bad(
            path,
            where,
            f"'{key}' {value!r} is written as a number, which loses digits (8.10 is read as 8.1): "
            f'write clause numbers in quotes, e.g. "{example}"',
        )
    if not isinstance(value, str) or not CLAUSE_NUMBER.match(value):
        raise _Bad(path, where, f"'{key}' must be a clause number such as \"{example}\", not {value!r}")
    return value


def _text(data: dict[str, Any], key: str, path: Path_, where: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise _Bad((*path, key), where, f"'{key}' must be non-empty text")
    return value.strip()


def _titled(data: dict[str, Any], key: str, path: Path_, where: str) -> tuple[str, Titles]:
    """A title (or a row's name): text, or the text per language, ``{en: Change management, de:
    Änderungsmanagement}``. The English text is the title findings and sms.json use, and the one a page in
    a language the mapping lacks falls back to; the others are returned as (language, text) pairs."""
    value = data.get(key)
    if not isinstance(value, dict):
        return _text(data, key, path, where), ()
    example = f"{{{ENGLISH}: Change management, de: Änderungsmanagement, fr: Gestion des changements}}"
    for language, text in value.items():
        if language not in LANGUAGES:
            raise _Bad(
                (*path, key, language), where,
                f"'{key}' names the language {language!r}; pages are written in {', '.join(LANGUAGES)}",
            )  # fmt: skip
        if not isinstance(text, str) or not text.strip():
            raise _Bad((*path, key, language), where, f"'{key}' in {language} must be non-empty text")
    if ENGLISH not in value:
        raise _Bad((*path, key), where, f"'{key}' per language needs an '{ENGLISH}' entry, e.g. {example}")
    titles = tuple((language, text.strip()) for language, text in value.items() if language != ENGLISH)
    return value[ENGLISH].strip(), titles


def _optional_text(data: dict[str, Any], key: str, path: Path_, where: str, join: bool = True) -> str:
    value = data.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise _Bad((*path, key), where, f"'{key}' must be text")
    return " ".join(value.split()) if join else value.strip()


def _activities(data: dict[str, Any], path: Path_, where: str) -> tuple[Activity, ...]:
    """Each activity is a line of text, or ``{text: ..., level: 2}`` for one expected from a higher level."""
    value = data.get("activities")
    if value is None:
        return ()
    if not isinstance(value, list):
        raise _Bad((*path, "activities"), where, "'activities' must be a list of text")
    result = []
    for index, item in enumerate(value):
        at = (*path, "activities", index)
        if isinstance(item, dict):
            _check_keys(item, ("text", "level"), at, where)
            text, level = item.get("text"), item.get("level", 1)
            if level not in LEVELS or isinstance(level, bool):
                raise _Bad(
                    (*at, "level"), where, f"'level' must be one of {', '.join(map(str, LEVELS))}, not {level!r}"
                )
        else:
            text, level = item, 1
        if not isinstance(text, (str, int, float)) or isinstance(text, bool) or not str(text).strip():
            raise _Bad(at, where, "'activities' must be a list of text (or of {text, level})")
        result.append(Activity(" ".join(str(text).split()), level))
    return tuple(result)


def _text_list(data: dict[str, Any], key: str, path: Path_, where: str) -> tuple[str, ...]:
    value = data.get(key)
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(item, (str, int, float)) for item in value):
        raise _Bad((*path, key), where, f"'{key}' must be a list of text")
    return tuple(" ".join(str(item).split()) for item in value)


def _check_keys(data: dict[str, Any], allowed: tuple[str, ...], path: Path_, where: str) -> None:
    unknown = sorted(str(key) for key in set(data) - set(allowed))
    if unknown:
        raise _Bad(
            (*path, unknown[0]), where,
            f"unknown key(s) {', '.join(unknown)} (allowed: {', '.join(sorted(allowed))})",
        )  # fmt: skip
