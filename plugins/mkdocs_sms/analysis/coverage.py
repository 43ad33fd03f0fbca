"""Coverage: which catalogue requirements the documents meet, and how well. Pure functions."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from mkdocs_sms.analysis.implementation import Plan
from mkdocs_sms.catalogue import LEVELS, Catalogue, Requirement, resolve_clause, within
from mkdocs_sms.model.document import Document
from mkdocs_sms.rules import RULES, Code, Finding

# Row statuses, best first. A row not due before a later phase of the implementation is deferred.
COVERED, STALE, DRAFT, MISSING, DEFERRED = "covered", "stale", "draft", "missing", "deferred"
STATUSES = (COVERED, STALE, DRAFT, MISSING, DEFERRED)
# A document without a 'level' counts as meeting every maturity level.
TOP_LEVEL = LEVELS[-1]

_FINDING_FOR: dict[str, Code] = {MISSING: "SMS101", DRAFT: "SMS102", STALE: "SMS103"}
_FINDING_TEXT = {
    MISSING: "no document meets this requirement",
    DRAFT: "only documents in draft or review meet this requirement",
}


@dataclass(frozen=True)
class CoverageRow:
    """One requirement and the documents that meet it (retired documents never do).

    ``evidence`` is the newest approved, in-date document meeting the row, ``evidence_date`` its date;
    when the row has a ``max_age`` and that evidence is older, the row is stale with
    ``evidence_stale`` set. ``phase`` is the index of the implementation phase that brings the row
    in, ``late`` the first phase whose target date passed without the row being achieved,
    ``level`` the highest maturity level the approved documents reach (None when none is approved),
    ``late_level`` the level that phase asked of the row (None for a phase of clauses),
    ``deferred_from`` the status a deferred row has against the whole target state, and ``withheld``
    how many of the documents meeting it a published view leaves out (they still count).
    """

    requirement: Requirement
    status: str
    documents: tuple[Document, ...]
    evidence: Document | None = None
    evidence_stale: bool = False
    evidence_date: dt.date | None = None
    phase: int | None = None
    late: int | None = None
    level: int | None = None
    late_level: int | None = None
    deferred_from: str | None = None
    withheld: int = 0

    @property
    def gap_status(self) -> str:
        """The status against the whole target state, as if no phase deferred the row."""
        return self.deferred_from or self.status

    @property
    def evidence_due(self) -> dt.date | None:
        """The date the newest evidence goes out of date (None without max_age or evidence)."""
        max_age = self.requirement.max_age
        if max_age is None or self.evidence_date is None:
            return None
        return max_age.after(self.evidence_date)

    def achieved(self, level: int | None) -> bool:
        """Covered, and at ``level`` or above when a level is asked for."""
        if self.status != COVERED:
            return False
        return level is None or (self.level is not None and self.level >= level)


def document_standing(document: Document, today: dt.date) -> str:
    """What one document contributes to a row: covered, stale or draft."""
    if not document.approved:
        return DRAFT
    return STALE if document.overdue(today) else COVERED


def clause_index(
    catalogues: Sequence[Catalogue], documents: Iterable[Document]
) -> dict[tuple[str, str], list[Document]]:
    """Documents by the (catalogue name, clause number) their ``clauses`` name; unresolvable
    references (SMS005) are left out."""
    index: dict[tuple[str, str], list[Document]] = defaultdict(list)
    for document in documents:
        for ref in dict.fromkeys(document.clauses):
            resolved = resolve_clause(ref, catalogues)
            if resolved is not None:
                index[(resolved[0].name, resolved[1])].append(document)
    return index


def citing(index: dict[tuple[str, str], list[Document]], requirement: Requirement) -> list[Document]:
    """The documents of ``index`` (see :func:`clause_index`) that cite the row's clause or a clause
    beneath it (a policy citing 5.2.1 may meet a row on 5.2), each once."""
    return citing_clause(index, requirement.catalogue, requirement.clause)


def citing_clause(index: dict[tuple[str, str], list[Document]], catalogue: str, clause: str) -> list[Document]:
    """The documents of ``index`` that cite ``clause`` of ``catalogue`` or a clause beneath it, each once."""
    found: dict[int, Document] = {}
    for (name, number), documents in index.items():
        if name == catalogue and within(number, clause):
            found.update((id(document), document) for document in documents)
    return list(found.values())


def meets(document: Document, requirement: Requirement) -> bool:
    """A document meets a row when it cites the row's clause or one beneath it (see :func:`citing`), is
    not retired, and has a type the row accepts."""
    return document.status != "retired" and document.type in requirement.types


@dataclass(frozen=True)
class Uncounted:
    """A clause a document cites that counts for nothing: the rows it could meet there (on the clause
    or above it) accept none of the document's type. ``index`` is the clause's place in ``clauses``."""

    index: int
    clause: str
    type: str
    accepted: tuple[str, ...]


@lru_cache(maxsize=4096)
def _rows_above(catalogue: Catalogue, number: str) -> tuple[Requirement, ...]:
    """The rows a citation of ``number`` can meet: those on it or on a clause it is beneath."""
    return tuple(r for r in catalogue.requirements if within(number, r.clause))


def uncounted(document: Document, catalogues: Sequence[Catalogue]) -> list[Uncounted]:
    """The clauses of ``document`` that count for nothing because of its type (SMS107): the clause has
    rows of its own, and none of the rows the document could meet there (those and the rows above the
    clause) accepts its type. A clause without rows of its own (a heading such as 5, or a clause the
    catalogue asks no documented information for) is cited for reference and is not listed."""
    if document.type is None or document.status == "retired":
        return []
    result = []
    for index, ref in enumerate(document.clauses):
        resolved = resolve_clause(ref, catalogues)
        if resolved is None:
            continue  # SMS005
        rows = _rows_above(*resolved)
        own = any(row.clause == resolved[1] for row in rows)
        if own and not any(document.type in row.types for row in rows):
            accepted = tuple(dict.fromkeys(t for row in rows for t in row.types))
            result.append(Uncounted(index, ref, document.type, accepted))
    return result


def compute(
    catalogues: Sequence[Catalogue], documents: Iterable[Document], today: dt.date, plan: Plan | None = None
) -> list[CoverageRow]:
    """Every requirement of every catalogue, in catalogue order, with its status."""
    documents = tuple(documents)
    order = {id(document): position for position, document in enumerate(documents)}
    by_clause = clause_index(catalogues, documents)
    current = plan.current(today) if plan else None
    rows = []
    for catalogue in catalogues:
        for requirement in catalogue.requirements:
            named = sorted(citing(by_clause, requirement), key=lambda d: order[id(d)])
            meeting = tuple(d for d in named if meets(d, requirement))
            standings = {d.id: document_standing(d, today) for d in meeting}
            status = next((s for s in (COVERED, STALE, DRAFT) if s in standings.values()), MISSING)
            in_date = [d for d in meeting if standings[d.id] == COVERED]
            evidence = max(in_date, key=lambda d: d.evidence_date or dt.date.min, default=None)
            row = CoverageRow(
                requirement,
                status,
                meeting,
                evidence,
                evidence_date=evidence.evidence_date if evidence else None,
                level=max((d.level or TOP_LEVEL for d in in_date), default=None),
            )
            if row.evidence_due is not None and row.evidence_due < today:
                row = replace(row, status=STALE, evidence_stale=True)
            if plan is not None and plan.phases:
                row = _place(row, plan, catalogues, current, today)
            rows.append(row)
    return rows


def _place(
    row: CoverageRow, plan: Plan, catalogues: Sequence[Catalogue], current: int | None, today: dt.date
) -> CoverageRow:
    """Put a row into the implementation plan: its phase, deferred when that phase is still ahead,
    late when a phase whose target date has passed needed it and did not achieve it."""
    due = plan.due_phase(row.requirement, catalogues)
    late = next(
        (
            index
            for index, phase in enumerate(plan.phases)
            if phase.target < today
            and plan.in_scope(index, row.requirement, catalogues)
            and not row.achieved(phase.level_for(row.requirement, catalogues))
        ),
        None,
    )
    late_level = plan.phases[late].level_for(row.requirement, catalogues) if late is not None else None
    if current is not None and due is not None and due > current and row.status != COVERED:
        return replace(row, status=DEFERRED, phase=due, late=late, late_level=late_level, deferred_from=row.status)
    return replace(row, phase=due, late=late, late_level=late_level)


def findings(rows: Iterable[CoverageRow], plan: Plan | None = None) -> list[Finding]:
    """SMS101-SMS105 for required rows that are not covered, stale or late (deferred rows are not due)."""
    result = []
    for row in rows:
        req = row.requirement
        if not req.required or row.status == DEFERRED:
            continue
        ids = ", ".join(d.id for d in row.documents)
        where = f"{req.catalogue} {req.clause} {req.clause_title} ({req.kind}: {req.name}): "
        if row.late is not None and plan is not None:
            phase = plan.phases[row.late]
            needed = f" at {plan.level_name(row.late_level)}" if row.late_level is not None else ""
            text = (
                f"phase '{phase.name}' was due on {phase.target.isoformat()} and needed this requirement{needed}; "
                f"it is {row.status}"
            )
            if row.status == COVERED and row.late_level is not None:
                text += f" only at {plan.level_name(row.level or 1)}"
            result.append(RULES["SMS105"].finding(where + text + (f" ({ids})" if ids else "")))
        elif row.evidence_stale and (row.evidence is None or row.evidence_date is None):
            # A view for an audience may withhold the evidence itself: then the finding names neither it
            # nor its date.
            text = f"the newest evidence (withheld from this audience) is older than {req.max_age}"
            result.append(RULES["SMS104"].finding(where + text))
        elif row.evidence_stale:
            assert row.evidence is not None and row.evidence_date is not None
            assert row.evidence_due is not None and req.max_age is not None
            result.append(
                RULES["SMS104"].finding(
                    where + f"the newest evidence, {row.evidence.id} of {row.evidence_date.isoformat()}, "
                    f"is older than {req.max_age} (out of date since {row.evidence_due.isoformat()})"
                )
            )
        elif row.status == STALE:
            # Say what the row holds: the approved documents are out of date, any others are drafts.
            approved = ", ".join(d.id for d in row.documents if d.approved) or "withheld from this audience"
            drafts = ", ".join(d.id for d in row.documents if not d.approved)
            text = f"every approved document meeting this requirement is past its review date ({approved})"
            if drafts:
                text += f"; the others are in draft or review ({drafts})"
            result.append(RULES["SMS103"].finding(where + text))
        elif row.status in _FINDING_FOR:
            result.append(
                RULES[_FINDING_FOR[row.status]].finding(
                    where + _FINDING_TEXT[row.status] + (f" ({ids})" if ids else "")
                )
            )
    return result


def summary(rows: Iterable[CoverageRow]) -> dict[str, int]:
    """How many rows have each status, plus the total."""
    counts = {status: 0 for status in STATUSES}
    total = 0
    for row in rows:
        counts[row.status] += 1
        total += 1
    return {**counts, "total": total}
