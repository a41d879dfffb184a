"""The site in a real headless Chromium: axe-core on every page, reflow, navigation on a phone,
Polish search, keyboard, privacy.

The site is served from the sub-path of its published address, as a county site would host it.
Pages and search queries come from the book under test (its chapters, toctree and data
appendix). axe-core is the version pinned in package.json, from node_modules (`npm ci`, which
`make test` runs). Browser tests skip only when no browser (or no node_modules) is installed
and CI is not set; under CI=true a missing one fails the run (.ci/run installs Debian's
chromium, nodejs and npm).
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import shutil
import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urljoin, urlparse

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

REPO = Path(__file__).resolve().parent.parent
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
AXE_VERSION = json.loads((REPO / "package.json").read_text(encoding="utf-8"))["devDependencies"]["axe-core"]
# Rules of every WCAG 2.0–2.2 level A and AA success criterion, enabled on top of axe's defaults
# (some of them, e.g. the experimental ones, are off by default).
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
NARROW = {"width": 320, "height": 640}  # WCAG 1.4.10: 1280 px at 400 % zoom
AXE_RUN = """async tags => {
    const rules = {};
    for (const rule of axe.getRules(tags)) rules[rule.ruleId] = {enabled: true};
    const {violations} = await axe.run(document, {rules, resultTypes: ['violations']});
    return violations.map(v => [v.id, v.nodes.slice(0, 3).map(n => n.target.join(' '))]);
}"""
# Elements sticking out to the right of the window, outside any element that scrolls sideways
# itself (the allowed way for a wide table or code block).
WIDE_ELEMENTS = """() => {
    const width = window.innerWidth;
    const scrolls = el => {
        for (let p = el.parentElement; p; p = p.parentElement) {
            const o = getComputedStyle(p).overflowX;
            if (o === 'auto' || o === 'scroll') return true;
        }
        return false;
    };
    const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
        + [...el.classList].map(c => '.' + c).join('');
    const wide = [];
    for (const el of document.body.querySelectorAll('*')) {
        const right = el.getBoundingClientRect().right;
        if (right > width + 0.5 && !scrolls(el)) wide.push(`${name(el)}: ${Math.round(right)} px`);
    }
    return {scrollWidth: document.documentElement.scrollWidth, width, wide: wide.slice(0, 15)};
}"""
IN_MENU = "document.activeElement?.closest('dialog#handbook-menu') !== null"

# How a reader types Polish on a keyboard without Polish letters.
FOLD = str.maketrans("ąćęłńóśźż", "acelnoszz")


def fold(text: str) -> str:
    return text.lower().translate(FOLD)


@dataclass(frozen=True)
class Served:
    settings: Settings
    base: str  # http://127.0.0.1:<port>/<the published sub-path>/
    pages: list[str]  # every HTML page by its path in the site


class _Quiet(http.server.SimpleHTTPRequestHandler):
    prefix = "/"  # the sub-path the site is published under

    def log_message(self, *args: object) -> None:
        pass

    def translate_path(self, path: str) -> str:
        # Outside the site's sub-path nothing exists, as on the county's server.
        if not path.startswith(self.prefix):
            return str(Path(self.directory) / "_brak_")
        return super().translate_path("/" + path.removeprefix(self.prefix))


def site_pages(html: Path) -> list[str]:
    return sorted(
        path.relative_to(html).as_posix()
        for path in html.rglob("*.html")
        if not any(part.startswith("_") or part == "pdf" for part in path.relative_to(html).parts[:-1])
    )


@contextmanager
def serve(settings: Settings) -> Iterator[Served]:
    """The site over HTTP under the sub-path of its published address (settings [strona]
    adres), as on the county's server: the 404 page's absolute links work only there."""
    prefix = urlparse(settings.site.base_url).path or "/"
    handler = functools.partial(
        type("_Site", (_Quiet,), {"prefix": prefix}), directory=str(settings.html_dir)
    )
    server = socketserver.TCPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}{prefix}"
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


@pytest.fixture(scope="module")
def axe_script() -> Path:
    if not AXE.exists():
        if os.environ.get("CI"):
            pytest.fail("node_modules/axe-core is missing under CI=true; `make test` runs npm ci")
        pytest.skip("no node_modules/axe-core: run `npm ci --no-audit --no-fund` (make test does)")
    return AXE


def run_axe(page, axe_script: Path) -> list[list[object]]:
    """Violations on the page as it is now (axe injected once per loaded document)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(axe_script))
        assert page.evaluate("axe.version") == AXE_VERSION
    return page.evaluate(AXE_RUN, WCAG_TAGS)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_nothing_on_any_page(site, browser, axe_script, scheme):
    page = browser.new_page(color_scheme=scheme, viewport=DESKTOP)
    found = {}
    for name in site.pages:
        page.set_viewport_size(DESKTOP)
        page.goto(site.base + name)
        page.wait_for_load_state("networkidle")
        theme = page.evaluate("document.documentElement.dataset.theme")
        assert theme == scheme, (name, theme)
        for viewport in (DESKTOP, PHONE):
            page.set_viewport_size(viewport)
            violations = run_axe(page, axe_script)
            if violations:
                found[f"{name} @ {viewport['width']} px"] = violations
    page.close()
    assert found == {}, "axe-core violations (rule, first elements):\n" + "\n".join(
        f"{where}: {violations}" for where, violations in found.items()
    )
    expected = {html_name(d) for d in chapters(site.settings)}
    expected |= {"index.html", html_name(site.settings.accessibility.page), "search.html", "404.html"}
    assert expected <= set(site.pages)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_nothing_in_the_open_menu(site, browser, axe_script, scheme):
    page = browser.new_page(color_scheme=scheme, viewport=PHONE)
    page.goto(site.base + html_name(first_chapter(site.settings)))
    page.locator("#handbook-menu-button").click()
    page.locator("dialog#handbook-menu").wait_for()
    assert run_axe(page, axe_script) == []
    page.close()


