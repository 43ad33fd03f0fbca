"""The pages a run read, kept in .cache/mkdocs-sms/ so that the next run parses only the pages that changed."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import subprocess
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from mkdocs.config.defaults import MkDocsConfig

from conftest import Site, approved, complete_mini, front, write_config
from mkdocs_sms.analysis import handbook as handbook_module
from mkdocs_sms.analysis.handbook import PageCache
from mkdocs_sms.load import load_configuration, load_handbook
from mkdocs_sms.model import stored
from mkdocs_sms.model.document import Page, read_page
from mkdocs_sms.read.cache import FOLDER, committed, keep_file
from mkdocs_sms.read.kept_pages import KeptPages
from mkdocs_sms.read.snapshot import of_project
from mkdocs_sms.settings import Settings
from test_fuzz import BOMB
from test_history import change_policy, commit_all, git, without_change_policy

ROOT = Path(__file__).resolve().parent.parent
META = "procedures/.meta.yml"


def procedure(doc_id: str, clause: str, **extra: object) -> str:
    """An approved procedure whose owner comes from the folder defaults."""
    return approved(doc_id, "procedure", [clause], owner=None, **extra).replace("owner: null\n", "")


@pytest.fixture
def repo(tmp_path: Path) -> Site:
    """A handbook in git, with folder defaults over the procedures and history on (runs keep the cache)."""
    site = without_change_policy(tmp_path / "repo")
    site.write("policies/change.md", change_policy("1.0"))
    site.write(META, "owner: Service Desk Lead\n")
    site.write("procedures/incident.md", procedure("PRC-INC-01", "5"))
    site.write("procedures/restore.md", procedure("PRC-RST-01", "5"))
    commit_all(site.root, "The handbook", "2026-02-01")
    return site


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The paths of the pages parsed (rather than taken from a cache) since the last ``clear()``."""
    seen: list[str] = []
    real = handbook_module.read_page

    def counting(path: str, *args: object) -> Page:
        seen.append(path)
        return real(path, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(handbook_module, "read_page", counting)
    yield seen


def git_top(folder: Path) -> str | None:
    """The work tree ``folder`` is in, None when it is in none."""
    found = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=folder, capture_output=True, text=True)
    return found.stdout.strip() if found.returncode == 0 else None


def pages_files(site: Site) -> list[Path]:
    return sorted((site.root / FOLDER).glob("pages-*.json"))


def all_pages(site: Site) -> list[str]:
    return sorted(path.relative_to(site.docs).as_posix() for path in site.docs.rglob("*.md"))


def parse_again(seen: list[str], site: Site, *args: str) -> list[str]:
    """Run ``check`` and say which pages it parsed."""
    seen.clear()
    result = site.check(*args)
    assert result.returncode in (0, 1), result.stderr
    return sorted(seen)


def test_a_second_check_parses_no_page_and_an_edit_parses_only_what_it_changed(repo: Site, parsed: list[str]) -> None:
    first = repo.check("--format", "json")
    assert sorted(parsed) == all_pages(repo) and len(pages_files(repo)) == 1
    parsed.clear()
    assert repo.check("--format", "json").stdout == first.stdout
    assert parsed == []
    repo.write("procedures/incident.md", procedure("PRC-INC-01", "5", version="1.1"))
    assert parse_again(parsed, repo) == ["procedures/incident.md"]
    assert parse_again(parsed, repo) == []
    # The folder defaults a page was read with are part of what it was read from.
    repo.write(META, "owner: Problem Manager\n")
    assert parse_again(parsed, repo) == ["procedures/incident.md", "procedures/restore.md"]
    register = {row["id"]: row["owner"] for row in repo.check_json()["documents"]}
    assert register["PRC-INC-01"] == register["PRC-RST-01"] == "Problem Manager"


def test_a_check_keeps_the_pages_with_history_off_too_and_other_settings_read_their_own(
    repo: Site, parsed: list[str]
) -> None:
    write_config(repo.root, {"history": False})
    repo.check()
    kept = pages_files(repo)
    assert len(kept) == 1
    assert parse_again(parsed, repo) == []
    # A run that keeps its history reads what a run without it kept.
    write_config(repo.root, {"history": True})
    assert parse_again(parsed, repo) == []
    # Another vocabulary reads every page again, into a file of its own; the first file stays.
    write_config(repo.root, {"history": True, "classifications": ["public", "internal", "secret"]})
    assert parse_again(parsed, repo) == all_pages(repo)
    assert len(pages_files(repo)) == 2 and set(kept) < set(pages_files(repo))
    write_config(repo.root, {"history": True, "cache": False})
    assert parse_again(parsed, repo) == all_pages(repo)


