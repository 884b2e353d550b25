"""The source documents: where a recommendation stands in its source's text (verbatim, highlighted), the text
as a reader should see it, the sources themselves, the glossary and the context figures."""

from __future__ import annotations

import re
from collections.abc import Mapping

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from models.tables import C, G, R, S
from recommendations import i18n, labels, sql, verbatim
from recommendations.read import translations
from recommendations.read.filters import Filters
from recommendations.read.history import none_for_null
from recommendations.read.table import recommendation_table
from recommendations.vocabulary import SOURCE_KIND_LABELS


def locate(full_text: str, quote: str, window: int = 600) -> tuple[str, str, str] | None:
    """The quote with up to ``window`` characters either side, cut at line breaks where possible."""
    found = verbatim.occurrences(full_text, quote) if full_text else []
    if not found:
        return None
    start, end = found[0]
    lo, hi = max(0, start - window), min(len(full_text), end + window)
    if lo > 0 and "\n" in full_text[lo:start]:
        lo = full_text.find("\n", lo, start) + 1
    if hi < len(full_text) and "\n" in full_text[end:hi]:
        hi = full_text.rfind("\n", end, hi)
    return full_text[lo:start], full_text[start:end], full_text[end:hi]


_ARTEFACTS = [
    (re.compile(r"\[bookmark: [^\]]*\]"), ""),  # word-processor bookmarks left in converted text
    (re.compile(r"\*\*|__"), ""),  # bold markers of the converted documents
    (re.compile(r"(?m)^#{1,6}[ \t]+"), ""),  # heading markers
    (re.compile(r"\A\s*International\s+Labour\s+Organization[ \t]*\n"), ""),  # the ILO letterhead
    (re.compile(r"[ \t]+\n"), "\n"),
    (re.compile(r"\n{3,}"), "\n\n"),
]


def clean_source_text(text: str) -> str:
    """A source text as a reader should see it: without conversion artefacts (bold markers, bookmarks,
    heading marks, a letterhead). The words themselves, and so the verbatim quotes, are unchanged."""
    for pattern, replacement in _ARTEFACTS:
        text = pattern.sub(replacement, text)
    return text


def spans(
    full_text: str, quotes: dict[str, str], recorded: Mapping[str, tuple[int, int]] | None = None
) -> list[tuple[int, int, str]]:
    """Where each recommendation (id -> text) stands in its source, in text order: the place recorded when the
    document was added in the app (``recorded``: id -> (start, end), kept when it still holds the quote), else
    the first place the verbatim rule finds."""
    out = []
    for rec_id, quote in quotes.items():
        span = (recorded or {}).get(rec_id)
        if span is not None and verbatim.normalise(full_text[span[0] : span[1]]) != verbatim.normalise(quote):
            span = None  # the text changed since: find the quote again
        if span is None:
            found = verbatim.occurrences(full_text, quote)
            span = found[0] if found else None
        if span is not None:
            out.append((span[0], span[1], rec_id))
    return sorted(out)


def recorded_spans(engine: Engine, source_id: str) -> dict[str, tuple[int, int]]:
    """Where each of a source's recommendations was recorded to stand in its text (documents added in the app)."""
    query = select(R.c.id, R.c.text_start, R.c.text_end).where(
        R.c.source_id == source_id, R.c.text_start.is_not(None), R.c.text_end.is_not(None)
    )
    return {r["id"]: (int(r["text_start"]), int(r["text_end"])) for r in sql.rows(engine, query)}


def sources_table(engine: Engine) -> pd.DataFrame:
    recorded = select(func.count()).select_from(R).where(R.c.source_id == S.c.id).scalar_subquery()
    df = sql.frame(
        engine,
        select(
            S.c.id, S.c.title, S.c.date, S.c.kind, S.c.place, S.c.url, S.c.citation, S.c.organisers,
            S.c.expected_recommendations, S.c.gap_note, S.c.curator_note, recorded.label("recorded"),
        ).order_by(S.c.date_start, S.c.id),
    )  # fmt: skip
    names = labels.actor_names(engine)
    df["organisers"] = df["organisers"].apply(lambda ids: ", ".join(names.label.get(i, i) for i in ids or []))
    df["kind_label"] = df["kind"].map(SOURCE_KIND_LABELS)
    return none_for_null(df, ["place", "url", "citation", "gap_note", "curator_note", "expected_recommendations"])


def source_text(engine: Engine, source_id: str) -> tuple[str, pd.DataFrame]:
    """Full text of a source and its recommendations (id, number, title, text, status)."""
    found = sql.rows(engine, select(S.c.full_text).where(S.c.id == source_id))
    full_text = found[0]["full_text"] if found else None
    recs = recommendation_table(engine, Filters(sources=[source_id]))
    return full_text or "", recs


def glossary(engine: Engine, lang: str = i18n.SOURCE_LANGUAGE) -> pd.DataFrame:
    """Every term with its expansion and note, in ``lang`` where translated (a term stays as written);
    ``awaits_review`` marks a term shown with a translation nobody has reviewed."""
    df = sql.frame(engine, select(G.c.term, G.c.expansion, G.c.note).order_by(func.lower(G.c.term)))
    unreviewed: set[str] = set()
    if lang != i18n.SOURCE_LANGUAGE and not df.empty:
        for field_name in ("expansion", "note"):
            found = translations.labels(engine, "glossary", field_name, lang)
            df[field_name] = [
                found[t].text if t in found else v for t, v in zip(df["term"], df[field_name], strict=True)
            ]
            unreviewed |= {term for term, label in found.items() if label.awaits_review}
    df["awaits_review"] = df["term"].isin(unreviewed)
    return none_for_null(df, ["note"])


def context_figures(engine: Engine) -> pd.DataFrame:
    df = sql.frame(
        engine,
        select(
            C.c.destination, C.c.category, C.c.total, C.c.women, C.c.men, C.c.as_of, C.c.data_source,
            S.c.title.label("source_title"),
        )
        .join(S, S.c.id == C.c.source_id)
        .order_by(C.c.destination, C.c.category),
    )  # fmt: skip
    df["label"] = df["destination"] + " · " + df["category"] + " (" + df["as_of"] + ")"
    return none_for_null(df, ["women", "men"])
