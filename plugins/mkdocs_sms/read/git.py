"""Git-based document control: one pass over the history of docs_dir.

Whatever the number of documents, reading the history costs a few git processes: ``rev-parse`` (where
the repository is, whether it is shallow, HEAD), one ``log --name-status -M`` over docs_dir, one
``diff-tree`` over the commits that added a page, and one ``cat-file --batch`` stream for the front-matter
of each document as it was in each commit. Renames are followed from the ``R`` entries of the log, so a
moved document keeps its history. A move into docs_dir from elsewhere in the repository shows in a log
limited to docs_dir as an addition: the ``diff-tree`` of the whole tree finds where such pages came from,
and the log is read again with those paths added (once more for each level of moves found).
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import hashlib
import itertools
import posixpath
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from mkdocs_sms.model import frontmatter
from mkdocs_sms.read.cache import KEYS, HistoryCache, Values
from mkdocs_sms.translation import N_

_RECORD, _FIELD = "\x1e", "\x1f"
_LOG_FORMAT = "%x1e%H%x1f%P%x1f%ad%x1f%an%x1f%s"


class Revision(NamedTuple):
    """One commit that changed a document, with its front-matter as it was in that commit.

    A named tuple rather than a frozen dataclass: a long history makes 60,000 of them, and a tuple is
    made in half the time."""

    commit: str
    date: str
    author: str
    subject: str
    path: str
    version: str | None = None
    status: str | None = None
    body_digest: str | None = None

    def to_json(self) -> dict[str, object]:
        # An audience view leaves out the commit, author and subject of a commit that also changed a
        # withheld document (mkdocs_sms.analysis.audience): null here.
        return {
            "commit": self.commit or None,
            "date": self.date,
            "author": self.author or None,
            "version": self.version,
            "status": self.status,
            "subject": self.subject or None,
        }


@dataclass(frozen=True)
class History:
    """The revisions of every page under docs_dir, by its current path (relative to docs_dir)."""

    head: str | None = None
    revisions: Mapping[str, tuple[Revision, ...]] = field(default_factory=dict)
    unavailable: str | None = None  # why there is no history, when there is none
    paths: frozenset[str] = frozenset()
    # The working tree of the repository around docs_dir's, when docs_dir is in a git submodule.
    superproject: str | None = None

    def of(self, path: str) -> tuple[Revision, ...]:
        """The revisions of the page at ``path``, newest first."""
        return self.revisions.get(path, ())


class GitError(Exception):
    """git could not be run, or it failed; the message says why."""


def git(args: list[str], cwd: Path, stdin: bytes | None = None) -> bytes:
    """Run git and return its output; raise :class:`GitError` when it cannot run or fails.

    Input and errors go through temporary files: with only the output piped, Python reads it in one go
    instead of interleaving small writes and reads, which halves the cost of large ``cat-file`` streams.
    """
    with tempfile.TemporaryFile() as request, tempfile.TemporaryFile() as errors:
        if stdin is not None:
            request.write(stdin)
            request.seek(0)
        try:
            result = subprocess.run(
                ["git", "-c", "core.quotepath=off", *args],
                cwd=cwd,
                stdin=request if stdin is not None else subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=errors,
                check=False,
            )
        except OSError as exc:
            raise GitError(f"git cannot be run: {exc}") from None
        if result.returncode != 0:
            errors.seek(0)
            raise GitError(errors.read().decode("utf-8", "replace").strip() or f"git {args[0]} failed")
    return result.stdout


def read_history(
    docs_dir: Path,
    paths: Iterable[str],
    previous: History | None = None,
    ref: str = "HEAD",
    cache: HistoryCache | None = None,
) -> History:
    """The history of the pages at ``paths`` (relative to ``docs_dir``, as they are at ``ref``), newest
    revision first.

    ``previous`` is returned as it is when HEAD and the set of pages have not changed since it was
    read: commits, checkouts and rebases all move HEAD, so this is all ``mkdocs serve`` needs. What
    ``cache`` holds from earlier runs is not read from git again, and what this run reads is saved in it.
    """
    wanted = frozenset(paths)
    if shutil.which("git") is None:
        return History(unavailable=NO_GIT)
    docs_dir = docs_dir.resolve()
    try:
        out = git(
            ["rev-parse", "--is-shallow-repository", "--show-toplevel", "--show-superproject-working-tree", ref],
            docs_dir,
        )
    except GitError as exc:
        return History(unavailable=_why_unavailable(exc, f"{docs_dir} is not in a git repository"))
    # The superproject's line is there only when docs_dir is in a git submodule.
    lines = out.decode().strip("\n").split("\n")
    shallow, top, head = lines[0], lines[1], lines[-1]
    superproject = lines[2] if len(lines) == 4 else None
    if shallow == "true":
        return History(head=head, unavailable=SHALLOW)
    if previous is not None and previous.head == head and previous.paths == wanted and not previous.unavailable:
        return previous
    root, prefix = _root_and_prefix(Path(top), docs_dir)
    cache = cache if cache is not None else HistoryCache()
    pages = _pages_name(root, prefix, wanted)
    revisions = _from_result(cache.result(pages, head), head, prefix, wanted)
    if revisions is not None:
        cache.counts.results += 1
        return History(head=head, revisions=revisions, paths=wanted, superproject=superproject)
    try:
        revisions = _extended(root, prefix, head, wanted, pages, cache)
    except GitError:
        revisions = None
    if revisions is not None:
        cache.counts.extended += 1
        cache.remember_result(pages, head, _to_result(revisions, head, prefix))
        return History(head=head, revisions=revisions, paths=wanted, superproject=superproject)
    try:
        entries = _walk(root, head, prefix, wanted, cache)
        values = _front_matter(root, [(rev.commit, rev.path) for revs in entries.values() for rev in revs], cache)
    except GitError as exc:
        return History(head=head, unavailable=f"git history cannot be read: {exc}")
    cache.save()
    revisions = {}
    for path, revs in entries.items():
        revisions[path] = tuple(_with_values(rev, values.get((rev.commit, rev.path))) for rev in revs)
    cache.remember_result(pages, head, _to_result(revisions, head, prefix))
    return History(head=head, revisions=revisions, paths=wanted, superproject=superproject)


def _pages_name(root: Path, prefix: str, wanted: frozenset[str]) -> str:
    """What the results of one set of pages are kept under: the repository, docs_dir in it and the pages."""
    digest = hashlib.sha256("\0".join([str(root), prefix, *sorted(wanted)]).encode("utf-8", "replace"))
    return digest.hexdigest()[:24]


def _extended(
    root: Path, prefix: str, head: str, wanted: frozenset[str], pages: str, cache: HistoryCache
) -> dict[str, tuple[Revision, ...]] | None:
    """The revisions at ``head`` from a kept result of an earlier commit of the same pages, when ``head``
    follows it through commits of one parent each that only edited pages in place (or touched files that
    are no page): those commits' revisions go on top of the kept ones. None when there is no such result,
    or a commit since added, removed, renamed or copied a page: the whole pass is needed then.

    Two git processes (the line of commits, and their log) and one ``cat-file`` for the new revisions;
    neither the whole log nor ``history.json`` is read.
    """
    heads = cache.result_heads(pages)
    if not heads:
        return None
    since = _linear_since(root, head, set(heads))
    if since is None:
        return None
    kept = _from_result(cache.result(pages, since), since, prefix, wanted)
    if kept is None:
        return None
    command = ["log", "-z", "--name-status", "--no-renames", "--date=short", f"--format={_LOG_FORMAT}"]
    log = git([*command, f"{since}..{head}", "--", prefix or "."], root).decode("utf-8", "replace")
    current = {prefix + path: path for path in wanted}
    new: dict[str, list[Revision]] = {}
    for fields, changes in _parse_log(log):
        commit, _parents, date, author, subject = [*fields, "", "", "", "", ""][:5]
        for status, *paths in changes:
            if not any(path in current for path in paths):
                continue  # not a page, or one the handbook does not have now
            if status != "M":
                return None
            new.setdefault(current[paths[-1]], []).append(Revision(commit, date, author, subject, paths[-1]))
    values = _front_matter(root, [(rev.commit, rev.path) for revs in new.values() for rev in revs], HistoryCache())
    revisions = dict(kept)
    for path, revs in new.items():
        revisions[path] = tuple(_with_values(rev, values.get((rev.commit, rev.path))) for rev in revs) + kept[path]
    return revisions


def _to_result(revisions: Mapping[str, tuple[Revision, ...]], head: str, prefix: str) -> dict[str, object]:
    """A pass's revisions as JSON: each commit once, and a revision's path only where the page had
    another one then."""
    commits: dict[str, int] = {}
    table: list[object] = []
    pages: dict[str, list[list[object]]] = {}
    for path, revs in revisions.items():
        here = prefix + path
        rows = pages[path] = []
        for rev in revs:
            index = commits.get(rev.commit)
            if index is None:
                index = commits[rev.commit] = len(table)
                table.append([rev.commit, rev.date, rev.author, rev.subject])
            rows.append([index, None if rev.path == here else rev.path, rev.version, rev.status, rev.body_digest])
    return {"head": head, "commits": table, "pages": pages}


_TEXT, _NOTHING = frozenset({str}), frozenset({str, type(None)})


def _from_result(
    data: object, head: str, prefix: str, wanted: frozenset[str]
) -> dict[str, tuple[Revision, ...]] | None:
    """The revisions of a kept result, None unless it is one of ``head`` and ``wanted`` in the shape
    :func:`_to_result` writes (a damaged or foreign one is read as none). The shape is checked as sets
    of types, which is fast for 60,000 revisions, so that each is then made without a second look."""
    if not isinstance(data, dict) or data.get("head") != head:
        return None
    table, pages = data.get("commits"), data.get("pages")
    if not (isinstance(table, list) and isinstance(pages, dict) and pages.keys() == wanted):
        return None
    groups = list(pages.values())
    if not set(map(type, groups)) <= {list}:
        return None
    rows = [row for group in groups for row in group]
    shaped = (
        set(map(type, table)) <= {list}
        and set(map(len, table)) <= {4}
        and {type(field) for entry in table for field in entry} <= _TEXT
        and set(map(type, rows)) <= {list}
        and set(map(len, rows)) <= {5}
        and {type(row[0]) for row in rows} <= {int}
        and {type(field) for row in rows for field in row[1:]} <= _NOTHING
        and all(0 <= row[0] < len(table) for row in rows)
    )
    if not shaped:
        return None
    commits: list[tuple[str, str, str, str]] = [(entry[0], entry[1], entry[2], entry[3]) for entry in table]
    found: dict[str, tuple[Revision, ...]] = {}
    for path, group in pages.items():
        here = prefix + path
        found[path] = tuple(
            Revision._make((*commits[index], moved or here, version, status, digest))
            for index, moved, version, status, digest in group
        )
    return found


# Reasons that pages show (the trend's), marked for translation there.
NO_GIT = N_("git is not installed")
SHALLOW = N_(
    "the repository is a shallow clone, so its history is incomplete; fetch the full history "
    "(GitHub Actions: actions/checkout with fetch-depth: 0; GitLab CI: GIT_DEPTH: 0)"
)


def _why_unavailable(exc: GitError, outside: str) -> str:
    """Why ``git rev-parse`` in docs_dir failed, in a reader's words (``outside``: not in a repository)."""
    reason = str(exc)
    if "not a git repository" in reason:
        return outside
    if "unknown revision" in reason or "ambiguous argument 'HEAD'" in reason:
        return N_("the git repository has no commits yet")
    return reason


