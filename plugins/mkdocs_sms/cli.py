"""The command line: ``mkdocs-sms check`` reads a handbook the way the plugin does, without a build."""

from __future__ import annotations

import argparse
import contextlib
import errno
import io
import json
import os
import secrets
import shlex
import shutil
import stat
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from itertools import groupby
from pathlib import Path
from typing import TextIO

from mkdocs_sms import __version__
from mkdocs_sms.analysis import coverage
from mkdocs_sms.analysis.audience import published
from mkdocs_sms.analysis.handbook import Handbook
from mkdocs_sms.authoring import (
    AuthoringError,
    file_name,
    folder_for,
    packaged_ci_examples,
    packaged_templates,
    render_document,
    starter_documents,
    template_values,
)
from mkdocs_sms.catalogue import CatalogueError, clause_ref
from mkdocs_sms.load import compare_sides, load_configuration, load_project_handbook, load_side
from mkdocs_sms.model.dates import Interval
from mkdocs_sms.model.schema import json_schema
from mkdocs_sms.read.baseline import baseline_path, baseline_text
from mkdocs_sms.read.git import GitError
from mkdocs_sms.read.mkdocs_yml import Project
from mkdocs_sms.render import handbook_json
from mkdocs_sms.report import diff as diff_report
from mkdocs_sms.report.annotations import github_command
from mkdocs_sms.report.diff import diff_json
from mkdocs_sms.report.export import TABLES, write_csv, write_xlsx
from mkdocs_sms.rules import Severity
from mkdocs_sms.settings import Settings, SettingsError
from mkdocs_sms.text import md_cell, one_line

EXIT_OK, EXIT_FINDINGS, EXIT_UNUSABLE = 0, 1, 2
CHECK_SCOPE = "all documents: the audience applies to builds and export, not to check"


def failed(handbook: Handbook, strict: bool) -> bool:
    """Whether the findings are over the bar: any error, or with ``strict`` any warning."""
    return bool(handbook.count(Severity.ERROR) or (strict and handbook.count(Severity.WARNING)))


class OutputError(Exception):
    """A file that cannot be written; nothing was written and what was there is intact."""


