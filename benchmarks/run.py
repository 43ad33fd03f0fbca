"""Benchmark: the cost of mkdocs-sms on generated handbooks, against a plain mkdocs-material build.

For each size it writes a handbook of N controlled documents (front-matter meeting rows of the bundled
catalogue; about 600 words of body each with a list and a table, about half the average length of the
example handbook's documents), then measures in the same run:

* ``mkdocs build`` with Material and ``navigation.prune`` but without the plugin (the baseline),
* the same build with the ``sms`` plugin,
* ``mkdocs-sms check`` (a separate process, so Python start-up is included).

With ``--history`` it also builds a git repository of 2,000 documents and 200 back-dated commits and
measures the history pass alone, the build with the plugin (history on), and the same build with
mkdocs-git-revision-date-localized-plugin instead (``pip install -e '.[bench]'``), each against the
plain build of the same repository.

With ``--diff`` it times ``mkdocs-sms diff`` between two refs of a 2,000-document handbook in which a
branch revises 50 documents.

Usage: ``python benchmarks/run.py [--sizes 100 500 2000] [--repeat 5] [--history] [--diff] [--out DIR]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import yaml

from mkdocs_sms.catalogue import load_catalogue
from mkdocs_sms.settings import DEFAULT_TYPES

BIN = Path(sys.executable).parent
WORDS = (
    "service customer incident change release supplier capacity availability continuity security "
    "record review approval owner process procedure policy target report measure risk control"
).split()


def _body(rng: random.Random) -> str:
    """About 600 words: sections of prose, a list and a table, like a short process description."""
    sections = []
    for number in range(1, 6):
        prose = " ".join(rng.choice(WORDS) for _ in range(90))
        sections.append(f"## Section {number}\n\n{prose}.")
    items = "\n".join(f"- {' '.join(rng.sample(WORDS, 6))}" for _ in range(6))
    rows = "\n".join(f"| {n} | {rng.choice(WORDS)} | {' '.join(rng.sample(WORDS, 5))} |" for n in range(1, 7))
    table = "| # | Role | Responsibility |\n| --- | --- | --- |\n" + rows
    return "\n\n".join([*sections[:3], items, table, *sections[3:]]) + "\n"


def write_handbook(root: Path, size: int, with_plugin: bool) -> None:
    """A handbook of ``size`` documents in ``root`` (docs/ and mkdocs.yml)."""
    rng = random.Random(size)  # the same documents for both builds of one size
    catalogue = load_catalogue("iso20000-1:2018", Path("."), DEFAULT_TYPES)
    rows = list(catalogue.requirements)
    docs = root / "docs"
    if docs.exists():
        shutil.rmtree(docs)
    docs.mkdir(parents=True)
    (docs / "index.md").write_text("# Benchmark handbook\n\nGenerated.\n")
    for n in range(size):
        row = rows[n % len(rows)]
        doc_type = row.types[0]
        approved_on = dt.date(2026, 1, 1) + dt.timedelta(days=rng.randrange(300))
        meta = {
            "id": f"DOC-{doc_type.upper()}-{n:05d}",
            "title": f"{doc_type.title()} {n}: {' '.join(rng.sample(WORDS, 4))}",
            "type": doc_type,
            "clauses": [row.clause],
            "owner": f"Owner {n % 17}",
            "status": "approved",
            "version": f"{1 + n % 4}.{n % 10}",
            "approved_by": "Managing Director",
            "approved_on": approved_on,
        }
        if doc_type == "record":
            meta["date"] = approved_on
        body = _body(rng)
        folder = docs / f"{doc_type}s" / f"group-{n // 100:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"doc-{n:05d}.md").write_text("---\n" + yaml.safe_dump(meta, sort_keys=False) + "---\n\n" + body)
    plugins: list[object] = ["search"]
    if with_plugin:
        plugins.append({"sms": {"today": "2026-11-29", "severity": {"SMS101": "ignore", "SMS102": "ignore"}}})
    config = {
        "site_name": f"Benchmark {size}",
        "theme": {"name": "material", "features": ["navigation.prune"]},
        "plugins": plugins,
    }
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False))


def timed(args: list[str], cwd: Path) -> float:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    start = time.perf_counter()
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if result.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(args)} failed:\n{result.stderr[-2000:]}")
    return elapsed


def measure(size: int, work: Path, repeat: int) -> dict[str, float]:
    plain_dir, sms_dir = work / f"plain-{size}", work / f"sms-{size}"
    write_handbook(plain_dir, size, with_plugin=False)
    write_handbook(sms_dir, size, with_plugin=True)
    build = [str(BIN / "mkdocs"), "build", "-q"]
    plain: list[float] = []
    sms: list[float] = []
    # Alternate the two builds so that a slow spell of the machine falls on both alike.
    for _ in range(repeat):
        plain.append(timed(build, plain_dir))
        sms.append(timed(build, sms_dir))
    check = [timed([str(BIN / "mkdocs-sms"), "check", "--format", "json"], sms_dir) for _ in range(repeat)]
    return {"plain": statistics.median(plain), "sms": statistics.median(sms), "check": statistics.median(check)}


def write_history_repo(root: Path, size: int, commits: int) -> None:
    """A git repository: the handbook of ``size`` documents, then ``commits - 1`` commits that each
    revise ten documents (a new version and a changed paragraph), one day apart."""
    if root.exists():
        shutil.rmtree(root)
    write_handbook(root, size, with_plugin=False)
    rng = random.Random(commits)
    files = sorted((root / "docs").rglob("doc-*.md"))
    env = {**os.environ, "GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "bench@example.org",
           "GIT_COMMITTER_NAME": "Bench", "GIT_COMMITTER_EMAIL": "bench@example.org"}  # fmt: skip

    def commit(message: str, day: int) -> None:
        when = (dt.datetime(2026, 1, 1, 12, tzinfo=dt.timezone.utc) + dt.timedelta(days=day)).isoformat()
        subprocess.run(["git", "add", "-A"], cwd=root, env=env, check=True)
        subprocess.run(["git", "commit", "-q", "-m", message], cwd=root, check=True,
                       env={**env, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when})  # fmt: skip

    subprocess.run(["git", "init", "-q"], cwd=root, env=env, check=True)
    commit("Initial handbook", 0)
    for number in range(1, commits):
        for path in rng.sample(files, 10):
            text = re.sub(r"^version: .*$", f"version: '{number}.0'", path.read_text(), count=1, flags=re.M)
            path.write_text(text + f"\nRevised in change {number}.\n")
        commit(f"Change {number}", number)
    configs = {
        "plain": ["search"],
        "sms": ["search", {"sms": {"today": "2026-11-29", "severity": {"SMS101": "ignore", "SMS102": "ignore"}}}],
        "revision-date": ["search", "git-revision-date-localized"],
    }
    for name, plugins in configs.items():
        config = {
            "site_name": f"History benchmark {size}",
            "site_dir": f"site-{name}",
            "theme": {"name": "material", "features": ["navigation.prune"]},
            "plugins": plugins,
        }
        (root / f"mkdocs-{name}.yml").write_text(yaml.safe_dump(config, sort_keys=False))


def measure_history(size: int, commits: int, work: Path, repeat: int) -> dict[str, float]:
    from mkdocs_sms.history import read_history

    root = work / f"history-{size}"
    write_history_repo(root, size, commits)
    docs = root / "docs"
    paths = [p.relative_to(docs).as_posix() for p in docs.rglob("*.md")]
    passes = []
    for _ in range(repeat):
        start = time.perf_counter()
        history = read_history(docs, paths)
        passes.append(time.perf_counter() - start)
    assert not history.unavailable, history.unavailable
    times: dict[str, list[float]] = {"plain": [], "sms": [], "revision-date": []}
    for _ in range(repeat):
        for name in times:
            times[name].append(timed([str(BIN / "mkdocs"), "build", "-q", "-f", f"mkdocs-{name}.yml"], root))
    result = {name: statistics.median(values) for name, values in times.items()}
    result["pass"] = statistics.median(passes)
    return result


def measure_diff(size: int, changed: int, work: Path, repeat: int) -> float:
    """``mkdocs-sms diff`` between two refs of a ``size``-document handbook, ``changed`` of them revised."""
    root = work / f"diff-{size}"
    if root.exists():
        shutil.rmtree(root)
    write_handbook(root, size, with_plugin=True)
    env = {**os.environ, "GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "bench@example.org",
           "GIT_COMMITTER_NAME": "Bench", "GIT_COMMITTER_EMAIL": "bench@example.org"}  # fmt: skip
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "Handbook"],
                 ["checkout", "-q", "-b", "change"]):  # fmt: skip
        subprocess.run(["git", *args], cwd=root, env=env, check=True)
    for path in random.Random(changed).sample(sorted((root / "docs").rglob("doc-*.md")), changed):
        text = re.sub(r"^version: .*$", "version: '9.0'", path.read_text(), count=1, flags=re.M)
        path.write_text(text + "\nRevised for the benchmark.\n")
    subprocess.run(["git", "commit", "-q", "-am", "Revise"], cwd=root, env=env, check=True)
    command = [str(BIN / "mkdocs-sms"), "diff", "--base", "main", "--head", "change", "--format", "json"]
    return statistics.median(timed(command, root) for _ in range(repeat))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 500, 2000])
    parser.add_argument("--repeat", type=int, default=5, help="runs per measurement (the median is reported)")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "out")
    parser.add_argument(
        "--history", action="store_true", help="also measure git history (2,000 documents, 200 commits)"
    )
    parser.add_argument("--diff", action="store_true", help="also time mkdocs-sms diff (2,000 documents, 50 changed)")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    lines = [
        "| documents | plain Material + prune | with mkdocs-sms | overhead | `mkdocs-sms check` |",
        "| ---: | ---: | ---: | ---: | ---: |",
    ]
    print(lines[0], lines[1], sep="\n", flush=True)
    for size in args.sizes:
        result = measure(size, args.out, args.repeat)
        overhead = result["sms"] / result["plain"] - 1
        line = (
            f"| {size:,} | {result['plain']:.1f} s | {result['sms']:.1f} s | {overhead:+.1%} "
            f"| {result['check']:.2f} s |"
        )
        lines.append(line)
        print(line, flush=True)
    if args.history:
        result = measure_history(2000, 200, args.out, args.repeat)
        table = [
            "",
            "| documents, commits | history pass | plain build | with mkdocs-sms | overhead "
            "| with git-revision-date-localized | its overhead |",
            "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
            f"| 2,000, 200 | {result['pass']:.2f} s | {result['plain']:.1f} s | {result['sms']:.1f} s "
            f"| {result['sms'] / result['plain'] - 1:+.1%} | {result['revision-date']:.1f} s "
            f"| {result['revision-date'] / result['plain'] - 1:+.1%} |",
        ]
        print("\n".join(table), flush=True)
        lines += table
    if args.diff:
        seconds = measure_diff(2000, 50, args.out, args.repeat)
        table = ["", "| `mkdocs-sms diff`, 2,000 documents, 50 changed | time |", "| --- | ---: |",
                 f"| between two refs (`--base main --head change`) | {seconds:.2f} s |"]  # fmt: skip
        print("\n".join(table), flush=True)
        lines += table
    (args.out / "results.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
