"""The load's diff, in SQL: each table compared with its staged rows (``staging``) by key and content, set by set.

A row the database lacks is inserted, a row that differs in any column the YAML holds is updated (its version
bumped), a child row of a record the YAML holds but no longer lists is removed; nothing is read into Python but
counts and, when the history would be rewritten, the ids to name. The staged rows reach the database by ATTACH
(SQLite: the scratch file is a second schema of the same connection) or by COPY into temporary tables
(PostgreSQL).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    JSON,
    ColumnElement,
    MetaData,
    Table,
    Text,
    and_,
    cast,
    delete,
    exists,
    false,
    func,
    insert,
    literal,
    or_,
    select,
    true,
)
from sqlalchemy import update as update_
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Connection
from sqlalchemy.sql.expression import Executable

from models import tables
from recommendations.dataset.folder import Problem
from recommendations.dataset.staging import Staging, stage_keys, stage_table


@dataclass
class TableReport:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    kept: int = 0
    removed: int = 0

    @property
    def changes(self) -> bool:
        """Whether the load wrote to the table."""
        return bool(self.inserted or self.updated or self.removed)


# A table whose rows belong to a parent record: its parent key column and the parent's table
_CHILDREN: dict[Table, tuple[str, Table]] = {
    tables.RT: ("recommendation_id", tables.R),
    tables.AD: ("recommendation_id", tables.R),
    tables.ER: ("evidence_id", tables.E),
}
# Curated in the YAML: a row it no longer has is removed (a link published in the app, origin 'app', stays).
_YAML_ONLY = (tables.L, tables.RL, tables.TR)
# The append-only history: compared, never updated or deleted (``append_history``).
HISTORY = (tables.A, tables.AE, tables.REVIEWS)
# Columns the app keeps, not the YAML: left alone by a load (an edit from YAML bumps the version, so a form opened
# before the load refuses to overwrite it); the offsets of a document published in the app are the app's too.
_APP_COLUMNS = {"version", "text_start", "text_end"}
# A source whose YAML holds no text keeps the text (and its language and file name) published in the app; so does a
# gap whose recommendations were published in the app (its YAML may point at another document's text).
_KEPT_WITHOUT_TEXT = ("full_text", "text_path", "language")


class Staged:
    """The staged rows as tables of the database's connection: ``of(target)``."""

    def __init__(
        self,
        conn: Connection,
        staging: Staging,
        filled: list[str] | None = None,
        same: Mapping[Table, int] | None = None,
        copied: set[Table] | None = None,
    ) -> None:
        """``filled``: tables that were empty (``models.filling``, PostgreSQL): their staged rows are COPYed straight
        into them instead of into a temporary table and inserted from it (at 10,000, about 0.6 s less).
        ``same``: tables (and their row counts) whose content is as the last load of these same files left it
        (``digests``): those the diff cannot change are neither staged nor compared (``skipped``). ``copied``: filled
        tables whose rows are in already (``ahead``)."""
        self.conn, self.staging = conn, staging
        self.pg = conn.dialect.name == "postgresql"
        self.metadata = MetaData()
        self.tables: dict[Table, Table] = {}
        #: tables whose staged rows went straight into their empty table (PostgreSQL): nothing to compare there
        self.direct: set[Table] = set()
        assert staging.rows is not None
        self.same = dict(same or {})
        self.skipped = _skipped(list(staging.rows), self.same)
        needed = _needed(set(staging.rows) - self.skipped)
        for target in staging.rows:
            if target not in needed:
                continue
            if self.pg and target.name in (filled or ()):
                table = target  # it now holds exactly the staged rows: the diff reads it as their table
                if target not in (copied or ()):
                    self._copy(target, table, inserted_columns(target), versioned="version" in table.c)
                self.direct.add(target)
            elif self.pg:
                table = stage_table(target, self.metadata, prefixes=["TEMPORARY"], postgresql_on_commit="DROP")
                table.create(conn)
                self._copy(target, table, [c.name for c in table.columns])
                # Statistics from a sample of 3,000 rows, not 30,000, and no index: the diff's joins are hashed
                # either way (a reload that compares at 10,000: 2.4 -> 2.0 s; at 1,000: 0.36 -> 0.30 s; at 50,000
                # no slower). The setting ends here, not with the transaction.
                conn.exec_driver_sql("SET LOCAL default_statistics_target = 10")
                conn.exec_driver_sql(f"ANALYZE {table.name}")
                conn.exec_driver_sql("SET LOCAL default_statistics_target TO DEFAULT")
            else:
                table = stage_table(target, self.metadata, schema="stage")
                if target is tables.S:  # the load adjusts these (_keep_app_texts): this connection's copy, so the
                    table = self._own_copy(target, table)  # staged file stays the files' own rows, fit to keep
            self.tables[target] = table

    def _own_copy(self, target: Table, staged: Table) -> Table:
        """A temporary copy of the staged rows of ``target`` (SQLite), keyed as the staged table is."""
        table = stage_table(target, self.metadata, _own_name(target), prefixes=["TEMPORARY"])
        Staged.drop_copies(self.conn)  # a pooled connection's last load's
        table.create(self.conn)
        self.conn.execute(insert(table).from_select([c.name for c in staged.columns], select(staged)))
        keys = ", ".join(f'"{c}"' for c in stage_keys(target))
        self.conn.exec_driver_sql(f"CREATE INDEX {table.name}_key ON {table.name} ({keys})")
        return table

    def _copy(self, target: Table, table: Table, names: list[str], *, versioned: bool = False) -> None:
        """COPY the staged rows of ``target`` (their columns ``names``; ``versioned``: and version 1, as a load inserts
        them) into ``table`` (PostgreSQL)."""
        assert self.staging.rows is not None
        source = self.staging.rows[target]
        fixed = {"version": 1} if versioned else {}
        # ignore: SQLAlchemy types the driver's connection as optional; on a live PostgreSQL connection it is psycopg's
        cursor = self.conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        columns = ", ".join(f'"{n}"' for n in [*names, *fixed])
        with cursor.copy(f"COPY {table.name} ({columns}) FROM STDIN") as copy:
            # the values as the scratch file holds them (ISO dates and times, JSON text, 0 and 1), which COPY's text
            # format reads into the columns' types: decoding them to Python and back cost 2 s at 10,000
            for row in self.staging.raw_rows(source, names, fixed):
                copy.write_row(row)

    @staticmethod
    def drop_copies(conn: Connection) -> None:
        """Drop the temporary copies ``_own_copy`` made on this connection (SQLite), so it goes back to its pool
        holding none."""
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS temp.{_own_name(tables.S)}")

    def of(self, target: Table) -> Table:
        return self.tables[target]

    def unchanged(self, target: Table) -> TableReport:
        """What the diff of a ``skipped`` table would report: its staged rows all there as they are, the rest kept
        (a child table of the history counts none kept, as ``append_history`` does)."""
        held, wanted = self.same[target], self.staging.size(target)
        return TableReport(unchanged=wanted, kept=0 if target in HISTORY[1:] else held - wanted)

    def differs(self, old: Table, new: Table, columns: list[str]) -> ColumnElement[bool]:
        """Any of ``columns`` differs between the database's row and the staged one (NULL-safe; JSON as JSONB)."""
        out = []
        for name in columns:
            a: ColumnElement[Any] = old.c[name]
            b: ColumnElement[Any] = new.c[name]
            if self.pg and isinstance(old.c[name].type, JSON):  # json has no equality in PostgreSQL; jsonb has
                a, b = cast(cast(a, Text), JSONB), cast(cast(b, Text), JSONB)
            out.append(a.is_distinct_from(b))
        return or_(false(), *out)


