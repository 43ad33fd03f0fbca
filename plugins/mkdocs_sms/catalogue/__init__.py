"""Requirement catalogues: which documented information a standard asks for, clause by clause.

A catalogue is a YAML file (format in the README). ``iso20000-1:2018`` ships inside the package;
users add their own files by path. A malformed catalogue stops with :class:`CatalogueError`, whose
message names the file and the problem.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
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
# The clauses whose records an audit-readiness check reads, declared by each catalogue under 'audit:'.
# Standards differ: ISO/IEC 20000-1:2018 keeps nonconformity at 10.1, ISO/IEC 27001:2022 (and today's
# harmonized structure) at 10.2. A catalogue that declares none cannot have its audits assessed.
AUDIT_KEYS = ("internal_audit", "management_review", "nonconformity")
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
    # The clause of each audit key (see AUDIT_KEYS) that this catalogue has; None when the catalogue
    # does not say (its audits cannot be assessed), {} when it declares it has none of them.
    audit: Mapping[str, str] | None = None
    # Unqualified clause numbers name this catalogue (the configuration's 'default_catalogue').
    default: bool = False

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

    ``name:number`` names the catalogue ``name``. An unqualified number names the default catalogue
    (``default_catalogue``, or the only one loaded); without a default, the one catalogue that has the
    clause. When several have it and none is the default, the reference is ambiguous (see
    :func:`ambiguous`) and names nothing: the order of ``catalogues:`` never decides.
    """
    name, number = split_ref(ref)
    if name is not None:
        catalogue = next((c for c in catalogues if c.name == name), None)
    else:
        catalogue = _default(catalogues)
        if catalogue is None:
            holders = [c for c in catalogues if c.has_clause(number)]
            catalogue = holders[0] if len(holders) == 1 else None
    if catalogue is None or not catalogue.has_clause(number):
        return None
    return catalogue, number


def _default(catalogues: Sequence[Catalogue]) -> Catalogue | None:
    if len(catalogues) == 1:
        return catalogues[0]
    return next((c for c in catalogues if c.default), None)


def ambiguous(ref: str, catalogues: Sequence[Catalogue]) -> list[Catalogue]:
    """The catalogues an unqualified ``ref`` could name when it names none of them for that reason
    (several have the clause and no default is configured); empty otherwise."""
    name, number = split_ref(ref)
    if name is not None or _default(catalogues) is not None:
        return []
    holders = [c for c in catalogues if c.has_clause(number)]
    return holders if len(holders) > 1 else []


def unresolved(ref: str, catalogues: Sequence[Catalogue]) -> str:
    """Why ``ref`` names no clause (see :func:`resolve_clause`), with the qualified form to write
    when one or several other catalogues have the number."""
    name, number = split_ref(ref)
    names = ", ".join(catalogue.name for catalogue in catalogues)
    if name is not None and not any(c.name == name for c in catalogues):
        return f"clause '{ref}' names catalogue '{name}', which is not loaded ({names})"
    if name is not None:
        return f"clause '{number}' is not in catalogue {name}"
    holders = ambiguous(ref, catalogues)
    if holders:
        forms = " or ".join(f"'{c.name}:{number}'" for c in holders)
        return (
            f"clause '{ref}' is ambiguous: {', '.join(c.name for c in holders)} all have it; write {forms} "
            "(or set 'default_catalogue' for unqualified numbers)"
        )
    default = _default(catalogues)
    elsewhere = [c.name for c in catalogues if c is not default and c.has_clause(number)]
    if default is None:
        return f"clause '{ref}' is in no loaded catalogue ({names})"
    text = f"clause '{ref}' is not in {default.name}"
    if elsewhere:
        text += f" (unqualified clauses refer to the default catalogue); write it as '{elsewhere[0]}:{number}'"
    elif len(catalogues) > 1:
        text += f", nor in any loaded catalogue ({names})"
    return text


def clause_ref(catalogue: Catalogue, number: str, catalogues: Sequence[Catalogue]) -> str:
    """How a document names ``number`` of ``catalogue``: unqualified when that is unambiguous (see
    :func:`resolve_clause`), else ``name:number``."""
    resolved = resolve_clause(number, catalogues)
    return number if resolved == (catalogue, number) else f"{catalogue.name}:{number}"


def accepted_refs(catalogues: Sequence[Catalogue]) -> list[str]:
    """Every clause reference a document may write, qualified and (where it resolves) unqualified: the
    list the editor schema offers, made with :func:`resolve_clause` like the check."""
    pairs = [(catalogue, clause.number) for catalogue in catalogues for clause in catalogue.clauses]
    unqualified = [number for catalogue, number in pairs if resolve_clause(number, catalogues) == (catalogue, number)]
    return list(dict.fromkeys([*unqualified, *(f"{catalogue.name}:{number}" for catalogue, number in pairs)]))


def load_catalogues(
    refs: Sequence[str], base_dir: Path, types: Iterable[str], default: str | None = None
) -> list[Catalogue]:
    """Load every catalogue named in the configuration, in order; ``default`` names the catalogue that
    unqualified clause numbers refer to."""
    catalogues: list[Catalogue] = []
    for ref in refs:
        catalogue = load_catalogue(ref, base_dir, tuple(types))
        if any(other.name == catalogue.name for other in catalogues):
            raise CatalogueError(f"{catalogue.origin}: catalogue name '{catalogue.name}' is loaded twice")
        catalogues.append(catalogue)
    if default is not None:
        names = [catalogue.name for catalogue in catalogues]
        if default not in names:
            raise CatalogueError(
                f"option 'default_catalogue': '{default}' is not a loaded catalogue (loaded: {', '.join(names)})"
            )
        catalogues = [replace(c, default=True) if c.name == default else c for c in catalogues]
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
    audit = _audit_clauses(data.get("audit"), fail)
    numbers = {clause.number for clause in clauses}
    for key, number in (audit or {}).items():
        if number not in numbers:
            raise fail("audit", f"'{key}' names clause {number}, which is not a clause of this catalogue")
    return Catalogue(
        name=name,
        title=title,
        description=str(data.get("description") or ""),
        source=str(data.get("source") or ""),
        clauses=tuple(clauses),
        requirements=tuple(requirements),
        origin=origin,
        audit=audit,
    )


def _audit_clauses(value: Any, fail: Any) -> dict[str, str] | None:
    """The declared audit clauses: None without 'audit:', {} for ``audit: {}`` (the catalogue has none)."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise fail("audit", f"must map {', '.join(AUDIT_KEYS)} to clause numbers (or be {{}} when it has none)")
    _check_keys(value, set(AUDIT_KEYS), "audit", fail)
    result: dict[str, str] = {}
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
