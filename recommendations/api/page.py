"""Streamlit's page as this server sends it: with the reader's language declared for screen readers.

Streamlit's index.html says ``<html lang="en">`` whatever language the page shows, so a screen reader read a
Khmer page with an English voice (WCAG 3.1.1, language of page). ``PageLanguage`` adds to each HTML page one
script of this server's own (``static/page-language.js``: allowed by the Content-Security-Policy as 'self', no
inline script) that sets the page's ``lang`` from the address bar's ``lang``, where the app keeps the reader's
language (``ui.language``), and only to a language on offer (the script's ``data-languages``, from the catalogs).
"""

from __future__ import annotations

import gzip
from collections.abc import Iterable

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from recommendations import i18n

#: Where Streamlit serves the app's static folder, relative to a page (as its own index.html names its scripts).
SCRIPT = '<script src="./app/static/page-language.js" data-languages="{languages}" defer></script>'
_HEAD_END = b"</head>"


def _same(data: bytes) -> bytes:
    return data


#: The page's encodings this reads and writes again (Streamlit's server compresses it for a browser that asks):
#: none, or gzip. Any other passes unchanged.
_ENCODINGS = {"": (_same, _same), "gzip": (gzip.decompress, gzip.compress)}


def script_tag(languages: Iterable[str] | None = None) -> bytes:
    """The tag added to each page; ``languages``: the codes on offer (default: the catalogs'), each a bare code
    (``i18n.LANGUAGE_CODE``: nothing else goes into the attribute)."""
    codes = list(i18n.languages() if languages is None else languages)
    if not all(i18n.LANGUAGE_CODE.fullmatch(code) for code in codes):
        raise ValueError(f"not a language code: {codes!r}")
    return SCRIPT.format(languages=" ".join(codes)).encode()


class PageLanguage:
    """Adds ``script_tag`` before ``</head>`` of every HTML page answered to a GET (as sent, or gzipped: then
    unpacked and packed again), with its length set again and its validators (ETag, Last-Modified) dropped: the
    page sent is not the file they describe, so a browser asks for it whole each time (2.4 KB gzipped). A HEAD's
    answer loses its length, which the page's would not match. Every other answer passes unchanged."""

    def __init__(self, app: ASGIApp, languages: Iterable[str] | None = None) -> None:
        self.app = app
        self.tag = script_tag(languages)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        held: list[Message] = []  # the answer's start, while its body is gathered
        body = bytearray()

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = Headers(raw=message["headers"])
                if headers.get("content-type", "").startswith("text/html") and (
                    headers.get("content-encoding", "") in _ENCODINGS
                ):
                    held.append(message)
                    return
            if not held or message["type"] != "http.response.body":
                await send(message)
                return
            body.extend(message.get("body", b""))
            if message.get("more_body", False):
                return
            start = held.pop()
            headers = MutableHeaders(scope=start)
            unpack, pack = _ENCODINGS[headers.get("content-encoding", "")]
            page = b"" if scope["method"] == "HEAD" else unpack(bytes(body))
            if scope["method"] == "HEAD":
                del headers["content-length"]
            elif _HEAD_END in page:
                at = page.index(_HEAD_END)
                page = pack(page[:at] + self.tag + page[at:])
                headers["content-length"] = str(len(page))
            else:
                await send(start)
                await send({"type": "http.response.body", "body": bytes(body)})
                return
            for validator in ("etag", "last-modified"):
                del headers[validator]
            await send(start)
            await send({"type": "http.response.body", "body": page})

        await self.app(scope, receive, sending)
