"""The routes app.py hands to st.App, served by Starlette's test client on a test database; and the people and
drafts the open-data tests need."""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator

from sqlalchemy.engine import Engine
from starlette.applications import Starlette

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # Starlette's notice that its test client will move to another HTTP library
    from starlette.testclient import TestClient

from recommendations.api import guard, http
from recommendations.api.routes import middleware, routes
from recommendations.permissions import Principal
from recommendations.write import accounts, auth, updates
from recommendations.write.updates import AssessmentForm
from tests.helpers import session_for

MARK = "ZQXAPIMARK"  # in every draft and return comment: never in any open-data answer
REC = "mmn2016-04"  # not assessed in the dataset
PASSWORD = "correct horse battery staple"
#: The headers every response carries, whatever its kind (recommendations/api/guard.py).
SECURITY = (
    "content-security-policy",
    "x-content-type-options",
    "referrer-policy",
    "x-frame-options",
    "permissions-policy",
)


@contextlib.contextmanager
def api_client(
    engine: Engine, base_url: str = "http://testserver", client: tuple[str, int] = ("testclient", 50000)
) -> Iterator[TestClient]:
    """A client of the open-data routes on ``engine`` (answers and the rate limit start afresh), from ``client``."""
    http.use_engine(engine)
    guard.LIMITER.reset()
    test_client = TestClient(Starlette(routes=routes(), middleware=middleware()), base_url=base_url, client=client)
    try:
        yield test_client
    finally:
        http.use_engine(None)
        guard.LIMITER.reset()


def people(engine: Engine) -> dict[str, Principal]:
    """A CWCC contributor and reviewer, logged in."""
    cli = Principal.command_line()
    out = {}
    for key, email, role in (
        ("contrib", "contrib@cwcc.example", "contributor"),
        ("review", "review@cwcc.example", "reviewer"),
    ):
        with engine.begin() as conn:
            accounts.create_user(
                conn=conn, principal=cli, email=email, role=role, password=PASSWORD, organisation="cwcc"
            )
        with engine.begin() as conn:
            found = auth.principal_for(conn, session_for(conn, email))
            assert found is not None
            out[key] = found
    return out


def record_drafts(engine: Engine) -> dict[str, str]:
    """Through the write side: a draft with new evidence, a returned draft with a comment, both carrying MARK."""
    p = people(engine)

    def form(**changes: object) -> AssessmentForm:
        values: dict[str, object] = {
            "recommendation": REC,
            "status": "in_progress",
            "as_of": "2023-03-01",
            "rationale": f"{MARK} draft rationale",
            "evidence": ["src2019-mrc-prey-veng"],
        }
        values.update(changes)
        return AssessmentForm(**values)  # type: ignore[arg-type]

    new = {
        "title": f"{MARK} draft-only evidence",
        "date": "2023-02-01",
        "kind": "news",
        "url": f"https://example.org/{MARK}",
        "summary": f"{MARK} summary",
    }
    with engine.begin() as conn:
        draft = updates.record_assessment(conn=conn, principal=p["contrib"], form=form(evidence=[], new_evidence=[new]))
    with engine.begin() as conn:
        returned = updates.record_assessment(conn=conn, principal=p["contrib"], form=form(as_of="2023-04-01"))
    with engine.begin() as conn:
        updates.review(
            conn=conn,
            principal=p["review"],
            assessment_id=returned,
            decision="returned",
            comment=f"{MARK} return comment",
        )
    return {"draft": draft, "returned": returned}
