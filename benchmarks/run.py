"""Benchmark: the cost of mkdocs-sms on generated handbooks, against a plain mkdocs-material build.

For each size it writes a handbook of N controlled documents (front-matter meeting rows of the bundled
catalogue; about 600 words of body each with a list and a table, about half the average length of the
example handbook's documents) and commits it to a git repository of its own (packed, as a clone is), then
measures in the same run:

* ``mkdocs build`` with Material and ``navigation.prune`` but without the plugin (the baseline),
* the same build with the ``sms`` plugin, the two builds alternating,
* ``mkdocs-sms check`` (a separate process, so Python start-up is included).

Each build is a separate process; its CPU time and peak resident memory are read from ``wait4``. The
machine is shared, so the figures are medians and the spread of the plain/plugin ratios of the pairs is
shown, with the overhead in CPU time beside the one in wall-clock time.

With ``--memory`` it measures the plugin's own data in a real build (an in-process ``mkdocs build``):
tracemalloc runs only while the plugin's ``on_files`` event (reading and analysing every page, the git
history and the generated pages) runs, giving the peak of what that analysis allocates and what of it is
still alive when the event returns; at the end of the build the deep size of the plugin's attributes
(the handbook, its documents, the history; MkDocs' own objects excluded) is what the plugin keeps.

With ``--serve`` it starts ``mkdocs serve --livereload`` on the plain and the plugin handbook at once (two
processes, each on a free port), waits for the first builds, then appends a line to one document, the
two servers taking turns, and reads the server's log: from "Building documentation..." to "Reloading
browsers" is the rebuild (configuration loaded again, site built again, as MkDocs does on every change);
the edited page is then fetched from the server to check that it shows the edit. The CPU time the
server used over that rebuild is read from /proc. The first rebuild of each server is a warm-up and is
not counted; ``--edits N`` sets how many are (default: ``--repeat``), and the rounds alternate which
server rebuilds first.

With ``--navigation`` it builds the plain handbook (no plugin) with Material's navigation settings:
without ``navigation.prune``, with it, and with ``navigation.prune`` plus ``navigation.sections``.

With ``--history`` it also builds a git repository of 2,000 documents and 200 back-dated commits and
measures the history pass alone, the build with the plugin (history on), and the same build with
mkdocs-git-revision-date-localized-plugin instead (``pip install -e '.[bench]'``), each against the
plain build of the same repository; then the build with the plugin again, with a tag 100 commits back, so
that the "what changed" page reads and analyses that edition and compares it with this one.

With ``--approvals`` it times ``mkdocs-sms check`` of the history repository (2,000 documents, 200 commits,
every other one with an ``Approved-by:`` trailer) with ``approvals: {evidence: any}`` and without, and with
approvals and ``acknowledge`` (40 people acknowledging every policy, two of them only an earlier version of
every third one).
With ``--cache`` it times ``mkdocs-sms check`` of a 2,000-document repository of 100 commits, each revising
600 documents (about 61,400 revisions; written once into the output folder and kept, since writing it
takes many minutes), with history off (the pages a run read kept, and nothing kept: ``cache: false``),
with the cache off, with a cold cache (nothing kept), with a warm one, and warm after one new commit
revising three documents, alternating in each round; a cold run is compared with the run that keeps
nothing either, a warm one with the run that reads the kept pages too. Each round does all of them with
``--format json`` (which carries every revision) and then in the text format (what a pre-commit hook
prints, without revisions).
``--realistic DOCUMENTS COMMITS`` does the same on a realistic history: commits revising one to five
documents each, with a rename every 97th commit and a retirement every 149th.

With ``--diff`` it times ``mkdocs-sms diff`` between two refs of a 2,000-document handbook in which a
branch revises 50 documents.

With ``--trend`` it builds a 2,000-document repository of 20 commits, each revising ten documents and
each tagged, and measures the trend pass alone (in this process, after the handbook now is analysed, as
a build does), then, alternating, the plain build, the build with the plugin and ``trend_limit: 0``,
the build with the trend, and ``mkdocs-sms check``: the trend's extra time is the difference of the two
plugin builds, given as a ratio to the check and to the plain build of the same run.

With ``--profile N ...`` it times a build, ``mkdocs-sms check`` and a serve rebuild (the same plugin
instance building a second time after one document changed, as ``mkdocs serve`` does) of the N-document
handbook in a process of its own, with timers around the plugin's events, then runs each again under
cProfile; the ``.prof`` files and their top functions (``.txt``) go to the output folder. For the build
it also adds up the plugin's own work (its events, MkDocs and Material on its generated pages, and its
import in a process of its own) and gives it as an overhead over the rest of the build: an estimate that
the machine's noise disturbs far less than the ratio of two separate builds (pass ``--sizes`` with no
sizes to profile only).

Everything measured is written to ``results.md`` (the tables) and ``results.json`` (every run) in the
output folder after each table, and each ``mkdocs serve`` log to ``serve-*.log``.

Usage: ``python benchmarks/run.py [--sizes 100 500 2000 5000] [--repeat 5] [--repeat-large 3] [--memory]
[--serve] [--edits 12] [--navigation] [--history] [--cache] [--diff] [--approvals] [--trend]
[--profile 2000] [--out DIR]``.
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import datetime as dt
import functools
import gc
import io
import json
import os
import pstats
import queue
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import BuiltinFunctionType, FunctionType, MethodType, ModuleType
from typing import Any

import yaml

from mkdocs_sms.catalogue import load_catalogue
from mkdocs_sms.options import DEFAULT_TYPES

BIN = Path(sys.executable).parent
# Every measured process runs with a bytecode cache (in the output folder, so that nothing is written
# beside the sources), as an installed package has: without it (PYTHONDONTWRITEBYTECODE=1, as on the
# development machine) each process would compile mkdocs-sms anew, about 0.2 s.
ENV = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
ENV.update({"NO_MKDOCS_2_WARNING": "1", "PYTHONUNBUFFERED": "1"})
# No automatic gc while a history is written (it would run beside the measured runs, or clash with the
# gc run at the end).
GIT_ENV = {**ENV, "GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "bench@example.org",
           "GIT_COMMITTER_NAME": "Bench", "GIT_COMMITTER_EMAIL": "bench@example.org",
           "GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": "gc.auto", "GIT_CONFIG_VALUE_0": "0"}  # fmt: skip
WORDS = (
    "service customer incident change release supplier capacity availability continuity security "
    "record review approval owner process procedure policy target report measure risk control"
).split()
SMS_PLUGIN = {"sms": {"today": "2026-11-29", "severity": {"SMS101": "ignore", "SMS102": "ignore"}}}
PRUNE = ["navigation.prune"]
# Sizes above this use --repeat-large runs instead of --repeat.
LARGE = 2000
MB = 1024 * 1024


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


def write_handbook(
    root: Path, size: int, with_plugin: bool, features: Sequence[str] = PRUNE, commit: bool = False
) -> None:
    """A handbook of ``size`` documents in ``root`` (docs/ and mkdocs.yml); with ``commit``, committed to a
    git repository of its own (as a real handbook is), so that the plugin reads a real history."""
    rng = random.Random(size)  # the same documents for every build of one size
    rows = requirement_rows()
    if root.exists():
        shutil.rmtree(root)
    docs = root / "docs"
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
        (docs / document_path(size, n)).parent.mkdir(parents=True, exist_ok=True)
        (docs / document_path(size, n)).write_text("---\n" + yaml.safe_dump(meta, sort_keys=False) + "---\n\n" + body)
    plugins: list[object] = ["search", SMS_PLUGIN] if with_plugin else ["search"]
    config = {
        "site_name": f"Benchmark {size}",
        "theme": {"name": "material", "features": list(features)},
        "plugins": plugins,
    }
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    if commit:
        # Packed, as a clone is: thousands of loose objects would make the history pass wait on the disk.
        for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "Handbook"], ["gc", "-q"]):
            subprocess.run(["git", *args], cwd=root, env=GIT_ENV, check=True)


@functools.cache
def requirement_rows() -> list[Any]:
    """The rows of the bundled catalogue, which the generated documents meet in turn."""
    return list(load_catalogue("iso20000-1:2018", Path("."), DEFAULT_TYPES).requirements)


def document_path(size: int, n: int) -> str:
    """The path (relative to docs/) of document ``n`` of the ``size``-document handbook."""
    rows = requirement_rows()
    doc_type = rows[n % len(rows)].types[0]
    return f"{doc_type}s/group-{n // 100:02d}/doc-{n:05d}.md"


@dataclass
class Run:
    seconds: float
    cpu: float  # user + system time, the process's and its children's (git)
    max_rss: int  # bytes


def timed(args: list[str], cwd: Path) -> Run:
    """Run a command to its end; its wall-clock time and peak resident memory (from ``wait4``).

    A build must succeed; ``mkdocs-sms`` may also end with 1, its answer when it reports errors."""
    allowed = (0, 1) if Path(args[0]).name == "mkdocs-sms" else (0,)
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        process = subprocess.Popen(args, cwd=cwd, env=ENV, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode not in allowed:
            errors.seek(0)
            raise SystemExit(f"{' '.join(args)} failed:\n{errors.read().decode()[-2000:]}")
    return Run(elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024)  # Linux: kilobytes


def repeats(size: int, args: argparse.Namespace) -> int:
    return int(args.repeat if size <= LARGE else args.repeat_large)


def spread(ratios: Sequence[float]) -> str:
    """The range of the per-pair ratios, e.g. ``-2%…+9%``: how noisy the machine was."""
    return f"{min(ratios) - 1:+.0%}…{max(ratios) - 1:+.0%}"


@dataclass
class SizeResult:
    size: int
    plain: list[Run]
    sms: list[Run]
    check: list[float]
    memory: dict[str, float] = field(default_factory=dict)
    serve: dict[str, list[float]] = field(default_factory=dict)
    # The first build with the plugin, on empty caches (see measure); None in results of older runs.
    first: Run | None = None

    def median(self, runs: list[Run]) -> float:
        return statistics.median(run.seconds for run in runs)

    @property
    def overhead(self) -> float:
        return self.median(self.sms) / self.median(self.plain) - 1

    @property
    def cpu_overhead(self) -> float:
        """The overhead in CPU time, which other work on the machine disturbs less than wall-clock time."""
        return statistics.median(r.cpu for r in self.sms) / statistics.median(r.cpu for r in self.plain) - 1

    @property
    def fastest_overhead(self) -> float:
        """The overhead between the fastest build of each: load from elsewhere only ever adds time."""
        return min(r.seconds for r in self.sms) / min(r.seconds for r in self.plain) - 1

    @property
    def noise(self) -> str:
        return spread([s.seconds / p.seconds for p, s in zip(self.plain, self.sms, strict=True)])


def measure(size: int, work: Path, repeat: int) -> SizeResult:
    plain_dir, sms_dir = work / f"plain-{size}", work / f"sms-{size}"
    write_handbook(plain_dir, size, with_plugin=False, commit=True)
    write_handbook(sms_dir, size, with_plugin=True, commit=True)
    build = [str(BIN / "mkdocs"), "build", "-q"]
    result = SizeResult(size, [], [], [])
    # The first build of each meets empty caches: compiled modules and templates, and the plugin's
    # history and catalogue caches, as a fresh clone in CI does. The plugin's is reported on its own;
    # the measured rounds that follow are the builds of a working copy.
    timed(build, plain_dir)
    result.first = timed(build, sms_dir)
    # Alternate the two builds so that a slow spell of the machine falls on both alike.
    for _ in range(repeat):
        result.plain.append(timed(build, plain_dir))
        result.sms.append(timed(build, sms_dir))
    check = [str(BIN / "mkdocs-sms"), "check", "--format", "json"]
    result.check = [timed(check, sms_dir).seconds for _ in range(repeat)]
    return result


# Memory ------------------------------------------------------------------------------------------------


def deep_size(roots: Sequence[object]) -> int:
    """Bytes held by ``roots`` and everything they reach, counting each object once; MkDocs' own objects
    (files, pages, configuration), classes, modules and functions are not counted nor followed."""
    seen: set[int] = set()
    stack = list(roots)
    total = 0
    skip = (type, ModuleType, FunctionType, BuiltinFunctionType, MethodType)
    while stack:
        obj = stack.pop()
        if id(obj) in seen or isinstance(obj, skip):
            continue
        seen.add(id(obj))
        module = type(obj).__module__ or ""
        if module.startswith(("mkdocs.", "jinja2", "markdown")):
            continue
        total += sys.getsizeof(obj)
        stack.extend(gc.get_referents(obj))
    return total


def probe_memory(root: Path) -> dict[str, float]:
    """A real ``mkdocs build`` in this process, with tracemalloc on while the plugin's on_files runs."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    with tempfile.TemporaryDirectory() as site:
        config = load_config(str(root / "mkdocs.yml"), site_dir=site)
        plugin = config.plugins["sms"]
        figures: dict[str, float] = {}
        events = config.plugins.events["files"]
        index = next(i for i, method in enumerate(events) if getattr(method, "__self__", None) is plugin)
        original = events[index]

        def traced(files: Any, *, config: Any) -> Any:
            gc.collect()
            tracemalloc.start()
            start = time.perf_counter()
            try:
                return original(files, config=config)
            finally:
                figures["on_files_seconds"] = time.perf_counter() - start
                current, peak = tracemalloc.get_traced_memory()
                tracemalloc.stop()
                figures["on_files_peak"], figures["on_files_retained"] = peak, current

        events[index] = traced
        config.plugins.on_startup(command="build", dirty=False)
        try:
            build(config)
        finally:
            config.plugins.on_shutdown()
        gc.collect()
        state = [value for name, value in vars(plugin).items() if name != "config"]
        figures["plugin_state"] = deep_size(state)
    return figures


