"""Finding a handbook on disk the way MkDocs would: its ``mkdocs.yml``, docs_dir and pages.

The command line uses this to check a handbook without building it. ``mkdocs.yml`` often holds tags
for MkDocs itself (``!ENV``, ``!!python/name:`` for Markdown extensions); they are read as inert
values here and never executed.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import mergedeep
import pathspec
import yaml

from mkdocs_sms.settings import SettingsError

try:
    from yaml import CSafeLoader as _Base
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Base  # type: ignore[assignment]

# MkDocs' own file extensions for Markdown pages, and its default exclusions.
MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkdn", ".mkd")
DEFAULT_EXCLUDE = pathspec.gitignore.GitIgnoreSpec.from_lines([".*", "/templates/"])


class _ConfigLoader(_Base):  # type: ignore[misc,valid-type]
    """A safe loader that reads MkDocs' tags as plain values."""


def _env_tag(loader: yaml.Loader, node: yaml.Node) -> Any:
    """``!ENV NAME`` or ``!ENV [NAME, OTHER, default]``, as MkDocs reads them."""
    if not isinstance(node, yaml.SequenceNode):
        return os.environ.get(str(node.value))
    items = loader.construct_sequence(node)
    variables, default = (items[:-1], items[-1]) if len(items) > 1 else (items, None)
    return next((os.environ[str(v)] for v in variables if str(v) in os.environ), default)


