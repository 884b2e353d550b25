"""Middleware: security headers on every response (pages, API, feed, files), and for the open-data addresses
(``/api/``, ``/datapackage.json``, ``/feed.atom``) CORS for GET from any origin, no cookies read or set, and a
per-client rate limit (``TRACKER_API_REQUESTS_PER_MINUTE``; the client is identified as for log-in throttling,
``Settings.client_address``: behind a trusted proxy only, the address it saw).

The Content-Security-Policy allows what Streamlit's own page needs and nothing else: its scripts, styles and
fonts from this server (plus the hashes of the inline scripts in its index.html), the app's connection to this
server, and images from this server or inline; no remote image, script, frame or form target.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import threading
import time
from pathlib import Path

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from recommendations import settings

OPEN_DATA = ("/api/", "/api", "/datapackage.json", "/feed.atom")
PERMISSIONS = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), hid=()"
CORS = {
    "access-control-allow-origin": "*",
    "access-control-expose-headers": "ETag, Last-Modified, Retry-After",
}
PREFLIGHT = {
    **CORS,
    "access-control-allow-methods": "GET, HEAD, OPTIONS",
    "access-control-allow-headers": "If-None-Match, If-Modified-Since",
    "access-control-max-age": "86400",
}


def inline_script_hashes(index_html: Path | None) -> list[str]:
    """'sha256-…' of each inline script of Streamlit's page (one sets a flag for search engines), so the policy
    can allow exactly those and no other inline script."""
    if index_html is None or not index_html.is_file():
        return []
    page = index_html.read_text(encoding="utf-8")
    scripts = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", page, flags=re.S)
    return [f"'sha256-{base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()}'" for s in scripts]


def policy(index_html: Path | None = None) -> str:
    # 'wasm-unsafe-eval' lets Streamlit's message reader compile its small WebAssembly module (long.js, for 64-bit
    # numbers); it allows no JavaScript eval.
    scripts = " ".join(["'self'", "'wasm-unsafe-eval'", *inline_script_hashes(index_html)])
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src {scripts}",
            "style-src 'self' 'unsafe-inline'",  # Streamlit styles its widgets inline
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "worker-src 'self' blob:",
            "frame-src 'self'",
            "frame-ancestors 'none'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
        ]
    )


class SecurityHeaders:
    """Adds the security headers to every HTTP response."""

    def __init__(self, app: ASGIApp, csp: str) -> None:
        self.app = app
        self.headers = {
            "content-security-policy": csp,
            "x-content-type-options": "nosniff",
            "referrer-policy": "same-origin",
            "x-frame-options": "DENY",
            "permissions-policy": PERMISSIONS,
            "cross-origin-opener-policy": "same-origin",
        }

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    headers[name] = value
            await send(message)

        await self.app(scope, receive, sending)


class Limiter:
    """Requests per client per minute (a fixed window), in this process's memory."""

    def __init__(self) -> None:
        self._windows: dict[str, tuple[int, int]] = {}
        self._lock = threading.Lock()

    def wait(self, client: str, limit: int, now: float | None = None) -> int:
        """Count a request; the seconds to wait when it is over the limit, else 0."""
        now = time.time() if now is None else now
        minute = int(now // 60)
        with self._lock:
            start, count = self._windows.get(client, (minute, 0))
            count = count + 1 if start == minute else 1
            self._windows[client] = (minute, count)
            if len(self._windows) > 50_000:
                self._windows = {k: v for k, v in self._windows.items() if v[0] == minute}
        return max(1, 60 - int(now % 60)) if count > limit else 0

    def reset(self) -> None:
        with self._lock:
            self._windows.clear()


LIMITER = Limiter()


def is_open_data(path: str) -> bool:
    return path.startswith(OPEN_DATA[0]) or path in OPEN_DATA[1:]


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return str(value.decode("latin-1"))
    return None


async def _plain(send: Send, status: int, headers: dict[str, str], body: dict[str, object] | None = None) -> None:
    content = json.dumps(body).encode() if body is not None else b""
    sent = [(k.encode(), v.encode()) for k, v in headers.items()]
    if body is not None:
        sent.append((b"content-type", b"application/json"))
    sent.append((b"content-length", str(len(content)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": sent})
    await send({"type": "http.response.body", "body": content})


def _config() -> settings.Settings:
    try:
        return settings.current()
    except settings.SettingsError:
        return settings.Settings()  # the routes answer 503 themselves; the limit still holds


class OpenData:
    """CORS, no cookies and the rate limit on the open-data addresses; other paths pass untouched."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_open_data(scope["path"]):
            await self.app(scope, receive, send)
            return
        scope = {**scope, "headers": [(k, v) for k, v in scope["headers"] if k != b"cookie"]}  # never read
        method = scope["method"]
        if method == "OPTIONS":
            await _plain(send, 204, PREFLIGHT)
            return
        if method not in ("GET", "HEAD"):
            error = {"status": 405, "message": "This address is read-only: use GET."}
            await _plain(send, 405, {**CORS, "allow": "GET, HEAD, OPTIONS"}, {"error": error})
            return
        config = _config()
        peer = scope["client"][0] if scope.get("client") else None
        client = config.client_address(peer, _header(scope, b"x-forwarded-for"))
        wait = LIMITER.wait(client, config.api_requests_per_minute)
        if wait:
            message = f"Too many requests from this client: at most {config.api_requests_per_minute} a minute."
            error = {"status": 429, "message": f"{message} Try again in {wait} seconds."}
            await _plain(send, 429, {**CORS, "retry-after": str(wait)}, {"error": error})
            return

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in CORS.items():
                    headers[name] = value
                del headers["set-cookie"]
            await send(message)

        await self.app(scope, receive, sending)
