"""What a page's front-matter is read against: the configured words, the id pattern and the defaults.

The model reads pages with this and nothing more: never the whole configuration, never the disk.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkdocs_sms.model.dates import Interval

# Fixed words of a nonconformity record (see mkdocs_sms.model.document).
GRADES = ("major", "minor", "observation", "opportunity")
SOURCES = ("internal audit", "certification audit", "customer audit", "incident", "complaint", "review", "other")


@dataclass(frozen=True)
class Vocabulary:
    """The allowed document types, statuses, classifications (lowest first) and nonconformity states, the
    id pattern, and the defaults a document's front-matter leaves out."""

    types: tuple[str, ...]
    statuses: tuple[str, ...]
    classifications: tuple[str, ...]
    states: tuple[str, ...]
    id_pattern: re.Pattern[str]
    default_classification: str
    review_interval: Interval
    grades: tuple[str, ...] = GRADES
    sources: tuple[str, ...] = SOURCES

    @property
    def highest(self) -> str:
        """The highest classification: what a page whose classification is unknown counts as."""
        return self.classifications[-1]
