"""Rules across files, declared by the book in its Data Package (``"x-reguly"``), and the generic ones.

A single file's schema cannot say that the places booked per workshop add up to the
volunteers who signed up for it, or that only volunteers who finished a course have a
certificate. The book declares such rules next to its schema, in Polish keys:

```json
"x-reguly": [
  {"opis": "…", "regula": "równe sumie", "tabela": "festyny", "kolumna": "goscie",
   "filtr": {"rodzaj": "finał"}, "z": {"tabela": "stoiska", "kolumna": "odwiedzajacy"}},
  {"opis": "…", "regula": "równe liczbie wierszy", "tabela": "warsztaty", "kolumna": "zapisani",
   "klucz": "temat", "z": {"tabela": "wolontariusze", "klucz": "warsztat"}},
  {"opis": "…", "regula": "tylko gdy", "tabela": "certyfikaty", "kolumna": "wolontariusz",
   "w": {"tabela": "wolontariusze", "kolumna": "id", "filtr": {"kurs": true}}},
  {"opis": "…", "regula": "zgodne z ustawieniami", "tabela": "gminy",
   "kolumny": {"gmina": "powiat.gminy"}, "komplet": true}
]
```

The generic checks need no declaration: dates of columns marked ``"x-w-okresie-projektu"``
lie within the project period from the settings.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import pandas as pd
from pydantic import Field, ValidationError, model_validator

from handbook import fmt
from handbook.data.query import Issue, check_column, check_filter, check_table, select
from handbook.data.schema import NUMERIC, Schema
from handbook.declared import Declared, Located, invalid, problems, quoted
from handbook.errors import Problem
from handbook.settings import SETTINGS_FILE, Settings

RULES_KEY = "x-reguly"
# Schema property of a date column: it must lie within the project period of the settings.
PROJECT_PERIOD = "x-w-okresie-projektu"
KINDS = ("równe sumie", "równe liczbie wierszy", "tylko gdy", "zgodne z ustawieniami")


class Source(Declared):
    """The other side of a rule: rows of another table (``z`` or ``w``)."""

    table: str = Field(alias="tabela", min_length=1)
    column: str = Field("", alias="kolumna")
    key: str = Field("", alias="klucz")
    filter: dict[str, Any] = Field(default_factory=dict, alias="filtr")


class Rule(Declared):
    description: str = Field(alias="opis", min_length=1)
    kind: Literal["równe sumie", "równe liczbie wierszy", "tylko gdy", "zgodne z ustawieniami"] = Field(
        alias="regula"
    )
    table: str = Field(alias="tabela", min_length=1)
    column: str = Field("", alias="kolumna")
    key: str = Field("", alias="klucz")
    filter: dict[str, Any] = Field(default_factory=dict, alias="filtr")
    source: Source | None = Field(None, alias="z")
    within: Source | None = Field(None, alias="w")
    settings_lists: dict[str, str] = Field(default_factory=dict, alias="kolumny")
    complete: bool = Field(False, alias="komplet")

    @model_validator(mode="after")
    def _fields_of_kind(self) -> Rule:
        kind = self.kind
        if kind in ("równe sumie", "równe liczbie wierszy"):
            if self.source is None or not self.column:
                raise invalid(f"reguła „{kind}” potrzebuje pól kolumna i z (tabela, z której liczyć)")
            if kind == "równe sumie" and not self.source.column:
                raise invalid("reguła „równe sumie” potrzebuje w polu z kolumny do zsumowania")
            if bool(self.key) != bool(self.source.key):
                raise invalid("klucz podaj po obu stronach reguły (klucz i z.klucz) albo po żadnej")
        elif kind == "tylko gdy":
            if self.within is None or not self.column or not self.within.column:
                raise invalid("reguła „tylko gdy” potrzebuje pól kolumna i w (tabela, kolumna, filtr)")
        elif not self.settings_lists:
            raise invalid(
                'reguła „zgodne z ustawieniami” potrzebuje pola kolumny: { kolumna = "sekcja.pole" }'
            )
        return self


def declared_rules(located: Located, schema: Schema, settings: Settings) -> tuple[list[Rule], list[Problem]]:
    """The rules of the Data Package, each checked against the schema and the settings."""
    raw = located.data.get(RULES_KEY, [])
    if not isinstance(raw, list):
        return [], [located.problem((RULES_KEY,), "oczekiwano listy reguł [ … ]")]
    rules, found = [], []
    lists = settings_lists(settings)
    for index, entry in enumerate(raw):
        loc = (RULES_KEY, index)
        try:
            rule = Rule.model_validate(entry)
        except ValidationError as exc:
            found += problems(exc, located, loc)
            continue
        issues = _check(rule, schema, lists, loc)
        found += [located.problem(where, message) for where, message in issues]
        if not issues:
            rules.append(rule)
    return rules, found


def _check(
    rule: Rule, schema: Schema, lists: Mapping[str, Sequence[Any]], loc: tuple[Any, ...]
) -> list[Issue]:
    resource, issues = check_table(schema, rule.table, (*loc, "tabela"))
    if resource is None:
        return issues
    numeric = NUMERIC if rule.kind in ("równe sumie", "równe liczbie wierszy") else ()
    if rule.column:
        issues += check_column(resource, rule.column, (*loc, "kolumna"), numeric, f"w regule „{rule.kind}”")
    if rule.key:
        issues += check_column(resource, rule.key, (*loc, "klucz"))
    issues += check_filter(resource, rule.filter, (*loc, "filtr"))
    for other, name in ((rule.source, "z"), (rule.within, "w")):
        if other is None:
            continue
        target, more = check_table(schema, other.table, (*loc, name, "tabela"))
        issues += more
        if target is None:
            continue
        if other.column:
            types = NUMERIC if name == "z" else ()
            issues += check_column(target, other.column, (*loc, name, "kolumna"), types, "do zsumowania")
        if other.key:
            issues += check_column(target, other.key, (*loc, name, "klucz"))
        issues += check_filter(target, other.filter, (*loc, name, "filtr"))
    for column, setting in rule.settings_lists.items():
        issues += check_column(resource, column, (*loc, "kolumny", column))
        if setting not in lists:
            issues.append(
                (
                    (*loc, "kolumny", column),
                    f"nie ma listy „{setting}” w {SETTINGS_FILE}; dostępne: {', '.join(lists)}",
                )
            )
    sections = {setting.split(".", 1)[0] for setting in rule.settings_lists.values()}
    if len(sections) > 1:
        # Columns compared together (an id with a name) come from the entries of one section.
        issues.append(
            (
                (*loc, "kolumny"),
                f"listy jednej reguły muszą być z jednej sekcji ustawień (są: {', '.join(sorted(sections))})",
            )
        )
    return issues


def settings_lists(settings: Settings) -> dict[str, list[Any]]:
    """Every list a rule may name, by its Polish path: ``powiat.gminy``, ``organizacje.id``…"""
    raw = settings.model_dump(by_alias=True, exclude={"root"})
    lists: dict[str, list[Any]] = {}
    for section, content in raw.items():
        if isinstance(content, dict):
            for key, value in content.items():
                if isinstance(value, (list, tuple)) and all(not isinstance(v, dict) for v in value):
                    lists[f"{section}.{key}"] = list(value)
        elif isinstance(content, (list, tuple)) and content and all(isinstance(v, dict) for v in content):
            for key in content[0]:
                lists[f"{section}.{key}"] = [entry.get(key) for entry in content]
    return lists


# --- Running the rules --------------------------------------------------------------------


def run_rules(
    rules: Sequence[Rule], frames: Mapping[str, pd.DataFrame], files: Mapping[str, Path], settings: Settings
) -> Iterator[Problem]:
    lists = settings_lists(settings)
    for rule in rules:
        if rule.kind == "tylko gdy":
            yield from _only_when(rule, frames, files)
        elif rule.kind == "zgodne z ustawieniami":
            yield from _from_settings(rule, frames, files, lists)
        else:
            yield from _equals_aggregate(rule, frames, files)


def _rows(frame: pd.DataFrame) -> Iterator[tuple[int, Any]]:
    """Rows with their number as a spreadsheet shows it (the header is row 1)."""
    for position, (_, row) in enumerate(frame.iterrows()):
        yield int(frame.index[position]) + 2, row


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "tak" if value else "nie"
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, float):
        return fmt.number(value, 0 if value.is_integer() else 2)
    return str(value)


def _conditions(conditions: Mapping[str, Any]) -> str:
    return "; ".join(
        f"{k} = {v if not isinstance(v, bool) else ('tak' if v else 'nie')}" for k, v in conditions.items()
    )


def _equals_aggregate(
    rule: Rule, frames: Mapping[str, pd.DataFrame], files: Mapping[str, Path]
) -> Iterator[Problem]:
    assert rule.source is not None
    source = select(frames[rule.source.table], rule.source.filter)
    checked = select(frames[rule.table], rule.filter)
    counting = rule.kind == "równe liczbie wierszy"
    what = "liczba wierszy" if counting else f"suma kolumny „{rule.source.column}”"
    for number, row in _rows(checked):
        rows = source if not rule.key else source[source[rule.source.key] == row[rule.key]]
        expected = float(len(rows)) if counting else float(rows[rule.source.column].astype("float64").sum())
        actual = float(row[rule.column])
        if abs(actual - expected) > 1e-9:
            scope = f" z {rule.source.key} = „{_show(row[rule.key])}”" if rule.key else ""
            yield Problem(
                files[rule.table],
                f"wartość {_show(actual)} różni się od: {what} w {files[rule.source.table].name}{scope} "
                f"({_show(expected)}). Reguła: {rule.description}.",
                number,
                rule.column,
            )


def _only_when(
    rule: Rule, frames: Mapping[str, pd.DataFrame], files: Mapping[str, Path]
) -> Iterator[Problem]:
    assert rule.within is not None
    allowed = set(select(frames[rule.within.table], rule.within.filter)[rule.within.column])
    condition = f" spełniających warunek {_conditions(rule.within.filter)}" if rule.within.filter else ""
    for number, row in _rows(select(frames[rule.table], rule.filter)):
        if row[rule.column] not in allowed:
            yield Problem(
                files[rule.table],
                f"wartość „{_show(row[rule.column])}” łamie regułę: {rule.description} (nie ma jej wśród "
                f"wartości kolumny „{rule.within.column}” w {files[rule.within.table].name}{condition}).",
                number,
                rule.column,
            )


def _from_settings(
    rule: Rule,
    frames: Mapping[str, pd.DataFrame],
    files: Mapping[str, Path],
    lists: Mapping[str, Sequence[Any]],
) -> Iterator[Problem]:
    columns = list(rule.settings_lists)
    expected = list(zip(*(lists[rule.settings_lists[c]] for c in columns), strict=True))
    frame = select(frames[rule.table], rule.filter)
    seen = set()
    for number, row in _rows(frame):
        values = tuple(row[c] for c in columns)
        seen.add(values)
        if values not in expected:
            mismatch = (
                columns[0]
                if len(columns) == 1
                else next(
                    (c for i, c in enumerate(columns) if values[i] not in {e[i] for e in expected}),
                    columns[-1],
                )
            )
            shown = " / ".join(f"„{_show(v)}”" for v in values)
            yield Problem(
                files[rule.table],
                f"{shown} nie zgadza się z {SETTINGS_FILE} "
                f"({', '.join(rule.settings_lists[c] for c in columns)}). Reguła: {rule.description}.",
                number,
                mismatch,
            )
    if rule.complete:
        missing = [e for e in expected if e not in seen]
        if missing:
            yield Problem(
                files[rule.table],
                f"brakuje wierszy dla: {quoted(' / '.join(map(str, m)) for m in missing)} "
                f"(są w {SETTINGS_FILE}). Reguła: {rule.description}.",
                column=columns[0],
            )


def dates_in_project_period(
    descriptor: Mapping[str, Any],
    frames: Mapping[str, pd.DataFrame],
    files: Mapping[str, Path],
    settings: Settings,
) -> Iterator[Problem]:
    """Dates marked in the schema as project dates lie within the period from the settings."""
    start, end = settings.project.start, settings.project.end
    for resource in descriptor["resources"]:
        name = resource["name"]
        for column in (f["name"] for f in resource["schema"]["fields"] if f.get(PROJECT_PERIOD)):
            for number, day in enumerate(frames[name][column].dt.date, start=2):
                if not start <= day <= end:
                    yield Problem(
                        files[name],
                        f"data {day.isoformat()} wykracza poza okres projektu "
                        f"({start.isoformat()} – {end.isoformat()}, {SETTINGS_FILE} [projekt]).",
                        number,
                        column,
                    )