def _skipped(targets: list[Table], same: Mapping[Table, int]) -> set[Table]:
    """Of ``targets``, those whose diff would change nothing: their own content is as the last load left it, and so
    is every table their diff reads besides the staged rows (a source's, the recommendations: ``_keep_app_texts``;
    the history's, the other two of it)."""
    compared = {target for target in targets if target not in same}
    if compared & set(HISTORY):
        compared |= set(HISTORY)
    if tables.R in compared:
        compared.add(tables.S)
    return {target for target in targets if target not in compared}


def _needed(compared: set[Table]) -> set[Table]:
    """The staged tables the diff of ``compared`` reads: theirs, their parents' (``_CHILDREN``), and a source's the
    recommendations'."""
    parents = {_CHILDREN[target][1] for target in compared if target in _CHILDREN}
    return compared | parents | ({tables.R} if tables.S in compared else set())


def inserted_columns(target: Table) -> list[str]:
    """The columns of ``target``'s staged rows that a load inserts; the rest are the app's (``_APP_COLUMNS``; a
    versioned row starts at version 1) or the database's (a review's id)."""
    if target is tables.REVIEWS:
        return ["assessment_id", *_REVIEWED]
    return [c.name for c in target.columns if c.name not in _APP_COLUMNS]


def _own_name(target: Table) -> str:
    return f"own_stage_{target.name}"


