"""What a change does to the SMS: the handbook at a base ref against the handbook at a head ref.

Both sides are read straight from git objects (``ls-tree`` and one ``cat-file --batch`` stream per
ref), or from the working tree for the head; no checkout, no temporary copy of the tree. Both sides are
analysed with the same settings and catalogues, then compared by document id, coverage row and finding.
"""

from __future__ import annotations

import difflib
import posixpath
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mkdocs_sms.analysis.coverage import STATUSES, CoverageRow
from mkdocs_sms.analysis.handbook import Handbook, analyse
from mkdocs_sms.catalogue import Catalogue
from mkdocs_sms.model import frontmatter
from mkdocs_sms.model.defaults import META_FILE, parse_defaults
from mkdocs_sms.model.document import Document
from mkdocs_sms.read.files import read_defaults
from mkdocs_sms.read.git import GitError, files_at
from mkdocs_sms.read.mkdocs_yml import MARKDOWN_SUFFIXES, Project
from mkdocs_sms.rules import RULES, Code, Finding, Severity, apply_severities, sort_key
from mkdocs_sms.settings import Settings

WORKING_TREE = "working tree"


class DiffError(Exception):
    """A ref that cannot be read, or no git: the diff cannot be made."""


@dataclass(frozen=True)
class Side:
    """One side of the comparison: its label, its pages' bytes and their analysis."""

    label: str
    sources: dict[str, bytes]
    handbook: Handbook


@dataclass(frozen=True)
class FieldChange:
    key: str
    old: Any
    new: Any


@dataclass(frozen=True)
class DocumentDiff:
    id: str
    title: str
    path: str
    old_path: str | None = None
    fields: tuple[FieldChange, ...] = ()
    lines_added: int = 0
    lines_removed: int = 0


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

    @property
    def fails(self) -> bool:
        """Exit status 1: the change introduces an error finding or lowers coverage."""
        return any(f.severity is Severity.ERROR for f in self.introduced) or any(r.lowered for r in self.coverage)


def sources_at(project: Project, ref: str) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """The Markdown pages of docs_dir at ``ref`` and its folders' ``.meta.yml``, read from git objects."""

    def wanted(path: str) -> bool:
        is_page = path.endswith(MARKDOWN_SUFFIXES) and not project.exclude.match_file(path)
        return is_page or posixpath.basename(path) == META_FILE

    try:
        _, files = files_at(project.docs_dir, ref, wanted)
    except GitError as exc:
        raise DiffError(f"'{ref}' cannot be read: {exc}") from None
    pages = {path: raw for path, raw in files.items() if posixpath.basename(path) != META_FILE}
    metas = {posixpath.dirname(path): raw for path, raw in files.items() if posixpath.basename(path) == META_FILE}
    return pages, metas


def load_side(project: Project, settings: Settings, catalogues: Sequence[Catalogue], ref: str | None) -> Side:
    """The handbook at ``ref`` (None: the working tree), with its folder defaults."""
    if ref is None:
        # Files not read (SMS301, SMS009) are left out of both sides: git objects hold a link's text,
        # not what it points to, so the base could never report them and every change would "introduce" them.
        pages, _ = project.sources()
        by_folder, problems = read_defaults(project.docs_dir)
        sources, defaults = dict(pages), (by_folder, [f for f in problems if f.code != "SMS301"])
    else:
        sources, metas = sources_at(project, ref)
        defaults = parse_defaults(metas)
    return Side(ref or WORKING_TREE, sources, analyse(sources.items(), settings, catalogues, None, defaults))


def compare(base: Side, head: Side) -> Diff:
    """Everything the change from ``base`` to ``head`` does to the SMS."""
    old_docs, new_docs = base.handbook.by_id, head.handbook.by_id
    added = tuple(d for i, d in sorted(new_docs.items()) if i not in old_docs)
    removed = tuple(d for i, d in sorted(old_docs.items()) if i not in new_docs)
    renamed, changed, retired = [], [], []
    checks: list[Finding] = []
    for doc_id, new in sorted(new_docs.items()):
        old = old_docs.get(doc_id)
        if old is None:
            continue
        old_raw, new_raw = base.sources.get(old.path, b""), head.sources.get(new.path, b"")
        if old_raw == new_raw and old.path == new.path:
            continue  # most documents are untouched by a change: skip them without parsing again
        fields = _field_changes(old_raw, new_raw)
        added_lines, removed_lines = _body_lines(old_raw, new_raw)
        entry = DocumentDiff(doc_id, new.title, new.path, old.path if old.path != new.path else None,
                             tuple(fields), added_lines, removed_lines)  # fmt: skip
        if entry.old_path:
            renamed.append(entry)
        if fields or added_lines or removed_lines:
            changed.append(entry)
        if new.status == "retired" and old.status != "retired":
            retired.append(new)
        checks.extend(_review_checks(old, new, bool(added_lines or removed_lines)))
    checks.extend(_removal_checks(removed, base.handbook.coverage, head.handbook.coverage))
    checks = apply_severities(checks, head.handbook.settings.severity)
    introduced, resolved = _finding_changes(base.handbook.findings, head.handbook.findings)
    return Diff(
        base=base.label,
        head=head.label,
        added=added,
        removed=removed,
        renamed=tuple(renamed),
        changed=tuple(changed),
        retired=tuple(retired),
        coverage=tuple(_coverage_changes(base.handbook.coverage, head.handbook.coverage)),
        introduced=tuple(sorted([*checks, *introduced], key=sort_key)),
        resolved=tuple(resolved),
        head_handbook=head.handbook,
    )


