"""The whole handbook analysed: files -> documents -> coverage -> findings.

:func:`analyse` is the one entry point both faces use: the MkDocs plugin feeds it the pages MkDocs
found, the command line the pages it found the same way. Data flows one way, nothing flows back.
"""

from __future__ import annotations

import hashlib
import itertools
import posixpath
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any

from mkdocs_sms.analysis import approvals, assessment, coverage, nonconformities
from mkdocs_sms.analysis.acknowledgements import Acknowledgement
from mkdocs_sms.analysis.acknowledgements import assess as assess_acknowledgements
from mkdocs_sms.analysis.coverage import CoverageRow
from mkdocs_sms.analysis.implementation import loop_findings, unnamed_findings
from mkdocs_sms.analysis.progress import CatalogueProgress, progress
from mkdocs_sms.analysis.readiness import Readiness, readiness
from mkdocs_sms.analysis.target import TargetState, target_findings, target_state
from mkdocs_sms.catalogue import Catalogue, resolve_clause, unresolved
from mkdocs_sms.model import stored
from mkdocs_sms.model.defaults import META_FILE, defaults_for, parse_defaults
from mkdocs_sms.model.document import Document, Page, read_page
from mkdocs_sms.model.vocabulary import Vocabulary
from mkdocs_sms.read.acknowledgements import AcknowledgementFile
from mkdocs_sms.read.baseline import Baseline
from mkdocs_sms.read.evidence import GitEvidence
from mkdocs_sms.read.git import History, Revision, version_commit
from mkdocs_sms.read.kept_pages import Entry, KeptPages
from mkdocs_sms.read.snapshot import Snapshot
from mkdocs_sms.rules import RULES, Finding, Severity, apply_severities, sort_key
from mkdocs_sms.settings import Settings


