"""Drawing a declared chart with matplotlib: one function per mark, then labels fitted to the figure."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.container import BarContainer
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.text import Text
from matplotlib.ticker import MaxNLocator
from matplotlib.transforms import Bbox

from handbook.charts.describe import coloured
from handbook.charts.frame import ChartData, Series
from handbook.charts.spec import ChartSpec
from handbook.charts.style import (
    GREY,
    PRINT,
    Medium,
    Style,
    mark_illustrative,
    new_figure,
    polish_ticks,
    text_colour,
    text_size,
)

HORIZONTAL = ("słupki poziome", "hantle")
# More points than this on a line: only the last value of each series is written.
MAX_POINT_LABELS = 15
MAX_LINES = 3
POINTS_PER_INCH = 72.0


@dataclass
class Panel:
    """One axes with the value labels drawn on it (fitted inside it at the end)."""

    ax: Axes
    series: tuple[Series, ...]
    medium: Medium
    labels: list[Text] = field(default_factory=list)
    # Segment labels inside stacked bars: dropped where they do not fit their segment.
    inner: list[tuple[Text, Rectangle | tuple[float, float, float]]] = field(default_factory=list)
    # Whole-number ticks on the value axis (counts).
    integer: bool = False


def draw(spec: ChartSpec, data: ChartData, style: Style, medium: Medium = PRINT) -> Figure:
    """The Figure of a declared chart drawn for *medium* (its house style must be active)."""
    horizontal = spec.kind in HORIZONTAL
    labels = _thinned(_wrapped_labels(data.labels, horizontal, medium), data, medium)
    panels_count = len(data.series) if spec.layout == "panele" else 1
    # Horizontal panels side by side share their categories; stacked, each names them.
    stacked = horizontal and panels_count > 1 and medium.stacked_panels
    figure = new_figure(_height(spec, data, labels, horizontal, panels_count, medium), medium)
    if spec.layout == "panele":
        if horizontal and not stacked:
            axes = figure.subplots(1, panels_count, sharey=True, squeeze=False)[0]
        else:
            axes = figure.subplots(panels_count, 1, sharex=not horizontal, squeeze=False)[:, 0]
        panels = [Panel(ax, (s,), medium) for ax, s in zip(axes, data.series, strict=True)]
    else:
        panels = [Panel(figure.subplots(), data.series, medium)]
    for panel in panels:
        _mark(spec, data, panel, horizontal)
        _value_axis(spec, panel, horizontal, data)
    _category_axis(spec, panels, labels, horizontal, stacked)
    if spec.layout == "panele":
        _panel_titles(panels, horizontal and not stacked)
    elif len(data.series) > 1:
        _legend(figure, spec, data, medium)
    # Stamped before fitting: the stamp takes room from the plot that the labels must respect.
    mark_illustrative(figure, style, medium)
    _fit(figure, panels, horizontal)
    return figure


# --- Marks -------------------------------------------------------------------------------


def _mark(spec: ChartSpec, data: ChartData, panel: Panel, horizontal: bool) -> None:
    if spec.kind in ("słupki", "słupki poziome"):
        _bars(spec, data, panel, horizontal)
    elif spec.kind == "linia":
        _lines(spec, data, panel)
    elif spec.kind == "obszar":
        _areas(spec, data, panel)
    else:
        _dumbbells(spec, data, panel)


def _bars(spec: ChartSpec, data: ChartData, panel: Panel, horizontal: bool) -> None:
    ax, series = panel.ax, panel.series
    positions = np.arange(len(data.keys), dtype="float64")
    bar = ax.barh if horizontal else ax.bar
    stacked = spec.layout == "stos" and len(series) > 1
    if coloured(data, spec.kind, spec.layout):
        # Each category has one series only: plain bars coloured by the split.
        for s in series:
            mask = ~np.isnan(s.values) & (s.values != 0)
            container = bar(positions[mask], s.values[mask], 0.7, color=s.colour)
            _end_labels(spec, data, panel, container, horizontal)
        return
    if stacked:
        base = np.zeros(len(positions))
        for s in series:
            values = np.nan_to_num(s.values)
            container = (
                ax.barh(positions, values, 0.7, left=base, color=s.colour)
                if horizontal
                else ax.bar(positions, values, 0.62, bottom=base, color=s.colour)
            )
            if spec.value_labels:
                texts = ax.bar_label(
                    container,
                    labels=[data.number(v) if v else "" for v in values],
                    label_type="center",
                    fontsize=panel.medium.label,
                    color=text_colour(s.colour),
                )
                panel.inner += list(zip(texts, container.patches, strict=True))
            base = base + values
        if spec.totals:
            for position, total in zip(positions, base, strict=True):
                panel.labels.append(_total_label(panel, position, total, data, horizontal))
        return
    width = 0.8 / len(series) if len(series) > 1 else (0.7 if horizontal else 0.62)
    for index, s in enumerate(series):
        offset = (index - (len(series) - 1) / 2) * width
        container = bar(positions + offset, np.nan_to_num(s.values), width, color=s.colour)
        _end_labels(spec, data, panel, container, horizontal, s.values)


def _end_labels(
    spec: ChartSpec,
    data: ChartData,
    panel: Panel,
    container: BarContainer,
    horizontal: bool,
    values: np.ndarray | None = None,
) -> None:
    if not spec.value_labels:
        return
    shown = np.asarray(container.datavalues if values is None else values, dtype="float64")
    texts = panel.ax.bar_label(
        container,
        labels=["" if math.isnan(v) else data.number(v) for v in shown],
        padding=3 if horizontal else 2,
        fontsize=panel.medium.label,
    )
    panel.labels += texts


def _total_label(panel: Panel, position: float, total: float, data: ChartData, horizontal: bool) -> Text:
    ax, size = panel.ax, panel.medium.label
    text = f"razem {data.number(total)}"
    if horizontal:
        return ax.annotate(
            text,
            (total, position),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=size,
        )
    return ax.annotate(
        text, (position, total), xytext=(0, 3), textcoords="offset points", ha="center", fontsize=size
    )


def _lines(spec: ChartSpec, data: ChartData, panel: Panel) -> None:
    ax = panel.ax
    x = np.arange(len(data.keys))
    for s in panel.series:
        ax.plot(x, s.values, color=s.colour, linewidth=2, marker="o", markersize=4)
        _point_labels(spec, data, panel, x, s.values)


def _point_labels(spec: ChartSpec, data: ChartData, panel: Panel, x: np.ndarray, values: np.ndarray) -> None:
    if not spec.value_labels:
        return
    indices = range(len(x)) if len(x) <= MAX_POINT_LABELS else [len(x) - 1]
    for i in indices:
        if not math.isnan(values[i]):
            panel.labels.append(
                panel.ax.annotate(
                    data.number(values[i]),
                    (x[i], values[i]),
                    xytext=(0, 5),
                    textcoords="offset points",
                    ha="center",
                    fontsize=panel.medium.label,
                    color="#222222",
                )
            )


def _areas(spec: ChartSpec, data: ChartData, panel: Panel) -> None:
    ax = panel.ax
    x = np.arange(len(data.keys))
    if spec.layout == "stos" and len(panel.series) > 1:
        values = [np.nan_to_num(s.values) for s in panel.series]
        ax.stackplot(x, *values, colors=[s.colour for s in panel.series], linewidth=0)
        base = np.zeros(len(x))
        for s, v in zip(panel.series, values, strict=True):
            if spec.value_labels and len(x) <= MAX_POINT_LABELS:
                for i in range(len(x)):
                    if v[i]:
                        text = ax.text(
                            x[i],
                            base[i] + v[i] / 2,
                            data.number(v[i]),
                            ha="center",
                            va="center",
                            fontsize=panel.medium.label,
                            color=text_colour(s.colour),
                        )
                        panel.inner.append((text, (x[i], base[i], base[i] + v[i])))
            base = base + v
        if spec.totals:
            panel.labels += [
                _total_label(panel, float(i), t, data, False) for i, t in zip(x, base, strict=True)
            ]
        return
    for s in panel.series:
        ax.fill_between(x, 0, np.nan_to_num(s.values), color=s.colour, alpha=0.3, linewidth=0)
        ax.plot(x, s.values, color=s.colour, linewidth=2)
        _point_labels(spec, data, panel, x, s.values)


def _dumbbells(spec: ChartSpec, data: ChartData, panel: Panel) -> None:
    ax = panel.ax
    before, after = panel.series[0], panel.series[-1]
    y = np.arange(len(data.keys))
    ax.hlines(y, before.values, after.values, color=GREY, linewidth=2, zorder=1)
    # Two shapes as well as two colours: the pair reads in greyscale print too.
    ax.scatter(before.values, y, s=45, color=before.colour, marker="o", zorder=2)
    ax.scatter(after.values, y, s=45, color=after.colour, marker="D", zorder=2)
    if not spec.value_labels:
        return
    for position, (a, b) in enumerate(zip(before.values, after.values, strict=True)):
        if math.isnan(a) or math.isnan(b):
            continue
        low_first = a <= b
        for value, left in ((a, low_first), (b, not low_first)):
            panel.labels.append(
                ax.annotate(
                    data.number(value),
                    (value, position),
                    xytext=(-7 if left else 7, 0),
                    textcoords="offset points",
                    ha="right" if left else "left",
                    va="center",
                    fontsize=panel.medium.label,
                )
            )


# --- Axes --------------------------------------------------------------------------------


def _value_axis(spec: ChartSpec, panel: Panel, horizontal: bool, data: ChartData) -> None:
    ax = panel.ax
    axis = ax.xaxis if horizontal else ax.yaxis
    polish_ticks(axis, percent=data.percent)
    declared = spec.value_axis
    # Whole numbers (counts) get whole ticks unless the book asked for decimals.
    panel.integer = not data.percent and (declared.integer or (data.decimals == 0 and spec.decimals is None))
    if panel.integer:
        axis.set_major_locator(_locator())
    set_limits = ax.set_xlim if horizontal else ax.set_ylim
    get_limits = ax.get_xlim if horizontal else ax.get_ylim
    low, high = get_limits()
    counts = spec.kind in ("słupki", "słupki poziome", "obszar") or data.additive or data.cumulative
    if counts and (low > 0 or (low < 0 and not (np.nan_to_num(data.matrix) < 0).any())):
        low = 0.0  # bars, areas and counts start at zero, or their lengths (and growth) lie
    if declared.minimum is not None:
        low = declared.minimum
    if declared.maximum is not None:
        high = declared.maximum
    set_limits(low, high)
    if declared.minimum is not None and declared.maximum is not None and declared.integer:
        ticks = np.arange(math.ceil(declared.minimum), math.floor(declared.maximum) + 1)
        if len(ticks) <= 11:
            axis.set_ticks(ticks)
    title = declared.title if spec.layout != "panele" else ""
    if title:
        (ax.set_xlabel if horizontal else ax.set_ylabel)(_axis_title(ax, title, horizontal, panel.medium))
    if spec.kind in ("słupki", "słupki poziome"):
        ax.tick_params(axis="y" if horizontal else "x", length=0)


def _locator(bins: int | Literal["auto"] = "auto", integer: bool = True) -> MaxNLocator:
    # matplotlib's own steps (1, 2, 2.5, 5): MaxNLocator's default also allows 3 and 6.
    return MaxNLocator(nbins=bins, steps=[1, 2, 2.5, 5, 10], integer=integer)


def _category_axis(
    spec: ChartSpec, panels: Sequence[Panel], labels: Sequence[str], horizontal: bool, stacked: bool
) -> None:
    positions = np.arange(len(labels))
    for index, panel in enumerate(panels):
        ax = panel.ax
        if horizontal:
            if index == 0 or stacked:
                # Panels share this axis: its labels are set once and hidden on the others.
                ax.set_yticks(positions, labels)
                ax.set_ylim(len(labels) - 0.5, -0.5)  # first category on top
            else:
                ax.tick_params(axis="y", left=False, labelleft=False)
        else:
            ax.set_xticks(positions, labels)
            ax.set_xlim(-0.5, len(labels) - 0.5)
    title = spec.category_axis.title
    if title:
        last = panels[0].ax if horizontal and not stacked else panels[-1].ax
        (last.set_ylabel if horizontal else last.set_xlabel)(
            _axis_title(last, title, not horizontal, panels[0].medium)
        )


def _axis_title(ax: Axes, title: str, across: bool, medium: Medium) -> str:
    """An axis title broken into lines when it is longer than the figure's side along it."""
    width, height = ax.get_figure().get_size_inches()  # type: ignore[union-attr]  # axes are on a figure
    return _wrap(title, (width if across else height) * POINTS_PER_INCH * 0.9, medium.text)


