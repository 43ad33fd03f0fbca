"""Reading front-matter ourselves, with line numbers.

MkDocs drops front-matter it cannot parse without a word; a compliance tool must say which file and
which line is wrong. The block is recognised exactly as MkDocs recognises it, and parsed with a YAML
safe loader (the C one when PyYAML has it) so that no tag can run code.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from mkdocs_sms.text import shown

try:
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]

# What MkDocs does not read as front-matter although it was meant as such: blank lines before the
# opening line, or an opening line that is never closed.
_BLANK_LINES = re.compile(r"(?:[ \t]*\n)+(?=-{3}[ \t]*\n)")
_OPENING = re.compile(r"-{3}[ \t]*\n")
# The line that closes a block, with the line break before it. Searched for from the end of the opening
# line, the first one found ends the block mkdocs.utils.meta.YAML_RE matches, so both agree on what is
# front-matter (a test holds them equal), without trying every character as YAML_RE's lazy group does.
_CLOSING = re.compile(r"\n(?:\.{3}|-{3})[ \t]*\n")
_RAW_OPENING, _RAW_CLOSING = re.compile(_OPENING.pattern.encode()), re.compile(_CLOSING.pattern.encode())
# Front-matter that failed to parse may still say it belongs to a controlled document.
_ID_LINE = re.compile(r"^id[ \t]*:[ \t]*['\"]?([^'\"#\n]*?)['\"]?[ \t]*(?:#.*)?$", re.MULTILINE)

# A plain or simply quoted one-line value of a top-level key, after the key.
_SIMPLE_VALUE = (
    r"""[ \t]*:[ \t]+"""
    r"""(?:"(?P<dq>[^"\\\n]*)"|'(?P<sq>[^'\n]*)'|(?P<plain>[^\s#'"&*!|>{\[%@`][^#\n]*?))"""
    r"""[ \t]*(?:\#.*)?$"""
)


@functools.lru_cache(maxsize=8)
def _simple_values(keys: tuple[str, ...]) -> re.Pattern[str]:
    """The lines giving one of ``keys`` a simple value: only those are matched, not every key's line."""
    return re.compile(rf"^(?P<key>{'|'.join(map(re.escape, keys))}){_SIMPLE_VALUE}", re.MULTILINE)


# Plain scalars that YAML reads as something other than text.
_RESOLVED = re.compile(r"^(?:[-+.0-9]|(?:true|false|yes|no|on|off|null|~)$)", re.IGNORECASE)

# The first line of the YAML text is line 2 of the file (line 1 is the opening ---).
FIRST_LINE = 2
# Integers longer than this many bits (about 1,200 digits) are refused: Python cannot even print some.
_MAX_INT_BITS = 4000


class SafeLoader(_SafeLoader):  # type: ignore[misc,valid-type]
    """The safe loader, with a place for every value it cannot build.

    YAML reads ``2026-02-30`` as a date that does not exist, ``!!timestamp yesterday`` as a date it
    cannot even take apart, and a number of thousands of digits as one Python refuses to print; the
    plain loader raises a bare Python exception for each, without a line. A date that cannot be built
    is kept as its text, so the schema reports it (SMS003, on its line) as it does a quoted one; the
    others are marked errors on the line of the value, like any other YAML error.
    """

    def construct_text_if_no_date(self, node: yaml.ScalarNode) -> Any:
        """A timestamp, or its text when it names no date that exists."""
        try:
            return self.construct_yaml_timestamp(node)
        except (ValueError, OverflowError, TypeError, AttributeError, LookupError):
            return self.construct_scalar(node)

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            value = super().construct_object(node, deep)
        except (ValueError, OverflowError, TypeError, AttributeError, LookupError) as exc:
            raise _unbuildable(node, exc) from None
        if isinstance(value, int) and value.bit_length() > _MAX_INT_BITS:
            raise _unbuildable(node, None)
        return value


SafeLoader.add_constructor("tag:yaml.org,2002:timestamp", SafeLoader.construct_text_if_no_date)


def _unbuildable(node: yaml.Node, exc: Exception | None) -> yaml.constructor.ConstructorError:
    """The marked error for a value that cannot be built, in words rather than Python's."""
    if node.tag == "tag:yaml.org,2002:int":
        # Python's own message about long numbers names sys functions.
        reason = "the number is too long" if exc is None or "limit" in str(exc) else "not a whole number"
    elif node.tag == "tag:yaml.org,2002:bool":
        reason = "not true or false"
    else:
        reason = str(exc)
    shown_value = f" {shown(node.value)}" if isinstance(node, yaml.ScalarNode) else ""
    return yaml.constructor.ConstructorError(
        None, None, f"has a value that cannot be read:{shown_value} ({reason})", node.start_mark
    )


class UnreadableText(Exception):
    """The bytes of a page are not UTF-8 text."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(reason)
        self.line = line
        self.reason = reason


@dataclass
class FrontMatter:
    """What the front-matter block of one page holds.

    ``data`` is the parsed mapping (empty when there is no block or it is broken); ``lines`` maps each
    top-level key to its line in the file, and ``item_lines`` each list-valued key to its items' lines.
    ``error`` and ``error_line`` describe a block that could not be parsed; ``duplicates`` lists keys
    given twice as (key, line, first line); ``end_line`` is the line of the closing ``---``, where a
    missing key would be added.
    """

    present: bool = False
    data: dict[str, Any] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    item_lines: dict[str, list[int]] = field(default_factory=dict)
    error: str | None = None
    error_line: int | None = None
    guessed_id: str | None = None
    duplicates: list[tuple[str, int, int]] = field(default_factory=list)
    end_line: int = 1


def decode(raw: bytes) -> str:
    """Decode a page the way MkDocs does (UTF-8, optional BOM, universal newlines)."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise UnreadableText(line, f"byte 0x{raw[exc.start]:02x} at offset {exc.start} is not UTF-8") from exc
    # One quick look for a carriage return spares two copies of nearly every page.
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


@dataclass(frozen=True)
class Split:
    """A page cut at its front-matter: the block's YAML text (None when the page has no block, as MkDocs
    sees it), the text after the block, and the line of the file that text starts on."""

    block: str | None
    body: str
    body_line: int


def split(text: str) -> Split:
    """Cut ``text`` at its front-matter block, recognised exactly as MkDocs recognises it. Every reader
    of a page's block or body goes through here."""
    opening = _OPENING.match(text)
    closing = _CLOSING.search(text, opening.end()) if opening else None
    if opening is None or closing is None:
        return Split(None, text, 1)
    end = closing.end()
    return Split(text[opening.end() : closing.start() + 1], text[end:], text.count("\n", 0, end) + 1)


def parse(text: str) -> FrontMatter:
    """Find and parse the front-matter block at the top of ``text``."""
    source = split(text).block
    if source is None:
        return FrontMatter()
    return parse_mapping(source, FIRST_LINE)


def parse_mapping(source: str, first_line: int = 1) -> FrontMatter:
    """Parse YAML text that should hold a mapping (a front-matter block, or a data file such as an
    assessment's judgements), whose first line is line ``first_line`` of its file."""
    result = FrontMatter(present=True, end_line=first_line + source.count("\n"))
    loader = SafeLoader(source)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        result.error = _describe(exc, source)
        result.error_line = first_line + _error_mark_line(exc)
        guess = _ID_LINE.search(source)
        result.guessed_id = guess.group(1).strip() or None if guess else None
        return result
    except yaml.reader.ReaderError as exc:
        # A character YAML does not allow (a NUL, a BOM inside the text...): blame its line.
        character = chr(exc.character) if isinstance(exc.character, int) else str(exc.character)
        result.error = f"cannot be read: the character {shown(character)} is not allowed in YAML"
        result.error_line = first_line + source[: max(source.find(character), 0)].count("\n")
        return result
    except (yaml.YAMLError, RecursionError, ValueError, TypeError) as exc:
        result.error = f"cannot be read: {exc}"
        result.error_line = first_line
        return result
    finally:
        loader.dispose()
    if data is None:
        return result
    if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
        result.error = f"must be a mapping of keys to values, not a {type(data).__name__}"
        result.error_line = first_line
        return result
    seen: dict[str, int] = {}
    for key_node, value_node in node.value:
        key = str(key_node.value)
        line = first_line + key_node.start_mark.line
        if key in seen:
            # YAML keeps the last value, as MkDocs does; the page stays a document, but it is reported.
            result.duplicates.append((key, line, seen[key]))
        seen[key] = line
        if isinstance(value_node, yaml.SequenceNode):
            result.item_lines[key] = [first_line + item.start_mark.line for item in value_node.value]
    result.data = {str(key): value for key, value in data.items()}
    result.lines = seen
    return result


def unread_block(text: str) -> tuple[int, str, FrontMatter] | None:
    """A front-matter block that MkDocs does not read as one, so that it ends up as page text.

    Returns the line of its opening ``---``, what is wrong with it, and what the block would hold if it
    were read (for an unclosed block: its lines up to the first blank line). None when ``text`` starts
    with a proper block, or with no block at all.
    """
    lead = _BLANK_LINES.match(text)
    if lead:
        rest = text[lead.end() :]
        if split(rest).block is None:
            return None
        return text.count("\n", 0, lead.end()) + 1, "a blank line comes before its opening '---'", parse(rest)
    opening = _OPENING.match(text)
    if opening is None or split(text).block is not None:
        return None
    lines = text[opening.end() :].split("\n\n", 1)[0]
    return 1, "it is never closed with '---'", parse(f"---\n{lines}\n---\n")


def _error_mark_line(exc: yaml.MarkedYAMLError) -> int:
    """The 0-based line to blame: where an unclosed quote or bracket began, else where parsing failed."""
    context = exc.context or ""
    if exc.context_mark and ("quoted" in context or "flow" in context):
        return exc.context_mark.line
    mark = exc.problem_mark or exc.context_mark
    return mark.line if mark else 0


def _describe(exc: yaml.MarkedYAMLError, source: str) -> str:
    """The parser's words, and what to do about the mistakes people make most."""
    parts = [part for part in (exc.context, exc.problem) if part]
    text = "; ".join(parts) if parts else str(exc)
    mark = exc.problem_mark
    line = source.split("\n")[mark.line] if mark and mark.line < source.count("\n") + 1 else ""
    # Tags such as !!python/object are refused by the safe loader; say so in plain words.
    if "could not determine a constructor" in text:
        text += " (only plain YAML is allowed: no tags such as !!python/...)"
    elif "tab character" in text or "\t" in line[: len(line) - len(line.lstrip())]:
        text += " (indent with spaces, not a tab)"
    elif "mapping values are not allowed" in text:
        text += " (quote a value that contains ': ', e.g. title: \"Policy: access\")"
    return text


def body_digest(text: str) -> str:
    """A digest of a page's content after its front-matter, ignoring trailing whitespace on lines."""
    normalised = "\n".join(map(str.rstrip, split(text).body.strip().splitlines()))
    return hashlib.sha1(normalised.encode("utf-8"), usedforsecurity=False).hexdigest()


def quick_values(text: str, keys: tuple[str, ...]) -> tuple[str | None, ...]:
    """Text values of top-level ``keys`` of the front-matter, read fast for the history of a document.

    Old revisions only need their version and status, for thousands of blobs per build: values written
    on one line, plain or simply quoted (nearly always), are read with a pattern; anything else falls
    back to the YAML parser, so the result is the same as :func:`parse` would give.
    """
    return _quick_values(split(text).block, keys)


def raw_values(raw: bytes, keys: tuple[str, ...]) -> tuple[str | None, ...]:
    """:func:`quick_values` of the file ``raw``, raising :class:`UnreadableText` as :func:`decode` does.

    A file of ASCII without carriage returns (most pages) decodes to the same characters, so its block is
    cut from the bytes and only the block is decoded: the history pass reads hundreds of megabytes of
    old revisions, nearly all of it text after the block.
    """
    if not raw.isascii() or b"\r" in raw:
        return quick_values(decode(raw), keys)
    opening = _RAW_OPENING.match(raw)
    closing = _RAW_CLOSING.search(raw, opening.end()) if opening else None
    if opening is None or closing is None:
        return tuple(None for _ in keys)
    return _quick_values(raw[opening.end() : closing.start() + 1].decode("ascii"), keys)


def _quick_values(block: str | None, keys: tuple[str, ...]) -> tuple[str | None, ...]:
    if block is None:
        return tuple(None for _ in keys)
    found: dict[str, str] = {}
    for value in _simple_values(keys).finditer(block):
        key, plain = value.group("key"), value.group("plain")
        # A key given twice keeps its last value, as in YAML.
        if plain is not None and _RESOLVED.match(plain):
            break  # a number, date, boolean or null: YAML must say what it means
        found[key] = value.group("dq") or value.group("sq") or plain or ""
    else:
        missing = [k for k in keys if k not in found]
        if not any(re.search(rf"^{k}[ \t]*:", block, re.MULTILINE) for k in missing):
            return tuple(found.get(k) for k in keys)
    data = parse(f"---\n{block}---\n").data
    # A list or mapping is no version or status; str() of an alias bomb would never finish.
    return tuple(str(data[k]) if isinstance(data.get(k), (str, int, float, dt.date)) else None for k in keys)
