"""The implementation plan of ISO/IEC 20000-5: phases with target dates, towards a target state.

ISO/IEC 20000-5 describes two ways to phase the implementation of an SMS. Either each phase brings in
a subset of the clauses (typically the SMS core first, then groups of processes), or the whole SMS is
raised through maturity levels 1 to 3. A :class:`Phase` says which: ``clauses``, ``level`` (one level for
the whole SMS) or ``levels`` (a level per clause, with a default: "level 3 for 8.5, level 2 elsewhere").
Everything here is pure: the plan is read from ``mkdocs.yml`` and applied to catalogue rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from mkdocs_sms.catalogue import LEVELS, Catalogue, Requirement, resolve_clause, unresolved, within
from mkdocs_sms.catalogue.levels import EXAMPLE, TargetLevels, parse_levels
from mkdocs_sms.model.dates import parse_date
from mkdocs_sms.read.baseline import DEFAULT_BASELINE
from mkdocs_sms.rules import RULES, Finding

DEFAULT_LEVEL_NAMES = ("Level 1", "Level 2", "Level 3")
_PLAN_KEYS = {"phases", "levels", "baseline"}
_PHASE_KEYS = {"name", "target", "clauses", "level", "levels", "description"}


@dataclass(frozen=True)
class Phase:
    """One phase: a name, a target date, and the clauses it brings in, the level it raises the whole SMS
    to, or the levels it raises each clause to."""

    name: str
    target: dt.date
    clauses: tuple[str, ...] = ()
    level: int | None = None
    description: str = ""
    levels: TargetLevels | None = None

    @property
    def by_level(self) -> bool:
        """Whether the phase raises the whole SMS through maturity levels (``level`` or ``levels``)."""
        return self.level is not None or self.levels is not None

    def level_for(self, requirement: Requirement, catalogues: Sequence[Catalogue]) -> int | None:
        """The level this phase asks of ``requirement``; None for a phase of clauses."""
        if self.levels is not None:
            return self.levels.level_for(requirement, catalogues)
        return self.level

    def brings_in(self, requirement: Requirement, catalogues: Sequence[Catalogue]) -> bool:
        """Whether this phase puts ``requirement`` in scope: a level phase every row expected at the
        level it asks of the row's clause."""
        level = self.level_for(requirement, catalogues)
        if level is not None:
            return requirement.level <= level
        return any(_matches(ref, requirement, catalogues) for ref in self.clauses)


@dataclass(frozen=True)
class Plan:
    """The implementation plan: ordered phases, the names of the maturity levels and the baseline file."""

    phases: tuple[Phase, ...] = ()
    level_names: tuple[str, ...] = DEFAULT_LEVEL_NAMES
    baseline: str = DEFAULT_BASELINE

    def current(self, today: dt.date) -> int | None:
        """Index of the phase under way (the first whose target date is today or later); None once
        every target date has passed, when the whole target state is due."""
        return next((i for i, phase in enumerate(self.phases) if phase.target >= today), None)

    def due_phase(self, requirement: Requirement, catalogues: Sequence[Catalogue]) -> int | None:
        """Index of the first phase that brings ``requirement`` in; rows no phase names belong to the
        last phase, because the target state is the whole catalogue. None without phases."""
        if not self.phases:
            return None
        found = (i for i, phase in enumerate(self.phases) if phase.brings_in(requirement, catalogues))
        return next(found, len(self.phases) - 1)

    def in_scope(self, index: int, requirement: Requirement, catalogues: Sequence[Catalogue]) -> bool:
        """Whether phase ``index`` must have achieved ``requirement`` by its target date (a row stays
        in scope of every phase after the one that brings it in)."""
        due = self.due_phase(requirement, catalogues)
        if due is None or due > index:
            return False
        level = self.phases[index].level_for(requirement, catalogues)
        return level is None or requirement.level <= level

    def level_name(self, level: int) -> str:
        """The configured name of a maturity level."""
        return self.level_names[level - 1]


def _matches(ref: str, requirement: Requirement, catalogues: Sequence[Catalogue]) -> bool:
    """A phase clause names a clause and everything under it: '8.5' brings in 8.5.1.1."""
    resolved = resolve_clause(ref, catalogues)  # check_plan has made sure it resolves
    if resolved is None or resolved[0].name != requirement.catalogue:
        return False
    return within(requirement.clause, resolved[1])


# The operation clause of the harmonized structure: the processes whose checking and acting SMS108 asks for.
OPERATION = "8"


def loop_findings(plan: Plan | None, catalogues: Sequence[Catalogue]) -> list[Finding]:
    """SMS108: a phase that puts clause 8 rows in scope with no internal audit or management review
    rows in scope by its target date. Each phase should close its own check-and-act loop: processes
    started without being audited and reviewed give an auditor nothing to judge them by."""
    if plan is None:
        return []
    result = []
    for catalogue in catalogues:
        loops = {
            key: [r for r in catalogue.requirements if within(r.clause, number)]
            for key, number in (catalogue.audit or {}).items()
            if key in ("internal_audit", "management_review")
        }
        loops = {key: rows for key, rows in loops.items() if rows}
        operation = [r for r in catalogue.requirements if within(r.clause, OPERATION)]
        if not loops or not operation:
            continue
        for index, phase in enumerate(plan.phases):
            if not any(plan.in_scope(index, r, catalogues) for r in operation):
                continue
            missing = [key for key, rows in loops.items() if not any(plan.in_scope(index, r, catalogues) for r in rows)]
            if missing:
                assert catalogue.audit is not None
                named = " or ".join(f"{key.replace('_', ' ')} ({catalogue.audit[key]})" for key in missing)
                result.append(
                    RULES["SMS108"].finding(
                        f"phase '{phase.name}' (target {phase.target.isoformat()}) brings in clause {OPERATION} "
                        f"rows of {catalogue.name} but no {named} by its target date"
                    )
                )
    return result


