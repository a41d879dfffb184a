"""Bad inputs as a careless editor makes them: data, the Data Package, settings, chapters, personal data.

Each case puts one bad input into a built copy of the test book; the harness (adversarial.py)
checks the exit code, the located Polish message, that no traceback or English message got
through, that the last good site and PDF stay as they were and that what the case planted (a
phone number, a file from outside the book) reached neither.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from adversarial import Case, check, edit
from conftest import ROOTS
from handbook.declared import json_lines

DATA = ("wykresy",)  # the data stage alone: the Sphinx stage is irrelevant to a bad data file
HTML = ("buduj", "--html")
CHECK = ("sprawdz",)
BASE = ROOTS / "base"
CHAPTER = "handbook/rozdzial.md"
ANCHOR = "## Liczby"
PACKAGE = "data/datapackage.json"
SETTINGS = "conf/handbook.toml"
PASSWD = "root:x:0:0"
SAVE_AS_CSV = "„CSV UTF-8”"
PERSONAL = "danych osobowych nie publikujemy (RODO)"


def line_of(file: str, needle: str) -> int:
    """The line of the test book's *file* where *needle* first appears (1-based)."""
    lines = (BASE / file).read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, start=1) if needle in line)


AT = f"{CHAPTER}:{line_of(CHAPTER, ANCHOR)}:"
NEXT_LINE = f"{CHAPTER}:{line_of(CHAPTER, ANCHOR) + 1}:"
INDEX = "handbook/index.md"


def directive_line(file: str, option: str) -> int:
    """The line of the directive (```{…}) whose option line contains *option*."""
    lines = (BASE / file).read_text(encoding="utf-8").splitlines()
    number = line_of(file, option)
    return next(n for n in range(number, 0, -1) if lines[n - 1].startswith("```{"))


# --- Changes ---------------------------------------------------------------------------------


def write(file: str, content: str | bytes) -> Callable[[Path], None]:
    def change(project: Path) -> None:
        path = project / file
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))

    return change


def reencode(file: str, encoding: str) -> Callable[[Path], None]:
    """The file saved again by an editor's program in another *encoding*."""

    def change(project: Path) -> None:
        path = project / file
        path.write_bytes(path.read_text(encoding="utf-8").encode(encoding))

    return change


def in_file(file: str, old: str, new: str) -> Callable[[Path], None]:
    return lambda project: edit(project / file, old, new)


def insert(payload: str) -> Callable[[Path], None]:
    """Put *payload* into the test chapter just before ANCHOR, so its first line is AT."""
    return in_file(CHAPTER, ANCHOR, f"{payload}\n\n{ANCHOR}")


def package(change: Callable[[dict[str, Any]], object]) -> Callable[[Path], None]:
    """The Data Package changed as a dict and saved the way the test book's file is written."""

    def apply(project: Path) -> None:
        path = project / PACKAGE
        path.write_text(_changed_package(change), encoding="utf-8")

    return apply


def _changed_package(change: Callable[[dict[str, Any]], object]) -> str:
    descriptor = json.loads((BASE / PACKAGE).read_text(encoding="utf-8"))
    change(descriptor)
    return json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n"


def package_line(change: Callable[[dict[str, Any]], object], *loc: str | int) -> str:
    """``data/datapackage.json:N:`` where N is the line of *loc* once *change* is made."""
    return f"{PACKAGE}:{json_lines(_changed_package(change))[loc]}:"


def resource(index: int, key: str, value: object = None) -> Callable[[dict[str, Any]], object]:
    """Set (or, with None, remove) *key* of the *index*-th resource."""

    def change(descriptor: dict[str, Any]) -> None:
        if value is None:
            del descriptor["resources"][index][key]
        else:
            descriptor["resources"][index][key] = value

    return change


def field(resource_index: int, field_index: int, **values: object) -> Callable[[dict[str, Any]], object]:
    def change(descriptor: dict[str, Any]) -> None:
        descriptor["resources"][resource_index]["schema"]["fields"][field_index].update(values)

    return change


def linked_outside(project: Path) -> None:
    """A CSV in data/ that is a link to a file beside the project."""
    outside = project.parent / "poza.csv"
    outside.write_text("wolontariusz,data\nW01,2024-11-20\n", encoding="utf-8")
    (project / "data" / "certyfikaty.csv").unlink()
    (project / "data" / "certyfikaty.csv").symlink_to(outside)


def both(*changes: Callable[[Path], None]) -> Callable[[Path], None]:
    def change(project: Path) -> None:
        for one in changes:
            one(project)

    return change


GMINY = (BASE / "data" / "gminy.csv").read_text(encoding="utf-8")
LAST_ID = "W01"  # a row of certyfikaty.csv
CERTIFICATES = "data/certyfikaty.csv"
NOT_REQUIRED = package(lambda d: d["resources"][0]["schema"]["fields"][1]["constraints"].pop("required"))
EMPTY_RESOURCES = lambda d: d.__setitem__("resources", [])  # noqa: E731
UNKNOWN_TYPE = field(0, 1, type="liczba")
NO_SCHEMA = resource(3, "schema")
NO_FIELDS = lambda d: d["resources"][3]["schema"].pop("fields")  # noqa: E731
TYPO_KEY = lambda d: d["resources"][0]["schema"]["fields"][1].update(  # noqa: E731
    contraints=d["resources"][0]["schema"]["fields"][1].pop("constraints")
)
FOREIGN_TABLE = lambda d: d["resources"][1]["schema"]["foreignKeys"][0]["reference"].update(  # noqa: E731
    resource="gminyy"
)

