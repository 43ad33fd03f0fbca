"""Compatibility: MkDocs 1.6.1, ProperDocs 1.6.7, Material's meta and tags plugins, and both URL styles.

Every test builds real sites and looks at what a reader of the handbook would see: the generated pages,
the panels, ``sms.json``, and whether each link on each page leads somewhere.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import posixpath
import re
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
import venv
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
import yaml

from conftest import POLICY, ROOT, Site, approved, front, run_cli, write_config

MKDOCS_VERSION = "1.6.1"
PROPERDOCS_VERSION = "1.6.7"
# What the wheel is built from (see pyproject.toml): a change to any of them means installing it again.
WHEEL_SOURCES = ("pyproject.toml", "plugins/mkdocs_sms", "sms_templates", "examples/ci")


# Links in a built site ----------------------------------------------------------------------------


@dataclass
class HtmlPage:
    """What the link check needs of one HTML file: its element ids and its links."""

    ids: set[str] = field(default_factory=set)
    links: list[tuple[str, str]] = field(default_factory=list)  # (href, class attribute)


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = HtmlPage()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for key in ("id", "name") if tag == "a" else ("id",):
            if values.get(key):
                self.page.ids.add(str(values[key]))
        href = values.get("href")
        if href is not None:
            self.page.links.append((href, values.get("class") or ""))


@dataclass(frozen=True)
class Link:
    """A link to a file of the site: the page holding it, as written, and the file and anchor it leads to."""

    page: str
    href: str
    css_class: str
    target: str  # relative to the site folder; starts with ".." when it leaves the site
    fragment: str


def read_pages(site_dir: Path) -> dict[str, HtmlPage]:
    """Every HTML page of a built site, by its path relative to the site folder."""
    pages = {}
    for path in sorted(site_dir.rglob("*.html")):
        parser = _PageParser()
        parser.feed(path.read_text("utf-8"))
        pages[path.relative_to(site_dir).as_posix()] = parser.page
    return pages


def local_links(site_dir: Path, pages: dict[str, HtmlPage]) -> list[Link]:
    """The links of ``pages`` that stay on the site (no scheme, no host), resolved as a browser would."""
    found = []
    for page, html in pages.items():
        for href, css_class in html.links:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc:
                continue
            path = unquote(parts.path)
            if not path:
                target = page
            else:
                base = "" if path.startswith("/") else posixpath.dirname(page)
                target = posixpath.normpath(posixpath.join(base, path.lstrip("/")))
                if path.endswith("/") or target == "." or (site_dir / target).is_dir():
                    target = posixpath.normpath(posixpath.join(target, "index.html"))
            found.append(Link(page, href, css_class, target, parts.fragment))
    return found


def broken_links(site_dir: Path, pages: dict[str, HtmlPage], links: list[Link]) -> list[str]:
    """Links to no file of the site, or to an anchor the page they lead to does not have."""
    problems = []
    for link in links:
        if link.target.startswith("..") or not (site_dir / link.target).is_file():
            problems.append(f"{link.page}: {link.href} leads to no file")
        elif link.fragment and link.target in pages and link.fragment not in pages[link.target].ids:
            problems.append(f"{link.page}: {link.href} leads to no #{link.fragment}")
    return problems


def page_of(src: str, directory_urls: bool) -> str:
    """The HTML file MkDocs writes for the Markdown page ``src``."""
    stem = src.removesuffix(".md")
    if stem == "index" or stem.endswith("/index"):
        return f"{stem}.html"
    return f"{stem}/index.html" if directory_urls else f"{stem}.html"


def assert_every_link_resolves(site_dir: Path, directory_urls: bool) -> list[Link]:
    """Check the whole site, and that the links the plugin writes are among those checked."""
    pages = read_pages(site_dir)
    links = local_links(site_dir, pages)
    assert broken_links(site_dir, pages, links) == []
    data = json.loads((site_dir / "sms.json").read_text("utf-8"))
    register = page_of("sms/register.md", directory_urls)
    coverage = page_of("sms/coverage.md", directory_urls)
    from_register = {link.target for link in links if link.page == register}
    for document in data["documents"]:
        built = page_of(document["path"], directory_urls)
        # sms.json names each document's source; the page built from it is the document's page.
        assert f'data-sms-id="{document["id"]}"' in (site_dir / built).read_text("utf-8"), document["path"]
        assert built in from_register, document["id"]
        clause_links = [link for link in links if link.page == built and "sms-clause" in link.css_class]
        assert len(clause_links) == len(document["clauses"]), document["id"]
        assert all(link.target == coverage and link.fragment.startswith("clause-") for link in clause_links)
    for row in data["coverage"]:
        for doc_id in row["documents"]:
            path = next(d["path"] for d in data["documents"] if d["id"] == doc_id)
            assert page_of(path, directory_urls) in {link.target for link in links if link.page == coverage}
    return links


# A handbook whose pages link to each other in every way the plugin writes links -----------------------

LINKED_PAGES: dict[str, str] = {
    "index.md": "# Home\n\nSee [[POL-CHG-01]] and [[PLN-AUD-01|the audit programme]].\n",
    "tags.md": "# Tags\n\n<!-- material/tags -->\n",
    "policies/.meta.yml": "type: policy\nowner: Head of Service Management\ntags: [policy]\n",
    "policies/sms.md": POLICY,
    # Type and owner come from policies/.meta.yml.
    "policies/change.md": "---\n"
    + yaml.safe_dump(
        {
            "id": "POL-CHG-01",
            "title": "Change management policy",
            "clauses": ["8.5.1.1", "5.2"],
            "status": "approved",
            "version": "1.2",
            "approved_by": "Managing Director",
            "approved_on": "2026-03-01",
            "related": ["POL-SMS-01"],
            "tags": ["change"],
        },
        sort_keys=False,
    )
    + "---\n\nThis policy serves [[POL-SMS-01|the service management policy]].\n",
    "plans/audit.md": approved("PLN-AUD-01", "plan", ["9.2"], tags=["audit"]),
    "records/2026/q2/audit-results.md": approved(
        "REC-AUD-2026", "record", ["9.2"], date="2026-06-01", related=["PLN-AUD-01"]
    ).replace("Body.", "Results of the programme [[PLN-AUD-01]], against [[POL-CHG-01]]."),
    # Falls due for review within the "due soon" window, so the review schedule links to it.
    "procedures/restore.md": approved("PRC-RST-01", "procedure", [], approved_on="2025-12-20"),
    # In review by its folder's default, not by its own front-matter.
    "drafts/.meta.yml": "status: review\n",
    "drafts/new-policy.md": front(id="POL-NEW-01", title="New policy", type="policy", owner="o", version="0.1"),
}


def make_handbook(root: Path, plugins: list[str] | None = None, **config: Any) -> Site:
    """The linked handbook in ``root``, with Material's ``plugins`` listed before the sms plugin."""
    root.mkdir(parents=True)
    site = Site(root)
    write_config(root, **config)
    settings = yaml.safe_load(site.config_file.read_text("utf-8"))
    settings["plugins"] = ["search", *(plugins or []), *settings["plugins"][1:]]
    site.config_file.write_text(yaml.safe_dump(settings, sort_keys=False), "utf-8")
    for path, content in LINKED_PAGES.items():
        site.write(path, content)
    return site