@dataclass(frozen=True)
class Tag:
    """A tag reachable from HEAD: its name, the commit it names and that commit's date."""

    name: str
    commit: str
    date: dt.date
    timestamp: int  # the commit's time, to order tags


@dataclass(frozen=True)
class Tags:
    """The tags of a trend, oldest first, or why there are none."""

    tags: tuple[Tag, ...] = ()
    unavailable: str | None = None


# Per tag, NUL-separated: its name, the object it names, and for an annotated tag (a tag object) the
# object that one names; the date of the commit named, for a lightweight tag and for an annotated one.
_TAG_FORMAT = "%00".join(
    ("%(refname)", "%(objectname)", "%(*objectname)", "%(*objecttype)", "%(committerdate:unix)",
     "%(committerdate:short)", "%(*committerdate:unix)", "%(*committerdate:short)")
)  # fmt: skip


def read_tags(docs_dir: Path, pattern: str = "*", limit: int = 20) -> Tags:
    """The newest ``limit`` tags reachable from HEAD whose names match the shell-style ``pattern``,
    oldest first by the date of the commit each names: one ``rev-parse`` and one ``for-each-ref``.

    A shallow clone has no answer (its tags may name commits it lacks), nor has a folder outside git.
    """
    if shutil.which("git") is None:
        return Tags(unavailable=NO_GIT)
    docs_dir = docs_dir.resolve()
    try:
        shallow = git(["rev-parse", "--is-shallow-repository", "HEAD"], docs_dir).decode().split("\n")[0]
    except GitError as exc:
        return Tags(unavailable=_why_unavailable(exc, N_("docs_dir is not in a git repository")))
    if shallow == "true":
        return Tags(unavailable=SHALLOW)
    try:
        out = git(["for-each-ref", "--merged", "HEAD", f"--format={_TAG_FORMAT}", "refs/tags/"], docs_dir)
    except GitError as exc:
        return Tags(unavailable=f"the tags cannot be read: {exc}")
    found = []
    for line in out.decode("utf-8", "replace").splitlines():
        fields = line.split("\0")
        if len(fields) != 8:
            continue
        ref, target, peeled, peeled_type, stamp, day, peeled_stamp, peeled_day = fields
        name = ref.removeprefix("refs/tags/")
        if peeled:  # an annotated tag: the commit is the object it points at
            if peeled_type != "commit":
                continue
            target, stamp, day = peeled, peeled_stamp, peeled_day
        if not fnmatch.fnmatchcase(name, pattern) or not stamp:
            continue
        found.append(Tag(name, target, dt.date.fromisoformat(day), int(stamp)))
    if not found:
        if pattern == "*":
            return Tags(unavailable=N_("no tag is reachable from HEAD"))
        return Tags(unavailable=f"no tag matching '{pattern}' is reachable from HEAD")
    found.sort(key=lambda tag: (tag.timestamp, tag.name))
    return Tags(tuple(found[-limit:]) if limit > 0 else ())