def _panel_titles(panels: Sequence[Panel], side_by_side: bool) -> None:
    for panel in panels:
        label = panel.series[0].label
        if side_by_side:
            panel.ax.set_xlabel(label)
        else:
            panel.ax.set_title(label, loc="left", fontsize=panel.medium.tick)


def _legend(figure: Figure, spec: ChartSpec, data: ChartData, medium: Medium) -> None:
    handles: list[Patch | Line2D] = []
    for index, s in enumerate(data.series):
        if spec.kind in ("słupki", "słupki poziome", "obszar"):
            handles.append(Patch(facecolor=s.colour, label=s.label))
        elif spec.kind == "linia":
            handles.append(Line2D([], [], color=s.colour, marker="o", linewidth=2, label=s.label))
        else:
            marker = "o" if index == 0 else "D"
            handles.append(Line2D([], [], color=s.colour, marker=marker, linestyle="", label=s.label))
    # Above the plot, outside it: a legend never covers a bar. As many columns as fit.
    available = medium.width * POINTS_PER_INCH * 0.95
    widths = [text_size(s.label, medium.tick)[0] + 30 for s in data.series]
    columns = len(widths)
    while columns > 1 and _legend_width(widths, columns) > available:
        columns -= 1
    # matplotlib fills a legend column by column; this order makes it read row by row.
    rows = math.ceil(len(handles) / columns)
    order = [r * columns + c for c in range(columns) for r in range(rows) if r * columns + c < len(handles)]
    figure.legend(
        handles=[handles[i] for i in order], loc="outside upper center", ncols=columns, fontsize=medium.tick
    )


