"""The target state of ISO/IEC 20000-5, as an approved plan with a ``target:`` block, and how far the
SMS has come towards it. Pure functions over documents and coverage rows.

Only an approved target counts: a target still in draft is a proposal, and measuring against it would
present a goal nobody has agreed as the yardstick. Without one, achievement cannot be assessed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from mkdocs_sms.analysis.coverage import CoverageRow
from mkdocs_sms.catalogue import Catalogue, unresolved
from mkdocs_sms.catalogue.levels import unresolved_levels
from mkdocs_sms.model.document import Document
from mkdocs_sms.model.target import TARGET_TYPE, Target
from mkdocs_sms.rules import RULES, Finding

ASSESSED, UNASSESSED = "assessed", "cannot be assessed"


@dataclass(frozen=True)
class TargetRow:
    """A required row within the target state, and the level the target asks of it."""

    row: CoverageRow
    level: int

    @property
    def achieved(self) -> bool:
        """Covered by an approved, in-date document at the target level or above (no level: every level)."""
        return self.row.achieved(self.level)


@dataclass(frozen=True)
class TargetState:
    """The target state that counts (the newest approved one), or why there is none to measure against.

    ``rows`` are the required rows the target includes: those of a clause whose target level is at least
    the row's own level (a level-3 row is not part of a level-2 target). ``beyond`` counts the others.
    ``unapproved`` are target documents in draft or review, ``superseded`` older approved ones;
    ``withheld`` says that a published view leaves out the approved target (it is not shown, nor measured).
    """

    document: Document | None
    unapproved: tuple[Document, ...] = ()
    superseded: tuple[Document, ...] = ()
    rows: tuple[TargetRow, ...] = ()
    beyond: int = 0
    withheld: bool = False

    @property
    def target(self) -> Target | None:
        """The target block of the document that counts."""
        return self.document.target if self.document else None

    @property
    def status(self) -> str:
        """``assessed`` with an approved target, else ``cannot be assessed``."""
        return ASSESSED if self.document is not None else UNASSESSED

    @property
    def reason(self) -> str:
        """Why achievement cannot be assessed (empty when it can)."""
        if self.document is not None:
            return ""
        if self.withheld:
            return "the target state is withheld from this audience"
        if self.unapproved:
            ids = ", ".join(d.id for d in self.unapproved)
            verb = "is" if len(self.unapproved) == 1 else "are"
            return f"the target state ({ids}) {verb} not approved; only an approved target state counts"
        return f"no approved {TARGET_TYPE} sets a target state"

    @property
    def achieved(self) -> int:
        """How many rows of the target are achieved."""
        return sum(1 for item in self.rows if item.achieved)

    def of(self, catalogue: str) -> list[TargetRow]:
        """The target's rows of one catalogue."""
        return [item for item in self.rows if item.row.requirement.catalogue == catalogue]


def target_documents(documents: Iterable[Document]) -> list[Document]:
    """Plans with a target block, not retired."""
    return [d for d in documents if d.target is not None and d.type == TARGET_TYPE and d.status != "retired"]


def target_state(
    documents: Iterable[Document], rows: Iterable[CoverageRow], catalogues: Sequence[Catalogue]
) -> TargetState:
    """The target state that counts and the rows it asks for, each with its level."""
    candidates = target_documents(documents)
    approved = sorted((d for d in candidates if d.approved), key=lambda d: (d.approved_on, d.id), reverse=True)
    unapproved = tuple(d for d in candidates if not d.approved)
    if not approved:
        return TargetState(None, unapproved)
    document = approved[0]
    assert document.target is not None
    levels = document.target.levels
    within_target, beyond = [], 0
    for row in rows:
        if not row.requirement.required:
            continue
        level = levels.level_for(row.requirement, catalogues)
        if row.requirement.level <= level:
            within_target.append(TargetRow(row, level))
        else:
            beyond += 1
    return TargetState(document, unapproved, tuple(approved[1:]), tuple(within_target), beyond)


def target_findings(document: Document, catalogues: Sequence[Catalogue]) -> list[Finding]:
    """SMS005 for each clause of a target's levels that no loaded catalogue has."""
    if document.target is None:
        return []
    return [
        RULES["SMS005"].finding(
            f"'target' levels: {unresolved(ref, catalogues)}",
            path=document.path,
            line=document.line_of("target"),
            document=document.id,
        )
        for ref in unresolved_levels(document.target.levels, catalogues)
    ]
