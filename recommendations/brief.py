"""Meeting brief: the open recommendations on chosen themes or addressees, as they stood on a meeting date.

Plain Python (no Streamlit). ``build_brief`` reads the database and returns a ``Brief`` (plain data);
``brief_markdown``, ``brief_docx`` and ``brief_rows`` render it. Everything is "as of" the meeting date:

- a recommendation counts if its source is dated on or before the meeting date;
- its status is its latest *published* assessment whose as-of date is on or before the meeting date (same
  ordering as the current status in ``queries``); none means "not assessed";
- it is listed when that status is open (``schema.OPEN_STATUSES``);
- evidence counts if it is dated on or before the meeting date and is cited by a published assessment or
  linked to the recommendation directly;
- "times raised" counts the documents (meetings) in which the ask was made: the recommendation itself, the
  earlier ones it repeats or follows up and the later ones that repeat it, each directly or through others
  (``recurrence``'s lineage rule: links are followed from later to earlier, or from earlier to later, never
  both in one path, so different asks that a broad later recommendation combines stay apart), counting only
  recommendations made on or before the meeting date.

Partial dates ("2019-07") count from their first day, as everywhere else in the tracker.
Suggested questions come from the fixed rules in ``QUESTION_RULES``, so a reader can see why each was asked.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import Date, bindparam, text
from sqlalchemy.engine import Engine

from recommendations import markdown, queries
from recommendations.schema import OPEN_STATUSES, PARTIAL_DATE, STATUS_LABELS, Status, date_end, date_start

STALE_YEARS = 2

QUESTION_RULES: dict[str, str] = {
    "repeated": "raised more than once and still open",
    "not_assessed": "no published assessment on or before the meeting date",
    "no_progress": "latest assessment: no progress",
    "in_progress": "latest assessment: in progress",
    "partially_implemented": "latest assessment: partially implemented",
    "stale_evidence": f"latest evidence more than {STALE_YEARS} years before the meeting",
}

STATUS_NOTE = (
    "Statuses are desk-review assessments: each is a dated judgement by the named assessor, resting on cited "
    "evidence. “Not assessed” means no assessment is on record by the meeting date, not that nothing has "
    "happened. Recommendation texts are quoted verbatim from their sources; titles are the curators' own."
)
QUESTIONS_NOTE = "Generated from the data by fixed rules (the rule is named after each question); check before use."


# --- plain data -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryEntry:
    as_of: str
    status: str
    assessor: str
    rationale: str
    addressee: str | None = None

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)


@dataclass(frozen=True)
class EvidenceEntry:
    id: str
    title: str
    date: str
    url: str | None = None
    citation: str | None = None
    source_title: str | None = None

    @property
    def reference(self) -> str:
        """Where to find it: the url, else the citation, else the source document."""
        return self.url or self.citation or (f"Source document: {self.source_title}" if self.source_title else "")


@dataclass(frozen=True)
class LinkedEntry:
    id: str
    title: str
    source_title: str
    date: str
    relation: str | None = None  # for a direct link, e.g. "this follows it up"; None when linked through others

    @property
    def how(self) -> str:
        return self.relation or "linked only through other recommendations"


@dataclass(frozen=True)
class Question:
    rule: str  # a key of QUESTION_RULES
    text: str


@dataclass
class BriefItem:
    id: str
    title: str
    text: str
    source_id: str
    source_title: str
    source_date: str
    lead_in: str | None = None
    number: str | None = None
    section: str | None = None
    problems: list[str] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)  # names
    theme_ids: list[str] = field(default_factory=list)
    addressees: list[str] = field(default_factory=list)  # labels, "(inferred)" where the text names none
    addressee_ids: list[str] = field(default_factory=list)
    status: str = Status.NOT_ASSESSED.value
    status_date: str | None = None
    status_assessor: str | None = None
    history: list[HistoryEntry] = field(default_factory=list)  # oldest first
    evidence: list[EvidenceEntry] = field(default_factory=list)  # newest first
    times_raised: int = 1
    first_raised: str = ""
    linked: list[LinkedEntry] = field(default_factory=list)  # the other recommendations of its chain, oldest first
    questions: list[Question] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def quote(self) -> str:
        """The verbatim text, with the sentence it completes when there is one."""
        return f"{self.lead_in} … {self.text}" if self.lead_in else self.text

    @property
    def latest_evidence(self) -> EvidenceEntry | None:
        return self.evidence[0] if self.evidence else None


@dataclass
class BriefGroup:
    title: str
    items: list[BriefItem] = field(default_factory=list)


@dataclass(frozen=True)
class Gap:
    title: str
    date: str
    expected: int
    recorded: int
    note: str | None = None

    @property
    def missing(self) -> int:
        return self.expected - self.recorded


@dataclass
class Brief:
    meeting_date: dt.date
    generated_on: dt.date
    themes: list[tuple[str, str]]  # (id, name) as chosen
    addressees: list[tuple[str, str]]
    grouping: str
    groups: list[BriefGroup]
    closed: int = 0  # matching, made by the meeting date, but implemented / not applicable by then
    later: int = 0  # matching, but made after the meeting date
    gaps: list[Gap] = field(default_factory=list)

    @property
    def items(self) -> list[BriefItem]:
        return [item for group in self.groups for item in group.items]

    @property
    def status_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for item in self.items:
            counts[item.status] = counts.get(item.status, 0) + 1
        return {s: counts[s] for s in STATUS_LABELS if s in counts}

    @property
    def selection(self) -> str:
        """The filters in words."""
        themes = " or ".join(name for _, name in self.themes) or "all themes"
        actors = " or ".join(name for _, name in self.addressees) or "anyone"
        return f"Themes: {themes}. Asked of: {actors}."


# --- reading the database ---------------------------------------------------------------------------------


def _fetch(engine: Engine, sql: str, **params: object) -> list[dict]:
    binds = [
        bindparam(name, expanding=True) if isinstance(value, list | tuple) else bindparam(name, type_=Date)
        for name, value in params.items()
        if isinstance(value, list | tuple | dt.date)
    ]
    with engine.connect() as conn:
        return [dict(row._mapping) for row in conn.execute(text(sql).bindparams(*binds), params)]


def _matching(engine: Engine, themes: list[str], addressees: list[str]) -> list[dict]:
    """Recommendations on any chosen theme and asked of any chosen addressee (either list may be empty)."""
    where, params = ["1 = 1"], {}
    if themes:
        where.append(
            "EXISTS (SELECT 1 FROM recommendation_theme rt"
            " WHERE rt.recommendation_id = r.id AND rt.theme_id IN :themes)"
        )
        params["themes"] = themes
    if addressees:
        where.append(
            "EXISTS (SELECT 1 FROM addressee ad WHERE ad.recommendation_id = r.id AND ad.actor_id IN :addressees)"
        )
        params["addressees"] = addressees
    return _fetch(
        engine,
        f"""SELECT r.id, r.title, r.number, r.section, r.lead_in, r.text, r.problems, r.source_id,
                   s.title AS source_title, s.date AS source_date, s.date_start
            FROM recommendation r JOIN source s ON s.id = r.source_id
            WHERE {" AND ".join(where)}
            ORDER BY s.date_start, r.source_id, r.position""",
        **params,
    )


_HISTORY = """
    SELECT a.recommendation_id, a.status, a.as_of, ac.name AS assessor, ad.name AS addressee, a.rationale
    FROM assessment a JOIN actor ac ON ac.id = a.assessor_id LEFT JOIN actor ad ON ad.id = a.addressee_id
    WHERE a.visibility = 'published' AND a.as_of_start <= :meeting AND a.recommendation_id IN :ids
    ORDER BY a.recommendation_id, a.as_of_start, a.recorded_at, a.id
