"""The rows a load read, kept (``kept_rows.kept``): a reload of unchanged files after a write compares them instead
of reading the files, and ends as a read would; a kept file that is not this user's own, not whole, or not of these
files and this folder is never used."""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import time
from pathlib import Path

import pytest
from sqlalchemy import delete, update

from models import tables
from models.db import make_engine
from recommendations import settings
from recommendations.audit import audit
from recommendations.dataset import kept_rows, loader, validate
from recommendations.dataset.loader import load_folder
from tests.helpers import app_assessment, content


@pytest.fixture
def cache(configure, tmp_path) -> Path:
    """A kept-rows directory of this test's own."""
    directory = tmp_path / "cache"
    configure(load_cache=directory)
    return directory


@pytest.fixture
def reads(monkeypatch) -> list[Path]:
    """The folders a load read (each call of the reader)."""
    calls: list[Path] = []
    real = validate.read_dataset  # the loader imports it when it reads (a reload that reads nothing never does)

    def counting(root, *args, **kwargs):
        calls.append(Path(root))
        return real(root, *args, **kwargs)

    monkeypatch.setattr(validate, "read_dataset", counting)
    return calls


def _kept(directory: Path) -> list[Path]:
    return sorted(directory.glob("rows-*.sqlite"))


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _write_in_the_app(engine) -> None:
    """What a reload after the app's writes meets: a YAML row edited, and audited as every write is."""
    theme = tables.T
    with engine.begin() as conn:
        conn.execute(update(theme).where(theme.c.id == "recruitment").values(name="Edited in the app"))
        audit(conn, "someone", "edit", "theme", "recruitment")


def test_a_reload_after_a_write_compares_the_kept_rows_and_ends_as_a_read_does(
    engine, data_copy, cache, reads, configure
):
    load_folder(data_copy, engine)
    assert reads == [data_copy] and len(_kept(cache)) == 1
    kept_file = _kept(cache)[0]
    before = _digest(kept_file)
    app_assessment(engine, "app-1", "mmn2016-03")
    _write_in_the_app(engine)

    compared = load_folder(data_copy, engine)
    assert compared.kept_rows and reads == [data_copy]  # nothing read the second time
    assert compared.tables["theme"].updated == 1 and compared.tables["assessment"].kept == 1
    after_kept = content(engine)
    assert _digest(kept_file) == before  # the load adjusted its own copy of the staged sources, not the kept file
    assert load_folder(data_copy, engine).unchanged_files  # and it recorded the fingerprint, as a read does

    _write_in_the_app(engine)  # the same state again, then read, with nothing kept
    configure(load_cache=None)
    read = load_folder(data_copy, engine)
    assert not read.kept_rows and reads == [data_copy, data_copy]
    assert {n: vars(t) for n, t in read.tables.items()} == {n: vars(t) for n, t in compared.tables.items()}
    assert content(engine) == after_kept


def test_the_same_folder_into_a_new_database_uses_the_kept_rows(sqlite_engine, data_copy, cache, reads, tmp_path):
    load_folder(data_copy, sqlite_engine)
    fresh = make_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
    try:
        report = load_folder(data_copy, fresh)
        assert report.kept_rows and reads == [data_copy]
        assert report.tables["recommendation"].inserted > 0
        assert content(fresh) == content(sqlite_engine)
    finally:
        fresh.dispose()


def test_the_same_files_in_another_folder_are_read_again(sqlite_engine, data_copy, cache, reads, tmp_path):
    """The messages of a load name the folder's files: rows kept for one folder are not another's."""
    load_folder(data_copy, sqlite_engine)
    other = tmp_path / "other" / "data"
    shutil.copytree(data_copy, other)
    fresh = make_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
    try:
        assert not load_folder(other, fresh).kept_rows
    finally:
        fresh.dispose()
    assert reads == [data_copy, other] and len(_kept(cache)) == 2


def _edit_a_file(kept: Path, data: Path) -> None:
    themes = data / "themes.yaml"
    themes.write_text(themes.read_text().replace("name: Recruitment and fees", "name: Recruitment, fees and costs"))


def _open_to_others(kept: Path, data: Path) -> None:
    kept.chmod(0o666)


