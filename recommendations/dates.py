"""Dates as the data writes them: one reading of a partial date ("2019", "2019-07", "2019-07-15") everywhere.

A partial date stands for its first day ("2019-07" is 1 July 2019) in ordering, in "as of" views and in
validation, so an assessment "as of 2019-07" cannot rest on evidence of 31 July 2019. Every module that reads,
compares or words a date asks here.
"""

from __future__ import annotations

import datetime as dt
import functools
import re

from babel.dates import format_date

PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
#: How a date is said, in every language: day, month name, year, with the digits 0-9 ("5 December 2026",
#: "5 ធ្នូ 2026"). One style for the pages, the brief and the exports' words (Babel's locale data names the months).
_DAY, _MONTH = "d MMMM y", "MMMM y"


@functools.lru_cache(maxsize=8192)
def _parts(value: str) -> tuple[int, int | None, int | None]:
    """The numbers of a partial date. Kept for the last 8,192 values read: a dataset names a few thousand days,
    and a read of 10,000 recommendations asked for them 600,000 times."""
    match = PARTIAL_DATE.match(value)
    if not match:
        raise ValueError(f"date {value!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = match.groups()
    return int(year), int(month) if month else None, int(day) if day else None


@functools.lru_cache(maxsize=8192)  # as ``_parts``: read once per value, not once per record that names it
def check_partial(value: str) -> str:
    """``value`` if it is a partial date of a real day; ValueError in words otherwise (the schema's check)."""
    year, month, day = _parts(value)
    try:
        dt.date(year, month or 1, day or 1)
    except ValueError as exc:
        raise ValueError(f"date {value!r} does not exist ({exc})") from None
    return value


@functools.lru_cache(maxsize=8192)  # 456,000 calls in a read of 10,000 recommendations (a date is immutable)
def date_start(value: str) -> dt.date:
    """The day a partial date stands for: its first ("2019-07" is 1 July 2019)."""
    year, month, day = _parts(value)
    return dt.date(year, month or 1, day or 1)


def date_end(value: str) -> dt.date:
    """The last day a partial date can mean ("2017-07" runs to 31 July 2017): the curators' rule for an item
    dated only to a month or a year (docs/data-curation.md)."""
    year, month, day = _parts(value)
    if day is not None and month is not None:
        return dt.date(year, month, day)
    if month is not None:
        return dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)
    return dt.date(year, 12, 31)


def as_date(value: object) -> dt.date:
    """A date column's value as a date: SQLite may return text, PostgreSQL a date; a partial date, its first day."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value)
    return date_start(text) if PARTIAL_DATE.match(text) else dt.date.fromisoformat(text[:10])


def year_of(value: str | dt.date | None) -> str:
    """The year of a partial date, as written ("" for none)."""
    return "" if value is None or value == "" else str(value)[:4]


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` earlier (the 28th at most, so that every month has it)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return dt.date(year, month + 1, min(day.day, 28))


def years_before(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` earlier (28 February for a 29 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def years_between(start: dt.date, end: dt.date) -> int:
    """Whole years from ``start`` to ``end`` (0 when end is earlier)."""
    years = end.year - start.year - ((end.month, end.day) < (start.month, start.day))
    return max(0, years)


def human(value: str | dt.date | None, lang: str = "en") -> str:
    """'2019-07-30' -> '30 July 2019' ('30 កក្កដា 2019' in Khmer), '2019-07' -> 'July 2019', '2019' -> '2019'
    ("" for none): the one way a date is said on a page, in the brief and in words anywhere."""
    if value is None or value == "":
        return ""
    return _human(value.isoformat() if isinstance(value, dt.date) else str(value), lang)


@functools.lru_cache(maxsize=8192)
def _human(text: str, lang: str) -> str:
    """``human`` of a date as text, kept: a broad brief says the same few thousand dates tens of thousands of times,
    and Babel reads its locale data again on each call."""
    if not PARTIAL_DATE.match(text):
        return text
    year, month, day = _parts(text)
    if month is None:
        return str(year)
    return format_date(dt.date(year, month, day or 1), _DAY if day else _MONTH, locale=lang)
