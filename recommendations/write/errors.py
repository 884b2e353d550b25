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
from typing import Any

from pydantic import ValidationError

from recommendations.i18n import N_, Message, Translator

__all__ = [
    "Conflict", "FieldError", "Invalid", "findings", "problem_words", "pydantic_errors", "record_rule", "sentence",
]  # fmt: skip


def _m(msgid: str, /, **named: object) -> Message:
    return Message(msgid, named)


class FieldError:
    """One problem, beside its field (e.g. "as_of", "new_evidence.1.url"). ``said`` is the message to say in any
    language (``words``); ``message`` is it in English. A problem of ``Invalid`` is said as a sentence."""

    __slots__ = ("field", "row", "said", "whole")

    def __init__(
        self, field: str, message: str | Message, /, *, whole: bool = False, row: int | None = None, **named: Any
    ) -> None:
        self.field = field
        self.row = row  # the row of a sheet or list the problem is in (as a spreadsheet numbers it); None: no row
        if row is not None:
            named.setdefault("row", row)
        self.said = message if isinstance(message, Message) else Message(message, named)
        self.whole = whole

    def words(self, translator: Translator | None = None) -> str:
        """The message in ``translator``'s language (English without one)."""
        text = str(self.said) if translator is None else translator.say(self.said)
        return sentence(text) if self.whole else _capital(text)

    @property
    def message(self) -> str:
        return self.words()

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.row is None else f"row {self.row}, {self.field}: {self.message}"

    def __repr__(self) -> str:
        where = "" if self.row is None else f", row={self.row}"
        return f"FieldError({self.field!r}, {self.message!r}{where})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FieldError) and (self.field, self.row, self.message) == (
            other.field,
            other.row,
            other.message,
        )

    def __hash__(self) -> int:
        return hash((self.field, self.row, self.message))


class Invalid(Exception):
    """The input breaks a rule; ``errors`` name each field (every problem at once). Nothing was written."""

    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = [FieldError(e.field, e.said, whole=True, row=e.row) for e in errors]
        super().__init__("; ".join(str(e) for e in self.errors))

    def by_field(self, translator: Translator | None = None) -> dict[str, list[str]]:
        """Field -> its problems as sentences, in ``translator``'s language (English without one)."""
        out: dict[str, list[str]] = {}
        for error in self.errors:
            out.setdefault(error.field, []).append(error.words(translator))
        return out

    def by_row(self, translator: Translator | None = None) -> dict[int | None, dict[str, list[str]]]:
        """Row -> field -> its problems (None: problems of no row, such as the document's metadata)."""
        out: dict[int | None, dict[str, list[str]]] = {}
        for error in self.errors:
            out.setdefault(error.row, {}).setdefault(error.field, []).append(error.words(translator))
        return out


class Conflict(Exception):
    """Someone else changed the record since the form was opened; the caller keeps the user's input. ``message``
    says it in any language; ``str()`` in English."""

    def __init__(self, msgid: str, /, **named: object) -> None:
        self.message = Message(msgid, named)
        super().__init__(str(self.message))


def _capital(message: str) -> str:
    first = message.split(" ", 1)[0]
    if first.isalpha() and first.islower():  # not an id ("as-mmn2016-04-…") or a value, which keep their case
        return message[0].upper() + message[1:]
    return message


def sentence(message: str) -> str:
    """A message as a sentence: a capital first letter and a full stop (or the message's own ?, ! or Khmer ។)."""
    message = message.strip()
    if not message:
        return message
    message = _capital(message)
    return message if message[-1] in ".?!។" else message + "."


# --- how a field is named in a message ---------------------------------------------------------------------

#: A field (as the write side names it; the last part of "new_evidence.0.url") -> its name in a sentence.
FIELD_WORDS = {
    "recommendation": N_("the recommendation id"),
    "addressee": N_("the addressee"),
    "status": N_("a status"),
    "as_of": N_("the As of date (the date of the latest evidence)"),
    "rationale": N_("the rationale"),
    "evidence": N_("the evidence"),
    "supersedes": N_("the assessment it corrects"),
    "supersede_reason": N_("why the earlier assessment is corrected"),
    "reason": N_("the reason"),
    "title": N_("the title"),
    "date": N_("the date"),
    "kind": N_("the kind"),
    "url": N_("the web address"),
    "citation": N_("the citation"),
    "summary": N_("the summary"),
    "completeness": N_("how much of the source could be read"),
    "name": N_("the name"),
    "acronym": N_("the acronym"),
    "type": N_("the type"),
    "country": N_("the country"),
    "note": N_("the note"),
    "id": N_("the id"),
    "email": N_("the email"),
    "password": N_("the password"),
    "role": N_("the role"),
    "organisation": N_("the organisation"),
    "comment": N_("the comment"),
}
#: The status choices in a sentence, as one phrase to translate (``_or_list`` of the labels; a test keeps them equal).
STATUS_CHOICES = N_("Not assessed, No progress, In progress, Partially implemented, Implemented or Not applicable")