def write_file(path: Path, content: str | bytes, overwrite: bool = True, make_folders: bool = False) -> None:
    """Write ``content`` to ``path`` whole or not at all: into a temporary file beside it, synced, then
    renamed over it, so a full disk, a file size limit or an interruption leaves the old file as it was.
    ``overwrite=False`` refuses a file that exists, even one that appears meanwhile; ``make_folders``
    creates the folders above it. Raises :class:`OutputError` with the reason in one line."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    if path.is_symlink():  # write the file the link names, and keep the link
        path = path.resolve()
    if path.is_dir():
        raise OutputError(f"cannot write {path}: it is a folder")
    if make_folders:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"cannot create the folder {path.parent}: {exc.strerror or exc}") from None
    if not path.parent.is_dir():
        raise OutputError(f"cannot write {path}: folder {path.parent} does not exist")
    if not overwrite and path.exists():
        raise OutputError(f"{path} already exists")
    temporary = path.parent / f".{path.name}.{secrets.token_hex(4)}.tmp"
    try:
        with open(temporary, "xb") as handle:  # created with the umask's permissions
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if overwrite:
            if path.exists():  # keep the permissions the file had
                os.chmod(temporary, stat.S_IMODE(path.stat().st_mode))
            os.replace(temporary, path)
        else:
            _link_new(temporary, path)
    except FileExistsError:
        raise OutputError(f"{path} already exists") from None
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)


def _link_new(temporary: Path, path: Path) -> None:
    """Give ``temporary`` the name ``path`` unless that exists (a hard link fails then, atomically)."""
    try:
        os.link(temporary, path)
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.ENOSYS, errno.EXDEV):
            raise
        # A file system without hard links: check, then rename (a narrow race, no partial file).
        if path.exists():
            raise FileExistsError(errno.EEXIST, "exists", str(path)) from None
        os.replace(temporary, path)


# Output formats ----------------------------------------------------------------------------------

_COLOURS = {Severity.ERROR: "31", Severity.WARNING: "33", Severity.INFO: "36"}


def _paint(text: str, code: str, colour: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if colour else text


def format_text(handbook: Handbook, out: TextIO, docs_dir: str, colour: bool) -> None:
    """Readable findings, grouped by file, then the coverage summary."""
    for path, group in groupby(handbook.findings, key=lambda f: f.path):
        title = one_line(f"{docs_dir}/{path}") if path else "Coverage"
        out.write(_paint(title, "1", colour) + "\n")
        for finding in group:
            where = f"{finding.line}" if finding.line else "-"
            severity = _paint(f"{finding.severity.value:<7}", _COLOURS[finding.severity], colour)
            about = f"{finding.document}: " if finding.document else ""
            out.write(f"  {where:>4}  {severity} {finding.code}  {about}{finding.text}\n")
        out.write("\n")
    for catalogue in handbook.catalogues:
        counts = coverage.summary(r for r in handbook.coverage if r.requirement.catalogue == catalogue.name)
        parts = ", ".join(f"{counts[s]} {s}" for s in coverage.STATUSES if counts[s])
        out.write(f"Coverage of {catalogue.name}: {counts['covered']}/{counts['total']} covered ({parts})\n")
    errors, warnings = handbook.count(Severity.ERROR), handbook.count(Severity.WARNING)
    out.write(
        f"{len(handbook.documents)} documents checked: "
        f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}\n"
    )


def format_markdown(handbook: Handbook, out: TextIO, strict: bool) -> None:
    """A report to paste into a pull request."""
    errors, warnings = handbook.count(Severity.ERROR), handbook.count(Severity.WARNING)
    verdict = "❌ **Check failed**" if failed(handbook, strict) else "✅ **Check passed**"
    out.write(f"{verdict}: {errors} error(s), {warnings} warning(s) in {len(handbook.documents)} documents.\n\n")
    out.write("| Catalogue | Covered | Stale | Draft | Missing |\n| --- | --- | --- | --- | --- |\n")
    for catalogue in handbook.catalogues:
        c = coverage.summary(r for r in handbook.coverage if r.requirement.catalogue == catalogue.name)
        out.write(
            f"| {md_cell(catalogue.name)} | {c['covered']}/{c['total']} | {c['stale']} | {c['draft']} "
            f"| {c['missing']} |\n"
        )
    if handbook.findings:
        out.write("\n| Severity | Code | Where | Problem |\n| --- | --- | --- | --- |\n")
        for f in handbook.findings:
            out.write(f"| {f.severity.value} | {f.code} | {md_cell(f.location) or '—'} | {md_cell(f.text)} |\n")


def format_github(handbook: Handbook, out: TextIO, docs_dir: str) -> None:
    """GitHub Actions workflow commands, one per finding."""
    for f in handbook.findings:
        title = f"{f.code} {f.document}" if f.document else f.code
        out.write(github_command(f, f"{docs_dir}/{f.path}" if f.path else None, title) + "\n")


# Commands ----------------------------------------------------------------------------------------


def cmd_check(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``mkdocs-sms check``."""
    config_file = Path(args.config_file)
    project, handbook = load_project_handbook(config_file)
    if not project.plugin_enabled:
        err.write(
            f"mkdocs-sms: note: {config_file} does not enable the 'sms' plugin, so 'mkdocs build' will not "
            "check anything; this check uses the options found there, or the defaults\n"
        )
    docs_dir = _display_dir(project.docs_dir)
    if args.format == "json":
        # One write: json.dump would make a write call for each of some hundred thousand pieces.
        # The check is for the SMS team: it covers every document, whatever the audience (which only
        # decides what builds and export publish), and says so next to "audience" and "withheld".
        data = {**handbook_json(handbook), "scope": CHECK_SCOPE}
        out.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    elif args.format == "markdown":
        format_markdown(handbook, out, args.strict)
    elif args.format == "github":
        format_github(handbook, out, docs_dir)
    else:
        colour = out.isatty() and "NO_COLOR" not in os.environ
        format_text(handbook, out, docs_dir, colour)
    return EXIT_FINDINGS if failed(handbook, args.strict) else EXIT_OK


def display_path(project: Project, path: str) -> str:
    """A docs_dir-relative path as a path relative to the working directory (for annotations)."""
    full = project.docs_dir / path
    try:
        return full.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return full.as_posix()


