"""What the write side answers when it refuses: every problem named by field, or a conflict with another edit.

Nothing was written when one of these is raised. This is also THE place where a finding becomes words for the
person at a form, an upload or the command line: ``pydantic_errors`` turns the schema's findings into plain
sentences (never pydantic's own wording, "String should have at least 1 character"), ``findings`` does the same
for the rules across records (``dataset.checks``, whose wording the YAML validator keeps for curators), and
every message is a sentence (``sentence``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from recommendations.vocabulary import STATUS_LABELS

__all__ = ["Conflict", "FieldError", "Invalid", "findings", "pydantic_errors", "record_rule", "sentence"]


@dataclass(frozen=True)
class FieldError:
    field: str  # e.g. "as_of", "new_evidence.1.url"
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class Invalid(Exception):
    """The input breaks a rule; ``errors`` name each field (every problem at once). Nothing was written."""

    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = [FieldError(e.field, sentence(e.message)) for e in errors]
        super().__init__("; ".join(str(e) for e in self.errors))

    def by_field(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for error in self.errors:
            out.setdefault(error.field, []).append(error.message)
        return out


class Conflict(Exception):
    """Someone else changed the record since the form was opened; the caller keeps the user's input."""


def sentence(message: str) -> str:
    """A message as a sentence: a capital first letter and a full stop (or the message's own ? or !)."""
    message = message.strip()
    if not message:
        return message
    first = message.split(" ", 1)[0]
    if first.isalpha() and first.islower():  # not an id ("as-mmn2016-04-…") or a value, which keep their case
        message = message[0].upper() + message[1:]
    return message if message[-1] in ".?!" else message + "."


# --- how a field is named in a message ---------------------------------------------------------------------

#: A field (as the write side names it; the last part of "new_evidence.0.url") -> its name in a sentence.
FIELD_WORDS = {
    "recommendation": "the recommendation id",
    "addressee": "the addressee",
    "status": "a status",
    "as_of": "the As of date (the date of the latest evidence)",
    "rationale": "the rationale",
    "evidence": "the evidence",
    "supersedes": "the assessment it corrects",
    "supersede_reason": "why the earlier assessment is corrected",
    "reason": "the reason",
    "title": "the title",
    "date": "the date",
    "kind": "the kind",
    "url": "the web address",
    "citation": "the citation",
    "summary": "the summary",
    "completeness": "how much of the source could be read",
    "name": "the name",
    "acronym": "the acronym",
    "type": "the type",
    "country": "the country",
    "note": "the note",
    "id": "the id",
    "email": "the email",
    "password": "the password",
    "role": "the role",
    "organisation": "the organisation",
    "comment": "the comment",
}
#: The choices a person sees for a field of fixed choices (instead of pydantic's list of codes).
_CHOICES = {"status": list(STATUS_LABELS.values())}


def _words(field: str) -> str:
    last = field.rsplit(".", 1)[-1]
    return FIELD_WORDS.get(last, "this field")


def _shown(value: object, limit: int = 60) -> str:
    """A value the person typed, quoted and cut short (pages escape it; it is never Markdown)."""
    text = " ".join(str(value).split())
    return f"“{text[:limit]}…”" if len(text) > limit else f"“{text}”"


def _or_list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


def _choices(field: str, ctx: dict[str, Any]) -> list[str]:
    last = field.rsplit(".", 1)[-1]
    if last in _CHOICES:
        return _CHOICES[last]
    return [c.strip().strip("'") for c in re.split(r",| or ", str(ctx.get("expected", ""))) if c.strip()]


def _empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# --- the schema's findings (pydantic) ----------------------------------------------------------------------

#: Our own validators' messages (pydantic's "value_error"), as a sentence about the field: (pattern, words).
_VALUE_ERRORS: list[tuple[str, Callable[[str, re.Match[str], object], str]]] = [
    (r"is not YYYY, YYYY-MM or YYYY-MM-DD",
     lambda f, m, v: f"Write {f} as YYYY-MM-DD (or YYYY-MM, or YYYY when only that is known)"),
    (r"does not exist", lambda f, m, v: f"{_shown(v)} is not a day of the calendar: check {f}"),
    (r"must be an http\(s\) address", lambda f, m, v: f"Start {f} with http:// or https://"),
    (r"^(must be a single line|holds .*|is [\d,]+ characters long.*|mixes .*)$",
     lambda f, m, v: f"{f[0].upper() + f[1:]} {m.group(1)}"),
]  # fmt: skip

