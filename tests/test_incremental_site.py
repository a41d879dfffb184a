"""An edit writes only the pages it touches, and every page still shows what a clean build shows.

``site/incremental.py`` decides between the previous pages and a full rewrite from a digest of
what pages show of each other; ``sphinxext/outlines.py`` numbers figures from outlines instead
of doctrees. These tests check the decisions by their results: the bytes of the pages.
"""

from __future__ import annotations

import hashlib
import pickle
import shutil
from pathlib import Path

import pytest

from conftest import copy_project, sphinx_app
from handbook.build.staging import build_site
from handbook.pipeline import prepare_data
from handbook.settings import Settings, load_settings
from handbook.site.incremental import STAMP


def _pages(settings: Settings) -> dict[str, tuple[str, int]]:
    """Every file of the published site but the search index: its digest and modification time."""
    site = settings.html_dir
    found = {}
    for path in sorted(site.rglob("*")):
        if path.is_file() and "_pagefind" not in path.parts:
            found[str(path.relative_to(site))] = (
                hashlib.sha256(path.read_bytes()).hexdigest(),
                path.stat().st_mtime_ns,
            )
    return found


def _clean_build(settings: Settings) -> dict[str, str]:
    """The digests of a clean build of the same book, in the same folder (pages name their paths)."""
    shutil.rmtree(settings.build_dir)
    prepare_data(settings)
    assert build_site(settings, echo=False).ok
    return {name: sha for name, (sha, _) in _pages(settings).items()}


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def book(tmp_path: Path) -> Settings:
    settings = load_settings(copy_project(tmp_path / "p"))
    prepare_data(settings)
    assert build_site(settings, echo=False).ok
    return settings


def test_a_paragraph_edit_writes_its_page_and_leaves_the_others(book):
    before = _pages(book)
    _edit(book.source_dir / "rozdzial.md", "## Liczby\n", "Akapit dopisany przez test.\n\n## Liczby\n")
    assert build_site(book, echo=False).ok
    after = _pages(book)
    assert "Akapit dopisany przez test." in (book.html_dir / "rozdzial.html").read_text(encoding="utf-8")
    # Pages of the other sources are the previous build's files, untouched: the home page too,
    # whose contents list shows the chapter's title and sections (Sphinx writes it again).
    for page in ("index.html", "slowniczek.html", "dane.html", "deklaracja.html"):
        assert after[page] == before[page], page
    assert after["rozdzial.html"][0] != before["rozdzial.html"][0]
    # And they are what a clean build writes.
    clean = _clean_build(book)
    assert {name: sha for name, (sha, _) in after.items()} == clean


def test_a_change_another_page_shows_rewrites_that_page(book):
    # A new captioned table before „Tabela próbna”: its number, 1.1, becomes 1.2 in the chapter
    # and in the glossary's reference to it, whose own source did not change.
    glossary = book.source_dir / "slowniczek.md"
    glossary.write_text(
        glossary.read_text(encoding="utf-8") + "\nZob. {numref}`tabela-proba`.\n", encoding="utf-8"
    )
    assert build_site(book, echo=False).ok
    assert "tab.\u00a01.1" in (book.html_dir / "slowniczek.html").read_text(encoding="utf-8")
    before = _pages(book)
    _edit(
        book.source_dir / "rozdzial.md",
        "```{table} Tabela próbna",
        "```{table} Tabela wstawiona\n\n| A |\n|--|\n| 1 |\n```\n\n```{table} Tabela próbna",
    )
    assert build_site(book, echo=False).ok
    assert "tab.\u00a01.2" in (book.html_dir / "slowniczek.html").read_text(encoding="utf-8")
    assert _pages(book)["dane.html"][1] != before["dane.html"][1]  # every page written again
    assert {name: sha for name, (sha, _) in _pages(book).items()} == _clean_build(book)


def test_a_removed_page_goes_with_its_images(book):
    """A source gone: the folder is emptied and written anew, nothing of the old page stays."""
    index = book.source_dir / "index.md"
    _edit(index, "\nslowniczek\n", "\n")
    (book.source_dir / "slowniczek.md").unlink()
    _edit(book.source_dir / "rozdzial.md", " oraz {term}`wolontariat sąsiedzki <wolontariusz sąsiedzki>`", "")
    assert build_site(book, echo=False).ok
    assert not (book.html_dir / "slowniczek.html").exists()
    assert {name: sha for name, (sha, _) in _pages(book).items()} == _clean_build(book)


def test_the_stamp_is_the_digest_of_the_pages_it_lies_with(book):
    stamp = (book.html_dir / STAMP).read_text(encoding="utf-8").strip()
    assert len(stamp) == 64 and int(stamp, 16) >= 0
    # Without a stamp (a site from an older engine, a copied folder) every page is written.
    (book.html_dir / STAMP).unlink()
    before = _pages(book)
    assert build_site(book, echo=False).ok
    after = _pages(book)
    assert after["slowniczek.html"][1] != before["slowniczek.html"][1]
    assert (book.html_dir / STAMP).read_text(encoding="utf-8").strip() == stamp


@pytest.mark.parametrize("case", ["base", "myst-corpus", "typst-all"])
def test_outlines_give_the_numbers_the_doctrees_give(tmp_path, case):
    """Sphinx's own numbering, run on the outlines and on the doctrees of a book, agrees."""
    from sphinx.environment.collectors.toctree import TocTreeCollector

    from handbook.sphinxext.outlines import _outlines, _OutlinesFirst

    settings = load_settings(copy_project(tmp_path / "p", None if case == "base" else case))
    prepare_data(settings)
    with sphinx_app(settings, tmp_path) as app:
        app.build()
        env = app.env
        assert set(_outlines(env)) == set(env.found_docs)
        collector = TocTreeCollector()
        collector.assign_figure_numbers(env)
        from_doctrees = pickle.dumps(sorted(env.toc_fignumbers.items()))
        env.get_doctree = _OutlinesFirst(env, env.get_doctree)
        collector.assign_figure_numbers(env)
        del env.get_doctree
        from_outlines = pickle.dumps(sorted(env.toc_fignumbers.items()))
    assert any(env.toc_fignumbers.values()), "the book numbers nothing: the comparison says nothing"
    assert from_outlines == from_doctrees
    # Small enough to be kept in the environment: a fraction of the doctrees they stand for.
    doctrees = sum(p.stat().st_size for p in (tmp_path / "doctrees").glob("**/*.doctree"))
    assert len(pickle.dumps(_outlines(env))) < doctrees / 4