def _display_dir(docs_dir: Path) -> str:
    """docs_dir as a path relative to the working directory where possible (for annotations)."""
    try:
        return docs_dir.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return docs_dir.as_posix()


def cmd_diff(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``mkdocs-sms diff``."""
    config_file = Path(args.config_file)
    project, settings, catalogues = load_configuration(config_file)
    base = load_side(project, settings, catalogues, args.base)
    head = load_side(project, settings, catalogues, args.head)
    result = compare_sides(project.docs_dir, base, head)
    target: TextIO = io.StringIO() if args.output else out
    if args.format == "json":
        json.dump(diff_json(result), target, indent=2, ensure_ascii=False)
        target.write("\n")
    elif args.format == "github":
        diff_report.format_github(result, target, lambda path: display_path(project, path))
    elif args.format == "gitlab":
        json.dump(diff_report.gitlab_report(result, lambda path: display_path(project, path)), target, indent=2)
        target.write("\n")
    else:
        diff_report.format_markdown(result, target, project.page_url)
    if isinstance(target, io.StringIO):
        write_file(Path(args.output), target.getvalue())
    return EXIT_FINDINGS if result.fails else EXIT_OK


def cmd_schema(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``mkdocs-sms schema``."""
    _, settings, catalogues = load_configuration(Path(args.config_file))
    clauses = list(
        dict.fromkeys(
            clause_ref(catalogue, clause.number, catalogues) for catalogue in catalogues for clause in catalogue.clauses
        )
    )
    json.dump(json_schema(settings, clauses), out, indent=2, ensure_ascii=False)
    out.write("\n")
    return EXIT_OK


def cmd_new(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``mkdocs-sms new``: a draft document from the template of its type; refuses rather than overwrite."""
    project, handbook = load_project_handbook(Path(args.config_file), with_history=False)
    settings = handbook.settings
    clauses = [c.strip() for c in (args.clauses or "").split(",") if c.strip()]
    problems = []
    if args.type not in settings.types:
        problems.append(f"type '{args.type}' is not one of {', '.join(settings.types)}")
    if not settings.id_pattern.match(args.id):
        problems.append(f"id '{args.id}' does not match the id pattern {settings.id_pattern.pattern}")
    if args.id in handbook.by_id:
        problems.append(f"id '{args.id}' is already used by {handbook.by_id[args.id].path}")
    for clause in clauses:
        if handbook.clause_catalogue(clause) is None:
            problems.append(f"clause '{clause}' is in no loaded catalogue")
    target = Path(args.path) if args.path else project.docs_dir / folder_for(args.type) / file_name(args.title)
    docs_dir = project.docs_dir.resolve()
    if docs_dir not in target.resolve().parents:
        problems.append(f"{target} is outside docs_dir ({project.docs_dir}); choose a --path inside it")
    elif target.exists():
        problems.append(f"{target} already exists; choose another --path")
    dirs = [settings.base_dir / settings.templates_dir, packaged_templates()]
    values = template_values(settings, args.id, args.title, clauses, args.owner)
    text = ""
    if not problems:
        try:
            text = render_document(dirs, args.type, values, handbook.catalogues, clauses)
        except AuthoringError as exc:
            problems.append(str(exc))
    if problems:
        for problem in problems:
            err.write(f"mkdocs-sms: error: {one_line(problem)}\n")
        return EXIT_UNUSABLE
    write_file(target, text, overwrite=False, make_folders=True)  # never overwrite, even in a race
    out.write(f"Created {target} ({args.id}, {args.type}, draft 0.1). Write it, then run 'mkdocs-sms check'.\n")
    return EXIT_OK


STARTER_CONFIG = """\
site_name: {name} service management handbook
theme:
  name: material
  features: [navigation.prune, navigation.sections, search.suggest]
plugins:
  - search
  - sms:
      catalogues: [iso20000-1:2018]
      # The implementation plan (ISO/IEC 20000-5): the rows of a phase not yet under way are deferred;
      # a row its phase needed and that is not covered once the phase's target date has passed is an
      # error (SMS105). Set your own phases and dates.
      implementation:
        phases:
          - name: SMS foundation
            target: {foundation}
            clauses: ["4", "5", "6", "7"]
            description: Scope, policy, objectives, risks, plans and support
          - name: Service operation
            target: {operation}
            clauses: ["8"]
            description: The service management processes of clause 8
          - name: Evaluation and improvement
            target: {evaluation}
            clauses: ["9", "10"]
            description: Monitoring, internal audit, management review and improvement
      # Drafts of the phase under way are work in progress, listed on the coverage page but not a
      # warning: 'mkdocs build --strict' stays green until something breaks or a target date is missed.
      severity:
        SMS102: info
markdown_extensions: [admonition, attr_list, md_in_html, tables, toc]
"""

STARTER_GITIGNORE = """\
# Built site, virtual environments and caches: made from the repository, never committed.
site/
.venv/
.cache/
"""

STARTER_README = """\
# Our service management handbook

This repository holds the documented information of our service management system (ISO/IEC 20000-1),
as Markdown with front-matter, published with MkDocs and checked by mkdocs-sms.

- `docs/` holds one draft per requirement of the standard: the coverage page (`sms/coverage/`) shows
  the whole baseline. Replace each draft with the real document, have it reviewed, and approve it
  (`status: approved`, `approved_by`, `approved_on`).
- `mkdocs.yml` holds the implementation plan: three phases with target dates. The rows of a later phase
  are *deferred*; a row still not covered when its phase's target date has passed is an error (SMS105).
  Adjust the phases and dates to your plan; `sms/implementation/` shows the progress.
- `mkdocs-sms new policy --id POL-XXX-01 --title "..." --clauses 5.2` writes a new draft from
  `sms_templates/`; adapt those templates to your organisation. A new record has an empty `date:`:
  write the date of the event it evidences.
- `mkdocs-sms check` reports what is missing, unapproved or out of date; `mkdocs serve` previews the
  handbook; `mkdocs build --strict` fails on any error or warning (drafts of the phase under way are
  shown, not warned about).
- Propose every change as a pull request. `mkdocs-sms diff --base "$(git merge-base HEAD origin/HEAD)"`
  tells the reviewer what it does to the SMS: `origin/HEAD` is the default branch of the repository you
  cloned, whatever it is called. Without a remote, or if `origin/HEAD` is not set (`git remote set-head
  origin --auto` sets it), name the branch: `--base main`. `ci/` holds ready-made pipelines for GitHub
  Actions and GitLab CI; they fail on error findings (late rows included) and on a change that lowers
  coverage.
"""


def cmd_init(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``mkdocs-sms init DIR``: a starter SMS repository; refuses a folder that is not empty."""
    root = Path(args.directory)
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        err.write(f"mkdocs-sms: error: {root} is not an empty folder; init writes only into a new or empty one\n")
        return EXIT_UNUSABLE
    settings = Settings.from_options({}, base_dir=root)
    catalogues = settings.load_catalogues()
    today = settings.today
    targets = {
        phase: Interval(months, "month").after(today).isoformat()
        for phase, months in (("foundation", 3), ("operation", 9), ("evaluation", 12))
    }
    docs = root / "docs"
    write_file(root / "mkdocs.yml", STARTER_CONFIG.format(name=args.name, **targets), make_folders=True)
    write_file(root / "README.md", STARTER_README)
    write_file(root / ".gitignore", STARTER_GITIGNORE)
    try:
        shutil.copytree(packaged_templates(), root / "sms_templates")
        shutil.copytree(packaged_ci_examples(), root / "ci")
    except OSError as exc:
        raise OutputError(f"cannot write in {root}: {exc.strerror or exc}") from None
    write_file(
        docs / "index.md",
        f"---\ntitle: {args.name} service management handbook\n---\n\n"
        "The documented information of our service management system. See the [document register]"
        "(sms/register.md), the [coverage matrix](sms/coverage.md), the [implementation progress]"
        "(sms/implementation.md) and the [review schedule](sms/reviews.md).\n",
        make_folders=True,
    )
    templates = [root / "sms_templates"]
    for doc_type, doc_id, title, clause in starter_documents(catalogues):
        values = template_values(settings, doc_id, title, [clause], None)
        target = docs / folder_for(doc_type) / (clause.replace(".", "-") + "-" + file_name(title))
        write_file(target, render_document(templates, doc_type, values, catalogues, [clause]), make_folders=True)
    count = len(starter_documents(catalogues))
    where = shlex.quote(str(root))
    out.write(
        f"Created a starter SMS in {root}: {count} draft documents, one per requirement, and an implementation "
        f"plan in three phases (targets {targets['foundation']}, {targets['operation']} and "
        f"{targets['evaluation']}; change them in mkdocs.yml).\n"
        f"Next: cd {where} && git init && git add -A && git commit -m 'Starter SMS handbook' && mkdocs serve\n"
    )
    return EXIT_OK


def cmd_baseline(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``mkdocs-sms baseline save``: record coverage, findings and statuses as the implementation baseline."""
    config_file = Path(args.config_file)
    _, handbook = load_project_handbook(config_file)
    configured = baseline_path(handbook.settings)
    target = Path(args.file) if args.file else configured
    # The configured file's folder is made; a --file names a place that must exist.
    write_file(target, baseline_text(handbook), make_folders=not args.file)
    out.write(f"Saved the baseline of {handbook.settings.today.isoformat()} to {target}:\n")
    for item in handbook.progress:
        target_state = item.target
        out.write(
            f"  {item.catalogue.name}: {target_state.achieved} of {target_state.total} required rows covered "
            f"({target_state.total - target_state.achieved} to close)\n"
        )
    if target.resolve() != configured.resolve():
        out.write(
            f"Note: the implementation page reads {configured}; set 'implementation: baseline:' to use this file.\n"
        )
    out.write("Commit the file: the implementation page compares every later build with it.\n")
    return EXIT_OK


def cmd_export(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``mkdocs-sms export``: the register and the coverage matrix for spreadsheets."""
    _, handbook = load_project_handbook(Path(args.config_file))
    if args.audience is not None:
        if args.audience not in handbook.settings.classifications:
            allowed = ", ".join(handbook.settings.classifications)
            raise SettingsError(f"--audience: '{args.audience}' is not one of {allowed}")
        handbook = replace(handbook, settings=replace(handbook.settings, audience=args.audience))
    # Auditors and customers get what the edition for that audience shows, no more.
    handbook = published(handbook)
    if args.format == "xlsx":
        if not args.output and out.isatty():
            err.write("mkdocs-sms: error: an xlsx workbook is binary; give --output FILE (or redirect the output)\n")
            return EXIT_UNUSABLE
        buffer = io.BytesIO()
        try:
            write_xlsx(handbook, buffer)
        except OSError as exc:  # the spreadsheet library works in temporary files
            raise OutputError(f"cannot write {args.output or 'the workbook'}: {exc.strerror or exc}") from None
        if args.output:
            write_file(Path(args.output), buffer.getvalue())
        else:
            out.flush()
            getattr(out, "buffer", sys.stdout.buffer).write(buffer.getvalue())
    elif args.output:
        table = io.StringIO(newline="")
        write_csv(handbook, args.table, table)
        write_file(Path(args.output), table.getvalue())
    else:
        write_csv(handbook, args.table, out)
    if args.output:
        err.write(f"Wrote {args.output}\n")
    return EXIT_OK


def _config_file_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-f", "--config-file", default="mkdocs.yml", metavar="FILE", help="default: mkdocs.yml")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``mkdocs-sms``."""
    parser = argparse.ArgumentParser(
        prog="mkdocs-sms",
        description="Check an ISO/IEC 20000-1 service management system handbook kept as Markdown.",
    )
    parser.add_argument("--version", action="version", version=f"mkdocs-sms {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    check = commands.add_parser(
        "check",
        help="report findings and coverage without building the site",
        description="Read the handbook the way the MkDocs plugin does and report findings and coverage. "
        "Exit 0: no error; 1: errors (or warnings with --strict); 2: unusable configuration.",
    )
    _config_file_option(check)
    check.add_argument("--format", choices=("text", "json", "markdown", "github"), default="text")
    check.add_argument("--strict", action="store_true", help="fail on warnings too")
    check.set_defaults(handler=cmd_check)
    diff = commands.add_parser(
        "diff",
        help="report what a change does to the SMS, for pull-request review",
        description="Compare the handbook at --base with --head (default: the working tree), read from git "
        "objects. Exit 0: nothing new to stop the change; 1: it introduces an error finding or lowers "
        "coverage; 2: unusable input (unknown ref, no git, bad configuration).",
    )
    diff.add_argument("--base", required=True, metavar="REF", help="the branch, tag or commit the change starts from")
    diff.add_argument("--head", metavar="REF", help="default: the working tree")
    _config_file_option(diff)
    diff.add_argument("--format", choices=("markdown", "json", "github", "gitlab"), default="markdown")
    diff.add_argument("--output", metavar="FILE", help="write the report to FILE (e.g. the GitLab Code Quality report)")
    diff.set_defaults(handler=cmd_diff)
    schema = commands.add_parser(
        "schema",
        help="print a JSON Schema of the front-matter, for editors",
        description="Print a JSON Schema of a controlled document's front-matter under this configuration "
        "(types, statuses, classifications, id pattern, the catalogues' clauses).",
    )
    _config_file_option(schema)
    schema.set_defaults(handler=cmd_schema)
    new = commands.add_parser(
        "new",
        help="write a new draft document from the template of its type",
        description="Write a new draft document (status draft, version 0.1) from the template of its type, "
        "in the folder of that type. Refuses, writing nothing, an existing file, an id in use or breaking "
        "the pattern, and clauses no catalogue has.",
    )
    new.add_argument("type", metavar="TYPE", help="policy, plan, process, procedure, agreement, catalogue, ...")
    new.add_argument("--id", required=True)
    new.add_argument("--title", required=True)
    new.add_argument("--clauses", metavar="LIST", help="comma-separated clause numbers, e.g. 8.5.1.1,8.5.1.2")
    new.add_argument("--owner", metavar="ROLE")
    new.add_argument("--path", metavar="FILE", help="default: docs_dir/<folder of the type>/<title>.md")
    _config_file_option(new)
    new.set_defaults(handler=cmd_new)
    init = commands.add_parser(
        "init",
        help="create a starter SMS repository with one draft per requirement",
        description="Create a starter SMS repository in DIR (new or empty): mkdocs.yml, one draft document per "
        "catalogue requirement, sms_templates/, a README for authors and CI pipelines.",
    )
    init.add_argument("directory", metavar="DIR")
    init.add_argument("--name", default="Our", help="organisation name for the site title (default: Our)")
    init.set_defaults(handler=cmd_init)
    baseline = commands.add_parser(
        "baseline",
        help="record the implementation baseline (the gap analysis) to compare progress with",
        description="'baseline save' records today's coverage, findings and document statuses in a JSON file "
        "(default: implementation: baseline: from mkdocs.yml, else sms-baseline.json beside it). Commit it: "
        "the implementation page shows what was closed since.",
    )
    baseline.add_argument("action", choices=("save",))
    baseline.add_argument("--file", metavar="FILE", help="where to write it (default: the configured baseline file)")
    _config_file_option(baseline)
    baseline.set_defaults(handler=cmd_baseline)
    export = commands.add_parser(
        "export",
        help="write the document register and coverage matrix as CSV or xlsx",
        description="Write the document register and the coverage matrix for auditors who work in "
        "spreadsheets: xlsx has both as sheets; csv writes one table (--table).",
    )
    export.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    export.add_argument("--table", choices=TABLES, default="register", help="csv only: which table (default: register)")
    export.add_argument("--output", metavar="FILE", help="default: standard output")
    export.add_argument(
        "--audience", metavar="CLASSIFICATION", help="export documents up to this classification (default: audience)"
    )
    _config_file_option(export)
    export.set_defaults(handler=cmd_export)
    return parser


def main(argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run the command line; return the exit code."""
    out = out or sys.stdout
    err = err or sys.stderr
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    handler: Callable[[argparse.Namespace, TextIO, TextIO], int] | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(err)
        return EXIT_UNUSABLE
    try:
        return handler(args, out, err)
    except BrokenPipeError:
        # The reader went away (`mkdocs-sms schema | head`): stop quietly, as Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except (SettingsError, CatalogueError, GitError, OutputError) as exc:
        # The configuration, a catalogue, a ref, git or an output file cannot be used: say why, exit 2.
        err.write(f"mkdocs-sms: error: {exc}\n")
        return EXIT_UNUSABLE


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
