"""Data loading on the test book: typed tables; every kind of bad input is named precisely."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from adversarial import ENGLISH
from conftest import copy_project
from handbook.data.load import _problem, load_tables
from handbook.data.privacy import find_personal_data
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
        ("Zbiórka publiczna bez tajemnic", "Zbiórka – pytania: jan.kowalski@gmail.com", "adres e-mail"),
        ("Dyżur sąsiedzki", "Dyżur tel. 501 750 705", "numer telefonu"),
        ("Wolontariat seniorów", "Wolontariat 44051401359", "numer PESEL"),
        ("Plany na przyszły rok", "Plany +48 22 758 00 00", "numer telefonu"),
        # Written so that the guard used to miss them: hidden characters, a minus, PESEL 2-2-2-2-3.
        ("Dyżur sąsiedzki", "Dyżur 501\u200b750\u200b705", "numer telefonu"),
        ("Dyżur sąsiedzki", "Dyżur 600\u2212100\u2212200", "numer telefonu"),
        ("Zbiórka publiczna bez tajemnic", "Zbiórka: jan.kowalski\uff20gmail.com", "adres e-mail"),
        ("Wolontariat seniorów", "Wolontariat 44 05 14 01 359", "numer PESEL"),
    ],
)
def test_personal_data_is_refused(project, old, new, expected):
    _edit(project, "warsztaty.csv", old, new)
    problems = _problems(project)
    assert any(
        "warsztaty.csv:" in p and "kolumna „temat”: wartość wygląda jak " + expected in p for p in problems
    )


@pytest.mark.parametrize(
    "new",
    [
        # An address at a domain reserved for examples (RFC 2606) is nobody's.
        "Zbiórka – pytania: jan.kowalski@example.org",
        # A communiqué's date after „kom.”, four groups of three digits, a register's number.
        "Zbiórka – kom. 2023.05.12",
        "Zbiórka – numery 100 200 300 400",
        "Zbiórka (REGON Stowarzyszenia: 140123456)",
        "Zbiórka – sprawozdanie nr 123/456/789",
    ],
)
def test_what_only_looks_like_personal_data_is_read(project, new):
    _edit(project, "warsztaty.csv", "Zbiórka publiczna bez tajemnic", new)
    events = load_tables(load_settings(project))["warsztaty"]
    assert new in set(events["temat"])


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


# --- Inputs that hung the build, or reached the editor in English or at the wrong place ------


@contextlib.contextmanager
def _at_most(seconds: int) -> Iterator[None]:
    """Fail (instead of hanging the suite) when the block takes longer than *seconds*."""

    def stop(*_: object) -> None:
        raise TimeoutError(f"trwało dłużej niż {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


# A word of one letter, digits, an address-like run, dots: each once made a regex rescan the
# rest of the word from each of its characters (minutes for a megabyte).
LONG_WORDS = ["D", "1", "a.", "x@y.", "1-", "ą", "\u00a0", "tel 1 "]


@pytest.mark.parametrize("unit", LONG_WORDS)
def test_personal_data_guard_is_linear_in_a_long_word(unit):
    def took(size: int) -> float:
        text = unit * (size // len(unit))
        start = time.perf_counter()
        find_personal_data(text)
        return time.perf_counter() - start

    with _at_most(30):
        took(1_000_000)  # a megabyte: seconds if linear, hours if quadratic
        small, large = min(took(100_000) for _ in range(2)), took(400_000)
    assert large < 8 * small + 0.05, (small, large)


def test_a_cell_of_a_megabyte_is_read(project):
    _edit(project, "warsztaty.csv", "Dyżur sąsiedzki", "D" * 1_000_000)
    with _at_most(30):
        tables = load_tables(load_settings(project))
    assert tables["warsztaty"]["temat"].str.len().max() == 1_000_000


@pytest.mark.parametrize("file", ["data/certyfikaty.csv", "data/datapackage.json", "conf/handbook.toml"])
def test_a_named_pipe_is_refused_without_opening_it(project, file):
    path = project / file
    path.unlink()
    os.mkfifo(path)
    with _at_most(30), pytest.raises(HandbookError) as raised:
        load_tables(load_settings(project))
    problems = [str(p) for p in raised.value.relative_to(project).problems]
    assert any(p.startswith(f"{file}:") and "potok nazwany (FIFO)" in p for p in problems), problems


def test_a_link_inside_the_data_folder_to_a_named_pipe_is_refused(project):
    os.mkfifo(project / "data" / "potok")
    (project / "data" / "certyfikaty.csv").unlink()
    (project / "data" / "certyfikaty.csv").symlink_to(project / "data" / "potok")
    with _at_most(30):
        problems = _problems(project)
    assert any("certyfikaty.csv:" in p and "potok nazwany" in p for p in problems), problems


def test_a_line_break_in_a_key_is_the_only_problem_named(project):
    _edit(project, "gminy.csv", "Olszanka Wielka,4200", '"Olszanka\nWielka",4200')
    problems = _problems(project)
    assert len(problems) == 1, problems
    assert "gminy.csv:5: kolumna „gmina”: komórka „Olszanka⏎Wielka” zawiera złamanie wiersza" in problems[0]


def test_lines_after_a_line_break_in_text_are_lines_of_the_file(project):
    _edit(project, "warsztaty.csv", "Dyżur sąsiedzki", '"Dyżur\n\nsąsiedzki"')
    _edit(project, "warsztaty.csv", "A7,2024-09-14,Jarzębiny,spotkanie", "A7,2024-09-14,Jarzębiny,zebranie")
    problems = _problems(project)
    lines = (project / "data" / "warsztaty.csv").read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, start=1) if text.startswith("A7,"))
    assert any(f"warsztaty.csv:{line}: kolumna „rodzaj”" in p for p in problems), problems


def test_decomposed_letters_match_the_composed_ones(project):
    _edit(project, "warsztaty.csv", "A2,2024-04-06,Jarzębiny,", "A2,2024-04-06,Jarze\u0328biny,")
    tables = load_tables(load_settings(project))
    assert tables["warsztaty"]["gmina"].iloc[1] == "Jarzębiny"
    assert any("złączone" in note for note in tables.notes["warsztaty"])


@pytest.mark.parametrize("blank", ["\u00a0", " ", "\u202f\u2009", "\u200b", "\ufeff "])
def test_a_cell_that_shows_nothing_is_empty(project, blank):
    _edit(project, "gminy.csv", "Jarzębiny,9100,6.5", f"{blank},9100,6.5")
    problems = _problems(project)
    assert any("gminy.csv:4: kolumna „gmina”: pole jest puste, a jest wymagane" in p for p in problems)


def _all_frictionless_types() -> list[str]:
    from frictionless import errors

    return sorted(
        {cls.type for cls in vars(errors).values() if isinstance(cls, type) and issubclass(cls, errors.Error)}
    )


@pytest.mark.parametrize("kind", _all_frictionless_types())
def test_no_frictionless_error_reaches_the_editor_in_english(kind):
    from frictionless import errors

    classes = [c for c in vars(errors).values() if isinstance(c, type) and getattr(c, "type", None) == kind]
    error = SimpleNamespace(
        type=kind,
        title=classes[0].title,
        note="this note is English and must not be shown",
        row_number=3,
        field_name="gmina",
        field_number=1,
        cell="x",
        label="gmina",
    )
    problem = _problem(Path("data/gminy.csv"), error, {"gmina": SimpleNamespace(type="string")})
    text = str(problem)
    assert not ENGLISH.search(text), text
    assert "English" not in text and classes[0].title not in text, text


@pytest.mark.parametrize(
    ("constraints", "expected"),
    [
        ({"minimum": 5, "maximum": 1}, "„maximum” (1) jest mniejsze niż „minimum” (5)"),
        ({"exclusiveMinimum": 3, "maximum": 3}, "„maximum” (3) jest mniejsze niż „exclusiveMinimum” (3)"),
        (
            {"minimum": 1, "maximum": 10, "enum": [1, 50]},
            "dozwolona wartość „50” nie spełnia ograniczenia „maximum”",
        ),
    ],
)
def test_contradicting_constraints_are_named_at_their_line(project, constraints, expected):
    def edit(package):
        package["resources"][2]["schema"]["fields"][4]["constraints"] = {"required": True, **constraints}

    _edit_package(project, edit)
    problems = _problems(project)
    assert len(problems) == 1 and "datapackage.json:" in problems[0] and expected in problems[0], problems
