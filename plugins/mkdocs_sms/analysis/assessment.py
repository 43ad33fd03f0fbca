"""Gap assessments (ISO/IEC 20000-5): how far the organisation carries out each clause activity, at the
baseline and now. Pure functions over documents and catalogues.

The documents count what exists; an assessment is a person's judgement of how far each activity of the
catalogues is done. Only approved assessments count. The newest one is "now"; the implementation plan's
``baseline`` may name the one the implementation started from.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace

from mkdocs_sms.analysis.progress import group_of
from mkdocs_sms.catalogue import Activity, Catalogue, Clause, resolve_clause
from mkdocs_sms.model.assessment import RESULTS, Judgement
from mkdocs_sms.model.document import Document
from mkdocs_sms.rules import RULES, Finding

ASSESSMENT = "assessment"
NOT_JUDGED = "not judged"


@dataclass(frozen=True)
class Judged:
    """One activity of a catalogue and what an assessment says of it."""

    catalogue: str
    clause: Clause
    number: int
    activity: Activity
    judgement: Judgement

    @property
    def result(self) -> str:
        """The result, or ``not judged``."""
        return self.judgement.result or NOT_JUDGED

    @property
    def ref(self) -> str:
        """How the assessment names it: ``8.6.1/2``."""
        return f"{self.clause.number}/{self.number}"


@dataclass(frozen=True)
class GroupConformity:
    """How a clause group (4 to 10) stands in one assessment."""

    catalogue: str
    group: str
    title: str
    counts: dict[str, int]

    @property
    def assessed(self) -> int:
        """Activities judged conforms, partial or not (n/a and unjudged ones do not count)."""
        return sum(self.counts[result] for result in ("conforms", "partial", "not"))

    @property
    def share(self) -> float | None:
        """Conformity from 0 to 1 (a partial counts half); None when nothing was assessed."""
        if not self.assessed:
            return None
        return (self.counts["conforms"] + 0.5 * self.counts["partial"]) / self.assessed


@dataclass(frozen=True)
class Assessment:
    """An approved assessment: the activities it lists (its scope), judged or not yet."""

    document: Document
    judged: tuple[Judged, ...]

    @property
    def date(self) -> dt.date | None:
        return self.document.evidence_date

    def groups(self, catalogues: Sequence[Catalogue]) -> list[GroupConformity]:
        """Conformity per catalogue and clause group, in catalogue order."""
        result = []
        for catalogue in catalogues:
            titles = {clause.number: clause.title for clause in catalogue.clauses}
            order = list(dict.fromkeys(group_of(clause.number) for clause in catalogue.clauses))
            for group in order:
                counts = dict.fromkeys((*RESULTS, NOT_JUDGED), 0)
                for item in self.judged:
                    if item.catalogue == catalogue.name and group_of(item.clause.number) == group:
                        counts[item.result] += 1
                if any(counts.values()):
                    result.append(GroupConformity(catalogue.name, group, titles.get(group, ""), counts))
        return result

    @property
    def gaps(self) -> tuple[Judged, ...]:
        """The activities judged ``not`` or ``partial``, not done first."""
        return tuple(
            sorted((j for j in self.judged if j.result in ("not", "partial")), key=lambda j: j.result != "not")
        )

    def counts(self) -> dict[str, int]:
        """How many activities have each result, over every catalogue."""
        counts = dict.fromkeys((*RESULTS, NOT_JUDGED), 0)
        for item in self.judged:
            counts[item.result] += 1
        return counts


def activities(catalogues: Sequence[Catalogue]) -> list[tuple[Catalogue, Clause, int, Activity]]:
    """Every activity of the catalogues, in order, with its clause and its number in the clause (from 1)."""
    return [
        (catalogue, clause, number, activity)
        for catalogue in catalogues
        for clause in catalogue.clauses
        for number, activity in enumerate(clause.activities, start=1)
    ]


def assess(document: Document, catalogues: Sequence[Catalogue]) -> Assessment:
    """``document``'s judgements in catalogue order. Its scope is the activities it lists (an empty
    result: listed, not judged yet); unknown ones are left out (they are findings, see :func:`findings`)."""
    by_activity: dict[tuple[str, str, int], Judgement] = {}
    for judgement in document.judgements:
        resolved = resolve_clause(judgement.clause, catalogues)
        if resolved is not None:
            by_activity.setdefault((resolved[0].name, resolved[1], judgement.number), judgement)
    judged = tuple(
        Judged(catalogue.name, clause, number, activity, by_activity[(catalogue.name, clause.number, number)])
        for catalogue, clause, number, activity in activities(catalogues)
        if (catalogue.name, clause.number, number) in by_activity
    )
    return Assessment(document, judged)


# What an audience's view shows instead of the id of a withheld document given as evidence.
WITHHELD = "(a document withheld from this audience)"


def approved_assessments(
    documents: Iterable[Document], catalogues: Sequence[Catalogue], withheld: Collection[str] = ()
) -> list[Assessment]:
    """The approved assessments, oldest first; evidence naming a ``withheld`` document id says only that."""
    found = [d for d in documents if d.type == ASSESSMENT and d.approved and d.status != "retired"]
    found.sort(key=lambda d: (d.evidence_date or dt.date.min, d.id))
    result = [assess(document, catalogues) for document in found]
    if not withheld:
        return result
    return [
        replace(item, judged=tuple(
            replace(j, judgement=replace(j.judgement, evidence=tuple(
                WITHHELD if e in withheld else e for e in j.judgement.evidence
            )))
            for j in item.judged
        ))
        for item in result
    ]  # fmt: skip


def findings(document: Document, catalogues: Sequence[Catalogue]) -> Iterable[Finding]:
    """SMS005 for a judgement of an activity the catalogues do not have; SMS003 for one judged twice."""
    seen: dict[tuple[str, str, int], int] = {}
    for index, judgement in enumerate(document.judgements):
        line = document.line_of("judgements", index)
        resolved = resolve_clause(judgement.clause, catalogues)
        if resolved is None:
            yield RULES["SMS005"].finding(
                f"judgement of '{judgement.activity}': clause '{judgement.clause}' is in no loaded catalogue "
                "(or is ambiguous)",
                path=document.path, line=line, document=document.id,
            )  # fmt: skip
            continue
        catalogue, number = resolved
        clause = next(c for c in catalogue.clauses if c.number == number)
        if judgement.number > len(clause.activities):
            have = f"has {len(clause.activities)} activities" if clause.activities else "has no activities"
            yield RULES["SMS005"].finding(
                f"judgement of '{judgement.activity}': clause {number} of {catalogue.name} {have}",
                path=document.path, line=line, document=document.id,
            )  # fmt: skip
            continue
        key = (catalogue.name, number, judgement.number)
        if key in seen:
            yield RULES["SMS003"].finding(
                f"'judgements' judges activity {judgement.activity} twice (first at line {seen[key]}): "
                "the first counts",
                path=document.path, line=line, document=document.id,
            )  # fmt: skip
        else:
            seen[key] = line
