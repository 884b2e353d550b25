"""Read side: every page and export asks here and gets a DataFrame or plain data.

Current status is derived, never stored: the latest *published* assessment of a
recommendation (by as-of date, then by when it was recorded). A recommendation
with no published assessment is "not assessed".
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field, fields

import pandas as pd
from sqlalchemy import text
from sqlalchemy.engine import Engine

from recommendations.schema import OPEN_STATUSES, SOURCE_KIND_LABELS, SOURCE_KIND_SHORT, STATUS_LABELS, Status

STATUS_ORDER = list(STATUS_LABELS)


@dataclass
class Filters:
    """The filters shared by every page (and by exports of 'the filtered set')."""

    sources: list[str] = field(default_factory=list)
    year_from: int | None = None
    year_to: int | None = None
    themes: list[str] = field(default_factory=list)
    addressees: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    text: str = ""

    def is_empty(self) -> bool:
        return all(not getattr(self, f.name) for f in fields(self))


def read_frame(engine: Engine, sql: str, **params: object) -> pd.DataFrame:
    with engine.connect() as conn:
        result = conn.execute(text(sql), params)
        return pd.DataFrame([tuple(row) for row in result], columns=list(result.keys()))


def as_date(value: object) -> dt.date:
    """A date column value as a date (SQLite returns text, PostgreSQL a date)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def latest_published(column: str, recommendation: str = "r.id") -> str:
    """SQL for ``column`` of a recommendation's latest published assessment: its current status.

    The one definition of current status (latest as-of date, then latest recorded, then id). A correlated
    subquery on ix_assessment_rec_asof: a window-function subquery joined per row made SQLite rescan every
    current status for each recommendation (seconds at tens of thousands of recommendations).
    """
    return f"""(SELECT a.{column} FROM assessment a
                WHERE a.recommendation_id = {recommendation} AND a.visibility = 'published'
                ORDER BY a.as_of_start DESC, a.recorded_at DESC, a.id DESC LIMIT 1)"""


def recommendation_table(engine: Engine, filters: Filters | None = None) -> pd.DataFrame:
    """One row per recommendation with its current status; the filtered set."""
    base = read_frame(
        engine,
        f"""
        SELECT r.id, r.source_id, s.title AS source_title, s.date AS source_date, s.date_start, s.organisers,
               s.kind AS source_kind, r.position, r.number, r.section, r.kind, r.title, r.lead_in, r.text,
               COALESCE({latest_published("status")}, 'not_assessed') AS status,
               {latest_published("as_of")} AS status_date,
               (SELECT name FROM actor WHERE id = {latest_published("assessor_id")}) AS status_assessor
        FROM recommendation r
        JOIN source s ON s.id = r.source_id
        ORDER BY s.date_start, r.source_id, r.position
        """,
    )
    if base.empty:
        return _empty_table()
    base["year"] = pd.to_datetime(base["date_start"]).dt.year
    base["source_short"] = _short_source_labels(engine, base)
    addressees = read_frame(
        engine,
        """SELECT ad.recommendation_id, ad.actor_id, COALESCE(a.acronym, a.name) AS label, a.name, ad.inferred
           FROM addressee ad JOIN actor a ON a.id = ad.actor_id ORDER BY ad.recommendation_id, ad.position""",
    )
    themes = read_frame(
        engine,
        """SELECT rt.recommendation_id, t.id AS theme_id, t.name FROM recommendation_theme rt
           JOIN theme t ON t.id = rt.theme_id ORDER BY rt.recommendation_id, t.name""",
    )
    evidence = read_frame(engine, _EVIDENCE_PER_RECOMMENDATION).set_index("recommendation_id")
    by_rec_addr = addressees.groupby("recommendation_id")
    by_rec_theme = themes.groupby("recommendation_id")
    base["addressee_ids"] = base["id"].map(by_rec_addr["actor_id"].agg(list)).apply(_as_list)
    base["addressees"] = (
        base["id"]
        .map(
            by_rec_addr.apply(
                lambda g: "; ".join(
                    f"{n}{' (inferred)' if i else ''}" for n, i in zip(g["name"], g["inferred"], strict=True)
                ),
                include_groups=False,
            )
        )
        .fillna("")
    )
    base["addressee_labels"] = base["id"].map(by_rec_addr["label"].agg(", ".join)).fillna("")
    base["theme_ids"] = base["id"].map(by_rec_theme["theme_id"].agg(list)).apply(_as_list)
    base["themes"] = base["id"].map(by_rec_theme["name"].agg("; ".join)).fillna("")
    base["evidence_count"] = base["id"].map(evidence["evidence_count"]).fillna(0).astype(int)
    base["last_evidence_date"] = base["id"].map(evidence["last_date"])
    base["status_label"] = base["status"].map(STATUS_LABELS)
    base = _none_for_null(
        base, ["number", "section", "lead_in", "status_date", "status_assessor", "last_evidence_date"]
    )
    return apply_filters(base, filters)