def parse_plan(value: Any) -> Plan | None:
    """Read the ``implementation`` option; raise ValueError with a readable message when it is wrong."""
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise ValueError("must be a mapping with 'phases' (and optionally 'levels' and 'baseline')")
    unknown = sorted(str(key) for key in set(value) - _PLAN_KEYS)
    if unknown:
        raise ValueError(f"unknown key(s) {', '.join(unknown)} (allowed: {', '.join(sorted(_PLAN_KEYS))})")
    names = value.get("levels", list(DEFAULT_LEVEL_NAMES))
    if not isinstance(names, list) or len(names) != len(LEVELS) or not all(isinstance(n, str) and n for n in names):
        raise ValueError(
            f"'levels' must list {len(LEVELS)} names, one per maturity level, e.g. {list(DEFAULT_LEVEL_NAMES)}"
        )
    baseline = value.get("baseline", DEFAULT_BASELINE)
    if not isinstance(baseline, str) or not baseline.strip():
        raise ValueError("'baseline' must be the path of the baseline file, e.g. sms-baseline.json")
    raw_phases = value.get("phases", [])
    if not isinstance(raw_phases, list):
        raise ValueError("'phases' must be a list of phases, each with a name and a target date")
    phases = tuple(_phase(raw, index) for index, raw in enumerate(raw_phases))
    seen: set[str] = set()
    for index, phase in enumerate(phases):
        if phase.name in seen:
            raise ValueError(f"phases[{index}]: the name '{phase.name}' is used twice")
        seen.add(phase.name)
        if index and phase.target < phases[index - 1].target:
            raise ValueError(
                f"phases[{index}] ({phase.name}): target {phase.target} is before the previous phase's "
                f"({phases[index - 1].target}); list phases in the order they are due"
            )
    return Plan(phases, tuple(names), baseline.strip())


def _phase(raw: Any, index: int) -> Phase:
    where = f"phases[{index}]"
    if not isinstance(raw, Mapping):
        raise ValueError(f"{where} must be a mapping with 'name', 'target' and 'clauses', 'level' or 'levels'")
    unknown = sorted(str(key) for key in set(raw) - _PHASE_KEYS)
    if unknown:
        raise ValueError(f"{where}: unknown key(s) {', '.join(unknown)} (allowed: {', '.join(sorted(_PHASE_KEYS))})")
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"{where}: 'name' must be non-empty text")
    where = f"{where} ({name.strip()})"
    try:
        target = parse_date(raw.get("target"))
    except ValueError as exc:
        raise ValueError(f"{where}: 'target' {exc}") from None
    clauses, level, raw_levels = raw.get("clauses"), raw.get("level"), raw.get("levels")
    if sum(value is not None for value in (clauses, level, raw_levels)) != 1:
        raise ValueError(
            f"{where}: give one of 'clauses' (the clauses it brings in), 'level' (1, 2 or 3, for the whole SMS) "
            f"or 'levels' (a level per clause with a default, e.g. {EXAMPLE})"
        )
    levels = None
    if raw_levels is not None:
        try:
            levels = parse_levels(raw_levels)
        except ValueError as exc:
            raise ValueError(f"{where}: 'levels' {exc}") from None
    if level is not None and (isinstance(level, bool) or level not in LEVELS):
        raise ValueError(f"{where}: 'level' must be one of {', '.join(map(str, LEVELS))}, not {level!r}")
    refs: tuple[str, ...] = ()
    if clauses is not None:
        if not isinstance(clauses, list) or not clauses:
            raise ValueError(f'{where}: \'clauses\' must be a non-empty list such as ["4", "5", "8.1"]')
        if not all(isinstance(c, (str, int, float)) and not isinstance(c, bool) for c in clauses):
            raise ValueError(f"{where}: 'clauses' must list clause numbers")
        refs = tuple(str(c).strip() for c in clauses)
    description = raw.get("description") or ""
    return Phase(name.strip(), target, refs, level, str(description).strip(), levels)


def check_plan(plan: Plan | None, catalogues: Sequence[Catalogue]) -> None:
    """Raise ValueError when a phase names a clause that no loaded catalogue has, or names it ambiguously."""
    if plan is None:
        return
    for phase in plan.phases:
        for ref in phase.clauses:
            if resolve_clause(ref, catalogues) is None:
                raise ValueError(f"phase '{phase.name}': {unresolved(ref, catalogues)}")
        for ref, _ in phase.levels.clauses if phase.levels else ():
            if resolve_clause(ref, catalogues) is None:
                raise ValueError(f"phase '{phase.name}': 'levels' names {unresolved(ref, catalogues)}")


def unnamed_findings(plan: Plan | None, catalogues: Sequence[Catalogue]) -> list[Finding]:
    """SMS111: required rows that no phase brings in, once per catalogue. They join the last phase (the
    target state is the whole catalogue), which the plan may not have meant."""
    if plan is None or not plan.phases:
        return []
    result = []
    for catalogue in catalogues:
        rows = [
            r
            for r in catalogue.requirements
            if r.required and not any(phase.brings_in(r, catalogues) for phase in plan.phases)
        ]
        if rows:
            clauses = ", ".join(dict.fromkeys(r.clause for r in rows))
            last = plan.phases[-1]
            result.append(
                RULES["SMS111"].finding(
                    f"{len(rows)} required row{'' if len(rows) == 1 else 's'} of {catalogue.name} "
                    f"{'is' if len(rows) == 1 else 'are'} named by no phase and join the last phase, "
                    f"'{last.name}' (target {last.target.isoformat()}): clauses {clauses}"
                )
            )
    return result
