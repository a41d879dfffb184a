"""What MyST and Sphinx show on the site is what the PDF prints: a corpus of constructs, read back.

tests/roots/myst-corpus is a book of constructs found in real chapters (inline roles, HTML tags,
lists, boxes, code, images with options, rST blocks). It is built once to HTML and PDF; each test
finds one construct in both. What print cannot show is refused at its line, in Polish.
"""

from __future__ import annotations

import re
import shutil

import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader
from pypdf.generic import ContentStream

from handbook.build.staging import build_pdf, build_site
from handbook.pipeline import prepare_data
from handbook.settings import Settings, load_settings

# A pixel is 0.75 pt (96 dpi), as a browser draws it.
PX = 0.75
CM = 72 / 2.54


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Settings:
    from conftest import copy_project

    settings = load_settings(copy_project(tmp_path_factory.mktemp("korpus") / "p", "myst-corpus"))
    prepare_data(settings)
    pdf = build_pdf(settings, echo=False)
    assert pdf.ok, pdf.warnings
    site = build_site(settings, "html", echo=False)
    assert site.ok, site.warnings
    return settings


@pytest.fixture(scope="module")
def pages(corpus) -> list:
    return list(PdfReader(corpus.pdf_file).pages)


def _flat(text: str) -> str:
    """Text as read: no-break spaces as spaces, words hyphenated at a line end joined, one space."""
    text = re.sub("\xad\\s*\n", "", text).replace("\xa0", " ")
    return " ".join(text.split())


@pytest.fixture(scope="module")
def text(pages) -> str:
    return _flat("\n".join(p.extract_text() for p in pages))


def _squeezed(text: str) -> str:
    # A hyphen at a line end reads back as a soft hyphen: neither counts (an en dash does).
    return re.sub(r"[\s\xad-]+", "", text)


def _contains(text: str, needle: str) -> bool:
    """Whether *needle* is in *text*, wherever lines broke (code breaks without a hyphen)."""
    return _squeezed(needle) in _squeezed(text)


def _page(pages, needle: str):
    found = [p for p in pages if needle in _flat(p.extract_text())]
    assert found, needle
    return found[0]


def _html(corpus: Settings, page: str) -> BeautifulSoup:
    html = (corpus.html_dir / f"{page}.html").read_text(encoding="utf-8")
    return BeautifulSoup(html, "html.parser").select_one("article")


def _html_text(corpus: Settings, page: str) -> str:
    from conftest import reader_text

    return _flat(reader_text(_html(corpus, page)))


def _fonts(page) -> list[tuple[float, str]]:
    """(font size, text) of every piece of text on *page*."""
    found: list[tuple[float, str]] = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            found.append((round(size * tm[0] * cm[0], 2), text.replace("\xa0", " ")))

    page.extract_text(visitor_text=visit)
    return found


def _size(page, needle: str) -> float:
    pieces = _fonts(page)
    sizes = [size for size, text in pieces if text == needle] or [
        size for size, text in pieces if needle in text
    ]
    assert sizes, needle
    return sizes[0]


def _images(page) -> list[tuple[float, float, float, float]]:
    """(width, height, x, y) in points of every raster image drawn on *page*, forms followed."""

    def walk(stream, resources, matrix) -> list[tuple[float, float, float, float]]:
        objects = resources.get("/XObject", {}) if resources else {}
        stack, found = [], []
        for operands, operator in ContentStream(stream, None).operations:
            if operator == b"q":
                stack.append(matrix)
            elif operator == b"Q":
                matrix = stack.pop()
            elif operator == b"cm":
                matrix = _multiply([float(v) for v in operands], matrix)
            elif operator == b"Do":
                target = objects[operands[0]].get_object()
                if target["/Subtype"] == "/Image":
                    found.append(tuple(round(v, 1) for v in (matrix[0], matrix[3], matrix[4], matrix[5])))
                else:
                    own = [float(v) for v in target.get("/Matrix", [1, 0, 0, 1, 0, 0])]
                    found += walk(target, target.get("/Resources"), _multiply(own, matrix))
        return found

    return walk(page.get_contents(), page["/Resources"], [1, 0, 0, 1, 0, 0])


