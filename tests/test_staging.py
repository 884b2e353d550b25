"""The scratch file of a read (``dataset.staging``): rows staged as the load's tables hold them."""

from __future__ import annotations

import datetime as dt

from models.tables import AD, RT, E
from recommendations.dataset.staging import Staging


def test_rows_with_every_column_and_rows_missing_some_are_staged_alike():
    staging = Staging([E, AD, RT])
    try:
        evidence = {
            "id": "ev-1", "date": "2019-09", "date_start": dt.date(2019, 9, 1), "kind": "news", "title": "T",
            "summary": "S", "url": "https://example.org/a", "citation": None, "source_id": None, "completeness": None,
            "actors": ["a", "b"], "themes": [], "organisation_id": None,
        }  # fmt: skip
        complete = {**evidence, "id": "ev-2", "version": 3}
        staging.add_rows(E, [evidence, complete])  # the first lacks "version": staged as NULL
        # every column in every row (the usual way), JSON and booleans converted as SQLAlchemy stores them
        staging.add_rows(AD, [
            {"recommendation_id": "r", "actor_id": "a", "position": 0, "role": "lead", "inferred": True},
            {"recommendation_id": "r", "actor_id": "b", "position": 1, "role": None, "inferred": False},
        ])  # fmt: skip
        staging.add_rows(RT, [{"recommendation_id": "r", "theme_id": "t"}])
        staging.finish_reading()
        assert staging.rows is not None
        got = {row.id: row for row in staging.read(staging.rows[E])}
        assert got["ev-1"].version is None and got["ev-2"].version == 3
        assert got["ev-1"].actors == ["a", "b"] and got["ev-1"].date_start == dt.date(2019, 9, 1)
        assert {(r.actor_id, r.inferred, r.role) for r in staging.read(staging.rows[AD])} == {
            ("a", True, "lead"),
            ("b", False, None),
        }
        assert [tuple(r) for r in staging.read(staging.rows[RT])] == [("r", "t")]
    finally:
        staging.close()


class _Sink:
    def __init__(self) -> None:
        self.events: list[tuple] = []

    def rows(self, target, names, values) -> None:
        self.events.append(("rows", target.name, list(names), [tuple(v) for v in values]))

    def complete(self, targets) -> None:
        self.events.append(("complete", [t.name for t in targets]))


def test_a_sink_is_given_each_batch_as_written_and_a_table_s_last_rows_before_it_is_complete():
    sink = _Sink()
    staging = Staging([RT, AD], sink=sink)
    try:
        staging.add_rows(RT, [{"recommendation_id": "r", "theme_id": "t"}])  # buffered: not yet written
        staging.add_rows(AD, [{"recommendation_id": "r", "actor_id": "a", "position": 0, "role": "lead",
                               "inferred": True}])  # fmt: skip
        assert sink.events == []
        staging.complete([RT])
        assert sink.events == [
            ("rows", "recommendation_theme", ["recommendation_id", "theme_id"], [("r", "t")]),
            ("complete", ["recommendation_theme"]),
        ]
        staging.finish_reading()  # the rest, as the scratch file stores it (a boolean as 1)
        assert sink.events[2] == (
            "rows", "addressee", ["recommendation_id", "actor_id", "position", "role", "inferred"],
            [("r", "a", 0, "lead", 1)],
        )  # fmt: skip
        staging.complete([])
        assert len(sink.events) == 3
    finally:
        staging.close()
