"""What the last load read: one fingerprint of the files and of the code that reads them, and of what the database
held besides, so that a reload of unchanged files with nothing written since reads nothing. The rows it read are
kept beside (``kept_rows``), so that a reload of unchanged files after a write in the app compares without reading
them again; and, on PostgreSQL, a digest of each table it left as the files say (``digests``), so that such a
reload compares only the tables written since."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable, Mapping
from pathlib import Path

from sqlalchemy import JSON, Table, delete, func, insert, select
from sqlalchemy.engine import Connection, Engine

from models import core, tables
from recommendations.dataset.folder import outside

_COUNTED = (tables.A, tables.AE, tables.REVIEWS, tables.E, tables.R, tables.S, tables.ACT)


# The code that reads, checks and writes the files (paths in the repository): a change to any of it makes the next
# load read everything again, so rows loaded under older rules are loaded again under the new ones. Every module a
# read or a load imports is here, or in ``NOT_RULES`` (tests/test_loader.py holds it).
_REPOSITORY = Path(__file__).resolve().parents[2]
RULES = (
    *(f"recommendations/dataset/{name}.py" for name in (
        "schema", "fields", "translations", "validate", "crosscheck", "checks", "records", "staging", "sync",
        "loader", "yamlio", "parsing", "drain", "folder", "ahead",
    )),
    *(f"recommendations/{name}.py" for name in ("vocabulary", "text", "dates", "verbatim", "hierarchy", "i18n")),
    "models/core.py",  # the tables the rows go into (written from models/orm.py, which a load does not import)
    "models/filling.py",
    "models/append_only.py",
)  # fmt: skip
#: Modules a load imports that cannot change what it accepts or writes: where rows are kept, this fingerprint and the
#: tables' digests (they decide what is compared, never what a comparison finds), the audit row, settings, SQL
#: helpers, names for display, the engine and locks, the models package (it imports no class until one is asked for).
NOT_RULES = (
    "recommendations/dataset/kept_rows.py", "recommendations/dataset/load_state.py", "recommendations/audit.py",
    "recommendations/settings.py", "recommendations/sql.py", "recommendations/labels.py",
    "recommendations/permissions.py", "models/db.py", "models/snapshot.py", "models/tables.py",
    "models/sqlite_threads.py", "models/__init__.py",
)  # fmt: skip


def fingerprint(root: Path) -> str:
    """One hash of every file under ``root`` (names and bytes) and of the code that reads them.

    A load records it; a later load of the same files by the same code has nothing to do, and only
    compares this (a few seconds for hundreds of megabytes) instead of parsing everything again.
    """
    digest = hashlib.sha256()
    for name in RULES:
        digest.update((_REPOSITORY / name).read_bytes())
    for path in sorted(p for p in Path(root).rglob("*") if p.is_file() or p.is_symlink()):
        digest.update(str(path.relative_to(root)).encode() + b"\0")
        if outside(path, Path(root)) or not path.is_file():  # refused by validation: hash where it points, not it
            digest.update(str(path.resolve()).encode() + b"\1")
            continue
        with path.open("rb") as handle:
            for block in iter(functools.partial(handle.read, 1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def _audit_version(conn: Connection) -> str:
    """What the database holds besides the files, cheaply: the last audit entry and the size of each table.

    Every write through the app is audited; the row counts also catch a change made behind its back (an
    administrator's SQL) that adds or removes rows, so such a database is compared again rather than trusted. One
    that keeps every count is caught by the digests (PostgreSQL: ``last_fingerprint``).
    """
    audit_table = tables.AUDIT
    parts = [select(func.coalesce(func.max(audit_table.c.id), 0)).scalar_subquery()]
    parts += [select(func.count()).select_from(m).scalar_subquery() for m in _COUNTED]
    return ":".join(str(v) for v in conn.execute(select(*parts)).one())


def last_fingerprint(engine: Engine) -> str | None:
    """The fingerprint of the last load, or None when anything was written since (the app, a bulk upload).

    On PostgreSQL the digests the last load remembered (of every table: those it left and those it wrote) are
    checked too: a write the audit version cannot see (an administrator's SQL that keeps every count, such as a
    recommendation's text edited) makes the load compare, and so puts the files' text back. 16 ms at 1,000
    recommendations, 0.14 s at 10,000, 0.5 s at 50,000.
    """
    with engine.connect() as conn:
        stored = _stored(conn)
        if stored.get("audit_version") != _audit_version(conn):
            return None
        held = {**_digests_in(stored, _SEEN), **_digests_in(stored)}
        known = core.metadata.tables
        if any(name not in known for name in held) or _digests_of(conn, [known[n] for n in held]) != held:
            return None
    return stored.get("fingerprint")


def remember_fingerprint(
    conn: Connection, value: str, digests_: Mapping[str, str] | None = None, seen: Mapping[str, str] | None = None
) -> None:
    """Remember the files' fingerprint, the database's audit version, the ``digests`` of the tables the load left as
    the files say (a reload of the same files need not compare them), and the digests ``seen`` at its end of the
    tables it wrote: those only tell the next load that nothing has changed since, never that a table need not be
    compared (another session may have written to it while the load ran)."""
    table = tables.LOAD_STATE
    conn.execute(delete(table))
    conn.execute(insert(table), [
        {"name": "fingerprint", "value": value},
        {"name": "audit_version", "value": _audit_version(conn)},
        *({"name": _DIGEST + name, "value": digest} for name, digest in sorted((digests_ or {}).items())),
        *({"name": _SEEN + name, "value": digest} for name, digest in sorted((seen or {}).items())),
    ])  # fmt: skip


_DIGEST, _SEEN = "digest ", "seen "


def last_digests(conn: Connection, print_: str) -> dict[str, str]:
    """The digests the last load remembered, if it loaded the files of fingerprint ``print_``; else none."""
    stored = _stored(conn)
    return _digests_in(stored) if stored.get("fingerprint") == print_ else {}


def _stored(conn: Connection) -> dict[str, str]:
    """Everything the last load remembered (``remember_fingerprint``), by name."""
    table = tables.LOAD_STATE
    return {r.name: r.value for r in conn.execute(select(table.c.name, table.c.value))}


def _digests_in(stored: Mapping[str, str], prefix: str = _DIGEST) -> dict[str, str]:
    return {name.removeprefix(prefix): value for name, value in stored.items() if name.startswith(prefix)}


def digests(conn: Connection, targets: Iterable[Table]) -> dict[str, str]:
    """Each table's row count and the sum of a 64-bit hash of each of its rows, every column (``count:sum``), on
    PostgreSQL 14 or later; none elsewhere.

    Why: a load remembers them for the tables it leaves as the files say; the next load of the same files compares
    only the tables whose digest differs (``Staged.skipped``). Any write, by any path, changes the content and so
    the digest (short of a 64-bit collision); a write undone leaves nothing to compare. At 1,000 recommendations,
    16 ms for every table.
    """
    return _digests_of(conn, list(targets))


def _digests_of(conn: Connection, tables_: list[Table]) -> dict[str, str]:
    version = conn.dialect.server_version_info or ()
    if conn.dialect.name != "postgresql" or tuple(version) < (14,) or not tables_:
        return {}
    parts = []
    for table in tables_:  # names from the tables, never from input; JSON has no hash, its text has
        columns = ", ".join(f'"{c.name}"' + ("::text" if isinstance(c.type, JSON) else "") for c in table.columns)
        digest = f"count(*) || ':' || coalesce(sum(hash_record_extended(ROW({columns}), 0)), 0)"
        parts.append(f'(SELECT {digest} FROM "{table.name}")')  # noqa: S608
    row = conn.exec_driver_sql("SELECT " + ", ".join(parts)).one()
    return {table.name: str(value) for table, value in zip(tables_, row, strict=True)}


def unchanged_since(targets: Iterable[Table], now: Mapping[str, str], then: Mapping[str, str]) -> dict[Table, int]:
    """The tables whose digest ``now`` is the one remembered ``then``, with their row counts."""
    out = {}
    for target in targets:
        name = target.name
        if name in now and now[name] == then.get(name):
            out[target] = int(now[name].split(":", 1)[0])
    return out
