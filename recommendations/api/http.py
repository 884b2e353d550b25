"""What every open-data route shares: the engine, the query parameters (checked, a 400 naming the one that is
wrong), answers built once per version of the data and kept, ETag and Last-Modified with 304, and JSON errors.

Nothing the client sends reaches SQL other than as a bound value: parameters become ``Filters`` (whose SQL binds
every value) or whole numbers, and an answer is looked up by the data's version and the request's address.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar, cast

from sqlalchemy.engine import Engine
from starlette.requests import Request
from starlette.responses import Response

from models.db import make_engine
from recommendations import settings
from recommendations.api import records
from recommendations.dataset.loader import prepare
from recommendations.read import headlines, open_data
from recommendations.read.filters import PARAMS, BadParameter, Filters

DATA = Path(__file__).resolve().parents[2] / "data"
LANGUAGES = ("en", "km")  # ``lang`` is accepted and checked; answers are in English until translations exist
MAX_PER_PAGE = 500
DEFAULT_PER_PAGE = 100
CACHE_BYTES = 64_000_000


T = TypeVar("T")
K = TypeVar("K")
V = TypeVar("V")


class NotFound(Exception):
    """The address names nothing (an unknown recommendation or file): 404."""


# --- the engine -------------------------------------------------------------------------------------------

_engine: list[Engine] = []
_engine_lock = threading.Lock()


def engine() -> Engine:
    """One engine per process, on the database the settings name; the first call builds the database from data/
    when it is empty (``prepare``, locked across processes, as the pages do)."""
    with _engine_lock:
        if not _engine:
            made = make_engine(settings.current().database_url)
            prepare(made, DATA)
            _engine.append(made)
        return _engine[0]


def use_engine(made: Engine | None) -> None:
    """Serve from ``made`` (tests), or forget the engine (None); the kept answers go with it."""
    with _engine_lock:
        _engine[:] = [made] if made is not None else []
    ANSWERS.clear()
    BUILT.clear()
    records.SHELF.clear()


class Bounded(Generic[K, V]):
    """Values by key, least recently used first out once they weigh more than ``max_weight`` in all; a value
    heavier than ``max_weight // largest`` is not kept. Thread-safe."""

    def __init__(self, max_weight: int, weigh: Callable[[V], int], largest: int = 1) -> None:
        self._kept: OrderedDict[K, tuple[V, int]] = OrderedDict()
        self._weight = 0
        self._max = max_weight
        self._largest = max_weight // largest
        self._weigh = weigh
        self._lock = threading.Lock()

    def find(self, key: K) -> V | None:
        with self._lock:
            found = self._kept.get(key)
            if found is None:
                return None
            self._kept.move_to_end(key)
            return found[0]

    def put(self, key: K, value: V) -> None:
        weight = self._weigh(value)
        with self._lock:
            if key in self._kept:
                self._weight -= self._kept.pop(key)[1]
            if weight <= self._largest:
                self._kept[key] = (value, weight)
                self._weight += weight
            while self._weight > self._max:
                self._weight -= self._kept.popitem(last=False)[1][1]

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()
            self._weight = 0


#: How many ids the values built per version may hold in all (about 70 bytes each: some 35 MB at most).
BUILT_WEIGHT = 500_000


class PerVersion:
    """Values built once per version of the data and day, by name, that several answers are cut from: the data
    package's tables, the choices the filters accept, and the recommendations a filter selects, in order (each page
    of a listing is a slice of it, so paging through 50,000 neither sorts nor counts them again). Bounded by the
    items they hold (a sequence weighs its length, anything else 1)."""

    def __init__(self, max_weight: int = BUILT_WEIGHT) -> None:
        self._kept: Bounded[str, tuple[tuple[int, dt.date], Any]] = Bounded(max_weight, _items)

    def get(self, name: str, db: Engine, make: Callable[[], T]) -> T:
        key = open_data.kept_under(db)
        found = self._kept.find(name)
        if found is not None and found[0] == key:
            return cast("T", found[1])
        made = make()
        self._kept.put(name, (key, made))
        return made

    def clear(self) -> None:
        self._kept.clear()


def _items(value: tuple[object, object]) -> int:
    made = value[1]
    return len(made) if isinstance(made, (list, tuple)) else 1


BUILT = PerVersion()


def per_version(name: str, db: Engine, make: Callable[[], T]) -> T:
    """``make()``, built once per version of the data and day (``BUILT``)."""
    return BUILT.get(name, db, make)


# --- parameters -------------------------------------------------------------------------------------------


def query(request: Request, allowed: tuple[str, ...]) -> dict[str, list[str]]:
    """The query parameters as lists; an unknown name is a 400 (a typo must not silently widen the answer)."""
    params: dict[str, list[str]] = {}
    for name, value in request.query_params.multi_items():
        if name not in allowed:
            raise BadParameter(name[:40], f"unknown parameter; this address takes {', '.join(allowed) or 'none'}")
        params.setdefault(name, []).append(value)
    language = params.get("lang", ["en"])
    if len(language) > 1 or language[0] not in LANGUAGES:
        raise BadParameter("lang", f"one of {', '.join(LANGUAGES)}")
    return params