def _legend_width(widths: Sequence[float], columns: int) -> float:
    column_widths = [max(widths[c::columns]) for c in range(columns)]
    return sum(column_widths) + 12 * (columns - 1)


# --- Sizes and fitting ---------------------------------------------------------------------


def _thinned(labels: list[str], data: ChartData, medium: Medium) -> list[str]:
    """A long time axis names every n-th period (and the last): a date per bar is unreadable."""
    if data.period is None or len(labels) <= medium.time_labels:
        return labels
    step = math.ceil(len(labels) / medium.time_labels)
    last = len(labels) - 1
    return [
        label if i % step == 0 and last - i >= step or i == last else "" for i, label in enumerate(labels)
    ]


def _wrapped_labels(labels: Sequence[str], horizontal: bool, medium: Medium) -> list[str]:
    """Category labels broken into lines where they are too long for their place."""
    if horizontal:
        limit = medium.width * POINTS_PER_INCH * medium.label_share
    else:
        # Each category gets an equal slot of the plot's width (an estimate; rotation follows
        # in _fit_ticks if the drawn labels still collide).
        plot = (medium.width - 0.8) * POINTS_PER_INCH
        limit = plot / max(len(labels), 1) * 0.92
    return [_wrap(label, limit, medium.tick) for label in labels]


