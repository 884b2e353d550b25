"""What every command shares: the database the settings name, and how problems are printed."""

from __future__ import annotations

import functools
import gc
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

from recommendations import settings

if TYPE_CHECKING:  # each command imports what it runs: `validate` needs no migrations, no command the read side
    from sqlalchemy.engine import Engine

    from recommendations.read.filters import Filters


class Later:
    """An option's choices read from the module that owns them only when that option is used (or help is asked
    for): every command builds the whole parser, and the brief's languages should not cost ``users`` its imports.
    Give the option a ``metavar``, or argparse lists the choices as the parser is built."""

    def __init__(self, load: Callable[[], Iterable[str]]) -> None:
        self._load = load

    @functools.cached_property
    def values(self) -> tuple[str, ...]:
        return tuple(self._load())

    def __contains__(self, value: object) -> bool:
        return value in self.values

    def __iter__(self) -> Iterator[str]:
        return iter(self.values)


def imported() -> None:
    """The command's modules are imported: the garbage collector on again, never again walking what they made.

    ``python -m recommendations`` starts with it off (``__main__``): importing SQLAlchemy, SQLModel, psycopg and the
    checks makes about 150,000 objects, and the collections their making set off cost 0.045 s of a load's 0.44 s of
    imports; frozen, they are not walked by the collections of the command's own work either. ``main`` calls this
    before a command runs, ``validate`` and ``load`` once they have imported what they run. Where the collector
    was on (a command run in a test's process) nothing changes.
    """
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


def engine() -> Engine:
    """The database the settings name (DATABASE_URL); a wrong setting stops the command in ``cli.main``."""
    from models.db import make_engine

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
