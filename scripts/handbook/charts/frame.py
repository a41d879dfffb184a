"""A declared chart's numbers: one value per category and series, in the order they are drawn."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from handbook import fmt
from handbook.charts.spec import ChartSpec, effective_period, value_text
from handbook.charts.style import Style
from handbook.data.load import Tables
from handbook.data.query import ADDITIVE, Measure, aggregate, by_key, keys, select
from handbook.data.schema import Column

# Polish alphabetical order ("ł" after "l", "ś" after "s"…): Python's code-point order puts
# every accented letter after "z".
_ALPHABET = "aąbcćdeęfghijklłmnńoóprqsśtuvwxyzźż"
_RANK = {letter: index for index, letter in enumerate(_ALPHABET)}


@dataclass(frozen=True)
class Series:
    label: str
    # One value per category; NaN where the measure has no value (e.g. a mean of no rows).
    values: np.ndarray
    colour: str


@dataclass(frozen=True)
class ChartData:
    """What a declared chart shows, independent of how it is drawn or described."""

    keys: tuple[Any, ...]
    # Short labels for the axis ("9 IX") and full ones for the table and alt text ("9 września").
    labels: tuple[str, ...]
    long_labels: tuple[str, ...]
    series: tuple[Series, ...]
    category_title: str
    value_title: str
    # Title of the split column ("colour by" tables name it), empty without a split.
    split_title: str = ""
    unit: str = ""
    decimals: int = 0
    # Values add up (counts, sums), so totals and shares make sense.
    additive: bool = True
    # Dates grouped by day, month or year: a time axis (first → last is worth saying).
    period: str | None = None
    # Running totals: the last value is the largest, a mean of them means nothing.
    cumulative: bool = False
    # Shares (0–1), shown as percentages: "42%".
    percent: bool = False
    extras: dict[str, tuple[Any, ...]] = field(default_factory=dict)

    @property
    def matrix(self) -> np.ndarray:
        """Values as categories × series."""
        if not self.series:
            return np.zeros((len(self.keys), 0))
        return np.column_stack([s.values for s in self.series])

    @property
    def colour_by(self) -> bool:
        """Each category has at most one non-empty series: the split only colours the bars."""
        filled = np.nan_to_num(self.matrix) != 0
        return len(self.series) > 1 and bool(filled.any()) and bool((filled.sum(axis=1) <= 1).all())

    def number(self, value: float) -> str:
        if value is None or math.isnan(value):
            return "–"
        return fmt.percent(value, self.decimals) if self.percent else fmt.number(value, self.decimals)


def chart_data(spec: ChartSpec, tables: Tables, style: Style) -> ChartData:
    """Aggregate the declared measure(s) per category, sort and label them."""
    resource = tables.schema.resources[spec.table]
    period = effective_period(resource, spec.category, spec.period)
    rows = select(tables[spec.table], spec.filter)
    categories = keys(tables, tables.schema, spec.table, spec.category, period, spec.filter)
    measures = _measures(spec, tables, rows)
    series = []
    for index, (label, measure, selected, colour) in enumerate(measures):
        values = np.array(
            [
                aggregate(group, measure, selected)
                for _, group in by_key(selected, spec.category, period, categories)
            ],
            dtype="float64",
        )
        if spec.cumulative:
            values = np.cumsum(np.nan_to_num(values))
        series.append(Series(label, values, style.colour(index if colour is None else colour)))
    column = resource.columns[spec.category]
    extras = {
        resource.columns[name].label: _first_values(rows, spec.category, period, categories, name)
        for name in spec.extra_columns
    }
    data = ChartData(
        keys=tuple(categories),
        labels=tuple(_label(spec, v, period, categories, short=True) for v in categories),
        long_labels=tuple(_label(spec, v, period, categories, short=False) for v in categories),
        series=tuple(series),
        category_title=_category_title(spec, column, period),
        value_title=_value_title(spec, resource.columns),
        split_title=resource.columns[spec.split].label if spec.split else "",
        unit=spec.unit,
        decimals=0,
        additive=(
            spec.additive
            if spec.additive is not None
            else not spec.cumulative and all(m.aggregate in ADDITIVE for _, m, _, _ in measures)
        ),
        period=period,
        cumulative=spec.cumulative,
        percent=all(m.aggregate == "udział" for _, m, _, _ in measures),
        extras=extras,
    )
    data = _drop_empty_splits(spec, data)
    return _ordered(spec, _with_decimals(spec, data))


def _measures(
    spec: ChartSpec, tables: Tables, rows: pd.DataFrame
) -> list[tuple[str, Measure, pd.DataFrame, int | None]]:
    """(label, measure, rows, palette index) of every series."""
    if spec.series:
        return [
            (s.label, s, select(rows, s.filter), None if s.colour is None else s.colour - 1)
            for s in spec.series
        ]
    assert spec.value is not None
    if not spec.split:
        colour = None if spec.colour is None else spec.colour - 1
        return [(_value_title(spec, tables.schema.resources[spec.table].columns), spec.value, rows, colour)]
    values = keys(tables, tables.schema, spec.table, spec.split, None, spec.filter)
    if spec.series_order:
        wanted = [value_text(v) for v in spec.series_order]
        by_text = {value_text(v): v for v in values}
        values = [by_text[t] for t in wanted] + [v for v in values if value_text(v) not in wanted]
    result: list[tuple[str, Measure, pd.DataFrame, int | None]] = []
    for index, value in enumerate(values):
        text = value_text(value)
        colour = spec.colours.get(text)
        selected = rows[rows[spec.split] == value]
        result.append(
            (spec.labels.get(text, text), spec.value, selected, index if colour is None else colour - 1)
        )
    return result


def _drop_empty_splits(spec: ChartSpec, data: ChartData) -> ChartData:
    """A split value without a single row (an allowed value nobody used) is not a series."""
    if not spec.split:
        return data
    kept = tuple(s for s in data.series if np.nan_to_num(s.values).any())
    return replace(data, series=kept or data.series[:1])


def _category_title(spec: ChartSpec, column: Column, period: str | None) -> str:
    """The categories' name: the axis title, the period of grouped dates, or the column's title."""
    if spec.category_axis.title:
        return spec.category_axis.title[:1].upper() + spec.category_axis.title[1:]
    if period in ("miesiąc", "rok") and column.type != "yearmonth":
        return {"miesiąc": "Miesiąc", "rok": "Rok"}[period]
    return column.label


def _value_title(spec: ChartSpec, columns: Mapping[str, Column]) -> str:
    """What the values are: the declared label, the axis title or the measured column's title."""
    if spec.value is not None and spec.value.label:
        return spec.value.label
    if spec.value_axis.title:
        return spec.value_axis.title
    measure = spec.value or (spec.series[0] if spec.series else None)
    if measure is not None and measure.aggregate == "udział":
        return "udział"
    if measure is not None and len(measure.columns) == 1 and measure.columns[0] in columns:
        return str(columns[measure.columns[0]].label)
    return "liczba"


