"""The implementation baseline: coverage, findings and document statuses recorded on one date.

ISO/IEC 20000-5 starts an implementation with a gap analysis against the target state. ``mkdocs-sms
baseline save`` records that starting point as a JSON file the organisation commits; the
implementation page compares the handbook of today with it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mkdocs_sms.rules import RULES, Finding

if TYPE_CHECKING:  # the handbook refers to its baseline, the settings name its file; only types flow back
    from mkdocs_sms.analysis.handbook import Handbook
    from mkdocs_sms.settings import Settings

# Where the baseline is kept when the implementation plan names no file (beside mkdocs.yml).
DEFAULT_BASELINE = "sms-baseline.json"

KIND = "mkdocs-sms baseline"
SCHEMA_VERSION = 1


@dataclass(frozen=True)
class BaselineRow:
    """One coverage row as the baseline recorded it."""

    catalogue: str
    key: str
    clause: str
    requirement: str
    status: str


@dataclass(frozen=True)
class Baseline:
    """A saved baseline, read back."""

    date: dt.date
    edition: str | None
    rows: dict[tuple[str, str], BaselineRow] = field(default_factory=dict)
    documents: dict[str, str] = field(default_factory=dict)
    findings: dict[str, int] = field(default_factory=dict)

    def status(self, catalogue: str, key: str) -> str | None:
        """The row's status at the baseline, None when the row did not exist then."""
        row = self.rows.get((catalogue, key))
        return row.status if row else None


class BaselineError(Exception):
    """A baseline file that cannot be used; the message says why."""


def baseline_json(handbook: Handbook) -> dict[str, Any]:
    """What ``baseline save`` writes: enough to compare later, nothing that changes on every build."""
    return {
        "kind": KIND,
        "schema": SCHEMA_VERSION,
        "date": handbook.settings.today.isoformat(),
        "edition": handbook.settings.edition,
        "catalogues": [c.name for c in handbook.catalogues],
        "coverage": [
            {
                "catalogue": row.requirement.catalogue,
                "key": row.requirement.key,
                "clause": row.requirement.clause,
                "requirement": row.requirement.name,
                "kind": row.requirement.kind,
                "required": row.requirement.required,
                # The gap against the target state, whatever phase the plan puts the row in.
                "status": row.gap_status,
                "documents": [d.id for d in row.documents],
            }
            for row in handbook.coverage
        ],
        "documents": [
            {"id": d.id, "title": d.title, "type": d.type, "status": d.status, "version": d.version}
            for d in sorted(handbook.documents, key=lambda d: d.id)
        ],
        "findings": dict(sorted(Counter(f.severity.value for f in handbook.findings).items())),
    }


def baseline_text(handbook: Handbook) -> str:
    """The file ``baseline save`` writes for ``handbook`` (stable key order, so diffs stay readable)."""
    return json.dumps(baseline_json(handbook), indent=2, ensure_ascii=False) + "\n"


def read_baseline(path: Path) -> Baseline | None:
    """The baseline saved at ``path``; None when there is no such file. Raises :class:`BaselineError`."""
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise BaselineError(f"{path} cannot be read as JSON: {exc}") from None
    if not isinstance(data, dict) or data.get("kind") != KIND:
        raise BaselineError(f"{path} is not a baseline saved by 'mkdocs-sms baseline save'")
    if data.get("schema") != SCHEMA_VERSION:
        raise BaselineError(f"{path} has baseline schema {data.get('schema')!r}; this version reads {SCHEMA_VERSION}")
    try:
        date = dt.date.fromisoformat(str(data["date"]))
        rows = {
            (str(r["catalogue"]), str(r["key"])): BaselineRow(
                str(r["catalogue"]), str(r["key"]), str(r["clause"]), str(r["requirement"]), str(r["status"])
            )
            for r in data["coverage"]
        }
        documents = {str(d["id"]): str(d["status"]) for d in data.get("documents", [])}
        findings = {str(k): int(v) for k, v in dict(data.get("findings", {})).items()}
    except (KeyError, TypeError, ValueError) as exc:
        raise BaselineError(f"{path} is incomplete or damaged ({type(exc).__name__}: {exc})") from None
    edition = data.get("edition")
    return Baseline(date, str(edition) if edition is not None else None, rows, documents, findings)


def baseline_path(settings: Settings) -> Path:
    """Where the baseline is kept: the plan's ``baseline``, else ``sms-baseline.json``, beside ``mkdocs.yml``."""
    name = settings.implementation.baseline if settings.implementation else DEFAULT_BASELINE
    return settings.base_dir / Path(name)


def load_baseline(settings: Settings) -> tuple[Baseline | None, tuple[Finding, ...]]:
    """The saved baseline of the implementation plan (default ``sms-baseline.json`` beside
    ``mkdocs.yml``); a file that cannot be used is SMS106, never an abort."""
    try:
        return read_baseline(baseline_path(settings)), ()
    except BaselineError as exc:
        return None, (RULES["SMS106"].finding(str(exc)),)
