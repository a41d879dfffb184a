"""The chart engine on a fictional county's data: declarations, numbers, drawing and words.

Nothing here reads the repository's book: the tables, the schema and every ``wykresy.toml``
are written by the tests (Powiat Jeziorański, its volunteers' duty shifts and a survey).
"""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PathCollection, PolyCollection
from matplotlib.colors import to_hex
from matplotlib.container import BarContainer
from matplotlib.figure import Figure

from handbook.charts.custom import render_custom
from handbook.charts.describe import alt_text, data_table
from handbook.charts.draw import draw
from handbook.charts.frame import ChartData, chart_data, polish_key
from handbook.charts.runner import chart_style, describe, render
from handbook.charts.spec import Chart, chart_names, load_charts
from handbook.charts.style import house_style, text_colour
from handbook.data.load import Tables
from handbook.errors import HandbookError
from handbook.settings import Colours, DataSettings, Paths, Settings

NB = "\u00a0"
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00")
GMINAS = ["Jeziorany", "Borówka", "Stare Sioło", "Wielka Łąka Zaodrzańska", "Żabno"]

# --- A tiny book ---------------------------------------------------------------------------


def descriptor() -> dict[str, object]:
    def field(name: str, kind: str, title: str, **extra: object) -> dict[str, object]:
        return {"name": name, "type": kind, "title": title, **extra}

    return {
        "resources": [
            {
                "name": "gminy",
                "path": "gminy.csv",
                "title": "Gminy",
                "schema": {
                    "fields": [field("gmina", "string", "Gmina"), field("ludnosc", "integer", "Mieszkańcy")],
                    "primaryKey": "gmina",
                },
            },
            {
                "name": "dyzury",
                "path": "dyzury.csv",
                "title": "Dyżury wolontariuszy",
                "schema": {
                    "fields": [
                        field("id", "string", "Identyfikator"),
                        field("data", "date", "Data"),
                        field("gmina", "string", "Gmina"),
                        field(
                            "rodzaj",
                            "string",
                            "Rodzaj dyżuru",
                            constraints={"enum": ["sąsiedzki", "szkolny", "parafialny"]},
                        ),
                        field("godziny", "number", "Czas dyżuru", unit="godziny"),
                        field("osoby", "integer", "Liczba osób"),
                        field("zdalny", "boolean", "Zdalny"),
                        field("opis", "string", "Opis"),
                    ],
                    "foreignKeys": [
                        {"fields": "gmina", "reference": {"resource": "gminy", "fields": "gmina"}}
                    ],
                },
            },
            {
                "name": "ankieta",
                "path": "ankieta.csv",
                "title": "Ankieta",
                "schema": {
                    "fields": [
                        field("osoba", "string", "Osoba"),
                        field(
                            "obszar",
                            "string",
                            "Obszar",
                            constraints={"enum": ["komunikacja", "organizacja", "finanse"]},
                        ),
                        field("przed", "integer", "Przed"),
                        field("po", "integer", "Po"),
                    ]
                },
            },
            {
                "name": "stan",
                "path": "stan.csv",
                "title": "Stan na koniec miesiąca",
                "schema": {
                    "fields": [
                        field("miesiac", "yearmonth", "Miesiąc"),
                        field("kola", "integer", "Koła"),
                        field("grupy", "integer", "Grupy"),
                    ]
                },
            },
        ]
    }


SHIFTS = [
    ("D1", "2024-03-05", "Jeziorany", "sąsiedzki", 2.0, 4, False, "Zakupy dla seniorów"),
    ("D2", "2024-03-12", "Jeziorany", "szkolny", 3.0, 6, False, "Korepetycje"),
    ("D3", "2024-03-20", "Borówka", "sąsiedzki", 1.5, 2, True, "Telefon zaufania"),
    ("D4", "2024-04-02", "Żabno", "parafialny", 4.0, 8, False, "Festyn"),
    ("D5", "2024-04-09", "Jeziorany", "sąsiedzki", 2.0, 3, True, "Zakupy dla seniorów"),
    ("D6", "2024-05-14", "Borówka", "szkolny", 2.5, 5, False, "Świetlica"),
    ("D7", "2024-05-21", "Wielka Łąka Zaodrzańska", "sąsiedzki", 1.0, 1, False, "Odśnieżanie"),
    ("D8", "2024-07-02", "Żabno", "szkolny", 2.0, 3, False, "Półkolonie"),
]


def frames() -> dict[str, pd.DataFrame]:
    shifts = pd.DataFrame(
        SHIFTS, columns=["id", "data", "gmina", "rodzaj", "godziny", "osoby", "zdalny", "opis"]
    )
    shifts["data"] = pd.to_datetime(shifts["data"])
    survey = pd.DataFrame(
        [
            ("O1", "komunikacja", 2, 4),
            ("O1", "organizacja", 3, 4),
            ("O1", "finanse", 1, 2),
            ("O2", "komunikacja", 3, 5),
            ("O2", "organizacja", 2, 4),
            ("O2", "finanse", 2, 2),
            ("O3", "komunikacja", 1, 3),
            ("O3", "organizacja", 3, 3),
            ("O3", "finanse", 2, 3),
        ],
        columns=["osoba", "obszar", "przed", "po"],
    )
    state = pd.DataFrame(
        {"miesiac": pd.to_datetime(["2024-03", "2024-04", "2024-05"]), "kola": [2, 3, 5], "grupy": [0, 1, 2]}
    )
    return {
        "gminy": pd.DataFrame({"gmina": GMINAS, "ludnosc": [9100, 4200, 2500, 1800, 3100]}),
        "dyzury": shifts,
        "ankieta": survey,
        "stan": state,
    }


def make_tables(changed: dict[str, pd.DataFrame] | None = None) -> Tables:
    tables = {**frames(), **(changed or {})}
    contents = {name: frame.to_csv(index=False).encode() for name, frame in tables.items()}
    files = {name: Path(f"{name}.csv") for name in tables}
    return Tables(tables, files, descriptor(), contents)