def default_ref(docs_dir: Path) -> str | None:
    """The newest tag reachable from HEAD that is not on HEAD itself (None when there is none)."""
    try:
        return git(["describe", "--tags", "--abbrev=0", "HEAD^"], docs_dir).decode().strip() or None
    except GitError:
        return None


def repository(docs_dir: Path) -> tuple[Path, str]:
    """The root of the repository holding ``docs_dir``, and docs_dir's path in it ('' or 'docs/')."""
    top = git(["rev-parse", "--show-toplevel"], docs_dir.resolve()).decode().strip()
    return _root_and_prefix(Path(top), docs_dir.resolve())


def files_at(docs_dir: Path, ref: str, wanted: Callable[[str], bool]) -> tuple[str, dict[str, bytes]]:
    """The commit ``ref`` names, and the files under docs_dir at it (by docs_dir-relative path) that
    ``wanted`` accepts, read from git objects: one ``ls-tree`` and one ``cat-file`` stream."""
    root, prefix = repository(docs_dir)
    commit = resolve_commit(root, ref)
    (ids,) = tree_blobs(root, prefix, [commit], wanted)
    blobs = read_objects(root, sorted(set(ids.values())))
    return commit, {path: blobs[blob] for path, blob in ids.items()}


def tree_blobs(root: Path, prefix: str, commits: list[str], wanted: Callable[[str], bool]) -> list[dict[str, str]]:
    """For each of ``commits``, its files under ``prefix`` that ``wanted`` accepts, as path (relative to
    ``prefix``) -> blob id: one ``ls-tree`` of the first commit, and one ``diff-tree --stdin`` for what
    changed from each commit to the next, however many there are."""
    listing = git(["ls-tree", "-r", "-z", commits[0], "--", prefix or "."], root)
    first: dict[str, str] = {}
    for entry in listing.split(b"\0"):
        info, _, name = entry.partition(b"\t")
        fields = info.split()
        path = name.decode("utf-8", "replace")[len(prefix) :]
        # Submodules are commits, not files.
        if len(fields) == 3 and fields[1] == b"blob" and wanted(path):
            first[path] = fields[2].decode("ascii")
    result = [first]
    if len(commits) == 1:
        return result
    # A line "B A" diffs A against B (B taken as a commit whose parent is A): the entries say B's blobs.
    request = "".join(f"{new} {old}\n" for old, new in itertools.pairwise(commits)).encode("ascii")
    out = git(["diff-tree", "--stdin", "-r", "-z", "--no-renames", "--", prefix or "."], root, stdin=request)
    # Each commit's entries: (status, new mode, new blob id, path).
    changes: dict[str, list[tuple[str, str, str, str]]] = {}
    tokens = out.decode("utf-8", "replace").split("\0")
    current: list[tuple[str, str, str, str]] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.startswith(":"):  # ":old-mode new-mode old-id new-id status", then the path
            _, mode, _, blob, status = token[1:].split()
            current.append((status[0], mode, blob, tokens[index + 1][len(prefix) :]))
            index += 2
            continue
        if token:  # the commit whose changes follow
            current = changes.setdefault(token.strip(), [])
        index += 1
    for commit in commits[1:]:
        files = dict(result[-1])
        for status, mode, blob, path in changes.get(commit, []):
            # Deleted, or now a submodule (a commit, not a file), or a file no page is made of.
            if status == "D" or mode == "160000" or not wanted(path):
                files.pop(path, None)
            else:
                files[path] = blob
        result.append(files)
    return result


