"""One look for every chart: a colour per status (distinguishable with colour blindness), dark text in the app's
fonts (the served Khmer font for Khmer letters), wrapped labels made safe for plotly, the legend under the plot; and
one way to draw a chart, with its text alternative, in the page's language."""

from __future__ import annotations

import functools
import html
import textwrap
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import streamlit as st

from recommendations import i18n
from recommendations.numbers import PLOTLY_PERCENT
from recommendations.ui.config import TTL
from recommendations.ui.language import language, t
from recommendations.vocabulary import STATUS_LABELS

if TYPE_CHECKING:
    import pandas as pd
    from plotly.graph_objects import Figure

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


def status_colours() -> dict[str, str]:
    """``STATUS_COLOURS`` keyed by the status labels in the page's language (a chart colours its translated labels)."""
    return {t(label): colour for label, colour in STATUS_COLOURS.items()}


def status_order() -> list[str]:
    """The status labels in the page's language, in the scale's order (a chart's legend and stacking order)."""
    return [t(label) for label in STATUS_LABEL_ORDER]


TEXT_COLOUR = "#262730"  # 14:1 on white; Streamlit's default grey captions and plotly's ticks fall short of 4.5:1
#: The app's fonts in a chart: the served Khmer face first (its unicodeRange covers Khmer letters only, so Latin
#: letters and digits fall through to Streamlit's own Source Sans), as in the theme (.streamlit/config.toml).
FONT_FAMILY = '"tracker-khmer", "Source Sans", "Source Sans Pro", sans-serif'


def chart_label(text: object, width: int = 26) -> str:
    """A category label for plotly: its HTML-like markup escaped (data never becomes a tag or a link there),
    wrapped on spaces so long names fit a phone screen. A word is never cut: Khmer runs words together, and a cut
    inside one could split a consonant from its subscript (ធ | ្វ), which no font can draw."""
    return _wrapped(str(text), width)


@functools.lru_cache(maxsize=65_536)  # every source's label, on every run of the Overview: a fifth of its CPU
def _wrapped(text: str, width: int) -> str:
    lines = textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False)
    return "<br>".join(html.escape(line) for line in lines or [""])


def chart_labels(ids: Iterable[str], labels: Iterable[str]) -> dict[str, str]:
    """id -> chart label, made unique (two actors with one acronym stay two bars) and safe for plotly."""
    pairs = list(zip(ids, labels, strict=True))
    counts: dict[str, int] = {}
    for _, label in pairs:
        counts[label] = counts.get(label, 0) + 1
    return {i: chart_label(label if counts[label] == 1 else f"{label} ({i})") for i, label in pairs}


def tidy(fig: Figure, *, rows: int = 0, legend: bool = True) -> Figure:
    """One look for every chart: dark text, legend under the plot (not over bars), room for labels."""
    fig.update_layout(
        font={"color": TEXT_COLOUR, "size": 13, "family": FONT_FAMILY},
        legend={"orientation": "h", "yanchor": "top", "y": -0.12, "x": 0, "title": {"text": ""}} if legend else None,
        showlegend=legend,
        margin={"l": 8, "r": 8, "t": 24, "b": 8},
        hoverlabel={"font": {"color": TEXT_COLOUR, "family": FONT_FAMILY}},
    )
    # the axis title close to its ticks: clear of the legend under it (Khmer letters reach below the line)
    fig.update_xaxes(
        tickfont={"color": TEXT_COLOUR}, title_font={"color": TEXT_COLOUR}, title_standoff=4, automargin=True
    )
    fig.update_yaxes(tickfont={"color": TEXT_COLOUR}, title_font={"color": TEXT_COLOUR}, automargin=True)
    if rows:
        fig.update_layout(height=max(320, 44 * rows + 160))
    return fig


def share_axis(largest: float) -> dict[str, object]:
    """A plotly axis for shares that fits the data: from 0 to past the largest bar (never cut short: a bar at
    100% shows whole, and 100% is labelled), ticks and hover in the one format of whole percentages."""
    top = max(1.0, float(largest))
    return {
        "range": [0, top * 1.04],
        "tickvals": [i / 5 for i in range(int(top * 5) + 1)],
        "tickformat": PLOTLY_PERCENT,
        "hoverformat": PLOTLY_PERCENT,
    }


def chart(fig: Figure, alt: str, *, rows: int = 0, legend: bool = True) -> None:
    """Draw ``fig`` (``tidy``) across the page with its text alternative: ``alt`` says what it shows ("Bar chart:
    recommendations by theme, split by current status."), in the page's language, and a sentence of its largest
    figures follows. Screen readers announce it as the chart's name (role "figure", aria-label)."""
    fig, label = _ready(fig, alt, language(), rows, legend)
    st.plotly_chart(fig, width="stretch", alt=label)


