"""Interface languages: the one lookup of interface strings, and numbers and dates said the way a language says them.

English is the source language: every interface string is written in English in the code and looked up here in
the catalog of the language asked for (``locale/<lang>/LC_MESSAGES/tracker.po``, read with Babel when first
needed, so there is no build step). A string a catalog lacks falls back to English. The languages on offer are
English and the catalogs present: adding Thai is a new catalog (and data translations), not a code change.

Sentences are translated whole, with named placeholders (``t("{n} of {total} recommendations", n=3, total=84)``):
word order differs between languages, so a sentence is never glued together from translated pieces.

Whether a Khmer speaker has reviewed a translation is recorded in the catalog, on the entry, as a translator
comment ``# reviewed: by NAME on YYYY-MM-DD``; an entry without one is unreviewed (see ``review_state``).
Plain Python: no Streamlit (the web edge keeps the chosen language, ``recommendations.ui.language``).
"""

from __future__ import annotations

import datetime as dt
import functools
import gettext
import io
import re
import string
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from babel.lists import format_list
from babel.numbers import format_decimal, format_percent

from recommendations import dates

if TYPE_CHECKING:
    from babel.messages.catalog import Catalog

ROOT = Path(__file__).resolve().parents[1]
#: Where the catalogs live: ``<LOCALE_DIR>/<lang>/LC_MESSAGES/<DOMAIN>.po``.
LOCALE_DIR = ROOT / "locale"
DOMAIN = "tracker"
SOURCE_LANGUAGE = "en"
#: A language as the tracker names it: a bare two- or three-letter code (a catalog's folder, ``?lang=``).
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")
#: Letters of a script, by their Unicode character names: what "written in that language's script" means for a
#: translation (``in_script``). The script of a language comes from Babel's locale data (km -> Khmr).
SCRIPT_LETTERS = {"Khmr": "KHMER ", "Thai": "THAI ", "Laoo": "LAO ", "Mymr": "MYANMAR ", "Latn": "LATIN "}
_REVIEWED = re.compile(r"^reviewed: by (?P<by>\S.*?) on (?P<on>\d{4}-\d{2}-\d{2})$")


def N_(msgid: str) -> str:
    """Mark a string for the catalogs where it is defined (a table of labels); it is translated where shown."""
    return msgid


def _catalog_path(lang: str, root: Path | None = None) -> Path:
    return (root or LOCALE_DIR) / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def languages(root: Path | None = None) -> tuple[str, ...]:
    """English, then every language that has a catalog, in code order."""
    return _languages(root or LOCALE_DIR)


@functools.cache
def _languages(root: Path) -> tuple[str, ...]:
    found = sorted(
        p.name for p in root.glob("*") if LANGUAGE_CODE.fullmatch(p.name) and _catalog_path(p.name, root).is_file()
    )
    return (SOURCE_LANGUAGE, *[lang for lang in found if lang != SOURCE_LANGUAGE])


def pick(value: object, root: Path | None = None) -> str | None:
    """The language ``value`` names if it is one on offer (an address-bar value: anything else is ignored)."""
    if not isinstance(value, str) or len(value) > 8:
        return None
    code = value.strip().lower()
    return code if code in languages(root) else None


def from_locale(locale: str | None, root: Path | None = None) -> str:
    """The language for a browser's locale ("km-KH" -> "km" when there is a Khmer catalog), else English."""
    if not isinstance(locale, str):
        return SOURCE_LANGUAGE
    return pick(re.split(r"[-_]", locale, maxsplit=1)[0], root) or SOURCE_LANGUAGE


def native_name(lang: str) -> str:
    """The language's name in itself ("English", "ខ្មែរ"), for the language switch."""
    try:
        return str(Locale.parse(lang).display_name)
    except (UnknownLocaleError, ValueError):
        return lang


def script_of(lang: str) -> str | None:
    """The script a language is written in, as an ISO 15924 code (km -> "Khmr"), from Babel's locale data."""
    likely = get_global("likely_subtags").get(lang)
    parts = str(likely or "").split("_")
    return parts[1] if len(parts) > 2 else None


def in_script(text: str, lang: str) -> bool:
    """Whether ``text`` has letters of ``lang``'s script (True when the script is not one we can check)."""
    prefix = SCRIPT_LETTERS.get(script_of(lang) or "")
    if prefix is None:
        return True
    return any(unicodedata.name(ch, "").startswith(prefix) for ch in text)


# --- catalogs -------------------------------------------------------------------------------------------------


@functools.cache
def catalog(lang: str, root: Path | None = None) -> Catalog:
    """The language's catalog as Babel reads it (an empty one for English or a language without a catalog)."""
    from babel.messages.catalog import Catalog  # here: a command that says nothing in a language needs no catalog
    from babel.messages.pofile import read_po

    path = _catalog_path(lang, root)
    if lang == SOURCE_LANGUAGE or not path.is_file():
        return Catalog(locale=lang if lang != SOURCE_LANGUAGE else "en")
    with path.open("rb") as handle:
        return read_po(handle, locale=lang, domain=DOMAIN)


@functools.cache
def _compiled(lang: str, root: Path | None = None) -> gettext.NullTranslations:
    """The catalog compiled in memory (gettext's plural rules come with it); fuzzy entries are not used."""
    if lang == SOURCE_LANGUAGE:
        return gettext.NullTranslations()
    from babel.messages.mofile import write_mo

    buffer = io.BytesIO()
    write_mo(buffer, catalog(lang, root))
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


