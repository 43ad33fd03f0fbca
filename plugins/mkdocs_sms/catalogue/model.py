"""What a catalogue is once read: its clauses, their guidance and its requirement rows, and how a
document's clause reference names one of its clauses. Pure values; reading files is in
:mod:`mkdocs_sms.catalogue.parse`."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache

from mkdocs_sms.model.dates import Interval

KINDS = ("document", "record")
# The keys of a catalogue file, at the top level, in a clause and in a requirement row.
CATALOGUE_KEYS = ("catalogue", "title", "description", "source", "audit", "clauses")
CLAUSE_KEYS = ("clause", "title", "activities", "explanation", "references", "interfaces", "requirements")
REQUIREMENT_KEYS = ("kind", "types", "name", "requirement", "guidance", "basis", "required", "max_age", "level")
# Why a row exists: the clause itself asks for documented information (explicit), it is expected through
# the control of documented information, 7.5.4 (derived), or it is good practice (recommended).
BASES = ("explicit", "derived", "recommended")
# Maturity levels of ISO/IEC 20000-5's second approach: the SMS is raised through three of them.
LEVELS = (1, 2, 3)
# The clauses whose records an audit-readiness check reads, declared by each catalogue under 'audit:'.
# Standards differ: ISO/IEC 20000-1:2018 keeps nonconformity at 10.1, ISO/IEC 27001:2022 (and today's
# harmonized structure) at 10.2. A catalogue that declares none cannot have its audits assessed.
AUDIT_KEYS = ("internal_audit", "management_review", "nonconformity")
# Further clauses of 'audit:' for the preparation of the audit (ISO/IEC 20000-5): the operation clause whose
# processes must show recent records, and the clauses of the first documents a certification body asks
# for (the stage 1 pack). The management review's expected inputs are 'review_inputs', keys to labels.
OPERATION_KEY = "operation"
PACK_KEYS = ("scope", "policy", "plan", "service_catalogue")
REVIEW_INPUTS_KEY = "review_inputs"
AUDIT_BLOCK_KEYS = (*AUDIT_KEYS, OPERATION_KEY, *PACK_KEYS, REVIEW_INPUTS_KEY)
REVIEW_INPUT_KEY = re.compile(r"^[a-z][a-z0-9_]*$")
CLAUSE_NUMBER = re.compile(r"^[A-Za-z0-9]+([.-][A-Za-z0-9]+)*$")
# A title (of a catalogue or a clause) or a row's name may be written per language, ``{en: ..., de: ...}``:
# English is what findings, sms.json and the command line show; pages show the build's language. These
# are the other languages' texts, as (language, text) pairs.
Titles = tuple[tuple[str, str], ...]


def in_language(text: str, titles: Titles, language: str) -> str:
    """``text`` as a page in ``language`` shows it: the catalogue's own text in that language when it
    gives one, else ``text`` (the English, or the only text written)."""
    return next((title for code, title in titles if code == language), text)


class CatalogueError(Exception):
    """A catalogue file that cannot be used."""


@dataclass(frozen=True)
class Activity:
    """One thing the organisation does to meet a clause, and the maturity level (1 foundation, 2
    managed, 3 full conformity) from which it is expected. Shown as its text."""

    text: str
    level: int = 1

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Clause:
    """A clause of a catalogue, with or without documented-information requirements, and the guidance
    on applying it (in the manner of ISO/IEC 20000-2): what the organisation does to meet it
    (``activities``), why it exists and what an auditor looks for (``explanation``), related standards
    (``references``) and the clauses it exchanges inputs and outputs with (``interfaces``)."""

    number: str
    title: str
    activities: tuple[Activity, ...] = ()
    explanation: str = ""
    references: tuple[str, ...] = ()
    interfaces: tuple[str, ...] = ()
    titles: Titles = ()

    def title_in(self, language: str) -> str:
        """The clause's title in ``language`` (see :func:`in_language`)."""
        return in_language(self.title, self.titles, language)


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
    names: Titles = ()
    clause_titles: Titles = ()

    def name_in(self, language: str) -> str:
        """The row's name in ``language`` (see :func:`in_language`)."""
        return in_language(self.name, self.names, language)

    def clause_title_in(self, language: str) -> str:
        """The title of the row's clause in ``language``."""
        return in_language(self.clause_title, self.clause_titles, language)


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
    # The clause of each audit key (AUDIT_KEYS, OPERATION_KEY, PACK_KEYS) that this catalogue has; None when
    # the catalogue does not say (its audits cannot be assessed), {} when it declares it has none of them.
    audit: Mapping[str, str] | None = None
    # The inputs a management review is expected to cover, as (key, short label), from 'audit: review_inputs'.
    review_inputs: tuple[tuple[str, str], ...] = ()
    # Unqualified clause numbers name this catalogue (the configuration's 'default_catalogue').
    default: bool = False
    titles: Titles = ()

    def title_in(self, language: str) -> str:
        """The catalogue's title in ``language`` (see :func:`in_language`)."""
        return in_language(self.title, self.titles, language)

    @cached_property
    def numbers(self) -> frozenset[str]:
        """The clause numbers of this catalogue."""
        return frozenset(clause.number for clause in self.clauses)

    def has_clause(self, number: str) -> bool:
        """Whether ``number`` is a clause of this catalogue."""
        return number in self.numbers

    @cached_property
    def leaves(self) -> tuple[str, ...]:
        """The clauses with no clause beneath them, in catalogue order: what an audit programme covers."""
        numbers = [clause.number for clause in self.clauses]
        return tuple(n for n in numbers if not any(other != n and within(other, n) for other in numbers))


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
    # An analysis asks this several times for every clause each document cites; catalogues compare by
    # identity, so the answers are kept per set of loaded catalogues.
    return _resolve_clause(ref, tuple(catalogues))


@lru_cache(maxsize=8192)
def _resolve_clause(ref: str, catalogues: tuple[Catalogue, ...]) -> tuple[Catalogue, str] | None:
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
