"""Rendering the handbook: generated page sources, HTML fragments and ``sms.json``.

HTML comes from Jinja2 templates with autoescape on, so nothing taken from front-matter reaches a
page unescaped. Links are supplied by the caller (:class:`Links`), because only the site generator
knows where each page ends up.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import pickle
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from importlib import resources
from pathlib import Path
from typing import Any, Protocol

import jinja2
import jinja2.bccache
import jinja2.ext
import jinja2.lexer
from markupsafe import Markup, escape

from mkdocs_sms import __version__
from mkdocs_sms.analysis import coverage
from mkdocs_sms.analysis.acknowledgements import Acknowledgement, display_name
from mkdocs_sms.analysis.approvals import Approval
from mkdocs_sms.analysis.audience import names_shown
from mkdocs_sms.analysis.changes import Changes
from mkdocs_sms.analysis.handbook import Handbook
from mkdocs_sms.analysis.implementation import Phase, Plan
from mkdocs_sms.analysis.nonconformities import grade_order
from mkdocs_sms.analysis.progress import group_of
from mkdocs_sms.analysis.target import TargetState
from mkdocs_sms.analysis.trend import NOW, Trend
from mkdocs_sms.catalogue import Catalogue, Requirement, clause_ref
from mkdocs_sms.catalogue.levels import TargetLevels
from mkdocs_sms.model.document import Document
from mkdocs_sms.model.target import TARGET_TYPE
from mkdocs_sms.read.git import History, commit_url
from mkdocs_sms.rules import RULES, Finding
from mkdocs_sms.settings import Settings
from mkdocs_sms.text import md_text, slug
from mkdocs_sms.translation import ENGLISH, N_, Message, catalogue_digest, reader_date, translations

SCHEMA_VERSION = 1
PLACEHOLDER = "<!-- mkdocs-sms:{} -->"
PANEL_MARKER = PLACEHOLDER.format("panel")
# What stands between these two markers is there for search alone (see coverage_search_sections).
SEARCH_START, SEARCH_END = PLACEHOLDER.format("search"), PLACEHOLDER.format("/search")
HISTORY_MARKER = PLACEHOLDER.format("history")
FINDINGS_MARKER = PLACEHOLDER.format("findings")
# The words of the handbook's vocabulary that pages show (statuses, kinds, types, classifications,
# severities), marked here so that the catalogues have them; see word().
VOCABULARY = (
    N_("draft"), N_("review"), N_("approved"), N_("retired"), N_("covered"), N_("stale"), N_("missing"),
    N_("deferred"), N_("late"), N_("overdue"), N_("document"), N_("record"), N_("policy"), N_("plan"),
    N_("process"), N_("procedure"), N_("agreement"), N_("catalogue"), N_("register"), N_("report"),
    N_("assessment"), N_("other"), N_("public"), N_("internal"), N_("confidential"), N_("restricted"),
    N_("error"), N_("warning"), N_("info"), N_("pass"), N_("fail"), N_("cannot be assessed"),
    # A nonconformity's state and grade, the ageing chart's bands; an implementation phase's state.
    N_("open"), N_("action planned"), N_("closed"), N_("verified"), N_("no state"), N_("major"), N_("minor"),
    N_("observation"), N_("opportunity"), N_("ungraded"), N_("up to 30 days"), N_("31 to 90 days"),
    N_("91 to 180 days"), N_("over 180 days"), N_("complete"), N_("under way"), N_("planned"),
    # Where a nonconformity was raised (a review: see source_word).
    N_("internal audit"), N_("certification audit"), N_("customer audit"), N_("incident"), N_("complaint"),
    # The maturity levels' names, unless the plan names them.
    N_("Level 1"), N_("Level 2"), N_("Level 3"),
)  # fmt: skip
# Written in English and shown in the build's language (see use_language).
BANNERS = {
    "draft": (N_("Draft."), N_("This document is not approved yet; do not rely on it.")),
    "review": (N_("In review."), N_("This document is awaiting approval; it may still change.")),
    "retired": (N_("Retired."), N_("This document is no longer in force and is kept for reference only.")),
}

_SHIPPED = jinja2.FunctionLoader(lambda name: (resources.files(__package__) / "templates" / name).read_text("utf-8"))
_overrides: tuple[Path, ...] = ()  # the folders of override fragments, set by use_overrides()


class _KeptTemplates(jinja2.FileSystemBytecodeCache):
    """Jinja's cache of compiled templates, which a build never fails over: a file that cannot be read
    or written, or that is damaged, means the template is compiled (again). A template is kept once per
    language and catalogue text, because its compiled code holds its labels' translations (_Translated)."""

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        return super().get_cache_key(f"{_language}:{catalogue_digest(_language)}:{name}", filename)

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except (OSError, EOFError, ValueError, TypeError, pickle.UnpicklingError):
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            return


def _compiled_templates() -> jinja2.BytecodeCache | None:
    """Where compiled templates are kept between runs: Jinja's own cache in the system's temporary folder
    (a folder of this user's, which Jinja checks is no one else's), named by this version, since a
    template's compiled code depends on the options below as well as on its text. Compiling the fragments
    is most of a small build's fixed cost. None where there is no such folder to be had.

    Jinja names each file by the template's name and checks the template's text and Jinja's and Python's
    versions before it uses one; an override fragment (use_overrides) is kept by its path the same way."""
    # This module's text stands for the options: a change to them is a change here.
    options = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12]
    try:
        cache = _KeptTemplates(pattern=f"__mkdocs_sms_{__version__}_{options}_%s.cache")
    except (OSError, RuntimeError):
        return None
    return cache


