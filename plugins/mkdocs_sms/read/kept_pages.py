"""Pages as the last run read them, kept on disk so that the next run parses only the pages that changed.

Reading a page (its front-matter's YAML, the schema, its references) depends on nothing but its path, its
bytes, the folder defaults above it and the vocabulary; at 10,000 documents it is most of a ``check``.
``pages-<digest>.json`` in ``.cache/mkdocs-sms/`` keeps each page read, by path, with a digest of its
bytes and what else it was read with. The file's name is a digest of the vocabulary and of this package's
code, so a changed configuration or version reads into a file of its own; its header and checksum are
those of the other cache files (:mod:`mkdocs_sms.read.cache`), so a damaged, foreign or committed file is
not read. One line per page: a run writes back the lines of the pages it reused as they were, and
encodes only the pages it read anew.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from mkdocs_sms.model import stored
from mkdocs_sms.model.document import Page
from mkdocs_sms.model.vocabulary import Vocabulary
from mkdocs_sms.read.cache import PACKAGE, code_digest, keep_file, trusted_payload

# Files of pages kept: a handbook's vocabulary changes rarely; a few let a branch with other settings
# keep its own.
_KEPT = 3
# A page that could not be kept is written as this, so that the file does not change on every run.
_NOT_KEPT = None

# What one page was read from and what it gave: the digest of its bytes, its folder defaults (as
# stored.text_of gives them: None when they cannot be compared, and the page is never reused), the
# unreadable .meta.yml above it, and the page (None when it cannot be kept).
Entry = tuple[bytes, str | None, str | None, Page | None]


@functools.cache
def _code_digest() -> str:
    """A digest of every module of this package: a page read by other code is read again."""
    return code_digest(sorted(PACKAGE.rglob("*.py")))


def file_name(vocabulary: Vocabulary) -> str:
    """The file that keeps the pages read with ``vocabulary`` by this code."""
    return f"pages-{hashlib.sha256(f'{_code_digest()} {vocabulary!r}'.encode()).hexdigest()[:24]}.json"


class KeptPages:
    """The file of pages read with one vocabulary in ``folder``."""

    def __init__(self, folder: Path, vocabulary: Vocabulary) -> None:
        self.folder = folder
        self.name = file_name(vocabulary)
        # Each path's entry as read from the file, with its line, for writing it back unchanged.
        self._lines: dict[str, tuple[Entry, bytes]] = {}

    def load(self) -> dict[str, Entry]:
        """The pages kept in the file, by path; empty when there is none to be trusted."""
        payload = trusted_payload(self.folder / self.name)
        if not payload:
            return {}
        lines = payload.split(b"\n")
        try:
            rows = stored.decode(b"[" + b",".join(lines) + b"]")
            entries = [_entry(row) for row in rows]
        except (ValueError, TypeError, KeyError, IndexError, RecursionError):
            return {}
        self._lines = {path: (entry, line) for (path, entry), line in zip(entries, lines, strict=True)}
        return {path: entry for path, entry in entries}

    def save(self, pages: Mapping[str, Entry]) -> None:
        """Write ``pages`` when they differ from what the file holds; a folder that cannot be written is
        left alone."""
        lines: dict[str, tuple[Entry, bytes]] = {}
        changed = pages.keys() != self._lines.keys()
        for path, entry in pages.items():
            kept = self._lines.get(path)
            if kept is not None and kept[0][:3] == entry[:3]:
                lines[path] = kept
                continue
            changed = True
            line = _line(path, entry)
            if line is not None:
                lines[path] = entry, line
        if not changed:
            return
        try:
            keep_file(self.folder, self.name, b"\n".join(line for _, line in lines.values()), _KEPT)
        except OSError:
            return
        self._lines = lines


def _line(path: str, entry: Entry) -> bytes | None:
    """One page's line: its path, the digest of its bytes, its defaults, the .meta.yml not read, the page.
    A page that cannot be kept is written as not kept, so that the next run reads it again and writes
    nothing new for it; None when not even that can be written (a file name that is no Unicode)."""
    digest, defaults, unread, page = entry
    for kept in (page, _NOT_KEPT):
        try:
            return stored.dumps([path, digest.hex(), defaults, unread, stored.encode(kept)])
        except (ValueError, RecursionError):  # Unstorable, or text that is no Unicode (a lone surrogate)
            continue
    return None


def _entry(row: Any) -> tuple[str, Entry]:
    """A decoded line as (path, entry); raises ValueError when it is not what :func:`_line` writes."""
    path, digest, defaults, unread, page = row
    if not (isinstance(path, str) and isinstance(digest, str) and (unread is None or isinstance(unread, str))):
        raise ValueError("not a page entry")
    if not (defaults is None or isinstance(defaults, str)) or not (page is None or isinstance(page, Page)):
        raise ValueError("not a page entry")
    return path, (bytes.fromhex(digest), defaults, unread, page)
