"""Earlier recommendations a new one most likely repeats or follows up: the suggestions a curator confirms or
dismisses when adding a document.

An inverted index over the published recommendations (everything in the ``recommendation`` table is public):
for each word stem (``read.words``), the recommendations that use it and its weight there; for each theme and
each addressee, the recommendations that have it. A query reads only the lists of its own words, themes and
addressees, never every recommendation. The index is built once per data version (``headlines.data_version``:
every write moves it, loads included) and kept for the process; building it reads four tables once.

The score, between 0 and 1, adds three similarities, each between 0 and 1:

- text (weight ``TEXT``): cosine of TF-IDF vectors over the text, the title and, at half weight, the lead-in
  (``1 + log tf`` times ``log(1 + N / df)``, so a word that many recommendations use counts little);
- themes (``THEMES``): the shared themes' weight over the weight of all the themes either names (each theme
  weighs ``log(1 + N / df)``: sharing a rare theme says more than sharing a common one);
- addressees (``ADDRESSEES``): the same over addressees, where an addressee also meets what it is part of
  (``hierarchy``): an ask of MoLVT shares RGC with an ask of the Royal Government as a whole.

Ties: higher score first, then the later source, then the id.
"""

from __future__ import annotations

import bisect
import datetime as dt
import heapq
import math
import threading
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.engine import Engine

from models.tables import ACT, AD, RT, R, S
from recommendations import hierarchy, sql
from recommendations.read.headlines import data_version
from recommendations.read.words import words

TEXT, THEMES, ADDRESSEES = 0.6, 0.25, 0.15
#: Weight of a word by where it stands: the lead-in is shared by every recommendation under it.
FIELDS = {"text": 1.0, "title": 1.0, "lead_in": 0.5}
#: Shared words shown per suggestion, most telling first.
SHARED_WORDS = 6


@dataclass(frozen=True)
class Suggestion:
    """An earlier recommendation a new one may repeat or follow up, and why it was suggested.

    ``shared_words``: the words of the new text it shares, most telling first, as the new text writes them;
    ``shared_themes`` and ``shared_addressees``: ids (an addressee the other names, or what it is part of).
    """

    id: str
    title: str
    source_id: str
    date: dt.date
    score: float
    shared_words: list[str]
    shared_themes: list[str]
    shared_addressees: list[str]


@dataclass
class _Doc:
    id: str
    title: str
    source_id: str
    date: dt.date
    norm: float  # length of its word vector
    theme_weight: float  # the weights of its themes, summed
    actor_weight: float  # the weights of the addressees it names, summed


@dataclass
class Index:
    """The published recommendations as postings lists; see the module's docstring."""

    docs: list[_Doc] = field(default_factory=list)
    days: list[int] = field(default_factory=list)  # each doc's source date, as a day number
    number: dict[str, int] = field(default_factory=dict)  # id -> doc
    terms: dict[str, list[tuple[int, float]]] = field(default_factory=dict)  # stem -> (doc, weight)
    idf: dict[str, float] = field(default_factory=dict)
    themes: dict[str, list[int]] = field(default_factory=dict)  # theme -> docs
    named: dict[str, list[int]] = field(default_factory=dict)  # actor -> docs that name it
    reached: dict[str, list[int]] = field(default_factory=dict)  # actor -> docs naming it or a part of it
    theme_idf: dict[str, float] = field(default_factory=dict)
    actor_idf: dict[str, float] = field(default_factory=dict)
    parents: dict[str, str | None] = field(default_factory=dict)

    def up(self, actors: Iterable[str]) -> frozenset[str]:
        """These actors and everything each is part of."""
        return frozenset(a for actor in actors for a in (actor, *hierarchy.ancestors(self.parents, actor)))


def _vector(fields: Mapping[str, str | None]) -> tuple[dict[str, float], dict[str, str]]:
    """Weighted term frequencies of a recommendation's fields, and the first written form of each stem."""
    tf: dict[str, float] = defaultdict(float)
    forms: dict[str, str] = {}
    for name, weight in FIELDS.items():
        for stem, form in words(fields.get(name) or ""):
            tf[stem] += weight
            forms.setdefault(stem, form)
    return dict(tf), forms


