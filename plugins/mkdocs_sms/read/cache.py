"""What the history pass derived from git objects, kept on disk for the next run.

A git object never changes under its id, so what was read from it once holds for good: a blob's
version, status and body digest, the renames a commit made, and the log of a commit (newest first)
limited to a pathspec, which names the blob each change left. The file ``history.json`` in
``.cache/mkdocs-sms/`` beside ``mkdocs.yml`` keeps them, under a key made of the cache's format, the
tool's version, the front-matter keys read and a digest of the code that derives the values: a file
with another key is ignored and written anew. A checksum over the contents catches a truncated or
damaged file, which is ignored too. The file is written to a temporary file in the same folder and
renamed over the old one, so two processes writing at once leave one of their files, whole.

Beside it, ``result-<pages>-<commit>.json`` keeps what a whole pass found for one set of pages at one
commit, so that a run on a commit already read (a second ``check``, a build after a check) loads that
alone and reads neither git nor ``history.json``; a run a few commits later that only edited pages in
place adds those commits' revisions to it. The few used last are kept, and those at the commits branches
and tags point at; they are written and checked the same way.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import subprocess
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mkdocs_sms import __version__

FOLDER = Path(".cache") / "mkdocs-sms"
FILE = "history.json"
_FORMAT = 3
# The front-matter keys each revision's blob is read for.
KEYS = ("version", "status")
# This many results of whole passes are kept, the most recently used (HEAD, and an earlier edition, for a
# build and a check or two)...
_RESULTS_KEPT = 4
# ...and besides them, up to this many results at commits a branch or tag points at: after a few commits on
# another branch, going back finds the result of the branch left.
_TIP_RESULTS_KEPT = 8
# Files of other data (a catalogue's YAML) kept by kind: the configured catalogues, and edits of one.
_DATA_KEPT = 8
# A log is kept for this many commits per pathspec: HEAD, and the earlier edition a build compares with.
_LOGS_KEPT = 3

# What a blob gives a revision: its version, status and body digest; None when its text cannot be read.
Values = tuple[str | None, str | None, str | None] | None


# The package's folder, whose modules code_digest() reads.
PACKAGE = Path(__file__).resolve().parent.parent


def code_digest(modules: Iterable[Path]) -> str:
    """A digest of ``modules``, the code that derives what a cache keeps: changed code is another key."""
    digest = hashlib.sha256()
    for module in modules:
        try:
            digest.update(module.read_bytes())
        except OSError:
            digest.update(module.name.encode())
    return digest.hexdigest()


@dataclass
class Counts:
    """What one run read from git rather than from the cache, so that a test (or a profile) can see it."""

    blobs: int = 0  # blob contents read
    commits: int = 0  # commits read from the log
    logs: int = 0  # log processes run
    renames: int = 0  # commits whose renames were read
    results: int = 0  # whole passes loaded from a kept result instead
    extended: int = 0  # kept results of an earlier commit brought up to HEAD


@dataclass
class HistoryCache:
    """The cached values of ``folder`` (None: kept in memory only), read from it when first asked for:
    ``mkdocs serve`` reuses its history while HEAD stays, and then never needs the file."""

    folder: Path | None = None
    loaded: bool = False
    blobs: dict[str, list[str | None] | None] = field(default_factory=dict)  # blob id -> values
    logs: dict[str, dict[str, str]] = field(default_factory=dict)  # log command -> head -> its output
    renames: dict[str, dict[str, str]] = field(default_factory=dict)  # commit -> new path -> old path
    counts: Counts = field(default_factory=Counts)
    changed: bool = False

    def load(self) -> None:
        """Read the file, once; it is left unused when missing, of another key, or not to be trusted
        (truncated, damaged, not what this code writes)."""
        if self.loaded:
            return
        self.loaded = True
        data = _read(self.folder / FILE) if self.folder is not None else None
        if data is not None:
            self.blobs, self.logs, self.renames = data  # each entry is checked when it is used

    def values(self, blob: str) -> tuple[bool, Values]:
        """Whether ``blob`` is known, and its values."""
        self.load()
        if blob not in self.blobs:
            return False, None
        entry = self.blobs[blob]
        return True, None if entry is None else (entry[0], entry[1], entry[2])

    def remember_values(self, blob: str, values: Values) -> None:
        self.load()
        self.blobs[blob] = None if values is None else list(values)
        self.changed = True

    def log(self, command: str) -> dict[str, str]:
        """The kept outputs of the log ``command``, by the commit each started from."""
        self.load()
        return dict(self.logs.get(command, {}))

    def remember_log(self, command: str, head: str, text: str) -> None:
        kept = self.log(command)
        kept.pop(head, None)
        kept[head] = text
        self.logs[command] = dict(list(kept.items())[-_LOGS_KEPT:])
        self.changed = True

    def renames_of(self, commit: str) -> dict[str, str] | None:
        """The renames ``commit`` made (new path -> old path), None when not known."""
        self.load()
        return self.renames.get(commit)

    def remember_renames(self, commit: str, renames: dict[str, str]) -> None:
        self.load()
        self.renames[commit] = renames
        self.changed = True

    def result(self, pages: str, head: str) -> Any:
        """The whole-pass result kept for the set of pages named ``pages`` at commit ``head`` (decoded
        JSON, its shape unchecked), None when there is none to be trusted."""
        if self.folder is None:
            return None
        file = self.folder / f"result-{pages}-{head}.json"
        data = _trusted(file)
        if data is not None:
            with contextlib.suppress(OSError):
                os.utime(file)  # used now: the results kept are the ones used last, not the ones written last
        return data

    def result_heads(self, pages: str) -> list[str]:
        """The commits a result is kept of for the set of pages named ``pages``."""
        if self.folder is None:
            return []
        try:
            return [file.stem.rpartition("-")[2] for file in self.folder.glob(f"result-{pages}-*.json")]
        except OSError:
            return []

    def remember_result(
        self, pages: str, head: str, data: object, tips: Callable[[], Iterable[str]] = frozenset
    ) -> None:
        """Keep ``data`` as the result for ``pages`` at ``head``, and only the few used last besides those
        at ``tips`` (the commits branches and tags point at, asked for only when a result is to go)."""
        if self.folder is None:
            return

        def at_tips(found: list[Path]) -> list[Path]:
            pointed = set(tips())
            return [file for file in found if file.stem.rpartition("-")[2] in pointed][:_TIP_RESULTS_KEPT]

        try:
            payload = json.dumps(data, separators=(",", ":")).encode()
            keep_file(self.folder, f"result-{pages}-{head}.json", payload, _RESULTS_KEPT, spare=at_tips)
        except OSError:
            return

    def save(self) -> None:
        """Write the cache when this run added to it; a folder that cannot be written is left alone
        (the next run reads git again)."""
        if self.folder is None or not self.changed:
            return
        data = {"blobs": self.blobs, "logs": self.logs, "renames": self.renames}
        try:
            _write(self.folder, FILE, json.dumps(data, separators=(",", ":")).encode())
        except OSError:
            return
        self.changed = False


def kept_data(folder: Path, name: str) -> tuple[Any] | None:
    """What :func:`keep_data` kept as ``name`` in ``folder`` (as a 1-tuple), None when it is not there
    or cannot be trusted."""
    data = _trusted(folder / name)
    return (data["value"],) if isinstance(data, dict) and "value" in data else None


# What keep_data was given, by folder and name, until write_kept writes it.
_PENDING: dict[tuple[Path, str], Any] = {}


def keep_data(folder: Path, name: str, value: Any) -> None:
    """Keep ``value`` as ``name`` in ``folder``, written by :func:`write_kept`: only a run that keeps its
    history writes the cache, so that a dry run or a refused command writes nothing at all."""
    _PENDING[folder, name] = value


def write_kept(folder: Path) -> None:
    """Write what :func:`keep_data` was given for ``folder``, each value that JSON gives back as it is (a
    YAML date or a number as a key would not be); the newest few of each kind are kept. A folder that
    cannot be written is left alone."""
    for where, name in [key for key in _PENDING if key[0] == folder]:
        value = _PENDING.pop((where, name))
        try:
            payload = json.dumps({"value": value}, separators=(",", ":"), ensure_ascii=False)
            if json.loads(payload)["value"] != value:
                continue
            keep_file(folder, name, payload.encode(), _DATA_KEPT)
        except (OSError, TypeError, ValueError, RecursionError):
            continue


def _write(folder: Path, name: str, payload: bytes) -> None:
    """Write ``payload`` under a header of the key and its checksum, through a temporary file renamed
    over ``name``: a reader sees the old file or the new one, whole."""
    header = json.dumps({"key": cache_key(), "sha256": hashlib.sha256(payload).hexdigest()}).encode()
    folder.mkdir(parents=True, exist_ok=True)
    ignore = folder / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# Made by mkdocs-sms: never committed.\n*\n")
    handle, temporary = tempfile.mkstemp(prefix=f".{name}.", dir=folder)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(header + b"\n" + payload)
        os.replace(temporary, folder / name)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _trusted(file: Path) -> Any:
    """The decoded contents of a file :func:`_write` wrote under this key, None when it cannot be
    trusted (see :func:`trusted_payload`)."""
    payload = trusted_payload(file)
    try:
        return None if payload is None else json.loads(payload)
    except ValueError:
        return None


def trusted_payload(file: Path) -> bytes | None:
    """What :func:`_write` (or :func:`keep_file`) wrote to ``file`` under this key, None when it is
    missing, of another key, truncated or damaged, or when the folder came with the repository
    (:func:`committed`)."""
    try:
        raw = file.read_bytes()
    except OSError:
        return None
    if committed(file.parent):
        return None
    header, _, payload = raw.partition(b"\n")
    try:
        head = json.loads(header)
    except ValueError:
        return None
    if not isinstance(head, dict) or head.get("key") != cache_key():
        return None
    return payload if head.get("sha256") == hashlib.sha256(payload).hexdigest() else None


def keep_file(
    folder: Path, name: str, payload: bytes, newest: int, spare: Callable[[list[Path]], list[Path]] = lambda _: []
) -> None:
    """Write ``payload`` as ``name`` in ``folder`` (read back with :func:`trusted_payload`) and keep only
    the ``newest`` files named like it (up to the first '-'), by time of change, besides those ``spare``
    picks of them (asked only when some would go); raises OSError when the folder cannot be written."""
    _write(folder, name, payload)
    prefix = name.split("-", 1)[0]
    kept = sorted(folder.glob(f"{prefix}-*.json"), key=lambda file: file.stat().st_mtime, reverse=True)
    if len(kept) <= newest:
        return
    spared = set(spare(kept))
    for old in [file for file in kept if file not in spared][newest:]:
        old.unlink(missing_ok=True)


def _read(file: Path) -> tuple[dict[str, Any], ...] | None:
    """The three tables of a cache file, None when it is missing or cannot be trusted."""
    data = _trusted(file)
    if not isinstance(data, dict):
        return None
    tables = [data.get(name) for name in ("blobs", "logs", "renames")]
    found = tuple(table for table in tables if isinstance(table, dict))
    return found if len(found) == len(tables) and _well_formed(*found) else None


def _well_formed(blobs: dict[str, Any], logs: dict[str, Any], renames: dict[str, Any]) -> bool:
    """Whether every entry of the tables has the shape this code writes: checked once, as sets of types
    (fast for 60,000 entries), so that an entry is used without a second look."""
    text, nothing = {str}, {str, type(None)}
    values = [entry for entry in blobs.values() if entry is not None]
    return (
        {type(entry) for entry in values} <= {list}
        and {len(entry) for entry in values} <= {3}
        and {type(value) for entry in values for value in entry} <= nothing
        and all({type(table) for table in kept.values()} <= {dict} for kept in (logs, renames))
        and {type(value) for kept in (logs, renames) for table in kept.values() for value in table} <= text
        and {type(value) for kept in (logs, renames) for table in kept.values() for value in table.values()} <= text
    )


@functools.lru_cache(maxsize=16)
def committed(folder: Path) -> bool:
    """Whether git tracks a file in ``folder``. The cache is written by this machine's runs only; files
    that came with the repository could have been written by anyone who can push (a revision marked
    approved, a catalogue without a requirement) to make a check pass, so such a folder is never read,
    only written over. Asked once per process and folder. Outside a git work tree, or without git, nothing
    is tracked; when git cannot say (a repository it refuses as another user's, say), the folder counts
    as tracked."""
    try:
        found = subprocess.run(
            ["git", "ls-files", "-z", "--", "."], cwd=folder, stdin=subprocess.DEVNULL, capture_output=True,
            timeout=60, check=False, env={**os.environ, "LC_ALL": "C"},  # its messages in English
        )  # fmt: skip
    except FileNotFoundError:  # no git
        return False
    except (OSError, subprocess.SubprocessError):
        return True
    if found.returncode != 0:
        return b"not a git repository" not in found.stderr
    return bool(found.stdout)


@functools.cache
def cache_key() -> str:
    """What a cache file must have been written under to be used."""
    history_code = code_digest((PACKAGE / "read" / "git.py", PACKAGE / "model" / "frontmatter.py"))
    return f"{_FORMAT} mkdocs-sms {__version__} {','.join(KEYS)} {history_code[:16]}"
