"""Audit readiness: one verdict, ready for the certification audit or not, and every reason.

ISO/IEC 20000-5 ends the implementation with an evaluation and the preparation for the audit. The
checks here are what a certification body looks at first: the documented information is complete and
in date, the evidence is recent, an internal audit and a management review have been held within
their intervals, and no nonconformity is left open. The preparation for the audit adds what a
certification body asks for before it comes: records showing that every operational process runs
(within ``audit_preparation: window`` of the audit date), internal audits that covered every clause over
the certification cycle (``cycle``), a management review that considered every input the catalogue
lists, and the stage 1 pack of documents it reads first. Pure functions over a handbook.

A check whose input is absent does not pass: it "cannot be assessed", and so neither can the verdict.
No nonconformity recorded is not the same as none open, and no evidence is not recent evidence.

Titles and details are :class:`~mkdocs_sms.translation.Message` values: English in the JSON and the
terminal, the build's language on the audit page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Literal

from mkdocs_sms.analysis import nonconformities
from mkdocs_sms.analysis.coverage import COVERED, CoverageRow, citing_clause
from mkdocs_sms.catalogue import OPERATION_KEY, Catalogue, resolve_clause, within
from mkdocs_sms.model.dates import Interval, parse_date
from mkdocs_sms.model.document import EVIDENCE_TYPES, Document
from mkdocs_sms.rules import Finding, Severity
from mkdocs_sms.translation import N_, Message, counted, message

if TYPE_CHECKING:  # a handbook offers its readiness; only types flow this way
    from mkdocs_sms.analysis.handbook import Handbook

# How recent an internal audit or management review must be when its catalogue row sets no max_age.
DEFAULT_INTERVAL = Interval(12, "month")

# How recent the records of each operational process must be, and the certification cycle over which the
# internal audits cover every clause, when the audit_preparation option does not say.
DEFAULT_WINDOW = Interval(3, "month")
DEFAULT_CYCLE = Interval(3, "year")
PREPARATION_KEYS = ("date", "window", "cycle")

Outcome = Literal["pass", "fail", "cannot be assessed"]
PASS: Outcome = "pass"
FAIL: Outcome = "fail"
UNASSESSED: Outcome = "cannot be assessed"


@dataclass(frozen=True)
class Preparation:
    """The ``audit_preparation`` option: the date of the certification audit (None: the configured
    ``today``; a later date plans ahead), how recent each process's records must be on that date, and
    the cycle over which internal audits cover every clause."""

    date: dt.date | None = None
    window: Interval = DEFAULT_WINDOW
    cycle: Interval = DEFAULT_CYCLE

    def audit_date(self, today: dt.date) -> dt.date:
        """The date the preparation checks are made for."""
        return self.date or today


def parse_preparation(value: Any) -> Preparation:
    """Read the ``audit_preparation`` option; raise ValueError with a readable message when it is wrong."""
    if value is None:
        return Preparation()
    if not isinstance(value, dict):
        raise ValueError("must be a mapping such as {date: 2027-03-01, window: 3 months, cycle: 3 years}")
    unknown = sorted(str(key) for key in value if key not in PREPARATION_KEYS)
    if unknown:
        raise ValueError(f"unknown key(s) {', '.join(unknown)} (known: {', '.join(PREPARATION_KEYS)})")
    date = None
    if value.get("date") is not None:
        try:
            date = parse_date(value["date"])
        except ValueError as exc:
            raise ValueError(f"'date': {exc}") from None
    intervals = {"window": DEFAULT_WINDOW, "cycle": DEFAULT_CYCLE}
    for key in intervals:
        if value.get(key) is not None:
            try:
                intervals[key] = Interval.parse(str(value[key]))
            except ValueError as exc:
                raise ValueError(f"'{key}': {exc}") from None
    return Preparation(date, intervals["window"], intervals["cycle"])


@dataclass(frozen=True)
class Mark:
    """One thing a check looked for and whether it was found: a clause of a catalogue, or a review input.

    ``sources`` are the ids of the documents the mark is read from; a view for an audience leaves out the
    marks whose sources it withholds all of (what a withheld record says is a value of that record)."""

    label: str
    ok: bool
    clause: str | None = None
    catalogue: str | None = None
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class Check:
    """One reason of the verdict: what was checked, its outcome, and what stands in the way.

    The outcome is ``cannot be assessed`` when what the check reads is not in the handbook."""

    title: Message
    outcome: Outcome
    detail: Message
    catalogue: str | None = None
    rows: tuple[CoverageRow, ...] = ()
    documents: tuple[Document, ...] = ()
    findings: tuple[Finding, ...] = ()
    # What the check reads: an audit key of the catalogue ("nonconformity", ...), "audit" (the catalogue
    # declares none), "coverage", "evidence", "reviews" or "findings".
    about: str = ""
    # What ``detail`` says instead when a view for an audience withholds ``documents`` (default: the
    # detail, with how many of them are withheld).
    withheld_detail: Message | None = None
    # What the check looked for, clause by clause or input by input, with what a found and a missing one
    # read on the page (e.g. ("audited", "not audited"); None without marks); how many marks a view withholds.
    marks: tuple[Mark, ...] = ()
    mark_words: tuple[Message, Message] | None = None
    withheld_marks: int = 0

    @property
    def passed(self) -> bool:
        """The check passed (not failed, and not left unassessed)."""
        return self.outcome == PASS


@dataclass(frozen=True)
class PackItem:
    """One entry of the stage 1 pack: the documents found for it, or the generated ``page`` (register,
    coverage) it is; ``note`` says why nothing is listed, ``withheld`` how many a view leaves out."""

    title: str  # English, marked for translation where it is written (see PACK)
    documents: tuple[Document, ...] = ()
    page: str | None = None
    note: str = ""
    withheld: int = 0


# The stage 1 pack, in the order a certification body usually asks: (title, where it is found). A
# catalogue's 'audit:' key names the clause of a maintained document; "page:" a generated page;
# "newest:" the newest record of an audit clause.
PACK = (
    (N_("Scope of the SMS"), "scope"),
    (N_("Service management policy"), "policy"),
    (N_("Service management plan"), "plan"),
    (N_("Service catalogue"), "service_catalogue"),
    (N_("Document register"), "page:register"),
    (N_("Coverage matrix"), "page:coverage"),
    (N_("Last internal audit"), "newest:internal_audit"),
    (N_("Last management review"), "newest:management_review"),
)


@dataclass(frozen=True)
class Readiness:
    """The verdict and its checks; ``nonconformities`` are the open ones (blocking or planned), by catalogue;
    ``pack`` the stage 1 pack; ``audit_date`` the date the preparation checks are made for."""

    checks: tuple[Check, ...]
    nonconformities: tuple[Document, ...]
    pack: tuple[PackItem, ...] = ()
    audit_date: dt.date | None = None

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
            detail = check.withheld_detail or message(
                "%(detail)s (%(num)d of them withheld from this audience)", detail=detail, num=hidden
            )
        shown = errors if check.findings else ()
        if len(shown) < len(check.findings):
            hidden = len(check.findings) - len(shown)
            detail = message(
                "%(detail)s (%(num)d of them about pages withheld from this audience)", detail=detail, num=hidden
            )
        marks = tuple(
            mark for mark in check.marks if not mark.sources or any(s in handbook.by_id for s in mark.sources)
        )
        return replace(
            check,
            detail=detail,
            rows=tuple(rows[(r.requirement.catalogue, r.requirement.key)] for r in check.rows),
            documents=documents,
            findings=shown,
            marks=marks,
            withheld_marks=len(check.marks) - len(marks),
        )

    def published_item(item: PackItem) -> PackItem:
        documents = tuple(handbook.by_id[d.id] for d in item.documents if d.id in handbook.by_id)
        return replace(item, documents=documents, withheld=len(item.documents) - len(documents))

    checks = tuple(published_check(check) for check in full.checks)
    ncs = tuple(handbook.by_id[d.id] for d in full.nonconformities if d.id in handbook.by_id)
    return Readiness(checks, ncs, tuple(published_item(item) for item in full.pack), full.audit_date)


def _assess(handbook: Handbook) -> Readiness:
    today = handbook.settings.today
    preparation = handbook.settings.audit_preparation
    audit_date = preparation.audit_date(today)
    checks: list[Check] = []
    open_ncs: list[Document] = []
    index = handbook.by_clause
    several = len(handbook.catalogues) > 1
    for catalogue, rows in zip(handbook.catalogues, handbook.rows_by_catalogue().values(), strict=True):
        label = f" ({catalogue.title})" if several else ""
        checks.append(_coverage_check(catalogue, rows, label))
        evidence = _evidence_check(catalogue, rows, label)
        if evidence is not None:
            checks.append(evidence)
        if catalogue.audit is None:
            checks.append(_undeclared_check(catalogue, label))
            continue
        if OPERATION_KEY in catalogue.audit:
            checks.append(_operation_check(catalogue, index, preparation, audit_date, label))
        for key, title in _RECENT:
            if key in catalogue.audit:
                checks.append(_recent_check(catalogue, rows, key, title, label, today))
        if "internal_audit" in catalogue.audit:
            checks.append(_programme_check(catalogue, handbook.catalogues, index, preparation, audit_date, label))
        if "management_review" in catalogue.audit and catalogue.review_inputs:
            checks.append(_inputs_check(catalogue, index, audit_date, label))
        if "nonconformity" in catalogue.audit:
            check = _nonconformity_check(catalogue, index, label, today)
            open_ncs.extend(doc for doc in check.documents if doc.open and doc not in open_ncs)
            checks.append(check)
    overdue = tuple(sorted((d for d in handbook.documents if d.overdue(today)), key=lambda d: d.id))
    checks.append(
        Check(
            message("No reviews overdue"),
            FAIL if overdue else PASS,
            message("%(num)d approved document(s) are past their review date", num=len(overdue))
            if overdue
            else message("every review is in date"),
            documents=overdue,
            about="reviews",
        )
    )
    errors = tuple(f for f in handbook.findings if f.severity is Severity.ERROR)
    checks.append(
        Check(
            message("No errors in the handbook"),
            FAIL if errors else PASS,
            message("%(num)d error finding(s)", num=len(errors)) if errors else message("no finding of severity error"),
            findings=errors,
            about="findings",
        )
    )
    pack = stage1_pack(handbook.catalogues, handbook.coverage, index, audit_date)
    return Readiness(tuple(checks), tuple(open_ncs), pack, audit_date)


def _coverage_check(catalogue: Catalogue, rows: list[CoverageRow], label: str) -> Check:
    required = [row for row in rows if row.requirement.required]
    gaps = tuple(row for row in required if row.status != COVERED)
    covered = len(required) - len(gaps)
    counts: dict[str, int] = {}
    for row in gaps:
        counts[row.status] = counts.get(row.status, 0) + 1
    detail = message("%(covered)d of %(required)d required rows covered", covered=covered, required=len(required))
    if counts:
        # Statuses are words of the handbook's vocabulary, written in the reader's language.
        by_status = tuple(
            message("%(num)d %(status)s", num=n, status=Message(status)) for status, n in sorted(counts.items())
        )
        detail = message(
            "%(covered)d of %(required)d required rows covered (%(gaps)s)",
            covered=covered, required=len(required), gaps=by_status,
        )  # fmt: skip
    title = message("Coverage complete%(label)s", label=label)
    return Check(title, FAIL if gaps else PASS, detail, catalogue.name, rows=gaps, about="coverage")


def _evidence_check(catalogue: Catalogue, rows: list[CoverageRow], label: str) -> Check | None:
    """Whether the newest evidence of every row with a ``max_age`` is recent enough; None when the
    catalogue sets no ``max_age``. A required row with no evidence at all cannot be judged recent.
    The details call such rows "records kept recent", the way a reader of the audit page knows them."""
    timed = [row for row in rows if row.requirement.max_age is not None]
    if not timed:
        return None
    title = message("Evidence fresh%(label)s", label=label)
    stale = tuple(row for row in timed if row.evidence_stale)
    if stale:
        detail = counted(
            "%(part)d of %(num)d record that must be kept recent rest on evidence older than allowed",
            "%(part)d of %(num)d records that must be kept recent rest on evidence older than allowed",
            len(timed), part=len(stale),
        )  # fmt: skip
        return Check(title, FAIL, detail, catalogue.name, rows=stale, about="evidence")
    absent = tuple(row for row in timed if row.evidence is None and row.requirement.required)
    if absent:
        detail = counted(
            "%(part)d of %(num)d record that must be kept recent have no approved evidence yet",
            "%(part)d of %(num)d records that must be kept recent have no approved evidence yet",
            len(timed), part=len(absent),
        )  # fmt: skip
        return Check(title, UNASSESSED, detail, catalogue.name, rows=absent, about="evidence")
    if not any(row.evidence is not None for row in timed):
        detail = message("no record that must be kept recent has evidence yet")
        return Check(title, UNASSESSED, detail, catalogue.name, about="evidence")
    detail = counted(
        "the newest evidence of all %(num)d record that must be kept recent is recent enough",
        "the newest evidence of all %(num)d records that must be kept recent is recent enough",
        len(timed),
    )
    return Check(title, PASS, detail, catalogue.name, about="evidence")


def _interval(interval: Interval) -> Message:
    """An interval such as ``3 months`` in a reader's words."""
    if interval.unit == "day":
        return counted("%(num)d day", "%(num)d days", interval.count)
    if interval.unit == "week":
        return counted("%(num)d week", "%(num)d weeks", interval.count)
    if interval.unit == "month":
        return counted("%(num)d month", "%(num)d months", interval.count)
    return counted("%(num)d year", "%(num)d years", interval.count)


