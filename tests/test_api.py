"""The read-only API (/api/v1) on SQLite and PostgreSQL: every route against its OpenAPI description, the pages'
filters, paging, hostile parameters (a 400 naming the parameter, nothing reaching SQL but as a bound value), drafts
never shown, ETag/Last-Modified and 304, CORS without cookies, the per-client limit, and the security headers on
every kind of response."""

from __future__ import annotations

import datetime as dt

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from recommendations import settings
from recommendations.api import files, guard, v1
from recommendations.api.openapi import document
from recommendations.read import open_data
from recommendations.read.filters import MAX_TEXT, BadParameter, Filters
from recommendations.read.table import recommendation_table
from recommendations.write import updates
from recommendations.write.updates import AssessmentForm
from tests.apiclient import MARK, REC, SECURITY, api_client, people, record_drafts

ROUTES = {  # path -> the schema of its answer
    "/api/v1/recommendations": "Page",
    "/api/v1/recommendations?theme=recruitment&status=in_progress&per_page=5": "Page",
    f"/api/v1/recommendations/{REC}": "RecommendationDetail",
    "/api/v1/recommendations/tfamw2011-postarrival-2": "RecommendationDetail",
    "/api/v1/sources": "SourceList",
    "/api/v1/actors": "ActorList",
    "/api/v1/themes": "ThemeList",
    "/api/v1/status-over-time?addressee=molvt": "StatusCountList",
}
FILTERED = ("/api/v1/recommendations", "/api/v1/status-over-time", "/feed.atom")
HOSTILE = ["<script>alert(1)</script>", "' OR 1=1 --", "=cmd|' /C calc'!A0", "../../etc/passwd", "%00", "ქ" * 300]


@pytest.fixture
def client(loaded_engine, configure):
    configure(api_requests_per_minute=100_000)
    with api_client(loaded_engine) as c:
        yield c


def validator(name: str) -> Draft202012Validator:
    """The OpenAPI document's schema ``name`` (OpenAPI 3.1 schemas are JSON Schema 2020-12)."""
    registry = Registry().with_resource("urn:openapi", DRAFT202012.create_resource(document("http://testserver")))
    if name.endswith("List"):
        schema = {
            "type": "object",
            "required": ["items"],
            "properties": {
                "items": {"type": "array", "items": {"$ref": f"urn:openapi#/components/schemas/{name[:-4]}"}}
            },
        }
    else:
        schema = {"$ref": f"urn:openapi#/components/schemas/{name}"}
    return Draft202012Validator(schema, registry=registry)


def test_every_route_answers_as_its_openapi_description_says(client):
    for path, schema in ROUTES.items():
        answer = client.get(path)
        assert answer.status_code == 200, (path, answer.text[:300])
        assert answer.headers["content-type"].startswith("application/json")
        errors = [e.message for e in validator(schema).iter_errors(answer.json())]
        assert errors == [], (path, errors[:3])
    every = client.get("/api/v1/recommendations?per_page=500").json()
    assert every["total"] == len(every["items"]) > 0 and every["next"] is None


def test_the_openapi_document_describes_every_route_and_parameter(client):
    doc = client.get("/api/v1/openapi.json").json()
    assert doc["openapi"].startswith("3.1")
    described = set(doc["paths"])
    for route in [*v1.routes(), *files.routes()]:
        assert route.path.replace("{rec_id}", "{id}") in described, route.path
    params = {p["name"] for p in doc["paths"]["/api/v1/recommendations"]["get"]["parameters"]}
    assert params == set(v1.PAGED)


def test_the_api_filters_as_the_pages_do_and_pages_through_everything(client, loaded_engine):
    chosen = Filters(themes=["recruitment"], statuses=["in_progress", "not_assessed"])
    expected = list(recommendation_table(loaded_engine, chosen)["id"])
    seen, url = [], "/api/v1/recommendations?theme=recruitment&status=in_progress&status=not_assessed&per_page=3"
    while url:
        page = client.get(url).json()
        assert page["total"] == len(expected)
        seen += [item["id"] for item in page["items"]]
        url = page["next"]
    assert seen == expected  # the same set, in the order of the sources
    item = client.get(f"/api/v1/recommendations?q={REC}").json()["items"][0]
    assert item["url"] == f"http://testserver/recommendation?id={REC}"
    assert item["api_url"] == f"http://testserver/api/v1/recommendations/{REC}"


