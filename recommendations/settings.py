"""Every setting the tracker reads, in one place: environment variables and the secrets file, typed, with defaults.

Nothing else in the project reads ``os.environ`` or ``secrets.toml``. A setting that is wrong stops the app
and the command line at start with a message naming it, rather than running half-configured: above all a
secret that is a placeholder copied from ``deploy/*.example`` (those files are public, so a tracker running
with one lets anyone forge a log-in) or too short to resist guessing.

``python -m recommendations check-config`` prints every setting and where it came from (environment, secrets
file or default; never a secret's value) and exits 1 on any problem.
"""

from __future__ import annotations

import ipaddress
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = f"sqlite:///{ROOT / 'var' / 'tracker.db'}"
MIN_SECRET_LENGTH = 32

#: Words that mark a value as an example to be replaced, wherever they appear in it.
_PLACEHOLDER = re.compile(r"change[-_ ]?(me|this|it)|placeholder|example|your[-_ ]|replace[-_ ]?me|^\.\.\.$|^x+$", re.I)
#: Files whose values are public: any secret equal to one of their values is a placeholder, whatever it says.
EXAMPLE_FILES = (ROOT / "deploy" / "secrets.toml.example", ROOT / "deploy" / "tracker.env.example")


class SettingsError(Exception):
    """One or more settings are wrong; ``problems`` name each one. The tracker refuses to start."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Source:
    """Where a setting's value came from (shown by check-config; a secret's value never is)."""

    name: str  # "TRACKER_SESSION_HOURS", "[auth] cookie_secret"
    origin: str  # "environment", "secrets file", "default"
    shown: str  # the value, or "(set, 43 characters)" for a secret


@dataclass(frozen=True)
class SingleSignOn:
    """The ``[auth]`` section of the secrets file: OpenID Connect through ``st.login``."""

    client_id: str
    server_metadata_url: str
    redirect_uri: str
    cookie_secret: str


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    cookie_secret: str | None = None  # signs the tracker's session cookie; None: a random one per process
    session_hours: float = 8.0
    trusted_proxies: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()
    organisation: str = ""  # who issues the briefs (their header); empty: none named
    lock_after_failures: int = 5
    lock_minutes: int = 15
    client_failure_limit: int = 20  # failed log-ins per client per lock_minutes
    upload_max_mb: float = 5.0
    upload_max_rows: int = 2000
    api_requests_per_minute: int = 120
    load_cache: Path | None = None  # where a load keeps the rows it read (``dataset.load_state``); None: nowhere
    sso: SingleSignOn | None = None
    sources: tuple[Source, ...] = field(default=(), compare=False)

    def is_trusted_proxy(self, address: str | None) -> bool:
        try:
            ip = ipaddress.ip_address((address or "").strip())
        except ValueError:
            return False
        return any(ip in network for network in self.trusted_proxies)

    def client_address(self, peer: str | None, forwarded: str | None) -> str:
        """Who is knocking, for limiting failed log-ins per client: the peer's address; behind a trusted proxy,
        the nearest address in X-Forwarded-For that is not one of our proxies. What a client writes in the header
        itself comes before that and is never read, so it cannot pose as another client."""
        peer = (peer or "").strip() or "unknown"
        if not self.is_trusted_proxy(peer):
            return peer
        for hop in reversed([h.strip() for h in (forwarded or "").split(",")]):
            if hop and not self.is_trusted_proxy(hop):
                return hop[:100]
        return peer


def _example_values() -> set[str]:
    """Every value written in the public example files."""
    values: set[str] = set()
    for path in EXAMPLE_FILES:
        if not path.exists():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if "=" in line and not line.lstrip().startswith("#"):
                value = line.split("=", 1)[1].strip().strip('"').strip("'")
                if value:
                    values.add(value)
    return values


def secret_problem(name: str, value: str) -> str | None:
    """Why ``value`` cannot be a secret (a placeholder, an example's value, too short or too plain), else None."""
    if value in _example_values() or _PLACEHOLDER.search(value):
        return f"{name} is a placeholder from the example files: set a long random value (e.g. `openssl rand -hex 32`)"
    if len(value) < MIN_SECRET_LENGTH:
        return f"{name} is {len(value)} characters long; a secret needs at least {MIN_SECRET_LENGTH}"
    if len(set(value)) < 10:
        return f"{name} repeats too few characters to be a random secret"
    return None


def default_secrets() -> dict[str, Any]:
    """The secrets file Streamlit reads by default: ~/.streamlit/secrets.toml, then ./.streamlit/secrets.toml."""
    merged: dict[str, Any] = {}
    for path in (Path.home() / ".streamlit" / "secrets.toml", Path.cwd() / ".streamlit" / "secrets.toml"):
        if path.is_file():
            try:
                merged.update(tomllib.loads(path.read_text(encoding="utf-8")))
            except (OSError, tomllib.TOMLDecodeError) as exc:
                raise SettingsError([f"{path} cannot be read: {exc}"]) from None
    return merged


def load(environ: Mapping[str, str] | None = None, secrets: Mapping[str, Any] | None = None) -> Settings:
    """Read and check every setting; raise SettingsError naming each one that is wrong."""
    env = os.environ if environ is None else environ
    secrets = default_secrets() if secrets is None else secrets
    problems: list[str] = []
    sources: list[Source] = []

    def text(name: str, default: str, *, secret: bool = False) -> str:
        if name in env:
            value = env[name]
            shown = f"(set, {len(value)} characters)" if secret else value
            sources.append(Source(name, "environment", shown))
            return value
        sources.append(Source(name, "default", "(not set)" if secret else default or "(empty)"))
        return default

    def number(name: str, default: float, lo: float, hi: float, *, whole: bool = False) -> float:
        raw = text(name, str(int(default) if whole else default))
        try:
            value = int(raw) if whole else float(raw)
        except ValueError:
            problems.append(f"{name}={raw!r} is not a {'whole ' if whole else ''}number")
            return default
        if not lo <= value <= hi:
            problems.append(f"{name}={raw} is out of range ({lo:g} to {hi:g})")
            return default
        return value

    database_url = text("DATABASE_URL", DEFAULT_DATABASE_URL, secret=True)
    if not re.match(r"^(sqlite|postgresql(\+psycopg)?)://", database_url):
        problems.append("DATABASE_URL must start with sqlite:// or postgresql+psycopg://")
    elif (password := _url_password(database_url)) is not None and (
        _PLACEHOLDER.search(password) or password in _example_values()
    ):
        problems.append("DATABASE_URL holds a placeholder password from the example files")

    cookie_secret = text("TRACKER_COOKIE_SECRET", "", secret=True) or None
    if cookie_secret is not None and (problem := secret_problem("TRACKER_COOKIE_SECRET", cookie_secret)):
        problems.append(problem)
    streamlit_secret = env.get("STREAMLIT_SERVER_COOKIE_SECRET")
    if streamlit_secret is not None:
        sources.append(
            Source("STREAMLIT_SERVER_COOKIE_SECRET", "environment", f"(set, {len(streamlit_secret)} characters)")
        )
        if problem := secret_problem("STREAMLIT_SERVER_COOKIE_SECRET", streamlit_secret):
            problems.append(problem)
    if "TRACKER_TRUST_PROXY" in env:
        problems.append(
            "TRACKER_TRUST_PROXY is no longer read: name the proxy instead, e.g. TRACKER_TRUSTED_PROXIES=127.0.0.1 "
            "(a client's own X-Forwarded-For header is never trusted)"
        )
    proxies: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = []
    for item in filter(None, (p.strip() for p in text("TRACKER_TRUSTED_PROXIES", "").split(","))):
        try:
            proxies.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            problems.append(f"TRACKER_TRUSTED_PROXIES: {item!r} is not an IP address or network")

    load_cache = text("TRACKER_LOAD_CACHE", _default_load_cache(env)).strip()
    if load_cache and load_cache != "off" and not Path(load_cache).is_absolute():
        problems.append(f"TRACKER_LOAD_CACHE={load_cache!r} must be an absolute path, or off")

    sso = _single_sign_on(secrets.get("auth"), problems, sources)
    if sso is not None and cookie_secret is None:
        cookie_secret = sso.cookie_secret  # one secret for both cookies, as the example file says

    settings = Settings(
        database_url=database_url,
        cookie_secret=cookie_secret,
        session_hours=number("TRACKER_SESSION_HOURS", 8, 0.25, 24 * 30),
        trusted_proxies=tuple(proxies),
        organisation=text("TRACKER_ORGANISATION", "").strip()[:200],
        lock_after_failures=int(number("TRACKER_LOCK_AFTER_FAILURES", 5, 1, 100, whole=True)),
        lock_minutes=int(number("TRACKER_LOCK_MINUTES", 15, 1, 24 * 60, whole=True)),
        client_failure_limit=int(number("TRACKER_CLIENT_FAILURE_LIMIT", 20, 1, 10_000, whole=True)),
        upload_max_mb=number("TRACKER_UPLOAD_MAX_MB", 5, 0.01, 50),
        upload_max_rows=int(number("TRACKER_UPLOAD_MAX_ROWS", 2000, 1, 100_000, whole=True)),
        api_requests_per_minute=int(number("TRACKER_API_REQUESTS_PER_MINUTE", 120, 1, 100_000, whole=True)),
        load_cache=Path(load_cache) if load_cache not in ("", "off") else None,
        sso=sso,
        sources=tuple(sources),
    )
    if problems:
        raise SettingsError(problems)
    return settings


def _default_load_cache(env: Mapping[str, str]) -> str:
    """The user's cache directory (XDG), or "off" when there is no home to put it in."""
    base = env.get("XDG_CACHE_HOME") or (str(Path(env["HOME"]) / ".cache") if env.get("HOME") else "")
    return str(Path(base) / "recommendations-tracker") if base and Path(base).is_absolute() else "off"


def _url_password(url: str) -> str | None:
    match = re.match(r"^[a-z+]+://[^:/@]*:([^@]*)@", url)
    return match.group(1) if match else None


def _single_sign_on(section: object, problems: list[str], sources: list[Source]) -> SingleSignOn | None:
    """The [auth] section, checked: single sign-on is refused with a placeholder secret or without the ID token."""
    if not section:
        sources.append(Source("[auth]", "default", "(no section: single sign-on is off)"))
        return None
    if not isinstance(section, Mapping):
        problems.append("[auth] in the secrets file must be a section")
        return None
    values = {k: section.get(k) for k in ("client_id", "client_secret", "server_metadata_url", "redirect_uri")}
    for key in ("cookie_secret", "client_secret"):
        value = section.get(key)
        sources.append(
            Source(f"[auth] {key}", "secrets file", f"(set, {len(str(value))} characters)" if value else "(not set)")
        )
    for key in ("client_id", "server_metadata_url", "redirect_uri"):
        sources.append(Source(f"[auth] {key}", "secrets file", str(values[key] or "(not set)")))
    missing = [k for k, v in {**values, "cookie_secret": section.get("cookie_secret")}.items() if not v]
    if missing:
        problems.append(f"[auth] is missing {', '.join(missing)}: single sign-on cannot start")
        return None
    secret = str(section["cookie_secret"])
    if problem := secret_problem("[auth] cookie_secret", secret):
        problems.append(problem)
    client_secret = str(values["client_secret"])
    if _PLACEHOLDER.search(client_secret) or client_secret in _example_values():
        problems.append("[auth] client_secret is a placeholder from the example files")
    if not str(values["server_metadata_url"]).startswith("https://") and not _local(str(values["server_metadata_url"])):
        problems.append("[auth] server_metadata_url must be an https address")
    exposed = section.get("expose_tokens")
    exposed = [exposed] if isinstance(exposed, str) else list(exposed or [])
    sources.append(Source("[auth] expose_tokens", "secrets file", ", ".join(exposed) or "(not set)"))
    if "id" not in exposed:
        problems.append(
            '[auth] expose_tokens must include "id": the tracker checks the identity provider\'s signature on '
            "every single sign-on itself"
        )
    return SingleSignOn(
        client_id=str(values["client_id"]),
        server_metadata_url=str(values["server_metadata_url"]),
        redirect_uri=str(values["redirect_uri"]),
        cookie_secret=secret,
    )


def _local(url: str) -> bool:
    return bool(re.match(r"^http://(127\.0\.0\.1|localhost)(:\d+)?/", url))


_current: Settings | None = None


def current() -> Settings:
    """The settings of this process, read once (tests call ``reset`` after changing the environment)."""
    global _current
    if _current is None:
        _current = load()
    return _current


def cached() -> Settings | None:
    """The settings already read in this process, if any (the app reads them its own way, from st.secrets)."""
    return _current


def use(settings: Settings | None) -> None:
    """Make ``settings`` this process's settings (the app passes what Streamlit's own secrets say; tests)."""
    global _current
    _current = settings


def reset() -> None:
    use(None)
