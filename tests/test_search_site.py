"""Search and sitemap of the site: what Pagefind indexes, its sub-results and excerpts, and which
pages readers never meet in search or in sitemap.xml.

The engine's test book is built once, with one extra orphan page for the book's makers (like an
authors' guide); every expectation is read from the built pages, not from the book's wording.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup

from conftest import copy_project
from handbook.build.staging import build_site
from handbook.pipeline import prepare_data
from handbook.settings import Settings, load_settings
from handbook.site.indexing import FOLD_MARK, folded

MAKERS_PAGE = "dla-autorow"
EXCLUDED = {"index.html", "search.html", "genindex.html", "404.html", f"{MAKERS_PAGE}.html"}
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture(scope="module")
def engine_book(tmp_path_factory) -> Settings:
    root = copy_project(tmp_path_factory.mktemp("szukaj") / "book")
    (root / "handbook" / f"{MAKERS_PAGE}.md").write_text(
        "---\norphan: true\n---\n\n# Strona dla autorów\n\nWskazówki dla piszących rozdziały: "
        "pisownia, przypisy i odsyłacze.\n",
        encoding="utf-8",
    )
    settings_file = root / "conf" / "handbook.toml"
    settings_file.write_text(
        settings_file.read_text(encoding="utf-8") + f'\n[strony]\nbez_metryczki = ["{MAKERS_PAGE}"]\n',
        encoding="utf-8",
    )
    settings = load_settings(root)
    prepare_data(settings)
    result = build_site(settings, "html", echo=False)
    assert result.ok, result.warnings
    return settings


def _pages(settings: Settings) -> dict[str, BeautifulSoup]:
    html = settings.html_dir
    return {
        path.relative_to(html).as_posix(): BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        for path in html.glob("*.html")
    }


@pytest.fixture(scope="module")
def pages(engine_book) -> dict[str, BeautifulSoup]:
    return _pages(engine_book)


def _indexed(pages: dict[str, BeautifulSoup]) -> dict[str, BeautifulSoup]:
    return {name: page for name, page in pages.items() if page.select_one("[data-pagefind-body]")}


def test_excluded_pages_are_not_indexed(pages):
    assert set(pages) >= EXCLUDED
    indexed = _indexed(pages)
    assert not EXCLUDED & set(indexed)
    # The book itself is: the chapters of its toctree. The home page is not: its contents list
    # would answer every query with links.
    assert len(indexed) >= len(pages) - len(EXCLUDED)


def test_sitemap_lists_the_readers_pages_and_the_home_page_by_its_address(engine_book, pages):
    tree = ElementTree.parse(engine_book.html_dir / "sitemap.xml")
    locs = [loc.text for loc in tree.getroot().findall("s:url/s:loc", SITEMAP_NS)]
    base = engine_book.site.base_url
    assert base in locs
    listed = {loc.removeprefix(base) or "index.html" for loc in locs}
    assert not any(loc.endswith("index.html") for loc in locs)
    assert listed == set(_indexed(pages)) | {"index.html"}


def test_every_section_id_is_on_its_heading_and_ids_are_unique(pages):
    for name, page in _indexed(pages).items():
        body = page.select_one("[data-pagefind-body]")
        ids = [element["id"] for element in page.find_all(id=True)]
        assert len(ids) == len(set(ids)), name
        assert not body.select("section[id]"), name
        headings = [h for h in body.find_all(HEADINGS) if h.find_parent("section")]
        assert headings, name
        for heading in headings:
            assert heading.get("id"), (name, heading.get_text())
            # The heading's own „#” link points at it.
            for link in heading.select("a.headerlink"):
                assert link["href"] == "#" + heading["id"]


def test_anchors_byline_and_tables_of_contents_are_left_out_of_the_index(pages):
    indexed = _indexed(pages)
    for name, page in indexed.items():
        for element in page.select("a.headerlink, div.handbook-byline, div.toctree-wrapper"):
            assert element.has_attr("data-pagefind-ignore"), (name, str(element)[:80])
    assert any(page.select("div.handbook-byline") for page in indexed.values())
    for element in pages["index.html"].select("div.toctree-wrapper"):
        assert element.has_attr("data-pagefind-ignore")


def test_folded_spellings_are_hidden_and_follow_their_words(pages):
    seen = 0
    for page in _indexed(pages).values():
        for span in page.select("span.handbook-fold"):
            assert span.has_attr("hidden")
            assert "ł" not in span.get_text().lower()
            assert span.get_text().strip().endswith(FOLD_MARK)
            seen += 1
    assert seen


def test_sphinx_search_index_is_not_published_and_pagefind_only_on_search(engine_book, pages):
    html = engine_book.html_dir
    assert not (html / "searchindex.js").exists()
    for name, page in pages.items():
        sources = [e.get("src", "") for e in page.find_all("script")]
        sources += [e.get("href", "") for e in page.find_all("link")]
        assert not any(re.search(r"searchindex|searchtools|language_data", s) for s in sources), name
        uses_pagefind = any("_pagefind/" in s for s in sources)
        assert uses_pagefind == (name == "search.html"), name


# --- In a browser: what Pagefind answers -------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def searcher(engine_book) -> Iterator[object]:
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing under CI=true; .ci/run must install Debian's chromium")
        pytest.skip("no Chromium on this machine")
    from playwright.sync_api import sync_playwright

    from test_browser import ARGS, serve

    with serve(engine_book) as served, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page()
        page.goto(served.base + "index.html")

        def search(query: str) -> list[dict]:
            return page.evaluate(
                """async (q) => {
                    const pf = await import('./_pagefind/pagefind.js');
                    const r = await pf.search(q);
                    return Promise.all(r.results.map(x => x.data()));
                }""",
                query,
            )

        search.base = served.base  # type: ignore[attr-defined]
        yield search
        browser.close()


def _page_of(url: str) -> str:
    name = url.split("#")[0].rsplit("/", 1)[-1]
    return name or "index.html"


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W\d_]{5,}", text)


@pytest.mark.slow
def test_a_heading_word_gives_a_sub_result_on_that_heading(searcher, pages):
    indexed = _indexed(pages)
    checked = 0
    for name, page in indexed.items():
        for heading in page.select("[data-pagefind-body] h2[id]"):
            text = heading.get_text(" ").replace("#", "")
            for word in _words(text):
                results = searcher(word)
                subs = [s for r in results if _page_of(r["url"]) == name for s in r["sub_results"]]
                target = [s for s in subs if s["url"].endswith("#" + heading["id"])]
                if target:
                    anchor = target[0]["url"].split("#")[1]
                    assert pages[name].find(HEADINGS, id=anchor) is not None
                    checked += 1
                    break
    assert checked


@pytest.mark.slow
def test_excerpts_are_text_without_anchors_or_byline(searcher, pages):
    byline = {
        w
        for page in _indexed(pages).values()
        for box in page.select("div.handbook-byline")
        for w in _words(box.get_text(" "))
    }
    body_words = {
        w
        for page in _indexed(pages).values()
        for w in _words(page.select_one("[data-pagefind-body]").get_text(" "))
    }
    queries = sorted(body_words - byline)[:15] + ["rozdział"]
    for query in queries:
        for result in searcher(query):
            for excerpt in [result["excerpt"]] + [s["excerpt"] for s in result["sub_results"]]:
                text = BeautifulSoup(excerpt, "html.parser").get_text()
                assert "#" not in text, (query, excerpt)
                assert "WERSJA ROBOCZA" not in text, (query, excerpt)
                assert "Status rozdziału" not in text, (query, excerpt)


@pytest.mark.slow
def test_a_phrase_typed_without_l_stroke_finds_its_page(searcher, pages):
    """Two neighbouring words of a page, the second with „ł” typed as „l”: the page is in the
    first three results, as it is for the phrase with „ł”."""
    checked = 0
    for name, page in _indexed(pages).items():
        body = page.select_one("[data-pagefind-body]")
        for fold in body.select("span.handbook-fold"):
            fold.decompose()
        for ignored in body.select("[data-pagefind-ignore]"):
            ignored.decompose()
        words = re.findall(r"[^\W\d_]+", body.get_text(" "))
        pairs = [
            (a, b)
            for a, b in zip(words, words[1:], strict=False)
            if len(a) >= 5 and len(b) >= 5 and "ł" in b.lower()
        ]
        for first, second in pairs[:2]:
            typed = f"{first} {folded(second)}".lower()
            with_l = [_page_of(r["url"]) for r in searcher(f"{first} {second}".lower())][:3]
            if name not in with_l:
                continue  # not a phrase this page wins with „ł” either
            assert name in [_page_of(r["url"]) for r in searcher(typed)][:3], typed
            checked += 1
    assert checked


@pytest.mark.slow
def test_excluded_pages_never_appear_in_results(searcher, pages):
    words = set()
    for name in EXCLUDED:
        words |= set(_words(pages[name].get_text(" ")))
    for word in sorted(words)[:40]:
        found = {_page_of(r["url"]) for r in searcher(word)}
        assert not found & EXCLUDED, word
