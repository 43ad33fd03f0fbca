"""Authoring: new documents from templates, in the folder of their type, ready for review.

Templates are Jinja2 files named ``<type>.md.j2``, or ``<type>-<clause>.md.j2`` for the documents of a
type citing a clause (``process-8.6.1.md.j2``: the incident management process); see
:func:`template_names` for the order they are tried in. An organisation's own templates
(``templates_dir``, default ``sms_templates/`` beside ``mkdocs.yml``) come first for the same name; the
copy shipped with mkdocs-sms is the fallback for any name they do not have.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from mkdocs_sms.catalogue import Catalogue, clause_ref, resolve_clause, within
from mkdocs_sms.settings import Settings
from mkdocs_sms.text import one_line, slug

# The folder, under docs_dir, of each document type.
FOLDERS = {
    "policy": "policies", "plan": "plans", "process": "processes", "procedure": "procedures",
    "agreement": "agreements", "catalogue": "catalogues", "register": "registers", "record": "records",
    "report": "reports", "assessment": "assessments",
}  # fmt: skip


class AuthoringError(Exception):
    """A new document that cannot be written; nothing has been written."""


def packaged_templates() -> Path:
    """The templates shipped with mkdocs-sms (inside the wheel, or the repository's sms_templates/)."""
    inside = Path(__file__).parent / "sms_templates"
    return inside if inside.is_dir() else Path(__file__).resolve().parents[2] / "sms_templates"


PREFIXES = {
    "policy": "POL", "plan": "PLN", "process": "PRC", "procedure": "PRO", "agreement": "AGR",
    "catalogue": "CAT", "register": "REG", "record": "REC", "report": "RPT", "assessment": "ASM",
}  # fmt: skip


def packaged_ci_examples() -> Path:
    """The ready-made CI pipelines shipped with mkdocs-sms."""
    inside = Path(__file__).parent / "ci"
    return inside if inside.is_dir() else Path(__file__).resolve().parents[2] / "examples" / "ci"


def starter_documents(catalogues: Sequence[Catalogue]) -> list[tuple[str, str, str, str]]:
    """One draft per catalogue row, as (type, id, title, clause): the whole baseline, every row draft.

    A record carries the date of the event it evidences, which a draft written before the event cannot
    know (and a guessed date would become the evidence date). So a record row gets the register or
    report its records will be listed or summed up in, when it accepts one."""
    documents = []
    for catalogue in catalogues:
        for requirement in catalogue.requirements:
            doc_type = requirement.types[0]
            if doc_type == "record":
                doc_type = next((t for t in requirement.types if t in ("register", "report")), doc_type)
            number = requirement.key.replace(".", "-").upper()
            if catalogue is not catalogues[0]:  # ids stay unique when two catalogues share clause numbers
                number = re.sub(r"[^A-Z0-9]+", "-", catalogue.name.upper()) + f"-{number}"
            doc_id = f"{PREFIXES.get(doc_type, 'DOC')}-{re.sub(r'[^A-Z0-9-]', '', number)}"
            documents.append(
                (doc_type, doc_id, requirement.name, starter_ref(catalogue, requirement.clause, catalogues))
            )
    return documents


def starter_ref(catalogue: Catalogue, number: str, catalogues: Sequence[Catalogue]) -> str:
    """How the starter writes a clause: the number alone with one catalogue, else always ``name:number``,
    so that every reference says its standard and none turns ambiguous when another catalogue is added."""
    return number if len(catalogues) == 1 else f"{catalogue.name}:{number}"


def starter_file(clause: str, title: str) -> str:
    """The file name of a starter draft: its clause reference, then its title
    (``iso27001:2022:6.1.3``, ``Statement of applicability`` ->
    ``iso27001-2022-6-1-3-statement-of-applicability.md``)."""
    return re.sub(r"[^A-Za-z0-9]+", "-", clause) + "-" + file_name(title)


# The phases of the starter's implementation plan: the top-level clauses each brings in, for every
# catalogue that has them.
STARTER_PHASES = {
    "foundation": ("4", "5", "6", "7"), "operation": ("8", "9.1", "9.2", "9.3"), "evaluation": ("9", "10"),
}  # fmt: skip


def starter_phase_clauses(catalogues: Sequence[Catalogue]) -> dict[str, str]:
    """Each starter phase's clauses as a YAML flow list, written as :func:`starter_ref` writes them."""
    return {
        f"{phase}_clauses": json.dumps(
            [starter_ref(c, n, catalogues) for c in catalogues for n in numbers if c.has_clause(n)]
        )
        for phase, numbers in STARTER_PHASES.items()
    }


def starter_readme(catalogues: Sequence[Catalogue]) -> str:
    """The starter's README for its authors, with clause references written as the starter writes them."""
    note = ""
    if len(catalogues) > 1:
        note = (
            "- With several catalogues, every clause is written with its catalogue first\n"
            f"  (`{starter_ref(catalogues[-1], '5.2', catalogues)}`): a number several of them have names nothing"
            " without it\n  (SMS005), unless `default_catalogue` in `mkdocs.yml` names the catalogue it means.\n"
        )
    names = ", ".join(catalogue.name for catalogue in catalogues)
    example = starter_ref(catalogues[0], "5.2", catalogues)
    return STARTER_README.format(catalogues=names, clause_example=example, qualified_note=note)


def folder_for(doc_type: str) -> str:
    return FOLDERS.get(doc_type, doc_type)


def file_name(title: str) -> str:
    """A file name from a title: 'Change management policy' -> 'change-management-policy.md'."""
    return (slug(title) or "document") + ".md"


def template_values(
    settings: Settings, doc_id: str, title: str, clauses: Sequence[str], owner: str | None
) -> dict[str, object]:
    """What a template is filled with for a new draft; ``today`` is the configured date."""
    return {
        "id": doc_id, "title": title, "clauses": list(clauses), "owner": owner or "TO BE ASSIGNED",
        "classification": settings.default_classification, "review_interval": str(settings.review_interval),
        "today": settings.today.isoformat(),
    }  # fmt: skip


# The catalogue whose clause numbers name clause templates by themselves (``process-8.6.1.md.j2``):
# the one the shipped clause templates are written for.
CLAUSE_TEMPLATES_CATALOGUE = "iso20000-1:2018"


def clause_path(number: str) -> list[str]:
    """The clause and the clauses above it, nearest first, short of the top level:
    ``8.5.1.2`` -> ``['8.5.1.2', '8.5.1', '8.5']``. A top-level clause named itself is kept: ``['8']``."""
    parts = number.split(".")
    return [".".join(parts[:end]) for end in range(len(parts), 1, -1)] or [number]


def template_names(doc_type: str, cited: Sequence[tuple[Catalogue, str]]) -> list[str]:
    """The template names a draft of ``doc_type`` citing the clauses ``cited`` tries, first found wins.

    For each cited clause in the order named, the template of the type for the clause and then for each
    clause above it up to (not including) the top level: ``--clauses 8.5.1.2`` tries
    ``process-8.5.1.2.md.j2``, ``process-8.5.1.md.j2`` and ``process-8.5.md.j2``, never
    ``process-8.md.j2`` (a top-level clause gets its own template only when it is named itself). Then the
    type's ``<type>.md.j2``, then ``other.md.j2``. Every name is looked for in every template folder, an
    organisation's first, before the next name is tried: a shipped clause template comes before an
    organisation's ``<type>.md.j2``, an organisation's ``process-8.6.1.md.j2`` before the shipped one.

    Clause numbers alone name templates for the bundled ISO/IEC 20000-1:2018 catalogue only, the one the
    shipped clause templates are written for. A clause of any other catalogue names its templates with
    the catalogue's name first, each character other than a letter, digit, '.', '_' or '-' written as '-':
    ``isms:9.2`` tries ``process-isms-9.2.md.j2``, ``iso27001:2022:9.2`` ``process-iso27001-2022-9.2.md.j2``.
    So ISO/IEC 27001's internal audit never gets the 20000-1 template of clause 9.2, not even from an
    organisation's folder that ``mkdocs-sms init`` filled with copies of the shipped templates.
    """
    names = []
    for catalogue, number in cited:
        prefix = doc_type
        if catalogue.name != CLAUSE_TEMPLATES_CATALOGUE:
            prefix += "-" + re.sub(r"[^A-Za-z0-9._-]", "-", catalogue.name)
        names += [f"{prefix}-{clause}.md.j2" for clause in clause_path(number)]
    return list(dict.fromkeys([*names, f"{doc_type}.md.j2", "other.md.j2"]))


def render_document(
    template_dirs: Sequence[Path],
    doc_type: str,
    values: Mapping[str, object],
    catalogues: Sequence[Catalogue],
    clauses: Sequence[str],
    template: str | None = None,
) -> str:
    """The text of a new document of ``doc_type`` (front-matter, guidance for its clauses, sections),
    from the first template of :func:`template_names` found in ``template_dirs`` (in their order)."""
    # Jinja is imported here, not with the module: `check` loads this module with the command line and
    # never fills a template.
    import jinja2
    from jinja2.sandbox import SandboxedEnvironment

    # Sandboxed: an organisation's template is text to fill in, and must not reach Python's internals
    # (``cycler.__init__.__globals__.os``) to run commands.
    env = SandboxedEnvironment(
        loader=jinja2.FileSystemLoader([str(d) for d in template_dirs if d.is_dir()]),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # Markdown, not HTML; values go into YAML through |tojson
    )
    cited = [resolved for ref in clauses if (resolved := resolve_clause(ref, catalogues))]
    named = {f"{catalogue.name}:{number}" for catalogue, number in cited}
    requirements = [
        req for catalogue in catalogues for req in catalogue.requirements
        if f"{catalogue.name}:{req.clause}" in named and doc_type in req.types
    ]  # fmt: skip
    guided = [clause for catalogue, number in cited for clause in catalogue.clauses if clause.number == number]
    activities = [
        {"number": number, "clause": clause.number, "title": clause.title, "text": text}
        for number, (clause, text) in enumerate(
            ((clause, activity.text) for clause in guided for activity in clause.activities), start=1
        )
    ]
    # A template asked for by name (``new --template business-case``) is that one or an error.
    names = [f"{template}.md.j2"] if template is not None else template_names(doc_type, cited)
    try:
        chosen = env.select_template(names)
        return chosen.render(**values, type=doc_type, requirements=requirements, activities=activities)
    except jinja2.TemplatesNotFound:
        raise AuthoringError(f"no template '{names[0]}' in {', '.join(map(str, template_dirs))}") from None
    except jinja2.TemplateError as exc:
        where = f"{exc.filename}:{exc.lineno}" if isinstance(exc, jinja2.TemplateSyntaxError) else "the template"
        raise AuthoringError(f"{where} of type '{doc_type}' cannot be rendered: {exc}") from None


def assessment_text(
    values: Mapping[str, object], catalogues: Sequence[Catalogue], clauses: Sequence[str], file: str | None = None
) -> tuple[str, int]:
    """A new gap assessment (``mkdocs-sms assess init``): every activity of the catalogues (or of the
    clauses named and those beneath them), unjudged, each under a comment giving its text; and how
    many activities it lists. With ``file``, the front-matter names that judgements file instead
    (see :func:`judgements_file_text`)."""
    judged, count = _judgement_lines(catalogues, clauses)
    lines = [
        "---",
        f"id: {values['id']}",
        f"title: {json.dumps(values['title'], ensure_ascii=False)}",
        "type: assessment",
        f"owner: {json.dumps(values['owner'], ensure_ascii=False)}",
        "status: draft",
        'version: "0.1"',
        f"classification: {values['classification']}",
        f"date: {values['today']}",
        f"assessor: {json.dumps(values['owner'], ensure_ascii=False)}",
    ]
    if file is None:
        lines += [*_JUDGING, "judgements:", *judged]
    else:
        lines.append(f"judgements: {json.dumps(file, ensure_ascii=False)}  # the judgements are in this file")
    lines += [
        "---",
        "",
        "This assessment judges how far the service management system carries out each activity of the",
        "catalogue, as the gap analysis of ISO/IEC 20000-5 asks. Record what you saw under each judgement;",
        "once approved, it appears on the implementation page (and can be named as the plan's baseline).",
        "",
    ]
    return "\n".join(lines), count


def judgements_file_text(values: Mapping[str, object], catalogues: Sequence[Catalogue], clauses: Sequence[str]) -> str:
    """The judgements file of a new assessment: what :func:`assessment_text` would put in the front-matter."""
    judged, _ = _judgement_lines(catalogues, clauses)
    title = one_line(str(values["title"]))
    head = f"# The judgements of {values['id']} ({title}): read with its page, never published."
    return "\n".join([head, *_JUDGING, "judgements:", *judged, ""])


_JUDGING = (
    "# Judge each activity: result conforms, partial, not or n/a (n/a needs a reason); level 1-3;",
    "# evidence: document ids or addresses; note: what you saw. Leave result empty until judged.",
)


def _judgement_lines(catalogues: Sequence[Catalogue], clauses: Sequence[str]) -> tuple[list[str], int]:
    """One unjudged item per activity of the catalogues (or of ``clauses`` and beneath), under comments."""
    named = [resolved for ref in clauses if (resolved := resolve_clause(ref, catalogues))]
    lines = []
    count = 0
    for catalogue in catalogues:
        for clause in catalogue.clauses:
            if named and not any(c is catalogue and within(clause.number, n) for c, n in named):
                continue
            if not clause.activities:
                continue
            ref = clause_ref(catalogue, clause.number, catalogues)
            lines.append(f"  # {ref} {one_line(clause.title)}")
            for number, activity in enumerate(clause.activities, start=1):
                lines.append(f"  #   {number}. {one_line(activity.text)}")
                lines.append(f'  - {{activity: {json.dumps(f"{ref}/{number}")}, result: null, evidence: [], note: ""}}')
                count += 1
    return lines, count


# The starter repository of `mkdocs-sms init` ------------------------------------------------------

STARTER_CONFIG = """\
site_name: {name} service management handbook
theme:
  name: material
  features: [navigation.prune, navigation.sections, search.suggest]
plugins:
  - search
  - sms:
      catalogues: [{catalogues}]
      # The implementation plan (ISO/IEC 20000-5): the rows of a phase not yet under way are deferred;
      # a row its phase needed and that is not covered once the phase's target date has passed is an
      # error (SMS105). Set your own phases and dates.
      implementation:
        phases:
          - name: SMS foundation
            target: {foundation}
            clauses: {foundation_clauses}
            description: Scope, policy, objectives, risks, plans and support
          - name: Service operation
            target: {operation}
            clauses: {operation_clauses}
            description: The processes of clause 8, and the monitoring, audit and review that check them
          - name: Evaluation and improvement
            target: {evaluation}
            clauses: {evaluation_clauses}
            description: Service reporting, nonconformities, corrective action and continual improvement
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

This repository holds the documented information of our management system (catalogues: {catalogues}),
as Markdown with front-matter, published with MkDocs and checked by mkdocs-sms.

- `docs/` holds one draft per requirement of the standard: the coverage page (`sms/coverage/`) shows
  the whole baseline. Replace each draft with the real document, have it reviewed, and approve it
  (`status: approved`, `approved_by`, `approved_on`).
- `mkdocs.yml` holds the implementation plan: three phases with target dates. The rows of a later phase
  are *deferred*; a row still not covered when its phase's target date has passed is an error (SMS105).
  The phase that starts the processes also holds their first internal audit and management review, so
  that it checks what it put in place (SMS108 warns of a phase that does not).
  Adjust the phases and dates to your plan; `sms/implementation/` shows the progress.
- `mkdocs-sms new policy --id POL-XXX-01 --title "..." --clauses {clause_example}` writes a new draft from
  `sms_templates/`; adapt those templates to your organisation. A new record has an empty `date:`:
  write the date of the event it evidences.
{qualified_note}- `mkdocs-sms check` reports what is missing, unapproved or out of date; `mkdocs serve` previews the
  handbook; `mkdocs build --strict` fails on any error or warning (drafts of the phase under way are
  shown, not warned about).
- Propose every change as a pull request. `mkdocs-sms diff --base "$(git merge-base HEAD origin/HEAD)"`
  tells the reviewer what it does to the SMS: `origin/HEAD` is the default branch of the repository you
  cloned, whatever it is called. Without a remote, or if `origin/HEAD` is not set (`git remote set-head
  origin --auto` sets it), name the branch: `--base main`. `ci/` holds ready-made pipelines for GitHub
  Actions and GitLab CI; they fail on error findings (late rows included) and on a change that lowers
  coverage.
"""
