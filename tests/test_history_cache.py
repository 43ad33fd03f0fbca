"""The history cache on real repositories: what git gave once is not read again, and a cache that cannot
be trusted (missing, truncated, damaged, of another version, rewritten history) changes no result."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import Site, write_config
from mkdocs_sms.read.cache import FILE, FOLDER, HistoryCache, cache_key, committed
from mkdocs_sms.read.git import History, read_history
from test_history import change_policy, commit_all, git, without_change_policy

POLICY = "policies/change-management.md"


@pytest.fixture
def repo(tmp_path: Path) -> Site:
    """A handbook in git with a renamed policy and a page moved into docs_dir from outside it."""
    site = without_change_policy(tmp_path / "repo")
    write_config(site.root, {"history": True})
    site.write("policies/change.md", change_policy("0.1", "draft"))
    (site.root / "drafts").mkdir()
    (site.root / "drafts" / "notes.md").write_text("# Notes\n\nStarted outside the handbook.\n")
    commit_all(site.root, "Draft the change policy", "2026-01-10")
    site.write("policies/change.md", change_policy("1.0"))
    commit_all(site.root, "Approve change policy 1.0", "2026-02-01")
    git(site.root, "mv", "docs/policies/change.md", f"docs/{POLICY}")
    git(site.root, "mv", "drafts/notes.md", "docs/notes.md")
    commit_all(site.root, "Move the change policy and the notes", "2026-03-01")
    site.write(POLICY, change_policy("1.1", body="Changes are approved by the CAB or the ECAB."))
    commit_all(site.root, "Change policy 1.1", "2026-04-15")
    return site


def pages(site: Site) -> list[str]:
    return sorted(path.relative_to(site.docs).as_posix() for path in site.docs.rglob("*.md"))


def cached(site: Site) -> tuple[History, HistoryCache]:
    """The history read through the cache in the project's .cache/mkdocs-sms/, and that cache."""
    cache = HistoryCache(site.root / FOLDER)
    return read_history(site.docs, pages(site), cache=cache), cache


def forget_results(site: Site) -> None:
    """Remove the kept whole-pass results, so that the next run goes through history.json."""
    for file in (site.root / FOLDER).glob("result-*.json"):
        file.unlink()


def results(site: Site) -> list[Path]:
    return sorted((site.root / FOLDER).glob("result-*.json"))


def uncached(site: Site) -> History:
    return read_history(site.docs, pages(site))


def commits_of_a_whole_walk(site: Site) -> int:
    """How many commits the logs of a walk without any cache read."""
    fresh = HistoryCache()
    read_history(site.docs, pages(site), cache=fresh)
    return fresh.counts.commits


def revisions(site: Site) -> int:
    return sum(len(revs) for revs in uncached(site).revisions.values())


def distinct_blobs(site: Site) -> int:
    """How many different files the revisions hold: a page moved unchanged holds the same blob twice."""
    names = [f"{rev.commit}:{rev.path}" for revs in uncached(site).revisions.values() for rev in revs]
    return len(set(git(site.root, "rev-parse", *names).split()))


def test_a_second_run_reads_from_git_nothing_it_has_seen(repo: Site) -> None:
    cold, first = cached(repo)
    assert cold == uncached(repo)
    # Each blob is read once, however many revisions hold it (the two moves kept their files).
    assert first.counts.blobs == distinct_blobs(repo) < revisions(repo)
    assert first.counts.logs >= 1 and first.counts.renames >= 1
    notes = cold.of("notes.md")
    assert [r.path for r in notes] == ["docs/notes.md", "drafts/notes.md"]  # its move was followed
    assert (repo.root / FOLDER / FILE).is_file()

    warm, second = cached(repo)
    assert warm == cold
    assert (second.counts.blobs, second.counts.logs, second.counts.commits, second.counts.renames) == (0, 0, 0, 0)
    assert second.counts.results == 1 and not second.loaded  # the result of this HEAD, without history.json
    forget_results(repo)
    again, third = cached(repo)
    assert again == cold
    assert (third.counts.blobs, third.counts.logs, third.counts.commits, third.counts.renames) == (0, 0, 0, 0)
    assert third.counts.results == 0 and third.loaded


