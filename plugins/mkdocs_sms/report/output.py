"""Files the command line writes: whole or not at all."""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from pathlib import Path


class OutputError(Exception):
    """A file that cannot be written; nothing was written and what was there is intact."""


def write_file(path: Path, content: str | bytes, overwrite: bool = True, make_folders: bool = False) -> None:
    """Write ``content`` to ``path`` whole or not at all: into a temporary file beside it, synced, then
    renamed over it, so a full disk, a file size limit or an interruption leaves the old file as it was.
    ``overwrite=False`` refuses a file that exists, even one that appears meanwhile; ``make_folders``
    creates the folders above it. Raises :class:`OutputError` with the reason in one line."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    if path.is_symlink():  # write the file the link names, and keep the link
        path = path.resolve()
    if path.is_dir():
        raise OutputError(f"cannot write {path}: it is a folder")
    if make_folders:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"cannot create the folder {path.parent}: {exc.strerror or exc}") from None
    if not path.parent.is_dir():
        raise OutputError(f"cannot write {path}: folder {path.parent} does not exist")
    if not overwrite and path.exists():
        raise OutputError(f"{path} already exists")
    temporary = path.parent / f".{path.name}.{secrets.token_hex(4)}.tmp"
    try:
        with open(temporary, "xb") as handle:  # created with the umask's permissions
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if overwrite:
            if path.exists():  # keep the permissions the file had
                os.chmod(temporary, stat.S_IMODE(path.stat().st_mode))
            os.replace(temporary, path)
        else:
            _link_new(temporary, path)
    except FileExistsError:
        raise OutputError(f"{path} already exists") from None
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)


def _link_new(temporary: Path, path: Path) -> None:
    """Give ``temporary`` the name ``path`` unless that exists (a hard link fails then, atomically)."""
    try:
        os.link(temporary, path)
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.ENOSYS, errno.EXDEV):
            raise
        # A file system without hard links: check, then rename (a narrow race, no partial file).
        if path.exists():
            raise FileExistsError(errno.EEXIST, "exists", str(path)) from None
        os.replace(temporary, path)
