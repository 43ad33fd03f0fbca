"""Nonconformities: the records of each catalogue's nonconformity clause, how old the open ones are and
whether they stand in the way of certification. Pure functions over a handbook.

The weighing follows certification practice: a major nonconformity still open blocks the audit; a minor
one blocks unless its corrective action is planned and not past its due date; observations and
opportunities for improvement never block. An open record without a grade counts as major.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mkdocs_sms.catalogue import Catalogue
from mkdocs_sms.model.document import CLOSED_STATES, NONCONFORMITY_GRADES, STATES, Document
from mkdocs_sms.model.vocabulary import GRADES

if TYPE_CHECKING:  # only types flow this way
    from mkdocs_sms.analysis.handbook import Handbook

# Age bands of the ageing chart, in days since the nonconformity was raised: (label, up to and including).
AGE_BANDS: tuple[tuple[str, int | None], ...] = (
    ("up to 30 days", 30),
    ("31 to 90 days", 90),
    ("91 to 180 days", 180),
    ("over 180 days", None),
)


def is_nonconformity(document: Document) -> bool:
    """A record graded as a nonconformity (major or minor), or not graded at all (counted as major)."""
    return document.grade in (*NONCONFORMITY_GRADES, None)


def planned(document: Document, today: dt.date) -> bool:
    """A minor nonconformity whose corrective action is planned and not yet due."""
    return (
        document.grade == "minor"
        and document.state == "action planned"
        and document.due is not None
        and document.due >= today
    )


def blocks(document: Document, today: dt.date) -> bool:
    """An open nonconformity that stands in the way of certification."""
    return document.open and is_nonconformity(document) and not planned(document, today)


def records(catalogue: Catalogue, index: dict[tuple[str, str], list[Document]]) -> list[Document]:
    """The records of the catalogue's nonconformity clause (none when it declares none), oldest first."""
    number = (catalogue.audit or {}).get("nonconformity")
    if number is None:
        return []
    found = (d for d in index.get((catalogue.name, number), []) if d.type == "record" and d.status != "retired")
    return sorted(found, key=lambda d: (d.date or dt.date.min, d.id))


@dataclass(frozen=True)
class Entry:
    """One nonconformity record: its age in days (None without a date) and whether it blocks the audit."""

    document: Document
    catalogue: str
    age: int | None
    blocking: bool
    past_due: bool

    @property
    def band(self) -> int | None:
        """The index of its age band (see :data:`AGE_BANDS`), None without a date."""
        if self.age is None:
            return None
        return next(i for i, (_, limit) in enumerate(AGE_BANDS) if limit is None or self.age <= limit)


@dataclass(frozen=True)
class Register:
    """Every nonconformity record of the handbook's catalogues, open ones oldest first."""

    entries: tuple[Entry, ...]
    # Catalogues whose nonconformity clause is not declared ('audit:'): nothing can be read for them.
    undeclared: tuple[str, ...]
    # In a view for an audience: how many records of the whole SMS it leaves out.
    withheld: int = 0

    @property
    def open(self) -> tuple[Entry, ...]:
        return tuple(e for e in self.entries if e.document.open)

    @property
    def finished(self) -> tuple[Entry, ...]:
        """Closed or verified, newest first."""
        done = [e for e in self.entries if e.document.state in CLOSED_STATES]
        return tuple(sorted(done, key=lambda e: (e.document.date or dt.date.min, e.document.id), reverse=True))

    @property
    def unstated(self) -> tuple[Entry, ...]:
        return tuple(e for e in self.entries if e.document.state is None)

    def counts(self) -> dict[str, int]:
        """How many records are in each state, and how many say none."""
        result = {state: 0 for state in STATES}
        for entry in self.entries:
            if entry.document.state is not None:
                result[entry.document.state] += 1
        return {**result, "no state": len(self.unstated)}

    def ageing(self) -> list[tuple[str, dict[str, int]]]:
        """Open records per age band and grade (``none`` for ungraded), for the ageing chart."""
        bands: list[tuple[str, dict[str, int]]] = [
            (label, {grade: 0 for grade in (*GRADES, "none")}) for label, _ in AGE_BANDS
        ]
        for entry in self.open:
            if entry.band is not None:
                bands[entry.band][1][entry.document.grade or "none"] += 1
        return bands


def register(handbook: Handbook) -> Register:
    """The nonconformity records of ``handbook`` (of this audience's view when it is one)."""
    today = handbook.settings.today
    index = handbook.by_clause
    entries: list[Entry] = []
    seen: set[str] = set()
    for catalogue in handbook.catalogues:
        for document in records(catalogue, index):
            if document.id in seen:
                continue
            seen.add(document.id)
            age = (today - document.date).days if document.date is not None else None
            entries.append(Entry(document, catalogue.name, age, blocks(document, today), document.past_due(today)))
    undeclared = tuple(c.name for c in handbook.catalogues if c.audit is None)
    withheld = len(register(handbook.source).entries) - len(entries) if handbook.source is not None else 0
    return Register(tuple(entries), undeclared, withheld)


def grade_order(entries: Sequence[Entry]) -> list[Entry]:
    """Blocking first, then by grade (major, minor, ungraded, observation, opportunity), oldest first."""
    rank = {grade: i for i, grade in enumerate(("major", "minor", None, "observation", "opportunity"))}
    return sorted(entries, key=lambda e: (not e.blocking, rank[e.document.grade], -(e.age or 0), e.document.id))
