"""The implementation plan of ISO/IEC 20000-5: phases with target dates, towards a target state.

ISO/IEC 20000-5 describes two ways to phase the implementation of an SMS. Either each phase brings in
a subset of the clauses (typically the SMS core first, then groups of processes), or the whole SMS is
raised through maturity levels 1 to 3. A :class:`Phase` says which: ``clauses`` or ``level``.
Everything here is pure: the plan is read from ``mkdocs.yml`` and applied to catalogue rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from mkdocs_sms.catalogue import LEVELS, Catalogue, Requirement, resolve_clause, unresolved, within
from mkdocs_sms.model.dates import parse_date
from mkdocs_sms.read.baseline import DEFAULT_BASELINE
from mkdocs_sms.rules import RULES, Finding

DEFAULT_LEVEL_NAMES = ("Level 1", "Level 2", "Level 3")
_PLAN_KEYS = {"phases", "levels", "baseline"}
_PHASE_KEYS = {"name", "target", "clauses", "level", "description"}


@dataclass(frozen=True)
class Phase:
    """One phase: a name, a target date, and either the clauses it brings in or the level it reaches."""

    name: str
    target: dt.date
    clauses: tuple[str, ...] = ()
    level: int | None = None
    description: str = ""

    def brings_in(self, requirement: Requirement, catalogues: Sequence[Catalogue]) -> bool:
        """Whether this phase puts ``requirement`` in scope."""
        if self.level is not None:
            return requirement.level <= self.level
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
        phase = self.phases[index]
        return phase.level is None or requirement.level <= phase.level

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
        raise ValueError(f"{where} must be a mapping with 'name', 'target' and 'clauses' or 'level'")
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
    clauses, level = raw.get("clauses"), raw.get("level")
    if (clauses is None) == (level is None):
        raise ValueError(f"{where}: give either 'clauses' (the clauses it brings in) or 'level' (1, 2 or 3)")
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
    return Phase(name.strip(), target, refs, level, str(description).strip())


def check_plan(plan: Plan | None, catalogues: Sequence[Catalogue]) -> None:
    """Raise ValueError when a phase names a clause that no loaded catalogue has, or names it ambiguously."""
    if plan is None:
        return
    for phase in plan.phases:
        for ref in phase.clauses:
            if resolve_clause(ref, catalogues) is None:
                raise ValueError(f"phase '{phase.name}': {unresolved(ref, catalogues)}")
