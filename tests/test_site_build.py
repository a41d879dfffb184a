"""How the site is built: the navigation rendered once per build, no Sphinx search index."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup

from conftest import copy_project, sphinx_app
from handbook.build.staging import build_site
from handbook.pipeline import prepare_data
from handbook.settings import Settings, load_settings
from handbook.site.navigation import OPTIONS, build_navigation

SECTION = """---
tytul: Część w podfolderze
autorzy:
  - rola: ekspertka
    organizacja: Stowarzyszenie Przyjaciół Modrzewia
status: gotowy
streszczenie: Część rozdziału w osobnym pliku.
slowa_kluczowe: [test]
---

Tekst części.
"""


def _with_nested_toctree(root: Path) -> Settings:
    """The test book with a chapter that lists a document of a subfolder in its own toctree."""
    (root / "handbook" / "czesci").mkdir()
    (root / "handbook" / "czesci" / "czesc.md").write_text(SECTION, encoding="utf-8")
    chapter = root / "handbook" / "rozdzial.md"
    chapter.write_text(
        chapter.read_text(encoding="utf-8") + "\n```{toctree}\n:hidden:\n\nczesci/czesc\n```\n",
        encoding="utf-8",
    )
    return load_settings(root)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    """The test book built by Sphinx in this process; for every page, our navigation and Sphinx's.

    Rendering needs the docutils registries of the build, so both are rendered before they go.
    """
    root = tmp_path_factory.mktemp("nawigacja")
    settings = _with_nested_toctree(copy_project(root / "p"))
    prepare_data(settings)
    with sphinx_app(settings, root) as app:
        app.build()
        navigation = build_navigation(app)
        pages = [*sorted(app.env.found_docs), "search", "genindex"]
        navs = {
            page: (navigation.for_page(app.builder, page), app.builder._get_local_toctree(page, **OPTIONS))
            for page in pages
        }
    assert app.statuscode == 0
    return SimpleNamespace(outdir=Path(app.outdir), indexer=app.builder.indexer, navs=navs)


def test_the_navigation_is_sphinx_toctree_on_every_page(site):
    assert "czesci/czesc" in site.navs
    for page, (ours, sphinx) in site.navs.items():
        assert ours == sphinx, page
    # The subfolder's page: addresses seen from it, its chapter's branch marked but not its link.
    nav = BeautifulSoup(site.navs["czesci/czesc"][0], "html.parser")
    chapter = nav.find("a", string=lambda s: "Rozdział próbny" in s)
    assert chapter["href"] == "../rozdzial.html" and "current" in chapter.parent["class"]
    assert "current" not in chapter["class"]


def test_the_layout_marks_the_current_page_for_screen_readers(site):
    page = BeautifulSoup((site.outdir / "rozdzial.html").read_text(encoding="utf-8"), "html.parser")
    current = page.select("nav#handbook-nav a[aria-current=page]")
    assert [a["href"] for a in current] == ["#"]
    assert "Rozdział próbny" in current[0].get_text()


def test_sphinx_search_index_is_never_made(site):
    out = site.outdir
    assert site.indexer is None
    assert not (out / "searchindex.js").exists()
    # The search page is the engine's: Pagefind's interface.
    assert 'id="wyszukiwarka"' in (out / "search.html").read_text(encoding="utf-8")


def _nav_titles(settings: Settings, page: str) -> list[str]:
    html = (settings.html_dir / page).read_text(encoding="utf-8")
    return [a.get_text() for a in BeautifulSoup(html, "html.parser").select("nav#handbook-nav li a")]


def test_an_incremental_build_never_shows_a_stale_navigation(tmp_path):
    settings = load_settings(copy_project(tmp_path / "p"))
    prepare_data(settings)
    assert build_site(settings, echo=False).ok
    assert any("Rozdział próbny" in t for t in _nav_titles(settings, "slowniczek.html"))
    chapter = settings.source_dir / "rozdzial.md"
    chapter.write_text(
        chapter.read_text(encoding="utf-8").replace("Rozdział próbny", "Rozdział zmieniony", 1)
    )
    (settings.source_dir / "nowy.md").write_text(SECTION.replace("Część w podfolderze", "Nowy rozdział"))
    index = settings.source_dir / "index.md"
    index.write_text(index.read_text(encoding="utf-8").replace("\nrozdzial\n", "\nrozdzial\nnowy\n", 1))
    assert build_site(settings, echo=False).ok
    # An unchanged page, not read again, shows the new title and the added chapter.
    titles = _nav_titles(settings, "slowniczek.html")
    assert any("Rozdział zmieniony" in t for t in titles) and any("Nowy rozdział" in t for t in titles)
    assert not any("Rozdział próbny" in t for t in titles)
