"""Read side: every page and export asks here and gets a DataFrame or plain data.

Current status is derived, never stored: the latest *published* assessment of a
recommendation (by as-of date, then by when it was recorded). A recommendation
with no published assessment is "not assessed".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields

import pandas as pd
from sqlalchemy import text
from sqlalchemy.engine import Engine

from recommendations.schema import OPEN_STATUSES, STATUS_LABELS, Status

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


def _frame(engine: Engine, sql: str, **params: object) -> pd.DataFrame:
    with engine.connect() as conn:
        result = conn.execute(text(sql), params)
        return pd.DataFrame(result.fetchall(), columns=list(result.keys()))


_LATEST = """
    SELECT * FROM (
        SELECT a.*, ROW_NUMBER() OVER (
            PARTITION BY a.recommendation_id ORDER BY a.as_of_start DESC, a.recorded_at DESC, a.id DESC
        ) AS rn
        FROM assessment a WHERE a.visibility = 'published'
    ) ranked WHERE rn = 1
"""


def recommendation_table(engine: Engine, filters: Filters | None = None) -> pd.DataFrame:
    """One row per recommendation with its current status; the filtered set."""
    base = _frame(
        engine,
        f"""
        SELECT r.id, r.source_id, s.title AS source_title, s.date AS source_date, s.date_start,
               s.kind AS source_kind, r.position, r.number, r.section, r.kind, r.title, r.lead_in, r.text,
               COALESCE(cur.status, 'not_assessed') AS status, cur.as_of AS status_date,
               ass.name AS status_assessor
        FROM recommendation r
        JOIN source s ON s.id = r.source_id
        LEFT JOIN ({_LATEST}) cur ON cur.recommendation_id = r.id
        LEFT JOIN actor ass ON ass.id = cur.assessor_id
        ORDER BY s.date_start, r.source_id, r.position
        """,
    )
    if base.empty:
        return _empty_table()
    base["year"] = pd.to_datetime(base["date_start"]).dt.year
    addressees = _frame(
        engine,
        """SELECT ad.recommendation_id, ad.actor_id, COALESCE(a.acronym, a.name) AS label, a.name, ad.inferred
           FROM addressee ad JOIN actor a ON a.id = ad.actor_id ORDER BY ad.recommendation_id, ad.position""",
    )
    themes = _frame(
        engine,
        """SELECT rt.recommendation_id, t.id AS theme_id, t.name FROM recommendation_theme rt
           JOIN theme t ON t.id = rt.theme_id ORDER BY rt.recommendation_id, t.name""",
    )
    evidence = _frame(engine, _EVIDENCE_PER_RECOMMENDATION).set_index("recommendation_id")
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
    sources = _frame(engine, "SELECT id, title, date FROM source ORDER BY date_start, id")
    themes = _frame(engine, "SELECT id, name FROM theme ORDER BY name")
    actors = _frame(
        engine,
        """SELECT DISTINCT a.id, a.name, a.acronym FROM actor a JOIN addressee ad ON ad.actor_id = a.id
           ORDER BY a.name""",
    )
    kinds = _frame(engine, "SELECT DISTINCT kind FROM recommendation ORDER BY kind")
    return {
        "sources": [(r.id, f"{r.date[:4]} · {r.title}") for r in sources.itertuples()],
        "themes": [(r.id, r.name) for r in themes.itertuples()],
        "addressees": [(r.id, r.name + (f" ({r.acronym})" if r.acronym else "")) for r in actors.itertuples()],
        "statuses": [(s, STATUS_LABELS[s]) for s in STATUS_ORDER],
        "kinds": [(k, k.replace("_", " ").capitalize()) for k in kinds["kind"]],
    }


def year_bounds(engine: Engine) -> tuple[int, int]:
    df = _frame(engine, "SELECT MIN(date_start) AS lo, MAX(date_start) AS hi FROM source")
    if df.empty or df.loc[0, "lo"] is None:
        return 2011, 2022
    return pd.Timestamp(df.loc[0, "lo"]).year, pd.Timestamp(df.loc[0, "hi"]).year


def counts(engine: Engine) -> dict[str, int]:
    df = _frame(
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
    df = _frame(
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
    df = _frame(
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
