"""The rows a load read, kept for the next load of the same files (one file per data folder, in a private
directory): a reload after a write in the app compares them instead of reading the files again.

Free of the database and the schema: a command asks ``likely`` before it imports either.
"""

from __future__ import annotations

import hashlib
import logging
import os
import stat
import time
from dataclasses import dataclass
from pathlib import Path

from recommendations import settings

log = logging.getLogger(__name__)
STAGING_PREFIX = "recommendations-staging-"


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
    key = hashlib.sha256("\0".join((print_, folder, shape)).encode()).hexdigest()
    return Kept(directory, _slot(directory, root), key)


def _slot(directory: Path, root: Path) -> Path:
    return directory / f"rows-{hashlib.sha256(str(Path(root).resolve()).encode()).hexdigest()[:32]}.sqlite"


def likely(root: Path) -> bool:
    """Whether a load of ``root`` will most likely find its files unchanged (and so compare kept rows, or nothing)
    rather than read them: the rows of its last read are kept and newer than every file in it.

    A guess, for whether to start parsing before the load knows (``parsing.parse_ahead``); the load decides by the
    fingerprint and the kept rows' key. A worker parsing in vain slows a reload that reads nothing by 0.1 s.
    """
    directory = settings.current().load_cache
    if directory is None:
        return False
    try:
        since = _slot(directory, root).stat().st_mtime
        return all(p.stat().st_mtime < since for p in Path(root).rglob("*") if p.is_file())
    except OSError:
        return False


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