def _first_values(
    rows: pd.DataFrame, column: str, period: str | None, categories: Sequence[Any], extra: str
) -> tuple[Any, ...]:
    return tuple(
        group[extra].iloc[0] if not group.empty else ""
        for _, group in by_key(rows, column, period, categories)
    )


def _label(spec: ChartSpec, value: Any, period: str | None, all_values: Sequence[Any], short: bool) -> str:
    text = value_text(value, period)
    if text in spec.labels:
        return spec.labels[text]
    if isinstance(value, pd.Timestamp):
        years = {v.year for v in all_values if isinstance(v, pd.Timestamp)}
        several = len(years) > 1
        if period == "rok":
            return str(value.year)
        if period == "miesiąc":
            return fmt.month(value) + (f" {value.year}" if several else "")
        if short:
            return fmt.short_date(value) + (f" {value.year}" if several else "")
        return fmt.date(value, with_year=several)
    if isinstance(value, bool):
        return "tak" if value else "nie"
    if isinstance(value, (int, float, np.integer, np.floating)):
        return fmt.number(float(value), 0 if float(value).is_integer() else 1)
    return str(value)


def _with_decimals(spec: ChartSpec, data: ChartData) -> ChartData:
    if spec.decimals is not None:
        return replace(data, decimals=spec.decimals)
    values = data.matrix[~np.isnan(data.matrix)] * (100 if data.percent else 1)
    # Whole numbers stay whole; anything else gets one decimal everywhere in the chart.
    whole = all(float(round(v, 9)).is_integer() for v in values)
    return replace(data, decimals=0 if whole else 1)


def _ordered(spec: ChartSpec, data: ChartData) -> ChartData:
    """Categories in the declared order (``kolejnosc``, ``sortuj_wedlug``); ties keep their order."""
    count = len(data.keys)
    positions = list(range(count))
    if isinstance(spec.order, tuple):
        texts = [value_text(v, data.period) for v in data.keys]
        wanted = [value_text(v, data.period) for v in spec.order]
        head = [texts.index(t) for t in wanted if t in texts]
        positions = head + [p for p in positions if p not in head]
    elif spec.order == "alfabetycznie":
        positions.sort(key=lambda p: polish_key(data.labels[p]))
    elif spec.order in ("malejąco", "rosnąco"):
        sign = -1.0 if spec.order == "malejąco" else 1.0
        columns = _sort_columns(spec, data)

        def key(position: int) -> tuple[float, ...]:
            # Missing values go last whichever the direction.
            return tuple(math.inf if math.isnan(c[position]) else sign * c[position] for c in columns)

        positions.sort(key=key)
    if positions == list(range(count)):
        return data
    return replace(
        data,
        keys=tuple(data.keys[p] for p in positions),
        labels=tuple(data.labels[p] for p in positions),
        long_labels=tuple(data.long_labels[p] for p in positions),
        series=tuple(Series(s.label, s.values[positions], s.colour) for s in data.series),
        extras={name: tuple(values[p] for p in positions) for name, values in data.extras.items()},
    )


def _sort_columns(spec: ChartSpec, data: ChartData) -> list[np.ndarray]:
    """The values that decide the order, then the other series to break ties."""
    series = {s.label: s.values for s in data.series}
    matrix = data.matrix
    by = spec.sort_by or ("suma" if spec.layout == "stos" else "")
    if by == "suma":
        first = np.nansum(matrix, axis=1)
    elif by == "różnica":
        first = data.series[-1].values - data.series[0].values
    elif by in series:
        first = series[by]
    elif by and spec.split:
        # A split value written as it is in the data rather than by its label.
        first = series.get(spec.labels.get(by, by), data.series[0].values)
    else:
        first = data.series[0].values
    return [first, *(s.values for s in data.series)]


def polish_key(text: str) -> tuple[int, ...]:
    """Sort key of Polish alphabetical order, case-insensitive."""
    # Spaces, digits and punctuation come before letters, other characters after them.
    return tuple(
        _RANK[char] if char in _RANK else ord(char) - 128 if ord(char) < 128 else ord(char)
        for char in text.lower()
    )
