"""What a chart says in words: a generated alt text and the data table shown under the chart."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from handbook import fmt
from handbook.charts.frame import ChartData, Series

Table = tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]
# Up to this many categories the alt text gives every value; beyond, a summary.
LIST_LIMIT = 12
# …and every value of every series up to this many values; beyond, only the totals.
VALUE_LIMIT = 16
TOP = 3

_KINDS = {
    "słupki": "wykres słupkowy",
    "słupki poziome": "poziomy wykres słupkowy",
    "linia": "wykres liniowy",
    "obszar": "wykres warstwowy",
    "hantle": "wykres hantlowy",
}


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def with_unit(header: str, unit: str) -> str:
    return f"{header} ({unit})" if unit else header


# --- Data table -------------------------------------------------------------------------------


def coloured(data: ChartData, kind: str, layout: str) -> bool:
    """Stacked bars where each category has one series: the split only colours the bars."""
    return layout == "stos" and kind in ("słupki", "słupki poziome") and data.colour_by


def data_table(data: ChartData, kind: str, layout: str) -> Table:
    """Category column, the extra columns, one column per series (+ „Razem” or „Zmiana”)."""
    extras = list(data.extras)
    head = [data.category_title, *extras]

    def first(index: int) -> list[str]:
        return [data.long_labels[index], *(_cell(data.extras[e][index]) for e in extras)]

    if coloured(data, kind, layout):
        columns = [*head, data.split_title, with_unit(capitalised(data.value_title), data.unit)]
        rows = []
        for index in range(len(data.keys)):
            filled = [s for s in data.series if _filled(s.values[index])]
            name, value = (filled[0].label, filled[0].values[index]) if filled else ("", math.nan)
            rows.append((*first(index), name, data.number(value)))
        return tuple(columns), tuple(rows)
    columns = [*head, *(with_unit(capitalised(s.label), data.unit) for s in data.series)]
    if kind == "hantle":
        columns.append(with_unit("Zmiana", data.unit))
    elif layout == "stos":
        columns.append(with_unit("Razem", data.unit))
    rows = []
    for index in range(len(data.keys)):
        cells = [*first(index), *(data.number(s.values[index]) for s in data.series)]
        if kind == "hantle":
            cells.append(_signed(data, data.series[-1].values[index] - data.series[0].values[index]))
        elif layout == "stos":
            cells.append(data.number(float(np.nansum(data.matrix[index]))))
        rows.append(tuple(cells))
    return tuple(columns), tuple(rows)


def frame_table(frame: pd.DataFrame) -> Table:
    """A custom chart's own data table: numbers the Polish way, one precision per column."""
    decimals = {
        column: int(
            pd.api.types.is_float_dtype(frame[column])
            and not all(float(v).is_integer() for v in frame[column])
        )
        for column in frame.columns
    }

    def cell(column: object, value: object) -> str:
        if isinstance(value, (bool, np.bool_)) or not isinstance(
            value, (int, float, np.integer, np.floating)
        ):
            return _cell(value)
        return "–" if math.isnan(float(value)) else fmt.number(float(value), decimals[column])

    columns = tuple(str(c) for c in frame.columns)
    rows = tuple(
        tuple(cell(c, v) for c, v in zip(frame.columns, row, strict=True))
        for row in frame.itertuples(index=False)
    )
    return columns, rows


def frame_data(frame: pd.DataFrame) -> ChartData:
    """A custom chart's table as chart data: first column the categories, numeric columns series."""
    first = frame.columns[0]
    numeric = [c for c in frame.columns[1:] if pd.api.types.is_numeric_dtype(frame[c])]
    labels = tuple(_cell(v) for v in frame[first])
    series = tuple(Series(str(c), frame[c].to_numpy(dtype="float64"), "") for c in numeric)
    values = np.concatenate([s.values for s in series]) if series else np.array([])
    whole = all(float(v).is_integer() for v in values if not math.isnan(v))
    return ChartData(
        keys=labels,
        labels=labels,
        long_labels=labels,
        series=series,
        category_title=str(first),
        value_title=str(numeric[0]) if len(numeric) == 1 else "wartości",
        decimals=0 if whole else 1,
        additive=False,
    )


# --- Alt text -------------------------------------------------------------------------------


def alt_text(data: ChartData, kind: str, layout: str) -> str:
    """A description for a screen reader: what the chart is, then its key values."""
    parts = _what(data, kind, layout)
    if not data.keys or not data.series:
        parts.append("Brak danych do pokazania")
    elif kind == "hantle":
        parts += _dumbbell(data)
    elif coloured(data, kind, layout):
        parts += _coloured(data)
    elif len(data.series) == 1:
        parts += _single(data)
    else:
        parts += _several(data, layout)
    return " ".join(_sentence(p) for p in parts if p)


