"""References between documents by id in the text: ``[[POL-CHG-01]]`` or ``[[POL-CHG-01|custom text]]``.

Code is left alone, so examples of the syntax in a procedure stay as they are: fenced code blocks,
indented code blocks and inline code spans. References inside HTML comments are not reported.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from urllib.parse import unquote

# The custom text may hold a single "[" but not "[[": a line of a thousand "[[A|" would otherwise
# make every start scan the rest of the line (quadratic time).
REFERENCE = re.compile(r"\[\[\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\|((?:[^\[\]\n]|\[(?!\[))+))?\]\]")
_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
# Blocks whose content is indented by four more spaces: list items, and Material's admonitions,
# collapsible blocks and content tabs. Their indented content is text, not code.
_CONTAINER = re.compile(r"(?:[-*+]|\d{1,9}[.)]|!!!|\?\?\?\+?|===)(?:[ \t]|$)")
_TICKS = re.compile(r"`+")
_TAB = 4  # Python-Markdown's tab_length


def _indent(line: str) -> tuple[int, int]:
    """(width of the leading white space with tabs to the next multiple of four, its length)."""
    width = 0
    for length, char in enumerate(line):
        if char == " ":
            width += 1
        elif char == "\t":
            width += _TAB - width % _TAB
        else:
            return width, length
    return width, len(line)


def _lines_outside_code(text: str, indented: bool = True) -> Iterator[tuple[int, str]]:
    """(1-based line number, line) for every line that is not inside a fenced code block, nor (when
    ``indented``) inside an indented code block.

    An indented code block is recognised as Python-Markdown does: after a blank line, indented four
    spaces more than the content of the list item or admonition it is in (content indented that much
    less is a paragraph of that block, not code).
    """
    fence: str | None = None
    containers: list[int] = []  # the content indent of each open list item or admonition
    after_blank, code_base = True, -1
    for number, line in enumerate(text.split("\n"), start=1):
        match = _FENCE.match(line)
        if match:
            code_base, marker = -1, match.group(1)
            if fence is None:
                fence = marker[0] * len(marker)
                continue
            if marker.startswith(fence):
                fence, after_blank = None, True
                continue
        if fence is not None:
            continue
        if not indented:
            yield number, line
            continue
        if not line.strip():
            after_blank = True
            continue  # a blank line holds no reference
        width, length = _indent(line)
        if code_base >= 0 and width >= code_base + _TAB:
            continue
        code_base = -1
        if after_blank:
            while containers and width < containers[-1]:
                containers.pop()
        base = containers[-1] if containers else 0
        if after_blank and width >= base + _TAB:
            code_base, after_blank = base, False
            continue
        after_blank = False
        if _CONTAINER.match(line, length):
            while containers and width < containers[-1]:
                containers.pop()
            containers.append(width // _TAB * _TAB + _TAB)
        yield number, line


def _code_spans(line: str) -> list[tuple[int, int]]:
    """(start, end) of each inline code span of ``line``: a run of backticks up to the next run of the
    same length. Linear: each run looks up the next one of its length, found in one backward pass."""
    runs = [(m.start(), m.end()) for m in _TICKS.finditer(line)]
    following: list[int | None] = [None] * len(runs)
    last: dict[int, int] = {}
    for index in range(len(runs) - 1, -1, -1):
        size = runs[index][1] - runs[index][0]
        following[index] = last.get(size)
        last[size] = index
    spans, index = [], 0
    while index < len(runs):
        closing = following[index]
        if closing is None:
            index += 1
            continue
        spans.append((runs[index][0], runs[closing][1]))
        index = closing + 1
    return spans


def _outside_spans(line: str, pattern: re.Pattern[str] = REFERENCE) -> Iterator[re.Match[str]]:
    """The matches of ``pattern`` (references by default) in ``line`` that are not inside inline code."""
    spans = _code_spans(line) if "`" in line else []
    index = 0  # both are in order: one walk through the spans
    for match in pattern.finditer(line):
        while index < len(spans) and spans[index][1] <= match.start():
            index += 1
        if index == len(spans) or match.start() < spans[index][0]:
            yield match


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
        for match in _outside_spans(line)
    ]


# An inline link or image to a Markdown page, ``[text](../registers/assets.md#top "title")``, and a link
# reference definition, ``[assets]: ../registers/assets.md``. Addresses with a scheme are not pages here.
_LINK = re.compile(r"\]\(\s*<?(?P<a>[^()\s<>]+?\.md)(?:#[^()\s<>]*)?>?(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)")
_DEFINITION = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(?P<a>[^\s<>]+?\.md)(?:#\S*)?>?(?:\s|$)")


def links(text: str, first_line: int = 1) -> list[tuple[str, int]]:
    """The relative links to Markdown pages in ``text`` (``../registers/assets.md``, decoded, without the
    anchor), with their lines; links in code and HTML comments are left out, as are addresses with a
    scheme (``https://``) and absolute paths."""
    text = _without_comments(text)
    if ".md" not in text:
        return []
    found = []
    for number, line in _lines_outside_code(text):
        for pattern in (_LINK, _DEFINITION):
            for match in _outside_spans(line, pattern):
                target = unquote(match.group("a"))
                if "://" in target or target.startswith(("/", "mailto:")):
                    continue
                found.append((target, first_line + number - 1))
    return found


def replace(text: str, link: Callable[[str, str | None], str]) -> str:
    """``text`` with each reference outside code replaced by ``link(id, custom text or None)``."""
    if "[[" not in text:  # most pages: no line-by-line scan
        return text
    lines = text.split("\n")
    for number, line in _lines_outside_code(text):
        parts, position = [], 0
        for match in _outside_spans(line):
            parts += [line[position : match.start()], link(match.group(1), match.group(2))]
            position = match.end()
        lines[number - 1] = "".join(parts) + line[position:]
    return "\n".join(lines)


def substitute(text: str, pattern: re.Pattern[str], replacement: Callable[[re.Match[str]], str]) -> str:
    """``text`` with every match of ``pattern`` outside fenced code replaced (one line at a time)."""
    lines = text.split("\n")
    for number, line in _lines_outside_code(text, indented=False):
        lines[number - 1] = pattern.sub(replacement, line)
    return "\n".join(lines)