@dataclass(frozen=True)
class Handbook:
    """Everything known about one handbook after analysis."""

    settings: Settings
    catalogues: tuple[Catalogue, ...]
    pages: tuple[Page, ...]
    documents: tuple[Document, ...]
    coverage: tuple[coverage.CoverageRow, ...]
    findings: tuple[Finding, ...]
    by_id: dict[str, Document] = field(default_factory=dict)
    history: History | None = None
    referenced_by: dict[str, tuple[Document, ...]] = field(default_factory=dict)
    baseline: Baseline | None = None
    # In a view published for an audience (see mkdocs_sms.analysis.audience): how many documents it leaves out,
    # and the whole handbook it was made from.
    withheld: int = 0
    source: Handbook | None = None
    # With approval evidence configured: what git shows of each approved document's approval, by id.
    approvals: Mapping[str, approvals.Approval] = field(default_factory=dict)
    # With acknowledgements configured: each approved document of a type that needs them, by id.
    acknowledgements: Mapping[str, Acknowledgement] = field(default_factory=dict)

    def count(self, severity: Severity) -> int:
        """How many findings have ``severity``."""
        return sum(1 for finding in self.findings if finding.severity is severity)

    def clause_catalogue(self, clause: str) -> Catalogue | None:
        """The catalogue a clause reference (``8.2`` or ``isms:5.2``) names, None when none has it."""
        resolved = resolve_clause(clause, self.catalogues)
        return resolved[0] if resolved else None

    @cached_property
    def readiness(self) -> Readiness:
        """The audit-readiness verdict, assessed once for this handbook (or this audience's view of it)."""
        return readiness(self)

    @cached_property
    def progress(self) -> list[CatalogueProgress]:
        """The implementation of every catalogue against the plan and the baseline, computed once."""
        return progress(self)

    @cached_property
    def by_clause(self) -> dict[tuple[str, str], list[Document]]:
        """Documents by the (catalogue, clause) their ``clauses`` name, computed once (see
        :func:`mkdocs_sms.analysis.coverage.clause_index`)."""
        return coverage.clause_index(self.catalogues, self.documents)

    @cached_property
    def assessments(self) -> list[assessment.Assessment]:
        """The approved gap assessments, oldest first (the newest is "now")."""
        withheld = set(self.source.by_id) - set(self.by_id) if self.source is not None else set()
        return assessment.approved_assessments(self.documents, self.catalogues, withheld)

    @cached_property
    def assessment_baseline(self) -> assessment.Assessment | None:
        """The approved assessment the implementation plan's ``baseline`` names, if it names one."""
        named = self.baseline_document
        return next((a for a in self.assessments if named is not None and a.document.id == named.id), None)

    @property
    def baseline_document(self) -> Document | None:
        """The document the plan's ``baseline`` names (an assessment, or a mistake: SMS106), if any."""
        return baseline_document(self.by_id, self.settings)

    @cached_property
    def target(self) -> TargetState:
        """The approved target state and the rows it asks for, computed once. A view for an audience
        that withholds the target says so rather than measuring against nothing."""
        state = target_state(self.documents, self.coverage, self.catalogues)
        if state.document is None and self.source is not None and self.source.target.document is not None:
            return replace(state, withheld=True)
        return state

    @cached_property
    def nonconformities(self) -> nonconformities.Register:
        """The nonconformity records, open ones with their age and weight, computed once."""
        return nonconformities.register(self)

    @cached_property
    def reviews(self) -> tuple[list[tuple[Document, int]], list[tuple[Document, int]]]:
        """The review schedule: overdue documents with the days they are overdue, most overdue first;
        documents due within ``due_soon_days``, soonest first."""
        today = self.settings.today
        window = self.settings.due_soon_days
        overdue, due = [], []
        for doc in self.documents:
            if not doc.approved or doc.next_review is None:
                continue
            days = (doc.next_review - today).days
            if days < 0:
                overdue.append((doc, -days))
            elif days <= window:
                due.append((doc, days))
        overdue.sort(key=lambda item: (-item[1], item[0].id))
        due.sort(key=lambda item: (item[1], item[0].id))
        return overdue, due

    def rows_by_catalogue(self) -> dict[str, list[CoverageRow]]:
        """Coverage rows by catalogue name, in catalogue order."""
        rows: dict[str, list[CoverageRow]] = {c.name: [] for c in self.catalogues}
        for row in self.coverage:
            rows[row.requirement.catalogue].append(row)
        return rows


# Findings about a .meta.yml that say its defaults were not read.
_UNREAD_CODES = {"SMS001", "SMS009", "SMS301"}


def _meta_above(path: str, unread: Sequence[str]) -> str | None:
    """The first of the ``unread`` .meta.yml files (paths relative to docs_dir) in a folder above ``path``."""
    for meta in unread:
        folder = posixpath.dirname(meta)
        if not folder or path.startswith(folder + "/"):
            return meta
    return None