def _undeclared_check(catalogue: Catalogue, label: str) -> Check:
    """A catalogue that does not say where its audits, reviews and nonconformities are: standards
    number them differently, so no clause is assumed."""
    detail = message(
        "%(catalogue)s does not say which of its clauses hold internal audits, management reviews and "
        "nonconformities, so they cannot be checked",
        catalogue=catalogue.title,
    )
    title = message("Audits, reviews and nonconformities%(label)s", label=label)
    return Check(title, UNASSESSED, detail, catalogue.name, about="audit")


# The audit keys whose newest record must be recent, and the title of their check.
_RECENT = (
    ("internal_audit", N_("An internal audit within %(interval)s%(label)s")),
    ("management_review", N_("A management review within %(interval)s%(label)s")),
)


def _recent_check(
    catalogue: Catalogue, rows: list[CoverageRow], key: str, title_text: str, label: str, today: dt.date
) -> Check:
    """Whether the newest approved record of the audit or review clause is within its interval. The
    record rows may sit beneath the declared clause (ISO/IEC 27001:2022 asks for audit results in 9.2.2
    and review results in 9.3.3, under 9.2 and 9.3)."""
    assert catalogue.audit is not None
    number = catalogue.audit[key]
    record_rows = [r for r in rows if within(r.requirement.clause, number) and r.requirement.kind == "record"]
    interval = next((r.requirement.max_age for r in record_rows if r.requirement.max_age), DEFAULT_INTERVAL)
    title = Message(title_text, {"interval": _interval(interval), "label": label})
    evidence = [r.evidence for r in record_rows if r.evidence is not None]
    newest = max(evidence, key=lambda d: d.evidence_date or dt.date.min, default=None)
    if newest is None or newest.evidence_date is None:
        detail = message("no approved record of clause %(clause)s yet", clause=number)
        return Check(title, FAIL, detail, catalogue.name, rows=tuple(record_rows), about=key)
    due = interval.after(newest.evidence_date)
    passed = due >= today
    if passed:
        detail = message("latest record of %(date)s; the next is due by %(due)s", date=newest.evidence_date, due=due)
        withheld = message("the latest record is withheld from this audience; it is in date")
    else:
        detail = message("latest record of %(date)s; the next was due by %(due)s", date=newest.evidence_date, due=due)
        withheld = message("the latest record is withheld from this audience; it is out of date")
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
    title = message("No nonconformity blocks the audit%(label)s", label=label)
    found = nonconformities.records(catalogue, index)
    blocking = tuple(doc for doc in found if nonconformities.blocks(doc, today))
    planned = tuple(doc for doc in found if doc.open and nonconformities.planned(doc, today))
    unstated = tuple(doc for doc in found if doc.state is None)
    if blocking:
        major = sum(1 for doc in blocking if doc.grade != "minor")
        late = sum(1 for doc in blocking if doc.past_due(today))
        reasons = [message("%(num)d major (or ungraded)", num=major)] if major else []
        if len(blocking) > major:
            reasons.append(
                message(
                    "%(num)d minor without a corrective action planned within its due date", num=len(blocking) - major
                )
            )
        detail = message(
            "%(num)d open nonconformity record(s) of clause %(clause)s block it: %(reasons)s",
            num=len(blocking), clause=number, reasons=tuple(reasons),
        )  # fmt: skip
        if late:
            detail = message("%(detail)s; %(num)d past the due date", detail=detail, num=late)
        return Check(title, FAIL, detail, catalogue.name, documents=blocking, about="nonconformity")
    if unstated:
        detail = message(
            "%(num)d record(s) of clause %(clause)s say no state (open, action planned, closed or verified)",
            num=len(unstated), clause=number,
        )  # fmt: skip
        return Check(title, UNASSESSED, detail, catalogue.name, documents=unstated, about="nonconformity")
    if not found:
        detail = message("no nonconformity is recorded: no record of clause %(clause)s has a state", clause=number)
        return Check(title, UNASSESSED, detail, catalogue.name, about="nonconformity")
    if planned:
        detail = message(
            "%(num)d minor nonconformity record(s) of clause %(clause)s are open with a corrective action "
            "planned within the due date; the other %(other)d are closed or not nonconformities",
            num=len(planned), clause=number, other=len(found) - len(planned),
        )  # fmt: skip
        return Check(title, PASS, detail, catalogue.name, documents=planned, about="nonconformity")
    detail = message(
        "all %(num)d nonconformity record(s) of clause %(clause)s are closed", num=len(found), clause=number
    )
    return Check(title, PASS, detail, catalogue.name, about="nonconformity")