class _Named(string.Formatter):
    """``str.format`` with named fields only: no positional fields, attributes or indexes (a translation may not
    reach into the values it is given)."""

    def get_field(self, field_name: str, args: object, kwargs: Mapping[str, object]) -> tuple[object, str]:
        if not field_name.isidentifier():
            raise KeyError(field_name)
        return kwargs[field_name], field_name


_FORMAT = _Named()


def placeholders(message: str) -> set[str]:
    """The named placeholders of a message ("{n} of {total}" -> {"n", "total"})."""
    return {name for _, name, _, _ in string.Formatter().parse(message) if name}


def _fill(message: str, fallback: str, named: Mapping[str, object]) -> str:
    try:
        return _FORMAT.vformat(message, (), named)
    except (KeyError, ValueError, IndexError):  # a translation with a wrong placeholder: say it in English
        return _FORMAT.vformat(fallback, (), named)


@dataclass(frozen=True)
class Message:
    """A message made below the web edge (a refusal, a problem) to be shown in the reader's language: the English
    ``msgid`` with its named values. ``str()`` gives the English sentence (logs, the command line, tests)."""

    msgid: str
    named: Mapping[str, object]

    def __str__(self) -> str:
        return _fill(self.msgid, self.msgid, self.named)


@dataclass(frozen=True)
class Translator:
    """Interface strings, numbers and dates in one language. ``translator(lang)`` gives the shared one."""

    lang: str
    root: Path | None = None

    def t(self, msgid: str, /, **named: object) -> str:
        """``msgid`` in this language (English when the catalog lacks it), its placeholders filled."""
        return _fill(_compiled(self.lang, self.root).gettext(msgid), msgid, named)

    def say(self, message: Message) -> str:
        """A ``Message`` in this language; a value that is itself a ``Message`` (a field's name, an action) is
        said in this language too."""
        named = {k: self.say(v) if isinstance(v, Message) else v for k, v in message.named.items()}
        return self.t(message.msgid, **named)

    def plural(self, singular: str, plural: str, count: int, /, **named: object) -> str:
        """The form for ``count`` (the language's plural rule; Khmer has one form); ``{n}`` is ``count``."""
        named = {"n": self.number(count), **named}
        english = singular if count == 1 else plural
        return _fill(_compiled(self.lang, self.root).ngettext(singular, plural, count), english, named)

    def number(self, value: float) -> str:
        """1234 -> "1,234" (English: as Python's ``f"{value:,}"``)."""
        return _number(value, self.lang)

    def percent(self, share: float) -> str:
        """0.35 -> "35%": a whole percentage written in the language (English: as Python's ``f"{share:.0%}"`` wrote
        it). A share is rounded to one first by ``numbers.percent``, the one rule; a share given here as it is is
        rounded by Babel (halves to even, on its decimal form)."""
        return format_percent(share, locale=_babel_locale(self.lang))

    def date(self, value: str | dt.date | None) -> str:
        """A (partial) date in words: "5 December 2026", "5 ធ្នូ 2026" (see ``dates.human``)."""
        return dates.human(value, self.lang)

    def join(self, items: list[str]) -> str:
        """["a", "b", "c"] -> "a, b and c" ("a, b និង c")."""
        return format_list(items, locale=_babel_locale(self.lang)) if items else ""


@functools.lru_cache(maxsize=65536)
def _number(value: float, lang: str) -> str:
    """Babel's number, kept: a page's tables say the same few thousand counts on every run, and Babel works each
    one out again (a tenth of the Overview's warm run at 10,000 recommendations)."""
    return format_decimal(value, locale=_babel_locale(lang))


@functools.cache
def translator(lang: str, root: Path | None = None) -> Translator:
    """The translator for ``lang`` (English for a language not on offer)."""
    return Translator(lang if lang in languages(root) else SOURCE_LANGUAGE, root)


def _babel_locale(lang: str) -> str:
    return lang if lang != SOURCE_LANGUAGE else "en"


# --- review state ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Review:
    """Who reviewed a translation and when (None: not yet reviewed by a speaker of the language)."""

    by: str
    on: dt.date


def review_of(comments: list[str]) -> Review | None:
    """The review a catalog entry's translator comments record; ValueError for a malformed review line."""
    for comment in comments:
        if comment.strip().startswith("reviewed"):
            match = _REVIEWED.match(comment.strip())
            if not match:
                raise ValueError(f"{comment.strip()!r}: write 'reviewed: by NAME on YYYY-MM-DD'")
            return Review(match["by"], dt.date.fromisoformat(match["on"]))
    return None


@dataclass(frozen=True)
class CatalogState:
    """How much of a language's interface is translated, and how much of that a speaker has reviewed."""

    lang: str
    messages: int
    translated: int
    reviewed: int


def review_state(lang: str, root: Path | None = None) -> CatalogState:
    """Counts for the Sources page and the tests: entries, translated ones, reviewed ones."""
    entries = [m for m in catalog(lang, root) if m.id]
    translated = [m for m in entries if _translated(m.string)]
    reviewed = [m for m in translated if review_of(m.user_comments) is not None]
    return CatalogState(lang, len(entries), len(translated), len(reviewed))


def _translated(value: object) -> bool:
    if isinstance(value, tuple | list):
        return all(isinstance(v, str) and v.strip() for v in value)
    return isinstance(value, str) and bool(value.strip())
