"""Charts and tables on a phone: a narrow drawing whose text stays legible, tables that scroll in a box."""

from __future__ import annotations

import re
import sys
import textwrap
from pathlib import Path
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup
from matplotlib.figure import Figure
from matplotlib.text import Text

from conftest import reader_text
from handbook.charts.runner import NARROW_SUFFIX, chart_style, narrow_file, render, render_charts
from handbook.charts.spec import load_charts
from handbook.charts.style import NARROW, PRINT
from handbook.products import read_manifest
from handbook.sphinxext import charts as chart_directive

sys.path.insert(0, str(Path(__file__).parent))
from test_charts import make_settings, make_tables  # noqa: E402

# A phone 360 CSS px wide shows the page's text column between two 16 px paddings.
PHONE_BOX_PX = 360 - 2 * 16
SMALLEST_TEXT_PX = 11.0
CSS_PX_PER_PT = 96 / 72
SVG = "{http://www.w3.org/2000/svg}"

# One chart of every kind and layout, with long labels and titles, on the synthetic tables.
EVERY_KIND = """
    [slupki]
    podpis = "Dyżury w gminach"
    tabela = "dyzury"
    kategorie = "gmina"
    wartosc = { agregacja = "liczba" }
    os_wartosci = { tytul = "liczba dyżurów w gminie w całym okresie projektu" }

    [obok]
    podpis = "Godziny według rodzaju"
    tabela = "dyzury"
    kategorie = "gmina"
    wartosc = { agregacja = "suma", kolumna = "godziny" }
    podzial = "rodzaj"

    [stos]
    podpis = "Godziny w miesiącach"
    tabela = "dyzury"
    kategorie = "data"
    okres = "miesiąc"
    wartosc = { agregacja = "suma", kolumna = "godziny" }
    podzial = "rodzaj"
    uklad = "stos"
    suma = true

    [poziome]
    podpis = "Osoby w gminach"
    typ = "słupki poziome"
    tabela = "dyzury"
    kategorie = "gmina"
    wartosc = { agregacja = "suma", kolumna = "osoby" }
    kolejnosc = "malejąco"
    os_kategorii = { tytul = "gmina" }
    os_wartosci = { tytul = "liczba osób obecnych na dyżurach w całym okresie projektu" }

    [panele_poziome]
    podpis = "Osoby i godziny"
    typ = "słupki poziome"
    tabela = "dyzury"
    kategorie = "gmina"
    uklad = "panele"

    [[panele_poziome.serie]]
    etykieta = "osoby na dyżurach"
    agregacja = "suma"
    kolumna = "osoby"

    [[panele_poziome.serie]]
    etykieta = "godziny dyżurów"
    agregacja = "suma"
    kolumna = "godziny"

    [panele_pionowe]
    podpis = "Osoby i godziny w gminach"
    tabela = "dyzury"
    kategorie = "gmina"
    uklad = "panele"

    [[panele_pionowe.serie]]
    etykieta = "osoby na dyżurach"
    agregacja = "suma"
    kolumna = "osoby"

    [[panele_pionowe.serie]]
    etykieta = "godziny dyżurów"
    agregacja = "suma"
    kolumna = "godziny"

    [dni]
    podpis = "Dyżury dzień po dniu"
    typ = "linia"
    tabela = "dyzury"
    kategorie = "data"
    okres = "dzień"
    wartosc = { agregacja = "liczba" }
    narastajaco = true

    [obszar]
    podpis = "Koła i grupy"
    typ = "obszar"
    tabela = "stan"
    kategorie = "miesiac"
    uklad = "stos"

    [[obszar.serie]]
    etykieta = "koła działające w gminach"
    agregacja = "suma"
    kolumna = "kola"

    [[obszar.serie]]
    etykieta = "grupy nieformalne"
    agregacja = "suma"
    kolumna = "grupy"

    [hantle]
    podpis = "Samoocena przed i po"
    typ = "hantle"
    tabela = "ankieta"
    kategorie = "obszar"
    os_wartosci = { tytul = "średnia samoocena (1 – bardzo słabo, 5 – bardzo dobrze)" }

    [[hantle.serie]]
    etykieta = "przed szkoleniem"
    agregacja = "średnia"
    kolumna = "przed"

    [[hantle.serie]]
    etykieta = "po szkoleniu"
    agregacja = "średnia"
    kolumna = "po"
"""


