"""The one way every face gets its handbook: a snapshot, its git history, the baseline, one analysis.

The MkDocs plugin, ``check``, ``export``, ``new``, ``baseline save``, both sides of ``diff`` and the
earlier side of the "what changed" page all come through :func:`load_handbook`, so the same pages
give the same findings whichever face asks.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import pathspec

from mkdocs_sms.analysis.approvals import approval_tag
from mkdocs_sms.analysis.changes import Changes
from mkdocs_sms.analysis.compare import Diff, Side, compare, reapprovals
from mkdocs_sms.analysis.handbook import Handbook, PageCache, analyse
from mkdocs_sms.analysis.trend import NOW, Point, Trend, point
from mkdocs_sms.catalogue import Catalogue
from mkdocs_sms.model import frontmatter
from mkdocs_sms.read.acknowledgements import load_acknowledgements
from mkdocs_sms.read.baseline import load_baseline
from mkdocs_sms.read.cache import HistoryCache, write_kept
from mkdocs_sms.read.evidence import GitEvidence, read_evidence
from mkdocs_sms.read.git import (
    GitError,
    History,
    default_ref,
    read_history,
    read_tags,
    repository,
    resolve_commit,
    version_commit,
)
from mkdocs_sms.read.mkdocs_yml import Project, load_project
from mkdocs_sms.read.snapshot import Snapshot, at_commits, at_ref, of_project
from mkdocs_sms.settings import Settings
from mkdocs_sms.translation import N_


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's collector of reference cycles held off while a handbook is read and reported (as it was
    before, afterwards). Reading makes hundreds of thousands of objects that all live on (60,000
    revisions, the pages and their documents), and each time their number grows by a few hundred the
    collector walks the young ones and, now and then, every object made so far, none of which is garbage:
    a warm ``check`` of 2,000 documents with 61,400 revisions spent 0.1 s of 0.35 s so. What reading
    leaves in cycles is a few hundred objects, collected once the collector runs again."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def set_aside() -> bool:
    """Move every object that exists now out of the cycle collector's sight (``gc.freeze``), for the rest
    of a build: the handbook read, with its revisions and pages, lives until the build ends, and each
    collection of the oldest objects while MkDocs renders the pages would walk it again (0.3 s of a
    2,000-document build with 61,400 revisions). Objects set aside are still freed when no longer used;
    only a cycle among them waits for :func:`take_back`. True when they were set aside: not when something
    else in the process has set objects aside (that is left alone)."""
    if gc.get_freeze_count():
        return False
    gc.freeze()
    return True


def take_back() -> None:
    """Give the objects :func:`set_aside` moved back to the collector, as the oldest ones."""
    gc.unfreeze()


def load_configuration(config_file: Path) -> tuple[Project, Settings, list[Catalogue]]:
    """The handbook's ``mkdocs.yml`` (INHERIT followed as MkDocs does), its settings and its catalogues."""
    project = load_project(config_file)
    settings = Settings.from_options(
        project.options, base_dir=config_file.parent, repo_url=project.repo_url, theme_language=project.theme_language,
        docs_dir=project.docs_dir,
    )  # fmt: skip
    return project, settings, settings.load_catalogues()


@collector_paused()
def load_handbook(
    snapshot: Snapshot,
    settings: Settings,
    catalogues: Sequence[Catalogue],
    *,
    git_dir: Path | None = None,
    previous: History | None = None,
    cache: PageCache | None = None,
    current: bool = True,
    keep: bool = False,
) -> Handbook:
    """Analyse ``snapshot``; with ``git_dir`` (docs_dir) and ``history`` enabled, with the git history of
    its pages (``previous`` is reused while HEAD and the pages are unchanged). ``current``: the handbook
    of now, judged against the acknowledgement file; an earlier side, a side of ``diff`` or a point of the
    trend is not (the file says who has read what today, and names documents that side may not have).

    The cache folder (``cache: true``) is written by a run that keeps its history, and with ``keep`` (a
    build, a ``check``) also when there is none to keep (``history: false``, no git): the pages and the
    catalogues' YAML. Other commands (``new``, ``adopt --dry-run``) write nothing there."""
    history = evidence = None
    writes = keep and settings.cache_dir is not None  # whether this run writes the cache folder
    if git_dir is not None and settings.history:
        history = read_history(git_dir, list(snapshot.pages), previous, cache=HistoryCache(settings.cache_dir))
        writes = writes or (settings.cache_dir is not None and not history.unavailable)
        if settings.approvals.enabled and not history.unavailable and history.head:
            evidence = _evidence(git_dir, snapshot, history, settings)
    baseline, problems = load_baseline(settings)
    # The pages read by an earlier run are taken from the cache folder; a cache of this process comes first.
    cache = cache if cache is not None else PageCache()
    cache.folder = settings.cache_dir
    handbook = analyse(
        snapshot, settings, catalogues, history=history, baseline=baseline, notes=problems, cache=cache,
        evidence=evidence, acknowledgements=load_acknowledgements(settings) if current else None,
    )  # fmt: skip
    if writes:
        assert settings.cache_dir is not None
        write_kept(settings.cache_dir)  # the catalogues' YAML
        cache.save()
    return handbook


