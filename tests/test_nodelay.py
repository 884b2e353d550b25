"""Small answers go out without Nagle's wait: the server's listening sockets get TCP_NODELAY, which the
connections they accept inherit (recommendations/api/nodelay.py; app.py sets it as the server starts). Whether it
shows: ``make bench-readers``, an API answer kept for the data's version with one client (47 ms before, 3 ms after)."""

from __future__ import annotations

import asyncio
import os
import socket
from pathlib import Path

import pytest

from recommendations.api import nodelay

NODELAY = (socket.IPPROTO_TCP, socket.TCP_NODELAY)


def listener() -> socket.socket:
    """A listening socket bound as Streamlit 1.67 binds its own: protocol number 0, so asyncio leaves Nagle on."""
    made = socket.socket(socket.AF_INET)
    made.bind(("127.0.0.1", 0))
    made.listen()
    assert made.proto == 0 and made.getsockopt(*NODELAY) == 0
    return made


def test_listening_sockets_and_what_they_accept_send_without_delay():
    with listener() as server, socket.socket(socket.AF_INET) as bystander:
        bystander.bind(("127.0.0.1", 0))  # bound, not listening: left as it is
        descriptors = len(os.listdir("/proc/self/fd"))
        assert nodelay.listening_sockets_no_delay() >= 1
        assert len(os.listdir("/proc/self/fd")) == descriptors  # every duplicate closed again
        assert server.getsockopt(*NODELAY) == 1 and bystander.getsockopt(*NODELAY) == 0
        with socket.create_connection(server.getsockname()) as client:
            accepted, _ = server.accept()
            with accepted:
                assert accepted.getsockopt(*NODELAY) == 1
            assert client.getsockopt(*NODELAY) == 0  # a client's own socket is not the server's to change


def test_without_a_list_of_descriptors_nothing_is_changed(tmp_path: Path):
    with listener() as server:
        assert nodelay.listening_sockets_no_delay(tmp_path / "absent") == 0
        assert server.getsockopt(*NODELAY) == 0


def test_the_app_sets_it_as_the_server_starts(monkeypatch: pytest.MonkeyPatch):
    import app
    from recommendations.api import records
    from recommendations.ui import warm

    started: list[object] = []
    monkeypatch.setattr(warm, "start", lambda again_after_writes: started.append(again_after_writes))
    monkeypatch.setattr(records, "when_ready", lambda wait, engine: started.append(wait))

    async def start() -> None:
        async with app.warmed(None):
            pass

    with listener() as server:
        asyncio.run(start())
        assert server.getsockopt(*NODELAY) == 1 and started == [True, warm.DONE]  # and the API's records after
