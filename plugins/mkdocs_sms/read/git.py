"""Git-based document control: one pass over the history of docs_dir.

Whatever the number of documents, reading the history costs a few git processes: ``rev-parse`` (where
the repository is, whether it is shallow, HEAD), one ``log --raw -M`` over docs_dir (naming the blob each
change left), one ``diff-tree`` over the commits that added a page, one ``cat-file --batch`` stream of the
blobs for each revision's version and status, and one more for the texts the analysis compares (each
page's approval commit, see :func:`_compared`). Renames are followed from the ``R`` entries of the log, so a
moved document keeps its history. A move into docs_dir from elsewhere in the repository shows in a log
limited to docs_dir as an addition: the ``diff-tree`` of the whole tree finds where such pages came from,
and the log is read again with those paths added (once more for each level of moves found).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fnmatch
import functools
import hashlib
import itertools
import operator
import posixpath
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, NamedTuple

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


# A revision as the log shows it, and the id of the blob the page had then ('' for none).
Found = tuple[Revision, str]


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
    """Run git and return its output; raise :class:`GitError` when it cannot run or fails."""
    with _running(args, cwd, stdin) as out:
        return out.read()


@contextlib.contextmanager
def _running(args: list[str], cwd: Path, stdin: bytes | None = None) -> Iterator[IO[bytes]]:
    """Git running with ``args``: its output, to read while it writes; :class:`GitError` when it cannot
    run or, once the output is left, when it failed.

    Input and errors go through temporary files: with only the output piped, Python reads it in one go
    instead of interleaving small writes and reads, which halves the cost of large ``cat-file`` streams.
    """
    with tempfile.TemporaryFile() as request, tempfile.TemporaryFile() as errors:
        if stdin is not None:
            request.write(stdin)
            request.seek(0)
        try:
            process = subprocess.Popen(
                ["git", "-c", "core.quotepath=off", *args], cwd=cwd,
                stdin=request if stdin is not None else subprocess.DEVNULL, stdout=subprocess.PIPE,
                stderr=errors, bufsize=1 << 20,
            )  # fmt: skip
        except OSError as exc:
            raise GitError(f"git cannot be run: {exc}") from None
        with process:
            assert process.stdout is not None
            yield process.stdout
        if process.returncode != 0:
            errors.seek(0)
            raise GitError(errors.read().decode("utf-8", "replace").strip() or f"git {args[0]} failed")


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
        extended = _extended(root, prefix, head, wanted, pages, cache)
    except GitError:
        extended = None
    if extended is not None:
        revisions, result = extended
        cache.counts.extended += 1
        cache.remember_result(pages, head, result, functools.partial(_ref_tips, root))
        return History(head=head, revisions=revisions, paths=wanted, superproject=superproject)
    try:
        entries = _walk(root, head, prefix, wanted, cache)
        values = _front_matter(root, [blob for found in entries.values() for _, blob in found], cache)
        revisions = {path: tuple(_with_values(rev, values.get(blob)) for rev, blob in found)
                     for path, found in entries.items()}  # fmt: skip
        digested = _with_digests(root, revisions, lambda path, index: entries[path][index][1], cache)
    except GitError as exc:
        return History(head=head, unavailable=f"git history cannot be read: {exc}")
    assert digested is not None  # every revision's blob is named by the log
    revisions = digested
    cache.save()
    cache.remember_result(pages, head, _to_result(revisions, head, prefix), functools.partial(_ref_tips, root))
    return History(head=head, revisions=revisions, paths=wanted, superproject=superproject)


def _ref_tips(root: Path) -> frozenset[str]:
    """The commits the branches, remote branches and tags of the repository at ``root`` point at (none
    when git cannot list them)."""
    try:
        out = git(["for-each-ref", "--format=%(objectname) %(*objectname)"], root)
    except GitError:
        return frozenset()
    return frozenset(out.decode("ascii", "replace").split())


def _pages_name(root: Path, prefix: str, wanted: frozenset[str]) -> str:
    """What the results of one set of pages are kept under: the repository, docs_dir in it and the pages."""
    digest = hashlib.sha256("\0".join([str(root), prefix, *sorted(wanted)]).encode("utf-8", "replace"))
    return digest.hexdigest()[:24]


def _extended(
    root: Path, prefix: str, head: str, wanted: frozenset[str], pages: str, cache: HistoryCache
) -> tuple[dict[str, tuple[Revision, ...]], dict[str, object]] | None:
    """The revisions at ``head`` from a kept result of an earlier commit of the same pages, when ``head``
    follows it through commits of one parent each that only edited pages in place (or touched files that
    are no page): those commits' revisions go on top of the kept ones. None when there is no such result,
    or a commit since added, removed, renamed or copied a page: the whole pass is needed then. With the
    revisions, the result to keep for ``head``: the kept one with the pages whose revisions changed
    written anew (:func:`_to_result`).

    Two git processes (the line of commits, and their log) and one ``cat-file`` for the new revisions;
    neither the whole log nor ``history.json`` is read.
    """
    heads = cache.result_heads(pages)
    if not heads:
        return None
    since = _linear_since(root, head, set(heads))
    if since is None:
        return None
    data = cache.result(pages, since)
    kept = _from_result(data, since, prefix, wanted)
    if kept is None:
        return None
    command = [arg if arg != "-M" else "--no-renames" for arg in _LOG_COMMAND]
    log = git([*command, f"{since}..{head}", "--", prefix or "."], root).decode("utf-8", "replace")
    current = {prefix + path: path for path in wanted}
    new: dict[str, list[Found]] = {}
    for fields, changes in _parse_log(log):
        commit, _parents, date, author, subject = [*fields, "", "", "", "", ""][:5]
        for status, blob, *paths in changes:
            if not any(path in current for path in paths):
                continue  # not a page, or one the handbook does not have now
            if status != "M":
                return None
            revision = Revision(commit, date, author, subject, paths[-1])
            new.setdefault(current[paths[-1]], []).append((revision, blob))
    values = _front_matter(root, [blob for found in new.values() for _, blob in found], HistoryCache())
    revisions = dict(kept)
    for path, found in new.items():
        revisions[path] = tuple(_with_values(rev, values.get(blob)) for rev, blob in found) + kept[path]

    def blob_of(path: str, index: int) -> str | None:  # the new revisions come first
        return new[path][index][1] if index < len(new.get(path, ())) else None

    digested = _with_digests(root, revisions, blob_of, HistoryCache())
    if digested is None:
        return None
    # A page whose revisions are those kept (the same tuple) keeps its rows as they were read.
    changed = {path: revs for path, revs in digested.items() if revs is not kept[path]}
    return digested, _to_result(changed, head, prefix, data)


def _to_result(
    revisions: Mapping[str, tuple[Revision, ...]], head: str, prefix: str, kept: dict[str, Any] | None = None
) -> dict[str, object]:
    """A pass's revisions as JSON: each commit once, and a revision's path only where the page had
    another one then. With ``kept`` (a result :func:`_from_result` accepted), the pages of ``revisions``
    are written anew into it and the others keep their rows; its commits keep their places."""
    table: list[Any] = list(kept["commits"]) if kept else []
    commits = {entry[0]: index for index, entry in enumerate(table)}
    pages: dict[str, list[list[object]]] = dict(kept["pages"]) if kept else {}
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
    rows = list(itertools.chain.from_iterable(groups))
    shaped = (
        set(map(type, table)) <= {list}
        and set(map(len, table)) <= {4}
        and set(map(type, itertools.chain.from_iterable(table))) <= _TEXT
        and set(map(type, rows)) <= {list}
        and set(map(len, rows)) <= {5}
    )
    if not shaped:
        return None
    indexes = list(map(operator.itemgetter(0), rows))
    fields = itertools.chain.from_iterable(map(operator.itemgetter(1, 2, 3, 4), rows))
    if indexes and not (
        set(map(type, indexes)) <= {int} and set(map(type, fields)) <= _NOTHING
        and min(indexes) >= 0 and max(indexes) < len(table)
    ):  # fmt: skip
        return None
    commits: list[tuple[str, str, str, str]] = [(entry[0], entry[1], entry[2], entry[3]) for entry in table]
    found: dict[str, tuple[Revision, ...]] = {}
    make = Revision._make
    for path, group in pages.items():
        here = prefix + path
        found[path] = tuple(
            [
                make(commits[index] + (moved or here, version, status, digest))
                for index, moved, version, status, digest in group
            ]
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
    return list(_cat_stream(root, names))


def _found(header: list[bytes]) -> bool:
    """Whether a ``cat-file --batch`` header line is "<id> <type> <size>", not "<name> missing": a name
    such as ``commit:path`` may hold spaces, so a missing one can be three words too."""
    return len(header) == 3 and header[2].isdigit()


def _cat_stream(root: Path, names: list[str]) -> Iterator[bytes | None]:
    """The blob each object name (an id, or ``commit:path``) names, None for one that is missing or not a
    file (e.g. a submodule), from one ``git cat-file --batch`` for them all; each given as soon as git
    has written it, so that the caller works on one while git reads the next."""
    if not names:
        return
    with _running(["cat-file", "--batch"], root, "".join(f"{name}\n" for name in names).encode()) as out:
        for _ in names:
            header = out.readline().split()
            if not _found(header):  # or nothing at all: git stopped
                yield None
                continue
            size = int(header[2])
            content = out.read(size)
            out.read(1)
            yield content if header[1] == b"blob" and len(content) == size else None


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
    """Commits of a ``log -z --raw`` as (header fields, [(status, blob, path[, new path])]), newest first.

    The blob is the id of the file the change left at the (new) path: '' when it left none (a deletion)
    or a submodule (a commit, not a file).
    """
    commits = []
    for chunk in text.split(_RECORD)[1:]:
        header, _, rest = chunk.partition("\0")
        tokens = rest.lstrip("\n").split("\0")
        changes: list[tuple[str, ...]] = []
        index = 0
        while index < len(tokens) and tokens[index].startswith(":"):
            # ":old-mode new-mode old-id new-id status", then the path (two paths for a rename or copy).
            _, mode, _, blob, status = tokens[index][1:].split(" ")
            blob = "" if mode in _NOT_FILES else blob
            if status[0] in "RC":
                changes.append((status[0], blob, tokens[index + 1], tokens[index + 2]))
                index += 3
            else:
                changes.append((status[0], blob, tokens[index + 1]))
                index += 2
        commits.append((header.split(_FIELD), changes))
    return commits


# The modes of a path that holds no file: none (deleted) and a submodule.
_NOT_FILES = frozenset({"000000", "160000"})
_LOG_COMMAND = ["log", "-z", "--raw", "--no-abbrev", "-M", "--date=short", f"--format={_LOG_FORMAT}"]


def _walk(root: Path, head: str, prefix: str, wanted: frozenset[str], cache: HistoryCache) -> dict[str, list[Found]]:
    """The revisions of the pages at ``wanted`` (docs_dir-relative), newest first, each with the path the
    page had in the repository at that commit (renames followed within docs_dir and into it) and the
    blob it held there.

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
            log = _log(root, _LOG_COMMAND, head, pathspec, cache)
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
) -> tuple[dict[str, list[Found]], list[tuple[str, str]]]:
    """Walk the log from newest to oldest, following renames back to each page's earlier paths.

    ``current`` maps repository paths to the docs_dir-relative paths the pages have now; ``moves`` holds
    the renames found outside the log, by commit (new path -> old path). Also returns the (commit, path)
    of each addition of a page, in a commit with a parent, that ``moves`` does not explain yet.
    """
    names = dict(current)
    found: dict[str, list[Found]] = {path: [] for path in current.values()}
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
            found[owner].append((Revision(commit, date, author, subject, path), change[1]))
            if status not in "RA":  # changed in place (or copied to here): the same path before
                continue
            del names[path]
            source = change[2] if status == "R" else moves.get(commit, {}).get(path)
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