# Evidence bearing on a recommendation: cited by a published assessment, or linked directly.
_EVIDENCE_PER_RECOMMENDATION = """
    SELECT recommendation_id, COUNT(DISTINCT id) AS evidence_count, MAX(date) AS last_date FROM (
        SELECT a.recommendation_id, e.id, e.date FROM assessment a
          JOIN assessment_evidence ae ON ae.assessment_id = a.id
          JOIN evidence e ON e.id = ae.evidence_id WHERE a.visibility = 'published'
        UNION ALL
        SELECT er.recommendation_id, e.id, e.date FROM evidence_recommendation er
          JOIN evidence e ON e.id = er.evidence_id
    ) x GROUP BY recommendation_id
"""


def _short_source_labels(engine: Engine, table: pd.DataFrame) -> pd.Series:
    """ "2016 · MMN, CWCC · CSO consultation": enough to tell sources apart in a narrow column."""
    actors = read_frame(engine, "SELECT id, COALESCE(acronym, name) AS label FROM actor").set_index("id")["label"]
    organisers = table["organisers"].apply(lambda ids: json.loads(ids) if isinstance(ids, str) else list(ids or []))
    names = organisers.apply(lambda ids: ", ".join(actors.get(i, i) for i in ids))
    kinds = table["source_kind"].map(SOURCE_KIND_SHORT)
    return table["year"].astype(str) + " · " + names.where(names != "", "—") + " · " + kinds


