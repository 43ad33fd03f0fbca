"""Audit readiness: one verdict, ready for the certification audit or not, and every reason.

ISO/IEC 20000-5 ends the implementation with an evaluation and the preparation for the audit. The
checks here are what a certification body looks at first: the documented information is complete and
in date, the evidence is recent, an internal audit and a management review have been held within
their intervals, and no nonconformity is left open. Pure functions over a handbook.

A check whose input is absent does not pass: it "cannot be assessed", and so neither can the verdict.
No nonconformity recorded is not the same as none open, and no evidence is not recent evidence.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal

from mkdocs_sms.analysis import nonconformities
from mkdocs_sms.analysis.coverage import COVERED, CoverageRow, clause_index
from mkdocs_sms.catalogue import Catalogue
from mkdocs_sms.model.dates import Interval
from mkdocs_sms.model.document import Document
from mkdocs_sms.rules import Finding, Severity

if TYPE_CHECKING:  # a handbook offers its readiness; only types flow this way
    from mkdocs_sms.analysis.handbook import Handbook

# How recent an internal audit or management review must be when its catalogue row sets no max_age.
DEFAULT_INTERVAL = Interval(12, "month")

Outcome = Literal["pass", "fail", "cannot be assessed"]
PASS: Outcome = "pass"
FAIL: Outcome = "fail"
UNASSESSED: Outcome = "cannot be assessed"


@dataclass(frozen=True)
class Check:
    """One reason of the verdict: what was checked, its outcome, and what stands in the way.

    The outcome is ``cannot be assessed`` when what the check reads is not in the handbook."""

    title: str
    outcome: Outcome
    detail: str
    catalogue: str | None = None
    rows: tuple[CoverageRow, ...] = ()
    documents: tuple[Document, ...] = ()
    findings: tuple[Finding, ...] = ()
    # What the check reads: an audit key of the catalogue ("nonconformity", ...), "audit" (the catalogue
    # declares none), "coverage", "evidence", "reviews" or "findings".
    about: str = ""
    # What ``detail`` says instead when a view for an audience withholds ``documents`` (default: the
    # detail, with how many of them are withheld).
    withheld_detail: str | None = None

    @property
    def passed(self) -> bool:
        """The check passed (not failed, and not left unassessed)."""
        return self.outcome == PASS


@dataclass(frozen=True)
class Readiness:
    """The verdict and its checks; ``nonconformities`` are the open ones (blocking or planned), by catalogue."""

    checks: tuple[Check, ...]
    nonconformities: tuple[Document, ...]

    @property
    def ready(self) -> bool:
        """Ready only when every check passes."""
        return all(check.passed for check in self.checks)

    @property
    def failed(self) -> tuple[Check, ...]:
        """The checks that stand between the organisation and the audit."""
        return tuple(check for check in self.checks if check.outcome == FAIL)

    @property
    def unassessed(self) -> tuple[Check, ...]:
        """The checks whose input the handbook does not hold."""
        return tuple(check for check in self.checks if check.outcome == UNASSESSED)

    def unassessed_about(self, about: str) -> tuple[Check, ...]:
        """The checks of ``about`` (see :attr:`Check.about`) that cannot be assessed."""
        return tuple(check for check in self.unassessed if check.about == about)

    @property
    def verdict(self) -> Literal["ready", "not ready", "cannot be assessed"]:
        """``not ready`` when a check fails, else ``cannot be assessed`` when one cannot be, else ``ready``."""
        if self.failed:
            return "not ready"
        return "cannot be assessed" if self.unassessed else "ready"


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
        evidence = _evidence_check(catalogue, rows, label)
        if evidence is not None:
            checks.append(evidence)
        if catalogue.audit is None:
            checks.append(_undeclared_check(catalogue, label))
            continue
        for key, what in (("internal_audit", "An internal audit"), ("management_review", "A management review")):
            if key in catalogue.audit:
                checks.append(_recent_check(catalogue, rows, key, what, label, today))
        if "nonconformity" in catalogue.audit:
            check = _nonconformity_check(catalogue, index, label, today)
            open_ncs.extend(doc for doc in check.documents if doc.open and doc not in open_ncs)
            checks.append(check)
    overdue = tuple(sorted((d for d in handbook.documents if d.overdue(today)), key=lambda d: d.id))
    checks.append(
        Check(
            "No reviews overdue",
            FAIL if overdue else PASS,
            f"{len(overdue)} approved document(s) are past their review date" if overdue else "every review is in date",
            documents=overdue,
            about="reviews",
        )
    )
    errors = tuple(f for f in handbook.findings if f.severity is Severity.ERROR)
    checks.append(
        Check(
            "No errors in the handbook",
            FAIL if errors else PASS,
            f"{len(errors)} error finding(s)" if errors else "no finding of severity error",
            findings=errors,
            about="findings",
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
    return Check(
        f"Coverage complete{label}", FAIL if gaps else PASS, detail, catalogue.name, rows=gaps, about="coverage"
    )


def _evidence_check(catalogue: Catalogue, rows: list[CoverageRow], label: str) -> Check | None:
    """Whether the newest evidence of every row with a ``max_age`` is recent enough; None when the
    catalogue sets no ``max_age``. A required row with no evidence at all cannot be judged recent."""
    timed = [row for row in rows if row.requirement.max_age is not None]
    if not timed:
        return None
    title = f"Evidence fresh{label}"
    stale = tuple(row for row in timed if row.evidence_stale)
    if stale:
        detail = f"{len(stale)} of {len(timed)} record row(s) with a max_age rest on evidence older than it"
        return Check(title, FAIL, detail, catalogue.name, rows=stale, about="evidence")
    absent = tuple(row for row in timed if row.evidence is None and row.requirement.required)
    if absent:
        detail = f"{len(absent)} of {len(timed)} record row(s) with a max_age have no approved evidence yet"
        return Check(title, UNASSESSED, detail, catalogue.name, rows=absent, about="evidence")
    if not any(row.evidence is not None for row in timed):
        return Check(
            title, UNASSESSED, "no record row with a max_age has evidence yet", catalogue.name, about="evidence"
        )
    detail = f"the newest evidence of all {len(timed)} record row(s) with a max_age is recent enough"
    return Check(title, PASS, detail, catalogue.name, about="evidence")


def _undeclared_check(catalogue: Catalogue, label: str) -> Check:
    """A catalogue that does not say where its audits, reviews and nonconformities are: standards
    number them differently, so no clause is assumed."""
    detail = (
        f"catalogue {catalogue.name} does not declare which of its clauses hold internal audits, management "
        "reviews and nonconformities: add 'audit:' to it (or 'audit: {}' when it has none)"
    )
    return Check(f"Audits, reviews and nonconformities{label}", UNASSESSED, detail, catalogue.name, about="audit")


def _recent_check(
    catalogue: Catalogue, rows: list[CoverageRow], key: str, what: str, label: str, today: dt.date
) -> Check:
    """Whether the newest approved record of the audit or review clause is within its interval."""
    assert catalogue.audit is not None
    number = catalogue.audit[key]
    record_rows = [r for r in rows if r.requirement.clause == number and r.requirement.kind == "record"]
    interval = next((r.requirement.max_age for r in record_rows if r.requirement.max_age), DEFAULT_INTERVAL)
    title = f"{what} within {interval}{label}"
    evidence = [r.evidence for r in record_rows if r.evidence is not None]
    newest = max(evidence, key=lambda d: d.evidence_date or dt.date.min, default=None)
    if newest is None or newest.evidence_date is None:
        return Check(
            title,
            FAIL,
            f"no approved record of clause {number} yet",
            catalogue.name,
            rows=tuple(record_rows),
            about=key,
        )
    due = interval.after(newest.evidence_date)
    passed = due >= today
    detail = f"latest record of {newest.evidence_date.isoformat()}; " + (
        f"the next is due by {due.isoformat()}" if passed else f"the next was due by {due.isoformat()}"
    )
    withheld = "the latest record is withheld from this audience; " + (
        "it is in date" if passed else "it is out of date"
    )
    return Check(
        title, PASS if passed else FAIL, detail, catalogue.name, documents=(newest,), about=key,
        withheld_detail=withheld,
    )  # fmt: skip


def _nonconformity_check(
    catalogue: Catalogue, index: dict[tuple[str, str], list[Document]], label: str, today: dt.date
) -> Check:
    """Whether a nonconformity stands in the way of certification, read from the records of the
    catalogue's nonconformity clause, each with its ``state`` and ``grade`` (weighed as
    :mod:`mkdocs_sms.analysis.nonconformities` says). Without any record, or with a record whose state
    is not written, whether one blocks cannot be told.
    """
    assert catalogue.audit is not None
    number = catalogue.audit["nonconformity"]
    title = f"No nonconformity blocks the audit{label}"
    found = nonconformities.records(catalogue, index)
    blocking = tuple(doc for doc in found if nonconformities.blocks(doc, today))
    planned = tuple(doc for doc in found if doc.open and nonconformities.planned(doc, today))
    unstated = tuple(doc for doc in found if doc.state is None)
    if blocking:
        major = sum(1 for doc in blocking if doc.grade != "minor")
        late = sum(1 for doc in blocking if doc.past_due(today))
        reasons = [f"{major} major (or ungraded)"] if major else []
        if len(blocking) > major:
            reasons.append(f"{len(blocking) - major} minor without a corrective action planned within its due date")
        detail = f"{len(blocking)} open nonconformity record(s) of clause {number} block it: " + ", ".join(reasons)
        if late:
            detail += f"; {late} past the due date"
        return Check(title, FAIL, detail, catalogue.name, documents=blocking, about="nonconformity")
    if unstated:
        detail = f"{len(unstated)} record(s) of clause {number} say no state (open, action planned, closed or verified)"
        return Check(title, UNASSESSED, detail, catalogue.name, documents=unstated, about="nonconformity")
    if not found:
        detail = f"no nonconformity is recorded: no record of clause {number} has a state"
        return Check(title, UNASSESSED, detail, catalogue.name, about="nonconformity")
    if planned:
        detail = (
            f"{len(planned)} minor nonconformity record(s) of clause {number} are open with a corrective action "
            f"planned within the due date; the other {len(found) - len(planned)} are closed or not nonconformities"
        )
        return Check(title, PASS, detail, catalogue.name, documents=planned, about="nonconformity")
    detail = f"all {len(found)} nonconformity record(s) of clause {number} are closed"
    return Check(title, PASS, detail, catalogue.name, about="nonconformity")