def read_objects(root: Path, ids: list[str]) -> dict[str, bytes]:
    """The contents of the blobs ``ids``, through one ``git cat-file --batch``."""
    found: dict[str, bytes] = {}
    for blob, raw in zip(ids, _cat_file(root, ids), strict=True):
        if raw is None:
            raise GitError(f"object {blob} cannot be read")
        found[blob] = raw
    return found


def _cat_file(root: Path, names: list[str]) -> list[bytes | None]:
    """The blob each object name (an id, or ``commit:path``) names, None for one that is missing or not a
    file (e.g. a submodule): one ``git cat-file --batch`` for them all."""
    return [None if found is None else found[1] for found in _cat_blobs(root, names)]


def _cat_blobs(root: Path, names: list[str], contents: bool = True) -> list[tuple[str, bytes] | None]:
    """The id and contents (empty without ``contents``: ``--batch-check``) of the blob each object name
    names, None for one that is missing or not a file: one ``git cat-file`` for them all."""
    if not names:
        return []
    mode = "--batch" if contents else "--batch-check"
    out = git(["cat-file", mode, "--buffer"], root, stdin="".join(f"{name}\n" for name in names).encode())
    found: list[tuple[str, bytes] | None] = []
    position = 0
    for _ in names:
        end = out.index(b"\n", position)
        header = out[position:end].split()
        position = end + 1
        if len(header) < 3 or header[1] != b"blob":
            found.append(None)
            continue
        if not contents:
            found.append((header[0].decode("ascii"), b""))
            continue
        size = int(header[2])
        found.append((header[0].decode("ascii"), out[position : position + size]))
        position += size + 1
    return found


