"""The faces of ``mkdocs-sms diff``: a Markdown report for a pull request, and CI annotations."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any, TextIO
from urllib.parse import quote, urlsplit

from mkdocs_sms.analysis import coverage
from mkdocs_sms.analysis.compare import Diff, DocumentDiff
from mkdocs_sms.model.document import Document
from mkdocs_sms.report.annotations import github_command, github_escape
from mkdocs_sms.rules import Finding, Severity
from mkdocs_sms.text import md_cell
from mkdocs_sms.translation import ENGLISH, translations

# Above this many rows a table is folded into a <details> block, so a large change stays readable.
FOLD = 15


def _table(out: TextIO, title: str, header: list[str], rows: list[list[str]]) -> None:
    if not rows:
        return
    fold = len(rows) > FOLD
    out.write(
        f"\n<details><summary>{title} ({len(rows)})</summary>\n\n" if fold else f"\n**{title}** ({len(rows)})\n\n"
    )
    out.write("| " + " | ".join(header) + " |\n| " + " | ".join("---" for _ in header) + " |\n")
    for row in rows:
        out.write("| " + " | ".join(row) + " |\n")
    if fold:
        out.write("\n</details>\n")


def _summary(d: DocumentDiff, language: str) -> str:
    _ = translations(language).gettext
    parts = []
    shown = ("version", "status", "owner", "approved_on", "approved_by", "classification", "type", "title")
    for f in d.fields:
        if f.key in shown:
            parts.append(f"{f.key} {f.old if f.old is not None else '—'} → {f.new if f.new is not None else '—'}")
    others = [f.key for f in d.fields if f.key not in shown]
    if others:
        parts.append(_("also %(keys)s") % {"keys": ", ".join(others)})
    if d.text_changed:
        parts.append(_("text +%(added)d −%(removed)d lines") % {"added": d.lines_added, "removed": d.lines_removed})
        if not d.version_raised:
            parts.append(_("version not raised"))
    if d.old_path:
        parts.append(_("moved from %(path)s") % {"path": d.old_path})
    return "; ".join(parts) or "—"


def format_markdown(diff: Diff, out: TextIO, link: Callable[[str], str | None], language: str = ENGLISH) -> None:
    """The report a reviewer reads in a pull-request comment, in the handbook's ``language`` (its
    findings' messages stay English, as in the CI log)."""
    translation = translations(language)
    _, ngettext = translation.gettext, translation.ngettext

    def ref(doc_id: str, path: str | None) -> str:
        # The path is percent-encoded before it joins site_url: a file name can then neither end the link
        # nor start HTML, and the address keeps site_url's scheme.
        href = link(quote(path, safe="/")) if path else None
        if not href or urlsplit(href).scheme not in ("http", "https"):
            return md_cell(doc_id)
        return f"[{md_cell(doc_id)}]({href})"

    errors = [f for f in diff.introduced if f.severity is Severity.ERROR]
    lowered = [r for r in diff.coverage if r.lowered]
    if diff.fails:
        reasons = []
        if errors:
            reasons.append(ngettext("%(num)d new error(s)", "%(num)d new error(s)", len(errors)) % {"num": len(errors)})
        if lowered:
            lost = ngettext("coverage lowered on %(num)d requirement(s)", "coverage lowered on %(num)d requirement(s)",
                            len(lowered))  # fmt: skip
            reasons.append(lost % {"num": len(lowered)})
        out.write(_("❌ **Do not merge yet**: %(reasons)s.") % {"reasons": ", ".join(reasons)} + "\n")
    else:
        out.write(_("✅ **Ready for review**: no new error and no loss of coverage.") + "\n")
    counts = _("documents %(added)s added, %(changed)s changed, %(renamed)s renamed, %(retired)s retired, "
               "%(removed)s removed.") % {
        "added": len(diff.added), "changed": len(diff.changed), "renamed": len(diff.renamed),
        "retired": len(diff.retired), "removed": len(diff.removed),
    }  # fmt: skip
    out.write(f"\n`{md_cell(diff.base)}` → `{md_cell(diff.head)}`: {counts}")
    if diff.head_handbook is not None:
        for catalogue in diff.head_handbook.catalogues:
            c = coverage.summary(r for r in diff.head_handbook.coverage if r.requirement.catalogue == catalogue.name)
            after = _("Coverage of %(catalogue)s after the change: %(covered)s/%(total)s.")
            out.write(
                " " + after % {"catalogue": md_cell(catalogue.name), "covered": c["covered"], "total": c["total"]}
            )
    out.write("\n")
    word = _  # statuses, kinds and severities are words of the shared vocabulary

    rows = [
        [md_cell(f"{r.catalogue} {r.clause}"), md_cell(r.requirement), word(r.kind), word(r.old),
         _marked(word(r.new), r.lowered)]
        for r in diff.coverage
    ]  # fmt: skip
    _table(out, _("Coverage changes"), [_("Clause"), _("Requirement"), _("Kind"), _("Before"), _("After")], rows)
    findings_header = [_("Severity"), _("Code"), _("Where"), _("Problem")]
    _table(out, _("New findings"), findings_header, _finding_rows(diff.introduced, word))

    def doc_rows(docs: tuple[Document, ...]) -> list[list[str]]:
        return [[ref(d.id, d.path), md_cell(d.title), md_cell(d.version or "—"), word(d.status)] for d in docs]

    documents_header = [_("Id"), _("Title"), _("Version"), _("Status")]
    _table(out, _("Added"), documents_header, doc_rows(diff.added))
    _table(out, _("Changed"), [_("Id"), _("Title"), _("What changed")],
           [[ref(d.id, d.path), md_cell(d.title), md_cell(_summary(d, language))] for d in diff.changed])  # fmt: skip
    renamed = [[ref(d.id, d.path), md_cell(d.title), md_cell(d.old_path), md_cell(d.path)] for d in diff.renamed]
    _table(out, _("Renamed"), [_("Id"), _("Title"), _("From"), _("To")], renamed)
    _table(out, _("Retired"), documents_header, doc_rows(diff.retired))
    removed = [[md_cell(d.id), md_cell(d.title), md_cell(d.version or "—"), word(d.status)] for d in diff.removed]
    _table(out, _("Removed"), documents_header, removed)
    if diff.resolved:
        resolved = _("Findings resolved")
        out.write(f"\n<details><summary>{resolved} ({len(diff.resolved)})</summary>\n\n")
        out.write("| " + " | ".join(findings_header) + " |\n| --- | --- | --- | --- |\n")
        for row in _finding_rows(diff.resolved, word):
            out.write("| " + " | ".join(row) + " |\n")
        out.write("\n</details>\n")