def make_settings(root: Path, illustrative: bool = True) -> Settings:
    """Only what the chart engine reads of a book's settings (its other sections are not needed)."""
    return Settings.model_construct(
        root=root.resolve(),
        colours=Colours.model_construct(charts=PALETTE),
        data=DataSettings.model_construct(illustrative=illustrative, notice="Dane wymyślone."),
        paths=Paths(),
    )


def declare(settings: Settings, tables: Tables, text: str) -> dict[str, Chart]:
    settings.charts_file.parent.mkdir(parents=True, exist_ok=True)
    settings.charts_file.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return load_charts(settings, tables)


@pytest.fixture
def book(tmp_path: Path) -> tuple[Settings, Tables]:
    return make_settings(tmp_path), make_tables()


def chart(book: tuple[Settings, Tables], text: str, name: str = "w") -> Chart:
    return declare(*book, text)[name]


def data_of(book: tuple[Settings, Tables], text: str) -> ChartData:
    settings, tables = book
    return chart_data(chart(book, text).spec, tables, chart_style(settings))


def figure_of(book: tuple[Settings, Tables], text: str) -> Figure:
    settings, tables = book
    figure = render(chart(book, text), tables, chart_style(settings), settings)
    figure.canvas.draw()
    return figure


def problems(book: tuple[Settings, Tables], text: str) -> list[str]:
    with pytest.raises(HandbookError) as raised:
        declare(*book, text)
    return [str(p) for p in raised.value.problems]


def bars(ax) -> list[BarContainer]:
    return [c for c in ax.containers if isinstance(c, BarContainer)]


def ticks(axis) -> list[str]:
    return [t.get_text() for t in axis.get_ticklabels() if t.get_text()]


def hexes(container: BarContainer) -> set[str]:
    return {to_hex(p.get_facecolor()).upper() for p in container.patches}


BY_GMINA = """
    [w]
    podpis = "Dyżury w gminach"
    tabela = "dyzury"
    kategorie = "gmina"
"""


# --- Declarations: every mistake is located and lists what is allowed ---------------------


def test_a_book_without_charts_file_has_no_charts(book):
    settings, tables = book
    assert load_charts(settings, tables) == {}
    assert chart_names(settings) == set()


def test_declared_names_are_read_even_when_a_declaration_is_wrong(book):
    settings, tables = book
    with pytest.raises(HandbookError):
        declare(settings, tables, '[dobry]\npodpis = "A"\n\n[zly]\npodpis = "B"\ntyp = "tort"\n')
    assert chart_names(settings) == {"dobry", "zly"}


@pytest.mark.parametrize(
    ("body", "line", "fragments"),
    [
        (
            'kolorek = 2\nwartosc = { agregacja = "liczba" }',
            5,
            ["nieznane pole „kolorek”", "kolor", "kolejnosc"],
        ),
        ('typ = "tort"\nwartosc = { agregacja = "liczba" }', 5, ["„słupki poziome”", "„hantle”", "„własny”"]),
        ('wartosc = { agregacja = "mediana" }', 5, ["„średnia ważona”", "„liczba różnych”"]),
        ('wartosc = { agregacja = "liczba" }\nuklad = "kolo"', 6, ["„obok”", "„stos”", "„panele”"]),
        ('wartosc = { agregacja = "liczba" }\nkolejnosc = "losowo"', 6, ["„malejąco”", "„alfabetycznie”"]),
        ('wartosc = { agregacja = "liczba" }\nokres = "tydzień"', 6, ["„dzień”", "„miesiąc”", "„rok”"]),
        (
            'wartosc = { agregacja = "suma", kolumna = "czas" }',
            5,
            ["nie ma kolumny „czas”", "godziny", "osoby"],
        ),
        (
            'wartosc = { agregacja = "liczba" }\nfiltr = { rodzaj = "miejski" }',
            6,
            ["„sąsiedzki”", "„parafialny”"],
        ),
        ('wartosc = { agregacja = "liczba" }\nkolor = 9', 6, ["kolor 9 spoza palety", "od 1 do 5"]),
        (
            'wartosc = { agregacja = "liczba" }\ndodatkowe_kolumny = ["temat"]',
            6,
            ["nie ma kolumny „temat”", "opis"],
        ),
        (
            'wartosc = { agregacja = "liczba" }\nkolejnosc = ["Borowka"]',
            6,
            ["„Borowka”", "„Borówka”", "„Żabno”"],
        ),
        ('wartosc = { agregacja = "liczba" }\netykiety = { Zabno = "Ż." }', 6, ["„Zabno”", "„Żabno”"]),
        (
            'wartosc = { agregacja = "liczba" }\npodzial = "rodzaj"\nkolory = { miejski = 2 }',
            7,
            ["„szkolny”"],
        ),
        (
            'wartosc = { agregacja = "liczba" }\npodzial = "rodzaj"\nkolejnosc_serii = ["x"]',
            7,
            ["„sąsiedzki”"],
        ),
        ('wartosc = { agregacja = "liczba" }\nsortuj_wedlug = "średnia"', 6, ["„suma”", "„różnica”"]),
        ('wartosc = { agregacja = "liczba" }\nplik = "a.py"', 6, ["tylko w wykresie własnym"]),
        ('wartosc = { agregacja = "liczba" }\nsuma = true', 6, ["uklad = „stos”"]),
    ],
)
def test_mistake_is_reported_at_its_line_with_allowed_values(book, body, line, fragments):
    text = f'[w]\npodpis = "Dyżury"\ntabela = "dyzury"\nkategorie = "gmina"\n{body}\n'
    (message,) = problems(book, text)
    assert f"wykresy.toml:{line}:" in message, message
    for fragment in fragments:
        assert fragment in message, message


def test_unknown_table_lists_the_tables(book):
    (message,) = problems(book, '[w]\npodpis = "A"\ntabela = "dyzur"\nkategorie = "gmina"\nwartosc = {}\n')
    assert "wykresy.toml:3:" in message
    assert "nie ma tabeli „dyzur”" in message and "dyzury, ankieta, stan" in message


