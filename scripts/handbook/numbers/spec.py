"""``conf/liczby.toml``: the numbers a chapter may quote, each declared as a question to one table.

```toml
[liczba_wolontariuszy]
opis = "liczba wolontariuszy, którzy ukończyli kurs"
tabela = "wolontariusze"
filtr = { kurs = true }
agregacja = "liczba"

[wolontariusze_w_gminie]        # a family: {dane}`wolontariusze_w_gminie:Dębowo`
opis = "liczba wolontariuszy w gminie"
tabela = "wolontariusze"
dla_kazdego = "gmina"
```
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from handbook.data.load import Tables
from handbook.data.query import (
    PERIODS,
    Issue,
    Measure,
    check_column,
    check_filter,
    check_filter_values,
    check_key,
    check_measure,
    check_table,
)
from handbook.data.schema import TEMPORAL
from handbook.declared import invalid, load_entries, quoted
from handbook.settings import Settings

NAME_PATTERN = r"^[a-z0-9][a-z0-9_]*$"
DATE_AGGREGATES = ("pierwsza data", "ostatnia data", "okres")
ROW_AGGREGATES = ("pierwsza wartość", "ostatnia wartość")
Format = Literal["liczba", "odsetek", "data", "okres", "kwota"]


class NumberSpec(Measure):
    """One number, or a family of numbers with one value per key."""

    description: str = Field(alias="opis", min_length=1)
    table: str = Field(alias="tabela", min_length=1)
    filter: dict[str, Any] = Field(default_factory=dict, alias="filtr")
    aggregate: Literal[  # type: ignore[assignment]
        "liczba",
        "liczba różnych",
        "suma",
        "średnia",
        "średnia ważona",
        "udział",
        "min",
        "max",
        "pierwsza data",
        "ostatnia data",
        "okres",
        "pierwsza wartość",
        "ostatnia wartość",
    ] = Field("liczba", alias="agregacja")
    order: str = Field("", alias="wedlug")
    each: str = Field("", alias="dla_kazdego")
    period: Literal["dzień", "miesiąc", "rok"] | None = Field(None, alias="okres")
    format: Format | None = Field(None, alias="format")
    decimals: int = Field(0, alias="miejsca_po_przecinku", ge=0, le=4)
    # The noun printed after the number in its Polish form: ("osoba", "osoby", "osób").
    noun: tuple[str, ...] = Field((), alias="rzeczownik")

    @field_validator("noun")
    @classmethod
    def _three_forms(cls, forms: tuple[str, ...]) -> tuple[str, ...]:
        if forms and (len(forms) != 3 or not all(f.strip() for f in forms)):
            raise invalid(
                'rzeczownik to trzy formy: po 1, po 2–4 i po 5 lub więcej, np. ["osoba", "osoby", "osób"]'
            )
        return forms

    @model_validator(mode="after")
    def _consistent(self) -> NumberSpec:
        kind = self.aggregate
        shown = self.shown_as
        if kind in DATE_AGGREGATES and shown not in ("data", "okres"):
            raise invalid(f"agregacja „{kind}” daje datę: format musi być „data” albo „okres”")
        if kind == "okres" and shown != "okres":
            raise invalid("agregacja „okres” daje dwie daty: format musi być „okres”")
        if kind not in DATE_AGGREGATES and kind not in ("min", "max") and shown in ("data", "okres"):
            raise invalid(f"format „{shown}” wymaga agregacji dającej datę: {quoted(DATE_AGGREGATES)}")
        if kind in ROW_AGGREGATES and not self.order:
            raise invalid(
                f"agregacja „{kind}” potrzebuje pola wedlug (kolumna, według której wiersze są uporządkowane)"
            )
        if self.order and kind not in ROW_AGGREGATES:
            raise invalid(f"pole wedlug ma sens tylko w agregacjach {quoted(ROW_AGGREGATES)}")
        if kind == "udział" and not self.condition and not self.each:
            raise invalid(
                "udział bez pola warunek ma sens tylko w rodzinie liczb (dla_kazdego): "
                "udział klucza w całości"
            )
        if self.period and not self.each:
            raise invalid("pole okres grupuje klucze rodziny: ma sens tylko razem z dla_kazdego")
        if self.noun and shown != "liczba":
            raise invalid(f"rzeczownik ma sens tylko przy formacie „liczba” (jest: „{shown}”)")
        return self

    @property
    def shown_as(self) -> str:
        """The format, or the one its aggregate implies."""
        if self.format:
            return self.format
        if self.aggregate == "udział":
            return "odsetek"
        if self.aggregate == "okres":
            return "okres"
        if self.aggregate in DATE_AGGREGATES:
            return "data"
        return "liczba"


def load_numbers(settings: Settings, tables: Tables) -> dict[str, NumberSpec]:
    """The book's declared numbers, checked against the data; none if there is no file."""
    specs, _ = load_entries(
        settings.numbers_file,
        "plik liczb",
        NumberSpec,
        NAME_PATTERN,
        "nazwa liczby",
        lambda name, spec: check_number(name, spec, tables),
    )
    return specs


def check_number(name: str, spec: NumberSpec, tables: Tables) -> list[Issue]:
    loc = (name,)
    resource, issues = check_table(tables.schema, spec.table, (name, "tabela"))
    if resource is None:
        return issues
    issues += check_filter(resource, spec.filter, (name, "filtr"))
    kind = spec.aggregate
    if kind in DATE_AGGREGATES:
        if len(spec.columns) != 1:
            issues.append(((name, "kolumna"), f"agregacja „{kind}” potrzebuje jednej kolumny z datami"))
        else:
            issues += check_column(
                resource, spec.columns[0], (name, "kolumna"), TEMPORAL, f"do agregacji „{kind}”"
            )
    elif kind in ROW_AGGREGATES:
        as_measure = spec.model_copy(update={"aggregate": "suma"})
        issues += check_measure(resource, as_measure, loc)
        issues += check_column(resource, spec.order, (name, "wedlug"))
    else:
        issues += check_measure(resource, spec, loc)
    if spec.each:
        issues += check_key(resource, spec.each, spec.period, (name, "dla_kazdego"))
        if spec.period and spec.period not in PERIODS:
            issues.append(((name, "okres"), f"dozwolone: {quoted(PERIODS)}"))
    if not issues:
        issues += check_filter_values(tables, tables.schema, spec.table, spec.filter, (name, "filtr"))
    return issues