def measure_memory(size: int, work: Path) -> dict[str, float]:
    root = work / f"sms-{size}"
    command = [sys.executable, __file__, "--probe", "memory", str(root)]
    result = subprocess.run(command, cwd=root, env=ENV, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"memory probe failed:\n{result.stderr[-2000:]}")
    figures: dict[str, float] = json.loads(result.stdout.strip().splitlines()[-1])
    return figures


# mkdocs serve ------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Server:
    """``mkdocs serve --livereload`` in a process of its own; its log lines, with the time each arrived
    (and all of them in ``log_file``, to see what happened when a measurement goes wrong)."""

    ERROR = "An error happened during the rebuild"

    def __init__(self, root: Path, log_file: Path) -> None:
        self.root = root
        self.port = free_port()
        command = [str(BIN / "mkdocs"), "serve", "--livereload", "-a", f"127.0.0.1:{self.port}"]
        self.process = subprocess.Popen(
            command, cwd=root, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, bufsize=1
        )
        self.lines: queue.Queue[tuple[float, str]] = queue.Queue()
        self.log: list[str] = []
        self.log_file = log_file
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        with self.log_file.open("w") as log:
            for line in self.process.stderr:
                when = time.perf_counter()
                log.write(f"{when:.3f} {line}")
                log.flush()
                self.lines.put((when, line.rstrip()))
        self.lines.put((time.perf_counter(), ""))  # end of output: the server stopped

    def _fail(self, why: str) -> SystemExit:
        tail = "\n".join(self.log[-30:])
        return SystemExit(f"mkdocs serve in {self.root}: {why} (log: {self.log_file}):\n{tail}")

    def wait_for(self, text: str, deadline: float, after: float = 0.0) -> tuple[float, str]:
        """The arrival time and text of the next log line containing ``text`` that arrived after ``after``
        (a ``time.perf_counter()`` value); ``deadline`` is a ``time.monotonic()`` value."""
        while True:
            try:
                when, line = self.lines.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                raise self._fail(f"no '{text}' in time") from None
            self.log.append(line)
            if not line and self.process.poll() is not None:
                raise self._fail("the server stopped")
            if self.ERROR in line:
                raise self._fail("the rebuild failed")
            if text in line and when >= after:
                return when, line

    def rebuild(self, path: Path, url: str, marker: str, timeout: float) -> dict[str, float]:
        """Append ``marker`` to the document at ``path``; time the rebuild; check the page shows it.

        The rebuild runs from "Building documentation..." to "Reloading browsers". (MkDocs logs
        "Documentation built in X seconds" only when that text differs from every earlier one, a
        duplicate filter on its build logger, so that line cannot be waited for.) A rebuild whose first
        line came before the edit was saved is not the one wanted: its lines are passed over, and when
        the page does not show the edit yet, the next rebuild is waited for.
        """
        deadline = time.monotonic() + timeout
        cpu = self.cpu_seconds()
        edited = time.perf_counter()
        with path.open("a") as document:
            document.write(f"\nEdited for the benchmark: {marker}.\n")
        while True:
            started, _ = self.wait_for("Building documentation", deadline, after=edited)
            reloaded, _ = self.wait_for("Reloading browsers", deadline)
            cpu = self.cpu_seconds() - cpu
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/{url}", timeout=30) as response:
                if marker in response.read().decode():
                    break
        return {"rebuild": reloaded - started, "edit_to_reload": reloaded - edited, "cpu": cpu}

    def cpu_seconds(self) -> float:
        """CPU time the server has used so far, with that of the git processes it ran (from /proc)."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return sum(int(value) for value in fields[11:15]) / os.sysconf("SC_CLK_TCK")  # utime..cstime

    def stop(self) -> None:
        self.process.send_signal(signal.SIGINT)  # as Ctrl-C: the server then removes its temporary site
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def measure_serve(size: int, work: Path, edits: int) -> dict[str, list[float]]:
    """Both handbooks served at once; one document edited in each in turn, ``edits`` times (after a
    warm-up edit each). Runs on the handbooks :func:`measure` wrote and restores the edited document."""
    relative = document_path(size, size // 2)
    url = relative.removesuffix(".md") + "/"
    roots = {"plain": work / f"plain-{size}", "sms": work / f"sms-{size}"}
    originals = {name: (root / "docs" / relative).read_bytes() for name, root in roots.items()}
    timeout = 600 + size  # seconds; the first build of 5,000 documents takes about a minute
    servers = {name: Server(root, work / f"serve-{name}-{size}.log") for name, root in roots.items()}
    results: dict[str, list[float]] = {}
    try:
        for server in servers.values():
            server.wait_for("Serving on", time.monotonic() + timeout)
        for number in range(edits + 1):
            # Each round in the other order, so that neither server always rebuilds right after the other.
            for name, server in sorted(servers.items(), reverse=number % 2 == 1):
                figures = server.rebuild(server.root / "docs" / relative, url, f"edit {name} {number}", timeout)
                if number == 0:
                    continue  # warm-up
                for key, value in figures.items():
                    results.setdefault(f"{name}_{key}", []).append(value)
    finally:
        for server in servers.values():
            server.stop()
        for name, root in roots.items():
            (root / "docs" / relative).write_bytes(originals[name])
    return results


# Navigation settings -----------------------------------------------------------------------------------

NAVIGATION = {
    "no prune": [],
    "navigation.prune": PRUNE,
    "prune + sections": [*PRUNE, "navigation.sections"],
}


def measure_navigation(size: int, work: Path, repeat: int) -> dict[str, float]:
    """Plain builds (no plugin) of one handbook with each of :data:`NAVIGATION`, alternating."""
    roots = {}
    for name, features in NAVIGATION.items():
        roots[name] = work / f"nav-{size}-{name.replace(' ', '-').replace('+', 'and')}"
        write_handbook(roots[name], size, with_plugin=False, features=features)
    times: dict[str, list[float]] = {name: [] for name in NAVIGATION}
    for _ in range(repeat):
        for name, root in roots.items():
            times[name].append(timed([str(BIN / "mkdocs"), "build", "-q"], root).seconds)
    return {name: statistics.median(values) for name, values in times.items()}


# Git history and diff ----------------------------------------------------------------------------------


def write_history_repo(
    root: Path, size: int, commits: int, trailers: bool = False, touched: int | tuple[int, int] = 10
) -> None:
    """A git repository: the handbook of ``size`` documents, then ``commits - 1`` commits that each
    revise ``touched`` documents (a new version and a changed paragraph), one day apart; with ``trailers``,
    every other one says who approved it in an ``Approved-by:`` trailer.

    With ``touched`` a range (the realistic history), each commit revises a number of documents in it,
    every 97th commit also renames one and every 149th retires one."""
    write_handbook(root, size, with_plugin=False)
    rng = random.Random(commits)
    files = sorted((root / "docs").rglob("doc-*.md"))
    realistic = isinstance(touched, tuple)

    def commit(message: str, day: int) -> None:
        when = (dt.datetime(2026, 1, 1, 12, tzinfo=dt.timezone.utc) + dt.timedelta(days=day)).isoformat()
        subprocess.run(["git", "add", "-A"], cwd=root, env=GIT_ENV, check=True)
        subprocess.run(["git", "commit", "-q", "-m", message], cwd=root, check=True,
                       env={**GIT_ENV, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when})  # fmt: skip

    subprocess.run(["git", "init", "-q"], cwd=root, env=GIT_ENV, check=True)
    commit("Initial handbook", 0)
    for number in range(1, commits):
        count = rng.randint(*touched) if isinstance(touched, tuple) else touched
        for path in rng.sample(files, count):
            text = re.sub(r"^version: .*$", f"version: '{number}.0'", path.read_text(), count=1, flags=re.M)
            path.write_text(text + f"\nRevised in change {number}.\n")
        if realistic and number % 97 == 0:
            old = files.pop(rng.randrange(len(files)))
            new = old.with_name(old.stem + "-renamed.md")
            subprocess.run(["git", "mv", str(old), str(new)], cwd=root, env=GIT_ENV, check=True)
            files.append(new)
        if realistic and number % 149 == 0:
            path = files.pop(rng.randrange(len(files)))
            path.write_text(re.sub(r"^status: .*$", "status: retired", path.read_text(), count=1, flags=re.M))
        approval = "\n\nApproved-by: Rita Reviewer <rita@example.org>" if trailers and number % 2 else ""
        commit(f"Change {number}{approval}", number)
    subprocess.run(["git", "gc", "-q"], cwd=root, env=GIT_ENV, check=True)
    configs: dict[str, list[object]] = {
        "plain": ["search"],
        "sms": ["search", SMS_PLUGIN],
        "revision-date": ["search", "git-revision-date-localized"],
    }
    for name, plugins in configs.items():
        config = {
            "site_name": f"History benchmark {size}",
            "site_dir": f"site-{name}",
            "theme": {"name": "material", "features": PRUNE},
            "plugins": plugins,
        }
        (root / f"mkdocs-{name}.yml").write_text(yaml.safe_dump(config, sort_keys=False))


def measure_history(size: int, commits: int, work: Path, repeat: int) -> dict[str, float]:
    from mkdocs_sms.read.git import read_history

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
            times[name].append(timed([str(BIN / "mkdocs"), "build", "-q", "-f", f"mkdocs-{name}.yml"], root).seconds)
    result = {name: statistics.median(values) for name, values in times.items()}
    result["pass"] = statistics.median(passes)
    # The "what changed" page against an edition 100 commits back (about 1,000 documents revised since).
    subprocess.run(["git", "tag", "edition", "HEAD~100"], cwd=root, env=GIT_ENV, check=True)
    changes = [timed([str(BIN / "mkdocs"), "build", "-q", "-f", "mkdocs-sms.yml"], root).seconds for _ in range(repeat)]
    subprocess.run(["git", "tag", "-d", "edition"], cwd=root, env=GIT_ENV, check=True, capture_output=True)
    result["sms-changes"] = statistics.median(changes)
    return result


APPROVALS = {"evidence": "any", "approvers": {"Managing Director": ["rita@example.org"]}}


# The group that acknowledges the policies of the approvals benchmark, and the file of their acknowledgements.
STAFF = [f"Person {n} <person{n}@example.org>" for n in range(40)]
ACKNOWLEDGE = {"types": ["policy"], "people_file": "staff.txt", "file": "acknowledgements.csv", "grace_days": 30}


def write_acknowledgements(root: Path) -> int:
    """The staff file and an acknowledgement file for every policy of the handbook in ``root``: each person
    acknowledged the policy's current version, except two of every third policy, who acknowledged only an
    earlier one. Returns the number of rows."""
    (root / "staff.txt").write_text("\n".join(STAFF) + "\n")
    rows = ["person,document,version,date"]
    for number, path in enumerate(sorted((root / "docs").rglob("doc-*.md"))):
        meta = yaml.safe_load(path.read_text().split("---\n", 2)[1])
        if meta["type"] != "policy":
            continue
        for index in range(len(STAFF)):
            version = "0.1" if number % 3 == 0 and index < 2 else meta["version"]
            rows.append(f"person{index}@example.org,{meta['id']},{version},2026-11-{1 + index % 28:02d}")
    (root / "acknowledgements.csv").write_text("\n".join(rows) + "\n")
    return len(rows) - 1


def measure_approvals(size: int, commits: int, work: Path, repeat: int) -> dict[str, float]:
    """``mkdocs-sms check`` of a ``size``-document repository of ``commits`` commits without approval
    evidence, with it (``evidence: any``: trailers, signatures and tags), and with it and acknowledgements
    of the policies, alternating."""
    root = work / f"approvals-{size}"
    write_history_repo(root, size, commits, trailers=True)
    rows = write_acknowledgements(root)
    config = yaml.safe_load((root / "mkdocs-sms.yml").read_text())
    for name, extra in (("approvals", {"approvals": APPROVALS}),
                        ("acknowledge", {"approvals": APPROVALS, "acknowledge": ACKNOWLEDGE})):  # fmt: skip
        config["plugins"] = ["search", {"sms": {**SMS_PLUGIN["sms"], **extra}}]
        (root / f"mkdocs-{name}.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    times: dict[str, list[float]] = {"sms": [], "approvals": [], "acknowledge": []}
    for _ in range(repeat):
        for name in times:
            check = [str(BIN / "mkdocs-sms"), "check", "-f", f"mkdocs-{name}.yml", "--format", "json"]
            times[name].append(timed(check, root).seconds)
    return {**{name: statistics.median(values) for name, values in times.items()}, "rows": rows}


def write_trend_repo(root: Path, size: int, tags: int) -> None:
    """The history repository of ``size`` documents and ``tags`` commits (each but the first revising ten
    documents), every commit tagged as an edition; ``mkdocs-notrend.yml`` is the plugin without the trend."""
    write_history_repo(root, size, tags)
    commits = subprocess.run(["git", "rev-list", "--reverse", "HEAD"], cwd=root, env=GIT_ENV, check=True,
                             capture_output=True, text=True).stdout.split()  # fmt: skip
    for number, commit in enumerate(commits, start=1):
        subprocess.run(["git", "tag", f"2026.{number}", commit], cwd=root, env=GIT_ENV, check=True)
    config = yaml.safe_load((root / "mkdocs-sms.yml").read_text())
    config["site_dir"] = "site-notrend"
    config["plugins"] = ["search", {"sms": {**SMS_PLUGIN["sms"], "trend_limit": 0}}]
    (root / "mkdocs-notrend.yml").write_text(yaml.safe_dump(config, sort_keys=False))


def trend_pass(root: Path) -> float:
    """The trend alone, in this process: the tags read and each edition analysed (the handbook now is
    analysed first and not counted)."""
    from mkdocs_sms.analysis.handbook import PageCache
    from mkdocs_sms.load import load_configuration, load_handbook, load_trend
    from mkdocs_sms.read.snapshot import of_project

    project, settings, catalogues = load_configuration(root / "mkdocs-sms.yml")
    pages = PageCache()  # as in a build: the pages of the handbook now, to start the editions' cache from
    head = load_handbook(of_project(project), settings, catalogues, cache=pages)
    start = time.perf_counter()
    trend = load_trend(project.docs_dir, project.exclude, head, pages=pages)
    seconds = time.perf_counter() - start
    assert not trend.unavailable and len(trend.points) > 1, trend.unavailable
    return seconds


def measure_trend(size: int, tags: int, work: Path, repeat: int) -> dict[str, float]:
    """The cost of the trend over ``tags`` tags of a ``size``-document handbook: the pass alone, and the
    build with the plugin with and without it, against a plain build and ``mkdocs-sms check``, same run."""
    root = work / f"trend-{size}"
    write_trend_repo(root, size, tags)
    passes = [trend_pass(root) for _ in range(repeat)]
    times: dict[str, list[float]] = {"plain": [], "notrend": [], "sms": [], "check": []}
    for _ in range(repeat):
        for name in ("plain", "notrend", "sms"):
            times[name].append(timed([str(BIN / "mkdocs"), "build", "-q", "-f", f"mkdocs-{name}.yml"], root).seconds)
        check = [str(BIN / "mkdocs-sms"), "check", "-f", "mkdocs-sms.yml", "--format", "json"]
        times["check"].append(timed(check, root).seconds)
    result = {name: statistics.median(values) for name, values in times.items()}
    result["pass"] = statistics.median(passes)
    return result


def write_cache_repo(root: Path, size: int, commits: int, touched: int | tuple[int, int]) -> None:
    """The history repository of ``size`` documents, ``commits`` commits each revising ``touched`` of them,
    with configurations for ``check`` with history off, with the cache off and with both; kept across runs
    (the heavy one takes many minutes to write), written again when its parameters differ."""
    marker = root / "generated.json"
    wanted = {"size": size, "commits": commits, "touched": list(touched) if isinstance(touched, tuple) else touched}
    if not marker.exists() or json.loads(marker.read_text()) != wanted:
        write_history_repo(root, size, commits, touched=touched)
        marker.write_text(json.dumps(wanted))
    variants = {
        "off": {"history": False},
        "nocache": {"cache": False},
        "off-nocache": {"history": False, "cache": False},
    }
    for name, extra in variants.items():
        config = yaml.safe_load((root / "mkdocs-sms.yml").read_text())
        config["plugins"] = ["search", {"sms": {**SMS_PLUGIN["sms"], **extra}}]
        (root / f"mkdocs-{name}.yml").write_text(yaml.safe_dump(config, sort_keys=False))


def measure_cache(size: int, commits: int, touched: int | tuple[int, int], work: Path, repeat: int) -> dict[str, Any]:
    """``mkdocs-sms check`` of a history repository with history off (pages kept, nothing kept), with no
    cache, with a cold cache, with a warm one, and warm after one new commit revising three documents;
    each a separate process, alternating in every round, in the JSON format and then in the text format
    (the new commit is taken back after its run). Medians by format: ``result["json"]["warm"]``."""
    each = "-".join(map(str, touched)) if isinstance(touched, tuple) else touched
    root = work / f"cache-{size}-{commits}x{each}"
    write_cache_repo(root, size, commits, touched)
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, env=GIT_ENV, check=True, capture_output=True,
                          text=True).stdout.strip()  # fmt: skip
    files = sorted((root / "docs").rglob("doc-*.md"))
    formats = {"json": ["--format", "json"], "text": []}  # text: what a pre-commit hook prints, no revisions
    names = ("off", "off-nocache", "nocache", "cold", "warm", "commit")
    times: dict[str, dict[str, list[float]]] = {fmt: {name: [] for name in names} for fmt in formats}
    for number in range(repeat):
        for turn, (fmt, option) in enumerate(formats.items()):
            check = [str(BIN / "mkdocs-sms"), "check", *option, "-f"]
            runs = times[fmt]
            runs["off"].append(timed([*check, "mkdocs-off.yml"], root).seconds)
            runs["off-nocache"].append(timed([*check, "mkdocs-off-nocache.yml"], root).seconds)
            runs["nocache"].append(timed([*check, "mkdocs-nocache.yml"], root).seconds)
            shutil.rmtree(root / ".cache", ignore_errors=True)
            runs["cold"].append(timed([*check, "mkdocs-sms.yml"], root).seconds)
            runs["warm"].append(timed([*check, "mkdocs-sms.yml"], root).seconds)
            for path in random.Random(number * len(formats) + turn).sample(files, 3):
                path.write_text(path.read_text() + f"\nRevised in round {number}.\n")
            subprocess.run(["git", "commit", "-q", "-am", f"Round {number}"], cwd=root, env=GIT_ENV, check=True)
            runs["commit"].append(timed([*check, "mkdocs-sms.yml"], root).seconds)
            subprocess.run(["git", "reset", "-q", "--hard", head], cwd=root, env=GIT_ENV, check=True)
    result: dict[str, Any] = {
        fmt: {name: statistics.median(values) for name, values in runs.items()} for fmt, runs in times.items()
    }
    result["runs"] = times
    result["size"] = (root / ".cache" / "mkdocs-sms" / "history.json").stat().st_size
    from mkdocs_sms.read.git import read_history

    docs = root / "docs"
    history = read_history(docs, [p.relative_to(docs).as_posix() for p in docs.rglob("*.md")])
    result["revisions"] = sum(len(revs) for revs in history.revisions.values())
    return result


def measure_diff(size: int, changed: int, work: Path, repeat: int) -> float:
    """``mkdocs-sms diff`` between two refs of a ``size``-document handbook, ``changed`` of them revised."""
    root = work / f"diff-{size}"
    write_handbook(root, size, with_plugin=True, commit=True)
    subprocess.run(["git", "checkout", "-q", "-b", "change"], cwd=root, env=GIT_ENV, check=True)
    for path in random.Random(changed).sample(sorted((root / "docs").rglob("doc-*.md")), changed):
        text = re.sub(r"^version: .*$", "version: '9.0'", path.read_text(), count=1, flags=re.M)
        path.write_text(text + "\nRevised for the benchmark.\n")
    subprocess.run(["git", "commit", "-q", "-am", "Revise"], cwd=root, env=GIT_ENV, check=True)
    command = [str(BIN / "mkdocs-sms"), "diff", "--base", "main", "--head", "change", "--format", "json"]
    return statistics.median(timed(command, root).seconds for _ in range(repeat))


# Profiles ----------------------------------------------------------------------------------------------


def _timed_events(config: Any, plugin: object, spent: dict[str, float]) -> None:
    """Wrap each of ``plugin``'s event methods registered in ``config`` in a timer adding to ``spent``."""
    for name, methods in config.plugins.events.items():
        for index, method in enumerate(methods):
            if getattr(method, "__self__", None) is not plugin:
                continue

            def timer(*args: Any, _method: Any = method, _name: str = name, **kwargs: Any) -> Any:
                start = time.perf_counter()
                try:
                    return _method(*args, **kwargs)
                finally:
                    spent[_name] = spent.get(_name, 0.0) + time.perf_counter() - start

            methods[index] = timer