def _weight(tf: float, idf: float) -> float:
    return (1.0 + math.log(tf)) * idf if tf >= 1 else tf * idf


def _idf(n: int, counts: Counter[str]) -> dict[str, float]:
    return {key: math.log(1.0 + n / count) for key, count in counts.items()}


def build(db: sql.Source) -> Index:
    """The index of every recommendation in the database (four queries)."""
    recs = sql.rows(
        db,
        select(R.c.id, R.c.title, R.c.text, R.c.lead_in, R.c.source_id, S.c.date_start)
        .join(S, S.c.id == R.c.source_id)
        .order_by(R.c.id),
    )
    themes: dict[str, set[str]] = defaultdict(set)
    for row in sql.rows(db, select(RT.c.recommendation_id, RT.c.theme_id)):
        themes[row["recommendation_id"]].add(row["theme_id"])
    named: dict[str, set[str]] = defaultdict(set)
    for row in sql.rows(db, select(AD.c.recommendation_id, AD.c.actor_id)):
        named[row["recommendation_id"]].add(row["actor_id"])
    index = Index(parents={row["id"]: row["part_of"] for row in sql.rows(db, select(ACT.c.id, ACT.c.part_of))})

    vectors = [_vector(rec)[0] for rec in recs]
    n = len(recs)
    index.idf = _idf(n, Counter(stem for vector in vectors for stem in vector))
    index.theme_idf = _idf(n, Counter(t for rec in recs for t in themes[rec["id"]]))
    index.actor_idf = _idf(n, Counter(a for rec in recs for a in named[rec["id"]]))
    postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
    by_theme, by_actor, by_reach = defaultdict(list), defaultdict(list), defaultdict(list)
    for number, (rec, vector) in enumerate(zip(recs, vectors, strict=True)):
        weights = {stem: _weight(tf, index.idf[stem]) for stem, tf in vector.items()}
        for stem, weight in weights.items():
            postings[stem].append((number, weight))
        for theme in themes[rec["id"]]:
            by_theme[theme].append(number)
        for actor in named[rec["id"]]:
            by_actor[actor].append(number)
        for actor in index.up(named[rec["id"]]):
            by_reach[actor].append(number)
        norm = math.sqrt(sum(w * w for w in weights.values()))
        theme_weight = sum(index.theme_idf[t] for t in themes[rec["id"]])
        actor_weight = sum(index.actor_idf[a] for a in named[rec["id"]])
        index.docs.append(
            _Doc(rec["id"], rec["title"], rec["source_id"], rec["date_start"], norm, theme_weight, actor_weight)
        )
        index.days.append(rec["date_start"].toordinal())
        index.number[rec["id"]] = number
    index.terms, index.themes, index.named, index.reached = (
        dict(postings),
        dict(by_theme),
        dict(by_actor),
        dict(by_reach),
    )
    return index


_LOCK = threading.Lock()
_KEPT: dict[str, tuple[int, Index]] = {}
_KEEP = 4  # databases whose index a process keeps (the app has one; tests open many)


def index_for(db: sql.Source) -> Index:
    """The index of this database at its current data version: built on first use and after every write.

    Given a connection (inside a transaction that may have written), an index is built for that call alone."""
    if not isinstance(db, Engine):  # a connection may see its own unwritten rows: an index of its own
        return build(db)
    key = f"{id(db)}:{db.url.render_as_string(hide_password=True)}"
    version = data_version(db)
    with _LOCK:
        kept = _KEPT.get(key)
        if kept is not None and kept[0] == version:
            return kept[1]
        index = build(db)
        if len(_KEPT) >= _KEEP and key not in _KEPT:
            _KEPT.pop(next(iter(_KEPT)))
        _KEPT[key] = (version, index)
        return index


def _weights(index: Index, number: int, stems: Iterable[str]) -> Iterator[tuple[str, float]]:
    """(stem, weight) of these stems in doc ``number`` (postings are in doc order: a binary search each)."""
    for stem in stems:
        postings = index.terms.get(stem, [])
        at = bisect.bisect_left(postings, (number,))
        if at < len(postings) and postings[at][0] == number:
            yield stem, postings[at][1]