# Preparation for the audit -------------------------------------------------------------------------


def _evidence(
    catalogue: Catalogue,
    index: dict[tuple[str, str], list[Document]],
    clause: str,
    until: dt.date,
    types: tuple[str, ...] = EVIDENCE_TYPES,
) -> list[Document]:
    """The approved documents of ``types`` (records and reports) citing ``clause`` or a clause beneath it,
    dated on or before ``until`` (by their ``date``, else their approval, as coverage dates evidence),
    oldest first."""
    found = (
        doc for doc in citing_clause(index, catalogue.name, clause)
        if doc.approved and doc.type in types and doc.evidence_date is not None and doc.evidence_date <= until
    )  # fmt: skip
    return sorted(found, key=lambda doc: (doc.evidence_date or dt.date.min, doc.id))


def _titles(catalogue: Catalogue) -> dict[str, str]:
    return {clause.number: clause.title for clause in catalogue.clauses}


def operation_processes(catalogue: Catalogue) -> dict[str, tuple[str, ...]]:
    """The processes of the catalogue's operation clause whose running a record shows: each clause at or
    beneath it with a required record row, and the document types those rows accept."""
    number = (catalogue.audit or {}).get(OPERATION_KEY)
    processes: dict[str, tuple[str, ...]] = {}
    if number is None:
        return processes
    for row in catalogue.requirements:
        if row.kind == "record" and row.required and within(row.clause, number):
            processes[row.clause] = tuple(dict.fromkeys((*processes.get(row.clause, ()), *row.types)))
    return processes