def test_no_page_scrolls_sideways_at_320_px(site, browser):
    page = browser.new_page(viewport=NARROW)
    found = {}
    for name in site.pages:
        page.goto(site.base + name, wait_until="load")
        result = page.evaluate(WIDE_ELEMENTS)
        if result["scrollWidth"] > result["width"]:
            found[name] = result
    page.close()
    assert found == {}, "pages wider than 320 px (elements sticking out):\n" + "\n".join(
        f"{name}: scrollWidth {r['scrollWidth']} px; {r['wide'] or 'no element: unbroken text?'}"
        for name, r in found.items()
    )


# --- Navigation: the chapter menu on a phone, the page's contents, the way home ----------------


def chapter_paths(served: Served) -> list[str]:
    """URL paths of the pages the home page's table of contents lists (its first level)."""
    home = served.base + "index.html"
    soup = BeautifulSoup((served.settings.html_dir / "index.html").read_text(encoding="utf-8"), "html.parser")
    paths = []
    for link in soup.select(".toctree-wrapper li.toctree-l1 > a[href]"):
        path = urlparse(urljoin(home, link["href"])).path
        if path not in paths:
            paths.append(path)
    assert paths, "the home page has no table of contents"
    return paths


def _other_chapter_link(page, served: Served):  # type: ignore[no-untyped-def]
    """A link in the open menu to a chapter other than the current page, and the URL it leads to."""
    chapters_ = chapter_paths(served)
    links = page.locator("dialog#handbook-menu a[href]")
    paths = links.evaluate_all("els => els.map(e => new URL(e.href).pathname)")
    current = urlparse(page.url).path
    index = next(i for i, path in enumerate(paths) if path in chapters_ and path != current)
    return links.nth(index), paths[index]


def _menu_state(page) -> dict[str, object]:  # type: ignore[no-untyped-def]
    return page.evaluate(
        """() => {
            const dialog = document.querySelector('dialog#handbook-menu');
            const button = document.getElementById('handbook-menu-button');
            return {
                open: dialog.open,
                modal: dialog.matches(':modal'),
                expanded: button.getAttribute('aria-expanded'),
                focusInside: document.activeElement?.closest('dialog#handbook-menu') !== null,
                focusOnButton: document.activeElement === button,
            };
        }"""
    )


def test_every_page_links_home_and_chapters_list_their_contents(site):
    html = site.settings.html_dir
    chapter_pages = {html_name(d) for d in chapters(site.settings)}
    problems = {}
    for name in site.pages:
        soup = BeautifulSoup((html / name).read_text(encoding="utf-8"), "html.parser")
        # 404.html is served at any missing address, so its links start from the site's own
        # (published) path, not from where this test serves it.
        base = site.base
        if name == "404.html" and (home := soup.select_one("header a.handbook-home[href]")):
            base = urljoin(site.base, urljoin(home["href"], "."))
        page_url = base + name
        home = soup.select_one("header a.handbook-home[href]")
        if home is None or urljoin(page_url, home["href"]) not in {base, base + "index.html"}:
            problems[name] = f"header a.handbook-home: {home}"
        search = soup.select_one("a.handbook-search-button")
        if search is not None and urljoin(page_url, search["href"]) != base + "search.html":
            problems[name] = f"a.handbook-search-button: {search}"
        article = soup.select_one("[data-pagefind-body], article") or soup
        if name in chapter_pages and article.select("h2"):
            summary = soup.select_one('nav[aria-label="Na tej stronie"] details > summary')
            if summary is None or not summary.find_parent("details").select("a[href]"):
                problems[name] = "no „Na tej stronie” <details> with links"
    assert problems == {}


def test_menu_button_on_phones_sidebar_on_wide_screens(site, browser):
    page = browser.new_page(viewport=PHONE)
    page.goto(site.base + html_name(first_chapter(site.settings)))
    button = page.locator("header #handbook-menu-button")
    assert button.is_visible()
    assert "Spis treści" in button.inner_text()
    assert button.get_attribute("aria-controls") == "handbook-menu"
    assert button.get_attribute("aria-expanded") == "false"
    for width, phone_layout in ((1023, True), (1024, False), (DESKTOP["width"], False)):
        page.set_viewport_size({"width": width, "height": 768})
        assert button.is_visible() == phone_layout, width
        if not phone_layout:
            assert page.locator("nav#handbook-nav").is_visible(), width
    page.close()