def _front(raw: bytes) -> dict[str, Any]:
    try:
        return frontmatter.parse(frontmatter.decode(raw)).data
    except frontmatter.UnreadableText:
        return {}


def _field_changes(old_raw: bytes, new_raw: bytes) -> list[FieldChange]:
    old, new = _front(old_raw), _front(new_raw)
    keys = list(dict.fromkeys([*old, *new]))
    return [FieldChange(k, _plain(old.get(k)), _plain(new.get(k))) for k in keys if old.get(k) != new.get(k)]


def _plain(value: Any) -> Any:
    """A JSON-friendly value: dates as ISO strings."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _body(raw: bytes) -> list[str]:
    try:
        text = frontmatter.decode(raw)
    except frontmatter.UnreadableText:
        return []
    match = frontmatter.BLOCK.match(text)
    return (text[match.end() :] if match else text).splitlines()


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


def _review_checks(old: Document, new: Document, body_changed: bool) -> Iterable[Finding]:
    def finding(code: Code, text: str) -> Finding:
        return RULES[code].finding(text, path=new.path, line=new.line_of("version"), document=new.id)

    if new.approved and old.approved and body_changed and old.version == new.version:
        yield finding("SMS201", f"content changed but version {new.version} was approved before; raise the version")
    if old.version and new.version and _version_key(new.version) < _version_key(old.version):
        yield finding("SMS204", f"version went backwards: {old.version} → {new.version}")
    elif new.status == "approved" and old.status != "approved" and old.version == new.version and old.version:
        yield finding(
            "SMS204", f"status went back to approved ({old.status} → approved) without a new version ({new.version})"
        )


def _removal_checks(
    removed: Sequence[Document], old_rows: Sequence[CoverageRow], new_rows: Sequence[CoverageRow]
) -> Iterable[Finding]:
    gone = {d.id for d in removed}
    for row in old_rows:
        meeting = [d for d in row.documents if d.status != "retired"]
        if row.requirement.required and len(meeting) == 1 and meeting[0].id in gone:
            req = row.requirement
            yield RULES["SMS205"].finding(
                f"{meeting[0].path} was the only document meeting {req.catalogue} {req.clause} "
                f"({req.kind}: {req.name})",
                document=meeting[0].id,
            )


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


def diff_json(diff: Diff) -> dict[str, Any]:
    """The stable JSON form of a diff (documented in the README)."""

    def doc(d: Document) -> dict[str, Any]:
        return {"id": d.id, "title": d.title, "path": d.path, "version": d.version, "status": d.status}

    def changed(d: DocumentDiff) -> dict[str, Any]:
        return {
            "id": d.id, "title": d.title, "path": d.path, "old_path": d.old_path,
            "fields": [{"key": f.key, "old": f.old, "new": f.new} for f in d.fields],
            "body": {"lines_added": d.lines_added, "lines_removed": d.lines_removed},
        }  # fmt: skip

    return {
        "base": diff.base,
        "head": diff.head,
        "documents": {
            "added": [doc(d) for d in diff.added],
            "removed": [doc(d) for d in diff.removed],
            "renamed": [{"id": d.id, "from": d.old_path, "to": d.path} for d in diff.renamed],
            "retired": [doc(d) for d in diff.retired],
            "changed": [changed(d) for d in diff.changed],
        },
        "coverage": [
            {
                "catalogue": r.catalogue,
                "clause": r.clause,
                "requirement": r.requirement,
                "kind": r.kind,
                "from": r.old,
                "to": r.new,
                "lowered": r.lowered,
            }
            for r in diff.coverage
        ],
        "findings": {
            "introduced": [f.to_json() for f in diff.introduced],
            "resolved": [f.to_json() for f in diff.resolved],
        },
        "verdict": "fail" if diff.fails else "pass",
    }


def display_path(project: Project, path: str) -> str:
    """A docs_dir-relative path as a path relative to the working directory (for annotations)."""
    full = project.docs_dir / path
    try:
        return full.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return full.as_posix()
