"""A synthetic dataset in the project's own layout, to measure the tracker at regional scale.

``python -m recommendations synth --recommendations N --out DIR`` writes a data/ folder that ``validate``
accepts: sources across 2011-2026 and the ten ASEAN countries (with their full texts, each recommendation in
it verbatim), actors, themes, about seven evidence items and K assessments per recommendation (realistic
dates, scopes, status changes by several assessors, drafts, corrections and withdrawals), and links from
later recommendations to earlier ones. The same seed gives the same files. Nothing here is real data: every
text says it is synthetic.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

COUNTRIES = ["brunei", "cambodia", "indonesia", "laos", "malaysia", "myanmar", "philippines", "singapore",
             "thailand", "vietnam"]  # fmt: skip
ORIGIN = {"cambodia", "indonesia", "laos", "myanmar", "philippines", "vietnam"}
ASSESSORS = ["maintainers", "coalition-a", "coalition-b", "coalition-c", "coalition-d"]
STATUSES = ["no_progress", "in_progress", "partially_implemented", "implemented", "not_applicable"]
ASKS = [
    "strengthen the monitoring of recruitment agencies", "provide pre-departure training on rights",
    "ensure access to complaint mechanisms at destination", "extend social protection to migrant workers",
    "publish a schedule of recruitment fees", "support the reintegration of returnees",
    "recognise the skills of returning workers", "protect domestic workers under labour law",
    "collect data on labour migration by sex", "review bilateral agreements on labour migration",
]  # fmt: skip
KINDS = ["cso_statement", "national_tripartite_preparatory", "afml", "cso_consultation"]
EVIDENCE_KINDS = ["law", "policy", "agreement", "report", "statistic", "news", "meeting", "institution"]
THEMES_FROM = Path(__file__).resolve().parents[2] / "data" / "themes.yaml"
LAST_DAY = dt.date(2026, 6, 30)


def _dump(content: object, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    with path.open("w", encoding="utf-8") as handle:
        handle.write("# Synthetic data for measuring the tracker at scale; not real recommendations.\n")
        yaml.dump(content, handle, Dumper=dumper, sort_keys=False, allow_unicode=True, width=4096)


def _day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    span = max(0, (end - start).days)
    return start + dt.timedelta(days=rng.randint(0, span))


def _actors() -> list[dict[str, Any]]:
    actors = [{"id": "asean-member-states", "name": "ASEAN Member States (synthetic)", "type": "government_group"}]
    for country in COUNTRIES:
        kind = "government_origin" if country in ORIGIN else "government_destination"
        actors += [
            {"id": f"gov-{country}", "name": f"Government of {country.title()} (synthetic)", "type": kind,
             "country": country.title()},
            {"id": f"labour-{country}", "name": f"Labour ministry of {country.title()} (synthetic)", "type": kind,
             "country": country.title()},
            {"id": f"cso-{country}", "name": f"Civil society in {country.title()} (synthetic)", "type": "cso",
             "country": country.title()},
        ]  # fmt: skip
    actors += [
        {"id": "trade-unions", "name": "Trade unions (synthetic)", "type": "trade_union"},
        {"id": "employers", "name": "Employers (synthetic)", "type": "employer"},
        {"id": "recruitment-agencies", "name": "Recruitment agencies (synthetic)", "type": "recruitment_industry"},
        {"id": "ilo", "name": "ILO (synthetic)", "type": "international_organisation"},
        {"id": "maintainers", "name": "Dataset maintainers (synthetic)", "type": "assessor"},
    ]
    actors += [
        {"id": a, "name": f"Assessing coalition {a[-1].upper()} (synthetic)", "type": "cso"} for a in ASSESSORS[1:]
    ]
    return actors


def synthesise(
    out: Path,
    recommendations: int,
    *,
    assessments_per_recommendation: int = 10,
    seed: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, int]:
    """Write the dataset under ``out`` (replacing it); return the counts written."""
    rng = random.Random(seed)  # noqa: S311 - made-up data, not secrets
    if out.exists():
        shutil.rmtree(out)
    (out / "sources").mkdir(parents=True)
    (out / "texts").mkdir()
    shutil.copy(THEMES_FROM, out / "themes.yaml")
    themes = [t["id"] for t in yaml.safe_load(THEMES_FROM.read_text())["themes"]]
    _dump({"actors": _actors()}, out / "actors.yaml")
    _dump({"glossary": [{"term": "AFML", "expansion": "ASEAN Forum on Migrant Labour"}]}, out / "glossary.yaml")

    n_sources = max(8, min(recommendations // 15, 2000))
    sources = []
    for s in range(n_sources):
        year = 2011 + s * 16 // n_sources
        country = COUNTRIES[s % len(COUNTRIES)]
        last = min(dt.date(year, 12, 31), LAST_DAY - dt.timedelta(days=30))
        sources.append((f"syn-{year}-{country}-{s:04d}", _day(rng, dt.date(year, 1, 1), last), country))
    sources.sort(key=lambda item: (item[1], item[0]))
    per_source = [
        recommendations // n_sources + (1 if i < recommendations % n_sources else 0) for i in range(n_sources)
    ]

    made: list[tuple[str, dt.date, list[str], list[str]]] = []  # (id, date, themes, addressees)
    evidence: list[dict[str, Any]] = []
    assessments: list[dict[str, Any]] = []
    links: list[dict[str, Any]] = []
    by_theme: dict[str, list[int]] = {}
    written = 0
    for (source_id, date, country), count in zip(sources, per_source, strict=True):
        recs, lines = [], [f"Synthetic recommendations of {source_id}, {date.isoformat()}.", ""]
        for i in range(count):
            rec_id = f"{source_id}-{i + 1:03d}"
            ask = rng.choice(ASKS)
            text = f"The governments and partners should {ask} (synthetic recommendation {rec_id})."
            lines.append(f"{i + 1}. {text}")
            chosen = rng.sample(themes, rng.randint(1, 3))
            others = [f"labour-{country}", "asean-member-states", f"gov-{rng.choice(COUNTRIES)}", "trade-unions"]
            addressees = [f"gov-{country}", *rng.sample(others, rng.randint(0, 2))]
            addressees = list(dict.fromkeys(addressees))
            recs.append(
                {
                    "id": rec_id, "number": str(i + 1), "text": text, "title": f"Synthetic: {ask}"[:300],
                    "themes": chosen, "addressees": [{"actor": a, "inferred": rng.random() < 0.2} for a in addressees],
                }
            )  # fmt: skip
            index = len(made)
            made.append((rec_id, date, chosen, addressees))
            earlier = [j for j in by_theme.get(chosen[0], []) if made[j][1] <= date][-50:]
            if earlier and rng.random() < 0.15:
                links.append({"source": rec_id, "target": made[rng.choice(earlier)][0],
                              "kind": rng.choice(["repeats", "follows_up", "supersedes"]),
                              "note": "Synthetic link between two synthetic recommendations."})  # fmt: skip
            by_theme.setdefault(chosen[0], []).append(index)
            evidence += _evidence_for(rng, rec_id, date, chosen, index)
            assessments += _assessments_for(
                rng, rec_id, date, addressees, evidence[-7:], assessments_per_recommendation
            )
            written += 1
            if progress and written % 500 == 0:
                progress(written, recommendations)
        (out / "texts" / f"{source_id}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
        _dump(
            {
                "id": source_id, "title": f"Synthetic meeting {source_id}", "date": date.isoformat(),
                "kind": rng.choice(KINDS),
                "organisers": [f"cso-{country}"], "place": country.title(), "text_path": f"texts/{source_id}.txt",
                "recommendations": recs,
            },
            out / "sources" / f"{source_id}.yaml",
        )  # fmt: skip
    if progress:
        progress(recommendations, recommendations)
    _dump({"evidence": evidence}, out / "evidence.yaml")
    _dump({"assessments": assessments}, out / "assessments.yaml")
    _dump({"links": links}, out / "links.yaml")
    _dump({"context_figures": []}, out / "context_figures.yaml")
    return {"sources": n_sources, "recommendations": written, "evidence": len(evidence),
            "assessments": len(assessments), "links": len(links)}  # fmt: skip


def _evidence_for(
    rng: random.Random, rec_id: str, made: dt.date, themes: list[str], index: int
) -> list[dict[str, Any]]:
    out = []
    for n in range(7):
        day = _day(rng, made, LAST_DAY)
        out.append(
            {
                "id": f"ev-{index:06d}-{n}", "date": day.isoformat(), "kind": rng.choice(EVIDENCE_KINDS),
                "title": f"Synthetic evidence {n + 1} on {rec_id}",
                "summary": "A synthetic fact, made up to measure the tracker; it says nothing about the world.",
                "url": f"https://example.org/synthetic/{index}/{n}", "themes": themes[:1], "recommendations": [rec_id],
            }
        )  # fmt: skip
    return out


def _assessments_for(
    rng: random.Random, rec_id: str, made: dt.date, addressees: list[str], evidence: list[dict[str, Any]], k: int
) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    dated = sorted(evidence, key=lambda e: e["date"])
    status = rng.choice(STATUSES[:3])
    for n in range(k):
        cited = [e for e in dated if e["date"] >= made.isoformat()][: 1 + n % len(dated)]
        as_of = max(e["date"] for e in cited[-2:])
        assessor = rng.choice(ASSESSORS)
        record = {
            "id": f"as-{rec_id}-{n:02d}", "recommendation": rec_id, "status": status, "as_of": as_of,
            "assessor": assessor, "rationale": "Synthetic judgement resting on synthetic evidence.",
            "evidence": [e["id"] for e in cited[-2:]], "visibility": "draft" if rng.random() < 0.1 else "published",
            "recorded_by": "synthetic generator", "recorded_at": f"2026-01-{1 + n % 28:02d}T10:00:00",
        }  # fmt: skip
        if rng.random() < 0.4:
            record["addressee"] = rng.choice(addressees)
        earlier = [a for a in out if a["assessor"] == assessor and a["visibility"] == "published"
                   and "supersedes" not in a and a["as_of"] <= as_of and not a.get("_replaced")]  # fmt: skip
        if earlier and rng.random() < 0.08:
            target = rng.choice(earlier)
            target["_replaced"] = True
            record["supersedes"] = target["id"]
            record["supersede_reason"] = "Synthetic correction of an earlier synthetic assessment."
            if rng.random() < 0.2:
                record.update(visibility="withdrawn", status="not_assessed", evidence=[])
                record.pop("addressee", None)
                if target.get("addressee"):
                    record["addressee"] = target["addressee"]
        out.append(record)
        if rng.random() < 0.5:  # statuses move, mostly forward
            status = rng.choice(STATUSES[: STATUSES.index(status) + 2])
    for record in out:
        record.pop("_replaced", None)
    return out
