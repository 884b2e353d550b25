"""Read a data/ folder and report every problem in it, with file and line.

``read_dataset`` never stops at the first problem: editors fix a whole batch at
once. The loader refuses to touch the database unless the problem list is empty.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from recommendations.dataset.crosscheck import CrossCheck, entry_ident
from recommendations.dataset.folder import Dataset, Plan, Problem, refusal
from recommendations.dataset.parsing import Files, located, wanted
from recommendations.dataset.schema import LIST_FILES, OPTIONAL_LISTS, SourceIn
from recommendations.dataset.staging import Staging
from recommendations.dataset.yamlio import READ_ERRORS, LineList, YamlError, line_of

REQUIRED_FILES = ("actors.yaml", "themes.yaml")


def _pydantic_problems(
    exc: ValidationError, rel: str, raw: object, prefix: tuple[str | int, ...] = ()
) -> list[Problem]:
    """Turn pydantic errors into problems; ``prefix`` locates the record in ``raw``."""
    problems = []
    for error in exc.errors():
        loc = prefix + tuple(error["loc"])
        field_name = ".".join(str(p) for p in error["loc"]) or "record"
        message = error["msg"].removeprefix("Value error, ")
        problems.append(Problem(rel, line_of(raw, loc), f"{field_name}: {message}"))
    return problems


Progress = Callable[[int, int], None]


def _open_problem(path: Path, root: Path) -> Problem | None:
    """Why ``path`` may not be read, if it may not: outside the folder, or not a regular file."""
    why = refusal(path, root)
    return None if why is None else Problem(_rel(path, root), 0, why)


def _read_problem(rel: str, exc: Exception) -> Problem:
    """What went wrong reading a file, said the same way for every file."""
    if isinstance(exc, YamlError):
        return Problem(rel, exc.line, exc.message)
    if isinstance(exc, UnicodeDecodeError):
        return Problem(rel, 0, f"not UTF-8 text (byte {exc.start}); save the file as UTF-8")
    return Problem(rel, 0, f"cannot read file: {getattr(exc, 'strerror', exc)}")


def _read(files: Files, path: Path, root: Path, problems: list[Problem]) -> Any:  # the YAML's value; None: unreadable
    rel = _rel(path, root)
    refused = _open_problem(path, root)
    if refused:
        problems.append(refused)
        return None
    try:
        raw = files.document(path)
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


Rows = Callable[[str, Any], None]  # (kind, record): what a load makes of each record (``loader``)


def _read_list_file(reader: _Reader, path: Path, key: str, tick: Callable[[int], None]) -> bool:
    """Validate a list file record by record (one in memory at a time); False if it could not be read whole."""
    data, problems = reader.data, reader.problems
    model: type[BaseModel] = LIST_FILES[path.name][1]
    rel = _rel(path, data.root)
    refused = _open_problem(path, data.root)
    if refused:
        problems.append(refused)
        return False
    optional = OPTIONAL_LISTS.get(path.name, {})
    index = -1
    try:
        for found, line, offset, item, lines in reader.files.keyed(path, key, tuple(optional)):
            tick(offset)
            index += found == key
            try:
                record = (optional.get(found) or model).model_validate(item)
            except ValidationError as exc:
                problems.extend(_pydantic_problems(exc, rel, located(item, lines)))
                continue
            ident: str | None
            if found != key:  # links.yaml's examined_not_linked: keyed by their pair, for the cross-check's lines
                ident = f"{item.get('source')}->{item.get('target')}"
            else:
                ident = getattr(record, "id", None) or getattr(record, "term", None)
                if ident is None:  # links are keyed by their pair, research-log entries by their place in the file
                    ident = entry_ident(key, record, index)
                    if key == "research_log" and reader.keep:
                        data.research_keys.append(ident)
            reader.read(found, ident, record, (rel, line))
    except READ_ERRORS as exc:
        problems.append(_read_problem(rel, exc))
        return False
    return True


class _Reader:
    """One read: the records go to the cross-checks, to ``rows`` (a load) and, if ``keep``, to the Dataset."""

    def __init__(self, data: Dataset, staging: Staging, keep: bool, rows: Rows | None, files: Files) -> None:
        self.data, self.staging, self.keep, self.rows, self.files = data, staging, keep, rows, files
        self.problems: list[Problem] = []
        self.check = CrossCheck(data, staging)

    def read(self, kind: str, ident: str, record: Any, at: tuple[str, int]) -> None:
        self.data.counts[kind] += 1
        self.staging.place(kind, ident, *at)
        self.check.record(kind, record, at)
        if self.keep:
            getattr(self.data, kind).append(record)
        if self.rows is not None:
            self.rows(kind, record)


def read_dataset(
    root: Path,
    progress: Progress | None = None,
    *,
    keep: bool = True,
    staging: Staging | None = None,
    rows: Rows | None = None,
    parallel: bool | None = None,
) -> tuple[Dataset, list[Problem]]:
    """Parse and check everything under ``root``; return records and problems.

    ``progress(done, total)`` is called as the files are read, in characters of YAML, for a progress bar.
    ``keep=False`` keeps no record (the Dataset then holds only counts): memory stays flat in the data's size.
    ``rows(kind, record)`` is called for each valid record, in the order of reading; ``staging`` is the scratch
    database to use (one of the caller's, to stage a load's rows in), else a temporary one. ``parallel``: parse the
    files in a worker process (``parsing``); default: when there are several cores and enough YAML
    (``parsing.wanted``). A worker the command started ahead on the same files (``parsing.parse_ahead``) is used.
    """
    root = Path(root)
    data = Dataset(root=root)
    if not root.is_dir():
        return data, [Problem(str(root), 0, "data folder not found")]
    plan = Plan.of(root)
    if parallel is None:
        parallel = wanted(plan.total)
    scratch = staging or Staging()
    try:
        with Files(plan.jobs(root), parallel) as files, _fewer_collections():
            reader = _Reader(data, scratch, keep, rows, files)
            _read_all(reader, root, progress, plan)
        problems = reader.problems + reader.check.finish()
    finally:
        if staging is None:
            scratch.close()
    return data, sorted(set(problems))


@contextmanager
def _fewer_collections(young: int = 50_000) -> Iterator[None]:
    """The garbage collector's youngest generation collected every ``young`` objects (not 700) while records are read.

    Why: a read makes and drops millions of short-lived objects, and holds few (records go one at a time); the
    collections they set off cost 32 ms of 1,000 recommendations' 0.65 s, for no garbage (reference counting frees
    it). Collections still run, so memory stays bounded; the thresholds are put back after.
    """
    before = gc.get_threshold()
    gc.set_threshold(young, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _read_all(reader: _Reader, root: Path, progress: Progress | None, plan: Plan) -> None:
    data, problems = reader.data, reader.problems
    for filename in REQUIRED_FILES:
        if not (root / filename).exists():
            problems.append(Problem(_rel(root / filename, root), 0, "required file is missing"))
            data.unreadable.add(LIST_FILES[filename][0])

    sizes = plan.sizes
    total, done = plan.total, 0
    last_tick = [0.0]

    def ticker(base: int) -> Callable[[int], None]:
        def tick(offset: int) -> None:
            if progress is not None and base + offset - last_tick[0] > total / 200:
                last_tick[0] = base + offset
                progress(min(base + offset, total), total)

        return tick

    for path, key in plan.first:
        if not _read_list_file(reader, path, key, ticker(done)):
            data.unreadable.add(key)
        done += sizes[path]
    reader.check.actors_read()

    for path in plan.sources:
        rel = _rel(path, root)
        raw = _read(reader.files, path, root, problems)
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
        recs = raw.get("recommendations") or LineList()
        rec_at = [(rel, recs.item_lines[index]) for index in range(len(source.recommendations))]
        reader.check.source(source, (rel, raw.line), rec_at)
        reader.read("sources", source.id, source, (rel, raw.line))
        data.counts["recommendations"] += len(source.recommendations)
        for rec, at in zip(source.recommendations, rec_at, strict=True):
            reader.staging.place("recommendations", rec.id, *at)

    for path, key in plan.rest:
        if not _read_list_file(reader, path, key, ticker(done)):
            data.unreadable.add(key)
        done += sizes[path]
    if progress is not None:
        progress(total, total)
