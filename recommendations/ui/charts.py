"""One look for every chart: a colour per status (distinguishable with colour blindness), dark text, wrapped
labels made safe for plotly, the legend under the plot."""

from __future__ import annotations

import html
import textwrap
from collections.abc import Iterable
from typing import TYPE_CHECKING

from recommendations.numbers import PLOTLY_PERCENT
from recommendations.vocabulary import STATUS_LABELS

if TYPE_CHECKING:
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


TEXT_COLOUR = "#262730"  # 14:1 on white; Streamlit's default grey captions and plotly's ticks fall short of 4.5:1


def chart_label(text: object, width: int = 26) -> str:
    """A category label for plotly: its HTML-like markup escaped (data never becomes a tag or a link there),
    wrapped on spaces so long names fit a phone screen."""

    return "<br>".join(html.escape(line) for line in textwrap.wrap(str(text), width) or [""])


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