"""

_EVIDENCE = """
    SELECT x.recommendation_id, e.id, e.title, e.date, e.date_start, e.url, e.citation, s.title AS source_title
    FROM (
        SELECT a.recommendation_id, ae.evidence_id FROM assessment a
          JOIN assessment_evidence ae ON ae.assessment_id = a.id
         WHERE a.visibility = 'published' AND a.recommendation_id IN :ids
        UNION
        SELECT er.recommendation_id, er.evidence_id FROM evidence_recommendation er WHERE er.recommendation_id IN :ids
    ) x
    JOIN evidence e ON e.id = x.evidence_id LEFT JOIN source s ON s.id = e.source_id
    WHERE e.date_start <= :meeting
    ORDER BY x.recommendation_id, e.date_start DESC, e.id
"""

# The recommendations each listed one repeats or follows up (up) and those that repeat it (down), directly
# or through others, among those made on or before the meeting date. UNION (not UNION ALL) ends the recursion.
_CHAINS = """
    WITH RECURSIVE edge(later, earlier) AS (
        SELECT l.source_id, l.target_id FROM recommendation_link l
          JOIN recommendation r1 ON r1.id = l.source_id JOIN source s1 ON s1.id = r1.source_id
          JOIN recommendation r2 ON r2.id = l.target_id JOIN source s2 ON s2.id = r2.source_id
         WHERE s1.date_start <= :meeting AND s2.date_start <= :meeting
    ),
    up(root, member) AS (
        SELECT CAST(r.id AS VARCHAR(80)), CAST(r.id AS VARCHAR(80)) FROM recommendation r WHERE r.id IN :ids
        UNION
        SELECT up.root, CAST(e.earlier AS VARCHAR(80)) FROM up JOIN edge e ON e.later = up.member
    ),
    down(root, member) AS (
        SELECT CAST(r.id AS VARCHAR(80)), CAST(r.id AS VARCHAR(80)) FROM recommendation r WHERE r.id IN :ids
        UNION
        SELECT down.root, CAST(e.later AS VARCHAR(80)) FROM down JOIN edge e ON e.earlier = down.member
    ),
    chain(root, member) AS (SELECT root, member FROM up UNION SELECT root, member FROM down)
    SELECT chain.root, chain.member, r.title, r.source_id, s.title AS source_title, s.date AS source_date
    FROM chain JOIN recommendation r ON r.id = chain.member JOIN source s ON s.id = r.source_id
    ORDER BY chain.root, s.date_start, r.source_id, r.position