def test_each_addressee_keeps_its_own_status(client, loaded_engine):
    table = recommendation_table(loaded_engine, ids=["tfamw2011-postarrival-2"])
    record = client.get("/api/v1/recommendations/tfamw2011-postarrival-2").json()
    own = {a["id"]: a["status"] for a in table.iloc[0]["addressee_statuses"]}
    assert {a["id"]: a["status"] for a in record["addressees"]} == own
    assert len(set(own.values())) > 1  # the case that matters: addressees with different statuses
    assert record["status"] == table.iloc[0]["status"]
    states = {a["state"] for a in record["assessments"]}
    assert states <= {"standing", "superseded", "withdrawn", "withdrawal"}


def test_hostile_filter_values_get_a_400_naming_the_parameter(client):
    for path in FILTERED:
        for param in ("theme", "addressee"):
            for value in HOSTILE:
                answer = client.get(path, params={param: value})
                assert answer.status_code == 400, (path, param, value)
                assert answer.headers["content-type"].startswith("application/json")
                assert answer.json()["error"]["parameter"] == param


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ({"per_page": "100000000"}, "per_page"),
        ({"per_page": "0"}, "per_page"),
        ({"page": "-1"}, "page"),
        ({"page": "1e9"}, "page"),
        ({"status": "done"}, "status"),
        ({"from": "=cmd"}, "from"),
        ({"to": "2O2O"}, "to"),
        ({"q": "x" * (MAX_TEXT + 1)}, "q"),
        ({"lang": "fr"}, "lang"),
        ({"lang": "<script>"}, "lang"),
        ({"<script>": "1"}, "<script>"),
        ({"thme": "recruitment"}, "thme"),
        ({"research": "' OR 1=1 --"}, "research"),
        ({"source": "=1+1"}, "source"),
    ],
)
def test_bad_parameters_get_a_400_naming_them(client, query, parameter):
    answer = client.get("/api/v1/recommendations", params=query)
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"]["parameter"] == parameter


def test_text_reaches_sql_only_as_a_bound_value(client):
    total = client.get("/api/v1/recommendations").json()["total"]
    for words in ("' OR 1=1 --", "%", "_", "'; DROP TABLE recommendation; --", "<script>"):
        answer = client.get("/api/v1/recommendations", params={"q": words})
        assert answer.status_code == 200 and answer.json()["total"] == 0, words
    assert client.get("/api/v1/recommendations").json()["total"] == total  # nothing was dropped
    for rec_id in ("' OR 1=1 --", "x" * 500, "<script>", "%27%20OR%201%3D1"):
        answer = client.get(f"/api/v1/recommendations/{rec_id}")
        assert answer.status_code == 404 and answer.json()["error"]["status"] == 404


def test_lang_is_accepted(client):
    for lang in ("en", "km"):
        assert client.get("/api/v1/themes", params={"lang": lang}).status_code == 200


def test_unknown_addresses_and_methods_answer_in_json(client):
    for path in ("/api/v1/nothing", "/api/v2/recommendations", "/api/v1/data/nothing.csv"):
        answer = client.get(path)
        assert answer.status_code == 404 and answer.json()["error"]["status"] == 404, path
    for method in ("post", "put", "delete", "patch"):
        answer = getattr(client, method)("/api/v1/recommendations")
        assert answer.status_code == 405 and answer.headers["allow"] == "GET, HEAD, OPTIONS"


def test_drafts_and_returned_records_are_in_no_answer(client, loaded_engine):
    ids = record_drafts(loaded_engine)
    paths = [
        *ROUTES,
        f"/api/v1/recommendations?q={MARK}",
        f"/api/v1/recommendations/{REC}",
        "/feed.atom",
        "/feed.atom?addressee=molvt",
        "/datapackage.json",
        "/api/v1/recommendations?status=in_progress",
    ]
    paths += [f"/api/v1/data/{r['name']}.csv" for r in client.get("/datapackage.json").json()["resources"]]
    for path in paths:
        answer = client.get(path)
        assert answer.status_code == 200, path
        assert MARK not in answer.text and ids["draft"] not in answer.text and ids["returned"] not in answer.text, path
    record = client.get(f"/api/v1/recommendations/{REC}").json()
    assert record["status"] == "not_assessed" and record["assessments"] == []  # drafts never count