def _marked(status: str, lowered: bool) -> str:
    return f"**{status}**" if lowered else status


def _finding_rows(findings: tuple[Finding, ...], word: Callable[[str], str]) -> list[list[str]]:
    return [[word(f.severity.value), f.code, md_cell(f.location) or "—", md_cell(f.text)] for f in findings]


def format_github(diff: Diff, out: TextIO, where: Callable[[str], str]) -> None:
    """GitHub workflow commands on the changed files and lines, for each new finding."""
    for f in diff.introduced:
        out.write(github_command(f, where(f.path) if f.path else None) + "\n")
    for r in diff.coverage:
        if r.lowered:
            text = f"{r.catalogue} {r.clause} {r.requirement}: coverage {r.old} → {r.new}"
            out.write(f"::error title=coverage::{github_escape(text)}\n")


def gitlab_report(diff: Diff, where: Callable[[str], str]) -> list[dict[str, Any]]:
    """A GitLab Code Quality report: one issue per new finding."""
    severities = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.INFO: "info"}
    issues = []
    for f in diff.introduced:
        fingerprint = hashlib.sha256(json.dumps([f.code, f.path, f.document, f.text]).encode()).hexdigest()
        issues.append({
            "description": f.message,
            "check_name": f.code,
            "fingerprint": fingerprint,
            "severity": severities[f.severity],
            "location": {"path": where(f.path) if f.path else "mkdocs.yml", "lines": {"begin": f.line or 1}},
        })  # fmt: skip
    return issues


def diff_json(diff: Diff) -> dict[str, Any]:
    """The stable JSON form of a diff (documented in the README)."""

    def doc(d: Document) -> dict[str, Any]:
        return {"id": d.id, "title": d.title, "path": d.path, "version": d.version, "status": d.status}

    def changed(d: DocumentDiff) -> dict[str, Any]:
        return {
            "id": d.id, "title": d.title, "path": d.path, "old_path": d.old_path,
            "fields": [{"key": f.key, "old": f.old, "new": f.new} for f in d.fields],
            "body": {"lines_added": d.lines_added, "lines_removed": d.lines_removed},
        }  # fmt: skip

    return {
        "base": diff.base,
        "head": diff.head,
        "documents": {
            "added": [doc(d) for d in diff.added],
            "removed": [doc(d) for d in diff.removed],
            "renamed": [{"id": d.id, "from": d.old_path, "to": d.path} for d in diff.renamed],
            "retired": [doc(d) for d in diff.retired],
            "changed": [changed(d) for d in diff.changed],
        },
        "coverage": [
            {
                "catalogue": r.catalogue,
                "clause": r.clause,
                "requirement": r.requirement,
                "kind": r.kind,
                "from": r.old,
                "to": r.new,
                "lowered": r.lowered,
            }
            for r in diff.coverage
        ],
        "findings": {
            "introduced": [f.to_json() for f in diff.introduced],
            "resolved": [f.to_json() for f in diff.resolved],
        },
        "verdict": "fail" if diff.fails else "pass",
    }
