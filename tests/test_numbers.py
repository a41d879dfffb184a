"""Numbers for the prose: declared by the book, computed from its tables, printed the Polish way."""

from __future__ import annotations

import datetime as dt

import pytest
from bs4 import BeautifulSoup

from conftest import reader_text
from handbook.build.staging import build_site
from handbook.data.load import load_tables
from handbook.errors import HandbookError
from handbook.numbers.compute import compute_all, format_value, write_numbers
from handbook.numbers.spec import NumberSpec, load_numbers
from handbook.pipeline import prepare_data

NB = "\u00a0"


@pytest.fixture
def book(make_project):
    return make_project()


def _numbers(settings, extra: str = "") -> dict[str, str]:
    if extra:
        with settings.numbers_file.open("a", encoding="utf-8") as file:
            file.write("\n" + extra)
    tables = load_tables(settings)
    return {k: v["tekst"] for k, v in compute_all(load_numbers(settings, tables), tables).items()}


def test_every_aggregate_of_the_test_book(book):
    values = _numbers(book)
    assert values["liczba_zajec"] == "9"
    assert values["godziny_razem"] == "31,5"  # sum, one decimal
    assert values["obecni_srednio"] == "1,2"  # mean of 11 / 9
    assert values["po_kursie"] == "8"  # count with a filter
    assert values["odsetek_po_kursie"] == "67%"  # share with a condition: 8 / 12
    assert values["okres_zajec"] == f"16 marca – 9 listopada 2024{NB}r."
    assert values["pierwsze_zajecia"] == f"16 marca 2024{NB}r."
    assert values["ludnosc"] == f"39{NB}000"


def test_more_aggregates_declared_in_the_file(book):
    values = _numbers(
        book,
        """
[obecni_wazona]
opis = "średnia ocena ważona liczbą obecnych"
tabela = "warsztaty"
agregacja = "średnia ważona"
kolumna = "godziny"
waga = "obecni"
miejsca_po_przecinku = 2

[gminy_zajec]
opis = "liczba gmin, w których były zajęcia"
tabela = "warsztaty"
agregacja = "liczba różnych"
kolumna = "gmina"

[najdluzsze]
opis = "najdłuższe zajęcia (minuty)"
tabela = "warsztaty"
agregacja = "max"
kolumna = "godziny"

[minuty]
opis = "godziny w minutach"
tabela = "warsztaty"
agregacja = "suma"
kolumna = "godziny"
dzielnik = 0.016666666666666666

[ostatnie_zajecia]
opis = "ostatnie zajęcia"
tabela = "warsztaty"
agregacja = "ostatnia data"
kolumna = "data"

[ostatni_zapis]
opis = "zapisani i obecni na ostatnich zajęciach"
tabela = "warsztaty"
agregacja = "ostatnia wartość"
kolumna = ["zapisani", "obecni"]
wedlug = "data"

[udzial_gminy]
opis = "udział gminy w godzinach zajęć"
tabela = "warsztaty"
agregacja = "udział"
kolumna = "godziny"
dla_kazdego = "gmina"
miejsca_po_przecinku = 1

[koszt]
opis = "koszt materiałów"
tabela = "gminy"
agregacja = "suma"
kolumna = "godziny_zajec"
format = "kwota"
miejsca_po_przecinku = 2

[zajecia_w_miesiacu]
opis = "zajęcia w miesiącu"
tabela = "warsztaty"
dla_kazdego = "data"
okres = "miesiąc"

[zajecia_rodzaju]
opis = "zajęcia danego rodzaju poza wyjazdami"
tabela = "warsztaty"
filtr = { rodzaj = { nie = "wyjazd" } }
dla_kazdego = "rodzaj"

[certyfikowani_w_gminie]
opis = "wolontariusze po kursie w gminie"
tabela = "wolontariusze"
filtr = { kurs = true, gmina = { nie = "Modrzew" } }
dla_kazdego = "gmina"

[srednia_pusta]
opis = "średnia ocena w gminie"
tabela = "wolontariusze"
agregacja = "średnia"
kolumna = "ocena_po"
filtr = { ocena_przed = { od = 3 } }
dla_kazdego = "gmina"
""",
    )
    # (2·3 + 4·2 + 4·2 + 4·1 + 2·1 + 8·1 + 2.5·1) / 11
    assert values["obecni_wazona"] == "3,50"
    assert values["gminy_zajec"] == "4"
    assert values["najdluzsze"] == "8"
    assert values["minuty"] == f"1{NB}890"
    assert values["ostatnie_zajecia"] == f"9 listopada 2024{NB}r."
    assert values["ostatni_zapis"] == "0"
    assert values["udzial_gminy:Modrzew"] == "44,4%"  # 14 of 31.5 hours
    assert values["koszt"] == f"31,50{NB}zł"
    # Months are continuous: August had no workshop and still has its key.
    months = {k.split(":")[1]: v for k, v in values.items() if k.startswith("zajecia_w_miesiacu:")}
    assert list(months) == [
        "2024-03",
        "2024-04",
        "2024-05",
        "2024-06",
        "2024-07",
        "2024-08",
        "2024-09",
        "2024-10",
        "2024-11",
    ]
    assert months["2024-08"] == "0"
    # An enum column gives every allowed value but those its filter excludes.
    assert {k for k in values if k.startswith("zajecia_rodzaju:")} == {
        "zajecia_rodzaju:warsztat",
        "zajecia_rodzaju:spotkanie",
    }
    # A foreign key gives every value of the referenced table, minus the excluded one.
    assert {k: v for k, v in values.items() if k.startswith("certyfikowani_w_gminie:")} == {
        "certyfikowani_w_gminie:Dębowa Góra": "1",
        "certyfikowani_w_gminie:Jarzębiny": "2",
        "certyfikowani_w_gminie:Olszanka Wielka": "1",
    }
    assert values["srednia_pusta:Olszanka Wielka"] == "brak danych"


