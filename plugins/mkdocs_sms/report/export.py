"""The document register and the coverage matrix as spreadsheets, for auditors who work in them.

Text from front-matter is data, never a formula: CSV cells that a spreadsheet would evaluate
(starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) get a leading apostrophe, as
OWASP recommends against formula injection; xlsx cells are written as typed strings.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Sequence
from typing import IO, Any

from mkdocs_sms.analysis.handbook import Handbook
from mkdocs_sms.analysis.implementation import Plan

REGISTER_COLUMNS = (
    "id",
    "title",
    "type",
    "version",
    "status",
    "owner",
    "approved_by",
    "approved_on",
    "next_review",
    "classification",
    "clauses",
    "date",
    "state",
    "path",
    "approval_evidence",
    "acknowledgement",
)
COVERAGE_COLUMNS = (
    "catalogue",
    "clause",
    "clause_title",
    "requirement",
    "kind",
    "required",
    "status",
    "documents",
    "newest_evidence",
    "evidence_date",
    "max_age",
    "phase",
    "late",
)
ASSESSMENT_COLUMNS = (
    "assessment",
    "date",
    "catalogue",
    "activity",
    "text",
    "result",
    "level",
    "evidence",
    "note",
    "reason",
)
TABLES = ("register", "coverage", "assessment")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

Cell = str | int | bool | dt.date | None


def register_rows(handbook: Handbook) -> list[tuple[Cell, ...]]:
    """One row per document of the register, in id order."""
    return [
        (
            d.id,
            d.title,
            d.type,
            d.version,
            d.status,
            d.owner,
            d.approved_by,
            d.approved_on,
            d.next_review,
            d.classification,
            ", ".join(d.clauses),
            d.date,
            d.state,
            d.path,
            handbook.approvals[d.id].describe() if d.id in handbook.approvals else None,
            _acknowledgement(handbook, d.id),
        )
        for d in sorted(handbook.documents, key=lambda d: d.id)
    ]


def _acknowledgement(handbook: Handbook, document_id: str) -> str | None:
    """'12 of 14 acknowledged version 2.1' (or why it cannot be assessed); None when none is needed."""
    item = handbook.acknowledgements.get(document_id)
    if item is None:
        return None
    if not item.assessed:
        return "cannot be assessed"
    return f"{item.count} of {item.required} acknowledged version {item.version}"


def coverage_rows(handbook: Handbook) -> list[tuple[Cell, ...]]:
    """One row per catalogue requirement, in catalogue order."""
    plan = handbook.settings.implementation or Plan()
    rows: list[tuple[Cell, ...]] = []
    for row in handbook.coverage:
        req = row.requirement
        evidence = row.evidence
        rows.append(
            (
                req.catalogue,
                req.clause,
                req.clause_title,
                req.name,
                req.kind,
                req.required,
                row.status,
                ", ".join(d.id for d in row.documents),
                evidence.id if evidence else None,
                row.evidence_date,
                str(req.max_age) if req.max_age else None,
                plan.phases[row.phase].name if row.phase is not None else None,
                row.late is not None,
            )
        )
    return rows


def assessment_rows(handbook: Handbook) -> list[tuple[Cell, ...]]:
    """One row per activity of every approved gap assessment, oldest assessment first."""
    return [
        (
            item.document.id, item.date, judged.catalogue, judged.ref, judged.activity.text, judged.result,
            judged.judgement.level, ", ".join(judged.judgement.evidence), judged.judgement.note,
            judged.judgement.reason,
        )
        for item in handbook.assessments
        for judged in item.judged
    ]  # fmt: skip


def table(handbook: Handbook, name: str) -> tuple[Sequence[str], list[tuple[Cell, ...]]]:
    """The columns and rows of the table ``name`` (register, coverage or assessment)."""
    if name == "register":
        return REGISTER_COLUMNS, register_rows(handbook)
    if name == "assessment":
        return ASSESSMENT_COLUMNS, assessment_rows(handbook)
    return COVERAGE_COLUMNS, coverage_rows(handbook)


def _csv_cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def write_csv(handbook: Handbook, name: str, out: IO[str]) -> None:
    """The table ``name`` as CSV (RFC 4180 quoting, header row first)."""
    columns, rows = table(handbook, name)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_csv_cell(value) for value in row])


def write_xlsx(handbook: Handbook, out: IO[bytes]) -> None:
    """A workbook with the sheets Register, Coverage and Assessment: dates as dates, a frozen, filterable header."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet: Any = workbook.active
    for index, name in enumerate(TABLES):
        if index:
            sheet = workbook.create_sheet()
        sheet.title = name.capitalize()
        columns, rows = table(handbook, name)
        sheet.append(list(columns))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            # Control characters (legal in YAML's escapes) cannot be stored in xlsx: drop them.
            sheet.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row])
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # text, even when it starts with '=' (openpyxl would make it a formula)
                elif isinstance(cell.value, dt.date):
                    cell.number_format = "yyyy-mm-dd"
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = sheet.dimensions
        for letter, width in zip("ABCDEFGHIJKLMN", _widths(columns, rows), strict=False):
            sheet.column_dimensions[letter].width = width
    workbook.properties.title = f"SMS register and coverage, {handbook.settings.today.isoformat()}"
    workbook.save(out)


def _widths(columns: Sequence[str], rows: list[tuple[Cell, ...]]) -> list[float]:
    """Column widths that fit the longest value, within reason."""
    widths = [len(column) for column in columns]
    for row in rows:
        for index, value in enumerate(row):
            widths[index] = max(widths[index], len(_csv_cell(value)))
    return [min(max(width + 2, 8), 60) for width in widths]
