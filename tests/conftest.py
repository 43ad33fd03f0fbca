"""Tiny handbooks written into a temporary folder, real MkDocs builds and real CLI runs (in this process)."""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import subprocess
import sys
import textwrap
import traceback
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import hypothesis
import jinja2
import pytest
import yaml
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort, BuildError
from mkdocs.plugins import BasePlugin, event_priority

from mkdocs_sms import cli

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
TODAY = "2026-11-29"

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

# Property tests try a few generated examples in the fast tier (`pytest -m "not slow"`, `make test-fast`)
# and the full count when the run includes the slow tier (`make test`); `--hypothesis-profile=fast` or
# `full` chooses either explicitly.
hypothesis.settings.register_profile("fast", max_examples=int(os.environ.get("SMS_FUZZ_FAST_EXAMPLES", "15")))
hypothesis.settings.register_profile("full", max_examples=int(os.environ.get("SMS_FUZZ_EXAMPLES", "200")))


def pytest_configure(config: pytest.Config) -> None:
    if not config.getoption("--hypothesis-profile"):
        hypothesis.settings.load_profile("full" if _runs_slow_tier(config.option.markexpr) else "fast")


def _runs_slow_tier(markexpr: str) -> bool:
    """Whether ``pytest -m markexpr`` runs the tests marked slow."""
    if not markexpr:
        return True
    from _pytest.mark.expression import Expression  # pytest's own reading of -m (no public API for it)

    return Expression.compile(markexpr).evaluate(lambda name, **kwargs: name == "slow")


# A complete, approved policy for the miniature catalogue; tests vary it.
POLICY = """\
---
id: POL-SMS-01
title: Service management policy
type: policy
clauses: ["5.2"]
owner: Head of Service Management
status: approved
version: "1.0"
approved_by: Managing Director
approved_on: 2026-03-01
---

The policy.
"""


def front(**keys: Any) -> str:
    """A page whose front-matter holds ``keys`` (in order), followed by a line of body text."""
    return "---\n" + yaml.safe_dump(keys, sort_keys=False, allow_unicode=True) + "---\n\nBody.\n"


def approved(doc_id: str, doc_type: str, clauses: list[str], **extra: Any) -> str:
    """An approved, valid document."""
    keys: dict[str, Any] = {
        "id": doc_id,
        "title": f"Document {doc_id}",
        "type": doc_type,
        "clauses": clauses,
        "owner": "Owner",
        "status": "approved",
        "version": "1.0",
        "approved_by": "Managing Director",
        "approved_on": "2026-03-01",
    }
    keys.update(extra)
    return front(**keys)


def complete_mini() -> dict[str, str]:
    """Pages that cover every required row of the miniature catalogue."""
    return {
        "index.md": "# Home\n",
        "policies/sms.md": POLICY,
        "policies/change.md": approved("POL-CHG-01", "policy", ["8.5.1.1"]),
        "plans/audit.md": approved("PLN-AUD-01", "plan", ["9.2"]),
    }


@dataclass
class Site:
    """A handbook in a temporary folder."""

    root: Path
    pages: dict[str, str | bytes] = field(default_factory=dict)

    @property
    def config_file(self) -> Path:
        return self.root / "mkdocs.yml"

    @property
    def docs(self) -> Path:
        return self.root / "docs"

    def write(self, path: str, content: str | bytes) -> Path:
        target = self.docs / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(textwrap.dedent(content) if content.startswith("\n") else content, "utf-8")
        return target

    def build(self, strict: bool = False, **overrides: Any) -> BuildResult:
        """Build with MkDocs in this process; collect what the plugin logged."""
        return run_build(self.config_file, strict=strict, **overrides)

    def check(self, *args: str, env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        """Run ``mkdocs-sms check`` (in this process, see ``run_cli``)."""
        return run_cli("check", "-f", str(self.config_file), *args, cwd=self.root, env=env)

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run ``mkdocs-sms COMMAND ARGS -f mkdocs.yml`` (in this process, see ``run_cli``)."""
        return run_cli(*args, "-f", str(self.config_file), cwd=self.root)

    def set_options(self, options: Mapping[str, Any]) -> None:
        """Rewrite mkdocs.yml with other plugin options (the pages stay)."""
        write_config(self.root, options)

    def check_json(self, *args: str) -> dict[str, Any]:
        result = self.check("--format", "json", *args)
        assert result.returncode in (0, 1), result.stderr
        data: dict[str, Any] = json.loads(result.stdout)
        return data

    def site_file(self, path: str) -> str:
        return (self.root / "site" / path).read_text("utf-8")


@dataclass
class BuildResult:
    ok: bool
    error: str | None
    records: list[logging.LogRecord]

    @property
    def messages(self) -> list[str]:
        return [r.getMessage() for r in self.records]

    def plugin_warnings(self) -> list[str]:
        return [
            r.getMessage() for r in self.records if r.name.startswith("mkdocs.plugins.mkdocs_sms")
            and r.levelno >= logging.WARNING
        ]  # fmt: skip


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


class _CompiledTemplates(jinja2.BytecodeCache):
    """Jinja's compiled templates, kept in memory by template and source (Jinja checks the source)."""

    def __init__(self) -> None:
        self.compiled: dict[tuple[str, str], bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if (bucket.key, bucket.checksum) in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key, bucket.checksum])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.compiled[bucket.key, bucket.checksum] = bucket.bytecode_to_string()