def test_conditional_requests_and_a_write_that_changes_the_answer(client, loaded_engine):
    path = f"/api/v1/recommendations/{REC}"
    first = client.get(path)
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert client.get(path, headers={"If-None-Match": etag}).status_code == 304
    assert client.get(path, headers={"If-None-Match": f'"other", {etag}'}).status_code == 304
    assert client.get(path, headers={"If-Modified-Since": modified}).status_code == 304
    assert client.get(path, headers={"If-None-Match": '"other"'}).status_code == 200
    assert client.get(path, headers={"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"}).status_code == 200
    assert client.get(path, headers={"If-Modified-Since": "not a date"}).status_code == 200
    reviewer = people(loaded_engine)["review"]
    with loaded_engine.begin() as conn:
        form = AssessmentForm(
            recommendation=REC,
            status="in_progress",
            as_of="2023-03-01",
            rationale="Published by a reviewer.",
            evidence=["src2019-mrc-prey-veng"],
            publish=True,
        )
        updates.record_assessment(conn=conn, principal=reviewer, form=form)
    after = client.get(path, headers={"If-None-Match": etag})
    assert after.status_code == 200 and after.headers["etag"] != etag
    assert after.json()["status"] == "in_progress"


def test_any_origin_may_read_and_no_cookie_is_read_or_set(client):
    answer = client.get("/api/v1/themes", headers={"Origin": "https://other.example", "Cookie": "tracker_session=x.y"})
    assert answer.headers["access-control-allow-origin"] == "*"
    assert "set-cookie" not in answer.headers and "access-control-allow-credentials" not in answer.headers
    assert "ETag" in answer.headers["access-control-expose-headers"]
    preflight = client.options(
        "/api/v1/recommendations", headers={"Origin": "https://other.example", "Access-Control-Request-Method": "GET"}
    )
    assert preflight.status_code == 204 and "GET" in preflight.headers["access-control-allow-methods"]


