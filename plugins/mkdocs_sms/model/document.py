"""Controlled documents: what one page's front-matter says about it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from mkdocs_sms.model import frontmatter, references
from mkdocs_sms.model.assessment import Judgement, JudgementsFile
from mkdocs_sms.model.dates import Interval
from mkdocs_sms.model.schema import FIELDS, validate
from mkdocs_sms.model.target import Target
from mkdocs_sms.model.vocabulary import GRADES, Vocabulary
from mkdocs_sms.rules import RULES, Finding
from mkdocs_sms.text import shown

# Retained evidence: records and reports are kept, not reviewed. They have a review date only when
# ``next_review`` or ``review_interval`` is written on them (their own front-matter or folder defaults);
# how recent they must be is the coverage row's ``max_age``.
EVIDENCE_TYPES = ("record", "report", "assessment")
# Keys a page has only when it is meant as a controlled document (SMS010 when it has no id).
DOCUMENT_KEYS = ("type", "owner", "status", "clauses")
# A nonconformity record (the catalogue's nonconformity clause): its state, open ones first; its grade,
# those that are nonconformities first; where it came from.
STATES = ("open", "action planned", "closed", "verified")
OPEN_STATES = STATES[:2]
CLOSED_STATES = STATES[2:]
NONCONFORMITY_GRADES = GRADES[:2]


@dataclass(frozen=True)
class Document:
    """A controlled document of the SMS: a page whose front-matter has an ``id``.

    Values that failed validation are ``None`` (or the default), so one bad key does not hide the
    rest of the document from the register and the coverage matrix.
    """

    id: str
    path: str
    title: str
    type: str | None
    owner: str | None
    status: str
    version: str | None
    classification: str
    review_interval: Interval
    clauses: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    approved_by: str | None = None
    approved_on: dt.date | None = None
    next_review: dt.date | None = None
    date: dt.date | None = None
    level: int | None = None
    state: str | None = None
    grade: str | None = None
    source: str | None = None
    due: dt.date | None = None
    effectiveness: str | None = None
    effectiveness_checked: dt.date | None = None
    correction: str | None = None
    root_cause: str | None = None
    corrective_action: str | None = None
    not_met: tuple[str, ...] = ()
    assessor: str | None = None
    judgements: tuple[Judgement, ...] = ()
    # ``judgements`` naming a YAML file: the name as written; once the analysis has read it, its path in
    # docs_dir and the line of each judgement there.
    judgements_file: str | None = None
    judgements_path: str | None = None
    judgement_lines: tuple[int, ...] = ()
    target: Target | None = None
    # An internal audit record's audited clauses and a management review record's checklist of inputs
    # (key, covered); None when not written, which is not the same as none.
    audited: tuple[str, ...] | None = None
    inputs: tuple[tuple[str, bool], ...] | None = None
    lines: Mapping[str, int] = field(default_factory=dict)
    item_lines: Mapping[str, list[int]] = field(default_factory=dict)
    extra: Mapping[str, Any] = field(default_factory=dict)
    # Left out of comparisons: documents with the same front-matter are equal whatever their text, so a
    # `mkdocs serve` rebuild after a text edit finds the handbook unchanged (what the text decides, SMS201,
    # is a finding, and findings are compared on their own).
    body_digest: str | None = field(default=None, compare=False)

    @property
    def approved(self) -> bool:
        """Approved, and the approval says who and when (otherwise it is no evidence)."""
        return self.status == "approved" and bool(self.approved_by) and self.approved_on is not None

    def overdue(self, today: dt.date) -> bool:
        """An approved document whose review date has passed."""
        return self.approved and self.next_review is not None and self.next_review < today

    @property
    def evidence_date(self) -> dt.date | None:
        """When the evidence was produced: a record's ``date``, else the date it was approved."""
        return self.date or self.approved_on

    @property
    def open(self) -> bool:
        """A nonconformity record whose corrective action is not finished (state open or action planned)."""
        return self.state in OPEN_STATES

    def past_due(self, today: dt.date) -> bool:
        """An open nonconformity whose due date has passed (SMS109)."""
        return self.open and self.due is not None and self.due < today

    @property
    def unverified_closure(self) -> bool:
        """Closed (or verified) with no effectiveness check written, neither ``effectiveness`` nor
        ``effectiveness_checked`` (SMS110); observations and opportunities for improvement need none."""
        checked = bool((self.effectiveness or "").strip()) or self.effectiveness_checked is not None
        return self.state in CLOSED_STATES and self.grade in (*NONCONFORMITY_GRADES, None) and not checked

    def line_of(self, key: str, index: int | None = None) -> int:
        """The line of ``key`` (or of item ``index`` of a list key), 1 when unknown."""
        if index is not None and key in self.item_lines and index < len(self.item_lines[key]):
            return self.item_lines[key][index]
        return self.lines.get(key, 1)

    def judgement_place(self, index: int) -> tuple[str, int]:
        """Where ``judgements[index]`` is written: this page and its line, or the judgements file and its line."""
        if self.judgements_path is not None:
            lines = self.judgement_lines
            return self.judgements_path, lines[index] if index < len(lines) else 1
        return self.path, self.line_of("judgements", index)


