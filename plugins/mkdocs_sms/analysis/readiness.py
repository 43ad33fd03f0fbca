"""Audit readiness: one verdict, ready for the certification audit or not, and every reason.

ISO/IEC 20000-5 ends the implementation with an evaluation and the preparation for the audit. The
checks here are what a certification body looks at first: the documented information is complete and
in date, the evidence is recent, an internal audit and a management review have been held within
their intervals, and no nonconformity is left open. Pure functions over a handbook.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from mkdocs_sms.analysis.coverage import COVERED, CoverageRow, clause_index
from mkdocs_sms.analysis.handbook import Handbook
from mkdocs_sms.catalogue import Catalogue
from mkdocs_sms.model.dates import Interval
from mkdocs_sms.model.document import Document
from mkdocs_sms.rules import Finding, Severity

# How recent an internal audit or management review must be when its catalogue row sets no max_age.
DEFAULT_INTERVAL = Interval(12, "month")


@dataclass(frozen=True)
class Check:
    """One reason of the verdict: what was checked, whether it passed, and what stands in the way."""

    title: str
    passed: bool
    detail: str
    catalogue: str | None = None
    rows: tuple[CoverageRow, ...] = ()
    documents: tuple[Document, ...] = ()
    findings: tuple[Finding, ...] = ()
    # What ``detail`` says instead when a view for an audience withholds ``documents`` (default: the
    # detail, with how many of them are withheld).
    withheld_detail: str | None = None


@dataclass(frozen=True)
class Readiness:
    """The verdict and its checks; ``nonconformities`` are the open ones, by catalogue."""

    checks: tuple[Check, ...]
    nonconformities: tuple[Document, ...]

    @property
    def ready(self) -> bool:
        """Ready only when every check passes."""
        return all(check.passed for check in self.checks)

    @property
    def failed(self) -> tuple[Check, ...]:
        """The checks that stand between the organisation and the audit."""
        return tuple(check for check in self.checks if not check.passed)


def readiness(handbook: Handbook) -> Readiness:
    """Assess ``handbook`` for the certification audit on the configured ``today``.

    A view published for an audience is assessed as the whole SMS it comes from (a confidential
    audit report still evidences the audit), but lists only what the audience may see.
    """
    if handbook.source is None:
        return _assess(handbook)
    full = _assess(handbook.source)
    rows = {(r.requirement.catalogue, r.requirement.key): r for r in handbook.coverage}
    errors = tuple(f for f in handbook.findings if f.severity is Severity.ERROR)

    def published_check(check: Check) -> Check:
        # Counts and dates of the whole SMS that the lists below them do not show would contradict them:
        # the detail says how many are withheld, and no date of a withheld document.
        documents = tuple(handbook.by_id[d.id] for d in check.documents if d.id in handbook.by_id)
        detail = check.detail
        if len(documents) < len(check.documents):
            hidden = len(check.documents) - len(documents)
            detail = check.withheld_detail or f"{detail} ({hidden} of them withheld from this audience)"
        shown = errors if check.findings else ()
        if len(shown) < len(check.findings):
            detail += f" ({len(check.findings) - len(shown)} of them about pages withheld from this audience)"
        return replace(
            check,
            detail=detail,
            rows=tuple(rows[(r.requirement.catalogue, r.requirement.key)] for r in check.rows),
            documents=documents,
            findings=shown,
        )

    checks = tuple(published_check(check) for check in full.checks)
    ncs = tuple(handbook.by_id[d.id] for d in full.nonconformities if d.id in handbook.by_id)
    return Readiness(checks, ncs)


def _assess(handbook: Handbook) -> Readiness:
    today = handbook.settings.today
    checks: list[Check] = []
    open_ncs: list[Document] = []
    index = clause_index(handbook.catalogues, handbook.documents)
    several = len(handbook.catalogues) > 1
    for catalogue, rows in zip(handbook.catalogues, handbook.rows_by_catalogue().values(), strict=True):
        label = f" ({catalogue.name})" if several else ""
        checks.append(_coverage_check(catalogue, rows, label))
        checks.append(_evidence_check(catalogue, rows, label))
        for key, what in (("internal_audit", "An internal audit"), ("management_review", "A management review")):
            check = _recent_check(catalogue, rows, key, what, label, today)
            if check is not None:
                checks.append(check)
        ncs = _open_nonconformities(catalogue, index)
        open_ncs.extend(doc for doc in ncs if doc not in open_ncs)
        if catalogue.has_clause(catalogue.audit["nonconformity"]):
            checks.append(
                Check(
                    f"No open nonconformities{label}",
                    not ncs,
                    f"{len(ncs)} nonconformity record(s) of clause {catalogue.audit['nonconformity']} are open"
                    if ncs
                    else f"no record of clause {catalogue.audit['nonconformity']} has state: open",
                    catalogue.name,
                    documents=tuple(ncs),
                )
            )
    overdue = tuple(sorted((d for d in handbook.documents if d.overdue(today)), key=lambda d: d.id))
    checks.append(
        Check(
            "No reviews overdue",
            not overdue,
            f"{len(overdue)} approved document(s) are past their review date" if overdue else "every review is in date",
            documents=overdue,
        )
    )
    errors = tuple(f for f in handbook.findings if f.severity is Severity.ERROR)
    checks.append(
        Check(
            "No errors in the handbook",
            not errors,
            f"{len(errors)} error finding(s)" if errors else "no finding of severity error",
            findings=errors,
        )
    )
    return Readiness(tuple(checks), tuple(open_ncs))


def _coverage_check(catalogue: Catalogue, rows: list[CoverageRow], label: str) -> Check:
    required = [row for row in rows if row.requirement.required]
    gaps = tuple(row for row in required if row.status != COVERED)
    covered = len(required) - len(gaps)
    counts: dict[str, int] = {}
    for row in gaps:
        counts[row.status] = counts.get(row.status, 0) + 1
    detail = f"{covered} of {len(required)} required rows covered"
    if counts:
        detail += " (" + ", ".join(f"{n} {status}" for status, n in sorted(counts.items())) + ")"
    return Check(f"Coverage complete{label}", not gaps, detail, catalogue.name, rows=gaps)


def _evidence_check(catalogue: Catalogue, rows: list[CoverageRow], label: str) -> Check:
    stale = tuple(row for row in rows if row.evidence_stale)
    timed = sum(1 for row in rows if row.requirement.max_age is not None)
    detail = (
        f"{len(stale)} record row(s) rest on evidence older than their max_age"
        if stale
        else f"the newest evidence of all {timed} record row(s) with a max_age is recent enough"
    )
    return Check(f"Evidence fresh{label}", not stale, detail, catalogue.name, rows=stale)


def _recent_check(
    catalogue: Catalogue, rows: list[CoverageRow], key: str, what: str, label: str, today: dt.date
) -> Check | None:
    """Whether the newest approved record of the audit or review clause is within its interval."""
    number = catalogue.audit[key]
    if not catalogue.has_clause(number):
        return None
    record_rows = [r for r in rows if r.requirement.clause == number and r.requirement.kind == "record"]
    interval = next((r.requirement.max_age for r in record_rows if r.requirement.max_age), DEFAULT_INTERVAL)
    title = f"{what} within {interval}{label}"
    evidence = [r.evidence for r in record_rows if r.evidence is not None]
    newest = max(evidence, key=lambda d: d.evidence_date or dt.date.min, default=None)
    if newest is None or newest.evidence_date is None:
        return Check(
            title, False, f"no approved record of clause {number} yet", catalogue.name, rows=tuple(record_rows)
        )
    due = interval.after(newest.evidence_date)
    passed = due >= today
    detail = f"latest record of {newest.evidence_date.isoformat()}; " + (
        f"the next is due by {due.isoformat()}" if passed else f"the next was due by {due.isoformat()}"
    )
    withheld = "the latest record is withheld from this audience; " + (
        "it is in date" if passed else "it is out of date"
    )
    return Check(title, passed, detail, catalogue.name, documents=(newest,), withheld_detail=withheld)


def _open_nonconformities(catalogue: Catalogue, index: dict[tuple[str, str], list[Document]]) -> list[Document]:
    """Records of the catalogue's nonconformity clause whose ``state`` is open."""
    number = catalogue.audit["nonconformity"]
    found = [
        doc
        for doc in index.get((catalogue.name, number), [])
        if doc.type == "record" and doc.state == "open" and doc.status != "retired"
    ]
    return sorted(found, key=lambda d: (d.date or dt.date.min, d.id))
