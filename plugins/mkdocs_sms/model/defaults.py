"""Folder defaults: a ``.meta.yml`` in a folder gives default front-matter to the documents under it.

This is the convention of Material's meta plugin. mkdocs-sms reads the files itself, so the plugin and
the command line apply them alike, with or without the meta plugin: the folders' values are merged
from docs_dir down (a deeper folder wins), and a document's own front-matter wins over them all.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from mkdocs_sms.findings import RULES, Finding
from mkdocs_sms.model import frontmatter
from mkdocs_sms.sources import OutsideLink, outside_link_finding, read_inside

META_FILE = ".meta.yml"


def read_defaults(docs_dir: Path) -> tuple[dict[str, dict[str, Any]], list[Finding]]:
    """Defaults by folder (relative to docs_dir, '' for docs_dir itself), and problems reading them."""
    files: dict[str, bytes] = {}
    unread: list[Finding] = []
    for root, dirs, names in os.walk(docs_dir):
        dirs.sort()
        if META_FILE in names:
            folder = Path(root).relative_to(docs_dir).as_posix()
            folder = "" if folder == "." else folder
            path = f"{folder}/{META_FILE}" if folder else META_FILE
            try:
                files[folder] = read_inside(docs_dir, path)
            except OutsideLink as link:
                unread.append(outside_link_finding(path, link, "the folder defaults are not read"))
            except OSError:
                continue
    defaults, problems = parse_defaults(files)
    return defaults, unread + problems


def parse_defaults(files: Mapping[str, bytes]) -> tuple[dict[str, dict[str, Any]], list[Finding]]:
    """Defaults from the ``.meta.yml`` contents of each folder (for the working tree or a git ref)."""
    defaults: dict[str, dict[str, Any]] = {}
    problems: list[Finding] = []
    for folder, raw in sorted(files.items()):
        where = f"{folder}/{META_FILE}" if folder else META_FILE
        try:
            text = frontmatter.decode(raw)
        except frontmatter.UnreadableText as exc:
            problems.append(RULES["SMS009"].finding(exc.reason, path=where, line=exc.line))
            continue
        # Parsed as a front-matter block so that errors carry lines; the block starts one line earlier.
        parsed = frontmatter.parse(f"---\n{text}\n---\n")
        if parsed.error:
            line = (parsed.error_line or frontmatter.FIRST_LINE) - 1
            problems.append(RULES["SMS001"].finding(f"folder defaults {parsed.error}", path=where, line=line))
            continue
        defaults[folder] = parsed.data
    return defaults, problems


def defaults_for(path: str, defaults: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """The merged defaults for the page at ``path`` (relative to docs_dir)."""
    merged: dict[str, Any] = dict(defaults.get("", {}))
    parts = path.split("/")[:-1]
    for depth in range(1, len(parts) + 1):
        merged.update(defaults.get("/".join(parts[:depth]), {}))
    return merged
