"""House style of the charts: palette, fonts, Polish tick labels, sizes legible in print and on phones."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.textpath import TextToPath
from matplotlib.ticker import FuncFormatter

from handbook import fmt


@dataclass(frozen=True)
class Medium:
    """The box a chart is drawn for and the sizes of its text there (inches and points)."""

    width: float
    # Height of a vertical chart without panels; other charts grow with their content.
    height: float
    # Value labels and the illustrative-data stamp: nothing on the chart is smaller.
    label: float
    # Tick labels, legend and panel titles.
    tick: float
    # Axis titles and the rest of the text.
    text: float
    # A time axis with more periods than this names only some of them.
    time_labels: int
    # Share of the width the category labels of a horizontal chart may take.
    label_share: float
    # Panels of a horizontal chart one under another (each with its categories), not side by side.
    stacked_panels: bool

    def rc(self) -> dict[str, Any]:
        return {
            "font.size": self.text,
            "axes.titlesize": self.text + 1,
            "axes.labelsize": self.text,
            "xtick.labelsize": self.tick,
            "ytick.labelsize": self.tick,
            "legend.fontsize": self.tick,
        }


# Width of the text block of a B5 page is ~12.5 cm; charts are drawn at that size so that
# 9-point labels stay 9 points in print. The site shows the same drawing on wide screens.
PRINT = Medium(5.6, 3.3, 8.0, 8.5, 9.0, 10, 0.32, False)
# Phones: a 360 px wide screen leaves a content box of about 328 CSS px, which shows this
# 3.4-inch drawing (326 CSS px) at 1:1, so 8.5 points are 11.3 CSS px. The drawing is taller
# instead of wider: wrapped labels, fewer periods named, horizontal panels stacked.
NARROW = Medium(3.4, 3.2, 8.5, 9.0, 9.0, 6, 0.4, True)
# Neutral ink for connecting lines (dumbbells) that must not compete with the palette.
GREY = "#777777"

RC: dict[str, Any] = {
    "font.family": "DejaVu Sans",  # ships with matplotlib: same glyphs on every machine
    # Font sizes come from the medium (Medium.rc).
    "legend.frameon": False,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": "#333333",
    "axes.labelcolor": "#222222",
    "text.color": "#222222",
    "xtick.color": "#333333",
    "ytick.color": "#333333",
    "axes.formatter.use_locale": False,
    "svg.fonttype": "path",  # text as outlines: no font needed where the SVG is shown
    "svg.hashsalt": "handbook-charts",  # stable clip-path ids → identical bytes per build
    "figure.dpi": 100,
    # Labels come from the data and the book's declarations: „$…$” in them is text, never a
    # formula for matplotlib to parse (a broken one would stop the build with a traceback).
    "text.parse_math": False,
}


@dataclass(frozen=True)
class Style:
    """What a chart may take from the settings: its palette and the illustrative-data flag."""

    palette: tuple[str, ...]
    illustrative_label: str = ""

    def colour(self, index: int) -> str:
        return self.palette[index % len(self.palette)]

    def as_text(self) -> str:
        """What of the style shapes a chart's bytes (part of the cache key)."""
        return repr((self.palette, self.illustrative_label))


@contextmanager
def house_style(medium: Medium = PRINT) -> Iterator[None]:
    with matplotlib.rc_context({**RC, **medium.rc()}):  # type: ignore[arg-type]  # stubs want literal rc keys
        yield


def new_figure(height: float, medium: Medium = PRINT) -> Figure:
    """A figure not registered with pyplot: no global state, garbage-collected normally.

    It has an Agg canvas so that text can be measured after a draw (label fitting).
    """
    figure = Figure(figsize=(medium.width, height), layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def text_size(text: str, size: float) -> tuple[float, float]:
    """Width and height in points of *text* (the widest of its lines) in the house font."""
    with house_style():
        prop = FontProperties(family=RC["font.family"], size=size)
        lines = text.split("\n") or [""]
        sizes = [TextToPath().get_text_width_height_descent(line, prop, ismath=False) for line in lines]
    return max(w for w, _, _ in sizes), sum(h for _, h, _ in sizes) * 1.2


def polish_ticks(axis: Any, percent: bool = False) -> None:
    """Format an axis's tick labels the Polish way (space-grouped, decimal comma, „42%”)."""

    def label(value: float, _position: int) -> str:
        # 2.5 must stay "2,5": only whole ticks lose their decimals.
        shown = value * 100 if percent else value
        text = fmt.number(shown, 0 if round(float(shown), 9).is_integer() else 1)
        return text + "%" if percent else text

    axis.set_major_formatter(FuncFormatter(label))


def mark_illustrative(figure: Figure, style: Style, medium: Medium = PRINT) -> None:
    """Stamp the figure itself, so a chart copied out of the book still says what it is."""
    if style.illustrative_label:
        # supxlabel takes part in the constrained layout, so it never overlaps tick labels.
        figure.supxlabel(
            style.illustrative_label,
            x=0.995,
            ha="right",
            fontsize=medium.label,
            color="#555555",
            style="italic",
        )


def text_colour(background: str) -> str:
    """Black or white, whichever contrasts more with *background* (WCAG relative luminance)."""
    channels = [int(background[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return "white" if (1.05 / (luminance + 0.05)) > ((luminance + 0.05) / 0.05) else "black"