def _operation_check(
    catalogue: Catalogue,
    index: dict[tuple[str, str], list[Document]],
    preparation: Preparation,
    audit_date: dt.date,
    label: str,
) -> Check:
    """Whether every operational process has a record dated within the window before the audit date.

    Without any approved record of the operation clause at all, whether the processes run cannot be told
    from the handbook (the records may be kept elsewhere): cannot be assessed."""
    assert catalogue.audit is not None
    number = catalogue.audit[OPERATION_KEY]
    window = preparation.window
    start = window.before(audit_date)
    title = message(
        "Records of every clause %(clause)s process within %(interval)s%(label)s",
        clause=number, interval=_interval(window), label=label,
    )  # fmt: skip
    processes = operation_processes(catalogue)
    titles = _titles(catalogue)
    marks, any_record = [], False
    for clause, types in processes.items():
        records = _evidence(catalogue, index, clause, audit_date, types)
        any_record = any_record or bool(records)
        recent = tuple(doc.id for doc in records if doc.evidence_date is not None and doc.evidence_date >= start)
        marks.append(Mark(titles.get(clause, ""), bool(recent), clause, catalogue.name, recent))
    words = (message("recent records"), message("no record since %(date)s", date=start))
    if not processes:
        detail = message(
            "%(catalogue)s asks for no records under clause %(clause)s", catalogue=catalogue.title, clause=number
        )
        return Check(title, UNASSESSED, detail, catalogue.name, about=OPERATION_KEY)
    if not any_record:
        detail = message("no approved record of a clause %(clause)s process is in the handbook", clause=number)
        return Check(title, UNASSESSED, detail, catalogue.name, about=OPERATION_KEY, marks=tuple(marks),
                     mark_words=words)  # fmt: skip
    lacking = [mark for mark in marks if not mark.ok]
    dates = {"clause": number, "start": start, "end": audit_date}
    if lacking:
        detail = message(
            "%(part)d of %(num)d clause %(clause)s processes have no approved record dated "
            "between %(start)s and %(end)s",
            part=len(lacking), num=len(marks), **dates,
        )  # fmt: skip
    else:
        detail = message(
            "each of the %(num)d clause %(clause)s processes has an approved record dated "
            "between %(start)s and %(end)s",
            num=len(marks), **dates,
        )  # fmt: skip
    return Check(
        title, FAIL if lacking else PASS, detail, catalogue.name, about=OPERATION_KEY, marks=tuple(marks),
        mark_words=words,
    )  # fmt: skip