def _same_key(table: Table, staged: Table, keys: list[str]) -> ColumnElement[bool]:
    return and_(*(table.c[k] == staged.c[k] for k in keys))


def _changed(conn: Connection, statement: Executable) -> int:
    """Run an INSERT, UPDATE or DELETE; the rows it changed (kept for INSERT ... SELECT too)."""
    return int(conn.execute(statement, execution_options={"preserve_rowcount": True}).rowcount)


def _count(conn: Connection, table: Table) -> int:
    return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def sync_table(staged: Staged, target: Table) -> TableReport:
    """Bring ``target``'s table to its staged rows (see the module's docstring); count what changed."""
    if target in staged.skipped:
        return staged.unchanged(target)
    conn, table, new = staged.conn, target, staged.of(target)
    if target in staged.direct:
        return TableReport(inserted=_count(conn, table))
    keys = [c.name for c in table.primary_key.columns]
    columns = inserted_columns(target)
    versioned = "version" in table.c
    if target is tables.S:
        _keep_app_texts(staged, table, new)
    before, wanted = _count(conn, table), _count(conn, new)
    absent = ~exists().where(_same_key(table, new, keys))
    chosen: list[Any] = [new.c[c] for c in columns] + ([literal(1)] if versioned else [])
    into = columns + (["version"] if versioned else [])
    inserted = _changed(conn, insert(table).from_select(into, select(*chosen).where(absent)))
    values: dict[str, Any] = {c: new.c[c] for c in columns if c not in keys}
    if versioned:
        values["version"] = table.c.version + 1
    compared = [c for c in columns if c not in keys] if before else []  # a table that was empty has all new rows
    updated = 0
    if compared:  # after the inserts: an edited actor may now be part of a new one
        changed = and_(_same_key(table, new, keys), staged.differs(table, new, compared))
        updated = _changed(conn, update_(table).where(changed).values(values))
    not_staged = ~exists().where(_same_key(table, new, keys))
    removed = 0
    if before and target in _CHILDREN:
        column, parent = _CHILDREN[target]
        parents = select(staged.of(parent).c.id)
        removed = _changed(conn, delete(table).where(table.c[column].in_(parents), not_staged))
    elif before and target in _YAML_ONLY:
        from_yaml = table.c.origin == "yaml" if "origin" in table.c else true()
        removed = _changed(conn, delete(table).where(from_yaml, not_staged))
    existing_kept = before - (wanted - inserted)
    return TableReport(inserted, updated, wanted - inserted - updated, existing_kept - removed, removed)


def _keep_app_texts(staged: Staged, table: Table, new: Table) -> None:
    """A source whose text was published in the app keeps it (see ``_KEPT_WITHOUT_TEXT``): staged rows adjusted."""
    conn, recs, staged_recs = staged.conn, tables.R, staged.of(tables.R)
    app_recs = select(recs.c.source_id).where(recs.c.origin == "app", ~exists().where(staged_recs.c.id == recs.c.id))
    app_texts = sorted({r.source_id for r in conn.execute(app_recs)})
    has_text = exists().where(table.c.id == new.c.id, table.c.full_text.is_not(None))

    def old(column: str) -> Any:
        return select(table.c[column]).where(table.c.id == new.c.id).scalar_subquery()

    if app_texts:
        kept = {c: func.coalesce(old(c), new.c[c]) for c in _KEPT_WITHOUT_TEXT}
        conn.execute(update_(new).where(has_text, new.c.id.in_(app_texts)).values(kept))
    filled = {c: func.coalesce(new.c[c], old(c)) for c in _KEPT_WITHOUT_TEXT}
    conn.execute(update_(new).where(has_text, new.c.id.not_in(app_texts), new.c.full_text.is_(None)).values(filled))


_COMPARED = [c.name for c in tables.A.columns if c.name not in ("origin", "id")]
_REVIEWED = ["decision", "comment", "reviewed_by", "reviewed_at"]


