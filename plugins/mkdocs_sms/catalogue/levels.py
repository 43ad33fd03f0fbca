"""Maturity levels aimed at per clause: "level 3 for 8.5, level 2 elsewhere".

The same mapping is written in an implementation phase (``levels:`` in ``mkdocs.yml``) and in the
``target:`` block of a target-state document. Pure: reading it needs no catalogue; applying it to a row
resolves its clause references the way a document's ``clauses`` are resolved.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from mkdocs_sms.catalogue.model import CLAUSE_NUMBER, LEVELS, Catalogue, Requirement, resolve_clause, split_ref, within

DEFAULT_KEY = "default"
EXAMPLE = '{"8.5": 3, default: 2}'


@dataclass(frozen=True)
class TargetLevels:
    """The level aimed at for each clause named (and everything beneath it), ``default`` elsewhere.
    Where named clauses nest, the most specific one decides: {"8": 2, "8.5": 3} puts 8.5.1 at 3."""

    clauses: tuple[tuple[str, int], ...]
    default: int

    def level_for(self, requirement: Requirement, catalogues: Sequence[Catalogue]) -> int:
        """The level aimed at for ``requirement``."""
        best: tuple[int, int] | None = None  # (depth of the clause named, its level)
        for ref, level in self.clauses:
            resolved = resolve_clause(ref, catalogues)
            if resolved is None or resolved[0].name != requirement.catalogue:
                continue
            if within(requirement.clause, resolved[1]):
                depth = resolved[1].count(".")
                if best is None or depth > best[0]:
                    best = (depth, level)
        return best[1] if best else self.default

    def to_json(self) -> dict[str, int]:
        """As written: clause numbers to levels, with ``default``."""
        return {**dict(self.clauses), DEFAULT_KEY: self.default}


def _level(value: Any, key: str) -> int:
    if isinstance(value, bool) or value not in LEVELS:
        raise ValueError(f"gives '{key}' the level {value!r}; a level is one of {', '.join(map(str, LEVELS))}")
    return int(value)


def parse_levels(value: Any) -> TargetLevels:
    """Read a levels mapping; raise ValueError saying what is wrong (the caller adds where)."""
    if not isinstance(value, Mapping) or not value:
        raise ValueError(f"must map clause numbers to levels, with a default for the rest, e.g. {EXAMPLE}")
    clauses: list[tuple[str, int]] = []
    default = None
    for key, level in value.items():
        if key == DEFAULT_KEY:
            default = _level(level, key)
            continue
        if isinstance(key, float):
            raise ValueError(
                f"has the clause {key!r} written as a number, which loses digits (YAML reads 10.10 as 10.1): "
                "write clause numbers as strings, in quotes"
            )
        ref = str(key).strip() if isinstance(key, (str, int)) and not isinstance(key, bool) else ""
        if not CLAUSE_NUMBER.match(split_ref(ref)[1]):
            raise ValueError(f"has the key {key!r}, which is neither a clause number nor '{DEFAULT_KEY}'")
        clauses.append((ref, _level(level, ref)))
    if default is None:
        raise ValueError(f"needs a '{DEFAULT_KEY}' level for the clauses it does not name, e.g. {EXAMPLE}")
    return TargetLevels(tuple(clauses), default)


def unresolved_levels(levels: TargetLevels, catalogues: Sequence[Catalogue]) -> list[str]:
    """The clause references of ``levels`` that name no clause of the loaded catalogues."""
    return [ref for ref, _ in levels.clauses if resolve_clause(ref, catalogues) is None]