_TAG_KEYS = ("id", "version", "status")


def _evidence(git_dir: Path, snapshot: Snapshot, history: History, settings: Settings) -> GitEvidence:
    """What git holds to prove the approvals of the approved documents: their approval commits come from
    the history pass, the names of their approval tags from the pages (a fixed number of git processes)."""
    commits, tags = set(), set()
    for revisions in history.revisions.values():
        approved_at = version_commit(revisions, revisions[0].version) if revisions else None
        if approved_at is not None:
            commits.add(approved_at.commit)
    if settings.approvals.signatures:
        for raw in snapshot.pages.values():
            try:
                document_id, version, status = frontmatter.quick_values(frontmatter.decode(raw), _TAG_KEYS)
            except frontmatter.UnreadableText:
                continue
            if status == "approved" and document_id and version:
                tags.add(approval_tag(document_id, version))
    try:
        root, _ = repository(git_dir)
    except GitError as exc:
        return GitEvidence(unavailable=str(exc))
    assert history.head is not None
    return read_evidence(root, history.head, commits, tags, settings.approvals.signatures)


def load_project_handbook(config_file: Path, with_history: bool = True, keep: bool = False) -> tuple[Project, Handbook]:
    """The handbook in the working tree of the project configured by ``config_file`` (``keep``: see
    :func:`load_handbook`)."""
    project, settings, catalogues = load_configuration(config_file)
    git_dir = project.docs_dir if with_history else None
    return project, load_handbook(of_project(project), settings, catalogues, git_dir=git_dir, keep=keep)


# Pages that git objects cannot reproduce (a link to outside docs_dir, a file that cannot be read) are
# left out of a comparison at both sides: otherwise every change would "introduce" them.
_NOT_IN_GIT = ("SMS301", "SMS009")


def load_side(
    project: Project, settings: Settings, catalogues: Sequence[Catalogue], ref: str | None, pages: PageCache
) -> Side:
    """One side of ``mkdocs-sms diff``: the handbook at the git ``ref``, or in the working tree (None);
    ``pages``, one cache for both sides, so that the second parses only the pages that differ.

    Raises GitError, naming the ref, when it cannot be read.
    """
    if ref is None:
        snapshot = of_project(project)
        snapshot = replace(snapshot, unread=tuple(f for f in snapshot.unread if f.code not in _NOT_IN_GIT))
    else:
        try:
            snapshot = at_ref(project.docs_dir, project.exclude, ref)
        except GitError as exc:
            raise GitError(f"'{ref}' cannot be read: {exc}") from None
    return Side(snapshot, load_handbook(snapshot, settings, catalogues, cache=pages, current=False))


