"""Read a data/ folder and report every problem in it, with file and line.

``read_dataset`` never stops at the first problem: editors fix a whole batch at
once. The loader refuses to touch the database unless the problem list is empty.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from recommendations.dataset.checks import Target, assessment_findings, evidence_findings
from recommendations.dataset.schema import (
    LIST_FILES,
    SOURCES_DIR,
    ActorIn,
    AssessmentIn,
    ContextFigureIn,
    EvidenceIn,
    GlossaryIn,
    LinkIn,
    ResearchLogIn,
    SourceIn,
    ThemeIn,
)
from recommendations.dataset.yamlio import LineList, YamlError, iter_list, line_of, read_yaml
from recommendations.dates import date_start

REQUIRED_FILES = ("actors.yaml", "themes.yaml")


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass
class Dataset:
    """Validated records of one data/ folder, in file order."""

    root: Path
    sources: list[SourceIn] = field(default_factory=list)
    actors: list[ActorIn] = field(default_factory=list)
    themes: list[ThemeIn] = field(default_factory=list)
    glossary: list[GlossaryIn] = field(default_factory=list)
    evidence: list[EvidenceIn] = field(default_factory=list)
    assessments: list[AssessmentIn] = field(default_factory=list)
    links: list[LinkIn] = field(default_factory=list)
    context_figures: list[ContextFigureIn] = field(default_factory=list)
    research_log: list[ResearchLogIn] = field(default_factory=list)
    research_keys: list[str] = field(default_factory=list)  # where-keys of research_log, in the same order
    # (kind, id) -> (path, line), for cross-reference messages
    where: dict[tuple[str, str], tuple[str, int]] = field(default_factory=dict)
    # kinds whose file could not be read: references to them are not checked (no cascade of errors)
    unreadable: set[str] = field(default_factory=set)

    @property
    def recommendations(self):  # noqa: ANN201
        return [rec for source in self.sources for rec in source.recommendations]


_MARKUP = re.compile(r"\*\*|(?<![\w*])\*(?=\w)|(?<=\w)\*(?![\w*])|\\(?=[^\w\s])")


def normalise_ws(text: str) -> str:
    """Text as compared for the verbatim rule: whitespace runs and markdown emphasis do not count.

    Source files converted from PDF or HTML carry ``**bold**``, ``*italic*`` and
    backslash escapes; quoting a text without them is still quoting it verbatim.
    """
    return " ".join(_MARKUP.sub("", text).split())


def _pydantic_problems(exc: ValidationError, rel: str, raw: object, prefix: tuple = ()) -> list[Problem]:
    """Turn pydantic errors into problems; ``prefix`` locates the record in ``raw``."""
    problems = []
    for error in exc.errors():
        loc = prefix + tuple(error["loc"])
        field_name = ".".join(str(p) for p in error["loc"]) or "record"
        message = error["msg"].removeprefix("Value error, ")
        problems.append(Problem(rel, line_of(raw, loc), f"{field_name}: {message}"))
    return problems


Progress = Callable[[int, int], None]


def outside(path: Path, root: Path) -> bool:
    """Whether ``path`` (a file, a symlink or a ``..`` path) ends up outside the data folder.

    A data folder is what an editor reviews; a file reached through a link or ``..`` is not in it, and a link to
    ``/dev/zero`` or a huge file elsewhere would make validation unbounded.
    """
    try:
        path.resolve().relative_to(root.resolve())
    except (ValueError, OSError, RuntimeError):
        return True
    return False


def _open_problem(path: Path, root: Path) -> Problem | None:
    """Why ``path`` may not be read, if it may not: outside the folder, or not a regular file."""
    rel = _rel(path, root)
    if outside(path, root):
        return Problem(rel, 0, "the file lies outside the data folder (through a symbolic link or '..'); refused")
    if not path.is_file():
        return Problem(rel, 0, "not a regular file; refused")
    return None


READ_ERRORS = (YamlError, OSError, UnicodeDecodeError)


def _read_problem(rel: str, exc: Exception) -> Problem:
    """What went wrong reading a file, said the same way for every file."""
    if isinstance(exc, YamlError):
        return Problem(rel, exc.line, exc.message)
    if isinstance(exc, UnicodeDecodeError):
        return Problem(rel, 0, f"not UTF-8 text (byte {exc.start}); save the file as UTF-8")
    return Problem(rel, 0, f"cannot read file: {getattr(exc, 'strerror', exc)}")


def _read(path: Path, root: Path, problems: list[Problem]) -> object | None:
    rel = _rel(path, root)
    refusal = _open_problem(path, root)
    if refusal:
        problems.append(refusal)
        return None
    try:
        raw = read_yaml(path)
    except READ_ERRORS as exc:
        problems.append(_read_problem(rel, exc))
        return None
    if raw is None:
        problems.append(Problem(rel, 1, "the file is empty"))
    return raw


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root.parent)) if root.parent != path else str(path)
    except ValueError:
        return str(path)


def _read_list_file(
    data: Dataset, problems: list[Problem], path: Path, key: str, model: type, tick: Callable[[int], None]
) -> bool:
    """Validate a list file record by record (one in memory at a time); False if it could not be read whole."""
    rel = _rel(path, data.root)
    refusal = _open_problem(path, data.root)
    if refusal:
        problems.append(refusal)
        return False
    records = getattr(data, key)
    try:
        for index, (line, offset, item) in enumerate(iter_list(path, key)):
            tick(offset)
            try:
                record = model.model_validate(item)
            except ValidationError as exc:
                problems.extend(_pydantic_problems(exc, rel, item))
                continue
            records.append(record)
            ident = getattr(record, "id", None) or getattr(record, "term", None)
            if ident is None:  # links are keyed by their pair, research-log entries by their place in the file
                ident = _entry_ident(key, record, index)
                if key == "research_log":
                    data.research_keys.append(ident)
            _remember(data, problems, key, ident, rel, line)
    except READ_ERRORS as exc:
        problems.append(_read_problem(rel, exc))
        return False
    return True


def read_dataset(root: Path, progress: Progress | None = None) -> tuple[Dataset, list[Problem]]:
    """Parse and check everything under ``root``; return records and problems.

    ``progress(done, total)`` is called as the files are read, in characters of YAML, for a progress bar.
    """
    root = Path(root)
    data = Dataset(root=root)
    problems: list[Problem] = []
    if not root.is_dir():
        return data, [Problem(str(root), 0, "data folder not found")]

    for filename in REQUIRED_FILES:
        if not (root / filename).exists():
            problems.append(Problem(_rel(root / filename, root), 0, "required file is missing"))
            data.unreadable.add(LIST_FILES[filename][0])

    sources_dir = root / SOURCES_DIR
    source_files = sorted(sources_dir.glob("*.yaml")) if sources_dir.is_dir() else []
    list_files = [(root / name, key, model) for name, (key, model) in LIST_FILES.items() if (root / name).exists()]
    sizes = {path: _size(path, root) for path in [p for p, _, _ in list_files] + source_files}
    total, done = sum(sizes.values()), 0
    last_tick = [0.0]

    def ticker(base: int) -> Callable[[int], None]:
        def tick(offset: int) -> None:
            if progress is not None and base + offset - last_tick[0] > total / 200:
                last_tick[0] = base + offset
                progress(min(base + offset, total), total)

        return tick

    for path, key, model in list_files:
        if not _read_list_file(data, problems, path, key, model, ticker(done)):
            data.unreadable.add(key)
        done += sizes[path]

    for path in source_files:
        rel = _rel(path, root)
        raw = _read(path, root, problems)
        done += sizes[path]
        ticker(0)(done)
        if raw is None:
            data.unreadable |= {"sources", "recommendations"}
            continue
        try:
            source = SourceIn.model_validate(raw)
        except ValidationError as exc:
            problems.extend(_pydantic_problems(exc, rel, raw))
            data.unreadable |= {"sources", "recommendations"}
            continue
        data.sources.append(source)
        _remember(data, problems, "sources", source.id, rel, raw.line)
        recs = raw.get("recommendations") or LineList()
        for index, rec in enumerate(source.recommendations):
            _remember(data, problems, "recommendations", rec.id, rel, recs.item_lines[index])

    problems.extend(_cross_check(data))
    if progress is not None:
        progress(total, total)
    return data, sorted(set(problems))


def _size(path: Path, root: Path) -> int:
    try:
        return path.stat().st_size if not outside(path, root) else 0
    except OSError:
        return 0


def _remember(data: Dataset, problems: list[Problem], kind: str, ident: str, rel: str, line: int) -> None:
    key = (kind, ident)
    if key in data.where:
        first_path, first_line = data.where[key]
        problems.append(Problem(rel, line, f"duplicate {kind} id {ident!r} (first at {first_path}:{first_line})"))
    else:
        data.where[key] = (rel, line)


def _cross_check(data: Dataset) -> list[Problem]:
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
                text = normalise_ws(text_file.read_text(encoding="utf-8"))
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
                    if normalise_ws(value) not in text:
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
        for rec in item.recommendations:
            need("evidence", item.id, "recommendations", recs, "recommendation", rec)

    recs_by_id = {r.id: r for r in data.recommendations}
    assessments = {a.id: a for a in data.assessments}
    first_correction: dict[str, str] = {}
    for item in data.assessments:
        if item.supersedes:
            first_correction.setdefault(item.supersedes, item.id)
    evidence_dates = {e.id: e.date for e in data.evidence}
    for item in data.assessments:
        need("assessments", item.id, "recommendation", recs, "recommendation", item.recommendation)
        need("assessments", item.id, "addressee", actors, "actor", item.addressee)
        need("assessments", item.id, "assessor", actors, "actor", item.assessor)
        for ev in item.evidence:
            need("assessments", item.id, "evidence", evidence, "evidence", ev)
        path, line = at("assessments", item.id)
        rec = recs_by_id.get(item.recommendation)
        target = None
        if item.supersedes:
            found = assessments.get(item.supersedes)
            if found is None:
                problems.append(Problem(path, line, f"supersedes: unknown assessment id {item.supersedes!r}"))
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
            item,
            made=rec_date.get(item.recommendation),
            addressees={a.actor for a in rec.addressees} if rec else None,
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

    for item in data.context_figures:
        need("context_figures", item.id, "source", sources, "source", item.source)

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


def _entry_ident(key: str, record: object, index: int) -> str:
    """The key of a record without an id: a link by its pair, a research-log entry by its position."""
    if key == "research_log":
        return f"#{index}"
    return f"{record.source}->{record.target}"  # type: ignore[attr-defined]


def _supersede_cycles(assessments, at) -> list[Problem]:  # noqa: ANN001
    out = []
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
