"""Reading the pages of docs_dir, and nothing outside it.

MkDocs 1.6 walks docs_dir following symbolic links (``os.walk(..., followlinks=True)`` in
``mkdocs.structure.files.get_files``) and publishes whatever a link points to, inside docs_dir or not.
mkdocs-sms reads a page only when its real location is inside the folder it belongs to: a page reached
through a link to a file or folder outside is reported (SMS301) and not read, so no content from outside
the handbook reaches the registers, ``sms.json`` or the messages. MkDocs still publishes it; the finding
says so.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from mkdocs_sms.model.defaults import META_FILE
from mkdocs_sms.rules import RULES, Finding

# Data files documents may name (an assessment's judgements): read with the pages, never published.
DATA_SUFFIXES = (".yml", ".yaml")
PAGE_NOT_READ = "the page is not read, so it is not checked and is in no register (MkDocs still publishes it)"


class OutsideLink(Exception):
    """A page whose real location is outside its folder, because ``link`` is a symbolic link."""

    def __init__(self, link: str, target: str) -> None:
        super().__init__(f"{link} -> {target}")
        self.link = link
        self.target = target


def read_inside(root: Path, path: str, real_dirs: dict[str, str] | None = None) -> bytes:
    """The bytes of ``root/path``; :class:`OutsideLink` when a symbolic link takes it outside ``root``,
    ``OSError`` when it cannot be read.

    The real path is checked, then read itself, so the bytes come from the place that was checked. Only
    regular files are read: opening a named pipe would wait for a writer for ever. ``real_dirs`` keeps
    the real paths of folders for the pages read next (one build's pages share a few dozen folders).
    """
    real_dirs = {} if real_dirs is None else real_dirs
    real_root = _real_dir(real_dirs, str(root))
    folder, _, name = path.rpartition("/")
    # A file's real path is its folder's real path and its name, unless the file itself is a link.
    real = os.path.join(_real_dir(real_dirs, os.path.join(root, folder)) if folder else real_root, name)
    mode = os.lstat(real).st_mode
    if stat.S_ISLNK(mode):
        real = os.path.realpath(real)
    if not _within(real_root, real):
        raise _outside(root, path)
    if stat.S_ISLNK(mode):  # what the link leads to, once it is known to be inside
        mode = os.stat(real).st_mode
    if not stat.S_ISREG(mode):
        raise OSError(errno.EINVAL, "not a regular file")
    with open(real, "rb") as handle:
        return handle.read()


def _within(real_root: str, real: str) -> bool:
    """Whether the real path ``real`` is ``real_root`` or beneath it (both absolute and normalised)."""
    return real == real_root or real.startswith(real_root.rstrip(os.sep) + os.sep)


def _real_dir(cache: dict[str, str], folder: str) -> str:
    real = cache.get(folder)
    if real is None:
        real = cache[folder] = os.path.realpath(folder)
    return real


def _outside(root: Path, path: str) -> OutsideLink:
    """The first link on the way from ``root`` to ``path`` that leads outside ``root``."""
    real_root = os.path.realpath(root)
    parts = PurePosixPath(path).parts
    for depth in range(1, len(parts) + 1):
        step = root.joinpath(*parts[:depth])
        if step.is_symlink():
            real = os.path.realpath(step)
            if not _within(real_root, real):
                return OutsideLink("/".join(parts[:depth]), os.readlink(step))
    return OutsideLink(path, os.path.realpath(root / path))


def outside_link_finding(path: str, link: OutsideLink, consequence: str = PAGE_NOT_READ) -> Finding:
    """SMS301 about the file at ``path`` (relative to docs_dir), saying what follows from not reading it."""
    via = "it is" if link.link == path else f"its folder {link.link} is"
    return RULES["SMS301"].finding(
        f"{via} a symbolic link to '{link.target}', outside docs_dir: {consequence}", path=path
    )


def read_pages(pages: Iterable[tuple[str, Path]]) -> tuple[list[tuple[str, bytes]], list[Finding]]:
    """Read pages given as (path relative to its folder, the folder): their bytes, and a finding for
    each page that cannot be read (SMS009) or lies outside its folder (SMS301)."""
    sources: list[tuple[str, bytes]] = []
    problems: list[Finding] = []
    real_dirs: dict[str, str] = {}  # for this call only: a folder may become a link between builds
    for path, root in pages:
        try:
            sources.append((path, read_inside(root, path, real_dirs)))
        except OutsideLink as link:
            problems.append(outside_link_finding(path, link))
        except OSError as exc:
            problems.append(RULES["SMS009"].finding(f"cannot be read: {exc.strerror or exc}", path=path))
    return sources, problems


def read_metas(docs_dir: Path) -> tuple[dict[str, bytes], dict[str, bytes], list[Finding]]:
    """The bytes of every folder's ``.meta.yml`` by folder (relative to docs_dir, '' for docs_dir itself),
    the bytes of every other YAML file of docs_dir by path (the data files documents may name, such as an
    assessment's judgements), and a finding for each folder-defaults file that lies outside docs_dir
    (SMS301) or cannot be read (SMS009). A data file that cannot be read is left out: the document that
    names it says so."""
    files: dict[str, bytes] = {}
    data: dict[str, bytes] = {}
    unread: list[Finding] = []
    real_dirs: dict[str, str] = {}
    for root, dirs, names in os.walk(docs_dir):
        dirs.sort()
        folder = Path(root).relative_to(docs_dir).as_posix()
        folder = "" if folder == "." else folder
        for name in sorted(names):
            if name != META_FILE and not name.endswith(DATA_SUFFIXES):
                continue
            path = f"{folder}/{name}" if folder else name
            if name != META_FILE:
                with contextlib.suppress(OutsideLink, OSError):  # the document naming it says it is missing
                    data[path] = read_inside(docs_dir, path, real_dirs)
                continue
            try:
                files[folder] = read_inside(docs_dir, path, real_dirs)
            except OutsideLink as link:
                unread.append(outside_link_finding(path, link, "the folder defaults are not read"))
            except OSError as exc:
                unread.append(RULES["SMS009"].finding(f"cannot be read: {exc.strerror or exc}", path=path))
    return files, data, unread