def test_values_and_series_are_exclusive_and_one_is_required(book):
    both = BY_GMINA + 'wartosc = { agregacja = "liczba" }\n[[w.serie]]\netykieta = "a"\n'
    neither = BY_GMINA
    for text in (both, neither):
        (message,) = problems(book, text)
        assert "dokładnie jedno z pól: „wartosc”" in message and "„serie”" in message


def test_series_keys_are_located_in_their_own_section(book):
    text = """
        [w]
        podpis = "Dyżury"
        tabela = "dyzury"
        kategorie = "gmina"

        [[w.serie]]
        etykieta = "a"

        [[w.serie]]
        etykieta = "b"
        kolor = 0
        filtr = { zdalny = "tak" }
    """
    messages = problems(book, text)
    assert any(":11:" in m and "pole „w.serie.2.kolor”: kolor 0 spoza palety" in m for m in messages)
    assert any(":12:" in m and "true albo false" in m for m in messages), messages


def test_dumbbell_needs_exactly_two_values(book):
    three = '[w]\npodpis = "A"\ntyp = "hantle"\ntabela = "dyzury"\nkategorie = "gmina"\n'
    three += 'wartosc = { agregacja = "liczba" }\npodzial = "rodzaj"\n'
    (message,) = problems(book, three)
    assert "dwie wartości" in message and "„sąsiedzki”, „szkolny”, „parafialny”" in message
    chosen = (
        three + 'kolejnosc_serii = ["szkolny", "sąsiedzki"]\nfiltr = { rodzaj = { nie = "parafialny" } }\n'
    )
    assert chart(book, chosen).spec.kind == "hantle"


def test_a_line_cannot_be_stacked(book):
    text = (
        BY_GMINA + 'typ = "linia"\nuklad = "stos"\nwartosc = { agregacja = "liczba" }\npodzial = "rodzaj"\n'
    )
    (message,) = problems(book, text)
    assert "typ = „obszar”" in message


def test_every_problem_of_every_chart_is_reported_at_once(book):
    text = '[a]\npodpis = "A"\ntabela = "nic"\n\n[B]\npodpis = "B"\ntyp = "tort"\n'
    messages = problems(book, text)
    assert len(messages) >= 3
    assert any("niedozwolone znaki" in m for m in messages)


def test_syntax_error_names_the_line(book):
    with pytest.raises(HandbookError) as raised:
        declare(*book, '[w]\npodpis = "A\n')
    assert raised.value.problems[0].line == 2


# --- Numbers: aggregation, filters, keys, order --------------------------------------------


def values(data: ChartData, index: int = 0) -> list[float]:
    return [round(float(v), 4) for v in data.series[index].values]


@pytest.mark.parametrize(
    ("measure", "expected"),
    [
        ('{ agregacja = "liczba" }', [3, 2, 0, 1, 2]),
        ('{ agregacja = "suma", kolumna = "godziny" }', [7, 4, 0, 1, 6]),
        ('{ agregacja = "średnia", kolumna = "osoby" }', [4.3333, 3.5, float("nan"), 1, 5.5]),
        (
            '{ agregacja = "średnia ważona", kolumna = "godziny", waga = "osoby" }',
            [2.4615, 2.2143, np.nan, 1, 3.4545],
        ),
        ('{ agregacja = "udział" }', [0.375, 0.25, 0, 0.125, 0.25]),
        ('{ agregacja = "udział", warunek = { zdalny = true } }', [0.3333, 0.5, np.nan, 0, 0]),
        ('{ agregacja = "liczba różnych", kolumna = "rodzaj" }', [2, 2, 0, 1, 2]),
        ('{ agregacja = "max", kolumna = "osoby" }', [6, 5, np.nan, 1, 8]),
        ('{ agregacja = "suma", kolumna = ["godziny", "osoby"] }', [20, 11, 0, 2, 17]),
        ('{ agregacja = "suma", kolumna = "godziny", dzielnik = 0.5 }', [14, 8, 0, 2, 12]),
    ],
)
def test_aggregations_per_category_with_zero_for_a_gmina_without_rows(book, measure, expected):
    data = data_of(book, BY_GMINA + f"wartosc = {measure}\n")
    assert data.labels == tuple(GMINAS)  # every gmina of the referenced table, in its order
    np.testing.assert_allclose(data.series[0].values, expected, rtol=1e-3)


def test_chart_filter_and_series_filters(book):
    text = BY_GMINA + 'filtr = { rodzaj = { nie = "parafialny" } }\n'
    text += (
        '[[w.serie]]\netykieta = "wszystkie"\n\n[[w.serie]]\netykieta = "zdalne"\nfiltr = { zdalny = true }\n'
    )
    data = data_of(book, text)
    assert values(data, 0) == [3, 2, 0, 1, 1]  # the festyn (parafialny) in Żabno is filtered out
    assert values(data, 1) == [1, 1, 0, 0, 0]


def test_months_are_continuous_and_named(book):
    text = '[w]\npodpis = "A"\ntabela = "dyzury"\nkategorie = "data"\nokres = "miesiąc"\n'
    data = data_of(book, text + 'wartosc = { agregacja = "suma", kolumna = "godziny" }\n')
    assert data.labels == ("marzec", "kwiecień", "maj", "czerwiec", "lipiec")
    assert values(data) == [6.5, 6, 3.5, 0, 2]
    assert data.category_title == "Miesiąc"


def test_months_across_years_carry_the_year_and_days_are_short(book):
    settings, _ = book
    shifted = frames()["dyzury"].assign(data=pd.to_datetime(["2023-12-30"] + ["2024-01-02"] * 7))
    tables = make_tables({"dyzury": shifted})
    text = '[w]\npodpis = "A"\ntabela = "dyzury"\nkategorie = "data"\nokres = "{}"\nwartosc = {{}}\n'
    months = chart_data(
        declare(settings, tables, text.format("miesiąc"))["w"].spec, tables, chart_style(settings)
    )
    assert months.labels == ("grudzień 2023", "styczeń 2024")
    days = chart_data(
        declare(settings, tables, text.format("dzień"))["w"].spec, tables, chart_style(settings)
    )
    assert days.labels == (f"30{NB}XII 2023", f"2{NB}I 2024")
    assert days.long_labels == (f"30 grudnia 2023{NB}r.", f"2 stycznia 2024{NB}r.")