def field_words(field: str) -> Message:
    """How a field is named in a sentence ("the rationale"), to say in any language."""
    last = field.rsplit(".", 1)[-1]
    return _m(FIELD_WORDS.get(last, N_("this field")))


def _shown(value: object, limit: int = 60) -> str:
    """A value the person typed, quoted and cut short (pages escape it; it is never Markdown)."""
    text = " ".join(str(value).split())
    return f"“{text[:limit]}…”" if len(text) > limit else f"“{text}”"


def _or_list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


def _choices(field: str, ctx: dict[str, Any]) -> str | Message:
    if field.rsplit(".", 1)[-1] == "status":
        return _m(STATUS_CHOICES)
    return _or_list([c.strip().strip("'") for c in re.split(r",| or ", str(ctx.get("expected", ""))) if c.strip()])


def _empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# --- what the text rules (recommendations.text) say of a value ------------------------------------------------

_TEXT_PROBLEMS: list[tuple[str, str]] = [
    (r"^must be a single line$", N_("must be a single line")),
    (r"^holds a control or invisible character (?P<what>.+): type it again without it$",
     N_("holds a control or invisible character {what}: type it again without it")),
    (r"^holds an invisible character (?P<what>.+)$", N_("holds an invisible character {what}")),
    (r"^holds the non-ASCII character (?P<what>.+): write the address in plain letters$",
     N_("holds the non-ASCII character {what}: write the address in plain letters")),
    (r"^is (?P<n>[\d,]+) characters long; at most (?P<limit>[\d,]+) are kept here$",
     N_("is {n} characters long; at most {limit} are kept here")),
    (r"^(?P<value>.+) is not an email address$", N_("{value} is not an email address")),
    (r"^mixes Latin letters with look-alike letters of another script in (?P<word>.+)$",
     N_("mixes Latin letters with look-alike letters of another script in {word}")),
]  # fmt: skip


def problem_words(problem: object) -> Message:
    """What ``recommendations.text`` found wrong with a value ("must be a single line"), to say in any language
    (a problem it words otherwise is said as it is)."""
    problem = str(problem)
    for pattern, msgid in _TEXT_PROBLEMS:
        if found := re.match(pattern, problem):
            return _m(msgid, **found.groupdict())
    return _m(problem)


def text_problem(field: str, problem: object) -> Message:
    """ "the email holds an invisible character …": a field and what the text rules found wrong with it."""
    return _m(N_("{field} {problem}"), field=field_words(field), problem=problem_words(problem))


# --- the schema's findings (pydantic) ----------------------------------------------------------------------

#: Our own validators' messages (pydantic's "value_error"), as a sentence about the field: (pattern, words).
_VALUE_ERRORS: list[tuple[str, Callable[[Message, re.Match[str], object], Message]]] = [
    (r"is not YYYY, YYYY-MM or YYYY-MM-DD",
     lambda f, m, v: _m(N_("Write {field} as YYYY-MM-DD (or YYYY-MM, or YYYY when only that is known)"), field=f)),
    (r"does not exist",
     lambda f, m, v: _m(N_("{value} is not a day of the calendar: check {field}"), value=_shown(v), field=f)),
    (r"must be an http\(s\) address", lambda f, m, v: _m(N_("Start {field} with http:// or https://"), field=f)),
    (r"^(must be a single line|holds .*|is [\d,]+ characters long.*|mixes .*)$",
     lambda f, m, v: _m(N_("{field} {problem}"), field=f, problem=problem_words(m.group(1)))),
]  # fmt: skip

#: Rules on a whole record (no field of their own): (words in the message, field it is about, the sentence).
_RECORD_RULES = (
    ("needs evidence", "evidence",
     N_("Cite at least one evidence item, or add a new one: every status but Not assessed rests on evidence")),
    ("supersede_reason:", "supersede_reason", N_("Say why the earlier assessment is corrected")),
    ("url, a citation", "url", N_("Give a web address or a citation for the evidence item")),
)  # fmt: skip


