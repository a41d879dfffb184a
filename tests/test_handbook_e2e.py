"""End to end: the real handbook built from a copy of the repository, read back as HTML."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from handbook.build.staging import build_site
from handbook.charts.registry import all_charts
from handbook.pipeline import prepare_data

pytestmark = pytest.mark.slow

ENGLISH_UI = re.compile(
    r"\b(Toggle|Search the docs|Skip to main content|Back to top|Link to this|previous page|"
    r"next page|Contents|Copyright|Announcement|Site navigation|Color mode)\b"
)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from conftest import copy_project
    from handbook.settings import load_settings

    settings = load_settings(copy_project(tmp_path_factory.mktemp("handbook")))
    prepare_data(settings)
    result = build_site(settings, "html", echo=False)
    return settings, result


def pages(settings) -> dict[str, BeautifulSoup]:
    return {
        p.name: BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser")
        for p in sorted(settings.html_dir.glob("*.html"))
    }


def chapters(settings) -> dict[str, BeautifulSoup]:
    return {n: s for n, s in pages(settings).items() if re.match(r"(\d\d|aneks)-", n)}


def test_builds_without_a_single_warning(site):
    _, result = site
    assert result.ok
    assert result.warnings == ()


def test_every_page_is_polish(site):
    settings, _ = site
    for name, page in pages(settings).items():
        assert page.html["lang"] == "pl", name
        attributes = " ".join(
            str(v)
            for tag in page.find_all(True)
            for k, v in tag.attrs.items()
            if k in ("title", "aria-label", "placeholder", "alt")
        )
        for script in page(["script", "style"]):
            script.decompose()
        found = ENGLISH_UI.findall(page.get_text(" ") + " " + attributes)
        assert not found, f"{name}: {sorted(set(found))}"


def test_nine_chapters_and_three_appendices(site):
    settings, _ = site
    names = sorted(chapters(settings))
    assert len([n for n in names if n[:2].isdigit()]) >= 9
    assert {"aneks-a-partnerzy.html", "aneks-b-slowniczek.html", "aneks-c-dane.html"} <= set(names)


def test_chapters_are_substantial_guides(site):
    settings, _ = site
    for name, page in chapters(settings).items():
        article = page.select_one("article")
        words = len(article.get_text(" ", strip=True).split())
        assert words >= 600, f"{name}: {words} words"
        assert article.select("table"), f"{name}: no table"
        assert article.select_one(".handbook-byline"), f"{name}: no byline"
        assert article.select("h2"), f"{name}: no sections"
        links = [a["href"] for a in article.select("a.reference.internal")]
        assert any(not h.startswith("#") for h in links), f"{name}: no cross-reference"


def test_every_chart_appears_once_with_alt_and_number(site):
    settings, _ = site
    seen: dict[str, str] = {}
    for name, page in pages(settings).items():
        for img in page.select("article img"):
            assert img.get("alt", "").strip(), f"{name}: image without alt: {img.get('src')}"
        for figure in page.select("figure.handbook-chart-figure"):
            chart = figure.img["src"].rsplit("/", 1)[-1].removesuffix(".svg")
            assert chart not in seen, f"{chart} in {seen.get(chart)} and {name}"
            seen[chart] = name
            assert re.match(r"Rys\. \d+\.\d+", figure.figcaption.get_text(" ", strip=True))
            assert re.search(r"\d", figure.img["alt"])
    assert set(seen) == set(all_charts())
    assert len(list((settings.html_dir / "_images").glob("*.svg"))) >= 6


def test_footer_has_funding_and_illustrative_notices(site):
    settings, _ = site
    for name, page in pages(settings).items():
        footer = page.select_one("footer.bd-footer-content, .bd-footer-content")
        text = footer.get_text(" ", strip=True) if footer else ""
        assert settings.project.funding_notice in text, name
        assert "ilustracyjne" in text, name
        banner = page.select_one(".bd-header-announcement")
        assert banner and "ilustracyjne" in banner.get_text(), name


def test_identity_and_glossary(site):
    settings, _ = site
    index = pages(settings)["index.html"]
    assert index.title.get_text().startswith(settings.publication.title)
    assert (settings.html_dir / "_static" / "tozsamosc.css").read_text().count(settings.colours.primary) >= 1
    glossary = pages(settings)["aneks-b-slowniczek.html"]
    terms = {dt["id"] for dt in glossary.select("dl.glossary dt")}
    assert {"term-grupa-nieformalna", "term-mentoring", "term-Fundusz-Inicjatyw-Obywatelskich"} <= terms


def test_chapters_take_their_numbers_from_the_data(site, tables):
    from handbook.numbers.compute import compute_all

    settings, _ = site
    sources = {p.name: p.read_text(encoding="utf-8") for p in settings.source_dir.glob("*.md")}
    roles = sum(text.count("{dane}`") for text in sources.values())
    assert roles >= 50
    # Headline results are never typed by hand: a typed copy would not follow the data.
    values = compute_all(tables)
    headline = [
        "liczba_zgloszonych",
        "godziny_zajec",
        "liczba_sesji",
        "uczestnicy_konferencji",
        "siec_koniec",
        "zasieg_laczny",
        "godziny_mentoringu",
    ]
    for name in headline:
        printed = values[name]["tekst"].replace("\u00a0", " ")
        pattern = re.compile(rf"(?<![\d`{{]){re.escape(printed)}(?![\d])")
        for file, text in sources.items():
            prose = re.sub(r"\[\^[^\]]+\]:.*", "", text)  # footnotes cite laws, not data
            assert not pattern.search(prose), f"{file}: {printed} ({name}) typed by hand"
    page = pages(settings)["08-wyniki-projektu.html"].select_one("article").get_text()
    assert values["uczestnicy_konferencji"]["tekst"] in page


def test_every_page_links_to_the_open_data(site):
    settings, _ = site
    for name, page in pages(settings).items():
        # itself ("#"); the 404 page links with absolute paths by design (any URL shows it)
        if name in ("genindex.html", "search.html", "aneks-c-dane.html", "404.html"):
            continue
        assert page.select_one('footer a[href="aneks-c-dane.html"]'), name
    appendix = pages(settings)["aneks-c-dane.html"]
    downloads = {a.get_text(strip=True) for a in appendix.select("a.download")}
    assert {"datapackage.json", "uczestnicy.csv", "wydarzenia.csv", "konferencja.csv"} <= downloads


def test_no_single_letter_word_before_an_ordinary_space(site):
    settings, _ = site
    pattern = re.compile(r"(?<![\w\-])[aiouwzAIOUWZ] (?=\S)")
    bad = []
    for name, page in pages(settings).items():
        article = page.select_one("article")
        if article is None:
            continue
        for code in article.select("code, pre, script, style"):
            code.decompose()
        for text in article.find_all(string=True):
            bad += [
                f"{name}: …{text[max(0, m.start() - 15) : m.end() + 15]}…" for m in pattern.finditer(text)
            ]
    assert bad == []


def test_only_the_sites_own_files_are_loaded(site):
    settings, _ = site
    for name, page in pages(settings).items():
        for tag, attribute in (("script", "src"), ("img", "src"), ("iframe", "src"), ("link", "href")):
            for element in page.find_all(tag):
                value = element.get(attribute, "")
                if tag == "link" and element.get("rel") == ["canonical"]:
                    continue  # names the published address; browsers do not fetch it
                assert not re.match(r"^(https?:)?//", value), f"{name}: <{tag} {attribute}={value}>"


def test_reader_metadata_sitemap_and_pages(site):
    settings, _ = site
    base = settings.site.base_url
    chapter = pages(settings)["03-informacja-i-rekrutacja.html"]
    assert chapter.select_one('meta[property="og:title"]')["content"].startswith("3. Standard 1")
    assert (
        chapter.select_one('meta[property="og:url"]')["content"] == base + "03-informacja-i-rekrutacja.html"
    )
    assert chapter.select_one('meta[property="og:locale"]')["content"] == "pl_PL"
    assert "Ostatnia aktualizacja" in chapter.select_one("footer.bd-footer-content").get_text()
    sitemap = (settings.html_dir / "sitemap.xml").read_text(encoding="utf-8")
    assert f"<loc>{base}08-wyniki-projektu.html</loc>" in sitemap
    statement = pages(settings)["deklaracja-dostepnosci.html"].select_one("article").get_text(" ")
    statement = statement.replace("\u00a0", " ")
    for required in (
        "Stan dostępności cyfrowej",
        "Przygotowanie deklaracji dostępności",
        "Informacje zwrotne i dane kontaktowe",
        "Procedura wnioskowo-skargowa",
        "Dostępność architektoniczna",
        settings.accessibility.entity,
        "częściowo zgodna",
    ):
        assert required in statement, required
    assert "@media print" in (settings.html_dir / "_static" / "tozsamosc.css").read_text()
    not_found = pages(settings)["404.html"]
    assert not_found.select_one("article h1").get_text(strip=True) == "Nie znaleziono strony"
    assert (settings.html_dir / "_pagefind" / "pagefind.js").exists()