def test_a_yearmonth_column_is_grouped_by_month_without_declaring_it(book):
    data = data_of(book, '[w]\npodpis = "A"\ntabela = "stan"\nkategorie = "miesiac"\nwartosc = {}\n')
    assert data.labels == ("marzec", "kwiecień", "maj")


def test_cumulative_values_along_the_categories(book):
    text = '[w]\npodpis = "A"\ntabela = "dyzury"\nkategorie = "data"\nokres = "miesiąc"\nnarastajaco = true\n'
    data = data_of(book, text + 'wartosc = { agregacja = "suma", kolumna = "godziny" }\n')
    assert values(data) == [6.5, 12.5, 16, 16, 18]
    assert not data.additive


def test_split_series_follow_the_schema_order_and_can_be_relabelled_and_recoloured(book):
    text = BY_GMINA + 'wartosc = { agregacja = "liczba" }\npodzial = "rodzaj"\n'
    data = data_of(book, text)
    assert [s.label for s in data.series] == ["sąsiedzki", "szkolny", "parafialny"]
    assert [s.colour for s in data.series] == list(PALETTE[:3])
    text += (
        'kolejnosc_serii = ["parafialny"]\netykiety = { szkolny = "szkolne" }\nkolory = { parafialny = 5 }\n'
    )
    data = data_of(book, text)
    assert [s.label for s in data.series] == ["parafialny", "sąsiedzki", "szkolne"]
    assert data.series[0].colour == PALETTE[4]


def test_a_split_value_without_rows_is_not_a_series(book):
    text = BY_GMINA + 'filtr = { rodzaj = ["sąsiedzki", "szkolny"] }\nwartosc = {}\npodzial = "rodzaj"\n'
    assert [s.label for s in data_of(book, text).series] == ["sąsiedzki", "szkolny"]


@pytest.mark.parametrize(
    ("order", "expected"),
    [
        ('"jak w danych"', GMINAS),
        ('"malejąco"', ["Jeziorany", "Żabno", "Borówka", "Wielka Łąka Zaodrzańska", "Stare Sioło"]),
        ('"rosnąco"', ["Stare Sioło", "Wielka Łąka Zaodrzańska", "Borówka", "Żabno", "Jeziorany"]),
        ('"alfabetycznie"', ["Borówka", "Jeziorany", "Stare Sioło", "Wielka Łąka Zaodrzańska", "Żabno"]),
        ('["Żabno", "Borówka"]', ["Żabno", "Borówka", "Jeziorany", "Stare Sioło", "Wielka Łąka Zaodrzańska"]),
    ],
)
def test_category_order(book, order, expected):
    # Borówka and Żabno both have two shifts: the tie is broken by the second series (hours).
    text = BY_GMINA + f"kolejnosc = {order}\n"
    text += '[[w.serie]]\netykieta = "dyżury"\n\n[[w.serie]]\netykieta = "godziny"\n'
    text += 'agregacja = "suma"\nkolumna = "godziny"\n'
    data = data_of(book, text)
    assert list(data.labels) == expected
    assert dict(zip(data.labels, values(data, 1), strict=True))["Żabno"] == 6


def test_ties_keep_the_data_order(book):
    text = BY_GMINA + 'wartosc = { agregacja = "liczba" }\nkolejnosc = "malejąco"\n'
    assert list(data_of(book, text).labels)[:3] == ["Jeziorany", "Borówka", "Żabno"]


@pytest.mark.parametrize(
    ("sort_by", "expected"),
    [
        ("", ["Jeziorany", "Żabno", "Borówka", "Wielka Łąka Zaodrzańska", "Stare Sioło"]),
        ("zdalne", ["Jeziorany", "Borówka", "Żabno", "Wielka Łąka Zaodrzańska", "Stare Sioło"]),
        ("suma", ["Jeziorany", "Żabno", "Borówka", "Wielka Łąka Zaodrzańska", "Stare Sioło"]),
        # zdalne − godziny: 0, −1, −3, then −6 twice (the tie goes to more hours).
        ("różnica", ["Stare Sioło", "Wielka Łąka Zaodrzańska", "Borówka", "Jeziorany", "Żabno"]),
    ],
)
def test_sort_by(book, sort_by, expected):
    text = BY_GMINA + 'kolejnosc = "malejąco"\n' + (f'sortuj_wedlug = "{sort_by}"\n' if sort_by else "")
    text += '[[w.serie]]\netykieta = "godziny"\nagregacja = "suma"\nkolumna = "godziny"\n\n'
    text += '[[w.serie]]\netykieta = "zdalne"\nfiltr = { zdalny = true }\n'
    assert list(data_of(book, text).labels) == expected


def test_polish_alphabetical_order():
    words = ["żaba", "zebra", "łąka", "lis", "ćma", "cis", "Śliwa", "sowa"]
    assert sorted(words, key=polish_key) == ["cis", "ćma", "lis", "łąka", "sowa", "Śliwa", "zebra", "żaba"]


def test_extra_columns_carry_the_first_value_of_each_category(book):
    text = '[w]\npodpis = "A"\ntabela = "dyzury"\nkategorie = "data"\nokres = "dzień"\n'
    data = data_of(
        book, text + 'wartosc = { agregacja = "suma", kolumna = "osoby" }\ndodatkowe_kolumny = ["opis"]\n'
    )
    assert data.extras["Opis"][:2] == ("Zakupy dla seniorów", "Korepetycje")


# --- Drawing -------------------------------------------------------------------------------