"""

_DIRECT = """
    SELECT l.source_id AS rec, l.target_id AS other, l.kind, 1 AS later FROM recommendation_link l
     WHERE l.source_id IN :ids
    UNION ALL
    SELECT l.target_id AS rec, l.source_id AS other, l.kind, 0 AS later FROM recommendation_link l
     WHERE l.target_id IN :ids
"""
# How a direct link reads from the listed recommendation: (it is the later one, kind) -> words.
_RELATION = {
    (1, "repeats"): "this repeats it",
    (1, "follows_up"): "this follows it up",
    (1, "supersedes"): "this supersedes it",
    (0, "repeats"): "repeats this",
    (0, "follows_up"): "follows this up",
    (0, "supersedes"): "supersedes this",
}


def _by_rec(rows: list[dict], key: str = "recommendation_id") -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        out[row[key]].append(row)
    return out


def _labels(engine: Engine, table: str, ids: list[str]) -> list[tuple[str, str]]:
    """(id, name) for the chosen ids, in the order chosen; unknown ids keep their id as name."""
    if not ids:
        return []
    columns = "id, name, NULL AS acronym" if table == "theme" else "id, name, acronym"
    rows = _fetch(engine, f"SELECT {columns} FROM {table} WHERE id IN :ids", ids=ids)
    names = {r["id"]: r["name"] + (f" ({r['acronym']})" if r["acronym"] else "") for r in rows}
    return [(i, names.get(i, i)) for i in dict.fromkeys(ids)]


def build_brief(
    engine: Engine,
    *,
    themes: list[str],
    addressees: list[str],
    meeting_date: dt.date,
    today: dt.date | None = None,
) -> Brief:
    """The open recommendations on the chosen themes / addressees as they stood on ``meeting_date``.

    Within the chosen themes (any of them) and addressees (any of them); empty lists mean no restriction.
    """
    meeting = queries.as_date(meeting_date)
    theme_labels, actor_labels = _labels(engine, "theme", themes), _labels(engine, "actor", addressees)
    matching = _matching(engine, [t for t, _ in theme_labels], [a for a, _ in actor_labels])
    made = [r for r in matching if queries.as_date(r["date_start"]) <= meeting]
    ids = [r["id"] for r in made]
    history = _by_rec(_fetch(engine, _HISTORY, ids=ids, meeting=meeting)) if ids else {}
    open_rows = [r for r in made if _status_of(history.get(r["id"], [])) in OPEN_STATUSES]
    items = [_item(row, history.get(row["id"], [])) for row in open_rows]
    _add_details(engine, items, meeting)
    for item in items:
        item.questions = questions_for(item, meeting)
    brief = Brief(
        meeting_date=meeting,
        generated_on=today or dt.date.today(),
        themes=theme_labels,
        addressees=actor_labels,
        grouping="",
        groups=[],
        closed=len(made) - len(open_rows),
        later=len(matching) - len(made),
        gaps=_gaps(engine, meeting),
    )
    brief.grouping, brief.groups = _group(items, theme_labels, actor_labels)
    return brief


def _status_of(history: list[dict]) -> str:
    """Latest published assessment (history is oldest first), or not assessed."""
    return history[-1]["status"] if history else Status.NOT_ASSESSED.value


def _item(row: dict, history: list[dict]) -> BriefItem:
    problems = row["problems"]
    if isinstance(problems, str):
        problems = json.loads(problems)
    item = BriefItem(
        id=row["id"],
        title=row["title"],
        text=row["text"],
        lead_in=row["lead_in"],
        number=row["number"],
        section=row["section"],
        problems=list(problems or []),
        source_id=row["source_id"],
        source_title=row["source_title"],
        source_date=row["source_date"],
        first_raised=row["source_date"],
        history=[HistoryEntry(h["as_of"], h["status"], h["assessor"], h["rationale"], h["addressee"]) for h in history],
    )
    if item.history:
        latest = item.history[-1]
        item.status, item.status_date, item.status_assessor = latest.status, latest.as_of, latest.assessor
    return item


def _add_details(engine: Engine, items: list[BriefItem], meeting: dt.date) -> None:
    """Themes, addressees, evidence and chains of the listed recommendations (one query each)."""
    if not items:
        return
    ids = [item.id for item in items]
    themes = _by_rec(
        _fetch(
            engine,
            """SELECT rt.recommendation_id, t.id, t.name FROM recommendation_theme rt JOIN theme t ON t.id = rt.theme_id
               WHERE rt.recommendation_id IN :ids ORDER BY rt.recommendation_id, t.name""",
            ids=ids,
        )
    )
    actors = _by_rec(
        _fetch(
            engine,
            """SELECT ad.recommendation_id, a.id, a.name, a.acronym, ad.inferred FROM addressee ad
               JOIN actor a ON a.id = ad.actor_id WHERE ad.recommendation_id IN :ids
               ORDER BY ad.recommendation_id, ad.position""",
            ids=ids,
        )
    )
    evidence = _by_rec(_fetch(engine, _EVIDENCE, ids=ids, meeting=meeting))
    chains = _by_rec(_fetch(engine, _CHAINS, ids=ids, meeting=meeting), key="root")
    direct = {
        (d["rec"], d["other"]): _RELATION.get((int(d["later"]), d["kind"]), d["kind"])
        for d in _fetch(engine, _DIRECT, ids=ids)
    }
    for item in items:
        item.theme_ids = [t["id"] for t in themes.get(item.id, [])]
        item.themes = [t["name"] for t in themes.get(item.id, [])]
        item.addressee_ids = [a["id"] for a in actors.get(item.id, [])]
        item.addressees = [
            a["name"] + (f" ({a['acronym']})" if a["acronym"] else "") + (" (inferred)" if a["inferred"] else "")
            for a in actors.get(item.id, [])
        ]
        item.evidence = [
            EvidenceEntry(e["id"], e["title"], e["date"], e["url"], e["citation"], e["source_title"])
            for e in evidence.get(item.id, [])
        ]
        chain = chains.get(item.id, [])
        item.times_raised = max(1, len({c["source_id"] for c in chain}))
        if chain:
            item.first_raised = chain[0]["source_date"]
        item.linked = [
            LinkedEntry(
                c["member"], c["title"], c["source_title"], c["source_date"], direct.get((item.id, c["member"]))
            )
            for c in chain
            if c["member"] != item.id
        ]


def _gaps(engine: Engine, meeting: dt.date) -> list[Gap]:
    """Known gaps in sources dated on or before the meeting (their missing texts may bear on any theme)."""
    frame = queries.gaps(engine)
    return [
        Gap(str(g.title), str(g.date), int(g.expected), int(g.recorded), None if pd.isna(g.gap_note) else g.gap_note)
        for g in frame.itertuples()
        if date_start(str(g.date)) <= meeting
    ]


def _group(
    items: list[BriefItem], themes: list[tuple[str, str]], actors: list[tuple[str, str]]
) -> tuple[str, list[BriefGroup]]:
    """By chosen theme, else by chosen addressee, else by source; each recommendation once, oldest first."""
    if themes or actors:
        chosen, attr, what = (themes, "theme_ids", "theme") if themes else (actors, "addressee_ids", "addressee")
        groups = {key: BriefGroup(name) for key, name in chosen}
        for item in items:
            key = next((k for k, _ in chosen if k in getattr(item, attr)), chosen[0][0])
            groups[key].items.append(item)
        note = f"Grouped by {what}; a recommendation on several of the chosen {what}s is listed once, under the first."
        return note, list(groups.values())
    by_source: dict[str, BriefGroup] = {}
    for item in items:
        by_source.setdefault(
            item.source_id, BriefGroup(f"{human_date(item.source_date)} · {item.source_title}")
        ).items.append(item)
    return "Grouped by source, oldest first.", list(by_source.values())


# --- suggested questions --------------------------------------------------------------------------------


def _year(partial_date: str | None) -> str:
    return (partial_date or "")[:4]


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def questions_for(item: BriefItem, meeting: dt.date) -> list[Question]:
    """Follow-up questions from fixed, named rules (see QUESTION_RULES)."""
    topic = f"“{item.title}”"
    out: list[Question] = []
    if item.times_raised > 1:
        dates = [item.first_raised, item.source_date, *(link.date for link in item.linked)]
        out.append(
            Question(
                "repeated",
                f"This was first asked in {_year(item.first_raised)} and has been raised at {item.times_raised} "
                f"meetings or documents in all, most recently in {_year(max(dates))}. "
                f"What is the timeline for {topic}?",
            )
        )
    latest = item.history[-1] if item.history else None
    by = f"{latest.assessor}, {human_date(latest.as_of)}" if latest else ""
    if item.status == Status.NOT_ASSESSED:
        if item.evidence:
            found = (
                f"No assessment of progress is on record, though {len(item.evidence)} evidence item(s) bear on it "
                f"(latest from {_year(item.evidence[0].date)})."
            )
        else:
            found = "No evidence of progress is on record."
        out.append(Question("not_assessed", f"{found} Which body is responsible for {topic}, and what has been done?"))
    elif item.status == Status.NO_PROGRESS and latest:
        out.append(
            Question(
                "no_progress",
                f"The latest assessment ({by}) found no progress: “{latest.rationale}” "
                "What stands in the way, and who will act on it?",
            )
        )
    elif item.status == Status.IN_PROGRESS and latest:
        out.append(
            Question(
                "in_progress",
                f"Steps were under way as of {human_date(latest.as_of)} ({latest.assessor}). "
                f"What remains to be done for {topic}, and by when?",
            )
        )
    elif item.status == Status.PARTIALLY_IMPLEMENTED and latest:
        out.append(
            Question(
                "partially_implemented",
                f"The latest assessment ({by}) found this partially implemented: “{latest.rationale}” "
                "What is being done about the part that is still missing, and by when?",
            )
        )
    newest = item.latest_evidence
    if newest and date_end(newest.date) < _years_before(meeting, STALE_YEARS):
        out.append(
            Question("stale_evidence", f"The latest evidence is from {_year(newest.date)}. What has changed since?")
        )
    return out


# --- output -----------------------------------------------------------------------------------------------

_MONTHS = "January February March April May June July August September October November December".split()


def human_date(value: str | dt.date | None) -> str:
    """'2019-07-30' -> '30 July 2019', '2019-07' -> 'July 2019', '2019' -> '2019'."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.date):
        value = value.isoformat()
    match = PARTIAL_DATE.match(str(value))
    if not match:
        return str(value)
    year, month, day = match.groups()
    if not month:
        return year
    return f"{int(day)} {_MONTHS[int(month) - 1]} {year}" if day else f"{_MONTHS[int(month) - 1]} {year}"