def _programme_check(
    catalogue: Catalogue,
    catalogues: tuple[Catalogue, ...],
    index: dict[tuple[str, str], list[Document]],
    preparation: Preparation,
    audit_date: dt.date,
    label: str,
) -> Check:
    """Whether the internal audits dated within the cycle before the audit date covered every clause of
    the catalogue, as their ``audited`` clauses say (a clause audited covers the clauses beneath it).

    An audit record that does not say what it audited may have covered the gaps: cannot be assessed."""
    assert catalogue.audit is not None
    number = catalogue.audit["internal_audit"]
    cycle = preparation.cycle
    start = cycle.before(audit_date)
    title = message(
        "Internal audits covered every clause within %(interval)s%(label)s", interval=_interval(cycle), label=label
    )
    records = _evidence(catalogue, index, number, audit_date)
    if not records:
        detail = message("no approved internal audit record of clause %(clause)s yet", clause=number)
        return Check(title, UNASSESSED, detail, catalogue.name, about="programme")
    in_cycle = [doc for doc in records if doc.evidence_date is not None and doc.evidence_date > start]
    audited: dict[str, list[str]] = {leaf: [] for leaf in catalogue.leaves}
    for doc in in_cycle:
        for ref in doc.audited or ():
            resolved = resolve_clause(ref, catalogues)
            if resolved is None or resolved[0] is not catalogue:
                continue
            for leaf in audited:
                if within(leaf, resolved[1]) and doc.id not in audited[leaf]:
                    audited[leaf].append(doc.id)
    titles = _titles(catalogue)
    marks = tuple(
        Mark(titles.get(leaf, ""), bool(ids), leaf, catalogue.name, tuple(ids)) for leaf, ids in audited.items()
    )
    gaps = [mark for mark in marks if not mark.ok]
    unlabelled = tuple(doc for doc in in_cycle if doc.audited is None)
    words = (message("audited"), message("not audited"))
    common: dict[str, Any] = {"about": "programme", "marks": marks, "mark_words": words}
    if not gaps:
        detail = message(
            "all %(num)d clauses audited since %(start)s, by %(records)d internal audit record(s)",
            num=len(marks), start=start, records=len(in_cycle),
        )  # fmt: skip
        return Check(title, PASS, detail, catalogue.name, **common)
    if unlabelled:
        detail = message(
            "%(records)d internal audit record(s) since %(start)s do not say which clauses they audited "
            "(they list no audited clauses); %(part)d of %(num)d clauses are not shown audited",
            records=len(unlabelled), start=start, part=len(gaps), num=len(marks),
        )  # fmt: skip
        return Check(title, UNASSESSED, detail, catalogue.name, documents=unlabelled, **common)
    if not in_cycle:
        detail = message(
            "no internal audit record dated since %(start)s: none of the %(num)d clauses is audited in the cycle",
            start=start, num=len(marks),
        )  # fmt: skip
    else:
        detail = message(
            "%(part)d of %(num)d clauses not audited since %(start)s (%(records)d internal audit record(s))",
            part=len(gaps), num=len(marks), start=start, records=len(in_cycle),
        )  # fmt: skip
    return Check(title, FAIL, detail, catalogue.name, **common)


