"""What one audience may see: the handbook as published for ``audience``.

The SMS has every document, so the analysis (coverage, findings, audit readiness) runs on all of them.
A build for an audience publishes only documents classified up to that audience; :func:`published`
makes the view of the handbook that every page, table, link and ``sms.json`` of that build is rendered
from, so nothing above the audience can reach them by accident: not an id, a title or a path.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from dataclasses import replace
from urllib.parse import unquote, urlsplit

from mkdocs_sms.analysis import coverage
from mkdocs_sms.analysis.changes import Changes, DocumentChange
from mkdocs_sms.analysis.handbook import Handbook, shown_to
from mkdocs_sms.model import references
from mkdocs_sms.model.defaults import META_FILE
from mkdocs_sms.model.document import Document, Page
from mkdocs_sms.rules import apply_severities, sort_key
from mkdocs_sms.settings import Settings

# What a [[ID]] link without text to a withheld document reads.
WITHHELD_TEXT = "(a document not published in this edition)"
# An inline Markdown link or image: [text](target "title"); the target may be in <angle brackets>.
_LINK = re.compile(r"(!?)\[((?:[^\[\]\n]|\[[^\[\]\n]*\])*)\]\(\s*<?([^)\s>]*)>?(?:\s+(?:\"[^\"\n]*\"|'[^'\n]*'))?\s*\)")

# Coverage findings name the documents meeting a row; for a view they are made again from its rows.
_COVERAGE_CODES = {"SMS101", "SMS102", "SMS103", "SMS104", "SMS105"}


def withheld(handbook: Handbook) -> list[Page]:
    """The pages above the audience, in path order: documents classified above it, and pages whose
    classification cannot be established (they count as the highest)."""
    return [page for page in handbook.pages if not shown_to(handbook.settings, page)]


def published(handbook: Handbook) -> Handbook:
    """The handbook as the audience sees it. ``handbook`` itself is returned when nothing is withheld.

    Pages are judged one by one, by the classification each was read with: of two pages with one id
    (SMS004), the one above the audience goes even when the other is published.
    """
    hidden_pages = withheld(handbook)
    if not hidden_pages:
        return handbook
    hidden_paths = {page.path for page in hidden_pages}
    hidden = {d.id for d in handbook.documents if d.path in hidden_paths}

    def keep(doc: Document) -> Document:
        # Related ids above the audience are dropped: the panel would print them.
        related = tuple(ref for ref in doc.related if ref not in hidden)
        return doc if related == doc.related else replace(doc, related=related)

    documents = {d.id: keep(d) for d in handbook.documents if d.id not in hidden}

    def published_page(page: Page) -> Page:
        document = page.document
        if document is None:
            return page
        # A page whose id another page has (SMS004) keeps its own document.
        kept = documents[document.id] if handbook.by_id.get(document.id) is document else keep(document)
        return replace(page, document=kept)

    pages = tuple(published_page(page) for page in handbook.pages if page.path not in hidden_paths)
    # A .meta.yml is named only when a published page is under it: its folder's name may say what it holds.
    folders = {folder for page in pages for folder in _folders(page.path)}
    findings = [
        f
        for f in handbook.findings
        if f.code not in _COVERAGE_CODES
        and f.document not in hidden
        and f.path not in hidden_paths
        and not (f.path and posixpath.basename(f.path) == META_FILE and posixpath.dirname(f.path) not in folders)
    ]
    rows = tuple(
        replace(
            row,
            documents=tuple(documents[d.id] for d in row.documents if d.id in documents),
            evidence=documents.get(row.evidence.id) if row.evidence else None,
            withheld=sum(1 for d in row.documents if d.id in hidden),
        )
        for row in handbook.coverage
    )
    findings += apply_severities(coverage.findings(rows, handbook.settings.implementation), handbook.settings.severity)

    return replace(
        handbook,
        pages=pages,
        documents=tuple(documents.values()),
        coverage=rows,
        findings=tuple(sorted(findings, key=sort_key)),
        by_id=documents,
        referenced_by={
            ref: tuple(documents[d.id] for d in sources if d.id in documents)
            for ref, sources in handbook.referenced_by.items()
            if ref in documents
        },
        withheld=len(hidden_pages),
        source=handbook,
    )


def _folders(path: str) -> Iterable[str]:
    """The folders ``path`` is in, from its own up to docs_dir ('')."""
    folder = posixpath.dirname(path)
    while folder:
        yield folder
        folder = posixpath.dirname(folder)
    yield ""


def published_changes(handbook: Handbook, changes: Changes | None) -> Changes | None:
    """The "what changed" list without documents above the audience, now or at the earlier ref."""
    if changes is None:
        return changes
    # Judged even when nothing now is withheld: a removed document may have been above the audience.
    settings, everything = handbook.settings, handbook.source or handbook
    kept = tuple(
        change
        for change in changes.changes
        if (change.kind != "removed" and change.id in handbook.by_id)
        or (change.kind == "removed" and change.id not in everything.by_id and _was_shown(settings, change))
    )
    return replace(changes, changes=kept)


def _was_shown(settings: Settings, change: DocumentChange) -> bool:
    """Whether the audience could see a removed document: a classification that is not configured
    counts as the highest (see :meth:`Settings.rank`)."""
    return settings.shows(change.old_classification)


def unlink(markdown: str, page_path: str, hidden: set[str]) -> str:
    """``markdown`` of the page at ``page_path`` with each link to a page in ``hidden`` made plain text
    (an image pointing there is dropped); MkDocs would otherwise warn of a link to a missing page."""
    folder = posixpath.dirname(page_path)

    def plain(match: re.Match[str]) -> str:
        target = urlsplit(match.group(3))
        if target.scheme or target.netloc or not target.path:
            return match.group(0)
        path = unquote(target.path)
        resolved = posixpath.normpath(path.lstrip("/") if path.startswith("/") else posixpath.join(folder, path))
        if resolved not in hidden:
            return match.group(0)
        return "" if match.group(1) else match.group(2)

    return references.substitute(markdown, _LINK, plain) if "](" in markdown else markdown
