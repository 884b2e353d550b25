"""Load a validated data/ folder into the database in one transaction.

The load is a diff, not a rebuild: rows equal to the YAML are not touched (so
loading twice writes nothing), changed rows are updated, and records that are
in the database but not in the YAML (such as assessments recorded in the app)
are kept and counted. The child rows of a record that *is* in the YAML (its
themes, addressees, evidence links) are replaced by what the YAML says.

The assessment history is different: it is append-only (the database refuses
UPDATE and DELETE on it). A YAML file that changes or drops an assessment the
database already holds is refused with the file and line, and nothing is written.

Memory stays flat in the data's size: the records are read one at a time, their rows staged in a scratch SQLite
file (``staging``), and the diff is SQL between the staged rows and the tables (``sync``).
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import exc
from sqlalchemy.engine import Connection, Engine

from models.db import BOOTSTRAP_LOCK, exclusive, is_empty, migrate
from models.filling import filling
from recommendations.audit import audit
from recommendations.dataset import parsing
from recommendations.dataset.ahead import Ahead
from recommendations.dataset.folder import Problem
from recommendations.dataset.kept_rows import kept
from recommendations.dataset.load_state import (
    digests,
    fingerprint,
    last_digests,
    last_fingerprint,
    remember_fingerprint,
    unchanged_since,
)
from recommendations.dataset.records import LOADED, record_rows
from recommendations.dataset.staging import Staging
from recommendations.dataset.sync import HISTORY, Staged, TableReport, append_history, sync_table

if TYPE_CHECKING:
    from recommendations.dataset.validate import Progress

log = logging.getLogger(__name__)

__all__ = ["DataInvalid", "LoadReport", "TableReport", "load_folder", "prepare"]


class DataInvalid(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the data")
        self.problems = problems


@dataclass
class LoadReport:
    tables: dict[str, TableReport] = field(default_factory=dict)
    unchanged_files: bool = False  # the files were those of the last load: nothing was read
    kept_rows: bool = False  # the files were those of an earlier read, whose rows were kept: compared, not read
    #: tables as the last load of these files left them (their digests): not compared
    skipped: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(t.changes for t in self.tables.values())

    def lines(self) -> list[str]:
        out = []
        for name, t in self.tables.items():
            out.append(
                f"{name:24} +{t.inserted} inserted, ~{t.updated} updated, ={t.unchanged} unchanged, "
                f"{t.kept} kept (not in YAML), -{t.removed} child rows removed"
            )
        return out


def _load_staged(staging: Staging, engine: Engine, root: Path, print_: str, ahead: Ahead | None = None) -> LoadReport:
    """Move the staged rows into the database, all or nothing; DataInvalid if they would rewrite the history.
    ``ahead``: a first load on PostgreSQL whose rows went in during the read; it goes on in that transaction."""
    report = LoadReport()
    if ahead is not None:
        assert ahead.conn is not None and ahead.transaction is not None
        _move(ahead.conn, staging, root, print_, report, ahead)
        ahead.transaction.commit()
        ahead.close()
        return _analysed(engine, report, set(ahead.analysed))
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as conn:
        if sqlite:  # outside a transaction: SQLite attaches only there
            conn.exec_driver_sql("ATTACH DATABASE ? AS stage", (str(staging.path),))
            conn.commit()
        try:
            with conn.begin():
                _move(conn, staging, root, print_, report, None)
        finally:
            if sqlite:
                Staged.drop_copies(conn)
                conn.exec_driver_sql("DETACH DATABASE stage")
                conn.commit()
    return _analysed(engine, report, set())


def _move(conn: Connection, staging: Staging, root: Path, print_: str, report: LoadReport, ahead: Ahead | None) -> None:
    """The load's transaction on ``conn``: every table brought to its staged rows, the audit row, the fingerprint."""
    # Only a first load (nothing loaded yet) fills in bulk: the tables it fills, and those their keys name, cannot be
    # read until it ends, which a reload must not do to the readers of a served database (it would, for a table the
    # data leaves empty, such as the reviews made in the app).
    first = ahead is not None or is_empty(conn)
    before = {} if first else digests(conn, LOADED)  # cheap (16 ms at 1,000) against a diff (0.3 s)
    same = unchanged_since(LOADED, before, last_digests(conn, print_))
    with _filling(conn, first, ahead) as filled:
        staged = Staged(conn, staging, filled, same, None if ahead is None else ahead.copied)
        report.skipped = [target.name for target in LOADED if target in staged.skipped]
        for target in LOADED:
            if target is HISTORY[0]:
                tables_, problems = append_history(
                    staged, lambda i: staging.where("assessments", i) or ("?", 0), _assessments_file(root)
                )
                if problems:
                    raise DataInvalid(problems)
                report.tables.update(tables_)
            elif target not in HISTORY:
                report.tables[target.name] = sync_table(staged, target)
    if report.changed:
        counts = {n: vars(t) for n, t in report.tables.items() if t.changes}
        audit(conn, "loader", "load", "*", str(root), after=counts)
    remember_fingerprint(conn, print_, *_digests_to_remember(conn, report, before, staged))


