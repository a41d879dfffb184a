"""Sphinx side: charts as numbered figures, front matter, Polish errors, last good output kept."""

from __future__ import annotations

import hashlib
import json
import shutil

import pytest
from bs4 import BeautifulSoup

from conftest import ROOTS
from handbook.build.staging import build_site
from handbook.pipeline import prepare_data
from handbook.products import read_manifest
from handbook.sphinxext.frontmatter import parse as parse_front_matter


def _build(settings):
    prepare_data(settings)
    return build_site(settings, "html", echo=False)


def _page(settings, name: str) -> BeautifulSoup:
    return BeautifulSoup((settings.html_dir / name).read_text(encoding="utf-8"), "html.parser")


def _tree_digest(folder) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def mini(make_project):
    settings = make_project()
    result = _build(settings)
    assert result.ok, result.warnings
    return settings


def test_chart_is_a_numbered_figure_with_data_alt(mini):
    page = _page(mini, "rozdzial.html")
    manifest = read_manifest(mini.charts_dir)
    figure = page.select_one("figure#wykres-wolontariusze-gminy")
    assert figure.img["alt"] == manifest["wolontariusze_gminy"].alt
    assert figure.img["src"] == "_images/wolontariusze_gminy.svg"
    caption = figure.figcaption.get_text(" ", strip=True)
    assert caption.startswith("Rys. 1.1")
    assert "(dane ilustracyjne)" in caption
    assert (mini.html_dir / "_images" / "wolontariusze_gminy.svg").exists()


def test_chart_caption_and_alt_can_be_overridden(mini):
    figure = _page(mini, "rozdzial.html").select_one("figure#wykres-godziny-narastajaco")
    assert figure.img["alt"] == "Własny tekst alternatywny"
    assert "Rys. 1.2 Własny podpis wykresu godzin" in figure.figcaption.get_text(" ", strip=True)


def test_references_tables_and_footnotes(mini):
    page = _page(mini, "rozdzial.html")
    text = page.select_one("article").get_text(" ", strip=True)
    assert "Jak pokazuje rys.\u00a01.1" in text  # a reference reads as prose (sphinxext/numbering.py)
    assert "Tabela 1.1" in text
    assert page.select_one('a[href="slowniczek.html#term-wolontariusz-sasiedzki"]')
    assert page.select("aside.footnote") or page.select(".footnote-list")


def test_front_matter_becomes_title_and_byline(mini):
    page = _page(mini, "rozdzial.html")
    assert page.select_one("article h1").get_text(" ", strip=True).startswith("1. Rozdział próbny")
    byline = page.select_one(".handbook-byline").get_text(" ", strip=True)
    assert "ekspertka ds. wolontariatu, Fundacja „Zielona Jarzębina”" in byline
    # The status is said once, by the draft badge.
    assert byline.count("szkic") == 1 and "WERSJA ROBOCZA – rozdział ma status „szkic”" in byline
    assert "Streszczenie" not in page.select_one("article").get_text()  # no docutils abstract box


def test_broken_chapter_fails_in_polish_and_keeps_last_good_output(mini):
    before = _tree_digest(mini.html_dir)
    shutil.copy(ROOTS / "broken-chapter" / "handbook" / "rozdzial.md", mini.source_dir / "rozdzial.md")
    for attempt in range(2):  # the second build must fail too: no stale environment reused
        result = build_site(mini, "html", echo=False)
        assert not result.ok, attempt
        text = "\n".join(result.warnings)
        assert "handbook/rozdzial.md:6: pole „status” w metryczce: niedozwolona wartość" in text
        assert "handbook/rozdzial.md:15: nieznany wykres „nie_ma_takiego”" in text
        assert "WARNING" not in text
        assert _tree_digest(mini.html_dir) == before


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("status: szkic\n", "", "rozdzial.md:1: pole „status” w metryczce: brak wymaganego pola"),
        (
            "    imie_nazwisko: null\n",
            "    telefon: 123\n",
            "rozdzial.md:6: pole „autorzy.1.telefon” w metryczce: nieznane pole",
        ),
        (
            "slowa_kluczowe: [test, wykres]",
            "slowa_kluczowe: [test, wykres",
            "rozdzial.md:9: metryczka nie jest poprawnym YAML-em",
        ),
        (
            "{numref}`tabela-proba`",
            "{numref}`tabela-brak`",
            "rozdzial.md:14: odsyłacz do nieistniejącej etykiety „tabela-brak”",
        ),
        (
            "<wolontariusz sąsiedzki>",
            "<wolontariusz miejski>",
            "rozdzial.md:14: termin „wolontariusz miejski” nie występuje w słowniczku",
        ),
        (
            "```{wykres} samoocena",
            "```{wykres} samoocenka",
            "rozdzial.md:40: nieznany wykres „samoocenka”. Dostępne wykresy: godziny_narastajaco, samoocena",
        ),
    ],
)
def test_author_mistakes_are_located(make_project, old, new, expected):
    settings = make_project()
    chapter = settings.source_dir / "rozdzial.md"
    text = chapter.read_text(encoding="utf-8")
    assert old in text
    chapter.write_text(text.replace(old, new, 1), encoding="utf-8")
    result = _build(settings)
    assert not result.ok
    assert any(expected in w for w in result.warnings), result.warnings