def test_vertical_bars_show_values_in_palette_colour_with_polish_numbers(book):
    text = BY_GMINA + 'wartosc = { agregacja = "suma", kolumna = "godziny", dzielnik = 0.001 }\nkolor = 3\n'
    figure = figure_of(book, text)
    ax = figure.axes[0]
    (container,) = bars(ax)
    assert list(container.datavalues) == [7000, 4000, 0, 1000, 6000]
    assert hexes(container) == {PALETTE[2]}
    assert f"7{NB}000" in [t.get_text() for t in ax.texts]
    assert all("," not in t or NB in t for t in ticks(ax.yaxis))
    assert "Dane ilustracyjne" in [t.get_text() for t in figure.findobj(lambda a: hasattr(a, "get_text"))]


def test_grouped_bars_sit_side_by_side_with_a_legend_above_the_plot(book):
    text = BY_GMINA + '[[w.serie]]\netykieta = "dyżury"\n\n[[w.serie]]\netykieta = "zdalne"\n'
    text += "filtr = { zdalny = true }\nkolor = 2\n"
    figure = figure_of(book, text)
    ax = figure.axes[0]
    first, second = bars(ax)
    assert first.patches[0].get_x() < second.patches[0].get_x()
    assert hexes(second) == {PALETTE[1]}
    legend = figure.legends[0]
    assert [t.get_text() for t in legend.get_texts()] == ["dyżury", "zdalne"]
    renderer = figure.canvas.get_renderer()
    assert legend.get_window_extent(renderer).y0 >= ax.get_window_extent(renderer).y1 - 1


def test_stacked_bars_with_totals_and_only_fitting_segment_labels(book):
    settings, _ = book
    tables = make_tables({"stan": frames()["stan"].assign(kola=[200, 300, 500], grupy=[1, 40, 120])})
    text = '[w]\npodpis = "A"\ntabela = "stan"\nkategorie = "miesiac"\nuklad = "stos"\nsuma = true\n'
    text += '[[w.serie]]\netykieta = "koła"\nagregacja = "suma"\nkolumna = "kola"\n\n'
    text += '[[w.serie]]\netykieta = "grupy"\nagregacja = "suma"\nkolumna = "grupy"\n'
    figure = render(declare(settings, tables, text)["w"], tables, chart_style(settings), settings)
    ax = figure.axes[0]
    low, high = bars(ax)
    assert [p.get_y() for p in high.patches] == [200, 300, 500]  # stacked on the first series
    labels = [t.get_text() for t in ax.texts]
    assert {"razem 201", "razem 340", "razem 620"} <= set(labels)
    assert "120" in labels and "1" not in labels  # a segment of 1 out of 620 has no room for its label
    white = [t for t in ax.texts if t.get_text() == "500"]
    assert white and white[0].get_color() == text_colour(PALETTE[0])


def test_colour_by_stack_draws_one_bar_per_category(book):
    text = '[w]\npodpis = "A"\ntabela = "dyzury"\nkategorie = "data"\nokres = "dzień"\nuklad = "stos"\n'
    text += 'wartosc = { agregacja = "suma", kolumna = "osoby" }\npodzial = "rodzaj"\n'
    figure = figure_of(book, text)
    ax = figure.axes[0]
    assert sum(len(c) for c in bars(ax)) == len(SHIFTS)
    assert ticks(ax.xaxis)[0] == f"5{NB}III"


def test_horizontal_bars_largest_on_top_and_taller_with_more_categories(book):
    settings, _ = book
    text = '[w]\npodpis = "A"\ntyp = "słupki poziome"\ntabela = "dyzury"\nkategorie = "gmina"\n'
    text += 'wartosc = { agregacja = "suma", kolumna = "godziny" }\nkolejnosc = "malejąco"\n'
    figure = figure_of(book, text)
    ax = figure.axes[0]
    (container,) = bars(ax)
    top = min(container.patches, key=lambda p: ax.transData.transform((0, p.get_y()))[1] * -1)
    assert top.get_width() == 7  # Jeziorany, the largest, drawn highest
    many = pd.DataFrame({"gmina": [f"Gmina {i}" for i in range(20)], "ludnosc": range(20)})
    shifts = frames()["dyzury"].assign(gmina="Gmina 1")
    tables = make_tables({"gminy": many, "dyzury": shifts})
    tall = render(declare(settings, tables, text)["w"], tables, chart_style(settings), settings)
    assert tall.get_figheight() > figure.get_figheight() + 2


def test_long_category_labels_are_wrapped(book):
    text = '[w]\npodpis = "A"\ntyp = "słupki poziome"\ntabela = "dyzury"\nkategorie = "gmina"\nwartosc = {}\n'
    text += 'etykiety = { "Wielka Łąka Zaodrzańska" = "Wielka Łąka Zaodrzańska nad Jeziorem Czarnym" }\n'
    labels = ticks(figure_of(book, text).axes[0].yaxis)
    assert "Wielka Łąka Zaodrzańska\nnad Jeziorem Czarnym" in labels
    assert "Jeziorany" in labels


def test_crowded_vertical_labels_are_rotated(book):
    settings, _ = book
    many = pd.DataFrame({"gmina": [f"Gmina {i}" for i in range(20)], "ludnosc": range(20)})
    tables = make_tables({"gminy": many, "dyzury": frames()["dyzury"].assign(gmina="Gmina 1")})
    figure = render(
        declare(settings, tables, BY_GMINA + "wartosc = {}\n")["w"], tables, chart_style(settings), settings
    )
    assert {t.get_rotation() for t in figure.axes[0].get_xticklabels()} == {40.0}


def test_value_labels_stay_inside_the_axes_and_fonts_are_legible(book):
    text = BY_GMINA + 'wartosc = { agregacja = "suma", kolumna = "godziny", dzielnik = 0.0001 }\n'
    for kind in ("słupki", "słupki poziome", "linia"):
        figure = figure_of(book, text + f'typ = "{kind}"\n')
        ax = figure.axes[0]
        renderer = figure.canvas.get_renderer()
        frame = ax.get_window_extent(renderer)
        for label in ax.texts:
            box = label.get_window_extent(renderer)
            assert frame.x0 - 1 <= box.x0 and box.x1 <= frame.x1 + 1, (kind, label.get_text())
            assert frame.y0 - 1 <= box.y0 and box.y1 <= frame.y1 + 1, (kind, label.get_text())
        sizes = [t.get_fontsize() for t in figure.findobj(lambda a: hasattr(a, "get_fontsize"))]
        assert min(sizes) >= 8