class _Translated(jinja2.ext.Extension):
    """Compiles each ``{{ _("label") }}`` (a literal and no arguments) as the label's translation, written
    into the template as if it held it: the same output (newstyle gettext's ``% {}`` applied) without two
    calls for every label of every panel, which were a third of a panel's rendering. The compiled code
    depends on the language, so use_language() compiles again and _KeptTemplates keeps one per language."""

    _SHAPE = (
        ("variable_begin", None), ("name", "_"), ("lparen", None), ("string", None), ("rparen", None),
        ("variable_end", None),
    )  # fmt: skip

    def filter_stream(self, stream: jinja2.lexer.TokenStream) -> Iterator[jinja2.lexer.Token]:
        held: list[jinja2.lexer.Token] = []
        for token in stream:
            kind, value = self._SHAPE[len(held)]
            if token.type == kind and value in (None, token.value):
                held.append(token)
                if len(held) == len(self._SHAPE):
                    yield from self._folded(held)
                    held = []
                continue
            yield from held
            held = [token] if token.type == "variable_begin" else []
            if not held:
                yield token
        yield from held

    @staticmethod
    def _folded(tokens: list[jinja2.lexer.Token]) -> list[jinja2.lexer.Token]:
        try:
            text = translations(_language).gettext(tokens[3].value) % {}
        except (KeyError, TypeError, ValueError):  # left to fail (or not) as written
            return tokens
        return [jinja2.lexer.Token(tokens[0].lineno, "data", text)]


_env = jinja2.Environment(
    loader=_SHIPPED,
    bytecode_cache=_compiled_templates(),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
    undefined=jinja2.StrictUndefined,
    extensions=["jinja2.ext.i18n", _Translated],
)
# {% trans %} blocks may be wrapped over lines; their text is one line in the catalogues.
_env.policies["ext.i18n.trimmed"] = True
_language = ENGLISH


def use_language(language: str) -> None:
    """Write pages in ``language`` (a shipped one: en, de or fr): the templates' text, the generated
    pages' titles and headings, and the dates readers see."""
    global _language
    _language = language
    _env.install_gettext_translations(translations(language), newstyle=True)  # type: ignore[attr-defined]
    _env.globals.update(
        reader_date=lambda value: reader_date(value, language), sort_key=_sort_key, word=word,
        source_word=source_word, language=language, say=say, status_badge=status_badge, date_or_dash=date_or_dash,
        document_link=document_link, document_named=document_named,
    )  # fmt: skip
    _env.filters["word"] = word
    _env.filters["say"] = say
    if _env.cache is not None:
        _env.cache.clear()


def gettext(message: str) -> str:
    """``message`` in the build's language."""
    return translations(_language).gettext(message)


def word(value: str) -> str:
    """A word of the handbook's vocabulary (a status, a type, a kind) in the build's language; a word the
    catalogues do not have, such as one a configuration adds, stays as written."""
    return translations(_language).gettext(value)


def source_word(value: str) -> str:
    """Where a nonconformity was raised, in the build's language: a review is not the document status."""
    if value == "review":
        return str(translations(_language).pgettext("nonconformity source", "review"))
    return word(value)


def say(message: Message) -> str:
    """A message of the analysis (a readiness check's title or detail) in the build's language."""
    return message.in_language(_language)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The form of ``singular``/``plural`` for ``count``, in the build's language, with ``count`` put
    in for ``%(num)d``."""
    return translations(_language).ngettext(singular, plural, count) % {"num": count}


# The fragments every table and panel repeats, written in Python rather than as macros of _macros.html (whose
# macros call these, for override fragments that use them): a macro call costs Jinja about five times a
# function call, and a register or panel makes several for each document. (Markup.format, a formatter written
# in Python, would cost as much again: the parts are escaped one by one.)


def status_badge(status: str, label: str | None = None) -> Markup:
    """A status (or other state) as a coloured badge, labelled with the word for it unless ``label`` is given."""
    return Markup(f'<span class="sms-badge sms-badge--{escape(status)}">{escape(label or word(status))}</span>')


def date_or_dash(value: dt.date | None) -> str:
    """A date as readers of the build's language write it; a dash when there is none."""
    return reader_date(value, _language) if value else "—"


def document_link(document: Document, links: Links) -> Markup:
    """A document's id, linked to its page when that page is built."""
    href = links.document(document.id)
    if not href:
        return escape(document.id)
    title, name = escape(document.title), escape(document.id)
    return Markup(f'<a href="{escape(href)}" title="{title}">{name}</a>')


def document_named(document: Document, links: Links) -> Markup:
    """A document's (linked) id followed by its title."""
    return Markup(f'{document_link(document, links)} <span class="sms-doc-title">{escape(document.title)}</span>')


def _sort_key(value: dt.date | None) -> Markup:
    """The attribute a sortable table's date cell sorts by, where it shows a date that does not sort as
    text (every language but English, whose pages show ISO dates)."""
    if value is None or _language == ENGLISH:
        return Markup("")
    return Markup(' data-sort="{}"').format(value.isoformat())


use_language(ENGLISH)


def use_overrides(folders: Iterable[Path]) -> None:
    """Let a site replace any shipped fragment, the way Material's templates are overridden: a file
    ``sms/<fragment>.html`` in one of ``folders`` (the theme's ``custom_dir``) is used instead of the
    shipped one of that name. With no folders, only the shipped fragments are used."""
    global _overrides
    _overrides = tuple(folder / "sms" for folder in folders)
    loaders: list[jinja2.BaseLoader] = [jinja2.FileSystemLoader(str(folder)) for folder in _overrides]
    _env.loader = jinja2.ChoiceLoader([*loaders, _SHIPPED]) if loaders else _SHIPPED
    if _env.cache is not None:
        _env.cache.clear()


