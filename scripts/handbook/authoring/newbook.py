"""``handbook nowy-podrecznik KATALOG``: a new book that builds at once, for another county.

The skeleton (``nowy_podrecznik/``) has settings with placeholders, a home page, one chapter,
a glossary, the data appendix, the accessibility statement, one example table with its Data
Package, one declared chart and one declared number. Nothing in it names an existing book.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from importlib.resources import as_file, files
from pathlib import Path

from handbook.errors import HandbookError

SKELETON = "nowy_podrecznik"
PLACEHOLDER = "(do uzupełnienia)"
DEFAULT_GMINAS = ("Gmina Pierwsza", "Gmina Druga", "Gmina Trzecia")
EXAMPLE_TABLE = "spotkania"


def _toml(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def new_book(target: Path, title: str = "", county: str = "", gminas: tuple[str, ...] = ()) -> list[Path]:
    """Write the skeleton into *target* (new or empty); returns the files written."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise HandbookError(
            f"Katalog {target} już istnieje i nie jest pusty. Podaj nowy katalog – nowy podręcznik "
            "nie nadpisuje istniejących plików."
        )
    gminas = tuple(g.strip() for g in gminas if g.strip()) or DEFAULT_GMINAS
    if len(set(gminas)) != len(gminas):
        raise HandbookError("Nazwy gmin powtarzają się; podaj każdą gminę raz.")
    year = dt.date.today().year
    title = title.strip() or f"Tytuł podręcznika {PLACEHOLDER}"
    county = county.strip() or f"Powiat {PLACEHOLDER}"
    organisation = f"Organizacja prowadząca projekt {PLACEHOLDER}"
    tokens = {
        "{tytul}": _toml(title),
        "{tytul_tekst}": title,
        "{rok}": str(year),
        "{powiat}": _toml(county),
        "{gminy}": "[" + ", ".join(_toml(g) for g in gminas) + "]",
        "{pierwsza_gmina}": _toml(gminas[0]),
        "{organizacja}": _toml(organisation),
    }
    written: list[Path] = []
    with as_file(files("handbook.authoring") / SKELETON) as skeleton:
        for source in sorted(
            p for p in Path(skeleton).rglob("*") if p.is_file() and "__pycache__" not in p.parts
        ):
            path = target / source.relative_to(skeleton)
            path.parent.mkdir(parents=True, exist_ok=True)
            text = source.read_text(encoding="utf-8")
            for token, value in tokens.items():
                text = text.replace(token, value)
            path.write_text(text, encoding="utf-8")
            written.append(path)
    data = target / "data"
    data.mkdir(parents=True, exist_ok=True)
    for name, content in _example_data(gminas, year).items():
        (data / name).write_text(content, encoding="utf-8")
        written.append(data / name)
    return written


def _example_data(gminas: tuple[str, ...], year: int) -> dict[str, str]:
    """One illustrative table: meetings in each gmina, with its Data Package and a README."""
    rows = []
    for index, gmina in enumerate(gminas):
        rows.append(
            (f"{year}-03-{10 + index % 18:02d}", gmina, "spotkanie informacyjne", 14 + 3 * (index % 5))
        )
        rows.append((f"{year}-05-{12 + index % 16:02d}", gmina, "warsztat", 9 + 2 * (index % 4)))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["termin", "gmina", "rodzaj", "obecni"])
    writer.writerows(rows)
    package = {
        "name": "dane-projektu",
        "title": "Dane projektu",
        "description": "Dane o rezultatach projektu. UWAGA: dane przykładowe – do zastąpienia.",
        "licenses": [
            {
                "name": "CC-BY-SA-4.0",
                "path": "https://creativecommons.org/licenses/by-sa/4.0/",
                "title": "Creative Commons Uznanie autorstwa – Na tych samych warunkach 4.0",
            }
        ],
        "x-reguly": [
            {
                "opis": "spotkania odbywają się w gminach powiatu z ustawień",
                "regula": "zgodne z ustawieniami",
                "tabela": EXAMPLE_TABLE,
                "kolumny": {"gmina": "powiat.gminy"},
            }
        ],
        "resources": [
            {
                "name": EXAMPLE_TABLE,
                "path": f"{EXAMPLE_TABLE}.csv",
                "title": "Spotkania w gminach",
                "description": "Spotkania i warsztaty projektu (dane przykładowe).",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {
                    "fields": [
                        {
                            "name": "termin",
                            "type": "date",
                            "title": "Termin",
                            "description": "Dzień spotkania.",
                            "constraints": {"required": True},
                            "x-w-okresie-projektu": True,
                        },
                        {
                            "name": "gmina",
                            "type": "string",
                            "title": "Gmina",
                            "description": "Gmina, w której odbyło się spotkanie.",
                            "constraints": {"required": True},
                            "x-rodo-bezpieczne": True,
                        },
                        {
                            "name": "rodzaj",
                            "type": "string",
                            "title": "Rodzaj spotkania",
                            "description": "Rodzaj spotkania.",
                            "constraints": {"required": True, "enum": ["spotkanie informacyjne", "warsztat"]},
                        },
                        {
                            "name": "obecni",
                            "type": "integer",
                            "title": "Obecni",
                            "description": "Liczba osób obecnych na spotkaniu.",
                            "unit": "osoby",
                            "constraints": {"required": True, "minimum": 0},
                        },
                    ]
                },
            }
        ],
    }
    readme = (
        "# Dane projektu\n\n"
        "> **Dane przykładowe.** Plik `spotkania.csv` pokazuje, jak zapisać dane projektu; zastąpcie go\n"
        "> własnymi plikami i opiszcie je w `datapackage.json`. Dopóki dane są przykładowe, w\n"
        "> `conf/handbook.toml` zostaje `[dane] ilustracyjne = true`.\n\n"
        "Każdy plik CSV ma opis w `datapackage.json` (standard Frictionless Data Package): typ każdej\n"
        "kolumny, jednostkę, dozwolone wartości i powiązania między plikami. Reguły zgodności między\n"
        'plikami są w polu `"x-reguly"`. Kolumny z dowolnym tekstem trzeba oznaczyć\n'
        '`"x-rodo-bezpieczne": true` po sprawdzeniu, że nie ma w nich danych osobowych.\n'
    )
    return {
        f"{EXAMPLE_TABLE}.csv": out.getvalue(),
        "datapackage.json": json.dumps(package, ensure_ascii=False, indent=2) + "\n",
        "README.md": readme,
    }
