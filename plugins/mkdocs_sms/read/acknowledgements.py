"""The acknowledgement file: who confirmed reading which version of which document, and when.

It is a CSV file with a header row (what a form exports: extra columns such as a timestamp or a comment are
left alone) or a YAML list of mappings, chosen by the file's extension, with the keys ``person``,
``document`` (its id), ``version`` and ``date``. Each problem is a finding with the file and the line; a
file that cannot be read at all is one finding, and then nothing can be assessed.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from mkdocs_sms.rules import RULES, Finding

if TYPE_CHECKING:  # the settings name the file; only the type flows back
    from mkdocs_sms.settings import Settings

FIELDS = ("person", "document", "version", "date")


@dataclass(frozen=True)
class AcknowledgementRow:
    """One row of the acknowledgement file: who acknowledged which version of which document, when, and
    the line of the file it is on."""

    person: str
    document: str
    version: str
    date: dt.date
    line: int


@dataclass(frozen=True)
class AcknowledgementFile:
    """The rows of the acknowledgement file that could be read, what is wrong with the others, and
    whether the file could be read at all (when not, nothing can be assessed)."""

    rows: tuple[AcknowledgementRow, ...] = ()
    findings: tuple[Finding, ...] = ()
    readable: bool = True


_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[T ][0-9:.+\-Z]*)?$")


def row_date(value: object) -> dt.date:
    """An acknowledgement's date: ISO ``YYYY-MM-DD``, or the timestamp a form exports
    (``2026-03-04 10:22:11``, ``2026-03-04T10:22:11Z``), whose day counts. Raises ValueError."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    match = _DATE.match(str(value).strip())
    if not match:
        raise ValueError(f"'{value}' is not a date in the form YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(match.group(1))
    except ValueError as exc:
        raise ValueError(f"'{value}' is not a date that exists ({exc})") from None


def load_acknowledgements(settings: Settings) -> AcknowledgementFile | None:
    """The acknowledgement file the ``acknowledge`` option names; None when the option is off."""
    rules = settings.acknowledge
    if not rules.enabled:
        return None
    where = rules.location
    try:
        raw = (settings.base_dir / rules.file).read_bytes()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        return _unread(RULES["SMS009"].finding(f"the acknowledgement file cannot be read: {reason}", path=where))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return _unread(RULES["SMS009"].finding("the acknowledgement file is not UTF-8 text", path=where, line=line))
    if Path(rules.file).suffix.lower() == ".csv":
        return parse_csv(text, where)
    return parse_yaml(text, where)


def _unread(finding: Finding) -> AcknowledgementFile:
    return AcknowledgementFile(findings=(finding,), readable=False)


def parse_csv(text: str, where: str) -> AcknowledgementFile:
    """The rows of a CSV acknowledgement file (``where``: its path as findings name it)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
    except csv.Error as exc:
        return _unread(RULES["SMS001"].finding(f"the acknowledgement file is not CSV: {exc}", path=where, line=1))
    columns = {name.strip().lower(): index for index, name in enumerate(header or ())}
    absent = [name for name in FIELDS if name not in columns]
    if absent:
        text = f"the header row of the acknowledgement file has no column {', '.join(absent)}"
        return _unread(RULES["SMS003"].finding(f"{text} (needs {', '.join(FIELDS)})", path=where, line=1))
    rows: list[AcknowledgementRow] = []
    findings: list[Finding] = []
    line = reader.line_num + 1
    try:
        for record in reader:
            if any(cell.strip() for cell in record):
                values = {name: record[index] if index < len(record) else "" for name, index in columns.items()}
                _row(values, line, where, rows, findings)
            line = reader.line_num + 1
    except csv.Error as exc:
        findings.append(RULES["SMS001"].finding(f"the acknowledgement file is not CSV: {exc}", path=where, line=line))
    return AcknowledgementFile(tuple(rows), tuple(findings))


def parse_yaml(text: str, where: str) -> AcknowledgementFile:
    """The rows of a YAML acknowledgement file: a list of mappings."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else []
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc)
        text = f"the acknowledgement file is not YAML: {problem}"
        return _unread(RULES["SMS001"].finding(text, path=where, line=line))
    finally:
        loader.dispose()
    if not isinstance(data, list) or not isinstance(node, (yaml.SequenceNode, type(None))):
        text = "the acknowledgement file must be a list of mappings: - {person: …, document: …, version: …, date: …}"
        return _unread(RULES["SMS003"].finding(text, path=where, line=1))
    rows: list[AcknowledgementRow] = []
    findings: list[Finding] = []
    for item, item_node in zip(data, node.value if node is not None else [], strict=True):
        line = item_node.start_mark.line + 1
        if not isinstance(item, dict):
            text = "an acknowledgement must be a mapping of person, document, version and date"
            findings.append(RULES["SMS003"].finding(text, path=where, line=line))
            continue
        values = {str(key).strip().lower(): value for key, value in item.items()}
        _row(values, line, where, rows, findings)
    return AcknowledgementFile(tuple(rows), tuple(findings))


def _row(values: dict[str, Any], line: int, where: str, rows: list[AcknowledgementRow], found: list[Finding]) -> None:
    """Add the row of ``values`` to ``rows``, or what is wrong with it to ``found``."""
    text = {name: "" if values.get(name) is None else str(values[name]).strip() for name in FIELDS}
    absent = [name for name in FIELDS if not text[name]]
    if absent:
        message = f"the acknowledgement has no {', '.join(absent)}: it is not counted"
        found.append(RULES["SMS003"].finding(message, path=where, line=line))
        return
    try:
        date = row_date(values["date"])
    except ValueError as exc:
        message = f"the acknowledgement's date {exc}: it is not counted"
        found.append(RULES["SMS003"].finding(message, path=where, line=line))
        return
    rows.append(AcknowledgementRow(text["person"], text["document"], text["version"], date, line))
