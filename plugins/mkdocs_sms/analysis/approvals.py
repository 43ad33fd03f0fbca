"""Approvals you can prove: the evidence git holds for each approved document, and who may approve.

``approved_by`` is text anyone can type. With ``approvals: {evidence: ...}`` configured, each approved
document's approval commit (the one that set its current version as approved, see
:func:`mkdocs_sms.analysis.handbook.version_commit`) is looked for in the evidence read from git: an
``Approved-by:`` trailer on it or on the merge that brought it into the first-parent line, a good
signature on it, or a signed tag ``approve/<ID>/<version>``. SMS206: no evidence; SMS207: the evidence
names someone who may not approve the document's type; SMS208: the only approver wrote the change.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from mkdocs_sms.model.document import Document
from mkdocs_sms.read.evidence import TAG_PREFIX, GitEvidence, descends, email_of
from mkdocs_sms.read.git import Revision
from mkdocs_sms.rules import RULES, Code, Finding, Severity

EVIDENCE = ("none", "trailer", "signature", "any")
_KEYS = {"evidence", "required", "approvers", "types"}


@dataclass(frozen=True)
class ApprovalRules:
    """The ``approvals`` option: which evidence counts, whether it is required (SMS206 an error), each
    role's git identities (emails, lower case) and, per document type, the roles that may approve it."""

    evidence: str = "none"
    required: bool = False
    approvers: tuple[tuple[str, tuple[str, ...]], ...] = ()
    types: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @property
    def enabled(self) -> bool:
        return self.evidence != "none"

    @property
    def signatures(self) -> bool:
        """Whether signed commits and signed tags count (and so must be verified)."""
        return self.evidence in ("signature", "any")

    @property
    def trailers(self) -> bool:
        return self.evidence in ("trailer", "any")

    def roles_for(self, document: Document) -> tuple[str, ...]:
        """The roles that may approve ``document``: those of its type's rule (else every role), narrowed
        to the one ``approved_by`` names when it is one of them."""
        rules = dict(self.types)
        roles = tuple(rules[document.type]) if document.type in rules else tuple(role for role, _ in self.approvers)
        return (document.approved_by,) if document.approved_by in roles else roles

    def authorised(self, document: Document) -> set[str]:
        """The emails of the people who may approve ``document``."""
        emails = dict(self.approvers)
        return {email for role in self.roles_for(document) for email in emails.get(role, ())}


def parse_rules(value: Any, approvers_file: str | None = None) -> ApprovalRules:
    """Read the ``approvals`` option (``approvers_file``: the text of the file ``approvers`` names, when it
    names one); raise ValueError with a readable message when it is wrong."""
    if value is None:
        return ApprovalRules()
    if not isinstance(value, Mapping):
        raise ValueError(
            "must be a mapping, e.g. {evidence: trailer, approvers: {SMS Steering Group: [a@example.org]}}"
        )
    unknown = sorted(str(key) for key in set(value) - _KEYS)
    if unknown:
        raise ValueError(f"unknown key(s) {', '.join(unknown)} (allowed: {', '.join(sorted(_KEYS))})")
    evidence = value.get("evidence", "none")
    if evidence not in EVIDENCE:
        raise ValueError(f"'evidence': '{evidence}' is not one of {', '.join(EVIDENCE)}")
    required = value.get("required", False)
    if not isinstance(required, bool):
        raise ValueError("'required' must be true or false")
    raw = value.get("approvers", {})
    approvers = parse_approvers(approvers_file) if approvers_file is not None else _role_map(raw, "approvers", True)
    types = _role_map(value.get("types", {}), "types", False)
    known = {role for role, _ in approvers}
    for type_name, roles in types:
        for role in roles:
            if role not in known:
                raise ValueError(f"'types': {type_name} names the role '{role}', which 'approvers' does not define")
    return ApprovalRules(evidence, required, approvers, types)


def _role_map(raw: Any, key: str, emails: bool) -> tuple[tuple[str, tuple[str, ...]], ...]:
    what = "git identities (emails)" if emails else "roles"
    if not isinstance(raw, Mapping):
        raise ValueError(f"'{key}' must map each name to a list of {what}, or name a file")
    result = []
    for name, items in raw.items():
        if isinstance(items, str):
            items = [items]
        if not isinstance(items, list) or not all(isinstance(item, str) and item.strip() for item in items):
            raise ValueError(f"'{key}': {name} must list {what}")
        values = tuple(email_of(item) for item in items) if emails else tuple(items)
        result.append((str(name), values))
    return tuple(result)