def test_panels_give_each_series_its_own_axis(book):
    text = BY_GMINA + 'typ = "słupki poziome"\nuklad = "panele"\n'
    text += '[[w.serie]]\netykieta = "godziny"\nagregacja = "suma"\nkolumna = "godziny"\n\n'
    text += '[[w.serie]]\netykieta = "osoby"\nagregacja = "suma"\nkolumna = "osoby"\nkolor = 4\n'
    figure = figure_of(book, text)
    left, right = figure.axes
    assert [c.datavalues.tolist() for c in bars(left)] == [[7, 4, 0, 1, 6]]
    assert [c.datavalues.tolist() for c in bars(right)] == [[13, 7, 0, 1, 11]]
    assert (left.get_xlabel(), right.get_xlabel()) == ("godziny", "osoby")
    assert ticks(left.yaxis) == GMINAS and not ticks(right.yaxis)
    assert hexes(bars(right)[0]) == {PALETTE[3]}
    assert not figure.legends


def test_line_and_stacked_area(book):
    base = '[w]\npodpis = "A"\ntabela = "dyzury"\nkategorie = "data"\nokres = "miesiąc"\n'
    base += 'wartosc = { agregacja = "suma", kolumna = "godziny" }\npodzial = "rodzaj"\n'
    line = figure_of(book, base + 'typ = "linia"\n').axes[0]
    assert list(line.get_lines()[0].get_ydata()) == [3.5, 2, 1, 0, 0]  # sąsiedzki per month
    area = figure_of(book, base + 'typ = "obszar"\nuklad = "stos"\nsuma = true\n').axes[0]
    assert len([c for c in area.collections if isinstance(c, PolyCollection)]) == 3
    assert "razem 6,5" in [t.get_text() for t in area.texts]


def test_dumbbell_dots_before_and_after(book):
    text = '[w]\npodpis = "A"\ntyp = "hantle"\ntabela = "ankieta"\nkategorie = "obszar"\n'
    text += 'kolejnosc = "malejąco"\nsortuj_wedlug = "różnica"\nos_wartosci = { min = 1, max = 5 }\n'
    text += '[[w.serie]]\netykieta = "przed"\nagregacja = "średnia"\nkolumna = "przed"\nkolor = 2\n\n'
    text += '[[w.serie]]\netykieta = "po"\nagregacja = "średnia"\nkolumna = "po"\n'
    ax = figure_of(book, text).axes[0]
    before, after = [c for c in ax.collections if isinstance(c, PathCollection)]
    np.testing.assert_allclose(before.get_offsets()[:, 0], [2, 8 / 3, 5 / 3])
    np.testing.assert_allclose(after.get_offsets()[:, 0], [4, 11 / 3, 7 / 3])
    assert ticks(ax.yaxis) == ["komunikacja", "organizacja", "finanse"]
    assert to_hex(before.get_facecolor()[0]).upper() == PALETTE[1]
    assert ax.get_xlim()[0] == 1 and ax.get_xlim()[1] >= 5
    assert {"2,0", "4,0", "+2,0"} & {t.get_text() for t in ax.texts} == {"2,0", "4,0"}


def test_value_axis_title_limits_and_whole_ticks(book):
    text = BY_GMINA + 'wartosc = {}\nos_wartosci = { tytul = "dyżury", max = 10, calkowite = true }\n'
    text += 'os_kategorii = { tytul = "gmina" }\n'
    ax = figure_of(book, text).axes[0]
    assert ax.get_ylabel() == "dyżury" and ax.get_xlabel() == "gmina"
    assert ax.get_ylim()[1] >= 10
    assert all(float(t).is_integer() for t in ax.get_yticks())


# --- Words: alt text and data table ----------------------------------------------------------


def test_single_series_alt_text_gives_values_shares_total_and_extremes(book):
    text = BY_GMINA + 'typ = "słupki poziome"\nwartosc = { agregacja = "suma", kolumna = "osoby" }\n'
    text += 'kolejnosc = "malejąco"\n'
    data = data_of(book, text)
    alt = alt_text(data, "słupki poziome", "obok")
    assert alt.startswith("Poziomy wykres słupkowy. Kategorie – Gmina (5). Wartości – Liczba osób.")
    assert "Jeziorany: 13 (41%); Żabno: 11 (34%)" in alt
    assert "Razem: 32." in alt
    assert "Najwięcej: 13 (Jeziorany); najmniej: 0 (Stare Sioło)." in alt
    columns, rows = data_table(data, "słupki poziome", "obok")
    assert columns == ("Gmina", "Liczba osób")
    assert rows[0] == ("Jeziorany", "13")


def test_time_alt_text_and_table_use_month_names_and_units(book):
    text = (
        '[w]\npodpis = "A"\ntabela = "dyzury"\nkategorie = "data"\nokres = "miesiąc"\njednostka = "godz."\n'
    )
    text += 'wartosc = { agregacja = "suma", kolumna = "godziny", etykieta = "godziny dyżurów" }\n'
    data = data_of(book, text)
    alt = alt_text(data, "słupki", "obok")
    assert f"Marzec: 6,5{NB}godz. (36%)" in alt
    assert f"Od pierwszej pozycji (marzec): 6,5{NB}godz., do ostatniej (lipiec): 2,0{NB}godz." in alt
    assert ".." not in alt
    columns, rows = data_table(data, "słupki", "obok")
    assert columns == ("Miesiąc", "Godziny dyżurów (godz.)")
    assert rows[3] == ("czerwiec", "0,0")


