"""Read a data/ folder and report every problem in it, with file and line.

``read_dataset`` never stops at the first problem: editors fix a whole batch at
once. The loader refuses to touch the database unless the problem list is empty.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from recommendations.dataset.crosscheck import cross_check, entry_ident
from recommendations.dataset.folder import Dataset, Problem, outside
from recommendations.dataset.schema import (
    LIST_FILES,
    OPTIONAL_LISTS,
    SOURCES_DIR,
    SourceIn,
)
from recommendations.dataset.yamlio import LineList, YamlError, iter_keyed, line_of, read_yaml

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


def _read(path: Path, root: Path, problems: list[Problem]) -> Any:  # what the YAML holds; None if unreadable
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
    data: Dataset, problems: list[Problem], path: Path, key: str, model: type[BaseModel], tick: Callable[[int], None]
) -> bool:
    """Validate a list file record by record (one in memory at a time); False if it could not be read whole."""
    rel = _rel(path, data.root)
    refusal = _open_problem(path, data.root)
    if refusal:
        problems.append(refusal)
        return False
    optional = OPTIONAL_LISTS.get(path.name, {})
    index = -1
    try:
        for found, line, offset, item in iter_keyed(path, key, tuple(optional)):
            tick(offset)
            index += found == key
            try:
                record = (optional.get(found) or model).model_validate(item)
            except ValidationError as exc:
                problems.extend(_pydantic_problems(exc, rel, item))
                continue
            getattr(data, found).append(record)
            if found != key:  # links.yaml's examined_not_linked: keyed by their pair, for the cross-check's lines
                _remember(data, problems, found, f"{item.get('source')}->{item.get('target')}", rel, line)
                continue
            ident = getattr(record, "id", None) or getattr(record, "term", None)
            if ident is None:  # links are keyed by their pair, research-log entries by their place in the file
                ident = entry_ident(key, record, index)
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

    problems.extend(cross_check(data))
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
