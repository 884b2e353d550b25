"""Kinds: which records are asks of someone else, and so may be *open*."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_
from sqlalchemy.sql import ColumnElement

from recommendations.vocabulary import OPEN_STATUSES, RecommendationKind, Status

#: A commitment (``kind: commitment``) is what the authors undertake to do themselves (e.g. the 2011 CSOs'
#: International Migrants Day activities), not an ask of anyone else. It keeps its own status, shown like any
#: other, but it is never an *open ask*: the brief does not list it, and "open" counts (owners, chains) leave
#: it out. Recommendations, principles and plan-of-action items are asks. This is the one place that says so.
NOT_ASKS = frozenset({RecommendationKind.COMMITMENT})


def is_ask(kind: str | None) -> bool:
    """True for a record that asks someone else to act (every kind but a commitment)."""
    return kind not in NOT_ASKS


def is_open_ask(status: str | None, kind: str | None) -> bool:
    """THE test for "still open": an ask (not a commitment) whose status is open (not assessed, no progress,
    in progress, partially implemented). Pages, the brief, owners and chains all ask here."""
    return is_ask(kind) and (status or Status.NOT_ASSESSED) in OPEN_STATUSES


def open_ask(status_column: ColumnElement[Any], kind_column: ColumnElement[Any]) -> ColumnElement[bool]:
    """``is_open_ask`` in SQL, for aggregating in the database."""
    return and_(status_column.in_(sorted(OPEN_STATUSES)), kind_column.not_in(sorted(NOT_ASKS)))
