"""The command line: ``mkdocs-sms check`` reads a handbook the way the plugin does, without a build."""

from __future__ import annotations

import argparse
import io
import json
import os
import shlex
import shutil
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TextIO

from mkdocs_sms import __version__
from mkdocs_sms.analysis.audience import published
from mkdocs_sms.analysis.handbook import Handbook, PageCache
from mkdocs_sms.authoring import (
    STARTER_CONFIG,
    STARTER_GITIGNORE,
    AuthoringError,
    assessment_text,
    file_name,
    folder_for,
    judgements_file_text,
    packaged_ci_examples,
    packaged_templates,
    render_document,
    starter_documents,
    starter_file,
    starter_phase_clauses,
    starter_readme,
    starter_ref,
    template_values,
)
from mkdocs_sms.catalogue import BUILTIN, CatalogueError, accepted_refs, catalogue_text
from mkdocs_sms.catalogue.parse import advice, read_catalogue
from mkdocs_sms.catalogue.schema import catalogue_schema
from mkdocs_sms.load import collector_paused, compare_sides, load_configuration, load_project_handbook, load_side
from mkdocs_sms.model import frontmatter
from mkdocs_sms.model.dates import Interval
from mkdocs_sms.model.schema import json_schema
from mkdocs_sms.options import DEFAULT_TYPES, PDF_INSTALL_HINT
from mkdocs_sms.read.baseline import baseline_path, baseline_text
from mkdocs_sms.read.files import OutsideLink, read_inside
from mkdocs_sms.read.git import GitError
from mkdocs_sms.read.mkdocs_yml import Project, plugin_options
from mkdocs_sms.report import diff as diff_report
from mkdocs_sms.report import json_text
from mkdocs_sms.report.check import failed, format_github, format_markdown, format_text
from mkdocs_sms.report.diff import diff_json
from mkdocs_sms.report.export import TABLES, write_csv, write_xlsx
from mkdocs_sms.report.output import OutputError, write_file
from mkdocs_sms.settings import Settings, SettingsError
from mkdocs_sms.text import one_line

EXIT_OK, EXIT_FINDINGS, EXIT_UNUSABLE = 0, 1, 2
CHECK_SCOPE = "all documents: the audience applies to builds and export, not to check"


# Commands ----------------------------------------------------------------------------------------


