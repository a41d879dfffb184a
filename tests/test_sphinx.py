"""Sphinx side: charts as numbered figures, front matter, Polish errors, last good output kept."""

from __future__ import annotations

import hashlib
import shutil

import pytest
from bs4 import BeautifulSoup

from conftest import ROOTS
from handbook.build.staging import build_site
from handbook.pipeline import prepare_data
from handbook.products import read_manifest


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
    settings = make_project("mini")
    result = _build(settings)
    assert result.ok, result.warnings
    return settings


def test_chart_is_a_numbered_figure_with_data_alt(mini):
    page = _page(mini, "rozdzial.html")
    manifest = read_manifest(mini.charts_dir)
    figure = page.select_one("figure#wykres-rekrutacja-gminy")
    assert figure.img["alt"] == manifest["rekrutacja_gminy"].alt
    assert figure.img["src"] == "_images/rekrutacja_gminy.svg"
    caption = figure.figcaption.get_text(" ", strip=True)
    assert caption.startswith("Rys. 1.1")
    assert "(dane ilustracyjne)" in caption
    assert (mini.html_dir / "_images" / "rekrutacja_gminy.svg").exists()


def test_chart_caption_and_alt_can_be_overridden(mini):
    figure = _page(mini, "rozdzial.html").select_one("figure#wykres-siec-wzrost")
    assert figure.img["alt"] == "Własny tekst alternatywny"
    assert "Rys. 1.2 Własny podpis wykresu sieci" in figure.figcaption.get_text(" ", strip=True)


def test_references_tables_and_footnotes(mini):
    page = _page(mini, "rozdzial.html")
    text = page.select_one("article").get_text(" ", strip=True)
    assert "Jak pokazuje Rys. 1.1" in text
    assert "Tabela 1.1" in text
    assert page.select_one('a[href="slowniczek.html#term-grupa-nieformalna"]')
    assert page.select("aside.footnote") or page.select(".footnote-list")


def test_front_matter_becomes_title_and_byline(mini):
    page = _page(mini, "rozdzial.html")
    assert page.select_one("article h1").get_text(" ", strip=True).startswith("1. Rozdział próbny")
    byline = page.select_one(".handbook-byline").get_text(" ", strip=True)
    assert "ekspertka ds. rekrutacji, Stowarzyszenie Projekt Raszyn" in byline
    assert "Status rozdziału: szkic" in byline
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
            "<grupa nieformalna>",
            "<grupa formalna>",
            "rozdzial.md:14: termin „grupa formalna” nie występuje w słowniczku",
        ),
    ],
)
def test_author_mistakes_are_located(make_project, old, new, expected):
    settings = make_project("mini")
    chapter = settings.source_dir / "rozdzial.md"
    text = chapter.read_text(encoding="utf-8")
    assert old in text
    chapter.write_text(text.replace(old, new, 1), encoding="utf-8")
    result = _build(settings)
    assert not result.ok
    assert any(expected in w for w in result.warnings), result.warnings
