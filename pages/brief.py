"""Meeting brief: the open recommendations on chosen themes or addressees as they stood on a meeting date."""

import datetime as dt
from collections import Counter
from functools import partial

import streamlit as st

from recommendations import ui
from recommendations.read import brief as briefs
from recommendations.read.filters import Filters
from recommendations.ui import plural, t

ui.through_entrypoint()

PREVIEW = 30  # recommendations previewed on the page; a broad brief at scale holds thousands

EARLIEST = dt.date(2000, 1, 1)
LATEST = dt.date(dt.date.today().year + 5, 12, 31)
MIME = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "md": "text/markdown",
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def date_from_url() -> dt.date:
    """The meeting date in the link (?brief_date=YYYY-MM-DD), else today."""
    try:
        chosen = dt.date.fromisoformat(st.query_params.get("brief_date", ""))
    except ValueError:
        return dt.date.today()
    return chosen if EARLIEST <= chosen <= LATEST else dt.date.today()


def to_sidebar() -> None:
    """Keep the sidebar filters (and so the link) in step with the choice made here."""
    ui.set_filters(themes=st.session_state["brief_themes"], addressees=st.session_state["brief_addressees"])


def example() -> None:
    st.session_state["brief_themes"] = ["recruitment"]
    to_sidebar()


lang = ui.language()  # the brief, its downloads included, is in the page's language
st.title(t("Meeting brief"))
st.write(
    t(
        "For a meeting such as the AFML: the recommendations still open on the themes or addressees you choose, as "
        "they stood on the meeting date, with their history, latest evidence, how often they were raised and "
        "questions to ask."
    )
)

opts = {key: dict(choices) for key, choices in ui.options().items()}
names = ui.choosers(lang)  # in the page's language, English where the data has no translation
filters = ui.current_filters()
state = st.session_state
seen = (tuple(filters.themes), tuple(filters.addressees))
if state.get("_brief_seen") != seen or "brief_themes" not in state:  # first visit, or the sidebar changed
    state["brief_themes"], state["brief_addressees"] = list(filters.themes), list(filters.addressees)
    state["_brief_seen"] = seen
if "brief_meeting_date" not in state:
    state["brief_meeting_date"] = date_from_url()

left, middle, right = st.columns([3, 3, 2])
themes = left.multiselect(
    t("Themes"),
    list(opts["themes"]),
    format_func=lambda theme: names["themes"].get(theme, opts["themes"][theme]),
    key="brief_themes",
    on_change=to_sidebar,
    placeholder=t("Choose"),  # as the sidebar's: Streamlit's own placeholder is English only
    select_all=False,
)
addressees = middle.multiselect(
    t("Asked of (addressees)"),
    list(opts["addressees"]),
    format_func=lambda actor: names["addressees"].get(actor, opts["addressees"][actor]),
    key="brief_addressees",
    on_change=to_sidebar,
    placeholder=t("Choose"),
    select_all=False,  # Enter takes the best match (the acronym first), not "Select N matches"
)
meeting = right.date_input(
    t("Meeting date"), key="brief_meeting_date", min_value=EARLIEST, max_value=LATEST, format="YYYY-MM-DD"
)
st.query_params["brief_date"] = meeting.isoformat()
chosen = Filters(themes=themes, addressees=addressees, combine=filters.combine)
ui.combine_switch(chosen, key="brief_combine")
st.caption(
    t(
        "A ministry or agency also takes in what is asked of the Government as a whole (or of the ministry it "
        "belongs to). Pre-filled from the sidebar and kept in the link, so the brief can be shared; the sidebar's "
        "other filters (status, source, years, text) do not apply here."
    )
)

if not (themes or addressees):
    example_theme = ui.esc(names["themes"].get("recruitment", opts["themes"].get("recruitment", "")))
    st.info(
        t(
            "Choose at least one theme or addressee. For example, before a meeting with MoLVT and the recruitment "
            "agencies, choose the theme **{theme}**, or tick the box below to brief on everything still open.",
            theme=example_theme,
        ),
        icon=":material/lightbulb:",
    )
    if "recruitment" in opts["themes"]:
        st.button(t("Try the example: {theme}", theme=example_theme), on_click=example)
    if "brief_all" not in state:  # a shared link to the broad brief (?brief_all=1) opens it ticked
        state["brief_all"] = st.query_params.get("brief_all") == "1"
    everything = st.checkbox(t("Brief on all open recommendations (every theme and addressee)"), key="brief_all")
    if everything:
        st.query_params["brief_all"] = "1"
    elif "brief_all" in st.query_params:
        del st.query_params["brief_all"]
    if not everything:
        st.stop()

key = (tuple(themes), tuple(addressees), meeting, chosen.combine, lang)
with st.spinner(t("Building the brief…")):
    brief = ui.brief(*key, detailed=PREVIEW)  # the downloads build it whole when clicked
stale = briefs.stale_count(brief)
cols, number = st.columns(4), ui.tr().number  # counts as the page's language writes them (9,302)
cols[0].metric(t("Open recommendations"), number(len(brief.items)))
cols[1].metric(t("Not assessed"), number(brief.status_counts.get("not_assessed", 0)))
cols[2].metric(t("Raised more than once"), number(sum(1 for item in brief.items if item.times_raised > 1)))
cols[3].metric(
    t("Evidence over 2 years old"),
    number(stale),
    help=t("Latest evidence dated more than two years before the meeting."),
)
as_a_whole = [item.asked_as_a_whole for item in brief.items if item.asked_as_a_whole]
for note, count in Counter(as_a_whole).items():
    total = ui.tr().number(len(brief.items))
    st.caption(
        ui.esc(
            plural(
                "{n} of the {total} is included because it was {note}.",
                "{n} of the {total} are included because they were {note}.",
                count,
                total=total,
                note=note,
            )
        )
    )

stem = briefs.file_stem(brief)
buttons = st.columns(4)
for col, (label, ext) in zip(
    buttons,
    [
        (t("Download brief (DOCX)"), "docx"),
        (t("Download brief (Markdown)"), "md"),
        (t("Download rows (CSV)"), "csv"),
        (t("Download rows (XLSX)"), "xlsx"),
    ],
    strict=True,
):
    col.download_button(
        label,
        partial(ui.brief_file, ext, *key),
        file_name=f"{stem}.{ext}",
        mime=MIME[ext],
        on_click="ignore",
        icon=":material/download:",
        width="stretch",
    )

st.divider()
if not brief.items:
    st.warning(briefs.empty_message(brief), icon=":material/info:")
# Every piece of data in the brief's Markdown is escaped (no links except http(s) evidence, no HTML).
st.markdown(briefs.brief_markdown(brief, title=False, limit=PREVIEW))
