"""Settings: the real file loads; mistakes are reported in Polish with key and line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from handbook.errors import HandbookError
from handbook.settings import load_settings


def test_real_settings_describe_the_project(settings):
    assert settings.publication.title == (
        "Standardy rozwoju aktywności obywatelskiej w Powiecie Pruszkowskim"
    )
    assert set(settings.county.gminas) == {
        "Brwinów",
        "Michałowice",
        "Nadarzyn",
        "Piastów",
        "Pruszków",
        "Raszyn",
    }
    assert len(settings.organisations) == 9
    assert {o.role for o in settings.organisations} == {"lider", "partner organizacyjny", "ambasador gminny"}
    assert settings.project.start == dt.date(2017, 7, 1)
    assert settings.data.illustrative is True


def test_paths_are_derived_from_the_root(settings):
    assert settings.charts_dir == settings.build_dir / "charts"
    assert settings.source_dir.name == "handbook"
    assert (settings.data_dir / "datapackage.json").exists()


def _broken(tmp_path: Path, old: str, new: str) -> Path:
    source = Path(__file__).resolve().parent.parent / "conf" / "handbook.toml"
    (tmp_path / "conf").mkdir()
    text = source.read_text(encoding="utf-8")
    assert old in text
    (tmp_path / "conf" / "handbook.toml").write_text(text.replace(old, new, 1), encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('podstawowy = "#1d4e89"', 'podstawowy = "niebieski"', "kolory.podstawowy"),
        ("rok = 2017", 'rok = "dwa tysiące"', "publikacja.rok"),
        ('rola = "lider"', 'rola = "szef"', "dozwolone"),
        ('gmina = "Raszyn"', 'gmina = "Warszawa"', "Warszawa"),
        ("poczatek = 2017-07-01", "poczatek = 2018-07-01", "koniec projektu"),
        ("ilustracyjne = true", "ilustracyjne = true\nkolor = 1", "nieznane pole"),
        ('[publikacja]\ntytul = "', '[publikacja]\nnazwa = "', "publikacja.tytul"),
    ],
)
def test_mistakes_are_named_in_polish(tmp_path, old, new, expected):
    root = _broken(tmp_path, old, new)
    with pytest.raises(HandbookError) as raised:
        load_settings(root)
    text = str(raised.value)
    assert "Plik ustawień zawiera błędy" in text
    assert expected in text
    assert "handbook.toml:" in text  # a line number follows the file name


def test_toml_syntax_error_names_the_line(tmp_path):
    root = _broken(tmp_path, 'miejsce_wydania = "Pruszków"', "miejsce_wydania = Pruszków")
    with pytest.raises(HandbookError) as raised:
        load_settings(root)
    problem = raised.value.problems[0]
    assert problem.line == 12
    assert "składni TOML" in str(raised.value)


def test_missing_settings_file(tmp_path):
    with pytest.raises(HandbookError, match="Nie znaleziono pliku ustawień"):
        load_settings(tmp_path)