def overrides_stamp() -> tuple[tuple[str, int], ...]:
    """The override fragments in use and when each was last changed, so that ``mkdocs serve`` renders
    again what an edited override shows."""
    stamp: list[tuple[str, int]] = []
    for folder in _overrides:
        if folder.is_dir():
            stamp.extend((str(path), path.stat().st_mtime_ns) for path in sorted(folder.glob("*.html")))
    return tuple(stamp)


class Links(Protocol):
    """Where documents and coverage rows are, as seen from the page being rendered."""

    def document(self, doc_id: str) -> str | None:
        """URL of the document's page, or None when it has no page."""

    def clause(self, clause: str) -> str | None:
        """URL of the clause on the coverage page, or None when no catalogue has it."""

    def page(self, name: str) -> str | None:
        """URL of the generated page ``name`` (``register``, ``coverage``...), or None when it is not built."""


class Anchors:
    """HTML ids of clauses on the coverage page; the first catalogue's are the shortest."""

    def __init__(self, catalogues: Iterable[Catalogue]) -> None:
        self._primary = next(iter(catalogues)).name

    def clause(self, catalogue: str, clause: str) -> str:
        """The id of ``clause`` of ``catalogue``."""
        prefix = "clause-" if catalogue == self._primary else f"clause-{slug(catalogue)}-"
        return prefix + slug(clause)

    def guidance(self, catalogue: str, clause: str) -> str:
        """The id of a clause's guidance on the coverage page."""
        return self.clause(catalogue, clause).replace("clause-", "guidance-", 1)

    def row(self, requirement: Requirement) -> str:
        """The id of a requirement's row on the coverage page."""
        number = requirement.key.rsplit("-", 1)[1]
        return f"req-{slug(requirement.catalogue)}-{slug(requirement.clause)}-r{number}"


def stylesheet() -> str:
    """The CSS for panels, badges and tables, on screen and on paper."""
    return template_text("sms.css") + "\n" + template_text("sms-print.css")


def script() -> str:
    """The JavaScript that sorts the register by a column when its header is clicked, filters the coverage
    matrix, and dates a print."""
    return template_text("sms.js") + "\n" + template_text("sms-print.js")


def frame_worker() -> str:
    """The JavaScript that lets Material's search run on a page opened from disk (file://)."""
    return template_text("iframe-worker.js")


def template(name: str) -> jinja2.Template:
    """The shipped (or overriding) template ``name``, for outputs made outside a build (the PDF pack)."""
    return _env.get_template(name)


def template_text(name: str) -> str:
    """The text of the shipped file ``name`` of the templates folder (a stylesheet, a script)."""
    return (resources.files(__package__) / "templates" / name).read_text("utf-8")


# Generated page sources ------------------------------------------------------------------------


def _front(title: str, *extra: str) -> list[str]:
    """The front-matter of a generated page titled ``title`` (quoted when YAML would misread it)."""
    text = json.dumps(title, ensure_ascii=False) if any(c in title for c in ":#\"'[]{}") else title
    return ["---", f"title: {text}", *extra, "---", ""]


def _title(text: str) -> str:
    """The first-level heading a generated page starts with, so that Material offers its skip link."""
    return f"# {md_text(text)}"


def _heading(text: str) -> str:
    """A second-level heading of a generated page's Markdown."""
    return f"## {md_text(text)}"


def page_sources(handbook: Handbook) -> dict[str, str]:
    """Markdown of the generated pages, by path inside ``pages_dir``; placeholders become HTML."""
    _ = gettext
    window = handbook.settings.due_soon_days
    coverage_md = [*_front(_("Coverage matrix")), PLACEHOLDER.format("coverage-summary"), ""]
    several = len(handbook.catalogues) > 1
    for index, catalogue in enumerate(handbook.catalogues):
        for group in _groups(catalogue):
            heading = _group_heading(catalogue, group)
            if several:
                heading = f"{catalogue.title_in(_language)}: {heading}"
            coverage_md += [
                f"## {md_text(heading)}",
                "",
                PLACEHOLDER.format(f"coverage:{index}:{group}"),
                "",
            ]
    several_md = (lambda c, title: f"{c.title_in(_language)}: {title}") if several else (lambda c, title: title)
    implementation_md = [
        *_front(_("Implementation progress")),
        PLACEHOLDER.format("implementation:summary"),
        "",
        _heading(_("Target state")),
        "",
        PLACEHOLDER.format("implementation:target"),
        "",
        _heading(_("Trend over the tagged editions")),
        "",
        PLACEHOLDER.format("trend"),
        "",
    ]
    for index, catalogue in enumerate(handbook.catalogues):
        for part, title in _IMPLEMENTATION_PARTS:
            implementation_md += [
                f"## {md_text(several_md(catalogue, _(title)))}",
                "",
                PLACEHOLDER.format(f"implementation:{index}:{part}"),
                "",
            ]
    implementation_md += [_heading(_("Gap assessment")), "", PLACEHOLDER.format("implementation:assessment"), ""]
    audit_md = [*_front(_("Audit readiness")), PLACEHOLDER.format("audit:verdict"), ""]
    audit_md += [_heading(_("Checks")), "", PLACEHOLDER.format("audit:checks"), ""]
    audit_md += [_heading(_("Stage 1 pack")), "", PLACEHOLDER.format("audit:pack"), ""]
    audit_md += [_heading(_("Open nonconformities")), "", PLACEHOLDER.format("audit:nonconformities"), ""]
    nc_md = [*_front(_("Nonconformities")), PLACEHOLDER.format("nonconformities:summary"), ""]
    for part, title in _NONCONFORMITY_PARTS:
        nc_md += [f"## {md_text(_(title))}", "", PLACEHOLDER.format(f"nonconformities:{part}"), ""]
    pages = {
        "implementation.md": "\n".join(implementation_md),
        "audit.md": "\n".join(audit_md),
        "nonconformities.md": "\n".join(nc_md),
        "register.md": "\n".join(
            [
                *_front(_("Document register"), "hide: [toc]"),
                _title(_("Document register")),
                "",
                PLACEHOLDER.format("register"),
                "",
            ]
        ),
        "coverage.md": "\n".join(coverage_md),
        "changes.md": "\n".join(
            [
                *_front(_("What changed in this edition")),
                _title(_("What changed in this edition")),
                "",
                PLACEHOLDER.format("changes"),
                "",
            ]
        ),
        "reviews.md": "\n".join(
            [
                *_front(_("Review schedule")),
                # A heading first, so that Material offers its skip link (it links to the first heading).
                _title(_("Review schedule")),
                "",
                PLACEHOLDER.format("reviews:summary"),
                "",
                _heading(_("Overdue")),
                "",
                PLACEHOLDER.format("reviews:overdue"),
                "",
                _heading(ngettext("Due within %(num)d day", "Due within %(num)d days", window)),
                "",
                PLACEHOLDER.format("reviews:due"),
                "",
            ]
        ),
    }
    if "acknowledgements.md" not in withheld_pages(handbook) and handbook.settings.acknowledge.enabled:
        pages["acknowledgements.md"] = "\n".join(
            [
                *_front(_("Acknowledgements")),
                _title(_("Acknowledgements")),
                "",
                PLACEHOLDER.format("acknowledgements:summary"),
                "",
                PLACEHOLDER.format("acknowledgements:table"),
                "",
            ]
        )
    return pages


