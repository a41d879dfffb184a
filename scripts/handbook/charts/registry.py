"""Charts registered by name with their Polish caption and a data-driven alt text."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
from matplotlib.figure import Figure

from handbook.charts.style import Style, house_style, mark_illustrative
from handbook.data.load import Tables

PlotFn = Callable[[Tables, Style], Figure]
AltFn = Callable[[Tables], str]
TableFn = Callable[[Tables], pd.DataFrame]


@dataclass(frozen=True)
class Chart:
    """A pure function from tables to a Figure, with what a reader needs to know about it."""

    name: str
    caption: str
    tables: tuple[str, ...]
    plot: PlotFn
    alt: AltFn
    # The numbers the chart shows, as a table for readers who cannot see it.
    table: TableFn

    def render(self, tables: Tables, style: Style) -> Figure:
        with house_style():
            figure = self.plot(tables, style)
            mark_illustrative(figure, style)
        return figure


REGISTRY: dict[str, Chart] = {}


def chart(
    name: str, caption: str, tables: tuple[str, ...], alt: AltFn, table: TableFn
) -> Callable[[PlotFn], PlotFn]:
    """Register the decorated plot function under *name*."""

    def register(plot: PlotFn) -> PlotFn:
        if name in REGISTRY:
            raise ValueError(f"chart {name!r} registered twice")
        REGISTRY[name] = Chart(name, caption, tables, plot, alt, table)
        return plot

    return register


def all_charts() -> dict[str, Chart]:
    # Importing the definitions fills the registry; kept here so callers need one import.
    from handbook.charts import definitions  # noqa: F401

    return dict(REGISTRY)
