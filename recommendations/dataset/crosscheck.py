"""Rules across records: every reference points at a record that exists, dates agree, texts are verbatim in their
sources, corrections form no cycle. ``validate.read_dataset`` hands each record here as it is read.

Memory stays flat in the data's size: the files are read in an order in which every reference points back
(actors and themes, then the sources with their recommendations, then evidence, assessments, links, figures and
the research log), so a record is checked the moment it is read against small lookups of what came before (ids,
and the dates and addressees the rules need, never whole records). What needs every record at once (duplicate ids,
corrections and their cycles) is SQL over the scratch tables of ``staging``.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from recommendations import hierarchy, verbatim
from recommendations.dataset.checks import Target, assessment_findings, evidence_findings, supersede_findings
from recommendations.dataset.folder import Dataset, Problem, outside
from recommendations.dataset.schema import (
    ActorIn,
    AssessmentIn,
    ContextFigureIn,
    EvidenceIn,
    ExaminedIn,
    LinkIn,
    ResearchLogIn,
    SourceIn,
)
from recommendations.dataset.staging import Staging
from recommendations.dates import date_start

_KIND = {"actor": "actors", "theme": "themes", "evidence": "evidence", "recommendation": "recommendations"}
_KIND["source"] = "sources"


class CrossCheck:
    """The checks across records of one read, fed one record at a time; ``finish`` adds those needing all."""

    def __init__(self, data: Dataset, staging: Staging) -> None:
        self.data, self.staging = data, staging
        self.problems: list[Problem] = []
        self.parents: dict[str, str | None] = {}  # actor -> what it is part of (a few hundred at most)
        self.actor_at: dict[str, tuple[str, int]] = {}
        self.ids: dict[str, Any] = {"actors": self.parents, "themes": set(), "sources": set()}
        self.recs: dict[str, tuple[dt.date, frozenset[str]]] = {}  # date made, addressees
        self.evidence_dates: dict[str, str] = {}
        self.today = dt.date.today()  # "in the future" is judged against one day for the whole read
        self.ids.update(recommendations=self.recs, evidence=self.evidence_dates)

    def need(self, at: tuple[str, int], field_name: str, label: str, value: str | None) -> None:
        kind = _KIND[label]
        if kind in self.data.unreadable or value is None or value in self.ids[kind]:
            return
        self.problems.append(Problem(*at, f"{field_name}: unknown {label} id {value!r}"))

    def add(self, at: tuple[str, int], text: str) -> None:
        self.problems.append(Problem(*at, text))

    def record(self, kind: str, record: Any, at: tuple[str, int]) -> None:
        """Check ``record`` (of ``kind``, read at ``at``) against what was read before it."""
        if isinstance(record, ActorIn):
            self.parents[record.id] = record.part_of
            self.actor_at.setdefault(record.id, at)
        elif kind == "themes":
            self.ids["themes"].add(record.id)
        elif isinstance(record, EvidenceIn):
            self._evidence(record, at)
        elif isinstance(record, AssessmentIn):
            self._assessment(record, at)
        elif isinstance(record, LinkIn | ExaminedIn):
            self.need(at, "source", "recommendation", record.source)
            self.need(at, "target", "recommendation", record.target)
            if isinstance(record, LinkIn):
                made, target = self.recs.get(record.source), self.recs.get(record.target)
                if made and target and made[0] < target[0]:
                    self.add(at, "source: a link runs from the later recommendation to the earlier")
        elif isinstance(record, ContextFigureIn):
            self.need(at, "source", "source", record.source)
        elif isinstance(record, ResearchLogIn):
            self.need(at, "recommendation", "recommendation", record.recommendation)
            for ev in record.evidence:
                self.need(at, "evidence", "evidence", ev)
            made = self.recs.get(record.recommendation)
            if made is not None and date_start(record.searched_on) < made[0]:
                self.add(at, f"searched_on: {record.searched_on} is before {record.recommendation} was made")

    def actors_read(self) -> None:
        """After actors.yaml: each actor's ``part_of`` exists, and the hierarchy is a tree."""
        for actor, parent in self.parents.items():
            self.need(self.actor_at[actor], "part_of", "actor", parent)
            if hierarchy.in_cycle(self.parents, actor):
                loop = " -> ".join([actor, *hierarchy.ancestors(self.parents, actor), actor])
                self.add(self.actor_at[actor], f"part_of: {actor!r} would be part of itself ({loop}); remove one link")

    def source(self, source: SourceIn, at: tuple[str, int], rec_at: list[tuple[str, int]]) -> None:
        self.ids["sources"].add(source.id)
        for organiser in source.organisers:
            self.need(at, "organisers", "actor", organiser)
        text = None
        if source.text_path:
            text_file = self.data.root / source.text_path
            if outside(text_file, self.data.root):
                self.add(at, f"text_path: {source.text_path!r} lies outside data/; refused")
            elif not text_file.is_file():
                self.add(at, f"text_path: file {source.text_path!r} not found under data/")
            else:
                text = verbatim.normalise(text_file.read_text(encoding="utf-8"))
        expected = source.expected_recommendations
        if expected is not None and len(source.recommendations) > expected:
            self.add(at, f"expected_recommendations: {expected} but {len(source.recommendations)} recorded")
        made = date_start(source.date)
        for rec, where in zip(source.recommendations, rec_at, strict=True):
            self.recs[rec.id] = (made, frozenset(a.actor for a in rec.addressees))
            for theme in rec.themes:
                self.need(where, "themes", "theme", theme)
            for addressee in rec.addressees:
                self.need(where, "addressees", "actor", addressee.actor)
            for actor, count in Counter(a.actor for a in rec.addressees).items():
                if count > 1:
                    self.add(where, f"addressees: actor {actor!r} listed twice")
            if text is None:
                continue
            quoted = [("text", rec.text)] + [(f, getattr(rec, f)) for f in ("lead_in", "section") if getattr(rec, f)]
            for field_name, value in quoted + [("problems", p) for p in rec.problems]:
                if verbatim.normalise(value) not in text:  # THE verbatim rule
                    self.add(where, f"{field_name}: not found verbatim in {source.text_path} ({rec.id})")

    def _evidence(self, item: EvidenceIn, at: tuple[str, int]) -> None:
        self.evidence_dates[item.id] = item.date
        self.problems += [
            Problem(*at, f"{field}: {message}") for field, message in evidence_findings(item.date, self.today)
        ]
        self.need(at, "source", "source", item.source)
        self.need(at, "organisation", "actor", item.organisation)
        for actor in item.actors:
            self.need(at, "actors", "actor", actor)
        for theme in item.themes:
            self.need(at, "themes", "theme", theme)
        for rec_id in item.recommendations:
            self.need(at, "recommendations", "recommendation", rec_id)

    def _assessment(self, item: AssessmentIn, at: tuple[str, int]) -> None:
        self.need(at, "recommendation", "recommendation", item.recommendation)
        self.need(at, "addressee", "actor", item.addressee)
        self.need(at, "assessor", "actor", item.assessor)
        for ev in item.evidence:
            self.need(at, "evidence", "evidence", ev)
        rec = self.recs.get(item.recommendation)
        findings = assessment_findings(  # the correction's own rules wait for every assessment (``finish``)
            item,
            made=rec[0] if rec else None,
            addressees=rec[1] if rec else None,
            evidence_dates=self.evidence_dates,
            today=self.today,
        )
        self.problems += [Problem(*at, f"{field}: {message}") for field, message in findings]
        self.staging.assessed(
            (item.id, item.recommendation, item.as_of, str(item.visibility), item.assessor, item.supersedes, *at)
        )

    def finish(self) -> list[Problem]:
        """The checks that need every record: duplicate ids, and corrections (their target, and no cycle)."""
        staging = self.staging
        staging.finish_reading()
        for kind, ident, path, line, first_path, first_line in staging.duplicates():
            self.add((path, line), f"duplicate {kind} id {ident!r} (first at {first_path}:{first_line})")
        corrections = staging.db.execute(
            "SELECT a.id, a.recommendation, a.as_of, a.assessor, a.supersedes, a.path, a.line, t.id, "
            "t.recommendation, t.as_of, t.visibility, t.assessor, "
            "(SELECT c.id FROM assessed c WHERE c.supersedes = t.id ORDER BY c.seq LIMIT 1) "
            "FROM assessed a "
            "LEFT JOIN assessed t ON t.seq = (SELECT max(u.seq) FROM assessed u WHERE u.id = a.supersedes) "
            "WHERE a.supersedes IS NOT NULL ORDER BY a.seq"
        ).fetchall()
        supersedes: dict[str, str] = {}
        for ident, rec, as_of, assessor, target_id, path, line, found, *target in corrections:
            supersedes[ident] = target_id
            if found is None:
                self.add((path, line), f"supersedes: unknown assessment id {target_id!r}")
                continue
            # what the rule looks at (it was validated when read); the list given, or pydantic inspects its factory
            fields = {"id": ident, "recommendation": rec, "as_of": as_of, "assessor": assessor, "evidence": []}
            item = AssessmentIn.model_construct(**fields)
            made = Target(found, target[0], target[1], target[2], superseded_by=target[4], assessor=target[3])
            self.problems += [Problem(path, line, f"{f}: {m}") for f, m in supersede_findings(item, made)]
        for start in supersedes:
            seen, current = {start}, start
            while current in supersedes and supersedes[current] in supersedes:
                current = supersedes[current]
                if current in seen:
                    at = staging.where("assessments", start) or ("?", 0)
                    self.add(at, f"supersedes: {start} is part of a cycle of corrections")
                    break
                seen.add(current)
        return self.problems


def entry_ident(key: str, record: object, index: int) -> str:
    """The key of a record without an id: a link by its pair, a research-log entry by its position."""
    if key == "research_log":
        return f"#{index}"
    if isinstance(record, LinkIn):
        return f"{record.source}->{record.target}"
    raise TypeError(f"a {key} record needs an id")  # only links and research-log entries have none