def withheld_pages(handbook: Handbook) -> set[str]:
    """The generated pages (paths inside ``pages_dir``) this audience may not see: who has and has not
    acknowledged a policy is for the organisation, not its customers (internal audiences and above)."""
    return {"acknowledgements.md"} if handbook.settings.acknowledge.enabled and not names_shown(handbook) else set()


_NONCONFORMITY_PARTS = (("open", N_("Open, by weight and age")), ("ageing", N_("Ageing")), ("closed", N_("Closed")))
_IMPLEMENTATION_PARTS = (
    ("phases", N_("Progress per phase")),
    ("groups", N_("Progress per clause group")),
    ("baseline", N_("Closed since the baseline")),
    ("remaining", N_("What remains")),
)
# Bar colours by phase state: dark enough for white paper, distinct without colour from the labels.
_STATE_COLOURS = {"complete": "#2e7d32", "under way": "#1565c0", "planned": "#9e9e9e", "late": "#c62828"}


def _heat(share: float) -> str:
    """A light fill from red (0) through yellow (0.5) to green (1), under black text."""
    low, mid, high = (0xF4, 0xB6, 0xBC), (0xFF, 0xE9, 0x9A), (0xA9, 0xDF, 0xB4)
    a, b, t = (low, mid, share * 2) if share < 0.5 else (mid, high, share * 2 - 1)
    return "#" + "".join(f"{round(x + (y - x) * t):02x}" for x, y in zip(a, b, strict=True))


def _pct(share: float) -> str:
    return f"{share * 100:.0f}%"


def catalogue_title(catalogues: Iterable[Catalogue]) -> Callable[[str], str]:
    """A function from a catalogue's name to its title in the build's language, which readers know it by
    (a name no catalogue has stays as it is)."""
    titles = {c.name: c.title_in(_language) for c in catalogues}
    return lambda name: titles.get(name, name)


def level_namer(plan: Plan) -> Callable[[int], str]:
    """A function from a maturity level to its name on pages: the plan's own names as written, the
    default ones ("Level 1") in the build's language."""
    return lambda level: word(plan.level_name(level))


def describe_levels(levels: TargetLevels, level_name: Callable[[int], str]) -> str:
    """Levels aimed at, in words: 'Level 3 for 8.5; Level 2 elsewhere'."""
    parts = []
    for level in sorted({level for _, level in levels.clauses}, reverse=True):
        refs = ", ".join(ref for ref, at in levels.clauses if at == level)
        parts.append(gettext("%(level)s for %(clauses)s") % {"level": level_name(level), "clauses": refs})
    rest = gettext("%(level)s elsewhere") if parts else gettext("%(level)s throughout")
    parts.append(rest % {"level": level_name(levels.default)})
    return "; ".join(parts)


def phase_aim(phase: Phase, level_name: Callable[[int], str]) -> str:
    """What an implementation phase aims at, in words."""
    if phase.levels is not None:
        return describe_levels(phase.levels, level_name)
    if phase.level is not None:
        return gettext("the whole SMS at %(level)s") % {"level": level_name(phase.level)}
    return gettext("clauses %(clauses)s") % {"clauses": ", ".join(phase.clauses)}


def target_reason(state: TargetState) -> str:
    """Why achievement against a target state cannot be assessed, in the build's language (sms.json keeps
    the English ``state.reason``)."""
    if state.withheld:
        return gettext("the target state is withheld from this audience")
    if state.unapproved:
        text = translations(_language).ngettext(
            "the target state (%(ids)s) is not approved; only an approved target state counts",
            "the target state (%(ids)s) are not approved; only an approved target state counts",
            len(state.unapproved),
        )
        return text % {"ids": ", ".join(d.id for d in state.unapproved)}
    return gettext("no approved %(type)s sets a target state") % {"type": word(TARGET_TYPE)}


