"""The language of the text mkdocs-sms writes into pages: English, German or French.

The catalogues are the gettext ``.po`` files in ``locale/<language>/LC_MESSAGES/mkdocs_sms.po``, read
with Babel when a build first asks for their language. They are read rather than compiled to ``.mo``
files so that no compile step can be forgotten between editing a translation and building; reading one
takes a few milliseconds, once per process. Finding messages are not translated: they go to the CI log
and are searched for by their code.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
from importlib import resources

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

DOMAIN = "mkdocs_sms"
ENGLISH = "en"
# The languages a catalogue ships for; English is the source text and needs none.
LANGUAGES = (ENGLISH, "de", "fr")


def N_(message: str) -> str:
    """Mark ``message`` for translation where it is written; it is translated where it is shown."""
    return message


def shipped(language: str | None) -> str:
    """The shipped language for a theme or option value such as ``de``, ``de-CH`` or ``fr_FR``:
    itself, else its main language, else English."""
    if not language:
        return ENGLISH
    code = language.replace("-", "_")
    for candidate in (code, code.split("_", 1)[0].lower()):
        if candidate in LANGUAGES:
            return candidate
    return ENGLISH


@functools.cache
def translations(language: str) -> NullTranslations:
    """The translations of a shipped ``language`` (English: the text as written)."""
    if language == ENGLISH:
        return NullTranslations()
    path = resources.files(__package__) / "locale" / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    with path.open("rb") as source:
        catalogue = read_po(source, locale=language, domain=DOMAIN)
    # Compiled in memory: gettext's own reader then handles plural forms and fuzzy entries (left out).
    compiled = io.BytesIO()
    write_mo(compiled, catalogue)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def reader_date(value: dt.date | str, language: str) -> str:
    """A date (or an ISO date's text) as readers of ``language`` write it; ISO (``2025-03-14``) in
    English, as before. Text that is not an ISO date stays as it is."""
    if isinstance(value, str):
        if language == ENGLISH:
            return value
        try:
            return reader_date(dt.date.fromisoformat(value[:10]), language)
        except ValueError:
            return value
    if language == ENGLISH:
        return value.isoformat()
    try:
        return format_date(value, format="medium", locale=Locale.parse(language))
    except (UnknownLocaleError, ValueError):
        return value.isoformat()
