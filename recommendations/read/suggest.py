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

import datetime as dt
import math
import threading
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
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
    norm: float
    themes: frozenset[str]
    addressees: frozenset[str]  # as named
    reach: frozenset[str]  # as named, and what each is part of


@dataclass
class Index:
    """The published recommendations as postings lists; see the module's docstring."""

    docs: list[_Doc]
    terms: dict[str, list[tuple[int, float]]]  # stem -> (doc, weight)
    idf: dict[str, float]
    themes: dict[str, list[int]]
    addressees: dict[str, list[int]]  # actor -> docs that name it or something that is part of it
    tag_idf: dict[str, float]  # theme or actor id -> weight
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
    parents = {row["id"]: row["part_of"] for row in sql.rows(db, select(ACT.c.id, ACT.c.part_of))}

    vectors = [_vector(rec)[0] for rec in recs]
    n = len(recs)
    df = Counter(stem for vector in vectors for stem in vector)
    idf = {stem: math.log(1.0 + n / count) for stem, count in df.items()}
    tag_df = Counter(t for rec in recs for t in themes[rec["id"]]) + Counter(
        a for rec in recs for a in named[rec["id"]]
    )
    index = Index([], defaultdict(list), idf, defaultdict(list), defaultdict(list), {}, parents)
    index.tag_idf = {tag: math.log(1.0 + n / count) for tag, count in tag_df.items()}
    for number, (rec, vector) in enumerate(zip(recs, vectors, strict=True)):
        weights = {stem: _weight(tf, idf[stem]) for stem, tf in vector.items()}
        for stem, weight in weights.items():
            index.terms[stem].append((number, weight))
        reach = index.up(named[rec["id"]])
        for theme in themes[rec["id"]]:
            index.themes[theme].append(number)
        for actor in reach:
            index.addressees[actor].append(number)
        norm = math.sqrt(sum(w * w for w in weights.values()))
        index.docs.append(
            _Doc(rec["id"], rec["title"], rec["source_id"], rec["date_start"], norm,
                 frozenset(themes[rec["id"]]), frozenset(named[rec["id"]]), reach)
        )  # fmt: skip
    index.terms, index.themes, index.addressees = dict(index.terms), dict(index.themes), dict(index.addressees)
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


def _tags(shared: Iterable[str], every: Iterable[str], idf: Mapping[str, float], unknown: float) -> float:
    total = sum(idf.get(tag, unknown) for tag in set(every))
    return sum(idf.get(tag, unknown) for tag in set(shared)) / total if total else 0.0


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

    Reads only the index's lists for the new recommendation's own words, themes and addressees.
    """
    index = index_for(engine)
    n = max(len(index.docs), 1)
    unknown = math.log(1.0 + n)  # a word or tag no recommendation has yet: as rare as can be
    tf, forms = _vector({"text": text, "title": title, "lead_in": lead_in})
    query = {stem: _weight(count, index.idf.get(stem, unknown)) for stem, count in tf.items()}
    query_norm = math.sqrt(sum(w * w for w in query.values()))
    skip = set(exclude)

    def allowed(number: int) -> bool:
        doc = index.docs[number]
        return doc.date < before and doc.id not in skip

    dot: dict[int, float] = defaultdict(float)
    shared: dict[int, list[tuple[float, str]]] = defaultdict(list)
    for stem in sorted(query):
        for number, weight in index.terms.get(stem, ()):
            if allowed(number):
                dot[number] += query[stem] * weight
                shared[number].append((query[stem] * weight, stem))
    asked_themes, named = set(themes), set(addressees)
    reach = index.up(named)
    candidates = set(dot)
    for theme in sorted(asked_themes):
        candidates.update(number for number in index.themes.get(theme, ()) if allowed(number))
    for actor in sorted(reach):
        candidates.update(number for number in index.addressees.get(actor, ()) if allowed(number))

    found = []
    for number in candidates:
        doc = index.docs[number]
        cosine = dot.get(number, 0.0) / (query_norm * doc.norm) if query_norm and doc.norm else 0.0
        both_themes = asked_themes & doc.themes
        both_actors = (named & doc.reach) | (doc.addressees & reach)
        score = (
            TEXT * cosine
            + THEMES * _tags(both_themes, asked_themes | doc.themes, index.tag_idf, unknown)
            + ADDRESSEES * _tags(both_actors, named | doc.addressees, index.tag_idf, unknown)
        )
        found.append((round(score, 9), doc, number, sorted(both_themes), sorted(both_actors)))
    found.sort(key=lambda f: (-f[0], -f[1].date.toordinal(), f[1].id))
    out = []
    for score, doc, number, common_themes, common_actors in found[:limit]:
        telling = sorted(shared[number], key=lambda s: (-s[0], s[1]))[:SHARED_WORDS]
        words_ = [forms[stem] for _, stem in telling]
        out.append(Suggestion(doc.id, doc.title, doc.source_id, doc.date, score, words_, common_themes, common_actors))
    return out
