"""What one audience may see: the handbook as published for ``audience``.

The SMS has every document, so the analysis (coverage, findings, audit readiness) runs on all of them.
A build for an audience publishes only documents classified up to that audience; :func:`published`
makes the view of the handbook that every page, table, link and ``sms.json`` of that build is rendered
from, so nothing above the audience can reach them by accident: not an id, a title or a path.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import replace
from urllib.parse import unquote, urlsplit

from mkdocs_sms.analysis import coverage
from mkdocs_sms.analysis.changes import Changes
from mkdocs_sms.analysis.handbook import Handbook
from mkdocs_sms.model import references
from mkdocs_sms.model.document import Document
from mkdocs_sms.rules import apply_severities, sort_key

# What a [[ID]] link without text to a withheld document reads.
WITHHELD_TEXT = "(a document not published in this edition)"
# An inline Markdown link or image: [text](target "title"); the target may be in <angle brackets>.
_LINK = re.compile(r"(!?)\[((?:[^\[\]\n]|\[[^\[\]\n]*\])*)\]\(\s*<?([^)\s>]*)>?(?:\s+(?:\"[^\"\n]*\"|'[^'\n]*'))?\s*\)")

# Coverage findings name the documents meeting a row; for a view they are made again from its rows.
_COVERAGE_CODES = {"SMS101", "SMS102", "SMS103", "SMS104", "SMS105"}


def withheld(handbook: Handbook) -> list[Document]:
    """The documents above the audience, in id order."""
    return sorted((d for d in handbook.documents if not handbook.settings.shows(d.classification)), key=lambda d: d.id)


def published(handbook: Handbook) -> Handbook:
    """The handbook as the audience sees it. ``handbook`` itself is returned when nothing is withheld."""
    hidden = {d.id for d in withheld(handbook)}
    if not hidden:
        return handbook
    hidden_paths = {handbook.by_id[doc_id].path for doc_id in hidden}

    def keep(doc: Document) -> Document:
        # Related ids above the audience are dropped: the panel would print them.
        related = tuple(ref for ref in doc.related if ref not in hidden)
        return doc if related == doc.related else replace(doc, related=related)

    documents = {d.id: keep(d) for d in handbook.documents if d.id not in hidden}
    rows = tuple(
        replace(
            row,
            documents=tuple(documents[d.id] for d in row.documents if d.id in documents),
            evidence=documents.get(row.evidence.id) if row.evidence else None,
            withheld=sum(1 for d in row.documents if d.id in hidden),
        )
        for row in handbook.coverage
    )
    findings = [
        f
        for f in handbook.findings
        if f.code not in _COVERAGE_CODES and f.document not in hidden and f.path not in hidden_paths
    ]
    findings += apply_severities(coverage.findings(rows, handbook.settings.implementation), handbook.settings.severity)
    pages = tuple(
        replace(page, document=documents[page.document.id]) if page.document else page
        for page in handbook.pages
        if page.path not in hidden_paths
    )
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
        withheld=len(hidden),
        source=handbook,
    )


def published_changes(handbook: Handbook, changes: Changes | None) -> Changes | None:
    """The "what changed" list as the audience may see it: documents it publishes now, and removed
    documents whose classification at the earlier ref was within the audience. Nothing else of the
    comparison (coverage, findings, either side's handbook) goes with it."""
    if changes is None or changes.diff is None:
        return changes
    diff, settings = changes.diff, handbook.settings
    now = handbook.by_id
    before = diff.base_handbook.by_id if diff.base_handbook is not None else {}

    def shown(doc_id: str) -> bool:
        return doc_id in now

    kept = replace(
        diff,
        added=tuple(d for d in diff.added if shown(d.id)),
        changed=tuple(d for d in diff.changed if shown(d.id)),
        renamed=tuple(d for d in diff.renamed if shown(d.id)),
        retired=tuple(d for d in diff.retired if shown(d.id)),
        removed=tuple(d for d in diff.removed if d.id in before and settings.shows(before[d.id].classification)),
        coverage=(),
        introduced=(),
        resolved=(),
        head_handbook=None,
        base_handbook=None,
    )
    return replace(changes, diff=kept)


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