@dataclass
class PageCache:
    """The pages read by the previous analysis, which the plugin keeps across ``mkdocs serve`` rebuilds so
    that a rebuild parses again only the pages that changed: :func:`read_page` depends on nothing but a
    page's path, bytes and folder defaults and the vocabulary (at 5,000 documents, 0.6 s of each rebuild).
    With a ``folder`` (the cache folder), an analysis that finds none in memory starts from the pages kept
    there by an earlier run (:mod:`mkdocs_sms.read.kept_pages`), and :meth:`save` keeps its pages there."""

    vocabulary: Vocabulary | None = None
    pages: dict[str, Entry] = field(default_factory=dict)
    folder: Path | None = None
    kept: KeptPages | None = None

    def reader(
        self, vocabulary: Vocabulary
    ) -> Callable[[str, bytes, Vocabulary, Mapping[str, Any] | None, str | None], Page]:
        """:func:`read_page` for one analysis, answered from the cache when it can; afterwards the cache
        holds that analysis's pages only."""
        # The pages in memory are of this cache folder's handbook; a plugin that MkDocs reuses for another
        # project in the same process (or a cache folder set since) starts from that folder's file instead.
        same = vocabulary == self.vocabulary and (self.kept.folder if self.kept else None) == self.folder
        previous = self.pages if same else {}
        if not previous and self.folder is not None:
            self.kept = KeptPages(self.folder, vocabulary)
            previous = self.kept.load()
        self.vocabulary, self.pages = vocabulary, {}

        def read(
            path: str, raw: bytes, vocabulary: Vocabulary, defaults: Mapping[str, Any] | None, unread: str | None
        ) -> Page:
            digest = hashlib.blake2b(raw, digest_size=16).digest()
            # Compared as text: 1, 1.0 and true are equal values but not the same defaults.
            written = stored.text_of(defaults) if defaults else ""
            kept = previous.get(path)
            page = kept[3] if kept and written is not None and kept[:3] == (digest, written, unread) else None
            if page is None:
                page = read_page(path, raw, vocabulary, defaults, unread)
            self.pages[path] = (digest, written, unread, page)
            return page

        return read

    def copy(self) -> PageCache:
        """A cache that starts from this one's pages, for analysing another edition of the same handbook
        (the base of "what changed", a tag of the trend) without changing this one."""
        return PageCache(self.vocabulary, dict(self.pages))

    def save(self) -> None:
        """Keep the pages of the last analysis in the cache folder (when it has one)."""
        if self.kept is not None and self.kept.folder == self.folder:
            self.kept.save(self.pages)


def analyse(
    snapshot: Snapshot,
    settings: Settings,
    catalogues: Sequence[Catalogue],
    *,
    history: History | None = None,
    baseline: Baseline | None = None,
    notes: Iterable[Finding] = (),
    cache: PageCache | None = None,
    evidence: GitEvidence | None = None,
    acknowledgements: AcknowledgementFile | None = None,
) -> Handbook:
    """Analyse the pages of ``snapshot`` with their folder defaults, their git ``history`` and the saved
    implementation ``baseline``; ``notes`` are findings about inputs read outside the snapshot (the
    baseline file); ``cache`` keeps pages for the next analysis; ``evidence``: what git holds to prove
    approvals (read when the ``approvals`` option asks for it); ``acknowledgements``: the rows of the
    acknowledgement file (read when the ``acknowledge`` option names one)."""
    by_folder, found = parse_defaults(snapshot.metas)
    found = [*found, *snapshot.unread, *notes]
    vocabulary = settings.vocabulary
    read = cache.reader(vocabulary) if cache is not None else read_page
    # A .meta.yml that could not be read might have classified the pages under it (see read_page).
    unread_meta = sorted(
        f.path for f in found if f.path and posixpath.basename(f.path) == META_FILE and f.code in _UNREAD_CODES
    )
    pages = sorted(
        (
            read(path, raw, vocabulary, defaults_for(path, by_folder), _meta_above(path, unread_meta))
            for path, raw in snapshot.pages.items()
        ),
        key=lambda p: p.path,
    )
    found.extend(finding for page in pages for finding in page.findings)
    # Assessments that keep their judgements in a file of docs_dir: read it now, never cached with the page.
    for position, page in enumerate(pages):
        if page.document is not None and page.document.judgements_file is not None:
            judged, problems = assessment.read_file(page.document, snapshot.data)
            pages[position] = replace(page, document=judged)
            found.extend(problems)

    by_id: dict[str, Document] = {}
    for page in pages:
        document = page.document
        if document is None:
            continue
        first = by_id.get(document.id)
        if first is None:
            by_id[document.id] = document
            continue
        found.append(
            RULES["SMS004"].finding(
                f"id '{document.id}' is already used by {first.path}",
                path=document.path,
                line=document.line_of("id"),
                document=document.id,
            )
        )
    documents = tuple(by_id.values())
    for document in documents:
        found.extend(_document_findings(document, by_id, catalogues, settings))
        if document.type == assessment.ASSESSMENT:
            found.extend(assessment.findings(document, catalogues))
    found.extend(_baseline_assessment_findings(by_id, settings))
    approved: Mapping[str, approvals.Approval] = {}
    if history is not None:
        found.extend(_history_findings(documents, history))
        approved, proof = _approvals(documents, history, evidence, settings)
        found.extend(proof)
    acknowledged: Mapping[str, Acknowledgement] = {}
    if acknowledgements is not None:
        acknowledged, noted = assess_acknowledgements(documents, acknowledgements, settings.acknowledge, settings.today)
        found.extend(noted)
    for page in pages:
        for ref, line in page.references:
            if ref not in by_id:
                doc_id = page.document.id if page.document else None
                found.append(
                    RULES["SMS008"].finding(
                        f"reference [[{ref}]] names no document", path=page.path, line=line, document=doc_id
                    )
                )

    found.extend(_audience_findings(pages, by_id, settings))
    rows = coverage.compute(catalogues, documents, settings.today, settings.implementation)
    found.extend(coverage.findings(rows, settings.implementation))
    found.extend(loop_findings(settings.implementation, catalogues))
    found.extend(unnamed_findings(settings.implementation, catalogues))
    findings = sorted(apply_severities(found, settings.severity), key=sort_key)
    referenced_by = _referenced_by(pages, by_id)
    return Handbook(
        settings,
        tuple(catalogues),
        tuple(pages),
        documents,
        tuple(rows),
        tuple(findings),
        by_id,
        history,
        referenced_by,
        baseline,
        approvals=approved,
        acknowledgements=acknowledged,
    )


