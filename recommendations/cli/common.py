"""What every command shares: the database the settings name, and how problems are printed."""

from __future__ import annotations

import sys
from collections.abc import Iterable

from sqlalchemy.engine import Engine

from models.db import make_engine
from recommendations import settings
from recommendations.read.filters import Filters


def engine() -> Engine:
    """The database the settings name (DATABASE_URL); a wrong setting stops the command in ``cli.main``."""
    return make_engine(settings.current().database_url)


def print_problems(problems: Iterable[object]) -> None:
    found = list(problems)
    for problem in found:
        print(problem, file=sys.stderr)
    print(f"{len(found)} problem(s) found", file=sys.stderr)


def unknown_filter_values(engine: Engine, filters: Filters) -> list[str]:
    """Filter values that match nothing (a name or the wrong case instead of an id), with the valid ids."""
    from recommendations.read.headlines import options

    valid = {key: [value for value, _ in choices] for key, choices in options(engine).items()}
    out = []
    for flag, field in (("--source", "sources"), ("--theme", "themes"), ("--addressee", "addressees"),
                        ("--status", "statuses"), ("--kind", "kinds"), ("--research", "research")):  # fmt: skip
        for value in getattr(filters, field):
            if value not in valid[field]:
                out.append(f"{flag} {value!r} is not a known id; use one of: {', '.join(valid[field])}")
    return out
