"""Sources: each document with its recommendations marked in the full text; glossary; context figures."""

import re

import streamlit as st

from recommendations import i18n, markdown, ui
from recommendations.i18n import N_
from recommendations.read import source_text
from recommendations.read.translations import FIELD_LABELS

ui.through_entrypoint()

CURATORS = N_("For curators: how this gap was researched")  # the one place the research notes are shown


def marked_text(source_id: str) -> tuple[str, int, int]:
    """The source text as markdown with each recommendation highlighted and labelled."""
    full_text, recs = ui.source_text_of(source_id)
    quotes = dict(zip(recs["id"], recs["text"], strict=True))
    found = source_text.spans(full_text, quotes, ui.recorded_spans_of(source_id))
    out, cursor = [], 0

    def plain(part: str) -> str:
        return ui.esc(source_text.clean_source_text(part)).replace("\n", "  \n")

    for start, end, rec_id in found:
        if start < cursor:
            continue
        out.append(plain(full_text[cursor:start]))
        out.append(
            f":orange-background[{ui.esc(' '.join(source_text.clean_source_text(full_text[start:end]).split()))}]"
        )
        out.append(f" `{rec_id}`" if re.fullmatch(r"[a-z0-9._-]+", rec_id) else "")
        cursor = end
    out.append(plain(full_text[cursor:]))
    return "".join(out), len(found), len(recs)


t, said = ui.t, ui.tr()
st.title(t("Sources and glossary"))
st.write(t("The documents every recommendation is quoted from, with the recommendations marked in their full text."))

table = ui.sources()
for row in ui.paged(table, "sources_page", per_page=20, what=t("sources")).itertuples():
    expected = row.expected_recommendations
    count = ui.plural("{n} recommendation", "{n} recommendations", row.recorded)
    if expected is not None and expected > row.recorded:
        count = ui.plural(
            "{n} recommendation of {expected} mentioned: {missing} texts missing",
            "{n} recommendations of {expected} mentioned: {missing} texts missing",
            row.recorded,
            expected=said.number(int(expected)),
            missing=said.number(int(expected) - row.recorded),
        )
    elif expected is None and not row.recorded and row.gap_note:
        count = t("recommendations not held here (number unknown)")
    with st.container(border=True):
        st.markdown(f"**{ui.esc(row.title)}**")
        organisers = row.organisers and t("organised by {names}", names=row.organisers)
        facts = (said.date(row.date), t(row.kind_label), organisers, row.place, count)
        st.caption(ui.esc(" · ".join(part for part in facts if part)))
        if row.gap_note:
            st.warning(ui.esc(row.gap_note), icon=":material/help:")
        if row.curator_note:  # the research behind the gap, for those who will fill it: closed unless asked for
            with st.expander(t(CURATORS)):
                st.caption(ui.esc(row.curator_note))
        if row.citation:
            st.caption(ui.esc(t("Citation: {citation}", citation=row.citation)))
        if row.url:
            st.markdown(t("Source: {link}", link=markdown.link(row.url, row.url)))
        if row.recorded or row.kind == "programme_report":
            # built only when asked for: marking every source's text on every visit is slow at scale
            if st.toggle(t("Show the full text with its recommendations marked"), key=f"text_{row.id}"):
                text, located, total = marked_text(row.id)
                if total:
                    st.caption(
                        t(
                            "{located} of {total} recommendations located in the text (highlighted, with their id).",
                            located=said.number(located),
                            total=said.number(total),
                        )
                    )
                st.markdown(text)
        if row.recorded and st.button(t("See its recommendations in Explore"), key=f"explore_{row.id}"):
            ui.switch_page("pages/explore.py", query_params={"source": row.id})

st.header(t("Glossary"))
glossary = ui.glossary(ui.language())  # in the page's language where translated; the terms stay as written
for row in glossary.itertuples():
    note = f" — {row.note}" if row.note else ""
    st.markdown(f"**{ui.esc(row.term)}**: {ui.esc(row.expansion)}{ui.esc(note)}")
ui.review_note(glossary["awaits_review"].any())

st.header(t("Cambodian migrants by destination"))
figures = ui.context_figures()
if figures.empty:
    st.info(t("No context figures are loaded."))
else:
    long = figures.melt(
        id_vars=["label", "destination", "data_source"], value_vars=["women", "men"], var_name="sex", value_name="n"
    )
    sexes = {"women": t("Women"), "men": t("Men")}  # the legend's words, in the page's language
    long = long.assign(label=long["label"].map(ui.chart_label), sex=long["sex"].map(sexes))
    chart = ui.bars(
        long,
        y="label",
        x="n",
        color="sex",
        orientation="h",
        barmode="stack",
        colours={sexes["women"]: "#CC79A7", sexes["men"]: "#0072B2"},
        labels={"label": t("Destination · category (as of)"), "n": t("Migrants"), "sex": ""},
    )
    ui.chart(chart, t("Bar chart: Cambodian migrants by destination, women and men"), rows=long["label"].nunique())
    st.caption(
        t(
            "From the ILO TRIANGLE in ASEAN Cambodia brief, July–September 2019. Figures come from different "
            "sources and dates (see the table) and should not be added up."
        )
    )
    ui.dataframe(
        figures[["destination", "category", "total", "women", "men", "as_of", "data_source"]].fillna(""),
        key="sources_figures",
        title="destination",
        width="stretch",
        column_config={
            "destination": t("Destination"),
            "category": t("Category"),
            "total": t("Total"),
            "women": t("Women"),
            "men": t("Men"),
            "as_of": t("As of"),
            "data_source": st.column_config.TextColumn(t("Data source (as the brief names it)"), width="large"),
        },
    )

with st.expander(ui.t("Translations: how much is translated and reviewed")):
    st.caption(
        ui.t(
            "Names, short titles and the glossary are translated in the data files; recommendation texts are "
            "quotations and stay in the language they were written in."
        )
    )
    for lang in i18n.languages()[1:]:
        state = i18n.review_state(lang)
        st.markdown(
            ui.esc(
                ui.t(
                    "In {language}, {translated} of {total} interface strings are translated and {reviewed} of them "
                    "reviewed by a native speaker.",
                    language=i18n.native_name(lang),
                    translated=ui.tr().number(state.translated),
                    total=ui.tr().number(state.messages),
                    reviewed=ui.tr().number(state.reviewed),
                )
            )
        )
        found = [
            {ui.t("Data"): ui.t(FIELD_LABELS[c.entity, c.field_name]), ui.t("Records"): c.records,
             ui.t("Translated"): c.translated, ui.t("Reviewed"): c.reviewed}
            for c in ui.translation_coverage(lang)
        ]  # fmt: skip
        st.dataframe(found, hide_index=True, width="stretch")
