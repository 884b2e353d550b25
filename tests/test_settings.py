"""Settings: every environment variable and secret read in one place, and nothing placeholder accepted."""

from __future__ import annotations

import re

import pytest

from recommendations import settings
from tests.conftest import ROOT, run_cli

GOOD = "5f0c9e2b7a41d8636e1b0f94c2d7a85e3b6f1c0d9e8a7b42"  # a fixed random-looking value: the same on every worker


def _example_secrets() -> list[str]:
    """Every value in the public example files that sits where a secret goes."""
    found = []
    for path in settings.EXAMPLE_FILES:
        for line in path.read_text().splitlines():
            key, _, value = line.partition("=")
            if re.search(r"SECRET|secret|DATABASE_URL", key) and value.strip():
                found.append(value.strip().strip('"'))
    return found


def test_defaults_are_valid_and_say_where_they_came_from():
    current = settings.load(environ={}, secrets={})
    assert current.database_url == settings.DEFAULT_DATABASE_URL
    assert current.cookie_secret is None and current.sso is None
    assert (current.session_hours, current.lock_after_failures, current.client_failure_limit) == (8.0, 5, 20)
    origins = {s.name: s.origin for s in current.sources}
    assert origins["TRACKER_SESSION_HOURS"] == "default" and origins["[auth]"] == "default"


@pytest.mark.parametrize("value", _example_secrets())
def test_every_secret_in_the_example_files_is_refused(value):
    name = "DATABASE_URL" if value.startswith("postgresql") else "TRACKER_COOKIE_SECRET"
    with pytest.raises(settings.SettingsError) as caught:
        settings.load(environ={name: value}, secrets={})
    assert any(name in p and "placeholder" in p for p in caught.value.problems), caught.value.problems


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("CHANGE-ME-please-0123456789abcdef0123456789", "placeholder"),
        ("changethis" + GOOD, "placeholder"),
        ("short-but-random-7f3a", "at least 32"),
        ("a" * 40, "too few characters"),
        ("abababababababababababababababababababab", "too few characters"),
    ],
)
def test_placeholder_short_and_plain_secrets_are_refused(value, words):
    for name in ("TRACKER_COOKIE_SECRET", "STREAMLIT_SERVER_COOKIE_SECRET"):
        with pytest.raises(settings.SettingsError, match=words):
            settings.load(environ={name: value}, secrets={})


def test_a_long_random_secret_is_accepted_and_never_shown():
    current = settings.load(environ={"TRACKER_COOKIE_SECRET": GOOD}, secrets={})
    assert current.cookie_secret == GOOD
    shown = " ".join(s.shown for s in current.sources)
    assert GOOD not in shown and "(set, 48 characters)" in shown


@pytest.mark.parametrize(
    ("environ", "words"),
    [
        ({"TRACKER_SESSION_HOURS": "eight"}, "TRACKER_SESSION_HOURS='eight' is not a number"),
        ({"TRACKER_SESSION_HOURS": "0"}, "out of range"),
        ({"TRACKER_UPLOAD_MAX_ROWS": "2.5"}, "not a whole number"),
        ({"TRACKER_TRUSTED_PROXIES": "10.0.0.1, not-an-ip"}, "'not-an-ip' is not an IP address"),
        ({"TRACKER_TRUST_PROXY": "1"}, "TRACKER_TRUST_PROXY is no longer read"),
        ({"DATABASE_URL": "mysql://x"}, "must start with sqlite:// or postgresql"),
    ],
)
def test_wrong_settings_are_named(environ, words):
    with pytest.raises(settings.SettingsError) as caught:
        settings.load(environ=environ, secrets={})
    assert any(words in p for p in caught.value.problems), caught.value.problems


def test_every_problem_is_reported_at_once():
    with pytest.raises(settings.SettingsError) as caught:
        settings.load(environ={"TRACKER_SESSION_HOURS": "x", "TRACKER_COOKIE_SECRET": "short"}, secrets={})
    assert len(caught.value.problems) == 2


def test_the_client_is_the_peer_unless_a_trusted_proxy_says_otherwise():
    direct = settings.load(environ={}, secrets={})
    # no proxy is trusted by default: a client's own header is ignored
    assert direct.client_address("203.0.113.7", "198.51.100.1") == "203.0.113.7"
    behind = settings.load(environ={"TRACKER_TRUSTED_PROXIES": "127.0.0.1, 10.0.0.0/8"}, secrets={})
    assert behind.client_address("127.0.0.1", "203.0.113.7") == "203.0.113.7"
    # nginx appending to what the client sent: the client's invented first entry is not read
    assert behind.client_address("127.0.0.1", "1.2.3.4, 203.0.113.7") == "203.0.113.7"
    assert behind.client_address("127.0.0.1", "1.2.3.4, 203.0.113.7, 10.1.2.3") == "203.0.113.7"
    assert behind.client_address("127.0.0.1", None) == "127.0.0.1"
    assert behind.client_address("203.0.113.9", "1.2.3.4") == "203.0.113.9"  # not from our proxy: the peer


def test_check_config_prints_origins_without_secrets_and_fails_on_a_placeholder():
    env: dict[str, str | None] = {"TRACKER_COOKIE_SECRET": GOOD, "TRACKER_SESSION_HOURS": "4", "DATABASE_URL": None}
    ok = run_cli("check-config", env=env)
    assert ok.returncode == 0, ok.stderr
    assert GOOD not in ok.stdout
    assert re.search(r"TRACKER_SESSION_HOURS\s+environment\s+4", ok.stdout)
    assert re.search(r"TRACKER_COOKIE_SECRET\s+environment\s+\(set, 48 characters\)", ok.stdout)
    assert re.search(r"DATABASE_URL\s+default", ok.stdout)
    env["TRACKER_COOKIE_SECRET"] = "CHANGE-ME-to-a-long-random-string"
    bad = run_cli("check-config", env=env)
    assert bad.returncode == 1
    assert "TRACKER_COOKIE_SECRET is a placeholder" in bad.stderr
    refused = run_cli("users", "list", env=env)
    assert refused.returncode == 2 and "nothing was done" in refused.stderr


def test_nothing_else_reads_the_environment():
    """One home: no module but settings reads os.environ (tests and benchmarks aside)."""
    readers = []
    for folder in ("recommendations", "models", "pages"):
        for path in (ROOT / folder).rglob("*.py"):
            if path.name == "settings.py":
                continue
            if re.search(r"os\.environ|os\.getenv|getenv\(", path.read_text()):
                readers.append(str(path.relative_to(ROOT)))
    for path in (ROOT / "dashboard.py",):
        if "os.environ" in path.read_text():
            readers.append(path.name)
    assert readers == []
