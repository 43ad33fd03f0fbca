"""The registry of finding codes.

Every problem mkdocs-sms reports is a :class:`Finding` with a stable code from :data:`RULES`. Each rule
carries its default severity, a one-line summary, why it matters and how to fix it; the README's table
of codes is written from the same text.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Literal

from mkdocs_sms.text import MAX_TEXT, cut, one_line


class Severity(str, enum.Enum):
    """How much a finding matters. ``ignore`` drops the finding altogether."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"
    IGNORE = "ignore"


# Every finding code, so that the type checker catches a mistyped one: RULES["SMS999"] fails mypy.
Code = Literal[
    "SMS001",
    "SMS002",
    "SMS003",
    "SMS004",
    "SMS005",
    "SMS006",
    "SMS007",
    "SMS008",
    "SMS009",
    "SMS010",
    "SMS101",
    "SMS102",
    "SMS103",
    "SMS104",
    "SMS105",
    "SMS106",
    "SMS107",
    "SMS108",
    "SMS109",
    "SMS110",
    "SMS111",
    "SMS201",
    "SMS202",
    "SMS203",
    "SMS204",
    "SMS205",
    "SMS301",
    "SMS302",
    "SMS303",
    "SMS304",
]


@dataclass(frozen=True)
class Rule:
    """One finding code: what it means, why it matters and how to fix it."""

    code: Code
    severity: Severity
    summary: str
    rationale: str
    fix: str

    def finding(
        self,
        text: str,
        *,
        path: str | None = None,
        line: int | None = None,
        document: str | None = None,
    ) -> Finding:
        """Make a finding of this rule about ``path``/``line`` (both optional).

        Messages quote values from pages; they are made one line of printable text here, so that no
        value can start a new log line, a workflow command or a terminal escape sequence.
        """
        about = None if document is None else cut(one_line(document), 80)
        return Finding(self.code, self.severity, cut(one_line(text), MAX_TEXT), path, line, about)


@dataclass(frozen=True)
class Finding:
    """A problem found in the handbook.

    ``text`` says what is wrong; :attr:`message` prefixes it with where, so that the message alone
    names the file, the line and the document.
    """

    code: str
    severity: Severity
    text: str
    path: str | None = None
    line: int | None = None
    document: str | None = None

    @property
    def location(self) -> str:
        """``path:line (ID)``, or as much of it as is known."""
        # A file name may hold a line break or an escape sequence: it must not forge a line of the log.
        where = one_line(self.path or "")
        if self.path and self.line:
            where += f":{self.line}"
        if self.document:
            where = f"{where} ({self.document})" if where else self.document
        return where

    @property
    def message(self) -> str:
        """The full message: code, location and text."""
        location = self.location
        return f"{self.code} {location}: {self.text}" if location else f"{self.code} {self.text}"

    def to_json(self) -> dict[str, object]:
        """The finding as the contract's JSON object."""
        return {
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "path": self.path,
            "line": self.line,
            "document": self.document,
        }


