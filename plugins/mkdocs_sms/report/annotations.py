"""GitHub Actions workflow commands: findings as annotations on a pull request's files."""

from __future__ import annotations

from mkdocs_sms.rules import Finding, Severity

_GITHUB_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


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