def parse_approvers(text: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """An approvers file, CODEOWNERS-like: ``ROLE email email`` a line (the role may have spaces: every
    word with an @ is an email), ``#`` comments. Raises ValueError naming the line of a mistake."""
    roles: dict[str, list[str]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        words = line.split("#", 1)[0].split()
        if not words:
            continue
        role = " ".join(word for word in words if "@" not in word)
        emails = [email_of(word) for word in words if "@" in word]
        if not role or not emails:
            raise ValueError(f"line {number} must be a role followed by its emails, e.g. 'SMS Owner a@example.org'")
        roles.setdefault(role, []).extend(emails)
    return tuple((role, tuple(emails)) for role, emails in roles.items())


@dataclass(frozen=True)
class Evidence:
    """One piece of evidence: its kind (``trailer``, ``merge trailer``, ``signed commit``, ``signed tag``),
    the commit or tag it is on, who it names (``Name <email>`` or an email) and its date."""

    kind: str
    where: str
    people: tuple[str, ...]
    date: str

    def describe(self) -> str:
        names = ", ".join(_name(person) for person in self.people)
        # An audience view may leave the commit out (see mkdocs_sms.analysis.audience).
        what = {"trailer": "trailer in commit", "merge trailer": "trailer in merge"}.get(self.kind, self.kind)
        where = self.where[:7] if self.kind != "signed tag" else self.where
        return f"{what} {where} by {names} on {self.date}" if where else f"{what} by {names} on {self.date}"

    def to_json(self) -> dict[str, object]:
        return {"kind": self.kind, "where": self.where, "people": list(self.people), "date": self.date}


def _name(person: str) -> str:
    name = person.split("<", 1)[0].strip()
    return name or email_of(person)


@dataclass(frozen=True)
class Approval:
    """What git shows of one document's approval: the approval commit (None when the approval is not
    committed yet) and the evidence found for it."""

    commit: str | None
    evidence: tuple[Evidence, ...] = ()

    def describe(self) -> str:
        """'signed commit 3f2a1c9 by … on …; …', or 'none'."""
        return "; ".join(item.describe() for item in self.evidence) or "none"

    def to_json(self) -> dict[str, object]:
        return {"commit": self.commit, "evidence": [item.to_json() for item in self.evidence]}


@dataclass(frozen=True)
class Approved:
    """An approved document with its approval commit (None when no commit records it yet) and the
    revisions that made the approved text: those of its current version up to the approval commit."""

    document: Document
    commit: Revision | None
    changes: tuple[Revision, ...] = ()


def assess(
    approved: Iterable[Approved], evidence: GitEvidence, rules: ApprovalRules
) -> tuple[dict[str, Approval], list[Finding]]:
    """The approval of every approved document, by id, and the findings SMS206-SMS208 about them."""
    approvals: dict[str, Approval] = {}
    findings: list[Finding] = []
    for item in approved:
        document, revision = item.document, item.commit
        approval = Approval(revision.commit if revision else None, _evidence(document, revision, evidence, rules))
        approvals[document.id] = approval
        findings.extend(_findings(item, approval, evidence, rules))
    return approvals, findings


def _evidence(
    document: Document, revision: Revision | None, evidence: GitEvidence, rules: ApprovalRules
) -> tuple[Evidence, ...]:
    found: list[Evidence] = []
    if revision is not None:
        commit = evidence.commits.get(revision.commit)
        merge = evidence.commits.get(evidence.merged_by.get(revision.commit, ""))
        if rules.trailers:
            for kind, source in (("trailer", commit), ("merge trailer", merge)):
                if source is not None and source.approved_by:
                    found.append(Evidence(kind, source.id, source.approved_by, source.date))
        signature = evidence.signatures.get(revision.commit)
        if rules.signatures and signature is not None and signature.good and signature.signer:
            found.append(Evidence("signed commit", revision.commit, (signature.signer,), revision.date))
    tag = evidence.tags.get(approval_tag(document.id, document.version or ""))
    # A tag signs the commit it names: it evidences the approval when that commit holds the approved text,
    # i.e. is the approval commit or comes after it. A tag on an earlier draft of the same version (or an
    # approval not yet committed) proves nothing about the text now approved.
    if (
        rules.signatures
        and tag is not None
        and tag.signer
        and revision is not None
        and descends(evidence.commits, tag.commit, revision.commit)
    ):
        found.append(Evidence("signed tag", tag.name, (tag.signer,), tag.date))
    return tuple(found)


def approval_tag(document_id: str, version: str) -> str:
    """The name of the tag that approves ``version`` of the document ``document_id``."""
    return f"{TAG_PREFIX}{document_id}/{version}"


def _findings(item: Approved, approval: Approval, evidence: GitEvidence, rules: ApprovalRules) -> Iterable[Finding]:
    document, revision = item.document, item.commit

    def about(code: Code, text: str) -> Finding:
        return RULES[code].finding(text, path=document.path, line=document.line_of("approved_by"), document=document.id)

    if not approval.evidence:
        kinds = {"trailer": "Approved-by trailer", "signature": "good signature or signed tag"}.get(
            rules.evidence, "Approved-by trailer, good signature or signed tag"
        )
        if revision is None:
            text = (
                f"version {document.version} is approved, but no commit records that approval yet: no {kinds} to show"
            )
        else:
            text = (
                f"version {document.version} was approved in commit {revision.commit[:7]} ({revision.date}) with no "
                f"{kinds} as evidence of approval by {document.approved_by}"
            )
        finding = about("SMS206", text)
        yield replace(finding, severity=Severity.ERROR) if rules.required else finding
        return
    named = {email_of(person): piece for piece in approval.evidence for person in piece.people}
    if rules.approvers:
        allowed = rules.authorised(document)
        for email, piece in named.items():
            if email not in allowed:
                yield about(
                    "SMS207",
                    f"the approval evidence ({piece.describe()}) names {email}, who may not approve a "
                    f"{document.type}: its approvers are {', '.join(rules.roles_for(document)) or 'nobody'}",
                )
    authors = {
        evidence.commits[change.commit].email.lower(): change
        for change in item.changes
        if change.commit in evidence.commits
    }
    if len(named) == 1 and next(iter(named)) in authors:
        email = next(iter(named))
        yield about(
            "SMS208",
            f"the only approver, {email}, is an author of the approved change (commit {authors[email].commit[:7]}): "
            "someone else must approve it",
        )