def test_many_categories_are_summarised(book):
    settings, _ = book
    days = pd.DataFrame(
        {
            "id": [f"D{i}" for i in range(30)],
            "data": pd.date_range("2024-03-01", periods=30),
            "gmina": "Borówka",
            "rodzaj": "szkolny",
            "godziny": 1.0,
            "osoby": range(30),
            "zdalny": False,
            "opis": "x",
        }
    )
    tables = make_tables({"dyzury": days})
    text = '[w]\npodpis = "A"\ntabela = "dyzury"\nkategorie = "data"\nokres = "dzień"\nsumowalne = false\n'
    text += 'wartosc = { agregacja = "suma", kolumna = "osoby" }\n'
    data = chart_data(declare(settings, tables, text)["w"].spec, tables, chart_style(settings))
    alt = alt_text(data, "słupki", "obok")
    assert "(30)" in alt and "Największe wartości: 30 marca (29), 29 marca (28), 28 marca (27)" in alt
    assert "17 marca" not in alt  # not every value is read out
    assert "Średnio: 14,5." in alt and "Razem" not in alt


def test_stacked_table_has_a_total_and_the_alt_skips_empty_segments(book):
    text = (
        BY_GMINA
        + 'uklad = "stos"\nwartosc = {}\npodzial = "rodzaj"\nfiltr = { gmina = ["Jeziorany", "Żabno"] }\n'
    )
    data = data_of(book, text)
    columns, rows = data_table(data, "słupki", "stos")
    assert columns == ("Gmina", "Sąsiedzki", "Szkolny", "Parafialny", "Razem")
    assert rows == (("Jeziorany", "2", "1", "0", "3"), ("Żabno", "0", "1", "1", "2"))
    alt = alt_text(data, "słupki", "stos")
    assert alt.startswith("Skumulowany wykres słupkowy.")
    assert "Żabno – szkolny 1, parafialny 1, razem 2" in alt
    assert "Razem: 5 (sąsiedzki 2, szkolny 2, parafialny 1)." in alt


def test_colour_by_table_names_the_split_column(book):
    text = '[w]\npodpis = "A"\ntabela = "dyzury"\nkategorie = "data"\nokres = "dzień"\nuklad = "stos"\n'
    text += 'wartosc = { agregacja = "suma", kolumna = "osoby", etykieta = "obecni" }\npodzial = "rodzaj"\n'
    text += 'dodatkowe_kolumny = ["opis"]\nsumowalne = false\n'
    data = data_of(book, text)
    columns, rows = data_table(data, "słupki", "stos")
    assert columns == ("Data", "Opis", "Rodzaj dyżuru", "Obecni")
    assert rows[0] == ("5 marca", "Zakupy dla seniorów", "sąsiedzki", "4")
    alt = alt_text(data, "słupki", "stos")
    assert "kolor słupka oznacza: rodzaj dyżuru" in alt
    assert "Najwięcej: 8 (2 kwietnia – Festyn); najmniej: 1 (21 maja – Odśnieżanie)." in alt


def test_dumbbell_alt_text_and_table_give_the_change(book):
    text = '[w]\npodpis = "A"\ntyp = "hantle"\ntabela = "ankieta"\nkategorie = "obszar"\n'
    text += "miejsca_po_przecinku = 1\n"
    text += '[[w.serie]]\netykieta = "przed"\nagregacja = "średnia"\nkolumna = "przed"\n\n'
    text += '[[w.serie]]\netykieta = "po"\nagregacja = "średnia"\nkolumna = "po"\n'
    data = data_of(book, text)
    alt = alt_text(data, "hantle", "obok")
    assert "Komunikacja: z 2,0 do 4,0 (+2,0)" in alt
    assert "średnia zmiana +1,2" in alt
    assert "Największa zmiana: komunikacja (+2,0), najmniejsza: finanse (+0,7)." in alt
    columns, rows = data_table(data, "hantle", "obok")
    assert columns == ("Obszar", "Przed", "Po", "Zmiana")
    assert rows[2] == ("finanse", "1,7", "2,3", "+0,7")


def test_declared_alt_and_headers_take_precedence(book):
    settings, tables = book
    text = BY_GMINA + 'wartosc = {}\nalt = "Opis od redakcji."\nnaglowki_tabeli = ["Gmina", "Dyżury"]\n'
    alt, (columns, _) = describe(chart(book, text), tables, chart_style(settings), settings)
    assert (alt, columns) == ("Opis od redakcji.", ("Gmina", "Dyżury"))
    wrong = chart(book, BY_GMINA + 'wartosc = {}\nnaglowki_tabeli = ["Gmina"]\n')
    with pytest.raises(HandbookError) as raised:
        describe(wrong, tables, chart_style(settings), settings)
    (problem,) = raised.value.problems
    assert problem.line == 6 and "tabela ma 2 kolumn" in problem.message


# --- Custom charts -----------------------------------------------------------------------------

MODULE = """
from matplotlib.figure import Figure
import pandas as pd


def wykres(tables, style):
    figure = Figure()
    figure.subplots().bar([0, 1], [1, 2], color=style.colour(0))
    return figure


def dane(tables):
    counts = tables["dyzury"].groupby("gmina").size()
    return pd.DataFrame({"Gmina": counts.index, "Dyżury": counts.to_numpy()})
"""

CUSTOM = '[mapa]\npodpis = "Mapa"\ntyp = "własny"\nplik = "conf/wykresy/mapa.py"\ntabele = ["dyzury"]\n'


def write_module(settings: Settings, text: str) -> Path:
    path = settings.root / "conf" / "wykresy" / "mapa.py"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_custom_chart_is_drawn_by_the_books_function_and_described_by_its_data(book):
    settings, tables = book
    write_module(settings, MODULE)
    custom = declare(settings, tables, CUSTOM)["mapa"]
    before = set(sys.modules)
    figure = render(custom, tables, chart_style(settings), settings)
    assert isinstance(figure, Figure) and len(figure.axes[0].patches) == 2
    assert "Dane ilustracyjne" in [t.get_text() for t in figure.texts]
    alt, (columns, rows) = describe(custom, tables, chart_style(settings), settings)
    assert columns == ("Gmina", "Dyżury") and ("Jeziorany", "3") in rows
    assert alt.startswith("Wykres. Kategorie – Gmina (4).") and "Jeziorany: 3" in alt
    assert set(sys.modules) == before  # the book's module does not stay behind


