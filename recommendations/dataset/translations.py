"""Data in other languages: the ``translations:`` mapping a theme, an actor, a glossary term or a recommendation
carries, keyed by language code, each with whether a speaker of the language has reviewed it.

    - id: recruitment
      name: Recruitment and fees
      translations:
        km:
          name: ការជ្រើសរើសពលករ និងថ្លៃសេវា
          reviewed: false

A language code must be one the interface offers (a catalog in locale/), a value must be written in that
language's script (Khmer letters in a ``km`` value) and not be empty; a reviewed translation names who reviewed
it and when. Where the wording is published (a body's official name on its own website), ``source`` gives the
http(s) address of that page. Only what curators write for readers is translated: names, descriptions, short titles. A
recommendation's text is a quotation and is never replaced by a translation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Annotated, Any

from pydantic import Field, ValidationError, WrapValidator, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from recommendations import i18n
from recommendations.dataset.fields import PartialDate, Record, ShortText, Text, Url


class TranslationIn(Record):
    """What every translation records besides its texts: whether, by whom and when it was reviewed, who wrote it,
    and where its wording is published when it is published (an official name)."""

    reviewed: bool = False
    reviewed_by: ShortText | None = None
    reviewed_on: PartialDate | None = None
    translated_by: ShortText | None = None
    source: Url | None = Field(
        default=None, description="Where this wording is published (an official name): the page's http(s) address."
    )

    @model_validator(mode="after")
    def _review_is_whole(self) -> TranslationIn:
        if self.reviewed and not (self.reviewed_by and self.reviewed_on):
            raise ValueError("a reviewed translation names who reviewed it and when (reviewed_by, reviewed_on)")
        if not self.reviewed and (self.reviewed_by or self.reviewed_on):
            raise ValueError("reviewed_by and reviewed_on are for a reviewed translation (reviewed: true)")
        if not self.texts():
            raise ValueError("a translation needs at least one translated text")
        return self

    def texts(self) -> dict[str, str]:
        """Field -> translated text (the fields every translation has, review and source, left out)."""
        skip = set(TranslationIn.model_fields)
        return {k: v for k, v in self.model_dump().items() if k not in skip and v is not None}


class ThemeTranslation(TranslationIn):
    name: ShortText | None = None
    description: Text | None = None


class ActorTranslation(TranslationIn):
    name: ShortText | None = None  # the acronym is not translated


class GlossaryTranslation(TranslationIn):
    expansion: Text | None = None
    note: Text | None = None


class RecommendationTranslation(TranslationIn):
    title: ShortText | None = None  # the curators' short title; never the quoted text


def _by_language(value: Any, handler: Callable[[Any], dict[str, TranslationIn]]) -> dict[str, TranslationIn]:
    """Check the language codes and that each text is in its language's script, each problem at its own place."""
    out = handler(value)
    offered = [lang for lang in i18n.languages() if lang != i18n.SOURCE_LANGUAGE]
    errors: list[InitErrorDetails] = []
    for lang, translation in out.items():
        if lang not in offered:
            message = f"unknown language code {lang!r} (languages with a catalog in locale/: {', '.join(offered)})"
            error = PydanticCustomError("language", "{message}", {"message": message})
            errors.append(InitErrorDetails(type=error, loc=(lang,), input=lang))
            continue
        for field, text in translation.texts().items():
            if not i18n.in_script(text, lang):
                message = f"{text!r} has no letters of the language's script"
                error = PydanticCustomError("script", "{message}", {"message": message})
                errors.append(InitErrorDetails(type=error, loc=(lang, field), input=text))
    if errors:
        raise ValidationError.from_exception_data("translations", errors)
    return out


ThemeTranslations = Annotated[dict[str, ThemeTranslation], WrapValidator(_by_language)]
ActorTranslations = Annotated[dict[str, ActorTranslation], WrapValidator(_by_language)]
GlossaryTranslations = Annotated[dict[str, GlossaryTranslation], WrapValidator(_by_language)]
RecommendationTranslations = Annotated[dict[str, RecommendationTranslation], WrapValidator(_by_language)]


# --- as table rows, and back ----------------------------------------------------------------------------------


def rows(entity: str, key: str, translations: Mapping[str, TranslationIn]) -> Iterator[dict[str, Any]]:
    """One ``translation`` row per translated field of one record (``key``: its id, or a glossary term)."""
    for lang, item in sorted(translations.items()):
        for field, value in item.texts().items():
            yield {
                "entity": entity, "record_id": key, "field_name": field, "lang": lang, "value": value,
                "reviewed": item.reviewed, "reviewed_by": item.reviewed_by, "reviewed_on": item.reviewed_on,
                "translated_by": item.translated_by, "source": item.source,
            }  # fmt: skip


def as_yaml(found: Iterable[dict[str, Any]]) -> dict[tuple[str, str], dict[str, dict[str, Any]]]:
    """Rows back into each record's ``translations:`` mapping, keyed by (entity, record id), for the YAML export."""
    out: dict[tuple[str, str], dict[str, dict[str, Any]]] = {}
    for row in found:
        entry = out.setdefault((row["entity"], row["record_id"]), {}).setdefault(row["lang"], {})
        entry[row["field_name"]] = row["value"]
        entry["reviewed"] = bool(row["reviewed"])
        for name in ("reviewed_by", "reviewed_on", "translated_by", "source"):
            if row[name] is not None:
                entry[name] = row[name]
    return out
