"""Folder defaults: a ``.meta.yml`` in a folder gives default front-matter to the documents under it.

This is the convention of Material's meta plugin. mkdocs-sms reads the files itself, so the plugin and
the command line apply them alike, with or without the meta plugin: the folders' values are merged
from docs_dir down (a deeper folder wins), and a document's own front-matter wins over them all.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mkdocs_sms.model import frontmatter
from mkdocs_sms.rules import RULES, Finding

META_FILE = ".meta.yml"


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
