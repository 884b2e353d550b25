"""Download data: everything or the filtered set, as CSV, XLSX, JSON and the YAML layout."""

import datetime as dt
from functools import partial
from pathlib import Path

import streamlit as st

from recommendations import i18n, markdown, ui

ui.through_entrypoint()

DOCS = Path(__file__).resolve().parent.parent / "docs" / "data-format.md"
t = ui.t

st.title(t("Download data"))
st.write(
    t(
        "Everything in this tracker is open data. Spreadsheet files neutralise cells that start with = + - @ so "
        "they cannot run as formulas. The XLSX workbook has one sheet for the recommendations, one for each "
        "addressee's status, one for the whole assessment history and one for the evidence."
    )
)
if ui.language() != i18n.SOURCE_LANGUAGE:  # the files speak one language to every script: English
    st.caption(
        t(
            "The CSV, XLSX and JSON files keep their column names and values in English, so that a script reads "
            "every download the same way, whatever the language of the page. Recommendation texts stay in the "
            "language of their source; the YAML archive also holds the translations."
        )
    )
filters = ui.current_filters()
viewer = ui.viewer()
today = dt.date.today().isoformat()
scopes = [("all", t("Everything"), None)]
if not filters.is_empty():
    scopes.insert(0, ("filtered", t("The filtered set"), filters))

for slug, label, scope in scopes:
    st.header(label)
    rows = ui.selected_count(scope)
    summary = ui.filter_summary(scope) if scope else t("No filters applied.")
    st.caption(ui.plural("{n} recommendation. {filters}", "{n} recommendations. {filters}", rows, filters=summary))
    cols = st.columns(3)
    for col, (fmt, mime) in zip(
        cols,
        (
            ("csv", "text/csv"),
            ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            ("json", "application/json"),
        ),
        strict=True,
    ):
        col.download_button(
            t("Download {format} (the filtered set)", format=fmt.upper())
            if slug == "filtered"
            else t("Download {format} (everything)", format=fmt.upper()),
            partial(ui.download, scope, fmt, viewer),
            file_name=f"recommendations-{slug}-{today}.{fmt}",
            mime=mime,
            width="stretch",
            key=f"dl-{slug}-{fmt}",
        )
    if slug == "filtered":
        st.caption(t("The XLSX file adds sheets with the assessments and evidence of these recommendations."))

st.header(t("Data package for researchers' tools"))
st.write(
    t(
        "Every published table (recommendations, addressees and their statuses, assessments, evidence, links, "
        "sources, actors and themes) as CSV files with a description of each column, the keys that join them, the "
        "licence and how to cite it: a Frictionless Data Package that R, Python and spreadsheet tools can open and "
        "check."
    )
)
st.download_button(
    t("Download the data package (zip)"),
    ui.data_package,
    file_name=f"tracker-data-package-{today}.zip",
    mime="application/zip",
    key="dl-package",
)
if ui.routes_served():
    st.caption(
        t(
            "The same data is online at {package}, with an API described at {api} and a feed of updates at {feed}.",
            package="/datapackage.json",
            api="/api/v1/openapi.json",
            feed="/feed.atom",
        )
    )

st.header(t("Whole database as YAML"))
st.download_button(
    t("Download YAML layout (zip)"),
    partial(ui.yaml_archive, viewer),
    file_name=f"tracker-data-{today}.zip",
    mime="application/zip",
    key="dl-yaml",
)
with st.expander(t("For maintainers: the data format, and reproducing the tracker")):
    st.write(
        t(
            "The YAML archive is the whole database in the layout of `data/`. Loading it with "
            "`python -m recommendations load data/` into an empty database reproduces this tracker."
        )
    )
    if ui.language() != i18n.SOURCE_LANGUAGE:
        st.caption(t("The data format is documented for maintainers in English:"))
    st.markdown(markdown.nested(DOCS.read_text(encoding="utf-8"), under=2))  # our own documentation, not data
