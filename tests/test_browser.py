"""The site in a real headless Chromium: axe-core on every page, Polish search, keyboard, privacy.

The site is served from a sub-path (/html/) of a local server, as a county site would host it.
Browser tests skip only when no browser is installed and CI is not set; under CI=true a
missing browser fails the run (.ci/run installs Debian's chromium).
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import socketserver
import threading
from collections.abc import Iterator
from urllib.parse import urlparse

import pytest

from handbook.build.staging import build_pdf, build_site
from handbook.pipeline import prepare_data

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

# Query (as typed: inflected, often without diacritics) → the chapter a reader expects.
QUERIES = {
    "gminach": "02-diagnoza.html",
    "diagnozy": "02-diagnoza.html",
    "spacer badawczy": "02-diagnoza.html",
    "rekrutacji": "03-informacja-i-rekrutacja.html",
    "szkolen": "04-szkolenia-i-warsztaty.html",
    "warsztatow": "04-szkolenia-i-warsztaty.html",
    "mentoringu": "05-coaching-i-mentoring.html",
    "coaching": "05-coaching-i-mentoring.html",
    "sieci wsparcia": "06-siec-wsparcia.html",
    "samorzadem": "07-wspolpraca-z-samorzadem.html",
    "wspolpraca z samorzadem": "07-wspolpraca-z-samorzadem.html",  # ł typed as l
    "budzet obywatelski": "07-wspolpraca-z-samorzadem.html",
    "konferencji": "08-wyniki-projektu.html",
    "samoocena kompetencji": "08-wyniki-projektu.html",
    "rekomendacje powiatow": "09-rekomendacje.html",
    "partnerzy projektu": "aneks-a-partnerzy.html",
    "organizacji pozarzadowych": "aneks-a-partnerzy.html",
    "slowniczek pojec": "aneks-b-slowniczek.html",
    "dane csv": "aneks-c-dane.html",
    "aktywnosc": "01-o-projekcie.html",
}


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[tuple[str, list[str]]]:
    from conftest import copy_project
    from handbook.settings import load_settings

    settings = load_settings(copy_project(tmp_path_factory.mktemp("browser") / "p"))
    prepare_data(settings)
    assert build_pdf(settings, echo=False).ok
    result = build_site(settings, "html", echo=False)
    assert result.ok, result.warnings
    pages = sorted(p.name for p in settings.html_dir.glob("*.html"))
    handler = functools.partial(_Quiet, directory=str(settings.build_dir))
    server = socketserver.TCPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/html/", pages
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing under CI=true; .ci/run must install Debian's chromium")
        pytest.skip("no Chromium on this machine")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_nothing_on_any_page(site, browser, scheme):
    from axe_playwright_python.sync_playwright import Axe

    base, pages = site
    page = browser.new_page(color_scheme=scheme)
    axe = Axe()
    found = {}
    for name in pages:
        page.goto(base + name)
        page.wait_for_load_state("networkidle")
        theme = page.evaluate("document.documentElement.dataset.theme")
        assert theme == scheme, (name, theme)
        violations = axe.run(page).response["violations"]
        if violations:
            found[name] = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in violations]
    page.close()
    assert found == {}
    assert len(pages) >= 15


def test_polish_queries_typed_into_the_search_box(site, browser):
    base, _ = site
    page = browser.new_page()
    page.goto(base + "search.html")
    box = page.get_by_role("textbox", name="Szukaj w podręczniku")
    misses = {}
    for query, expected in QUERIES.items():
        box.fill("")
        box.press_sequentially(query)
        # Done when the message names this query and is no longer "Szukam …".
        page.wait_for_function(
            """q => {
                const m = document.querySelector('.pagefind-ui__message')?.textContent || '';
                return m.includes(q) && !m.startsWith('Szukam');
            }""",
            arg=query,
            timeout=10_000,
        )
        links = _settled_results(page)
        if expected not in links[:3]:
            misses[query] = links[:3]
    page.close()
    assert misses == {}
    assert len(QUERIES) >= 15


def _settled_results(page) -> list[str]:
    """Result pages once the list stops changing: typing fires a search per keystroke and a
    slower earlier search may still be replacing the list."""
    previous: list[str] = []
    for _ in range(20):
        page.wait_for_timeout(250)
        links = page.locator(".pagefind-ui__result-link").evaluate_all(
            "els => els.map(e => e.getAttribute('href').split('#')[0].split('/').pop() || 'index.html')"
        )
        if links and links == previous:
            return links
        previous = links
    return previous


def test_search_shows_chapter_and_excerpt(site, browser):
    base, _ = site
    page = browser.new_page()
    page.goto(base + "search.html?q=budżet obywatelski")
    first = page.locator(".pagefind-ui__result").first
    first.wait_for()
    assert first.locator(".pagefind-ui__result-title").inner_text().strip()
    excerpt = first.locator(".pagefind-ui__result-excerpt").first.inner_text()
    assert "budżet" in excerpt.lower()
    page.close()


def test_keyboard_path_from_skip_link_to_search(site, browser):
    base, _ = site
    page = browser.new_page()
    page.goto(base + "03-informacja-i-rekrutacja.html")
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
    assert outline == "solid"  # focus is visible (conf/static/tozsamosc.css_t)
    page.keyboard.press("Enter")
    page.keyboard.type("rekrutacji")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search.html?q=rekrutacji")
    page.locator(".pagefind-ui__result").first.wait_for()
    page.close()


def test_no_request_leaves_the_machine(site, browser):
    base, pages = site
    page = browser.new_page()
    hosts = set()
    page.on("request", lambda request: hosts.add(urlparse(request.url).hostname))
    for name in ("index.html", "08-wyniki-projektu.html", "search.html", "aneks-c-dane.html"):
        page.goto(base + name + ("?q=gmina" if name == "search.html" else ""))
        page.wait_for_load_state("networkidle")
    page.close()
    assert hosts == {"127.0.0.1"}


def test_pdf_and_404_work_from_the_sub_path(site, browser):
    base, _ = site
    page = browser.new_page()
    page.goto(base + "index.html")
    link = page.get_by_role("link", name="Pobierz podręcznik w PDF")
    response = page.request.get(link.evaluate("a => a.href"))
    assert response.ok and response.body()[:5] == b"%PDF-"
    page.goto(base + "404.html")
    assert page.locator("article h1").first.inner_text() == "Nie znaleziono strony"
    page.close()