def test_after_new_commits_editing_pages_in_place_the_kept_result_is_brought_up_to_head(repo: Site) -> None:
    cached(repo)
    repo.write(POLICY, change_policy("1.2", body="Changes are approved by the CAB."))
    commit_all(repo.root, "Change policy 1.2", "2026-05-01")
    (repo.root / "README.md").write_text("Not a page.\n")
    repo.write("notes.md", "# Notes\n\nEdited.\n")
    commit_all(repo.root, "Edit the notes, add a README", "2026-05-02")
    history, cache = cached(repo)
    assert history == uncached(repo)
    assert history.of(POLICY)[0].version == "1.2" and len(history.of("notes.md")) == 3
    # Neither the whole log nor history.json: the kept result of the older HEAD and the two commits since.
    assert cache.counts.extended == 1 and not cache.loaded
    assert (cache.counts.logs, cache.counts.commits, cache.counts.results) == (0, 0, 0)
    again, cache = cached(repo)
    assert again == history and cache.counts.results == 1


def test_an_approval_after_the_kept_result_reads_the_texts_it_compares(repo: Site) -> None:
    """Only the approval commit of a page's version and the revision before it carry a body digest (what
    SMS201 and approval evidence compare). When a new commit only approves the draft kept before, the
    draft's text is read too, and the history is the one a run without any cache gives."""
    repo.write(POLICY, change_policy("1.2", "draft", body="Changes are approved by the CAB and logged."))
    commit_all(repo.root, "Draft change policy 1.2", "2026-05-01")
    draft, _ = cached(repo)
    assert all(rev.body_digest is None for rev in draft.of(POLICY))  # 1.2 is not approved: nothing to compare
    repo.write(POLICY, change_policy("1.2", body="Changes are approved by the CAB and logged."))
    commit_all(repo.root, "Approve change policy 1.2", "2026-05-02")
    history, cache = cached(repo)
    assert cache.counts.extended == 1 and history == uncached(repo)
    approval, before, *older = history.of(POLICY)
    assert (approval.status, before.status) == ("approved", "draft")
    assert approval.body_digest is not None and approval.body_digest == before.body_digest  # the text it approved
    assert all(rev.body_digest is None for rev in older)
    # The result kept for this HEAD (the one kept before, with this page written anew) reads back the same.
    again, cache = cached(repo)
    assert again == history and cache.counts.results == 1
    repo.write(POLICY, change_policy("1.2", body="Changes are approved by anyone."))  # not raised: SMS201
    warm = repo.check("--format", "json")
    write_config(repo.root, {"history": True, "cache": False})
    assert json.loads(warm.stdout) == json.loads(repo.check("--format", "json").stdout)
    assert [f["code"] for f in json.loads(warm.stdout)["findings"]] == ["SMS201"]


def test_results_brought_up_to_head_one_commit_after_another_read_back_as_no_cache_gives(repo: Site) -> None:
    cached(repo)
    for number, (path, text) in enumerate(
        [(POLICY, change_policy("1.2", "draft", body="Drafted.")), ("notes.md", "# Notes\n\nOne.\n"),
         (POLICY, change_policy("1.2", body="Drafted.")), ("notes.md", "# Notes\n\nTwo.\n")]
    ):  # fmt: skip
        repo.write(path, text)
        commit_all(repo.root, f"Edit {number}", f"2026-05-0{number + 1}")
        history, cache = cached(repo)
        assert cache.counts.extended == 1 and history == uncached(repo)
        again, cache = cached(repo)
        assert cache.counts.results == 1 and again == history


def test_a_page_deleted_and_added_again_since_the_kept_result_needs_the_whole_pass(repo: Site) -> None:
    cached(repo)
    (repo.docs / "notes.md").unlink()
    commit_all(repo.root, "Drop the notes", "2026-05-01")
    repo.write("notes.md", "# Notes\n\nStarted again.\n")
    commit_all(repo.root, "Start the notes again", "2026-05-02")
    history, cache = cached(repo)
    assert cache.counts.extended == 0 and cache.counts.logs >= 1
    assert history == uncached(repo)
    assert [r.subject for r in history.of("notes.md")] == ["Start the notes again"]  # older ones: another file


def test_after_one_new_commit_only_it_and_what_it_touched_are_read(repo: Site) -> None:
    cached(repo)
    forget_results(repo)  # what history.json alone gives
    repo.write(POLICY, change_policy("1.2", body="Changes are approved by the CAB."))
    commit_all(repo.root, "Change policy 1.2", "2026-05-01")
    history, cache = cached(repo)
    assert history == uncached(repo)
    assert history.of(POLICY)[0].version == "1.2"
    # Two logs (docs_dir's, and the one widened to where notes.md came from), each reading one commit.
    assert (cache.counts.blobs, cache.counts.logs, cache.counts.commits, cache.counts.renames) == (1, 2, 2, 0)


