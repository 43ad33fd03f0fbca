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
import hashlib
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.support import NullTranslations, Translations

DOMAIN = "mkdocs_sms"
ENGLISH = "en"
# The languages a catalogue ships for; English is the source text and needs none.
LANGUAGES = (ENGLISH, "de", "fr")


# The functions that mark text for translation besides gettext's own, as Babel's extractor is told of
# them: a message's text, and a counted message's singular and plural.
KEYWORDS = {"message": None, "counted": (1, 2)}


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
    # Imported here: an English build, the most common, never reads a catalogue (a few ms at start-up).
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    path = resources.files(__package__) / "locale" / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    with path.open("rb") as source:
        catalogue = read_po(source, locale=language, domain=DOMAIN)
    # Compiled in memory: gettext's own reader then handles plural forms and fuzzy entries (left out).
    compiled = io.BytesIO()
    write_mo(compiled, catalogue)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


@functools.cache
def catalogue_digest(language: str) -> str:
    """A digest of the shipped catalogue of ``language`` ('' for English, which has none), which changes
    when its text does."""
    if language == ENGLISH:
        return ""
    path = resources.files(__package__) / "locale" / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


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


@dataclass(frozen=True)
class Message:
    """Text for readers kept as its English source and its arguments, so that each output writes it in
    its own language: the terminal, the CI log and the JSON in English, pages in the build's language.

    ``text`` (and ``plural``, chosen by the argument ``num``) hold ``%(name)s`` placeholders. An argument
    may be a Message itself, a tuple of them (written joined by commas) or a date (written as readers of
    the language write dates, ISO in English); anything else is written as it is.
    """

    text: str
    args: Mapping[str, Any] = field(default_factory=dict, hash=False)
    plural: str | None = None

    def in_language(self, language: str) -> str:
        """The message as readers of ``language`` (a shipped one) read it."""
        catalogue = translations(language)
        if self.plural is None:
            template = catalogue.gettext(self.text)
        else:
            template = catalogue.ngettext(self.text, self.plural, int(self.args["num"]))
        return template % {name: _argument(value, language) for name, value in self.args.items()}

    def __str__(self) -> str:
        return self.in_language(ENGLISH)


def _argument(value: Any, language: str) -> Any:
    if isinstance(value, Message):
        return value.in_language(language)
    if isinstance(value, tuple):
        return ", ".join(str(_argument(item, language)) for item in value)
    if isinstance(value, dt.date):
        return reader_date(value, language)
    return value


def message(text: str, /, **args: Any) -> Message:
    """A message to translate where it is shown; ``args`` fill its placeholders."""
    return Message(text, args)


def counted(singular: str, plural: str, num: int, /, **args: Any) -> Message:
    """A message whose wording follows the count ``num`` (``%(num)d`` in its text)."""
    return Message(singular, {"num": num, **args}, plural)
