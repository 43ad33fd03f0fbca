"""Authoring: new documents from templates, in the folder of their type, ready for review.

Templates are Jinja2 files named ``<type>.md.j2``. An organisation's own templates (``templates_dir``,
default ``sms_templates/`` beside ``mkdocs.yml``) come first; the copy shipped with mkdocs-sms is the
fallback for any type they do not cover.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from mkdocs_sms.catalogue import Catalogue, clause_ref, resolve_clause
from mkdocs_sms.settings import Settings
from mkdocs_sms.text import slug

# The folder, under docs_dir, of each document type.
FOLDERS = {
    "policy": "policies", "plan": "plans", "process": "processes", "procedure": "procedures",
    "agreement": "agreements", "catalogue": "catalogues", "register": "registers", "record": "records",
    "report": "reports",
}  # fmt: skip


class AuthoringError(Exception):
    """A new document that cannot be written; nothing has been written."""


def packaged_templates() -> Path:
    """The templates shipped with mkdocs-sms (inside the wheel, or the repository's sms_templates/)."""
    inside = Path(__file__).parent / "sms_templates"
    return inside if inside.is_dir() else Path(__file__).resolve().parents[2] / "sms_templates"


PREFIXES = {
    "policy": "POL", "plan": "PLN", "process": "PRC", "procedure": "PRO", "agreement": "AGR",
    "catalogue": "CAT", "register": "REG", "record": "REC", "report": "RPT",
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
                number = f"{catalogue.name.upper()}-{number}"
            doc_id = f"{PREFIXES.get(doc_type, 'DOC')}-{re.sub(r'[^A-Z0-9-]', '', number)}"
            documents.append(
                (doc_type, doc_id, requirement.name, clause_ref(catalogue, requirement.clause, catalogues))
            )
    return documents


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


def render_document(
    template_dirs: Sequence[Path],
    doc_type: str,
    values: Mapping[str, object],
    catalogues: Sequence[Catalogue],
    clauses: Sequence[str],
) -> str:
    """The text of a new document of ``doc_type`` (front-matter, guidance for its clauses, sections)."""
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
    named = {resolved[0].name + ":" + resolved[1] for ref in clauses if (resolved := resolve_clause(ref, catalogues))}
    requirements = [
        req for catalogue in catalogues for req in catalogue.requirements
        if f"{catalogue.name}:{req.clause}" in named and doc_type in req.types
    ]  # fmt: skip
    try:
        try:
            template = env.get_template(f"{doc_type}.md.j2")
        except jinja2.TemplateNotFound:
            template = env.get_template("other.md.j2")
        return template.render(**values, type=doc_type, requirements=requirements)
    except jinja2.TemplateError as exc:
        where = f"{exc.filename}:{exc.lineno}" if isinstance(exc, jinja2.TemplateSyntaxError) else "the template"
        raise AuthoringError(f"{where} of type '{doc_type}' cannot be rendered: {exc}") from None