def _inputs_check(
    catalogue: Catalogue, index: dict[tuple[str, str], list[Document]], audit_date: dt.date, label: str
) -> Check:
    """Whether the newest management review record's ``inputs`` checklist covers every input the
    catalogue lists (``audit: review_inputs``); without a record or a checklist, cannot be assessed."""
    assert catalogue.audit is not None
    number = catalogue.audit["management_review"]
    title = message("The latest management review covered every input%(label)s", label=label)
    records = _evidence(catalogue, index, number, audit_date)
    if not records:
        detail = message("no approved management review record of clause %(clause)s yet", clause=number)
        return Check(title, UNASSESSED, detail, catalogue.name, about="review_inputs")
    newest = records[-1]
    if newest.inputs is None:
        detail = message(
            "the latest management review record (%(id)s) has no checklist of the %(num)d inputs",
            id=newest.id, num=len(catalogue.review_inputs),
        )  # fmt: skip
        withheld = message("the latest management review record is withheld from this audience; it has no checklist")
        return Check(
            title, UNASSESSED, detail, catalogue.name, documents=(newest,), about="review_inputs",
            withheld_detail=withheld,
        )  # fmt: skip
    covered = {key for key, done in newest.inputs if done}
    marks = tuple(Mark(text, key in covered, sources=(newest.id,)) for key, text in catalogue.review_inputs)
    missing = [mark for mark in marks if not mark.ok]
    if missing:
        detail = message(
            "%(part)d of %(num)d inputs not covered by %(id)s", part=len(missing), num=len(marks), id=newest.id
        )
        hidden = message("%(part)d of %(num)d inputs not covered", part=len(missing), num=len(marks))
    else:
        detail = message("all %(num)d inputs covered by %(id)s", num=len(marks), id=newest.id)
        hidden = message("all %(num)d inputs covered", num=len(marks))
    return Check(
        title, FAIL if missing else PASS, detail, catalogue.name, documents=(newest,), about="review_inputs",
        withheld_detail=message(
            "the latest management review record is withheld from this audience; %(inputs)s", inputs=hidden
        ),
        marks=marks, mark_words=(message("covered"), message("not covered")),
    )  # fmt: skip


