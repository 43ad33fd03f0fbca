"""Adopting existing Markdown: ``mkdocs-sms adopt SRC``.

An organisation's documents already carry their metadata, written for people: ``**Owner:** Jane`` under
the title, a table of owner and version, a "document control" section at the end. Adoption moves the
Markdown of SRC into docs_dir in a commit of renames only (so ``git log --follow`` and the history pass
keep every revision), then reads that metadata through a mapping (``adopt-mapping.yml``, or the user's
``--mapping``) into front-matter, in a second commit. Everything it could not read with certainty is in
the report, with the source file and line: nothing uncertain is written as a fact.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fnmatch
import json
import os
import posixpath
import re
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import yaml

from mkdocs_sms.authoring import STARTER_GITIGNORE
from mkdocs_sms.catalogue import Catalogue, within
from mkdocs_sms.load import load_project_handbook
from mkdocs_sms.model.dates import Interval
from mkdocs_sms.model.frontmatter import split
from mkdocs_sms.read.git import GitError, git
from mkdocs_sms.read.mkdocs_yml import load_config_data, plugin_options
from mkdocs_sms.settings import Settings
from mkdocs_sms.text import one_line

MARKDOWN = (".md", ".markdown")
KEYS = ("id", "title", "type", "owner", "version", "next_review", "review_interval", "classification",
        "approved_by", "approved_on")  # fmt: skip
PLACEHOLDER_OWNER = "TO BE ASSIGNED"
PLACEHOLDER_VERSION = "0.1"


class AdoptError(Exception):
    """Adoption cannot go ahead (or could not finish); nothing in the repository was changed."""


# The mapping ---------------------------------------------------------------------------------------


def _norm(text: str) -> str:
    """A label or a value as compared with the mapping: lower case, single spaces, no trailing colon."""
    return " ".join(text.replace("\u00a0", " ").split()).rstrip(":").strip().casefold()


@dataclass(frozen=True)
class TypeRule:
    """Documents in one of ``folders``, or whose file name matches one of ``names``, are of ``type``."""

    type: str
    folders: tuple[str, ...] = ()
    names: tuple[str, ...] = ()


@dataclass(frozen=True)
class AdoptionMapping:
    """How the metadata people wrote becomes front-matter (see ``adopt-mapping.yml``)."""

    labels: Mapping[str, str]  # normalised label -> front-matter key
    review_cycles: Mapping[str, Interval]  # normalised word -> interval
    classifications: Mapping[str, str]  # normalised word -> configured classification
    types: tuple[TypeRule, ...]
    id_template: str
    prefixes: Mapping[str, str]


def default_mapping_file() -> Path:
    return Path(__file__).parent / "adopt-mapping.yml"


def read_mapping(text: str, origin: str, settings: Settings) -> AdoptionMapping:
    """Validate a mapping file against the configuration; raise :class:`AdoptError` naming what is wrong."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{origin}:{mark.line + 1}" if mark is not None else origin
        raise AdoptError(f"{where}: the mapping is not valid YAML") from None
    if not isinstance(data, dict):
        raise AdoptError(f"{origin}: a mapping file is a YAML mapping with 'labels', 'review_cycles', ...")
    unknown = sorted(set(data) - {"labels", "review_cycles", "classifications", "types", "id_template", "prefixes"})
    if unknown:
        raise AdoptError(f"{origin}: unknown key '{one_line(str(unknown[0]))}'")

    def table(key: str) -> dict[str, Any]:
        value = data.get(key) or {}
        if not isinstance(value, dict):
            raise AdoptError(f"{origin}: '{key}' must be a mapping")
        return value

    labels: dict[str, str] = {}
    for key, names in table("labels").items():
        if key not in KEYS:
            raise AdoptError(f"{origin}: labels: '{one_line(str(key))}' is not a key adopt writes ({', '.join(KEYS)})")
        for name in names if isinstance(names, list) else [names]:
            labels[_norm(str(name))] = key
    cycles: dict[str, Interval] = {}
    for word, interval in table("review_cycles").items():
        try:
            cycles[_norm(str(word))] = Interval.parse(str(interval))
        except ValueError as exc:
            raise AdoptError(f"{origin}: review_cycles: '{one_line(str(word))}': {exc}") from None
    classes: dict[str, str] = {}
    for word, value in table("classifications").items():
        if value not in settings.classifications:
            raise AdoptError(
                f"{origin}: classifications: '{one_line(str(word))}' maps to '{one_line(str(value))}', "
                f"not one of {', '.join(settings.classifications)}"
            )
        classes[_norm(str(word))] = str(value)
    rules = []
    type_rules = data.get("types") or []
    if not isinstance(type_rules, list):
        raise AdoptError(f"{origin}: 'types' must be a list of rules")
    for rule in type_rules:
        if not isinstance(rule, dict) or rule.get("type") not in settings.types:
            raise AdoptError(
                f"{origin}: types: each rule is {{folder: [...] or name: [...], type: <a configured type>}}"
            )

        def words(value: object) -> tuple[str, ...]:
            return tuple(str(v).casefold() for v in (value if isinstance(value, list) else [value] if value else []))

        rules.append(TypeRule(str(rule["type"]), words(rule.get("folder")), words(rule.get("name"))))
    template = str(data.get("id_template") or "{TYPE}-{NAME}-{NN}")
    if "{NAME}" not in template:
        raise AdoptError(f"{origin}: id_template must contain {{NAME}}, so that ids differ")
    prefixes = {str(k): str(v) for k, v in table("prefixes").items()}
    return AdoptionMapping(labels, cycles, classes, tuple(rules), template, prefixes)


