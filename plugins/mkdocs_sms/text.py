"""Text shown to people and other tools: one line, bounded, escaped for where it goes.

Every value quoted from a page passes through here on its way to a log line, a terminal, a Markdown
table or a pull-request comment, so each kind of escaping has one home.
"""

from __future__ import annotations

import re
import reprlib

# Characters that must not reach a log line or a terminal as they are: C0 and C1 controls (newlines,
# escape sequences), Unicode line and paragraph separators, and bidirectional overrides, which can make
# a message read differently from what it says.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


# Longer texts are cut: a value of a megabyte quoted in full would make a log line, an annotation or a
# pull-request comment of a megabyte (GitHub refuses comments over 65,536 characters).
MAX_TEXT = 2000


def one_line(text: str) -> str:
    """``text`` with every control character written as its Python escape (a newline as ``\\n``)."""
    return _UNPRINTABLE.sub(lambda match: match.group().encode("unicode_escape").decode("ascii"), text)


def cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


class _ShortRepr(reprlib.Repr):
    """``repr`` that looks at a few items of a few levels only, and at no more than 40 digits of a number."""

    def repr_int(self, x: int, level: int) -> str:
        if x.bit_length() > 128:  # repr of an int of thousands of digits is slow, or refused outright
            return f"a number of about {int(x.bit_length() * 0.30103)} digits"
        return super().repr_int(x, level)


_SHORT = _ShortRepr()
_SHORT.maxlevel, _SHORT.maxlist, _SHORT.maxdict, _SHORT.maxstring, _SHORT.maxother = 3, 4, 4, 60, 60


def shown(value: object) -> str:
    """A value from a page, shown in a message: short and bounded, however big or deep the value is.

    A string of a megabyte, a list nested a thousand levels deep or an alias bomb of a billion items
    is shown by its first few parts and never walked whole.
    """
    if value is None:
        return "an empty value"
    return cut(_SHORT.repr(value), 80)


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


# Markdown punctuation that changes the meaning of inline text, and in addition what starts a heading,
# a list or a link where a heading is written.
_INLINE = frozenset("\\`*_[]|")
_HEADING = _INLINE | frozenset("{}()#+-.!")


def md_escape(text: object, special: frozenset[str] = _INLINE) -> str:
    """Text that Markdown shows as written: HTML-escaped, ``special`` punctuation backslashed.

    Markdown ends a line (and so a table row) at a carriage return as well as at a line feed, and
    Python-Markdown uses STX and ETX as its own placeholders: no control character stays.
    """
    escaped = str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    escaped = _CONTROL.sub(" ", escaped)
    return "".join("\\" + ch if ch in special else ch for ch in escaped)


def md_cell(text: object) -> str:
    """Text for a Markdown table cell or link label."""
    return md_escape(text)


def md_text(text: object) -> str:
    """Text for a Markdown heading."""
    return md_escape(text, _HEADING)


def slug(text: str) -> str:
    """Lower-case letters and digits joined by dashes: '8.5.1.1' -> '8-5-1-1'."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