class _ShareCompiledTemplates(BasePlugin):  # type: ignore[type-arg]
    """Lets the builds of a test session share Material's compiled templates: compiling them again for each
    build was half of its time. What a build writes stays the same; only Jinja's work is spared."""

    templates = _CompiledTemplates()

    @event_priority(100)
    def on_env(self, env: jinja2.Environment, /, *, config: Any, files: Any) -> jinja2.Environment:
        env.bytecode_cache = self.templates
        return env


def share_compiled_templates(config: Any) -> None:
    """Let the build of this loaded ``config`` reuse the templates that earlier builds compiled."""
    config.plugins["tests-compiled-templates"] = _ShareCompiledTemplates()


def run_build(config_file: Path, strict: bool = False, **overrides: Any) -> BuildResult:
    """``mkdocs build`` of ``config_file``, in this process."""
    handler = _Collect()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    old_level = logger.level
    logger.setLevel(logging.DEBUG)
    error = None
    try:
        config = load_config(str(config_file), strict=strict, **overrides)
        share_compiled_templates(config)
        config.plugins.on_startup(command="build", dirty=False)
        try:
            build(config)
        finally:
            config.plugins.on_shutdown()
    except (Abort, BuildError) as exc:
        error = str(exc)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
    return BuildResult(error is None, error, handler.records)


@contextlib.contextmanager
def cli_surroundings(cwd: Path, env: Mapping[str, str] | None = None) -> Iterator[None]:
    """Within the block, ``cwd`` is the working directory and ``env`` is added to ``os.environ`` (with
    NO_COLOR, as for a process); afterwards both are as they were, whatever the block changed."""
    saved_cwd = os.getcwd()
    saved_env = dict(os.environ)
    os.environ.update({"NO_COLOR": "1", **(env or {})})
    os.chdir(cwd)
    try:
        yield
    finally:
        os.chdir(saved_cwd)
        for key in set(os.environ) - set(saved_env):
            del os.environ[key]
        for key, value in saved_env.items():
            if os.environ.get(key) != value:
                os.environ[key] = value


def _pipe(errors: str) -> tuple[io.TextIOWrapper, io.BytesIO]:
    """A text stream like a child's standard output on a pipe (UTF-8, not a terminal), and its bytes."""
    raw = io.BytesIO()
    return io.TextIOWrapper(raw, encoding="utf-8", errors=errors), raw


def _read_pipe(stream: io.TextIOWrapper, raw: io.BytesIO) -> str:
    """What ``subprocess.run(..., text=True)`` reads from that pipe: decoded, with universal newlines."""
    stream.flush()
    return raw.getvalue().decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")


def run_cli(*args: str, cwd: Path, env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``mkdocs-sms ARGS`` in ``cwd``, run in this process through ``cli.main``: the same exit code and
    output as ``run_cli_process`` (tested), without starting an interpreter for each run."""
    # Python's error handlers for a child's stdout and stderr under a UTF-8 C locale; argparse writes its
    # usage errors and --version to sys.stderr and sys.stdout, so those are the same streams.
    (out, out_raw), (err, err_raw) = _pipe("surrogateescape"), _pipe("backslashreplace")
    with cli_surroundings(cwd, env), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = cli.main(list(args), out, err)
        except SystemExit as exc:  # as the interpreter exits on it
            code = exc.code if isinstance(exc.code, int) else int(exc.code is not None)
            if exc.code is not None and not isinstance(exc.code, int):
                err.write(f"{exc.code}\n")
        except Exception:  # what the interpreter would do: the traceback on stderr, exit 1
            err.write(traceback.format_exc())
            code = 1
    return subprocess.CompletedProcess(["mkdocs-sms", *args], code, _read_pipe(out, out_raw), _read_pipe(err, err_raw))


def run_cli_process(
    *args: str, cwd: Path, env: Mapping[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """``python -m mkdocs_sms ARGS`` in ``cwd``, as a separate process."""
    full_env = {**os.environ, "NO_COLOR": "1", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs_sms", *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def write_config(root: Path, options: Mapping[str, Any] | None = None, **extra: Any) -> Path:
    """A mkdocs.yml with Material, search and the sms plugin."""
    # Tiny handbooks in temporary folders are not git repositories; git history is tested on its own.
    sms: dict[str, Any] = {"catalogues": [str(FIXTURES / "mini-catalogue.yml")], "today": TODAY, "history": False}
    sms.update(options or {})
    config: dict[str, Any] = {
        "site_name": "Test handbook",
        "theme": {"name": "material", "features": ["navigation.prune"]},
        "plugins": ["search", {"sms": sms}],
    }
    config.update(extra)
    path = root / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False), "utf-8")
    return path


@pytest.fixture
def make_site(tmp_path: Path) -> Iterator[Any]:
    """Make a handbook: ``make_site(pages, options=None, **config)``."""

    made = 0

    def make(pages: Mapping[str, str | bytes], options: Mapping[str, Any] | None = None, **extra: Any) -> Site:
        nonlocal made
        made += 1
        root = tmp_path / f"site{made}"
        root.mkdir()
        site = Site(root)
        write_config(root, options, **extra)
        for path, content in pages.items():
            site.write(path, content)
        return site

    yield make