def test_a_handbook_outside_git_keeps_its_pages_for_the_next_check_and_build(make_site: Any, parsed: list[str]) -> None:
    site = make_site(complete_mini())
    assert git_top(site.root) is None
    assert site.build(strict=True).ok and sorted(parsed) == all_pages(site)
    assert len(pages_files(site)) == 1
    assert parse_again(parsed, site) == []
    (site.root / FOLDER).rename(site.root / "set-aside")
    first = site.check("--format", "json")
    assert len(pages_files(site)) == 1 and sorted(parsed) == all_pages(site)
    parsed.clear()
    assert site.check("--format", "json").stdout == first.stdout and parsed == []
    assert site.build(strict=True).ok and parsed == []
    site.write("policies/change.md", approved("POL-CHG-01", "policy", ["8.5.1.1"], version="2.0"))
    assert parse_again(parsed, site) == ["policies/change.md"]


def test_a_plugin_reused_for_another_project_keeps_that_projects_pages(make_site: Any, parsed: list[str]) -> None:
    """MkDocs keeps one instance of the plugin per process (for ``mkdocs serve``): built after another
    handbook with the same pages, a handbook still gets a pages file of its own."""
    first, second = make_site(complete_mini()), make_site(complete_mini())
    assert first.build(strict=True).ok and len(pages_files(first)) == 1
    assert second.build(strict=True).ok and len(pages_files(second)) == 1
    assert parse_again(parsed, second) == []


def test_a_page_whose_aliases_nest_into_billions_of_values_is_not_kept_and_the_rest_are(
    repo: Site, parsed: list[str]
) -> None:
    """An alias bomb in a page's front-matter (or in the folder defaults above it) is small in memory but
    would be billions of values written out: the run ends, the page is marked as not kept, the others are."""
    repo.write("bomb.md", f"---\nid: POL-BOMB-01\n{BOMB}title: Bomb\ntags: *a9\n---\n\nBody.\n")
    repo.write("deep/.meta.yml", f"{BOMB}owner: Service Desk Lead\ntags: *a9\n")
    repo.write("deep/page.md", procedure("PRC-DEEP-01", "5"))
    commit_all(repo.root, "Pages with alias bombs", "2026-02-02")
    first = repo.check("--format", "json")
    assert first.returncode in (0, 1) and "Traceback" not in first.stderr
    assert "POL-BOMB-01" in first.stdout and len(pages_files(repo)) == 1
    assert pages_files(repo)[0].stat().st_size < 1_000_000
    assert parse_again(parsed, repo) == ["bomb.md", "deep/page.md"]