def text_sizes(svg: bytes) -> list[float]:
    """Font sizes (in the SVG's user units) of every text, drawn as glyph outlines.

    matplotlib writes a text as ``<g transform="translate(…) scale(s -s)">`` of ``<use>`` glyphs
    defined at 100 units: the size is 100 × s.
    """
    sizes = []
    for group in ElementTree.fromstring(svg).iter(SVG + "g"):
        scale = re.search(r"scale\(([-\d.e]+)", group.get("transform", ""))
        if scale and any(child.tag == SVG + "use" for child in group):
            sizes.append(abs(float(scale.group(1))) * 100)
    return sizes


def smallest_text_px(svg: bytes, box_px: float = PHONE_BOX_PX) -> float:
    """The smallest text of a chart, in CSS px, shown in a box *box_px* wide (never enlarged)."""
    root = ElementTree.fromstring(svg)
    view_width = float(root.get("viewBox", "").split()[2])
    natural_px = float(root.get("width", "").removesuffix("pt")) * CSS_PX_PER_PT
    return min(text_sizes(svg)) * min(natural_px, box_px) / view_width


@pytest.fixture(scope="module")
def drawn(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    settings = make_settings(tmp_path_factory.mktemp("telefon"))
    settings.charts_file.parent.mkdir(parents=True, exist_ok=True)
    settings.charts_file.write_text(textwrap.dedent(EVERY_KIND).lstrip(), encoding="utf-8")
    tables = make_tables()
    charts = load_charts(settings, tables)
    render_charts(settings, tables, charts)
    return settings, tables, charts


def test_every_chart_has_a_narrow_drawing_in_the_manifest_folder(drawn):
    settings, _, charts = drawn
    manifest = read_manifest(settings.charts_dir)
    assert set(manifest) == set(charts)
    for entry in manifest.values():
        assert (settings.charts_dir / entry.file).exists()
        assert (settings.charts_dir / narrow_file(entry.file)).exists()


def test_narrow_chart_text_is_at_least_11_px_on_a_360_px_phone(drawn):
    settings, _, charts = drawn
    for name in charts:
        narrow = (settings.charts_dir / f"{name}{NARROW_SUFFIX}").read_bytes()
        assert smallest_text_px(narrow) >= SMALLEST_TEXT_PX, name
        # The print drawing shrunk into the same box is what the phone showed before.
        wide = (settings.charts_dir / f"{name}.svg").read_bytes()
        assert smallest_text_px(wide) < SMALLEST_TEXT_PX, name


def test_narrow_drawing_fits_the_phone_and_grows_taller_instead(drawn):
    settings, tables, charts = drawn
    style = chart_style(settings)
    for name, chart in charts.items():
        wide = render(chart, tables, style, settings, PRINT)
        narrow = render(chart, tables, style, settings, NARROW)
        width, height = narrow.get_size_inches()
        assert width * 96 <= PHONE_BOX_PX, name
        assert height / width >= wide.get_size_inches()[1] / wide.get_size_inches()[0] * 0.95, name


def drawn_texts(figure: Figure) -> list[Text]:
    """Every text a drawn figure shows (a tick outside the axis's range keeps a label not drawn)."""
    ticks, shown = set(), []
    for ax in figure.axes:
        for axis in (ax.xaxis, ax.yaxis):
            low, high = sorted(axis.get_view_interval())
            for tick in axis.get_major_ticks():
                ticks |= {id(tick.label1), id(tick.label2)}
                if low - 1e-9 <= tick.get_loc() <= high + 1e-9:
                    shown += [tick.label1, tick.label2]
    texts = [t for t in figure.findobj(Text) if id(t) not in ticks] + shown
    return [t for t in texts if t.get_visible() and t.get_text().strip()]


def test_no_text_of_a_narrow_drawing_is_cut_off(drawn):
    settings, tables, charts = drawn
    style = chart_style(settings)
    for name, chart in charts.items():
        figure = render(chart, tables, style, settings, NARROW)
        figure.draw_without_rendering()
        renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
        edge = figure.bbox
        for text in drawn_texts(figure):
            box = text.get_window_extent(renderer)
            inside = box.x0 >= edge.x0 - 1 and box.x1 <= edge.x1 + 1 and box.y0 >= edge.y0 - 1
            assert inside and box.y1 <= edge.y1 + 1, f"{name}: „{text.get_text()}” {box} outside {edge}"


def test_a_missing_narrow_drawing_is_redrawn_and_a_removed_chart_takes_both_away(drawn, tmp_path):
    settings = make_settings(tmp_path)
    settings.charts_file.parent.mkdir(parents=True, exist_ok=True)
    text = textwrap.dedent(EVERY_KIND).lstrip()
    settings.charts_file.write_text(text, encoding="utf-8")
    tables = make_tables()
    render_charts(settings, tables, load_charts(settings, tables))
    (settings.charts_dir / f"hantle{NARROW_SUFFIX}").unlink()
    report = render_charts(settings, tables, load_charts(settings, tables))
    assert report.rendered == ("hantle",)
    assert (settings.charts_dir / f"hantle{NARROW_SUFFIX}").exists()
    settings.charts_file.write_text(text.split("[hantle]")[0], encoding="utf-8")
    render_charts(settings, tables, load_charts(settings, tables))
    assert not list(settings.charts_dir.glob("hantle*"))


def test_the_site_reads_the_runners_name_of_the_narrow_drawing():
    # The Sphinx side does not import the data stage (matplotlib): one convention, two places.
    assert chart_directive.narrow_file("wykres.svg") == narrow_file("wykres.svg")
    assert chart_directive.NARROW_SUFFIX == NARROW_SUFFIX


# --- The site ------------------------------------------------------------------------------


# The test book (a pipe table, charts, the data appendix) and the case with every kind of
# table MyST and docutils make (list-table, csv-table, a grid table).
@pytest.fixture(scope="module", params=[None, "typst-all"])
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from conftest import copy_project
    from handbook.build.staging import build_site
    from handbook.pipeline import prepare_data
    from handbook.settings import load_settings

    folder = tmp_path_factory.mktemp("strona") / "project"
    settings = load_settings(copy_project(folder, request.param))
    prepare_data(settings)
    result = build_site(settings, "html", echo=False)
    assert result.ok, result.warnings
    pages = {
        path.name: BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        for path in sorted(settings.html_dir.glob("*.html"))
    }
    return settings, pages


def test_a_chart_is_a_picture_with_the_narrow_drawing_for_phones_and_keeps_its_alt(site):
    settings, pages = site
    figures = [f for page in pages.values() for f in page.select("figure.handbook-chart-figure")]
    assert figures
    for figure in figures:
        picture = figure.select_one("picture")
        source, img = picture.select_one("source"), picture.select_one("img")
        assert source["media"] == chart_directive.NARROW_MEDIA
        assert source["srcset"].endswith(NARROW_SUFFIX)
        assert img["src"].endswith(".svg") and not img["src"].endswith(NARROW_SUFFIX)
        assert Path(source["srcset"]).name == narrow_file(Path(img["src"]).name)
        assert img.get("alt", "").strip()
        assert (settings.html_dir / source["srcset"]).exists()
        assert figure.figcaption.get_text(strip=True).startswith("Rys.")


def test_every_table_scrolls_in_a_named_box_under_a_caption_that_stays(site):
    _, pages = site
    # Every table of the chapters (the general index is a template's layout table, not content).
    pages = {name: page for name, page in pages.items() if name != "genindex.html"}
    tables = [t for page in pages.values() for t in page.select("article table")]
    assert any(t.find_parent("details") for t in tables) and any(not t.find_parent("details") for t in tables)
    for table in tables:
        page = next(p for p in pages.values() if table in p.select("article table"))
        box = table.parent
        assert "handbook-table-scroll" in box["class"] and box["role"] == "region" and box["tabindex"] == "0"
        wrapper = box.parent
        assert "handbook-table" in wrapper["class"]
        assert table.find("caption") is None
        hint = wrapper.select_one(".handbook-table-hint")
        assert hint["aria-hidden"] == "true" and hint.get_text(strip=True) == "Przewiń tabelę w\u00a0bok"
        if box.get("aria-labelledby"):
            # The caption is outside the scrolling box and names both the box and the table.
            caption = page.find(id=box["aria-labelledby"])
            assert caption is not None and caption.find_parent(class_="handbook-table-scroll") is None
            assert caption.find_parent(class_="handbook-table-caption") is not None
            assert table["aria-labelledby"] == box["aria-labelledby"]
            assert re.match(r"Tabela [A-Z\d]", caption.get_text(" ", strip=True))  # 3.1, or A.1 in appendices
            assert wrapper.get("id"), "links to the table land on its caption"
        else:
            assert box["aria-label"].strip() and table["aria-label"] == box["aria-label"]


def test_a_chart_data_table_is_named_after_its_chart(site):
    _, pages = site
    for page in pages.values():
        for figure, box in zip(
            page.select("figure.handbook-chart-figure"),
            page.select("details.handbook-chart-data"),
            strict=True,
        ):
            caption = reader_text(figure.figcaption.select_one(".caption-text")).strip()
            label = box.select_one(".handbook-table-scroll")["aria-label"]
            assert label.startswith("Dane liczbowe wykresu") and caption in label


# --- In a browser --------------------------------------------------------------------------

PHONE_360 = {"width": 360, "height": 740}
DESKTOP = {"width": 1366, "height": 768}
CHARTS_IN_PAGE = """() => [...document.querySelectorAll('figure.handbook-chart-figure img')].map(img => ({
    src: img.currentSrc, width: img.getBoundingClientRect().width}))"""
TABLES_IN_PAGE = """() => [...document.querySelectorAll('article .handbook-table')].map(table => {
    const box = table.querySelector('.handbook-table-scroll');
    const caption = table.querySelector('.handbook-table-caption');
    const hint = table.querySelector('.handbook-table-hint');
    const before = caption && caption.getBoundingClientRect().left;
    box.scrollLeft = 80;
    const after = caption && caption.getBoundingClientRect().left;
    box.scrollLeft = 0;
    return {overflows: box.scrollWidth > box.clientWidth, hint: hint.getBoundingClientRect().height > 0
            && getComputedStyle(hint).visibility === 'visible', still: before === after,
            pageWidth: document.documentElement.scrollWidth};
})"""


@pytest.mark.slow
def test_on_a_360_px_phone_charts_are_narrow_and_tables_scroll_under_their_caption(tmp_path):
    pytest.importorskip("playwright")
    from playwright.sync_api import sync_playwright

    from conftest import copy_project
    from handbook.build.staging import build_site
    from handbook.pipeline import prepare_data
    from handbook.settings import load_settings
    from test_browser import ARGS, CHROMIUM, serve

    settings = load_settings(copy_project(tmp_path / "book", "typst-all"))
    prepare_data(settings)
    assert build_site(settings, "html", echo=False).ok
    # The site is built before the browser starts (see test_browser.browser).
    with serve(settings) as site, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        phone, desktop = browser.new_page(viewport=PHONE_360), browser.new_page(viewport=DESKTOP)
        charts = tables = 0
        for name in site.pages:
            phone.goto(site.base + name, wait_until="load")
            for chart in phone.evaluate(CHARTS_IN_PAGE):
                charts += 1
                assert chart["src"].endswith(NARROW_SUFFIX), (name, chart)
                svg = (settings.html_dir / "_images" / Path(chart["src"]).name).read_bytes()
                assert smallest_text_px(svg, chart["width"]) >= SMALLEST_TEXT_PX, (name, chart)
            for table in phone.evaluate(TABLES_IN_PAGE):
                tables += 1
                assert table["hint"] == table["overflows"] and table["still"], (name, table)
                assert table["pageWidth"] <= PHONE_360["width"], (name, table)
            desktop.goto(site.base + name, wait_until="load")
            for chart in desktop.evaluate(CHARTS_IN_PAGE):
                assert not chart["src"].endswith(NARROW_SUFFIX), (name, chart)
        browser.close()
    assert charts and tables