# Reading the metadata people wrote -----------------------------------------------------------------

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")
# "Owner: Jane", "**Owner:** Jane", "- **Owner**: Jane": a label of up to four words, a colon, a value.
_LABEL_LINE = re.compile(
    r"^\s*(?:[-*+]\s+)?(?P<label>[^\W\d_][\w&().'/-]*(?: [\w&().'/-]+){0,3})\s*:\s*(?P<value>.+?)\s*$"
)
_FOOTER = re.compile(r"document (control|information|details|metadata|history)|version control", re.IGNORECASE)
_SEPARATOR = re.compile(r"^:?-+:?$")


@dataclass(frozen=True)
class Found:
    """A label and its value at a line of a source file; ``key`` is None for a label the mapping lacks."""

    key: str | None
    label: str
    value: str
    line: int


def _clean(text: str) -> str:
    """A label or value without Markdown emphasis, code marks and hard line breaks."""
    text = text.strip().removesuffix("\\").strip()
    text = re.sub(r"(\*\*|__)", "", text)
    return text.strip().strip("*_`").strip()


def _zones(lines: Sequence[str]) -> list[range]:
    """Where metadata is written: the lines above the first section heading (below the title), and each
    section headed "Document control" (or information, details, history) up to the next heading of its
    level or higher."""
    headings = []
    fenced = False
    for number, line in enumerate(lines):
        if _FENCE.match(line):
            fenced = not fenced
        elif not fenced and (match := _HEADING.match(line)):
            headings.append((number, len(match.group(1)), match.group(2)))
    first_section = next((n for n, level, _ in headings if level >= 2), len(lines))
    zones = [range(0, first_section)]
    for index, (number, level, text) in enumerate(headings):
        if _FOOTER.search(text):
            end = next((n for n, other, _ in headings[index + 1 :] if other <= level), len(lines))
            zones.append(range(number + 1, end))
    return zones


def _cells(line: str) -> list[str]:
    return [_clean(cell) for cell in re.split(r"(?<!\\)\|", line.strip().strip("|"))]


def read_metadata(text: str, labels: Mapping[str, str]) -> list[Found]:
    """The labelled values in the metadata zones of ``text`` (see :func:`_zones`), with their lines.

    Labels the mapping lacks are returned too (``key`` None), but only from a zone where the mapping
    knows at least one label: elsewhere a colon is just prose."""
    lines = text.splitlines()
    found: list[Found] = []
    for zone in _zones(lines):
        here: list[Found] = []
        number = zone.start
        while number < zone.stop:
            line = lines[number]
            if line.lstrip().startswith("|"):
                end = number
                while end < zone.stop and lines[end].lstrip().startswith("|"):
                    end += 1
                here += _table(lines, number, end, labels)
                number = end
                continue
            match = _LABEL_LINE.match(re.sub(r"\*\*|__", "", line))
            if match and not _HEADING.match(line):
                label, value = _clean(match.group("label")), _clean(match.group("value"))
                if value and "://" not in match.group("label") + ":" + value[:2]:
                    here.append(Found(labels.get(_norm(label)), label, value, number + 1))
            number += 1
        if any(item.key for item in here):
            found += here
    return found


def _table(lines: Sequence[str], start: int, end: int, labels: Mapping[str, str]) -> list[Found]:
    """Labelled values of a table: a label in the first cell of each row, or a row of labels over a single
    row of values. Other tables (registers, revision histories) are content, not metadata."""
    rows = [(n, _cells(lines[n])) for n in range(start, end)]
    separator = [i for i, (_, cells) in enumerate(rows) if cells and all(_SEPARATOR.match(c) for c in cells)]
    data = [(n, cells) for i, (n, cells) in enumerate(rows) if i not in separator]
    labelled_header = separator == [1] and any(_norm(c) in labels for c in data[0][1][1:])
    if labelled_header:
        if len(data) != 2:
            return []  # a revision history or a register: many rows under the labels
        (_, header), (n, values) = data
        return [Found(labels.get(_norm(label)), label, value, n + 1)
                for label, value in zip(header, values, strict=False) if value]  # fmt: skip
    if any(_norm(cells[0]) in labels for _, cells in data if len(cells) >= 2):
        found = []
        for index, (n, cells) in enumerate(data):
            if len(cells) < 2 or not cells[1]:
                continue
            key = labels.get(_norm(cells[0]))
            if key is None and index == 0 and separator == [1]:
                continue  # the header row of a "Field | Value" table
            found.append(Found(key, cells[0], cells[1], n + 1))
        return found
    return []


def title_of(text: str) -> tuple[str, int] | None:
    """The first level-1 heading outside code, and its line."""
    fenced = False
    for number, line in enumerate(text.splitlines(), start=1):
        if _FENCE.match(line):
            fenced = not fenced
        elif not fenced and (match := _HEADING.match(line)) and len(match.group(1)) == 1:
            return match.group(2), number
    return None


# Values --------------------------------------------------------------------------------------------

