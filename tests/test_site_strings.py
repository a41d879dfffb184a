"""Strings the site and the PDF print from the settings get the Polish spacing the chapters get."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Comment, Doctype
from markupsafe import Markup
from pypdf import PdfReader

from conftest import ROOTS
from handbook.settings import load_settings
from handbook.site.strings import plain_text, site_strings, typo
from handbook.sphinxext.typography import SINGLE_LETTER

NBSP = "\u00a0"
# A one-letter word (the letters typography.py ties) followed by an ordinary space.
LOOSE = re.compile(r"(?<![\w\-])[aiouwzAIOUWZ] ")
VERBATIM = {"code", "pre", "script", "style", "kbd", "samp", "math"}
ATTRIBUTES = ("alt", "aria-label", "title", "content")
# Every key the templates use (the theme owner relies on each of them).
KEYS = {
    "title", "subtitle", "short_title", "county", "county_url", "bip_url", "project", "funding",
    "licence", "licence_url", "notice", "notice_short", "credit", "copyright", "publisher",
    "pdf_link", "data_link", "accessibility_link", "county_link", "bip_link", "menu", "close",
    "search", "on_this_page", "previous", "next", "draft", "theme_light", "theme_dark", "skip",
    "last_updated",
}  # fmt: skip


@pytest.fixture
def settings():
    return load_settings(ROOTS / "base")


def _with(settings, section: str, **changes):
    """The settings with some fields of one section changed (already validated values)."""
    part = getattr(settings, section).model_copy(update=changes)
    return settings.model_copy(update={section: part})


def loose_words(text: str) -> list[str]:
    return [text[max(0, m.start() - 15) : m.end() + 15] for m in LOOSE.finditer(text)]


def test_the_scan_looks_for_the_letters_the_transform_ties():
    def letters(pattern: str) -> set[str]:
        return set(re.search(r"\[([a-zA-Z]+)\]", pattern).group(1))

    assert letters(LOOSE.pattern) == letters(SINGLE_LETTER.pattern) == set("aiouwzAIOUWZ")


def test_every_key_is_there_and_every_value_is_tied(settings):
    strings = site_strings(settings)
    assert set(strings) >= KEYS
    assert all(isinstance(value, str) for value in strings.values())
    assert {key: loose_words(value) for key, value in strings.items() if loose_words(value)} == {}


def test_values_come_from_the_settings_with_no_break_spaces(settings):
    strings = site_strings(settings)
    title = settings.publication.title
    assert strings["title"] == SINGLE_LETTER.sub(rf"\1{NBSP}", title)
    assert strings["title"].replace(NBSP, " ") == title
    assert strings["short_title"] == strings["project"] == settings.project.name
    assert strings["county"] == settings.county.name
    assert strings["county_url"] == settings.county.website != ""
    assert strings["bip_url"] == settings.county.bip != ""
    assert strings["licence_url"] == settings.publication.licence_url
    assert strings["notice"].replace(NBSP, " ") == settings.data.notice
    assert strings["pdf_link"] == f"Pobierz podręcznik w{NBSP}PDF"
    assert strings["data_link"] == f"Dane projektu do pobrania (CSV) i{NBSP}ich opis"


def test_the_footer_credit_is_polish_not_a_translation_of_by(settings):
    strings = site_strings(settings)
    name = settings.project.name
    assert strings["credit"] == f"Opracowanie: partnerstwo projektu „{name}”"
    assert strings["copyright"] == f"© {settings.publication.year} partnerstwo projektu „{name}”"
    assert not any(value.startswith(("Przez", "By ")) for value in strings.values())


def test_quotes_inside_the_project_name_become_the_inner_pair(settings):
    strings = site_strings(_with(settings, "project", name="Projekt „Razem”"))
    assert strings["credit"] == "Opracowanie: partnerstwo projektu „Projekt »Razem«”"


def test_unset_addresses_are_empty(settings):
    strings = site_strings(_with(settings, "county", website="", bip=""))
    assert strings["county_url"] == "" and strings["bip_url"] == ""
    assert strings["bip_link"] == "Biuletyn Informacji Publicznej"


def test_escaping_is_left_to_the_templates(settings):
    changed = _with(settings, "publication", title="Dom & Ogród <i>x</i> „C”", publisher="X & Y")
    strings = site_strings(changed)
    assert strings["title"] == "Dom & Ogród <i>x</i> „C”"
    assert strings["publisher"] == "X & Y"
    assert "&amp;" not in "".join(strings.values())


@pytest.mark.parametrize(
    ("name", "genitive", "expected"),
    [
        ("Powiat Nowodworski", "", "Strona Powiatu Nowodworskiego"),
        ("Powiat Kędzierzyńsko-Kozielski", "", "Strona Powiatu Kędzierzyńsko-Kozielskiego"),
        ("Powiat Bieszczadzki", "", "Strona Powiatu Bieszczadzkiego"),
        ("Powiat Sokólski", "Powiatu Sokólskiego", "Strona Powiatu Sokólskiego"),
        ("Miasto na prawach powiatu", "", "Miasto na prawach powiatu — strona internetowa"),
        ("Powiat (do uzupełnienia)", "", "Powiat (do uzupełnienia) — strona internetowa"),
        ("Powiat Zielony", "miasta Zielone", "Strona miasta Zielone"),
    ],
)
def test_the_county_link_is_inflected_only_when_it_can_be(settings, name, genitive, expected):
    strings = site_strings(_with(settings, "county", name=name, name_genitive=genitive))
    assert strings["county_link"] == SINGLE_LETTER.sub(rf"\1{NBSP}", expected)


def test_the_short_notice_is_one_line(settings):
    long_notice = (
        "Dane liczbowe w tym wydaniu są przykładowe: przygotowano je na wzór planu projektu, a biuro "
        "projektu zastąpi je prawdziwymi, gdy je zbierze."
    )
    derived = site_strings(_with(settings, "data", notice=long_notice, short_notice=""))
    assert derived["notice_short"] == f"Dane liczbowe w{NBSP}tym wydaniu są przykładowe."
    own = site_strings(_with(settings, "data", notice=long_notice, short_notice="Dane są przykładowe."))
    assert own["notice_short"] == "Dane są przykładowe."
    short = site_strings(_with(settings, "data", notice="Dane są zmyślone.", short_notice=""))
    assert short["notice_short"] == "Dane są zmyślone."
    real = site_strings(_with(settings, "data", illustrative=False, short_notice="Dane są przykładowe."))
    assert real["notice"] == real["notice_short"] == ""


def test_typo_is_the_chapters_rule_for_text_and_keeps_tags_of_markup():
    assert typo("z biura w PDF") == f"z{NBSP}biura w{NBSP}PDF"
    assert typo("adres https://a.example.org/w i") == "adres https://a.example.org/w i"
    fragment = typo(Markup('<a href="/w">w PDF</a> i opis'))
    assert isinstance(fragment, Markup)
    assert str(fragment) == f'<a href="/w">w{NBSP}PDF</a> i{NBSP}opis'
    assert typo(typo("i ich opis")) == typo("i ich opis")


def _sphinx_site(tmp_path: Path) -> Path:
    """A two-page Sphinx site with only the typography transform: no theme, no settings."""
    from sphinx.application import Sphinx
    from sphinx.util.docutils import docutils_namespace

    source = tmp_path / "zrodla"
    source.mkdir()
    (source / "conf.py").write_text(
        "from handbook.sphinxext.typography import setup_typography\n"
        "language = 'pl'\n"
        "def setup(app):\n    setup_typography(app)\n",
        encoding="utf-8",
    )
    (source / "index.rst").write_text("Poradnik\n========\n\n.. toctree::\n\n   rozdzial\n", encoding="utf-8")
    (source / "rozdzial.rst").write_text(
        "Praca w gminie i z sąsiadami\n============================\n\n"
        ".. image:: brak.png\n   :alt: Wykres w dwóch panelach i tabela\n\nTekst.\n",
        encoding="utf-8",
    )
    out = tmp_path / "html"
    # Sphinx registers directives and roles in docutils' globals; the namespace restores them,
    # so the engine's own builds later in this process are not disturbed.
    with docutils_namespace():
        app = Sphinx(source, source, out, tmp_path / "doctrees", "html", status=None, warning=None)
        app.build()
    return out


def test_alt_texts_get_the_rules_and_titles_keep_them_as_plain_text(tmp_path):
    out = _sphinx_site(tmp_path)
    page = BeautifulSoup((out / "rozdzial.html").read_text(encoding="utf-8"), "html.parser")
    assert page.img["alt"] == f"Wykres w{NBSP}dwóch panelach i{NBSP}tabela"
    heading = page.h1.decode_contents()
    assert plain_text(heading).startswith(f"Praca w{NBSP}gminie i{NBSP}z{NBSP}sąsiadami")
    # What Sphinx's own templates do for <title>: the no-break spaces are lost.
    assert Markup(heading).striptags().startswith("Praca w gminie")
    assert plain_text('<span class="n">2. </span>A &amp; b w\u00a0x') == "2. A & b w\u00a0x"


def loose_in_site(html: Path) -> dict[str, list[str]]:
    """Every one-letter word with an ordinary space after it in the text a reader sees or hears."""
    found: dict[str, list[str]] = {}
    for path in sorted(html.rglob("*.html")):
        page = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        cases = []
        for text in page.find_all(string=True):
            if isinstance(text, (Comment, Doctype)) or any(p.name in VERBATIM for p in text.parents):
                continue
            cases += loose_words(str(text))
        for tag in page.find_all(True):
            for name in ATTRIBUTES:
                value = tag.get(name)
                if isinstance(value, str) and not value.startswith(("http", "width=")):
                    cases += [f"@{name}: {case}" for case in loose_words(value)]
        if cases:
            found[path.relative_to(html).as_posix()] = cases
    return found


def test_the_scan_finds_a_loose_word_and_skips_code(tmp_path):
    (tmp_path / "a.html").write_text(
        '<title>w PDF</title><p>x<code>a b</code><img alt="z biura"><span title="i\u00a0ich">'
        "o\u00a0tym</span></p><script>var a = 1;</script>",
        encoding="utf-8",
    )
    assert loose_in_site(tmp_path) == {"a.html": ["w PDF", "@alt: z biura"]}


def test_no_one_letter_word_ends_a_line_anywhere_on_the_site(built):
    assert loose_in_site(built / "_build" / "html") == {}


def test_the_cover_and_colophon_tie_one_letter_words(built):
    settings = load_settings(built)
    reader = PdfReader(settings.pdf_file)
    # The cover, the colophon, the outline's first page: before the first chapter.
    front = "\n".join(reader.pages[index].extract_text() for index in range(3))
    assert loose_words(front) == []
    # Lines joined: what the settings say is there, with its no-break spaces.
    flat = re.sub(r"[ \n]+", " ", front)
    strings = site_strings(settings)
    for key in ("title", "subtitle", "publisher", "funding", "notice"):
        assert strings[key] in flat
    assert NBSP in strings["title"] + strings["notice"]  # the test book has one-letter words there
    assert f"Miejsce i{NBSP}rok wydania" in flat