def suggest(
    engine: sql.Source,
    *,
    text: str,
    themes: list[str],
    addressees: list[str],
    before: dt.date,
    exclude: Iterable[str] = frozenset(),
    limit: int = 5,
    lead_in: str | None = None,
    title: str | None = None,
) -> list[Suggestion]:
    """The ``limit`` earlier recommendations (of sources dated strictly before ``before``, not in ``exclude``)
    most like a new one with this ``text`` (and ``title``, ``lead_in``), ``themes`` and ``addressees`` (ids).

    Reads only the index's lists for the new recommendation's own words, themes and addressees: each list adds
    to the scores of the recommendations in it, and only those are ranked.
    """
    index = index_for(engine)
    unknown = math.log(1.0 + max(len(index.docs), 1))  # a word or tag no recommendation has yet: rarest of all
    tf, forms = _vector({"text": text, "title": title, "lead_in": lead_in})
    query = {stem: _weight(count, index.idf.get(stem, unknown)) for stem, count in tf.items()}
    query_norm = math.sqrt(sum(w * w for w in query.values()))
    cutoff, days = before.toordinal(), index.days
    skip = {index.number[i] for i in exclude if i in index.number}

    dot: dict[int, float] = defaultdict(float)
    for stem in sorted(query):
        asked = query[stem]
        for number, weight in index.terms.get(stem, ()):
            if days[number] < cutoff and number not in skip:
                dot[number] += asked * weight
    asked_themes, named = sorted(set(themes)), sorted(set(addressees))
    theme_idf = {t: index.theme_idf.get(t, unknown) for t in asked_themes}
    actor_idf = {a: index.actor_idf.get(a, unknown) for a in index.up(named)}
    shared_themes: dict[int, list[str]] = defaultdict(list)
    for theme in asked_themes:
        for number in index.themes.get(theme, ()):
            if days[number] < cutoff and number not in skip:
                shared_themes[number].append(theme)
    # an addressee is shared when the other names it or names a part of it: MoLVT's ask shares RGC with RGC's
    shared_actors: dict[int, set[str]] = defaultdict(set)
    named_by_both: dict[int, float] = defaultdict(float)
    for actor in named:
        for number in index.reached.get(actor, ()):
            if days[number] < cutoff and number not in skip:
                shared_actors[number].add(actor)
        for number in index.named.get(actor, ()):
            named_by_both[number] += actor_idf[actor]
    for actor in sorted(index.up(named)):
        for number in index.named.get(actor, ()):
            if days[number] < cutoff and number not in skip:
                shared_actors[number].add(actor)
    asked_theme_weight = sum(theme_idf.values())
    asked_actor_weight = sum(actor_idf[a] for a in named)

    def score(number: int) -> float:
        doc = index.docs[number]
        cosine = dot[number] / (query_norm * doc.norm) if number in dot and query_norm and doc.norm else 0.0
        common = sum(theme_idf[t] for t in shared_themes.get(number, ()))
        themes_union = asked_theme_weight + doc.theme_weight - common
        actors = sum(actor_idf[a] for a in shared_actors.get(number, ()))
        actors_union = asked_actor_weight + doc.actor_weight - named_by_both.get(number, 0.0)
        return round(
            TEXT * cosine
            + THEMES * (common / themes_union if themes_union else 0.0)
            + ADDRESSEES * (actors / actors_union if actors_union else 0.0),
            9,
        )

    scored = [(score(n), n) for n in set(dot) | set(shared_themes) | set(shared_actors)]
    best = heapq.nsmallest(limit, scored, key=lambda s: (-s[0], -days[s[1]], index.docs[s[1]].id))
    out = []
    for value, number in best:
        doc = index.docs[number]
        telling = sorted((-query[stem] * w, stem) for stem, w in _weights(index, number, query))[:SHARED_WORDS]
        out.append(
            Suggestion(
                doc.id,
                doc.title,
                doc.source_id,
                doc.date,
                value,
                [forms[stem] for _, stem in telling],
                sorted(shared_themes.get(number, ())),
                sorted(shared_actors.get(number, ())),
            )
        )
    return out