def _multiply(m: list[float], n: list[float]) -> list[float]:
    a, b, c, d, e, f = m
    p, q, r, s, t, u = n
    return [a * p + b * r, a * q + b * s, c * p + d * r, c * q + d * s, e * p + f * r + t, e * q + f * s + u]


def _lines(page) -> dict[str, float]:
    """The x of the start of every text line on *page* (first piece of each baseline)."""
    starts: dict[str, float] = {}
    seen: set[float] = set()

    def visit(text, cm, tm, font, size):
        y = round(tm[5] * cm[3] + cm[5], 1)
        if text.strip() and y not in seen:
            seen.add(y)
            starts[text.replace("\xa0", " ").strip()] = round(tm[4] * cm[0] + cm[4], 1)

    page.extract_text(visitor_text=visit)
    return starts


# --- inline ------------------------------------------------------------------------------------


def test_hard_line_break_in_both_builds(corpus, pages):
    paragraphs = [p for p in _html(corpus, "tekst").find_all("p") if "twardym" in p.get_text()]
    assert paragraphs and paragraphs[0].find("br") is not None
    raw = _page(pages, "twardym").extract_text().replace("\xa0", " ")
    assert "z twardym łamaniem\ndrugi wiersz po ukośniku." in raw
    assert "na końcu\ni następny po dwóch spacjach." in raw


def test_allowed_inline_html_prints(corpus, pages, text):
    page = _page(pages, "zaznaczone")
    body = _size(page, "Woda H")
    assert _size(page, "drobny druk") < body  # <small>
    assert "Woda H2O, metr m2, zaznaczone, drobny druk, skreślone, podkreślone" in text
    assert _size(page, "górny") < body  # {sup}: smaller (and raised)
    assert "łamanie\nwiersza" in page.extract_text()  # <br>
    assert "Ramka z zaznaczeniem" in text and "woda pitna" in text  # in a box, in a table cell


def test_abbreviation_expanded_at_first_use_in_each_chapter(corpus, text):
    assert "Skróty KGW (Koło Gospodyń Wiejskich) i ponownie KGW." in text
    assert "NGO (Organizacja pozarządowa)" in text  # <abbr title="…">
    html = _html(corpus, "tekst")
    assert html.find("abbr", title="Koło Gospodyń Wiejskich") is not None


def test_roles_print_as_on_the_site(corpus, text):
    site = _html_text(corpus, "tekst")
    for shown in (
        "Ctrl+Alt+Del",
        "Zapisz",
        "Plik ‣ Zapisz jako",
        "dane/gminy-rok.csv",
        "print(1-2 - x)",
        "polecenie ls -l 1-2",
        "program typst",
        "Odsyłacze: Wyróżnienia, własny tytuł,",
        "Bloki, mentoring, woluntariat",
    ):
        assert shown in site
        assert _contains(text, shown)


def test_typography_never_touches_code(corpus, text):
    site = _html_text(corpus, "tekst")
    for verbatim in (
        "^W[0-9]{2}$",
        "1-5 - 2",
        "print(1-2 - x)",  # {samp}
        "ls -l 1-2",  # {command}
        "https://example.org/auto",
        "www.example.org/a-b",
    ):
        assert verbatim in site
        assert _contains(text, verbatim)
    assert _contains(text, 'print("zwykły 1-2")')  # a code block
    # …while the prose beside it gets the Polish dashes.
    assert "Zakres liczb 10–20 i myślnik – w zwykłym tekście." in text
    assert "Zakres liczb 10–20 i myślnik – w zwykłym tekście." in site