def _timed_generated_pages(plugin: Any, spent: dict[str, float]) -> None:
    """Add to ``spent["generated pages"]`` what MkDocs and Material take to read, render and write the
    plugin's generated pages, beyond the plugin's own events on them (timed as events already)."""
    import mkdocs.commands.build as building

    for name in ("_populate_page", "_build_page"):
        original = getattr(building, name)

        def timer(page: Any, *args: Any, _original: Any = original, **kwargs: Any) -> Any:
            if page.file.src_uri not in plugin._generated:
                return _original(page, *args, **kwargs)
            events, start = sum(v for k, v in spent.items() if k != "generated pages"), time.perf_counter()
            try:
                return _original(page, *args, **kwargs)
            finally:
                inside = sum(v for k, v in spent.items() if k != "generated pages") - events
                spent["generated pages"] = spent.get("generated pages", 0.0) + time.perf_counter() - start - inside

        setattr(building, name, timer)


def import_time() -> float:
    """Seconds to import the plugin in a process that has MkDocs and Material loaded and has listed the
    installed plugins, as ``mkdocs build`` has done before it loads one (median of 3)."""
    code = (
        "import time, mkdocs.commands.build, mkdocs.config, material.plugins.search.plugin\n"
        "from mkdocs.plugins import get_plugins\nget_plugins()\n"
        "start = time.perf_counter()\nimport mkdocs_sms.plugin\nprint(time.perf_counter() - start)"
    )
    runs = [
        float(subprocess.run([sys.executable, "-c", code], env=ENV, capture_output=True, text=True, check=True).stdout)
        for _ in range(3)
    ]
    return statistics.median(runs)


