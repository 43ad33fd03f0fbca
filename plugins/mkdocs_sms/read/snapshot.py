"""Snapshots: the pages of a handbook and its folder defaults at one point, as bytes.

Every analysis starts from a snapshot, wherever the pages come from: the files MkDocs found for a
build, the working tree the command line walks, or a git ref (read from git objects, without a
checkout). Two snapshots of the same tree hold the same bytes, so every face reaches the same verdicts.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pathspec

from mkdocs_sms.model.defaults import META_FILE
from mkdocs_sms.read.files import read_metas, read_pages
from mkdocs_sms.read.git import files_at
from mkdocs_sms.read.mkdocs_yml import MARKDOWN_SUFFIXES, Project
from mkdocs_sms.rules import Finding

WORKING_TREE = "working tree"


@dataclass(frozen=True)
class Snapshot:
    """The pages (path relative to docs_dir -> bytes) and ``.meta.yml`` files (folder -> bytes) of a
    handbook, with a finding for each page or file that could not be read."""

    label: str
    pages: Mapping[str, bytes]
    metas: Mapping[str, bytes] = field(default_factory=dict)
    unread: tuple[Finding, ...] = ()
    commit: str | None = None


def of_files(label: str, docs_dir: Path, pages: Iterable[tuple[str, Path]]) -> Snapshot:
    """The pages given as (path relative to its folder, the folder), and the ``.meta.yml`` of docs_dir."""
    sources, unread = read_pages(pages)
    metas, unread_metas = read_metas(docs_dir)
    return Snapshot(label, dict(sources), metas, (*unread, *unread_metas))


def of_project(project: Project) -> Snapshot:
    """The working tree: every page MkDocs would build from the project's docs_dir."""
    return of_files(WORKING_TREE, project.docs_dir, ((path, project.docs_dir) for path in project.page_paths()))


def at_ref(docs_dir: Path, exclude: pathspec.PathSpec, ref: str) -> Snapshot:  # type: ignore[type-arg]
    """The pages and folder defaults of ``docs_dir`` at the git ``ref``; raises GitError when it cannot
    be read. The same pages as MkDocs would build from a checkout of ``ref``: every Markdown suffix,
    ``exclude`` (MkDocs' defaults and ``exclude_docs``) applied.
    """

    def wanted(path: str) -> bool:
        is_page = path.endswith(MARKDOWN_SUFFIXES) and not exclude.match_file(path)
        return is_page or posixpath.basename(path) == META_FILE

    commit, files = files_at(docs_dir, ref, wanted)
    pages = {path: raw for path, raw in files.items() if posixpath.basename(path) != META_FILE}
    metas = {posixpath.dirname(path): raw for path, raw in files.items() if posixpath.basename(path) == META_FILE}
    return Snapshot(ref, pages, metas, commit=commit)