def _template_helpers(handbook: Handbook) -> dict[str, Any]:
    """Functions the implementation and audit templates share."""
    plan = handbook.settings.implementation or Plan()
    by_name = {c.name: c for c in handbook.catalogues}

    def ref(requirement: Requirement) -> str:
        return clause_ref(by_name[requirement.catalogue], requirement.clause, handbook.catalogues)

    def phase_name(index: int | None) -> str:
        return plan.phases[index].name if index is not None and plan.phases else "—"

    level_name = level_namer(plan)
    return {
        "ref": ref, "phase_name": phase_name, "pct": _pct, "heat": _heat, "colours": _STATE_COLOURS,
        "basis_label": basis_label, "level_name": level_name,
        "catalogue_title": catalogue_title(handbook.catalogues),
        "aim": lambda phase: phase_aim(phase, level_name),
        "describe_levels": lambda levels: describe_levels(levels, level_name), "target_reason": target_reason,
    }  # fmt: skip


def _mark_helpers(handbook: Handbook, links: Links) -> dict[str, Any]:
    """How the audit page shows a check's marks: clauses by clause group, each linked to the coverage page."""
    by_name = {c.name: c for c in handbook.catalogues}

    def mark_groups(check: Any) -> list[dict[str, Any]]:
        groups: dict[tuple[str, str], dict[str, Any]] = {}
        for mark in check.marks:
            if mark.clause is None or mark.catalogue not in by_name:
                continue
            catalogue = by_name[mark.catalogue]
            number = group_of(mark.clause)
            title = next((c.title_in(_language) for c in catalogue.clauses if c.number == number), "")
            empty: dict[str, Any] = {"number": number, "title": title, "ok": [], "gaps": []}
            group = groups.setdefault((catalogue.name, number), empty)
            group["ok" if mark.ok else "gaps"].append(mark)
        return list(groups.values())

    def clause_link(mark: Any) -> Markup:
        number = escape(mark.clause)
        href = links.clause(clause_ref(by_name[mark.catalogue], mark.clause, handbook.catalogues))
        if not href:
            return Markup(number)
        return Markup('<a href="{}" title="{}">{}</a>').format(href, mark.label, number)

    return {"mark_groups": mark_groups, "clause_link": clause_link}


def basis_label(requirement: Requirement) -> str:
    """Why a row is there, in a reader's words."""
    if requirement.basis == "derived":
        return gettext("expected through 7.5.4 (control of documented information)")
    if requirement.basis == "recommended":
        return gettext("recommended (good practice, not required)")
    return gettext("required by %(clause)s") % {"clause": requirement.clause}


def fill(markdown_html: str, handbook: Handbook, links: Links) -> str:
    """Replace every placeholder in a generated page's HTML with its rendered fragment."""
    html = markdown_html
    while SEARCH_START in html:
        start = html.index(SEARCH_START)
        html = html[:start] + html[html.index(SEARCH_END, start) + len(SEARCH_END) :]
    for name, fragment in _fragments(html, handbook, links):
        html = html.replace(PLACEHOLDER.format(name), fragment)
    return html


def _fragments(html: str, handbook: Handbook, links: Links) -> Iterable[tuple[str, str]]:
    today = handbook.settings.today
    anchors = Anchors(handbook.catalogues)
    if PLACEHOLDER.format("register") in html:
        yield "register", render_register(handbook, links)
    if PLACEHOLDER.format("coverage-summary") in html:
        summaries = [
            (c.title_in(_language), coverage.summary(r for r in handbook.coverage if r.requirement.catalogue == c.name))
            for c in handbook.catalogues
        ]
        yield (
            "coverage-summary",
            _env.get_template("coverage_summary.html").render(
                summaries=summaries,
                today=today,
                deferred=any(counts["deferred"] for _, counts in summaries),
                level_name=level_namer(handbook.settings.implementation or Plan()),
            )
            + _coverage_filters(handbook, links, anchors),
        )
    for index, catalogue in enumerate(handbook.catalogues):
        for group in _groups(catalogue):
            name = f"coverage:{index}:{group}"
            if PLACEHOLDER.format(name) in html:
                yield name, _coverage_group(handbook, catalogue, group, links, anchors)
    if PLACEHOLDER.format("implementation:summary") in html:
        yield from _implementation(handbook, links)
    if PLACEHOLDER.format("implementation:assessment") in html:
        yield "implementation:assessment", _assessment(handbook, links)
    if PLACEHOLDER.format("audit:verdict") in html:
        result = handbook.readiness
        helpers = {**_template_helpers(handbook), **_mark_helpers(handbook, links)}
        for part in ("verdict", "checks", "pack", "nonconformities"):
            yield (
                f"audit:{part}",
                _env.get_template("audit.html").render(part=part, result=result, today=today, links=links, **helpers),
            )
    if PLACEHOLDER.format("nonconformities:summary") in html:
        register = handbook.nonconformities
        ageing = register.ageing()
        widest = max([1, *(sum(grades.values()) for _, grades in ageing)])
        for part in ("summary", *(name for name, _ in _NONCONFORMITY_PARTS)):
            yield f"nonconformities:{part}", _env.get_template("nonconformities.html").render(
                part=part, register=register, today=today, links=links, ageing=ageing, widest=widest,
                ordered=grade_order(register.open), catalogue_title=catalogue_title(handbook.catalogues),
            )  # fmt: skip
    if PLACEHOLDER.format("acknowledgements:summary") in html:
        yield from _acknowledgements(handbook, links)
    if PLACEHOLDER.format("reviews:summary") in html:
        overdue, due = handbook.reviews
        for part in ("summary", "overdue", "due"):
            yield f"reviews:{part}", _env.get_template("reviews.html").render(
                part=part, overdue=overdue, due=due, today=today,
                window=handbook.settings.due_soon_days, links=links,
            )  # fmt: skip