def test_download_shows_the_address_the_site_links_to(corpus, text):
    links = _html(corpus, "tekst").select("a.download")
    assert links
    address = corpus.site.base_url.rstrip("/") + "/" + links[0]["href"]
    assert re.fullmatch(r"https://.+/_downloads/[0-9a-f]{32}/gminy\.csv", address)
    assert _contains(text, address)
    # Once per chapter: the second link to the same file points to the same footnote.
    assert _squeezed(text).count(address) == 1


def test_footnote_paragraphs_and_lists_at_footnote_size(pages):
    page = _page(pages, "Drugi akapit przypisu")
    first, second = _size(page, "Pierwszy akapit przypisu"), _size(page, "Drugi akapit przypisu")
    assert first == second == _size(page, "punkt przypisu") < _size(page, "Przypis z dwoma")


# --- blocks ------------------------------------------------------------------------------------


def test_every_definition_of_a_term(corpus, text):
    assert "Termin Pierwsza definicja. Druga definicja." in text
    assert "Inny termin Jedna definicja. Z drugim akapitem." in text
    assert "Termin (klasyfikator) Definicja z klasyfikatorem." in text
    # A glossary entry with two paragraphs, and one with two terms.
    assert "mentoring Wsparcie doświadczonej osoby. Drugi akapit definicji mentoringu." in text
    assert "wolontariat woluntariat Praca bez wynagrodzenia" in text


def test_version_notes_say_what_the_site_says(corpus, text):
    site = _html_text(corpus, "bloki")
    for note in (
        "Dodane w wersji 2.0: Nowa funkcja.",
        "Zmienione w wersji 2.1: Zmieniona funkcja.",
        "Niezalecane od wersji 3.0: Przestarzała funkcja.",
    ):
        assert note in site
        assert note in text
    assert "versionmodified" not in text


def test_every_admonition_kind_has_its_polish_title(text):
    for title, body in (
        ("Informacja", "Notatka."),
        ("Uwaga", "Uwaga."),
        ("Ostrzeżenie", "Ostrożnie."),
        ("Niebezpieczeństwo", "Niebezpieczeństwo."),
        ("Błąd", "Błąd."),
        ("Podpowiedź", "Podpowiedź."),
        ("Ważne", "Ważne."),
        ("Wskazówka", "Wskazówka."),
        ("Zobacz także", "Zobacz też Tekst i odsyłacze."),
        ("Ramka z klasą", "Treść ramki z klasą."),
    ):
        assert f"{title} {body}" in text


def test_horizontal_list_in_columns(pages):
    page = _page(pages, "Wyśrodkowany tekst")
    assert _baseline(page, "jeden") == _baseline(page, "trzy")
    assert _baseline(page, "dwa") == _baseline(page, "cztery") < _baseline(page, "jeden")


def _baseline(page, needle: str) -> float:
    found: list[float] = []

    def visit(text, cm, tm, font, size):
        if text.strip() == needle:
            found.append(round(tm[5] * cm[3] + cm[5], 1))

    page.extract_text(visitor_text=visit)
    assert found, needle
    return found[0]


def test_line_block_keeps_its_indentation(pages):
    starts = _lines(_page(pages, "Wcięty wiersz"))
    first, second, third, back = (
        starts[k] for k in ("Pierwszy wiersz", "Wcięty wiersz", "Bardziej wcięty", "Z powrotem")
    )
    assert first == back < second < third


