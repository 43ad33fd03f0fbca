"""The controlled documentation pack: one PDF for a certification body.

A cover (organisation, scope, edition, date, audience), the document register, the coverage matrix, then
the chosen documents, each with its metadata as a table, its body as the site renders it and its revision
history. The HTML comes from the ``pack_*`` templates; WeasyPrint (the optional ``pdf`` extra) lays it
out with CSS Paged Media: page numbers and the "uncontrolled when printed" footer in the page margins,
the outline (bookmarks) from ``bookmark-level``.

The pack is rendered from the audience's view of the handbook (:func:`published`): a withheld document
appears in it by no id, title, link or attachment.
"""

from __future__ import annotations

import logging
import posixpath
import re
import xml.etree.ElementTree as etree
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup

from mkdocs_sms import render
from mkdocs_sms.analysis import coverage
from mkdocs_sms.analysis.audience import WITHHELD_TEXT, unlink, withheld_reference
from mkdocs_sms.analysis.handbook import Handbook
from mkdocs_sms.model import references
from mkdocs_sms.model.document import Document
from mkdocs_sms.options import PDF_INSTALL_HINT
from mkdocs_sms.text import md_cell, one_line, slug
from mkdocs_sms.translation import ENGLISH

# Python-Markdown extensions MkDocs always loads before those of mkdocs.yml.
_MKDOCS_EXTENSIONS: tuple[tuple[str, dict[str, Any]], ...] = (("toc", {}), ("tables", {}), ("fenced_code", {}))
# Link schemes kept as links in the PDF; any other address is shown as its text.
_KEPT_SCHEMES = ("http", "https", "mailto")
_QUOTE = re.compile(r"^ {0,3}> ?(.*)$")


class PackUnavailable(Exception):
    """WeasyPrint cannot be loaded: the ``pdf`` extra is not installed, or the system lacks Pango."""


@dataclass(frozen=True)
class PackDocument:
    """A document chosen for the pack, with the Markdown of its body (the text after the front-matter)."""

    document: Document
    body: str


def choose(handbook: Handbook, types: Sequence[str], ids: Sequence[str]) -> tuple[list[Document], list[str]]:
    """The documents of the pack, by type (in the configured order of types) then id, and the problems
    of the choice: a type that is not configured, an id that is not published to this audience (said
    the same way whether it is unknown or withheld, so that the message gives nothing away)."""
    settings = handbook.settings
    problems = [
        f"--types: '{name}' is not one of {', '.join(settings.types)}" for name in types if name not in settings.types
    ]
    problems += [
        f"--documents: '{doc_id}' is not a document of this edition (audience {settings.audience})"
        for doc_id in ids
        if doc_id not in handbook.by_id
    ]
    order = {name: index for index, name in enumerate(settings.types)}
    chosen = [d for d in handbook.documents if (not types or d.type in types) and (not ids or d.id in ids)]
    chosen.sort(key=lambda d: (order.get(d.type or "", len(order)), d.id))
    if not problems and not chosen:
        problems.append("no document of this edition is of the types and ids asked for: the pack would be empty")
    return chosen, problems


def anchor(doc_id: str) -> str:
    """The HTML id of a document's part of the pack."""
    return f"doc-{slug(doc_id)}"


def plural(doc_type: str) -> str:
    """A type's heading in the pack: 'policy' -> 'Policies', 'process' -> 'Processes'."""
    word = doc_type.capitalize()
    if word.endswith(("s", "x", "ch", "sh")):
        return word + "es"
    if word.endswith("y") and word[-2:-1] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def first_quote(body: str) -> str:
    """The first block quote of a Markdown body as one line of text ('' when there is none): how a
    scope document states its scope, quoted on the cover."""
    lines: list[str] = []
    for line in body.split("\n"):
        match = _QUOTE.match(line)
        if match:
            lines.append(match.group(1).strip())
        elif lines:
            break
    return " ".join(part for part in lines if part)