md_escape = markdown.escape
safe_url = markdown.safe_url
md_link = markdown.link


def _evidence_md(entry: EvidenceEntry) -> str:
    when = md_escape(human_date(entry.date))
    if safe_url(entry.url):
        return f"{md_link(entry.title, entry.url)} ({when})"
    ref = entry.reference
    return f"{md_escape(entry.title)} ({when})" + (f" — {md_escape(ref)}" if ref else "")


def header_lines(brief: Brief) -> list[str]:
    """Plain-text header facts shared by Markdown and DOCX."""
    counts = brief.status_counts
    by_status = ", ".join(f"{n} {STATUS_LABELS[s].lower()}" for s, n in counts.items())
    sources = len({item.source_id for item in brief.items})
    repeated = sum(1 for item in brief.items if item.times_raised > 1)
    lines = [
        brief.selection,
        f"Meeting date: {human_date(brief.meeting_date)}. Generated: {human_date(brief.generated_on)}.",
        f"Open recommendations: {len(brief.items)} from {sources} source(s)"
        + (f" ({by_status}); {repeated} raised more than once." if brief.items else "."),
    ]
    if brief.closed or brief.later:
        lines.append(
            f"Not listed: {brief.closed} matching recommendation(s) implemented or not applicable by the meeting "
            f"date; {brief.later} made after it."
        )
    lines.append(brief.grouping)
    return lines