def test_a_merge_since_the_last_run_reads_the_whole_log_again(repo: Site) -> None:
    cached(repo)
    git(repo.root, "checkout", "-q", "-b", "side")
    repo.write("notes.md", "# Notes\n\nRevised on a branch.\n")
    commit_all(repo.root, "Revise the notes", "2026-05-01")
    git(repo.root, "checkout", "-q", "main")
    repo.write(POLICY, change_policy("1.2", body="Changes are approved by the CAB."))
    commit_all(repo.root, "Change policy 1.2", "2026-05-02")
    git(repo.root, "merge", "-q", "--no-ff", "-m", "Merge the notes", "side", date="2026-05-03")
    history, cache = cached(repo)
    assert history == uncached(repo)
    assert cache.counts.commits == commits_of_a_whole_walk(repo)
    assert cache.counts.blobs == 2  # the two new revisions; every other blob is known


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda raw: raw[: len(raw) // 2], id="truncated"),
        pytest.param(lambda raw: b"", id="empty"),
        pytest.param(lambda raw: b"\x00\xff not json at all", id="garbage"),
        pytest.param(lambda raw: raw.replace(b'"1.1"', b'"9.9"'), id="a value changed, checksum not"),
        pytest.param(lambda raw: raw.split(b"\n", 1)[1], id="no header"),
        pytest.param(lambda raw: b'{"key": "x"}\n[]', id="not a cache"),
    ],
)
def test_a_damaged_cache_gives_the_results_of_no_cache_and_is_rebuilt(repo: Site, damage: object) -> None:
    cached(repo)
    file = repo.root / FOLDER / FILE
    file.write_bytes(damage(file.read_bytes()))  # type: ignore[operator]
    forget_results(repo)
    history, cache = cached(repo)
    assert history == uncached(repo)
    assert history.of(POLICY)[0].version == "1.1"
    assert cache.counts.blobs == distinct_blobs(repo)  # nothing of the damaged file was used
    forget_results(repo)
    _, again = cached(repo)
    assert again.counts.blobs == 0  # a good file was written in its place


def _rewrite(file: Path, key: str, payload: bytes) -> None:
    header = json.dumps({"key": key, "sha256": hashlib.sha256(payload).hexdigest()}).encode()
    file.write_bytes(header + b"\n" + payload)


def test_a_cache_of_another_version_is_ignored_and_rebuilt(repo: Site) -> None:
    cached(repo)
    file = repo.root / FOLDER / FILE
    payload = file.read_bytes().split(b"\n", 1)[1].replace(b'"1.1"', b'"9.9"')
    # Whole and with a good checksum, but written by another version of the tool: not used.
    _rewrite(file, cache_key().replace("mkdocs-sms", "mkdocs-sms 0.0.1"), payload)
    forget_results(repo)
    history, cache = cached(repo)
    assert history == uncached(repo) and history.of(POLICY)[0].version == "1.1"
    assert cache.counts.blobs == distinct_blobs(repo)
    assert json.loads(file.read_bytes().split(b"\n", 1)[0])["key"] == cache_key()
    # The same file under this version's key would be used as it is: the key is what keeps it out.
    _rewrite(file, cache_key(), payload)
    forget_results(repo)
    assert cached(repo)[0].of(POLICY)[0].version == "9.9"


def test_a_cache_that_came_with_the_repository_is_never_read(repo: Site) -> None:
    # Anyone who can push could commit a cache that says what a check should find. A forged history.json,
    # whole and under this version's key, would be used were it this machine's; committed, it is not.
    cached(repo)
    file = repo.root / FOLDER / FILE
    _rewrite(file, cache_key(), file.read_bytes().split(b"\n", 1)[1].replace(b'"1.1"', b'"9.9"'))
    forget_results(repo)
    git(repo.root, "add", "-f", FOLDER.as_posix())
    commit_all(repo.root, "Commit a cache", "2026-05-01")
    committed.cache_clear()  # asked once per process: this is a new one
    history, cache = cached(repo)
    assert history == uncached(repo) and history.of(POLICY)[0].version == "1.1"
    assert cache.counts.blobs == distinct_blobs(repo)  # nothing of the committed file was used
    # Untracked again, the same file would be read: the only difference is that git tracks it.
    _rewrite(file, cache_key(), file.read_bytes().split(b"\n", 1)[1].replace(b'"1.1"', b'"9.9"'))
    forget_results(repo)
    git(repo.root, "rm", "-q", "-r", "--cached", FOLDER.as_posix())
    commit_all(repo.root, "Remove the cache", "2026-05-02")
    committed.cache_clear()
    assert cached(repo)[0].of(POLICY)[0].version == "9.9"


