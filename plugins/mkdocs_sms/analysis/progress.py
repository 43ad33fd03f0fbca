"""How far the implementation has come: progress per phase and per clause group, against the target
state and the saved baseline (the gap analysis of ISO/IEC 20000-5). Pure functions over a handbook."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mkdocs_sms.analysis.coverage import COVERED, DEFERRED, CoverageRow
from mkdocs_sms.analysis.implementation import Phase, Plan
from mkdocs_sms.catalogue import Catalogue
from mkdocs_sms.catalogue.model import Titles, in_language
from mkdocs_sms.read.baseline import Baseline

if TYPE_CHECKING:  # a handbook offers its progress; only types flow this way
    from mkdocs_sms.analysis.handbook import Handbook

# States of a phase, as the implementation page names them.
COMPLETE, LATE, UNDER_WAY, PLANNED = "complete", "late", "under way", "planned"


@dataclass(frozen=True)
class PhaseProgress:
    """The rows one phase must achieve, and how many it has (now and at the baseline). ``open`` are the
    rows still to achieve (at the level the phase asks of each, for a level phase)."""

    name: str
    phase: Phase | None
    rows: tuple[CoverageRow, ...]
    achieved: int
    state: str
    baseline_achieved: int | None = None
    open: tuple[CoverageRow, ...] = ()

    @property
    def total(self) -> int:
        """How many rows the phase must achieve."""
        return len(self.rows)

    @property
    def share(self) -> float:
        """Achieved rows as a fraction (1.0 for a phase with nothing to do)."""
        return self.achieved / self.total if self.total else 1.0

    @property
    def baseline_share(self) -> float | None:
        """The fraction achieved at the baseline, when there is one."""
        if self.baseline_achieved is None:
            return None
        return self.baseline_achieved / self.total if self.total else 1.0


@dataclass(frozen=True)
class GroupProgress:
    """Required rows of one clause group (4 to 10) covered now and at the baseline."""

    group: str
    title: str
    covered: int
    total: int
    baseline_covered: int | None
    titles: Titles = ()

    def title_in(self, language: str) -> str:
        """The group clause's title in ``language``."""
        return in_language(self.title, self.titles, language)


@dataclass(frozen=True)
class CatalogueProgress:
    """The implementation of one catalogue: phases, clause groups and the gap since the baseline."""

    catalogue: Catalogue
    phases: tuple[PhaseProgress, ...]
    target: PhaseProgress
    groups: tuple[GroupProgress, ...]
    closed: tuple[CoverageRow, ...]
    reopened: tuple[tuple[CoverageRow, str], ...]
    remaining: tuple[CoverageRow, ...]
    late: tuple[CoverageRow, ...]


def progress(handbook: Handbook) -> list[CatalogueProgress]:
    """The implementation of every catalogue, in catalogue order."""
    plan = handbook.settings.implementation or Plan()
    today = handbook.settings.today
    baseline = handbook.baseline
    result = []
    for catalogue, rows in zip(handbook.catalogues, handbook.rows_by_catalogue().values(), strict=True):
        required = [row for row in rows if row.requirement.required]
        phases = tuple(_phase(plan, index, required, handbook, baseline) for index in range(len(plan.phases)))
        target = PhaseProgress(
            "Target state",
            None,
            tuple(required),
            sum(1 for row in required if row.status == COVERED),
            COMPLETE if all(row.status == COVERED for row in required) else _open_state(plan, today),
            _baseline_count(baseline, required),
        )
        closed, reopened = [], []
        if baseline is not None:
            for row in required:
                before = baseline.status(row.requirement.catalogue, row.requirement.key)
                if row.status == COVERED and before != COVERED:
                    closed.append(row)
                elif row.status != COVERED and before == COVERED:
                    reopened.append((row, before))
        remaining = sorted(
            (row for row in required if row.status != COVERED),
            key=lambda row: (row.phase if row.phase is not None else -1, row.status == DEFERRED),
        )
        result.append(
            CatalogueProgress(
                catalogue,
                phases,
                target,
                tuple(_groups(catalogue, required, baseline)),
                tuple(closed),
                tuple(reopened),
                tuple(remaining),
                tuple(row for row in required if row.late is not None),
            )
        )
    return result


def _phase(
    plan: Plan, index: int, rows: list[CoverageRow], handbook: Handbook, baseline: Baseline | None
) -> PhaseProgress:
    phase = plan.phases[index]
    catalogues = handbook.catalogues
    # A maturity-level phase raises the whole SMS; a clause phase answers for the rows it brings in.
    mine = tuple(
        row
        for row in rows
        if plan.in_scope(index, row.requirement, catalogues) and (phase.by_level or row.phase == index)
    )
    unachieved = tuple(row for row in mine if not row.achieved(phase.level_for(row.requirement, catalogues)))
    achieved = len(mine) - len(unachieved)
    today = handbook.settings.today
    if achieved == len(mine):
        state = COMPLETE
    elif phase.target < today:
        state = LATE
    elif plan.current(today) == index:
        state = UNDER_WAY
    else:
        state = PLANNED
    before = None
    if baseline is not None:
        # The baseline recorded statuses, not levels: a level phase counts covered rows at the baseline.
        before = _baseline_count(baseline, list(mine))
    return PhaseProgress(phase.name, phase, mine, achieved, state, before, unachieved)


def _open_state(plan: Plan, today: dt.date) -> str:
    if plan.phases and plan.phases[-1].target < today:
        return LATE
    return UNDER_WAY


def _baseline_count(baseline: Baseline | None, rows: list[CoverageRow]) -> int | None:
    if baseline is None:
        return None
    return sum(1 for row in rows if baseline.status(row.requirement.catalogue, row.requirement.key) == COVERED)


def _groups(catalogue: Catalogue, rows: list[CoverageRow], baseline: Baseline | None) -> list[GroupProgress]:
    groups: dict[str, list[CoverageRow]] = {}
    for clause in catalogue.clauses:
        groups.setdefault(group_of(clause.number), [])
    for row in rows:
        groups.setdefault(group_of(row.requirement.clause), []).append(row)
    clauses = {clause.number: clause for clause in catalogue.clauses}
    return [
        GroupProgress(
            group,
            clauses[group].title if group in clauses else "",
            sum(1 for row in members if row.status == COVERED),
            len(members),
            _baseline_count(baseline, members),
            clauses[group].titles if group in clauses else (),
        )
        for group, members in groups.items()
        if members
    ]


def group_of(clause: str) -> str:
    """The clause group (top-level clause) of a clause number: '8.5.1.1' -> '8'."""
    return clause.split(".", 1)[0]