def _ready(fig: Figure, alt: str, lang: str, rows: int, legend: bool) -> tuple[Figure, str]:
    """The figure tidied, and its text alternative: ``alt`` and a sentence of its largest figures."""
    summary = summarise(fig, lang=lang)
    said = alt.strip() if alt.strip()[-1:] in SENTENCE_ENDS else f"{alt.strip()}."
    return tidy(fig, rows=rows, legend=legend), f"{said} {summary}".strip()


def kept_chart(key: Hashable, build: Callable[[], Figure], alt: str, *, rows: int = 0, legend: bool = True) -> None:
    """``chart`` of the figure ``build()`` makes, made once per ``key`` and kept for every session of this server.
    ``key`` names everything the figure is made from (the page's filters, choices and language): a figure and its
    tidying took 30-50 ms with plotly express (``bars`` now: about a sixth of that for the figure), and the Overview
    draws four on every run of every reader."""
    fig, label = kept_figures(key, language(), alt, rows, legend, build)
    st.plotly_chart(fig, width="stretch", alt=label)


@st.cache_resource(ttl=TTL, max_entries=256, show_spinner=False)
def kept_figures(
    key: Hashable, lang: str, alt: str, rows: int, legend: bool, _build: Callable[[], Figure]
) -> tuple[Figure, str]:
    """The tidied figure and its text alternative (``chart``), shared and read only: st.plotly_chart copies a figure
    before writing it out. Cleared with the data it was made from (``ui.data.clear_caches``)."""
    return _ready(_build(), alt, lang, rows, legend)


def bars(
    frame: pd.DataFrame,
    *,
    x: str,
    y: str,
    color: str,
    colours: Mapping[str, str],
    orientation: str = "v",
    barmode: str = "relative",
    orders: Mapping[str, Sequence[object]] | None = None,
    labels: Mapping[str, str] | None = None,
) -> Figure:
    """``px.bar(frame, x=x, y=y, color=color, color_discrete_map=colours, orientation=..., barmode=...,
    category_orders=orders, labels=labels)``: the same figure (traces, names, colours, hover, axes; the tests
    compare the two), made about six times faster. Plotly express spends 25-30 ms a figure checking and grouping
    for what these charts never use, and a page draws up to four, for each filter and language anew."""
    import plotly.graph_objects as go
    import plotly.io as pio

    orders, labels = dict(orders or {}), dict(labels or {})

    def label(column: str) -> str:
        return labels.get(column, column)

    groups: dict[Any, pd.DataFrame] = dict(iter(frame.groupby(color, sort=False)))  # no colour, no bar (as px)
    values: list[Any] = list(dict.fromkeys([*orders.get(color, []), *groups]))
    colour_of: dict[Any, str] = dict(colours)  # one not given: the template's next colour, as px counts them
    sequence: Any = pio.templates[pio.templates.default].layout.colorway
    for value in values:
        colour_of.setdefault(value, sequence[len(colour_of) % len(sequence)])
    grouped = {"alignmentgroup": "True"} if barmode == "group" else {}
    traces = [
        go.Bar(
            hovertemplate=f"{label(color)}={value}<br>{label(x)}=%{{x}}<br>{label(y)}=%{{y}}<extra></extra>",
            legendgroup=str(value), marker={"color": colour_of[value], "pattern": {"shape": ""}}, name=str(value),
            orientation=orientation, showlegend=True, textposition="auto", x=groups[value][x].to_numpy(),
            xaxis="x", y=groups[value][y].to_numpy(), yaxis="y",
            **({**grouped, "offsetgroup": str(value)} if grouped else {}),
        )
        for value in values
        if value in groups
    ]  # fmt: skip
    legend_title = {"title": {"text": label(color)}} if groups else {}  # none for no bar, as px
    axes: dict[str, dict[str, Any]] = {}
    for letter, column in (("x", x), ("y", y)):
        axes[letter] = {"anchor": "y" if letter == "x" else "x", "domain": [0.0, 1.0], "title": {"text": label(column)}}
        if column in orders:  # categories top down on the y axis, as px lays them
            shown = list(orders[column])
            axes[letter] |= {"categoryorder": "array", "categoryarray": shown if letter == "x" else shown[::-1]}
    return go.Figure(
        traces,
        layout={
            "xaxis": axes["x"], "yaxis": axes["y"], "legend": {"tracegroupgap": 0} | legend_title,
            "margin": {"t": 60}, "barmode": barmode,
        },
    )  # fmt: skip


