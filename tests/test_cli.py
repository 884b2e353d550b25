"""The command line as a user runs it: its parser, commands, exit codes and output (in this process,
``tests.conftest.run_cli``), and the real entry point, ``python -m recommendations``, in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT, run_cli


def run(*args, env_db=None):
    """The command in this process (``run_cli``); test_validate_ok_and_failure runs the real ``python -m``."""
    return run_cli(*args, env={"DATABASE_URL": env_db} if env_db else None)


def run_process(*args):
    return subprocess.run(
        [sys.executable, "-m", "recommendations", *args], cwd=ROOT, capture_output=True, text=True, env={**os.environ}
    )


@pytest.mark.parametrize("command", ["validate", "load", "export", "schema", "brief"])
def test_help_has_examples(command):
    result = run(command, "--help")
    assert result.returncode == 0
    assert "example" in result.stdout
    assert "python -m recommendations" in result.stdout


@pytest.mark.slow  # a subprocess
@pytest.mark.parametrize(
    ("command", "not_imported"),
    [
        (["check-config"], ["sqlalchemy", "pandas"]),  # reads the settings only
        (["validate"], ["alembic", "recommendations.write.accounts", "pandas"]),  # no database, no accounts
    ],
)
def test_a_command_imports_only_what_it_runs(command, not_imported):
    """Each command imports what it runs: a command's start is most of its time on small data (validate at 1,000
    recommendations: 0.4 s of its 1.4 s are imports), so the migrations, the accounts and the read side load only
    for the commands that use them."""
    modules = _modules_of(command, {})
    assert "recommendations.cli" in modules  # the control: the list is what the command loaded
    loaded = set(modules) | {m.split(".")[0] for m in modules}  # a package counts when any module of it loaded
    assert not set(not_imported) & loaded, modules


@pytest.mark.slow  # subprocesses
def test_a_reload_that_reads_no_file_builds_no_reader(tmp_path):
    """A reload of unchanged files reads nothing, so it imports neither the reader nor the schema's validators
    (a quarter of a no-change reload at 1,000 recommendations); a first load does."""
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}", "TRACKER_LOAD_CACHE": str(tmp_path / "kept")}
    reader = {"recommendations.dataset.validate", "recommendations.dataset.schema"}
    assert reader <= set(_modules_of(["load"], env))  # the control: a first load reads
    assert not reader & set(_modules_of(["load"], env))


def _modules_of(command: list[str], env: dict[str, str]) -> list[str]:
    """The modules of ours, SQLAlchemy's, alembic's and pandas' that ``python -m recommendations COMMAND`` loaded;
    the command must succeed."""
    script = (
        "import sys, json\nfrom recommendations.cli import main\ncode = main(sys.argv[1:])\n"
        "print(json.dumps([code, sorted(m for m in sys.modules if m.split('.')[0] in {'alembic', 'sqlalchemy', "
        "'pandas', 'recommendations'})]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, *command], cwd=ROOT, capture_output=True, text=True, env={**os.environ, **env}
    )
    code, modules = json.loads(done.stdout.strip().splitlines()[-1])
    assert code == 0, done.stderr
    return modules


_COLLECTOR = """
import gc, runpy, sys
from recommendations.dataset import validate
real = validate.read_dataset
def spy(*args, **kwargs):
    print("collector", gc.isenabled(), gc.get_freeze_count() > 1000, file=sys.stderr)
    return real(*args, **kwargs)
validate.read_dataset = spy
import recommendations.cli.common as common
imported = common.imported
def seen():
    print("imports done", gc.isenabled(), file=sys.stderr)
    imported()
common.imported = seen
sys.argv = ["recommendations", *sys.argv[1:]]
runpy.run_module("recommendations", run_name="__main__")
"""


@pytest.mark.slow  # subprocesses
@pytest.mark.parametrize("command", ["validate", "load"])
def test_the_real_entry_point_imports_without_collecting_and_reads_with_the_collector_on(command, tmp_path):
    """``python -m recommendations`` imports with the garbage collector off (0.045 s of a load's 0.44 s of
    imports), then freezes what the imports made and reads with it on: a read's memory stays flat whatever a
    record leaves behind."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}", "TRACKER_LOAD_CACHE": ""}
    done = subprocess.run(
        [sys.executable, "-c", _COLLECTOR, command], cwd=ROOT, capture_output=True, text=True, env=env
    )
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.startswith(("imports done", "collector"))]
    assert lines == ["imports done False", "collector True True"]


