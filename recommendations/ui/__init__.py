"""The one Streamlit helper module: caching, shared filters, colours.

Everything else in ``recommendations/`` is plain Python. Pages import from here
to get cached DataFrames, the filters (bound to ``st.query_params`` so a view is
a link someone can send) and the one colour per status used by every chart.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

import pandas as pd
import streamlit as st
from sqlalchemy.engine import Engine
from streamlit.runtime.pages_manager import PagesManager

from models.db import make_engine
from recommendations import markdown, permissions, settings, visibility
from recommendations.dataset.loader import prepare
from recommendations.permissions import Principal
from recommendations.read import queries
from recommendations.read.queries import Filters
from recommendations.vocabulary import STATUS_LABELS
from recommendations.write import auth, errors, sso

T = TypeVar("T")
DATA = Path(__file__).resolve().parents[2] / "data"
TTL = 300

# Okabe-Ito palette: distinguishable with the common forms of colour blindness.
STATUS_COLOURS = {
    "Not assessed": "#BBBBBB",
    "No progress": "#D55E00",
    "In progress": "#E69F00",
    "Partially implemented": "#56B4E9",
    "Implemented": "#009E73",
    "Not applicable": "#CC79A7",
}
STATUS_LABEL_ORDER = list(STATUS_LABELS.values())

# query parameter -> (Filters field, is a list)
PARAMS = {
    "source": ("sources", True),
    "theme": ("themes", True),
    "addressee": ("addressees", True),
    "status": ("statuses", True),
    "kind": ("kinds", True),
    "research": ("research", True),
    "from": ("year_from", False),
    "to": ("year_to", False),
    "q": ("text", False),
}


def through_entrypoint() -> None:
    """Make sure a page runs inside dashboard.py (navigation, filters, layout).

    Streamlit keeps a process-wide legacy flag while a ``pages/`` folder exists
    and no run has called ``st.navigation`` yet; the first visitor arriving on a
    deep link (e.g. /recommendation?id=...) would get the page on its own. Every
    page calls this first: it clears the flag and reruns through the entrypoint,
    keeping the URL and its query parameters.
    """
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


FIRST_START = "First start: building the database from the data files (once; a large dataset takes minutes)…"


@st.cache_resource(show_spinner=FIRST_START)
def engine() -> Engine:
    """One engine per process; builds the database from data/ on first start, saying so instead of a blank page."""
    eng = make_engine(configured().database_url)
    prepare(eng, DATA)
    return eng


def clear_caches() -> None:
    """Call after any write so every page shows the new state."""
    st.cache_data.clear()


@st.cache_resource
def _seen_version() -> dict[str, int | None]:
    return {"version": None}


def refresh_if_changed() -> None:
    """Drop this server's cached pages when anything was written since (by any server, or a load).

    One indexed query per run; with several app servers on one database, each shows the others' writes
    on its next run instead of after the cache's time-to-live.
    """
    version = queries.data_version(engine())
    seen = _seen_version()
    if seen["version"] is not None and seen["version"] != version:
        st.cache_data.clear()
    seen["version"] = version


@st.cache_data(ttl=TTL, show_spinner="Working out the status of every recommendation…")
def table(filters: Filters | None = None) -> pd.DataFrame:
    return queries.recommendation_table(engine(), filters)


@st.cache_data(ttl=TTL, show_spinner=False)
def options() -> dict[str, list[tuple[str, str]]]:
    return queries.options(engine())


@st.cache_data(ttl=TTL, show_spinner=False)
def year_bounds() -> tuple[int, int]:
    return queries.year_bounds(engine())


@st.cache_data(ttl=TTL, show_spinner=False)
def counts() -> dict[str, int]:
    return queries.counts(engine())


@st.cache_data(ttl=TTL, show_spinner=False)
def gaps() -> pd.DataFrame:
    return queries.gaps(engine())


@st.cache_data(ttl=TTL, show_spinner="Working out the statuses year by year…")
def status_over_time(filters: Filters | None = None) -> pd.DataFrame:
    return queries.status_over_time(engine(), queries.recommendation_table(engine(), filters))


@st.cache_data(ttl=TTL, show_spinner=False)
def cached(query_name: str) -> pd.DataFrame:
    """Any ``queries.<name>(engine)`` that takes only the engine, cached by name."""
    return getattr(queries, query_name)(engine())


def filters_from_params(params: dict[str, list[str]]) -> Filters:
    """Filters from query parameters; unknown or malformed values are dropped."""
    valid = {key: {value for value, _ in choices} for key, choices in options().items()}
    filters = Filters()
    for param, (name, many) in PARAMS.items():
        values = params.get(param) or []
        if many:
            setattr(filters, name, [v for v in values if v in valid[name]])
        elif values:
            if name == "text":
                filters.text = values[-1][:200]
            elif values[-1].isdigit():
                setattr(filters, name, int(values[-1]))
    return filters


def params_from_filters(filters: Filters) -> dict[str, list[str] | str]:
    out: dict[str, list[str] | str] = {}
    for param, (name, many) in PARAMS.items():
        value = getattr(filters, name)
        if many and value:
            out[param] = list(value)
        elif not many and value not in (None, ""):
            out[param] = str(value)
    return out


def current_filters() -> Filters:
    """The filters as the sidebar set them (read by pages)."""
    return st.session_state.get("_filters") or Filters()


def sidebar_filters() -> Filters:
    """Draw the shared filters and keep them in the URL."""
    opts = options()
    lo, hi = year_bounds()
    state = st.session_state
    in_url = {key: st.query_params.get_all(key) for key in PARAMS}
    years = state.get("f_years")
    if state.get("_filters_ready") and not (isinstance(years, tuple | list) and len(years) == 2):
        # After st.switch_page the range slider's state can come back as a single number (seen with
        # Streamlit 1.67): rebuild every filter from the address bar, which always holds them.
        state["_filters_ready"] = False
    if state.get("_filters_ready") and any(in_url.values()) and in_url != state.get("_synced_url"):
        # A link or button brought new filters in the address bar (e.g. Sources -> "its recommendations"):
        # the address bar wins. (The menu drops the parameters: then the filters set here are kept.)
        state["_filters_ready"] = False
    if not state.get("_filters_ready"):
        start = filters_from_params({k: st.query_params.get_all(k) for k in PARAMS})
        state["f_sources"] = start.sources
        state["f_years"] = (max(lo, start.year_from or lo), min(hi, start.year_to or hi))
        state["f_themes"] = start.themes
        state["f_addressees"] = start.addressees
        state["f_statuses"] = start.statuses
        state["f_kinds"] = start.kinds
        state["f_research"] = start.research
        state["f_text"] = start.text
        state["_filters_ready"] = True

    labels = {key: dict(choices) for key, choices in opts.items()}
    with st.sidebar:
        st.header("Filters")
        text = st.text_input("Search text", key="f_text", placeholder="e.g. complaint, contract")
        years = st.slider("Year of the source", lo, hi, key="f_years") if lo < hi else (lo, hi)
        for key, label in (
            ("themes", "Theme"),
            ("addressees", "Asked of (addressee)"),
            ("statuses", "Current status"),
            ("sources", "Source / meeting"),
            ("kinds", "Kind"),
            ("research", "Research"),
        ):
            st.multiselect(label, list(labels[key]), format_func=labels[key].get, key=f"f_{key}")
        st.button("Clear filters", width="stretch", on_click=_clear_filters, args=(lo, hi))
    filters = Filters(
        sources=list(state["f_sources"]),
        year_from=years[0] if years[0] != lo else None,
        year_to=years[1] if years[1] != hi else None,
        themes=list(state["f_themes"]),
        addressees=list(state["f_addressees"]),
        statuses=list(state["f_statuses"]),
        kinds=list(state["f_kinds"]),
        research=list(state["f_research"]),
        text=text.strip(),
    )
    state["_filters"] = filters
    sync_params(params_from_filters(filters))
    state["_synced_url"] = {key: st.query_params.get_all(key) for key in PARAMS}
    return filters


def param_selectbox(
    label: str,
    choices: list[str],
    param: str,
    *,
    key: str,
    format_func=str,  # noqa: ANN001
    default: str | None = None,
) -> str:
    """A select box bound to a page's own query parameter, so the view is a link someone can send."""

    def to_url() -> None:
        st.query_params[param] = st.session_state[key]

    wanted = st.query_params.get(param)
    if wanted in choices:
        st.session_state[key] = wanted
    elif st.session_state.get(key) not in choices:
        st.session_state[key] = default if default in choices else choices[0]
    value = st.selectbox(label, choices, format_func=format_func, key=key, on_change=to_url)
    if st.query_params.get(param) != value:
        st.query_params[param] = value
    return value


