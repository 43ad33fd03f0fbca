"""The target state of ISO/IEC 20000-5 as a controlled document: a plan with a ``target:`` block
saying what it covers, the maturity level aimed at per clause and by when. Pure."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mkdocs_sms.catalogue.levels import EXAMPLE, TargetLevels, parse_levels
from mkdocs_sms.model.dates import parse_date

TARGET_KEYS = ("scope", "levels", "date")
# The only document type whose target block counts.
TARGET_TYPE = "plan"


@dataclass(frozen=True)
class Target:
    """What the target state covers (free text), the levels it aims at, and the date it is due."""

    scope: str
    levels: TargetLevels
    date: dt.date


def parse_target(value: Any) -> Target:
    """Read a ``target:`` block; raise ValueError saying what is wrong."""
    if not isinstance(value, Mapping):
        raise ValueError(f"must be a mapping with {', '.join(TARGET_KEYS)}")
    unknown = sorted(str(key) for key in value if key not in TARGET_KEYS)
    if unknown:
        raise ValueError(f"has unknown key(s) {', '.join(unknown)} (allowed: {', '.join(TARGET_KEYS)})")
    missing = [key for key in TARGET_KEYS if value.get(key) is None]
    if missing:
        raise ValueError(
            f"lacks {', '.join(missing)}: give the scope it covers (text), the levels aimed at "
            f"(e.g. {EXAMPLE}) and the date they are due"
        )
    scope = value["scope"]
    if not isinstance(scope, str) or not scope.strip():
        raise ValueError("'scope' must be text: the services or part of the SMS the target state covers")
    try:
        levels = parse_levels(value["levels"])
    except ValueError as exc:
        raise ValueError(f"'levels' {exc}") from None
    try:
        date = parse_date(value["date"])
    except ValueError as exc:
        raise ValueError(f"'date' {exc}") from None
    return Target(" ".join(scope.split()), levels, date)
