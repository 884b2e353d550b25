"""What the last load read: one fingerprint of the files and of the code that reads them, and of what the database
held besides, so that a reload of unchanged files with nothing written since reads nothing; and the rows it read,
kept, so that a reload of unchanged files after a write in the app compares without reading them again."""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import stat
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete, func, insert, select
from sqlalchemy.engine import Connection, Engine

from models import Actor, Assessment, AssessmentEvidence, AssessmentReview, Evidence, Recommendation, Source, tables
from recommendations import settings
from recommendations.dataset.folder import outside

log = logging.getLogger(__name__)
STAGING_PREFIX = "recommendations-staging-"

_COUNTED = (Assessment, AssessmentEvidence, AssessmentReview, Evidence, Recommendation, Source, Actor)


# The code that reads, checks and writes the files: a change to any of it makes the next load read everything again.
_RULES = (
    "schema.py",
    "validate.py",
    "crosscheck.py",
    "checks.py",
    "records.py",
    "staging.py",
    "sync.py",
    "loader.py",
    "yamlio.py",
)


def fingerprint(root: Path) -> str:
    """One hash of every file under ``root`` (names and bytes) and of the code that reads them.

    A load records it; a later load of the same files by the same code has nothing to do, and only
    compares this (a few seconds for hundreds of megabytes) instead of parsing everything again.
    """
    digest = hashlib.sha256()
    here = Path(__file__).resolve().parent
    for name in _RULES:
        digest.update((here / name).read_bytes())
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
    administrator's SQL), so such a database is compared again rather than trusted.
    """
    audit_table = tables.AUDIT
    parts = [select(func.coalesce(func.max(audit_table.c.id), 0)).scalar_subquery()]
    parts += [select(func.count()).select_from(tables.of(m)).scalar_subquery() for m in _COUNTED]
    return ":".join(str(v) for v in conn.execute(select(*parts)).one())


def last_fingerprint(engine: Engine) -> str | None:
    """The fingerprint of the last load, or None when anything was written since (the app, a bulk upload)."""
    table = tables.LOAD_STATE
    with engine.connect() as conn:
        stored = {r.name: r.value for r in conn.execute(select(table.c.name, table.c.value))}
        if stored.get("audit_version") != _audit_version(conn):
            return None
    return stored.get("fingerprint")


def remember_fingerprint(conn: Connection, value: str) -> None:
    table = tables.LOAD_STATE
    conn.execute(delete(table))
    conn.execute(insert(table), [
        {"name": "fingerprint", "value": value},
        {"name": "audit_version", "value": _audit_version(conn)},
    ])  # fmt: skip


# --- the rows of the last read, kept ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Kept:
    """Where a load of ``root`` keeps the rows it read (one file per data folder), and the key its content must
    carry: the files' fingerprint (which covers the code that reads them), the folder and the staged tables' shape.

    Why: a reload after a write in the app finds the files unchanged but the database not, so it must compare them;
    reading and validating the files again is most of that time and gives the same rows. The kept file is trusted
    as it was written (it skips validation), so it lives only in a directory of this user's that nobody else may
    write to, and is used only when its key matches.
    """

    directory: Path
    path: Path
    key: str


def kept(root: Path, print_: str, shape: str) -> Kept | None:
    """The slot of ``root``'s kept rows, or None when no private cache directory can be had (then nothing is kept)."""
    directory = settings.current().load_cache
    if directory is None:
        return None
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = directory.stat()
    except OSError as error:
        log.warning("rows of the load are not kept: %s", error)
        return None
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.geteuid() or info.st_mode & 0o022:
        log.warning("rows of the load are not kept: %s is not a directory only this user may write to", directory)
        return None
    _tidy(directory)
    folder = str(Path(root).resolve())
    name = hashlib.sha256(folder.encode()).hexdigest()[:32]
    key = hashlib.sha256("\0".join((print_, folder, shape)).encode()).hexdigest()
    return Kept(directory, directory / f"rows-{name}.sqlite", key)


#: A scratch file of a load that stopped before keeping it (a read's is written to as it goes, its diff takes minutes).
_ABANDONED_AFTER = 24 * 3600


def _tidy(directory: Path) -> None:
    """Remove what loads that stopped half way left: the hard link a load reads kept rows through (named with its
    process id: gone once that process is) and a scratch file not written to for a day. Each holds disk space."""
    now = time.time()
    for path in directory.iterdir():
        try:
            if path.name.startswith("rows-") and path.suffix != ".sqlite":  # rows-<folder>.sqlite.<pid>.<uuid>
                pid = int(path.name.split(".")[2])
                if not _running(pid):
                    path.unlink()
            elif path.name.startswith(STAGING_PREFIX) and now - path.stat().st_mtime > _ABANDONED_AFTER:
                path.unlink()
        except (OSError, ValueError, IndexError):
            continue


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: running
        return True
    return True


def private_file(path: Path) -> bool:
    """``path`` is a regular file of this user's that nobody else may write to."""
    try:
        info = path.lstat()
    except OSError:
        return False
    return stat.S_ISREG(info.st_mode) and info.st_uid == os.geteuid() and not info.st_mode & 0o022
