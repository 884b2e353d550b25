"""``api.page.PageLanguage``: every HTML page gets the script that declares the reader's language, and nothing else
changes (tests/e2e/test_khmer_reading.py checks the script at work in a browser, under the real policy)."""

from __future__ import annotations

import gzip

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from recommendations import i18n
from recommendations.api.page import PageLanguage, script_tag

PAGE = '<!doctype html><html lang="en"><head><title>tracker</title></head><body><p>x</p></body></html>'
VALIDATORS = {"etag": '"abc"', "last-modified": "Mon, 07 Dec 2026 01:41:08 GMT"}


def _client() -> TestClient:
    async def page(_: Request) -> Response:
        return HTMLResponse(PAGE, headers=VALIDATORS)

    async def streamed(_: Request) -> Response:
        async def parts():  # the page in pieces, "</head>" split across two of them
            for part in (PAGE[:40], PAGE[40:50], PAGE[50:]):
                yield part.encode()

        return StreamingResponse(parts(), media_type="text/html")

    async def packed(_: Request) -> Response:  # as Streamlit's server sends the page to a browser
        return Response(gzip.compress(PAGE.encode()), media_type="text/html", headers={"content-encoding": "gzip"})

    async def bare(_: Request) -> Response:
        return HTMLResponse("<p>a fragment, no head</p>", headers=VALIDATORS)

    async def data(_: Request) -> Response:
        return JSONResponse({"text": "</head>"})

    routes = [
        Route("/", page, methods=["GET", "HEAD", "POST"]),
        Route("/streamed", streamed),
        Route("/packed", packed),
        Route("/bare", bare),
        Route("/data", data),
    ]
    return TestClient(Starlette(routes=routes, middleware=[Middleware(PageLanguage, languages=["en", "km"])]))


def test_a_page_gets_the_script_once_before_its_head_ends_with_its_length_set_again():
    client = _client()
    tag = script_tag(["en", "km"]).decode()
    for path in ("/", "/streamed", "/packed"):
        answer = client.get(path)  # (the client unpacks a gzipped answer, as a browser does)
        assert answer.text == PAGE.replace("</head>", tag + "</head>"), path
        assert int(answer.headers["content-length"]) == answer.num_bytes_downloaded  # as sent, packed or not
        assert "etag" not in answer.headers and "last-modified" not in answer.headers  # not the file's any more
    assert 'data-languages="en km"' in tag and 'src="./app/static/page-language.js"' in tag


def test_other_answers_pass_unchanged():
    client = _client()
    head = client.head("/")
    assert head.status_code == 200 and "content-length" not in head.headers  # the page's would differ
    bare = client.get("/bare")
    assert bare.text == "<p>a fragment, no head</p>" and bare.headers["etag"] == VALIDATORS["etag"]
    assert client.get("/data").json() == {"text": "</head>"}  # not HTML, though it holds the text
    posted = client.post("/")
    assert posted.text == PAGE and posted.headers["etag"] == VALIDATORS["etag"]


def test_only_bare_language_codes_go_into_the_page():
    assert script_tag() == script_tag(i18n.languages())
    for bad in ('en" onload="alert(1)', "km>", "EN", "", "khmer", "km\n"):
        with pytest.raises(ValueError):
            script_tag(["en", bad])