def test_rewritten_history_gives_the_results_of_no_cache(repo: Site) -> None:
    before, _ = cached(repo)
    # Amend the newest commit with other contents.
    repo.write(POLICY, change_policy("1.5", body="Changes are approved by the change manager."))
    git(repo.root, "add", "-A")
    git(repo.root, "commit", "-q", "--amend", "-m", "Change policy 1.5", date="2026-04-16")
    amended, cache = cached(repo)
    assert amended == uncached(repo)
    assert amended.of(POLICY)[0].version == "1.5" and amended.of(POLICY)[0].commit != before.of(POLICY)[0].commit
    assert cache.counts.commits == commits_of_a_whole_walk(repo)
    # Back to an older commit, then a new line of history from there (a rebase, a force push).
    git(repo.root, "reset", "-q", "--hard", "HEAD~1")
    repo.write(POLICY, change_policy("1.0", body="Changes are approved by the board."))
    commit_all(repo.root, "Edit without raising the version", "2026-05-01")
    history, _ = cached(repo)
    assert history == uncached(repo)
    assert [r.version for r in history.of(POLICY)] == ["1.0", "1.0", "1.0", "0.1"]
    assert [f["code"] for f in repo.check_json()["findings"]] == ["SMS201"]


_WRITER = """
import sys
from pathlib import Path
from mkdocs_sms.read.cache import HistoryCache
from mkdocs_sms.read.git import read_history

docs, folder, rounds = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
paths = [p.relative_to(docs).as_posix() for p in docs.rglob("*.md")]
for _ in range(rounds):
    cache = HistoryCache(folder)
    cache.load()
    cache.changed = True  # write every round, whatever was read
    read_history(docs, paths, cache=cache)
    cache.save()
"""


def test_two_processes_writing_at_once_leave_a_valid_cache(repo: Site) -> None:
    folder = repo.root / FOLDER
    command = [sys.executable, "-c", _WRITER, str(repo.docs), str(folder), "15"]
    writers = [subprocess.Popen(command, stderr=subprocess.PIPE) for _ in range(2)]
    for writer in writers:
        _, errors = writer.communicate(timeout=120)
        assert writer.returncode == 0, errors.decode()
    # No temporary file left: the cache and the one result of this HEAD.
    assert sorted(p.name for p in folder.iterdir() if p.name != ".gitignore") == [FILE, results(repo)[0].name]
    forget_results(repo)
    history, cache = cached(repo)
    assert history == uncached(repo)
    assert cache.counts.blobs == 0  # the file left is whole, and used


def test_check_gives_the_same_output_with_no_cache_a_cold_one_and_a_warm_one(repo: Site) -> None:
    repo.write(POLICY, change_policy("1.1", body="Changes are approved by whoever is around."))  # SMS201
    write_config(repo.root, {"history": True, "cache": False})
    none = [repo.check(), repo.check("--format", "json")]
    assert not (repo.root / FOLDER).exists()
    assert "SMS201" in none[0].stdout
    write_config(repo.root, {"history": True})
    cold = [repo.check(), repo.check("--format", "json")]
    assert (repo.root / FOLDER / FILE).is_file()
    warm = [repo.check(), repo.check("--format", "json")]
    assert [(r.returncode, r.stdout, r.stderr) for r in none] == [(r.returncode, r.stdout, r.stderr) for r in cold]
    assert [(r.returncode, r.stdout, r.stderr) for r in cold] == [(r.returncode, r.stdout, r.stderr) for r in warm]


def test_the_cache_is_never_committed_and_a_folder_that_cannot_be_written_is_left_alone(repo: Site) -> None:
    cached(repo)
    assert git(repo.root, "status", "--porcelain") == ""  # .cache/mkdocs-sms/ ignores itself
    blocked = repo.root / "blocked"
    blocked.write_text("a file where the cache's folder would be\n")
    write_config(repo.root, {"history": True})
    history = read_history(repo.docs, pages(repo), cache=HistoryCache(blocked / "mkdocs-sms"))
    assert history == uncached(repo)


