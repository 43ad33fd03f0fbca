"""Gap assessments (ISO/IEC 20000-5): how far the organisation carries out each clause activity, at the
baseline and now. Pure functions over documents and catalogues.

The documents count what exists; an assessment is a person's judgement of how far each activity of the
catalogues is done. Only approved assessments count. The newest one is "now"; the implementation plan's
``baseline`` may name the one the implementation started from.
"""

from __future__ import annotations

import datetime as dt
import posixpath
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from mkdocs_sms.analysis.progress import group_of
from mkdocs_sms.catalogue import Activity, Catalogue, Clause, resolve_clause
from mkdocs_sms.model import frontmatter
from mkdocs_sms.model.assessment import RESULTS, Judgement
from mkdocs_sms.model.document import Document
from mkdocs_sms.model.schema import ItemErrors, read_judgements
from mkdocs_sms.rules import RULES, Finding

ASSESSMENT = "assessment"
NOT_JUDGED = "not judged"
# The one key a judgements file holds: the list the front-matter's ``judgements`` would hold.
FILE_KEY = "judgements"


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
        path, line = document.judgement_place(index)
        resolved = resolve_clause(judgement.clause, catalogues)
        if resolved is None:
            yield RULES["SMS005"].finding(
                f"judgement of '{judgement.activity}': clause '{judgement.clause}' is in no loaded catalogue "
                "(or is ambiguous)",
                path=path, line=line, document=document.id,
            )  # fmt: skip
            continue
        catalogue, number = resolved
        clause = next(c for c in catalogue.clauses if c.number == number)
        if judgement.number > len(clause.activities):
            have = f"has {len(clause.activities)} activities" if clause.activities else "has no activities"
            yield RULES["SMS005"].finding(
                f"judgement of '{judgement.activity}': clause {number} of {catalogue.name} {have}",
                path=path, line=line, document=document.id,
            )  # fmt: skip
            continue
        key = (catalogue.name, number, judgement.number)
        if key in seen:
            yield RULES["SMS003"].finding(
                f"'judgements' judges activity {judgement.activity} twice (first at line {seen[key]}): "
                "the first counts",
                path=path, line=line, document=document.id,
            )  # fmt: skip
        else:
            seen[key] = line


def file_path(document: Document) -> str | None:
    """The path in docs_dir of the judgements file ``document`` names (relative to its page, or from
    docs_dir with a leading ``/``); None when it names none or the path leads outside docs_dir."""
    if document.judgements_file is None:
        return None
    name = document.judgements_file
    joined = name.lstrip("/") if name.startswith("/") else posixpath.join(posixpath.dirname(document.path), name)
    path = posixpath.normpath(joined)
    return None if path == ".." or path.startswith("../") else path


def read_file(document: Document, data: Mapping[str, bytes]) -> tuple[Document, list[Finding]]:
    """``document`` with the judgements of the file it names (from ``data``, the YAML files of the
    snapshot by path), and what is wrong with the file: SMS003 on the page when it names no file of
    docs_dir, SMS001 for a file that is not YAML, SMS003 on the file's lines for wrong items."""
    where = {"document": document.id}
    line = document.line_of("judgements")
    path = file_path(document)
    raw = data.get(path) if path is not None else None
    if path is None or raw is None:
        missing = "leads outside docs_dir" if path is None else "is no readable file of docs_dir"
        finding = RULES["SMS003"].finding(
            f"'judgements' names the file '{document.judgements_file}', which {missing}: no activity is judged",
            path=document.path, line=line, **where,
        )  # fmt: skip
        return document, [finding]
    read = replace(document, judgements_path=path)
    try:
        parsed = frontmatter.parse_mapping(frontmatter.decode(raw))
    except frontmatter.UnreadableText as exc:
        return read, [RULES["SMS009"].finding(f"cannot be read: {exc.reason}", path=path, line=exc.line, **where)]
    if parsed.error is not None:
        text = f"the judgements file of {document.id} {parsed.error}"
        return read, [RULES["SMS001"].finding(text, path=path, line=parsed.error_line or 1, **where)]
    found = []
    for key in parsed.data:
        if key != FILE_KEY:
            text = f"key '{key}' is not read: a judgements file holds only '{FILE_KEY}', the list of judgements"
            found.append(RULES["SMS003"].finding(text, path=path, line=parsed.lines[key], **where))
    items = parsed.data.get(FILE_KEY)
    if not isinstance(items, list):
        text = f"'{FILE_KEY}' must be the list of judgements, e.g. - {{activity: \"8.6.1/1\", result: partial}}"
        found.append(RULES["SMS003"].finding(text, path=path, line=parsed.lines.get(FILE_KEY, 1), **where))
        return read, found
    lines = parsed.item_lines.get(FILE_KEY, [])
    try:
        judgements = read_judgements(items)
    except ItemErrors as exc:
        judgements = exc.value
        found.extend(
            RULES["SMS003"].finding(f"'{FILE_KEY}' {text}", path=path, line=lines[index], **where)
            for index, text in exc.errors
        )
        # The lines of the items that were read, in the order of the judgements they gave.
        wrong = {index for index, _ in exc.errors}
        lines = [line for index, line in enumerate(lines) if index not in wrong]
    return replace(read, judgements=judgements, judgement_lines=tuple(lines)), found