PAGE_SIZE = 50  # rows per page of a table: what a reader scans, and a small payload at any size of dataset


def paged(frame: pd.DataFrame, key: str, per_page: int = PAGE_SIZE, what: str = "rows") -> pd.DataFrame:
    """One page of ``frame`` and a page chooser: the browser receives a page, never every row."""
    pages = max(1, -(-len(frame) // per_page))
    if pages == 1:
        return frame
    if not isinstance(st.session_state.get(key), int) or not 1 <= st.session_state[key] <= pages:
        st.session_state[key] = 1  # the selection shrank under the page the reader was on
    page = st.number_input(f"Page (1 to {pages:,})", min_value=1, max_value=pages, step=1, key=key)
    start = (int(page) - 1) * per_page
    st.caption(f"{what.capitalize()} {start + 1:,}–{min(start + per_page, len(frame)):,} of {len(frame):,}.")
    return frame.iloc[start : start + per_page]


def find_recommendation(label: str, key: str) -> str | None:
    """A search box for one recommendation (words of its title or text, or its id): never a list of them all."""
    query = st.text_input(label, placeholder="a word of its title or text, or its id", key=key)
    if not query.strip():
        return None
    from recommendations.write.workspace import SEARCH_LIMIT, search_recommendations

    matches = dict(search_recommendations(engine(), query))
    if not matches:
        st.info("No recommendation matches. Try another word.")
        return None
    return st.selectbox(
        f"{len(matches)} found" + (f" (the first {SEARCH_LIMIT} shown)" if len(matches) >= SEARCH_LIMIT else ""),
        list(matches),
        format_func=matches.get,
        index=None,
        key=f"{key}_choice",
    )


def _clear_filters(lo: int, hi: int) -> None:
    # A callback runs before the widgets are drawn again, so their state may be reset here.
    set_filters(sources=[], themes=[], addressees=[], statuses=[], kinds=[], research=[])
    st.session_state["f_text"] = ""
    st.session_state["f_years"] = (lo, hi)


def set_filters(**values: list[str]) -> None:
    """For on_change/on_click callbacks: change shared list filters (and so the URL) from a page."""
    for name, value in values.items():
        st.session_state[f"f_{name}"] = list(value)


def sync_params(wanted: dict[str, list[str] | str]) -> None:
    """Write the filter params into the URL, leaving page-specific params alone."""
    for key in PARAMS:
        if key in wanted:
            if st.query_params.get_all(key) != ([wanted[key]] if isinstance(wanted[key], str) else wanted[key]):
                st.query_params[key] = wanted[key]
        elif key in st.query_params:
            del st.query_params[key]


def filter_summary(filters: Filters) -> str:
    """The active filters in words, escaped for Markdown (the search text comes from the address bar)."""
    return esc(_filter_words(filters))


def _filter_words(filters: Filters) -> str:
    if filters.is_empty():
        return "All recommendations (no filters)."
    opts = {key: dict(choices) for key, choices in options().items()}
    parts = []
    for name, label in (
        ("themes", "theme"),
        ("addressees", "asked of"),
        ("statuses", "status"),
        ("sources", "source"),
        ("kinds", "kind"),
        ("research", "research"),
    ):
        values = getattr(filters, name)
        if values:
            parts.append(f"{label}: " + ", ".join(opts[name].get(v, v) for v in values))
    if filters.year_from or filters.year_to:
        parts.append(f"years {filters.year_from or '…'}–{filters.year_to or '…'}")
    if filters.text:
        parts.append(f"text contains “{filters.text}”")
    return "Filtered by " + "; ".join(parts) + "."


# --- charts -----------------------------------------------------------------------------------------

TEXT_COLOUR = "#262730"  # 14:1 on white; Streamlit's default grey captions and plotly's ticks fall short of 4.5:1


def chart_label(text: object, width: int = 26) -> str:
    """A category label for plotly: its HTML-like markup escaped (data never becomes a tag or a link there),
    wrapped on spaces so long names fit a phone screen."""
    import html
    import textwrap

    return "<br>".join(html.escape(line) for line in textwrap.wrap(str(text), width) or [""])


def chart_labels(ids: Iterable[str], labels: Iterable[str]) -> dict[str, str]:
    """id -> chart label, made unique (two actors with one acronym stay two bars) and safe for plotly."""
    pairs = list(zip(ids, labels, strict=True))
    counts: dict[str, int] = {}
    for _, label in pairs:
        counts[label] = counts.get(label, 0) + 1
    return {i: chart_label(label if counts[label] == 1 else f"{label} ({i})") for i, label in pairs}


def tidy(fig, *, rows: int = 0, legend: bool = True):  # noqa: ANN001, ANN201
    """One look for every chart: dark text, legend under the plot (not over bars), room for labels."""
    fig.update_layout(
        font={"color": TEXT_COLOUR, "size": 13},
        legend={"orientation": "h", "yanchor": "top", "y": -0.12, "x": 0, "title": {"text": ""}} if legend else None,
        showlegend=legend,
        margin={"l": 8, "r": 8, "t": 24, "b": 8},
        hoverlabel={"font": {"color": TEXT_COLOUR}},
    )
    fig.update_xaxes(tickfont={"color": TEXT_COLOUR}, title_font={"color": TEXT_COLOUR}, automargin=True)
    fig.update_yaxes(tickfont={"color": TEXT_COLOUR}, title_font={"color": TEXT_COLOUR}, automargin=True)
    if rows:
        fig.update_layout(height=max(320, 44 * rows + 160))
    return fig


def esc(text: object) -> str:
    """Data placed inside markdown is shown as written (line breaks kept): no links, images, HTML or formatting."""
    return markdown.escape(text, keep_lines=True)


# --- who is logged in ----------------------------------------------------------------------------------

SESSION_KEY = "_session_token"
COOKIE = "tracker_session"


def configured() -> settings.Settings:
    """This server's settings: the environment and Streamlit's own secrets (the file st.login reads), read again
    only when the secrets change. A wrong setting raises SettingsError (``start`` shows it and stops)."""
    from streamlit.errors import StreamlitSecretNotFoundError

    try:
        secrets = st.secrets.to_dict()
    except StreamlitSecretNotFoundError as exc:
        if "pars" in str(exc).lower():  # a file that exists but cannot be read
            raise settings.SettingsError([f"the secrets file cannot be read: {exc}"]) from None
        secrets = {}
    fingerprint = hashlib.sha256(repr(secrets).encode()).hexdigest()  # never the secrets themselves
    current = settings.cached()
    if current is None or _SETTINGS_READ.get("fingerprint") != fingerprint:
        current = settings.load(secrets=secrets)
        settings.use(current)
        _SETTINGS_READ["fingerprint"] = fingerprint
    return current


_SETTINGS_READ: dict[str, str] = {}


def start() -> None:
    """Refuse to serve anything while a setting is wrong (above all a placeholder secret): say which, and stop."""
    try:
        configured()
    except settings.SettingsError as exc:
        st.error("This tracker cannot start: its settings are wrong. The administrator must fix:", icon="🛑")
        for problem in exc.problems:
            st.text("• " + problem)
        st.caption("`python -m recommendations check-config` lists every setting and what is wrong with it.")
        st.stop()


def cookie_secret() -> str:
    """The key that signs session cookies: TRACKER_COOKIE_SECRET, else [auth] cookie_secret, else
    server.cookieSecret (random per process unless set: set one for several app servers)."""
    return configured().cookie_secret or str(st.get_option("server.cookieSecret"))


def sso_enabled() -> bool:
    """Single sign-on is on when the secrets file has a valid [auth] section (st.login, OpenID Connect)."""
    return configured().sso is not None


def client() -> str:
    """Who is knocking (``Settings.client_address``: behind a trusted proxy, the address it saw)."""
    forwarded = st.context.headers.get("X-Forwarded-For")
    address = st.context.ip_address
    return configured().client_address(
        address if isinstance(address, str) else None, forwarded if isinstance(forwarded, str) else None
    )


def principal() -> Principal | None:
    """The logged-in person of this browser session, checked against the database on every run."""
    token = st.session_state.get(SESSION_KEY)
    if token is None:  # a reload or a new tab: the signed cookie set at log-in carries the session over
        cookies = st.context.cookies
        value = cookies.get(COOKIE) if hasattr(cookies, "get") else None
        token = auth.token_from_cookie(value if isinstance(value, str) else None, cookie_secret())
        if token:
            st.session_state[SESSION_KEY] = token
    if (
        token is None
        and sso_enabled()
        and getattr(st.user, "is_logged_in", False)
        and not st.session_state.get("_sso_tried")
    ):
        st.session_state["_sso_tried"] = True  # one attempt per browser session: a refused identity stays refused
        error = sign_in_single_sign_on()
        if error:
            st.session_state["_sso_error"] = error
        token = st.session_state.get(SESSION_KEY)
    if token is None:
        return None
    with engine().connect() as conn:
        found = auth.principal_for(conn, token)
    if found is None:  # expired, ended elsewhere, or the account was disabled
        st.session_state.pop(SESSION_KEY, None)
        st.session_state["_session_ended"] = True
        st.session_state["_cookie"] = "clear"
    return found


def viewer() -> visibility.Viewer:
    """What this browser session may see (THE visibility rule): the public's view, or a member's."""
    return visibility.Viewer.of(principal())


def session_cookie() -> None:
    """Set or clear the browser's session cookie after a log-in or log-out (called once per run).

    Streamlit has no server-side way to set a cookie, so a fixed script in a component frame (same origin)
    writes it: the signed session token, SameSite=Strict, Secure on https, for the session's lifetime. The
    cookie alone grants nothing: the session must still be live in the database.
    """
    action = st.session_state.pop("_cookie", None)
    token = st.session_state.get(SESSION_KEY)
    if action == "set" and token:
        value = json.dumps(auth.sign_token(token, cookie_secret()))
        age = int(configured().session_hours * 3600)
    elif action == "clear":
        value, age = '""', 0
    else:
        return
    import streamlit.components.v1 as components

    components.html(
        "<script>const p = window.parent; const secure = p.location.protocol === 'https:' ? '; Secure' : '';"
        f"p.document.cookie = '{COOKIE}=' + {value} + '; Max-Age={age}; Path=/; SameSite=Strict' + secure;</script>",
        height=0,
    )


def log_in(email: str, password: str) -> str | None:
    """Log in; None on success, else the message to show."""
    with engine().begin() as conn:
        try:
            token = auth.login(conn, email, password, client())
        except auth.LoginRefused as exc:
            message = str(exc)
        else:
            st.session_state[SESSION_KEY] = token
            st.session_state["_cookie"] = "set"
            st.session_state.pop("_session_ended", None)
            return None
    return message


def sign_in_single_sign_on() -> str | None:
    """Open a session for the identity st.login reports, once the provider's own signature on it checks out
    (``sso.verify``): a cookie forged with a known secret carries no such signature."""
    config = configured().sso
    assert config is not None
    tokens = getattr(st.user, "tokens", None)
    id_token = tokens.get("id") if tokens is not None and hasattr(tokens, "get") else None
    try:
        claims = sso.verify(id_token, config)
    except sso.NotVerified as exc:
        return str(exc)
    with engine().begin() as conn:
        try:
            st.session_state[SESSION_KEY] = auth.login_single_sign_on(conn, claims, token_id=sso.token_id(id_token))
        except auth.LoginRefused as exc:
            return str(exc)
    st.session_state["_cookie"] = "set"
    return None


def log_out() -> None:
    with engine().begin() as conn:
        auth.logout(conn, st.session_state.pop(SESSION_KEY, None))
    st.session_state["_cookie"] = "clear"
    for key in [k for k in st.session_state if str(k).startswith(("u_", "review_", "admin_"))]:
        del st.session_state[key]
    if sso_enabled() and getattr(st.user, "is_logged_in", False):
        st.logout()


def write(function: Callable[..., T], **arguments: object) -> T:
    """Run one write function in one transaction as the logged-in principal, then refresh every cached view.

    The function checks the principal's permissions itself (recommendations.updates), whatever the page shows.
    """
    with engine().begin() as conn:
        result = function(conn=conn, principal=principal(), **arguments)
    clear_caches()
    return result


def field_errors(errors: dict[str, list[str]], name: str) -> None:
    """The form's messages for one field, shown right under it (plain text, never Markdown)."""
    for message in errors.get(name, []):
        st.error(esc(message), icon=":material/error:")


def require_role(roles: tuple[str, ...], page: str) -> Principal:
    """The logged-in principal if their role may use this page; otherwise a log-in prompt and stop.

    This only decides what the page shows: the write functions check permissions again on the server.
    """
    who = principal()
    if who is not None and who.role in roles:
        return who
    if who is None:
        st.session_state["_after_login"] = page
        st.warning("Log in to use this page.", icon=":material/lock:")
        st.page_link("pages/login.py", label="Log in", icon=":material/login:")
    else:
        st.warning(f"This page is for {' and '.join(r + 's' for r in roles)}.", icon=":material/block:")
    st.stop()
    raise AssertionError("unreachable")  # st.stop() ends the run


def correction_queue(who: Principal) -> None:
    """Proposed corrections of evidence this person decides on, each with Publish and Return (review and admin
    pages: a reviewer sees their organisation's items, an admin the curated dataset's)."""
    from recommendations.write import workspace

    queue = workspace.correction_queue(engine(), who)
    if queue.empty:
        st.info("No proposed correction is waiting.", icon=":material/inbox:")
    for row in queue.itertuples():
        with st.container(border=True):
            st.markdown(f"**{esc(row.current_title)}** · {esc(row.evidence_id)}")
            st.caption(esc(f"Proposed by {row.proposed_by} on {row.proposed_at:%Y-%m-%d %H:%M} UTC"))
            st.text(f"Why: {row.reason}")
            for key in row.after:
                if row.before.get(key) != row.after.get(key):
                    st.text(f"{key} now: {row.before.get(key) or '—'}\n{key} proposed: {row.after.get(key) or '—'}")
            if error := st.session_state.pop(f"corr_error_{row.id}", None):
                st.error(esc(error))
            st.text_input("Comment (needed to return it)", key=f"corr_comment_{row.id}")
            left, right = st.columns(2)
            for column, decision, label in ((left, "published", "Publish"), (right, "returned", "Return")):
                column.button(
                    label, key=f"corr_{decision}_{row.id}", on_click=_decide_correction, args=(row.id, decision),
                    type="primary" if decision == "published" else "secondary",
                )  # fmt: skip


def _decide_correction(correction_id: str, decision: str) -> None:
    from recommendations.write import updates

    comment = st.session_state.get(f"corr_comment_{correction_id}", "")
    try:
        write(updates.decide_correction, correction_id=correction_id, decision=decision, comment=comment)
    except (errors.Invalid, errors.Conflict, permissions.PermissionDenied) as exc:
        st.session_state[f"corr_error_{correction_id}"] = str(exc)