_RULES = (
    Rule(
        "SMS001",
        Severity.ERROR,
        "front-matter is not valid YAML",
        "MkDocs silently drops front-matter it cannot parse and publishes the page without its "
        "metadata, so an approved policy would quietly lose its id, owner and approval.",
        "Correct the YAML at the line given. Quote values that contain ': ' or start with a special "
        "character, indent list items consistently, and use only plain YAML (no '!!python' tags).",
    ),
    Rule(
        "SMS002",
        Severity.ERROR,
        "a required key is missing",
        "ISO/IEC 20000-1 clause 7.5.2 expects documented information to be identified (title, "
        "owner, version); a record without a date cannot evidence when something happened.",
        "Add the key to the front-matter. Required: id, title, type, owner, version; date for records.",
    ),
    Rule(
        "SMS003",
        Severity.ERROR,
        "a key has a value of the wrong type or outside its allowed values",
        "A misspelt status or an unparseable date makes the register and the review schedule wrong "
        "without anyone noticing.",
        "Use the allowed values listed in the message: ISO dates (YYYY-MM-DD), intervals such as "
        "'12 months', a quoted version string, and the configured types, statuses and classifications.",
    ),
    Rule(
        "SMS004",
        Severity.ERROR,
        "two documents share an id",
        "Document ids identify documented information in audits, links and history; two documents "
        "with one id make every reference ambiguous.",
        "Give one of the documents a new, unused id (see the document register for ids in use).",
    ),
    Rule(
        "SMS005",
        Severity.ERROR,
        "a clause that no loaded catalogue has",
        "A mistyped clause silently fails to cover the requirement it was meant for.",
        "Use a clause number that appears on the coverage page, or add the catalogue that defines it "
        "under 'catalogues:'.",
    ),
    Rule(
        "SMS006",
        Severity.ERROR,
        "status approved without approved_by or approved_on",
        "Approval is only evidence when it says who approved the document and when (clause 7.5.2).",
        "Add approved_by (role or person) and approved_on (YYYY-MM-DD), or set status back to review.",
    ),
    Rule(
        "SMS007",
        Severity.WARNING,
        "review overdue",
        "Documented information must stay suitable; a document past its review date may no longer "
        "describe how the service is run.",
        "Review the document, then update approved_on (and version, when the content changed), or set "
        "next_review to the agreed new date.",
    ),
    Rule(
        "SMS008",
        Severity.ERROR,
        "a reference to an unknown document id",
        "A reference that leads nowhere leaves a reader, or an auditor, unable to find the document it meant.",
        "Correct the id (see the document register) or remove the reference.",
    ),
    Rule(
        "SMS010",
        Severity.WARNING,
        "a page looks like a controlled document but is not read as one",
        "A front-matter block that is not closed, that has a blank line before it, that spells 'ID:' or "
        "that has the keys of a document but no id is shown as page text: the document is in no register "
        "and no check sees it, without a word.",
        "Start the file with '---' on its first line, close the block with '---', and give the page an "
        "'id' key in lower case (or remove the document keys if the page is not a controlled document).",
    ),
    Rule(
        "SMS009",
        Severity.ERROR,
        "a page is not readable UTF-8 text",
        "MkDocs stops the whole build on a page it cannot decode; the page cannot be checked either.",
        "Save the file as UTF-8 (most editors offer 'Save with encoding').",
    ),
    Rule(
        "SMS107",
        Severity.WARNING,
        "a document cites a clause whose rows do not accept its type",
        "A policy that cites a clause asking only for a register or a record counts for nothing there; "
        "its author believes the clause is met while the coverage matrix says otherwise.",
        "Cite the clause from a document of a type the clause's rows accept, change the document's type, "
        "or remove the clause from 'clauses'.",
    ),
    Rule(
        "SMS201",
        Severity.WARNING,
        "an approved document changed after approval without a new version",
        "The approval recorded in the front-matter is evidence for the content it approved; content "
        "changed since then is unapproved, whatever the status says (ISO/IEC 20000-1 clause 7.5.3).",
        "Raise 'version', set status to review until the change is approved, then record the new approval; "
        "or undo the change.",
    ),
    Rule(
        "SMS202",
        Severity.WARNING,
        "history unavailable",
        "Without the git history the handbook cannot show revision histories or check that approved "
        "documents were not changed after approval.",
        "Build from a full git clone: in GitHub Actions, actions/checkout with fetch-depth: 0; in GitLab CI, "
        "GIT_DEPTH: 0; make sure git is installed.",
    ),
    Rule(
        "SMS203",
        Severity.WARNING,
        "approved_on is later than today",
        "An approval cannot be in the future; a mistyped date also pushes the next review out of reach.",
        "Correct approved_on to the date the approval was given.",
    ),
    Rule(
        "SMS204",
        Severity.ERROR,
        "a version went backwards, or a document was approved again without a new version",
        "Versions identify what was approved; reusing or lowering one makes two different texts look "
        "like the same approved document.",
        "Give the change a version higher than the last one (e.g. 2.1 -> 2.2).",
    ),
    Rule(
        "SMS205",
        Severity.ERROR,
        "a change removes the only document meeting a required row",
        "Deleting it opens a gap an auditor will find: the requirement is met by nothing.",
        "Keep the document (retire it only when another one meets the row), or add the replacement in the same change.",
    ),
    Rule(
        "SMS301",
        Severity.ERROR,
        "a page in docs_dir is a symbolic link to a file outside docs_dir; it is not read",
        "MkDocs follows symbolic links and publishes whatever they point to, so a link can put a file from "
        "outside the handbook (another repository, a home folder, a system file) on the site. mkdocs-sms "
        "does not read it: the page is not checked and is in no register.",
        "Copy the file into docs_dir (and commit it), or remove the link; to publish it on purpose, keep "
        "its source inside docs_dir.",
    ),
    Rule(
        "SMS101",
        Severity.ERROR,
        "a required row is missing",
        "No document meets this requirement of the catalogue: an auditor will raise a nonconformity.",
        "Write the document or record (the guidance on the coverage page says what it needs) and list "
        "the clause in its 'clauses' with a type the row accepts.",
    ),
    Rule(
        "SMS102",
        Severity.WARNING,
        "a required row is only draft",
        "Documents in draft or review do not yet meet the requirement: they are not approved.",
        "Finish the review and approve one of the documents meeting the row.",
    ),
    Rule(
        "SMS103",
        Severity.WARNING,
        "a required row is only stale",
        "Every approved document meeting this row is past its review date.",
        "Review one of the documents meeting the row and record the new approval.",
    ),
    Rule(
        "SMS104",
        Severity.WARNING,
        "the newest evidence for a record row is older than the row's max_age",
        "Records show that something is still done: an internal audit or a continuity test from two years "
        "ago is no evidence that it happens now, and auditors ask for the latest one.",
        "Carry out the activity again and add its record (type: record, with the date it took place), "
        "listing the clause in 'clauses'.",
    ),
    Rule(
        "SMS105",
        Severity.ERROR,
        "a phase of the implementation plan is past its target date and a row it needed is not achieved",
        "The implementation plan is a commitment to management (ISO/IEC 20000-5): a late phase needs a "
        "decision, a new date or more resources, not silence.",
        "Write and approve the documents the row needs (at the phase's maturity level), or agree a new "
        "target date and change it under 'implementation: phases:'.",
    ),
    Rule(
        "SMS106",
        Severity.WARNING,
        "the implementation baseline file cannot be read",
        "Without the baseline, the implementation page cannot show what was closed since the gap analysis.",
        "Save it again with 'mkdocs-sms baseline save', or correct the path under 'implementation: baseline:'.",
    ),
    Rule(
        "SMS108",
        Severity.WARNING,
        "an implementation phase brings in clause 8 processes with no internal audit or management review "
        "by its target date",
        "ISO/IEC 20000-5 has each phase check and act on what it put in place: processes started without an "
        "internal audit and a management review give no evidence that they work, and the certification "
        "audit asks for that evidence.",
        "Bring the internal audit and management review clauses into the same phase (or an earlier one) under "
        "'implementation: phases:'.",
    ),
    Rule(
        "SMS109",
        Severity.WARNING,
        "a nonconformity is past its due date",
        "Clause 10.1 asks for corrective action in good time; an auditor reads an open nonconformity past "
        "its due date as a corrective-action process that does not work.",
        "Finish the corrective action and record it (state: closed, with the effectiveness check), or agree "
        "a new due date and write it under 'due'.",
    ),
    Rule(
        "SMS110",
        Severity.WARNING,
        "a nonconformity was closed without an effectiveness check",
        "Corrective action counts only when it worked: clause 10.1 asks for a review of its effectiveness, "
        "and an auditor asks for that evidence on every closed nonconformity.",
        "Write what was checked, by whom and when under 'effectiveness', or reopen it (state: action planned).",
    ),
    Rule(
        "SMS111",
        Severity.INFO,
        "required rows that no implementation phase names join the last phase",
        "A plan of phases usually means to place every requirement; rows it leaves out are still part of the "
        "target state, so they fall due with the last phase, which may not be what was planned.",
        "Name the rows' clauses in a phase's 'clauses', or cover their maturity level with a phase's 'level' "
        "or 'levels'; or leave them in the last phase on purpose.",
    ),
    Rule(
        "SMS302",
        Severity.INFO,
        "documents above the build's audience are withheld",
        "A handbook published to customers or auditors must not show what they may not see; this says how "
        "many documents the build leaves out, so nobody mistakes the published set for the whole SMS.",
        "Nothing to fix. Set 'audience' to the highest classification this edition may show.",
    ),
    Rule(
        "SMS303",
        Severity.INFO,
        "a published document refers to a document withheld from this audience",
        "The reference cannot be a link in this edition: it is shown as plain text (or left out of the "
        "panel), and readers of this edition cannot follow it.",
        "Nothing to fix when that is intended; otherwise reclassify one of the two documents.",
    ),
    Rule(
        "SMS304",
        Severity.WARNING,
        "a page's classification cannot be established",
        "An audience build promises that nothing above the audience is published. A page whose "
        "front-matter, bytes or folder defaults cannot be read, or whose classification is not one of "
        "the configured values, could be anything: it is treated as the highest classification.",
        "Correct the front-matter or the .meta.yml named in the message, and write 'classification' as "
        "one of the configured values.",
    ),
)

RULES: Mapping[Code, Rule] = {rule.code: rule for rule in _RULES}


def apply_severities(findings: Iterable[Finding], overrides: Mapping[str, Severity]) -> list[Finding]:
    """Apply per-code severity overrides and drop the findings set to ``ignore``."""
    result = []
    for finding in findings:
        severity = overrides.get(finding.code, finding.severity)
        if severity is Severity.IGNORE:
            continue
        result.append(finding if severity is finding.severity else replace(finding, severity=severity))
    return result


def sort_key(finding: Finding) -> tuple[int, str, int, str]:
    """Order findings by file and line; findings about no file (coverage) come last."""
    return (finding.path is None, finding.path or "", finding.line or 0, finding.code)