def _plain(field: str, error: Any) -> Message:
    """One pydantic error as a sentence about ``field``, in the words of the form."""
    kind, value, ctx = error["type"], error.get("input"), error.get("ctx") or {}
    words = field_words(field)
    if kind == "missing" or _empty(value):
        if kind in ("enum", "literal_error"):
            return _m(N_("Choose {field}"), field=words)
        return _m(N_("Fill in {field}: it is empty"), field=words)
    if kind in ("enum", "literal_error"):
        return _m(
            N_("{value} is not one of the choices for {field}: {choices}"),
            value=_shown(value), field=words, choices=_choices(field, ctx),
        )  # fmt: skip
    if kind == "string_too_long":
        limit = ctx.get("max_length")
        return _m(N_("Shorten {field}: at most {n} characters"), field=words, n=f"{limit:,}" if limit else "?")
    if kind == "string_pattern_mismatch":
        return _m(
            N_("{value} is not an id: an id has only small letters, digits, dots, hyphens and underscores (for "
               "example mmn2016-04)"),
            value=_shown(value),
        )  # fmt: skip
    if kind in ("int_parsing", "int_type", "float_parsing"):
        return _m(N_("Write {field} as a number"), field=words)
    if kind == "value_error":
        message = str(error["msg"]).removeprefix("Value error, ")
        for pattern, words_for in _VALUE_ERRORS:
            if found := re.search(pattern, message):
                return words_for(words, found, value)
        return _m(message)
    return _m(N_("Check {field}: this value cannot be used here"), field=words)


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
    return FieldError(prefix + rule[0], _m(rule[1])) if rule else FieldError(prefix + "form", message)


# --- the rules across records (dataset.checks) --------------------------------------------------------------

_FINDINGS: list[tuple[str, Callable[[re.Match[str]], Message]]] = [
    (r"^(?P<late>.+) dated after as_of (?P<as_of>\S+)",
     lambda m: _m(N_("The evidence {late} is dated after the As of date ({as_of}). As of is the date of the latest "
                     "evidence: make it at least as late as each item cited (a date without a day counts as its "
                     "first day)"), late=m["late"], as_of=m["as_of"])),
    (r"^'(?P<actor>.+)' is not an addressee of (?P<rec>\S+)$",
     lambda m: _m(N_("This recommendation ({rec}) asks nothing of {actor}: name one of its addressees, or leave the "
                     "addressee empty for the whole ask"), rec=m["rec"], actor=m["actor"])),
    (r"^(?P<date>\S+) is in the future$",
     lambda m: _m(N_("{date} is in the future: give the date of evidence that exists today"), date=m["date"])),
    (r"^(?P<date>\S+) is before the recommendation was made \((?P<made>[^)]+)\)$",
     lambda m: _m(N_("{date} is before the recommendation was made ({made})"), date=m["date"], made=m["made"])),
    (r"^(?P<target>\S+) is an assessment of (?P<of>\S+), not of (?P<rec>\S+)$",
     lambda m: _m(N_("{target} is an assessment of {of}, not of {rec}"), target=m["target"], of=m["of"],
                  rec=m["rec"])),
    (r"^(?P<target>\S+) was assessed by (?P<by>\S+): only its assessor can correct or withdraw it \(record an "
     r"assessment of your own instead\)$",
     lambda m: _m(N_("{target} was assessed by {by}: only its assessor can correct or withdraw it (record an "
                     "assessment of your own instead)"), target=m["target"], by=m["by"])),
    (r"^(?P<target>\S+) is dated (?P<date>\S+), after this one \((?P<as_of>[^)]+)\)$",
     lambda m: _m(N_("{target} is dated {date}, after this one ({as_of})"), target=m["target"], date=m["date"],
                  as_of=m["as_of"])),
    (r"^(?P<target>\S+) is itself a withdrawal$", lambda m: _m(N_("{target} is itself a withdrawal"),
                                                               target=m["target"])),
    (r"^(?P<target>\S+) is already superseded by (?P<by>\S+)$",
     lambda m: _m(N_("{target} is already superseded by {by}"), target=m["target"], by=m["by"])),
]  # fmt: skip


def findings(pairs: Iterable[tuple[str, str]], prefix: str = "") -> list[FieldError]:
    """The rules across records (``dataset.checks``: (field, message) pairs worded for the YAML's curators) as
    sentences for the person at the form, in any language."""
    out = []
    for field, message in pairs:
        said = _m(message)
        for pattern, words in _FINDINGS:
            if found := re.search(pattern, message):
                said = words(found)
                break
        out.append(FieldError(prefix + field, said))
    return out