def test_other_blocks_print(corpus, text):
    for shown in (
        "Motto rozdziału. — Ktoś mądry",
        "Najważniejsze myśli.",
        "Temat Treść tematu.",
        "Na marginesie Treść ramki bocznej.",
        "Wyśrodkowany tekst",
        "Tekst w kontenerze.",
        "Akapit złożony. Drugi akapit złożony.",
        "-a Opcja a. --bardzo Długa opcja.",  # option list
        ">>> print(1 + 1) 2",  # doctest
        "Zdanie z cytatem [CIT2024]. [CIT2024] Autor, Tytuł, 2024.",  # citation
        "3. Lista od trzech 4. Cztery",
        "Autor Zespół Wersja 2.0",  # field list
        "Tabela 2.2. Tabela CSV Gmina Liczba Jarzębiny 4",
        "Tekst na poziomie piątym.",
    ):
        assert _contains(text, shown), shown
    # ```{only} html``` is for the site alone; the PDF is not LaTeX.
    assert "Tylko na stronie." in _html_text(corpus, "bloki")
    assert "Tylko na stronie" not in text and "Tylko w LaTeX" not in text


# --- images --------------------------------------------------------------------------------------


def test_inline_image_stays_in_its_line(pages):
    page = _page(pages, "Obraz w tekście")
    (width, height, x, y), *_ = _images(page)
    assert (width, height) == (96 * PX, 48 * PX)  # its own size, as the site shows it
    assert x > 150  # after the words before it, not a block of its own


def test_image_size_and_alignment_options(pages):
    page = _page(pages, "Rysunek z szerokością")
    left, scaled, right, in_figure = _images(page)
    assert left[:2] == (200 * PX, 100 * PX)  # :width: 200px
    assert scaled[:2] == (48 * PX, 24 * PX)  # :scale: 50 %
    assert right[0] == round(5 * CM, 1)  # :width: 5cm
    assert in_figure[0] == round(3 * CM, 1)  # figure's :width: 3cm
    column_left, column_right = left[2], right[2] + right[0]
    assert scaled[2] == column_left  # :align: left (and the default)
    assert abs((in_figure[2] + in_figure[0] / 2) - (column_left + column_right) / 2) < 1  # centred
    linked = _images(_page(pages, "Obraz z odnośnikiem"))
    assert linked[0][:2] == (40 * PX, 20 * PX)


def test_figure_legend_follows_its_caption(text):
    assert "Rys. 2.1. Podpis rysunku. Legenda rysunku." in text


# --- code ------------------------------------------------------------------------------------


def test_code_line_numbers_highlight_and_caption(corpus, pages, text):
    site = _html_text(corpus, "kod")
    assert "Listing 3.1 Funkcja z numerami" in site
    assert "Listing 3.1. Funkcja z numerami 10 def f(x): 11 return x + 1" in text
    assert "Listing 3.2. Fragment pliku def suma(liczby):" in text
    reference = _html(corpus, "kod").select_one("a.reference[href='#kod-funkcja']").get_text()
    assert f"Zobacz {reference}.".replace("\xa0", " ") in text
    # The emphasised line is laid on a tinted band.
    page = _page(pages, "Funkcja z numerami")
    operations = ContentStream(page.get_contents(), None).operations
    fills = {tuple(round(float(v), 2) for v in ops) for ops, op in operations if op in (b"rg", b"scn")}
    assert (1.0, 0.95, 0.7) in fills  # #fff2b3


# --- refused ------------------------------------------------------------------------------------

REFUSED_CHAPTER = """---
tytul: Odrzucane
autorzy:
  - rola: redakcja
    organizacja: Stowarzyszenie Przyjaciół Modrzewia
status: gotowy
streszczenie: Konstrukcje, których druk nie pokaże.
slowa_kluczowe: [korpus]
---

## Odrzucane

Uśmiech 😀 w tekście.

```{image} kwadrat.png
:alt: Kwadrat za szeroki
:width: 150%
```
"""


@pytest.fixture(scope="module")
def refused(corpus, tmp_path_factory):
    from adversarial import run

    project = tmp_path_factory.mktemp("odrzucane") / "p"
    shutil.copytree(corpus.root, project, ignore=shutil.ignore_patterns("_build"))
    chapter = project / "handbook" / "inne.md"
    chapter.write_text(REFUSED_CHAPTER, encoding="utf-8")
    return run(project, "buduj", "--pdf")