def test_menu_opens_by_tap_and_leads_to_a_chapter(site, browser):
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    page = context.new_page()
    page.goto(site.base + html_name(first_chapter(site.settings)))
    page.locator("#handbook-menu-button").tap()
    dialog = page.locator("dialog#handbook-menu")
    dialog.wait_for()
    state = _menu_state(page)
    assert state["open"] and state["modal"] and state["expanded"] == "true", state
    assert state["focusInside"], state
    paths = dialog.locator("a[href]").evaluate_all("els => els.map(e => new URL(e.href).pathname)")
    assert set(chapter_paths(site)) <= set(paths)
    assert "Zamknij" in dialog.get_by_role("button", name="Zamknij").inner_text()
    link, target = _other_chapter_link(page, site)
    link.tap()
    page.wait_for_url(lambda url: urlparse(url).path == target)
    context.close()


def test_menu_by_keyboard_only(site, browser):
    page = browser.new_page(viewport=PHONE)
    page.goto(site.base + html_name(first_chapter(site.settings)))
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "handbook-menu-button":
            break
    else:
        pytest.fail("#handbook-menu-button is not reachable with Tab")
    page.keyboard.press("Enter")
    page.locator("dialog#handbook-menu").wait_for()
    assert page.evaluate(IN_MENU)
    _, target = _other_chapter_link(page, site)
    for _ in range(60):
        page.keyboard.press("Tab")
        assert page.evaluate(IN_MENU), "Tab left the open menu"
        if page.evaluate("new URL(document.activeElement.href || location.href).pathname") == target:
            break
    else:
        pytest.fail(f"no Tab reaches the link to {target} in the menu")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: urlparse(url).path == target)
    page.close()


CLOSED = "document.getElementById('handbook-menu-button').getAttribute('aria-expanded') === 'false'"


def test_menu_closes_with_escape_and_its_button_and_gives_focus_back(site, browser):
    page = browser.new_page(viewport=PHONE)
    page.goto(site.base + html_name(first_chapter(site.settings)))
    button = page.locator("#handbook-menu-button")
    dialog = page.locator("dialog#handbook-menu")
    button.focus()
    page.keyboard.press("Space")
    dialog.wait_for()
    state = _menu_state(page)
    assert state["open"] and state["focusInside"] and state["expanded"] == "true", state
    page.keyboard.press("Escape")
    dialog.wait_for(state="hidden")
    page.wait_for_function(CLOSED)  # the dialog's close event comes a moment after it hides
    state = _menu_state(page)
    assert not state["open"] and state["focusOnButton"] and state["expanded"] == "false", state
    page.keyboard.press("Enter")
    dialog.wait_for()
    dialog.get_by_role("button", name="Zamknij").click()
    dialog.wait_for(state="hidden")
    page.wait_for_function(CLOSED)
    state = _menu_state(page)
    assert not state["open"] and state["focusOnButton"] and state["expanded"] == "false", state
    page.close()


def test_page_contents_open_with_enter_on_a_phone(site, browser):
    page = browser.new_page(viewport=PHONE)
    page.goto(site.base + html_name(first_chapter(site.settings)))
    details = page.locator('nav[aria-label="Na tej stronie"] details')
    assert details.evaluate("d => d.open") is False  # closed on a phone, above the text
    details.locator("summary").focus()
    page.keyboard.press("Enter")
    assert details.evaluate("d => d.open") is True
    links = details.locator("a[href]")
    assert links.count() > 0 and links.first.is_visible()
    page.close()


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
    # A result shows placeholders („. . .”, class pagefind-ui__loading) until its data has loaded.
    loaded = first.locator(".pagefind-ui__result-excerpt:not(.pagefind-ui__loading)").first
    loaded.wait_for()
    assert first.locator(".pagefind-ui__result-title").first.inner_text().strip()  # then sub-results
    excerpt = loaded.inner_text()
    assert fold(word) in fold(excerpt)
    page.close()


def test_keyboard_path_from_skip_link_to_search(site, browser):
    start = html_name(first_chapter(site.settings))
    queries = search_queries(site)
    word, typed, _ = next((q for q in queries if q[2] == start), queries[0])
    page = browser.new_page()
    page.goto(site.base + start)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Przejdź do treści"
    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Szukaj":
            break
    else:
        pytest.fail("the search link is not reachable with Tab")
    assert page.evaluate("document.activeElement.tagName") == "A"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"  # focus is visible
    page.keyboard.press("Enter")
    page.wait_for_url("**/search.html")
    for _ in range(12):
        if page.evaluate("document.activeElement.matches('input[type=search], input[type=text]')"):
            break
        page.keyboard.press("Tab")
    else:
        pytest.fail("the search field is not reachable with Tab")
    page.keyboard.type(typed)
    _wait_for_results(page, typed)
    # A result shows placeholders („. . .”) until its page's data has loaded.
    title = page.locator(".pagefind-ui__result-title:not(.pagefind-ui__loading)").first
    title.wait_for()
    assert fold(word) in fold(page.locator(".pagefind-ui__result").first.inner_text())
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
