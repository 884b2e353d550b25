"""Documents added in the app (issue 21) leave the app as data/: exported as YAML with their texts, validated,
loaded fresh into another database as the same records; a load keeps what the app published; the command line."""

from __future__ import annotations

import shutil

import pytest
from sqlalchemy import select

from models.db import make_engine
from models.tables import DRAFTS, L, R, S
from recommendations import visibility
from recommendations.cli import main
from recommendations.dataset.export import write_yaml_layout
from recommendations.dataset.loader import load_folder
from recommendations.dataset.validate import read_dataset
from recommendations.dataset.yamlio import read_yaml
from recommendations.permissions import Principal
from recommendations.write import accounts, curation
from tests import test_curation
from tests.conftest import DATA
from tests.helpers import content
from tests.test_curation import KHMER, NEW, ROWS, TEXT, row

world = test_curation.world  # the dataset and people of each role (a fixture)


def _publish_two(engine, who) -> None:
    """An English document with a confirmed and a dismissed suggestion, and a Khmer one with zero-width spaces."""
    with engine.begin() as conn:
        english = curation.submit_document(
            conn=conn, principal=who, source=NEW, full_text=TEXT, rows=ROWS,
            links=[{"source": "2023-test-statement-2", "target": "mmn2016-03", "kind": "follows_up", "note": "fees"}],
            dismissed=[{"source": "2023-test-statement-1", "target": "tfamw2011-cso-7", "note": "another ask"}],
        )  # fmt: skip
        khmer = curation.submit_document(
            conn=conn, principal=who, source={**NEW, "id": "2023-km", "language": "km", "title": "ខ្មែរ"},
            full_text=KHMER, rows=[row("1", "រាជរដ្ឋាភិបាលគួរផ្តល់ព័ត៌មានដល់ពលករ។")],
        )  # fmt: skip
        for draft_id in (english, khmer):
            curation.review_document(conn=conn, principal=who, draft_id=draft_id, decision="published")


def test_export_validates_and_loads_fresh_as_the_same_records(world, tmp_path):
    engine, people = world
    _publish_two(engine, people["review_a"])
    out = tmp_path / "export"
    write_yaml_layout(engine, out, visibility.EVERYTHING)
    assert (out / "texts/2023-km.txt").read_text(encoding="utf-8") == KHMER
    assert read_yaml(out / "sources/2023-test-statement.yaml")["text_path"] == "texts/2023-test-statement.txt"
    links = read_yaml(out / "links.yaml")
    assert links["examined_not_linked"] == [
        {"source": "2023-test-statement-1", "target": "tfamw2011-cso-7", "note": "another ask"}
    ]
    data, problems = read_dataset(out)
    assert problems == []
    assert [(p.source, p.target) for p in data.examined_not_linked] == [("2023-test-statement-1", "tfamw2011-cso-7")]
    fresh = make_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
    load_folder(out, fresh)
    assert content(fresh) == content(engine)
    fresh.dispose()


def test_a_load_keeps_what_the_app_published_and_yaml_takes_it_over(world, tmp_path):
    engine, people = world
    _publish_two(engine, people["review_a"])
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    load_folder(data, engine)  # the repository's data/ knows nothing of them: they stay
    with engine.connect() as conn:
        assert conn.execute(select(S.c.origin).where(S.c.id == "2023-km")).scalar_one() == "app"
        assert conn.execute(select(L.c.origin).where(L.c.source_id == "2023-test-statement-2")).scalar_one() == "app"
        km = conn.execute(select(R.c.text_start, R.c.text_end).where(R.c.id == "2023-km-1")).one()
    assert km.text_start is not None
    export = tmp_path / "export"
    write_yaml_layout(engine, export, visibility.EVERYTHING)
    shutil.copy(export / "sources/2023-km.yaml", data / "sources/2023-km.yaml")
    text = (data / "sources/2023-km.yaml").read_text(encoding="utf-8")
    (data / "sources/2023-km.yaml").write_text(text.replace("text_path: texts/2023-km.txt\n", ""), encoding="utf-8")
    load_folder(data, engine)  # the YAML record takes the row over, and its missing text wipes nothing
    with engine.connect() as conn:
        source = conn.execute(select(S.c.origin, S.c.full_text, S.c.language).where(S.c.id == "2023-km")).one()
        rec = conn.execute(select(R.c.origin, R.c.text_start).where(R.c.id == "2023-km-1")).one()
    assert (source.origin, source.full_text, source.language) == ("yaml", KHMER, "km")
    assert (rec.origin, rec.text_start) == ("yaml", km.text_start)