MINIMUM_LINE = line_of(PACKAGE, '"minimum": 1')
GMINY_PATH_LINE = line_of(PACKAGE, '"path": "gminy.csv"')
MIN_OVER_MAX = field(2, 4, constraints={"required": True, "minimum": 5, "maximum": 1})

DATA_CASES = [
    # --- CSV files as spreadsheets save them ---
    Case(
        "csv-sam-naglowek",
        write(CERTIFICATES, "wolontariusz,data\n"),
        (f"{CERTIFICATES}:1:", "tylko wiersz nagłówka"),
        DATA,
    ),
    Case("csv-pusty-0-bajtow", write(CERTIFICATES, b""), (CERTIFICATES, "plik jest pusty (0 bajtów)"), DATA),
    Case(
        "csv-same-puste-wiersze",
        write(CERTIFICATES, ";;\r\n;;\r\n"),
        (CERTIFICATES, "ani nagłówka, ani danych"),
        DATA,
    ),
    Case(
        "pusty-wiersz-nad-naglowkiem",
        write("data/gminy.csv", "\n" + GMINY),
        ("data/gminy.csv:1:", "pierwszy wiersz pliku jest pusty"),
        DATA,
    ),
    Case(
        "eksport-tabulatorami-ze-spacjami-w-naglowku",
        write("data/gminy.csv", GMINY.replace(",", "\t").replace("gmina\t", "gmina \t")),
        ("gminy.csv: ujednolicono (separator: tabulator)",),
        DATA,
        accepted=True,
    ),
    Case(
        "liczba-poza-int64",
        in_file("data/gminy.csv", "Modrzew,18400", "Modrzew,99999999999999999999"),
        ("data/gminy.csv:2:", "kolumna „ludnosc”", "za dużo cyfr"),
        DATA,
    ),
    Case(
        "bajt-nul-w-csv",
        in_file("data/gminy.csv", "Modrzew,18400", "Modr\0zew,18400"),
        ("data/gminy.csv:2:", "bajt zerowy (NUL)", SAVE_AS_CSV),
        DATA,
    ),
    Case(
        "csv-utf16-z-bom",
        reencode("data/gminy.csv", "utf-16"),
        ("data/gminy.csv:", "UTF-16", SAVE_AS_CSV),
        DATA,
    ),
    Case(
        "csv-utf16-bez-bom",
        reencode("data/gminy.csv", "utf-16-le"),
        ("data/gminy.csv:", "UTF-16", SAVE_AS_CSV),
        DATA,
    ),
    Case(
        "skoroszyt-xlsx-jako-csv",
        write("data/gminy.csv", b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 40),
        ("data/gminy.csv:", "archiwum ZIP", SAVE_AS_CSV),
        DATA,
    ),
    Case(
        "pusta-komorka-w-kolumnie-liczb",
        both(NOT_REQUIRED, in_file("data/gminy.csv", "Modrzew,18400", "Modrzew,")),
        ("data/gminy.csv:2:", "kolumna „ludnosc”", "komórka jest pusta", "zero jako 0"),
        DATA,
    ),
    Case(
        "liczba-nieskonczona",
        in_file("data/gminy.csv", "Modrzew,18400,14", "Modrzew,18400,inf"),
        ("data/gminy.csv:2:", "kolumna „godziny_zajec”", "nie jest zwykłą liczbą"),
        DATA,
    ),
    Case(
        "niezamkniety-cudzyslow",
        in_file("data/gminy.csv", "Jarzębiny,9100", '"Jarzębiny,9100'),
        ("data/gminy.csv:4:", "cudzysłów otwarty w tym wierszu nie jest zamknięty"),
        DATA,
    ),
    # --- The Data Package's structure ---
    Case(
        "datapackage-bez-resources",
        package(lambda d: d.pop("resources")),
        (PACKAGE, "brak listy plików danych „resources”"),
        DATA,
    ),
    Case(
        "datapackage-pusta-lista-resources",
        package(EMPTY_RESOURCES),
        (package_line(EMPTY_RESOURCES, "resources"), "lista plików danych jest pusta"),
        DATA,
    ),
    Case(
        "zasob-bez-schema",
        package(NO_SCHEMA),
        (package_line(NO_SCHEMA, "resources", 3), "pole „resources.4.schema”: brak wymaganego pola"),
        DATA,
    ),
    Case(
        "zasob-bez-fields",
        package(NO_FIELDS),
        (
            package_line(NO_FIELDS, "resources", 3, "schema"),
            "„resources.4.schema.fields”: brak wymaganego pola",
        ),
        DATA,
    ),
    Case(
        "zasob-bez-name",
        package(resource(3, "name")),
        ("pole „resources.4.name”: brak wymaganego pola",),
        DATA,
    ),
    Case(
        "zasob-bez-path",
        package(resource(3, "path")),
        ("pole „resources.4.path”: brak wymaganego pola",),
        DATA,
    ),
    Case(
        "nieznany-typ-kolumny",
        package(UNKNOWN_TYPE),
        (
            package_line(UNKNOWN_TYPE, "resources", 0, "schema", "fields", 1, "type"),
            "„resources.1.schema.fields.2.type”",
            "dozwolone: „string”, „integer”",
        ),
        DATA,
    ),
    Case(
        "literowka-w-polu-kolumny",
        package(TYPO_KEY),
        ("nieznane pole „contraints”",),
        DATA,
    ),
    Case(
        "sciezka-bezwzgledna",
        package(resource(3, "path", "/etc/passwd")),
        (package_line(resource(3, "path", "/etc/passwd"), "resources", 3, "path"), "jest bezwzględna"),
        DATA,
        absent=(PASSWD,),
    ),
    Case(
        "sciezka-poza-katalog-danych",
        package(resource(3, "path", "../conf/handbook.toml")),
        ("„resources.4.path”", "wychodzi poza katalog danych"),
        DATA,
    ),
    Case(
        "sciezka-jako-adres-url",
        package(resource(3, "path", "https://example.org/certyfikaty.csv")),
        ("„resources.4.path”", "jest adresem"),
        DATA,
    ),
    Case(
        "dowiazanie-do-pliku-spoza-danych",
        linked_outside,
        ("„resources.4.path”", "dowiązaniem do pliku spoza katalogu danych"),
        DATA,
    ),
    Case(
        "powtorzona-nazwa-tabeli",
        package(resource(3, "name", "gminy")),
        ("„resources.4.name”", "tabela „gminy” jest opisana dwa razy"),
        DATA,
    ),
    Case(
        "klucz-obcy-do-nieistniejacej-tabeli",
        package(FOREIGN_TABLE),
        ("klucz obcy wskazuje nieistniejącą tabelę „gminyy”",),
        DATA,
    ),
    Case(
        "bledny-wzorzec-kolumny",
        package(field(1, 0, constraints={"required": True, "pattern": "^A[0-9+$"})),
        ("„resources.2.schema.fields.1.constraints”", "wzór „^A[0-9+$” jest błędny"),
        DATA,
    ),
    Case(
        "minimum-tekstem-w-kolumnie-liczb",
        package(field(0, 1, constraints={"required": True, "minimum": "jeden"})),
        ("ograniczenie „minimum”", "nie pasuje do kolumny typu „integer”"),
        DATA,
    ),
    Case(
        "minimum-dla-daty",
        package(field(1, 1, constraints={"required": True, "minimum": "2024-01-01"})),
        ("ograniczenie „minimum” nie pasuje do kolumny typu „date”", "x-w-okresie-projektu"),
        DATA,
    ),
    Case(
        "tak-bez-nie",
        package(lambda d: d["resources"][2]["schema"]["fields"][3].pop("falseValues")),
        ("„resources.3.schema.fields.4”", "podaj oba pola trueValues i falseValues"),
        DATA,
    ),
    Case(
        "datapackage-ze-znacznikiem-bom",
        lambda p: (p / PACKAGE).write_bytes(b"\xef\xbb\xbf" + (p / PACKAGE).read_bytes()),
        (f"{PACKAGE}:1:", "znacznikiem BOM"),
        DATA,
    ),
    Case(
        "okres-projektu-na-kolumnie-liczb",
        package(field(0, 1, **{"x-w-okresie-projektu": True})),
        ("dotyczy tylko kolumn z datami",),
        DATA,
    ),
    Case(
        "datapackage-lista-zamiast-obiektu",
        write(PACKAGE, "[]\n"),
        (f"{PACKAGE}:1:", "jednym obiektem JSON"),
        DATA,
    ),
    Case("datapackage-pusty", write(PACKAGE, ""), (PACKAGE, "plik jest pusty"), DATA),
    Case(
        "json-nazwa-bez-cudzyslowu",
        in_file(PACKAGE, '"name": "wolontariat-dane-testowe"', 'name: "wolontariat-dane-testowe"'),
        (f"{PACKAGE}:2:", "oczekiwano nazwy pola w cudzysłowie"),
        DATA,
    ),
    Case(
        "json-brak-przecinka",
        in_file(PACKAGE, '"description": "Zmyślone dane do testów silnika.",', '"description": "Zmyślone"'),
        (f"{PACKAGE}:{line_of(PACKAGE, 'Zmyślone dane') + 1}:", "brakuje przecinka"),
        DATA,
    ),
    Case(
        "json-utf16",
        reencode(PACKAGE, "utf-16"),
        (PACKAGE, "UTF-16", "kodowaniu UTF-8"),
        DATA,
    ),
    # --- Red-team inputs: what reached editors in English, hung, or named the wrong place ---
    Case(
        "komorka-1-mb-tekstu",
        in_file("data/warsztaty.csv", "Dyżur sąsiedzki", "D" * 1_000_000),
        ("Wykresy:",),
        DATA,
        accepted=True,
    ),
    Case(
        "bom-utf8-a-tresc-w-cp1250",
        lambda project: (project / "data/gminy.csv").write_bytes(b"\xef\xbb\xbf" + GMINY.encode("cp1250")),
        ("data/gminy.csv:3:", "znacznikiem UTF-8 (BOM), a dalej ma znaki w innym kodowaniu", SAVE_AS_CSV),
        DATA,
    ),
    Case(
        "pusta-komorka-naglowka",
        in_file("data/gminy.csv", "gmina,ludnosc,godziny_zajec", "gmina,,godziny_zajec"),
        (
            "data/gminy.csv:1:",
            "kolumna „ludnosc”",
            "nagłówek kolumny nr 2 jest pusty",
            "wpisz w niej „ludnosc”",
        ),
        DATA,
    ),
    Case(
        "powtorzona-nazwa-w-naglowku",
        in_file("data/gminy.csv", "gmina,ludnosc,godziny_zajec", "gmina,ludnosc,ludnosc"),
        ("data/gminy.csv:1:", "kolumna „ludnosc” występuje dwa razy", "„godziny_zajec”"),
        DATA,
    ),
    Case(
        "zlamanie-wiersza-w-kluczu",
        in_file("data/gminy.csv", "Olszanka Wielka,4200", '"Olszanka\nWielka",4200'),
        ("data/gminy.csv:5:", "kolumna „gmina”", "„Olszanka⏎Wielka” zawiera złamanie wiersza"),
        DATA,
    ),
    Case(
        # Elsewhere a line break is text; the lines named after it are the lines of the file.
        "zlamanie-wiersza-w-tekscie-a-dalej-blad",
        both(
            in_file("data/warsztaty.csv", "Dyżur sąsiedzki", '"Dyżur\nsąsiedzki"'),
            in_file("data/warsztaty.csv", "A6,2024-07-13", "A6,2024-07-xx"),
        ),
        (f"data/warsztaty.csv:{line_of('data/warsztaty.csv', 'A6,2024-07-13') + 1}:", "kolumna „data”"),
        DATA,
    ),
    Case(
        "komorka-z-sama-twarda-spacja",
        in_file("data/gminy.csv", "Jarzębiny,9100,6.5", "\u00a0,9100,6.5"),
        ("data/gminy.csv:4:", "kolumna „gmina”", "pole jest puste, a jest wymagane"),
        DATA,
    ),
    Case(
        "niewidoczna-spacja-w-kluczu",
        in_file("data/warsztaty.csv", "A2,2024-04-06,Jarzębiny,", "A2,2024-04-06,Jarzębiny\u200b,"),
        ("data/warsztaty.csv:3:", "kolumna „gmina”", "wartość „Jarzębiny” ma niewidoczny znak"),
        DATA,
    ),
    Case(
        "spacja-przed-kluczem",
        in_file("data/warsztaty.csv", "A2,2024-04-06,Jarzębiny,", "A2,2024-04-06, Jarzębiny,"),
        ("data/warsztaty.csv:3:", "kolumna „gmina”", "odstęp na początku lub na końcu"),
        DATA,
    ),
    Case(
        "litery-rozlozone-nfd-z-macos",
        in_file("data/warsztaty.csv", "A2,2024-04-06,Jarzębiny,", "A2,2024-04-06,Jarze\u0328biny,"),
        ("Wykresy:",),
        DATA,
        accepted=True,
    ),
    Case(
        "json-liczba-5000-cyfr",
        in_file(PACKAGE, '"minimum": 1\n', '"minimum": ' + "9" * 5000 + "\n"),
        (f"{PACKAGE}:{MINIMUM_LINE}:", "liczba ma 5000 cyfr"),
        DATA,
    ),
    Case(
        "json-nan",
        in_file(PACKAGE, '"minimum": 1\n', '"minimum": NaN\n'),
        (f"{PACKAGE}:{MINIMUM_LINE}:", "„NaN” nie jest liczbą"),
        DATA,
    ),
    Case(
        "json-liczba-poza-zakresem",
        in_file(PACKAGE, '"minimum": 1\n', '"minimum": 1e400\n'),
        (f"{PACKAGE}:{MINIMUM_LINE}:", "liczba jest za duża"),
        DATA,
    ),
    Case(
        "json-zagniezdzenie-100-tysiecy",
        in_file(
            PACKAGE,
            '"description": "Zmyślone dane do testów silnika.",',
            '"description": "x", "x": ' + "[" * 100_000 + "]" * 100_000 + ",",
        ),
        (f"{PACKAGE}:{line_of(PACKAGE, 'Zmyślone dane')}:", "zagnieżdżone zbyt głęboko"),
        DATA,
    ),
    Case(
        "json-polowa-pary-zastepczej",
        in_file(PACKAGE, '"title": "Gminy powiatu",', '"title": "Gminy \\ud800 powiatu",'),
        (f"{PACKAGE}:{line_of(PACKAGE, 'Gminy powiatu')}:", "połowa pary zastępczej"),
        DATA,
    ),
    Case(
        "json-powtorzony-klucz",
        in_file(PACKAGE, '"path": "gminy.csv",', '"path": "gminy.csv",\n      "path": "warsztaty.csv",'),
        (f"{PACKAGE}:{GMINY_PATH_LINE + 1}:", "klucz „path” powtarza się"),
        DATA,
    ),
    Case(
        "dwa-zasoby-jeden-plik",
        package(resource(3, "path", "gminy.csv")),
        (
            package_line(resource(3, "path", "gminy.csv"), "resources", 3, "path"),
            "plik „gminy.csv” opisuje już tabela „gminy”",
        ),
        DATA,
    ),
    Case(
        "minimum-wieksze-od-maksimum",
        package(MIN_OVER_MAX),
        (
            package_line(MIN_OVER_MAX, "resources", 2, "schema", "fields", 4, "constraints", "maximum"),
            "„maximum” (1) jest mniejsze niż „minimum” (5)",
        ),
        DATA,
    ),
    Case(
        "minlength-wieksze-od-maxlength",
        package(field(1, 0, constraints={"required": True, "minLength": 5, "maxLength": 2})),
        ("„maxLength” (2) jest mniejsze niż „minLength” (5)",),
        DATA,
    ),
    Case(
        "dozwolona-wartosc-wbrew-wzorowi",
        package(
            field(1, 3, constraints={"required": True, "enum": ["warsztat", "x"], "pattern": "[a-z]{3,}"})
        ),
        ("dozwolona wartość „x” nie spełnia ograniczenia „pattern”",),
        DATA,
    ),
]