@dataclass(frozen=True)
class Page:
    """One Markdown page as read: its document (when it is one), the problems found in it, and the
    documents its text refers to by id, with their lines."""

    path: str
    document: Document | None
    findings: tuple[Finding, ...] = ()
    references: tuple[tuple[str, int], ...] = ()
    # Relative links to other Markdown pages (``../registers/assets.md``), with their lines: how people
    # who never heard of ``[[ID]]`` refer to a document.
    links: tuple[tuple[str, int], ...] = ()
    # The classification the page is published under: its own, its folders', the default one for a
    # document that gives none, the highest when it cannot be established (SMS304); '' for a page that
    # is no document and gives none, which goes to every audience.
    classification: str = ""


def read_page(
    path: str,
    raw: bytes,
    vocabulary: Vocabulary,
    defaults: Mapping[str, Any] | None = None,
    unread_defaults: str | None = None,
) -> Page:
    """Read one Markdown page (``path`` relative to docs_dir, with forward slashes); ``defaults`` are
    the folder defaults that fill the keys a document's own front-matter leaves out, and
    ``unread_defaults`` names a ``.meta.yml`` above the page that could not be read."""
    try:
        text = frontmatter.decode(raw)
    except frontmatter.UnreadableText as exc:
        finding = RULES["SMS009"].finding(exc.reason, path=path, line=exc.line)
        return _unclassified(Page(path, None, (finding,)), vocabulary, "the page is not UTF-8 text", exc.line)
    front = frontmatter.parse(text)
    parts = frontmatter.split(text)
    refs = tuple(references.find(parts.body, parts.body_line))
    page_links = tuple(references.links(parts.body, parts.body_line))
    if front.error is not None:
        finding = RULES["SMS001"].finding(
            f"front-matter {front.error}", path=path, line=front.error_line, document=front.guessed_id
        )
        page = Page(path, None, (finding,), refs)
        return _unclassified(page, vocabulary, "its front-matter cannot be read", front.error_line, front.guessed_id)
    duplicates = tuple(
        RULES["SMS001"].finding(
            f"front-matter key {shown(key)} appears twice (first on line {first}); the last value is used",
            path=path, line=line, document=front.data.get("id") if isinstance(front.data.get("id"), str) else None,
        )
        for key, line, first in front.duplicates
    )  # fmt: skip
    classification, doubt = _classification(front, defaults or {}, vocabulary, unread_defaults)
    if "id" not in front.data:
        not_read, meant = _not_a_document(path, text, front, vocabulary)
        page = Page(path, None, duplicates + not_read, refs, classification=classification or "")
        if not_read and meant is not None and not doubt:
            # A page meant as a controlled document is classified as one would be: what its unread block
            # says, else the default; a value that cannot be used counts as the highest.
            if meant.error is not None:
                doubt = "the front-matter it was meant to have cannot be read"
            else:
                classification, doubt = _classification(meant, defaults or {}, vocabulary, unread_defaults)
            page = replace(page, classification=classification or vocabulary.default_classification)
    else:
        if defaults:
            front.data = {**{k: v for k, v in defaults.items() if k != "id"}, **front.data}
        page = _document_page(path, text, front, vocabulary, classification or vocabulary.default_classification)
        page = replace(page, findings=duplicates + page.findings, references=refs, links=page_links)
    if doubt is None:
        return page
    raw_id = front.data.get("id")
    return _unclassified(page, vocabulary, doubt, front.lines.get("classification", 1), raw_id)


def _not_a_document(
    path: str, text: str, front: frontmatter.FrontMatter, vocabulary: Vocabulary
) -> tuple[tuple[Finding, ...], frontmatter.FrontMatter | None]:
    """SMS010 for a page without an id whose front-matter was meant for a controlled document: a block
    MkDocs does not read, an ``ID:`` key, or the keys of a document without an ``id``; with the
    front-matter it judged (None when the page is no such page)."""
    line, why = 1, ""
    if not front.present:
        unread = frontmatter.unread_block(text)
        if unread is None:
            return (), None
        line, problem, front = unread
        why = f"front-matter is shown as page text because {problem}"
    keys = _document_keys(front, vocabulary)
    cased = next((key for key in front.data if key.lower() == "id" and key != "id"), None)
    if cased is not None and not why:
        line, why = (
            front.lines.get(cased, line),
            f"front-matter key {shown(cased)} is not 'id' (keys are case-sensitive)",
        )
    elif keys and not why:
        line, why = front.lines.get(keys[0], line), f"front-matter has {', '.join(keys)} but no 'id'"
    elif not (keys or cased or "id" in front.data or front.guessed_id):
        return (), None
    doc_id = front.data.get("id", front.data.get(cased or "")) or front.guessed_id
    finding = RULES["SMS010"].finding(
        f"{why}: the page is not read as a controlled document",
        path=path, line=line, document=doc_id if isinstance(doc_id, str) else None,
    )  # fmt: skip
    return (finding,), front


