"""Data loading: the real data is consistent; every kind of bad input is named precisely."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from handbook.data import load_tables
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


def test_non_utf8_file_is_rejected_with_advice(project):
    path = project / "data" / "gminy.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("cp1250"))
    problems = _problems(project)
    assert any("gminy.csv" in p and "CSV UTF-8" in p for p in problems), problems


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
