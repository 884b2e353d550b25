"""SQLite without its memory statistics, so reads on threads of one process run side by side.

SQLite counts every allocation under one mutex shared by the whole process unless it was built with
``SQLITE_DEFAULT_MEMSTATUS=0``, which its documentation recommends ("Recommended Compile-time Options") and which
Debian's build (the one Python links here) leaves on. The server reads on many threads (a script run per session,
the warm-up's reads beside each other), and a read that sorts allocates all the time: measured at 10,000
recommendations, the status over time alone 1.1 s; the same statement on two threads at once 2.1-2.5 s each, one
after the other in effect; with the statistics off 0.9-1.0 s each, side by side. Nothing here reads them.

``sqlite3_config`` may only be called while the library is shut down, and shutting it down with a connection open
would break that connection, so this is done only when nothing of SQLite's is allocated (its own count says so) and
only on the library Python's ``sqlite3`` module uses (a connection opened to check moves that count). Anything
else, and any failure, leaves SQLite as it is: slower side by side, never wrong.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import sqlite3

log = logging.getLogger(__name__)

_MEMSTATUS = 9  # SQLITE_CONFIG_MEMSTATUS
_MEMORY_USED = 0  # SQLITE_STATUS_MEMORY_USED
_OK = 0
_state = {"off": False}


def _library() -> ctypes.CDLL | None:
    for name in ("libsqlite3.so.0", ctypes.util.find_library("sqlite3")):
        if name:
            try:
                return ctypes.CDLL(name)
            except OSError:
                continue
    return None


def allocated(library: ctypes.CDLL) -> int:
    """What SQLite counts as allocated now (always 0 once the statistics are off)."""
    current, highest = ctypes.c_int64(), ctypes.c_int64()
    library.sqlite3_status64(_MEMORY_USED, ctypes.byref(current), ctypes.byref(highest), 0)
    return current.value


def unmetered() -> bool:
    """Turn SQLite's memory statistics off if that is safe now (see the module's docstring); whether they are off."""
    if not _state["off"]:
        _state["off"] = _turn_off()
    return _state["off"]


def _turn_off() -> bool:
    try:
        library = _library()
        if library is None or allocated(library) != 0:  # unknown, or something is open
            return False
        probe = sqlite3.connect(":memory:")
        probe.execute("SELECT 1")
        ours = allocated(library) > 0  # the count moved: this is the library Python's sqlite3 uses
        probe.close()
        if not ours or allocated(library) != 0:
            return False
        if library.sqlite3_shutdown() != _OK:
            return False
        configured = bool(library.sqlite3_config(_MEMSTATUS, ctypes.c_int(0)) == _OK)
        if library.sqlite3_initialize() != _OK:  # sqlite3 would initialise it again at its next call anyway
            return False
        return configured
    except (OSError, AttributeError, sqlite3.Error) as error:
        log.debug("SQLite's memory statistics left on: %s", error)
        return False