#: Rules on a whole record (no field of their own): (words in the message, field it is about, the sentence).
_RECORD_RULES = (
    ("needs evidence", "evidence",
     "Cite at least one evidence item, or add a new one: every status but Not assessed rests on evidence"),
    ("supersede_reason:", "supersede_reason", "Say why the earlier assessment is corrected"),
    ("url, a citation", "url", "Give a web address or a citation for the evidence item"),
)  # fmt: skip


def _plain(field: str, error: Any) -> str:
    """One pydantic error as a sentence about ``field``, in the words of the form."""
    kind, value, ctx = error["type"], error.get("input"), error.get("ctx") or {}
    words = _words(field)
    if kind == "missing" or _empty(value):
        return f"Choose {words}" if kind in ("enum", "literal_error") else f"Fill in {words}: it is empty"
    if kind in ("enum", "literal_error"):
        return f"{_shown(value)} is not one of the choices for {words}: {_or_list(_choices(field, ctx))}"
    if kind == "string_too_long":
        return f"Shorten {words}: at most {ctx.get('max_length', '?'):,} characters"
    if kind == "string_pattern_mismatch":
        return (
            f"{_shown(value)} is not an id: an id has only small letters, digits, dots, hyphens and "
            "underscores (for example mmn2016-04)"
        )
    if kind in ("int_parsing", "int_type", "float_parsing"):
        return f"Write {words} as a number"
    if kind == "value_error":
        message = str(error["msg"]).removeprefix("Value error, ")
        for pattern, words_for in _VALUE_ERRORS:
            if found := re.search(pattern, message):
                return words_for(words, found, value)
        return message
    return f"Check {words}: this value cannot be used here"


def pydantic_errors(exc: ValidationError, prefix: str = "") -> list[FieldError]:
    """Every finding of the schema, each as a plain sentence beside its field (a rule on the whole record is
    put beside the field it is about)."""
    out = []
    for error in exc.errors():
        name = ".".join(str(p) for p in error["loc"])
        if not name:  # a rule on the whole record
            out.append(record_rule(str(error["msg"]).removeprefix("Value error, "), prefix))
        else:
            out.append(FieldError(prefix + name, _plain(name, error)))
    return out


def record_rule(message: str, prefix: str = "") -> FieldError:
    """A rule on a whole record (``schema.assessment_rules``, an evidence item's address), in words, beside the
    field it is about."""
    rule = next(((field, words) for key, field, words in _RECORD_RULES if key in message), None)
    return FieldError(prefix + rule[0], rule[1]) if rule else FieldError(prefix + "form", message)


# --- the rules across records (dataset.checks) --------------------------------------------------------------

_FINDINGS: list[tuple[str, Callable[[re.Match[str]], str]]] = [
    (r"^(?P<late>.+) dated after as_of (?P<as_of>\S+)",
     lambda m: f"The evidence {m['late']} is dated after the As of date ({m['as_of']}). As of is the date of the "
               "latest evidence: make it at least as late as each item cited (a date without a day counts as its "
               "first day)"),
    (r"^'(?P<actor>.+)' is not an addressee of (?P<rec>\S+)$",
     lambda m: f"This recommendation ({m['rec']}) asks nothing of {m['actor']}: name one of its addressees, or "
               "leave the addressee empty for the whole ask"),
    (r"^(?P<date>\S+) is in the future$", lambda m: f"{m['date']} is in the future: give the date of evidence "
                                                    "that exists today"),
]  # fmt: skip


def findings(pairs: Iterable[tuple[str, str]], prefix: str = "") -> list[FieldError]:
    """The rules across records (``dataset.checks``: (field, message) pairs worded for the YAML's curators) as
    sentences for the person at the form."""
    out = []
    for field, message in pairs:
        for pattern, words in _FINDINGS:
            if found := re.search(pattern, message):
                message = words(found)
                break
        out.append(FieldError(prefix + field, message))
    return out