def test_the_cache_option_must_be_true_or_false(repo: Site) -> None:
    write_config(repo.root, {"history": True, "cache": "sometimes"})
    result = repo.check()
    assert result.returncode == 2 and "option 'cache' must be true or false" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_cache_of_the_right_key_and_checksum_but_the_wrong_shape_is_ignored(repo: Site) -> None:
    cached(repo)
    file = repo.root / FOLDER / FILE
    data = json.loads(file.read_bytes().split(b"\n", 1)[1])
    data["blobs"] = {blob: [1, 2, 3] if values else values for blob, values in data["blobs"].items()}
    _rewrite(file, cache_key(), json.dumps(data).encode())
    forget_results(repo)
    history, cache = cached(repo)
    assert history == uncached(repo)
    assert cache.counts.blobs == distinct_blobs(repo)


def _damage_result(file: Path, change: Callable[[dict[str, Any]], object]) -> None:
    """Rewrite a kept result with ``change`` made to its data, under a good key and checksum."""
    data = json.loads(file.read_bytes().split(b"\n", 1)[1])
    change(data)  # in place
    _rewrite(file, cache_key(), json.dumps(data).encode())


def _first_revision(data: dict[str, Any]) -> list[Any]:
    return next(row for rows in data["pages"].values() for row in rows)


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda data: data.update(head="0" * 40), id="of another HEAD"),
        pytest.param(lambda data: data["pages"].popitem(), id="of other pages"),
        pytest.param(lambda data: data["pages"].__setitem__("elsewhere.md", []), id="of a page not asked for"),
        pytest.param(lambda data: _first_revision(data).__setitem__(0, 999), id="a commit out of range"),
        pytest.param(lambda data: _first_revision(data).__setitem__(2, 1.1), id="a version as a number"),
        pytest.param(lambda data: _first_revision(data).pop(), id="a revision short of a field"),
        pytest.param(lambda data: data["commits"][0].pop(), id="a commit short of a field"),
        pytest.param(lambda data: data["pages"].__setitem__(POLICY, {}), id="revisions not a list"),
        pytest.param(lambda data: data["pages"].__setitem__(POLICY, 5), id="revisions a number"),
        pytest.param(lambda data: data["commits"].__setitem__(0, 5), id="a commit a number"),
        pytest.param(lambda data: _first_revision(data).__setitem__(0, "0"), id="a commit index as text"),
        pytest.param(lambda data: _first_revision(data).__setitem__(0, -1), id="a commit index below zero"),
        pytest.param(lambda data: _first_revision(data).__setitem__(0, False), id="a commit index as a boolean"),
        pytest.param(lambda data: _first_revision(data).__setitem__(1, 7), id="a path as a number"),
        pytest.param(lambda data: _first_revision(data).__setitem__(4, ["x"]), id="a digest as a list"),
    ],
)
def test_a_result_that_does_not_fit_is_ignored_and_written_anew(repo: Site, change: Any) -> None:
    cold, _ = cached(repo)
    (file,) = results(repo)
    _damage_result(file, change)
    history, cache = cached(repo)
    assert history == cold == uncached(repo)
    assert cache.counts.results == 0
    _, again = cached(repo)
    assert again.counts.results == 1