@pytest.mark.parametrize(
    ("spec", "value", "expected"),
    [
        ({"opis": "x", "tabela": "t"}, 1234, f"1{NB}234"),
        (
            {
                "opis": "x",
                "tabela": "t",
                "agregacja": "udział",
                "warunek": {"a": 1},
                "miejsca_po_przecinku": 1,
            },
            0.125,
            "12,5%",
        ),
        (
            {"opis": "x", "tabela": "t", "agregacja": "średnia", "kolumna": "a", "miejsca_po_przecinku": 1},
            3.6,
            "3,6",
        ),
        (
            {"opis": "x", "tabela": "t", "agregacja": "pierwsza data", "kolumna": "a"},
            dt.date(2017, 9, 10),
            f"10 września 2017{NB}r.",
        ),
        (
            {"opis": "x", "tabela": "t", "agregacja": "okres", "kolumna": "a"},
            (dt.date(2017, 12, 30), dt.date(2018, 1, 2)),
            f"30 grudnia 2017{NB}r. – 2 stycznia 2018{NB}r.",
        ),
        ({"opis": "x", "tabela": "t", "format": "kwota"}, 12500, f"12{NB}500{NB}zł"),
        ({"opis": "x", "tabela": "t"}, None, "brak danych"),
    ],
)
def test_format_value(spec, value, expected):
    assert format_value(value, NumberSpec.model_validate(spec)) == expected


def test_numbers_file_is_rewritten_only_on_change(tmp_path):
    path = write_numbers({"a": {"tekst": "1", "opis": "jeden"}}, tmp_path)
    first = path.stat().st_mtime_ns
    write_numbers({"a": {"tekst": "1", "opis": "jeden"}}, tmp_path)
    assert path.stat().st_mtime_ns == first


def test_a_book_without_numbers(book):
    book.numbers_file.unlink()
    assert _numbers(book) == {}


def _line(settings, needle: str) -> int:
    """The line of *needle* in the section added by the test (the last one, [nowa])."""
    lines = settings.numbers_file.read_text(encoding="utf-8").splitlines()
    start = lines.index("[nowa]")
    return next(n for n, line in enumerate(lines, start=1) if n > start and needle in line or line == needle)


@pytest.mark.parametrize(
    ("declaration", "needle", "expected"),
    [
        (
            'tabela = "warsztat"',
            'tabela = "warsztat"',
            "nie ma tabeli „warsztat” w data/datapackage.json; "
            "dostępne: gminy, warsztaty, wolontariusze, certyfikaty",
        ),
        (
            'tabela = "warsztaty"\nkolumna = "godzina"\nagregacja = "suma"',
            'kolumna = "godzina"',
            "nie ma kolumny „godzina” w tabeli „warsztaty”; dostępne: id, data,",
        ),
        (
            'tabela = "warsztaty"\nagregacja = "mediana"',
            "agregacja",
            "niedozwolona wartość; dozwolone: „liczba”, „liczba różnych”, „suma”",
        ),
        (
            'tabela = "warsztaty"\nfiltr = { rodzaj = "kurs" }',
            "filtr",
            "wartości „kurs” nie ma w kolumnie „rodzaj”; dozwolone: „warsztat”, „spotkanie”, „wyjazd”",
        ),
        (
            'tabela = "wolontariusze"\nfiltr = { kurs = "tak" }',
            "filtr",
            "kolumna „kurs” ma wartości true albo false",
        ),
        (
            'tabela = "warsztaty"\nagregacja = "suma"\nkolumna = "temat"',
            "kolumna",
            "kolumna „temat” ma typ „string”, a do agregacji „suma” "
            "potrzebna jest kolumna typu: integer, number",
        ),
        (
            'tabela = "warsztaty"\ndla_kazdego = "gmina"\nokres = "miesiąc"',
            "dla_kazdego",
            "okres (miesiąc) wymaga kolumny z datami",
        ),
        (
            'tabela = "warsztaty"\nagregacja = "okres"\nkolumna = "data"\nformat = "liczba"',
            "[nowa]",
            "agregacja „okres” daje datę",
        ),
        (
            'tabela = "warsztaty"\nliczba = 3',
            "liczba = 3",
            "nieznane pole „liczba” (literówka?); dozwolone pola: agregacja, dla_kazdego",
        ),
        (
            'tabela = "warsztaty"\nfiltr = { gmina = "Modrzewie" }',
            "filtr",
            "wartości „Modrzewie” nie ma w kolumnie „gmina” pliku gminy; są: „Dębowa Góra”, „Jarzębiny”",
        ),
        (
            'tabela = "warsztaty"\nfiltr = { temat = { nie = "Dyżur sasiedzki" } }',
            "filtr",
            "wartości „Dyżur sasiedzki” nie ma w danych kolumny „temat”; są:",
        ),
        (
            'tabela = "warsztaty"\nagregacja = "ostatnia wartość"\nkolumna = "obecni"',
            "[nowa]",
            "potrzebuje pola wedlug",
        ),
    ],
)
def test_declaration_mistakes_are_located(book, declaration, needle, expected):
    with book.numbers_file.open("a", encoding="utf-8") as file:
        file.write(f'\n[nowa]\nopis = "nowa liczba"\n{declaration}\n')
    tables = load_tables(book)
    with pytest.raises(HandbookError) as raised:
        load_numbers(book, tables)
    problem = next((p for p in raised.value.problems if expected in p.message), None)
    assert problem is not None, [str(p) for p in raised.value.problems]
    assert problem.line == _line(book, needle)


