"""End to end: the book under test built from a copy, read back as HTML.

Every expectation comes from the book itself (its settings, declarations, data package, front
matter and toctree), so the checks hold for any county's book. The helpers that say what a
chapter, the first chapter or the data appendix is live in tests/book.py.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import pytest
from bs4 import BeautifulSoup

from book import (
    chapter_numbers,
    chapters,
    data_appendix,
    declared_charts,
    directives,
    first_chapter,
    html_name,
    normalise,
    sources,
    tokens,
)
from handbook.build.staging import BuildResult, build_site
from handbook.data.load import Tables
from handbook.numbers.compute import compute_all
from handbook.pipeline import load_declarations, prepare_data
from handbook.settings import Settings, load_settings

pytestmark = pytest.mark.slow

ENGLISH_UI = re.compile(
    r"\b(Toggle|Search the docs|Skip to main content|Back to top|Link to this|previous page|"
    r"next page|Contents|Copyright|Announcement|Site navigation|Color mode)\b"
)
# Sections the Polish law (4 April 2019) requires in every accessibility statement.
STATEMENT_SECTIONS = (
    "Stan dostępności cyfrowej",
    "Przygotowanie deklaracji dostępności",
    "Informacje zwrotne i dane kontaktowe",
    "Procedura wnioskowo-skargowa",
    "Dostępność architektoniczna",
)
# A role in the prose (not one quoted in a code span, as a guide for authors may do).
NUMBER_ROLE = re.compile(r"(?<!`)\{dane\}`([^`\n]+)`")


# --- The build ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Site:
    settings: Settings
    result: BuildResult
    tables: Tables


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Site:
    from conftest import copy_book

    settings = load_settings(copy_book(tmp_path_factory.mktemp("handbook")))
    tables, _ = prepare_data(settings)
    return Site(settings, build_site(settings, "html", echo=False), tables)


@pytest.fixture(scope="module")
def pages(site) -> dict[str, BeautifulSoup]:
    """Every HTML page by its path in the site (``_static`` and other folders left out)."""
    html = site.settings.html_dir
    return {
        path.relative_to(html).as_posix(): BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        for path in sorted(html.rglob("*.html"))
        if not any(part.startswith("_") or part == "pdf" for part in path.relative_to(html).parts[:-1])
    }


def article_text(page: BeautifulSoup) -> str:
    return normalise(page.select_one("article").get_text(" "))


def href(page: str, target: str, base_url: str) -> str:
    """The link from *page* to *target* as Sphinx writes it (absolute on the 404 page)."""
    if page == "404.html":
        return urlparse(base_url).path + target
    if page == target:
        return "#"
    return posixpath.relpath(target, posixpath.dirname(page) or ".")


# --- Tests ----------------------------------------------------------------------------------


def test_builds_without_a_single_warning(site):
    assert site.result.ok
    assert site.result.warnings == ()


def test_every_source_page_is_built(site, pages):
    assert {html_name(d) for d in sources(site.settings)} <= set(pages)
    assert {"index.html", "search.html", "genindex.html", "404.html"} <= set(pages)


def test_every_page_is_polish(pages):
    for name, page in pages.items():
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


def test_every_chapter_has_byline_title_and_sections(site, pages):
    settings = site.settings
    numbers = chapter_numbers(settings)
    assert chapters(settings), "the book has no chapter with front matter"
    for docname, front in chapters(settings).items():
        page = pages[html_name(docname)]
        article = page.select_one("article")
        assert article.select_one(".handbook-byline"), f"{docname}: no byline"
        h1 = article.select("h1")
        assert len(h1) == 1, f"{docname}: {len(h1)} <h1>"
        number = h1[0].select_one(".section-number")
        if docname in numbers:
            assert number is not None, f"{docname}: no chapter number"
            assert normalise(number.get_text()) == f"{numbers[docname]}.", docname
        else:
            assert number is None, f"{docname} is not in a numbered toctree"
        assert normalise(front.tytul) in normalise(h1[0].get_text(" ")), docname
        # Every "## " of the source is a section of the page; a chapter without one has none.
        sections = sum(
            1 for t in tokens(settings.source_dir / f"{docname}.md") if t.tag == "h2" and t.nesting == 1
        )
        assert len(article.select("h2")) == sections, docname


def test_every_declared_chart_appears_once_with_alt_and_number(site, pages):
    settings = site.settings
    numbers = chapter_numbers(settings)
    seen: dict[str, str] = {}
    for name, page in pages.items():
        for img in page.select("article img"):
            assert img.get("alt", "").strip(), f"{name}: image without alt: {img.get('src')}"
        for figure in page.select("figure.handbook-chart-figure"):
            chart = Path(figure.img["src"]).stem
            assert chart not in seen, f"{chart} in {seen.get(chart)} and {name}"
            seen[chart] = name
            caption = normalise(figure.figcaption.get_text(" "))
            label = re.match(r"Rys\. (\d+)\.(\d+)", caption)
            assert label, f"{name}: {caption}"
            chapter = numbers.get(name.removesuffix(".html"))
            if chapter is not None:  # „Rys. 3.2” is the second figure of chapter 3
                assert int(label.group(1)) == chapter, f"{name}: {caption}"
            assert re.search(r"\d", figure.img["alt"]), f"{name}: alt text of {chart} names no value"
            assert (settings.html_dir / "_images" / f"{chart}.svg").exists(), chart
    assert set(seen) == declared_charts(settings)


def test_footer_and_banner_notices(site, pages):
    from handbook.site.strings import site_strings

    settings = site.settings
    strings = site_strings(settings)
    funding = normalise(settings.project.funding_notice)
    for name, page in pages.items():
        footer = page.select_one("footer.handbook-footer")
        assert footer is not None, name
        assert funding in normalise(footer.get_text(" ")), name
        banner = page.select_one(".handbook-notice")
        if settings.data.illustrative:
            # One short line at the top of every page; the same warning is not repeated below.
            assert banner is not None, name
            assert normalise(strings["notice_short"]) in normalise(banner.get_text(" ")), name
            assert normalise(settings.data.notice) not in normalise(footer.get_text(" ")), name
        else:
            assert banner is None, name


def test_identity(site, pages):
    from handbook.site.strings import site_strings

    settings = site.settings
    strings = site_strings(settings)
    # The home page's title is the publication's; every other page's names the project.
    assert normalise(pages["index.html"].title.get_text()) == normalise(settings.publication.title)
    chapter = pages[f"{first_chapter(settings)}.html"]
    assert normalise(settings.project.name) in normalise(chapter.title.get_text())
    for name, page in pages.items():
        header = page.select_one("header.handbook-header")
        home = header.select_one("a.handbook-home")
        assert normalise(settings.county.name) in normalise(home.get_text(" ")), name
        footer_links = {a["href"] for a in page.select("footer.handbook-footer a")}
        for url in (strings["county_url"], strings["bip_url"]):
            assert not url or url in footer_links, (name, url)
    css = (settings.html_dir / "_static" / "handbook.css").read_text(encoding="utf-8")
    assert settings.colours.primary in css
    assert "@media print" in css


def test_glossary_lists_every_term_of_the_source(site, pages):
    settings = site.settings
    declared = {
        docname: {
            line.strip()
            for token in directives(path, "glossary")
            for line in token.content.splitlines()
            if line.strip() and not line.startswith((" ", "\t", ":"))
        }
        for docname, path in sources(settings).items()
    }
    declared = {docname: terms for docname, terms in declared.items() if terms}
    shown = {name: page for name, page in pages.items() if page.select_one("dl.glossary")}
    assert set(shown) == {html_name(d) for d in declared}
    for docname, terms in declared.items():
        entries = shown[html_name(docname)].select("dl.glossary dt")
        assert all(dt.get("id", "").startswith("term-") for dt in entries), docname
        assert terms <= {normalise(dt.get_text(" ")).removesuffix(" #") for dt in entries}, docname


def test_chapters_take_their_numbers_from_the_data(site, pages):
    settings = site.settings
    values = compute_all(load_declarations(settings, site.tables).numbers, site.tables)
    texts = {name: normalise(value["tekst"]) for name, value in values.items()}
    prose = {}
    for docname in chapters(settings):
        source = (settings.source_dir / f"{docname}.md").read_text(encoding="utf-8")
        # Each role prints its computed value, nothing else.
        roles = NUMBER_ROLE.findall(source)
        shown = [
            normalise(s.get_text()) for s in pages[html_name(docname)].select("article .handbook-number")
        ]
        assert Counter(shown) == Counter(texts[name.strip()] for name in roles), docname
        # Footnotes cite laws and sources, not data; a definition runs on over indented lines.
        source = re.sub(r"^\[\^[^\]]+\]:.*(?:\n[ \t]+\S.*)*", "", source, flags=re.MULTILINE)
        prose[docname] = NUMBER_ROLE.sub("", source)
    # A result typed by hand would not follow the data when it is replaced.
    typed = []
    for name, text in texts.items():
        if len(re.findall(r"\d", text)) < 3 or (text.isdigit() and 1900 <= int(text) <= 2100):
            continue
        parts = [re.escape(part) for part in text.split(" ")]
        pattern = re.compile(
            r"(?<![\d,.])(?<!\d[ \u00a0])" + r"[ \u00a0\u202f]?".join(parts) + r"(?![\d]|[,.]\d)"
        )
        typed += [
            f"{docname}: {text} ({name})" for docname, source in prose.items() if pattern.search(source)
        ]
    assert typed == []


def test_data_appendix_offers_every_file_unchanged(site, pages):
    settings = site.settings
    appendix = data_appendix(settings)
    schema_pages = {name for name, page in pages.items() if page.select_one("table.handbook-data-schema")}
    if appendix is None:
        assert schema_pages == set()
        return
    assert schema_pages == {html_name(appendix)}
    package = json.loads((settings.data_dir / "datapackage.json").read_text(encoding="utf-8"))
    expected = {"datapackage.json": settings.data_dir / "datapackage.json"}
    expected |= {Path(r["path"]).name: settings.data_dir / r["path"] for r in package["resources"]}
    page = html_name(appendix)
    links = {a.get_text(strip=True): a["href"] for a in pages[page].select("a.download")}
    assert set(expected) <= set(links)
    for name, path in expected.items():
        served = settings.html_dir / posixpath.dirname(page) / links[name]
        assert served.read_bytes() == path.read_bytes(), name
    assert len(pages[page].select("table.handbook-data-schema")) == len(package["resources"])


def test_every_footer_links_to_the_data_and_the_statement(site, pages):
    settings = site.settings
    statement = html_name(settings.accessibility.page)
    assert statement in pages, "no accessibility statement"
    appendix = data_appendix(settings)
    targets = [statement] + ([html_name(appendix)] if appendix else [])
    for name, page in pages.items():
        links = {a.get("href") for a in page.select("footer a")}
        for target in targets:
            assert href(name, target, settings.site.base_url) in links, f"{name} → {target}"


def test_no_single_letter_word_before_an_ordinary_space(site, pages):
    # The whole page: chapter text, and the frame's strings from templates and settings (title,
    # notice, header, footer), also in the attributes a reader meets (alt, labels, description).
    pattern = re.compile(r"(?<![\w\-])[aiouwzAIOUWZ] (?=\S)")
    bad = []
    for name in pages:
        page = BeautifulSoup((site.settings.html_dir / name).read_text(encoding="utf-8"), "html.parser")
        for code in page.select("code, pre, script, style, kbd, [hidden]"):
            code.decompose()
        texts = [str(text) for text in page.find_all(string=True)]
        texts += [
            str(element[attribute])
            for element in page.find_all(True)
            for attribute in ("alt", "aria-label", "title", "content")
            if element.get(attribute)
        ]
        for text in texts:
            bad += [
                f"{name}: …{text[max(0, m.start() - 15) : m.end() + 15]}…" for m in pattern.finditer(text)
            ]
    assert bad == []


def test_only_the_sites_own_files_are_loaded(pages):
    for name, page in pages.items():
        for tag, attribute in (("script", "src"), ("img", "src"), ("iframe", "src"), ("link", "href")):
            for element in page.find_all(tag):
                value = element.get(attribute, "")
                if tag == "link" and element.get("rel") == ["canonical"]:
                    continue  # names the published address; browsers do not fetch it
                assert not re.match(r"^(https?:)?//", value), f"{name}: <{tag} {attribute}={value}>"


def test_reader_metadata_and_sitemap(site, pages):
    settings = site.settings
    base = settings.site.base_url
    sitemap = (settings.html_dir / "sitemap.xml").read_text(encoding="utf-8")
    hidden = {"poradnik-autora"}
    for docname in sources(settings):
        # The home page by the site's address; the author's guide is not for readers.
        url = base if docname == "index" else base + html_name(docname)
        assert (f"<loc>{url}</loc>" in sitemap) is (docname not in hidden), docname
    for docname in chapters(settings):
        page = pages[html_name(docname)]
        h1 = page.select_one("article h1")
        for link in h1.select("a.headerlink"):
            link.decompose()
        assert normalise(page.select_one('meta[property="og:title"]')["content"]) == normalise(h1.get_text())
        assert page.select_one('meta[property="og:url"]')["content"] == base + html_name(docname)
        assert page.select_one('meta[property="og:locale"]')["content"] == "pl_PL"
        assert "Ostatnia aktualizacja" in page.select_one("footer.handbook-footer").get_text()
        summary = normalise(chapters(settings)[docname].streszczenie)
        assert normalise(page.select_one('meta[name="description"]')["content"]) == summary


def test_accessibility_statement(site, pages):
    a11y = site.settings.accessibility
    statement = article_text(pages[html_name(a11y.page)])
    for required in (*STATEMENT_SECTIONS, normalise(a11y.entity), a11y.status):
        assert required in statement, required


def test_not_found_page_and_search_index(site, pages):
    assert pages["404.html"].select_one("article h1").get_text(strip=True) == "Nie znaleziono strony"
    assert (site.settings.html_dir / "_pagefind" / "pagefind.js").exists()


def test_the_chapter_list_marks_the_page_being_read(site, pages):
    for docname in chapters(site.settings):
        page = pages[html_name(docname)]
        current = page.select('nav#handbook-nav a[aria-current="page"]')
        assert len(current) == 1, docname
        h1 = page.select_one("article h1")
        for link in h1.select("a.headerlink"):
            link.decompose()
        assert normalise(current[0].get_text()) == normalise(h1.get_text()), docname


def test_the_site_publishes_only_static_files_its_pages_load(site, pages):
    # The theme's and Sphinx's own assets (icon fonts, Bootstrap, Sphinx's search) are not
    # published: each file in _static is one a page loads.
    html = site.settings.html_dir
    loaded = set()
    for name in pages:  # read again: another test takes the scripts out of the parsed pages
        page = BeautifulSoup((html / name).read_text(encoding="utf-8"), "html.parser")
        for element in page.find_all(["link", "script", "img", "source"]):
            for attribute in ("href", "src", "srcset"):
                value = element.get(attribute)
                if value and not re.match(r"^[a-z]+:|^/", value):
                    loaded.add(
                        posixpath.normpath(posixpath.join(posixpath.dirname(name), value.split("?")[0]))
                    )
    static = {path.relative_to(html).as_posix() for path in (html / "_static").rglob("*") if path.is_file()}
    assert static - loaded == set()
    assert not (html / "searchindex.js").exists()
