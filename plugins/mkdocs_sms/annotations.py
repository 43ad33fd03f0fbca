"""Text for other tools: Markdown table cells and GitHub Actions workflow commands."""

from __future__ import annotations

import re

from mkdocs_sms.findings import Finding, Severity

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_GITHUB_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def md_cell(text: object) -> str:
    """Text for a Markdown table cell: HTML-escaped, pipes and Markdown punctuation neutralised."""
    escaped = str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    # Markdown ends a line (and so a table row) at a carriage return as well as at a line feed, and
    # Python-Markdown uses STX and ETX as its own placeholders: no control character stays.
    escaped = _CONTROL.sub(" ", escaped)
    return "".join("\\" + ch if ch in "\\`*_[]|" else ch for ch in escaped)


def github_escape(text: str, property_value: bool = False) -> str:
    """Escape a workflow command's message (or, with ``property_value``, one of its properties)."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if property_value else text


def github_command(finding: Finding, file: str | None, title: str | None = None) -> str:
    """A ``::error``/``::warning``/``::notice`` line annotating ``file`` at the finding's line."""
    props = [f"title={github_escape(title or finding.code, True)}"]
    if file:
        props.insert(0, f"file={github_escape(file, True)}")
        if finding.line:
            props.insert(1, f"line={finding.line}")
    return f"::{_GITHUB_LEVELS[finding.severity]} {','.join(props)}::{github_escape(finding.message)}"
