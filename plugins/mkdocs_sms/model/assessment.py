"""The judgements of a gap assessment: how far the organisation carries out each clause activity.

An assessment (``type: assessment``) lists, in its front-matter under ``judgements``, one item per
catalogue activity it judges: ``activity: "8.6.1/2"`` (clause, slash, the activity's place in the
clause's list, from 1; ``isms:9.2/1`` for another catalogue), ``result`` (conforms, partial, not, n/a
with a ``reason``; empty until judged), ``level`` (1-3), ``evidence`` (document ids or addresses) and
``note``. The list may instead be kept in a YAML file of docs_dir that ``judgements`` names (a path
relative to the page, or from docs_dir with a leading ``/``), under the same key: long assessments
stay out of the front-matter, and the file is never published (see mkdocs_sms.analysis.assessment).
Pure: which activities exist is the catalogue's business.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from mkdocs_sms.text import shown

RESULTS = ("conforms", "partial", "not", "n/a")
JUDGEMENT_KEYS = ("activity", "result", "level", "evidence", "note", "reason")
_ACTIVITY = re.compile(r"^(?P<clause>\S+)/(?P<number>[1-9][0-9]{0,2})$")
# A judgements file: a relative or docs_dir-rooted path to a YAML file, not an address.
JUDGEMENTS_FILE_PATTERN = r"^(?![A-Za-z][A-Za-z0-9+.-]*:)[^\s]([^\n]*[^\s])?\.ya?ml$"
_FILE = re.compile(JUDGEMENTS_FILE_PATTERN)


@dataclass(frozen=True)
class JudgementsFile:
    """``judgements`` naming a YAML file rather than listing the judgements, as written."""

    name: str


def judgements_file(value: str) -> str:
    """The file name ``judgements`` gives; raise ValueError unless it names a YAML file by a path."""
    name = value.strip()
    if not _FILE.match(name):
        raise ValueError(
            f"must list the judgements, or name a YAML file of docs_dir that holds them (e.g. "
            f"judgements: 2026-11-judgements.yml), not {shown(value)}"
        )
    return name


@dataclass(frozen=True)
class Judgement:
    """One activity as an assessment judged it (``result`` None: not judged yet)."""

    activity: str
    result: str | None = None
    level: int | None = None
    evidence: tuple[str, ...] = ()
    note: str = ""
    reason: str = ""

    @property
    def clause(self) -> str:
        """The clause reference: ``8.6.1`` or ``isms:9.2``."""
        return self.activity.rsplit("/", 1)[0]

    @property
    def number(self) -> int:
        """The activity's place in its clause's list, from 1."""
        return int(self.activity.rsplit("/", 1)[1])


def read_judgement(item: Any, levels: tuple[int, ...]) -> Judgement:
    """One item of ``judgements``; raise ValueError saying what is wrong with it."""
    if not isinstance(item, dict):
        raise ValueError(f'must be a mapping such as {{activity: "8.6.1/1", result: partial}}, not {shown(item)}')
    unknown = sorted(str(key) for key in item if key not in JUDGEMENT_KEYS)
    if unknown:
        raise ValueError(f"has unknown key(s) {', '.join(unknown)} (allowed: {', '.join(JUDGEMENT_KEYS)})")
    activity = item.get("activity")
    if not isinstance(activity, str) or not _ACTIVITY.match(activity.strip()):
        raise ValueError(
            f"'activity' must name a clause and the activity's number, e.g. \"8.6.1/2\", not {shown(activity)}"
        )
    result = item.get("result")
    if result is not None and result not in RESULTS:
        raise ValueError(f"'result' {shown(result)} is not one of {', '.join(RESULTS)} (or empty until judged)")
    level = item.get("level")
    if level is not None and (isinstance(level, bool) or level not in levels):
        raise ValueError(f"'level' {shown(level)} is not one of {', '.join(map(str, levels))}")
    evidence = item.get("evidence") or []
    if isinstance(evidence, str):
        evidence = [evidence]
    if not isinstance(evidence, list) or not all(isinstance(e, str) and e.strip() for e in evidence):
        raise ValueError("'evidence' must be a list of document ids or addresses")
    texts = {}
    for key in ("note", "reason"):
        value = item.get(key)
        if value is not None and not isinstance(value, str):
            raise ValueError(f"'{key}' must be text")
        texts[key] = " ".join((value or "").split())
    if result == "n/a" and not texts["reason"]:
        raise ValueError("is judged n/a without a 'reason': say why the activity does not apply")
    return Judgement(
        activity.strip(), result, level, tuple(e.strip() for e in evidence), texts["note"], texts["reason"]
    )