def _front_matter(root: Path, blobs: Iterable[str], cache: HistoryCache) -> dict[str, Values]:
    """The values of each of ``blobs`` (ids; '' for none), each read once: from ``cache`` when it knows
    the blob, else from one ``cat-file --batch`` for all the others. A blob git cannot give (a partial
    clone's missing object) has no values, and is not remembered: it may be there next time."""
    found: dict[str, Values] = {}
    new: list[str] = []
    for blob in dict.fromkeys(blobs):
        if not blob:
            continue
        known, values = cache.values(blob)
        if known:
            found[blob] = values
        else:
            new.append(blob)
    for blob, content in zip(new, _cat_stream(root, new), strict=True):
        if content is not None:
            cache.counts.blobs += 1
            found[blob] = _derive(content)
            cache.remember_values(blob, found[blob])
    return found


def _derive(raw: bytes) -> Values:
    """What a revision shows of its blob: version and status, and no body digest yet (see
    :func:`_compared`); None when the text is unreadable."""
    try:
        version, status = frontmatter.raw_values(raw, KEYS)
    except frontmatter.UnreadableText:
        return None
    return version, status, None


def version_commit(revisions: Sequence[Revision], version: str | None) -> Revision | None:
    """The commit that approved the document's current ``version``: the oldest of the newest commits that
    all hold that version, counted from the first of them that says ``approved``. None when no commit
    approved this version yet (a draft approved in the working tree, or no history).

    Edits of a draft before its first approval are drafting, not changes of an approved text.
    """
    index = _approval(revisions, version)
    return None if index is None else revisions[index]


