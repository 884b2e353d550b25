"""What every command shares: the database the settings name, and how problems are printed."""

from __future__ import annotations

import sys
from collections.abc import Iterable

from sqlalchemy.engine import Engine

from models.db import make_engine
from recommendations import settings


def engine() -> Engine:
    """The database the settings name (DATABASE_URL); a wrong setting stops the command in ``cli.main``."""
    return make_engine(settings.current().database_url)


def print_problems(problems: Iterable[object]) -> None:
    found = list(problems)
    for problem in found:
        print(problem, file=sys.stderr)
    print(f"{len(found)} problem(s) found", file=sys.stderr)