@contextmanager
def _filling(conn: Connection, first: bool, ahead: Ahead | None) -> Iterator[list[str]]:
    """The tables filled in bulk (``models.filling``): held since before the read when ``ahead`` is given."""
    if ahead is not None and ahead.held is not None:
        yield ahead.held.tables
        ahead.held.restore()
        return
    with filling(conn, [target.name for target in LOADED] if first else []) as filled:
        yield filled


def _analysed(engine: Engine, report: LoadReport, analysed: set[str]) -> LoadReport:
    """Fresh statistics of the tables the load changed (``analysed``: those done in its transaction)."""
    changed = [name for name, t in report.tables.items() if t.changes and name not in analysed]
    if changed and engine.dialect.name == "postgresql":
        # Fresh statistics, or the planner guesses after a bulk load (measured: 3 s instead of 0.13 s at 20k rows);
        # of the tables the load changed only (names from the tables, not from the data).
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE " + ", ".join(f'"{name}"' for name in changed))
    return report


def _digests_to_remember(
    conn: Connection, report: LoadReport, before: dict[str, str], staged: Staged
) -> tuple[dict[str, str], dict[str, str]]:
    """The digests of the tables this load leaves holding what the files say, for the next load to trust; and those
    of the tables it wrote, as at its end, for the no-change check alone (``load_state.last_fingerprint``).

    A table it filled (a first load) holds it alone until the commit: its digest now, trusted. Any other table it
    did not change: its digest from before the diff, so a write by another session meanwhile makes the next load
    compare it. A table it changed is not trusted, and is compared next time.
    """
    if staged.direct:
        trusted = digests(conn, [target for target in LOADED if target in staged.direct])
    else:
        trusted = {name: digest for name, digest in before.items() if not report.tables[name].changes}
    written = [m for m in LOADED if m not in staged.direct and report.tables[m.name].changes]
    return trusted, digests(conn, written)


def _assessments_file(root: Path) -> str:
    return f"{root.name}/assessments.yaml"


def load_folder(root: Path, engine: Engine, progress: Progress | None = None) -> LoadReport:
    """Validate ``root`` and load it; raise DataInvalid (database untouched) on any problem.

    When the files and the rules are byte for byte those of the last load, nothing is read or written. When they
    are those of an earlier read whose rows were kept (``kept_rows.kept``: a reload after a write in the app, or
    the same folder into another database), those rows are compared and nothing is read.
    ``progress(done, total)`` follows the reading, which is most of the time of a load.
    """
    migrate(engine)
    print_ = fingerprint(root)
    if print_ == last_fingerprint(engine):
        parsing.stop_ahead()  # the files are not read
        return LoadReport(unchanged_files=True)
    slot = kept(root, print_, _shape())
    if slot is not None and (earlier := Staging.reopen(slot.path, LOADED, slot.key)) is not None:
        parsing.stop_ahead()
        try:
            report = _load_staged(earlier, engine, root, print_)
        except (sqlite3.DatabaseError, exc.DatabaseError) as error:  # a damaged file: the load was rolled back
            log.warning("the kept rows of %s could not be read (%s); reading the files", root, error)
            slot.path.unlink(missing_ok=True)
        else:
            report.kept_rows = True
            return report
        finally:
            earlier.close()
    # the reader (the schema's validators, the cross-checks) only now: a reload that reads no file never builds it
    from recommendations.dataset.validate import read_dataset

    # a first load on PostgreSQL moves the rows in as they are read (``ahead``)
    ahead = Ahead(engine) if engine.dialect.name == "postgresql" and is_empty(engine) else None
    staging = Staging(LOADED, None if slot is None else slot.directory, sink=ahead)
    keep = False
    positions: dict[str, int] = {}

    def rows(kind: str, record: Any) -> None:
        if ahead is not None:
            staging.complete(ahead.reading(kind))
        for target, table_rows in record_rows(kind, record, root, positions):
            staging.add_rows(target, table_rows)

    try:
        _, problems = read_dataset(root, progress, keep=False, staging=staging, rows=rows)
        if problems:
            raise DataInvalid(problems)
        if slot is not None:  # what was read is the files' own, whatever the database then says of it
            staging.mark(slot.key)
            keep = True
        if ahead is not None and not ahead.finish():  # the usual way, from the scratch file (all of it rolled back)
            log.info("rows not moved in during the read: %s", ahead.failed)
            ahead.stop()
            ahead = None
        return _load_staged(staging, engine, root, print_, ahead)
    finally:
        if ahead is not None:
            ahead.stop()  # rolled back, unless committed
        staging.close(keep=slot.path if keep and slot is not None else None)


def _shape() -> str:
    """The staged tables' columns and types: kept rows of another shape are not used."""
    return ";".join(f"{t.name}(" + ",".join(f"{c.name} {c.type}" for c in t.columns) + ")" for t in LOADED)


def prepare(engine: Engine, root: Path) -> LoadReport | None:
    """Newest schema, and ``root`` loaded if the database is empty: what an app server does at start-up.

    Several servers may start at once against one empty database: the lock lets the first load the data
    while the others wait, then find it loaded. Returns the load report, or None when nothing was loaded.
    """
    with exclusive(engine, BOOTSTRAP_LOCK):
        migrate(engine)
        if is_empty(engine):
            return load_folder(root, engine)
    return None
