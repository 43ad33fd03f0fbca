"""Handbooks in German and French: the text mkdocs-sms writes into pages follows the language."""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jinja2
import pytest
import yaml
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

from conftest import ROOT, approved, complete_mini, run_build, write_config
from mkdocs_sms import render
from mkdocs_sms.settings import Settings, SettingsError
from mkdocs_sms.translation import ENGLISH, KEYWORDS, translations
from test_audit_preparation import INPUTS, OPERATION, PREP, check_of, prepared, record
from test_history import commit_all, git
from test_implementation import PHASED, complete
from test_trend import make_repo

PACKAGE = ROOT / "plugins" / "mkdocs_sms"
LANGUAGES = ("de", "fr")
# Where text that reaches pages is marked for translation.
METHODS = [
    ("render/**.py", "python"),
    ("translation.py", "python"),
    ("plugin.py", "python"),
    ("report/diff.py", "python"),
    ("load.py", "python"),
    ("read/git.py", "python"),
    ("analysis/readiness.py", "python"),
    ("render/templates/**.html", "jinja2"),
]
TEMPLATE_OPTIONS = {"render/templates/**.html": {"extensions": "jinja2.ext.i18n", "trimmed": "true"}}


@pytest.fixture(autouse=True)
def english_afterwards() -> Iterator[None]:
    """Builds set the language of the renderer; later tests in this process expect English."""
    yield
    render.use_language(ENGLISH)


def marked() -> set[str]:
    """Every text marked for translation in the package (a plural by its singular)."""
    keywords = {**DEFAULT_KEYWORDS, **KEYWORDS}
    found = extract_from_dir(str(PACKAGE), METHODS, TEMPLATE_OPTIONS, keywords)  # type: ignore[arg-type]
    return {message if isinstance(message, str) else message[0] for _, _, message, _, _ in found}


def catalogue(language: str) -> Catalog:
    with (PACKAGE / "locale" / language / "LC_MESSAGES" / "mkdocs_sms.po").open("rb") as source:
        return read_po(source, locale=language)


def test_every_marked_text_has_a_german_and_a_french_translation() -> None:
    texts = marked()
    assert len(texts) > 150  # the walk found the templates and the Python sources
    for language in LANGUAGES:
        entries = {m.id if isinstance(m.id, str) else m.id[0]: m for m in catalogue(language) if m.id}
        assert sorted(texts - set(entries)) == [], f"{language}: not translated"
        for text in texts:
            message = entries[text]
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            assert all(strings) and not message.fuzzy, f"{language}: empty translation of {text!r}"
            assert len(strings) == (2 if isinstance(message.id, tuple) else 1), text
            # A translation keeps the placeholders of its text: none lost, none invented.
            wanted = set(re.findall(r"%\(\w+\)\w", text))
            assert all(set(re.findall(r"%\(\w+\)\w", s)) <= wanted | {"%(num)d"} for s in strings), text
            assert all(wanted - {"%(num)d"} <= set(re.findall(r"%\(\w+\)\w", s)) for s in strings), text


def test_the_language_option_wins_over_the_theme_and_unknown_languages_fall_back_to_english() -> None:
    def language(theme: object, **options: Any) -> str:
        return Settings.from_options(options, base_dir=ROOT, theme_language=theme).language

    assert language("de") == "de"
    assert language("fr-CA") == "fr"
    assert language("de", language="fr") == "fr"
    assert language("fr", language="en") == "en"
    assert language("es") == "en"
    assert language(None) == "en"
    with pytest.raises(SettingsError, match="option 'language'"):
        language("de", language=["de"])


def _mini(root: Path, theme: dict[str, Any], options: dict[str, Any] | None = None) -> Path:
    """The complete miniature handbook with ``theme`` and extra plugin ``options``; its mkdocs.yml."""
    for path, content in complete_mini().items():
        target = root / "docs" / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, "utf-8")
    sms = {"catalogues": [str(ROOT / "tests" / "fixtures" / "mini-catalogue.yml")], "today": "2026-11-29",
           "history": False, "show_findings": True, **(options or {})}  # fmt: skip
    config = {"site_name": "Test handbook", "theme": {"name": "material", **theme}, "plugins": ["search", {"sms": sms}]}
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False), "utf-8")
    return root / "mkdocs.yml"


GENERATED = ("sms/register/index.html", "sms/coverage/index.html", "sms/reviews/index.html",
             "policies/change/index.html")  # fmt: skip


