"""Every declared number computed from the tables and written to ``liczby.json`` for Sphinx."""

from __future__ import annotations

import datetime as dt
import json
import math
import os
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from handbook import fmt
from handbook.data.load import Tables
from handbook.data.query import aggregate, by_key, key_text, keys, select, values_of
from handbook.numbers.spec import DATE_AGGREGATES, ROW_AGGREGATES, NumberSpec
from handbook.products import NUMBERS_JSON

NO_VALUE = "brak danych"
Value = float | dt.date | tuple[dt.date, dt.date] | None


def compute(spec: NumberSpec, rows: pd.DataFrame, whole: pd.DataFrame) -> Value:
    """The value of one number over *rows* (*whole*: the rows a share is a share of)."""
    kind = spec.aggregate
    if kind in DATE_AGGREGATES:
        days = rows[spec.columns[0]].dropna()
        if days.empty:
            return None
        first, last = days.min().date(), days.max().date()
        return {"pierwsza data": first, "ostatnia data": last}.get(kind, (first, last))  # type: ignore[return-value]
    if kind in ROW_AGGREGATES:
        if rows.empty:
            return None
        ordered = rows.sort_values(spec.order, kind="stable")
        row = ordered.iloc[[0 if kind == "pierwsza wartość" else -1]]
        return float(values_of(row, spec.columns).iloc[0]) / spec.divisor
    value = aggregate(rows, spec, whole)
    if isinstance(value, pd.Timestamp):
        return value.date()
    return None if math.isnan(value) else value


def format_value(value: Value, spec: NumberSpec) -> str:
    """A value as the prose prints it: ``1 234``, ``12,5%``, ``9 grudnia 2017 r.``, ``12 500 zł``."""
    if value is None:
        return NO_VALUE
    shown = spec.shown_as
    if isinstance(value, tuple):
        return fmt.period(*value)
    if isinstance(value, dt.date):
        return fmt.date(value)
    if shown == "odsetek":
        return fmt.percent(value, spec.decimals)
    if shown == "kwota":
        return fmt.number(value, spec.decimals) + f"{fmt.NBSP}zł"
    text = fmt.number(value, spec.decimals)
    if spec.noun:
        # The form follows the number as printed: 1,0 is a fraction to a reader, 1 is not.
        printed = round(value, spec.decimals)
        noun = spec.noun[1] if spec.decimals else fmt.plural(printed, spec.noun)  # type: ignore[arg-type]
        return f"{text}{fmt.NBSP}{noun}"
    return text


def compute_all(specs: Mapping[str, NumberSpec], tables: Tables) -> dict[str, dict[str, str]]:
    """Every number (and every key of a family) → printed text and description."""
    result: dict[str, dict[str, str]] = {}
    for name, spec in sorted(specs.items()):
        rows = select(tables[spec.table], spec.filter)
        if not spec.each:
            result[name] = {"tekst": format_value(compute(spec, rows, rows), spec), "opis": spec.description}
            continue
        values = keys(tables, tables.schema, spec.table, spec.each, spec.period, spec.filter)
        entries = []
        for value, group in by_key(rows, spec.each, spec.period, values):
            key = key_text(value, spec.period)
            text = format_value(compute(spec, group, rows), spec)
            entries.append((key, {"tekst": text, "opis": f"{spec.description} ({key})"}))
        for key, entry in sorted(entries):
            result[f"{name}:{key}"] = entry
    return result


def write_numbers(numbers: Mapping[str, dict[str, str]], folder: Path) -> Path:
    """Write the numbers for the Sphinx role; the file is rewritten only when it changed."""
    path = folder / NUMBERS_JSON
    text = json.dumps(numbers, ensure_ascii=False, indent=2) + "\n"
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        folder.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    return path