def _document_findings(
    document: Document, by_id: dict[str, Document], catalogues: Sequence[Catalogue], settings: Settings
) -> Iterable[Finding]:
    """Checks that need more than the document itself: clauses, references, review dates."""
    for index, clause in enumerate(document.clauses):
        if resolve_clause(clause, catalogues) is None:
            yield RULES["SMS005"].finding(
                unresolved(clause, catalogues),
                path=document.path,
                line=document.line_of("clauses", index),
                document=document.id,
            )
    yield from target_findings(document, catalogues)
    for key, refs in (("audited", document.audited or ()), ("not_met", document.not_met)):
        for index, clause in enumerate(refs):
            if resolve_clause(clause, catalogues) is None:
                yield RULES["SMS005"].finding(
                    f"'{key}': {unresolved(clause, catalogues)}",
                    path=document.path,
                    line=document.line_of(key, index),
                    document=document.id,
                )
    yield from _unknown_inputs(document, catalogues)
    for item in coverage.uncounted(document, catalogues):
        yield RULES["SMS107"].finding(
            f"clause '{item.clause}' counts for nothing for a document of type {item.type}: "
            f"the rows it can meet there accept only {', '.join(item.accepted)}",
            path=document.path,
            line=document.line_of("clauses", item.index),
            document=document.id,
        )
    for index, ref in enumerate(document.related):
        if ref not in by_id:
            yield RULES["SMS008"].finding(
                f"related document '{ref}' does not exist",
                path=document.path,
                line=document.line_of("related", index),
                document=document.id,
            )
    if document.approved_on is not None and document.approved_on > settings.today:
        yield RULES["SMS203"].finding(
            f"approved_on {document.approved_on.isoformat()} is later than today ({settings.today.isoformat()})",
            path=document.path,
            line=document.line_of("approved_on"),
            document=document.id,
        )
    if document.overdue(settings.today):
        assert document.next_review is not None
        days = (settings.today - document.next_review).days
        key = "next_review" if "next_review" in document.lines else "approved_on"
        yield RULES["SMS007"].finding(
            f"review was due on {document.next_review.isoformat()} ({days} days ago)",
            path=document.path,
            line=document.line_of(key),
            document=document.id,
        )
    if document.status != "retired" and document.past_due(settings.today):
        assert document.due is not None
        days = (settings.today - document.due).days
        yield RULES["SMS109"].finding(
            f"nonconformity ({document.state}) was due on {document.due.isoformat()} ({days} days ago)",
            path=document.path,
            line=document.line_of("due"),
            document=document.id,
        )
    if document.status != "retired" and document.unverified_closure:
        yield RULES["SMS110"].finding(
            f"nonconformity is {document.state} with no 'effectiveness': what was checked to show the corrective "
            "action worked is not recorded",
            path=document.path,
            line=document.line_of("state"),
            document=document.id,
        )