def _acknowledgements(handbook: Handbook, links: Links) -> Iterable[tuple[str, str]]:
    rules = handbook.settings.acknowledge
    items = sorted(
        ((handbook.by_id[key], item) for key, item in handbook.acknowledgements.items() if key in handbook.by_id),
        key=lambda pair: pair[0].id,
    )
    states = Counter(item.state for _, item in items)
    for part in ("summary", "table"):
        yield f"acknowledgements:{part}", _env.get_template("acknowledgements.html").render(
            part=part, items=items, links=links, types=rules.types, total=len(rules.people), grace=rules.grace_days,
            complete=states["complete"], overdue=states["overdue"], name=display_name,
        )  # fmt: skip


def _implementation(handbook: Handbook, links: Links) -> Iterable[tuple[str, str]]:
    template = _env.get_template("implementation.html")
    plan = handbook.settings.implementation or Plan()
    items = handbook.progress
    common = {
        "plan": plan,
        "today": handbook.settings.today,
        "current": plan.current(handbook.settings.today),
        "baseline": handbook.baseline,
        "several": len(handbook.catalogues) > 1,
        "links": links,
        **_template_helpers(handbook),
    }
    yield "implementation:summary", template.render(part="summary", progress=items, **common)
    yield (
        "implementation:target",
        _env.get_template("implementation_target.html").render(
            state=handbook.target, catalogues=handbook.catalogues, **common
        ),
    )
    for index, item in enumerate(items):
        for part, _ in _IMPLEMENTATION_PARTS:
            yield f"implementation:{index}:{part}", template.render(part=part, item=item, index=index, **common)


def _assessment(handbook: Handbook, links: Links) -> str:
    """The gap assessment part of the implementation page: the newest approved assessment against the
    one the plan names as its baseline, per clause group and activity by activity."""
    now = handbook.assessments[-1] if handbook.assessments else None
    baseline = handbook.assessment_baseline
    # Without a named baseline, the first approved assessment is what "now" is compared with.
    first = baseline is None and len(handbook.assessments) > 1
    if first:
        baseline = handbook.assessments[0]
    named = handbook.baseline_document.id if handbook.baseline_document else None
    by_clause: dict[str, list[Any]] = {}
    several = len(handbook.catalogues) > 1
    for item in now.judged if now else ():
        key = f"{item.catalogue}: {item.clause.number}" if several else item.clause.number
        by_clause.setdefault(key, []).append(item)
    baseline_groups = {(g.catalogue, g.group): g for g in baseline.groups(handbook.catalogues)} if baseline else {}
    return _env.get_template("assessment.html").render(
        now=now, baseline=baseline, baseline_named=named, first=first, several=several, links=links,
        by_id=handbook.by_id,
        groups=now.groups(handbook.catalogues) if now else [], baseline_groups=baseline_groups,
        by_clause=list(by_clause.items()), **_template_helpers(handbook),
    )  # fmt: skip


# The trend chart: x from the first point to the last, two panels (coverage share; counts) of one height.
_TREND_X, _TREND_WIDTH, _PANEL = 70, 630, 140
_COVERAGE_BOTTOM, _COUNTS_BOTTOM = 180, 400


def _nice_ceiling(value: int) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50... at least ``value``: the top of the counts axis."""
    scale = 1
    while True:
        for step in (1, 2, 5):
            if step * scale >= value:
                return step * scale
        scale *= 10


def render_trend(trend: Trend | None, catalogues: Iterable[Catalogue] = ()) -> str:
    """The trend section of the implementation page: the chart and its table, or why there is none.
    ``catalogues`` give the title of the catalogue whose coverage is drawn."""
    if trend is None:
        return ""
    points = trend.points
    # Each series: its key, its legend, and how a point of it reads (its count in words).
    series: list[tuple[str, str, Callable[[int], str]]] = [
        ("errors", gettext("Errors"), lambda n: ngettext("%(num)d error", "%(num)d errors", n)),
        ("warnings", gettext("Warnings"), lambda n: ngettext("%(num)d warning", "%(num)d warnings", n)),
    ]
    if points and points[0].open_nonconformities is not None:
        series.append(
            ("open_nonconformities", gettext("Open nonconformities"),
             lambda n: ngettext("%(num)d open nonconformity", "%(num)d open nonconformities", n))
        )  # fmt: skip
    top = _nice_ceiling(max([1, *(getattr(p, key) or 0 for p in points for key, *_ in series)]))
    step = _TREND_WIDTH / (len(points) - 1) if len(points) > 1 else 0
    xs = [round(_TREND_X + (i * step if len(points) > 1 else _TREND_WIDTH / 2), 1) for i in range(len(points))]
    coverage_ys = [round(_COVERAGE_BOTTOM - _PANEL * p.share, 1) for p in points]
    count_ys = {
        key: [round(_COUNTS_BOTTOM - _PANEL * (getattr(p, key) or 0) / top, 1) for p in points] for key, *_ in series
    }
    return _env.get_template("trend.html").render(
        trend=trend, catalogue_title=catalogue_title(catalogues)(trend.catalogue), points=points, xs=xs,
        coverage_ys=coverage_ys, count_ys=count_ys, series=series, top=top,
        now=NOW, pct=_pct, coverage_bottom=_COVERAGE_BOTTOM, counts_bottom=_COUNTS_BOTTOM, panel=_PANEL,
        labelled=len(points) <= 12, names=[gettext("now (this build)") if p.label == NOW else p.label for p in points],
    )  # fmt: skip


def render_panel(document: Document, handbook: Handbook, links: Links, findings: int = 0) -> str:
    """The metadata panel shown above a document's content; its status badge counts the page's
    ``findings`` when they are shown on the page."""
    # The macros are imported once and handed in: an import in the fragment ran once per panel (and
    # once per row in register_row.html, which takes them from the register), a tenth of each render.
    return _env.get_template("panel.html").render(
        m=_env.get_template("_macros.html").module,
        doc=document,
        findings=findings,
        banners=BANNERS,
        overdue=document.overdue(handbook.settings.today),
        by_id=handbook.by_id,
        referenced_by=handbook.referenced_by.get(document.id, ()),
        approval=handbook.approvals.get(document.id),
        acknowledgement=handbook.acknowledgements.get(document.id),
        uncounted={item.index: item for item in coverage.uncounted(document, handbook.catalogues)},
        links=links,
    )


def render_findings(findings: Iterable[Finding]) -> str:
    """The warning block at the top of a page with findings: each one's code, line, text and fix."""
    found = list(findings)
    if not found:
        return ""
    codes = {finding.code for finding in found}
    fixes = {code: rule.fix for code, rule in RULES.items() if code in codes}
    return _env.get_template("findings.html").render(findings=found, fixes=fixes)