def resolve_commit(cwd: Path, ref: str) -> str:
    """The commit id ``ref`` names; GitError when it names none."""
    try:
        return git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], cwd).decode().strip()
    except GitError:
        raise GitError(f"'{ref}' is not a commit, branch or tag of this repository") from None


def _root_and_prefix(top: Path, docs_dir: Path) -> tuple[Path, str]:
    root = top.resolve()
    prefix = docs_dir.relative_to(root).as_posix()
    return root, "" if prefix == "." else prefix + "/"


def _parse_log(text: str) -> list[tuple[list[str], list[tuple[str, ...]]]]:
    """Commits as (header fields, [(status, path[, new path])]), newest first."""
    commits = []
    for chunk in text.split(_RECORD)[1:]:
        header, _, rest = chunk.partition("\0")
        tokens = rest.lstrip("\n").split("\0")
        changes: list[tuple[str, ...]] = []
        index = 0
        while index < len(tokens) and tokens[index]:
            status = tokens[index]
            if status[0] in "RC":
                changes.append((status[0], tokens[index + 1], tokens[index + 2]))
                index += 3
            else:
                changes.append((status[0], tokens[index + 1]))
                index += 2
        commits.append((header.split(_FIELD), changes))
    return commits


def _walk(root: Path, head: str, prefix: str, wanted: frozenset[str], cache: HistoryCache) -> dict[str, list[Revision]]:
    """The revisions of the pages at ``wanted`` (docs_dir-relative), newest first, each with the path the
    page had in the repository at that commit: renames followed within docs_dir and into it.

    A log limited to docs_dir shows a page moved in from elsewhere as added. Each commit that added a
    page (other than a root commit, which renames nothing) is looked at once, in one ``diff-tree`` of the
    whole tree; when pages came from paths outside docs_dir, the log is read again with those paths.
    """
    current = {prefix + path: path for path in wanted}
    pathspec = [prefix or "."]
    moves: dict[str, dict[str, str]] = {}
    sources: set[str] = set()
    commits = None
    while True:
        if commits is None:
            log = _log(root, ["log", "-z", "--name-status", "-M", "--date=short", f"--format={_LOG_FORMAT}"], head,
                       pathspec, cache)  # fmt: skip
            commits = _parse_log(log)
        found, added = _follow(commits, current, moves)
        if not added:
            return found
        moves.update(_cached_renames(root, sorted({commit for commit, _ in added}), cache))
        moved = {moves[commit][path] for commit, path in added if path in moves[commit]}
        if not moved:
            return found
        # A page moved out of docs_dir and back is in this log already: it is walked again.
        sources |= {path for path in moved if not path.startswith(prefix)}
        wider = [prefix or ".", *_folders_and_files(sources)]
        if wider != pathspec:
            pathspec, commits = wider, None