def _unknown_inputs(document: Document, catalogues: Sequence[Catalogue]) -> Iterable[Finding]:
    """SMS003 for a review input key that no loaded catalogue declares (when one declares any): a
    misspelt key would leave the input uncovered on the audit page without saying why."""
    known = {key for catalogue in catalogues for key, _ in catalogue.review_inputs}
    if not document.inputs or not known:
        return
    keys = [key for key, _ in document.inputs]
    for index, key in enumerate(keys):
        if key not in known:
            listed = "inputs" in document.item_lines
            yield RULES["SMS003"].finding(
                f"'inputs' names '{key}', which is not a review input of a loaded catalogue "
                f"(known: {', '.join(sorted(known))})",
                path=document.path,
                line=document.line_of("inputs", index if listed else None),
                document=document.id,
            )


def _audience_findings(pages: Sequence[Page], by_id: dict[str, Document], settings: Settings) -> Iterable[Finding]:
    """SMS302: pages above the audience are withheld; SMS303: a published document refers to one.

    Neither message names a withheld document: both may be published in ``sms.json``.
    """
    hidden_pages = [page for page in pages if not shown_to(settings, page)]
    if not hidden_pages:
        return
    hidden = {doc_id for doc_id, doc in by_id.items() if not settings.shows(doc.classification)}
    hidden_paths = {page.path for page in hidden_pages}
    above = ", ".join(settings.classifications[settings.rank(settings.audience) + 1 :])
    yield RULES["SMS302"].finding(
        f"this build is for audience '{settings.audience}': {len(hidden_pages)} document(s) classified {above} "
        "(or whose classification cannot be established) are left out of its pages, navigation, search, "
        "sitemap and sms.json"
    )
    for page in pages:
        source = page.document
        if source is None or source.id in hidden or by_id.get(source.id) is not source:
            continue
        where = {"path": page.path, "document": source.id}
        for index, ref in enumerate(source.related):
            if ref in hidden:
                line = source.line_of("related", index)
                yield RULES["SMS303"].finding(
                    "a related document is withheld from this audience; it is left out of the panel",
                    line=line, **where,
                )  # fmt: skip
        for ref, line in page.references:
            if ref in hidden:
                yield RULES["SMS303"].finding(
                    "a [[…]] link names a document withheld from this audience; it is shown as plain text",
                    line=line, **where,
                )  # fmt: skip
        for target, line in page.links:
            if posixpath.normpath(posixpath.join(posixpath.dirname(page.path), target)) in hidden_paths:
                yield RULES["SMS303"].finding(
                    "a link goes to a page withheld from this audience; it is shown as plain text",
                    line=line, **where,
                )  # fmt: skip


def shown_to(settings: Settings, page: Page) -> bool:
    """Whether ``page`` may be published to the configured audience ('' classification: to every one)."""
    return not page.classification or settings.shows(page.classification)


def baseline_document(by_id: Mapping[str, Document], settings: Settings) -> Document | None:
    """The document the implementation plan's ``baseline`` names, when it names one rather than a file."""
    plan = settings.implementation
    return by_id.get(plan.baseline) if plan else None


def _baseline_assessment_findings(by_id: dict[str, Document], settings: Settings) -> Iterable[Finding]:
    """SMS106 when the plan's ``baseline`` names a document that is not an approved assessment."""
    document = baseline_document(by_id, settings)
    if document is None:
        return
    if document.type != assessment.ASSESSMENT or not document.approved:
        what = f"a {document.type or 'document'}" if document.type != assessment.ASSESSMENT else "not approved"
        yield RULES["SMS106"].finding(
            f"the implementation baseline names {document.id}, which is {what}: the baseline must be an approved "
            "assessment (type: assessment) or a file saved by 'mkdocs-sms baseline save'",
            path=document.path,
            line=document.line_of("type" if document.type != assessment.ASSESSMENT else "status"),
            document=document.id,
        )