@pytest.mark.parametrize(
    ("module", "extra", "fragment"),
    [
        (None, "", "nie ma pliku „conf/wykresy/mapa.py”"),
        (MODULE, 'funkcja = "rysuj"\n', "nie ma funkcji „rysuj”; zdefiniowane funkcje: „dane”, „wykres”"),
        (MODULE.replace("def dane", "def _dane"), "", "potrzebuje pola alt"),
        ("def wykres(:\n", "", "błąd składni Pythona w wierszu 1"),
    ],
)
def test_custom_chart_mistakes_found_at_load(book, module, extra, fragment):
    settings, _ = book
    if module is not None:
        write_module(settings, module)
    (message,) = problems(book, CUSTOM + extra)
    assert "wykresy.toml:" in message and fragment in message


def test_custom_chart_must_stay_inside_the_book(book):
    (message,) = problems(book, CUSTOM.replace("conf/wykresy/mapa.py", "../mapa.py"))
    assert "wychodzi poza katalog podręcznika" in message


def test_custom_chart_may_not_use_the_declared_vocabulary(book):
    settings, _ = book
    write_module(settings, MODULE)
    (message,) = problems(book, CUSTOM + 'kategorie = "gmina"\n')
    assert "nie dotyczy wykresu własnego" in message and "„plik”" in message


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ("def wykres(tables, style):\n    return 1 / 0\n", "wiersz 2: ZeroDivisionError"),
        ("def wykres(tables, style):\n    return 'rysunek'\n", "zwróciła str zamiast rysunku"),
        (
            "import nieistniejacy_modul\ndef wykres(tables, style):\n    pass\n",
            "podczas wczytywania pliku, wiersz 1",
        ),
    ],
)
def test_custom_chart_failures_name_the_file_without_traceback(book, body, fragment):
    settings, tables = book
    write_module(settings, body)
    custom = declare(settings, tables, CUSTOM + 'alt = "Mapa gmin."\n')["mapa"]
    with pytest.raises(HandbookError) as raised, house_style():
        render_custom(custom, settings, tables, chart_style(settings))
    (problem,) = raised.value.problems
    assert problem.path == settings.charts_file and problem.line == 1
    assert "plik „conf/wykresy/mapa.py”" in problem.message and fragment in problem.message
    assert "Traceback" not in str(raised.value)


def test_draw_is_pure(book):
    settings, tables = book
    spec = chart(book, BY_GMINA + "wartosc = {}\n").spec
    data = chart_data(spec, tables, chart_style(settings))
    with house_style():
        one, two = draw(spec, data, chart_style(settings)), draw(spec, data, chart_style(settings))
    assert one is not two and [c.datavalues.tolist() for c in bars(one.axes[0])] == [[3, 2, 0, 1, 2]]


def test_a_share_is_shown_in_percent_everywhere(book):
    text = """
        [w]
        podpis = "Dyżury zdalne w gminach"
        typ = "słupki poziome"
        tabela = "dyzury"
        kategorie = "gmina"
        wartosc = { agregacja = "udział", warunek = { zdalny = true } }
    """
    data = data_of(book, text)
    assert data.percent and data.value_title == "udział"
    _, rows = data_table(data, "słupki poziome", "obok")
    assert dict(rows)["Jeziorany"] == "33,3%"  # 1 remote of 3 shifts; one decimal in every cell
    alt = alt_text(data, "słupki poziome", "obok")
    assert "Borówka: 50,0%" in alt
    assert "Średnio" not in alt  # the mean of the gminas' shares is not the county's share
    ax = figure_of(book, text).axes[0]
    assert all(label.endswith("%") for label in ticks(ax.xaxis))


def test_a_long_time_axis_names_only_some_periods(book):
    settings, tables = book
    many = pd.DataFrame(
        [(f"D{i}", f"2024-03-{i:02d}", "Jeziorany", "sąsiedzki", 1.0, 1, False, "x") for i in range(1, 29)],
        columns=["id", "data", "gmina", "rodzaj", "godziny", "osoby", "zdalny", "opis"],
    )
    many["data"] = pd.to_datetime(many["data"])
    text = """
        [w]
        podpis = "Dyżury dzień po dniu"
        typ = "linia"
        tabela = "dyzury"
        kategorie = "data"
        okres = "dzień"
        wartosc = { agregacja = "liczba" }
        narastajaco = true
    """
    figure = render(
        declare(settings, make_tables({"dyzury": many}), text)["w"],
        make_tables({"dyzury": many}),
        chart_style(settings),
        settings,
    )
    figure.canvas.draw()
    ax = figure.axes[0]
    shown = ticks(ax.xaxis)
    assert 3 <= len(shown) <= 10 and shown[0] == f"1{NB}III" and shown[-1] == f"28{NB}III"
    assert ax.get_ylim()[0] == 0  # a count starts at zero


def test_a_grouped_split_with_many_cells_is_summarised_per_category(book, monkeypatch):
    monkeypatch.setattr("handbook.charts.describe.VALUE_LIMIT", 10)
    text = """
        [w]
        podpis = "Dyżury według gmin i rodzaju"
        tabela = "dyzury"
        kategorie = "gmina"
        podzial = "rodzaj"
        wartosc = { agregacja = "suma", kolumna = "godziny" }
        uklad = "obok"
    """
    data = data_of(book, text)
    assert len(data.keys) * len(data.series) > 10  # 5 gminas × 3 kinds: more than is read out
    alt = alt_text(data, "słupki", "obok")
    assert "Jeziorany: najwięcej „sąsiedzki” (4,0)" in alt
    assert "Wielka Łąka Zaodrzańska: najwięcej „sąsiedzki”" in alt