def whole(params: Mapping[str, list[str]], name: str, default: int, lo: int, hi: int) -> int:
    """A whole number parameter between ``lo`` and ``hi``."""
    values = params.get(name)
    if not values:
        return default
    if len(values) > 1 or not values[0].isdigit() or len(values[0]) > 9:
        raise BadParameter(name, f"a whole number from {lo} to {hi}")
    number = int(values[0])
    if not lo <= number <= hi:
        raise BadParameter(name, f"a whole number from {lo} to {hi}")
    return number


def filters(db: Engine, params: Mapping[str, list[str]]) -> Filters:
    """The pages' filters from the same parameters (``Filters.strict``: an unknown theme is a 400, not ignored)."""
    valid = per_version("valid choices", db, lambda: _valid(db))
    return Filters.strict({k: v for k, v in params.items() if k in PARAMS}, valid)


def _valid(db: Engine) -> dict[str, set[str]]:
    return {key: {value for value, _ in choices} for key, choices in headlines.options(db).items()}


def origin(request: Request) -> str:
    """The scheme, host and port the client asked for: links in answers point back at the same server."""
    return f"{request.url.scheme}://{request.url.netloc}"


# --- answers, kept per version of the data ----------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    body: bytes
    media_type: str
    etag: str


class Answers:
    """Answers already built, by (data version, day, address): a write or a new day makes new ones. Bounded."""

    def __init__(self, max_bytes: int = CACHE_BYTES) -> None:
        self._kept: Bounded[tuple[Any, ...], Answer] = Bounded(max_bytes, lambda answer: len(answer.body), largest=4)

    def get(self, key: tuple[Any, ...], make: Callable[[], tuple[bytes, str]]) -> Answer:
        found = self._kept.find(key)
        if found is not None:
            return found
        body, media_type = make()
        answer = Answer(body, media_type, '"' + hashlib.sha256(body).hexdigest()[:32] + '"')
        self._kept.put(key, answer)
        return answer

    def clear(self) -> None:
        self._kept.clear()


ANSWERS = Answers()


def as_json(payload: object) -> tuple[bytes, str]:
    return json.dumps(payload, ensure_ascii=False, default=str).encode("utf-8"), "application/json"


def error(status: int, message: str, parameter: str | None = None) -> Response:
    body: dict[str, Any] = {"status": status, "message": message}
    if parameter is not None:
        body["parameter"] = parameter
    return Response(json.dumps({"error": body}, ensure_ascii=False), status, media_type="application/json")


def http_date(moment: dt.datetime) -> str:
    return email.utils.format_datetime(moment.replace(tzinfo=dt.UTC, microsecond=0), usegmt=True)


def _not_modified(request: Request, answer: Answer, modified: dt.datetime) -> bool:
    """RFC 9110: If-None-Match wins over If-Modified-Since."""
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        tags = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
        return "*" in tags or answer.etag in tags
    since = request.headers.get("if-modified-since")
    if since is None:
        return False
    try:
        when = email.utils.parsedate_to_datetime(since)
    except (TypeError, ValueError):
        return False
    if when.tzinfo is None:
        return False
    return modified.replace(tzinfo=dt.UTC, microsecond=0) <= when


Build = Callable[[Engine, Request, dict[str, list[str]]], tuple[bytes, str]]


def respond(request: Request, allowed: tuple[str, ...], build: Build) -> Response:
    """Check the parameters, build the answer (or take the one kept for this version and address), and answer
    304 when the client's copy is current. Errors are JSON: 400 naming the parameter, 404, 503."""
    try:
        params = query(request, allowed)
        db = engine()
        state = open_data.data_state(db)
        named = tuple((k, tuple(v)) for k, v in sorted(params.items()))
        key = (state.version, dt.date.today(), origin(request), request.url.path, named)
        answer = ANSWERS.get(key, lambda: build(db, request, params))
    except BadParameter as exc:
        return error(400, exc.problem, exc.parameter)
    except NotFound as exc:
        return error(404, str(exc))
    except settings.SettingsError:
        return error(503, "The tracker's settings are wrong; its administrator has been told at start-up.")
    headers = {
        "ETag": answer.etag,
        "Last-Modified": http_date(state.modified),
        "Cache-Control": "public, no-cache",  # keep a copy, but ask again: a 304 costs nothing
    }
    if _not_modified(request, answer, state.modified):
        return Response(status_code=304, headers=headers)
    return Response(answer.body, media_type=answer.media_type, headers=headers)


def filter_names() -> tuple[str, ...]:
    return (*PARAMS, "lang")
