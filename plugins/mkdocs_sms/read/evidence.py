"""Approval evidence in git: ``Approved-by:`` trailers, commit signatures and signed approval tags.

Reading it costs a fixed number of git processes, whatever the number of documents: one ``log`` of
every commit reachable from HEAD (parents, author, date and trailers: enough to tell which merge
brought a commit into the first-parent line), one ``log --no-walk`` that checks the signatures of the
approval commits only, and one ``for-each-ref`` of the ``approve/`` tags. A signed tag is verified
with ``git verify-tag`` only when it names the current version of an approved document.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from mkdocs_sms.read.git import GitError, git

_RECORD, _FIELD, _ITEM = "\x1e", "\x1f", "\x1d"
_COMMITS = "%x1e%H%x1f%P%x1f%aN%x1f%ae%x1f%cs%x1f%(trailers:key=Approved-by,valueonly,unfold,separator=%x1d)"
_SIGNATURES = "%x1e%H%x1f%G?%x1f%GS%x1f%GK"
_TAGS = "%(refname)%00%(*objectname)%00%(taggerdate:short)%00%(if)%(contents:signature)%(then)signed%(end)"
TAG_PREFIX = "approve/"
# What git prints for a good signature: ssh-keygen's principal, or gpg's status line with the user id.
_GOOD_SSH = re.compile(r'Good "git" signature for (\S+)')
_GOOD_GPG = re.compile(r"^\[GNUPG:\] GOODSIG \S+ (.+)$", re.MULTILINE)
# Signature states git reports (%G?) that mean a good signature: valid, or of unknown validity.
GOOD = frozenset("GU")


@dataclass(frozen=True)
class Commit:
    """A commit reachable from HEAD: its parents, author, date (committer's) and Approved-by values."""

    id: str
    parents: tuple[str, ...]
    author: str
    email: str
    date: str
    approved_by: tuple[str, ...] = ()


@dataclass(frozen=True)
class Signature:
    """What ``git log`` says of a commit's signature: %G? (G, U, B, N...), the signer and the key."""

    status: str
    signer: str
    key: str

    @property
    def good(self) -> bool:
        return self.status in GOOD


@dataclass(frozen=True)
class SignedTag:
    """An ``approve/<ID>/<version>`` tag: the commit it names, its date, and its verified signer ('' when
    it is unsigned or its signature does not verify)."""

    name: str
    commit: str
    date: str
    signer: str = ""


@dataclass(frozen=True)
class GitEvidence:
    """Everything git holds that can evidence approvals, or why it cannot be read."""

    commits: Mapping[str, Commit] = field(default_factory=dict)
    merged_by: Mapping[str, str] = field(default_factory=dict)  # commit -> the merge that brought it in
    signatures: Mapping[str, Signature] = field(default_factory=dict)
    tags: Mapping[str, SignedTag] = field(default_factory=dict)
    unavailable: str | None = None


def read_evidence(
    root: Path, head: str, approvals: Collection[str], tags: Collection[str], signatures: bool
) -> GitEvidence:
    """The evidence for the approval commits ``approvals`` and the tags ``tags`` (names without
    ``refs/tags/``) in the repository at ``root``: the commits with their trailers and merges, and with
    ``signatures`` the signatures of the approval commits and the signed tags."""
    try:
        commits = _commits(root, head)
        found = _signatures(root, sorted(approvals)) if signatures else {}
        signed = _tags(root, set(tags)) if signatures else {}
    except GitError as exc:
        return GitEvidence(unavailable=f"approval evidence cannot be read: {exc}")
    return GitEvidence(commits, _merged_by(commits, head), found, signed)


def _commits(root: Path, head: str) -> dict[str, Commit]:
    out = git(["log", f"--format={_COMMITS}", head], root).decode("utf-8", "replace")
    commits: dict[str, Commit] = {}
    for record in out.split(_RECORD)[1:]:
        fields = record.rstrip("\n").split(_FIELD)
        if len(fields) != 6:
            continue
        commit, parents, author, email, date, trailers = fields
        approvers = tuple(value.strip() for value in trailers.split(_ITEM) if value.strip())
        commits[commit] = Commit(commit, tuple(parents.split()), author, email, date, approvers)
    return commits


def _merged_by(commits: Mapping[str, Commit], head: str) -> dict[str, str]:
    """For each commit off the first-parent line from ``head``, the merge on that line that brought it in.

    The line is walked oldest first; everything reachable from an earlier commit of the line is already
    seen, so what a merge's other parents reach beyond that is what the merge brought in.
    """
    line = []
    commit: str | None = head
    while commit is not None and commit in commits:
        line.append(commit)
        parents = commits[commit].parents
        commit = parents[0] if parents else None
    seen: set[str] = set(line)
    found: dict[str, str] = {}
    for merge in reversed(line):
        stack = [parent for parent in commits[merge].parents[1:] if parent not in seen]
        while stack:
            current = stack.pop()
            if current in seen or current not in commits:
                continue
            seen.add(current)
            found[current] = merge
            stack.extend(parent for parent in commits[current].parents if parent not in seen)
    return found


def _signatures(root: Path, approvals: list[str]) -> dict[str, Signature]:
    if not approvals:
        return {}
    request = "".join(f"{commit}\n" for commit in approvals).encode("ascii")
    out = git(["log", "--no-walk=unsorted", "--stdin", f"--format={_SIGNATURES}"], root, stdin=request)
    found: dict[str, Signature] = {}
    for record in out.decode("utf-8", "replace").split(_RECORD)[1:]:
        fields = record.rstrip("\n").split(_FIELD)
        if len(fields) == 4:
            found[fields[0]] = Signature(fields[1], fields[2], fields[3])
    return found


def _tags(root: Path, wanted: set[str]) -> dict[str, SignedTag]:
    if not wanted:
        return {}
    out = git(["for-each-ref", f"--format={_TAGS}", f"refs/tags/{TAG_PREFIX}"], root).decode("utf-8", "replace")
    found: dict[str, SignedTag] = {}
    for line in out.splitlines():
        fields = line.split("\0")
        if len(fields) != 4:
            continue
        name = fields[0].removeprefix("refs/tags/")
        # A lightweight tag names the commit itself and cannot be signed.
        if name not in wanted or not fields[1]:
            continue
        signer = _verify_tag(root, name) if fields[3] == "signed" else ""
        found[name] = SignedTag(name, fields[1], fields[2], signer)
    return found


def _verify_tag(root: Path, name: str) -> str:
    """The signer of the tag ``name`` when its signature verifies, else ''."""
    try:
        result = subprocess.run(
            ["git", "verify-tag", "--raw", f"refs/tags/{name}"], cwd=root, capture_output=True, check=False
        )
    except OSError:
        return ""
    if result.returncode != 0:
        return ""
    text = result.stderr.decode("utf-8", "replace")
    match = _GOOD_SSH.search(text) or _GOOD_GPG.search(text)
    return match.group(1).strip() if match else ""


def descends(commits: Mapping[str, Commit], commit: str, ancestor: str) -> bool:
    """Whether ``commit`` is ``ancestor`` or has it among its ancestors, walking the parents in ``commits``
    (the log of HEAD): a commit outside that log descends from nothing."""
    stack, seen = [commit], set()
    while stack:
        current = stack.pop()
        if current == ancestor:
            return True
        if current in seen or current not in commits:
            continue
        seen.add(current)
        stack.extend(commits[current].parents)
    return False


def email_of(identity: str) -> str:
    """The email address in ``Name <email>`` (or the text itself when it is only an address), lower case."""
    match = re.search(r"<([^<>]+)>", identity)
    return (match.group(1) if match else identity).strip().lower()