SETTINGS_CASES = [
    Case(
        "toml-liczba-5000-cyfr",
        in_file(SETTINGS, "rok = 2024", "rok = " + "9" * 5000),
        (f"{SETTINGS}:{line_of(SETTINGS, 'rok = ')}:", "liczba ma 5000 cyfr"),
        DATA,
    ),
    Case("ustawienia-puste", write(SETTINGS, b""), (SETTINGS, "plik jest pusty"), DATA),
    Case("ustawienia-utf16", reencode(SETTINGS, "utf-16"), (SETTINGS, "UTF-16", "kodowaniu UTF-8"), DATA),
    Case(
        "ustawienia-cp1250",
        reencode(SETTINGS, "cp1250"),
        (f"{SETTINGS}:1:", "nie jest zapisany w UTF-8"),
        DATA,
    ),
    Case(
        "toml-niezamkniety-tekst",
        in_file(SETTINGS, 'miejsce_wydania = "Modrzew"', 'miejsce_wydania = "Modrzew'),
        (f"{SETTINGS}:{line_of(SETTINGS, 'miejsce_wydania')}:", "niezamknięty tekst"),
        DATA,
    ),
    Case(
        "toml-powtorzone-pole",
        in_file(SETTINGS, "rok = 2024", "rok = 2024\nrok = 2025"),
        (f"{SETTINGS}:{line_of(SETTINGS, 'rok = ') + 1}:", "to pole występuje dwa razy"),
        DATA,
    ),
    Case(
        "toml-ukosnik-windows",
        in_file(SETTINGS, 'miejsce_wydania = "Modrzew"', 'miejsce_wydania = "C:\\Modrzew"'),
        (f"{SETTINGS}:{line_of(SETTINGS, 'miejsce_wydania')}:", "ukośnik „\\” w tekście"),
        DATA,
    ),
    Case(
        "toml-znak-sterujacy",
        in_file(SETTINGS, 'miejsce_wydania = "Modrzew"', 'miejsce_wydania = "Mod\x07rzew"'),
        (f"{SETTINGS}:{line_of(SETTINGS, 'miejsce_wydania')}:", "niedozwolony znak sterujący"),
        DATA,
    ),
    Case(
        "wykresy-toml-utf16",
        reencode("conf/wykresy.toml", "utf-16"),
        ("conf/wykresy.toml", "UTF-16"),
        DATA,
    ),
    Case(
        "liczby-toml-pusty", write("conf/liczby.toml", "\n\n"), ("conf/liczby.toml", "plik jest pusty"), DATA
    ),
    Case(
        "telefon-w-ustawieniach",
        in_file(
            SETTINGS,
            'wydawca = "Stowarzyszenie Przyjaciół Modrzewia"',
            'wydawca = "Stowarzyszenie, tel. 22/758-12-34"',
        ),
        (
            f"{SETTINGS}:{line_of(SETTINGS, 'wydawca')}:",
            "pole „publikacja.wydawca”",
            "numer telefonu",
            PERSONAL,
        ),
        DATA,
    ),
    Case(
        "email-w-adresie-licencji",
        in_file(
            SETTINGS,
            '"https://creativecommons.org/licenses/by/4.0/deed.pl"',
            '"mailto:jan.kowalski@gmail.com"',
        ),
        (
            f"{SETTINGS}:{line_of(SETTINGS, 'licencja_url')}:",
            "pole „publikacja.licencja_url”",
            "adres e-mail",
        ),
        DATA,
    ),
    Case(
        "kontakt-publiczny-w-ustawieniach",
        in_file(
            SETTINGS,
            'wydawca = "Stowarzyszenie Przyjaciół Modrzewia"',
            'wydawca = "Stowarzyszenie (kontakt@example.org)"',
        ),
        ("Wykresy:",),
        DATA,
        accepted=True,
    ),
]