def test_commands_that_only_read_write_no_cache(repo: Site) -> None:
    """``new`` (here refused) and ``adopt --dry-run`` read the handbook but leave the project as it was."""
    site = repo
    (site.root / "wiki").mkdir()
    (site.root / "wiki" / "Change policy.md").write_text("# Change policy\n\nWe approve changes.\n")
    commit_all(site.root, "The old wiki", "2026-02-02")
    refused = site.cli("new", "procedure", "--id", "PRC-INC-01", "--title", "Again")
    assert refused.returncode == 2 and "already used" in refused.stderr
    dry = site.cli("adopt", "wiki", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert not (site.root / FOLDER).exists()


def test_folder_defaults_that_are_equal_in_python_but_not_the_same_read_the_page_again(
    repo: Site, parsed: list[str]
) -> None:
    repo.write(META, "owner: true\n")
    assert "'owner' must be text, not True" in repo.check().stdout
    repo.write(META, "owner: 1\n")  # True == 1 in Python, but not in the front-matter
    parsed.clear()
    result = repo.check()
    assert sorted(parsed) == ["procedures/incident.md", "procedures/restore.md"]
    assert "'owner' must be text, not 1" in result.stdout and "not True" not in result.stdout


def _damaged(file: Path) -> None:
    file.write_bytes(file.read_bytes()[:-40])


def _flipped(file: Path) -> None:
    data = bytearray(file.read_bytes())
    data[-30] ^= 0x01
    file.write_bytes(bytes(data))


def _foreign(file: Path) -> None:
    header, _, payload = file.read_bytes().partition(b"\n")
    head = json.loads(header)
    head["key"] = head["key"].replace("mkdocs-sms", "mkdocs-sms 0.0.1")
    file.write_bytes(json.dumps(head).encode() + b"\n" + payload)


def _wrong_shape(file: Path) -> None:
    keep_file(file.parent, file.name, b'["index.md","00","",null,{"c":["Page","index.md"]}]', 3)


def _unknown_class(file: Path) -> None:
    keep_file(file.parent, file.name, b'["index.md","00","",null,{"c":["Settings"]}]', 3)


@pytest.mark.parametrize("damage", [_damaged, _flipped, _foreign, _wrong_shape, _unknown_class])
def test_a_damaged_or_foreign_pages_file_is_not_used_and_is_written_anew(
    repo: Site, parsed: list[str], damage: object
) -> None:
    expected = repo.check("--format", "json").stdout
    (kept,) = pages_files(repo)
    damage(kept)  # type: ignore[operator]
    parsed.clear()
    result = repo.check("--format", "json")
    assert (result.stdout, result.stderr) == (expected, "")
    assert sorted(parsed) == all_pages(repo)
    assert parse_again(parsed, repo) == []  # written anew, whole


def test_a_pages_file_that_came_with_the_repository_is_never_read(repo: Site, parsed: list[str]) -> None:
    repo.check()
    (kept,) = pages_files(repo)
    # A forged page: the incident procedure as approved by someone else, under this version's key.
    payload = kept.read_bytes().partition(b"\n")[2].replace(b"Managing Director", b"Nobody at all")
    keep_file(kept.parent, kept.name, payload, 3)
    git(repo.root, "add", "-f", str(kept))
    git(repo.root, "commit", "-q", "-m", "Commit the cache")
    assert "Nobody at all" not in repo.check("--format", "json").stdout
    git(repo.root, "rm", "-q", "--cached", str(kept))
    git(repo.root, "commit", "-q", "-m", "Stop tracking the cache")
    committed.cache_clear()  # a new process
    keep_file(kept.parent, kept.name, payload, 3)
    assert "Nobody at all" in repo.check("--format", "json").stdout  # the same file, untracked, is used


def test_a_page_whose_values_cannot_be_kept_is_parsed_each_time_and_the_file_stays_as_it_is(
    repo: Site, parsed: list[str]
) -> None:
    repo.write(
        "records/tags.md", approved("REC-TAG-01", "record", ["9.1"]).replace("id:", "labels: !!set {a, b}\nid:", 1)
    )
    repo.check()
    (kept,) = pages_files(repo)
    written = kept.read_bytes()
    assert parse_again(parsed, repo) == ["records/tags.md"]
    assert kept.read_bytes() == written
    assert parse_again(parsed, repo) == ["records/tags.md"]


def test_the_pages_of_the_example_handbook_come_back_from_the_cache_as_they_were() -> None:
    project, settings, catalogues = load_configuration(ROOT / "mkdocs.yml")
    cache = PageCache()
    # Pages as read, not as a `make site` before this test may have kept them.
    load_handbook(of_project(project), replace(settings, cache=False), catalogues, cache=cache)
    pages = [entry[3] for entry in cache.pages.values()]
    assert len(pages) > 40 and sum(page.document is not None for page in pages) > 30
    _assert_kept_as_they_are(pages)


DRAFT = {"clauses": ["9.1"], "owner": "Owner", "status": "draft"}
HOSTILE = {
    "records/values.md": approved(
        "REC-VAL-01", "record", ["9.1"], title="Values <script>alert(1)</script>",
        measured=dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=2))),
        readings={1: "one", dt.date(2026, 1, 1): [1.5, float("inf"), None, True], "nested": {"deep": ["x"]}},
        note='line one\nline two \u2028 and a "quote"',
    ),
    "records/broken.md": "---\nid: REC-BRK-01\ntitle: [unclosed\n---\n\nBody.\n",
    "records/twice.md": front(id="REC-TWC-01", title="Twice", type="record").replace("title:", "type: x\ntitle:"),
    "records/judged.md": front(
        id="REC-ASM-01", title="Assessment", type="assessment", **DRAFT,
        judgements=[{"activity": "8.6.1/1", "result": "partial", "level": 2, "evidence": ["a", "b"], "note": "n"}],
    ),
    "plans/target.md": front(
        id="PLN-TGT-01", title="Target", type="plan", **{**DRAFT, "clauses": ["4.4"]},
        target={"scope": "All services", "levels": {"8.5": 3, "default": 2}, "date": dt.date(2027, 1, 1)},
    ),
}  # fmt: skip