@collector_paused()
def cmd_check(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``mkdocs-sms check``."""
    config_file = Path(args.config_file)
    project, handbook = load_project_handbook(config_file, keep=True)
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
        # Imported here: the rest of the page renderer (Jinja, templates) is no part of a check.
        from mkdocs_sms.render import handbook_json

        data = {**handbook_json(handbook), "scope": CHECK_SCOPE}
        out.write(json_text.dumps(data) + "\n")
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


@collector_paused()
def cmd_diff(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``mkdocs-sms diff``."""
    config_file = Path(args.config_file)
    project, settings, catalogues = load_configuration(config_file)
    pages = PageCache()
    base = load_side(project, settings, catalogues, args.base, pages)
    head = load_side(project, settings, catalogues, args.head, pages)
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
        diff_report.format_markdown(result, target, project.page_url, settings.language)
    if isinstance(target, io.StringIO):
        write_file(Path(args.output), target.getvalue())
    return EXIT_FINDINGS if result.fails else EXIT_OK


def cmd_schema(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``mkdocs-sms schema``."""
    _, settings, catalogues = load_configuration(Path(args.config_file))
    json.dump(json_schema(settings.vocabulary, accepted_refs(catalogues)), out, indent=2, ensure_ascii=False)
    out.write("\n")
    return EXIT_OK


def _catalogue_types(config_file: Path) -> tuple[str, ...]:
    """The document types catalogue rows may name: the configuration's, or the defaults without one."""
    if not config_file.is_file():
        return DEFAULT_TYPES
    return Settings.from_options(plugin_options(config_file), base_dir=config_file.parent).types


def cmd_catalogue(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``mkdocs-sms catalogue check FILE...`` and ``mkdocs-sms catalogue schema``."""
    config_file = Path(args.config_file)
    types = _catalogue_types(config_file)
    if args.action == "schema":
        json.dump(catalogue_schema(types), out, indent=2, ensure_ascii=False)
        out.write("\n")
        return EXIT_OK
    errors = warnings = 0
    for ref in args.files:
        # A path is read as given (relative to the current folder), a built-in name from the package.
        text, origin = catalogue_text(ref, Path("."))
        catalogue, problems = read_catalogue(text, types)
        if catalogue is not None:
            problems = advice(catalogue, text)
        for problem in sorted(problems, key=lambda p: p.line):
            out.write(problem.message(origin, severity=True) + "\n")
        found = sum(1 for p in problems if p.severity == "error")
        errors += found
        warnings += len(problems) - found
        if catalogue is not None:
            rows = len(catalogue.requirements)
            out.write(
                f"{origin}: {catalogue.name}, {len(catalogue.clauses)} clauses, {rows} requirement rows: "
                f"{len(problems)} warning(s)\n"
            )
        else:
            out.write(f"{origin}: {found} error(s): the catalogue cannot be used\n")
    if errors or (args.strict and warnings):
        return EXIT_FINDINGS
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
            text = render_document(dirs, args.type, values, handbook.catalogues, clauses, args.template)
        except AuthoringError as exc:
            problems.append(str(exc))
    if problems:
        for problem in problems:
            err.write(f"mkdocs-sms: error: {one_line(problem)}\n")
        return EXIT_UNUSABLE
    write_file(target, text, overwrite=False, make_folders=True)  # never overwrite, even in a race
    out.write(f"Created {target} ({args.id}, {args.type}, draft 0.1). Write it, then run 'mkdocs-sms check'.\n")
    return EXIT_OK


def cmd_assess(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``mkdocs-sms assess init``: a new gap assessment listing every activity, unjudged; never overwrites."""
    project, handbook = load_project_handbook(Path(args.config_file), with_history=False)
    settings = handbook.settings
    today = settings.today.isoformat()
    doc_id = args.id or f"ASM-{today}"
    title = args.title or f"Gap assessment {today}"
    clauses = [c.strip() for c in (args.clauses or "").split(",") if c.strip()]
    problems = []
    if "assessment" not in settings.types:
        problems.append("type 'assessment' is not in the configured 'types'; add it to use assessments")
    if not settings.id_pattern.match(doc_id):
        problems.append(f"id '{doc_id}' does not match the id pattern {settings.id_pattern.pattern}")
    if doc_id in handbook.by_id:
        problems.append(f"id '{doc_id}' is already used by {handbook.by_id[doc_id].path}")
    for clause in clauses:
        if handbook.clause_catalogue(clause) is None:
            problems.append(f"clause '{clause}' is in no loaded catalogue (or is ambiguous)")
    target = Path(args.path) if args.path else project.docs_dir / folder_for("assessment") / file_name(title)
    if project.docs_dir.resolve() not in target.resolve().parents:
        problems.append(f"{target} is outside docs_dir ({project.docs_dir}); choose a --path inside it")
    elif target.exists():
        problems.append(f"{target} already exists; choose another --path")
    data = target.with_suffix(".judgements.yml") if args.judgements_file else None
    if data is not None and data.exists():
        problems.append(f"{data} already exists; choose another --path")
    values = template_values(settings, doc_id, title, clauses, args.owner)
    text, count = assessment_text(values, handbook.catalogues, clauses, data.name if data else None)
    if not count and not problems:
        problems.append("the catalogues give no activities for these clauses: nothing to assess")
    if problems:
        for problem in problems:
            err.write(f"mkdocs-sms: error: {one_line(problem)}\n")
        return EXIT_UNUSABLE
    if data is not None:
        write_file(data, judgements_file_text(values, handbook.catalogues, clauses), overwrite=False, make_folders=True)
    write_file(target, text, overwrite=False, make_folders=True)
    where = f" (judgements in {data.name})" if data is not None else ""
    out.write(
        f"Created {target} ({doc_id}, draft 0.1) with {count} activities to judge{where}. Write a result for each, "
        "have it approved, then see the implementation page.\n"
    )
    return EXIT_OK


def cmd_init(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``mkdocs-sms init DIR``: a starter SMS repository; refuses a folder that is not empty."""
    root = Path(args.directory)
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        err.write(f"mkdocs-sms: error: {root} is not an empty folder; init writes only into a new or empty one\n")
        return EXIT_UNUSABLE
    names = [name.strip() for name in args.catalogues.split(",")]
    unknown = [name for name in names if name not in BUILTIN]
    twice = [name for index, name in enumerate(names) if name in names[:index]]
    if unknown or twice:
        problem = (
            f"{unknown[0]!r} is not a built-in catalogue ({', '.join(BUILTIN)}); add catalogue files of your own "
            "to mkdocs.yml after init"
            if unknown
            else f"{twice[0]!r} is named twice"
        )
        err.write(f"mkdocs-sms: error: --catalogues: {problem}\n")
        return EXIT_UNUSABLE
    settings = Settings.from_options({"catalogues": names}, base_dir=root)
    catalogues = settings.load_catalogues()  # a catalogue named twice stops here, before anything is written
    today = settings.today
    targets = {
        phase: Interval(months, "month").after(today).isoformat()
        for phase, months in (("foundation", 3), ("operation", 9), ("evaluation", 12))
    }
    docs = root / "docs"
    config = STARTER_CONFIG.format(
        name=args.name, catalogues=", ".join(names), **targets, **starter_phase_clauses(catalogues)
    )
    write_file(root / "mkdocs.yml", config, make_folders=True)
    write_file(root / "README.md", starter_readme(catalogues))
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
        target = docs / folder_for(doc_type) / starter_file(clause, title)
        write_file(target, render_document(templates, doc_type, values, catalogues, [clause]), make_folders=True)
    # The initiation step of ISO/IEC 20000-5: the case for the SMS, and the baseline gap assessment.
    case = template_values(settings, "PLN-BUS-01", "Business case for the service management system", [], None)
    write_file(
        docs / "plans" / "business-case.md",
        render_document(templates, "plan", case, catalogues, [], "business-case"),
        make_folders=True,
    )
    scope = [starter_ref(catalogues[0], "4.4", catalogues)] if catalogues[0].has_clause("4.4") else []
    target_state = {**template_values(settings, "PLN-TGT-01", "SMS target state", scope, None),
                    "target_date": targets["evaluation"]}  # fmt: skip
    write_file(
        docs / "plans" / "target-state.md",
        render_document(templates, "plan", target_state, catalogues, [], "target-state"),
        make_folders=True,
    )
    baseline = template_values(settings, "ASM-BASE-01", "Baseline gap assessment", [], None)
    write_file(docs / "assessments" / "baseline-gap-assessment.md", assessment_text(baseline, catalogues, [])[0],
               make_folders=True)  # fmt: skip
    count = len(starter_documents(catalogues))
    where = shlex.quote(str(root))
    out.write(
        f"Created a starter SMS in {root}: {count} draft documents, one per requirement, a business case, a "
        "target state and a baseline gap assessment to start from, and an implementation plan in three phases "
        f"(targets {targets['foundation']}, {targets['operation']} and "
        f"{targets['evaluation']}; change them in mkdocs.yml).\n"
        f"Next: cd {where} && git init && git add -A && git commit -m 'Starter SMS handbook' && mkdocs serve\n"
    )
    return EXIT_OK


def cmd_adopt(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``mkdocs-sms adopt SRC``: existing Markdown into docs_dir, history kept, front-matter from its metadata."""
    from mkdocs_sms.adopt import AdoptError, adopt, format_report  # only this command needs it

    try:
        adoption = adopt(
            Path(args.source),
            Path(args.into) if args.into else None,
            Path(args.config_file),
            Path(args.mapping) if args.mapping else None,
            dry_run=args.dry_run,
            keep_approvals=args.keep_approvals,
        )
    except AdoptError as exc:
        err.write(f"mkdocs-sms: error: {exc}\n")
        return EXIT_UNUSABLE
    if args.format == "json":
        out.write(json.dumps(adoption.to_json(), indent=2, ensure_ascii=False) + "\n")
    else:
        format_report(adoption, out)
    return EXIT_OK


def cmd_baseline(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``mkdocs-sms baseline save``: record coverage, findings and statuses as the implementation baseline."""
    config_file = Path(args.config_file)
    _, handbook = load_project_handbook(config_file)
    configured = baseline_path(handbook.settings)
    named = handbook.baseline_document
    if named is not None and not args.file:
        err.write(
            f"mkdocs-sms: error: 'implementation: baseline:' names the assessment {named.id}, not a file; "
            "give the file to save to with --file\n"
        )
        return EXIT_UNUSABLE
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
    """``mkdocs-sms export``: the register and the coverage matrix for spreadsheets, or the PDF pack."""
    if args.format != "pdf" and (args.types or args.documents):
        err.write("mkdocs-sms: error: --types and --documents choose the documents of a PDF pack (--format pdf)\n")
        return EXIT_UNUSABLE
    if args.format == "pdf":
        if not args.output and out.isatty():
            err.write("mkdocs-sms: error: a PDF is binary; give --output FILE (or redirect the output)\n")
            return EXIT_UNUSABLE
        # Imported here: the pack loads Python-Markdown, which no other command needs (a tenth of a small check).
        from mkdocs_sms.report import pack

        try:
            pack.load_weasyprint()  # before the handbook is read: without it, say so at once
        except pack.PackUnavailable as exc:
            err.write(f"mkdocs-sms: error: {exc}\n")
            return EXIT_UNUSABLE
        if args.output and not Path(args.output).parent.is_dir():
            folder = Path(args.output).parent
            raise OutputError(f"cannot write {args.output}: folder {folder} does not exist")
    project, handbook = load_project_handbook(Path(args.config_file))
    if args.audience is not None:
        if args.audience not in handbook.settings.classifications:
            allowed = ", ".join(handbook.settings.classifications)
            raise SettingsError(f"--audience: '{args.audience}' is not one of {allowed}")
        handbook = replace(handbook, settings=replace(handbook.settings, audience=args.audience))
    # Auditors and customers get what the edition for that audience shows, no more.
    handbook = published(handbook)
    if args.format == "pdf":
        return _export_pdf(args, project, handbook, out, err)
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


def _export_pdf(args: argparse.Namespace, project: Project, handbook: Handbook, out: TextIO, err: TextIO) -> int:
    """``mkdocs-sms export --format pdf``: the controlled documentation pack of the audience's documents."""
    from mkdocs_sms.report.pack import PackDocument, choose, pack_html, write_pdf

    types = [name for value in args.types or () for name in value.split(",") if name]
    ids = [doc_id for value in args.documents or () for doc_id in value.split(",") if doc_id]
    documents, problems = choose(handbook, types, ids)
    if problems:
        for problem in problems:
            err.write(f"mkdocs-sms: error: {one_line(problem)}\n")
        return EXIT_UNUSABLE
    scope = next((item.documents for item in handbook.readiness.pack if item.title == "Scope of the SMS"), ())
    pack = pack_html(
        handbook,
        [PackDocument(doc, _body(project, doc.path)) for doc in documents],
        organisation=project.site_name or "Service management system",
        docs_dir=project.docs_dir,
        markdown_extensions=project.markdown_extensions,
        scope_bodies={doc.id: _body(project, doc.path) for doc in scope},
    )
    for note in pack.notes:
        err.write(f"mkdocs-sms: note: {note}\n")
    pdf = write_pdf(pack.html, project.docs_dir)
    if args.output:
        write_file(Path(args.output), pdf)
        err.write(f"Wrote {args.output}: {len(documents)} documents, audience {handbook.settings.audience}\n")
    else:
        out.flush()
        getattr(out, "buffer", sys.stdout.buffer).write(pdf)
    return EXIT_OK


def _body(project: Project, path: str) -> str:
    """The Markdown after the front-matter of the page at ``path`` ('' when it cannot be read: SMS009)."""
    try:
        return frontmatter.split(frontmatter.decode(read_inside(project.docs_dir, path))).body
    except (OSError, OutsideLink, frontmatter.UnreadableText):
        return ""


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
    catalogue = commands.add_parser(
        "catalogue",
        help="check a catalogue file, or print a JSON Schema of catalogue files",
        description="'catalogue check FILE...' reads each catalogue file (or built-in name) as a build would "
        "and lists every problem with its line, and warnings (clauses without guidance, interfaces to "
        "clauses it lacks, no audit clauses). 'catalogue schema' prints a JSON Schema of catalogue files for "
        "editors. Row types come from mkdocs.yml when there is one. Exit 0: usable; 1: errors (or warnings "
        "with --strict); 2: a file that cannot be read.",
    )
    actions = catalogue.add_subparsers(dest="action", metavar="ACTION", required=True)
    catalogue_check = actions.add_parser("check", help="list every problem of catalogue files, with lines")
    catalogue_check.add_argument("files", nargs="+", metavar="FILE", help="a catalogue file or a built-in name")
    catalogue_check.add_argument("--strict", action="store_true", help="fail on warnings too")
    _config_file_option(catalogue_check)
    catalogue_schema_ = actions.add_parser("schema", help="print a JSON Schema of catalogue files")
    _config_file_option(catalogue_schema_)
    catalogue.set_defaults(handler=cmd_catalogue)
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
    new.add_argument(
        "--template", metavar="NAME", help="use NAME.md.j2 (e.g. business-case) instead of the type's template"
    )
    new.add_argument("--path", metavar="FILE", help="default: docs_dir/<folder of the type>/<title>.md")
    _config_file_option(new)
    new.set_defaults(handler=cmd_new)
    assess = commands.add_parser(
        "assess",
        help="start a gap assessment: every clause activity, to be judged",
        description="'assess init' writes a new draft assessment (type assessment) listing every activity of "
        "the loaded catalogues, or of --clauses and the clauses beneath them, unjudged. Refuses, writing "
        "nothing, an existing file or an id in use.",
    )
    assess.add_argument("action", choices=("init",))
    assess.add_argument("--id", help="default: ASM-<today>")
    assess.add_argument("--title", help="default: Gap assessment <today>")
    assess.add_argument("--clauses", metavar="LIST", help="comma-separated clauses, e.g. 8.5,8.6 (default: all)")
    assess.add_argument("--owner", metavar="ROLE", help="the assessor's role")
    assess.add_argument("--path", metavar="FILE", help="default: docs_dir/assessments/<title>.md")
    assess.add_argument(
        "--judgements-file",
        action="store_true",
        help="keep the judgements in a YAML file beside the page (<name>.judgements.yml), which is never published",
    )
    _config_file_option(assess)
    assess.set_defaults(handler=cmd_assess)
    init = commands.add_parser(
        "init",
        help="create a starter SMS repository with one draft per requirement",
        description="Create a starter SMS repository in DIR (new or empty): mkdocs.yml, one draft document per "
        "catalogue requirement, sms_templates/, a README for authors and CI pipelines.",
    )
    init.add_argument("directory", metavar="DIR")
    init.add_argument("--name", default="Our", help="organisation name for the site title (default: Our)")
    init.add_argument(
        "--catalogues",
        metavar="LIST",
        default="iso20000-1:2018",
        help=f"comma-separated built-in catalogues to start from ({', '.join(BUILTIN)}; default: iso20000-1:2018)",
    )
    init.set_defaults(handler=cmd_init)
    adopt_ = commands.add_parser(
        "adopt",
        help="bring existing Markdown documents into the handbook, history kept",
        description="Move the Markdown files of SRC (a folder of the git repository) into docs_dir in a commit "
        "of renames only, then add front-matter read from their metadata (header lines, tables, "
        "document-control footers) through a mapping, with mkdocs.yml and .gitignore when missing, in a "
        "second commit. Every document comes in as a draft. The report names the file and line of every "
        "guessed or unreadable value and every conflict. Exit 0: done (or planned, with --dry-run); 2: "
        "refused (uncommitted changes, SRC outside the repository, files already at the targets, no git), "
        "nothing changed.",
    )
    adopt_.add_argument("source", metavar="SRC", help="the folder of existing Markdown")
    adopt_.add_argument("--into", metavar="DIR", help="docs_dir (default: mkdocs.yml's docs_dir, else docs)")
    adopt_.add_argument("--dry-run", action="store_true", help="report what would be done; write nothing")
    adopt_.add_argument(
        "--mapping", metavar="FILE", help="labels, vocabularies and type rules (default: the shipped one)"
    )
    adopt_.add_argument(
        "--keep-approvals",
        action="store_true",
        help="carry approvals found in the text (default: every document a draft)",
    )
    adopt_.add_argument("--format", choices=("text", "json"), default="text")
    _config_file_option(adopt_)
    adopt_.set_defaults(handler=cmd_adopt)
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
        help="write the document register and coverage matrix as CSV or xlsx, or a PDF pack",
        description="Write the document register and the coverage matrix for auditors who work in "
        "spreadsheets: xlsx has both as sheets; csv writes one table (--table). pdf writes a controlled "
        "documentation pack for a certification body: cover, register, coverage matrix and the documents "
        f"(--types, --documents), with bookmarks and page numbers; it needs {PDF_INSTALL_HINT}.",
    )
    export.add_argument("--format", choices=("csv", "xlsx", "pdf"), default="csv")
    export.add_argument("--table", choices=TABLES, default="register", help="csv only: which table (default: register)")
    export.add_argument("--output", metavar="FILE", help="default: standard output")
    export.add_argument(
        "--audience", metavar="CLASSIFICATION", help="export documents up to this classification (default: audience)"
    )
    export.add_argument(
        "--types", nargs="+", metavar="TYPE", help="pdf only: the documents of these types (default: all)"
    )
    export.add_argument(
        "--documents", nargs="+", metavar="ID", help="pdf only: these documents (default: all of the types)"
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