def _wrap(label: str, limit: float, size: float) -> str:
    """The fewest lines within *limit*, split as evenly as possible (no one-word last line)."""
    if text_size(label, size)[0] <= limit:
        return label
    balanced = label
    for count in range(2, MAX_LINES + 1):
        # The narrowest wrap that still gives `count` lines is the most even one.
        for width in range(1, len(label)):
            lines = textwrap.wrap(label, width, break_long_words=False)
            if len(lines) <= count:
                balanced = "\n".join(lines)
                if all(text_size(line, size)[0] <= limit for line in lines):
                    return balanced
                break
    # Even three lines are too wide (one very long word): the most even three lines.
    return balanced


def _height(
    spec: ChartSpec,
    data: ChartData,
    labels: Sequence[str],
    horizontal: bool,
    panels_count: int,
    medium: Medium,
) -> float:
    legend = 0.3 if spec.layout != "panele" and len(data.series) > 1 else 0.0
    if legend and medium.width < PRINT.width:
        legend *= math.ceil(len(data.series) / 2)  # a narrow legend takes a row per two series
    if not horizontal:
        if panels_count > 1:
            return 0.8 + 1.7 * panels_count + legend
        return medium.height + (0.2 if legend else 0.0)
    # Horizontal: the figure grows with the categories (and their label lines).
    side_by_side = spec.layout == "obok" and spec.kind != "hantle" and len(data.series) > 1
    bars = len(data.series) if side_by_side else 1
    # A line of a label in points, as a share of the print size the row heights were set for.
    scale = medium.tick / PRINT.tick
    rows = 0.0
    for label in labels:
        lines = label.count("\n") + 1
        rows += max((0.42 + 0.14 * (lines - 1)) * scale, 0.2 * bars + 0.2)
    if panels_count > 1 and medium.stacked_panels:
        return max(2.2, (0.75 + rows) * panels_count + 0.2)
    return max(2.2, 0.95 + rows + legend)


