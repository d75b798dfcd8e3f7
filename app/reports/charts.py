"""The report's charts as SVG text, drawn by matplotlib from figures the results service gave.

Nothing here computes a figure: bars are the `*_shown` values, counts are the service's
counts. Text in the SVG is drawn as paths, so the charts look the same on every machine.
Figures are made without pyplot (no display, no global figure registry): safe in a worker's
threads.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import matplotlib
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

matplotlib.rcParams.update(
    {
        "svg.fonttype": "path",
        "svg.hashsalt": "plan-followup",  # stable ids: the same data gives the same SVG
        "font.family": "DejaVu Sans",
        "font.size": 8,
        "text.parse_math": False,  # a "$" in a name is a peso sign, not TeX
        "axes.spines.top": False,
        "axes.spines.right": False,
    }
)

NO_BAND_COLOR = "#9e9e9e"
LABEL_CHARS = 55
WIDTH_IN = 6.6


@dataclass(frozen=True)
class Bar:
    """One bar: its label, the shown advance (None when nothing was due) and its band colour."""

    label: str
    value: Decimal | None
    color: str | None


@dataclass(frozen=True)
class Threshold:
    """A band's lower bound, drawn as a dashed line in the band's colour."""

    value: Decimal
    label: str
    color: str


@dataclass(frozen=True)
class Series:
    label: str
    values: list[Decimal | None]


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def clean(text: str) -> str:
    """Without control characters (SVG, XML and PDF text have no place for them)."""
    return _CONTROL.sub("", text)


def short(text: str, limit: int = LABEL_CHARS) -> str:
    text = " ".join(clean(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _figure(figsize: tuple[float, float]):
    fig = Figure(figsize=figsize)
    return fig, fig.subplots()


def _svg(fig: Figure) -> str:
    out = io.StringIO()
    fig.savefig(out, format="svg", bbox_inches="tight", metadata={"Date": None})
    return out.getvalue()


def _pct(value: Decimal) -> str:
    return f"{value:.2f}%"


def advance_bars(bars: Sequence[Bar], thresholds: Sequence[Threshold], xlabel: str) -> str:
    """Horizontal bars of advance, coloured by band, with the bands' thresholds drawn."""
    count = max(len(bars), 1)
    fig, ax = _figure(figsize=(WIDTH_IN, 0.9 + 0.28 * count))
    labels = [short(bar.label) for bar in bars]
    positions = list(range(len(bars)))
    values = [float(bar.value) if bar.value is not None else 0.0 for bar in bars]
    colors = [bar.color or NO_BAND_COLOR for bar in bars]
    ax.barh(positions, values, color=colors, height=0.65, zorder=2)
    top = max([100.0, *values])
    for pos, bar in zip(positions, bars, strict=True):
        text = _pct(bar.value) if bar.value is not None else "Sin programación"
        ax.text(
            (float(bar.value) if bar.value is not None else 0.0) + top * 0.01,
            pos,
            text,
            va="center",
            fontsize=7,
            zorder=3,
        )
    for threshold in thresholds:
        if threshold.value > 0:
            ax.axvline(
                float(threshold.value), color="#37474f", linestyle="--", linewidth=1, zorder=4
            )
    ax.set_yticks(positions, labels)
    ax.invert_yaxis()
    ax.set_xlim(0, top * 1.15)
    ax.set_xlabel(xlabel)
    ax.grid(axis="x", color="#e0e0e0", zorder=0)
    handles = [
        Patch(color=t.color, label=f"{short(t.label, 30)} (desde {_pct(t.value)})")
        for t in thresholds
    ]
    handles.append(Line2D([], [], color="#37474f", linestyle="--", label="Umbral de banda"))
    ax.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.5 / count - 0.12),
        ncol=min(len(handles), 4),
        fontsize=7,
    )
    return _svg(fig)


def stacked_counts(
    labels: Sequence[str], series: Sequence[tuple[str, str, Sequence[int]]], xlabel: str
) -> str:
    """Horizontal stacked bars of counts: `series` is (label, colour, count per row)."""
    count = max(len(labels), 1)
    fig, ax = _figure(figsize=(WIDTH_IN, 0.9 + 0.28 * count))
    positions = list(range(len(labels)))
    left = [0] * len(labels)
    for name, color, counts in series:
        ax.barh(positions, counts, left=left, color=color, height=0.65, label=name, zorder=2)
        for pos, start, value in zip(positions, left, counts, strict=True):
            if value:
                ax.text(start + value / 2, pos, str(value), ha="center", va="center", fontsize=7)
        left = [a + b for a, b in zip(left, counts, strict=True)]
    ax.set_yticks(positions, [short(label) for label in labels])
    ax.invert_yaxis()
    ax.set_xlabel(xlabel)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.grid(axis="x", color="#e0e0e0", zorder=0)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.5 / count - 0.12), ncol=4, fontsize=7)
    return _svg(fig)


def trend_lines(dates: Sequence[date], series: Sequence[Series], ylabel: str) -> str:
    """One line per series across the cuts; gaps where a cut had nothing due."""
    fig, ax = _figure(figsize=(WIDTH_IN, 3.4))
    for index, line in enumerate(series):
        values = [float(v) if v is not None else float("nan") for v in line.values]
        ax.plot(
            list(dates),
            values,
            marker="o",
            linewidth=2.4 if index == 0 else 1.2,
            label=short(line.label, 40),
        )
    ax.set_ylabel(ylabel)
    ax.set_ylim(bottom=0)
    ax.grid(color="#e0e0e0")
    ax.set_xticks(list(dates), [d.strftime("%d/%m/%Y") for d in dates], rotation=30, ha="right")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=7)
    return _svg(fig)
