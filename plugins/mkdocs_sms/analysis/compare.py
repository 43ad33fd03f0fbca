"""One comparison of the handbook at two points: what a change, or an edition, does to the SMS.

``mkdocs-sms diff`` (a pull request: base ref against head) and the "what changed" page of a build (an
earlier tag against this edition) both call :func:`compare` on two analysed snapshots, so they list the
same documents as added, changed, renamed, retired and removed. Documents are matched by id; coverage
rows by catalogue and requirement; findings by code, file, document and text.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from mkdocs_sms.analysis.coverage import STATUSES, CoverageRow
from mkdocs_sms.analysis.handbook import Handbook, unraised_version
from mkdocs_sms.model import frontmatter
from mkdocs_sms.model.document import Document
from mkdocs_sms.read.git import History, Revision, version_commit
from mkdocs_sms.read.snapshot import Snapshot
from mkdocs_sms.rules import RULES, Code, Finding, Severity, apply_severities, sort_key


@dataclass(frozen=True)
class Side:
    """One side of the comparison: a snapshot and its analysis."""

    snapshot: Snapshot
    handbook: Handbook

    @property
    def label(self) -> str:
        return self.snapshot.label


@dataclass(frozen=True)
class FieldChange:
    key: str
    old: Any
    new: Any


@dataclass(frozen=True)
class DocumentDiff:
    """A document at both sides: what changed in its front-matter and its text, and where it moved."""

    id: str
    title: str
    path: str
    old_path: str | None = None
    fields: tuple[FieldChange, ...] = ()
    lines_added: int = 0
    lines_removed: int = 0
    old_version: str | None = None
    new_version: str | None = None
    old_status: str | None = None
    new_status: str | None = None

    @property
    def text_changed(self) -> bool:
        return bool(self.lines_added or self.lines_removed)

    @property
    def version_raised(self) -> bool:
        return self.old_version != self.new_version


@dataclass(frozen=True)
class RowChange:
    catalogue: str
    clause: str
    requirement: str
    kind: str
    old: str
    new: str

    @property
    def lowered(self) -> bool:
        return STATUSES.index(self.new) > STATUSES.index(self.old)


@dataclass(frozen=True)
class Diff:
    base: str
    head: str
    added: tuple[Document, ...] = ()
    removed: tuple[Document, ...] = ()
    renamed: tuple[DocumentDiff, ...] = ()
    changed: tuple[DocumentDiff, ...] = ()
    retired: tuple[Document, ...] = ()
    coverage: tuple[RowChange, ...] = ()
    introduced: tuple[Finding, ...] = ()
    resolved: tuple[Finding, ...] = ()
    head_handbook: Handbook | None = field(default=None, compare=False)
    base_handbook: Handbook | None = field(default=None, compare=False)

    @property
    def fails(self) -> bool:
        """Exit status 1: the change introduces an error finding or lowers coverage."""
        return any(f.severity is Severity.ERROR for f in self.introduced) or any(r.lowered for r in self.coverage)


def reapprovals(base: Side, head: Side) -> list[str]:
    """Paths at ``base`` of documents approved at ``head`` but not at ``base`` under the same version:
    whether that is a first approval or an approval again of other content, only their history tells."""
    found = []
    for doc_id, new in head.handbook.by_id.items():
        old = base.handbook.by_id.get(doc_id)
        if old is not None and new.approved and not old.approved and old.version == new.version:
            found.append(old.path)
    return found


def compare(base: Side, head: Side, base_history: History | None = None) -> Diff:
    """Everything the change from ``base`` to ``head`` does to the SMS; ``base_history`` is the history at
    ``base`` of (at least) the documents :func:`reapprovals` names."""
    old_docs, new_docs = base.handbook.by_id, head.handbook.by_id
    added = tuple(d for i, d in sorted(new_docs.items()) if i not in old_docs)
    removed = tuple(d for i, d in sorted(old_docs.items()) if i not in new_docs)
    renamed, changed, retired = [], [], []
    checks: list[Finding] = []
    for doc_id, new in sorted(new_docs.items()):
        old = old_docs.get(doc_id)
        if old is None:
            continue
        old_raw, new_raw = base.snapshot.pages.get(old.path, b""), head.snapshot.pages.get(new.path, b"")
        if old_raw == new_raw and old == new:
            continue  # most documents are untouched by a change: skip them without parsing again
        fields = _field_changes(old_raw, new_raw, old, new)
        added_lines, removed_lines = _body_lines(old_raw, new_raw)
        entry = DocumentDiff(
            doc_id, new.title, new.path, old.path if old.path != new.path else None, tuple(fields),
            added_lines, removed_lines, old.version, new.version, old.status, new.status,
        )  # fmt: skip
        if entry.old_path:
            renamed.append(entry)
        if fields or added_lines or removed_lines:
            changed.append(entry)
        if new.status == "retired" and old.status != "retired":
            retired.append(new)
        approved_before = None
        if base_history is not None and not base_history.unavailable:
            approved_before = version_commit(base_history.of(old.path), old.version)
        checks.extend(_review_checks(old, new, base.label, approved_before))
    checks.extend(_removal_checks(removed, base.handbook.coverage, head.handbook.coverage))
    introduced, resolved = _finding_changes(base.handbook.findings, head.handbook.findings)
    # The configured severities decide last, over the SMS010 errors of documents lost at the head too.
    introduced = apply_severities(
        _dropped_documents(removed, head.snapshot, [*checks, *introduced]), head.handbook.settings.severity
    )
    return Diff(
        base=base.label,
        head=head.label,
        added=added,
        removed=removed,
        renamed=tuple(renamed),
        changed=tuple(changed),
        retired=tuple(retired),
        coverage=tuple(_coverage_changes(base.handbook.coverage, head.handbook.coverage)),
        introduced=tuple(sorted(introduced, key=sort_key)),
        resolved=tuple(resolved),
        head_handbook=head.handbook,
        base_handbook=base.handbook,
    )


def _front(raw: bytes) -> dict[str, Any]:
    try:
        return frontmatter.parse(frontmatter.decode(raw)).data
    except frontmatter.UnreadableText:
        return {}


# Keys whose value may come from folder defaults (.meta.yml) rather than the page itself.
_INHERITABLE = ("title", "type", "owner", "status", "version", "classification", "approved_by", "approved_on",
                "date", "clauses", "related")  # fmt: skip


def _field_changes(old_raw: bytes, new_raw: bytes, old_doc: Document, new_doc: Document) -> list[FieldChange]:
    """Keys whose value differs: as written on the page, and as inherited from folder defaults."""
    old, new = _front(old_raw), _front(new_raw)
    keys = list(dict.fromkeys([*old, *new]))
    changes = [FieldChange(k, _plain(old.get(k)), _plain(new.get(k))) for k in keys if old.get(k) != new.get(k)]
    for key in _INHERITABLE:
        if key in old or key in new:
            continue
        before, after = getattr(old_doc, key), getattr(new_doc, key)
        if before != after:
            changes.append(FieldChange(key, _plain(before), _plain(after)))
    return changes


def _plain(value: Any) -> Any:
    """A JSON-friendly value: dates as ISO strings."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _body(raw: bytes) -> list[str]:
    try:
        text = frontmatter.decode(raw)
    except frontmatter.UnreadableText:
        return []
    return frontmatter.split(text).body.splitlines()


