"""Building a brief from the database: everything as it stood on the meeting date.

- a recommendation counts if its source is dated on or before the meeting date;
- its status is the status rule's answer as of the meeting date (``recommendations.status``): overall, or,
  when addressees are chosen, the least advanced of its statuses for the chosen addressees it names;
- it is listed when it is an open ask (``status.is_open_ask``: an open status, and not a commitment, which is
  the authors' own undertaking rather than an ask of anyone else; commitments are counted, not listed);
- evidence counts if it is dated on or before the meeting date and is cited by a published assessment or
  linked to the recommendation directly;
- "times raised" counts the documents (meetings) in which the ask was made: the recommendation itself, the
  earlier ones it repeats or follows up and the later ones that repeat it, each directly or through others
  (``recurrence``'s lineage rule: links are followed from later to earlier, or from earlier to later, never
  both in one path), counting only recommendations made on or before the meeting date;
- a known gap (a document whose recommendation texts we do not all hold, ``headlines.gaps``) is listed when the
  document is dated on or before the meeting and its missing texts could hold asks of the chosen addressees.
  What the missing texts are about is not known, so themes never narrow the gaps. Addressees do in one case: a
  regional document (an ASEAN Forum on Migrant Labour) addresses the ASEAN Member States as a group and regional
  partners, never one country's own ministries, agencies or local authorities, so its gap is left out of a brief
  whose chosen addressees are all such national bodies (``_bears_on``).

Partial dates stand for their first day, as everywhere else in the tracker.

The brief is built in a language (``lang``, a key of ``LANGUAGES``): short titles, theme and actor names in it
where the data has a translation (``read.translations``), English where not; the grouping and its headings in
it. Recommendation texts, rationales, source and evidence titles are quotations or records and stay as written.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections import defaultdict
from collections.abc import Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine

from models.tables import ACT, RT, R, S, T
from recommendations import dates, hierarchy, i18n, labels, settings, sql, status
from recommendations.dates import date_start
from recommendations.read import evidence, headlines, recurrence, stored, translations
from recommendations.read.brief import details, grouping, lines
from recommendations.read.brief.model import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    AddresseeStatus,
    Brief,
    BriefItem,
    Gap,
    LinkedEntry,
)
from recommendations.read.brief.questions import questions_for
from recommendations.read.filters import Filters
from recommendations.read.selection import OVERLAP
from recommendations.vocabulary import ActorType, SourceKind, Status

#: Documents addressed to governments as a group and regional partners, never to one country's own bodies.
REGIONAL_KINDS = frozenset({SourceKind.AFML})
#: One country's own bodies: its ministries and agencies (and the government as a whole) and its local authorities.
NATIONAL_BODIES = frozenset({ActorType.GOVERNMENT_ORIGIN, ActorType.LOCAL_AUTHORITY})


def _by_rec(rows: list[dict[str, Any]], key: str = "recommendation_id") -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        out[row[key]].append(row)
    return out


def _chosen(ids: list[str], names: dict[str, str]) -> list[tuple[str, str]]:
    """(id, name) for the chosen ids, in the order chosen; unknown ids are dropped."""
    return [(i, names[i]) for i in dict.fromkeys(ids) if i in names]


def _matching(engine: Engine, themes: list[str], addressees: list[str], combine: str) -> list[dict[str, Any]]:
    """Recommendations the shared filters select for these themes and addressees (either list may be empty); the
    texts of those a brief details are read with their details (``details.add_texts``)."""
    chosen = Filters(themes=themes, addressees=addressees, combine=combine).matching(
        by_index=status.picks_by_index(engine)
    )
    statement = (
        select(
            R.c.id, R.c.title, R.c.kind, R.c.source_id, S.c.title.label("source_title"), S.c.date.label("source_date"),
            S.c.date_start,
        )
        .join(S, S.c.id == R.c.source_id)
        .where(R.c.id.in_(chosen))
        .order_by(S.c.date_start, R.c.source_id, R.c.position)
    )  # fmt: skip
    return sql.rows(engine, statement)


def build_brief(
    engine: Engine,
    *,
    themes: list[str],
    addressees: list[str],
    meeting_date: dt.date,
    today: dt.date | None = None,
    lang: str = DEFAULT_LANGUAGE,
    organisation: str | None = None,
    combine: str = OVERLAP,
    detailed: int | None = None,
) -> Brief:
    """The open recommendations on the chosen themes / addressees as they stood on ``meeting_date``, as the
    public sees them (published assessments and the evidence the public may see: ``visibility.PUBLIC``).

    Within the chosen themes (any of them) and addressees (any of them); empty lists mean no restriction.
    ``organisation`` issues the brief (default: the setting ``organisation``); ``lang`` is a key of LANGUAGES.
    Themes: any of them; addressees: any of them, or what they are part of (the hierarchy);
    both (``combine="overlap"``) or either (``"either"``); empty lists mean no restriction.
    ``detailed``: a preview (the page's), in which only the first ``detailed`` recommendations, in the brief's
    order, carry their text, history, evidence entries, links and questions (see ``Brief.detailed``); its counts
    are the whole brief's.
    """
    if lang not in LANGUAGES:
        raise ValueError(f"no brief in {lang!r}; choose one of: {', '.join(LANGUAGES)}")
    with _collector_paused():  # see there
        meeting = dates.as_date(meeting_date)
        words = _Words(engine, lang)
        theme_labels, actor_labels = _chosen(themes, words.themes), _chosen(addressees, words.actors.full)
        everything = not theme_labels and not actor_labels
        # A preview on everything reads the newest evidence of every recommendation (for its stale count) beside the
        # rest (``sql.beside``): 50,000 in-process, 3.8-4.5 -> 3.4-3.6 s (each read is slower side by side); as of
        # today, what an earlier brief stored (``read.stored``).
        newest = sql.beside(stored.newest_evidence, engine, meeting) if everything and detailed is not None else None
        reach = hierarchy.reach(engine, [a for a, _ in actor_labels])
        matching = _matching(engine, [t for t, _ in theme_labels], [a for a, _ in actor_labels], combine)
        made = [r for r in matching if dates.as_date(r["date_start"]) <= meeting]
        ids = [r["id"] for r in made]
        # A brief on everything lists (nearly) every recommendation: its queries ask for all of them rather than bind a
        # list of every id (at 50,000 the list cost a second more); the answers are looked up by id.
        every = None if everything else ids
        # A preview judged by the overall status (no addressee chosen) needs each addressee's own status only for the
        # recommendations it details (``_add_details``): the rule's overall answer is read alone for the rest.
        lean = detailed is not None and not reach.chosen
        verdicts = status.Statuses({}) if lean else status.statuses(engine, meeting, every)  # the rule once
        overall = stored.overall_statuses(engine, meeting, every) if lean else {}  # stored: on everything, today
        items, commitments = [], 0
        for row in made:
            statuses = verdicts.addressees(row["id"])
            verdict = overall.get(row["id"]) if lean else _verdict(verdicts, row["id"], reach)
            if not status.is_ask(row["kind"]):
                commitments += 1
            elif status.is_open_ask(verdict.status if verdict else Status.NOT_ASSESSED, row["kind"]):
                items.append(_item(row, statuses, verdict, words))
                through = reach.through(s.actor_id for s in statuses)
                items[-1].asked_as_a_whole = labels.as_a_whole(
                    [words.actors.label.get(w, w) for w in through], lang=lang
                )
        every_theme = detailed is None or bool(theme_labels)  # grouped by theme, or a whole brief
        chains = _add_core(engine, items, meeting, words, newest=detailed is not None, dated=newest, themes=every_theme)
        brief = Brief(
            meeting_date=meeting,
            generated_on=today or dt.date.today(),
            themes=theme_labels,
            addressees=actor_labels,
            grouping="",
            groups=[],
            closed=len(made) - len(items) - commitments,
            commitments=commitments,
            later=len(matching) - len(made),
            gaps=_gaps(engine, meeting, [a for a, _ in actor_labels]),
            organisation=settings.current().organisation if organisation is None else organisation,
            lang=lang,
            combine=combine,
            wider=_chosen(list(reach.wider), words.actors.full),
        )
        brief.grouping, brief.groups = grouping.group(items, theme_labels, actor_labels, brief.wider, lang)
        brief.detailed = detailed
        _add_details(engine, brief.items[:detailed], meeting, words, chains, addressees=lean, themes=not every_theme)
        return brief


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector paused while a brief is built. The brief makes objects for every open
    recommendation (its item, the rows read for it), none of them in a cycle, and the collector's passes over them
    were a third of the build (in-process, 10,000: 1.0-1.1 -> 0.7 s; 50,000: 5.2-5.6 -> 3.6-3.9 s). It is
    process-wide, so only the caller that paused it turns it back on (another thread's pause in between ends when
    the first does)."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


class _Words:
    """The data's words in the brief's language, read once: theme and actor names, short titles (English where
    there is no translation; in an English brief, short titles come with the rows themselves)."""

    def __init__(self, engine: Engine, lang: str) -> None:
        self.lang = lang
        self.themes = translations.texts(engine, "theme", "name", lang)
        self.actors = translations.actor_names(engine, lang)
        english = lang == i18n.SOURCE_LANGUAGE
        self._titles = {} if english else translations.texts(engine, "recommendation", "title", lang)

    def title(self, rec_id: str, english: str) -> str:
        return self._titles.get(rec_id, english)


# --- the hierarchy: a chosen addressee takes in what it is part of ----------------------------------------


def _verdict(verdicts: status.Statuses, rec_id: str, reach: hierarchy.Reach) -> status.AddresseeStatus | None:
    """The status the brief judges an ask by: for the chosen addressees it names; else for what they are part
    of that it names (an ask of the Government as a whole); else (no addressee chosen, or chosen by theme
    alone under "either") the overall status."""
    if not reach.chosen:
        return verdicts.overall(rec_id)
    named = [a.actor_id for a in verdicts.addressees(rec_id)]
    return (
        verdicts.for_addressees(rec_id, reach.chosen)
        or verdicts.for_addressees(rec_id, reach.through(named))
        or verdicts.overall(rec_id)
    )


def _item(
    row: dict[str, Any],
    statuses: list[status.AddresseeStatus],
    verdict: status.AddresseeStatus | status.Overall | None,
    words: _Words,
) -> BriefItem:
    names = words.actors
    item = BriefItem(
        id=row["id"],
        title=words.title(row["id"], row["title"]),
        text="",  # ``details.add_texts``: read for the recommendations the brief details
        source_id=row["source_id"],
        source_title=row["source_title"],
        source_date=row["source_date"],
        first_raised=row["source_date"],
    )
    if verdict is not None and verdict.assessed:
        item.status = verdict.status
        item.status_date = verdict.as_of
        item.status_assessor = names.name.get(verdict.assessor_id or "", verdict.assessor_id)
        item.status_assessment_id = verdict.assessment_id
    _add_addressees(item, statuses, verdict, words)
    return item


def _add_addressees(
    item: BriefItem,
    statuses: list[status.AddresseeStatus],
    verdict: status.AddresseeStatus | status.Overall | None,
    words: _Words,
) -> None:
    """The item's addressees and each one's status, and which of them its status was judged for."""
    names = words.actors
    item.statuses = tuple(
        AddresseeStatus(
            id=s.actor_id,
            label=names.full.get(s.actor_id, s.actor_id),
            inferred=s.inferred,
            status=s.status,
            as_of=s.as_of,
            assessor=names.name.get(s.assessor_id) if s.assessor_id else None,
            scoped=s.scope_id is not None,
        )
        for s in statuses
    )
    if verdict is not None and verdict.assessed and verdict.scope_id and len(statuses) > 1:
        item.status_scope = names.label.get(verdict.scope_id, verdict.scope_id)  # judged for one of several: say which
    item.addressee_ids = tuple(s.id for s in item.statuses)
    item.addressees = tuple(lines.inferred(s.label, words.lang) if s.inferred else s.label for s in item.statuses)


def _chains(engine: Engine, ids: list[str], meeting: dt.date) -> dict[str, list[dict[str, Any]]]:
    """Each listed recommendation's chain (``recurrence.raised``), among recommendations made by the meeting."""
    return recurrence.raised(engine, ids, meeting)


def _add_core(
    engine: Engine,
    items: list[BriefItem],
    meeting: dt.date,
    words: _Words,
    *,
    newest: bool,
    dated: Future[dict[str, dt.date]] | None = None,
    themes: bool = True,
) -> dict[str, list[dict[str, Any]]]:
    """What every listed recommendation needs for the counts, the grouping and the chronic asks: its chain, its
    themes (``themes``: when the grouping needs them) and, for a preview (``newest``), the date of its newest
    evidence (one query each, or ``dated``, already asked for; a whole brief takes that date from the entries
    ``_add_details`` reads). Returns the chains, for ``_add_details``."""
    if not items:
        if dated is not None:
            dated.result()  # its error, if any, is the brief's
        return {}
    ids = [item.id for item in items]
    if themes:
        _add_themes(engine, items, words)
    chains = _chains(engine, ids, meeting)
    newest_of = dated.result() if dated is not None else evidence.newest(engine, ids, as_of=meeting) if newest else {}
    for item in items:
        item.newest_evidence = newest_of.get(item.id)
        chain = chains.get(item.id, [])
        item.times_raised = recurrence.times_raised(chain)
        if chain:
            item.first_raised = chain[0]["source_date"]
        documents = {c["source_id"]: c["source_date"] for c in chain}  # the same count as times_raised
        item.meetings = tuple(sorted(documents.values(), key=dates.date_start)) or (item.source_date,)
        item.raised_ids = tuple(c["member"] for c in chain) or (item.id,)
    return chains


def _add_themes(engine: Engine, items: list[BriefItem], words: _Words) -> None:
    ids = [item.id for item in items]
    statement = (
        select(RT.c.recommendation_id, T.c.id, T.c.name)
        .join(T, T.c.id == RT.c.theme_id)
        .where(sql.in_ids(RT.c.recommendation_id, ids))
        .order_by(RT.c.recommendation_id, T.c.name)
    )
    themes = _by_rec(sql.rows(engine, statement))
    for item in items:
        item.theme_ids = [t["id"] for t in themes.get(item.id, [])]
        item.themes = [words.themes.get(t["id"], t["name"]) for t in themes.get(item.id, [])]


def _add_details(
    engine: Engine,
    items: list[BriefItem],
    meeting: dt.date,
    words: _Words,
    chains: dict[str, list[dict[str, Any]]],
    *,
    addressees: bool = False,
    themes: bool = False,
) -> None:
    """Texts, history, evidence entries, links and questions of these recommendations (one query each);
    ``addressees``: each addressee's status too (a preview judged overall read only the overall status of the
    rest); ``themes``: their themes too (a preview whose grouping needs none read no others)."""
    if not items:
        return
    ids = [item.id for item in items]
    details.add_texts(engine, items)
    if themes:
        _add_themes(engine, items, words)
    if addressees:
        verdicts = status.statuses(engine, meeting, ids)
        for item in items:
            _add_addressees(item, verdicts.addressees(item.id), verdicts.overall(item.id), words)
    history = details.history(engine, ids, meeting, words.actors)
    entries = details.evidence(engine, ids, meeting)
    direct = details.direct(engine, ids)
    for item in items:
        item.history = history.get(item.id, [])
        item.status_entry = next((h for h in item.history if h.id == item.status_assessment_id), None)
        item.evidence = entries.get(item.id, [])
        item.newest_evidence = date_start(item.evidence[0].date) if item.evidence else None  # newest first
        item.linked = [
            LinkedEntry(
                c["member"],
                words.title(c["member"], c["title"]),
                c["source_title"],
                c["source_date"],
                direct.get((item.id, c["member"])),
            )
            for c in chains.get(item.id, [])
            if c["member"] != item.id
        ]
        item.questions = questions_for(item, meeting, words.lang)


def _bears_on(kind: str, chosen_types: set[str]) -> bool:
    """Whether the missing texts of a document of this kind could hold asks of the chosen addressees (of these
    actor types; none chosen: anyone). See the module's docstring."""
    return not chosen_types or kind not in REGIONAL_KINDS or not chosen_types <= NATIONAL_BODIES


def _gaps(engine: Engine, meeting: dt.date, addressees: list[str]) -> list[Gap]:
    """Known gaps in sources dated on or before the meeting whose missing texts could bear on the selection."""
    frame = headlines.gaps(engine)
    chosen = select(ACT.c.type).where(sql.in_ids(ACT.c.id, addressees))
    types = {str(r["type"]) for r in sql.rows(engine, chosen)} if addressees else set()
    return [
        Gap(
            str(g["title"]),
            str(g["date"]),
            None if g["expected"] is None else int(g["expected"]),
            int(g["recorded"]),
            g["gap_note"] if isinstance(g["gap_note"], str) else None,
        )
        for g in frame.to_dict("records")
        if date_start(str(g["date"])) <= meeting and _bears_on(str(g["kind"]), types)
    ]