def _history_findings(documents: Sequence[Document], history: History) -> Iterable[Finding]:
    """SMS202 when there is no history; SMS201 for approved documents changed since their version."""
    if history.unavailable:
        yield RULES["SMS202"].finding(f"git history is unavailable: {history.unavailable}")
        return
    if history.superproject:
        note = RULES["SMS202"].finding(
            f"docs_dir is in a git submodule of {history.superproject}: revision histories, SMS201 and the refs "
            "of diff and changes_since come from the submodule's own history, not from the repository around it"
        )
        yield replace(note, severity=Severity.INFO)
    for document in documents:
        if not document.approved:
            continue
        approved_at = version_commit(history.of(document.path), document.version)
        if approved_at is None:
            continue
        unraised = unraised_version(document, approved_at.body_digest, f"{approved_at.commit[:7]}, {approved_at.date}")
        if unraised is not None:
            yield unraised


def _approvals(
    documents: Sequence[Document], history: History, evidence: GitEvidence | None, settings: Settings
) -> tuple[Mapping[str, approvals.Approval], list[Finding]]:
    """The approval evidence of each approved document and its findings (SMS206-SMS208), when the
    ``approvals`` option asks for evidence and the history and the evidence could be read."""
    if not settings.approvals.enabled or history.unavailable or evidence is None:
        return {}, []
    if evidence.unavailable:
        return {}, [RULES["SMS202"].finding(f"{evidence.unavailable}; approvals are not checked")]
    approved = [_approved(d, history.of(d.path)) for d in documents if d.approved]
    return approvals.assess(approved, evidence, settings.approvals)


def _approved(document: Document, revisions: Sequence[Revision]) -> approvals.Approved:
    """``document`` with its approval commit and the commits that wrote the text it approved: those of its
    version up to the approval, the approval itself only when it changed the text (not only the status)."""
    commit = version_commit(revisions, document.version)
    if commit is None:
        return approvals.Approved(document, None)
    start = revisions.index(commit)
    older = list(itertools.takewhile(lambda r: r.version == document.version, revisions[start + 1 :]))
    wrote = not older or older[0].body_digest != commit.body_digest
    return approvals.Approved(document, commit, tuple([commit] if wrote else []) + tuple(older))


def unraised_version(document: Document, approved_digest: str | None, approved_at: str) -> Finding | None:
    """SMS201 when the text of an approved ``document`` differs from the text its version was approved
    with (``approved_digest``; None when unknown): the change needs a new version and approval."""
    if approved_digest is None or approved_digest == document.body_digest:
        return None
    return RULES["SMS201"].finding(
        f"content changed since version {document.version} was approved ({approved_at}) but the version was not raised",
        path=document.path,
        line=document.line_of("version"),
        document=document.id,
    )


def _referenced_by(pages: Sequence[Page], by_id: dict[str, Document]) -> dict[str, tuple[Document, ...]]:
    """For each document id, the documents that name it in ``related``, by ``[[ID]]`` in their text, or
    by an ordinary relative link to its page."""
    found: dict[str, dict[str, Document]] = {}
    by_path = {document.path: document.id for document in by_id.values()}
    for page in pages:
        source = page.document
        if source is None or by_id.get(source.id) is not source:
            continue
        linked = [by_path.get(posixpath.normpath(posixpath.join(posixpath.dirname(page.path), target)))
                  for target, _ in page.links]  # fmt: skip
        for ref in [*source.related, *(ref for ref, _ in page.references), *(ref for ref in linked if ref)]:
            if ref in by_id and ref != source.id:
                found.setdefault(ref, {})[source.id] = source
    return {ref: tuple(sorted(sources.values(), key=lambda d: d.id)) for ref, sources in found.items()}