def custom_alt(data: ChartData) -> str:
    """The alt text of a custom chart whose module gives its data table."""
    return alt_text(data, "", "obok")


def _what(data: ChartData, kind: str, layout: str) -> list[str]:
    name = _KINDS.get(kind, "wykres")
    if layout == "stos" and not coloured(data, kind, layout) and len(data.series) > 1:
        name = name.replace("wykres", "skumulowany wykres")
    if layout == "panele" and len(data.series) > 1:
        name += f" w {len(data.series)} panelach, po jednym dla każdej serii"
    parts = [name, f"Kategorie – {data.category_title} ({len(data.keys)})"]
    if kind == "hantle" and len(data.series) >= 2:
        parts.append(
            "Dla każdej kategorii dwa punkty połączone linią: "
            f"„{data.series[0].label}” i „{data.series[-1].label}”"
        )
    elif coloured(data, kind, layout):
        parts.append(f"Wartości – {data.value_title}; kolor słupka oznacza: {data.split_title.lower()}")
    elif len(data.series) > 1:
        parts.append("Serie: " + ", ".join(f"„{s.label}”" for s in data.series))
    else:
        parts.append(f"Wartości – {data.value_title}")
    if data.cumulative:
        parts.append("Wartości narastająco")
    if data.unit:
        parts.append(f"Jednostka: {data.unit}")
    return parts


def _single(data: ChartData) -> list[str]:
    values = data.series[0].values
    total = float(np.nansum(values))
    shares = data.additive and total > 0 and bool((np.nan_to_num(values) >= 0).all())
    parts = []
    if len(values) <= LIST_LIMIT:
        parts.append(
            "; ".join(
                f"{label}: {_value(data, v)}"
                + (f" ({fmt.percent(v / total)})" if shares and _filled(v) else "")
                for label, v in zip(data.long_labels, values, strict=True)
            )
        )
    if data.additive:
        parts.append(f"Razem: {_value(data, total)}")
    if not data.cumulative:
        parts.append(_extremes(data, values))
    if data.period is not None or data.cumulative:
        parts.append(_first_last(data, values))
    # A mean of shares of groups of different sizes is not the overall share: not said.
    if not data.additive and not data.cumulative and not data.percent:
        parts.append(f"Średnio: {_mean(data, values)}")
    return parts


def _several(data: ChartData, layout: str) -> list[str]:
    stacked = layout == "stos"
    totals = np.nansum(data.matrix, axis=1)
    parts = []
    if layout == "panele" and len(data.keys) <= LIST_LIMIT:
        # Each panel is read on its own: one listing per series.
        parts += [
            f"{s.label}: "
            + "; ".join(
                f"{label} {_value(data, v)}" for label, v in zip(data.long_labels, s.values, strict=True)
            )
            for s in data.series
        ]
    elif len(data.keys) <= LIST_LIMIT:
        every = len(data.keys) * len(data.series) <= VALUE_LIMIT
        items = []
        for index, label in enumerate(data.long_labels):
            if every:
                values = [
                    f"{s.label} {_value(data, s.values[index])}"
                    for s in data.series
                    if not stacked or _filled(s.values[index])
                ]
                if stacked:
                    values.append(f"razem {_value(data, totals[index])}")
                items.append(f"{label} – {', '.join(values)}")
            elif stacked:
                items.append(f"{label}: razem {_value(data, totals[index])}")
            else:
                # Too many cells to read them all: each category's largest series.
                column = data.matrix[index]
                if np.isnan(column).all():
                    items.append(f"{label}: –")
                    continue
                best = int(np.nanargmax(column))
                items.append(f"{label}: najwięcej „{data.series[best].label}” ({_value(data, column[best])})")
        parts.append("; ".join(items))
    if data.additive:
        by_series = ", ".join(f"{s.label} {_value(data, float(np.nansum(s.values)))}" for s in data.series)
        parts.append(
            f"Razem: {_value(data, float(totals.sum()))} ({by_series})" if stacked else f"Razem: {by_series}"
        )
    # Of running totals the first and the last value say it all.
    if stacked and not data.cumulative:
        parts.append(_extremes(data, totals, "łącznie "))
    elif len(data.keys) > LIST_LIMIT and not data.cumulative:
        parts += [_extremes(data, s.values, f"„{s.label}”: ") for s in data.series[:TOP]]
    if data.period is not None or data.cumulative:
        parts.append(
            _first_last(data, totals if stacked else data.series[0].values, "razem " if stacked else "")
        )
    return parts


