"""What changed in this edition: the handbook now against the handbook at an earlier git ref.

The earlier side is read and analysed exactly as ``mkdocs-sms diff --base REF`` reads it, and the two
are compared by the same :func:`mkdocs_sms.analysis.compare.compare`: the page and the pull-request
report never disagree about which documents were added, changed, renamed, retired or removed.
"""

from __future__ import annotations

from dataclasses import dataclass

from mkdocs_sms.analysis.compare import Diff


@dataclass(frozen=True)
class Changes:
    """The changes since ``ref`` (resolved to ``commit``), or why they are unknown."""

    ref: str | None
    commit: str | None = None
    diff: Diff | None = None
    unavailable: str | None = None