def built_ok(site: Site, **overrides: Any) -> Path:
    """Build ``site`` with ``mkdocs build --strict``; fail on any warning, from any plugin."""
    result = site.build(strict=True, **overrides)
    assert result.ok, result.messages
    assert [m for r, m in zip(result.records, result.messages, strict=True) if r.levelno >= 30] == []
    return Path(overrides.get("site_dir", site.root / "site"))


# MkDocs 1.6.1 -------------------------------------------------------------------------------------


def test_builds_with_mkdocs_1_6_1(tmp_path: Path) -> None:
    import mkdocs

    # A silent upgrade of MkDocs (say to a 2.0 that drops plugins) must be noticed here first.
    assert metadata.version("mkdocs") == mkdocs.__version__ == MKDOCS_VERSION
    site_dir = built_ok(make_handbook(tmp_path / "handbook"))
    home = (site_dir / "index.html").read_text("utf-8")
    assert f'<meta name="generator" content="mkdocs-{MKDOCS_VERSION}' in home
    assert '<a href="policies/change/">Change management policy</a>' in home
    panel = (site_dir / "policies/change/index.html").read_text("utf-8")
    assert 'class="sms-panel sms-panel--approved"' in panel
    assert '<a class="sms-clause" href="../../sms/coverage/#clause-8-5-1-1">8.5.1.1</a>' in panel


# Material's meta and tags plugins ----------------------------------------------------------------

MATERIAL_PLUGINS = {"plain": [], "meta": ["meta"], "tags": ["tags"], "meta and tags": ["meta", "tags"]}