class _PackTree(Treeprocessor):  # type: ignore[misc]
    """Makes one document's HTML fit the pack: ids prefixed with the document's anchor (documents share
    heading names), links to documents in the pack turned into links within it, other local links into
    their text, images into files of docs_dir (or their alternative text)."""

    def __init__(self, md: markdown.Markdown, docs_dir: Path, targets: Mapping[str, str]) -> None:
        super().__init__(md)
        self.docs_dir = docs_dir.resolve()
        self.targets = targets  # path of a document in the pack -> its anchor
        self.page = ""
        self.prefix = ""

    def run(self, root: etree.Element) -> None:
        for element in list(root.iter()):
            ident = element.get("id")
            if ident:
                element.set("id", self.prefix + ident)
            if element.tag == "a":
                self._link(element)
            elif element.tag == "img":
                self._image(element)

    def _link(self, element: etree.Element) -> None:
        href = element.get("href")
        if href is None:
            return
        parts = urlsplit(href)
        if parts.scheme or parts.netloc:
            if parts.scheme.lower() not in _KEPT_SCHEMES:
                del element.attrib["href"]
            return
        if not parts.path:
            element.set("href", f"#{self.prefix}{parts.fragment}" if parts.fragment else f"#{self.prefix}top")
            return
        target = self.targets.get(posixpath.normpath(posixpath.join(posixpath.dirname(self.page), unquote(parts.path))))
        if target is None:
            del element.attrib["href"]  # a page or file outside the pack: its text stays
        else:
            element.set("href", f"#{target}--{parts.fragment}" if parts.fragment else f"#{target}")

    def _image(self, element: etree.Element) -> None:
        source = element.get("src") or ""
        parts = urlsplit(source)
        if parts.scheme == "data":
            return
        if not parts.scheme and not parts.netloc and parts.path:
            relative = posixpath.normpath(posixpath.join(posixpath.dirname(self.page), unquote(parts.path)))
            file = (self.docs_dir / relative).resolve()
            if self.docs_dir in file.parents and file.is_file():
                element.set("src", file.as_uri())
                return
        # An image elsewhere (the pack is made offline) or missing: its alternative text instead.
        alt = element.get("alt") or ""
        element.attrib.clear()
        element.tag = "span"
        element.text = f"[image: {alt}]" if alt else "[image]"


class _PackExtension(Extension):  # type: ignore[misc]
    def __init__(self, docs_dir: Path, targets: Mapping[str, str]) -> None:
        super().__init__()
        self.docs_dir = docs_dir
        self.targets = targets
        self.tree: _PackTree | None = None

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # Python-Markdown's name
        self.tree = _PackTree(md, self.docs_dir, self.targets)
        # After the table of contents (5) has given headings their ids.
        md.treeprocessors.register(self.tree, "sms-pack", 1)


def _extensions(configured: Iterable[tuple[str, Mapping[str, Any]]]) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """The extensions to convert with (name -> options), and a note for each that cannot be loaded.

    mkdocs.yml is read without running its ``!!python/name:`` tags, so an extension given a Python object
    as an option may not load here; the pack then shows its syntax as text, and says so.
    """
    wanted: dict[str, dict[str, Any]] = {}
    for name, options in (*_MKDOCS_EXTENSIONS, *configured):
        wanted[name] = {**wanted.get(name, {}), **options}
    wanted["toc"] = {**wanted["toc"], "permalink": False}  # no pilcrows on paper
    usable: dict[str, dict[str, Any]] = {}
    notes = []
    for name, options in wanted.items():
        try:
            markdown.Markdown(extensions=[name], extension_configs={name: options})
        except Exception as exc:  # an extension may fail in any way while it loads
            notes.append(f"the Markdown extension '{name}' cannot be used in the pack ({one_line(str(exc))})")
            continue
        usable[name] = options
    return usable, notes


@dataclass(frozen=True)
class Pack:
    """The pack's HTML, and notes about what it could not do as the site does."""

    html: str
    notes: tuple[str, ...]