# Up to this many paths moved into docs_dir from one top-level folder are named one by one in the log's
# pathspec; more are named by the folder that holds them all: git compares every path it reads with
# every path named, so 2,000 names make the log slower than the folder would.
_NAMED_PATHS = 8


def _folders_and_files(paths: set[str]) -> list[str]:
    """A short pathspec that takes in ``paths``: for each top-level folder, its paths, or the folder
    that holds them all when there are more than a few; files at the top level one by one."""
    groups: dict[str, list[str]] = {}
    for path in paths:
        top, _, rest = path.partition("/")
        groups.setdefault(top if rest else "", []).append(path)
    items: set[str] = set()
    for top, group in groups.items():
        if not top or len(group) <= _NAMED_PATHS:
            items.update(f":(literal){path}" for path in group)
        else:
            folder = posixpath.commonpath([posixpath.dirname(path) for path in group])
            items.add(f":(literal){folder}/")
    return sorted(items)


def _follow(
    commits: list[tuple[list[str], list[tuple[str, ...]]]],
    current: dict[str, str],
    moves: Mapping[str, Mapping[str, str]],
) -> tuple[dict[str, list[Revision]], list[tuple[str, str]]]:
    """Walk the log from newest to oldest, following renames back to each page's earlier paths.

    ``current`` maps repository paths to the docs_dir-relative paths the pages have now; ``moves`` holds
    the renames found outside the log, by commit (new path -> old path). Also returns the (commit, path)
    of each addition of a page, in a commit with a parent, that ``moves`` does not explain yet.
    """
    names = dict(current)
    found: dict[str, list[Revision]] = {path: [] for path in current.values()}
    added: list[tuple[str, str]] = []
    for fields, changes in commits:
        commit, parents, date, author, subject = [*fields, "", "", "", "", ""][:5]
        for change in changes:
            status, path = change[0], change[-1]
            owner = names.get(path)
            if owner is None:
                continue
            if status == "D":
                # The page was deleted here and added again later: older commits are another file.
                del names[path]
                continue
            found[owner].append(Revision(commit, date, author, subject, path))
            if status not in "RA":  # changed in place (or copied to here): the same path before
                continue
            del names[path]
            source = change[1] if status == "R" else moves.get(commit, {}).get(path)
            if source is not None:
                names[source] = owner
            elif parents and commit not in moves:
                added.append((commit, path))
    return found, added