def test_import_source_command_dry_run_problems_publish_and_again(
    tmp_path, monkeypatch, sqlite_loaded_template, capsys
):
    path = tmp_path / "cli.db"
    shutil.copy(sqlite_loaded_template, path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    engine = make_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        accounts.create_user(conn=conn, principal=Principal.command_line(), email="rev@cwcc.example",
                             role="reviewer", password="correct horse battery staple", organisation="cwcc")  # fmt: skip
    (tmp_path / "doc.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "meta.yaml").write_text(
        "id: 2023-test-statement\ntitle: A test statement\ndate: '2023-05-02'\nkind: cso_statement\n"
        "organisers: [cwcc]\n",
        encoding="utf-8",
    )
    sheet = "number,text,title,themes,addressees\n1,The Royal Government should ratify it.,Ratify,nonsense,RGC\n"
    (tmp_path / "recs.csv").write_text(sheet, encoding="utf-8")
    args = ["import-source", "--as", "rev@cwcc.example", "--text", str(tmp_path / "doc.txt"), "--meta",
            str(tmp_path / "meta.yaml"), "--recommendations", str(tmp_path / "recs.csv")]  # fmt: skip
    assert main([*args, "--dry-run"]) == 2
    err = capsys.readouterr().err
    assert "row 2, column themes: No theme has the id or name 'nonsense'." in err
    closest = "the closest passage is: 1. The Royal Government should ratify"
    assert f"row 2, column text: Not found verbatim in the document; {closest}" in err
    (tmp_path / "recs.csv").write_text(
        "number,text,title,themes,addressees\n2,Recruitment agencies should publish their fees.,Fees,recruitment,RGC\n",
        encoding="utf-8",
    )
    assert main([*args, "--dry-run"]) == 0
    with engine.connect() as conn:
        assert conn.execute(select(DRAFTS.c.id)).first() is None  # a dry run writes nothing
    assert main(args) == 0  # recorded, not published
    assert "recorded cd-2023-test-statement-1" in capsys.readouterr().out
    assert main([*args, "--publish"]) == 0  # the same draft, published now
    assert "published cd-2023-test-statement-1" in capsys.readouterr().out
    assert main([*args, "--publish"]) == 0
    assert "already published as cd-2023-test-statement-1" in capsys.readouterr().out
    with engine.connect() as conn:
        assert conn.execute(select(R.c.origin).where(R.c.id == "2023-test-statement-2")).scalar_one() == "app"
        assert len(conn.execute(select(DRAFTS.c.id)).all()) == 1
    engine.dispose()


@pytest.mark.parametrize("bad", ["missing.txt"])
def test_import_source_unreadable_file_exits_2(tmp_path, monkeypatch, sqlite_loaded_template, bad):
    path = tmp_path / "cli.db"
    shutil.copy(sqlite_loaded_template, path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    engine = make_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        accounts.create_user(conn=conn, principal=Principal.command_line(), email="rev@cwcc.example",
                             role="reviewer", password="correct horse battery staple", organisation="cwcc")  # fmt: skip
    engine.dispose()
    args = ["import-source", "--as", "rev@cwcc.example", "--text", str(tmp_path / bad), "--source", "2017-afml10",
            "--recommendations", str(tmp_path / "none.csv")]  # fmt: skip
    assert main(args) == 2


def test_a_load_keeps_the_text_published_for_a_gap_whose_yaml_names_another_text(world, tmp_path):
    engine, people = world
    gap = "2019-afml12-national-preparatory"  # its YAML points at the ILO brief's text
    lines = [f"{i}. Migrant workers need skill number {i} for the future of work." for i in range(1, 14)]
    rows = [row(str(i), line.split(". ", 1)[1]) for i, line in enumerate(lines, 1)]
    with engine.begin() as conn:
        draft_id = curation.submit_document(conn=conn, principal=people["review_a"], source={"language": "en"},
                                            fills=gap, full_text="\n".join(lines), rows=rows)  # fmt: skip
        curation.review_document(conn=conn, principal=people["review_a"], draft_id=draft_id, decision="published")
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    load_folder(data, engine)
    with engine.connect() as conn:
        kept = conn.execute(select(S.c.full_text, S.c.text_path, S.c.language).where(S.c.id == gap)).one()
    assert (kept.full_text, kept.text_path, kept.language) == ("\n".join(lines), f"texts/{gap}.txt", "en")