def _inert(loader: yaml.Loader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_scalar(node) if isinstance(node, yaml.ScalarNode) else None


_ConfigLoader.add_constructor("!ENV", _env_tag)
_ConfigLoader.add_multi_constructor("!", _inert)
_ConfigLoader.add_multi_constructor("tag:yaml.org,2002:python/", _inert)


@dataclass(frozen=True)
class Project:
    """A handbook on disk."""

    config_file: Path
    docs_dir: Path
    options: Mapping[str, Any]
    plugin_enabled: bool
    exclude: pathspec.PathSpec  # type: ignore[type-arg]
    repo_url: str | None = None
    site_url: str | None = None
    use_directory_urls: bool = True
    site_name: str = ""
    # The Markdown extensions as (name, options), in the order written; the PDF pack converts with them.
    markdown_extensions: tuple[tuple[str, Mapping[str, Any]], ...] = ()
    theme_language: str | None = None  # theme.language, which the generated pages follow

    def page_url(self, path: str) -> str | None:
        """The address of the page built from ``path`` (relative to docs_dir), when site_url is set."""
        if not self.site_url:
            return None
        stem = path.rsplit(".", 1)[0]
        if self.use_directory_urls:
            stem = "" if stem in ("index", "README") else stem.removesuffix("/index").removesuffix("/README") + "/"
        else:
            stem += ".html"
        return self.site_url.rstrip("/") + "/" + stem

    def page_paths(self) -> Iterator[str]:
        """Every Markdown page MkDocs would build, as a path relative to docs_dir.

        Symbolic links are followed as MkDocs follows them; :meth:`sources` then declines to read a
        page whose real location is outside docs_dir.
        """
        for root, dirs, files in os.walk(self.docs_dir, followlinks=True):
            dirs.sort()
            folder = Path(root).relative_to(self.docs_dir).as_posix()
            prefix = "" if folder == "." else folder + "/"
            for name in sorted(files):
                if name.endswith(MARKDOWN_SUFFIXES) and not self.exclude.match_file(prefix + name):
                    yield prefix + name


def load_project(config_file: Path) -> Project:
    """Read ``mkdocs.yml``; raise :class:`SettingsError` when it cannot be used."""
    data = load_config_data(config_file)
    base = config_file.parent
    docs_dir = (base / str(data.get("docs_dir") or "docs")).resolve()
    if not docs_dir.is_dir():
        raise SettingsError(f"docs_dir {docs_dir} does not exist")
    options, enabled = _plugin_options(data.get("plugins"))
    exclude = exclusion(data.get("exclude_docs"), data.get("draft_docs"))
    repo_url, site_url = data.get("repo_url"), data.get("site_url")
    return Project(
        config_file, docs_dir, options, enabled, exclude,
        repo_url=repo_url if isinstance(repo_url, str) else None,
        site_url=site_url if isinstance(site_url, str) and site_url else None,
        use_directory_urls=data.get("use_directory_urls", True) is not False,
        site_name=str(data.get("site_name") or ""),
        markdown_extensions=tuple(_named_entries(data.get("markdown_extensions"))),
        theme_language=_theme_language(data.get("theme")),
    )  # fmt: skip


def _theme_language(theme: object) -> str | None:
    """``theme.language``, when the theme is written as a mapping that names one."""
    language = theme.get("language") if isinstance(theme, dict) else None
    return language if isinstance(language, str) and language else None


def plugin_options(config_file: Path) -> dict[str, Any]:
    """The ``sms`` plugin's options in ``mkdocs.yml``, for commands that need no docs_dir."""
    return _plugin_options(load_config_data(config_file).get("plugins"))[0]


def exclusion(*specs: object) -> pathspec.PathSpec:  # type: ignore[type-arg]
    """The pages MkDocs leaves out: its defaults (dot files, ``templates/``), then ``exclude_docs`` and
    ``draft_docs`` as written in mkdocs.yml (text) or as MkDocs validated them (path specs)."""
    exclude = DEFAULT_EXCLUDE
    for spec in specs:
        if isinstance(spec, str):
            exclude = exclude + pathspec.gitignore.GitIgnoreSpec.from_lines(spec.splitlines())
        elif isinstance(spec, pathspec.PathSpec):
            exclude = exclude + spec
    return exclude


def load_config_data(config_file: Path, seen: tuple[Path, ...] = ()) -> dict[str, Any]:
    """The mapping of settings in ``config_file``, with ``INHERIT`` followed as MkDocs follows it.

    MkDocs (``mkdocs.utils.yaml.yaml_load``) loads the parent named by ``INHERIT`` (relative to the
    file that names it, itself possibly inheriting) and merges the child into it with ``mergedeep``:
    mappings are merged key by key at every depth, anything else (lists included) is replaced whole.
    """
    what = "inherited configuration" if seen else "configuration"
    resolved = Path(os.path.normpath(config_file.absolute()))
    if resolved in seen:
        chain = " -> ".join(path.name for path in (*seen, resolved))
        raise SettingsError(f"INHERIT goes round in a circle: {chain}")
    try:
        text = config_file.read_text("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsError(f"cannot read {what} {config_file}: {exc}") from None
    try:
        data = yaml.load(text, Loader=_ConfigLoader) or {}
    except yaml.YAMLError as exc:
        raise SettingsError(f"{config_file} is not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise SettingsError(f"{config_file} must be a mapping of settings")
    inherit = data.pop("INHERIT", None)
    if inherit is None:
        return data
    if not isinstance(inherit, str):
        raise SettingsError(f"INHERIT in {config_file} must be the path of a file")
    parent_file = Path(os.path.normpath(config_file.parent / inherit))
    if not parent_file.exists():
        raise SettingsError(f"inherited configuration '{inherit}' does not exist at {parent_file}")
    parent = load_config_data(parent_file, (*seen, resolved))
    merged: dict[str, Any] = mergedeep.merge(parent, data)
    return merged


def _entries(items: Any) -> list[tuple[str, Any]]:
    """(name, options) of a list of plugins or Markdown extensions as MkDocs accepts it: a mapping, or a
    list of names and one-key mappings; anything else is left out."""
    if isinstance(items, dict):
        return [(str(name), options) for name, options in items.items()]
    entries: list[tuple[str, Any]] = []
    if isinstance(items, list):
        for item in items:
            if isinstance(item, str):
                entries.append((item, {}))
            elif isinstance(item, dict) and len(item) == 1:
                entries.extend(item.items())
    return entries


def _named_entries(items: Any) -> list[tuple[str, Mapping[str, Any]]]:
    """The Markdown extensions as (name, options), options {} when none or not a mapping."""
    return [(name, options if isinstance(options, dict) else {}) for name, options in _entries(items)]


def _plugin_options(plugins: Any) -> tuple[dict[str, Any], bool]:
    """The options of the ``sms`` plugin, and whether it is listed."""
    for name, options in _entries(plugins):
        if name == "sms":
            if options is None:
                return {}, True
            if not isinstance(options, dict):
                raise SettingsError("the options of the 'sms' plugin must be a mapping")
            options = dict(options)
            enabled = options.pop("enabled", True) is not False
            return options, enabled
    return {}, False
