"""Shared fixtures: tiny books under tests/roots/ for the engine, and a copy of the real book.

Engine tests never read the repository's own conf/, data/ or handbook/: they build the test
book in tests/roots/base (a fictional county with its own data), with a case folder's files
on top. Tests of the real book (marked ``book``) only check what holds for any book.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from handbook.settings import Settings, load_settings

REPO = Path(__file__).resolve().parent.parent
ROOTS = Path(__file__).resolve().parent / "roots"
# The book whose build the book tests check: this repository's own, or `make test BOOK=…`.
BOOK = Path(os.environ.get("HANDBOOK_BOOK") or REPO).resolve()
BOOK_PARTS = ("conf", "data", "handbook")


def copy_project(target: Path, case: str | None = None) -> Path:
    """The test book in *target*, with the files of ``tests/roots/<case>`` over it.

    A case folder holds only what differs, so each case stays a few lines long; a case whose
    ``handbook/`` has its own ``index.md`` is a whole book and replaces the base chapters.
    """
    shutil.copytree(ROOTS / "base", target)
    if case is not None:
        own_book = (ROOTS / case / "handbook" / "index.md").exists()
        if own_book:
            shutil.rmtree(target / "handbook")
        shutil.copytree(ROOTS / case, target, dirs_exist_ok=True)
    return target


def copy_book(target: Path) -> Path:
    """A copy of the book under test (settings, data, chapters) in *target*."""
    for part in BOOK_PARTS:
        shutil.copytree(BOOK / part, target / part, ignore=shutil.ignore_patterns("_build"))
    return target


@contextmanager
def sphinx_app(settings: Settings, folder: Path, builder: str = "html") -> Iterator[object]:
    """A Sphinx application of the book in this process, output and doctrees in *folder*.

    For tests that look inside a build (its environment, its builder): docutils' registries are
    the build's until the block ends, as in ``staging.run_sphinx``.
    """
    from sphinx.application import Sphinx
    from sphinx.util.docutils import docutils_namespace, patch_docutils

    from handbook.build.staging import ENGINE_CONF_DIR, ROOT_VARIABLE

    os.environ[ROOT_VARIABLE] = str(settings.root)
    with patch_docutils(str(ENGINE_CONF_DIR)), docutils_namespace():
        yield Sphinx(
            srcdir=settings.source_dir,
            confdir=ENGINE_CONF_DIR,
            outdir=folder / builder,
            doctreedir=folder / "doctrees",
            buildername=builder,
            status=None,
            warning=None,
        )


def reader_text(element: object) -> str:
    """The text of a parsed HTML element as a reader sees it: without hidden elements (the
    spellings the search index gets, site/indexing.py)."""
    import copy

    from bs4 import Tag

    assert isinstance(element, Tag)
    seen = copy.copy(element)
    for hidden in seen.select("[hidden]"):
        hidden.decompose()
    return seen.get_text()


@pytest.fixture
def make_project(tmp_path: Path) -> Callable[[str | None], Settings]:
    def make(case: str | None = None) -> Settings:
        return load_settings(copy_project(tmp_path / "project", case))

    return make


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test book built once (HTML and PDF): the last good output of the adversarial suites."""
    from adversarial import built_book

    return built_book(tmp_path_factory.mktemp("zbudowany"))


@pytest.fixture
def project(built: Path, tmp_path: Path) -> Path:
    """A copy of the built test book for one case to change."""
    from adversarial import fresh_copy

    return fresh_copy(built, tmp_path)