_MONTHS = {name: number for number, name in enumerate(
    ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"), start=1)}  # fmt: skip
_MONTHS.update({name[:3]: number for name, number in list(_MONTHS.items())})
_MONTHS["sept"] = 9


def read_date(text: str) -> dt.date:
    """A date as people write it: ``2026-09-01``, ``1 September 2026``, ``September 1, 2026``,
    ``01.09.2026``, ``2026/09/01``, or ``13/04/2026`` where only one reading exists; raise ValueError."""
    value = text.strip().rstrip(".")
    try:
        if match := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})|(\d{4})/(\d{1,2})/(\d{1,2})", value):
            year, month, day = (int(g) for g in match.groups() if g is not None)
            return dt.date(year, month, day)
        if match := re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", value):
            return dt.date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
        if match := re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]+)\.?,?\s+(\d{4})", value):
            return dt.date(int(match.group(3)), _MONTHS[match.group(2).casefold()], int(match.group(1)))
        if match := re.fullmatch(r"([A-Za-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})", value):
            return dt.date(int(match.group(3)), _MONTHS[match.group(1).casefold()], int(match.group(2)))
        if match := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", value):
            first, second, year = (int(g) for g in match.groups())
            if first > 12 >= second:
                return dt.date(year, second, first)
            if second > 12 >= first:
                return dt.date(year, first, second)
            raise ValueError("could be read day-first or month-first")
    except (KeyError, ValueError) as exc:
        if "day-first" in str(exc):
            raise
        raise ValueError("is not a date that exists") from None
    raise ValueError("is not a date adopt can read")


def read_interval(text: str, cycles: Mapping[str, Interval]) -> Interval:
    """A review cycle: a word of the mapping (``Annually``), ``N months`` or ``every N months``."""
    words = _norm(text)
    if words in cycles:
        return cycles[words]
    return Interval.parse(words.removeprefix("every "))