def render_edition(settings: Settings) -> str:
    """The line naming the edition, shown at the top of every page ('' when there is none)."""
    if not settings.edition:
        return ""
    line = escape(gettext("Handbook edition %(edition)s")) % {
        "edition": Markup("<strong>{}</strong>").format(settings.edition)
    }
    return f'<p class="sms-edition">{line}</p>'


def render_changes(changes: Changes | None, links: Links) -> str:
    """The body of the "what changed in this edition" page."""
    return _env.get_template("changes.html").render(changes=changes, links=links)


def render_history(document: Document, handbook: Handbook) -> str:
    """The revision history table at the end of a document page ('' without history)."""
    if handbook.history is None or handbook.history.unavailable:
        return ""
    revisions = handbook.history.of(document.path)
    settings = handbook.settings
    links = {r.commit: commit_url(settings.commit_url, settings.repo_url, r.commit) for r in revisions}
    return _env.get_template("revision_history.html").render(revisions=revisions, links=links)


def render_search_keys(document: Document) -> str:
    """A hidden line of metadata, so that search finds a document by its id, owner or status.

    Written as one escaped format string rather than a template: it runs once per page.
    """
    parts = (document.id, document.type or "", f"version {document.version or '—'}", document.status,
             document.owner or "", *document.clauses)  # fmt: skip
    return f'<p class="sms-search-keys" hidden>{escape(" · ".join(parts))}</p>'


def coverage_search_sections(html: str, handbook: Handbook) -> str:
    """The coverage page's content as search should index it: each requirement row as a section of its
    own, so that searching a clause number finds the row and leads to it.

    The rows' tables are put in place after search has indexed the page (see ``fill``), so the index
    would hold only the group headings; these sections stand in for the rows while search reads the
    page, and ``fill`` takes them out again.
    """
    anchors = Anchors(handbook.catalogues)
    for index, catalogue in enumerate(handbook.catalogues):
        for group in _groups(catalogue):
            marker = PLACEHOLDER.format(f"coverage:{index}:{group}")
            if marker not in html:
                continue
            rows = [
                r for r in handbook.coverage
                if r.requirement.catalogue == catalogue.name and group_of(r.requirement.clause) == group
            ]  # fmt: skip
            sections = _env.get_template("coverage_search.html").render(rows=rows, anchors=anchors)
            html = html.replace(marker, marker + SEARCH_START + sections + SEARCH_END, 1)
    return html


def render_register(handbook: Handbook, links: Links) -> str:
    """The document register table."""
    documents = sorted(handbook.documents, key=lambda d: d.id)
    counts = Counter(d.status for d in documents)
    ordered = {status: counts.get(status, 0) for status in handbook.settings.statuses}
    return _env.get_template("register.html").render(
        documents=documents, counts=ordered, links=links, today=handbook.settings.today,
        withheld=handbook.withheld, audience=handbook.settings.audience,
        approvals=handbook.approvals if handbook.settings.approvals.enabled else None,
        acknowledgements=handbook.acknowledgements if handbook.settings.acknowledge.enabled else None,
    )  # fmt: skip


def _coverage_group(handbook: Handbook, catalogue: Catalogue, group: str, links: Links, anchors: Anchors) -> str:
    rows = [
        r for r in handbook.coverage
        if r.requirement.catalogue == catalogue.name and group_of(r.requirement.clause) == group
    ]  # fmt: skip
    first_rows: dict[str, coverage.CoverageRow] = {}
    for row in rows:
        first_rows.setdefault(row.requirement.clause, row)
    with_rows = {row.requirement.clause for row in rows}
    index = handbook.by_clause
    other = [
        (clause, index.get((catalogue.name, clause.number), []))
        for clause in catalogue.clauses
        if group_of(clause.number) == group and clause.number not in with_rows
    ]
    guided = [
        clause for clause in catalogue.clauses
        if group_of(clause.number) == group and (clause.activities or clause.explanation)
    ]  # fmt: skip
    # Where an auditor asks "show me your document control": how a handbook kept this way meets 7.5.
    control = catalogue.name == "iso20000-1:2018" and group == "7"
    return _env.get_template("coverage_group.html").render(
        rows=rows, first_rows=first_rows, other_clauses=other, catalogue=catalogue, guided=guided,
        document_control=Markup(_env.get_template("document_control.html").render()) if control else "",
        anchors=anchors, links=links, today=handbook.settings.today, **_template_helpers(handbook),
    )  # fmt: skip


# The statuses a reader looks for first: a row no document meets, then one met only by drafts, then one
# whose documents are past their review or evidence date.
GAPS = (coverage.MISSING, coverage.DRAFT, coverage.STALE)


