"""Snapshots: the pages of a handbook and its folder defaults at one point, as bytes.

Every analysis starts from a snapshot, wherever the pages come from: the files MkDocs found for a
build, the working tree the command line walks, or a git ref (read from git objects, without a
checkout). Two snapshots of the same tree hold the same bytes, so every face reaches the same verdicts.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pathspec

from mkdocs_sms.model.defaults import META_FILE
from mkdocs_sms.read.files import DATA_SUFFIXES, read_metas, read_pages
from mkdocs_sms.read.git import files_at, read_objects, repository, tree_blobs
from mkdocs_sms.read.mkdocs_yml import MARKDOWN_SUFFIXES, Project
from mkdocs_sms.rules import Finding

WORKING_TREE = "working tree"


@dataclass(frozen=True)
class Snapshot:
    """The pages (path relative to docs_dir -> bytes), ``.meta.yml`` files (folder -> bytes) and other
    YAML files (path -> bytes: the data files documents may name) of a handbook, with a finding for each
    page or file that could not be read."""

    label: str
    pages: Mapping[str, bytes]
    metas: Mapping[str, bytes] = field(default_factory=dict)
    unread: tuple[Finding, ...] = ()
    commit: str | None = None
    data: Mapping[str, bytes] = field(default_factory=dict)


def of_files(label: str, docs_dir: Path, pages: Iterable[tuple[str, Path]]) -> Snapshot:
    """The pages given as (path relative to its folder, the folder), and the ``.meta.yml`` of docs_dir."""
    sources, unread = read_pages(pages)
    metas, data, unread_metas = read_metas(docs_dir)
    return Snapshot(label, dict(sources), metas, (*unread, *unread_metas), data=data)


def of_project(project: Project) -> Snapshot:
    """The working tree: every page MkDocs would build from the project's docs_dir."""
    return of_files(WORKING_TREE, project.docs_dir, ((path, project.docs_dir) for path in project.page_paths()))


def _wanted(exclude: pathspec.PathSpec) -> Callable[[str], bool]:  # type: ignore[type-arg]
    """Whether a file is one MkDocs would build as a page (``exclude`` applied), a ``.meta.yml`` or
    another YAML file (a data file a document may name)."""

    def wanted(path: str) -> bool:
        is_page = path.endswith(MARKDOWN_SUFFIXES) and not exclude.match_file(path)
        return is_page or path.endswith(DATA_SUFFIXES)

    return wanted


def _of_git(label: str, commit: str, files: Mapping[str, bytes]) -> Snapshot:
    pages, metas, data = {}, {}, {}
    for path, raw in files.items():
        if posixpath.basename(path) == META_FILE:
            metas[posixpath.dirname(path)] = raw
        elif path.endswith(DATA_SUFFIXES):
            data[path] = raw
        else:
            pages[path] = raw
    return Snapshot(label, pages, metas, commit=commit, data=data)


def at_ref(docs_dir: Path, exclude: pathspec.PathSpec, ref: str) -> Snapshot:  # type: ignore[type-arg]
    """The pages and folder defaults of ``docs_dir`` at the git ``ref``; raises GitError when it cannot
    be read. The same pages as MkDocs would build from a checkout of ``ref``: every Markdown suffix,
    ``exclude`` (MkDocs' defaults and ``exclude_docs``) applied.
    """
    commit, files = files_at(docs_dir, ref, _wanted(exclude))
    return _of_git(ref, commit, files)


def at_commits(
    docs_dir: Path,
    exclude: pathspec.PathSpec,  # type: ignore[type-arg]
    commits: Sequence[str],
) -> Iterator[Snapshot]:
    """:func:`at_ref` for each of ``commits`` (ids), in turn, labelled with its id: four git processes
    in all (where the repository is, the files of the first commit, what changed from each commit to the
    next, and one ``cat-file`` stream of every blob they hold, each read once)."""
    if not commits:
        return
    root, prefix = repository(docs_dir)
    trees = tree_blobs(root, prefix, list(commits), _wanted(exclude))
    blobs = read_objects(root, sorted({blob for tree in trees for blob in tree.values()}))
    for commit, tree in zip(commits, trees, strict=True):
        yield _of_git(commit, commit, {path: blobs[blob] for path, blob in tree.items()})
