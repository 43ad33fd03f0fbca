"""References between documents by id in the text: ``[[POL-CHG-01]]`` or ``[[POL-CHG-01|custom text]]``.

Fenced code blocks are skipped, so examples of the syntax in a procedure stay as they are; references
inside HTML comments are not reported.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

# The custom text may hold a single "[" but not "[[": a line of a thousand "[[A|" would otherwise
# make every start scan the rest of the line (quadratic time).
REFERENCE = re.compile(r"\[\[\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\|((?:[^\[\]\n]|\[(?!\[))+))?\]\]")
_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")


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


def _without_comments(text: str) -> str:
    """``text`` with each HTML comment replaced by its line breaks (so lines keep their numbers).

    A scan with ``str.find`` rather than a regular expression: a page of ten thousand unclosed
    ``<!--`` would make a lazy pattern try every start against the rest of the page.
    """
    parts, position = [], 0
    while (start := text.find("<!--", position)) != -1:
        end = text.find("-->", start + 4)
        if end == -1:
            break  # an unclosed comment hides nothing, as before
        parts += [text[position:start], "\n" * text.count("\n", start, end)]
        position = end + 3
    parts.append(text[position:])
    return "".join(parts)


def find(text: str, first_line: int = 1) -> list[tuple[str, int]]:
    """The ids referenced in ``text`` with their line numbers (``first_line`` is the line of text[0]).

    HTML comments are not read: they are not part of the page a reader sees.
    """
    text = _without_comments(text)
    if "[[" not in text:  # most pages: no line-by-line scan (0.1 s per build of 2,000 documents)
        return []
    return [
        (match.group(1), first_line + number - 1)
        for number, line in _lines_outside_code(text)
        for match in REFERENCE.finditer(line)
    ]


def replace(text: str, link: Callable[[str, str | None], str]) -> str:
    """``text`` with each reference outside code replaced by ``link(id, custom text or None)``."""
    if "[[" not in text:  # most pages: no line-by-line scan
        return text
    lines = text.split("\n")
    for number, line in _lines_outside_code(text):
        lines[number - 1] = REFERENCE.sub(lambda m: link(m.group(1), m.group(2)), line)
    return "\n".join(lines)


def substitute(text: str, pattern: re.Pattern[str], replacement: Callable[[re.Match[str]], str]) -> str:
    """``text`` with every match of ``pattern`` outside fenced code replaced (one line at a time)."""
    lines = text.split("\n")
    for number, line in _lines_outside_code(text):
        lines[number - 1] = pattern.sub(replacement, line)
    return "\n".join(lines)