def _fit(figure: Figure, panels: Sequence[Panel], horizontal: bool) -> None:
    """Rotate colliding tick labels, drop segment labels that do not fit, keep labels inside."""
    if not horizontal:
        _fit_ticks(figure, panels[-1].ax)
    else:
        for panel in panels:
            _thin_value_ticks(figure, panel)
    for _ in range(4):
        figure.draw_without_rendering()
        changed = False
        for panel in panels:
            changed |= _inside(figure, panel, horizontal)
        if not changed:
            break
    if horizontal:
        # Widening the axis for its labels may have brought colliding ticks back.
        for panel in panels:
            _thin_value_ticks(figure, panel)
    renderer = _renderer(figure)
    for panel in panels:
        for text, place in panel.inner:
            if not _fits(panel.ax, text.get_window_extent(renderer), place):
                text.remove()


def _renderer(figure: Figure) -> RendererAgg:
    """The renderer of the last draw (new_figure gives every figure an Agg canvas)."""
    canvas = figure.canvas
    assert isinstance(canvas, FigureCanvasAgg)
    renderer: RendererAgg = canvas.get_renderer()  # type: ignore[no-untyped-call]  # untyped in the stubs
    return renderer


def _fits(ax: Axes, box: Bbox, place: Rectangle | tuple[float, float, float]) -> bool:
    """Whether a label's box fits its bar segment (a patch) or its band (x, bottom, top)."""
    if isinstance(place, tuple):
        x, bottom, top = place
        low = ax.transData.transform((x, bottom))[1]
        high = ax.transData.transform((x, top))[1]
        return bool(high - low >= box.height + 2)
    patch = place.get_window_extent()
    return bool(box.width + 2 <= patch.width and box.height + 1 <= patch.height)


