"""AppTest of the Overview's list of where assessors disagree, on synthetic data (data/ has no such case): the
page shows the list a page at a time, each page the rows of the whole list in its order, with names, not ids."""

from __future__ import annotations

import pytest

from tests import conftest


@pytest.mark.slow  # a synthetic dataset loaded, and the Overview run twice (5 s)
def test_the_overview_shows_where_assessors_disagree_a_page_at_a_time(app_db_empty, tmp_path):
    from models.db import make_engine
    from recommendations.dataset.loader import load_folder
    from recommendations.dataset.synth import synthesise
    from recommendations.read import headlines

    synthesise(tmp_path / "data", 120, assessments_per_recommendation=6, seed=3)
    engine = make_engine(f"sqlite:///{tmp_path / 'app.db'}")  # the database the app opens (app_db_empty)
    load_folder(tmp_path / "data", engine)
    whole = headlines.disagreements(engine, "en")
    with engine.connect() as conn:
        assessor_ids = set(conn.exec_driver_sql("SELECT assessor_id FROM assessment").scalars())
    engine.dispose()
    assert len(whole) > 40  # three pages at least

    at = conftest.open_page(None)
    assert not at.exception
    assert "Where assessors disagree" in [h.value for h in at.header]
    for page in (1, 2):
        if page > 1:
            at.number_input(key="overview_disagree_page").set_value(page).run()
            assert not at.exception
        shown = next(d.value for d in at.dataframe if "assessor" in d.value.columns)
        expected = whole.iloc[(page - 1) * 20 : page * 20]
        assert list(shown["title"]) == list(expected["title"])
        assert list(shown["assessor"]) == list(expected["assessor"])
        assert list(shown["status_label"]) == list(expected["status_label"])
        assert not set(shown["assessor"]) & assessor_ids  # names, never the ids