def _not_whole(kept: Path, data: Path) -> None:
    with kept.open("r+b") as handle:
        handle.truncate(kept.stat().st_size // 3)


def _garbage(kept: Path, data: Path) -> None:
    kept.write_bytes(b"<script>alert(1)</script>" * 100)


def _another_key(kept: Path, data: Path) -> None:
    import sqlite3

    with sqlite3.connect(kept) as db:
        db.execute("UPDATE kept SET key = 'someone else'")


def _a_table_gone(kept: Path, data: Path) -> None:
    """Whole and of the right key, but not all there: the load fails part way, is rolled back, and reads."""
    import sqlite3

    with sqlite3.connect(kept) as db:
        db.execute("DROP TABLE stage_theme")


def _a_link_elsewhere(kept: Path, data: Path) -> None:
    elsewhere = kept.with_name("elsewhere.sqlite")
    kept.rename(elsewhere)
    kept.symlink_to(elsewhere)


@pytest.mark.parametrize(
    "spoil", [_edit_a_file, _open_to_others, _not_whole, _garbage, _another_key, _a_table_gone, _a_link_elsewhere]
)
def test_kept_rows_that_do_not_fit_are_not_used_and_the_load_reads(sqlite_engine, data_copy, cache, reads, spoil):
    _spoiled_then_read(sqlite_engine, data_copy, cache, reads, spoil)


@pytest.mark.postgres
def test_kept_rows_that_fail_part_way_on_postgresql_are_rolled_back_and_the_load_reads(
    pg_engine, data_copy, cache, reads
):
    _spoiled_then_read(pg_engine, data_copy, cache, reads, _a_table_gone)


def _spoiled_then_read(engine, data: Path, cache: Path, reads: list[Path], spoil) -> None:
    load_folder(data, engine)
    [kept] = _kept(cache)
    spoil(kept, data)
    _write_in_the_app(engine)
    report = load_folder(data, engine)
    assert not report.kept_rows and reads == [data, data]
    assert report.tables["theme"].updated == 1
    [again] = _kept(cache)  # replaced by what this read staged: private, and used next time
    assert again.is_file() and not again.is_symlink() and again.stat().st_mode & 0o077 == 0
    _write_in_the_app(engine)
    assert load_folder(data, engine).kept_rows


def test_a_directory_others_may_write_to_keeps_nothing(sqlite_engine, data_copy, cache, reads, caplog):
    cache.mkdir(mode=0o700)
    cache.chmod(0o777)
    with caplog.at_level(logging.WARNING):
        load_folder(data_copy, sqlite_engine)
    assert _kept(cache) == [] and "not kept" in caplog.text
    _write_in_the_app(sqlite_engine)
    assert not load_folder(data_copy, sqlite_engine).kept_rows and len(reads) == 2


def test_off_keeps_nothing(sqlite_engine, data_copy, configure, reads, tmp_path):
    configure(load_cache=None)
    load_folder(data_copy, sqlite_engine)
    _write_in_the_app(sqlite_engine)
    assert not load_folder(data_copy, sqlite_engine).kept_rows and len(reads) == 2


def test_a_refused_read_keeps_nothing(sqlite_engine, data_copy, cache):
    (data_copy / "themes.yaml").write_text("themes: [\n")
    with pytest.raises(loader.DataInvalid):
        load_folder(data_copy, sqlite_engine)
    assert list(cache.iterdir()) == []  # not even the scratch file of the read


def test_the_setting_says_where_and_off_says_nowhere(tmp_path):
    home = settings.load({"HOME": str(tmp_path)}, {}).load_cache
    assert home == tmp_path / ".cache" / "recommendations-tracker"
    xdg = settings.load({"HOME": "/nowhere", "XDG_CACHE_HOME": str(tmp_path / "x")}, {}).load_cache
    assert xdg == tmp_path / "x" / "recommendations-tracker"
    assert settings.load({"TRACKER_LOAD_CACHE": "off", "HOME": str(tmp_path)}, {}).load_cache is None
    assert settings.load({}, {}).load_cache is None  # no home: nowhere
    with pytest.raises(settings.SettingsError, match="TRACKER_LOAD_CACHE"):
        settings.load({"TRACKER_LOAD_CACHE": "cache/here"}, {})


def test_what_a_stopped_load_left_is_removed_and_nothing_in_use(sqlite_engine, data_copy, cache):
    import subprocess
    import time

    load_folder(data_copy, sqlite_engine)
    [kept] = _kept(cache)
    finished = subprocess.Popen(["true"])
    finished.wait()
    dead_link = kept.with_name(f"{kept.name}.{finished.pid}.{'0' * 32}")
    live_link = kept.with_name(f"{kept.name}.{os.getpid()}.{'1' * 32}")
    for link in (dead_link, live_link):
        os.link(kept, link)
    old_scratch, new_scratch = (
        cache / "recommendations-staging-old.sqlite",
        cache / "recommendations-staging-new.sqlite",
    )
    old_scratch.write_bytes(b"half a read")
    new_scratch.write_bytes(b"a read under way")
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(old_scratch, (two_days_ago, two_days_ago))
    _write_in_the_app(sqlite_engine)
    assert load_folder(data_copy, sqlite_engine).kept_rows
    assert sorted(p.name for p in cache.iterdir()) == sorted([kept.name, live_link.name, new_scratch.name])


def test_a_text_published_in_the_app_stays_the_newest_across_reloads_of_kept_rows(engine, data_copy, cache):
    """A source whose YAML holds no text keeps the text the app published (``sync._keep_app_texts``). The load
    adjusts its staged row to do so; if it adjusted the kept file, the next reload would bring back the older text."""
    from sqlalchemy import select

    sources = tables.S
    load_folder(data_copy, engine)
    [kept] = _kept(cache)
    before = _digest(kept)
    with engine.connect() as conn:
        textless = conn.execute(
            select(sources.c.id).where(sources.c.full_text.is_(None)).order_by(sources.c.id)
        ).first()
    assert textless is not None
    for text in ("The first text published in the app.", "The second, newer text."):
        with engine.begin() as conn:
            conn.execute(update(sources).where(sources.c.id == textless.id).values(full_text=text))
            audit(conn, "someone", "publish", "source", textless.id)
        assert load_folder(data_copy, engine).kept_rows
        with engine.connect() as conn:
            assert conn.execute(select(sources.c.full_text).where(sources.c.id == textless.id)).scalar_one() == text
    assert _digest(kept) == before


def test_a_load_is_expected_to_read_unless_its_rows_are_kept_and_newer_than_its_files(cache, data_copy, tmp_path):
    """``kept_rows.likely``: the guess a command makes before it imports anything, of whether to start parsing."""
    assert not kept_rows.likely(data_copy)  # nothing kept yet
    load_folder(data_copy, make_engine(f"sqlite:///{tmp_path / 'likely.db'}"))
    assert kept_rows.likely(data_copy)
    later = time.time() + 10
    os.utime(data_copy / "sources" / next(p.name for p in (data_copy / "sources").iterdir()), (later, later))
    assert not kept_rows.likely(data_copy)  # a file edited since the rows were kept


def test_without_a_place_to_keep_rows_every_load_is_expected_to_read(configure, data_copy, tmp_path):
    configure(load_cache=None)
    load_folder(data_copy, make_engine(f"sqlite:///{tmp_path / 'none.db'}"))
    assert not kept_rows.likely(data_copy)


@pytest.mark.postgres
def test_postgresql_samples_the_compared_rows_briefly_and_the_setting_ends_with_them(
    pg_engine, data_copy, cache, monkeypatch
):
    """The temporary tables of a reload that compares are analysed from a small sample (their plans need no more),
    and the smaller sample is not left to whatever else the load's transaction analyses."""
    load_folder(data_copy, pg_engine)
    _write_in_the_app(pg_engine)
    with pg_engine.begin() as conn:  # every table compared, not the one written alone (``load_state.digests``)
        conn.execute(delete(tables.LOAD_STATE).where(tables.LOAD_STATE.c.name.startswith("digest ")))
    seen: dict[str, object] = {}
    remember = loader.remember_fingerprint

    def looking(conn, value, *digests):  # the load's last statement in its transaction, the temporary tables there
        seen["target"] = conn.exec_driver_sql("SHOW default_statistics_target").scalar()
        seen["widest"] = conn.exec_driver_sql(
            "SELECT max(array_length(histogram_bounds::text::text[], 1)) FROM pg_stats "
            "WHERE starts_with(tablename, 'stage_') AND histogram_bounds IS NOT NULL"
        ).scalar()
        remember(conn, value, *digests)

    monkeypatch.setattr(loader, "remember_fingerprint", looking)
    assert load_folder(data_copy, pg_engine).kept_rows
    assert seen["target"] == "100"
    assert seen["widest"] is not None and 2 <= seen["widest"] <= 11  # analysed, at most 10 buckets (100 by default)