@pytest.fixture(scope="module")
def with_material_plugins(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The linked handbook built with and without the meta and tags plugins: site folders by variant."""
    root = tmp_path_factory.mktemp("material-plugins")
    return {
        name: built_ok(make_handbook(root / name.replace(" ", "-"), plugins))
        for name, plugins in MATERIAL_PLUGINS.items()
    }


def _sms_json(site_dir: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((site_dir / "sms.json").read_text("utf-8"))
    return data


def test_meta_and_tags_plugins_leave_the_documents_as_they_are(with_material_plugins: dict[str, Path]) -> None:
    plain = _sms_json(with_material_plugins["plain"])
    change = next(d for d in plain["documents"] if d["id"] == "POL-CHG-01")
    # Folder defaults from policies/.meta.yml apply whether or not the meta plugin is on.
    assert (change["type"], change["owner"]) == ("policy", "Head of Service Management")
    assert plain["findings"] == []
    for name, site_dir in with_material_plugins.items():
        data = _sms_json(site_dir)
        assert data["documents"] == plain["documents"], name
        assert data["coverage"] == plain["coverage"], name
        assert data["findings"] == [], name


def test_tags_show_beside_the_panel_and_list_the_documents(with_material_plugins: dict[str, Path]) -> None:
    for name, site_dir in with_material_plugins.items():
        change = (site_dir / "policies/change/index.html").read_text("utf-8")
        assert 'class="sms-panel sms-panel--approved"' in change, name
        assert 'data-sms-id="POL-CHG-01"' in change, name
        tags = re.findall(r'<a href="[^"]*" class="md-tag">([^<]+)</a>', change)
        if "tags" not in name:
            assert tags == [], name
        elif "meta" in name:
            # The meta plugin adds the folder's tags to the document's own.
            assert sorted(tags) == ["change", "policy"], name
        else:
            assert tags == ["change"], name
    listing = (with_material_plugins["tags"] / "tags/index.html").read_text("utf-8")
    assert 'href="../policies/change/"' in listing and 'href="../plans/audit/"' in listing


def test_status_from_folder_defaults_marks_the_navigation_with_or_without_meta(
    with_material_plugins: dict[str, Path],
) -> None:
    for name, site_dir in with_material_plugins.items():
        page = (site_dir / "drafts/new-policy/index.html").read_text("utf-8")
        assert '<p class="sms-banner sms-banner--review"><strong>In review.</strong>' in page, name
        assert re.findall(r'class="md-status md-status--(\w+)"', page) == ["review"], name
        assert "md-status--approved" not in (site_dir / "policies/change/index.html").read_text("utf-8"), name


def test_folder_defaults_files_stay_out_of_the_site(with_material_plugins: dict[str, Path]) -> None:
    for name, site_dir in with_material_plugins.items():
        assert not (site_dir / "policies/.meta.yml").exists(), name


def test_links_resolve_with_meta_and_tags(with_material_plugins: dict[str, Path]) -> None:
    for site_dir in with_material_plugins.values():
        assert_every_link_resolves(site_dir, directory_urls=True)


# Both URL styles ---------------------------------------------------------------------------------


@pytest.mark.parametrize("directory_urls", [True, False], ids=["directory urls", "file urls"])
def test_every_link_the_plugin_writes_resolves(tmp_path: Path, directory_urls: bool) -> None:
    site_dir = built_ok(make_handbook(tmp_path / "handbook", ["tags"], use_directory_urls=directory_urls))
    links = assert_every_link_resolves(site_dir, directory_urls)
    home = page_of("index.md", directory_urls)
    change = page_of("policies/change.md", directory_urls)
    results = page_of("records/2026/q2/audit-results.md", directory_urls)
    reviews = page_of("sms/reviews.md", directory_urls)

    def targets(page: str) -> set[str]:
        return {link.target for link in links if link.page == page}

    # [[ID]] references, from the top of the site and from three folders down.
    assert {change, page_of("plans/audit.md", directory_urls)} <= targets(home)
    assert {change, page_of("plans/audit.md", directory_urls)} <= targets(results)
    # The panel's related documents, and the review schedule's document due soon.
    assert page_of("policies/sms.md", directory_urls) in targets(change)
    assert page_of("procedures/restore.md", directory_urls) in targets(reviews)
    if not directory_urls:
        assert '<a href="policies/change.html">Change management policy</a>' in (site_dir / home).read_text("utf-8")
        # The check has teeth: a link written for directory URLs, or to a clause no catalogue has, is caught.
        pages = read_pages(site_dir)
        wrong = HtmlPage(links=[("policies/change/", ""), ("sms/coverage.html#clause-7-7", "sms-clause")])
        assert broken_links(site_dir, pages, local_links(site_dir, {home: wrong})) == [
            "index.html: policies/change/ leads to no file",
            "index.html: sms/coverage.html#clause-7-7 leads to no #clause-7-7",
        ]


# ProperDocs ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProperDocs:
    """A virtual environment of its own with ProperDocs, Material and mkdocs-sms.

    MkDocs is installed there too, as a dependency of Material and mkdocs-sms, but the ``properdocs``
    command redirects every ``mkdocs`` import to ProperDocs' own modules (``properdocs.replacement``).
    """

    env_dir: Path

    def run(self, command: str, *args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
        """One of the environment's commands, as a user runs it once the environment is activated."""
        bin_dir = self.env_dir / "bin"
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
        env.update(PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '')}", PYTHONNOUSERSITE="1", NO_COLOR="1")
        env.update(NO_MKDOCS_2_WARNING="1", DISABLE_MKDOCS_2_WARNING="true")
        return _run(bin_dir / command, *args, cwd=cwd, env=env, timeout=300)

    def build(self, config_file: Path, site_dir: Path) -> subprocess.CompletedProcess[str]:
        """``properdocs build --strict``."""
        return self.run("properdocs", "build", "--strict", "-f", config_file, "-d", site_dir, cwd=config_file.parent)


