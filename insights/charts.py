"""Charts as inline PNG data URIs, so the report is one file that opens anywhere, offline.

matplotlib's object API with the Agg canvas: no display, no pyplot global state, nothing fetched.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")
from matplotlib.figure import Figure  # noqa: E402

BLUE, ORANGE, GREY = "#2f6f9f", "#d9822b", "#9aa5b1"
STATUS_COLOURS = {"pending": "#d9b44a", "confirmed": "#3c8d5a", "declined": "#b5473a", "cancelled": GREY}
SIZE = (9.0, 3.0)


def _figure(size: tuple[float, float] = SIZE) -> tuple[Figure, matplotlib.axes.Axes]:
    figure = Figure(figsize=size, dpi=100)
    axes = figure.subplots()
    axes.spines[["top", "right"]].set_visible(False)
    axes.grid(axis="y", color="#e4e7eb", linewidth=0.8)
    axes.set_axisbelow(True)
    return figure, axes


def _data_uri(figure: Figure) -> str:
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _legend(axes) -> None:
    """Above the plot, right-aligned: never on top of a data point."""
    axes.legend(frameon=False, fontsize=8, ncol=4, loc="lower right", bbox_to_anchor=(1.0, 1.0))


def _day_axis(axes, days: Sequence[dt.date]) -> None:
    step = max(1, len(days) // 15)
    axes.set_xticks(range(0, len(days), step))
    axes.set_xticklabels([f"{day:%a %d %b}" for day in days[::step]], rotation=45, ha="right", fontsize=8)


def per_day(days: Sequence[dt.date], counts: Sequence[int], title: str) -> str:
    figure, axes = _figure()
    axes.bar(range(len(days)), counts, color=BLUE)
    _day_axis(axes, days)
    axes.set_title(title, loc="left", fontsize=11)
    axes.yaxis.get_major_locator().set_params(integer=True)
    return _data_uri(figure)


def per_hour(open_counts: Sequence[int], closed_counts: Sequence[int], title: str) -> str:
    """Stacked bars per hour of day: started while the clinic was open, and after hours."""
    figure, axes = _figure()
    axes.bar(range(24), open_counts, color=BLUE, label="clinic open")
    axes.bar(range(24), closed_counts, bottom=open_counts, color=ORANGE, label="after hours")
    axes.set_xticks(range(24))
    axes.set_xticklabels([f"{hour:02d}" for hour in range(24)], fontsize=8)
    axes.yaxis.get_major_locator().set_params(integer=True)
    _legend(axes)
    axes.set_title(title, loc="left", fontsize=11)
    return _data_uri(figure)


def rates(days: Sequence[dt.date], series: dict[str, list[float | None]], title: str) -> str:
    """Percentages per day; days without messages are gaps, not zeros."""
    figure, axes = _figure()
    for (name, values), colour in zip(series.items(), (ORANGE, BLUE, GREY)):
        axes.plot(
            range(len(days)),
            [None if v is None else 100 * v for v in values],
            marker="o",
            markersize=4,
            color=colour,
            label=name,
        )
    _day_axis(axes, days)
    axes.set_ylim(0, 105)  # room for a marker at 100%
    axes.set_yticks(range(0, 101, 20))
    axes.set_ylabel("% of messages")
    _legend(axes)
    axes.set_title(title, loc="left", fontsize=11)
    return _data_uri(figure)


def topics(counts: Sequence[tuple[str, int]], title: str, limit: int = 15) -> str:
    shown = list(counts[:limit])[::-1]
    figure, axes = _figure((9.0, max(2.0, 0.3 * len(shown) + 0.8)))
    axes.barh(
        range(len(shown)),
        [n for _, n in shown],
        color=[ORANGE if label in ("nlu_fallback", "out_of_scope") else BLUE for label, _ in shown],
    )
    axes.set_yticks(range(len(shown)))
    axes.set_yticklabels([label for label, _ in shown], fontsize=8)
    axes.grid(axis="x", color="#e4e7eb", linewidth=0.8)
    axes.xaxis.get_major_locator().set_params(integer=True)
    axes.set_title(title, loc="left", fontsize=11)
    return _data_uri(figure)


def bookings(days: Sequence[dt.date], per_status: dict[str, list[int]], title: str) -> str:
    """Stacked bars: requests per day, by status."""
    figure, axes = _figure()
    bottom = [0] * len(days)
    for status, counts in per_status.items():
        axes.bar(range(len(days)), counts, bottom=bottom, color=STATUS_COLOURS.get(status, GREY), label=status)
        bottom = [b + c for b, c in zip(bottom, counts)]
    _day_axis(axes, days)
    axes.yaxis.get_major_locator().set_params(integer=True)
    _legend(axes)
    axes.set_title(title, loc="left", fontsize=11)
    return _data_uri(figure)


def latency(days: Sequence[dt.date], per_day: Sequence[tuple[float | None, float | None, int]], title: str) -> str:
    figure, axes = _figure()
    axes.plot(range(len(days)), [m for m, _, _ in per_day], marker="o", markersize=4, color=BLUE, label="median")
    axes.plot(range(len(days)), [p for _, p, _ in per_day], marker="o", markersize=4, color=ORANGE, label="p90")
    _day_axis(axes, days)
    axes.set_ylim(bottom=0)
    axes.set_ylabel("seconds")
    _legend(axes)
    axes.set_title(title, loc="left", fontsize=11)
    return _data_uri(figure)
