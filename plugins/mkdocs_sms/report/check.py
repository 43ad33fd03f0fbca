"""The report of ``mkdocs-sms check``: readable text, a Markdown summary, GitHub annotations."""

from __future__ import annotations

import posixpath
from itertools import groupby
from typing import TextIO

from mkdocs_sms.analysis import coverage
from mkdocs_sms.analysis.handbook import Handbook
from mkdocs_sms.report.annotations import github_command
from mkdocs_sms.rules import Severity
from mkdocs_sms.text import md_cell, one_line


def failed(handbook: Handbook, strict: bool) -> bool:
    """Whether the findings are over the bar: any error, or with ``strict`` any warning."""
    return bool(handbook.count(Severity.ERROR) or (strict and handbook.count(Severity.WARNING)))


_COLOURS = {Severity.ERROR: "31", Severity.WARNING: "33", Severity.INFO: "36"}


def _paint(text: str, code: str, colour: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if colour else text


def _file(docs_dir: str, path: str) -> str:
    """A finding's file as the terminal and the annotations name it. A file beside mkdocs.yml (the
    acknowledgement file) is named from docs_dir with '..': it is shown plainly."""
    return posixpath.normpath(f"{docs_dir}/{path}")


def format_text(handbook: Handbook, out: TextIO, docs_dir: str, colour: bool) -> None:
    """Readable findings, grouped by file, then the coverage summary."""
    for path, group in groupby(handbook.findings, key=lambda f: f.path):
        title = one_line(_file(docs_dir, path)) if path else "Coverage"
        out.write(_paint(title, "1", colour) + "\n")
        for finding in group:
            where = f"{finding.line}" if finding.line else "-"
            severity = _paint(f"{finding.severity.value:<7}", _COLOURS[finding.severity], colour)
            about = f"{finding.document}: " if finding.document else ""
            out.write(f"  {where:>4}  {severity} {finding.code}  {about}{finding.text}\n")
        out.write("\n")
    for catalogue in handbook.catalogues:
        counts = coverage.summary(r for r in handbook.coverage if r.requirement.catalogue == catalogue.name)
        parts = ", ".join(f"{counts[s]} {s}" for s in coverage.STATUSES if counts[s])
        out.write(f"Coverage of {catalogue.name}: {counts['covered']}/{counts['total']} covered ({parts})\n")
    errors, warnings = handbook.count(Severity.ERROR), handbook.count(Severity.WARNING)
    out.write(
        f"{len(handbook.documents)} documents checked: "
        f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}\n"
    )


def format_markdown(handbook: Handbook, out: TextIO, strict: bool) -> None:
    """A report to paste into a pull request."""
    errors, warnings = handbook.count(Severity.ERROR), handbook.count(Severity.WARNING)
    verdict = "❌ **Check failed**" if failed(handbook, strict) else "✅ **Check passed**"
    out.write(f"{verdict}: {errors} error(s), {warnings} warning(s) in {len(handbook.documents)} documents.\n\n")
    out.write("| Catalogue | Covered | Stale | Draft | Missing |\n| --- | --- | --- | --- | --- |\n")
    for catalogue in handbook.catalogues:
        c = coverage.summary(r for r in handbook.coverage if r.requirement.catalogue == catalogue.name)
        out.write(
            f"| {md_cell(catalogue.name)} | {c['covered']}/{c['total']} | {c['stale']} | {c['draft']} "
            f"| {c['missing']} |\n"
        )
    if handbook.findings:
        out.write("\n| Severity | Code | Where | Problem |\n| --- | --- | --- | --- |\n")
        for f in handbook.findings:
            out.write(f"| {f.severity.value} | {f.code} | {md_cell(f.location) or '—'} | {md_cell(f.text)} |\n")


def format_github(handbook: Handbook, out: TextIO, docs_dir: str) -> None:
    """GitHub Actions workflow commands, one per finding."""
    for f in handbook.findings:
        title = f"{f.code} {f.document}" if f.document else f.code
        file = _file(docs_dir, f.path) if f.path else None
        out.write(github_command(f, file, title) + "\n")