def _article(page: str) -> str:
    """The page's content, without the theme around it (whose words follow theme.language anyway)."""
    return page[page.index('<article class="md-content__inner') : page.index("</article>")]


def test_english_pages_are_the_same_whether_english_is_the_default_or_chosen(tmp_path: Path) -> None:
    default = _mini(tmp_path / "default", {})
    chosen = _mini(tmp_path / "chosen", {"language": "de"}, {"language": "en"})
    assert run_build(default).ok and run_build(chosen).ok
    for page in GENERATED:
        english = (default.parent / "site" / page).read_text("utf-8")
        assert _article(english) == _article((chosen.parent / "site" / page).read_text("utf-8")), page
    assert "Document register" in english or "Uncontrolled when printed." in english


def test_a_german_theme_gives_german_pages_and_dates(tmp_path: Path) -> None:
    config = _mini(tmp_path, {"language": "de"})
    assert run_build(config).ok
    site = config.parent / "site"
    register = (site / "sms/register/index.html").read_text("utf-8")
    assert "<h1" in register and "Dokumentenregister" in register
    assert "Freigegeben am" in register and "Approved on" not in register
    panel = (site / "policies/change/index.html").read_text("utf-8")
    assert "Nächste Überprüfung" in panel and "Ausgedruckt nicht gelenkt." in panel
    # Dates readers see are written the German way; the register sorts them by their ISO date.
    assert re.search(r'data-sort="\d{4}-\d\d-\d\d">\d\d\.\d\d\.\d{4}<', register)


def _visible_text(page: str) -> tuple[set[str], str]:
    """What a reader sees in a page's content: each element's own text, and all of it as one line
    (tags, scripts, charts' drawing and the hidden search keys taken out)."""
    content = _article(page)
    content = re.sub(r"<(script|style)\b.*?</\1>", " ", content, flags=re.S)
    content = re.sub(r'<p class="sms-search-keys" hidden>.*?</p>', " ", content, flags=re.S)
    nodes = {html.unescape(node).strip() for node in re.findall(r">([^<]+)<", content)}
    return nodes - {""}, re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", content)))


def _remains(message: str, nodes: set[str], text: str) -> bool:
    """Whether the English ``message`` is on the page: a text of one or two words as the whole text
    of an element, a longer one by its longest run of words between placeholders."""
    words = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", message.replace("%%", "%"))).strip()
    if len(words.split()) <= 2 and "%(" not in words:
        return words in nodes
    # Numbers stand where the text counts something; any words may stand for the other placeholders.
    pieces = [part.strip(" .,:;()") for part in re.split(r"%\(\w+\)s", words)]
    longest = max(pieces, key=lambda piece: len(re.sub(r"%\(\w+\)d", "", piece)))
    if len(re.sub(r"%\(\w+\)d", "", longest).split()) < 2:
        return False
    pattern = r"\d+".join(re.escape(part) for part in re.split(r"%\(\w+\)d", longest))
    return re.search(r"(?<![\w-])" + pattern, text) is not None


# The generated pages whose every text is translated.
TRANSLATED = (
    "register.html", "coverage.html", "reviews.html", "changes.html", "audit.html", "implementation.html",
    "nonconformities.html", "acknowledgements.html",
)  # fmt: skip