def test_a_command_run_where_the_collector_is_on_leaves_it_as_it_was():
    """In a test's (or any other program's) process ``main`` freezes nothing."""
    import gc

    frozen = gc.get_freeze_count()
    assert run("check-config").returncode in (0, 1)
    assert gc.isenabled() and gc.get_freeze_count() == frozen


@pytest.mark.slow  # a subprocess, or a minute of work: left out of make test-fast
def test_validate_ok_and_failure(data_copy):
    ok = run_process("validate")
    assert ok.returncode == 0 and ok.stdout.startswith("ok: ")
    (data_copy / "themes.yaml").write_text("themes:\n  - id: Bad Id\n    name: x\n")
    bad = run_process("validate", str(data_copy))
    assert bad.returncode == 1
    assert "data/themes.yaml:2: id: String should match pattern" in bad.stderr
    assert "problem(s) found" in bad.stderr


def test_load_twice_then_export_yaml(tmp_path):
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    first = run("load", env_db=db)
    assert first.returncode == 0, first.stderr
    assert "inserted" in first.stdout
    second = run("load", env_db=db)
    assert "no changes" in second.stdout
    if_empty = run("load", "--if-empty", env_db=db)
    assert "nothing to do" in if_empty.stdout
    out = tmp_path / "backup"
    exported = run("export", "--format", "yaml", "--out", str(out), env_db=db)
    assert exported.returncode == 0, exported.stderr
    assert run("validate", str(out)).returncode == 0
    refused = run("export", "--format", "yaml", "--out", str(out), "--theme", "recruitment", env_db=db)
    assert refused.returncode == 2


def test_load_invalid_says_database_unchanged(data_copy, tmp_path):
    (data_copy / "actors.yaml").write_text("actors: [")
    result = run("load", str(data_copy), env_db=f"sqlite:///{tmp_path / 'x.db'}")
    assert result.returncode == 1
    assert "invalid YAML" in result.stderr
    assert "database is unchanged" in result.stderr


def test_published_json_schemas_are_current():
    from recommendations.dataset.schema import json_schemas

    for name, schema in json_schemas().items():
        published = json.loads((ROOT / "docs" / "schema" / name).read_text())
        assert published == schema, f"docs/schema/{name} is stale: run python -m recommendations schema"


def test_deployment_examples_are_consistent():
    """The example deployment files name the settings the code reads and the app's real commands."""
    import yaml

    deploy = ROOT / "deploy"
    compose = yaml.safe_load((deploy / "compose.yaml").read_text())
    assert {"db", "app1", "app2", "proxy"} <= set(compose["services"])
    assert "load --if-empty" in compose["services"]["app1"]["command"]
    env = (deploy / "tracker.env.example").read_text()
    code = "".join(p.read_text() for p in (ROOT / "recommendations").rglob("*.py"))
    for name in ("TRACKER_COOKIE_SECRET", "TRACKER_TRUSTED_PROXIES", "TRACKER_SESSION_HOURS", "TRACKER_UPLOAD_MAX_MB",
                 "TRACKER_UPLOAD_MAX_ROWS", "TRACKER_API_REQUESTS_PER_MINUTE"):  # fmt: skip
        assert name in env and name in code, name
    for started in (compose["services"]["app1"]["command"], (deploy / "tracker@.service").read_text(),
                    (ROOT / "Makefile").read_text()):  # fmt: skip
        assert "streamlit run app.py" in started  # the pages and the open-data routes on one port
    for service in ("app1", "app2"):  # nothing in compose.yaml overrides the env file (a password above all)
        assert "environment" not in compose["services"][service]
    assert "CHANGE-ME" not in (deploy / "compose.yaml").read_text()
    nginx = (deploy / "nginx.conf").read_text()
    assert "ip_hash" in nginx and "proxy_set_header Upgrade $http_upgrade" in nginx
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in nginx  # replaced, never appended to the client's
    assert "X-Forwarded-For $proxy_add_x_forwarded_for" not in nginx
    assert "lb_policy cookie" in (deploy / "Caddyfile").read_text()
    guide = (ROOT / "docs" / "deployment.md").read_text()
    for topic in ("DATABASE_URL", "cookie_secret", "[auth]", "users add", "advisory lock", "pg_dump",
                  "export --format yaml", "WebSocket"):  # fmt: skip
        assert topic in guide, topic


@pytest.mark.slow  # a subprocess, or a minute of work: left out of make test-fast
def test_migrate_command(tmp_path):
    import os
    import subprocess
    import sys

    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'm.db'}"}
    result = subprocess.run(
        [sys.executable, "-m", "recommendations", "migrate"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0 and "is current" in result.stdout
