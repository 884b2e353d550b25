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
from typing import Any, TypeVar, cast

from sqlalchemy.engine import Engine
from starlette.requests import Request
from starlette.responses import Response

from models.db import make_engine
from recommendations import settings
from recommendations.dataset.loader import prepare
from recommendations.read import headlines, open_data
from recommendations.read.filters import PARAMS, BadParameter, Filters

DATA = Path(__file__).resolve().parents[2] / "data"
LANGUAGES = ("en", "km")  # ``lang`` is accepted and checked; answers are in English until translations exist
MAX_PER_PAGE = 500
DEFAULT_PER_PAGE = 100
CACHE_BYTES = 64_000_000


T = TypeVar("T")


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
    with _built_lock:
        _built.clear()


_built: dict[str, tuple[tuple[int, dt.date], Any]] = {}
_built_lock = threading.Lock()


def per_version(name: str, db: Engine, make: Callable[[], T]) -> T:
    """``make()``, built once per version of the data and day (what several answers are cut from)."""
    key = (open_data.data_state(db).version, dt.date.today())
    with _built_lock:
        if name in _built and _built[name][0] == key:
            return cast("T", _built[name][1])
    made = make()
    with _built_lock:
        _built[name] = (key, made)
    return made


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
    valid = {key: {value for value, _ in choices} for key, choices in headlines.options(db).items()}
    return Filters.strict({k: v for k, v in params.items() if k in PARAMS}, valid)


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
        self._kept: OrderedDict[tuple[Any, ...], Answer] = OrderedDict()
        self._size = 0
        self._max = max_bytes
        self._lock = threading.Lock()

    def get(self, key: tuple[Any, ...], make: Callable[[], tuple[bytes, str]]) -> Answer:
        with self._lock:
            if key in self._kept:
                self._kept.move_to_end(key)
                return self._kept[key]
        body, media_type = make()
        answer = Answer(body, media_type, '"' + hashlib.sha256(body).hexdigest()[:32] + '"')
        with self._lock:
            if len(body) <= self._max // 4 and key not in self._kept:
                self._kept[key] = answer
                self._size += len(body)
                while self._size > self._max:
                    _, dropped = self._kept.popitem(last=False)
                    self._size -= len(dropped.body)
        return answer

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()
            self._size = 0


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