@pytest.mark.parametrize(
    "expected",
    [
        # Typst itself refuses a glyph no embedded font has (PDF/UA); the builder locates it.
        "handbook/inne.md:13: PDF nie powstał: znaku „😀” nie ma w kroju pisma PDF",
        "handbook/inne.md:15: szerokość obrazu „150%” przekracza szerokość kolumny",
    ],
)
def test_what_print_cannot_show_is_refused_at_its_line(refused, expected):
    assert refused.code == 1
    assert "Traceback" not in refused.output
    assert expected in refused.output, refused.output


def test_stub_columns_are_row_headings_in_bold(corpus, pages):
    # `:stub-columns:` makes the first cells of each row headings (<th> on the site): bold in print.
    assert _html(corpus, "inne").find("th", string="Nagłówek wiersza") is not None
    page = _page(pages, "Nagłówek wiersza")
    fonts: dict[str, str] = {}

    def visit(text, cm, tm, font, size):
        if text.strip() and font:
            fonts.setdefault(text.strip(), str(font.get("/BaseFont", "")))

    page.extract_text(visitor_text=visit)
    bold = {text: "Bold" in name for text, name in fonts.items()}
    assert next(v for t, v in bold.items() if t.startswith("Nagłówek wiersza")), fonts
    assert not next(v for t, v in bold.items() if t.startswith("zwykła komórka")), fonts


# --- constructs nested in one another (tests/roots/myst-corpus/handbook/zagniezdzone.md) ----------


def _chapter_text(pages, first: str, last: str) -> str:
    """The reading-order text of the pages from the one holding *first* to the one holding *last*."""
    flat = [_flat(p.extract_text()) for p in pages]
    start = next(i for i, t in enumerate(flat) if first in t)
    end = next(i for i, t in enumerate(flat) if i >= start and last in t)
    return " ".join(flat[start : end + 1])


def test_nested_constructs_keep_all_their_content_in_order(pages):
    text = _chapter_text(pages, "Zagnieżdżenia i mieszanki", "bez przekreślenia")
    in_order = [
        "Na tej stronie",  # {contents}: the local table of contents
        "Zewnętrzna ramka.",
        "Wskazówka Wskazówka w ramce.",  # an admonition inside an admonition, with its title
        "Kolumna w ramce Druga komórka w ramce 2",  # a table inside a box
        "1. Krok z kodem: make druk",  # code inside a list item
        "2. Krok z ramką: Ostrzeżenie Ostrzeżenie w liście.",  # a box inside a list item
        "poziom 1",
        "poziom 4",
        "Tabela 6.1. Tabela z CSV w tekście Gmina Liczba Brwinów 12 Nadarzyn 7",
        "Nagłówek B scalona komórka x y",  # a grid table with a cell across both columns
        "komórka z obrazem",
        "(6.1)",  # a :nowrap: equation keeps its number
        "Równanie (6.1), tabela Tabela nr 6.2 i tab. 6.2.",  # {numref} with the author's text
        "[ ] zadanie nieodhaczone",  # no task-list extension: the brackets print as on the site
        "~~bez przekreślenia~~",
        "greka αβγ, cyrylica Привет, symbole ≥ ≤ → € §.",
    ]
    at = 0
    for needle in in_order:
        found = text.find(needle, at)
        assert found >= 0, (needle, text[at : at + 300])
        at = found + len(needle)


def test_a_footnote_keeps_its_list_and_a_heading_its_note(pages):
    text = " ".join(_flat(p.extract_text()) for p in pages)
    assert re.search(r"Przypis z listą:\s*• punkt pierwszy przypisu\s*• punkt drugi przypisu", text)
    assert "Przypis przy nagłówku." in text
    # The heading prints its formula, and its note is not repeated in the contents.
    contents = _flat(pages[2].extract_text() + pages[3].extract_text())
    assert "Nagłówek z przypisem" in contents
    assert text.count("Przypis przy nagłówku.") == 1
