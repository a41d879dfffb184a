"""Settings: a book's file loads; every mistake is reported in Polish with its key and line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from conftest import ROOTS
from handbook.declared import key_lines
from handbook.errors import HandbookError
from handbook.settings import load_settings

BASE = ROOTS / "base" / "conf" / "handbook.toml"


def test_test_book_settings_load():
    settings = load_settings(ROOTS / "base")
    assert settings.county.gminas == ("Dębowa Góra", "Jarzębiny", "Modrzew", "Olszanka Wielka")
    assert settings.partnership.roles == ("koordynator", "partner")
    assert {o.role for o in settings.organisations} <= set(settings.partnership.roles)
    assert settings.project.start == dt.date(2024, 3, 1)
    assert settings.pages_without_front_matter == ("index", "deklaracja")


def test_paths_are_derived_from_the_root():
    settings = load_settings(ROOTS / "base")
    assert settings.charts_dir == settings.build_dir / "charts"
    assert settings.source_dir.name == "handbook"
    assert settings.charts_file == settings.root / "conf" / "wykresy.toml"
    assert (settings.data_dir / "datapackage.json").exists()


def _broken(tmp_path: Path, old: str, new: str) -> Path:
    (tmp_path / "conf").mkdir()
    text = BASE.read_text(encoding="utf-8")
    assert old in text
    (tmp_path / "conf" / "handbook.toml").write_text(text.replace(old, new, 1), encoding="utf-8")
    return tmp_path


def _line_of(tmp_path: Path, needle: str) -> int:
    lines = (tmp_path / "conf" / "handbook.toml").read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, start=1) if needle in line)


@pytest.mark.parametrize(
    ("old", "new", "line_of", "expected"),
    [
        (
            'podstawowy = "#2a5d34"',
            'podstawowy = "zielony"',
            "podstawowy",
            "pole „kolory.podstawowy”: oczekiwano koloru",
        ),
        ("rok = 2024", 'rok = "dwa tysiące"', "rok =", "pole „publikacja.rok”: oczekiwano liczby całkowitej"),
        (
            'rola = "partner"',
            'rola = "szef"',
            'rola = "szef"',
            "rolę „szef”, której nie ma w [partnerstwo] role; dozwolone: „koordynator”, „partner”",
        ),
        ('gmina = "Jarzębiny"', 'gmina = "Warszawa"', 'gmina = "Warszawa"', "gminę „Warszawa”"),
        ("poczatek = 2024-03-01", "poczatek = 2025-03-01", "[projekt]", "koniec projektu jest wcześniej"),
        (
            "ilustracyjne = true",
            "ilustracyjne = true\nkolor = 1",
            "kolor = 1",
            "nieznane pole „kolor” (literówka?); dozwolone pola: ilustracyjne, uwaga",
        ),
        ('[publikacja]\ntytul = "', '[publikacja]\nnazwa = "', "nazwa =", "nieznane pole „nazwa”"),
        (
            'status = "częściowo zgodna"',
            'status = "zgodny"',
            "status =",
            "dozwolone: „zgodna”, „częściowo zgodna”, „niezgodna”",
        ),
        (
            'licencja_url = "https://',
            'licencja_url = "javascript:alert(1)//',
            "licencja_url",
            "zaczynający się od https://",
        ),
        ("[dane]", '[logo]\nplik = "conf/nie-ma.svg"\n\n[dane]', "plik =", "nie ma pliku „conf/nie-ma.svg”"),
        (
            "[dane]",
            '[logo]\nplik = "../../etc/logo.svg"\n\n[dane]',
            "plik =",
            "względem katalogu podręcznika",
        ),
        (
            "[dane]",
            '[logo]\nplik = "conf/handbook.toml"\n\n[dane]',
            "plik =",
            "logo musi być plikiem .svg albo .png",
        ),
        # Every build empties the output folder: outside the book or over its sources it deletes.
        ("[dane]", '[sciezki]\nwyniki = "../ofiara"\n\n[dane]', "wyniki =", "wewnątrz katalogu podręcznika"),
        ("[dane]", '[sciezki]\nwyniki = "/tmp/w"\n\n[dane]', "wyniki =", "wewnątrz katalogu podręcznika"),
        ("[dane]", '[sciezki]\nwyniki = "."\n\n[dane]', "wyniki =", "nie sam katalog podręcznika"),
        ("[dane]", '[sciezki]\nwyniki = "handbook"\n\n[dane]', "wyniki =", "nie może być folderem „zrodla”"),
        ("[dane]", '[sciezki]\nwyniki = "data/wyniki"\n\n[dane]', "wyniki =", "nie może być folderem „dane”"),
        ("[dane]", '[sciezki]\nwyniki = "conf"\n\n[dane]', "wyniki =", "nie może być folderem „conf”"),
        ("[dane]", '[sciezki]\ndane = "/etc"\n\n[dane]', "dane =", "wewnątrz katalogu podręcznika"),
        ('licencja = "CC BY 4.0"', 'licencja = "CC BY 4.0"\nisbn = "abc"', "isbn =", "poprawny numer ISBN"),
        (
            'licencja = "CC BY 4.0"',
            'licencja = "CC BY 4.0"\nisbn = "978-83-7181-510-3"',
            "isbn =",
            "poprawną cyfrą kontrolną",
        ),
        (
            'adres = "https://example.org/wolontariat/"',
            'adres = "https://example.org/\\"onmouseover=\\"alert(1)\\"/"',
            "adres =",
            "bez spacji, cudzysłowów",
        ),
        (
            'email = "kontakt@example.org"',
            'email = "kontakt@example.org\\" onclick=\\"x"',
            "email =",
            "podaj jeden adres e-mail",
        ),
    ],
)
def test_mistakes_are_named_in_polish_with_their_line(tmp_path, old, new, line_of, expected):
    root = _broken(tmp_path, old, new)
    with pytest.raises(HandbookError) as raised:
        load_settings(root)
    assert "Plik ustawień zawiera błędy" in raised.value.summary
    problem = next((p for p in raised.value.problems if expected in p.message), None)
    assert problem is not None, [str(p) for p in raised.value.problems]
    assert problem.line == _line_of(tmp_path, line_of)
    assert problem.path.name == "handbook.toml"


def test_missing_required_key_names_its_section(tmp_path):
    root = _broken(tmp_path, 'nazwa = "Powiat Modrzewski"\n', "")
    with pytest.raises(HandbookError) as raised:
        load_settings(root)
    (problem,) = raised.value.problems
    assert problem.message == "pole „powiat.nazwa”: brak wymaganego pola"
    assert problem.line == _line_of(tmp_path, "[powiat]")


def test_toml_syntax_error_names_the_line_in_polish(tmp_path):
    root = _broken(tmp_path, 'miejsce_wydania = "Modrzew"', "miejsce_wydania = Modrzew")
    with pytest.raises(HandbookError) as raised:
        load_settings(root)
    (problem,) = raised.value.problems
    assert problem.line == _line_of(tmp_path, "miejsce_wydania")
    assert "niepoprawna wartość" in problem.message
    assert "Invalid" not in str(raised.value)


def test_settings_not_in_utf8(tmp_path):
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "handbook.toml").write_bytes(BASE.read_text(encoding="utf-8").encode("cp1250"))
    with pytest.raises(HandbookError, match="UTF-8"):
        load_settings(tmp_path)


def test_missing_settings_file(tmp_path):
    with pytest.raises(HandbookError, match="Nie znaleziono pliku ustawień"):
        load_settings(tmp_path)


def test_key_lines_follow_tables_arrays_and_multiline_values():
    text = '''
[a]
x = """jeden
y = 2
"""
lista = [
  1,
  { z = 3 },
]
[[a.serie]]
k = 1
[[a.serie]]
k = 2
[a.serie.opcje]
"klucz w cudzysłowie".b = "# nie komentarz"
'''
    lines = key_lines(text)
    assert lines[("a", "x")] == 3
    assert ("a", "y") not in lines  # inside a multi-line string
    assert lines[("a", "lista")] == 6
    assert lines[("a", "serie", 0, "k")] == 11
    assert lines[("a", "serie", 1, "k")] == 13
    assert lines[("a", "serie", 1, "opcje", "klucz w cudzysłowie", "b")] == 15


@pytest.mark.parametrize(
    ("isbn"), ["978-83-01-00000-4", "ISBN 978 83 01 00000 4", "83-01-00000-7", "9788301000004"]
)
def test_a_valid_isbn_is_accepted(tmp_path, isbn):
    root = _broken(tmp_path, 'licencja = "CC BY 4.0"', f'licencja = "CC BY 4.0"\nisbn = "{isbn}"')
    assert load_settings(root).publication.isbn == isbn


def _book_with_logo(tmp_path: Path, name: str, content: bytes | None) -> Path:
    root = _broken(tmp_path, "[dane]", f'[logo]\nplik = "conf/{name}"\n\n[dane]')
    if content is None:  # a link to a file outside the book
        outside = tmp_path.parent / f"{tmp_path.name}-poza.svg"
        outside.write_text('<svg xmlns="http://www.w3.org/2000/svg"/>', encoding="utf-8")
        (root / "conf" / name).symlink_to(outside)
    else:
        (root / "conf" / name).write_bytes(content)
    return root


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("logo.svg", None, "dowiązaniem do pliku spoza katalogu podręcznika"),
        (
            "logo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "element <script>",
        ),
        (
            "logo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><image href="https://attacker.example/x.png"/></svg>',
            "zewnętrznego zasobu",
        ),
        ("logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><circle", "nie jest poprawnym plikiem XML"),
        ("logo.png", b"to nie jest obraz", "nie jest obrazem PNG"),
        ("logo.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "uszkodzony lub niekompletny"),
    ],
)
def test_a_logo_is_checked_like_a_chapter_image(tmp_path, name, content, expected):
    """The logo is on every page and the cover: a script, a link out or a broken file is refused."""
    root = _book_with_logo(tmp_path, name, content)
    with pytest.raises(HandbookError) as raised:
        load_settings(root)
    (problem,) = raised.value.problems
    assert expected in problem.message, problem.message
    assert problem.line == _line_of(tmp_path, "plik =")


def test_the_statement_page_must_exist(tmp_path):
    root = _broken(tmp_path, 'strona = "deklaracja"', 'strona = "deklaracjaa"')
    (root / "handbook").mkdir()
    (root / "handbook" / "deklaracja.md").write_text("# Deklaracja\n", encoding="utf-8")
    with pytest.raises(HandbookError) as raised:
        load_settings(root)
    (problem,) = raised.value.problems
    assert "nie ma strony „deklaracjaa” (pliku handbook/deklaracjaa.md)" in problem.message
    assert problem.line == _line_of(tmp_path, "strona =")


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            'strona = "https://powiat.example.org"',
            'strona = "http://powiat.example.org"',
            "pole „powiat.strona”: podaj adres strony zaczynający się od https://",
        ),
        (
            'bip = "https://bip.powiat.example.org"',
            'bip = "mailto:bip@example.org"',
            "pole „powiat.bip”: podaj adres strony zaczynający się od https://",
        ),
        (
            'bip = "https://bip.powiat.example.org"',
            'bip = "https://bip.example.org/\\"onclick=\\"x"',
            "pole „powiat.bip”",
        ),
        (
            "ilustracyjne = true",
            'ilustracyjne = true\nuwaga_krotka = "' + "d" * 101 + '"',
            "pole „dane.uwaga_krotka”: krótka uwaga to jeden wiersz, najwyżej 100 znaków",
        ),
    ],
)
def test_county_addresses_and_the_short_notice_are_checked(tmp_path, old, new, expected):
    with pytest.raises(HandbookError) as error:
        load_settings(_broken(tmp_path, old, new))
    message = str(error.value)
    assert expected in message
    assert f"handbook.toml:{_line_of(tmp_path, new.splitlines()[-1][:12])}" in message


def test_county_addresses_are_optional(tmp_path):
    settings = load_settings(_broken(tmp_path, 'strona = "https://powiat.example.org"\n', ""))
    assert settings.county.website == ""
    assert settings.county.bip == "https://bip.powiat.example.org"
    assert settings.data.short_notice == ""