# Planning the adoption -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Note:
    """Something the reviewer of the adoption must look at: where, what, and of which kind.

    Kinds: ``uncertain`` (a guessed or placeholder value, an unmapped label, an unreadable value),
    ``conflict`` (two places disagree: ``lines`` has both), ``approval`` (an approval found in the text),
    ``suggestion`` (clauses suggested for review), ``link`` (a link the move will break), ``skipped``."""

    kind: str
    path: str
    line: int | None
    message: str
    lines: tuple[int, ...] = ()

    def where(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path

    def to_json(self) -> dict[str, object]:
        return {"kind": self.kind, "path": self.path, "line": self.line, "lines": list(self.lines or
                ((self.line,) if self.line else ())), "message": self.message}  # fmt: skip


@dataclass
class Adopted:
    """One document of SRC: where it goes and the front-matter it gets (None: left as it is)."""

    source: str  # relative to the repository root
    target: str  # relative to the repository root
    front: dict[str, object] | None
    suggested: list[str] = field(default_factory=list)
    classification_seen: str | None = None

    def to_json(self) -> dict[str, object]:
        front = None if self.front is None else {k: str(v) for k, v in self.front.items()}
        return {"source": self.source, "target": self.target, "front_matter": front,
                "suggested_clauses": self.suggested}  # fmt: skip


@dataclass
class Adoption:
    """What adopting SRC into docs_dir does (or did), and everything its reviewer has to look at."""

    source_dir: str
    docs_dir: str
    documents: list[Adopted]
    notes: list[Note]
    seen_classifications: dict[str, tuple[int, str | None]]  # written value -> (count, mapped value)
    default_classification: str
    audience: str
    config: str | None = None  # the mkdocs.yml adopt writes, None when one exists
    gitignore: bool = False
    index: bool = False
    dry_run: bool = True
    commits: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return {
            "source": self.source_dir, "docs_dir": self.docs_dir, "dry_run": self.dry_run,
            "documents": [d.to_json() for d in self.documents], "notes": [n.to_json() for n in self.notes],
            "proposal": {
                "classifications_seen": [{"value": value, "count": count, "classification": mapped}
                                         for value, (count, mapped) in self.seen_classifications.items()],
                "default_classification": self.default_classification, "audience": self.audience,
            },
            "writes": {"mkdocs.yml": self.config is not None, ".gitignore": self.gitignore, "index": self.index},
            "commits": self.commits,
        }  # fmt: skip


def type_of(parts: Sequence[str], stem: str, rules: Sequence[TypeRule]) -> tuple[str | None, str]:
    """The type the rules give a file in the folders ``parts`` named ``stem``, and how: 'folder' or 'name'."""
    folders = [part.casefold() for part in parts]
    for rule in rules:
        if any(folder in rule.folders for folder in folders):
            return rule.type, "folder"
    for rule in rules:
        if any(fnmatch.fnmatchcase(stem.casefold(), pattern) for pattern in rule.names):
            return rule.type, "name"
    return None, ""


def name_part(stem: str, doc_type: str) -> str:
    """The {NAME} of an id: the file name in upper-case ASCII words joined by dashes, without the word of
    its type ('information-security-policy' -> 'INFORMATION-SECURITY')."""
    ascii_text = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    words = [w for w in re.split(r"[^A-Z0-9]+", ascii_text.upper()) if w]
    kept = [w for w in words if w not in (doc_type.upper(), doc_type.upper() + "S")]
    return "-".join(kept or words) or "DOC"


def suggest_clauses(title: str, doc_type: str, catalogues: Sequence[Catalogue]) -> list[str]:
    """Qualified references to the clauses whose title (of two words or more) the document's title
    contains, and some row of which accepts its type: the most specific titles only."""
    words = " " + _norm(re.sub(r"[^\w]+", " ", title)) + " "
    found: list[tuple[str, str]] = []
    for catalogue in catalogues:
        for clause in catalogue.clauses:
            name = _norm(re.sub(r"[^\w]+", " ", clause.title))
            accepts = any(within(r.clause, clause.number) and doc_type in r.types for r in catalogue.requirements)
            if len(name.split()) >= 2 and f" {name} " in words and accepts:
                found.append((name, f"{catalogue.name}:{clause.number}"))
    return [ref for name, ref in found if not any(name != other and name in other for other, _ in found)]


def _links(text: str) -> list[tuple[str, int]]:
    """Relative link targets of Markdown links and images, with their lines (code left out)."""
    found = []
    fenced = False
    for number, line in enumerate(text.splitlines(), start=1):
        if _FENCE.match(line):
            fenced = not fenced
            continue
        if fenced:
            continue
        for match in re.finditer(r"\]\(\s*<?([^)\s>]+)", re.sub(r"`[^`]*`", "", line)):
            target = match.group(1)
            if not re.match(r"^([a-zA-Z][a-zA-Z0-9+.-]*:|#|/)", target):
                found.append((target.split("#", 1)[0].split("?", 1)[0], number))
    return found


@dataclass
class _Values:
    """The front-matter values read from one document, and the notes on them."""

    path: str
    notes: list[Note] = field(default_factory=list)
    values: dict[str, tuple[object, int]] = field(default_factory=dict)

    def note(self, kind: str, line: int | None, message: str, lines: tuple[int, ...] = ()) -> None:
        self.notes.append(Note(kind, self.path, line, message, lines))


def _convert(item: Found, mapping: AdoptionMapping, settings: Settings, out: _Values) -> object | None:
    """The front-matter value of one labelled value, or None (with a note) when it cannot be read."""
    key, label, value = item.key, item.label, item.value
    try:
        if key in ("next_review", "approved_on"):
            return read_date(value)
        if key == "review_interval":
            return read_interval(value, mapping.review_cycles)
    except ValueError as exc:
        out.note("uncertain", item.line, f"{label} '{one_line(value)}' {exc}: not written")
        return None
    if key == "classification":
        return mapping.classifications.get(_norm(value))
    if key == "type":
        if _norm(value) in settings.types:
            return _norm(value)
        out.note("uncertain", item.line, f"{label} '{one_line(value)}' is not a configured type: not used")
        return None
    if key == "version":
        return re.sub(r"^[vV](?=\d)", "", value)
    return value


def read_values(path: str, text: str, mapping: AdoptionMapping, settings: Settings) -> _Values:
    """The front-matter values a document's metadata gives, with a note for each unmapped label and each
    conflict. Of two values for one key the first is kept, except for next_review: the earlier date,
    so that a review falls due no later than either place says."""
    out = _Values(path)
    for item in read_metadata(text, mapping.labels):
        if item.key is None:
            out.note("uncertain", item.line, f"label '{one_line(item.label)}' is not in the mapping: ignored")
            continue
        value = _convert(item, mapping, settings, out)
        if item.key == "classification":
            out.values.setdefault("classification_seen", (item.value, item.line))
            if value is None:
                out.note(
                    "uncertain", item.line, f"classification '{one_line(item.value)}' is not in the mapping: "
                    f"written as {settings.highest} until someone decides",
                )  # fmt: skip
                value = settings.highest
        if value is None:
            continue
        if item.key not in out.values:
            out.values[item.key] = (value, item.line)
            continue
        kept, line = out.values[item.key]
        if kept == value:
            continue
        if item.key == "next_review" and isinstance(kept, dt.date) and isinstance(value, dt.date) and value < kept:
            out.values[item.key] = (value, item.line)
        chosen = out.values[item.key][0]
        out.note(
            "conflict", line, f"{item.key}: line {line} says '{_shown(kept)}', line {item.line} says "
            f"'{_shown(value)}'; written '{_shown(chosen)}'" + (" (the earlier)" if item.key == "next_review" else ""),
            (line, item.line),
        )  # fmt: skip
    return out


def _shown(value: object) -> str:
    return one_line(value.isoformat() if isinstance(value, dt.date) else str(value))


def plan_adoption(
    sources: Mapping[str, str | None],
    source_dir: str,
    docs_dir: str,
    mapping: AdoptionMapping,
    settings: Settings,
    catalogues: Sequence[Catalogue],
    taken: Mapping[str, str],
    keep_approvals: bool = False,
) -> Adoption:
    """What adopting the Markdown files ``sources`` (repository path -> text, None when not UTF-8) of
    ``source_dir`` into ``docs_dir`` does; ``taken`` are the ids in use (id -> path). Pure: no disk."""
    used = dict(taken)
    documents: list[Adopted] = []
    notes: list[Note] = []
    read = {path: read_values(path, text, mapping, settings) for path, text in sources.items() if text is not None}
    # Ids written in the documents come first, so that no generated id takes one of them.
    for path, values in read.items():
        if "id" in values.values:
            doc_id, line = values.values["id"]
            doc_id = str(doc_id)
            if not settings.id_pattern.match(doc_id):
                values.note("uncertain", line, f"id '{one_line(doc_id)}' does not match id_pattern: an id is generated")
                del values.values["id"]
            elif doc_id in used:
                values.note("conflict", line, f"id '{doc_id}' is also the id of {used[doc_id]}: an id is generated")
                del values.values["id"]
            else:
                used[doc_id] = path
    moved = {path: _target(path, source_dir, docs_dir) for path in sources}
    for path, text in sources.items():
        target = moved[path]
        if text is None:
            notes.append(Note("skipped", path, None, "not UTF-8 text: moved, no front-matter added"))
            documents.append(Adopted(path, target, None))
            continue
        existing = split(text).block
        if existing is not None and re.search(r"^id\s*:", existing, re.MULTILINE):
            notes.append(Note("skipped", path, 1, "already has front-matter with an id: moved, left as it is"))
            documents.append(Adopted(path, target, None))
            continue
        values = read[path]
        documents.append(_document(path, target, text, values, source_dir, mapping, settings, catalogues, used,
                                   keep_approvals))  # fmt: skip
        notes += values.notes
        notes += _link_notes(path, target, text, moved)
    seen: Counter[str] = Counter()
    mapped: dict[str, str | None] = {}
    for values in read.values():
        if "classification_seen" in values.values:
            written = str(values.values["classification_seen"][0])
            seen[written] += 1
            mapped[written] = mapping.classifications.get(_norm(written))
    counts = Counter(settings.classifications.index(m) for w, m in mapped.items() if m for _ in range(seen[w]))
    common = settings.classifications[counts.most_common(1)[0][0]] if counts else settings.default_classification
    return Adoption(
        source_dir, docs_dir, documents, notes,
        {value: (count, mapped[value]) for value, count in seen.most_common()},
        default_classification=common, audience=common,
    )  # fmt: skip


def _target(path: str, source_dir: str, docs_dir: str) -> str:
    relative = posixpath.relpath(path, source_dir) if source_dir not in ("", ".") else path
    return posixpath.normpath(posixpath.join(docs_dir, relative))


def _document(
    path: str,
    target: str,
    text: str,
    values: _Values,
    source_dir: str,
    mapping: AdoptionMapping,
    settings: Settings,
    catalogues: Sequence[Catalogue],
    used: dict[str, str],
    keep_approvals: bool,
) -> Adopted:
    """The front-matter of one document from its values; placeholders and guesses noted."""
    got = {key: value for key, (value, _) in values.values.items()}
    stem = posixpath.splitext(posixpath.basename(path))[0]
    heading = title_of(text)
    title = str(got.get("title") or (heading[0] if heading else ""))
    if not title:
        title = stem.replace("-", " ").replace("_", " ").strip().capitalize() or stem
        values.note("uncertain", None, f"no title heading: title '{one_line(title)}' made from the file name")
    doc_type = str(got["type"]) if "type" in got else None
    if doc_type is None:
        parts = posixpath.dirname(path).split("/") if posixpath.dirname(path) else []
        doc_type, how = type_of(parts, stem, mapping.types)
        if doc_type is None:
            doc_type = "other" if "other" in settings.types else settings.types[-1]
            values.note("uncertain", None, f"no folder or name rule gives a type: type '{doc_type}' written")
        elif how == "name":
            values.note("uncertain", None, f"type '{doc_type}' guessed from the file name")
    doc_id = str(got["id"]) if "id" in got else _new_id(stem, doc_type, mapping, settings, used, path)
    front: dict[str, object] = {"id": doc_id, "title": title, "type": doc_type}
    if "owner" in got:
        front["owner"] = got["owner"]
    else:
        front["owner"] = PLACEHOLDER_OWNER
        values.note("uncertain", None, f"no owner found: written as '{PLACEHOLDER_OWNER}'")
    front["status"] = "draft"
    if "version" in got:
        front["version"] = got["version"]
    else:
        front["version"] = PLACEHOLDER_VERSION
        values.note("uncertain", None, f"no version found: written as '{PLACEHOLDER_VERSION}'")
    _approval(values, front, keep_approvals)
    for key in ("review_interval", "next_review", "classification"):
        if key in got:
            front[key] = got[key]
    suggested = suggest_clauses(title, doc_type, catalogues)
    if suggested:
        values.note("suggestion", None, f"clauses suggested for review (not counted): {', '.join(suggested)}")
    seen = values.values.get("classification_seen")
    return Adopted(path, target, front, suggested, str(seen[0]) if seen else None)


def _approval(values: _Values, front: dict[str, object], keep_approvals: bool) -> None:
    """Carry an approval found in the text only with ``--keep-approvals``: adopted approvals are claims
    nobody has checked, and ``status: approved`` would make them coverage."""
    by, on = values.values.get("approved_by"), values.values.get("approved_on")
    if by is None and on is None:
        return
    line = (by or on or ("", 0))[1]
    if by is None or on is None:
        values.note("approval", line, "an approval without both who and when: not carried, the document is a draft")
        return
    said = f"approved by '{one_line(str(by[0]))}' on {_shown(on[0])}"
    if keep_approvals:
        front.update(status="approved", approved_by=by[0], approved_on=on[0])
        values.note("approval", line, f"{said}: carried (--keep-approvals); check the evidence", (by[1], on[1]))
    else:
        values.note("approval", line, f"{said}: not carried, the document is a draft until approved again "
                    "(or adopt with --keep-approvals)", (by[1], on[1]))  # fmt: skip


def _new_id(
    stem: str, doc_type: str, mapping: AdoptionMapping, settings: Settings, used: dict[str, str], path: str
) -> str:
    """The first id of the template that is free, registered as used by ``path``."""
    prefix = mapping.prefixes.get(doc_type, doc_type.upper()[:3])
    base = mapping.id_template.replace("{TYPE}", prefix).replace("{NAME}", name_part(stem, doc_type))
    for number in range(1, 10000):
        if "{NN}" in base:
            candidate = base.replace("{NN}", f"{number:02d}")
        else:
            candidate = base if number == 1 else f"{base}-{number}"
        if candidate not in used:
            break
    if not settings.id_pattern.match(candidate):
        raise AdoptError(f"the id template gives '{one_line(candidate)}' for {path}, which does not match id_pattern "
                         f"{settings.id_pattern.pattern}")  # fmt: skip
    used[candidate] = path
    return candidate


def _link_notes(path: str, target: str, text: str, moved: Mapping[str, str]) -> list[Note]:
    """A note for each relative link that will not resolve once the files are moved."""
    arrived = set(moved.values())
    notes = []
    for link, line in _links(text):
        if not link:
            continue
        after = posixpath.normpath(posixpath.join(posixpath.dirname(target), link))
        if after not in arrived:
            notes.append(Note("link", path, line, f"link '{one_line(link)}' points to a file that is not moved "
                              "with it: fix it after adoption"))  # fmt: skip
    return notes


def front_matter(front: Mapping[str, object], suggested: Sequence[str]) -> list[str]:
    """The front-matter lines of an adopted document; suggested clauses as a comment, never as ``clauses``."""
    lines = []
    for key, value in front.items():
        if isinstance(value, (dt.date, Interval)):
            shown = value.isoformat() if isinstance(value, dt.date) else str(value)
        elif key in ("type", "status", "classification"):
            shown = str(value)
        else:
            shown = json.dumps(str(value), ensure_ascii=False)
        lines.append(f"{key}: {shown}")
    if suggested:
        lines.append(f"# suggested, review: clauses: {json.dumps(list(suggested))}")
    return lines


def adopted_text(text: str, front: Mapping[str, object], suggested: Sequence[str]) -> str:
    """``text`` with the front-matter put before it (or into its keyless front-matter); nothing else changed."""
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = front_matter(front, suggested)
    existing = split(text.replace("\r\n", "\n")).block
    if existing is not None:  # front-matter of another tool, without an id: its keys win, ours fill the gaps
        present = set(re.findall(r"^([A-Za-z_][\w-]*)\s*:", existing, re.MULTILINE))
        lines = [line for line in lines if line.startswith("#") or line.split(":", 1)[0] not in present]
        opening, rest = text.split("\n", 1)
        return opening + "\n" + newline.join(lines) + newline + rest
    return "---" + newline + newline.join(lines) + newline + "---" + newline + newline + text


# The starter configuration ---------------------------------------------------------------------------

ADOPTED_CONFIG = """\
site_name: {name}
{docs_dir}theme:
  name: material
  features: [navigation.sections, navigation.indexes, search.suggest]
plugins:
  - search
  - sms:
      catalogues: [iso20000-1:2018]
      # Proposed by 'mkdocs-sms adopt' from the classifications the documents carried.
      default_classification: {default_classification}
      audience: {audience}
      # Adopted documents cite no clauses yet, so every row starts missing. Once the suggested clauses
      # (comments in the front-matter) are reviewed and written as 'clauses', remove this line so that a
      # missing row fails the build again.
      severity: {{SMS101: warning}}
# What GitHub-flavoured Markdown needs: tables, fenced code, task lists, strikethrough, autolinks, and
# permanent links to headings. All come with mkdocs-material.
markdown_extensions:
  - abbr
  - admonition
  - attr_list
  - def_list
  - footnotes
  - md_in_html
  - tables
  - toc:
      permalink: true
  - pymdownx.betterem
  - pymdownx.details
  - pymdownx.highlight
  - pymdownx.inlinehilite
  - pymdownx.magiclink
  - pymdownx.superfences
  - pymdownx.tasklist:
      custom_checkbox: true
  - pymdownx.tilde
"""

ADOPTED_INDEX = """\
# {name}

The documented information of our management system, adopted from `{source}`. Start with the
[document register](sms/register.md), the [coverage matrix](sms/coverage.md) and the
[review schedule](sms/reviews.md).
"""


# Running it in a repository ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """The repository and where things are in it (paths relative to its root, POSIX)."""

    root: Path
    source_dir: str
    docs_dir: str
    config_file: str


def locate(source: Path, docs_dir: Path, config_file: Path) -> Place:
    """The repository holding the working folder, and SRC, docs_dir and mkdocs.yml in it; refuse what
    lies outside it or is not a folder."""
    root = Path(git(["rev-parse", "--show-toplevel"], Path.cwd()).decode().strip()).resolve()

    def inside(path: Path, what: str) -> str:
        full = path.resolve()
        if full != root and root not in full.parents:
            raise AdoptError(f"{what} {path} is not inside the git repository {root}")
        return full.relative_to(root).as_posix()

    if not source.is_dir():
        raise AdoptError(f"SRC {source} is not a folder")
    return Place(root, inside(source, "SRC"), inside(docs_dir, "docs_dir"), inside(config_file, "mkdocs.yml"))


def refuse_unready(place: Place) -> None:
    """Refuse a working tree with uncommitted changes, or a git without an identity to commit with."""
    changed = git(["status", "--porcelain", "--untracked-files=no"], place.root).decode("utf-8", "replace")
    if changed.strip():
        first = changed.splitlines()[0][3:]
        raise AdoptError(f"the working tree has uncommitted changes ({one_line(first)}, ...); commit or stash "
                         "them first, so that the adoption commits hold nothing else")  # fmt: skip
    try:
        git(["rev-parse", "--verify", "-q", "HEAD"], place.root)
        git(["var", "GIT_AUTHOR_IDENT"], place.root)
        git(["var", "GIT_COMMITTER_IDENT"], place.root)
    except GitError as exc:
        raise AdoptError(f"git cannot commit here: {one_line(str(exc)) or 'no commit yet'}") from None


def sources_of(place: Place) -> list[str]:
    """The tracked Markdown files of SRC, outside docs_dir (repository paths)."""
    pathspec = place.source_dir or "."
    listed = git(["ls-files", "-z", "--", pathspec], place.root).decode("utf-8", "surrogateescape").split("\0")
    docs = place.docs_dir + "/"
    return sorted(p for p in listed if p.endswith(MARKDOWN) and not (p + "/").startswith(docs) and p != place.docs_dir)


def read_sources(root: Path, paths: Sequence[str]) -> dict[str, str | None]:
    texts: dict[str, str | None] = {}
    for path in paths:
        try:
            texts[path] = (root / path).read_bytes().decode("utf-8").removeprefix("\ufeff")
        except UnicodeDecodeError:
            texts[path] = None
        except OSError as exc:
            raise AdoptError(f"cannot read {path}: {exc.strerror or exc}") from None
    return texts


def refuse_taken_targets(place: Place, adoption: Adoption) -> None:
    taken = [
        d.target
        for d in adoption.documents
        if (place.root / d.target).exists() or os.path.lexists(place.root / d.target)
    ]
    if taken:
        more = f" and {len(taken) - 1} more" if len(taken) > 1 else ""
        raise AdoptError(f"{taken[0]}{more} already exist; adopt never overwrites a file: move them away or "
                         "choose another --into")  # fmt: skip


def commit_adoption(place: Place, adoption: Adoption, texts: Mapping[str, str | None]) -> None:
    """The two commits: the files moved (renames only), then the front-matter and starter files. On any
    failure the repository is put back where it was."""
    head = git(["rev-parse", "HEAD"], place.root).decode().strip()
    try:
        for document in adoption.documents:
            target = place.root / document.target
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(place.root / document.source, target)
        paths = [p for d in adoption.documents for p in (d.source, d.target)]
        _stage(place.root, paths)
        moved = len(adoption.documents)
        git(["commit", "-q", "-m", f"Adopt {place.source_dir or '.'}: move {moved} Markdown files into "
             f"{place.docs_dir} (renames only, no content changed, so that history follows)"], place.root)  # fmt: skip
        adoption.commits.append(git(["rev-parse", "HEAD"], place.root).decode().strip())
        written = []
        for document in adoption.documents:
            text = texts.get(document.source)
            if document.front is None or text is None:
                continue
            (place.root / document.target).write_bytes(
                adopted_text(text, document.front, document.suggested).encode("utf-8")
            )
            written.append(document.target)
        documents = len(written)
        starters = _starter_files(place, adoption)
        for path, content in starters.items():
            (place.root / path).parent.mkdir(parents=True, exist_ok=True)
            (place.root / path).write_text(content, "utf-8")
            written.append(path)
        _stage(place.root, written)
        also = f"; {', '.join(starters)}" if starters else ""
        git(["commit", "-q", "-m", f"Adopt {place.source_dir or '.'}: front-matter for {documents} documents read "
             f"from their metadata (every document a draft){also}"], place.root)  # fmt: skip
        adoption.commits.append(git(["rev-parse", "HEAD"], place.root).decode().strip())
    except (GitError, OSError) as exc:
        with contextlib.suppress(GitError):
            git(["reset", "-q", "--hard", head], place.root)
        adoption.commits.clear()
        raise AdoptError(f"adoption failed and was undone: {one_line(str(exc))}") from None


def _stage(root: Path, paths: Sequence[str]) -> None:
    git(["add", "-A", "--pathspec-from-file=-", "--pathspec-file-nul"], root,
        stdin="\0".join(f":(literal){p}" for p in paths).encode("utf-8", "surrogateescape"))  # fmt: skip


def _starter_files(place: Place, adoption: Adoption) -> dict[str, str]:
    files = {}
    if adoption.config is not None:
        files[place.config_file] = adoption.config
    if adoption.gitignore:
        files[posixpath.join(posixpath.dirname(place.config_file), ".gitignore")] = STARTER_GITIGNORE
    if adoption.index:
        files[posixpath.join(place.docs_dir, "index.md")] = ADOPTED_INDEX.format(
            name=f"{place.root.name} handbook", source=place.source_dir or "."
        )
    return files


def starter_plan(place: Place, adoption: Adoption, config_exists: bool) -> None:
    """Decide the starter files: mkdocs.yml and .gitignore when missing, and a home page when docs_dir
    will have none (so the register and coverage pages are one click from the start)."""
    base = posixpath.dirname(place.config_file)
    if not config_exists:
        relative_docs = posixpath.relpath(place.docs_dir, base or ".")
        adoption.config = ADOPTED_CONFIG.format(
            name=json.dumps(f"{place.root.name} handbook", ensure_ascii=False),
            docs_dir="" if relative_docs == "docs" else f"docs_dir: {json.dumps(relative_docs)}\n",
            default_classification=adoption.default_classification,
            audience=adoption.audience,
        )
    adoption.gitignore = not (place.root / base / ".gitignore").exists()
    homes = {posixpath.join(place.docs_dir, name) for name in ("index.md", "README.md")}
    arriving = {d.target for d in adoption.documents}
    adoption.index = not config_exists and not (homes & arriving) and not any((place.root / h).exists() for h in homes)


def adopt(
    source: Path,
    into: Path | None,
    config_file: Path,
    mapping_file: Path | None,
    *,
    dry_run: bool,
    keep_approvals: bool,
) -> Adoption:
    """Adopt the Markdown of ``source`` into docs_dir (``into``, else mkdocs.yml's, else ``docs``): plan,
    refuse what cannot be done cleanly, and unless ``dry_run`` make the two commits."""
    config_exists = config_file.is_file()
    options: dict[str, Any] = {}
    configured_docs = "docs"
    if config_exists:
        data = load_config_data(config_file)
        configured_docs = str(data.get("docs_dir") or "docs")
        options = plugin_options(config_file)
        if into is not None and (config_file.parent / configured_docs).resolve() != into.resolve():
            raise AdoptError(f"{config_file} has docs_dir '{one_line(configured_docs)}'; --into {into} disagrees")
    docs_dir = into if into is not None else config_file.parent / configured_docs
    settings = Settings.from_options(options, base_dir=config_file.parent)
    catalogues = settings.load_catalogues()
    mapping_path = mapping_file or default_mapping_file()
    try:
        mapping_text = mapping_path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise AdoptError(f"cannot read the mapping {mapping_path}: {getattr(exc, 'strerror', None) or exc}") from None
    mapping = read_mapping(mapping_text, str(mapping_path), settings)
    place = locate(source, docs_dir, config_file)
    refuse_unready(place)
    paths = sources_of(place)
    if not paths:
        raise AdoptError(f"SRC {source} holds no Markdown files tracked by git (outside docs_dir)")
    taken: dict[str, str] = {}
    if config_exists and docs_dir.is_dir():
        _, handbook = load_project_handbook(config_file, with_history=False)
        taken = {doc_id: document.path for doc_id, document in handbook.by_id.items()}
    texts = read_sources(place.root, paths)
    adoption = plan_adoption(texts, place.source_dir, place.docs_dir, mapping, settings, catalogues, taken,
                             keep_approvals)  # fmt: skip
    refuse_taken_targets(place, adoption)
    starter_plan(place, adoption, config_exists)
    adoption.dry_run = dry_run
    if not dry_run:
        commit_adoption(place, adoption, texts)
    return adoption


# The report ------------------------------------------------------------------------------------------

_SECTIONS = (
    ("conflict", "Conflicts (two places disagree; both lines named)"),
    ("uncertain", "Uncertain values (guessed, placeholder, unmapped or unreadable)"),
    ("approval", "Approvals found in the text"),
    ("link", "Links the move breaks"),
    ("skipped", "Left without front-matter"),
    (
        "suggestion",
        "Suggested clauses (a comment in the front-matter; not counted as coverage until written as clauses)",
    ),
)


def format_report(adoption: Adoption, out: TextIO) -> None:
    """The adoption report for people."""
    what = "dry run: nothing written" if adoption.dry_run else f"{len(adoption.commits)} commits"
    out.write(f"Adopting {adoption.source_dir or '.'} into {adoption.docs_dir} ({what})\n\n")
    out.write(f"{len(adoption.documents)} Markdown files move into {adoption.docs_dir} in a commit of renames only; "
              "a second commit adds their front-matter (every document a draft).\n")  # fmt: skip
    for document in adoption.documents:
        front = document.front
        summary = ", ".join(f"{k} {_shown(v)}" for k, v in front.items() if k != "title") if front else "left as it is"
        out.write(f"  {document.source} -> {document.target}: {summary}\n")
    for kind, heading in _SECTIONS:
        notes = [note for note in adoption.notes if note.kind == kind]
        if notes:
            out.write(f"\n{heading}:\n")
            for note in notes:
                out.write(f"  {note.where()}: {note.message}\n")
    out.write("\nProposed classification scale (written -> classification, documents):\n")
    for value, (count, mapped) in adoption.seen_classifications.items():
        out.write(f"  {one_line(value)} -> {mapped or 'not in the mapping'} ({count})\n")
    if not adoption.seen_classifications:
        out.write("  no classification was written in the documents\n")
    out.write(f"Proposed default_classification: {adoption.default_classification}; audience: {adoption.audience}\n")
    writes = [name for name, wanted in (("mkdocs.yml", adoption.config is not None), (".gitignore", adoption.gitignore),
              (f"{adoption.docs_dir}/index.md", adoption.index)) if wanted]  # fmt: skip
    if adoption.config is None:
        out.write("mkdocs.yml exists and is left as it is.\n")
    if writes:
        out.write(f"Writes {', '.join(writes)}.\n")
    if adoption.commits:
        out.write(f"Commits: {', '.join(c[:12] for c in adoption.commits)}. Review the notes above, then run "
                  "'mkdocs-sms check'.\n")  # fmt: skip
