"""What the write side answers when it refuses: every problem named by field, or a conflict with another edit.

Nothing was written when one of these is raised. ``pydantic_errors`` turns the schema's findings into the same
field errors, so a form, an upload and the command line show the same words.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import ValidationError

__all__ = ["Conflict", "FieldError", "Invalid", "pydantic_errors"]


@dataclass(frozen=True)
class FieldError:
    field: str  # e.g. "as_of", "new_evidence.1.url"
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class Invalid(Exception):
    """The input breaks a rule; ``errors`` name each field. Nothing was written."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors

    def by_field(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for error in self.errors:
            out.setdefault(error.field, []).append(error.message)
        return out


class Conflict(Exception):
    """Someone else changed the record since the form was opened; the caller keeps the user's input."""


# A rule on the whole record is shown beside the field it is about.
_RECORD_RULE_FIELDS = (
    ("needs evidence", "evidence"),
    ("supersede_reason", "supersede_reason"),
    ("url, a citation", "url"),
)


def pydantic_errors(exc: ValidationError, prefix: str = "") -> list[FieldError]:
    out = []
    for error in exc.errors():
        message = error["msg"].removeprefix("Value error, ")
        name = ".".join(str(p) for p in error["loc"])
        if not name:
            name = next((f for words, f in _RECORD_RULE_FIELDS if words in message), "form")
        out.append(FieldError(prefix + name, message))
    return out
