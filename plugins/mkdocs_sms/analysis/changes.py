"""What changed in this edition: the documents now against the documents at an earlier git ref."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from mkdocs_sms.model import frontmatter
from mkdocs_sms.model.document import Document
from mkdocs_sms.read.git import GitError, files_at, git, repository


@dataclass(frozen=True)
class Snapshot:
    """A document as it was at the earlier ref."""

    id: str
    path: str
    title: str
    version: str | None
    status: str
    classification: str | None = None


@dataclass(frozen=True)
class DocumentChange:
    """One document added, changed, retired or removed since the earlier ref."""

    kind: str  # added, changed, retired, removed
    id: str
    title: str
    path: str | None
    old_version: str | None = None
    new_version: str | None = None
    old_status: str | None = None
    new_status: str | None = None
    old_path: str | None = None
    old_classification: str | None = None


@dataclass(frozen=True)
class Changes:
    """The changes since ``ref`` (resolved to ``commit``), or why they are unknown."""

    ref: str | None
    commit: str | None = None
    changes: tuple[DocumentChange, ...] = ()
    unavailable: str | None = None

    def of_kind(self, kind: str) -> list[DocumentChange]:
        return [change for change in self.changes if change.kind == kind]


def default_ref(docs_dir: Path) -> str | None:
    """The newest tag reachable from HEAD that is not on HEAD itself (None when there is none)."""
    try:
        return git(["describe", "--tags", "--abbrev=0", "HEAD^"], docs_dir).decode().strip() or None
    except GitError:
        return None


def read_changes(docs_dir: Path, documents: Iterable[Document], ref: str | None) -> Changes:
    """Compare ``documents`` with the documents under ``docs_dir`` at ``ref`` (default: see above)."""
    try:
        repository(docs_dir)
    except GitError as exc:
        return Changes(ref, unavailable=str(exc))
    ref = ref or default_ref(docs_dir)
    if ref is None:
        return Changes(None, unavailable="no earlier tag to compare with (set 'changes_since' to a git ref)")
    try:
        commit, files = files_at(docs_dir, ref, lambda path: path.endswith(".md"))
    except GitError as exc:
        return Changes(ref, unavailable=str(exc))
    before = {snap.id: snap for snap in _snapshots(files)}
    return Changes(ref, commit, tuple(compare(before, documents)))


def _snapshots(files: dict[str, bytes]) -> Iterable[Snapshot]:
    for path, raw in sorted(files.items()):
        try:
            text = frontmatter.decode(raw)
        except frontmatter.UnreadableText:
            continue
        keys = ("id", "title", "version", "status", "classification")
        doc_id, title, version, status, classification = frontmatter.quick_values(text, keys)
        if doc_id:
            yield Snapshot(doc_id, path, title or doc_id, version, status or "draft", classification)


def compare(before: dict[str, Snapshot], documents: Iterable[Document]) -> list[DocumentChange]:
    """Documents added, changed (version or status), retired and removed, matched by id."""
    result = []
    now = {document.id: document for document in documents}
    for doc_id, doc in sorted(now.items()):
        old = before.get(doc_id)
        if old is None:
            result.append(
                DocumentChange("added", doc_id, doc.title, doc.path, new_version=doc.version, new_status=doc.status)
            )
            continue
        if old.version == doc.version and old.status == doc.status:
            continue
        kind = "retired" if doc.status == "retired" and old.status != "retired" else "changed"
        result.append(
            DocumentChange(
                kind,
                doc_id,
                doc.title,
                doc.path,
                old.version,
                doc.version,
                old.status,
                doc.status,
                old.path if old.path != doc.path else None,
            )
        )
    for doc_id, old in sorted(before.items()):
        if doc_id not in now:
            result.append(
                DocumentChange(
                    "removed",
                    doc_id,
                    old.title,
                    None,
                    old_version=old.version,
                    old_status=old.status,
                    old_path=old.path,
                    old_classification=old.classification,
                )
            )
    return result