def empty_message(brief: Brief) -> str:
    return f"No open recommendations on this selection as of {human_date(brief.meeting_date)}."


def _gap_line(gap: Gap) -> str:
    return (
        f"{gap.title} ({human_date(gap.date)}): {gap.expected} recommendation(s) known, {gap.recorded} held, "
        f"{gap.missing} missing." + (f" {gap.note}" if gap.note else "")
    )


def _status_value(item: BriefItem) -> str:
    value = item.status_label
    if item.status_date:
        value += f" (assessed as of {human_date(item.status_date)} by {item.status_assessor})"
    return value


def _raised_line(item: BriefItem) -> str:
    if item.times_raised == 1:
        return "Raised: once (no linked recommendation on record)"
    direct = sum(1 for x in item.linked if x.relation)
    return (
        f"Raised: at {item.times_raised} meetings or documents since {_year(item.first_raised)} "
        f"(this one and {len(item.linked)} linked: {direct} directly, {len(item.linked) - direct} through others)"
    )


def _linked_line(link: LinkedEntry) -> str:
    return f"{human_date(link.date)} · {link.title} ({link.id}) — {link.how}"


def _history_line(entry: HistoryEntry) -> str:
    about = f" (concerning {entry.addressee})" if entry.addressee else ""
    return f"{human_date(entry.as_of)} — {entry.status_label}{about} — {entry.assessor}: {entry.rationale}"