def test_hostile_and_unusual_values_come_back_from_the_cache_exactly(make_site: object) -> None:
    site = make_site({**HOSTILE, "records/latin1.md": "---\nid: REC-LAT-01\ntitle: caf\xe9\n---\n".encode("latin-1")})  # type: ignore[operator]
    project, settings, catalogues = load_configuration(site.config_file)
    cache = PageCache()
    load_handbook(of_project(project), settings, catalogues, cache=cache)
    pages = [entry[3] for entry in cache.pages.values()]
    values = next(page.document for page in pages if page.path == "records/values.md")
    assert values is not None and values.extra["readings"][1] == "one"
    assert any(page.path == "plans/target.md" and page.document and page.document.target for page in pages)
    assert {"records/broken.md", "records/latin1.md", "records/twice.md"} <= {p.path for p in pages if p.findings}
    _assert_kept_as_they_are(pages)


def _assert_kept_as_they_are(pages: list[Page]) -> None:
    """Each page, written and read back, is equal to what was read, of the same types throughout (its
    second encoding is the same text), with the digest of its text that equality leaves out."""
    for page in pages:
        line = stored.dumps(stored.encode(page))
        back = stored.decode(line)
        assert back == page, page.path
        assert stored.dumps(stored.encode(back)) == line
        if page.document is not None:
            assert back.document.body_digest == page.document.body_digest


def test_a_value_of_another_type_is_not_kept_and_nothing_else_is_built_from_the_file() -> None:
    with pytest.raises(stored.Unstorable):
        stored.encode({"tags": {"a", "b"}})
    with pytest.raises(stored.Unstorable):
        stored.encode(b"binary")
    with pytest.raises(KeyError):
        stored.decode('{"c":["Settings"]}')
    with pytest.raises(ValueError):
        stored.decode('{"c":["Interval",12]}')  # not all its fields
    assert stored.decode('{"m":[[{"t":[]},{"d":"2026-01-02"}]]}') == {(): dt.date(2026, 1, 2)}


def new_process() -> None:
    """Forget the plugin instances MkDocs keeps in this process for `mkdocs serve` (and with them the
    pages they hold in memory), as a new `mkdocs build` process starts without them."""
    MkDocsConfig.plugins.plugin_cache.clear()


def test_a_second_build_takes_its_pages_from_the_cache_and_builds_the_same_site(repo: Site, parsed: list[str]) -> None:
    new_process()
    assert repo.build(strict=True).ok
    assert sorted(parsed) == all_pages(repo)
    first = {name: repo.site_file(name) for name in ("sms.json", "procedures/incident/index.html")}
    parsed.clear()
    new_process()
    assert repo.build(strict=True).ok
    assert parsed == []
    assert {name: repo.site_file(name) for name in first} == first
    assert "Service Desk Lead" in first["procedures/incident/index.html"]  # the folder defaults, as read


def test_a_page_whose_file_name_is_no_unicode_is_left_out_of_the_file(tmp_path: Path) -> None:
    vocabulary = Settings.from_options({}, base_dir=tmp_path).vocabulary
    raw = approved("REC-CAF-01", "record", ["9.2"]).encode()
    digest = hashlib.blake2b(raw, digest_size=16).digest()
    odd = os.fsdecode(b"caf\xe9.md")  # as os.walk names a Latin-1 file name on a UTF-8 system
    pages = {name: (digest, "", None, read_page(name, raw, vocabulary)) for name in (odd, "cafe.md")}
    KeptPages(tmp_path, vocabulary).save(pages)
    assert list(KeptPages(tmp_path, vocabulary).load()) == ["cafe.md"]
