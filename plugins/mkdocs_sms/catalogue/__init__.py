"""Requirement catalogues: which documented information a standard asks for, clause by clause.

A catalogue is a YAML file (format in the README). ``iso20000-1:2018`` ships inside the package;
users add their own files by path. A malformed catalogue stops with :class:`CatalogueError`, whose
message names the file and the problem.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from mkdocs_sms.model.dates import Interval

try:
    from yaml import CSafeLoader as SafeLoader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader  # type: ignore[assignment]

BUILTIN = {"iso20000-1:2018": "iso20000-1-2018.yml"}
KINDS = ("document", "record")
_CATALOGUE_KEYS = {"catalogue", "title", "description", "source", "clauses", "audit"}
_CLAUSE_KEYS = {"clause", "title", "requirements", "activities", "explanation", "references", "interfaces"}
_REQUIREMENT_KEYS = {"kind", "types", "name", "requirement", "guidance", "required", "max_age", "level", "basis"}
# Why a row exists: the clause itself asks for documented information (explicit), it is expected through
# the control of documented information, 7.5.4 (derived), or it is good practice (recommended).
BASES = ("explicit", "derived", "recommended")
# Maturity levels of ISO/IEC 20000-5's second approach: the SMS is raised through three of them.
LEVELS = (1, 2, 3)
# The clauses whose records an audit-readiness check reads. These numbers are the harmonized structure
# every ISO management system standard shares (internal audit 9.2, management review 9.3, nonconformity
# 10.1); a catalogue whose numbering differs says so under 'audit:'.
AUDIT_CLAUSES = {"internal_audit": "9.2", "management_review": "9.3", "nonconformity": "10.1"}
_CLAUSE_NUMBER = re.compile(r"^[A-Za-z0-9]+([.-][A-Za-z0-9]+)*$")


class CatalogueError(Exception):
    """A catalogue file that cannot be used."""


@dataclass(frozen=True)
class Clause:
    """A clause of a catalogue, with or without documented-information requirements, and the guidance
    on applying it (in the manner of ISO/IEC 20000-2): what the organisation does to meet it
    (``activities``), why it exists and what an auditor looks for (``explanation``), related standards
    (``references``) and the clauses it exchanges inputs and outputs with (``interfaces``)."""

    number: str
    title: str
    activities: tuple[str, ...] = ()
    explanation: str = ""
    references: tuple[str, ...] = ()
    interfaces: tuple[str, ...] = ()


@dataclass(frozen=True)
class Requirement:
    """One row of a catalogue: a clause asks for one piece of documented information."""

    catalogue: str
    clause: str
    clause_title: str
    key: str
    kind: str
    types: tuple[str, ...]
    name: str
    requirement: str = ""
    guidance: str = ""
    required: bool = True
    max_age: Interval | None = None
    level: int = 1
    basis: str = "explicit"


@dataclass(frozen=True, eq=False)
class Catalogue:
    """A loaded catalogue."""

    name: str
    title: str
    description: str
    source: str
    clauses: tuple[Clause, ...]
    requirements: tuple[Requirement, ...]
    origin: str
    audit: Mapping[str, str] = field(default_factory=lambda: dict(AUDIT_CLAUSES))

    @cached_property
    def numbers(self) -> frozenset[str]:
        """The clause numbers of this catalogue."""
        return frozenset(clause.number for clause in self.clauses)

    def has_clause(self, number: str) -> bool:
        """Whether ``number`` is a clause of this catalogue."""
        return number in self.numbers


def split_ref(ref: str) -> tuple[str | None, str]:
    """``'isms:5.2'`` -> ``('isms', '5.2')``; ``'5.2'`` -> ``(None, '5.2')``.

    Clause numbers never contain a colon, so the last one separates a catalogue name (which may hold
    colons itself, as in ``iso20000-1:2018:8.2``) from the number.
    """
    name, colon, number = ref.rpartition(":")
    return (name if colon else None), number


def within(number: str, parent: str) -> bool:
    """Whether clause ``number`` is ``parent`` or a clause beneath it: ``5.2.1`` is within ``5.2``, and
    ``5.21`` is not. A phase naming a clause brings in the rows beneath it; a row is met by documents
    citing its clause or a clause beneath it."""
    return number == parent or number.startswith(parent + ".")


def resolve_clause(ref: str, catalogues: Sequence[Catalogue]) -> tuple[Catalogue, str] | None:
    """The catalogue and clause number a document's clause reference names, or None.

    An unqualified number belongs to the first catalogue; ``name:number`` to the catalogue ``name``.
    """
    name, number = split_ref(ref)
    if name is None:
        catalogue = catalogues[0] if catalogues else None
    else:
        catalogue = next((c for c in catalogues if c.name == name), None)
    if catalogue is None or not catalogue.has_clause(number):
        return None
    return catalogue, number


def clause_ref(catalogue: Catalogue, number: str, catalogues: Sequence[Catalogue]) -> str:
    """How a document names ``number`` of ``catalogue``: qualified unless it is the first catalogue."""
    return number if catalogues and catalogues[0] is catalogue else f"{catalogue.name}:{number}"


def load_catalogues(refs: Sequence[str], base_dir: Path, types: Iterable[str]) -> list[Catalogue]:
    """Load every catalogue named in the configuration, in order."""
    catalogues: list[Catalogue] = []
    for ref in refs:
        catalogue = load_catalogue(ref, base_dir, tuple(types))
        if any(other.name == catalogue.name for other in catalogues):
            raise CatalogueError(f"{catalogue.origin}: catalogue name '{catalogue.name}' is loaded twice")
        catalogues.append(catalogue)
    return catalogues


def load_catalogue(ref: str, base_dir: Path, types: tuple[str, ...]) -> Catalogue:
    """Load a built-in catalogue by name or a catalogue file by path (relative to ``base_dir``)."""
    if ref in BUILTIN:
        origin = f"built-in catalogue {ref}"
        text = (resources.files(__package__) / "catalogues" / BUILTIN[ref]).read_text("utf-8")
    else:
        path = base_dir / ref
        origin = str(path)
        if not path.is_file():
            builtins = ", ".join(BUILTIN)
            raise CatalogueError(f"{origin}: no such catalogue file (built-in catalogues: {builtins})")
        try:
            text = path.read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CatalogueError(f"{origin}: cannot be read: {exc}") from None
    return _parse(text, origin, types)


@lru_cache(maxsize=16)
def _parse(text: str, origin: str, types: tuple[str, ...]) -> Catalogue:
    """The catalogue in ``text``. The same text gives the same (immutable) object, so that a
    ``mkdocs serve`` rebuild after an edit elsewhere sees the catalogue it saw before."""
    try:
        data = yaml.load(text, Loader=SafeLoader)
    except yaml.YAMLError as exc:
        raise CatalogueError(f"{origin}: not valid YAML: {exc}") from None
    return _build(data, origin, types)


def _build(data: Any, origin: str, types: tuple[str, ...]) -> Catalogue:
    def fail(where: str, problem: str) -> CatalogueError:
        return CatalogueError(f"{origin}: {where}: {problem}")

    if not isinstance(data, dict):
        raise fail("top level", "must be a mapping with 'catalogue', 'title' and 'clauses'")
    _check_keys(data, _CATALOGUE_KEYS, "top level", fail)
    name = _text(data, "catalogue", "top level", fail)
    title = _text(data, "title", "top level", fail)
    raw_clauses = data.get("clauses")
    if not isinstance(raw_clauses, list) or not raw_clauses:
        raise fail("top level", "'clauses' must be a non-empty list")
    clauses: list[Clause] = []
    requirements: list[Requirement] = []
    for index, raw in enumerate(raw_clauses):
        where = f"clauses[{index}]"
        if not isinstance(raw, dict):
            raise fail(where, "must be a mapping with 'clause' and 'title'")
        _check_keys(raw, _CLAUSE_KEYS, where, fail)
        number = raw.get("clause")
        if isinstance(number, (int, float)) and not isinstance(number, bool):
            number = str(number)
        if not isinstance(number, str) or not _CLAUSE_NUMBER.match(number):
            raise fail(where, f"'clause' must be a clause number such as \"8.5.1\", not {number!r}")
        where = f"clauses[{index}] ({number})"
        if any(clause.number == number for clause in clauses):
            raise fail(where, f"clause {number} is listed twice")
        clause = Clause(
            number,
            _text(raw, "title", where, fail),
            activities=_text_list(raw, "activities", where, fail),
            explanation=_optional_text(raw, "explanation", where, fail),
            references=_text_list(raw, "references", where, fail),
            interfaces=_text_list(raw, "interfaces", where, fail),
        )
        clauses.append(clause)
        rows = raw.get("requirements", [])
        if not isinstance(rows, list):
            raise fail(where, "'requirements' must be a list")
        for row_index, row in enumerate(rows):
            requirements.append(
                _requirement(row, name, clause, row_index, f"{where} requirements[{row_index}]", types, fail)
            )
    return Catalogue(
        name=name,
        title=title,
        description=str(data.get("description") or ""),
        source=str(data.get("source") or ""),
        clauses=tuple(clauses),
        requirements=tuple(requirements),
        origin=origin,
        audit=_audit_clauses(data.get("audit"), fail),
    )


def _audit_clauses(value: Any, fail: Any) -> dict[str, str]:
    if value is None:
        return dict(AUDIT_CLAUSES)
    if not isinstance(value, dict):
        raise fail("audit", f"must map {', '.join(AUDIT_CLAUSES)} to clause numbers")
    _check_keys(value, set(AUDIT_CLAUSES), "audit", fail)
    result = dict(AUDIT_CLAUSES)
    for key, number in value.items():
        if isinstance(number, (int, float)) and not isinstance(number, bool):
            number = str(number)
        if not isinstance(number, str) or not _CLAUSE_NUMBER.match(number):
            raise fail("audit", f"'{key}' must be a clause number such as \"9.2\", not {number!r}")
        result[key] = number
    return result


def _requirement(
    row: Any, catalogue: str, clause: Clause, index: int, where: str, types: tuple[str, ...], fail: Any
) -> Requirement:
    if not isinstance(row, dict):
        raise fail(where, "must be a mapping with 'kind', 'types' and 'name'")
    _check_keys(row, _REQUIREMENT_KEYS, where, fail)
    kind = row.get("kind")
    if kind not in KINDS:
        raise fail(where, f"'kind' must be one of {', '.join(KINDS)}, not {kind!r}")
    row_types = row.get("types")
    if not isinstance(row_types, list) or not row_types:
        raise fail(where, "'types' must be a non-empty list of document types")
    for item in row_types:
        if item not in types:
            raise fail(where, f"type {item!r} is not a configured document type ({', '.join(types)})")
    basis = row.get("basis", "explicit")
    if basis not in BASES:
        raise fail(where, f"'basis' must be one of {', '.join(BASES)}, not {basis!r}")
    required = row.get("required", basis != "recommended")
    if not isinstance(required, bool):
        raise fail(where, "'required' must be true or false")
    optional = {key: row.get(key) for key in ("requirement", "guidance")}
    for key, value in optional.items():
        if value is not None and not isinstance(value, str):
            raise fail(where, f"'{key}' must be text")
    max_age = row.get("max_age")
    if max_age is not None:
        if kind != "record":
            raise fail(where, "'max_age' applies to rows of kind record (evidence), not to documents")
        try:
            max_age = Interval.parse(str(max_age))
        except ValueError as exc:
            raise fail(where, f"'max_age': {exc}") from None
    level = row.get("level", 1)
    if level not in LEVELS or isinstance(level, bool):
        raise fail(where, f"'level' must be one of {', '.join(map(str, LEVELS))}, not {level!r}")
    return Requirement(
        catalogue=catalogue,
        clause=clause.number,
        clause_title=clause.title,
        key=f"{clause.number}-{index + 1}",
        kind=kind,
        types=tuple(row_types),
        name=_text(row, "name", where, fail),
        requirement=(optional["requirement"] or "").strip(),
        guidance=(optional["guidance"] or "").strip(),
        required=required,
        max_age=max_age,
        level=level,
        basis=basis,
    )


def _text(data: dict[str, Any], key: str, where: str, fail: Any) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise fail(where, f"'{key}' must be non-empty text")
    return value.strip()


def _optional_text(data: dict[str, Any], key: str, where: str, fail: Any) -> str:
    value = data.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise fail(where, f"'{key}' must be text")
    return " ".join(value.split())


def _text_list(data: dict[str, Any], key: str, where: str, fail: Any) -> tuple[str, ...]:
    value = data.get(key)
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(item, (str, int, float)) for item in value):
        raise fail(where, f"'{key}' must be a list of text")
    return tuple(" ".join(str(item).split()) for item in value)


def _check_keys(data: dict[str, Any], allowed: set[str], where: str, fail: Any) -> None:
    unknown = sorted(str(key) for key in set(data) - allowed)
    if unknown:
        raise fail(where, f"unknown key(s) {', '.join(unknown)} (allowed: {', '.join(sorted(allowed))})")
