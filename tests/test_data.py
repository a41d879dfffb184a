"""Data loading on the test book: typed tables; every kind of bad input is named precisely."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pandas as pd
import pytest

from conftest import copy_project
from handbook.data.load import load_tables
from handbook.errors import HandbookError
from handbook.settings import load_settings


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "p")


@pytest.fixture
def tables(project):
    return load_tables(load_settings(project))


def _edit(project: Path, file: str, old: str, new: str) -> None:
    path = project / "data" / file
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _edit_package(project: Path, change) -> None:
    path = project / "data" / "datapackage.json"
    package = json.loads(path.read_text(encoding="utf-8"))
    change(package)
    path.write_text(json.dumps(package, ensure_ascii=False, indent=2), encoding="utf-8")


def _problems(project: Path) -> list[str]:
    with pytest.raises(HandbookError) as raised:
        load_tables(load_settings(project))
    return [str(p) for p in raised.value.problems]


def test_tables_are_typed_by_their_schema(tables):
    assert set(tables) == {"gminy", "warsztaty", "wolontariusze", "certyfikaty"}
    volunteers = tables["wolontariusze"]
    assert volunteers["kurs"].dtype == bool
    assert str(tables["warsztaty"]["data"].dtype).startswith("datetime64")
    assert tables["warsztaty"]["godziny"].dtype == "float64"
    assert tables["warsztaty"]["obecni"].dtype == "int64"
    assert tables.schema.resources["warsztaty"].columns["rodzaj"].enum == ("warsztat", "spotkanie", "wyjazd")
    assert tables.schema.resources["warsztaty"].columns["gmina"].reference == ("gminy", "gmina")


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        (
            "warsztaty.csv",
            "A3,2024-04-20",
            "A3,2024-04-xx",
            "warsztaty.csv:4: kolumna „data”: wartość „2024-04-xx” powinna być datą",
        ),
        (
            "warsztaty.csv",
            "Jarzębiny,warsztat",
            "Jarzębiny,warsztacik",
            "warsztaty.csv:3: kolumna „rodzaj”: wartość „warsztacik” jest niedozwolona",
        ),
        (
            "gminy.csv",
            "Modrzew,18400",
            "Modrzew,-18400",
            "gminy.csv:2: kolumna „ludnosc”: wartość -18400 jest mniejsza",
        ),
        (
            "wolontariusze.csv",
            "W04,Jarzębiny",
            "W04,Jarzebiny",
            "wolontariusze.csv:5: kolumna „gmina”: wartość „Jarzebiny” nie występuje w pliku gminy.csv",
        ),
        (
            "gminy.csv",
            "gmina,ludnosc",
            "gmina,mieszkancy",
            "gminy.csv:1: kolumna „mieszkancy”: nagłówek „mieszkancy” jest błędny",
        ),
        (
            "wolontariusze.csv",
            "W01,Modrzew,A1,tak,2,4",
            "W01,Modrzew,A1,tak,2,7",
            "wolontariusze.csv:2: kolumna „ocena_po”: wartość 7 jest większa niż dozwolone maksimum 5",
        ),
        (
            "warsztaty.csv",
            "A2,2024-04-06",
            "A1,2024-04-06",
            "warsztaty.csv:3: ten wiersz powtarza identyfikator",
        ),
        (
            "certyfikaty.csv",
            "W02,2024-11-20",
            "W02",
            "certyfikaty.csv:3: kolumna „data”: w wierszu brakuje wartości",
        ),
        (
            "wolontariusze.csv",
            "W03,Modrzew,A1,nie",
            "W03,Modrzew,A1,może",
            "wolontariusze.csv:4: kolumna „kurs”: wartość „może” powinna być wartością „tak” albo „nie”",
        ),
    ],
)
def test_bad_cell_is_located(project, file, old, new, expected):
    _edit(project, file, old, new)
    problems = _problems(project)
    assert any(expected in p for p in problems), problems


def test_all_problems_are_reported_at_once(project):
    _edit(project, "warsztaty.csv", "A3,2024-04-20", "A3,2024-04-xx")
    _edit(project, "wolontariusze.csv", "W01,Modrzew,A1,tak,2,4", "W01,Modrzew,A1,tak,2,9")
    _edit(project, "gminy.csv", "Modrzew,18400", "Modrzew,-1")
    files = {p.split(":")[0].rsplit("/", 1)[-1] for p in _problems(project)}
    assert files == {"warsztaty.csv", "wolontariusze.csv", "gminy.csv"}


# --- Spreadsheet exports ------------------------------------------------------------------


def _spreadsheet_export(text: str, fields: list[dict]) -> bytes:
    """The file as Polish Excel saves it: `;`, decimal comma, DD.MM.RRRR, grouped thousands,
    Windows-1250, CRLF, a trailing empty column and an empty last row."""
    rows = list(csv.reader(io.StringIO(text)))
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([*rows[0], ""])
    for row in rows[1:]:
        row = row[:]
        for index, spec in enumerate(fields):
            if spec["type"] == "date":
                year, month, day = row[index].split("-")
                row[index] = f"{day}.{month}.{year}"
            elif spec["type"] == "number":
                row[index] = row[index].replace(".", ",")
            elif spec["type"] == "integer" and len(row[index]) > 3:
                row[index] = f"{row[index][:-3]}\u00a0{row[index][-3:]}"
        writer.writerow([*row, ""])
    writer.writerow([""] * (len(rows[0]) + 1))
    return out.getvalue().encode("cp1250")


@pytest.mark.parametrize("variant", ["excel", "bom"])
def test_spreadsheet_exports_read_to_the_same_tables(project, tables, variant):
    schema = json.loads((project / "data" / "datapackage.json").read_text(encoding="utf-8"))
    for resource in schema["resources"]:
        path = project / "data" / resource["path"]
        text = path.read_text(encoding="utf-8")
        if variant == "excel":
            path.write_bytes(_spreadsheet_export(text, resource["schema"]["fields"]))
        else:
            path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    exported = load_tables(load_settings(project))
    for name in tables:
        pd.testing.assert_frame_equal(exported[name], tables[name], check_dtype=True)
        assert exported.contents[name] == tables.contents[name]
    if variant == "excel":
        assert "kodowanie Windows-1250" in exported.notes["gminy"]
    assert exported["gminy"]["gmina"].tolist() == tables["gminy"]["gmina"].tolist()  # no mojibake


def test_decimal_comma_never_becomes_a_bigger_integer(project):
    _edit(project, "gminy.csv", "Modrzew,18400,14", 'Modrzew,"18,5",14')
    problems = _problems(project)
    assert any(
        "gminy.csv:2: kolumna „ludnosc”: wartość „18.5” powinna być liczbą całkowitą" in p for p in problems
    )


def test_decimal_comma_in_a_number_column_is_read(project):
    _edit(project, "warsztaty.csv", "Podsumowanie lata,2.5,", 'Podsumowanie lata,"2,5",')
    events = load_tables(load_settings(project))["warsztaty"]
    assert events.set_index("id").loc["A7", "godziny"] == 2.5


def test_latin2_file_is_rejected_not_guessed(project):
    path = project / "data" / "gminy.csv"
    path.write_bytes(
        path.read_text(encoding="utf-8").replace("Modrzew,", "Modrzew ąś,", 1).encode("iso-8859-2")
    )
    problems = _problems(project)
    assert any("gminy.csv: plik jest zapisany w kodowaniu ISO-8859-2" in p for p in problems), problems


# --- Personal data ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("Zbiórka publiczna bez tajemnic", "Zbiórka – pytania: jan.kowalski@example.org", "adres e-mail"),
        ("Dyżur sąsiedzki", "Dyżur tel. 501 750 705", "numer telefonu"),
        ("Wolontariat seniorów", "Wolontariat 44051401359", "numer PESEL"),
        ("Plany na przyszły rok", "Plany +48 22 758 00 00", "numer telefonu"),
    ],
)
def test_personal_data_is_refused(project, old, new, expected):
    _edit(project, "warsztaty.csv", old, new)
    problems = _problems(project)
    assert any(
        "warsztaty.csv:" in p and "kolumna „temat”: wartość wygląda jak " + expected in p for p in problems
    )


def test_free_text_column_must_be_declared_safe(project):
    def undeclare(package):
        for resource in package["resources"]:
            for spec in resource["schema"]["fields"]:
                if (resource["name"], spec["name"]) == ("warsztaty", "temat"):
                    del spec["x-rodo-bezpieczne"]

    _edit_package(project, undeclare)
    with pytest.raises(HandbookError) as raised:
        load_tables(load_settings(project))
    assert raised.value.summary.startswith("Opis danych datapackage.json zawiera błędy (1)")
    (problem,) = raised.value.problems
    assert "kolumna tekstowa „temat” w zasobie „warsztaty”" in problem.message
    lines = (project / "data" / "datapackage.json").read_text(encoding="utf-8").splitlines()
    assert lines[problem.line - 1].strip() == "{" and '"name": "temat"' in lines[problem.line]


def test_dates_outside_the_project_period(project):
    _edit(project, "warsztaty.csv", "A9,2024-11-09", "A9,2025-01-18")
    problems = _problems(project)
    assert any(
        "warsztaty.csv:10: kolumna „data”: data 2025-01-18 wykracza poza okres projektu" in p
        for p in problems
    ), problems


# --- Declared rules -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        (
            "gminy.csv",
            "Dębowa Góra,7300,7",
            "Dębowa Góra,7300,8",
            "gminy.csv:3: kolumna „godziny_zajec”: wartość 8 różni się od: suma kolumny „godziny” w "
            "warsztaty.csv z gmina = „Dębowa Góra” (7). Reguła: godziny zajęć gminy to suma godzin",
        ),
        (
            "warsztaty.csv",
            "Promocja w lokalnych mediach,4,2,1",
            "Promocja w lokalnych mediach,4,3,1",
            "warsztaty.csv:5: kolumna „zapisani”: wartość 3 różni się od: liczba wierszy w "
            "wolontariusze.csv z warsztat = „A4” (2)",
        ),
        (
            "certyfikaty.csv",
            "W10,2024-11-22",
            "W09,2024-11-22",
            "certyfikaty.csv:8: kolumna „wolontariusz”: wartość „W09” łamie regułę: certyfikat dostają "
            "tylko wolontariusze po kursie",
        ),
        (
            "gminy.csv",
            "Olszanka Wielka,4200,4",
            "Olszanka Mała,4200,4",
            "gminy.csv:5: kolumna „gmina”: „Olszanka Mała” nie zgadza się z "
            "conf/handbook.toml (powiat.gminy)",
        ),
    ],
)
def test_declared_rules_name_file_row_and_column(project, file, old, new, expected):
    if file == "gminy.csv" and "Mała" in new:
        # The gmina's name is a key of other files too: rename it everywhere but in the settings.
        for other in ("warsztaty.csv", "wolontariusze.csv"):
            path = project / "data" / other
            path.write_text(
                path.read_text(encoding="utf-8").replace("Olszanka Wielka", "Olszanka Mała"), encoding="utf-8"
            )
    _edit(project, file, old, new)
    problems = _problems(project)
    assert any(expected in p for p in problems), problems


def test_incomplete_list_from_settings(project):
    _edit(project, "gminy.csv", "Olszanka Wielka,4200,4\n", "")
    gone = {"Olszanka", "W10", "A5,", "A8,"}  # the gmina, its volunteer, its workshops
    for other in ("warsztaty.csv", "wolontariusze.csv", "certyfikaty.csv"):
        path = project / "data" / other
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        path.write_text("".join(line for line in lines if not any(g in line for g in gone)), encoding="utf-8")
    problems = _problems(project)
    assert any("gminy.csv: kolumna „gmina”: brakuje wierszy dla: „Olszanka Wielka”" in p for p in problems), (
        problems
    )


@pytest.mark.parametrize(
    ("change", "line_starts", "expected"),
    [
        (
            lambda rule: rule.update(tabela="gminyy"),
            '"tabela"',
            "nie ma tabeli „gminyy” w data/datapackage.json; dostępne: gminy, warsztaty",
        ),
        (
            lambda rule: rule.update(kolumna="godziny"),
            '"kolumna"',
            "nie ma kolumny „godziny” w tabeli „gminy”; dostępne: gmina, ludnosc, godziny_zajec",
        ),
        (
            lambda rule: rule.update(regula="równa sumie"),
            '"regula"',
            "dozwolone: „równe sumie”, „równe liczbie wierszy”, „tylko gdy”, „zgodne z ustawieniami”",
        ),
        (lambda rule: rule["z"].update(kolumna="temat"), '"kolumna"', "kolumna „temat” ma typ „string”"),
        (lambda rule: rule.update(opsi="x"), '"opsi"', "nieznane pole „opsi”"),
        (lambda rule: rule.pop("klucz"), "{", "klucz podaj po obu stronach reguły"),
    ],
)
def test_rule_declarations_are_checked_with_their_line(project, change, line_starts, expected):
    def edit(package):
        change(package["x-reguly"][1])

    _edit_package(project, edit)
    with pytest.raises(HandbookError) as raised:
        load_tables(load_settings(project))
    problem = next((p for p in raised.value.problems if expected in p.message), None)
    assert problem is not None, [str(p) for p in raised.value.problems]
    assert problem.path.name == "datapackage.json"
    text = (project / "data" / "datapackage.json").read_text(encoding="utf-8").splitlines()
    assert problem.line is not None and text[problem.line - 1].strip().startswith(line_starts)


def test_a_rule_may_only_name_lists_of_the_settings(project):
    def edit(package):
        package["x-reguly"][0]["kolumny"] = {"gmina": "powiat.gminki"}

    _edit_package(project, edit)
    problems = _problems(project)
    assert any(
        "nie ma listy „powiat.gminki” w conf/handbook.toml; dostępne:" in p and "powiat.gminy" in p
        for p in problems
    )


def test_lists_of_one_rule_come_from_one_section(project):
    def edit(package):
        package["x-reguly"][0]["kolumny"] = {"gmina": "powiat.gminy", "ludnosc": "organizacje.id"}

    _edit_package(project, edit)
    problems = _problems(project)
    assert any("listy jednej reguły muszą być z jednej sekcji ustawień" in p for p in problems), problems


def test_foreign_keys_may_name_their_columns_in_a_list(project):
    def as_lists(package):
        for resource in package["resources"]:
            for key in resource["schema"].get("foreignKeys", []):
                key["fields"] = [key["fields"]]
                key["reference"]["fields"] = [key["reference"]["fields"]]

    _edit_package(project, as_lists)
    tables = load_tables(load_settings(project))
    assert tables.schema.resources["wolontariusze"].columns["gmina"].reference == ("gminy", "gmina")
    _edit(project, "wolontariusze.csv", "W04,Jarzębiny", "W04,Jarzebiny")
    assert any("nie występuje w pliku gminy.csv" in p for p in _problems(project))
