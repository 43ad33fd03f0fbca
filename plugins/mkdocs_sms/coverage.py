"""Coverage: which catalogue requirements the documents meet, and how well. Pure functions."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from mkdocs_sms.catalogue import Catalogue, Requirement
from mkdocs_sms.findings import RULES, Finding
from mkdocs_sms.model.document import Document

# Row statuses, best first.
COVERED, STALE, DRAFT, MISSING = "covered", "stale", "draft", "missing"
STATUSES = (COVERED, STALE, DRAFT, MISSING)

_FINDING_FOR = {MISSING: "SMS101", DRAFT: "SMS102", STALE: "SMS103"}
_FINDING_TEXT = {
    MISSING: "no document meets this requirement",
    DRAFT: "only documents in draft or review meet this requirement",
    STALE: "every approved document meeting this requirement is past its review date",
}


@dataclass(frozen=True)
class CoverageRow:
    """One requirement and the documents that meet it (retired documents never do)."""

    requirement: Requirement
    status: str
    documents: tuple[Document, ...]


def document_standing(document: Document, today: dt.date) -> str:
    """What one document contributes to a row: covered, stale or draft."""
    if not document.approved:
        return DRAFT
    return STALE if document.overdue(today) else COVERED


def meets(document: Document, requirement: Requirement) -> bool:
    """A document meets a row when it lists the clause and has a type the row accepts."""
    return (
        document.status != "retired" and document.type in requirement.types and requirement.clause in document.clauses
    )


def compute(catalogues: Sequence[Catalogue], documents: Iterable[Document], today: dt.date) -> list[CoverageRow]:
    """Every requirement of every catalogue, in catalogue order, with its status."""
    by_clause: dict[str, list[Document]] = defaultdict(list)
    for document in documents:
        for clause in dict.fromkeys(document.clauses):
            by_clause[clause].append(document)
    rows = []
    for catalogue in catalogues:
        for requirement in catalogue.requirements:
            meeting = tuple(d for d in by_clause.get(requirement.clause, ()) if meets(d, requirement))
            standings = {document_standing(d, today) for d in meeting}
            status = next((s for s in (COVERED, STALE, DRAFT) if s in standings), MISSING)
            rows.append(CoverageRow(requirement, status, meeting))
    return rows


def findings(rows: Iterable[CoverageRow]) -> list[Finding]:
    """SMS101-SMS103 for required rows that are not covered."""
    result = []
    for row in rows:
        code = _FINDING_FOR.get(row.status)
        if code is None or not row.requirement.required:
            continue
        req = row.requirement
        ids = ", ".join(d.id for d in row.documents)
        text = f"{req.catalogue} {req.clause} {req.clause_title} ({req.kind}: {req.name}): " + _FINDING_TEXT[row.status]
        if ids:
            text += f" ({ids})"
        result.append(RULES[code].finding(text))
    return result


def summary(rows: Iterable[CoverageRow]) -> dict[str, int]:
    """How many rows have each status, plus the total."""
    counts = {status: 0 for status in STATUSES}
    total = 0
    for row in rows:
        counts[row.status] += 1
        total += 1
    return {**counts, "total": total}