def brief_markdown(brief: Brief, *, title: bool = True) -> str:
    """The brief as Markdown; every piece of data is escaped, links only for http(s) addresses."""
    out: list[str] = []
    if title:
        out += [f"# Meeting brief — {md_escape(human_date(brief.meeting_date))}", ""]
    out += [md_escape(line) + "  " for line in header_lines(brief)]
    out += ["", f"*{md_escape(STATUS_NOTE)}*", ""]
    if brief.gaps:
        out += ["**Known gaps** (the missing texts may bear on this selection):", ""]
        out += [f"- {md_escape(_gap_line(gap))}" for gap in brief.gaps] + [""]
    if not brief.items:
        out += [f"**{md_escape(empty_message(brief))}**", ""]
    for group in brief.groups:
        out += [f"## {md_escape(group.title)} ({len(group.items)})", ""]
        if not group.items:
            out += [md_escape(f"No open recommendations on {group.title} as of {human_date(brief.meeting_date)}."), ""]
        for item in group.items:
            out += _item_markdown(item, brief.meeting_date)
    return "\n".join(out).rstrip() + "\n"


def _item_markdown(item: BriefItem, meeting: dt.date) -> list[str]:
    out = [f"### {md_escape(item.title)}", "", f"> {md_escape(item.quote)}"]
    out += [">", *(f"> - {md_escape(p)}" for p in item.problems)] if item.problems else []
    source = f"{item.source_title} ({human_date(item.source_date)})" + (f", {item.number}" if item.number else "")
    out += [
        "",
        f"- **Source:** {md_escape(source)}",
        f"- **Asked of:** {md_escape('; '.join(item.addressees) or 'not recorded')}",
        f"- **Themes:** {md_escape('; '.join(item.themes))}",
        f"- **Status on {md_escape(human_date(meeting))}:** {md_escape(_status_value(item))}",
        f"- **Raised:** {md_escape(_raised_line(item).removeprefix('Raised: '))}",
    ]
    for link in item.linked:
        out.append(f"  - {md_escape(_linked_line(link))}")
    newest = item.latest_evidence
    out.append(
        f"- **Latest evidence:** {_evidence_md(newest)}; {len(item.evidence)} item(s) on record"
        if newest
        else "- **Latest evidence:** none on record by the meeting date"
    )
    out += ["", "**Assessment history**", ""]
    out += [f"- {md_escape(_history_line(h))}" for h in item.history] or [
        "- No published assessment by the meeting date."
    ]
    if item.questions:
        out += ["", f"**Suggested questions** — *{md_escape(QUESTIONS_NOTE)}*", ""]
        out += [f"- {md_escape(q.text)} *\\(rule: {md_escape(QUESTION_RULES[q.rule])}\\)*" for q in item.questions]
    return [*out, ""]


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _plain(value: object) -> str:
    """Text Word can store (XML forbids most control characters)."""
    return _CONTROL.sub("", str(value))