def _under_ci() -> bool:
    return os.environ.get("CI", "").lower() not in ("", "0", "false", "no")


def _index_reachable() -> bool:
    index = os.environ.get("PIP_INDEX_URL", "https://pypi.org/simple").rstrip("/")
    try:
        with urllib.request.urlopen(f"{index}/properdocs/", timeout=10) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def _digest(*paths: Path) -> str:
    """A hash of the files at ``paths`` (folders recursively), to tell when the installed copy is stale."""
    digest = hashlib.sha256()
    for top in paths:
        files = [top] if top.is_file() else sorted(p for p in top.rglob("*") if p.is_file())
        for path in files:
            if "__pycache__" not in path.parts:
                digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _run(
    *args: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None, timeout: float = 900
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def _pip_install(env_dir: Path, *args: str | Path) -> None:
    result = _run(env_dir / "bin" / "python", "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *args)
    assert result.returncode == 0, f"pip install {' '.join(map(str, args))} failed:\n{result.stderr[-4000:]}"


@pytest.fixture(scope="session")
def properdocs(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ProperDocs]:
    """ProperDocs in a virtual environment of its own, as its users install it; never in the project's,
    where the other tests' builds must run on MkDocs alone.

    The environment is kept in pytest's cache (.pytest_cache), keyed on the versions of ProperDocs,
    Material, Python and mkdocs-sms and on pyproject.toml (the dependencies and the entry point). Only
    mkdocs-sms is installed again, from a wheel built afresh, when its sources change.
    """
    from mkdocs_sms import __version__

    material = metadata.version("mkdocs-material")  # the same Material as the MkDocs builds use
    requirements = [f"properdocs=={PROPERDOCS_VERSION}", f"mkdocs-material=={material}"]
    pyproject = (ROOT / "pyproject.toml").read_text("utf-8")
    key = hashlib.sha256("\n".join([*requirements, sys.version, __version__, pyproject]).encode()).hexdigest()[:12]
    cache_provider = getattr(request.config, "cache", None)  # absent under `-p no:cacheprovider`
    if cache_provider is not None:
        cache = Path(cache_provider.mkdir("mkdocs-sms-compat"))
    else:
        cache = tmp_path_factory.mktemp("mkdocs-sms-compat")
    env_dir = cache / f"properdocs-{PROPERDOCS_VERSION}-{key}"
    source = _digest(*(ROOT / path for path in WHEEL_SOURCES))
    with (cache / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # two test sessions at once must not build one environment twice
        stamp = env_dir / "mkdocs-sms-source"
        if not (stamp.is_file() and stamp.read_text("utf-8") == source):
            complete = env_dir / "complete"
            if not complete.is_file() and not _under_ci() and not _index_reachable():
                pytest.skip(
                    f"PyPI is unreachable: ProperDocs {PROPERDOCS_VERSION} cannot be installed (under CI, a failure)"
                )
            out = tmp_path_factory.mktemp("wheel")
            wheel = _run(sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", out, ROOT)
            assert wheel.returncode == 0, wheel.stderr
            (built,) = out.glob("mkdocs_sms-*.whl")
            if complete.is_file():
                _pip_install(env_dir, "--no-deps", "--force-reinstall", built)
            else:
                for old in cache.glob("properdocs-*"):
                    shutil.rmtree(old)
                venv.create(env_dir, with_pip=True)
                _pip_install(env_dir, *requirements, built)
                complete.touch()
            stamp.write_text(source, "utf-8")
    yield ProperDocs(env_dir)


@pytest.mark.slow  # ProperDocs in a virtual environment of its own
def test_properdocs_builds_a_handbook_strict(properdocs: ProperDocs, tmp_path: Path) -> None:
    site = make_handbook(tmp_path / "handbook", ["meta", "tags"])
    site_dir = tmp_path / "properdocs-site"
    result = properdocs.build(site.config_file, site_dir)
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr
    home = (site_dir / "index.html").read_text("utf-8")
    assert f"ProperDocs {PROPERDOCS_VERSION}" in re.findall(r'<meta name="generator" content="([^"]+)"', home)[0]
    assert '<a href="policies/change/">Change management policy</a>' in home
    for page in ("sms/register/index.html", "sms/coverage/index.html", "sms/reviews/index.html"):
        assert "sms-table" in (site_dir / page).read_text("utf-8"), page
    change = (site_dir / "policies/change/index.html").read_text("utf-8")
    assert 'class="sms-panel sms-panel--approved"' in change
    assert '<a class="sms-clause" href="../../sms/coverage/#clause-8-5-1-1">8.5.1.1</a>' in change
    assert_every_link_resolves(site_dir, directory_urls=True)
    # The same handbook built by MkDocs gives the same sms.json, and so does the check beside ProperDocs.
    assert _sms_json(site_dir) == _sms_json(built_ok(site))
    check = properdocs.run("mkdocs-sms", "check", "--format", "json", "-f", site.config_file, cwd=site.root)
    assert check.returncode == 0, check.stderr
    assert json.loads(check.stdout)["documents"] == _sms_json(site_dir)["documents"]


@pytest.mark.slow  # ProperDocs in a virtual environment of its own
def test_properdocs_strict_build_fails_on_a_finding(properdocs: ProperDocs, tmp_path: Path) -> None:
    site = make_handbook(tmp_path / "handbook")
    site.write("policies/sms.md", POLICY.replace('version: "1.0"\n', ""))
    result = properdocs.build(site.config_file, tmp_path / "properdocs-site")
    assert result.returncode == 1
    assert "mkdocs_sms: SMS002 policies/sms.md:10 (POL-SMS-01): required key 'version' is missing" in result.stderr
    assert "Aborted with 1 warnings in strict mode" in result.stdout + result.stderr


def _dated(document: dict[str, Any]) -> dict[str, Any]:
    history = [{key: h[key] for key in ("date", "version", "status")} for h in document["history"]]
    return {**document, "history": history}


@pytest.mark.slow  # ProperDocs in a virtual environment of its own
def test_properdocs_builds_the_example_handbook(properdocs: ProperDocs, tmp_path: Path) -> None:
    site_dir = tmp_path / "example"
    result = properdocs.build(ROOT / "mkdocs.yml", site_dir)
    assert result.returncode == 0, result.stderr
    built = _sms_json(site_dir)
    checked = json.loads(run_cli("check", "--format", "json", cwd=ROOT).stdout)
    # The check reports on every document; the intranet edition withholds the confidential one.
    internal = [d for d in checked["documents"] if d["classification"] in ("public", "internal")]
    assert len(internal) == len(checked["documents"]) - 1
    # Of a commit that also changed the withheld report, the edition shows only date, version and status
    # (history_details: dates); everything else of every document is what check reports.
    assert [_dated(d) for d in built["documents"]] == [_dated(d) for d in internal]
    shown = [h for d in built["documents"] for h in d["history"]]
    assert any(h["commit"] is None for h in shown) and any(h["commit"] for h in shown)
    assert [(r["key"], r["status"]) for r in built["coverage"]] == [
        (r["key"], r["status"]) for r in checked["coverage"]
    ]
    assert built["findings"] == checked["findings"]
    assert [f["code"] for f in built["findings"]] == ["SMS209", "SMS302"]
    assert all(row["status"] == "covered" for row in built["coverage"])
    page = (site_dir / "policies/change-management.html").read_text("utf-8")  # the offline plugin's URLs
    assert 'data-sms-id="POL-CHG-01"' in page and "sms-history" in page
    assert_every_link_resolves(site_dir, directory_urls=False)
