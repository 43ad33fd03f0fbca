"""Requirement catalogues: which documented information a standard asks for, clause by clause.

A catalogue is a YAML file (format in the README). ``iso20000-1:2018`` and ``iso27001:2022`` ship
inside the package; users add their own files by path. A malformed catalogue stops with
:class:`CatalogueError`, whose message names the file, the line and the problem; ``mkdocs-sms
catalogue check`` lists every problem.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import replace
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from mkdocs_sms.catalogue.model import (
    AUDIT_KEYS,
    BASES,
    CATALOGUE_KEYS,
    CLAUSE_KEYS,
    CLAUSE_NUMBER,
    KINDS,
    LEVELS,
    OPERATION_KEY,
    PACK_KEYS,
    REQUIREMENT_KEYS,
    Activity,
    Catalogue,
    CatalogueError,
    Clause,
    Requirement,
    accepted_refs,
    ambiguous,
    clause_ref,
    resolve_clause,
    split_ref,
    unresolved,
    within,
)
from mkdocs_sms.catalogue.parse import read_catalogue, yaml_data
from mkdocs_sms.read.cache import keep_data, kept_data

__all__ = [
    "AUDIT_KEYS",
    "BASES",
    "BUILTIN",
    "CATALOGUE_KEYS",
    "CLAUSE_KEYS",
    "CLAUSE_NUMBER",
    "KINDS",
    "LEVELS",
    "OPERATION_KEY",
    "PACK_KEYS",
    "REQUIREMENT_KEYS",
    "Activity",
    "Catalogue",
    "CatalogueError",
    "Clause",
    "Requirement",
    "accepted_refs",
    "ambiguous",
    "catalogue_text",
    "clause_ref",
    "load_catalogue",
    "load_catalogues",
    "resolve_clause",
    "split_ref",
    "unresolved",
    "within",
]  # fmt: skip

BUILTIN = {"iso20000-1:2018": "iso20000-1-2018.yml", "iso27001:2022": "iso27001-2022.yml"}


def load_catalogues(
    refs: Sequence[str], base_dir: Path, types: Iterable[str], default: str | None = None, cache: Path | None = None
) -> list[Catalogue]:
    """Load every catalogue named in the configuration, in order; ``default`` names the catalogue that
    unqualified clause numbers refer to. ``cache``: the folder where what their YAML holds is kept."""
    catalogues: list[Catalogue] = []
    for ref in refs:
        catalogue = load_catalogue(ref, base_dir, tuple(types), cache)
        if any(other.name == catalogue.name for other in catalogues):
            raise CatalogueError(f"{catalogue.origin}: catalogue name '{catalogue.name}' is loaded twice")
        catalogues.append(catalogue)
    if default is not None:
        names = [catalogue.name for catalogue in catalogues]
        if default not in names:
            raise CatalogueError(
                f"option 'default_catalogue': '{default}' is not a loaded catalogue (loaded: {', '.join(names)})"
            )
        catalogues = [replace(c, default=True) if c.name == default else c for c in catalogues]
    return catalogues


def load_catalogue(ref: str, base_dir: Path, types: tuple[str, ...], cache: Path | None = None) -> Catalogue:
    """Load a built-in catalogue by name or a catalogue file by path (relative to ``base_dir``)."""
    text, origin = catalogue_text(ref, base_dir)
    return _parse(text, origin, types, cache)


def catalogue_text(ref: str, base_dir: Path) -> tuple[str, str]:
    """The text of a built-in catalogue (by name) or of a catalogue file (by path), and its origin."""
    if ref in BUILTIN:
        text = (resources.files(__package__) / "catalogues" / BUILTIN[ref]).read_text("utf-8")
        return text, f"built-in catalogue {ref}"
    path = base_dir / ref
    if not path.is_file():
        raise CatalogueError(f"{path}: no such catalogue file (built-in catalogues: {', '.join(BUILTIN)})")
    try:
        return path.read_text("utf-8"), str(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogueError(f"{path}: cannot be read: {exc}") from None


@lru_cache(maxsize=16)
def _parse(text: str, origin: str, types: tuple[str, ...], cache: Path | None = None) -> Catalogue:
    """The catalogue in ``text``. The same text gives the same (immutable) object, so that a
    ``mkdocs serve`` rebuild after an edit elsewhere sees the catalogue it saw before.

    Reading the YAML of the built-in catalogue is most of a small build's start (0.03 s of 0.05 s): what
    it holds is kept in ``cache`` under a digest of the text (written by a run that reads the history,
    see load_handbook) and read from there by the next run."""
    name = f"catalogue-{hashlib.sha256(text.encode()).hexdigest()[:24]}.json"
    kept = kept_data(cache, name) if cache is not None else None
    loaded: tuple[Any, ...] = ()
    if kept is None:
        with contextlib.suppress(yaml.YAMLError):  # read_catalogue reports it, with its line
            loaded = (yaml_data(text),)
    catalogue, problems = read_catalogue(text, types, *(kept or loaded))
    if catalogue is not None and cache is not None and loaded:
        keep_data(cache, name, loaded[0])
    if catalogue is None:
        first = problems[0]
        more = (
            f" (and {len(problems) - 1} more problem(s): run 'mkdocs-sms catalogue check')" if len(problems) > 1 else ""
        )
        raise CatalogueError(first.message(origin) + more)
    return replace(catalogue, origin=origin)