def _approval(revisions: Sequence[Revision], version: str | None) -> int | None:
    """The index of :func:`version_commit` in ``revisions``."""
    if not revisions or revisions[0].version != version:
        return None
    candidate = None
    for index, revision in enumerate(revisions):
        if revision.version != version:
            break
        if revision.status == "approved":
            candidate = index
    return candidate


def _compared(revisions: Sequence[Revision]) -> list[int]:
    """The indexes of the revisions whose body digests the analysis compares: the commit that approved
    the version the page has at HEAD (with the page's text, for SMS201), and the revision before it when
    that held the same version (whether the approval commit wrote text, for approval evidence). No other
    revision needs a digest, so no other is digested: a long history has tens of thousands."""
    index = _approval(revisions, revisions[0].version) if revisions else None
    if index is None:
        return []
    before = index + 1
    return (
        [index, before]
        if before < len(revisions) and revisions[before].version == revisions[index].version
        else [index]
    )


def _with_digests(
    root: Path,
    revisions: dict[str, tuple[Revision, ...]],
    blob_of: Callable[[str, int], str | None],
    cache: HistoryCache,
) -> dict[str, tuple[Revision, ...]] | None:
    """``revisions`` with the body digests of the :func:`_compared` ones: from the revision itself or
    the cache when known, else read from git (one ``cat-file`` for them all) by the blob ``blob_of``
    gives for the page and the revision's index ('' none, None not known), or by ``commit:path``. None
    when a digest is needed of a revision that can only be named by a path holding a line break
    (``cat-file`` reads one name a line).
    """
    wanted: dict[str, list[tuple[str, int]]] = {}
    found = dict(revisions)
    for path, revs in revisions.items():
        compared = _compared(revs)
        # Only those carry a digest, however the revisions were read (a kept result may hold the digest
        # of an approval since superseded): the same history whether or not a cache was used.
        if any(rev.body_digest is not None for index, rev in enumerate(revs) if index not in compared):
            revs = found[path] = tuple(
                rev if i in compared else rev._replace(body_digest=None) for i, rev in enumerate(revs)
            )
        for index in compared:
            revision = revs[index]
            if revision.body_digest is not None:
                continue
            blob = blob_of(path, index)
            if blob == "":
                continue  # no file there (a submodule)
            values = cache.values(blob)[1] if blob else None
            if values is not None and values[2] is not None:
                found[path] = _digested(found[path], index, values[2])
                continue
            if blob is None and "\n" in revision.path:
                return None
            wanted.setdefault(blob or f"{revision.commit}:{revision.path}", []).append((path, index))
    names = list(wanted)
    for name, raw in zip(names, _cat_stream(root, names), strict=True):
        if raw is None:
            continue
        try:
            text = frontmatter.decode(raw)
        except frontmatter.UnreadableText:
            continue
        digest = frontmatter.body_digest(text)
        for path, index in wanted[name]:
            found[path] = _digested(found[path], index, digest)
            revision = found[path][index]
            if blob_of(path, index) == name:
                cache.remember_values(name, (revision.version, revision.status, digest))
    return found


def _digested(revisions: tuple[Revision, ...], index: int, digest: str) -> tuple[Revision, ...]:
    return (*revisions[:index], revisions[index]._replace(body_digest=digest), *revisions[index + 1 :])


def _with_values(revision: Revision, values: Values) -> Revision:
    """``revision`` with the version and status of its blob (its body digest is :func:`_with_digests`'s)."""
    if values is None:
        return revision
    version, status, _ = values
    # Built directly rather than with dataclasses.replace: this runs once per revision, 60,000 times in
    # a long history, and replace() would be a third of a warm run.
    return Revision(revision.commit, revision.date, revision.author, revision.subject, revision.path, version,
                    status)  # fmt: skip


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
