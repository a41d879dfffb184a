"""The site in a real headless Chromium: axe-core on every page, Polish search, keyboard, privacy.

The site is served from a sub-path (/html/) of a local server, as a county site would host it.
Pages and search queries come from the book under test (its chapters, toctree and data
appendix). Browser tests skip only when no browser is installed and CI is not set; under
CI=true a missing browser fails the run (.ci/run installs Debian's chromium).
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlparse

import pytest
from bs4 import BeautifulSoup

from book import chapters, data_appendix, first_chapter, html_name
from handbook.build.staging import build_pdf, build_site
from handbook.pipeline import prepare_data
from handbook.settings import Settings, load_settings

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
if CHROMIUM is None and not os.environ.get("CI"):
    pytest.skip("no Chromium on this machine", allow_module_level=True)

# How a reader types Polish on a keyboard without Polish letters.
FOLD = str.maketrans("ąćęłńóśźż", "acelnoszz")


def fold(text: str) -> str:
    return text.lower().translate(FOLD)


@dataclass(frozen=True)
class Served:
    settings: Settings
    base: str  # http://127.0.0.1:<port>/html/
    pages: list[str]  # every HTML page by its path in the site


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def site_pages(html: Path) -> list[str]:
    return sorted(
        path.relative_to(html).as_posix()
        for path in html.rglob("*.html")
        if not any(part.startswith("_") or part == "pdf" for part in path.relative_to(html).parts[:-1])
    )


@contextmanager
def serve(settings: Settings) -> Iterator[Served]:
    """The build folder over HTTP, so the site lives under /html/ like on a county's server."""
    handler = functools.partial(_Quiet, directory=str(settings.build_dir))
    server = socketserver.TCPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}/{settings.html_dir.name}/"
        yield Served(settings, base, site_pages(settings.html_dir))
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[Served]:
    from conftest import copy_book

    settings = load_settings(copy_book(tmp_path_factory.mktemp("browser")))
    prepare_data(settings)
    assert build_pdf(settings, echo=False).ok
    result = build_site(settings, "html", echo=False)
    assert result.ok, result.warnings
    with serve(settings) as served:
        yield served


@pytest.fixture(scope="module")
def engine_site(tmp_path_factory) -> Iterator[Served]:
    """The engine's own test book: what search does with Polish does not depend on the book."""
    from conftest import copy_project

    settings = load_settings(copy_project(tmp_path_factory.mktemp("engine") / "book"))
    prepare_data(settings)
    result = build_site(settings, "html", echo=False)
    assert result.ok, result.warnings
    with serve(settings) as served:
        yield served


@pytest.fixture(scope="module")
def browser(site, engine_site):
    # Every site is built before the browser starts: a process forked while Playwright runs
    # (a build's worker, say) keeps the driver's pipe open, and Playwright would wait for its
    # driver forever when it stops.
    if CHROMIUM is None:
        pytest.fail("Chromium is missing under CI=true; .ci/run must install Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


def search_queries(served: Served) -> list[tuple[str, str, str]]:
    """(word as written, word as typed, page) for each chapter: the word of its title that the
    fewest indexed pages contain, lowercased and without Polish letters."""
    html = served.settings.html_dir
    indexed = []
    for name in served.pages:
        body = BeautifulSoup((html / name).read_text(encoding="utf-8"), "html.parser").select_one(
            "[data-pagefind-body]"
        )
        if body is not None:
            indexed.append(set(re.findall(r"\w+", fold(body.get_text(" ")))))

    def spread(word: str) -> int:  # Pagefind finds a typed word as the start of a longer one
        return sum(1 for words in indexed if any(w.startswith(fold(word)) for w in words))

    queries = []
    for docname, front in chapters(served.settings).items():
        words = [w for w in re.findall(r"[^\W\d_]+", front.tytul) if len(w) >= 5]
        if words:
            word = min(words, key=lambda w: (spread(w), -len(w)))
            queries.append((word, fold(word), html_name(docname)))
    return queries


def _wait_for_results(page, query: str) -> None:
    """Done when the message names this query and is no longer "Szukam …"."""
    page.wait_for_function(
        """q => {
            const m = document.querySelector('.pagefind-ui__message')?.textContent || '';
            return m.includes(q) && !m.startsWith('Szukam');
        }""",
        arg=query,
        timeout=10_000,
    )


def _settled_results(page, base: str) -> list[str]:
    """Result pages (paths in the site) once the list stops changing: typing fires a search per
    keystroke and a slower earlier search may still be replacing the list."""
    prefix = urlparse(base).path
    previous: list[str] = []
    for _ in range(20):
        page.wait_for_timeout(250)
        paths = page.locator(".pagefind-ui__result-link").evaluate_all(
            "els => els.map(e => new URL(e.getAttribute('href'), location.href).pathname)"
        )
        links = [p.removeprefix(prefix) or "index.html" for p in paths]
        if links and links == previous:
            return links
        previous = links
    return previous


def _misses(served: Served, browser, queries: list[tuple[str, str]]) -> dict[str, list[str]]:
    """Each query typed into the search box; those whose page is not among the first three."""
    page = browser.new_page()
    page.goto(served.base + "search.html")
    box = page.get_by_role("textbox", name="Szukaj w podręczniku")
    misses = {}
    for query, expected in queries:
        box.fill("")
        box.press_sequentially(query)
        _wait_for_results(page, query)
        links = _settled_results(page, served.base)
        if expected not in links[:3]:
            misses[f"{query} → {expected}"] = links[:3]
    page.close()
    return misses


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_nothing_on_any_page(site, browser, scheme):
    from axe_playwright_python.sync_playwright import Axe

    page = browser.new_page(color_scheme=scheme)
    axe = Axe()
    found = {}
    for name in site.pages:
        page.goto(site.base + name)
        page.wait_for_load_state("networkidle")
        theme = page.evaluate("document.documentElement.dataset.theme")
        assert theme == scheme, (name, theme)
        violations = axe.run(page).response["violations"]
        if violations:
            found[name] = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in violations]
    page.close()
    assert found == {}
    expected = {html_name(d) for d in chapters(site.settings)}
    expected |= {"index.html", html_name(site.settings.accessibility.page), "search.html", "404.html"}
    assert expected <= set(site.pages)


