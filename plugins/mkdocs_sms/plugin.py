"""The MkDocs adapter: events only. The analysis itself lives in :mod:`mkdocs_sms.analysis.handbook`."""

from __future__ import annotations

import datetime as dt
import json
import os
import posixpath
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from markupsafe import Markup
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url
from mkdocs.utils.templates import TemplateContext

from mkdocs_sms import render
from mkdocs_sms.analysis.audience import (
    published,
    published_changes,
    published_trend,
    unlink,
    withheld_attachments,
    withheld_reference,
)
from mkdocs_sms.analysis.changes import Changes
from mkdocs_sms.analysis.compare import Side
from mkdocs_sms.analysis.handbook import Handbook, PageCache
from mkdocs_sms.analysis.trend import Trend
from mkdocs_sms.catalogue import BUILTIN, Catalogue, CatalogueError, resolve_clause
from mkdocs_sms.config import SmsConfig
from mkdocs_sms.load import TrendCache, collector_paused, load_changes, load_handbook, load_trend, set_aside, take_back
from mkdocs_sms.model import references
from mkdocs_sms.model.document import Document
from mkdocs_sms.options import DEFAULTS
from mkdocs_sms.read.baseline import baseline_path
from mkdocs_sms.read.files import OutsideLink, read_inside
from mkdocs_sms.read.git import History
from mkdocs_sms.read.mkdocs_yml import exclusion
from mkdocs_sms.read.snapshot import of_files
from mkdocs_sms.rules import Finding, Severity
from mkdocs_sms.settings import Settings, SettingsError
from mkdocs_sms.text import md_cell, shown
from mkdocs_sms.translation import N_

log = get_plugin_logger(__name__)

CSS_URI = "assets/mkdocs-sms/sms.css"
JS_URI = "assets/mkdocs-sms/sms.js"
JSON_URI = "sms.json"
# Search on file:// pages, which Material's offline plugin would otherwise fetch from unpkg.com; its name
# holds "iframe-worker" so that the offline plugin, seeing one there, adds no other.
WORKER_URI = "assets/mkdocs-sms/iframe-worker.js"
# Statuses marked in the navigation, with the tooltip Material shows.
STATUS_ICONS = {
    "draft": N_("Draft: not approved"),
    "review": N_("In review: not yet approved"),
    "retired": N_("Retired"),
}


