"""Data loading: the real data is consistent; every kind of bad input is named precisely."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from handbook.data.load import load_tables
from handbook.errors import HandbookError
from handbook.settings import load_settings

REPO = Path(__file__).resolve().parent.parent


def test_real_tables_are_typed(tables):
    people = tables["uczestnicy"]
    assert len(people) == 22
    assert people["ukonczenie"].dtype == bool
    assert int(people["ukonczenie"].sum()) == 20
    assert str(people["data_zgloszenia"].dtype).startswith("datetime64")
    assert tables["wydarzenia"]["godziny"].dtype == "float64"
    assert set(tables) == {
        "gminy",
        "organizacje",
        "kampania",
        "uczestnicy",
        "wydarzenia",
        "mentoring",
        "siec",
        "samoocena",
        "konferencja",
    }


def test_real_data_matches_the_seed(tables, settings):
    assert set(tables["gminy"]["gmina"]) == set(settings.county.gminas)
    assert len(tables["organizacje"]) == 9
    events = tables["wydarzenia"]
    trainings = events[events["typ"] != "konferencja"]
    assert trainings["data"].min().month == 9 and trainings["data"].max().month == 11
    assert events.loc[events["typ"] == "konferencja", "data"].dt.month.tolist() == [12]


def test_no_personal_data_columns(tables):
    forbidden = {"imie", "nazwisko", "email", "telefon", "pesel", "adres"}
    for name, frame in tables.items():
        assert not forbidden & set(frame.columns), name


@pytest.fixture
def project(tmp_path: Path) -> Path:
    for part in ("conf", "data"):
        shutil.copytree(REPO / part, tmp_path / part)
    return tmp_path


def _edit(project: Path, file: str, old: str, new: str) -> None:
    path = project / "data" / file
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _problems(project: Path) -> list[str]:
    with pytest.raises(HandbookError) as raised:
        load_tables(load_settings(project))
    return [str(p) for p in raised.value.problems]


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        (
            "wydarzenia.csv",
            "W03,2017-09-23",
            "W03,2017-09-xx",
            "wydarzenia.csv:4: kolumna „data”: wartość „2017-09-xx” powinna być datą",
        ),
        (
            "wydarzenia.csv",
            "W03,2017-09-23,szkolenie",
            "W03,2017-09-23,szkolenko",
            "wydarzenia.csv:4: kolumna „typ”: wartość „szkolenko” jest niedozwolona",
        ),
        (
            "kampania.csv",
            ",18400,",
            ",-18400,",
            "kampania.csv:2: kolumna „zasieg_szacowany”: wartość -18400 jest mniejsza",
        ),
        (
            "uczestnicy.csv",
            "U05,Pruszków",
            "U05,Pruszkow",
            "uczestnicy.csv:6: kolumna „gmina”: wartość „Pruszkow” nie występuje w pliku gminy.csv",
        ),
        (
            "kampania.csv",
            "kanal,zasieg_szacowany,zgloszenia",
            "kanal,zasieg,zgloszenia",
            "kampania.csv:1: kolumna „zasieg”: nagłówek „zasieg” jest błędny",
        ),
        (
            "samoocena.csv",
            "U01,planowanie działań,3,4",
            "U01,planowanie działań,3,7",
            "samoocena.csv:2: kolumna „po”: wartość 7 jest większa niż dozwolone maksimum 5",
        ),
        (
            "wydarzenia.csv",
            "W02,2017-09-10",
            "W01,2017-09-10",
            "wydarzenia.csv:3: ten wiersz powtarza identyfikator",
        ),
        (
            "siec.csv",
            "2017-08,11,3",
            "2017-08,11",
            "siec.csv:3: kolumna „grupy_nieformalne”: w wierszu brakuje wartości",
        ),
    ],
)
def test_bad_cell_is_located(project, file, old, new, expected):
    _edit(project, file, old, new)
    problems = _problems(project)
    assert any(expected in p for p in problems), problems


def test_all_problems_are_reported_at_once(project):
    _edit(project, "wydarzenia.csv", "W03,2017-09-23", "W03,2017-09-xx")
    _edit(project, "mentoring.csv", "spotkanie indywidualne", "spacer")
    _edit(project, "konferencja.csv", "media,5", "media,-5")
    files = {p.split(":")[0].rsplit("/", 1)[-1] for p in _problems(project)}
    assert files == {"wydarzenia.csv", "mentoring.csv", "konferencja.csv"}


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
    assert "kodowanie Windows-1250" in exported.notes["gminy"] if variant == "excel" else True
    assert exported["gminy"]["gmina"].tolist() == tables["gminy"]["gmina"].tolist()  # no mojibake


def test_decimal_comma_never_becomes_a_bigger_integer(project):
    path = project / "data" / "konferencja.csv"
    path.write_bytes("sektor;liczba_osob\r\norganizacje pozarządowe;1,5\r\n".encode("cp1250"))
    problems = _problems(project)
    assert any(
        "konferencja.csv:2: kolumna „liczba_osob”: wartość „1.5” powinna być liczbą całkowitą" in p
        for p in problems
    ), problems


def test_decimal_comma_in_a_number_column_is_read(project, tables):
    _edit(
        project,
        "wydarzenia.csv",
        "W01,2017-09-09,szkolenie,Inauguracja: diagnoza potrzeb społeczności lokalnej,6,",
        'W01,2017-09-09,szkolenie,Inauguracja: diagnoza potrzeb społeczności lokalnej,"5,5",',
    )
    _edit(
        project,
        "wydarzenia.csv",
        "W02,2017-09-10,warsztat,Od pomysłu do projektu – planowanie działań,6,",
        'W02,2017-09-10,warsztat,Od pomysłu do projektu – planowanie działań,"6,5",',
    )
    events = load_tables(load_settings(project))["wydarzenia"]
    assert (
        events["godziny"].iloc[0] == 5.5 and events["godziny"].sum() == tables["wydarzenia"]["godziny"].sum()
    )


def test_latin2_file_is_rejected_not_guessed(project):
    path = project / "data" / "gminy.csv"
    path.write_bytes(
        path.read_text(encoding="utf-8").replace("Michałowice", "Michałowice ąś").encode("iso-8859-2")
    )
    problems = _problems(project)
    assert any("gminy.csv: plik jest zapisany w kodowaniu ISO-8859-2" in p for p in problems), problems


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        (
            "wydarzenia.csv",
            "Prawo i finanse małej organizacji",
            "Prawo – pytania: jan.kowalski@example.org",
            "wydarzenia.csv:12: kolumna „temat”: wartość wygląda jak adres e-mail",
        ),
        (
            "wydarzenia.csv",
            ",Komorów,",
            ",Komorów tel. 501 750 705,",
            "wydarzenia.csv:9: kolumna „miejsce”: wartość wygląda jak numer telefonu",
        ),
        (
            "konferencja.csv",
            "media,5",
            "media 44051401359,5",
            "konferencja.csv:6: kolumna „sektor”: wartość wygląda jak numer PESEL",
        ),
        (
            "wydarzenia.csv",
            ",Komorów,",
            ",+48 22 758 00 00,",
            "kolumna „miejsce”: wartość wygląda jak numer telefonu",
        ),
    ],
)
def test_personal_data_is_refused(project, file, old, new, expected):
    _edit(project, file, old, new)
    problems = _problems(project)
    assert any(expected in p for p in problems), problems


def test_free_text_column_must_be_declared_safe(project):
    path = project / "data" / "datapackage.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    for resource in schema["resources"]:
        for spec in resource["schema"]["fields"]:
            if (resource["name"], spec["name"]) == ("wydarzenia", "miejsce"):
                del spec["x-rodo-bezpieczne"]
    path.write_text(json.dumps(schema, ensure_ascii=False), encoding="utf-8")
    problems = _problems(project)
    assert any("datapackage.json: kolumna tekstowa „miejsce” w zasobie „wydarzenia”" in p for p in problems)


def test_dates_outside_the_project_period(project):
    _edit(project, "wydarzenia.csv", "W16,2017-11-18", "W16,2018-01-18")
    problems = _problems(project)
    assert any(
        "wydarzenia.csv:17: kolumna „data”: data 2018-01-18 wykracza poza okres projektu" in p
        for p in problems
    ), problems


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        (
            "kampania.csv",
            "plakaty i ulotki,4500,1",
            "plakaty i ulotki,4500,2",
            "kampania.csv:5: kolumna „zgloszenia”: kanał „plakaty i ulotki” ma 2 zgłoszeń",
        ),
        ("konferencja.csv", "media,5", "media,6", "konferencja ma 128 uczestników"),
        (
            "organizacje.csv",
            "Stowarzyszenie Projekt Raszyn,",
            "Stowarzyszenie Raszyn,",
            "nie zgadza się z listą [[organizacje]]",
        ),
    ],
)
def test_files_must_agree_with_each_other(project, file, old, new, expected):
    _edit(project, file, old, new)
    problems = _problems(project)
    assert any(expected in p for p in problems), problems


def test_assessment_only_for_graduates(project):
    _edit(
        project,
        "uczestnicy.csv",
        "U01,Pruszków,grupa nieformalna,2017-07-22,media społecznościowe,tak",
        "U01,Pruszków,grupa nieformalna,2017-07-22,media społecznościowe,nie",
    )
    problems = _problems(project)
    assert any("uczestnik U01 nie ukończył programu" in p for p in problems), problems
