"""Rules across records: every reference points at a record that exists, dates agree, texts are verbatim in their
sources, corrections form no cycle. Run by ``validate.read_dataset`` after each file is read on its own."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping

from recommendations import hierarchy, verbatim
from recommendations.dataset.checks import Target, assessment_findings, evidence_findings
from recommendations.dataset.folder import Dataset, Problem, outside
from recommendations.dataset.schema import AssessmentIn, LinkIn
from recommendations.dates import date_start


def cross_check(data: Dataset) -> list[Problem]:
    problems: list[Problem] = []
    ids = {kind: {i for (k, i) in data.where if k == kind} for kind in {k for k, _ in data.where}}
    actors = ids.get("actors", set())
    themes = ids.get("themes", set())
    evidence = ids.get("evidence", set())
    recs = ids.get("recommendations", set())
    sources = ids.get("sources", set())

    def at(kind: str, ident: str) -> tuple[str, int]:
        return data.where.get((kind, ident), ("?", 0))

    label_kind = {"actor": "actors", "theme": "themes", "evidence": "evidence", "recommendation": "recommendations"}
    label_kind["source"] = "sources"

    def need(kind: str, ident: str, field_name: str, target: set[str], label: str, value: str | None) -> None:
        if label_kind[label] in data.unreadable:
            return
        if value is not None and value not in target:
            path, line = at(kind, ident)
            problems.append(Problem(path, line, f"{field_name}: unknown {label} id {value!r}"))

    for record in data.actors:
        need("actors", record.id, "part_of", actors, "actor", record.part_of)
    problems.extend(_part_of_cycles(data, at))

    rec_date = {}
    for source in data.sources:
        for organiser in source.organisers:
            need("sources", source.id, "organisers", actors, "actor", organiser)
        text = None
        if source.text_path:
            text_file = data.root / source.text_path
            if outside(text_file, data.root):
                path, line = at("sources", source.id)
                problems.append(Problem(path, line, f"text_path: {source.text_path!r} lies outside data/; refused"))
            elif not text_file.is_file():
                path, line = at("sources", source.id)
                problems.append(Problem(path, line, f"text_path: file {source.text_path!r} not found under data/"))
            else:
                text = verbatim.normalise(text_file.read_text(encoding="utf-8"))
        if (
            source.expected_recommendations is not None
            and len(source.recommendations) > source.expected_recommendations
        ):
            path, line = at("sources", source.id)
            problems.append(
                Problem(
                    path,
                    line,
                    f"expected_recommendations: {source.expected_recommendations} but "
                    f"{len(source.recommendations)} recorded",
                )
            )
        for rec in source.recommendations:
            rec_date[rec.id] = date_start(source.date)
            for theme in rec.themes:
                need("recommendations", rec.id, "themes", themes, "theme", theme)
            seen = Counter(a.actor for a in rec.addressees)
            for addressee in rec.addressees:
                need("recommendations", rec.id, "addressees", actors, "actor", addressee.actor)
            for actor, count in seen.items():
                if count > 1:
                    path, line = at("recommendations", rec.id)
                    problems.append(Problem(path, line, f"addressees: actor {actor!r} listed twice"))
            if text is not None:
                quoted = [("text", rec.text)] + [
                    (f, getattr(rec, f)) for f in ("lead_in", "section") if getattr(rec, f)
                ]
                quoted += [("problems", p) for p in rec.problems]
                for field_name, value in quoted:
                    if verbatim.normalise(value) not in text:  # THE verbatim rule
                        path, line = at("recommendations", rec.id)
                        problems.append(
                            Problem(path, line, f"{field_name}: not found verbatim in {source.text_path} ({rec.id})")
                        )

    for item in data.evidence:
        path, line = at("evidence", item.id)
        problems += [Problem(path, line, f"{field}: {message}") for field, message in evidence_findings(item.date)]
        need("evidence", item.id, "source", sources, "source", item.source)
        need("evidence", item.id, "organisation", actors, "actor", item.organisation)
        for actor in item.actors:
            need("evidence", item.id, "actors", actors, "actor", actor)
        for theme in item.themes:
            need("evidence", item.id, "themes", themes, "theme", theme)
        for rec_id in item.recommendations:
            need("evidence", item.id, "recommendations", recs, "recommendation", rec_id)

    recs_by_id = {r.id: r for r in data.recommendations}
    assessments = {a.id: a for a in data.assessments}
    first_correction: dict[str, str] = {}
    for assessment in data.assessments:
        if assessment.supersedes:
            first_correction.setdefault(assessment.supersedes, assessment.id)
    evidence_dates = {e.id: e.date for e in data.evidence}
    for assessment in data.assessments:
        need("assessments", assessment.id, "recommendation", recs, "recommendation", assessment.recommendation)
        need("assessments", assessment.id, "addressee", actors, "actor", assessment.addressee)
        need("assessments", assessment.id, "assessor", actors, "actor", assessment.assessor)
        for ev in assessment.evidence:
            need("assessments", assessment.id, "evidence", evidence, "evidence", ev)
        path, line = at("assessments", assessment.id)
        recommendation = recs_by_id.get(assessment.recommendation)
        target = None
        if assessment.supersedes:
            found = assessments.get(assessment.supersedes)
            if found is None:
                problems.append(Problem(path, line, f"supersedes: unknown assessment id {assessment.supersedes!r}"))
            else:
                target = Target(
                    found.id,
                    found.recommendation,
                    found.as_of,
                    str(found.visibility),
                    superseded_by=first_correction.get(found.id),
                    assessor=found.assessor,
                )
        findings = assessment_findings(
            assessment,
            made=rec_date.get(assessment.recommendation),
            addressees={a.actor for a in recommendation.addressees} if recommendation else None,
            evidence_dates=evidence_dates,
            target=target,
        )
        problems += [Problem(path, line, f"{field}: {message}") for field, message in findings]
    problems.extend(_supersede_cycles(assessments, at))

    for link in data.links:
        ident = f"{link.source}->{link.target}"
        need("links", ident, "source", recs, "recommendation", link.source)
        need("links", ident, "target", recs, "recommendation", link.target)
        if link.source in rec_date and link.target in rec_date and rec_date[link.source] < rec_date[link.target]:
            path, line = at("links", ident)
            problems.append(Problem(path, line, "source: a link runs from the later recommendation to the earlier"))

    for pair in data.examined_not_linked:
        ident = f"{pair.source}->{pair.target}"
        need("examined_not_linked", ident, "source", recs, "recommendation", pair.source)
        need("examined_not_linked", ident, "target", recs, "recommendation", pair.target)

    for figure in data.context_figures:
        need("context_figures", figure.id, "source", sources, "source", figure.source)

    for ident, entry in zip(data.research_keys, data.research_log, strict=True):
        need("research_log", ident, "recommendation", recs, "recommendation", entry.recommendation)
        for ev in entry.evidence:
            need("research_log", ident, "evidence", evidence, "evidence", ev)
        made = rec_date.get(entry.recommendation)
        if made is not None and date_start(entry.searched_on) < made:
            path, line = at("research_log", ident)
            problems.append(
                Problem(path, line, f"searched_on: {entry.searched_on} is before {entry.recommendation} was made")
            )
    return problems


def entry_ident(key: str, record: object, index: int) -> str:
    """The key of a record without an id: a link by its pair, a research-log entry by its position."""
    if key == "research_log":
        return f"#{index}"
    if isinstance(record, LinkIn):
        return f"{record.source}->{record.target}"
    raise TypeError(f"a {key} record needs an id")  # only links and research-log entries have none


def _part_of_cycles(data: Dataset, at: Callable[[str, str], tuple[str, int]]) -> list[Problem]:
    """Each actor that is, through ``part_of``, part of itself (the hierarchy must be a tree)."""
    parents = {a.id: a.part_of for a in data.actors}
    out = []
    for actor in data.actors:
        if hierarchy.in_cycle(parents, actor.id):
            path, line = at("actors", actor.id)
            loop = " -> ".join([actor.id, *hierarchy.ancestors(parents, actor.id), actor.id])
            out.append(Problem(path, line, f"part_of: {actor.id!r} would be part of itself ({loop}); remove one link"))
    return out


def _supersede_cycles(
    assessments: Mapping[str, AssessmentIn], at: Callable[[str, str], tuple[str, int]]
) -> list[Problem]:
    out: list[Problem] = []
    for start in assessments.values():
        seen, current = {start.id}, start
        while current.supersedes and current.supersedes in assessments:
            current = assessments[current.supersedes]
            if current.id in seen:
                path, line = at("assessments", start.id)
                out.append(Problem(path, line, f"supersedes: {start.id} is part of a cycle of corrections"))
                break
            seen.add(current.id)
    return out