@pytest.fixture(scope="module", params=LANGUAGES)
def example(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    """The example handbook built with ``theme.language`` set to a language of ours."""
    language = str(request.param)
    folder = tmp_path_factory.mktemp(f"example-{language}")
    config = ROOT / f".mkdocs.{language}.{os.getpid()}.test.yml"  # beside mkdocs.yml: its paths stay right
    config.write_text(f"INHERIT: mkdocs.yml\ntheme:\n  language: {language}\n", "utf-8")
    try:
        result = run_build(config, site_dir=str(folder / "site"))
    finally:
        config.unlink()
    assert result.ok, result.error
    return language, folder / "site"


@pytest.mark.slow  # builds the whole example handbook, twice
def test_no_english_text_of_ours_remains_on_the_generated_pages(example: tuple[str, Path]) -> None:
    language, site = example
    messages = catalogue(language)
    # Texts that read the same in both languages ("Phase", "Commit") cannot be told apart, and one-word
    # vocabulary ("plan", "register") also appears in the example's own English titles; so do a few names
    # of ours (the stage 1 pack's "Service management policy", a column's "Evidence"), which the example
    # writes as its own titles, headings and table headers.
    lines = [line for path in (ROOT / "docs").rglob("*.md") for line in path.read_text("utf-8").splitlines()]
    own = {re.sub(r"^(title:|#+) ", "", line).strip().strip("\"'") for line in lines if re.match(r"(title:|#+) ", line)}
    english = [
        m.id if isinstance(m.id, str) else m.id[0]
        for m in messages
        if m.id
        and m.string not in (m.id, (m.id,))
        and not (isinstance(m.id, str) and m.id.islower() and " " not in m.id)
        and m.id not in own
    ]
    # Each page, with the words of its own Markdown that are also ours (the policy's table headers).
    policy = (ROOT / "docs" / "policies" / "service-management-policy.md").read_text("utf-8").splitlines()
    pages: dict[Path, set[str]] = {site / "sms" / name: set() for name in TRANSLATED}
    pages[site / "policies" / "service-management-policy.html"] = {
        cell.strip() for line in policy if line.startswith("|") for cell in line.split("|")
    }
    remaining = {}
    for page, its_own in pages.items():
        nodes, text = _visible_text(page.read_text("utf-8"))
        found = [message for message in english if message not in its_own and _remains(message, nodes, text)]
        if found:
            remaining[page.name] = found
    assert remaining == {}


@pytest.mark.slow  # builds the whole example handbook, twice
def test_the_example_speaks_the_language_on_its_document_pages(example: tuple[str, Path]) -> None:
    language, site = example
    page = (site / "policies" / "service-management-policy.html").read_text("utf-8")
    expected = {"de": ("Verantwortlich", "Änderungshistorie"), "fr": ("Responsable", "Historique des révisions")}
    owner, history = expected[language]
    nodes, _ = _visible_text(page)
    assert owner in nodes and history in nodes
    assert "Owner" not in nodes and "Revision history" not in nodes


# A user's catalogue with titles and row names per language; IR-2 gives them in English only.
TITLED = """\
catalogue: own
title: {en: Our requirements, de: Unsere Anforderungen, fr: Nos exigences}
audit: {}
clauses:
  - clause: "IR-1"
    title: {en: Change management, de: Änderungsmanagement, fr: Gestion des changements}
    requirements:
      - kind: document
        types: [policy]
        name: {en: Change approval rules, de: Regeln zur Änderungsfreigabe}
  - clause: "IR-2"
    title: Backups
    requirements:
      - {kind: record, types: [record], name: Restore tests}
"""


def _titled(root: Path, language: str) -> Path:
    config = _mini(root, {"language": language}, {"catalogues": [str(PACKAGE.parents[1] / "tests" / "fixtures" /
                                                   "mini-catalogue.yml"), "own.yml"]})  # fmt: skip
    (root / "own.yml").write_text(TITLED, "utf-8")
    change = (root / "docs" / "policies" / "change.md").read_text("utf-8")
    (root / "docs" / "policies" / "change.md").write_text(change.replace('"8.5.1.1"', '"8.5.1.1", "own:IR-1"'))
    return config


def test_a_catalogue_gives_its_titles_per_language_and_pages_fall_back_to_english(tmp_path: Path) -> None:
    german = _titled(tmp_path / "de", "de")
    assert run_build(german).ok
    coverage = (german.parent / "site" / "sms/coverage/index.html").read_text("utf-8")
    assert "Unsere Anforderungen: IR-1 Änderungsmanagement" in coverage  # the group heading
    assert "<strong>Regeln zur Änderungsfreigabe</strong>" in coverage and "POL-CHG-01" in coverage
    assert "Unsere Anforderungen</strong>:" in coverage  # the summary
    # A title the catalogue gives in English only is shown as written.
    assert "IR-2 Backups" in coverage and "<strong>Restore tests</strong>" in coverage
    assert "IR-1 Change management" not in coverage and "Change approval rules" not in coverage
    implementation = (german.parent / "site" / "sms/implementation/index.html").read_text("utf-8")
    assert "Unsere Anforderungen: Fortschritt je Phase" in implementation
    # A language the row's name lacks falls back to English; the clause's own French title is used.
    french = _titled(tmp_path / "fr", "fr")
    assert run_build(french).ok
    coverage = (french.parent / "site" / "sms/coverage/index.html").read_text("utf-8")
    assert "Nos exigences: IR-1 Gestion des changements" in coverage
    assert "<strong>Change approval rules</strong>" in coverage
    # Findings, sms.json and the command line keep the English titles.
    data = json.loads((german.parent / "site" / "sms.json").read_text("utf-8"))
    own = [row for row in data["coverage"] if row["catalogue"] == "own"]
    assert [(row["title"], row["requirement"]) for row in own] == [
        ("Change management", "Change approval rules"),
        ("Backups", "Restore tests"),
    ]
    assert {c["name"]: c["title"] for c in data["catalogues"]}["own"] == "Our requirements"
    assert any("own IR-2 Backups (record: Restore tests)" in f["message"] for f in data["findings"])


GERMAN = {"name": "material", "language": "de"}


def _words(fragment: str) -> str:
    """A fragment of HTML as a reader sees it: tags gone, white space collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def test_the_audit_page_speaks_german_while_json_and_cli_stay_english(make_site: Any) -> None:
    pages = prepared()
    # The service requests' newest record is older than the three months before the audit: that check
    # fails; the management review lists no inputs, so whether it covered them cannot be assessed.
    pages["records/requests.md"] = record("REC-SRQ-2026-06", ["8.6.2"], "2026-06-30")
    pages["records/review.md"] = record("REC-MR-2026-09", ["9.3"], "2026-09-24")
    site = make_site(pages, {"catalogues": [PREP]}, theme=GERMAN)
    assert site.build().ok
    page = site.site_file("sms/audit/index.html")
    nodes, text = _visible_text(page)
    assert "Nicht bereit für das Zertifizierungsaudit" in text
    assert "Am 29.11.2026 nicht bestanden: 1 von 9 Prüfungen (Nachweise jedes Prozesses aus Abschnitt 8" in text
    operation = "Nachweise jedes Prozesses aus Abschnitt 8 innerhalb von 3 Monaten"
    assert check_of(page, operation).startswith(
        "nicht bestanden Prozesse aus Abschnitt 8 ohne freigegebenen Nachweis mit Datum zwischen dem 29.08.2026 "
        "und dem 29.11.2026: 1 von 2 aktuelle Nachweise: 1, kein Nachweis seit dem 29.08.2026: 1"
    )
    inputs = check_of(page, "Die letzte Managementbewertung berücksichtigte jede Eingabe")
    assert inputs.startswith("kann nicht beurteilt werden der letzte Nachweis der Managementbewertung (REC-MR-2026-09)")
    assert check_of(page, "Abdeckung vollständig").startswith("bestanden ")
    assert check_of(page, "Ein internes Audit innerhalb von 12 Monaten").startswith(
        "bestanden letzter Nachweis vom 19.06.2026; der nächste ist bis zum 19.06.2027 fällig"
    )
    assert "Anwendungsbereich des SMS" in nodes and "Letzte Managementbewertung" in nodes
    assert not {"pass", "fail", "Check", "Result", "Asked for"} & nodes
    for english in ("Not ready", "cannot be assessed", "checks fail", "Scope of the SMS", "2026-11-29"):
        assert english not in text, english
    # What CI reads stays English: sms.json of this German build, and check --format json.
    expected = {"ready": False, "verdict": "not ready", "failed": [OPERATION], "unassessed": [INPUTS]}
    assert json.loads(site.site_file("sms.json"))["audit"] == expected
    assert site.check_json()["audit"] == expected


def test_a_gap_assessment_is_shown_in_french(make_site: Any) -> None:
    judgements = [
        {"activity": "8.6.1/1", "result": "conforms"},
        {"activity": "8.6.1/2", "result": "partial", "note": "Roles unclear"},
        {"activity": "8.6.1/3", "result": "not"},
        {"activity": "8.6.1/4", "result": "n/a", "reason": "No major incident in the period"},
    ]
    page = approved("ASM-2026-01", "assessment", [], date="2026-11-01", assessor="Auditor", judgements=judgements)
    site = make_site({"index.md": "# Home\n", "a.md": page}, {"catalogues": ["iso20000-1:2018"]},
                     theme={"name": "material", "language": "fr"})  # fmt: skip
    assert site.build().ok
    section = site.site_file("sms/implementation/index.html").split('class="sms-summary">Évaluation', 1)[1]
    text = _words("Évaluation" + section.split("</article>", 1)[0])
    assert text.startswith(
        "Évaluation approuvée la plus récente : ASM-2026-01 du 1 nov. 2026, par Auditor : activités conformes : 1, "
        "partiellement : 1, non : 1 ; sans objet : 1 ; non évaluées : 0."
    )
    assert "Groupe d’articles À la référence Maintenant Conforme Partiellement Non s.o. Non évalué" in text
    gaps = text.split("Activités encore non ou partiellement réalisées :", 1)[1]
    assert "8.6.1/2" in gaps and "partiel" in gaps and "non conforme" in gaps and "Roles unclear" in gaps
    assert "Activities" not in text and "Newest approved" not in text and "not judged" not in text


def test_the_trend_speaks_german(tmp_path: Path) -> None:
    site = make_repo(tmp_path / "repo")
    write_config(site.root, {"catalogues": [PHASED], "history": True}, theme=GERMAN)
    pages = complete()
    for path in ("index.md", "plans/scope.md", "policies/sms.md"):
        site.write(path, pages[path])
    commit_all(site.root, "Foundation", "2026-04-01")
    assert site.build().ok
    page = site.site_file("sms/implementation/index.html")
    assert "Es kann kein Verlauf gezeichnet werden: von HEAD aus ist kein Tag erreichbar." in page
    git(site.root, "tag", "2026.1")
    assert site.build().ok
    page = site.site_file("sms/implementation/index.html")
    figure = page.split('<figure class="sms-chart">', 1)[1].split("</figure>", 1)[0]
    assert "Verlauf über 1 markierte Ausgabe und diesen Build" in figure
    assert "2026.1, 01.04.2026: 2 von 8 geforderten Zeilen abgedeckt (25%)" in figure
    table = page.split('class="sms-table sms-trend-table"', 1)[1].split("</table>", 1)[0]
    text = _words(">" + table)
    assert "Ausgabe Datum Abgedeckte geforderte Zeilen Fehler Warnungen Offene Nichtkonformitäten" in text
    assert "2026.1 01.04.2026 2 von 8 (25%)" in text and "jetzt (dieser Build) 29.11.2026" in text
    assert "now" not in text and "2026-04-01" not in text


@pytest.mark.parametrize("language", [ENGLISH, *LANGUAGES])
def test_labels_compiled_into_the_templates_read_as_gettext_would_give_them(language: str) -> None:
    # Every {{ _("label") }} of the shipped fragments is compiled as its translation (render._Translated);
    # rendered, each must read exactly as Jinja's own gettext gives it, and the others stay calls.
    labels = sorted(
        {
            label
            for path in (PACKAGE / "render" / "templates").glob("*.html")
            for label in re.findall(r'\{\{ _\(("(?:[^"\\]|\\.)*")\) \}\}', path.read_text("utf-8"))
        }
    )
    assert len(labels) > 50
    source = "\n".join(f"{{{{ _({label}) }}}}" for label in labels) + '\n{{ _("%(num)d left", num=3) }}'
    render.use_language(language)
    folded = render._env.from_string(source)
    plain = jinja2.Environment(autoescape=True, extensions=["jinja2.ext.i18n"])
    plain.install_gettext_translations(translations(language), newstyle=True)  # type: ignore[attr-defined]
    assert folded.render() == plain.from_string(source).render()
    # Compiled, the labels are text: the one call left is the label with an argument.
    assert render._env.compile(source, raw=True).count("context.call(") == 1


def test_each_build_speaks_its_own_language_with_compiled_templates_kept_between_builds(tmp_path: Path) -> None:
    # Compiled fragments hold their labels' translations: a German build, an English one and a German
    # one again, sharing one folder of compiled templates, each show their own language's labels.
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    config = _mini(tmp_path / "site", {"language": "de"})

    def build(language: str) -> str:
        text = yaml.safe_load(config.read_text("utf-8"))
        text["theme"]["language"] = language
        config.write_text(yaml.safe_dump(text, sort_keys=False), "utf-8")
        result = subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config)], cwd=config.parent,
            env={**os.environ, "TMPDIR": str(temporary)}, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        return _article((config.parent / "site" / "policies/change/index.html").read_text("utf-8"))

    for language, label, other in (("de", "Nächste Überprüfung", "Next review"),
                                   ("en", "Next review", "Nächste Überprüfung"),
                                   ("de", "Nächste Überprüfung", "Next review")):  # fmt: skip
        page = build(language)
        assert f"<dt>{label}</dt>" in page and other not in page, language
    compiled = list(temporary.glob("_jinja2-cache-*/__mkdocs_sms_*.cache"))
    assert len({file.name for file in compiled}) == len(compiled) > 2