def _add_hyperlink(paragraph, label: str, url: str) -> None:  # noqa: ANN001
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    rel = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rel)
    run = OxmlElement("w:r")
    props = OxmlElement("w:rPr")
    style = OxmlElement("w:rStyle")
    style.set(qn("w:val"), "Hyperlink")
    underline = OxmlElement("w:u")
    underline.set(qn("w:val"), "single")
    colour = OxmlElement("w:color")
    colour.set(qn("w:val"), "0563C1")
    props.extend([style, colour, underline])
    text_el = OxmlElement("w:t")
    text_el.text = _plain(label)
    text_el.set(qn("xml:space"), "preserve")
    run.extend([props, text_el])
    link.append(run)
    paragraph._p.append(link)


def _para(doc, text: str = "", style_id: str | None = None):  # noqa: ANN001
    """A paragraph with a built-in style given by id (python-docx's lookup by name rescans every style)."""
    para = doc.add_paragraph(_plain(text))
    if style_id:
        para._p.style = style_id
    return para


def brief_docx(brief: Brief) -> bytes:
    """The brief as a Word document: headings, quoted texts in the Quote style, a fact table per item."""
    from docx import Document
    from docx.shared import Pt

    doc = Document()
    doc.core_properties.title = f"Meeting brief {brief.meeting_date.isoformat()}"
    doc.core_properties.subject = _plain(brief.selection)
    _para(doc, f"Meeting brief — {human_date(brief.meeting_date)}", "Title")
    for line in header_lines(brief):
        _para(doc, line)
    _para(doc).add_run(STATUS_NOTE).italic = True
    if brief.gaps:
        _para(doc, "Known gaps", "Heading2")
        for gap in brief.gaps:
            _para(doc, _gap_line(gap), "ListBullet")
    if not brief.items:
        _para(doc).add_run(empty_message(brief)).bold = True
    for group in brief.groups:
        _para(doc, f"{group.title} ({len(group.items)})", "Heading1")
        if not group.items:
            _para(doc, f"No open recommendations on {group.title} as of {human_date(brief.meeting_date)}.")
        for item in group.items:
            _para(doc, item.title, "Heading2")
            _para(doc, item.quote, "Quote")
            for problem in item.problems:
                _para(doc, f"• {problem}", "Quote")
            _facts_table(doc, item, brief.meeting_date)
            _para(doc).add_run("Assessment history").bold = True
            for entry in item.history:
                _para(doc, _history_line(entry), "ListBullet")
            if not item.history:
                _para(doc, "No published assessment by the meeting date.", "ListBullet")
            if item.questions:
                para = _para(doc)
                para.add_run("Suggested questions").bold = True
                para.add_run(f" — {QUESTIONS_NOTE}").italic = True
                for question in item.questions:
                    rule = _para(doc, question.text, "ListBullet").add_run(f" (rule: {QUESTION_RULES[question.rule]})")
                    rule.italic, rule.font.size = True, Pt(9)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _facts_table(doc, item: BriefItem, meeting: dt.date) -> None:  # noqa: ANN001
    source = f"{item.source_title} ({human_date(item.source_date)})" + (f", {item.number}" if item.number else "")
    linked = "".join(f"\n{_linked_line(x)}" for x in item.linked)
    rows = [
        ("Source", source),
        ("Asked of", "; ".join(item.addressees) or "not recorded"),
        ("Themes", "; ".join(item.themes)),
        (f"Status on {human_date(meeting)}", _status_value(item)),
        ("Raised", _raised_line(item).removeprefix("Raised: ") + linked),
    ]
    table = doc.add_table(rows=0, cols=2)
    table._tbl.tblStyle_val = "TableGrid"
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].paragraphs[0].add_run(label).bold = True
        cells[1].text = _plain(value)
    cells = table.add_row().cells
    cells[0].paragraphs[0].add_run("Latest evidence").bold = True
    newest = item.latest_evidence
    para = cells[1].paragraphs[0]
    if newest is None:
        para.add_run("None on record by the meeting date")
        return
    para.add_run(_plain(f"{newest.title} ({human_date(newest.date)}); {len(item.evidence)} item(s) on record. "))
    url = safe_url(newest.url)
    if url:
        _add_hyperlink(para, url, url)
    elif newest.reference:
        para.add_run(_plain(newest.reference))