def _fit_ticks(figure: Figure, ax: Axes) -> None:
    """Vertical charts: labels that still overlap are rotated; if even that collides, thinned."""
    figure.draw_without_rendering()
    renderer = _renderer(figure)
    ticks = [t for t in ax.get_xticklabels() if t.get_text()]
    if len(ticks) < 2:
        return
    boxes = [t.get_window_extent(renderer) for t in ticks]
    overlap = any(a.x1 + 2 > b.x0 for a, b in zip(boxes, boxes[1:], strict=False))
    if not overlap:
        return
    slot = (boxes[-1].x0 + boxes[-1].x1 - boxes[0].x0 - boxes[0].x1) / 2 / (len(boxes) - 1)
    line = max(b.height for b in boxes) / max(max(t.get_text().count("\n") for t in ticks) + 1, 1)
    # Rotated labels have room for their whole length: unwrapped again.
    flat = [t.get_text().replace("\n", " ") for t in ticks]
    ax.set_xticks(ax.get_xticks(), flat, rotation=40, ha="right", rotation_mode="anchor")
    step = max(1, math.ceil(line * 1.3 / max(slot, 1)))
    if step > 1:
        ax.set_xticks(ax.get_xticks()[::step], flat[::step], rotation=40, ha="right", rotation_mode="anchor")


def _thin_value_ticks(figure: Figure, panel: Panel) -> None:
    """Fewer ticks on a horizontal value axis whose numbers ("25 000") run into each other."""
    ax = panel.ax
    if not isinstance(ax.xaxis.get_major_locator(), MaxNLocator):
        return  # ticks the book set itself (min, max and whole numbers) stay
    for bins in range(len(ax.get_xticks()), 2, -1):
        figure.draw_without_rendering()
        renderer = _renderer(figure)
        boxes = [t.get_window_extent(renderer) for t in ax.get_xticklabels() if t.get_text()]
        if all(a.x1 + 6 <= b.x0 for a, b in zip(boxes, boxes[1:], strict=False)):
            return
        ax.xaxis.set_major_locator(_locator(bins - 2, panel.integer))


def _inside(figure: Figure, panel: Panel, horizontal: bool) -> bool:
    """Widen the value axis until every value label lies inside the axes; True if it changed."""
    ax = panel.ax
    renderer = _renderer(figure)
    texts = [t for t in panel.labels if t.get_text() and t.get_visible()]
    if not texts:
        return False
    frame = ax.get_window_extent(renderer)
    boxes = [t.get_window_extent(renderer) for t in texts]
    # Pixels of air between a label and the edge of the plot. Not below a vertical chart's
    # base: the label of a zero bar sits on it and must not push the axis below zero.
    margin = 8.0
    if horizontal:
        over_high = max(b.x1 for b in boxes) - frame.x1 + margin
        over_low = frame.x0 - min(b.x0 for b in boxes) + margin
        low, high = ax.get_xlim()
        span = frame.width
    else:
        over_high = max(b.y1 for b in boxes) - frame.y1 + margin
        over_low = frame.y0 - min(b.y0 for b in boxes)
        low, high = ax.get_ylim()
        span = frame.height
    across = False
    if not horizontal:
        # A label wider than its bar ("razem 12" on the first one) must not run into the ticks.
        across = _inside_across(ax, frame, boxes)
    if over_high <= 0 and over_low <= 0:
        return across
    per_pixel = (high - low) / max(span, 1)
    if over_high > 0:
        high += over_high * per_pixel * 1.1
    if over_low > 0:
        low -= over_low * per_pixel * 1.1
    (ax.set_xlim if horizontal else ax.set_ylim)(low, high)
    return True


def _inside_across(ax: Axes, frame: Bbox, boxes: Sequence[Bbox]) -> bool:
    """Widen a vertical chart's category axis until its labels lie inside; True if it changed."""
    margin = 4.0  # pixels of air between a label and the axis line
    over_left = frame.x0 - min(b.x0 for b in boxes) + margin
    over_right = max(b.x1 for b in boxes) - frame.x1 + margin
    if over_left <= 0 and over_right <= 0:
        return False
    low, high = ax.get_xlim()
    per_pixel = (high - low) / max(frame.width, 1)
    ax.set_xlim(low - max(over_left, 0) * per_pixel * 1.1, high + max(over_right, 0) * per_pixel * 1.1)
    return True