def _body_lines(old_raw: bytes, new_raw: bytes) -> tuple[int, int]:
    old, new = _body(old_raw), _body(new_raw)
    if old == new:
        return 0, 0
    added = removed = 0
    for line in difflib.unified_diff(old, new, lineterm="", n=0):
        if line.startswith("+") and not line.startswith("+++"):
            added += 1
        elif line.startswith("-") and not line.startswith("---"):
            removed += 1
    return added, removed


def _version_key(version: str | None) -> tuple[tuple[int, int | str], ...]:
    parts = (version or "").replace("-", ".").split(".")
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in parts)


def _iso(value: dt.date | None) -> str:
    return value.isoformat() if value else "—"


def _review_checks(old: Document, new: Document, base: str, approved_before: Revision | None) -> Iterable[Finding]:
    """SMS201 for an approved version whose text changed; SMS204 for a version that goes back, or an
    approval again under a version that was approved before (``approved_before``) with other content.

    Approving a draft for the first time (``draft`` -> ``approved``, version unchanged) is neither: a
    document that was never approved cannot go back to approved.
    """

    def finding(code: Code, text: str) -> Finding:
        return RULES[code].finding(text, path=new.path, line=new.line_of("version"), document=new.id)

    if old.approved and new.approved and old.version == new.version and old.body_digest != new.body_digest:
        if old.approved_on != new.approved_on:
            # A new approval recorded for other content under the version approved at the base.
            yield finding(
                "SMS204",
                f"approved again as version {new.version} (approved_on {_iso(old.approved_on)} → "
                f"{_iso(new.approved_on)}) with other content than was approved at {base}; raise the version",
            )
        else:
            unraised = unraised_version(new, old.body_digest, f"it was approved at {base}")
            if unraised is not None:
                yield unraised
    if old.version and new.version and _version_key(new.version) < _version_key(old.version):
        yield finding("SMS204", f"version went backwards: {old.version} → {new.version}")
    elif (
        new.approved
        and not old.approved
        and approved_before is not None
        and approved_before.body_digest not in (None, new.body_digest)
    ):
        yield finding(
            "SMS204",
            f"approved again as version {new.version}, which was approved before ({approved_before.commit[:7]}, "
            f"{approved_before.date}) with other content; raise the version",
        )