ROW_COLUMNS = [
    "group", "id", "title", "source", "date", "status_at_meeting", "status_date", "status_assessor",
    "times_raised", "first_raised", "linked_ids", "directly_linked_ids", "latest_evidence_title",
    "latest_evidence_date", "latest_evidence_url", "latest_evidence_citation", "evidence_count", "themes",
    "addressees", "text", "questions",
]  # fmt: skip


def brief_rows(brief: Brief) -> pd.DataFrame:
    """One row per listed recommendation (for CSV / XLSX; pass through export.to_csv_bytes / to_xlsx_bytes)."""
    rows = []
    for group in brief.groups:
        for item in group.items:
            newest = item.latest_evidence
            rows.append(
                {
                    "group": group.title,
                    "id": item.id,
                    "title": item.title,
                    "source": item.source_title,
                    "date": item.source_date,
                    "status_at_meeting": item.status_label,
                    "status_date": item.status_date or "",
                    "status_assessor": item.status_assessor or "",
                    "times_raised": item.times_raised,
                    "first_raised": item.first_raised,
                    "linked_ids": "; ".join(x.id for x in item.linked),
                    "directly_linked_ids": "; ".join(x.id for x in item.linked if x.relation),
                    "latest_evidence_title": newest.title if newest else "",
                    "latest_evidence_date": newest.date if newest else "",
                    "latest_evidence_url": (newest.url or "") if newest else "",
                    "latest_evidence_citation": (newest.citation or newest.reference)
                    if newest and not newest.url
                    else "",
                    "evidence_count": len(item.evidence),
                    "themes": "; ".join(item.themes),
                    "addressees": "; ".join(item.addressees),
                    "text": item.quote + "".join(f"\n• {p}" for p in item.problems),
                    "questions": "\n".join(q.text for q in item.questions),
                }
            )
    return pd.DataFrame(rows, columns=ROW_COLUMNS)


def file_stem(brief: Brief) -> str:
    return f"brief-{brief.meeting_date.isoformat()}"