def _none_for_null(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Optional text columns hold None, not NaN (NaN is truthy, so pages could not test them)."""
    for column in columns:
        if column in frame:
            frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
    return frame


def _as_list(value: object) -> list:
    return value if isinstance(value, list) else []


def _empty_table() -> pd.DataFrame:
    return pd.DataFrame(
        columns=[
            "id", "source_id", "source_title", "source_date", "year", "number", "section", "kind", "title",
            "text", "addressees", "addressee_ids", "themes", "theme_ids", "status", "status_label",
            "status_date", "evidence_count", "last_evidence_date",
        ]
    )  # fmt: skip


def apply_filters(table: pd.DataFrame, filters: Filters | None) -> pd.DataFrame:
    if filters is None or table.empty:
        return table.reset_index(drop=True)
    mask = pd.Series(True, index=table.index)
    if filters.sources:
        mask &= table["source_id"].isin(filters.sources)
    if filters.year_from is not None:
        mask &= table["year"] >= filters.year_from
    if filters.year_to is not None:
        mask &= table["year"] <= filters.year_to
    if filters.themes:
        wanted = set(filters.themes)
        mask &= table["theme_ids"].apply(lambda ids: bool(wanted & set(ids)))
    if filters.addressees:
        wanted_a = set(filters.addressees)
        mask &= table["addressee_ids"].apply(lambda ids: bool(wanted_a & set(ids)))
    if filters.statuses:
        mask &= table["status"].isin(filters.statuses)
    if filters.kinds:
        mask &= table["kind"].isin(filters.kinds)
    if filters.text.strip():
        needle = filters.text.strip().lower()
        haystack = (table["title"] + " " + table["text"] + " " + table["lead_in"].fillna("")).str.lower()
        mask &= haystack.str.contains(needle, regex=False)
    return table[mask].reset_index(drop=True)


def options(engine: Engine) -> dict[str, list[tuple[str, str]]]:
    """(id, label) choices for the shared filters."""
    sources = read_frame(engine, "SELECT id, title, date FROM source ORDER BY date_start, id")
    themes = read_frame(engine, "SELECT id, name FROM theme ORDER BY name")
    actors = _none_for_null(
        read_frame(
            engine,
            """SELECT DISTINCT a.id, a.name, a.acronym FROM actor a JOIN addressee ad ON ad.actor_id = a.id
               ORDER BY a.name""",
        ),
        ["acronym"],
    )
    kinds = read_frame(engine, "SELECT DISTINCT kind FROM recommendation ORDER BY kind")
    return {
        "sources": [(r.id, f"{r.date[:4]} · {r.title}") for r in sources.itertuples()],
        "themes": [(r.id, r.name) for r in themes.itertuples()],
        "addressees": [(r.id, r.name + (f" ({r.acronym})" if r.acronym else "")) for r in actors.itertuples()],
        "statuses": [(s, STATUS_LABELS[s]) for s in STATUS_ORDER],
        "kinds": [(k, k.replace("_", " ").capitalize()) for k in kinds["kind"]],
    }


def year_bounds(engine: Engine) -> tuple[int, int]:
    df = read_frame(engine, "SELECT MIN(date_start) AS lo, MAX(date_start) AS hi FROM source")
    if df.empty or df.loc[0, "lo"] is None:
        return 2011, 2022
    return pd.Timestamp(df.loc[0, "lo"]).year, pd.Timestamp(df.loc[0, "hi"]).year


def counts(engine: Engine) -> dict[str, int]:
    df = read_frame(
        engine,
        """SELECT (SELECT COUNT(*) FROM source) AS sources, (SELECT COUNT(*) FROM recommendation) AS recommendations,
                  (SELECT COUNT(*) FROM evidence) AS evidence, (SELECT COUNT(*) FROM assessment) AS assessments,
                  (SELECT COUNT(*) FROM actor) AS actors""",
    )
    return {k: int(v) for k, v in df.iloc[0].items()}


def headline(table: pd.DataFrame) -> dict[str, float | int]:
    """Headline figures of a (filtered) recommendation table."""
    total = len(table)
    assessed = int((table["status"] != Status.NOT_ASSESSED).sum()) if total else 0
    moving = int(table["status"].isin([Status.IMPLEMENTED, Status.IN_PROGRESS, Status.PARTIALLY_IMPLEMENTED]).sum())
    return {
        "recommendations": total,
        "sources": int(table["source_id"].nunique()) if total else 0,
        "assessed": assessed,
        "share_assessed": assessed / total if total else 0.0,
        "moving": moving,
        "share_moving": moving / total if total else 0.0,
        "implemented": int((table["status"] == Status.IMPLEMENTED).sum()) if total else 0,
    }


def assessment_history(engine: Engine, recommendation_ids: list[str] | None = None) -> pd.DataFrame:
    """Every published assessment with assessor and evidence ids, oldest first."""
    df = read_frame(
        engine,
        """SELECT a.id, a.recommendation_id, a.addressee_id, ad.name AS addressee, a.status, a.as_of, a.as_of_start,
                  a.assessor_id, ac.name AS assessor, a.rationale, a.recorded_by, a.recorded_at, a.visibility
           FROM assessment a JOIN actor ac ON ac.id = a.assessor_id LEFT JOIN actor ad ON ad.id = a.addressee_id
           WHERE a.visibility = 'published' ORDER BY a.as_of_start, a.recorded_at, a.id""",
    )
    if recommendation_ids is not None:
        df = df[df["recommendation_id"].isin(recommendation_ids)].reset_index(drop=True)
    df["status_label"] = df["status"].map(STATUS_LABELS)
    return df


def status_over_time(engine: Engine, table: pd.DataFrame, until: int | None = None) -> pd.DataFrame:
    """Status of the recommendations made so far, as of 31 December of each year.

    A recommendation counts from the year of its source; its status in year Y is
    its latest published assessment dated on or before the end of Y.
    """
    until = until or dt.date.today().year
    if table.empty:
        return pd.DataFrame(columns=["year", "status", "status_label", "count"])
    history = assessment_history(engine, list(table["id"]))
    start = int(table["year"].min())
    rows = []
    for year in range(start, until + 1):
        made = table[table["year"] <= year]["id"]
        end = dt.date(year, 12, 31)
        known = history[pd.to_datetime(history["as_of_start"]).dt.date <= end]
        latest = known.groupby("recommendation_id").tail(1).set_index("recommendation_id")["status"]
        statuses = made.map(latest.to_dict()).astype(object).where(made.isin(latest.index), Status.NOT_ASSESSED.value)
        for status, n in statuses.value_counts().items():
            rows.append({"year": year, "status": status, "count": int(n)})
    out = pd.DataFrame(rows)
    out["status_label"] = out["status"].map(STATUS_LABELS)
    return out


def status_by(table: pd.DataFrame, dimension: str) -> pd.DataFrame:
    """Counts by status per theme, addressee or source (names, not ids)."""
    if table.empty:
        return pd.DataFrame(columns=[dimension, "status", "status_label", "count"])
    if dimension == "theme":
        exploded = table.assign(theme=table["themes"].str.split("; ")).explode("theme")
    elif dimension == "addressee":
        exploded = table.assign(addressee=table["addressee_labels"].str.split(", ")).explode("addressee")
    elif dimension == "source":
        exploded = table.assign(source=table["year"].astype(str) + " · " + table["source_title"])
    else:
        raise ValueError(f"unknown dimension {dimension!r}")
    out = exploded.groupby([dimension, "status"]).size().reset_index(name="count")
    out["status_label"] = out["status"].map(STATUS_LABELS)
    return out


def gaps(engine: Engine) -> pd.DataFrame:
    """Sources whose recommendation texts we do not (all) have."""
    df = read_frame(
        engine,
        """SELECT s.id, s.title, s.date, s.expected_recommendations AS expected, s.gap_note,
                  (SELECT COUNT(*) FROM recommendation r WHERE r.source_id = s.id) AS recorded
           FROM source s WHERE s.expected_recommendations IS NOT NULL ORDER BY s.date_start""",
    )
    df = df[df["expected"] > df["recorded"]].reset_index(drop=True)
    df["missing"] = df["expected"] - df["recorded"]
    return df


def open_statuses() -> list[str]:
    return [s for s in STATUS_ORDER if s in OPEN_STATUSES]


# --- one recommendation ---------------------------------------------------------------------------


@dataclass
class Detail:
    """Everything the detail page shows about one recommendation (plain data)."""

    record: dict
    source: dict
    addressees: pd.DataFrame
    themes: list[str]
    history: pd.DataFrame  # published assessments, oldest first, with an 'evidence' list per row
    evidence: pd.DataFrame  # all evidence bearing on it, newest first
    disagreement: pd.DataFrame  # latest status per assessor, when assessors differ
    links: pd.DataFrame  # direction ('repeats an earlier' / 'repeated later by'), kind, other id, title, year
    passage: tuple[str, str, str] | None  # text before, the recommendation, text after


def recommendation_detail(engine: Engine, rec_id: str) -> Detail | None:
    table = recommendation_table(engine)
    match = table[table["id"] == rec_id]
    if match.empty:
        return None
    record = match.iloc[0].to_dict()
    problems = read_frame(engine, "SELECT problems FROM recommendation WHERE id = :id", id=rec_id).iloc[0]["problems"]
    record["problems"] = json.loads(problems) if isinstance(problems, str) else list(problems or [])
    source = read_frame(engine, "SELECT * FROM source WHERE id = :id", id=record["source_id"]).iloc[0].to_dict()
    addressees = read_frame(
        engine,
        """SELECT a.name, a.acronym, a.type, ad.role, ad.inferred FROM addressee ad JOIN actor a ON a.id = ad.actor_id
           WHERE ad.recommendation_id = :id ORDER BY ad.position""",
        id=rec_id,
    )
    history = assessment_history(engine, [rec_id])
    cited = read_frame(
        engine,
        """SELECT ae.assessment_id, ae.evidence_id FROM assessment_evidence ae
           JOIN assessment a ON a.id = ae.assessment_id WHERE a.recommendation_id = :id ORDER BY ae.position""",
        id=rec_id,
    )
    history["evidence"] = history["id"].map(cited.groupby("assessment_id")["evidence_id"].agg(list)).apply(_as_list)
    evidence = read_frame(
        engine,
        """SELECT e.id, e.date, e.date_start, e.kind, e.title, e.summary, e.url, e.citation, e.completeness,
                  s.title AS source_title
           FROM evidence e LEFT JOIN source s ON s.id = e.source_id
           WHERE e.id IN (SELECT er.evidence_id FROM evidence_recommendation er WHERE er.recommendation_id = :id)
              OR e.id IN (SELECT ae.evidence_id FROM assessment_evidence ae JOIN assessment a ON a.id = ae.assessment_id
                          WHERE a.recommendation_id = :id AND a.visibility = 'published')
           ORDER BY e.date_start DESC, e.id""",
        id=rec_id,
    )
    evidence = _none_for_null(evidence, ["url", "citation", "completeness", "source_title"])
    latest_by_assessor = history.groupby("assessor_id").tail(1)
    disagreement = (
        latest_by_assessor[["assessor", "status_label", "as_of", "rationale"]].reset_index(drop=True)
        if latest_by_assessor["status"].nunique() > 1
        else latest_by_assessor.iloc[0:0][["assessor", "status_label", "as_of", "rationale"]]
    )
    links = read_frame(
        engine,
        """SELECT 'repeats an earlier recommendation' AS direction, l.kind, l.note, r.id, r.title, s.date
             FROM recommendation_link l JOIN recommendation r ON r.id = l.target_id JOIN source s ON s.id = r.source_id
            WHERE l.source_id = :id
           UNION ALL
           SELECT 'raised again later' AS direction, l.kind, l.note, r.id, r.title, s.date
             FROM recommendation_link l JOIN recommendation r ON r.id = l.source_id JOIN source s ON s.id = r.source_id
            WHERE l.target_id = :id
           ORDER BY date""",
        id=rec_id,
    )
    links = _none_for_null(links, ["note"])
    themes = [t for t in (record["themes"] or "").split("; ") if t]
    passage = locate(source.get("full_text") or "", record["text"])
    return Detail(record, source, addressees, themes, history, evidence, disagreement, links, passage)


def _normalised(text: str) -> tuple[str, list[int]]:
    """Text without markdown markers and with single spaces, plus each character's original index."""
    chars: list[str] = []
    where: list[int] = []
    for index, char in enumerate(text):
        if char in "*\\":
            continue
        if char.isspace():
            if not chars or chars[-1] == " ":
                continue
            char = " "
        chars.append(char)
        where.append(index)
    return "".join(chars), where


def _find(full_text: str, quote: str, normalised: tuple[str, list[int]] | None = None) -> tuple[int, int] | None:
    norm, where = normalised or _normalised(full_text)
    needle = _normalised(quote)[0].strip()
    position = norm.find(needle) if needle else -1
    if position < 0:
        return None
    return where[position], where[position + len(needle) - 1] + 1


def locate(full_text: str, quote: str, window: int = 600) -> tuple[str, str, str] | None:
    """The quote with up to ``window`` characters either side, cut at line breaks where possible."""
    found = _find(full_text, quote) if full_text else None
    if not found:
        return None
    start, end = found
    lo, hi = max(0, start - window), min(len(full_text), end + window)
    if lo > 0 and "\n" in full_text[lo:start]:
        lo = full_text.find("\n", lo, start) + 1
    if hi < len(full_text) and "\n" in full_text[end:hi]:
        hi = full_text.rfind("\n", end, hi)
    return full_text[lo:start], full_text[start:end], full_text[end:hi]


def spans(full_text: str, quotes: dict[str, str]) -> list[tuple[int, int, str]]:
    """Where each recommendation (id -> text) stands in its source, in text order."""
    normalised = _normalised(full_text)
    out = []
    for rec_id, quote in quotes.items():
        found = _find(full_text, quote, normalised)
        if found:
            out.append((*found, rec_id))
    return sorted(out)


# --- sources, glossary, context ---------------------------------------------------------------------


def sources_table(engine: Engine) -> pd.DataFrame:
    df = read_frame(
        engine,
        """SELECT s.id, s.title, s.date, s.kind, s.place, s.url, s.citation, s.organisers, s.expected_recommendations,
                  s.gap_note, (SELECT COUNT(*) FROM recommendation r WHERE r.source_id = s.id) AS recorded
           FROM source s ORDER BY s.date_start, s.id""",
    )
    actors = read_frame(engine, "SELECT id, name, acronym FROM actor").set_index("id")
    names = (actors["acronym"].fillna(actors["name"])).to_dict()
    df["organisers"] = df["organisers"].apply(
        lambda ids: ", ".join(names.get(i, i) for i in (json.loads(ids) if isinstance(ids, str) else ids or []))
    )
    df["kind_label"] = df["kind"].map(SOURCE_KIND_LABELS)
    return _none_for_null(df, ["place", "url", "citation", "gap_note", "expected_recommendations"])


def source_text(engine: Engine, source_id: str) -> tuple[str, pd.DataFrame]:
    """Full text of a source and its recommendations (id, number, title, text, status)."""
    text_df = read_frame(engine, "SELECT full_text FROM source WHERE id = :id", id=source_id)
    full_text = text_df.iloc[0]["full_text"] if not text_df.empty else None
    recs = recommendation_table(engine, Filters(sources=[source_id]))
    return full_text or "", recs


def glossary(engine: Engine) -> pd.DataFrame:
    df = read_frame(engine, "SELECT term, expansion, note FROM glossary_term ORDER BY LOWER(term)")
    return _none_for_null(df, ["note"])


def context_figures(engine: Engine) -> pd.DataFrame:
    df = read_frame(
        engine,
        """SELECT c.destination, c.category, c.total, c.women, c.men, c.as_of, c.data_source, s.title AS source_title
           FROM context_figure c JOIN source s ON s.id = c.source_id ORDER BY c.destination, c.category""",
    )
    df["label"] = df["destination"] + " · " + df["category"] + " (" + df["as_of"] + ")"
    return _none_for_null(df, ["women", "men"])
