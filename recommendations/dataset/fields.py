"""The kinds of field a record is made of (identifiers, one-line and longer texts, names, dates, addresses), each
with its one rule. ``schema`` builds the records from them, ``translations`` the translations of their texts."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, StringConstraints

from recommendations import dates, text

ID_PATTERN = r"^[a-z0-9][a-z0-9._-]*$"


# Compiled once: ``re.match`` with a flag looks the pattern up again for each of the thousands of addresses a load
# checks (Python 3.11 reads the flag's value through the enum each time: 0.02 s of a first load at 1,000).
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)


def _check_url(value: str) -> str:
    if not _URL.match(value):
        raise ValueError(f"url {value!r} must be an http(s) address")
    return value


Id = Annotated[str, StringConstraints(pattern=ID_PATTERN, min_length=1, max_length=80)]


def _free_text(limit: int, *, multiline: bool) -> AfterValidator:
    """The one rule for free text (recommendations.text.clean): NFC, no control characters, a length limit."""

    def check(value: str) -> str:
        try:
            return text.clean(value, limit=limit, multiline=multiline)
        except text.TextProblem as exc:
            raise ValueError(str(exc)) from None

    return AfterValidator(check)


def _identity_name(value: str) -> str:
    try:
        return text.name(value)
    except text.TextProblem as exc:
        raise ValueError(str(exc)) from None


_STRIPPED = StringConstraints(strip_whitespace=True, min_length=1)
#: One line: titles, names, labels.
ShortText = Annotated[str, _STRIPPED, _free_text(text.LIMITS["short"], multiline=False)]
#: Several lines: summaries, notes, comments, citations.
Text = Annotated[str, _STRIPPED, _free_text(text.LIMITS["text"], multiline=True)]
#: Long texts: rationales and verbatim recommendation texts.
LongText = Annotated[str, _STRIPPED, _free_text(text.LIMITS["long"], multiline=True)]
#: A name that identifies an organisation: no invisible characters, no look-alike letters of another script.
IdentityName = Annotated[str, _STRIPPED, AfterValidator(_identity_name)]
PartialDate = Annotated[str, AfterValidator(dates.check_partial)]
Url = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500), AfterValidator(_check_url)]


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", use_enum_values=True, str_strip_whitespace=False)