def _document_keys(front: frontmatter.FrontMatter, vocabulary: Vocabulary) -> list[str]:
    """The keys of ``front`` that only a controlled document has. ``type`` and ``status`` count only with
    one of the configured values: Material gives ordinary pages a ``status`` such as ``new``."""
    allowed = {"type": vocabulary.types, "status": vocabulary.statuses}
    return [
        key for key in DOCUMENT_KEYS if key in front.data and (key not in allowed or front.data[key] in allowed[key])
    ]


def _classification(
    front: frontmatter.FrontMatter, defaults: Mapping[str, Any], vocabulary: Vocabulary, unread_defaults: str | None
) -> tuple[str | None, str | None]:
    """The page's classification (None when it gives none) and, when it cannot be established, why.

    The page's own key wins; without one, a ``.meta.yml`` above the page that cannot be read might have
    classified it, and the folders' value is checked like the page's own.
    """
    if "classification" in front.data:
        value, where = front.data["classification"], "'classification'"
    elif unread_defaults is not None:
        return None, f"the folder defaults in {unread_defaults} cannot be read"
    elif "classification" in defaults:
        value, where = defaults["classification"], "'classification' of the folder defaults"
    else:
        return None, None
    if isinstance(value, str) and value in vocabulary.classifications:
        return value, None
    return None, f"{where} {shown(value)} is not one of {', '.join(vocabulary.classifications)}"


def _unclassified(page: Page, vocabulary: Vocabulary, why: str, line: int | None, doc_id: object = None) -> Page:
    """``page`` treated as the highest classification, with SMS304 saying why."""
    highest = vocabulary.highest
    finding = RULES["SMS304"].finding(
        f"its classification cannot be established ({why}): it is treated as '{highest}', the highest "
        "classification, and left out of every build for a lower audience",
        path=page.path, line=line, document=doc_id if isinstance(doc_id, str) else None,
    )  # fmt: skip
    document = page.document and replace(page.document, classification=highest)
    return replace(page, document=document, findings=(*page.findings, finding), classification=highest)


def _document_page(
    path: str, text: str, front: frontmatter.FrontMatter, vocabulary: Vocabulary, classification: str
) -> Page:
    values, problems = validate(front, vocabulary)
    raw_id = front.data.get("id")
    # An id that breaks the pattern still names the document; a list or mapping names nothing.
    doc_id = values.get("id") or (str(raw_id) if isinstance(raw_id, (str, int, float, dt.date)) else "")
    findings = tuple(RULES[p.code].finding(p.text, path=path, line=p.line, document=doc_id or None) for p in problems)
    if not doc_id:
        return Page(path, None, findings, classification=classification)
    interval = values.get("review_interval", vocabulary.review_interval)
    approved_on = values.get("approved_on")
    next_review = values.get("next_review")
    reviewed = values.get("type") not in EVIDENCE_TYPES or "review_interval" in values
    if next_review is None and approved_on is not None and reviewed:
        next_review = interval.after(approved_on)
    title = values.get("title") or doc_id
    declared = {f.key for f in FIELDS}
    judged = values.get("judgements", ())
    document = Document(
        id=doc_id,
        path=path,
        title=title,
        type=values.get("type"),
        owner=values.get("owner"),
        status=values.get("status", "draft"),
        version=values.get("version"),
        classification=classification,
        review_interval=interval,
        clauses=values.get("clauses", ()),
        related=values.get("related", ()),
        approved_by=values.get("approved_by"),
        approved_on=approved_on,
        next_review=next_review,
        date=values.get("date"),
        level=values.get("level"),
        state=values.get("state"),
        grade=values.get("grade"),
        source=values.get("source"),
        due=values.get("due"),
        effectiveness=values.get("effectiveness"),
        effectiveness_checked=values.get("effectiveness_checked"),
        correction=values.get("correction"),
        root_cause=values.get("root_cause"),
        corrective_action=values.get("corrective_action"),
        not_met=values.get("not_met", ()),
        assessor=values.get("assessor"),
        judgements=() if isinstance(judged, JudgementsFile) else judged,
        judgements_file=judged.name if isinstance(judged, JudgementsFile) else None,
        target=values.get("target"),
        audited=values.get("audited"),
        inputs=values.get("inputs"),
        lines=front.lines,
        item_lines=front.item_lines,
        extra={k: v for k, v in front.data.items() if k not in declared},
        body_digest=frontmatter.body_digest(text),
    )
    return Page(path, document, findings, classification=classification)
