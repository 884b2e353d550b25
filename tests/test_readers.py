"""What readers hit, outside the browser: empty groups, long selections, labels that split, reflected text,
what figures count, clean source text, and the set-up and command line as a newcomer meets them."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess

import pytest
from streamlit.testing.v1 import AppTest

from models.db import make_engine
from recommendations import status
from recommendations.permissions import Principal
from recommendations.read import headlines, owners, source_text
from recommendations.read.brief import brief_docx, build_brief
from recommendations.read.table import recommendation_table
from recommendations.write import accounts, updates
from tests.conftest import DATA, ROOT, run_cli
from tests.helpers import data_dataset

DATASET, _ = data_dataset()


def test_owners_of_an_actor_with_nothing_left_open(loaded_engine):
    """Every ask of an actor implemented: no oldest open ask, and no NaN passed on as a date."""
    engine = loaded_engine
    actor = "stakeholders"
    asks = [r.id for r in DATASET.recommendations if any(a.actor == actor for a in r.addressees)]
    cli = Principal.command_line()
    with engine.begin() as conn:
        accounts.create_user(
            conn=conn, principal=cli, email="r@x.org", role="reviewer", password="x" * 12, organisation="cwcc"
        )
    from recommendations.write import auth

    with engine.connect() as conn:
        reviewer = auth.principal_of_account(conn, "r@x.org")
    for rec in asks:
        with engine.begin() as conn:
            form = updates.AssessmentForm(
                recommendation=rec, addressee=actor, status="implemented", as_of="2024-01-01",
                rationale="All done (test).", evidence=["eight-prakas-launched-2013"], publish=True,
            )  # fmt: skip
            updates.record_assessment(conn=conn, principal=reviewer, form=form)
    summary = owners.actor_summary(engine).set_index("actor_id")
    assert summary.loc[actor, "open"] == 0
    assert summary.loc[actor, "oldest_open_year"] is None or str(summary.loc[actor, "oldest_open_year"]) == "<NA>"
    assert owners.oldest_open(owners.actor_asks(engine, actor)).empty


@pytest.mark.usefixtures("app_db")
def test_the_owners_page_of_an_actor_with_nothing_open():
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60).run()
    engine = make_engine(os.environ["DATABASE_URL"])
    asks = [r.id for r in DATASET.recommendations if any(a.actor == "stakeholders" for a in r.addressees)]
    from sqlalchemy import insert

    from models import Assessment, AssessmentEvidence

    with engine.begin() as conn:
        for n, rec in enumerate(asks):
            conn.execute(
                insert(Assessment.__table__).values(
                    id=f"done-{n}",
                    recommendation_id=rec,
                    addressee_id="stakeholders",
                    status="implemented",
                    as_of="2024-01-01",
                    as_of_start=dt.date(2024, 1, 1),
                    assessor_id="cwcc",
                    rationale="test",
                    visibility="published",
                    recorded_by="test",
                    recorded_at=dt.datetime(2026, 1, 1),
                    origin="app",
                )
            )
            conn.execute(insert(AssessmentEvidence.__table__).values(
                assessment_id=f"done-{n}", evidence_id="eight-prakas-launched-2013", position=0))  # fmt: skip
    at.query_params["actor"] = "stakeholders"
    at.switch_page("pages/owners.py").run()
    assert not at.exception
    assert any("Nothing asked of this actor in this selection is still open" in s.value for s in at.success)


def test_status_by_addressee_keeps_each_actor_whole(loaded_engine):
    """ "Civil society in Cambodia (NGOs, trade unions, workers' groups)" is one bar, not three."""
    frame = headlines.status_by(recommendation_table(loaded_engine), "addressee")
    names = {a.id: a.name for a in DATASET.actors}
    assert "cso-cambodia" in set(frame["actor_id"])
    assert set(frame["addressee"]) >= {names["cso-cambodia"]}
    assert "trade unions" not in set(frame["addressee"])
    per_actor = frame.groupby("actor_id")["count"].sum().to_dict()
    assert per_actor["cso-cambodia"] == sum(
        1 for r in DATASET.recommendations for a in r.addressees if a.actor == "cso-cambodia"
    )


@pytest.mark.usefixtures("app_db")
def test_the_overview_chart_labels_are_actors_not_pieces_of_names():
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60).run()
    spec = json.loads(at.get("plotly_chart")[2].proto.spec)  # the "by addressee" tab
    labels = {y for trace in spec["data"] for y in trace.get("y", [])}
    assert any(label.startswith("Civil society in Cambodia") for label in labels)
    assert not any(label.strip() in ("trade unions", "workers' groups)") for label in labels)


def test_a_brief_on_every_theme_and_long_names_still_makes_a_word_file(loaded_engine):
    themes = [t.id for t in DATASET.themes]
    brief = build_brief(loaded_engine, themes=themes, addressees=["cso-cambodia", "local-authorities-kh"],
                        meeting_date=dt.date(2026, 11, 1))  # fmt: skip
    assert len(brief.selection) > 255  # the case python-docx refuses for a core property
    import io

    import docx

    document = docx.Document(io.BytesIO(brief_docx(brief)))
    assert len(document.core_properties.subject) <= 255
    assert document.core_properties.subject.endswith("…")


@pytest.mark.usefixtures("app_db")
@pytest.mark.parametrize("page", ["pages/overview.py", "pages/explore.py", "pages/owners.py", "pages/themes.py"])
def test_the_search_text_from_the_url_is_shown_as_text(page):
    phishing = "[Your session expired - log in again](https://evil.example/login)"
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.query_params["q"] = phishing
    at.run()
    at.switch_page(page).run()
    assert not at.exception
    shown = " ".join(c.value for c in at.caption)
    assert "evil" in shown
    assert not re.search(r"(?<!\\)\]\(", shown) and "\\[Your session expired" in shown  # no link can form


@pytest.mark.usefixtures("app_db")
def test_an_unknown_id_from_the_url_is_shown_as_text():
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.query_params["id"] = "![x](http://127.0.0.1:1/x.png)"
    at.run()
    at.switch_page("pages/recommendation.py").run()
    assert "!\\[x\\]" in at.error[0].value


def test_the_headline_says_what_matters():
    rows = [{"status": s} for s in ["not_assessed"] * 66 + ["in_progress"] * 10 + ["partially_implemented"] * 7
            + ["no_progress"]]  # fmt: skip
    import pandas as pd

    sentence = headlines.headline_sentence(pd.DataFrame(rows))
    assert sentence == (
        "Of 84 recommendations, none is assessed as implemented; 17 are partially implemented or in progress; "
        "one was found to have made no progress; 66 have not been assessed."
    )
    assert headlines.headline_sentence(pd.DataFrame([{"status": "implemented"}])) == (
        "Of 1 recommendation, one is assessed as implemented; none is partially implemented or in progress; "
        "all are assessed."
    )


def test_source_text_is_shown_without_conversion_artefacts():
    raw = "\n\n\nInternational  \nLabour  \nOrganization\n\n## Recommendations\n\n[bookmark: _GoBack]The **bold** text."
    clean = source_text.clean_source_text(raw)
    assert clean == "\nRecommendations\n\nThe bold text."
    text = (DATA / "texts" / "2015-lscw-mfa-cso-forum.txt").read_text()
    assert "[bookmark:" in text and "[bookmark:" not in source_text.clean_source_text(text)


def test_export_refuses_an_unknown_filter_value(tmp_path):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'e.db'}"}
    assert run_cli("load", env=env).returncode == 0
    out = tmp_path / "x.csv"
    result = run_cli("export", "--format", "csv", "--out", str(out), "--theme", "Recruitment", env=env)
    assert result.returncode == 2
    assert "--theme 'Recruitment' is not a known id" in result.stderr and "recruitment" in result.stderr
    assert not out.exists()


def test_make_explains_a_missing_venv_module(tmp_path):
    """On a stock Debian python3 -m venv needs python3-venv: make says so instead of failing obscurely."""
    fake = tmp_path / "python3"
    fake.write_text('#!/bin/sh\nif [ "$1" = -c ]; then exit 1; fi\nexit 0\n')
    fake.chmod(0o755)
    result = subprocess.run(
        ["make", f"{tmp_path}/venv/bin/python", f"VENV={tmp_path}/venv", f"PYTHON={fake}"],
        cwd=ROOT, capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode != 0
    assert "apt-get install python3-venv" in result.stdout + result.stderr


def test_system_deps_uses_the_browser_the_tests_use():
    script = (ROOT / "scripts" / "system-deps.sh").read_text()
    assert "[ -x /usr/bin/chromium ]" in script and "command -v chromium" not in script
    from tests.e2e.conftest import CHROMIUM

    assert str(CHROMIUM) == "/usr/bin/chromium"


def test_public_pages_do_not_tell_readers_to_edit_files_or_run_commands():
    for path in ["overview", "owners", "themes", "explore", "recommendation", "brief", "sources"]:
        text = (ROOT / "pages" / f"{path}.py").read_text()
        assert "python -m" not in text and ".yaml" not in text, path


def test_every_status_in_the_rule_has_a_colour_and_a_label():
    from recommendations.ui import STATUS_COLOURS
    from recommendations.vocabulary import STATUS_LABELS

    assert set(STATUS_COLOURS) == set(STATUS_LABELS.values())
    assert set(status.PROGRESS_RANK if hasattr(status, "PROGRESS_RANK") else STATUS_LABELS) == set(STATUS_LABELS)
