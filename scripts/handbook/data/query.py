"""What charts and numbers ask of a table: which rows (filter), which value (aggregate), per what key.

The vocabulary is declared by the book in Polish keys and shared by ``conf/wykresy.toml`` and
``conf/liczby.toml``:

- ``filtr = { rodzaj = "warsztat", czas = { od = 2 }, gmina = { nie = ["A", "B"] } }``;
- ``agregacja`` (liczba, liczba różnych, suma, średnia, średnia ważona, udział, min, max) of a
  ``kolumna`` (a list of columns is their sum in each row), ``waga`` for a weighted mean,
  ``warunek`` for a share, ``dzielnik`` to change units (minutes → hours);
- a key column, optionally grouped by ``okres`` (dzień, miesiąc, rok) when it holds dates.

Declarations are checked against the Data Package's schema before any value is computed, so a
wrong table, column or value is reported with its line and the allowed names.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Literal

import pandas as pd
from pydantic import Field, field_validator

from handbook.data.schema import NUMERIC, TEMPORAL, Column, Resource, Schema
from handbook.declared import Declared, Loc, quoted, show

Issue = tuple[Loc, str]
Period = Literal["dzień", "miesiąc", "rok"]
PERIODS: tuple[str, ...] = ("dzień", "miesiąc", "rok")
Aggregate = Literal["liczba", "liczba różnych", "suma", "średnia", "średnia ważona", "udział", "min", "max"]
# Aggregates that add up: their values per key sum to the whole (shares make sense).
ADDITIVE = ("liczba", "suma")
_OPERATORS = ("nie", "od", "do")


def _as_columns(value: object) -> object:
    return (value,) if isinstance(value, str) else value


class Measure(Declared):
    """One value computed from rows: ``agregacja`` of ``kolumna``."""

    aggregate: Aggregate = Field("liczba", alias="agregacja")
    columns: tuple[str, ...] = Field((), alias="kolumna")
    weight: str = Field("", alias="waga")
    condition: dict[str, Any] = Field(default_factory=dict, alias="warunek")
    divisor: float = Field(1.0, alias="dzielnik", gt=0)

    _columns = field_validator("columns", mode="before")(_as_columns)


# --- Checks against the schema ----------------------------------------------------------


def check_table(schema: Schema, name: str, loc: Loc) -> tuple[Resource | None, list[Issue]]:
    resource = schema.resources.get(name)
    if resource is None:
        return None, [(loc, f"nie ma tabeli „{name}” w data/datapackage.json; dostępne: {schema.names()}")]
    return resource, []


def check_column(
    resource: Resource, name: str, loc: Loc, types: Sequence[str] = (), purpose: str = ""
) -> list[Issue]:
    column = resource.columns.get(name)
    if column is None:
        return [
            (loc, f"nie ma kolumny „{name}” w tabeli „{resource.name}”; dostępne: {resource.column_list()}")
        ]
    if types and column.type not in types:
        return [
            (
                loc,
                f"kolumna „{name}” ma typ „{column.type}”, a {purpose or 'tu'} potrzebna jest kolumna "
                f"typu: {', '.join(types)}",
            )
        ]
    return []


def check_filter(resource: Resource, conditions: Mapping[str, Any], loc: Loc) -> list[Issue]:
    issues = []
    for name, condition in conditions.items():
        here = (*loc, name)
        problems = check_column(resource, name, here)
        if problems:
            issues += problems
            continue
        column = resource.columns[name]
        if isinstance(condition, Mapping):
            unknown = [k for k in condition if k not in _OPERATORS]
            if unknown or not condition:
                issues.append(
                    (
                        here,
                        f"nieznany warunek „{unknown[0] if unknown else ''}”; "
                        f"dozwolone: {quoted(_OPERATORS)}",
                    )
                )
                continue
            for operator, value in condition.items():
                values = value if isinstance(value, list) and operator == "nie" else [value]
                issues += [
                    (here, m) for v in values if (m := _value_problem(column, v, ordered=operator != "nie"))
                ]
        else:
            values = condition if isinstance(condition, list) else [condition]
            issues += [(here, m) for v in values if (m := _value_problem(column, v))]
    return issues


def check_filter_values(
    tables: Mapping[str, pd.DataFrame], schema: Schema, table: str, conditions: Mapping[str, Any], loc: Loc
) -> list[Issue]:
    """Text values a filter names must exist: a typo must not quietly select nothing.

    A column with a foreign key takes the values of the column it refers to; free text takes the
    values present in the data (allowed values of an enum are checked against the schema).
    """
    issues = []
    resource = schema.resources[table]
    for name, condition in conditions.items():
        column = resource.columns.get(name)
        if column is None or column.type != "string" or column.enum is not None:
            continue
        if column.reference is not None and column.reference[0] in tables:
            known = set(tables[column.reference[0]][column.reference[1]])
            where = f"w kolumnie „{column.reference[1]}” pliku {column.reference[0]}"
        else:
            known = set(tables[table][name])
            where = f"w danych kolumny „{name}”"
        for value in _filter_values(condition):
            if isinstance(value, str) and value not in known:
                shown = sorted(known, key=str)
                listed = quoted(shown[:15]) + (f" i {len(shown) - 15} innych" if len(shown) > 15 else "")
                issues.append(((*loc, name), f"wartości „{value}” nie ma {where}; są: {listed}"))
    return issues


def _filter_values(condition: Any) -> list[Any]:
    if isinstance(condition, Mapping):
        excluded = condition.get("nie", [])
        return excluded if isinstance(excluded, list) else [excluded]
    return condition if isinstance(condition, list) else [condition]


def _value_problem(column: Column, value: object, ordered: bool = False) -> str | None:
    kind = column.type
    if kind == "boolean":
        return (
            None
            if isinstance(value, bool)
            else f"kolumna „{column.name}” ma wartości true albo false (jest: {value!r})"
        )
    if kind in NUMERIC:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return f"kolumna „{column.name}” zawiera liczby (jest: {show(value)})"
        return None
    if kind in TEMPORAL:
        return None if _timestamp(value) is not None else f"oczekiwano daty RRRR-MM-DD (jest: {show(value)})"
    if not isinstance(value, str):
        return f"kolumna „{column.name}” zawiera tekst; ujmij wartość w cudzysłów (jest: {show(value)})"
    if column.enum is not None and not ordered and value not in column.enum:
        return f"wartości „{value}” nie ma w kolumnie „{column.name}”; dozwolone: {quoted(column.enum)}"
    return None


def check_measure(resource: Resource, measure: Measure, loc: Loc) -> list[Issue]:
    kind = measure.aggregate
    issues = []
    if kind == "liczba":
        if measure.columns:
            issues.append(
                (
                    (*loc, "kolumna"),
                    "agregacja „liczba” liczy wiersze i nie ma kolumny; "
                    "do różnych wartości kolumny użyj „liczba różnych”",
                )
            )
    elif not measure.columns and kind != "udział":
        issues.append(((*loc, "kolumna"), f"agregacja „{kind}” potrzebuje pola kolumna"))
    if kind == "liczba różnych" and len(measure.columns) > 1:
        issues.append(((*loc, "kolumna"), "agregacja „liczba różnych” liczy wartości jednej kolumny"))
    numeric = (*NUMERIC, "boolean")
    for name in measure.columns:
        types = (
            () if kind == "liczba różnych" else (*numeric, *TEMPORAL) if kind in ("min", "max") else numeric
        )
        issues += check_column(resource, name, (*loc, "kolumna"), types, f"do agregacji „{kind}”")
    if kind == "średnia ważona":
        if not measure.weight:
            issues.append(((*loc, "waga"), "średnia ważona potrzebuje pola waga (kolumna z wagami)"))
        else:
            issues += check_column(resource, measure.weight, (*loc, "waga"), NUMERIC, "jako waga")
    elif measure.weight:
        issues.append(((*loc, "waga"), "pole waga ma sens tylko w agregacji „średnia ważona”"))
    if measure.condition and kind != "udział":
        issues.append(((*loc, "warunek"), "pole warunek ma sens tylko w agregacji „udział”"))
    issues += check_filter(resource, measure.condition, (*loc, "warunek"))
    return issues


def check_key(resource: Resource, name: str, period: str | None, loc: Loc) -> list[Issue]:
    issues = check_column(resource, name, loc)
    if not issues and period and resource.columns[name].type not in TEMPORAL:
        issues.append(
            (
                loc,
                f"okres ({period}) wymaga kolumny z datami, "
                f"a „{name}” ma typ „{resource.columns[name].type}”",
            )
        )
    return issues


# --- Computation --------------------------------------------------------------------------


def select(frame: pd.DataFrame, conditions: Mapping[str, Any]) -> pd.DataFrame:
    """The rows that meet every condition."""
    mask = pd.Series(True, index=frame.index)
    for name, condition in conditions.items():
        mask &= matches(frame[name], condition)
    return frame[mask]


def matches(values: pd.Series, condition: Any) -> pd.Series:
    temporal = pd.api.types.is_datetime64_any_dtype(values)

    def typed(value: Any) -> Any:
        return _timestamp(value) if temporal else value

    if isinstance(condition, Mapping):
        mask = pd.Series(True, index=values.index)
        if "nie" in condition:
            excluded = condition["nie"] if isinstance(condition["nie"], list) else [condition["nie"]]
            mask &= ~values.isin([typed(v) for v in excluded])
        if "od" in condition:
            mask &= values >= typed(condition["od"])
        if "do" in condition:
            mask &= values <= typed(condition["do"])
        return mask
    if isinstance(condition, list):
        return values.isin([typed(v) for v in condition])
    return values == typed(condition)


def _timestamp(value: object) -> pd.Timestamp | None:
    if isinstance(value, dt.date):
        return pd.Timestamp(value)
    if isinstance(value, str):
        for pattern in ("%Y-%m-%d", "%Y-%m", "%Y"):
            try:
                return pd.Timestamp(dt.datetime.strptime(value, pattern))
            except ValueError:
                continue
    return None


def values_of(frame: pd.DataFrame, columns: Sequence[str]) -> pd.Series:
    """One column, or the sum of several in each row."""
    if len(columns) == 1:
        return frame[columns[0]]
    return frame[list(columns)].sum(axis=1)


def aggregate(frame: pd.DataFrame, measure: Measure, whole: pd.DataFrame | None = None) -> float:
    """*measure* over the rows of *frame*; a share without a condition is a share of *whole*.

    An empty selection gives 0 for counts and sums and NaN (no value) for the rest.
    """
    kind = measure.aggregate
    if kind == "liczba":
        return len(frame) / measure.divisor
    if kind == "udział":
        if measure.condition:
            part, base = select(frame, measure.condition), frame
        else:
            part, base = frame, frame if whole is None else whole
        numerator = _total(part, measure.columns)
        denominator = _total(base, measure.columns)
        return numerator / denominator if denominator else math.nan
    if kind == "liczba różnych":
        return frame[measure.columns[0]].nunique() / measure.divisor
    values = values_of(frame, measure.columns)
    if kind == "suma":
        return float(values.astype("float64").sum()) / measure.divisor
    if values.empty:
        return math.nan
    if kind == "średnia":
        return float(values.astype("float64").mean()) / measure.divisor
    if kind == "średnia ważona":
        weights = frame[measure.weight].astype("float64")
        total = float(weights.sum())
        return (
            float((values.astype("float64") * weights).sum()) / total / measure.divisor if total else math.nan
        )
    extreme = values.min() if kind == "min" else values.max()
    if isinstance(extreme, pd.Timestamp):
        return extreme  # type: ignore[return-value]
    return float(extreme) / measure.divisor


def _total(frame: pd.DataFrame, columns: Sequence[str]) -> float:
    return float(values_of(frame, columns).astype("float64").sum()) if columns else float(len(frame))


def bucket(values: pd.Series, period: str | None) -> pd.Series:
    """Dates replaced by the first day of their day, month or year."""
    if not period:
        return values
    if period == "rok":
        return values.dt.to_period("Y").dt.start_time
    if period == "miesiąc":
        return values.dt.to_period("M").dt.start_time
    return values.dt.normalize()


def keys(
    tables: Mapping[str, pd.DataFrame],
    schema: Schema,
    table: str,
    column: str,
    period: str | None,
    conditions: Mapping[str, Any],
) -> list[Any]:
    """The values a key column can take, in their natural order.

    - dates by period: every period from the first to the last (days: only days with data);
    - a column with a foreign key: every value of the referenced column (zero counts included);
    - a column with allowed values: every allowed value, in the schema's order;
    - otherwise: the values present in the selected rows, in order of appearance.

    A condition on the key column itself narrows the list.
    """
    spec = schema.resources[table].columns[column]
    frame = select(tables[table], conditions)
    if period:
        present = bucket(frame[column], period).dropna()
        if present.empty:
            return []
        if period == "dzień":
            return sorted(present.unique())
        freq = "MS" if period == "miesiąc" else "YS"
        return list(pd.date_range(present.min(), present.max(), freq=freq))
    if spec.reference is not None and spec.reference[0] in tables:
        candidates = pd.Series(list(dict.fromkeys(tables[spec.reference[0]][spec.reference[1]])))
    elif spec.enum is not None:
        candidates = pd.Series(list(spec.enum))
    else:
        return list(dict.fromkeys(frame[column]))
    if column in conditions:
        candidates = candidates[matches(candidates, conditions[column]).to_numpy()]
    return list(candidates)


def key_text(value: Any, period: str | None) -> str:
    """A key as it is written after the colon of ``{dane}`nazwa:klucz```."""
    if isinstance(value, pd.Timestamp):
        return value.strftime({"rok": "%Y", "miesiąc": "%Y-%m"}.get(period or "", "%Y-%m-%d"))
    if isinstance(value, bool):
        return "tak" if value else "nie"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def by_key(
    frame: pd.DataFrame, column: str, period: str | None, values: Sequence[Any]
) -> Iterator[tuple[Any, pd.DataFrame]]:
    """The rows of each key value (an empty frame for a value without rows)."""
    bucketed = bucket(frame[column], period)
    groups = {key: rows for key, rows in frame.groupby(bucketed, sort=False)}
    for value in values:
        yield value, groups.get(value, frame.iloc[0:0])