def _log(root: Path, command: list[str], head: str, pathspec: list[str], cache: HistoryCache) -> str:
    """The output of the log ``command`` from ``head`` over ``pathspec``, as text.

    A log kept in ``cache`` of a commit that ``head`` descends from through commits of one parent each
    is reused, and only the commits after it are read: the log of such a line of commits is that of the
    new ones followed by the kept one. A merge on the way, or a rewritten history (the kept commit is
    not behind HEAD any more), reads the whole log again.
    """
    key = "\0".join([*command, "--", *pathspec])
    kept = cache.log(key)
    if head in kept:
        return kept[head]
    since = _linear_since(root, head, set(kept)) if kept else None
    span = [head] if since is None else [f"{since}..{head}"]
    text = git([*command, *span, "--", *pathspec], root).decode("utf-8", "replace")
    cache.counts.logs += 1
    cache.counts.commits += text.count(_RECORD)
    if since is not None:
        text += kept[since]
    cache.remember_log(key, head, text)
    return text


# How far back from HEAD a kept log is looked for.
_LINEAR_LIMIT = 1000


def _linear_since(root: Path, head: str, kept: set[str]) -> str | None:
    """The nearest of ``kept`` that ``head`` reaches through commits of one parent each (None: none)."""
    out = git(["rev-list", "--parents", f"--max-count={_LINEAR_LIMIT}", head], root).decode("ascii")
    parents = {line.split()[0]: line.split()[1:] for line in out.splitlines() if line}
    commit = head
    while commit not in kept:
        up = parents.get(commit)
        if up is None or len(up) != 1:
            return None
        commit = up[0]
    return commit


def _cached_renames(root: Path, commits: list[str], cache: HistoryCache) -> dict[str, dict[str, str]]:
    """:func:`_renames`, reading only the commits ``cache`` does not know."""
    found = {commit: cache.renames_of(commit) for commit in commits}
    new = [commit for commit, renames in found.items() if renames is None]
    cache.counts.renames += len(new)
    for commit, renames in (_renames(root, new) if new else {}).items():
        cache.remember_renames(commit, renames)
        found[commit] = renames
    return {commit: renames or {} for commit, renames in found.items()}


def _renames(root: Path, commits: list[str]) -> dict[str, dict[str, str]]:
    """The renames each of ``commits`` (none a merge) made anywhere in the repository, as new path -> old
    path: one ``diff-tree --stdin`` of the whole tree for them all."""
    found: dict[str, dict[str, str]] = {commit: {} for commit in commits}
    request = "".join(f"{commit}\n" for commit in commits).encode("ascii")
    out = git(["diff-tree", "--stdin", "-r", "-z", "-M", "--diff-filter=R", "--name-status"], root, stdin=request)
    tokens = out.decode("utf-8", "replace").split("\0")
    renames: dict[str, str] = {}
    index = 0
    while index < len(tokens):
        token = tokens[index]
        # A status ("R" and a similarity) is followed by the old and new paths; a commit id (hex) by them.
        if token.startswith("R") and index + 2 < len(tokens):
            renames[tokens[index + 2]] = tokens[index + 1]
            index += 3
            continue
        if token:
            renames = found.setdefault(token, {})
        index += 1
    return found


