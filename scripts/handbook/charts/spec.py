"""``conf/wykresy.toml``: the charts a book declares, validated against its data with Polish messages.

A chart is data, not code (as in Vega-Lite): a mark (``typ``), a category column, one measure
split by a column or several declared series, a layout and a few presentation keys. The
vocabulary is documented in Polish in the header of the book's ``conf/wykresy.toml``; this
module checks every declaration at load, so drawing never meets a wrong name.
"""

from __future__ import annotations

import ast
import datetime as dt
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pandas as pd
from pydantic import Field, field_validator

from handbook.data.load import Tables
from handbook.data.query import (
    Issue,
    Measure,
    Period,
    check_column,
    check_filter,
    check_filter_values,
    check_key,
    check_measure,
    check_table,
    key_text,
    keys,
)
from handbook.data.schema import TEMPORAL, Resource
from handbook.declared import Declared, invalid, load_entries, quoted
from handbook.errors import HandbookError, Problem
from handbook.settings import Settings

NAME_PATTERN = r"^[a-z0-9][a-z0-9_]*$"
CUSTOM = "własny"
Kind = Literal["słupki", "słupki poziome", "linia", "obszar", "hantle", "własny"]
Layout = Literal["obok", "stos", "panele"]
ORDERS = ("malejąco", "rosnąco", "alfabetycznie", "jak w danych")
SORT_KEYS = ("suma", "różnica")
DEFAULT_FUNCTION = "wykres"
# The module may define this to give the data table (and so the generated alt text).
DATA_FUNCTION = "dane"
# Keys a custom chart accepts: everything else describes a declared chart's data.
CUSTOM_KEYS = ("podpis", "typ", "plik", "funkcja", "tabele", "alt", "naglowki_tabeli")


class ValueSpec(Measure):
    """``wartosc``: the one measure of a chart, optionally with the label of its series."""

    label: str = Field("", alias="etykieta")


class SeriesSpec(Measure):
    """One element of ``[[nazwa.serie]]``: a measure with its label, rows and colour."""

    label: str = Field(alias="etykieta", min_length=1)
    filter: dict[str, Any] = Field(default_factory=dict, alias="filtr")
    colour: int | None = Field(None, alias="kolor")


# Defaults by keyword: mypy then knows these can be built without arguments (default_factory).
class CategoryAxis(Declared):
    title: str = Field(alias="tytul", default="")


class ValueAxis(Declared):
    title: str = Field(alias="tytul", default="")
    minimum: float | None = Field(alias="min", default=None)
    maximum: float | None = Field(alias="max", default=None)
    integer: bool = Field(alias="calkowite", default=False)


