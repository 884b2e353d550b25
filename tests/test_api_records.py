"""The API's records kept as JSON per version of the data (recommendations/api/records.py): made ahead on a thread
when a version is first asked for, the same bytes as made on demand, and given up when the data changes."""

from __future__ import annotations

import threading

import pytest

from recommendations.api import records
from recommendations.read import open_data
from recommendations.read.filters import Filters


def on_demand(engine, ids: list[str]) -> dict[str, bytes]:
    return {r["id"]: records.encoded(r) for r in open_data.records(engine, ids)}


def test_a_new_version_is_made_ahead_the_same_as_on_demand(loaded_engine):
    shelf = records.Shelf(ahead=True)
    assert shelf.records(loaded_engine, []) == [] and shelf.filling is not None
    shelf.filling.join(120)
    every = open_data.selection(loaded_engine, Filters())
    assert len(shelf) == len(every) == 84
    assert dict(shelf.records(loaded_engine, every)) == on_demand(loaded_engine, every)


def test_making_ahead_stops_when_the_data_changes(loaded_engine, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(records, "BATCH", 10)
    shelf = records.Shelf(ahead=True)
    real = shelf.key
    asked: list[int] = []

    def key(db):  # the data changes once the thread has made its first batch
        asked.append(1)
        return real(db) if len(asked) < 3 else (-1, real(db)[1])

    monkeypatch.setattr(shelf, "key", key)
    shelf.records(loaded_engine, [])
    assert shelf.filling is not None
    shelf.filling.join(120)
    assert len(shelf) == 10  # the first batch, then nothing: what it would make now is of an old version


def test_without_ahead_only_what_is_asked_is_made(loaded_engine):
    shelf = records.Shelf()
    every = open_data.selection(loaded_engine, Filters())
    shelf.records(loaded_engine, every[:3])
    assert shelf.filling is None and len(shelf) == 3


def test_the_server_turns_it_on_once_its_warm_up_has_ended(loaded_engine):
    shelf, ready = records.Shelf(), threading.Event()
    started = records.when_ready(ready, lambda: loaded_engine, shelf=shelf)
    started.join(0.2)
    assert started.is_alive() and not shelf.ahead and len(shelf) == 0  # waiting for the warm-up
    ready.set()
    started.join(60)
    assert shelf.ahead and shelf.filling is not None
    shelf.filling.join(120)
    assert len(shelf) == 84