def pack_html(
    handbook: Handbook,
    documents: Sequence[PackDocument],
    *,
    organisation: str,
    docs_dir: Path,
    markdown_extensions: Iterable[tuple[str, Mapping[str, Any]]] = (),
    scope_bodies: Mapping[str, str] | None = None,
) -> Pack:
    """The pack of ``documents`` from ``handbook`` (the audience's view), as one HTML document.

    ``scope_bodies`` holds the Markdown bodies of the scope documents, by id, for the cover's quote.
    """
    # The pack's own template is English: the fragments it borrows from the site follow suit.
    render.use_language(ENGLISH)
    source = handbook.source or handbook
    hidden_paths = {p.path for p in source.pages} - {p.path for p in handbook.pages}
    hidden_ids = set(source.by_id) - set(handbook.by_id)
    included = {item.document.id for item in documents}
    targets = {item.document.path: anchor(item.document.id) for item in documents}
    configs, notes = _extensions(markdown_extensions)
    extension = _PackExtension(docs_dir, targets)
    converter = markdown.Markdown(extensions=[*configs, extension], extension_configs=configs)
    assert extension.tree is not None

    def body_html(item: PackDocument) -> Markup:
        doc = item.document

        def reference(ref: str, text: str | None) -> str:
            if ref in hidden_ids:
                return withheld_reference(text)
            target = handbook.by_id.get(ref)
            if target is None:
                return f"[[{ref}{'|' + text if text else ''}]]"  # SMS008 reports it; left as written
            label = md_cell(text.strip()) if text and text.strip() else f"{md_cell(ref)} {md_cell(target.title)}"
            if ref not in included:
                return label
            relative = posixpath.relpath(target.path, posixpath.dirname(doc.path) or ".")
            return f"[{label}](<{relative}>)"

        text = references.replace(item.body, reference)
        if hidden_paths:
            text = unlink(text, doc.path, hidden_paths)
        assert extension.tree is not None
        extension.tree.page, extension.tree.prefix = doc.path, anchor(doc.id) + "--"
        converter.reset()
        return Markup(converter.convert(text))  # trusted: the site shows the same HTML

    settings = handbook.settings
    scope_item = next((item for item in handbook.readiness.pack if item.title == "Scope of the SMS"), None)
    scope = [(d, first_quote((scope_bodies or {}).get(d.id, ""))) for d in (scope_item.documents if scope_item else ())]
    groups: dict[str, list[dict[str, Any]]] = {}
    for item in documents:
        doc = item.document
        groups.setdefault(plural(doc.type or "other"), []).append(
            {
                "doc": doc,
                "anchor": anchor(doc.id),
                "body": body_html(item),
                "banner": render.BANNERS.get(doc.status),
                "related": [handbook.by_id[ref] for ref in doc.related if ref in handbook.by_id],
                "history": Markup(render.render_history(doc, handbook)),  # trusted: escaped by its template
            }
        )
    summaries = [
        (c.name, coverage.summary(r for r in handbook.coverage if r.requirement.catalogue == c.name))
        for c in handbook.catalogues
    ]
    html = render.template("pack_document.html").render(
        css=Markup(render.template_text("pack_style.css")),  # trusted: our own stylesheet
        organisation=organisation,
        settings=settings,
        scope=scope,
        scope_withheld=scope_item.withheld if scope_item else 0,
        withheld_text=WITHHELD_TEXT,
        withheld=handbook.withheld,
        register=sorted(handbook.documents, key=lambda d: d.id),
        rows=handbook.coverage,
        summaries=summaries,
        several=len(handbook.catalogues) > 1,
        included=included,
        anchor=anchor,
        groups=groups,
        count=len(documents),
    )
    return Pack(html, tuple(notes))


def load_weasyprint() -> Any:
    """The ``weasyprint`` module; :class:`PackUnavailable`, saying how to install it, when it cannot be loaded."""
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: WeasyPrint is there but the system's Pango is not
        raise PackUnavailable(
            f"--format pdf needs WeasyPrint, which cannot be loaded ({one_line(str(exc))}); install it with: "
            f"{PDF_INSTALL_HINT}"
        ) from None
    return weasyprint


def write_pdf(html: str, docs_dir: Path) -> bytes:
    """The PDF of the pack's ``html``; images are read from ``docs_dir`` only, nothing from the network."""
    weasyprint = load_weasyprint()
    root = docs_dir.resolve()

    class Fetcher(weasyprint.URLFetcher):  # type: ignore[misc,name-defined]
        """Files of docs_dir and data: addresses only; an address elsewhere is left out of the pack."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith("file:"):
                path = Path(unquote(urlsplit(url).path)).resolve()
                if root not in path.parents:
                    raise ValueError(f"{url} is outside docs_dir")
            return super().fetch(url, headers)

    # WeasyPrint logs each CSS property it does not know and each image it leaves out; the pack says
    # what matters itself.
    logger = logging.getLogger("weasyprint")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        document = weasyprint.HTML(
            string=html, base_url=root.as_uri() + "/", url_fetcher=Fetcher(allowed_protocols=("file", "data"))
        )
        pdf: bytes = document.write_pdf()
    finally:
        logger.setLevel(level)
    return pdf