def test_each_chapter_is_found_by_a_word_of_its_title(site, browser):
    queries = search_queries(site)
    assert len(queries) >= len(chapters(site.settings)) / 2, queries
    assert _misses(site, browser, [(typed, page) for _, typed, page in queries]) == {}


def test_search_finds_an_inflected_word(engine_site, browser):
    # The test book's chapter says „zajęcia”; a reader types the locative, without „ę”.
    assert _misses(engine_site, browser, [("zajeciach", "rozdzial.html")]) == {}


def test_search_shows_chapter_and_excerpt(site, browser):
    word, _, _ = search_queries(site)[0]
    page = browser.new_page()
    page.goto(site.base + "search.html?q=" + quote(word))
    first = page.locator(".pagefind-ui__result").first
    first.wait_for()
    assert first.locator(".pagefind-ui__result-title").inner_text().strip()
    excerpt = first.locator(".pagefind-ui__result-excerpt").first.inner_text()
    assert fold(word) in fold(excerpt)
    page.close()


def test_keyboard_path_from_skip_link_to_search(site, browser):
    start = html_name(first_chapter(site.settings))
    queries = search_queries(site)
    _, typed, _ = next((q for q in queries if q[2] == start), queries[0])
    page = browser.new_page()
    page.goto(site.base + start)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Przejdź do treści"
    for _ in range(12):
        page.keyboard.press("Tab")
        label = page.evaluate(
            "document.activeElement.getAttribute('aria-label') || document.activeElement.textContent"
        )
        if "Szukaj" in label:
            break
    else:
        pytest.fail("the search button is not reachable with Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"  # focus is visible (the engine's identity stylesheet)
    page.keyboard.press("Enter")
    page.keyboard.type(typed)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/search.html?q={typed}")
    page.locator(".pagefind-ui__result").first.wait_for()
    page.close()


def test_no_request_leaves_the_machine(site, browser):
    settings = site.settings
    _, typed, _ = search_queries(site)[0]
    visits = ["index.html", html_name(first_chapter(settings)), f"search.html?q={typed}"]
    appendix = data_appendix(settings)
    if appendix is not None:
        visits.append(html_name(appendix))
    page = browser.new_page()
    hosts = set()
    page.on("request", lambda request: hosts.add(urlparse(request.url).hostname))
    for name in visits:
        page.goto(site.base + name)
        page.wait_for_load_state("networkidle")
    page.close()
    assert hosts == {"127.0.0.1"}


def test_pdf_and_404_work_from_the_sub_path(site, browser):
    page = browser.new_page()
    page.goto(site.base + "index.html")
    link = page.get_by_role("link", name="Pobierz podręcznik w PDF")
    response = page.request.get(link.evaluate("a => a.href"))
    assert response.ok and response.body()[:5] == b"%PDF-"
    assert response.body() == site.settings.pdf_file.read_bytes()
    page.goto(site.base + "404.html")
    assert page.locator("article h1").first.inner_text() == "Nie znaleziono strony"
    page.close()