@pytest.mark.parametrize(
    ("section", "expected"),
    [
        ("[Liczba-Gmin]", "nazwa liczby „Liczba-Gmin” ma niedozwolone znaki"),
        ("[liczba_gmin_ł]", "nazwy sekcji i pól pisz bez polskich liter"),
    ],
)
def test_a_name_with_other_characters_is_refused(book, section, expected):
    with book.numbers_file.open("a", encoding="utf-8") as file:
        file.write(f'\n{section}\nopis = "x"\ntabela = "gminy"\n')
    with pytest.raises(HandbookError) as raised:
        load_numbers(book, load_tables(book))
    assert expected in str(raised.value)
    assert (
        raised.value.problems[0].line == len(book.numbers_file.read_text(encoding="utf-8").splitlines()) - 2
    )


# --- The role in chapters -------------------------------------------------------------------


@pytest.fixture
def built(book):
    prepare_data(book)
    return book


def test_role_inserts_the_numbers(built):
    result = build_site(built, "html", echo=False)
    assert result.ok, result.warnings
    page = BeautifulSoup((built.html_dir / "rozdzial.html").read_text(encoding="utf-8"), "html.parser")
    text = " ".join(reader_text(page.select_one("article")).replace(NB, " ").split())
    assert "Kurs ukończyło 8 z 12 osób (67%), w Jarzębinach 3." in text
    assert "Zajęcia trwały 16 marca – 9 listopada 2024 r., pierwsze odbyły się 16 marca 2024 r." in text
    # The date's „r.” and the author's full stop are one dot.
    assert "Pierwsze zajęcia w projekcie odbyły się 16 marca 2024 r. " in text + " "
    assert "r.." not in text
    assert page.select("span.handbook-number")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("po_kursiee", "rozdzial.md:35: nieznana liczba z danych „po_kursiee”"),
        ("wolontariusze_w_gminie:Warszawa", "Dostępne w tej rodzinie: wolontariusze_w_gminie:Dębowa Góra"),
    ],
)
def test_unknown_name_fails_with_file_and_line(built, name, expected):
    page = built.source_dir / "rozdzial.md"
    old = "wolontariusze_w_gminie:Jarzębiny" if ":" in name else "po_kursie"
    page.write_text(page.read_text(encoding="utf-8").replace(f"`{old}`", f"`{name}`", 1), encoding="utf-8")
    result = build_site(built, "html", echo=False)
    assert not result.ok
    assert any(expected in w for w in result.warnings), result.warnings


def test_cli_lists_the_numbers(built):
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "handbook.cli", "--katalog", str(built.root), "liczby"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "wolontariusze_w_gminie:Olszanka Wielka" in result.stdout
    assert "liczba wolontariuszy po kursie" in result.stdout


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (1, 0, "1 osoba"),
        (3, 0, "3 osoby"),
        (22, 0, "22 osoby"),
        (12, 0, "12 osób"),
        (125, 0, "125 osób"),
        (2.5, 1, "2,5 osoby"),
    ],
)
def test_a_number_may_carry_its_noun_in_the_right_form(value, decimals, expected):
    spec = NumberSpec.model_validate(
        {
            "opis": "x",
            "tabela": "t",
            "rzeczownik": ["osoba", "osoby", "osób"],
            "miejsca_po_przecinku": decimals,
        }
    )
    assert format_value(value, spec).replace(NB, " ") == expected


def test_a_noun_needs_three_forms(book):
    with book.numbers_file.open("a", encoding="utf-8") as file:
        file.write('\n[nowa]\nopis = "x"\ntabela = "warsztaty"\nrzeczownik = ["osoba", "osób"]\n')
    with pytest.raises(HandbookError) as raised:
        load_numbers(book, load_tables(book))
    assert "rzeczownik to trzy formy" in str(raised.value)