def stage1_pack(
    catalogues: tuple[Catalogue, ...],
    rows: tuple[CoverageRow, ...],
    index: dict[tuple[str, str], list[Document]],
    audit_date: dt.date,
) -> tuple[PackItem, ...]:
    """The documents a certification body asks for first, found through each catalogue's ``audit:``
    clauses: those meeting the explicit document rows at the clause or beneath it (approved ones first),
    the generated register and coverage matrix, and the newest record of the audit and review clauses."""
    items = []
    for title, where in PACK:
        kind, _, key = where.rpartition(":")
        if kind == "page":
            items.append(PackItem(title, page=key))
            continue
        declaring = [c for c in catalogues if key in (c.audit or {})]
        if not declaring:
            items.append(PackItem(title, note=N_("no catalogue of this handbook says which clause asks for it")))
            continue
        found: dict[str, Document] = {}
        for catalogue in declaring:
            number = (catalogue.audit or {})[key]
            if kind == "newest":
                records = _evidence(catalogue, index, number, audit_date)
                if records:
                    found[records[-1].id] = records[-1]
                continue
            for row in rows:
                requirement = row.requirement
                if (
                    requirement.catalogue == catalogue.name and requirement.kind == "document"
                    and requirement.basis == "explicit" and within(requirement.clause, number)
                ):  # fmt: skip
                    found.update((doc.id, doc) for doc in row.documents)
        documents = sorted(found.values(), key=lambda doc: (not doc.approved, doc.id))
        items.append(PackItem(title, tuple(documents), note="" if documents else N_("not in the handbook")))
    return tuple(items)