def _coverage_filters(handbook: Handbook, links: Links, anchors: Anchors) -> str:
    """The top of the coverage page: the gaps, worst first, and the filters the page's script brings to
    life (hidden without JavaScript, where every row stays in view)."""
    gaps = sorted((r for r in handbook.coverage if r.status in GAPS), key=lambda r: GAPS.index(r.status))
    plan = handbook.settings.implementation or Plan()
    statuses = [s for s in coverage.STATUSES if any(r.status == s for r in handbook.coverage)]
    return _env.get_template("coverage_filters.html").render(
        gaps=gaps, gap_statuses=GAPS, statuses=statuses, phases=list(enumerate(plan.phases)),
        unphased=any(r.phase is None for r in handbook.coverage) and bool(plan.phases),
        anchors=anchors, links=links, several=len(handbook.catalogues) > 1, **_template_helpers(handbook),
    )  # fmt: skip


def _groups(catalogue: Catalogue) -> list[str]:
    return list(dict.fromkeys(group_of(clause.number) for clause in catalogue.clauses))


def _group_heading(catalogue: Catalogue, group: str) -> str:
    title = next((c.title_in(_language) for c in catalogue.clauses if c.number == group), "")
    return f"{group} {title}".strip()


# sms.json ----------------------------------------------------------------------------------------


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def document_json(
    document: Document,
    history: History | None = None,
    approval: Approval | None = None,
    acknowledgement: Acknowledgement | None = None,
) -> dict[str, Any]:
    """One document as the contract's JSON object (plus a few extra keys); ``approval_evidence`` is null
    unless approval evidence is configured and the document is approved, ``acknowledgement`` unless
    acknowledgements are configured for its type and it is approved."""
    revisions = history.of(document.path) if history else ()
    return {
        "id": document.id,
        "title": document.title,
        "type": document.type,
        "status": document.status,
        "version": document.version,
        "owner": document.owner,
        "approved_by": document.approved_by,
        "approved_on": _iso(document.approved_on),
        "next_review": _iso(document.next_review),
        "classification": document.classification,
        "clauses": list(document.clauses),
        "path": document.path,
        "related": list(document.related),
        "date": _iso(document.date),
        "review_interval": str(document.review_interval),
        "history": [revision.to_json() for revision in revisions],
        "last_changed": revisions[0].date if revisions else None,
        "approval_evidence": approval.describe() if approval else None,
        "approval": approval.to_json() if approval else None,
        "acknowledgement": acknowledgement.to_json() if acknowledgement else None,
    }


def target_json(handbook: Handbook) -> dict[str, Any]:
    """The target state in ``sms.json``: the document that counts, its levels, and each row it asks for."""
    state = handbook.target
    target = state.target
    return {
        "status": state.status,
        "reason": state.reason or None,
        "document": state.document.id if state.document else None,
        "unapproved": [d.id for d in state.unapproved],
        "scope": target.scope if target else None,
        "date": _iso(target.date) if target else None,
        "levels": target.levels.to_json() if target else None,
        "achieved": state.achieved if target else None,
        "total": len(state.rows) if target else None,
        "rows": [
            {
                "catalogue": item.row.requirement.catalogue,
                "clause": item.row.requirement.clause,
                "key": item.row.requirement.key,
                "level": item.level,
                "status": item.row.status,
                "document_level": item.row.level,
                "achieved": item.achieved,
            }
            for item in state.rows
        ],
    }


def handbook_json(handbook: Handbook, trend: Trend | None = None) -> dict[str, Any]:
    """The machine-readable export: ``sms.json`` (with the ``trend`` a build reads) and
    ``mkdocs-sms check --format json``."""
    plan = handbook.settings.implementation or Plan()
    audit = handbook.readiness
    extra = {"trend": trend.to_json()} if trend is not None else {}
    return {
        "schema": SCHEMA_VERSION,
        "today": handbook.settings.today.isoformat(),
        "edition": handbook.settings.edition,
        "audience": handbook.settings.audience,
        "withheld": handbook.withheld,
        "catalogues": [
            {
                "name": c.name,
                "title": c.title,
                "summary": coverage.summary(r for r in handbook.coverage if r.requirement.catalogue == c.name),
            }
            for c in handbook.catalogues
        ],
        "documents": [
            document_json(d, handbook.history, handbook.approvals.get(d.id), handbook.acknowledgements.get(d.id))
            for d in sorted(handbook.documents, key=lambda d: d.id)
        ],
        "coverage": [
            {
                "catalogue": row.requirement.catalogue,
                "clause": row.requirement.clause,
                "title": row.requirement.clause_title,
                "requirement": row.requirement.name,
                "kind": row.requirement.kind,
                "required": row.requirement.required,
                "status": row.status,
                "documents": [d.id for d in row.documents],
                "key": row.requirement.key,
                "max_age": str(row.requirement.max_age) if row.requirement.max_age else None,
                "evidence": row.evidence.id if row.evidence else None,
                "evidence_date": _iso(row.evidence_date),
                "phase": plan.phases[row.phase].name if row.phase is not None else None,
                "late": row.late is not None,
                "withheld": row.withheld,
            }
            for row in handbook.coverage
        ],
        "target": target_json(handbook),
        "audit": {
            "ready": audit.ready,
            "verdict": audit.verdict,
            "failed": [str(check.title) for check in audit.failed],
            "unassessed": [str(check.title) for check in audit.unassessed],
        },
        "assessments": [_assessment_json(item) for item in handbook.assessments],
        "findings": [finding.to_json() for finding in handbook.findings],
        **extra,
    }


def _assessment_json(item: Any) -> dict[str, Any]:
    """One approved gap assessment: its counts and every activity it lists."""
    document = item.document
    return {
        "id": document.id,
        "date": _iso(item.date),
        "assessor": document.assessor,
        "counts": item.counts(),
        "judgements": [
            {
                "catalogue": judged.catalogue, "activity": judged.ref, "text": judged.activity.text,
                "result": judged.result, "level": judged.judgement.level, "evidence": list(judged.judgement.evidence),
                "note": judged.judgement.note, "reason": judged.judgement.reason,
            }
            for judged in item.judged
        ],
    }  # fmt: skip