class SmsPlugin(BasePlugin[SmsConfig]):  # type: ignore[no-untyped-call]
    """Checks the handbook's documents, adds the register, coverage and review pages and the panels."""

    def __init__(self) -> None:
        self.settings: Settings | None = None
        self.catalogues: list[Catalogue] = []
        self.handbook: Handbook | None = None
        self._files_by_id: dict[str, File] = {}
        self._generated: set[str] = set()
        self._unreadable: set[str] = set()
        self._documents_by_path: dict[str, Document] = {}
        self._coverage_file: File | None = None
        self._generated_files: dict[str, File] = {}
        self._history: History | None = None
        self._pages = PageCache()  # kept across `mkdocs serve` rebuilds, like the history
        self._withheld: set[str] = set()  # paths of the pages above the audience
        self._withheld_ids: set[str] = set()
        self._changes: Changes | None = None
        self._base: Side | None = None  # the earlier side of the changes page, kept across rebuilds
        self._trend: Trend | None = None
        self._trend_cache = TrendCache()  # the tagged editions analysed, kept across rebuilds
        self._offline = False  # Material's offline plugin is on: the site is read from disk too
        # What the last build rendered, for a `mkdocs serve` rebuild to reuse while what it shows is
        # unchanged: panels and revision histories by page, with what each was rendered from; the
        # generated pages' content, unfilled and filled.
        self._rendered_for: tuple[Any, ...] | None = None
        self._panels: dict[str, tuple[tuple[Any, ...], str, str]] = {}
        self._filled_for: tuple[Any, ...] | None = None
        self._filled: dict[str, tuple[str, str]] = {}
        self._serving = False  # under `mkdocs serve`, where pages show their findings by default
        self._show_findings = False
        self._told_hidden = False  # whether the log has said why pages show no findings
        self._page_findings: dict[str, tuple[Finding, ...]] = {}  # by page path, when they are shown
        self._set_aside = False  # whether this build's objects are out of the cycle collector's sight

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Defining this keeps one plugin instance across ``mkdocs serve`` rebuilds; the command decides
        whether pages show their findings by default."""
        self._serving = command == "serve"

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        """Validate the options and load the catalogues once, before any file is read."""
        if not self.config.enabled:
            return config
        base_dir = Path(config.config_file_path or ".").parent
        options = {key: self.config[key] for key in DEFAULTS}
        try:
            self.settings = Settings.from_options(
                options, base_dir=base_dir, repo_url=config.repo_url, theme_language=config.theme.get("language"),
                docs_dir=Path(config.docs_dir),
            )  # fmt: skip
            self.catalogues = self.settings.load_catalogues()
        except (SettingsError, CatalogueError) as exc:
            raise PluginError(f"sms: {exc}") from None
        self._show_findings = self._findings_shown(self.settings)
        render.use_language(self.settings.language)
        # Tooltips of Material's status icons in the navigation (the user's own titles win).
        titles = config.extra.setdefault("status", {})
        if isinstance(titles, dict):
            for status, text in STATUS_ICONS.items():
                titles.setdefault(status, render.word(text))
        # A theme's custom_dir may hold sms/<fragment>.html files that replace the shipped fragments.
        render.use_overrides([Path(config.theme.custom_dir)] if config.theme.custom_dir else [])
        if CSS_URI not in config.extra_css:
            config.extra_css.append(CSS_URI)
        if JS_URI not in (str(script) for script in config.extra_javascript):  # entries may be {path: ...}
            config.extra_javascript.append(JS_URI)
        self._offline = _offline(config)
        if self._offline:
            polyfills = [str(url) for url in config.extra.get("polyfills") or [] if "iframe-worker" not in str(url)]
            config.extra["polyfills"] = [*polyfills, WORKER_URI]
        for ref in self.settings.catalogues:
            if ref not in BUILTIN:
                config.watch.append(str(base_dir / ref))
        baseline = baseline_path(self.settings)
        if self.settings.implementation is not None and baseline.is_file():
            # A baseline saved again while `mkdocs serve` runs shows at once on the implementation page.
            config.watch.append(str(baseline))
        # Acknowledgements exported again while `mkdocs serve` runs show at once too.
        for name in self.settings.acknowledge.files:
            if (base_dir / name).is_file():
                config.watch.append(str(base_dir / name))
        return config

    def _findings_shown(self, settings: Settings) -> bool:
        """Whether pages show their findings: as ``show_findings`` says, under ``mkdocs serve`` when it
        says nothing. ``mkdocs serve`` is the author's own preview and shows only the findings its
        audience's sms.json carries anyway; a build for an audience below the highest classification never
        shows them, so that no published page carries them."""
        if settings.show_findings is None:
            return self._serving
        if settings.show_findings and not self._serving and settings.audience != settings.classifications[-1]:
            if not self._told_hidden:  # once
                log.info(
                    f"show_findings is ignored: this build is for the audience '{settings.audience}', below the "
                    f"highest classification ('{settings.classifications[-1]}'), so pages do not show their findings"
                )
                self._told_hidden = True
            return False
        return settings.show_findings

    @event_priority(-50)
    @collector_paused()
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        """Read every page's front-matter, report findings, and add the generated files.

        Runs late so that pages other plugins add are checked too; all checking happens here so the
        findings are logged once per build, before any page is rendered.
        """
        if self.settings is None:
            return files
        docs_dir = Path(config.docs_dir)
        snapshot = of_files(
            "this edition",
            docs_dir,
            (
                (file.src_uri, Path(file.src_dir or config.docs_dir))
                for file in files.documentation_pages()
                if not getattr(file, "generated_by", None) and file.abs_src_path is not None
            ),
        )
        # The history is kept across `mkdocs serve` rebuilds; read again only when HEAD or the set of pages moves.
        handbook = load_handbook(
            snapshot,
            self.settings,
            self.catalogues,
            git_dir=docs_dir,
            previous=self._history,
            cache=self._pages,
            keep=True,
        )
        self._history = handbook.history
        changes = None
        exclude = exclusion(config.exclude_docs, config.draft_docs)
        if self.settings.history:
            changes, self._base = load_changes(
                docs_dir, exclude, Side(snapshot, handbook), self.settings.changes_since, self._base, self._pages
            )
        trend = load_trend(docs_dir, exclude, handbook, self._trend_cache, self._pages)
        self._unreadable = {f.path for f in handbook.findings if f.code == "SMS009" and f.path}
        for finding in handbook.findings:
            level = log.info if finding.severity is Severity.INFO else log.warning
            level(finding.message)

        # An assessment's judgements file is read into the analysis and shown through the generated pages,
        # which leave out what the audience may not see; the file itself, with every id, is never published.
        for page in handbook.pages:
            if page.document is not None and page.document.judgements_path is not None:
                found = files.get_file_from_path(page.document.judgements_path)
                if found is not None and not found.is_documentation_page():
                    files.remove(found)

        # The acknowledgement and people files name people: when kept in docs_dir they are read, never published.
        for name in self.settings.acknowledge.files:
            inside = os.path.relpath(os.path.abspath(self.settings.base_dir / name), os.path.abspath(docs_dir))
            found = files.get_file_from_path(Path(inside).as_posix()) if not inside.startswith("..") else None
            if found is not None and not found.is_documentation_page():
                files.remove(found)

        # Everything from here on is rendered from what the audience may see; pages above it go.
        view = published(handbook)
        # Generated pages this audience may not see are withheld like pages: out of the navigation, links unlinked.
        unseen = {f"{self.settings.pages_dir}/{name}" for name in render.withheld_pages(view)}
        self._withheld = {p.path for p in handbook.pages} - {p.path for p in view.pages} | unseen
        self._withheld_ids = {d.id for d in handbook.documents if d.id not in view.by_id}
        for path in self._withheld:
            found = files.get_file_from_path(path)
            if found is not None:
                files.remove(found)
        if self._withheld and config.nav:
            config.nav = _without(config.nav, self._withheld)
        if self._withheld:
            self._withhold_attachments(files, config, snapshot.pages)
        self._changes = published_changes(view, changes)
        self._trend = published_trend(view, trend)
        handbook = self.handbook = view
        self._documents_by_path = {p.path: p.document for p in handbook.pages if p.document}
        self._page_findings = {}
        if self._show_findings:
            for finding in handbook.findings:
                if finding.path is not None:
                    self._page_findings[finding.path] = (*self._page_findings.get(finding.path, ()), finding)

        self._generated = set()
        pages = render.page_sources(handbook)
        for name, content in pages.items():
            self._add(files, config, f"{self.settings.pages_dir}/{name}", content)
        self._add(files, config, JSON_URI, json.dumps(render.handbook_json(handbook, self._trend), ensure_ascii=False))
        self._add(files, config, CSS_URI, render.stylesheet())
        self._add(files, config, JS_URI, render.script())
        if self._offline:
            self._add(files, config, WORKER_URI, render.frame_worker())
        self._coverage_file = files.get_file_from_path(f"{self.settings.pages_dir}/coverage.md")
        self._generated_files = {
            name.removesuffix(".md"): found
            for name in pages
            if (found := files.get_file_from_path(f"{self.settings.pages_dir}/{name}")) is not None
        }
        self._files_by_id = {}
        for document in handbook.documents:
            found = files.get_file_from_path(document.path)
            if found is not None:
                self._files_by_id[document.id] = found
        self._keep_rendered(config)
        self._render_panels(files)
        # What was read lives until the build ends: collections while the pages are rendered skip it.
        self._set_aside = self._set_aside or set_aside()
        return files

    def _withhold_attachments(self, files: Files, config: MkDocsConfig, sources: Mapping[str, bytes]) -> None:
        """Leave out the files of docs_dir (images, PDFs...) that only withheld pages link to; a file the
        configuration names (a logo, a stylesheet, an entry of the navigation) stays."""
        texts = {path: raw.decode("utf-8", errors="replace") for path, raw in sources.items()}
        named = {str(config.theme.get("logo")), str(config.theme.get("favicon")), *_nav_paths(config.nav or [])}
        named.update(str(item) for item in (*config.extra_css, *config.extra_javascript))
        for path in withheld_attachments(texts, self._withheld) - named:
            found = files.get_file_from_path(path)
            if found is not None and not found.is_documentation_page() and found.src_dir == config.docs_dir:
                files.remove(found)

    def _keep_rendered(self, config: MkDocsConfig) -> None:
        """Forget what the last build rendered when what it depends on has changed.

        Every panel depends on the settings (today's date among them), the catalogues (which keep their
        identity while their text is unchanged) and where pages end up; the generated pages depend on
        those, the whole (published) handbook and the changes since the last edition. An edit of a
        page's text leaves the handbook equal (documents compare by their front-matter).
        """
        rendered_for = (
            self.settings,
            tuple(self.catalogues),
            config.use_directory_urls,
            self._coverage_file.url if self._coverage_file else None,
            [(doc_id, file.url) for doc_id, file in self._files_by_id.items()],
            render.overrides_stamp(),
        )
        if rendered_for != self._rendered_for:
            self._panels = {}
        filled_for = (rendered_for, self.handbook, self._changes, self._trend)
        if filled_for != self._filled_for:
            self._filled = {}
        self._rendered_for, self._filled_for = rendered_for, filled_for

    def _add(self, files: Files, config: MkDocsConfig, uri: str, content: str) -> None:
        if files.get_file_from_path(uri) is not None:
            raise PluginError(
                f"sms: docs_dir already has {uri}, which the plugin generates; "
                "move that file or set another 'pages_dir'"
            )
        files.append(File.generated(config, uri, content=content))
        self._generated.add(uri)

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        self._take_back()

    def on_build_error(self, *, error: Exception) -> None:
        self._take_back()

    def on_shutdown(self) -> None:
        self._take_back()

    def _take_back(self) -> None:
        if self._set_aside:
            take_back()
            self._set_aside = False

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation | None:
        """Give the folder of generated pages a readable title when the navigation is automatic."""
        if self.settings is None:
            return nav
        auto_title = self.settings.pages_dir.rsplit("/", 1)[-1].replace("-", " ").replace("_", " ").capitalize()
        for section in _sections(nav.items):
            pages = [item for item in section.children if isinstance(item, Page)]
            if section.title == auto_title and pages and all(p.file.src_uri in self._generated for p in pages):
                section.title = "SMS registers"
        return nav

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        """Escape front-matter titles (themes print ``page.title`` unescaped) and adapt ``status``.

        Material shows an icon beside pages whose ``page.meta`` has a ``status``; an approved document
        needs none, so only draft, in-review and retired documents get one. The status is the
        document's own, folder defaults included, so the icon is the same with or without Material's
        meta plugin (which alone would copy ``.meta.yml`` values into ``page.meta``).
        """
        title = page.meta.get("title")
        if isinstance(title, (str, int, float, dt.date)) and not isinstance(title, Markup):
            page.meta["title"] = Markup.escape(title)
        elif title is not None and not isinstance(title, Markup):
            # A list or mapping: the theme would print str() of it, which never ends for an alias bomb.
            page.meta["title"] = Markup.escape(shown(title))
        document = self._documents_by_path.get(page.file.src_uri)
        if document is not None and document.status in STATUS_ICONS:
            page.meta["status"] = document.status
        elif document is not None:
            page.meta.pop("status", None)
        if self.handbook is not None:
            markdown = references.replace(markdown, lambda ref, text: self._reference(page, ref, text))
        if self._withheld:
            markdown = unlink(markdown, page.file.src_uri, self._withheld)
        if document is not None and self._history is not None and self._history.of(document.path):
            # Material shows this as "Last update" at the foot of the page.
            page.meta["revision_date"] = self._history.of(document.path)[0].date
        return markdown

    def _reference(self, page: Page, ref: str, text: str | None) -> str:
        """``[[ID]]`` as a Markdown link to the document's source file, which MkDocs then resolves."""
        target = self._files_by_id.get(ref)
        if ref in self._withheld_ids:
            return withheld_reference(text)
        if target is None or self.handbook is None:
            return f"[[{ref}{'|' + text if text else ''}]]"  # reported as SMS008; left as written
        label = text.strip() if text else self.handbook.by_id[ref].title
        relative = posixpath.relpath(target.src_uri, posixpath.dirname(page.file.src_uri) or ".")
        return f"[{md_cell(label)}](<{relative}>)"

    def on_page_read_source(self, *, page: Page, config: MkDocsConfig) -> str | None:
        """Let a page that is not UTF-8 build (with replacement characters), and one that cannot be
        read at all (a broken symbolic link, a named pipe) build empty, instead of crashing or waiting
        for ever: SMS009 names both."""
        if page.file.src_uri in self._unreadable and page.file.src_dir:
            try:
                return read_inside(Path(page.file.src_dir), page.file.src_uri).decode("utf-8", errors="replace")
            except (OSError, OutsideLink):
                return ""
        return None

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        """Name the edition on every page; mark where a document's panel and history go.

        Panels, revision histories and the generated pages' tables are put in place in
        ``on_page_context``, after the search plugin has indexed the content: indexing their markup would
        double the time search takes, and every document is found through its own page anyway. A short
        line of the document's metadata stays in the indexed content so that search finds it by id,
        owner or clause; the coverage page gets one short section per row for search to index, which
        the filling takes out again.
        """
        if self.handbook is None or self.settings is None:
            return html
        top = render.render_edition(self.settings)
        if self._coverage_file is not None and page.file.src_uri == self._coverage_file.src_uri:
            html = render.coverage_search_sections(html, self.handbook)
        if page.file.src_uri in self._page_findings:
            top += render.FINDINGS_MARKER  # filled after indexing: search should not find the findings
        document = self._documents_by_path.get(page.file.src_uri)
        if document is not None:
            top += render.PANEL_MARKER + render.render_search_keys(document)
            html += render.HISTORY_MARKER
        if html.startswith("<h1"):
            end = html.find("</h1>") + len("</h1>")
            return html[:end] + top + html[end:]
        return top + html

    @event_priority(-50)
    def on_page_context(
        self, context: TemplateContext, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext | None:
        """Fill the generated pages and put each document's panel in place.

        Runs after the search plugin (priority 0) has indexed ``page.content`` and before the theme
        renders it; replacing in the content rather than in the finished page keeps the strings short.
        """
        if self.handbook is None or page.content is None:
            return context
        uri = page.file.src_uri
        if uri in self._generated:
            unfilled, filled = self._filled.get(uri, (None, ""))
            if page.content != unfilled:
                links = self._links(page.url)
                trend = render.render_trend(self._trend, self.handbook.catalogues)
                filled = page.content.replace(
                    render.PLACEHOLDER.format("changes"), render.render_changes(self._changes, links)
                ).replace(render.PLACEHOLDER.format("trend"), trend)
                filled = render.fill(filled, self.handbook, links)
                self._filled[uri] = (page.content, filled)
            page.content = filled
            return context
        findings = self._page_findings.get(uri, ())
        if findings:
            page.content = page.content.replace(render.FINDINGS_MARKER, render.render_findings(findings), 1)
        document = self._documents_by_path.get(uri)
        if document is None or render.PANEL_MARKER not in page.content:
            return context
        panel, history = self._panel(uri, document, page.url)
        page.content = page.content.replace(render.PANEL_MARKER, panel, 1).replace(render.HISTORY_MARKER, history, 1)
        return context

    def _render_panels(self, files: Files) -> None:
        """Render every document's panel and revision history in one pass, before any page is built.

        Rendered one by one between the pages, each panel waited on memory that the page's Markdown had
        just taken over: three times as long (0.28 ms against 0.09 ms a panel, at 2,000 documents).
        """
        for path, document in self._documents_by_path.items():
            found = files.get_file_from_path(path)
            if found is not None:
                self._panel(path, document, found.url)

    def _panel(self, uri: str, document: Document, url: str) -> tuple[str, str]:
        """The panel and revision history of the document at ``uri``, whose page is at ``url``: rendered
        again only when what they show has changed since the last build."""
        handbook = self.handbook
        assert handbook is not None
        findings = len(self._page_findings.get(uri, ()))
        rendered_from = (
            url,
            findings,
            document,
            [handbook.by_id.get(ref) for ref in document.related],
            handbook.referenced_by.get(document.id, ()),
            (handbook.history.unavailable, handbook.history.of(document.path)) if handbook.history else None,
        )
        kept, panel, history = self._panels.get(uri, (None, "", ""))
        if rendered_from != kept:
            panel = render.render_panel(document, handbook, self._links(url), findings)
            history = render.render_history(document, handbook)
            self._panels[uri] = (rendered_from, panel, history)
        return panel, history

    def _links(self, url: str) -> _PageLinks:
        assert self.handbook is not None
        return _PageLinks(url, self._files_by_id, self._coverage_file, self.handbook, self._generated_files)


def _offline(config: MkDocsConfig) -> bool:
    """Whether Material's offline plugin is on, so that the site will also be opened from disk."""
    for name, plugin in config.plugins.items():
        if name.rsplit("/", 1)[-1] == "offline" and getattr(plugin, "config", {}).get("enabled", True):
            return True
    return False


def _without(nav: list[Any], paths: set[str]) -> list[Any]:
    """The ``nav`` configuration without entries for ``paths``, and without sections left empty."""
    kept: list[Any] = []
    for item in nav:
        value = next(iter(item.values())) if isinstance(item, dict) and len(item) == 1 else item
        if isinstance(value, str) and posixpath.normpath(value.lstrip("/")) in paths:
            continue
        if isinstance(value, list):
            children = _without(value, paths)
            if not children and value:
                continue
            item = {next(iter(item)): children} if isinstance(item, dict) else children
        kept.append(item)
    return kept


def _nav_paths(nav: list[Any]) -> Iterator[str]:
    """The paths an explicit ``nav`` configuration names, relative to docs_dir."""
    for item in nav:
        value = next(iter(item.values())) if isinstance(item, dict) and len(item) == 1 else item
        if isinstance(value, str):
            yield posixpath.normpath(value.lstrip("/"))
        elif isinstance(value, list):
            yield from _nav_paths(value)


def _sections(items: list[Any]) -> Iterator[Section]:
    for item in items:
        if isinstance(item, Section):
            yield item
            yield from _sections(item.children)


class _PageLinks:
    """URLs of documents and clauses, relative to the page being rendered."""

    def __init__(
        self,
        url: str,
        files_by_id: dict[str, File],
        coverage: File | None,
        handbook: Handbook,
        generated: Mapping[str, File] | None = None,
    ) -> None:
        self._url = url
        self._generated = generated or {}
        self._files_by_id = files_by_id
        self._handbook = handbook
        self._coverage = coverage
        self._anchors = render.Anchors(handbook.catalogues)

    def document(self, doc_id: str) -> str | None:
        file = self._files_by_id.get(doc_id)
        return get_relative_url(file.url, self._url) if file else None

    def clause(self, clause: str) -> str | None:
        resolved = resolve_clause(clause, self._handbook.catalogues)
        if resolved is None or self._coverage is None:
            return None
        page_url = get_relative_url(self._coverage.url, self._url)
        return f"{page_url}#{self._anchors.clause(resolved[0].name, resolved[1])}"

    def page(self, name: str) -> str | None:
        file = self._generated.get(name)
        return get_relative_url(file.url, self._url) if file else None