class ChartSpec(Declared):
    """One ``[nazwa]`` section of ``conf/wykresy.toml``."""

    caption: str = Field(alias="podpis", min_length=1)
    kind: Kind = Field("słupki", alias="typ")
    table: str = Field("", alias="tabela")
    filter: dict[str, Any] = Field(default_factory=dict, alias="filtr")
    category: str = Field("", alias="kategorie")
    period: Period | None = Field(None, alias="okres")
    value: ValueSpec | None = Field(None, alias="wartosc")
    split: str = Field("", alias="podzial")
    series_order: tuple[Any, ...] = Field((), alias="kolejnosc_serii")
    series: tuple[SeriesSpec, ...] = Field((), alias="serie")
    layout: Layout = Field("obok", alias="uklad")
    cumulative: bool = Field(False, alias="narastajaco")
    order: str | tuple[Any, ...] = Field("jak w danych", alias="kolejnosc")
    sort_by: str = Field("", alias="sortuj_wedlug")
    labels: dict[str, str] = Field(default_factory=dict, alias="etykiety")
    colours: dict[str, int] = Field(default_factory=dict, alias="kolory")
    colour: int | None = Field(None, alias="kolor")
    category_axis: CategoryAxis = Field(default_factory=CategoryAxis, alias="os_kategorii")
    value_axis: ValueAxis = Field(default_factory=ValueAxis, alias="os_wartosci")
    unit: str = Field("", alias="jednostka")
    decimals: int | None = Field(None, alias="miejsca_po_przecinku", ge=0, le=3)
    value_labels: bool = Field(True, alias="etykiety_wartosci")
    totals: bool = Field(False, alias="suma")
    # False for states (members at the end of each month): their sum over categories means nothing.
    additive: bool | None = Field(None, alias="sumowalne")
    extra_columns: tuple[str, ...] = Field((), alias="dodatkowe_kolumny")
    alt: str = Field("", alias="alt")
    table_headers: tuple[str, ...] = Field((), alias="naglowki_tabeli")
    file: str = Field("", alias="plik")
    function: str = Field(DEFAULT_FUNCTION, alias="funkcja", pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    tables: tuple[str, ...] = Field((), alias="tabele")

    @field_validator("order")
    @classmethod
    def _order(cls, value: str | tuple[Any, ...]) -> str | tuple[Any, ...]:
        if isinstance(value, str) and value not in ORDERS:
            raise invalid(
                f"niedozwolona wartość „{value}”; dozwolone: {quoted(ORDERS)} "
                "albo lista wartości kategorii w nawiasach [ … ]"
            )
        return value

    @property
    def custom(self) -> bool:
        return self.kind == CUSTOM

    @property
    def given(self) -> tuple[str, ...]:
        """The Polish keys written in the file (defaults left out), in the order of the fields."""
        return tuple(
            f.alias or name for name, f in type(self).model_fields.items() if name in self.model_fields_set
        )

    def canonical(self) -> dict[str, Any]:
        """The declaration as JSON-ready data with Polish keys: what the cache key hashes."""
        return self.model_dump(mode="json", by_alias=True)


@dataclass(frozen=True)
class Chart:
    """A declared chart with where it was declared, for messages about it."""

    name: str
    spec: ChartSpec
    source: Path
    line: int | None = None
    # The line of each key of the section, for problems found only when the chart is drawn.
    lines: Mapping[str, int] = field(default_factory=dict)

    def problem(self, message: str, key: str = "") -> Problem:
        return Problem(self.source, f"wykres „{self.name}”: {message}", self.lines.get(key, self.line))

    def module_path(self, settings: Settings) -> Path:
        """The Python file of a custom chart (checked at load to be inside the book)."""
        return settings.book_file(self.spec.file)

    def read_tables(self, tables: Tables) -> tuple[str, ...]:
        """Every table whose contents shape the chart, foreign-key targets of its keys included."""
        spec = self.spec
        if spec.custom:
            return tuple(sorted(set(spec.tables)))
        names = {spec.table}
        resource = tables.schema.resources.get(spec.table)
        if resource is not None:
            for column in (spec.category, spec.split):
                reference = resource.columns[column].reference if column in resource.columns else None
                if reference is not None:
                    names.add(reference[0])
        return tuple(sorted(n for n in names if n in tables.contents))


# --- Loading -------------------------------------------------------------------------------


def load_charts(settings: Settings, tables: Tables) -> dict[str, Chart]:
    """The book's declared charts, checked against its data; none if there is no file."""
    palette = len(settings.colours.charts)
    specs, located = load_entries(
        settings.charts_file,
        "plik wykresów",
        ChartSpec,
        NAME_PATTERN,
        "nazwa wykresu",
        lambda name, spec: check_chart(name, spec, tables, palette, settings),
    )
    if located is None:
        return {}
    path = located.path
    return {
        name: Chart(
            name,
            spec,
            path,
            located.line((name,)),
            {key: line for key in spec.given if (line := located.line((name, key))) is not None},
        )
        for name, spec in specs.items()
    }


def chart_names(settings: Settings) -> set[str] | None:
    """The names declared in the charts file, without checking them (for ``handbook sprawdz``).

    None when the file cannot be read at all: its own error is reported once, by the data
    stage, not again as an unknown chart in every chapter.
    """
    if not settings.charts_file.exists():
        return set()
    try:
        return set(tomllib.loads(settings.charts_file.read_text(encoding="utf-8-sig")))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None


# --- Checks ------------------------------------------------------------------------------


def check_chart(name: str, spec: ChartSpec, tables: Tables, palette: int, settings: Settings) -> list[Issue]:
    """Every consistency and reference problem of one declaration, each with its location."""
    if spec.custom:
        return _check_custom(name, spec, tables, settings)
    issues = _check_structure(name, spec)
    issues += _check_colours(name, spec, palette)
    if not spec.table:
        return issues
    resource, missing = check_table(tables.schema, spec.table, (name, "tabela"))
    if resource is None:
        return issues + missing
    issues += check_filter(resource, spec.filter, (name, "filtr"))
    if spec.category:
        issues += check_key(resource, spec.category, spec.period, (name, "kategorie"))
    if spec.value is not None:
        issues += check_measure(resource, spec.value, (name, "wartosc"))
    for index, series in enumerate(spec.series):
        issues += check_measure(resource, series, (name, "serie", index))
        issues += check_filter(resource, series.filter, (name, "serie", index, "filtr"))
    for index, column in enumerate(spec.extra_columns):
        issues += check_column(resource, column, (name, "dodatkowe_kolumny", index))
    if spec.split:
        issues += check_column(resource, spec.split, (name, "podzial"))
    if issues:
        # Values are checked against the data only once the columns themselves are right.
        return issues
    issues += check_filter_values(tables, tables.schema, spec.table, spec.filter, (name, "filtr"))
    for index, series in enumerate(spec.series):
        here = (name, "serie", index, "filtr")
        issues += check_filter_values(tables, tables.schema, spec.table, series.filter, here)
    categories = _values(tables, spec, spec.category, spec.period)
    splits = _values(tables, spec, spec.split, None) if spec.split else []
    return _check_values(name, spec, resource, categories, splits)


def _check_structure(name: str, spec: ChartSpec) -> list[Issue]:
    issues: list[Issue] = []
    wrong = [key for key in ("plik", "funkcja", "tabele") if key in spec.given]
    for key in wrong:
        issues.append(((name, key), f"pole „{key}” ma sens tylko w wykresie własnym (typ = „{CUSTOM}”)"))
    if not spec.table:
        issues.append(((name, "tabela"), "brak wymaganego pola: z której tabeli są dane wykresu"))
    if not spec.category:
        issues.append(((name, "kategorie"), "brak wymaganego pola: kolumna z kategoriami wykresu"))
    if (spec.value is None) == (not spec.series):
        issues.append(
            (
                (name,),
                "podaj dokładnie jedno z pól: „wartosc” (jedna miara, ewentualnie z podziałem) "
                "albo „serie” (kilka miar, każda w sekcji [[nazwa.serie]])",
            )
        )
    if spec.split and spec.value is None:
        issues.append(
            ((name, "podzial"), "pole podzial dzieli wartość „wartosc”; przy „serie” go nie używaj")
        )
    if spec.series_order and not spec.split:
        issues.append(((name, "kolejnosc_serii"), "pole kolejnosc_serii ma sens tylko razem z „podzial”"))
    if spec.colours and not spec.split:
        issues.append(
            ((name, "kolory"), "pole kolory przypisuje kolory wartościom podziału: ma sens tylko z „podzial”")
        )
    if spec.colour is not None and (spec.value is None or spec.split):
        issues.append(
            (
                (name, "kolor"),
                "pole kolor ma sens tylko przy jednej serii; przy podziale użyj „kolory”, "
                "przy seriach pola kolor w każdej serii",
            )
        )
    several = bool(spec.split) or len(spec.series) > 1
    if spec.layout != "obok" and not several:
        issues.append(((name, "uklad"), f"układ „{spec.layout}” wymaga kilku serii („serie” albo „podzial”)"))
    if spec.layout == "stos" and spec.kind in ("linia", "hantle"):
        hint = "; do skumulowanych obszarów użyj typ = „obszar”" if spec.kind == "linia" else ""
        issues.append(((name, "uklad"), f"układ „stos” nie pasuje do typu „{spec.kind}”{hint}"))
    if spec.layout == "panele" and spec.kind == "hantle":
        issues.append(((name, "uklad"), "wykres „hantle” pokazuje dwie serie na jednej osi; bez „panele”"))
    if spec.kind == "hantle" and spec.series and len(spec.series) != 2:
        issues.append(
            (
                (name, "serie"),
                f"wykres „hantle” łączy dwie wartości (przed i po): potrzebne są dokładnie dwie serie "
                f"(jest: {len(spec.series)})",
            )
        )
    if spec.kind == "hantle" and spec.value is not None and not spec.split:
        issues.append(
            (
                (name, "wartosc"),
                "wykres „hantle” łączy dwie wartości (przed i po): podaj dwie serie [[nazwa.serie]] "
                "albo podzial na dwie wartości",
            )
        )
    if spec.totals and spec.layout != "stos":
        issues.append(((name, "suma"), "pole suma dopisuje sumę nad stosem: ma sens tylko z uklad = „stos”"))
    axis = spec.value_axis
    if axis.minimum is not None and axis.maximum is not None and axis.minimum >= axis.maximum:
        issues.append(((name, "os_wartosci", "max"), "max osi musi być większe niż min"))
    labels = [s.label for s in spec.series]
    repeated = sorted({label for label in labels if labels.count(label) > 1})
    if repeated:
        issues.append(((name, "serie"), f"etykiety serii muszą być różne (powtórzone: {quoted(repeated)})"))
    allowed_sort = (*SORT_KEYS, *labels)
    if spec.sort_by and not spec.split and spec.sort_by not in allowed_sort:
        issues.append(
            ((name, "sortuj_wedlug"), f"nieznana wartość „{spec.sort_by}”; dozwolone: {quoted(allowed_sort)}")
        )
    if spec.sort_by == "różnica" and not several:
        issues.append(
            ((name, "sortuj_wedlug"), "„różnica” (ostatnia seria minus pierwsza) wymaga kilku serii")
        )
    return issues


def _check_colours(name: str, spec: ChartSpec, palette: int) -> list[Issue]:
    def problem(value: int) -> str | None:
        if 1 <= value <= palette:
            return None
        return (
            f"kolor {value} spoza palety: podaj numer od 1 do {palette} "
            "(kolejny kolor z listy [kolory] wykresy w conf/handbook.toml)"
        )

    issues: list[Issue] = []
    if spec.colour is not None and (message := problem(spec.colour)):
        issues.append(((name, "kolor"), message))
    for index, series in enumerate(spec.series):
        if series.colour is not None and (message := problem(series.colour)):
            issues.append(((name, "serie", index, "kolor"), message))
    for key, value in spec.colours.items():
        if message := problem(value):
            issues.append(((name, "kolory", key), message))
    return issues


def effective_period(resource: Resource, column: str, period: str | None) -> str | None:
    """The declared period, or the one a date-typed column implies (months for ``yearmonth``)."""
    if period or column not in resource.columns:
        return period
    kind = resource.columns[column].type
    if kind not in TEMPORAL:
        return None
    return {"yearmonth": "miesiąc", "year": "rok"}.get(kind, "dzień")


def _values(tables: Tables, spec: ChartSpec, column: str, period: str | None) -> list[Any]:
    resource = tables.schema.resources[spec.table]
    return keys(
        tables, tables.schema, spec.table, column, effective_period(resource, column, period), spec.filter
    )


def value_text(value: Any, period: str | None = None) -> str:
    """A category or split value as it is written in the book file (``etykiety`` keys, lists)."""
    if isinstance(value, dt.date) and not isinstance(value, pd.Timestamp):
        value = pd.Timestamp(value)
    return key_text(value, period)


def _check_values(
    name: str, spec: ChartSpec, resource: Resource, categories: Sequence[Any], splits: Sequence[Any]
) -> list[Issue]:
    """References to values of the data: ``kolejnosc``, ``etykiety``, ``kolory``, ``sortuj_wedlug``…"""
    period = effective_period(resource, spec.category, spec.period)
    category_texts = [value_text(v, period) for v in categories]
    split_texts = [value_text(v) for v in splits]
    issues: list[Issue] = []

    def listed(texts: Sequence[str]) -> str:
        shown = quoted(texts[:30]) + (" …" if len(texts) > 30 else "")
        return shown or "(brak wierszy po filtrze)"

    if isinstance(spec.order, tuple):
        for index, value in enumerate(spec.order):
            if value_text(value, period) not in category_texts:
                issues.append(
                    (
                        (name, "kolejnosc"),
                        f"wartości „{value}” (pozycja {index + 1}) nie ma w kategoriach wykresu; "
                        f"dostępne: {listed(category_texts)}",
                    )
                )
    for value in spec.series_order:
        if value_text(value) not in split_texts:
            issues.append(
                (
                    (name, "kolejnosc_serii"),
                    f"wartości „{value}” nie ma w kolumnie podziału „{spec.split}”; "
                    f"dostępne: {listed(split_texts)}",
                )
            )
    known = {*category_texts, *split_texts}
    for key in spec.labels:
        if key not in known:
            issues.append(
                (
                    (name, "etykiety", key),
                    f"wartości „{key}” nie ma ani w kategoriach, ani w podziale wykresu; "
                    f"dostępne: {listed([*category_texts, *split_texts])}",
                )
            )
    for key in spec.colours:
        if key not in split_texts:
            issues.append(
                (
                    (name, "kolory", key),
                    f"wartości „{key}” nie ma w kolumnie podziału „{spec.split}”; "
                    f"dostępne: {listed(split_texts)}",
                )
            )
    if spec.split:
        labels = [spec.labels.get(t, t) for t in split_texts]
        allowed = (*SORT_KEYS, *labels)
        if spec.sort_by and spec.sort_by not in allowed and spec.sort_by not in split_texts:
            issues.append(
                ((name, "sortuj_wedlug"), f"nieznana wartość „{spec.sort_by}”; dozwolone: {quoted(allowed)}")
            )
        chosen = [t for t in split_texts if not spec.series_order or t in map(value_text, spec.series_order)]
        if spec.kind == "hantle" and len(chosen) != 2:
            issues.append(
                (
                    (name, "podzial"),
                    f"wykres „hantle” łączy dwie wartości (przed i po), a kolumna „{spec.split}” ma ich "
                    f"{len(chosen)}: {listed(chosen)}; wybierz dwie polem kolejnosc_serii albo filtrem",
                )
            )
    return issues


def _check_custom(name: str, spec: ChartSpec, tables: Tables, settings: Settings) -> list[Issue]:
    issues: list[Issue] = []
    for key in spec.given:
        if key not in CUSTOM_KEYS:
            issues.append(
                (
                    (name, key),
                    f"pole „{key}” nie dotyczy wykresu własnego (rysuje go kod w pliku „plik”); "
                    f"dozwolone pola: {quoted(CUSTOM_KEYS)}",
                )
            )
    for index, table in enumerate(spec.tables):
        issues += check_table(tables.schema, table, (name, "tabele", index))[1]
    if not spec.file:
        return [*issues, ((name, "plik"), "wykres własny potrzebuje pola plik, np. „conf/wykresy/mapa.py”")]
    where = (name, "plik")
    try:
        path = settings.book_file(spec.file)
    except HandbookError:
        return [*issues, (where, f"ścieżka „{spec.file}” wychodzi poza katalog podręcznika")]
    if path.suffix != ".py":
        return [*issues, (where, f"plik wykresu własnego musi być modułem Pythona .py (jest: „{spec.file}”)")]
    if not path.is_file():
        return [*issues, (where, f"nie ma pliku „{spec.file}” w katalogu podręcznika")]
    # The module is parsed, not run: loading the book's declarations never executes its code.
    try:
        tree = ast.parse(path.read_bytes(), filename=str(path))
    except SyntaxError as error:
        return [
            *issues,
            (where, f"plik „{spec.file}” ma błąd składni Pythona w wierszu {error.lineno}: {error.msg}"),
        ]
    functions = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
    if spec.function not in functions:
        shown = quoted(sorted(functions)) or "(żadnej)"
        issues.append(
            (
                (name, "funkcja") if "funkcja" in spec.given else where,
                f"w pliku „{spec.file}” nie ma funkcji „{spec.function}”; zdefiniowane funkcje: {shown}",
            )
        )
    if not spec.alt and DATA_FUNCTION not in functions:
        issues.append(
            (
                (name,),
                f"wykres własny potrzebuje pola alt (opis wykresu dla osób niewidomych) albo funkcji "
                f"„{DATA_FUNCTION}(tables)” w pliku „{spec.file}”, z której powstanie tabela danych i opis",
            )
        )
    return issues
