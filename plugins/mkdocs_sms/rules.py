"""The registry of finding codes.

Every problem mkdocs-sms reports is a :class:`Finding` with a stable code from :data:`RULES`. Each rule
carries its default severity, a one-line summary, why it matters, how to fix it and an example that
triggers it; the manual's page of each code is generated from this text (``manual/hooks.py``), and its
build fails on a rule without an example or a fix.
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
    "SMS206",
    "SMS207",
    "SMS208",
    "SMS209",
    "SMS301",
    "SMS302",
    "SMS303",
    "SMS304",
]


@dataclass(frozen=True)
class Rule:
    """One finding code: what it means, why it matters and how to fix it.

    ``details`` says more about when it is reported than the one-line ``summary``; ``example`` is
    Markdown showing what triggers it (indented as written here; the manual dedents it).
    """

    code: Code
    severity: Severity
    summary: str
    rationale: str
    fix: str
    details: str = ""
    example: str = ""

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
        details="The front-matter block cannot be read as YAML, or it names a key twice. The message gives the file "
        "and the line of the YAML error.",
        example="""
            ```yaml title="docs/policies/change-management.md"
            ---
            id: POL-CHG-01
            title: Change management: policy    # an unquoted value holding ': '
            type: policy
            ---
            ```
        """,
    ),
    Rule(
        "SMS002",
        Severity.ERROR,
        "a required key is missing",
        "ISO/IEC 20000-1 clause 7.5.2 expects documented information to be identified (title, "
        "owner, version); a record without a date cannot evidence when something happened.",
        "Add the key to the front-matter. Required: id, title, type, owner, version; date for records.",
        example="""
            ```yaml title="docs/policies/change-management.md"
            ---
            id: POL-CHG-01
            title: Change management policy
            type: policy
            version: "2.1"                      # no owner
            ---
            ```
        """,
    ),
    Rule(
        "SMS003",
        Severity.ERROR,
        "a key has a value of the wrong type or outside its allowed values",
        "A misspelt status or an unparseable date makes the register and the review schedule wrong "
        "without anyone noticing.",
        "Use the allowed values listed in the message: ISO dates (YYYY-MM-DD), intervals such as "
        "'12 months', a quoted version string, and the configured types, statuses and classifications.",
        example="""
            ```yaml
            status: aproved                     # not one of draft, review, approved, retired
            approved_on: 12/03/2026             # not an ISO date
            version: 2.10                       # unquoted: YAML reads the number 2.1
            ```
        """,
    ),
    Rule(
        "SMS004",
        Severity.ERROR,
        "two documents share an id",
        "Document ids identify documented information in audits, links and history; two documents "
        "with one id make every reference ambiguous.",
        "Give one of the documents a new, unused id (see the document register for ids in use).",
        details="Both files are named in the message.",
        example="""
            `docs/policies/change-management.md` and `docs/policies/change-policy-old.md` both say `id: POL-CHG-01`.
        """,
    ),
    Rule(
        "SMS005",
        Severity.ERROR,
        "a clause that no loaded catalogue has",
        "A mistyped clause silently fails to cover the requirement it was meant for.",
        "Use a clause number that appears on the coverage page, or add the catalogue that defines it "
        "under 'catalogues:'.",
        details="Also reported for a clause in an internal audit record's `audited` or a nonconformity's `not_met`, "
        "for an activity in a gap assessment that no catalogue has, and for an unqualified clause number that "
        "several loaded catalogues have when no `default_catalogue` is set (the message gives the qualified "
        "forms to write).",
        example="""
            ```yaml
            clauses: ["8.5.1.9"]                # ISO/IEC 20000-1:2018 has no clause 8.5.1.9
            ```
        """,
    ),
    Rule(
        "SMS006",
        Severity.ERROR,
        "status approved without approved_by or approved_on",
        "Approval is only evidence when it says who approved the document and when (clause 7.5.2).",
        "Add approved_by (role or person) and approved_on (YYYY-MM-DD), or set status back to review.",
        details="An approved document without them counts as a draft for coverage.",
        example="""
            ```yaml
            status: approved
            version: "2.1"                      # no approved_by, no approved_on
            ```
        """,
    ),
    Rule(
        "SMS007",
        Severity.WARNING,
        "review overdue",
        "Documented information must stay suitable; a document past its review date may no longer "
        "describe how the service is run.",
        "Review the document, then update approved_on (and version, when the content changed), or set "
        "next_review to the agreed new date.",
        details="`next_review` is before today; without it, `approved_on` plus `review_interval` is.",
        example="""
            Built on 2026-11-29:

            ```yaml
            status: approved
            approved_by: Head of Service Management
            approved_on: 2025-03-12
            review_interval: 12 months          # the review was due on 2026-03-12
            ```
        """,
    ),
    Rule(
        "SMS008",
        Severity.ERROR,
        "a reference to an unknown document id",
        "A reference that leads nowhere leaves a reader, or an auditor, unable to find the document it meant.",
        "Correct the id (see the document register) or remove the reference.",
        details="`related`, or a `[[ID]]` link in the text of a page, names an id no document has. Code blocks and "
        "inline code are left alone.",
        example="""
            ```markdown
            ---
            id: PRC-INC-01
            related: [POL-CHG-99]               # no document has this id
            ---
            Major incidents follow [[PRC-MIN-01]].   <!-- nor this one -->
            ```
        """,
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
        details="The front-matter is not closed, a blank line stands before the opening `---`, the id is spelt `ID:`, "
        "or the page has document keys (`type`, `owner`, `status`, `clauses`) but no `id`. In `mkdocs-sms "
        "diff` it is an error when the page was a document at the base.",
        example="""
            ```yaml
            ---
            ID: POL-CHG-01                      # upper case: not the key 'id'
            title: Change management policy
            type: policy
            ---
            ```
        """,
    ),
    Rule(
        "SMS009",
        Severity.ERROR,
        "a page is not readable UTF-8 text",
        "MkDocs stops the whole build on a page it cannot decode; the page cannot be checked either.",
        "Save the file as UTF-8 (most editors offer 'Save with encoding').",
        details="The page is not UTF-8 text, or cannot be read at all (a broken symbolic link, a named pipe); it is "
        "built as an empty page.",
        example="""
            A page saved by an old editor in Latin-1: `Änderung` is stored as the byte `0xC4`, which is not UTF-8.
        """,
    ),
    Rule(
        "SMS107",
        Severity.WARNING,
        "a document cites a clause whose rows do not accept its type",
        "A policy that cites a clause asking only for a register or a record counts for nothing there; "
        "its author believes the clause is met while the coverage matrix says otherwise.",
        "Cite the clause from a document of a type the clause's rows accept, change the document's type, "
        "or remove the clause from 'clauses'.",
        details="The rows on that clause and beneath it accept other types, so the document counts for nothing there; "
        "its panel shows the clause as not counted.",
        example="""
            ```yaml
            type: policy
            clauses: ["9.1"]                    # 9.1 asks only for records and reports
            ```
        """,
    ),
    Rule(
        "SMS201",
        Severity.WARNING,
        "an approved document changed after approval without a new version",
        "The approval recorded in the front-matter is evidence for the content it approved; content "
        "changed since then is unapproved, whatever the status says (ISO/IEC 20000-1 clause 7.5.3).",
        "Raise 'version', set status to review until the change is approved, then record the new approval; "
        "or undo the change.",
        details="The content after the front-matter differs from the commit that approved the current version (the "
        "oldest commit, in the newest run of commits holding that version, that says `approved`). Drafting "
        "before the first approval does not count; uncommitted edits do.",
        example="""
            `POL-CHG-01` was approved as version `"2.1"`; a later commit rewrites a paragraph of its text and leaves
            `version: "2.1"` and `status: approved` as they were.
        """,
    ),
    Rule(
        "SMS202",
        Severity.WARNING,
        "history unavailable",
        "Without the git history the handbook cannot show revision histories or check that approved "
        "documents were not changed after approval.",
        "Build from a full git clone: in GitHub Actions, actions/checkout with fetch-depth: 0; in GitLab CI, "
        "GIT_DEPTH: 0; make sure git is installed.",
        details="Not a git repository, git not installed, or a shallow clone. When `docs_dir` is in a git submodule, "
        "the submodule's history is read and a build says so once, as SMS202 at `info`.",
        example="""
            ```yaml
            - uses: actions/checkout@v4          # fetch-depth defaults to 1: a shallow clone
            ```
        """,
    ),
    Rule(
        "SMS203",
        Severity.WARNING,
        "approved_on is later than today",
        "An approval cannot be in the future; a mistyped date also pushes the next review out of reach.",
        "Correct approved_on to the date the approval was given.",
        details="Approval dates older than the git history are fine.",
        example="""
            ```yaml
            approved_on: 2062-03-12             # meant 2026-03-12
            ```
        """,
    ),
    Rule(
        "SMS204",
        Severity.ERROR,
        "a version went backwards, or a document was approved again without a new version",
        "Versions identify what was approved; reusing or lowering one makes two different texts look "
        "like the same approved document.",
        "Give the change a version higher than the last one (e.g. 2.1 -> 2.2).",
        details="Reported by `mkdocs-sms diff`. A first approval of a draft is not going back.",
        example="""
            The base branch has `version: "2.1"`, the pull request sets `version: "2.0"`; or it changes the text and
            approves it again as `"2.1"`.
        """,
    ),
    Rule(
        "SMS205",
        Severity.ERROR,
        "a change removes the only document meeting a required row",
        "Deleting it opens a gap an auditor will find: the requirement is met by nothing.",
        "Keep the document (retire it only when another one meets the row), or add the replacement in the same change.",
        details="Reported by `mkdocs-sms diff` when the row ends worse than it was; a draft replaced by an approved "
        "document in the same change is no finding.",
        example="""
            A pull request deletes `docs/procedures/major-incident.md`, the only procedure citing 8.6.1.
        """,
    ),
    Rule(
        "SMS206",
        Severity.WARNING,
        "an approval has no evidence in git (trailer, signature or signed tag), when approval evidence is configured",
        "approved_by and approved_on are text anyone can type; an auditor checking 7.5.3 asks how the organisation "
        "knows the named person approved this content. The commit, merge or tag that records the approval is that "
        "evidence.",
        "Merge the approval with an Approved-by trailer naming the approver and their email "
        "(examples/ci/approved-by-trailers.sh writes them from a pull request's approvals), sign the approval commit, "
        "or push a signed tag named approve/ID/version (e.g. approve/POL-CHG-01/2.1).",
        details="Only with `approvals: {evidence: trailer|signature|any}`. The approval commit is the one that set "
        "the current version as approved (as for SMS201); a trailer counts on it or on the merge that brought it "
        "into the first-parent line. With `approvals: {required: true}` the finding is an error. Not reported "
        "when the git history is unavailable (SMS202).",
        example="""
            `POL-CHG-01` version `"2.1"` was approved in a commit pushed straight to main: no trailer, no signature,
            no tag `approve/POL-CHG-01/2.1`.
        """,
    ),
    Rule(
        "SMS207",
        Severity.ERROR,
        "the approval evidence names someone not authorised to approve this type",
        "Evidence that the wrong person approved a document is evidence of a control failure, not of approval.",
        "Have an approver of the document's role approve it again (a new trailer, signature or tag), or correct "
        "'approvers' / 'types' in the 'approvals' option if the person should be an approver.",
        details="Only when `approvals.approvers` is configured. The roles that may approve a document are those "
        "of its type in `approvals.types` (else every role), narrowed to the role `approved_by` names when it is "
        "one of them; an identity is an email, compared without regard to case.",
        example="""
            `approvals: {approvers: {SMS Steering Group: [cio@example.org]}, types: {policy: [SMS Steering Group]}}`
            and a policy merged with `Approved-by: Dev One <dev1@example.org>`.
        """,
    ),
    Rule(
        "SMS208",
        Severity.WARNING,
        "the only approver is the author of the approved change",
        "Approving one's own change is no independent review: segregation of duties asks for a second person.",
        "Have someone other than the author approve the change (a second Approved-by trailer or a signed tag by "
        "another approver).",
        details="The evidence names one identity, and it is the email of an author of the approved text: a commit of "
        "the current version up to its approval (the approval commit itself only when it changed the text).",
        example="""
            Ann writes her own procedure, commits `status: approved` and merges it with
            `Approved-by: Ann <ann@example.org>`.
        """,
    ),
    Rule(
        "SMS209",
        Severity.INFO,
        "the current version lacks acknowledgements from some of the group past the grace period",
        "Communicating the policies (5.2.2) and making people aware of them (7.3) needs evidence that the people "
        "concerned have read the version in force; an acknowledgement of an earlier version is no such evidence.",
        "Remind the people the acknowledgements page lists as missing to acknowledge the current version (through "
        "the form or a line in the acknowledgement file), or correct the group in 'acknowledge: people' / "
        "'people_file' when someone has left.",
        details="Only with the `acknowledge` option, for approved documents of its `types`. The grace period "
        "(`grace_days`, default 30) counts from the current version's `approved_on`: within it there is no finding. "
        "A document without `approved_on`, or an acknowledgement file that cannot be read, cannot be assessed: "
        "the page says so and there is no finding either way. The message gives counts, not names: findings are "
        "published to every audience that may see the document.",
        example="""
            `acknowledge: {types: [policy], people_file: staff.txt, file: acknowledgements.csv}`; `POL-SMS-01`
            version `"2.1"` was approved on 2026-01-10 and, on 2026-03-01, 2 of the 14 people in `staff.txt` have
            acknowledged only version `"2.0"` in `acknowledgements.csv`.
        """,
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
        details="The page itself, or a folder above it, is the link; a linked `.meta.yml` too.",
        example="""
            ```sh
            ln -s ../../../shared/security-policy.md docs/policies/security.md
            ```
        """,
    ),
    Rule(
        "SMS101",
        Severity.ERROR,
        "a required row is missing",
        "No document meets this requirement of the catalogue: an auditor will raise a nonconformity.",
        "Write the document or record (the guidance on the coverage page says what it needs) and list "
        "the clause in its 'clauses' with a type the row accepts.",
        details="No document meets the row: none lists its clause (or a clause beneath it) with a type the row "
        "accepts, except retired ones. The message names the catalogue, the clause and the kind of documented "
        "information.",
        example="""
            The only document citing 8.6.1 as a `procedure`, `docs/procedures/major-incident.md`, is deleted: the row
            *Major incident procedure* of 8.6.1 is missing.
        """,
    ),
    Rule(
        "SMS102",
        Severity.WARNING,
        "a required row is only draft",
        "Documents in draft or review do not yet meet the requirement: they are not approved.",
        "Finish the review and approve one of the documents meeting the row.",
        example="""
            The only document meeting 8.5.1.1 is still in review:

            ```yaml
            type: policy
            clauses: ["8.5.1.1"]
            status: review
            ```
        """,
    ),
    Rule(
        "SMS103",
        Severity.WARNING,
        "a required row is only stale",
        "Every approved document meeting this row is past its review date.",
        "Review one of the documents meeting the row and record the new approval.",
        example="""
            Built on 2026-11-29, the only document meeting 6.3:

            ```yaml
            type: plan
            clauses: ["6.3"]
            status: approved
            approved_on: 2024-10-01
            next_review: 2025-10-01
            ```
        """,
    ),
    Rule(
        "SMS104",
        Severity.WARNING,
        "the newest evidence for a record row is older than the row's max_age",
        "Records show that something is still done: an internal audit or a continuity test from two years "
        "ago is no evidence that it happens now, and auditors ask for the latest one.",
        "Carry out the activity again and add its record (type: record, with the date it took place), "
        "listing the clause in 'clauses'.",
        details="The row is stale too, and the coverage page says since when. Records are dated by `date`, other "
        "types by `approved_on`.",
        example="""
            Built on 2026-11-29, the newest record of 9.2 (whose row has `max_age: 12 months`):

            ```yaml
            type: record
            clauses: ["9.2"]
            date: 2025-05-02
            ```
        """,
    ),
    Rule(
        "SMS105",
        Severity.ERROR,
        "a phase of the implementation plan is past its target date and a row it needed is not achieved",
        "The implementation plan is a commitment to management (ISO/IEC 20000-5): a late phase needs a "
        "decision, a new date or more resources, not silence.",
        "Write and approve the documents the row needs (at the phase's maturity level), or agree a new "
        "target date and change it under 'implementation: phases:'.",
        details="Reported instead of SMS101 to SMS104 for the rows of a phase whose target date has passed.",
        example="""
            Built on 2026-11-29, with the policy of 5.2.1 still a draft:

            ```yaml
            implementation:
              phases:
                - {name: Foundation, target: 2026-06-30, clauses: ["4", "5", "6", "7"]}
            ```
        """,
    ),
    Rule(
        "SMS106",
        Severity.WARNING,
        "the implementation baseline file cannot be read",
        "Without the baseline, the implementation page cannot show what was closed since the gap analysis.",
        "Save it again with 'mkdocs-sms baseline save', or correct the path under 'implementation: baseline:'.",
        example="""
            ```yaml
            implementation:
              baseline: sms-baseline.json       # deleted, or edited into something that is not JSON
            ```
        """,
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
        details="The check reads the catalogue's `audit:` clauses (`internal_audit`, `management_review`).",
        example="""
            ```yaml
            implementation:
              phases:
                - {name: Processes, target: 2027-03-31, clauses: ["8"]}
                - {name: Evaluation, target: 2027-09-30, clauses: ["9", "10"]}   # 9.2 and 9.3 come too late
            ```
        """,
    ),
    Rule(
        "SMS109",
        Severity.WARNING,
        "a nonconformity is past its due date",
        "Clause 10.1 asks for corrective action in good time; an auditor reads an open nonconformity past "
        "its due date as a corrective-action process that does not work.",
        "Finish the corrective action and record it (state: closed, with the effectiveness check), or agree "
        "a new due date and write it under 'due'.",
        details="A record whose `state` is `open` or `action planned` is past its `due` date.",
        example="""
            Built on 2026-11-29:

            ```yaml
            type: record
            clauses: ["10.1"]
            state: action planned
            due: 2026-09-30
            ```
        """,
    ),
    Rule(
        "SMS110",
        Severity.WARNING,
        "a nonconformity was closed without an effectiveness check",
        "Corrective action counts only when it worked: clause 10.1 asks for a review of its effectiveness, "
        "and an auditor asks for that evidence on every closed nonconformity.",
        "Write what was checked, by whom and when under 'effectiveness', or reopen it (state: action planned).",
        details="A record whose `state` is `closed` or `verified` has neither `effectiveness` nor "
        "`effectiveness_checked`. Observations and opportunities need none.",
        example="""
            ```yaml
            type: record
            clauses: ["10.1"]
            grade: minor
            state: closed                       # no effectiveness
            ```
        """,
    ),
    Rule(
        "SMS111",
        Severity.INFO,
        "required rows that no implementation phase names join the last phase",
        "A plan of phases usually means to place every requirement; rows it leaves out are still part of the "
        "target state, so they fall due with the last phase, which may not be what was planned.",
        "Name the rows' clauses in a phase's 'clauses', or cover their maturity level with a phase's 'level' "
        "or 'levels'; or leave them in the last phase on purpose.",
        details="One finding per catalogue, with how many rows and their clauses.",
        example="""
            ```yaml
            implementation:
              phases:
                - {name: Foundation, target: 2026-06-30, clauses: ["4", "5", "6"]}   # nothing names 7 to 10
            ```
        """,
    ),
    Rule(
        "SMS302",
        Severity.INFO,
        "documents above the build's audience are withheld",
        "A handbook published to customers or auditors must not show what they may not see; this says how "
        "many documents the build leaves out, so nobody mistakes the published set for the whole SMS.",
        "Nothing to fix. Set 'audience' to the highest classification this edition may show.",
        details="It says how many documents the build withholds, never which.",
        example="""
            ```yaml
            # mkdocs.customers.yml
            INHERIT: mkdocs.yml
            plugins:
              sms:
                audience: public                # internal and confidential documents are withheld
            ```
        """,
    ),
    Rule(
        "SMS303",
        Severity.INFO,
        "a published document refers to a document withheld from this audience",
        "The reference cannot be a link in this edition: it is shown as plain text (or left out of the "
        "panel), and readers of this edition cannot follow it.",
        "Nothing to fix when that is intended; otherwise reclassify one of the two documents.",
        details="Through `related` or a `[[ID]]` link.",
        example="""
            In a build with `audience: public`, a public document says `related: [PLN-SEC-02]`, and `PLN-SEC-02` is
            `classification: confidential`.
        """,
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
        details="Front-matter or bytes that cannot be read, a broken `.meta.yml` above the page, or an unknown or "
        "malformed `classification`. The page is treated as the highest classification and withheld from "
        "every lower audience.",
        example="""
            ```yaml
            classification: secret              # not one of the configured classifications
            ```
        """,
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