def _removal_checks(
    removed: Sequence[Document], old_rows: Sequence[CoverageRow], new_rows: Sequence[CoverageRow]
) -> Iterable[Finding]:
    """SMS205: a removed document was the only one meeting a required row, and the row ends worse.

    A row that another document now meets as well as before (a draft replaced by an approved record)
    is no finding: only a row that ends worse than it was.
    """
    gone = {d.id for d in removed}
    after = {(r.requirement.catalogue, r.requirement.key): r for r in new_rows}
    for row in old_rows:
        meeting = [d for d in row.documents if d.status != "retired"]
        if not (row.requirement.required and len(meeting) == 1 and meeting[0].id in gone):
            continue
        req = row.requirement
        now = after.get((req.catalogue, req.key))
        if now is not None and STATUSES.index(now.status) <= STATUSES.index(row.status):
            continue
        yield RULES["SMS205"].finding(
            f"{meeting[0].path} was the only document meeting {req.catalogue} {req.clause} "
            f"({req.kind}: {req.name}); the row goes from {row.status} to {now.status if now else 'nothing'}",
            document=meeting[0].id,
        )


def _dropped_documents(removed: Sequence[Document], head: Snapshot, found: list[Finding]) -> list[Finding]:
    """``found`` with SMS010 raised to an error for a page that was a document at the base but is no
    longer read as one (its front-matter broke, or lost its id, where it was or where it moved): otherwise
    the document would count as removed without a word. A page still where it was that says nothing else
    about it gets an SMS010 error of its own."""
    gone = {d.id for d in removed}
    dropped = {d.path: d for d in removed if d.path in head.pages}

    def lost(f: Finding) -> bool:
        return f.code == "SMS010" and (f.path in dropped or f.document in gone)

    result = [replace(f, severity=Severity.ERROR) if lost(f) else f for f in found]
    named = {f.document for f in result if lost(f)}
    for path, document in dropped.items():
        if document.id in named or any(f.path == path and f.severity is Severity.ERROR for f in result):
            continue
        finding = RULES["SMS010"].finding(
            f"was document {document.id} at the base, but its page is no longer read as a controlled document",
            path=path,
            line=1,
            document=document.id,
        )
        result.append(replace(finding, severity=Severity.ERROR))
    return result


def _coverage_changes(old_rows: Sequence[CoverageRow], new_rows: Sequence[CoverageRow]) -> Iterable[RowChange]:
    before = {(r.requirement.catalogue, r.requirement.key): r for r in old_rows}
    for row in new_rows:
        req = row.requirement
        old = before.get((req.catalogue, req.key))
        if old is not None and old.status != row.status:
            yield RowChange(req.catalogue, req.clause, req.name, req.kind, old.status, row.status)


def _finding_key(finding: Finding) -> tuple[str, str | None, str | None, str]:
    # Lines move when text is added above; a finding is the same when its code, file, document and
    # text are the same.
    return (finding.code, finding.path, finding.document, finding.text)


def _finding_changes(old: Sequence[Finding], new: Sequence[Finding]) -> tuple[list[Finding], list[Finding]]:
    old_keys = {_finding_key(f) for f in old}
    new_keys = {_finding_key(f) for f in new}
    return [f for f in new if _finding_key(f) not in old_keys], [f for f in old if _finding_key(f) not in new_keys]