def load_changes(
    docs_dir: Path,
    exclude: pathspec.PathSpec,  # type: ignore[type-arg]
    head: Side,
    ref: str | None,
    kept: Side | None = None,
    pages: PageCache | None = None,
) -> tuple[Changes, Side | None]:
    """What changed since ``ref`` (default: the newest earlier tag) for the "what changed" page, and the
    earlier side, which ``kept`` supplies again when it is of the same commit and settings. ``pages``: the
    cache of ``head``'s analysis, which the earlier side starts from (it is not changed)."""
    try:
        repository(docs_dir)
    except GitError as exc:
        return Changes(ref, unavailable=str(exc)), None
    ref = ref or default_ref(docs_dir)
    if ref is None:
        return Changes(None, unavailable="no earlier tagged edition to compare with"), None
    settings, catalogues = head.handbook.settings, head.handbook.catalogues
    try:
        commit = resolve_commit(docs_dir, ref)
        if kept is not None and kept.snapshot.commit == commit and kept.handbook.settings == settings:
            base = kept
        else:
            snapshot = at_ref(docs_dir, exclude, ref)
            reader = pages.copy() if pages is not None else None
            base = Side(snapshot, load_handbook(snapshot, settings, catalogues, cache=reader, current=False))
    except GitError as exc:
        return Changes(ref, unavailable=str(exc)), None
    return Changes(ref, base.snapshot.commit, compare_sides(docs_dir, base, head)), base


def compare_sides(docs_dir: Path, base: Side, head: Side) -> Diff:
    """:func:`compare`, with the history at the base ref of the documents approved again under the
    same version (one history pass for all of them, none when there are none)."""
    paths = reapprovals(base, head)
    history = None
    if paths and base.snapshot.commit is not None:
        cache = HistoryCache(base.handbook.settings.cache_dir)
        history = read_history(docs_dir, paths, ref=base.snapshot.commit, cache=cache)
    return compare(base, head, history)


@dataclass
class TrendCache:
    """The points of tags already analysed, which ``mkdocs serve`` keeps across rebuilds: a tagged
    edition does not change, so only a new tag, or other settings or catalogues, cost an analysis."""

    basis: tuple[Settings, tuple[Catalogue, ...]] | None = None
    points: dict[str, Point] = field(default_factory=dict)  # by commit


def load_trend(
    docs_dir: Path,
    exclude: pathspec.PathSpec,  # type: ignore[type-arg]
    head: Handbook,
    cache: TrendCache | None = None,
    pages: PageCache | None = None,
) -> Trend:
    """The trend over the tags reachable from HEAD (``trend_tags``, the newest ``trend_limit``), oldest
    first, and ``head`` (the whole handbook being built, not an audience's view) as the last point.

    Each tag is analysed as ``diff`` analyses a ref (this build's settings and catalogues, no git history)
    on the date of its commit, so that reviews and evidence are judged as they stood then. The tags come
    from one ``for-each-ref`` and their pages from four git processes in all (see :func:`at_commits`).
    They are analysed newest first with one PageCache, started from ``pages`` (the cache of ``head``'s
    analysis, which is not changed), so that each tag parses only the pages that differ from the next.
    """
    settings, catalogues = head.settings, head.catalogues
    trend = Trend(catalogues[0].name)
    if not settings.history:
        return replace(trend, unavailable=N_("this handbook is built without its git history"))
    if settings.trend_limit == 0:
        return replace(trend, unavailable=N_("it is turned off for this handbook"))
    tags = read_tags(docs_dir, settings.trend_tags, settings.trend_limit)
    if tags.unavailable:
        return replace(trend, unavailable=tags.unavailable)
    cache = cache if cache is not None else TrendCache()
    if cache.basis != (settings, tuple(catalogues)):
        cache.basis, cache.points = (settings, tuple(catalogues)), {}
    wanted = list(dict.fromkeys(tag.commit for tag in reversed(tags.tags) if tag.commit not in cache.points))
    dates = {tag.commit: tag.date for tag in tags.tags}
    reader = pages.copy() if pages is not None else PageCache()
    try:
        for snapshot in at_commits(docs_dir, exclude, wanted):
            commit, date = snapshot.label, dates[snapshot.label]
            handbook = load_handbook(snapshot, replace(settings, today=date), catalogues, cache=reader, current=False)
            cache.points[commit] = point(handbook, commit, date, commit)
    except GitError as exc:
        return replace(trend, unavailable=f"the tagged editions cannot be read: {exc}")
    points = [replace(cache.points[tag.commit], label=tag.name) for tag in tags.tags]
    points.append(point(head, NOW, settings.today, None))
    cache.points = {tag.commit: cache.points[tag.commit] for tag in tags.tags}
    return replace(trend, points=tuple(points))