def test_the_rate_limit_answers_429_with_retry_after(loaded_engine, configure):
    configure(api_requests_per_minute=3)
    with api_client(loaded_engine) as client:
        answers = [client.get("/api/v1/themes") for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert 1 <= int(answers[-1].headers["retry-after"]) <= 60
    assert answers[-1].json()["error"]["status"] == 429


def test_clients_are_told_apart_as_for_log_in_throttling(configure):
    """A client's own X-Forwarded-For is never believed; a trusted proxy's is."""
    import ipaddress

    configure(api_requests_per_minute=2)
    limiter = guard.Limiter()
    now = dt.datetime(2026, 1, 1, 12, 0, 10).timestamp()
    config = settings.current()
    posing = [config.client_address("203.0.113.9", f"198.51.100.{i}") for i in range(3)]
    assert [limiter.wait(c, 2, now) for c in posing] == [0, 0, 50]
    configure(trusted_proxies=(ipaddress.ip_network("127.0.0.1/32"),))
    config = settings.current()
    behind = [config.client_address("127.0.0.1", f"198.51.100.{i}") for i in range(3)]
    assert [limiter.wait(c, 2, now) for c in behind] == [0, 0, 0]
    assert limiter.wait("198.51.100.0", 2, now + 60) == 0  # a new minute


def test_security_headers_on_every_kind_of_response(client, configure):
    etag = client.get("/api/v1/themes").headers["etag"]
    answers = {
        "json": client.get("/api/v1/themes"),
        "304": client.get("/api/v1/themes", headers={"If-None-Match": etag}),
        "400": client.get("/api/v1/recommendations?per_page=-1"),
        "404": client.get("/api/v1/nothing"),
        "405": client.post("/api/v1/themes"),
        "csv": client.get("/api/v1/data/themes.csv"),
        "atom": client.get("/feed.atom"),
        "redirect": client.get("/session/start?code=nothing", follow_redirects=False),
    }
    configure(api_requests_per_minute=1)
    answers["429"] = client.get("/api/v1/themes")
    for kind, answer in answers.items():
        for header in SECURITY:
            assert header in answer.headers, (kind, header)
        csp = answer.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "img-src 'self' data: blob:" in csp and "http" not in csp
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["referrer-policy"] == "same-origin" and answer.headers["x-frame-options"] == "DENY"
    assert answers["429"].status_code == 429 and answers["304"].status_code == 304


def test_strict_filters_keep_what_the_address_bar_keeps():
    valid = {"themes": {"recruitment"}, "statuses": {"in_progress"}}
    kept = Filters.strict({"theme": ["recruitment"], "from": ["2016"], "q": [" fees "], "status": [""]}, valid)
    assert kept == Filters.from_params({"theme": ["recruitment"], "from": ["2016"], "q": ["fees"]}, valid)
    with pytest.raises(BadParameter) as bad:
        Filters.strict({"theme": ["recruitment", "nope"]}, valid)
    assert bad.value.parameter == "theme" and "nope" in bad.value.problem
    with pytest.raises(BadParameter, match="once"):
        Filters.strict({"from": ["2016", "2017"]}, valid)


def test_pages_cut_from_a_kept_selection_follow_a_write_that_changes_it(client, loaded_engine):
    """Pages of one filter are slices of its selection, kept per version of the data: a write that moves a
    recommendation into the filter shows on the very next page asked, in its total and its items."""
    path, whole = (f"/api/v1/recommendations?status=in_progress&per_page={n}" for n in (2, 500))
    before = client.get(path).json()
    assert REC not in {item["id"] for item in client.get(whole).json()["items"]}
    reviewer = people(loaded_engine)["review"]
    with loaded_engine.begin() as conn:
        form = AssessmentForm(
            recommendation=REC, status="in_progress", as_of="2023-03-01", rationale="Published by a reviewer.",
            evidence=["src2019-mrc-prey-veng"], publish=True,
        )  # fmt: skip
        updates.record_assessment(conn=conn, principal=reviewer, form=form)
    after = client.get(path + "&page=2").json()
    assert after["total"] == before["total"] + 1
    every = client.get(whole).json()["items"]
    assert REC in {item["id"] for item in every} and len(every) == after["total"]


def test_values_kept_per_version_are_bounded_by_the_ids_they_hold(loaded_engine):
    from recommendations.api.http import PerVersion

    kept = PerVersion(max_weight=5)
    made: list[str] = []

    def make(name: str, size: int) -> list[str]:
        made.append(name)
        return [name] * size

    assert kept.get("a", loaded_engine, lambda: make("a", 3)) == ["a"] * 3
    assert kept.get("a", loaded_engine, lambda: make("a", 3)) == ["a"] * 3  # kept: built once
    kept.get("b", loaded_engine, lambda: make("b", 2))  # 5 ids in all: both kept
    kept.get("a", loaded_engine, lambda: make("a", 3))
    kept.get("c", loaded_engine, lambda: make("c", 1))  # 6: the least recently used ("b") goes
    kept.get("a", loaded_engine, lambda: make("a", 3))
    kept.get("b", loaded_engine, lambda: make("b", 2))
    assert made == ["a", "b", "c", "b"]
    assert kept.get("big", loaded_engine, lambda: make("big", 9)) == ["big"] * 9  # too big to keep: given, not kept
    kept.get("big", loaded_engine, lambda: make("big", 9))
    assert made[-2:] == ["big", "big"]


def test_a_page_cut_from_kept_records_is_the_page_made_whole(client, loaded_engine):
    """The listing's pages are spliced from records kept as JSON (``api.records``): byte for byte what encoding the
    page's records, each with its two addresses, gives; on a second address, with that address's links."""
    from recommendations.api import http, records

    chosen = Filters(themes=["recruitment"])
    ids = open_data.selection(loaded_engine, chosen)
    assert len(ids) > 4
    for base in ("http://testserver", "https://tracker.example"):
        with api_client(loaded_engine, base_url=base) as other:
            answer = other.get("/api/v1/recommendations?theme=recruitment&per_page=3&page=2")
        whole = {
            "items": [v1.linked(r, base) for r in open_data.records(loaded_engine, ids[3:6])],
            "total": len(ids),
            "page": 2,
            "per_page": 3,
            "next": f"{base}/api/v1/recommendations?theme=recruitment&per_page=3&page=3",
        }
        assert answer.content == http.as_json(whole)[0]
    kept = records.Shelf()
    first = kept.records(loaded_engine, ids[:2])
    assert [i for i, _ in first] == ids[:2] and kept.records(loaded_engine, ids[:2]) == first
    assert kept.records(loaded_engine, ["no-such-recommendation", ids[0]]) == first[:1]


def test_answers_heavier_than_a_quarter_of_the_store_are_given_but_not_kept():
    from recommendations.api.http import Bounded

    kept: Bounded[str, bytes] = Bounded(100, len, largest=4)
    kept.put("small", b"x" * 25)
    kept.put("heavy", b"x" * 26)
    assert kept.find("small") == b"x" * 25 and kept.find("heavy") is None
    for n in range(4):
        kept.put(f"more{n}", b"x" * 25)  # 125 in all: the least recently used goes
    assert kept.find("small") is None and kept.find("more3") == b"x" * 25