@pytest.mark.parametrize(
    "damage",
    [pytest.param(lambda raw: raw[: len(raw) // 2], id="truncated"),
     pytest.param(lambda raw: raw.replace(b'"1.1"', b'"9.9"'), id="a value changed, checksum not")],
)  # fmt: skip
def test_a_damaged_result_is_ignored(repo: Site, damage: Any) -> None:
    cold, _ = cached(repo)
    (file,) = results(repo)
    file.write_bytes(damage(file.read_bytes()))
    history, cache = cached(repo)
    assert history == cold and history.of(POLICY)[0].version == "1.1"
    assert cache.counts.results == 0


def head(site: Site) -> str:
    return git(site.root, "rev-parse", "HEAD").strip()


def result_commits(site: Site) -> set[str]:
    return {file.stem.rpartition("-")[2] for file in results(site)}


def test_a_result_is_of_one_head_and_one_set_of_pages_and_only_the_newest_are_kept(repo: Site) -> None:
    cached(repo)
    repo.write("new-page.md", "# New\n\nNot committed yet.\n")
    history, cache = cached(repo)
    assert cache.counts.results == 0 and history.of("new-page.md") == ()
    heads = []
    for number in range(5):
        repo.write(POLICY, change_policy(f"1.{number + 2}", body=f"Edit {number}."))
        commit_all(repo.root, f"Change policy 1.{number + 2}", f"2026-05-0{number + 1}")
        history, cache = cached(repo)
        assert cache.counts.results == 0 and history == uncached(repo)
        assert history.of(POLICY)[0].version == f"1.{number + 2}"
        heads.append(head(repo))
    # The one at the commit the branch points at (the newest here) and the four used last before it; the
    # two results of the first commit (before and after the page was added) are gone.
    assert len(results(repo)) == 5 and result_commits(repo) == set(heads)
    git(repo.root, "tag", "-a", "-m", "Edition 1", "edition-1", heads[0])
    repo.write(POLICY, change_policy("1.7", body="Edit 5."))
    commit_all(repo.root, "Change policy 1.7", "2026-05-06")
    cached(repo)
    # The tagged commit's result stays besides the four used last and the branch's new tip.
    assert len(results(repo)) == 6 and result_commits(repo) == {*heads, head(repo)}
    again, cache = cached(repo)
    assert again == uncached(repo) and cache.counts.results == 1


def test_going_back_to_a_branch_after_commits_on_another_finds_its_result(repo: Site) -> None:
    """A run on main, six commits on a feature branch with a run after each, back to main: main's result
    is still there, so the run reads neither the log nor history.json."""
    main = git(repo.root, "rev-parse", "--abbrev-ref", "HEAD").strip()
    cached(repo)
    git(repo.root, "checkout", "-q", "-b", "feature")
    for number in range(6):
        repo.write(POLICY, change_policy(f"1.{number + 2}", body=f"Edit {number}."))
        commit_all(repo.root, f"Change policy 1.{number + 2}", f"2026-05-0{number + 1}")
        cached(repo)
    git(repo.root, "checkout", "-q", main)
    history, cache = cached(repo)
    assert cache.counts.results == 1 and not cache.loaded
    assert history == uncached(repo) and history.of(POLICY)[0].version == "1.1"
    git(repo.root, "checkout", "-q", "feature")
    history, cache = cached(repo)
    assert cache.counts.results == 1 and history.of(POLICY)[0].version == "1.7"


def test_the_results_kept_are_the_ones_used_last(repo: Site) -> None:
    """A result read again counts as new: with no branch or tag pointing at these commits, a fifth result
    pushes out the one used longest ago, not the one written first and read since."""
    main = git(repo.root, "rev-parse", "--abbrev-ref", "HEAD").strip()
    git(repo.root, "checkout", "-q", "--detach")
    git(repo.root, "branch", "-q", "-D", main)
    cached(repo)
    heads = [head(repo)]

    def commit(number: int) -> None:
        repo.write(POLICY, change_policy(f"1.{number + 2}", body=f"Edit {number}."))
        commit_all(repo.root, f"Change policy 1.{number + 2}", f"2026-05-0{number + 1}")
        cached(repo)
        heads.append(head(repo))

    commit(0)
    commit(1)
    git(repo.root, "checkout", "-q", "--detach", heads[0])
    assert cached(repo)[1].counts.results == 1  # the first commit's result, read again
    git(repo.root, "checkout", "-q", "--detach", heads[2])
    commit(2)
    commit(3)
    assert result_commits(repo) == {heads[0], heads[2], heads[3], heads[4]}  # heads[1]: used longest ago
    git(repo.root, "checkout", "-q", "--detach", heads[0])
    history, cache = cached(repo)
    assert cache.counts.results == 1 and history == uncached(repo)


def test_a_missing_name_with_spaces_does_not_shift_the_blobs_after_it(repo: Site) -> None:
    """git answers a missing ``commit:path`` with "<name> missing": with spaces in the path, that is three
    words or more, like a found object's "<id> <type> <size>"."""
    from mkdocs_sms.read.git import _cat_file, _cat_stream

    blob = git(repo.root, "rev-parse", f"HEAD:docs/{POLICY}")
    names = ["HEAD:docs/no such 30 file.md", "HEAD:docs/a b 7", blob]
    expected = [None, None, (repo.docs / POLICY).read_bytes()]
    assert _cat_file(repo.root, names) == expected
    assert list(_cat_stream(repo.root, names)) == expected