def append_history(
    staged: Staged, where: Callable[[str], tuple[str, int]], assessments_file: str
) -> tuple[dict[str, TableReport], list[Problem]]:
    """Insert the assessments (the evidence they cite, their reviews) that the database does not hold yet.

    One that it holds must be exactly as recorded, and one loaded from YAML before must still be there; otherwise
    each such assessment is returned as a problem with its file and line (``where``), and nothing is written.
    """
    conn = staged.conn
    if tables.A in staged.skipped:  # the three as the last load left them (``_skipped``)
        return {target.name: staged.unchanged(target) for target in HISTORY}, []
    if tables.A in staged.direct:  # nothing was recorded, so nothing can differ or be lost (nor cited, reviewed)
        if not all(target in staged.direct for target in HISTORY):  # their keys name the assessments: cannot be
            raise RuntimeError("the history holds citations or reviews of assessments that are not there")
        return {target.name: TableReport(inserted=_count(conn, target)) for target in HISTORY}, []
    table, links, reviews = tables.A, tables.AE, tables.REVIEWS
    new, new_links, new_reviews = staged.of(tables.A), staged.of(tables.AE), staged.of(tables.REVIEWS)
    problems: list[Problem] = []
    same_review = reviews.c.assessment_id == new_reviews.c.assessment_id
    changed_reviews = select(new_reviews.c.assessment_id).where(
        same_review, staged.differs(reviews, new_reviews, _REVIEWED)
    )
    for ident in sorted(conn.execute(changed_reviews).scalars()):
        problems.append(Problem(*where(ident), f"assessment {ident} was reviewed otherwise; a review cannot change"))
    same = table.c.id == new.c.id
    changed = select(new.c.id).where(same, staged.differs(table, new, _COMPARED))
    link_key = and_(*(links.c[c] == new_links.c[c] for c in ("assessment_id", "evidence_id", "position")))
    held = exists().where(table.c.id == new_links.c.assessment_id)
    cited_more = select(new_links.c.assessment_id).where(held, ~exists().where(link_key))
    staged_held = exists().where(new.c.id == links.c.assessment_id)
    cited_less = select(links.c.assessment_id).where(staged_held, ~exists().where(link_key))
    for ident in sorted(
        set(conn.execute(changed).scalars())
        | set(conn.execute(cited_more).scalars())
        | set(conn.execute(cited_less).scalars())
    ):
        problems.append(
            Problem(
                *where(ident),
                f"assessment {ident} is already recorded and cannot change; add a new assessment that supersedes it",
            )
        )
    lost = select(table.c.id).where(table.c.origin == "yaml", ~exists().where(same)).order_by(table.c.id)
    problems += [Problem(assessments_file, 0, _lost(ident)) for ident in conn.execute(lost).scalars()]
    if problems:
        return {}, problems
    before, wanted = _count(conn, table), _count(conn, new)
    columns = inserted_columns(tables.A)
    inserted = _changed(
        conn, insert(table).from_select(columns, select(*(new.c[c] for c in columns)).where(~exists().where(same)))
    )
    link_columns = inserted_columns(tables.AE)
    cited = _count(conn, new_links)
    inserted_links = _changed(
        conn,
        insert(links).from_select(
            link_columns, select(*(new_links.c[c] for c in link_columns)).where(~exists().where(link_key))
        ),
    )
    review_columns = inserted_columns(tables.REVIEWS)
    reviewed = _count(conn, new_reviews)
    inserted_reviews = _changed(
        conn,
        insert(reviews).from_select(
            review_columns, select(*(new_reviews.c[c] for c in review_columns)).where(~exists().where(same_review))
        ),
    )
    unchanged = wanted - inserted
    return {
        "assessment": TableReport(inserted=inserted, unchanged=unchanged, kept=before - unchanged),
        "assessment_evidence": TableReport(inserted=inserted_links, unchanged=cited - inserted_links),
        "assessment_review": TableReport(inserted=inserted_reviews, unchanged=reviewed - inserted_reviews),
    }, []


def _lost(ident: str) -> str:
    return (
        f"assessment {ident} is already recorded and cannot be removed from the YAML; put it back, "
        "or withdraw it with a new assessment (visibility: withdrawn) that supersedes it"
    )
