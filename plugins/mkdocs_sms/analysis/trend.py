"""The trend: how coverage, findings and open nonconformities moved from one tagged edition to the next.

Each point is counted from a handbook analysed exactly as ``check`` analyses one; the loader
(:func:`mkdocs_sms.load.load_trend`) reads the tags and analyses the handbook at each of them. Points hold
counts only, never a document id, so an audience build may publish them as they are.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from mkdocs_sms.analysis.coverage import COVERED
from mkdocs_sms.analysis.handbook import Handbook
from mkdocs_sms.rules import Severity

NOW = "now"


@dataclass(frozen=True)
class Point:
    """The handbook at one tag (or now): required rows of the first catalogue covered, findings by
    severity, open nonconformities (None when no catalogue declares a nonconformity clause)."""

    label: str
    date: dt.date
    commit: str | None
    covered: int
    total: int
    errors: int
    warnings: int
    open_nonconformities: int | None

    @property
    def share(self) -> float:
        """Required rows covered, as a fraction (1.0 when the catalogue requires nothing)."""
        return self.covered / self.total if self.total else 1.0

    def to_json(self) -> dict[str, Any]:
        return {
            "tag": None if self.label == NOW else self.label,
            "date": self.date.isoformat(),
            "commit": self.commit,
            "covered": self.covered,
            "total": self.total,
            "errors": self.errors,
            "warnings": self.warnings,
            "open_nonconformities": self.open_nonconformities,
        }


@dataclass(frozen=True)
class Trend:
    """The points, oldest first, the last one the handbook being built; or why there is no trend."""

    catalogue: str
    points: tuple[Point, ...] = ()
    unavailable: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "catalogue": self.catalogue,
            "unavailable": self.unavailable,
            "points": [point.to_json() for point in self.points],
        }

    def without_commits(self) -> Trend:
        """The trend with no commit ids (for an audience build that hides the commits of withheld pages)."""
        return replace(self, points=tuple(replace(point, commit=None) for point in self.points))


def point(handbook: Handbook, label: str, date: dt.date, commit: str | None) -> Point:
    """The counts of one analysed handbook (the whole SMS, not an audience's view of it)."""
    catalogue = handbook.catalogues[0].name
    required = [r for r in handbook.coverage if r.requirement.catalogue == catalogue and r.requirement.required]
    declared = any((c.audit or {}).get("nonconformity") for c in handbook.catalogues)
    return Point(
        label=label,
        date=date,
        commit=commit,
        covered=sum(1 for row in required if row.status == COVERED),
        total=len(required),
        errors=sum(1 for f in handbook.findings if f.severity is Severity.ERROR),
        warnings=sum(1 for f in handbook.findings if f.severity is Severity.WARNING),
        open_nonconformities=len(handbook.nonconformities.open) if declared else None,
    )
