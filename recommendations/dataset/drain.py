"""A pipe read ahead by a thread, at most ``LEAD`` bytes ahead of its reader.

Why: the parsing worker (``parsing``) writes faster than the reader checks at times, and the reader reads faster at
others; with only the pipe between them (64 KB on Linux, less than one of the worker's frames) each waited for the
other in turn. Taken in ahead, the worker parses on while the reader checks, imports or migrates, and memory stays
bounded in the data's size.
"""

from __future__ import annotations

import fcntl
import os
import queue
import threading
from typing import IO

#: Bytes of the worker's output the reader's process holds ahead of its checks, at most (1,000 recommendations
#: make about 10 MB of it).
LEAD = 32 * 1024 * 1024
_CHUNK = 1024 * 1024  # one read of the pipe, and its size where the system allows (Linux: F_SETPIPE_SZ)


def widen(pipe: IO[bytes]) -> None:
    """A larger pipe, where the system allows: the thread that empties it waits its turn for Python's lock while the
    reader's thread runs, and the writer need not wait meanwhile."""
    try:
        fcntl.fcntl(pipe.fileno(), fcntl.F_SETPIPE_SZ, _CHUNK)
    except (AttributeError, OSError):  # not Linux, or a lower limit (/proc/sys/fs/pipe-max-size)
        pass


class Drain:
    """The worker's output, taken from the pipe by a thread as it comes, up to ``LEAD`` bytes ahead of the reader."""

    def __init__(self, output: IO[bytes]) -> None:
        self._output = output
        self._chunks: queue.Queue[bytes] = queue.Queue(maxsize=max(1, LEAD // _CHUNK))
        self._buffer, self._at, self._ended = b"", 0, False
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._pump, name="parse-ahead", daemon=True)
        self._thread.start()

    def _pump(self) -> None:
        fd = self._output.fileno()
        while True:
            try:
                chunk = os.read(fd, _CHUNK)
            except OSError:
                chunk = b""
            while not self._stopped.is_set():
                try:
                    self._chunks.put(chunk, timeout=0.1)
                    break
                except queue.Full:
                    continue
            if not chunk or self._stopped.is_set():
                return

    def read(self, size: int) -> bytes:
        """``size`` bytes of the output; fewer only at its end."""
        parts, missing = [], size
        while missing:
            if self._at == len(self._buffer):
                if self._ended:
                    break
                self._buffer, self._at = self._chunks.get(), 0
                self._ended = not self._buffer
                continue
            part = self._buffer[self._at : self._at + missing]
            self._at += len(part)
            missing -= len(part)
            parts.append(part)
        return b"".join(parts)

    def close(self) -> None:
        """Stop taking the output (the worker has been stopped, so the pipe ends) and close it."""
        self._stopped.set()
        self._thread.join()
        self._output.close()