def counts_grid(grid: pd.DataFrame, *, x: str, y: str, value: str) -> Figure:
    """``px.imshow(grid, text_auto=True, aspect="auto", color_continuous_scale="Blues", labels={"x": x, "y": y,
    "color": value})``: a grid of counts, each cell written in it, in shades of blue; the same figure (the tests
    compare the two) without plotly express, which a process imports in about 0.2 s and which takes 19 ms a grid."""
    import plotly.colors
    import plotly.graph_objects as go

    blues = plotly.colors.sequential.Blues
    scale = [[index / (len(blues) - 1), colour] for index, colour in enumerate(blues)]
    cells = go.Heatmap(
        coloraxis="coloraxis", name="0", texttemplate="%{z}", x=grid.columns.to_numpy(), y=grid.index.to_numpy(),
        z=grid.to_numpy(), xaxis="x", yaxis="y",
        hovertemplate=f"{x}: %{{x}}<br>{y}: %{{y}}<br>{value}: %{{z}}<extra></extra>",
    )  # fmt: skip
    return go.Figure(
        [cells],
        layout={
            "xaxis": {"anchor": "y", "domain": [0.0, 1.0], "title": {"text": x}},
            "yaxis": {"anchor": "x", "domain": [0.0, 1.0], "autorange": "reversed", "title": {"text": y}},
            "coloraxis": {"colorbar": {"title": {"text": value}}, "colorscale": scale, "autocolorscale": False},
            "margin": {"t": 60},
        },
    )


def first_figure() -> None:
    """Make and tidy one small stacked bar chart, as the pages' are, and drop it: plotly loads the modules of a trace
    and its checks at their first use in a process, which the first page run of a server otherwise waits for."""
    import pandas as pd

    frame = pd.DataFrame({"year": [2020], "count": [1], "status": [STATUS_LABELS["not_assessed"]]})
    _ready(bars(frame, x="year", y="count", color="status", colours=STATUS_COLOURS), "-", i18n.SOURCE_LANGUAGE, 0, True)


#: Marks that end a sentence (an ``alt`` given without one gets a full stop).
SENTENCE_ENDS = frozenset(".!?។៕")


def summarise(fig: Figure, most: int = 3, lang: str = i18n.SOURCE_LANGUAGE) -> str:
    """The chart's main figures in a sentence, read from its own data. Bars stacked by a colour along a time axis
    (upright bars): the last bar, colour by colour ("2022: Not assessed 54, In progress 18, ..."); lying bars:
    the largest ("Largest: Recruitment and fees 16, ..."); bars side by side: the first bars in the chart's order,
    each measure ("RGC (57): Assessed 40%, Implemented or moving 35%; ..."); a grid of counts: its largest rows.
    Empty for any other chart (its alt says what it shows; the page has its numbers). In ``lang``: its words, and
    its numbers as that language writes them."""
    tr = i18n.translator(lang)
    traces = list(fig.data)
    totals: dict[str, float] = {}
    if traces and all(t.type == "bar" for t in traces):
        upright = all(t.orientation != "h" for t in traces)
        values = {_plain(t.name): _series(t, upright) for t in traces}  # colour -> category -> value
        shares = "%" in str((fig.layout.yaxis if upright else fig.layout.xaxis).tickformat or "")  # as the axis shows
        if fig.layout.barmode == "group":
            firsts = list(next(iter(values.values())))[:most]
            each = [f"{c}: " + _listed({n: v.get(c, 0) for n, v in values.items()}, shares, tr) for c in firsts]
            return "; ".join(each) + "."
        if upright:  # categories along x, usually years: the latest, colour by colour
            last = max(x for series in values.values() for x in series)
            return f"{last}: " + _listed(_across(values, last), shares, tr, skip_zero=True) + "."
        for series in values.values():
            for category, value in series.items():
                totals[category] = totals.get(category, 0) + value
    elif len(traces) == 1 and traces[0].type == "heatmap":
        for category, row in zip(traces[0].y, traces[0].z, strict=True):
            totals[_plain(category)] = float(sum(row))
    if not totals:
        return ""
    return tr.t(
        "Largest: {figures}.",
        figures=_listed(dict(sorted(totals.items(), key=lambda item: -item[1])[:most]), False, tr),
    )


def _series(trace: Any, upright: bool) -> dict[str, float]:
    """One colour's bars: category -> value (bars of one category in one colour stack, so they add up)."""
    out: dict[str, float] = {}
    for category, value in zip(trace.x if upright else trace.y, trace.y if upright else trace.x, strict=True):
        out[_plain(category)] = out.get(_plain(category), 0) + float(value or 0)
    return out


def _across(values: dict[str, dict[str, float]], category: str) -> dict[str, float]:
    """One category's bar, colour by colour."""
    return {colour: series.get(category, 0) for colour, series in values.items()}


def _listed(values: dict[str, float], shares: bool, tr: i18n.Translator, *, skip_zero: bool = False) -> str:
    """ "Not assessed 54, In progress 18" (or 40%, as the chart's axis shows its values)."""
    return ", ".join(f"{name} {tr.percent(v)}" if shares else f"{name} {tr.number(round(v))}"
                     for name, v in values.items() if v or not skip_zero)  # fmt: skip


def _plain(label: Any) -> str:
    """A plotly label as plain text (its line breaks and escaped characters undone)."""
    return html.unescape(str(label).replace("<br>", " "))
