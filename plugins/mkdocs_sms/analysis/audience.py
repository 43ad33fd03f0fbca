"""What one audience may see: the handbook as published for ``audience``.

The SMS has every document, so the analysis (coverage, findings, audit readiness) runs on all of them.
A build for an audience publishes only documents classified up to that audience; :func:`published`
makes the view of the handbook that every page, table, link and ``sms.json`` of that build is rendered
from, so nothing above the audience can reach them by accident: not an id, a title or a path.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from urllib.parse import unquote, urlsplit

from mkdocs_sms.analysis import coverage
from mkdocs_sms.analysis.approvals import Approval, Evidence
from mkdocs_sms.analysis.changes import Changes
from mkdocs_sms.analysis.handbook import Handbook, shown_to
from mkdocs_sms.analysis.trend import Trend
from mkdocs_sms.model import references
from mkdocs_sms.model.defaults import META_FILE
from mkdocs_sms.model.document import Document, Page
from mkdocs_sms.read.git import History
from mkdocs_sms.rules import apply_severities, sort_key
from mkdocs_sms.text import md_cell

# What a [[ID]] link without text to a withheld document reads.
WITHHELD_TEXT = "(a document not published in this edition)"
# An inline Markdown link or image: [text](target "title"); the target may be in <angle brackets>.
_LINK = re.compile(r"(!?)\[((?:[^\[\]\n]|\[[^\[\]\n]*\])*)\]\(\s*<?([^)\s>]*)>?(?:\s+(?:\"[^\"\n]*\"|'[^'\n]*'))?\s*\)")

# Coverage findings name the documents meeting a row; for a view they are made again from its rows.
_COVERAGE_CODES = {"SMS101", "SMS102", "SMS103", "SMS104", "SMS105"}


def withheld_reference(text: str | None) -> str:
    """Markdown for ``[[ID]]`` or ``[[ID|text]]`` naming a withheld document: its custom text, or
    :data:`WITHHELD_TEXT`; plain text naming neither the id nor the title."""
    return md_cell(text.strip()) if text and text.strip() else WITHHELD_TEXT


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
        return _without_names(handbook)
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
            # The date of withheld evidence is a value of the withheld document: the view has none.
            evidence_date=row.evidence_date if row.evidence is None or row.evidence.id not in hidden else None,
            withheld=sum(1 for d in row.documents if d.id in hidden),
        )
        for row in handbook.coverage
    )
    findings += apply_severities(coverage.findings(rows, handbook.settings.implementation), handbook.settings.severity)

    return _without_names(
        replace(
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
            history=_published_history(handbook.history, hidden_paths, handbook.settings.history_details),
            withheld=len(hidden_pages),
            source=handbook,
            approvals=_published_approvals(handbook, documents, hidden_paths),
            acknowledgements={key: item for key, item in handbook.acknowledgements.items() if key in documents},
        )
    )


def names_shown(handbook: Handbook) -> bool:
    """Whether the audience may see who has and has not acknowledged: ``internal`` and above (a
    configuration without ``internal`` shows them to its highest classification only)."""
    return handbook.settings.shows("internal")


def _without_names(handbook: Handbook) -> Handbook:
    """For an audience below ``internal``: the acknowledgements as counts only, and no finding about the
    acknowledgement file (its findings quote the people in it)."""
    if not handbook.acknowledgements or names_shown(handbook):
        return handbook
    location = handbook.settings.acknowledge.location
    return replace(
        handbook,
        acknowledgements={key: item.anonymous() for key, item in handbook.acknowledgements.items()},
        findings=tuple(f for f in handbook.findings if f.path != location),
    )


def _published_approvals(
    handbook: Handbook, documents: Mapping[str, Document], hidden_paths: set[str]
) -> dict[str, Approval]:
    """The approvals of the published documents; as for the history, with ``history_details: dates`` the
    id of a commit that also changed a withheld page is left out of the evidence."""
    history = handbook.history
    shared: set[str] = set()
    if history is not None and handbook.settings.history_details != "full":
        shared = {r.commit for path in hidden_paths for r in history.of(path)}

    def published_evidence(item: Evidence) -> Evidence:
        return replace(item, where="") if item.where in shared else item

    return {
        key: replace(approval, evidence=tuple(published_evidence(item) for item in approval.evidence))
        for key, approval in handbook.approvals.items()
        if key in documents
    }


def _published_history(history: History | None, hidden_paths: set[str], details: str) -> History | None:
    """The history without the withheld pages; with ``details`` ``dates`` (the default), of a commit that
    also changed one of them only the date, version and status: its id, author and subject may lead to
    it or speak of it. ``full`` keeps them (an organisation whose commit messages name no document)."""
    if history is None or history.unavailable:
        return history
    shared = set() if details == "full" else {r.commit for path in hidden_paths for r in history.of(path)}
    revisions = {
        path: tuple(r._replace(commit="", author="", subject="") if r.commit in shared else r for r in revs)
        for path, revs in history.revisions.items()
        if path not in hidden_paths
    }
    return replace(history, revisions=revisions, paths=history.paths - hidden_paths)


def _folders(path: str) -> Iterable[str]:
    """The folders ``path`` is in, from its own up to docs_dir ('')."""
    folder = posixpath.dirname(path)
    while folder:
        yield folder
        folder = posixpath.dirname(folder)
    yield ""


def published_changes(handbook: Handbook, changes: Changes | None) -> Changes | None:
    """The "what changed" list as the audience may see it: documents it publishes now, and removed
    documents whose page at the earlier ref was within the audience (judged as a page is judged now: a
    classification that cannot be established counts as the highest). Nothing else of the comparison
    (coverage, findings, either side's handbook) goes with it."""
    if changes is None or changes.diff is None:
        return changes
    diff, settings = changes.diff, handbook.settings
    now = handbook.by_id
    before = {page.path: page for page in diff.base_handbook.pages} if diff.base_handbook is not None else {}

    def was_shown(document: Document) -> bool:
        page = before.get(document.path)
        return page is not None and shown_to(settings, page)

    kept = replace(
        diff,
        added=tuple(d for d in diff.added if d.id in now),
        changed=tuple(d for d in diff.changed if d.id in now),
        renamed=tuple(d for d in diff.renamed if d.id in now),
        retired=tuple(d for d in diff.retired if d.id in now),
        removed=tuple(d for d in diff.removed if was_shown(d)),
        coverage=(),
        introduced=(),
        resolved=(),
        head_handbook=None,
        base_handbook=None,
    )
    return replace(changes, diff=kept)


def published_trend(handbook: Handbook, trend: Trend | None) -> Trend | None:
    """The trend as the audience may see it: its points are counts of the whole SMS, which may be shown;
    a build that withholds documents leaves out the commits too unless ``history_details: full``, as
    it does in revision histories."""
    if trend is None or handbook.withheld == 0 or handbook.settings.history_details == "full":
        return trend
    return trend.without_commits()


def _resolve(target: str, page_path: str) -> list[str]:
    """The files in docs_dir a local link ``target`` of the page at ``page_path`` may name ([] for a URL
    elsewhere or an anchor): resolved from the page's folder, as MkDocs resolves Markdown links, and from
    its URL (``policies/charter/`` for ``policies/charter.md``), as a browser resolves raw HTML links."""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path:
        return []
    path = unquote(parts.path)
    if path.startswith("/"):
        return [posixpath.normpath(path.lstrip("/") or ".")]
    bases = (posixpath.dirname(page_path), posixpath.splitext(page_path)[0])
    return [posixpath.normpath(posixpath.join(base, path)) for base in bases]


def _names(target: str, page_path: str, paths: set[str]) -> bool:
    """Whether ``target`` links to one of ``paths`` (a source file, or the URL of a page made from one)."""
    for resolved in _resolve(target, page_path):
        stem = resolved.removesuffix("/index.html").removesuffix(".html")
        if {resolved, f"{stem}.md", f"{stem}/index.md"} & paths:
            return True
    return False


# A reference definition: [label]: target "title".
_DEFINITION = re.compile(r"^ {0,3}\[([^\[\]\n]+)\]:[ \t]*<?([^\s>]*)>?(?:[ \t]+.*)?$")
# A full or collapsed reference link or image: [text][label], [label][].
_FULL_REFERENCE = re.compile(r"(!?)\[((?:[^\[\]\n]|\[[^\[\]\n]*\])*)\]\[([^\[\]\n]*)\]")
# A shortcut reference: [label], not followed by a link, a reference or a definition's colon.
_SHORTCUT = re.compile(r"(!?)(?<!\])\[([^\[\]\n]+)\](?![\[(:])")
# A raw HTML link with its text, then any other tag whose href, src or data attribute names a file.
_HTML_LINK = re.compile(
    r"<a\b[^>]*?\bhref\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>\"']+))[^>]*>(.*?)</a\s*>", re.IGNORECASE
)
_HTML_TAG = re.compile(
    r"<[a-z][^>]*?\b(?:href|src|data)\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>\"']+))[^>]*>", re.IGNORECASE
)


def _label(text: str) -> str:
    """A reference label as Markdown matches it: case and runs of white space do not count."""
    return " ".join(text.split()).casefold()


def unlink(markdown: str, page_path: str, hidden: set[str]) -> str:
    """``markdown`` of the page at ``page_path`` with each link to a page in ``hidden`` made plain text
    (an image pointing there is dropped); MkDocs would otherwise warn of a link to a missing page.

    Inline links, reference links (whose definitions go) and raw HTML ``<a href>`` alike keep their
    text only, so that no ``href`` names the withheld file.
    """

    def inline(match: re.Match[str]) -> str:
        if not _names(match.group(3), page_path, hidden):
            return match.group(0)
        return "" if match.group(1) else match.group(2)

    if "](" in markdown:
        markdown = references.substitute(markdown, _LINK, inline)
    if "]:" in markdown:
        labels: set[str] = set()

        def definition(match: re.Match[str]) -> str:
            if not _names(match.group(2), page_path, hidden):
                return match.group(0)
            labels.add(_label(match.group(1)))
            return ""

        markdown = references.substitute(markdown, _DEFINITION, definition)
        if labels:

            def full(match: re.Match[str]) -> str:
                if _label(match.group(3) or match.group(2)) not in labels:
                    return match.group(0)
                return "" if match.group(1) else match.group(2)

            def shortcut(match: re.Match[str]) -> str:
                if _label(match.group(2)) not in labels:
                    return match.group(0)
                return "" if match.group(1) else match.group(2)

            markdown = references.substitute(markdown, _FULL_REFERENCE, full)
            markdown = references.substitute(markdown, _SHORTCUT, shortcut)
    if "<" in markdown:

        def html_link(match: re.Match[str]) -> str:
            target = next(group for group in match.groups()[:3] if group is not None)
            return match.group(4) if _names(target, page_path, hidden) else match.group(0)

        def html_tag(match: re.Match[str]) -> str:
            target = next(group for group in match.groups() if group is not None)
            return "" if _names(target, page_path, hidden) else match.group(0)

        markdown = references.substitute(markdown, _HTML_LINK, html_link)
        markdown = references.substitute(markdown, _HTML_TAG, html_tag)
    return markdown


def linked_files(markdown: str, page_path: str) -> set[str]:
    """Every file in docs_dir that ``markdown`` of the page at ``page_path`` may link to or embed (inline
    links and images, reference definitions, raw HTML attributes), by each way it may be resolved."""
    found: set[str] = set()
    for pattern, groups in ((_LINK, (3,)), (_DEFINITION, (2,)), (_HTML_TAG, (1, 2, 3))):
        for line in markdown.split("\n"):
            for match in pattern.finditer(line):
                for group in groups:
                    if match.group(group):
                        found.update(_resolve(match.group(group), page_path))
    return found


def withheld_attachments(texts: Mapping[str, str], hidden: set[str]) -> set[str]:
    """The files (images, PDFs...) that only withheld pages link to: ``texts`` is the Markdown of every
    page by path, ``hidden`` the withheld pages. A file a published page links to as well stays."""
    by_hidden: set[str] = set()
    by_published: set[str] = set()
    for path, markdown in texts.items():
        (by_hidden if path in hidden else by_published).update(linked_files(markdown, path))
    return by_hidden - by_published - hidden