_FRONT = (
    "---\ntytul: Rozdział\nautorzy:\n  - rola: autorka\n    organizacja: Fundacja\n"
    "status: szkic\nstreszczenie: O czym.\nslowa_kluczowe: [test]\n---\n\n## Treść\n"
)
_BOMB = "".join(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n" for i in range(1, 8))


@pytest.mark.parametrize(
    ("old", "new", "line", "expected"),
    [
        (
            "status: szkic",
            "status: !!python/object/apply:os.system ['touch x']",
            6,
            "znaczników YAML („!!python",
        ),
        ("status: szkic", "status: !!str szkic", 6, "znaczników YAML („!!str”)"),
        ("status: szkic", "status: &s szkic\nstreszczenie: *s", 6, "kotwic ani odwołań"),
        ("status: szkic", "a0: &a0 [x]\n" + _BOMB + "status: szkic", 6, "kotwic ani odwołań"),
        ("status: szkic", "status: szkic\nstatus: gotowy", 7, "pole „status” powtarza się"),
        ("status: szkic", "status: [szkic", 6, "lista w nawiasach [ ] nie jest zamknięta"),
        ("status: szkic", "status: 'szkic", 6, "cudzysłów albo nawias nie jest zamknięty"),
        ("status: szkic", "status: szkic: tak", 6, "dwukropek w wartości"),
        ("status: szkic", "\tstatus: szkic", 6, "znak tabulacji"),
        ("status: szkic", "status szkic\nx: 1", 6, "po nazwie pola brakuje dwukropka"),
        ("tytul: Rozdział", "tytul: Rozdział\nkolor: " + "x" * 5000, 3, "nieznane pole"),
    ],
)
def test_front_matter_yaml_is_plain_and_its_mistakes_polish(old, new, line, expected):
    assert old in _FRONT
    front, problems = parse_front_matter(_FRONT.replace(old, new, 1))
    assert front is None
    assert [number for number, _ in problems][:1] == [line], problems
    text = " ".join(message for _, message in problems)
    assert expected in text
    assert len(text) < 300  # no value expanded or repeated whole into the message
    assert not any(word in text for word in ("expected", "found", "could not", "constructor"))


def test_data_appendix_offers_every_file(mini):
    page = _page(mini, "dane.html")
    links = {a.get_text(strip=True): a["href"] for a in page.select("a.download")}
    package = json.loads((mini.data_dir / "datapackage.json").read_text(encoding="utf-8"))
    expected = {r["path"] for r in package["resources"]} | {"datapackage.json"}
    assert set(links) == expected
    for name, href in links.items():
        assert (mini.html_dir / href).read_bytes() == (mini.data_dir / name).read_bytes()
    tables = page.select("table.handbook-data-schema")
    assert len(tables) == len(package["resources"])
    first = [td.get_text(strip=True) for td in tables[0].select("tbody tr")[1].select("td")]
    assert first[:3] == ["ludnosc", "liczba całkowita", "osoby"]
    assert first[4] == "wymagana; co najmniej 1"
    # A pattern is code: „[0-9]” keeps its hyphen (prose would get a dash).
    pattern = tables[2].select("tbody tr")[0].select("td")[4].select_one("code")
    assert pattern.get_text() == "^W[0-9]{2}$"
    assert "zmyślone" in page.select_one(".admonition.important").get_text()
    footer = _page(mini, "rozdzial.html")
    assert footer.select_one('footer a[href="dane.html"]')
    assert footer.select_one('footer a[href="deklaracja.html"]')


def test_chart_data_table_is_collapsed_under_each_chart(mini):
    page = _page(mini, "rozdzial.html")
    boxes = page.select("details.handbook-chart-data")
    assert len(boxes) == 3 and not boxes[0].has_attr("open")
    assert boxes[0].summary.get_text(strip=True).startswith("Dane liczbowe wykresu")
    headers = [th.get_text(strip=True) for th in boxes[0].select("thead th")]
    assert headers[0] == "Gmina" and len(headers) == 3
    rows = [[td.get_text(strip=True) for td in tr.select("td")] for tr in boxes[0].select("tbody tr")]
    assert rows[0] == ["Modrzew", "6", "5"] and len(rows) == 4


def test_the_logo_is_drawn_from_the_settings_when_the_book_has_none(mini):
    logo = (mini.html_dir / "_static" / "logo.svg").read_text(encoding="utf-8")
    assert "Sąsiedzka Pracownia Wolontariatu" in logo and "Powiat Modrzewski" in logo
    assert logo.count("<path") == len(mini.county.gminas)  # one segment per gmina
    assert mini.colours.primary in logo
    # The header shows the mark (the icon) beside the county's name in real text.
    header = _page(mini, "index.html").select_one("header a.handbook-home")
    assert header.img["src"].endswith("_static/ikona.svg") and header.img["alt"] == ""
    assert mini.county.name in header.get_text(" ")