PHONE_NOTATIONS = [
    "(22) 758 12 34",
    "22.758.12.34",
    "22/758-12-34",
    "+48 (22) 758 12 34",
    "0048 501 750 705",
    "501-750-705",
    # Trunk zero of the old dialling; minus-like signs a word processor puts between groups.
    "0 600 100 200",
    "600\u2212100\u2212200",
    "600\u2012100\u2012200",
    "600\u2014100\u2014200",
]
# Characters nobody sees: zero-width space, joiner, word joiner, soft hyphen, BOM.
HIDDEN = ("\u200b", "\u200d", "\u2060", "\u00ad", "\ufeff")
PHONE_HINT = "dopisz po niej jednostkę („zł”, „osób”)"

CHAPTER_CASES = [
    Case(
        "rozdzial-w-cp1250",
        reencode(CHAPTER, "cp1250"),
        (f"{CHAPTER}:2:", "nie jest zapisany w UTF-8"),
        HTML,
    ),
    Case("rozdzial-w-utf16", reencode(CHAPTER, "utf-16"), (f"{CHAPTER}:", "UTF-16"), HTML),
    Case(
        "rozdzial-w-cp1250-sprawdz",
        reencode(CHAPTER, "cp1250"),
        (f"{CHAPTER}:2: BŁĄD:", "nie jest zapisany w UTF-8"),
        CHECK,
    ),
    Case(
        "rozdzial-w-cp1250-wydanie-ostateczne",
        reencode(CHAPTER, "cp1250"),
        (f"{CHAPTER}:2:", "nie jest zapisany w UTF-8"),
        ("buduj", "--final"),
    ),
    Case(
        "spis-tresci-w-cp1250-nowy-rozdzial",
        reencode("handbook/index.md", "cp1250"),
        ("handbook/index.md:", "nie jest zapisany w UTF-8"),
        ("nowy-rozdzial", "Wolontariat seniorów"),
    ),
    *(
        Case(
            f"telefon-w-tekscie-{number}",
            insert(f"Zapisy pod numerem {phone} w dni robocze."),
            (AT, f"numer telefonu („{phone}”)", PERSONAL),
            HTML,
            absent=(phone,),
        )
        for number, phone in enumerate(PHONE_NOTATIONS, start=1)
    ),
    Case(
        "pesel-z-myslnikiem-w-tekscie",
        insert("Uczestnik o numerze 440514-01359 ukończył kurs."),
        (AT, "numer PESEL", PERSONAL),
        HTML,
        absent=("440514-01359",),
    ),
    Case(
        "email-w-drugim-wierszu-akapitu",
        insert("Zgłoszenia przyjmuje koordynatorka,\npisząc na jan.kowalski@gmail.com."),
        (f"{CHAPTER}:{line_of(CHAPTER, ANCHOR) + 1}:", "adres e-mail („jan.kowalski@gmail.com”)"),
        HTML,
        absent=("jan.kowalski@gmail.com",),
    ),
    Case(
        "email-tylko-w-odnosniku-mailto",
        insert("[Napisz do koordynatorki](mailto:anna.nowak@gmail.com)."),
        (AT, "adres e-mail („anna.nowak@gmail.com”)"),
        HTML,
        absent=("anna.nowak@gmail.com",),
    ),
    Case(
        "telefon-w-tabeli",
        insert("| Gmina | Kontakt |\n|:--|:--|\n| Modrzew | 501 750 705 |"),
        ("numer telefonu („501 750 705”)",),
        HTML,
        absent=("501 750 705",),
    ),
    Case(
        "telefon-w-ramce-uwagi",
        insert("```{note}\nDyżur: tel. 758 12 34.\n```"),
        ("numer telefonu („758 12 34”)",),
        HTML,
        absent=("758 12 34",),
    ),
    Case(
        "email-w-autorach-metryczki",
        in_file(
            CHAPTER, "organizacja: Fundacja „Zielona Jarzębina”", "organizacja: Fundacja, ewa@jarzebina.pl"
        ),
        (
            f"{CHAPTER}:{line_of(CHAPTER, 'organizacja:')}:",
            "pole „autorzy.1.organizacja” w metryczce",
            "adres e-mail",
        ),
        HTML,
        absent=("ewa@jarzebina.pl",),
    ),
    Case(
        "telefon-liczba-w-metryczce",
        in_file(CHAPTER, "imie_nazwisko: null", "imie_nazwisko: 501750705"),
        (f"{CHAPTER}:{line_of(CHAPTER, 'imie_nazwisko')}:", "„autorzy.1.imie_nazwisko”", "numer telefonu"),
        HTML,
        absent=("501750705",),
    ),
    Case(
        "telefon-w-tekscie-sprawdz",
        insert("Zapisy: +48 (22) 758 12 34."),
        (f"{AT} BŁĄD:", "numer telefonu („+48 (22) 758 12 34”)"),
        CHECK,
    ),
    Case(
        "email-w-metryczce-sprawdz",
        in_file(CHAPTER, "imie_nazwisko: null", "imie_nazwisko: ewa@jarzebina.pl"),
        (f"{CHAPTER}:{line_of(CHAPTER, 'imie_nazwisko')}: BŁĄD:", "adres e-mail"),
        CHECK,
    ),
    # --- Personal data hidden by markup, line breaks, invisible characters, code and formulas ---
    Case(
        "telefon-z-miekkim-lamaniem-wiersza",
        insert("Zapisy pod numerem 501\n750 705 w dni robocze."),
        (AT, "numer telefonu („501 750 705”)", PERSONAL, PHONE_HINT),
        HTML,
        absent=("750 705",),
    ),
    Case(
        "telefon-rozdzielony-pogrubieniem",
        insert("Zapisy pod numerem 501 **750** 705."),
        (AT, "numer telefonu („501 750 705”)", PERSONAL),
        HTML,
        absent=("<strong>750</strong>",),
    ),
    Case(
        "telefon-rozdzielony-pogrubieniem-sprawdz",
        insert("Zapisy pod numerem 501 **750** 705."),
        (f"{AT} BŁĄD:", "numer telefonu („501 750 705”)", PERSONAL),
        CHECK,
    ),
    *(
        Case(
            f"telefon-z-niewidocznym-znakiem-{number}",
            insert(f"Zapisy: 501{hidden}750{hidden}705."),
            (AT, f"numer telefonu („501{hidden}750{hidden}705”)", PERSONAL),
            HTML,
            absent=(f"501{hidden}750",),
        )
        for number, hidden in enumerate(HIDDEN, start=1)
    ),
    Case(
        "telefon-z-niewidocznym-znakiem-sprawdz",
        insert("Zapisy: 501\u200b750\u200b705."),
        (f"{AT} BŁĄD:", "numer telefonu", PERSONAL),
        CHECK,
    ),
    Case(
        "email-z-miekkim-dywizem",
        insert("Pisz: jan.kowalski@gm&shy;ail.com."),
        (AT, "adres e-mail („jan.kowalski@gm\u00adail.com”)", PERSONAL),
        HTML,
        absent=("gm\u00adail.com",),
    ),
    Case(
        "email-z-malpa-pelnej-szerokosci",
        insert("Pisz: jan.kowalski\uff20gmail.com."),
        (AT, "adres e-mail („jan.kowalski\uff20gmail.com”)", PERSONAL),
        HTML,
        absent=("jan.kowalski\uff20",),
    ),
    Case(
        "pesel-w-grupach-2-2-2-2-3",
        insert("Uczestnik 44 05 14 01 359 ukończył kurs."),
        (AT, "numer PESEL", PERSONAL),
        HTML,
        absent=("44 05 14 01 359",),
    ),
    Case(
        "email-w-adresie-odnosnika",
        insert("[Formularz](https://example.org/zapisy?kto=jan.kowalski@gmail.com)"),
        (AT, "adres e-mail („jan.kowalski@gmail.com”)", PERSONAL),
        HTML,
        absent=("jan.kowalski@gmail.com",),
    ),
    Case(
        "email-zakodowany-w-adresie-odnosnika-sprawdz",
        insert("[Formularz](https://example.org/zapisy?kto=jan.kowalski%40gmail.com)"),
        (f"{AT} BŁĄD:", "adres e-mail („jan.kowalski@gmail.com”)"),
        CHECK,
    ),
    Case(
        "telefon-w-tytule-odnosnika",
        insert('[Strona](https://example.org "Dzwoń: 501 750 705")'),
        (AT, "numer telefonu („501 750 705”)", PERSONAL),
        HTML,
        absent=("501 750 705",),
    ),
    Case(
        "telefon-w-tytule-odnosnika-sprawdz",
        insert('[Strona](https://example.org "Dzwoń: 501 750 705")'),
        (f"{AT} BŁĄD:", "numer telefonu („501 750 705”)"),
        CHECK,
    ),
    Case(
        "telefon-w-rozwinieciu-skrotu-abbr",
        insert('<abbr title="tel. 501 750 705">KP</abbr> dyżuruje.'),
        (AT, "numer telefonu („501 750 705”)", PERSONAL),
        HTML,
        absent=("501 750 705",),
    ),
    Case(
        "telefon-w-rozwinieciu-skrotu-abbr-sprawdz",
        insert('<abbr title="tel. 501 750 705">KP</abbr> dyżuruje.'),
        (f"{AT} BŁĄD:", "numer telefonu („501 750 705”)"),
        CHECK,
    ),
    Case(
        "telefon-w-podpisie-spisu-tresci",
        in_file(INDEX, ":caption: Aneksy", ":caption: Aneksy – tel. 501 750 705"),
        (f"{INDEX}:{directive_line(INDEX, ':caption: Aneksy')}:", "numer telefonu („501 750 705”)", PERSONAL),
        HTML,
        absent=("501 750 705",),
    ),
    Case(
        "telefon-w-podpisie-spisu-tresci-sprawdz",
        in_file(INDEX, ":caption: Aneksy", ":caption: Aneksy – tel. 501 750 705"),
        (f"{INDEX}:{directive_line(INDEX, ':caption: Aneksy')}: BŁĄD:", "numer telefonu"),
        CHECK,
    ),
    Case(
        "telefon-w-kodzie-w-tekscie",
        insert("Zapisy: `501 750 705`."),
        (AT, "numer telefonu („501 750 705”)", PERSONAL),
        HTML,
        absent=("501 750 705",),
    ),
    Case(
        "pesel-w-bloku-kodu",
        insert("```text\nUczestnik: 44051401359\n```"),
        (NEXT_LINE, "numer PESEL", "„44051401359”", PERSONAL),
        HTML,
        absent=("44051401359",),
    ),
    Case(
        "pesel-w-bloku-kodu-sprawdz",
        insert("```text\nUczestnik: 44051401359\n```"),
        (f"{NEXT_LINE} BŁĄD:", "numer PESEL", "„44051401359”"),
        CHECK,
    ),
    Case(
        "telefon-w-pliku-literalinclude",
        both(
            write("data/kontakty.txt", "Koordynatorka: 501 750 705\n"),
            insert("```{literalinclude} /../data/kontakty.txt\n```"),
        ),
        (AT, "numer telefonu („501 750 705”)", PERSONAL),
        HTML,
        absent=("501 750 705",),
    ),
    Case(
        "telefon-w-pliku-literalinclude-sprawdz",
        both(
            write("data/kontakty.txt", "Koordynatorka: 501 750 705\n"),
            insert("```{literalinclude} /../data/kontakty.txt\n```"),
        ),
        (f"{AT} BŁĄD:", "numer telefonu („501 750 705”)"),
        CHECK,
    ),
    Case(
        "telefon-we-wzorze",
        insert(r"Zapisy: {math}`501\,750\,705`."),
        (AT, r"numer telefonu („501\,750\,705”)", PERSONAL),
        HTML,
        absent=("<mn>501</mn>",),
    ),
    Case(
        "telefon-w-bloku-wzoru",
        insert("```{math}\n501~750~705\n```"),
        (NEXT_LINE, "numer telefonu („501~750~705”)", PERSONAL),
        HTML,
        absent=("<mn>501</mn>",),
    ),
    Case(
        "telefon-we-wzorze-sprawdz",
        insert(r"Zapisy: {math}`501\;750\;705`."),
        (f"{AT} BŁĄD:", r"numer telefonu („501\;750\;705”)"),
        CHECK,
    ),
    Case(
        "telefon-ukosnikami-po-tel",
        insert("Dyżur: tel. 501/750/705."),
        (AT, "numer telefonu („501/750/705”)", PERSONAL),
        HTML,
        absent=("501/750/705",),
    ),
    Case(
        # Nine digits in threes with no unit cannot be told from a mobile number: the message
        # says what to do if it is an amount.
        "kwota-bez-jednostki-w-tekscie",
        insert("Budżet projektu w tabeli: 123 456 789."),
        (AT, "numer telefonu („123 456 789”)", PHONE_HINT, "rolą {dane}"),
        HTML,
        absent=("123 456 789",),
    ),
    # --- Accepted on purpose ---
    Case(
        "numer-rejestru-kilka-slow-po-nazwie",
        insert("Stowarzyszenie (REGON Stowarzyszenia: 140123456) prowadzi zajęcia."),
        ("Strona gotowa",),
        HTML,
        accepted=True,
    ),
    Case(
        "numer-dokumentu-z-ukosnikami",
        insert("Zob. sprawozdanie nr 123/456/789 z 12.05.2023 oraz pismo znak: 111/222/333."),
        ("Strona gotowa",),
        HTML,
        accepted=True,
    ),
    Case(
        "kwota-w-kolumnie-z-jednostka",
        insert("| Pozycja | Kwota (zł) |\n|:--|--:|\n| Budżet powiatu | 123 456 789 |"),
        ("Strona gotowa",),
        HTML,
        accepted=True,
    ),
    Case(
        "kwota-w-kolumnie-z-jednostka-sprawdz",
        insert("| Pozycja | Liczba osób |\n|:--|--:|\n| Powiat | 123 456 789 |"),
        ("Sprawdzono rozdziały i dane",),
        CHECK,
        accepted=True,
    ),
    Case(
        "adresy-przykladowe-w-kodzie-i-tekscie",
        insert(
            "```text\nkontakt: imie.nazwisko@example.com, biuro@gmina.test\n```\n\n"
            "Wzór adresu: jan.kowalski@przyklad.example, [napisz](mailto:ktos@example.net)."
        ),
        ("Strona gotowa",),
        HTML,
        accepted=True,
    ),
    Case(
        "adresy-przykladowe-w-kodzie-sprawdz",
        insert("```text\nkontakt: imie.nazwisko@example.com\n```"),
        ("Sprawdzono rozdziały i dane",),
        CHECK,
        accepted=True,
    ),
    Case(
        "kontakt-publiczny-w-rozdziale",
        insert("Pytania: kontakt@example.org."),
        ("Strona gotowa",),
        HTML,
        accepted=True,
    ),
    Case(
        "daty-lata-kwoty-przepisy-isbn",
        insert(
            "Zajęcia od 2024-03-16 do 16.11.2024 r., w latach 2023–2024, budżet 26 000 zł "
            "(1 234 567,89 zł z grantu), podstawa: Dz.U. 2003 nr 96 poz. 873, ISBN 978-83-7181-510-2, "
            "REGON 140123456, NIP 123-456-32-18."
        ),
        ("Strona gotowa",),
        HTML,
        accepted=True,
    ),
    Case(
        "adres-przykladowy-w-kodzie",
        insert("Adres zapisujemy jako `imie.nazwisko@example.org`."),
        ("Strona gotowa",),
        HTML,
        accepted=True,
    ),
    # --- docutils messages that used to reach authors in English ---
    Case(
        "csv-table-niezamkniety-cudzyslow",
        insert('```{csv-table} Zapisy\n:header-rows: 1\n\n"Gmina,Osoby\nModrzew,6\n```'),
        (AT, "ma błąd w danych CSV", "cudzysłów otwarty w danych tabeli nie jest zamknięty"),
        HTML,
    ),
    Case(
        "csv-table-szerokosci",
        insert("```{csv-table} Zapisy\n:widths: 1 2 3\n\nGmina,Osoby\nModrzew,6\n```"),
        (AT, "tabela „csv-table” ma 2 kolumny, a :widths: podaje inną liczbę szerokości"),
        HTML,
    ),
    Case(
        "csv-table-sam-naglowek",
        insert("```{csv-table} Zapisy\n:header-rows: 1\n\nGmina,Osoby\n```"),
        (AT, "ma tylko wiersze nagłówka"),
        HTML,
    ),
    Case(
        "dyrektywa-nieznana-opcja",
        insert("```{csv-table} Zapisy\n:naglowek: 1\n\nGmina,Osoby\nModrzew,6\n```"),
        ("nie zna opcji „naglowek”",),
        HTML,
    ),
    # --- parts of an included file: Sphinx's and MyST's messages, and no English from Typst ---
    Case(
        "literalinclude-wiersze-poza-plikiem",
        insert("```{literalinclude} ../data/gminy.csv\n:lines: 500-600\n```"),
        (AT, "zakres wierszy „500-600” (opcja :lines:) wychodzi poza plik"),
    ),
    Case(
        "literalinclude-brak-tekstu-start-after",
        insert("```{literalinclude} ../data/gminy.csv\n:start-after: NIE-MA-TAKIEGO\n```"),
        (AT, "tekstu „NIE-MA-TAKIEGO” z opcji :start-after: nie ma w dołączanym pliku"),
    ),
    Case(
        "include-brak-tekstu-end-before",
        insert("```{include} ../data/gminy.csv\n:literal:\n:end-before: NIE-MA-TAKIEGO\n```"),
        (AT, "tekstu „NIE-MA-TAKIEGO” z opcji :end-before: nie ma w pliku dołączanym przez {include}"),
    ),
    Case(
        "literalinclude-sprzeczne-opcje",
        insert("```{literalinclude} ../data/gminy.csv\n:start-at: a\n:start-after: b\n```"),
        (AT, "opcji :start-after: i :start-at: nie można użyć razem"),
    ),
    Case(
        # The PDF is not compiled after a reported problem: Typst would add its English message.
        "odsylacz-do-nieistniejacej-kotwicy",
        insert("[Zobacz](#nie-ma-takiej-kotwicy)"),
        (AT, "odsyłacz do nieistniejącego celu „nie-ma-takiej-kotwicy”"),
    ),
    Case(
        # One problem in Polish, the author's table quoted under it, counted once.
        "zle-narysowana-tabela",
        insert(
            "```{eval-rst}\n+-----+-----+\n| A   | B   |\n+=====+=====+\n| scalone  |\n+-----+-----+\n```"
        ),
        (
            "tabela rysowana znakami (+, -, |) jest źle narysowana",
            "\n  prawa krawędź nie jest wyrównana albo jej brak\n  +-----+-----+\n",
            "przerwane: 1\u00a0problem powyżej",
        ),
    ),
]


@pytest.mark.parametrize("case", DATA_CASES, ids=str)
def test_bad_data(case: Case, project: Path) -> None:
    check(case, project)


@pytest.mark.parametrize("case", SETTINGS_CASES, ids=str)
def test_bad_settings(case: Case, project: Path) -> None:
    check(case, project)


@pytest.mark.parametrize("case", CHAPTER_CASES, ids=str)
def test_bad_chapter(case: Case, project: Path) -> None:
    check(case, project)