def probe_profile(kind: str, root: Path, output: Path | None) -> dict[str, Any]:
    """One ``build``, ``check`` or serve ``rebuild`` of the handbook in ``root``, timed; with ``output``,
    also under cProfile (written there). Wall-clock time of the plugin's own events is measured with
    timers around them, so that it is not inflated by the profiler (when ``output`` is None)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from mkdocs_sms.cli import main as cli_main

    profiler = cProfile.Profile()
    spent: dict[str, float] = {}

    def run(function: Any, *args: Any, **kwargs: Any) -> float:
        start = time.perf_counter()
        if output is None:
            function(*args, **kwargs)
        else:
            profiler.runcall(function, *args, **kwargs)
        return time.perf_counter() - start

    with tempfile.TemporaryDirectory() as site:
        if kind == "check":
            total = run(cli_main, ["check", "--format", "json"], io.StringIO(), io.StringIO())
            spent["check"] = total
        elif kind == "build":
            config = load_config(str(root / "mkdocs.yml"), site_dir=site)
            _timed_events(config, config.plugins["sms"], spent)
            _timed_generated_pages(config.plugins["sms"], spent)
            config.plugins.on_startup(command="build", dirty=False)
            total = run(build, config)
            config.plugins.on_shutdown()
        else:  # what mkdocs serve does on a change: load the configuration again, build again
            serve_url = "http://127.0.0.1:8000/"
            config = load_config(str(root / "mkdocs.yml"), site_dir=site)
            config.plugins.on_startup(command="serve", dirty=False)
            build(config, serve_url=serve_url)
            path = root / "docs" / document_path(int(root.name.split("-")[-1]), 1)
            original = path.read_bytes()
            path.write_bytes(original + b"\nEdited for the profile.\n")
            try:
                again = load_config(str(root / "mkdocs.yml"), site_dir=site)
                assert again.plugins["sms"] is config.plugins["sms"], "serve keeps the plugin instance"
                _timed_events(again, again.plugins["sms"], spent)
                total = run(build, again, serve_url=serve_url)
            finally:
                path.write_bytes(original)
            config.plugins.on_shutdown()
    if output is not None:
        profiler.dump_stats(output)
    return {"total": total, "events": spent}


def run_profiles(size: int, work: Path) -> list[str]:
    """Time the plugin's events in a build (after a first one that fills the caches), a check and a serve
    rebuild of the ``size``-document handbook (timers, no profiler), then profile each with cProfile; a
    summary in Markdown."""
    root = work / f"sms-{size}"
    if not (root / "mkdocs.yml").exists():
        write_handbook(root, size, with_plugin=True, commit=True)
    lines = [
        "",
        f"| {size:,} documents, one in-process run | total | in the plugin's events | share "
        "| slowest events | under cProfile: total, in the plugin's events |",
        "| --- | ---: | ---: | ---: | --- | ---: |",
    ]
    for kind in ("build", "check", "rebuild"):
        figures = []
        output = work / f"profile-{kind}-{size}.prof"
        # A first build fills the caches (pages, history, catalogues) that every later build reads: the
        # figures are of the second, as for a build after a check or another build.
        for profiled in (False, False, True) if kind == "build" else (False, True):
            command = [sys.executable, __file__, "--probe", kind, str(root), *([str(output)] if profiled else [])]
            result = subprocess.run(command, cwd=root, env=ENV, capture_output=True, text=True, check=False)
            if result.returncode != 0:
                raise SystemExit(f"profile of {kind} failed:\n{result.stderr[-2000:]}")
            figures.append(json.loads(result.stdout.strip().splitlines()[-1]))
        timers = figures[-2]
        text = io.StringIO()
        stats = pstats.Stats(str(output), stream=text)
        stats.sort_stats("cumulative").print_stats("mkdocs_sms", 30)
        stats.sort_stats("tottime").print_stats(30)
        (work / f"profile-{kind}-{size}.txt").write_text(text.getvalue())
        raw: dict[tuple[str, int, str], tuple[int, int, float, float, Any]] = stats.stats  # type: ignore[attr-defined]
        in_events = sum(
            cumulative
            for (filename, _, name), (_, _, _, cumulative, _) in raw.items()
            if filename.endswith(os.path.join("mkdocs_sms", "plugin.py")) and name.startswith("on_")
        )
        profiled_total = stats.total_tt  # type: ignore[attr-defined]
        if kind == "check":
            in_events = profiled_total
        generated = timers["events"].pop("generated pages", 0.0)  # a build's, beyond its events on them
        events = sum(timers["events"].values())
        slowest = sorted(timers["events"].items(), key=lambda item: -item[1])[:3]
        lines.append(
            f"| {kind} | {timers['total']:.2f} s | {events:.2f} s | {events / timers['total']:.0%} "
            f"| {', '.join(f'{name} {seconds:.2f} s' for name, seconds in slowest)} "
            f"| {profiled_total:.1f} s, {in_events:.1f} s |"
        )
        if kind == "build":
            # What the plugin adds: its events, MkDocs and Material on its generated pages, and its import
            # (done before the timed build), against the rest of the build, which a plain build would do.
            imported = import_time()
            rest = timers["total"] - events - generated
            lines.append(
                f"| build: the plugin's own work | {events + generated + imported:.2f} s "
                f"| +{(events + generated + imported) / rest:.1%} over the rest "
                f"| events {events:.2f} s, generated pages {generated:.2f} s, import {imported:.2f} s | | |"
            )
    lines.append(f"\n(cProfile output and its top functions: {work}/profile-*-{size}.prof and .txt)")
    return lines


# Report ------------------------------------------------------------------------------------------------


def megabytes(value: float) -> str:
    return f"{value / MB:.0f} MB" if value >= 10 * MB else f"{value / MB:.1f} MB"


@dataclass
class Report:
    """The tables printed so far, and every run measured; both files are written again after each table,
    so that a run cut short keeps what it measured."""

    out: Path
    lines: list[str] = field(default_factory=list)
    results: list[SizeResult] = field(default_factory=list)

    def add(self, new: Sequence[str]) -> None:
        print("\n".join(new), flush=True)
        self.lines.extend(new)
        (self.out / "results.md").write_text("\n".join(self.lines) + "\n")
        raw = [dataclasses.asdict(result) for result in self.results]
        (self.out / "results.json").write_text(json.dumps(raw, indent=1) + "\n")  # every run, for a closer look


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        type=int,
        nargs="*",
        default=[100, 500, 2000, 5000],
        help="handbook sizes (none: skip the build table)",
    )
    parser.add_argument("--repeat", type=int, default=5, help="runs per measurement (the median is reported)")
    parser.add_argument("--repeat-large", type=int, default=3, help=f"runs per measurement above {LARGE:,} documents")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "out")
    parser.add_argument("--memory", action="store_true", help="also measure the plugin's own memory")
    parser.add_argument("--serve", action="store_true", help="also time mkdocs serve rebuilds after an edit")
    parser.add_argument("--edits", type=int, help="rebuilds timed per server with --serve (default: --repeat)")
    parser.add_argument(
        "--navigation", type=int, nargs="*", metavar="SIZE",
        help="also time plain builds with and without navigation.prune (default at 500 and 2,000 documents)",
    )  # fmt: skip
    parser.add_argument(
        "--history", action="store_true", help="also measure git history (2,000 documents, 200 commits)"
    )
    parser.add_argument(
        "--realistic", nargs=2, type=int, metavar=("DOCUMENTS", "COMMITS"),
        help="also time check with the history cache on a realistic history: commits revising 1-5 documents each, "
        "with renames and retirements (e.g. 10000 2000)",
    )  # fmt: skip
    parser.add_argument("--diff", action="store_true", help="also time mkdocs-sms diff (2,000 documents, 50 changed)")
    parser.add_argument(
        "--approvals",
        action="store_true",
        help="also time check with approval evidence and acknowledgements (2,000 documents, 200 commits)",
    )
    parser.add_argument(
        "--cache", action="store_true",
        help="also time mkdocs-sms check with a cold and a warm history cache (2,000 documents, 100 commits of 600)",
    )  # fmt: skip
    parser.add_argument(
        "--trend", action="store_true", help="also time the trend over 20 tags (2,000 documents, 20 tagged commits)"
    )
    parser.add_argument(
        "--profile", type=int, nargs="+", default=[], metavar="SIZE", help="profile build, check and rebuild"
    )
    parser.add_argument(
        "--summary", type=Path, metavar="RESULTS_JSON", help="print the summary table of an earlier run and stop"
    )
    parser.add_argument("--probe", nargs="+", help=argparse.SUPPRESS)  # internal: one in-process measurement
    args = parser.parse_args()
    if args.summary:
        print("\n".join(summary(load_results(args.summary))))
        return
    if args.probe:
        kind, root, *rest = args.probe
        root = str(Path(root).resolve())
        if kind == "memory":
            print(json.dumps(probe_memory(Path(root))))
        else:
            print(json.dumps(probe_profile(kind, Path(root), Path(rest[0]) if rest else None)))
        return
    # Ctrl-C stops the run, and the mkdocs serve processes, cleanly even in a background job (where
    # the shell starts it with SIGINT ignored, which child processes would inherit).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    args.out = args.out.resolve()
    args.out.mkdir(parents=True, exist_ok=True)
    ENV["PYTHONPYCACHEPREFIX"] = str(args.out / "pycache")
    warm = "import mkdocs_sms.cli, mkdocs_sms.plugin, material.plugins.search.plugin"
    subprocess.run([sys.executable, "-c", warm], env=ENV, check=True)  # fills the bytecode cache
    report = Report(args.out)
    report.add(
        [
            f"Run on {os.cpu_count()} CPUs, {dt.datetime.now().isoformat(timespec='minutes')}: "
            f"python benchmarks/run.py {' '.join(sys.argv[1:])}",
            "",
        ]
    )
    report.add(
        [
            "| documents | plain Material + prune | with mkdocs-sms | overhead | pairs (noise) | fastest of each "
            "| overhead in CPU time | first build, empty caches | `mkdocs-sms check` | peak RSS plain "
            "| peak RSS with plugin |",
            "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ],
    )
    results = report.results
    for size in args.sizes:
        result = measure(size, args.out, repeats(size, args))
        results.append(result)
        rss_plain = statistics.median(run.max_rss for run in result.plain)
        rss_sms = statistics.median(run.max_rss for run in result.sms)
        report.add(
            [
                f"| {size:,} | {result.median(result.plain):.1f} s | {result.median(result.sms):.1f} s "
                f"| {result.overhead:+.1%} | {result.noise} | {result.fastest_overhead:+.1%} "
                f"| {result.cpu_overhead:+.1%} "
                f"| {first_build(result)} "
                f"| {statistics.median(result.check):.2f} s "
                f"| {megabytes(rss_plain)} | {megabytes(rss_sms)} |"
            ],
        )
    if args.memory:
        report.add(
            [
                "",
                "| documents | analysis (`on_files`): peak | retained after it | plugin's data at end of build "
                "| RSS with plugin − plain |",
                "| ---: | ---: | ---: | ---: | ---: |",
            ],
        )
        for result in results:
            result.memory = measure_memory(result.size, args.out)
            rss = statistics.median(r.max_rss for r in result.sms) - statistics.median(r.max_rss for r in result.plain)
            report.add(
                [
                    f"| {result.size:,} | {megabytes(result.memory['on_files_peak'])} "
                    f"| {megabytes(result.memory['on_files_retained'])} "
                    f"| {megabytes(result.memory['plugin_state'])} | {rss / MB:+.0f} MB |"
                ],
            )
        report.add(
            [
                "",
                "(peak and retained: tracemalloc running only during the plugin's on_files in a real in-process "
                "build; data at end of build: deep size of the plugin's attributes, MkDocs' objects excluded; "
                "RSS: median peak resident memory of the separate build processes above.)",
            ],
        )
    if args.serve:
        report.add(
            [
                "",
                "| documents | serve rebuild, plain | with mkdocs-sms | ratio | pairs (noise) | fastest of each "
                "| ratio in CPU time | edit to reload, plain | with mkdocs-sms |",
                "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
            ],
        )
        for result in results:
            result.serve = measure_serve(result.size, args.out, args.edits or repeats(result.size, args))
            serve = {key: statistics.median(values) for key, values in result.serve.items()}
            plain_runs, sms_runs = result.serve["plain_rebuild"], result.serve["sms_rebuild"]
            report.add(
                [
                    f"| {result.size:,} | {serve['plain_rebuild']:.2f} s | {serve['sms_rebuild']:.2f} s "
                    f"| {serve['sms_rebuild'] / serve['plain_rebuild']:.2f} "
                    f"| {spread([s / p for p, s in zip(plain_runs, sms_runs, strict=True)])} "
                    f"| {min(result.serve['sms_rebuild']) / min(result.serve['plain_rebuild']):.2f} "
                    f"| {serve['sms_cpu'] / serve['plain_cpu']:.2f} "
                    f"| {serve['plain_edit_to_reload']:.2f} s "
                    f"| {serve['sms_edit_to_reload']:.2f} s |"
                ],
            )
    if args.navigation is not None:
        sizes = args.navigation or [500, 2000]
        report.add(["", "| documents, plain builds (no plugin) | " + " | ".join(NAVIGATION) + " |",
                       "| ---: |" + " ---: |" * len(NAVIGATION)])  # fmt: skip
        for size in sizes:
            times = measure_navigation(size, args.out, 1)
            report.add([f"| {size:,} | " + " | ".join(f"{times[name]:.1f} s" for name in NAVIGATION) + " |"])
    if args.history:
        history = measure_history(2000, 200, args.out, min(args.repeat, 3))
        report.add(
            [
                "",
                "| documents, commits | history pass | plain build | with mkdocs-sms | overhead "
                "| with a changes page (100 commits back) | its overhead "
                "| with git-revision-date-localized | its overhead |",
                "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
                f"| 2,000, 200 | {history['pass']:.2f} s | {history['plain']:.1f} s | {history['sms']:.1f} s "
                f"| {history['sms'] / history['plain'] - 1:+.1%} | {history['sms-changes']:.1f} s "
                f"| {history['sms-changes'] / history['plain'] - 1:+.1%} | {history['revision-date']:.1f} s "
                f"| {history['revision-date'] / history['plain'] - 1:+.1%} |",
            ],
        )
    if args.cache or args.realistic:
        report.add(
            [
                "",
                "| documents, commits × documents each (revisions) | output | `check`, history off: pages kept, "
                "none kept | no cache | cold cache | warm cache | warm, one new commit of 3 | cold / off (none kept) "
                "| warm / off | new commit / off | cache file |",
                "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
            ],
        )
        shapes: list[tuple[int, int, int | tuple[int, int]]] = [(2000, 100, 600)] if args.cache else []
        if args.realistic:
            shapes.append((args.realistic[0], args.realistic[1], (1, 5)))
        for size, commits, touched in shapes:
            cache = measure_cache(size, commits, touched, args.out, min(args.repeat, 3))
            each = f"{touched[0]}–{touched[1]}" if isinstance(touched, tuple) else touched
            for fmt, label in (("json", "JSON"), ("text", "text")):
                times = cache[fmt]
                off = times["off"]
                report.add(
                    [
                        f"| {size:,}, {commits:,} × {each} ({cache['revisions']:,}) | {label} | {off:.2f} s, "
                        f"{times['off-nocache']:.2f} s | {times['nocache']:.2f} s | {times['cold']:.2f} s "
                        f"| {times['warm']:.2f} s | {times['commit']:.2f} s "
                        f"| {times['cold'] / times['off-nocache']:.2f} | {times['warm'] / off:.2f} "
                        f"| {times['commit'] / off:.2f} | {megabytes(cache['size'])} |"
                    ],
                )
    if args.diff:
        seconds = measure_diff(2000, 50, args.out, min(args.repeat, 3))
        report.add(["", "| `mkdocs-sms diff`, 2,000 documents, 50 changed | time |", "| --- | ---: |",
                       f"| between two refs (`--base main --head change`) | {seconds:.2f} s |"])  # fmt: skip
    if args.approvals:
        timing = measure_approvals(2000, 200, args.out, min(args.repeat, 3))
        report.add(["", "| documents, commits | `mkdocs-sms check` | with `approvals: {evidence: any}` | ratio "
                    f"| with approvals and `acknowledge` ({timing['rows']:,.0f} rows) | ratio |",
                    "| ---: | ---: | ---: | ---: | ---: | ---: |",
                    f"| 2,000, 200 | {timing['sms']:.2f} s | {timing['approvals']:.2f} s "
                    f"| {timing['approvals'] / timing['sms']:.2f} | {timing['acknowledge']:.2f} s "
                    f"| {timing['acknowledge'] / timing['sms']:.2f} |"])  # fmt: skip
    if args.trend:
        trend = measure_trend(2000, 20, args.out, min(args.repeat, 3))
        extra = trend["sms"] - trend["notrend"]
        report.add(
            [
                "",
                "| documents, tags | trend pass (in-process) | plain build | with mkdocs-sms, no trend "
                "| with the trend | trend's extra time | extra / `mkdocs-sms check` | extra / plain build "
                "| pass / `mkdocs-sms check` |",
                "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
                f"| 2,000, 20 | {trend['pass']:.2f} s | {trend['plain']:.1f} s | {trend['notrend']:.1f} s "
                f"| {trend['sms']:.1f} s | {extra:+.2f} s | {extra / trend['check']:.2f} "
                f"| {extra / trend['plain']:+.1%} | {trend['pass'] / trend['check']:.2f} |",
                "",
                f"(`mkdocs-sms check` in the same run: {trend['check']:.2f} s.)",
            ],
        )
    if results and (args.memory or args.serve):
        report.add(["", *summary(results)])
    for size in args.profile:
        report.add(run_profiles(size, args.out))


def summary(results: Sequence[SizeResult]) -> list[str]:
    """The table of the README: one row per size; medians, and in brackets the ratio of the fastest runs."""
    rows = [
        "| documents | plain Material + prune | with mkdocs-sms | overhead (fastest) | `mkdocs-sms check` "
        "| plugin memory: peak / kept | `mkdocs serve` rebuild, with / without plugin (fastest) |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for result in results:
        memory = (
            f"{megabytes(result.memory['on_files_peak'])} / {megabytes(result.memory['plugin_state'])}"
            if result.memory
            else "–"
        )
        if result.serve:
            plugin = statistics.median(result.serve["sms_rebuild"])
            plain = statistics.median(result.serve["plain_rebuild"])
            fastest = min(result.serve["sms_rebuild"]) / min(result.serve["plain_rebuild"])
            serve = f"{plugin:.1f} s / {plain:.1f} s = {plugin / plain:.2f} ({fastest:.2f})"
        else:
            serve = "–"
        rows.append(
            f"| {result.size:,} | {result.median(result.plain):.1f} s | {result.median(result.sms):.1f} s "
            f"| {result.overhead:+.1%} ({result.fastest_overhead:+.1%}) | {statistics.median(result.check):.2f} s "
            f"| {memory} | {serve} |"
        )
    return rows


def first_build(result: SizeResult) -> str:
    """The first build with the plugin, and its overhead over the median plain build."""
    if result.first is None:
        return "—"
    return f"{result.first.seconds:.1f} s ({result.first.seconds / result.median(result.plain) - 1:+.0%})"


def load_results(path: Path) -> list[SizeResult]:
    """The runs of an earlier run, from its ``results.json``."""
    results = []
    for raw in json.loads(path.read_text()):
        plain, sms = ([Run(**run) for run in raw[key]] for key in ("plain", "sms"))
        first = Run(**raw["first"]) if raw.get("first") else None
        results.append(SizeResult(raw["size"], plain, sms, raw["check"], raw["memory"], raw["serve"], first))
    return results


if __name__ == "__main__":
    main()
