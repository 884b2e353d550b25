"""AppTest: every page runs on the real dataset, with and without filters, and shows key content."""

from __future__ import annotations

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from recommendations.validate import read_dataset
from tests.conftest import DATA

DATASET, _ = read_dataset(DATA)
N_RECS = len(DATASET.recommendations)


@pytest.fixture(autouse=True)
def fresh_app_db(tmp_path, monkeypatch):
    """Each test gets an empty database that the app builds itself, and clean caches."""
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'app.db'}")
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


def app(**params) -> AppTest:
    at = AppTest.from_file("../dashboard.py", default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    return at


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_overview_builds_database_and_shows_counts():
    at = app().run()
    assert not at.exception
    assert metric(at, "Recommendations") == str(N_RECS)
    assert metric(at, "Sources") == str(len({s.id for s in DATASET.sources if s.recommendations}))
    assert metric(at, "Evidence items") == str(len(DATASET.evidence))
    warnings = [w.value for w in at.warning]
    gaps = [s for s in DATASET.sources if (s.expected_recommendations or 0) > len(s.recommendations)]
    assert len(warnings) == len(gaps)
    for source in gaps:
        assert any(f"mentions {source.expected_recommendations} recommendation(s)" in w for w in warnings)