def _coloured(data: ChartData) -> list[str]:
    values = np.nansum(data.matrix, axis=1)
    names = [next((s.label for s in data.series if _filled(s.values[i])), "") for i in range(len(values))]
    parts = []
    if len(values) <= LIST_LIMIT:
        parts.append(
            "; ".join(
                f"{label}: {_value(data, v)} ({name})"
                for label, v, name in zip(data.long_labels, values, names, strict=True)
            )
        )
    counts = ", ".join(f"{s.label} {sum(_filled(v) for v in s.values)}" for s in data.series)
    parts.append(f"Liczba kategorii według koloru: {counts}")
    parts.append(_extremes(data, values))
    parts.append(f"Średnio: {_mean(data, values)}")
    return parts


def _dumbbell(data: ChartData) -> list[str]:
    before, after = data.series[0].values, data.series[-1].values
    change = after - before
    parts = []
    if len(change) <= LIST_LIMIT:
        parts.append(
            "; ".join(
                f"{label}: z {data.number(a)} do {data.number(b)} ({_signed(data, c)})"
                for label, a, b, c in zip(data.long_labels, before, after, change, strict=True)
            )
        )
    parts.append(
        f"Średnio: z {_mean(data, before)} do {_mean(data, after)}, "
        f"średnia zmiana {_signed(data, float(np.nanmean(change)), 1)}"
    )
    if len(change) > 1 and not np.isnan(change).all():
        high, low = int(np.nanargmax(change)), int(np.nanargmin(change))
        parts.append(
            f"Największa zmiana: {_who(data, high)} ({_signed(data, change[high])}), "
            f"najmniejsza: {_who(data, low)} ({_signed(data, change[low])})"
        )
    return parts


def _extremes(data: ChartData, values: np.ndarray, prefix: str = "") -> str:
    """The largest and the smallest value with every category that has it (and its extras)."""
    if len(values) < 2 or np.isnan(values).all():
        return ""
    high, low = float(np.nanmax(values)), float(np.nanmin(values))
    if high == low:
        return f"{prefix}wszystkie wartości równe {_value(data, high)}"
    if len(values) > LIST_LIMIT:
        order = np.argsort(-np.nan_to_num(values, nan=-math.inf), kind="stable")[:TOP]
        top = ", ".join(f"{_who(data, int(i))} ({_value(data, values[i])})" for i in order)
        return f"{prefix}największe wartości: {top}; najmniej: {_at(data, values, low)}"
    return f"{prefix}najwięcej: {_at(data, values, high)}; najmniej: {_at(data, values, low)}"


def _at(data: ChartData, values: np.ndarray, value: float) -> str:
    where = [i for i, v in enumerate(values) if v == value]
    names = ", ".join(_who(data, i) for i in where[:TOP]) + (" i inne" if len(where) > TOP else "")
    return f"{_value(data, value)} ({names})"


def _who(data: ChartData, index: int) -> str:
    """A category by its label, with its extra columns (e.g. the topic of an event)."""
    extras = [_cell(values[index]) for values in data.extras.values() if _cell(values[index])]
    return " – ".join([data.long_labels[index], *extras])


def _first_last(data: ChartData, values: np.ndarray, prefix: str = "") -> str:
    shown = [(label, v) for label, v in zip(data.long_labels, values, strict=True) if not math.isnan(v)]
    if len(shown) < 2:
        return ""
    (first_label, first), (last_label, last) = shown[0], shown[-1]
    return (
        f"Od pierwszej pozycji ({first_label}): {prefix}{_value(data, first)}, "
        f"do ostatniej ({last_label}): {prefix}{_value(data, last)}"
    )


def _mean(data: ChartData, values: np.ndarray) -> str:
    """A mean with one more decimal than whole values have (19,5 rather than 19)."""
    if np.isnan(values).all():
        return "–"
    mean = float(np.nanmean(values))
    if data.percent:
        return fmt.percent(mean, max(data.decimals, 1))
    text = fmt.number(mean, max(data.decimals, 1))
    return f"{text}{fmt.NBSP}{data.unit}" if data.unit else text


def _sentence(text: str) -> str:
    """Capitalised, ending in one full stop (a unit such as „godz.” already ends in one)."""
    text = capitalised(text.strip())
    return text if text.endswith((".", "!", "?")) else text + "."


def _value(data: ChartData, value: float) -> str:
    text = data.number(value)
    return f"{text}{fmt.NBSP}{data.unit}" if data.unit and text != "–" else text


def _signed(data: ChartData, value: float, extra: int = 0) -> str:
    if math.isnan(value):
        return "–"
    # A change of a share is in percentage points.
    text = (
        fmt.number(abs(value) * 100, max(data.decimals, extra)) + " pkt proc."
        if data.percent
        else (fmt.number(abs(value), max(data.decimals, extra)))
    )
    return ("+" if value > 0 else "−" if value < 0 else "") + text


def _filled(value: float) -> bool:
    return not math.isnan(value) and value != 0


def _cell(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, (bool, np.bool_)):
        return "tak" if value else "nie"
    if isinstance(value, pd.Timestamp):
        return fmt.date(value)
    return str(value)
