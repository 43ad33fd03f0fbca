"""References between documents by id in the text: ``[[POL-CHG-01]]`` or ``[[POL-CHG-01|custom text]]``.

Fenced code blocks are skipped, so examples of the syntax in a procedure stay as they are; references
inside HTML comments are not reported.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

REFERENCE = re.compile(r"\[\[\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\|([^\]\n]+))?\]\]")
_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


def _lines_outside_code(text: str) -> Iterator[tuple[int, str]]:
    """(1-based line number, line) for every line that is not inside a fenced code block."""
    fence: str | None = None
    for number, line in enumerate(text.split("\n"), start=1):
        match = _FENCE.match(line)
        if match:
            marker = match.group(1)
            if fence is None:
                fence = marker[0] * len(marker)
                continue
            if marker.startswith(fence):
                fence = None
                continue
        if fence is None:
            yield number, line


def find(text: str, first_line: int = 1) -> list[tuple[str, int]]:
    """The ids referenced in ``text`` with their line numbers (``first_line`` is the line of text[0]).

    HTML comments are not read: they are not part of the page a reader sees.
    """
    text = _COMMENT.sub(lambda m: "\n" * m.group().count("\n"), text)
    return [
        (match.group(1), first_line + number - 1)
        for number, line in _lines_outside_code(text)
        for match in REFERENCE.finditer(line)
    ]


def replace(text: str, link: Callable[[str, str | None], str]) -> str:
    """``text`` with each reference outside code replaced by ``link(id, custom text or None)``."""
    lines = text.split("\n")
    for number, line in _lines_outside_code(text):
        lines[number - 1] = REFERENCE.sub(lambda m: link(m.group(1), m.group(2)), line)
    return "\n".join(lines)