def _front_matter(root: Path, wanted: list[tuple[str, str]], cache: HistoryCache) -> dict[tuple[str, str], Values]:
    """The values of ``path`` at ``commit`` for every pair (none for a path that holds no file).

    Only what ``cache`` does not know is read: the blob each new pair names (one ``cat-file
    --batch-check``, or none when the cache is empty and every blob is new anyway), then the contents
    of the blobs not seen before (one ``cat-file --batch``).
    """
    found: dict[tuple[str, str], Values] = {}
    new: dict[tuple[str, str], str] = {}
    for commit, path in wanted:
        blob = cache.blob_at(commit, path)
        if blob is None:
            # The request is one name a line, and git echoes the name of a missing object: a path with a
            # line break would shift every later blob onto the wrong path. Such paths are named by id.
            name = f"{commit}:{path}" if "\n" not in path else _blob_id(root, commit, path)
            if name is not None:
                new[(commit, path)] = name
            continue
        known, values = cache.values(blob) if blob else (True, None)
        if known:
            found[(commit, path)] = values
        else:
            new[(commit, path)] = blob
    ids: dict[tuple[str, str], str] = {}
    if not cache.empty:
        for pair, checked in zip(new, _cat_blobs(root, list(new.values()), contents=False), strict=True):
            cache.remember_blob(*pair, checked[0] if checked is not None else "")
            if checked is None:
                continue
            known, values = cache.values(checked[0])
            if known:
                found[pair] = values
            else:
                ids[pair] = checked[0]
    else:
        ids = new
    # Each blob is read once, however many pairs name it.
    names = list(dict.fromkeys(ids.values()))
    read = dict(zip(names, _cat_blobs(root, names), strict=True))
    cache.counts.blobs += sum(1 for blob in read.values() if blob is not None)
    for pair, name in ids.items():
        content = read[name]
        cache.remember_blob(*pair, content[0] if content is not None else "")
        if content is not None:
            values = _derive(content[1])
            cache.remember_values(content[0], values)
            found[pair] = values
    return found


def _blob_id(root: Path, commit: str, path: str) -> str | None:
    """The id of the blob at ``path`` in ``commit``, read with NUL-separated output (None when none)."""
    listing = git(["--literal-pathspecs", "ls-tree", "-z", commit, "--", path], root)
    for entry in listing.split(b"\0"):
        info, _, name = entry.partition(b"\t")
        fields = info.split()
        if name.decode("utf-8", "replace") == path and len(fields) == 3 and fields[1] == b"blob":
            return fields[2].decode("ascii")
    return None


def _derive(raw: bytes) -> Values:
    """What a revision shows of its blob: version, status and body digest (None: the text is unreadable)."""
    try:
        text = frontmatter.decode(raw)
    except frontmatter.UnreadableText:
        return None
    version, status = frontmatter.quick_values(text, KEYS)
    return version, status, frontmatter.body_digest(text)


def _with_values(revision: Revision, values: Values) -> Revision:
    if values is None:
        return revision
    version, status, digest = values
    # Built directly rather than with dataclasses.replace: this runs once per revision, 60,000 times in
    # a long history, and replace() would be a third of a warm run.
    return Revision(revision.commit, revision.date, revision.author, revision.subject, revision.path, version,
                    status, digest)  # fmt: skip


def commit_url(pattern: str | None, repo_url: str | None, commit: str) -> str | None:
    """The web address of ``commit``: from ``pattern`` (with ``{commit}``), else guessed from repo_url."""
    if pattern:
        return pattern.replace("{commit}", commit).replace("{repo_url}", (repo_url or "").rstrip("/"))
    if not repo_url:
        return None
    base = repo_url.rstrip("/")
    if base.endswith(".git"):
        base = base[:-4]
    if "gitlab" in base:
        return f"{base}/-/commit/{commit}"
    if "bitbucket" in base:
        return f"{base}/commits/{commit}"
    return f"{base}/commit/{commit}"
