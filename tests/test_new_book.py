"""`handbook nowy-podrecznik`: a new book builds green at once and carries nothing of another book."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader

from book import find_names, identifiers, proper_names
from conftest import BOOK
from handbook.settings import load_settings


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "handbook.cli", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def new_book(tmp_path_factory) -> Path:
    # Invented names, so that no county's real book shares one with it.
    target = tmp_path_factory.mktemp("nowy") / "podrecznik"
    created = run(
        "nowy-podrecznik",
        str(target),
        "--tytul",
        "Aktywni sąsiedzi w Powiecie Próbnym",
        "--powiat",
        "Powiat Próbny",
        "--gminy",
        "Próbnica, Wzorcowo, Przykładowice",
    )
    assert created.returncode == 0, created.stderr
    built = run("--katalog", str(target), "buduj")
    assert built.returncode == 0, built.stderr
    assert "Traceback" not in built.stderr
    return target


def test_the_skeleton_has_every_part_of_a_book(new_book):
    files = {
        str(p.relative_to(new_book)) for p in new_book.rglob("*") if p.is_file() and "_build" not in p.parts
    }
    assert {
        "conf/handbook.toml",
        "conf/wykresy.toml",
        "conf/liczby.toml",
        "data/datapackage.json",
        "data/spotkania.csv",
        "data/README.md",
        "handbook/index.md",
        "handbook/01-wprowadzenie.md",
        "handbook/aneks-a-slowniczek.md",
        "handbook/aneks-b-dane.md",
        "handbook/deklaracja-dostepnosci.md",
    } <= files
    settings = load_settings(new_book)
    assert settings.county.name == "Powiat Próbny"
    assert settings.county.gminas == ("Próbnica", "Wzorcowo", "Przykładowice")
    assert settings.publication.title == "Aktywni sąsiedzi w Powiecie Próbnym"


def test_it_builds_a_site_and_a_pdf_with_its_chart_and_number(new_book):
    settings = load_settings(new_book)
    page = BeautifulSoup(
        (settings.html_dir / "01-wprowadzenie.html").read_text(encoding="utf-8"), "html.parser"
    )
    figure = page.select_one("figure.handbook-chart-figure")
    assert figure is not None and figure.img["alt"]
    assert page.select_one("span.handbook-number").get_text() == "6"  # two meetings in each of 3 gminas
    text = " ".join(p.extract_text() for p in PdfReader(settings.pdf_file).pages)
    assert "Powiat Próbny".upper() in text.upper()
    logo = (settings.html_dir / "_static" / "logo.svg").read_text(encoding="utf-8")
    assert "Powiat Próbny" in logo  # drawn from the settings: the book has no logo file


def test_placeholders_are_listed_and_stop_the_final_edition(new_book):
    check = run("--katalog", str(new_book), "sprawdz")
    assert check.returncode == 0
    assert (
        "conf/handbook.toml:" in check.stdout and "pole „projekt.nazwa” czeka na uzupełnienie" in check.stdout
    )
    assert "pole „dostepnosc.dostepnosc_architektoniczna” jest puste" in check.stdout
    assert "handbook/index.md:" in check.stdout  # the home page's text to replace
    final = run("--katalog", str(new_book), "buduj", "--final", "--html")
    assert final.returncode == 1
    assert "Wydanie ostateczne wstrzymane" in final.stderr


def test_nothing_of_the_book_under_test_reaches_the_new_book(new_book):
    names = proper_names(BOOK) | {n for n in identifiers(BOOK) if "_" in n}
    outputs = []
    for page in (new_book / "_build" / "html").rglob("*.html"):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for hidden in soup.select(".handbook-fold"):  # words spelled without „ł”, for the index
            hidden.decompose()
        outputs.append(str(soup))
    outputs += [p.read_text(encoding="utf-8") for p in (new_book / "_build" / "html").rglob("*.svg")]
    pdf = next((new_book / "_build" / "pdf").glob("*.pdf"))
    outputs.append(" ".join(page.extract_text() for page in PdfReader(pdf).pages))
    outputs += [
        p.read_text(encoding="utf-8")
        for p in new_book.rglob("*")
        if p.suffix in (".toml", ".md", ".json", ".csv")
    ]
    found = set().union(*(find_names(names, text) for text in outputs))
    assert found == set()


def test_an_existing_folder_is_never_overwritten(tmp_path):
    (tmp_path / "zajety").mkdir()
    (tmp_path / "zajety" / "notatki.txt").write_text("ważne", encoding="utf-8")
    result = run("nowy-podrecznik", str(tmp_path / "zajety"))
    assert result.returncode == 1
    assert "już istnieje i nie jest pusty" in result.stderr
    assert (tmp_path / "zajety" / "notatki.txt").read_text(encoding="utf-8") == "ważne"
